import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, ensureBuilt, removeTempDirs, runCli } from './helpers.ts';
import { findPostgresBin, startPostgres, type PostgresServer } from './postgres-server.ts';

/**
 * `trace --database-url` never prints any part of a password: hostile URLs (bad %-escapes, `/`,
 * `?`, `#` and `@` in the password, no scheme, unix-socket hosts, `?password=`, key=value,
 * PGPASSWORD) against every error path: malformed URL, refused port, DNS failure, refusal of a
 * database that does not look disposable, unknown role, failed password authentication, and a
 * successful replay. Output is checked for every 3-character piece of the password, as written
 * and decoded. The server paths use a throwaway PostgreSQL (skipped without one, except in CI).
 */
const inCI = process.env.CI === 'true';
const bin = findPostgresBin();
let server: PostgresServer | undefined;
let unavailable: string | undefined = bin ? undefined : 'no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)';
let refusedPort = 0;
let dir = '';

/** The role whose password the server checks; every other role is trusted (initdb -A trust). */
const PW_USER = 'pwuser';
const RIGHT_PASSWORD = 'Rg8Jm2Tq';

beforeAll(async () => {
  ensureBuilt();
  dir = copyFixture();
  mkdirSync(path.join(dir, 'migrations'));
  writeFileSync(path.join(dir, 'migrations/001_t.sql'), 'CREATE TABLE t (id int);\n');
  // A port nothing listens on: bound, then released.
  refusedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  if (!bin) {
    if (inCI) throw new Error(`trace password tests need a PostgreSQL server: ${unavailable}`);
    console.warn(`Skipping the trace password tests that need a server: ${unavailable}`);
    return;
  }
  try {
    server = startPostgres(bin);
    server.createDatabase('x_test');
    server.psql(`CREATE ROLE ${PW_USER} LOGIN PASSWORD '${RIGHT_PASSWORD}'`);
    // startPostgres keeps the cluster next to its socket directory; put a password rule for
    // PW_USER in front of the trust rules and reload.
    const hba = path.join(path.dirname(server.socketDir), 'data', 'pg_hba.conf');
    writeFileSync(hba, `local all ${PW_USER} scram-sha-256\n${readFileSync(hba, 'utf8')}`);
    server.psql('SELECT pg_reload_conf()');
  } catch (error) {
    if (inCI) throw error;
    unavailable = `could not start PostgreSQL from ${bin}: ${error instanceof Error ? error.message : String(error)}`;
    console.warn(`Skipping the trace password tests that need a server: ${unavailable}`);
  }
}, 180_000);
afterAll(() => {
  server?.stop();
  removeTempDirs();
});

/** Hostile passwords; none shares a 3-character piece with sqlwarden's own messages. */
const PASSWORDS = ['EncQx%zz7', 'Kv7/Wq9Zr', 'Kv7?Wq9Zr', 'Kv7@Wq9Zr', 'Zx:9/qK?w#e@r%zz', 'Jy5%2FVb%3Fk', 'Hs4+Wd&Lp=8'];

function pieces(password: string): string[] {
  const forms = new Set([password]);
  try {
    forms.add(decodeURIComponent(password));
  } catch {
    // not valid percent-encoding: as written only
  }
  const out = new Set<string>();
  for (const form of forms) for (let i = 0; i + 3 <= form.length; i++) out.add(form.slice(i, i + 3));
  return [...out];
}

function expectNoPiece(run: { stdout: string; stderr: string }, password: string): void {
  const output = `${run.stdout}\n${run.stderr}`;
  const leaked = pieces(password).filter((piece) => output.includes(piece));
  expect(leaked, output).toEqual([]);
}

function trace(url: string, env: Record<string, string> = {}, ...extra: string[]) {
  return runCli(['trace', '--database-url', url, ...extra, 'migrations'], { cwd: dir, env });
}

