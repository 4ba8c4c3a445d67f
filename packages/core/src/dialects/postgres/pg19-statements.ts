import type * as M from '../../model/nodes.ts';
import type { Token } from './locator.ts';

/*
 * Statements PostgreSQL 19 added that libpg-query (PostgreSQL 18's parser) rejects, recognised
 * from the tokens of a segment that failed to parse, so that they are linted rather than
 * reported as syntax errors:
 *
 *   REPACK [ ( option [, ...] ) ] [ table [ ( column [, ...] ) ] ] [ USING INDEX [ index ] ]
 *   ALTER TABLE [ IF EXISTS ] name MERGE PARTITIONS ( partition [, ...] ) INTO partition
 *   ALTER TABLE [ IF EXISTS ] name SPLIT PARTITION partition INTO
 *       ( PARTITION partition { FOR VALUES ... | DEFAULT } [, ...] )
 *
 * The forms are the synopses of doc/src/sgml/ref/repack.sgml and alter_table.sgml (see
 * locks/VERIFICATION.md). Anything else stays a syntax error: a form the documentation does not
 * show (`REPACK CONCURRENTLY t` without parentheses) is not guessed at. The node carries
 * `newerSyntax`, and the engine reports it as a syntax error when the configured version is
 * older than 19, since such a server rejects it too.
 */

/** A token of the segment, comments left out, with whether it is a reserved keyword. */
export interface Pg19Token extends Token {
  reserved: boolean;
}

const FIRST_VERSION = 19;

/** The statement the tokens spell, or undefined when they are not one of the forms above. */
export function recognizePg19Statement(tokens: readonly Pg19Token[]): M.Statement | undefined {
  let end = tokens.length;
  while (end > 0 && tokens[end - 1]!.text === ';') end--;
  if (end === 0) return undefined;
  const p = new Cursor(tokens.slice(0, end));
  const first = p.word();
  if (first === 'repack') return repack(p);
  if (first === 'alter' && p.word(1) === 'table') return alterTablePartitions(p);
  return undefined;
}

class Cursor {
  i = 0;
  constructor(readonly tokens: readonly Pg19Token[]) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  /** Lower-cased text of the token `ahead` tokens on, unless it is a quoted identifier. */
  word(ahead = 0): string | undefined {
    const t = this.tokens[this.i + ahead];
    return t && !t.text.startsWith('"') ? t.text.toLowerCase() : undefined;
  }

  accept(word: string): boolean {
    if (this.word() !== word) return false;
    this.i++;
    return true;
  }

