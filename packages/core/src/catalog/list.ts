/**
 * An immutable list whose versions share structure: the columns, indexes and constraints of a
 * catalog table. A migration history (or a schema dump) changes one table thousands of times,
 * and versions stay reachable (snapshots before each file, a rule holding a table, the changes a
 * language server keeps for re-lints), so copying a list per change made replay quadratic in
 * time and memory.
 *
 * Items sit in the slots of a 32-way tree with a separate tail, so adding or replacing an item
 * copies one path: O(log n). Removing an item leaves a hole in its slot (the later items keep
 * theirs), and the slots are packed again once holes are half of them, so removal is O(log n)
 * amortized after the scan that finds the items to remove.
 *
 * Reading mirrors ReadonlyArray (length, at, find, some, map, iteration, ...), except indexing
 * with `[i]`: use `at(i)`.
 */
const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

type Node = readonly unknown[];

/** What a removed item's slot holds. */
const HOLE: unique symbol = Symbol('removed');

export class CatalogList<T> implements Iterable<T> {
  private static readonly EMPTY = new CatalogList<never>(0, 0, BITS, Object.freeze([]), Object.freeze([]));

  /** The number of items (slots that are not holes). */
  readonly length: number;

  private constructor(
    /** Slots in use, holes included. */
    private readonly slots: number,
    private readonly holes: number,
    private readonly shift: number,
    private readonly root: Node,
    private readonly tail: readonly unknown[],
  ) {
    this.length = slots - holes;
    Object.freeze(this);
  }

  static empty<T>(): CatalogList<T> {
    return CatalogList.EMPTY;
  }

  static of<T>(items: Iterable<T>): CatalogList<T> {
    if (items instanceof CatalogList) return items as CatalogList<T>;
    const all = Array.isArray(items) ? (items as readonly T[]) : [...items];
    if (all.length === 0) return CatalogList.EMPTY;
    // Built bottom-up in one pass: leaves of 32, the last (1 to 32 items) as the tail.
    const tailOffset = ((all.length - 1) >>> BITS) << BITS;
    let nodes: Node[] = [];
    for (let i = 0; i < tailOffset; i += WIDTH) nodes.push(Object.freeze(all.slice(i, i + WIDTH)));
    let shift = BITS;
    while (nodes.length > WIDTH) {
      const parents: Node[] = [];
      for (let i = 0; i < nodes.length; i += WIDTH) parents.push(Object.freeze(nodes.slice(i, i + WIDTH)));
      nodes = parents;
      shift += BITS;
    }
    return new CatalogList(all.length, 0, shift, Object.freeze(nodes), Object.freeze(all.slice(tailOffset)));
  }

  /** The first slot of the tail: every slot below it lives in the tree. */
  private get tailOffset(): number {
    return this.slots < WIDTH ? 0 : ((this.slots - 1) >>> BITS) << BITS;
  }

  private leafFor(slot: number): readonly unknown[] {
    if (slot >= this.tailOffset) return this.tail;
    let node = this.root;
    for (let level = this.shift; level > 0; level -= BITS) node = node[(slot >>> level) & MASK] as Node;
    return node;
  }

  /** The leaves in slot order (the tail last): loops over them are plain array loops. */
  private leaves(): Array<readonly unknown[]> {
    const out: Array<readonly unknown[]> = [];
    const end = this.tailOffset;
    for (let base = 0; base < end; base += WIDTH) out.push(this.leafFor(base));
    out.push(this.tail);
    return out;
  }

  /**
   * Calls `visit` with each item, its index and its slot until it returns true; returns the
   * index it stopped at, or -1.
   */
  private scan(visit: (item: T, index: number, slot: number) => unknown): number {
    let index = 0;
    let slot = 0;
    for (const leaf of this.leaves()) {
      for (let i = 0; i < leaf.length; i++, slot++) {
        const item = leaf[i];
        if (item === HOLE) continue;
        if (visit(item as T, index, slot)) return index;
        index++;
      }
    }
    return -1;
  }

  /** The item at `index`; negative indexes count from the end, as Array.prototype.at does. */
  at(index: number): T | undefined {
    const i = index < 0 ? this.length + index : index;
    if (i < 0 || i >= this.length || !Number.isInteger(i)) return undefined;
    if (this.holes === 0) return this.leafFor(i)[i & MASK] as T;
    let found: T | undefined;
    this.scan((item, at) => at === i && ((found = item), true));
    return found;
  }

  push(item: T): CatalogList<T> {
    return this.pushSlot(item);
  }

  private pushSlot(value: unknown, holes = this.holes): CatalogList<T> {
    const count = this.slots;
    if (count - this.tailOffset < WIDTH) return new CatalogList(count + 1, holes, this.shift, this.root, Object.freeze([...this.tail, value]));
    // The tail is full: it becomes a leaf of the tree, and the new slot starts a new tail.
    let root: Node;
    let shift = this.shift;
    if (count >>> BITS > 1 << shift) {
      root = Object.freeze([this.root, newPath(shift, this.tail)]);
      shift += BITS;
    } else {
      root = pushLeaf(count, shift, this.root, this.tail);
    }
    return new CatalogList(count + 1, holes, shift, root, Object.freeze([value]));
  }

