/**
 * Benchmark (not a test): sqlwarden vs squawk on the real migration corpus, a history of many
 * files, the language server's re-lint latency, and files of many statements.
 *
 *   npm run bench [-- --runs 1] [--only corpus,history,lsp,scale] [--json <file>]
 *                 [--corpus <dir>] [--pg-version 15] [--squawk <binary>]
 *                 [--history-sizes 1,2,4] [--history-timeout 600] [--history-rss-limit 8192]
 *                 [--lsp-iterations 200]
 *                 [--scale-sizes 10000,50000,100000] [--scale-timeout 120] [--scale-rss-limit 4096]
 *                 [--scale-margin 1.5] [--scale-series add-column,create-index,begin,select,dump]
 *   (= node scripts/run-ts.mjs scripts/bench.ts ...; `--scale` = `--only scale`, `--no-scale` =
 *   every section but scale)
 *
 * Sections, in this order (all by default; `--only` picks some):
 * - corpus: the comparison below, `--runs` runs of each configuration (default 1, which keeps a
 *   complete default run short; `--runs 3 --only corpus` for medians to publish).
 * - history: time and peak RSS against the size of a history of many files, the corpus copied
 *   1×, 2× and 4× (`--history-sizes`; 16, 33 and 66 MB of pg-migrations); see
 *   scripts/bench-history.ts.
 * - lsp: the language server's re-lint latency after a one-character edit of a 2,000-line
 *   migration (p50/p95/max), pass or fail against issue 13's 30 ms p95; see
 *   scripts/bench-lsp-latency.ts (also `node scripts/run-ts.mjs scripts/bench-lsp.ts`).
 * - scale: time and peak RSS against the number of statements in one file; see
 *   scripts/bench-scale.ts.
 * `--json <file>` writes every figure printed as JSON, for the README.
 *
 * The corpus comparison:
 * - Files: every *.sql under the corpus (default ../shared/corpus/pg-migrations), sorted, given to
 *   both tools as one explicit list of absolute paths in one invocation (sqlwarden replays them
 *   into one schema catalog in replay order, as in any run). If the list were too long for one
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
 * - Measures (scripts/bench-measure.ts): wall time from spawn to exit (process start-up included)
 *   for each run; the median over the runs is reported. MB/s = total bytes of the .sql files /
 *   median wall time (1 MB = 10^6 bytes). CPU = user + system time and peak RSS = maximum resident
 *   set size of the process, both from GNU `/usr/bin/time -v`; without it, peak RSS is sampled
 *   from /proc/<pid>/status VmHWM every 20 ms and CPU is not reported.
 * - sqlwarden configurations: one thread; `--cache` cold (the cache deleted before the run) and
 *   warm (the run right after a cold one, reusing the cache it filled), n/a when the CLI has no
 *   `--cache`; `--concurrency auto`, run with DEBUG=sqlwarden:workers so that the CLI logs the
 *   threads it planned (it logs nothing when it plans one), and its speed-up over the one-thread
 *   row.
 * - Runs go in rounds, one run of each configuration per round, so that a change in the load of
 *   a shared machine affects every configuration alike.
 * - squawk exits 1 when it finds problems and sqlwarden when it finds errors: 0 and 1 count as a
 *   successful run; anything else aborts the benchmark with the tool's stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHistory, type HistoryResult } from './bench-history.ts';
import { LSP_P95_TARGET_MS, describeMode, measureLspLatency, type LspLatency } from './bench-lsp-latency.ts';
import { fmt, measured, measureProcess, measuringNote, median, type Measurement } from './bench-measure.ts';
import { runScale, type ScaleResult } from './bench-scale.ts';

const SQUAWK_VERSION = '2.66.0';
const benchStarted = Date.now();

// ---------------------------------------------------------------------------------------------
// Options

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}
function usage(message: string): never {
  console.error(message);
  process.exit(2);
}
const numbers = (text: string) => text.split(',').map(Number);

/** The repository root: run-ts.mjs runs a bundle from node_modules/.cache, so walk up to the workspace root. */
function findRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sqlwarden-monorepo') return dir;
    if (path.dirname(dir) === dir) throw new Error('run the benchmark inside the sqlwarden repository');
  }
}

