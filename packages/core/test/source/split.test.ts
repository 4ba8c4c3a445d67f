import { describe, expect, it } from 'vitest';
import { maskNonSql } from '../../src/source/mask.ts';
import { SqlLexer, splitStatements, type StatementSegment } from '../../src/source/split.ts';

function split(text: string, dialect?: 'postgresql' | 'mysql'): string[] {
  const segments = splitStatements(text, dialect === undefined ? undefined : { dialect });
  checkInvariants(text, segments);
  return segments.map((s) => text.slice(s.start, s.end));
}

function checkInvariants(text: string, segments: StatementSegment[]): void {
  let previous = 0;
  for (const s of segments) {
    expect(s.start).toBeGreaterThanOrEqual(previous);
    expect(s.end).toBeGreaterThan(s.start);
    expect(s.terminatorEnd).toBeGreaterThanOrEqual(s.end);
    expect(s.terminatorEnd).toBeLessThanOrEqual(text.length);
    expect(text[s.start]).toMatch(/\S/);
    expect(text[s.end - 1]).toMatch(/\S/);
    previous = s.terminatorEnd;
  }
}

describe('splitStatements: basics', () => {
  it('splits on semicolons with exact ranges', () => {
    const text = '  -- leading comment\n  select 1 /* trailing */ ;\n\ninsert into t values (2);';
    const segments = splitStatements(text);
    expect(segments).toEqual([
      { start: text.indexOf('select'), end: text.indexOf('select') + 'select 1'.length, terminatorEnd: text.indexOf(';') + 1 },
      { start: text.indexOf('insert'), end: text.length - 1, terminatorEnd: text.length },
    ]);
    expect(text.slice(segments[0]!.start, segments[0]!.end)).toBe('select 1');
    expect(text.slice(segments[1]!.start, segments[1]!.end)).toBe('insert into t values (2)');
  });

  it('uses end as terminatorEnd when the last statement has no semicolon', () => {
    const text = 'select 1;\nselect 2 -- no terminator\n';
    const segments = splitStatements(text);
    expect(segments).toHaveLength(2);
    expect(segments[1]).toEqual({ start: 10, end: 18, terminatorEnd: 18 });
  });

  it('produces nothing for empty statements, whitespace and comment-only input', () => {
    expect(split('')).toEqual([]);
    expect(split(' \n\t ')).toEqual([]);
    expect(split(';;; ;\n;')).toEqual([]);
    expect(split('-- just a comment\n/* and a block */\n')).toEqual([]);
    expect(split('select 1;; ;select 2;\n-- trailing comment\n/* trailing block */')).toEqual(['select 1', 'select 2']);
  });

  it('keeps comments between tokens inside the statement', () => {
    expect(split('select /* ; */ 1 -- ;\n + 2;')).toEqual(['select /* ; */ 1 -- ;\n + 2']);
  });
});

describe('splitStatements: strings and quoted identifiers', () => {
  it('does not split inside single-quoted strings with doubled quotes', () => {
    expect(split("select 'a;b', 'it''s; fine'; select 2")).toEqual(["select 'a;b', 'it''s; fine'", 'select 2']);
  });

  it('treats backslash as a plain character in standard strings', () => {
    // '\' is a complete string in PostgreSQL (standard_conforming_strings = on).
    expect(split("select '\\'; select 2;")).toEqual(["select '\\'", 'select 2']);
  });

  it('honours backslash escapes in E-strings, upper and lower case', () => {
    expect(split("select E'\\';', 1; select 2;")).toEqual(["select E'\\';', 1", 'select 2']);
    expect(split("select e'\\\\'; select 3;")).toEqual(["select e'\\\\'", 'select 3']);
    expect(split("select e'a\\'b;c'; select 4;")).toEqual(["select e'a\\'b;c'", 'select 4']);
  });

  it('does not mistake an identifier ending in e for an E-string prefix', () => {
    expect(split("select name'x;'; select 2;")).toEqual(["select name'x;'", 'select 2']);
  });

  it('handles quoted identifiers containing ; and doubled quotes', () => {
    expect(split('create table "a;b" ("c""; d" int); select 2;')).toEqual(['create table "a;b" ("c""; d" int)', 'select 2']);
  });

  it('handles U& strings and identifiers', () => {
    expect(split(`select U&'d\\0061t;a', U&"a;b"; select 2;`)).toEqual([`select U&'d\\0061t;a', U&"a;b"`, 'select 2']);
  });
});

