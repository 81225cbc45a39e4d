import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import {
  commandSigningPayload,
  decimal,
  issueRecallRejectRequestV1,
  issueRecallRequestV1,
  object,
  oneOf,
  operatorId as operatorIdParser,
  optional,
  requestsPageLimitDefault,
  requestsPageLimitMax,
  type IssueRecallRequestV1,
  type IssueRecallRequestViewV1,
} from '@cbdc/contracts';
import { fromHex, verifyFast } from '@cbdc/crypto';
import { LOGGER, MetricsService, PG_POOL, withTransaction, type Logger } from '@cbdc/platform';
import type { Counter } from 'prom-client';
import { CENTRAL_BANK_KEY } from '../central-bank.tokens';
import type { ApiCaller } from '../auth/api-keys.service';
import { ApiError, ledgerRejected, ledgerTimeout, notFound, parseInput } from '../http/api-error';
import type { CentralBankKey } from '../keys/central-bank-key';
import { issueRecallCommandId } from '../ledger-access/command-ids';
import { LedgerGateway, type LedgerDecision } from '../ledger-access/ledger-gateway';
import { OutboxRelay, writeOutbox, type OutboxMessage } from '../outbox/outbox-relay';
import {
  ledgerCommandOf,
  rejectedByStaffCode,
  requestIdTakenCode,
  requestView,
  settlementOf,
  settlesAutomatically,
  statusOutboxMessage,
  storedAnswer,
  type IssueRecallRow,
  type RequestRefusal,
} from './issue-recall-request';

/** Requests still on their way through the ledger are looked at this often. */
export const issueRecallSweepIntervalMs = 1_000;
/** Requests one sweep looks at, at most. */
export const issueRecallSweepRowsMax = 500;
/**
 * How long the control consumer waits for the ledger before leaving the answer to the sweep: well
 * inside the consumer's session timeout, so a slow ledger never gets the consumer thrown out of
 * its group.
 */
export const controlAnswerWaitMsMax = 5_000;

const listQuery = object({
  status: optional(oneOf(['pending-approval', 'submitted', 'settled', 'rejected'] as const)),
  operatorId: optional(operatorIdParser()),
  limit: optional(decimal({ min: 1n, max: BigInt(requestsPageLimitMax) })),
});

interface OperatorKey {
  publicKey: Uint8Array;
  issueQuotaAuto: bigint;
}

/**
 * Issue and recall: operators ask over Kafka (signed, idempotent on requestId), the central bank
 * puts a signed `ledger.issue` / `ledger.recall` on the ledger topic at once when the request is
 * within the operator's automatic quota, or keeps it for staff approval otherwise. Every answer to
 * the operator goes through the outbox, written in the transaction that changes the request.
 *
 * A request moves pending-approval -> submitted -> settled | rejected (or pending-approval ->
 * rejected by staff). Each move is a conditional UPDATE on the current status, so two processes,
 * or the consumer and the sweep, never both answer the same move.
 */
