import { describe, expect, it } from 'vitest';
import { maskNonSql, type MaskResult } from '../../src/source/mask.ts';
import { splitStatements } from '../../src/source/split.ts';

/** The masking contract: same length, same line breaks, same characters outside masked regions. */
function expectShapeKept(input: string, result: MaskResult): void {
  expect(result.text.length).toBe(input.length);
  const masked = new Array<boolean>(input.length).fill(false);
  for (const r of result.regions) {
    expect(r.start).toBeGreaterThanOrEqual(0);
    expect(r.end).toBeLessThanOrEqual(input.length);
    expect(r.start).toBeLessThanOrEqual(r.end);
    if (r.kind === 'tool-annotation') {
      expect(result.text.slice(r.start, r.end)).toBe(input.slice(r.start, r.end));
      continue;
    }
    for (let k = r.start; k < r.end; k++) masked[k] = true;
  }
  for (let k = 0; k < input.length; k++) {
    const ch = input[k]!;
    if (ch === '\n' || ch === '\r') expect(result.text[k], `line break at ${k}`).toBe(ch);
    else if (!masked[k]) expect(result.text[k], `unmasked character at ${k}`).toBe(ch);
  }
}

function mask(input: string): MaskResult {
  const result = maskNonSql(input);
  expectShapeKept(input, result);
  return result;
}

function statements(maskedText: string): string[] {
  return splitStatements(maskedText).map((s) => maskedText.slice(s.start, s.end));
}

describe('maskNonSql: psql meta-commands', () => {
  it('blanks whole meta-command lines and keeps the SQL around them', () => {
    const input = [
      '\\restrict 8hGf2kQ',
      'SET client_encoding = \'UTF8\';',
      '\\connect other_db',
      '\\c db',
      '  \\set ON_ERROR_STOP 1',
      '\\i other.sql',
      '\\ir ../relative.sql',
      '\\echo creating table',
      'CREATE TABLE t (id int);',
      '\\unrestrict 8hGf2kQ',
      '',
    ].join('\n');
    const result = mask(input);
    const lines = result.text.split('\n');
    expect(lines[0]).toBe(' '.repeat('\\restrict 8hGf2kQ'.length));
    expect(lines[1]).toBe("SET client_encoding = 'UTF8';");
    for (const k of [2, 3, 4, 5, 6, 7, 9]) expect(lines[k]!.trim(), `line ${k + 1}`).toBe('');
    expect(lines[8]).toBe('CREATE TABLE t (id int);');
    expect(result.regions.filter((r) => r.kind === 'psql-meta')).toHaveLength(8);
    expect(statements(result.text)).toEqual(["SET client_encoding = 'UTF8'", 'CREATE TABLE t (id int)']);
  });

  it('masks psql conditionals; an unknown condition keeps the first branch only', () => {
    // :is_pg16 is never set in the file (it may come from `psql -v`): the \if branch is the one kept.
    const result = mask('\\if :is_pg16\nselect 1;\n\\else\nselect 2;\n\\endif\n');
    expect(result.text).toBe('            \nselect 1;\n     \n         \n      \n');
  });

  it('keeps CRLF line endings intact when masking a meta line', () => {
    const result = mask('\\set x 1\r\nselect 1;\r\n');
    expect(result.text).toBe('        \r\nselect 1;\r\n');
  });

  it('turns \\gset after SQL into a terminator so the statement ends there', () => {
    const input = "select 10 as test01 \\gset\nselect :'test01';\n";
    const result = mask(input);
    const at = input.indexOf('\\gset');
    expect(result.text.slice(at, at + 5)).toBe(';    ');
    expect(result.regions).toEqual([{ start: at, end: at + 5, kind: 'psql-meta' }]);
    expect(statements(result.text)).toEqual(['select 10 as test01', "select :'test01'"]);
  });

  it('treats \\g, \\gx, \\gexec and \\watch on their own line as terminators too', () => {
    for (const command of ['\\g', '\\gx', '\\gexec', '\\watch 5', '\\g out.txt']) {
      const input = `select 1\n${command}\nselect 2;`;
      const result = mask(input);
      expect(statements(result.text), command).toEqual(['select 1', 'select 2']);
    }
  });

  it('masks the backslash of \\; and keeps the semicolon', () => {
    const result = mask('select 1 \\; select 2;');
    expect(result.text).toBe('select 1  ; select 2;');
    expect(statements(result.text)).toEqual(['select 1', 'select 2']);
  });

  it('does not mask backslashes inside strings, E-strings, dollar quotes, identifiers or comments', () => {
    const input = [
      "select 'multi",
      "\\set inside a plain string',",
      "  E'escaped \\' quote",
      "\\echo inside an E-string',",
      '  $$',
      '\\c inside a dollar quote',
      '$$,',
      '  "quoted',
      '\\i inside an identifier";',
      '/* block',
      '\\gset inside a comment */',
      "-- \\gset in a line comment",
      "select E'a\\\\' as backslash \\gset",
    ].join('\n');
    const result = mask(input);
    const metas = result.regions.filter((r) => r.kind === 'psql-meta');
    // Only the final \gset, outside everything, is a meta-command.
    expect(metas).toHaveLength(1);
    expect(input.slice(metas[0]!.start, metas[0]!.end)).toBe('\\gset');
    expect(result.text.slice(0, input.lastIndexOf('\\gset'))).toBe(input.slice(0, input.lastIndexOf('\\gset')));
  });

  it('reads a backslash after SQL as a meta-command, as psql does (`\\x;` is `\\x` with argument `;`)', () => {
    const result = mask('select 1 \\x;\nselect 2;');
    expect(result.text).toBe('select 1    \nselect 2;');
    expect(result.regions).toEqual([{ start: 9, end: 12, kind: 'psql-meta' }]);
    // psql sends nothing at `\x;`: the statement runs on to the next `;`.
    expect(statements(result.text)).toEqual(['select 1    \nselect 2']);
  });
});

