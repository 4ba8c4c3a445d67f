/**
 * What a CREATE statement that did not parse would have created, read from its tokens. The
 * statement is reported as a syntax error; without this, the relation it meant to create would be
 * unknown to the catalog, and later statements on it (index builds, renames, lock waits) would be
 * judged as if it were an existing table full of production data. The head of a CREATE statement
 * is almost always intact when a column definition or an option further on is what failed.
 */
import type { UnparsedCreate } from '../../catalog/types.ts';
import type { Range } from '../../model/nodes.ts';
import { type LexedToken, lexPostgres, RESERVED_KEYWORD } from './lexer.ts';

type Word = Pick<LexedToken, 'text' | 'kind' | 'keywordKind'>;

class Head {
  i = 0;
  constructor(private readonly tokens: readonly Word[]) {}

  peek(offset = 0): Word | undefined {
    return this.tokens[this.i + offset];
  }

  is(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.kind !== 'IDENT' && t.text.toLowerCase() === word;
  }

  /** Consumes the words in order, all or none. */
  accept(...words: string[]): boolean {
    if (!words.every((w, k) => this.is(w, k))) return false;
    this.i += words.length;
    return true;
  }

  /** A possibly qualified name (`name`, `schema.name`, `db.schema.name`), folded as PostgreSQL folds it. */
  name(): { schema?: string; name: string } | undefined {
    const parts: string[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || !isNameToken(t)) return undefined;
      parts.push(identifier(t.text));
      this.i++;
      if (this.peek()?.text !== '.') break;
      this.i++;
    }
    const name = parts[parts.length - 1]!;
    return parts.length > 1 ? { schema: parts[parts.length - 2]!, name } : { name };
  }

  /** The tokens at parenthesis depth 0 from here on, lower-cased. */
  topLevelWords(): string[] {
    const out: string[] = [];
    let depth = 0;
    for (let k = this.i; k < this.tokens.length; k++) {
      const t = this.tokens[k]!;
      if (t.text === '(') depth++;
      else if (t.text === ')') depth = Math.max(0, depth - 1);
      else if (t.text === ';' && depth === 0) break;
      else if (depth === 0) out.push(t.text.toLowerCase());
    }
    return out;
  }
}

function isNameToken(t: Word): boolean {
  return t.kind === 'IDENT' || (t.keywordKind > 0 && t.keywordKind !== RESERVED_KEYWORD);
}

/** `"Mixed"` keeps its case (with `""` for a quote); an unquoted name is folded to lower case. */
function identifier(text: string): string {
  if (text.startsWith('"')) return text.slice(1, -1).replace(/""/g, '"');
  if (/^u&"/i.test(text)) return text.slice(3, -1);
  return text.toLowerCase();
}

/** Returns what the statement at `range` of `text` creates, when it is a CREATE of a relation. */
export function unparsedCreate(text: string, range: Range): UnparsedCreate | undefined {
  // libpg-query's own scanner takes quadratic time over thousands of nested unterminated `/*`.
  const lexed = lexPostgres(text.slice(range.start, range.end));
  if (lexed.failed) return undefined; // the server's scanner rejects it (an unterminated literal): nothing to read
  const head = new Head(lexed.tokens.filter((t) => t.kind !== 'SQL_COMMENT' && t.kind !== 'C_COMMENT'));
  if (!head.accept('create')) return undefined;
  head.accept('or', 'replace');
  if (!head.accept('global')) head.accept('local');
  const temporary = head.accept('temporary') || head.accept('temp');
  const unlogged = !temporary && head.accept('unlogged');
  if (head.accept('table')) {
    const ifNotExists = head.accept('if', 'not', 'exists');
    const name = head.name();
    if (!name) return undefined;
    const rest = head.topLevelWords();
    const as = rest.indexOf('as');
    const noData = rest.slice(-3).join(' ') === 'with no data';
    return { kind: 'table', name, ifNotExists, fillsRows: as >= 0 && !noData, partitioned: rest.includes('partition') && rest[rest.indexOf('partition') + 1] === 'by' };
  }
  if (head.accept('materialized', 'view')) {
    const ifNotExists = head.accept('if', 'not', 'exists');
    const name = head.name();
    if (!name) return undefined;
    const rest = head.topLevelWords();
    return { kind: 'materialized_view', name, ifNotExists, fillsRows: rest.slice(-3).join(' ') !== 'with no data', partitioned: false };
  }
  if (unlogged && !head.is('sequence')) return undefined;
  head.accept('recursive');
  if (head.accept('view')) {
    const name = head.name();
    return name ? { kind: 'view', name } : undefined;
  }
  if (head.accept('sequence')) {
    const ifNotExists = head.accept('if', 'not', 'exists');
    const name = head.name();
    return name ? { kind: 'sequence', name, ifNotExists } : undefined;
  }
  if (temporary) return undefined;
  const unique = head.accept('unique');
  if (!head.accept('index')) return undefined;
  head.accept('concurrently');
  const ifNotExists = head.accept('if', 'not', 'exists');
  const name = head.is('on') ? undefined : head.name();
  if (!head.accept('on')) return undefined;
  head.accept('only');
  const table = head.name();
  if (!table) return undefined;
  // An index lives in its table's schema: a schema-qualified index name is an error.
  return { kind: 'index', ...(name ? { name: name.name } : {}), table, unique, ifNotExists };
}
