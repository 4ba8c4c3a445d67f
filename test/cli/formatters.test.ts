import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { builtinRules } from '@sqlwarden/rules';
import { ENGINE_RULE_IDS } from '@sqlwarden/core';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, ensureBuilt, parseJsonOutput, removeTempDirs, repoRoot, runCli } from './helpers.ts';
import { parseXml } from '../../packages/cli/test/helpers/formatter-fixtures.ts';

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** The official OASIS schema, vendored (see test/cli/schemas/README.md). It declares draft-07: Ajv's default class. */
const validateSarif = (() => {
  const schema = JSON.parse(readFileSync(path.join(repoRoot, 'test/cli/schemas/sarif-schema-2.1.0.json'), 'utf8'));
  expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
})();

/** A file name with every character the formats escape: XML markup, quotes, %, and the workflow commands' , and :. */
const AWKWARD = 'queries/50% <&> "x", y:z.sql';
/** The plugin rule's headline and detail (fixtures/cli/formatters/odd-plugin.mjs). */
const ODD_MESSAGE = 'Odd <b>&amp;</b> "quoted" \'single\' 100% a:b, c]]>\u0001 end';
const ODD_DETAIL = 'Second <i>&</i> "q" 100% a:b, *x*\r\nthird line\u0001 ]]> end';
const NON_ASCII_LINE = '/* é 日本 𝄞 */ CREATE INDEX users_email_idx ON users (email);';

/**
 * fixtures/cli/formatters plus files not worth committing: a name full of special characters,
 * and (unless `broken` is false) a Latin-1 file the CLI cannot decode, a fatal error (exit 2).
 */
function project(broken = true): string {
  const dir = copyFixture('formatters');
  writeFileSync(path.join(dir, AWKWARD), 'SELECT * FROM users;\n');
  if (broken) {
    mkdirSync(path.join(dir, 'broken'));
    writeFileSync(path.join(dir, 'broken/latin1.sql'), Buffer.from("SELECT 'caf\xe9';\n", 'latin1'));
  }
  return dir;
}

function write(dir: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
}


/** UTF-16 offset of a 1-based line and UTF-16 column (SARIF columnKind utf16CodeUnits). */
function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  return lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + column - 1;
}

