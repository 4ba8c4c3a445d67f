// A NUL byte in SQL text: libpg-query reads C strings, so without a check it would silently parse
// only the text before the NUL. The statement holding it must be a syntax error at the NUL, and
// every other statement linted as usual, wherever the text comes from.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtinRules } from '@sqlwarden/rules';
import { afterAll, describe, expect, it } from 'vitest';
import { lintEmbedded } from '../../src/embedded/index.ts';
import { Linter } from '../../src/engine/linter.ts';
import { readSourceFile } from '../../src/source/read.ts';

const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-nul-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const linter = new Linter({ cwd: dir, rules: builtinRules });

const UPDATE = 'UPDATE t SET a = 1 \0 WHERE b = 2;';

function expectNulReported(text: string, messages: Array<{ ruleId: string; message: string; range: { start: number; end: number } }>, nulAt: number): void {
  const errors = messages.filter((m) => m.ruleId === 'syntax-error');
  expect(errors).toHaveLength(1);
  expect(errors[0]!.range).toEqual({ start: nulAt, end: nulAt + 1 });
  expect(text.charCodeAt(nulAt)).toBe(0);
  expect(errors[0]!.message).toMatch(/NUL byte/);
  expect(errors[0]!.message.length).toBeLessThanOrEqual(140);
}

describe('NUL bytes in SQL text', () => {
  it('the statement holding the NUL is a syntax error there and is not analysed; the others are linted', async () => {
    const text = `SELECT 1;\n${UPDATE}\nDELETE FROM t;\n`;
    const result = await linter.lintText(text, { filePath: path.join(dir, 'a.sql') });
    expectNulReported(text, result.messages, text.indexOf('\0'));
    // Before the fix the UPDATE was parsed as `UPDATE t SET a = 1` and reported as without WHERE.
    const updateLine = 2;
    expect(result.messages.filter((m) => m.line === updateLine && m.ruleId !== 'syntax-error')).toEqual([]);
    expect(result.messages.filter((m) => m.ruleId === 'require-where').map((m) => m.line)).toEqual([3]);
  });

  it('each statement is judged by the NULs inside it only, with several in the file', async () => {
    const text = `${UPDATE}\nDELETE FROM t;\nSELECT '\0';\nDELETE FROM u;\n${UPDATE}\n`;
    const result = await linter.lintText(text, { filePath: path.join(dir, 'several.sql') });
    const nuls = [...text.matchAll(/\0/g)].map((m) => m.index);
    expect(result.messages.filter((m) => m.ruleId === 'syntax-error').map((m) => m.range.start)).toEqual(nuls);
    expect(result.messages.filter((m) => m.ruleId === 'require-where').map((m) => m.line)).toEqual([2, 4]);
  });

  it('a NUL between statements (in a comment) is reported too: the server rejects the whole query text', async () => {
    const text = `SELECT 1;\n-- note \0 here\nDELETE FROM t;\n`;
    const result = await linter.lintText(text, { filePath: path.join(dir, 'between.sql') });
    expectNulReported(text, result.messages, text.indexOf('\0'));
    expect(result.messages.filter((m) => m.ruleId === 'require-where').map((m) => m.line)).toEqual([3]);
  });

  it('a NUL after the first 8 KiB of a file on disk: read as text, reported at its position', async () => {
    const text = `-- ${'x'.repeat(9000)}\n${UPDATE}\nDELETE FROM t;\n`;
    const file = path.join(dir, 'big.sql');
    writeFileSync(file, text);
    const read = readSourceFile(file);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const result = await linter.lintText(read.text, { filePath: file });
    expectNulReported(text, result.messages, text.indexOf('\0'));
    expect(result.messages.filter((m) => m.ruleId === 'require-where').map((m) => m.line)).toEqual([3]);
  });

  it('a NUL inside a string literal or a comment of a statement is reported too (the server rejects either)', async () => {
    for (const statement of ["SELECT 'a\0b';", 'SELECT 1 /* \0 */ + 2;', 'SELECT 1 -- \0\n + 2;']) {
      const text = `${statement}\nDELETE FROM t;\n`;
      const result = await linter.lintText(text, { filePath: path.join(dir, 'b.sql') });
      expectNulReported(text, result.messages, text.indexOf('\0'));
      expect(result.messages.filter((m) => m.ruleId === 'require-where')).toHaveLength(1);
    }
  });

  it('the NUL is found in the parse cache path too (a second lint of edited text)', async () => {
    const before = `SELECT 1;\nUPDATE t SET a = 1 WHERE b = 2;\nDELETE FROM t;\n`;
    const after = `SELECT 1;\n${UPDATE}\nDELETE FROM t;\n`;
    const file = path.join(dir, 'c.sql');
    await linter.lintText(before, { filePath: file });
    const result = await linter.lintText(after, { filePath: file });
    expectNulReported(after, result.messages, after.indexOf('\0'));
  });

  it('SQL embedded in TypeScript: a `\\0` escape cooks to a NUL inside the query', async () => {
    const text = "const q = sql`UPDATE t SET a = 1 \\0 WHERE b = 2`;\nconst r = sql`DELETE FROM t`;\n";
    const result = await lintEmbedded(linter, text, { filePath: path.join(dir, 'q.ts') });
    const errors = result.messages.filter((m) => m.ruleId === 'syntax-error');
    expect(errors).toHaveLength(1);
    // In host positions: the escape `\0` is what stands for the NUL.
    expect(text.slice(errors[0]!.range.start, errors[0]!.range.end)).toContain('\\0');
    expect(result.messages.filter((m) => m.ruleId === 'require-where').map((m) => m.line)).toEqual([2]);
  });
});
