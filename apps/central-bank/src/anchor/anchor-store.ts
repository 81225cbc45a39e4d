/**
 * The anchor log's SQL at the central bank (migrations/0004-anchor.sql): blocks, the entries in a
 * block's range, endorsements and refusals. Hand-written, off the ledger's hot path.
 * A block's entries are the accepted ledger commands whose sequence lies in its range (the ranges
 * tile the sequence space), read in sequence order; an entry's leaf index is its rank there.
 */
import type { Pool, PoolClient } from 'pg';
import {
  anchorEntryFromLedgerRow,
  batchCommittedAtMsSql,
  ledgerCommandSqlColumns,
  ledgerEntryFromSqlRow,
  type AnchorEntry,
  type BlockHeader,
  type Endorsement,
  type LedgerEntrySqlRow,
} from '@cbdc/anchor';

type Queryable = Pool | PoolClient;

/** The default block size cap (ANCHOR_BLOCK_ENTRIES_MAX). */
export const anchorBlockEntriesDefault = 400;

export interface StoredBlock {
  header: BlockHeader;
  blockHash: Uint8Array;
  centralBankSignature: Uint8Array;
  proposedAt: Date | null;
  finalAt: Date | null;
  quorum: number;
}

/** An entry with the operators it concerns (its accounts' operators and the submitting operator). */
export interface SealableEntry {
  entry: AnchorEntry;
  operators: ReadonlySet<string>;
}

interface BlockRow {
  height: string;
  previous_hash: Buffer;
  merkle_root: Buffer;
  first_sequence: string;
  last_sequence: string;
  entry_count: number;
  sealed_at_ms: string;
  block_hash: Buffer;
  central_bank_signature: Buffer;
  proposed_at: Date | null;
  final_at: Date | null;
  quorum: number;
}

const blockColumns = `height::text as height, previous_hash, merkle_root, first_sequence::text as first_sequence, last_sequence::text as last_sequence,
  entry_count, sealed_at_ms::text as sealed_at_ms, block_hash, central_bank_signature, proposed_at, final_at, quorum`;

function blockFromRow(row: BlockRow): StoredBlock {
  return {
    header: {
      height: BigInt(row.height),
      previousHash: new Uint8Array(row.previous_hash),
      merkleRoot: new Uint8Array(row.merkle_root),
      firstSequence: BigInt(row.first_sequence),
      lastSequence: BigInt(row.last_sequence),
      entryCount: row.entry_count,
      sealedAt: Number(row.sealed_at_ms),
    },
    blockHash: new Uint8Array(row.block_hash),
    centralBankSignature: new Uint8Array(row.central_bank_signature),
    proposedAt: row.proposed_at,
    finalAt: row.final_at,
    quorum: row.quorum,
  };
}

export async function lastBlock(db: Queryable): Promise<StoredBlock | undefined> {
  const result = await db.query<BlockRow>(`select ${blockColumns} from anchor_blocks order by anchor_blocks.height desc limit 1`);
  return result.rows[0] === undefined ? undefined : blockFromRow(result.rows[0]);
}

export async function blockAt(db: Queryable, height: bigint): Promise<StoredBlock | undefined> {
  const result = await db.query<BlockRow>(`select ${blockColumns} from anchor_blocks where height = $1`, [height.toString()]);
  return result.rows[0] === undefined ? undefined : blockFromRow(result.rows[0]);
}

export async function blocksFrom(db: Queryable, from: bigint, limit: number): Promise<StoredBlock[]> {
  const result = await db.query<BlockRow>(`select ${blockColumns} from anchor_blocks where height >= $1 order by anchor_blocks.height limit $2`, [from.toString(), limit]);
  return result.rows.map(blockFromRow);
}

/** The block whose range holds this sequence. */
export async function blockHolding(db: Queryable, sequence: bigint): Promise<StoredBlock | undefined> {
  const result = await db.query<BlockRow>(`select ${blockColumns} from anchor_blocks where first_sequence <= $1 and last_sequence >= $1`, [sequence.toString()]);
  return result.rows[0] === undefined ? undefined : blockFromRow(result.rows[0]);
}

