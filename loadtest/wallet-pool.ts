/**
 * The load test's wallets: opened once through the banks' staff APIs (customers with a deposit,
 * wallets, loads), kept in `<stack>/loadtest-wallets.json` (test keys only, in the stack's
 * git-ignored folder) so later runs reuse them, and topped up before each run from the ledger's
 * own balances and counters. Seeding is bulk and concurrent; it is never part of a measurement.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fromHex, toHex } from '@cbdc/crypto';
import { createWalletKeys } from '@cbdc/wallet-sdk';
import type { PlanWallet } from './scenario-plan';
import { ensureVault, expectStatus, http, setupWaitMs, waitFor, type BankAccess, type SystemAccess } from './system-access';

export type WalletRole = 'person' | 'merchant';

export interface PoolWallet {
  readonly walletId: string;
  readonly bank: string;
  readonly privateKeyHex: string;
  readonly customerId: string;
  readonly role: WalletRole;
  readonly walletClass: number;
  /** Retired merchants (too close to their balance cap) are kept but no longer used. */
  retired?: boolean;
}

interface PoolFile {
  readonly format: 'cbdc-loadtest-wallets';
  readonly version: 1;
  /** The central bank these wallets were opened at: another database means another pool. */
  readonly centralBankPublicKey: string;
  wallets: PoolWallet[];
}

/** The strongest class a bank opens directly; stronger classes are upgrades of it. */
export const walletClassOpened = 3;
/** Extra time a wait for many wallets may take, per wallet, on top of the setup wait. */
const waitPerWalletMs = 50;
/** Requests in flight at once while seeding. */
export const seedConcurrency = 24;
/** Wallets opened per customer (one deposit funds them all). */
export const walletsPerCustomer = 100;

export function poolFilePath(stackDir: string): string {
  return join(stackDir, 'loadtest-wallets.json');
}

export function readPool(stackDir: string, centralBankPublicKey: string): PoolFile {
  const file = poolFilePath(stackDir);
  if (existsSync(file)) {
    const pool = JSON.parse(readFileSync(file, 'utf8')) as PoolFile;
    if (pool.format === 'cbdc-loadtest-wallets' && pool.version === 1 && pool.centralBankPublicKey === centralBankPublicKey) return pool;
  }
  return { format: 'cbdc-loadtest-wallets', version: 1, centralBankPublicKey, wallets: [] };
}

