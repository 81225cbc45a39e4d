// Proves every message version keeps parsing its samples, round-trips through the wire form,
// and that bad input (floats for money, unknown fields, unknown versions) is refused with a code.
import {
  encodeMessage,
  issueRecallMessages,
  ledgerCommandMessages,
  ledgerEventMessages,
  diagnosticPingV1,
  diagnosticPongV1,
  MessageDefinition,
  MessageRegistry,
  paymentV1,
  commandResultsV1,
} from './index';
import { contractErrorCodeOf } from './testing/contract-error-code';

const all = [...ledgerCommandMessages, ...ledgerEventMessages, ...issueRecallMessages, diagnosticPingV1, diagnosticPongV1] as MessageDefinition<unknown>[];
const registry = new MessageRegistry(all);

describe('message samples', () => {
  for (const definition of all) {
    it(`${definition.type}@${definition.version} parses every sample and re-encodes it unchanged`, () => {
      expect(definition.samples.length).toBeGreaterThan(0);
      for (const sample of definition.samples) {
        const envelope = registry.decode(JSON.stringify(sample));
        expect(envelope.type).toBe(definition.type);
        expect(JSON.parse(encodeMessage(definition as MessageDefinition<object>, envelope.body as object))).toEqual(sample);
      }
    });
  }
});

describe('payment v1', () => {
  const sample = paymentV1.samples[0]!;

  it('turns the amount and counter into bigints', () => {
    const body = registry.decode(JSON.stringify(sample)).body as { amount: bigint; counter: bigint };
    expect(body.amount).toBe(12345n);
    expect(body.counter).toBe(1n);
  });

  it('refuses an amount carried as a JSON number, a fraction, zero, or beyond int64', () => {
    for (const bad of [12345, '123.45', '0', '-5', '9223372036854775808', '0012']) {
      expect(contractErrorCodeOf(() => registry.parse({ ...sample, amount: bad }))).toBe('MALFORMED');
    }
  });

  it('accepts the largest int64 amount', () => {
    const body = registry.parse({ ...sample, amount: '9223372036854775807' }).body as { amount: bigint };
    expect(body.amount).toBe(2n ** 63n - 1n);
  });

  it('refuses unknown fields, missing fields and bad signatures', () => {
    expect(contractErrorCodeOf(() => registry.parse({ ...sample, extra: 1 }))).toBe('MALFORMED');
    const { payeeWalletId: _omitted, ...missing } = sample;
    expect(contractErrorCodeOf(() => registry.parse(missing))).toBe('MALFORMED');
    expect(contractErrorCodeOf(() => registry.parse({ ...sample, signature: 'AB'.repeat(64) }))).toBe('MALFORMED');
    expect(contractErrorCodeOf(() => registry.parse({ ...sample, signature: 'ab'.repeat(63) }))).toBe('MALFORMED');
  });

  it('names the offending field in the error', () => {
    expect(() => registry.parse({ ...sample, payerWalletId: 'has space' })).toThrow(/payerWalletId/);
  });
});

describe('registry', () => {
  it('tells an unknown version from an unknown type, and refuses non-JSON and oversized input', () => {
    expect(contractErrorCodeOf(() => registry.parse({ ...paymentV1.samples[0], version: 99 }))).toBe('UNKNOWN_VERSION');
    expect(contractErrorCodeOf(() => registry.parse({ type: 'ledger.teleport', version: 1 }))).toBe('UNKNOWN_TYPE');
    expect(contractErrorCodeOf(() => registry.decode('{not json'))).toBe('MALFORMED');
    expect(contractErrorCodeOf(() => registry.decode('[]'))).toBe('MALFORMED');
    expect(contractErrorCodeOf(() => registry.decode('x'.repeat(300 * 1024)))).toBe('TOO_LARGE');
  });

  it('refuses two definitions of the same type and version', () => {
    expect(() => new MessageRegistry([paymentV1, paymentV1] as MessageDefinition<unknown>[])).toThrow(/duplicate/);
  });

  it('encodes bigints inside nested arrays as decimal strings', () => {
    const text = encodeMessage(commandResultsV1, {
      batchId: 7n,
      committedAt: 1,
      results: [{ commandId: 'c1', commandType: 'ledger.payment', status: 'accepted', sequence: 99n }],
    });
    expect(JSON.parse(text).results[0].sequence).toBe('99');
    expect(JSON.parse(text).batchId).toBe('7');
  });
});
