import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import {
  creditReserveMessage,
  operatorEventsTopic,
  operatorIdPattern,
  registerOperatorMessage,
  registerOperatorRequestV1,
  reserveCreditRequestV1,
  type OperatorViewV1,
  type ReserveCreditViewV1,
} from '@cbdc/contracts';
import { reserveRatioBpsDefault } from '@cbdc/ledger';
import { ensureTopics, KAFKA, LOGGER, PG_POOL, type Logger } from '@cbdc/platform';
import { CENTRAL_BANK_KEY } from '../central-bank.tokens';
import { ApiError, ledgerRejected, ledgerTimeout, notFound, parseInput } from '../http/api-error';
import type { CentralBankKey } from '../keys/central-bank-key';
import { LedgerGateway, LedgerTimeoutError, type LedgerDecision } from '../ledger-access/ledger-gateway';
import { creditCommandId, registerOperatorCommandId } from '../ledger-access/command-ids';

interface OperatorRow {
  id: string;
  name: string;
  kind: 'bank' | 'payment-firm';
  public_key: Buffer;
  reserve_ratio_bps: number;
  issue_quota_auto: string;
  registered_at: Date;
  reserve_credited: string;
  issued: string;
  recalled: string;
  cross_operator_net: string;
  reserve: string;
  vault: string;
  wallets_held: string;
  wallet_count: string;
}

/**
 * The operator registry and the RTGS-style reserve credits. Both change the ledger, so both are
 * ledger commands signed with the central bank's key; the call waits (bounded) for the engine's
 * decision and answers with it.
 */
@Injectable()
export class OperatorsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LedgerGateway) private readonly ledger: LedgerGateway,
    @Inject(CENTRAL_BANK_KEY) private readonly key: CentralBankKey,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async register(body: unknown): Promise<OperatorViewV1> {
    const input = parseInput(registerOperatorRequestV1, body);
    if (await this.exists(input.operatorId)) throw operatorExists(input.operatorId);
    // Its events topic exists before anything is published to it (the registration's result first).
    await ensureTopics(this.kafka, [{ name: operatorEventsTopic(input.operatorId), partitions: 1 }]);
    // A fresh command id per call: registering an existing id again must answer OPERATOR_EXISTS,
    // not repeat the first registration's answer.
    const commandId = registerOperatorCommandId(input.operatorId, randomBytes(6).toString('hex'));
    const message = registerOperatorMessage(
      {
        commandId,
        operatorId: input.operatorId,
        name: input.name,
        operatorKind: input.kind,
        publicKey: input.publicKey,
        reserveRatioBps: input.reserveRatioBps ?? reserveRatioBpsDefault,
        issueQuotaAuto: input.issueQuotaAuto,
      },
      this.key.privateKey,
    );
    const decision = await this.decide(message, commandId);
    if (decision.status === 'rejected') throw ledgerRejected(decision.code!, decision.detail);
    this.logger.info({ operatorId: input.operatorId, commandId }, 'operator registered');
    return (await this.view(input.operatorId))!;
  }

  async list(): Promise<{ operators: OperatorViewV1[] }> {
    return { operators: (await this.rows(null)).map(operatorView) };
  }

  async get(operatorId: string): Promise<OperatorViewV1> {
    const view = operatorIdPattern.test(operatorId) ? await this.view(operatorId) : undefined;
    if (!view) throw notFound(`operator ${operatorId}`);
    return view;
  }

  /**
   * Credits an operator's reserve account from the RTGS mirror. Idempotent on creditId: a repeat
   * gets the first answer (and no second credit); the same creditId for another operator or
   * amount is a conflict.
   */
  async creditReserve(operatorId: string, body: unknown): Promise<ReserveCreditViewV1> {
    const input = parseInput(reserveCreditRequestV1, body);
    if (!operatorIdPattern.test(operatorId) || !(await this.exists(operatorId))) throw notFound(`operator ${operatorId}`);
    const commandId = creditCommandId(input.creditId);
    let decision = (await this.ledger.decisions([commandId])).get(commandId);
    if (!decision) {
      decision = await this.decide(creditReserveMessage({ commandId, operatorId, amount: input.amount, reference: input.reference }, this.key.privateKey), commandId);
    }
    const sameCredit =
      decision.commandType === 'ledger.credit-reserve' &&
      decision.operatorId === operatorId &&
      (decision.status === 'rejected' || decision.amount === input.amount.toString());
    if (!sameCredit) {
      throw new ApiError(409, 'CREDIT_ID_CONFLICT', `creditId ${input.creditId} was already used for another credit`, { creditId: input.creditId });
    }
    if (decision.status === 'rejected') throw ledgerRejected(decision.code!, decision.detail, { creditId: input.creditId });
    return {
      creditId: input.creditId,
      operatorId,
      commandId,
      status: 'accepted',
      amount: decision.amount!,
      reference: typeof decision.facts?.reference === 'string' ? decision.facts.reference : input.reference,
      sequence: decision.sequence!,
    };
  }

  private async decide(message: { key: string; value: string }, commandId: string): Promise<LedgerDecision> {
    try {
      return await this.ledger.submitAndAwait(message, commandId);
    } catch (error) {
      if (error instanceof LedgerTimeoutError) throw ledgerTimeout(commandId, error.timeoutMs);
      throw error;
    }
  }

  private async exists(operatorId: string): Promise<boolean> {
    const result = await this.pool.query('select 1 from operators where id = $1', [operatorId]);
    return result.rows.length > 0;
  }

  private async view(operatorId: string): Promise<OperatorViewV1 | undefined> {
    const rows = await this.rows(operatorId);
    return rows[0] ? operatorView(rows[0]) : undefined;
  }

  private async rows(operatorId: string | null): Promise<OperatorRow[]> {
    const result = await this.pool.query<OperatorRow>(
      `select o.id, o.name, o.kind, o.public_key, o.reserve_ratio_bps, o.issue_quota_auto, o.registered_at,
              o.reserve_credited, o.issued, o.recalled, o.cross_operator_net,
              coalesce(r.balance, 0) as reserve, coalesce(v.balance, 0) as vault,
              coalesce(w.held, 0) as wallets_held, coalesce(w.n, 0) as wallet_count
       from operators o
       left join accounts r on r.id = 'reserve:' || o.id
       left join accounts v on v.id = 'vault:' || o.id
       left join (
         select wl.operator_id, sum(a.balance) as held, count(*) as n
         from wallets wl join accounts a on a.id = 'wallet:' || wl.id
         group by wl.operator_id
       ) w on w.operator_id = o.id
       where $1::text is null or o.id = $1
       order by o.id`,
      [operatorId],
    );
    return result.rows;
  }
}

function operatorExists(operatorId: string): ApiError {
  return new ApiError(409, 'OPERATOR_EXISTS', `operator ${operatorId} is already registered`);
}

function operatorView(row: OperatorRow): OperatorViewV1 {
  return {
    operatorId: row.id,
    name: row.name,
    kind: row.kind,
    publicKey: row.public_key.toString('hex'),
    reserveRatioBps: row.reserve_ratio_bps,
    issueQuotaAuto: row.issue_quota_auto,
    registeredAt: row.registered_at.toISOString(),
    reserve: row.reserve,
    vault: row.vault,
    walletsHeld: row.wallets_held,
    walletCount: Number(row.wallet_count),
    books: {
      reserveCredited: row.reserve_credited,
      issued: row.issued,
      recalled: row.recalled,
      crossOperatorNet: row.cross_operator_net,
    },
  };
}
