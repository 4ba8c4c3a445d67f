import { importModule } from '@sqlwarden/core/import-module';
import type { Client, ClientConfig } from 'pg';
import type { DatabaseTarget } from './database-url.ts';
import {
  OWN_LOCKS_SQL,
  PID_LOCKS_SQL,
  RELATION_NAMES_SQL,
  parseServerVersion,
  StatementFailed,
  toNotice,
  toRelationLocks,
  toRelationNames,
  toServerError,
  type LockObserver,
  type RelationLock,
  type ServerNotice,
  type SqlSession,
} from './session.ts';

/** Connection settings built only from the parsed target, so PG* variables cannot redirect it. */
function clientConfig(target: DatabaseTarget): ClientConfig {
  const config: ClientConfig = {
    host: target.host,
    port: target.port,
    database: target.database,
    connectionTimeoutMillis: 10_000,
    application_name: target.applicationName ?? 'sqlwarden trace',
    ssl: sslFor(target.sslmode),
  };
  if (target.user !== undefined) config.user = target.user;
  if (target.password !== undefined) config.password = target.password;
  if (target.options !== undefined) config.options = target.options;
  return config;
}

function sslFor(mode: string | undefined): ClientConfig['ssl'] {
  switch (mode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return true;
    default:
      return false;
  }
}

async function connect(target: DatabaseTarget): Promise<Client> {
  const { default: pg } = await importModule<typeof import('pg')>('pg');
  const client = new pg.Client(clientConfig(target));
  // An idle connection that the server drops must not crash the process; the next query reports it.
  client.on('error', () => {});
  await client.connect();
  return client;
}

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * COPY ... FROM STDIN over node-postgres's protocol hooks (what pg-copy-streams does): send the
 * query, answer CopyInResponse with the data and CopyDone, settle on ReadyForQuery or an error.
 */
function copyIn(client: Client, sql: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const submittable = {
      submit(connection: CopyConnection) {
        connection.query(sql);
      },
      handleCopyInResponse(connection: CopyConnection) {
        connection.sendCopyFromChunk(Buffer.from(data, 'utf8'));
        connection.endCopyFrom();
      },
      handleCommandComplete() {},
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleCopyData() {},
      // After an ErrorResponse node-postgres drops the active query, so ReadyForQuery never reaches it.
      handleError(error: unknown) {
        reject(error);
      },
      handleReadyForQuery() {
        resolve();
      },
    };
    client.query(submittable as unknown as Parameters<Client['query']>[0]);
  });
}

/** Connects to the database the user named with --database-url (after the disposability check). */
export async function openPostgres(target: DatabaseTarget, display: string): Promise<SqlSession> {
  const client = await connect(target);
  let notices: ServerNotice[] = [];
  client.on('notice', (notice) => notices.push(toNotice(notice)));
  const info = (await client.query<{ version: string; pid: number }>('SELECT pg_catalog.version() AS version, pg_catalog.pg_backend_pid() AS pid')).rows[0]!;
  const pgVersion = /PostgreSQL (\S+)/.exec(info.version)?.[1] ?? '?';
  const pid = Number(info.pid);
  return {
    kind: 'postgres',
    description: `PostgreSQL ${pgVersion} at ${display}`,
    serverVersion: parseServerVersion(info.version),
    async run(sql) {
      notices = [];
      try {
        await client.query(sql);
      } catch (error) {
        const serverError = toServerError(error);
        if (!serverError) throw error;
        throw new StatementFailed(serverError);
      }
      return { notices };
    },
    async copyFromStdin(sql, data) {
      notices = [];
      try {
        await copyIn(client, sql, data);
      } catch (error) {
        const serverError = toServerError(error);
        if (!serverError) throw error;
        throw new StatementFailed(serverError);
      }
      return { notices };
    },
    async ownLocks() {
      return toRelationLocks((await client.query(OWN_LOCKS_SQL)).rows);
    },
    async relationNames() {
      return toRelationNames((await client.query(RELATION_NAMES_SQL)).rows);
    },
    async observer(): Promise<LockObserver> {
      const watcher = await connect(target);
      return {
        async sampleWhile(done) {
          let finished = false;
          const settled = done.then(
            () => (finished = true),
            () => (finished = true),
          );
          const seen = new Map<string, RelationLock>();
          let samples = 0;
          while (!finished) {
            const rows = toRelationLocks((await watcher.query(PID_LOCKS_SQL, [pid])).rows);
            samples++;
            for (const lock of rows) seen.set(`${lock.oid}/${lock.mode}/${lock.granted}`, lock);
            // Yield so the statement's completion is noticed; sampling is as fast as round trips allow.
            await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 1))]);
          }
          return { locks: [...seen.values()], samples };
        },
        async close() {
          await watcher.end().catch(() => {});
        },
      };
    },
    async close() {
      await client.end().catch(() => {});
    },
  };
}
