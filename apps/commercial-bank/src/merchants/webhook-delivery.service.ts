import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { webhookDeliveryIdHeader, webhookSignatureHeader, webhookTimestampHeader } from '@cbdc/contracts';
import { createQueue, createWorker, LOGGER, PG_POOL, REDIS, type Logger } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import { MerchantsService } from './merchants.service';
import { webhookSignature } from './webhook-signature';

/** Deliveries not yet enqueued are looked for this often (a crash between commit and enqueue). */
export const webhookRelayIntervalMs = 1_000;
/** Rows one relay pass enqueues, at most. */
export const webhookRelayRowsMax = 200;
/** A merchant's server must answer within this long. */
export const webhookTimeoutMs = 5_000;
/** Characters of the merchant's error answer kept with an attempt. */
export const webhookErrorTextMax = 300;
/** Deliveries processed at once. */
export const webhookConcurrency = 4;

/** BullMQ job ids may not contain ':', which delivery ids do; base64url keeps them one-to-one. */
export function jobIdOf(deliveryId: string): string {
  return `webhook-${Buffer.from(deliveryId, 'utf8').toString('base64url')}`;
}

interface DeliveryJob {
  deliveryId: string;
}

/**
 * Delivers the webhook of each paid payment request through BullMQ. The delivery row is written
 * with the payment (MerchantsService.onCredit); this relay enqueues it only after that commit, and
 * its sweep re-enqueues any row a crash left unenqueued. The job id is made from the delivery id, so a row
 * enqueued twice is one job; a job that finds its delivery done does nothing. Each try is recorded
 * in `webhook_attempts`; a non-2xx answer or a network error fails the try, and BullMQ retries with
 * exponential backoff up to WEBHOOK_ATTEMPTS_MAX, after which the delivery is marked failed.
 */
@Injectable()
export class WebhookDeliveryService implements OnApplicationBootstrap, OnModuleDestroy {
  private queue!: Queue<DeliveryJob>;
  private worker!: Worker<DeliveryJob>;
  private timer: NodeJS.Timeout | null = null;
  private relaying: Promise<void> | null = null;
  private readonly queueName: string;
  private readonly attemptsMax: number;
  private readonly backoffMs: number;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MerchantsService) private readonly merchants: MerchantsService,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.queueName = `${settings.BANK_ID}-webhooks`;
    this.attemptsMax = settings.WEBHOOK_ATTEMPTS_MAX;
    this.backoffMs = settings.WEBHOOK_BACKOFF_MS;
  }

  onApplicationBootstrap(): void {
    this.queue = createQueue<DeliveryJob>(this.queueName, this.redis, {
      logger: this.logger,
      defaultJobOptions: { attempts: this.attemptsMax, backoff: { type: 'exponential', delay: this.backoffMs } },
    });
    this.worker = createWorker<DeliveryJob>(this.queueName, async (job) => this.deliver(job), this.redis, { concurrency: webhookConcurrency, logger: this.logger });
    this.worker.on('failed', (job) => {
      if (job && job.attemptsMade >= this.attemptsMax) void this.markFailed(job.data.deliveryId);
    });
    this.merchants.onPaid(() => setTimeout(() => this.kick(), 20).unref());
    this.timer = setInterval(() => this.kick(), webhookRelayIntervalMs);
    this.timer.unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.relaying;
    await this.worker?.close();
    await this.queue?.close();
  }

  kick(): void {
    if (!this.timer || this.relaying) return;
    this.relaying = this.relay()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'enqueuing webhooks failed; retrying at the next sweep'))
      .finally(() => (this.relaying = null));
  }

  private async relay(): Promise<void> {
    const rows = await this.pool.query<{ delivery_id: string }>(
      'select delivery_id from webhook_deliveries where enqueued_at is null order by created_at limit $1',
      [webhookRelayRowsMax],
    );
    for (const row of rows.rows) {
      await this.queue.add('deliver', { deliveryId: row.delivery_id }, { jobId: jobIdOf(row.delivery_id) });
      await this.pool.query('update webhook_deliveries set enqueued_at = now() where delivery_id = $1', [row.delivery_id]);
    }
  }

  private async deliver(job: Job<DeliveryJob>): Promise<void> {
    const { deliveryId } = job.data;
    const found = await this.pool.query<{ payload: unknown; status: string; wallet_id: string }>(
      `select d.payload, d.status, r.wallet_id from webhook_deliveries d join payment_requests r on r.request_id = d.request_id where d.delivery_id = $1`,
      [deliveryId],
    );
    const row = found.rows[0];
    if (!row || row.status !== 'pending') return;
    const target = await this.merchants.webhookTarget(row.wallet_id);
    if (!target) return;
    const attempt = job.attemptsMade + 1;
    const body = JSON.stringify(row.payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [webhookDeliveryIdHeader]: deliveryId,
          [webhookTimestampHeader]: timestamp,
          [webhookSignatureHeader]: webhookSignature(target.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(webhookTimeoutMs),
        redirect: 'manual',
      });
      httpStatus = response.status;
      if (!response.ok) error = (await response.text().catch(() => '')).slice(0, webhookErrorTextMax) || `HTTP ${response.status}`;
    } catch (failure) {
      error = (failure as Error).message.slice(0, webhookErrorTextMax);
    }
    await this.pool.query('insert into webhook_attempts (delivery_id, attempt, http_status, error) values ($1, $2, $3, $4)', [deliveryId, attempt, httpStatus, error]);
    await this.pool.query(
      `update webhook_deliveries set attempts = attempts + 1, status = case when $2 then 'delivered' else status end, delivered_at = case when $2 then now() end
       where delivery_id = $1 and status = 'pending'`,
      [deliveryId, error === null],
    );
    if (error !== null) throw new Error(`webhook ${deliveryId} attempt ${attempt} failed: ${error}`);
  }

  private async markFailed(deliveryId: string): Promise<void> {
    await this.pool
      .query(`update webhook_deliveries set status = 'failed' where delivery_id = $1 and status = 'pending'`, [deliveryId])
      .catch((error: unknown) => this.logger.warn({ err: error, deliveryId }, 'could not mark a webhook delivery failed'));
  }
}
