import { LOCK_OPERATIONS, type LockOperation, type Verification } from '../../../src/index.ts';

export interface VerifyCase {
  op: LockOperation;
  v: Verification;
  /** `create_index #1: CREATE INDEX t_n ON t (n)` */
  title: string;
}

/** Every verify case of the lock table, in table order. */
export function verifyCases(): VerifyCase[] {
  return LOCK_OPERATIONS.flatMap((op) => (op.verify ?? []).map((v, i) => ({ op, v, title: `${op.id} #${i + 1}: ${v.statement}` })));
}

/** Why a case does not run on a server of this version, if it does not. */
export function versionSkip(v: Verification, version: number): string | undefined {
  if (v.minVersion !== undefined && version < v.minVersion) return `needs PostgreSQL ${v.minVersion}+`;
  if (v.untilVersion !== undefined && version >= v.untilVersion) return `only before PostgreSQL ${v.untilVersion}`;
  return undefined;
}

/** Tallies printed at the end of each suite and copied into VERIFICATION.md. */
export class Tally {
  checked = 0;
  concurrent = 0;
  refusedInTransaction = 0;
  skipped: string[] = [];
  constructor(readonly engine: string) {}
  print(version: number | undefined): void {
    console.log(
      `[lock model] ${this.engine}${version ? ` (PostgreSQL ${version})` : ''}: ${this.checked} statements compared in a transaction, ` +
        `${this.concurrent} observed from a second session, ${this.refusedInTransaction} confirmed to refuse a transaction block, ${this.skipped.length} skipped` +
        (this.skipped.length ? `:\n  ${this.skipped.join('\n  ')}` : ''),
    );
  }
}
