import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';

/** Turns a report's bytes into text chunk by chunk; multi-byte characters may span chunks. */
export interface ChunkDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

/** How to decode a report, and what was wrong with its declaration. */
export interface Encoding {
  decoder: ChunkDecoder;
  /** Set when the declared encoding is unknown and UTF-8 was used instead. */
  problem?: string;
}

const DECLARED = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;
const UTF8_BOM = 3;

/**
 * UTF-8, with a fast path: most reports are plain ASCII, which decodes as Latin-1 at
 * memory speed. A chunk that ends inside a multi-byte character is not ASCII, so the
 * string decoder always holds the pending bytes when the next chunk needs them.
 */
class Utf8Decoder implements ChunkDecoder {
  readonly #decoder = new StringDecoder('utf8');
  #skipBom: boolean;

  constructor(skipBom: boolean) {
    this.#skipBom = skipBom;
  }

  write(chunk: Uint8Array): string {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#skipBom) {
      bytes = bytes.subarray(UTF8_BOM);
      this.#skipBom = false;
    }
    return isAscii(bytes)
      ? this.#decoder.end() + bytes.toString('latin1')
      : this.#decoder.write(bytes);
  }

  end(): string {
    return this.#decoder.end();
  }
}

/** Any other encoding, through the WHATWG decoder (which drops a UTF-16 BOM itself). */
class StandardDecoder implements ChunkDecoder {
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
  if (a === 0xff && b === 0xfe) return { decoder: new StandardDecoder('utf-16le') };
  if (a === 0xfe && b === 0xff) return { decoder: new StandardDecoder('utf-16be') };
  if (a === 0x3c && b === 0x00 && c === 0x3f && d === 0x00)
    return { decoder: new StandardDecoder('utf-16le') };
  if (a === 0x00 && b === 0x3c && c === 0x00 && d === 0x3f)
    return { decoder: new StandardDecoder('utf-16be') };
  const declared = DECLARED.exec(Buffer.from(head.subarray(0, 256)).toString('latin1'))?.[1];
  // A UTF-16 declaration without the matching byte pattern is a lie: the bytes are ASCII.
  if (!declared || /^utf-?(8|16)/i.test(declared)) return { decoder: new Utf8Decoder(false) };
  try {
    return { decoder: new StandardDecoder(declared) };
  } catch {
    return {
      decoder: new Utf8Decoder(false),
      problem: `unknown encoding ${JSON.stringify(declared)} in the XML declaration; read as UTF-8`,
    };
  }
}
