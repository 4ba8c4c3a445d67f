/**
 * How common migration tools run a PostgreSQL migration file: whether they wrap it in a
 * transaction, whether the statements of one file share a transaction, how a file opts out, and
 * how to recognise the tool from the layout. Data only; `detect.ts` interprets it.
 *
 * Every entry names its sources (documentation or the tool's own code). `confidence: 'verified'`
 * means the transaction behaviour was read in those sources; `'unverified'` entries say in `notes`
 * what could not be confirmed.
 *
 * Background that several entries rely on: PostgreSQL runs a simple-protocol Query message that
 * holds several statements as one implicit transaction, and a pipeline of extended-protocol
 * messages without Sync likewise (https://www.postgresql.org/docs/current/protocol-flow.html,
 * "Multiple Statements in a Simple Query" / "Pipelining"). So a tool that sends a whole file in one
 * `Exec` gets `implicit` semantics even though it never says BEGIN.
 */
import type { MigrationTransactionMode } from '../types.ts';

export const MIGRATION_TOOL_IDS = [
  'flyway',
  'liquibase',
  'golang-migrate',
  'goose',
  'dbmate',
  'sqitch',
  'prisma',
  'node-pg-migrate',
  'rails',
  'django',
  'diesel',
  'sqlx',
  'atlas',
  'supabase',
  'psql',
] as const;

export type MigrationToolId = (typeof MIGRATION_TOOL_IDS)[number];

export interface ToolSource {
  url: string;
  /** Section, function or file part that says it. */
  section: string;
  /** What the source establishes. */
  says: string;
}

/**
 * One piece of evidence for a tool. Weights add up per tool; the best tool with at least
 * `DETECTION_THRESHOLD` wins. A directive only the tool understands is decisive (100); a file
 * naming convention or a marker file is good evidence (40-60); a dependency in a manifest or a
 * generic directory name only tips the balance.
 */
export type DetectionSignal =
  /** A regular expression over the first `FIRST_LINES` lines of the file. */
  | { kind: 'content'; pattern: RegExp; weight: number; describe: string }
  /** A regular expression over the file's base name. */
  | { kind: 'fileName'; pattern: RegExp; weight: number; describe: string }
  /** A regular expression over the file's path with `/` separators. */
  | { kind: 'path'; pattern: RegExp; weight: number; describe: string }
  /**
   * An entry (file or directory) named `name` in the file's directory (`levels: 0`), its parent
   * (`1`), ... or, with `levels: 'up'`, in any ancestor up to the repository root.
   */
  | { kind: 'marker'; name: string | RegExp; levels: number | 'up'; weight: number; describe: string }
  /** A manifest found up the tree (go.mod, package.json, Cargo.toml...) whose text matches. */
  | { kind: 'manifest'; file: string; pattern: RegExp; weight: number; describe: string };

export const DETECTION_THRESHOLD = 40;
/** How many lines from the top `content` signals look at (file-level directives live there). */
export const FIRST_LINES = 40;

/** A statement pattern matched on the statement text with comments removed, blanks collapsed, upper-cased. */
export interface StatementPattern {
  pattern: RegExp;
  describe: string;
  /** Only below this PostgreSQL major version. */
  belowVersion?: number;
}

export interface MigrationTool {
  id: MigrationToolId;
  name: string;
  /** Where the tool keeps migrations and what files look like. */
  layout: string;
  signals: DetectionSignal[];
  /** How the tool runs one migration (file, or section/changeset where `unit` says so). */
  transaction: {
    mode: MigrationTransactionMode;
    /** What one transaction covers. */
    unit: 'file' | 'section' | 'changeset' | 'statement';
    /** Whether the statements of one unit share one transaction by default. */
    statementsShareTransaction: boolean;
    explanation: string;
  };
  /** How one file turns the transaction off; `undefined` when it cannot from SQL. */
  optOut?: {
    /** What to write, as shown to users. */
    how: string;
    /** Mode of the file once opted out. */
    mode: MigrationTransactionMode;
    /** How sqlwarden recognises it. */
    detection: string;
  };
  /** What to tell a user who needs a statement outside a transaction when there is no per-file opt-out. */
  workaround?: string;
  /** Statements the tool itself takes out of the transaction. */
  nonTransactionalStatements?: StatementPattern[];
  /** Down / rollback migrations. */
  down: string;
  /** Whole files that undo a migration (their statements are a down section), by path with `/` separators. */
  downFiles?: RegExp;
  sources: ToolSource[];
  confidence: 'verified' | 'unverified';
  notes?: string[];
}

const PG_MULTI_STATEMENT: ToolSource = {
  url: 'https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT',
  section: 'Multiple Statements in a Simple Query',
  says: 'the statements of one multi-statement Query message run as a single implicit transaction unless they contain explicit transaction commands',
};

