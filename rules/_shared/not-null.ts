/**
 * Whether PostgreSQL can skip the full-table scan of SET NOT NULL (and of the implicit SET NOT
 * NULL that `ADD PRIMARY KEY` runs on nullable columns): since PostgreSQL 12 it skips it when a
 * valid CHECK constraint proves the column has no NULLs (ALTER TABLE, "SET/DROP NOT NULL").
 */
import { hasValidatedNotNullCheck, provesNotNull } from '@sqlwarden/core';
import type { AlterTable, CatalogTable, RuleContext, StatementInfo } from '@sqlwarden/core';

export { hasValidatedNotNullCheck, provesNotNull };
import { perFile } from './per-file.ts';

/**
 * Whether making `column` NOT NULL scans the table on `version`: not when it is already NOT NULL
 * (or part of a primary key), nor on 12+ when a validated CHECK proves it. Undefined when the
 * catalog does not know the column.
 */
export function setNotNullScans(table: CatalogTable, column: string, version: number): boolean | undefined {
  const known = table.columns.find((c) => c.name === column);
  if (!known) return undefined;
  if (known.notNull) return false;
  if (table.constraints.some((c) => c.kind === 'primary_key' && c.columns.includes(column))) return false;
  if (version >= 12 && hasValidatedNotNullCheck(table, column)) return false;
  return true;
}

/** PostgreSQL's default foreign key names and the usual conventions (`fk_...`, `..._fk`). */
const FOREIGN_KEY_NAME = /_fkey\d*$|^fk_|_fk$/i;
/** A constraint name that says it is about NULLs: `users_email_nn`, `email_not_null`, `chk_email_notnull`. */
const NOT_NULL_NAME = /(^|_)nn(_|$)|not_?null|non_?null|(^|_)null(_|$)/i;

function tableKey(section: string, name: { schema?: string; name: string }): string {
  return `${section}:${name.schema ?? 'public'}.${name.name}`;
}

const CONSTRAINT_CHANGES: ReadonlySet<string> = new Set(['add_constraint', 'validate_constraint', 'drop_constraint', 'drop_column']);

/** The ALTER TABLE statements that add, validate or drop constraints, by section and table, in file order (built once per lint). */
function constraintChanges(statements: readonly StatementInfo[]): Map<string, StatementInfo[]> {
  const out = new Map<string, StatementInfo[]>();
  for (const info of statements) {
    const node = info.node;
    if (node?.type !== 'AlterTable' || node.objectKind !== 'table' || !node.actions.some((a) => CONSTRAINT_CHANGES.has(a.action))) continue;
    const key = tableKey(info.section, node.table);
    const list = out.get(key);
    if (list) list.push(info);
    else out.set(key, [info]);
  }
  return out;
}

/**
 * Whether this file's statements before statement `before` (same section) leave a validated
 * constraint that proves `column` of `table` NOT NULL, for when the catalog cannot tell (a table
 * whose CREATE TABLE was never seen): `ADD CONSTRAINT c CHECK (col IS NOT NULL)` added valid, or
 * NOT VALID and then `VALIDATE CONSTRAINT c`, and not dropped since (also PostgreSQL 18's
 * `ADD CONSTRAINT c NOT NULL col`). A `VALIDATE CONSTRAINT c` of a constraint neither the file nor
 * the catalog defines (an earlier migration added it to a table the catalog does not know) counts
 * when its name speaks of NULLs or of the column and not of a foreign key: that is the recipe the
 * rules recommend, split over migrations.
 */
export function notNullProvenInFile(context: RuleContext<any>, table: { schema?: string; name: string }, column: string, before: number = context.statement.index): boolean {
  const current = context.file.statements[before] ?? context.statement;
  const changes = perFile(context, constraintChanges, constraintChanges).get(tableKey(current.section, table));
  if (!changes) return false;
  const known = context.resolveTable(table);
  /** Constraint name -> [proves the column NOT NULL, validated]. */
  const added = new Map<string, { proves: boolean; validated: boolean }>();
  /** Validated constraints the file does not define. */
  const validatedElsewhere = new Set<string>();
  let unnamedProof = false;
  for (const info of changes) {
    if (info.index >= before) break;
    for (const action of (info.node as AlterTable).actions) {
      const c = action.constraint;
      if (action.action === 'add_constraint' && c) {
        const proves =
          (c.kind === 'check' && c.expr !== undefined && provesNotNull(c.expr, column, table.name)) || (c.kind === 'not_null' && c.columns.length === 1 && c.columns[0] === column);
        if (c.name) added.set(c.name, { proves, validated: !c.notValid });
        else if (proves && !c.notValid) unnamedProof = true;
      } else if (action.action === 'validate_constraint' && action.constraintName) {
        const entry = added.get(action.constraintName);
        if (entry) entry.validated = true;
        else validatedElsewhere.add(action.constraintName);
      } else if (action.action === 'drop_constraint' && action.constraintName) {
        added.delete(action.constraintName);
        validatedElsewhere.delete(action.constraintName);
      } else if (action.action === 'drop_column' && action.column === column) {
        added.clear();
        validatedElsewhere.clear();
        unnamedProof = false;
      }
    }
  }
  if (unnamedProof || [...added.values()].some((e) => e.proves && e.validated)) return true;
  const col = column.toLowerCase();
  for (const name of validatedElsewhere) {
    // The catalog knows the constraint: it decided already (see hasValidatedNotNullCheck).
    if (known?.constraints.some((c) => c.name === name)) continue;
    if (FOREIGN_KEY_NAME.test(name)) continue;
    if (nameFitsColumn(name, col, table.name.toLowerCase())) return true;
  }
  return false;
}

const NULL_WORDS = /(^|_)(nn|not_?null|non_?null|null|notnull|chk|check|ck|constraint)(?=_|$)/g;

/**
 * Whether a constraint name could be the recipe's check on `col`: it names the column
 * (`users_email_check`, `email_nn`), or it speaks of NULLs and names nothing but the table
 * (`users_not_null`). `bar_not_null` does not fit column `baz`: it names another column.
 */
function nameFitsColumn(name: string, col: string, table: string): boolean {
  const lower = name.toLowerCase();
  if (`_${lower}_`.includes(`_${col}_`)) return true;
  if (!NOT_NULL_NAME.test(lower)) return false;
  let rest = lower.replace(NULL_WORDS, '_');
  if (`_${rest}_`.includes(`_${table}_`)) rest = `_${rest}_`.replace(`_${table}_`, '_');
  return rest.replace(/_+/g, '') === '';
}
