/**
 * An immutable list whose versions share structure: the columns, indexes and constraints of a
 * catalog table. A migration history (or a schema dump) changes one table thousands of times,
 * and every version stays reachable (snapshots before each file, the changes recorded for the
 * language server's re-lints), so copying a list per change made replay quadratic in time and
 * memory. Here a change copies one path of a 32-way tree: O(log n) time and space.
 *
 * Reading mirrors ReadonlyArray (length, at, find, some, map, iteration, ...), except indexing
 * with `[i]`: use `at(i)`.
 */
const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

type Node = readonly unknown[];

export class CatalogList<T> implements Iterable<T> {
  private static readonly EMPTY = new CatalogList<never>(0, BITS, Object.freeze([]), Object.freeze([]));

  private constructor(
    readonly length: number,
    private readonly shift: number,
    private readonly root: Node,
    private readonly tail: readonly T[],
  ) {
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
    return new CatalogList(all.length, shift, Object.freeze(nodes), Object.freeze(all.slice(tailOffset)));
  }

  /** Where the tail starts: every index below it lives in the tree. */
  private get tailOffset(): number {
    return this.length < WIDTH ? 0 : ((this.length - 1) >>> BITS) << BITS;
  }

  private leafFor(index: number): readonly T[] {
    if (index >= this.tailOffset) return this.tail;
    let node = this.root;
    for (let level = this.shift; level > 0; level -= BITS) node = node[(index >>> level) & MASK] as Node;
    return node as readonly T[];
  }

  /** The item at `index`; negative indexes count from the end, as Array.prototype.at does. */
  at(index: number): T | undefined {
    const i = index < 0 ? this.length + index : index;
    if (i < 0 || i >= this.length || !Number.isInteger(i)) return undefined;
    return this.leafFor(i)[i & MASK];
  }

  push(item: T): CatalogList<T> {
    const count = this.length;
    if (count - this.tailOffset < WIDTH) return new CatalogList(count + 1, this.shift, this.root, Object.freeze([...this.tail, item]));
    // The tail is full: it becomes a leaf of the tree, and the new item starts a new tail.
    let root: Node;
    let shift = this.shift;
    if (count >>> BITS > 1 << shift) {
      root = Object.freeze([this.root, newPath(shift, this.tail)]);
      shift += BITS;
    } else {
      root = pushLeaf(count, shift, this.root, this.tail);
    }
    return new CatalogList(count + 1, shift, root, Object.freeze([item]));
  }

  /** A list with `item` at `index` (an existing index) instead. */
  with(index: number, item: T): CatalogList<T> {
    if (index < 0 || index >= this.length) throw new RangeError(`index ${index} is outside a list of ${this.length}`);
    if (index >= this.tailOffset) {
      const tail = [...this.tail];
      tail[index & MASK] = item;
      return new CatalogList(this.length, this.shift, this.root, Object.freeze(tail));
    }
    return new CatalogList(this.length, this.shift, assign(this.shift, this.root, index, item), this.tail);
  }

  /**
   * `change` applied to every item; items it returns unchanged (the same object) keep their
   * place in the shared structure, so changing one column of a wide table copies one path.
   */
  replace(change: (item: T) => T): CatalogList<T> {
    let list: CatalogList<T> = this;
    let index = 0;
    for (const item of this) {
      const next = change(item);
      if (next !== item) list = list.with(index, next);
      index++;
    }
    return list;
  }

  /** The items `keep` accepts, as a list (this one when it accepts them all). */
  keep(keep: (item: T) => unknown): CatalogList<T> {
    let index = 0;
    for (const item of this) {
      if (!keep(item)) break;
      index++;
    }
    if (index === this.length) return this;
    return CatalogList.of(this.filter(keep));
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const leaf of this.leaves()) for (let i = 0; i < leaf.length; i++) yield leaf[i]!;
  }

  /** The leaves in order (the tail last): loops over them are plain array loops. */
  private leaves(): Array<readonly T[]> {
    const out: Array<readonly T[]> = [];
    const end = this.tailOffset;
    for (let base = 0; base < end; base += WIDTH) out.push(this.leafFor(base));
    out.push(this.tail);
    return out;
  }

  findIndex(predicate: (item: T, index: number) => unknown): number {
    let index = 0;
    for (const leaf of this.leaves()) {
      for (let i = 0; i < leaf.length; i++, index++) if (predicate(leaf[i]!, index)) return index;
    }
    return -1;
  }

  find<S extends T>(predicate: (item: T, index: number) => item is S): S | undefined;
  find(predicate: (item: T, index: number) => unknown): T | undefined;
  find(predicate: (item: T, index: number) => unknown): T | undefined {
    const index = this.findIndex(predicate);
    return index < 0 ? undefined : this.at(index);
  }

  some(predicate: (item: T, index: number) => unknown): boolean {
    return this.findIndex(predicate) >= 0;
  }

  every(predicate: (item: T, index: number) => unknown): boolean {
    return this.findIndex((item, index) => !predicate(item, index)) < 0;
  }

  includes(value: T): boolean {
    return this.findIndex((item) => item === value) >= 0;
  }

  forEach(visit: (item: T, index: number) => void): void {
    let index = 0;
    for (const leaf of this.leaves()) for (let i = 0; i < leaf.length; i++) visit(leaf[i]!, index++);
  }

  filter<S extends T>(predicate: (item: T, index: number) => item is S): S[];
  filter(predicate: (item: T, index: number) => unknown): T[];
  filter(predicate: (item: T, index: number) => unknown): T[] {
    const out: T[] = [];
    this.forEach((item, index) => {
      if (predicate(item, index)) out.push(item);
    });
    return out;
  }

  map<U>(transform: (item: T, index: number) => U): U[] {
    const out: U[] = [];
    this.forEach((item, index) => out.push(transform(item, index)));
    return out;
  }

  flatMap<U>(transform: (item: T, index: number) => U | readonly U[]): U[] {
    const out: U[] = [];
    this.forEach((item, index) => {
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

/** The tree with the full tail `leaf` added as the leaf for indexes `count - WIDTH .. count - 1`. */
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

function assign(level: number, node: Node, index: number, item: unknown): Node {
  const copy = [...node];
  if (level === 0) copy[index & MASK] = item;
  else {
    const slot = (index >>> level) & MASK;
    copy[slot] = assign(level - BITS, node[slot] as Node, index, item);
  }
  return Object.freeze(copy);
}
