/**
 * Locks the current transaction already holds when a statement runs. PostgreSQL keeps every table
 * lock until the transaction ends (or a ROLLBACK TO SAVEPOINT before it was taken), and grants a
 * request at once when a lock the transaction holds conflicts with everything the request
 * conflicts with (`coveredByHeld`): then the earlier statement is the one that waited, and
 * whatever it blocks stays blocked. Checked on PostgreSQL 15: packages/core/src/locks/VERIFICATION.md,
 * "Locks a transaction already holds".
 */
import { blockedWork, coveredByHeld, displayRelation, lockModeSql, strongerLock } from '@sqlwarden/core';
import type { Drop, LockMode, ResolvedLock, RuleContext, Statement, StatementInfo } from '@sqlwarden/core';
import { statementEffects, whatItBlocks } from './lock-messages.ts';
import { lineAt } from './lock-hygiene.ts';
import { perFile } from './per-file.ts';
import { sameTable, tableKey } from './transactions.ts';

type Name = { schema?: string; name: string };

/** A lock an earlier statement of the current transaction took and still holds. */
export interface TransactionLock {
  relation: Name;
  mode: LockMode;
  /** The statement that took it. */
  info: StatementInfo;
  /** How that statement reaches the relation when it does not name it: "dropping trigger `ta` on `a`". */
  via?: string;
}

/** A trigger the file creates, with the function it executes. */
interface FileTrigger {
  index: number;
  section: string;
  name: string;
  table: Name;
  fn: Name;
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.map((n) => (n as { String?: { sval?: string } })?.String?.sval).filter((s): s is string => typeof s === 'string') : [];
}

function fileTriggers(statements: readonly StatementInfo[]): FileTrigger[] {
  const out: FileTrigger[] = [];
  for (const info of statements) {
    const node = info.node;
    if (node?.type !== 'CreateTrigger') continue;
    const fn = names((node.raw as { CreateTrigStmt?: { funcname?: unknown } } | undefined)?.CreateTrigStmt?.funcname);
    if (fn.length === 0) continue;
    out.push({ index: info.index, section: info.section, name: node.name, table: node.table, fn: fn.length > 1 ? { schema: fn[fn.length - 2]!, name: fn[fn.length - 1]! } : { name: fn[0]! } });
  }
  return out;
}

/** A function name as DROP FUNCTION writes it matches a trigger's: by name, and by schema when both give one. */
function sameFunction(a: Name, b: Name): boolean {
  return a.name === b.name && (a.schema === undefined || b.schema === undefined || a.schema === b.schema);
}

/**
 * Locks a `DROP FUNCTION ... CASCADE` takes through the objects it drops: each trigger that
 * executes the function goes with it, and dropping a trigger takes ACCESS EXCLUSIVE on its table
 * (PostgreSQL 15: pg_locks shows it; a plain SELECT on that table waits). Only triggers this file
 * created earlier (and did not drop again) are known; the catalog does not track triggers.
 */
export function cascadeLocks(context: RuleContext<any>, info: StatementInfo): TransactionLock[] {
  const node: Statement | undefined = info.node;
  if (node?.type !== 'Drop' || !node.cascade || node.objectKind !== 'function') return [];
  const triggers = perFile(context, fileTriggers, fileTriggers).filter((t) => t.section === info.section && t.index < info.index && (node as Drop).names.some((n) => sameFunction(n, t.fn)));
  const out: TransactionLock[] = [];
  for (const t of triggers) {
    if (droppedBetween(context, t, info.index)) continue;
    out.push({ relation: t.table, mode: 'AccessExclusive', info, via: `dropping trigger \`${t.name}\` on \`${displayRelation(t.table)}\`` });
  }
  return out;
}

