/** "2 h 05 min left": how long a temporary record stays readable. */
export function timeLeft(
  expiresAt: string,
  now: number,
): { readonly expired: boolean; readonly text: string } {
  const ms = Date.parse(expiresAt) - now;
  if (!(ms > 0)) return { expired: true, text: 'Expired' };
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (hours > 0) return { expired: false, text: `${hours} h ${pad(minutes)} min left` };
  return { expired: false, text: `${minutes} min ${pad(seconds)} s left` };
}
