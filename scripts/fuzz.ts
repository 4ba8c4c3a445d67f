/**
 * Fuzz harness (not a test): throws generated and mutated SQL at the engine and checks that it
 * never hangs, blows up, crashes, reports internal errors, misplaces findings, writes ill-formed
 * reports, or breaks text with --fix. See issue 10.
 *
 *   npm run fuzz -- [options]      (= node scripts/run-ts.mjs scripts/fuzz.ts [options])
 *
 *   --count <n>            inputs to run (default 5000)
 *   --start <i>            first input index (default 0); input i is a pure function of (seed, i)
 *   --only <i,j,...>       run just these input indices (replay a failure)
 *   --seed <n>             (default 1)
 *   --generators <spec>    weights, e.g. mutate=5,grammar=4.5,patho=0.5 (the default)
 *   --workers <n>          lint processes (default: the number of cores)
 *   --time-limit <s>       per input (default 10)
 *   --rss-limit <MB>       per lint process (default 1536)
 *   --fix-every <n>        check --fix on every n-th input (default 10; 0 = never)
 *   --format-every <n>     check the JSON/SARIF/GitLab formatters on every n-th input (default 10; 0 = never)
 *   --cli-every <n>        also run every n-th input through the built CLI (default 200; 0 = never)
 *   --cli <path>           the CLI bundle (default packages/cli/dist/sqlwarden.mjs)
 *   --corpus <dir>         corpus root with pg-migrations/, pg-regress/, queries/pg/ (default ../shared/corpus)
 *   --out <dir>            failures and summary.json go to <dir>/seed-<seed>/ (default /tmp/sqlwarden-fuzz)
 *   --no-minimize          save failures without minimising them
 *   --minimize-per-class <n>   failures minimised per class (default 3, distinct messages first)
 *   --minimize-seconds <s> wall-time budget per minimisation (default 120)
 *   --save-per-class <n>   failures saved per class (default 50; all are counted)
 *   --quiet                no progress lines
 *
 * Inputs are linted in a pool of child processes that load the engine once (scripts/fuzz/pool.ts:
 * per-input watchdog, RSS limit, replacement of a stuck worker); a sample also runs through the
 * CLI. Exit code: 0 when no input failed, 1 when some did, 2 for a usage error.
 */
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinRules } from '@sqlwarden/rules';
import { cliSample } from './fuzz/cli-sample.ts';
import { Corpus, type FuzzInput, generate, GENERATOR_NAMES, type GeneratorName, type GeneratorWeights } from './fuzz/generators.ts';
import { minimize } from './fuzz/minimize.ts';
import type { Problem } from './fuzz/oracles.ts';
import { type Outcome, Pool } from './fuzz/pool.ts';
import { runWorker } from './fuzz/worker.ts';

function findRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sqlwarden-monorepo') return dir;
    if (path.dirname(dir) === dir) throw new Error('run the fuzz harness inside the sqlwarden repository');
  }
}

class UsageError extends Error {}

interface Options {
  count: number;
  start: number;
  only?: number[];
  seed: number;
  weights: GeneratorWeights;
  workers: number;
  timeLimitMs: number;
  rssLimitKb: number;
  fixEvery: number;
  formatEvery: number;
  cliEvery: number;
  cli: string;
  corpus: string;
  out: string;
  minimize: boolean;
  minimizePerClass: number;
  minimizeMs: number;
  savePerClass: number;
  quiet: boolean;
}

