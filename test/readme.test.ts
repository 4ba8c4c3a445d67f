import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinRules } from '@sqlwarden/rules';
import type { Rule } from '@sqlwarden/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = path.join(root, 'README.md');
const START = '<!-- rules:start (generated from rule metadata: npm run docs) -->';
const END = '<!-- rules:end -->';

export function renderRuleTable(rules: Rule<any>[]): string {
  const rows = rules.map((r) => {
    const m = r.meta;
    const traits = [m.fixable ? 'fix' : '', m.hasSuggestions ? 'suggestions' : ''].filter(Boolean).join(', ') || '—';
    return `| [\`${m.id}\`](rules/${m.id}/README.md) | ${m.description} | ${m.category} | ${m.defaultSeverity} | ${traits} |`;
  });
  return ['| rule | what it flags | category | default | fixes |', '|---|---|---|---|---|', ...rows].join('\n');
}

describe('README', () => {
  it('lists every rule exactly as its metadata says', () => {
    const readme = readFileSync(readmePath, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, 'rule list markers').toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const expected = `${START}\n${renderRuleTable(builtinRules)}\n${END}`;
    const actual = readme.slice(start, end + END.length);
    if (process.env.SQLWARDEN_UPDATE_DOCS === '1' && actual !== expected) {
      writeFileSync(readmePath, readme.slice(0, start) + expected + readme.slice(end + END.length));
      return;
    }
    expect(actual).toBe(expected);
  });

  it('quick start is two commands and names the bundled example', () => {
    const readme = readFileSync(readmePath, 'utf8');
    const quick = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme);
    expect(quick).not.toBeNull();
    const commands = quick![1]!.trim().split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(commands).toHaveLength(2);
    expect(commands[0]).toContain('fixtures/example');
    expect(commands[1]).toBe('npm test');
  });
});
