import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { FileClassification, LintFileResult, ReadResult } from '@sqlwarden/core';
import packageJson from '../package.json' with { type: 'json' };
import { parseArgs, type CliOptions } from './args.ts';
import { checkBaselineOptions, prepareBaseline } from './baseline/index.ts';
import { checkChangedOptions, findChangedFiles } from './changed/index.ts';
import { commandNames, looksLikeCommandWord, subcommandFor } from './commands/index.ts';
import { keptMigrationsNotice, migrationsToKeep, type KeptMigration } from './committed-migrations.ts';
import { compareCodeUnits, discoverFiles } from './discover.ts';
import { UsageError } from './errors.ts';
import { fixSummary } from './fix-summary.ts';
import { encodeText, writeFixes, type FixTarget, type TextEncoding } from './fix-writer.ts';
import { collectRulesMeta } from './formatters/context.ts';
import { loadFormatter } from './formatters/load.ts';
import { batched, writeReport } from './formatters/output.ts';
import { chunkedFormatter } from './formatters/index.ts';
import { terminalWidth } from './formatters/terminal.ts';
import { readAll } from './stdin.ts';
import { connectionSecrets, redactingIO } from './trace/redact.ts';
import { debugLogger } from './cache/debug.ts';
import { buildIdentity, globalKey } from './cache/keys.ts';
import { lintSelected, type LintSelectedOptions } from './cache/lint.ts';
import { cacheFilePath, DEFAULT_CACHE_LOCATION, LintCache } from './cache/store.ts';
import { PackedResult, unpack, type KeptResult, type Packing } from './packed-result.ts';
import { createProgress } from './progress.ts';
import { importModule } from '@sqlwarden/core/import-module';
import { tuneWasmCompilation } from './startup/wasm-tiering.ts';
import { lintEach, threadCount, type LintInput } from './workers/pool.ts';
import { sumTotals, withMessages, type CliMessage, type CliResult } from './types.ts';

export interface CliIO {
  stdout: { write(text: string | Uint8Array): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string | Uint8Array): unknown; isTTY?: boolean; columns?: number };
  stdin: AsyncIterable<string | Uint8Array>;
  cwd: string;
  env: Record<string, string | undefined>;
}

export const VERSION: string = packageJson.version;

export const IGNORED_FILE_MESSAGE = 'File ignored because of a matching ignore pattern. Use "--no-ignore" to override.';

/** Text the --stdin input is reported under when --stdin-filename is not given (ESLint's name). */
export const STDIN_PATH = '<text>';

/**
 * The whole command: parses `argv` (user arguments only), lints, prints, and returns the exit code.
 * Never throws; failures are printed as one line (the stack only with DEBUG=sqlwarden).
 */
export async function run(argv: readonly string[], rawIO: CliIO): Promise<number> {
  // Database passwords on the command line never reach the output, whichever path prints them.
  // PGPASSWORD only matters to `trace` (the one command that connects): elsewhere a common word
  // such as "postgres" in it would be starred out of file names, messages and reported sources.
  const io = redactingIO(rawIO, connectionSecrets(argv, argv[0] === 'trace' ? rawIO.env : {}));
  const subcommand = subcommandFor(argv);
  if (subcommand) return subcommand(argv.slice(1), io);
  const commandWord = await runCommandWord(argv, io);
  if (commandWord !== undefined) return commandWord;
  const parsed = parseArgs(argv, VERSION, {
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
  });
  if (parsed.kind === 'exit') return parsed.code;
  try {
    return await lint(parsed.options, io);
  } catch (error) {
    reportFailure(error, io);
    return 2;
  }
}

function pathExists(absolutePath: string): boolean {
  try {
    lstatSync(absolutePath);
    return true;
  } catch {
    return false;
  }
}

