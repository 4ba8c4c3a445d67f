import { loadModule, parseSync } from 'libpg-query';
import type { Range, Statement } from '../../model/nodes.ts';
import { ByteOffsetMap } from '../../source/line-index.ts';
import { resumeSplit, splitStatements, SqlLexer, type TokenKind } from '../../source/split.ts';
import { excerpt } from '../../source/text.ts';
import type { DialectAdapter, ParsedSegment } from '../adapter.ts';
import { PostgresConverter } from './convert.ts';
import { type LexedToken, lexPostgres, RESERVED_KEYWORD, type Token } from './lexer.ts';
import { scanWithLibpgQuery } from './libpg-query-scan.ts';
import { Locator } from './locator.ts';
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

/** A statement text's tokens, and how its byte offsets map to UTF-16 ones (undefined: ASCII, the same). */
interface SegmentTokens {
  /** Undefined when the scanner failed. */
  tokens: LexedToken[] | undefined;
  bytes: ByteOffsetMap | undefined;
}

/** Lexes a statement text at file offset `base`; `source` is the text as written when `text` is a same-length rewrite of it. */
type SegmentLexer = (text: string, base: number, source?: string) => SegmentTokens;

const lexWithTypeScript: SegmentLexer = (text, base, source) => {
  const lexed = lexPostgres(text, { base, source });
  return { tokens: lexed.tokens, bytes: lexed.ascii ? undefined : new ByteOffsetMap(text) };
};

const lexWithLibpgQuery: SegmentLexer = (text, base, source) => {
  const bytes = new ByteOffsetMap(text);
  return { tokens: scanWithLibpgQuery(text, base, bytes, source), bytes };
};

interface Substitution {
  text: string;
  /** Statement-relative UTF-16 offset of each `$1` stand-in -> the psql variable name and the length of the `:name` it replaced. */
  standIns: Map<number, { name: string; length: number }>;
}

const IDENT_LIKE = /^[A-Za-z_\u0080-\uffff]/;

/**
 * psql interpolates `:name`, `:'name'` and `:"name"` before the server sees the text, so the
 * server never raises a syntax error for them. Replace each with a same-length stand-in the
 * parser accepts (a `$1` parameter, a string literal or a quoted identifier).
 */
