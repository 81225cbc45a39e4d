// Proves the treasury asks for an issue only below the low watermark (counting loads on their way out), a recall only above the high one, each back to the target, and nothing in between.
import { treasuryDecision } from './treasury.service';

describe('treasury decision', () => {
  const low = 1_000n;
  const high = 10_000n;
  const target = 5_000n;

  it('issues up to the target below the low watermark, counting pending loads', () => {
    expect(treasuryDecision(0n, 0n, low, high, target)).toEqual({ direction: 'issue', amount: 5_000n });
    expect(treasuryDecision(1_500n, 600n, low, high, target)).toEqual({ direction: 'issue', amount: 4_100n });
  });

  it('recalls down to the target above the high watermark', () => {
    expect(treasuryDecision(12_000n, 0n, low, high, target)).toEqual({ direction: 'recall', amount: 7_000n });
  });

  it('does nothing between the watermarks or on a side that is off', () => {
    expect(treasuryDecision(1_000n, 0n, low, high, target)).toBeNull();
    expect(treasuryDecision(10_000n, 0n, low, high, target)).toBeNull();
    expect(treasuryDecision(0n, 0n, 0n, high, target)).toBeNull();
    expect(treasuryDecision(99_999n, 0n, low, 0n, low)).toBeNull();
  });
});
