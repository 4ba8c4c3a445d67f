import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { checkstyle } from '../src/formatters/checkstyle.ts';
import { escapeData, escapeProperty, github } from '../src/formatters/github.ts';
import { gitlab } from '../src/formatters/gitlab.ts';
import { junit } from '../src/formatters/junit.ts';
import { formatterPackageName, isPathSpecifier } from '../src/formatters/load.ts';
import { encodeRelativePath, sarif } from '../src/formatters/sarif.ts';
import { fingerprints, reportPath, TextLines } from '../src/formatters/shared.ts';
import { xmlAttr, xmlText } from '../src/formatters/xml.ts';
import type { CliMessage, FormatterContext } from '../src/types.ts';
import { parseXml, result } from './helpers/formatter-fixtures.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;


const context: FormatterContext = {
  color: false,
  cwd: '/repo',
  version: '9.8.7',
  rulesMeta: {
    'no-select-star': {
      id: 'no-select-star',
      description: 'Disallow `*` in select lists of queries, views, INSERT ... SELECT and CREATE TABLE AS. Second sentence.',
      category: 'correctness',
      defaultSeverity: 'warn',
      hasSuggestions: true,
      docs: { url: 'https://example.com/no-select-star' },
    },
    'require-where': { id: 'require-where', description: 'Require WHERE.', category: 'correctness', defaultSeverity: 'error' },
    'prefer-text-over-varchar': { id: 'prefer-text-over-varchar', description: 'Prefer text.', category: 'style', defaultSeverity: 'off' },
  },
};

const special = 'Odd <b>&amp;</b> "q" \'s\' 100% a:b, c]]>\r\nline two\u0001\u001f\uFFFE end \uD800!';

describe('TextLines', () => {
  it('converts between offsets and 1-based UTF-16 positions with LF, CRLF and lone CR breaks', () => {
    const text = 'a𝄞b\r\ncd\re\n\nf';
    const lines = new TextLines(text);
    expect(lines.lineCount).toBe(5);
    expect(lines.positionAt(3)).toEqual({ line: 1, column: 4 }); // b: the clef is two code units
    expect(lines.offsetAt(1, 4)).toBe(3);
    expect(lines.positionAt(6)).toEqual({ line: 2, column: 1 });
    expect(lines.offsetAt(3, 1)).toBe(9);
    expect(lines.positionAt(text.length)).toEqual({ line: 5, column: 2 });
    expect(lines.lineText(1)).toBe('a𝄞b');
    expect(lines.lineText(4)).toBe('');
    for (let offset = 0; offset <= text.length; offset++) {
      const { line, column } = lines.positionAt(offset);
      // Offsets inside a CRLF pair map to the line's end; every other offset round-trips.
      if (offset !== 5) expect(lines.offsetAt(line, column)).toBe(offset);
    }
  });
});

describe('reportPath', () => {
  it('is relative to the working directory with / separators, absolute outside it, and leaves <text> alone', () => {
    expect(reportPath('/repo/db/migrate/1.sql', '/repo')).toBe('db/migrate/1.sql');
    expect(reportPath('/elsewhere/1.sql', '/repo')).toBe('/elsewhere/1.sql');
    expect(reportPath('/repository/1.sql', '/repo')).toBe('/repository/1.sql');
    expect(reportPath('<text>', '/repo')).toBe('<text>');
  });
});

