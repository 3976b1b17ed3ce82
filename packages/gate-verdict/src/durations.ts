/**
 * Seconds as people read them: `0.16 s`, `12.3 s`, `2 m 05 s`, `1 h 02 m`. Self-contained
 * (no import, no closure): the HTML report's script embeds its source to format the rows
 * it renders.
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  const short = Number(seconds.toPrecision(2));
  if (short < 10) return `${short} s`;
  const tenths = Math.round(seconds * 10) / 10;
  if (tenths < 60) return `${tenths} s`;
  const whole = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (whole < 3600) return `${Math.floor(whole / 60)} m ${pad(whole % 60)} s`;
  return `${Math.floor(whole / 3600)} h ${pad(Math.floor((whole % 3600) / 60))} m`;
}
