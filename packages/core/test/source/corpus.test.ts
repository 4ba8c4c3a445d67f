/**
 * The source layer over the real-world SQL corpus (read-only, outside the repository). Skipped with
 * a printed reason where the corpus is not present.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule, parseSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { ByteOffsetMap } from '../../src/source/line-index.ts';
import { maskNonSql } from '../../src/source/mask.ts';
import { splitStatements } from '../../src/source/split.ts';

const CORPUS = '/work/shared/corpus';
const PG_MIGRATIONS = join(CORPUS, 'pg-migrations');
const MYSQL_MIGRATIONS = join(CORPUS, 'mysql-migrations');

function sqlFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function skipReason(dir: string): string | undefined {
  if (existsSync(dir)) return undefined;
  const reason = `corpus directory ${dir} not found; skipping corpus checks`;
  console.warn(reason);
  return reason;
}

beforeAll(async () => {
  await loadModule();
});

describe.skipIf(skipReason(PG_MIGRATIONS) !== undefined)('PostgreSQL migrations corpus', () => {
  it('masks and splits every file: no throw, same length, every segment non-empty and starting with a token', () => {
    const files = sqlFiles(PG_MIGRATIONS);
    expect(files.length).toBeGreaterThan(100);
    let segments = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const masked = maskNonSql(text);
      expect(masked.text.length, file).toBe(text.length);
      const parts = splitStatements(masked.text);
      let previous = 0;
      for (const part of parts) {
        const statement = masked.text.slice(part.start, part.end);
        if (statement.length === 0 || /^\s/.test(statement) || part.start < previous) {
          expect.fail(`${file}: bad segment ${JSON.stringify(part)} ${JSON.stringify(statement.slice(0, 60))}`);
        }
        previous = part.terminatorEnd;
      }
      segments += parts.length;
    }
    expect(segments).toBeGreaterThan(10_000);
  }, 120_000);

  it("agrees with libpg-query's own statement boundaries wherever the whole file parses", () => {
    let compared = 0;
    const disagreements: string[] = [];
    for (const file of sqlFiles(PG_MIGRATIONS)) {
      const masked = maskNonSql(readFileSync(file, 'utf8')).text;
      let parsed: { stmts?: Array<{ stmt_location?: number; stmt_len?: number }> };
      try {
        parsed = parseSync(masked) as typeof parsed;
      } catch {
        continue; // a file with a syntax error has no reference boundaries
      }
      compared++;
      const bytes = new ByteOffsetMap(masked);
      const theirs = (parsed.stmts ?? []).map((s) => {
        const start = s.stmt_location ?? 0;
        return { start: bytes.toUtf16(start), end: s.stmt_len ? bytes.toUtf16(start + s.stmt_len) : masked.length };
      });
      const ours = splitStatements(masked);
      const same = ours.length === theirs.length && ours.every((s, k) => s.start >= theirs[k]!.start && s.end <= theirs[k]!.end);
      if (!same) disagreements.push(`${file}: ${ours.length} segments, libpg-query found ${theirs.length}`);
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(100);
  }, 120_000);
});

describe.skipIf(skipReason(MYSQL_MIGRATIONS) !== undefined)('MySQL migrations corpus', () => {
  it('masks and splits every file in MySQL mode without throwing', () => {
    for (const file of sqlFiles(MYSQL_MIGRATIONS)) {
      const text = readFileSync(file, 'utf8');
      const masked = maskNonSql(text, { dialect: 'mysql' });
      expect(masked.text.length, file).toBe(text.length);
      for (const part of splitStatements(masked.text, { dialect: 'mysql' })) {
        const statement = masked.text.slice(part.start, part.end);
        if (statement.length === 0 || /^\s/.test(statement)) expect.fail(`${file}: bad segment ${JSON.stringify(part)}`);
        if (/^delimiter\b/i.test(statement)) expect.fail(`${file}: DELIMITER returned as a statement`);
      }
    }
  }, 60_000);
});