function printHelp(io: CliIO): number {
  const parsed = parseArgs(['--help'], VERSION, { writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  return parsed.kind === 'exit' ? parsed.code : 0;
}

/**
 * A first argument that is a command word but no file: `help [command]` prints that help, and a
 * word close to a command (`explian`) is a usage error naming it, instead of the misleading "No
 * files matching the pattern". A file or directory of that name is linted as usual. Returns the
 * exit code, or undefined to lint.
 */
async function runCommandWord(argv: readonly string[], io: CliIO): Promise<number | undefined> {
  const word = argv[0];
  if (word === undefined || !looksLikeCommandWord(word) || pathExists(path.resolve(io.cwd, word))) return undefined;
  const usage = "(run 'sqlwarden --help' for usage)";
  if (word === 'help') {
    const topic = argv[1];
    if (argv.length > 2) {
      io.stderr.write(`sqlwarden: help takes at most one command, e.g. "sqlwarden help explain"\n${usage}\n`);
      return 2;
    }
    if (topic === undefined || topic === 'help') return printHelp(io);
    const command = subcommandFor([topic]);
    if (command) return command(['--help'], io);
    return unknownCommand(topic, io, usage);
  }
  return unknownCommand(word, io, usage, true);
}

/** "Unknown command `x`; did you mean `y`?" (exit 2); with `onlyIfClose`, undefined when no command is close. */
async function unknownCommand(word: string, io: CliIO, usage: string, onlyIfClose = false): Promise<number | undefined> {
  const { nearMatches } = await import('@sqlwarden/core');
  const matches = nearMatches(word, commandNames());
  if (matches.length === 0 && onlyIfClose) return undefined;
  const hint = matches.length > 0 ? `; did you mean ${matches.map((m) => `\`${m}\``).join(' or ')}?` : '';
  io.stderr.write(`sqlwarden: Unknown command \`${truncateWord(word)}\`${hint}\n${usage}\n`);
  return 2;
}

/** Keeps the headline one short line whatever was typed. */
function truncateWord(word: string): string {
  const shown = word.replace(/[\u0000-\u001f\u007f]/g, '?');
  return shown.length > 40 ? `${shown.slice(0, 39)}…` : shown;
}

/**
 * Writes the report to the stream, piece by piece when it comes in pieces, waiting for a slow
 * pipe to drain so that its pieces do not pile up in memory.
 */
async function writeOut(stream: CliIO['stdout'], report: string | Iterable<string>): Promise<void> {
  for (const piece of batched(typeof report === 'string' ? [report] : report)) {
    const writable = stream as { write(text: string): unknown; once?: (event: 'drain', listener: () => void) => unknown };
    if (writable.write(piece) === false && typeof writable.once === 'function') await new Promise<void>((resolve) => writable.once!('drain', resolve));
  }
}

function reportFailure(error: unknown, io: CliIO): void {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`sqlwarden: ${message}\n`);
  const debug = io.env.DEBUG ?? '';
  if (error instanceof Error && error.stack && /(^|,)\s*(sqlwarden|\*)\s*(,|$)/.test(debug)) {
    io.stderr.write(`${error.stack}\n`);
  }
}

function checkCombinations(options: CliOptions): void {
  if (options.fix && options.fixDryRun) throw new UsageError('The --fix option and the --fix-dry-run option cannot be used together.');
  if (options.fixCommittedMigrations && !options.fix && !options.fixDryRun) throw new UsageError('--fix-committed-migrations needs --fix or --fix-dry-run.');
  if (options.stdinFilename !== undefined && !options.stdin) throw new UsageError('--stdin-filename needs --stdin.');
  if (options.stdin && options.patterns.length > 0) {
    throw new UsageError('--stdin cannot be combined with file patterns (name the input with --stdin-filename).');
  }
  if (options.printConfig !== undefined && (options.patterns.length > 0 || options.stdin)) {
    throw new UsageError('--print-config cannot be combined with file patterns or --stdin.');
  }
}

function useColor(flag: boolean | undefined, stream: { isTTY?: boolean }, env: CliIO['env']): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true;
}

