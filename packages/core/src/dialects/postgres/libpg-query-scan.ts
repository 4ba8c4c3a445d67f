/**
 * libpg-query's own scanner (`scanSync`: the server's scanner in WASM, its tokens as JSON). The
 * parse path uses the TypeScript lexer (lexer.ts), which gives the same tokens far faster; this
 * stays for the syntax errors of statements that do not parse, whose reporting was built on what
 * it gives, failures (no tokens at all) included.
 */
import { scanSync } from 'libpg-query';
import { ByteOffsetMap } from '../../source/line-index.ts';
import type { KeywordKind, LexedToken } from './lexer.ts';

/** A token as libpg-query's scanSync returns it: offsets are UTF-8 byte offsets into the scanned text. */
interface RawToken {
  start: number;
  end: number;
  text: string;
  tokenName: string;
  keywordKind: number;
}

/** scanSync's tokens, or undefined when it fails (it throws on text the server's scanner rejects). */
function scanRaw(text: string): RawToken[] | undefined {
  try {
    return scanSync(text).tokens;
  } catch {
    return undefined;
  }
}

/**
 * scanSync's tokens in the lexer's form: file offsets from `base`, texts from `source` (the text as
 * written, when `text` is a same-length rewrite of it).
 */
export function scanWithLibpgQuery(text: string, base: number, bytes: ByteOffsetMap, source: string = text): LexedToken[] | undefined {
  return scanRaw(text)?.map((t) => {
    const start = bytes.toUtf16(t.start);
    const end = bytes.toUtf16(t.end);
    return {
      start: base + start,
      end: base + end,
      text: source.slice(start, end),
      kind: t.tokenName,
      keyword: t.keywordKind !== 0,
      byteStart: t.start,
      keywordKind: t.keywordKind as KeywordKind,
    };
  });
}
