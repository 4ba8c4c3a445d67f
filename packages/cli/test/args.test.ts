import { describe, expect, it } from 'vitest';
import { parseArgs, type CliOptions, type ParseOutcome } from '../src/args.ts';
import { parseRuleOption } from '../src/rule-option.ts';

function parse(...argv: string[]): { outcome: ParseOutcome; out: string; err: string } {
  let out = '';
  let err = '';
  const outcome = parseArgs(argv, '1.2.3', { writeOut: (t) => (out += t), writeErr: (t) => (err += t) });
  return { outcome, out, err };
}

function options(...argv: string[]): CliOptions {
  const { outcome, err } = parse(...argv);
  if (outcome.kind !== 'options') throw new Error(`expected options, got exit ${outcome.code}: ${err}`);
  return outcome.options;
}

describe('parseArgs', () => {
  it('has ESLint-like defaults', () => {
    expect(options()).toEqual({
      patterns: [],
      format: 'stylish',
      fix: false,
      fixDryRun: false,
      rules: {},
      maxWarnings: -1,
      quiet: false,
      stdin: false,
      errorOnUnmatchedPattern: true,
      ignore: true,
    });
  });

  it('reads every option', () => {
    expect(
      options(
        'migrations', 'queries/**/*.sql',
        '-c', 'conf.json', '-f', 'json', '--fix', '--fix-committed-migrations', '--rule', 'no-select-star:error', '--rule', 'require-where: off',
        '--pg-version', '9.6', '--max-warnings', '3', '--quiet', '--no-color', '--no-error-on-unmatched-pattern', '--no-ignore',
      ),
    ).toEqual({
      patterns: ['migrations', 'queries/**/*.sql'],
      config: 'conf.json',
      format: 'json',
      fix: true,
      fixDryRun: false,
      fixCommittedMigrations: true,
      rules: { 'no-select-star': 'error', 'require-where': 'off' },
      pgVersion: 9.6,
      maxWarnings: 3,
      quiet: true,
      color: false,
      stdin: false,
      errorOnUnmatchedPattern: false,
      ignore: false,
    });
  });

  it('reads --verbose, and lists it in --help', () => {
    expect(options('--verbose')).toMatchObject({ verbose: true });
    expect(options()).not.toHaveProperty('verbose');
    expect(parse('--help').out).toMatch(/--verbose +explain each finding under its headline/);
  });

  it('reads stdin, print-config and --color', () => {
    expect(options('--stdin', '--stdin-filename', 'm/1.sql', '--color', '--fix-dry-run')).toMatchObject({
      stdin: true,
      stdinFilename: 'm/1.sql',
      color: true,
      fixDryRun: true,
    });
    expect(options('--print-config', 'a.sql').printConfig).toBe('a.sql');
  });

  it('prints the version and help with exit 0', () => {
    expect(parse('--version')).toMatchObject({ outcome: { kind: 'exit', code: 0 }, out: '1.2.3\n' });
    expect(parse('-v').out).toBe('1.2.3\n');
    const help = parse('--help');
    expect(help.outcome).toEqual({ kind: 'exit', code: 0 });
    expect(help.out).toContain('Usage: sqlwarden [options] [file|dir|glob ...]');
    expect(help.out).toContain('--max-warnings <n>');
    expect(help.out).toContain('Exit codes:');
  });

  it.each([
    [['--bogus'], "unknown option '--bogus'"],
    [['--output-file'], 'argument missing'],
    [['--pg-version', 'fifteen'], 'PostgreSQL version'],
    [['--pg-version', '8'], 'PostgreSQL version'],
    [['--max-warnings', '-5'], 'whole number'],
    [['--max-warnings', '1.5'], 'whole number'],
    [['--rule', 'no-select-star'], 'rule-id:severity'],
    [['--rule', 'no-select-star:loud'], 'is not a severity'],
    [['--config'], "argument missing"],
  ])('rejects %j with exit 2', (argv, message) => {
    const { outcome, err } = parse(...argv);
    expect(outcome).toEqual({ kind: 'exit', code: 2 });
    expect(err).toContain(message);
  });
});

describe('parseRuleOption', () => {
  it('accepts names, numbers and JSON arrays', () => {
    expect(parseRuleOption('no-select-star:warn')).toEqual({ 'no-select-star': 'warn' });
    expect(parseRuleOption('no-select-star: 2')).toEqual({ 'no-select-star': 2 });
    expect(parseRuleOption('require-where:["error",{"truncate":true}]')).toEqual({
      'require-where': ['error', { truncate: true }],
    });
    expect(parseRuleOption('plugin/rule:off')).toEqual({ 'plugin/rule': 'off' });
  });

  it('accepts a JSON object of several rules', () => {
    expect(parseRuleOption('{"no-select-star":"off","require-where":["warn",{}]}')).toEqual({
      'no-select-star': 'off',
      'require-where': ['warn', {}],
    });
  });

  it('explains malformed values', () => {
    expect(() => parseRuleOption('x:[error')).toThrow(/not valid JSON/);
    expect(() => parseRuleOption('x:[]')).toThrow(/must start with a severity/);
    expect(() => parseRuleOption('x:["loud"]')).toThrow(/must start with a severity/);
    expect(() => parseRuleOption(':error')).toThrow(/rule-id:severity/);
    expect(() => parseRuleOption('[1]')).toThrow(/rule-id:severity/);
    expect(() => parseRuleOption('{"x": "loud"}')).toThrow(/is not a severity/);
  });
});