const SECTIONS = ['corpus', 'history', 'lsp', 'scale'] as const;
type Section = (typeof SECTIONS)[number];
const only = option('--only')?.split(',').map((s) => s.trim());
if (only && (only.length === 0 || only.some((s) => !(SECTIONS as readonly string[]).includes(s)))) usage(`--only expects a comma-separated list of ${SECTIONS.join(', ')}`);
const selected = new Set<Section>(only ? (only as Section[]) : args.includes('--scale') ? ['scale'] : SECTIONS.filter((s) => s !== 'scale' || !args.includes('--no-scale')));

const root = findRoot();
const runs = Number(option('--runs') ?? 1);
const pgVersion = option('--pg-version') ?? '15';
const corpus = path.resolve(option('--corpus') ?? path.join(root, '..', 'shared', 'corpus', 'pg-migrations'));
const cli = path.join(root, 'packages/cli/bin/sqlwarden.mjs');
const server = path.join(root, 'packages/language-server/dist/server.mjs');
const jsonFile = option('--json');
const scaleSizes = numbers(option('--scale-sizes') ?? '10000,50000,100000');
const scaleTimeoutMs = Number(option('--scale-timeout') ?? 120) * 1000;
const scaleRssLimitKb = Number(option('--scale-rss-limit') ?? 4096) * 1024;
const scaleMargin = Number(option('--scale-margin') ?? 1.5);
const scaleSeriesFilter = option('--scale-series')?.split(',');
const historySizes = numbers(option('--history-sizes') ?? '1,2,4');
const historyTimeoutMs = Number(option('--history-timeout') ?? 600) * 1000;
const historyRssLimitKb = Number(option('--history-rss-limit') ?? 8192) * 1024;
const lspIterations = Number(option('--lsp-iterations') ?? 200);
const cacheHome = process.env.SQLWARDEN_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'sqlwarden-bench');

if (!Number.isInteger(runs) || runs < 1) usage('--runs expects a whole number of runs, 1 or more');
if (scaleSizes.some((n) => !Number.isInteger(n) || n < 1) || !(scaleTimeoutMs > 0) || !(scaleRssLimitKb > 0) || !(scaleMargin >= 1)) {
  usage('--scale-sizes expects whole numbers (e.g. 10000,50000,100000); --scale-timeout, --scale-rss-limit and --scale-margin (≥ 1) positive numbers');
}
if (historySizes.some((n) => !Number.isInteger(n) || n < 1) || historySizes.some((n, i) => i > 0 && n <= historySizes[i - 1]!) || !(historyTimeoutMs > 0) || !(historyRssLimitKb > 0)) {
  usage('--history-sizes expects ascending whole multiples of the corpus (e.g. 1,2,4); --history-timeout and --history-rss-limit positive numbers');
}
if (!Number.isInteger(lspIterations) || lspIterations < 1) usage('--lsp-iterations expects a whole number, 1 or more');

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
const haveCorpus = existsSync(corpus) && statSync(corpus).isDirectory();
const files = haveCorpus ? sqlFiles(corpus).sort() : [];
if (files.length === 0) {
  const needing = (['corpus', 'history'] as const).filter((s) => selected.has(s));
  if (needing.length) {
    console.log(`${haveCorpus ? `No .sql files under ${corpus}` : `No corpus at ${corpus}`}: ${needing.join(' and ')} skipped. Pass --corpus <dir> with the PostgreSQL migration corpus (a directory of .sql files).`);
    for (const s of needing) selected.delete(s);
  }
  if (selected.size === 0) process.exit(0);
}
const totalBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
const usesCli = selected.has('corpus') || selected.has('history') || selected.has('scale');
if (usesCli && !existsSync(path.join(root, 'packages/cli/dist/sqlwarden.mjs'))) usage('The CLI is not built: run `npm run build` first.');
if (selected.has('lsp') && !existsSync(server)) usage('The language server is not built: run `npm run build` first.');

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

