import { defineRule } from '@sqlwarden/core';
import type { AlterTable, AlterTableAction, CatalogTable, QualifiedName, ResolvedLock, RuleContext, Statement, StatementEffect } from '@sqlwarden/core';
import { blockedTraffic, describeLocks, effectsOfAction, lockedRelations } from '../_shared/lock-messages.ts';
import { displayName } from '../_shared/migration.ts';
import { quoteIdent } from '../_shared/query.ts';
import { aLock, blocksReadsOrWrites, effectsAt, firstVersionAfter, isNewRelation, isUnresolved, sameName } from '../_shared/lock-hygiene.ts';
import { boundCheck, boundImplied, boundOf, partitionKeyOf, type Bound, type Verdict } from './bounds.ts';
import { whatItBlocksInTransaction } from '../_shared/transaction-locks.ts';

/** Headlines: what the attach scans and blocks, and the remedy (completed by REMEDIES). */
const HEADLINES = {
  scan: 'ATTACH PARTITION scans {{partition}} while blocking its {{traffic}}; ',
  scanWithParent: 'ATTACH PARTITION scans {{partition}} while blocking {{traffic}} on it and on {{parentName}}; ',
  parentOnly: 'ATTACH PARTITION locks {{parentName}} against {{parentTraffic}} on PostgreSQL {{version}}; set a short lock_timeout and retry',
};

const REMEDIES = {
  recipe: 'prove the bound with a validated CHECK first',
  recipeNotValid: 'validate {{notValidName}} first',
  recipeHash: 'attach it while empty and load rows through {{parentName}}',
};

/** Details: the locks, why the scan happens, and the recipe with the CHECK for the actual bound. */
const MESSAGES = {
  scan:
    'ATTACH PARTITION {{partition}} scans all of {{partition}} to check that every row fits the partition bound ({{why}}), holding {{locks}}: it {{blocks}} for the whole scan{{parent}}.{{default}} {{recipe}}',
  default:
    ' If {{parentName}} has a DEFAULT partition, that one is locked the same way and scanned too, for rows that belong in the new partition (unless its own CHECK constraint excludes them).',
  recipe:
    'Prove the bound first so the attach skips the scan: `ALTER TABLE {{partitionSql}} ADD CONSTRAINT {{constraint}} CHECK ({{check}}) NOT VALID`, then `ALTER TABLE {{partitionSql}} VALIDATE CONSTRAINT {{constraint}}` in a separate transaction (it scans without blocking reads or writes), then ATTACH PARTITION, then drop the constraint.',
  recipeNotValid:
    'The CHECK constraint {{notValid}} would prove the bound but is NOT VALID: run `ALTER TABLE {{partitionSql}} VALIDATE CONSTRAINT {{notValid}}` in a separate transaction first (it scans without blocking reads or writes); the attach then skips the scan.',
  recipeHash:
    'A hash bound cannot be proven by a CHECK constraint: attach the partition while it is empty and load its rows through the partitioned table.',
  parent:
    '; on PostgreSQL {{version}} that includes the partitioned table {{parentName}}, so reads and writes of every partition wait for the whole scan{{later}}',
  later: ' (PostgreSQL {{since}}+ takes {{laterLock}} on it instead)',
  parentOnly:
    'ATTACH PARTITION takes {{locks}} on PostgreSQL {{version}}: it {{blocks}}. A validated CHECK constraint proves the bound, so the lock is held only briefly, but its request on the partitioned table queues behind every running query on any partition, and every query after it waits too. Set a short lock_timeout and retry{{laterAdvice}}.',
  laterAdvice: '; PostgreSQL {{since}}+ takes {{laterLock}} on the partitioned table instead',
};

const SCAN_UNSEEN = "the definition of {{partition}} is not in the migrations sqlwarden has seen, so no validated CHECK constraint is known to prove the bound";

