import { loadModule, parseSync, scanSync } from 'libpg-query';
import type { Range, Statement } from '../../model/nodes.ts';
import { ByteOffsetMap } from '../../source/line-index.ts';
import { resumeSplit, splitStatements, SqlLexer, type TokenKind } from '../../source/split.ts';
import { excerpt } from '../../source/text.ts';
import type { DialectAdapter, ParsedSegment } from '../adapter.ts';
import { PostgresConverter } from './convert.ts';
import { Locator, type RawToken } from './locator.ts';
import { type Pg19Token, recognizePg19Statement } from './pg19-statements.ts';
import { unparsedCreate } from './unparsed-creates.ts';

let loaded: Promise<void> | undefined;
let ready = false;

/** Loads libpg-query's WASM once; every later parse is synchronous. */
export function initPostgres(): Promise<void> {
  loaded ??= loadModule().then(() => {
    ready = true;
  });
  return loaded;
}

export function isPostgresReady(): boolean {
  return ready;
}

function scan(text: string): RawToken[] | undefined {
  try {
    return scanSync(text).tokens;
  } catch {
    return undefined;
  }
}

interface Substitution {
  text: string;
  /** Statement-relative byte location of a `$1` stand-in -> the psql variable name. */
  namedParams: Map<number, string>;
  /** Byte location of each `$1` stand-in -> its length with the padding, which the scanner leaves out. */
  standInLengths: Map<number, number>;
}

const IDENT_LIKE = /^[A-Za-z_\u0080-\uffff]/;

/**
 * psql interpolates `:name`, `:'name'` and `:"name"` before the server sees the text, so the
 * server never raises a syntax error for them. Replace each with a same-length stand-in the
 * parser accepts (a `$1` parameter, a string literal or a quoted identifier).
 */
