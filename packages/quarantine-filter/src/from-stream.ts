import {
  UsageError,
  failureSignatures,
  globMatcher,
  openStreamInput,
  readRecords,
  type CliIo,
} from '@testgate/stream';

/** How a test failed in a saved stream: its failures' signatures, and the legs it failed in. */
export interface SeenFailure {
  signatures: string[];
  legs: string[];
}

/**
 * The failures of the tests `test` (an id, or a glob over ids) names in the stream at
 * `file`: what `add --from` pins an entry to. A stream in which it did not fail is a
 * usage error: there is nothing to pin.
 */
export async function failureIn(
  file: string,
  test: string,
  io: CliIo,
  tool: string,
): Promise<SeenFailure> {
  const matches = globMatcher(test);
  const { input } = await openStreamInput(file, io, tool);
  const signatures = new Set<string>();
  const legs = new Set<string>();
  for await (const record of readRecords(input, { file }))
    if (
      record.type === 'test' &&
      (record.outcome === 'failed' || record.outcome === 'error' || record.outcome === 'flaky') &&
      matches(record.id)
    ) {
      for (const signature of failureSignatures(record)) signatures.add(signature);
      legs.add(record.leg);
    }
  if (legs.size === 0)
    throw new UsageError(
      `--from ${file}: ${JSON.stringify(test)} did not fail in this stream: there is no failure to pin`,
      'give the saved stream of a run in which it failed, or leave --from out',
    );
  return { signatures: [...signatures].sort(), legs: [...legs].sort() };
}