export default defineRule({
  meta: {
    id: 'no-blocking-attach-partition',
    description:
      'ALTER TABLE ... ATTACH PARTITION without a validated CHECK constraint that proves the partition bound: a full scan of the partition while it is locked against reads and writes (before PostgreSQL 12, the whole partitioned table too).',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-blocking-attach-partition/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      {
        tool: 'postgres-language-server',
        rule: 'avoidAttachingPartition',
        note: 'pgls reports every ATTACH PARTITION as taking ACCESS EXCLUSIVE on the parent; that holds only before PostgreSQL 12. sqlwarden reports the partition scan unless a validated CHECK proves the bound, and the parent lock before 12.',
      },
    ],
  },
  create(context: RuleContext) {
    const text = context.file.text;
    const version = context.settings.postgresVersion;

    /** The partition key from the partitioned table's CREATE TABLE, when this file has it. */
    function keyOf(parent: QualifiedName): string[] | undefined {
      for (const info of context.file.statements) {
        if (info.index >= context.statement.index) break;
        const node = info.node;
        if (node?.type === 'CreateTable' && node.partitioned && sameName(node.table, parent)) return partitionKeyOf(node.raw);
      }
      return undefined;
    }

    /** Whether rows went into a table created in this file (INSERT, COPY, CREATE TABLE AS, SELECT INTO). */
    function filledInFile(name: { schema?: string; name: string }): boolean {
      return context.file.statements.some((info) => {
        if (info.index >= context.statement.index || info.section !== context.statement.section) return false;
        const node: Statement | undefined = info.node;
        if (!node) return false;
        if (node.type === 'Insert') return sameName(node.table, name);
        if (node.type === 'CreateTable') return node.asQuery !== undefined && sameName(node.table, name);
        if (node.type === 'Select') return node.into !== undefined && sameName(node.into, name);
        if (node.type === 'OtherStatement' && node.kind === 'CopyStmt') {
          const copy = (node.raw as { CopyStmt?: { relation?: { relname?: string; schemaname?: string }; is_from?: boolean } }).CopyStmt;
          return copy?.is_from === true && copy.relation?.relname !== undefined && sameName({ ...(copy.relation.schemaname ? { schema: copy.relation.schemaname } : {}), name: copy.relation.relname }, name);
        }
        return false;
      });
    }

    function tableSql(name: { schema?: string; name: string }): string {
      return name.schema ? `${quoteIdent(name.schema)}.${quoteIdent(name.name)}` : quoteIdent(name.name);
    }

    /** The headline's remedy, matching `recipe`. */
    function recipeHeadline(bound: Bound | undefined, verdict: Verdict & { notValid?: string }): string {
      if (bound?.strategy === 'hash') return REMEDIES.recipeHash;
      if (verdict.result === 'scan' && verdict.notValid) return REMEDIES.recipeNotValid;
      return REMEDIES.recipe;
    }

    function recipe(partition: QualifiedName, bound: Bound | undefined, key: string[] | undefined, verdict: Verdict & { notValid?: string; guessedKey?: string }): string {
      const partitionSql = tableSql(partition);
      if (bound?.strategy === 'hash') return MESSAGES.recipeHash;
      if (verdict.result === 'scan' && verdict.notValid) return MESSAGES.recipeNotValid.replace(/\{\{partitionSql\}\}/g, partitionSql).replace(/\{\{notValid\}\}/g, quoteIdent(verdict.notValid));
      const keyName = key?.length === 1 ? key[0] : verdict.guessedKey;
      const check = (bound && boundCheck(bound, keyName !== undefined ? quoteIdent(keyName) : undefined)) ?? '<the partition bound, with the key IS NOT NULL>';
      return MESSAGES.recipe
        .replace(/\{\{partitionSql\}\}/g, partitionSql)
        .replace(/\{\{constraint\}\}/g, quoteIdent(`${partition.name}_bound`))
        .replace('{{check}}', check);
    }

    function attach(stmt: AlterTable, action: AlterTableAction): void {
      const partition = action.partition;
      if (!partition) return;
      const parentNew = isNewRelation(context, stmt.table);
      const partitionEmpty = isNewRelation(context, partition) && !filledInFile(partition);
      const locks = lockedRelations(effectsOfAction(context, stmt, action));
      const parentLock = locks.find((l) => l.on === 'target');
      const parentBlocks = parentLock !== undefined && !parentNew && blocksReadsOrWrites(parentLock.mode);
      // The version from which the lock model says the parent's lock lets reads and writes through.
      const parentLockOf = (effects: StatementEffect[]): ResolvedLock | undefined => lockedRelations(effects.filter((e) => e.action === action)).find((l) => l.on === 'target');
      const since = parentBlocks ? firstVersionAfter(context, stmt, (effects) => { const l = parentLockOf(effects); return l !== undefined && !blocksReadsOrWrites(l.mode); }) : undefined;
      const laterLock = since !== undefined ? parentLockOf(effectsAt(context, stmt, since)) : undefined;
      const later = since !== undefined && laterLock ? { since, laterLock: aLock(laterLock.mode) } : undefined;
      const bound = boundOf(action.raw);
      const key = keyOf(stmt.table);
      const table: CatalogTable | undefined = context.resolveTable(partition);
      const verdict: Verdict & { notValid?: string; guessedKey?: string } = partitionEmpty
        ? { result: 'implied' }
        : table
          ? bound
            ? boundImplied(table, bound, key)
            : { result: 'unknown' }
          : { result: 'scan', reason: SCAN_UNSEEN.replace('{{partition}}', `\`${displayName(partition)}\``) };
      // The locks on relations in use: a new parent or partition blocks nobody. The DEFAULT
      // partition, which the catalog cannot name, gets a sentence of its own.
      const defaultPartition = locks.some((l) => l.on === 'default_partition' && isUnresolved(l.relation));
      const shown = locks.filter((l) => !(l.on === 'target' && parentNew) && !(l.on === 'partition' && partitionEmpty) && !(l.on === 'default_partition' && isUnresolved(l.relation)));
      const partitionLock = shown.find((l) => l.on === 'partition');
      const data = {
        partition: `\`${displayName(partition)}\``,
        parentName: `\`${displayName(stmt.table)}\``,
        traffic: blockedTraffic(partitionLock ? [partitionLock] : shown) ?? 'writes',
        parentTraffic: (parentLock && blockedTraffic([parentLock])) ?? 'writes',
        locks: describeLocks(shown),
        blocks: whatItBlocksInTransaction(context, shown),
        version,
      };
      if (verdict.result === 'scan') {
        const message = MESSAGES.scan
          .replace('{{parent}}', parentBlocks ? MESSAGES.parent.replace('{{later}}', later ? MESSAGES.later : '') : '')
          .replace('{{default}}', defaultPartition && !parentNew ? MESSAGES.default : '');
        context.report({
          range: action.range,
          message: (parentBlocks ? HEADLINES.scanWithParent : HEADLINES.scan) + recipeHeadline(bound, verdict),
          detail: message,
          data: {
            ...data,
            ...(verdict.result === 'scan' && verdict.notValid ? { notValidName: `\`${verdict.notValid}\`` } : {}),
            why: verdict.reason,
            recipe: recipe(partition, bound, key, verdict),
            ...(later ? { since: later.since, laterLock: later.laterLock } : {}),
          },
        });
        return;
      }
      if (parentBlocks) {
        context.report({
          range: action.range,
          message: HEADLINES.parentOnly,
          detail: MESSAGES.parentOnly.replace('{{laterAdvice}}', later ? MESSAGES.laterAdvice : ''),
          data: { ...data, ...(later ? { since: later.since, laterLock: later.laterLock } : {}) },
        });
      }
    }

    return {
      AlterTable(stmt: AlterTable) {
        if (!context.file.isMigration || stmt.objectKind !== 'table') return;
        for (const action of stmt.actions) if (action.action === 'attach_partition') attach(stmt, action);
      },
    };
  },
});
