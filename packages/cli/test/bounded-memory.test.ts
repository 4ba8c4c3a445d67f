// Issue 13: a run holds the catalog, the file being linted and compact results, not every
// file's text and parse: files are read when their turn comes, results keep their sources
// packed, and the json report is written a file at a time, all with unchanged output.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as v8 from 'node:v8';
import * as zlib from 'node:zlib';
import { Linter, stringifyWellFormed, summarize, type ReadResult } from '@sqlwarden/core';
import { builtinRules } from '@sqlwarden/rules';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, jsonChunks, toEslintResult } from '../src/formatters/json.ts';
import { batched, writeReport } from '../src/formatters/output.ts';
import { hasSource, PackedResult } from '../src/packed-result.ts';
import { run } from '../src/run.ts';
import { withMessages, type CliResult } from '../src/types.ts';
import { lintEach, type LintOutcome } from '../src/workers/pool.ts';
import { result } from './helpers/formatter-fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-memory-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const longText = `${'SELECT * FROM accounts WHERE id = 1;\n'.repeat(100)}-- é ✓ 😀\n`;
const warning = { ruleId: 'no-select-star', severity: 1 as const, message: 'Avoid SELECT *', line: 1, column: 8 };

describe('packed results', () => {
  const packing = { ...zlib, ...v8 };
  const grouped = {
    ...warning,
    detail: 'Lists every column \ud800 (a lone surrogate survives)',
    endLine: 1,
    endColumn: 9,
    fix: { range: [7, 8] as [number, number], text: 'a', desc: 'List the columns' },
    occurrences: [{ message: 'Avoid SELECT *', line: 2, column: 8, endLine: 2, endColumn: 9 }],
  };

  it('unpack into the same result, its source inflated each time it is read', () => {
    const original = result('/p/a.sql', [grouped, warning], { source: longText });
    const packed = new PackedResult(original, longText, packing);
    expect(packed).toMatchObject({ filePath: '/p/a.sql', warningCount: 2, errorCount: 0, fatalErrorCount: 0 });
    const unpacked = packed.unpack();
    expect(Object.getOwnPropertyDescriptor(unpacked, 'source')?.get).toBeTypeOf('function');
    expect(unpacked.source).toBe(longText);
    expect(unpacked).toEqual(original);
    expect(JSON.stringify(unpacked)).toBe(JSON.stringify(original));
    expect(json([unpacked], {} as never)).toBe(json([original], {} as never));
    expect(hasSource(unpacked)).toBe(true);
    expect(hasSource(packed)).toBe(true);
    const fixed = result('/p/b.sql', [], { source: 'DELETE FROM t;', output: 'SELECT 1;', appliedFixes: [{ ruleId: 'x' }] });
    expect(JSON.stringify(new PackedResult(fixed, 'DELETE FROM t;', packing).unpack())).toBe(JSON.stringify(fixed));
    const clean = result('/p/c.sql', [], { source: longText });
    expect(JSON.stringify(new PackedResult(clean, longText, packing).unpack())).toBe(JSON.stringify(clean));
  });

  it('keep a packed source through withMessages (--quiet, --baseline) and give way to an assignment', () => {
    const packed = new PackedResult(result('/p/a.sql', [warning], { source: longText }), longText, packing).unpack();
    const filtered = withMessages(packed, []);
    expect(filtered.warningCount).toBe(0);
    expect(Object.getOwnPropertyDescriptor(filtered, 'source')?.get).toBeTypeOf('function');
    expect(filtered.source).toBe(longText);
    filtered.source = 'SELECT 1;';
    expect(filtered.source).toBe('SELECT 1;');
    expect(packed.source).toBe(longText);
  });

  it('keep short sources and sources UTF-8 cannot carry (a lone surrogate) as they are', () => {
    const short = new PackedResult(result('/p/a.sql', [], { source: 'SELECT 1;' }), 'SELECT 1;', packing).unpack();
    expect(Object.getOwnPropertyDescriptor(short, 'source')).toMatchObject({ value: 'SELECT 1;' });
    const lone = `${longText}\ud800`;
    const broken = new PackedResult(result('/p/b.sql', [], { source: lone }), lone, packing).unpack();
    expect(Object.getOwnPropertyDescriptor(broken, 'source')).toMatchObject({ value: lone });
    expect(hasSource(result('/p/c.sql', []))).toBe(false);
    expect(hasSource(result('/p/c.sql', [], { source: '' }))).toBe(true);
  });
});

