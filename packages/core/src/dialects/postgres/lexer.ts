/**
 * PostgreSQL's lexical rules (docs: "Lexical Structure"; the server's scan.l as libpg-query 18
 * builds it) in TypeScript. It yields the tokens libpg-query's `scanSync` yields, with the same
 * boundaries, token names and keyword kinds, without a trip through WASM and JSON: the scan was a
 * third of the CPU time of a lint. Like libpg-query's scanner it returns comments as tokens, and
 * unlike it, it reports positions in the UTF-16 offsets the rest of sqlwarden uses, plus the UTF-8
 * byte offset of each token's start, which is how libpg-query's parse tree locates nodes.
 *
 * Text the server's scanner rejects (an unterminated literal, `123abc`, `""`) still gets tokens,
 * with `failed` set; such text never parses, and the parse error path does not rely on them.
 */
import { COLUMN_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS, UNRESERVED_KEYWORDS } from './keywords.ts';

/** A lexical token of the statement, in UTF-16 offsets of the whole file. */
export interface Token {
  start: number;
  end: number;
  text: string;
  /** libpg-query's token name (`IDENT`, `SCONST`, `ASCII_40` for `(`...; `UNKNOWN` for keywords and the rest). */
  kind: string;
  keyword: boolean;
}

/** libpg-query's keywordKind: 0 not a keyword, 1 unreserved, 2 column name, 3 type or function name, 4 reserved. */
export type KeywordKind = 0 | 1 | 2 | 3 | 4;
export const RESERVED_KEYWORD: KeywordKind = 4;

export interface LexedToken extends Token {
  /** UTF-8 byte offset of the token's start in the lexed text: where libpg-query locates it. */
  byteStart: number;
  keywordKind: KeywordKind;
}

export interface Lexed {
  tokens: LexedToken[];
  /** Whether the text is all ASCII, so that its byte offsets are its UTF-16 offsets. */
  ascii: boolean;
  /** Whether PostgreSQL's scanner would reject the text (see the module comment). */
  failed: boolean;
}

export interface LexOptions {
  /** File offset of the text's first character; token offsets are file offsets. */
  base?: number;
  /**
   * The text as written, when the lexed text is a rewrite of it of the same UTF-16 length (psql
   * variables replaced by stand-ins): token texts are taken from it.
   */
  source?: string;
}

export function lexPostgres(text: string, options: LexOptions = {}): Lexed {
  return new Lexer(text, options.base ?? 0, options.source ?? text).run();
}

const KEYWORD_KINDS = new Map<string, KeywordKind>();
let longestKeyword = 0;
for (const [words, kind] of [
  [UNRESERVED_KEYWORDS, 1],
  [COLUMN_NAME_KEYWORDS, 2],
  [TYPE_FUNC_NAME_KEYWORDS, 3],
  [RESERVED_KEYWORDS, 4],
] as const) {
  for (const word of words) {
    // Upper case too: SQL is often written with upper-case key words, and a direct hit saves
    // lower-casing the word.
    KEYWORD_KINDS.set(word, kind);
    KEYWORD_KINDS.set(word.toUpperCase(), kind);
    longestKeyword = Math.max(longestKeyword, word.length);
  }
}

/**
 * Key word kind of an ASCII word in any case (PostgreSQL folds only ASCII letters for this);
 * `mixedCase` when it has both upper- and lower-case letters, the only words lower-cased here.
 */
export function keywordKindOf(word: string, mixedCase = true): KeywordKind {
  if (word.length > longestKeyword) return 0;
  return KEYWORD_KINDS.get(word) ?? (mixedCase ? KEYWORD_KINDS.get(word.toLowerCase()) : undefined) ?? 0;
}

// Character codes.
const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const DQUOTE = 34;
const DOLLAR = 36;
const AMP = 38;
const QUOTE = 39;
const STAR = 42;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const LT = 60;
const EQ = 61;
const GT = 62;
const BACKSLASH = 92;
const UNDERSCORE = 95;