describe('splitStatements: standard_conforming_strings off', () => {
  // From strings.sql of PostgreSQL's regression tests: the setting decides where these literals end.
  const file = [
    'set standard_conforming_strings = off;',
    "select 'a\\\\bcd' as f1, 'a\\\\b\\'cd' as f2, 'a\\\\b\\'''cd' as f3, 'abcd\\\\'   as f4, 'ab\\\\\\'cd' as f5, '\\\\\\\\' as f6;",
    'set standard_conforming_strings = on;',
    "select 'a\\bcd' as f1, 'a\\b''cd' as f2, 'abcd\\'   as f4;",
    'reset standard_conforming_strings;',
  ].join('\n');

  it('the lexer takes backslash escapes in plain literals when told the setting is off', () => {
    const lexer = new SqlLexer("'it\\'s' x");
    lexer.scan(0);
    expect(lexer.end).toBe(5); // 'it\' then s' ... with the setting on
    lexer.standardStrings = false;
    lexer.scan(0);
    expect(lexer.end).toBe(7);
    expect(lexer.kind).toBe('string');
  });

  it('splits the masked file where PostgreSQL does, the masked text parsing the same way with the setting on', () => {
    const masked = maskNonSql(file).text;
    expect(masked.length).toBe(file.length);
    const parts = splitStatements(masked).map((s) => file.slice(s.start, s.end));
    expect(parts).toHaveLength(5);
    expect(parts[1]!.endsWith("'\\\\\\\\' as f6")).toBe(true);
    expect(parts[3]).toBe("select 'a\\bcd' as f1, 'a\\b''cd' as f2, 'abcd\\'   as f4");
  });
});

describe('splitStatements: dollar quotes and parameters', () => {
  it('does not split inside $$ bodies', () => {
    const fn = 'create function f() returns int as $$ begin return 1; end; $$ language plpgsql';
    expect(split(`${fn};\nselect f();`)).toEqual([fn, 'select f()']);
  });

  it('matches tagged dollar quotes exactly, with $$ inside a tagged body', () => {
    const fn = "create function g() returns text as $body$ select $$x;$$; select 'y' $notend$; $body$ language sql";
    expect(split(`${fn};select 2;`)).toEqual([fn, 'select 2']);
    expect(split('do $_1$ begin; end $_1$; select 3')).toEqual(['do $_1$ begin; end $_1$', 'select 3']);
  });

  it('reads $1 as a parameter, not a dollar quote', () => {
    expect(split('select $1; select $2, $10;')).toEqual(['select $1', 'select $2, $10']);
    expect(split('select $1$2; select 3;')).toEqual(['select $1$2', 'select 3']);
  });

  it('treats $ after identifier characters as part of the identifier (foo$$bar)', () => {
    expect(split('select foo$$bar; select 2;')).toEqual(['select foo$$bar', 'select 2']);
  });

  it('runs an unterminated dollar quote to the end of the file', () => {
    const text = 'select 1;\ncreate function f() as $$ begin; select 2;';
    expect(split(text)).toEqual(['select 1', 'create function f() as $$ begin; select 2;']);
  });
});

describe('splitStatements: comments', () => {
  it('nests block comments as PostgreSQL does', () => {
    expect(split('/* a /* b; */ c; */ select 1; select 2')).toEqual(['select 1', 'select 2']);
  });

  it('ignores semicolons in line comments', () => {
    expect(split('select 1 -- ; not here\n, 2; select 3')).toEqual(['select 1 -- ; not here\n, 2', 'select 3']);
  });

  it('extends a statement with an unterminated block comment to EOF', () => {
    const text = 'select 1 /* never closed; select 2;';
    expect(splitStatements(text)).toEqual([{ start: 0, end: text.length, terminatorEnd: text.length }]);
  });

  it('reports an unterminated block comment after the last statement as its own segment', () => {
    const text = 'select 1;\n/* oops; select 2;';
    expect(split(text)).toEqual(['select 1', '/* oops; select 2;']);
  });

  it('runs unterminated strings and identifiers to EOF without throwing', () => {
    expect(split("select 1; select 'abc; select 2;")).toEqual(['select 1', "select 'abc; select 2;"]);
    expect(split('select "abc; select 2;')).toEqual(['select "abc; select 2;']);
    expect(split("select E'abc\\'; select 2;")).toEqual(["select E'abc\\'; select 2;"]);
  });
});

describe('splitStatements: nested statements', () => {
  it('keeps a BEGIN ATOMIC body together, with CASE ... END inside', () => {
    const fn = [
      'CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql',
      'BEGIN ATOMIC',
      '  SELECT CASE WHEN a > 0 THEN 1 ELSE CASE WHEN a < 0 THEN -1 ELSE 0 END END;',
      '  SELECT a + 1;',
      'END',
    ].join('\n');
    expect(split(`${fn};\nSELECT 2;`)).toEqual([fn, 'SELECT 2']);
  });

  it('handles CREATE OR REPLACE PROCEDURE ... BEGIN ATOMIC with comments in between', () => {
    const proc = 'create or replace procedure p() language sql begin /* x */ atomic insert into t values (1); delete from t; end';
    expect(split(`${proc}; call p();`)).toEqual([proc, 'call p()']);
  });

  it('splits a plain BEGIN; ... COMMIT; transaction normally', () => {
    expect(split('BEGIN;\nUPDATE t SET a = 1;\nCOMMIT;\nbegin work; end;')).toEqual([
      'BEGIN',
      'UPDATE t SET a = 1',
      'COMMIT',
      'begin work',
      'end',
    ]);
  });

  it('does not treat BEGIN inside a plpgsql body or a non-routine statement as BEGIN ATOMIC', () => {
    const fn = 'CREATE FUNCTION f() RETURNS void AS $$ BEGIN NULL; END $$ LANGUAGE plpgsql';
    expect(split(`${fn};\nBEGIN;\nSELECT f();\nCOMMIT;`)).toEqual([fn, 'BEGIN', 'SELECT f()', 'COMMIT']);
    expect(split('CREATE TABLE atomic (begin int); BEGIN; SELECT 1;')).toEqual(['CREATE TABLE atomic (begin int)', 'BEGIN', 'SELECT 1']);
  });

  it('keeps the parenthesised action list of CREATE RULE together', () => {
    const rule = 'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (new.id); UPDATE counts SET n = n + 1)';
    expect(split(`${rule};\nSELECT 1;`)).toEqual([rule, 'SELECT 1']);
    const replace = 'create or replace rule r2 as on delete to t do instead (delete from a; delete from b)';
    expect(split(`${replace}; select 2`)).toEqual([replace, 'select 2']);
  });

  it('does not let one missing ) swallow the rest of the file', () => {
    expect(split('SELECT (1;\nSELECT 2;\nSELECT 3;')).toEqual(['SELECT (1', 'SELECT 2', 'SELECT 3']);
  });
});