describe('fingerprints', () => {
  const source = 'SELECT * FROM users;\nSELECT   *\n  FROM users;\nDELETE FROM users;\n';
  const star = (line: number, endLine = line): CliMessage => ({
    ruleId: 'no-select-star',
    severity: 1,
    message: 'no star',
    line,
    column: 8,
    endLine,
    endColumn: line === endLine ? 9 : 3,
  });
  const statement = (line: number, endLine: number, endColumn: number): CliMessage => ({
    ruleId: 'require-where',
    severity: 2,
    message: 'where?',
    line,
    column: 1,
    endLine,
    endColumn,
  });

  it('are stable when lines shift above the findings, and unique for identical findings', () => {
    const before = fingerprints(
      result('/repo/q.sql', [statement(1, 1, 21), statement(2, 3, 14), statement(4, 4, 19)], { source }),
      '/repo',
    );
    // Same statements two lines lower, and whitespace changed inside the second one.
    const shifted = '-- new\n\nSELECT * FROM users;\nSELECT *\n    FROM users;\nDELETE FROM users;\n';
    const after = fingerprints(
      result('/repo/q.sql', [statement(3, 3, 21), statement(4, 5, 16), statement(6, 6, 19)], { source: shifted }),
      '/repo',
    );
    expect(after).toEqual(before);
    // The two SELECT * statements normalize to the same text: their fingerprints still differ.
    expect(new Set(before).size).toBe(3);
  });

  it('differ by rule and by path, and use the whole line for an empty range', () => {
    const one = fingerprints(result('/repo/q.sql', [star(1)], { source }), '/repo')[0];
    const otherPath = fingerprints(result('/repo/r.sql', [star(1)], { source }), '/repo')[0];
    const otherRule = fingerprints(result('/repo/q.sql', [{ ...star(1), ruleId: 'x' }], { source }), '/repo')[0];
    expect(new Set([one, otherPath, otherRule]).size).toBe(3);
    const empty: CliMessage = { ruleId: 'r', severity: 1, message: 'm', line: 4, column: 19, endLine: 4, endColumn: 19 };
    const a = fingerprints(result('/repo/q.sql', [empty], { source }), '/repo')[0];
    const b = fingerprints(result('/repo/q.sql', [{ ...empty, line: 5, endLine: 5 }], { source: `\n${source}` }), '/repo')[0];
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('use the fixed text after --fix-dry-run, which the positions refer to', () => {
    const message = statement(1, 1, 19);
    const fixed = fingerprints(result('/repo/q.sql', [message], { source: 'SELECT * FROM users;\n', output: 'DELETE FROM users;\n' }), '/repo');
    const plain = fingerprints(result('/repo/q.sql', [message], { source: 'DELETE FROM users;\n' }), '/repo');
    expect(fixed).toEqual(plain);
  });
});

describe('github', () => {
  it('escapes %, CR and LF in messages, and also : and , in properties', () => {
    expect(escapeData('100% a:b, c\r\nd')).toBe('100%25 a:b, c%0D%0Ad');
    expect(escapeProperty('100% a:b, c\r\nd')).toBe('100%25 a%3Ab%2C c%0D%0Ad');
  });

  it('prints one workflow command per problem, columns only for one-line ranges', () => {
    const text = github(
      [
        result('/repo/db/50% a:b, c.sql', [
          { ruleId: 'require-where', severity: 2, message: special, line: 3, column: 2, endLine: 3, endColumn: 9 },
          { ruleId: 'no-select-star', severity: 1, message: 'm', line: 4, column: 5, endLine: 6, endColumn: 2 },
        ]),
        result('/repo/clean.sql', []),
        result('/repo/bad.sql', [{ ruleId: null, fatal: true, severity: 2, message: 'File is not valid UTF-8.', line: 1, column: 1 }]),
        result('<text>', [{ ruleId: 'no-select-star', severity: 1, message: 'm', line: 1, column: 8 }]),
      ],
      context,
    );
    expect(text.split('\n')).toEqual([
      '::error file=db/50%25 a%3Ab%2C c.sql,line=3,endLine=3,col=2,endColumn=9,title=sqlwarden%3A require-where::' +
        'Odd <b>&amp;</b> "q" \'s\' 100%25 a:b, c]]>%0D%0Aline two\u0001\u001f\uFFFE end \uD800!',
      '::warning file=db/50%25 a%3Ab%2C c.sql,line=4,endLine=6,title=sqlwarden%3A no-select-star::m',
      '::error file=bad.sql,title=sqlwarden::File is not valid UTF-8.',
      '::warning line=1,col=8,title=sqlwarden%3A no-select-star::m',
      '',
    ]);
    expect(github([result('/repo/clean.sql', [])], context)).toBe('');
  });
});

describe('gitlab', () => {
  it('maps severities and categories and uses repository-relative paths', () => {
    const issues = JSON.parse(
      gitlab(
        [
          result(
            '/repo/q.sql',
            [
              { ruleId: 'require-where', severity: 2, message: 'e', line: 2, column: 1, endLine: 3, endColumn: 4 },
              { ruleId: 'no-select-star', severity: 1, message: 'w', line: 1, column: 8, endLine: 1, endColumn: 9 },
              { ruleId: 'plugin/x', severity: 1, message: 'p', line: 1, column: 1 },
            ],
            { source: 'SELECT * FROM t;\nDELETE\nFROM t;\n' },
          ),
          result('/repo/bad.sql', [{ ruleId: null, fatal: true, severity: 2, message: 'Binary file.', line: 1, column: 1 }]),
        ],
        context,
      ),
    );
    expect(issues.map((issue: Record<string, unknown>) => [issue.check_name, issue.severity, issue.categories, issue.location])).toEqual([
      ['require-where', 'major', ['Bug Risk'], { path: 'q.sql', lines: { begin: 2, end: 3 } }],
      ['no-select-star', 'minor', ['Bug Risk'], { path: 'q.sql', lines: { begin: 1 } }],
      ['plugin/x', 'minor', ['Bug Risk'], { path: 'q.sql', lines: { begin: 1 } }],
      ['sqlwarden/fatal', 'critical', ['Bug Risk'], { path: 'bad.sql', lines: { begin: 1 } }],
    ]);
    for (const issue of issues) {
      expect(issue).toMatchObject({ type: 'issue', description: expect.any(String), fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
    expect(gitlab([], context)).toBe('[]\n');
  });
});

describe('XML escaping', () => {
  it('escapes markup, keeps CR/LF/tab through attribute normalization, and makes other control characters visible', () => {
    expect(xmlText('a<b>&c]]>\r\n\t"\'')).toBe('a&lt;b&gt;&amp;c]]&gt;&#13;\n\t"\'');
    expect(xmlAttr('a<b>&"\r\n\t\'')).toBe('a&lt;b&gt;&amp;&quot;&#13;&#10;&#9;\'');
    expect(xmlText('\u0000\u0008\u000b\u001f\ufffe\uffff')).toBe('\\u0000\\u0008\\u000B\\u001F\\uFFFE\\uFFFF');
    // Lone surrogates are not characters; a pair is one (U+1D11E) and stays.
    expect(xmlText('\uD800x\uDC00𝄞')).toBe('\\uD800x\\uDC00𝄞');
  });
});


/** What a message reads as after XML escaping: characters XML cannot carry become \uXXXX. */
const specialInXml = special.replace(/[\u0001\u001f\uFFFE\uD800]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
const awkwardPath = '/repo/q & <a> "b" \'c\' 100%.sql';

describe('junit', () => {
  it('writes a suite per file, a failing test case per finding, an error per fatal file, a passing case for clean files', () => {
    const xml = junit(
      [
        result(awkwardPath, [
          { ruleId: 'require-where', severity: 2, message: special, line: 3, column: 2 },
          { ruleId: 'no-select-star', severity: 1, message: 'w', line: 1, column: 8 },
        ]),
        result('/repo/clean.sql', []),
        result('/repo/bad.sql', [{ ruleId: null, fatal: true, severity: 2, message: 'Binary <file>.', line: 1, column: 1 }]),
      ],
      context,
    );
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const doc = parseXml(xml, ['testsuite', 'testcase']);
    expect(doc.testsuites).toMatchObject({ name: 'sqlwarden', tests: '4', failures: '2', errors: '1' });
    const [awkward, clean, bad] = doc.testsuites.testsuite;
    expect(awkward).toMatchObject({ name: 'q & <a> "b" \'c\' 100%.sql', tests: '2', failures: '2', errors: '0' });
    expect(awkward.testcase[0]).toMatchObject({ name: '3:2 require-where', classname: 'q & <a> "b" \'c\' 100%.sql' });
    expect(awkward.testcase[0].failure.message).toBe(specialInXml);
    expect(awkward.testcase[0].failure.type).toBe('error');
    expect(awkward.testcase[0].failure['#text']).toBe(`error at q & <a> "b" 'c' 100%.sql:3:2 (require-where)\n${specialInXml}`);
    expect(awkward.testcase[1].failure).toMatchObject({ message: 'w', type: 'warning' });
    expect(awkward.testcase[1].failure['#text']).toContain('Documentation: https://example.com/no-select-star');
    expect(clean).toMatchObject({ name: 'clean.sql', tests: '1', failures: '0', errors: '0' });
    expect(clean.testcase).toEqual([{ name: 'sqlwarden', classname: 'clean.sql', file: 'clean.sql', time: '0' }]);
    expect(bad.testcase[0].error).toMatchObject({ message: 'Binary <file>.', type: 'fatal' });
    expect(bad.testcase[0]).not.toHaveProperty('failure');
  });
});

describe('checkstyle', () => {
  it('lists every file with its problems; source is sqlwarden.<rule-id>', () => {
    const xml = checkstyle(
      [
        result(awkwardPath, [
          { ruleId: 'require-where', severity: 2, message: special, line: 3, column: 2 },
          { ruleId: 'no-select-star', severity: 1, message: 'w', line: 1, column: 8 },
        ]),
        result('/repo/clean.sql', []),
        result('/repo/bad.sql', [{ ruleId: null, fatal: true, severity: 2, message: 'Binary file.', line: 1, column: 1 }]),
      ],
      context,
    );
    const doc = parseXml(xml, ['file', 'error']);
    expect(doc.checkstyle.version).toBe('4.3');
    expect(doc.checkstyle.file.map((file: { name: string }) => file.name)).toEqual(['q & <a> "b" \'c\' 100%.sql', 'clean.sql', 'bad.sql']);
    expect(doc.checkstyle.file[0].error).toEqual([
      { line: '3', column: '2', severity: 'error', message: specialInXml, source: 'sqlwarden.require-where' },
      { line: '1', column: '8', severity: 'warning', message: 'w', source: 'sqlwarden.no-select-star' },
    ]);
    expect(doc.checkstyle.file[1]).not.toHaveProperty('error');
    expect(doc.checkstyle.file[2].error).toEqual([{ line: '1', column: '1', severity: 'error', message: 'Binary file.', source: 'sqlwarden' }]);
  });
});

describe('sarif', () => {
  const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test/cli/schemas/sarif-schema-2.1.0.json'), 'utf8'));
  // The schema declares draft-07, Ajv's default draft; strict mode is for schemas written for Ajv.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('encodes relative paths as URI references', () => {
    expect(encodeRelativePath('db/50% a#b?c:d [x] (y) ü.sql')).toBe('db/50%25%20a%23b%3Fc%3Ad%20%5Bx%5D%20%28y%29%20%C3%BC.sql');
    expect(encodeRelativePath('<text>')).toBe('%3Ctext%3E');
  });

  it('converts fix ranges (UTF-16 offsets) into regions, across CRLF and astral characters', () => {
    const source = '-- 𝄞\r\nCREATE INDEX i ON t (c);\r\n';
    const offset = source.indexOf('INDEX') + 'INDEX'.length;
    const log = JSON.parse(
      sarif(
        [
          result(
            '/repo/m.sql',
            [
              {
                ruleId: 'no-blocking-index-build',
                severity: 2,
                message: 'blocks writes',
                line: 2,
                column: 1,
                endLine: 2,
                endColumn: 13,
                fix: { range: [offset, offset], text: ' CONCURRENTLY' },
                suggestions: [{ desc: 'Replace the comment', fix: { range: [3, 5], text: 'x' } }],
              },
            ],
            { source },
          ),
        ],
        context,
      ),
    );
    const [fix, suggestion] = log.runs[0].results[0].fixes;
    expect(fix.artifactChanges[0].replacements).toEqual([
      { deletedRegion: { startLine: 2, startColumn: 13, endLine: 2, endColumn: 13 }, insertedContent: { text: ' CONCURRENTLY' } },
    ]);
    expect(suggestion.description.text).toBe('Replace the comment');
    expect(suggestion.artifactChanges[0].replacements[0].deletedRegion).toEqual({ startLine: 1, startColumn: 4, endLine: 1, endColumn: 6 });
    expect(validate(log)).toBe(true);
  });

  it('describes rules, results, notifications and the base URI, and validates against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(
      sarif(
        [
          result('/repo/db/50% a b.sql', [
            { ruleId: 'require-where', severity: 2, message: special, line: 3, column: 2, endLine: 3, endColumn: 9 },
            { ruleId: 'plugin/unknown', severity: 1, message: 'p', line: 1, column: 1 },
          ], { source: 'x\ny\nDELETE FROM t;\n' }),
          result('/outside/o.sql', [{ ruleId: 'no-select-star', severity: 1, message: 'w', line: 1, column: 8, endLine: 1, endColumn: 9 }], { source: 'SELECT * FROM t;' }),
          result('/repo/bad.sql', [{ ruleId: null, fatal: true, severity: 2, message: 'Binary file.', line: 1, column: 1 }]),
          result('/repo/ignored.sql', [{ ruleId: null, severity: 1, message: 'File ignored.', line: 1, column: 1 }]),
        ],
        context,
      ),
    );
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.version).toBe('2.1.0');
    const [run] = log.runs;
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///repo/' } });
    expect(run.tool.driver).toMatchObject({ name: 'sqlwarden', version: '9.8.7', informationUri: 'https://github.com/sqlwarden/sqlwarden' });
    const rules = run.tool.driver.rules as Array<Record<string, any>>;
    expect(rules.map((rule) => rule.id)).toEqual(['no-select-star', 'plugin/unknown', 'prefer-text-over-varchar', 'require-where']);
    expect(rules[0]).toEqual({
      id: 'no-select-star',
      shortDescription: { text: 'Disallow `*` in select lists of queries, views, INSERT ... SELECT and CREATE TABLE AS.' },
      fullDescription: { text: context.rulesMeta['no-select-star']!.description },
      help: {
        text: `${context.rulesMeta['no-select-star']!.description}\n\nDocumentation: https://example.com/no-select-star`,
        markdown: `**no-select-star** (correctness, default: warn)\n\n${context.rulesMeta['no-select-star']!.description}\n\n[Documentation](https://example.com/no-select-star)`,
      },
      helpUri: 'https://example.com/no-select-star',
      defaultConfiguration: { level: 'warning' },
      properties: { tags: ['correctness'] },
    });
    expect(rules[1]).toEqual({ id: 'plugin/unknown', shortDescription: { text: 'plugin/unknown' } });
    expect(rules[2]!.defaultConfiguration).toEqual({ enabled: false, level: 'warning' });
    expect(rules[3]!.defaultConfiguration).toEqual({ level: 'error' });

    const [where, unknown, star] = run.results;
    expect(where).toMatchObject({
      ruleId: 'require-where',
      ruleIndex: 3,
      level: 'error',
      // A lone surrogate cannot be well-formed JSON text: the report shows U+FFFD in its place.
      message: { text: special.replace('\uD800', '\uFFFD') },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'db/50%25%20a%20b.sql', uriBaseId: '%SRCROOT%' },
            region: { startLine: 3, startColumn: 2, endLine: 3, endColumn: 9 },
          },
        },
      ],
      partialFingerprints: { 'sqlwarden/v1': expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(where).not.toHaveProperty('fixes');
    expect(unknown).toMatchObject({ ruleIndex: 1, level: 'warning', locations: [{ physicalLocation: { region: { startLine: 1, startColumn: 1 } } }] });
    expect(star.locations[0].physicalLocation.artifactLocation).toEqual({ uri: pathToFileURL('/outside/o.sql').href });
    expect(run.invocations).toEqual([
      {
        executionSuccessful: false,
        workingDirectory: { uri: 'file:///repo/' },
        toolExecutionNotifications: [
          {
            level: 'error',
            message: { text: 'Binary file.' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'bad.sql', uriBaseId: '%SRCROOT%' } } }],
            descriptor: { id: 'fatal' },
          },
          {
            level: 'warning',
            message: { text: 'File ignored.' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'ignored.sql', uriBaseId: '%SRCROOT%' } } }],
          },
        ],
      },
    ]);
  });

  it('is a valid empty run when there is nothing to report', () => {
    const log = JSON.parse(sarif([], context));
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].invocations[0].executionSuccessful).toBe(true);
  });
});

