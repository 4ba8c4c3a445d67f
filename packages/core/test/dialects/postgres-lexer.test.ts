/**
 * The TypeScript lexer against libpg-query's own scanner (`scanSync`), which it replaces on the
 * parse path: every token's boundaries (UTF-16 and the byte offset of its start), token name and
 * keyword kind must be the same, on hand-written fixtures for each lexical rule, on generated
 * token soup, and on every statement of the real-world corpus (../shared/corpus; skipped with a
 * printed reason where it is absent, except in CI). Texts scanSync rejects are not compared.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModule, scanSync } from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLUMN_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS, UNRESERVED_KEYWORDS } from '../../src/dialects/postgres/keywords.ts';
import { lexPostgres } from '../../src/dialects/postgres/lexer.ts';
import { ByteOffsetMap } from '../../src/source/line-index.ts';
import { maskNonSql } from '../../src/source/mask.ts';
import { splitStatements } from '../../src/source/split.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const CORPUS = path.resolve(here, '../../../../../shared/corpus');
const CORPUS_DIRS = ['pg-migrations', 'pg-regress', 'queries/pg'];

beforeAll(async () => {
  await loadModule();
});

interface Comparable {
  start: number;
  end: number;
  byteStart: number;
  kind: string;
  keywordKind: number;
}

/** scanSync's tokens in the lexer's terms, or undefined where scanSync rejects the text. */
function reference(text: string): Comparable[] | undefined {
  let tokens: Array<{ start: number; end: number; tokenName: string; keywordKind: number }>;
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return undefined;
  }
  const bytes = new ByteOffsetMap(text);
  return tokens.map((t) => ({ start: bytes.toUtf16(t.start), end: bytes.toUtf16(t.end), byteStart: t.start, kind: t.tokenName, keywordKind: t.keywordKind }));
}

function ours(text: string): Comparable[] {
  return lexPostgres(text).tokens.map(({ start, end, byteStart, kind, keywordKind }) => ({ start, end, byteStart, kind, keywordKind }));
}

/** The first difference between the lexer and scanSync on a text, or undefined (also when scanSync rejects it). */
function difference(text: string): string | undefined {
  const theirs = reference(text);
  if (!theirs) return undefined;
  const mine = ours(text);
  const show = (t: Comparable | undefined): string => (t ? `${JSON.stringify(text.slice(t.start, t.end))} ${JSON.stringify(t)}` : 'nothing');
  for (let i = 0; i < Math.max(mine.length, theirs.length); i++) {
    const a = mine[i];
    const b = theirs[i];
    if (!a || !b || a.start !== b.start || a.end !== b.end || a.byteStart !== b.byteStart || a.kind !== b.kind || a.keywordKind !== b.keywordKind) {
      return `token ${i}: lexer ${show(a)}, scanSync ${show(b)}`;
    }
  }
  return undefined;
}

function expectSame(text: string): void {
  expect(reference(text), `scanSync rejects ${JSON.stringify(text)}`).toBeDefined();
  expect(difference(text), JSON.stringify(text)).toBeUndefined();
}

