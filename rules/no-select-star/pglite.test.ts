/**
 * Why a star that stops inside a CTE or subquery is still reported in a view, and not in a query:
 * PostgreSQL (PGlite, PostgreSQL 18 in WASM) stores the expanded column list of every star in a
 * view's query, so each of those columns becomes a dependency that blocks DROP COLUMN — even when
 * the view's own select list names one column. A plain query re-expands the star when it runs.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTesting, lintWithRule } from '@sqlwarden/core/testing';
import rule from './index.ts';

const SCHEMA = 'CREATE TABLE users (id int, email text, extra text);';

const CASES = [
  { view: 'CREATE VIEW v AS SELECT id FROM (SELECT * FROM users) s', query: 'SELECT id FROM (SELECT * FROM users) s' },
  { view: 'CREATE VIEW v AS WITH x AS (SELECT * FROM users) SELECT id FROM x', query: 'WITH x AS (SELECT * FROM users) SELECT id FROM x' },
];

let db: PGlite;
let n = 0;

beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
  await initTesting();
});
afterAll(async () => {
  await db?.close();
});

describe('no-select-star: inner stars of views pin columns (PGlite)', () => {
  for (const { view, query } of CASES) {
    it(view, async () => {
      const schema = `star_${n++}`;
      await db.exec(`CREATE SCHEMA ${schema}; SET search_path = ${schema}; ${SCHEMA}`);
      await db.exec(view);
      let error: string | undefined;
      try {
        await db.exec('ALTER TABLE users DROP COLUMN extra');
      } catch (e) {
        error = (e as Error).message;
      }
      await db.exec(`SET search_path = public; DROP SCHEMA ${schema} CASCADE`);
      expect(error).toMatch(/because other objects depend on it/);

      const own = (code: string) => lintWithRule(rule, { schema: SCHEMA, code }).filter((m) => m.ruleId === rule.meta.id);
      expect(own(view)).toHaveLength(1);
      expect(own(query)).toEqual([]);
    });
  }
});
