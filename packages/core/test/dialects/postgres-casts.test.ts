/** `CAST(x AS t)` and `x::t` are told apart by the token the cast's range starts at. */
import { beforeAll, expect, it } from 'vitest';
import type { Cast } from '../../src/model/nodes.ts';
import { walk } from '../../src/model/walk.ts';
import { lint, ready } from '../engine/helpers.ts';

beforeAll(() => ready);

function castSyntaxes(text: string): string[] {
  const out: string[] = [];
  for (const s of lint(text).statements) {
    if (!s.node) continue;
    walk(s.node, {
      enter(node) {
        if (node.type === 'Cast') out.push(`${(node as Cast).syntax} ${text.slice(node.range.start, node.range.end)}`);
      },
    });
  }
  return out;
}

it('function-style and postfix casts, after comments and multi-byte text', () => {
  expect(castSyntaxes("select cast(a as int), b::text, /* é */ CAST('x' as varchar(3)), 'é'::text from t")).toEqual([
    'function cast(a as int)',
    'postfix b::text',
    "function CAST('x' as varchar(3))",
    "postfix 'é'::text",
  ]);
});
