/**
 * Typed calls of a commercial bank's API for a wallet holder's side (and the bank staff calls the
 * demo and the command line make): open a wallet, load, pay, pay a merchant's request, unload,
 * history, balance and a payment's status.
 *
 * Invariants: a payment or unload is signed here, with the holder's key, over exactly what the
 * ledger verifies, and its counter comes from the CounterStore (stored before use, so a counter is
 * never signed twice); a holder's read is signed over the method, the full path and query as the
 * bank sees it, and the time (libs/contracts walletRequestSigningPayload); a payment of a request
 * URI uses the id derived from the URI, so a request is paid at most once, and an expired request is
 * refused here before anything is signed.
 */
import {
  walletAuthHeaders,
  walletRequestSigningPayload,
  type LedgerRequestV1,
  type OperatorInfoV1,
  type PaymentV1Answer,
  type WalletBalanceV1,
  type WalletHistoryV1,
  type WalletV1,
} from '@cbdc/contracts';
import { sign, toHex } from '@cbdc/crypto';
import type { CounterStore } from './counter-store';
import { BankClient, type BankClientOptions, type OutgoingRequest } from './http-client';
import { parsePaymentRequestUri, paymentIdForRequest } from './payment-request-uri';
import { newCommandId, signPayment, signUnload } from './signed-instructions';
import type { WalletKeys } from './wallet-keys';

/** A synchronous payment waits this long at most for the bank (its own wait is 5 s by default). */
export const paymentTimeoutMsDefault = 15_000;

export type BankApiOptions = Omit<BankClientOptions, 'authorize'>;

export interface PayOptions {
  readonly payeeWalletId: string;
  readonly amount: bigint;
  /** A retry of a payment that got no answer reuses its id (and is refused if the body differs). */
  readonly paymentId?: string;
  /** Answer 202 at once and poll the status instead of waiting for the ledger. */
  readonly respondAsync?: boolean;
}

export interface OpenWalletOptions {
  readonly customerId: string;
  readonly walletClass: 3 | 4;
  readonly requestId?: string;
}

/** The headers that sign one holder's read (method, path and query, time) with the wallet key. */
export function walletRequestHeaders(keys: WalletKeys, request: Pick<OutgoingRequest, 'method' | 'path'>, now: Date = new Date()): Record<string, string> {
  const timestamp = BigInt(now.getTime());
  const signature = sign(walletRequestSigningPayload(request.method, request.path, timestamp), keys.privateKey);
  return { [walletAuthHeaders.walletId]: keys.walletId, [walletAuthHeaders.timestamp]: timestamp.toString(), [walletAuthHeaders.signature]: toHex(signature) };
}

export class BankApi {
  private readonly staff: BankClient;
  private readonly basePath: string;

  constructor(private readonly options: BankApiOptions) {
    this.staff = new BankClient(options);
    this.basePath = new URL(options.baseUrl).pathname.replace(/\/+$/, '');
  }

  /** The bank's operator id and public key (open to anyone). */
  operator(): Promise<OperatorInfoV1> {
    return this.staff.request<OperatorInfoV1>('GET', '/v1/operator');
  }

  /** Staff: registers the holder's public key for a customer (pending until the ledger registers it). */
  openWallet(keys: Pick<WalletKeys, 'publicKey' | 'walletId'>, options: OpenWalletOptions): Promise<WalletV1> {
    return this.staff.request<WalletV1>('POST', '/v1/wallets', {
      customerId: options.customerId,
      publicKey: toHex(keys.publicKey),
      walletClass: options.walletClass,
      requestId: options.requestId ?? `open-${keys.walletId.slice(0, 40)}`,
    });
  }

  /** Staff: the wallet with its recent history. */
  wallet(walletId: string): Promise<WalletV1> {
    return this.staff.request<WalletV1>('GET', `/v1/wallets/${encodeURIComponent(walletId)}`);
  }

  /** Staff: moves a customer's deposit into the wallet (202 pending; the ledger decides). */
  load(walletId: string, amount: bigint, loadId: string = newCommandId('load')): Promise<LedgerRequestV1> {
    return this.staff.request<LedgerRequestV1>('POST', `/v1/wallets/${encodeURIComponent(walletId)}/loads`, { loadId, amount });
  }

