// Proves the report rules' arithmetic: the "just under" band is [80% of the threshold, threshold)
// in integer fen, and structuring fires at the configured count only once per window.
import { isJustUnder, largeValueReportId, structuringFires, structuringFloor, structuringReportId, type StructuringRule } from './report-rules';

const rule: StructuringRule = { paymentsMin: 3, shareBps: 8_000, windowHours: 24 };
const threshold = 5_000_000n;

describe('report rules', () => {
  it('computes the just-under band in whole fen, rounding the floor up', () => {
    expect(structuringFloor(threshold, 8_000)).toBe(4_000_000n);
    expect(structuringFloor(101n, 5_000)).toBe(51n);
    expect(isJustUnder(4_000_000n, threshold, rule)).toBe(true);
    expect(isJustUnder(4_999_999n, threshold, rule)).toBe(true);
    expect(isJustUnder(3_999_999n, threshold, rule)).toBe(false);
    expect(isJustUnder(threshold, threshold, rule)).toBe(false);
  });

  it('fires structuring at the minimum count, and not again inside a reported window', () => {
    expect(structuringFires(2, false, rule)).toBe(false);
    expect(structuringFires(3, false, rule)).toBe(true);
    expect(structuringFires(4, true, rule)).toBe(false);
  });

  it('derives report ids from the payment, so a replay makes the same report', () => {
    expect(largeValueReportId('pay-1')).toBe('large-value:pay-1');
    expect(structuringReportId('pay-1')).toBe('structuring:pay-1');
  });
});
