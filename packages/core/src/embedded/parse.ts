/**
 * Layer (b): for hosts that bring no JS parser of their own (the language server, the CLI), parses
 * the file with @babel/parser's ESTree output and hands it to the extractor. Babel's ESTree differs
 * from espree's in two ways that matter here, both absorbed in this file or checked by the
 * extractor: comments are typed `CommentBlock`/`CommentLine` (ESTree says `Block`/`Line`), and
 * TemplateElement ranges exclude the delimiters (the extractor reads either convention).
 */
import { type ParserPlugin, parse } from '@babel/parser';
import type { EstreeComment, EstreeProgram } from './estree.ts';
import { DEFAULT_EXTRACT_OPTIONS, type SqlExtractOptions, extractSqlFragments } from './extract.ts';
import type { SqlFragment } from './fragment.ts';

/** `ts`: .ts .mts .cts; `tsx`; `js`: .js .mjs .cjs (JSX allowed, as React projects write it there); `jsx`. */
export type HostLanguage = 'ts' | 'tsx' | 'js' | 'jsx';

const EXTENSIONS: Record<string, HostLanguage> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.jsx': 'jsx',
};

/** The host language of a file by its extension, or undefined for a file that is not JS/TS. */
export function hostLanguageOf(filePath: string): HostLanguage | undefined {
  const match = /\.[cm]?[jt]sx?$/i.exec(filePath);
  return match ? EXTENSIONS[match[0].toLowerCase()] : undefined;
}

export interface ParseHostOptions {
  /** Decides the language by extension unless `language` is given. */
  filePath?: string;
  language?: HostLanguage;
}

export interface ParsedHost {
  program: EstreeProgram;
  /** ESTree comments (`Block`/`Line`) with ranges, in source order. */
  comments: EstreeComment[];
}

function pluginsFor(language: HostLanguage, jsx: boolean): ParserPlugin[] {
  const plugins: ParserPlugin[] = [['estree', {}]];
  if (language === 'ts' || language === 'tsx') plugins.push(['typescript', {}]);
  if (jsx) plugins.push('jsx');
  return plugins;
}

function tryParse(text: string, language: HostLanguage, jsx: boolean): ParsedHost | undefined {
  try {
    const file = parse(text, {
      sourceType: 'unambiguous',
      plugins: pluginsFor(language, jsx),
      errorRecovery: true,
      ranges: true,
      attachComment: false,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: true,
      allowUndeclaredExports: true,
      allowNewTargetOutsideFunction: true,
      allowSuperOutsideMethod: true,
    }) as unknown as { program?: EstreeProgram; comments?: Array<{ type: string; value: string; start?: number; end?: number; range?: [number, number] }> };
    if (!file.program || file.program.type !== 'Program') return undefined;
    const comments: EstreeComment[] = [];
    for (const c of file.comments ?? []) {
      const start = c.range?.[0] ?? c.start;
      const end = c.range?.[1] ?? c.end;
      if (typeof start !== 'number' || typeof end !== 'number') continue;
      comments.push({ type: c.type === 'CommentBlock' ? 'Block' : c.type === 'CommentLine' ? 'Line' : c.type, value: c.value, range: [start, end] });
    }
    return { program: file.program, comments };
  } catch {
    return undefined;
  }
}

/**
 * Parses a JS/TS file into an ESTree Program, or undefined when it cannot be parsed (a syntax error
 * babel cannot recover from) or is not JS/TS. Never throws.
 */
export function parseHostFile(text: string, options: ParseHostOptions = {}): ParsedHost | undefined {
  const language = options.language ?? (options.filePath !== undefined ? hostLanguageOf(options.filePath) : undefined);
  if (!language) return undefined;
  switch (language) {
    case 'ts':
      return tryParse(text, 'ts', false); // `<T>expr` casts: no JSX in .ts
    case 'tsx':
    case 'jsx':
      return tryParse(text, language, true);
    case 'js':
      // JSX in .js is common; a file that does not parse with it (`a < b > c`) gets a second try without.
      return tryParse(text, 'js', true) ?? tryParse(text, 'js', false);
  }
}

/**
 * Whether the text mentions anything that can mark SQL (a tag, a method, a marker comment). Every
 * form names one of them literally, so a file mentioning none has no fragments and is not parsed.
 */
function mayContainSql(text: string, options: SqlExtractOptions): boolean {
  const names = [
    ...(options.tags ?? DEFAULT_EXTRACT_OPTIONS.tags),
    ...(options.rawTemplateMethods ?? DEFAULT_EXTRACT_OPTIONS.rawTemplateMethods),
    ...(options.rawStringMethods ?? DEFAULT_EXTRACT_OPTIONS.rawStringMethods),
    ...(options.queryMethods ?? DEFAULT_EXTRACT_OPTIONS.queryMethods),
  ];
  if (names.some((name) => text.includes(name))) return true;
  const lower = text.toLowerCase();
  return (options.commentMarkers ?? DEFAULT_EXTRACT_OPTIONS.commentMarkers).some((marker) => lower.includes(marker.trim().toLowerCase()));
}

/** Parses the file and extracts its SQL fragments; a file that does not parse has none. */
export function extractSqlFromSource(text: string, options: ParseHostOptions & SqlExtractOptions = {}): SqlFragment[] {
  if (!mayContainSql(text, options)) return [];
  const parsed = parseHostFile(text, options);
  if (!parsed) return [];
  return extractSqlFragments(parsed.program, text, { ...options, comments: parsed.comments });
}
