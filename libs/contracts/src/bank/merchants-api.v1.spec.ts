// Proves the merchant webhook message keeps parsing its sample and that the merchant, treasury and class-change bodies refuse bad input with a field path.
import { ContractError } from '../schema';
import { encodeMessage, MessageRegistry } from '../message';
import { createPaymentRequestRequestV1, paymentRequestPaidV1, registerMerchantRequestV1, walletUpgradeRequestV1 } from './merchants-api.v1';

function pathOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof ContractError) return error.path;
    throw error;
  }
  return undefined;
}

describe('merchant API contracts', () => {
  it('parses the webhook sample and round-trips it through the wire form', () => {
    const registry = new MessageRegistry([paymentRequestPaidV1]);
    for (const sample of paymentRequestPaidV1.samples) {
      const parsed = registry.parse(sample);
      expect(parsed.body).toMatchObject({ amount: 1234n, status: 'paid' });
      expect(registry.decode(encodeMessage(paymentRequestPaidV1, parsed.body as never)).body).toEqual(parsed.body);
    }
  });

  it('refuses bad bodies with the offending field', () => {
    expect(pathOf(() => registerMerchantRequestV1({ webhookUrl: 'ftp://x' }, ''))).toBe('webhookUrl');
    expect(pathOf(() => registerMerchantRequestV1({ webhookUrl: 'http://127.0.0.1:9/hook', webhookSecret: 'short' }, ''))).toBe('webhookSecret');
    expect(pathOf(() => createPaymentRequestRequestV1({ requestId: 'r', amount: 12, reference: 'x', expiresInSeconds: 60 }, ''))).toBe('amount');
    expect(pathOf(() => createPaymentRequestRequestV1({ requestId: 'r', amount: '12', reference: 'x', expiresInSeconds: 0 }, ''))).toBe('expiresInSeconds');
    expect(pathOf(() => walletUpgradeRequestV1({ changeId: 'c', walletClass: 4 }, ''))).toBe('walletClass');
    expect(pathOf(() => walletUpgradeRequestV1({ changeId: 'c', walletClass: 3, documentExpiresOn: '2026-02-30' }, ''))).toBe('documentExpiresOn');
    expect(walletUpgradeRequestV1({ changeId: 'c', walletClass: 3, documentExpiresOn: '2030-02-28' }, '')).toEqual({ changeId: 'c', walletClass: 3, documentExpiresOn: '2030-02-28' });
  });
});
