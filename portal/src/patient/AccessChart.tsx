/** Daily accesses as stacked bars in inline SVG, with a text summary for screen readers. */
import { formatDay } from '../ui/format';
import type { DayCount } from './timeline';

const BAR = 14;
const GAP = 4;
const HEIGHT = 120;

export function AccessChart({ days }: { days: readonly DayCount[] }) {
  const max = Math.max(1, ...days.map((d) => d.granted + d.refused + d.emergency));
  const total = (key: 'granted' | 'refused' | 'emergency') => days.reduce((n, d) => n + d[key], 0);
  const width = days.length * (BAR + GAP);
  const scale = (n: number) => (n / max) * (HEIGHT - 20);
  return (
    <figure className="chart">
      <svg
        role="img"
        aria-label={`Over the last ${days.length} days: ${total('granted')} accesses shared, ${total('refused')} refused, ${total('emergency')} emergency accesses.`}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        preserveAspectRatio="none"
        width="100%"
        height={HEIGHT}
      >
        {days.map((d, i) => {
          const x = i * (BAR + GAP);
          let y = HEIGHT;
          const segments: [number, string][] = [
            [d.granted, 'bar-granted'],
            [d.refused, 'bar-refused'],
            [d.emergency, 'bar-emergency'],
          ];
          return (
            <g key={d.day}>
              <title>{`${d.day}: ${d.granted} shared, ${d.refused} refused, ${d.emergency} emergency`}</title>
              {segments.map(([count, cls]) => {
                if (count === 0) return null;
                const h = scale(count);
                y -= h;
                return <rect key={cls} className={cls} x={x} y={y} width={BAR} height={h} />;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {days.length > 0 && (
          <span className="chart-range">
            {formatDay(`${days[0]?.day}T00:00:00Z`)} – {formatDay(`${days[days.length - 1]?.day}T00:00:00Z`)}{' '}
            · at most {max} a day
          </span>
        )}
        <span className="key key-granted">Shared</span>
        <span className="key key-refused">Refused</span>
        <span className="key key-emergency">Emergency</span>
      </figcaption>
    </figure>
  );
}