describe('maskNonSql: COPY ... FROM stdin data', () => {
  const dump = [
    'COPY public.users (id, name, bio) FROM stdin;',
    "1\tAlice\tlikes ; semicolons and 'quotes",
    '2\tBob\t\\N',
    '3\t$$dollar$$\t/* not a comment',
    '\\.',
    'SELECT 1;',
    '',
  ].join('\n');

  it('blanks the data lines through the \\. terminator and keeps the COPY statement', () => {
    const result = mask(dump);
    const lines = result.text.split('\n');
    expect(lines[0]).toBe('COPY public.users (id, name, bio) FROM stdin;');
    for (const k of [1, 2, 3, 4]) expect(lines[k]!.trim(), `line ${k + 1}`).toBe('');
    expect(lines[5]).toBe('SELECT 1;');
    const data = result.regions.filter((r) => r.kind === 'copy-data');
    expect(data).toHaveLength(1);
    expect(dump.slice(data[0]!.start, data[0]!.end)).toBe(dump.split('\n').slice(1, 5).join('\n'));
    expect(statements(result.text)).toEqual(['COPY public.users (id, name, bio) FROM stdin', 'SELECT 1']);
  });

  it('recognises any casing and options, and a comment after the semicolon', () => {
    for (const head of [
      'copy t from stdin;',
      'COPY t FROM STDIN WITH (FORMAT csv, HEADER true);',
      'COPY t (a, b) FROM stdin WITH CSV; -- trailing comment',
      'copy t\n  from\n  stdin\n  ;',
      'COPY t FROM STDOUT;',
    ]) {
      const input = `${head}\n1,2\n\\.\nSELECT 2;`;
      const result = mask(input);
      expect(result.regions.map((r) => r.kind), head).toEqual(['copy-data']);
      expect(statements(result.text), head).toEqual([head.replace(/;.*$/s, '').trimEnd(), 'SELECT 2']);
    }
  });

  it('handles CRLF files', () => {
    const input = 'COPY t FROM stdin;\r\n1\t2\r\n\\.\r\nSELECT 3;\r\n';
    const result = mask(input);
    expect(result.text).toBe('COPY t FROM stdin;\r\n   \r\n  \r\nSELECT 3;\r\n');
  });

  it('masks the data of psql \\copy ... from stdin', () => {
    const input = '\\copy t (a) from stdin\nhello; world\n\\.\nselect 1;';
    const result = mask(input);
    expect(result.regions.map((r) => r.kind)).toEqual(['psql-meta', 'copy-data']);
    expect(statements(result.text)).toEqual(['select 1']);
  });

  it('does not mask anything after COPY ... TO stdout or COPY (query)', () => {
    const input = 'COPY t TO stdout;\nselect 1;\nCOPY (select 1) TO STDOUT;\nselect 2;\n\\.\n';
    const result = mask(input);
    expect(result.regions.filter((r) => r.kind === 'copy-data')).toEqual([]);
    expect(statements(result.text)).toContain('select 2');
  });

  it('does not treat stdin inside a string or a longer word as the source', () => {
    const result = mask("COPY t FROM '/tmp/stdin';\nselect 1;\n\\.\n");
    expect(result.regions.filter((r) => r.kind === 'copy-data')).toEqual([]);
  });

  it('assumes no data when the file has no \\. terminator (keeps SQL visible)', () => {
    const result = mask('COPY t FROM stdin;\nselect 1;\nselect 2;\n');
    expect(result.regions).toEqual([]);
    expect(statements(result.text)).toHaveLength(3);
  });

  it('assumes a failed COPY read no data when another COPY FROM stdin comes before the \\.', () => {
    const input = 'COPY t FROM stdin; -- fails\nselect 1;\nCOPY t FROM stdin; -- ok\nbar\ttrue\n\\.\nselect 2;\n';
    const result = mask(input);
    const data = result.regions.filter((r) => r.kind === 'copy-data');
    expect(data).toHaveLength(1);
    expect(input.slice(data[0]!.start, data[0]!.end)).toBe('bar\ttrue\n\\.');
    expect(statements(result.text)).toEqual(['COPY t FROM stdin', 'select 1', 'COPY t FROM stdin', 'select 2']);
  });

  it('stays linear with thousands of COPYs that read no data', () => {
    const input = `${'COPY t FROM stdin;\nselect 1;\n'.repeat(20_000)}\\.\n`;
    const result = maskNonSql(input);
    expect(result.regions.map((r) => r.kind)).toEqual(['copy-data']);
    expect(input.slice(result.regions[0]!.start, result.regions[0]!.end)).toBe('select 1;\n\\.');
    const sameLine = `${'copy t from stdin; '.repeat(5_000)}\n${'select 2;\n'.repeat(20_000)}`;
    expect(maskNonSql(sameLine).regions).toEqual([]);
  });

  it('reads consecutive data blocks for several COPYs sent together', () => {
    const input = 'copy a from stdin\\; copy b from stdin\\; select 1;\n1\n\\.\n2\n\\.\nselect 3;\n';
    const result = mask(input);
    expect(result.regions.filter((r) => r.kind === 'copy-data')).toHaveLength(2);
    expect(statements(result.text)).toEqual(['copy a from stdin', 'copy b from stdin', 'select 1', 'select 3']);
  });
});

