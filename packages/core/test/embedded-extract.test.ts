// SQL embedded in JS/TS, layers (a) and (b): the ESTree extractor fed with ASTs from @babel/parser.
import { describe, expect, it } from 'vitest';
import {
  type EstreeNode,
  type SqlFragment,
  extractSqlFragments,
  extractSqlFromSource,
  parseHostFile,
  toHostOffset,
  toHostRange,
  toSqlOffset,
} from '../src/embedded/index.ts';

function extract(text: string, filePath = '/project/src/queries.ts', options: Parameters<typeof extractSqlFromSource>[1] = {}): SqlFragment[] {
  return extractSqlFromSource(text, { filePath, ...options });
}

/** The host text a fragment's SQL range maps to. */
function hostSlice(text: string, fragment: SqlFragment, start: number, end: number): string {
  const r = toHostRange(fragment, { start, end });
  return text.slice(r.start, r.end);
}

/** Every SQL offset of a text segment maps to the host character it was copied from. */
function expectTextSegmentsExact(text: string, fragment: SqlFragment): void {
  for (const s of fragment.segments) {
    if (s.kind !== 'text') continue;
    expect(fragment.text.slice(s.sql.start, s.sql.end)).toBe(text.slice(s.host.start, s.host.end));
  }
}

function nodesOfType(root: unknown, type: string): any[] {
  const found: any[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      if ((v as { type?: unknown }).type === type) found.push(v);
      for (const [k, child] of Object.entries(v)) if (k !== 'loc') visit(child);
    }
  };
  visit(root);
  return found;
}

describe('babel ESTree output (layer b) has the shape the extractor reads', () => {
  const text = [
    "import { sql } from 'x';",
    '/* sql */ const q = `SELECT 1`;',
    'const r = sql`SELECT ${a} \\n`;',
    "db?.query('SELECT 2');",
    '// line comment',
  ].join('\n');
  const parsed = parseHostFile(text, { filePath: 'a.ts' })!;

  it('gives an ESTree Program with ranges', () => {
    expect(parsed.program.type).toBe('Program');
    expect(parsed.program.range).toEqual([0, text.length]);
  });

  it('has TaggedTemplateExpression, TemplateLiteral quasis with raw/cooked, Literal, CallExpression/MemberExpression, ChainExpression', () => {
    const tagged = nodesOfType(parsed.program, 'TaggedTemplateExpression')[0];
    expect(tagged.tag).toMatchObject({ type: 'Identifier', name: 'sql' });
    expect(tagged.quasi.type).toBe('TemplateLiteral');
    expect(tagged.quasi.expressions).toHaveLength(1);
    expect(tagged.quasi.quasis.map((q: any) => [q.type, q.value.raw, q.value.cooked, q.tail])).toEqual([
      ['TemplateElement', 'SELECT ', 'SELECT ', false],
      ['TemplateElement', ' \\n', ' \n', true],
    ]);
    // Babel's TemplateElement ranges cover the characters between the delimiters (espree's include them).
    const [first] = tagged.quasi.quasis;
    expect(text.slice(first.range[0], first.range[1])).toBe('SELECT ');
    const literal = nodesOfType(parsed.program, 'Literal').find((l) => l.value === 'SELECT 2');
    expect(literal).toMatchObject({ raw: "'SELECT 2'" });
    expect(text.slice(literal.range[0], literal.range[1])).toBe("'SELECT 2'");
    const chain = nodesOfType(parsed.program, 'ChainExpression')[0];
    expect(chain.expression.type).toBe('CallExpression');
    expect(chain.expression.callee).toMatchObject({ type: 'MemberExpression', computed: false, property: { type: 'Identifier', name: 'query' } });
  });

  it('converts comments to ESTree Block/Line with ranges', () => {
    expect(parsed.comments.map((c) => [c.type, c.value, text.slice(c.range![0], c.range![1])])).toEqual([
      ['Block', ' sql ', '/* sql */'],
      ['Line', ' line comment', '// line comment'],
    ]);
  });

  it('a file that does not parse yields no AST and no fragments, without throwing', () => {
    const broken = 'const a = sql`SELECT * FROM t`;\nconst b = `unterminated';
    expect(parseHostFile(broken, { filePath: 'a.ts' })).toBeUndefined();
    expect(extract(broken)).toEqual([]);
    expect(extract('function (', 'a.js')).toEqual([]);
    expect(extract('sql`SELECT 1`', 'notes.txt')).toEqual([]);
  });

  it('parses TS generics in .ts and JSX in .tsx/.js', () => {
    expect(extract('const x = <T,>(a: T) => a; const q = sql<User>`SELECT id FROM users`;').map((f) => f.text)).toEqual(['SELECT id FROM users']);
    expect(extract('const v = <div>{sql`SELECT 1`}</div>;', '/p/a.tsx').map((f) => f.text)).toEqual(['SELECT 1']);
    expect(extract('const v = <div>{sql`SELECT 2`}</div>;', '/p/a.js').map((f) => f.text)).toEqual(['SELECT 2']);
  });
});

