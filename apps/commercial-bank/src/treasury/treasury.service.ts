import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Pool, PoolClient } from 'pg';
import {
  issueRecallRequestMessage,
  type IssueRecallStatusV1,
  type TreasuryOrderRequestV1,
  type TreasuryRequestViewV1,
  type TreasuryViewV1,
} from '@cbdc/contracts';
import { createQueue, createWorker, LOGGER, PG_POOL, REDIS, withTransaction, type Logger } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS, OPERATOR_KEY } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import { ApiError } from '../http/api-error';
import type { OperatorKey } from '../keys/operator-key';
import { OutboxRelay, writeOutbox } from '../outbox/outbox-relay';

/**
 * An in-flight request without an answer is sent again after this long: the central bank drops a
 * request it cannot verify yet (this operator not registered) without answering, and answers a
 * repeat of a known request id with its stored answer, so a resend is harmless.
 */
export const treasuryResendAfterMs = 30_000;
/** Recent requests shown with the treasury view. */
export const treasuryRecentRequestsMax = 20;

type Direction = 'issue' | 'recall';

interface RequestRow {
  request_id: string;
  direction: Direction;
  amount: string;
  status: TreasuryRequestViewV1['status'];
  code: string | null;
  requested_by: string;
  created_at: Date;
}

/** Whether the vault is outside its watermarks, and what to ask for; null when it is fine. */
export function treasuryDecision(vault: bigint, loadsPending: bigint, low: bigint, high: bigint, target: bigint): { direction: Direction; amount: bigint } | null {
  const available = vault - loadsPending;
  if (low > 0n && available < low && target > available) return { direction: 'issue', amount: target - available };
  if (high > 0n && vault > high && vault > target) return { direction: 'recall', amount: vault - target };
  return null;
}

/**
 * The treasury keeps the vault (`vault:<operator>` on the central ledger) between the
 * watermarks by asking the central bank, on the control topic, to issue or recall. Invariants:
 * at most one request is in flight (a partial unique index in `treasury_requests`), each request
 * is written with its signed message to the outbox in one transaction, so it is sent after the
 * commit and never lost; the answer (`control.issue-recall-status` on this operator's topic)
 * moves it once, by a conditional update.
 *
 * The vault balance is what this bank's own records say: settled issues - settled recalls -
 * accepted loads + accepted unloads. The central ledger is the authority; a vault stocked by other
 * means (central staff issuing directly) is not seen here.
 */