describe('-f sarif', () => {
  it('validates against the SARIF 2.1.0 schema and carries rules, UTF-16 regions, fixes and fatal files', () => {
    const dir = project();
    const run = runCli(['-f', 'sarif'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(2); // the undecodable file, as with every format
    const log = JSON.parse(run.stdout);
    expect(validateSarif(log), JSON.stringify(validateSarif.errors, null, 2)).toBe(true);
    const [sarifRun] = log.runs;
    expect(sarifRun.columnKind).toBe('utf16CodeUnits');
    expect(sarifRun.originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${dir}/`);

    const driver = sarifRun.tool.driver;
    const version = JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')).version;
    expect(driver).toMatchObject({ name: 'sqlwarden', version, informationUri: 'https://github.com/sqlwarden/sqlwarden' });
    const rules = new Map((driver.rules as Array<Record<string, any>>).map((rule) => [rule.id, rule]));
    for (const rule of builtinRules) {
      const descriptor = rules.get(rule.meta.id)!;
      expect(descriptor.helpUri).toBe(rule.meta.docs?.url);
      expect(descriptor.fullDescription.text).toBe(rule.meta.description);
      expect(descriptor.help.markdown).toContain(`[Documentation](${rule.meta.docs?.url})`);
      const level = { error: 'error', warn: 'warning', off: 'warning' }[rule.meta.defaultSeverity];
      expect(descriptor.defaultConfiguration.level).toBe(level);
    }
    expect(rules.get('odd/special-characters')).toMatchObject({ helpUri: 'https://example.com/rules/special-characters?a=1&b=2' });
    for (const id of ['syntax-error', 'internal-error', 'unused-suppression']) expect(rules.has(id)).toBe(true);

    const results = sarifRun.results as Array<Record<string, any>>;
    for (const result of results) expect(driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    expect(new Set(results.map((result) => result.partialFingerprints['sqlwarden/v1'])).size).toBe(results.length);
    const where = (result: Record<string, any>) => result.locations[0].physicalLocation;
    expect(results.map((result) => [decodeURIComponent(where(result).artifactLocation.uri), result.ruleId, result.level])).toEqual([
      ['migrations/002_index_users_email.sql', 'no-blocking-index-build', 'error'],
      ['migrations/002_index_users_email.sql', 'require-lock-timeout', 'warning'],
      [AWKWARD, 'no-select-star', 'warning'],
      ['queries/report.sql', 'no-select-star', 'warning'],
      ['queries/report.sql', 'no-select-star', 'warning'],
      ['queries/report.sql', 'require-where', 'error'],
      ['queries/report.sql', 'odd/special-characters', 'warning'],
    ]);
    expect(where(results[2]!).artifactLocation).toEqual({ uri: 'queries/50%25%20%3C%26%3E%20%22x%22%2C%20y%3Az.sql', uriBaseId: '%SRCROOT%' });
    expect(results[6]!.message).toEqual({
      text: ODD_MESSAGE,
      markdown: 'Odd \\<b\\>\\&amp;\\</b\\> "quoted" \'single\' 100% a:b, c\\]\\]\\>\u0001 end\n\nSecond \\<i\\>\\&\\</i\\> "q" 100% a:b, \\*x\\*  \nthird line\u0001 \\]\\]\\> end',
    });

    // Columns count UTF-16 code units: the clef before CREATE is two of them but one code point.
    const index = results[0]!;
    const utf16Column = NON_ASCII_LINE.indexOf('CREATE') + 1;
    expect(utf16Column).toBe(Array.from(NON_ASCII_LINE.slice(0, utf16Column - 1)).length + 2);
    expect(where(index).region).toEqual({ startLine: 1, startColumn: utf16Column, endLine: 1, endColumn: utf16Column + 'CREATE INDEX'.length });

    // Applying the SARIF fix gives what --fix-dry-run computes.
    const [fix] = index.fixes;
    const [replacement] = fix.artifactChanges[0].replacements;
    const source = readFileSync(path.join(dir, 'migrations/002_index_users_email.sql'), 'utf8');
    const start = offsetOf(source, replacement.deletedRegion.startLine, replacement.deletedRegion.startColumn);
    const end = offsetOf(source, replacement.deletedRegion.endLine, replacement.deletedRegion.endColumn);
    const fixed = source.slice(0, start) + replacement.insertedContent.text + source.slice(end);
    const dryRun = parseJsonOutput(runCli(['-f', 'json', '--fix-dry-run', 'migrations'], { cwd: dir }).stdout, dir);
    expect(dryRun[1]!.output).toBe(fixed);
    expect(fixed).toContain('CREATE INDEX CONCURRENTLY users_email_idx');
    // The suggestion (SET lock_timeout) is a second fix of the lock-timeout result.
    expect(results[1]!.fixes[0].description.text).toMatch(/lock_timeout/);

    expect(sarifRun.invocations).toEqual([
      {
        executionSuccessful: false,
        workingDirectory: { uri: `file://${dir}/` },
        toolExecutionNotifications: [
          {
            level: 'error',
            message: { text: expect.stringMatching(/UTF-8/) },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'broken/latin1.sql', uriBaseId: '%SRCROOT%' } } }],
            descriptor: { id: 'fatal' },
          },
        ],
      },
    ]);
  });
});

describe('-f github', () => {
  it('prints escaped workflow commands with UTF-16 columns', () => {
    const dir = project();
    const run = runCli(['-f', 'github'], { cwd: dir });
    expect(run.status).toBe(2);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatch(/^::error file=broken\/latin1\.sql,title=sqlwarden::.*UTF-8/);
    expect(lines[1]).toMatch(
      /^::error file=migrations\/002_index_users_email\.sql,line=1,endLine=1,col=15,endColumn=27,title=sqlwarden%3A no-blocking-index-build::CREATE INDEX/,
    );
    expect(lines[3]).toMatch(/^::warning file=queries\/50%25 <&> "x"%2C y%3Az\.sql,line=1,endLine=1,col=8,endColumn=9,title=sqlwarden%3A no-select-star::/);
    expect(lines[7]).toBe(
      '::warning file=queries/report.sql,line=4,endLine=4,col=1,endColumn=22,title=sqlwarden%3A odd/special-characters::' +
        'Odd <b>&amp;</b> "quoted" \'single\' 100%25 a:b, c]]>\u0001 end',
    );
  });
});

