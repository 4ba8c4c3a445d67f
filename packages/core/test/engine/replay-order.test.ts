import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Linter } from '../../src/engine/linter.ts';
import { compareReplayOrder, isSchemaSnapshotPath } from '../../src/engine/replay.ts';
import { defineRule, type RuleContext } from '../../src/rule.ts';
import { ready } from './helpers.ts';

beforeAll(() => ready);

const order = (paths: string[], mode?: 'version' | 'path') => [...paths].sort((a, b) => compareReplayOrder(a, b, mode));

describe('replay order: versions by value, as migration tools sort them', () => {
  it('orders numbered files and version folders numerically', () => {
    expect(order(['m/10_c.sql', 'm/2_b.sql', 'm/1_a.sql'])).toEqual(['m/1_a.sql', 'm/2_b.sql', 'm/10_c.sql']);
    expect(order(['v1.10/a.sql', 'v1.2/a.sql', 'v1.9/b.sql'])).toEqual(['v1.2/a.sql', 'v1.9/b.sql', 'v1.10/a.sql']);
    // Timestamps of different lengths compare as numbers (goose, golang-migrate, Rails parse them as integers).
    expect(order(['m/20240101000000_b.sql', 'm/202312312359_a.sql'])).toEqual(['m/202312312359_a.sql', 'm/20240101000000_b.sql']);
    // Diesel's dated folders; zero padding does not matter.
    expect(order(['m/2019-05-02-051656_b/up.sql', 'm/2019-02-26-002946_a/up.sql'])).toEqual(['m/2019-02-26-002946_a/up.sql', 'm/2019-05-02-051656_b/up.sql']);
    // iDempiere: i4.1 < i4.1z < i9 < iD10 < iD11.
    expect(order(['migration/iD11/x.sql', 'migration/i9/x.sql', 'migration/iD10/x.sql', 'migration/i4.1z/x.sql', 'migration/i4.1/x.sql'])).toEqual([
      'migration/i4.1/x.sql',
      'migration/i4.1z/x.sql',
      'migration/i9/x.sql',
      'migration/iD10/x.sql',
      'migration/iD11/x.sql',
    ]);
  });

  it('orders Flyway scripts by version, repeatable ones after all of them', () => {
    expect(order(['sql/V10__c.sql', 'sql/R__views.sql', 'sql/V2__b.sql', 'sql/V1_1__a2.sql', 'sql/V1__a.sql', 'sql/V1.10__a3.sql'])).toEqual([
      'sql/V1__a.sql',
      'sql/V1_1__a2.sql',
      'sql/V1.10__a3.sql',
      'sql/V2__b.sql',
      'sql/V10__c.sql',
      'sql/R__views.sql',
    ]);
    // Undo scripts still follow the script they undo.
    expect(order(['sql/U10__c.sql', 'sql/V10__c.sql', 'sql/V9__b.sql'])).toEqual(['sql/V9__b.sql', 'sql/V10__c.sql', 'sql/U10__c.sql']);
  });

  it('keeps down files after their up files, and folders before longer paths', () => {
    expect(order(['m/10_b.down.sql', 'm/10_b.up.sql', 'm/9_a.up.sql', 'm/9_a.down.sql'])).toEqual(['m/9_a.up.sql', 'm/9_a.down.sql', 'm/10_b.up.sql', 'm/10_b.down.sql']);
    expect(order(['a-b/x.sql', 'a/x.sql'])).toEqual(['a/x.sql', 'a-b/x.sql']);
  });

  it('"path" keeps plain character order', () => {
    expect(order(['m/10_c.sql', 'm/2_b.sql'], 'path')).toEqual(['m/10_c.sql', 'm/2_b.sql']);
  });
});

