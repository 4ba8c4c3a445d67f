/**
 * The rollback policy end to end (issue 12, item 8): a goose migration whose down section drops a
 * table and re-creates an index gets no finding there by default, and the findings of an up
 * migration with `migrations.rollbacks: "all"`; the language server reports what the CLI does.
 * Rules are judged by id and line only: their messages are not what this test is about.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../packages/language-server/test/client.ts';
import { copyFixture, ensureBuilt, parseJsonOutput, removeTempDirs, repoRoot, runCli } from './cli/helpers.ts';

beforeAll(ensureBuilt, 180_000);
const clients: TestClient[] = [];
afterAll(async () => {
  for (const client of clients) await client.close();
  removeTempDirs();
});

const CREATE = 'migrations/00001_create_accounts.sql';
const REPLACE = 'migrations/00002_replace_email_index.sql';

type Found = [ruleId: string, line: number];

/** The line of `text` (1-based) that starts with `prefix`. */
function lineOf(text: string, prefix: string): number {
  const index = text.split('\n').findIndex((line) => line.startsWith(prefix));
  expect(index, prefix).toBeGreaterThanOrEqual(0);
  return index + 1;
}

const replaceText = readFileSync(path.join(repoRoot, 'fixtures/cli/rollbacks', REPLACE), 'utf8');
const DOWN = lineOf(replaceText, '-- +goose Down');
const DROP_TABLE = lineOf(replaceText, 'DROP TABLE reports');
const CREATE_INDEX = lineOf(replaceText, 'CREATE INDEX accounts_email_idx');

function project(rollbacks?: string): string {
  const dir = copyFixture('rollbacks');
  if (rollbacks !== undefined) writeFileSync(path.join(dir, 'sqlwarden.config.json'), JSON.stringify({ postgresVersion: 15, migrations: { rollbacks } }));
  return dir;
}

/** Every finding by file, a grouped one as each of its occurrences (the language server shows each on its own). */
function cliFindings(dir: string): Map<string, Found[]> {
  const run = runCli(['-f', 'json', '.'], { cwd: dir });
  expect(run.stderr).toBe('');
  expect([0, 1]).toContain(run.status);
  const found = new Map<string, Found[]>();
  for (const result of parseJsonOutput(run.stdout, dir)) {
    const messages = result.messages as Array<{ ruleId: string; line: number; occurrences?: Array<{ line: number }> }>;
    found.set(result.filePath, sorted(messages.flatMap((m): Found[] => (m.occurrences ? m.occurrences.map((o) => [m.ruleId, o.line]) : [[m.ruleId, m.line]]))));
  }
  return found;
}

function sorted(found: Found[]): Found[] {
  return found.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
}

const inDown = ([, line]: Found): boolean => line >= DOWN;
const inUp = (found: Found): boolean => !inDown(found);

describe('rollbacks (down sections) through the CLI', () => {
  it('reports nothing in down sections by default, as with "failures"', () => {
    const findings = cliFindings(project());
    expect(findings.get(CREATE)).toEqual([]);
    expect(findings.get(REPLACE)!.filter(inDown)).toEqual([]);
    // The up section is linted as always.
    expect(findings.get(REPLACE)).toContainEqual(['no-blocking-index-build', lineOf(replaceText, 'DROP INDEX')]);

    expect(cliFindings(project('failures'))).toEqual(findings);
  });

  it('with "all", lints down sections like up migrations: the DROP TABLE and the CREATE INDEX are reported', () => {
    const failures = cliFindings(project());
    const dir = project('all');
    const all = cliFindings(dir);
    const down = all.get(REPLACE)!.filter(inDown);
    expect(down).toContainEqual(['no-blocking-index-build', CREATE_INDEX]);
    expect(down.some(([, line]) => line === DROP_TABLE)).toBe(true);
    expect(all.get(CREATE)!.length).toBeGreaterThan(0);
    // Up sections are not affected by the setting.
    expect(all.get(REPLACE)!.filter(inUp)).toEqual(failures.get(REPLACE)!.filter(inUp));

    const config = JSON.parse(runCli(['--print-config', REPLACE], { cwd: dir }).stdout);
    expect(config.migrations.rollbacks).toBe('all');
  });

  it('rejects an unknown value with the allowed ones', () => {
    const run = runCli(['.'], { cwd: project('failure') });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('"migrations.rollbacks" must be one of "failures", "all"; got "failure" (did you mean "failures"?)');
  });
});

describe('rollbacks through the language server', () => {
  it('gives the findings the CLI gives, by default and with "all"', async () => {
    for (const rollbacks of [undefined, 'all']) {
      const dir = project(rollbacks);
      const cli = cliFindings(dir).get(REPLACE)!;
      expect(cli.some(inDown), `rollbacks: ${rollbacks}`).toBe(rollbacks === 'all');
      const client = new TestClient({ rootPath: dir });
      clients.push(client);
      await client.initialize();
      const uri = pathToFileURL(path.join(dir, REPLACE)).href;
      await client.open(uri, replaceText);
      const diagnostics = await client.diagnostics(uri);
      expect(sorted(diagnostics.map((d): Found => [String(d.code), d.range.start.line + 1])), `rollbacks: ${rollbacks}`).toEqual(cli);
    }
  });
});
