// Proves the noble and OpenSSL Ed25519 paths agree on RFC 8032 vectors, on signing and on every accept/reject decision, with bounded key caches.
import fc from 'fast-check';
import { fromHex, toHex } from './bytes';
import {
  createFastSigner,
  createFastVerifier,
  generateKeyPair,
  generateKeyPairFast,
  publicKeyFromPrivateKey,
  sign,
  signFast,
  verify,
  verifyFast,
} from './ed25519';

// RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
const rfc8032 = [
  {
    privateKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    privateKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];
// The order of the Ed25519 group: adding it to S gives a second encoding of the same scalar.
const groupOrder = 2n ** 252n + 27742317777372353535851937790883648493n;

describe('RFC 8032 vectors', () => {
  it.each(rfc8032)('both paths sign and verify vector with public key $publicKey', (vector) => {
    const privateKey = fromHex(vector.privateKey);
    const message = fromHex(vector.message);
    expect(toHex(publicKeyFromPrivateKey(privateKey))).toBe(vector.publicKey);
    expect(toHex(sign(message, privateKey))).toBe(vector.signature);
    expect(toHex(signFast(message, privateKey))).toBe(vector.signature);
    expect(verify(fromHex(vector.signature), message, fromHex(vector.publicKey))).toBe(true);
    expect(verifyFast(fromHex(vector.signature), message, fromHex(vector.publicKey))).toBe(true);
  });
});

describe('noble and OpenSSL agree', () => {
  const keys = generateKeyPair();

  it('produce the same signature and accept each other’s', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (message) => {
        const slow = sign(message, keys.privateKey);
        const fast = signFast(message, keys.privateKey);
        expect(toHex(fast)).toBe(toHex(slow));
        expect(verify(fast, message, keys.publicKey)).toBe(true);
        expect(verifyFast(slow, message, keys.publicKey)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('both reject any single flipped bit in signature, message or key', () => {
    const message = new TextEncoder().encode('pay 100 fen');
    const signature = sign(message, keys.privateKey);
    fc.assert(
      fc.property(fc.constantFrom('signature', 'message', 'publicKey'), fc.nat(), fc.integer({ min: 0, max: 7 }), (part, position, bit) => {
        const copies = { signature: signature.slice(), message: message.slice(), publicKey: keys.publicKey.slice() };
        const target = copies[part as keyof typeof copies];
        target[position % target.length] ^= 1 << bit;
        expect(verify(copies.signature, copies.message, copies.publicKey)).toBe(false);
        expect(verifyFast(copies.signature, copies.message, copies.publicKey)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('both reject a malleated signature (S + group order)', () => {
    const message = new TextEncoder().encode('malleable?');
    const signature = sign(message, keys.privateKey);
    const s = BigInt('0x' + toHex(signature.slice(32).reverse()));
    const malleated = signature.slice();
    malleated.set(fromHex((s + groupOrder).toString(16).padStart(64, '0')).reverse(), 32);
    expect(verify(malleated, message, keys.publicKey)).toBe(false);
    expect(verifyFast(malleated, message, keys.publicKey)).toBe(false);
  });

  it('both return false, not throw, for malformed inputs', () => {
    const message = new Uint8Array([1]);
    const signature = sign(message, keys.privateKey);
    for (const [sig, pk] of [
      [signature.subarray(1), keys.publicKey],
      [signature, keys.publicKey.subarray(1)],
      [new Uint8Array(64), new Uint8Array(32)],
      [signature, new Uint8Array(32).fill(0xff)],
    ]) {
      expect(verify(sig, message, pk)).toBe(false);
      expect(verifyFast(sig, message, pk)).toBe(false);
    }
  });

  it('refuse a private key of the wrong length when signing', () => {
    expect(() => sign(new Uint8Array(1), new Uint8Array(31))).toThrow(TypeError);
    expect(() => signFast(new Uint8Array(1), new Uint8Array(64))).toThrow(TypeError);
  });
});

describe('key generation', () => {
  it('gives distinct 32-byte keys whose public half matches the private half, on both paths', () => {
    const pairs = [generateKeyPair(), generateKeyPair(), generateKeyPairFast(), generateKeyPairFast()];
    for (const pair of pairs) {
      expect(pair.publicKey.length).toBe(32);
      expect(pair.privateKey.length).toBe(32);
      expect(toHex(publicKeyFromPrivateKey(pair.privateKey))).toBe(toHex(pair.publicKey));
    }
    expect(new Set(pairs.map((pair) => toHex(pair.privateKey))).size).toBe(pairs.length);
  });
});

describe('KeyObject caches', () => {
  const pairs = Array.from({ length: 10 }, () => generateKeyPair());
  const message = new Uint8Array([9, 9]);
  const signatures = pairs.map((pair) => sign(message, pair.privateKey));

  it('stay within keyCacheSizeMax and keep answering right after evictions', () => {
    const verifier = createFastVerifier({ keyCacheSizeMax: 3 });
    for (let round = 0; round < 2; round++) {
      pairs.forEach((pair, i) => {
        expect(verifier.verify(signatures[i], message, pair.publicKey)).toBe(true);
        expect(verifier.verify(signatures[(i + 1) % pairs.length], message, pair.publicKey)).toBe(false);
      });
    }
    expect(verifier.cachedKeyCount).toBe(3);
  });

  it('keep the most recently used key when evicting', () => {
    const verifier = createFastVerifier({ keyCacheSizeMax: 2 });
    verifier.verify(signatures[0], message, pairs[0].publicKey);
    verifier.verify(signatures[1], message, pairs[1].publicKey);
    verifier.verify(signatures[0], message, pairs[0].publicKey); // key 0 is now the most recent
    verifier.verify(signatures[2], message, pairs[2].publicKey); // evicts key 1
    expect(verifier.cachedKeyCount).toBe(2);
    expect(verifier.hasCachedKey(pairs[0].publicKey)).toBe(true);
    expect(verifier.hasCachedKey(pairs[1].publicKey)).toBe(false);
    expect(verifier.hasCachedKey(pairs[2].publicKey)).toBe(true);
  });

  it('work with caching off, and the signer cache is bounded too', () => {
    const verifier = createFastVerifier({ keyCacheSizeMax: 0 });
    expect(verifier.verify(signatures[0], message, pairs[0].publicKey)).toBe(true);
    expect(verifier.cachedKeyCount).toBe(0);
    const signer = createFastSigner({ keyCacheSizeMax: 4 });
    pairs.forEach((pair, i) => expect(toHex(signer.sign(message, pair.privateKey))).toBe(toHex(signatures[i])));
    expect(signer.cachedKeyCount).toBe(4);
    expect(() => createFastVerifier({ keyCacheSizeMax: -1 })).toThrow(RangeError);
  });
});
