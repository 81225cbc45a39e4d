// Proves the binary block proposal (v2) decodes its samples and re-encodes them byte for byte, that its framing can never be taken for JSON, and that malformed framing or bodies (cut short, bytes left over, leaves over the limit, entries out of order, an unknown version) are refused with a stable code.
import { MessageRegistry, type MessageDefinition } from '../index';
import { anchorBlockEntriesMax, anchorBlockProposalV1 } from './anchor-messages.v1';
import { anchorBinaryMessages, anchorBlockProposalV2, type AnchorBlockProposalV2 } from './anchor-messages.v2';
import { binaryPrefix, BinaryMessageRegistry, isBinaryMessage } from './binary-message';
import { isTransientRefusal } from './anchor-refusal-codes';
import { contractErrorCodeOf } from '../testing/contract-error-code';

const registry = new BinaryMessageRegistry([...anchorBinaryMessages] as never);
const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const sample = fromHex(anchorBlockProposalV2.samples[0]!);

describe('anchor.block-proposal v2 (binary)', () => {
  it('decodes every sample and re-encodes it byte for byte', () => {
    expect(anchorBlockProposalV2.samples.length).toBeGreaterThan(0);
    for (const hex of anchorBlockProposalV2.samples) {
      const envelope = registry.decode(fromHex(hex));
      expect(envelope).toMatchObject({ type: 'anchor.block-proposal', version: 2 });
      const body = envelope.body as AnchorBlockProposalV2;
      expect(toHex(anchorBlockProposalV2.encode(body))).toBe(hex);
    }
  });

  it('gives the fields of the sample', () => {
    const body = registry.decode(sample).body as AnchorBlockProposalV2;
    expect(body.operatorId).toBe('bank-a');
    expect(body.header.length).toBe(121);
    expect(body.leafHashes.length).toBe(64);
    expect(body.entries.map((e) => [e.index, e.entry.length])).toEqual([[1, 140]]);
  });

  it('is never taken for JSON, and JSON is never taken for it', () => {
    expect(isBinaryMessage(sample)).toBe(true);
    expect(isBinaryMessage(Buffer.from(JSON.stringify(anchorBlockProposalV1.samples[0])))).toBe(false);
    const json = new MessageRegistry([anchorBlockProposalV1] as MessageDefinition<unknown>[]);
    expect(contractErrorCodeOf(() => json.decode(Buffer.from(sample)))).toBe('MALFORMED');
    expect(contractErrorCodeOf(() => registry.decode(Buffer.from(JSON.stringify(anchorBlockProposalV1.samples[0]))))).toBe('MALFORMED');
  });

  it('refuses bytes cut short, bytes left over, and an unknown version or type', () => {
    expect(contractErrorCodeOf(() => registry.decode(sample.subarray(0, sample.length - 1)))).toBe('MALFORMED');
    expect(contractErrorCodeOf(() => registry.decode(Uint8Array.from([...sample, 0])))).toBe('MALFORMED');
    const body = sample.subarray(binaryPrefix('anchor.block-proposal', 2).length);
    expect(contractErrorCodeOf(() => registry.decode(Uint8Array.from([...binaryPrefix('anchor.block-proposal', 9), ...body])))).toBe('UNKNOWN_VERSION');
    expect(contractErrorCodeOf(() => registry.decode(Uint8Array.from([...binaryPrefix('anchor.something', 2), ...body])))).toBe('UNKNOWN_TYPE');
  });

  it('refuses more leaves than a block may hold, entries out of order, and a message over the size limit', () => {
    const body = registry.decode(sample).body as AnchorBlockProposalV2;
    const tooMany = { ...body, leafHashes: new Uint8Array(32 * (anchorBlockEntriesMax + 1)) };
    expect(() => anchorBlockProposalV2.encode(tooMany)).toThrow(/leafHashes/);
    // Hand-made: the encoder refuses it, so write the count over the limit into a valid message.
    const bytes = Uint8Array.from(sample);
    const leafCountOffset = sample.length - (2 + 4 + 140) - 64 - 2;
    expect(new DataView(bytes.buffer).getUint16(leafCountOffset)).toBe(2);
    new DataView(bytes.buffer).setUint16(leafCountOffset, anchorBlockEntriesMax + 1);
    expect(contractErrorCodeOf(() => registry.decode(bytes))).toBe('MALFORMED');
    const twoEntries = { ...body, entries: [body.entries[0]!, { index: 0, entry: body.entries[0]!.entry }] };
    expect(() => anchorBlockProposalV2.encode(twoEntries)).toThrow(/out of order/);
    expect(contractErrorCodeOf(() => registry.decode(new Uint8Array(300 * 1024)))).toBe('TOO_LARGE');
  });

  it('names the refusal codes that may be re-evaluated', () => {
    expect(isTransientRefusal('BOOKS_BEHIND')).toBe(true);
    expect(isTransientRefusal('PREVIOUS_BLOCK_MISSING')).toBe(true);
    for (const code of ['BAD_SIGNATURE', 'ROOT_MISMATCH', 'BROKEN_LINK', 'ENTRY_MISMATCH', 'ENTRY_NOT_IN_BOOKS']) expect(isTransientRefusal(code)).toBe(false);
  });
});
