/**
 * Layer (a): finds the SQL in an ESTree Program, whichever ESTree parser produced it.
 *
 * Parsers disagree on where a TemplateElement starts and ends: espree and typescript-eslint
 * include the delimiters (`` `SELECT ${ `` and `` } FROM t` ``), babel and acorn cover only the
 * characters between them. Each template's convention is read from its first element, and every
 * chunk is checked against the element's `raw` value before it is used; a template whose positions
 * do not check out is skipped rather than mapped wrongly.
 */
import { SegmentBuilder, decodeChunk, templateRaw } from './decode.ts';
import {
  type CallExpression,
  type EstreeComment,
  type EstreeNode,
  type EstreeProgram,
  type Identifier,
  type Literal,
  type MemberExpression,
  type TaggedTemplateExpression,
  type TemplateLiteral,
  preorder,
  rangeOf,
} from './estree.ts';
import type { FragmentOrigin, SqlFragment, SqlPlaceholder } from './fragment.ts';

export interface SqlExtractOptions {
  /**
   * Template tags that mark SQL: a tag written as this identifier (`sql`), or ending in `.name`
   * (`Prisma.sql`, `db.sql`), or a member or method of such a tag (slonik's `sql.unsafe`,
   * `sql.type(Row)`). Default `sql`, `SQL`.
   */
  tags?: readonly string[];
  /** Methods that take SQL as a tagged template or a template argument regardless of its text. Default Prisma's `$queryRaw`, `$executeRaw`. */
  rawTemplateMethods?: readonly string[];
  /** Methods whose first argument is an SQL string regardless of its text. Default Prisma's `$queryRawUnsafe`, `$executeRawUnsafe`. */
  rawStringMethods?: readonly string[];
  /**
   * Methods whose first argument, a string or untagged template, is SQL when its text starts with
   * one of `keywords`. Default `query`, `raw`, `execute`, `unsafe`.
   */
  queryMethods?: readonly string[];
  /** Keywords that make a `queryMethods` argument SQL (case-insensitive). */
  keywords?: readonly string[];
  /** Block comments that mark the template or string right after them as SQL (`/* sql *\/`, case-insensitive). Default `sql`. */
  commentMarkers?: readonly string[];
  /** The file's comments; defaults to `program.comments` (espree with `comment: true`, typescript-eslint, ESLint's SourceCode AST). */
  comments?: readonly EstreeComment[];
}

export const DEFAULT_EXTRACT_OPTIONS = {
  tags: ['sql', 'SQL'],
  rawTemplateMethods: ['$queryRaw', '$executeRaw'],
  rawStringMethods: ['$queryRawUnsafe', '$executeRawUnsafe'],
  queryMethods: ['query', 'raw', 'execute', 'unsafe'],
  keywords: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'CREATE', 'ALTER', 'DROP', 'TRUNCATE', 'MERGE', 'GRANT', 'REVOKE', 'VACUUM', 'REINDEX', 'REFRESH', 'EXPLAIN', 'COMMENT'],
  commentMarkers: ['sql'],
} as const satisfies Required<Omit<SqlExtractOptions, 'comments'>>;

/** Keywords a PostgreSQL statement can start with; a fragment starting otherwise is a piece of a query. */
export const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'ABORT', 'ALTER', 'ANALYZE', 'ANALYSE', 'BEGIN', 'CALL', 'CHECKPOINT', 'CLOSE', 'CLUSTER', 'COMMENT', 'COMMIT', 'COPY', 'CREATE',
  'DEALLOCATE', 'DECLARE', 'DELETE', 'DISCARD', 'DO', 'DROP', 'END', 'EXECUTE', 'EXPLAIN', 'FETCH', 'GRANT', 'IMPORT', 'INSERT',
  'LISTEN', 'LOAD', 'LOCK', 'MERGE', 'MOVE', 'NOTIFY', 'PREPARE', 'REASSIGN', 'REFRESH', 'REINDEX', 'RELEASE', 'RESET', 'REVOKE',
  'ROLLBACK', 'SAVEPOINT', 'SECURITY', 'SELECT', 'SET', 'SHOW', 'START', 'TABLE', 'TRUNCATE', 'UNLISTEN', 'UPDATE', 'VACUUM',
  'VALUES', 'WITH',
]);