function fatalResult(filePath: string, message: string): CliResult {
  return withMessages(
    { filePath, messages: [], errorCount: 0, warningCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, fatalErrorCount: 0 },
    [{ ruleId: null, fatal: true, severity: 2, message, line: 1, column: 1 }],
  );
}

function ignoredResult(filePath: string): CliResult {
  return withMessages(
    { filePath, messages: [], errorCount: 0, warningCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, fatalErrorCount: 0 },
    [{ ruleId: null, severity: 1, message: IGNORED_FILE_MESSAGE, line: 1, column: 1 }],
  );
}

/** Whether the engine lints the file as a migration; a file whose config is invalid is not (its lint reports the config). */
function isMigration(linter: LintReadableContext['linter'], file: { path: string; text: string }): boolean {
  try {
    return linter.isMigrationFile(file.path, file.text);
  } catch {
    return false;
  }
}

function fromEngine(result: LintFileResult): CliResult {
  const messages: CliMessage[] = result.messages.map((diagnostic) => {
    const message: CliMessage = {
      ruleId: diagnostic.ruleId,
      severity: diagnostic.severity,
      message: diagnostic.message,
      line: diagnostic.line,
      column: diagnostic.column,
      endLine: diagnostic.endLine,
      endColumn: diagnostic.endColumn,
    };
    if (diagnostic.detail) message.detail = diagnostic.detail;
    if (diagnostic.fix) message.fix = diagnostic.fix;
    if (diagnostic.suggestions && diagnostic.suggestions.length > 0) message.suggestions = diagnostic.suggestions;
    if (diagnostic.occurrences) {
      message.occurrences = diagnostic.occurrences.map((o) => ({
        message: o.message,
        ...(o.detail ? { detail: o.detail } : {}),
        line: o.line,
        column: o.column,
        endLine: o.endLine,
        endColumn: o.endColumn,
        ...(o.fix ? { fix: o.fix } : {}),
        ...(o.suggestions?.length ? { suggestions: o.suggestions } : {}),
      }));
    }
    return message;
  });
  const converted: CliResult = {
    filePath: result.filePath,
    messages,
    errorCount: result.errorCount,
    warningCount: result.warningCount,
    fixableErrorCount: result.fixableErrorCount,
    fixableWarningCount: result.fixableWarningCount,
    fatalErrorCount: 0,
    source: result.source,
  };
  if (result.output !== undefined && result.output !== result.source) {
    converted.output = result.output;
    if (result.appliedFixes?.length) converted.appliedFixes = result.appliedFixes.map((f) => ({ ...f }));
  }
  return converted;
}

interface LintReadableContext {
  options: CliOptions;
  io: CliIO;
  cwd: string;
  linter: LintSelectedOptions['linter'];
  fixing: boolean;
  /** Files whose fixes are not applied (committed migrations); see LintSelectedOptions.fixFile. */
  keep: ReadonlyMap<string, KeptMigration>;
  summarize: LintSelectedOptions['summarize'];
  overrides: LintSelectedOptions['job']['overrides'];
  /** Reads a file given without its text, when its turn comes. */
  read: (filePath: string) => ReadResult;
}

/** What lintReadable hands back for each file, as soon as the file is done. */
interface LintSink {
  linted(result: LintFileResult): void;
  /** A file given without its text that could not be read when its turn came. */
  unreadable(filePath: string, message: string): void;
}

/**
 * The files (in any order; they are linted in replay order), through --cache when asked (never
 * when fixing), with the progress bar. Each file's result goes to `sink` once the file is done and
 * is not kept here: a run holds the catalog and the current file, not every file's parse.
 */