describe('trace --database-url never prints the password', () => {
  it.each(PASSWORDS)('without a server: malformed URLs, a refused port, a failed DNS lookup, a refusal (%s)', (password) => {
    const runs = [
      trace(`postgresql://u:${password}@localhost:${refusedPort}/x_test`),
      trace(`postgresql://u:${password}@nonexistent.invalid/x_test`, {}, '--yes'),
      trace(`postgresql://u:${password}@db.example.com/production`),
      trace(`u:${password}@localhost/x_test`),
      trace(`postgresql://localhost:${refusedPort}/x_test?user=u&password=${password}`),
      trace(`host=localhost port=${refusedPort} dbname=x_test password='${password.replace(/'/g, "\\'")}'`),
      // commander's own error quotes the whole argument.
      runCli(['trace', `--databse-url=postgresql://u:${password}@localhost/x_test`, 'migrations'], { cwd: dir }),
      runCli([`--database-url=postgresql://u:${password}@localhost/x_test`, 'migrations'], { cwd: dir }),
    ];
    for (const run of runs) {
      expect(run.status).toBe(2);
      expect(run.stderr).not.toBe('');
      expectNoPiece(run, password);
    }
    // The refused port and the failed lookup are real connection attempts, reported as such.
    expect(runs[0]!.stderr + runs[1]!.stderr).toMatch(/could not connect|an '@' follows|invalid percent-encoding/);
  });

  it('the refused port and the DNS failure are reached for a password that parses', () => {
    const refused = trace(`postgresql://u:Kv7%2FWq9Zr@localhost:${refusedPort}/x_test`);
    expect(refused.stderr).toMatch(/could not connect to postgresql:\/\/u:\*\*\*@localhost:\d+\/x_test: connect ECONNREFUSED/);
    expectNoPiece(refused, 'Kv7%2FWq9Zr');
    const dns = trace('postgresql://u:Kv7%2FWq9Zr@nonexistent.invalid/x_test', {}, '--yes');
    expect(dns.stderr).toMatch(/could not connect .*ENOTFOUND/);
    expectNoPiece(dns, 'Kv7%2FWq9Zr');
  });

  it.for(PASSWORDS)('against a server: unix-socket hosts, an unknown role, a failed login, a replay (%s)', (password, { skip }) => {
    if (!server) return skip(unavailable);
    const socket = encodeURIComponent(server.socketDir);
    const encoded = encodeURIComponent(password);
    const runs = [
      // Written as typed (malformed for most) and percent-encoded (then it connects).
      trace(`postgresql://${PW_USER}:${password}@${socket}/x_test`),
      trace(`postgresql://${PW_USER}:${encoded}@${socket}/x_test`),
      trace(`postgresql:///x_test?host=${socket}&user=${PW_USER}&password=${encoded}`),
      trace(`postgresql://nobody_here:${encoded}@${socket}/x_test`),
      trace(`postgresql:///x_test?host=${socket}&user=${PW_USER}`, { PGPASSWORD: password }),
      trace(`host=${server.socketDir} user=${PW_USER} dbname=x_test password='${password.replace(/'/g, "\\'")}'`),
    ];
    expect(runs[1]!.stderr).toMatch(/password authentication failed for user "pwuser"/);
    expect(runs[3]!.stderr).toMatch(/role "nobody_here" does not exist/);
    expect(runs[4]!.stderr).toMatch(/password authentication failed/);
    for (const run of runs) {
      expect(run.status).toBe(2);
      expectNoPiece(run, password);
    }
    // Trusted: the password is not checked, the replay runs and the report names the target.
    const replayed = trace(`postgresql://postgres:${encoded}@${socket}/x_test`, {}, '--format', 'json');
    expect(replayed.stderr).toBe('');
    expect(JSON.parse(replayed.stdout)).toMatchObject({ target: { kind: 'postgres', description: expect.stringContaining('postgres:***@') } });
    expectNoPiece(replayed, password);
    server.psql('DROP TABLE t', 'x_test');
  });
});