/**
 * In one query: the blocks still to propose (proposed_at null) and the final blocks not yet
 * announced, in height order, at most `limit` of each.
 */
export async function heightsToSend(db: Queryable, limit: number): Promise<{ propose: bigint[]; announce: bigint[] }> {
  const result = await db.query<{ height: string; propose: boolean }>(
    `(select height::text as height, true as propose from anchor_blocks where proposed_at is null order by anchor_blocks.height limit $1)
     union all
     (select height::text as height, false as propose from anchor_blocks where final_at is not null and final_published_at is null order by anchor_blocks.height limit $1)`,
    [limit],
  );
  const propose: bigint[] = [];
  const announce: bigint[] = [];
  for (const row of result.rows) (row.propose ? propose : announce).push(BigInt(row.height));
  propose.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  announce.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { propose, announce };
}

const commandsBetweenSql = `select ${ledgerCommandSqlColumns}
  from ledger_commands c
  where c.sequence > $1 and c.sequence <= $2
  order by c.sequence
  limit $3`;

/** What the command rows leave out: the commit time of each batch, the operator of each wallet. */
const lookupsSql = `select 'batch' as kind, b.id::text as key, ${batchCommittedAtMsSql} as value from ledger_batches b where b.id = any($1::bigint[])
  union all
  select 'wallet' as kind, w.id as key, w.operator_id as value from wallets w where w.id = any($2::text[])`;

/** Wallet operators remembered at most; the map starts again when it would grow past this. */
export const walletOperatorsCachedMax = 200_000;
/** Batch commit times remembered at most (a block spans a few batches); likewise. */
export const batchTimesCachedMax = 4_096;

const walletPrefix = 'wallet:';

type CommandRow = Omit<LedgerEntrySqlRow, 'committed_at_ms'>;

/**
 * Reads the accepted entries of a range with the operators each concerns
 * (docs/decisions/0021-sealer-reads-commands-alone.md). The rows come from `ledger_commands`
 * alone, by its sequence index; a batch's commit time and a wallet's operator are looked up once
 * and remembered, where joining them cost two wallet probes and a batch probe per row (most of
 * the query's time). Both are fixed once written: a batch's commit time is set when it commits,
 * and a wallet keeps the operator it was opened at (nothing updates `wallets.operator_id`).
 * The bytes hashed are those of `ledgerEntrySqlColumns`: the same columns, with the commit time
 * from the same expression.
 */
export class SealableEntryReader {
  private readonly walletOperators = new Map<string, string>();
  private readonly batchTimes = new Map<string, string>();

  constructor(private readonly limits: { walletsMax: number; batchesMax: number } = { walletsMax: walletOperatorsCachedMax, batchesMax: batchTimesCachedMax }) {}

  /** The accepted entries with sequence in (after, through], in sequence order, at most `limit`. */
  async between(db: Queryable, after: bigint, through: bigint, limit: number): Promise<SealableEntry[]> {
    const result = await db.query<CommandRow>({
      // Named, so each connection parses it once; on the sealer's session (force_generic_plan, see
      // AnchorSealer.prepareSession) it is not planned again either (docs/decisions/0016-cheaper-sealing.md).
      name: 'anchor-commands-between',
      text: commandsBetweenSql,
      values: [after.toString(), through.toString(), limit],
    });
    const { batchTimes, walletOperators } = await this.lookUp(db, result.rows);
    const walletOperator = (account: string | null): string | null =>
      account !== null && account.startsWith(walletPrefix) ? (walletOperators.get(account.slice(walletPrefix.length)) ?? null) : null;
    return result.rows.map((row) => {
      const committedAtMs = batchTimes.get(row.batch_id);
      if (committedAtMs === undefined) throw new Error(`ledger batch ${row.batch_id} of entry ${row.sequence} not found`);
      const operators = new Set<string>();
      for (const candidate of [row.operator_id, walletOperator(row.debit_account), walletOperator(row.credit_account), operatorOfAccount(row.debit_account), operatorOfAccount(row.credit_account)]) {
        if (candidate !== null) operators.add(candidate);
      }
      return { entry: anchorEntryFromLedgerRow(ledgerEntryFromSqlRow({ ...row, committed_at_ms: committedAtMs })), operators };
    });
  }

