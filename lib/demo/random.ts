/**
 * A small seeded pseudo-random generator for the demo data. Pure and client-safe: no imports,
 * no global state, no Math.random, no clock.
 *
 * Why our own: the demo season must be identical for a given seed on every machine and Node
 * version (tests assert deep equality), and Math.random cannot be seeded.
 *
 * Invariants:
 * - `createRng(seed)` with the same 32-bit seed yields the same sequence forever (mulberry32).
 * - `deriveSeed(seed, label)` gives independent, stable sub-streams: the schedule, the box
 *   scores of one game, the faults… each draw from their own stream, so adding a draw in one
 *   place never reshuffles the others (and a game's box score does not depend on how far the
 *   season has been simulated).
 * - `next()` is in [0, 1); `int(min, max)` is inclusive on both ends.
 */

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. Throws when max < min. */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  float(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element, uniformly. Throws on an empty array. */
  pick<T>(items: readonly T[]): T;
  /** One element, with probability proportional to its weight (weights ≥ 0, not all 0). */
  weightedPick<T>(items: readonly T[], weights: readonly number[]): T;
  /** A shuffled copy (Fisher–Yates); the input is not modified. */
  shuffle<T>(items: readonly T[]): T[];
  /** `k` distinct elements in random order (k is clamped to the array length). */
  sample<T>(items: readonly T[], k: number): T[];
}

/** mulberry32: 32-bit state, full period 2^32, good enough statistics for simulation. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const int = (min: number, max: number): number => {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}): need integers with min <= max`);
    }
    return min + Math.floor(next() * (max - min + 1));
  };

  const shuffle = <T>(items: readonly T[]): T[] => {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  };

  return {
    next,
    int,
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick from an empty array");
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weightedPick: (items, weights) => {
      if (items.length === 0 || items.length !== weights.length) {
        throw new RangeError("weightedPick needs as many weights as items (at least one)");
      }
      const total = weights.reduce((a, w) => a + Math.max(0, w), 0);
      if (!(total > 0)) throw new RangeError("weightedPick needs a positive total weight");
      let r = next() * total;
      for (let i = 0; i < items.length; i++) {
        r -= Math.max(0, weights[i] as number);
        if (r < 0) return items[i] as (typeof items)[number];
      }
      return items[items.length - 1] as (typeof items)[number];
    },
    shuffle,
    sample: (items, k) => shuffle(items).slice(0, Math.max(0, Math.min(k, items.length))),
  };
}

/**
 * A stable 32-bit seed for a named sub-stream of `seed` (cyrb53-style string hash, folded to
 * 32 bits). Same inputs → same output; different labels → unrelated streams.
 */
export function deriveSeed(seed: number, label: string): number {
  let h1 = 0xdeadbeef ^ (seed >>> 0);
  let h2 = 0x41c6ce57 ^ Math.imul(seed >>> 0, 0x9e3779b1);
  for (let i = 0; i < label.length; i++) {
    const ch = label.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/** Shorthand: the generator of a named sub-stream. */
export function rngFor(seed: number, label: string): Rng {
  return createRng(deriveSeed(seed, label));
}
