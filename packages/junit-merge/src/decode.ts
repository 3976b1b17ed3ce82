import { TextDecoder } from 'node:util';

/** Turns a report's bytes into UTF-8 chunk by chunk; characters may span chunks. */
export interface ChunkDecoder {
  write(chunk: Uint8Array): Uint8Array;
  end(): Uint8Array;
}

/** How to read a report as UTF-8, and what was wrong with its declaration. */
export interface Encoding {
  decoder: ChunkDecoder;
  /** Set when the declared encoding is unknown and UTF-8 was used instead. */
  problem?: string;
}

const DECLARED = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;
const UTF8_BOM = 3;

/** UTF-8 already: the bytes go through as they are, less a byte-order mark. */
class Utf8Passthrough implements ChunkDecoder {
  #skipBom: boolean;

  constructor(skipBom: boolean) {
    this.#skipBom = skipBom;
  }

  write(chunk: Uint8Array): Uint8Array {
    if (!this.#skipBom) return chunk;
    this.#skipBom = false;
    return chunk.subarray(UTF8_BOM);
  }

  end(): Uint8Array {
    return new Uint8Array(0);
  }
}

/** Any other encoding, through the WHATWG decoder (which drops a UTF-16 BOM itself), to UTF-8. */
class Transcoder implements ChunkDecoder {
  readonly #decoder: TextDecoder;

  constructor(label: string) {
    this.#decoder = new TextDecoder(label);
  }

  write(chunk: Uint8Array): Uint8Array {
    return Buffer.from(this.#decoder.decode(chunk, { stream: true }), 'utf8');
  }

  end(): Uint8Array {
    return Buffer.from(this.#decoder.decode(), 'utf8');
  }
}

/**
 * Picks the decoder for a report from its first bytes: a byte-order mark (UTF-8, UTF-16
 * LE/BE), UTF-16 without one, or the XML declaration's `encoding` (ISO-8859-1 and the
 * like); UTF-8 otherwise.
 */
export function detectEncoding(head: Uint8Array): Encoding {
  const [a, b, c, d] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { decoder: new Utf8Passthrough(true) };
  if (a === 0xff && b === 0xfe) return { decoder: new Transcoder('utf-16le') };
  if (a === 0xfe && b === 0xff) return { decoder: new Transcoder('utf-16be') };
  if (a === 0x3c && b === 0x00 && c === 0x3f && d === 0x00)
    return { decoder: new Transcoder('utf-16le') };
  if (a === 0x00 && b === 0x3c && c === 0x00 && d === 0x3f)
    return { decoder: new Transcoder('utf-16be') };
  const declared = DECLARED.exec(Buffer.from(head.subarray(0, 256)).toString('latin1'))?.[1];
  // A UTF-16 declaration without the matching byte pattern is a lie: the bytes are ASCII.
  if (!declared || /^utf-?(8|16)/i.test(declared)) return { decoder: new Utf8Passthrough(false) };
  try {
    return { decoder: new Transcoder(declared) };
  } catch {
    return {
      decoder: new Utf8Passthrough(false),
      problem: `unknown encoding ${JSON.stringify(declared)} in the XML declaration; read as UTF-8`,
    };
  }
}
