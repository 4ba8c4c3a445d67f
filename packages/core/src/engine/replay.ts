/**
 * What a file contributes to the run's schema catalog: the order files are replayed in, which
 * files and sections are rollbacks (linted, never replayed), and which relations a file creates.
 */
import type { CatalogReader, UnparsedCreate } from '../catalog/types.ts';
import type { Statement } from '../model/nodes.ts';
import type { StatementInfo } from '../rule.ts';

const DOWN_FILE = /(^|[\\/._-])(down)(\.sql)$/i;
/** Flyway undo migrations (`U2__add_x.sql` undoes `V2__add_x.sql`). */
const FLYWAY_UNDO = /(^|[\\/])U(\d+(?:[._]\d+)*__[^\\/]*\.sql)$/;

/**
 * Rollback files: golang-migrate / sqlx `0001_x.down.sql`, diesel / refinery `<dir>/down.sql`,
 * `x_down.sql`, and Flyway undo `U1__x.sql`. Linted, but not replayed into the catalog. (goose
 * and dbmate keep the rollback in the same file: those are the `down` sections of StatementInfo.)
 */
export function isDownMigrationPath(path: string): boolean {
  return DOWN_FILE.test(path) || FLYWAY_UNDO.test(path);
}

/** The path of the up migration a down file undoes, by name (whether or not it exists). */
function upCounterpart(path: string): string | undefined {
  const down = DOWN_FILE.exec(path);
  if (down) {
    const word = down[2]!;
    const up = word === 'DOWN' ? 'UP' : word[0] === 'D' ? 'Up' : 'up';
    return path.slice(0, down.index + down[1]!.length) + up + down[3]!;
  }
  const undo = FLYWAY_UNDO.exec(path);
  if (undo) return `${path.slice(0, undo.index + undo[1]!.length)}V${undo[2]!}`;
  return undefined;
}

/**
 * The order lintFiles replays files in: path order (code units), except that a down file comes
 * right after the up file it undoes rather than where its name sorts (`0001_x.down.sql` and
 * diesel's `down.sql` sort before their up file; Flyway's `U1__` before every `V` file). A down
 * file is then linted against the schema its up migration left, which is what it runs against.
 */
export function compareReplayOrder(a: string, b: string): number {
  const ka = upCounterpart(a);
  const kb = upCounterpart(b);
  const pa = ka ?? a;
  const pb = kb ?? b;
  if (pa !== pb) return pa < pb ? -1 : 1;
  if ((ka === undefined) !== (kb === undefined)) return ka === undefined ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function tableKey(name: { schema?: string; name: string }): string {
  return `${name.schema ?? 'public'}.${name.name}`;
}

/**
 * Relations created by earlier statements of the same file and section, i.e. still new and
 * empty: CREATE TABLE (also AS SELECT), CREATE MATERIALIZED VIEW and SELECT ... INTO. An
 * `IF NOT EXISTS` that finds the relation already in the catalog creates nothing. Renames carry
 * the mark along; drops remove it.
 */
export class CreatedRelations {
  private readonly bySection = { up: new Set<string>(), down: new Set<string>() };

  has(section: StatementInfo['section'], name: { schema?: string; name: string }): boolean {
    return this.bySection[section].has(tableKey(name));
  }

  /** A CREATE that did not parse (see UnparsedCreate); the catalog is as it was before it. */
  recordUnparsed(section: StatementInfo['section'], create: UnparsedCreate, before: CatalogReader): void {
    if (create.kind !== 'table' && create.kind !== 'materialized_view') return;
    const k = tableKey(create.name);
    const created = this.bySection[section];
    if (create.ifNotExists && !created.has(k) && before.getTable({ schema: create.name.schema ?? 'public', name: create.name.name })) return;
    created.add(k);
  }

  /** Call with the catalog as it was before `stmt` (it is consulted for IF NOT EXISTS). */
  record(section: StatementInfo['section'], stmt: Statement, before: CatalogReader): void {
    const created = this.bySection[section];
    const create = (name: { schema?: string; name: string }, ifNotExists: boolean): void => {
      const k = tableKey(name);
      if (ifNotExists && !created.has(k) && before.getTable({ schema: name.schema ?? 'public', name: name.name })) return;
      created.add(k);
    };
    switch (stmt.type) {
      case 'CreateTable':
        create(stmt.table, stmt.ifNotExists);
        return;
      case 'CreateView':
        if (stmt.materialized) {
          const ifNotExists = (stmt.raw as { CreateTableAsStmt?: { if_not_exists?: boolean } } | undefined)?.CreateTableAsStmt?.if_not_exists === true;
          create(stmt.name, ifNotExists);
        }
        return;
      case 'Select':
        if (stmt.into) create(stmt.into, false);
        return;
      case 'Drop':
        if (stmt.objectKind === 'table' || stmt.objectKind === 'materialized_view') {
          for (const name of stmt.names) created.delete(tableKey(name));
        }
        return;
      case 'AlterTable': {
        if (stmt.objectKind !== 'table' && stmt.objectKind !== 'materialized_view') return;
        let current = tableKey(stmt.table);
        let schema = stmt.table.schema ?? 'public';
        let name = stmt.table.name;
        for (const action of stmt.actions) {
          if ((action.action !== 'rename_table' && action.action !== 'set_schema') || !action.newName) continue;
          if (action.action === 'rename_table') name = action.newName;
          else schema = action.newName;
          const next = `${schema}.${name}`;
          if (created.delete(current)) created.add(next);
          current = next;
        }
        return;
      }
    }
  }
}
