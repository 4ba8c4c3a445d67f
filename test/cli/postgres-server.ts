import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL cluster for tests: initdb in a temporary directory, listening only on a
 * unix socket there (no TCP), stopped and deleted afterwards. Uses Debian's server binaries
 * (`apt-get install postgresql`); as root, initdb and postgres run as the `postgres` user.
 */
export interface PostgresServer {
  socketDir: string;
  version: string;
  /** `postgresql:///<db>?host=<socket dir>&user=postgres` */
  url(database: string): string;
  createDatabase(name: string): void;
  /** Runs SQL with psql and returns its unaligned output. */
  psql(sql: string, database?: string): string;
  stop(): void;
}

/** The newest server under /usr/lib/postgresql that has initdb and pg_ctl, or undefined. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (['initdb', 'pg_ctl', 'postgres', 'psql'].every((tool) => existsSync(path.join(bin, tool)))) return bin;
  }
  return undefined;
}

export function startPostgres(bin: string): PostgresServer {
  const isRoot = process.getuid?.() === 0;
  const work = mkdtempSync(path.join(tmpdir(), 'sqlwarden-pg-'));
  chmodSync(work, 0o755);
  const dataDir = path.join(work, 'data');
  const socketDir = path.join(work, 'sock');
  mkdirSync(dataDir);
  mkdirSync(socketDir);
  if (isRoot) spawnSync('chown', ['postgres:postgres', dataDir, socketDir]);
  const asServerUser = (cmd: string, args: string[]): { status: number | null; out: string } => {
    const r = isRoot ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8', cwd: work }) : spawnSync(cmd, args, { encoding: 'utf8', cwd: work });
    return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
  };
  const fail = (message: string): never => {
    rmSync(work, { recursive: true, force: true });
    throw new Error(message);
  };
  const init = asServerUser(path.join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  if (init.status !== 0) fail(`initdb failed:\n${init.out}`);
  appendFileSync(
    path.join(dataDir, 'postgresql.conf'),
    ["listen_addresses = ''", `unix_socket_directories = '${socketDir}'`, 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', 'autovacuum = off', ''].join('\n'),
  );
  const log = path.join(work, 'server.log');
  if (isRoot) spawnSync('sh', ['-c', `touch '${log}' && chown postgres:postgres '${log}'`]);
  const start = asServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-w', '-t', '60', '-l', log, 'start']);
  if (start.status !== 0) fail(`pg_ctl start failed:\n${start.out}\n${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);

  const psql = (sql: string, database = 'postgres'): string => {
    const r = spawnSync(path.join(bin, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-U', 'postgres', '-d', database, '-c', sql], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  const version = psql('SHOW server_version');
  return {
    socketDir,
    version,
    url: (database) => `postgresql:///${database}?host=${encodeURIComponent(socketDir)}&user=postgres`,
    createDatabase: (name) => void psql(`CREATE DATABASE "${name}"`),
    psql,
    stop() {
      asServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/**
 * A throwaway server for one test file, or why there is none. In CI a missing or failing server
 * throws (a missing prerequisite fails the run); elsewhere the reason is printed and the file's
 * tests skip with it.
 */
export function startPostgresForTests(purpose: string): { server?: PostgresServer; unavailable?: string } {
  const inCI = process.env.CI === 'true';
  const bin = findPostgresBin();
  let unavailable = 'no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)';
  if (bin) {
    try {
      return { server: startPostgres(bin) };
    } catch (error) {
      if (inCI) throw error;
      unavailable = `could not start PostgreSQL from ${bin}: ${error instanceof Error ? error.message : String(error)}`;
    }
  } else if (inCI) throw new Error(`${purpose} need a PostgreSQL server: ${unavailable}`);
  console.warn(`Skipping ${purpose}: ${unavailable}`);
  return { unavailable };
}
