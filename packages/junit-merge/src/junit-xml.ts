import type {
  Attempt,
  DiagnosticRecord,
  LegRecord,
  TestRecord,
  TestgateRecord,
} from '@testgate/stream';

// Characters XML 1.0 cannot hold, even escaped.
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function text(value: string): string {
  return value
    .replace(INVALID_XML, '\ufffd')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;');
}

function attr(value: string | number): string {
  return text(String(value))
    .replaceAll('"', '&quot;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;')
    .replaceAll('\t', '&#9;');
}

/**
 * Writes a stream as one JUnit XML document, for systems that want a single file: a
 * `<testsuite>` per leg, flaky tests as passed testcases with Surefire `<flakyFailure>`
 * elements, repeated failures as `<rerunFailure>`, and every error diagnostic (a missing
 * leg, a broken report) as an errored testcase so that such systems fail closed too.
 */
export async function* toJunitXml(
  records: AsyncIterable<TestgateRecord> | Iterable<TestgateRecord>,
): AsyncGenerator<string> {
  yield '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="junit-merge">\n';
  let open = false;
  const errors: DiagnosticRecord[] = [];
  for await (const record of records) {
    if (record.type === 'leg') {
      if (open) yield '  </testsuite>\n';
      yield suiteOpen(record);
      open = true;
    } else if (record.type === 'test') {
      yield testcase(record);
    } else if (record.type === 'diagnostic' && record.severity === 'error') {
      errors.push(record);
    }
  }
  if (open) yield '  </testsuite>\n';
  if (errors.length > 0) {
    yield `  <testsuite name="junit-merge diagnostics" tests="${errors.length}" failures="0" errors="${errors.length}" skipped="0">\n`;
    for (const d of errors) {
      const where = [d.leg, d.file].filter(Boolean).join(' ');
      yield `    <testcase classname="junit-merge" name="${attr(`${d.code}${where ? ` ${where}` : ''}`)}"><error message="${attr(d.message)}" type="${attr(d.code)}">${text(d.hint ?? '')}</error></testcase>\n`;
    }
    yield '  </testsuite>\n';
  }
  yield '</testsuites>\n';
}

function suiteOpen(leg: LegRecord): string {
  const c = leg.counts;
  const time = leg.duration === undefined ? '' : ` time="${leg.duration}"`;
  return `  <testsuite name="${attr(leg.name)}" tests="${c.tests}" failures="${c.failed}" errors="${c.error}" skipped="${c.skipped}"${time}>\n`;
}

function testcase(test: TestRecord): string {
  const final = test.attempts[test.attempts.length - 1] ?? test.attempts[0];
  const time = final.duration === undefined ? '' : ` time="${final.duration}"`;
  const file = test.file === undefined ? '' : ` file="${attr(test.file)}"`;
  let body = '';
  if (test.outcome === 'flaky') {
    for (const a of test.attempts)
      if (a.outcome === 'failed' || a.outcome === 'error')
        body += result(a.outcome === 'failed' ? 'flakyFailure' : 'flakyError', a);
  } else if (test.outcome === 'failed' || test.outcome === 'error') {
    const failures = test.attempts.filter((a) => a.outcome === 'failed' || a.outcome === 'error');
    failures.forEach((a, n) => {
      const kind = a.outcome === 'failed' ? 'Failure' : 'Error';
      body += result(n === 0 ? kind.toLowerCase() : `rerun${kind}`, a);
    });
  } else if (test.outcome === 'skipped') {
    body += result('skipped', final);
  }
  if (final.stdout !== undefined) body += `<system-out>${text(final.stdout)}</system-out>`;
  if (final.stderr !== undefined) body += `<system-err>${text(final.stderr)}</system-err>`;
  const open = `    <testcase classname="${attr(test.classname)}" name="${attr(test.name)}"${file}${time}`;
  return body === '' ? `${open}/>\n` : `${open}>${body}</testcase>\n`;
}

function result(element: string, attempt: Attempt): string {
  const message = attempt.message === undefined ? '' : ` message="${attr(attempt.message)}"`;
  const type = attempt.errorType === undefined ? '' : ` type="${attr(attempt.errorType)}"`;
  return `<${element}${message}${type}>${text(attempt.details ?? '')}</${element}>`;
}