describe('maskNonSql: template placeholders', () => {
  const ident = (placeholder: string): string => `x${'_'.repeat(placeholder.length - 1)}`;
  const blank = (placeholder: string): string => ' '.repeat(placeholder.length);
  it('replaces a placeholder outside quotes with an identifier of the same length', () => {
    const input = 'CREATE TABLE {{ .Schema }}.foo (id int);';
    const result = mask(input);
    expect(result.text).toBe(`CREATE TABLE ${ident('{{ .Schema }}')}.foo (id int);`);
    expect(result.text).toBe('CREATE TABLE x____________.foo (id int);');
    expect(result.regions).toEqual([{ start: 13, end: 26, kind: 'template' }]);
  });

  it('copes with quotes inside Go template actions', () => {
    const input = 'ALTER TABLE {{ index .Options "Namespace" }}.t ADD COLUMN c int;';
    const result = mask(input);
    const placeholder = '{{ index .Options "Namespace" }}';
    expect(result.text).toBe(`ALTER TABLE ${ident(placeholder)}.t ADD COLUMN c int;`);
    expect(statements(result.text)).toHaveLength(1);
  });

  it('blanks Jinja/Go control tags and comments instead of naming them', () => {
    const input = '{% if with_index %}CREATE INDEX i ON t (a);{% endif %}\n{# note #}\n{{- /* go comment */ -}}\n{{ end }}';
    const result = mask(input);
    expect(result.text).toBe(
      `${blank('{% if with_index %}')}CREATE INDEX i ON t (a);${blank('{% endif %}')}\n${blank('{# note #}')}\n${blank('{{- /* go comment */ -}}')}\n${blank('{{ end }}')}`,
    );
    expect(result.regions.every((r) => r.kind === 'template')).toBe(true);
  });

  it('keeps newlines inside a multi-line placeholder', () => {
    const input = 'select {{\n  .Column\n}} from t;';
    const result = mask(input);
    expect(result.text).toBe('select x_\n_________\n__ from t;');
  });

  it('masks placeholders inside quoted identifiers and strings', () => {
    const input = `CREATE SCHEMA IF NOT EXISTS "{{ .Schema }}";\nSET search_path = '{{ .Schema }}';\nSELECT '{{.Name}}';`;
    const result = mask(input);
    expect(result.text).toBe(
      `CREATE SCHEMA IF NOT EXISTS "${ident('{{ .Schema }}')}";\nSET search_path = '${blank('{{ .Schema }}')}';\nSELECT '${blank('{{.Name}}')}';`,
    );
    expect(result.regions).toHaveLength(3);
  });

  it('names placeholders in function bodies but leaves string literals inside them alone', () => {
    const input = "CREATE FUNCTION f() RETURNS int AS $$ SELECT count(*) FROM {{ .Schema }}.t WHERE a = '{{1,2}}' $$ LANGUAGE sql;";
    const result = mask(input);
    expect(result.text).toBe(input.replace('{{ .Schema }}', ident('{{ .Schema }}')));
  });

  it('masks flyway/envsubst ${...} placeholders outside literals', () => {
    const input = 'CREATE TABLE ${schema}.t (id int);\nGRANT SELECT ON t TO ${flyway:user};';
    const result = mask(input);
    expect(result.text).toBe(`CREATE TABLE ${ident('${schema}')}.t (id int);\nGRANT SELECT ON t TO ${ident('${flyway:user}')};`);
    expect(mask('select 1 from tbl${suffix};').text).toBe(`select 1 from tbl${ident('${suffix}')};`);
  });

  it('leaves array literals, JSON and message formats inside strings alone', () => {
    for (const input of [
      "select '{{1,2},{3,4}}'::int[];",
      `select '{{"a","b"},{"c","d"}}'::text[];`,
      'select ARRAY[[1]] AS "{{1}}";',
      `select '{"a": {"b": 1}}'::jsonb;`,
      "select 'Total Sales: ${0,number,#,##0}';",
    ]) {
      const result = mask(input);
      expect(result.text, input).toBe(input);
      expect(result.regions, input).toEqual([]);
    }
  });

  it('leaves an unclosed {{ alone', () => {
    const input = 'select {{ 1;\nselect 2;';
    expect(mask(input).text).toBe(input);
  });
});

