import { type OptionKind, UsageError, opt } from '@testgate/stream';

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** A time as `--target` takes it (`4m`, `90s`, `1h30m`, `2m30s`, or plain seconds) in seconds. */
export function parseSeconds(text: string, flag: string): number {
  const trimmed = text.trim();
  let seconds = 0;
  if (/^\d+(\.\d+)?$/.test(trimmed)) seconds = Number(trimmed);
  else if (/^(\d+(\.\d+)?[hms])+$/.test(trimmed))
    for (const [, value, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)([hms])/g))
      seconds += Number(value) * UNIT_SECONDS[unit!]!;
  if (!(seconds > 0))
    throw new UsageError(
      `${flag} must be a time like 4m, 90s or 1h30m, got: ${JSON.stringify(text)}`,
    );
  return seconds;
}

/** An option that takes such a time. */
export function secondsOption(describe: string): OptionKind<number | undefined> {
  return opt.option({ type: 'string', describe }, (value, name) =>
    value === undefined ? undefined : parseSeconds(String(value), name),
  );
}
