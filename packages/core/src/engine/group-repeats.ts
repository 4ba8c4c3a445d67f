import type { ReportDescriptor, RuleMeta, StatementInfo } from '../rule.ts';
import type { Diagnostic, Fix, Occurrence } from '../types.ts';

/** The rule option that turns grouping off for one rule (`["warn", { "groupRepeats": false }]`). */
export const GROUP_REPEATS_OPTION = 'groupRepeats';

/** The longest the appended "(and N more in this file: lines …)" may be. */
const MAX_SUFFIX_LENGTH = 64;

export interface GroupKey {
  /** Rule id, section, file or transaction, and the descriptor's key (or message template): equal keys collapse. */
  key: string;
  scope: 'file' | 'transaction';
}

/**
 * The group a finding belongs to, or undefined when it is reported on its own: the rule does not
 * group, its options turn grouping off, or the report says `group: false`. Transaction-scoped
 * rules group the findings of statements outside any transaction per file. A finding with a fix is
 * grouped too: every occurrence keeps its fix (`fixesOf`), so `--fix` still fixes each one.
 */
export function groupKeyOf(
  meta: RuleMeta,
  options: Record<string, unknown>,
  descriptor: ReportDescriptor,
  statement: StatementInfo | undefined,
): GroupKey | undefined {
  if (!meta.groupRepeats || options[GROUP_REPEATS_OPTION] === false || descriptor.group === false) return undefined;
  // Statements that run outside a transaction block (autocommit, psql scripts) each run alone:
  // the same finding repeated over them has one cause and remedy in the file.
  const scope = meta.groupRepeats === 'transaction' && statement?.transactionId !== undefined ? 'transaction' : 'file';
  const where = scope === 'transaction' ? `t${statement!.transactionId}` : 'f';
  // By default, findings reported with the same message template (before `data` fills it in)
  // share their cause and remedy; a rule's other kinds of finding stay apart.
  return { key: `${meta.id}\0${statement?.section ?? 'up'}\0${where}\0${descriptor.group ?? `m:${descriptor.message}`}`, scope };
}

/**
 * Collapses the findings of each group into its first (in `diagnostics`' order, which is file
 * order): the first keeps its range, gets the others' count and lines appended to its message,
 * and lists every occurrence. Run after suppressions, so a suppressed occurrence is not counted.
 */
export function groupRepeats(diagnostics: Diagnostic[], groups: ReadonlyMap<Diagnostic, GroupKey>): Diagnostic[] {
  if (groups.size === 0) return diagnostics;
  const members = new Map<string, Diagnostic[]>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const group = groups.get(d);
    if (!group) {
      out.push(d);
      continue;
    }
    const list = members.get(group.key);
    if (list) list.push(d);
    else {
      members.set(group.key, [d]);
      out.push(d);
    }
  }
  for (const list of members.values()) {
    if (list.length < 2) continue;
    const first = list[0]!;
    first.occurrences = list.map(toOccurrence);
    first.message = groupedMessage(first.occurrences, groups.get(first)!.scope);
  }
  return out;
}

/**
 * An occurrence whose fix and suggestions are read from its finding when asked: a fix guard that
 * a later statement (possibly in a later file) trips removes the finding's fix and adds a
 * suggestion after grouping, and the occurrence must show that.
 */
function toOccurrence(d: Diagnostic): Occurrence {
  const occurrence: Occurrence = { message: d.message, line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn, range: { start: d.range.start, end: d.range.end } };
  // A withheld fix adds its reason to the detail, after grouping too.
  Object.defineProperty(occurrence, 'detail', { get: () => d.detail, enumerable: true });
  Object.defineProperty(occurrence, 'fix', { get: () => d.fix, enumerable: true });
  Object.defineProperty(occurrence, 'suggestions', { get: () => (d.suggestions?.length ? d.suggestions : undefined), enumerable: true });
  return occurrence;
}

/** The fixes of a finding: of each occurrence when it was grouped, else its own. */
export function fixesOf(d: Pick<Diagnostic, 'fix' | 'occurrences'>): Fix[] {
  if (d.occurrences) return d.occurrences.flatMap((o) => (o.fix ? [o.fix] : []));
  return d.fix ? [d.fix] : [];
}

/**
 * The message of a grouped finding: the first occurrence's, then `(and 41 more in this file:
 * lines 12, 19, 33, …)` (at most MAX_SUFFIX_LENGTH characters; every line is in the occurrences).
 */
export function groupedMessage(occurrences: readonly Occurrence[], scope: 'file' | 'transaction'): string {
  return `${occurrences[0]!.message} ${countSuffix(occurrences, scope)}`;
}

/** The count and lines a grouped finding's message ends with (see countSuffix). */
const GROUPED_SUFFIX = / \(and \d+ more in this (file|transaction): lines? [^()]*\)$/;

/** Which scope a grouped message names (`in this file` / `in this transaction`), read back from it. */
export function groupedScope(message: string): 'file' | 'transaction' {
  return GROUPED_SUFFIX.exec(message)?.[1] === 'transaction' ? 'transaction' : 'file';
}

/** A finding's headline without the count and lines that grouping appended to it. */
export function headlineOf(message: string): string {
  return message.replace(GROUPED_SUFFIX, '');
}

function countSuffix(list: readonly Occurrence[], scope: 'file' | 'transaction'): string {
  const lines = [...new Set(list.slice(1).map((d) => d.line))];
  const head = `(and ${list.length - 1} more in this ${scope}: line${lines.length === 1 ? '' : 's'} `;
  let shown = '';
  for (let i = 0; i < lines.length; i++) {
    const next = shown === '' ? String(lines[i]) : `${shown}, ${lines[i]}`;
    const tail = i === lines.length - 1 ? ')' : ', …)';
    if (head.length + next.length + tail.length > MAX_SUFFIX_LENGTH) return `${head}${shown}, …)`;
    shown = next;
  }
  return `${head}${shown})`;
}
