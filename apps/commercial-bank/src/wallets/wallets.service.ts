import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import {
  loadMessage,
  registerWalletMessage,
  unloadMessageFromSignature,
  walletHistoryEntriesMax,
  type LedgerRequestStatusV1,
  type LedgerRequestV1,
  type LoadRequestV1,
  type OpenWalletRequestV1,
  type UnloadRequestV1,
  type WalletStatusV1,
  type WalletV1,
} from '@cbdc/contracts';
import { encodeUnloadForSigning, fromHex, verify, walletIdFromPublicKey } from '@cbdc/crypto';
import { PG_POOL, withTransaction } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS, OPERATOR_KEY } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import { customerAccount, dcSettlementAccount, postEntry } from '../core-banking/deposit-book';
import { unknownCustomer } from '../customers/customers.service';
import { ApiError } from '../http/api-error';
import type { OperatorKey } from '../keys/operator-key';
import { OutboxRelay, writeOutbox } from '../outbox/outbox-relay';
import { IdentityEscrow } from './identity-escrow';

export type LedgerRequestKind = 'load' | 'unload';

function unknownWallet(walletId: string): ApiError {
  return new ApiError(404, 'UNKNOWN_WALLET', `wallet ${walletId} does not exist at this bank`);
}

interface WalletRow {
  id: string;
  customer_id: string;
  wallet_class: number;
  status: WalletStatusV1;
  rejection_code: string | null;
  balance: string;
  request_id: string;
  public_key: Buffer;
}

/**
 * Wallets, loads and unloads: each request writes its state and its signed ledger command to the
 * outbox in ONE transaction, and the relay publishes after the commit. The ledger's answer comes
 * back on this operator's events topic (LedgerEventsService). So a restart at any step neither
 * loses a command nor sends one twice with a second effect: the outbox resends what was not
 * published, and the ledger applies a command id at most once.
 *
 * The central bank receives only the wallet id, class and public key: names, ID numbers and
 * phones never leave this bank.
 */
