// Proves a webhook signature verifies only for the same secret, timestamp and body, and that the crash-point setting accepts only the steps the crash test knows.
import { parseCrashPoint } from '../crash-test/crash-points';
import { jobIdOf } from './webhook-delivery.service';
import { webhookSignature, webhookSignatureValid } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'a merchant secret of enough length';
  const body = '{"type":"merchant.payment-request-paid","version":1}';

  it('is HMAC-SHA256 over timestamp.body, checked in constant time', () => {
    const signature = webhookSignature(secret, '1796000000', body);
    // Cross-checked outside this code: 'sha256=' + hmac.new(secret, b'1796000000.' + body, sha256).hexdigest() in Python.
    expect(signature).toBe('sha256=332514acfb8895592a2f1594a30179a1bc4e51acac1e92c682a91bce4b804a0e');
    expect(webhookSignatureValid(secret, '1796000000', body, signature)).toBe(true);
    expect(webhookSignatureValid(secret, '1796000001', body, signature)).toBe(false);
    expect(webhookSignatureValid(secret, '1796000000', `${body} `, signature)).toBe(false);
    expect(webhookSignatureValid('another secret of enough length', '1796000000', body, signature)).toBe(false);
    expect(webhookSignatureValid(secret, '1796000000', body, 'sha256=00')).toBe(false);
  });

  it('turns delivery ids into BullMQ job ids without colons, one to one', () => {
    expect(jobIdOf('paid:order-42')).not.toContain(':');
    expect(jobIdOf('paid:a:b')).not.toBe(jobIdOf('paid:a_b'));
  });
});

describe('crash points', () => {
  it('is off without the variable and refuses unknown steps', () => {
    expect(parseCrashPoint(undefined)).toBeNull();
    expect(parseCrashPoint('')).toBeNull();
    expect(parseCrashPoint('load:before-publish')).toEqual({ kind: 'load', step: 'before-publish' });
    expect(() => parseCrashPoint('load:somewhere')).toThrow(/CBDC_TEST_CRASH_AT/);
    expect(() => parseCrashPoint('payment:before-publish')).toThrow(/CBDC_TEST_CRASH_AT/);
  });
});