const FIXTURES: Record<string, string[]> = {
  'white space and comments': [
    'select 1',
    ' \t\n\r\f\u000bselect\n1 ',
    'select -- a comment\n1 --last',
    'a--b\r\nc',
    '/* a */ b /* nested /* inner */ still */ c',
    '/*/ */x /* ** / **/y /***/z /**/w',
    'a/*b*/c',
    'a+--x\nb',
    "'a'--x\n'b'",
  ],
  identifiers: [
    'abc Abc ABC _a a1 a$b a$1 select$1 $a',
    'café naïve 表 "é" é.x',
    '"quoted" "with ""quotes""" "a b" "Mixed"',
    'U&"d\\0061t\\+000061" u&"x" UESCAPE \'!\'',
    'x.y.z t.* a.b',
    'n nchar b x e u u&x',
    'current_date "current_date" CURRENT_DATE Current_Date',
  ],
  strings: [
    "'abc' 'it''s' '' 'a\\'",
    "E'a\\'b' e'\\\\' E'\\n\\t' e'a''b\\''",
    "E'a\\\nb'",
    "B'1010' b'' X'1F' x'ab' N'national' n'x'",
    "U&'d\\0061t' u&'x' UESCAPE '!'",
    "b'1''0'",
    "'café' E'naïve' '表'",
  ],
  'string continuation': [
    "'a'\n'b'",
    "'a'  \n  'b'",
    "'a'\r'b'",
    "'a'\t\n\t'b'",
    "'a' 'b'",
    "'a'\n-- c\n'b'",
    "'a'\n/* c */\n'b'",
    "b'1'\n'0'",
    "x'1F'\n'AB'",
    "e'a'\n'\\\\'",
    "U&'a'\n'b'",
    "'a'\n'b'\n'c' 'd'",
  ],
  'dollar quotes and parameters': [
    '$$a$$ $x$b$x$ $1 $12 a$b',
    '$a$ x $b$ $a$',
    '$$$$ $a$$a$ $_$x$_$ $é$x$é$',
    '$a$x$ba$y$a$',
    '$body$ select 1; $$ inner $$ $body$',
    '$1$ $1a $1_2 $1.5 $ a',
  ],
  numbers: [
    '1 12 1.5 1. .5 1e5 1E+5 1.5e-3 1.e5',
    '1..2 1 .. 2 x..y 1...2 1.2.3 1.5.a',
    '0x1F 0X1f 0o17 0O17 0b101 0B1 0x_1 0x1F_FF',
    '1_000 1_000_000 1_000.5_0e1_0',
    '2147483647 2147483648 12345678901 0x7FFFFFFF 0x80000000 1_000_000_000_000 08',
    'x.1 a.1',
  ],
  operators: [
    '<=> =- =+ @- *- <- !=- >= => := :: ::: ! !! \\ { } # ` || |/ ~* ?-| -5 <>',
    'x=-1 x<-1 x-+1 x=>1 x!-1 x?+1 x%-1 x&&-1',
    "x->>'a' x#>>'{a}' x@>y x<@y x::text[] $1::int",
    '+-/*c*/ a*/b */ a<=b a>=b a<>b a!=b a=b',
    'a ? b ?| ?& @@ ~~ !~~* ^ % * /',
    '(a, b); [1:2] arr[1]',
    ':name :\'name\' :"name" a:=1',
  ],
  keywords: [
    'SELECT select Select sElEcT',
    'create table if not exists t (id int primary key)',
    'alter table t add column c text default null not null',
    'with recursive x as (select 1) select * from x order by 1 desc nulls last',
  ],
};

