/**
 * Loads the ledger's in-memory state from PostgreSQL: at engine start, after a failed commit (the
 * state may hold a batch that never committed, so it is thrown away and read again), and, when
 * several partitions share the ledger, the records a batch touches that another worker may have
 * changed since.
 */
import type { Pool, PoolClient } from 'pg';
import { withSnapshot } from '@cbdc/platform';
import { named } from '@cbdc/platform';
import { ensurePositions, readPositions } from './ledger-store';
import {
  createLedgerState,
  LedgerState,
  OperatorSnapshot,
  restoreOperator,
  restoreWallet,
  WalletSnapshot,
  type WalletClass,
} from '@cbdc/ledger';

type Queryable = Pool | PoolClient;

/** Wallets are read in pages so a large ledger never builds one huge result in memory. */
export const walletPageRowsMax = 50_000;

interface OperatorRow {
  id: string;
  name: string;
  kind: 'bank' | 'payment-firm';
  public_key: Buffer;
  reserve_ratio_bps: number;
  issue_quota_auto: string;
  reserve_credited: string;
  issued: string;
  recalled: string;
  cross_operator_net: string;
  reserve_balance: string | null;
  vault_balance: string | null;
}

interface WalletRow {
  id: string;
  operator_id: string;
  wallet_class: number;
  public_key: Buffer;
  escrow: Buffer | null;
  balance: string | null;
  last_counter: string;
  day_key: number;
  day_total: string;
  year_key: number;
  year_total: string;
}

const operatorSelect = `
  select o.id, o.name, o.kind, o.public_key, o.reserve_ratio_bps, o.issue_quota_auto, o.reserve_credited,
         o.issued, o.recalled, o.cross_operator_net, r.balance as reserve_balance, v.balance as vault_balance
  from operators o
  left join accounts r on r.id = 'reserve:' || o.id
  left join accounts v on v.id = 'vault:' || o.id`;

const walletSelect = `
  select w.id, w.operator_id, w.wallet_class, w.public_key, w.escrow, a.balance, a.last_counter,
         a.day_key, a.day_total, a.year_key, a.year_total
  from wallets w join accounts a on a.id = 'wallet:' || w.id`;

function toOperatorSnapshot(row: OperatorRow): OperatorSnapshot {
  return {
    operatorId: row.id,
    name: row.name,
    operatorKind: row.kind,
    publicKey: new Uint8Array(row.public_key),
    reserveRatioBps: row.reserve_ratio_bps,
    issueQuotaAuto: BigInt(row.issue_quota_auto),
    reserveCredited: BigInt(row.reserve_credited),
    issued: BigInt(row.issued),
    recalled: BigInt(row.recalled),
    crossOperatorNet: BigInt(row.cross_operator_net),
    reserveBalance: BigInt(row.reserve_balance ?? '0'),
    vaultBalance: BigInt(row.vault_balance ?? '0'),
  };
}

function toWalletSnapshot(row: WalletRow): WalletSnapshot {
  return {
    walletId: row.id,
    operatorId: row.operator_id,
    walletClass: row.wallet_class as WalletClass,
    publicKey: new Uint8Array(row.public_key),
    escrow: row.escrow ? new Uint8Array(row.escrow) : null,
    balance: BigInt(row.balance ?? '0'),
    lastCounter: BigInt(row.last_counter),
    dayKey: row.day_key,
    dayTotal: BigInt(row.day_total),
    yearKey: row.year_key,
    yearTotal: BigInt(row.year_total),
  };
}

export async function loadLedgerState(db: Queryable): Promise<LedgerState> {
  const state = createLedgerState();
  const operators = await db.query<OperatorRow>(`${operatorSelect} order by o.id`);
  for (const row of operators.rows) restoreOperator(state, toOperatorSnapshot(row));
  let after = '';
  for (;;) {
    const page = await db.query<WalletRow>(`${walletSelect} where w.id > $1 order by w.id limit ${walletPageRowsMax}`, [after]);
    for (const row of page.rows) restoreWallet(state, toWalletSnapshot(row));
    if (page.rows.length < walletPageRowsMax) break;
    after = page.rows[page.rows.length - 1]!.id;
  }
  const rtgs = await db.query<{ balance: string }>(`select balance from accounts where id = 'rtgs'`);
  state.rtgs.balance = BigInt(rtgs.rows[0]?.balance ?? '0');
  for (const operator of state.operators.values()) {
    state.totals.issued += operator.issued;
    state.totals.recalled += operator.recalled;
  }
  return state;
}

