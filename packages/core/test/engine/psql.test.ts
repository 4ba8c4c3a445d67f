/**
 * psql scripts through the whole engine: what psql never sends gives no syntax error, and every
 * statement after it is still parsed, located exactly and handed to the rules.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defineRule } from '../../src/rule.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

/** Reports every statement the rules see, with its text. */
const everyStatement = defineRule({
  meta: { id: 'probe', description: 'reports statements', defaultSeverity: 'warn', category: 'style' },
  create(context) {
    return { Statement: (node: { range: { start: number; end: number } }) => context.report({ node, message: context.getText(node) }) };
  },
});

/** Reports string literals, to check the positions of rewritten ones. */
const everyString = defineRule({
  meta: { id: 'probe', description: 'reports string literals', defaultSeverity: 'warn', category: 'style' },
  create(context) {
    return {
      Literal: (node: { kind: string; range: { start: number; end: number } }) => {
        if (node.kind === 'string') context.report({ node, message: context.getText(node) });
      },
    };
  },
});

function linted(text: string): { syntaxErrors: string[]; seen: string[] } {
  const { messages } = lint(text, { rules: [everyStatement] });
  return {
    syntaxErrors: messages.filter((m) => m.ruleId === 'syntax-error').map((m) => `${m.line}: ${m.message}`),
    seen: messages.filter((m) => m.ruleId === 'probe').map((m) => m.message.replace(/\s+/g, ' ')),
  };
}

describe('psql \\if branches', () => {
  it('skipped branches, whole statements or parts of one, give no syntax error', () => {
    const text = [
      '\\if true',
      "  select 'okay';",
      '\\else',
      '  not okay;',
      '  still not okay',
      '\\endif',
      'select',
      '  \\if true',
      '    42',
      '  \\else',
      '    (bogus',
      '  \\endif',
      '  forty_two;',
      'select \\if false \\\\ (bogus \\else \\\\ 42 \\endif \\\\ forty_two;',
      'delete from t where id = 1;',
    ].join('\n');
    expect(linted(text)).toEqual({
      syntaxErrors: [],
      // ranges are in the file, so they span the masked commands between the tokens
      seen: ["select 'okay'", 'select \\if true 42 \\else (bogus \\endif forty_two', 'select \\if false \\\\ (bogus \\else \\\\ 42 \\endif \\\\ forty_two', 'delete from t where id = 1'],
    });
  });

  it('a condition known only at run time keeps its first branch', () => {
    const text = 'select 1 as ok \\gset\n\\if :ok\ncreate table a (id int);\n\\else\ncreate table a (id bigint);\n\\endif\nselect 2;';
    expect(linted(text)).toEqual({ syntaxErrors: [], seen: ['select 1 as ok', 'create table a (id int)', 'select 2'] });
  });
});

describe('psql variables and the query buffer', () => {
  it(':{?name} parses as a boolean', () => {
    const text = '\\set i 1\nSELECT :{?i} AS i_is_defined;\n\\unset i\nSELECT NOT :{?i} AS i_is_not_defined;';
    expect(linted(text)).toEqual({ syntaxErrors: [], seen: ['SELECT :{?i} AS i_is_defined', 'SELECT NOT :{?i} AS i_is_not_defined'] });
  });

  it('\\r throws away the pending text; the next statement is linted', () => {
    const text = [
      'select * from rtest_v1;',
      '** Remember the delete rule on rtest_v1: It says',
      '** DO INSTEAD DELETE FROM rtest_t1 WHERE a = old.a',
      '\\p',
      '\\r',
      'delete from rtest_v1 where b = 12;',
      'SELECT 2 \\r',
      'SELECT 3 \\p',
      'UNION SELECT 4 \\p',
      'ORDER BY 1;',
    ].join('\n');
    expect(linted(text)).toEqual({
      syntaxErrors: [],
      seen: ['select * from rtest_v1', 'delete from rtest_v1 where b = 12', 'SELECT 3 \\p UNION SELECT 4 \\p ORDER BY 1'],
    });
  });

  it('a meta-command after SQL on a line ends the SQL part there', () => {
    expect(linted('select 1 \\echo not sql (\n;\nselect 2 \\bogus command ) here\n;')).toEqual({
      syntaxErrors: [],
      seen: ['select 1', 'select 2'],
    });
  });
});

describe('standard_conforming_strings = off', () => {
  const text = [
    'set standard_conforming_strings = off;',
    "select 'a\\\\bcd' as f1, 'a\\\\b\\'cd' as f2, 'ab\\\\\\'cd' as f5, '\\\\\\\\' as f6;",
    'set escape_string_warning = off;',
    'set standard_conforming_strings = on;',
    "select 'abcd\\'   as f4;",
    'reset standard_conforming_strings;',
  ].join('\n');

  it('escaped quotes do not put the statements out of step, and all of them are linted', () => {
    const { syntaxErrors, seen } = linted(text);
    expect(syntaxErrors).toEqual([]);
    expect(seen).toHaveLength(6);
    expect(seen[1]).toBe("select 'a\\\\bcd' as f1, 'a\\\\b\\'cd' as f2, 'ab\\\\\\'cd' as f5, '\\\\\\\\' as f6");
    expect(seen[4]).toBe("select 'abcd\\' as f4");
  });

  it('literal ranges are exact in the original text', () => {
    const { messages } = lint(text, { rules: [everyString] });
    expect(messages.map((m) => m.message)).toEqual(["'a\\\\bcd'", "'a\\\\b\\'cd'", "'ab\\\\\\'cd'", "'\\\\\\\\'", "'abcd\\'"]);
    expect(messages[1]!.line).toBe(2);
    expect(messages[1]!.column).toBe("select 'a\\\\bcd' as f1, ".length + 1);
  });

  it('with the setting on, the same text is a syntax error (as PostgreSQL says)', () => {
    const { syntaxErrors } = linted("select 'a\\\\b\\'cd' as f2, 'x';");
    expect(syntaxErrors).toHaveLength(1);
  });
});
