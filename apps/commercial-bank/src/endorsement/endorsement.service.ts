/**
 * This operator's endorsement of the central bank's blocks (ARCHITECTURE.md §8).
 *
 * For each proposal: gather what the bank knows (pinned central-bank key, last replica block,
 * its books for the block's range), decide (endorsement-decision.ts), then in ONE transaction
 * store the replica block, our entries and our endorsement (or the refusal), and only after the
 * commit send the answer to the central bank. A redelivered proposal of a block we already
 * endorsed, or refused for good, re-sends the same answer, so a crash between commit and send
 * loses nothing. A block we refused for a reason that may pass (our books behind, the block before
 * it missing: `anchorRefusalCodesTransient`), or hold only from its final announcement without
 * having endorsed it, is checked afresh when the central bank proposes it again
 * (docs/decisions/0018-binary-anchor-proposals.md).
 * For each final block: store the quorum's endorsements (each verified under the key the central
 * bank registered; ours must be ours) so the replica can be audited on its own.
 * Invariants: the replica's blocks chain (each follows the one before); an entry of ours is
 * stored only if it hashes to its leaf; our key signs only blocks that passed every check.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { Producer } from 'kafkajs';
import {
  anchorEndorsementsTopic,
  anchorEndorsementV1,
  anchorRefusalV1,
  encodeMessage,
  isTransientRefusal,
  type AnchorBlockFinalV1,
} from '@cbdc/contracts';
import {
  blockHash,
  blockToWire,
  buildMerkleTree,
  endorseBlockHeader,
  entryFromWire,
  entryToWire,
  headerFromWire,
  verifyBlockSignature,
  verifyEndorsement,
  type BlockHeader,
  type Endorsement,
  type WireBlock,
  type WireEntryProof,
} from '@cbdc/anchor';
import { bytesEqual, fromHex, toHex } from '@cbdc/crypto';
import { KAFKA_PRODUCER, LOGGER, PG_POOL, withSnapshot, withTransaction, type Logger } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS, OPERATOR_KEY } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import type { OperatorKey } from '../keys/operator-key';
import { decideEndorsement, type BankKnowledge, type BookRecord, type EndorsementDecision } from './endorsement-decision';
import type { ProposalReading, ReceivedProposal } from './received-proposal';

/** How long a proposal waits for our books to catch up with the ledger before it is refused. */
export const recordsWaitMsDefault = 10_000;
/** How often the books are looked at again while waiting. */
export const recordsPollMs = 50;
/** Blocks per page of GET /v1/blocks at most. */
export const replicaPageMax = 100;
/** The central bank's port when neither CENTRAL_BANK_URL nor CENTRAL_BANK_PORT is set (the local system's). */
export const centralBankPortDefault = 7100;
/** How long fetching the central bank's key may take. */
export const centralBankFetchTimeoutMs = 5_000;

export type ProposalOutcome = 'endorsed' | 'refused' | 'repeated';

