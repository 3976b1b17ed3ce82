const UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** A window length like `30d`, `12h` or `8w` in milliseconds; undefined when it is not one. */
export function parseWindow(text: string): number | undefined {
  const m = /^(\d+)([hdw])$/.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]) * UNITS[m[2]!]!;
  return value > 0 ? value : undefined;
}
