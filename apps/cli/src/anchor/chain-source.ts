/**
 * Where `cbdc audit verify` reads a chain from: a central bank's database (headers, endorsements
 * AND the ledger's entries, so every Merkle root is recomputed), an operator's replica database
 * (headers and endorsements only), or an auditor's export file. Each gives the same shape: the
 * blocks, plus the keys and quorum the source itself records, which the command line may override.
 * Reads only; one short-lived connection, in one repeatable-read transaction so the chain is a
 * consistent snapshot.
 */
import { Client } from 'pg';
import {
  anchorExportFormat,
  anchorEntryFromLedgerRow,
  blockFromWire,
  ledgerEntryFromSqlRow,
  ledgerEntrySqlColumns,
  type AnchorEntry,
  type BlockHeader,
  type Endorsement,
  type LedgerEntrySqlRow,
  type SignedBlock,
} from '@cbdc/anchor';
import { fromHex } from '@cbdc/crypto';

export interface ChainSource {
  kind: 'central-bank-database' | 'replica-database' | 'export-file';
  blocks: SignedBlock[];
  centralBankPublicKey: Uint8Array | undefined;
  operatorKeys: Map<string, Uint8Array>;
  /** The quorum the source records (an export); undefined means a majority of the operator keys. */
  quorum: number | undefined;
  /** Per block, the quorum recorded with it (the one in force when it was sealed), where known. */
  blockQuorums: (number | undefined)[];
  /** Entries beyond the last sealed block (not yet sealed), for the report. */
  unsealedEntries: number;
}

interface BlockRow {
  height: string;
  previous_hash: Buffer;
  merkle_root: Buffer;
  first_sequence: string;
  last_sequence: string;
  entry_count: number;
  sealed_at_ms: string;
  central_bank_signature: Buffer;
  quorum: number | null;
}

