// Wallet ids derived from the wallet's public key.
//
// A wallet id is `w` followed by the 32-character lowercase base32 (RFC 4648 alphabet, no
// padding) of the first 20 bytes of SHA-256(public key): 33 characters, URL-safe, stable for
// the life of the key, and computable by anyone holding the key, so the central ledger can check
// that a registered key belongs to the id it claims. 160 bits keep accidental collisions out of
// reach (birthday bound 2^80) while staying short enough to print on a receipt.
import { createHash } from 'node:crypto';
import { ed25519PublicKeyBytes } from './ed25519';

export const walletIdPrefix = 'w';
/** Bytes of SHA-256 kept in the id: 20 bytes = 160 bits = exactly 32 base32 characters. */
export const walletIdDigestBytes = 20;
/** Length of every wallet id in characters: the prefix and 32 base32 characters. */
export const walletIdLength = 33;

const base32Alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
const walletIdPattern = /^w[a-z2-7]{32}$/;

/** The wallet id of a raw Ed25519 public key. */
export function walletIdFromPublicKey(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ed25519PublicKeyBytes) {
    throw new TypeError(`public key must be ${ed25519PublicKeyBytes} bytes`);
  }
  const digest = createHash('sha256').update(publicKey).digest().subarray(0, walletIdDigestBytes);
  return walletIdPrefix + base32(digest);
}

/** Whether a text has the shape of a wallet id (it says nothing about the key behind it). */
export function isWalletId(text: string): boolean {
  return walletIdPattern.test(text);
}

/** Lowercase RFC 4648 base32 of a length that is a multiple of 5 bytes (so no padding). */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}
