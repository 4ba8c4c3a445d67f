/**
 * Uses a real PostgreSQL server (run through real psql) as the judge of sqlwarden's `syntax-error`
 * diagnostics on the corpus: which of ours PostgreSQL confirms, which it does not (our statement
 * splitting or masking of psql meta-commands / variables / COPY data is wrong there), and which
 * parser errors PostgreSQL raised that we did not report.
 *
 *   node scripts/run-ts.mjs scripts/corpus-vs-postgres.ts [--json out.json] [--only NAME]
 *        [--migrations OWNER__REPO] [--no-regress] [--file-timeout 240] [--statement-timeout 5000]
 *        [--pg-bin /usr/lib/postgresql/15/bin] [--pglite DIR]
 *
 * Needs Debian's server (`apt-get install -y postgresql`; the newest /usr/lib/postgresql/N is
 * used). Starts a throwaway cluster (initdb in a temp dir, unix socket only, no TCP), runs each
 * pg-regress file with `psql -X -v ON_ERROR_STOP=0 -f FILE` in a fresh database (a migrations
 * project's files in path order in one database), and stops the cluster at the end.
 *
 * Locating the server's errors: psql prefixes each error with `psql:FILE:LINE:`, LINE being the
 * line psql was reading when it sent the statement (the line of the terminating `;`, of a later
 * `\g`, or the last line at end of file). The server's csvlog (log_error_verbosity = verbose,
 * log_statement = all) gives, for the same error in the same order, the exact text psql sent, the
 * cursor position and the server source location. An error is parser-level when it comes from
 * scan.l / gram.y / parser.c while the backend is still "idle" (simple query) or in "PARSE"
 * (extended protocol): the raw parse of the sent text, exactly what libpg-query (so sqlwarden)
 * does. PL/pgSQL bodies and SQL function bodies are parsed later, under a command tag, and do not
 * count. The statement's first and last lines are found from the sent text near LINE.
 *
 * Extra checks, per statement text:
 * - the same server in a fresh session (default settings) tells a version difference from
 *   session state such as `SET standard_conforming_strings = off` earlier in the file;
 * - `--pglite DIR` adds PostgreSQL 18 (PGlite, WASM) as a second judge of "would PG 18's parser
 *   reject this exact text", for when the Debian server is older than the PG 18 grammar. DIR holds
 *   node_modules/@electric-sql/pglite: `--pglite .` in the repository (a dev dependency).
 * Both parse without executing: `SELECT 1/0;` goes first, and the server parses the whole string
 * before it runs (and fails) the first statement.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadModule, parseSync } from 'libpg-query';
import { Linter, postgresAdapter, readSourceFile } from '@sqlwarden/core';
import { maskNonSql } from '../packages/core/src/source/mask.ts';

// ---------------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const jsonOut = option('--json');
const only = option('--only');
const migrationsProject = option('--migrations');
const skipRegress = args.includes('--no-regress');
const fileTimeoutMs = Number(option('--file-timeout') ?? 240) * 1000;
const statementTimeoutMs = Number(option('--statement-timeout') ?? 5000);
const corpus = path.resolve(option('--corpus') ?? '../shared/corpus');

function newestPgBin(): string {
  const explicit = option('--pg-bin');
  if (explicit) return explicit;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error('No PostgreSQL server found under /usr/lib/postgresql: apt-get install -y postgresql');
  return path.join(root, versions[0]!, 'bin');
}
const pgBin = newestPgBin();
const psqlBin = existsSync(path.join(pgBin, 'psql')) ? path.join(pgBin, 'psql') : 'psql';

/** The meta-commands this psql knows, from its own help (`\\c[onnect]` gives `c` and `connect`). */
const psqlCommands = ((): Set<string> => {
  const help = spawnSync(psqlBin, ['--help=commands'], { encoding: 'utf8', env: { ...process.env, PAGER: 'cat' } }).stdout ?? '';
  const names = new Set<string>();
  for (const m of help.matchAll(/^\s+\\(\S+)/gm)) {
    names.add(m[1]!.replace(/\[[^\]]*\]/g, ''));
    names.add(m[1]!.replace(/\[([A-Za-z_]+)\]/g, '$1').replace(/\[[^\]]*\]/g, ''));
  }
  return names;
})();

function psqlKnows(command: string): boolean {
  if (command === ';' || command === ':') return true;
  if (psqlCommands.size === 0) return false; // no help to go by: any masked command may be the cause
  if (psqlCommands.has(command) || psqlCommands.has(command.replace(/[S+]+$/, ''))) return true;
  // psql's fallback: an unknown name is a one-letter command with its argument glued on (`\\x;`)
  return command.length > 1 && psqlCommands.has(command.charAt(0));
}

// ---------------------------------------------------------------------------------------------
// Throwaway cluster

const isRoot = process.getuid?.() === 0;
const work = mkdtempSync(path.join(os.tmpdir(), 'cvp-'));
chmodSync(work, 0o755);
const dataDir = path.join(work, 'data');
const socketDir = path.join(work, 'sock');
const logDir = path.join(work, 'log');
const psqlCwd = path.join(work, 'cwd');
const fakeSrcDir = path.join(work, 'srcdir');
for (const d of [socketDir, logDir, psqlCwd, fakeSrcDir]) mkdirSync(d, { recursive: true });
if (isRoot) spawnSync('chown', ['postgres:postgres', socketDir, logDir]);
if (isRoot) chmodSync(psqlCwd, 0o777);
const csvLog = path.join(logDir, 'pg.csv');

