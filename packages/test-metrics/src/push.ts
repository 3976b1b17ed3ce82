import { ExitCode, ExitError, UsageError, redactUrl, redactUrls } from '@testgate/stream';
import { renderMetrics } from './exposition.js';
import type { RunSummary } from './summarize.js';

/**
 * Pushes a run's metrics to a Pushgateway under `job` (and the run's branch), and gives
 * the URL it pushed to, credentials hidden. PUT replaces the group's metrics: a value
 * stays until the next run of the same group.
 */
export async function push(url: string, job: string, run: RunSummary): Promise<string> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new UsageError(`--push must be a URL, got: ${JSON.stringify(redactUrl(url))}`);
  }
  // Credentials in the URL become a Basic header: fetch refuses a URL that carries them.
  const headers: Record<string, string> = { 'content-type': 'text/plain; version=0.0.4' };
  if (target.username || target.password) {
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  const group = run.branch === undefined ? '' : groupingLabel('branch', run.branch);
  target.pathname = `${target.pathname.replace(/\/+$/, '')}/metrics${groupingLabel('job', job)}${group}`;
  const shown = redactUrl(target.toString());
  let response: Response;
  try {
    response = await fetch(target, { method: 'PUT', headers, body: renderMetrics(run) });
  } catch (error) {
    const cause =
      (error as Error).cause instanceof Error ? ((error as Error).cause as Error) : undefined;
    const reason =
      (cause as NodeJS.ErrnoException | undefined)?.code ??
      cause?.message ??
      (error as Error).message;
    throw new ExitError(
      ExitCode.unusable,
      `cannot reach the Pushgateway at ${redactUrl(url)} (${redactUrls(reason)})`,
    );
  }
  if (!response.ok)
    throw new ExitError(
      ExitCode.unusable,
      `the Pushgateway refused the metrics (HTTP ${response.status}: ${(await response.text()).slice(0, 200)})`,
    );
  return shown;
}

/**
 * One label of the Pushgateway's grouping path. A value a URL would not carry as one
 * segment (`.` and `..` are resolved away, a `/` splits it, an empty one vanishes) is
 * written in the Pushgateway's base64 form, `name@base64/…`.
 */
function groupingLabel(name: string, value: string): string {
  return value === '' || value === '.' || value === '..' || value.includes('/')
    ? `/${name}@base64/${Buffer.from(value).toString('base64url') || '='}`
    : `/${name}/${encodeURIComponent(value)}`;
}
