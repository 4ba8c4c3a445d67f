import { describe, expect, it } from 'vitest';
import { Conditionals, PsqlVariables, evaluateCondition, parseBoolean, scanMetaCommand, variableReference } from '../../src/source/psql.ts';

function command(text: string, vars?: PsqlVariables) {
  const c = scanMetaCommand(text, text.indexOf('\\'), vars);
  return { name: c.name, unknown: c.unknown, args: c.args.map((a) => a.value), rest: text.slice(c.end) };
}

describe('parseBoolean (psql ParseVariableBool / server parse_bool)', () => {
  it('accepts unique prefixes, on/off with two letters, 1/0, any case', () => {
    for (const v of ['t', 'TR', 'true', 'y', 'yes', 'on', 'ON', '1']) expect(parseBoolean(v), v).toBe(true);
    for (const v of ['f', 'fal', 'FALSE', 'n', 'no', 'of', 'off', '0']) expect(parseBoolean(v), v).toBe(false);
    for (const v of ['', 'o', 'truex', 'yess', '01', '2', 'null']) expect(parseBoolean(v), v).toBeUndefined();
  });
});

describe('scanMetaCommand', () => {
  it('reads the name to whitespace or a backslash, and options to the end of the line or a backslash', () => {
    expect(command('\\set a b c\nselect 1;')).toEqual({ name: 'set', unknown: false, args: ['a', 'b', 'c'], rest: '\nselect 1;' });
    expect(command('select \\if false \\\\ (bogus')).toEqual({ name: 'if', unknown: false, args: ['false'], rest: ' (bogus' });
    expect(command('\\bind 1 2 \\g')).toEqual({ name: 'bind', unknown: false, args: ['1', '2'], rest: '\\g' });
    expect(command('\\dt+ foo')).toMatchObject({ name: 'dt+', unknown: false, args: ['foo'] });
  });

  it('processes quotes like psql: single quotes with escapes, double quotes kept, backticks unknown', () => {
    expect(command("\\set x 'it''s \\\\ a\\tb' \"Q\"x")).toMatchObject({ args: ['x', "it's \\ a\tb", '"Q"x'] });
    expect(command('\\set x `date` y')).toMatchObject({ args: ['x', null, 'y'] });
    expect(command("\\echo 'unterminated \\\\ x")).toMatchObject({ rest: '' });
  });

  it('substitutes known variables in options, leaves unset ones as written, and knows :{?name}', () => {
    const vars = new PsqlVariables();
    vars.set('v', "a'b");
    vars.unset('gone');
    expect(command("\\echo :v :'v' :\"v\" :gone :{?v} :{?gone} :{?maybe} :maybe", vars)).toMatchObject({
      args: ["a'b", "'a''b'", '"a\'b"', ':gone', 'TRUE', 'FALSE', null, null],
    });
  });

  it('takes the whole line for \\!, \\copy, \\ef, \\sf, \\h, and after | for \\g, \\o, \\w', () => {
    expect(command('\\! ls \\\\ x')).toMatchObject({ args: ['ls \\\\ x'], rest: '' });
    expect(command('\\copy t from stdin \\\\ x')).toMatchObject({ name: 'copy', rest: '' });
    expect(command('\\w |/no/such/file \\else')).toMatchObject({ args: ['|/no/such/file \\else'], rest: '' });
    expect(command('\\w /tmp/file \\else')).toMatchObject({ args: ['/tmp/file'], rest: '\\else' });
  });

  it('falls back to a one-letter command with its argument glued on, and drops the line after an unknown one', () => {
    expect(command('\\x;')).toMatchObject({ name: 'x', unknown: false, args: [';'], rest: '' });
    expect(command('\\gfile.txt \\\\ select 2')).toMatchObject({ name: 'g', args: ['file.txt'], rest: ' select 2' });
    expect(command('\\bogus \\\\ select 2')).toMatchObject({ unknown: true, rest: '' });
    expect(command('\\')).toMatchObject({ unknown: true, rest: '' });
  });
});

describe('variableReference', () => {
  it('knows the four forms and nothing else', () => {
    expect(variableReference(':abc+1', 0)).toEqual({ style: 'plain', name: 'abc', end: 4 });
    expect(variableReference(":'abc'", 0)).toEqual({ style: 'literal', name: 'abc', end: 6 });
    expect(variableReference(':"abc"', 0)).toEqual({ style: 'identifier', name: 'abc', end: 6 });
    expect(variableReference(':{?abc}', 0)).toEqual({ style: 'defined', name: 'abc', end: 7 });
    for (const s of [":'abc", ':{?}', ':{?a', ': a', ':{a}']) expect(variableReference(s, 0), s).toBeNull();
  });
});

describe('Conditionals and evaluateCondition', () => {
  it('joins the options with spaces; invalid is false, unknown is null', () => {
    const arg = (value: string | null) => ({ start: 0, end: 0, value });
    expect(evaluateCondition([arg('on')])).toBe(true);
    expect(evaluateCondition([arg('invalid'), arg('boolean')])).toBe(false);
    expect(evaluateCondition([arg('true'), arg('true')])).toBe(false); // "true true" is no boolean
    expect(evaluateCondition([arg('true'), arg(null)])).toBeNull();
  });

  it('follows psql states: one branch at most, nested blocks in a skipped branch stay skipped', () => {
    const c = new Conditionals();
    c.if(false);
    expect(c.active).toBe(false);
    expect(c.evaluates('elif')).toBe(true);
    c.if(true); // nested in a skipped branch
    expect(c.active).toBe(false);
    expect(c.evaluates('elif')).toBe(false);
    c.endif();
    c.elif(null); // not known: taken
    expect(c.active).toBe(true);
    c.elif(true);
    expect(c.active).toBe(false);
    c.else();
    expect(c.active).toBe(false);
    c.endif();
    expect(c.active).toBe(true);
    c.endif(); // unmatched: no effect
    expect(c.active).toBe(true);
  });
});
