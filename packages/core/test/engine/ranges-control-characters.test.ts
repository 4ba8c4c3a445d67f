/**
 * A control character other than tab and line breaks inside a comment or string (a form feed, a
 * stray \x01) is valid SQL, but libpg-query's scanSync fails on it (its JSON escaping lets the
 * character through raw, and JSON.parse rejects it), which left such statements without tokens and
 * every node range falling back to the statement's. The TypeScript lexer tokenises them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Node, Range } from '../../src/model/nodes.ts';
import { walk } from '../../src/model/walk.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

function textsOf(text: string, type: Node['type']): string[] {
  const { messages, statements } = lint(text);
  expect(messages.filter((m) => m.ruleId === 'syntax-error')).toEqual([]);
  const out: string[] = [];
  for (const s of statements) {
    if (!s.node) continue;
    walk(s.node, {
      enter(node, ancestors) {
        if (node.type === type && ancestors.length > 0) out.push(slice(text, node.range));
      },
    });
  }
  return out;
}

function slice(text: string, range: Range): string {
  return text.slice(range.start, range.end);
}

describe('node ranges in statements holding control characters', () => {
  it('a form feed in a comment', () => {
    const text = 'select t.a from t /* page\fbreak */ where t.b is not null';
    expect(textsOf(text, 'ColumnRef')).toEqual(['t.a', 't.b']);
    expect(textsOf(text, 'NullTest')).toEqual(['t.b is not null']);
  });

  it('a control character in a string', () => {
    const text = "select 1 from t where name = 'a\u0001b' and created_at > now()";
    expect(textsOf(text, 'Comparison')).toEqual(["name = 'a\u0001b'", 'created_at > now()']);
  });
});
