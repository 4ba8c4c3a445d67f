/**
 * Uses a real PostgreSQL server (run through real psql) as the judge of sqlwarden's `syntax-error`
 * diagnostics on the corpus: which of ours PostgreSQL confirms, which it does not (our statement
 * splitting or masking of psql meta-commands / variables / COPY data is wrong there), and which
 * parser errors PostgreSQL raised that we did not report.
 *
 *   node scripts/run-ts.mjs scripts/corpus-vs-postgres.ts [--json out.json] [--only NAME]
 *        [--migrations OWNER__REPO] [--no-regress] [--file-timeout 240] [--statement-timeout 5000]
 *        [--pg-bin /usr/lib/postgresql/15/bin]
 *
 * Starts a throwaway cluster (initdb in a temp dir, unix socket only, no TCP), runs each file with
 * `psql -X -v ON_ERROR_STOP=0 -f FILE` in a fresh database, and stops the cluster at the end.
 *
 * How PostgreSQL's errors are located: psql prefixes each error with `psql:FILE:LINE:`, where LINE
 * is the line psql was reading when it sent the statement (the line of the terminating `;`, or of
 * `\g`, or the last line at end of file). The server's csvlog (verbose) gives, for the same error
 * in the same order, the exact query text psql sent, the cursor position and the source location
 * in the server (`scanner_yyerror, scan.l:...`, `base_yyerror, gram.y:...`). An error is
 * parser-level when it comes from scan.l, gram.y or parser.c for the top-level statement (no error
 * context, no internal query): exactly the errors libpg-query (and so sqlwarden) can raise. The
 * statement spans lines [LINE - newlines(query), LINE], and the error sits at line
 * start + newlines(query before cursor).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

const COL = { pid: 3, severity: 11, sqlstate: 12, message: 13, internalQuery: 16, context: 18, query: 19, queryPos: 20, location: 21, app: 22, backendType: 23 };

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
  severity: string;
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
}

interface PgParserError {
  file: string;
  /** line of the statement's first character and of psql's `psql:FILE:LINE:` (end of statement) */
  startLine: number;
  endLine: number;
  /** line of the error cursor, when the server gave one */
  errorLine?: number;
  message: string;
  sqlstate: string;
  location: string;
  query: string;
  /** false when psql's line does not hold the end of the sent text (variables, `\\;`) */
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
  lastLineSeen: number;
  parserErrors: PgParserError[];
  /** every statement psql sent, in order (from log_statement = all) */
  sent: string[];
}

const PSQL_LINE = /^psql:(.*?):(\d+): (ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG|LOG|error|warning|fatal):\s+(.*)$/s;

