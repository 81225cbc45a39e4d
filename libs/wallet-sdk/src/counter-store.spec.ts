// Proves the holder's counter only moves forward, in memory and on disk, across store instances, concurrent callers and advances, and that a damaged or locked counter file fails clearly.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counterMax, FileCounterStore, InMemoryCounterStore, type CounterStore } from './counter-store';
import { WalletSdkError } from './wallet-sdk-error';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cbdc-counter-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function codeOf(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    if (error instanceof WalletSdkError) return error.code;
    throw error;
  }
  return undefined;
}

const stores: [string, () => CounterStore][] = [
  ['in memory', () => new InMemoryCounterStore()],
  ['in a file', () => new FileCounterStore(join(directory, 'wallet.counter'))],
];

describe.each(stores)('a counter store %s', (_name, makeStore) => {
  it('starts at 1 and hands out strictly increasing counters', async () => {
    const store = makeStore();
    expect(await store.lastCounter()).toBe(0n);
    const seen: bigint[] = [];
    for (let i = 0; i < 5; i++) seen.push(await store.nextCounter());
    expect(seen).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(await store.lastCounter()).toBe(5n);
  });

  it('never hands out one counter twice to concurrent callers', async () => {
    const store = makeStore();
    const counters = await Promise.all(Array.from({ length: 50 }, () => store.nextCounter()));
    expect(new Set(counters).size).toBe(50);
    expect(await store.lastCounter()).toBe(50n);
  });

  it('advances past a counter used elsewhere, and never moves back', async () => {
    const store = makeStore();
    await store.advancePast(41n);
    expect(await store.nextCounter()).toBe(42n);
    await store.advancePast(10n);
    expect(await store.nextCounter()).toBe(43n);
  });

  it('refuses to go beyond 2^63-1', async () => {
    const store = makeStore();
    await store.advancePast(counterMax - 1n);
    expect(await store.nextCounter()).toBe(counterMax);
    expect(await codeOf(() => store.nextCounter())).toBe('COUNTER_EXHAUSTED');
    expect(await store.lastCounter()).toBe(counterMax);
  });
});

describe('FileCounterStore', () => {
  it('continues where another instance on the same file stopped', async () => {
    const path = join(directory, 'wallet.counter');
    const first = new FileCounterStore(path);
    await first.nextCounter();
    await first.nextCounter();
    const second = new FileCounterStore(path);
    expect(await second.nextCounter()).toBe(3n);
    // Two instances (as two processes would) racing on one file still never repeat a counter.
    const raced = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? first : second).nextCounter()));
    expect(new Set(raced).size).toBe(20);
    expect(await first.lastCounter()).toBe(23n);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ format: 'cbdc-wallet-counter', version: 1, lastCounter: '23' });
  });

  it('refuses a damaged counter file instead of starting again at 1', async () => {
    const path = join(directory, 'wallet.counter');
    await writeFile(path, '{"format":"cbdc-wallet-counter","version":1,"lastCounter":"-3"}');
    expect(await codeOf(() => new FileCounterStore(path).nextCounter())).toBe('COUNTER_FILE_MALFORMED');
    await writeFile(path, 'garbage');
    expect(await codeOf(() => new FileCounterStore(path).nextCounter())).toBe('COUNTER_FILE_MALFORMED');
  });

  it('fails with COUNTER_LOCKED while another process holds the lock', async () => {
    const path = join(directory, 'wallet.counter');
    await writeFile(`${path}.lock`, '');
    expect(await codeOf(() => new FileCounterStore(path, { lockWaitMs: 50 }).nextCounter())).toBe('COUNTER_LOCKED');
    await rm(`${path}.lock`);
    expect(await new FileCounterStore(path).nextCounter()).toBe(1n);
  });
});