describe('formatter names', () => {
  it('maps -f names to packages like ESLint', () => {
    expect(formatterPackageName('count')).toBe('sqlwarden-formatter-count');
    expect(formatterPackageName('sqlwarden-formatter-count')).toBe('sqlwarden-formatter-count');
    expect(formatterPackageName('@acme')).toBe('@acme/sqlwarden-formatter');
    expect(formatterPackageName('@acme/count')).toBe('@acme/sqlwarden-formatter-count');
    expect(formatterPackageName('@acme/sqlwarden-formatter')).toBe('@acme/sqlwarden-formatter');
    expect(formatterPackageName('@acme/sqlwarden-formatter-count')).toBe('@acme/sqlwarden-formatter-count');
  });

  it('treats relative, absolute, separator-containing and .js names as paths', () => {
    for (const name of ['./f.mjs', '../f', '/abs/f.js', 'tools/f', 'f.cjs', 'f.js']) expect(isPathSpecifier(name)).toBe(true);
    for (const name of ['count', '@acme', '@acme/count', 'sqlwarden-formatter-x']) expect(isPathSpecifier(name)).toBe(false);
  });
});

describe('headlines and details in the CI formats', () => {
  const source = 'SELECT 1;\nCREATE INDEX i ON t (c);\n';
  const at = source.indexOf('INDEX') + 'INDEX'.length;
  const finding: CliMessage = {
    ruleId: 'require-where',
    severity: 2,
    message: 'CREATE INDEX blocks writes to `t` while it builds; use CREATE INDEX CONCURRENTLY',
    detail: 'It takes a SHARE lock on `t`: INSERT, UPDATE and DELETE *wait*.\nCONCURRENTLY <lets> them run.',
    line: 2,
    column: 1,
    endLine: 2,
    endColumn: 13,
    fix: { range: [at, at], text: ' CONCURRENTLY', desc: 'Use CREATE INDEX CONCURRENTLY' },
    suggestions: [{ desc: 'Set lock_timeout before this statement', fix: { range: [10, 10], text: "SET lock_timeout = '2s';\n" } }],
  };
  const results = [result('/repo/m.sql', [finding], { source })];

  it('sarif: message.text is the headline, message.markdown adds the detail; fixes carry their titles; valid SARIF 2.1.0', () => {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test/cli/schemas/sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(sarif(results, context));
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const [entry] = log.runs[0].results;
    expect(entry.message).toEqual({
      text: finding.message,
      markdown:
        'CREATE INDEX blocks writes to `t` while it builds; use CREATE INDEX CONCURRENTLY\n\n' +
        'It takes a SHARE lock on `t`: INSERT, UPDATE and DELETE \\*wait\\*.  \nCONCURRENTLY \\<lets\\> them run.',
    });
    expect(entry.fixes.map((fix: { description: { text: string } }) => fix.description.text)).toEqual(['Use CREATE INDEX CONCURRENTLY', 'Set lock_timeout before this statement']);
    // Without a detail, no markdown; without a fix title, the fix says what --fix does.
    const bare = JSON.parse(sarif([result('/repo/m.sql', [{ ...finding, detail: undefined, fix: { range: [at, at], text: ' CONCURRENTLY' } } as CliMessage], { source })], context));
    expect(bare.runs[0].results[0].message).toEqual({ text: finding.message });
    expect(bare.runs[0].results[0].fixes[0].description.text).toBe('Apply the fix that `sqlwarden --fix` makes');
    expect(validate(bare)).toBe(true);
  });

  it('github, gitlab and checkstyle show the headline only', () => {
    expect(github(results, context)).toBe(`::error file=m.sql,line=2,endLine=2,col=1,endColumn=13,title=sqlwarden%3A require-where::${finding.message}\n`);
    expect(JSON.parse(gitlab(results, context))[0].description).toBe(finding.message);
    expect(parseXml(checkstyle(results, context), ['file', 'error']).checkstyle.file[0].error[0].message).toBe(finding.message);
  });

  it('junit: the failure message is the headline; the text opened from it adds the detail', () => {
    const failure = parseXml(junit(results, context), ['testsuite', 'testcase']).testsuites.testsuite[0].testcase[0].failure;
    expect(failure.message).toBe(finding.message);
    expect(failure['#text']).toBe(`error at m.sql:2:1 (require-where)\n${finding.message}\n\n${finding.detail}\n`);
  });
});
