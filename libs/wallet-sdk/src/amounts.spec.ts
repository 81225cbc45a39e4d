// Proves yuan and fen texts convert exactly through bigint digits: every valid text round-trips, every ambiguous or out-of-range text is refused.
import fc from 'fast-check';
import { fenMax, formatYuan, parseFen, parseYuan } from './amounts';
import { WalletSdkError } from './wallet-sdk-error';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof WalletSdkError) return error.code;
    throw error;
  }
  return undefined;
}

describe('parseYuan', () => {
  it.each([
    ['0', 0n],
    ['0.1', 10n],
    ['0.01', 1n],
    ['0.10', 10n],
    ['7', 700n],
    ['12.34', 1234n],
    ['100000.00', 10_000_000n],
    ['92233720368547758.07', 2n ** 63n - 1n],
  ])('reads %s yuan as %s fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it.each(['1.234', '0.001', '', ' 1', '1 ', '-1', '+1', '1e3', '1E2', '.5', '5.', '01', '00.10', '1,5', '0x10', 'NaN', 'Infinity', '１２', '1.2.3', '1..2'])(
    'refuses %j',
    (text) => {
      expect(codeOf(() => parseYuan(text))).toBe('BAD_AMOUNT');
    },
  );

  it('refuses one fen more than a signed 64-bit column holds, and absurdly long digits', () => {
    expect(codeOf(() => parseYuan('92233720368547758.08'))).toBe('BAD_AMOUNT');
    expect(codeOf(() => parseYuan('99999999999999999.99'))).toBe('BAD_AMOUNT');
    expect(codeOf(() => parseYuan('1'.repeat(10_000)))).toBe('BAD_AMOUNT');
  });

  it('reads values a float would get wrong exactly', () => {
    // 0.29 * 100 is 28.999999999999996 in binary floating point; 9007199254740993 is not a double.
    expect(parseYuan('0.29')).toBe(29n);
    expect(parseYuan('90071992547409.93')).toBe(9_007_199_254_740_993n);
  });
});

describe('formatYuan', () => {
  it.each([
    [0n, '0.00'],
    [1n, '0.01'],
    [10n, '0.10'],
    [1234n, '12.34'],
    [100n, '1.00'],
    [-305n, '-3.05'],
    [2n ** 63n - 1n, '92233720368547758.07'],
  ])('writes %s fen as %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it('round-trips every amount from 0 to fenMax', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: fenMax }), (fen) => {
        expect(parseYuan(formatYuan(fen))).toBe(fen);
      }),
    );
  });
});

describe('parseFen', () => {
  it('reads whole fen up to fenMax', () => {
    expect(parseFen('0')).toBe(0n);
    expect(parseFen('1234')).toBe(1234n);
    expect(parseFen('9223372036854775807')).toBe(fenMax);
  });

  it.each(['9223372036854775808', '12.34', '-1', '01', '', '1e3', ' 1'])('refuses %j', (text) => {
    expect(codeOf(() => parseFen(text))).toBe('BAD_AMOUNT');
  });
});