function asServerUser(cmd: string, cmdArgs: string[]): { status: number | null; out: string } {
  const r = isRoot ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...cmdArgs], { encoding: 'utf8', cwd: work }) : spawnSync(cmd, cmdArgs, { encoding: 'utf8', cwd: work });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function startCluster(): string {
  if (isRoot) {
    mkdirSync(dataDir);
    spawnSync('chown', ['postgres:postgres', dataDir]);
  }
  const init = asServerUser(path.join(pgBin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.out}`);
  const settings = [
    "listen_addresses = ''",
    `unix_socket_directories = '${socketDir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_prepared_transactions = 10',
    'logging_collector = on',
    "log_destination = 'csvlog'",
    `log_directory = '${logDir}'`,
    "log_filename = 'pg.log'",
    'log_rotation_age = 0',
    'log_rotation_size = 0',
    'log_error_verbosity = verbose',
    "log_statement = 'all'",
    'log_min_messages = error',
    'autovacuum = off',
  ];
  appendFileSync(path.join(dataDir, 'postgresql.conf'), `\n# corpus-vs-postgres\n${settings.join('\n')}\n`);
  const start = asServerUser(path.join(pgBin, 'pg_ctl'), ['-D', dataDir, '-w', '-l', path.join(logDir, 'startup.log'), 'start']);
  if (start.status !== 0) throw new Error(`pg_ctl start failed:\n${start.out}\n${existsSync(path.join(logDir, 'startup.log')) ? readFileSync(path.join(logDir, 'startup.log'), 'utf8') : ''}`);
  return admin('SHOW server_version').trim();
}

function stopCluster(): void {
  asServerUser(path.join(pgBin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
  rmSync(work, { recursive: true, force: true });
}

function admin(sql: string, db = 'postgres'): string {
  const r = spawnSync(psqlBin, ['-X', '-q', '-At', '-h', socketDir, '-U', 'postgres', '-d', db, '-c', sql], {
    encoding: 'utf8',
    env: { ...process.env, PGAPPNAME: 'cvp-admin', PGOPTIONS: '' },
  });
  if (r.status !== 0) throw new Error(`admin query failed: ${sql}\n${r.stderr}`);
  return r.stdout;
}

function tryAdmin(sql: string, db = 'postgres'): void {
  try {
    admin(sql, db);
  } catch {
    // best effort (e.g. a database still held by a prepared transaction)
  }
}

// ---------------------------------------------------------------------------------------------
// Server log (csvlog)

const COL = { pid: 3, commandTag: 7, severity: 11, sqlstate: 12, message: 13, internalQuery: 16, context: 18, query: 19, queryPos: 20, location: 21, app: 22, backendType: 23 };

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

let logOffset = 0;
function logSize(): number {
  return existsSync(csvLog) ? statSync(csvLog).size : 0;
}

let markerSeq = 0;
/** Everything the server logged since the last call; waits until the collector has flushed it. */
async function takeLog(): Promise<string[][]> {
  const marker = `cvp-marker-${++markerSeq}-${process.pid}`;
  admin(`SELECT '${marker}'`);
  let text = '';
  for (let waited = 0; waited < 20000; waited += 50) {
    const size = logSize();
    if (size > logOffset) {
      const fd = openSync(csvLog, 'r');
      const buf = Buffer.alloc(size - logOffset);
      readSync(fd, buf, 0, buf.length, logOffset);
      closeSync(fd);
      text = buf.toString('utf8');
      if (text.includes(marker)) {
        // Only whole lines up to the marker's row.
        const cut = text.indexOf('\n', text.indexOf(marker));
        const chunk = cut >= 0 ? text.slice(0, cut + 1) : text;
        logOffset += Buffer.byteLength(chunk, 'utf8');
        return parseCsv(chunk);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server log did not show the marker in time');
}

// ---------------------------------------------------------------------------------------------
// Running a file through psql

interface PsqlError {
  line: number;
  /** as psql printed it (depends on the file's VERBOSITY) */
  printed: string;
}

interface ServerError {
  sqlstate: string;
  message: string;
  query: string;
  queryPos?: number;
  location: string;
  context: string;
  internalQuery: string;
  /** the backend's ps display: still "idle..." while the raw parser runs, a command tag after */
  commandTag: string;
}

/** A server error located in the file. */
interface PgError {
  file: string;
  /** first line of the statement psql sent */
  startLine: number;
  /** psql's `psql:FILE:LINE:` (where psql was when it sent the statement) */
  endLine: number;
  /** line of the error cursor, when the server gave one */
  errorLine?: number;
  message: string;
  sqlstate: string;
  location: string;
  query: string;
  queryPos?: number;
  parserLevel: boolean;
  /** false when the end of the sent text was not found near psql's line (variables, `\;`) */
  lineCheck?: false;
}

interface FileRun {
  file: string;
  absPath: string;
  timedOut: boolean;
  seconds: number;
  psqlErrors: number;
  serverErrors: number;
  pairingMismatches: number;
  /** highest line psql mentioned or a located sent statement reached */
  reachedLine: number;
  errors: PgError[];
  /** every statement psql sent, in order (from log_statement = all) */
  sent: string[];
}

const PSQL_LINE = /^psql:(.*?):(\d+): (ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG|LOG|error|warning|fatal):\s+(.*)$/s;

/**
 * Raised by the raw parser for the statement text itself. Errors from the same grammar on nested
 * text (PL/pgSQL bodies compiled at CREATE FUNCTION / DO, SQL function bodies validated at
 * creation, type names parsed at run time) come after the command tag is set, so they are not (the extended protocol parses under "PARSE").
 */
function isParserLevel(e: ServerError): boolean {
  return /\b(gram\.y|scan\.l|parser\.c|scansup\.c)\b/.test(e.location) && !e.context && !e.internalQuery && (e.commandTag.startsWith('idle') || e.commandTag === 'PARSE');
}

function newlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

function runPsql(absPath: string, db: string): Promise<{ stderr: string; timedOut: boolean; seconds: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(psqlBin, ['-X', '-v', 'ON_ERROR_STOP=0', '-v', 'VERBOSITY=verbose', '-h', socketDir, '-U', 'postgres', '-d', db, '-f', absPath], {
      cwd: psqlCwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        PGAPPNAME: 'cvp-file',
        PGOPTIONS: `-c statement_timeout=${statementTimeoutMs} -c lock_timeout=${Math.min(statementTimeoutMs, 2000)}`,
        PGHOST: socketDir,
        PGUSER: 'postgres',
        PGDATABASE: db,
        // pg_regress's \getenv targets; nothing is there, so COPY FROM / LOAD of them just fail.
        PG_ABS_SRCDIR: fakeSrcDir,
        PG_ABS_BUILDDIR: fakeSrcDir,
        PG_LIBDIR: fakeSrcDir,
        PG_DLSUFFIX: '.so',
        PAGER: '',
        PSQL_PAGER: '',
      },
    });
    const chunks: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, fileTimeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      if (timedOut) tryAdmin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cvp-file'");
      resolve({ stderr: Buffer.concat(chunks).toString('utf8'), timedOut, seconds: (Date.now() - started) / 1000 });
    });
  });
}