describe('maskNonSql: migration tool annotations', () => {
  const goose = [
    '-- +goose NO TRANSACTION',
    '-- +goose Up',
    '-- +goose StatementBegin',
    'CREATE INDEX CONCURRENTLY i ON t (a);',
    '-- +goose StatementEnd',
    '',
    '-- +goose Down',
    '-- +goose StatementBegin',
    'DROP INDEX CONCURRENTLY i;',
    '-- +goose StatementEnd',
    '',
  ].join('\n');

  it('records goose markers without changing them, and fills the directives', () => {
    const result = mask(goose);
    expect(result.text).toBe(goose);
    const notes = result.regions.filter((r) => r.kind === 'tool-annotation').map((r) => goose.slice(r.start, r.end));
    expect(notes).toEqual([
      '-- +goose NO TRANSACTION',
      '-- +goose Up',
      '-- +goose StatementBegin',
      '-- +goose StatementEnd',
      '-- +goose Down',
      '-- +goose StatementBegin',
      '-- +goose StatementEnd',
    ]);
    expect(result.directives.noTransaction).toBe(true);
    expect(result.directives.downSections).toEqual([{ start: goose.indexOf('-- +goose Down'), end: goose.length }]);
  });

  it('ends a down section at the next up marker', () => {
    const input = '-- +goose Down\nDROP TABLE a;\n-- +goose Up\nCREATE TABLE a ();\n-- +goose down\nDROP TABLE b;';
    const result = mask(input);
    expect(result.directives.downSections).toEqual([
      { start: 0, end: input.indexOf('-- +goose Up') },
      { start: input.indexOf('-- +goose down'), end: input.length },
    ]);
    expect(result.directives.noTransaction).toBe(false);
  });

  it('accepts lowercase goose directives and ENVSUB', () => {
    const result = mask('-- +goose no transaction\n-- +goose ENVSUB ON\n-- +goose up\nselect 1;');
    expect(result.directives.noTransaction).toBe(true);
    expect(result.regions.filter((r) => r.kind === 'tool-annotation')).toHaveLength(3);
  });

  it('understands dbmate markers and transaction:false', () => {
    const input = '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- migrate:down\nDROP INDEX i;\n';
    const result = mask(input);
    expect(result.directives.noTransaction).toBe(true);
    expect(result.directives.downSections).toEqual([{ start: input.indexOf('-- migrate:down'), end: input.length }]);
    expect(result.regions.map((r) => r.kind)).toEqual(['tool-annotation', 'tool-annotation']);
  });

  it('does not take transaction:false of the down section for the whole file', () => {
    const result = mask('-- migrate:up\nselect 1;\n-- migrate:down transaction:false\nselect 2;\n');
    expect(result.directives.noTransaction).toBe(false);
  });

  it('understands atlas txmode', () => {
    expect(mask('-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY i ON t (a);').directives.noTransaction).toBe(true);
    expect(mask('-- atlas:txmode file\n\nselect 1;').directives.noTransaction).toBe(false);
  });

  it('ignores look-alikes: no plus sign, inside strings or block comments, after SQL on the line', () => {
    const input = "-- goose Down\nselect '\n-- +goose Down\n';\n/*\n-- migrate:down\n*/\nselect 1; -- +goose Down\n";
    const result = mask(input);
    expect(result.regions).toEqual([]);
    expect(result.directives).toEqual({ noTransaction: false, downSections: [] });
  });
});

