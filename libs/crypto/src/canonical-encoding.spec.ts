// Proves the canonical writer gives one encoding per value: fixed layouts, order-free field maps, and refusals of anything ambiguous.
import fc from 'fast-check';
import { toHex } from './bytes';
import { CanonicalEncodingError, canonicalFieldsCountMax, CanonicalWriter } from './canonical-encoding';

describe('CanonicalWriter layout', () => {
  it('writes length-prefixed UTF-8 strings and 8-byte big-endian integers', () => {
    const bytes = new CanonicalWriter().tag('t/v1').string('é', 's').unsigned(258n, 'u').signed(-1n, 'i').boolean(true, 'b').finish();
    expect(toHex(bytes)).toBe(
      '00000004' + '742f7631' + // tag
        '00000002' + 'c3a9' + // "é" in UTF-8
        '0000000000000102' + // 258
        'ffffffffffffffff' + // -1
        '01',
    );
  });

  it('keeps string boundaries: ("ab","c") and ("a","bc") encode differently', () => {
    const one = new CanonicalWriter().string('ab', 'x').string('c', 'y').finish();
    const two = new CanonicalWriter().string('a', 'x').string('bc', 'y').finish();
    expect(toHex(one)).not.toBe(toHex(two));
  });

  it('grows past its initial capacity', () => {
    const long = 'x'.repeat(3000);
    const bytes = new CanonicalWriter(1).string(long, 'long').finish();
    expect(bytes.length).toBe(4 + 3000);
  });

  it('accepts the extremes of each integer range and refuses one beyond', () => {
    const max = 2n ** 63n - 1n;
    expect(toHex(new CanonicalWriter().unsigned(max, 'u').finish())).toBe('7fffffffffffffff');
    expect(toHex(new CanonicalWriter().signed(-(2n ** 63n), 'i').finish())).toBe('8000000000000000');
    expect(() => new CanonicalWriter().unsigned(max + 1n, 'u')).toThrow(CanonicalEncodingError);
    expect(() => new CanonicalWriter().unsigned(-1n, 'u')).toThrow(CanonicalEncodingError);
    expect(() => new CanonicalWriter().signed(2n ** 63n, 'i')).toThrow(CanonicalEncodingError);
    expect(() => new CanonicalWriter().safeUnsigned(1.5, 'n')).toThrow(CanonicalEncodingError);
  });

  it('refuses lone surrogates, which UTF-8 would turn into U+FFFD', () => {
    expect(() => new CanonicalWriter().string('a\ud800', 's')).toThrow(/lone surrogate/);
    expect(() => new CanonicalWriter().string('\udc00', 's')).toThrow(/lone surrogate/);
    // A proper pair is one code point and is fine.
    expect(new CanonicalWriter().string('😀', 's').finish().length).toBe(4 + 4);
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    expect(() => new CanonicalWriter().string('é'.repeat(3), 's', 5)).toThrow(/6 bytes, more than 5/);
    expect(new CanonicalWriter().string('é'.repeat(2), 's', 4).finish().length).toBe(8);
  });

  it('refuses fixed bytes of the wrong length and non-ASCII tags', () => {
    expect(() => new CanonicalWriter().fixedBytes(new Uint8Array(31), 32, 'h')).toThrow(CanonicalEncodingError);
    expect(() => new CanonicalWriter().tag('tag with space')).toThrow(CanonicalEncodingError);
    expect(() => new CanonicalWriter().nonEmptyString('', 'id')).toThrow(/must not be empty/);
  });
});

describe('CanonicalWriter field maps', () => {
  const fieldValue = fc.oneof(fc.string({ maxLength: 20 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.boolean());
  const fieldKey = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/);

  it('encodes the same bytes whatever order the keys were inserted in', () => {
    fc.assert(
      fc.property(fc.dictionary(fieldKey, fieldValue, { maxKeys: 10 }), fc.integer(), (fields, seed) => {
        const entries = Object.entries(fields);
        const shuffled = entries
          .map((entry, i) => ({ entry, rank: (i * 7919 + seed) % 101 }))
          .sort((a, b) => a.rank - b.rank)
          .map(({ entry }) => entry);
        const a = new CanonicalWriter().fields(Object.fromEntries(entries), 'f').finish();
        const b = new CanonicalWriter().fields(Object.fromEntries(shuffled), 'f').finish();
        expect(toHex(a)).toBe(toHex(b));
      }),
    );
  });

  it('encodes an integer alike as number or bigint, but apart from its decimal string', () => {
    const asNumber = new CanonicalWriter().fields({ n: 42 }, 'f').finish();
    const asBigint = new CanonicalWriter().fields({ n: 42n }, 'f').finish();
    const asString = new CanonicalWriter().fields({ n: '42' }, 'f').finish();
    expect(toHex(asNumber)).toBe(toHex(asBigint));
    expect(toHex(asString)).not.toBe(toHex(asBigint));
  });

  it('writes count, then key, type byte and value per field, keys ascending', () => {
    const bytes = new CanonicalWriter().fields({ b: true, a: 'x' }, 'f').finish();
    expect(toHex(bytes)).toBe('00000002' + '00000001' + '61' + '01' + '00000001' + '78' + '00000001' + '62' + '03' + '01');
  });

  it.each([
    ['a float', { n: 1.5 }],
    ['an unsafe integer', { n: 2 ** 53 }],
    ['a nested object', { n: { m: 1 } }],
    ['null', { n: null }],
    ['a key with a dot', { 'a.b': 1 }],
    ['a key starting with a digit', { '1a': 1 }],
  ])('refuses %s', (_label, fields) => {
    expect(() => new CanonicalWriter().fields(fields as never, 'f')).toThrow(CanonicalEncodingError);
  });

  it('refuses more fields than the limit', () => {
    const fields = Object.fromEntries(Array.from({ length: canonicalFieldsCountMax + 1 }, (_, i) => [`k${i}`, i]));
    expect(() => new CanonicalWriter().fields(fields, 'f')).toThrow(/more than 64/);
  });
});
