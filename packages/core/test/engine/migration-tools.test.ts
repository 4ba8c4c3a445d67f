import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import configSchema from '../../schema/sqlwarden.config.schema.json' with { type: 'json' };
import { detectMigrationTool, planFileTransactions, simplifyStatement } from '../../src/migration-tools/detect.ts';
import { MIGRATION_TOOL_IDS, MIGRATION_TOOLS } from '../../src/migration-tools/tools.ts';
import { defineRule, type FileContext, type MigrationToolInfo, type StatementInfo } from '../../src/rule.ts';
import type { Settings } from '../../src/types.ts';
import { lint, ready } from './helpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../../../fixtures/migration-tools');
const corpus = path.resolve(here, '../../../../../shared/corpus/pg-migrations');

function fixture(relative: string): { file: string; text: string } {
  const file = path.join(fixtures, relative);
  return { file, text: readFileSync(file, 'utf8') };
}

/** The file context the rules see, captured by a rule that only looks. */
function lintFixture(relative: string, settings: Partial<Settings> = {}): { statements: StatementInfo[]; file: FileContext } {
  let seen: FileContext | undefined;
  const probe = defineRule({
    meta: { id: 'probe', description: 'captures the file context', defaultSeverity: 'warn', category: 'correctness' },
    create(context) {
      return {
        File() {
          seen = context.file;
        },
      };
    },
  });
  const { file, text } = fixture(relative);
  const { statements } = lint(text, { filePath: file, settings, rules: [probe] });
  return { statements, file: seen! };
}

function kinds(statements: readonly StatementInfo[]): string[] {
  return statements.map((s) => s.transaction ?? '-');
}

function tool(relative: string): MigrationToolInfo | undefined {
  return lintFixture(relative).file.migrationTool;
}

beforeAll(() => ready);

