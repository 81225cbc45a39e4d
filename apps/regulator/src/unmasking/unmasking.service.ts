/**
 * Controllable anonymity's last step (ARCHITECTURE.md §7): a request to unmask one wallet, with a
 * case id and a legal basis; approvals by k DISTINCT officials, each submitting its own key share
 * (opened locally from the share sealed to it); then, on the requester's call, the escrow key is
 * rebuilt in memory, the wallet's escrow opened, the identity answered to the requester only, and
 * the key and shares wiped.
 *
 * Invariants: with fewer than k approvals nothing is combined or decrypted; a share is accepted
 * only if its SHA-256 is the one recorded for that official at the ceremony; shares are never
 * written anywhere (memory only, forgotten after UNMASKING_SHARES_TTL_MS or at the opening); a
 * request opens once; every request, approval, refusal and opening is an audit record, and the
 * opening's record digest is sent to the central ledger as a signed `ledger.audit-record` command
 * through the outbox (published after commit), so it becomes an entry of the sealed chain.
 */
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import {
  auditRecordMessage,
  escrowedIdentityV1,
  MessageRegistry,
  unmaskingApprovalV1,
  unmaskingRequestCreateV1,
  type EscrowedIdentityV1,
  type MessageDefinition,
} from '@cbdc/contracts';
import { bytesEqual, combineShares, fromHex, openWithPrivateKey, toHex, x25519PublicKeyFromPrivateKey } from '@cbdc/crypto';
import { LOGGER, PG_POOL, withTransaction, type Logger } from '@cbdc/platform';
import { ApiError, parseInput } from '../http/api-error';
import type { RegulatorKeys } from '../keys/regulator-keys';
import { OfficialsRegistry } from '../officials/officials.registry';
import { REGULATOR_KEYS, REGULATOR_SETTINGS } from '../regulator.tokens';
import type { RegulatorSettings } from '../regulator.settings';
import { RegulatorOutboxRelay } from './regulator-outbox.relay';

const identityRegistry = new MessageRegistry([escrowedIdentityV1 as unknown as MessageDefinition<unknown>]);

interface RequestRow {
  request_id: string;
  case_id: string;
  legal_basis: string;
  wallet_id: string;
  requested_by: string;
  status: 'open' | 'opened';
  requested_at: Date;
  opened_at: Date | null;
}

export interface UnmaskingView {
  requestId: string;
  caseId: string;
  legalBasis: string;
  walletId: string;
  requestedBy: string;
  status: 'open' | 'opened';
  threshold: number;
  approvedBy: string[];
  requestedAt: string;
  openedAt: string | null;
}

/** The canonical JSON of an audit record (keys sorted), whose SHA-256 is its digest. */
export function auditRecordDigest(record: Record<string, unknown>): Buffer {
  const sorted = Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest();
}