describe('-f gitlab', () => {
  it('gives every finding its own fingerprint, and keeps them when lines shift', () => {
    const dir = project(false);
    const before = runCli(['-f', 'gitlab'], { cwd: dir });
    expect(before.status).toBe(1);
    const issues = JSON.parse(before.stdout) as Array<Record<string, any>>;
    expect(issues.map((issue) => [issue.check_name, issue.severity, issue.location.path, issue.location.lines.begin])).toEqual([
      ['no-blocking-index-build', 'major', 'migrations/002_index_users_email.sql', 1],
      ['require-lock-timeout', 'minor', 'migrations/002_index_users_email.sql', 1],
      ['no-select-star', 'minor', AWKWARD, 1],
      ['no-select-star', 'minor', 'queries/report.sql', 1],
      ['no-select-star', 'minor', 'queries/report.sql', 2],
      ['require-where', 'major', 'queries/report.sql', 3],
      ['odd/special-characters', 'minor', 'queries/report.sql', 4],
    ]);
    expect(issues[6]!.description).toBe(ODD_MESSAGE);
    // The two identical SELECT * lines of report.sql (and the one in the other file) differ.
    expect(new Set(issues.map((issue) => issue.fingerprint)).size).toBe(issues.length);

    for (const file of ['queries/report.sql', 'migrations/002_index_users_email.sql']) {
      write(dir, file, `-- a comment added above\n\n${readFileSync(path.join(dir, file), 'utf8')}`);
    }
    const after = JSON.parse(runCli(['-f', 'gitlab'], { cwd: dir }).stdout) as Array<Record<string, any>>;
    expect(after.map((issue) => issue.location.lines.begin)).toEqual([3, 3, 1, 3, 4, 5, 6]);
    expect(after.map((issue) => issue.fingerprint)).toEqual(issues.map((issue) => issue.fingerprint));
  });
});

describe('-f junit and -f checkstyle', () => {
  const inXml = ODD_MESSAGE.replace('\u0001', '\\u0001');
  const detailInXml = ODD_DETAIL.replace('\u0001', '\\u0001');

  it('junit: a suite per file, a failure per finding, an error per unreadable file', () => {
    const dir = project();
    const run = runCli(['-f', 'junit'], { cwd: dir });
    expect(run.status).toBe(2);
    const doc = parseXml(run.stdout, ['testsuite', 'testcase']);
    expect(doc.testsuites).toMatchObject({ name: 'sqlwarden', tests: '9', failures: '7', errors: '1' });
    const suites = doc.testsuites.testsuite as Array<Record<string, any>>;
    expect(suites.map((suite) => [suite.name, suite.tests, suite.failures, suite.errors])).toEqual([
      ['broken/latin1.sql', '1', '0', '1'],
      ['migrations/001_create_users.sql', '1', '0', '0'],
      ['migrations/002_index_users_email.sql', '2', '2', '0'],
      [AWKWARD, '1', '1', '0'],
      ['queries/report.sql', '4', '4', '0'],
    ]);
    expect(suites[0]!.testcase[0].error).toMatchObject({ type: 'fatal', message: expect.stringMatching(/UTF-8/) });
    expect(suites[1]!.testcase).toEqual([{ name: 'sqlwarden', classname: 'migrations/001_create_users.sql', file: 'migrations/001_create_users.sql', time: '0' }]);
    const odd = suites[4]!.testcase[3];
    expect(odd).toMatchObject({ name: '4:1 odd/special-characters', classname: 'queries/report.sql' });
    expect(odd.failure).toMatchObject({ message: inXml, type: 'warning' });
    expect(odd.failure['#text']).toBe(
      `warning at queries/report.sql:4:1 (odd/special-characters)\n${inXml}\n\n${detailInXml}\n\nDocumentation: https://example.com/rules/special-characters?a=1&b=2`,
    );
  });

  it('checkstyle: every file, severity error/warning, source sqlwarden.<rule-id>', () => {
    const dir = project();
    const run = runCli(['-f', 'checkstyle'], { cwd: dir });
    expect(run.status).toBe(2);
    const doc = parseXml(run.stdout, ['file', 'error']);
    const files = doc.checkstyle.file as Array<Record<string, any>>;
    expect(files.map((file) => [file.name, (file.error ?? []).map((e: Record<string, string>) => `${e.line}:${e.column} ${e.severity} ${e.source}`)])).toEqual([
      ['broken/latin1.sql', ['1:1 error sqlwarden']],
      ['migrations/001_create_users.sql', []],
      ['migrations/002_index_users_email.sql', ['1:15 error sqlwarden.no-blocking-index-build', '1:15 warning sqlwarden.require-lock-timeout']],
      [AWKWARD, ['1:8 warning sqlwarden.no-select-star']],
      [
        'queries/report.sql',
        ['1:8 warning sqlwarden.no-select-star', '2:8 warning sqlwarden.no-select-star', '3:1 error sqlwarden.require-where', '4:1 warning sqlwarden.odd/special-characters'],
      ],
    ]);
    expect(files[4]!.error[3].message).toBe(inXml);
  });
});

