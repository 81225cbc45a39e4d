// Proves that decoding an entry or a block header gives back exactly the value that was encoded, that every accepted byte string is the canonical encoding of what it decodes to, and that anything else (a wrong tag, bytes cut short or left over, bad UTF-8, unsorted keys) is refused.
import fc from 'fast-check';
import { toHex } from '@cbdc/crypto';
import { AnchorDecodingError, decodeBlockHeader, decodeEntry } from './anchor-decoding';
import { AnchorEntry, encodeEntry, entryEncoding, entryHash } from './entry-encoding';
import { buildBlockHeader, encodeBlockHeader, genesisPreviousHash } from './block-header';
import { sha256 } from './sha256';
import { arbitraryAnchorEntry } from './testing/arbitrary-entry';

const entry: AnchorEntry = {
  sequence: 42n,
  commandId: 'pay-0001',
  kind: 'ledger.payment',
  debit: 'wallet:weh7ddx5bksrgcytl7bkai36se4nxx3kl',
  credit: 'wallet:whh3rhufgiqst6bcssqq3t5i3tmejphii',
  amount: 12_345n,
  batchId: 7n,
  committedAt: 1_767_225_600_000,
  attributes: { factsSha256: 'ab'.repeat(32), operatorId: 'bank-a' },
};

const arbitraryEntry = arbitraryAnchorEntry({ attributesRequired: true });

describe('decodeEntry', () => {
  it('gives back the encoded entry, and entryEncoding gives the bytes entryHash hashes', () => {
    const bytes = entryEncoding(entry);
    expect(toHex(bytes)).toBe(toHex(encodeEntry(entry)));
    expect(toHex(sha256(bytes))).toBe(toHex(entryHash(entry)));
    expect(decodeEntry(bytes)).toEqual(entry);
  });

  it('round-trips any entry with string attributes, byte for byte', () => {
    fc.assert(
      fc.property(arbitraryEntry, (value) => {
        const candidate = value as AnchorEntry;
        let bytes: Uint8Array;
        try {
          bytes = entryEncoding(candidate);
        } catch {
          return; // Not encodable (an id over its limit in UTF-8): nothing to decode.
        }
        const decoded = decodeEntry(bytes);
        expect(decoded).toEqual(candidate);
        expect(toHex(encodeEntry(decoded))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes an entry without a batch id, and absent attributes as empty ones', () => {
    const { batchId: _batchId, attributes: _attributes, ...bare } = entry;
    expect(decodeEntry(encodeEntry(bare))).toEqual({ ...bare, attributes: {} });
  });

  it('accepts only canonical bytes', () => {
    const bytes = encodeEntry(entry);
    const refused = (mutate: (copy: Uint8Array) => Uint8Array): void => {
      expect(() => decodeEntry(mutate(Uint8Array.from(bytes)))).toThrow(AnchorDecodingError);
    };
    refused((copy) => copy.subarray(0, copy.length - 1)); // cut short
    refused((copy) => Uint8Array.from([...copy, 0])); // a byte left over
    refused((copy) => ((copy[4] = 0x43), copy)); // tag `Cbdc/entry/v1`
    const presence = bytes.length - 8 - 4 - attributesLength(entry) - 8 - 1;
    refused((copy) => ((copy[presence] = 2), copy)); // batchId presence byte 2
    // The high bit of the sequence: beyond 2^63 - 1.
    refused((copy) => ((copy[17] = 0x80), copy));
    // A commandId byte that is not UTF-8.
    refused((copy) => ((copy[17 + 8 + 4] = 0xff), copy));
    // Attributes as integers are not an entry's.
    expect(() => decodeEntry(encodeEntry({ ...entry, attributes: { counter: 7n } }))).toThrow(/string attributes only/);
  });

  it('refuses attribute keys out of order (a second encoding of one value)', () => {
    const sorted = encodeEntry({ ...entry, attributes: { a: 'x', b: 'y' } });
    // Swap the two attributes' bytes: key a (4+1 bytes), type (1), value (4+1): 11 bytes, then key b likewise.
    const tail = sorted.length - 22;
    const first = sorted.slice(tail, tail + 11);
    const second = sorted.slice(tail + 11);
    const swapped = Uint8Array.from([...sorted.subarray(0, tail), ...second, ...first]);
    expect(() => decodeEntry(swapped)).toThrow(/not after/);
  });
});

describe('decodeBlockHeader', () => {
  it('gives back the header whose bytes the block hash is of', () => {
    const header = buildBlockHeader({ height: 5n, previousHash: genesisPreviousHash, firstSequence: 10n, lastSequence: 20n, entryHashes: [entryHash(entry)], sealedAt: 1_767_225_600_000 });
    const bytes = encodeBlockHeader(header);
    expect(decodeBlockHeader(bytes)).toEqual({ ...header, previousHash: Uint8Array.from(header.previousHash), merkleRoot: Uint8Array.from(header.merkleRoot) });
    expect(() => decodeBlockHeader(bytes.subarray(0, bytes.length - 1))).toThrow(AnchorDecodingError);
    expect(() => decodeBlockHeader(Uint8Array.from([...bytes, 1]))).toThrow(/left over/);
    expect(() => decodeBlockHeader(encodeEntry(entry))).toThrow(/domain tag/);
  });
});

/** Bytes of the attribute map after its count, for locating the fields before it. */
function attributesLength(value: AnchorEntry): number {
  let length = 0;
  for (const [key, item] of Object.entries(value.attributes ?? {})) length += 4 + key.length + 1 + 4 + Buffer.byteLength(String(item));
  return length;
}
