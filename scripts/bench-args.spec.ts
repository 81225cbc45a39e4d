// Proves the benchmark flags parse positive integers, fall back when absent, and refuse anything else.
import { positiveIntFlag } from './bench-args';

describe('positiveIntFlag', () => {
  it('reads the value after the flag, or the fallback when the flag is absent', () => {
    expect(positiveIntFlag('payments', 10, ['node', 'bench', '--payments', '50000'])).toBe(50_000);
    expect(positiveIntFlag('payments', 10, ['node', 'bench'])).toBe(10);
  });

  it.each([['0'], ['-5'], ['1.5'], ['many'], [undefined]])('refuses %s', (value) => {
    const argv = value === undefined ? ['node', 'bench', '--payments'] : ['node', 'bench', '--payments', value];
    expect(() => positiveIntFlag('payments', 10, argv)).toThrow('--payments must be a positive integer');
  });
});
