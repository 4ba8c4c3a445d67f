import { describe, expect, it } from 'vitest';
import { codeframe } from '../src/formatters/codeframe.ts';
import { wrapText } from '../src/formatters/terminal.ts';
import type { CliMessage, FormatterContext } from '../src/types.ts';
import { result } from './helpers/formatter-fixtures.ts';

const context: FormatterContext = { color: false, cwd: '/repo', version: '0.0.0', rulesMeta: {} };

/** A finding on `needle` (its first occurrence in `source`), or from it to the end of `until`. */
function at(source: string, needle: string, message: Partial<CliMessage> & { until?: string } = {}): CliMessage {
  const { until, ...rest } = message;
  const start = source.indexOf(needle);
  const end = until !== undefined ? source.indexOf(until) + until.length : start + needle.length;
  const position = (offset: number) => {
    const before = source.slice(0, offset).split(/\r\n|\r|\n/);
    return { line: before.length, column: before[before.length - 1]!.length + 1 };
  };
  const from = position(start);
  const to = position(end);
  return { ruleId: 'demo/rule', severity: 2, message: 'headline', line: from.line, column: from.column, endLine: to.line, endColumn: to.column, ...rest };
}

function frame(source: string, messages: CliMessage[], extra: Partial<FormatterContext> = {}): string {
  return codeframe([result('/repo/db/m.sql', messages, { source })], { ...context, ...extra }) as string;
}

