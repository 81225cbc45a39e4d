import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Pool, PoolClient } from 'pg';
import {
  changeWalletClassMessage,
  changeWalletClassV1,
  type CommandResultsV1,
  type WalletClassChangeViewV1,
  type WalletUpgradeRequestV1,
} from '@cbdc/contracts';
import { createQueue, createWorker, LOGGER, PG_POOL, REDIS, withTransaction, type Logger } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS, KYC_CIPHER, OPERATOR_KEY } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import { customerAccount } from '../core-banking/deposit-book';
import { ApiError } from '../http/api-error';
import type { KycCipher } from '../keys/kyc-cipher';
import type { OperatorKey } from '../keys/operator-key';
import { OutboxRelay, writeOutbox } from '../outbox/outbox-relay';

/** Wallets one downgrade sweep looks at, at most (the next run takes the rest). */
export const downgradeSweepRowsMax = 1_000;
/** The class a wallet falls back to when its holder's identity document expired: phone only. */
export const classAfterExpiry = 4;

type ChangeReason = 'upgrade' | 'document-expired';

interface ChangeRow {
  change_id: string;
  wallet_id: string;
  from_class: number;
  to_class: number;
  reason: ChangeReason;
  verified_by: string | null;
  status: 'pending' | 'accepted' | 'rejected';
  code: string | null;
}

interface WalletRow {
  customer_id: string;
  wallet_class: number;
  status: string;
  id_number_sealed: Buffer | null;
}

/** What a class needs on file at this bank (stable code KYC_INSUFFICIENT otherwise). */
export function missingForClass(walletClass: number, facts: { idNumber: boolean; linkedAccount: boolean; verifiedInPerson: boolean }): string | null {
  if (walletClass <= 3 && !facts.idNumber) return 'an ID number';
  if (walletClass <= 2 && !facts.linkedAccount) return 'a linked deposit account';
  if (walletClass <= 1 && !facts.verifiedInPerson) return 'verification in person by staff';
  return null;
}

/**
 * Wallet class changes. Upgrades: 4 -> 3 with an ID number, -> 2 with the customer's own deposit
 * account linked, -> 1 only through the staff in-person endpoint, which records the staff key.
 * Downgrades: a wallet whose holder's identity document (expiry sealed with the KYC key) has
 * expired goes back to class 4, by a daily BullMQ job or at staff's request.
 *
 * Invariants: the bank's `wallets.wallet_class` changes only when the central ledger accepts the
 * signed `ledger.change-wallet-class` command, which is written to the outbox in the transaction
 * that records the change; at most one change per wallet is pending (a partial unique index); a
 * change id is applied once (conditional update on `pending`).
 */
