// Proves a wallet key file opens to the same keys with the right passphrase, and that a wrong passphrase or any altered byte gives a clear error instead of other keys.
import { toHex, walletIdFromPublicKey } from '@cbdc/crypto';
import { keyFileFormat, openWalletKeyFile, readKeyFile, saveWalletKeyFile } from './key-file';
import { createWalletKeys } from './wallet-keys';
import { WalletSdkError } from './wallet-sdk-error';

// A low scrypt cost keeps the tests fast; the format and checks are the same at any cost.
const fast = { scryptCost: 2 ** 10 };
const passphrase = 'correct horse battery staple';

async function codeOf(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    if (error instanceof WalletSdkError) return error.code;
    throw error;
  }
  return undefined;
}

describe('wallet key file', () => {
  it('opens to the same keys, and shows wallet id and public key without the passphrase', async () => {
    const keys = createWalletKeys();
    expect(keys.walletId).toBe(walletIdFromPublicKey(keys.publicKey));
    const text = await saveWalletKeyFile(keys, passphrase, fast);
    const opened = await openWalletKeyFile(text, passphrase);
    expect(opened.walletId).toBe(keys.walletId);
    expect(toHex(opened.publicKey)).toBe(toHex(keys.publicKey));
    expect(toHex(opened.privateKey)).toBe(toHex(keys.privateKey));
    const header = readKeyFile(text);
    expect(header.format).toBe(keyFileFormat);
    expect(header.walletId).toBe(keys.walletId);
    expect(header.publicKey).toBe(toHex(keys.publicKey));
    expect(text).not.toContain(toHex(keys.privateKey));
  });

  it('uses the default scrypt cost when none is given', async () => {
    const keys = createWalletKeys();
    const text = await saveWalletKeyFile(keys, passphrase);
    expect(readKeyFile(text).kdf.N).toBe(2 ** 15);
    expect((await openWalletKeyFile(text, passphrase)).walletId).toBe(keys.walletId);
  });

  it('treats one passphrase typed with full-width characters the same (NFKC)', async () => {
    const keys = createWalletKeys();
    const text = await saveWalletKeyFile(keys, 'passphrase 2026', fast);
    expect((await openWalletKeyFile(text, 'passphrase ２０２６')).walletId).toBe(keys.walletId);
  });

  it('refuses a wrong passphrase', async () => {
    const text = await saveWalletKeyFile(createWalletKeys(), passphrase, fast);
    expect(await codeOf(() => openWalletKeyFile(text, 'correct horse battery stapler'))).toBe('KEY_FILE_DECRYPT_FAILED');
    expect(await codeOf(() => openWalletKeyFile(text, ''))).toBe('BAD_PASSPHRASE');
  });

  it('refuses a short passphrase when saving', async () => {
    expect(await codeOf(() => saveWalletKeyFile(createWalletKeys(), 'short', fast))).toBe('BAD_PASSPHRASE');
  });

  it('refuses keys that do not belong together when saving', async () => {
    const a = createWalletKeys();
    const b = createWalletKeys();
    expect(await codeOf(() => saveWalletKeyFile({ ...a, publicKey: b.publicKey }, passphrase, fast))).toBe('KEY_FILE_MISMATCH');
  });

  it('detects a flipped bit in the ciphertext, the salt or the nonce', async () => {
    const text = await saveWalletKeyFile(createWalletKeys(), passphrase, fast);
    const file = JSON.parse(text);
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    for (const alter of [
      (f: typeof file) => (f.ciphertext = flip(f.ciphertext)),
      (f: typeof file) => (f.kdf.salt = flip(f.kdf.salt)),
      (f: typeof file) => (f.cipher.nonce = flip(f.cipher.nonce)),
    ]) {
      const altered = structuredClone(file);
      alter(altered);
      expect(await codeOf(() => openWalletKeyFile(JSON.stringify(altered), passphrase))).toBe('KEY_FILE_DECRYPT_FAILED');
    }
  });

  it('detects a swapped public key and wallet id (another wallet shown for these keys)', async () => {
    const text = await saveWalletKeyFile(createWalletKeys(), passphrase, fast);
    const other = createWalletKeys();
    const altered = { ...JSON.parse(text), walletId: other.walletId, publicKey: toHex(other.publicKey) };
    // The header is consistent with itself, so only the authenticated encryption can catch it.
    expect(readKeyFile(JSON.stringify(altered)).walletId).toBe(other.walletId);
    expect(await codeOf(() => openWalletKeyFile(JSON.stringify(altered), passphrase))).toBe('KEY_FILE_DECRYPT_FAILED');
    const idOnly = { ...JSON.parse(text), walletId: other.walletId };
    expect(await codeOf(() => openWalletKeyFile(JSON.stringify(idOnly), passphrase))).toBe('KEY_FILE_MISMATCH');
  });

  it('refuses files that are not key files, of another version, or asking for huge scrypt costs', async () => {
    const text = await saveWalletKeyFile(createWalletKeys(), passphrase, fast);
    const file = JSON.parse(text);
    expect(await codeOf(() => openWalletKeyFile('not json', passphrase))).toBe('KEY_FILE_MALFORMED');
    expect(await codeOf(() => openWalletKeyFile('[]', passphrase))).toBe('KEY_FILE_MALFORMED');
    expect(await codeOf(() => openWalletKeyFile(JSON.stringify({ ...file, format: 'other' }), passphrase))).toBe('KEY_FILE_MALFORMED');
    expect(await codeOf(() => openWalletKeyFile(JSON.stringify({ ...file, version: 2 }), passphrase))).toBe('KEY_FILE_UNSUPPORTED_VERSION');
    expect(await codeOf(() => openWalletKeyFile(JSON.stringify({ ...file, extra: 1 }), passphrase))).toBe('KEY_FILE_MALFORMED');
    expect(await codeOf(() => openWalletKeyFile(JSON.stringify({ ...file, kdf: { ...file.kdf, N: 2 ** 30 } }), passphrase))).toBe('KEY_FILE_MALFORMED');
    expect(await codeOf(() => openWalletKeyFile(JSON.stringify({ ...file, kdf: { ...file.kdf, N: 1000 } }), passphrase))).toBe('KEY_FILE_MALFORMED');
    expect(await codeOf(() => openWalletKeyFile(JSON.stringify({ ...file, ciphertext: file.ciphertext.slice(2) }), passphrase))).toBe('KEY_FILE_MALFORMED');
    expect(await codeOf(() => openWalletKeyFile('x'.repeat(10_000), passphrase))).toBe('KEY_FILE_MALFORMED');
  });

  it('encrypts the same keys differently each time (fresh salt and nonce)', async () => {
    const keys = createWalletKeys();
    const a = readKeyFile(await saveWalletKeyFile(keys, passphrase, fast));
    const b = readKeyFile(await saveWalletKeyFile(keys, passphrase, fast));
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });
});
