import { createHash } from 'node:crypto';
import path from 'node:path';
import { LineIndex } from '@sqlwarden/core';
import type { CliMessage, CliResult } from '../types.ts';

/**
 * Helpers shared by the CI formatters (sarif, github, gitlab, junit, checkstyle). Positions are the
 * engine's: 1-based lines, 1-based columns counted in UTF-16 code units, end columns exclusive;
 * fix ranges are UTF-16 offsets into the text the messages refer to.
 */

/**
 * The path a CI system knows a file by: relative to the working directory (the repository root
 * when the CLI runs there), with `/` separators. Files outside it keep their absolute path;
 * `<text>` (--stdin without a name) stays as it is.
 */
export function reportPath(filePath: string, cwd: string): string {
  if (!path.isAbsolute(filePath)) return filePath;
  const relative = path.relative(cwd, filePath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return toPosix(filePath);
  return toPosix(relative);
}

/** Whether reportPath gives a path relative to the working directory. */
export function isUnderCwd(filePath: string, cwd: string): boolean {
  if (!path.isAbsolute(filePath)) return true;
  const relative = path.relative(cwd, filePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** The text the messages' positions refer to: the fixed text after --fix/--fix-dry-run changed it. */
export function reportedText(result: CliResult): string | undefined {
  return result.output ?? result.source;
}

/** Whether a message is a rule's finding rather than a problem with the file itself. */
export function isFinding(message: CliMessage): message is CliMessage & { ruleId: string } {
  return message.ruleId !== null && !message.fatal;
}

/** The engine's LineIndex (LF, CRLF and lone CR breaks; UTF-16 columns) with the text it indexes. */
export class TextLines extends LineIndex {
  readonly #text: string;

  constructor(text: string) {
    super(text);
    this.#text = text;
  }

  /** A line's text without its line break. */
  lineText(line: number): string {
    return this.#text.slice(this.lineStart(line), this.offsetAt(line, Number.MAX_SAFE_INTEGER));
  }

  slice(start: number, end: number): string {
    return this.#text.slice(start, end);
  }
}

/** Whitespace-insensitive form of source text: runs of whitespace become one space, ends trimmed. */
export function normalizeSource(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/**
 * The normalized source text a message flags: its range, or the whole start line when the range
 * is empty (an insertion point or a position-only message). No line or column numbers go in, so
 * the text survives lines being added or removed above it.
 */
export function flaggedText(message: CliMessage, lines: TextLines | undefined): string {
  if (!lines) return '';
  const start = lines.offsetAt(message.line, message.column);
  const end = message.endLine !== undefined && message.endColumn !== undefined ? lines.offsetAt(message.endLine, message.endColumn) : start;
  const flagged = normalizeSource(lines.slice(start, Math.max(start, end)));
  return flagged !== '' ? flagged : normalizeSource(lines.lineText(message.line));
}

/**
 * A stable identity per message, for CI systems that match findings across runs (GitLab Code
 * Quality's `fingerprint`, SARIF's `partialFingerprints`): SHA-256 of the rule id, the report path
 * and the normalized flagged source text, plus an occurrence counter among messages of the same
 * file whose first three parts are equal, so two identical findings (the same statement twice)
 * get different fingerprints, and each keeps its own while lines shift. Messages without a rule
 * (fatal file errors) use their message text instead of source text.
 */
export function fingerprints(result: CliResult, cwd: string): string[] {
  const text = reportedText(result);
  const lines = text === undefined ? undefined : new TextLines(text);
  const filePath = reportPath(result.filePath, cwd);
  const seen = new Map<string, number>();
  return result.messages.map((message) => {
    const content = isFinding(message) ? flaggedText(message, lines) : message.message;
    const key = [message.ruleId ?? '', filePath, content].join('\u0000');
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return createHash('sha256').update(`${key}\u0000${occurrence}`).digest('hex');
  });
}

/** `error` for errors and fatal problems, `warning` otherwise. */
export function severityName(message: CliMessage): 'error' | 'warning' {
  return message.fatal || message.severity === 2 ? 'error' : 'warning';
}