/** `[ \t\n\r\f\v]`: PostgreSQL's white space. */
function isSpace(c: number): boolean {
  return c === SPACE || (c >= TAB && c <= CR);
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** Letters, `_` and every non-ASCII character (the server sees their UTF-8 bytes, all >= 0x80). */
function isIdentStart(c: number): boolean {
  const lower = c | 0x20;
  return (lower >= 97 && lower <= 122) || c === UNDERSCORE || c >= 0x80;
}

function isIdentCont(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === DOLLAR;
}

/** Characters that make up operators: `~ ! @ # ^ & | ` ? + - * / % < > =`. */
const OP_CHARS = charSet('~!@#^&|`?+-*/%<>=');
/** Characters that are tokens of their own (`self` in scan.l). */
const SELF_CHARS = charSet(',()[].;:+-*/%^<>=');
/** An operator that contains one of these may end in `+` or `-` (`?-`, `@-`), others may not (`=-` is `=` `-`). */
const NON_SQL_OP_CHARS = charSet('~!@#^&|`?%');

function charSet(chars: string): Uint8Array {
  const set = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
  return set;
}

function isOpChar(c: number): boolean {
  return c < 128 && OP_CHARS[c] === 1;
}

/** libpg-query names only some single-character tokens; the others are `UNKNOWN`. */
function charTokenName(c: number): string {
  switch (c) {
    case 40:
      return 'ASCII_40';
    case 41:
      return 'ASCII_41';
    case 42:
      return 'ASCII_42';
    case 44:
      return 'ASCII_44';
    case 59:
      return 'ASCII_59';
    case 61:
      return 'ASCII_61';
    default:
      return 'UNKNOWN';
  }
}

const MAX_INT32 = 2147483647;

class Lexer {
  private readonly tokens: LexedToken[] = [];
  private readonly n: number;
  private failed = false;
  /** UTF-8 bytes minus UTF-16 units of the text lexed so far. */
  private extraBytes = 0;
  /** OR of the character codes the current token's loops stepped over: >= 0x80 when any was not ASCII. */
  private high = 0;
  private ascii = true;

  constructor(
    private readonly text: string,
    private readonly base: number,
    private readonly source: string,
  ) {
    this.n = text.length;
  }

  run(): Lexed {
    const { text, n } = this;
    let p = 0;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (isSpace(c)) {
        p++;
        continue;
      }
      this.high = c;
      p = this.token(p, c);
    }
    return { tokens: this.tokens, ascii: this.ascii, failed: this.failed };
  }

  /** Lexes the token that starts at `p` with character `c`; returns where the next one may start. */
  private token(p: number, c: number): number {
    const { text } = this;
    const next = text.charCodeAt(p + 1);
    if (c === MINUS && next === MINUS) return this.push(p, this.lineEnd(p + 2), 'SQL_COMMENT');
    if (c === SLASH && next === STAR) return this.push(p, this.blockCommentEnd(p + 2), 'C_COMMENT');
    if (c === QUOTE) return this.push(p, this.quotedEnd(p, false, true), 'SCONST');
    if (c === DQUOTE) return this.push(p, this.identifierEnd(p + 1), 'IDENT');
    if (isDigit(c) || (c === DOT && isDigit(next))) return this.number(p);
    if (c === DOT) return next === DOT ? this.push(p, p + 2, 'UNKNOWN') : this.push(p, p + 1, 'UNKNOWN');
    if (c === COLON) {
      if (next === COLON) return this.push(p, p + 2, 'TYPECAST');
      return this.push(p, next === EQ ? p + 2 : p + 1, 'UNKNOWN');
    }
    if (c === DOLLAR) return this.dollar(p, next);
    if (isIdentStart(c)) return this.word(p, c, next);
    if (isOpChar(c)) return this.operator(p);
    return this.push(p, p + 1, charTokenName(c));
  }

  /** Identifiers, key words and the literals a letter introduces: `B'..'`, `X'..'`, `E'..'`, `N'..'`, `U&'..'`, `U&".."`. */
  private word(p: number, c: number, next: number): number {
    const lower = c | 0x20;
    if (next === QUOTE) {
      if (lower === 98 /* b */ || lower === 120 /* x */) return this.push(p, this.quotedEnd(p + 1, false, false), 'UNKNOWN');
      if (lower === 101 /* e */) return this.push(p, this.quotedEnd(p + 1, true, true), 'SCONST');
      // National character: the scanner returns the key word NCHAR for the `n`, then the string.
      if (lower === 110 /* n */) return this.push(p, p + 1, 'UNKNOWN', keywordKindOf('nchar'));
    }
    if (lower === 117 /* u */ && next === AMP) {
      const quote = this.text.charCodeAt(p + 2);
      if (quote === QUOTE) return this.push(p, this.quotedEnd(p + 2, false, true), 'UNKNOWN');
      if (quote === DQUOTE) return this.push(p, this.identifierEnd(p + 3), 'UNKNOWN');
    }
    const { text, n } = this;
    let end = p + 1;
    let high = c;
    let anyUpper = c >= 65 && c <= 90;
    let anyLower = c >= 97 && c <= 122;
    while (end < n) {
      const d = text.charCodeAt(end);
      if (!isIdentCont(d)) break;
      high |= d;
      if (d >= 65 && d <= 90) anyUpper = true;
      else if (d >= 97 && d <= 122) anyLower = true;
      end++;
    }
    this.high = high;
    const word = this.source === text ? text.slice(p, end) : undefined;
    const kind = high < 0x80 ? keywordKindOf(word ?? text.slice(p, end), anyUpper && anyLower) : 0;
    return this.push(p, end, kind === 0 ? 'IDENT' : 'UNKNOWN', kind, word);
  }

  /** End of a `--` comment: the end of the line (the line break is not part of it). */
  private lineEnd(from: number): number {
    const { text, n } = this;
    let high = this.high;
    let i = from;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) break;
      high |= c;
    }
    this.high = high;
    return i;
  }

  /** End of a `/* ... *\/` comment; they nest. */
  private blockCommentEnd(from: number): number {
    const { text, n } = this;
    let high = this.high;
    let depth = 0;
    let i = from;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
        depth++;
        i += 2;
      } else if (c === STAR) {
        // A run of `*` then `/` closes, as one match (`**/`).
        let j = i + 1;
        while (text.charCodeAt(j) === STAR) j++;
        if (text.charCodeAt(j) === SLASH) {
          if (depth === 0) {
            this.high = high;
            return j + 1;
          }
          depth--;
          j++;
        }
        i = j;
      } else {
        high |= c;
        i++;
      }
    }
    this.high = high;
    return this.unterminated();
  }

  /**
   * End of a quoted string whose opening quote is at `open`: `''` is a quote inside it (except in
   * bit strings), a backslash escapes the next character in `E'...'`, and a string continues over
   * white space that holds a line break up to the next quote (`'a'\n'b'` is one string).
   */
  private quotedEnd(open: number, backslashEscapes: boolean, doubledQuotes: boolean): number {
    const { text, n } = this;
    let high = this.high;
    let i = open + 1;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        if (doubledQuotes && text.charCodeAt(i + 1) === QUOTE) {
          i += 2;
          continue;
        }
        const close = i + 1;
        let j = close;
        let newline = false;
        for (; j < n; j++) {
          const s = text.charCodeAt(j);
          if (!isSpace(s)) break;
          if (s === LF || s === CR) newline = true;
        }
        if (newline && text.charCodeAt(j) === QUOTE) {
          i = j + 1;
          continue;
        }
        this.high = high;
        return close;
      }
      if (c === BACKSLASH && backslashEscapes) {
        high |= text.charCodeAt(i + 1);
        i += 2;
        continue;
      }
      high |= c;
      i++;
    }
    this.high = high;
    return this.unterminated();
  }

  /** End of a quoted identifier whose content starts at `from` (`""` is a quote inside it). */
  private identifierEnd(from: number): number {
    const { text, n } = this;
    let high = this.high;
    for (let i = from; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== DQUOTE) {
        high |= c;
        continue;
      }
      if (text.charCodeAt(i + 1) === DQUOTE) {
        i++;
        continue;
      }
      this.high = high;
      if (i === from) this.failed = true; // zero-length delimited identifier
      return i + 1;
    }
    this.high = high;
    return this.unterminated();
  }

  /** `$1` parameters, `$tag$...$tag$` strings, or a lone `$`. */
  private dollar(p: number, next: number): number {
    const { text, n } = this;
    if (isDigit(next)) {
      let end = p + 2;
      while (isDigit(text.charCodeAt(end))) end++;
      // `$1abc` is `$1` then `abc` for libpg-query (PostgreSQL 17 rejects it).
      return this.push(p, end, 'PARAM');
    }
    let tagEnd = p + 1;
    if (isIdentStart(next)) {
      tagEnd++;
      while (tagEnd < n) {
        const c = text.charCodeAt(tagEnd);
        if (!(isIdentStart(c) || isDigit(c))) break;
        tagEnd++;
      }
    }
    if (text.charCodeAt(tagEnd) !== DOLLAR) return this.push(p, p + 1, 'UNKNOWN');
    const tag = text.slice(p, tagEnd + 1);
    let high = this.high;
    for (let i = p + 1; i < tagEnd; i++) high |= text.charCodeAt(i);
    for (let i = tagEnd + 1; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === DOLLAR && text.startsWith(tag, i)) {
        this.high = high;
        return this.push(p, i + tag.length, 'SCONST');
      }
      high |= c;
    }
    this.high = high;
    return this.push(p, this.unterminated(), 'SCONST');
  }

  /**
   * Integers (decimal, or `0x`/`0o`/`0b`, with `_` between digits), decimals (`1.5`, `1.`, `.5`)
   * and reals (`1e5`). `1..2` is `1`, `..`, `2`. A number glued to a letter is an error.
   */
  private number(p: number): number {
    const { text } = this;
    const c = text.charCodeAt(p);
    const radix = c === ZERO ? radixOf(text.charCodeAt(p + 1)) : 10;
    if (radix !== 10) {
      const end = this.digits(p + 2, radix, true);
      // `0x` without digits; `0b102` and `0x1$`, where `0` then an identifier is the longer match
      if (end === p + 2 || isIdentCont(text.charCodeAt(end))) this.failed = true;
      return this.integer(p, end, radix);
    }
    let end = c === DOT ? p : this.digits(p, 10, false);
    let real = false;
    if (text.charCodeAt(end) === DOT) {
      // `1..` is an integer followed by `..`.
      if (text.charCodeAt(end + 1) === DOT && end > p) return this.integer(p, end, 10);
      real = true;
      end = isDigit(text.charCodeAt(end + 1)) ? this.digits(end + 1, 10, false) : end + 1;
    }
    const e = text.charCodeAt(end);
    if (e === 69 || e === 101) {
      let exponent = end + 1;
      const sign = text.charCodeAt(exponent);
      if (sign === PLUS || sign === MINUS) exponent++;
      if (isDigit(text.charCodeAt(exponent))) {
        end = this.digits(exponent, 10, false);
        real = true;
      } else this.failed = true; // `1e`, `1e+`
    }
    return real ? this.finishNumber(p, end, 'FCONST') : this.integer(p, end, 10);
  }

  /** End of a run of digits of the radix from `from`, with single underscores between them (and after `0x` when `leadingUnderscore`). */
  private digits(from: number, radix: number, leadingUnderscore: boolean): number {
    const { text } = this;
    let i = from;
    let end = from;
    for (;;) {
      if (text.charCodeAt(i) === UNDERSCORE && (i > from || leadingUnderscore)) i++;
      if (!isRadixDigit(text.charCodeAt(i), radix)) return end;
      i++;
      end = i;
    }
  }

  /** An integer that does not fit 32 bits is a float constant, as in the server. */
  private integer(p: number, end: number, radix: number): number {
    // Up to 9 characters (`999999999`, `0xFFFFFFF`) always fit.
    if (end - p < 10) return this.finishNumber(p, end, 'ICONST');
    const digits = this.text.slice(radix === 10 ? p : p + 2, end).replaceAll('_', '');
    const value = digits.length > 0 ? parseInt(digits, radix) : 0;
    return this.finishNumber(p, end, value > MAX_INT32 ? 'FCONST' : 'ICONST');
  }

  private finishNumber(p: number, end: number, kind: string): number {
    if (isIdentStart(this.text.charCodeAt(end))) this.failed = true; // trailing junk after numeric literal
    return this.push(p, end, kind);
  }

  /**
   * The longest run of operator characters, cut before a `--` or `/*` in it, then without
   * trailing `+`/`-` unless it holds a character SQL's own operators do not use (so `=-1` is
   * `=` `-` `1` while `@-` is one operator).
   */
  private operator(p: number): number {
    const { text, n } = this;
    let end = p + 1;
    while (end < n && isOpChar(text.charCodeAt(end))) {
      const c = text.charCodeAt(end);
      const next = text.charCodeAt(end + 1);
      if ((c === MINUS && next === MINUS) || (c === SLASH && next === STAR)) break;
      end++;
    }
    let length = end - p;
    const last = text.charCodeAt(end - 1);
    if (length > 1 && (last === PLUS || last === MINUS)) {
      let keep = false;
      for (let i = p; i < end - 1; i++) {
        if (NON_SQL_OP_CHARS[text.charCodeAt(i)] === 1) {
          keep = true;
          break;
        }
      }
      if (!keep) {
        do length--;
        while (length > 1 && (text.charCodeAt(p + length - 1) === PLUS || text.charCodeAt(p + length - 1) === MINUS));
      }
    }
    const first = text.charCodeAt(p);
    if (length === 1) return this.push(p, p + 1, SELF_CHARS[first] === 1 ? charTokenName(first) : 'UNKNOWN');
    if (length === 2) {
      const second = text.charCodeAt(p + 1);
      if (second === EQ && first === LT) return this.push(p, p + 2, 'LESS_EQUALS');
      if (second === EQ && first === GT) return this.push(p, p + 2, 'GREATER_EQUALS');
      if ((second === GT && first === LT) || (second === EQ && first === BANG)) return this.push(p, p + 2, 'NOT_EQUALS');
    }
    return this.push(p, p + length, 'UNKNOWN');
  }

  private unterminated(): number {
    this.failed = true;
    return this.n;
  }

  /** `text` is the token's text when the caller has it already. */
  private push(start: number, end: number, kind: string, keywordKind: KeywordKind = 0, text?: string): number {
    const byteStart = start + this.extraBytes;
    // Only tokens hold non-ASCII characters (white space is ASCII), and each token's loops note
    // whether they met one: the byte count moves on at those tokens only, the one place the text
    // is read twice.
    if (this.high >= 0x80) {
      this.ascii = false;
      this.extraBytes += extraUtf8Bytes(this.text, start, end);
    }
    const base = this.base;
    this.tokens.push({ start: base + start, end: base + end, text: text ?? this.source.slice(start, end), kind, keyword: keywordKind !== 0, byteStart, keywordKind });
    this.high = 0;
    return end;
  }
}

/**
 * UTF-8 bytes beyond one per UTF-16 unit in `text[from, to)`, counted as libpg-query's WASM
 * receives the text and as ByteOffsetMap counts: a surrogate pair is 4 bytes, a lone surrogate 3.
 */
function extraUtf8Bytes(text: string, from: number, to: number): number {
  let extra = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) extra += 1;
    else {
      extra += 2;
      const low = text.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) i++;
    }
  }
  return extra;
}

function radixOf(c: number): number {
  switch (c | 0x20) {
    case 120: // x
      return 16;
    case 111: // o
      return 8;
    case 98: // b
      return 2;
    default:
      return 10;
  }
}

function isRadixDigit(c: number, radix: number): boolean {
  if (radix === 10) return isDigit(c);
  if (radix === 16) return isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
  return c >= ZERO && c < ZERO + radix;
}