function isParserLevel(e: ServerError): boolean {
  return /\b(gram\.y|scan\.l|parser\.c|scansup\.c)\b/.test(e.location) && !e.context && !e.internalQuery;
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

async function runFile(absPath: string, db: string): Promise<FileRun> {
  const file = path.relative(corpus, absPath);
  await takeLog(); // discard anything before this file
  const { stderr, timedOut, seconds } = await runPsql(absPath, db);
  const rows = await takeLog();

  const psqlErrors: PsqlError[] = [];
  let lastLineSeen = 0;
  for (const line of stderr.split('\n')) {
    const m = PSQL_LINE.exec(line);
    if (!m) continue;
    if (m[1] === absPath) lastLineSeen = Math.max(lastLineSeen, Number(m[2]));
    if (m[3] === 'ERROR') psqlErrors.push({ line: m[1] === absPath ? Number(m[2]) : -1, severity: m[3], printed: m[4]! });
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
  const fileLines = readFileSync(absPath, 'utf8').split('\n');
  let pairingMismatches = 0;
  const parserErrors: PgParserError[] = [];
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
    if (!isParserLevel(s) || p.line < 0) continue;
    const startLine = p.line - newlines(s.query);
    const err: PgParserError = { file, startLine, endLine: p.line, message: s.message, sqlstate: s.sqlstate, location: s.location, query: s.query };
    if (s.queryPos !== undefined) err.errorLine = startLine + newlines(Array.from(s.query).slice(0, s.queryPos - 1).join(''));
    // The statement's last line must be on psql's line (unless a variable or \; changed it).
    const lastSent = s.query.split('\n').pop()!.trim().replace(/;$/, '');
    if (lastSent && !(fileLines[p.line - 1] ?? '').includes(lastSent)) err.lineCheck = false;
    parserErrors.push(err);
  }
  serverErrors.forEach((s, k) => {
    if (!paired.has(k) && isParserLevel(s)) {
      pairingMismatches++;
      if (process.env.CVP_DEBUG) console.error(`unpaired server parser error ${file}: ${s.message} in ${JSON.stringify(s.query.slice(0, 80))}`);
    }
  });
  return { file, absPath, timedOut, seconds, psqlErrors: psqlErrors.length, serverErrors: serverErrors.length, pairingMismatches, lastLineSeen, parserErrors, sent };
}

// ---------------------------------------------------------------------------------------------
// sqlwarden's view

interface OurError {
  file: string;
  line: number;
  column: number;
  message: string;
  offset: number;
  /** the statement as sqlwarden split it (masked text shown unmasked) */
  statement: string;
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

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function segmentsOf(text: string): OurSegment[] {
  const masked = maskNonSql(text);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  return postgresAdapter.split(masked.text).map((seg) => {
    const parsed = postgresAdapter.parseSegment(masked.text, { start: seg.start, end: seg.end });
    const out: OurSegment = { start: seg.start, end: seg.terminatorEnd, startLine: lineAt(seg.start), endLine: lineAt(Math.max(seg.start, seg.terminatorEnd - 1)) };
    if (parsed.skipped) out.skipped = parsed.skipped;
    if (parsed.error) out.error = parsed.error.message;
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// Locating what psql sent in the file (best effort, for showing psql's statement next to ours)

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

function parsesInLibpgQuery(sql: string): { ok: true } | { ok: false; message: string } {
  try {
    parseSync(sql);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
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

type Verdict = 'confirmed' | 'confirmed-shared' | 'confirmed-near' | 'not-reached' | 'unconfirmed';
interface Classified extends OurError {
  verdict: Verdict;
  pg?: { startLine: number; endLine: number; errorLine?: number; message: string };
  psqlStatement?: string;
  psqlStatementParses?: string;
}
type MissKind = 'version' | 'skipped-psql-variables' | 'missed';
interface Missed extends PgParserError {
  kind: MissKind;
  detail?: string;
}

await loadModule();
await postgresAdapter.init();
const serverVersion = startCluster();
console.error(`PostgreSQL ${serverVersion} (${pgBin}), psql ${spawnSync(psqlBin, ['--version'], { encoding: 'utf8' }).stdout.trim()}, work dir ${work}`);

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
    const segments = new Map<string, OurSegment[]>();
    for (const r of results) {
      const text = texts.get(r.filePath) ?? '';
      const segs = segmentsOf(text);
      segments.set(r.filePath, segs);
      const list: OurError[] = [];
      for (const m of r.messages) {
        if (m.ruleId !== 'syntax-error') continue;
        const offset = m.range.start;
        const seg = segs.find((s) => s.start <= offset && offset <= s.end) ?? { start: offset, end: offset, startLine: m.line, endLine: m.line };
        list.push({ file: path.relative(corpus, r.filePath), line: m.line, column: m.column, message: m.message, offset, statement: text.slice(seg.start, seg.end), statementLines: [seg.startLine, seg.endLine] });
        const key = m.message.replace(/"[^"]*"/g, '"…"');
        ourMessages[key] = (ourMessages[key] ?? 0) + 1;
      }
      ours.set(r.filePath, list);
    }

    let sharedDb: string | undefined;
    for (const absPath of group.files) {
      let db = sharedDb;
      if (!db) {
        db = `cvp_${++dbSeq}`;
        admin(`CREATE DATABASE ${db} TEMPLATE template0`);
        if (group.sharedDatabase) sharedDb = db;
      }
      const run = await runFile(absPath, db);
      runs.push(run);
      if (!group.sharedDatabase) tryAdmin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      const text = texts.get(absPath) ?? '';
      const sentRanges = locateSent(text, run.sent);
      const file = run.file;
      process.stderr.write(`${file}: ${run.seconds.toFixed(1)}s${run.timedOut ? ' TIMED OUT' : ''}, ${run.serverErrors} errors, ${run.parserErrors.length} parser-level, ${(ours.get(absPath) ?? []).length} ours${run.pairingMismatches ? `, ${run.pairingMismatches} pairing mismatches` : ''}\n`);
      for (const p of run.parserErrors) {
        const key = p.message.replace(/"[^"]*"/g, '"…"');
        pgMessages[key] = (pgMessages[key] ?? 0) + 1;
      }

      // Direction 1: each of ours against PostgreSQL's parser errors.
      const used = new Set<PgParserError>();
      for (const e of ours.get(absPath) ?? []) {
        const within = run.parserErrors.find((p) => p.startLine <= e.line && e.line <= p.endLine);
        const near = within ?? run.parserErrors.find((p) => p.startLine - 2 <= e.line && e.line <= p.endLine + 2);
        let verdict: Verdict;
        if (within) verdict = used.has(within) ? 'confirmed-shared' : 'confirmed';
        else if (near) verdict = 'confirmed-near';
        else if (run.timedOut && e.line > run.lastLineSeen) verdict = 'not-reached';
        else verdict = 'unconfirmed';
        const match = within ?? near;
        if (match) used.add(match);
        const c: Classified = { ...e, verdict };
        if (match) c.pg = { startLine: match.startLine, endLine: match.endLine, ...(match.errorLine !== undefined ? { errorLine: match.errorLine } : {}), message: match.message };
        if (verdict === 'unconfirmed') {
          const sentHere = sentRanges.find((s) => s.start <= e.offset && e.offset < s.end);
          if (sentHere) {
            c.psqlStatement = sentHere.query;
            const parsed = parsesInLibpgQuery(sentHere.query);
            c.psqlStatementParses = parsed.ok ? 'libpg-query parses what psql sent' : `libpg-query also rejects what psql sent: ${parsed.message}`;
          }
        }
        classified.push(c);
      }

      // Direction 2: PostgreSQL's parser errors we did not report.
      for (const p of run.parserErrors) {
        if ((ours.get(absPath) ?? []).some((e) => p.startLine - 2 <= e.line && e.line <= p.endLine + 2)) continue;
        const segs = segments.get(absPath) ?? [];
        const overlapping = segs.filter((s) => s.startLine <= p.endLine && s.endLine >= p.startLine);
        let kind: MissKind;
        let detail: string | undefined;
        const parsed = parsesInLibpgQuery(p.query);
        if (parsed.ok) {
          kind = 'version';
          detail = 'libpg-query (PG 18 grammar) parses the text psql sent';
        } else if (overlapping.some((s) => s.skipped)) {
          kind = 'skipped-psql-variables';
          detail = overlapping.find((s) => s.skipped)?.skipped;
        } else {
          kind = 'missed';
          detail = `libpg-query: ${parsed.message}; our segments there: ${overlapping.map((s) => `${s.startLine}-${s.endLine}${s.error ? ' error' : ''}`).join(', ') || 'none (masked?)'}`;
        }
        missed.push({ ...p, kind, ...(detail ? { detail } : {}) });
      }
    }
    if (sharedDb) tryAdmin(`DROP DATABASE IF EXISTS ${sharedDb} WITH (FORCE)`);
  }
} finally {
  stopCluster();
}

// ---------------------------------------------------------------------------------------------
// Report

const count = (v: Verdict): number => classified.filter((c) => c.verdict === v).length;
const summary = {
  server: serverVersion,
  files: runs.length,
  timedOut: runs.filter((r) => r.timedOut).map((r) => r.file),
  pairingMismatchFiles: runs.filter((r) => r.pairingMismatches).map((r) => `${r.file} (${r.pairingMismatches})`),
  postgresErrors: runs.reduce((n, r) => n + r.serverErrors, 0),
  postgresParserErrors: runs.reduce((n, r) => n + r.parserErrors.length, 0),
  sqlwardenSyntaxErrors: classified.length,
  confirmed: count('confirmed'),
  confirmedSameStatementAgain: count('confirmed-shared'),
  confirmedNear: count('confirmed-near'),
  notReached: count('not-reached'),
  unconfirmed: count('unconfirmed'),
  confirmedSameErrorLine: classified.filter((c) => c.pg?.errorLine !== undefined && c.pg.errorLine === c.line).length,
  postgresOnly: { version: missed.filter((m) => m.kind === 'version').length, skippedPsqlVariables: missed.filter((m) => m.kind === 'skipped-psql-variables').length, missed: missed.filter((m) => m.kind === 'missed').length },
};

const abridge = (s: string, max = 300): string => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)} …` : t;
};

console.log(`PostgreSQL ${serverVersion} as the judge; ${summary.files} files`);
console.log('');
console.log('sqlwarden syntax errors                      count');
console.log('-------------------------------------------  -----');
const rowsOut: Array<[string, number]> = [
  ['total', summary.sqlwardenSyntaxErrors],
  ['confirmed (PG parser error, same statement)', summary.confirmed],
  ['  of which same error line as PostgreSQL', summary.confirmedSameErrorLine],
  ['confirmed again (2nd+ in one PG statement)', summary.confirmedSameStatementAgain],
  ['confirmed within +-2 lines only', summary.confirmedNear],
  ['not reached (file timed out)', summary.notReached],
  ['UNCONFIRMED', summary.unconfirmed],
];
for (const [k, v] of rowsOut) console.log(`${k.padEnd(43)}  ${String(v).padStart(5)}`);
console.log('');
console.log('PostgreSQL parser errors sqlwarden did not report');
console.log(`  newer grammar accepts it (server older than PG 18): ${summary.postgresOnly.version}`);
console.log(`  statement skipped by design (psql variables):       ${summary.postgresOnly.skippedPsqlVariables}`);
console.log(`  MISSED (libpg-query rejects it too):                ${summary.postgresOnly.missed}`);
if (summary.timedOut.length) console.log(`\nfiles that timed out: ${summary.timedOut.join(', ')}`);
if (summary.pairingMismatchFiles.length) console.log(`files where psql's and the server's error lists disagree: ${summary.pairingMismatchFiles.join(', ')}`);

const flagged = classified.filter((c) => c.verdict === 'unconfirmed' || c.verdict === 'confirmed-shared');
if (flagged.length) {
  console.log('\nUnconfirmed (and second errors within one PostgreSQL statement):');
  for (const c of flagged) {
    console.log(`\n${c.file}:${c.line}:${c.column}: [${c.verdict}] ${c.message}`);
    console.log(`  ours (lines ${c.statementLines[0]}-${c.statementLines[1]}): ${abridge(c.statement)}`);
    if (c.psqlStatement) console.log(`  psql sent: ${abridge(c.psqlStatement)}\n  ${c.psqlStatementParses}`);
    else if (c.verdict === 'unconfirmed') console.log('  psql sent: (no sent statement located over this line)');
  }
}
const reallyMissed = missed.filter((m) => m.kind !== 'version');
if (reallyMissed.length) {
  console.log('\nPostgreSQL parser errors not reported by sqlwarden (other than version differences):');
  for (const m of reallyMissed) console.log(`${m.file}:${m.errorLine ?? m.endLine}: [${m.kind}] ${m.message}\n  psql sent (lines ${m.startLine}-${m.endLine}): ${abridge(m.query, 200)}\n  ${m.detail ?? ''}`);
}
const versionOnes = missed.filter((m) => m.kind === 'version');
if (versionOnes.length) {
  console.log(`\nVersion differences (PostgreSQL ${serverVersion} rejects, PG 18 grammar accepts): ${versionOnes.length}`);
  for (const m of versionOnes) console.log(`  ${m.file}:${m.errorLine ?? m.endLine}: ${m.message}`);
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
        files: runs.map((r) => ({ file: r.file, seconds: r.seconds, timedOut: r.timedOut, psqlErrors: r.psqlErrors, serverErrors: r.serverErrors, pairingMismatches: r.pairingMismatches, parserErrors: r.parserErrors.length })),
      },
      null,
      2,
    ),
  );
}
