/** Checks on one input's results that need no engine: positions, surrogates, JSON. */

export interface Problem {
  /** The failure class, e.g. `timeout`, `internal-error`, `position`, `cli-exit`. */
  class: string;
  message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** The first string inside a parsed JSON value that holds a lone surrogate, with its path. */
export function findLoneSurrogate(value: unknown, at = '$'): string | undefined {
  if (typeof value === 'string') return hasLoneSurrogate(value) ? `${at}: ${JSON.stringify(value.slice(0, 120))}` : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findLoneSurrogate(value[i], `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = findLoneSurrogate(inner, `${at}.${key}`) ?? (hasLoneSurrogate(key) ? `${at}: key ${JSON.stringify(key)}` : undefined);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Lines as sqlwarden counts them (\n, \r\n and a lone \r each end a line), written independently
 * of the engine's LineIndex so that a bug there shows.
 */
export class Lines {
  readonly starts: number[] = [0];
  /** Where each line's content ends (its line break, or the end of the text). */
  readonly ends: number[] = [];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        this.ends.push(i);
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
    this.ends.push(text.length);
  }

  get count(): number {
    return this.starts.length;
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }

  /** Whether a 1-based line/column names a place in the text (at most one past the line's content). */
  valid(line: number, column: number): boolean {
    if (!Number.isInteger(line) || !Number.isInteger(column) || line < 1 || line > this.count || column < 1) return false;
    return this.starts[line - 1]! + column - 1 <= this.ends[line - 1]!;
  }
}

export interface PositionedMessage {
  ruleId?: string | null;
  message?: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  range?: { start: number; end: number };
  fix?: { range: [number, number]; text: string };
  suggestions?: Array<{ fix: { range: [number, number]; text: string } }>;
}

const before = (a: { line: number; column: number }, b: { line: number; column: number }): boolean => a.line < b.line || (a.line === b.line && a.column <= b.column);

/** Problems with a message's positions: outside the file, end before start, range and line/column disagreeing. */
export function checkPositions(lines: Lines, m: PositionedMessage): string | undefined {
  const where = `${m.ruleId ?? 'null'} at ${m.line}:${m.column}-${m.endLine}:${m.endColumn}${m.range ? ` [${m.range.start}, ${m.range.end})` : ''}`;
  if (!lines.valid(m.line, m.column)) return `start outside the file (${lines.count} lines): ${where}`;
  if (m.endLine !== undefined || m.endColumn !== undefined) {
    if (m.endLine === undefined || m.endColumn === undefined || !lines.valid(m.endLine, m.endColumn)) return `end outside the file (${lines.count} lines): ${where}`;
    if (!before(m, { line: m.endLine, column: m.endColumn })) return `end before start: ${where}`;
  }
  const length = lines.text.length;
  const inFile = (r: readonly [number, number] | undefined): boolean => r === undefined || (Number.isInteger(r[0]) && Number.isInteger(r[1]) && r[0] >= 0 && r[0] <= r[1] && r[1] <= length);
  if (m.range) {
    if (!inFile([m.range.start, m.range.end])) return `range outside the file (${length} code units) or reversed: ${where}`;
    const start = lines.position(m.range.start);
    if (start.line !== m.line || start.column !== m.column) return `line/column disagree with range start (${start.line}:${start.column}): ${where}`;
    if (m.endLine !== undefined) {
      const end = lines.position(m.range.end);
      if (end.line !== m.endLine || end.column !== m.endColumn) return `endLine/endColumn disagree with range end (${end.line}:${end.column}): ${where}`;
    }
  }
  if (!inFile(m.fix?.range)) return `fix range [${m.fix!.range.join(', ')}] outside the file or reversed: ${where}`;
  for (const s of m.suggestions ?? []) if (!inFile(s.fix.range)) return `suggestion range [${s.fix.range.join(', ')}] outside the file or reversed: ${where}`;
  return undefined;
}

/** 0 = clean, 1 = errors, 2 = a fatal problem (file not linted): the CLI's exit code for these messages. */
export function expectedExitCode(messages: ReadonlyArray<{ severity: number; fatal?: boolean }>): number {
  if (messages.some((m) => m.fatal)) return 2;
  return messages.some((m) => m.severity === 2) ? 1 : 0;
}
