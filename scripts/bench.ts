/**
 * Benchmark (not a test): sqlwarden vs squawk on the real migration corpus.
 *
 *   npm run bench [-- --runs 3] [--corpus <dir>] [--pg-version 15] [--squawk <binary>]
 *                 [--scale | --no-scale] [--scale-sizes 10000,50000,100000] [--scale-timeout 120]
 *                 [--scale-rss-limit 4096] [--scale-margin 1.5] [--scale-series add-column,create-index,begin,select,dump]
 *   (= node scripts/run-ts.mjs scripts/bench.ts ...)
 *
 * Two parts: the corpus comparison (below) and the scale series (`--scale` runs only the series,
 * `--no-scale` only the corpus comparison; the default runs both).
 *
 * - Files: every *.sql under the corpus (default ../shared/corpus/pg-migrations), sorted, given to
 *   both tools as one explicit list of absolute paths in one invocation (sqlwarden replays them
 *   into one schema catalog in path order, as in any run). If the list were too long for one
 *   command line it is split per top-level project folder, and the table says so.
 * - Rules: every rule of each tool. sqlwarden: all built-in rules, the ones that are off by
 *   default turned on with `--rule <id>:warn` (`sqlwarden rules --format json` says which);
 *   `--no-ignore`, so that no ignore file can drop a file squawk gets. squawk: its default rules
 *   plus its opt-in ones (`--include`, when this squawk accepts them). Both `--pg-version 15`,
 *   both JSON output written to a file. The rule sets differ in scope (docs/squawk-comparison.md);
 *   this measures each tool doing all it can do on the same files.
 * - squawk is `squawk-cli` from npm, not a dependency (its optional platform packages break
 *   `npm ci`): it is installed on demand into ~/.cache/sqlwarden-bench (or
 *   $SQLWARDEN_BENCH_CACHE), and the native binary the npm wrapper would launch is run directly,
 *   so that its time and memory are squawk's own, not those of the wrapper's Node process.
 * - Measures: wall time from spawn to exit (process start-up included) for each run; the median
 *   over the runs is reported. MB/s = total bytes of the .sql files / median wall time
 *   (1 MB = 10^6 bytes). CPU = user + system time and peak RSS = maximum resident set size of the
 *   process, both from GNU `/usr/bin/time -v` (getrusage of the child); without it, peak RSS is
 *   sampled from /proc/<pid>/status VmHWM every 20 ms and CPU is not reported
 *   (SQLWARDEN_BENCH_NO_GNU_TIME=1 forces that path).
 * - sqlwarden with `--cache`: cold = the cache deleted before the run; warm = the run right after
 *   a cold one, reusing the cache it filled. Shown as n/a when the CLI has no `--cache` flag.
 * - Runs go in rounds, one run of each configuration per round, so that a change in the load of
 *   a shared machine affects every configuration alike.
 * - squawk exits 1 when it finds problems and sqlwarden when it finds errors: 0 and 1 count as a
 *   successful run; anything else aborts the benchmark with the tool's stderr.
 *
 * Scale series: cost must grow linearly with the number of statements in one file. For each series
 * one file of 10k, 50k and 100k statements (`--scale-sizes`), under a migrations/ folder:
 *   - `ALTER TABLE t ADD COLUMN cN int;` and `CREATE INDEX iN ON t (a);` (DDL on one table, after
 *     one CREATE TABLE t);
 *   - `BEGIN;` and `SELECT 1;` repeated;
 *   - a schema dump: the CREATE TABLE, CREATE INDEX and ALTER TABLE ... ADD CONSTRAINT statements
 *     of the corpus's migrations in path order, every object name suffixed per copy (`_1`, `_2`,
 *     ...) so that the copies do not collide, repeated up to the size.
 * Each point is one cold run of each tool (same flags as above), wall time and peak RSS (VmHWM
 * sampled every 20 ms). A run over `--scale-timeout` seconds is killed and shown as "timeout", one
 * over `--scale-rss-limit` MB or dying of V8's heap limit as "OOM". Growth = value at a size divided
 * by the value at the previous size, against linear (the size ratio: 5× and 2×); flagged when over
 * linear × `--scale-margin`. Start-up is included, which flatters small sizes: a baseline line
 * gives each tool's time and RSS on a one-statement file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { statements as sqlStatements } from './fuzz/sql-text.ts';

const SQUAWK_VERSION = '2.66.0';

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

/** The repository root: run-ts.mjs runs a bundle from node_modules/.cache, so walk up to the workspace root. */
function findRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sqlwarden-monorepo') return dir;
    if (path.dirname(dir) === dir) throw new Error('run the benchmark inside the sqlwarden repository');
  }
}

