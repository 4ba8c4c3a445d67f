// JSON reports never carry a lone surrogate: JSON.stringify writes one as a `\udXXX` escape that
// consumers read back as broken text. Source text can hold one (SQL decoded from UTF-16, a plugin
// rule's message); the report shows U+FFFD there instead.
import { describe, expect, it } from 'vitest';
import { gitlab } from '../src/formatters/gitlab.ts';
import { json } from '../src/formatters/json.ts';
import { sarif } from '../src/formatters/sarif.ts';
import { statementHead } from '../src/trace/format.ts';
import type { FormatterContext } from '../src/types.ts';
import { result } from './helpers/formatter-fixtures.ts';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const context: FormatterContext = {
  color: false,
  cwd: '/repo',
  version: '0.0.0',
  rulesMeta: { 'plugin/rule': { id: 'plugin/rule', description: 'A plugin rule \ud83d.', category: 'correctness', defaultSeverity: 'error' } },
};

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push(key, ...strings(item));
  return out;
}

describe('JSON formatters with lone surrogates in messages and source', () => {
  const source = "SELECT '\ud83d' FROM t; -- \ude00 \n";
  const results = [
    result('/repo/a.sql', [
      { ruleId: 'plugin/rule', severity: 2, message: 'Found `\ud83d` here', line: 1, column: 8, endLine: 1, endColumn: 11, suggestions: [{ desc: 'Drop \ude00', fix: { range: [7, 10], text: "'\ud83d!'" } }] },
    ], { source }),
  ];

  it.each([
    ['json', json],
    ['sarif', sarif],
    ['gitlab', gitlab],
  ] as const)('%s', async (_name, formatter) => {
    const text = await formatter(results, context);
    expect(text).not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
    const all = strings(JSON.parse(text));
    expect(all.filter((s) => LONE_SURROGATE.test(s))).toEqual([]);
    expect(all.some((s) => s.includes('Found `\ufffd` here'))).toBe(true);
  });

  it('json keeps the source at the same length (U+FFFD for each lone surrogate), so fix ranges stay valid', () => {
    const [file] = JSON.parse(json(results, context) as string) as Array<{ source: string }>;
    expect(file!.source).toBe("SELECT '\ufffd' FROM t; -- \ufffd \n");
    expect(file!.source).toHaveLength(source.length);
  });
});

describe('trace and explain statement heads', () => {
  it('cut on code points', () => {
    for (let at = 66; at < 74; at++) {
      const head = statementHead(`${'x'.repeat(at)}😀 and the rest of a long statement`, 72);
      expect(head, `emoji at ${at}`).not.toMatch(LONE_SURROGATE);
      expect(head.length).toBeLessThanOrEqual(72);
    }
  });
});
