import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Linter, LintFileResult } from '@sqlwarden/core';
import { discoverFiles } from '../discover.ts';
import { UsageError } from '../errors.ts';

/** What a subcommand needs from the process (the same streams `run` gets). */
export interface CommandIO {
  stdout: { write(text: string | Uint8Array): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string | Uint8Array): unknown; isTTY?: boolean; columns?: number };
  cwd: string;
  env: Record<string, string | undefined>;
}

export type OutputFormat = 'text' | 'json';

export function parsePgVersion(value: string): number {
  const version = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(version) || version < 9 || version >= 100) {
    throw new InvalidArgumentError('Expected a PostgreSQL version such as 15 or 9.6.');
  }
  return version;
}

/** A subcommand's commander program, reporting errors the way the main command does. */
export function subcommand(name: string, io: CommandIO): Command {
  return new Command(`sqlwarden ${name}`)
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError(`(run 'sqlwarden ${name} --help' for usage)`)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`sqlwarden ${name}: ${text.replace(/^error: /, '')}`),
    });
}

export function formatOption(): Option {
  return new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text');
}

/** Parses argv; help and usage errors come back as an exit code. */
export function parseCommand(program: Command, argv: readonly string[]): { ok: true } | { ok: false; code: number } {
  try {
    program.parse([...argv], { from: 'user' });
    return { ok: true };
  } catch (error) {
    if (error instanceof CommanderError) return { ok: false, code: error.exitCode === 0 ? 0 : 2 };
    throw error;
  }
}

export function useColor(flag: boolean | undefined, stream: { isTTY?: boolean }, env: CommandIO['env']): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true;
}

export function reportFailure(name: string, error: unknown, io: CommandIO): number {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`sqlwarden ${name}: ${message}\n`);
  const debug = io.env.DEBUG ?? '';
  if (!(error instanceof UsageError) && error instanceof Error && error.stack && /(^|,)\s*(sqlwarden|\*)\s*(,|$)/.test(debug)) {
    io.stderr.write(`${error.stack}\n`);
  }
  return 2;
}

export interface EngineSetup {
  linter: Linter;
  cwd: string;
}

/** The engine as `lint` builds it: the same config lookup, overrides and built-in rules. */
export async function createLinter(io: CommandIO, options: { config?: string; pgVersion?: number }): Promise<EngineSetup> {
  const cwd = path.resolve(io.cwd);
  const { Linter } = await import('@sqlwarden/core');
  const { builtinRules } = await import('@sqlwarden/rules');
  const overrides: { postgresVersion?: number } = {};
  if (options.pgVersion !== undefined) overrides.postgresVersion = options.pgVersion;
  const linter = new Linter({
    cwd,
    ...(options.config !== undefined ? { configPath: path.resolve(cwd, options.config) } : {}),
    overrides,
    rules: builtinRules,
  });
  return { linter, cwd };
}

export interface SourceFile {
  path: string;
  text: string;
  /** Named on the command line rather than found in a directory or by a glob. */
  explicit: boolean;
}

/**
 * Finds and reads files exactly as `lint` does (same discovery, ignores and path order). A file
 * that cannot be read stops the command: replaying or explaining around a hole would mislead.
 */
export async function readFiles(setup: EngineSetup, patterns: readonly string[]): Promise<SourceFile[]> {
  const { linter, cwd } = setup;
  const { readSourceFile } = await import('@sqlwarden/core');
  const discovered = await discoverFiles({
    patterns,
    cwd,
    isPathIgnored: (absolutePath) => linter.isPathIgnored(absolutePath),
    errorOnUnmatchedPattern: true,
    useIgnoreFiles: true,
  });
  for (const unreadable of [...discovered.unreadableDirectories, ...discovered.unreadablePaths]) {
    throw new UsageError(`${unreadable.path}: ${unreadable.message}`);
  }
  const explicit = new Set(patterns.map((p) => path.resolve(cwd, p)));
  const files: SourceFile[] = [];
  for (const file of discovered.files) {
    const read = readSourceFile(file);
    if (!read.ok) throw new UsageError(`${path.relative(cwd, file) || file}: ${read.message}`);
    files.push({ path: file, text: read.text, explicit: explicit.has(file) });
  }
  return files;
}

export function relativePath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

export function syntaxErrorRanges(result: LintFileResult): Array<{ start: number; end: number }> {
  return result.messages.filter((m) => m.ruleId === 'syntax-error').map((m) => m.range);
}
