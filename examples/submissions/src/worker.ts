import { grade } from './grade.js';
import type { Queue } from './queue.js';
import type { SubmissionStore } from './store.js';

export interface WorkerOptions {
  /** Seconds a pop waits for work before the loop checks whether to stop. @default 1 */
  popSeconds?: number;
  /** Milliseconds between sweeps for rows still queued (a lost queue message). @default 5000 */
  sweepMs?: number;
  /** Milliseconds to wait after an error (a server restarting) before trying again. @default 250 */
  backoffMs?: number;
  log?: (event: Record<string, unknown>) => void;
}

/**
 * Drains the queue: pops an id, grades the submission and records the result. Errors
 * (Redis or Postgres restarting) are logged and retried after a pause; rows still queued
 * are swept up now and then, so that a message lost with a Redis restart is not a
 * submission lost.
 */
export class Worker {
  private stopping = false;
  private loop: Promise<void> | undefined;
  processed = 0;

  constructor(
    private readonly store: SubmissionStore,
    private readonly queue: Queue,
    private readonly options: WorkerOptions = {},
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  /** Grades one submission if it is still queued. */
  async process(id: string): Promise<void> {
    const submission = await this.store.get(id);
    if (!submission || submission.status !== 'queued') return;
    const outcome = grade(submission);
    await this.store.finish(id, outcome);
    this.processed++;
    this.options.log?.({ event: 'processed', id, status: outcome.status });
  }

  private async run(): Promise<void> {
    const { popSeconds = 1, sweepMs = 5000, backoffMs = 250 } = this.options;
    let lastSweep = 0;
    while (!this.stopping) {
      try {
        if (Date.now() - lastSweep >= sweepMs) {
          lastSweep = Date.now();
          for (const id of await this.store.queued(50)) await this.process(id);
        }
        const id = await this.queue.pop(popSeconds);
        if (id !== undefined) await this.process(id);
      } catch (error) {
        this.options.log?.({ event: 'retrying', error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
      }
    }
  }
}