/** Whether a statement after the trigger's creation and before `before` drops it (or its table). */
function droppedBetween(context: RuleContext<any>, t: FileTrigger, before: number): boolean {
  const statements = context.file.statements;
  for (let i = t.index + 1; i < before && i < statements.length; i++) {
    const node = statements[i]!.node;
    if (node?.type !== 'Drop' || statements[i]!.section !== t.section) continue;
    if (node.objectKind === 'trigger' && node.table && tableKey(node.table) === tableKey(t.table) && node.names.some((n) => n.name === t.name)) return true;
    if (node.objectKind === 'table' && node.names.some((n) => tableKey(n) === tableKey(t.table))) return true;
    if (node.objectKind === 'function' && node.cascade && node.names.some((n) => sameFunction(n, t.fn))) return true;
  }
  return false;
}

function isUnresolved(relation: ResolvedLock['relation']): boolean {
  return 'unresolved' in relation && relation.unresolved === true;
}

/** The locks `info` takes on named relations: the lock model's, and those of a CASCADE (`cascadeLocks`). */
export function locksTakenBy(context: RuleContext<any>, info: StatementInfo): TransactionLock[] {
  const node = info.node;
  if (!node || node.type === 'Transaction') return [];
  const out: TransactionLock[] = [];
  for (const effect of statementEffects(context, node)) {
    for (const lock of effect.locks) if (!isUnresolved(lock.relation)) out.push({ relation: lock.relation, mode: lock.mode, info });
  }
  out.push(...cascadeLocks(context, info));
  return out;
}

interface Progress {
  transactionId?: number;
  section?: string;
  /** Index of the next statement to add. */
  next: number;
  locks: TransactionLock[];
  /** SAVEPOINT name -> how many locks were held when it was set. */
  savepoints: Array<{ name: string; held: number }>;
  /**
   * `locks` by lower-cased relation name, for its first `indexed` entries: two names `sameTable`
   * calls one table have the same name, so a question about a relation reads only its bucket
   * (a transaction of thousands of statements asked every lock at every statement).
   */
  byName?: Map<string, TransactionLock[]>;
  indexed: number;
}

/** The Progress whose `locks` a held-locks array is. */
const progressOfLocks = new WeakMap<readonly TransactionLock[], Progress>();

function newProgress(): Progress {
  const p: Progress = { next: 0, locks: [], savepoints: [], indexed: 0 };
  progressOfLocks.set(p.locks, p);
  return p;
}

/** The held locks on relations named like `relation` (all of `held` when it is not a transaction's list). */
function heldOnName(held: readonly TransactionLock[], relation: Name): readonly TransactionLock[] {
  const p = progressOfLocks.get(held);
  if (!p) return held;
  if (!p.byName) {
    p.byName = new Map();
    p.indexed = 0;
  }
  for (; p.indexed < held.length; p.indexed++) {
    const lock = held[p.indexed]!;
    const key = lock.relation.name.toLowerCase();
    const bucket = p.byName.get(key);
    if (bucket) bucket.push(lock);
    else p.byName.set(key, [lock]);
  }
  return p.byName.get(relation.name.toLowerCase()) ?? [];
}

const PROGRESS_KEY = {};

