import { defineRule, displayRelation, lockModeSql } from '@sqlwarden/core';
import type { LockedRelation, ResolvedLock, RuleContext, Statement, StatementInfo } from '@sqlwarden/core';
import { tableKey } from '../_shared/transactions.ts';
import { effectsOf, headRange, transactionReason, isUnresolved, lineAt, lockOnNewRelation, namesShort, quoteStatement, slowWorkOf } from '../_shared/lock-hygiene.ts';

/** Headlines: the slow work, the table it keeps unreadable, and where to end the transaction. */
const HEADLINE = 'This statement {{workShort}} while {{tablesShort}} {{stay}} unreadable; commit after line {{line}}';
const HEADLINE_BACKFILL = 'This statement {{workShort}} while {{tablesShort}} {{stay}} unreadable; commit after line {{line}} and backfill in batches';

/** The explanation: which locks, taken where, what waits, how much more slow work follows. */
const MESSAGE =
  '{{statement}} {{work}} while this transaction still holds {{held}}{{more}}: reads and writes on {{tables}} wait until the transaction ends, so they wait for all of this work, not just for the moment the earlier statement needed. Locks are released only at COMMIT ({{reason}}): end the transaction after line {{line}} (run this statement in a transaction or migration of its own){{backfill}}.';

const BACKFILL = ', and backfill in batches outside the DDL transaction';

interface Hold {
  info: StatementInfo;
  relation: LockedRelation;
  key: string;
  /** The report made at the first slow statement under this lock; later ones only add to its count. */
  report?: Finding;
}

interface Finding {
  info: StatementInfo;
  /** The slow work is a backfill (UPDATE, DELETE, INSERT ... SELECT): the remedy says to batch it. */
  backfill: boolean;
  data: Record<string, string>;
  /** How many locks the report names ("while it is held" / "while they are held"). */
  locks: number;
  /** The relations of those locks. */
  keys: Set<string>;
  transaction: Transaction;
  /** Later slow statements under at least one of the locks: `transaction.slow` from here, less `notUnder`. */
  slowFrom: number;
  /** Positions in `transaction.slow` of later slow statements that take ACCESS EXCLUSIVE on all of its relations themselves. */
  notUnder: Set<number>;
}

/**
 * What one transaction holds. Kept so that each statement costs time in what it locks, not in
 * what the transaction holds already: a schema dump run as one transaction holds thousands of
 * locks, and comparing each statement with all of them (and counting it into every earlier
 * report) made the rule quadratic in time and memory.
 */
interface Transaction {
  /** One hold per relation, in the order the locks were taken. */
  held: Hold[];
  holdByKey: Map<string, Hold>;
  /** Holds no report names yet. */
  unreported: Hold[];
  /** The report naming each relation's lock. */
  findingByKey: Map<string, Finding>;
  /** The slow statements that ran under some lock held, in order. */
  slow: StatementInfo[];
}

