/**
 * Statement splitting: where does one statement end and the next begin?
 *
 * This is a lexer, not a parser: it knows just enough (strings, quoted identifiers, dollar quotes,
 * comments, parentheses of CREATE RULE, `BEGIN ATOMIC ... END` bodies, MySQL's DELIMITER) to find
 * the top-level terminators. Everything runs in one forward pass with no slicing, so multi-megabyte
 * dumps split in linear time. It never throws: an unterminated construct simply runs to the end of
 * the file and the dialect parser reports it there.
 */

export type SplitDialect = 'postgresql' | 'mysql';

export interface StatementSegment {
  /** UTF-16 offset of the first character of the statement's first token (leading whitespace and comments excluded). */
  start: number;
  /** UTF-16 offset just after the statement's last token, excluding the terminating `;` and any trailing whitespace/comments. */
  end: number;
  /** Offset just after the terminating `;` (or MySQL DELIMITER string), or `end` when the file ends without one. */
  terminatorEnd: number;
}

export type TokenKind =
  | 'space'
  | 'line-comment'
  | 'block-comment'
  /** '...', E'...', U&'...', and MySQL's "..." strings */
  | 'string'
  /** "..." in PostgreSQL, `...` in MySQL */
  | 'quoted-ident'
  | 'dollar-string'
  | 'word'
  | 'number'
  /** $1, $2 ... */
  | 'param'
  /** MySQL executable comments and optimizer hints (`/*! ... *\/`, `/*+ ... *\/`): SQL, not comments. */
  | 'hint'
  /** any other single character */
  | 'punct';

const TAB = 0x09;
const LF = 0x0a;
const VT = 0x0b;
const FF = 0x0c;
const CR = 0x0d;
const SPACE = 0x20;
const DQUOTE = 0x22;
const HASH = 0x23;
const DOLLAR = 0x24;
const AMP = 0x26;
const QUOTE = 0x27;
const LPAREN = 0x28;
const RPAREN = 0x29;
const STAR = 0x2a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const SEMI = 0x3b;
const BANG = 0x21;
const BACKSLASH = 0x5c;
const BACKTICK = 0x60;

function isSpaceCode(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || c === FF || c === VT;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** PostgreSQL's ident_start: ASCII letters, `_`, and every non-ASCII character. */
function isIdentStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80;
}

