import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { formatterNames } from './formatters/index.ts';
import { parseRuleOption, type RuleSetting } from './rule-option.ts';
import type { BaselineOptions } from './baseline/index.ts';
import { changedMigrationsModes, type ChangedOptions } from './changed/index.ts';

export interface CliOptions extends ChangedOptions, BaselineOptions {
  patterns: string[];
  config?: string;
  /** A built-in formatter name, a module path or a formatter package (see formatters/load.ts). */
  format: string;
  /** --output-file: write the report to this file (relative to the working directory) instead of stdout. */
  outputFile?: string;
  fix: boolean;
  fixDryRun: boolean;
  /** --fix-committed-migrations: fix migrations committed to git too (see committed-migrations.ts). */
  fixCommittedMigrations?: boolean;
  rules: Record<string, RuleSetting>;
  pgVersion?: number;
  /** -1: no limit. */
  maxWarnings: number;
  /** --max-file-size: files over this many bytes are reported instead of linted (default: core's DEFAULT_MAX_BYTES). */
  maxFileBytes?: number;
  printConfig?: string;
  quiet: boolean;
  /** --verbose: stylish prints each finding's detail; --fix/--fix-dry-run list what they fixed on stderr. */
  verbose?: boolean;
  /** Undefined: decide from the terminal and NO_COLOR / FORCE_COLOR. */
  color?: boolean;
  stdin: boolean;
  stdinFilename?: string;
  errorOnUnmatchedPattern: boolean;
  /** False with --no-ignore: .gitignore files and the config's `ignores` are not applied. */
  ignore: boolean;
  /** --cache: reuse the findings of files whose key did not change (see cache/keys.ts). */
  cache?: boolean;
  /** --cache-location: the cache file, or a directory to hold it (default node_modules/.cache/sqlwarden). */
  cacheLocation?: string;
  /** --concurrency: 'auto', or a number of threads (absent or 1: this thread only; `off` parses as 1). */
  concurrency?: 'auto' | number;
}

export type ParseOutcome = { kind: 'options'; options: CliOptions } | { kind: 'exit'; code: number };

export interface ArgsOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

function parsePgVersion(value: string): number {
  const version = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(version) || version < 9 || version >= 100) {
    throw new InvalidArgumentError('Expected a PostgreSQL version such as 15 or 9.6.');
  }
  return version;
}

function parseMaxWarnings(value: string): number {
  if (!/^-?\d+$/.test(value.trim()) || Number(value) < -1) {
    throw new InvalidArgumentError('Expected a whole number of warnings (0 or more; -1 for no limit).');
  }
  return Number(value);
}

function parseMaxFileSize(value: string): number {
  const mib = Number(value.trim());
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(mib > 0)) throw new InvalidArgumentError('Expected a size in MiB greater than 0 (e.g. 10 or 32).');
  return Math.round(mib * 1024 * 1024);
}

function parseConcurrency(value: string): 'auto' | number {
  const trimmed = value.trim();
  if (trimmed === 'auto') return 'auto';
  if (trimmed === 'off') return 1;
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1) throw new InvalidArgumentError('Expected "auto", "off" or a number of threads (1 or more).');
  return Number(trimmed);
}

function collectRules(value: string, previous: Record<string, RuleSetting> | undefined): Record<string, RuleSetting> {
  return { ...previous, ...parseRuleOption(value) };
}

const HELP_AFTER = `
Patterns are files, directories (searched for *.sql and *.psql) or globs; the default is ".".
node_modules, .git, files matched by .gitignore and the config's "ignores" are skipped
(a file named explicitly is linted even when .gitignore covers it).

Commands (see "sqlwarden <command> --help"):
  rules              list every rule with its metadata
  explain <paths>    per statement: locks, what they block, rewrites, transaction, findings
  trace <paths>      replay migrations in PostgreSQL (embedded PGlite, or --database-url) and
                     report the locks each statement took, how long, and any error
  help [command]     show this help, or a command's help

With --stdin --fix the fixed SQL is printed to stdout and remaining problems to stderr.
--fix and --fix-dry-run leave migrations committed to git unchanged (they may have run
already) and say so on stderr; untracked and staged ones are fixed.

Exit codes:
  0  no errors, and warnings within --max-warnings
  1  lint errors, or more warnings than --max-warnings
  2  usage, configuration or file errors`;