@Injectable()
export class UnmaskingService {
  /** Submitted shares, per request and official: memory only, never at rest. */
  private readonly shares = new Map<string, { readonly at: number; readonly byOfficial: Map<string, Uint8Array> }>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REGULATOR_KEYS) private readonly keys: RegulatorKeys | null,
    @Inject(REGULATOR_SETTINGS) private readonly settings: RegulatorSettings,
    @Inject(OfficialsRegistry) private readonly officials: OfficialsRegistry,
    @Inject(RegulatorOutboxRelay) private readonly relay: RegulatorOutboxRelay,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(officialId: string, body: unknown): Promise<UnmaskingView> {
    const keys = this.requireKeys();
    const input = parseInput(unmaskingRequestCreateV1, body);
    const escrow = await this.pool.query('select 1 from report_escrows where wallet_id = $1', [input.walletId]);
    if (escrow.rows.length === 0) throw new ApiError(404, 'ESCROW_NOT_FOUND', 'no report carried an escrow for this wallet');
    await withTransaction(this.pool, async (client) => {
      const inserted = await client.query(
        `insert into unmasking_requests (request_id, case_id, legal_basis, wallet_id, requested_by) values ($1, $2, $3, $4, $5)
         on conflict (request_id) do nothing`,
        [input.requestId, input.caseId, input.legalBasis, input.walletId, officialId],
      );
      if (inserted.rowCount === 1) {
        await audit(client, input.requestId, 'requested', officialId, { ...input, requestedBy: officialId, threshold: keys.material.threshold });
        return;
      }
      const existing = await client.query<RequestRow>('select * from unmasking_requests where request_id = $1', [input.requestId]);
      const row = existing.rows[0]!;
      if (row.case_id !== input.caseId || row.legal_basis !== input.legalBasis || row.wallet_id !== input.walletId || row.requested_by !== officialId) {
        throw new ApiError(409, 'REQUEST_ID_REUSED', 'this request id was used for another request');
      }
    });
    return this.view(input.requestId);
  }

  async approve(officialId: string, requestId: string, body: unknown): Promise<UnmaskingView> {
    this.requireKeys();
    const input = parseInput(unmaskingApprovalV1, body);
    const share = fromHex(input.share);
    const request = await this.request(requestId);
    if (request.status !== 'open') throw new ApiError(409, 'ALREADY_OPENED', 'this request was opened already');
    if (!this.officials.isShareOf(officialId, createHash('sha256').update(share).digest())) {
      await withTransaction(this.pool, (client) => audit(client, requestId, 'refused', officialId, { requestId, reason: 'share does not match the ceremony' }));
      throw new ApiError(422, 'SHARE_NOT_OF_OFFICIAL', 'the share is not the one this official received at the key ceremony');
    }
    await withTransaction(this.pool, async (client) => {
      const inserted = await client.query('insert into unmasking_approvals (request_id, official_id) values ($1, $2) on conflict do nothing', [requestId, officialId]);
      if (inserted.rowCount === 1) await audit(client, requestId, 'approved', officialId, { requestId, walletId: request.wallet_id, approvedBy: officialId });
    });
    this.forgetExpired();
    let pending = this.shares.get(requestId);
    if (!pending) this.shares.set(requestId, (pending = { at: Date.now(), byOfficial: new Map() }));
    pending.byOfficial.get(officialId)?.fill(0);
    pending.byOfficial.set(officialId, share);
    return this.view(requestId);
  }

  /** Opens the escrow for the requester, once, with k approvals whose shares are in memory. */
  async open(officialId: string, requestId: string): Promise<{ request: UnmaskingView; identity: EscrowedIdentityV1; auditDigest: string; anchorCommandId: string }> {
    const keys = this.requireKeys();
    const request = await this.request(requestId);
    if (request.requested_by !== officialId) throw new ApiError(403, 'NOT_REQUESTER', 'only the official who made the request may open it');
    if (request.status !== 'open') throw new ApiError(409, 'ALREADY_OPENED', 'this request was opened already');
    const approved = await this.pool.query<{ official_id: string }>('select official_id from unmasking_approvals where request_id = $1 order by approved_at', [requestId]);
    const threshold = keys.material.threshold;
    this.forgetExpired();
    const byOfficial = this.shares.get(requestId)?.byOfficial ?? new Map<string, Uint8Array>();
    const usable = approved.rows.map((row) => byOfficial.get(row.official_id)).filter((share): share is Uint8Array => share !== undefined);
    if (approved.rows.length < threshold || usable.length < threshold) {
      await withTransaction(this.pool, (client) =>
        audit(client, requestId, 'refused', officialId, { requestId, reason: 'threshold not met', approvals: approved.rows.length, threshold }),
      );
      throw new ApiError(409, 'THRESHOLD_NOT_MET', `${approved.rows.length} of ${threshold} approvals (with shares held: ${usable.length}); nothing was decrypted`, {
        approvals: approved.rows.length,
        threshold,
      });
    }
    const escrowRow = await this.pool.query<{ escrow: Buffer }>('select escrow from report_escrows where wallet_id = $1', [request.wallet_id]);
    let escrowKey: Uint8Array | null = null;
    let identity: EscrowedIdentityV1;
    try {
      escrowKey = await combineShares(usable.slice(0, threshold));
      if (!bytesEqual(x25519PublicKeyFromPrivateKey(escrowKey), keys.escrowPublicKey)) throw new ApiError(409, 'SHARES_INVALID', 'the shares do not rebuild the escrow key');
      const plain = openWithPrivateKey(new Uint8Array(escrowRow.rows[0]!.escrow), escrowKey, new TextEncoder().encode(request.wallet_id));
      identity = identityRegistry.decode(Buffer.from(plain)).body as EscrowedIdentityV1;
    } finally {
      // The key and the shares exist only for this call.
      escrowKey?.fill(0);
      for (const share of byOfficial.values()) share.fill(0);
      this.shares.delete(requestId);
    }
    const openedAt = new Date();
    const anchorCommandId = `audit-unmasking-${requestId}`;
    const record = {
      action: 'opened',
      requestId,
      caseId: request.case_id,
      legalBasis: request.legal_basis,
      walletId: request.wallet_id,
      requestedBy: request.requested_by,
      approvedBy: approved.rows.map((row) => row.official_id),
      requestedAt: request.requested_at.toISOString(),
      openedAt: openedAt.toISOString(),
    };
    const digest = auditRecordDigest(record);
    await withTransaction(this.pool, async (client) => {
      const updated = await client.query(`update unmasking_requests set status = 'opened', opened_at = $2 where request_id = $1 and status = 'open'`, [requestId, openedAt]);
      if (updated.rowCount !== 1) throw new ApiError(409, 'ALREADY_OPENED', 'this request was opened already');
      await client.query(
        `insert into audit_records (request_id, action, official_id, record, digest, anchor_command_id) values ($1, 'opened', $2, $3, $4, $5)`,
        [requestId, officialId, JSON.stringify(record), digest, anchorCommandId],
      );
      const message = auditRecordMessage({ commandId: anchorCommandId, recordId: requestId, digest: toHex(digest) }, keys.signingPrivateKey);
      await client.query('insert into outbox (topic, key, payload) values ($1, $2, $3)', [this.settings.LEDGER_COMMANDS_TOPIC, message.key, message.value]);
    });
    this.relay.kick();
    this.logger.info({ requestId, walletId: request.wallet_id, approvedBy: record.approvedBy }, 'escrow opened for the requester; audit record sent to the ledger');
    return { request: await this.view(requestId), identity: identity!, auditDigest: digest.toString('hex'), anchorCommandId };
  }

  async view(requestId: string): Promise<UnmaskingView> {
    const row = await this.request(requestId);
    const approvals = await this.pool.query<{ official_id: string }>('select official_id from unmasking_approvals where request_id = $1 order by approved_at', [requestId]);
    return {
      requestId: row.request_id,
      caseId: row.case_id,
      legalBasis: row.legal_basis,
      walletId: row.wallet_id,
      requestedBy: row.requested_by,
      status: row.status,
      threshold: this.keys?.material.threshold ?? 0,
      approvedBy: approvals.rows.map((r) => r.official_id),
      requestedAt: row.requested_at.toISOString(),
      openedAt: row.opened_at?.toISOString() ?? null,
    };
  }

  async auditTrail(requestId: string): Promise<{ id: string; action: string; officialId: string; record: unknown; digest: string; anchorCommandId: string | null; anchoredSequence: string | null; createdAt: string }[]> {
    await this.request(requestId);
    const rows = await this.pool.query<{ id: string; action: string; official_id: string; record: unknown; digest: Buffer; anchor_command_id: string | null; anchored_sequence: string | null; created_at: Date }>(
      'select * from audit_records where request_id = $1 order by id',
      [requestId],
    );
    return rows.rows.map((r) => ({
      id: r.id,
      action: r.action,
      officialId: r.official_id,
      record: r.record,
      digest: r.digest.toString('hex'),
      anchorCommandId: r.anchor_command_id,
      anchoredSequence: r.anchored_sequence,
      createdAt: r.created_at.toISOString(),
    }));
  }

  private async request(requestId: string): Promise<RequestRow> {
    const result = await this.pool.query<RequestRow>('select * from unmasking_requests where request_id = $1', [requestId]);
    const row = result.rows[0];
    if (!row) throw new ApiError(404, 'NOT_FOUND', 'no such unmasking request');
    return row;
  }

  private requireKeys(): RegulatorKeys {
    if (!this.keys) throw new ApiError(409, 'REGULATOR_NOT_CONFIGURED', 'the regulator has no key ceremony files');
    return this.keys;
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [requestId, pending] of this.shares) {
      if (now - pending.at <= this.settings.UNMASKING_SHARES_TTL_MS) continue;
      for (const share of pending.byOfficial.values()) share.fill(0);
      this.shares.delete(requestId);
    }
  }
}

async function audit(client: PoolClient, requestId: string, action: string, officialId: string, record: Record<string, unknown>): Promise<void> {
  const full = { action, ...record, at: new Date().toISOString() };
  await client.query('insert into audit_records (request_id, action, official_id, record, digest) values ($1, $2, $3, $4, $5)', [
    requestId,
    action,
    officialId,
    JSON.stringify(full),
    auditRecordDigest(full),
  ]);
}
