// Ed25519 verifications per second on this machine: noble (pure JS) vs node's OpenSSL on one
// thread (with and without the KeyObject cache) vs the worker pool. Run: npx tsx libs/crypto/bench/verify.bench.ts
// Messages are real payment payloads signed by 1,000 wallets, so the cache sees a realistic mix.
import { availableParallelism } from 'node:os';
import { createFastVerifier, createVerifyPool, encodePaymentForSigning, generateKeyPairFast, signFast, verify, VerifyItem, walletIdFromPublicKey } from '../src';

const walletCount = 1_000;
const itemCount = 20_000;
const nobleItemCount = 2_000;
const poolBatchItems = 1_000;

function rate(count: number, startNs: bigint): number {
  return Math.round(count / (Number(process.hrtime.bigint() - startNs) / 1e9));
}

async function main(): Promise<void> {
  const wallets = Array.from({ length: walletCount }, () => generateKeyPairFast());
  const items: VerifyItem[] = Array.from({ length: itemCount }, (_, i) => {
    const payer = wallets[i % walletCount];
    const payee = wallets[(i * 7 + 1) % walletCount];
    const message = encodePaymentForSigning({
      paymentId: `bench-${i}`,
      payerWalletId: walletIdFromPublicKey(payer.publicKey),
      payeeWalletId: walletIdFromPublicKey(payee.publicKey),
      amount: BigInt(1 + (i % 50_000)),
      counter: BigInt(i),
    });
    return { signature: signFast(message, payer.privateKey), message, publicKey: payer.publicKey };
  });
  const figures: Record<string, number> = {};

  let start = process.hrtime.bigint();
  for (let i = 0; i < nobleItemCount; i++) {
    if (!verify(items[i].signature, items[i].message, items[i].publicKey)) throw new Error('noble rejected a valid signature');
  }
  figures['noble, 1 thread'] = rate(nobleItemCount, start);

  const uncached = createFastVerifier({ keyCacheSizeMax: 0 });
  start = process.hrtime.bigint();
  for (const item of items) {
    if (!uncached.verify(item.signature, item.message, item.publicKey)) throw new Error('OpenSSL rejected a valid signature');
  }
  figures['node OpenSSL, 1 thread, no key cache'] = rate(itemCount, start);

  const cached = createFastVerifier();
  for (const wallet of wallets) cached.verify(items[0].signature, items[0].message, wallet.publicKey);
  start = process.hrtime.bigint();
  for (const item of items) {
    if (!cached.verify(item.signature, item.message, item.publicKey)) throw new Error('OpenSSL rejected a valid signature');
  }
  figures['node OpenSSL, 1 thread, warm key cache'] = rate(itemCount, start);

  for (const size of [1, 2]) {
    const pool = createVerifyPool({ size });
    await pool.verifyBatch(items.slice(0, 2_000)); // warm the workers and their key caches
    await pool.verifyBatch(items.slice(2_000, 4_000));
    start = process.hrtime.bigint();
    // The ledger engine hands over one batch at a time but keeps two in flight.
    const batches: Promise<boolean[]>[] = [];
    for (let offset = 0; offset < itemCount; offset += poolBatchItems) batches.push(pool.verifyBatch(items.slice(offset, offset + poolBatchItems)));
    const results = await Promise.all(batches);
    figures[`worker pool, ${size} worker${size > 1 ? 's' : ''}`] = rate(itemCount, start);
    if (!results.every((batch) => batch.every(Boolean))) throw new Error('the pool rejected a valid signature');
    await pool.close();
  }

  console.log(`Ed25519 verifies/s on ${availableParallelism()} cores, node ${process.version}, ${walletCount} wallets, payment payloads of ${items[0].message.length} bytes`);
  for (const [name, perSecond] of Object.entries(figures)) console.log(`  ${name.padEnd(42)} ${perSecond.toLocaleString('en-US').padStart(9)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
