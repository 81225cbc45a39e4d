/**
 * For the anchor library's property tests: any ledger entry the canonical encoding accepts (text
 * fields of 1..40 graphemes, unsigned 63-bit integers, up to five attributes), with `batchId`
 * optional, and `attributes` optional unless `attributesRequired`. Not exported from the
 * library's index: only its specs use it.
 */
import fc from 'fast-check';

export function arbitraryAnchorEntry(options: { attributesRequired: boolean }) {
  const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
  const unsigned = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
  const required = ['sequence', 'commandId', 'kind', 'debit', 'credit', 'amount', 'committedAt'] as const;
  return fc.record(
    {
      sequence: unsigned,
      commandId: text,
      kind: text,
      debit: text,
      credit: text,
      amount: unsigned,
      batchId: unsigned,
      committedAt: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      attributes: fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,20}$/), fc.string({ unit: 'grapheme', maxLength: 60 }), { maxKeys: 5 }),
    },
    { requiredKeys: options.attributesRequired ? [...required, 'attributes'] : [...required] },
  );
}
