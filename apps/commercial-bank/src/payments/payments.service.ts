import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { paymentMessageFromSignature, type PaymentRequestBodyV1, type PaymentV1Answer } from '@cbdc/contracts';
import { encodePaymentForSigning, fromHex, verifyFast } from '@cbdc/crypto';
import { PG_POOL } from '@cbdc/platform';
import { parsePaymentRequestUri, paymentIdForRequest, WalletSdkError } from '@cbdc/wallet-sdk';
import { COMMERCIAL_BANK_SETTINGS } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import { ApiError } from '../http/api-error';
import type { PaymentDecision } from './payer-debits';
import { PaymentIntake } from './payment-intake';
import { PaymentRateLimiter } from './payment-rate-limiter';
import { PaymentWaiter } from './payment-waiter';
import { WalletDirectory } from './wallet-directory';

/** An answer of the payments API: its HTTP status, body and, for a pending payment, where to poll. */
export interface PaymentReply {
  readonly httpStatus: 200 | 202 | 422;
  readonly body: PaymentV1Answer;
  readonly location?: string;
}

interface PaymentRow {
  payment_id: string;
  payer_wallet_id: string;
  payee_wallet_id: string;
  amount: string;
  counter: string;
  signature: string;
  payment_request: string | null;
  status: 'pending' | 'settled' | 'rejected';
  code: string | null;
  detail: string | null;
  sequence: string | null;
  decided_at: Date | null;
}

const paymentColumns = 'payment_id, payer_wallet_id, payee_wallet_id, amount, counter, signature, payment_request, status, code, detail, sequence, decided_at';

/**
 * Payments on behalf of this bank's wallet holders (the payments contract, docs at /docs).
 *
 * The hot path is lean on purpose: the holder's signature is checked here first with OpenSSL
 * (a forged request never reaches Kafka), the wallet's key comes from a short-lived cache, the
 * rate limit is one Redis script, and the payment row and its ledger command enter the database in
 * ONE statement (an insert of the row that feeds the insert of the outbox row, so both or neither
 * exist), together with those of concurrent requests (PaymentIntake). The relay publishes right
 * after, without reading them back; the answer waits for the ledger's decision, which
 * LedgerEventsService commits and hands to the PaymentWaiter.
 *
 * Idempotency: the payment id is the ledger command id and this table's key, so a repeat gets
 * the first payment's answer and the ledger applies the command at most once.
 */
