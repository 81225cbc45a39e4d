import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import {
  encodeMessage,
  paymentRequestPaidV1,
  type CreatePaymentRequestRequestV1,
  type MerchantV1,
  type PaymentRequestPaidV1,
  type PaymentRequestStatusV1,
  type PaymentRequestViewV1,
  type RegisterMerchantRequestV1,
  type WalletCreditsV1,
} from '@cbdc/contracts';
import { named, PG_POOL, withTransaction } from '@cbdc/platform';
import { formatPaymentRequestUri, paymentIdForRequest, requestPaymentIdPrefix, WalletSdkError } from '@cbdc/wallet-sdk';
import { COMMERCIAL_BANK_SETTINGS, KYC_CIPHER } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import { ApiError } from '../http/api-error';
import type { KycCipher } from '../keys/kyc-cipher';

/** The credit of one payment, as the ledger reports it on the operator's topic. */
export type LedgerCredit = WalletCreditsV1['credits'][number];

/** Bytes of a webhook secret the bank makes itself (hex in the answer). */
export const webhookSecretBytes = 32;

interface RequestRow {
  request_id: string;
  wallet_id: string;
  payment_id: string;
  uri: string;
  amount: string;
  reference: string;
  expires_at: Date;
  status: 'open' | 'paid' | 'paid-late' | 'amount-mismatch';
  paid_amount: string | null;
  payer_wallet_id: string | null;
  sequence: string | null;
  paid_at: Date | null;
  delivery_id: string | null;
  delivery_status: 'pending' | 'delivered' | 'failed' | null;
  attempts: number | null;
}

/** The id of the one webhook delivery of a request: also the BullMQ job id and the header the merchant dedupes by. */
export function deliveryIdOf(requestId: string): string {
  return `paid:${requestId}`;
}

/**
 * Merchant wallets and their payment requests. Invariants: a request's payment id is derived from
 * its exact URI, unique, so one ledger credit at most can settle it; a request leaves `open` once
 * and only in the transaction that applies that credit (LedgerEventsService calls `onCredit`),
 * which also writes its one webhook delivery row, so the merchant is told exactly when the wallet
 * mirror moved. The job is enqueued only after that commit (WebhookDeliveryService's relay).
 */