describe('schema snapshots', () => {
  it('recognises the snapshot conventions in use, not versioned migrations', () => {
    for (const p of ['db/structure.sql', 'sqlc/schema.sql', 'sql/schema/v1-core.sql', 'sql/schema/pg-stubs.sql', 'db/snapshots/2024.sql', 'sql/B5__baseline.sql', 'db/baseline.sql']) {
      expect(isSchemaSnapshotPath(p), p).toBe(true);
    }
    for (const p of ['sql/schema/001_users.sql', 'sql/schema/V1__x.sql', 'migrations/0001_initial_schema.up.sql', 'db/migrate/1_schema_change.sql', 'db/schema.rb', 'schema/README.md']) {
      expect(isSchemaSnapshotPath(p), p).toBe(false);
    }
  });

  /** Lints the files as one run (written to disk, with an optional config); per CREATE TABLE and SELECT, what the catalog held. */
  async function run(files: Record<string, string>, config?: object, oneByOne = false): Promise<string[]> {
    const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-snapshot-'));
    if (config) writeFileSync(path.join(dir, 'sqlwarden.config.json'), JSON.stringify(config));
    const seen: string[] = [];
    const at = (context: RuleContext) => `${path.relative(dir, context.file.path).split(path.sep).join('/')}:${context.statement.index}`;
    const probe = defineRule({
      meta: { id: 'probe', description: 'x', defaultSeverity: 'warn', category: 'style' },
      create: (context: RuleContext) => ({
        CreateTable: (node) => void seen.push(`${at(context)} create ${node.table.name}${context.catalog.getTable(node.table) ? ' (already exists)' : ''}`),
        Select: () => void seen.push(`${at(context)} sees ${[...context.catalog.tables()].map((t) => t.name).sort().join(',') || '-'}`),
      }),
    });
    const entries = Object.entries(files).map(([name, text]) => {
      const full = path.join(dir, name);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
      return { path: full, text };
    });
    const linter = new Linter({ cwd: dir, rules: [probe] });
    if (oneByOne) {
      // As the CLI's workers and cache do: the files in replayOrder, one lintFiles call each.
      for (const file of linter.replayOrder(entries)) await linter.lintFiles([file]);
    } else {
      await linter.lintFiles(entries);
    }
    return seen;
  }

  const hatchetLike = {
    'cmd/migrate/migrations/20240115180414_init.sql': 'create table tenant (id int); create table job (id int);',
    'cmd/migrate/migrations/20240201000000_v0_7.sql': 'alter table job add column tenant_id int; select 1;',
    'sql/schema/v1-core.sql': 'create table tenant (id int); create table job (id int, tenant_id int); select 1;',
  };

  it('replays a snapshot that summarises the deltas first, then the deltas from an empty schema: nothing is created twice', async () => {
    const expected = [
      'sql/schema/v1-core.sql:0 create tenant',
      'sql/schema/v1-core.sql:1 create job',
      'sql/schema/v1-core.sql:2 sees job,tenant',
      'cmd/migrate/migrations/20240115180414_init.sql:0 create tenant',
      'cmd/migrate/migrations/20240115180414_init.sql:1 create job',
      'cmd/migrate/migrations/20240201000000_v0_7.sql:1 sees job,tenant',
    ];
    expect(await run(hatchetLike)).toEqual(expected);
    // The CLI lints one file per call in replayOrder (workers, cache): same result.
    expect(await run(hatchetLike, undefined, true)).toEqual(expected);
  });

  it('keeps a snapshot the deltas continue from (a squashed base)', async () => {
    expect(
      await run({
        'db/migrations/0042_add_b.sql': 'alter table t add column b int; select 1;',
        'db/baseline.sql': 'create table t (a int);',
      }),
    ).toEqual(['db/baseline.sql:0 create t', 'db/migrations/0042_add_b.sql:1 sees t']);
  });

  it('a Flyway baseline is replaced by the versioned scripts it summarises', async () => {
    expect(
      await run({
        'db/migration/V1__a.sql': 'create table a (id int);',
        'db/migration/V2__b.sql': 'create table b (id int);',
        'db/migration/B2__baseline.sql': 'create table a (id int); create table b (id int);',
        'db/migration/V10__c.sql': 'select 1;',
      }),
    ).toEqual([
      'db/migration/B2__baseline.sql:0 create a',
      'db/migration/B2__baseline.sql:1 create b',
      'db/migration/V1__a.sql:0 create a',
      'db/migration/V2__b.sql:0 create b',
      'db/migration/V10__c.sql:0 sees a,b',
    ]);
  });

  it('migrations.snapshots replaces the conventions; [] replays every file in order', async () => {
    const files = { 'db/migrations/1_a.sql': 'create table t (a int);', 'db/dump/full.sql': 'create table t (a int); select 1;' };
    expect(await run(files, { migrations: { snapshots: ['db/dump/*.sql'] } })).toEqual([
      'db/dump/full.sql:0 create t',
      'db/dump/full.sql:1 sees t',
      'db/migrations/1_a.sql:0 create t',
    ]);
    expect(await run(hatchetLike, { migrations: { snapshots: [] } })).toContain('sql/schema/v1-core.sql:0 create tenant (already exists)');
  });

  it('migrations.order "path" replays in character order', async () => {
    const files = { 'migrations/10_b.sql': 'alter table t add column b int; select 1;', 'migrations/2_a.sql': 'create table t (a int); select 1;' };
    expect(await run(files)).toEqual(['migrations/2_a.sql:0 create t', 'migrations/2_a.sql:1 sees t', 'migrations/10_b.sql:1 sees t']);
    expect(await run(files, { migrations: { order: 'path' } })).toEqual(['migrations/10_b.sql:1 sees -', 'migrations/2_a.sql:0 create t', 'migrations/2_a.sql:1 sees t']);
  });
});
