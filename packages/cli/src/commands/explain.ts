import { describeStatementLocks, LineIndex, stringifyWellFormed, type StatementLocks } from '@sqlwarden/core';
import { explainFile, type DescribedStatement, type ExplainReport } from '../explain/model.ts';
import { formatExplainText } from '../explain/format.ts';
import { terminalWidth } from '../formatters/terminal.ts';
import {
  createLinter,
  formatOption,
  parseCommand,
  parsePgVersion,
  readFiles,
  relativePath,
  reportFailure,
  subcommand,
  useColor,
  type CommandIO,
  type OutputFormat,
} from './common.ts';

interface ExplainOptions {
  format: OutputFormat;
  pgVersion?: number;
  config?: string;
  color?: boolean;
}

const HELP_AFTER = `
For each statement: the locks it takes on each relation and what they block (reads, writes,
other DDL), whether it rewrites or scans the table, whether it may run inside a transaction
block, the transaction it runs in (from migrations.transaction, the migration tool and the
file's BEGIN/COMMIT) and so how long its locks are held, and the lint findings on it.

Files are read in path order and replayed into one schema catalog, as lint does, so a later
migration is explained with the tables earlier ones created. The lock facts come from
sqlwarden's lock model for the configured PostgreSQL version (--pg-version); "sqlwarden trace"
observes them on a real PostgreSQL instead.

Exit codes: 0 explained (findings do not change it), 2 usage, configuration or file errors.`;

export async function explainCommand(argv: readonly string[], io: CommandIO): Promise<number> {
  const program = subcommand('explain', io)
    .description('Explain, per statement, the locks it takes, what they block, rewrites and scans, its transaction, and the findings.')
    .usage('[options] <file|dir|glob...>')
    .argument('<paths...>', 'SQL files, directories or globs')
    .addOption(formatOption())
    .option('--pg-version <version>', 'target PostgreSQL version, e.g. 15', parsePgVersion)
    .option('-c, --config <path>', 'use this config file instead of looking one up')
    .option('--color', 'force coloured output')
    .option('--no-color', 'disable coloured output')
    .addHelpText('after', HELP_AFTER);
  const parsed = parseCommand(program, argv);
  if (!parsed.ok) return parsed.code;
  const options = program.opts<ExplainOptions>();
  const patterns = program.processedArgs[0] as string[];
  try {
    const report = await explain(io, patterns, options);
    if (options.format === 'json') io.stdout.write(`${stringifyWellFormed(report, 2)}\n`);
    else {
      const width = terminalWidth(io.stdout, io.env);
      io.stdout.write(formatExplainText(report, { color: useColor(options.color, io.stdout, io.env), ...(width !== undefined ? { width } : {}) }));
    }
    return 0;
  } catch (error) {
    return reportFailure('explain', error, io);
  }
}

export async function explain(io: CommandIO, patterns: readonly string[], options: { pgVersion?: number; config?: string }): Promise<ExplainReport> {
  const setup = await createLinter(io, options);
  const files = await readFiles(setup, patterns);
  const { linter } = setup;
  const described = new Map<string, Map<number, StatementLocks | undefined>>();
  const versions = new Map<string, number>();
  const results = await linter.lintFiles(
    files.map((f) => ({ path: f.path, text: f.text })),
    {
      keepStatements: true,
      // The catalog as the linter replays it, just before each statement: the state its rules saw.
      onStatement(filePath, statement, catalog) {
        let version = versions.get(filePath);
        if (version === undefined) {
          version = linter.resolvedConfigFor(filePath).settings.postgresVersion;
          versions.set(filePath, version);
        }
        let byIndex = described.get(filePath);
        if (!byIndex) {
          byIndex = new Map();
          described.set(filePath, byIndex);
        }
        if (!statement.node) return;
        try {
          byIndex.set(statement.index, describeStatementLocks(statement.node, { postgresVersion: version, catalog }));
        } catch {
          // A gap in the model must not cost the rest of the explanation: the statement shows as unmodelled.
          byIndex.set(statement.index, undefined);
        }
      },
    },
  );
  const postgresVersion = options.pgVersion ?? (files[0] ? linter.resolvedConfigFor(files[0].path).settings.postgresVersion : 15);
  const report: ExplainReport = { schemaVersion: 1, postgresVersion, files: [] };
  for (const result of results) {
    const lines = new LineIndex(result.source);
    const byIndex = described.get(result.filePath);
    const statements: DescribedStatement[] = (result.statements ?? []).map((info) => {
      const locks = byIndex?.get(info.index);
      return locks ? { info, locks } : { info };
    });
    report.files.push(
      explainFile({
        path: relativePath(setup.cwd, result.filePath),
        isMigration: linter.isMigrationPath(result.filePath),
        result,
        described: statements,
        lineOf: (offset) => lines.positionAt(offset),
      }),
    );
  }
  return report;
}
