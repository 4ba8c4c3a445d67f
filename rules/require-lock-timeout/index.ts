import { defineRule, displayRelation, walk } from '@sqlwarden/core';
import type { FuncCall, Literal, ResolvedLock, RuleContext, SetStatement, Statement, StatementInfo } from '@sqlwarden/core';
import { blockedTraffic, describeLocks, whatItBlocks } from '../_shared/lock-messages.ts';
import { effectsOf, headRange, isConditionalLock, isNewRelation, isUnresolved, lineAt, namesShort, quoteStatement, trafficBlockingLocks } from '../_shared/lock-hygiene.ts';
import { cascadeLocks, heldCovering, locksHeldByTransaction } from '../_shared/transaction-locks.ts';

interface Options {
  requireStatementTimeout: boolean;
  lockTimeout: string;
  statementTimeout: string;
}

type Param = 'lock_timeout' | 'statement_timeout';

/** Headlines: the queue the missing timeout allows, and the remedy. */
const HEADLINES = {
  lock: 'No lock_timeout: {{traffic}} {{tablesShort}} queue while this statement waits for its lock; set {{settings}} first',
  statementOnly: 'No statement_timeout: nothing bounds how long this statement waits for or holds its lock on {{tablesShort}}; set statement_timeout first',
};

/** Details: the locks, what they block, why an earlier SET does not apply, and the SET to write. */
const MESSAGES = {
  lock:
    '{{statement}} takes {{locks}}, {{blocks}}, and no `lock_timeout` is set before it{{why}}. If another transaction holds a conflicting lock on {{tables}} (even an idle transaction that only read it), this statement waits for it without limit, and every query on {{tables}} that arrives meanwhile queues behind it: the outage lasts as long as that wait, on top of the time the statement itself takes. Set `{{set}}` before it and retry the migration when it times out.{{statementTimeout}}{{dropped}}',
  statementOnly:
    '{{statement}} takes {{locks}}, {{blocks}}, and no `statement_timeout` is set before it{{why}}: nothing bounds how long it runs (or waits) while it holds or queues for that lock. Set `{{set}}` before it.',
  alsoStatement: ' No `statement_timeout` is set either: nothing bounds how long the statement runs while it holds the lock.',
  dropped:
    ' If the {{drop}} at line {{line}} dropped a trigger on {{tables}} (this file does not show one), that statement took an ACCESS EXCLUSIVE lock on it and is the one that waited: set the timeout before it.',
};

/** `CREATE TRIGGER ... EXECUTE FUNCTION f()` after a `DROP FUNCTION f CASCADE` of the same transaction, which may have dropped a trigger on the same table. */
function earlierCascadeDrop(context: RuleContext<Options>, node: Statement): StatementInfo | undefined {
  if (node.type !== 'CreateTrigger') return undefined;
  const fn = ((node.raw as { CreateTrigStmt?: { funcname?: Array<{ String?: { sval?: string } }> } } | undefined)?.CreateTrigStmt?.funcname ?? []).map((n) => n.String?.sval);
  const name = fn[fn.length - 1];
  if (name === undefined) return undefined;
  const current = context.statement;
  if (current.transactionId === undefined) return undefined;
  for (let i = current.index - 1; i >= 0; i--) {
    const info = context.file.statements[i]!;
    if (info.transactionId !== current.transactionId || info.section !== current.section) break;
    const n = info.node;
    if (n?.type === 'Drop' && n.objectKind === 'function' && n.cascade && n.names.some((f) => f.name === name)) return info;
  }
  return undefined;
}

interface Value {
  on: boolean;
  at: StatementInfo;
  /** Set inside this transaction: a ROLLBACK of it undoes the change. */
  pendingIn?: number;
  /** The value before this change, restored by a ROLLBACK of `pendingIn`. */
  previous?: Value;
}

/** Where one setting stands while the statements of a section are replayed in order. */
class Tracker {
  session?: Value;
  local?: Value & { transactionId: number };
  /** Why an earlier setting does not apply, for the message. */
  note?: string;

  constructor(readonly param: Param) {}

  effective(info: StatementInfo): boolean {
    if (this.local && this.local.transactionId === info.transactionId) return this.local.on;
    return this.session?.on === true;
  }