describe('maskNonSql: general', () => {
  it('returns the text unchanged when there is nothing to mask', () => {
    const input = "select 'a' || E'\\n' from t where x = $1; -- done\n";
    const result = mask(input);
    expect(result.text).toBe(input);
    expect(result.regions).toEqual([]);
  });

  it('handles empty input and unterminated constructs without throwing', () => {
    expect(mask('').text).toBe('');
    for (const input of ["select '", 'select $$', 'select /* ', 'select "', '{{', '\\', 'COPY t FROM stdin;']) {
      expect(() => mask(input), input).not.toThrow();
    }
  });

  it('in MySQL mode honours backslash escapes and leaves backslashes alone', () => {
    const input = "INSERT INTO t VALUES ('it\\'s -- +goose Down');\n-- +goose Down\n\\. not psql\n";
    const result = maskNonSql(input, { dialect: 'mysql' });
    expectShapeKept(input, result);
    expect(result.directives.downSections).toEqual([{ start: input.indexOf('-- +goose Down\n'), end: input.length }]);
    expect(result.regions.filter((r) => r.kind === 'psql-meta')).toEqual([]);
  });
});

/** The lines of the masked text, trailing blanks dropped, so a test reads like what psql sends. */
function sent(input: string): string[] {
  return mask(input).text.split('\n').map((line) => line.trimEnd());
}