@Injectable()
export class EndorsementService {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(OPERATOR_KEY) private readonly key: OperatorKey,
    @Inject(COMMERCIAL_BANK_SETTINGS)
    private readonly settings: Pick<CommercialBankSettings, 'CENTRAL_BANK_PUBLIC_KEY' | 'ANCHOR_RECORDS_WAIT_MS'> &
      Partial<Pick<CommercialBankSettings, 'CENTRAL_BANK_URL' | 'CENTRAL_BANK_PORT'>>,
  ) {}

  async handleProposal(reading: ProposalReading): Promise<ProposalOutcome> {
    const operatorId = reading.ok ? reading.proposal.operatorId : reading.operatorId;
    if (operatorId !== this.key.operatorId) {
      this.logger.warn({ operatorId }, 'skipping a block proposal addressed to another operator');
      return 'refused';
    }
    if (!reading.ok) {
      if (reading.named === undefined) {
        this.logger.warn({ detail: reading.detail }, 'skipping a block proposal that names no block');
        return 'refused';
      }
      const { header, blockHash: hash } = reading.named;
      if (await this.answerAgain(header.height, hash)) return 'repeated';
      await this.refuse(header.height, hash, 'MALFORMED_PROPOSAL', reading.detail);
      return 'refused';
    }
    const proposal = reading.proposal;
    const { header, blockHash: hash } = proposal;
    if (await this.answerAgain(header.height, hash)) return 'repeated';

    const waitMs = this.settings.ANCHOR_RECORDS_WAIT_MS ?? recordsWaitMsDefault;
    const deadline = Date.now() + waitMs;
    let decision: EndorsementDecision;
    for (;;) {
      decision = decideEndorsement(proposal, await this.knowledge(proposal));
      if (decision.verdict !== 'wait' || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, recordsPollMs));
    }
    if (decision.verdict === 'wait') {
      // Our books may still catch up: a refusal the central bank proposes the block again for.
      decision = { verdict: 'refuse', header, blockHash: hash, code: 'BOOKS_BEHIND', detail: `after ${waitMs} ms: ${decision.detail}` };
    }

    if (decision.verdict === 'refuse') {
      await this.refuse(header.height, hash, decision.code, decision.detail);
      return 'refused';
    }

    const endorsement = endorseBlockHeader(decision.header, this.key.operatorId, this.key.privateKey);
    const accepted = decision;
    await withTransaction(this.pool, async (client) => {
      await this.insertBlock(client, accepted.header, hash, proposal.centralBankSignature, Buffer.concat(accepted.leafHashes));
      await client.query('update anchor_replica_blocks set endorsed_at = now() where height = $1', [header.height.toString()]);
      // Endorsed now: a refusal of this block that may have been a mistake is not answered any more.
      await client.query('delete from anchor_refused_blocks where height = $1 and block_hash = $2', [header.height.toString(), Buffer.from(hash)]);
      // All our entries of the block in one statement, not one round trip each.
      if (accepted.entries.length > 0) {
        await client.query(
          `insert into anchor_replica_entries (sequence, height, leaf_index, command_id, entry)
           select s, $2::bigint, i, c, e from unnest($1::bigint[], $3::int[], $4::text[], $5::jsonb[]) as u(s, i, c, e)
           on conflict do nothing`,
          [
            accepted.entries.map((e) => e.entry.sequence.toString()),
            header.height.toString(),
            accepted.entries.map((e) => e.index),
            accepted.entries.map((e) => e.entry.commandId),
            accepted.entries.map((e) => JSON.stringify(entryToWire(e.entry))),
          ],
        );
      }
      await client.query(
        'insert into anchor_replica_endorsements (height, operator_id, signature, public_key) values ($1, $2, $3, $4) on conflict do nothing',
        [header.height.toString(), this.key.operatorId, Buffer.from(endorsement.signature), Buffer.from(this.key.publicKey)],
      );
    });
    await this.sendEndorsement(header.height, hash, endorsement);
    return 'endorsed';
  }

  /** Records a refusal (the latest reason replaces an earlier one of the same block), logs it and sends it. */
  private async refuse(height: bigint, hash: Uint8Array, code: string, detail: string): Promise<void> {
    await this.pool.query(
      `insert into anchor_refused_blocks (height, block_hash, code, detail) values ($1, $2, $3, $4)
       on conflict (height, block_hash) do update set code = excluded.code, detail = excluded.detail, refused_at = now()`,
      [height.toString(), Buffer.from(hash), code, detail],
    );
    this.logger.warn({ height: height.toString(), code, detail, transient: isTransientRefusal(code) }, 'refusing an anchor block');
    await this.sendRefusal(height, hash, code, detail);
  }

  async handleFinal(final: AnchorBlockFinalV1): Promise<void> {
    const header = headerFromWire(final.header);
    const hash = blockHash(header);
    const centralBankKey = await this.pinnedKey();
    const signature = fromHex(final.centralBankSignature);
    if (centralBankKey === undefined || !verifyBlockSignature(hash, signature, centralBankKey)) {
      this.logger.warn({ height: header.height.toString() }, 'skipping a final block the central bank did not sign');
      return;
    }
    const keys = new Map(final.endorserKeys.map((k) => [k.operatorId, fromHex(k.publicKey)]));
    // Our own key is known first-hand: a final block claiming another key for us is not believed.
    keys.set(this.key.operatorId, this.key.publicKey);
    await withTransaction(this.pool, async (client) => {
      const existing = await client.query<{ block_hash: Buffer }>('select block_hash from anchor_replica_blocks where height = $1 for update', [header.height.toString()]);
      if (existing.rows[0] !== undefined && !bytesEqual(new Uint8Array(existing.rows[0].block_hash), hash)) {
        this.logger.error({ height: header.height.toString() }, 'a final block differs from the block in our replica at its height');
        return;
      }
      if (existing.rows[0] === undefined) await this.insertBlock(client, header, hash, signature, null);
      for (const e of final.endorsements) {
        const endorsement: Endorsement = { operatorId: e.operatorId, signature: fromHex(e.signature) };
        const key = keys.get(e.operatorId);
        if (key === undefined || !verifyEndorsement(hash, endorsement, key)) {
          this.logger.warn({ height: header.height.toString(), operatorId: e.operatorId }, 'skipping an endorsement of a final block that does not verify');
          continue;
        }
        await client.query(
          'insert into anchor_replica_endorsements (height, operator_id, signature, public_key) values ($1, $2, $3, $4) on conflict do nothing',
          [header.height.toString(), e.operatorId, Buffer.from(endorsement.signature), Buffer.from(key)],
        );
      }
      await client.query('update anchor_replica_blocks set final_at = coalesce(final_at, now()), quorum = $2 where height = $1', [header.height.toString(), final.quorum]);
    });
  }

  /** The replica's blocks from a height, with the endorsements it holds. */
  async blocks(from: bigint, limit: number): Promise<(WireBlock & { final: boolean })[]> {
    const rows = await this.pool.query<ReplicaBlockRow>(`select ${replicaColumns} from anchor_replica_blocks where height >= $1 order by anchor_replica_blocks.height limit $2`, [
      from.toString(),
      Math.min(limit, replicaPageMax),
    ]);
    return Promise.all(rows.rows.map((row) => this.wireBlock(row)));
  }

  /** The inclusion proof of a payment concerning this bank, from the replica; undefined when not sealed here. */
  async paymentProof(paymentId: string): Promise<(WireEntryProof & { final: boolean; endorserKeys: { operatorId: string; publicKey: string }[] }) | undefined> {
    const found = await this.pool.query<{ height: string; leaf_index: number; entry: unknown }>(
      'select height::text as height, leaf_index, entry from anchor_replica_entries where command_id = $1',
      [paymentId],
    );
    const row = found.rows[0];
    if (row === undefined) return undefined;
    const blockRow = await this.pool.query<ReplicaBlockRow>(`select ${replicaColumns} from anchor_replica_blocks where height = $1`, [row.height]);
    const block = blockRow.rows[0];
    if (block === undefined || block.leaf_hashes === null) return undefined;
    const leaves: Uint8Array[] = [];
    for (let offset = 0; offset < block.leaf_hashes.length; offset += 32) leaves.push(new Uint8Array(block.leaf_hashes.subarray(offset, offset + 32)));
    const proof = buildMerkleTree(leaves).proof(row.leaf_index).map(toHex);
    const wire = await this.wireBlock(block);
    const keys = await this.pool.query<{ operator_id: string; public_key: Buffer }>(
      'select operator_id, public_key from anchor_replica_endorsements where height = $1 order by operator_id',
      [row.height],
    );
    const endorserKeys = keys.rows.map((k) => ({ operatorId: k.operator_id, publicKey: k.public_key.toString('hex') }));
    return { entry: entryToWire(entryFromWire(row.entry)), index: row.leaf_index, proof, block: wire, final: wire.final, endorserKeys };
  }

  private async wireBlock(row: ReplicaBlockRow): Promise<WireBlock & { final: boolean }> {
    const endorsements = await this.pool.query<{ operator_id: string; signature: Buffer }>(
      'select operator_id, signature from anchor_replica_endorsements where height = $1 order by operator_id',
      [row.height],
    );
    const wire = blockToWire({
      header: headerOfRow(row),
      centralBankSignature: new Uint8Array(row.central_bank_signature),
      endorsements: endorsements.rows.map((e) => ({ operatorId: e.operator_id, signature: new Uint8Array(e.signature) })),
      ...(row.quorum === null ? {} : { quorum: row.quorum }),
    });
    return { ...wire, final: row.final_at !== null };
  }

  /**
   * A proposal of a block we already answered: the same answer again (redelivery), true when
   * handled. Not handled, so checked afresh: a block we never saw, one we refused for a reason that
   * may have passed, and one we hold only from its final announcement without our endorsement.
   * Another block at a height where we hold one is refused for good: the chain cannot fork.
   */
  private async answerAgain(height: bigint, hash: Uint8Array): Promise<boolean> {
    const found = await this.pool.query<{ block_hash: Buffer | null; endorsement: Buffer | null; refused_code: string | null; refused_detail: string | null }>(
      `select b.block_hash, e.signature as endorsement, r.code as refused_code, r.detail as refused_detail
       from (select $1::bigint as height) h
       left join anchor_replica_blocks b on b.height = h.height
       left join anchor_replica_endorsements e on e.height = h.height and e.operator_id = $3
       left join anchor_refused_blocks r on r.height = h.height and r.block_hash = $2`,
      [height.toString(), Buffer.from(hash), this.key.operatorId],
    );
    const row = found.rows[0]!;
    if (row.block_hash !== null && !bytesEqual(new Uint8Array(row.block_hash), hash)) {
      await this.refuse(height, hash, 'BROKEN_LINK', `we hold another block at height ${height} (${toHex(new Uint8Array(row.block_hash)).slice(0, 16)}...)`);
      return true;
    }
    if (row.block_hash !== null && row.endorsement !== null) {
      await this.sendEndorsement(height, hash, { operatorId: this.key.operatorId, signature: new Uint8Array(row.endorsement) });
      return true;
    }
    if (row.refused_code !== null && !isTransientRefusal(row.refused_code)) {
      await this.sendRefusal(height, hash, row.refused_code, row.refused_detail ?? '');
      return true;
    }
    return false;
  }

  /**
   * What this bank's books say about a proposal's entries, read in ONE repeatable-read snapshot:
   * the inbox mark of a ledger batch's credits and the history lines they wrote commit together,
   * so read apart (they were four concurrent queries) a commit landing between them showed the
   * batch applied but its entry missing, and the bank refused a good block for good
   * (ENTRY_NOT_IN_BOOKS, then BROKEN_LINK for every block after it). Seen under load.
   */
  private async knowledge(proposal: ReceivedProposal): Promise<BankKnowledge> {
    const centralBankPublicKey = await this.pinnedKey();
    if (centralBankPublicKey === undefined) throw new Error('the central bank key is not known yet (CENTRAL_BANK_PUBLIC_KEY, or the central bank unreachable)');
    return withSnapshot(this.pool, (client) => this.knowledgeIn(client, proposal, centralBankPublicKey));
  }

  private async knowledgeIn(db: PoolClient, proposal: ReceivedProposal, centralBankPublicKey: Uint8Array): Promise<BankKnowledge> {
    const { header } = proposal;
    const previousRow = await db.query<{ height: string; block_hash: Buffer; last_sequence: string }>(
      'select height::text as height, block_hash, last_sequence::text as last_sequence from anchor_replica_blocks where height < $1 order by anchor_replica_blocks.height desc limit 1',
      [header.height.toString()],
    );
    const previous = previousRow.rows[0];
    // Only asked when the replica holds nothing below: was the first block we would hold one we refused?
    const refusedBelow =
      previous === undefined && header.height > 0n
        ? ((await db.query('select 1 from anchor_refused_blocks where height < $1 limit 1', [header.height.toString()])).rowCount ?? 0) > 0
        : false;
    const walletIds = new Set<string>();
    const commandIds: string[] = [];
    const batchIds = new Set<string>();
    for (const { entry } of proposal.entries) {
      for (const account of [entry.debit, entry.credit]) if (account.startsWith('wallet:')) walletIds.add(account.slice('wallet:'.length));
      commandIds.push(entry.commandId);
      if (entry.batchId !== undefined) batchIds.add(entry.batchId.toString());
    }
    // One connection runs one statement at a time: in sequence, in the snapshot.
    const wallets = await db.query<{ id: string }>('select id from wallets where id = any($1)', [[...walletIds]]);
    const history = await db.query<{ wallet_id: string; kind: string; amount: string; sequence: string }>(
      'select wallet_id, kind, amount::text as amount, sequence::text as sequence from wallet_history where sequence between $1 and $2',
      [header.firstSequence.toString(), header.lastSequence.toString()],
    );
    const requests = await db.query<{ command_id: string; status: 'pending' | 'accepted' | 'rejected'; sequence: string | null }>(
      'select command_id, status, sequence::text as sequence from ledger_requests where command_id = any($1)',
      [commandIds],
    );
    const inbox = await db.query<{ message_id: string }>('select message_id from inbox where message_id = any($1)', [[...batchIds].map((id) => `ledger.credits:${id}`)]);
    const records: BookRecord[] = history.rows.map((row) => ({
      sequence: BigInt(row.sequence),
      walletId: row.wallet_id,
      side: row.kind === 'load' || row.kind === 'payment-in' ? 'credit' : 'debit',
      amount: BigInt(row.amount),
    }));
    return {
      centralBankPublicKey,
      previous: previous === undefined ? undefined : { height: BigInt(previous.height), hash: new Uint8Array(previous.block_hash), lastSequence: BigInt(previous.last_sequence) },
      refusedBelow,
      ourWallets: new Set(wallets.rows.map((row) => row.id)),
      records,
      requests: new Map(requests.rows.map((row) => [row.command_id, { status: row.status, sequence: row.sequence === null ? null : BigInt(row.sequence) }])),
      creditBatchesApplied: new Set(inbox.rows.map((row) => BigInt(row.message_id.slice('ledger.credits:'.length)))),
    };
  }

  /**
   * The central bank's key this bank trusts, pinned in anchor_trust: from the setting, or else
   * fetched once from the central bank over HTTP (never taken from a proposal, which could be
   * anyone's). Undefined while the central bank cannot be reached; the caller retries.
   */
  private async pinnedKey(): Promise<Uint8Array | undefined> {
    const read = async (): Promise<Uint8Array | undefined> => {
      const pinned = await this.pool.query<{ central_bank_public_key: Buffer }>('select central_bank_public_key from anchor_trust where id = 1');
      const row = pinned.rows[0];
      return row === undefined ? undefined : new Uint8Array(row.central_bank_public_key);
    };
    const known = await read();
    if (known !== undefined) return known;
    const configured = this.settings.CENTRAL_BANK_PUBLIC_KEY ?? (await this.fetchCentralBankKey());
    if (configured === undefined) return undefined;
    await this.pool.query('insert into anchor_trust (id, central_bank_public_key) values (1, $1) on conflict (id) do nothing', [Buffer.from(fromHex(configured))]);
    return read();
  }

  private async fetchCentralBankKey(): Promise<string | undefined> {
    const url = this.settings.CENTRAL_BANK_URL ?? `http://127.0.0.1:${this.settings.CENTRAL_BANK_PORT ?? centralBankPortDefault}`;
    try {
      const response = await fetch(`${url.replace(/\/+$/, '')}/v1/central-bank`, { signal: AbortSignal.timeout(centralBankFetchTimeoutMs) });
      const body = (await response.json()) as { publicKey?: unknown };
      if (response.ok && typeof body.publicKey === 'string' && /^[0-9a-f]{64}$/.test(body.publicKey)) return body.publicKey;
      this.logger.warn({ url, status: response.status }, 'the central bank did not give its public key');
    } catch (error) {
      this.logger.warn({ url, err: error }, 'cannot reach the central bank for its public key');
    }
    return undefined;
  }

  private async insertBlock(client: PoolClient, header: BlockHeader, hash: Uint8Array, signature: Uint8Array, leafHashes: Buffer | null): Promise<void> {
    // A block first held from its final announcement gets its leaf hashes when we endorse it later.
    await client.query(
      `insert into anchor_replica_blocks (height, previous_hash, merkle_root, first_sequence, last_sequence, entry_count, sealed_at_ms, block_hash, central_bank_signature, leaf_hashes)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (height) do update set leaf_hashes = excluded.leaf_hashes
       where anchor_replica_blocks.block_hash = excluded.block_hash and anchor_replica_blocks.leaf_hashes is null and excluded.leaf_hashes is not null`,
      [
        header.height.toString(),
        Buffer.from(header.previousHash),
        Buffer.from(header.merkleRoot),
        header.firstSequence.toString(),
        header.lastSequence.toString(),
        header.entryCount,
        header.sealedAt.toString(),
        Buffer.from(hash),
        Buffer.from(signature),
        leafHashes,
      ],
    );
  }

  private async sendEndorsement(height: bigint, hash: Uint8Array, endorsement: Endorsement): Promise<void> {
    const value = encodeMessage(anchorEndorsementV1, { operatorId: this.key.operatorId, height: height.toString(), blockHash: toHex(hash), signature: toHex(endorsement.signature) });
    await this.producer.send({ topic: anchorEndorsementsTopic, acks: -1, messages: [{ key: this.key.operatorId, value }] });
  }

  private async sendRefusal(height: bigint, hash: Uint8Array, code: string, detail: string): Promise<void> {
    const value = encodeMessage(anchorRefusalV1, { operatorId: this.key.operatorId, height: height.toString(), blockHash: toHex(hash), code, detail: detail.slice(0, 500) });
    await this.producer.send({ topic: anchorEndorsementsTopic, acks: -1, messages: [{ key: this.key.operatorId, value }] });
  }
}

interface ReplicaBlockRow {
  height: string;
  previous_hash: Buffer;
  merkle_root: Buffer;
  first_sequence: string;
  last_sequence: string;
  entry_count: number;
  sealed_at_ms: string;
  block_hash: Buffer;
  central_bank_signature: Buffer;
  leaf_hashes: Buffer | null;
  final_at: Date | null;
  quorum: number | null;
}

const replicaColumns = `height::text as height, previous_hash, merkle_root, first_sequence::text as first_sequence, last_sequence::text as last_sequence,
  entry_count, sealed_at_ms::text as sealed_at_ms, block_hash, central_bank_signature, leaf_hashes, final_at, quorum`;

function headerOfRow(row: ReplicaBlockRow): BlockHeader {
  return {
    height: BigInt(row.height),
    previousHash: new Uint8Array(row.previous_hash),
    merkleRoot: new Uint8Array(row.merkle_root),
    firstSequence: BigInt(row.first_sequence),
    lastSequence: BigInt(row.last_sequence),
    entryCount: row.entry_count,
    sealedAt: Number(row.sealed_at_ms),
  };
}
