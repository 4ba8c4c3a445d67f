import { beforeAll, describe, expect, it } from 'vitest';
import { postgresAdapter } from '../../src/dialects/postgres/index.ts';
import { SegmentParseCache } from '../../src/engine/parse-cache.ts';
import type { Node } from '../../src/model/nodes.ts';
import { nodeTypeId, walk, walkDispatch, type NodeCallback } from '../../src/model/walk.ts';
import { ready } from '../engine/helpers.ts';

beforeAll(() => ready);

const SQL = "WITH x AS (SELECT a FROM t WHERE b = 1) SELECT lower(a), (SELECT max(c) FROM u) FROM x JOIN v ON v.id = x.a WHERE a IN (1, 2) AND NOT (b <> 3);";

/** What `walk` calls, as `enter Type @depth` / `exit Type @depth` lines. */
function viaWalk(root: Node): string[] {
  const out: string[] = [];
  walk(root, {
    enter: (node, ancestors) => void out.push(`enter ${node.type} @${ancestors.length}`),
    exit: (node, ancestors) => void out.push(`exit ${node.type} @${ancestors.length}`),
  });
  return out;
}

/** The same through walkDispatch, with callbacks registered for every type the tree has. */
function viaDispatch(root: Node, types: string[]): string[] {
  const out: string[] = [];
  const enter: Array<NodeCallback | undefined> = [];
  const exit: Array<NodeCallback | undefined> = [];
  for (const type of types) {
    enter[nodeTypeId(type)] = (node, ancestors) => void out.push(`enter ${node.type} @${ancestors.length}`);
    exit[nodeTypeId(type)] = (node, ancestors) => void out.push(`exit ${node.type} @${ancestors.length}`);
  }
  walkDispatch(root, enter, exit);
  return out;
}

describe('walkDispatch', () => {
  it('calls what walk calls, in the same order with the same ancestors, on frozen (cached) and fresh trees', () => {
    const fresh = postgresAdapter.parseSegment(SQL, { start: 0, end: SQL.length - 1 }).statements[0]!;
    const cache = new SegmentParseCache();
    const frozen = cache.parseFile(postgresAdapter, 'a.sql', SQL).parses[0]!.statements[0]!;
    expect(Object.isFrozen(frozen)).toBe(true);
    const expected = viaWalk(fresh);
    const types = [...new Set(expected.map((line) => line.split(' ')[1]!))];
    expect(types).toEqual(expect.arrayContaining(['Select', 'Comparison', 'FuncCall', 'InList', 'Join']));
    expect(viaDispatch(fresh, types)).toEqual(expected);
    expect(viaDispatch(frozen, types)).toEqual(expected);
    expect(viaWalk(frozen)).toEqual(expected);
  });

  it('calls only the callbacks registered for a node type', () => {
    const cache = new SegmentParseCache();
    const frozen = cache.parseFile(postgresAdapter, 'a.sql', SQL).parses[0]!.statements[0]!;
    const seen: string[] = [];
    const enter: Array<NodeCallback | undefined> = [];
    enter[nodeTypeId('Comparison')] = (node, ancestors) => void seen.push(`${node.type} in ${ancestors.map((a) => a.type).join('>')}`);
    walkDispatch(frozen, enter, []);
    expect(seen).toEqual(viaWalk(frozen).filter((l) => l.startsWith('enter Comparison')).map(() => expect.stringMatching(/^Comparison in Select/)));
    expect(seen.length).toBe(3); // b = 1, v.id = x.a, b <> 3
  });
});
