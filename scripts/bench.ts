/**
 * Benchmark (not a test): sqlwarden vs squawk on the real migration corpus.
 *
 *   npm run bench [-- --runs 3] [--corpus <dir>] [--pg-version 15] [--squawk <binary>]
 *   (= node scripts/run-ts.mjs scripts/bench.ts ...)
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
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
const cacheHome = process.env.SQLWARDEN_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'sqlwarden-bench');
const gnuTime = process.env.SQLWARDEN_BENCH_NO_GNU_TIME !== '1' && existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' }).stderr.includes('Maximum resident set size') ? '/usr/bin/time' : undefined;

if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs expects a whole number of runs, 1 or more');
  process.exit(2);
}
if (!existsSync(corpus) || !statSync(corpus).isDirectory()) {
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
const files = sqlFiles(corpus).sort();
if (files.length === 0) {
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