/** ident_cont without `$` (which is also what a dollar-quote tag may contain). */
function isTagCont(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

/**
 * One-token-at-a-time lexer shared by the splitter and the masker. `scan(i)` lexes the token that
 * starts at `i` and leaves its kind, end and whether it ran off the end of the text in the fields.
 */
export class SqlLexer {
  kind: TokenKind = 'space';
  end = 0;
  /** The token is a string, quoted identifier, dollar quote or block comment that never closes. */
  unterminated = false;
  /**
   * PostgreSQL's standard_conforming_strings: when false, a backslash escapes the next character
   * in plain '...' literals too (as in E'...'). The masker follows the file's SET statements.
   */
  standardStrings = true;
  readonly text: string;
  readonly dialect: SplitDialect;
  readonly #mysql: boolean;

  constructor(text: string, dialect: SplitDialect = 'postgresql') {
    this.text = text;
    this.dialect = dialect;
    this.#mysql = dialect === 'mysql';
  }

  scan(i: number): number {
    const text = this.text;
    const n = text.length;
    const c = text.charCodeAt(i);
    const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
    this.unterminated = false;

    if (isSpaceCode(c)) {
      let j = i + 1;
      while (j < n && isSpaceCode(text.charCodeAt(j))) j++;
      return this.#set('space', j);
    }
    if (c === MINUS && next === MINUS) {
      // MySQL wants whitespace (or the end) after `--`; otherwise `5--3` is arithmetic.
      if (!this.#mysql || i + 2 >= n || isSpaceCode(text.charCodeAt(i + 2)) || text.charCodeAt(i + 2) < SPACE) {
        return this.#set('line-comment', lineEnd(text, i + 2));
      }
    }
    if (c === HASH && this.#mysql) return this.#set('line-comment', lineEnd(text, i + 1));
    if (c === SLASH && next === STAR) return this.#blockComment(i);
    if (c === QUOTE) return this.#quoted(i + 1, QUOTE, this.#mysql || !this.standardStrings, 'string');
    if (c === DQUOTE) {
      return this.#mysql ? this.#quoted(i + 1, DQUOTE, true, 'string') : this.#quoted(i + 1, DQUOTE, false, 'quoted-ident');
    }
    if (c === BACKTICK && this.#mysql) return this.#quoted(i + 1, BACKTICK, false, 'quoted-ident');
    if (c === DOLLAR && !this.#mysql) {
      if (isDigit(next)) {
        let j = i + 2;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
        return this.#set('param', j);
      }
      if (next === DOLLAR || isIdentStart(next)) {
        let j = i + 1;
        if (next !== DOLLAR) {
          j = i + 2;
          while (j < n && isTagCont(text.charCodeAt(j))) j++;
        }
        if (j < n && text.charCodeAt(j) === DOLLAR) return this.#dollarQuote(i, j + 1);
      }
      return this.#set('punct', i + 1);
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isTagCont(d) || d === DOLLAR) j++;
        else break;
      }
      if (j === i + 1 && j < n && !this.#mysql) {
        const after = text.charCodeAt(j);
        // E'...' takes backslash escapes; U&'...' and U&"..." are ordinary apart from the prefix.
        if ((c === 0x45 || c === 0x65) && after === QUOTE) return this.#quoted(j + 1, QUOTE, true, 'string');
        // B'...' and X'...' never take escapes, whatever standard_conforming_strings says.
        if (!this.standardStrings && (c === 0x42 || c === 0x62 || c === 0x58 || c === 0x78) && after === QUOTE) return this.#quoted(j + 1, QUOTE, false, 'string');
        if ((c === 0x55 || c === 0x75) && after === AMP && j + 1 < n) {
          const q = text.charCodeAt(j + 1);
          if (q === QUOTE) return this.#quoted(j + 2, QUOTE, false, 'string');
          if (q === DQUOTE) return this.#quoted(j + 2, DQUOTE, false, 'quoted-ident');
        }
      }
      return this.#set('word', j);
    }
    if (isDigit(c) || (c === DOT && isDigit(next))) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isDigit(d) || d === DOT || d === 0x5f || (d < 0x80 && isIdentStart(d))) j++;
        else break;
      }
      return this.#set('number', j);
    }
    // A lone high surrogate pair half never starts a token; keep pairs together all the same.
    return this.#set('punct', i + 1);
  }

  #set(kind: TokenKind, end: number): number {
    this.kind = kind;
    this.end = end;
    return end;
  }

  #blockComment(i: number): number {
    const text = this.text;
    const n = text.length;
    if (this.#mysql) {
      const third = i + 2 < n ? text.charCodeAt(i + 2) : -1;
      const close = text.indexOf('*/', i + 2);
      const kind: TokenKind = third === BANG || third === PLUS ? 'hint' : 'block-comment';
      if (close < 0) {
        this.unterminated = true;
        return this.#set(kind, n);
      }
      return this.#set(kind, close + 2);
    }
    // PostgreSQL block comments nest.
    let depth = 1;
    let j = i + 2;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === SLASH && j + 1 < n && text.charCodeAt(j + 1) === STAR) {
        depth++;
        j += 2;
      } else if (d === STAR && j + 1 < n && text.charCodeAt(j + 1) === SLASH) {
        j += 2;
        if (--depth === 0) return this.#set('block-comment', j);
      } else {
        j++;
      }
    }
    this.unterminated = true;
    return this.#set('block-comment', n);
  }

  /** From just after the opening quote; a doubled quote is an escape, and so is `\x` when `backslash`. */
  #quoted(j: number, quote: number, backslash: boolean, kind: TokenKind): number {
    const text = this.text;
    const n = text.length;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === quote) {
        if (j + 1 < n && text.charCodeAt(j + 1) === quote) {
          j += 2;
          continue;
        }
        return this.#set(kind, j + 1);
      }
      j += backslash && d === BACKSLASH ? 2 : 1;
    }
    this.unterminated = true;
    return this.#set(kind, n);
  }

  /** `open` is the opening `$tag$`'s start, `bodyStart` just past it. */
  #dollarQuote(open: number, bodyStart: number): number {
    const text = this.text;
    const delimiter = text.slice(open, bodyStart);
    const close = text.indexOf(delimiter, bodyStart);
    if (close < 0) {
      this.unterminated = true;
      return this.#set('dollar-string', text.length);
    }
    return this.#set('dollar-string', close + delimiter.length);
  }
}

/** Offset of the line break ending the line that contains `i` (or the text length). */
export function lineEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return i;
    i++;
  }
  return n;
}

/** Whether only spaces and tabs stand between the start of `i`'s line and `i`. */
export function startsLine(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0) {
    const c = text.charCodeAt(j);
    if (c === LF || c === CR) return true;
    if (c !== SPACE && c !== TAB) return false;
    j--;
  }
  return true;
}

