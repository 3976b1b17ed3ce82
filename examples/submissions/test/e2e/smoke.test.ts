import { describe, expect, it } from 'vitest';
import { eventually } from '../services.js';

// Against a running preview: the built app, api and worker, started by the pipeline.
const base = process.env.PREVIEW_URL;
const commit = process.env.EXPECTED_COMMIT;

describe('preview smoke', () => {
  it('is configured', () => {
    expect(base, 'PREVIEW_URL of the preview').toBeTruthy();
    expect(commit, 'EXPECTED_COMMIT, the commit the preview must run').toBeTruthy();
  });

  it('is healthy and runs this commit', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await (await fetch(`${base}/version`)).json()).toEqual({ commit });
  });

  it('processes a real submission within a bounded wait', async () => {
    const res = await fetch(`${base}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        author: 'smoke',
        language: 'typescript',
        source: '// smoke\nexport {};\n',
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const done = await eventually(async () => {
      const body = (await (await fetch(`${base}/submissions/${id}`)).json()) as { status: string };
      return body.status === 'queued' ? undefined : body;
    }, 10_000);
    expect(done).toMatchObject({ status: 'done', result: { lines: 3, comments: 1 } });
  });
});
