/**
 * What scripts/compare-squawk.ts and scripts/compare-squawk-tests.ts share: the squawk binary, the
 * mapping of squawk rules to the sqlwarden rules whose `meta.sources` name them, and which squawk
 * rule a sqlwarden finding corresponds to.
 *
 * squawk-cli is not a dependency (its lockfile entries for other platforms break `npm ci`):
 * install it next to the project first, `npm install --no-save squawk-cli@2.66.0`, or set
 * SQUAWK=/path/to/squawk.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Rule, StatementInfo } from '@sqlwarden/core';
import { builtinRules } from '@sqlwarden/rules';

let resolvedBinary: string | undefined;
/** The squawk binary; exits with a hint when it is not installed. */
export function squawkBinary(): string {
  if (resolvedBinary) return resolvedBinary;
  const bin = process.env.SQUAWK ?? path.resolve('node_modules/.bin/squawk');
  if (!statSync(bin, { throwIfNoEntry: false })) {
    console.error(`squawk not found at ${bin}: run \`npm install --no-save squawk-cli@2.66.0\` (or set SQUAWK=/path/to/squawk)`);
    process.exit(2);
  }
  return (resolvedBinary = bin);
}

/** squawk's `--pg-version` takes `major.minor` (`15.0`, `9.6`). */
export const squawkVersion = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));

/** Names squawk prints that differ from the documented rule name sqlwarden's sources use. */
export const SQUAWK_ALIASES: Record<string, string> = { 'prefer-timestamp-tz': 'prefer-timestamptz' };

/** squawk rule -> sqlwarden rules that claim to cover it. */
export const coveredBy = new Map<string, string[]>();
for (const rule of builtinRules as Rule<any>[]) {
  for (const source of rule.meta.sources ?? []) {
    if (source.tool !== 'squawk') continue;
    coveredBy.set(source.rule, [...(coveredBy.get(source.rule) ?? []), rule.meta.id]);
  }
}
export const comparedRules = new Set([...coveredBy.values()].flat());
export const ruleOptions = (id: string): Record<string, unknown> => (id === 'require-lock-timeout' ? { requireStatementTimeout: true } : {});

/**
 * Which of the squawk rules a sqlwarden rule claims a finding of it corresponds to, from the
 * statement and the message. [] = a finding with no squawk counterpart (not counted).
 */
export function squawkRulesOf(ruleId: string, sql: string, message: string): string[] {
  const claimed = [...coveredBy.entries()].filter(([, ids]) => ids.includes(ruleId)).map(([r]) => r);
  const s = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').replace(/\s+/g, ' ').trim().toLowerCase();
  switch (ruleId) {
    case 'no-blocking-index-build':
      if (/\bconcurrently\b/.test(s)) return /^create (unique )?index/.test(s) ? ['ban-concurrent-index-creation-in-transaction'] : [];
      if (/^create (unique )?index/.test(s)) return ['require-concurrent-index-creation'];
      if (/^drop index/.test(s)) return ['require-concurrent-index-deletion'];
      if (/^reindex/.test(s)) return ['require-concurrent-reindex'];
      return [];
    case 'no-table-rewrite':
      if (/^(cluster|vacuum)/.test(s)) return ['prefer-repack'];
      if (/\btype\b/.test(s) && /^alter table/.test(s) && /\balter (column )?\S+ (set data )?type\b/.test(s)) return ['changing-column-type'];
      if (/\badd\b/.test(s) && /^alter table/.test(s)) return ['adding-field-with-default'];
      return [];
    case 'no-unsafe-not-null':
      // NOT NULL without a default is adding-required-field's, a default that rewrites adding-field-with-default's, SET NOT NULL's scan adding-not-nullable-field's.
      if (/volatile|rewrites/i.test(message)) return ['adding-field-with-default'];
      if (/without a default/i.test(message)) return ['adding-required-field'];
      if (/\bset not null\b/.test(s) || /scans the whole table/.test(message)) return ['adding-not-nullable-field'];
      return claimed;
    case 'prefer-bigint-id':
      return /smallint|smallserial|int2|serial2/i.test(message) ? ['prefer-bigint-over-smallint'] : ['prefer-bigint-over-int'];
    case 'require-lock-timeout': {
      const out: string[] = [];
      if (/no `lock_timeout`/.test(message)) out.push('require-lock-timeout');
      if (/no `statement_timeout`|No `statement_timeout`/.test(message)) out.push('require-statement-timeout');
      return out;
    }
    case 'require-not-valid-constraint':
      // squawk's constraint-missing-not-valid looks at ADD CONSTRAINT only; adding-foreign-key-constraint at any FK.
      if (/\breferences\b|foreign key/.test(s)) return /\badd constraint\b|\badd (foreign key|check)\b/.test(s) ? ['adding-foreign-key-constraint', 'constraint-missing-not-valid'] : ['adding-foreign-key-constraint'];
      return ['constraint-missing-not-valid'];
    case 'require-unique-using-index': {
      const out: string[] = [];
      if (/primary key/.test(s)) out.push('adding-serial-primary-key-field');
      if (/\bunique\b/.test(s)) out.push('disallowed-unique-constraint');
      if (/\badd constraint\b|\badd (primary key|unique)\b/.test(s)) out.push('constraint-missing-not-valid');
      return out;
    }
    default:
      return claimed;
  }
}

export function statementAt(statements: readonly StatementInfo[] | undefined, offset: number): number {
  if (!statements) return -1;
  // Ranges exclude the semicolon: an offset at `end` is the statement's own semicolon.
  for (const s of statements) if (offset >= s.range.start && offset <= s.range.end) return s.index;
  // Between statements (comments, whitespace): attribute to the next one.
  return statements.find((s) => s.range.start >= offset)?.index ?? -1;
}

export interface SquawkRow { file: string; line: number; column: number; rule_name: string; message: string }

export function runSquawk(paths: string[], version: number, inTransaction: boolean, failures: string[]): SquawkRow[] {
  const rows: SquawkRow[] = [];
  for (let i = 0; i < paths.length; i += 200) {
    const batch = paths.slice(i, i + 200);
    let out: string;
    const argv = ['--reporter', 'json', `--pg-version=${squawkVersion(version)}`, ...(inTransaction ? ['--assume-in-transaction'] : []), ...batch];
    try {
      out = execFileSync(squawkBinary(), argv, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error: any) {
      // squawk exits 1 when it reports anything; stdout still holds the JSON.
      out = error.stdout ?? '';
      if (!out.trim().startsWith('[')) {
        failures.push(`${batch[0]}...: ${String(error.stderr ?? error.message).slice(0, 200)}`);
        continue;
      }
    }
    rows.push(...(JSON.parse(out) as SquawkRow[]));
  }
  return rows;
}
