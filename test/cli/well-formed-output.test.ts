// Reports must be well-formed Unicode: message excerpts are cut to a length, and a cut between the
// two halves of a surrogate pair left a lone `\ud83d` in the JSON, SARIF and GitLab reports and the
// baseline file. Each truncation site gets an emoji at its cut, one UTF-16 unit either side too.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, ensureBuilt, removeTempDirs, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

const EMOJI = '😀';
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `prefix` padded so that the emoji's first half is at `at` in `prefix + pad + emoji + tail`. */
function emojiAt(prefix: string, at: number, tail = 'yyyyyyyyyyyy'): string {
  return `${prefix}${'x'.repeat(at - prefix.length)}${EMOJI}${tail}`;
}

/** Offsets around a cut at `cut` units (the kept text is [0, cut)): the pair straddling it, and its neighbours. */
const around = (cut: number): number[] => [cut - 2, cut - 1, cut];

function migration(): string {
  const lines: string[] = [];
  // require-where: `WHERE <condition>` cut at 48 units with '...' in the headline (45 kept); the
  // baseline excerpt of the same finding (the flagged condition) is cut at 120 with '…' (119 kept).
  for (const at of [...around(45), ...around(119)]) lines.push(`UPDATE t SET a = 1 WHERE ${emojiAt("1 = 1 OR b = '", at, "yyyy'")};`);
  // no-non-sargable-predicate (in a view: a migration's own queries are not checked): the expression side, cut at 48 in the headline.
  around(45).forEach((at, i) => lines.push(`CREATE VIEW v${i} AS SELECT a FROM t WHERE ${emojiAt("lower(b || '", at, "yyyy')")} = 'x';`));
  // require-not-valid-constraint: the action that took the lock, cut at 60 (in the detail).
  around(57).forEach((at, i) => {
    lines.push('BEGIN;', `ALTER TABLE t ADD CONSTRAINT ck${i} CHECK (a > ${i}) NOT VALID;`, 'COMMIT;');
    lines.push('BEGIN;', `ALTER TABLE t ${emojiAt(`ADD COLUMN d${i} text DEFAULT '`, at, "yyyy'")};`, `ALTER TABLE t VALIDATE CONSTRAINT ck${i};`, 'COMMIT;');
  });
  return `${lines.join('\n')}\n`;
}

function project(): string {
  const dir = copyFixture();
  mkdirSync(path.join(dir, 'migrations'));
  writeFileSync(path.join(dir, 'migrations/000_t.sql'), 'CREATE TABLE t (a int, b text);\n');
  writeFileSync(path.join(dir, 'migrations/001_emoji.sql'), migration());
  // require-lock-timeout (rules/_shared quoteStatement): the statement, cut at 60; it reports the
  // first statement of a file that needs the setting, so one file each.
  around(57).forEach((at, i) => writeFileSync(path.join(dir, `migrations/00${2 + i}_lock.sql`), `${emojiAt(`ALTER TABLE t ADD COLUMN c${i} text DEFAULT '`, at, "yyyy'")};\n`));
  return dir;
}

/** Every string in a parsed JSON value, keys included. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      strings(item, out);
    }
  }
  return out;
}

function expectWellFormed(report: unknown): void {
  const broken = strings(report).filter((s) => LONE_SURROGATE.test(s));
  expect(broken).toEqual([]);
}

describe('reports stay well-formed when an excerpt is cut at an emoji', () => {
  let dir: string;
  beforeAll(() => {
    dir = project();
  });

  it.each(['json', 'sarif', 'gitlab'])('-f %s', (format) => {
    const run = runCli(['-f', format, 'migrations'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as unknown;
    const all = strings(report).join('\n');
    // Every truncation site reported each of its variants (else the test would prove nothing).
    for (const rule of ['require-where', 'no-non-sargable-predicate', 'require-lock-timeout', 'require-not-valid-constraint']) expect(all).toContain(rule);
    expect(all).toContain('x...`');
    expectWellFormed(report);
    expect(all).not.toContain('\ufffd');
  });

  it('the JSON messages keep whole emoji or none: each excerpt ends before the pair or after it', () => {
    const run = runCli(['-f', 'json', 'migrations'], { cwd: dir });
    const results = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string; message: string; detail?: string }> }>;
    // Headlines and details both quote statements.
    const texts = results.flatMap((r) => r.messages).flatMap((m) => [m.message, m.detail ?? ''].map((text) => ({ ruleId: m.ruleId, text })));
    const cut = texts.filter((m) => m.text.includes('...`'));
    for (const m of cut) expect(m.text, m.ruleId).toMatch(/(x|😀)\.\.\.`/u);
    // Each of the 4 sites, at each of its 3 offsets.
    for (const rule of ['require-where', 'no-non-sargable-predicate', 'require-lock-timeout', 'require-not-valid-constraint']) {
      expect(cut.filter((m) => m.ruleId === rule).length, rule).toBeGreaterThanOrEqual(3);
    }
  });

  it('--write-baseline: the excerpts in the baseline file', () => {
    const run = runCli(['--write-baseline', 'baseline.json', 'migrations'], { cwd: dir });
    expect(run.status).toBe(0);
    const text = readFileSync(path.join(dir, 'baseline.json'), 'utf8');
    const baseline = JSON.parse(text) as unknown;
    expect(text).toContain('…');
    expectWellFormed(baseline);
  });
});
