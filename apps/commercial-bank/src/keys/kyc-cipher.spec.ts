// Proves KYC values are sealed with AES-256-GCM so that they round-trip, differ on every sealing, and refuse to open when tampered with, moved to another field or customer, or opened with another key.
import { randomBytes } from 'node:crypto';
import { KycCipher, kycNonceBytes, kycTagBytes } from './kyc-cipher';

describe('KYC cipher', () => {
  const cipher = new KycCipher(randomBytes(32));

  it('round-trips a value and never seals it the same way twice', () => {
    const a = cipher.seal('张三 Zhang San', 'c1:name');
    const b = cipher.seal('张三 Zhang San', 'c1:name');
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from('Zhang'))).toBe(false);
    expect(a.length).toBe(kycNonceBytes + Buffer.byteLength('张三 Zhang San') + kycTagBytes);
    expect(cipher.open(a, 'c1:name')).toBe('张三 Zhang San');
  });

  it('refuses a changed ciphertext, another context and another key', () => {
    const sealed = cipher.seal('110101199003077777', 'c1:idNumber');
    const flipped = Buffer.from(sealed);
    flipped[kycNonceBytes] = flipped[kycNonceBytes]! ^ 1;
    expect(() => cipher.open(flipped, 'c1:idNumber')).toThrow();
    expect(() => cipher.open(sealed, 'c2:idNumber')).toThrow();
    expect(() => cipher.open(sealed, 'c1:phone')).toThrow();
    expect(() => new KycCipher(randomBytes(32)).open(sealed, 'c1:idNumber')).toThrow();
    expect(() => cipher.open(sealed.subarray(0, 10), 'c1:idNumber')).toThrow('too short');
  });
});
