import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';

/** Where a leg's records go: plain data, so that it crosses to a worker thread. */
export interface LegTarget {
  /** The leg's temporary file, for what cannot go into the output yet. */
  temp: string;
  /** The output file, shared by every thread; absent when nothing goes out before the end. */
  fd?: number | undefined;
  /** The index of the first leg not yet all in the output, in memory every thread shares. */
  front: Int32Array;
}

const COPY_CHUNK = 1 << 20;

/**
 * Writes one leg's serialised records straight into the output while the leg is at the
 * front (every leg before it written), and into its temporary file until then: the leg
 * that reaches the front copies what its file holds and goes on in the output. So the
 * legs that are merged in turn never pass through a temporary file, and memory stays as
 * it was whatever the legs' sizes.
 */
export class LegSink {
  readonly #index: number;
  readonly #target: LegTarget;
  #tempFd: number | undefined;
  #direct = false;

  constructor(index: number, target: LegTarget) {
    this.#index = index;
    this.#target = target;
  }

  write(text: string): void {
    this.#reachFront();
    const fd = this.#direct
      ? this.#target.fd!
      : (this.#tempFd ??= openSync(this.#target.temp, 'w'));
    writeSync(fd, text);
  }

  /**
   * The leg is complete. True when it is all in the output (the front then moves past
   * it); false when its temporary file holds it, for the main thread to copy in turn.
   */
  end(): boolean {
    this.#reachFront();
    if (this.#direct) {
      Atomics.store(this.#target.front, 0, this.#index + 1);
      return true;
    }
    closeSync(this.#tempFd ?? openSync(this.#target.temp, 'w'));
    return false;
  }

  #reachFront(): void {
    const { fd, front, temp } = this.#target;
    if (this.#direct || fd === undefined || Atomics.load(front, 0) !== this.#index) return;
    if (this.#tempFd !== undefined) {
      closeSync(this.#tempFd);
      this.#tempFd = undefined;
      appendFile(fd, temp);
    }
    this.#direct = true;
  }
}

/** Appends a file's bytes to `fd`, and removes the file. */
export function appendFile(fd: number, path: string): void {
  const buffer = Buffer.allocUnsafe(COPY_CHUNK);
  const input = openSync(path, 'r');
  try {
    for (;;) {
      const length = readSync(input, buffer, 0, COPY_CHUNK, null);
      if (length === 0) break;
      writeSync(fd, buffer, 0, length);
    }
  } finally {
    closeSync(input);
  }
  rmSync(path, { force: true });
}
