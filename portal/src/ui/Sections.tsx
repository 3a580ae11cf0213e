import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface Section {
  readonly id: string;
  readonly label: string;
  readonly badge?: number;
  readonly render: () => ReactNode;
}

/** A workspace's sections: a navigation bar of buttons and the section shown. */
export function Sections({ label, sections }: { label: string; sections: readonly Section[] }) {
  const { t } = useTranslation();
  const [active, setActive] = useState(sections[0]?.id);
  const shown = sections.find((s) => s.id === active) ?? sections[0];
  return (
    <>
      <nav aria-label={label} className="sections">
        {sections.map((section) => (
          <button
            key={section.id}
            type="button"
            aria-current={section.id === shown?.id ? 'page' : undefined}
            onClick={() => setActive(section.id)}
          >
            {section.label}
            {section.badge ? (
              <span className="badge">
                {section.badge}
                <span className="visually-hidden"> {t('ui.newItems', { count: section.badge })}</span>
              </span>
            ) : null}
          </button>
        ))}
      </nav>
      <section className="view" aria-label={shown?.label}>
        {shown?.render()}
      </section>
    </>
  );
}
