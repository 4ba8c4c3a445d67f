/**
 * The lint process of the fuzz pool: one child process (fork of the harness bundle with
 * `--fuzz-worker`) that loads the engine once and then checks input after input, so that an
 * input costs a lint, not a CLI start-up. The parent times every input and watches this process's
 * RSS; a stuck or bloated worker is killed and replaced (pool.ts).
 *
 * Per input: decode the bytes as the CLI does, lint with a fresh catalog, and check what needs the
 * engine's results — internal errors, positions, lone surrogates, and on request the report
 * formatters (JSON, SARIF, GitLab) and `--fix` (idempotent, no new syntax errors).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeSource, Linter, type Diagnostic } from '@sqlwarden/core';
import { builtinRules } from '@sqlwarden/rules';
import { collectRulesMeta } from '../../packages/cli/src/formatters/context.ts';
import { gitlab } from '../../packages/cli/src/formatters/gitlab.ts';
import { json } from '../../packages/cli/src/formatters/json.ts';
import { sarif } from '../../packages/cli/src/formatters/sarif.ts';
import { type CliMessage, type CliResult, type Formatter, withMessages } from '../../packages/cli/src/types.ts';
import { checkPositions, findLoneSurrogate, hasLoneSurrogate, Lines, type Problem } from './oracles.ts';

export interface WorkerJob {
  id: number;
  bytes: Uint8Array;
  migration: boolean;
  fix: boolean;
  formats: boolean;
}

export interface WorkerResponse {
  type: 'result';
  id: number;
  ms: number;
  /** Peak RSS of the worker during this input (kB), when /proc allows resetting it; else the process peak. */
  peakRssKb?: number;
  problems: Problem[];
  /** What the CLI would do with this input: 2 fatal, 1 errors, 0 clean. */
  exitCode: number;
  messageCount: number;
}

export type WorkerMessage = { type: 'ready' } | WorkerResponse | { type: 'crash'; message: string };

/** The virtual path of the input: under migrations/ (migration rules apply) or not. */
export function inputPath(workDir: string, migration: boolean): string {
  return migration ? path.join(workDir, 'migrations', '0001_fuzz.sql') : path.join(workDir, 'queries', 'fuzz.sql');
}