describe('custom formatters (-f <path|package>)', () => {
  const summary = `(results, context) => JSON.stringify({
    files: results.map((r) => r.filePath.slice(context.cwd.length + 1)),
    problems: results.reduce((n, r) => n + r.messages.length, 0),
    cwd: context.cwd, version: context.version, color: context.color,
    rules: Object.keys(context.rulesMeta).length,
    odd: context.rulesMeta['odd/special-characters'].docs.url,
  })`;

  function expectSummary(stdout: string, dir: string): void {
    const version = JSON.parse(readFileSync(path.join(repoRoot, 'packages/cli/package.json'), 'utf8')).version;
    expect(JSON.parse(stdout)).toEqual({
      files: ['migrations/001_create_users.sql', 'migrations/002_index_users_email.sql', AWKWARD, 'queries/report.sql'],
      problems: 7,
      cwd: dir,
      version,
      color: false,
      rules: builtinRules.length + ENGINE_RULE_IDS.length + 1,
      odd: 'https://example.com/rules/special-characters?a=1&b=2',
    });
  }

  it('loads an ES module by path relative to the working directory; it may be async', () => {
    const dir = project(false);
    write(dir, 'tools/summary.mjs', `export default async ${summary};\n`);
    const run = runCli(['-f', './tools/summary.mjs'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expectSummary(run.stdout, dir);
    // A CommonJS module by a path without ./ also works.
    write(dir, 'tools/summary.cjs', `module.exports = ${summary};\n`);
    expectSummary(runCli(['-f', 'tools/summary.cjs'], { cwd: dir }).stdout, dir);
  });

  it('loads sqlwarden-formatter-<name> and @scope/sqlwarden-formatter packages from node_modules', () => {
    const dir = project(false);
    // An ES-module-only package (exports with just an "import" condition)...
    write(dir, 'node_modules/sqlwarden-formatter-summary/package.json', JSON.stringify({ name: 'sqlwarden-formatter-summary', type: 'module', exports: { '.': { import: './lib/index.js' } } }));
    write(dir, 'node_modules/sqlwarden-formatter-summary/lib/index.js', `export default ${summary};\n`);
    // ...and a scoped CommonJS one with "main".
    write(dir, 'node_modules/@acme/sqlwarden-formatter/package.json', JSON.stringify({ name: '@acme/sqlwarden-formatter', main: 'main.js' }));
    write(dir, 'node_modules/@acme/sqlwarden-formatter/main.js', `module.exports = ${summary};\n`);
    for (const name of ['summary', 'sqlwarden-formatter-summary', '@acme', '@acme/sqlwarden-formatter']) {
      const run = runCli(['-f', name], { cwd: dir });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(1);
      expectSummary(run.stdout, dir);
    }
  });

  it('fails with exit 2 for missing modules and modules without a default function', () => {
    const dir = project(false);
    write(dir, 'tools/not-a-function.mjs', 'export default { format() {} };\n');
    write(dir, 'tools/throws.mjs', 'throw new Error("boom");\n');
    write(dir, 'tools/number.mjs', 'export default async () => 42;\n');
    const cases: Array<[string, RegExp]> = [
      ['./tools/missing.mjs', /^sqlwarden: Cannot find formatter "\.\/tools\/missing\.mjs": no module file at .*missing\.mjs\.\n$/],
      ['./tools/not-a-function.mjs', /must export a function \(results, context\) => string as its default export/],
      ['./tools/throws.mjs', /Cannot load formatter "\.\/tools\/throws\.mjs" from .*: boom/],
      ['@nobody/x', /no package "@nobody\/sqlwarden-formatter-x" can be loaded/],
      ['tools/number.mjs', /^sqlwarden: The formatter "tools\/number\.mjs" \(.*number\.mjs\) returned number, not a string\.\n$/],
    ];
    for (const [name, stderr] of cases) {
      const run = runCli(['-f', name], { cwd: dir });
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(stderr);
    }
  });
});

describe('--output-file', () => {
  it('is listed in --help next to the formats', () => {
    const help = runCli(['--help'], { cwd: copyFixture() });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('-o, --output-file <path>');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('-f, --format <name> output format: stylish, codeframe, json, sarif, github, gitlab, junit, checkstyle, or a formatter module');
  });

  it('writes the report to the file, creating directories, with nothing on stdout and the same exit code', () => {
    const dir = project(false);
    const run = runCli(['-f', 'sarif', '-o', 'reports/ci/sqlwarden.sarif'], { cwd: dir });
    expect(run).toEqual({ status: 1, stdout: '', stderr: '' });
    const log = JSON.parse(readFileSync(path.join(dir, 'reports/ci/sqlwarden.sarif'), 'utf8'));
    expect(validateSarif(log)).toBe(true);
    expect(log.runs[0].results).toHaveLength(7);

    // stylish in a file: no colour unless --color, and an empty file for a clean run.
    const warnings = runCli(['--output-file', 'out.txt', '--max-warnings', '0', 'queries/report.sql'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(warnings).toEqual({ status: 1, stdout: '', stderr: 'sqlwarden found too many warnings (maximum: 0).\n' });
    const text = readFileSync(path.join(dir, 'out.txt'), 'utf8');
    expect(text).toContain('queries/report.sql');
    expect(text).not.toMatch(/\u001b\[/);
    expect(runCli(['-o', 'clean.txt', 'migrations/001_create_users.sql'], { cwd: dir })).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(existsSync(path.join(dir, 'clean.txt'))).toBe(true);
    expect(readFileSync(path.join(dir, 'clean.txt'), 'utf8')).toBe('');
  });

  it('keeps the fixed SQL alone on stdout with --stdin --fix', () => {
    const dir = project(false);
    const run = runCli(['--stdin', '--stdin-filename', 'queries/x.sql', '--fix', '-f', 'json', '-o', 'report.json'], {
      cwd: dir,
      input: 'DELETE FROM users;\n',
    });
    expect(run).toEqual({ status: 1, stdout: 'DELETE FROM users;\n', stderr: '' });
    const [result] = parseJsonOutput(readFileSync(path.join(dir, 'report.json'), 'utf8'), dir);
    expect(result).toMatchObject({ filePath: 'queries/x.sql', errorCount: 1 });
  });

  it('exits 2 when the report cannot be written', () => {
    const dir = project(false);
    mkdirSync(path.join(dir, 'taken'));
    const run = runCli(['-f', 'json', '-o', 'taken'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^sqlwarden: Could not write the report to .*taken: /);
  });
});