async function runFile(absPath: string, text: string, db: string): Promise<FileRun> {
  const file = path.relative(corpus, absPath);
  await takeLog(); // discard anything before this file
  const { stderr, timedOut, seconds } = await runPsql(absPath, db);
  const rows = await takeLog();

  const psqlErrors: PsqlError[] = [];
  let reachedLine = 0;
  for (const line of stderr.split('\n')) {
    const m = PSQL_LINE.exec(line);
    if (!m) continue;
    if (m[1] === absPath) reachedLine = Math.max(reachedLine, Number(m[2]));
    if (m[3] === 'ERROR') psqlErrors.push({ line: m[1] === absPath ? Number(m[2]) : -1, printed: m[4]! });
  }
  const mine = rows.filter((r) => r[COL.app] === 'cvp-file' && (r[COL.backendType] ?? 'client backend') === 'client backend');
  const sent: string[] = [];
  const serverErrors: ServerError[] = [];
  for (const r of mine) {
    const severity = r[COL.severity];
    const message = r[COL.message] ?? '';
    if (severity === 'LOG' && message.startsWith('statement: ')) sent.push(message.slice('statement: '.length));
    if (severity === 'ERROR') {
      const pos = Number(r[COL.queryPos]);
      serverErrors.push({
        sqlstate: r[COL.sqlstate] ?? '',
        message,
        query: r[COL.query] ?? '',
        ...(pos > 0 ? { queryPos: pos } : {}),
        location: r[COL.location] ?? '',
        context: r[COL.context] ?? '',
        internalQuery: r[COL.internalQuery] ?? '',
        commandTag: r[COL.commandTag] ?? '',
      });
    }
  }

  // Pair psql's errors with the server's, in order. psql's describe commands (\d, \sv, ...) run
  // internal queries whose server errors psql reports in its own words or not at all, so a
  // server error may have no psql line: align greedily on SQLSTATE and message text.
  const agrees = (p: PsqlError, s: ServerError): boolean => {
    const head = s.message.slice(0, 40);
    if (p.printed.startsWith(`${s.sqlstate}:`)) return p.printed.slice(s.sqlstate.length + 1).trimStart().startsWith(head);
    return p.printed === s.sqlstate || p.printed.startsWith(head);
  };
  const fileLines = text.split('\n');
  let pairingMismatches = 0;
  const errors: PgError[] = [];
  const paired = new Set<number>();
  let next = 0;
  for (const p of psqlErrors) {
    let k = next;
    while (k < serverErrors.length && k < next + 8 && !agrees(p, serverErrors[k]!)) k++;
    if (k >= serverErrors.length || k >= next + 8) {
      pairingMismatches++;
      if (process.env.CVP_DEBUG) console.error(`unpaired psql error ${file}:${p.line}: ${JSON.stringify(p.printed)}`);
      continue;
    }
    next = k + 1;
    paired.add(k);
    const s = serverErrors[k]!;
    if (p.line < 0) continue;
    // psql's line holds the end of the statement, or a later `\g` line: find the sent text's end.
    // Lines psql kept out of the buffer (meta-commands, a stray `\.`) make the statement span more
    // file lines than the text has, so look for its first line too.
    const queryLines = s.query.split('\n');
    const lastSent = (queryLines[queryLines.length - 1] ?? '').trim().slice(0, 40);
    let stmtEnd = p.line;
    let lineCheck = true;
    if (lastSent) {
      const back = [0, 1, 2, 3, 4, 5].find((d) => (fileLines[p.line - 1 - d] ?? '').includes(lastSent));
      if (back === undefined) lineCheck = false;
      else stmtEnd = p.line - back;
    }
    let startLine = stmtEnd - newlines(s.query);
    const firstSent = (queryLines[0] ?? '').trim().slice(0, 40);
    if (lineCheck && firstSent && !(fileLines[startLine - 1] ?? '').includes(firstSent)) {
      for (let l = startLine - 1; l >= Math.max(1, startLine - 200); l--) {
        if ((fileLines[l - 1] ?? '').includes(firstSent)) {
          startLine = l;
          break;
        }
      }
    }
    const err: PgError = { file, startLine, endLine: p.line, message: s.message, sqlstate: s.sqlstate, location: s.location, query: s.query, parserLevel: isParserLevel(s) };
    if (s.queryPos !== undefined) {
      err.queryPos = s.queryPos;
      const k = newlines(Array.from(s.query).slice(0, s.queryPos - 1).join(''));
      const cursorLine = (queryLines[k] ?? '').trim().slice(0, 40);
      let errorLine = startLine + k;
      if (cursorLine && !(fileLines[errorLine - 1] ?? '').includes(cursorLine)) {
        for (let l = errorLine; l <= stmtEnd; l++) {
          if ((fileLines[l - 1] ?? '').includes(cursorLine)) {
            errorLine = l;
            break;
          }
        }
      }
      err.errorLine = errorLine;
    }
    if (!lineCheck) err.lineCheck = false;
    errors.push(err);
  }
  serverErrors.forEach((s, k) => {
    if (!paired.has(k) && isParserLevel(s)) {
      pairingMismatches++;
      if (process.env.CVP_DEBUG) console.error(`unpaired server parser error ${file}: ${s.message} in ${JSON.stringify(s.query.slice(0, 80))}`);
    }
  });
  return { file, absPath, timedOut, seconds, psqlErrors: psqlErrors.length, serverErrors: serverErrors.length, pairingMismatches, reachedLine, errors, sent };
}

