// Hybrid encryption to a public key, for escrowing a wallet holder's identity to the regulator.
//
// Construction (ECIES-style, each part from an audited library):
//   ephemeral X25519 key pair (noble) -> shared = X25519(ephemeral private, recipient public)
//   key = HKDF-SHA256(ikm = shared, salt = ephemeral public || recipient public, info = tag)
//   ciphertext = XChaCha20-Poly1305(key, random 24-byte nonce, aad = header || associated data)
// Sealed format v1, self-describing so a later suite can be added without guessing:
//   [0] version 0x01 | [1] suite 0x01 | [2..34) ephemeral public key | [34..58) nonce |
//   [58..) ciphertext with its 16-byte Poly1305 tag.
// Invariants: the header is authenticated (it is in the AAD), so changing any byte of the
// sealed box, or opening it with other associated data or another key, fails with
// SealedBoxError instead of returning different plaintext; a fresh ephemeral key per box means
// the sender keeps no secret and two seals of one plaintext look unrelated.
import { randomBytes } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha';
import { x25519 } from '@noble/curves/ed25519';
import { hkdf } from '@noble/hashes/hkdf';
import { sha256 } from '@noble/hashes/sha2';
import { concatBytes, toPlainBytes } from './bytes';

export const sealedBoxVersion = 0x01;
/** Suite 0x01: X25519, HKDF-SHA256, XChaCha20-Poly1305. */
export const sealedBoxSuiteX25519XChaCha = 0x01;
export const x25519KeyBytes = 32;
/** Largest plaintext a box takes: identities and key shares are small, so anything larger is a mistake. */
export const sealedPlaintextBytesMax = 64 * 1024;
/** Largest associated data, in bytes. */
export const sealedAssociatedDataBytesMax = 1024;

const nonceBytes = 24;
const tagBytes = 16;
const headerBytes = 2 + x25519KeyBytes + nonceBytes;
const hkdfInfo = new TextEncoder().encode('cbdc/seal/v1');

export interface X25519KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export type SealedBoxErrorCode = 'SEALED_BOX_MALFORMED' | 'SEALED_BOX_UNSUPPORTED_VERSION' | 'SEALED_BOX_AUTHENTICATION_FAILED';

/** Opening failed: the box is malformed, of an unknown version, or not for this key and associated data. */
export class SealedBoxError extends Error {
  constructor(
    readonly code: SealedBoxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SealedBoxError';
  }
}

/** A fresh X25519 key pair (noble). */
export function generateX25519KeyPair(): X25519KeyPair {
  const privateKey = x25519.utils.randomSecretKey();
  return { publicKey: x25519.getPublicKey(privateKey), privateKey };
}

/** The X25519 public key of a private key. */
export function x25519PublicKeyFromPrivateKey(privateKey: Uint8Array): Uint8Array {
  assertKey(privateKey, 'private key');
  return x25519.getPublicKey(privateKey);
}

/**
 * Encrypts to the holder of the private key of `recipientPublicKey`. `associatedData` (say the
 * wallet id an escrow belongs to) is not encrypted but must be given again to open the box, so
 * a box cannot be moved to another context unnoticed.
 */
export function sealToPublicKey(plaintext: Uint8Array, recipientPublicKey: Uint8Array, associatedData: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!(plaintext instanceof Uint8Array) || plaintext.length > sealedPlaintextBytesMax) {
    throw new RangeError(`plaintext must be at most ${sealedPlaintextBytesMax} bytes`);
  }
  assertAssociatedData(associatedData);
  assertKey(recipientPublicKey, 'recipient public key');
  const ephemeral = generateX25519KeyPair();
  // noble throws for a low-order recipient key (all-zero shared secret): such a key is invalid.
  const shared = x25519.getSharedSecret(ephemeral.privateKey, recipientPublicKey);
  const key = deriveKey(shared, ephemeral.publicKey, recipientPublicKey);
  const header = new Uint8Array(headerBytes);
  header[0] = sealedBoxVersion;
  header[1] = sealedBoxSuiteX25519XChaCha;
  header.set(ephemeral.publicKey, 2);
  header.set(toPlainBytes(randomBytes(nonceBytes)), 2 + x25519KeyBytes);
  const nonce = header.subarray(2 + x25519KeyBytes);
  const ciphertext = xchacha20poly1305(key, nonce, concatBytes(header, associatedData)).encrypt(plaintext);
  return concatBytes(header, ciphertext);
}

/** Decrypts a sealed box; throws SealedBoxError if it was not sealed to this key with this associated data, or was changed. */
export function openWithPrivateKey(sealed: Uint8Array, recipientPrivateKey: Uint8Array, associatedData: Uint8Array = new Uint8Array(0)): Uint8Array {
  assertAssociatedData(associatedData);
  assertKey(recipientPrivateKey, 'recipient private key');
  if (!(sealed instanceof Uint8Array) || sealed.length < headerBytes + tagBytes) {
    throw new SealedBoxError('SEALED_BOX_MALFORMED', 'sealed box is shorter than its header and tag');
  }
  if (sealed.length > headerBytes + sealedPlaintextBytesMax + tagBytes) {
    throw new SealedBoxError('SEALED_BOX_MALFORMED', 'sealed box is longer than the largest plaintext allows');
  }
  if (sealed[0] !== sealedBoxVersion || sealed[1] !== sealedBoxSuiteX25519XChaCha) {
    throw new SealedBoxError('SEALED_BOX_UNSUPPORTED_VERSION', `unsupported sealed box version ${sealed[0]} suite ${sealed[1]}`);
  }
  const header = sealed.subarray(0, headerBytes);
  const ephemeralPublicKey = header.subarray(2, 2 + x25519KeyBytes);
  const nonce = header.subarray(2 + x25519KeyBytes);
  try {
    const shared = x25519.getSharedSecret(recipientPrivateKey, ephemeralPublicKey);
    const key = deriveKey(shared, ephemeralPublicKey, x25519.getPublicKey(recipientPrivateKey));
    return xchacha20poly1305(key, nonce, concatBytes(header, associatedData)).decrypt(sealed.subarray(headerBytes));
  } catch {
    // One error for every cryptographic failure: telling them apart would help no honest caller.
    throw new SealedBoxError('SEALED_BOX_AUTHENTICATION_FAILED', 'sealed box does not open with this key and associated data');
  }
}

function deriveKey(shared: Uint8Array, ephemeralPublicKey: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concatBytes(ephemeralPublicKey, recipientPublicKey), hkdfInfo, 32);
}

function assertKey(key: Uint8Array, name: string): void {
  if (!(key instanceof Uint8Array) || key.length !== x25519KeyBytes) {
    throw new TypeError(`${name} must be ${x25519KeyBytes} bytes`);
  }
}

function assertAssociatedData(associatedData: Uint8Array): void {
  if (!(associatedData instanceof Uint8Array) || associatedData.length > sealedAssociatedDataBytesMax) {
    throw new RangeError(`associated data must be at most ${sealedAssociatedDataBytesMax} bytes`);
  }
}
