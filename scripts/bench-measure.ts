/**
 * Running one tool process for the benchmark (scripts/bench.ts) and measuring it: wall time from
 * spawn to exit, CPU time (user + system) and peak RSS.
 *
 * CPU and peak RSS come from GNU `/usr/bin/time -v` (getrusage of the child: exact, and a short
 * run between two samples still counts). Without it, peak RSS is sampled from
 * /proc/<pid>/status VmHWM every 20 ms and CPU is not reported (SQLWARDEN_BENCH_NO_GNU_TIME=1
 * forces that path). A run with a time or memory limit gets its own process group, so that killing
 * it kills the tool under GNU time too; the limit is watched by sampling VmHWM of the tool's
 * process (GNU time's child).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';

export const gnuTime =
  process.env.SQLWARDEN_BENCH_NO_GNU_TIME !== '1' && existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' }).stderr.includes('Maximum resident set size')
    ? '/usr/bin/time'
    : undefined;

/** How the measuring was done, for the notes under a table. */
export const measuringNote = gnuTime
  ? '`/usr/bin/time -v` (user + system CPU; maximum resident set size)'
  : 'no GNU time: peak RSS sampled from /proc/<pid>/status VmHWM every 20 ms, CPU not measured';

export type RunStatus = 'ok' | 'timeout' | 'OOM' | 'crash' | 'rejected';

export interface Measurement {
  wallMs: number;
  /** User + system seconds; only with GNU time, and not for a killed run. */
  cpuS?: number;
  /** Peak resident set size in kB; undefined when nothing could be read. */
  maxRssKb?: number;
  /** ok: exit 0 or 1 (both tools exit 1 when they find problems); otherwise why the run has no result. */
  status: RunStatus;
  detail?: string;
  /** The first 20,000 characters the tool wrote to stderr. */
  stderr: string;
}

/** Every measured run so far (killed ones included), for the bench's closing line: wall and CPU seconds, count. */
export const measured = { runs: 0, wallS: 0, cpuS: 0 };

export interface MeasureOptions {
  cwd: string;
  /** The tool's stdout goes here. */
  outFile: string;
  env?: NodeJS.ProcessEnv;
  /** Killed past this: status `timeout`. */
  timeoutMs?: number;
  /** Killed when VmHWM passes this: status `OOM`. */
  rssLimitKb?: number;
}

function reportNumber(report: string, label: string): number | undefined {
  const match = new RegExp(`${label.replace(/[()]/g, '\\$&')}: ([\\d.]+)`).exec(report);
  return match ? Number(match[1]) : undefined;
}

/** Runs `command` to completion (or to a limit) and measures it. Never rejects for a failed tool: see `status`. */
export function measureProcess(command: string, commandArgs: string[], options: MeasureOptions): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const out = openSync(options.outFile, 'w');
    const timeFile = `${options.outFile}.time`;
    rmSync(timeFile, { force: true });
    const limited = options.timeoutMs !== undefined || options.rssLimitKb !== undefined;
    const [file, argv] = gnuTime ? [gnuTime, ['-v', '-o', timeFile, command, ...commandArgs]] : [command, commandArgs];
    const start = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', out, 'pipe'], detached: limited });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString();
    });
    let sampledKb = 0;
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
    // GNU time's report is exact; sampling is needed without it, or to enforce a memory limit.
    const sampler =
      gnuTime && options.rssLimitKb === undefined
        ? undefined
        : setInterval(() => {
            const pid = toolPid();
            if (pid === undefined) return;
            try {
              const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
              if (match) sampledKb = Math.max(sampledKb, Number(match[1]));
            } catch {
              // Exited between two samples.
            }
            if (options.rssLimitKb !== undefined && sampledKb > options.rssLimitKb) kill('OOM');
          }, 20);
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => kill('timeout'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (sampler) clearInterval(sampler);
      if (timer) clearTimeout(timer);
      closeSync(out);
      let exit: number | string | null = signal ?? code;
      let cpuS: number | undefined;
      let peakKb = sampledKb;
      if (gnuTime && !killed && existsSync(timeFile)) {
        const report = readFileSync(timeFile, 'utf8');
        const user = reportNumber(report, 'User time (seconds)');
        const system = reportNumber(report, 'System time (seconds)');
        if (user !== undefined && system !== undefined) cpuS = user + system;
        peakKb = Math.max(peakKb, reportNumber(report, 'Maximum resident set size (kbytes)') ?? 0);
        exit = reportNumber(report, 'Exit status') ?? exit;
        const terminated = /Command terminated by signal (\d+)/.exec(report);
        if (terminated) exit = `signal ${terminated[1]}`;
      }
      const base = { wallMs, ...(cpuS !== undefined ? { cpuS } : {}), ...(peakKb > 0 ? { maxRssKb: peakKb } : {}), stderr };
      measured.runs++;
      measured.wallS += wallMs / 1000;
      measured.cpuS += cpuS ?? 0;
      if (killed) {
        resolve({ ...base, status: killed, detail: killed === 'OOM' ? `RSS over ${options.rssLimitKb! / 1024} MB` : `over ${options.timeoutMs! / 1000} s` });
      } else if (/heap out of memory|Allocation failed/i.test(stderr)) {
        resolve({ ...base, status: 'OOM', detail: 'V8 heap limit' });
      } else if (exit === 0 || exit === 1) {
        resolve({ ...base, status: 'ok' });
      } else if (exit === 2 && /"fatal":true/.test(readHead(options.outFile))) {
        // sqlwarden's exit 2 with a fatal message: a file was refused (e.g. over the size limit).
        const message = /"message":"([^"]*)"/.exec(readHead(options.outFile))?.[1] ?? 'file refused';
        resolve({ ...base, status: 'rejected', detail: message.split(';')[0]! });
      } else {
        resolve({ ...base, status: 'crash', detail: `exit ${exit}: ${stderr.trim().split('\n').filter(Boolean).slice(-2).join(' | ').slice(0, 200)}` });
      }
    });
  });
}

function readHead(file: string): string {
  return readFileSync(file, 'utf8').slice(0, 100_000);
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const fmt = (value: number | undefined, digits: number): string => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

/** Megabytes as the tables use them: 10^6 bytes for input sizes, 2^20 bytes (= 1024 kB) for RSS. */
export const rssMb = (kb: number | undefined): number | undefined => (kb === undefined ? undefined : kb / 1024);