const root = findRoot();
const runs = Number(option('--runs') ?? 3);
const pgVersion = option('--pg-version') ?? '15';
const corpus = path.resolve(option('--corpus') ?? path.join(root, '..', 'shared', 'corpus', 'pg-migrations'));
const cli = path.join(root, 'packages/cli/bin/sqlwarden.mjs');
const scaleOnly = args.includes('--scale');
const withScale = scaleOnly || !args.includes('--no-scale');
const scaleSizes = (option('--scale-sizes') ?? '10000,50000,100000').split(',').map(Number);
const scaleTimeoutMs = Number(option('--scale-timeout') ?? 120) * 1000;
const scaleRssLimitKb = Number(option('--scale-rss-limit') ?? 4096) * 1024;
const scaleMargin = Number(option('--scale-margin') ?? 1.5);
/** --scale-series add-column,create-index,begin,select,dump: run only these series. */
const scaleSeriesFilter = option('--scale-series')?.split(',');
if (scaleSizes.some((n) => !Number.isInteger(n) || n < 1) || !(scaleTimeoutMs > 0) || !(scaleRssLimitKb > 0) || !(scaleMargin >= 1)) {
  console.error('--scale-sizes expects whole numbers (e.g. 10000,50000,100000); --scale-timeout, --scale-rss-limit and --scale-margin (≥ 1) positive numbers');
  process.exit(2);
}
const cacheHome = process.env.SQLWARDEN_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'sqlwarden-bench');
const gnuTime = process.env.SQLWARDEN_BENCH_NO_GNU_TIME !== '1' && existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' }).stderr.includes('Maximum resident set size') ? '/usr/bin/time' : undefined;

if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs expects a whole number of runs, 1 or more');
  process.exit(2);
}
const haveCorpus = existsSync(corpus) && statSync(corpus).isDirectory();
if (!haveCorpus && !scaleOnly) {
  console.log(`No corpus at ${corpus}: nothing to benchmark. Pass --corpus <dir> with the PostgreSQL migration corpus (a directory of .sql files).`);
  process.exit(0);
}
if (!existsSync(path.join(root, 'packages/cli/dist/sqlwarden.mjs'))) {
  console.error('The CLI is not built: run `npm run build` first.');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Files

function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sqlFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.sql')) out.push(full);
  }
  return out;
}
const files = haveCorpus ? sqlFiles(corpus).sort() : [];
if (files.length === 0 && !scaleOnly) {
  console.log(`No .sql files under ${corpus}: nothing to benchmark.`);
  process.exit(0);
}
const totalBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);

/** One list if it fits on a command line (with room for the environment), else one per project folder. */
const ARGV_BUDGET = 1_000_000;
const argvBytes = files.reduce((sum, file) => sum + Buffer.byteLength(file) + 1, 0);
const batches: string[][] = [];
if (argvBytes <= ARGV_BUDGET) {
  batches.push(files);
} else {
  const byProject = new Map<string, string[]>();
  for (const file of files) {
    const project = path.relative(corpus, file).split(path.sep)[0]!;
    byProject.set(project, [...(byProject.get(project) ?? []), file]);
  }
  batches.push(...byProject.values());
}

// ---------------------------------------------------------------------------------------------
// Tools