function substitutePsqlVariables(text: string, tokens: RawToken[], bytes: ByteOffsetMap, asIdentifiers = false): Substitution | undefined {
  let out: string | undefined;
  const namedParams = new Map<number, { name: string; length: number }>();
  for (let i = 0; i + 1 < tokens.length; i++) {
    const colon = tokens[i]!;
    if (colon.text !== ':') continue;
    const next = tokens[i + 1]!;
    if (next.start !== colon.end) continue;
    const prev = tokens[i - 1];
    // `arr[lo:hi]` slices: a colon glued to an operand on its left is not a variable.
    if (prev && prev.end === colon.start && (/^[\w"\])]/.test(prev.text) || IDENT_LIKE.test(prev.text))) continue;
    const start = bytes.toUtf16(colon.start);
    const end = bytes.toUtf16(next.end);
    const length = end - start;
    let replacement: string;
    if (next.tokenName === 'SCONST' && next.text.startsWith("'")) replacement = `'${'_'.repeat(length - 2)}'`;
    else if (next.text.startsWith('"')) replacement = `"${'_'.repeat(length - 2)}"`;
    else if (IDENT_LIKE.test(next.text) && asIdentifiers) replacement = `x${'_'.repeat(length - 1)}`;
    else if (IDENT_LIKE.test(next.text)) {
      replacement = `$1${' '.repeat(length - 2)}`;
      namedParams.set(colon.start, { name: next.text, length });
    } else continue;
    out = (out ?? text).slice(0, start) + replacement + (out ?? text).slice(end);
  }
  if (out === undefined) return undefined;
  // Positions of the stand-ins are byte offsets of the rewritten text; recompute them there.
  const rewrittenBytes = new ByteOffsetMap(out);
  const remapped = new Map<number, string>();
  const standInLengths = new Map<number, number>();
  for (const [byteLoc, { name, length }] of namedParams) {
    const at = rewrittenBytes.toByte(bytes.toUtf16(byteLoc));
    remapped.set(at, name);
    // `:name` became `$1` plus spaces: ASCII, so its bytes are its UTF-16 length, the original's.
    standInLengths.set(at, length);
  }
  return { text: out, namedParams: remapped, standInLengths };
}

/** A `$1` stand-in's token covers the whole `:name` it replaced. */
function widenStandIns(tokens: RawToken[] | undefined, lengths: ReadonlyMap<number, number>): RawToken[] | undefined {
  if (!tokens || lengths.size === 0) return tokens;
  return tokens.map((t) => {
    const length = lengths.get(t.start);
    return length !== undefined && t.start + length > t.end ? { ...t, end: t.start + length } : t;
  });
}

/** PostgreSQL's error cursor counts characters (code points), not bytes or UTF-16 units. */
function codePointIndexToUtf16(text: string, codePoints: number): number {
  let cp = 0;
  let i = 0;
  while (i < text.length && cp < codePoints) {
    const code = text.charCodeAt(i);
    i += code >= 0xd800 && code <= 0xdbff && i + 1 < text.length ? 2 : 1;
    cp++;
  }
  return i;
}

function tryParse(text: string): { result: ReturnType<typeof parseSync> } | { error: unknown } {
  try {
    return { result: parseSync(text) };
  } catch (error) {
    return { error };
  }
}

function parseSegment(fileText: string, range: Range): ParsedSegment {
  const original = fileText.slice(range.start, range.end);
  const unterminated = unterminatedTokenError(fileText, range);
  if (unterminated) return unterminated;
  const originalBytes = new ByteOffsetMap(original);
  const originalTokens = scan(original);
  let text = original;
  let bytes = originalBytes;
  let tokens = originalTokens;
  let namedParams: ReadonlyMap<number, string> | undefined;
  let substituted = false;
  if (originalTokens && original.includes(':')) {
    const sub = substitutePsqlVariables(original, originalTokens, originalBytes);
    if (sub) {
      substituted = true;
      text = sub.text;
      namedParams = sub.namedParams;
      bytes = new ByteOffsetMap(text);
      tokens = widenStandIns(scan(text), sub.standInLengths);
    }
  }
  let attempt = tryParse(text);
  if ('error' in attempt && substituted && originalTokens) {
    // A psql variable may stand for an identifier (`REINDEX SCHEMA :name`) rather than a value.
    const sub = substitutePsqlVariables(original, originalTokens, originalBytes, true);
    const retry = sub ? tryParse(sub.text) : attempt;
    if (!sub || 'error' in retry) {
      // Whole statements or clauses held in psql variables (`:show_data;`) are only known once
      // psql interpolates them; the server never sees this text, so skip rather than guess.
      return { statements: [], tokens: [], skipped: 'uses psql variables that stand for SQL text' };
    }
    attempt = retry;
    text = sub.text;
    namedParams = undefined;
    bytes = new ByteOffsetMap(text);
    tokens = scan(text);
  }
  if ('error' in attempt) {
    const error = attempt.error;
    const details = (error as { sqlDetails?: { cursorPosition?: number; message?: string } }).sqlDetails;
    const message =
      error instanceof RangeError
        ? 'Statement is nested too deeply to parse (PostgreSQL itself stops at max_stack_depth); split the expression'
        : (details?.message ?? (error instanceof Error ? error.message : String(error)));
    const cursor = details?.cursorPosition;
    const at = typeof cursor === 'number' && cursor >= 0 ? range.start + codePointIndexToUtf16(text, cursor) : range.start;
    const locator = new Locator(text, range.start, tokens ?? [], bytes, original);
    const newer = tokens ? recognizePg19Statement(codeTokens(locator, tokens)) : undefined;
    if (newer) return { statements: [newer], tokens: locator.tokens };
    const token = locator.tokens.find((t) => t.start <= at && at < t.end);
    const errorRange = token ? { start: token.start, end: token.end } : { start: Math.min(at, range.end), end: Math.min(at + 1, Math.max(range.end, at)) };
    // "at or near" quotes the token, which can be the rest of a large file.
    return { statements: [], error: { message: capitalize(excerpt(message, MAX_ERROR_MESSAGE)), range: errorRange }, tokens: locator.tokens };
  }
  const locator = new Locator(text, range.start, tokens ?? [], bytes, original);
  const converter = new PostgresConverter(locator, namedParams ? { namedParams } : {});
  const statements: Statement[] = [];
  for (const entry of attempt.result.stmts ?? []) {
    const raw = entry as { stmt?: unknown; stmt_location?: number; stmt_len?: number };
    const startByte = raw.stmt_location ?? 0;
    const endByte = raw.stmt_len ? startByte + raw.stmt_len : bytes.toByte(text.length);
    let stmtRange = { start: locator.offset(startByte), end: locator.offset(endByte) };
    stmtRange = trimRange(fileText, stmtRange);
    try {
      statements.push(converter.statement(raw.stmt, stmtRange));
    } catch (error) {
      // Expressions nested thousands deep exhaust the stack: keep the statement, unanalysed.
      if (!(error instanceof RangeError)) throw error;
      const kind = raw.stmt && typeof raw.stmt === 'object' ? (Object.keys(raw.stmt)[0] ?? 'Unknown') : 'Unknown';
      statements.push({ type: 'OtherStatement', kind, range: stmtRange, raw: raw.stmt });
    }
  }
  return { statements, tokens: locator.tokens };
}

/** The locator's tokens without comments, each with whether the scanner calls it a reserved keyword. */
function codeTokens(locator: Locator, raw: readonly RawToken[]): Pg19Token[] {
  const out: Pg19Token[] = [];
  locator.tokens.forEach((t, i) => {
    if (t.kind === 'SQL_COMMENT' || t.kind === 'C_COMMENT') return;
    out.push({ ...t, reserved: raw[i]?.keywordKind === RESERVED_KEYWORD });
  });
  return out;
}

/** libpg-query's `keywordKind` of reserved keywords (0 none, 1 unreserved, 2 column name, 3 type/function name). */
const RESERVED_KEYWORD = 4;

const MAX_ERROR_MESSAGE = 200;

const UNTERMINATED: Partial<Record<TokenKind, string>> = {
  'block-comment': 'Unterminated /* comment: it runs to the end of the file, so PostgreSQL rejects the statement; close it with */',
  string: "Unterminated quoted string: it runs to the end of the file, so PostgreSQL rejects the statement; close it with '",
  'quoted-ident': 'Unterminated quoted identifier: it runs to the end of the file, so PostgreSQL rejects the statement; close it with "',
  'dollar-string': 'Unterminated dollar-quoted string: it runs to the end of the file, so PostgreSQL rejects the statement; close it with its $tag$',
};

/**
 * A comment, string or quoted identifier that never closes runs to the end of the file, so only
 * the file's last statement can hold one. It is reported here, at its opening, without the
 * parser: libpg-query's scanner takes quadratic time over thousands of nested unterminated `/*`
 * (seconds for 100 KB, where PostgreSQL takes milliseconds).
 */
function unterminatedTokenError(fileText: string, range: Range): ParsedSegment | undefined {
  for (let i = range.end; i < fileText.length; i++) if (!/\s/.test(fileText[i]!)) return undefined;
  const lexer = new SqlLexer(fileText);
  for (let i = range.start; i < range.end; ) {
    const end = lexer.scan(i);
    if (lexer.unterminated) {
      const message = UNTERMINATED[lexer.kind];
      if (!message) return undefined;
      return { statements: [], error: { message, range: { start: i, end: Math.min(end, i + 2) } }, tokens: [] };
    }
    i = Math.max(end, i + 1);
  }
  return undefined;
}

function trimRange(text: string, r: Range): Range {
  let { start, end } = r;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /[\s;]/.test(text[end - 1]!)) end--;
  return { start, end };
}

function capitalize(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

export const postgresAdapter: DialectAdapter = {
  dialect: 'postgresql',
  init: initPostgres,
  split: (maskedText) => splitStatements(maskedText, { dialect: 'postgresql' }),
  resumeSplit,
  parseSegment,
  unparsedCreate,
};
