import { stringifyWellFormed } from '@sqlwarden/core';
import { UsageError } from '../errors.ts';
import { describeTarget, disposableProblems, parseDatabaseUrl, type DatabaseTarget } from '../trace/database-url.ts';
import { formatTraceText } from '../trace/format.ts';
import { connectionSecrets, redactSecrets } from '../trace/redact.ts';
import { replay, type ReplayFile } from '../trace/replay.ts';
import type { SqlSession } from '../trace/session.ts';
import {
  createLinter,
  formatOption,
  parseCommand,
  parsePgVersion,
  readFiles,
  relativePath,
  reportFailure,
  subcommand,
  syntaxErrorRanges,
  useColor,
  type CommandIO,
  type OutputFormat,
} from './common.ts';

interface TraceOptions {
  format: OutputFormat;
  databaseUrl?: string;
  yes?: boolean;
  pgVersion?: number;
  config?: string;
  color?: boolean;
}

const HELP_AFTER = `
Replays the migrations in path order (the order lint uses; down migrations are skipped) in an
embedded PostgreSQL (PGlite, in memory: nothing outside this process is touched), or in the
database named by --database-url, and reports for each statement the locks PostgreSQL took
(pg_locks), how long they were held, its duration, and any error.

Each file runs the way its migration tool runs it (migrations.transaction in the config, tool
annotations such as "-- +goose NO TRANSACTION"): wrapped in one transaction, as one implicit
transaction, or statement by statement. The replay stops at the first error.

--database-url connects only to the database it names, and only when it looks disposable: a
local host (localhost, 127.0.0.1, ::1 or a unix socket directory) and a database name containing
test, tmp, temp, scratch, ci, dev, disposable or shadow. --yes skips that check. The database is
changed by the replay; start from an empty one.

Exit codes:
  0  every statement ran
  1  PostgreSQL rejected a statement (the migration would fail)
  2  usage or configuration error, refused or failed connection, or a statement trace cannot replay`;

export interface TraceDependencies {
  /** Opens the embedded database; tests hand in a shared PGlite to avoid starting one per case. */
  openPGlite?: (extensions: string[]) => Promise<SqlSession>;
}