function parseOptions(argv: string[], root: string): Options {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(name);
    if (index === -1) return undefined;
    const v = argv[index + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  const number = (name: string, fallback: number, min = 0): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`${name} expects a number ≥ ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const known = new Set(['--count', '--start', '--only', '--seed', '--generators', '--workers', '--time-limit', '--rss-limit', '--fix-every', '--format-every', '--cli-every', '--cli', '--corpus', '--out', '--no-minimize', '--minimize-per-class', '--minimize-seconds', '--save-per-class', '--quiet']);
  for (const arg of argv) if (arg.startsWith('--') && !known.has(arg)) throw new UsageError(`unknown option ${arg}`);
  const weights: GeneratorWeights = { mutate: 5, grammar: 4.5, patho: 0.5 };
  const spec = value('--generators');
  if (spec !== undefined) {
    for (const g of GENERATOR_NAMES) weights[g] = 0;
    for (const part of spec.split(',')) {
      const [name, w = '1'] = part.split('=');
      if (!GENERATOR_NAMES.includes(name as GeneratorName) || !(Number(w) >= 0)) throw new UsageError(`--generators: expected e.g. mutate=5,grammar=4,patho=1; got ${JSON.stringify(part)}`);
      weights[name as GeneratorName] = Number(w);
    }
    if (GENERATOR_NAMES.every((g) => weights[g] === 0)) throw new UsageError('--generators: give at least one generator a weight');
  }
  const only = value('--only')?.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--only expects input indices, got ${JSON.stringify(s)}`);
    return n;
  });
  return {
    count: Math.floor(number('--count', 5000, 1)),
    start: Math.floor(number('--start', 0)),
    ...(only ? { only } : {}),
    seed: Math.floor(number('--seed', 1)),
    weights,
    workers: Math.floor(number('--workers', Math.max(1, os.availableParallelism()), 1)),
    timeLimitMs: number('--time-limit', 10, 0.1) * 1000,
    rssLimitKb: number('--rss-limit', 1536, 64) * 1024,
    fixEvery: Math.floor(number('--fix-every', 10)),
    formatEvery: Math.floor(number('--format-every', 10)),
    cliEvery: Math.floor(number('--cli-every', 200)),
    cli: path.resolve(value('--cli') ?? path.join(root, 'packages/cli/dist/sqlwarden.mjs')),
    corpus: path.resolve(value('--corpus') ?? path.join(root, '..', 'shared', 'corpus')),
    out: path.resolve(value('--out') ?? path.join(os.tmpdir(), 'sqlwarden-fuzz')),
    minimize: !argv.includes('--no-minimize'),
    minimizePerClass: Math.floor(number('--minimize-per-class', 3)),
    minimizeMs: number('--minimize-seconds', 120) * 1000,
    savePerClass: Math.floor(number('--save-per-class', 50)),
    quiet: argv.includes('--quiet'),
  };
}

interface Failure {
  index: number;
  generator: GeneratorName;
  label: string;
  class: string;
  message: string;
  migration: boolean;
  fix: boolean;
  formats: boolean;
  viaCli: boolean;
  bytes: Buffer;
  dir?: string;
  minimized?: { bytes: number; lines: number; probes: number; complete: boolean; preview: string };
}

/** Outcome classes a failure is compared by when minimising: the class, plus the normalised message for internal errors and crashes. */
function signature(problem: Problem): string {
  const norm = problem.message.replace(/\d+/g, '#').replace(/"[^"]*"/g, '""').slice(0, 120);
  return problem.class === 'internal-error' || problem.class === 'crash' || problem.class === 'lone-surrogate' || problem.class === 'position' ? `${problem.class}: ${norm}` : problem.class;
}

function problemsOf(outcome: Outcome, timeLimitMs: number, rssLimitKb: number): Problem[] {
  switch (outcome.kind) {
    case 'done':
      return outcome.response.problems;
    case 'timeout':
      return [{ class: 'timeout', message: `no result within ${timeLimitMs / 1000} s` }];
    case 'oom':
      return [{ class: 'oom', message: `over ${Math.round(rssLimitKb / 1024)} MB: ${outcome.detail}`.slice(0, 2000) }];
    case 'crash':
      return [{ class: 'crash', message: outcome.detail.slice(0, 2000) }];
  }
}

