// Proves that the policy presets carry the published e-CNY figures in fen, say where they had to
// default, that custom limits are validated, and that windows follow the calendar at +08:00.
import { yuan } from './money';
import {
  type ClassLimits,
  InvalidPolicyError,
  calendarKeys,
  createPolicy,
  largeValueThresholdDefault,
  policyPresetNames,
  policyPresets,
  validateClassLimits,
  walletClasses,
} from './policy';

function inYuan(limits: ClassLimits): bigint[] {
  return [limits.balanceCap, limits.singlePayment, limits.daily, limits.annual].map((fen) => {
    expect(fen % 100n).toBe(0n);
    return fen / 100n;
  });
}

describe('presets', () => {
  it('ccb-2020 carries the CCB service agreement figures', () => {
    const table = policyPresets['ccb-2020'].classLimits;
    expect(walletClasses.map((walletClass) => inYuan(table[walletClass]))).toEqual([
      [500_000n, 50_000n, 100_000n, 500_000n],
      [10_000n, 5_000n, 10_000n, 300_000n],
      [2_000n, 2_000n, 2_000n, 50_000n],
      [1_000n, 500n, 1_000n, 10_000n],
    ]);
  });

  it('pboc-2021 carries the PBoC tiers and says which figures it defaulted', () => {
    const preset = policyPresets['pboc-2021'];
    expect(inYuan(preset.classLimits[4])).toEqual([10_000n, 2_000n, 5_000n, 50_000n]);
    for (const walletClass of [1, 2] as const) expect(inYuan(preset.classLimits[walletClass]).slice(0, 3)).toEqual([500_000n, 50_000n, 100_000n]);
    expect(preset.classLimits[1].annual).toBe(policyPresets['ccb-2020'].classLimits[1].annual);
    expect(preset.classLimits[3]).toEqual(preset.classLimits[4]);
    expect(preset.notes.some((note) => note.includes('annual'))).toBe(true);
    expect(preset.notes.some((note) => note.startsWith('Class 3'))).toBe(true);
  });

  it.each(policyPresetNames.map((name) => [name]))('%s validates and never gives a stronger-KYC class lower limits', (name) => {
    const policy = createPolicy({ preset: name });
    expect(policy.name).toBe(name);
    expect(policy.largeValueThreshold).toBe(yuan(50_000n));
    expect(policy.calendarUtcOffsetMinutes).toBe(480);
    for (const walletClass of [1, 2, 3] as const) {
      const stronger = policy.classLimits[walletClass];
      const weaker = policy.classLimits[(walletClass + 1) as 2 | 3 | 4];
      for (const field of ['balanceCap', 'singlePayment', 'daily', 'annual'] as const) expect(stronger[field]).toBeGreaterThanOrEqual(weaker[field]);
    }
  });
});

describe('custom policies', () => {
  it('replaces the limits of the classes given and names the policy custom', () => {
    const limits = { balanceCap: 900n, singlePayment: 100n, daily: 200n, annual: 300n };
    const policy = createPolicy({ preset: 'pboc-2021', classLimits: { 2: limits }, largeValueThreshold: 1_000n, calendarUtcOffsetMinutes: 0 });
    expect(policy.name).toBe('custom');
    expect(policy.classLimits[2]).toEqual(limits);
    expect(policy.classLimits[1]).toEqual(policyPresets['pboc-2021'].classLimits[1]);
    expect(policy.notes.at(-1)).toContain('class 2');
    expect(Object.isFrozen(policy.classLimits[2])).toBe(true);
  });

  it.each([
    ['zero', { balanceCap: 0n, singlePayment: 1n, daily: 1n, annual: 1n }, 'balanceCap'],
    ['single above daily', { balanceCap: 10n, singlePayment: 6n, daily: 5n, annual: 50n }, 'singlePayment exceeds daily'],
    ['daily above annual', { balanceCap: 10n, singlePayment: 5n, daily: 60n, annual: 50n }, 'daily exceeds annual'],
    ['a float', { balanceCap: 10, singlePayment: 5n, daily: 5n, annual: 50n } as unknown as ClassLimits, 'bigint'],
    ['beyond 64 bits', { balanceCap: 2n ** 63n, singlePayment: 5n, daily: 5n, annual: 50n }, 'at most'],
  ])('refuses limits with %s', (_what, limits, message) => {
    expect(validateClassLimits(3, limits).join(' ')).toContain(message);
    expect(() => createPolicy({ classLimits: { 3: limits } })).toThrow(InvalidPolicyError);
  });

  it('refuses a threshold that is not positive and an offset that is not a real time zone', () => {
    expect(() => createPolicy({ largeValueThreshold: 0n })).toThrow(/largeValueThreshold/);
    expect(() => createPolicy({ calendarUtcOffsetMinutes: 900 })).toThrow(/calendarUtcOffsetMinutes/);
    expect(() => createPolicy({ calendarUtcOffsetMinutes: 30.5 })).toThrow(/calendarUtcOffsetMinutes/);
    expect(createPolicy().largeValueThreshold).toBe(largeValueThresholdDefault);
  });
});

describe('calendarKeys', () => {
  it('changes day at midnight +08:00, which is 16:00 UTC', () => {
    const before = calendarKeys(Date.UTC(2025, 2, 1, 15, 59, 59, 999), 480);
    const after = calendarKeys(Date.UTC(2025, 2, 1, 16, 0, 0, 0), 480);
    expect(after.dayKey - before.dayKey).toBe(1);
    expect(calendarKeys(Date.UTC(2025, 2, 1, 16, 0, 0, 0), 0).dayKey).toBe(before.dayKey);
  });

  it('changes year at midnight +08:00 on 1 January', () => {
    expect(calendarKeys(Date.UTC(2025, 11, 31, 15, 59, 59, 999), 480).yearKey).toBe(2025);
    expect(calendarKeys(Date.UTC(2025, 11, 31, 16, 0, 0, 0), 480).yearKey).toBe(2026);
    expect(calendarKeys(Date.UTC(2025, 11, 31, 16, 0, 0, 0), 0).yearKey).toBe(2025);
  });

  it('counts days from 1970-01-01 in the offset', () => {
    expect(calendarKeys(0, 0)).toEqual({ dayKey: 0, yearKey: 1970 });
    expect(calendarKeys(-1, 0)).toEqual({ dayKey: -1, yearKey: 1969 });
  });
});