const work = mkdtempSync(path.join(os.tmpdir(), 'sqlwarden-bench-'));
// Reports, cache files and the history's copies; removed whatever happens.
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Tools

function run(command: string, commandArgs: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

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
    if (install.status !== 0) usage(`npm install squawk-cli@${SQUAWK_VERSION} failed; install it yourself and pass --squawk <path to the squawk binary>.`);
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

interface RuleInfo {
  id: string;
  defaultSeverity: string;
}

/** Both tools, their versions and the flags every section gives them. */
function setUpTools() {
  const sqlwardenVersion = run(process.execPath, [cli, '--version']).stdout.trim();
  const sqlwardenHelp = run(process.execPath, [cli, '--help']).stdout;
  const rulesOutput = JSON.parse(run(process.execPath, [cli, 'rules', '--format', 'json']).stdout) as RuleInfo[] | { rules: RuleInfo[] };
  const rules = Array.isArray(rulesOutput) ? rulesOutput : rulesOutput.rules;
  const offByDefault = rules.filter((rule) => rule.defaultSeverity === 'off').map((rule) => rule.id);
  const sqlwardenArgs = ['--no-ignore', '-f', 'json', '--pg-version', pgVersion, ...offByDefault.flatMap((id) => ['--rule', `${id}:warn`])];

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
  return {
    sqlwardenVersion,
    sqlwardenHelp,
    rules,
    offByDefault,
    sqlwardenArgs,
    squawk,
    squawkVersion,
    squawkOptIn,
    squawkArgs,
    hasOption: (name: string) => new RegExp(`^\\s+${name}\\b`, 'm').test(sqlwardenHelp),
  };
}
const tools = usesCli ? setUpTools() : undefined;
const node = process.execPath;

// ---------------------------------------------------------------------------------------------
// Corpus comparison

interface Sample {
  wallMs: number;
  cpuS?: number;
  maxRssKb?: number;
  /** sqlwarden with DEBUG=sqlwarden:workers: the threads it logged (undefined: it logged none). */
  threads?: number;
  threadsLog?: string;
}

interface Row {
  tool: 'sqlwarden' | 'squawk';
  configuration: string;
  samples: Sample[];
  findings: number;
}

/** The planned threads from the CLI's DEBUG=sqlwarden:workers lines (see packages/cli/src/workers/pool.ts). */
function threadsLogged(stderr: string): { threads?: number; log?: string } {
  const lines = stderr.split('\n').filter((line) => /\bworkers\b/.test(line));
  const planned = lines.map((line) => /(\d+) threads?\b/.exec(line)).find(Boolean);
  if (planned) return { threads: Number(planned[1]), log: lines[0]! };
  const single = lines.find((line) => /one thread/.test(line));
  return single ? { threads: 1, log: single } : {};
}

/** A run over every batch: times and CPU add up, peak RSS is the largest batch's. */
async function measureBatches(command: string, batchArgs: (batch: string[]) => string[], outFile: string, env?: NodeJS.ProcessEnv): Promise<Sample> {
  const total: Sample = { wallMs: 0, cpuS: 0, maxRssKb: 0 };
  for (const [index, batch] of batches.entries()) {
    const measured: Measurement = await measureProcess(command, batchArgs(batch), { cwd: work, outFile: batches.length === 1 ? outFile : `${outFile}.${index}`, ...(env ? { env } : {}) });
    if (measured.status !== 'ok') throw new Error(`${command} failed (${measured.status}: ${measured.detail}):\n${measured.stderr}`);
    total.wallMs += measured.wallMs;
    total.cpuS = measured.cpuS === undefined || total.cpuS === undefined ? undefined : total.cpuS + measured.cpuS;
    total.maxRssKb = measured.maxRssKb === undefined || total.maxRssKb === undefined ? undefined : Math.max(total.maxRssKb, measured.maxRssKb);
    if (env) {
      const logged = threadsLogged(measured.stderr);
      if (logged.threads !== undefined) total.threads = Math.max(total.threads ?? 0, logged.threads);
      if (logged.log !== undefined) total.threadsLog ??= logged.log;
    }
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

interface Configuration {
  tool: 'sqlwarden' | 'squawk';
  configuration: string;
  command: string;
  args: (batch: string[]) => string[];
  before?: () => void;
  env?: NodeJS.ProcessEnv;
}

interface CorpusRowJson {
  tool: string;
  configuration: string;
  medianWallS: number;
  mbPerS: number;
  ratioToSquawk: number;
  medianCpuS: number | null;
  mbPerCpuS: number | null;
  peakRssMb: number | null;
  findings: number;
  runsWallS: number[];
  threads?: number | null;
  speedUpOverOneThread?: { wall: number; cpu: number | null };
}

async function runCorpus(t: NonNullable<typeof tools>): Promise<{ markdown: string; json: object }> {
  const loadBefore = os.loadavg();
  const hasCache = t.hasOption('--cache');
  const hasCacheLocation = t.hasOption('--cache-location');
  const hasConcurrency = t.hasOption('--concurrency');
  const configurations: Configuration[] = [
    { tool: 'sqlwarden', configuration: 'all rules', command: node, args: (batch) => [cli, ...t.sqlwardenArgs, ...batch] },
    { tool: 'squawk', configuration: 'all rules', command: t.squawk.binary, args: (batch) => [...t.squawkArgs, ...batch] },
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
      { tool: 'sqlwarden', configuration: '--cache, cold', command: node, args: (batch) => [cli, ...t.sqlwardenArgs, ...cacheArgs, ...batch], before: clearCache },
      { tool: 'sqlwarden', configuration: '--cache, warm', command: node, args: (batch) => [cli, ...t.sqlwardenArgs, ...cacheArgs, ...batch] },
    );
  }
  if (hasConcurrency) {
    // DEBUG=sqlwarden:workers is the CLI's switch (packages/cli/src/cache/debug.ts); SQLWARDEN_DEBUG in case it moves there.
    const env = { ...process.env, DEBUG: [process.env.DEBUG, 'sqlwarden:workers'].filter(Boolean).join(','), SQLWARDEN_DEBUG: [process.env.SQLWARDEN_DEBUG, 'workers'].filter(Boolean).join(',') };
    configurations.push({ tool: 'sqlwarden', configuration: '--concurrency auto', command: node, args: (batch) => [cli, ...t.sqlwardenArgs, '--concurrency', 'auto', ...batch], env });
  }

  console.error(`Corpus: ${files.length} files, ${(totalBytes / 1e6).toFixed(2)} MB, ${runs} run(s) each, ${batches.length} batch(es)`);
  // Rounds of one run per configuration, so that a change in the machine's load hits every tool alike.
  const samples = configurations.map(() => [] as Sample[]);
  const outFile = (index: number) => path.join(work, `run-${index}.json`);
  for (let round = 0; round < runs; round++) {
    for (const [index, c] of configurations.entries()) {
      c.before?.();
      const sample = await measureBatches(c.command, c.args, outFile(index), c.env);
      samples[index]!.push(sample);
      console.error(`  round ${round + 1}/${runs}: ${c.tool} (${c.configuration}) ${(sample.wallMs / 1000).toFixed(2)} s${sample.cpuS !== undefined ? `, CPU ${sample.cpuS.toFixed(2)} s` : ''}`);
    }
  }
  const rows: Row[] = configurations.map((c, index) => ({ tool: c.tool, configuration: c.configuration, samples: samples[index]!, findings: findingCount(outFile(index), c.tool) }));
  const loadAfter = os.loadavg();

  const wallOf = (row: Row) => median(row.samples.map((s) => s.wallMs)) / 1000;
  const cpuOf = (row: Row) => (row.samples.every((s) => s.cpuS !== undefined) ? median(row.samples.map((s) => s.cpuS!)) : undefined);
  const rssOf = (row: Row) => (row.samples.every((s) => s.maxRssKb !== undefined) ? Math.max(...row.samples.map((s) => s.maxRssKb!)) / 1024 : undefined);
  const mbPerS = (row: Row) => totalBytes / 1e6 / wallOf(row);
  const squawkRow = rows.find((r) => r.tool === 'squawk')!;
  const oneThread = rows[0]!;
  const autoRow = rows.find((r) => r.configuration === '--concurrency auto');
  // Threads: what the CLI logged; with no log line it planned one (it logs only when it plans more).
  const autoThreads = autoRow ? (autoRow.samples.find((s) => s.threads !== undefined)?.threads ?? 1) : undefined;
  const autoLog = autoRow?.samples.find((s) => s.threadsLog !== undefined)?.threadsLog;
  const speedUp = autoRow ? { wall: wallOf(oneThread) / wallOf(autoRow), cpu: cpuOf(oneThread) !== undefined && cpuOf(autoRow) !== undefined ? cpuOf(oneThread)! / cpuOf(autoRow)! : null } : undefined;

  const lines: string[] = [];
  lines.push(`| tool | configuration | median wall s | MB/s | vs squawk (MB/s ratio) | median CPU s | MB per CPU s | peak RSS MB | findings | runs (wall s) |`);
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
  const json: CorpusRowJson[] = [];
  for (const row of rows) {
    const wall = wallOf(row);
    const cpu = cpuOf(row);
    const rss = rssOf(row);
    const ratio = mbPerS(row) / mbPerS(squawkRow);
    const label = row === autoRow ? `--concurrency auto (${autoThreads} thread${autoThreads === 1 ? '' : 's'}; ${speedUp!.wall.toFixed(2)}× one thread)` : row.configuration;
    lines.push(
      `| ${row.tool} | ${label} | ${fmt(wall, 2)} | ${fmt(mbPerS(row), 2)} | ${row === squawkRow ? '1' : `${fmt(ratio, 3)}×`} | ${fmt(cpu, 2)} | ${fmt(cpu === undefined ? undefined : totalBytes / 1e6 / cpu, 2)} | ${fmt(rss, 0)} | ${row.findings} | ${row.samples.map((s) => (s.wallMs / 1000).toFixed(2)).join(', ')} |`,
    );
    json.push({
      tool: row.tool,
      configuration: row.configuration,
      medianWallS: wall,
      mbPerS: mbPerS(row),
      ratioToSquawk: ratio,
      medianCpuS: cpu ?? null,
      mbPerCpuS: cpu === undefined ? null : totalBytes / 1e6 / cpu,
      peakRssMb: rss ?? null,
      findings: row.findings,
      runsWallS: row.samples.map((s) => s.wallMs / 1000),
      ...(row === autoRow ? { threads: autoThreads ?? null, speedUpOverOneThread: speedUp! } : {}),
    });
  }
  if (!hasCache) for (const configuration of ['--cache, cold', '--cache, warm']) lines.push(`| sqlwarden | ${configuration} | n/a (no --cache) | n/a | n/a | n/a | n/a | n/a | n/a | — |`);
  if (!hasConcurrency) lines.push('| sqlwarden | --concurrency auto | n/a (no --concurrency) | n/a | n/a | n/a | n/a | n/a | n/a | — |');

  const cpus = os.cpus();
  const markdown = `## sqlwarden vs squawk (${new Date().toISOString().slice(0, 10)})

${lines.join('\n')}

- Corpus: ${corpus}: ${files.length} .sql files, ${totalBytes.toLocaleString('en-US')} bytes (${(totalBytes / 1e6).toFixed(2)} MB), ${batches.length === 1 ? 'one invocation per run' : `${batches.length} invocations per run (one per project folder: the file list is too long for one command line)`}.
- sqlwarden ${t.sqlwardenVersion} (${path.relative(process.cwd(), cli) || cli}, Node ${process.version}): all ${t.rules.length} rules (${t.offByDefault.length ? `${t.offByDefault.join(', ')} turned on` : 'none off by default'}), \`--no-ignore -f json --pg-version ${pgVersion}\`${hasCache ? `; cache: \`${hasCacheLocation ? '--cache --cache-location <tmp>' : '--cache'}\`` : '; no --cache flag in this CLI'}.
- ${t.squawkVersion} (${t.squawk.note}): default rules${t.squawkOptIn.length ? ` + opt-in ${t.squawkOptIn.join(', ')}` : ''}, \`${t.squawkArgs.join(' ')}\`.
- Median of ${runs} run(s), in rounds (one run of each configuration per round); MB/s = total bytes / median wall time; "vs squawk" = MB/s divided by squawk's; MB per CPU s = total bytes / median CPU time, steadier than wall time on a busy machine. CPU and peak RSS: ${measuringNote}; peak RSS is the largest of the runs.
- ${autoRow ? `\`--concurrency auto\`: the same flags plus \`--concurrency auto\`; ${autoThreads} thread${autoThreads === 1 ? '' : 's'} on ${os.availableParallelism()} available core${os.availableParallelism() === 1 ? '' : 's'} (${autoLog ? `the CLI logged "${autoLog.trim()}"` : 'the CLI logged no plan under DEBUG=sqlwarden:workers, which it does only for more than one thread'}); speed-up over one thread (the first row): ${speedUp!.wall.toFixed(2)}× wall, ${speedUp!.cpu === null ? 'CPU n/a' : `${speedUp!.cpu.toFixed(2)}× CPU${autoThreads! > 1 ? ' (below 1: the threads cost more CPU in all, as each worker replays the files before its share)' : ' (one thread: both differ from 1 by noise only)'}`}.` : 'No `--concurrency` flag in this CLI.'}
- Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after (other work shares the machine).`;
  return { markdown, json: { files: files.length, bytes: totalBytes, batches: batches.length, runs, sqlwardenArgs: t.sqlwardenArgs, squawkArgs: t.squawkArgs, rows: json, loadBefore, loadAfter } };
}

// ---------------------------------------------------------------------------------------------
// Language server

function lspReport(result: LspLatency, loadBefore: number[], loadAfter: number[]): { markdown: string; pass: boolean } {
  const worst = Math.max(...result.modes.map((m) => m.p95Ms));
  const pass = worst < LSP_P95_TARGET_MS;
  const lines = ['| edit | client | p50 ms | p95 ms | max ms | p95 < 30 ms |', '|---|---|---:|---:|---:|---|'];
  for (const mode of result.modes) {
    lines.push(`| ${mode.edit} | ${mode.previousResultId ? `previousResultId sent (${mode.unchanged} unchanged)` : 'full report each time'} | ${mode.p50Ms.toFixed(1)} | ${mode.p95Ms.toFixed(1)} | ${mode.maxMs.toFixed(1)} | ${mode.p95Ms < LSP_P95_TARGET_MS ? 'pass' : '**FAIL**'} |`);
  }
  const markdown = `## Language server: re-lint latency (${new Date().toISOString().slice(0, 10)})

${lines.join('\n')}

- **${pass ? 'PASS' : 'FAIL'}**: the worst p95 is ${worst.toFixed(1)} ms against issue 13's ${LSP_P95_TARGET_MS} ms.
- A ${result.lines}-line migration (${result.findings} findings) open in the built server (${path.relative(process.cwd(), server) || server}); each iteration one incremental didChange of one character on line 1000, then a pull \`textDocument/diagnostic\`, timed from request to answer (no push debounce). ${result.iterations} measured edits per row after ${result.warmUp} unmeasured ones. Same measurement as \`node scripts/run-ts.mjs scripts/bench-lsp.ts [iterations]\`.
- Load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after, on ${os.availableParallelism()} core${os.availableParallelism() === 1 ? '' : 's'}: with more runnable processes than cores the latency includes waiting for a core, and a FAIL is worth repeating on an idle machine.
- Lines: ${result.modes.map(describeMode).join('; ')}.`;
  return { markdown, pass };
}

