// k-of-n threshold sharing of a secret (the regulator's escrow key), over the audited
// `shamir-secret-sharing` package (Privy; audited by Cure53 and Zellic), never hand-rolled.
//
// Share format v1: [0] version 0x01 | [1] threshold k | [2..) the package's share (one byte
// per secret byte, then the x coordinate). Carrying k lets `combineShares` refuse too few
// shares with a clear error instead of returning garbage; the header is not authenticated, and
// does not need to be: lying about k only makes combining fail or yield a wrong secret, because
// with fewer than k shares the polynomial is undetermined (the secret stays hidden whatever
// the header says).
// Invariants: 2 <= k <= n <= 255 (the package's field is GF(256), x = 0 is the secret, and k = 1
// would hand the secret to every holder); any k distinct shares recover the secret.
import { combine, split } from 'shamir-secret-sharing';

export const shareFormatVersion = 0x01;
/** Most shares of one secret: the x coordinates are the non-zero bytes. */
export const sharesCountMax = 255;
/** Fewest shares needed to recover: 1 would mean every holder alone knows the secret. */
export const thresholdMin = 2;
/** Largest secret, in bytes: a key or a seed, never a document. */
export const sharedSecretBytesMax = 1024;

const shareHeaderBytes = 2;

export type ThresholdSharingErrorCode = 'SHARES_MALFORMED' | 'SHARES_MIXED' | 'THRESHOLD_NOT_MET';

export class ThresholdSharingError extends Error {
  constructor(
    readonly code: ThresholdSharingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ThresholdSharingError';
  }
}

/** Splits `secret` into `shares` shares of which any `threshold` recover it. */
export async function splitSecret(secret: Uint8Array, shares: number, threshold: number): Promise<Uint8Array[]> {
  if (!(secret instanceof Uint8Array) || secret.length < 1 || secret.length > sharedSecretBytesMax) {
    throw new RangeError(`secret must be 1..${sharedSecretBytesMax} bytes`);
  }
  if (!Number.isInteger(threshold) || threshold < thresholdMin) {
    throw new RangeError(`threshold must be an integer of at least ${thresholdMin}, got ${threshold}`);
  }
  if (!Number.isInteger(shares) || shares < threshold || shares > sharesCountMax) {
    throw new RangeError(`shares must be an integer in threshold..${sharesCountMax}, got ${shares}`);
  }
  // The package checks `secret.constructor === Uint8Array`, which a node Buffer fails.
  const raw = await split(Uint8Array.from(secret), shares, threshold);
  return raw.map((share) => {
    const out = new Uint8Array(shareHeaderBytes + share.length);
    out[0] = shareFormatVersion;
    out[1] = threshold;
    out.set(share, shareHeaderBytes);
    return out;
  });
}

/** Recovers the secret from at least threshold distinct shares of one split. */
export async function combineShares(shares: readonly Uint8Array[]): Promise<Uint8Array> {
  if (!Array.isArray(shares) || shares.length === 0 || shares.length > sharesCountMax) {
    throw new ThresholdSharingError('SHARES_MALFORMED', `expected 1..${sharesCountMax} shares`);
  }
  const first = shares[0];
  for (const share of shares) {
    if (!(share instanceof Uint8Array) || share.length < shareHeaderBytes + 2 || share[0] !== shareFormatVersion) {
      throw new ThresholdSharingError('SHARES_MALFORMED', 'a share is not a version 1 share');
    }
    if (share[1] !== first[1] || share.length !== first.length) {
      throw new ThresholdSharingError('SHARES_MIXED', 'shares come from different splits');
    }
  }
  const threshold = first[1];
  if (shares.length < threshold) {
    throw new ThresholdSharingError('THRESHOLD_NOT_MET', `${shares.length} shares given, ${threshold} needed`);
  }
  const seen = new Set<number>();
  for (const share of shares) {
    const x = share[share.length - 1];
    if (x === 0 || seen.has(x)) {
      throw new ThresholdSharingError('SHARES_MALFORMED', 'shares must be distinct');
    }
    seen.add(x);
  }
  return combine(shares.map((share) => Uint8Array.from(share.subarray(shareHeaderBytes))));
}
