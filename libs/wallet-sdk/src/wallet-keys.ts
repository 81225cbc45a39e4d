/**
 * A wallet holder's keys: an Ed25519 key pair made on the holder's side (noble, so it runs
 * anywhere the SDK runs) and the wallet id derived from the public key.
 *
 * Invariant: `walletId === walletIdFromPublicKey(publicKey)` and `publicKey` belongs to
 * `privateKey` for every WalletKeys this module returns; the private key never leaves the holder.
 */
import { generateKeyPair, publicKeyFromPrivateKey, walletIdFromPublicKey } from '@cbdc/crypto';

export interface WalletKeys {
  readonly walletId: string;
  /** Raw 32-byte Ed25519 public key; registered with the ledger when the wallet opens. */
  readonly publicKey: Uint8Array;
  /** Raw 32-byte Ed25519 private key (the RFC 8032 seed). */
  readonly privateKey: Uint8Array;
}

/** Fresh wallet keys from the operating system's random source. */
export function createWalletKeys(): WalletKeys {
  const { publicKey, privateKey } = generateKeyPair();
  return { walletId: walletIdFromPublicKey(publicKey), publicKey, privateKey };
}

/** The wallet keys of a private key (a restored backup, a test fixture). */
export function walletKeysFromPrivateKey(privateKey: Uint8Array): WalletKeys {
  const publicKey = publicKeyFromPrivateKey(privateKey);
  return { walletId: walletIdFromPublicKey(publicKey), publicKey, privateKey: Uint8Array.from(privateKey) };
}
