import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Extension, PGlite } from '@electric-sql/pglite';
import { importModule } from '@sqlwarden/core/import-module';
import { OWN_LOCKS_SQL, RELATION_NAMES_SQL, parseServerVersion, StatementFailed, toNotice, toRelationLocks, toRelationNames, toServerError, type ServerNotice, type SqlSession } from './session.ts';

/**
 * An in-memory PGlite database: PostgreSQL compiled to WASM, started fresh for every trace, so
 * nothing outside the process is touched. PGlite is a single connection: statements that run
 * outside a transaction block release their locks before anyone could look.
 *
 * `extensions` are the names the migrations CREATE EXTENSION; those PGlite ships as contrib
 * modules (pgcrypto, uuid-ossp, pg_trgm, citext, hstore...) are loaded so the statement works as
 * on a server that has them installed. Others stay unavailable, as on a server without them.
 */
export async function openPGlite(extensions: readonly string[] = []): Promise<SqlSession> {
  // Loaded here (and kept out of the bundle) because PGlite loads its own .wasm and data files
  // from its package directory.
  const { PGlite } = await importModule<typeof import('@electric-sql/pglite')>('@electric-sql/pglite');
  const contrib: Record<string, Extension> = {};
  for (const name of new Set(extensions)) {
    const extension = await contribExtension(name);
    if (extension) contrib[extension.key] = extension.extension;
  }
  const db = new PGlite({ extensions: contrib });
  await db.waitReady;
  return pgliteSession(db, pgliteVersion());
}

/** PGlite's contrib module for an extension (`@electric-sql/pglite/contrib/uuid_ossp` exports `uuid_ossp`). */
async function contribExtension(name: string): Promise<{ key: string; extension: Extension } | undefined> {
  const key = name.toLowerCase().replace(/-/g, '_');
  if (!/^[a-z0-9_]+$/.test(key)) return undefined;
  try {
    const module = await importModule(`@electric-sql/pglite/contrib/${key}`);
    const extension = module[key];
    return extension && typeof extension === 'object' ? { key, extension: extension as Extension } : undefined;
  } catch {
    return undefined;
  }
}

/** Wraps an open PGlite (tests pass a clone of a prepared database). */
export async function pgliteSession(db: PGlite, pgliteVersionText = pgliteVersion()): Promise<SqlSession> {
  const version = String((await db.query<{ version: string }>('SELECT pg_catalog.version() AS version')).rows[0]?.version ?? '');
  const serverVersion = parseServerVersion(version);
  const pgVersion = /PostgreSQL (\S+)/.exec(version)?.[1] ?? '?';
  return {
    kind: 'pglite',
    description: `PGlite${pgliteVersionText ? ` ${pgliteVersionText}` : ''} (PostgreSQL ${pgVersion}, in memory)`,
    serverVersion,
    async run(sql) {
      const notices: ServerNotice[] = [];
      try {
        await db.exec(sql, { onNotice: (notice) => notices.push(toNotice(notice)) });
      } catch (error) {
        const serverError = toServerError(error);
        if (!serverError) throw error;
        throw new StatementFailed(serverError);
      }
      return { notices };
    },
    async copyFromStdin(sql, data) {
      const notices: ServerNotice[] = [];
      try {
        // PGlite feeds COPY from a Blob that the statement reads as '/dev/blob'.
        const fromBlob = sql.replace(/\bfrom\s+stdin\b/i, "FROM '/dev/blob'");
        await db.query(fromBlob, [], { blob: new Blob([data]), onNotice: (notice) => notices.push(toNotice(notice)) });
      } catch (error) {
        const serverError = toServerError(error);
        if (!serverError) throw error;
        throw new StatementFailed(serverError);
      }
      return { notices };
    },
    async ownLocks() {
      return toRelationLocks((await db.query<Record<string, unknown>>(OWN_LOCKS_SQL)).rows);
    },
    async relationNames() {
      return toRelationNames((await db.query<Record<string, unknown>>(RELATION_NAMES_SQL)).rows);
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}

function pgliteVersion(): string {
  try {
    // package.json is not in PGlite's "exports"; it sits one level above dist/.
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const manifest = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
    return manifest.name === '@electric-sql/pglite' ? String(manifest.version ?? '') : '';
  } catch {
    return '';
  }
}
