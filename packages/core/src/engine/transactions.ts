import type { StatementInfo, TransactionKind } from '../rule.ts';
import type { MigrationTransactionMode } from '../types.ts';

/** How the migration tool runs the parts of a file (see `migration-tools/detect.ts`). */
export interface TransactionLayout {
  /** Mode of the statements outside every unit. */
  mode: MigrationTransactionMode;
  /** Parts the tool runs separately, each with its own mode: dbmate up/down blocks, Liquibase changesets. */
  units?: ReadonlyArray<{ start: number; end: number; mode: MigrationTransactionMode }>;
  /** Statements (by index) the tool takes out of the unit and runs on their own. */
  standalone?: ReadonlySet<number>;
}

/**
 * Decides, for each statement, whether it runs inside a transaction block and why:
 * an explicit BEGIN...COMMIT, the migration tool wrapping the file, or a multi-statement file
 * sent as one query string (PostgreSQL runs that as one implicit transaction). Statements that
 * share a transaction get the same `transactionId`.
 */
export function assignTransactions(statements: StatementInfo[], layout: MigrationTransactionMode | TransactionLayout): void {
  const plan: TransactionLayout = typeof layout === 'string' ? { mode: layout } : layout;
  const units = plan.units ?? [];
  const standalone = plan.standalone ?? new Set<number>();

  // Up and down sections never run together; units (changesets, blocks) run one after another.
  const groups = new Map<string, { mode: MigrationTransactionMode; statements: StatementInfo[] }>();
  for (const stmt of statements) {
    const unit = units.length === 0 ? -1 : units.findIndex((u) => stmt.range.start >= u.start && stmt.range.start < u.end);
    const key = unit < 0 ? stmt.section : `${stmt.section}:${unit}`; // no string built per statement of a file without units
    let group = groups.get(key);
    if (!group) {
      group = { mode: unit >= 0 ? units[unit]!.mode : plan.mode, statements: [] };
      groups.set(key, group);
    }
    group.statements.push(stmt);
  }

  let nextId = 1;
  for (const { mode, statements: inGroup } of groups.values()) {
    const batched = inGroup.filter((s) => !standalone.has(s.index));
    const implicitApplies = mode === 'implicit' && batched.length > 1;
    const wrapperId = mode === 'wrapped' ? nextId++ : undefined;
    let implicitId = implicitApplies ? nextId++ : undefined;
    let explicitId: number | undefined;
    let explicitDepth = 0;
    // A COMMIT or ROLLBACK of the file's own ends the tool's transaction: what follows runs in
    // autocommit until the file opens a transaction again, which the tool's COMMIT then ends
    // (the COMMIT; CREATE INDEX CONCURRENTLY ...; BEGIN; idiom).
    let wrapperOpen = mode === 'wrapped';
    for (const stmt of inGroup) {
      const node = stmt.node;
      const isBegin = node?.type === 'Transaction' && node.kind === 'begin';
      // PREPARE TRANSACTION ends the session's transaction too (it is committed later, elsewhere).
      const isEnd = node?.type === 'Transaction' && (node.kind === 'commit' || node.kind === 'rollback' || node.kind === 'prepare');
      const alone = standalone.has(stmt.index);
      let kind: TransactionKind | undefined;
      let id: number | undefined;
      if (explicitDepth > 0 || isEnd) {
        kind = 'explicit';
        // A COMMIT with no BEGIN ends the tool's or the query string's transaction.
        id = explicitDepth > 0 ? explicitId : (implicitApplies ? implicitId : wrapperId);
      } else if (alone) {
        kind = undefined;
      } else if (mode === 'wrapped' && wrapperOpen) {
        kind = 'wrapped';
        id = wrapperId;
      } else if (implicitApplies && !isBegin) {
        kind = 'implicit';
        id = implicitId;
      }
      if (mode === 'wrapped' && !alone) stmt.toolWrapped = true;
      else delete stmt.toolWrapped;
      if (kind) stmt.transaction = kind;
      else delete stmt.transaction;
      if (kind && id !== undefined) stmt.transactionId = id;
      else delete stmt.transactionId;
      if (isBegin) {
        // Inside the tool's transaction BEGIN only warns; in a multi-statement string it turns the
        // implicit transaction into an explicit one: either way it is the same transaction.
        if (explicitDepth === 0) explicitId = (wrapperOpen ? wrapperId : undefined) ?? implicitId ?? nextId++;
        explicitDepth++;
      }
      if (isEnd) {
        if (explicitDepth > 0) explicitDepth--;
        // Inside the tool's transaction a BEGIN only warns, so its COMMIT ends the tool's too.
        if (explicitDepth === 0) wrapperOpen = false;
        // After COMMIT the rest of a multi-statement string runs in a new implicit transaction.
        if (explicitDepth === 0 && implicitApplies) implicitId = nextId++;
      }
    }
  }
}
