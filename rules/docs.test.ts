import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { initTesting, lintWithRule, parseDocExamples, presentationProblems } from '@sqlwarden/core/testing';
import { builtinRules } from './index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));


describe('rule folders', () => {
  it('every rule folder is registered and every registered rule has a folder', () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('_') && d.name !== 'node_modules')
      .map((d) => d.name)
      .sort();
    expect(builtinRules.map((r) => r.meta.id).sort()).toEqual(folders);
  });
});

for (const rule of builtinRules) {
  const readme = path.join(here, rule.meta.id, 'README.md');
  describe(`${rule.meta.id} README`, () => {
    it('exists, is titled with the rule id and has both kinds of examples', () => {
      expect(existsSync(readme)).toBe(true);
      const text = readFileSync(readme, 'utf8');
      expect(text.split('\n')[0]).toBe(`# ${rule.meta.id}`);
      const examples = parseDocExamples(text);
      expect(examples.some((e) => e.kind === 'incorrect')).toBe(true);
      expect(examples.some((e) => e.kind === 'correct')).toBe(true);
    });
    const examples = existsSync(readme) ? parseDocExamples(readFileSync(readme, 'utf8')) : [];
    for (const example of examples) {
      it(`${example.kind} example at README.md:${example.line}`, async () => {
        await initTesting();
        const messages = lintWithRule(rule, example);
        expect(messages.filter((m) => m.ruleId === 'syntax-error' || m.ruleId === 'internal-error')).toEqual([]);
        const own = messages.filter((m) => m.ruleId === rule.meta.id);
        if (example.kind === 'incorrect') expect(own.length, 'an incorrect example must be reported').toBeGreaterThan(0);
        else expect(own.map((m) => m.message), 'a correct example must not be reported').toEqual([]);
        for (const finding of own) expect(presentationProblems(finding, { requireDetail: true }), finding.message).toEqual([]);
      });
    }
  });
}