describe('codeframe', () => {
  it("prints the headline, the position, the statement with the span underlined, the detail as notes and the titles as help, then stylish's summary", () => {
    const source = '-- the orders\nCREATE INDEX orders_idx\n  ON orders (user_id);\nSELECT 1;\n';
    const finding = at(source, 'CREATE INDEX', {
      message: 'CREATE INDEX blocks writes to `orders` while it builds; use CREATE INDEX CONCURRENTLY',
      detail: 'CREATE INDEX takes a SHARE lock on `orders` for the whole build, which blocks INSERT, UPDATE and DELETE until the index is built.\nIt cannot run inside a transaction block.',
      fix: { range: [26, 26], text: ' CONCURRENTLY', desc: 'Use CREATE INDEX CONCURRENTLY' },
      suggestions: [{ desc: 'Set lock_timeout before this statement', fix: { range: [14, 14], text: 'x' } }],
    });
    const warning = at(source, '1', { ruleId: 'demo/other', severity: 1, message: 'A warning without detail' });
    expect(frame(source, [finding, warning])).toBe(
      [
        'error[demo/rule]: CREATE INDEX blocks writes to `orders` while it builds; use CREATE INDEX CONCURRENTLY',
        ' --> db/m.sql:2:1',
        '  |',
        '2 | CREATE INDEX orders_idx',
        '  | ^^^^^^^^^^^^',
        '3 |   ON orders (user_id);',
        '  |',
        '  = note: CREATE INDEX takes a SHARE lock on `orders` for the whole build, which',
        '          blocks INSERT, UPDATE and DELETE until the index is built.',
        '          It cannot run inside a transaction block.',
        '  = help: Use CREATE INDEX CONCURRENTLY (fixable with --fix)',
        '  = help: Set lock_timeout before this statement',
        '',
        'warning[demo/other]: A warning without detail',
        ' --> db/m.sql:4:8',
        '  |',
        '4 | SELECT 1;',
        '  |        ^',
        '',
        '\u2716 2 problems (1 error, 1 warning)',
        '  1 error and 0 warnings potentially fixable with the --fix option.',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing without problems', () => {
    expect(frame('SELECT 1;\n', [])).toBe('');
  });

  it('wraps notes to the width, 80 columns by default', () => {
    const source = 'SELECT 1;\n';
    const finding = at(source, 'SELECT', { detail: 'word '.repeat(30).trim() });
    const notes = (text: string) => text.split('\n').filter((line) => /^ {2}= note|^ {10}\S/.test(line));
    expect(notes(frame(source, [finding])).map((line) => line.length)).toEqual([79, 79, 19]);
    expect(notes(frame(source, [finding], { width: 50 })).every((line) => line.length <= 50)).toBe(true);
  });

  it('reads the same for CRLF and LF files, and counts columns in UTF-16 code units shown in terminal cells', () => {
    // 𝄞 is two UTF-16 units and one cell; 日本 two units and four cells; a tab is four cells.
    const lf = '/* 𝄞 日本 */\tSELECT lower(email) FROM t;\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const finding = (source: string) => at(source, 'lower(email)');
    expect(finding(lf).column).toBe(20);
    const shown = frame(lf, [finding(lf)]);
    expect(frame(crlf, [finding(crlf)])).toBe(shown);
    const lines = shown.split('\n');
    expect(lines.slice(2, 5)).toEqual(['  |', '1 | /* 𝄞 日本 */    SELECT lower(email) FROM t;', `  | ${' '.repeat(23)}${'^'.repeat(12)}`]);
  });

  it('underlines each line of a span over several lines, and shows the rest of the statement', () => {
    const source = 'UPDATE t\n   SET a = 1,\n       b = 2\n WHERE true;\n';
    const lines = frame(source, [at(source, 'SET', { until: 'b = 2' })]).split('\n');
    expect(lines.slice(2, 11)).toEqual([
      '  |',
      '1 | UPDATE t',
      '2 |    SET a = 1,',
      '  |    ^^^^^^^^^^',
      '3 |        b = 2',
      '  |        ^^^^^',
      '4 |  WHERE true;',
      '',
      '\u2716 1 problem (1 error, 0 warnings)',
    ]);
  });

  it("excerpts a long statement: its first line, the flagged lines and one line around them", () => {
    const source = ['INSERT INTO t (a)', ...Array.from({ length: 20 }, (_, i) => `SELECT ${i} UNION ALL`), 'SELECT 99;', ''].join('\n');
    const lines = frame(source, [at(source, 'SELECT 12')]).split('\n');
    expect(lines.slice(1, 10)).toEqual(['  --> db/m.sql:14:1', '   |', ' 1 | INSERT INTO t (a)', '...', '13 | SELECT 11 UNION ALL', '14 | SELECT 12 UNION ALL', '   | ^^^^^^^^^', '15 | SELECT 13 UNION ALL', '']);
    // A long span: its first three and last two lines.
    const long = frame(source, [at(source, 'SELECT 2 ', { until: 'SELECT 15 UNION ALL' })]).split('\n');
    expect(long.filter((line) => /^ *\d+ \|/.test(line)).map((line) => Number(line.split('|')[0]))).toEqual([1, 3, 4, 5, 6, 16, 17, 18]);
    expect(long).toContain('...');
  });

  it('shows a window of a long line around the span, and marks the cuts', () => {
    const source = `SELECT ${'x, '.repeat(60)}y FROM t WHERE lower(email) = 'a';\n`;
    const lines = frame(source, [at(source, 'lower(email)')], { width: 60 }).split('\n');
    const [code, marks] = [lines[3]!, lines[4]!];
    expect(code.startsWith('1 | …')).toBe(true);
    expect(code.endsWith("= 'a';")).toBe(true);
    expect(code.length).toBeLessThanOrEqual(60);
    expect(code.slice(marks.indexOf('^'), marks.lastIndexOf('^') + 1)).toBe('lower(email)');
  });

  it('cuts a long line between characters, never inside a surrogate pair or a wide character', () => {
    const source = `SELECT '${'𝄞日'.repeat(40)}' AS a, lower(email) FROM t;\n`;
    const lines = frame(source, [at(source, 'lower(email)')], { width: 40 }).split('\n');
    const code = lines[3]!;
    expect(code).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(code).toContain('lower(email)');
    const marks = lines[4]!;
    // Cells, not code units: the carets sit under lower(email) as the terminal shows it.
    const cells = (text: string) => [...text].reduce((n, c) => n + (/[日]/.test(c) ? 2 : 1), 0);
    expect(cells(code.slice(0, code.indexOf('lower(')))).toBe(marks.indexOf('^'));
  });

  it('frames many findings on a long one-line file in time proportional to what it shows', () => {
    const statements = Array.from({ length: 5000 }, (_, i) => `SELECT * FROM t${i};`);
    const source = `${statements.join(' ')}\n`;
    const findings = statements.map((statement) => at(source, statement, { severity: 1, message: 'select star' }));
    const started = performance.now();
    const text = frame(source, findings, { width: 80 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(text.split('\n').filter((line) => line.startsWith('warning[')).length).toBe(5000);
    // Each frame is a window of the line around its own statement.
    const last = text.split('\n').slice(-8);
    expect(last[3]).toMatch(/^1 \| ….{40,} SELECT \* FROM t4999;$/);
    expect(last[3]!.slice(last[4]!.indexOf('^'), last[4]!.lastIndexOf('^') + 1)).toBe('SELECT * FROM t4999;');
  });

  it('marks an insertion point with one caret, also at the end of a line', () => {
    const source = 'SELECT 1\n';
    const lines = frame(source, [{ ruleId: 'demo/rule', severity: 1, message: 'add a semicolon', line: 1, column: 9, endLine: 1, endColumn: 9 }]).split('\n');
    expect(lines.slice(3, 5)).toEqual(['1 | SELECT 1', '  |         ^']);
  });

  it('a grouped finding frames its first occurrence and says --fix fixes them all; a fix without a title still shows', () => {
    const source = 'select 1;\nselect 2;\n';
    const first = at(source, 'select');
    const second = { ...at(source, 'select 2'), endColumn: 7 };
    const grouped: CliMessage = {
      ...first,
      severity: 1,
      message: 'Write SELECT in capitals (and 1 more in this file: line 2)',
      detail: 'Keywords in capitals stand out from names.',
      occurrences: [
        { message: 'Write SELECT in capitals', line: 1, column: 1, endLine: 1, endColumn: 7, fix: { range: [0, 6], text: 'SELECT' } },
        { message: 'Write SELECT in capitals', line: second.line, column: 1, endLine: second.line, endColumn: 7, fix: { range: [10, 16], text: 'SELECT' } },
      ],
    };
    expect(frame(source, [grouped]).split('\n').slice(0, 8)).toEqual([
      'warning[demo/rule]: Write SELECT in capitals (and 1 more in this file: line 2)',
      ' --> db/m.sql:1:1',
      '  |',
      '1 | select 1;',
      '  | ^^^^^^',
      '  |',
      '  = note: Keywords in capitals stand out from names.',
      '  = help: sqlwarden --fix can fix this (all 2)',
    ]);
    const titled = { ...grouped, occurrences: grouped.occurrences!.map((o) => ({ ...o, fix: { ...o.fix!, desc: 'Write SELECT' } })) };
    expect(frame(source, [titled])).toContain('  = help: Write SELECT (fixable with --fix, all 2)\n');
  });

  it('prints problems with a file, which have no position, without a frame', () => {
    const text = codeframe([result('/repo/bad.sql', [{ ruleId: null, fatal: true, severity: 2, message: 'File is not valid UTF-8.', line: 1, column: 1 }])], context) as string;
    expect(text).toBe('error: File is not valid UTF-8.\n --> bad.sql\n\n\u2716 1 problem (1 error, 0 warnings)\n');
  });

  it('shows control characters in the source and the messages as visible symbols', () => {
    const source = "SELECT '\u001b[31m' FROM t;\n";
    const text = frame(source, [at(source, 'FROM', { message: 'a\u0007b', detail: 'c\u001bd' })]);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(text).toContain("1 | SELECT '\u241b[31m' FROM t;");
    expect(text).toContain('error[demo/rule]: a\u2407b');
    expect(text).toContain('= note: c\u241bd');
  });

  it('colours like stylish, only when asked, without changing the layout', () => {
    const source = 'SELECT 1;\n';
    const findings = [at(source, 'SELECT', { detail: 'why', fix: { range: [0, 0], text: '', desc: 'Do it' } })];
    const plain = frame(source, findings);
    const coloured = frame(source, findings, { color: true });
    expect(plain).not.toMatch(/\u001b\[/);
    expect(coloured).toMatch(/\u001b\[31m/);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });
});

describe('wrapText', () => {
  it('wraps on spaces, keeps line breaks, and gives a word longer than the width its own line', () => {
    expect(wrapText('aa bb cc\ndd https://example.com/a/long/path ee', 10)).toEqual(['aa bb cc', 'dd', 'https://example.com/a/long/path', 'ee']);
    // Wide characters take two columns.
    expect(wrapText('日本 日本 日本', 10)).toEqual(['日本 日本', '日本']);
  });
});
