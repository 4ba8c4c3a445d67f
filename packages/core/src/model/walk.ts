import type { Node } from './nodes.ts';


/**
 * Child nodes in source order of their fields. Plain objects without a `type` (such as a
 * Select's `setOperation` or an Insert's `onConflict`) are containers whose nodes count as
 * children too.
 */
export function childNodes(node: Node): Node[] {
  const out: Node[] = [];
  collectFields(node, out);
  return out;
}

// Plain loops rather than Object.entries and closures: every walk and findAll asks for the
// children of every node, and the language server walks a whole file on each keystroke. The
// skipped keys (`raw`, `range`, `parent`) are compared, not looked up in a set, and most values
// (names, flags) are not objects, which is asked first.
function collectFields(container: object, out: Node[]): void {
  for (const key in container) {
    if (key === 'raw' || key === 'range' || key === 'parent') continue;
    const value = (container as Record<string, unknown>)[key];
    if (typeof value === 'object' && value !== null) collectValue(value, out);
  }
}

function collectValue(value: object, out: Node[]): void {
  if (Array.isArray(value)) {
    // An index loop: model arrays are frozen, and for...of walks frozen arrays with an iterator object.
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) collectValue(item, out);
    }
  } else if (typeof (value as { type?: unknown }).type === 'string' && 'range' in value) {
    out.push(value as Node);
  } else {
    collectFields(value, out);
  }
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
  if (Object.isFrozen(root)) {
    const { exit } = callbacks;
    walkPreorder(preorderOf(root), (node, _type, ancestors) => callbacks.enter(node, ancestors), exit && ((node, _type, ancestors) => exit(node, ancestors)));
    return;
  }
  const ancestors: Node[] = [];
  // Pending visits, each a node and whether it is its exit (parallel arrays: no object per visit).
  const stack: Node[] = [root];
  const exits: boolean[] = [false];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (exits.pop()) {
      ancestors.pop();
      callbacks.exit?.(node, ancestors);
      continue;
    }
    callbacks.enter(node, ancestors);
    ancestors.push(node);
    stack.push(node);
    exits.push(true);
    const children = childNodes(node);
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push(children[i]!);
      exits.push(false);
    }
  }
}

/** All nodes of the subtree (root included) that satisfy the predicate. */
export function findAll<T extends Node>(root: Node, predicate: (node: Node) => node is T): T[] {
  if (Object.isFrozen(root)) return preorderOf(root).nodes.filter(predicate);
  const found: T[] = [];
  walk(root, {
    enter(node) {
      if (predicate(node)) found.push(node);
    },
  });
  return found;
}

/** A subtree's nodes in the order `walk` enters them, with each node's depth below the root and its `nodeTypeId`. */
interface Preorder {
  nodes: Node[];
  depths: number[];
  types: number[];
}

const typeIds = new Map<string, number>();

/** A small number per node type, so that tables by type (`walkDispatch`) can be arrays. */
export function nodeTypeId(type: string): number {
  let id = typeIds.get(type);
  if (id === undefined) typeIds.set(type, (id = typeIds.size));
  return id;
}

export type NodeCallback = (node: Node, ancestors: readonly Node[]) => void;

/**
 * `walk`, calling for each node only the callbacks for its type: `enter[nodeTypeId(type)]` and
 * `exit[...]`. The engine dispatches every node of a file to the rules this way, on each keystroke
 * in an editor; a map lookup per node and per exit showed in profiles.
 */
export function walkDispatch(root: Node, enter: ReadonlyArray<NodeCallback | undefined>, exit: ReadonlyArray<NodeCallback | undefined>): void {
  if (!Object.isFrozen(root)) {
    walkFreshDispatch(root, enter, exit);
    return;
  }
  walkPreorder(
    preorderOf(root),
    (node, type, ancestors) => enter[type]?.(node, ancestors),
    (node, type, ancestors) => exit[type]?.(node, ancestors),
  );
}

/** `walk` with each node's type id looked up once, for both its enter and its exit. */
function walkFreshDispatch(root: Node, enter: ReadonlyArray<NodeCallback | undefined>, exit: ReadonlyArray<NodeCallback | undefined>): void {
  const ancestors: Node[] = [];
  // Pending visits: a node, and its type id for an enter or -1 - id for its exit (no object per visit).
  const stack: Node[] = [root];
  const visits: number[] = [nodeTypeId(root.type)];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const visit = visits.pop()!;
    if (visit < 0) {
      ancestors.pop();
      exit[-1 - visit]?.(node, ancestors);
      continue;
    }
    enter[visit]?.(node, ancestors);
    ancestors.push(node);
    stack.push(node);
    visits.push(-1 - visit);
    const children = childNodes(node);
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]!;
      stack.push(child);
      visits.push(nodeTypeId(child.type));
    }
  }
}

/**
 * Frozen trees never change (the engine deep-freezes the statements it caches between runs), so
 * their node order is worked out once: the language server walks every statement of a file on
 * each keystroke, and reading every field of every node for its children cost more than the
 * rules' own work.
 */
const preorders = new WeakMap<Node, Preorder>();

function preorderOf(root: Node): Preorder {
  let preorder = preorders.get(root);
  if (preorder) return preorder;
  preorder = { nodes: [], depths: [], types: [] };
  const stack: Node[] = [root];
  const depths: number[] = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const depth = depths.pop()!;
    preorder.nodes.push(node);
    preorder.depths.push(depth);
    preorder.types.push(nodeTypeId(node.type));
    const children = childNodes(node);
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push(children[i]!);
      depths.push(depth + 1);
    }
  }
  preorders.set(root, preorder);
  return preorder;
}

type PreorderCallback = (node: Node, type: number, ancestors: readonly Node[]) => void;

/** The calls `walk` makes, in the same order and with the same live ancestor stack, with each node's `nodeTypeId`. */
function walkPreorder({ nodes, depths, types }: Preorder, enter: PreorderCallback, exit: PreorderCallback | undefined): void {
  const ancestors: Node[] = [];
  const ancestorTypes: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    while (ancestors.length > depths[i]!) {
      const node = ancestors.pop()!;
      const type = ancestorTypes.pop()!;
      exit?.(node, type, ancestors);
    }
    enter(nodes[i]!, types[i]!, ancestors);
    ancestors.push(nodes[i]!);
    ancestorTypes.push(types[i]!);
  }
  while (ancestors.length > 0) {
    const node = ancestors.pop()!;
    const type = ancestorTypes.pop()!;
    exit?.(node, type, ancestors);
  }
}