export async function traceCommand(argv: readonly string[], io: CommandIO, dependencies: TraceDependencies = {}): Promise<number> {
  const program = subcommand('trace', io)
    .description('Replay migrations in PostgreSQL and report the locks each statement takes, how long it holds them, and any error.')
    .usage('[options] <file|dir|glob...>')
    .argument('<paths...>', 'migration files, directories or globs')
    .addOption(formatOption())
    .option('--database-url <url>', 'trace against this (disposable) database instead of an embedded PGlite')
    .option('-y, --yes', 'connect even when --database-url does not look disposable')
    .option('--pg-version <version>', 'PostgreSQL version the migrations target, e.g. 15', parsePgVersion)
    .option('-c, --config <path>', 'use this config file instead of looking one up')
    .option('--color', 'force coloured output')
    .option('--no-color', 'disable coloured output')
    .addHelpText('after', HELP_AFTER);
  const parsed = parseCommand(program, argv);
  if (!parsed.ok) return parsed.code;
  const options = program.opts<TraceOptions>();
  const patterns = program.processedArgs[0] as string[];

  try {
    // The safety check comes before anything else, and certainly before any connection.
    let target: DatabaseTarget | undefined;
    if (options.databaseUrl !== undefined) {
      target = parseDatabaseUrl(options.databaseUrl);
      const problems = disposableProblems(target);
      if (problems.length > 0 && !options.yes) {
        io.stderr.write(
          `sqlwarden trace: refusing to replay migrations into ${describeTarget(target)}: ${problems.join('; and ')}.\n` +
            'trace changes the database it runs in, so it only uses databases that look disposable. Point it at a throwaway database (e.g. postgresql://localhost/myapp_test), or pass --yes if this one really is disposable.\n' +
            'Nothing was connected to.\n',
        );
        return 2;
      }
    } else if (options.yes) {
      throw new UsageError('--yes only applies to --database-url.');
    }

    const setup = await createLinter(io, options);
    const files = await readFiles(setup, patterns);
    const { describeStatementLocks, displayRelation, isDownMigrationPath, lockModePgLocks } = await import('@sqlwarden/core');
    const expected = new Map<string, Map<number, Array<{ relation: string; mode: string }>>>();
    const linted = await setup.linter.lintFiles(
      files.map((f) => ({ path: f.path, text: f.text })),
      {
        keepStatements: true,
        // What the lock model expects, for statements whose locks a single connection cannot see.
        onStatement(filePath, statement, catalog) {
          if (!statement.node) return;
          try {
            const postgresVersion = setup.linter.resolvedConfigFor(filePath).settings.postgresVersion;
            const locks = describeStatementLocks(statement.node, { postgresVersion, catalog }).strongest;
            let byIndex = expected.get(filePath);
            if (!byIndex) expected.set(filePath, (byIndex = new Map()));
            byIndex.set(statement.index, locks.map((l) => ({ relation: displayRelation(l.relation), mode: lockModePgLocks(l.mode) })));
          } catch {
            // Only a hint for the report: a gap in the model must not stop the trace.
          }
        },
      },
    );
    const explicit = new Map(files.map((f) => [f.path, f.explicit]));
    const replayFiles: ReplayFile[] = linted.map((result) => {
      const file: ReplayFile = {
        path: relativePath(setup.cwd, result.filePath),
        text: result.source,
        statements: result.statements ?? [],
        syntaxErrors: syntaxErrorRanges(result),
      };
      const expectedLocks = expected.get(result.filePath);
      if (expectedLocks) file.expectedLocks = expectedLocks;
      if (isDownMigrationPath(result.filePath)) file.skip = 'down migration';
      else if (!explicit.get(result.filePath) && !setup.linter.isMigrationPath(result.filePath)) file.skip = 'not a migration (see migrations.include); name the file to replay it anyway';
      return file;
    });
    const configuredVersion = setup.linter.resolvedConfigFor(files[0]?.path ?? `${setup.cwd}/x.sql`).settings.postgresVersion;

    let session: SqlSession;
    if (target) {
      const { openPostgres } = await import('../trace/pg-session.ts');
      try {
        session = await openPostgres(target, describeTarget(target));
      } catch (error) {
        // The driver's text, with the password scrubbed in case it ever quotes it (run() scrubs all output too).
        const detail = redactSecrets(error instanceof Error ? error.message : String(error), connectionSecrets([options.databaseUrl!], io.env));
        throw new Error(`could not connect to ${describeTarget(target)}: ${detail}`);
      }
    } else {
      const open = dependencies.openPGlite ?? (await import('../trace/pglite-session.ts')).openPGlite;
      session = await open(extensionsCreated(replayFiles));
    }

    let report;
    try {
      const warnings: string[] = [];
      if (target && options.yes && disposableProblems(target).length > 0) {
        warnings.push(`--yes: ${describeTarget(target)} was used although it does not look disposable.`);
      }
      if (target) warnings.push(...(await notEmptyWarning(session, replayFiles)));
      report = await replay({ session, files: replayFiles, configuredVersion, warnings });
    } finally {
      await session.close();
    }

    if (options.format === 'json') io.stdout.write(`${stringifyWellFormed(report, 2)}\n`);
    else io.stdout.write(formatTraceText(report, { color: useColor(options.color, io.stdout, io.env) }));
    if (report.failure) return 1;
    if (report.stoppedBecause) return 2;
    return 0;
  } catch (error) {
    return reportFailure('trace', error, io);
  }
}

/** Names of the extensions the replayed files CREATE, so PGlite can load the ones it ships. */
function extensionsCreated(files: readonly ReplayFile[]): string[] {
  const names: string[] = [];
  for (const file of files) {
    if (file.skip !== undefined) continue;
    for (const stmt of file.statements) {
      const node = stmt.node;
      if (node?.type !== 'OtherStatement' || node.kind !== 'CreateExtensionStmt') continue;
      const name = (node.raw as { CreateExtensionStmt?: { extname?: string } } | undefined)?.CreateExtensionStmt?.extname;
      if (name) names.push(name);
    }
  }
  return names;
}

/** A database that already has tables makes CREATE statements fail: say so up front. */
async function notEmptyWarning(session: SqlSession, files: readonly ReplayFile[]): Promise<string[]> {
  if (files.every((f) => f.skip !== undefined)) return [];
  const relations = await session.relationNames();
  if (relations.length === 0) return [];
  const examples = relations.slice(0, 3).map((r) => r.relation).join(', ');
  return [
    `The database already has ${relations.length} relation${relations.length === 1 ? '' : 's'} (${examples}${relations.length > 3 ? ', ...' : ''}): the migrations are replayed on top of them. Start from an empty database to trace them from scratch.`,
  ];
}
