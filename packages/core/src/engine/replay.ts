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

/** How `migrations.order` sorts a run's files: `version` (the default) or plain `path` (code units). */
export type ReplayOrder = 'version' | 'path';

export const REPLAY_ORDERS: readonly ReplayOrder[] = ['version', 'path'];

/** Flyway versioned / undo / baseline scripts: `V1.2__x.sql`, `V1_2__x.sql` (version 1.2), `U3__x.sql`, `B5__x.sql`. */
const FLYWAY_VERSIONED = /^[VUB](\d+(?:[._]\d+)*)__/;
/** Flyway repeatable scripts run after every versioned one. */
const FLYWAY_REPEATABLE = /^R__/;

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A run of decimal digits without its leading zeros (one zero stays): compared by length, then code units. */
function significantDigits(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** Two runs of decimal digits by value (any length: timestamps and long versions do not overflow). */
function compareDigits(x: string, y: string): number {
  return x.length !== y.length ? x.length - y.length : compareCodeUnits(x, y);
}

const CHUNK = /\d+|\D+/g;

/** What compareVersionedNames looks at in a name; digit runs are kept as `significantDigits`. */
interface NameParts {
  /** A Flyway versioned script's version parts. */
  flyway: string[] | undefined;
  repeatable: boolean;
  chunks: string[];
  /** Per chunk: a digit run. */
  digits: boolean[];
}

/**
 * Sorting compares each path with a dozen others, and paths share their folders: each distinct
 * name and path is taken apart once. The maps are emptied when they grow large (a long-lived
 * process sees ever new paths); what they hold is a pure function of the key.
 */
const MEMO_LIMIT = 100_000;
const namePartsMemo = new Map<string, NameParts>();
const pathSegmentsMemo = new Map<string, string[]>();
/** A path -> the up migration it undoes (`upCounterpart`), or null. */
const upCounterpartMemo = new Map<string, string | null>();

function memo<V>(map: Map<string, V>, key: string, make: (key: string) => V): V {
  let value = map.get(key);
  if (value === undefined) {
    if (map.size >= MEMO_LIMIT) map.clear();
    value = make(key);
    map.set(key, value);
  }
  return value;
}

function namePartsOf(name: string): NameParts {
  return memo(namePartsMemo, name, () => {
    const flyway = FLYWAY_VERSIONED.exec(name);
    const chunks = name.match(CHUNK) ?? [];
    const digits = chunks.map((chunk) => /^\d/.test(chunk));
    return {
      flyway: flyway ? flyway[1]!.split(/[._]/).map(significantDigits) : undefined,
      repeatable: FLYWAY_REPEATABLE.test(name),
      chunks: chunks.map((chunk, i) => (digits[i] ? significantDigits(chunk) : chunk)),
      digits,
    };
  });
}

/**
 * One path segment against another the way migration tools order versions: digit runs by value
 * (`2_x.sql` before `10_x.sql`, `v1.2` before `v1.10`, timestamps as numbers), other text by code
 * unit (a shorter prefix first, so `i4.1` comes before `i4.1z`), and Flyway scripts by their
 * version (`V1__` before `V1_1__` before `V2__` before `V10__`; repeatable `R__` after all of
 * them). Segments equal by value (`01` and `1`) fall back to code units, so the order is total.
 */
export function compareVersionedNames(a: string, b: string): number {
  // The common case when sorting paths: the folders above the files are the same.
  if (a === b) return 0;
  const na = namePartsOf(a);
  const nb = namePartsOf(b);
  if (na.flyway && nb.flyway) {
    const va = na.flyway;
    const vb = nb.flyway;
    for (let i = 0; i < Math.min(va.length, vb.length); i++) {
      const c = compareDigits(va[i]!, vb[i]!);
      if (c !== 0) return c;
    }
    if (va.length !== vb.length) return va.length - vb.length;
  } else if ((na.flyway && nb.repeatable) || (nb.flyway && na.repeatable)) {
    return na.flyway ? -1 : 1;
  }
  const ca = na.chunks;
  const cb = nb.chunks;
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i]!;
    const y = cb[i]!;
    const c = na.digits[i] && nb.digits[i] ? compareDigits(x, y) : compareCodeUnits(x, y);
    if (c !== 0) return c;
  }
  if (ca.length !== cb.length) return ca.length - cb.length;
  return compareCodeUnits(a, b);
}