export function writePool(stackDir: string, pool: PoolFile): void {
  const file = poolFilePath(stackDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(pool), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** Runs `work` over `items` with at most `concurrency` at once. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Opens wallets until the pool has `count` usable wallets of `role` and class, split evenly over
 * the banks, and waits until the ledger registered them all.
 */
export async function ensureWallets(system: SystemAccess, pool: PoolFile, role: WalletRole, count: number, walletClass: number, log: (line: string) => void): Promise<PoolWallet[]> {
  const usable = () => pool.wallets.filter((w) => w.role === role && w.walletClass === walletClass && !w.retired);
  const missing = count - usable().length;
  if (missing > 0) {
    log(`seeding: opening ${missing} ${role} wallets (class ${walletClass}) over ${system.banks.length} banks`);
    const began = Date.now();
    const opened: PoolWallet[] = [];
    for (const [bankIndex, bank] of system.banks.entries()) {
      const share = Math.floor(missing / system.banks.length) + (bankIndex < missing % system.banks.length ? 1 : 0);
      opened.push(...(await openWallets(bank, share, role, walletClass)));
    }
    await waitUntilOpen(system, opened);
    if (walletClass < walletClassOpened) await upgradeWallets(system, opened, walletClass, log);
    pool.wallets.push(...opened);
    writePool(system.stackDir, pool);
    log(`seeding: ${missing} wallets open on the ledger in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }
  // Interleave the banks, so round-robin payers alternate between them.
  const byBank = system.banks.map((bank) => usable().filter((w) => w.bank === bank.operatorId));
  const interleaved: PoolWallet[] = [];
  for (let index = 0; interleaved.length < count; index++) {
    for (const wallets of byBank) if (wallets[index] && interleaved.length < count) interleaved.push(wallets[index]!);
  }
  return interleaved;
}

async function openWallets(bank: BankAccess, count: number, role: WalletRole, walletClass: number): Promise<PoolWallet[]> {
  const wallets: PoolWallet[] = [];
  const customers = Math.ceil(count / walletsPerCustomer);
  const customerIds: string[] = [];
  for (let index = 0; index < customers; index++) {
    const customerId = `lt-${randomBytes(8).toString('hex')}`;
    expectStatus(
      await http('POST', `${bank.url}/v1/customers`, { customerId, name: `Load test ${role} ${index}`, idNumber: `LT${randomBytes(6).toString('hex')}`, phone: '+86 100 0000 0000' }, bank.staffKey),
      [201],
      'open customer',
    );
    customerIds.push(customerId);
  }
  const toOpen = Array.from({ length: count }, (_, index) => {
    const keys = createWalletKeys();
    return { keys, customerId: customerIds[Math.floor(index / walletsPerCustomer)]! };
  });
  await forEachConcurrently(toOpen, seedConcurrency, async ({ keys, customerId }) => {
    const requestId = `lt-open-${keys.walletId.slice(0, 40)}`;
    expectStatus(
      await http('POST', `${bank.url}/v1/wallets`, { customerId, publicKey: toHex(keys.publicKey), walletClass: Math.max(walletClass, walletClassOpened), requestId }, bank.staffKey),
      [202],
      'open wallet',
    );
    wallets.push({ walletId: keys.walletId, bank: bank.operatorId, privateKeyHex: toHex(keys.privateKey), customerId, role, walletClass });
  });
  return wallets;
}

/**
 * Class 1 and 2 wallets are not opened directly: a bank opens class 3 (ID number on file) and
 * upgrades it, class 2 by linking the customer's deposit account, class 1 after verification in
 * person, each a ledger command; this waits until the ledger holds every wallet at its new class.
 */
async function upgradeWallets(system: SystemAccess, wallets: readonly PoolWallet[], walletClass: number, log: (line: string) => void): Promise<void> {
  log(`seeding: upgrading ${wallets.length} wallets to class ${walletClass}`);
  await forEachConcurrently(wallets, seedConcurrency, async (wallet) => {
    const bank = system.banks.find((b) => b.operatorId === wallet.bank)!;
    const changeId = `lt-class-${wallet.walletId.slice(0, 40)}`;
    const answer =
      walletClass === 1
        ? await http('POST', `${bank.url}/v1/wallets/${wallet.walletId}/in-person-verifications`, { changeId }, bank.staffKey)
        : await http('POST', `${bank.url}/v1/wallets/${wallet.walletId}/class-changes`, { changeId, walletClass }, bank.staffKey);
    if (answer.status === 404 && answer.json.code !== 'UNKNOWN_WALLET') throw new Error(`this bank cannot change wallet classes (HTTP 404); run with --wallet-class ${walletClassOpened}`);
    expectStatus(answer, [202], `upgrade to class ${walletClass}`);
  });
  const ids = wallets.map((w) => w.walletId);
  await waitFor(`${ids.length} wallets to be class ${walletClass} on the ledger`, async () => {
    const result = await system.centralDb.query<{ n: string }>('select count(*) as n from wallets where id = any($1) and wallet_class = $2', [ids, walletClass]);
    return Number(result.rows[0]!.n) === ids.length ? true : null;
  }, setupWaitMs + ids.length * waitPerWalletMs);
}

async function waitUntilOpen(system: SystemAccess, wallets: readonly PoolWallet[]): Promise<void> {
  for (const bank of system.banks) {
    const ids = wallets.filter((w) => w.bank === bank.operatorId).map((w) => w.walletId);
    if (ids.length === 0) continue;
    await waitFor(`${ids.length} wallets at ${bank.operatorId} to open`, async () => {
      const result = await bank.db.query<{ status: string; n: string }>('select status, count(*) as n from wallets where id = any($1) group by status', [ids]);
      const counts = Object.fromEntries(result.rows.map((r) => [r.status, Number(r.n)]));
      if ((counts.rejected ?? 0) > 0) throw new Error(`${counts.rejected} load test wallets were rejected by the ledger at ${bank.operatorId}`);
      return (counts.open ?? 0) === ids.length ? true : null;
    }, setupWaitMs + ids.length * waitPerWalletMs);
  }
}

/** The ledger's view of each wallet: balance, last counter and today's outgoing total. */
export async function ledgerWallets(system: SystemAccess, wallets: readonly PoolWallet[]): Promise<Map<string, PlanWallet>> {
  const result = await system.centralDb.query<{ id: string; balance: string; last_counter: string; day_total: string }>(
    'select id, balance, last_counter, day_total from accounts where id = any($1)',
    [wallets.map((w) => `wallet:${w.walletId}`)],
  );
  const byAccount = new Map(result.rows.map((row) => [row.id, row]));
  const view = new Map<string, PlanWallet>();
  for (const wallet of wallets) {
    const row = byAccount.get(`wallet:${wallet.walletId}`);
    if (!row) throw new Error(`wallet ${wallet.walletId} is not on the central ledger`);
    view.set(wallet.walletId, { walletId: wallet.walletId, bank: wallet.bank, balance: BigInt(row.balance), lastCounter: BigInt(row.last_counter), dayTotal: BigInt(row.day_total ?? '0') });
  }
  return view;
}

/**
 * Loads every wallet whose balance is below `minimumFen` up to `targetFen`: each customer's
 * deposit is credited with what its wallets need, the vault is stocked, and the loads are sent
 * concurrently; returns once the ledger shows every balance at its target.
 */
export async function fundWallets(system: SystemAccess, wallets: readonly PoolWallet[], minimumFen: bigint, targetFen: bigint, runId: string, log: (line: string) => void): Promise<void> {
  const view = await ledgerWallets(system, wallets);
  const low = wallets.filter((w) => view.get(w.walletId)!.balance < minimumFen);
  if (low.length === 0) return;
  log(`seeding: loading ${low.length} wallets up to ${targetFen} fen`);
  const began = Date.now();
  for (const bank of system.banks) {
    const mine = low.filter((w) => w.bank === bank.operatorId);
    if (mine.length === 0) continue;
    const needByCustomer = new Map<string, bigint>();
    let total = 0n;
    for (const wallet of mine) {
      const need = targetFen - view.get(wallet.walletId)!.balance;
      needByCustomer.set(wallet.customerId, (needByCustomer.get(wallet.customerId) ?? 0n) + need);
      total += need;
    }
    await ensureVault(system, bank, total + (await vaultLoadsPending(bank)), runId);
    await forEachConcurrently([...needByCustomer.entries()], seedConcurrency, async ([customerId, amount]) => {
      expectStatus(await http('POST', `${bank.url}/v1/customers/${customerId}/deposits`, { depositId: `lt-${runId}-${customerId}`, amount: amount.toString() }, bank.staffKey), [200], 'deposit');
    });
    await forEachConcurrently(mine, seedConcurrency, async (wallet) => {
      const amount = targetFen - view.get(wallet.walletId)!.balance;
      expectStatus(
        await http('POST', `${bank.url}/v1/wallets/${wallet.walletId}/loads`, { loadId: `lt-${runId}-${wallet.walletId.slice(0, 30)}`, amount: amount.toString() }, bank.staffKey),
        [202],
        'load',
      );
    });
  }
  await waitFor(`${low.length} loads to settle on the ledger`, async () => {
    const now = await ledgerWallets(system, low);
    return [...now.values()].every((w) => w.balance >= targetFen) ? true : null;
  }, setupWaitMs + low.length * waitPerWalletMs);
  log(`seeding: ${low.length} loads settled in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}

/**
 * Credits the deposits and stocks the vaults that the run's own loads (lifecycle) will draw on:
 * `loads` maps a wallet id to the fen the run will load into it.
 */
export async function prepareRunLoads(system: SystemAccess, wallets: readonly PoolWallet[], loads: ReadonlyMap<string, bigint>, runId: string): Promise<void> {
  for (const bank of system.banks) {
    const byCustomer = new Map<string, bigint>();
    let total = 0n;
    for (const wallet of wallets) {
      const amount = loads.get(wallet.walletId);
      if (wallet.bank !== bank.operatorId || amount === undefined) continue;
      byCustomer.set(wallet.customerId, (byCustomer.get(wallet.customerId) ?? 0n) + amount);
      total += amount;
    }
    if (total === 0n) continue;
    await ensureVault(system, bank, total + (await vaultLoadsPending(bank)), `${runId}-run`);
    await forEachConcurrently([...byCustomer.entries()], seedConcurrency, async ([customerId, amount]) => {
      expectStatus(await http('POST', `${bank.url}/v1/customers/${customerId}/deposits`, { depositId: `lt-${runId}-run-${customerId}`, amount: amount.toString() }, bank.staffKey), [200], 'deposit');
    });
  }
}

/** Loads this bank sent that the ledger has not decided yet: they will take from the vault too. */
async function vaultLoadsPending(bank: BankAccess): Promise<bigint> {
  const result = await bank.db.query<{ s: string }>(`select coalesce(sum(amount), 0) as s from ledger_requests where kind = 'load' and status = 'pending'`);
  return BigInt(result.rows[0]!.s);
}

export function privateKeyOf(wallet: PoolWallet): Uint8Array {
  return fromHex(wallet.privateKeyHex);
}
