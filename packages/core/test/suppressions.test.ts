import { describe, expect, it } from 'vitest';
import { LineIndex } from '../src/source/line-index.ts';
import { applySuppressions, findSuppressions } from '../src/suppressions.ts';
import type { Diagnostic } from '../src/types.ts';

const KNOWN = new Set(['no-select-star', 'require-where', 'no-unsafe-not-null', 'acme/no-foo']);

/** A diagnostic of `ruleId` on the `occurrence`-th `needle` in `text`. */
function diagnostic(text: string, ruleId: string, needle: string, occurrence = 1): Diagnostic {
  let start = -1;
  for (let n = 0; n < occurrence; n++) start = text.indexOf(needle, start + 1);
  if (start < 0) throw new Error(`no ${needle} in text`);
  const lines = new LineIndex(text);
  const from = lines.positionAt(start);
  const to = lines.positionAt(start + needle.length);
  return {
    ruleId,
    severity: 2,
    message: `${ruleId} problem`,
    line: from.line,
    column: from.column,
    endLine: to.line,
    endColumn: to.column,
    range: { start, end: start + needle.length },
  };
}

function lint(text: string, diagnostics: Diagnostic[], options?: Parameters<typeof applySuppressions>[4]) {
  const result = applySuppressions(diagnostics, findSuppressions(text), KNOWN, new LineIndex(text), options);
  return {
    kept: result.filter((d) => d.ruleId !== 'unused-suppression').map((d) => `${d.ruleId}@${d.line}`),
    unused: result.filter((d) => d.ruleId === 'unused-suppression').map((d) => d.message),
    result,
  };
}

describe('findSuppressions', () => {
  it('parses kinds, rule lists and reasons', () => {
    const text = [
      '-- sqlwarden-ignore-next-line no-select-star, require-where: legacy report',
      'SELECT * FROM t; -- sqlwarden-ignore-line no-select-star -- needed by the export',
      '/* sqlwarden-ignore-file acme/no-foo,no-select-star */',
      '-- sqlwarden-ignore-next-line',
      '-- sqlwarden-ignore-line: everything here is fine',
    ].join('\n');
    const found = findSuppressions(text).map(({ kind, rules, targetLine, reason }) => ({ kind, rules, targetLine, reason }));
    expect(found).toEqual([
      { kind: 'next-line', rules: ['no-select-star', 'require-where'], targetLine: 2, reason: 'legacy report' },
      { kind: 'line', rules: ['no-select-star'], targetLine: 2, reason: 'needed by the export' },
      { kind: 'file', rules: ['acme/no-foo', 'no-select-star'], targetLine: undefined, reason: undefined },
      { kind: 'next-line', rules: [], targetLine: 5, reason: undefined },
      { kind: 'line', rules: [], targetLine: 5, reason: 'everything here is fine' },
    ]);
  });

  it('records the comment range and each rule name range', () => {
    const text = 'SELECT 1;\n-- sqlwarden-ignore-next-line  require-where ,no-select-star\nDELETE FROM t;';
    const [s] = findSuppressions(text);
    expect(text.slice(s!.range.start, s!.range.end)).toBe('-- sqlwarden-ignore-next-line  require-where ,no-select-star');
    expect(s!.ruleRanges.map((r) => text.slice(r.start, r.end))).toEqual(['require-where', 'no-select-star']);
  });

  it('ignores directives in string literals, quoted identifiers, dollar quotes and E-strings', () => {
    const text = [
      "SELECT '-- sqlwarden-ignore-file';",
      'SELECT "-- sqlwarden-ignore-file" FROM t;',
      "SELECT $$ -- sqlwarden-ignore-file $$, $fn$ /* sqlwarden-ignore-file */ $fn$;",
      "SELECT E'it\\'s -- sqlwarden-ignore-file', 'it''s -- sqlwarden-ignore-file';",
    ].join('\n');
    expect(findSuppressions(text)).toEqual([]);
  });

  it('requires the keyword at the start of the comment, spelled exactly', () => {
    const text = [
      '-- TODO: sqlwarden-ignore-file',
      '-- SQLWARDEN-IGNORE-FILE',
      '-- sqlwarden-ignore-files',
      '-- sqlwarden-ignore-line-x',
    ].join('\n');
    expect(findSuppressions(text)).toEqual([]);
  });

  it('MySQL # comments when the dialect is mysql', () => {
    const text = "# sqlwarden-ignore-next-line no-select-star\nSELECT * FROM t; SELECT '# sqlwarden-ignore-file';";
    expect(findSuppressions(text, { dialect: 'mysql' }).map((s) => s.kind)).toEqual(['next-line']);
    expect(findSuppressions(text)).toEqual([]);
  });
});

