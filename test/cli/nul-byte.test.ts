// A NUL byte in a .sql file: in the first 8 KiB the file is taken for binary (as before); past it,
// or from stdin, the statement holding the NUL is a syntax error at the NUL and the others are
// linted. libpg-query reads C strings, so without the check the text after a NUL vanished.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliMessage } from '../../packages/cli/src/types.ts';
import { copyFixture, ensureBuilt, removeTempDirs, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

const PADDING = `-- ${'x'.repeat(9000)}\n`;
const BODY = 'UPDATE t SET a = 1 \0 WHERE b = 2;\nDELETE FROM t;\n';

type JsonMessage = CliMessage;

function messagesOf(stdout: string): JsonMessage[] {
  return (JSON.parse(stdout) as Array<{ messages: JsonMessage[] }>).flatMap((r) => r.messages);
}

function expectNulFinding(messages: JsonMessage[], line: number): void {
  const syntax = messages.filter((m) => m.ruleId === 'syntax-error');
  expect(syntax).toHaveLength(1);
  // `UPDATE t SET a = 1 ` is 19 characters: the NUL is column 20, one character wide.
  expect(syntax[0]).toMatchObject({ line, column: 20, endLine: line, endColumn: 21 });
  expect(syntax[0]!.message).toMatch(/^NUL byte/);
  // The UPDATE is not analysed (it was reported as "without WHERE"); the DELETE after it is.
  expect(messages.filter((m) => m.ruleId === 'require-where').map((m) => m.line)).toEqual([line + 1]);
}

describe('NUL bytes', () => {
  let dir: string;
  beforeAll(() => {
    dir = copyFixture();
    mkdirSync(path.join(dir, 'queries'));
    writeFileSync(path.join(dir, 'queries/late.sql'), PADDING + BODY);
    writeFileSync(path.join(dir, 'queries/early.sql'), BODY);
  });

  it('after the first 8 KiB of a file: a syntax error at the NUL, the rest linted, exit 1', () => {
    const run = runCli(['-f', 'json', 'queries/late.sql'], { cwd: dir });
    expect(run.status).toBe(1);
    expectNulFinding(messagesOf(run.stdout), 2);
  });

  it('in the first 8 KiB: still the clear "binary file" message', () => {
    const run = runCli(['-f', 'json', 'queries/early.sql'], { cwd: dir });
    expect(run.status).toBe(2);
    const [m] = messagesOf(run.stdout);
    expect(m).toMatchObject({ fatal: true, ruleId: null });
    expect(m!.message).toMatch(/^File looks binary \(NUL byte at offset 19\)/);
  });

  it('from stdin, past the first 8 KiB', () => {
    const run = runCli(['-f', 'json', '--stdin', '--stdin-filename', 'queries/piped.sql'], { cwd: dir, input: PADDING + BODY });
    expect(run.status).toBe(1);
    expectNulFinding(messagesOf(run.stdout), 2);
  });
});
