/**
 * The recharts drawings of the access-log charts, loaded on demand (recharts is most of the portal's weight and
 * only two views draw charts). Hidden from screen readers by their figures, which carry the text equivalent.
 */
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { DayCount, OrganisationCount, Outcome } from './counts';

/** Colours with at least 3:1 contrast against white (WCAG non-text contrast), told apart by the legend too. */
const COLOURS: Readonly<Record<Outcome, string>> = {
  granted: '#1f6fb4',
  refused: '#6b6b6b',
  emergency: '#b3261e',
};
export const OUTCOMES: readonly Outcome[] = ['granted', 'refused', 'emergency'];

export type OutcomeNames = Readonly<Record<Outcome, string>>;

/** One stacked bar per outcome, as direct children of the chart. */
function outcomeBars(names: OutcomeNames) {
  return OUTCOMES.map((outcome) => (
    <Bar
      key={outcome}
      dataKey={outcome}
      stackId="outcome"
      name={names[outcome]}
      fill={COLOURS[outcome]}
      isAnimationActive={false}
    />
  ));
}

export function DayBars({
  days,
  names,
}: {
  days: readonly (DayCount & { readonly label: string })[];
  names: OutcomeNames;
}) {
  return (
    <BarChart responsive width="100%" height={240} data={[...days]} accessibilityLayer={false}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="label" interval="preserveStartEnd" minTickGap={12} tick={{ fontSize: 12 }} />
      <YAxis allowDecimals={false} width={36} tick={{ fontSize: 12 }} />
      <Tooltip />
      <Legend />
      {outcomeBars(names)}
    </BarChart>
  );
}

export function OrganisationBars({
  organisations,
  names,
}: {
  organisations: readonly OrganisationCount[];
  names: OutcomeNames;
}) {
  return (
    <BarChart
      responsive
      width="100%"
      height={Math.max(120, 48 * organisations.length + 60)}
      data={[...organisations]}
      layout="vertical"
      accessibilityLayer={false}
    >
      <CartesianGrid strokeDasharray="3 3" horizontal={false} />
      <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
      <YAxis type="category" dataKey="mspId" width={130} tick={{ fontSize: 12 }} />
      <Tooltip />
      <Legend />
      {outcomeBars(names)}
    </BarChart>
  );
}