async function lintReadable(files: LintInput[], context: LintReadableContext, sink: LintSink): Promise<void> {
  const { options, io, cwd, linter, fixing } = context;
  tuneWasmCompilation(files.length);
  let cache: LintSelectedOptions['cache'];
  if (options.cache && !fixing) {
    const log = debugLogger(io.env, 'cache', (text) => io.stderr.write(text));
    const store = LintCache.load(cacheFilePath(options.cacheLocation ?? DEFAULT_CACHE_LOCATION, cwd), VERSION, log);
    const key = globalKey({
      version: VERSION,
      build: buildIdentity(),
      cwd,
      ...(options.config !== undefined ? { configPath: path.resolve(cwd, options.config) } : {}),
      rules: options.rules,
      ...(options.pgVersion !== undefined ? { pgVersion: options.pgVersion } : {}),
    });
    cache = { store, globalKey: key, log };
  }
  const progress = createProgress({ stream: io.stderr, env: io.env, total: files.length });
  const shared = {
    linter,
    fix: fixing,
    ...(context.keep.size > 0 ? { fixFile: (filePath: string) => !context.keep.has(filePath) } : {}),
    progress,
    summarize: context.summarize,
    threads: threadCount(options.concurrency ?? 1, files.length),
    job: {
      cwd,
      ...(options.config !== undefined ? { configPath: path.resolve(cwd, options.config) } : {}),
      overrides: context.overrides,
      ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
    },
  };
  try {
    if (cache) {
      // The cache's keys chain every text, so its files come read (see lint).
      const readFiles = files.map((file) => ({ path: file.path, text: file.text! }));
      for (const result of await lintSelected({ ...shared, files: readFiles, cache, workersLog: debugLogger(io.env, 'workers', (text) => io.stderr.write(text)) })) sink.linted(result);
    } else {
      await lintEach(
        { ...shared, files: context.linter.replayOrder(files), replayed: 0, read: context.read, log: debugLogger(io.env, 'workers', (text) => io.stderr.write(text)) },
        (_index, outcome) => ('result' in outcome ? sink.linted(outcome.result) : sink.unreadable(outcome.unreadable.filePath, outcome.unreadable.message)),
      );
    }
  } finally {
    progress.done();
  }
  const cacheProblem = cache?.store.save();
  if (cacheProblem !== undefined) io.stderr.write(`sqlwarden: Warning: ${cacheProblem.headline}\n  ${cacheProblem.detail}\n`);
}

