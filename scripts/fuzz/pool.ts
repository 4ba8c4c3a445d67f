/**
 * A pool of lint worker processes (worker.ts) with a watchdog: each input gets a wall-clock
 * limit, and the worker's RSS is sampled while it runs; a worker over either limit is killed
 * (SIGKILL) and replaced, and the input recorded as `timeout` or `oom`. A worker that dies on its
 * own (V8 out of memory, WASM abort, uncaught exception) gives `crash` (or `oom` when V8 says so).
 *
 * Child processes rather than worker threads: a thread cannot be measured or killed apart from the
 * harness, and the parser's WASM memory is outside any thread's heap limit.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { WorkerJob, WorkerMessage, WorkerResponse } from './worker.ts';

export type Outcome =
  | { kind: 'done'; response: WorkerResponse }
  | { kind: 'timeout'; ms: number }
  | { kind: 'oom'; ms: number; rssKb: number; detail: string }
  | { kind: 'crash'; ms: number; detail: string };

export interface PoolOptions {
  size: number;
  /** The harness bundle, forked with `--fuzz-worker <workDir> <configPath>`. */
  script: string;
  workDir: string;
  configPath: string;
  timeLimitMs: number;
  rssLimitKb: number;
}

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  stderr: string;
  job?: { id: number; started: number; resolve: (outcome: Outcome) => void; timer: NodeJS.Timeout; peakKb: number };
  dead: boolean;
}

function rssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export class Pool {
  private readonly slots: Slot[] = [];
  private readonly idle: Slot[] = [];
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private nextId = 1;
  private readonly sampler: NodeJS.Timeout;
  restarts = 0;
  private startFailures = 0;

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < options.size; i++) this.release(this.spawn());
    this.sampler = setInterval(() => this.sample(), 50);
  }

  private spawn(): Slot {
    // V8's own heap limit a little under the RSS limit, so most blow-ups end as a clean V8 OOM.
    const heapMb = Math.max(256, Math.floor(this.options.rssLimitKb / 1024));
    const child = fork(this.options.script, ['--fuzz-worker', this.options.workDir, this.options.configPath], {
      execArgv: [`--max-old-space-size=${heapMb}`, '--stack-size=984'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let markReady!: () => void;
    const slot: Slot = { child, ready: new Promise((resolve) => (markReady = resolve)), stderr: '', dead: false };
    this.slots.push(slot);
    child.stderr!.on('data', (chunk: Buffer) => {
      slot.stderr = (slot.stderr + chunk.toString()).slice(-4000);
    });
    let started = false;
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        started = true;
        markReady();
      } else if (message.type === 'result' && slot.job && message.id === slot.job.id) {
        const job = slot.job;
        slot.job = undefined;
        clearTimeout(job.timer);
        job.resolve({ kind: 'done', response: message });
        this.release(slot);
      } else if (message.type === 'crash') {
        slot.stderr = `${message.message}\n${slot.stderr}`.slice(0, 4000);
      }
    });
    // A send to a worker that has just died reports here; its exit handler deals with the job.
    child.on('error', () => {});
    child.on('exit', (code, signal) => {
      slot.dead = true;
      markReady();
      if (!started && !slot.job) {
        // The worker could not even start: respawning it would loop.
        if (++this.startFailures >= 3) {
          process.stderr.write(`fuzz: the lint worker exits before it is ready (${signal ?? `code ${code}`}):\n${slot.stderr}\n`);
          process.exit(2);
        }
      } else {
        this.startFailures = 0;
      }
      if (!slot.job) {
        // Died while idle (or before its first input): replace it.
        const idle = this.idle.indexOf(slot);
        if (idle >= 0) this.idle.splice(idle, 1);
        this.replace(slot);
        return;
      }
      const job = slot.job;
      slot.job = undefined;
      clearTimeout(job.timer);
      const ms = performance.now() - job.started;
      const detail = `worker exited (${signal ?? `code ${code}`}): ${slot.stderr.trim().split('\n').slice(0, 12).join('\n')}`;
      const oom = /heap out of memory|Allocation failed|out of memory|OOM/i.test(slot.stderr);
      job.resolve(oom ? { kind: 'oom', ms, rssKb: job.peakKb, detail } : { kind: 'crash', ms, detail });
      this.replace(slot);
    });
    return slot;
  }

  private replace(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    this.restarts++;
    if (!this.closed) this.release(this.spawn());
  }

  private kill(slot: Slot, outcome: Outcome): void {
    const job = slot.job!;
    slot.job = undefined;
    clearTimeout(job.timer);
    slot.child.removeAllListeners('exit');
    slot.child.kill('SIGKILL');
    slot.dead = true;
    job.resolve(outcome);
    this.replace(slot);
  }

  private sample(): void {
    for (const slot of this.slots) {
      if (!slot.job) continue;
      const kb = rssKb(slot.child.pid);
      if (kb === undefined) continue;
      slot.job.peakKb = Math.max(slot.job.peakKb, kb);
      if (kb > this.options.rssLimitKb) {
        this.kill(slot, { kind: 'oom', ms: performance.now() - slot.job.started, rssKb: kb, detail: `worker RSS ${Math.round(kb / 1024)} MB over the ${Math.round(this.options.rssLimitKb / 1024)} MB limit` });
      }
    }
  }

  private release(slot: Slot): void {
    void slot.ready.then(() => {
      if (slot.dead) return;
      const next = this.waiting.shift();
      if (next) next(slot);
      else this.idle.push(slot);
    });
  }

  private acquire(): Promise<Slot> {
    const slot = this.idle.shift();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async run(job: Omit<WorkerJob, 'id'>): Promise<Outcome> {
    const slot = await this.acquire();
    const id = this.nextId++;
    return new Promise<Outcome>((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => this.kill(slot, { kind: 'timeout', ms: performance.now() - started }), this.options.timeLimitMs);
      slot.stderr = '';
      slot.job = { id, started, resolve, timer, peakKb: 0 };
      slot.child.send({ ...job, id });
    });
  }

  private closed = false;

  close(): void {
    this.closed = true;
    clearInterval(this.sampler);
    for (const slot of this.slots) {
      slot.child.removeAllListeners('exit');
      slot.child.kill('SIGKILL');
    }
  }
}
