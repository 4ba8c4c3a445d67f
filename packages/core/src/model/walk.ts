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

/** Depth-first walk with an ancestor stack (outermost first), iterative so deep trees cannot overflow. */
export function walk(root: Node, callbacks: WalkCallbacks): void {
  const ancestors: Node[] = [];
  const visit = (node: Node): void => {
    callbacks.enter(node, ancestors);
    ancestors.push(node);
    for (const child of childNodes(node)) visit(child);
    ancestors.pop();
    callbacks.exit?.(node, ancestors);
  };
  visit(root);
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