// ---------------------------------------------------------------------------------------------
// Run

const summary: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, availableParallelism: os.availableParallelism(), memoryGiB: os.totalmem() / 2 ** 30, os: `${os.type()} ${os.release()}`, node: process.version, loadAverageAtStart: os.loadavg() },
  sections: [...selected],
  ...(tools ? { sqlwarden: tools.sqlwardenVersion, squawk: tools.squawkVersion } : {}),
};
const printed: string[] = [];
const print = (markdown: string) => {
  if (printed.length) console.log('');
  console.log(markdown);
  printed.push(markdown);
};

if (selected.has('corpus')) {
  const result = await runCorpus(tools!);
  print(result.markdown);
  summary.corpus = result.json;
}
if (selected.has('history')) {
  const t = tools!;
  console.error(`History: ${historySizes.map((n) => `${n}×`).join(', ')} the corpus, one cold run per tool and size`);
  const result: HistoryResult = await runHistory({
    corpus,
    files,
    multiples: historySizes,
    timeoutMs: historyTimeoutMs,
    rssLimitKb: historyRssLimitKb,
    work,
    tools: [
      { tool: 'sqlwarden', command: node, args: (entries) => [cli, ...t.sqlwardenArgs, ...entries.map((e) => e.name)] },
      { tool: 'squawk', command: t.squawk.binary, args: (entries) => [...t.squawkArgs, ...entries.map((e) => (e.directory ? `${e.name}/**/*.sql` : e.name))] },
    ],
  });
  print(result.markdown);
  const { markdown: _markdown, ...json } = result;
  summary.history = json;
}
if (selected.has('lsp')) {
  console.error(`Language server: ${lspIterations} edits per mode`);
  const loadBefore = os.loadavg();
  const result = await measureLspLatency({ server, iterations: lspIterations });
  const { markdown, pass } = lspReport(result, loadBefore, os.loadavg());
  print(markdown);
  summary.lsp = { ...result, p95TargetMs: LSP_P95_TARGET_MS, pass, loadBefore, loadAfter: os.loadavg() };
}
if (selected.has('scale')) {
  const t = tools!;
  console.error(`Scale series: ${scaleSizes.map(String).join(', ')} statements, timeout ${scaleTimeoutMs / 1000} s, RSS limit ${scaleRssLimitKb / 1024} MB`);
  const result: ScaleResult = await runScale({
    files,
    corpus,
    sizes: scaleSizes,
    timeoutMs: scaleTimeoutMs,
    rssLimitKb: scaleRssLimitKb,
    margin: scaleMargin,
    ...(scaleSeriesFilter ? { seriesFilter: scaleSeriesFilter } : {}),
    work,
    tools: [
      // The series' largest files (a 100k-statement dump is 18 MB) are over the CLI's default 10 MiB limit.
      { tool: 'sqlwarden', command: node, args: (file) => [cli, ...t.sqlwardenArgs, ...(t.hasOption('--max-file-size') ? ['--max-file-size', '64'] : []), file] },
      { tool: 'squawk', command: t.squawk.binary, args: (file) => [...t.squawkArgs, file] },
    ],
  });
  print(result.markdown);
  const { markdown: _markdown, ...json } = result;
  summary.scale = json;
}

const totalS = (Date.now() - benchStarted) / 1000;
summary.totalSeconds = totalS;
summary.loadAverageAtEnd = os.loadavg();
summary.measuredRuns = { ...measured };
console.error(
  `Benchmark done in ${totalS.toFixed(0)} s; its ${measured.runs} measured tool runs took ${measured.wallS.toFixed(0)} s wall and ${measured.cpuS.toFixed(0)} s CPU (load average now ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}).`,
);
if (jsonFile) {
  writeFileSync(path.resolve(jsonFile), `${JSON.stringify(summary, null, 2)}\n`);
  console.error(`Summary written to ${path.resolve(jsonFile)}`);
}