export const MIGRATION_TOOLS: readonly MigrationTool[] = [
  {
    id: 'flyway',
    name: 'Flyway',
    layout:
      'Versioned `V<version>__<description>.sql`, repeatable `R__<description>.sql` and undo `U<version>__<description>.sql` (Teams) scripts in `db/migration` (classpath default) or the configured locations; configuration in `flyway.conf` / `flyway.toml`; an optional per-script `<script>.sql.conf`.',
    signals: [
      { kind: 'fileName', pattern: /^[VU]\d[\w.]*__.+\.sql$/, weight: 45, describe: 'Flyway versioned/undo file name `V<version>__<description>.sql`' },
      { kind: 'fileName', pattern: /^R__.+\.sql$/, weight: 45, describe: 'Flyway repeatable file name `R__<description>.sql`' },
      { kind: 'marker', name: /^flyway\.(conf|toml)$/, levels: 'up', weight: 40, describe: 'flyway.conf / flyway.toml' },
      { kind: 'marker', name: /\.sql\.conf$/, levels: 0, weight: 20, describe: 'Flyway script configuration files (`*.sql.conf`)' },
      { kind: 'path', pattern: /(^|\/)db\/migration\/[^/]+\.sql$/, weight: 15, describe: 'Flyway default location `db/migration`' },
      { kind: 'manifest', file: 'pom.xml', pattern: /flyway/i, weight: 15, describe: 'pom.xml mentions Flyway' },
      { kind: 'manifest', file: 'build.gradle', pattern: /flyway/i, weight: 15, describe: 'build.gradle mentions Flyway' },
      { kind: 'manifest', file: 'build.gradle.kts', pattern: /flyway/i, weight: 15, describe: 'build.gradle.kts mentions Flyway' },
    ],
    transaction: {
      mode: 'wrapped',
      unit: 'file',
      statementsShareTransaction: true,
      explanation:
        'Flyway runs each migration in a transaction (executeInTransaction defaults to true). On PostgreSQL its parser marks some statements non-transactional; a script containing one runs without a transaction, statement by statement, and Flyway refuses a script that mixes them with transactional statements unless `mixed` is true.',
    },
    optOut: {
      how: 'a `<script>.sql.conf` next to the script with `executeInTransaction=false`',
      mode: 'none',
      detection: 'reads `<script>.sql.conf` (and `flyway.executeInTransaction` / `executeInTransaction` in flyway.conf / flyway.toml); the script itself runs outside a transaction when it contains a statement Flyway treats as non-transactional',
    },
    nonTransactionalStatements: [
      { pattern: /^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)\b/, describe: 'CREATE/DROP DATABASE, TABLESPACE or SUBSCRIPTION' },
      { pattern: /^ALTER SYSTEM\b/, describe: 'ALTER SYSTEM' },
      { pattern: /^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY\b/, describe: 'CREATE/DROP INDEX CONCURRENTLY' },
      { pattern: /^REINDEX( \(?VERBOSE\)?)? (SCHEMA|DATABASE|SYSTEM)\b/, describe: 'REINDEX SCHEMA/DATABASE/SYSTEM' },
      { pattern: /^VACUUM\b/, describe: 'VACUUM' },
      { pattern: /^DISCARD ALL\b/, describe: 'DISCARD ALL' },
      { pattern: /^ALTER TYPE\b.* ADD VALUE\b/, describe: 'ALTER TYPE ... ADD VALUE (before PostgreSQL 12)', belowVersion: 12 },
    ],
    down: 'Undo scripts `U<version>__*.sql` (Flyway Teams) reverse the versioned script of the same version.',
    downFiles: /(^|\/)U\d[\w.]*__[^/]+\.sql$/,
    sources: [
      {
        url: 'https://documentation.red-gate.com/fd/flyway-execute-in-transaction-setting-277578997.html',
        section: 'Flyway Execute In Transaction Setting',
        says: 'whether Flyway executes SQL within a transaction; default true; can be set in script configuration',
      },
      {
        url: 'https://documentation.red-gate.com/fd/script-configuration-277578847.html',
        section: 'Script Configuration',
        says: 'per-script configuration in `V2__my_script.sql.conf` next to the migration; `executeInTransaction` overrides the global setting',
      },
      {
        url: 'https://www.red-gate.com/blog/flyway-6-1-0-released',
        section: 'Manual transaction override',
        says: '`executeInTransaction=false` in `<script>.sql.conf` forces the script to run outside a transaction',
      },
      {
        url: 'https://github.com/flyway/flyway/blob/main/flyway-database/flyway-database-postgresql/src/main/java/org/flywaydb/database/postgresql/PostgreSQLParser.java',
        section: 'PostgreSQLParser.detectCanExecuteInTransaction',
        says: 'CREATE/DROP DATABASE|TABLESPACE|SUBSCRIPTION, ALTER SYSTEM, CREATE/DROP [UNIQUE] INDEX CONCURRENTLY, REINDEX [VERBOSE] SCHEMA|DATABASE|SYSTEM, VACUUM, DISCARD ALL and (server < 12) ALTER TYPE ... ADD VALUE cannot execute in a transaction',
      },
      {
        url: 'https://github.com/flyway/flyway/blob/main/flyway-core/src/main/java/org/flywaydb/core/internal/sqlscript/ParserSqlScript.java',
        section: 'ParserSqlScript.parse / executeInTransaction',
        says: 'a script runs in a transaction unless it has a non-transactional statement; mixing both throws "Detected both transactional and non-transactional statements within the same migration (even though mixed is false)" unless mixed or a script-level executeInTransaction is set; the script-level setting wins',
      },
      {
        url: 'https://flywaydb.org/documentation/migrations',
        section: 'Migrations: versioned, undo and repeatable',
        says: 'naming `V<version>__<description>.sql`, `U<version>__...`, `R__<description>.sql`',
      },
    ],
    confidence: 'verified',
    notes: [
      'REINDEX TABLE/INDEX ... CONCURRENTLY and DETACH PARTITION ... CONCURRENTLY are not in Flyway\'s list: Flyway runs them in a transaction and PostgreSQL rejects them.',
      'An in-script `-- flyway:executeInTransaction=false` comment is recognised too; it is used in the wild but was not found in Flyway\'s documentation or parser source (unverified).',
    ],
  },
  {
    id: 'liquibase',
    name: 'Liquibase (formatted SQL)',
    layout:
      'A `.sql` changelog whose first line is `--liquibase formatted sql`, split into changesets by `--changeset author:id [attributes]` comments; rollbacks in `--rollback ...` comments. Usually included from a master changelog (`db.changelog-master.xml|yaml`); settings in `liquibase.properties`.',
    signals: [
      { kind: 'content', pattern: /^\s*--\s*liquibase\s+formatted\b/i, weight: 100, describe: 'first line `--liquibase formatted sql`' },
      { kind: 'marker', name: 'liquibase.properties', levels: 'up', weight: 20, describe: 'liquibase.properties' },
    ],
    transaction: {
      mode: 'wrapped',
      unit: 'changeset',
      statementsShareTransaction: true,
      explanation: 'Liquibase runs each changeset in a transaction committed at its end; the statements of one changeset share it, different changesets do not.',
    },
    optOut: {
      how: '`runInTransaction:false` on the `--changeset` line',
      mode: 'none',
      detection: 'reads the attributes of each `--changeset` line',
    },
    down: '`--rollback <sql>` comments (or a `/* liquibase rollback ... */` block) inside each changeset; not executed on update.',
    sources: [
      {
        url: 'https://docs.liquibase.com/concepts/basic/sql-format.html',
        section: 'changelogs in SQL Format',
        says: 'each file begins with `--liquibase formatted sql`; each changeset begins with `--changeset author:id attribute:value ...`; statements split on `;`; changeset attributes include runInTransaction',
      },
      {
        url: 'http://www.liquibase.org/documentation/changeset.html',
        section: '<changeSet> tag',
        says: 'Liquibase attempts to execute each changeSet in a transaction that is committed at the end, or rolled back on error',
      },
      {
        url: 'https://github.com/liquibase/liquibase/blob/master/liquibase-standard/src/main/java/liquibase/parser/AbstractFormattedChangeLogParser.java',
        section: 'FIRST_LINE_REGEX, CHANGE_SET_REGEX, RUN_IN_TRANSACTION_REGEX, ROLLBACK_REGEX',
        says: '`--liquibase formatted` first line; `--changeset author:id`; `runInTransaction:(\\w+)`; `--rollback ...`',
      },
      {
        url: 'https://github.com/liquibase/liquibase/issues/3806',
        section: 'CREATE INDEX CONCURRENTLY cannot be executed within a pipeline',
        says: 'with runInTransaction:false and endDelimiter/splitStatements that keep several statements in one JDBC call, PostgreSQL still runs them as one pipeline',
      },
    ],
    confidence: 'verified',
    notes: ['With `runInTransaction:false` statements run one by one in autocommit; `splitStatements:false` or a custom `endDelimiter` can still send several statements in one call, which runs them in one implicit transaction.'],
  },
  {
    id: 'golang-migrate',
    name: 'golang-migrate',
    layout: 'Pairs `{version}_{title}.up.sql` / `{version}_{title}.down.sql` in one directory (often `migrations/` or `db/migrations/`).',
    signals: [
      { kind: 'fileName', pattern: /^\d+_[^/]*\.(up|down)\.sql$/, weight: 40, describe: 'file name `{version}_{title}.up.sql` / `.down.sql`' },
      { kind: 'manifest', file: 'go.mod', pattern: /github\.com\/golang-migrate\/migrate/, weight: 30, describe: 'go.mod requires github.com/golang-migrate/migrate' },
    ],
    transaction: {
      mode: 'implicit',
      unit: 'file',
      statementsShareTransaction: true,
      explanation:
        'The postgres driver sends the whole file in one Exec, so a file with several statements runs as one implicit transaction; a single statement autocommits.',
    },
    workaround:
      'put the statement alone in a migration file of its own (golang-migrate sends a file as one query string), or enable `x-multi-statement` on the connection',
    down: 'Separate `.down.sql` files.',
    sources: [
      {
        url: 'https://github.com/golang-migrate/migrate/blob/master/MIGRATIONS.md',
        section: 'Migration Filename Format',
        says: '`{version}_{title}.up.{extension}` and `{version}_{title}.down.{extension}`',
      },
      {
        url: 'https://github.com/golang-migrate/migrate/blob/master/database/postgres/README.md',
        section: 'Multi-statement mode; Transaction mode',
        says: 'running multiple statements in one Exec executes them inside a transaction; `x-multi-statement=true` splits them; `x-use-transaction=true` wraps each migration in a transaction',
      },
      PG_MULTI_STATEMENT,
    ],
    confidence: 'verified',
    notes: ['Connection options `x-multi-statement=true` (statements run one by one: set `migrations.transaction` to "none") and `x-use-transaction=true` (set "wrapped") are not visible in the files.'],
  },
  {
    id: 'goose',
    name: 'goose',
    layout: '`<timestamp|sequence>_<name>.sql` files with `-- +goose Up` and optional `-- +goose Down` sections; `-- +goose StatementBegin` / `StatementEnd` around statements containing semicolons.',
    signals: [
      { kind: 'content', pattern: /^--\s*\+goose\s+(up|down|statementbegin|no transaction)\b/im, weight: 100, describe: '`-- +goose` annotations' },
      { kind: 'manifest', file: 'go.mod', pattern: /github\.com\/pressly\/goose/, weight: 30, describe: 'go.mod requires github.com/pressly/goose' },
    ],
    transaction: {
      mode: 'wrapped',
      unit: 'file',
      statementsShareTransaction: true,
      explanation: 'goose begins a transaction, runs the statements of the section one by one in it, records the version and commits.',
    },
    optOut: {
      how: '`-- +goose NO TRANSACTION`',
      mode: 'none',
      detection: 'the annotation anywhere in the file (it applies to both Up and Down); the statements then run one by one in autocommit',
    },
    down: '`-- +goose Down` section in the same file.',
    sources: [
      {
        url: 'https://pressly.github.io/goose/documentation/annotations',
        section: 'SQL file annotations',
        says: 'annotations `-- +goose up|down|statementbegin|statementend|no transaction|envsub on|off`, case-insensitive, no leading whitespace',
      },
      {
        url: 'https://github.com/pressly/goose/blob/master/migration_sql.go',
        section: 'runSQLMigration',
        says: 'with a transaction: BEGIN, each statement executed in the transaction, version recorded, COMMIT; with NO TRANSACTION: each statement executed on the database handle',
      },
      {
        url: 'https://github.com/pressly/goose/commit/33106fc6f2794885be83db34feac1a17b0462e99',
        section: 'sql migration template comment',
        says: 'the NO TRANSACTION annotation may be added to the top of the file; both Up and Down migrations within this file will be run without a transaction',
      },
    ],
    confidence: 'verified',
  },
  {
    id: 'dbmate',
    name: 'dbmate',
    layout: 'Timestamped `<version>_<name>.sql` files in `db/migrations` (default), each with a `-- migrate:up` block and a `-- migrate:down` block; schema dump in `db/schema.sql`.',
    signals: [
      { kind: 'content', pattern: /^--\s*migrate:(up|down)\b/im, weight: 100, describe: '`-- migrate:up` / `-- migrate:down` blocks' },
      { kind: 'manifest', file: 'package.json', pattern: /"dbmate"/, weight: 30, describe: 'package.json depends on dbmate' },
      { kind: 'manifest', file: 'go.mod', pattern: /github\.com\/amacneil\/dbmate/, weight: 30, describe: 'go.mod requires github.com/amacneil/dbmate' },
    ],
    transaction: {
      mode: 'wrapped',
      unit: 'section',
      statementsShareTransaction: true,
      explanation: 'dbmate runs the up (or down) block in one Exec inside a transaction together with the schema_migrations update.',
    },
    optOut: {
      how: '`-- migrate:up transaction:false` (and `-- migrate:down transaction:false` for the down block)',
      mode: 'implicit',
      detection: 'options on each block directive line; without a transaction the block is still sent as one Exec, so several statements run as one implicit transaction',
    },
    down: '`-- migrate:down` block in the same file (required).',
    sources: [
      {
        url: 'https://github.com/amacneil/dbmate#migration-options',
        section: 'README: Migration Options',
        says: '`transaction:false` on the migrate:up/down line runs that block outside a transaction',
      },
      {
        url: 'https://github.com/amacneil/dbmate/blob/main/pkg/dbmate/migration.go',
        section: 'parseMigrationContents / parseMigrationOptions',
        says: 'up and down blocks each carry their own options; `transaction` defaults to true',
      },
      {
        url: 'https://github.com/amacneil/dbmate/blob/main/pkg/dbmate/db.go',
        section: 'DB.Migrate',
        says: 'the whole up block is passed to one `tx.Exec` (in a transaction) or to `sqlDB.Exec` without one',
      },
      PG_MULTI_STATEMENT,
    ],
    confidence: 'verified',
  },
  {
    id: 'sqitch',
    name: 'Sqitch',
    layout: '`sqitch.plan` and `sqitch.conf` at the project root; per change `deploy/<change>.sql`, `revert/<change>.sql`, `verify/<change>.sql`.',
    signals: [
      { kind: 'marker', name: 'sqitch.plan', levels: 'up', weight: 50, describe: 'sqitch.plan' },
      { kind: 'marker', name: 'sqitch.conf', levels: 'up', weight: 30, describe: 'sqitch.conf' },
      { kind: 'path', pattern: /(^|\/)(deploy|revert|verify)\/[^/]+\.sql$/, weight: 10, describe: 'deploy/, revert/ or verify/ directory' },
    ],
    transaction: {
      mode: 'none',
      unit: 'statement',
      statementsShareTransaction: false,
      explanation:
        'Sqitch runs each script with `psql --file` and ON_ERROR_STOP=1, without --single-transaction: every statement autocommits unless the script says BEGIN, which its pg templates do (BEGIN; ... COMMIT;).',
    },
    workaround: 'leave the statement outside the script\'s BEGIN ... COMMIT (or drop them from this change)',
    down: '`revert/<change>.sql` undoes `deploy/<change>.sql`; `verify/<change>.sql` checks it.',
    downFiles: /(^|\/)revert\/[^/]+\.sql$/,
    sources: [
      {
        url: 'https://github.com/sqitchers/sqitch/blob/develop/lib/App/Sqitch/Engine/pg.pm',
        section: 'run_file, _client_opts',
        says: 'scripts run as `psql --quiet --no-psqlrc --no-align --tuples-only --set ON_ERROR_STOP=1 ... --file <script>`',
      },
      {
        url: 'https://github.com/sqitchers/sqitch/blob/develop/etc/templates/deploy/pg.tmpl',
        section: 'deploy template for pg',
        says: 'new deploy scripts are `BEGIN; -- XXX Add DDLs here. COMMIT;`',
      },
      {
        url: 'https://www.postgresql.org/docs/current/app-psql.html',
        section: 'psql: -f, -1/--single-transaction, AUTOCOMMIT',
        says: 'psql runs each statement in autocommit unless --single-transaction is given or the script issues BEGIN',
      },
    ],
    confidence: 'verified',
  },
  {
    id: 'prisma',
    name: 'Prisma Migrate',
    layout: '`prisma/migrations/<timestamp>_<name>/migration.sql`, with `migration_lock.toml` in the migrations directory and the schema in `prisma/schema.prisma`.',
    signals: [
      { kind: 'path', pattern: /(^|\/)migrations\/\d{14}_[^/]+\/migration\.sql$/, weight: 40, describe: '`migrations/<timestamp>_<name>/migration.sql`' },
      { kind: 'path', pattern: /(^|\/)prisma\/migrations\/[^/]+\/migration\.sql$/, weight: 30, describe: 'under `prisma/migrations/`' },
      { kind: 'marker', name: 'migration_lock.toml', levels: 1, weight: 40, describe: 'migration_lock.toml next to the migration folders' },
      { kind: 'marker', name: 'schema.prisma', levels: 2, weight: 30, describe: 'schema.prisma' },
    ],
    transaction: {
      mode: 'implicit',
      unit: 'file',
      statementsShareTransaction: true,
      explanation:
        'The schema engine sends migration.sql as one simple-protocol query, so several statements run as one implicit transaction and a single statement autocommits.',
    },
    workaround: 'put the statement alone in a migration of its own (Prisma sends migration.sql as one query string)',
    down: 'None: Prisma Migrate has no down migrations (`migrate diff` can generate a rollback script).',
    sources: [
      {
        url: 'https://github.com/prisma/prisma-engines/blob/main/schema-engine/connectors/sql-schema-connector/src/flavour/postgres/connector/native/mod.rs',
        section: 'Connection::apply_migration_script',
        says: '`client.simple_query(script)` with the whole migration script',
      },
      {
        url: 'https://github.com/prisma/prisma/issues/22922',
        section: 'Confusing transaction semantics in Postgres migrations',
        says: 'multi-statement migrations run in one transaction; a single CREATE INDEX CONCURRENTLY succeeds, mixed with another statement it fails',
      },
      {
        url: 'https://github.com/prisma/prisma-engines/pull/5847',
        section: 'fix: support DROP INDEX CONCURRENTLY in migration script splitting',
        says: 'newer engines (after prisma-engines #5767) split the script into statements and fall back to one simple-query batch when splitting fails',
      },
      PG_MULTI_STATEMENT,
    ],
    confidence: 'verified',
    notes: [
      'Version-dependent: schema engines that include prisma-engines #5767 (2026) run each statement of migration.sql on its own. The exact Prisma release was not confirmed; on such a version set `migrations.transaction` to "none".',
    ],
  },
  {
    id: 'node-pg-migrate',
    name: 'node-pg-migrate (SQL migrations)',
    layout: '`migrations/<timestamp>_<name>.sql` with `-- Up Migration` and `-- Down Migration` comments (JS/TS migrations are not linted here).',
    signals: [
      { kind: 'content', pattern: /^\s*--[\s-]*up\s+migration\s*$/im, weight: 45, describe: '`-- Up Migration` marker' },
      { kind: 'content', pattern: /^\s*--[\s-]*down\s+migration\s*$/im, weight: 10, describe: '`-- Down Migration` marker' },
      { kind: 'manifest', file: 'package.json', pattern: /"node-pg-migrate"/, weight: 30, describe: 'package.json depends on node-pg-migrate' },
    ],
    transaction: {
      mode: 'wrapped',
      unit: 'section',
      statementsShareTransaction: true,
      explanation: 'node-pg-migrate sends BEGIN, the migration (the whole up section as one query), the pgmigrations insert, COMMIT; with --single-transaction (the CLI default) all pending migrations share one transaction.',
    },
    workaround:
      'node-pg-migrate cannot turn the transaction off from an .sql file: write this migration in JS/TS and call `pgm.noTransaction()`, and run without --single-transaction',
    down: '`-- Down Migration` section of the same file.',
    sources: [
      {
        url: 'https://github.com/salsita/node-pg-migrate/blob/main/src/sqlMigration.ts',
        section: 'getActions',
        says: 'the up SQL runs from `-- Up Migration` to `-- Down Migration` (regex `^\\s*--[\\s-]*up\\s+migration`, case-insensitive), each passed to one `pgm.sql()`',
      },
      {
        url: 'https://github.com/salsita/node-pg-migrate/blob/main/src/migration.ts',
        section: 'Migration._apply',
        says: 'wraps the migration in BEGIN/COMMIT unless singleTransaction already wraps all migrations; only `pgm.noTransaction()` (JS/TS) disables it',
      },
    ],
    confidence: 'verified',
  },
  {
    id: 'rails',
    name: 'Rails (Active Record)',
    layout:
      'Ruby migrations in `db/migrate/<timestamp>_<name>.rb`; SQL appears as `db/structure.sql` (a pg_dump loaded with psql) or as `.sql` files a Ruby migration executes.',
    signals: [
      { kind: 'path', pattern: /(^|\/)db\/structure\.sql$/, weight: 60, describe: 'db/structure.sql (Rails schema dump)' },
      { kind: 'path', pattern: /(^|\/)db\/migrate\/[^/]+\.sql$/, weight: 20, describe: 'under db/migrate/' },
      { kind: 'marker', name: 'Gemfile', levels: 'up', weight: 15, describe: 'Gemfile' },
      { kind: 'marker', name: /^\d+_\w+\.rb$/, levels: 0, weight: 25, describe: 'Ruby migrations next to the file' },
    ],
    transaction: {
      mode: 'wrapped',
      unit: 'file',
      statementsShareTransaction: true,
      explanation:
        'Active Record wraps each migration in a transaction on PostgreSQL, so SQL that a migration executes runs in it. db/structure.sql is different: `db:schema:load` runs it with `psql --set ON_ERROR_STOP=1 --file`, statement by statement in autocommit.',
    },
    optOut: {
      how: '`disable_ddl_transaction!` in the Ruby migration that runs the SQL',
      mode: 'none',
      detection: 'a Ruby migration with the same base name next to the .sql file that calls `disable_ddl_transaction!`',
    },
    down: 'In the Ruby migration (`down`, or `change` reversed); none for SQL files.',
    sources: [
      {
        url: 'https://api.rubyonrails.org/classes/ActiveRecord/Migration.html',
        section: 'Transactional Migrations; disable_ddl_transaction!',
        says: 'on databases that support it (PostgreSQL) migrations are wrapped in a transaction; `disable_ddl_transaction!` disables the transaction wrapping this migration',
      },
      {
        url: 'https://github.com/rails/rails/blob/main/activerecord/lib/active_record/tasks/postgresql_database_tasks.rb',
        section: 'structure_load',
        says: 'structure.sql is loaded with `psql --set ON_ERROR_STOP=1 --quiet --no-psqlrc --output /dev/null --file <file>`',
      },
    ],
    confidence: 'verified',
    notes: ['Pairing an .sql file with the Ruby migration of the same base name is a convention sqlwarden assumes, not a Rails feature.'],
  },
  {
    id: 'django',
    name: 'Django (sqlmigrate output)',
    layout:
      '`manage.py sqlmigrate <app> <migration>` output: per operation a `--` / `-- <description>` / `--` comment block, wrapped in `BEGIN;` ... `COMMIT;` when the migration is atomic.',
    signals: [
      { kind: 'content', pattern: /^--\r?\n-- (Create|Add|Alter|Remove|Rename|Delete|Change|Raw SQL|Custom|Create index|Add constraint)\b[^\n]*\r?\n--\r?$/m, weight: 60, describe: 'sqlmigrate operation comments (`--` / `-- Create model ...` / `--`)' },
      { kind: 'content', pattern: /^-- MIGRATION NOW PERFORMS OPERATION THAT CANNOT BE WRITTEN AS SQL:/m, weight: 100, describe: 'sqlmigrate marker for a Python operation' },
      { kind: 'marker', name: 'manage.py', levels: 'up', weight: 15, describe: 'manage.py' },
    ],
    transaction: {
      mode: 'none',
      unit: 'statement',
      statementsShareTransaction: false,
      explanation:
        'The SQL carries its own transaction: sqlmigrate writes BEGIN; ... COMMIT; for atomic migrations (the default on PostgreSQL) and nothing for `atomic = False` ones, whose statements run one by one.',
    },
    optOut: {
      how: '`atomic = False` on the Migration class (sqlmigrate then prints no BEGIN/COMMIT)',
      mode: 'none',
      detection: 'the absence of BEGIN; ... COMMIT; in the output',
    },
    down: '`sqlmigrate --backwards` prints the reverse SQL.',
    sources: [
      {
        url: 'https://docs.djangoproject.com/en/stable/howto/writing-migrations/#non-atomic-migrations',
        section: 'Non-atomic migrations',
        says: 'on databases that support DDL transactions (PostgreSQL) migrations run in a transaction unless `atomic = False`',
      },
      {
        url: 'https://github.com/django/django/blob/main/django/core/management/commands/sqlmigrate.py',
        section: 'Command.handle',
        says: '`self.output_transaction = migration.atomic and connection.features.can_rollback_ddl` decides the BEGIN/COMMIT around the output',
      },
      {
        url: 'https://github.com/django/django/blob/main/django/db/migrations/migration.py',
        section: 'Migration.apply (collect_sql)',
        says: 'each operation is preceded by `--`, `-- <operation.describe()>`, `--`, and `-- MIGRATION NOW PERFORMS OPERATION THAT CANNOT BE WRITTEN AS SQL:` for Python operations',
      },
    ],
    confidence: 'verified',
  },
  {
    id: 'diesel',
    name: 'Diesel',
    layout: '`migrations/<version>_<name>/up.sql` and `down.sql` (optional `metadata.toml`), next to `diesel.toml`; `diesel setup` creates `00000000000000_diesel_initial_setup`.',
    signals: [
      { kind: 'path', pattern: /(^|\/)[0-9][0-9_-]*_[^/]+\/(up|down)\.sql$/, weight: 30, describe: '`<version>_<name>/up.sql` / `down.sql`' },
      { kind: 'marker', name: 'metadata.toml', levels: 0, weight: 30, describe: 'metadata.toml in the migration directory' },
      { kind: 'marker', name: '00000000000000_diesel_initial_setup', levels: 1, weight: 50, describe: 'the `00000000000000_diesel_initial_setup` migration' },
      { kind: 'marker', name: 'diesel.toml', levels: 'up', weight: 40, describe: 'diesel.toml' },
      { kind: 'manifest', file: 'Cargo.toml', pattern: /^\s*diesel(_migrations)?\s*=/m, weight: 20, describe: 'Cargo.toml depends on diesel' },
    ],
    transaction: {
      mode: 'wrapped',
      unit: 'file',
      statementsShareTransaction: true,
      explanation: 'Diesel runs each migration in its own transaction; the whole up.sql is sent with batch_execute.',
    },
    optOut: {
      how: '`run_in_transaction = false` in the migration\'s `metadata.toml`',
      mode: 'implicit',
      detection: 'reads metadata.toml next to up.sql/down.sql; the file is still one batch_execute, so several statements share an implicit transaction',
    },
    down: '`down.sql` in the same directory.',
    sources: [
      {
        url: 'https://docs.rs/diesel_migrations/latest/diesel_migrations/',
        section: 'crate docs: layout and Transactions',
        says: 'migrations live in `migrations/{version}_{name}/up.sql|down.sql`; by default each migration runs inside its own transaction',
      },
      {
        url: 'https://docs.diesel.rs/main/diesel/migration/trait.MigrationMetadata.html',
        section: 'MigrationMetadata::run_in_transaction',
        says: 'each migration is executed in its own transaction unless run_in_transaction is false',
      },
      {
        url: 'https://github.com/diesel-rs/diesel/blob/master/diesel_migrations/src/file_based_migrations.rs',
        section: 'FileBasedMigrations docs, run_sql_from_file',
        says: '`metadata.toml` with `run_in_transaction = false`; the file contents go to one `conn.batch_execute(&sql)`',
      },
      PG_MULTI_STATEMENT,
    ],
    confidence: 'verified',
  },
  {
    id: 'sqlx',
    name: 'SQLx',
    layout: '`migrations/<version>_<description>.sql`, or reversible `<version>_<description>.up.sql` / `.down.sql`, in a Rust project.',
    signals: [
      { kind: 'content', pattern: /^-- no-transaction/, weight: 100, describe: 'first line `-- no-transaction`' },
      { kind: 'marker', name: '.sqlx', levels: 'up', weight: 30, describe: '.sqlx offline query data' },
      { kind: 'manifest', file: 'Cargo.toml', pattern: /^\s*sqlx\s*=/m, weight: 30, describe: 'Cargo.toml depends on sqlx' },
      { kind: 'fileName', pattern: /^\d+_[^/]+\.sql$/, weight: 10, describe: 'file name `<version>_<description>.sql`' },
    ],
    transaction: {
      mode: 'wrapped',
      unit: 'file',
      statementsShareTransaction: true,
      explanation: 'SQLx runs each migration and its bookkeeping in one transaction.',
    },
    optOut: {
      how: '`-- no-transaction` as the very first line',
      mode: 'implicit',
      detection: 'the file starts with `-- no-transaction`; the file is then executed directly on the connection as one query, so several statements share an implicit transaction',
    },
    down: 'Reversible migrations: `<version>_<description>.down.sql`.',
    sources: [
      {
        url: 'https://github.com/launchbadge/sqlx/blob/main/sqlx-core/src/migrate/source.rs',
        section: 'resolve_blocking',
        says: '`let no_tx = sql.starts_with("-- no-transaction")` opts the migration out of its transaction',
      },
      {
        url: 'https://github.com/launchbadge/sqlx/blob/main/sqlx-postgres/src/migrate.rs',
        section: 'Migrate::apply / execute_migration',
        says: 'no_tx migrations run `conn.execute(migration.sql)` directly; others inside `self.begin()` ... `tx.commit()`',
      },
      PG_MULTI_STATEMENT,
    ],
    confidence: 'verified',
  },
  {
    id: 'atlas',
    name: 'Atlas',
    layout: 'A migration directory of `<version>_<name>.sql` files with an `atlas.sum` integrity file; project configuration in `atlas.hcl`.',
    signals: [
      { kind: 'content', pattern: /^--\s*atlas:(txmode|nolint|lint|delimiter|sum|import)\b/im, weight: 100, describe: '`-- atlas:` directives' },
      { kind: 'marker', name: 'atlas.sum', levels: 0, weight: 60, describe: 'atlas.sum in the migration directory' },
      { kind: 'marker', name: 'atlas.hcl', levels: 'up', weight: 20, describe: 'atlas.hcl' },
    ],
    transaction: {
      mode: 'wrapped',
      unit: 'file',
      statementsShareTransaction: true,
      explanation: '`atlas migrate apply` defaults to `--tx-mode file`: each file in its own transaction (`all` puts every pending file in one, `none` uses none).',
    },
    optOut: {
      how: '`-- atlas:txmode none` at the top of the file',
      mode: 'none',
      detection: 'the file directive; Atlas then executes the statements one by one',
    },
    down: 'None in the directory (`atlas migrate down` computes the revert).',
    sources: [
      {
        url: 'https://atlasgo.io/versioned/apply',
        section: 'Flags and Arguments: --tx-mode; Transaction Configuration',
        says: 'transaction mode `file` (default), `all` or `none`; a file can override it with `-- atlas:txmode`',
      },
      {
        url: 'https://atlasgo.io/blog/2022/09/05/announcing-migration-execution',
        section: 'Migration File Format',
        says: '`version_[name].sql` files and the `atlas.sum` checksum file',
      },
      {
        url: 'https://github.com/ariga/atlas/blob/master/sql/migrate/dir_test.go',
        section: 'LocalFile.Directive tests',
        says: '`-- atlas:txmode none` in the file header is read as a file directive; a directive attached to a statement is not',
      },
    ],
    confidence: 'verified',
    notes: ['Per-statement execution under `txmode none` follows from Atlas splitting files into statements; the splitter source itself was not read.'],
  },
  {
    id: 'supabase',
    name: 'Supabase CLI',
    layout: '`supabase/migrations/<timestamp>_<name>.sql`, with `supabase/config.toml`.',
    signals: [
      { kind: 'path', pattern: /(^|\/)supabase\/migrations\/[^/]+\.sql$/, weight: 60, describe: 'under supabase/migrations/' },
      { kind: 'marker', name: 'config.toml', levels: 1, weight: 10, describe: 'supabase/config.toml' },
    ],
    transaction: {
      mode: 'implicit',
      unit: 'file',
      statementsShareTransaction: true,
      explanation:
        'The CLI sends a file\'s statements as one pipelined batch, which PostgreSQL runs as one implicit transaction; since v2.109.0 statements that cannot run in a transaction block (CREATE INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, ALTER SYSTEM, CLUSTER, later DROP INDEX CONCURRENTLY) run on their own outside the batch.',
    },
    nonTransactionalStatements: [
      { pattern: /^CREATE( UNIQUE)? INDEX CONCURRENTLY\b/, describe: 'CREATE INDEX CONCURRENTLY' },
      { pattern: /^DROP INDEX CONCURRENTLY\b/, describe: 'DROP INDEX CONCURRENTLY' },
      { pattern: /^REINDEX\b.*\bCONCURRENTLY\b/, describe: 'REINDEX ... CONCURRENTLY' },
      { pattern: /^VACUUM\b/, describe: 'VACUUM' },
      { pattern: /^ALTER SYSTEM\b/, describe: 'ALTER SYSTEM' },
      { pattern: /^CLUSTER\b/, describe: 'CLUSTER' },
    ],
    workaround: 'put the statement in a migration of its own, or upgrade the Supabase CLI (v2.109.0 and later run such statements outside the batch)',
    down: 'None.',
    sources: [
      {
        url: 'https://supabase.com/docs/guides/deployment/database-migrations',
        section: 'Schema migrations',
        says: '`supabase migration new` creates `supabase/migrations/<timestamp>_<name>.sql`',
      },
      {
        url: 'https://github.com/supabase/cli/issues/2898',
        section: 'Recent release breaks migrations that use create index concurrently',
        says: 'applying a migration with CREATE INDEX CONCURRENTLY failed with "cannot be executed within a pipeline": the statements are sent as one batch',
      },
      {
        url: 'https://github.com/supabase/cli/pull/6276',
        section: 'fix(cli): run DROP INDEX CONCURRENTLY outside the migration transaction',
        says: 'since v2.109.0 (#5671) statements that cannot run in a transaction block run standalone outside the migration batch; DROP INDEX CONCURRENTLY was added later',
      },
    ],
    confidence: 'verified',
    notes: ['The exact list depends on the CLI version; DROP INDEX CONCURRENTLY was only added after v2.111.0.'],
  },
  {
    id: 'psql',
    name: 'psql -f',
    layout: 'Any .sql script run with `psql -f` (often with psql meta-commands such as `\\set`, `\\i`, `\\connect`).',
    signals: [
      { kind: 'content', pattern: /^\\(set|unset|i|ir|include|connect|c|echo|qecho|if|gset|pset|timing|encoding)\b/m, weight: 40, describe: 'psql meta-commands' },
      {
        kind: 'path',
        pattern: /(^|\/)migration\/i[^/]+\/postgresql\/[^/]+\.sql$/i,
        weight: 40,
        describe: 'the iDempiere layout (migration/<release>/postgresql/), whose SyncDB.sh feeds each file to psql',
      },
    ],
    transaction: {
      mode: 'none',
      unit: 'statement',
      statementsShareTransaction: false,
      explanation: 'psql sends statements one at a time; each autocommits unless the script says BEGIN or psql runs with --single-transaction.',
    },
    optOut: undefined,
    workaround: 'move it out of the script\'s BEGIN ... COMMIT (and do not run psql with --single-transaction)',
    down: 'None.',
    sources: [
      {
        url: 'https://www.postgresql.org/docs/current/app-psql.html',
        section: 'Options: -f, -1/--single-transaction; Variables: AUTOCOMMIT',
        says: 'statements autocommit by default; --single-transaction wraps all -c/-f commands in one BEGIN/COMMIT',
      },
      {
        url: 'https://github.com/idempiere/idempiere/blob/master/org.adempiere.server-feature/utils.unix/postgresql/SyncDB.sh',
        section: 'the loop over pending scripts',
        says: 'iDempiere applies each pending migration/<release>/postgresql/*.sql with `psql -b ... < script` (no --single-transaction)',
      },
    ],
    confidence: 'verified',
    notes: ['`psql -1` / `--single-transaction` is invisible in the file: set `migrations.transaction` to "wrapped".'],
  },
];

const BY_ID = new Map<string, MigrationTool>(MIGRATION_TOOLS.map((tool) => [tool.id, tool]));

export function migrationTool(id: string): MigrationTool | undefined {
  return BY_ID.get(id);
}

export function isMigrationToolId(id: string): id is MigrationToolId {
  return BY_ID.has(id);
}

/** Whether a file or directory name is one that migration-tool detection looks for (a `marker` signal). */
export function isMigrationToolMarker(name: string): boolean {
  return MIGRATION_TOOLS.some((tool) =>
    tool.signals.some((signal) => signal.kind === 'marker' && (typeof signal.name === 'string' ? signal.name === name : signal.name.test(name))),
  );
}
