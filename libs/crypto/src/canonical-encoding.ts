// Canonical binary encoding for everything that is signed or hashed.
//
// Invariants: one value has exactly one encoding, and one encoding decodes to at most one
// value, so a signature or a hash over the bytes binds the value without ambiguity:
// - every field has a fixed width or a 4-byte big-endian length prefix, so no two field
//   sequences concatenate to the same bytes;
// - integers are 8-byte big-endian two's complement in a checked range, never decimal text;
// - strings are well-formed UTF-16 encoded as UTF-8 (a lone surrogate would be replaced by
//   U+FFFD, mapping two strings to one encoding, so it is rejected);
// - every encoding starts with a domain tag (`cbdc/<purpose>/v<n>`), so bytes signed for one
//   purpose are never valid for another, and a format change gets a new tag.
// The writer is meant for short messages (ids, amounts, hashes); limits are checked by callers.

/** Largest integer an unsigned field takes: 2^63 - 1, which also fits PostgreSQL's bigint. */
export const canonicalUnsignedMax = 2n ** 63n - 1n;
/** Smallest and largest integer a signed field takes (int64). */
export const canonicalSignedMin = -(2n ** 63n);
export const canonicalSignedMax = 2n ** 63n - 1n;
/** Longest string, in UTF-8 bytes, that the writer accepts when the caller names no tighter limit. */
export const canonicalStringBytesMax = 4096;
/** Most key/value pairs in one flat field map (operator commands, entry attributes). */
export const canonicalFieldsCountMax = 64;
/** Longest key of a flat field map; keys are ASCII identifiers so their sort order is the byte order in any language. */
export const canonicalFieldKeyBytesMax = 64;
/** Longest string value in a flat field map, in UTF-8 bytes. */
export const canonicalFieldStringBytesMax = 1024;

/** A value of a flat field map: text, an integer (bigint or safe-integer number, encoded alike), or a flag. */
export type CanonicalValue = string | bigint | number | boolean;
/** A flat object whose encoding does not depend on the order its keys were written in. */
export type CanonicalFields = Readonly<Record<string, CanonicalValue>>;

/** Type bytes of field-map values; part of the format, never renumber. */
export const canonicalValueType = { string: 0x01, integer: 0x02, boolean: 0x03 } as const;

const fieldKeyPattern = /^[A-Za-z][A-Za-z0-9_]*$/;
const loneSurrogatePattern = /\p{Cs}/u;
const utf8 = new TextEncoder();
// String.prototype.isWellFormed (node 20+) is native and fast; the pattern is the fallback.
const nativeIsWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
const isWellFormed: (value: string) => boolean =
  typeof nativeIsWellFormed === 'function' ? (value) => nativeIsWellFormed.call(value) : (value) => !loneSurrogatePattern.test(value);

/** Thrown when a value cannot be encoded canonically (out of range, too long, malformed). */
export class CanonicalEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalEncodingError';
  }
}

