// Proves the worker pool gives, in input order, the same answer per item as the single-thread OpenSSL verifier, malformed items included.
import { generateKeyPair, signFast as sign, verifyFast } from './ed25519';
import { createVerifyPool, VerifyItem, VerifyPool, verifyPoolSizeDefault } from './verify-pool';

const keys = Array.from({ length: 5 }, () => generateKeyPair());

/** A mixed batch: valid items, wrong key, changed message, malformed lengths, in a fixed pattern. */
function mixedBatch(count: number): VerifyItem[] {
  return Array.from({ length: count }, (_, i) => {
    const pair = keys[i % keys.length];
    const message = new TextEncoder().encode(`payment ${i}`);
    const signature = sign(message, pair.privateKey);
    switch (i % 6) {
      case 1:
        return { signature, message, publicKey: keys[(i + 1) % keys.length].publicKey };
      case 2:
        return { signature, message: new TextEncoder().encode(`payment ${i + 1}`), publicKey: pair.publicKey };
      case 3:
        return { signature: signature.subarray(0, 63), message, publicKey: pair.publicKey };
      default:
        return { signature, message, publicKey: pair.publicKey };
    }
  });
}

describe('VerifyPool', () => {
  let pool: VerifyPool;
  beforeAll(() => {
    pool = createVerifyPool({ size: 2, chunkItemsMax: 50 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('answers like verifyFast for every item of a batch spread over many chunks', async () => {
    const items = mixedBatch(1_000);
    const results = await pool.verifyBatch(items);
    expect(results).toEqual(items.map((item) => verifyFast(item.signature, item.message, item.publicKey)));
    expect(results.filter(Boolean).length).toBe(items.filter((_, i) => [0, 4, 5].includes(i % 6)).length);
  });

  it('keeps concurrent batches apart', async () => {
    const batches = [mixedBatch(120), mixedBatch(7), mixedBatch(333)];
    const results = await Promise.all(batches.map((batch) => pool.verifyBatch(batch)));
    results.forEach((result, b) => expect(result).toEqual(batches[b].map((item) => verifyFast(item.signature, item.message, item.publicKey))));
  });

  it('answers an empty batch and a batch with only malformed items without workers', async () => {
    expect(await pool.verifyBatch([])).toEqual([]);
    const malformed = { signature: new Uint8Array(10), message: new Uint8Array(1), publicKey: new Uint8Array(32) };
    expect(await pool.verifyBatch([malformed])).toEqual([false]);
  });

  it('verifies empty and large messages', async () => {
    const pair = keys[0];
    const messages = [new Uint8Array(0), new Uint8Array(100_000).fill(7)];
    const items = messages.map((message) => ({ signature: sign(message, pair.privateKey), message, publicKey: pair.publicKey }));
    expect(await pool.verifyBatch(items)).toEqual([true, true]);
  });
});

describe('VerifyPool limits and lifecycle', () => {
  it('sizes itself to the cores less one, at least one', () => {
    expect(verifyPoolSizeDefault()).toBeGreaterThanOrEqual(1);
    expect(() => createVerifyPool({ size: 0 })).toThrow(RangeError);
  });

  it('replaces a worker that died and keeps answering', async () => {
    const pool = createVerifyPool({ size: 1 });
    // Reach into the pool only to kill its worker, as a crash would.
    const internals = pool as unknown as { workers: { worker: { terminate(): Promise<number> } }[] };
    const first = internals.workers[0];
    await first.worker.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    expect(internals.workers[0]).not.toBe(first);
    const items = mixedBatch(12);
    expect(await pool.verifyBatch(items)).toEqual(items.map((item) => verifyFast(item.signature, item.message, item.publicKey)));
    await pool.close();
  });

  it('refuses a batch that would overflow its queue, and work after close', async () => {
    const pool = createVerifyPool({ size: 1, chunkItemsMax: 1, queuedChunksMax: 3 });
    // Five items, of which four are well-formed: four chunks of one item, one more than the queue holds.
    await expect(pool.verifyBatch(mixedBatch(5))).rejects.toThrow(/queue is full/);
    expect(await pool.verifyBatch(mixedBatch(1))).toEqual([true]);
    await pool.close();
    await expect(pool.verifyBatch(mixedBatch(1))).rejects.toThrow(/closed/);
  });
});