/**
 * The first word of the SQL, upper-cased, after whitespace, `--` and (nested) block comments and
 * opening parentheses; undefined when something else comes first (a placeholder, a string).
 */
export function leadingKeyword(sql: string): string | undefined {
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '(') {
      i++;
    } else if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else {
          i++;
        }
      }
    } else {
      break;
    }
  }
  const word = /^[A-Za-z_]+/.exec(sql.slice(i, i + 40))?.[0];
  if (!word) return undefined;
  const after = sql[i + word.length];
  if (after !== undefined && /[A-Za-z0-9_$]/.test(after)) return undefined;
  return word.toUpperCase();
}

/** `db.query`, `prisma.$queryRaw`, `sql.type()`: a readable name for a callee or tag, as far as it is static. */
function nameOf(node: EstreeNode, text: string): string {
  switch (node.type) {
    case 'Identifier':
      return (node as Identifier).name;
    case 'ThisExpression':
      return 'this';
    case 'Super':
      return 'super';
    case 'MemberExpression': {
      const m = node as MemberExpression;
      const property = propertyName(m);
      return `${nameOf(m.object, text)}.${property ?? '[…]'}`;
    }
    case 'CallExpression':
      return `${nameOf((node as CallExpression).callee, text)}()`;
    case 'ChainExpression':
    case 'TSNonNullExpression':
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'ParenthesizedExpression':
      return nameOf((node as unknown as { expression: EstreeNode }).expression, text);
    default: {
      const range = rangeOf(node);
      return range ? text.slice(range[0], Math.min(range[1], range[0] + 40)) : node.type;
    }
  }
}

/** The static property name of `a.b` or `a['b']`. */
function propertyName(node: MemberExpression): string | undefined {
  if (!node.computed && node.property.type === 'Identifier') return (node.property as Identifier).name;
  if (node.computed && node.property.type === 'Literal' && typeof (node.property as Literal).value === 'string') return (node.property as Literal).value as string;
  return undefined;
}

/** Strips wrappers that do not change what is called: `a!.b`, `(a as T).b`, `a?.b` (ChainExpression). */
function unwrap(node: EstreeNode): EstreeNode {
  let n = node;
  while (n.type === 'ChainExpression' || n.type === 'TSNonNullExpression' || n.type === 'TSAsExpression' || n.type === 'TSSatisfiesExpression' || n.type === 'ParenthesizedExpression') {
    n = (n as unknown as { expression: EstreeNode }).expression;
  }
  return n;
}

/** The method name of `x.name(...)`, for a callee. */
function calledMethod(callee: EstreeNode): string | undefined {
  const c = unwrap(callee);
  return c.type === 'MemberExpression' ? propertyName(c as MemberExpression) : c.type === 'Identifier' ? (c as Identifier).name : undefined;
}

function isSqlTag(tag: EstreeNode, tags: ReadonlySet<string>): boolean {
  const t = unwrap(tag);
  if (t.type === 'Identifier') return tags.has((t as Identifier).name);
  if (t.type === 'MemberExpression') {
    const m = t as MemberExpression;
    const property = propertyName(m);
    if (property !== undefined && tags.has(property)) return true; // Prisma.sql, db.sql
    return isSqlTag(m.object, tags); // sql.unsafe, sql.fragment
  }
  if (t.type === 'CallExpression') {
    const callee = unwrap((t as CallExpression).callee);
    return callee.type === 'MemberExpression' && isSqlTag((callee as MemberExpression).object, tags); // sql.type(Row)
  }
  return false;
}

function isStringLiteral(node: EstreeNode | undefined): node is Literal {
  return node?.type === 'Literal' && typeof (node as Literal).value === 'string';
}

