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

/** A finding as the converted rules report it: a headline, a detail, a fix with its title. */
const twoLevel: CliMessage = {
  ruleId: 'no-blocking-index-build',
  severity: 2,
  message: 'CREATE INDEX blocks writes to `orders` while it builds; use CREATE INDEX CONCURRENTLY',
  detail:
    'CREATE INDEX takes a SHARE lock on `orders` for the whole build, which blocks INSERT, UPDATE and DELETE until the index is built. CREATE INDEX CONCURRENTLY lets writes continue.\nIt cannot run inside a transaction block.',
  line: 2,
  column: 1,
  endLine: 2,
  endColumn: 13,
  fix: { range: [12, 12], text: ' CONCURRENTLY', desc: 'Use CREATE INDEX CONCURRENTLY' },
  suggestions: [{ desc: 'Set lock_timeout before this statement', fix: { range: [0, 0], text: "SET lock_timeout = '2s';\n" } }],
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

  it('shows the headline only, and with --verbose the detail under the message column, wrapped to the width', () => {
    const results = [result('/p/a.sql', [twoLevel, selectStar])];
    const plain = stylish(results, { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {} });
    expect(plain).toContain(`  2:1  error    ${twoLevel.message}  no-blocking-index-build\n`);
    expect(plain).not.toContain('SHARE lock');
    const verbose = stylish(results, { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {}, verbose: true, width: 60 });
    expect(verbose.split('\n').slice(1, 11)).toEqual([
      '/p/a.sql',
      `  2:1  error    ${twoLevel.message}  no-blocking-index-build`,
      '                CREATE INDEX takes a SHARE lock on `orders`',
      '                for the whole build, which blocks INSERT,',
      '                UPDATE and DELETE until the index is built.',
      '                CREATE INDEX CONCURRENTLY lets writes',
      '                continue.',
      '                It cannot run inside a transaction block.',
      '',
      `  3:8  warning  Avoid SELECT *; list the columns${' '.repeat(twoLevel.message.length - 32)}  no-select-star`,
    ]);
    // Without a width (not a terminal): 80 columns.
    const wide = stylish(results, { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {}, verbose: true });
    expect(wide).toContain('                CREATE INDEX takes a SHARE lock on `orders` for the whole build,\n');
    // Colour does not change the layout.
    const coloured = stylish(results, { color: true, cwd: '/p', version: '0.0.0', rulesMeta: {}, verbose: true, width: 60 });
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(verbose);
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

  it('adds the detail, and the fix title as fixDesc beside an unchanged { range, text } fix, for occurrences too', () => {
    const grouped: CliMessage = {
      ...twoLevel,
      message: `${twoLevel.message} (and 1 more in this file: line 5)`,
      occurrences: [
        { message: twoLevel.message, detail: twoLevel.detail!, line: 2, column: 1, endLine: 2, endColumn: 13, fix: twoLevel.fix! },
        { message: twoLevel.message, detail: 'Another detail.', line: 5, column: 1, endLine: 5, endColumn: 13, fix: { range: [40, 40], text: ' CONCURRENTLY' } },
      ],
    };
    const [entry] = JSON.parse(json([result('/p/a.sql', [twoLevel, grouped], { source: 'x' })], { color: false, cwd: '/p', version: '0.0.0', rulesMeta: {} }));
    const [single, group] = entry.messages;
    expect(single).toEqual({
      ruleId: 'no-blocking-index-build',
      severity: 2,
      message: twoLevel.message,
      detail: twoLevel.detail,
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 13,
      fix: { range: [12, 12], text: ' CONCURRENTLY' },
      fixDesc: 'Use CREATE INDEX CONCURRENTLY',
      suggestions: [{ desc: 'Set lock_timeout before this statement', fix: { range: [0, 0], text: "SET lock_timeout = '2s';\n" } }],
    });
    expect(group.occurrences).toEqual([
      { message: twoLevel.message, detail: twoLevel.detail, line: 2, column: 1, endLine: 2, endColumn: 13, fix: { range: [12, 12], text: ' CONCURRENTLY' }, fixDesc: 'Use CREATE INDEX CONCURRENTLY' },
      { message: twoLevel.message, detail: 'Another detail.', line: 5, column: 1, endLine: 5, endColumn: 13, fix: { range: [40, 40], text: ' CONCURRENTLY' } },
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
