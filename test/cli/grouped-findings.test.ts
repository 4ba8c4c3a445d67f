// Grouped findings (rules with groupRepeats) in the CLI's reports: one finding per cause, and
// every occurrence in JSON (`occurrences`) and SARIF (`relatedLocations`).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, ensureBuilt, parseJsonOutput, removeTempDirs, repoRoot, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const MIGRATION = [
  'CREATE TABLE events (',
  '  id bigint PRIMARY KEY,',
  '  created_at timestamp,',
  '  updated_at timestamp',
  ');',
  'ALTER TABLE events ADD COLUMN seen_at timestamp;',
  '',
].join('\n');

function project(config: Record<string, unknown>): string {
  const dir = copyFixture();
  writeFileSync(path.join(dir, 'sqlwarden.config.json'), JSON.stringify(config));
  mkdirSync(path.join(dir, 'migrations'));
  writeFileSync(path.join(dir, 'migrations/001_events.sql'), MIGRATION);
  return dir;
}

describe('grouped findings in the CLI', () => {
  it('-f json: one prefer-timestamptz finding with its occurrences; groupRepeats: false gives one per column', () => {
    const dir = project({ rules: { 'prefer-timestamptz': 'warn' } });
    const run = runCli(['-f', 'json', 'migrations'], { cwd: dir });
    expect(run.stderr).toBe('');
    const [result] = parseJsonOutput(run.stdout, dir);
    const own = (result!.messages as Array<Record<string, any>>).filter((m) => m.ruleId === 'prefer-timestamptz');
    expect(own).toHaveLength(1);
    expect(own[0]!.line).toBe(3);
    expect(own[0]!.message).toMatch(/ \(and 2 more in this file: lines 4, 6\)$/);
    expect(own[0]!.occurrences.map((o: Record<string, any>) => [o.line, o.column, o.message.split(' ')[0], o.suggestions?.[0]?.desc !== undefined])).toEqual([
      [3, 14, '`created_at`', true],
      [4, 14, '`updated_at`', true],
      [6, 39, '`seen_at`', true],
    ]);

    const each = project({ rules: { 'prefer-timestamptz': ['warn', { groupRepeats: false }] } });
    const perColumn = parseJsonOutput(runCli(['-f', 'json', 'migrations'], { cwd: each }).stdout, each)[0]!.messages.filter((m: Record<string, any>) => m.ruleId === 'prefer-timestamptz');
    expect(perColumn.map((m: Record<string, any>) => [m.line, m.occurrences])).toEqual([
      [3, undefined],
      [4, undefined],
      [6, undefined],
    ]);
  });

  it('-f sarif: the other occurrences are relatedLocations with their own regions and messages, valid SARIF 2.1.0', () => {
    const dir = project({ rules: { 'prefer-timestamptz': 'warn' } });
    const run = runCli(['-f', 'sarif', 'migrations'], { cwd: dir });
    const log = JSON.parse(run.stdout);
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'test/cli/schemas/sarif-schema-2.1.0.json'), 'utf8')));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = (log.runs[0].results as Array<Record<string, any>>).filter((r) => r.ruleId === 'prefer-timestamptz');
    expect(results).toHaveLength(1);
    expect(results[0]!.locations[0].physicalLocation.region).toMatchObject({ startLine: 3, startColumn: 14 });
    expect(results[0]!.relatedLocations.map((l: Record<string, any>) => [l.id, l.physicalLocation.region.startLine, l.physicalLocation.region.startColumn, l.message.text.split(' ')[0]])).toEqual([
      [1, 4, 14, '`updated_at`'],
      [2, 6, 39, '`seen_at`'],
    ]);
  });

  it('a bad groupRepeats value is a config error naming the option', () => {
    const dir = project({ rules: { 'prefer-timestamptz': ['warn', { groupRepeats: 'yes' }] } });
    const run = runCli(['migrations'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('"rules.prefer-timestamptz" option "groupRepeats" must be boolean; got "yes"');
  });
});
