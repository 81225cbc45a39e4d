import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { centralBankControlTopic, encodeMessage } from '@cbdc/contracts';
import { KAFKA_PRODUCER, sendMessages } from '@cbdc/platform';
import type { Producer } from 'kafkajs';
import { diagnosticPingV1, type DiagnosticPongV1 } from '@cbdc/contracts';
import { COMMERCIAL_BANK_SETTINGS } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';

/** A ping waits this long for its pong before the caller gets KAFKA_TIMEOUT. */
export const kafkaPingTimeoutMs = 10_000;
/** Pings waiting at once; more are refused rather than grow memory without bound. */
export const pendingPingsMax = 1_000;

export class KafkaPingError extends Error {
  constructor(
    readonly code: 'KAFKA_TIMEOUT' | 'TOO_MANY_PINGS',
    message: string,
  ) {
    super(message);
  }
}

interface PendingPing {
  startedMs: number;
  resolve(roundTripMs: number): void;
}

/**
 * The operator's half of the Kafka round trip: sends a ping to the central bank's control topic
 * and resolves when the pong comes back on this operator's events topic (through
 * `OperatorEventsConsumer`). Pending pings live in memory: a pong for a ping this process did not
 * send (another instance's, or from before a restart) is ignored.
 */
@Injectable()
export class KafkaPingService {
  private readonly pending = new Map<string, PendingPing>();
  private readonly operatorId: string;

  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.operatorId = settings.BANK_ID;
  }

  async ping(): Promise<{ roundTripMs: number }> {
    if (this.pending.size >= pendingPingsMax) throw new KafkaPingError('TOO_MANY_PINGS', `${pendingPingsMax} pings are already waiting`);
    const pingId = randomUUID();
    const startedMs = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<number>((resolve, reject) => {
      this.pending.set(pingId, { startedMs, resolve });
      timer = setTimeout(() => reject(new KafkaPingError('KAFKA_TIMEOUT', `no pong within ${kafkaPingTimeoutMs} ms`)), kafkaPingTimeoutMs);
    });
    try {
      const ping = encodeMessage(diagnosticPingV1, { pingId, operatorId: this.operatorId, sentAt: new Date().toISOString() });
      await sendMessages(this.producer, centralBankControlTopic, [{ key: this.operatorId, value: ping }]);
      return { roundTripMs: await answered };
    } finally {
      clearTimeout(timer);
      this.pending.delete(pingId);
    }
  }

  /** Called by the events consumer for every pong on this operator's topic. */
  onPong(pong: DiagnosticPongV1): void {
    const waiting = this.pending.get(pong.pingId);
    if (!waiting) return;
    waiting.resolve(Math.max(1, Math.round(performance.now() - waiting.startedMs)));
  }
}
