/** A small seeded PRNG (mulberry32): the fuzz run is a pure function of `--seed` and the input index. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The generator for input `index` of a run seeded with `seed`, independent of every other input. */
  static forInput(seed: number, index: number): Rng {
    // splitmix-style mixing so neighbouring indices give unrelated streams.
    let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
    return new Rng((h ^ (h >>> 16)) >>> 0);
  }

  /** In [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Integer in [min, max], log-uniform: small values are as likely per decade as large ones. */
  logInt(min: number, max: number): number {
    const lo = Math.log(Math.max(1, min));
    const hi = Math.log(Math.max(1, max));
    return Math.min(max, Math.max(min, Math.round(Math.exp(lo + this.next() * (hi - lo)))));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    const total = items.reduce((sum, [w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [w, value] of items) {
      r -= w;
      if (r < 0) return value;
    }
    return items[items.length - 1]![1];
  }
}