function run(command: string, commandArgs: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

const sqlwardenVersion = run(process.execPath, [cli, '--version']).stdout.trim();
const sqlwardenHelp = run(process.execPath, [cli, '--help']).stdout;
const hasCache = /^\s+--cache\b/m.test(sqlwardenHelp);
const hasCacheLocation = /^\s+--cache-location\b/m.test(sqlwardenHelp);

interface RuleInfo {
  id: string;
  defaultSeverity: string;
}
const rulesOutput = JSON.parse(run(process.execPath, [cli, 'rules', '--format', 'json']).stdout) as RuleInfo[] | { rules: RuleInfo[] };
const rules = Array.isArray(rulesOutput) ? rulesOutput : rulesOutput.rules;
const offByDefault = rules.filter((rule) => rule.defaultSeverity === 'off').map((rule) => rule.id);
const sqlwardenArgs = ['--no-ignore', '-f', 'json', '--pg-version', pgVersion, ...offByDefault.flatMap((id) => ['--rule', `${id}:warn`])];

/** The squawk binary: --squawk / $SQUAWK, else squawk-cli installed on demand into the cache. */
function findSquawk(): { binary: string; note: string } {
  const explicit = option('--squawk') ?? process.env.SQUAWK;
  if (explicit) return { binary: path.resolve(explicit), note: 'given with --squawk / $SQUAWK' };
  const wrapperManifest = path.join(cacheHome, 'node_modules/squawk-cli/package.json');
  const installed = existsSync(wrapperManifest) && (JSON.parse(readFileSync(wrapperManifest, 'utf8')) as { version: string }).version === SQUAWK_VERSION;
  if (!installed) {
    console.error(`Installing squawk-cli@${SQUAWK_VERSION} into ${cacheHome} (not a project dependency: its platform packages break npm ci)...`);
    mkdirSync(cacheHome, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const install = spawnSync(npm, ['install', '--prefix', cacheHome, '--no-save', '--no-audit', '--no-fund', `squawk-cli@${SQUAWK_VERSION}`], { stdio: 'inherit' });
    if (install.status !== 0) {
      console.error(`npm install squawk-cli@${SQUAWK_VERSION} failed; install it yourself and pass --squawk <path to the squawk binary>.`);
      process.exit(2);
    }
  }
  // The wrapper (js/bin/squawk) is a Node script that spawns this native binary.
  const requireFromWrapper = createRequire(wrapperManifest);
  try {
    const binary = requireFromWrapper.resolve(`@squawk-cli/${process.platform}-${process.arch}/bin/${process.platform === 'win32' ? 'squawk.exe' : 'squawk'}`);
    return { binary, note: `npm squawk-cli@${SQUAWK_VERSION}, native binary run directly` };
  } catch {
    return { binary: path.join(cacheHome, 'node_modules/.bin/squawk'), note: `npm squawk-cli@${SQUAWK_VERSION} through its Node wrapper (no native package for ${process.platform}-${process.arch})` };
  }
}

const squawk = findSquawk();
const squawkVersion = run(squawk.binary, ['--version']).stdout.trim();
const squawkPgVersion = pgVersion.includes('.') ? pgVersion : `${pgVersion}.0`;
const probe = mkdtempSync(path.join(os.tmpdir(), 'sqlwarden-bench-probe-'));
const probeFile = path.join(probe, 'probe.sql');
writeFileSync(probeFile, 'SELECT 1;\n');
/** squawk's opt-in rules (off unless --include'd); kept only if this squawk knows them. */
const squawkOptIn = ['require-table-schema'].filter((rule) => run(squawk.binary, ['--include', rule, probeFile]).status === 0);
rmSync(probe, { recursive: true, force: true });
const squawkArgs = ['--reporter', 'json', `--pg-version=${squawkPgVersion}`, ...squawkOptIn.flatMap((rule) => ['--include', rule])];

// ---------------------------------------------------------------------------------------------
// Measuring

interface Sample {
  wallMs: number;
  cpuS?: number;
  maxRssKb?: number;
  status: number;
}

function parseTime(report: string): { cpuS: number; maxRssKb: number; status: number } {
  const number = (label: string) => {
    const match = new RegExp(`${label.replace(/[()]/g, '\\$&')}: ([\\d.]+)`).exec(report);
    if (!match) throw new Error(`/usr/bin/time -v printed no "${label}":\n${report}`);
    return Number(match[1]);
  };
  return { cpuS: number('User time (seconds)') + number('System time (seconds)'), maxRssKb: number('Maximum resident set size (kbytes)'), status: number('Exit status') };
}

/** Runs one command to completion, stdout to `outFile`; wall time around spawn..exit. */
function measureOnce(command: string, commandArgs: string[], cwd: string, outFile: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const out = openSync(outFile, 'w');
    const timeFile = `${outFile}.time`;
    const [file, argv] = gnuTime ? [gnuTime, ['-v', '-o', timeFile, command, ...commandArgs]] : [command, commandArgs];
    const start = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd, stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString();
    });
    let sampledKb = 0;
    const sampler = gnuTime
      ? undefined
      : setInterval(() => {
          try {
            const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (match) sampledKb = Math.max(sampledKb, Number(match[1]));
          } catch {
            // Exited between two samples.
          }
        }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (sampler) clearInterval(sampler);
      closeSync(out);
      let sample: Sample;
      if (gnuTime) {
        const report = readFileSync(timeFile, 'utf8');
        const parsed = parseTime(report);
        sample = { wallMs, cpuS: parsed.cpuS, maxRssKb: parsed.maxRssKb, status: parsed.status };
      } else {
        sample = { wallMs, ...(sampledKb > 0 ? { maxRssKb: sampledKb } : {}), status: code ?? 128 };
      }
      if (sample.status > 1) reject(new Error(`${command} exited with ${sample.status}:\n${stderr}`));
      else resolve(sample);
    });
  });
}

