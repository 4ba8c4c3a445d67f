import { defineRule, isAtLeast, strongerLock, walk } from '@sqlwarden/core';
import type { AlterTable, AlterTableAction, LockMode, Node, RuleContext, StatementEffect, StatementInfo } from '@sqlwarden/core';
import { displayName, emptiedInFile } from '../_shared/migration.ts';
import { aLock, blocksReadsOrWrites, effectWork, effectsOf, isNewRelation, isUnresolved, lineAt, sameName } from '../_shared/lock-hygiene.ts';
import { heldLockOn } from '../_shared/transaction-locks.ts';
import { notNullProvenInFile } from '../_shared/not-null.ts';

/**
 * Subcommands that are statements of their own in PostgreSQL's grammar (RenameStmt,
 * AlterObjectSchemaStmt, partition_cmd): `ALTER TABLE t ADD COLUMN c int, RENAME ...` is a syntax
 * error (checked on PostgreSQL 15).
 */
const ALONE: ReadonlySet<AlterTableAction['action']> = new Set(['rename_column', 'rename_table', 'rename_constraint', 'set_schema', 'attach_partition', 'detach_partition']);

/**
 * Subcommands PostgreSQL accepts once per ALTER TABLE (checked on PostgreSQL 15): "cannot change
 * persistence setting twice", "cannot have multiple SET TABLESPACE subcommands", "cannot have
 * multiple SET ACCESS METHOD subcommands". Statements with one each cannot be merged.
 */
const ONCE: ReadonlyMap<AlterTableAction['action'], string> = new Map([
  ['set_logged', 'persistence'],
  ['set_unlogged', 'persistence'],
  ['set_tablespace', 'tablespace'],
  ['set_access_method', 'access method'],
]);

/**
 * Lock-model operations whose work PostgreSQL does for each subcommand on its own, merged or not:
 * foreign key checks, index builds (UNIQUE, PRIMARY KEY, EXCLUDE) and index rebuilds.
 * pg_stat_user_tables.seq_scan counts the same merged and as separate statements (PostgreSQL 15,
 * packages/core/src/locks/VERIFICATION.md). CHECK and NOT NULL checks and rewrites, by contrast,
 * share one pass over the table (phase 3 of ALTER TABLE).
 */
const SEPARATE_WORK = ['alter_table.add_foreign_key', 'alter_table.add_column.references', 'alter_table.add_unique', 'alter_table.add_column.unique', 'alter_table.add_exclusion', 'alter_table.validate_constraint'];

function separateWork(effect: StatementEffect): boolean {
  const id = effect.operation.id;
  return effect.rewrite === 'index' || SEPARATE_WORK.some((p) => id === p || id.startsWith(`${p}.`));
}

const MESSAGES = {
  queue: '{{count}} ALTER TABLE statements on `{{table}}` each queue for a lock in their own transaction; merge them into one ALTER TABLE',
  passes: 'ALTER TABLE statements on `{{table}}` go over the table {{times}} times under {{lock}}; merge them to read it once',
  upgrade: 'Line {{strongLine}} needs {{strong}} on `{{table}}` and queues for it again; merge lines {{lines}} into one ALTER TABLE',
};

const DETAILS = {
  queue:
    '{{count}} ALTER TABLE statements on `{{table}}` in a row (lines {{lines}}) run in separate transactions, so each one queues for its own lock on `{{table}}`, and while one waits, the queries on `{{table}}` that arrive wait behind it{{passes}}. One ALTER TABLE with the subcommands separated by commas queues once, for {{lock}}{{onePass}}.',
  passes:
    'Consecutive ALTER TABLE statements on `{{table}}` go over the whole table {{times}} times while the transaction holds {{lock}} on it: {{work}}. PostgreSQL does the scans and rewrites of one ALTER TABLE in a single pass (ALTER TABLE, Notes): written as one statement (lines {{lines}}), `{{table}}` is read once instead of {{times}} times.',
  upgrade:
    'Line {{weakLine}} takes {{weak}} on `{{table}}` and line {{strongLine}} then needs {{strong}}: the upgrade queues again behind the queries already using `{{table}}`, and every later query waits behind it. Written as one statement (lines {{lines}}), the ALTER TABLE takes {{strong}} once.',
};

/** Column and constraint names a statement's subcommands add, change or read. */
function touchedNames(stmt: AlterTable): Set<string> {
  const names = new Set<string>();
  const add = (n: string | undefined): void => {
    if (n) names.add(n.toLowerCase());
  };
  for (const action of stmt.actions) {
    add(action.column);
    add(action.constraintName);
    add(action.columnDef?.name);
    add(action.constraint?.name);
    add(action.index);
    for (const c of action.constraint?.columns ?? []) add(c);
    walk(action, {
      enter(node: Node) {
        if (node.type === 'ColumnRef') add(node.column);
        if (node.type === 'Constraint') add(node.name);
      },
    });
  }
  return names;
}

