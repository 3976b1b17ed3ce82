import { TextDecoder } from 'node:util';

/** How to turn a report's bytes into text, and what was wrong with its declaration. */
export interface Encoding {
  decoder: TextDecoder;
  /** Set when the declared encoding is unknown and UTF-8 was used instead. */
  problem?: string;
}

const DECLARED = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;

/**
 * Picks the decoder for a report from its first bytes: a byte-order mark (UTF-8, UTF-16
 * LE/BE), UTF-16 without one, or the XML declaration's `encoding` (ISO-8859-1 and the
 * like); UTF-8 otherwise. The BOM itself is dropped by the decoder.
 */
export function detectEncoding(head: Uint8Array): Encoding {
  const [a, b, c, d] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) return { decoder: new TextDecoder('utf-8') };
  if (a === 0xff && b === 0xfe) return { decoder: new TextDecoder('utf-16le') };
  if (a === 0xfe && b === 0xff) return { decoder: new TextDecoder('utf-16be') };
  if (a === 0x3c && b === 0x00 && c === 0x3f && d === 0x00)
    return { decoder: new TextDecoder('utf-16le') };
  if (a === 0x00 && b === 0x3c && c === 0x00 && d === 0x3f)
    return { decoder: new TextDecoder('utf-16be') };
  const declared = DECLARED.exec(Buffer.from(head.subarray(0, 256)).toString('latin1'))?.[1];
  if (!declared || /^utf-?8$/i.test(declared)) return { decoder: new TextDecoder('utf-8') };
  // A UTF-16 declaration without the matching byte pattern is a lie: the bytes are ASCII.
  if (/^utf-?16/i.test(declared)) return { decoder: new TextDecoder('utf-8') };
  try {
    return { decoder: new TextDecoder(declared) };
  } catch {
    return {
      decoder: new TextDecoder('utf-8'),
      problem: `unknown encoding ${JSON.stringify(declared)} in the XML declaration; read as UTF-8`,
    };
  }
}