@Injectable()
export class IssueRecallService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private readonly refused: Counter<'reason'>;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LedgerGateway) private readonly ledger: LedgerGateway,
    @Inject(OutboxRelay) private readonly outbox: OutboxRelay,
    @Inject(CENTRAL_BANK_KEY) private readonly key: CentralBankKey,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MetricsService) metrics: MetricsService,
  ) {
    this.refused = metrics.counter({
      name: 'issue_recall_requests_refused_total',
      help: 'Issue and recall requests refused before they were stored (unknown operator, bad signature)',
      labelNames: ['reason'],
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'the issue/recall sweep failed; retrying'))
        .finally(() => (this.sweeping = null));
    }, issueRecallSweepIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }

  /**
   * Handles requests from the control topic. A request that does not verify under its operator's
   * registered key is refused without being stored or answered: a forger must not be able to burn
   * an operator's request id or make it believe its request was rejected. Throws only when the
   * batch must be delivered again (database or broker down); a repeat is then harmless.
   */
  async handleRequests(requests: readonly IssueRecallRequestV1[]): Promise<void> {
    if (requests.length === 0) return;
    const operators = await this.operatorKeys([...new Set(requests.map((r) => r.operatorId))]);
    const verified: { request: IssueRecallRequestV1; operator: OperatorKey }[] = [];
    for (const request of requests) {
      const operator = operators.get(request.operatorId);
      const refusal: RequestRefusal | null = !operator
        ? 'UNKNOWN_OPERATOR'
        : verifyFast(fromHex(request.signature), commandSigningPayload(issueRecallRequestV1.type, request), operator.publicKey)
          ? null
          : 'BAD_SIGNATURE';
      if (refusal) {
        this.refused.inc({ reason: refusal });
        this.logger.warn({ requestId: request.requestId, operatorId: request.operatorId, reason: refusal }, 'refusing an issue/recall request');
        continue;
      }
      verified.push({ request, operator: operator! });
    }
    if (verified.length === 0) return;

    const toSubmit = new Map<string, IssueRecallRow>();
    await withTransaction(this.pool, async (client) => {
      const answers: OutboxMessage[] = [];
      for (const { request, operator } of verified) {
        const automatic = settlesAutomatically(request.direction, request.amount, operator.issueQuotaAuto);
        const inserted = await client.query<IssueRecallRow>(
          `insert into issue_recall_requests (request_id, operator_id, direction, amount, status, command_id, submitted_at)
           values ($1, $2, $3, $4, $5, $6, case when $5 = 'submitted' then now() end)
           on conflict (request_id) do nothing returning *`,
          [
            request.requestId,
            request.operatorId,
            request.direction,
            request.amount.toString(),
            automatic ? 'submitted' : 'pending-approval',
            issueRecallCommandId(request.direction, request.requestId),
          ],
        );
        const row = inserted.rows[0] ?? (await this.row(client, request.requestId))!;
        if (row.operator_id !== request.operatorId) {
          // Another operator's request: its status is not this operator's business.
          answers.push(
            statusOutboxMessage({
              ...request,
              amount: request.amount.toString(),
              status: 'rejected',
              code: requestIdTakenCode,
              detail: `request id ${request.requestId} is taken; choose another`,
            }),
          );
          continue;
        }
        const answer = storedAnswer(row);
        // A repeat of a decided or pending request gets its stored answer again.
        if (answer) answers.push(statusOutboxMessage(answer));
        else toSubmit.set(row.command_id, row);
      }
      await writeOutbox(client, answers);
    });
    this.outbox.kick();
    await this.submitAndSettle([...toSubmit.values()], Math.min(controlAnswerWaitMsMax, this.ledger.answerTimeoutMs));
  }

  async list(query: unknown): Promise<{ requests: IssueRecallRequestViewV1[] }> {
    const q = parseInput(listQuery, query ?? {});
    const result = await this.pool.query<IssueRecallRow>(
      `select * from issue_recall_requests
       where ($1::text is null or status = $1) and ($2::text is null or operator_id = $2)
       order by received_at desc, request_id limit $3`,
      [q.status ?? null, q.operatorId ?? null, Number(q.limit ?? BigInt(requestsPageLimitDefault))],
    );
    return { requests: result.rows.map(requestView) };
  }

  async get(requestId: string): Promise<IssueRecallRequestViewV1> {
    const row = await this.row(this.pool, requestId);
    if (!row) throw notFound(`issue/recall request ${requestId}`);
    return requestView(row);
  }

  /** Staff approval of a request above the quota: submits it and waits (bounded) for the ledger. */
  async approve(requestId: string, caller: ApiCaller): Promise<IssueRecallRequestViewV1> {
    const updated = await this.pool.query<IssueRecallRow>(
      `update issue_recall_requests set status = 'submitted', submitted_at = now(), reviewed_by = $2, reviewed_at = now()
       where request_id = $1 and status = 'pending-approval' returning *`,
      [requestId, caller.keyId],
    );
    const row = updated.rows[0];
    if (!row) throw await this.notPending(requestId);
    this.logger.info({ requestId, by: caller.keyId }, 'issue/recall request approved');
    const settled = await this.submitAndSettle([row], this.ledger.answerTimeoutMs);
    if (!settled.has(row.command_id)) throw ledgerTimeout(row.command_id, this.ledger.answerTimeoutMs);
    const view = await this.get(requestId);
    if (view.status === 'rejected') throw ledgerRejected(view.code!, view.detail, { request: view });
    return view;
  }

  async reject(requestId: string, body: unknown, caller: ApiCaller): Promise<IssueRecallRequestViewV1> {
    const { reason } = parseInput(issueRecallRejectRequestV1, body);
    const row = await withTransaction(this.pool, async (client) => {
      const updated = await client.query<IssueRecallRow>(
        `update issue_recall_requests set status = 'rejected', code = $2, detail = $3, decided_at = now(), reviewed_by = $4, reviewed_at = now()
         where request_id = $1 and status = 'pending-approval' returning *`,
        [requestId, rejectedByStaffCode, reason, caller.keyId],
      );
      const rejected = updated.rows[0];
      if (rejected) await writeOutbox(client, [statusOutboxMessage(storedAnswer(rejected)!)]);
      return rejected;
    });
    if (!row) throw await this.notPending(requestId);
    this.outbox.kick();
    this.logger.info({ requestId, by: caller.keyId }, 'issue/recall request rejected by staff');
    return requestView(row);
  }

  /**
   * Finishes requests still on their way through the ledger: answers those the engine decided
   * (after a consumer timed out, or a crash), and submits again those undecided for longer than the
   * answer timeout (a produce that may have failed after the commit). Submitting again is safe:
   * the command id is the same, and the ledger applies it once.
   */
  async sweep(): Promise<void> {
    const result = await this.pool.query<IssueRecallRow & { stale: boolean }>(
      `select *, submitted_at < now() - make_interval(secs => $2::double precision / 1000) as stale
       from issue_recall_requests where status = 'submitted' order by submitted_at limit $1`,
      [issueRecallSweepRowsMax, this.ledger.answerTimeoutMs],
    );
    if (result.rows.length === 0) return;
    const decided = await this.ledger.decisions(result.rows.map((r) => r.command_id));
    if (decided.size > 0) await this.settle(decided);
    const stale = result.rows.filter((r) => r.stale && !decided.has(r.command_id));
    if (stale.length === 0) return;
    this.logger.warn({ requestIds: stale.map((r) => r.request_id) }, 'issue/recall commands undecided for too long; submitting them again');
    await this.ledger.submit(stale.map((row) => ledgerCommandOf(row, this.key.privateKey)));
    await this.pool.query(`update issue_recall_requests set submitted_at = now() where command_id = any($1) and status = 'submitted'`, [
      stale.map((r) => r.command_id),
    ]);
  }

  /** Puts the requests' commands on the ledger topic and answers those decided within the timeout. */
  private async submitAndSettle(rows: readonly IssueRecallRow[], waitMs: number): Promise<Map<string, LedgerDecision>> {
    if (rows.length === 0) return new Map();
    await this.ledger.submit(rows.map((row) => ledgerCommandOf(row, this.key.privateKey)));
    const decided = await this.ledger.awaitDecisions(rows.map((row) => row.command_id), waitMs);
    if (decided.size > 0) await this.settle(decided);
    return decided;
  }

  /** Records the ledger's decisions on their requests and answers the operators, in one transaction. */
  private async settle(decisions: ReadonlyMap<string, LedgerDecision>): Promise<IssueRecallRow[]> {
    const rows = await withTransaction(this.pool, async (client) => {
      const open = await client.query<IssueRecallRow>(
        `select * from issue_recall_requests where command_id = any($1) and status = 'submitted' order by request_id for update`,
        [[...decisions.keys()]],
      );
      if (open.rows.length === 0) return [];
      const outcomes = open.rows.map((row) => ({ requestId: row.request_id, ...settlementOf(row, decisions.get(row.command_id)!) }));
      const updated = await client.query<IssueRecallRow>(
        `update issue_recall_requests r
         set status = d.status, code = d.code, detail = d.detail, sequence = d.sequence, decided_at = now()
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) as d(request_id, status, code, detail, sequence)
         where r.request_id = d.request_id
         returning r.*`,
        [
          outcomes.map((o) => o.requestId),
          outcomes.map((o) => o.status),
          outcomes.map((o) => o.code),
          outcomes.map((o) => o.detail),
          outcomes.map((o) => o.sequence),
        ],
      );
      await writeOutbox(client, updated.rows.map((row) => statusOutboxMessage(storedAnswer(row)!)));
      return updated.rows;
    });
    if (rows.length > 0) this.outbox.kick();
    return rows;
  }

  private async notPending(requestId: string): Promise<ApiError> {
    const row = await this.row(this.pool, requestId);
    if (!row) return notFound(`issue/recall request ${requestId}`);
    return new ApiError(409, 'NOT_PENDING_APPROVAL', `request ${requestId} is ${row.status}, not pending approval`, { status: row.status });
  }

  private async row(client: Pool | PoolClient, requestId: string): Promise<IssueRecallRow | undefined> {
    const result = await client.query<IssueRecallRow>('select * from issue_recall_requests where request_id = $1', [requestId]);
    return result.rows[0];
  }

  private async operatorKeys(operatorIds: readonly string[]): Promise<Map<string, OperatorKey>> {
    const result = await this.pool.query<{ id: string; public_key: Buffer; issue_quota_auto: string }>(
      'select id, public_key, issue_quota_auto from operators where id = any($1)',
      [operatorIds],
    );
    return new Map(result.rows.map((row) => [row.id, { publicKey: new Uint8Array(row.public_key), issueQuotaAuto: BigInt(row.issue_quota_auto) }]));
  }
}