  /**
   * The commit times and wallet operators these rows need: what is remembered, and the rest in
   * one round trip (then remembered). The answer is this call's own, so a concurrent call that
   * starts the maps again cannot take anything from it.
   */
  private async lookUp(db: Queryable, rows: readonly CommandRow[]): Promise<{ batchTimes: Map<string, string>; walletOperators: Map<string, string> }> {
    const batchTimes = new Map<string, string>();
    const walletOperators = new Map<string, string>();
    const missingBatches = new Set<string>();
    const missingWallets = new Set<string>();
    for (const row of rows) {
      const time = this.batchTimes.get(row.batch_id);
      if (time === undefined) missingBatches.add(row.batch_id);
      else batchTimes.set(row.batch_id, time);
      for (const account of [row.debit_account, row.credit_account]) {
        if (account === null || !account.startsWith(walletPrefix)) continue;
        const walletId = account.slice(walletPrefix.length);
        const operator = this.walletOperators.get(walletId);
        if (operator === undefined) missingWallets.add(walletId);
        else walletOperators.set(walletId, operator);
      }
    }
    if (missingBatches.size === 0 && missingWallets.size === 0) return { batchTimes, walletOperators };
    const found = await db.query<{ kind: 'batch' | 'wallet'; key: string; value: string }>({
      name: 'anchor-entry-lookups',
      text: lookupsSql,
      values: [[...missingBatches], [...missingWallets]],
    });
    if (this.batchTimes.size + missingBatches.size > this.limits.batchesMax) this.batchTimes.clear();
    if (this.walletOperators.size + missingWallets.size > this.limits.walletsMax) this.walletOperators.clear();
    for (const row of found.rows) {
      const [mine, remembered] = row.kind === 'batch' ? [batchTimes, this.batchTimes] : [walletOperators, this.walletOperators];
      mine.set(row.key, row.value);
      remembered.set(row.key, row.value);
    }
    return { batchTimes, walletOperators };
  }
}

/** `vault:bank-a` and `reserve:bank-a` belong to bank-a; wallets are looked up, the rtgs account to no operator. */
function operatorOfAccount(account: string | null): string | null {
  if (account === null) return null;
  if (account.startsWith('vault:')) return account.slice('vault:'.length);
  if (account.startsWith('reserve:')) return account.slice('reserve:'.length);
  return null;
}

