import { displayRelation } from './effects.ts';
import { type LockMode, lockModeSql, strongerLock } from './modes.ts';
import type { ResolvedLock, RewriteKind, ScanKind, StatementEffect, StatementLocks } from './types.ts';

/** What a held lock stops, in a few words (explicit-locking.html, Table 13.2). */
export function blockedPhrase(mode: LockMode): string {
  switch (mode) {
    case 'AccessExclusive':
      return 'blocks reads and writes';
    case 'Exclusive':
      return 'blocks writes and locking reads';
    case 'ShareRowExclusive':
    case 'Share':
      return 'blocks writes';
    case 'ShareUpdateExclusive':
      return 'blocks other DDL and VACUUM';
    case 'RowExclusive':
      return 'blocks SHARE and stronger locks';
    case 'RowShare':
      return 'blocks EXCLUSIVE and ACCESS EXCLUSIVE locks';
    case 'AccessShare':
      return 'blocks only ACCESS EXCLUSIVE locks';
  }
}

function work(rewrite: RewriteKind, scan: ScanKind): string | undefined {
  const parts: string[] = [];
  if (rewrite === 'table_and_indexes') parts.push('rewrites the table and its indexes');
  else if (rewrite === 'table') parts.push('rewrites the table');
  else if (rewrite === 'index') parts.push('rebuilds indexes');
  if (scan === 'table' && rewrite === 'none') parts.push('scans the whole table');
  else if (scan === 'two_table_scans') parts.push('scans the table twice');
  return parts.length ? parts.join(' and ') : undefined;
}

function lockList(locks: ResolvedLock[]): string {
  // Group relations by mode, strongest first: "ACCESS EXCLUSIVE on a and b (blocks reads and writes)".
  const byMode = new Map<LockMode, string[]>();
  for (const l of locks) {
    const names = byMode.get(l.mode) ?? [];
    const name = displayRelation(l.relation);
    if (!names.includes(name)) names.push(name);
    byMode.set(l.mode, names);
  }
  const modes = [...byMode.keys()].sort((a, b) => (strongerLock(a, b) === a ? -1 : 1));
  return modes
    .map((mode) => {
      const names = byMode.get(mode)!;
      const on = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
      return `${lockModeSql(mode)} on ${on} (${blockedPhrase(mode)})`;
    })
    .join(', ');
}

function sentence(locks: ResolvedLock[], rewrite: RewriteKind, scan: ScanKind, brief: boolean): string {
  const what = work(rewrite, scan);
  const head = locks.length ? `takes ${lockList(locks)}` : 'takes no table locks';
  if (what) return `${head} and ${what}`;
  return brief && locks.length ? `${head}, briefly (catalog-only)` : head;
}

/** "takes ACCESS EXCLUSIVE on users (blocks reads and writes) and rewrites the table and its indexes" */
export function describeEffect(effect: StatementEffect): string {
  return sentence(effect.locks, effect.rewrite, effect.scan, effect.brief);
}

const REWRITE_ORDER: RewriteKind[] = ['none', 'index', 'table', 'table_and_indexes'];
const SCAN_ORDER: ScanKind[] = ['none', 'table', 'two_table_scans'];

/** One sentence for a whole statement: its strongest locks and the heaviest work of its parts. */
export function describeStatement(locks: StatementLocks): string {
  const rewrite = locks.effects.reduce<RewriteKind>((m, e) => (REWRITE_ORDER.indexOf(e.rewrite) > REWRITE_ORDER.indexOf(m) ? e.rewrite : m), 'none');
  const scan = locks.effects.reduce<ScanKind>((m, e) => (SCAN_ORDER.indexOf(e.scan) > SCAN_ORDER.indexOf(m) ? e.scan : m), 'none');
  const brief = locks.effects.length > 0 && locks.effects.every((e) => e.brief);
  return sentence(locks.strongest, rewrite, scan, brief);
}