@Injectable()
export class WalletClassesService implements OnApplicationBootstrap, OnModuleDestroy {
  private queue!: Queue<{ asOf?: string }>;
  private worker!: Worker<{ asOf?: string }>;
  private readonly operatorId: string;
  private readonly ledgerTopic: string;
  private readonly intervalMs: number;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KYC_CIPHER) private readonly kyc: KycCipher,
    @Inject(OPERATOR_KEY) private readonly operatorKey: OperatorKey,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.operatorId = settings.BANK_ID;
    this.ledgerTopic = settings.LEDGER_COMMANDS_TOPIC;
    this.intervalMs = settings.CLASS_DOWNGRADE_INTERVAL_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    const name = `${this.operatorId}-class-downgrades`;
    this.queue = createQueue(name, this.redis, { logger: this.logger, defaultJobOptions: { attempts: 3 } });
    this.worker = createWorker(name, async (job) => void (await this.downgradeExpired(job.data.asOf)), this.redis, { concurrency: 1, logger: this.logger });
    await this.queue.upsertJobScheduler('class-downgrades', { every: this.intervalMs }, { name: 'downgrade-expired', data: {} });
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }

  commandId(changeId: string): string {
    return `${this.operatorId}:class:${changeId}`;
  }

  /**
   * An upgrade to class 3 or 2 (`verifiedBy` null), or to class 1 in person (`verifiedBy` is the
   * staff key). Stores the ID number and document expiry given with it, links the deposit account
   * for class 2 and up, and sends the change to the ledger. A repeated changeId answers the first.
   */
  async upgrade(walletId: string, request: WalletUpgradeRequestV1, verifiedBy: string | null, today: Date = new Date()): Promise<WalletClassChangeViewV1> {
    if (request.walletClass === 1 && verifiedBy === null) {
      throw new ApiError(403, 'IN_PERSON_VERIFICATION_REQUIRED', 'class 1 needs verification in person: POST /v1/wallets/:walletId/in-person-verifications');
    }
    if (request.documentExpiresOn !== undefined && request.documentExpiresOn <= isoDay(today)) {
      throw new ApiError(422, 'DOCUMENT_EXPIRED', `the identity document expired on ${request.documentExpiresOn}`);
    }
    await withTransaction(this.pool, async (client) => {
      const wallet = await this.walletRow(client, walletId);
      if (await this.repeated(client, request.changeId, walletId, request.walletClass)) return;
      if (wallet.status !== 'open') throw new ApiError(409, 'WALLET_NOT_OPEN', `wallet ${walletId} is ${wallet.status}, not open`);
      if (request.walletClass >= wallet.wallet_class) {
        throw new ApiError(422, 'NOT_AN_UPGRADE', `wallet ${walletId} is class ${wallet.wallet_class}; an upgrade goes to a lower class number`);
      }
      const customerId = wallet.customer_id;
      if (request.idNumber !== undefined) {
        await client.query('update customers set id_number_sealed = $2 where id = $1', [customerId, this.kyc.seal(request.idNumber, `${customerId}:idNumber`)]);
      }
      if (request.documentExpiresOn !== undefined) {
        await client.query(
          `insert into customer_documents (customer_id, expires_on_sealed) values ($1, $2)
           on conflict (customer_id) do update set expires_on_sealed = excluded.expires_on_sealed, updated_at = now()`,
          [customerId, this.kyc.seal(request.documentExpiresOn, `${customerId}:documentExpiresOn`)],
        );
      }
      const hasIdNumber = request.idNumber !== undefined || wallet.id_number_sealed !== null;
      if (request.walletClass <= 2 && hasIdNumber) {
        await client.query('insert into wallet_links (wallet_id, deposit_account_id) values ($1, $2) on conflict (wallet_id) do nothing', [walletId, customerAccount(customerId)]);
      }
      const linked = await client.query<{ deposit_account_id: string }>('select deposit_account_id from wallet_links where wallet_id = $1', [walletId]);
      const missing = missingForClass(request.walletClass, {
        idNumber: hasIdNumber,
        linkedAccount: linked.rows[0]?.deposit_account_id === customerAccount(customerId),
        verifiedInPerson: verifiedBy !== null,
      });
      if (missing) throw new ApiError(422, 'KYC_INSUFFICIENT', `class ${request.walletClass} needs ${missing}`);
      await this.recordChange(client, request.changeId, walletId, wallet.wallet_class, request.walletClass, 'upgrade', verifiedBy);
    });
    this.relay.kick();
    return this.change(request.changeId);
  }

  /**
   * Sends every open wallet of class 1..3 whose holder's identity document expired before `asOf`
   * (today, UTC, by default) back to class 4. Returns the changes it made.
   */
  async downgradeExpired(asOf?: string): Promise<WalletClassChangeViewV1[]> {
    const day = asOf ?? isoDay(new Date());
    const candidates = await this.pool.query<{ wallet_id: string; customer_id: string; wallet_class: number; expires_on_sealed: Buffer }>(
      `select w.id as wallet_id, w.customer_id, w.wallet_class, d.expires_on_sealed
       from wallets w join customer_documents d on d.customer_id = w.customer_id
       where w.status = 'open' and w.wallet_class < $1
         and not exists (select 1 from wallet_class_changes c where c.wallet_id = w.id and c.status = 'pending')
       order by w.id limit $2`,
      [classAfterExpiry, downgradeSweepRowsMax],
    );
    const made: string[] = [];
    for (const candidate of candidates.rows) {
      const expiresOn = this.kyc.open(candidate.expires_on_sealed, `${candidate.customer_id}:documentExpiresOn`);
      if (expiresOn > day) continue;
      const changeId = `expired-${candidate.wallet_id}-${day}`;
      await withTransaction(this.pool, async (client) => {
        const wallet = await this.walletRow(client, candidate.wallet_id);
        if (wallet.wallet_class >= classAfterExpiry || (await this.repeated(client, changeId, candidate.wallet_id, classAfterExpiry))) return;
        const pending = await client.query('select 1 from wallet_class_changes where wallet_id = $1 and status = $2', [candidate.wallet_id, 'pending']);
        if (pending.rows.length > 0) return;
        await this.recordChange(client, changeId, candidate.wallet_id, wallet.wallet_class, classAfterExpiry, 'document-expired', null);
        made.push(changeId);
      });
    }
    if (made.length > 0) {
      this.relay.kick();
      this.logger.info({ count: made.length, asOf: day }, 'downgrading wallets whose identity document expired');
    }
    return Promise.all(made.map((changeId) => this.change(changeId)));
  }

  /** The ledger's answers to class changes: each moves its change once, and the wallet's class on acceptance. */
  async applyResults(message: CommandResultsV1): Promise<void> {
    const results = message.results.filter((r) => r.commandType === changeWalletClassV1.type);
    if (results.length === 0) return;
    await withTransaction(this.pool, async (client) => {
      for (const result of results) {
        const updated = await client.query<{ wallet_id: string; to_class: number }>(
          `update wallet_class_changes set status = $2, code = $3, decided_at = now() where command_id = $1 and status = 'pending' returning wallet_id, to_class`,
          [result.commandId, result.status, result.status === 'rejected' ? (result.code ?? 'REJECTED') : null],
        );
        const change = updated.rows[0];
        if (change && result.status === 'accepted') await client.query('update wallets set wallet_class = $2 where id = $1', [change.wallet_id, change.to_class]);
      }
    });
  }

  async change(changeId: string, walletId?: string): Promise<WalletClassChangeViewV1> {
    const result = await this.pool.query<ChangeRow>('select * from wallet_class_changes where change_id = $1', [changeId]);
    const row = result.rows[0];
    if (!row || (walletId !== undefined && row.wallet_id !== walletId)) throw new ApiError(404, 'UNKNOWN_CLASS_CHANGE', `class change ${changeId} does not exist`);
    return {
      changeId: row.change_id,
      walletId: row.wallet_id,
      fromClass: row.from_class,
      toClass: row.to_class,
      reason: row.reason,
      status: row.status,
      code: row.code,
      verifiedBy: row.verified_by,
    };
  }

  private async recordChange(client: PoolClient, changeId: string, walletId: string, fromClass: number, toClass: number, reason: ChangeReason, verifiedBy: string | null): Promise<void> {
    const commandId = this.commandId(changeId);
    try {
      await client.query(
        `insert into wallet_class_changes (change_id, wallet_id, from_class, to_class, reason, verified_by, command_id, status)
         values ($1, $2, $3, $4, $5, $6, $7, 'pending')`,
        [changeId, walletId, fromClass, toClass, reason, verifiedBy, commandId],
      );
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new ApiError(409, 'CLASS_CHANGE_PENDING', `wallet ${walletId} already has a class change waiting for the ledger`);
      throw error;
    }
    const message = changeWalletClassMessage({ commandId, operatorId: this.operatorId, walletId, walletClass: toClass }, this.operatorKey.privateKey);
    await writeOutbox(client, [{ topic: this.ledgerTopic, key: message.key, payload: message.value }]);
  }

  private async repeated(client: PoolClient, changeId: string, walletId: string, toClass: number): Promise<boolean> {
    const first = await client.query<{ wallet_id: string; to_class: number }>('select wallet_id, to_class from wallet_class_changes where change_id = $1', [changeId]);
    const row = first.rows[0];
    if (!row) return false;
    if (row.wallet_id !== walletId || row.to_class !== toClass) throw new ApiError(409, 'IDEMPOTENCY_CONFLICT', `class change ${changeId} was already made for another wallet or class`);
    return true;
  }

  private async walletRow(client: PoolClient, walletId: string): Promise<WalletRow> {
    const result = await client.query<WalletRow>(
      `select w.customer_id, w.wallet_class, w.status, c.id_number_sealed from wallets w join customers c on c.id = w.customer_id where w.id = $1 for no key update of w`,
      [walletId],
    );
    const row = result.rows[0];
    if (!row) throw new ApiError(404, 'UNKNOWN_WALLET', `wallet ${walletId} does not exist at this bank`);
    return row;
  }
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
