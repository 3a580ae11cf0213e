import type { ReactNode } from 'react';

/**
 * A box that scrolls sideways on narrow screens (wide tables). It takes the keyboard focus, so people who do not
 * use a mouse can scroll it too, and is named for screen readers.
 */
export function ScrollBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