/** Host content range of each quasi, checked against its `raw`; undefined when they do not check out. */
function quasiContentRanges(template: TemplateLiteral, text: string): Array<[number, number]> | undefined {
  const outer = rangeOf(template);
  const first = template.quasis[0];
  if (!outer || !first || template.quasis.length !== template.expressions.length + 1) return undefined;
  const firstRange = rangeOf(first);
  if (!firstRange || text[outer[0]] !== '`' || text[outer[1] - 1] !== '`') return undefined;
  const withDelimiters = firstRange[0] === outer[0];
  if (!withDelimiters && firstRange[0] !== outer[0] + 1) return undefined;
  const ranges: Array<[number, number]> = [];
  for (const quasi of template.quasis) {
    const r = rangeOf(quasi);
    if (!r) return undefined;
    const start = withDelimiters ? r[0] + 1 : r[0];
    const end = withDelimiters ? r[1] - (quasi.tail ? 1 : 2) : r[1];
    if (end < start) return undefined;
    const opener = text[start - 1];
    if (ranges.length === 0 ? opener !== '`' : opener !== '}') return undefined;
    if (quasi.tail ? text[end] !== '`' || end !== outer[1] - 1 : !text.startsWith('${', end)) return undefined;
    if (typeof quasi.value?.raw === 'string' && templateRaw(text, start, end) !== quasi.value.raw) return undefined;
    ranges.push([start, end]);
  }
  return ranges;
}

interface Candidate {
  node: TemplateLiteral | Literal;
  origin: FragmentOrigin;
  via: string;
}

function templateFragment(template: TemplateLiteral, text: string): Omit<SqlFragment, 'origin' | 'via' | 'isStatement'> | undefined {
  const ranges = quasiContentRanges(template, text);
  const outer = rangeOf(template);
  if (!ranges || !outer) return undefined;
  const builder = new SegmentBuilder();
  const placeholders: SqlPlaceholder[] = [];
  let decoding: SqlFragment['decoding'] = 'cooked';
  for (let i = 0; i < ranges.length; i++) {
    const [start, end] = ranges[i]!;
    const quasi = template.quasis[i]!;
    const cooked = quasi.value?.cooked;
    const before = { length: builder.text.length, segments: builder.segments.length };
    const decoded = typeof cooked === 'string' && decodeChunk(builder, text, start, end, true);
    if (!decoded || builder.text.slice(before.length) !== cooked) {
      // Not decodable, or not what the parser cooked: keep the host spelling as it is.
      builder.truncate(before.length, before.segments);
      builder.copy(text, start, end);
      decoding = 'raw';
    }
    if (!quasi.tail) {
      const next = ranges[i + 1]!;
      const index = placeholders.length + 1;
      const sqlStart = builder.text.length;
      builder.atomic('placeholder', `$${index}`, end, next[0]);
      placeholders.push({ index, sql: { start: sqlStart, end: builder.text.length }, host: { start: end, end: next[0] } });
    }
  }
  const content = { start: outer[0] + 1, end: outer[1] - 1 };
  return {
    text: builder.text,
    literal: 'template',
    quote: '`',
    literalRange: { start: outer[0], end: outer[1] },
    contentRange: content,
    segments: builder.segments,
    placeholders,
    decoding,
    eol: text.slice(content.start, content.end).includes('\r\n') ? '\r\n' : '\n',
  };
}

function stringFragment(literal: Literal, text: string): Omit<SqlFragment, 'origin' | 'via' | 'isStatement'> | undefined {
  const r = rangeOf(literal);
  if (!r || r[1] - r[0] < 2) return undefined;
  const quote = text[r[0]];
  if ((quote !== "'" && quote !== '"') || text[r[1] - 1] !== quote) return undefined;
  if (typeof literal.raw === 'string' && literal.raw !== text.slice(r[0], r[1])) return undefined;
  const builder = new SegmentBuilder();
  let decoding: SqlFragment['decoding'] = 'cooked';
  if (!decodeChunk(builder, text, r[0] + 1, r[1] - 1, false) || builder.text !== literal.value) {
    builder.truncate(0, 0);
    builder.copy(text, r[0] + 1, r[1] - 1);
    decoding = 'raw';
  }
  return {
    text: builder.text,
    literal: 'string',
    quote,
    literalRange: { start: r[0], end: r[1] },
    contentRange: { start: r[0] + 1, end: r[1] - 1 },
    segments: builder.segments,
    placeholders: [],
    decoding,
    eol: '\n',
  };
}

const WHITESPACE = /\s/;

/**
 * Every SQL fragment in the program, in source order. Fragments nested in another fragment's
 * interpolation (sql`... ${sql`...`} ...`) are separate fragments; each literal yields at most one.
 */