function substitutePsqlVariables(text: string, tokens: readonly Token[], base: number, asIdentifiers = false): Substitution | undefined {
  let out: string | undefined;
  const standIns = new Map<number, { name: string; length: number }>();
  for (let i = 0; i + 1 < tokens.length; i++) {
    const colon = tokens[i]!;
    if (colon.text !== ':') continue;
    const next = tokens[i + 1]!;
    if (next.start !== colon.end) continue;
    const prev = tokens[i - 1];
    // `arr[lo:hi]` slices: a colon glued to an operand on its left is not a variable.
    if (prev && prev.end === colon.start && (/^[\w"\])]/.test(prev.text) || IDENT_LIKE.test(prev.text))) continue;
    const start = colon.start - base;
    const end = next.end - base;
    const length = end - start;
    let replacement: string;
    if (next.kind === 'SCONST' && next.text.startsWith("'")) replacement = `'${'_'.repeat(length - 2)}'`;
    else if (next.text.startsWith('"')) replacement = `"${'_'.repeat(length - 2)}"`;
    else if (IDENT_LIKE.test(next.text) && asIdentifiers) replacement = `x${'_'.repeat(length - 1)}`;
    else if (IDENT_LIKE.test(next.text)) {
      replacement = `$1${' '.repeat(length - 2)}`;
      standIns.set(start, { name: next.text, length });
    } else continue;
    out = (out ?? text).slice(0, start) + replacement + (out ?? text).slice(end);
  }
  return out === undefined ? undefined : { text: out, standIns };
}

/**
 * The psql variable name of each `$1` stand-in, by its byte location in the rewritten text (where
 * the parser locates it); the stand-in's token is widened over the whole `:name` it replaced.
 */
function applyStandIns(lexed: SegmentTokens, source: string, base: number, standIns: Substitution['standIns']): Map<number, string> {
  const namedParams = new Map<number, string>();
  for (const [at, { name }] of standIns) namedParams.set(lexed.bytes ? lexed.bytes.toByte(at) : at, name);
  for (const t of lexed.tokens ?? []) {
    const standIn = standIns.get(t.start - base);
    if (standIn === undefined || t.start + standIn.length <= t.end) continue;
    t.end = t.start + standIn.length;
    t.text = source.slice(t.start - base, t.end - base);
  }
  return namedParams;
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

type Attempt =
  | { parsed: ParseResult; text: string; lexed: SegmentTokens; namedParams: ReadonlyMap<number, string> | undefined }
  | { skipped: string }
  | { error: unknown; text: string; lexed: SegmentTokens };

type ParseResult = ReturnType<typeof parseSync>;

/** Parses a statement with the psql variables in it replaced by stand-ins, lexing it with `lex`. */
function attemptParse(lex: SegmentLexer, original: string, base: number): Attempt {
  const originalLexed = lex(original, base);
  let text = original;
  let lexed = originalLexed;
  let namedParams: ReadonlyMap<number, string> | undefined;
  let substituted = false;
  if (originalLexed.tokens && original.includes(':')) {
    const sub = substitutePsqlVariables(original, originalLexed.tokens, base);
    if (sub) {
      substituted = true;
      text = sub.text;
      lexed = lex(text, base, original);
      namedParams = applyStandIns(lexed, original, base, sub.standIns);
    }
  }
  let attempt = tryParse(text);
  if ('error' in attempt && substituted && originalLexed.tokens) {
    // A psql variable may stand for an identifier (`REINDEX SCHEMA :name`) rather than a value.
    const sub = substitutePsqlVariables(original, originalLexed.tokens, base, true);
    const retry = sub ? tryParse(sub.text) : attempt;
    if (!sub || 'error' in retry) {
      // Whole statements or clauses held in psql variables (`:show_data;`) are only known once
      // psql interpolates them; the server never sees this text, so skip rather than guess.
      return { skipped: 'uses psql variables that stand for SQL text' };
    }
    attempt = retry;
    text = sub.text;
    namedParams = undefined;
    lexed = lex(text, base, original);
  }
  return 'error' in attempt ? { error: attempt.error, text, lexed } : { parsed: attempt.result, text, lexed, namedParams };
}

function parseSegment(fileText: string, range: Range): ParsedSegment {
  const unterminated = unterminatedTokenError(fileText, range);
  if (unterminated) return unterminated;
  const original = fileText.slice(range.start, range.end);
  let attempt = attemptParse(lexWithTypeScript, original, range.start);
  // The TypeScript lexer gives libpg-query's tokens wherever libpg-query's scanner accepts the
  // text, which it does wherever the parser does. A statement that does not parse is handled
  // with libpg-query's own tokens (none at all where its scanner fails), as that path was built on.
  if (!('parsed' in attempt)) attempt = attemptParse(lexWithLibpgQuery, original, range.start);
  if ('skipped' in attempt) return { statements: [], tokens: [], skipped: attempt.skipped };
  const { text, lexed } = attempt;
  const locator = new Locator(text, range.start, lexed.tokens ?? [], lexed.bytes);
  if ('error' in attempt) return parseError(attempt.error, text, range, locator, lexed.tokens !== undefined);
  const converter = new PostgresConverter(locator, attempt.namedParams ? { namedParams: attempt.namedParams } : {});
  const statements: Statement[] = [];
  for (const entry of attempt.parsed.stmts ?? []) {
    const raw = entry as { stmt?: unknown; stmt_location?: number; stmt_len?: number };
    const startByte = raw.stmt_location ?? 0;
    const endByte = raw.stmt_len ? startByte + raw.stmt_len : (lexed.bytes?.byteLength ?? text.length);
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

function parseError(error: unknown, text: string, range: Range, locator: Locator, scanned: boolean): ParsedSegment {
  const details = (error as { sqlDetails?: { cursorPosition?: number; message?: string } }).sqlDetails;
  const message =
    error instanceof RangeError
      ? 'Statement is nested too deeply to parse (PostgreSQL itself stops at max_stack_depth); split the expression'
      : (details?.message ?? (error instanceof Error ? error.message : String(error)));
  const cursor = details?.cursorPosition;
  const at = typeof cursor === 'number' && cursor >= 0 ? range.start + codePointIndexToUtf16(text, cursor) : range.start;
  const newer = scanned ? recognizePg19Statement(codeTokens(locator)) : undefined;
  if (newer) return { statements: [newer], tokens: locator.tokens };
  const token = locator.tokens.find((t) => t.start <= at && at < t.end);
  const errorRange = token ? { start: token.start, end: token.end } : { start: Math.min(at, range.end), end: Math.min(at + 1, Math.max(range.end, at)) };
  // "at or near" quotes the token, which can be the rest of a large file.
  return { statements: [], error: { message: capitalize(excerpt(message, MAX_ERROR_MESSAGE)), range: errorRange }, tokens: locator.tokens };
}

/** The locator's tokens without comments, each with whether the scanner calls it a reserved keyword. */
function codeTokens(locator: Locator): Pg19Token[] {
  return locator.code.map((t) => ({ ...t, reserved: t.keywordKind === RESERVED_KEYWORD }));
}

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
