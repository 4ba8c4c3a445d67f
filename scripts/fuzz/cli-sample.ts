/**
 * The CLI-spawn oracle for a sample of inputs: the built CLI bundle run on the input as a file,
 * `--format json`, with the same time and RSS limits as the pool. Checks the exit code against the
 * reported messages (0 clean, 1 errors, 2 only when a file could not be linted), that stderr is
 * empty, that stdout is one valid JSON report without lone surrogates, and message positions.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeSource } from '@sqlwarden/core';
import { checkPositions, expectedExitCode, findLoneSurrogate, Lines, type PositionedMessage, type Problem } from './oracles.ts';

export interface CliSampleOptions {
  cli: string;
  configPath: string;
  /** A scratch directory for this sample (removed afterwards). */
  dir: string;
  migration: boolean;
  timeLimitMs: number;
  rssLimitKb: number;
}

/** stderr lines the CLI may legitimately print with these options (none today). */
const EXPECTED_STDERR: RegExp[] = [];

export async function cliSample(bytes: Buffer, options: CliSampleOptions): Promise<{ problems: Problem[]; ms: number; peakRssKb: number }> {
  const file = options.migration ? path.join(options.dir, 'migrations', '0001_fuzz.sql') : path.join(options.dir, 'queries', 'fuzz.sql');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  const problems: Problem[] = [];
  const started = performance.now();
  const child = spawn(process.execPath, [options.cli, '--format', 'json', '--no-ignore', '--config', options.configPath, file], { cwd: options.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString();
  });
  let peakRssKb = 0;
  let killedFor: 'timeout' | 'oom' | undefined;
  const sampler = setInterval(() => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakRssKb = Math.max(peakRssKb, Number(match[1]));
    } catch {
      // exited
    }
    if (peakRssKb > options.rssLimitKb && !killedFor) {
      killedFor = 'oom';
      child.kill('SIGKILL');
    }
  }, 50);
  // The CLI's own start-up (about 0.3 s) on top of the pool's limit.
  const timer = setTimeout(() => {
    if (!killedFor) {
      killedFor = 'timeout';
      child.kill('SIGKILL');
    }
  }, options.timeLimitMs + 5000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearInterval(sampler);
  clearTimeout(timer);
  const ms = performance.now() - started;
  rmSync(options.dir, { recursive: true, force: true });

  if (killedFor === 'timeout') return { problems: [{ class: 'cli-timeout', message: `the CLI ran over ${Math.round((options.timeLimitMs + 5000) / 1000)} s` }], ms, peakRssKb };
  if (killedFor === 'oom') return { problems: [{ class: 'cli-oom', message: `the CLI's RSS went over ${Math.round(options.rssLimitKb / 1024)} MB` }], ms, peakRssKb };
  if (signal || code === null || code > 2) {
    return { problems: [{ class: 'cli-crash', message: `the CLI exited with ${signal ?? code}: ${stderr.trim().split('\n').slice(0, 8).join(' | ').slice(0, 800)}` }], ms, peakRssKb };
  }
  const unexpected = stderr.split('\n').filter((line) => line.trim() !== '' && !EXPECTED_STDERR.some((re) => re.test(line)));
  if (unexpected.length) problems.push({ class: 'cli-stderr', message: `unexpected stderr (exit ${code}): ${unexpected.slice(0, 5).join(' | ').slice(0, 800)}` });
  const out = Buffer.concat(stdout).toString('utf8');
  let report: Array<{ messages: Array<PositionedMessage & { severity: number; fatal?: boolean }> }>;
  try {
    report = JSON.parse(out);
    if (!Array.isArray(report) || report.length !== 1) throw new Error(`expected one result, got ${Array.isArray(report) ? report.length : typeof report}`);
  } catch (error) {
    problems.push({ class: 'cli-json', message: `stdout is not the JSON report (exit ${code}): ${error instanceof Error ? error.message : String(error)}; starts ${JSON.stringify(out.slice(0, 200))}` });
    return { problems, ms, peakRssKb };
  }
  const lone = findLoneSurrogate(report);
  if (lone) problems.push({ class: 'lone-surrogate', message: `CLI JSON report: ${lone}` });
  const messages = report[0]!.messages;
  const expected = expectedExitCode(messages);
  if (code !== expected) problems.push({ class: 'cli-exit', message: `exit code ${code}, but the report's messages call for ${expected}` });
  const decoded = decodeSource(bytes, file);
  if (decoded.ok) {
    const lines = new Lines(decoded.text);
    for (const m of messages) {
      const bad = checkPositions(lines, m);
      if (bad) {
        problems.push({ class: 'position', message: `CLI report: ${bad}` });
        break;
      }
    }
  }
  return { problems, ms, peakRssKb };
}
