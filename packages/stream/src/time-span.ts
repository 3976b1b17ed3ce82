const UNITS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/**
 * A length of time as the CLIs take it (`90m`, `12h`, `30d`, `8w`) in milliseconds;
 * undefined when the text is not one, or is zero.
 */
export function parseTimeSpan(text: string): number | undefined {
  const m = /^(\d+)([mhdw])$/.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]) * UNITS[m[2]!]!;
  return value > 0 ? value : undefined;
}

/** A length of time as the CLIs write it back: in days, hours or minutes, the largest whole. */
export function formatTimeSpan(ms: number): string {
  for (const unit of ['d', 'h'] as const)
    if (ms % UNITS[unit]! === 0) return `${ms / UNITS[unit]!}${unit}`;
  return `${Math.round(ms / UNITS.m!)}m`;
}