describe('maskNonSql: psql \\if branches', () => {
  it('keeps the branch that runs and blanks the others (true/false and their psql spellings)', () => {
    const input = ['\\if true', "  select 'okay';", '\\else', '  not okay;', '  still not okay', '\\endif', 'select 1;'].join('\n');
    expect(sent(input)).toEqual(['', "  select 'okay';", '', '', '', '', 'select 1;']);
    const result = mask(input);
    expect(result.regions.map((r) => r.kind)).toEqual(['psql-meta', 'psql-meta', 'psql-unsent', 'psql-meta']);
    expect(statements(result.text)).toEqual(["select 'okay'", 'select 1']);
  });

  it('evaluates booleans as psql does: prefixes of true/false/yes/no, on/off, 1/0, anything else false', () => {
    const branch = (condition: string): string => statements(mask(`\\if ${condition}\nselect 'then';\n\\else\nselect 'else';\n\\endif\n`).text)[0]!;
    for (const yes of ['true', 'TRUE', 't', 'tr', 'yes', 'y', 'on', 'ON', '1']) expect(branch(yes), yes).toBe("select 'then'");
    for (const no of ['false', 'f', 'no', 'n', 'off', 'of', '0', 'o', 'invalid boolean expression', "'true'x", '2']) expect(branch(no), no).toBe("select 'else'");
    // quotes are psql's: the value is what is inside
    expect(branch("'on'")).toBe("select 'then'");
  });

  it('runs \\elif and \\else in order and keeps only one branch', () => {
    const input = ['\\if false', 'select 1;', '\\elif 0', 'select 2;', '\\elif yes', 'select 3;', '\\elif true', 'select 4;', '\\else', 'select 5;', '\\endif'].join('\n');
    expect(statements(mask(input).text)).toEqual(['select 3']);
    const none = ['\\if false', 'select 1;', '\\elif off', 'select 2;', '\\endif', 'select 6;'].join('\n');
    expect(statements(mask(none).text)).toEqual(['select 6']);
  });

  it('skips nested \\if blocks inside a branch that does not run, whatever their conditions', () => {
    const input = ['\\if false', '  \\if true', '    select 1;', '  \\else', '    select 2;', '  \\endif', '  select 3;', '\\else', '  select 4;', '\\endif'].join('\n');
    expect(statements(mask(input).text)).toEqual(['select 4']);
  });

  it('keeps psql lexing in a skipped branch: a quoted \\else is no command', () => {
    const input = ['\\if false', "  select '", '\\else', "  ';", '\\else', 'select 2;', '\\endif'].join('\n');
    expect(statements(mask(input).text)).toEqual(['select 2']);
  });

  it('uses variables set with \\set earlier in the file, and :{?name}', () => {
    const input = ['\\set flag off', '\\set i 1', '\\if :flag', 'select 1;', '\\elif :{?i}', 'select 2;', '\\endif', '\\unset i', '\\if :{?i}', 'select 3;', '\\else', 'select 4;', '\\endif'].join('\n');
    expect(statements(mask(input).text)).toEqual(['select 2', 'select 4']);
  });

  it('takes a condition only the run can tell as true: the first branch that may run is kept', () => {
    for (const condition of [':never_set', ':{?from_gset}', '`test -f x && echo 1`', ':result']) {
      const input = `select 1 as result \\gset\n\\if ${condition}\nselect 'then';\n\\elif true\nselect 'elif';\n\\else\nselect 'else';\n\\endif\n`;
      expect(statements(mask(input).text), condition).toEqual(['select 1 as result', "select 'then'"]);
    }
    // after a \gset the value of a variable set before is no longer known
    const input = '\\set v off\nselect true as v \\gset\n\\if :v\nselect 1;\n\\endif\n';
    expect(statements(mask(input).text)).toEqual(['select true as v', 'select 1']);
    // ... unless the \gset had a prefix it does not match
    const prefixed = '\\set v off\nselect true as v \\gset p_\n\\if :v\nselect 1;\n\\endif\n';
    expect(statements(mask(prefixed).text)).toEqual(['select true as v']);
  });

  it('does not evaluate the \\elif of a block whose branch already ran, nor run commands in skipped branches', () => {
    const input = ['\\if true', '\\elif `false`', 'select 1;', '\\endif', '\\if false', '\\set x on', '\\endif', '\\if :x', 'select 2;', '\\else', 'select 3;', '\\endif'].join('\n');
    // \set x on never ran: :x stays unknown (never set), so its first branch is kept
    expect(statements(mask(input).text)).toEqual(['select 2']);
  });

  it('blanks a skipped branch in the middle of a statement, across lines', () => {
    const input = ['select', '  \\if true', '    42', '  \\else', '    (bogus', '  \\endif', '  forty_two;'].join('\n');
    expect(statements(mask(input).text).map((s) => s.replace(/\s+/g, ' '))).toEqual(['select 42 forty_two']);
  });

  it('eats \\else and \\endif that are arguments of a whole-line or pipe command in a skipped branch', () => {
    const input = ['\\if false', '  \\w |/no/such/file \\else', '  \\! whole_line \\endif', '  select 1;', '\\else', '  select 2;', '\\endif'].join('\n');
    expect(statements(mask(input).text)).toEqual(['select 2']);
  });

  it('ignores unmatched \\endif, \\else and \\elif, and an \\else after \\else', () => {
    const input = ['\\endif', '\\else', '\\elif', 'select 1;', '\\if true', '\\else', '\\else', 'select 2;', '\\endif', 'select 3;'].join('\n');
    expect(statements(mask(input).text)).toEqual(['select 1', 'select 3']);
  });

  it('blanks to the end of the file when \\endif is missing', () => {
    const input = '\\if false\nselect 1;\nselect 2;';
    const result = mask(input);
    expect(statements(result.text)).toEqual([]);
    expect(result.regions.at(-1)).toEqual({ start: '\\if false'.length, end: input.length, kind: 'psql-unsent' });
  });
});

