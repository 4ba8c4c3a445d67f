import { describe, expect, it } from 'vitest';
import { json } from '../src/formatters/json.ts';
import { stylish } from '../src/formatters/stylish.ts';
import type { CliMessage } from '../src/types.ts';
import { result } from './helpers/formatter-fixtures.ts';


const selectStar: CliMessage = {
  ruleId: 'no-select-star',
  severity: 1,
  message: 'Avoid SELECT *; list the columns.',
  line: 3,
  column: 8,
  endLine: 3,
  endColumn: 9,
};
const deleteAll: CliMessage = {
  ruleId: 'require-where',
  severity: 2,
  message: 'DELETE without WHERE removes every row',
  line: 12,
  column: 1,
  endLine: 12,
  endColumn: 15,
};
const blockingIndex: CliMessage = {
  ruleId: 'no-blocking-index-build',
  severity: 2,
  message: 'CREATE INDEX blocks writes',
  line: 7,
  column: 14,
  endLine: 7,
  endColumn: 30,
  fix: { range: [13, 13], text: 'CONCURRENTLY ' },
  suggestions: [{ desc: 'Build it concurrently', fix: { range: [13, 13], text: 'CONCURRENTLY ' } }],
};

describe('stylish', () => {
  it('prints nothing when there are no problems', () => {
    expect(stylish([result('/p/a.sql', [])], { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {} })).toBe('');
  });

  it('aligns positions, severities, messages and rule ids, like ESLint', () => {
    const text = stylish([result('/p/a.sql', [selectStar, blockingIndex, deleteAll]), result('/p/b.sql', [])], {
      color: false,
      cwd: '/p',
      version: '0.0.0',
      rulesMeta: {},
    });
    expect(text).toBe(
      [
        '',
        '/p/a.sql',
        '   3:8   warning  Avoid SELECT *; list the columns        no-select-star',
        '   7:14  error    CREATE INDEX blocks writes              no-blocking-index-build',
        '  12:1   error    DELETE without WHERE removes every row  require-where',
        '',
        '\u2716 3 problems (2 errors, 1 warning)',
        '  1 error and 0 warnings potentially fixable with the --fix option.',
        '',
      ].join('\n'),
    );
  });

  it('pluralises and omits the fixable line when nothing is fixable', () => {
    const text = stylish([result('/p/a.sql', [selectStar])], { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {} });
    expect(text).toContain('\u2716 1 problem (0 errors, 1 warning)\n');
    expect(text).not.toContain('fixable');
    const two = stylish([result('/p/a.sql', [deleteAll]), result('/p/b.sql', [deleteAll])], { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {} });
    expect(two).toContain('\u2716 2 problems (2 errors, 0 warnings)\n');
  });

  it('shows fatal messages without a rule id as errors', () => {
    const fatal: CliMessage = { ruleId: null, fatal: true, severity: 2, message: 'File is not valid UTF-8.', line: 1, column: 1 };
    const text = stylish([result('/p/bad.sql', [fatal])], { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {} });
    expect(text).toContain('\n/p/bad.sql\n  1:1  error  File is not valid UTF-8\n');
  });

  it('colours only when asked, and colour does not change the alignment', () => {
    const plain = stylish([result('/p/a.sql', [selectStar, deleteAll])], { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {} });
    const coloured = stylish([result('/p/a.sql', [selectStar, deleteAll])], { color: true, cwd: '/p', version: '0.0.0', rulesMeta: {} });
    expect(plain).not.toMatch(/\u001b\[/);
    expect(coloured).toMatch(/\u001b\[4m\/p\/a\.sql/); // underlined path
    expect(coloured).toMatch(/\u001b\[31m/); // red
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });

  it('uses yellow for a warnings-only summary', () => {
    const coloured = stylish([result('/p/a.sql', [selectStar])], { color: true, cwd: '/p', version: '0.0.0', rulesMeta: {} });
    const summary = coloured.split('\n').find((line) => line.includes('problem'))!;
    expect(summary).toContain('\u001b[33m');
  });
});

describe('json', () => {
  it("emits ESLint's result shape without ranges", () => {
    const withRange = { ...selectStar, range: { start: 1, end: 2 } } as CliMessage;
    const parsed = JSON.parse(
      json([result('/p/a.sql', [withRange, blockingIndex], { source: 'SELECT * FROM t;' }), result('/p/b.sql', [], { source: 'SELECT 1;' })], {
        color: false,
        cwd: '/p',
        version: '0.0.0',
        rulesMeta: {},
      }),
    );
    expect(parsed).toEqual([
      {
        filePath: '/p/a.sql',
        messages: [
          { ruleId: 'no-select-star', severity: 1, message: 'Avoid SELECT *; list the columns.', line: 3, column: 8, endLine: 3, endColumn: 9 },
          {
            ruleId: 'no-blocking-index-build',
            severity: 2,
            message: 'CREATE INDEX blocks writes',
            line: 7,
            column: 14,
            endLine: 7,
            endColumn: 30,
            fix: { range: [13, 13], text: 'CONCURRENTLY ' },
            suggestions: [{ desc: 'Build it concurrently', fix: { range: [13, 13], text: 'CONCURRENTLY ' } }],
          },
        ],
        suppressedMessages: [],
        errorCount: 1,
        fatalErrorCount: 0,
        warningCount: 1,
        fixableErrorCount: 1,
        fixableWarningCount: 0,
        source: 'SELECT * FROM t;',
        usedDeprecatedRules: [],
      },
      {
        filePath: '/p/b.sql',
        messages: [],
        suppressedMessages: [],
        errorCount: 0,
        fatalErrorCount: 0,
        warningCount: 0,
        fixableErrorCount: 0,
        fixableWarningCount: 0,
        usedDeprecatedRules: [],
      },
    ]);
  });

  it('reports fatal messages with ruleId null and fatal true', () => {
    const fatal: CliMessage = { ruleId: null, fatal: true, severity: 2, message: 'Binary file', line: 1, column: 1 };
    const [entry] = JSON.parse(json([result('/p/x.sql', [fatal])], { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {} }));
    expect(entry.messages).toEqual([{ ruleId: null, fatal: true, severity: 2, message: 'Binary file', line: 1, column: 1 }]);
    expect(entry.fatalErrorCount).toBe(1);
    expect(entry.errorCount).toBe(1);
  });

  it('includes output instead of source when fixing changed the file', () => {
    const [entry] = JSON.parse(
      json([result('/p/a.sql', [selectStar], { source: 'old', output: 'new' })], { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {} }),
    );
    expect(entry.output).toBe('new');
    expect(entry).not.toHaveProperty('source');
  });

  it('prints [] for no results', () => {
    expect(json([], { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {} })).toBe('[]\n');
  });
});