/** Case-insensitive comparison of text[start, end) with an all-lowercase ASCII keyword. */
export function wordIs(text: string, start: number, end: number, keyword: string): boolean {
  if (end - start !== keyword.length) return false;
  for (let k = 0; k < keyword.length; k++) {
    let c = text.charCodeAt(start + k);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== keyword.charCodeAt(k)) return false;
  }
  return true;
}

/** Where the statement head `CREATE [OR REPLACE] {FUNCTION|PROCEDURE|RULE}` has got to. */
const enum Head {
  Start,
  AfterCreate,
  AfterOr,
  AfterReplace,
  Done,
}

const enum Body {
  Plain,
  /** CREATE FUNCTION/PROCEDURE: may hold a BEGIN ATOMIC body whose `;` do not end the statement. */
  Routine,
  /** CREATE RULE: its action list `( ...; ... )` holds `;` inside parentheses. */
  Rule,
}

/**
 * Split SQL into statements on top-level terminators. Feed it the output of `maskNonSql`, whose
 * text has the same offsets as the file, so the segments address the original file too. The
 * masker also follows `SET standard_conforming_strings`: while it is off it rewrites each `\'`
 * escape of a plain literal to `''`, so this splitter (and the parser after it) read the setting's
 * default and still find the same literals.
 *
 * Not terminators: `;` inside strings (including E'' with backslash escapes), dollar quotes,
 * quoted identifiers, comments (nested in PostgreSQL), `BEGIN ATOMIC ... END` bodies (CASE ... END
 * inside is balanced), and the parenthesised action list of CREATE RULE. Elsewhere a `;` inside
 * parentheses does end the statement: valid PostgreSQL has none, and stopping there keeps one
 * missing `)` from swallowing the rest of the file.
 *
 * goose (`-- +goose ...`) and dbmate (`-- migrate:up|down`) marker lines end the statement before
 * them even without a `;`, as those tools split there.
 *
 * MySQL: `#` and `-- ` comments, backticks, backslash escapes in '' and "", `/*! *\/` executable
 * comments count as SQL, and `DELIMITER xx` lines (at the start of a statement) change the
 * terminator and are not statements themselves.
 */
export function splitStatements(maskedText: string, options?: { dialect?: SplitDialect }): StatementSegment[] {
  return splitFrom(maskedText, options?.dialect === 'mysql', 0, undefined).segments;
}

/**
 * Splits PostgreSQL text from `from`, which must be 0 or the `terminatorEnd` of a segment that
 * ended with `;` (the splitter starts afresh there, so the result is what a split of the whole
 * text finds from that point). `stopAfter` is asked after each such segment; when it answers
 * true the split stops there (`stopped`), so a caller that knows the rest of the text is
 * unchanged can reuse its earlier segments instead of scanning on.
 */
export function resumeSplit(maskedText: string, from: number, stopAfter: (terminatorEnd: number) => boolean): { segments: StatementSegment[]; stopped: boolean } {
  return splitFrom(maskedText, false, from, stopAfter);
}

/** True when the segment ended with its terminator (`;`), after which the splitter starts afresh. */
export function endsWithTerminator(segment: StatementSegment): boolean {
  return segment.terminatorEnd > segment.end;
}