@Injectable()
export class TreasuryService implements OnApplicationBootstrap, OnModuleDestroy {
  private queue!: Queue<Record<string, never>>;
  private worker!: Worker<Record<string, never>>;
  private readonly operatorId: string;
  private readonly queueName: string;
  private readonly low: bigint;
  private readonly high: bigint;
  private readonly target: bigint;
  private readonly intervalMs: number;
  private readonly controlTopic: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(OPERATOR_KEY) private readonly operatorKey: OperatorKey,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.operatorId = settings.BANK_ID;
    this.queueName = `${settings.BANK_ID}-treasury`;
    this.low = BigInt(settings.TREASURY_VAULT_LOW);
    this.high = BigInt(settings.TREASURY_VAULT_HIGH);
    this.target = settings.TREASURY_VAULT_TARGET !== undefined ? BigInt(settings.TREASURY_VAULT_TARGET) : this.high > 0n ? (this.low + this.high) / 2n : this.low;
    if (this.high > 0n && this.low > this.high) throw new Error('TREASURY_VAULT_LOW must not be above TREASURY_VAULT_HIGH');
    if (this.target < this.low || (this.high > 0n && this.target > this.high)) throw new Error('TREASURY_VAULT_TARGET must lie between the watermarks');
    this.intervalMs = settings.TREASURY_CHECK_INTERVAL_MS;
    this.controlTopic = settings.CONTROL_TOPIC;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.queue = createQueue(this.queueName, this.redis, { logger: this.logger, defaultJobOptions: { attempts: 1 } });
    // One check at a time across every process of this operator: concurrency 1 on one queue.
    this.worker = createWorker(this.queueName, async () => this.check(), this.redis, { concurrency: 1, logger: this.logger });
    await this.queue.upsertJobScheduler('treasury-check', { every: this.intervalMs }, { name: 'check' });
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }

  /** The repeatable job: resend a stale in-flight request, or ask for what the watermarks call for. */
  async check(): Promise<void> {
    const inFlight = await this.inFlightRow(this.pool);
    if (inFlight) {
      if (Date.now() - inFlight.created_at.getTime() > treasuryResendAfterMs && inFlight.status === 'requested') await this.resend(inFlight);
      return;
    }
    const { vault, loadsPending } = await this.balances(this.pool);
    const decision = treasuryDecision(vault, loadsPending, this.low, this.high, this.target);
    if (!decision) return;
    this.logger.info({ vault: vault.toString(), ...decision, amount: decision.amount.toString() }, 'the vault is outside its watermarks; asking the central bank');
    try {
      await this.order(decision.direction, { requestId: `auto-${Date.now()}`, amount: decision.amount }, 'treasury-job');
    } catch (error) {
      if (error instanceof ApiError && error.code === 'TREASURY_REQUEST_IN_FLIGHT') return;
      throw error;
    }
  }

  /** Staff (or the job) ask explicitly; idempotent on the request id; refused while another is in flight. */
  async order(direction: Direction, request: TreasuryOrderRequestV1, requestedBy: string): Promise<TreasuryRequestViewV1> {
    const requestId = this.centralRequestId(request.requestId);
    await withTransaction(this.pool, async (client) => {
      const first = await client.query<RequestRow>('select * from treasury_requests where request_id = $1', [requestId]);
      if (first.rows[0]) {
        if (first.rows[0].direction !== direction || BigInt(first.rows[0].amount) !== request.amount) {
          throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', `treasury request ${request.requestId} was already made with another direction or amount`);
        }
        return;
      }
      const inFlight = await this.inFlightRow(client);
      if (inFlight) throw inFlightError(inFlight.request_id);
      try {
        await client.query(`insert into treasury_requests (request_id, direction, amount, status, requested_by) values ($1, $2, $3, 'requested', $4)`, [
          requestId,
          direction,
          request.amount.toString(),
          requestedBy,
        ]);
      } catch (error) {
        // Another request went in flight meanwhile (the partial unique index).
        if ((error as { code?: string }).code === '23505') throw inFlightError('another request');
        throw error;
      }
      await this.writeRequest(client, requestId, direction, request.amount);
    });
    this.relay.kick();
    return this.requestView(requestId);
  }

  /** Applies the central bank's answer once; answers for requests this bank did not make are ignored. */
  async applyStatus(status: IssueRecallStatusV1): Promise<void> {
    if (status.operatorId !== this.operatorId) return;
    if (status.status === 'pending-approval') {
      await this.pool.query(`update treasury_requests set status = 'pending-approval' where request_id = $1 and status = 'requested'`, [status.requestId]);
      return;
    }
    const updated = await this.pool.query(
      `update treasury_requests set status = $2, code = $3, detail = $4, decided_at = now()
       where request_id = $1 and status in ('requested', 'pending-approval')`,
      [status.requestId, status.status, status.code ?? (status.status === 'rejected' ? 'REJECTED' : null), status.detail ?? null],
    );
    if (updated.rowCount === 1) this.logger.info({ requestId: status.requestId, direction: status.direction, status: status.status, code: status.code }, 'treasury request decided');
  }

  async view(): Promise<TreasuryViewV1> {
    const { vault, loadsPending } = await this.balances(this.pool);
    const inFlight = await this.inFlightRow(this.pool);
    const recent = await this.pool.query<RequestRow>('select * from treasury_requests order by created_at desc limit $1', [treasuryRecentRequestsMax]);
    return {
      vault: vault.toString(),
      loadsPending: loadsPending.toString(),
      low: this.low.toString(),
      high: this.high.toString(),
      target: this.target.toString(),
      inFlight: inFlight ? viewOf(inFlight) : null,
      recent: recent.rows.map(viewOf),
    };
  }

  async requestView(requestId: string): Promise<TreasuryRequestViewV1> {
    const result = await this.pool.query<RequestRow>('select * from treasury_requests where request_id = $1 or request_id = $2', [requestId, this.centralRequestId(requestId)]);
    if (!result.rows[0]) throw new ApiError(404, 'UNKNOWN_TREASURY_REQUEST', `treasury request ${requestId} does not exist`);
    return viewOf(result.rows[0]);
  }

  /** Request ids are global at the central bank: this operator's are prefixed with its id. */
  private centralRequestId(clientId: string): string {
    return clientId.startsWith(`${this.operatorId}:`) ? clientId : `${this.operatorId}:${clientId}`;
  }

  private async balances(client: Pool | PoolClient): Promise<{ vault: bigint; loadsPending: bigint }> {
    const result = await client.query<{ treasury: string; loads: string; unloads: string; pending: string }>(`
      select (select coalesce(sum(case direction when 'issue' then amount else -amount end), 0) from treasury_requests where status = 'settled') as treasury,
             (select coalesce(sum(amount), 0) from ledger_requests where kind = 'load' and status = 'accepted') as loads,
             (select coalesce(sum(amount), 0) from ledger_requests where kind = 'unload' and status = 'accepted') as unloads,
             (select coalesce(sum(amount), 0) from ledger_requests where kind = 'load' and status = 'pending') as pending`);
    const row = result.rows[0]!;
    return { vault: BigInt(row.treasury) - BigInt(row.loads) + BigInt(row.unloads), loadsPending: BigInt(row.pending) };
  }

  private async inFlightRow(client: Pool | PoolClient): Promise<RequestRow | null> {
    const result = await client.query<RequestRow>(`select * from treasury_requests where status in ('requested', 'pending-approval')`);
    return result.rows[0] ?? null;
  }

  private async resend(row: RequestRow): Promise<void> {
    this.logger.info({ requestId: row.request_id }, 'no answer to a treasury request yet; sending it again');
    await withTransaction(this.pool, async (client) => this.writeRequest(client, row.request_id, row.direction, BigInt(row.amount)));
    this.relay.kick();
  }

  private async writeRequest(client: PoolClient, requestId: string, direction: Direction, amount: bigint): Promise<void> {
    const message = issueRecallRequestMessage({ requestId, operatorId: this.operatorId, direction, amount }, this.operatorKey.privateKey);
    await writeOutbox(client, [{ topic: this.controlTopic, key: message.key, payload: message.value }]);
  }
}

function inFlightError(requestId: string): ApiError {
  return new ApiError(409, 'TREASURY_REQUEST_IN_FLIGHT', `treasury request ${requestId} is still in flight; one at a time`);
}

function viewOf(row: RequestRow): TreasuryRequestViewV1 {
  return { requestId: row.request_id, direction: row.direction, amount: row.amount, status: row.status, code: row.code, requestedBy: row.requested_by };
}
