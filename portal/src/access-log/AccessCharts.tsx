/**
 * The access log's charts: requests per day and per requesting organisation, stacked by outcome, with axes and a
 * legend (recharts, loaded on demand). The drawing is hidden from screen readers; each chart carries its text
 * equivalent (a one-line summary and the full table), so nothing is known only from the picture.
 */
import { lazy, Suspense, useId } from 'react';
import { useWords } from '../i18n/use-words';
import { ScrollBox } from '../ui/ScrollBox';
import type { DayCount, OrganisationCount, Outcome } from './counts';

const OUTCOMES: readonly Outcome[] = ['granted', 'refused', 'emergency'];
const DayBars = lazy(() => import('./ChartDrawings').then((m) => ({ default: m.DayBars })));
const OrganisationBars = lazy(() => import('./ChartDrawings').then((m) => ({ default: m.OrganisationBars })));

function useOutcomeNames(): Readonly<Record<Outcome, string>> {
  const { t } = useWords();
  return { granted: t('chart.granted'), refused: t('chart.refused'), emergency: t('chart.emergency') };
}

function totals(rows: readonly Record<Outcome, number>[]): Record<Outcome, number> {
  return {
    granted: rows.reduce((n, r) => n + r.granted, 0),
    refused: rows.reduce((n, r) => n + r.refused, 0),
    emergency: rows.reduce((n, r) => n + r.emergency, 0),
  };
}

/** Requests per day over a period, oldest day first. */
export function AccessesByDayChart({ days, title }: { days: readonly DayCount[]; title: string }) {
  const { t, format } = useWords();
  const names = useOutcomeNames();
  const id = useId();
  const sum = totals(days);
  const data = days.map((d) => ({ ...d, label: format.shortDay(d.day) }));
  return (
    <figure className="chart" aria-labelledby={`${id}-title`} aria-describedby={`${id}-summary`}>
      <figcaption>
        <strong id={`${id}-title`}>{title}</strong>{' '}
        <span id={`${id}-summary`}>{t('chart.summary', { days: days.length, ...sum })}</span>
      </figcaption>
      <div className="chart-canvas chart-days" aria-hidden="true">
        <Suspense fallback={null}>
          <DayBars days={data} names={names} />
        </Suspense>
      </div>
      <details>
        <summary>{t('chart.asTable')}</summary>
        <ScrollBox label={title}>
          <table>
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('chart.day')}</th>
                {OUTCOMES.map((o) => (
                  <th scope="col" key={o}>
                    {names[o]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{format.calendarDay(d.day)}</th>
                  {OUTCOMES.map((o) => (
                    <td key={o}>{format.number(d[o])}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      </details>
    </figure>
  );
}

/** Requests per requesting organisation, busiest first. */
export function AccessesByOrganisationChart({
  organisations,
  title,
}: {
  organisations: readonly OrganisationCount[];
  title: string;
}) {
  const { t, format } = useWords();
  const names = useOutcomeNames();
  const id = useId();
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption>
        <strong id={`${id}-title`}>{title}</strong>
      </figcaption>
      <div className="chart-canvas" aria-hidden="true">
        <Suspense fallback={null}>
          <OrganisationBars organisations={organisations} names={names} />
        </Suspense>
      </div>
      <ScrollBox label={title}>
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('chart.organisation')}</th>
              {OUTCOMES.map((o) => (
                <th scope="col" key={o}>
                  {names[o]}
                </th>
              ))}
              <th scope="col">{t('chart.total')}</th>
            </tr>
          </thead>
          <tbody>
            {organisations.map((o) => (
              <tr key={o.mspId}>
                <th scope="row">{o.mspId}</th>
                {OUTCOMES.map((outcome) => (
                  <td key={outcome}>{format.number(o[outcome])}</td>
                ))}
                <td>{format.number(o.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
    </figure>
  );
}
