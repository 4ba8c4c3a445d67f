/**
 * Input generators. Each input is a pure function of (seed, index): `generate` draws the
 * generator and everything else from `Rng.forInput(seed, index)`, so `--only <index>` replays it.
 *
 * - mutate: a real file of the corpus, mutated at statement, token and byte level.
 * - grammar: a sequence of DDL/DML statements the catalog replays, over a small pool of names so
 *   that tables, indexes, columns, constraints and schemas collide, move and disappear.
 * - patho: targeted pathological inputs (many statements, deep nesting, unterminated comments and
 *   quotes, long IN lists, huge identifiers, NUL bytes, astral characters near excerpt limits).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Rng } from './rng.ts';
import { identifiers, statements, tokens } from './sql-text.ts';

/**
 * Identifiers short enough to put in a pattern: an earlier mutation may have made one 100,000
 * characters long, which is too large for a regular expression (the harness crashed at input 86,091).
 */
function patternIdentifiers(text: string): string[] {
  return identifiers(text).filter((id) => id.length <= 1000);
}

export type GeneratorName = 'mutate' | 'grammar' | 'patho';
export const GENERATOR_NAMES: readonly GeneratorName[] = ['mutate', 'grammar', 'patho'];

export interface FuzzInput {
  index: number;
  generator: GeneratorName;
  /** What was done, for the report (e.g. the corpus file and the mutations). */
  label: string;
  bytes: Buffer;
  /** Linted under a migrations/ path (migration rules on) or not. */
  migration: boolean;
}

// ---------------------------------------------------------------------------------------------
// Corpus

export class Corpus {
  readonly files: string[] = [];

  constructor(dirs: readonly string[], private readonly maxBytes = 64 * 1024) {
    for (const dir of dirs) this.walk(dir);
    this.files.sort();
  }

  private walk(dir: string): void {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) this.walk(full);
      else if (entry.isFile() && /\.(sql|psql)$/.test(entry.name) && statSync(full).size > 0) this.files.push(full);
    }
  }

  /** A file's text; a large file gives a window of whole statements of at most `maxBytes`. */
  text(file: string, rng: Rng): string {
    const text = readFileSync(file, 'utf8');
    if (text.length <= this.maxBytes) return text;
    const all = statements(text);
    let start = rng.int(0, all.length - 1);
    let out = '';
    while (start < all.length && out.length + all[start]!.length <= this.maxBytes) out += all[start++]!;
    return out || text.slice(0, this.maxBytes);
  }
}

// ---------------------------------------------------------------------------------------------
// (a) Mutation

const SNIPPETS = [
  ';', ';;', "'", '"', '/*', '*/', '/* /* */', '--', '\n--', '$$', '$x$', '$$;', 'E\'\\', "U&'\\0041", '(', ')', '((', '))', ',', '.', '::', '[', ']',
  ' SELECT ', ' FROM ', ' WHERE ', ' AND ', ' NOT NULL ', ' DEFAULT ', ' CONCURRENTLY ', ' IF EXISTS ', ' CASCADE ', ' BEGIN; ', ' COMMIT; ', ' ROLLBACK; ',
  'CREATE TABLE ', 'ALTER TABLE ', 'DROP TABLE ', 'CREATE INDEX ', ' ADD COLUMN ', ' RENAME TO ', ' SET SCHEMA public ', ' PRIMARY KEY ', ' REFERENCES ',
  ' WITH RECURSIVE ', ' UNION ALL ', ' RETURNING * ', ' LATERAL ', ' USING ', ' $1 ', ' @ ', ' \\gset ', '\\', '\t', '\r', '\r\n', '\u2028', '\u00a0', '\u200b',
  '😀', '𝔘', 'é', 'e\u0301', '\u{10ffff}', '-- sqlwarden-ignore-next-line\n', '-- sqlwarden-ignore-line no-such-rule\n', '/* sqlwarden-ignore-file */',
  '-- +goose Up\n', '-- +goose Down\n', '-- +goose StatementBegin\n', '-- +goose StatementEnd\n', '-- migrate:up\n', '-- migrate:down\n',
];

