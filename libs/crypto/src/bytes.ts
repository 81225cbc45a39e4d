// Byte helpers shared by the crypto and anchor libraries.
//
// Invariants: every function returns a plain Uint8Array (never a node Buffer), so values
// compare equal in tests and pass `constructor === Uint8Array` checks of audited libraries;
// decoders are strict: a string that is not the canonical text of some bytes is rejected
// instead of being silently truncated, because two texts for one value make signatures ambiguous.

const hexPattern = /^(?:[0-9a-f]{2})*$/;
const base64UrlPattern = /^[A-Za-z0-9_-]*$/;

/** Copies any Uint8Array view (a Buffer included) into a plain, exactly-sized Uint8Array. */
export function toPlainBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/** Lowercase hexadecimal text of the bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a lowercase hexadecimal text of even length; anything else throws. */
export function fromHex(text: string): Uint8Array {
  if (!hexPattern.test(text)) {
    throw new TypeError('expected lowercase hexadecimal text of even length');
  }
  return toPlainBytes(Buffer.from(text, 'hex'));
}

/** Base64url text without padding (RFC 4648 §5), safe in URLs and JSON. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Bytes of an unpadded base64url text; non-canonical text (stray bits in the last character) throws. */
export function fromBase64Url(text: string): Uint8Array {
  if (!base64UrlPattern.test(text) || text.length % 4 === 1) {
    throw new TypeError('expected unpadded base64url text');
  }
  const bytes = Buffer.from(text, 'base64url');
  // Node ignores unused low bits of the last character; re-encoding catches such aliases.
  if (bytes.toString('base64url') !== text) {
    throw new TypeError('base64url text is not canonical');
  }
  return toPlainBytes(bytes);
}

/** Concatenation of byte arrays into one new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Byte-wise equality; not constant-time, so use it for public values only (hashes, roots, keys). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}