/**
 * VALIDATE CONSTRAINT stays a statement of its own: alone it scans under SHARE UPDATE EXCLUSIVE,
 * which lets reads and writes continue; merged into an ALTER TABLE that takes a stronger lock, the
 * scan runs under that lock (and SET NOT NULL, which runs before it, no longer sees the proof of
 * the NOT NULL recipe: verified on PostgreSQL 15).
 */
function combinable(stmt: AlterTable): boolean {
  return stmt.objectKind === 'table' && stmt.actions.length > 0 && stmt.actions.every((a) => !ALONE.has(a.action) && !a.concurrently && a.action !== 'validate_constraint');
}

function onceGroups(stmt: AlterTable): string[] {
  return stmt.actions.flatMap((a) => ONCE.get(a.action) ?? []);
}

function joinAnd(items: readonly (string | number)[]): string {
  const s = items.map(String);
  return s.length <= 1 ? (s[0] ?? '') : `${s.slice(0, -1).join(', ')} and ${s[s.length - 1]}`;
}


export default defineRule({
  meta: {
    id: 'prefer-single-alter-table',
    description:
      'Consecutive ALTER TABLE statements on one table that could be one statement: separately they queue for the lock again (separate transactions, or a lock upgrade) or scan and rewrite the table once each instead of once in all.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/prefer-single-alter-table/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'migration-safety',
    hasSuggestions: true,
    dialects: ['postgresql'],
    sources: [
      { tool: 'eugene', rule: 'W12', note: 'eugene reports any two ALTER TABLEs of one table; sqlwarden reports consecutive ones that can be merged and only when merging saves a lock wait or a pass over the table.' },
      { tool: 'postgres-language-server', rule: 'multipleAlterTable', note: 'Same difference as with eugene W12.' },
    ],
  },
  create(context: RuleContext) {
    const text = context.file.text;
    /** Statements already part of a reported run. */
    const covered = new Set<number>();

    /** The run of mergeable ALTER TABLE statements that starts at `first`. */
    function runFrom(first: StatementInfo & { node: AlterTable }): Array<StatementInfo & { node: AlterTable }> {
      const run = [first];
      const seen = touchedNames(first.node);
      const once = new Set(onceGroups(first.node));
      const statements = context.file.statements;
      for (let i = first.index + 1; i < statements.length; i++) {
        const next = statements[i]!;
        const node = next.node;
        if (next.section !== first.section || node?.type !== 'AlterTable' || !combinable(node)) break;
        if (!sameName(node.table, first.node.table) || node.only !== first.node.only) break;
        // A subcommand that touches what an earlier statement added, dropped or changed may depend
        // on running after it; ALTER TABLE orders its subcommands by kind, not as written
        // (`ADD COLUMN x, ALTER COLUMN x TYPE ...` fails: the type change runs first).
        const names = touchedNames(node);
        if ([...names].some((n) => seen.has(n))) break;
        const groups = onceGroups(node);
        if (groups.some((g) => once.has(g))) break;
        for (const n of names) seen.add(n);
        for (const g of groups) once.add(g);
        run.push(next as StatementInfo & { node: AlterTable });
      }
      return run;
    }

    /** The strongest lock each statement takes on the table itself, from the lock model. */
    function tableLock(effects: StatementEffect[], table: AlterTable['table']): LockMode | undefined {
      let mode: LockMode | undefined;
      for (const lock of effects.flatMap((e) => e.locks)) {
        if (lock.on !== 'target' || isUnresolved(lock.relation) || !sameName(lock.relation, table)) continue;
        mode = mode ? strongerLock(mode, lock.mode) : lock.mode;
      }
      return mode;
    }

    /** One ALTER TABLE with the subcommands of every statement of the run, when only whitespace separates them. */
    function merged(run: ReadonlyArray<StatementInfo & { node: AlterTable }>): { range: [number, number]; text: string } | undefined {
      for (let i = 1; i < run.length; i++) {
        if (!/^\s*;\s*$/.test(text.slice(run[i - 1]!.range.end, run[i]!.range.start))) return undefined;
      }
      const first = run[0]!;
      const lineStart = text.lastIndexOf('\n', first.range.start - 1) + 1;
      const indent = /^\s*$/.test(text.slice(lineStart, first.range.start)) ? text.slice(lineStart, first.range.start) : '';
      const parts = run.slice(1).flatMap((s) => s.node.actions.map((a) => text.slice(a.range.start, a.range.end)));
      const body = text.slice(first.range.start, first.range.end);
      return { range: [first.range.start, run[run.length - 1]!.range.end], text: `${body},\n${indent}  ${parts.join(`,\n${indent}  `)}` };
    }

    return {
      AlterTable(stmt: AlterTable) {
        const info = context.statement;
        if (!context.file.isMigration || covered.has(info.index) || !combinable(stmt)) return;
        if (isNewRelation(context, stmt.table)) return;
        const run = runFrom(info as StatementInfo & { node: AlterTable });
        if (run.length < 2) return;
        const table = displayName(stmt.table);
        const lines = joinAnd(run.map((s) => lineAt(text, s.range.start)));
        const effects = run.map((s) => effectsOf(context, s.node));
        const modes = effects.map((e) => tableLock(e, stmt.table));
        const strongest = modes.reduce<LockMode | undefined>((m, x) => (m && x ? strongerLock(m, x) : (m ?? x)), undefined);
        if (!strongest) return;
        const truncated = emptiedInFile(context, stmt.table) === 'truncate';
        const version = context.settings.postgresVersion;
        // A SET NOT NULL that the NOT NULL recipe earlier in the file proves scans nothing (PostgreSQL 12+).
        const proven = (e: StatementEffect, index: number): boolean =>
          e.action?.action === 'set_not_null' && e.action.column !== undefined && version >= 12 && notNullProvenInFile(context, stmt.table, e.action.column, index);
        // Only work that shares the single pass of a merged statement counts.
        const work = effects.map((e, i) => (truncated ? undefined : e.filter((x) => !separateWork(x) && !proven(x, run[i]!.index)).map(effectWork).find((w) => w !== undefined)));
        const separate = effects.map((e) => !truncated && e.some((x) => separateWork(x) && effectWork(x) !== undefined));
        const working = run.filter((_, i) => work[i] !== undefined);
        const sameTransaction = run.every((s) => s.transactionId !== undefined && s.transactionId === run[0]!.transactionId);
        // What earlier statements of the transaction hold on the table, asked only when it matters.
        let heldBeforeAsked = false;
        let heldBeforeMode: LockMode | undefined;
        const heldBefore = (): LockMode | undefined => {
          if (!heldBeforeAsked) {
            heldBeforeAsked = true;
            heldBeforeMode = sameTransaction ? heldLockOn(context, stmt.table) : undefined;
          }
          return heldBeforeMode;
        };
        const stronger = (a: LockMode | undefined, b: LockMode | undefined): LockMode | undefined => (a && b ? strongerLock(a, b) : (a ?? b));
        // Merged, a foreign key check or index build would run under the strongest lock of the run:
        // worse than on its own when that lock is stronger than what its statement holds then.
        let heldSoFar: LockMode | undefined;
        for (let i = 0; i < run.length; i++) {
          heldSoFar = sameTransaction ? stronger(heldSoFar, modes[i]) : modes[i];
          if (separate[i] && heldSoFar && !isAtLeast(heldSoFar, strongest) && !(sameTransaction && isAtLeast(stronger(heldSoFar, heldBefore())!, strongest))) {
            for (const s of run) covered.add(s.index);
            return;
          }
        }

        let message: string | undefined;
        let detail: string | undefined;
        let data: Record<string, string | number> = { table, lines, count: run.length, lock: aLock(strongest) };
        const blocking = modes.filter((m) => m !== undefined && blocksReadsOrWrites(m)).length;
        if (!sameTransaction) {
          if (blocking < 2 && working.length < 2) {
            for (const s of run) covered.add(s.index);
            return;
          }
          const passes = working.length >= 2 ? `, and ${working.length} of them each read the whole table` : '';
          message = MESSAGES.queue;
          detail = DETAILS.queue;
          data = { ...data, passes, onePass: working.length >= 2 ? ' and reads the table once' : '' };
        } else if (working.length >= 2) {
          message = MESSAGES.passes;
          detail = DETAILS.passes;
          data = { ...data, work: working.map((s) => `line ${lineAt(text, s.range.start)} ${work[run.indexOf(s)]}`).join('; '), times: working.length };
        } else {
          // A later statement that needs a stronger lock than the ones before it must wait for it
          // again, unless the transaction already holds it (an earlier statement took it).
          let held: LockMode | undefined;
          for (let i = 0; i < run.length; i++) {
            const mode = modes[i];
            if (!mode) continue;
            if (held && !isAtLeast(held, mode) && !isAtLeast(stronger(held, heldBefore())!, mode)) {
              message = MESSAGES.upgrade;
              detail = DETAILS.upgrade;
              const weakIndex = modes.findIndex((m) => m === held);
              data = { ...data, weak: aLock(held), strong: aLock(mode), weakLine: lineAt(text, run[weakIndex]!.range.start), strongLine: lineAt(text, run[i]!.range.start) };
              break;
            }
            held = stronger(held, mode);
          }
        }
        for (const s of run) covered.add(s.index);
        if (!message) return;
        const second = run[1]!;
        const fix = merged(run);
        context.report({
          range: { start: second.range.start, end: run[run.length - 1]!.range.end },
          message,
          ...(detail ? { detail } : {}),
          data,
          ...(fix ? { suggestions: [{ desc: `Merge the ${run.length} statements into one ALTER TABLE`, fix }] } : {}),
        });
      },
    };
  },
});