  /** One identifier: unquoted names fold to lower case (ASCII, as PostgreSQL folds), quoted ones keep their case. */
  name(): { name: string; range: M.Range } | undefined {
    const t = this.tokens[this.i];
    if (!t) return undefined;
    let name: string;
    if (t.text.startsWith('"') && t.text.endsWith('"') && t.text.length >= 2) name = t.text.slice(1, -1).replace(/""/g, '"');
    else if ((t.kind === 'IDENT' || (t.keyword && !t.reserved)) && /^[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*$/.test(t.text)) name = t.text.replace(/[A-Z]+/g, (c) => c.toLowerCase());
    else return undefined;
    this.i++;
    return { name, range: { start: t.start, end: t.end } };
  }

  /** `name`, `schema.name` or `database.schema.name`. */
  qualified(): M.QualifiedName | undefined {
    const parts = [this.name()];
    if (!parts[0]) return undefined;
    while (this.word() === '.' && parts.length < 3) {
      this.i++;
      const part = this.name();
      if (!part) return undefined;
      parts.push(part);
    }
    const last = parts[parts.length - 1]!;
    const q: M.QualifiedName = { name: last.name, range: { start: parts[0]!.range.start, end: last.range.end } };
    if (parts.length > 1) q.schema = parts[parts.length - 2]!.name;
    return q;
  }

  /** Index of the `)` that closes the `(` at `open`, or -1. */
  closing(open: number): number {
    let depth = 0;
    for (let j = open; j < this.tokens.length; j++) {
      const text = this.tokens[j]!.text;
      if (text === '(') depth++;
      else if (text === ')' && --depth === 0) return j;
    }
    return -1;
  }

  newerSyntax(syntax: string, from: number, to: number): M.NewerSyntax {
    const start = this.tokens[0]!.start;
    return { version: FIRST_VERSION, syntax, offset: this.tokens[from]!.start - start, length: this.tokens[to]!.end - this.tokens[from]!.start };
  }

  get range(): M.Range {
    return { start: this.tokens[0]!.start, end: this.tokens[this.tokens.length - 1]!.end };
  }
}

const OFF = new Set(['false', 'off', '0', 'no']);

function repack(p: Cursor): M.Repack | undefined {
  p.i = 1;
  const options: string[] = [];
  if (p.word() === '(') {
    const close = p.closing(p.i);
    if (close < 0) return undefined;
    p.i++;
    while (p.i < close) {
      const option = p.word();
      if (!option || !/^[a-z_]+$/.test(option)) return undefined;
      p.i++;
      // An optional value: `CONCURRENTLY false`, `VERBOSE on`, `ANALYZE 1`.
      let value: string | undefined;
      if (p.i < close && p.word() !== ',') value = p.word() ?? p.tokens[p.i]!.text;
      if (value !== undefined) p.i++;
      if (p.i < close && !p.accept(',')) return undefined;
      if (value === undefined || !OFF.has(value.replace(/^'|'$/g, '').toLowerCase())) options.push(option === 'analyse' ? 'analyze' : option);
    }
    if (options.length === 0 && close === 2) return undefined; // `REPACK ()`: PostgreSQL rejects an empty list
    p.i = close + 1;
  }
  const stmt: M.Repack = {
    type: 'Repack',
    usingIndex: false,
    concurrently: options.includes('concurrently'),
    analyze: options.includes('analyze'),
    options,
    range: p.range,
    newerSyntax: p.newerSyntax('REPACK', 0, 0),
  };
  if (!p.done && p.word() !== 'using') {
    const table = p.qualified();
    if (!table) return undefined;
    stmt.table = table;
    if (p.word() === '(') {
      const close = p.closing(p.i);
      if (close < 0) return undefined;
      for (let j = p.i + 1; j < close; j += 2) {
        p.i = j;
        if (!p.name()) return undefined;
        if (j + 1 < close && p.tokens[j + 1]!.text !== ',') return undefined;
      }
      p.i = close + 1;
    }
  }
  if (p.accept('using')) {
    if (!p.accept('index')) return undefined;
    stmt.usingIndex = true;
    if (!p.done) {
      const index = p.name();
      if (!index) return undefined;
      stmt.index = index.name;
    }
  }
  return p.done ? stmt : undefined;
}

function alterTablePartitions(p: Cursor): M.AlterTable | undefined {
  p.i = 2;
  const ifExists = p.word() === 'if' && p.word(1) === 'exists';
  if (ifExists) p.i += 2;
  const table = p.qualified();
  if (!table) return undefined;
  const verbAt = p.i;
  const action: M.AlterTableAction = {
    type: 'AlterTableAction',
    action: 'other',
    subtype: '',
    range: { start: p.tokens[verbAt]?.start ?? table.range.end, end: p.range.end },
    concurrently: false,
    ifExists: false,
    ifNotExists: false,
    cascade: false,
  };
  let syntax: M.NewerSyntax;
  if (p.accept('merge')) {
    if (!p.accept('partitions') || p.word() !== '(') return undefined;
    syntax = p.newerSyntax('ALTER TABLE ... MERGE PARTITIONS', verbAt, verbAt + 1);
    const close = p.closing(p.i);
    if (close < 0) return undefined;
    p.i++;
    const merged: M.QualifiedName[] = [];
    while (p.i < close) {
      const partition = p.qualified();
      if (!partition) return undefined;
      merged.push(partition);
      if (p.i < close && !p.accept(',')) return undefined;
    }
    p.i = close + 1;
    if (merged.length === 0 || !p.accept('into')) return undefined;
    const into = p.qualified();
    if (!into) return undefined;
    Object.assign(action, { action: 'merge_partitions', subtype: 'AT_MergePartitions', partitions: merged, newPartitions: [into] });
  } else if (p.accept('split')) {
    if (!p.accept('partition')) return undefined;
    syntax = p.newerSyntax('ALTER TABLE ... SPLIT PARTITION', verbAt, verbAt + 1);
    const split = p.qualified();
    if (!split || !p.accept('into') || p.word() !== '(') return undefined;
    const close = p.closing(p.i);
    if (close < 0) return undefined;
    p.i++;
    const parts: M.QualifiedName[] = [];
    while (p.i < close) {
      if (!p.accept('partition')) return undefined;
      const part = p.qualified();
      if (!part) return undefined;
      parts.push(part);
      // `FOR VALUES <bound>` or `DEFAULT`: skip to the `,` or `)` at this depth; PostgreSQL checks the bounds.
      if (p.word() !== 'for' && p.word() !== 'default') return undefined;
      while (p.i < close && p.word() !== ',') {
        if (p.word() !== '(') p.i++;
        else {
          const inner = p.closing(p.i);
          if (inner < 0) return undefined;
          p.i = inner + 1;
        }
      }
      if (p.i < close) p.i++;
    }
    p.i = close + 1;
    if (parts.length === 0) return undefined;
    Object.assign(action, { action: 'split_partition', subtype: 'AT_SplitPartition', partitions: [split], newPartitions: parts });
  } else return undefined;
  if (!p.done) return undefined;
  return { type: 'AlterTable', objectKind: 'table', table, only: false, ifExists, actions: [action], range: p.range, newerSyntax: syntax };
}
