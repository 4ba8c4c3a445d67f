// The catalog's state identity, and the work reused through it across lints of the same text:
// the catalog's own changes and the lock model's answers.
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.ts';
import { EMPTY_CATALOG_STATE } from '../../src/catalog/state.ts';
import { postgresAdapter } from '../../src/dialects/postgres/index.ts';
import { SegmentParseCache } from '../../src/engine/parse-cache.ts';
import { describeStatementLocks } from '../../src/locks/describe.ts';
import type { Statement } from '../../src/model/nodes.ts';
import { ready } from './helpers.ts';

beforeAll(() => ready);

/** The statements of `sql` as the engine caches them (frozen), from one cache per test. */
function cachedStatements(cache: SegmentParseCache, sql: string, file = 'a.sql'): Statement[] {
  const parsed = cache.parseFile(postgresAdapter, file, sql);
  return parsed.parses.flatMap((p) => [...p.statements]);
}

function replay(statements: Statement[], file = 'a.sql', options = { keepReplays: true }): Catalog {
  const catalog = new Catalog(options);
  statements.forEach((s, i) => catalog.apply(s, { file, statement: i }));
  return catalog;
}

const SQL = [
  'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
  'CREATE INDEX users_email_idx ON users (email);',
  "UPDATE users SET email = 'x';",
  'ALTER TABLE users ALTER COLUMN email TYPE varchar(100);',
].join('\n');

describe('catalog state', () => {
  it('is the same object after the same statements from the same start, and reuses their tables', () => {
    const cache = new SegmentParseCache();
    const statements = cachedStatements(cache, SQL);
    const first = replay(statements);
    const second = replay(statements);
    expect(new Catalog().state).toBe(EMPTY_CATALOG_STATE);
    expect(second.state).toBe(first.state);
    expect(second.state).not.toBe(EMPTY_CATALOG_STATE);
    // Replayed from the recorded changes: the very same (frozen) table objects, with the same contents.
    expect(second.getTable({ name: 'users' })).toBe(first.getTable({ name: 'users' }));
    expect(Object.isFrozen(second.getTable({ name: 'users' }))).toBe(true);
    expect(second.getTable({ name: 'users' })?.columns.map((c) => [c.name, c.type.name])).toEqual([
      ['id', 'int8'],
      ['email', 'varchar'],
    ]);
    expect(second.tableOfIndex({ name: 'users_email_idx' })?.name).toBe('users');
  });

  it('keeps replays only when asked (a one-shot run keeps no table version per statement)', () => {
    const cache = new SegmentParseCache();
    const statements = cachedStatements(cache, SQL);
    const first = replay(statements, 'a.sql', { keepReplays: false });
    const second = replay(statements, 'a.sql', { keepReplays: false });
    expect(second.state).toBe(first.state); // the identity still serves the lock model's answers
    expect(second.getTable({ name: 'users' })).not.toBe(first.getTable({ name: 'users' }));
    expect(second.getTable({ name: 'users' })?.columns.map((c) => c.type.name)).toEqual(['int8', 'varchar']);
  });

  it('differs when an earlier statement or the origin differs, and not for statements that leave the schema alone', () => {
    const cache = new SegmentParseCache();
    const statements = cachedStatements(cache, SQL);
    const base = replay(statements.slice(0, 2));
    const withUpdate = replay(statements.slice(0, 3));
    expect(withUpdate.state).toBe(base.state); // UPDATE changes no schema
    const otherFile = replay(statements, 'b.sql');
    expect(otherFile.state).not.toBe(replay(statements).state);
    const edited = cachedStatements(cache, SQL.replace('email text', 'email citext'));
    const fromEdited = replay(edited);
    expect(fromEdited.state).not.toBe(replay(statements).state);
    expect(fromEdited.getTable({ name: 'users' })?.columns.map((c) => c.type.name)).toEqual(['int8', 'varchar']);
  });

  it('follows clone and restore, and gives statements that are not cached a state of their own', () => {
    const cache = new SegmentParseCache();
    const statements = cachedStatements(cache, SQL);
    const catalog = replay(statements.slice(0, 1));
    const snapshot = catalog.clone();
    expect(snapshot.state).toBe(catalog.state);
    catalog.apply(statements[1]!, { file: 'a.sql', statement: 1 });
    expect(catalog.state).not.toBe(snapshot.state);
    catalog.restore(snapshot);
    expect(catalog.state).toBe(snapshot.state);
    expect(catalog.tableOfIndex({ name: 'users_email_idx' })).toBeUndefined();
    // A fresh, unfrozen parse of the same text: correct contents, but no state another run could share.
    const unfrozen = postgresAdapter.parseSegment(SQL, { start: 0, end: SQL.indexOf(';') }).statements[0]!;
    const a = new Catalog();
    const b = new Catalog();
    a.apply(unfrozen, { file: 'a.sql', statement: 0 });
    b.apply(unfrozen, { file: 'a.sql', statement: 0 });
    expect(a.state).not.toBe(b.state);
    expect(a.getTable({ name: 'users' })).toEqual(b.getTable({ name: 'users' }));
  });
});

describe('lock model answers', () => {
  it('are reused for a cached statement under the same catalog state and version, and frozen', () => {
    const cache = new SegmentParseCache();
    const statements = cachedStatements(cache, SQL);
    const alter = statements[3]!;
    const before = replay(statements.slice(0, 3));
    const answer = describeStatementLocks(alter, { postgresVersion: 15, catalog: before });
    expect(describeStatementLocks(alter, { postgresVersion: 15, catalog: replay(statements.slice(0, 3)) })).toBe(answer);
    expect(Object.isFrozen(answer.effects)).toBe(true);
    expect(() => (answer.effects as unknown[]).push({})).toThrow(TypeError);
    // Another version, or another schema before it, is asked anew.
    expect(describeStatementLocks(alter, { postgresVersion: 11, catalog: before })).not.toBe(answer);
    const edited = cachedStatements(cache, SQL.replace('email text', 'email varchar(50)'));
    const other = describeStatementLocks(edited[3]!, { postgresVersion: 15, catalog: replay(edited.slice(0, 3)) });
    expect(edited[3]).toBe(alter); // the same cached statement...
    expect(other).not.toBe(answer); // ...under a different catalog state
    // text -> varchar(100) rewrites the table; widening varchar(50) -> varchar(100) does not.
    expect(answer.effects.map((e) => e.rewrite)).toEqual(['table_and_indexes']);
    expect(other.effects.map((e) => e.rewrite)).toEqual(['none']);
  });
});