/** Paths folder by folder, each segment with `compareVersionedNames` (a folder's files before a longer path's). */
function compareVersionedPaths(a: string, b: string): number {
  const sa = memo(pathSegmentsMemo, a, (path) => path.split(/[\\/]/));
  const sb = memo(pathSegmentsMemo, b, (path) => path.split(/[\\/]/));
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const c = compareVersionedNames(sa[i]!, sb[i]!);
    if (c !== 0) return c;
  }
  return sa.length !== sb.length ? sa.length - sb.length : compareCodeUnits(a, b);
}

/**
 * The order lintFiles replays files in. `version` (the default): folder by folder, versions by
 * value as migration tools sort them (see `compareVersionedNames`); `path`: plain code-unit path
 * order. Either way a down file comes right after the up file it undoes rather than where its
 * name sorts (`0001_x.down.sql` and diesel's `down.sql` sort before their up file; Flyway's `U1__`
 * before every `V` file). A down file is then linted against the schema its up migration left,
 * which is what it runs against.
 */
export function compareReplayOrder(a: string, b: string, order: ReplayOrder = 'version'): number {
  const ka = memo(upCounterpartMemo, a, (path) => upCounterpart(path) ?? null) ?? undefined;
  const kb = memo(upCounterpartMemo, b, (path) => upCounterpart(path) ?? null) ?? undefined;
  const pa = ka ?? a;
  const pb = kb ?? b;
  if (pa !== pb) return order === 'path' ? compareCodeUnits(pa, pb) : compareVersionedPaths(pa, pb);
  if ((ka === undefined) !== (kb === undefined)) return ka === undefined ? -1 : 1;
  return compareCodeUnits(a, b);
}

/** Folders whose files summarise a schema rather than change it. */
const SNAPSHOT_DIR = /^(snapshots?|baselines?|squashed)$/i;
/** A schema folder (hatchet's `sql/schema/v1-core.sql`) summarises too, unless its files are versioned migrations. */
const SCHEMA_DIR = /^schemas?$/i;
/** Whole-schema files by name: Rails `structure.sql`, `schema.sql` (sqlc, pg_dump), `baseline.sql`... */
const SNAPSHOT_FILE = /^(schema|structure|baseline|snapshot|squashed)\.sql$/i;
/** Flyway baseline migrations (`B5__baseline.sql`) replace every versioned script up to their version. */
const FLYWAY_BASELINE = /^B\d+(?:[._]\d+)*__[^\\/]*\.sql$/;
/** A versioned migration in a snapshot-like folder (`sql/schema/001_users.sql`, goose for sqlc) is a delta. */
const VERSIONED_NAME = /^(\d|[VUR]\d*(?:[._]\d+)*__)/;

/**
 * Whether a file, by the conventions in use, is a full-schema snapshot (`db/structure.sql`,
 * `schema.sql`, a Flyway `B<version>__` baseline, a file of a `snapshot/`, `baseline/` or
 * `squashed/` folder, an unversioned file of a `schema/` folder) rather than a delta migration. The config's
 * `migrations.snapshots` replaces these conventions.
 */
export function isSchemaSnapshotPath(path: string): boolean {
  const parts = path.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? '';
  if (!/\.sql$/i.test(name)) return false;
  if (SNAPSHOT_FILE.test(name) || FLYWAY_BASELINE.test(name)) return true;
  const dir = parts[parts.length - 2];
  if (dir === undefined || isDownMigrationPath(path)) return false;
  return SNAPSHOT_DIR.test(dir) || (SCHEMA_DIR.test(dir) && !VERSIONED_NAME.test(name));
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