describe('extractSqlFragments (layer a)', () => {
  it('finds every form at its exact position', () => {
    const text = [
      "import { sql } from '@vercel/postgres';", // 1
      'const a = await sql`SELECT id FROM users`;',
      'const b = Prisma.sql`SELECT id FROM orders`;',
      'const c = await prisma.$queryRaw`SELECT 1`;',
      'await prisma.$executeRaw(`DELETE FROM logs WHERE id = 1`);', // 5
      "await prisma.$queryRawUnsafe('SELECT * FROM t WHERE id = $1', id);",
      'const d = /* sql */ `UPDATE users SET a = 1 WHERE id = 2`;',
      "const e = /*SQL*/ 'SELECT 3';",
      "await pool.query('SELECT 4');",
      'await knex.raw(`  -- why\n  /* note */ select 5`);', // 10-11
      "await conn.execute('insert into t values (1)');",
      "await postgres.unsafe('TRUNCATE t');",
      "await db['query']('SELECT 6');",
      "await db?.query('SELECT 7');",
      'const f = sql.type(Row)`SELECT 8`;',
      'const g = slonik.sql.unsafe`SELECT 9`;',
    ].join('\n');
    const fragments = extract(text);
    const seen = fragments.map((f) => [f.origin, f.via, f.text, text.slice(f.contentRange.start, f.contentRange.end)]);
    expect(seen).toEqual([
      ['tag', 'sql', 'SELECT id FROM users', 'SELECT id FROM users'],
      ['tag', 'Prisma.sql', 'SELECT id FROM orders', 'SELECT id FROM orders'],
      ['prisma', 'prisma.$queryRaw', 'SELECT 1', 'SELECT 1'],
      ['prisma', 'prisma.$executeRaw', 'DELETE FROM logs WHERE id = 1', 'DELETE FROM logs WHERE id = 1'],
      ['prisma', 'prisma.$queryRawUnsafe', 'SELECT * FROM t WHERE id = $1', 'SELECT * FROM t WHERE id = $1'],
      ['comment', '/* sql */', 'UPDATE users SET a = 1 WHERE id = 2', 'UPDATE users SET a = 1 WHERE id = 2'],
      ['comment', '/*SQL*/', 'SELECT 3', 'SELECT 3'],
      ['call', 'pool.query', 'SELECT 4', 'SELECT 4'],
      ['call', 'knex.raw', '  -- why\n  /* note */ select 5', '  -- why\n  /* note */ select 5'],
      ['call', 'conn.execute', 'insert into t values (1)', 'insert into t values (1)'],
      ['call', 'postgres.unsafe', 'TRUNCATE t', 'TRUNCATE t'],
      ['call', 'db.query', 'SELECT 6', 'SELECT 6'],
      ['call', 'db.query', 'SELECT 7', 'SELECT 7'],
      ['tag', 'sql.type()', 'SELECT 8', 'SELECT 8'],
      ['tag', 'slonik.sql.unsafe', 'SELECT 9', 'SELECT 9'],
    ]);
    for (const f of fragments) {
      // The literal starts one character before its content, with the quote.
      expect(f.contentRange.start).toBe(f.literalRange.start + 1);
      expect(text[f.literalRange.start]).toBe(f.quote);
      expect(text[f.literalRange.end - 1]).toBe(f.quote);
      expect(f.isStatement).toBe(true);
      expect(f.decoding).toBe('cooked');
    }
    // Exact offsets for one of them, computed independently.
    const knex = fragments.find((f) => f.via === 'knex.raw')!;
    const start = text.indexOf('  -- why');
    expect(knex.contentRange).toEqual({ start, end: start + '  -- why\n  /* note */ select 5'.length });
    expect(knex.literalRange).toEqual({ start: start - 1, end: start + '  -- why\n  /* note */ select 5'.length + 1 });
  });

  it('ignores strings that are not SQL', () => {
    const text = [
      "const s = 'SELECT 1';", // no marker, no call
      'const g = gql`query { user { id } }`;',
      'const h = html`<p>select a plan</p>`;',
      "await db.query('hello world');",
      "await db.query({ text: 'SELECT 1' });",
      "await db.query(name);",
      "await query('SELECT 1');", // a bare function, not a method
      "res.raw('Set-Cookie');",
      "await db.execute('updated');", // `updated` is not `update`
      '// sql',
      "const l = 'SELECT 2';", // a line comment is no marker
      "const m = /* sql */ foo('SELECT 3');", // the marker is not right before the literal
      "const n = `SELECT ${x}`;",
    ].join('\n');
    expect(extract(text)).toEqual([]);
  });

  it('takes tags, methods, keywords and markers from options', () => {
    const text = "const a = q`SELECT 1`; const b = sql`SELECT 2`; db.run('SELECT 3'); db.query('SELECT 4'); const c = /* psql */ 'SELECT 5';";
    const fragments = extract(text, 'a.ts', { tags: ['q'], queryMethods: ['run'], commentMarkers: ['psql'] });
    expect(fragments.map((f) => f.text)).toEqual(['SELECT 1', 'SELECT 3', 'SELECT 5']);
    expect(extract("db.query('VALUES (1)')", 'a.ts', { keywords: ['values'] }).map((f) => f.text)).toEqual(['VALUES (1)']);
  });

  it('replaces interpolations by $1, $2 and maps placeholders to the ${...} ranges', () => {
    const text = "const q = sql`SELECT a FROM t WHERE id = ${user.id} AND b = ${ f({ x: '}' }) } LIMIT 1`;";
    const [f] = extract(text);
    expect(f!.text).toBe('SELECT a FROM t WHERE id = $1 AND b = $2 LIMIT 1');
    expect(f!.placeholders.map((p) => [p.index, f!.text.slice(p.sql.start, p.sql.end), text.slice(p.host.start, p.host.end)])).toEqual([
      [1, '$1', '${user.id}'],
      [2, '$2', "${ f({ x: '}' }) }"],
    ]);
    const p1 = f!.placeholders[0]!;
    // Inside `$1`: a start maps to `${`, an end to just past `}`.
    expect(toHostOffset(f!, p1.sql.start + 1, 'start')).toBe(p1.host.start);
    expect(toHostOffset(f!, p1.sql.start + 1, 'end')).toBe(p1.host.end);
    expect(hostSlice(text, f!, p1.sql.start, p1.sql.end)).toBe('${user.id}');
    expect(hostSlice(text, f!, f!.text.indexOf('id = $1'), f!.text.indexOf(' AND'))).toBe('id = ${user.id}');
    expect(hostSlice(text, f!, f!.text.indexOf('LIMIT'), f!.text.length)).toBe('LIMIT 1');
    // Host -> SQL: inside the interpolation is the placeholder's start.
    expect(toSqlOffset(f!, text.indexOf('user.id'))).toBe(p1.sql.start);
    expect(toSqlOffset(f!, text.indexOf('LIMIT'))).toBe(f!.text.indexOf('LIMIT'));
    expect(toSqlOffset(f!, 0)).toBeUndefined();
    expectTextSegmentsExact(text, f!);
  });

  it('decodes escape sequences to the cooked value and maps around them', () => {
    const text = 'const q = sql`SELECT \'\\u00e9\\u{1F600}\\x41\\`\\${x}\\\\\' AS v,\\\n  * FROM t\\tWHERE target = 1`;';
    const [f] = extract(text);
    expect(f!.text).toBe("SELECT 'é😀A`${x}\\' AS v,  * FROM t\tWHERE target = 1");
    expect(f!.decoding).toBe('cooked');
    expect(f!.placeholders).toEqual([]);
    expect(hostSlice(text, f!, f!.text.indexOf('target'), f!.text.indexOf('target') + 6)).toBe('target');
    const star = f!.text.indexOf('*');
    expect(toHostOffset(f!, star)).toBe(text.indexOf('*'));
    // One escape maps as a whole: the emoji (2 UTF-16 units) is `\u{1F600}` in the host.
    const emoji = f!.text.indexOf('😀');
    expect(hostSlice(text, f!, emoji, emoji + 2)).toBe('\\u{1F600}');
    expect(toHostOffset(f!, emoji + 1, 'start')).toBe(text.indexOf('\\u{1F600}'));
    expectTextSegmentsExact(text, f!);
  });

  it('decodes string literal escapes, including legacy octal in scripts', () => {
    const text = "db.query('SELECT \\'it\\\\s\\' AS a, \\101 AS \"b\", * FROM t');";
    const [f] = extract(text, '/p/a.js');
    expect(f!.text).toBe("SELECT 'it\\s' AS a, A AS \"b\", * FROM t");
    expect(f!.literal).toBe('string');
    expect(f!.quote).toBe("'");
    expect(toHostOffset(f!, f!.text.indexOf('*'))).toBe(text.indexOf('*'));
    expect(hostSlice(text, f!, f!.text.indexOf("'it"), f!.text.indexOf(' AS a'))).toBe("\\'it\\\\s\\'");
  });

  it('keeps the host spelling when a tagged template has an escape with no cooked value', () => {
    const text = "const q = sql`SELECT '\\unicode' AS a, * FROM t`;";
    const [f] = extract(text);
    expect(f!.decoding).toBe('raw');
    expect(f!.text).toBe("SELECT '\\unicode' AS a, * FROM t");
    expect(toHostOffset(f!, f!.text.indexOf('*'))).toBe(text.indexOf('*'));
  });

  it('maps multi-line templates with CRLF line breaks (cooked to LF)', () => {
    const text = ['import { sql } from "x";', 'const q = sql`', '  SELECT id,', '    *', '  FROM users', '  WHERE id = ${id}', '`;', ''].join('\r\n');
    const [f] = extract(text);
    expect(f!.text).toBe('\n  SELECT id,\n    *\n  FROM users\n  WHERE id = $1\n');
    expect(f!.eol).toBe('\r\n');
    expect(toHostOffset(f!, f!.text.indexOf('*'))).toBe(text.indexOf('*'));
    expect(hostSlice(text, f!, f!.text.indexOf('FROM'), f!.text.indexOf('WHERE'))).toBe('FROM users\r\n  ');
    expect(hostSlice(text, f!, f!.text.indexOf('$1'), f!.text.length)).toBe('${id}\r\n');
    expect(toSqlOffset(f!, text.indexOf('FROM'))).toBe(f!.text.indexOf('FROM'));
    // The CR of a CRLF maps to the SQL's LF.
    expect(toSqlOffset(f!, text.indexOf('\r\n    *'))).toBe(f!.text.indexOf('\n    *'));
    expectTextSegmentsExact(text, f!);
  });

  it('maps exactly with non-ASCII and emoji before and inside the template', () => {
    const text = "const s = '😀 é 𝔘'; /* ü */\nconst q = sql`SELECT '🎉ü' AS x, * FROM t WHERE n = 'ñ' AND id = ${id}`;";
    const [f] = extract(text);
    expect(f!.text).toBe("SELECT '🎉ü' AS x, * FROM t WHERE n = 'ñ' AND id = $1");
    expect(toHostOffset(f!, f!.text.indexOf('*'))).toBe(text.indexOf(', * FROM') + 2);
    expect(hostSlice(text, f!, f!.text.indexOf("'ñ'"), f!.text.indexOf("'ñ'") + 3)).toBe("'ñ'");
    expect(f!.contentRange.start).toBe(text.indexOf("SELECT '🎉"));
  });

  it('finds templates nested in interpolations as fragments of their own', () => {
    const text = 'const q = sql`SELECT * FROM t WHERE ${cond ? sql`a = ${x}` : sql`b = ${`y${z}`}`} LIMIT 1`;';
    const fragments = extract(text);
    expect(fragments.map((f) => [f.text, f.isStatement])).toEqual([
      ['SELECT * FROM t WHERE $1 LIMIT 1', true],
      ['a = $1', false],
      ['b = $1', false],
    ]);
    const [outer, a, b] = fragments as [SqlFragment, SqlFragment, SqlFragment];
    expect(text.slice(outer.placeholders[0]!.host.start, outer.placeholders[0]!.host.end)).toBe('${cond ? sql`a = ${x}` : sql`b = ${`y${z}`}`}');
    expect(text.slice(a.placeholders[0]!.host.start, a.placeholders[0]!.host.end)).toBe('${x}');
    expect(text.slice(b.placeholders[0]!.host.start, b.placeholders[0]!.host.end)).toBe('${`y${z}`}');
    expect(toHostOffset(outer, outer.text.indexOf('LIMIT'))).toBe(text.indexOf('LIMIT'));
  });

  it('recognises the /* sql */ marker with whitespace and line breaks, case-insensitively', () => {
    const text = "const a = /* sql */\n  `SELECT 1`;\nconst b = /* SQL */ 'SELECT 2';\nconst c = /*sql*/gql`SELECT 3`;\nconst d = /* sql */ `WHERE a = ${b}`;";
    const fragments = extract(text);
    expect(fragments.map((f) => [f.origin, f.text, f.isStatement])).toEqual([
      ['comment', 'SELECT 1', true],
      ['comment', 'SELECT 2', true],
      ['comment', 'SELECT 3', true],
      ['comment', 'WHERE a = $1', false],
    ]);
  });

  it('reads espree/typescript-eslint TemplateElement ranges (delimiters included) too, and skips templates whose ranges do not check out', () => {
    // espree is not a dependency here: babel's AST is rewritten to espree's convention instead,
    // where each TemplateElement range includes its opening ` or } and its closing ${ or `.
    const text = 'const q = sql`SELECT a, * FROM t WHERE x = ${x} AND y = ${y}`;\nconst r = /* sql */ `SELECT 2`;';
    const reference = extract(text);
    const parsed = parseHostFile(text, { filePath: 'a.ts' })!;
    for (const quasi of nodesOfType(parsed.program, 'TemplateElement')) {
      quasi.range = [quasi.range[0] - 1, quasi.range[1] + (quasi.tail ? 1 : 2)];
      delete quasi.start;
      delete quasi.end;
    }
    const espreeStyle = extractSqlFragments(parsed.program as EstreeNode, text, { comments: parsed.comments });
    expect(espreeStyle).toEqual(reference);
    expect(espreeStyle.map((f) => f.text)).toEqual(['SELECT a, * FROM t WHERE x = $1 AND y = $2', 'SELECT 2']);
    // A range off by one in either convention no longer matches `raw`: no fragment rather than a wrong map.
    const broken = parseHostFile(text, { filePath: 'a.ts' })!;
    const quasi = nodesOfType(broken.program, 'TemplateElement')[1];
    quasi.range = [quasi.range[0] + 1, quasi.range[1]];
    expect(extractSqlFragments(broken.program as EstreeNode, text, { comments: broken.comments }).map((f) => f.text)).toEqual(['SELECT 2']);
  });
});
