// Proves the seeded random source repeats from its seed and the Zipf sampler draws ranks with probability proportional to 1 / k^s.
import { randomInteger, seededRandom, ZipfSampler } from './zipf-sampler';

describe('seededRandom', () => {
  it('repeats its sequence for one seed and differs for another, always in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(first);
    for (const value of first) expect(value >= 0 && value < 1).toBe(true);
  });

  it('randomInteger covers both ends of its range and nothing outside', () => {
    const random = seededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(randomInteger(random, 1, 5));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('ZipfSampler', () => {
  it('has probabilities proportional to 1 / k^s that add up to 1', () => {
    const zipf = new ZipfSampler(4, 1);
    const harmonic = 1 + 1 / 2 + 1 / 3 + 1 / 4;
    for (let index = 0; index < 4; index++) expect(zipf.probability(index)).toBeCloseTo(1 / (index + 1) / harmonic, 12);
  });

  it('is uniform with exponent 0', () => {
    const zipf = new ZipfSampler(5, 0);
    for (let index = 0; index < 5; index++) expect(zipf.probability(index)).toBeCloseTo(0.2, 12);
  });

  it('samples each rank about as often as its probability', () => {
    const zipf = new ZipfSampler(20, 1.1);
    const random = seededRandom(1);
    const draws = 200_000;
    const counts = new Array<number>(20).fill(0);
    for (let i = 0; i < draws; i++) counts[zipf.sample(random)]!++;
    for (let index = 0; index < 20; index++) expect(Math.abs(counts[index]! / draws - zipf.probability(index))).toBeLessThan(0.005);
    expect(counts[0]).toBeGreaterThan(counts[1]!);
    expect(counts[1]).toBeGreaterThan(counts[19]!);
  });

  it('always answers an index in range, also for a single item', () => {
    const random = seededRandom(3);
    const one = new ZipfSampler(1, 2);
    for (let i = 0; i < 100; i++) expect(one.sample(random)).toBe(0);
    expect(() => new ZipfSampler(0, 1)).toThrow(RangeError);
    expect(() => new ZipfSampler(3, -1)).toThrow(RangeError);
  });
});
