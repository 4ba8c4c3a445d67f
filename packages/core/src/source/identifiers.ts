/**
 * PostgreSQL's identifier length limit: NAMEDATALEN - 1 = 63 bytes of UTF-8. Longer names are cut
 * (with only a NOTICE) without splitting a character, as pg_mbcliplen does.
 */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * The length of `text` in UTF-8 bytes, as TextEncoder encodes it (a lone surrogate becomes
 * U+FFFD, 3 bytes), counted without encoding: rules ask for every name of a statement.
 */
export function utf8ByteLength(text: string): number {
  const n = text.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2; // 4 bytes for the two units of the pair
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The longest prefix of `text` of at most `limit` UTF-8 bytes that does not cut a character. */
export function clipToBytes(text: string, limit: number = MAX_IDENTIFIER_BYTES): string {
  let used = 0;
  let end = 0;
  for (const ch of text) {
    const size = utf8ByteLength(ch);
    if (used + size > limit) break;
    used += size;
    end += ch.length;
  }
  return text.slice(0, end);
}