/** Byte sequences that are not valid UTF-8 or that change the decoding. */
const BAD_BYTES: Buffer[] = [
  Buffer.from([0]),
  Buffer.from([0xff]),
  Buffer.from([0xc3]),
  Buffer.from([0xed, 0xa0, 0xbd]), // a UTF-8-encoded lone surrogate (CESU-8)
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xf0, 0x9f, 0x98]),
  Buffer.from([0xc0, 0xaf]), // overlong
  Buffer.from([0xef, 0xbb, 0xbf]), // a BOM in the middle
];

type TextMutation = (text: string, rng: Rng, corpus: Corpus) => [string, string];

const withStatements = (text: string, f: (list: string[]) => string): string => {
  const list = statements(text);
  return list.length === 0 ? text : f(list);
};

const TEXT_MUTATIONS: ReadonlyArray<readonly [number, TextMutation]> = [
  [3, (text, rng) => ['delete-stmt', withStatements(text, (l) => (l.splice(rng.int(0, l.length - 1), rng.int(1, 3)), l.join('')))]],
  [3, (text, rng) => ['dup-stmt', withStatements(text, (l) => {
    const at = rng.int(0, l.length - 1);
    l.splice(at, 0, ...Array<string>(rng.logInt(1, 50)).fill(l[at]!.endsWith('\n') ? l[at]! : `${l[at]!}\n`));
    return l.join('');
  })]],
  [3, (text, rng) => ['swap-stmt', withStatements(text, (l) => {
    const a = rng.int(0, l.length - 1);
    const b = rng.int(0, l.length - 1);
    [l[a], l[b]] = [l[b]!, l[a]!];
    return l.join('');
  })]],
  [3, (text, rng, corpus) => {
    const other = corpus.text(rng.pick(corpus.files), rng);
    const donors = statements(other);
    return ['splice-stmt', withStatements(text, (l) => (l.splice(rng.int(0, l.length), 0, ...Array.from({ length: rng.int(1, 4) }, () => rng.pick(donors))), l.join('')))];
  }],
  [4, (text, rng) => {
    const t = tokens(text);
    if (t.length === 0) return ['delete-tokens', text];
    const at = rng.int(0, t.length - 1);
    t.splice(at, rng.logInt(1, 40));
    return ['delete-tokens', t.join('')];
  }],
  [3, (text, rng) => {
    const t = tokens(text);
    if (t.length === 0) return ['dup-tokens', text];
    const at = rng.int(0, t.length - 1);
    const len = rng.logInt(1, 40);
    t.splice(rng.int(0, t.length), 0, ...t.slice(at, at + len));
    return ['dup-tokens', t.join('')];
  }],
  [2, (text, rng) => {
    const t = tokens(text);
    if (t.length < 2) return ['swap-tokens', text];
    const a = rng.int(0, t.length - 1);
    const b = rng.int(0, t.length - 1);
    [t[a], t[b]] = [t[b]!, t[a]!];
    return ['swap-tokens', t.join('')];
  }],
  [6, (text, rng) => {
    const t = tokens(text);
    const snippet = rng.pick(SNIPPETS);
    t.splice(rng.int(0, t.length), 0, snippet);
    return [`insert ${JSON.stringify(snippet)}`, t.join('')];
  }],
  [2, (text, rng) => {
    const at = rng.int(0, text.length);
    const snippet = rng.pick(SNIPPETS);
    return [`insert-anywhere ${JSON.stringify(snippet)}`, text.slice(0, at) + snippet + text.slice(at)];
  }],
  [2, (text, rng) => {
    const ids = patternIdentifiers(text);
    if (ids.length < 2) return ['rename-id', text];
    const from = rng.pick(ids);
    const to = rng.pick(ids);
    return [`rename-id ${from}->${to}`, text.replace(new RegExp(`\\b${from}\\b`, 'g'), to)];
  }],
  [1, (text, rng) => {
    const ids = patternIdentifiers(text);
    if (ids.length === 0) return ['huge-id', text];
    const from = rng.pick(ids);
    const huge = rng.chance(0.5) ? 'x'.repeat(rng.logInt(64, 100_000)) : `"${'q'.repeat(rng.logInt(64, 100_000))}"`;
    return ['huge-id', text.replace(new RegExp(`\\b${from}\\b`), huge)];
  }],
  [2, (text, rng) => ['truncate', text.slice(0, rng.int(0, text.length))]],
  [1, (text) => ['crlf', text.replace(/\r?\n/g, '\r\n')]],
  [1, (text) => ['cr-only', text.replace(/\r?\n/g, '\r')]],
  [1, (text, rng) => ['case', rng.chance(0.5) ? text.toUpperCase() : text.toLowerCase()]],
  [1, (text, rng) => {
    // Astral characters right where excerpts are likely cut (around 40..200 code units in).
    const t = statements(text);
    if (t.length === 0) return ['astral', text];
    const at = rng.int(0, t.length - 1);
    const s = t[at]!;
    const pos = Math.min(s.length, rng.int(20, 240));
    t[at] = s.slice(0, pos) + '😀'.repeat(rng.int(1, 4)) + s.slice(pos);
    return ['astral', t.join('')];
  }],
];

