import { createHash } from 'node:crypto';
import { LineIndex, truncateText } from '@sqlwarden/core';
import { normalizeSource } from '../formatters/shared.ts';
import type { CliMessage } from '../types.ts';

/** Bumped when the fingerprint recipe changes (old baselines then stop matching, on purpose). */
export const FINGERPRINT_RECIPE = 'sqlwarden-baseline-v1';

export interface Span {
  start: number;
  end: number;
}

export interface Fingerprint {
  fingerprint: string;
  /** The flagged text, whitespace-collapsed and shortened: for people reading the baseline file. */
  excerpt: string;
}

const EXCERPT_LENGTH = 120;

function containing(statements: readonly Span[], offset: number): Span | undefined {
  // The statement range excludes its semicolon; a finding that starts there belongs to it too.
  return statements.find((statement) => statement.start <= offset && offset <= statement.end);
}

/**
 * A fingerprint per message (undefined for messages that are not a rule's finding: fatal or
 * `ruleId: null`). It hashes the rule id, the whitespace-collapsed text of the statement(s) the
 * finding is in (or the flagged range when it is outside every statement), the flagged range's
 * text, and the finding's occurrence index among identical ones in the file. Neither the line
 * number nor the message wording takes part, so findings survive lines inserted above them and
 * rewording of messages; editing the statement makes its findings new.
 */
export function fingerprintMessages(text: string, statements: readonly Span[], messages: readonly CliMessage[]): Array<Fingerprint | undefined> {
  const lines = new LineIndex(text);
  const offsetAt = (line: number, column: number) => lines.offsetAt(line, column);
  const order = messages
    .map((message, index) => ({ message, index }))
    .sort(
      (a, b) =>
        a.message.line - b.message.line ||
        a.message.column - b.message.column ||
        (a.message.endLine ?? 0) - (b.message.endLine ?? 0) ||
        (a.message.endColumn ?? 0) - (b.message.endColumn ?? 0) ||
        a.index - b.index,
    );
  const occurrences = new Map<string, number>();
  const out: Array<Fingerprint | undefined> = new Array(messages.length).fill(undefined);
  for (const { message, index } of order) {
    if (message.ruleId === null || message.fatal) continue;
    const start = offsetAt(message.line, message.column);
    const end = message.endLine !== undefined ? Math.max(start, offsetAt(message.endLine, message.endColumn ?? 1)) : start;
    const flagged = normalizeSource(text.slice(start, end));
    const first = containing(statements, start);
    const last = containing(statements, end) ?? first;
    const context = first !== undefined || last !== undefined
      ? normalizeSource(text.slice(Math.min(start, (first ?? last)!.start), Math.max(end, (last ?? first)!.end)))
      : flagged;
    const key = `${message.ruleId}\u0000${context}\u0000${flagged}`;
    const occurrence = occurrences.get(key) ?? 0;
    occurrences.set(key, occurrence + 1);
    const fingerprint = createHash('sha256').update(`${FINGERPRINT_RECIPE}\u0000${key}\u0000${occurrence}`).digest('hex').slice(0, 24);
    const shown = flagged !== '' ? flagged : context;
    out[index] = { fingerprint, excerpt: truncateText(shown, EXCERPT_LENGTH) };
  }
  return out;
}
