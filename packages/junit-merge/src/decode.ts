import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';

/** Turns a report's bytes into text chunk by chunk; characters may span chunks. */
export interface ChunkDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

/** How to read a report as text, and what was wrong with its declaration. */
export interface Encoding {
  decoder: ChunkDecoder;
  /** Set when the declared encoding is unknown and UTF-8 was used instead. */
  problem?: string;
}

const DECLARED = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;
const BOM = '\ufeff';

/** UTF-8, less a byte-order mark (invalid bytes become U+FFFD, as everywhere in Node). */
export class Utf8Decoder implements ChunkDecoder {
  readonly #decoder = new StringDecoder('utf8');
  #skipBom: boolean;

  constructor(skipBom = false) {
    this.#skipBom = skipBom;
  }

  write(chunk: Uint8Array): string {
    return this.#withoutBom(this.#decoder.write(chunk as Buffer));
  }

  end(): string {
    return this.#withoutBom(this.#decoder.end());
  }

  #withoutBom(text: string): string {
    if (!this.#skipBom || text === '') return text;
    this.#skipBom = false;
    return text.startsWith(BOM) ? text.slice(1) : text;
  }
}

/** Any other encoding, through the WHATWG decoder (which drops a UTF-16 BOM itself). */
class Transcoder implements ChunkDecoder {
  readonly #decoder: TextDecoder;

  constructor(label: string) {
    this.#decoder = new TextDecoder(label);
  }

  write(chunk: Uint8Array): string {
    return this.#decoder.decode(chunk, { stream: true });
  }

  end(): string {
    return this.#decoder.decode();
  }
}

/**
 * Picks the decoder for a report from its first bytes: a byte-order mark (UTF-8, UTF-16
 * LE/BE), UTF-16 without one, or the XML declaration's `encoding` (ISO-8859-1 and the
 * like); UTF-8 otherwise.
 */
export function detectEncoding(head: Uint8Array): Encoding {
  const [a, b, c, d] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { decoder: new Utf8Decoder(true) };
  if (a === 0xff && b === 0xfe) return { decoder: new Transcoder('utf-16le') };
  if (a === 0xfe && b === 0xff) return { decoder: new Transcoder('utf-16be') };
  if (a === 0x3c && b === 0x00 && c === 0x3f && d === 0x00)
    return { decoder: new Transcoder('utf-16le') };
  if (a === 0x00 && b === 0x3c && c === 0x00 && d === 0x3f)
    return { decoder: new Transcoder('utf-16be') };
  const declared = DECLARED.exec(Buffer.from(head.subarray(0, 256)).toString('latin1'))?.[1];
  // A UTF-16 declaration without the matching byte pattern is a lie: the bytes are ASCII.
  if (!declared || /^utf-?(8|16)/i.test(declared)) return { decoder: new Utf8Decoder() };
  try {
    return { decoder: new Transcoder(declared) };
  } catch {
    return {
      decoder: new Utf8Decoder(),
      problem: `unknown encoding ${JSON.stringify(declared)} in the XML declaration; read as UTF-8`,
    };
  }
}