// ---------------------------------------------------------------------------------------------
// sqlwarden's view

interface OurError {
  file: string;
  line: number;
  column: number;
  message: string;
  offset: number;
  /** the statement as sqlwarden split it */
  statement: string;
  /** the same after masking: what sqlwarden handed to the parser */
  maskedStatement: string;
  statementLines: [number, number];
}

interface OurSegment {
  start: number;
  end: number;
  startLine: number;
  endLine: number;
  skipped?: string;
  error?: string;
}

interface LineRegion {
  kind: string;
  startLine: number;
  endLine: number;
  /** psql-meta: the command's name as written (`bind`, `dt+`) */
  command?: string;
}

function lineLocator(text: string): (offset: number) => number {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function analyseOurs(text: string): { segments: OurSegment[]; regions: LineRegion[]; masked: string } {
  const masked = maskNonSql(text);
  const lineAt = lineLocator(text);
  const segments = postgresAdapter.split(masked.text).map((seg) => {
    const parsed = postgresAdapter.parseSegment(masked.text, { start: seg.start, end: seg.end });
    const out: OurSegment = { start: seg.start, end: seg.terminatorEnd, startLine: lineAt(seg.start), endLine: lineAt(Math.max(seg.start, seg.terminatorEnd - 1)) };
    if (parsed.skipped) out.skipped = parsed.skipped;
    if (parsed.error) out.error = parsed.error.message;
    return out;
  });
  const regions = masked.regions.map((r): LineRegion => {
    const region: LineRegion = { kind: r.kind, startLine: lineAt(r.start), endLine: lineAt(Math.max(r.start, r.end - 1)) };
    // `\\;` and `\\:` are SQL for psql (their region is the backslash alone)
    if (r.kind === 'psql-meta') region.command = /^\\([;:]|[^\s\\]*)/.exec(text.slice(r.start, r.start + 100))?.[1] ?? '';
    return region;
  });
  return { segments, regions, masked: masked.text };
}

// ---------------------------------------------------------------------------------------------
// Locating what psql sent in the file (best effort: for showing psql's statement next to ours)

interface SentRange {
  start: number;
  end: number;
  query: string;
}

function locateSent(text: string, sent: string[]): SentRange[] {
  const out: SentRange[] = [];
  let cursor = 0;
  for (const q of sent) {
    const lines = q
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (!lines.length) continue;
    const probes = [lines[0]!, lines[0]!.slice(0, 24)].filter((p) => p.length >= 4);
    let start = -1;
    for (const probe of probes) {
      start = text.indexOf(probe, cursor);
      if (start >= 0 && start - cursor < 20000) break;
      start = -1;
    }
    if (start < 0) continue;
    const last = lines[lines.length - 1]!;
    const endAt = text.indexOf(last, start);
    const end = endAt >= 0 && endAt - start <= q.length + 2000 ? endAt + last.length : start + lines[0]!.length;
    out.push({ start, end, query: q });
    cursor = end;
  }
  return out;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').replace(/\s*;\s*$/, '').trim();

function parsesInLibpgQuery(sql: string): { ok: true } | { ok: false; message: string } {
  try {
    parseSync(sql);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The same server, in a fresh session with default settings: does its parser reject this text?
 * Tells a version difference from session state (`SET standard_conforming_strings = off` earlier
 * in the file changes how the lexer reads backslashes in '...').
 */
function freshSessionRejects(sql: string): { rejects: boolean; message?: string } {
  const r = spawnSync(psqlBin, ['-X', '-q', '-v', 'VERBOSITY=verbose', '-h', socketDir, '-U', 'postgres', '-d', 'postgres', '-c', `SELECT 1/0;\n${sql}`], {
    encoding: 'utf8',
    env: { ...process.env, PGAPPNAME: 'cvp-admin', PGOPTIONS: `-c statement_timeout=${statementTimeoutMs}` },
  });
  const err = r.stderr ?? '';
  const message = /ERROR:\s+\w{5}: (.*)/.exec(err)?.[1];
  const parser = /LOCATION:\s+\w+, (gram\.y|scan\.l|parser\.c|scansup\.c):/.test(err);
  return parser ? { rejects: true, ...(message ? { message } : {}) } : { rejects: false };
}

// ---------------------------------------------------------------------------------------------
// Optional second judge: PostgreSQL 18 as PGlite (WASM), for statement texts only. It answers
// "would a PG 18 server reject this exact text in its parser?" where the Debian server is older.
// A dev dependency of the repository (`--pglite .`), or any DIR with node_modules/@electric-sql/pglite.

interface Pg18Verdict {
  rejects: boolean;
  message?: string;
  /** line of the cursor inside the checked text, 0-based */
  lineInText?: number;
}

interface PgliteLike {
  exec(sql: string): Promise<unknown>;
  query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
  close(): Promise<void>;
}

let pg18: PgliteLike | undefined;
let pg18Version = '';
async function startPg18(dir: string): Promise<void> {
  const entry = path.join(path.resolve(dir), 'node_modules', '@electric-sql', 'pglite', 'dist', 'index.js');
  const mod = (await import(pathToFileURL(entry).href)) as { PGlite: { create(): Promise<PgliteLike> } };
  pg18 = await mod.PGlite.create();
  pg18Version = String((await pg18.query('SHOW server_version')).rows[0]?.server_version ?? '');
}

/** Parses without executing: the whole string is parsed before the first statement, which fails, runs. */
async function judgeWithPg18(sql: string): Promise<Pg18Verdict | undefined> {
  if (!pg18) return undefined;
  const prefix = 'SELECT 1/0;\n';
  try {
    await pg18.exec(prefix + sql);
    return { rejects: false, message: 'executed?' };
  } catch (error) {
    const e = error as { message?: string; file?: string; position?: string | number };
    if (e.file && /^(gram\.y|scan\.l|parser\.c|scansup\.c)$/.test(e.file)) {
      const pos = Number(e.position);
      const out: Pg18Verdict = { rejects: true, message: e.message ?? '' };
      if (pos > prefix.length) out.lineInText = newlines(Array.from(prefix + sql).slice(prefix.length, pos - 1).join(''));
      return out;
    }
    return { rejects: false };
  }
}

// ---------------------------------------------------------------------------------------------
// Main

function sqlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sqlFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.sql')) out.push(p);
  }
  return out.sort();
}

interface Group {
  name: string;
  root: string;
  files: string[];
  /** one database for the whole group (migrations build on each other) or a fresh one per file */
  sharedDatabase: boolean;
}

const groups: Group[] = [];
if (!skipRegress) {
  const root = path.join(corpus, 'pg-regress');
  groups.push({ name: 'pg-regress', root, files: sqlFiles(root), sharedDatabase: false });
}
if (migrationsProject) {
  const root = path.join(corpus, 'pg-migrations', migrationsProject);
  groups.push({ name: `pg-migrations/${migrationsProject}`, root, files: sqlFiles(root), sharedDatabase: true });
}
for (const g of groups) if (only) g.files = g.files.filter((f) => path.relative(corpus, f).includes(only));

type Verdict = 'confirmed' | 'confirmed-again' | 'confirmed-near' | 'confirmed-outside-parser' | 'not-reached' | 'version' | 'unconfirmed';
interface Classified extends OurError {
  verdict: Verdict;
  pg15?: { startLine: number; endLine: number; errorLine?: number; message: string; parserLevel: boolean };
  /** what psql sent for this statement, when known */
  psqlSent?: string;
  psqlSentIsOurs?: boolean;
  libpgQueryOnPsqlSent?: string;
  pg18?: Pg18Verdict & { on: 'psql-sent' | 'ours' };
  /** this server's parser on the sent text in a fresh session (default settings) */
  pg15Fresh?: { rejects: boolean; message?: string };
  note?: string;
}
type MissKind = 'version' | 'session-state' | 'undefined-psql-variable' | 'copy-data-sent-as-sql' | 'psql-meta-client' | 'tool-annotation' | 'skipped-psql-variables' | 'missed';
interface Missed extends PgError {
  kind: MissKind;
  detail?: string;
}

await loadModule();
await postgresAdapter.init();
const pgliteDir = option('--pglite');
if (pgliteDir) await startPg18(pgliteDir);
const serverVersion = startCluster();
console.error(`PostgreSQL ${serverVersion} (${pgBin}); ${spawnSync(psqlBin, ['--version'], { encoding: 'utf8' }).stdout.trim()}; work dir ${work}${pg18 ? `; second judge PGlite ${pg18Version}` : ''}`);

const runs: FileRun[] = [];
const classified: Classified[] = [];
const missed: Missed[] = [];
const ourMessages: Record<string, number> = {};
const pgMessages: Record<string, number> = {};
let dbSeq = 0;
try {
  for (const group of groups) {
    // sqlwarden first (fast), then psql file by file.
    const linter = new Linter({ cwd: group.root, rules: [] });
    const inputs = group.files.flatMap((p) => {
      const read = readSourceFile(p);
      return read.ok ? [{ path: p, text: read.text }] : [];
    });
    const texts = new Map(inputs.map((i) => [i.path, i.text]));
    const results = await linter.lintFiles(inputs);
    const ours = new Map<string, OurError[]>();
    const analyses = new Map<string, ReturnType<typeof analyseOurs>>();
    for (const r of results) {
      const text = texts.get(r.filePath) ?? '';
      const analysis = analyseOurs(text);
      analyses.set(r.filePath, analysis);
      const list: OurError[] = [];
      for (const m of r.messages) {
        if (m.ruleId !== 'syntax-error') continue;
        const offset = m.range.start;
        const seg = analysis.segments.find((s) => s.start <= offset && offset <= s.end) ?? { start: offset, end: offset, startLine: m.line, endLine: m.line };
        list.push({ file: path.relative(corpus, r.filePath), line: m.line, column: m.column, message: m.message, offset, statement: text.slice(seg.start, seg.end), maskedStatement: analysis.masked.slice(seg.start, seg.end), statementLines: [seg.startLine, seg.endLine] });
        const key = m.message.replace(/"[^"]*"/g, '"…"');
        ourMessages[key] = (ourMessages[key] ?? 0) + 1;
      }
      ours.set(r.filePath, list);
    }

    let sharedDb: string | undefined;
    for (const absPath of group.files) {
      const text = texts.get(absPath);
      if (text === undefined) continue;
      let db = sharedDb;
      if (!db) {
        db = `cvp_${++dbSeq}`;
        admin(`CREATE DATABASE ${db} TEMPLATE template0`);
        if (group.sharedDatabase) sharedDb = db;
      }
      const run = await runFile(absPath, text, db);
      runs.push(run);
      if (!group.sharedDatabase) tryAdmin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      const lineAt = lineLocator(text);
      const sentRanges = locateSent(text, run.sent);
      for (const s of sentRanges) run.reachedLine = Math.max(run.reachedLine, lineAt(s.end));
      const mayStopEarly = run.timedOut || /^\s*\\q(uit)?\b/m.test(text);
      const parserErrors = run.errors.filter((e) => e.parserLevel);
      const fileOurs = ours.get(absPath) ?? [];
      const analysis = analyses.get(absPath)!;
      process.stderr.write(`${run.file}: ${run.seconds.toFixed(1)}s${run.timedOut ? ' TIMED OUT' : ''}, ${run.serverErrors} errors, ${parserErrors.length} parser-level, ${fileOurs.length} ours${run.pairingMismatches ? `, ${run.pairingMismatches} unpaired` : ''}\n`);
      for (const p of parserErrors) {
        const key = p.message.replace(/"[^"]*"/g, '"…"');
        pgMessages[key] = (pgMessages[key] ?? 0) + 1;
      }

      // Direction 1: each of ours against PostgreSQL's errors.
      const used = new Set<PgError>();
      for (const e of fileOurs) {
        const within = parserErrors.find((p) => p.startLine <= e.line && e.line <= p.endLine);
        const near = within ?? parserErrors.find((p) => p.startLine - 2 <= e.line && e.line <= p.endLine + 2);
        const sameMessage = run.errors.find((p) => !p.parserLevel && p.startLine <= e.line && e.line <= p.endLine && p.message.toLowerCase() === e.message.toLowerCase());
        const match = within ?? near ?? sameMessage;
        const c: Classified = { ...e, verdict: 'unconfirmed' };
        if (match) {
          c.pg15 = { startLine: match.startLine, endLine: match.endLine, ...(match.errorLine !== undefined ? { errorLine: match.errorLine } : {}), message: match.message, parserLevel: match.parserLevel };
          c.psqlSent = match.query;
        } else {
          const errorLineText = (text.split('\n')[e.line - 1] ?? '').trim().slice(0, 30);
          const sentHere = sentRanges.find((s) => s.start <= e.offset && e.offset < s.end && (!errorLineText || squash(s.query).includes(squash(errorLineText))));
          if (sentHere) c.psqlSent = sentHere.query;
        }
        if (c.psqlSent !== undefined) {
          c.psqlSentIsOurs = squash(c.psqlSent) === squash(e.statement);
          const parsed = parsesInLibpgQuery(c.psqlSent);
          c.libpgQueryOnPsqlSent = parsed.ok ? 'parses' : `rejects: ${parsed.message}`;
        }
        const judged = await judgeWithPg18(c.psqlSent ?? e.maskedStatement);
        if (judged) c.pg18 = { ...judged, on: c.psqlSent !== undefined ? 'psql-sent' : 'ours' };

        if (within) c.verdict = used.has(within) ? 'confirmed-again' : 'confirmed';
        else if (near) c.verdict = 'confirmed-near';
        else if (sameMessage) c.verdict = 'confirmed-outside-parser';
        else if (mayStopEarly && e.line > run.reachedLine) c.verdict = 'not-reached';
        else if (c.psqlSent !== undefined) {
          c.pg15Fresh = freshSessionRejects(c.psqlSent);
          if (c.pg15Fresh.rejects) c.note = 'this server rejects the same text in a fresh session: the file changed session state before it (standard_conforming_strings?)';
          else if (c.pg18?.rejects || (!pg18 && c.libpgQueryOnPsqlSent?.startsWith('rejects'))) c.verdict = 'version';
        }
        if (match) used.add(match);
        classified.push(c);
      }

      // Direction 2: PostgreSQL's parser errors we did not report.
      for (const p of parserErrors) {
        if (fileOurs.some((e) => p.startLine - 2 <= e.line && e.line <= p.endLine + 2)) continue;
        const overlaps = <T extends { startLine: number; endLine: number }>(x: T): boolean => x.startLine <= p.endLine && x.endLine >= p.startLine;
        const segs = analysis.segments.filter(overlaps);
        const regions = analysis.regions.filter(overlaps);
        const parsed = parsesInLibpgQuery(p.query);
        const atCursor = p.queryPos !== undefined ? Array.from(p.query).slice(p.queryPos - 1, p.queryPos + 1).join('') : '';
        let kind: MissKind;
        let detail: string | undefined;
        if (parsed.ok && !freshSessionRejects(p.query).rejects) {
          kind = 'session-state';
          detail = 'this server accepts the same text in a fresh session: a setting the file changed (standard_conforming_strings?) made it fail; libpg-query parses it with default settings';
        } else if (parsed.ok) {
          kind = 'version';
          detail = 'libpg-query (PG 18 grammar) parses the text psql sent';
        } else if (/^:[A-Za-z_'"{]/.test(atCursor)) {
          kind = 'undefined-psql-variable';
          detail = 'psql left an unset :variable in the text (the \\gset that sets it failed on this server or was never run)';
        } else if (regions.some((r) => r.kind === 'copy-data')) {
          kind = 'copy-data-sent-as-sql';
          detail = 'the COPY ... FROM stdin failed on this server, so psql read its data lines as SQL; we mask them as COPY data';
        } else if (segs.some((s) => s.skipped)) {
          kind = 'skipped-psql-variables';
          detail = segs.find((s) => s.skipped)?.skipped;
        } else if (regions.some((r) => r.kind === 'tool-annotation')) {
          kind = 'tool-annotation';
          detail = 'the statement spans a migration-tool annotation (goose StatementEnd, Up/Down ...) that ends a statement for that tool but not for psql';
        } else if (regions.some((r) => r.kind === 'psql-meta' && !psqlKnows(r.command ?? ''))) {
          // psql reports a command it does not know and drops the rest of its line, which we mask
          // as the newer psql would run it (`\\bind` before PostgreSQL 16).
          const unknown = regions.filter((r) => r.kind === 'psql-meta' && !psqlKnows(r.command ?? ''));
          kind = 'psql-meta-client';
          detail = `the statement spans psql meta-commands this psql does not know (${unknown.map((r) => `\\${r.command} at line ${r.startLine}`).join(', ')}); libpg-query: ${parsed.message}`;
        } else {
          kind = 'missed';
          detail = `libpg-query: ${parsed.message}; our segments there: ${segs.map((s) => `${s.startLine}-${s.endLine}${s.error ? ' (error)' : ''}`).join(', ') || 'none'}`;
        }
        missed.push({ ...p, kind, ...(detail ? { detail } : {}) });
      }
    }
    if (sharedDb) tryAdmin(`DROP DATABASE IF EXISTS ${sharedDb} WITH (FORCE)`);
  }
} finally {
  stopCluster();
  await pg18?.close();
}

// ---------------------------------------------------------------------------------------------
// Report

const count = (v: Verdict): number => classified.filter((c) => c.verdict === v).length;
const missCount = (k: MissKind): number => missed.filter((m) => m.kind === k).length;
const summary = {
  server: serverVersion,
  secondJudge: pg18 ? `PGlite ${pg18Version}` : null,
  files: runs.length,
  timedOut: runs.filter((r) => r.timedOut).map((r) => r.file),
  unpairedErrorFiles: runs.filter((r) => r.pairingMismatches).map((r) => `${r.file} (${r.pairingMismatches})`),
  postgresErrors: runs.reduce((n, r) => n + r.serverErrors, 0),
  postgresParserErrors: runs.reduce((n, r) => n + r.errors.filter((e) => e.parserLevel).length, 0),
  sqlwardenSyntaxErrors: classified.length,
  confirmed: count('confirmed'),
  confirmedSameErrorLine: classified.filter((c) => c.verdict === 'confirmed' && c.pg15?.errorLine === c.line).length,
  confirmedAlsoByPg18: classified.filter((c) => c.verdict.startsWith('confirmed') && c.pg18?.rejects).length,
  confirmedAgain: count('confirmed-again'),
  confirmedNear: count('confirmed-near'),
  confirmedOutsideParser: count('confirmed-outside-parser'),
  version: count('version'),
  notReached: count('not-reached'),
  unconfirmed: count('unconfirmed'),
  postgresOnly: Object.fromEntries((['version', 'session-state', 'undefined-psql-variable', 'copy-data-sent-as-sql', 'psql-meta-client', 'tool-annotation', 'skipped-psql-variables', 'missed'] as MissKind[]).map((k) => [k, missCount(k)])),
};

const abridge = (s: string, max = 300): string => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)} …` : t;
};

console.log(`Judge: PostgreSQL ${serverVersion}${pg18 ? `; statement texts re-checked on PostgreSQL ${pg18Version} (PGlite)` : ''}; ${summary.files} files`);
console.log('');
const table = (title: string, rows: Array<[string, number]>): void => {
  console.log(`${title.padEnd(60)}  count`);
  console.log(`${'-'.repeat(60)}  -----`);
  for (const [k, v] of rows) console.log(`${k.padEnd(60)}  ${String(v).padStart(5)}`);
  console.log('');
};
table('sqlwarden syntax errors', [
  ['total', summary.sqlwardenSyntaxErrors],
  ['confirmed: PG parser error in the same psql statement', summary.confirmed],
  ['  of which at the same line as PostgreSQL\'s cursor', summary.confirmedSameErrorLine],
  ['confirmed again (2nd+ of ours in one psql statement)', summary.confirmedAgain],
  ['confirmed within +-2 lines only', summary.confirmedNear],
  ['confirmed: same message, raised after parsing by this server', summary.confirmedOutsideParser],
  ...(pg18 ? ([['all confirmed ones: PG 18 also rejects the sent text', summary.confirmedAlsoByPg18]] as Array<[string, number]>) : []),
  [`version: ${serverVersion.split(' ')[0]} accepts, PG 18 grammar rejects the same text`, summary.version],
  ['not reached (psql quit early or timed out)', summary.notReached],
  ['UNCONFIRMED', summary.unconfirmed],
]);
table('PostgreSQL parser errors sqlwarden did not report', [
  ['newer grammar accepts the text (server older than PG 18)', missCount('version')],
  ['session state: fails only after a SET in the file', missCount('session-state')],
  ['unset psql variable left in the text', missCount('undefined-psql-variable')],
  ['COPY failed here, psql sent its data lines as SQL', missCount('copy-data-sent-as-sql')],
  ['statement spans meta-commands this psql does not know', missCount('psql-meta-client')],
  ['psql runs across a migration tool\'s statement boundary', missCount('tool-annotation')],
  ['statement skipped by design (psql variables)', missCount('skipped-psql-variables')],
  ['MISSED', missCount('missed')],
]);
if (summary.timedOut.length) console.log(`files that timed out: ${summary.timedOut.join(', ')}`);
if (summary.unpairedErrorFiles.length) console.log(`files with psql/server errors left unpaired (psql describe commands): ${summary.unpairedErrorFiles.join(', ')}`);

const describe = (c: Classified): void => {
  console.log(`\n${c.file}:${c.line}:${c.column}: [${c.verdict}] ${c.message}`);
  console.log(`  ours (lines ${c.statementLines[0]}-${c.statementLines[1]}): ${abridge(c.statement)}`);
  if (c.pg15) console.log(`  PostgreSQL ${serverVersion.split(' ')[0]}: lines ${c.pg15.startLine}-${c.pg15.endLine}, ${c.pg15.parserLevel ? 'parser' : 'non-parser'} error${c.pg15.errorLine ? ` at line ${c.pg15.errorLine}` : ''}: ${c.pg15.message}`);
  if (c.psqlSent !== undefined) console.log(`  psql sent${c.psqlSentIsOurs ? ' (same text as ours)' : ''}: ${abridge(c.psqlSent)}\n  libpg-query on it: ${c.libpgQueryOnPsqlSent}`);
  else console.log('  psql sent: (no sent statement located over this line)');
  if (c.pg15Fresh) console.log(`  PostgreSQL ${serverVersion.split(' ')[0]} on the sent text in a fresh session: ${c.pg15Fresh.rejects ? `rejects: ${c.pg15Fresh.message ?? ''}` : 'parses'}`);
  if (c.pg18) console.log(`  PG 18 on ${c.pg18.on === 'ours' ? 'our (masked) statement text' : 'the sent text'}: ${c.pg18.rejects ? `rejects: ${c.pg18.message}` : 'parses'}`);
  if (c.note) console.log(`  note: ${c.note}`);
};
const unconfirmed = classified.filter((c) => c.verdict === 'unconfirmed');
if (unconfirmed.length) {
  console.log(`\n=== UNCONFIRMED (${unconfirmed.length}) ===`);
  unconfirmed.forEach(describe);
}
const odd = classified.filter((c) => ['confirmed-again', 'confirmed-near', 'confirmed-outside-parser', 'version', 'not-reached'].includes(c.verdict) || (c.verdict === 'confirmed' && c.pg15?.errorLine !== undefined && c.pg15.errorLine !== c.line));
if (odd.length) {
  console.log(`\n=== Other cases worth a look (${odd.length}) ===`);
  odd.forEach(describe);
}
const nonVersion = missed.filter((m) => m.kind !== 'version');
if (nonVersion.length) {
  console.log(`\n=== PostgreSQL parser errors not reported by sqlwarden, other than version differences (${nonVersion.length}) ===`);
  for (const m of nonVersion) console.log(`${m.file}:${m.errorLine ?? m.endLine}: [${m.kind}] ${m.message}\n  psql sent (lines ${m.startLine}-${m.endLine}): ${abridge(m.query, 200)}\n  ${m.detail ?? ''}`);
}
const versionOnes = missed.filter((m) => m.kind === 'version');
if (versionOnes.length) {
  const byMessage = new Map<string, number>();
  for (const m of versionOnes) byMessage.set(`${m.file.split('/').pop()}: ${m.message.replace(/"[^"]*"/g, '"…"')}`, (byMessage.get(`${m.file.split('/').pop()}: ${m.message.replace(/"[^"]*"/g, '"…"')}`) ?? 0) + 1);
  console.log(`\n=== Version differences (PostgreSQL ${serverVersion.split(' ')[0]} rejects, PG 18 grammar accepts): ${versionOnes.length}, by file and message ===`);
  for (const [k, v] of [...byMessage].sort()) console.log(`  ${String(v).padStart(4)}  ${k}`);
}
console.log('\nsqlwarden syntax-error messages:', JSON.stringify(ourMessages));
console.log('PostgreSQL parser-level messages:', JSON.stringify(pgMessages));

if (jsonOut) {
  writeFileSync(
    jsonOut,
    JSON.stringify(
      {
        summary,
        sqlwarden: classified,
        postgresOnly: missed,
        files: runs.map((r) => ({ file: r.file, seconds: r.seconds, timedOut: r.timedOut, psqlErrors: r.psqlErrors, serverErrors: r.serverErrors, unpaired: r.pairingMismatches, parserErrors: r.errors.filter((e) => e.parserLevel).length, reachedLine: r.reachedLine })),
      },
      null,
      2,
    ),
  );
}
