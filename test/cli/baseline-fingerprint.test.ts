import { describe, expect, it } from 'vitest';
import { LineIndex } from '@sqlwarden/core';
import { fingerprintMessages } from '../../packages/cli/src/baseline/fingerprint.ts';
import { normalizeSource } from '../../packages/cli/src/formatters/shared.ts';
import type { CliMessage } from '../../packages/cli/src/types.ts';

function message(line: number, column: number, endLine: number, endColumn: number, ruleId: string | null = 'r'): CliMessage {
  return { ruleId, severity: 1, message: 'm', line, column, endLine, endColumn };
}

/** Statement spans: each `;`-terminated piece, without the semicolon (as the engine reports them). */
function spans(text: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== ';') continue;
    const piece = text.slice(start, i);
    const lead = piece.length - piece.trimStart().length;
    out.push({ start: start + lead, end: i });
    start = i + 1;
  }
  return out;
}

describe('fingerprints', () => {
  it('normalizes whitespace and converts positions with every line break style', () => {
    expect(normalizeSource('  SELECT\t*\r\n  FROM   t ')).toBe('SELECT * FROM t');
    const lines = new LineIndex('ab\r\ncd\ref\ngh');
    const offsetAt = (line: number, column: number) => lines.offsetAt(line, column);
    expect([offsetAt(1, 1), offsetAt(2, 1), offsetAt(3, 2), offsetAt(4, 1), offsetAt(4, 99), offsetAt(9, 1)]).toEqual([0, 4, 8, 10, 12, 10]);
  });

  it('survive shifted lines and whitespace, tell statements apart, and number identical findings', () => {
    const text = 'SELECT * FROM a;\nSELECT * FROM b;\nSELECT * FROM a;\n';
    const first = fingerprintMessages(text, spans(text), [message(1, 8, 1, 9), message(2, 8, 2, 9), message(3, 8, 3, 9), message(1, 1, 1, 1, null)]);
    expect(first[3]).toBeUndefined();
    const [a0, b, a1] = first.map((f) => f?.fingerprint);
    expect(new Set([a0, b, a1]).size).toBe(3);
    expect(first[0]?.excerpt).toBe('*');

    const shifted = '\n\n\nSELECT *\n  FROM a;\nSELECT * FROM b;\nSELECT * FROM a;\n';
    // Reported in another order: occurrence numbers follow positions, not the message order.
    const second = fingerprintMessages(shifted, spans(shifted), [message(7, 8, 7, 9), message(6, 8, 6, 9), message(4, 8, 4, 9)]);
    expect(second.map((f) => f?.fingerprint)).toEqual([a1, b, a0]);

    // A different rule on the same text is a different finding.
    expect(fingerprintMessages(text, spans(text), [message(1, 8, 1, 9, 'other')])[0]?.fingerprint).not.toBe(a0);
  });

  it('uses the flagged text alone outside statements', () => {
    const text = '-- sqlwarden-ignore nothing\nSELECT 1;\n';
    const [f] = fingerprintMessages(text, [], [message(1, 1, 1, 28, 'unused-suppression')]);
    const [g] = fingerprintMessages(`\n\n${text}`, [], [message(3, 1, 3, 28, 'unused-suppression')]);
    expect(f?.fingerprint).toBe(g?.fingerprint);
    expect(f?.excerpt).toBe('-- sqlwarden-ignore nothing');
  });
});