export function extractSqlFragments(program: EstreeNode, text: string, options: SqlExtractOptions = {}): SqlFragment[] {
  const tags = new Set(options.tags ?? DEFAULT_EXTRACT_OPTIONS.tags);
  const rawTemplateMethods = new Set(options.rawTemplateMethods ?? DEFAULT_EXTRACT_OPTIONS.rawTemplateMethods);
  const rawStringMethods = new Set(options.rawStringMethods ?? DEFAULT_EXTRACT_OPTIONS.rawStringMethods);
  const queryMethods = new Set(options.queryMethods ?? DEFAULT_EXTRACT_OPTIONS.queryMethods);
  const keywords = new Set((options.keywords ?? DEFAULT_EXTRACT_OPTIONS.keywords).map((k) => k.toUpperCase()));
  const markers = new Set((options.commentMarkers ?? DEFAULT_EXTRACT_OPTIONS.commentMarkers).map((m) => m.trim().toLowerCase()));

  // Marker comments by the offset where they end.
  const markerEnds = new Map<number, string>();
  for (const comment of options.comments ?? (program as EstreeProgram).comments ?? []) {
    const r = rangeOf(comment);
    if (!r || comment.type !== 'Block' || !markers.has(comment.value.trim().toLowerCase())) continue;
    markerEnds.set(r[1], `/*${comment.value}*/`);
  }
  const markerBefore = (node: EstreeNode): string | undefined => {
    if (markerEnds.size === 0) return undefined;
    const r = rangeOf(node);
    if (!r) return undefined;
    let i = r[0];
    while (i > 0 && WHITESPACE.test(text[i - 1]!)) i--;
    return markerEnds.get(i);
  };

  const claimed = new Set<EstreeNode>();
  const candidates: Candidate[] = [];
  const claim = (node: EstreeNode | undefined, origin: FragmentOrigin, via: string): void => {
    if (!node || claimed.has(node)) return;
    if (node.type !== 'TemplateLiteral' && !isStringLiteral(node)) return;
    claimed.add(node);
    candidates.push({ node: node as TemplateLiteral | Literal, origin, via });
  };

  for (const node of preorder(program)) {
    switch (node.type) {
      case 'TaggedTemplateExpression': {
        const { tag, quasi } = node as TaggedTemplateExpression;
        const t = unwrap(tag);
        const method = t.type === 'MemberExpression' ? propertyName(t as MemberExpression) : t.type === 'Identifier' ? (t as Identifier).name : undefined;
        if (method !== undefined && rawTemplateMethods.has(method)) claim(quasi, 'prisma', nameOf(tag, text));
        else if (isSqlTag(tag, tags)) claim(quasi, 'tag', nameOf(tag, text));
        else {
          const marker = markerBefore(node);
          if (marker) claim(quasi, 'comment', marker);
        }
        break;
      }
      case 'CallExpression': {
        const call = node as CallExpression;
        const method = calledMethod(call.callee);
        const first = call.arguments[0];
        if (method === undefined || !first) break;
        if (rawTemplateMethods.has(method) && first.type === 'TemplateLiteral') claim(first, 'prisma', nameOf(call.callee, text));
        else if (rawStringMethods.has(method)) claim(first, 'prisma', nameOf(call.callee, text));
        else if (queryMethods.has(method) && unwrap(call.callee).type === 'MemberExpression' && !claimed.has(first)) {
          const fragment = first.type === 'TemplateLiteral' ? templateFragment(first as TemplateLiteral, text) : isStringLiteral(first) ? stringFragment(first, text) : undefined;
          const keyword = fragment && leadingKeyword(fragment.text);
          if (keyword && keywords.has(keyword)) claim(first, 'call', nameOf(call.callee, text));
        }
        break;
      }
      case 'TemplateLiteral':
      case 'Literal': {
        const marker = markerBefore(node);
        if (marker) claim(node, 'comment', marker);
        break;
      }
      default:
        break;
    }
  }

  const fragments: SqlFragment[] = [];
  for (const { node, origin, via } of candidates) {
    const base = node.type === 'TemplateLiteral' ? templateFragment(node, text) : stringFragment(node, text);
    if (!base) continue;
    const keyword = leadingKeyword(base.text);
    fragments.push({ ...base, origin, via, isStatement: keyword !== undefined && STATEMENT_KEYWORDS.has(keyword) });
  }
  return fragments.sort((a, b) => a.literalRange.start - b.literalRange.start);
}