describe('the tool table', () => {
  it('has one entry per tool id, each with sources, detection signals and a transaction mode', () => {
    expect(MIGRATION_TOOLS.map((t) => t.id)).toEqual([...MIGRATION_TOOL_IDS]);
    for (const entry of MIGRATION_TOOLS) {
      expect(entry.sources.length, entry.id).toBeGreaterThan(0);
      for (const source of entry.sources) {
        expect(source.url, entry.id).toMatch(/^https?:\/\//);
        expect(source.section.length, entry.id).toBeGreaterThan(0);
      }
      expect(entry.signals.length, entry.id).toBeGreaterThan(0);
      expect(['implicit', 'wrapped', 'none']).toContain(entry.transaction.mode);
      expect(['verified', 'unverified']).toContain(entry.confidence);
      expect(entry.optOut !== undefined || entry.workaround !== undefined || entry.transaction.mode === 'none', `${entry.id} says how to get out of a transaction`).toBe(true);
    }
  });

  it('the config schema offers exactly the known tools', () => {
    expect(configSchema.properties.migrations.properties.tool.enum).toEqual(['auto', 'none', ...MIGRATION_TOOL_IDS]);
  });

  it('simplifies statements as the tools classify them', () => {
    expect(simplifyStatement('create /* x */ unique index\n  concurrently -- why\n i on t (a)')).toBe('CREATE UNIQUE INDEX CONCURRENTLY I ON T (A)');
  });
});

describe('detection from the layout', () => {
  const cases: Array<[string, string]> = [
    ['flyway/src/main/resources/db/migration/V1__create_orders.sql', 'flyway'],
    ['flyway/src/main/resources/db/migration/R__order_totals_view.sql', 'flyway'],
    ['liquibase/src/main/resources/db/changelog/001-accounts.sql', 'liquibase'],
    ['golang-migrate/db/migrations/000001_create_invoices.up.sql', 'golang-migrate'],
    ['golang-migrate/db/migrations/000002_invoice_status.down.sql', 'golang-migrate'],
    ['goose/sql/schema/20240110120000_create_jobs.sql', 'goose'],
    ['dbmate/db/migrations/20240201090000_create_events.sql', 'dbmate'],
    ['sqitch/deploy/users.sql', 'sqitch'],
    ['sqitch/revert/users.sql', 'sqitch'],
    ['prisma/prisma/migrations/20240301120000_init/migration.sql', 'prisma'],
    ['node-pg-migrate/migrations/1709280000000_create-notes.sql', 'node-pg-migrate'],
    ['rails/db/structure.sql', 'rails'],
    ['rails/db/migrate/20240402100000_backfill_products.sql', 'rails'],
    ['django/sql/catalog_0002_product_slug.sql', 'django'],
    ['django/sql/catalog_0003_product_name_idx.sql', 'django'],
    ['diesel/migrations/2024-05-01-080000_create_posts/up.sql', 'diesel'],
    ['diesel/migrations/00000000000000_diesel_initial_setup/down.sql', 'diesel'],
    ['sqlx/migrations/20240601000000_create_entries.sql', 'sqlx'],
    ['sqlx/migrations/20240602000000_entries_amount_idx.sql', 'sqlx'],
    ['atlas/migrations/20240701000000_create_teams.sql', 'atlas'],
    ['supabase/supabase/migrations/20240801000000_create_profiles.sql', 'supabase'],
    ['psql/scripts/001_audit_log.sql', 'psql'],
  ];
  for (const [relative, expected] of cases) {
    it(`${relative} -> ${expected}`, () => {
      const { file, text } = fixture(relative);
      const detected = detectMigrationTool(file, text);
      expect(detected?.tool.id, detected?.evidence.join('; ')).toBe(expected);
    });
  }

  it('directives in the text decide even without a layout', () => {
    expect(detectMigrationTool('/nowhere/x.sql', '-- +goose Up\nselect 1;')?.tool.id).toBe('goose');
    expect(detectMigrationTool('/nowhere/x.sql', '-- migrate:up\nselect 1;\n-- migrate:down\n')?.tool.id).toBe('dbmate');
    expect(detectMigrationTool('/nowhere/x.sql', '\n--liquibase formatted sql\n--changeset a:1\nselect 1;')?.tool.id).toBe('liquibase');
    expect(detectMigrationTool('/nowhere/x.sql', '-- atlas:txmode none\n\nselect 1;')?.tool.id).toBe('atlas');
    expect(detectMigrationTool('/nowhere/x.sql', '-- no-transaction\nselect 1;')?.tool.id).toBe('sqlx');
    expect(detectMigrationTool('/nowhere/V3__x.sql', 'select 1;')?.tool.id).toBe('flyway');
    expect(detectMigrationTool('/nowhere/9_x.up.sql', 'select 1;')?.tool.id).toBe('golang-migrate');
  });

  it('nothing is guessed from a plain file in a plain directory', () => {
    expect(detectMigrationTool('/nowhere/001_users.sql', 'create table users (id int);')).toBeUndefined();
    expect(detectMigrationTool(path.join(here, 'migrations/0002_test.sql'), 'select 1;')).toBeUndefined();
  });

  // ../shared/corpus/pg-migrations holds real projects; each directory's tool is known.
  const expectations: Array<[string, string | undefined]> = [
    ['hatchet-dev__hatchet/cmd/hatchet-migrate/migrate/migrations', 'goose'],
    ['goharbor__harbor/make/migrations/postgresql', 'golang-migrate'],
    ['documenso__documenso/packages/prisma/migrations', 'prisma'],
    ['LemmyNet__lemmy/migrations', 'diesel'],
    ['openstreetmap__openstreetmap-website/db', 'rails'],
    ['getlago__lago-api/db/structure.sql', 'rails'],
    ['idempiere__idempiere/migration/iD10/postgresql', 'psql'],
  ];
  for (const [where, expected] of expectations) {
    it.skipIf(!existsSync(path.join(corpus, where)))(`corpus: ${where} -> ${expected ?? 'no tool'}`, () => {
      const root = path.join(corpus, where);
      const files: string[] = [];
      const visit = (p: string): void => {
        if (files.length >= 40) return;
        if (statSync(p).isDirectory()) for (const name of readdirSync(p).sort()) visit(path.join(p, name));
        else if (p.endsWith('.sql')) files.push(p);
      };
      visit(root);
      expect(files.length).toBeGreaterThan(0);
      const found = new Set(files.map((f) => detectMigrationTool(f, readFileSync(f, 'utf8'))?.tool.id));
      expect([...found]).toEqual([expected]);
    });
  }
});

describe('transactions per tool, and per-file opt-outs', () => {
  it('Flyway wraps a script, runs CONCURRENTLY scripts without one, and reads *.sql.conf', () => {
    const v1 = lintFixture('flyway/src/main/resources/db/migration/V1__create_orders.sql');
    expect(kinds(v1.statements)).toEqual(['wrapped', 'wrapped']);
    expect(v1.file.migrationTool).toMatchObject({ id: 'flyway', transaction: 'wrapped', optedOut: false });
    expect(v1.file.migrationTool?.reason).toMatch(/flyway\.conf/);

    const v2 = lintFixture('flyway/src/main/resources/db/migration/V2__index_orders_placed_at.sql');
    expect(kinds(v2.statements)).toEqual(['-']);
    expect(v2.file.migrationTool?.reason).toMatch(/without a transaction because it contains CREATE\/DROP INDEX CONCURRENTLY/);

    // Mixed: Flyway runs nothing of it without `mixed=true`; the plan says so and runs it without a transaction.
    const { file, text } = fixture('flyway/src/main/resources/db/migration/V3__add_status.sql');
    const mixed = planFileTransactions({
      filePath: file,
      text,
      statements: lint(text, { filePath: file }).statements,
      settings: { postgresVersion: 15 },
    });
    expect(mixed.mode).toBe('none');
    expect(mixed.notes.join(' ')).toMatch(/mixed=true/);

    // REINDEX ... CONCURRENTLY is not on Flyway's list: it stays in the transaction.
    expect(kinds(lintFixture('flyway/src/main/resources/db/migration/V4__reindex_orders.sql').statements)).toEqual(['wrapped']);

    const v5 = lintFixture('flyway/src/main/resources/db/migration/V5__backfill_status.sql');
    expect(kinds(v5.statements)).toEqual(['-', '-']);
    expect(v5.file.migrationTool).toMatchObject({ transaction: 'none', optedOut: true });
  });

  it('Flyway treats ALTER TYPE ... ADD VALUE as non-transactional only before PostgreSQL 12', () => {
    const text = "ALTER TYPE mood ADD VALUE 'meh';";
    const at = (postgresVersion: number) => kinds(lint(text, { filePath: '/nowhere/V7__mood.sql', settings: { postgresVersion } }).statements);
    expect(at(11)).toEqual(['-']);
    expect(at(15)).toEqual(['wrapped']);
  });

  it('Liquibase: each changeset is a unit; runInTransaction:false opts one out', () => {
    const { statements, file } = lintFixture('liquibase/src/main/resources/db/changelog/001-accounts.sql');
    expect(kinds(statements)).toEqual(['wrapped', 'wrapped', '-']);
    expect(statements[0]!.transactionId).toBe(statements[1]!.transactionId);
    expect(file.migrationTool?.reason).toMatch(/except the 1 marked runInTransaction:false/);
  });

  it('golang-migrate sends a file as one query string', () => {
    expect(kinds(lintFixture('golang-migrate/db/migrations/000001_create_invoices.up.sql').statements)).toEqual(['-']);
    const two = lintFixture('golang-migrate/db/migrations/000002_invoice_status.up.sql');
    expect(kinds(two.statements)).toEqual(['implicit', 'implicit']);
    expect(two.file.migrationTool).toMatchObject({ id: 'golang-migrate', transaction: 'implicit' });
    expect(two.file.migrationTool?.optOut).toBeUndefined();
    expect(two.file.migrationTool?.remedy).toMatch(/migration file of its own/);
  });

  it('goose wraps each file unless it says NO TRANSACTION', () => {
    const jobs = lintFixture('goose/sql/schema/20240110120000_create_jobs.sql');
    expect(kinds(jobs.statements)).toEqual(['wrapped', 'wrapped', 'wrapped']);
    expect(jobs.statements.map((s) => s.section)).toEqual(['up', 'up', 'down']);
    expect(jobs.file.migrationTool).toMatchObject({ id: 'goose', name: 'goose', transaction: 'wrapped', optOut: '`-- +goose NO TRANSACTION`', optedOut: false });
    const idx = lintFixture('goose/sql/schema/20240111120000_jobs_run_at_idx.sql');
    expect(kinds(idx.statements)).toEqual(['-', '-']);
    expect(idx.file.migrationTool).toMatchObject({ transaction: 'none', optedOut: true });
  });

  it('dbmate: the up and down blocks have their own options; transaction:false is still one query string', () => {
    expect(kinds(lintFixture('dbmate/db/migrations/20240201090000_create_events.sql').statements)).toEqual(['wrapped', 'wrapped', 'wrapped']);
    const idx = lintFixture('dbmate/db/migrations/20240202090000_events_payload_idx.sql');
    // up: transaction:false with one statement -> nothing; down: the default transaction.
    expect(kinds(idx.statements)).toEqual(['-', 'wrapped', 'wrapped']);
    expect(idx.file.migrationTool).toMatchObject({ transaction: 'implicit', optedOut: true });
    const text = '-- migrate:up transaction:false\nALTER TABLE events ADD COLUMN x int;\nCREATE INDEX CONCURRENTLY e_x ON events (x);\n-- migrate:down\n';
    expect(kinds(lint(text, { filePath: '/nowhere/1_x.sql' }).statements)).toEqual(['implicit', 'implicit']);
  });

  it('sqitch runs scripts with psql: only the script\'s own BEGIN ... COMMIT is a transaction', () => {
    expect(kinds(lintFixture('sqitch/deploy/users.sql').statements)).toEqual(['-', 'explicit', 'explicit']);
    // A revert script undoes a change: all of it is a down section, never replayed into the schema.
    expect(lintFixture('sqitch/revert/users.sql').statements.map((s) => s.section)).toEqual(['down', 'down', 'down']);
    const idx = lintFixture('sqitch/deploy/users_email_idx.sql');
    expect(kinds(idx.statements)).toEqual(['-']);
    expect(idx.file.migrationTool).toMatchObject({ id: 'sqitch', transaction: 'none' });
  });

  it('Prisma sends migration.sql as one query string', () => {
    expect(kinds(lintFixture('prisma/prisma/migrations/20240301120000_init/migration.sql').statements)).toEqual(['-']);
    expect(kinds(lintFixture('prisma/prisma/migrations/20240305120000_add_slug/migration.sql').statements)).toEqual(['implicit', 'implicit']);
  });

  it('node-pg-migrate wraps the up section, and an .sql file cannot opt out', () => {
    const notes = lintFixture('node-pg-migrate/migrations/1709280000000_create-notes.sql');
    expect(notes.statements.map((s) => s.section)).toEqual(['up', 'up', 'down']);
    expect(kinds(notes.statements)).toEqual(['wrapped', 'wrapped', 'wrapped']);
    expect(notes.file.migrationTool?.remedy).toMatch(/pgm\.noTransaction\(\)/);
  });

  it('Rails: the migration\'s transaction, disable_ddl_transaction! in the paired .rb, structure.sql through psql', () => {
    expect(kinds(lintFixture('rails/db/migrate/20240402100000_backfill_products.sql').statements)).toEqual(['wrapped', 'wrapped']);
    const sku = lintFixture('rails/db/migrate/20240401100000_add_index_to_products_sku.sql');
    expect(kinds(sku.statements)).toEqual(['-']);
    expect(sku.file.migrationTool).toMatchObject({ id: 'rails', optedOut: true });
    const structure = lintFixture('rails/db/structure.sql');
    expect(new Set(kinds(structure.statements))).toEqual(new Set(['-']));
  });

  it('Django sqlmigrate output carries its own BEGIN/COMMIT, or none for atomic = False', () => {
    expect(kinds(lintFixture('django/sql/catalog_0002_product_slug.sql').statements)).toEqual(['-', 'explicit', 'explicit', 'explicit', 'explicit']);
    const nonAtomic = lintFixture('django/sql/catalog_0003_product_name_idx.sql');
    expect(kinds(nonAtomic.statements)).toEqual(['-']);
    expect(nonAtomic.file.migrationTool).toMatchObject({ id: 'django', optedOut: true });
  });

  it('Diesel wraps a migration unless metadata.toml says run_in_transaction = false', () => {
    expect(kinds(lintFixture('diesel/migrations/2024-05-01-080000_create_posts/up.sql').statements)).toEqual(['wrapped', 'wrapped']);
    const idx = lintFixture('diesel/migrations/2024-05-02-080000_index_posts_title/up.sql');
    expect(kinds(idx.statements)).toEqual(['-']);
    expect(idx.file.migrationTool).toMatchObject({ id: 'diesel', transaction: 'implicit', optedOut: true });
  });

  it('SQLx wraps a migration unless it starts with -- no-transaction', () => {
    expect(kinds(lintFixture('sqlx/migrations/20240601000000_create_entries.sql').statements)).toEqual(['wrapped', 'wrapped']);
    expect(kinds(lintFixture('sqlx/migrations/20240602000000_entries_amount_idx.sql').statements)).toEqual(['-']);
    // The directive must be the first bytes; further down it is just a comment.
    expect(kinds(lint('select 1;\n-- no-transaction\nselect 2;', { filePath: path.join(fixtures, 'sqlx/migrations/3_x.sql') }).statements)).toEqual(['wrapped', 'wrapped']);
  });

  it('Atlas wraps each file unless -- atlas:txmode none', () => {
    expect(kinds(lintFixture('atlas/migrations/20240701000000_create_teams.sql').statements)).toEqual(['wrapped', 'wrapped']);
    expect(kinds(lintFixture('atlas/migrations/20240702000000_teams_name_lower.sql').statements)).toEqual(['-']);
  });

  it('Supabase batches a file but runs CONCURRENTLY statements on their own', () => {
    const { statements } = lintFixture('supabase/supabase/migrations/20240801000000_create_profiles.sql');
    expect(kinds(statements)).toEqual(['implicit', 'implicit', '-']);
  });

  it('psql: every statement on its own', () => {
    expect(kinds(lintFixture('psql/scripts/001_audit_log.sql').statements)).toEqual(['-', '-']);
  });
});

describe('configuration', () => {
  it('migrations.transaction replaces the tool\'s mode, but a file\'s own opt-out still counts', () => {
    const golang = lintFixture('golang-migrate/db/migrations/000002_invoice_status.up.sql', { migrationTransaction: 'wrapped' });
    expect(kinds(golang.statements)).toEqual(['wrapped', 'wrapped']);
    expect(golang.file.migrationTool).toMatchObject({ id: 'golang-migrate', transaction: 'wrapped' });
    expect(golang.file.migrationTool?.reason).toMatch(/`migrations.transaction` is "wrapped"/);
    expect(kinds(lintFixture('goose/sql/schema/20240111120000_jobs_run_at_idx.sql', { migrationTransaction: 'wrapped' }).statements)).toEqual(['-', '-']);
    expect(kinds(lintFixture('flyway/src/main/resources/db/migration/V2__index_orders_placed_at.sql', { migrationTransaction: 'wrapped' }).statements)).toEqual(['wrapped']);
  });

  it('migrations.tool names the tool for every file, or none', () => {
    const forced = lintFixture('golang-migrate/db/migrations/000002_invoice_status.up.sql', { migrationTool: 'goose' });
    expect(kinds(forced.statements)).toEqual(['wrapped', 'wrapped']);
    expect(forced.file.migrationTool?.reason).toMatch(/set by `migrations.tool`/);
    const none = lintFixture('goose/sql/schema/20240110120000_create_jobs.sql', { migrationTool: 'none' });
    expect(none.file.migrationTool).toBeUndefined();
    expect(kinds(none.statements.filter((s) => s.section === 'up'))).toEqual(['implicit', 'implicit']);
    const noneWithMode = lintFixture('goose/sql/schema/20240110120000_create_jobs.sql', { migrationTool: 'none', migrationTransaction: 'none' });
    expect(kinds(noneWithMode.statements)).toEqual(['-', '-', '-']);
  });

  it('non-migration files get no tool and no tool transaction', () => {
    const { file, text } = fixture('goose/sql/schema/20240110120000_create_jobs.sql');
    const { statements } = lint(text, { filePath: file, isMigration: false });
    expect(kinds(statements)).toEqual(['-', '-', '-']);
  });
});

describe('transaction ids', () => {
  it('statements of one transaction share an id; COMMIT inside a query string starts a new one', () => {
    const ids = (text: string, settings: Partial<Settings> = {}) =>
      lint(text, { filePath: '/nowhere/x.sql', settings }).statements.map((s) => s.transactionId ?? 0);
    const implicit = ids('select 1; commit; select 2; select 3;');
    expect(implicit[0]).toBe(implicit[1]);
    expect(implicit[2]).toBe(implicit[3]);
    expect(implicit[2]).not.toBe(implicit[0]);
    expect(ids('select 1; begin; select 2; commit; select 3;', { migrationTransaction: 'none' })).toEqual([0, 0, 1, 1, 0]);
    const wrapped = ids('select 1; select 2;', { migrationTransaction: 'wrapped' });
    expect(wrapped[0]).toBeGreaterThan(0);
    expect(wrapped[0]).toBe(wrapped[1]);
  });
});

describe('files of no recognised tool', () => {
  const plan = (settings: { migrationTransaction?: 'none' | 'implicit' | 'wrapped'; migrationTool?: 'none' | 'psql' }, noTransactionDirective = false) => {
    const text = 'ALTER TABLE t ADD COLUMN b int;\nUPDATE t SET b = 1;';
    return planFileTransactions({ filePath: '/nowhere/042_add_b.sql', text, statements: lint(text, { filePath: '/nowhere/042_add_b.sql' }).statements, settings: { postgresVersion: 15, ...settings }, noTransactionDirective });
  };

  it('say that the transaction model is an assumption and how to set it', () => {
    const assumed = plan({});
    expect(assumed.mode).toBe('implicit');
    expect(assumed.assumed).toMatch(/no migration tool was recognised.*`migrations\.transaction`.*"none" for psql -f/);
    let seen: FileContext | undefined;
    const probe = defineRule({
      meta: { id: 'probe', description: 'captures the file context', defaultSeverity: 'warn', category: 'correctness' },
      create: (context) => ({ File: () => void (seen = context.file) }),
    });
    lint('ALTER TABLE t ADD COLUMN b int;\nUPDATE t SET b = 1;', { filePath: '/nowhere/042_add_b.sql', rules: [probe] });
    expect(seen?.transactionAssumption).toBe(assumed.assumed);
    // Nothing is assumed once the configuration, a tool or the file says how it runs.
    expect(plan({ migrationTransaction: 'implicit' }).assumed).toBeUndefined();
    expect(plan({ migrationTool: 'none', migrationTransaction: 'none' }).assumed).toBeUndefined();
    expect(plan({ migrationTool: 'psql' }).assumed).toBeUndefined();
    expect(plan({}, true).assumed).toBeUndefined();
  });
});