  private withSlot(slot: number, value: unknown, holes: number): CatalogList<T> {
    if (slot >= this.tailOffset) {
      const tail = [...this.tail];
      tail[slot & MASK] = value;
      return new CatalogList(this.slots, holes, this.shift, this.root, Object.freeze(tail));
    }
    return new CatalogList(this.slots, holes, this.shift, assign(this.shift, this.root, slot, value), this.tail);
  }

  /** A list with `item` at `index` (an existing index) instead. */
  with(index: number, item: T): CatalogList<T> {
    if (index < 0 || index >= this.length || !Number.isInteger(index)) throw new RangeError(`index ${index} is outside a list of ${this.length}`);
    let slot = index;
    if (this.holes > 0) this.scan((_, at, s) => at === index && ((slot = s), true));
    return this.withSlot(slot, item, this.holes);
  }

  /**
   * `change` applied to every item; items it returns unchanged (the same object) keep their
   * place in the shared structure, so changing one column of a wide table copies one path.
   */
  replace(change: (item: T) => T): CatalogList<T> {
    const changed: Array<[number, T]> = [];
    this.scan((item, _, slot) => {
      const next = change(item);
      if (next !== item) changed.push([slot, next]);
    });
    let list: CatalogList<T> = this;
    for (const [slot, next] of changed) list = list.withSlot(slot, next, list.holes);
    return list;
  }

  /** The items `keep` accepts, as a list (this one when it accepts them all). */
  keep(keep: (item: T) => unknown): CatalogList<T> {
    const removed: number[] = [];
    this.scan((item, _, slot) => {
      if (!keep(item)) removed.push(slot);
    });
    if (removed.length === 0) return this;
    if (removed.length === this.length) return CatalogList.EMPTY;
    if ((this.holes + removed.length) * 2 > this.slots) return CatalogList.of(this.filter(keep));
    let list: CatalogList<T> = this;
    for (const slot of removed) list = list.withSlot(slot, HOLE, list.holes + 1);
    return list;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const leaf of this.leaves()) {
      for (let i = 0; i < leaf.length; i++) if (leaf[i] !== HOLE) yield leaf[i] as T;
    }
  }

  findIndex(predicate: (item: T, index: number) => unknown): number {
    return this.scan((item, index) => predicate(item, index));
  }

  find<S extends T>(predicate: (item: T, index: number) => item is S): S | undefined;
  find(predicate: (item: T, index: number) => unknown): T | undefined;
  find(predicate: (item: T, index: number) => unknown): T | undefined {
    let found: T | undefined;
    this.scan((item, index) => predicate(item, index) && ((found = item), true));
    return found;
  }

  some(predicate: (item: T, index: number) => unknown): boolean {
    return this.scan((item, index) => predicate(item, index)) >= 0;
  }

  every(predicate: (item: T, index: number) => unknown): boolean {
    return this.scan((item, index) => !predicate(item, index)) < 0;
  }

  includes(value: T): boolean {
    return this.scan((item) => item === value) >= 0;
  }

  forEach(visit: (item: T, index: number) => void): void {
    this.scan((item, index) => {
      visit(item, index);
    });
  }

  filter<S extends T>(predicate: (item: T, index: number) => item is S): S[];
  filter(predicate: (item: T, index: number) => unknown): T[];
  filter(predicate: (item: T, index: number) => unknown): T[] {
    const out: T[] = [];
    this.scan((item, index) => {
      if (predicate(item, index)) out.push(item);
    });
    return out;
  }

  map<U>(transform: (item: T, index: number) => U): U[] {
    const out: U[] = [];
    this.scan((item, index) => {
      out.push(transform(item, index));
    });
    return out;
  }

  flatMap<U>(transform: (item: T, index: number) => U | readonly U[]): U[] {
    const out: U[] = [];
    this.scan((item, index) => {
      const mapped = transform(item, index);
      if (Array.isArray(mapped)) out.push(...(mapped as readonly U[]));
      else out.push(mapped as U);
    });
    return out;
  }

  toArray(): T[] {
    return [...this];
  }

  /** JSON (and `explain`) show the list as an array. */
  toJSON(): T[] {
    return this.toArray();
  }
}

function newPath(level: number, leaf: Node): Node {
  return level === 0 ? leaf : Object.freeze([newPath(level - BITS, leaf)]);
}

/** The tree with the full tail `leaf` added as the leaf for slots `count - WIDTH .. count - 1`. */
function pushLeaf(count: number, level: number, parent: Node, leaf: Node): Node {
  const slot = ((count - 1) >>> level) & MASK;
  const copy = [...parent];
  if (level === BITS) copy[slot] = leaf;
  else {
    const child = parent[slot] as Node | undefined;
    copy[slot] = child ? pushLeaf(count, level - BITS, child, leaf) : newPath(level - BITS, leaf);
  }
  return Object.freeze(copy);
}

function assign(level: number, node: Node, slot: number, value: unknown): Node {
  const copy = [...node];
  if (level === 0) copy[slot & MASK] = value;
  else {
    const at = (slot >>> level) & MASK;
    copy[at] = assign(level - BITS, node[at] as Node, slot, value);
  }
  return Object.freeze(copy);
}
