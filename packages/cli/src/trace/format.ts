import { createColors } from 'picocolors';
import { excerpt } from '@sqlwarden/core';
import type { TraceFile, TraceLock, TraceReport, TraceStatement, TraceTransaction } from './report.ts';

type Colors = ReturnType<typeof createColors>;

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** The statement's first line, whitespace collapsed, cut to `width` characters. */
export function statementHead(text: string, width = 72): string {
  return excerpt(text, width);
}

const MODE_TEXT: Record<TraceFile['transactionMode'], string> = {
  wrapped: 'the migration tool wraps the file in one transaction',
  implicit: 'sent as one query string: PostgreSQL runs it as one implicit transaction',
  none: 'each statement commits on its own unless the file says BEGIN',
};

const OPENED_BY: Record<TraceTransaction['openedBy'], string> = {
  'migration-tool': "the migration tool's transaction",
  implicit: 'the implicit transaction',
  file: "the file's own transaction",
};

export function formatTraceText(report: TraceReport, options: { color: boolean }): string {
  const c = createColors(options.color);
  const out: string[] = [];
  out.push(`${c.bold('sqlwarden trace')} on ${report.target.description}`);
  for (const warning of report.warnings) out.push(c.yellow(`! ${warning}`));
  for (const file of report.files) out.push('', ...formatFile(file, c));
  out.push('');
  if (report.failure) {
    const f = report.failure;
    const stmt = report.files.find((file) => file.path === f.file)?.statements.find((st) => st.index === f.statement);
    out.push(c.red(c.bold(`✖ ${f.file}:${f.line}:${f.column}  PostgreSQL rejected ${f.statement >= 0 ? 'this statement' : "the file's COMMIT"}: the migration fails on a real database.`)));
    if (stmt) out.push(`    ${statementHead(stmt.text, 100)}`);
    out.push(c.red(`    ERROR${f.error.code ? ` ${f.error.code}` : ''}: ${f.error.message}`));
    if (f.error.detail) out.push(`    DETAIL: ${f.error.detail}`);
    if (f.error.hint) out.push(`    HINT: ${f.error.hint}`);
    if (f.error.where) out.push(c.dim(`    CONTEXT: ${f.error.where}`));
    out.push(`    ${f.rolledBack}`);
    const parts: string[] = [];
    if (f.notRun.statementsInFile > 0) parts.push(`${plural(f.notRun.statementsInFile, 'more statement')} in this file`);
    if (f.notRun.laterFiles.length > 0) {
      const names = f.notRun.laterFiles.slice(0, 5).join(', ') + (f.notRun.laterFiles.length > 5 ? ', ...' : '');
      parts.push(`${plural(f.notRun.laterFiles.length, 'later file')} (${names}; ${plural(f.notRun.laterStatements, 'statement')})`);
    }
    out.push(`    Not run: ${parts.length > 0 ? parts.join('; ') : 'nothing (it was the last statement)'}.`);
    out.push('');
  }
  if (report.stoppedBecause) {
    out.push(c.yellow(c.bold(`! Replay incomplete: ${report.stoppedBecause}`)), '');
  }
  const s = report.summary;
  const tail = report.failure ? c.red('1 migration failed.') : report.stoppedBecause ? c.yellow('Stopped before the end.') : c.green('No errors.');
  const counts = [`${s.statementsRun} of ${plural(s.statements, 'statement')} run`];
  if (s.statementsNotRun > 0) counts.push(`${s.statementsNotRun} not run`);
  if (s.statementsSkipped > 0) counts.push(`${s.statementsSkipped} skipped`);
  out.push(`${plural(s.files, 'file')}, ${counts.join(', ')}. ${tail}`);
  return `${out.join('\n')}\n`;
}

function formatFile(file: TraceFile, c: Colors): string[] {
  const out: string[] = [];
  if (file.status === 'skipped') {
    out.push(`${c.underline(file.path)}  ${c.dim(`skipped: ${file.reason ?? ''}`)}`);
    return out;
  }
  if (file.status === 'not-run') {
    out.push(`${c.underline(file.path)}  ${c.dim(`not run (${plural(file.statements.length, 'statement')}): an earlier migration failed`)}`);
    return out;
  }
  const toolTransactions = file.transactions.filter((t) => t.openedBy === 'migration-tool').length;
  const inParts = file.transactionMode === 'wrapped' && (toolTransactions > 1 || file.statements.some((st) => st.status !== 'not-run' && st.durationMs !== undefined && st.transaction === null));
  out.push(`${c.underline(file.path)}  ${c.dim(inParts ? 'the migration tool runs its parts in separate transactions, some statements on their own' : MODE_TEXT[file.transactionMode])}`);
  let currentTx: number | null = null;
  for (const stmt of file.statements) {
    if (stmt.transaction !== currentTx) {
      const tx = file.transactions.find((t) => t.id === stmt.transaction);
      if (tx && tx.firstStatement === stmt.index) {
        out.push(c.dim(`  ┌ ${OPENED_BY[tx.openedBy]} (#${tx.id})`));
      }
      currentTx = stmt.transaction;
    }
    out.push(...formatStatement(stmt, c));
    const tx = file.transactions.find((t) => t.id === stmt.transaction);
    if (tx && tx.lastStatement === stmt.index) {
      const how = tx.outcome === 'committed' ? 'committed' : tx.outcome === 'rolled-back' ? c.red('rolled back') : 'left open';
      out.push(c.dim(`  └ #${tx.id} ${how} after ${formatMs(tx.durationMs)}: its locks were held until then`));
    }
  }
  if (file.downStatements > 0) out.push(c.dim(`  (${plural(file.downStatements, 'statement')} in down sections not run)`));
  return out;
}

