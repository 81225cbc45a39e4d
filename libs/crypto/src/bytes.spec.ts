// Proves the hex and base64url helpers round-trip every byte string and refuse every non-canonical text.
import fc from 'fast-check';
import { bytesEqual, concatBytes, fromBase64Url, fromHex, toBase64Url, toHex, toPlainBytes } from './bytes';

describe('hex and base64url', () => {
  it('round-trips any bytes and returns plain Uint8Arrays', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const viaHex = fromHex(toHex(bytes));
        const viaBase64 = fromBase64Url(toBase64Url(bytes));
        expect(viaHex.constructor).toBe(Uint8Array);
        expect(viaBase64.constructor).toBe(Uint8Array);
        expect(bytesEqual(viaHex, bytes)).toBe(true);
        expect(bytesEqual(viaBase64, bytes)).toBe(true);
      }),
    );
  });

  it('encodes known values', () => {
    expect(toHex(new Uint8Array([0, 15, 255]))).toBe('000fff');
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('reads a view of a larger buffer without its neighbours', () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5]);
    expect(toHex(whole.subarray(1, 3))).toBe('0203');
    expect(toBase64Url(whole.subarray(4))).toBe('BQ');
  });

  it.each(['0', 'ABCD', 'zz', '0x00', ' 00'])('refuses hex %j', (text) => {
    expect(() => fromHex(text)).toThrow(TypeError);
  });

  it.each(['A', 'AB==', 'A+B/', 'AB C', 'AR'])('refuses base64url %j (padded, standard alphabet, or stray bits)', (text) => {
    expect(() => fromBase64Url(text)).toThrow(TypeError);
  });
});

describe('byte utilities', () => {
  it('concatenates in order and compares byte-wise', () => {
    const joined = concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3]));
    expect(Array.from(joined)).toEqual([1, 2, 3]);
    expect(bytesEqual(joined, new Uint8Array([1, 2, 3]))).toBe(true);
    expect(bytesEqual(joined, new Uint8Array([1, 2, 4]))).toBe(false);
    expect(bytesEqual(joined, new Uint8Array([1, 2]))).toBe(false);
  });

  it('copies a Buffer into a plain array that no longer shares memory', () => {
    const buffer = Buffer.from([7, 8]);
    const plain = toPlainBytes(buffer);
    buffer[0] = 0;
    expect(plain.constructor).toBe(Uint8Array);
    expect(Array.from(plain)).toEqual([7, 8]);
  });
});
