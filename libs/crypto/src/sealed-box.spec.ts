// Proves sealed boxes open only with the recipient's key and the same associated data, and that changing any byte makes opening fail.
import fc from 'fast-check';
import { toHex } from './bytes';
import { generateX25519KeyPair, openWithPrivateKey, SealedBoxError, sealedPlaintextBytesMax, sealToPublicKey, x25519PublicKeyFromPrivateKey } from './sealed-box';

const regulator = generateX25519KeyPair();
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

function openError(sealed: Uint8Array, privateKey: Uint8Array, associatedData?: Uint8Array): SealedBoxError {
  try {
    openWithPrivateKey(sealed, privateKey, associatedData);
  } catch (error) {
    if (error instanceof SealedBoxError) return error;
    throw error;
  }
  throw new Error('the box opened');
}

describe('sealToPublicKey / openWithPrivateKey', () => {
  it('round-trips any plaintext with any associated data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.uint8Array({ maxLength: 64 }), (plaintext, associatedData) => {
        const sealed = sealToPublicKey(plaintext, regulator.publicKey, associatedData);
        expect(sealed.length).toBe(2 + 32 + 24 + plaintext.length + 16);
        expect(toHex(openWithPrivateKey(sealed, regulator.privateKey, associatedData))).toBe(toHex(plaintext));
      }),
      { numRuns: 50 },
    );
  });

  it('starts with version and suite, and two seals of one plaintext share nothing else', () => {
    const identity = text('{"name":"Li Wei","idNumber":"110101199003070000"}');
    const a = sealToPublicKey(identity, regulator.publicKey);
    const b = sealToPublicKey(identity, regulator.publicKey);
    expect(Array.from(a.subarray(0, 2))).toEqual([1, 1]);
    expect(toHex(a.subarray(2))).not.toBe(toHex(b.subarray(2)));
    expect(Buffer.from(a).includes(Buffer.from(identity))).toBe(false);
  });

  it('fails for every single-byte change of the box', () => {
    const sealed = sealToPublicKey(text('escrowed identity'), regulator.publicKey, text('wallet:w1'));
    for (let position = 0; position < sealed.length; position++) {
      const tampered = sealed.slice();
      tampered[position] ^= 0x01;
      const error = openError(tampered, regulator.privateKey, text('wallet:w1'));
      expect(error.code).toBe(position < 2 ? 'SEALED_BOX_UNSUPPORTED_VERSION' : 'SEALED_BOX_AUTHENTICATION_FAILED');
    }
  });

  it('fails with another private key, other associated data, or a truncated box', () => {
    const sealed = sealToPublicKey(text('secret'), regulator.publicKey, text('wallet:w1'));
    expect(openError(sealed, generateX25519KeyPair().privateKey, text('wallet:w1')).code).toBe('SEALED_BOX_AUTHENTICATION_FAILED');
    expect(openError(sealed, regulator.privateKey, text('wallet:w2')).code).toBe('SEALED_BOX_AUTHENTICATION_FAILED');
    expect(openError(sealed, regulator.privateKey).code).toBe('SEALED_BOX_AUTHENTICATION_FAILED');
    expect(openError(sealed.subarray(0, sealed.length - 1), regulator.privateKey, text('wallet:w1')).code).toBe('SEALED_BOX_AUTHENTICATION_FAILED');
    expect(openError(sealed.subarray(0, 40), regulator.privateKey).code).toBe('SEALED_BOX_MALFORMED');
  });

  it('refuses a low-order recipient key and plaintext over the limit', () => {
    expect(() => sealToPublicKey(text('x'), new Uint8Array(32))).toThrow();
    expect(() => sealToPublicKey(new Uint8Array(sealedPlaintextBytesMax + 1), regulator.publicKey)).toThrow(RangeError);
    expect(() => sealToPublicKey(text('x'), new Uint8Array(31))).toThrow(TypeError);
  });

  it('derives the public key from the private key', () => {
    expect(toHex(x25519PublicKeyFromPrivateKey(regulator.privateKey))).toBe(toHex(regulator.publicKey));
  });
});
