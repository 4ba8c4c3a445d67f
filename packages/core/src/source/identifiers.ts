/**
 * PostgreSQL's identifier length limit: NAMEDATALEN - 1 = 63 bytes of UTF-8. Longer names are cut
 * (with only a NOTICE) without splitting a character, as pg_mbcliplen does.
 */
export const MAX_IDENTIFIER_BYTES = 63;

const utf8 = new TextEncoder();

/** The length of `text` in UTF-8 bytes. */
export function utf8ByteLength(text: string): number {
  return utf8.encode(text).length;
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