export function createProgram(version: string, output: ArgsOutput): Command {
  return new Command('sqlwarden')
    .description('Static analysis for SQL and database migrations.')
    .usage('[options] [file|dir|glob ...]\n       sqlwarden <rules|explain|trace|help> [options] ...')
    .argument('[patterns...]', 'files, directories or globs to lint')
    .version(version, '-v, --version', 'print the version (also -V)')
    // -V as well, as many CLIs spell it; commander takes one short flag per option.
    .addOption(new Option('-V').hideHelp())
    .on('option:V', () => {
      output.writeOut(`${version}\n`);
      throw new CommanderError(0, 'commander.version', version);
    })
    .helpOption('-h, --help', 'show this help')
    .option('-c, --config <path>', 'use this config file instead of looking one up')
    .option('-f, --format <name>', `output format: ${formatterNames.join(', ')}, or a formatter module (path or package)`, 'stylish')
    .option('-o, --output-file <path>', 'write the report to this file instead of stdout')
    .option('--fix', 'apply fixes to the files')
    .option('--fix-dry-run', 'report as if fixes were applied, without writing files')
    .option('--fix-committed-migrations', 'with --fix or --fix-dry-run: also fix migrations committed to git (they may have run already)')
    .option('--rule <id:severity>', 'set a rule, e.g. no-select-star:error or \'id:["error",{...}]\' (repeatable)', collectRules)
    .option('--pg-version <version>', 'target PostgreSQL version, e.g. 15', parsePgVersion)
    .option('--max-warnings <n>', 'fail (exit 1) when there are more warnings than this', parseMaxWarnings)
    .option('--max-file-size <MiB>', 'report files larger than this instead of linting them (default 10; about 100 MB of memory per MiB of SQL)', parseMaxFileSize)
    .option('--print-config <file>', 'print the configuration used for <file> as JSON')
    .option('--quiet', 'report errors only')
    .option('--verbose', "explain each finding under its headline (stylish); with --fix, list the fixes made")
    .option('--color', 'force coloured output')
    .option('--no-color', 'disable coloured output')
    .option('--stdin', 'lint SQL read from stdin')
    .option('--stdin-filename <path>', 'path of the stdin text, for config lookup and the report')
    .option('--no-error-on-unmatched-pattern', 'do not fail when a pattern matches no file')
    .option('--no-ignore', 'do not apply .gitignore files or the config\'s "ignores"')
    .option('--changed-since <ref>', 'lint only files added or changed since the merge base of HEAD and <ref> (git)')
    .addOption(new Option('--changed-migrations <which>', 'with --changed-since: migrations that count, "added" (default) or also "modified"').choices(changedMigrationsModes))
    .option('--changed-lines', 'with --changed-since: report only findings on added or changed lines')
    .option('--baseline <file>', 'hide the findings recorded in this baseline file; fail only on new ones')
    .option('--write-baseline <file>', 'record the current findings in this baseline file (exit 0)')
    .option('--cache', 'reuse findings of unchanged files from the last run')
    .option('--cache-location <path>', 'cache file or directory (default node_modules/.cache/sqlwarden)')
    .option('--concurrency <n>', 'worker threads: "auto", "off" or a number (default off)', parseConcurrency)
    .addHelpText('after', HELP_AFTER)
    .showHelpAfterError("(run 'sqlwarden --help' for usage)")
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.writeOut(text),
      writeErr: (text) => output.writeErr(text),
      // One prefix for every failure the command prints: "sqlwarden: unknown option '--x'".
      outputError: (text, write) => write(`sqlwarden: ${text.replace(/^error: /, '')}`),
    });
}

interface RawOptions {
  config?: string;
  format: string;
  outputFile?: string;
  fix?: boolean;
  fixDryRun?: boolean;
  fixCommittedMigrations?: boolean;
  rule?: Record<string, RuleSetting>;
  pgVersion?: number;
  maxWarnings?: number;
  maxFileSize?: number;
  printConfig?: string;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  stdin?: boolean;
  stdinFilename?: string;
  errorOnUnmatchedPattern: boolean;
  ignore: boolean;
  cache?: boolean;
  cacheLocation?: string;
  concurrency?: 'auto' | number;
}

/** Parses user arguments (no `node script` prefix). Help, version and usage errors come back as an exit code. */
export function parseArgs(argv: readonly string[], version: string, output: ArgsOutput): ParseOutcome {
  const program = createProgram(version, output);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return { kind: 'exit', code: error.exitCode === 0 ? 0 : 2 };
    }
    throw error;
  }
  const raw = program.opts<RawOptions>();
  const options: CliOptions = {
    patterns: program.processedArgs[0] as string[],
    format: raw.format,
    fix: raw.fix ?? false,
    fixDryRun: raw.fixDryRun ?? false,
    rules: raw.rule ?? {},
    maxWarnings: raw.maxWarnings ?? -1,
    quiet: raw.quiet ?? false,
    stdin: raw.stdin ?? false,
    errorOnUnmatchedPattern: raw.errorOnUnmatchedPattern,
    ignore: raw.ignore,
  };
  if (raw.fixCommittedMigrations) options.fixCommittedMigrations = true;
  if (raw.cache) options.cache = true;
  if (raw.verbose) options.verbose = true;
  if (raw.maxFileSize !== undefined) options.maxFileBytes = raw.maxFileSize;
  if (raw.concurrency !== undefined) options.concurrency = raw.concurrency;
  if (raw.cacheLocation !== undefined) options.cacheLocation = raw.cacheLocation;
  if (raw.config !== undefined) options.config = raw.config;
  if (raw.outputFile !== undefined) options.outputFile = raw.outputFile;
  if (raw.pgVersion !== undefined) options.pgVersion = raw.pgVersion;
  if (raw.printConfig !== undefined) options.printConfig = raw.printConfig;
  if (raw.color !== undefined) options.color = raw.color;
  if (raw.stdinFilename !== undefined) options.stdinFilename = raw.stdinFilename;
  const changes = program.opts<ChangedOptions & BaselineOptions>();
  if (changes.changedSince !== undefined) options.changedSince = changes.changedSince;
  if (changes.changedMigrations !== undefined) options.changedMigrations = changes.changedMigrations;
  if (changes.changedLines) options.changedLines = true;
  if (changes.baseline !== undefined) options.baseline = changes.baseline;
  if (changes.writeBaseline !== undefined) options.writeBaseline = changes.writeBaseline;
  return { kind: 'options', options };
}
