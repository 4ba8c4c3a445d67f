import type { Node, Range } from '../model/nodes.ts';
import type { FixSpec, Fixer } from '../rule.ts';
import type { Diagnostic, Fix } from '../types.ts';
import { fixesOf } from './group-repeats.ts';

function rangeOf(nodeOrRange: Node | Range): Range {
  return 'range' in nodeOrRange ? nodeOrRange.range : nodeOrRange;
}

export function createFixer(): Fixer {
  return {
    insertTextBefore: (n, text) => ({ range: [rangeOf(n).start, rangeOf(n).start], text }),
    insertTextAfter: (n, text) => ({ range: [rangeOf(n).end, rangeOf(n).end], text }),
    replaceText: (n, text) => ({ range: [rangeOf(n).start, rangeOf(n).end], text }),
    remove: (n) => ({ range: [rangeOf(n).start, rangeOf(n).end], text: '' }),
    replaceTextRange: (range, text) => ({ range: [range[0], range[1]], text }),
  };
}

/**
 * Several edits of one fix become a single edit spanning them (as ESLint merges them), so a fix
 * is applied all-or-nothing. The merge needs the source text, hence `mergeWith`.
 */
export function normalizeFix(spec: FixSpec, fixer: Fixer, sourceText?: string): Fix | undefined {
  const result = typeof spec === 'function' ? spec(fixer) : spec;
  if (!result) return undefined;
  const edits = (Array.isArray(result) ? result : [result]).slice().sort((a, b) => a.range[0] - b.range[0]);
  if (edits.length === 0) return undefined;
  if (edits.length === 1) return edits[0];
  if (sourceText === undefined) throw new Error('merging several fix edits needs the source text');
  return mergeEdits(edits, sourceText);
}

export function mergeEdits(edits: Fix[], text: string): Fix {
  const start = edits[0]!.range[0];
  const end = Math.max(...edits.map((e) => e.range[1]));
  let out = '';
  let cursor = start;
  for (const e of edits) {
    if (e.range[0] < cursor) throw new Error('fix edits overlap');
    out += text.slice(cursor, e.range[0]) + e.text;
    cursor = e.range[1];
  }
  out += text.slice(cursor, end);
  return { range: [start, end], text: out };
}

/** A fix `applyFixes` applied: the rule it came from and its title (`Fix.desc`), when the rule gave one. */
export interface AppliedFix {
  ruleId: string;
  desc?: string;
}

/**
 * Applies non-overlapping fixes in order; a fix overlapping an earlier one waits for the next pass.
 * `applied` lists the fixes that went in, in text order.
 */
export function applyFixes(text: string, messages: readonly Diagnostic[]): { output: string; fixed: boolean; applied: AppliedFix[] } {
  const fixes = messages
    .flatMap((message) => fixesOf(message).map((fix) => ({ fix, ruleId: message.ruleId })))
    .sort((a, b) => a.fix.range[0] - b.fix.range[0] || a.fix.range[1] - b.fix.range[1]);
  let output = '';
  let cursor = 0;
  let lastEnd = -1;
  const applied: AppliedFix[] = [];
  for (const { fix, ruleId } of fixes) {
    if (fix.range[0] < lastEnd || fix.range[0] < cursor) continue;
    output += text.slice(cursor, fix.range[0]) + fix.text;
    cursor = fix.range[1];
    lastEnd = fix.range[1];
    applied.push(fix.desc !== undefined ? { ruleId, desc: fix.desc } : { ruleId });
  }
  output += text.slice(cursor);
  return { output, fixed: applied.length > 0, applied };
}
