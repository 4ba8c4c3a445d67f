import { createColors } from 'picocolors';
import { statementSpans } from '@sqlwarden/core';
import type { CliMessage, Formatter } from '../types.ts';
import { reportedText, reportPath, severityName, TextLines } from './shared.ts';
import { type Colors, codePointWidth, problemSummary, visibleText, wrapText, wrapWidth } from './terminal.ts';

/**
 * For reading a report in a terminal, laid out as rustc and squawk print diagnostics:
 *
 *   error[no-blocking-index-build]: CREATE INDEX blocks writes to `orders` while it builds; use ...
 *    --> migrations/002_index.sql:2:1
 *     |
 *   2 | CREATE INDEX orders_user_id_idx ON orders (user_id);
 *     | ^^^^^^^^^^^^
 *     |
 *     = note: the detail, wrapped to the terminal's width
 *     = help: Use CREATE INDEX CONCURRENTLY (fixable with --fix)
 *
 * then stylish's summary. The frame shows the statement the finding is in (as the engine splits
 * the file) with the flagged span underlined on each of its lines; a long statement keeps its
 * first line and the flagged lines with one line around them, a long line a window around the
 * span. Columns are the engine's UTF-16 columns, shown in terminal cells: tabs as four spaces,
 * wide characters as two cells, control characters as visible symbols. Paths are relative to the
 * working directory, so `path:line:col` opens in editors and terminals.
 */
export const codeframe = ((results, context) => {
  const c = createColors(context.color);
  const width = wrapWidth(context.width);
  let output = '';
  for (const result of results) {
    if (result.messages.length === 0) continue;
    const shownPath = reportPath(result.filePath, context.cwd);
    const text = reportedText(result);
    const source = text === undefined ? undefined : new SourceView(text);
    for (const message of result.messages) output += `${finding(message, shownPath, source, c, width)}\n`;
  }
  const summary = problemSummary(results, c);
  return summary === '' ? '' : output + summary;
}) satisfies Formatter;

/** A statement this long (in lines) is excerpted. */
const MAX_FRAME_LINES = 8;
/** A flagged span this long (in lines) shows its first and last lines only. */
const MAX_SPAN_LINES = 5;
const TAB = '    ';