type ByteMutation = (bytes: Buffer, rng: Rng) => [string, Buffer];

const BYTE_MUTATIONS: ReadonlyArray<readonly [number, ByteMutation]> = [
  [3, (b, rng) => {
    const bad = rng.pick(BAD_BYTES);
    // Half the time past the first 8 KiB, where the binary sniffing stops.
    const at = b.length > 8192 && rng.chance(0.5) ? rng.int(8192, b.length) : rng.int(0, b.length);
    return [`bytes ${bad.toString('hex')}@${at}`, Buffer.concat([b.subarray(0, at), bad, b.subarray(at)])];
  }],
  [1, (b) => ['bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b])]],
  [1, (b, rng) => ['truncate-bytes', b.subarray(0, rng.int(0, b.length))]],
  [1, (b, rng) => {
    const text = b.toString('utf8');
    const le = Buffer.from(`\ufeff${text}`, 'utf16le');
    if (rng.chance(0.5)) return ['utf16le', le];
    return ['utf16be', Buffer.from(le).swap16()];
  }],
];

function mutate(rng: Rng, corpus: Corpus): { label: string; bytes: Buffer } {
  const file = rng.pick(corpus.files);
  let text = corpus.text(file, rng);
  const ops: string[] = [];
  const count = rng.weighted([[5, 1], [3, 2], [2, 3], [1, 6]] as const);
  for (let i = 0; i < count; i++) {
    const [label, out] = rng.weighted(TEXT_MUTATIONS)(text, rng, corpus);
    ops.push(label.length > 60 ? `${label.slice(0, 57)}...` : label);
    text = out;
  }
  let bytes: Buffer = Buffer.from(text, 'utf8');
  if (rng.chance(0.12)) {
    const [label, out] = rng.weighted(BYTE_MUTATIONS)(bytes, rng);
    ops.push(label);
    bytes = out;
  }
  return { label: `${path.basename(path.dirname(file))}/${path.basename(file)}: ${ops.join(', ')}`, bytes };
}

// ---------------------------------------------------------------------------------------------
// (b) Generated statement sequences

const SCHEMAS = ['public', 's1'];
const TABLES = ['p1', 'p2', 't'];
const COLUMNS = ['id', 'a', 'b'];
const INDEXES = ['i', 'i2', 'p1_pkey', 'p1_a_key'];
const CONSTRAINTS = ['k', 'k2', 'p1_pkey'];
const TYPES = ['int', 'bigint', 'text', 'varchar(10)', 'timestamptz', 'boolean', 'numeric(10,2)', 'jsonb', 'uuid'];

function grammarStatement(rng: Rng): string {
  const table = (): string => (rng.chance(0.25) ? `${rng.pick(SCHEMAS)}.${rng.pick(TABLES)}` : rng.pick(TABLES));
  const col = (): string => rng.pick(COLUMNS);
  const type = (): string => rng.pick(TYPES);
  const columnDef = (name: string): string => {
    const kind = rng.weighted([
      [5, () => type()],
      [2, () => rng.pick(['serial', 'bigserial'])],
      [1, () => `${rng.pick(['int', 'bigint'])} GENERATED ${rng.pick(['ALWAYS', 'BY DEFAULT'])} AS IDENTITY`],
    ] as const)();
    const extras = [
      rng.chance(0.2) ? ' NOT NULL' : '',
      rng.chance(0.15) ? ` DEFAULT ${rng.pick(['0', "''", 'now()', 'gen_random_uuid()', "nextval('sq')"])}` : '',
      rng.chance(0.15) ? ' PRIMARY KEY' : '',
      rng.chance(0.1) ? ' UNIQUE' : '',
      rng.chance(0.1) ? ` REFERENCES ${table()} (${col()})${rng.chance(0.3) ? ' ON DELETE CASCADE' : ''}` : '',
      rng.chance(0.05) ? ` CHECK (${name} IS NOT NULL)` : '',
    ];
    return `${name} ${kind}${extras.join('')}`;
  };
  const constraintDef = (): string =>
    rng.weighted([
      [2, () => `PRIMARY KEY (${col()})`],
      [2, () => `UNIQUE (${col()}${rng.chance(0.3) ? `, ${col()}` : ''})`],
      [2, () => `FOREIGN KEY (${col()}) REFERENCES ${table()} (${col()})`],
      [1, () => `CHECK (${col()} > 0)`],
    ] as const)();
  const cols = (): string => {
    const names = [...new Set(Array.from({ length: rng.int(1, 3) }, col))];
    const defs = names.map(columnDef);
    if (rng.chance(0.3)) defs.push(`${rng.chance(0.5) ? `CONSTRAINT ${rng.pick(CONSTRAINTS)} ` : ''}${constraintDef()}`);
    return defs.join(', ');
  };
  return rng.weighted<() => string>([
    [8, () => `CREATE TABLE ${rng.chance(0.2) ? 'IF NOT EXISTS ' : ''}${table()} (${cols()})`],
    [1, () => `CREATE TABLE ${table()} (LIKE ${table()} INCLUDING ALL)`],
    [1, () => `CREATE TABLE ${table()} AS SELECT * FROM ${table()}`],
    [6, () => `CREATE ${rng.chance(0.3) ? 'UNIQUE ' : ''}INDEX ${rng.chance(0.4) ? 'CONCURRENTLY ' : ''}${rng.chance(0.2) ? 'IF NOT EXISTS ' : ''}${rng.pick(INDEXES)} ON ${table()} (${col()})`],
    [5, () => `ALTER TABLE ${table()} ADD COLUMN ${rng.chance(0.2) ? 'IF NOT EXISTS ' : ''}${columnDef(col())}`],
    [3, () => `ALTER TABLE ${table()} DROP COLUMN ${rng.chance(0.2) ? 'IF EXISTS ' : ''}${col()}${rng.chance(0.2) ? ' CASCADE' : ''}`],
    [3, () => `ALTER TABLE ${table()} RENAME COLUMN ${col()} TO ${col()}`],
    [4, () => `ALTER TABLE ${rng.chance(0.2) ? 'IF EXISTS ' : ''}${table()} RENAME TO ${rng.pick(TABLES)}`],
    [4, () => `ALTER TABLE ${table()} SET SCHEMA ${rng.pick(SCHEMAS)}`],
    [4, () => `ALTER TABLE ${table()} ADD ${rng.chance(0.6) ? `CONSTRAINT ${rng.pick(CONSTRAINTS)} ` : ''}${constraintDef()}${rng.chance(0.3) ? ' NOT VALID' : ''}`],
    [1, () => `ALTER TABLE ${table()} ADD CONSTRAINT ${rng.pick(CONSTRAINTS)} ${rng.pick(['PRIMARY KEY', 'UNIQUE'])} USING INDEX ${rng.pick(INDEXES)}`],
    [2, () => `ALTER TABLE ${table()} VALIDATE CONSTRAINT ${rng.pick(CONSTRAINTS)}`],
    [2, () => `ALTER TABLE ${table()} DROP CONSTRAINT ${rng.chance(0.3) ? 'IF EXISTS ' : ''}${rng.pick(CONSTRAINTS)}`],
    [1, () => `ALTER TABLE ${table()} RENAME CONSTRAINT ${rng.pick(CONSTRAINTS)} TO ${rng.pick(CONSTRAINTS)}`],
    [3, () => `ALTER TABLE ${table()} ALTER COLUMN ${col()} ${rng.pick(['TYPE bigint', 'TYPE text', 'SET NOT NULL', 'DROP NOT NULL', 'DROP DEFAULT', 'SET DEFAULT 1', "SET DEFAULT nextval('p1_id_seq')", 'ADD GENERATED ALWAYS AS IDENTITY', 'DROP IDENTITY IF EXISTS', 'TYPE int USING id::int'])}`],
    [1, () => `ALTER TABLE ${table()} ${rng.pick(['ENABLE ROW LEVEL SECURITY', 'OWNER TO postgres', 'SET (fillfactor = 70)', 'SET LOGGED', 'SET UNLOGGED'])}`],
    [3, () => `DROP TABLE ${rng.chance(0.4) ? 'IF EXISTS ' : ''}${table()}${rng.chance(0.3) ? ` , ${table()}` : ''}${rng.chance(0.3) ? ' CASCADE' : ''}`],
    [2, () => `DROP INDEX ${rng.chance(0.3) ? 'CONCURRENTLY ' : ''}${rng.chance(0.3) ? 'IF EXISTS ' : ''}${rng.chance(0.2) ? `${rng.pick(SCHEMAS)}.` : ''}${rng.pick(INDEXES)}`],
    [2, () => `ALTER INDEX ${rng.chance(0.2) ? 'IF EXISTS ' : ''}${rng.pick(INDEXES)} RENAME TO ${rng.pick(INDEXES)}`],
    [2, () => `CREATE SCHEMA ${rng.chance(0.3) ? 'IF NOT EXISTS ' : ''}${rng.pick(SCHEMAS)}`],
    [1, () => `DROP SCHEMA ${rng.chance(0.3) ? 'IF EXISTS ' : ''}${rng.pick(SCHEMAS)}${rng.chance(0.5) ? ' CASCADE' : ''}`],
    [1, () => `ALTER SCHEMA ${rng.pick(SCHEMAS)} RENAME TO ${rng.pick(SCHEMAS)}`],
    [2, () => `CREATE ${rng.chance(0.3) ? 'OR REPLACE ' : ''}${rng.chance(0.2) ? 'MATERIALIZED ' : ''}VIEW v AS SELECT ${rng.chance(0.5) ? '*' : col()} FROM ${table()}`],
    [1, () => `DROP ${rng.chance(0.2) ? 'MATERIALIZED ' : ''}VIEW ${rng.chance(0.3) ? 'IF EXISTS ' : ''}v${rng.chance(0.3) ? ' CASCADE' : ''}`],
    [1, () => `ALTER VIEW v RENAME TO ${rng.pick(TABLES)}`],
    [1, () => `CREATE SEQUENCE ${rng.chance(0.3) ? 'IF NOT EXISTS ' : ''}${rng.pick(['sq', 'p1_id_seq'])}`],
    [1, () => `ALTER SEQUENCE ${rng.pick(['sq', 'p1_id_seq'])} ${rng.pick([`OWNED BY ${table()}.${col()}`, 'RENAME TO sq2', 'OWNED BY NONE', 'RESTART WITH 10'])}`],
    [1, () => `DROP SEQUENCE ${rng.chance(0.5) ? 'IF EXISTS ' : ''}${rng.pick(['sq', 'p1_id_seq'])}`],
    [3, () => rng.pick(['BEGIN', 'COMMIT', 'ROLLBACK', 'START TRANSACTION', 'SAVEPOINT x', 'ROLLBACK TO SAVEPOINT x', 'SET lock_timeout = 1000', "SET statement_timeout = '5s'"])],
    [2, () => `INSERT INTO ${table()} (${col()}) VALUES (1)${rng.chance(0.3) ? ' ON CONFLICT DO NOTHING' : ''}`],
    [2, () => `UPDATE ${table()} SET ${col()} = 1${rng.chance(0.6) ? ` WHERE ${col()} = 2` : ''}`],
    [1, () => `DELETE FROM ${table()}${rng.chance(0.6) ? ` WHERE ${col()} = 2` : ''}`],
    [2, () => `SELECT ${rng.chance(0.5) ? '*' : col()} FROM ${table()}${rng.chance(0.5) ? ` WHERE ${col()} ${rng.pick(['= 1', 'IS NULL', "LIKE '%x'", 'IN (1, 2)', '::text = 1'])}` : ''}`],
    [1, () => `COMMENT ON ${rng.pick([`TABLE ${table()}`, `COLUMN ${table()}.${col()}`, `INDEX ${rng.pick(INDEXES)}`])} IS 'x'`],
    [1, () => `GRANT SELECT ON ${table()} TO PUBLIC`],
    [1, () => `CREATE TABLE ${table()} (${col()} int) PARTITION BY RANGE (${col()})`],
    [1, () => `CREATE TABLE ${table()} PARTITION OF ${table()} FOR VALUES FROM (1) TO (10)`],
    [1, () => `ALTER TABLE ${table()} ATTACH PARTITION ${table()} FOR VALUES FROM (1) TO (10)`],
    [1, () => `TRUNCATE ${table()}`],
    [1, () => `REINDEX ${rng.pick(['TABLE', 'INDEX'])} ${rng.pick([...TABLES, ...INDEXES])}`],
    [1, () => `CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`],
    [1, () => `CREATE TRIGGER tr BEFORE INSERT ON ${table()} FOR EACH ROW EXECUTE FUNCTION f()`],
  ])();
}

function grammar(rng: Rng): { label: string; bytes: Buffer } {
  const count = rng.weighted([[6, rng.int(2, 6)], [3, rng.int(7, 20)], [1, rng.int(21, 60)]] as const);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`${grammarStatement(rng)};`);
  const sep = rng.chance(0.8) ? '\n' : ' ';
  return { label: `${count} generated statements`, bytes: Buffer.from(`${out.join(sep)}\n`, 'utf8') };
}

// ---------------------------------------------------------------------------------------------
// (c) Pathological inputs

const repeat = (n: number, f: (i: number) => string): string => {
  const parts: string[] = new Array(n);
  for (let i = 0; i < n; i++) parts[i] = f(i);
  return parts.join('');
};

const PATHOLOGICAL: ReadonlyArray<readonly [number, (rng: Rng) => [string, string | Buffer]]> = [
  [3, (rng) => {
    const n = rng.logInt(500, 20_000);
    const stmt = rng.pick(['BEGIN;\n', 'SELECT 1;\n', 'COMMIT;\n', ';\n', 'SET lock_timeout = 1;\n']);
    return [`${n} × ${JSON.stringify(stmt.trim())}`, repeat(n, () => stmt)];
  }],
  [3, (rng) => {
    const n = rng.logInt(500, 20_000);
    const kind = rng.int(0, 3);
    const make = [
      (i: number) => `ALTER TABLE t ADD COLUMN c${i} int;\n`,
      (i: number) => `CREATE INDEX i${i} ON t (a);\n`,
      (i: number) => `CREATE TABLE t${i} (id int PRIMARY KEY, a text);\n`,
      (i: number) => `ALTER TABLE t ADD CONSTRAINT k${i} CHECK (a > ${i}) NOT VALID;\n`,
    ][kind]!;
    return [`${n} DDL statements (kind ${kind}) on one table`, `CREATE TABLE t (a int);\n${repeat(n, make)}`];
  }],
  [2, (rng) => {
    const d = rng.logInt(50, 5_000);
    return [`${d} nested parentheses`, `SELECT ${'('.repeat(d)}1${')'.repeat(d)};\n`];
  }],
  [1, (rng) => {
    const d = rng.logInt(10, 1_000);
    return [`${d} nested subqueries`, `SELECT * FROM ${repeat(d, () => '(SELECT * FROM ')}t${repeat(d, (i) => `) s${i}`)};\n`];
  }],
  [1, (rng) => {
    const d = rng.logInt(10, 2_000);
    return [`${d} nested CASE`, `SELECT ${repeat(d, () => 'CASE WHEN a THEN ')}1${repeat(d, () => ' END')} FROM t;\n`];
  }],
  [2, (rng) => {
    const n = rng.logInt(100, 40_000);
    return [`${n} unterminated /*`, `SELECT 1;\n${'/*'.repeat(n)}\n`];
  }],
  [2, (rng) => {
    const n = rng.logInt(100, 200_000);
    const opener = rng.pick(["'", '"', '$$', '$x$', "E'", '/*', "B'"]);
    return [`unterminated ${opener} before ${n} chars`, `SELECT 1;\nSELECT ${opener}${repeat(Math.ceil(n / 20), (i) => `; UPDATE t SET a=${i}\n`)}`];
  }],
  [2, (rng) => {
    const n = rng.logInt(100, 100_000);
    return [`IN list of ${n}`, `SELECT * FROM t WHERE a IN (${repeat(n, (i) => (i ? `,${i}` : '0'))});\n`];
  }],
  [1, (rng) => {
    const n = rng.logInt(100, 20_000);
    return [`${n} AND terms`, `DELETE FROM t WHERE ${repeat(n, (i) => (i ? ` AND a <> ${i}` : 'a <> 0'))};\n`];
  }],
  [1, (rng) => {
    const n = rng.logInt(100, 50_000);
    return [`${n} VALUES rows`, `INSERT INTO t (a, b) VALUES ${repeat(n, (i) => (i ? `,(${i},'x${i}')` : "(0,'x')"))};\n`];
  }],
  [1, (rng) => {
    const n = rng.logInt(1_000, 1_000_000);
    return [`identifier of ${n} chars`, `CREATE TABLE ${'x'.repeat(n)} (a int);\nSELECT "${'y'.repeat(n)}" FROM t;\n`];
  }],
  [1, (rng) => {
    const n = rng.logInt(1_000, 2_000_000);
    return [`string literal of ${n} chars on one line`, `INSERT INTO t VALUES ('${'z'.repeat(n)}');\n`];
  }],
  [1, (rng) => {
    const pad = rng.int(8_200, 20_000);
    return [`NUL after ${pad} bytes`, Buffer.concat([Buffer.from(`-- ${'p'.repeat(pad)}\nUPDATE t SET a = 1 `), Buffer.from([0]), Buffer.from(' WHERE b = 2;\n')])];
  }],
  [1, (rng) => {
    // Astral characters at every offset near where messages cut excerpts.
    const at = rng.int(1, 300);
    return [`emoji at ${at}`, `UPDATE t SET a = '${'a'.repeat(at)}😀😀😀${'b'.repeat(rng.int(0, 300))}';\nSELECT * FROM t WHERE '${'c'.repeat(at)}😀' = a::text;\n`];
  }],
  [2, (rng) => {
    // Messages quote expressions cut to a length: an astral character at every offset near the cut.
    const k = rng.int(0, 60);
    const fn = rng.pick(['lower', 'upper', 'coalesce', 'md5', 'trim', 'length']);
    // A run of them across the cut splits a pair half the time.
    const where = `${fn}(a || '${'x'.repeat(k)}${'😀'.repeat(rng.int(1, 40))}')${fn === 'length' ? ' > 1' : " = 'v'"}`;
    const stmt = rng.pick([`SELECT a FROM t WHERE ${where};`, `UPDATE t SET b = 1 WHERE ${where};`, `DELETE FROM t WHERE ${where};`, `CREATE INDEX i ON t (a) WHERE ${where};`]);
    return [`astral at ${k} in a quoted expression`, `CREATE TABLE t (a text, b int);\n${stmt}\n`];
  }],
  [1, (rng) => {
    const n = rng.logInt(100, 20_000);
    return [`${n} comment lines`, repeat(n, (i) => `-- comment ${i}\n/* block ${i} */\n`) + 'SELECT 1;\n'];
  }],
  [1, (rng) => {
    const n = rng.logInt(100, 10_000);
    return [`${n} suppression comments`, repeat(n, (i) => `-- sqlwarden-ignore-next-line no-select-star\nSELECT * FROM t${i % 7};\n`)];
  }],
  [1, (rng) => {
    const n = rng.logInt(100, 10_000);
    return [`${n} columns`, `CREATE TABLE wide (${repeat(n, (i) => (i ? `, c${i} int` : 'c0 int'))});\nSELECT * FROM wide;\n`];
  }],
  [1, (rng) => {
    const n = rng.logInt(10, 3_000);
    return [`${n} UNION arms`, `SELECT a FROM t${repeat(n, (i) => ` UNION SELECT a FROM t${i}`)};\n`];
  }],
];

function pathological(rng: Rng): { label: string; bytes: Buffer } {
  const [label, out] = rng.weighted(PATHOLOGICAL)(rng);
  return { label, bytes: typeof out === 'string' ? Buffer.from(out, 'utf8') : out };
}

// ---------------------------------------------------------------------------------------------

export interface GeneratorWeights {
  mutate: number;
  grammar: number;
  patho: number;
}

export function generate(seed: number, index: number, weights: GeneratorWeights, corpus: Corpus): FuzzInput {
  const rng = Rng.forInput(seed, index);
  const choices = GENERATOR_NAMES.filter((g) => weights[g] > 0 && (g !== 'mutate' || corpus.files.length > 0)).map((g) => [weights[g], g] as const);
  const generator = rng.weighted(choices);
  const made = generator === 'mutate' ? mutate(rng, corpus) : generator === 'grammar' ? grammar(rng) : pathological(rng);
  return { index, generator, label: made.label, bytes: made.bytes, migration: rng.chance(0.7) };
}