/** Appends canonical fields to a growing buffer; `finish()` returns the exact bytes. */
export class CanonicalWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(capacityBytes = 256) {
    this.buffer = new Uint8Array(Math.max(16, capacityBytes));
    this.view = new DataView(this.buffer.buffer);
  }

  /** Starts an encoding with its domain tag: ASCII, length-prefixed like any string. */
  tag(domainTag: string): this {
    if (!/^[\x21-\x7e]+$/.test(domainTag)) {
      throw new CanonicalEncodingError(`domain tag must be printable ASCII: ${JSON.stringify(domainTag)}`);
    }
    return this.string(domainTag, 'domain tag', 255);
  }

  /** A UTF-8 string with a 4-byte big-endian byte-length prefix. */
  string(value: string, name: string, bytesMax: number = canonicalStringBytesMax): this {
    if (typeof value !== 'string') {
      throw new CanonicalEncodingError(`${name} must be a string`);
    }
    if (!isWellFormed(value)) {
      throw new CanonicalEncodingError(`${name} is not well-formed Unicode (lone surrogate)`);
    }
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; encoding in place saves a copy on the
    // sealer's hot path (tens of thousands of entries a second).
    this.reserve(4 + 3 * value.length);
    const { written } = utf8.encodeInto(value, this.buffer.subarray(this.length + 4));
    if (written > bytesMax) {
      throw new CanonicalEncodingError(`${name} is ${written} bytes, more than ${bytesMax}`);
    }
    this.view.setUint32(this.length, written);
    this.length += 4 + written;
    return this;
  }

  /** Like `string`, for ids: the empty string is refused as well. */
  nonEmptyString(value: string, name: string, bytesMax: number = canonicalStringBytesMax): this {
    if (value === '') {
      throw new CanonicalEncodingError(`${name} must not be empty`);
    }
    return this.string(value, name, bytesMax);
  }

  /** An integer in 0..2^63-1 as 8 bytes big-endian. */
  unsigned(value: bigint, name: string): this {
    if (typeof value !== 'bigint' || value < 0n || value > canonicalUnsignedMax) {
      throw new CanonicalEncodingError(`${name} must be a bigint in 0..2^63-1, got ${String(value)}`);
    }
    this.reserve(8);
    this.view.setBigUint64(this.length, value);
    this.length += 8;
    return this;
  }

  /** An integer in -2^63..2^63-1 as 8 bytes big-endian two's complement. */
  signed(value: bigint, name: string): this {
    if (typeof value !== 'bigint' || value < canonicalSignedMin || value > canonicalSignedMax) {
      throw new CanonicalEncodingError(`${name} must be a bigint in -2^63..2^63-1, got ${String(value)}`);
    }
    this.reserve(8);
    this.view.setBigInt64(this.length, value);
    this.length += 8;
    return this;
  }

  /** A non-negative safe integer (a count, an epoch in milliseconds) as 8 bytes big-endian. */
  safeUnsigned(value: number, name: string): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new CanonicalEncodingError(`${name} must be a non-negative safe integer, got ${String(value)}`);
    }
    return this.unsigned(BigInt(value), name);
  }

  /** One byte: 0x00 for false, 0x01 for true. */
  boolean(value: boolean, name: string): this {
    if (typeof value !== 'boolean') {
      throw new CanonicalEncodingError(`${name} must be a boolean`);
    }
    return this.byte(value ? 1 : 0);
  }

  /** One raw byte (a type or presence marker). */
  byte(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  /** Bytes of a length fixed by the format (a hash, a key), written without a prefix. */
  fixedBytes(value: Uint8Array, lengthExact: number, name: string): this {
    if (!(value instanceof Uint8Array) || value.length !== lengthExact) {
      throw new CanonicalEncodingError(`${name} must be ${lengthExact} bytes`);
    }
    this.reserve(lengthExact);
    this.buffer.set(value, this.length);
    this.length += lengthExact;
    return this;
  }

  /** Bytes of variable length with a 4-byte big-endian length prefix. */
  variableBytes(value: Uint8Array, bytesMax: number, name: string): this {
    if (!(value instanceof Uint8Array) || value.length > bytesMax) {
      throw new CanonicalEncodingError(`${name} must be at most ${bytesMax} bytes`);
    }
    this.reserve(4 + value.length);
    this.view.setUint32(this.length, value.length);
    this.buffer.set(value, this.length + 4);
    this.length += 4 + value.length;
    return this;
  }

  /**
   * A flat field map: a 4-byte count, then for each key in ascending order the key, a type byte
   * and the value. Integers given as number or bigint encode alike, so a verifier that parsed
   * the same value into the other type still gets the same bytes.
   */
  fields(fields: CanonicalFields, name: string): this {
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
      throw new CanonicalEncodingError(`${name} must be a flat object`);
    }
    const keys = Object.keys(fields);
    if (keys.length > canonicalFieldsCountMax) {
      throw new CanonicalEncodingError(`${name} has ${keys.length} fields, more than ${canonicalFieldsCountMax}`);
    }
    // Keys are ASCII, so the default UTF-16 code-unit sort equals the byte-wise sort.
    keys.sort();
    this.reserve(4);
    this.view.setUint32(this.length, keys.length);
    this.length += 4;
    for (const key of keys) {
      if (!fieldKeyPattern.test(key) || key.length > canonicalFieldKeyBytesMax) {
        throw new CanonicalEncodingError(`${name} key ${JSON.stringify(key)} must be an ASCII identifier of at most ${canonicalFieldKeyBytesMax} characters`);
      }
      this.string(key, `${name} key`, canonicalFieldKeyBytesMax);
      const value = fields[key];
      const label = `${name}.${key}`;
      if (typeof value === 'string') {
        this.byte(canonicalValueType.string).string(value, label, canonicalFieldStringBytesMax);
      } else if (typeof value === 'bigint') {
        this.byte(canonicalValueType.integer).signed(value, label);
      } else if (typeof value === 'number') {
        if (!Number.isSafeInteger(value)) {
          throw new CanonicalEncodingError(`${label} must be a safe integer (use bigint for money), got ${value}`);
        }
        this.byte(canonicalValueType.integer).signed(BigInt(value), label);
      } else if (typeof value === 'boolean') {
        this.byte(canonicalValueType.boolean).boolean(value, label);
      } else {
        throw new CanonicalEncodingError(`${label} must be a string, an integer or a boolean`);
      }
    }
    return this;
  }

  /** The encoded bytes, exactly sized. The writer must not be used afterwards. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extraBytes: number): void {
    const needed = this.length + extraBytes;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}