describe('maskNonSql: meta-commands after SQL on the same line', () => {
  it('ends the SQL at the backslash; after `\\\\` SQL resumes on the line', () => {
    const input = 'select \\if false \\\\ (bogus \\else \\\\ 42 \\endif \\\\ forty_two;';
    const result = mask(input);
    expect(result.text.replace(/\s+/g, ' ')).toBe('select 42 forty_two;');
    const at = (s: string): number => input.indexOf(s);
    expect(result.regions).toEqual([
      { start: at('\\if'), end: at(' (bogus'), kind: 'psql-meta' },
      { start: at(' (bogus'), end: at('\\else'), kind: 'psql-unsent' },
      { start: at('\\else'), end: at(' 42'), kind: 'psql-meta' },
      { start: at('\\endif'), end: at(' forty_two'), kind: 'psql-meta' },
    ]);
  });

  it('masks any meta-command after SQL, with its arguments, and only the \\g family ends the statement', () => {
    expect(sent('select 1 \\echo hi there\n, 2;')).toEqual(['select 1', ', 2;']);
    expect(statements(mask('select 1 \\echo hi there\n, 2;').text).map((s) => s.replace(/\s+/g, ' '))).toEqual(['select 1 , 2']);
    expect(statements(mask('select $1 \\bind 1 \\g\nselect 2;').text)).toEqual(['select $1', 'select 2']);
    expect(statements(mask("select 1 \\g (format=csv) 'out file.csv'\nselect 2;").text)).toEqual(['select 1', 'select 2']);
  });

  it('reads quoted arguments, so a backslash inside quotes does not end them', () => {
    const input = "select 1 \\echo 'a \\\\ b' \\\\ , 2;";
    expect(mask(input).text.replace(/\s+/g, ' ')).toBe('select 1 , 2;');
  });

  it('runs whole-line and pipe arguments to the end of the line', () => {
    expect(sent('select 1 \\! echo \\\\ x\n;')).toEqual(['select 1', ';']);
    expect(sent('select 1 \\g |cat \\\\ x\nselect 2;')).toEqual(['select 1 ;', 'select 2;']);
    expect(sent('\\copy t to stdout \\\\ x\nselect 2;')).toEqual(['', 'select 2;']);
  });

  it('stays linear with many meta-commands on one long line', () => {
    const input = `select 1 ${'\\a '.repeat(100_000)}\nselect 2;`;
    const result = maskNonSql(input);
    expect(result.regions).toHaveLength(100_000);
    expect(statements(result.text).map((s) => s.replace(/\s+/g, ' '))).toEqual(['select 1 select 2']);
  });

  it('drops the rest of the line after an unknown command, as psql does', () => {
    expect(sent('select 1 \\bogus \\\\ x;\n;')).toEqual(['select 1', ';']);
  });

  it('gives \\; and \\: back to the SQL', () => {
    expect(mask('select 1 \\; select 2;').text).toBe('select 1  ; select 2;');
    expect(mask("select 'a' \\:\\: text;").text).toBe("select 'a'  : : text;");
  });
});

describe('maskNonSql: :{?name}', () => {
  it('becomes TRUE or FALSE, padded to the same length', () => {
    const input = '\\set i 1\n\\unset j\nSELECT :{?i} AS i, NOT :{?j} AS j, :{?ON_ERROR_STOP} AS builtin;';
    const result = mask(input);
    expect(result.text.split('\n')[2]).toBe(`SELECT TRUE  AS i, NOT FALSE AS j, ${'TRUE'.padEnd(':{?ON_ERROR_STOP}'.length)} AS builtin;`);
    expect(result.regions.filter((r) => r.kind === 'psql-variable')).toHaveLength(3);
  });

  it('is TRUE when only the run can tell, and is left alone inside strings, identifiers and casts', () => {
    expect(mask('select :{?maybe};').text).toBe('select TRUE     ;');
    const input = `select ':{?i}', ":{?i}", x::{?i}, \\:{?i} -- :{?i}\n;`;
    expect(mask(input).regions.filter((r) => r.kind === 'psql-variable')).toEqual([]);
  });
});

describe('maskNonSql: \\r and \\p', () => {
  it('\\r discards the query buffer: that text is never sent, and what follows is', () => {
    const input = ['select 1;', '** Remember the delete rule', '** So this time both rows', '\\p', '\\r', 'delete from t where b = 12;'].join('\n');
    const result = mask(input);
    expect(statements(result.text)).toEqual(['select 1', 'delete from t where b = 12']);
    const unsent = result.regions.filter((r) => r.kind === 'psql-unsent');
    expect(unsent.map((r) => input.slice(r.start, r.end))).toEqual(['** Remember the delete rule\n** So this time both rows\n\\p\n']);
  });

  it('\\r or \\reset after SQL on the same line, \\p anywhere', () => {
    const input = ['SELECT 1;', '\\p', 'SELECT 2 \\r', '\\p', 'SELECT 3 \\p', 'UNION SELECT 4 \\p', 'UNION SELECT 5', 'ORDER BY 1;', '\\r', '\\p'].join('\n');
    const result = mask(input);
    expect(statements(result.text).map((s) => s.replace(/\s+/g, ' '))).toEqual(['SELECT 1', 'SELECT 3 UNION SELECT 4 UNION SELECT 5 ORDER BY 1']);
    expect(statements(mask('select oops \\reset\nselect 2;').text)).toEqual(['select 2']);
  });

  it('\\r discards every statement joined with \\; since the last send', () => {
    expect(statements(mask('select 1;\nselect 2 \\; select 3 \\r\nselect 4;').text)).toEqual(['select 1', 'select 4']);
  });

  it('\\r discards a COPY FROM stdin before it is sent, and does nothing in a skipped branch', () => {
    expect(statements(mask('select 1 \\if false \\\\ \\r \\endif\n;').text)).toEqual(['select 1']);
    expect(statements(mask('copy t from stdin \\r\nselect 1;\n\\.\n').text)).toEqual(['select 1']);
  });
});