  /** Why the setting is not in effect at `info`, as " (the SET LOCAL at line 3 ended with its transaction)". */
  why(text: string, info: StatementInfo): string {
    if (this.local && this.local.transactionId !== info.transactionId && this.local.on) {
      return ` (the \`SET LOCAL ${this.param}\` at line ${lineAt(text, this.local.at.range.start)} ended with its transaction)`;
    }
    return this.note ? ` (${this.note})` : '';
  }

  set(text: string, info: StatementInfo, on: boolean, local: boolean, how: string): void {
    const line = lineAt(text, info.range.start);
    if (local) {
      if (info.transactionId === undefined) {
        this.note = `the \`SET LOCAL ${this.param}\` at line ${line} has no effect outside a transaction block`;
        return;
      }
      this.local = { on, at: info, transactionId: info.transactionId };
      if (!on) this.note = `line ${line} turns it off (${how})`;
      return;
    }
    const value: Value = { on, at: info };
    if (info.transactionId !== undefined) {
      value.pendingIn = info.transactionId;
      if (this.session) value.previous = this.session;
    }
    this.session = value;
    // A plain SET after SET LOCAL in the same transaction replaces the local value too.
    if (this.local && this.local.transactionId === info.transactionId) this.local = undefined;
    if (!on) this.note = `line ${line} turns it off (${how})`;
  }

  endTransaction(text: string, info: StatementInfo, rollback: boolean): void {
    const id = info.transactionId;
    if (id === undefined) return;
    while (this.session?.pendingIn === id) {
      if (!rollback) {
        delete this.session.pendingIn;
        delete this.session.previous;
        break;
      }
      const undone = this.session;
      this.session = undone.previous;
      if (undone.on) this.note = `the ROLLBACK at line ${lineAt(text, info.range.start)} undid the \`SET ${this.param}\` at line ${lineAt(text, undone.at.range.start)}`;
    }
  }
}

/** `0`, `'0'`, `'0s'`, `'0ms'`: a timeout of zero turns the limit off. */
function isZero(value: string): boolean {
  return /^\s*0+(\.0*)?\s*(us|ms|s|min|h|d)?\s*$/i.test(value);
}

function literalText(e: FuncCall['args'][number] | undefined): string | undefined {
  if (!e) return undefined;
  if (e.type === 'Literal') return e.value === null ? undefined : String((e as Literal).value);
  if (e.type === 'Cast') return literalText(e.expr);
  return undefined;
}