function finding(message: CliMessage, shownPath: string, source: SourceView | undefined, c: Colors, width: number): string {
  const severity = severityName(message);
  const paint = severity === 'error' ? c.red : c.yellow;
  const headline = visibleText(message.message.replace(/\s*\r?\n\s*/g, ' '));
  const rule = message.ruleId !== null ? `[${message.ruleId}]` : '';
  const lines: string[] = [`${c.bold(paint(`${severity}${rule}`))}${c.bold(`: ${headline}`)}`];

  const frame = message.ruleId !== null && source ? source.frame(message) : undefined;
  const gutterWidth = frame ? String(frame.lastLine).length : 1;
  const blank = ' '.repeat(gutterWidth);
  const bar = c.bold(c.blue('|'));
  const where = message.ruleId !== null ? `${shownPath}:${message.line}:${message.column}` : shownPath;
  lines.push(`${blank}${c.bold(c.blue('-->'))} ${where}`);

  if (frame) {
    lines.push(`${blank} ${bar}`);
    const codeWidth = Math.max(20, width - gutterWidth - 3);
    const window = frame.window(codeWidth);
    for (const row of frame.rows) {
      if (row.kind === 'gap') {
        lines.push(c.bold(c.blue('...')));
        continue;
      }
      const shown = window.slice(row.display);
      lines.push(`${c.bold(c.blue(String(row.line).padStart(gutterWidth)))} ${bar}${shown === '' ? '' : ` ${shown}`}`);
      if (row.marks) {
        const marks = window.marks(row.marks);
        if (marks) lines.push(`${blank} ${bar} ${' '.repeat(marks.start)}${c.bold(paint('^'.repeat(marks.length)))}`);
      }
    }
  }

  const notes: Array<['note' | 'help', string]> = [];
  if (message.detail) notes.push(['note', message.detail]);
  for (const help of helpTitles(message)) notes.push(['help', help]);
  if (notes.length > 0) {
    if (frame) lines.push(`${blank} ${bar}`);
    for (const [label, text] of notes) {
      const lead = `${blank} ${c.bold(c.blue('='))} ${c.bold(`${label}:`)} `;
      const indent = ' '.repeat(gutterWidth + 3 + label.length + 2);
      wrapText(text, Math.max(20, width - indent.length)).forEach((line, i) => {
        if (i === 0) lines.push(`${lead}${line}`);
        else lines.push(line === '' ? '' : `${indent}${line}`);
      });
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The fix's title (what --fix does) and each suggestion's, as `help:` lines. */
function helpTitles(message: CliMessage): string[] {
  const fixes = message.occurrences ? message.occurrences.flatMap((o) => (o.fix ? [o.fix] : [])) : message.fix ? [message.fix] : [];
  const helps: string[] = [];
  // A grouped finding's occurrences usually share one title: it is shown once, with their count.
  const count = fixes.length;
  for (const title of new Set(fixes.map((fix) => fix.desc))) {
    if (title) helps.push(`${title} (fixable with --fix${count > 1 ? `, all ${count}` : ''})`);
    else helps.push(`sqlwarden --fix can fix this${count > 1 ? ` (all ${count})` : ''}`);
  }
  for (const desc of new Set((message.suggestions ?? []).map((s) => s.desc))) helps.push(desc);
  return helps;
}

interface DisplayLine {
  /** The line as written, without its line break. */
  raw: string;
  /** The line as the terminal shows it: tabs expanded, control characters made visible. */
  text: string;
  /** Terminal column (0-based) of each UTF-16 index of the raw line, and of its end. */
  columns: number[];
}

/** A span of terminal columns, end exclusive; `start === end` marks an insertion point. */
interface Marks {
  start: number;
  end: number;
}

type FrameRow = { kind: 'line'; line: number; display: DisplayLine; marks?: Marks } | { kind: 'gap' };

interface Frame {
  rows: FrameRow[];
  lastLine: number;
  /** The columns every row shows, so that the marks stay under their text. */
  window(codeWidth: number): FrameWindow;
}

/** The text of one file, its lines and its statements (split once, when a frame first needs them). */
class SourceView {
  readonly #lines: TextLines;
  readonly #text: string;
  #statements: Array<{ start: number; end: number }> | undefined;
  /** Lines already shown: a long line with many findings is measured once. */
  readonly #displayLines = new Map<number, DisplayLine>();

  constructor(text: string) {
    this.#text = text;
    this.#lines = new TextLines(text);
  }

  frame(message: CliMessage): Frame {
    const lines = this.#lines;
    const lastFileLine = lines.lineCount;
    const startLine = clamp(message.line, 1, lastFileLine);
    const endLine = clamp(message.endLine ?? message.line, startLine, lastFileLine);
    const startColumn = Math.max(1, message.column);
    const endColumn = message.endLine !== undefined && message.endColumn !== undefined ? Math.max(1, message.endColumn) : startColumn;

    // The statement the finding is in, widened to the one its end is in.
    const startOffset = lines.offsetAt(startLine, startColumn);
    const endOffset = lines.offsetAt(endLine, endColumn);
    const statements = (this.#statements ??= statementSpans(this.#text));
    const first = statementAt(statements, startOffset);
    const last = statementAt(statements, endOffset) ?? first;
    const frameFirst = Math.min(startLine, first ? lines.positionAt(first.start).line : startLine);
    const frameLast = Math.max(endLine, last ? lines.positionAt(last.end).line : endLine);

    const shown = new Set<number>();
    if (frameLast - frameFirst + 1 <= MAX_FRAME_LINES) {
      for (let line = frameFirst; line <= frameLast; line++) shown.add(line);
    } else {
      shown.add(frameFirst);
      const spanLines = endLine - startLine + 1;
      const flagged =
        spanLines <= MAX_SPAN_LINES ? range(startLine, endLine) : [...range(startLine, startLine + 2), ...range(endLine - 1, endLine)];
      for (const line of flagged) shown.add(line);
      if (startLine - 1 >= frameFirst) shown.add(startLine - 1);
      if (endLine + 1 <= frameLast) shown.add(endLine + 1);
    }

    const rows: FrameRow[] = [];
    let previous: number | undefined;
    for (const line of [...shown].sort((a, b) => a - b)) {
      if (previous !== undefined && line > previous + 1) rows.push({ kind: 'gap' });
      previous = line;
      let display = this.#displayLines.get(line);
      if (!display) {
        display = displayLine(lines.lineText(line));
        this.#displayLines.set(line, display);
      }
      const raw = display.raw;
      const row: FrameRow = { kind: 'line', line, display };
      if (line >= startLine && line <= endLine) {
        const from = line === startLine ? Math.min(startColumn - 1, raw.length) : raw.length - raw.trimStart().length;
        const to = line === endLine ? Math.min(endColumn - 1, raw.length) : raw.length;
        const single = startLine === endLine;
        // A line the span only crosses at its start or end (the span ends at column 1) gets no mark.
        if (to > from || (single && to === from)) row.marks = { start: display.columns[from]!, end: display.columns[Math.max(from, to)]! };
      }
      rows.push(row);
    }
    return {
      rows,
      lastLine: previous ?? startLine,
      window: (codeWidth) => new FrameWindow(rows, codeWidth),
    };
  }
}

/**
 * The columns shown of every line of a frame: all of them when every line fits, else a window
 * of the width that starts a third of the way before the first mark, with `…` where lines are cut.
 */
class FrameWindow {
  readonly #from: number;
  readonly #to: number;
  readonly #cut: boolean;

  constructor(rows: readonly FrameRow[], codeWidth: number) {
    const lines = rows.filter((row) => row.kind === 'line');
    const widest = Math.max(0, ...lines.map((row) => row.display.columns[row.display.columns.length - 1]!));
    this.#cut = widest > codeWidth;
    if (!this.#cut) {
      this.#from = 0;
      this.#to = widest;
      return;
    }
    const available = codeWidth - 2; // room for a `…` at each end
    const firstMark = lines.find((row) => row.marks)?.marks;
    let from = firstMark ? Math.max(0, firstMark.start - Math.floor(available / 3)) : 0;
    if (from + available > widest) from = Math.max(0, widest - available);
    this.#from = from;
    this.#to = from + available;
  }

  slice(display: DisplayLine): string {
    if (!this.#cut) return display.text;
    const { raw, columns } = display;
    // The characters that fit between the window's columns, found by binary search (columns
    // never decrease) so that a megabyte-long line costs its window, not its length.
    let start = firstIndex(columns, (column) => column >= this.#from);
    let end = firstIndex(columns, (column) => column > this.#to) - 1;
    if (start > 0 && isLowSurrogate(raw, start)) start--;
    end = Math.max(start, Math.min(end, raw.length));
    if (end > start && isLowSurrogate(raw, end)) end--;
    const text = displayLine(raw.slice(start, end)).text;
    const before = this.#from > 0 ? '…' : '';
    const after = columns[raw.length]! > this.#to ? '…' : '';
    return `${before}${text}${after}`.trimEnd();
  }

  /** Where the marks go in the shown text (an insertion point gets one), or undefined when the window leaves them out. */
  marks(marks: Marks): { start: number; length: number } | undefined {
    const end = Math.max(marks.end, marks.start + 1);
    if (!this.#cut) return { start: marks.start, length: end - marks.start };
    const start = Math.max(marks.start, this.#from);
    const stop = Math.min(end, this.#to);
    if (stop <= start) return undefined;
    return { start: start - this.#from + (this.#from > 0 ? 1 : 0), length: stop - start };
  }
}

/** The statement (first to last token) that contains the offset, by binary search over the spans in file order. */
function statementAt(statements: ReadonlyArray<{ start: number; end: number }>, offset: number): { start: number; end: number } | undefined {
  const index = firstIndex(statements, (s) => s.end >= offset);
  const statement = statements[index];
  return statement && statement.start <= offset ? statement : undefined;
}

/** The first index whose item satisfies `test` (which, over the array, turns from false to true once), or the length. */
function firstIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(items[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function isLowSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff && index > 0 && text.charCodeAt(index - 1) >= 0xd800 && text.charCodeAt(index - 1) <= 0xdbff;
}

/** A raw line as the terminal shows it, with the column of each UTF-16 index. */
function displayLine(raw: string): DisplayLine {
  const columns: number[] = new Array(raw.length + 1);
  let text = '';
  let column = 0;
  for (let i = 0; i < raw.length; ) {
    const codePoint = raw.codePointAt(i)!;
    const units = codePoint > 0xffff ? 2 : 1;
    for (let u = 0; u < units; u++) columns[i + u] = column;
    const char = raw.slice(i, i + units);
    const shown = char === '\t' ? TAB : visibleText(char);
    text += shown;
    column += char === '\t' ? TAB.length : codePointWidth(shown.codePointAt(0)!);
    i += units;
  }
  columns[raw.length] = column;
  return { raw, text, columns };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n++) out.push(n);
  return out;
}
