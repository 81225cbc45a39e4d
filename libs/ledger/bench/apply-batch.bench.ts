// Micro-benchmark of applyBatch alone: 1,000,000 payments among 100,000 wallets in batches of
// 1,000, so we know the in-memory ledger is far from being the engine's bottleneck.
// Run: npx tsx libs/ledger/bench/apply-batch.bench.ts [payments] [wallets] [batchSize]
import {
  type LedgerCommand,
  type PaymentCommand,
  applyBatch,
  checkInvariants,
  createLedgerState,
  createPolicy,
  yuan,
} from '../src';

const paymentCount = Number(process.argv[2] ?? 1_000_000);
const walletCount = Number(process.argv[3] ?? 100_000);
const batchSize = Number(process.argv[4] ?? 1_000);
const operatorIds = ['bank-a', 'bank-b', 'bank-c', 'bank-d'];
const loadPerWallet = yuan(10_000n);
const nowMs = Date.UTC(2025, 5, 1, 4, 0, 0);

// A small deterministic generator (xorshift32), so two runs do the same work.
let seed = 0x9e3779b9;
function nextRandom(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

function randomKey(): Uint8Array {
  const key = new Uint8Array(32);
  for (let index = 0; index < key.length; index++) key[index] = nextRandom() & 0xff;
  return key;
}

const policy = createPolicy({ preset: 'ccb-2020' });
const context = { nowMs, policy };
const state = createLedgerState();

function applyAll(commands: LedgerCommand[]): void {
  for (let start = 0; start < commands.length; start += batchSize) {
    const outcome = applyBatch(state, commands.slice(start, start + batchSize), context);
    if (outcome.rejectedCount > 0) throw new Error(`setup rejected: ${JSON.stringify(outcome.results.find((r) => r.status === 'rejected'))}`);
  }
}

let commandSequence = 0;
const nextCommandId = (): string => `c-${++commandSequence}`;
const setup: LedgerCommand[] = [];
for (const operatorId of operatorIds) {
  setup.push({ kind: 'register-operator', commandId: nextCommandId(), operatorId, name: operatorId, operatorKind: 'bank', publicKey: randomKey(), issueQuotaAuto: 0n });
  const share = loadPerWallet * BigInt(Math.ceil(walletCount / operatorIds.length));
  setup.push({ kind: 'credit-reserve', commandId: nextCommandId(), operatorId, amount: share });
  setup.push({ kind: 'issue', commandId: nextCommandId(), operatorId, amount: share });
}
const walletIds: string[] = [];
// The verification stage hands over its own copy of the key, so the ledger really compares bytes.
const signerKeys: Uint8Array[] = [];
for (let index = 0; index < walletCount; index++) {
  const walletId = `w${index.toString(16).padStart(8, '0')}`;
  const operatorId = operatorIds[index % operatorIds.length];
  const publicKey = randomKey();
  walletIds.push(walletId);
  signerKeys.push(publicKey.slice());
  setup.push({ kind: 'register-wallet', commandId: nextCommandId(), walletId, operatorId, walletClass: 1, publicKey });
  setup.push({ kind: 'load', commandId: nextCommandId(), operatorId, walletId, amount: loadPerWallet });
}
applyAll(setup);

const counters = new Array<bigint>(walletCount).fill(0n);
let appliedMs = 0;
// CPU time of this process too: on a shared 2-core machine, wall time also counts other work.
let appliedCpuMicros = 0;
let accepted = 0;
let rejected = 0;
for (let done = 0; done < paymentCount; done += batchSize) {
  const batch: PaymentCommand[] = [];
  for (let index = 0; index < batchSize && done + index < paymentCount; index++) {
    const payer = nextRandom() % walletCount;
    let payee = nextRandom() % walletCount;
    if (payee === payer) payee = (payee + 1) % walletCount;
    counters[payer] += 1n;
    batch.push({
      kind: 'payment',
      commandId: `p-${done + index}`,
      payerWalletId: walletIds[payer],
      payeeWalletId: walletIds[payee],
      amount: BigInt(1 + (nextRandom() % 10_000)),
      counter: counters[payer],
      verifiedSignerKey: signerKeys[payer],
    });
  }
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const outcome = applyBatch(state, batch, context);
  const cpu = process.cpuUsage(cpuStarted);
  appliedMs += performance.now() - started;
  appliedCpuMicros += cpu.user + cpu.system;
  accepted += outcome.acceptedCount;
  rejected += outcome.rejectedCount;
}

const failures = checkInvariants(state);
const applied = accepted + rejected;
const paymentsPerSecond = Math.round(applied / (appliedMs / 1000));
const paymentsPerCpuSecond = Math.round(applied / (appliedCpuMicros / 1_000_000));
console.log(`applyBatch: ${applied} payments (${accepted} accepted, ${rejected} rejected) among ${walletCount} wallets in batches of ${batchSize}`);
console.log(`applyBatch: ${appliedMs.toFixed(0)} ms wall = ${paymentsPerSecond} payments/s; ${(appliedCpuMicros / 1000).toFixed(0)} ms CPU = ${paymentsPerCpuSecond} payments per CPU-second`);
console.log(`invariants: ${failures.length === 0 ? 'hold' : `BROKEN: ${failures.join('; ')}`}`);
if (failures.length > 0) process.exitCode = 1;
