// Proves wallet ids are the documented function of the public key: pinned vector, fixed shape, one id per key.
import fc from 'fast-check';
import { fromHex } from './bytes';
import { generateKeyPair } from './ed25519';
import { isWalletId, walletIdFromPublicKey, walletIdLength } from './wallet-id';

describe('walletIdFromPublicKey', () => {
  it('matches the pinned vector for the RFC 8032 test 1 key', () => {
    // Cross-checked outside this code: 'w' + base64.b32encode(hashlib.sha256(pk).digest()[:20]).lower() in Python.
    const publicKey = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(walletIdFromPublicKey(publicKey)).toBe('weh7ddx5bksrgcytl7bkai36se4nxx3kl');
  });

  it('is stable, URL-safe, 33 characters, and differs between keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
        const id = walletIdFromPublicKey(a);
        expect(id).toHaveLength(walletIdLength);
        expect(isWalletId(id)).toBe(true);
        expect(encodeURIComponent(id)).toBe(id);
        expect(walletIdFromPublicKey(Uint8Array.from(a))).toBe(id);
        if (Buffer.compare(a, b) !== 0) expect(walletIdFromPublicKey(b)).not.toBe(id);
      }),
    );
  });

  it('derives from a generated key and refuses keys of the wrong length', () => {
    expect(isWalletId(walletIdFromPublicKey(generateKeyPair().publicKey))).toBe(true);
    expect(() => walletIdFromPublicKey(new Uint8Array(33))).toThrow(TypeError);
  });

  it.each(['', 'w', 'W' + 'a'.repeat(32), 'w' + 'a'.repeat(31), 'w' + 'a'.repeat(33), 'w' + '1'.repeat(32)])('does not take %j for a wallet id', (text) => {
    expect(isWalletId(text)).toBe(false);
  });
});