function formatStatement(stmt: TraceStatement, c: Colors): string[] {
  const out: string[] = [];
  const where = `${stmt.line}:${stmt.column}`.padEnd(7);
  const head = statementHead(stmt.text);
  if (stmt.status === 'not-run') {
    out.push(c.dim(`  ${where}${head}  (not run)`));
    return out;
  }
  if (stmt.status === 'skipped') {
    out.push(`  ${where}${head}  ${c.yellow(`skipped: ${stmt.reason ?? ''}`)}`);
    return out;
  }
  const mark = stmt.status === 'error' ? c.red('✖ ') : '';
  out.push(`  ${where}${mark}${head}  ${c.dim(formatMs(stmt.durationMs))}`);
  const indent = '         ';
  if (stmt.error) {
    const at = stmt.error.line !== undefined ? ` (at ${stmt.error.line}:${stmt.error.column})` : '';
    out.push(c.red(`${indent}ERROR${stmt.error.code ? ` ${stmt.error.code}` : ''}: ${stmt.error.message}${at}`));
  }
  const own = stmt.locks.filter((l) => l.acquiredBy === stmt.index);
  const older = stmt.locks.length - own.length;
  const inTx = stmt.transaction !== null && stmt.observation === 'in-transaction';
  const groups = groupLocks(own.filter((l) => !l.relation.startsWith('pg_toast.')));
  const toast = own.filter((l) => l.relation.startsWith('pg_toast.')).length;
  const relationWidth = Math.max(0, ...groups.map((g) => g.relation.length));
  const modesWidth = Math.max(0, ...groups.map((g) => g.modes.join(', ').length));
  for (const group of groups) {
    const modes = group.modes.join(', ');
    const held = group.heldMs === undefined ? '' : `held ${formatMs(group.heldMs)}${inTx ? ' (until the transaction ended)' : ''}`;
    out.push(`${indent}${group.relation.padEnd(relationWidth)}  ${colorMode(group.modes[0]!, c)(modes.padEnd(modesWidth))}${group.waiting ? c.yellow(' (waiting)') : ''}  ${c.dim(held)}`);
  }
  if (toast > 0) out.push(c.dim(`${indent}+ ${plural(toast, 'lock')} on TOAST relations`));
  if (inTx && own.length === 0 && stmt.status === 'ok') out.push(c.dim(`${indent}no new locks`));
  if (older > 0) out.push(c.dim(`${indent}+ ${plural(older, 'lock')} taken by earlier statements of this transaction, still held`));
  if (stmt.observation === 'own-transaction' && own.length === 0 && stmt.status === 'ok') out.push(c.dim(`${indent}no relation locks`));
  if (stmt.observationNote) out.push(c.dim(`${indent}${stmt.observationNote}`));
  if (stmt.expectedLocks && stmt.expectedLocks.length > 0) {
    out.push(c.dim(`${indent}the lock model expects (not observed): ${stmt.expectedLocks.map((l) => `${l.mode} on ${l.relation}`).join(', ')}`));
  }
  for (const notice of stmt.notices) out.push(c.yellow(`${indent}${notice.severity}: ${notice.message}`));
  return out;
}

/** pg_locks mode names, weakest first (PostgreSQL's "Conflicting Lock Modes" table). */
const MODE_ORDER = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

interface LockGroup {
  relation: string;
  /** Strongest first. */
  modes: string[];
  heldMs?: number;
  waiting: boolean;
}

/** One line per relation, its modes strongest first; relations with the strongest locks first. */
function groupLocks(locks: readonly TraceLock[]): LockGroup[] {
  const groups = new Map<number, LockGroup>();
  for (const lock of locks) {
    let group = groups.get(lock.oid);
    if (!group) {
      group = { relation: lock.relation, modes: [], waiting: false };
      groups.set(lock.oid, group);
    }
    if (!group.modes.includes(lock.mode)) group.modes.push(lock.mode);
    if (lock.heldMs !== undefined) group.heldMs = Math.max(group.heldMs ?? 0, lock.heldMs);
    if (!lock.granted) group.waiting = true;
  }
  const strength = (mode: string): number => MODE_ORDER.indexOf(mode);
  for (const group of groups.values()) group.modes.sort((a, b) => strength(b) - strength(a));
  return [...groups.values()].sort((a, b) => strength(b.modes[0]!) - strength(a.modes[0]!));
}

/** Red for locks that block reads, yellow for ones that block writes. */
function colorMode(mode: string, c: Colors): (text: string) => string {
  if (mode === 'AccessExclusiveLock') return c.red;
  if (mode === 'ExclusiveLock' || mode === 'ShareRowExclusiveLock' || mode === 'ShareLock') return c.yellow;
  return (text) => text;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
