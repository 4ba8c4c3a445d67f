// Headlines, details and fix titles through the built CLI, on fixtures/cli/two-level: plugin
// rules that report a headline with a detail, a fix title and a suggestion title, and a grouped
// rule whose fix has no title.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, ensureBuilt, parseJsonOutput, removeTempDirs, repoRoot, runCli } from './helpers.ts';

beforeAll(ensureBuilt, 180_000);
afterAll(removeTempDirs);

const HEADLINE = 'CREATE INDEX blocks writes to the table while it builds; use CREATE INDEX CONCURRENTLY';
const DETAIL =
  'CREATE INDEX takes a SHARE lock for the whole build, which blocks INSERT, UPDATE and DELETE until the index is built. ' +
  'CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead and lets writes continue.\nIt cannot run inside a transaction block.';
/** The width the tests wrap at, whatever the terminal running them says. */
const env = { COLUMNS: '80' };

describe('two-level findings in the CLI', () => {
  it('-f codeframe: headline, statement with the span underlined, detail as notes, titles as help, summary', () => {
    const dir = copyFixture('two-level');
    const run = runCli(['-f', 'codeframe'], { cwd: dir, env });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      [
        `error[demo/index-build]: ${HEADLINE}`,
        ' --> migrations/002_index.sql:2:1',
        '  |',
        '2 | CREATE INDEX orders_user_id_idx',
        '  | ^^^^^^^^^^^^',
        '3 |     ON orders (user_id);',
        '  |',
        '  = note: CREATE INDEX takes a SHARE lock for the whole build, which blocks',
        '          INSERT, UPDATE and DELETE until the index is built. CREATE INDEX',
        '          CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead and lets writes',
        '          continue.',
        '          It cannot run inside a transaction block.',
        '  = help: Use CREATE INDEX CONCURRENTLY (fixable with --fix)',
        '  = help: Set lock_timeout before this statement',
        '',
        'warning[demo/upper-select]: Write SELECT in capitals (and 1 more in this file: line 2)',
        ' --> queries.sql:1:1',
        '  |',
        '1 | select 1;',
        '  | ^^^^^^',
        '  |',
        '  = note: Keywords in capitals stand out from names.',
        '  = help: sqlwarden --fix can fix this (all 2)',
        '',
        '\u2716 2 problems (1 error, 1 warning)',
        '  1 error and 1 warning potentially fixable with the --fix option.',
        '',
      ].join('\n'),
    );
    // The terminal's width (COLUMNS) decides the wrapping.
    const narrow = runCli(['-f', 'codeframe'], { cwd: dir, env: { COLUMNS: '50' } }).stdout;
    expect(narrow).toContain('  = note: CREATE INDEX takes a SHARE lock for the\n');
  });

  it('stylish shows the headline only; --verbose adds the detail under it', () => {
    const dir = copyFixture('two-level');
    const plain = runCli([], { cwd: dir, env }).stdout;
    expect(plain).toContain(`  2:1  error  ${HEADLINE}  demo/index-build\n`);
    expect(plain).not.toContain('SHARE lock');
    const verbose = runCli(['--verbose'], { cwd: dir, env }).stdout;
    expect(verbose).toContain(
      `  2:1  error  ${HEADLINE}  demo/index-build\n` +
        '              CREATE INDEX takes a SHARE lock for the whole build, which blocks\n' +
        '              INSERT, UPDATE and DELETE until the index is built. CREATE INDEX\n',
    );
    expect(verbose).toContain('              Keywords in capitals stand out from names.\n');
  });

  it('-f json adds detail and fixDesc; -f sarif puts the detail in message.markdown and stays valid', () => {
    const dir = copyFixture('two-level');
    const [index, queries] = parseJsonOutput(runCli(['-f', 'json'], { cwd: dir }).stdout, dir).filter((r) => r.messages.length > 0);
    expect(index!.messages[0]).toMatchObject({ message: HEADLINE, detail: DETAIL, fix: { range: expect.any(Array), text: ' CONCURRENTLY' }, fixDesc: 'Use CREATE INDEX CONCURRENTLY' });
    expect(Object.keys(index!.messages[0].fix)).toEqual(['range', 'text']);
    expect(index!.messages[0].suggestions).toEqual([{ desc: 'Set lock_timeout before this statement', fix: expect.any(Object) }]);
    expect(queries!.messages[0].occurrences.map((o: Record<string, unknown>) => [o.detail, 'fixDesc' in o])).toEqual([
      ['Keywords in capitals stand out from names.', false],
      ['Keywords in capitals stand out from names.', false],
    ]);

    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'test/cli/schemas/sarif-schema-2.1.0.json'), 'utf8')));
    const log = JSON.parse(runCli(['-f', 'sarif'], { cwd: dir }).stdout);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const result = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'demo/index-build');
    expect(result.message).toEqual({ text: HEADLINE, markdown: `${HEADLINE}\n\n${DETAIL.replace('\n', '  \n')}` });
    expect(result.fixes[0].description.text).toBe('Use CREATE INDEX CONCURRENTLY');
  });

  it('--fix --verbose lists the fixes applied per file on stderr; --fix-dry-run --verbose what it would apply', () => {
    const dir = copyFixture('two-level');
    const dry = runCli(['--fix-dry-run', '--verbose', '-f', 'json'], { cwd: dir });
    expect(dry.stderr).toBe(
      'sqlwarden: --fix-dry-run would apply 3 fixes in 2 files (no file written):\n' +
        '  migrations/002_index.sql\n' +
        '    Use CREATE INDEX CONCURRENTLY  (demo/index-build)\n' +
        '  queries.sql\n' +
        '    2 × fix of demo/upper-select\n',
    );
    expect(readFileSync(path.join(dir, 'queries.sql'), 'utf8')).toBe('select 1;\nselect 2;\n');
    // Without --verbose, --fix stays as quiet as ESLint's.
    expect(runCli(['--fix', 'queries.sql'], { cwd: dir })).toEqual({ status: 0, stdout: '', stderr: '' });
    const fixed = runCli(['--fix', '--verbose'], { cwd: dir });
    expect(fixed.stderr).toBe('sqlwarden: applied 1 fix in 1 file:\n  migrations/002_index.sql\n    Use CREATE INDEX CONCURRENTLY  (demo/index-build)\n');
    expect(fixed.status).toBe(0);
    expect(runCli(['--fix', '--verbose'], { cwd: dir }).stderr).toBe('sqlwarden: no fixes applied.\n');
  });

  it('explain shows each finding with its headline and its detail; --format json has both', () => {
    const dir = copyFixture('two-level');
    const text = runCli(['explain', 'migrations'], { cwd: dir, env }).stdout;
    expect(text).toContain(
      `       ✖ error  ${HEADLINE}  demo/index-build 2:1\n` +
        '                CREATE INDEX takes a SHARE lock for the whole build, which\n' +
        '                blocks INSERT, UPDATE and DELETE until the index is built.\n',
    );
    // The statement's lock explanation is still there.
    expect(text).toMatch(/locks +orders +SHARE/);
    const json = JSON.parse(runCli(['explain', '-f', 'json', 'migrations'], { cwd: dir }).stdout);
    const finding = json.files[1].statements[0].findings[0];
    expect(finding).toMatchObject({ ruleId: 'demo/index-build', message: HEADLINE, detail: DETAIL });
  });

  it('lists codeframe and --verbose in --help', () => {
    const help = runCli(['--help'], { cwd: copyFixture() }).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('output format: stylish, codeframe, json, sarif');
    expect(help).toContain('--verbose explain each finding under its headline');
  });
});
