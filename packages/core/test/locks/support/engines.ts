import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** One database session: what the observation code needs from PGlite and from node-postgres. */
export interface Session {
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

export function pgliteSession(db: PGlite): Session {
  return {
    query: async <T>(sql: string) => (await db.query<T>(sql)).rows,
    exec: async (sql: string) => {
      await db.exec(sql);
    },
  };
}

export function clientSession(client: pg.Client): Session {
  return {
    query: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    exec: async (sql: string) => {
      await client.query(sql);
    },
  };
}

/** Major version as the lock model counts it: 15, 18, or 9.6. */
export async function serverVersion(session: Session): Promise<number> {
  const [row] = await session.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  const num = Number(row!.v);
  return num >= 100000 ? Math.floor(num / 10000) : Math.floor(num / 10000) + (Math.floor(num / 100) % 100) / 10;
}

/** The newest Debian PostgreSQL server binaries, or SQLWARDEN_PG_BIN. */
export function findServerBinaries(): string | undefined {
  const fromEnv = process.env.SQLWARDEN_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'postgres')) ? fromEnv : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/**
 * A throwaway PostgreSQL cluster in a temporary directory, listening only on a unix socket in
 * that directory (no TCP port). initdb and postgres refuse to run as root, so as root they run
 * as the `postgres` user that Debian's package creates, through runuser.
 */
export class ThrowawayServer {
  readonly dir: string;
  readonly socketDir: string;
  readonly tablespaceDir: string;
  private process: ChildProcess | undefined;
  private log = '';
  private readonly asPostgres: boolean;

  private constructor(
    private readonly bin: string,
    dir: string,
  ) {
    this.dir = dir;
    this.socketDir = dir;
    this.tablespaceDir = join(dir, 'tablespace');
    this.asPostgres = process.getuid?.() === 0;
  }

  /** Starts a cluster, or returns why it cannot. */
  static async start(): Promise<ThrowawayServer | { unavailable: string }> {
    const bin = findServerBinaries();
    if (!bin) return { unavailable: 'no PostgreSQL server binaries under /usr/lib/postgresql (install Debian package postgresql, or set SQLWARDEN_PG_BIN)' };
    const dir = mkdtempSync(join(tmpdir(), 'sqlwarden-pg-'));
    const server = new ThrowawayServer(bin, dir);
    try {
      await server.init();
      return server;
    } catch (error) {
      await server.stop();
      return { unavailable: `could not start PostgreSQL from ${bin}: ${error instanceof Error ? error.message : String(error)}\n${server.log}` };
    }
  }

  private command(program: string, args: string[]): [string, string[]] {
    const path = join(this.bin, program);
    return this.asPostgres ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  }

  private async init(): Promise<void> {
    mkdirSync(this.tablespaceDir);
    if (this.asPostgres) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(this.dir, uid, gid);
      chownSync(this.tablespaceDir, uid, gid);
    }
    const data = join(this.dir, 'data');
    const [initdb, initArgs] = this.command('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--no-locale']);
    execFileSync(initdb, initArgs, { stdio: 'pipe' });
    const [postgres, args] = this.command('postgres', [
      '-D',
      data,
      '-k',
      this.socketDir,
      '-c',
      'listen_addresses=',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'synchronous_commit=off',
      // Autovacuum takes SHARE UPDATE EXCLUSIVE on its own schedule; keep it out of the observations.
      '-c',
      'autovacuum=off',
    ]);
    const child = spawn(postgres, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}`);
      try {
        const client = await this.connect();
        await client.end();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async connect(): Promise<pg.Client> {
    const client = new pg.Client({ host: this.socketDir, user: 'postgres', database: 'postgres' });
    await client.connect();
    return client;
  }

  async stop(): Promise<void> {
    if (this.process && this.process.exitCode === null) {
      try {
        const [pgctl, args] = this.command('pg_ctl', ['stop', '-D', join(this.dir, 'data'), '-m', 'immediate', '-w']);
        execFileSync(pgctl, args, { stdio: 'pipe' });
      } catch {
        // The server may already be gone; the process check below covers it.
      }
      if (this.process.exitCode === null) {
        const exited = new Promise((r) => this.process!.once('exit', r));
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
