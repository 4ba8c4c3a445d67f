/**
 * What differs between a corpus part's baseline and a fresh run, for a person to read: the header
 * (command, files, exit code), then per file the findings added, removed, and changed (same place
 * and rule, other columns different).
 */
import { COLUMNS, compareRows, type PartFindings } from './findings.ts';

export interface FindingsDiff {
  identical: boolean;
  added: number;
  removed: number;
  changed: number;
  /** Readable report, at most `limit` findings listed. */
  report: string;
}

/** A finding's file, place and rule: a removed and an added finding with the same key count as one change. */
function keyOf(row: string): string {
  return row.split('\t').slice(0, 3).join('\t');
}

function fields(row: string): string[] {
  return row.split('\t');
}

/** The rows of `a` not in `b`, as multisets (two identical findings on one line are two). */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const remaining = new Map<string, number>();
  for (const row of b) remaining.set(row, (remaining.get(row) ?? 0) + 1);
  return a.filter((row) => {
    const count = remaining.get(row) ?? 0;
    if (count === 0) return true;
    remaining.set(row, count - 1);
    return false;
  });
}

function describe(row: string, message: string | undefined): string {
  const [, range, rule, severity] = fields(row);
  return `${range} ${rule} (${severity})${message === undefined ? '' : `: ${message}`}`;
}

export function diffFindings(partName: string, baseline: PartFindings, current: PartFindings, limit = 40): FindingsDiff {
  const lines: string[] = [];
  for (const key of new Set([...Object.keys(baseline.header), ...Object.keys(current.header)])) {
    if (baseline.header[key] !== current.header[key]) lines.push(`  ${key}: baseline "${baseline.header[key] ?? ''}", now "${current.header[key] ?? ''}"`);
  }
  const messageOf = new Map(current.findings.map((finding) => [finding.row, finding.message]));
  const removedRows = minus(baseline.findings.map((f) => f.row), current.findings.map((f) => f.row));
  const addedRows = minus(current.findings.map((f) => f.row), baseline.findings.map((f) => f.row));

  // Pair a removed and an added finding at the same place with the same rule: a change.
  const addedByKey = new Map<string, string[]>();
  for (const row of addedRows) addedByKey.set(keyOf(row), [...(addedByKey.get(keyOf(row)) ?? []), row]);
  type Entry = { file: string; sort: string; text: string };
  const entries: Entry[] = [];
  let changed = 0;
  let removed = 0;
  for (const row of removedRows) {
    const partner = addedByKey.get(keyOf(row))?.shift();
    if (partner === undefined) {
      removed++;
      const hashes = COLUMNS.flatMap((column, i) => (i < 4 || fields(row)[i] === '-' ? [] : [`${column} ${fields(row)[i]}`])).join(', ');
      entries.push({ file: fields(row)[0]!, sort: row, text: `- ${describe(row, undefined)} [${hashes}]` });
      continue;
    }
    changed++;
    const before = fields(row);
    const after = fields(partner);
    const what = COLUMNS.flatMap((column, i) => (before[i] === after[i] ? [] : [`${column} ${before[i]} -> ${after[i]}`])).join(', ');
    entries.push({ file: before[0]!, sort: partner, text: `~ ${describe(partner, messageOf.get(partner))} [${what}]` });
  }
  const added = [...addedByKey.values()].flat();
  for (const row of added) entries.push({ file: fields(row)[0]!, sort: row, text: `+ ${describe(row, messageOf.get(row))}` });
  entries.sort((a, b) => compareRows(a.sort, b.sort));

  let shown = 0;
  let lastFile: string | undefined;
  for (const entry of entries) {
    if (shown === limit) {
      lines.push(`  ... and ${entries.length - shown} more`);
      break;
    }
    if (entry.file !== lastFile) lines.push(`  ${entry.file}`);
    lastFile = entry.file;
    lines.push(`    ${entry.text}`);
    shown++;
  }
  const files = new Set(entries.map((entry) => entry.file)).size;
  const identical = lines.length === 0;
  const summary = `${partName}: ${added.length} added, ${removed} removed, ${changed} changed finding(s) in ${files} file(s)`;
  return { identical, added: added.length, removed, changed, report: identical ? `${partName}: identical` : [summary, ...lines].join('\n') };
}
