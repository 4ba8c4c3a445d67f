/**
 * The migration tool a file belongs to changes what no-blocking-index-build says about it: the same
 * CREATE INDEX CONCURRENTLY is fine alone in a golang-migrate file, fails in a goose file without
 * NO TRANSACTION, and is run outside the transaction by Flyway on its own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinRules } from '@sqlwarden/rules';
import { initTesting, lintWithRule } from '@sqlwarden/core/testing';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(root, 'fixtures/migration-tools');
const rule = builtinRules.find((r) => r.meta.id === 'no-blocking-index-build')!;

function messages(relative: string, code?: string, schema = ''): string[] {
  const filename = path.join(fixtures, relative);
  return lintWithRule(rule, { code: code ?? readFileSync(filename, 'utf8'), filename, schema })
    .filter((m) => m.ruleId === rule.meta.id)
    .map((m) => m.message);
}

const inTransaction = /cannot run inside a transaction block/;

beforeAll(() => initTesting());

describe('no-blocking-index-build follows the detected migration tool', () => {
  const cic = 'CREATE INDEX CONCURRENTLY orders_x ON orders (customer_id);';
  const schema = 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, status text);';

  it('goose: CONCURRENTLY needs NO TRANSACTION', () => {
    expect(messages('goose/sql/schema/20240112120000_new.sql', `-- +goose Up\n${cic}\n`, schema)).toEqual([expect.stringMatching(inTransaction)]);
    expect(messages('goose/sql/schema/20240111120000_jobs_run_at_idx.sql', undefined, 'CREATE TABLE jobs (id uuid, run_at timestamptz);')).toEqual([]);
  });

  it('Flyway runs a CONCURRENTLY script outside the transaction, but not one that mixes it with other statements', () => {
    const dir = 'flyway/src/main/resources/db/migration';
    expect(messages(`${dir}/V9__x.sql`, cic, schema)).toEqual([]);
    // REINDEX ... CONCURRENTLY is not on Flyway's list, so Flyway wraps it and PostgreSQL refuses.
    expect(messages(`${dir}/V4__reindex_orders.sql`, undefined, schema)).toEqual([expect.stringMatching(inTransaction)]);
  });

  it('golang-migrate and Prisma: alone in a file is fine, with another statement it is an implicit transaction', () => {
    expect(messages('golang-migrate/db/migrations/000009_x.up.sql', cic, schema)).toEqual([]);
    expect(messages('golang-migrate/db/migrations/000002_invoice_status.up.sql', undefined, 'CREATE TABLE invoices (id bigint);')).toEqual([
      expect.stringMatching(inTransaction),
    ]);
    expect(messages('prisma/prisma/migrations/20240305120000_add_slug/migration.sql', undefined, 'CREATE TABLE "Post" (id int, title text);')).toEqual([
      expect.stringMatching(inTransaction),
    ]);
  });

  it('opt-outs: dbmate transaction:false, diesel metadata.toml, SQLx -- no-transaction, Atlas txmode, Liquibase runInTransaction', () => {
    // (Its down block drops the index without CONCURRENTLY, inside dbmate's transaction: reported, but not as "in a transaction block".)
    expect(messages('dbmate/db/migrations/20240202090000_events_payload_idx.sql', undefined, 'CREATE TABLE events (id bigint, payload jsonb);').filter((m) => inTransaction.test(m))).toEqual([]);
    expect(messages('diesel/migrations/2024-05-02-080000_index_posts_title/up.sql', undefined, 'CREATE TABLE posts (id int, title text);')).toEqual([]);
    expect(messages('sqlx/migrations/20240602000000_entries_amount_idx.sql', undefined, 'CREATE TABLE entries (id bigint, amount bigint);')).toEqual([]);
    expect(messages('atlas/migrations/20240702000000_teams_name_lower.sql', undefined, 'CREATE TABLE teams (id bigint, name text);')).toEqual([]);
    expect(messages('liquibase/src/main/resources/db/changelog/001-accounts.sql', undefined, '')).toEqual([]);
    // Without the opt-out the same SQLx file is wrapped.
    expect(messages('sqlx/migrations/20240603000000_x.sql', cic, schema)).toEqual([expect.stringMatching(inTransaction)]);
  });

  it('Supabase runs CONCURRENTLY statements outside the batch; sqitch and psql only have the script\'s own BEGIN', () => {
    expect(messages('supabase/supabase/migrations/20240801000000_create_profiles.sql')).toEqual([]);
    expect(messages('sqitch/deploy/users_email_idx.sql', undefined, 'CREATE TABLE users (email text);')).toEqual([]);
    expect(messages('sqitch/deploy/x.sql', `BEGIN;\n${cic}\nCOMMIT;`, schema)).toEqual([expect.stringMatching(inTransaction)]);
    expect(messages('psql/scripts/001_audit_log.sql')).toEqual([]);
  });
});
