// Decoding of the anchor's canonical encodings (an entry, a block header) back into values, for
// the binary block proposal (`anchor.block-proposal` v2, docs/decisions/0018-binary-anchor-proposals.md),
// which carries entries and headers as exactly the bytes that are hashed, so an operator hashes
// what it received instead of encoding it again.
// Invariants: decoding is strict, so every accepted byte string is the canonical encoding of the
// value it decodes to (`encodeEntry(decodeEntry(bytes))` equals `bytes`, and the same for headers):
// the right tag, every length within its limit, well-formed UTF-8, integers in range, a presence
// byte of 0 or 1, attribute keys that are identifiers in strictly ascending order, and no byte
// left over. Anything else throws an AnchorDecodingError naming the field.
// Entry attributes decode as strings only: every ledger entry's attributes are strings, and the
// wire form (anchor-wire.ts) carries nothing else.
import { canonicalFieldKeyBytesMax, canonicalFieldsCountMax, canonicalFieldStringBytesMax, canonicalUnsignedMax, canonicalValueType } from '@cbdc/crypto';
import { AnchorEntry, entryDomainTag, entryIdBytesMax, entryKindBytesMax } from './entry-encoding';
import { blockDomainTag, BlockHeader } from './block-header';
import { hashBytes } from './sha256';

/** Thrown when bytes are not a canonical encoding; the message names the field. */
export class AnchorDecodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnchorDecodingError';
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const fieldKeyPattern = /^[A-Za-z][A-Za-z0-9_]*$/;
const twoPow32 = 2 ** 32;

/** Reads canonical fields in order from one byte string; every read checks the bytes remaining. */
class CanonicalReader {
  private offset = 0;
  private readonly view: DataView;
  /** The same bytes as a Buffer (a view, no copy), for node's native ASCII decoding. */
  private readonly text: Buffer;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  tag(expected: string): void {
    const found = this.string('domain tag', 255, false);
    if (found !== expected) throw new AnchorDecodingError(`domain tag: expected ${expected}, found ${JSON.stringify(found.slice(0, 32))}`);
  }

  unsigned(name: string): bigint {
    this.need(8, name);
    const value = this.view.getBigUint64(this.offset);
    if (value > canonicalUnsignedMax) throw new AnchorDecodingError(`${name}: beyond 2^63-1`);
    this.offset += 8;
    return value;
  }

  safeUnsigned(name: string): number {
    this.need(8, name);
    const high = this.view.getUint32(this.offset);
    const low = this.view.getUint32(this.offset + 4);
    const value = high * twoPow32 + low;
    if (!Number.isSafeInteger(value)) throw new AnchorDecodingError(`${name}: beyond a safe integer`);
    this.offset += 8;
    return value;
  }

  u32(name: string): number {
    this.need(4, name);
    const value = this.view.getUint32(this.offset);
    this.offset += 4;
    return value;
  }

  byte(name: string): number {
    this.need(1, name);
    return this.bytes[this.offset++]!;
  }

  fixedBytes(length: number, name: string): Uint8Array {
    this.need(length, name);
    const value = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** A u32-length-prefixed UTF-8 string; ASCII, the common case, is read without a decoder call. */
  string(name: string, bytesMax: number, emptyAllowed: boolean): string {
    this.need(4, name);
    const length = this.view.getUint32(this.offset);
    if (length > bytesMax) throw new AnchorDecodingError(`${name}: ${length} bytes, more than ${bytesMax}`);
    if (length === 0 && !emptyAllowed) throw new AnchorDecodingError(`${name}: empty`);
    this.offset += 4;
    this.need(length, name);
    const start = this.offset;
    const end = start + length;
    let ascii = true;
    for (let index = start; index < end; index++) {
      if (this.bytes[index]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    let value: string;
    if (ascii) {
      // ASCII is Latin-1 is UTF-8: node's native Latin-1 decoding, without a decoder call per string.
      value = this.text.toString('latin1', start, end);
    } else {
      try {
        value = strictUtf8.decode(this.bytes.subarray(start, end));
      } catch {
        throw new AnchorDecodingError(`${name}: not well-formed UTF-8`);
      }
    }
    this.offset = end;
    return value;
  }

  end(what: string): void {
    if (this.offset !== this.bytes.length) throw new AnchorDecodingError(`${what}: ${this.bytes.length - this.offset} bytes left over`);
  }

  private need(count: number, name: string): void {
    if (this.offset + count > this.bytes.length) throw new AnchorDecodingError(`${name}: the bytes end early`);
  }
}

/** The entry whose canonical encoding (entry-encoding.ts) these bytes are; throws on anything else. */
export function decodeEntry(bytes: Uint8Array): AnchorEntry {
  const reader = new CanonicalReader(bytes);
  reader.tag(entryDomainTag);
  const entry: AnchorEntry = {
    sequence: reader.unsigned('sequence'),
    commandId: reader.string('commandId', entryIdBytesMax, false),
    kind: reader.string('kind', entryKindBytesMax, false),
    debit: reader.string('debit', entryIdBytesMax, false),
    credit: reader.string('credit', entryIdBytesMax, false),
    amount: reader.unsigned('amount'),
    committedAt: 0,
  };
  const batchPresent = reader.byte('batchId presence');
  if (batchPresent === 1) {
    entry.batchId = reader.unsigned('batchId');
  } else if (batchPresent !== 0) {
    throw new AnchorDecodingError(`batchId presence: ${batchPresent}, expected 0 or 1`);
  }
  entry.committedAt = reader.safeUnsigned('committedAt');
  const count = reader.u32('attributes count');
  if (count > canonicalFieldsCountMax) throw new AnchorDecodingError(`attributes: ${count}, more than ${canonicalFieldsCountMax}`);
  const attributes: Record<string, string> = {};
  let previousKey: string | undefined;
  for (let index = 0; index < count; index++) {
    const key = reader.string('attributes key', canonicalFieldKeyBytesMax, false);
    if (!fieldKeyPattern.test(key)) throw new AnchorDecodingError(`attributes key ${JSON.stringify(key)}: not an identifier`);
    // The writer sorts keys; a key out of order or repeated would be a second encoding of one value.
    if (previousKey !== undefined && key <= previousKey) throw new AnchorDecodingError(`attributes key ${key}: not after ${previousKey}`);
    previousKey = key;
    const type = reader.byte(`attributes.${key} type`);
    if (type !== canonicalValueType.string) throw new AnchorDecodingError(`attributes.${key}: type ${type}, entries carry string attributes only`);
    attributes[key] = reader.string(`attributes.${key}`, canonicalFieldStringBytesMax, true);
  }
  reader.end('entry');
  // An entry decoded from the wire always carries its attributes (an absent map encodes as an empty one).
  entry.attributes = attributes;
  return entry;
}

/** The header whose canonical encoding (block-header.ts) these bytes are; throws on anything else. */
export function decodeBlockHeader(bytes: Uint8Array): BlockHeader {
  const reader = new CanonicalReader(bytes);
  reader.tag(blockDomainTag);
  const header: BlockHeader = {
    height: reader.unsigned('height'),
    previousHash: reader.fixedBytes(hashBytes, 'previousHash'),
    merkleRoot: reader.fixedBytes(hashBytes, 'merkleRoot'),
    firstSequence: reader.unsigned('firstSequence'),
    lastSequence: reader.unsigned('lastSequence'),
    entryCount: reader.safeUnsigned('entryCount'),
    sealedAt: reader.safeUnsigned('sealedAt'),
  };
  reader.end('header');
  return header;
}