export default defineRule<Options>({
  meta: {
    id: 'require-lock-timeout',
    description:
      'A migration statement that takes a lock blocking reads or writes of a table already in use, with no `lock_timeout` set before it: while it waits for the lock, every query on the table queues behind it.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/require-lock-timeout/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'migration-safety',
    groupRepeats: 'transaction',
    hasSuggestions: true,
    dialects: ['postgresql'],
    schema: {
      type: 'object',
      properties: {
        requireStatementTimeout: { type: 'boolean', description: 'Also require a `statement_timeout` before the first such statement.' },
        lockTimeout: { type: 'string', pattern: "^[0-9]+(\\.[0-9]+)?\\s*(us|ms|s|min|h|d)?$", description: 'The value the suggestion writes for `lock_timeout`.' },
        statementTimeout: { type: 'string', pattern: "^[0-9]+(\\.[0-9]+)?\\s*(us|ms|s|min|h|d)?$", description: 'The value the suggestion writes for `statement_timeout`.' },
      },
      additionalProperties: false,
    },
    defaultOptions: { requireStatementTimeout: false, lockTimeout: '2s', statementTimeout: '1h' },
    sources: [
      {
        tool: 'squawk',
        rule: 'require-lock-timeout',
        note: 'squawk reports the first "possibly slow" statement by kind (every ALTER/CREATE/DROP except CREATE TABLE without a foreign key, and more) and accepts only an unqualified SET lock_timeout; sqlwarden asks the lock model whether the statement blocks reads or writes of a table in use, and follows SET LOCAL, RESET and transaction scope.',
      },
      { tool: 'squawk', rule: 'require-statement-timeout', note: 'With the option `requireStatementTimeout`.' },
      { tool: 'squawk', rule: 'require-timeout-settings', note: 'squawk’s deprecated alias for the two rules above.' },
      { tool: 'eugene', rule: 'E9', note: 'eugene reports every statement that takes a dangerous lock without a timeout; sqlwarden reports the first one per file.' },
      { tool: 'postgres-language-server', rule: 'lockTimeoutWarning' },
      { tool: 'postgres-language-server', rule: 'requireStatementTimeout', note: 'With the option `requireStatementTimeout`.' },
      { tool: 'strong_migrations', rule: 'lock_timeout', note: 'A setting, not a check: strong_migrations sets lock_timeout (10s) on the connection itself. If your runner does that, turn this rule off.' },
    ],
  },
  create(context: RuleContext<Options>) {
    const text = context.file.text;
    const given: Partial<Options> = context.options;
    const options: Options = { requireStatementTimeout: given.requireStatementTimeout ?? false, lockTimeout: given.lockTimeout ?? '2s', statementTimeout: given.statementTimeout ?? '1h' };
    const sections = new Map<string, { lock: Tracker; statement: Tracker; reported: boolean }>();
    const stateOf = (section: string) => {
      let s = sections.get(section);
      if (!s) {
        s = { lock: new Tracker('lock_timeout'), statement: new Tracker('statement_timeout'), reported: false };
        sections.set(section, s);
      }
      return s;
    };

    function applySet(node: SetStatement, info: StatementInfo, trackers: Tracker[]): void {
      const raw = (node.raw as { VariableSetStmt?: { kind?: string } } | undefined)?.VariableSetStmt;
      const all = raw?.kind === 'VAR_RESET_ALL';
      for (const tracker of trackers) {
        if (!all && node.name.toLowerCase() !== tracker.param) continue;
        if (all) tracker.set(text, info, false, false, 'RESET ALL');
        else if (node.reset) tracker.set(text, info, false, node.local, 'RESET');
        else if (node.value === undefined) tracker.set(text, info, false, node.local, 'SET ... TO DEFAULT');
        else if (isZero(node.value)) tracker.set(text, info, false, node.local, `${node.value} disables it`);
        else tracker.set(text, info, true, node.local, 'SET');
      }
    }

    /** `SELECT set_config('lock_timeout', '2s', false)` anywhere in a statement. */
    function applySetConfig(node: Statement, info: StatementInfo, trackers: Tracker[]): void {
      walk(node, {
        enter(n) {
          if (n.type !== 'FuncCall' || n.name !== 'set_config' || (n.schema && n.schema !== 'pg_catalog')) return;
          const name = literalText(n.args[0])?.toLowerCase();
          const tracker = trackers.find((t) => t.param === name);
          if (!tracker) return;
          const value = literalText(n.args[1]);
          const isLocal = literalText(n.args[2]);
          const local = isLocal === undefined ? false : /^(t|true|on|yes|1)$/i.test(isLocal);
          const on = value === undefined ? n.args[1]?.type !== 'Literal' : value !== '' && !isZero(value);
          tracker.set(text, info, on, local, 'set_config');
        },
      });
    }

    /** `SET LOCAL lock_timeout = '2s';` per setting: LOCAL inside a transaction block, in the statement's letter case. */
    function setStatements(info: StatementInfo, params: Param[]): string[] {
      const lower = /[a-z]/.test(text.slice(info.range.start, info.range.start + 1));
      const keyword = info.transaction !== undefined ? 'SET LOCAL' : 'SET';
      return params.map((p) => `${lower ? keyword.toLowerCase() : keyword} ${p} = '${p === 'lock_timeout' ? options.lockTimeout : options.statementTimeout}';`);
    }

    /** Locks a DROP ... CASCADE takes through the objects it drops; their note says which. */
    const cascaded = new WeakSet<ResolvedLock>();

    function report(info: StatementInfo, locks: ResolvedLock[], missing: Param[], state: { lock: Tracker; statement: Tracker }, dropped?: StatementInfo): void {
      const lineStart = text.lastIndexOf('\n', info.range.start - 1) + 1;
      const indent = text.slice(lineStart, info.range.start);
      const own = /^\s*$/.test(indent);
      const sets = setStatements(info, missing);
      const insert = own ? `${sets.join(`\n${indent}`)}\n${indent}` : `${sets.join(' ')} `;
      // The relations whose queries pile up: the named tables, else the model's descriptions.
      const tablesFirst = locks.filter((l) => l.on !== 'index');
      const named = (tablesFirst.length ? tablesFirst : locks).filter((l) => !isUnresolved(l.relation));
      const names = [...new Set((named.length ? named : tablesFirst.length ? tablesFirst : locks).map((l) => (isUnresolved(l.relation) ? l.relation.name : `\`${displayRelation(l.relation)}\``)))];
      const tables = names.length <= 1 ? (names[0] ?? 'the table') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
      const tablesShort = names.length ? namesShort(names) : 'the table';
      const lockMissing = missing.includes('lock_timeout');
      const via = [...new Set(locks.filter((l) => cascaded.has(l)).map((l) => l.note!))];
      const data = {
        statement: `${quoteStatement(text, info.range)}${via.length ? ` (${via.join(', ')})` : ''}`,
        locks: describeLocks(locks),
        blocks: whatItBlocks(locks, { verb: 'blocking' }),
        tables,
        tablesShort,
        traffic: blockedTraffic(tablesFirst.length ? tablesFirst : locks) === 'reads and writes' ? 'reads and writes on' : 'writes to',
        settings: missing.join(' and '),
        why: lockMissing ? state.lock.why(text, info) : state.statement.why(text, info),
        set: setStatements(info, [lockMissing ? 'lock_timeout' : 'statement_timeout'])[0]!,
        statementTimeout: lockMissing && missing.includes('statement_timeout') ? MESSAGES.alsoStatement : '',
        dropped: dropped && lockMissing ? MESSAGES.dropped.replace('{{drop}}', quoteStatement(text, dropped.range)).replace('{{line}}', String(lineAt(text, dropped.range.start))).replace('{{tables}}', tables) : '',
      };
      context.report({
        range: headRange(text, info.range),
        message: lockMissing ? HEADLINES.lock : HEADLINES.statementOnly,
        detail: lockMissing ? MESSAGES.lock : MESSAGES.statementOnly,
        data,
        suggestions: [{ desc: `Set ${missing.join(' and ')} before this statement`, fix: { range: [info.range.start, info.range.start], text: insert } }],
      });
    }

    return {
      Statement(node: Statement) {
        const info = context.statement;
        const state = stateOf(info.section);
        const trackers = [state.lock, state.statement];
        if (node.type === 'Set') {
          applySet(node, info, trackers);
          return;
        }
        if (node.type === 'Transaction') {
          if (node.kind === 'commit' || node.kind === 'rollback' || node.kind === 'prepare') for (const t of trackers) t.endTransaction(text, info, node.kind === 'rollback');
          return;
        }
        if (node.type === 'OtherStatement' && node.kind === 'DiscardStmt') {
          for (const t of trackers) t.set(text, info, false, false, 'DISCARD');
          return;
        }
        // Walking every query for a call that is spelled out in its text (or hidden in a U& name) costs more than the test.
        if (node.type === 'Select' && /set_config|u&/i.test(info.text)) applySetConfig(node, info, trackers);
        if (!context.file.isMigration || state.reported) return;
        // The settings first: with the timeouts set, the lock model need not be asked at all.
        const missing: Param[] = [];
        if (!state.lock.effective(info)) missing.push('lock_timeout');
        if (options.requireStatementTimeout && !state.statement.effective(info)) missing.push('statement_timeout');
        if (missing.length === 0) return;
        // DROP FUNCTION ... CASCADE locks the tables of the triggers it drops (those this file shows).
        const throughCascade: ResolvedLock[] = cascadeLocks(context, info)
          .filter((c) => !isNewRelation(context, c.relation))
          .map((c) => ({ relation: c.relation, on: 'target', mode: c.mode, note: c.via ?? '' }));
        for (const l of throughCascade) cascaded.add(l);
        const candidates = [...trafficBlockingLocks(context, node, effectsOf(context, node)), ...throughCascade];
        if (!candidates.some((l) => !isConditionalLock(context, node, l))) return;
        // A lock the transaction already holds (as strong) is granted at once: the earlier statement waited for it.
        const held = locksHeldByTransaction(context);
        const locks = candidates.filter((l) => !heldCovering(context, l, held));
        if (!locks.some((l) => !isConditionalLock(context, node, l))) return;
        state.reported = true;
        report(info, locks, missing, state, earlierCascadeDrop(context, node));
      },
    };
  },
});
