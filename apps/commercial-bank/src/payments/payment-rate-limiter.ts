import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, REDIS, type Logger, type Redis } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import { ApiError } from '../http/api-error';

/** The window of the payment rate limit. */
export const paymentRateWindowMs = 60_000;
/**
 * How long a rate check may wait for Redis. Past it the payment goes on (fails open): the
 * ledger's class limits, not this throttle, protect the money, and a Redis outage must not stop
 * payments.
 */
export const rateLimitRedisTimeoutMs = 250;

/** Counts one payment in the wallet's current window and returns the count; the key outlives its window a little. */
const countInWindowScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/**
 * Payments per payer wallet per minute, a fixed window counted in Redis (one round trip, one Lua
 * script: INCR and its expiry are atomic, so a crash between them cannot leave a key that never
 * expires). Shared by every instance of the bank. Over the limit: 429 RATE_LIMITED with
 * Retry-After, the seconds until the window ends.
 */
@Injectable()
export class PaymentRateLimiter {
  private readonly perMinute: number;
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.perMinute = settings.PAYMENT_RATE_PER_WALLET_PER_MINUTE;
    this.prefix = `cbdc:${settings.BANK_ID}:payment-rate:`;
  }

  /** Takes one payment from the wallet's allowance, or throws 429 RATE_LIMITED. */
  async take(walletId: string, now: number = Date.now()): Promise<void> {
    const window = Math.floor(now / paymentRateWindowMs);
    const key = `${this.prefix}${walletId}:${window}`;
    let count: number;
    try {
      count = await withTimeout(this.redis.eval(countInWindowScript, 1, key, String(paymentRateWindowMs + 5_000)) as Promise<number>, rateLimitRedisTimeoutMs);
    } catch (error) {
      this.logger.warn({ err: error, walletId }, 'the payment rate limit could not be checked; letting the payment through');
      return;
    }
    if (count > this.perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * paymentRateWindowMs - now) / 1000));
      throw new ApiError(429, 'RATE_LIMITED', `wallet ${walletId} made more than ${this.perMinute} payments this minute; retry in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
