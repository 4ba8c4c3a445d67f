import type { createColors } from 'picocolors';
import type { CliResult } from '../types.ts';
import { sumTotals } from '../types.ts';

/** Helpers of the formats read in a terminal (stylish, codeframe). */

export type Colors = ReturnType<typeof createColors>;

/** The width to wrap at when nothing says how wide the terminal is. */
export const DEFAULT_WIDTH = 80;
/** Narrower than this, wrapping makes text harder to read than long lines do. */
const MIN_WIDTH = 40;

export function pluralize(word: string, count: number): string {
  return count === 1 ? word : `${word}s`;
}

/**
 * How wide lines written to `stream` may be: `COLUMNS` when set (as most terminal tools read it),
 * else the terminal's width when the stream is one; undefined (80) for pipes and files.
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env: Record<string, string | undefined>): number | undefined {
  const columns = env.COLUMNS?.trim();
  if (columns && /^\d+$/.test(columns) && Number(columns) > 0) return Number(columns);
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  return undefined;
}

/** The context's width, or 80; never narrower than MIN_WIDTH. */
export function wrapWidth(width: number | undefined): number {
  return Math.max(MIN_WIDTH, width !== undefined && Number.isFinite(width) && width > 0 ? Math.floor(width) : DEFAULT_WIDTH);
}

/**
 * Text a terminal shows as written: C0 control characters other than tab, DEL and C1 controls
 * become their visible pictures (U+2400...) or `?`, so that a file or plugin message cannot move
 * the cursor or change colours (an ESC in a comment), and nothing is lost from sight.
 */
export function visibleText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u0080-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '?';
  });
}

/**
 * How many terminal columns a code point takes: 0 for combining marks and zero-width characters,
 * 2 for East Asian wide and fullwidth characters and emoji, 1 otherwise. A simplification of
 * Unicode's East Asian Width that covers what SQL files hold.
 */
export function codePointWidth(codePoint: number): number {
  if (
    (codePoint >= 0x0300 && codePoint <= 0x036f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
    codePoint === 0xfeff
  ) {
    return 0;
  }
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0x303e) ||
    (codePoint >= 0x3041 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1f64f) ||
    (codePoint >= 0x1f900 && codePoint <= 0x1f9ff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Terminal columns of a string without tabs or line breaks. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += codePointWidth(char.codePointAt(0)!);
  return width;
}

/**
 * Greedy word wrap to `width` columns. Line breaks in the text are kept; a word longer than the
 * width (a URL) gets a line of its own rather than being cut. Control characters are made
 * visible (see visibleText).
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n').map(visibleText)) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(/[ \t]+/)) {
      if (word === '') continue;
      const wordWidth = displayWidth(word);
      if (line !== '' && lineWidth + 1 + wordWidth > width) {
        lines.push(line);
        line = '';
        lineWidth = 0;
      }
      line += line === '' ? word : ` ${word}`;
      lineWidth += (lineWidth === 0 ? 0 : 1) + wordWidth;
    }
    lines.push(line);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * ESLint's closing lines: `✖ N problems (E errors, W warnings)` and, when fixes exist, how many
 * `--fix` would fix. Red when there are errors, yellow otherwise. Empty without problems.
 */
export function problemSummary(results: readonly CliResult[], c: Colors): string {
  const totals = sumTotals(results);
  const problemCount = totals.errorCount + totals.warningCount;
  if (problemCount === 0) return '';
  const summaryColor = totals.errorCount > 0 ? c.red : c.yellow;
  let output = summaryColor(
    c.bold(
      `\u2716 ${problemCount} ${pluralize('problem', problemCount)} ` +
        `(${totals.errorCount} ${pluralize('error', totals.errorCount)}, ` +
        `${totals.warningCount} ${pluralize('warning', totals.warningCount)})`,
    ),
  );
  output += '\n';
  if (totals.fixableErrorCount > 0 || totals.fixableWarningCount > 0) {
    output += summaryColor(
      c.bold(
        `  ${totals.fixableErrorCount} ${pluralize('error', totals.fixableErrorCount)} and ` +
          `${totals.fixableWarningCount} ${pluralize('warning', totals.fixableWarningCount)} ` +
          'potentially fixable with the --fix option.',
      ),
    );
    output += '\n';
  }
  return output;
}
