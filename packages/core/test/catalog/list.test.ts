import { describe, expect, it } from 'vitest';
import { CatalogList } from '../../src/catalog/list.ts';

/** A deterministic pseudo-random sequence, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

describe('CatalogList', () => {
  it('reads like the array it was built from, across tree depths', () => {
    for (const size of [0, 1, 31, 32, 33, 64, 65, 1023, 1024, 1025, 32 * 32 * 32 + 1]) {
      const items = Array.from({ length: size }, (_, i) => i);
      const list = CatalogList.of(items);
      expect(list.length).toBe(size);
      expect([...list]).toEqual(items);
      expect(list.toArray()).toEqual(items);
      expect(list.at(-1)).toBe(items.at(-1));
      expect(list.at(size)).toBeUndefined();
      expect(list.map((x) => x * 2)).toEqual(items.map((x) => x * 2));
      expect(list.filter((x) => x % 7 === 0)).toEqual(items.filter((x) => x % 7 === 0));
      expect(list.findIndex((x) => x === size - 1)).toBe(size - 1);
      expect(list.some((x) => x === size)).toBe(false);
      expect(list.every((x) => x < size)).toBe(true);
      expect(JSON.stringify(list)).toBe(JSON.stringify(items));
    }
  });

  it('keeps every earlier version intact while later versions push, replace and keep', () => {
    const next = random(42);
    const versions: Array<{ list: CatalogList<number>; array: number[] }> = [{ list: CatalogList.empty(), array: [] }];
    for (let step = 0; step < 3000; step++) {
      // Branch from any earlier version now and then, as a snapshot restored before a rollback does.
      const from = next() < 0.1 ? versions[Math.floor(next() * versions.length)]! : versions[versions.length - 1]!;
      const roll = next();
      let list: CatalogList<number>;
      let array: number[];
      if (roll < 0.7 || from.array.length === 0) {
        list = from.list.push(step);
        array = [...from.array, step];
      } else if (roll < 0.9) {
        const at = Math.floor(next() * from.array.length);
        list = from.list.with(at, -step);
        array = from.array.map((x, i) => (i === at ? -step : x));
      } else {
        const drop = (x: number): boolean => x % 5 !== step % 5;
        list = from.list.keep(drop);
        array = from.array.filter(drop);
      }
      versions.push({ list, array });
    }
    for (const { list, array } of versions) expect([...list]).toEqual(array);
  });

  it('shares what a change leaves alone: replace and keep return the same list when nothing changes', () => {
    const list = CatalogList.of([1, 2, 3]);
    expect(list.replace((x) => x)).toBe(list);
    expect(list.keep(() => true)).toBe(list);
    expect(list.replace((x) => (x === 2 ? 20 : x)).toArray()).toEqual([1, 20, 3]);
  });

  it('cannot be changed in place', () => {
    const list = CatalogList.of([1, 2]);
    expect(() => ((list as unknown as { length: number }).length = 5)).toThrow(TypeError);
    expect(list.length).toBe(2);
  });
});