function resetPeakRss(): boolean {
  try {
    // Linux: "5" resets VmHWM to the current RSS for this process.
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRssKb(): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function toCliMessage(d: Diagnostic): CliMessage {
  const m: CliMessage = { ruleId: d.ruleId, severity: d.severity, message: d.message, line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn };
  if (d.fix) m.fix = d.fix;
  if (d.suggestions?.length) m.suggestions = d.suggestions;
  return m;
}

function cliResult(filePath: string, source: string | undefined, messages: CliMessage[]): CliResult {
  return withMessages({ filePath, messages: [], errorCount: 0, warningCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, fatalErrorCount: 0, ...(source !== undefined ? { source } : {}) }, messages);
}

export async function runWorker(workDir: string, configPath: string): Promise<void> {
  const send = (message: WorkerMessage): void => void process.send!(message);
  process.on('uncaughtException', (error) => {
    send({ type: 'crash', message: `uncaught exception: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
    setTimeout(() => process.exit(70), 50);
  });
  process.on('unhandledRejection', (error) => {
    send({ type: 'crash', message: `unhandled rejection: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
    setTimeout(() => process.exit(70), 50);
  });
  // The engine must not print: anything it writes to stderr or the console is a finding.
  let stray = '';
  const capture = (chunk: unknown): boolean => {
    if (stray.length < 2000) stray += String(chunk);
    return true;
  };
  process.stderr.write = capture as typeof process.stderr.write;
  process.stdout.write = capture as typeof process.stdout.write;
  for (const method of ['log', 'warn', 'error', 'info', 'debug'] as const) console[method] = (...args: unknown[]) => void capture(`${args.map(String).join(' ')}\n`);

  const linter = new Linter({ cwd: workDir, configPath, rules: builtinRules });
  await linter.prepare(inputPath(workDir, true));
  await linter.prepare(inputPath(workDir, false));
  const rulesMeta = await collectRulesMeta(builtinRules, [], linter);
  const canResetPeak = resetPeakRss();
  const formatters: Array<[string, Formatter]> = [['json', json], ['sarif', sarif], ['gitlab', gitlab]];

  const check = async (job: WorkerJob): Promise<{ problems: Problem[]; exitCode: number; messageCount: number }> => {
    const problems: Problem[] = [];
    const filePath = inputPath(workDir, job.migration);
    const decoded = decodeSource(job.bytes, filePath);
    let results: CliResult[];
    let exitCode: number;
    let messageCount = 0;
    if (!decoded.ok) {
      if (hasLoneSurrogate(decoded.message)) problems.push({ class: 'lone-surrogate', message: `file error message: ${decoded.message}` });
      results = [cliResult(filePath, undefined, [{ ruleId: null, fatal: true, severity: 2, message: decoded.message, line: 1, column: 1 }])];
      exitCode = 2;
    } else {
      const text = decoded.text;
      linter.resetCatalog();
      let result;
      try {
        result = await linter.lintText(text, { filePath });
      } catch (error) {
        problems.push({ class: 'crash', message: `lintText threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
        return { problems, exitCode: 2, messageCount: 0 };
      }
      messageCount = result.messages.length;
      const lines = new Lines(text);
      let positionProblems = 0;
      for (const m of result.messages) {
        if (m.ruleId === 'internal-error') problems.push({ class: 'internal-error', message: m.message });
        const bad = checkPositions(lines, m);
        if (bad && positionProblems++ < 3) problems.push({ class: 'position', message: bad });
        if (hasLoneSurrogate(m.message)) problems.push({ class: 'lone-surrogate', message: `${m.ruleId}: ${JSON.stringify(m.message)}` });
        if (typeof m.message !== 'string' || m.message.length === 0) problems.push({ class: 'bad-message', message: `${m.ruleId}: empty or non-string message` });
      }
      // A NUL byte (past the binary sniffing, or the file would be rejected) must not silently cut
      // the text short: some message must point at it (its range holds the NUL's offset).
      const nul = text.indexOf('\0');
      if (nul >= 0 && !result.messages.some((m) => m.range.start <= nul && (nul < m.range.end || m.range.start === nul))) {
        const at = lines.position(nul);
        problems.push({ class: 'nul-ignored', message: `a NUL byte at ${at.line}:${at.column} (offset ${nul}) is not reported: no message's range holds it (${result.messages.length} messages)` });
      }
      results = [cliResult(filePath, text, result.messages.map(toCliMessage))];
      exitCode = result.errorCount > 0 ? 1 : 0;

      if (job.fix) {
        const syntaxBefore = result.messages.filter((m) => m.ruleId === 'syntax-error').length;
        try {
          linter.resetCatalog();
          const fixed = await linter.lintText(text, { filePath, fix: true });
          if (fixed.output !== undefined) {
            linter.resetCatalog();
            const again = await linter.lintText(fixed.output, { filePath, fix: true });
            if (again.output !== undefined && again.output !== fixed.output) {
              problems.push({ class: 'fix-not-idempotent', message: `fixing the fixed text changed it again (${fixed.output.length} -> ${again.output.length} code units)` });
            } else {
              const syntaxAfter = again.messages.filter((m) => m.ruleId === 'syntax-error');
              if (syntaxAfter.length > syntaxBefore) {
                problems.push({ class: 'fix-syntax', message: `--fix introduced syntax errors (${syntaxBefore} -> ${syntaxAfter.length}): ${syntaxAfter[0]!.message}` });
              }
            }
            if (hasLoneSurrogate(fixed.output)) problems.push({ class: 'lone-surrogate', message: '--fix output holds a lone surrogate' });
          }
        } catch (error) {
          problems.push({ class: 'crash', message: `lintText with fix threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
        }
      }
    }
    if (job.formats) {
      for (const [name, format] of formatters) {
        let out: string;
        try {
          out = await format(results, { color: false, cwd: workDir, version: '0.0.0-fuzz', rulesMeta });
        } catch (error) {
          problems.push({ class: 'formatter-crash', message: `${name} formatter threw: ${error instanceof Error ? error.message : String(error)}` });
          continue;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(out);
        } catch (error) {
          problems.push({ class: 'invalid-json', message: `${name} output is not JSON: ${error instanceof Error ? error.message : String(error)}` });
          continue;
        }
        const lone = findLoneSurrogate(parsed);
        if (lone) problems.push({ class: 'lone-surrogate', message: `${name} report: ${lone}` });
      }
    }
    return { problems, exitCode, messageCount };
  };

  process.on('message', (job: WorkerJob) => {
    void (async () => {
      if (canResetPeak) resetPeakRss();
      stray = '';
      const start = performance.now();
      const { problems, exitCode, messageCount } = await check({ ...job, bytes: Buffer.from(job.bytes) });
      const ms = performance.now() - start;
      if (stray) problems.push({ class: 'stderr', message: `the engine wrote to the console: ${stray.slice(0, 500)}` });
      const peak = peakRssKb();
      send({ type: 'result', id: job.id, ms, ...(peak !== undefined ? { peakRssKb: peak } : {}), problems, exitCode, messageCount });
    })();
  });
  send({ type: 'ready' });
}
