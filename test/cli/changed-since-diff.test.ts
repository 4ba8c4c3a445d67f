import { describe, expect, it } from 'vitest';
import { changedLinesFromPatch, intersectsIntervals, mergeIntervals, parseRawDiff } from '../../packages/cli/src/changed/diff.ts';

const Z = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('parseRawDiff', () => {
  it('reads modifications, additions, deletions and renames with NUL-separated paths', () => {
    const output =
      `:100644 100644 ${A} ${Z} M\0db/a b.sql\0` +
      `:000000 100644 ${Z} ${B} A\0db/é.sql\0` +
      `:100644 000000 ${A} ${Z} D\0old.sql\0` +
      `:100644 100644 ${A} ${A} R100\0from.sql\0to\tdir/x.sql\0` +
      `:100644 100644 ${A} ${B} R072\0m1.sql\0m2.sql\0`;
    expect(parseRawDiff(output)).toEqual([
      { status: 'M', path: 'db/a b.sql', srcMode: '100644', dstMode: '100644', srcBlob: A, dstBlob: Z },
      { status: 'A', path: 'db/é.sql', srcMode: '000000', dstMode: '100644', srcBlob: Z, dstBlob: B },
      { status: 'D', path: 'old.sql', srcMode: '100644', dstMode: '000000', srcBlob: A, dstBlob: Z },
      { status: 'R', score: 100, oldPath: 'from.sql', path: 'to\tdir/x.sql', srcMode: '100644', dstMode: '100644', srcBlob: A, dstBlob: A },
      { status: 'R', score: 72, oldPath: 'm1.sql', path: 'm2.sql', srcMode: '100644', dstMode: '100644', srcBlob: A, dstBlob: B },
    ]);
    expect(parseRawDiff('')).toEqual([]);
  });
});

describe('changedLinesFromPatch', () => {
  it('takes the new-side lines of each hunk, and both neighbours of a pure deletion', () => {
    const patch = [
      'diff --git a/q.sql b/q.sql',
      '--- a/q.sql',
      '+++ b/q.sql',
      '@@ -3 +3 @@ SELECT',
      '-a',
      '+b',
      '@@ -7,0 +8,2 @@',
      '+c',
      '+d',
      '@@ -20,2 +21,0 @@',
      '-e',
      '-f',
      '@@ -30 +30 @@',
      '+@@ -1 +999 @@ not a header',
    ].join('\n');
    expect(changedLinesFromPatch(patch)).toEqual([
      [3, 3],
      [8, 9],
      [21, 22],
      [30, 30],
    ]);
    expect(changedLinesFromPatch('')).toEqual([]);
    expect(changedLinesFromPatch('diff --git a/x b/x\nBinary files a/x and b/x differ\n')).toBeUndefined();
  });

  it('merges and intersects intervals', () => {
    const merged = mergeIntervals([
      [5, 6],
      [1, 2],
      [3, 3],
      [10, 12],
    ]);
    expect(merged).toEqual([
      [1, 3],
      [5, 6],
      [10, 12],
    ]);
    expect(intersectsIntervals(merged, 4, 4)).toBe(false);
    expect(intersectsIntervals(merged, 7, 9)).toBe(false);
    expect(intersectsIntervals(merged, 7, 10)).toBe(true);
    expect(intersectsIntervals(merged, 6, 6)).toBe(true);
    expect(intersectsIntervals(merged, 13, 20)).toBe(false);
    expect(intersectsIntervals([], 1, 1)).toBe(false);
  });
});
