import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findings, removeDirs, runIn, tempDir, write } from './changed-since-helpers.ts';
import { ensureBuilt, runCli } from './helpers.ts';

afterAll(removeDirs);

const QUERIES = ['DELETE FROM orders;', 'SELECT * FROM users;', 'SELECT id FROM users;', 'SELECT * FROM users;', ''].join('\n');
const REPORT = 'SELECT * FROM orders o\nWHERE o.id > 10;\n';

/** queries/a.sql: one error and two identical warnings; queries/b.sql: one warning. */
function project(): string {
  const dir = tempDir('baseline');
  write(dir, 'queries/a.sql', QUERIES);
  write(dir, 'queries/b.sql', REPORT);
  return dir;
}

function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe('--write-baseline and --baseline', () => {
  it('round trip: findings that only moved stay hidden, new ones are reported, count-aware', async () => {
    const dir = project();
    const before = await runIn(dir, ['-f', 'json']);
    expect(before.code).toBe(1);
    expect(findings(before.stdout, dir)).toHaveLength(4);

    const written = await runIn(dir, ['--write-baseline', 'sqlwarden-baseline.json']);
    expect(written).toEqual({ code: 0, stdout: '', stderr: 'sqlwarden: wrote 4 findings in 2 files to sqlwarden-baseline.json.\n' });
    const baseline = readJson(path.join(dir, 'sqlwarden-baseline.json'));
    expect(baseline).toMatchObject({ version: 1, tool: { name: 'sqlwarden' } });
    expect(Object.keys(baseline.files)).toEqual(['queries/a.sql', 'queries/b.sql']);
    expect(Object.keys(baseline.files['queries/a.sql'])).toEqual(['no-select-star', 'require-where']);
    const stars = baseline.files['queries/a.sql']['no-select-star'];
    expect(stars).toHaveLength(2);
    expect(stars[0].fingerprint).not.toBe(stars[1].fingerprint); // occurrence index
    expect(stars[0]).toEqual({ fingerprint: expect.stringMatching(/^[0-9a-f]{24}$/), excerpt: '*' });

    // Same files: nothing to report.
    expect(await runIn(dir, ['--baseline', 'sqlwarden-baseline.json'])).toEqual({ code: 0, stdout: '', stderr: '' });

    // Lines inserted above (and whitespace changes inside a statement) shift every finding.
    write(dir, 'queries/a.sql', `-- header\n\n-- more\n${QUERIES}`);
    write(dir, 'queries/b.sql', `\n\n${REPORT.replace('\nWHERE', '\n    WHERE')}`);
    expect(await runIn(dir, ['--baseline', 'sqlwarden-baseline.json'])).toEqual({ code: 0, stdout: '', stderr: '' });

    // A new finding is the only one reported: a third copy of a statement recorded twice, and a new error.
    write(dir, 'queries/a.sql', `-- header\n\n-- more\n${QUERIES}SELECT * FROM users;\nDELETE FROM audit;\n`);
    const added = await runIn(dir, ['--baseline', 'sqlwarden-baseline.json', '-f', 'json']);
    expect(added.code).toBe(1);
    expect(added.stderr).toBe('');
    expect(findings(added.stdout, dir)).toEqual([
      { file: 'queries/a.sql', ruleId: 'no-select-star', line: 8 },
      { file: 'queries/a.sql', ruleId: 'require-where', line: 9 },
    ]);
    const [a, b] = JSON.parse(added.stdout);
    expect(a).toMatchObject({ errorCount: 1, warningCount: 1 });
    expect(b).toMatchObject({ errorCount: 0, warningCount: 0, messages: [] });
  });

  it('reports baseline entries that no longer occur, on stderr only', async () => {
    const dir = project();
    expect((await runIn(dir, ['--write-baseline', 'baseline.json'])).code).toBe(0);

    // One of the two identical warnings fixed.
    write(dir, 'queries/a.sql', QUERIES.replace('SELECT * FROM users;\nSELECT id', 'SELECT id FROM users;\nSELECT id'));
    const one = await runIn(dir, ['--baseline', 'baseline.json', '-f', 'json']);
    expect(one.code).toBe(0);
    expect(one.stderr).toBe('sqlwarden: 1 baseline entry no longer occurs; rerun with --write-baseline baseline.json to prune them.\n');
    expect(findings(one.stdout, dir)).toEqual([]);

    // A file deleted: its entries are gone too. Editing the flagged statement makes its finding new.
    rmSync(path.join(dir, 'queries/b.sql'));
    write(dir, 'queries/a.sql', QUERIES.replace('DELETE FROM orders;', 'DELETE FROM orders_archive;'));
    const more = await runIn(dir, ['--baseline', 'baseline.json', '-f', 'json']);
    expect(more.code).toBe(1);
    expect(findings(more.stdout, dir)).toEqual([{ file: 'queries/a.sql', ruleId: 'require-where', line: 1 }]);
    expect(more.stderr).toBe('sqlwarden: 2 baseline entries no longer occur; rerun with --write-baseline baseline.json to prune them.\n');

    // Pruned by rewriting.
    expect((await runIn(dir, ['--write-baseline', 'baseline.json'])).code).toBe(0);
    expect(await runIn(dir, ['--baseline', 'baseline.json'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('counts only files this run linted as stale, and keys paths relative to the baseline file', async () => {
    const dir = project();
    write(dir, 'other/c.sql', 'SELECT * FROM t;\n');
    expect((await runIn(dir, ['--write-baseline', 'ci/baseline.json'])).stderr).toBe(
      'sqlwarden: wrote 5 findings in 3 files to ci/baseline.json.\n',
    );
    expect(Object.keys(readJson(path.join(dir, 'ci/baseline.json')).files)).toEqual(['../other/c.sql', '../queries/a.sql', '../queries/b.sql']);
    // A subset of the files: the others' entries are not "no longer occurring".
    expect(await runIn(dir, ['--baseline', 'ci/baseline.json', 'queries'])).toEqual({ code: 0, stdout: '', stderr: '' });
    // From another directory, with the same baseline file.
    expect(await runIn(path.join(dir, 'queries'), ['--baseline', '../ci/baseline.json'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('records warnings with --quiet too, and applies before --max-warnings', async () => {
    const dir = project();
    expect((await runIn(dir, ['--write-baseline', 'b.json', '--quiet'])).stderr).toBe('sqlwarden: wrote 4 findings in 2 files to b.json.\n');
    write(dir, 'queries/d.sql', 'SELECT * FROM d;\n');
    const result = await runIn(dir, ['--baseline', 'b.json', '--max-warnings', '0']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('d.sql');
    expect(result.stdout).not.toContain('a.sql');
  });

  it('matches findings in fixed text (--fix-dry-run) like in the file', async () => {
    const dir = tempDir('baseline-fix');
    mkdirSync(path.join(dir, 'migrations'));
    write(dir, 'migrations/001.sql', 'CREATE TABLE t (id bigint PRIMARY KEY);\nSELECT * FROM t;\n');
    write(dir, 'migrations/002.sql', 'CREATE TABLE t2 (id bigserial PRIMARY KEY);\nSELECT * FROM t;\n');
    expect((await runIn(dir, ['--write-baseline', 'b.json'])).code).toBe(0);
    // The fix turns the serial into an identity column; the SELECT * after it is still the recorded finding.
    const dry = await runIn(dir, ['--baseline', 'b.json', '--fix-dry-run', '-f', 'json']);
    const results = JSON.parse(dry.stdout);
    expect(results.find((r: { filePath: string }) => r.filePath.endsWith('002.sql')).output).toContain('GENERATED BY DEFAULT AS IDENTITY');
    expect(findings(dry.stdout, dir).filter((f) => f.ruleId === 'no-select-star')).toEqual([]);
  });

  it('fails clearly on a missing or invalid baseline file, and on conflicting options', async () => {
    const dir = project();
    const fail = (stderr: string) => ({ code: 2, stdout: '', stderr });
    expect(await runIn(dir, ['--baseline', 'nope.json'])).toEqual(
      fail('sqlwarden: Baseline file nope.json not found; create it with --write-baseline nope.json.\n'),
    );
    writeFileSync(path.join(dir, 'bad.json'), '{"version": 1, "files": ');
    expect((await runIn(dir, ['--baseline', 'bad.json'])).stderr).toMatch(
      /^sqlwarden: Invalid baseline file bad\.json: not JSON \(.+\)\. Regenerate it with --write-baseline bad\.json\.\n$/,
    );
    writeFileSync(path.join(dir, 'v2.json'), '{"version": 2, "files": {}}');
    expect(await runIn(dir, ['--baseline', 'v2.json'])).toEqual(
      fail('sqlwarden: Invalid baseline file v2.json: version 2 is not supported (this sqlwarden reads version 1). Regenerate it with --write-baseline v2.json.\n'),
    );
    writeFileSync(path.join(dir, 'shape.json'), '{"version": 1, "files": {"a.sql": {"r": [{"line": 3}]}}}');
    expect((await runIn(dir, ['--baseline', 'shape.json'])).stderr).toBe(
      'sqlwarden: Invalid baseline file shape.json: every entry of "files.a.sql.r" needs a string "fingerprint". Regenerate it with --write-baseline shape.json.\n',
    );
    expect(await runIn(dir, ['--baseline', 'queries'])).toEqual(fail('sqlwarden: Baseline file queries is a directory.\n'));
    expect(await runIn(dir, ['--baseline', 'x.json', '--write-baseline', 'x.json'])).toEqual(
      fail('sqlwarden: --write-baseline rewrites the baseline from the current findings; it cannot be combined with --baseline.\n'),
    );
    expect(await runIn(dir, ['--write-baseline', 'x.json', '--changed-since', 'main'])).toEqual(
      fail('sqlwarden: --write-baseline records every finding of the run; it cannot be combined with --changed-since.\n'),
    );
  });

  it('does not write a baseline when a file cannot be read', async () => {
    const dir = project();
    writeFileSync(path.join(dir, 'queries/binary.sql'), Buffer.from([0x53, 0x00, 0xff, 0xfe, 0x00]));
    const result = await runIn(dir, ['--write-baseline', 'b.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sqlwarden: the baseline was not written: 1 file could not be linted.\n');
    expect(() => readFileSync(path.join(dir, 'b.json'))).toThrow();
  });
});

describe('baseline with the built CLI', () => {
  beforeAll(ensureBuilt, 180_000);

  it('writes, filters, and reports stale entries in JSON runs without touching stdout', () => {
    const dir = project();
    const written = runCli(['--write-baseline', 'b.json', '-f', 'json'], { cwd: dir });
    expect(written.status).toBe(0);
    expect(JSON.parse(written.stdout).every((r: { messages: unknown[] }) => r.messages.length === 0)).toBe(true);
    write(dir, 'queries/b.sql', 'SELECT id FROM orders;\n');
    const filtered = runCli(['--baseline', 'b.json', '-f', 'json'], { cwd: dir });
    expect(filtered.status).toBe(0);
    expect(JSON.parse(filtered.stdout)).toHaveLength(2);
    expect(filtered.stderr).toBe('sqlwarden: 1 baseline entry no longer occurs; rerun with --write-baseline b.json to prune them.\n');
    const missing = runCli(['--baseline', 'missing.json'], { cwd: dir });
    expect(missing).toEqual({ status: 2, stdout: '', stderr: 'sqlwarden: Baseline file missing.json not found; create it with --write-baseline missing.json.\n' });
  });
});
