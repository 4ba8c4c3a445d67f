/**
 * Baselines: `--write-baseline <file>` records the current findings, `--baseline <file>` hides
 * the recorded ones so that only new findings fail the run.
 *
 * File paths in the baseline are relative to the baseline file's directory (`/`-separated), so
 * the file can be committed and used from any checkout location. Each finding is identified by a
 * fingerprint (see fingerprint.ts) that does not depend on its line. Matching is count-aware: N
 * identical recorded findings hide at most N current ones.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stringifyWellFormed, type Linter, type LintFileResult } from '@sqlwarden/core';
import writeFileAtomic from 'write-file-atomic';
import { describeFsError } from '../discover.ts';
import { UsageError } from '../errors.ts';
import { withMessages, type CliResult } from '../types.ts';
import { fingerprintMessages, type Fingerprint, type Span } from './fingerprint.ts';
import { hasSource } from '../packed-result.ts';

export const BASELINE_VERSION = 1;

/** The CLI options this module reads (part of CliOptions). */
export interface BaselineOptions {
  baseline?: string;
  writeBaseline?: string;
}

export interface BaselineEntry {
  fingerprint: string;
  excerpt?: string;
}

export interface BaselineFile {
  version: typeof BASELINE_VERSION;
  tool: { name: string; version: string };
  /** Relative file path -> rule id -> entries, in file order. */
  files: Record<string, Record<string, BaselineEntry[]>>;
}

export function checkBaselineOptions(options: BaselineOptions & { stdin: boolean; changedSince?: string }): void {
  if (options.writeBaseline === undefined) return;
  if (options.baseline !== undefined) {
    throw new UsageError('--write-baseline rewrites the baseline from the current findings; it cannot be combined with --baseline.');
  }
  if (options.stdin) throw new UsageError('--write-baseline cannot be combined with --stdin.');
  if (options.changedSince !== undefined) {
    throw new UsageError('--write-baseline records every finding of the run; it cannot be combined with --changed-since.');
  }
}

interface Context {
  cwd: string;
  version: string;
  linter: Pick<Linter, 'lintText'>;
}

/** Reads and checks `--baseline` up front (a bad file fails before any linting), or prepares `--write-baseline`. */
export function prepareBaseline(options: BaselineOptions, context: Context): Baseline | undefined {
  if (options.writeBaseline !== undefined) return new Baseline('write', options.writeBaseline, context);
  if (options.baseline !== undefined) return new Baseline('filter', options.baseline, context, readBaselineFile(path.resolve(context.cwd, options.baseline), options.baseline));
  return undefined;
}