@Injectable()
export class MerchantsService {
  private readonly operatorId: string;
  /** Called after a credit paid a request, to enqueue its webhook soon after the commit. */
  private paidListener: (() => void) | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KYC_CIPHER) private readonly kyc: KycCipher,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.operatorId = settings.BANK_ID;
  }

  onPaid(listener: () => void): void {
    this.paidListener = listener;
  }

  /** Makes an open wallet of this bank a merchant's, or changes its webhook; answers the secret it set. */
  async register(walletId: string, request: RegisterMerchantRequestV1): Promise<MerchantV1> {
    const wallet = await this.pool.query<{ status: string }>(named('select status from wallets where id = $1', [walletId]));
    if (!wallet.rows[0]) throw new ApiError(404, 'UNKNOWN_WALLET', `wallet ${walletId} does not exist at this bank`);
    if (wallet.rows[0].status !== 'open') throw new ApiError(409, 'WALLET_NOT_OPEN', `wallet ${walletId} is ${wallet.rows[0].status}, not open`);
    const secret = request.webhookSecret ?? randomBytes(webhookSecretBytes).toString('hex');
    const result = await this.pool.query<{ created_at: Date }>(named(
      `insert into merchant_wallets (wallet_id, webhook_url, webhook_secret_sealed) values ($1, $2, $3)
       on conflict (wallet_id) do update set webhook_url = excluded.webhook_url, webhook_secret_sealed = excluded.webhook_secret_sealed
       returning created_at`,
      [walletId, request.webhookUrl, this.kyc.seal(secret, `${walletId}:webhookSecret`)],
    ));
    return { walletId, webhookUrl: request.webhookUrl, webhookSecret: secret, createdAt: result.rows[0]!.created_at.toISOString() };
  }

  async merchant(walletId: string): Promise<MerchantV1> {
    const result = await this.pool.query<{ webhook_url: string; created_at: Date }>(named('select webhook_url, created_at from merchant_wallets where wallet_id = $1', [walletId]));
    const row = result.rows[0];
    if (!row) throw unknownMerchant(walletId);
    return { walletId, webhookUrl: row.webhook_url, createdAt: row.created_at.toISOString() };
  }

  /** The webhook target of a merchant, with its secret opened; null when it is not a merchant. */
  async webhookTarget(walletId: string): Promise<{ url: string; secret: string } | null> {
    const result = await this.pool.query<{ webhook_url: string; webhook_secret_sealed: Buffer }>(named(
      'select webhook_url, webhook_secret_sealed from merchant_wallets where wallet_id = $1',
      [walletId],
    ));
    const row = result.rows[0];
    if (!row) return null;
    return { url: row.webhook_url, secret: this.kyc.open(row.webhook_secret_sealed, `${walletId}:webhookSecret`) };
  }

  /**
   * A payment request rendered as its URI, with the derived payment id. A repeated requestId
   * with the same amount and reference answers the first request (and its first expiry).
   */
  async createRequest(walletId: string, request: CreatePaymentRequestRequestV1, now: Date = new Date()): Promise<PaymentRequestViewV1> {
    await this.merchant(walletId);
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + request.expiresInSeconds) * 1000);
    let uri: string;
    try {
      uri = formatPaymentRequestUri({ payeeWalletId: walletId, amount: request.amount, reference: request.reference, expiresAt, operatorId: this.operatorId });
    } catch (error) {
      if (error instanceof WalletSdkError) throw new ApiError(400, 'VALIDATION_FAILED', error.message, { field: error.code === 'BAD_REFERENCE' ? 'reference' : '<body>' });
      throw error;
    }
    const paymentId = paymentIdForRequest(uri);
    await withTransaction(this.pool, async (client) => {
      const inserted = await client.query(named(
        `insert into payment_requests (request_id, wallet_id, payment_id, uri, amount, reference, expires_at, status)
         values ($1, $2, $3, $4, $5, $6, $7, 'open') on conflict (request_id) do nothing`,
        [request.requestId, walletId, paymentId, uri, request.amount.toString(), request.reference, expiresAt],
      ));
      if (inserted.rowCount === 1) return;
      const first = await client.query<{ wallet_id: string; amount: string; reference: string }>(named('select wallet_id, amount, reference from payment_requests where request_id = $1', [
        request.requestId,
      ]));
      const row = first.rows[0]!;
      if (row.wallet_id !== walletId || BigInt(row.amount) !== request.amount || row.reference !== request.reference) {
        throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', `payment request ${request.requestId} was already made with another wallet, amount or reference`);
      }
    });
    return this.request(request.requestId, walletId);
  }

  async request(requestId: string, walletId?: string, now: Date = new Date()): Promise<PaymentRequestViewV1> {
    const result = await this.pool.query<RequestRow>(named(
      `select r.*, d.delivery_id, d.status as delivery_status, d.attempts
       from payment_requests r left join webhook_deliveries d on d.request_id = r.request_id
       where r.request_id = $1`,
      [requestId],
    ));
    const row = result.rows[0];
    if (!row || (walletId !== undefined && row.wallet_id !== walletId)) throw new ApiError(404, 'UNKNOWN_PAYMENT_REQUEST', `payment request ${requestId} does not exist`);
    const status: PaymentRequestStatusV1 = row.status === 'open' && row.expires_at.getTime() <= now.getTime() ? 'expired' : row.status;
    return {
      requestId: row.request_id,
      walletId: row.wallet_id,
      paymentId: row.payment_id,
      uri: row.uri,
      amount: row.amount,
      reference: row.reference,
      expiresAt: row.expires_at.toISOString(),
      status,
      paidAmount: row.paid_amount,
      payerWalletId: row.payer_wallet_id,
      sequence: row.sequence,
      paidAt: row.paid_at?.toISOString() ?? null,
      webhook: row.delivery_id === null ? null : { deliveryId: row.delivery_id, status: row.delivery_status!, attempts: row.attempts ?? 0 },
    };
  }

  /**
   * Called by LedgerEventsService inside the transaction that applies a credit to one of our
   * wallets: a credit whose payment id is an open request's marks it paid (paid-late after the
   * expiry, amount-mismatch when the amounts differ) and writes its webhook delivery. Anything
   * else is not a request payment and changes nothing here.
   */
  async onCredit(client: PoolClient, credit: LedgerCredit): Promise<void> {
    // Only a derived id can pay a request: other payments skip the lookup (the payment hot path).
    if (!credit.paymentId.startsWith(requestPaymentIdPrefix)) return;
    const found = await client.query<{ request_id: string; wallet_id: string; amount: string; reference: string; expires_at: Date }>(named(
      `select request_id, wallet_id, amount, reference, expires_at from payment_requests
       where payment_id = $1 and wallet_id = $2 and status = 'open' for update`,
      [credit.paymentId, credit.payeeWalletId],
    ));
    const request = found.rows[0];
    if (!request) return;
    const paidAt = new Date();
    const status = BigInt(request.amount) !== credit.amount ? 'amount-mismatch' : paidAt.getTime() > request.expires_at.getTime() ? 'paid-late' : 'paid';
    await client.query(named(
      `update payment_requests set status = $2, paid_amount = $3, payer_wallet_id = $4, sequence = $5, paid_at = $6 where request_id = $1`,
      [request.request_id, status, credit.amount.toString(), credit.payerWalletId, credit.sequence.toString(), paidAt],
    ));
    const deliveryId = deliveryIdOf(request.request_id);
    const body: PaymentRequestPaidV1 = {
      deliveryId,
      requestId: request.request_id,
      walletId: request.wallet_id,
      paymentId: credit.paymentId,
      reference: request.reference,
      amount: BigInt(request.amount),
      paidAmount: credit.amount,
      payerWalletId: credit.payerWalletId,
      status,
      sequence: credit.sequence,
      paidAt: paidAt.toISOString(),
    };
    await client.query(named('insert into webhook_deliveries (delivery_id, request_id, payload) values ($1, $2, $3) on conflict do nothing', [
      deliveryId,
      request.request_id,
      encodeMessage(paymentRequestPaidV1, body),
    ]));
    this.paidListener?.();
  }
}

function unknownMerchant(walletId: string): ApiError {
  return new ApiError(404, 'UNKNOWN_MERCHANT', `wallet ${walletId} is not a merchant wallet of this bank`);
}
