// Issue 12, item 1: without a config, whether a file is a migration must not depend on the
// directory the CLI runs from: the default globs are relative to the file's project (its nearest
// package.json or repository root), not to the working directory.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './helpers.ts';

beforeAll(() => ensureBuilt());

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function app(marker: '.git' | 'package.json'): string {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-cwd-')));
  dirs.push(root);
  if (marker === '.git') mkdirSync(path.join(root, '.git'));
  else writeFileSync(path.join(root, 'package.json'), '{"name":"app"}');
  mkdirSync(path.join(root, 'db/migrations'), { recursive: true });
  writeFileSync(path.join(root, 'db/migrations/001_add_index.sql'), 'CREATE INDEX users_email ON users (email);\n');
  return root;
}

const rulesOf = (stdout: string): string[] => (JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string }> }>).flatMap((r) => r.messages.map((m) => m.ruleId));

describe('a migration is a migration from any working directory', () => {
  for (const marker of ['.git', 'package.json'] as const) {
    it(`from the migrations folder of a project marked by ${marker}`, () => {
      const root = app(marker);
      const fromRoot = runCli(['--format', 'json', 'db/migrations/001_add_index.sql'], { cwd: root });
      const fromFolder = runCli(['--format', 'json', '001_add_index.sql'], { cwd: path.join(root, 'db/migrations') });
      expect(rulesOf(fromRoot.stdout)).toContain('no-blocking-index-build');
      expect(rulesOf(fromFolder.stdout)).toEqual(rulesOf(fromRoot.stdout));
      expect(fromFolder.status).toBe(fromRoot.status);
      expect(fromFolder.status).toBe(1);
    });
  }
});

describe('a migration tool directive makes a file a migration wherever it lives', () => {
  for (const [tool, head] of [
    ['goose', '-- +goose Up\n'],
    ['dbmate', '-- migrate:up\n'],
    ['Liquibase', '--liquibase formatted sql\n--changeset app:1\n'],
  ] as const) {
    it(`${tool}: ${JSON.stringify(head.split('\n')[0])} outside a migrations folder`, () => {
      const root = app('.git');
      mkdirSync(path.join(root, 'sql'));
      writeFileSync(path.join(root, 'sql/add_index.sql'), `${head}CREATE INDEX users_email ON users (email);\n`);
      writeFileSync(path.join(root, 'sql/plain.sql'), 'CREATE INDEX users_email ON users (email);\n');
      const run = runCli(['--format', 'json', 'sql'], { cwd: root });
      const results = JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>;
      const rules = (name: string) => results.find((r) => r.filePath.endsWith(name))!.messages.map((m) => m.ruleId);
      expect(rules('add_index.sql')).toContain('no-blocking-index-build');
      // Without the directive, a file outside the migration folders is not a migration.
      expect(rules('plain.sql')).not.toContain('no-blocking-index-build');
    });
  }
});