describe('maskNonSql: standard_conforming_strings', () => {
  const f2 = "select 'a\\\\b\\'cd' as f2, 'ab\\\\\\'cd' as f5, '\\\\\\\\' as f6;\nselect 2;";
  it('after SET ... = off, \\\' in a plain literal is an escape: rewritten to \'\' in place', () => {
    const input = `set standard_conforming_strings = off;\n${f2}`;
    const result = mask(input);
    expect(result.text).toBe(`set standard_conforming_strings = off;\nselect 'a\\\\b''cd' as f2, 'ab\\\\''cd' as f5, '\\\\\\\\' as f6;\nselect 2;`);
    expect(result.regions.map((r) => r.kind)).toEqual(['string-escape', 'string-escape']);
    expect(statements(result.text)).toEqual(['set standard_conforming_strings = off', "select 'a\\\\b''cd' as f2, 'ab\\\\''cd' as f5, '\\\\\\\\' as f6", 'select 2']);
  });

  it('leaves literals alone while the setting is on (the default), and again after it is turned back on', () => {
    // with the setting on, `\'` closes the literal and psql reads the backslashes after it as commands
    expect(mask(f2).regions.filter((r) => r.kind === 'string-escape')).toEqual([]);
    for (const back of ['set standard_conforming_strings = on;', 'SET standard_conforming_strings TO DEFAULT;', 'reset standard_conforming_strings;', 'RESET ALL;', 'set session standard_conforming_strings = true;']) {
      const input = `set standard_conforming_strings = off;\n${back}\nselect 'a\\', 'b';`;
      expect(mask(input).regions, back).toEqual([]);
      expect(statements(mask(input).text)[2], back).toBe("select 'a\\', 'b'");
    }
  });

  it('accepts the spellings of off: TO off, = false, = 0, quoted, upper case, SET SESSION', () => {
    for (const off of ["SET standard_conforming_strings TO off;", 'set standard_conforming_strings = false;', 'set standard_conforming_strings = 0;', "set standard_conforming_strings = 'off';", 'SET SESSION STANDARD_CONFORMING_STRINGS = OFF;']) {
      expect(mask(`${off}\nselect 'it\\'s';`).regions.map((r) => r.kind), off).toEqual(['string-escape']);
    }
  });

  it('SET LOCAL lasts until the end of the transaction; ROLLBACK undoes a SET', () => {
    const literal = "select 'it\\'s';";
    const escapes = (sql: string): number => mask(sql).regions.filter((r) => r.kind === 'string-escape').length;
    expect(escapes(`begin;\nset local standard_conforming_strings = off;\n${literal}\ncommit;\n${literal}`)).toBe(1);
    expect(escapes(`set local standard_conforming_strings = off;\n${literal}`)).toBe(0); // outside a transaction: no effect
    expect(escapes(`begin;\nset standard_conforming_strings = off;\n${literal}\nrollback;\n${literal}`)).toBe(1);
    expect(escapes(`begin;\nset standard_conforming_strings = off;\ncommit;\n${literal}`)).toBe(1);
  });

  it('leaves E-strings, U& strings, B/X strings and dollar quotes alone, and lexes psql commands with the setting', () => {
    const input = "set standard_conforming_strings = off;\nselect E'a\\'b', U&'\\0041', B'01', X'1F', $$\\'$$, 'x\\' \\g\n';\nselect 2;";
    const result = mask(input);
    // `\g` is inside the literal 'x\' \g\n' while the setting is off: no meta-command there
    expect(result.regions).toEqual([{ start: input.indexOf("x\\'") + 1, end: input.indexOf("x\\'") + 2, kind: 'string-escape' }]);
    expect(statements(result.text)).toHaveLength(3);
  });

  it('applies a SET joined with \\; only once psql sends the buffer (the server parses it whole first)', () => {
    const escapes = (sql: string): number => mask(sql).regions.filter((r) => r.kind === 'string-escape').length;
    expect(escapes("set standard_conforming_strings = off \\; select 'a', 'b\\';\nselect 'it\\'s';")).toBe(1);
    expect(escapes("set standard_conforming_strings = off;\nselect 'it\\'s' \\; reset standard_conforming_strings \\; select 'x\\'y';")).toBe(2);
  });

  it('does not follow a SET in a skipped \\if branch', () => {
    expect(mask("\\if false\nset standard_conforming_strings = off;\n\\endif\nselect 'a\\', 'b';").regions.map((r) => r.kind)).toEqual(['psql-meta', 'psql-unsent', 'psql-meta']);
  });
});
