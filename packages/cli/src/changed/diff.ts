/** Parsers for the two git outputs --changed-since reads: `git diff --raw -z` and `git diff --unified=0`. */

export interface RawDiffEntry {
  /** A, M, D, R, C, T, U or X. */
  status: string;
  /** Similarity percentage of a rename or copy (R100: identical content). */
  score?: number;
  /** The path before the change (renames and copies), relative to the repository root. */
  oldPath?: string;
  /** The path after the change (for a deletion, the deleted path), relative to the repository root. */
  path: string;
  srcMode: string;
  dstMode: string;
  /** Blob ids; all zeros for "none" or a work-tree file git has not hashed. */
  srcBlob: string;
  dstBlob: string;
}

/**
 * Parses `git diff --raw -z --no-abbrev` output: records of the form
 * `:100644 100644 <src> <dst> M\0path\0`, with two paths for renames and copies (`R087\0old\0new\0`).
 */
export function parseRawDiff(output: string): RawDiffEntry[] {
  const parts = output.split('\0');
  const entries: RawDiffEntry[] = [];
  let i = 0;
  while (i < parts.length) {
    const header = parts[i++]!;
    if (header === '') continue;
    const match = /^:(\d+) (\d+) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/.exec(header);
    if (!match) throw new Error(`unexpected git diff --raw output: ${JSON.stringify(header.slice(0, 80))}`);
    const [, srcMode, dstMode, srcBlob, dstBlob, status, score] = match;
    const twoPaths = status === 'R' || status === 'C';
    const first = parts[i++];
    const second = twoPaths ? parts[i++] : undefined;
    if (first === undefined || (twoPaths && second === undefined)) throw new Error('truncated git diff --raw output');
    const entry: RawDiffEntry = {
      status: status!,
      path: twoPaths ? second! : first,
      srcMode: srcMode!,
      dstMode: dstMode!,
      srcBlob: srcBlob!,
      dstBlob: dstBlob!,
    };
    if (twoPaths) entry.oldPath = first;
    if (score !== undefined && score !== '') entry.score = Number(score);
    entries.push(entry);
  }
  return entries;
}

/** Inclusive 1-based line interval of the new text. */
export type LineInterval = readonly [start: number, end: number];

/**
 * The lines of the new side that a `git diff --unified=0` patch adds or changes, merged into
 * sorted intervals. A hunk that only deletes (`+c,0`) marks the lines on both sides of the gap
 * (c and c + 1): a finding that spans the removed text, or ends or starts right at it, is about
 * the change. A binary patch (no hunks, "Binary files ... differ") counts as every line changed
 * (`undefined`).
 */
export function changedLinesFromPatch(patch: string): LineInterval[] | undefined {
  const intervals: Array<[number, number]> = [];
  let sawHunk = false;
  for (const line of patch.split('\n')) {
    if (!line.startsWith('@@')) {
      if (!sawHunk && /^Binary files .* differ$/.test(line)) return undefined;
      continue;
    }
    const match = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (!match) continue;
    sawHunk = true;
    const start = Number(match[1]);
    const count = match[2] === undefined ? 1 : Number(match[2]);
    if (count > 0) intervals.push([start, start + count - 1]);
    else intervals.push([Math.max(1, start), start + 1]);
  }
  return mergeIntervals(intervals);
}

export function mergeIntervals(intervals: Array<[number, number]>): LineInterval[] {
  intervals.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of intervals) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Whether the inclusive range [start, end] shares a line with any of the sorted intervals. */
export function intersectsIntervals(intervals: readonly LineInterval[], start: number, end: number): boolean {
  let lo = 0;
  let hi = intervals.length - 1;
  // First interval whose end is >= start.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (intervals[mid]![1] < start) lo = mid + 1;
    else hi = mid;
  }
  const candidate = intervals[lo];
  return candidate !== undefined && candidate[1] >= start && candidate[0] <= end;
}