function headerOf(row: BlockRow): BlockHeader {
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

const headerColumns = `height::text as height, previous_hash, merkle_root, first_sequence::text as first_sequence, last_sequence::text as last_sequence,
  entry_count, sealed_at_ms::text as sealed_at_ms, central_bank_signature, quorum`;

export async function readDatabase(databaseUrl: string): Promise<ChainSource> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'cbdc audit verify' });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const tables = await client.query<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = current_schema() and table_name in ('anchor_blocks', 'anchor_replica_blocks')`,
    );
    const names = new Set(tables.rows.map((row) => row.name));
    const source = names.has('anchor_blocks') ? await readCentralBank(client) : names.has('anchor_replica_blocks') ? await readReplica(client) : undefined;
    await client.query('commit');
    if (source === undefined) throw new Error('this database holds no anchor chain (neither anchor_blocks nor anchor_replica_blocks)');
    return source;
  } finally {
    await client.end();
  }
}

async function readCentralBank(client: Client): Promise<ChainSource> {
  const blocks = await client.query<BlockRow>(`select ${headerColumns} from anchor_blocks order by anchor_blocks.height`);
  const endorsements = await endorsementsByHeight(client, 'anchor_endorsements');
  // All accepted entries up to the last block, in sequence order, dealt into blocks by range.
  const lastSequence = blocks.rows.length === 0 ? '0' : blocks.rows[blocks.rows.length - 1]!.last_sequence;
  const entries = await client.query<LedgerEntrySqlRow>(
    `select ${ledgerEntrySqlColumns} from ledger_commands c join ledger_batches b on b.id = c.batch_id
     where c.status = 'accepted' and c.sequence <= $1 order by c.sequence`,
    [lastSequence],
  );
  const unsealed = await client.query<{ count: string }>(`select count(*)::text as count from ledger_commands where status = 'accepted' and sequence > $1`, [lastSequence]);
  const all: AnchorEntry[] = entries.rows.map((row) => anchorEntryFromLedgerRow(ledgerEntryFromSqlRow(row)));
  const signed: SignedBlock[] = [];
  let cursor = 0;
  for (const row of blocks.rows) {
    const header = headerOf(row);
    const own: AnchorEntry[] = [];
    // Entries below this block's first sequence belong to no block: they are reported by the
    // block they fall before, as extra entries of it.
    while (cursor < all.length && all[cursor]!.sequence <= header.lastSequence) own.push(all[cursor++]!);
    signed.push({ header, centralBankSignature: new Uint8Array(row.central_bank_signature), endorsements: endorsements.get(row.height) ?? [], entries: own });
  }
  const key = await client.query<{ public_key: Buffer }>('select public_key from central_bank_keys where id = 1');
  const operators = await client.query<{ id: string; public_key: Buffer }>('select id, public_key from operators order by id');
  return {
    kind: 'central-bank-database',
    blocks: signed,
    centralBankPublicKey: key.rows[0] === undefined ? undefined : new Uint8Array(key.rows[0].public_key),
    operatorKeys: new Map(operators.rows.map((row) => [row.id, new Uint8Array(row.public_key)])),
    quorum: undefined,
    blockQuorums: blocks.rows.map((row) => row.quorum ?? undefined),
    unsealedEntries: Number(unsealed.rows[0]!.count),
  };
}

async function readReplica(client: Client): Promise<ChainSource> {
  const blocks = await client.query<BlockRow>(`select ${headerColumns} from anchor_replica_blocks order by anchor_replica_blocks.height`);
  const endorsements = await endorsementsByHeight(client, 'anchor_replica_endorsements');
  const keys = await client.query<{ operator_id: string; public_key: Buffer }>('select distinct on (operator_id) operator_id, public_key from anchor_replica_endorsements order by operator_id, height desc');
  const trust = await client.query<{ central_bank_public_key: Buffer }>('select central_bank_public_key from anchor_trust where id = 1');
  return {
    kind: 'replica-database',
    blocks: blocks.rows.map((row) => ({ header: headerOf(row), centralBankSignature: new Uint8Array(row.central_bank_signature), endorsements: endorsements.get(row.height) ?? [] })),
    centralBankPublicKey: trust.rows[0] === undefined ? undefined : new Uint8Array(trust.rows[0].central_bank_public_key),
    operatorKeys: new Map(keys.rows.map((row) => [row.operator_id, new Uint8Array(row.public_key)])),
    quorum: undefined,
    blockQuorums: blocks.rows.map((row) => row.quorum ?? undefined),
    unsealedEntries: 0,
  };
}

async function endorsementsByHeight(client: Client, table: 'anchor_endorsements' | 'anchor_replica_endorsements'): Promise<Map<string, Endorsement[]>> {
  const rows = await client.query<{ height: string; operator_id: string; signature: Buffer }>(
    `select height::text as height, operator_id, signature from ${table} order by ${table}.height, operator_id`,
  );
  const byHeight = new Map<string, Endorsement[]>();
  for (const row of rows.rows) {
    const list = byHeight.get(row.height) ?? [];
    list.push({ operatorId: row.operator_id, signature: new Uint8Array(row.signature) });
    byHeight.set(row.height, list);
  }
  return byHeight;
}

/** An auditor's export (GET /v1/anchor/export at the central bank). */
export function readExport(text: string): ChainSource {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TypeError('the export is not JSON');
  }
  const document = value as Record<string, unknown>;
  if (typeof document !== 'object' || document === null || document.format !== anchorExportFormat) {
    throw new TypeError(`the export's format is not ${anchorExportFormat}`);
  }
  if (!Array.isArray(document.blocks) || !Array.isArray(document.operators)) throw new TypeError('the export has no blocks or operators list');
  const operators = document.operators as { id?: unknown; publicKey?: unknown }[];
  return {
    kind: 'export-file',
    blocks: document.blocks.map((block, i) => blockFromWire(block, `blocks[${i}]`)),
    centralBankPublicKey: typeof document.centralBankPublicKey === 'string' ? fromHex(document.centralBankPublicKey) : undefined,
    operatorKeys: new Map(operators.map((o) => [String(o.id), fromHex(String(o.publicKey))])),
    quorum: typeof document.quorum === 'number' ? document.quorum : undefined,
    blockQuorums: (document.blocks as { quorum?: unknown }[]).map((block) => (typeof block.quorum === 'number' ? block.quorum : undefined)),
    unsealedEntries: 0,
  };
}

