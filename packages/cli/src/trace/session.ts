/**
 * One database connection as the replay sees it. Two implementations: PGlite (embedded, one
 * connection) and node-postgres against `--database-url` (which can open a second connection to
 * watch the first).
 */

export interface ServerNotice {
  severity: string;
  message: string;
  code?: string;
}

/** What PostgreSQL said when it rejected a statement (the ErrorResponse fields that matter). */
export interface ServerError {
  message: string;
  code?: string;
  severity?: string;
  /** 1-based character (code point) index into the statement text. */
  position?: number;
  detail?: string;
  hint?: string;
  /** Context: the function or statement inside which the error happened. */
  where?: string;
  /** Set for an error inside a function body: the query there and the position in it. */
  internalQuery?: string;
  internalPosition?: number;
}

export class StatementFailed extends Error {
  constructor(readonly error: ServerError) {
    super(error.message);
  }
}

export interface RelationLock {
  /** The relation's OID: stable across renames and drops within the trace. */
  oid: number;
  /** `relation::regclass` as the server prints it (schema-qualified when not on the search_path). */
  relation: string;
  /** As pg_locks spells it, e.g. `AccessExclusiveLock`. */
  mode: string;
  granted: boolean;
}

export interface SqlSession {
  readonly kind: 'pglite' | 'postgres';
  /** One line for the report header, e.g. `PGlite 0.5.17 (PostgreSQL 18.7, in memory)`. */
  readonly description: string;
  /** Major version, e.g. 18 or 9.6. */
  readonly serverVersion: number;
  /** Runs one statement as a simple query; throws StatementFailed when the server rejects it. */
  run(sql: string): Promise<{ notices: ServerNotice[] }>;
  /**
   * Runs a `COPY ... FROM stdin` statement with `data` (the rows psql would send after it);
   * absent when the target cannot take COPY data, and then such statements are skipped.
   */
  copyFromStdin?(sql: string, data: string): Promise<{ notices: ServerNotice[] }>;
  /** The relation locks this session holds right now (in its current transaction). */
  ownLocks(): Promise<RelationLock[]>;
  /** Every user relation's OID and name, so locks on a relation that a statement drops keep a name. */
  relationNames(): Promise<Array<{ oid: number; relation: string }>>;
  /**
   * A second connection that samples this session's locks while a statement runs outside a
   * transaction block. Undefined when the target has a single connection (PGlite).
   */
  observer?(): Promise<LockObserver>;
  close(): Promise<void>;
}

export interface LockObserver {
  /** Samples `pid`'s relation locks until `done` settles; returns every distinct lock seen. */
  sampleWhile(done: Promise<unknown>): Promise<{ locks: RelationLock[]; samples: number }>;
  close(): Promise<void>;
}

/**
 * Relation locks held by one backend. OIDs below 16384 (FirstNormalObjectId) are the system
 * catalogs and views (pg_class, pg_locks itself...), which the observation query locks too.
 */
export const OWN_LOCKS_SQL = `SELECT l.relation::oid::int8 AS oid, l.relation::regclass::text AS relation, l.mode, l.granted
FROM pg_catalog.pg_locks l
WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.relation::oid::int8 >= 16384
ORDER BY l.relation::oid::int8, l.mode`;

export const PID_LOCKS_SQL = `SELECT l.relation::oid::int8 AS oid, l.relation::regclass::text AS relation, l.mode, l.granted
FROM pg_catalog.pg_locks l
WHERE l.pid = $1 AND l.locktype = 'relation' AND l.relation::oid::int8 >= 16384`;

export const RELATION_NAMES_SQL = `SELECT c.oid::int8 AS oid, c.oid::regclass::text AS relation FROM pg_catalog.pg_class c WHERE c.oid::int8 >= 16384`;

export function toRelationNames(rows: Array<Record<string, unknown>>): Array<{ oid: number; relation: string }> {
  return rows.map((row) => ({ oid: Number(row.oid), relation: String(row.relation) }));
}

export function toRelationLocks(rows: Array<Record<string, unknown>>): RelationLock[] {
  return rows.map((row) => ({
    oid: Number(row.oid),
    relation: String(row.relation),
    mode: String(row.mode),
    granted: row.granted === true || row.granted === 't',
  }));
}

/** PGlite's and node-postgres's DatabaseError share pg-protocol's field names. */
export function toServerError(error: unknown): ServerError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as Record<string, unknown>;
  if (typeof e.message !== 'string' || (typeof e.code !== 'string' && typeof e.severity !== 'string')) return undefined;
  const out: ServerError = { message: e.message };
  if (typeof e.code === 'string') out.code = e.code;
  if (typeof e.severity === 'string') out.severity = e.severity;
  const position = Number(e.position);
  if (e.position !== undefined && Number.isInteger(position) && position > 0) out.position = position;
  if (typeof e.detail === 'string' && e.detail) out.detail = e.detail;
  if (typeof e.hint === 'string' && e.hint) out.hint = e.hint;
  if (typeof e.where === 'string' && e.where) out.where = e.where;
  if (typeof e.internalQuery === 'string' && e.internalQuery) out.internalQuery = e.internalQuery;
  const internal = Number(e.internalPosition);
  if (e.internalPosition !== undefined && Number.isInteger(internal) && internal > 0) out.internalPosition = internal;
  return out;
}

export function toNotice(notice: unknown): ServerNotice {
  const n = (notice ?? {}) as Record<string, unknown>;
  const out: ServerNotice = { severity: typeof n.severity === 'string' ? n.severity : 'NOTICE', message: String(n.message ?? '') };
  if (typeof n.code === 'string') out.code = n.code;
  return out;
}

/** `PostgreSQL 18.7 (PGlite ...) on ...` / `PostgreSQL 15.4 (Debian ...)` -> 18 / 15; 9.6.24 -> 9.6. */
export function parseServerVersion(versionText: string): number {
  const m = /PostgreSQL (\d+)(?:\.(\d+))?/.exec(versionText);
  if (!m) return NaN;
  const major = Number(m[1]);
  return major < 10 && m[2] !== undefined ? Number(`${major}.${m[2]}`) : major;
}