const percentile = (sorted: number[], p: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

async function main(): Promise<number> {
  const root = findRoot();
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2), root);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`fuzz: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const log = (line: string): void => {
    if (!options.quiet) console.error(line);
  };
  const corpus = new Corpus(['pg-migrations', 'pg-regress', path.join('queries', 'pg')].map((d) => path.join(options.corpus, d)));
  if (corpus.files.length === 0 && options.weights.mutate > 0) log(`fuzz: no corpus files under ${options.corpus}; the mutate generator is off`);
  if (options.cliEvery > 0 && !existsSync(options.cli)) {
    console.error(`fuzz: no CLI bundle at ${options.cli}: run \`npm run build\` (or pass --cli-every 0)`);
    return 2;
  }

  const runDir = path.join(options.out, `seed-${options.seed}`);
  rmSync(runDir, { recursive: true, force: true });
  const workDir = path.join(runDir, 'work');
  for (const dir of ['migrations', 'queries', 'cli']) mkdirSync(path.join(workDir, dir), { recursive: true });
  // Every rule on, the ones off by default as warnings; an explicit config so nothing above the
  // scratch directory is looked up.
  const configPath = path.join(workDir, 'sqlwarden.config.json');
  const rules = Object.fromEntries(builtinRules.filter((r) => r.meta.defaultSeverity === 'off').map((r) => [r.meta.id, 'warn']));
  writeFileSync(configPath, `${JSON.stringify({ postgresVersion: 15, rules }, null, 2)}\n`);

  const script = fileURLToPath(import.meta.url);
  const pool = new Pool({ size: options.workers, script, workDir, configPath, timeLimitMs: options.timeLimitMs, rssLimitKb: options.rssLimitKb });
  const indices = options.only ?? Array.from({ length: options.count }, (_, i) => options.start + i);
  log(`fuzz: ${indices.length} inputs, seed ${options.seed}, ${options.workers} workers, ${options.timeLimitMs / 1000} s / ${Math.round(options.rssLimitKb / 1024)} MB per input, corpus ${corpus.files.length} files; failures to ${runDir}`);

  const perGenerator: Record<string, number> = Object.fromEntries(GENERATOR_NAMES.map((g) => [g, 0]));
  const times: number[] = [];
  let maxRssKb = 0;
  let maxRssInput = -1;
  let slowest = { ms: 0, index: -1, label: '' };
  const failures: Failure[] = [];
  const failedInputs = new Set<number>();
  const cliTimes: number[] = [];
  let cliRuns = 0;
  let fixChecks = 0;
  let formatChecks = 0;
  let findings = 0;
  const started = Date.now();
  let done = 0;
  let lastLog = Date.now();

  const record = (input: FuzzInput, problems: Problem[], flags: { fix: boolean; formats: boolean; viaCli: boolean }): void => {
    const seen = new Set<string>();
    for (const problem of problems) {
      if (seen.has(problem.class)) continue; // one failure per class per input
      seen.add(problem.class);
      failedInputs.add(input.index);
      failures.push({ index: input.index, generator: input.generator, label: input.label, class: problem.class, message: problem.message, migration: input.migration, ...flags, bytes: input.bytes });
    }
  };

  let cliLane: Promise<void> = Promise.resolve();
  let cliQueued = 0;
  const runCli = (input: FuzzInput): void => {
    cliQueued++;
    cliLane = cliLane.then(async () => {
      const result = await cliSample(input.bytes, { cli: options.cli, configPath, dir: path.join(workDir, 'cli', String(input.index)), migration: input.migration, timeLimitMs: options.timeLimitMs, rssLimitKb: options.rssLimitKb });
      cliRuns++;
      cliTimes.push(result.ms);
      record(input, result.problems, { fix: false, formats: false, viaCli: true });
      cliQueued--;
    });
  };

  const classCounts = (): string => {
    const counts = new Map<string, number>();
    for (const f of failures) counts.set(f.class, (counts.get(f.class) ?? 0) + 1);
    return [...counts].map(([c, n]) => `${c} ${n}`).join(', ') || 'none';
  };

  let cursor = 0;
  const lane = async (): Promise<void> => {
    while (cursor < indices.length) {
      const index = indices[cursor++]!;
      const input = generate(options.seed, index, options.weights, corpus);
      perGenerator[input.generator]!++;
      const fix = options.fixEvery > 0 && index % options.fixEvery === 0;
      const formats = options.formatEvery > 0 && index % options.formatEvery === (options.formatEvery > 1 ? 1 : 0);
      if (fix) fixChecks++;
      if (formats) formatChecks++;
      const outcome = await pool.run({ bytes: input.bytes, migration: input.migration, fix, formats });
      const ms = outcome.kind === 'done' ? outcome.response.ms : outcome.ms;
      times.push(ms);
      if (ms > slowest.ms) slowest = { ms, index, label: `${input.generator}: ${input.label}`.slice(0, 120) };
      const rss = outcome.kind === 'done' ? (outcome.response.peakRssKb ?? 0) : outcome.kind === 'oom' ? outcome.rssKb : 0;
      if (rss > maxRssKb) {
        maxRssKb = rss;
        maxRssInput = index;
      }
      const problems = problemsOf(outcome, options.timeLimitMs, options.rssLimitKb);
      findings += problems.filter((p) => p.class === 'internal-error').length;
      record(input, problems, { fix, formats, viaCli: false });
      // The CLI sample only for inputs the engine got through: a hang there is already recorded.
      if (options.cliEvery > 0 && index % options.cliEvery === 0 && outcome.kind === 'done') {
        while (cliQueued > 2) await cliLane;
        runCli(input);
      }
      done++;
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(`  ${done}/${indices.length} inputs, ${(done / ((Date.now() - started) / 1000)).toFixed(1)}/s; failures: ${classCounts()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers + 1 }, lane));
  await cliLane;
  const fuzzSeconds = (Date.now() - started) / 1000;

  // Save and minimise.
  const savedPerClass = new Map<string, number>();
  for (const failure of failures) {
    const n = savedPerClass.get(failure.class) ?? 0;
    savedPerClass.set(failure.class, n + 1);
    if (n >= options.savePerClass) continue;
    failure.dir = path.join(runDir, failure.class, `${String(failure.index).padStart(6, '0')}-${failure.generator}${failure.viaCli ? '-cli' : ''}`);
    mkdirSync(failure.dir, { recursive: true });
    writeFileSync(path.join(failure.dir, 'original.sql'), failure.bytes);
  }
  if (options.minimize) {
    // Distinct messages first, then more of the same, up to minimizePerClass per class.
    const chosen: Failure[] = [];
    const perClass = new Map<string, number>();
    const seenSignatures = new Set<string>();
    const ordered = [...failures.filter((f) => f.dir)].sort((a, b) => a.bytes.length - b.bytes.length);
    for (const pass of [true, false]) {
      for (const f of ordered) {
        const sig = signature(f);
        if (chosen.includes(f) || (pass && seenSignatures.has(sig))) continue;
        if ((perClass.get(f.class) ?? 0) >= options.minimizePerClass) continue;
        seenSignatures.add(sig);
        perClass.set(f.class, (perClass.get(f.class) ?? 0) + 1);
        chosen.push(f);
      }
    }
    if (chosen.length) log(`fuzz: minimising ${chosen.length} failures (≤ ${options.minimizeMs / 1000} s each)`);
    let next = 0;
    const minimizer = async (): Promise<void> => {
      while (next < chosen.length) {
        const f = chosen[next++]!;
        const target = signature(f);
        const reproduces = async (candidate: Buffer): Promise<boolean> => {
          let problems: Problem[];
          if (f.viaCli) {
            problems = (await cliSample(candidate, { cli: options.cli, configPath, dir: path.join(workDir, 'cli', `min-${f.index}`), migration: f.migration, timeLimitMs: options.timeLimitMs, rssLimitKb: options.rssLimitKb })).problems;
          } else {
            problems = problemsOf(await pool.run({ bytes: candidate, migration: f.migration, fix: f.fix, formats: f.formats }), options.timeLimitMs, options.rssLimitKb);
          }
          return problems.some((p) => signature(p) === target);
        };
        const result = await minimize(f.bytes, reproduces, { maxProbes: 2000, maxMs: options.minimizeMs });
        writeFileSync(path.join(f.dir!, 'minimized.sql'), result.minimized);
        const text = result.minimized.toString('utf8');
        f.minimized = { bytes: result.minimized.length, lines: text.split('\n').length, probes: result.probes, complete: result.complete, preview: text.length > 300 ? `${text.slice(0, 300)}…` : text };
        log(`  ${f.class} #${f.index}: ${f.bytes.length} -> ${result.minimized.length} bytes in ${result.probes} probes${result.complete ? '' : ' (budget spent)'}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.workers, chosen.length) }, minimizer));
  }
  for (const f of failures) {
    if (!f.dir) continue;
    const { bytes: _bytes, dir: _dir, ...rest } = f;
    writeFileSync(path.join(f.dir, 'failure.json'), `${JSON.stringify({ seed: options.seed, ...rest, replay: `node scripts/run-ts.mjs scripts/fuzz.ts --seed ${options.seed} --only ${f.index}` }, null, 2)}\n`);
  }
  pool.close();

  // Summary.
  const sorted = [...times].sort((a, b) => a - b);
  const byClass = new Map<string, { inputs: number; perGenerator: Record<string, number> }>();
  for (const f of failures) {
    const entry = byClass.get(f.class) ?? { inputs: 0, perGenerator: {} };
    entry.inputs++;
    entry.perGenerator[f.generator] = (entry.perGenerator[f.generator] ?? 0) + 1;
    byClass.set(f.class, entry);
  }
  const summary = {
    seed: options.seed,
    inputs: indices.length,
    perGenerator,
    checks: { fix: fixChecks, formats: formatChecks, cli: cliRuns },
    failedInputs: failedInputs.size,
    failuresByClass: Object.fromEntries(byClass),
    internalErrorFindings: findings,
    timeMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0, slowestInput: slowest.index, slowestLabel: slowest.label },
    maxRssMb: Math.round(maxRssKb / 1024),
    maxRssInput,
    cliTimeMsP50: percentile([...cliTimes].sort((a, b) => a - b), 50),
    seconds: fuzzSeconds,
    inputsPerSecond: indices.length / fuzzSeconds,
    workerRestarts: pool.restarts,
    failures: failures.filter((f) => f.dir).map((f) => ({ index: f.index, class: f.class, generator: f.generator, label: f.label, message: f.message.slice(0, 300), dir: f.dir, ...(f.minimized ? { minimized: f.minimized } : {}) })),
  };
  writeFileSync(path.join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  rmSync(workDir, { recursive: true, force: true });

  const lines: string[] = [];
  lines.push(`## sqlwarden fuzz: seed ${options.seed}, ${indices.length} inputs in ${fuzzSeconds.toFixed(0)} s (${summary.inputsPerSecond.toFixed(1)} inputs/s, ${options.workers} workers)`);
  lines.push('');
  lines.push(`- per generator: ${GENERATOR_NAMES.map((g) => `${g} ${perGenerator[g]}`).join(', ')}; --fix checked on ${fixChecks}, formatters on ${formatChecks}, CLI runs ${cliRuns} (p50 ${(summary.cliTimeMsP50 / 1000).toFixed(2)} s)`);
  lines.push(`- time per input: p50 ${summary.timeMs.p50.toFixed(1)} ms, p99 ${summary.timeMs.p99.toFixed(0)} ms, max ${summary.timeMs.max.toFixed(0)} ms (input ${slowest.index}, ${slowest.label}); max peak RSS per input ${summary.maxRssMb} MB (input ${maxRssInput}); worker restarts ${pool.restarts}`);
  lines.push(`- failed inputs: ${failedInputs.size}${findings ? `; internal-error findings: ${findings}` : ''}`);
  if (byClass.size) {
    lines.push('');
    lines.push('| class | inputs | by generator |');
    lines.push('|---|---:|---|');
    for (const [cls, entry] of [...byClass].sort((a, b) => b[1].inputs - a[1].inputs)) lines.push(`| ${cls} | ${entry.inputs} | ${Object.entries(entry.perGenerator).map(([g, n]) => `${g} ${n}`).join(', ')} |`);
    const minimized = failures.filter((f) => f.minimized);
    if (minimized.length) {
      lines.push('');
      lines.push('Minimised:');
      for (const f of minimized) lines.push(`- ${f.class} (input ${f.index}, ${f.generator}: ${f.message.split('\n')[0]!.slice(0, 160)}): ${f.bytes.length} -> ${f.minimized!.bytes} bytes${f.minimized!.complete ? '' : ' (budget spent)'}\n  ${JSON.stringify(f.minimized!.preview)}\n  ${f.dir}`);
    }
  }
  lines.push('');
  lines.push(`Summary: ${path.join(runDir, 'summary.json')}`);
  console.log(lines.join('\n'));
  return failures.length > 0 ? 1 : 0;
}

if (process.argv[2] === '--fuzz-worker') {
  await runWorker(process.argv[3]!, process.argv[4]!);
} else {
  process.exitCode = await main();
}
