import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { CommandResultsV1, WalletCreditsV1 } from '@cbdc/contracts';
import { LOGGER, type Logger, named, PG_POOL, withTransaction } from '@cbdc/platform';
import { requestPaymentIdPrefix } from '@cbdc/wallet-sdk';
import { customerAccount, dcSettlementAccount, postEntry } from '../core-banking/deposit-book';
import {
  applyLedgerAnswers,
  applyPaymentResults,
  applyWalletCredits,
  lockWalletsOfEvents,
  type LedgerAnswer,
  type PaymentDecision,
  type UnknownPayee,
} from '../payments/payer-debits';
import { PaymentWaiter } from '../payments/payment-waiter';
import { MerchantsService } from '../merchants/merchants.service';

type Result = CommandResultsV1['results'][number];

const paymentCommandType = 'ledger.payment';
/** Results that need more than the one-statement path does: they take the transaction path. */
const transactionCommandTypes: ReadonlySet<string> = new Set(['ledger.register-wallet', 'ledger.load', 'ledger.unload']);

/** One of the central ledger's answers on this bank's events topic. */
export type LedgerEvent = { readonly type: 'results'; readonly body: CommandResultsV1 } | { readonly type: 'credits'; readonly body: WalletCreditsV1 };

/**
 * Applies the central ledger's answers to this bank's books, each message in ONE transaction with
 * its inbox mark, so a redelivered message has no second effect:
 * - results: a wallet registration opens or rejects the wallet; an accepted load credits the
 *   wallet mirror, a rejected one reverses the deposit debit (compensation entry); an accepted
 *   unload debits the mirror and credits the customer's deposit out of dc-settlement;
 * - results of our holders' payments: settled debits the payer's mirror and moves dc-settlement to
 *   clearing, once, for a payee at any operator (payments/payer-debits.ts); both settled and
 *   rejected are handed to the requests waiting for them, after the commit (PaymentWaiter);
 * - credits: a payment to one of our wallets credits its mirror, and dc-settlement (which mirrors
 *   the DC our customers hold) from clearing; when the payer is ours too and its result has not
 *   debited it yet (a payment made around the API), its mirror is debited here, once.
 * Each step also only moves a request that is still pending, so the same answer repeated in a
 * later batch (a re-sent command) changes nothing either. The payment and credit steps run in
 * PostgreSQL (migrations/0007-apply-ledger-answers.sql, docs/decisions/0019), the rare ones here.
 */
