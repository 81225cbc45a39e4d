// Proves how an answer is judged: only a 200 whose body says settled is a success, and its settledAt is read as the ledger's commit time.
import { settledAtMs, settledPaymentId } from './vegeta-runner';

describe('settledPaymentId', () => {
  it('is the payment id of a 200 settled answer', () => {
    expect(settledPaymentId(200, '{"paymentId":"lt-1","status":"settled","settledAt":"2026-11-29T16:00:00.000Z"}')).toBe('lt-1');
  });

  it.each([
    [202, '{"paymentId":"lt-1","status":"pending"}'],
    [200, '{"paymentId":"lt-1","status":"pending"}'],
    [422, '{"paymentId":"lt-1","status":"rejected","code":"INSUFFICIENT_FUNDS"}'],
    [200, 'not json'],
    [200, '{"status":"settled"}'],
  ])('is null for HTTP %d %s', (code, body) => {
    expect(settledPaymentId(code, body)).toBeNull();
  });
});

describe('settledAtMs', () => {
  it('reads the ledger commit time of a settled payment', () => {
    expect(settledAtMs(200, '{"paymentId":"p","status":"settled","settledAt":"2026-11-29T16:00:00.250Z"}')).toBe(Date.parse('2026-11-29T16:00:00.250Z'));
  });

  it('is null without a settled answer or a readable time', () => {
    expect(settledAtMs(202, '{"status":"settled","settledAt":"2026-11-29T16:00:00Z"}')).toBeNull();
    expect(settledAtMs(200, '{"status":"settled","settledAt":"soon"}')).toBeNull();
    expect(settledAtMs(200, '{"status":"settled"}')).toBeNull();
  });
});
