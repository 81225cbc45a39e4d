import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { CommandResultsV1, WalletCreditsV1 } from '@cbdc/contracts';
import { LOGGER, type Logger, named, PG_POOL, withTransaction } from '@cbdc/platform';
import { clearingAccount, customerAccount, dcSettlementAccount, postEntry } from '../core-banking/deposit-book';
import { applyPaymentResults, debitPayers, lockWallets, lockWalletsOfEvents, type PayerDebit, type PaymentDecision } from '../payments/payer-debits';
import { PaymentWaiter } from '../payments/payment-waiter';
import { MerchantsService } from '../merchants/merchants.service';

type Result = CommandResultsV1['results'][number];

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
 * later batch (a re-sent command) changes nothing either.
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
   */
  async applyEvents(events: readonly LedgerEvent[]): Promise<void> {
    if (events.length === 0) return;
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
    // After the commit: a waiting request answers only what is on the books.
    this.paymentWaiter.decided(decisions);
  }

  private async resultsIn(client: PoolClient, message: CommandResultsV1): Promise<PaymentDecision[]> {
    // Payments last and together: a load of the same batch reaches the payer's mirror first.
    const payments: Result[] = [];
    for (const result of message.results) {
      if (result.commandType === 'ledger.payment') payments.push(result);
      else await this.applyResult(client, result);
    }
    return applyPaymentResults(client, payments, message.committedAt, `payments-out:results:${message.batchId}`);
  }

  private async creditsIn(client: PoolClient, message: WalletCreditsV1): Promise<void> {
    // Set-based: a few statements per message, not per credit, so the consumer keeps up with a
    // busy ledger. Wallets first (one lock order everywhere), then history, mirrors, deposit book.
    const ours = await lockWallets(client, message.credits.flatMap((credit) => [credit.payerWalletId, credit.payeeWalletId]));
    const toOurs = message.credits.filter((credit) => {
      if (ours.has(credit.payeeWalletId)) return true;
      this.logger.warn({ paymentId: credit.paymentId, walletId: credit.payeeWalletId }, 'a credit to a wallet this bank does not know');
      return false;
    });
    if (toOurs.length === 0) return;
    // The payee's history line is the mark that a credit was applied: a redelivered one adds nothing.
    const inserted = await client.query<{ reference: string }>(named(
      `insert into wallet_history (wallet_id, kind, reference, amount, sequence, counterparty)
       select wallet_id, 'payment-in', reference, amount, sequence, counterparty
       from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[]) as d(wallet_id, reference, amount, sequence, counterparty)
       on conflict (wallet_id, kind, reference) do nothing returning reference`,
      [
        toOurs.map((c) => c.payeeWalletId),
        toOurs.map((c) => c.paymentId),
        toOurs.map((c) => c.amount.toString()),
        toOurs.map((c) => c.sequence.toString()),
        toOurs.map((c) => c.payerWalletId),
      ],
    ));
    const added = new Set(inserted.rows.map((row) => row.reference));
    const fresh = toOurs.filter((credit) => added.has(credit.paymentId));
    if (fresh.length === 0) return;
    for (const credit of fresh) await this.merchants.onCredit(client, credit);
    await client.query(named(
      `update wallets w set balance = w.balance + d.amount
       from (select wallet_id, sum(amount) as amount from unnest($1::text[], $2::bigint[]) as t(wallet_id, amount) group by wallet_id) d
       where w.id = d.wallet_id`,
      [fresh.map((c) => c.payeeWalletId), fresh.map((c) => c.amount.toString())],
    ));
    // The payer's side, ours or not, takes the DC out of dc-settlement into clearing; this side
    // puts it back, so a payment between two of our wallets nets to zero in clearing.
    const total = fresh.reduce((sum, credit) => sum + credit.amount, 0n);
    await postEntry(client, { reference: `payments-in:credits:${message.batchId}`, debit: clearingAccount, credit: dcSettlementAccount, amount: total });
    // Payer debits: ours made around the API, and any that waited for a credit to these wallets.
    const fromOurWallets: PayerDebit[] = fresh.filter((credit) => ours.has(credit.payerWalletId));
    await debitPayers(client, [...new Set(fresh.map((credit) => credit.payeeWalletId))], fromOurWallets, `payments-out:credits:${message.batchId}`);
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
        // Commands whose results this bank does not track (class changes).
        this.logger.debug({ commandId: result.commandId, commandType: result.commandType }, 'a result for a command this bank does not track');
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
