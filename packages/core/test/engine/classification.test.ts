// Which statements count as changing existing tables, and when the notice about schema changes
// outside migrations is given (issue 12, item 1).
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { changesExistingTables, type FileClassification, unrecognisedMigrationsNotice } from '../../src/engine/classification.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

const changes = (text: string): boolean => changesExistingTables(lint(text, { isMigration: false }).statements);

describe('changesExistingTables', () => {
  it.each([
    'ALTER TABLE users ADD COLUMN name text',
    'CREATE INDEX users_email ON users (email)',
    'DROP TABLE users',
    'DROP INDEX users_email',
    'ALTER INDEX users_email RENAME TO users_email_idx',
    'ALTER VIEW active_users RENAME TO live_users',
    "ALTER TYPE mood ADD VALUE 'meh'",
    'ALTER TABLE users RENAME TO people',
    'CREATE TABLE t (id bigint); CREATE INDEX users_email ON users (email)',
  ])('%s: yes', (text) => expect(changes(text)).toBe(true));

  it.each([
    'SELECT * FROM users',
    "UPDATE users SET name = 'x' WHERE id = 1",
    'CREATE TABLE t (id bigint); CREATE INDEX t_id ON t (id); ALTER TABLE ONLY t ADD CONSTRAINT t_pk PRIMARY KEY (id)',
    // A reset script drops what it creates again.
    'DROP TABLE IF EXISTS t; CREATE TABLE t (id bigint)',
    'CREATE INDEX t_id ON public.t (id); CREATE TABLE public.t (id bigint)',
    'CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x; CREATE INDEX mv_x ON mv (x)',
    // Dumps alter the sequences they create (CREATE SEQUENCE is not modelled by name).
    'CREATE SEQUENCE s; ALTER SEQUENCE s OWNED BY users.id',
    'TRUNCATE users',
  ])('%s: no', (text) => expect(changes(text)).toBe(false));
});

describe('unrecognisedMigrationsNotice', () => {
  const root = path.resolve('/project');
  const file = (name: string, classification: Partial<FileClassification> = {}) => ({
    filePath: path.join(root, name),
    classification: { migration: false, snapshot: false, globsDir: root, changesTables: true, ...classification },
  });

  it('counts the files that change tables, names the first and the glob of its folder', () => {
    const notice = unrecognisedMigrationsNotice([file('sql/b.sql'), file('sql/a.sql'), file('q.sql', { changesTables: false })], { relativeTo: root });
    expect(notice).toBe(
      '2 files change existing tables (ALTER, CREATE INDEX, DROP...) but are not migrations, so migration rules did not check them (e.g. sql/a.sql); to lint them as migrations, add "migrations": { "include": ["sql/**/*.sql"] } to sqlwarden.config.json',
    );
  });

  it('one file; a file at the project root; paths outside relativeTo are absolute', () => {
    expect(unrecognisedMigrationsNotice([file('x.sql')], { relativeTo: path.join(root, 'sub') })).toBe(
      `${path.join(root, 'x.sql')} changes existing tables (ALTER, CREATE INDEX, DROP...) but is not a migration, so migration rules did not check it; to lint it as one, add "migrations": { "include": ["*.sql"] } to ${path.join(root, 'sqlwarden.config.json')}`,
    );
  });

  it('nothing when a migration was linted, a config applies, for snapshots, unnamed texts and unclassified results', () => {
    expect(unrecognisedMigrationsNotice([file('sql/a.sql'), file('db/migrations/1.sql', { migration: true, changesTables: false })], { relativeTo: root })).toBeUndefined();
    expect(unrecognisedMigrationsNotice([file('sql/a.sql', { configPath: path.join(root, 'sqlwarden.config.json') })], { relativeTo: root })).toBeUndefined();
    expect(unrecognisedMigrationsNotice([file('db/structure.sql', { snapshot: true })], { relativeTo: root })).toBeUndefined();
    expect(unrecognisedMigrationsNotice([{ ...file('x'), filePath: '<text>' }], { relativeTo: root })).toBeUndefined();
    expect(unrecognisedMigrationsNotice([{ filePath: path.join(root, 'a.sql') }], { relativeTo: root })).toBeUndefined();
  });
});