async function lint(options: CliOptions, io: CliIO): Promise<number> {
  checkCombinations(options);
  checkChangedOptions(options);
  checkBaselineOptions(options);
  const cwd = path.resolve(io.cwd);
  // Loaded here so --help, --version and usage errors do not start the parser's WASM.
  const { Linter, readSourceFile, decodeSource, summarize, unrecognisedMigrationsNotice } = await import('@sqlwarden/core');
  const { builtinRules } = await import('@sqlwarden/rules');

  const overrides: { rules?: Record<string, unknown>; postgresVersion?: number } = {};
  if (Object.keys(options.rules).length > 0) overrides.rules = options.rules;
  if (options.pgVersion !== undefined) overrides.postgresVersion = options.pgVersion;
  const linter = new Linter({
    cwd,
    ...(options.config !== undefined ? { configPath: path.resolve(cwd, options.config) } : {}),
    overrides,
    rules: builtinRules,
  });

  if (options.printConfig !== undefined) {
    const file = path.resolve(cwd, options.printConfig);
    const config = await linter.getConfigForFile(file);
    io.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return 0;
  }

  // Before linting, so a missing git ref or baseline file fails fast.
  const changes =
    options.changedSince === undefined
      ? undefined
      : await findChangedFiles({
          ref: options.changedSince,
          cwd,
          migrations: options.changedMigrations ?? 'added',
          lines: options.changedLines ?? false,
          isMigrationPath: (file) => linter.isMigrationPath(file),
        });
  const baseline = prepareBaseline(options, { cwd, version: VERSION, linter });

  // Before linting, so a -f that names no formatter fails fast.
  const formatter = await loadFormatter(options.format, cwd);

  const fixing = options.fix || options.fixDryRun;
  const fileLimits = options.maxFileBytes === undefined ? undefined : { maxBytes: options.maxFileBytes };
  let results: KeptResult[];
  /** How the engine classified each file it linted, for the notice about schema changes outside migrations. */
  const classified: Array<{ filePath: string; classification?: FileClassification }> = [];
  let failed = false;
  let reportStream: CliIO['stdout'] = io.stdout;
  /** With --fix, the files written (stdin's fixed text goes to stdout instead). */
  let writtenFiles: Set<string> | undefined;
  let keptNotice: string | undefined;

  if (options.stdin) {
    const bytes = await readAll(io.stdin);
    const decoded = decodeSource(bytes, STDIN_PATH, fileLimits);
    const filePath = options.stdinFilename !== undefined ? path.resolve(cwd, options.stdinFilename) : STDIN_PATH;
    let result: CliResult;
    if (options.stdinFilename !== undefined && options.ignore && linter.isPathIgnored(filePath)) {
      result = ignoredResult(filePath);
    } else if (!decoded.ok) {
      result = fatalResult(filePath, decoded.message);
      failed = true;
    } else {
      const lintOptions = options.stdinFilename !== undefined ? { filePath, fix: fixing } : { fix: fixing };
      const linted = await linter.lintText(decoded.text, lintOptions);
      classified.push(linted);
      result = fromEngine(linted);
    }
    if (options.fix) {
      // Filter mode: the fixed text (or the input unchanged) goes to stdout, the report to stderr.
      if (decoded.ok && result.output !== undefined) io.stdout.write(encodeText(result.output, decoded.encoding, decoded.bom));
      else io.stdout.write(bytes);
      reportStream = io.stderr;
    }
    results = [result];
  } else {
    const discovered = await discoverFiles({
      patterns: options.patterns,
      cwd,
      isPathIgnored: (absolutePath) => linter.isPathIgnored(absolutePath),
      errorOnUnmatchedPattern: options.errorOnUnmatchedPattern,
      useIgnoreFiles: options.ignore,
    });
    results = [];
    for (const unreadable of [...discovered.unreadableDirectories, ...discovered.unreadablePaths]) {
      results.push(fatalResult(unreadable.path, unreadable.message));
      failed = true;
    }
    for (const file of discovered.ignoredFiles) results.push(ignoredResult(file));

    // --fix needs every text before linting (a fix is applied once the whole history after it was
    // seen), and --cache chains every text into its keys; otherwise each file is read when its turn comes.
    const readFirst = fixing || options.cache;
    const inputs: LintInput[] = [];
    const encodings = new Map<string, { bom: boolean; encoding: TextEncoding }>();
    for (const file of discovered.files) {
      if (!readFirst) {
        inputs.push({ path: file });
        continue;
      }
      const read = readSourceFile(file, fileLimits);
      if (read.ok) {
        inputs.push({ path: file, text: read.text });
        encodings.set(file, { bom: read.bom, encoding: read.encoding });
      } else {
        results.push(fatalResult(file, read.message));
        failed = true;
      }
    }
    // Fixing leaves migrations committed to git as they are, unless asked (committed-migrations.ts).
    const keep = await migrationsToKeep(
      fixing && !options.fixCommittedMigrations ? inputs.filter((file) => isMigration(linter, { path: file.path, text: file.text! })).map((file) => file.path) : [],
    );
    const read = (filePath: string): ReadResult => readSourceFile(filePath, fileLimits);
    // A run that read every text first holds them all anyway: packing its results would only cost time.
    let packing: Packing | undefined;
    if (!readFirst) {
      const [{ deflateRawSync, inflateRawSync }, { serialize, deserialize }] = await Promise.all([importModule<typeof import('node:zlib')>('node:zlib'), importModule<typeof import('node:v8')>('node:v8')]);
      packing = { deflateRawSync, inflateRawSync, serialize, deserialize };
    }
    const sink: LintSink = {
      linted(result) {
        classified.push({ filePath: result.filePath, ...(result.classification ? { classification: result.classification } : {}) });
        baseline?.remember(result);
        results.push(packing ? new PackedResult(fromEngine(result), result.source, packing) : fromEngine(result));
      },
      unreadable(filePath, message) {
        results.push(fatalResult(filePath, message));
        failed = true;
      },
    };
    if (inputs.length > 0) await lintReadable(inputs, { options, io, cwd, linter, fixing, keep, summarize, overrides, read }, sink);
    results.sort((a, b) => compareCodeUnits(a.filePath, b.filePath));
    // Kept files with fixes that would otherwise have been applied (--changed-since fixes only changed files).
    keptNotice = keptMigrationsNotice(
      results.flatMap((result) => {
        const kept = keep.get(result.filePath);
        const fixable = result.fixableErrorCount + result.fixableWarningCount > 0;
        return kept !== undefined && fixable && (!changes || changes.includes(result.filePath)) ? [kept] : [];
      }),
    );

    if (options.fix) {
      const targets: FixTarget[] = [];
      for (const result of results.map(unpack)) {
        if (result.output === undefined || result.source === undefined) continue;
        if (changes && !changes.includes(result.filePath)) continue; // --changed-since: only changed files are written
        const { bom, encoding } = encodings.get(result.filePath) ?? { bom: false, encoding: 'utf-8' };
        targets.push({ filePath: result.filePath, source: result.source, output: result.output, bom, encoding });
      }
      const { written, failures } = await writeFixes(targets);
      writtenFiles = new Set(written);
      for (const failure of failures) {
        io.stderr.write(`sqlwarden: Could not write fixes to ${failure.filePath}: ${failure.message}\n`);
        failed = true;
      }
    }
  }

  // The baseline sees every linted file (stale entries), then --changed-since narrows the report.
  if (baseline) results = await baseline.apply(results.map(unpack), io);
  if (changes) results = await changes.restrict(results.map(unpack));
  const reported = results;
  /** The results as the report shows them, unpacked one at a time as it asks for them. */
  const shown = function* (): Generator<CliResult> {
    for (const entry of reported) {
      const result = unpack(entry);
      yield options.quiet ? withMessages(result, result.messages.filter((message) => message.severity === 2)) : result;
    }
  };

  const rulesMeta = await collectRulesMeta(builtinRules, reported, linter);
  // A report file gets colour only when --color asks for it.
  const color = options.outputFile !== undefined ? options.color === true : useColor(options.color, reportStream, io.env);
  const width = options.outputFile !== undefined ? undefined : terminalWidth(reportStream, io.env);
  const context = { color, cwd, version: VERSION, rulesMeta, ...(options.verbose ? { verbose: true } : {}), ...(width !== undefined ? { width } : {}) };
  const chunked = chunkedFormatter(options.format);
  const report = chunked ? chunked(shown(), context) : await formatter([...shown()], context);
  if (options.outputFile !== undefined) await writeReport(path.resolve(cwd, options.outputFile), report);
  else await writeOut(reportStream, report);
  if (options.verbose && fixing) io.stderr.write(fixSummary([...shown()], { cwd, dryRun: options.fixDryRun, ...(writtenFiles ? { written: writtenFiles } : {}) }));
  if (keptNotice !== undefined) io.stderr.write(keptNotice);

  // Not an error, so not with --quiet; on stderr, so JSON and SARIF reports stay parseable.
  const notice = options.quiet ? undefined : unrecognisedMigrationsNotice(classified, { relativeTo: cwd });
  if (notice !== undefined) io.stderr.write(`sqlwarden: ${notice}\n`);

  // --quiet recounts each result from the errors it keeps; otherwise the counts are the results'.
  const totals = sumTotals(options.quiet ? shown() : reported);
  const tooManyWarnings = options.maxWarnings >= 0 && totals.warningCount > options.maxWarnings;
  if (tooManyWarnings) {
    io.stderr.write(`sqlwarden found too many warnings (maximum: ${options.maxWarnings}).\n`);
  }
  if (failed) return 2;
  if (totals.errorCount > 0 || tooManyWarnings) return 1;
  return 0;
}