/** A run over every batch: times and CPU add up, peak RSS is the largest batch's. */
async function measure(command: string, batchArgs: (batch: string[]) => string[], cwd: string, outFile: string, before?: () => void): Promise<Sample> {
  before?.();
  const total: Sample = { wallMs: 0, cpuS: 0, maxRssKb: 0, status: 0 };
  for (const [index, batch] of batches.entries()) {
    const sample = await measureOnce(command, batchArgs(batch), cwd, batches.length === 1 ? outFile : `${outFile}.${index}`);
    total.wallMs += sample.wallMs;
    total.cpuS = sample.cpuS === undefined || total.cpuS === undefined ? undefined : total.cpuS + sample.cpuS;
    total.maxRssKb = sample.maxRssKb === undefined || total.maxRssKb === undefined ? undefined : Math.max(total.maxRssKb, sample.maxRssKb);
    total.status = Math.max(total.status, sample.status);
  }
  return total;
}

function findingCount(outFile: string, kind: 'sqlwarden' | 'squawk'): number {
  let count = 0;
  for (const [index] of batches.entries()) {
    const text = readFileSync(batches.length === 1 ? outFile : `${outFile}.${index}`, 'utf8');
    const parsed = JSON.parse(text) as unknown[];
    count += kind === 'squawk' ? parsed.length : (parsed as { messages: unknown[] }[]).reduce((n, r) => n + r.messages.length, 0);
  }
  return count;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Row {
  tool: string;
  configuration: string;
  samples: Sample[];
  findings: number;
}

const work = mkdtempSync(path.join(os.tmpdir(), 'sqlwarden-bench-'));
// Reports and cache files only; removed whatever happens.
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Scale series (see the header)

interface ScalePoint {
  wallMs: number;
  maxRssKb: number;
  /** ok: exit 0 or 1; otherwise why the run has no result. */
  status: 'ok' | 'timeout' | 'OOM' | 'crash' | 'rejected';
  detail?: string;
}

/**
 * One cold run, killed past the time or RSS limit. Peak RSS from GNU time's report when there is
 * one (exact, and short runs between two samples count); the limit is watched by sampling VmHWM of
 * the tool's process (GNU time's child) every 20 ms. The run gets its own process group, so that
 * killing it kills the tool under GNU time too.
 */
function measureScaleOnce(command: string, commandArgs: string[], cwd: string, outFile: string): Promise<ScalePoint> {
  return new Promise((resolve, reject) => {
    const out = openSync(outFile, 'w');
    const timeFile = `${outFile}.time`;
    rmSync(timeFile, { force: true });
    const [file, argv] = gnuTime ? [gnuTime, ['-v', '-o', timeFile, command, ...commandArgs]] : [command, commandArgs];
    const start = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd, stdio: ['ignore', out, 'pipe'], detached: true });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString();
    });
    let peakKb = 0;
    let killed: 'timeout' | 'OOM' | undefined;
    const kill = (why: 'timeout' | 'OOM') => {
      if (killed) return;
      killed = why;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const toolPid = (): string | undefined => {
      if (!gnuTime) return String(child.pid);
      try {
        return readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0] || undefined;
      } catch {
        return undefined;
      }
    };
    const sampler = setInterval(() => {
      const pid = toolPid();
      if (pid === undefined) return;
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (match) peakKb = Math.max(peakKb, Number(match[1]));
      } catch {
        // Exited between two samples.
      }
      if (peakKb > scaleRssLimitKb) kill('OOM');
    }, 20);
    const timer = setTimeout(() => kill('timeout'), scaleTimeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      clearInterval(sampler);
      clearTimeout(timer);
      closeSync(out);
      let status = code;
      if (gnuTime && !killed && existsSync(timeFile)) {
        const report = readFileSync(timeFile, 'utf8');
        const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
        const exit = /Exit status: (\d+)/.exec(report);
        if (rss) peakKb = Math.max(peakKb, Number(rss[1]));
        if (exit) status = Number(exit[1]);
        if (/Command terminated by signal/.test(report)) status = 128;
      }
      if (killed) resolve({ wallMs, maxRssKb: peakKb, status: killed, detail: killed === 'OOM' ? `RSS over ${scaleRssLimitKb / 1024} MB` : `over ${scaleTimeoutMs / 1000} s` });
      else if (/heap out of memory|Allocation failed/i.test(stderr)) resolve({ wallMs, maxRssKb: peakKb, status: 'OOM', detail: 'V8 heap limit' });
      else if (status === 0 || status === 1) resolve({ wallMs, maxRssKb: peakKb, status: 'ok' });
      else if (status === 2 && /"fatal":true/.test(readFileSync(outFile, 'utf8').slice(0, 100_000))) {
        // sqlwarden's exit 2 with a fatal message: the file was refused (e.g. over the size limit).
        const message = /"message":"([^"]*)"/.exec(readFileSync(outFile, 'utf8').slice(0, 100_000))?.[1] ?? 'file refused';
        resolve({ wallMs, maxRssKb: peakKb, status: 'rejected', detail: message.split(';')[0]! });
      }
      else resolve({ wallMs, maxRssKb: peakKb, status: 'crash', detail: `exit ${signal ?? status}: ${stderr.trim().split('\n').filter(Boolean).slice(-2).join(' | ').slice(0, 200)}` });
    });
  });
}