describe('the PostgreSQL lexer gives the tokens of libpg-query scanSync', () => {
  for (const [name, texts] of Object.entries(FIXTURES)) {
    it(name, () => {
      for (const text of texts) expectSame(text);
    });
  }

  it('texts the server rejects are flagged, and still lexed', () => {
    const rejected = ["'unterminated", '/* unterminated', '"unterminated', '$a$ unterminated', 'E\'x\\', '""', 'U&""', '1a', '1_', '0x', '0b102', '1e', '1e+', '1.x'];
    for (const text of rejected) {
      expect(reference(text), text).toBeUndefined();
      const lexed = lexPostgres(text);
      expect(lexed.failed, text).toBe(true);
      expect(lexed.tokens.length, text).toBeGreaterThan(0);
    }
    expect(lexPostgres('select 1').failed).toBe(false);
  });

  it('every keyword of the table, in either case, has the keyword kind scanSync gives it', () => {
    const words = [...UNRESERVED_KEYWORDS, ...COLUMN_NAME_KEYWORDS, ...TYPE_FUNC_NAME_KEYWORDS, ...RESERVED_KEYWORDS];
    expect(words.length).toBeGreaterThan(450);
    expectSame(words.join(' '));
    expectSame(words.map((w) => w.toUpperCase()).join('\n'));
  });

  it('non-ASCII text: UTF-16 offsets and byte offsets of token starts', () => {
    const text = "select 'ü' as \"Ä\", 表 from t -- ç\n/* 😀 */ where x = '😀' and \ud800 = 1";
    expectSame(text);
    const lexed = lexPostgres(text, { base: 100 });
    expect(lexed.ascii).toBe(false);
    const where = lexed.tokens.find((t) => t.text === 'where')!;
    expect(where.start).toBe(100 + text.indexOf('where'));
    expect(where.byteStart).toBe(Buffer.byteLength(text.slice(0, text.indexOf('where'))));
    expect(lexPostgres('select 1').ascii).toBe(true);
  });

  it('token texts come from the source text when the lexed text is a same-length rewrite', () => {
    const lexed = lexPostgres("select $1    from t where a = '___'", { base: 10, source: "select :name from t where a = :'xy'" });
    expect(lexed.tokens.map((t) => t.text)).toEqual(['select', ':n', 'from', 't', 'where', 'a', '=', ":'xy'"]);
    expect(lexed.tokens[0]!.start).toBe(10);
  });

  it('generated token soup', () => {
    const fragments = [
      ' ', '\n', '\t', 'a', 'B', 'é', '表', '_', '$', '1', '0', '9', '.', ',', ';', ':', '(', ')', '[', ']', "'", '"', '\\',
      '-', '+', '*', '/', '<', '>', '=', '!', '@', '#', '~', '^', '&', '|', '`', '?', '%', 'e', 'E', 'x', 'X', 'n', 'u', 'U&',
      'b', 'o', '_', '--', '/*', '*/', '$$', '$q$', "''", '""', 'select', 'SELECT', 'from', 'int', '0x', '1e', '\r\n', '😀',
    ];
    let seed = 13;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let compared = 0;
    const differences: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      let text = '';
      const length = 1 + random(12);
      for (let i = 0; i < length; i++) text += fragments[random(fragments.length)];
      if (!reference(text)) continue;
      compared++;
      const diff = difference(text);
      if (diff) differences.push(`${JSON.stringify(text)}: ${diff}`);
    }
    expect(differences.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(2000);
  });
});

function sqlFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) sqlFiles(p, out);
    else if (entry.isFile() && entry.name.endsWith('.sql')) out.push(p);
  }
  return out;
}

function corpusSkipReason(): string | undefined {
  if (existsSync(CORPUS)) return undefined;
  // The corpus is read-only data beside the checkout, which .ci/run cannot install: like the other
  // corpus tests, its absence skips with a printed reason, in CI too.
  const reason = `corpus ${CORPUS} not found; skipping the lexer's corpus comparison`;
  console.warn(reason);
  return reason;
}

describe.skipIf(corpusSkipReason() !== undefined)('the PostgreSQL lexer on the corpus', () => {
  it('gives scanSync\'s tokens for every statement scanSync accepts', () => {
    expect(existsSync(CORPUS), `${CORPUS} is missing`).toBe(true);
    let compared = 0;
    let rejected = 0;
    const differences: string[] = [];
    for (const dir of CORPUS_DIRS) {
      const root = path.join(CORPUS, dir);
      if (!existsSync(root)) continue;
      for (const file of sqlFiles(root).sort()) {
        const masked = maskNonSql(readFileSync(file, 'utf8')).text;
        for (const segment of splitStatements(masked, { dialect: 'postgresql' })) {
          const text = masked.slice(segment.start, segment.end);
          if (!reference(text)) {
            rejected++;
            continue;
          }
          compared++;
          const diff = difference(text);
          if (diff) differences.push(`${path.relative(CORPUS, file)} at ${segment.start}: ${diff}`);
        }
      }
    }
    console.log(`lexer vs scanSync on the corpus: ${compared} statements compared, ${rejected} that scanSync rejects skipped, ${differences.length} different`);
    expect(differences.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(50_000);
  }, 300_000);
});