@Injectable()
export class PaymentsService {
  private readonly operatorId: string;
  private readonly ledgerTopic: string;
  private readonly syncWaitMs: number;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(PaymentIntake) private readonly intake: PaymentIntake,
    @Inject(PaymentWaiter) private readonly waiter: PaymentWaiter,
    @Inject(PaymentRateLimiter) private readonly rateLimiter: PaymentRateLimiter,
    @Inject(WalletDirectory) private readonly wallets: WalletDirectory,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.operatorId = settings.BANK_ID;
    this.ledgerTopic = settings.LEDGER_COMMANDS_TOPIC;
    this.syncWaitMs = settings.PAYMENT_SYNC_WAIT_MS;
  }

  async pay(payment: PaymentRequestBodyV1, respondAsync: boolean, now: Date = new Date()): Promise<PaymentReply> {
    const requestExpired = payment.paymentRequest !== undefined && this.checkPaymentRequest(payment, payment.paymentRequest, now);
    const wallet = await this.wallets.openWallet(payment.payerWalletId);
    const signed = encodePaymentForSigning({
      paymentId: payment.paymentId,
      payerWalletId: payment.payerWalletId,
      payeeWalletId: payment.payeeWalletId,
      amount: payment.amount,
      counter: payment.counter,
    });
    if (!verifyFast(fromHex(payment.signature), signed, wallet.publicKey)) {
      throw new ApiError(422, 'BAD_SIGNATURE', "the payment's signature does not verify under the payer wallet's public key");
    }
    if (requestExpired) {
      // An expired request may still be asked about: a repeat of a payment made in time answers as before.
      const first = await this.row(payment.paymentId);
      if (!first) throw new ApiError(422, 'PAYMENT_REQUEST_EXPIRED', 'the payment request has expired; ask the payee for a new one');
      return this.repeat(first, payment, respondAsync);
    }
    await this.rateLimiter.take(payment.payerWalletId, now.getTime());

    const message = paymentMessageFromSignature({
      commandId: payment.paymentId,
      operatorId: this.operatorId,
      payerWalletId: payment.payerWalletId,
      payeeWalletId: payment.payeeWalletId,
      amount: payment.amount,
      counter: payment.counter,
      signature: payment.signature,
    });
    // Registered before the command can be published, so its decision cannot slip past.
    const wait = respondAsync ? null : this.waiter.wait(payment.paymentId, this.syncWaitMs);
    try {
      const written = await this.intake.write({
        paymentId: payment.paymentId,
        payerWalletId: payment.payerWalletId,
        payeeWalletId: payment.payeeWalletId,
        amount: payment.amount,
        counter: payment.counter,
        signature: payment.signature,
        paymentRequest: payment.paymentRequest ?? null,
        commandTopic: this.ledgerTopic,
        commandKey: message.key,
        command: message.value,
      });
      if (!written) {
        const first = await this.row(payment.paymentId);
        if (!first) throw new Error(`payment ${payment.paymentId} conflicted on insert but has no row`);
        return this.repeat(first, payment, respondAsync, wait);
      }
      if (!wait) return pendingReply(payment);
      const decision = await wait.decision;
      if (decision) return decidedReply(payment, decision);
      // No decision in time here (or it was applied by another instance while Redis was away): the row knows.
      const current = await this.row(payment.paymentId);
      return current ? replyOf(current) : pendingReply(payment);
    } finally {
      wait?.cancel();
    }
  }

  /** The payment as the payer's (or payee's) side may see it; 404 UNKNOWN_PAYMENT. */
  async status(paymentId: string): Promise<{ reply: PaymentReply; payerWalletId: string; payeeWalletId: string }> {
    const row = await this.row(paymentId);
    if (!row) throw unknownPayment(paymentId);
    return { reply: replyOf(row), payerWalletId: row.payer_wallet_id, payeeWalletId: row.payee_wallet_id };
  }

  /** A payment id seen before: the same payment again (its answer, waiting if still pending), or 409. */
  private async repeat(first: PaymentRow, payment: PaymentRequestBodyV1, respondAsync: boolean, wait: { decision: Promise<PaymentDecision | null> } | null = null): Promise<PaymentReply> {
    const same =
      first.payer_wallet_id === payment.payerWalletId &&
      first.payee_wallet_id === payment.payeeWalletId &&
      BigInt(first.amount) === payment.amount &&
      BigInt(first.counter) === payment.counter &&
      first.signature === payment.signature &&
      first.payment_request === (payment.paymentRequest ?? null);
    if (!same) throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', `payment ${payment.paymentId} was already made with another body`);
    if (first.status !== 'pending' || respondAsync) return replyOf(first);
    const waiting = wait ?? this.waiter.wait(payment.paymentId, this.syncWaitMs);
    try {
      // The decision may have been committed between reading the row and starting to wait.
      const again = await this.row(payment.paymentId);
      if (again && again.status !== 'pending') return replyOf(again);
      const decision = await waiting.decision;
      return decision ? decidedReply(payment, decision) : replyOf(first);
    } finally {
      if (!wait) (waiting as { cancel(): void }).cancel();
    }
  }

  /**
   * A payment that settles a merchant's request must match it: payee, amount, and the payment id
   * derived from the URI (so the request is paid at most once). True when the request has expired
   * (refused unless this is a repeat of a payment made in time).
   */
  private checkPaymentRequest(payment: PaymentRequestBodyV1, uri: string, now: Date): boolean {
    let request;
    try {
      request = parsePaymentRequestUri(uri, new Date(0));
    } catch (error) {
      if (error instanceof WalletSdkError) throw new ApiError(422, 'PAYMENT_REQUEST_MISMATCH', `the payment request is not a valid cbdc:pay URI: ${error.message}`);
      throw error;
    }
    if (request.payeeWalletId !== payment.payeeWalletId) throw new ApiError(422, 'PAYMENT_REQUEST_MISMATCH', 'the payee differs from the payment request');
    if (request.amount !== payment.amount) throw new ApiError(422, 'PAYMENT_REQUEST_MISMATCH', 'the amount differs from the payment request');
    const expected = paymentIdForRequest(uri);
    if (payment.paymentId !== expected) throw new ApiError(422, 'PAYMENT_REQUEST_MISMATCH', `a payment of this request must have the id ${expected}`);
    return request.expiresAt.getTime() <= now.getTime();
  }

  private async row(paymentId: string): Promise<PaymentRow | undefined> {
    const result = await this.pool.query<PaymentRow>(`select ${paymentColumns} from payments where payment_id = $1`, [paymentId]);
    return result.rows[0];
  }
}

export function unknownPayment(paymentId: string): ApiError {
  return new ApiError(404, 'UNKNOWN_PAYMENT', `payment ${paymentId} is not a payment of this bank`);
}

function location(paymentId: string): string {
  return `/v1/payments/${encodeURIComponent(paymentId)}`;
}

function basics(payment: PaymentRequestBodyV1) {
  return {
    paymentId: payment.paymentId,
    payerWalletId: payment.payerWalletId,
    payeeWalletId: payment.payeeWalletId,
    amount: payment.amount.toString(),
    counter: payment.counter.toString(),
  };
}

function pendingReply(payment: PaymentRequestBodyV1): PaymentReply {
  return { httpStatus: 202, body: { ...basics(payment), status: 'pending' }, location: location(payment.paymentId) };
}

function decidedReply(payment: PaymentRequestBodyV1, decision: PaymentDecision): PaymentReply {
  if (decision.status === 'settled') {
    return { httpStatus: 200, body: { ...basics(payment), status: 'settled', sequence: decision.sequence!, settledAt: decision.settledAt! } };
  }
  return { httpStatus: 422, body: { ...basics(payment), status: 'rejected', code: decision.code!, message: decision.detail ?? decision.code! } };
}

function replyOf(row: PaymentRow): PaymentReply {
  const base = { paymentId: row.payment_id, payerWalletId: row.payer_wallet_id, payeeWalletId: row.payee_wallet_id, amount: row.amount, counter: row.counter };
  if (row.status === 'settled') return { httpStatus: 200, body: { ...base, status: 'settled', sequence: row.sequence!, settledAt: row.decided_at!.toISOString() } };
  if (row.status === 'rejected') return { httpStatus: 422, body: { ...base, status: 'rejected', code: row.code!, message: row.detail ?? row.code! } };
  return { httpStatus: 202, body: { ...base, status: 'pending' }, location: location(row.payment_id) };
}
