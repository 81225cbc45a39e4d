/**
 * The wallet key file: a wallet's private key encrypted under a passphrase, as versioned JSON.
 *
 * Construction (each part from an audited library):
 *   key = scrypt(NFKC(passphrase), salt 16 random bytes, N, r, p) -> 32 bytes (node's OpenSSL)
 *   ciphertext = XChaCha20-Poly1305(key, nonce 24 random bytes, aad = header) (@noble/ciphers)
 * where the header is the canonical JSON of every field but the ciphertext. Format v1:
 *   { format: "cbdc-wallet-key", version: 1, walletId, publicKey (hex),
 *     kdf: { name: "scrypt", N, r, p, salt (hex) }, cipher: { name: "xchacha20-poly1305", nonce (hex) },
 *     ciphertext (hex) }
 * Invariants: the header is authenticated, so changing any byte of the file (the wallet id and
 * public key shown without a passphrase included) fails to open instead of yielding other keys;
 * a wrong passphrase and a tampered file give the same error, since the cipher cannot tell them
 * apart; the opened private key must derive the public key and wallet id in the header; scrypt
 * costs read from a file are bounded, so a hostile file cannot make opening take minutes or GiB.
 */
import { randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha';
import { bytesEqual, fromHex, isWalletId, toHex, walletIdFromPublicKey } from '@cbdc/crypto';
import { walletKeysFromPrivateKey, type WalletKeys } from './wallet-keys';
import { WalletSdkError } from './wallet-sdk-error';

export const keyFileFormat = 'cbdc-wallet-key';
export const keyFileVersion = 1;
/** Default scrypt cost: 2^15 x 8 x 128 bytes = 32 MiB and about 0.1 s here, OWASP's minimum for scrypt. */
export const scryptCostDefault = 2 ** 15;
/** Largest scrypt cost a file may ask for: 2^20 means 1 GiB of memory, the ceiling we accept. */
export const scryptCostMax = 2 ** 20;
export const scryptBlockSize = 8;
export const scryptParallelism = 1;
/** Shortest passphrase a new key file takes; opening accepts whatever the file was made with. */
export const passphraseLengthMin = 8;
/** Longest passphrase, in characters: bounds the work before scrypt and catches a pasted file. */
export const passphraseLengthMax = 1024;
/** Largest key file text we parse. */
export const keyFileBytesMax = 4096;

const saltBytes = 16;
const nonceBytes = 24;
const derivedKeyBytes = 32;
const privateKeyBytes = 32;
const tagBytes = 16;

export interface KeyFileHeader {
  format: typeof keyFileFormat;
  version: typeof keyFileVersion;
  walletId: string;
  publicKey: string;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'xchacha20-poly1305'; nonce: string };
}

export interface KeyFile extends KeyFileHeader {
  ciphertext: string;
}

export interface SaveKeyFileOptions {
  /** scrypt N, a power of two; tests lower it to stay fast. */
  scryptCost?: number;
}