/** Object names after the keywords that name them in DDL (table, index, constraint, referenced table). */
const NAME = String.raw`((?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?)`;
const NAMED_AFTER = new RegExp(
  String.raw`(\bCREATE\s+(?:(?:UNLOGGED|TEMP|TEMPORARY|GLOBAL|LOCAL)\s+)*TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?|\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?|\bON\s+(?!(?:UPDATE|DELETE|CONFLICT|COMMIT|TABLE|SCHEMA)\b)(?:ONLY\s+)?|\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?|\bCONSTRAINT\s+|\bREFERENCES\s+|\bPARTITION\s+OF\s+|\bINHERITS\s*\(\s*)` + NAME,
  'gi',
);
const DUMP_STATEMENT = /^(?:CREATE\s+(?:(?:UNLOGGED)\s+)?TABLE\b(?![\s\S]*?\bAS\s+(?:SELECT|WITH|VALUES)\b)|CREATE\s+(?:UNIQUE\s+)?INDEX\b|ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?\S+\s+ADD\s+CONSTRAINT\b)/i;

function suffixName(name: string, suffix: string): string {
  const parts = name.split(/\s*\.\s*(?=(?:"|[A-Za-z_]))/);
  const last = parts.pop()!;
  const renamed = last.startsWith('"') ? `${last.slice(0, -1)}${suffix}"` : `${last}${suffix}`;
  return [...parts, renamed].join('.');
}

/** The corpus's schema DDL, one statement per entry, each ending with `;` (comments stripped from its start). */
function dumpTemplates(): string[] {
  if (files.length === 0) return [];
  const out: string[] = [];
  for (const file of files) {
    for (const raw of sqlStatements(readFileSync(file, 'utf8'))) {
      const statement = raw.replace(/^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '').trim();
      if (!statement.endsWith(';') || !DUMP_STATEMENT.test(statement) || statement.includes('$')) continue;
      out.push(statement);
    }
  }
  return out;
}

function dumpFile(count: number, templates: string[]): string {
  const lines: string[] = [];
  for (let copy = 1; lines.length < count; copy++) {
    const suffix = `_${copy}`;
    const before = lines.length;
    for (const template of templates) {
      if (lines.length >= count) break;
      lines.push(template.replace(NAMED_AFTER, (_all, keyword: string, name: string) => keyword + suffixName(name, suffix)));
    }
    if (lines.length === before) break;
  }
  return `${lines.join('\n')}\n`;
}

const repeatLines = (count: number, line: (i: number) => string): string => {
  const parts: string[] = new Array(count);
  for (let i = 0; i < count; i++) parts[i] = line(i);
  return `${parts.join('\n')}\n`;
};

interface ScaleSeries {
  key: 'add-column' | 'create-index' | 'begin' | 'select' | 'dump';
  name: string;
  make: (count: number) => string;
}

async function runScale(): Promise<void> {
  const templates = dumpTemplates();
  let series: ScaleSeries[] = [
    { key: 'add-column', name: 'ALTER TABLE t ADD COLUMN cN int', make: (n) => `CREATE TABLE t (a int);\n${repeatLines(n - 1, (i) => `ALTER TABLE t ADD COLUMN c${i} int;`)}` },
    { key: 'create-index', name: 'CREATE INDEX iN ON t (a)', make: (n) => `CREATE TABLE t (a int);\n${repeatLines(n - 1, (i) => `CREATE INDEX i${i} ON t (a);`)}` },
    { key: 'begin', name: 'BEGIN; repeated', make: (n) => repeatLines(n, () => 'BEGIN;') },
    { key: 'select', name: 'SELECT 1; repeated', make: (n) => repeatLines(n, () => 'SELECT 1;') },
  ];
  if (templates.length > 0) series.push({ key: 'dump', name: `schema dump (${templates.length} corpus DDL statements, renamed per copy)`, make: (n) => dumpFile(n, templates) });
  else console.error(`  scale: no corpus at ${corpus}: the schema-dump series is skipped`);
  if (scaleSeriesFilter) series = series.filter((s) => scaleSeriesFilter.includes(s.key));

  const dir = path.join(work, 'scale', 'migrations');
  mkdirSync(dir, { recursive: true });
  const tools = [
    // The series' largest files (a 100k-statement dump is 18 MB) are over the CLI's default 10 MiB limit.
    { tool: 'sqlwarden', command: process.execPath, args: (file: string) => [cli, ...sqlwardenArgs, ...(sqlwardenHelp.includes('--max-file-size') ? ['--max-file-size', '64'] : []), file] },
    { tool: 'squawk', command: squawk.binary, args: (file: string) => [...squawkArgs, file] },
  ];
  // Start-up cost, to read the small sizes against.
  const baselineFile = path.join(dir, 'baseline.sql');
  writeFileSync(baselineFile, 'SELECT 1;\n');
  const baseline: Array<readonly [string, ScalePoint]> = [];
  for (const t of tools) baseline.push([t.tool, await measureScaleOnce(t.command, t.args(baselineFile), work, path.join(work, 'scale-out.json'))]);

  const results: Array<{ series: string; tool: string; bytes: number[]; points: ScalePoint[] }> = [];
  for (const s of series) {
    const entries = tools.map((t) => ({ series: s.name, tool: t.tool, bytes: [] as number[], points: [] as ScalePoint[] }));
    let stopped = tools.map(() => false);
    for (const size of scaleSizes) {
      const file = path.join(dir, `scale-${size}.sql`);
      const text = s.make(size);
      writeFileSync(file, text);
      for (const [index, t] of tools.entries()) {
        const entry = entries[index]!;
        entry.bytes.push(Buffer.byteLength(text));
        // After a timeout or OOM a larger size cannot do better: not run again.
        if (stopped[index]) {
          entry.points.push({ wallMs: Number.NaN, maxRssKb: Number.NaN, status: entry.points[entry.points.length - 1]!.status, detail: 'not run (smaller size failed)' });
          continue;
        }
        const point = await measureScaleOnce(t.command, t.args(file), work, path.join(work, 'scale-out.json'));
        entry.points.push(point);
        if (point.status !== 'ok') stopped = stopped.map((v, i) => (i === index ? true : v));
        console.error(`  scale: ${s.name}, ${size} statements, ${t.tool}: ${point.status === 'ok' ? `${(point.wallMs / 1000).toFixed(2)} s, ${(point.maxRssKb / 1024).toFixed(0)} MB` : `${point.status} (${point.detail})`}`);
      }
      rmSync(file, { force: true });
    }
    results.push(...entries);
  }

  const k = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
  const cell = (p: ScalePoint, what: 'time' | 'rss') => {
    if (p.status !== 'ok') {
      if (Number.isNaN(p.wallMs)) return `(${p.status})`;
      if (p.status === 'timeout') return what === 'time' ? `timeout (> ${scaleTimeoutMs / 1000} s)` : p.maxRssKb > 0 ? `≥ ${(p.maxRssKb / 1024).toFixed(0)}` : 'n/a';
      if (p.status === 'OOM') return what === 'time' ? `OOM (${p.detail})` : `> ${(scaleRssLimitKb / 1024).toFixed(0)}`;
      return what === 'time' ? `${p.status} (${p.detail})` : 'n/a';
    }
    return what === 'time' ? (p.wallMs / 1000).toFixed(2) : p.maxRssKb > 0 ? (p.maxRssKb / 1024).toFixed(0) : 'n/a';
  };
  const growth = (points: ScalePoint[], i: number, what: 'time' | 'rss'): { text: string; flagged: boolean } => {
    const linear = scaleSizes[i]! / scaleSizes[i - 1]!;
    const a = points[i - 1]!;
    const b = points[i]!;
    if (a.status !== 'ok') return { text: '—', flagged: false };
    const value = (p: ScalePoint) => (what === 'time' ? p.wallMs : p.maxRssKb);
    if (b.status !== 'ok') {
      if (Number.isNaN(b.wallMs)) return { text: '—', flagged: true };
      // A timeout is at least the limit: a lower bound on the ratio.
      const lower = what === 'time' && b.status === 'timeout' ? ` (> ${(scaleTimeoutMs / a.wallMs).toFixed(1)}×)` : '';
      return { text: `${b.status}${lower}`, flagged: true };
    }
    if (!(value(a) > 0) || !(value(b) > 0)) return { text: 'n/a', flagged: false };
    const ratio = value(b) / value(a);
    const flagged = ratio > linear * scaleMargin;
    return { text: `${ratio.toFixed(2)}×${flagged ? ' ⚠' : ''}`, flagged };
  };
  const steps = scaleSizes.slice(1).map((size, i) => `${k(size)}/${k(scaleSizes[i]!)}`);
  const lines: string[] = [];
  lines.push(`| series | tool | ${scaleSizes.map((n) => `${k(n)} s`).join(' | ')} | ${steps.map((s) => `time ${s}`).join(' | ')} | ${scaleSizes.map((n) => `${k(n)} MB`).join(' | ')} | ${steps.map((s) => `RSS ${s}`).join(' | ')} | linear? |`);
  lines.push(`|---|---|${scaleSizes.map(() => '---:').join('|')}|${steps.map(() => '---:').join('|')}|${scaleSizes.map(() => '---:').join('|')}|${steps.map(() => '---:').join('|')}|---|`);
  const flaggedSeries: string[] = [];
  for (const r of results) {
    const timeGrowth = scaleSizes.slice(1).map((_, j) => growth(r.points, j + 1, 'time'));
    const rssGrowth = scaleSizes.slice(1).map((_, j) => growth(r.points, j + 1, 'rss'));
    const worse = [...timeGrowth, ...rssGrowth].some((g) => g.flagged) || r.points.some((p) => p.status !== 'ok');
    if (worse) flaggedSeries.push(`${r.tool}: ${r.series}`);
    lines.push(`| ${r.series} | ${r.tool} | ${r.points.map((p) => cell(p, 'time')).join(' | ')} | ${timeGrowth.map((g) => g.text).join(' | ')} | ${r.points.map((p) => cell(p, 'rss')).join(' | ')} | ${rssGrowth.map((g) => g.text).join(' | ')} | ${worse ? '**no**' : 'yes'} |`);
  }
  const sizes = results.filter((r) => r.tool === 'sqlwarden').map((r) => `${r.series}: ${r.bytes.map((b) => `${(b / 1e6).toFixed(2)} MB`).join(' / ')}`);
  console.log(`\n## Scale: statements in one file (${new Date().toISOString().slice(0, 10)})\n`);
  console.log(lines.join('\n'));
  console.log(`
- One cold run per point, the file under migrations/, same flags as the corpus comparison (sqlwarden: all rules, \`-f json\`; squawk: JSON reporter). Wall time from spawn to exit; peak RSS from ${gnuTime ? '`/usr/bin/time -v` (maximum resident set size; sampled VmHWM for killed runs)' : 'VmHWM sampled every 20 ms'}.
- Growth = value / value at the previous size; linear is ${scaleSizes.slice(1).map((n, i) => `${(n / scaleSizes[i]!).toFixed(0)}×`).join(' and ')}; ⚠ and "linear? **no**" when a step is over linear × ${scaleMargin}, or a run timed out (> ${scaleTimeoutMs / 1000} s), ran out of memory (RSS > ${scaleRssLimitKb / 1024} MB or V8's heap limit) or was refused (sqlwarden's exit 2, e.g. a file over its size limit).
- Start-up baseline (one-statement file): ${baseline.map(([tool, p]) => `${tool} ${(p.wallMs / 1000).toFixed(2)} s, ${(p.maxRssKb / 1024).toFixed(0)} MB`).join('; ')}.
- File sizes (${scaleSizes.map(k).join(' / ')}): ${sizes.join('; ')}.
${flaggedSeries.length ? `- Not linear: ${flaggedSeries.join('; ')}.` : '- Every series grew linearly or better.'}`);
}

if (scaleOnly) {
  console.error(`Scale series: ${scaleSizes.map(String).join(', ')} statements, timeout ${scaleTimeoutMs / 1000} s, RSS limit ${scaleRssLimitKb / 1024} MB`);
  await runScale();
  process.exit(0);
}
const rows: Row[] = [];
const loadBefore = os.loadavg();

interface Configuration {
  tool: 'sqlwarden' | 'squawk';
  configuration: string;
  command: string;
  args: (batch: string[]) => string[];
  before?: () => void;
}

const node = process.execPath;
const configurations: Configuration[] = [
  { tool: 'sqlwarden', configuration: 'all rules', command: node, args: (batch) => [cli, ...sqlwardenArgs, ...batch] },
  { tool: 'squawk', configuration: 'all rules', command: squawk.binary, args: (batch) => [...squawkArgs, ...batch] },
];
if (hasCache) {
  const cacheFile = path.join(work, 'sqlwarden-cache');
  const cacheArgs = hasCacheLocation ? ['--cache', '--cache-location', cacheFile] : ['--cache'];
  const clearCache = () => {
    rmSync(cacheFile, { recursive: true, force: true });
    rmSync(path.join(work, '.sqlwarden-cache'), { recursive: true, force: true });
  };
  // Warm runs right after a cold one: the cold run has just filled the cache.
  configurations.push(
    { tool: 'sqlwarden', configuration: '--cache, cold', command: node, args: (batch) => [cli, ...sqlwardenArgs, ...cacheArgs, ...batch], before: clearCache },
    { tool: 'sqlwarden', configuration: '--cache, warm', command: node, args: (batch) => [cli, ...sqlwardenArgs, ...cacheArgs, ...batch] },
  );
}

console.error(`Benchmark: ${files.length} files, ${(totalBytes / 1e6).toFixed(2)} MB, ${runs} run(s) each, ${batches.length} batch(es)`);
// Rounds of one run per configuration, so that a change in the machine's load hits every tool alike.
const samples = configurations.map(() => [] as Sample[]);
const outFile = (index: number) => path.join(work, `run-${index}.json`);
for (let round = 0; round < runs; round++) {
  for (const [index, c] of configurations.entries()) {
    const sample = await measure(c.command, c.args, work, outFile(index), c.before);
    samples[index]!.push(sample);
    console.error(`  round ${round + 1}/${runs}: ${c.tool} (${c.configuration}) ${(sample.wallMs / 1000).toFixed(2)} s`);
  }
}
configurations.forEach((c, index) => rows.push({ tool: c.tool, configuration: c.configuration, samples: samples[index]!, findings: findingCount(outFile(index), c.tool) }));
const loadAfter = os.loadavg();

// ---------------------------------------------------------------------------------------------
// Report

const mbPerS = (row: Row) => totalBytes / 1e6 / (median(row.samples.map((s) => s.wallMs)) / 1000);
const fmt = (value: number | undefined, digits: number) => (value === undefined ? 'n/a' : value.toFixed(digits));
const squawkRow = rows.find((r) => r.tool === 'squawk')!;

const lines: string[] = [];
lines.push(`| tool | configuration | median wall s | MB/s | vs squawk (MB/s ratio) | median CPU s | MB per CPU s | peak RSS MB | findings | runs (wall s) |`);
lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
const ordered = [...rows];
if (!hasCache) {
  for (const configuration of ['--cache, cold', '--cache, warm']) ordered.push({ tool: 'sqlwarden', configuration, samples: [], findings: Number.NaN });
}
for (const row of ordered) {
  if (row.samples.length === 0) {
    lines.push(`| ${row.tool} | ${row.configuration} | n/a (no --cache) | n/a | n/a | n/a | n/a | n/a | n/a | — |`);
    continue;
  }
  const wall = median(row.samples.map((s) => s.wallMs)) / 1000;
  const cpu = row.samples.every((s) => s.cpuS !== undefined) ? median(row.samples.map((s) => s.cpuS!)) : undefined;
  const rss = row.samples.every((s) => s.maxRssKb !== undefined) ? Math.max(...row.samples.map((s) => s.maxRssKb!)) / 1024 : undefined;
  const ratio = row === squawkRow ? '1' : `${fmt(mbPerS(row) / mbPerS(squawkRow), 3)}×`;
  lines.push(
    `| ${row.tool} | ${row.configuration} | ${fmt(wall, 2)} | ${fmt(mbPerS(row), 2)} | ${ratio} | ${fmt(cpu, 2)} | ${fmt(cpu === undefined ? undefined : totalBytes / 1e6 / cpu, 2)} | ${fmt(rss, 0)} | ${row.findings} | ${row.samples.map((s) => (s.wallMs / 1000).toFixed(2)).join(', ')} |`,
  );
}

const cpus = os.cpus();
console.log(`## sqlwarden vs squawk (${new Date().toISOString().slice(0, 10)})\n`);
console.log(lines.join('\n'));
console.log(`
- Corpus: ${corpus}: ${files.length} .sql files, ${totalBytes.toLocaleString('en-US')} bytes (${(totalBytes / 1e6).toFixed(2)} MB), ${batches.length === 1 ? 'one invocation per run' : `${batches.length} invocations per run (one per project folder: the file list is too long for one command line)`}.
- sqlwarden ${sqlwardenVersion} (${path.relative(process.cwd(), cli) || cli}, Node ${process.version}): all ${rules.length} rules (${offByDefault.length ? `${offByDefault.join(', ')} turned on` : 'none off by default'}), \`--no-ignore -f json --pg-version ${pgVersion}\`${hasCache ? `; cache: \`${hasCacheLocation ? '--cache --cache-location <tmp>' : '--cache'}\`` : '; no --cache flag in this CLI'}.
- ${squawkVersion} (${squawk.note}): default rules${squawkOptIn.length ? ` + opt-in ${squawkOptIn.join(', ')}` : ''}, \`${squawkArgs.join(' ')}\`.
- Median of ${runs} run(s), in rounds (one run of each configuration per round); MB/s = total bytes / median wall time; "vs squawk" = MB/s divided by squawk's; MB per CPU s = total bytes / median CPU time, steadier than wall time on a busy machine. CPU and peak RSS: ${gnuTime ? '`/usr/bin/time -v` (user + system; maximum resident set size)' : 'no GNU time: peak RSS sampled from /proc/<pid>/status VmHWM every 20 ms, CPU not measured'}; peak RSS is the largest of the runs.
- Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after (other work shares the machine).`);

if (withScale) await runScale();
