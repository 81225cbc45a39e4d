import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LOGGER, REDIS, type Logger, type Redis } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import type { PaymentDecision } from './payer-debits';

/** Requests waiting at once for a decision; above it a payment answers 202 at once (memory bound). */
export const paymentWaitersMax = 50_000;
/** Decisions per Redis message: a ledger batch is capped below this. */
const decisionsPerMessageMax = 10_000;

export interface PaymentWait {
  /** The decision, or null when none arrived in time. */
  readonly decision: Promise<PaymentDecision | null>;
  cancel(): void;
}

/**
 * Hands the ledger's decisions on payments to the HTTP requests waiting for them (a synchronous
 * POST /v1/payments). LedgerEventsService calls `decided` after its transaction committed, so a
 * request never answers with a decision that is not on the bank's books yet.
 *
 * Several instances of one bank share its events topic through one consumer group, so the
 * decision may be applied by another instance than the one holding the request: every decision
 * is also published on a Redis channel of this bank (one message per ledger batch, not per
 * payment), and every instance resolves its own waiters from it. The local path resolves first;
 * the echo of our own message finds nobody waiting. If Redis is away, a request on another
 * instance falls back to reading the payment row when its wait ends.
 */
@Injectable()
export class PaymentWaiter implements OnModuleInit, OnModuleDestroy {
  private readonly waiting = new Map<string, Set<(decision: PaymentDecision) => void>>();
  private waiterCount = 0;
  private subscriber: Redis | null = null;
  private readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.channel = `cbdc:${settings.BANK_ID}:payment-decisions`;
  }

  onModuleInit(): void {
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, text: string) => this.resolveFromText(text));
    // The shared client already reports an outage; this one only must not crash the process with it.
    subscriber.on('error', (error: Error) => this.logger.debug({ err: error }, 'payment decisions subscriber: Redis error'));
    // Not awaited: the bank starts without Redis and subscribes when it comes back (ioredis re-subscribes).
    subscriber.subscribe(this.channel).catch((error: unknown) => this.logger.warn({ err: error }, 'subscribing to payment decisions failed'));
  }

  async onModuleDestroy(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) subscriber.disconnect();
  }

  /** Waits for the decision on one payment, at most `timeoutMs`; call `cancel` when done. */
  wait(paymentId: string, timeoutMs: number): PaymentWait {
    if (this.waiterCount >= paymentWaitersMax || timeoutMs <= 0) return { decision: Promise.resolve(null), cancel: () => undefined };
    let resolveWith: (decision: PaymentDecision | null) => void = () => undefined;
    const decision = new Promise<PaymentDecision | null>((resolve) => (resolveWith = resolve));
    const listener = (value: PaymentDecision) => resolveWith(value);
    let set = this.waiting.get(paymentId);
    if (!set) this.waiting.set(paymentId, (set = new Set()));
    set.add(listener);
    this.waiterCount++;
    const timer = setTimeout(() => resolveWith(null), timeoutMs);
    let cancelled = false;
    const cancel = () => {
      if (cancelled) return;
      cancelled = true;
      clearTimeout(timer);
      const current = this.waiting.get(paymentId);
      current?.delete(listener);
      if (current?.size === 0) this.waiting.delete(paymentId);
      this.waiterCount--;
      resolveWith(null);
    };
    return { decision, cancel };
  }

  /** Called after the decisions are committed: resolves local waiters and tells the other instances. */
  decided(decisions: readonly PaymentDecision[]): void {
    if (decisions.length === 0) return;
    this.resolve(decisions);
    for (let start = 0; start < decisions.length; start += decisionsPerMessageMax) {
      this.redis
        .publish(this.channel, JSON.stringify(decisions.slice(start, start + decisionsPerMessageMax)))
        .catch((error: unknown) => this.logger.debug({ err: error }, 'publishing payment decisions failed; other instances read the row'));
    }
  }

  private resolve(decisions: readonly PaymentDecision[]): void {
    if (this.waiting.size === 0) return;
    for (const decision of decisions) {
      const listeners = this.waiting.get(decision.paymentId);
      if (listeners) for (const listener of listeners) listener(decision);
    }
  }

  private resolveFromText(text: string): void {
    if (this.waiting.size === 0) return;
    try {
      const decisions = JSON.parse(text) as unknown;
      if (Array.isArray(decisions)) this.resolve(decisions.filter(isDecision));
    } catch (error) {
      this.logger.warn({ err: error }, 'a payment decision message on Redis does not parse');
    }
  }
}

function isDecision(value: unknown): value is PaymentDecision {
  if (typeof value !== 'object' || value === null) return false;
  const decision = value as Record<string, unknown>;
  return typeof decision.paymentId === 'string' && (decision.status === 'settled' || decision.status === 'rejected');
}