export async function insertBlock(db: Queryable, block: { header: BlockHeader; blockHash: Uint8Array; centralBankSignature: Uint8Array; quorum: number }): Promise<void> {
  const { header } = block;
  await db.query({
    name: 'anchor-insert-block',
    text: `insert into anchor_blocks (height, previous_hash, merkle_root, first_sequence, last_sequence, entry_count, sealed_at_ms, block_hash, central_bank_signature, quorum)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    values: [
      header.height.toString(),
      Buffer.from(header.previousHash),
      Buffer.from(header.merkleRoot),
      header.firstSequence.toString(),
      header.lastSequence.toString(),
      header.entryCount,
      header.sealedAt.toString(),
      Buffer.from(block.blockHash),
      Buffer.from(block.centralBankSignature),
      block.quorum,
    ],
  });
}

/** The final blocks among `heights`, each with its endorsements (by operator id), in height order: two queries for any number of blocks. */
export async function finalBlocksWithEndorsements(db: Queryable, heights: readonly bigint[]): Promise<{ block: StoredBlock; endorsements: Endorsement[] }[]> {
  const blocks = await db.query<BlockRow>(`select ${blockColumns} from anchor_blocks where height = any($1::bigint[]) and final_at is not null order by anchor_blocks.height`, [heights.map(String)]);
  const byHeight = await endorsementsByHeight(db, heights);
  return blocks.rows.map((row) => ({ block: blockFromRow(row), endorsements: byHeight.get(row.height) ?? [] }));
}

/** The endorsements of these blocks, by height (decimal text), each list by operator id: one query. */
async function endorsementsByHeight(db: Queryable, heights: readonly bigint[]): Promise<Map<string, Endorsement[]>> {
  const result = await db.query<{ height: string; operator_id: string; signature: Buffer }>(
    'select height::text as height, operator_id, signature from anchor_endorsements where height = any($1::bigint[]) order by height, operator_id',
    [heights.map(String)],
  );
  const byHeight = new Map<string, Endorsement[]>();
  for (const row of result.rows) {
    const list = byHeight.get(row.height) ?? [];
    list.push({ operatorId: row.operator_id, signature: new Uint8Array(row.signature) });
    byHeight.set(row.height, list);
  }
  return byHeight;
}

export async function endorsementsOf(db: Queryable, height: bigint): Promise<Endorsement[]> {
  return (await endorsementsByHeight(db, [height])).get(height.toString()) ?? [];
}

export async function operatorKeys(db: Queryable): Promise<Map<string, Uint8Array>> {
  const result = await db.query<{ id: string; public_key: Buffer }>({ name: 'anchor-operator-keys', text: 'select id, public_key from operators order by id' });
  return new Map(result.rows.map((row) => [row.id, new Uint8Array(row.public_key)]));
}

/** The sequence of an accepted command, by its id (a payment's id is its command id). */
export async function sequenceOfCommand(db: Queryable, commandId: string): Promise<bigint | undefined> {
  const result = await db.query<{ sequence: string | null }>(`select sequence::text as sequence from ledger_commands where command_id = $1`, [commandId]);
  const sequence = result.rows[0]?.sequence;
  return sequence === undefined || sequence === null ? undefined : BigInt(sequence);
}

/**
 * The blocks to propose again, by operator, lowest first: refused by that operator with a code
 * that may be transient (`codes`), not endorsed by it since, and not refused by it for good
 * either (docs/decisions/0018-binary-anchor-proposals.md). At most `perOperatorMax` blocks per
 * operator, so one operator far behind does not hold back another.
 */
export async function refusedToPropose(db: Queryable, codes: readonly string[], perOperatorMax: number): Promise<Map<string, bigint[]>> {
  const result = await db.query<{ operator_id: string; height: string }>({
    name: 'anchor-refused-to-propose',
    text: `select operator_id, height::text as height
       from (
         select operator_id, height, row_number() over (partition by operator_id order by height) as rank
         from (
           select distinct r.operator_id, r.height
           from anchor_refusals r
           where r.code = any($1::text[])
             and not exists (select 1 from anchor_endorsements e where e.height = r.height and e.operator_id = r.operator_id)
             and not exists (select 1 from anchor_refusals f where f.height = r.height and f.operator_id = r.operator_id and f.code <> all($1::text[]))
         ) refused
       ) ranked
       where rank <= $2
       order by operator_id, height`,
    values: [codes, perOperatorMax],
  });
  const byOperator = new Map<string, bigint[]>();
  for (const row of result.rows) {
    const heights = byOperator.get(row.operator_id) ?? [];
    heights.push(BigInt(row.height));
    byOperator.set(row.operator_id, heights);
  }
  return byOperator;
}

export interface RefusalRow {
  id: string;
  height: string;
  blockHash: string;
  operatorId: string;
  code: string;
  detail: string;
  receivedAt: string;
}

export async function refusals(db: Queryable, limit: number): Promise<RefusalRow[]> {
  const result = await db.query<{ id: string; height: string; block_hash: Buffer; operator_id: string; code: string; detail: string; received_at: Date }>(
    'select id::text as id, height::text as height, block_hash, operator_id, code, detail, received_at from anchor_refusals order by id desc limit $1',
    [limit],
  );
  return result.rows.map((row) => ({
    id: row.id,
    height: row.height,
    blockHash: row.block_hash.toString('hex'),
    operatorId: row.operator_id,
    code: row.code,
    detail: row.detail,
    receivedAt: row.received_at.toISOString(),
  }));
}