describe('splitStatements: migration tool markers', () => {
  it('ends a statement at goose StatementEnd even without a semicolon', () => {
    const text = [
      '-- +goose Up',
      '-- +goose StatementBegin',
      'ALTER TABLE t ADD COLUMN c int',
      '-- +goose StatementEnd',
      '',
      '-- +goose Down',
      'ALTER TABLE t DROP COLUMN c;',
    ].join('\n');
    expect(split(text)).toEqual(['ALTER TABLE t ADD COLUMN c int', 'ALTER TABLE t DROP COLUMN c']);
    const first = splitStatements(text)[0]!;
    expect(first.terminatorEnd).toBe(first.end);
  });

  it('ends the up section of a dbmate file at -- migrate:down', () => {
    expect(split('-- migrate:up\ncreate table t (a int)\n-- migrate:down\ndrop table t\n')).toEqual(['create table t (a int)', 'drop table t']);
  });

  it('does not split at ordinary comments or markers after SQL on the same line', () => {
    expect(split('select 1 -- +goose StatementEnd\n, 2;')).toEqual(['select 1 -- +goose StatementEnd\n, 2']);
  });
});

describe('splitStatements: MySQL', () => {
  it('follows DELIMITER changes and does not return the DELIMITER lines', () => {
    const text = [
      'drop procedure if exists p;',
      'DELIMITER //',
      'CREATE PROCEDURE p()',
      'BEGIN',
      '  DECLARE v int;',
      '  SELECT 1 INTO v;',
      'END;',
      '//',
      'DELIMITER ;',
      'CALL p();',
    ].join('\n');
    const segments = splitStatements(text, { dialect: 'mysql' });
    checkInvariants(text, segments);
    expect(segments.map((s) => text.slice(s.start, s.end))).toEqual([
      'drop procedure if exists p',
      'CREATE PROCEDURE p()\nBEGIN\n  DECLARE v int;\n  SELECT 1 INTO v;\nEND',
      'CALL p()',
    ]);
    expect(text.slice(segments[1]!.end, segments[1]!.terminatorEnd)).toBe(';\n//');
  });

  it('finds a $$ delimiter glued to END', () => {
    const text = 'DELIMITER $$\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END$$\ndelimiter ;\nSELECT 1;';
    expect(split(text, 'mysql')).toEqual(['CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END', 'SELECT 1']);
  });

  it('handles # comments, backticks, backslash escapes and double-quoted strings', () => {
    const text = "# comment; here\nselect `a;b`, 'it\\'s;', \"x\\\";y\" from t; -- c;\nselect 2 #;\n;";
    expect(split(text, 'mysql')).toEqual(["select `a;b`, 'it\\'s;', \"x\\\";y\" from t", 'select 2']);
  });

  it('treats /*! ... */ executable comments as SQL', () => {
    expect(split('/*!40101 SET NAMES utf8mb4 */;\n/* plain */;\nselect 1;', 'mysql')).toEqual(['/*!40101 SET NAMES utf8mb4 */', 'select 1']);
  });

  it('has no dollar quotes', () => {
    expect(split('select $$; select 2;', 'mysql')).toEqual(['select $$', 'select 2']);
  });
});

describe('splitStatements: scale', () => {
  it('splits a multi-megabyte file in one pass', () => {
    const statement = "INSERT INTO ad_element (id, name, note) VALUES (1, 'a;b', $$x;y$$); -- c;\n";
    const text = statement.repeat(60_000); // ~4.4 MB
    const segments = splitStatements(text);
    expect(segments).toHaveLength(60_000);
    expect(text.slice(segments[59_999]!.start, segments[59_999]!.end)).toBe(statement.slice(0, statement.indexOf(');') + 1));
  });

  it('handles a huge unterminated string without recursion or quadratic work', () => {
    const text = `select '${'x;'.repeat(1_000_000)}`;
    expect(splitStatements(text)).toEqual([{ start: 0, end: text.length, terminatorEnd: text.length }]);
  });
});
