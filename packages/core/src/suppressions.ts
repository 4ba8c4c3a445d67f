/**
 * Suppression comments:
 *
 *   -- sqlwarden-ignore-next-line rule-a, rule-b: reason
 *   SELECT ...                        -- sqlwarden-ignore-line rule-a -- reason
 *   /* sqlwarden-ignore-file rule-a *\/
 *
 * A directive is a comment whose text starts with the keyword; with no rule ids it covers every
 * rule. `next-line` covers the line right after the comment's last line, `line` the comment's
 * first line, `file` the whole file. A diagnostic is covered when its start line is the target.
 * Comments are found with the splitter's lexer, so a directive inside a string literal, quoted
 * identifier or dollar-quoted body is just text.
 */
import { didYouMean } from './config/did-you-mean.ts';
import type { Range } from './model/nodes.ts';
import { LineIndex } from './source/line-index.ts';
import { SqlLexer } from './source/split.ts';
import type { Diagnostic, Dialect, Fix, Severity } from './types.ts';

export type SuppressionKind = 'next-line' | 'line' | 'file';

export interface Suppression {
  kind: SuppressionKind;
  /** Rule ids as written, without duplicates; empty means every rule. */
  rules: string[];
  /** UTF-16 range of each entry of `rules` in the file, for precise reports. */
  ruleRanges: Range[];
  /** The whole comment, UTF-16. */
  range: Range;
  /** 1-based line the directive covers (undefined for `file`). */
  targetLine?: number;
  /** Text after `:` or ` -- `, when given. */
  reason?: string;
  /** Rule ids this directive suppressed, filled by applySuppressions. */
  used: Set<string>;
}

export interface PositionSource {
  /** UTF-16 offset to 1-based line and column, e.g. LineIndex. */
  positionAt(offset: number): { line: number; column: number };
}

export interface ApplySuppressionsOptions {
  /** Report unknown rule ids and directives that suppressed nothing (default true). */
  reportUnused?: boolean;
  /** Severity of those reports (default 1, a warning). */
  unusedSeverity?: Severity;
  /** The file's text: when given, unused directives and rule ids get a fix that removes them. */
  source?: string;
}

export const UNUSED_SUPPRESSION_RULE_ID = 'unused-suppression';

/** Problems that must be fixed, not hidden; a directive naming them is reported as unused. */
const UNSUPPRESSIBLE: ReadonlyMap<string, string> = new Map([
  ['syntax-error', 'syntax errors cannot be suppressed; fix the SQL instead'],
  ['internal-error', 'internal errors cannot be suppressed; please report them'],
  [UNUSED_SUPPRESSION_RULE_ID, 'unused-suppression reports cannot be suppressed; remove the unused directive instead'],
]);

const DIRECTIVE = /^\s*sqlwarden-ignore-(next-line|line|file)(?=$|[\s:,]|--)/;
const REASON_SEPARATOR = /:|(?:^|\s)--(?=\s|$)/;
const RULE_TOKEN = /[^\s,]+/g;

function parseDirective(
  text: string,
  bodyStart: number,
  bodyEnd: number,
  range: Range,
  lines: LineIndex,
): Suppression | undefined {
  const body = text.slice(bodyStart, bodyEnd);
  const match = DIRECTIVE.exec(body);
  if (!match) return undefined;
  const kind = match[1] as SuppressionKind;
  const rest = body.slice(match[0].length);
  const separator = REASON_SEPARATOR.exec(rest);
  const list = separator ? rest.slice(0, separator.index) : rest;
  const rules: string[] = [];
  const ruleRanges: Range[] = [];
  const listStart = bodyStart + match[0].length;
  for (const token of list.matchAll(RULE_TOKEN)) {
    if (rules.includes(token[0])) continue;
    rules.push(token[0]);
    const start = listStart + token.index;
    ruleRanges.push({ start, end: start + token[0].length });
  }
  const suppression: Suppression = { kind, rules, ruleRanges, range, used: new Set() };
  if (separator) {
    const reason = rest.slice(separator.index + separator[0].length).trim();
    if (reason !== '') suppression.reason = reason;
  }
  if (kind === 'line') suppression.targetLine = lines.positionAt(range.start).line;
  if (kind === 'next-line') suppression.targetLine = lines.positionAt(Math.max(range.start, range.end - 1)).line + 1;
  return suppression;
}

/** Every suppression directive in the file, in order. */
export function findSuppressions(text: string, options: { dialect?: Dialect } = {}): Suppression[] {
  const suppressions: Suppression[] = [];
  if (!text.includes('sqlwarden-ignore-')) return suppressions;
  const lexer = new SqlLexer(text, options.dialect ?? 'postgresql');
  const lines = new LineIndex(text);
  for (let i = 0; i < text.length; ) {
    const end = lexer.scan(i);
    if (lexer.kind === 'line-comment' || lexer.kind === 'block-comment') {
      const block = lexer.kind === 'block-comment';
      const openerLength = block || text.startsWith('--', i) ? 2 : 1;
      const closed = block && !lexer.unterminated;
      const suppression = parseDirective(text, i + openerLength, closed ? end - 2 : end, { start: i, end }, lines);
      if (suppression) suppressions.push(suppression);
    }
    i = Math.max(end, i + 1);
  }
  return suppressions;
}

function directiveName(kind: SuppressionKind): string {
  return `sqlwarden-ignore-${kind}`;
}

/**
 * Drops the diagnostics that directives suppress and adds `unused-suppression` warnings for
 * unknown rule ids and for directives (or rule ids in them) that suppressed nothing. Target
 * lines come from `positions`, the same source as the diagnostics' lines.
 */
