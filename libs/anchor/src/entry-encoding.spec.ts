// Pins the canonical encoding and hash of a ledger entry, and proves that changing any field changes the hash.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { CanonicalEncodingError, toHex } from '@cbdc/crypto';
import { AnchorEntry, encodeEntry, entryHash } from './entry-encoding';
import { arbitraryAnchorEntry } from './testing/arbitrary-entry';

const entry: AnchorEntry = {
  sequence: 42n,
  commandId: 'pay-0001',
  kind: 'payment',
  debit: 'wallet:weh7ddx5bksrgcytl7bkai36se4nxx3kl',
  credit: 'wallet:whh3rhufgiqst6bcssqq3t5i3tmejphii',
  amount: 12_345n,
  batchId: 7n,
  committedAt: 1_767_225_600_000,
  attributes: { counter: 7n },
};
const { batchId: _batchId, attributes: _attributes, ...bareEntry } = entry;

describe('test vectors (a change here is a format change: bump the tag instead)', () => {
  it('entry with batch id and attributes', () => {
    expect(toHex(encodeEntry(entry))).toBe(
      '0000000d636264632f656e7472792f7631' + // tag
        '000000000000002a' + // sequence 42
        '000000087061792d30303031' + // commandId
        '000000077061796d656e74' + // kind
        '0000002877616c6c65743a7765683764647835626b7372676379746c37626b616933367365346e7878336b6c' + // debit
        '0000002877616c6c65743a77686833726875666769717374366263737371713374356933746d656a70686969' + // credit
        '0000000000003039' + // amount 12345
        '01' + '0000000000000007' + // batchId present, 7
        '0000019b76daa800' + // committedAt 2026-01-01T00:00:00Z
        '00000001' + '00000007636f756e746572' + '02' + '0000000000000007', // attributes {counter: 7}
    );
    expect(toHex(entryHash(entry))).toBe('2576b8d70b2658079aa8ec36e0af35a29c01dca23aaf00173a233dd29a8ac6e8');
  });

  it('entry without batch id or attributes', () => {
    expect(toHex(encodeEntry(bareEntry)).endsWith('0000000000003039' + '00' + '0000019b76daa800' + '00000000')).toBe(true);
    expect(toHex(entryHash(bareEntry))).toBe('7fdcd6d34bd808cf0f5c17ba7f7090c9b363b6cb5c8c8e396e1ed308e77514a5');
  });

  it('hashes with SHA-256 over the encoding', () => {
    expect(toHex(entryHash(entry))).toBe(createHash('sha256').update(encodeEntry(entry)).digest('hex'));
  });
});

describe('every field is bound', () => {
  const changes: [string, Partial<AnchorEntry>][] = [
    ['sequence', { sequence: 43n }],
    ['commandId', { commandId: 'pay-0002' }],
    ['kind', { kind: 'load' }],
    ['debit', { debit: 'vault:bank-a' }],
    ['credit', { credit: 'vault:bank-a' }],
    ['amount', { amount: 12_346n }],
    ['batchId', { batchId: 8n }],
    ['batchId removed', { batchId: undefined }],
    ['committedAt', { committedAt: entry.committedAt + 1 }],
    ['attributes', { attributes: { counter: 8n } }],
    ['attributes removed', { attributes: undefined }],
    ['debit and credit swapped', { debit: entry.credit, credit: entry.debit }],
  ];
  it.each(changes)('changing %s changes the hash', (_field, change) => {
    expect(toHex(entryHash({ ...entry, ...change }))).not.toBe(toHex(entryHash(entry)));
  });

  it('tells an absent batch id from batch 0', () => {
    expect(toHex(entryHash({ ...bareEntry, batchId: 0n }))).not.toBe(toHex(entryHash(bareEntry)));
  });

  it('treats absent attributes as empty ones, whatever the key order of present ones', () => {
    expect(toHex(entryHash({ ...bareEntry, attributes: {} }))).toBe(toHex(entryHash(bareEntry)));
    expect(toHex(entryHash({ ...entry, attributes: { a: 1, b: 'x' } }))).toBe(toHex(entryHash({ ...entry, attributes: { b: 'x', a: 1n } })));
  });
});

describe('refusals', () => {
  it.each([
    ['a negative amount', { amount: -1n }],
    ['an amount of 2^63', { amount: 2n ** 63n }],
    ['an empty command id', { commandId: '' }],
    ['a fractional committedAt', { committedAt: 1.5 }],
    ['a debit account over the limit', { debit: 'x'.repeat(129) }],
    ['a float attribute', { attributes: { rate: 0.5 } }],
  ])('%s', (_label, change) => {
    expect(() => encodeEntry({ ...entry, ...change } as AnchorEntry)).toThrow(CanonicalEncodingError);
  });
});

describe('the fast path of entryHash', () => {
  const arbitraryEntry = arbitraryAnchorEntry({ attributesRequired: false });

  it('hashes exactly the bytes of the general encoding, and refuses what it refuses', () => {
    fc.assert(
      fc.property(arbitraryEntry, (value) => {
        const candidate = value as AnchorEntry;
        let general: string;
        try {
          general = createHash('sha256').update(encodeEntry(candidate)).digest('hex');
        } catch (error) {
          expect(error).toBeInstanceOf(CanonicalEncodingError);
          expect(() => entryHash(candidate)).toThrow((error as Error).message);
          return;
        }
        expect(toHex(entryHash(candidate))).toBe(general);
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves integer attributes, long values and malformed text to the general path', () => {
    const longValue = { ...entry, attributes: { note: 'x'.repeat(1_000) } };
    expect(toHex(entryHash(longValue))).toBe(createHash('sha256').update(encodeEntry(longValue)).digest('hex'));
    expect(() => entryHash({ ...entry, commandId: 'bad \ud800' })).toThrow(CanonicalEncodingError);
    expect(() => entryHash({ ...entry, attributes: { note: 'y'.repeat(1_025) } })).toThrow(CanonicalEncodingError);
    expect(() => entryHash({ ...entry, sequence: -1n })).toThrow(CanonicalEncodingError);
  });
});
