/**
 * The signature a merchant's server checks on each webhook delivery: HMAC-SHA256 under the
 * merchant's secret over `<timestamp>.<raw body>`, hex, sent as `sha256=<hex>`. The timestamp is
 * inside the MAC so a captured delivery cannot be replayed later under a fresh timestamp; the
 * delivery id header lets the merchant drop a repeat of one it already handled.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const webhookSignaturePrefix = 'sha256=';

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return webhookSignaturePrefix + createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** Constant-time check, for merchants' servers and tests. */
export function webhookSignatureValid(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