function savepointName(node: Statement): string | undefined {
  const name = (node.raw as { TransactionStmt?: { savepoint_name?: string } } | undefined)?.TransactionStmt?.savepoint_name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Locks the earlier statements of the current transaction hold when the current statement runs
 * (empty outside a transaction block). Kept per lint of the file and advanced statement by
 * statement, so asking at every statement of a long transaction stays linear.
 */
export function locksHeldByTransaction(context: RuleContext<any>): readonly TransactionLock[] {
  const current = context.statement;
  const id = current.transactionId;
  if (!current.transaction || id === undefined) return [];
  const statements = context.file.statements;
  const p = perFile<Progress>(context, PROGRESS_KEY, newProgress);
  if (p.transactionId !== id || p.section !== current.section || p.next > current.index) {
    // A transaction block is a run of consecutive statements: walk back to its first one.
    let start = current.index;
    while (start > 0 && statements[start - 1]!.transactionId === id && statements[start - 1]!.section === current.section) start--;
    Object.assign(p, { transactionId: id, section: current.section, next: start, locks: [], savepoints: [], byName: undefined, indexed: 0 });
    progressOfLocks.set(p.locks, p);
  }
  for (; p.next < current.index; p.next++) {
    const info = statements[p.next]!;
    if (info.transactionId !== id || info.section !== current.section || !info.node) continue;
    const node = info.node;
    if (node.type === 'Transaction') {
      const name = savepointName(node);
      if (node.kind === 'savepoint' && name !== undefined) p.savepoints.push({ name, held: p.locks.length });
      if (node.kind === 'rollback_to' && name !== undefined) {
        // Locks taken after the savepoint are released; the savepoint itself stays.
        const at = p.savepoints.map((s) => s.name).lastIndexOf(name);
        if (at >= 0) {
          p.locks.length = p.savepoints[at]!.held;
          p.byName = undefined;
          p.savepoints.length = at + 1;
        }
      }
      continue;
    }
    p.locks.push(...locksTakenBy(context, info));
  }
  return p.locks;
}

/**
 * The earlier statements' locks on `lock`'s relation when together they make `lock` granted
 * without waiting (`coveredByHeld`); undefined when the request may wait, or names no relation.
 */
export function heldCovering(context: RuleContext<any>, lock: ResolvedLock, held: readonly TransactionLock[]): TransactionLock[] | undefined {
  if (held.length === 0 || isUnresolved(lock.relation)) return undefined;
  const on = heldOnName(held, lock.relation).filter((h) => sameTable(context, h.relation, lock.relation));
  return on.length > 0 && coveredByHeld(lock.mode, on.map((h) => h.mode)) ? on : undefined;
}

/** The strongest of the held locks that make reads of the relation wait, if any (ACCESS EXCLUSIVE). */
export function heldBlockingReads(context: RuleContext<any>, relation: ResolvedLock['relation'], held: readonly TransactionLock[]): TransactionLock | undefined {
  if (isUnresolved(relation)) return undefined;
  return heldOnName(held, relation).find((h) => h.mode === 'AccessExclusive' && sameTable(context, h.relation, relation));
}

/** "an ACCESS EXCLUSIVE lock" for a held lock. */
export function heldLockPhrase(h: TransactionLock): string {
  const sql = lockModeSql(h.mode);
  return `${/^[AEIOU]/.test(sql) ? 'an' : 'a'} ${sql} lock`;
}

/**
 * `whatItBlocks` for the current statement, knowing what its transaction already holds: a lock
 * that by itself would let reads continue does not, when an earlier statement of the transaction
 * holds ACCESS EXCLUSIVE on the same relation (reads stay blocked until commit).
 */
export function whatItBlocksInTransaction(context: RuleContext<any>, locks: readonly ResolvedLock[], options: { verb?: string } = {}): string {
  const held = locksHeldByTransaction(context);
  const readsAlreadyBlocked = new Map<ResolvedLock, string>();
  for (const lock of locks) {
    // Only worth saying where this lock by itself would let reads continue.
    if (blockedWork(lock.mode).reads) continue;
    const h = held.length ? heldBlockingReads(context, lock.relation, held) : undefined;
    if (h) readsAlreadyBlocked.set(lock, `reads of \`${displayRelation(h.relation)}\` are already blocked: line ${lineAt(context.file.text, h.info.range.start)} of this transaction holds ${heldLockPhrase(h)} on it until commit`);
  }
  return whatItBlocks(locks, { ...options, readsAlreadyBlocked });
}

/**
 * The strongest lock the earlier statements of the current transaction hold on `relation`
 * (undefined when none, or outside a transaction block): a weaker or equal request is granted at
 * once, only a stronger one queues.
 */
export function heldLockOn(context: RuleContext<any>, relation: Name): LockMode | undefined {
  let held: LockMode | undefined;
  for (const h of locksHeldByTransaction(context)) if (sameTable(context, h.relation, relation)) held = held ? strongerLock(held, h.mode) : h.mode;
  return held;
}