export function readBaselineFile(absolutePath: string, shown: string): BaselineFile {
  let text: string;
  try {
    text = readFileSync(absolutePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError(`Baseline file ${shown} not found; create it with --write-baseline ${shown}.`);
    }
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw new UsageError(`Baseline file ${shown} is a directory.`);
    throw new UsageError(`Cannot read baseline file ${shown}: ${describeFsError(error, 'file')}.`);
  }
  const invalid = (reason: string): UsageError =>
    new UsageError(`Invalid baseline file ${shown}: ${reason}. Regenerate it with --write-baseline ${shown}.`);
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw invalid(`not JSON (${(error as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid('expected a JSON object');
  const record = data as Record<string, unknown>;
  if (record.version !== BASELINE_VERSION) {
    throw invalid(
      record.version === undefined ? 'no "version"' : `version ${JSON.stringify(record.version)} is not supported (this sqlwarden reads version ${BASELINE_VERSION})`,
    );
  }
  const files = record.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) throw invalid('"files" must be an object');
  for (const [file, rules] of Object.entries(files)) {
    if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) throw invalid(`"files.${file}" must be an object of rule ids`);
    for (const [ruleId, entries] of Object.entries(rules)) {
      if (!Array.isArray(entries)) throw invalid(`"files.${file}.${ruleId}" must be an array`);
      for (const entry of entries) {
        if (typeof entry !== 'object' || entry === null || typeof (entry as BaselineEntry).fingerprint !== 'string') {
          throw invalid(`every entry of "files.${file}.${ruleId}" needs a string "fingerprint"`);
        }
      }
    }
  }
  return data as BaselineFile;
}

export interface BaselineOutput {
  stderr: { write(text: string): unknown };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export class Baseline {
  private readonly absolutePath: string;
  private readonly directory: string;
  private readonly statements = new Map<string, readonly Span[]>();

  constructor(
    readonly mode: 'write' | 'filter',
    private readonly shownPath: string,
    private readonly context: Context,
    private readonly recorded?: BaselineFile,
  ) {
    this.absolutePath = path.resolve(context.cwd, shownPath);
    this.directory = path.dirname(this.absolutePath);
  }

  /** Keeps the statement ranges the engine found, so fingerprints need no second parse. */
  remember(result: LintFileResult): void {
    if (result.statementRanges !== undefined) this.statements.set(result.filePath, result.statementRanges);
  }

  /** The key of a result in the baseline: its path relative to the baseline's directory. */
  relativePath(filePath: string): string {
    if (!path.isAbsolute(filePath)) return filePath; // `<text>`
    return path.relative(this.directory, filePath).split(path.sep).join('/');
  }

  private async fingerprints(result: CliResult): Promise<Array<Fingerprint | undefined>> {
    const text = result.output ?? result.source;
    if (text === undefined) return result.messages.map(() => undefined);
    let statements = result.output === undefined ? this.statements.get(result.filePath) : undefined;
    if (statements === undefined) {
      // Fixed text (or stdin): its statements as the engine splits them.
      const relinted = await this.context.linter.lintText(text, path.isAbsolute(result.filePath) ? { filePath: result.filePath } : {});
      statements = relinted.statementRanges ?? [];
    }
    return fingerprintMessages(text, statements, result.messages);
  }

  /** Writes the baseline, or hides recorded findings; prints what it did to stderr. */
  async apply(results: readonly CliResult[], io: BaselineOutput): Promise<CliResult[]> {
    return this.mode === 'write' ? this.write(results, io) : this.filter(results, io);
  }

  private async write(results: readonly CliResult[], io: BaselineOutput): Promise<CliResult[]> {
    const files: BaselineFile['files'] = {};
    const out: CliResult[] = [];
    let findings = 0;
    let unreadable = 0;
    for (const result of results) {
      if (result.fatalErrorCount > 0) unreadable++;
      if (!hasSource(result)) {
        out.push(result);
        continue;
      }
      const fingerprints = await this.fingerprints(result);
      const byRule: Record<string, BaselineEntry[]> = {};
      result.messages.forEach((message, index) => {
        const fingerprint = fingerprints[index];
        if (fingerprint === undefined || message.ruleId === null) return;
        (byRule[message.ruleId] ??= []).push({ fingerprint: fingerprint.fingerprint, excerpt: fingerprint.excerpt });
        findings++;
      });
      if (Object.keys(byRule).length > 0) {
        files[this.relativePath(result.filePath)] = Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      }
      out.push(withMessages(result, result.messages.filter((_, index) => fingerprints[index] === undefined)));
    }
    if (unreadable > 0) {
      io.stderr.write(`sqlwarden: the baseline was not written: ${plural(unreadable, 'file', 'files')} could not be linted.\n`);
      return [...results];
    }
    const sortedFiles = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const baseline: BaselineFile = { version: BASELINE_VERSION, tool: { name: 'sqlwarden', version: this.context.version }, files: sortedFiles };
    try {
      mkdirSync(this.directory, { recursive: true });
      await writeFileAtomic(this.absolutePath, `${stringifyWellFormed(baseline, 2)}\n`);
    } catch (error) {
      throw new UsageError(`Cannot write baseline file ${this.shownPath}: ${describeFsError(error, 'file')}.`);
    }
    io.stderr.write(
      `sqlwarden: wrote ${plural(findings, 'finding', 'findings')} in ${plural(Object.keys(sortedFiles).length, 'file', 'files')} to ${this.shownPath}.\n`,
    );
    return out;
  }

  private async filter(results: readonly CliResult[], io: BaselineOutput): Promise<CliResult[]> {
    /** Relative path -> fingerprint -> how many recorded findings are still unmatched. */
    const remaining = new Map<string, Map<string, number>>();
    for (const [file, rules] of Object.entries(this.recorded?.files ?? {})) {
      const counts = new Map<string, number>();
      for (const entries of Object.values(rules)) {
        for (const entry of entries) counts.set(entry.fingerprint, (counts.get(entry.fingerprint) ?? 0) + 1);
      }
      remaining.set(file, counts);
    }
    const linted = new Set<string>();
    const out: CliResult[] = [];
    for (const result of results) {
      if (!hasSource(result) || result.fatalErrorCount > 0) {
        out.push(result);
        continue;
      }
      const key = this.relativePath(result.filePath);
      linted.add(key);
      const counts = remaining.get(key);
      if (counts === undefined || result.messages.length === 0) {
        out.push(result);
        continue;
      }
      const fingerprints = await this.fingerprints(result);
      const kept = result.messages.filter((_, index) => {
        const fingerprint = fingerprints[index]?.fingerprint;
        const left = fingerprint === undefined ? 0 : (counts.get(fingerprint) ?? 0);
        if (left === 0) return true;
        counts.set(fingerprint!, left - 1);
        return false;
      });
      out.push(kept.length === result.messages.length ? result : withMessages(result, kept));
    }
    // Entries of files this run linted that matched nothing, and of files that no longer exist.
    let stale = 0;
    for (const [file, counts] of remaining) {
      if (!linted.has(file) && (file === '<text>' || existsSync(path.resolve(this.directory, file)))) continue;
      for (const count of counts.values()) stale += count;
    }
    if (stale > 0) {
      io.stderr.write(
        `sqlwarden: ${stale === 1 ? '1 baseline entry no longer occurs' : `${stale} baseline entries no longer occur`}; rerun with --write-baseline ${this.shownPath} to prune them.\n`,
      );
    }
    return out;
  }
}