/** The ledger's state together with the stored positions it corresponds to. */
export interface LedgerSnapshot {
  readonly state: LedgerState;
  /** Per partition of the command topic: the next offset to apply, as of the state. */
  readonly positions: Map<number, bigint>;
}

/**
 * Reads the state and the stored positions in ONE repeatable-read snapshot, so they agree: a
 * writer that claims a position read here (compare-and-set, claimPosition) knows that nothing was
 * committed since its state was read. Read apart, a position read after another writer's commit
 * would let a state from before that commit pass the claim, and its absolute balances would
 * overwrite the other writer's (seen with two engines during a rolling restart).
 */
export async function loadLedgerSnapshot(pool: Pool, consumer: string, topic: string, partitions: number): Promise<LedgerSnapshot> {
  await ensurePositions(pool, consumer, topic, partitions);
  return withSnapshot(pool, async (client) => ({ state: await loadLedgerState(client), positions: await readPositions(client, consumer, topic) }));
}

/** Adds wallets and operators committed by other workers that this state does not know yet. */
export async function loadMissing(db: Queryable, state: LedgerState, walletIds: Iterable<string>, operatorIds: Iterable<string>): Promise<void> {
  const operators = [...new Set(operatorIds)].filter((id) => !state.operators.has(id));
  if (operators.length > 0) {
    const rows = await db.query<OperatorRow>(`${operatorSelect} where o.id = any($1)`, [operators]);
    for (const row of rows.rows) restoreOperator(state, toOperatorSnapshot(row));
  }
  const wallets = [...new Set(walletIds)].filter((id) => !state.wallets.has(id));
  if (wallets.length > 0) {
    const rows = await db.query<WalletRow>(`${walletSelect} where w.id = any($1)`, [wallets]);
    for (const row of rows.rows) {
      if (!state.operators.has(row.operator_id)) await loadMissing(db, state, [], [row.operator_id]);
      restoreWallet(state, toWalletSnapshot(row));
    }
  }
}

/**
 * With several partitions, other workers credit this worker's accounts and re-class wallets.
 * Inside the batch's transaction, before it decides, this locks every account the batch may touch
 * in id order (so workers never deadlock) and refreshes their balances and usage, the operators'
 * books and the wallets' classes from the database.
 */
export async function lockAndRefresh(client: PoolClient, state: LedgerState, accountIds: readonly string[], walletIds: readonly string[]): Promise<void> {
  const sorted = [...new Set(accountIds)].sort();
  const balances = await client.query<{
    id: string;
    balance: string;
    last_counter: string | null;
    day_key: number | null;
    day_total: string | null;
    year_key: number | null;
    year_total: string | null;
  }>(named('select id, balance, last_counter, day_key, day_total, year_key, year_total from accounts where id = any($1) order by id for update', [sorted]));
  for (const row of balances.rows) {
    const account = state.accounts.get(row.id as never);
    if (account) account.balance = BigInt(row.balance);
    if (row.last_counter !== null && row.id.startsWith('wallet:')) {
      const wallet = state.wallets.get(row.id.slice('wallet:'.length));
      if (wallet) {
        wallet.lastCounter = BigInt(row.last_counter);
        wallet.dayKey = row.day_key!;
        wallet.dayTotal = BigInt(row.day_total!);
        wallet.yearKey = row.year_key!;
        wallet.yearTotal = BigInt(row.year_total!);
      }
    }
  }
  const operators = await client.query<OperatorRow>(`${operatorSelect} order by o.id for update of o`);
  for (const row of operators.rows) {
    const operator = state.operators.get(row.id);
    if (!operator) continue;
    operator.reserveCredited = BigInt(row.reserve_credited);
    operator.issued = BigInt(row.issued);
    operator.recalled = BigInt(row.recalled);
    operator.crossOperatorNet = BigInt(row.cross_operator_net);
  }
  state.totals.issued = 0n;
  state.totals.recalled = 0n;
  for (const operator of state.operators.values()) {
    state.totals.issued += operator.issued;
    state.totals.recalled += operator.recalled;
  }
  if (walletIds.length > 0) {
    const classes = await client.query<{ id: string; wallet_class: number }>(named('select id, wallet_class from wallets where id = any($1)', [[...new Set(walletIds)]]));
    for (const row of classes.rows) {
      const wallet = state.wallets.get(row.id);
      if (wallet) wallet.walletClass = row.wallet_class as WalletClass;
    }
  }
}
