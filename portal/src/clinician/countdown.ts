/** How long a temporary record stays readable, in whole hours, minutes and seconds. */
export type TimeLeft =
  | { readonly expired: true }
  | { readonly expired: false; readonly hours: number; readonly minutes: string; readonly seconds: string };

export function timeLeft(expiresAt: string, now: number): TimeLeft {
  const ms = Date.parse(expiresAt) - now;
  if (!(ms > 0)) return { expired: true };
  const totalSeconds = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    expired: false,
    hours: Math.floor(totalSeconds / 3600),
    minutes: pad(Math.floor((totalSeconds % 3600) / 60)),
    seconds: pad(totalSeconds % 60),
  };
}
