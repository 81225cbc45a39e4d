// Proves every anchor message version parses its samples and re-encodes them unchanged, and refuses amounts as JSON numbers, unknown fields and oversized blocks.
import { encodeMessage, MessageDefinition, MessageRegistry } from '../index';
import { anchorBlockEntriesMax, anchorBlockProposalV1, anchorMessages } from './anchor-messages.v1';
import { contractErrorCodeOf } from '../testing/contract-error-code';

const registry = new MessageRegistry(anchorMessages as unknown as MessageDefinition<unknown>[]);

describe('anchor messages v1', () => {
  for (const definition of anchorMessages as unknown as MessageDefinition<object>[]) {
    it(`${definition.type}@${definition.version} parses every sample and re-encodes it unchanged`, () => {
      for (const sample of definition.samples) {
        const envelope = registry.decode(JSON.stringify(sample));
        expect(JSON.parse(encodeMessage(definition, envelope.body as object))).toEqual(sample);
      }
    });
  }

  it('refuses an amount as a JSON number, an unknown field, and more leaves than a block may hold', () => {
    const sample = anchorBlockProposalV1.samples[0] as { entries: { index: number; entry: Record<string, unknown> }[]; leafHashes: string[] };
    const withNumber = { ...sample, entries: [{ ...sample.entries[0], entry: { ...sample.entries[0].entry, amount: 50000 } }] };
    expect(contractErrorCodeOf(() => registry.parse(withNumber))).toBe('MALFORMED');
    expect(contractErrorCodeOf(() => registry.parse({ ...sample, extra: true }))).toBe('MALFORMED');
    const tooMany = { ...sample, leafHashes: Array.from({ length: anchorBlockEntriesMax + 1 }, () => '11'.repeat(32)) };
    expect(contractErrorCodeOf(() => registry.parse(tooMany))).toBe('MALFORMED');
  });
});