function splitFrom(maskedText: string, mysql: boolean, from: number, stopAfter: ((terminatorEnd: number) => boolean) | undefined): { segments: StatementSegment[]; stopped: boolean } {
  const text = maskedText;
  const n = text.length;
  const lexer = new SqlLexer(text, mysql ? 'mysql' : 'postgresql');
  const segments: StatementSegment[] = [];

  let delimiter = ';';
  let stmtStart = -1;
  let lastTokenEnd = -1;
  let parenDepth = 0;
  let head = Head.Start;
  let body = Body.Plain;
  let beginSeen = false;
  let atomicDepth = 0;

  const finish = (terminatorEnd: number): void => {
    if (stmtStart >= 0) segments.push({ start: stmtStart, end: lastTokenEnd, terminatorEnd });
    stmtStart = -1;
    lastTokenEnd = -1;
    parenDepth = 0;
    head = Head.Start;
    body = Body.Plain;
    beginSeen = false;
    atomicDepth = 0;
  };

  let i = from;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (delimiter !== ';') {
      if (c === delimiter.charCodeAt(0) && text.startsWith(delimiter, i)) {
        finish(i + delimiter.length);
        i += delimiter.length;
        continue;
      }
    } else if (c === SEMI && atomicDepth === 0 && (parenDepth === 0 || body !== Body.Rule)) {
      const ended = stmtStart >= 0;
      finish(i + 1);
      i++;
      if (ended && stopAfter?.(i)) return { segments, stopped: true };
      continue;
    }

    let end = lexer.scan(i);
    const kind = lexer.kind;
    if (kind === 'line-comment' && stmtStart >= 0 && isToolMarker(text, i, end) && startsLine(text, i)) {
      // goose and dbmate cut the file at their markers, so `-- +goose StatementEnd` ends a statement
      // whose last `;` was left out (common in real goose files).
      finish(lastTokenEnd);
      i = end;
      continue;
    }
    if (kind === 'space' || kind === 'line-comment' || (kind === 'block-comment' && !lexer.unterminated)) {
      i = end;
      continue;
    }

    if (mysql && kind === 'word' && stmtStart < 0 && wordIs(text, i, end, 'delimiter') && startsLine(text, i)) {
      const eol = lineEnd(text, end);
      let a = end;
      while (a < eol && isSpaceCode(text.charCodeAt(a))) a++;
      if (a > end || a === eol) {
        let b = a;
        while (b < eol && !isSpaceCode(text.charCodeAt(b))) b++;
        if (b > a) delimiter = text.slice(a, b);
        i = eol;
        continue;
      }
    }

    if (delimiter !== ';' && (kind === 'word' || kind === 'number' || kind === 'punct')) {
      // The mysql client finds its delimiter textually, even glued to a word (`END$$`).
      const at = indexWithin(text, delimiter, i + 1, end);
      if (at >= 0) end = at;
    }

    if (delimiter !== ';' && kind === 'punct' && c === SEMI) {
      // Under `DELIMITER //` a `;` is ordinary text, but one at the very start or end (`END;` then
      // `//`) belongs to no statement, so it stays out of the range like a comment would.
      i = end;
      continue;
    }
    if (stmtStart < 0) stmtStart = i;
    lastTokenEnd = end;

    if (kind === 'word') {
      if (head !== Head.Done) {
        const before = head;
        head = advanceHead(head, text, i, end);
        if (before === Head.AfterCreate || before === Head.AfterReplace) body = headBody(text, i, end);
      } else if (body === Body.Routine && !mysql) {
        if (atomicDepth > 0) {
          if (wordIs(text, i, end, 'case')) atomicDepth++;
          else if (wordIs(text, i, end, 'end')) atomicDepth--;
        } else if (beginSeen && wordIs(text, i, end, 'atomic')) {
          atomicDepth = 1;
          beginSeen = false;
        } else {
          beginSeen = wordIs(text, i, end, 'begin');
        }
      }
    } else {
      if (head !== Head.Done) head = Head.Done;
      beginSeen = false;
      if (kind === 'punct') {
        if (c === LPAREN) parenDepth++;
        else if (c === RPAREN && parenDepth > 0) parenDepth--;
      }
    }
    i = end;
  }
  if (stmtStart >= 0) finish(lastTokenEnd);
  return { segments, stopped: false };
}

function advanceHead(head: Head, text: string, start: number, end: number): Head {
  switch (head) {
    case Head.Start:
      return wordIs(text, start, end, 'create') ? Head.AfterCreate : Head.Done;
    case Head.AfterCreate:
      return wordIs(text, start, end, 'or') ? Head.AfterOr : Head.Done;
    case Head.AfterOr:
      return wordIs(text, start, end, 'replace') ? Head.AfterReplace : Head.Done;
    default:
      return Head.Done;
  }
}

/** The word after CREATE [OR REPLACE]: is it FUNCTION, PROCEDURE or RULE? */
function headBody(text: string, start: number, end: number): Body {
  if (wordIs(text, start, end, 'function') || wordIs(text, start, end, 'procedure')) return Body.Routine;
  if (wordIs(text, start, end, 'rule')) return Body.Rule;
  return Body.Plain;
}

const TOOL_MARKER = /^--[ \t]*(?:\+goose[ \t]|migrate:(?:up|down)\b)/i;

/** `-- +goose ...` or `-- migrate:up|down` line comment. */
function isToolMarker(text: string, start: number, end: number): boolean {
  let k = start + 2;
  while (k < end && (text.charCodeAt(k) === SPACE || text.charCodeAt(k) === TAB)) k++;
  const c = text.charCodeAt(k);
  if (c !== PLUS && c !== 0x6d && c !== 0x4d) return false;
  return TOOL_MARKER.test(text.slice(start, Math.min(end, start + 40)));
}

function indexWithin(text: string, needle: string, from: number, to: number): number {
  const first = needle.charCodeAt(0);
  for (let k = from; k < to; k++) {
    if (text.charCodeAt(k) === first && text.startsWith(needle, k)) return k;
  }
  return -1;
}