describe('applySuppressions', () => {
  it('ignore-next-line suppresses the listed rules on the following line only', () => {
    const text = '-- sqlwarden-ignore-next-line no-select-star\nSELECT * FROM a;\nSELECT * FROM b;';
    const { kept, unused } = lint(text, [
      diagnostic(text, 'no-select-star', '*', 1),
      diagnostic(text, 'require-where', 'SELECT', 1),
      diagnostic(text, 'no-select-star', '*', 2),
    ]);
    expect(kept).toEqual(['require-where@2', 'no-select-star@3']);
    expect(unused).toEqual([]);
  });

  it('ignore-next-line after a multi-line block comment targets the line after the comment ends', () => {
    const text = '/* sqlwarden-ignore-next-line no-select-star:\n   the reporting view needs every column */\nSELECT * FROM a;';
    expect(lint(text, [diagnostic(text, 'no-select-star', '* FROM')])).toMatchObject({ kept: [], unused: [] });
  });

  it('ignore-line suppresses on its own line, as a trailing comment', () => {
    const text = 'SELECT * FROM a; -- sqlwarden-ignore-line no-select-star\nSELECT * FROM b;';
    const { kept } = lint(text, [diagnostic(text, 'no-select-star', '*', 1), diagnostic(text, 'no-select-star', '*', 2)]);
    expect(kept).toEqual(['no-select-star@2']);
  });

  it('a diagnostic counts by its start line', () => {
    const text = '-- sqlwarden-ignore-next-line require-where\nDELETE\nFROM t;';
    expect(lint(text, [diagnostic(text, 'require-where', 'DELETE\nFROM t')]).kept).toEqual([]);
  });

  it('ignore-file suppresses the rules everywhere, wherever the comment is', () => {
    const text = 'SELECT * FROM a;\nSELECT * FROM b;\nDELETE FROM t;\n/* sqlwarden-ignore-file no-select-star */';
    const { kept, unused } = lint(text, [
      diagnostic(text, 'no-select-star', '*', 1),
      diagnostic(text, 'no-select-star', '*', 2),
      diagnostic(text, 'require-where', 'DELETE'),
    ]);
    expect(kept).toEqual(['require-where@3']);
    expect(unused).toEqual([]);
  });

  it('multi-rule lists', () => {
    const text = '-- sqlwarden-ignore-next-line no-select-star, require-where\nDELETE FROM t WHERE id IN (SELECT * FROM u);';
    const { kept, unused } = lint(text, [diagnostic(text, 'require-where', 'DELETE'), diagnostic(text, 'no-select-star', '*')]);
    expect(kept).toEqual([]);
    expect(unused).toEqual([]);
  });

  it('a directive without rule ids suppresses every rule', () => {
    const text = 'SELECT * FROM a; -- sqlwarden-ignore-line: generated\n-- sqlwarden-ignore-next-line\nDELETE FROM t;';
    const { kept, unused } = lint(text, [diagnostic(text, 'no-select-star', '*'), diagnostic(text, 'require-where', 'DELETE')]);
    expect(kept).toEqual([]);
    expect(unused).toEqual([]);
    const all = 'SELECT * FROM a;\n-- sqlwarden-ignore-file\nDELETE FROM t;';
    expect(lint(all, [diagnostic(all, 'no-select-star', '*'), diagnostic(all, 'require-where', 'DELETE')]).kept).toEqual([]);
  });

  it('syntax and internal errors cannot be suppressed, and naming them is reported', () => {
    const text = '-- sqlwarden-ignore-next-line syntax-error, internal-error\nSELEC 1;\n-- sqlwarden-ignore-file\n';
    const { kept, unused } = lint(text, [diagnostic(text, 'syntax-error', 'SELEC'), diagnostic(text, 'internal-error', 'SELEC')]);
    expect(kept).toEqual(['syntax-error@2', 'internal-error@2']);
    expect(unused).toEqual([
      'Unused sqlwarden-ignore-next-line for "syntax-error": syntax errors cannot be suppressed; fix the SQL instead',
      'Unused sqlwarden-ignore-next-line for "internal-error": internal errors cannot be suppressed; please report them',
      'Unused sqlwarden-ignore-file: no problems in this file',
    ]);
  });

  it('unknown rule ids are reported with a did-you-mean, at the rule name', () => {
    const text = '-- sqlwarden-ignore-next-line no-select-stra\nSELECT * FROM t;';
    const { kept, unused, result } = lint(text, [diagnostic(text, 'no-select-star', '*')]);
    expect(kept).toEqual(['no-select-star@2']);
    expect(unused).toEqual(['Unknown rule "no-select-stra" in sqlwarden-ignore-next-line (did you mean "no-select-star"?)']);
    const report = result.find((d) => d.ruleId === 'unused-suppression')!;
    expect(report).toMatchObject({ severity: 1, line: 1, column: 31, endLine: 1, endColumn: 45 });
    expect(text.slice(report.range.start, report.range.end)).toBe('no-select-stra');
  });

  it('a reason written without a separator shows up as unknown rules, with a hint', () => {
    const text = 'SELECT * FROM t; -- sqlwarden-ignore-line no-select-star legacy';
    const { kept, unused } = lint(text, [diagnostic(text, 'no-select-star', '*')]);
    expect(kept).toEqual([]);
    expect(unused).toEqual(['Unknown rule "legacy" in sqlwarden-ignore-line (write a reason after ":" or " -- ")']);
  });

  it('directives and rule ids that suppress nothing are reported as unused', () => {
    const text = [
      '-- sqlwarden-ignore-next-line no-select-star, require-where',
      'SELECT * FROM t;',
      'SELECT 1; -- sqlwarden-ignore-line',
      '-- sqlwarden-ignore-file no-unsafe-not-null',
      '-- sqlwarden-ignore-next-line require-where',
    ].join('\n');
    const { kept, unused, result } = lint(text, [diagnostic(text, 'no-select-star', '*')]);
    expect(kept).toEqual([]);
    expect(unused).toEqual([
      'Unused sqlwarden-ignore-next-line for "require-where": no such problem on line 2',
      'Unused sqlwarden-ignore-line: no problems on line 3',
      'Unused sqlwarden-ignore-file for "no-unsafe-not-null": no such problem in this file',
      'Unused sqlwarden-ignore-next-line for "require-where": no such problem on line 6',
    ]);
    const whole = result.find((d) => d.message.startsWith('Unused sqlwarden-ignore-line'))!;
    expect(text.slice(whole.range.start, whole.range.end)).toBe('-- sqlwarden-ignore-line');
    expect(whole).toMatchObject({ line: 3, column: 11, endLine: 3, endColumn: 35, severity: 1 });
  });

  it('reportUnused: false and unusedSeverity', () => {
    const text = '-- sqlwarden-ignore-next-line no-select-star\nSELECT 1;';
    expect(lint(text, [], { reportUnused: false }).result).toEqual([]);
    expect(lint(text, [], { unusedSeverity: 2 }).result.map((d) => d.severity)).toEqual([2]);
  });

  it('fills `used` and is repeatable', () => {
    const text = '-- sqlwarden-ignore-next-line\nSELECT * FROM t;';
    const suppressions = findSuppressions(text);
    const diagnostics = [diagnostic(text, 'no-select-star', '*')];
    for (let run = 0; run < 2; run++) {
      expect(applySuppressions(diagnostics, suppressions, KNOWN, new LineIndex(text))).toEqual([]);
      expect([...suppressions[0]!.used]).toEqual(['no-select-star']);
    }
    expect(applySuppressions([], suppressions, KNOWN, new LineIndex(text)).map((d) => d.message)).toEqual([
      'Unused sqlwarden-ignore-next-line: no problems on line 2',
    ]);
    expect([...suppressions[0]!.used]).toEqual([]);
  });

  it('CRLF files', () => {
    const text = 'SELECT 1;\r\n-- sqlwarden-ignore-next-line no-select-star\r\nSELECT * FROM t;\r\n';
    const { kept, unused } = lint(text, [diagnostic(text, 'no-select-star', '*')]);
    expect(kept).toEqual([]);
    expect(unused).toEqual([]);
  });
});

