import { describe, expect, it } from 'vitest';
import { statementSpans } from '../../src/index.ts';

describe('statementSpans', () => {
  it('gives each statement from its first token to its last, as the engine splits the file', () => {
    const text = [
      '-- +goose Up',
      "\\set name 'a;b'",
      'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;',
      'COPY t FROM stdin;',
      'x;y',
      '\\.',
      "SELECT ';' /* ; */ FROM t",
      '',
    ].join('\n');
    const shown = statementSpans(text).map((span) => text.slice(span.start, span.end));
    expect(shown).toEqual(['CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql', 'COPY t FROM stdin', "SELECT ';' /* ; */ FROM t"]);
  });
});