@Injectable()
export class WalletsService {
  private readonly operatorId: string;
  private readonly ledgerTopic: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(OPERATOR_KEY) private readonly operatorKey: OperatorKey,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
    @Inject(IdentityEscrow) private readonly identityEscrow: IdentityEscrow,
  ) {
    this.operatorId = settings.BANK_ID;
    this.ledgerTopic = settings.LEDGER_COMMANDS_TOPIC;
  }

  /** The ledger command id of a client's request: unique across operators and kinds. */
  commandId(kind: 'open' | LedgerRequestKind, clientId: string): string {
    return `${this.operatorId}:${kind}:${clientId}`;
  }

  async open(request: OpenWalletRequestV1): Promise<WalletV1> {
    const publicKey = fromHex(request.publicKey);
    const walletId = walletIdFromPublicKey(publicKey);
    const commandId = this.commandId('open', request.requestId);
    await withTransaction(this.pool, async (client) => {
      const customer = await client.query<{ has_id_number: boolean }>('select id_number_sealed is not null as has_id_number from customers where id = $1', [
        request.customerId,
      ]);
      if (!customer.rows[0]) throw unknownCustomer(request.customerId);
      const first = await client.query<{ id: string; customer_id: string; wallet_class: number }>(
        'select id, customer_id, wallet_class from wallets where request_id = $1',
        [request.requestId],
      );
      if (first.rows[0]) {
        const row = first.rows[0];
        if (row.id !== walletId || row.customer_id !== request.customerId || row.wallet_class !== request.walletClass) {
          throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', `request ${request.requestId} already opened another wallet`);
        }
        return;
      }
      // Class 3 needs an ID number on file; class 4 (anonymous tier) only the phone, which every customer has.
      if (request.walletClass === 3 && !customer.rows[0].has_id_number) {
        throw new ApiError(422, 'KYC_INSUFFICIENT', 'a class 3 wallet needs the customer’s ID number');
      }
      const inserted = await client.query(
        `insert into wallets (id, customer_id, wallet_class, public_key, status, request_id, command_id)
         values ($1, $2, $3, $4, 'pending', $5, $6) on conflict do nothing`,
        [walletId, request.customerId, request.walletClass, Buffer.from(publicKey), request.requestId, commandId],
      );
      if (inserted.rowCount === 0) {
        // The same request committed by a concurrent call meanwhile is a repeat, not a conflict.
        const raced = await client.query<{ id: string }>('select id from wallets where request_id = $1', [request.requestId]);
        if (raced.rows[0]?.id === walletId) return;
        if (raced.rows[0]) throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', `request ${request.requestId} already opened another wallet`);
        throw new ApiError(409, 'WALLET_EXISTS', `a wallet with this public key (${walletId}) already exists`);
      }
      const escrow = await this.identityEscrow.seal(client, request.customerId, walletId, request.walletClass);
      const message = registerWalletMessage(
        { commandId, operatorId: this.operatorId, walletId, walletClass: request.walletClass, publicKey: request.publicKey, ...(escrow ? { escrow } : {}) },
        this.operatorKey.privateKey,
      );
      await writeOutbox(client, [{ topic: this.ledgerTopic, key: message.key, payload: message.value }]);
    });
    this.relay.kick();
    return this.get(walletId);
  }

  async get(walletId: string): Promise<WalletV1> {
    const wallet = await this.walletRow(this.pool, walletId);
    const history = await this.pool.query<{ kind: string; reference: string; amount: string; sequence: string | null; created_at: Date }>(
      'select kind, reference, amount, sequence, created_at from wallet_history where wallet_id = $1 order by id desc limit $2',
      [walletId, walletHistoryEntriesMax],
    );
    return {
      walletId: wallet.id,
      customerId: wallet.customer_id,
      walletClass: wallet.wallet_class,
      status: wallet.status,
      rejectionCode: wallet.rejection_code,
      balance: wallet.balance,
      history: history.rows.map((h) => ({ kind: h.kind, reference: h.reference, amount: h.amount, sequence: h.sequence, at: h.created_at.toISOString() })),
    };
  }

  /**
   * Deposit -> DC: debits the customer's deposit into dc-settlement and writes the signed load
   * command, in one transaction. The ledger's answer credits the wallet mirror (accepted) or
   * reverses the debit (rejected). A repeated loadId answers the first load.
   */
  async load(walletId: string, request: LoadRequestV1): Promise<LedgerRequestV1> {
    const commandId = this.commandId('load', request.loadId);
    await withTransaction(this.pool, async (client) => {
      const wallet = await this.walletRow(client, walletId, true);
      if (await this.repeated(client, 'load', request.loadId, walletId, request.amount)) return;
      if (wallet.status !== 'open') throw new ApiError(409, 'WALLET_NOT_OPEN', `wallet ${walletId} is ${wallet.status}, not open`);
      await this.insertRequest(client, 'load', request.loadId, walletId, request.amount, commandId);
      const posted = await postEntry(client, { reference: `load:${request.loadId}`, debit: customerAccount(wallet.customer_id), credit: dcSettlementAccount, amount: request.amount });
      if (posted === 'insufficient') throw new ApiError(422, 'INSUFFICIENT_DEPOSIT', `the deposit of customer ${wallet.customer_id} is below ${request.amount} fen`);
      if (posted !== 'posted') throw new Error(`load ${request.loadId} was already posted without a request row`);
      const message = loadMessage({ commandId, operatorId: this.operatorId, walletId, amount: request.amount }, this.operatorKey.privateKey);
      await writeOutbox(client, [{ topic: this.ledgerTopic, key: message.key, payload: message.value }]);
    });
    this.relay.kick();
    return this.request('load', request.loadId);
  }

  /**
   * DC -> deposit, with the holder's signature over `encodeUnloadForSigning` (checked here first,
   * and again by the ledger). Nothing moves on the bank's books until the ledger accepts it.
   */
  async unload(walletId: string, request: UnloadRequestV1): Promise<LedgerRequestV1> {
    const commandId = this.commandId('unload', request.unloadId);
    await withTransaction(this.pool, async (client) => {
      const wallet = await this.walletRow(client, walletId, true);
      if (await this.repeated(client, 'unload', request.unloadId, walletId, request.amount)) return;
      if (wallet.status !== 'open') throw new ApiError(409, 'WALLET_NOT_OPEN', `wallet ${walletId} is ${wallet.status}, not open`);
      const signed = encodeUnloadForSigning({ operatorId: this.operatorId, walletId, amount: request.amount, counter: request.counter, commandId });
      if (!verify(fromHex(request.walletSignature), signed, new Uint8Array(wallet.public_key))) {
        throw new ApiError(422, 'BAD_SIGNATURE', "the wallet signature does not verify under the wallet's public key");
      }
      const pending = await client.query<{ s: string }>(`select coalesce(sum(amount), 0) as s from ledger_requests where wallet_id = $1 and kind = 'unload' and status = 'pending'`, [walletId]);
      if (BigInt(wallet.balance) - BigInt(pending.rows[0]!.s) < request.amount) {
        throw new ApiError(422, 'INSUFFICIENT_DC', `wallet ${walletId} holds less than ${request.amount} fen beyond pending unloads`);
      }
      await this.insertRequest(client, 'unload', request.unloadId, walletId, request.amount, commandId);
      const message = unloadMessageFromSignature(
        { commandId, operatorId: this.operatorId, walletId, amount: request.amount, counter: request.counter, walletSignature: request.walletSignature },
        this.operatorKey.privateKey,
      );
      await writeOutbox(client, [{ topic: this.ledgerTopic, key: message.key, payload: message.value }]);
    });
    this.relay.kick();
    return this.request('unload', request.unloadId);
  }

  /** A load or unload by its client id; with `walletId`, only if it is that wallet's. */
  async request(kind: LedgerRequestKind, requestId: string, walletId?: string): Promise<LedgerRequestV1> {
    const result = await this.pool.query<{ wallet_id: string; amount: string; status: LedgerRequestStatusV1; code: string | null }>(
      'select wallet_id, amount, status, code from ledger_requests where kind = $1 and request_id = $2',
      [kind, requestId],
    );
    const row = result.rows[0];
    if (!row || (walletId !== undefined && row.wallet_id !== walletId)) throw new ApiError(404, kind === 'load' ? 'UNKNOWN_LOAD' : 'UNKNOWN_UNLOAD', `${kind} ${requestId} does not exist`);
    return { requestId, walletId: row.wallet_id, amount: row.amount, status: row.status, code: row.code };
  }

  /** A request id seen before: the same request again (true), or another one under the same id (409). */
  private async repeated(client: PoolClient, kind: LedgerRequestKind, requestId: string, walletId: string, amount: bigint): Promise<boolean> {
    const first = await client.query<{ wallet_id: string; amount: string }>('select wallet_id, amount from ledger_requests where kind = $1 and request_id = $2', [kind, requestId]);
    const row = first.rows[0];
    if (!row) return false;
    if (row.wallet_id !== walletId || BigInt(row.amount) !== amount) {
      throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', `${kind} ${requestId} was already made with another wallet or amount`);
    }
    return true;
  }

  private async insertRequest(client: PoolClient, kind: LedgerRequestKind, requestId: string, walletId: string, amount: bigint, commandId: string): Promise<void> {
    await client.query(`insert into ledger_requests (kind, request_id, wallet_id, amount, command_id, status) values ($1, $2, $3, $4, $5, 'pending')`, [
      kind,
      requestId,
      walletId,
      amount.toString(),
      commandId,
    ]);
  }

  /** The wallet row; `lock` serialises requests on one wallet (two loads with one id, say). */
  private async walletRow(client: Pool | PoolClient, walletId: string, lock = false): Promise<WalletRow> {
    const result = await client.query<WalletRow>(
      `select id, customer_id, wallet_class, status, rejection_code, balance, request_id, public_key from wallets where id = $1${lock ? ' for no key update' : ''}`,
      [walletId],
    );
    const row = result.rows[0];
    if (!row) throw unknownWallet(walletId);
    return row;
  }
}