export default defineRule({
  meta: {
    id: 'no-slow-work-under-access-exclusive',
    description:
      'Slow work (a rewrite, a scan, an index build, a backfill) run in the same transaction after a statement took an ACCESS EXCLUSIVE lock on a table in use: the table stays unreadable until the slow work and the transaction finish.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-slow-work-under-access-exclusive/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    groupRepeats: 'transaction',
    dialects: ['postgresql'],
    sources: [
      {
        tool: 'eugene',
        rule: 'E4',
        note: 'eugene reports any statement after ACCESS EXCLUSIVE; sqlwarden reports the ones that do slow work according to the lock model (rewrites, scans, index builds, VALIDATE, backfills), which is where the outage grows with the table.',
      },
      { tool: 'postgres-language-server', rule: 'runningStatementWhileHoldingAccessExclusive', note: 'Same difference as with eugene E4.' },
      { tool: 'strong_migrations', rule: 'backfilling data', note: 'Advice in the README ("backfill outside the DDL transaction"), not a check.' },
    ],
  },
  create(context: RuleContext) {
    const text = context.file.text;
    const transactions = new Map<string, Transaction>();
    // One report per ACCESS EXCLUSIVE acquisition, at the first slow statement it extends over:
    // a long single-transaction migration would otherwise repeat the same finding per statement.
    // Acquisitions first extended by the same statement share its report. Reported at the end of
    // the file, once the count of later slow statements under the lock is known.
    const findings: Finding[] = [];

    return {
      Statement(node: Statement) {
        const info = context.statement;
        if (!context.file.isMigration || info.transactionId === undefined || !info.transaction) return;
        if (node.type === 'Transaction' || node.type === 'Set') return;
        const txKey = `${info.section}:${info.transactionId}`;
        let tx = transactions.get(txKey);
        if (!tx) transactions.set(txKey, (tx = { held: [], holdByKey: new Map(), unreported: [], findingByKey: new Map(), slow: [] }));
        const effects = effectsOf(context, node);
        // Loops rather than flatMap/filter: this runs for every statement of a long migration on each keystroke.
        const exclusive: ResolvedLock[] = [];
        for (let i = 0; i < effects.length; i++) {
          const locks = effects[i]!.locks;
          for (let j = 0; j < locks.length; j++) {
            const l = locks[j]!;
            if (l.mode === 'AccessExclusive' && l.on !== 'index' && !isUnresolved(l.relation) && !lockOnNewRelation(context, node, l)) exclusive.push(l);
          }
        }

        if (tx.held.length > 0) {
          const work = slowWorkOf(context, node, effects);
          if (work) {
            // A statement that itself takes ACCESS EXCLUSIVE on the table would block it for its
            // whole work anyway: the earlier lock adds nothing there (other rules judge the work).
            // VALIDATE CONSTRAINT under a lock held on its own table is require-not-valid-constraint's report.
            const validates = node.type === 'AlterTable' && effects.every((e) => e.rewrite === 'none' && (e.scan === 'none' || e.action?.action === 'validate_constraint'));
            const own = new Set(exclusive.map((l) => tableKey(l.relation)));
            if (validates && node.type === 'AlterTable') own.add(tableKey(node.table));
            let ownHeld = 0;
            for (const key of own) if (tx.holdByKey.has(key)) ownHeld++;
            if (tx.held.length > ownHeld) {
              const position = tx.slow.length;
              tx.slow.push(info);
              // Earlier reports whose locks this statement all takes itself are not extended by it.
              for (const key of own) {
                const finding = tx.findingByKey.get(key);
                if (finding && !finding.notUnder.has(position) && [...finding.keys].every((k) => own.has(k))) finding.notUnder.add(position);
              }
              const fresh = tx.unreported.filter((h) => !own.has(h.key));
              if (fresh.length > 0) {
                tx.unreported = tx.unreported.filter((h) => own.has(h.key));
                const byStatement = new Map<StatementInfo, LockedRelation[]>();
                for (const h of fresh) byStatement.set(h.info, [...(byStatement.get(h.info) ?? []), h.relation]);
                // Nearest first; a long migration can hold dozens: name three and count the rest.
                const groups = [...byStatement.entries()].reverse();
                const more = groups.slice(3).reduce((n, [, rels]) => n + rels.length, 0);
                const parts = groups.slice(0, 3).map(([earlier, rels]) => {
                  const names = rels.map((r) => `\`${displayRelation(r)}\``).join(' and ');
                  return `the ${lockModeSql('AccessExclusive')} lock${rels.length > 1 ? 's' : ''} on ${names} that ${quoteStatement(text, earlier.range)} took at line ${lineAt(text, earlier.range.start)}`;
                });
                if (more > 0) parts.push(`the ${lockModeSql('AccessExclusive')} locks on ${more} more relation${more > 1 ? 's' : ''} taken earlier in the transaction`);
                const shownTables = groups.slice(0, 3).flatMap(([, rels]) => rels.map((r) => `\`${displayRelation(r)}\``));
                const tables = [...new Set(shownTables), ...(more > 0 ? [`the ${more} other${more > 1 ? 's' : ''}`] : [])];
                // Nearest first, as the detail names them.
                const held = [...new Set(fresh.map((h) => `\`${displayRelation(h.relation)}\``).reverse())];
                // Ending the transaction must release every lock this statement runs under, reported
                // here or earlier: the latest one it does not take itself.
                let lastHeld = tx.held.length - 1;
                while (own.has(tx.held[lastHeld]!.key)) lastHeld--;
                const last = tx.held[lastHeld]!.info;
                const finding: Finding = {
                  info,
                  locks: fresh.length,
                  keys: new Set(fresh.map((h) => h.key)),
                  transaction: tx,
                  slowFrom: position + 1,
                  notUnder: new Set(),
                  backfill: node.type === 'Update' || node.type === 'Delete' || node.type === 'Insert',
                  data: {
                    statement: quoteStatement(text, info.range),
                    work: work.what,
                    workShort: work.short,
                    tablesShort: namesShort(held),
                    stay: held.length > 1 ? 'stay' : 'stays',
                    held: parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0]!,
                    tables: tables.length > 1 ? `${tables.slice(0, -1).join(', ')} and ${tables[tables.length - 1]}` : tables[0]!,
                    reason: transactionReason(context, info.transaction),
                    line: String(lineAt(text, last.range.start)),
                    backfill: node.type === 'Update' || node.type === 'Delete' || node.type === 'Insert' ? BACKFILL : '',
                  },
                };
                for (const h of fresh) {
                  h.report = finding;
                  tx.findingByKey.set(h.key, finding);
                }
                findings.push(finding);
              }
            }
          }
        }
        for (const lock of exclusive) {
          const key = tableKey(lock.relation);
          if (tx.holdByKey.has(key)) continue;
          const hold: Hold = { info, relation: lock.relation, key };
          tx.held.push(hold);
          tx.holdByKey.set(key, hold);
          tx.unreported.push(hold);
        }
      },
      'File:exit'() {
        for (const finding of findings) {
          context.report({
            range: headRange(text, finding.info.range),
            message: finding.backfill ? HEADLINE_BACKFILL : HEADLINE,
            detail: MESSAGE,
            data: { ...finding.data, more: furtherWork(text, finding) },
          });
        }
      },
    };
  },
});

/** `, and 41 more statements in this transaction do slow work while it is held (lines 12–410)`. */
function furtherWork(text: string, finding: Finding): string {
  const { slow } = finding.transaction;
  const under = (position: number): boolean => !finding.notUnder.has(position);
  const n = slow.length - finding.slowFrom - finding.notUnder.size;
  if (n <= 0) return '';
  let firstAt = finding.slowFrom;
  while (!under(firstAt)) firstAt++;
  let lastAt = slow.length - 1;
  while (!under(lastAt)) lastAt--;
  const first = lineAt(text, slow[firstAt]!.range.start);
  const lastLine = lineAt(text, slow[lastAt]!.range.start);
  const where = first === lastLine ? `line ${first}` : `lines ${first}–${lastLine}`;
  const statements = n === 1 ? '1 more statement in this transaction does' : `${n} more statements in this transaction do`;
  return `, and ${statements} slow work while ${finding.locks > 1 ? 'they are' : 'it is'} held (${where})`;
}
