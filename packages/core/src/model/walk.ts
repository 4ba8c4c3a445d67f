import type { Node } from './nodes.ts';

const SKIP_KEYS = new Set(['raw', 'range', 'parent']);

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && 'range' in value;
}

/**
 * Child nodes in source order of their fields. Plain objects without a `type` (such as a
 * Select's `setOperation` or an Insert's `onConflict`) are containers whose nodes count as
 * children too.
 */
export function childNodes(node: Node): Node[] {
  const out: Node[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) collect(v);
    } else if (isNode(value)) {
      out.push(value);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, v] of Object.entries(value)) if (!SKIP_KEYS.has(key)) collect(v);
    }
  };
  for (const [key, value] of Object.entries(node)) {
    if (SKIP_KEYS.has(key)) continue;
    collect(value);
  }
  return out;
}

export interface WalkCallbacks {
  enter(node: Node, ancestors: readonly Node[]): void;
  exit?(node: Node, ancestors: readonly Node[]): void;
}

/**
 * Depth-first walk with an ancestor stack (outermost first). Iterative, because generated SQL
 * can nest expressions thousands deep (`a + b + c + ...` is a left-deep tree).
 */
export function walk(root: Node, callbacks: WalkCallbacks): void {
  const ancestors: Node[] = [];
  const stack: Array<{ node: Node; exit: boolean }> = [{ node: root, exit: false }];
  while (stack.length > 0) {
    const { node, exit } = stack.pop()!;
    if (exit) {
      ancestors.pop();
      callbacks.exit?.(node, ancestors);
      continue;
    }
    callbacks.enter(node, ancestors);
    ancestors.push(node);
    stack.push({ node, exit: true });
    const children = childNodes(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, exit: false });
  }
}

/** All nodes of the subtree (root included) that satisfy the predicate. */
export function findAll<T extends Node>(root: Node, predicate: (node: Node) => node is T): T[] {
  const found: T[] = [];
  walk(root, {
    enter(node) {
      if (predicate(node)) found.push(node);
    },
  });
  return found;
}