/** The key file text (JSON, one object, trailing newline) of the keys under the passphrase. */
export async function saveWalletKeyFile(keys: WalletKeys, passphrase: string, options: SaveKeyFileOptions = {}): Promise<string> {
  const normalized = checkPassphrase(passphrase);
  if (normalized.length < passphraseLengthMin) {
    throw new WalletSdkError('BAD_PASSPHRASE', `a passphrase needs at least ${passphraseLengthMin} characters`);
  }
  const scryptCost = options.scryptCost ?? scryptCostDefault;
  checkScryptCost(scryptCost);
  // Refuse keys that do not belong together, so a file never promises a wallet it cannot sign for.
  const derived = walletKeysFromPrivateKey(keys.privateKey);
  if (!bytesEqual(derived.publicKey, keys.publicKey) || derived.walletId !== keys.walletId) {
    throw new WalletSdkError('KEY_FILE_MISMATCH', 'the public key or wallet id does not belong to the private key');
  }
  const header: KeyFileHeader = {
    format: keyFileFormat,
    version: keyFileVersion,
    walletId: keys.walletId,
    publicKey: toHex(keys.publicKey),
    kdf: { name: 'scrypt', N: scryptCost, r: scryptBlockSize, p: scryptParallelism, salt: toHex(randomBytes(saltBytes)) },
    cipher: { name: 'xchacha20-poly1305', nonce: toHex(randomBytes(nonceBytes)) },
  };
  const key = await deriveKey(normalized, header.kdf);
  const ciphertext = xchacha20poly1305(key, fromHex(header.cipher.nonce), headerBytes(header)).encrypt(keys.privateKey);
  key.fill(0);
  const file: KeyFile = { ...header, ciphertext: toHex(ciphertext) };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The wallet keys in a key file text; throws WalletSdkError for a bad file or passphrase. */
export async function openWalletKeyFile(json: string, passphrase: string): Promise<WalletKeys> {
  const file = readKeyFile(json);
  const key = await deriveKey(checkPassphrase(passphrase), file.kdf);
  let privateKey: Uint8Array;
  try {
    privateKey = xchacha20poly1305(key, fromHex(file.cipher.nonce), headerBytes(file)).decrypt(fromHex(file.ciphertext));
  } catch {
    throw new WalletSdkError('KEY_FILE_DECRYPT_FAILED', 'the key file does not open: the passphrase is wrong, or the file was altered');
  } finally {
    key.fill(0);
  }
  const keys = walletKeysFromPrivateKey(privateKey);
  privateKey.fill(0);
  if (toHex(keys.publicKey) !== file.publicKey || keys.walletId !== file.walletId) {
    throw new WalletSdkError('KEY_FILE_MISMATCH', 'the key file opened, but its private key does not match the public key and wallet id it names');
  }
  return keys;
}

/**
 * The parsed key file without opening it: wallet id and public key are readable without the
 * passphrase. They are checked against each other but authenticated only by opening the file.
 */
export function readKeyFile(json: string): KeyFile {
  if (typeof json !== 'string' || json.length > keyFileBytesMax) malformed(`a key file is JSON text of at most ${keyFileBytesMax} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    malformed('the key file is not JSON');
  }
  const file = record(value, 'the key file');
  if (file.format !== keyFileFormat) malformed(`the file is not a wallet key file (format is not "${keyFileFormat}")`);
  if (file.version !== keyFileVersion) {
    throw new WalletSdkError('KEY_FILE_UNSUPPORTED_VERSION', `key file version ${JSON.stringify(file.version)} is not supported; this SDK reads version ${keyFileVersion}`);
  }
  exactKeys(file, ['format', 'version', 'walletId', 'publicKey', 'kdf', 'cipher', 'ciphertext'], 'the key file');
  const kdf = record(file.kdf, 'kdf');
  exactKeys(kdf, ['name', 'N', 'r', 'p', 'salt'], 'kdf');
  if (kdf.name !== 'scrypt') malformed('kdf.name must be "scrypt"');
  if (typeof kdf.N !== 'number') malformed('kdf.N must be a number');
  checkScryptCost(kdf.N, malformed);
  if (kdf.r !== scryptBlockSize || kdf.p !== scryptParallelism) malformed(`kdf.r and kdf.p must be ${scryptBlockSize} and ${scryptParallelism}`);
  const cipher = record(file.cipher, 'cipher');
  exactKeys(cipher, ['name', 'nonce'], 'cipher');
  if (cipher.name !== 'xchacha20-poly1305') malformed('cipher.name must be "xchacha20-poly1305"');
  const salt = hexOf(kdf.salt, 'kdf.salt', saltBytes);
  const nonce = hexOf(cipher.nonce, 'cipher.nonce', nonceBytes);
  const publicKey = hexOf(file.publicKey, 'publicKey', 32);
  const ciphertext = hexOf(file.ciphertext, 'ciphertext', privateKeyBytes + tagBytes);
  if (typeof file.walletId !== 'string' || !isWalletId(file.walletId)) malformed('walletId is not a wallet id');
  if (walletIdFromPublicKey(fromHex(publicKey)) !== file.walletId) {
    throw new WalletSdkError('KEY_FILE_MISMATCH', 'the wallet id in the key file is not the id of its public key: the file was altered');
  }
  return {
    format: keyFileFormat,
    version: keyFileVersion,
    walletId: file.walletId,
    publicKey,
    kdf: { name: 'scrypt', N: kdf.N, r: scryptBlockSize, p: scryptParallelism, salt },
    cipher: { name: 'xchacha20-poly1305', nonce },
    ciphertext,
  };
}

/** The associated data: the header in a fixed field order, so the same header always gives the same bytes. */
function headerBytes(header: KeyFileHeader): Uint8Array {
  const canonical: KeyFileHeader = {
    format: header.format,
    version: header.version,
    walletId: header.walletId,
    publicKey: header.publicKey,
    kdf: { name: header.kdf.name, N: header.kdf.N, r: header.kdf.r, p: header.kdf.p, salt: header.kdf.salt },
    cipher: { name: header.cipher.name, nonce: header.cipher.nonce },
  };
  return new TextEncoder().encode(JSON.stringify(canonical));
}

function deriveKey(passphrase: string, kdf: KeyFileHeader['kdf']): Promise<Uint8Array> {
  // scrypt needs 128 * N * r bytes; node refuses above maxmem, so allow that plus some slack.
  const maxmem = 128 * kdf.N * kdf.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scryptCallback(passphrase, fromHex(kdf.salt), derivedKeyBytes, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
    });
  });
}

/** NFKC so one passphrase typed on two keyboards (full-width digits, composed accents) derives one key. */
function checkPassphrase(passphrase: string): string {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new WalletSdkError('BAD_PASSPHRASE', 'a passphrase is required');
  if (passphrase.length > passphraseLengthMax) throw new WalletSdkError('BAD_PASSPHRASE', `a passphrase has at most ${passphraseLengthMax} characters`);
  return passphrase.normalize('NFKC');
}

function checkScryptCost(cost: number, fail: (detail: string) => never = (detail) => { throw new RangeError(detail); }): void {
  const isPowerOfTwo = Number.isSafeInteger(cost) && cost >= 2 && (cost & (cost - 1)) === 0;
  if (!isPowerOfTwo || cost > scryptCostMax) fail(`scrypt cost N must be a power of two in 2..${scryptCostMax}, got ${cost}`);
}

function malformed(detail: string): never {
  throw new WalletSdkError('KEY_FILE_MALFORMED', `the key file is malformed: ${detail}`);
}

function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed(`${name} must be an object`);
  return value as Record<string, unknown>;
}

function exactKeys(value: Record<string, unknown>, keys: readonly string[], name: string): void {
  const expected = new Set(keys);
  for (const key of Object.keys(value)) if (!expected.has(key)) malformed(`${name} has an unknown field ${JSON.stringify(key)}`);
  for (const key of keys) if (!(key in value)) malformed(`${name} lacks the field ${JSON.stringify(key)}`);
}

function hexOf(value: unknown, name: string, bytes: number): string {
  if (typeof value !== 'string' || !/^[0-9a-f]*$/.test(value) || value.length !== bytes * 2) malformed(`${name} must be ${bytes} bytes of lowercase hex`);
  return value;
}