@Injectable()
export class LedgerEventsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PaymentWaiter) private readonly paymentWaiter: PaymentWaiter,
    @Inject(MerchantsService) private readonly merchants: MerchantsService,
  ) {}

  /** The inbox id of a ledger event: its type and the ledger batch it reports (one per operator). */
  static messageId(type: string, batchId: bigint): string {
    return `${type}:${batchId}`;
  }

  async applyResults(message: CommandResultsV1): Promise<void> {
    await this.applyEvents([{ type: 'results', body: message }]);
  }

  async applyCredits(message: WalletCreditsV1): Promise<void> {
    await this.applyEvents([{ type: 'credits', body: message }]);
  }

  /**
   * Applies several of the ledger's answers, in order, in ONE transaction (each still marked once
   * in the inbox): the consumer hands over everything one fetch brought, so a busy ledger costs
   * this bank one commit per fetch rather than one per message. Every wallet the messages touch is
   * locked first, in id order, before any deposit account, the order every writer of this bank
   * keeps, so applying them never deadlocks with loads and unloads. Waiting payment requests are
   * answered after the commit.
   *
   * The common messages (payment results, credits that pay no merchant request) are applied by
   * one SQL function in one statement, which is its own transaction: one round trip instead of
   * about ten. A group with anything else (a wallet registration, a load, an unload, a credit that
   * may pay a merchant's request) takes the transaction below, which runs the same SQL steps for
   * its payments and credits, in the same order as the one-statement path.
   */
  async applyEvents(events: readonly LedgerEvent[]): Promise<void> {
    if (events.length === 0) return;
    const startedAt = performance.now();
    const oneStatement = events.every(isPaymentsOnly);
    const decisions = oneStatement ? await this.applyInOneStatement(events) : await this.applyInTransaction(events);
    this.logger.debug({ messages: events.length, path: oneStatement ? 'one-statement' : 'transaction', applyMs: performance.now() - startedAt }, 'applied ledger answers');
    // After the commit: a waiting request answers only what is on the books.
    this.paymentWaiter.decided(decisions);
  }

  private async applyInOneStatement(events: readonly LedgerEvent[]): Promise<PaymentDecision[]> {
    const answers: LedgerAnswer[] = events.map((event) => {
      if (event.type === 'credits') {
        const { batchId, credits } = event.body;
        return { type: 'credits', messageId: LedgerEventsService.messageId('ledger.credits', batchId), batchId, credits };
      }
      const { batchId, committedAt, results } = event.body;
      for (const result of results) if (result.commandType !== paymentCommandType) this.untracked(result);
      return { type: 'results', messageId: LedgerEventsService.messageId('ledger.results', batchId), batchId, committedAt, results: results.filter((result) => result.commandType === paymentCommandType) };
    });
    const { decisions, unknownPayees } = await applyLedgerAnswers(this.pool, answers);
    this.warnUnknown(unknownPayees);
    return decisions;
  }

  private async applyInTransaction(events: readonly LedgerEvent[]): Promise<PaymentDecision[]> {
    const decisions: PaymentDecision[] = [];
    await withTransaction(this.pool, async (client) => {
      await lockWalletsOfEvents(client, events);
      for (const event of events) {
        if (event.type === 'results') {
          await this.once(client, LedgerEventsService.messageId('ledger.results', event.body.batchId), async () => {
            decisions.push(...(await this.resultsIn(client, event.body)));
          });
        } else {
          await this.once(client, LedgerEventsService.messageId('ledger.credits', event.body.batchId), () => this.creditsIn(client, event.body));
        }
      }
    });
    return decisions;
  }

  private async resultsIn(client: PoolClient, message: CommandResultsV1): Promise<PaymentDecision[]> {
    // Payments last and together: a load of the same batch reaches the payer's mirror first.
    const payments: Result[] = [];
    for (const result of message.results) {
      if (result.commandType === paymentCommandType) payments.push(result);
      else await this.applyResult(client, result);
    }
    return applyPaymentResults(client, payments, message.committedAt, `payments-out:results:${message.batchId}`);
  }

  private async creditsIn(client: PoolClient, message: WalletCreditsV1): Promise<void> {
    // Set-based in SQL: history, mirrors, deposit book and the payers' debits of the whole message.
    const { fresh, unknownPayees } = await applyWalletCredits(client, message.batchId, message.credits);
    this.warnUnknown(unknownPayees);
    // A credit under a payment request's derived id pays that request, once: only a fresh credit.
    for (const credit of message.credits) if (fresh.has(credit.paymentId)) await this.merchants.onCredit(client, credit);
  }

  private warnUnknown(unknownPayees: readonly UnknownPayee[]): void {
    for (const unknown of unknownPayees) this.logger.warn({ paymentId: unknown.paymentId, walletId: unknown.walletId }, 'a credit to a wallet this bank does not know');
  }

  private untracked(result: Result): void {
    // Commands whose results this bank does not track here (class changes: WalletClassesService).
    this.logger.debug({ commandId: result.commandId, commandType: result.commandType }, 'a result for a command this bank does not track');
  }

  /** Applies one message once: its inbox mark and its effects in the caller's transaction. */
  private async once(client: PoolClient, messageId: string, apply: () => Promise<void>): Promise<void> {
    const fresh = await client.query(named('insert into inbox (message_id) values ($1) on conflict do nothing', [messageId]));
    if (fresh.rowCount === 0) return;
    await apply();
  }

  private async applyResult(client: PoolClient, result: Result): Promise<void> {
    switch (result.commandType) {
      case 'ledger.register-wallet': {
        const accepted = result.status === 'accepted';
        await client.query(named(
          `update wallets set status = $2, rejection_code = $3, decided_at = now() where command_id = $1 and status = 'pending'`,
          [result.commandId, accepted ? 'open' : 'rejected', accepted ? null : (result.code ?? 'REJECTED')],
        ));
        return;
      }
      case 'ledger.load':
      case 'ledger.unload':
        await this.applyLoadOrUnload(client, result);
        return;
      default:
        this.untracked(result);
    }
  }

  private async applyLoadOrUnload(client: PoolClient, result: Result): Promise<void> {
    const found = await client.query<{ kind: 'load' | 'unload'; request_id: string; wallet_id: string; amount: string; customer_id: string }>(named(
      `select r.kind, r.request_id, r.wallet_id, r.amount, w.customer_id
       from ledger_requests r join wallets w on w.id = r.wallet_id
       where r.command_id = $1 and r.status = 'pending' for no key update of r, w`,
      [result.commandId],
    ));
    const request = found.rows[0];
    if (!request) return;
    const amount = BigInt(request.amount);
    const deposit = customerAccount(request.customer_id);
    if (result.status === 'rejected') {
      await client.query(named(`update ledger_requests set status = 'rejected', code = $2, decided_at = now() where command_id = $1`, [result.commandId, result.code ?? 'REJECTED']));
      // A load debited the deposit when it was asked for: give it back. An unload moved nothing yet.
      if (request.kind === 'load') {
        await postEntry(client, { reference: `load-reversal:${request.request_id}`, debit: dcSettlementAccount, credit: deposit, amount });
      }
      return;
    }
    const sequence = result.sequence ?? null;
    await client.query(named(`update ledger_requests set status = 'accepted', sequence = $2, decided_at = now() where command_id = $1`, [
      result.commandId,
      sequence === null ? null : sequence.toString(),
    ]));
    await this.history(client, request.wallet_id, request.kind, request.request_id, amount, sequence, null);
    if (request.kind === 'load') {
      await client.query(named('update wallets set balance = balance + $2 where id = $1', [request.wallet_id, amount.toString()]));
    } else {
      await client.query(named('update wallets set balance = balance - $2 where id = $1', [request.wallet_id, amount.toString()]));
      await postEntry(client, { reference: `unload:${request.request_id}`, debit: dcSettlementAccount, credit: deposit, amount });
    }
  }

  /** Adds a history line; false when the same (wallet, kind, reference) is already there. */
  private async history(
    client: PoolClient,
    walletId: string,
    kind: 'load' | 'unload' | 'payment-in' | 'payment-out',
    reference: string,
    amount: bigint,
    sequence: bigint | null,
    counterparty: string | null,
  ): Promise<boolean> {
    const inserted = await client.query(named(
      `insert into wallet_history (wallet_id, kind, reference, amount, sequence, counterparty) values ($1, $2, $3, $4, $5, $6)
       on conflict (wallet_id, kind, reference) do nothing`,
      [walletId, kind, reference, amount.toString(), sequence === null ? null : sequence.toString(), counterparty],
    ));
    return inserted.rowCount === 1;
  }
}

/**
 * Whether a message needs nothing but payment results and plain credits, the steps the one SQL
 * statement does. A credit under a payment request's derived id may pay a merchant's request,
 * whose hook (webhook payload, delivery row) runs in TypeScript, so it takes the transaction.
 */
function isPaymentsOnly(event: LedgerEvent): boolean {
  if (event.type === 'results') return event.body.results.every((result) => !transactionCommandTypes.has(result.commandType));
  return event.body.credits.every((credit) => !credit.paymentId.startsWith(requestPaymentIdPrefix));
}
