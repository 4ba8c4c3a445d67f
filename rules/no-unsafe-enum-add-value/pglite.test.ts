/**
 * The rule against PostgreSQL itself (PGlite, PostgreSQL 18 in WASM): each snippet runs as one
 * multi-statement query string, which PostgreSQL executes as one implicit transaction, the way
 * the rule sees a file by default. PostgreSQL must fail with "unsafe use of new value" exactly
 * when the rule reports a use of the new value.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTesting, lintWithRule } from '@sqlwarden/core/testing';
import rule from './index.ts';

const SCHEMA = "CREATE TYPE mood AS ENUM ('sad', 'ok');\nCREATE TABLE m (id int PRIMARY KEY, mood mood, note text);\nINSERT INTO m VALUES (1, 'ok', 'x');";

const CASES: string[] = [
  "ALTER TYPE mood ADD VALUE 'happy';\nINSERT INTO m VALUES (2, 'happy', 'y');",
  "ALTER TYPE mood ADD VALUE 'happy';\nINSERT INTO m (mood, id) VALUES ('happy', 2);",
  "ALTER TYPE mood ADD VALUE 'happy';\nUPDATE m SET mood = 'happy' WHERE id = 1;",
  "ALTER TYPE mood ADD VALUE 'happy';\nSELECT * FROM m WHERE mood = 'happy';",
  "ALTER TYPE mood ADD VALUE 'happy';\nDELETE FROM m WHERE mood IN ('sad', 'happy');",
  "ALTER TYPE mood ADD VALUE 'happy';\nSELECT 'happy'::mood;",
  "ALTER TYPE mood ADD VALUE 'happy';\nALTER TABLE m ALTER COLUMN mood SET DEFAULT 'happy';",
  "ALTER TYPE mood ADD VALUE 'happy';\nALTER TABLE m ADD COLUMN mood2 mood DEFAULT 'happy';",
  "ALTER TYPE mood ADD VALUE 'happy';\nCREATE INDEX m_happy ON m (id) WHERE mood = 'happy';",
  "ALTER TYPE mood ADD VALUE 'happy';\nSELECT enum_range(NULL::mood);",
  // Not uses of the new value.
  "ALTER TYPE mood ADD VALUE 'happy';\nALTER TYPE mood ADD VALUE 'meh' AFTER 'happy';",
  "ALTER TYPE mood ADD VALUE 'happy';\nINSERT INTO m VALUES (3, 'sad', 'happy');",
  "ALTER TYPE mood ADD VALUE 'happy';\nUPDATE m SET note = 'happy' WHERE id = 1;",
  "ALTER TYPE mood ADD VALUE 'happy';\nSELECT 'happy'::text;",
  "ALTER TYPE mood ADD VALUE 'happy';\nSELECT * FROM m ORDER BY mood;",
  // PostgreSQL 17+: a type created in the same transaction.
  "CREATE TYPE color AS ENUM ('red');\nALTER TYPE color ADD VALUE 'blue';\nSELECT 'blue'::color;",
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

describe('no-unsafe-enum-add-value agrees with PostgreSQL 18 (PGlite)', () => {
  for (const code of CASES) {
    it(code.replace(/\s+/g, ' '), async () => {
      const schema = `enum_${n++}`;
      await db.exec(`CREATE SCHEMA ${schema}; SET search_path = ${schema}; ${SCHEMA}`);
      let error: string | undefined;
      try {
        await db.exec(code);
      } catch (e) {
        error = (e as Error).message;
      }
      await db.exec('SET search_path = public');
      const rejected = error !== undefined && /unsafe use of new value/.test(error);
      expect(error === undefined || rejected, `unexpected error: ${error}`).toBe(true);
      const messages = lintWithRule(rule, { schema: SCHEMA, code, settings: { postgresVersion: 18 } });
      expect(messages.filter((m) => m.ruleId === 'syntax-error' || m.ruleId === 'internal-error')).toEqual([]);
      const reported = messages.some((m) => m.ruleId === rule.meta.id && /unsafe use of new value/.test(m.detail ?? ''));
      expect(reported, error ?? 'PostgreSQL accepted it').toBe(rejected);
    });
  }
});