describe('the json report in pieces', () => {
  const results: CliResult[] = [
    result('/p/a.sql', [warning], { source: longText }),
    result('/p/b.sql', []),
    result('/p/c.sql', [warning], { source: 'SELECT * FROM t; -- \ud800 lone' }),
    result('/p/d.sql', [warning], { source: 'SELECT * FROM t;', output: 'SELECT a FROM t;' }),
  ];

  it('joins into the text of the whole report', () => {
    for (const some of [results, [], results.slice(1, 2)]) {
      expect([...jsonChunks(some)].join('')).toBe(`${stringifyWellFormed(some.map(toEslintResult))}\n`);
      expect(json(some, {} as never)).toBe(`${stringifyWellFormed(some.map(toEslintResult))}\n`);
    }
    expect([...jsonChunks(results)]).toHaveLength(results.length + 2);
  });

  it('is written to a report file piece by piece', async () => {
    const file = path.join(dir, 'reports', 'out.json');
    await writeReport(file, jsonChunks(results));
    expect(readFileSync(file, 'utf8')).toBe(json(results, {} as never));
    await writeReport(file, '');
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('is batched into fewer, larger writes without changing the text', () => {
    const pieces = Array.from({ length: 1000 }, (_, i) => `piece ${i};`);
    const batches = [...batched(pieces, 100)];
    expect(batches.join('')).toBe(pieces.join(''));
    expect(batches.length).toBeLessThan(150);
    expect([...batched([])]).toEqual([]);
  });
});

describe('lintEach', () => {
  const progress = { tick() {}, done() {} };

  it('reads each file given without its text when its turn comes, after the previous file is done', async () => {
    const texts: Record<string, string> = {
      '001_a.sql': 'CREATE TABLE t (a int);\n',
      '002_b.sql': 'ALTER TABLE t ADD COLUMN b int NOT NULL;\n',
      '003_c.sql': 'SELECT * FROM t;\n',
    };
    const events: string[] = [];
    const outcomes: Array<LintOutcome & { index: number }> = [];
    const read = (filePath: string): ReadResult => {
      const name = path.basename(filePath);
      events.push(`read ${name}`);
      const text = texts[name];
      return text === undefined ? { ok: false, reason: 'unreadable', message: 'Cannot read file' } : { ok: true, text, bom: false, encoding: 'utf-8' };
    };
    const files = ['003_c.sql', '001_a.sql', '002_b.sql', '002a_gone.sql'].map((name) => ({ path: path.join(dir, 'db/migrations', name) }));
    const linter = new Linter({ cwd: dir, rules: builtinRules });
    await lintEach(
      { linter, files: linter.replayOrder(files), replayed: 0, threads: 1, fix: false, progress, job: { cwd: dir, overrides: {} }, summarize, read, log: () => {} },
      (index, outcome) => {
        events.push(`done ${path.basename('result' in outcome ? outcome.result.filePath : outcome.unreadable.filePath)}`);
        outcomes.push({ index, ...outcome });
      },
    );
    expect(events).toEqual(['read 001_a.sql', 'done 001_a.sql', 'read 002_b.sql', 'done 002_b.sql', 'read 002a_gone.sql', 'done 002a_gone.sql', 'read 003_c.sql', 'done 003_c.sql']);
    expect(outcomes.map((outcome) => outcome.index)).toEqual([0, 1, 2, 3]);
    const second = outcomes[1]!;
    // The schema of 001 was there for 002: the engine saw the files in order.
    expect('result' in second && second.result.messages.map((message) => message.ruleId)).toContain('no-unsafe-not-null');
    expect('result' in second && second.result.source).toBe(texts['002_b.sql']);
    expect(outcomes[2]).toMatchObject({ unreadable: { filePath: files[3]!.path, message: 'Cannot read file' } });
  });
});

describe('a run', () => {
  async function runIn(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, {
      stdout: { write: (text) => (stdout += String(text)) },
      stderr: { write: (text) => (stderr += String(text)) },
      stdin: Readable.from([]),
      cwd: dir,
      env: {},
    });
    return { code, stdout, stderr };
  }

  it('reads files as it lints them, reports the unreadable ones, and keeps long sources packed', async () => {
    writeFileSync(path.join(dir, 'a.sql'), longText);
    writeFileSync(path.join(dir, 'b.sql'), Buffer.from([0x53, 0x45, 0x4c, 0xff, 0x3b]));
    writeFileSync(path.join(dir, 'c.sql'), 'SELECT 1;\n');
    // A formatter that shows how each result holds its source.
    writeFileSync(
      path.join(dir, 'show-sources.mjs'),
      "export default (results) => JSON.stringify(results.map((r) => ({ file: r.filePath.slice(-5), packed: typeof Object.getOwnPropertyDescriptor(r, 'source')?.get === 'function', source: r.source, fatal: r.fatalErrorCount })));\n",
    );
    const { code, stdout } = await runIn(['-f', './show-sources.mjs', '.']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual([
      { file: 'a.sql', packed: true, source: longText, fatal: 0 },
      { file: 'b.sql', packed: false, fatal: 1 },
      { file: 'c.sql', packed: false, source: 'SELECT 1;\n', fatal: 0 },
    ]);
    const report = await runIn(['-f', 'json', '.']);
    expect(JSON.parse(report.stdout).map((r: { filePath: string; messages: Array<{ message: string }> }) => [path.basename(r.filePath), r.messages[0]?.message.split(' (')[0]])).toEqual([
      ['a.sql', expect.any(String)],
      ['b.sql', 'File is not valid UTF-8'],
      ['c.sql', undefined],
    ]);
  });
});