export function applySuppressions(
  diagnostics: Diagnostic[],
  suppressions: Suppression[],
  knownRuleIds: ReadonlySet<string>,
  positions: PositionSource,
  options: ApplySuppressionsOptions = {},
): Diagnostic[] {
  if (suppressions.length === 0) return diagnostics.slice();

  const targets = suppressions.map((s) => {
    s.used.clear();
    if (s.kind === 'line') return positions.positionAt(s.range.start).line;
    if (s.kind === 'next-line') return positions.positionAt(Math.max(s.range.start, s.range.end - 1)).line + 1;
    return undefined;
  });

  const kept: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    let suppressed = false;
    if (!UNSUPPRESSIBLE.has(diagnostic.ruleId)) {
      suppressions.forEach((s, index) => {
        if (s.kind !== 'file' && targets[index] !== diagnostic.line) return;
        if (s.rules.length > 0 && !s.rules.includes(diagnostic.ruleId)) return;
        s.used.add(diagnostic.ruleId);
        suppressed = true;
      });
    }
    if (!suppressed) kept.push(diagnostic);
  }
  if (options.reportUnused === false) return kept;

  const severity = options.unusedSeverity ?? 1;
  const report = (range: Range, message: string, fix?: Fix): Diagnostic => {
    const start = positions.positionAt(range.start);
    const end = positions.positionAt(range.end);
    return {
      ruleId: UNUSED_SUPPRESSION_RULE_ID,
      severity,
      message,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      range: { start: range.start, end: range.end },
      ...(fix ? { fix } : {}),
    };
  };
  const source = options.source;

  const unused: Diagnostic[] = [];
  suppressions.forEach((s, index) => {
    const name = directiveName(s.kind);
    const where = s.kind === 'file' ? 'in this file' : `on line ${targets[index]}`;
    if (s.rules.length === 0) {
      if (s.used.size === 0) unused.push(report(s.range, `Unused ${name}: no problems ${where}`, source === undefined ? undefined : removeDirective(source, s)));
      return;
    }
    // Rule ids that are unused (as opposed to unknown, which may be a typo to correct) are removed
    // by the fix; when none of the directive's ids is used, the whole directive goes.
    const removable = s.rules.filter((ruleId) => UNSUPPRESSIBLE.has(ruleId) || (knownRuleIds.has(ruleId) && !s.used.has(ruleId)));
    const fixFor = (position: number): Fix | undefined => {
      if (source === undefined) return undefined;
      if (s.used.size === 0 && removable.length === s.rules.length) return removeDirective(source, s);
      return removeRuleId(source, s, position);
    };
    s.rules.forEach((ruleId, position) => {
      const range = s.ruleRanges[position] ?? s.range;
      const unsuppressible = UNSUPPRESSIBLE.get(ruleId);
      if (unsuppressible !== undefined) {
        unused.push(report(range, `Unused ${name} for "${ruleId}": ${unsuppressible}`, fixFor(position)));
      } else if (!knownRuleIds.has(ruleId)) {
        unused.push(report(range, `Unknown rule "${ruleId}" in ${name}${unknownRuleHint(ruleId, s, position, knownRuleIds)}`));
      } else if (!s.used.has(ruleId)) {
        unused.push(report(range, `Unused ${name} for "${ruleId}": no such problem ${where}`, fixFor(position)));
      }
    });
  });
  unused.sort((a, b) => a.range.start - b.range.start);
  return kept.concat(unused);
}

/**
 * Removes a whole directive comment: with its line when the comment is alone on it, else with the
 * blanks before it (`SELECT 1; -- sqlwarden-ignore-line x` keeps `SELECT 1;`).
 */
function removeDirective(text: string, s: Suppression): Fix {
  let start = s.range.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  let end = s.range.end;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  // Line breaks are \n, \r\n or a lone \r (as in LineIndex).
  const aloneOnLine = (start === 0 || text[start - 1] === '\n' || text[start - 1] === '\r') && (end === text.length || text[end] === '\n' || text[end] === '\r');
  if (aloneOnLine) {
    if (text.startsWith('\r\n', end)) end += 2;
    else if (end < text.length) end++;
    return { range: [start, end], text: '' };
  }
  // A block comment between two tokens (`INSERT/*sqlwarden-ignore-file*/INTO`) separates them:
  // a space takes its place, or the fix would make one word of the two.
  const separates = start > 0 && s.range.end < text.length && !/\s/.test(text[start - 1]!) && !/\s/.test(text[s.range.end]!);
  return { range: [start, s.range.end], text: separates ? ' ' : '' };
}

/** Removes one rule id from a directive's list, with the separator that joins it to a neighbour. */
function removeRuleId(text: string, s: Suppression, position: number): Fix {
  const own = s.ruleRanges[position]!;
  const next = s.ruleRanges[position + 1];
  if (next) return { range: [own.start, next.start], text: '' };
  const previous = s.ruleRanges[position - 1];
  if (previous) return { range: [previous.end, own.end], text: '' };
  return { range: [own.start, own.end], text: '' };
}

function unknownRuleHint(ruleId: string, s: Suppression, position: number, known: ReadonlySet<string>): string {
  const suggestion = didYouMean(ruleId, known);
  if (suggestion) return ` (${suggestion})`;
  // `-- sqlwarden-ignore-line rule-a because of X`: the words after the rule were meant as a reason.
  if (position > 0 && s.reason === undefined) return ` (write a reason after ":" or " -- ")`;
  return '';
}
