/**
 * Random choices of the scenarios, repeatable from a seed: a small fast generator (mulberry32) and
 * a Zipf sampler that puts most payments on a few hot merchants (item k of n is chosen with
 * probability proportional to 1 / k^s; s = 0 is uniform).
 */

/** A uniform float in [0, 1) per call; the same seed gives the same sequence. */
export type RandomSource = () => number;

export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An integer in [min, max], both included. */
export function randomInteger(random: RandomSource, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(
    readonly size: number,
    readonly exponent: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a Zipf sampler needs at least one item, got ${size}`);
    if (!(exponent >= 0)) throw new RangeError(`the Zipf exponent must be >= 0, got ${exponent}`);
    this.cumulative = new Float64Array(size);
    let sum = 0;
    for (let rank = 1; rank <= size; rank++) {
      sum += 1 / rank ** exponent;
      this.cumulative[rank - 1] = sum;
    }
    for (let index = 0; index < size; index++) this.cumulative[index]! /= sum;
  }

  /** The probability of item `index` (0 is the hottest). */
  probability(index: number): number {
    return this.cumulative[index]! - (index === 0 ? 0 : this.cumulative[index - 1]!);
  }

  /** An index in [0, size): the first whose cumulative probability exceeds a uniform draw. */
  sample(random: RandomSource): number {
    const draw = random();
    let low = 0;
    let high = this.size - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle]! > draw) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