describe('fixes for unused directives', () => {
  /** Applies every unused-suppression fix (non-overlapping, as the engine's fixer does). */
  function fixed(text: string, diagnostics: Diagnostic[] = []): string {
    const result = applySuppressions(diagnostics, findSuppressions(text), KNOWN, new LineIndex(text), { source: text });
    const fixes = result.filter((d) => d.ruleId === 'unused-suppression' && d.fix).map((d) => d.fix!);
    fixes.sort((a, b) => b.range[0] - a.range[0]);
    let out = text;
    let limit = Infinity;
    for (const fix of fixes) {
      if (fix.range[1] > limit) continue;
      out = out.slice(0, fix.range[0]) + fix.text + out.slice(fix.range[1]);
      limit = fix.range[0];
    }
    return out;
  }

  it('removes a directive alone on its line with the line, keeping the others', () => {
    const text = 'SELECT 1;\n  -- sqlwarden-ignore-next-line no-select-star\nSELECT 2;\n';
    expect(fixed(text)).toBe('SELECT 1;\nSELECT 2;\n');
    expect(fixed(text.replace(/\n/g, '\r\n'))).toBe('SELECT 1;\r\nSELECT 2;\r\n');
  });

  it('removes a trailing directive with the blanks before it, keeping the code', () => {
    expect(fixed('SELECT 1; -- sqlwarden-ignore-line require-where\n')).toBe('SELECT 1;\n');
    expect(fixed('SELECT 1; /* sqlwarden-ignore-line */ SELECT 2;')).toBe('SELECT 1; SELECT 2;');
  });

  it('leaves a space where a removed block comment separated two tokens (found by the fuzzer)', () => {
    expect(fixed("INSERT/*sqlwarden-ignore-file*/INTO d (u) VALUES ('');")).toBe("INSERT INTO d (u) VALUES ('');");
    expect(fixed('UPDATE/*sqlwarden-ignore-file*/m SET p = 1;')).toBe('UPDATE m SET p = 1;');
  });

  it('removes only the unused rule ids of a directive that is partly used', () => {
    const text = '-- sqlwarden-ignore-next-line require-where, no-select-star, no-unsafe-not-null\nSELECT * FROM t;\n';
    expect(fixed(text, [diagnostic(text, 'no-select-star', '*')])).toBe('-- sqlwarden-ignore-next-line no-select-star\nSELECT * FROM t;\n');
  });

  it('never removes an unknown rule id (it may be a typo to correct), nor the directive holding it', () => {
    const text = '-- sqlwarden-ignore-next-line no-selct-star, require-where\nSELECT 1;\n';
    const result = applySuppressions([], findSuppressions(text), KNOWN, new LineIndex(text), { source: text });
    expect(result.find((d) => d.message.startsWith('Unknown rule'))!.fix).toBeUndefined();
    expect(fixed(text)).toBe('-- sqlwarden-ignore-next-line no-selct-star\nSELECT 1;\n');
  });

  it('gives no fixes without the source text', () => {
    const text = '-- sqlwarden-ignore-next-line require-where\nSELECT 1;\n';
    expect(applySuppressions([], findSuppressions(text), KNOWN, new LineIndex(text)).every((d) => d.fix === undefined)).toBe(true);
  });
});
