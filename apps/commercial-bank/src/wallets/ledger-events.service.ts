import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { CommandResultsV1, WalletCreditsV1 } from '@cbdc/contracts';
import { LOGGER, PG_POOL, withTransaction, type Logger } from '@cbdc/platform';
import { clearingAccount, customerAccount, dcSettlementAccount, postEntry } from '../core-banking/deposit-book';

type Result = CommandResultsV1['results'][number];

/**
 * Applies the central ledger's answers to this bank's books, each message in ONE transaction with
 * its inbox mark, so a redelivered message has no second effect:
 * - results: a wallet registration opens or rejects the wallet; an accepted load credits the
 *   wallet mirror, a rejected one reverses the deposit debit (compensation entry); an accepted
 *   unload debits the mirror and credits the customer's deposit out of dc-settlement;
 * - credits: a payment to one of our wallets credits its mirror, and dc-settlement (which mirrors
 *   the DC our customers hold) from clearing; when the payer is ours too, its mirror is debited
 *   instead and the deposit book does not move.
 * Each step also only moves a request that is still pending, so the same answer repeated in a
 * later batch (a re-sent command) changes nothing either.
 */
@Injectable()
export class LedgerEventsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The inbox id of a ledger event: its type and the ledger batch it reports (one per operator). */
  static messageId(type: string, batchId: bigint): string {
    return `${type}:${batchId}`;
  }

  async applyResults(message: CommandResultsV1): Promise<void> {
    await this.once(LedgerEventsService.messageId('ledger.results', message.batchId), async (client) => {
      for (const result of message.results) await this.applyResult(client, result);
    });
  }

  async applyCredits(message: WalletCreditsV1): Promise<void> {
    await this.once(LedgerEventsService.messageId('ledger.credits', message.batchId), async (client) => {
      for (const credit of message.credits) {
        const wallets = await client.query<{ id: string }>('select id from wallets where id = any($1) order by id for update', [[credit.payerWalletId, credit.payeeWalletId]]);
        const ours = new Set(wallets.rows.map((w) => w.id));
        if (!ours.has(credit.payeeWalletId)) {
          this.logger.warn({ paymentId: credit.paymentId, walletId: credit.payeeWalletId }, 'a credit to a wallet this bank does not know');
          continue;
        }
        const added = await this.history(client, credit.payeeWalletId, 'payment-in', credit.paymentId, credit.amount, credit.sequence, credit.payerWalletId);
        if (!added) continue;
        await client.query('update wallets set balance = balance + $2 where id = $1', [credit.payeeWalletId, credit.amount.toString()]);
        if (ours.has(credit.payerWalletId)) {
          await this.history(client, credit.payerWalletId, 'payment-out', credit.paymentId, credit.amount, credit.sequence, credit.payeeWalletId);
          await client.query('update wallets set balance = balance - $2 where id = $1', [credit.payerWalletId, credit.amount.toString()]);
        } else {
          await postEntry(client, { reference: `payment-in:${credit.paymentId}`, debit: clearingAccount, credit: dcSettlementAccount, amount: credit.amount });
        }
      }
    });
  }

  private async once(messageId: string, apply: (client: PoolClient) => Promise<void>): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const fresh = await client.query('insert into inbox (message_id) values ($1) on conflict do nothing', [messageId]);
      if (fresh.rowCount === 0) return;
      await apply(client);
    });
  }

  private async applyResult(client: PoolClient, result: Result): Promise<void> {
    switch (result.commandType) {
      case 'ledger.register-wallet': {
        const accepted = result.status === 'accepted';
        await client.query(
          `update wallets set status = $2, rejection_code = $3, decided_at = now() where command_id = $1 and status = 'pending'`,
          [result.commandId, accepted ? 'open' : 'rejected', accepted ? null : (result.code ?? 'REJECTED')],
        );
        return;
      }
      case 'ledger.load':
      case 'ledger.unload':
        await this.applyLoadOrUnload(client, result);
        return;
      default:
        // Commands this bank does not make yet (payments on behalf of holders, class changes).
        this.logger.debug({ commandId: result.commandId, commandType: result.commandType }, 'a result for a command this bank does not track');
    }
  }

  private async applyLoadOrUnload(client: PoolClient, result: Result): Promise<void> {
    const found = await client.query<{ kind: 'load' | 'unload'; request_id: string; wallet_id: string; amount: string; customer_id: string }>(
      `select r.kind, r.request_id, r.wallet_id, r.amount, w.customer_id
       from ledger_requests r join wallets w on w.id = r.wallet_id
       where r.command_id = $1 and r.status = 'pending' for update of r, w`,
      [result.commandId],
    );
    const request = found.rows[0];
    if (!request) return;
    const amount = BigInt(request.amount);
    const deposit = customerAccount(request.customer_id);
    if (result.status === 'rejected') {
      await client.query(`update ledger_requests set status = 'rejected', code = $2, decided_at = now() where command_id = $1`, [result.commandId, result.code ?? 'REJECTED']);
      // A load debited the deposit when it was asked for: give it back. An unload moved nothing yet.
      if (request.kind === 'load') {
        await postEntry(client, { reference: `load-reversal:${request.request_id}`, debit: dcSettlementAccount, credit: deposit, amount });
      }
      return;
    }
    const sequence = result.sequence ?? null;
    await client.query(`update ledger_requests set status = 'accepted', sequence = $2, decided_at = now() where command_id = $1`, [
      result.commandId,
      sequence === null ? null : sequence.toString(),
    ]);
    await this.history(client, request.wallet_id, request.kind, request.request_id, amount, sequence, null);
    if (request.kind === 'load') {
      await client.query('update wallets set balance = balance + $2 where id = $1', [request.wallet_id, amount.toString()]);
    } else {
      await client.query('update wallets set balance = balance - $2 where id = $1', [request.wallet_id, amount.toString()]);
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
    const inserted = await client.query(
      `insert into wallet_history (wallet_id, kind, reference, amount, sequence, counterparty) values ($1, $2, $3, $4, $5, $6)
       on conflict (wallet_id, kind, reference) do nothing`,
      [walletId, kind, reference, amount.toString(), sequence === null ? null : sequence.toString(), counterparty],
    );
    return inserted.rowCount === 1;
  }
}
