// Proves any k of n shares recover the secret and fewer do not, including the regulator's escrow key opening a sealed identity.
import { toHex } from './bytes';
import { generateX25519KeyPair, openWithPrivateKey, sealToPublicKey } from './sealed-box';
import { combineShares, splitSecret, ThresholdSharingError } from './threshold-sharing';

/** Every subset of `size` elements of 0..n-1. */
function subsets(n: number, size: number): number[][] {
  if (size === 0) return [[]];
  if (n < size) return [];
  return [...subsets(n - 1, size), ...subsets(n - 1, size - 1).map((subset) => [...subset, n - 1])];
}

async function combineError(shares: Uint8Array[]): Promise<ThresholdSharingError> {
  try {
    await combineShares(shares);
  } catch (error) {
    if (error instanceof ThresholdSharingError) return error;
    throw error;
  }
  throw new Error('combining succeeded');
}

describe('splitSecret / combineShares', () => {
  const secret = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);

  it('recovers the secret from every subset of k of 5 shares, for k = 2..5', async () => {
    for (let k = 2; k <= 5; k++) {
      const shares = await splitSecret(secret, 5, k);
      for (const subset of subsets(5, k)) {
        expect(toHex(await combineShares(subset.map((i) => shares[i])))).toBe(toHex(secret));
      }
    }
  });

  it('recovers from more than k shares, in any order', async () => {
    const shares = await splitSecret(secret, 7, 3);
    expect(toHex(await combineShares([shares[6], shares[2], shares[4], shares[0]]))).toBe(toHex(secret));
  });

  it('refuses k-1 shares, and k-1 shares with a forged lower threshold yield something other than the secret', async () => {
    const shares = await splitSecret(secret, 5, 3);
    for (const subset of subsets(5, 2)) {
      const pair = subset.map((i) => shares[i]);
      expect((await combineError(pair)).code).toBe('THRESHOLD_NOT_MET');
      const forged = pair.map((share) => {
        const copy = share.slice();
        copy[1] = 2;
        return copy;
      });
      expect(toHex(await combineShares(forged))).not.toBe(toHex(secret));
    }
  });

  it('refuses duplicate shares, shares of different splits, and malformed shares', async () => {
    const shares = await splitSecret(secret, 3, 2);
    const other = await splitSecret(secret, 3, 3);
    const longer = await splitSecret(new Uint8Array(33), 3, 2);
    expect((await combineError([shares[0], shares[0]])).code).toBe('SHARES_MALFORMED');
    expect((await combineError([shares[0], other[1], other[2]])).code).toBe('SHARES_MIXED');
    expect((await combineError([shares[0], longer[1]])).code).toBe('SHARES_MIXED');
    expect((await combineError([new Uint8Array([9, 2, 1, 1]), new Uint8Array([9, 2, 1, 2])])).code).toBe('SHARES_MALFORMED');
    expect((await combineError([])).code).toBe('SHARES_MALFORMED');
  });

  it.each([
    ['threshold 1', 3, 1],
    ['threshold above the share count', 3, 4],
    ['256 shares', 256, 2],
    ['a fractional threshold', 3, 2.5],
  ])('refuses %s', async (_label, shares, threshold) => {
    await expect(splitSecret(secret, shares, threshold)).rejects.toThrow(RangeError);
  });

  it('refuses an empty secret and takes a node Buffer as input', async () => {
    await expect(splitSecret(new Uint8Array(0), 3, 2)).rejects.toThrow(RangeError);
    const shares = await splitSecret(Buffer.from(secret), 3, 2);
    expect(toHex(await combineShares(shares.slice(1)))).toBe(toHex(secret));
  });

  it('lets 3 of 5 officials rebuild the regulator key and open an escrowed identity', async () => {
    const regulator = generateX25519KeyPair();
    const escrow = sealToPublicKey(new TextEncoder().encode('holder identity'), regulator.publicKey);
    const officialShares = await splitSecret(regulator.privateKey, 5, 3);
    const rebuilt = await combineShares([officialShares[1], officialShares[3], officialShares[4]]);
    expect(new TextDecoder().decode(openWithPrivateKey(escrow, rebuilt))).toBe('holder identity');
  });
});