  loadStatus(walletId: string, loadId: string): Promise<LedgerRequestV1> {
    return this.staff.request<LedgerRequestV1>('GET', `/v1/wallets/${encodeURIComponent(walletId)}/loads/${encodeURIComponent(loadId)}`);
  }

  /** Staff route, holder-signed: DC back into the customer's deposit. */
  async unload(keys: WalletKeys, counters: CounterStore, amount: bigint, unloadId: string = newCommandId('unload')): Promise<LedgerRequestV1> {
    const { operatorId } = await this.operator();
    const counter = await counters.nextCounter();
    const signed = signUnload({ operatorId, walletId: keys.walletId, amount, counter, commandId: `${operatorId}:unload:${unloadId}` }, keys.privateKey);
    return this.staff.request<LedgerRequestV1>('POST', `/v1/wallets/${encodeURIComponent(keys.walletId)}/unloads`, {
      unloadId,
      amount,
      counter,
      walletSignature: signed.walletSignature,
    });
  }

  unloadStatus(walletId: string, unloadId: string): Promise<LedgerRequestV1> {
    return this.staff.request<LedgerRequestV1>('GET', `/v1/wallets/${encodeURIComponent(walletId)}/unloads/${encodeURIComponent(unloadId)}`);
  }

  /** Pays from the holder's wallet; settled (200) or pending (202) answers return, a rejection throws BankApiError with the ledger's code. */
  async pay(keys: WalletKeys, counters: CounterStore, options: PayOptions & { readonly paymentRequest?: string }): Promise<PaymentV1Answer> {
    const counter = await counters.nextCounter();
    const body = signPayment(
      { paymentId: options.paymentId ?? newCommandId('pay'), payerWalletId: keys.walletId, payeeWalletId: options.payeeWalletId, amount: options.amount, counter },
      keys.privateKey,
    );
    const headers: Record<string, string> = options.respondAsync ? { prefer: 'respond-async' } : {};
    return this.staff.request<PaymentV1Answer>('POST', '/v1/payments', options.paymentRequest === undefined ? body : { ...body, paymentRequest: options.paymentRequest }, {
      headers,
      timeoutMs: this.options.timeoutMs ?? paymentTimeoutMsDefault,
    });
  }

  /** Pays a merchant's `cbdc:pay?...` request: its payee and amount, and the payment id derived from the URI. */
  async payRequest(keys: WalletKeys, counters: CounterStore, uri: string, options: { respondAsync?: boolean; now?: Date } = {}): Promise<PaymentV1Answer> {
    const request = parsePaymentRequestUri(uri, options.now ?? new Date());
    return this.pay(keys, counters, {
      payeeWalletId: request.payeeWalletId,
      amount: request.amount,
      paymentId: paymentIdForRequest(uri),
      paymentRequest: uri,
      ...(options.respondAsync ? { respondAsync: true } : {}),
    });
  }

  /** A payment's status, read as its payer (signed) or, with an API key, as staff. */
  paymentStatus(keys: WalletKeys | null, paymentId: string): Promise<PaymentV1Answer> {
    return this.holderClient(keys).request<PaymentV1Answer>('GET', `/v1/payments/${encodeURIComponent(paymentId)}`);
  }

  balance(keys: WalletKeys): Promise<WalletBalanceV1> {
    return this.holderClient(keys).request<WalletBalanceV1>('GET', `/v1/holder/wallets/${encodeURIComponent(keys.walletId)}/balance`);
  }

  history(keys: WalletKeys, limit?: number): Promise<WalletHistoryV1> {
    const query = limit === undefined ? '' : `?limit=${limit}`;
    return this.holderClient(keys).request<WalletHistoryV1>('GET', `/v1/holder/wallets/${encodeURIComponent(keys.walletId)}/history${query}`);
  }

  /** Signs with the wallet key when given; else the staff client (its API key). */
  private holderClient(keys: WalletKeys | null): BankClient {
    if (keys === null) return this.staff;
    const { apiKey: _apiKey, ...rest } = this.options;
    return new BankClient({ ...rest, authorize: (request) => walletRequestHeaders(keys, { method: request.method, path: this.basePath + request.path }) });
  }
}
