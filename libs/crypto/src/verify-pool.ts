// Ed25519 verification off the main thread: a pool of worker threads on node's OpenSSL.
//
// The ledger engine is a single writer; checking payment signatures on its thread would cap
// it at the verification rate of one core. The pool spreads a batch over `size` workers in
// chunks and answers one boolean per item, in input order.
// The worker's code is a string run with `eval: true`, so the pool works the same from
// TypeScript under Jest or tsx and from compiled JavaScript in dist/, with no worker file to
// locate on disk.
// Invariants: results[i] is true exactly when items[i] verifies under RFC 8032 on OpenSSL (the
// same answer as `verifyFast`); malformed items are false, never an exception; every queue is
// bounded; an idle pool does not keep the process alive, a busy one does.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ed25519PublicKeyBytes, ed25519SignatureBytes, keyCacheSizeMaxDefault } from './ed25519';

export interface VerifyItem {
  signature: Uint8Array;
  message: Uint8Array;
  publicKey: Uint8Array;
}

export interface VerifyPoolOptions {
  /** Worker threads; default `verifyPoolSizeDefault()`. */
  size?: number;
  /** Most items sent to a worker in one message. */
  chunkItemsMax?: number;
  /** Bound of each worker's cache of public KeyObjects. */
  keyCacheSizeMax?: number;
  /** Most chunks waiting for a worker; beyond it `verifyBatch` rejects instead of growing memory. */
  queuedChunksMax?: number;
}

/** Most items per chunk by default: about 5 ms of work, so messaging overhead stays small. */
export const verifyChunkItemsMaxDefault = 256;
/** Most chunks waiting by default: about a million items. */
export const verifyQueuedChunksMaxDefault = 4096;
/** Worker restarts after crashes over the pool's life; past it the pool fails loudly instead of respawning forever. */
export const verifyWorkerRestartsMax = 16;
/** Chunks in flight per worker: two, so a worker never idles while its next chunk is posted. */
const chunksInFlightPerWorkerMax = 2;
/** Bytes of one item's fixed part in a chunk: message length (u32), signature, public key. */
const itemHeaderBytes = 4 + ed25519SignatureBytes + ed25519PublicKeyBytes;

/** One worker fewer than the cores, so the main thread keeps one; at least one. */
export function verifyPoolSizeDefault(): number {
  return Math.max(1, availableParallelism() - 1);
}

// Runs inside each worker. Plain CommonJS JavaScript: it is not compiled, so keep it simple.
// Chunk layout: u32 item count, then per item: u32 message length, 64-byte signature,
// 32-byte public key, message. The answer is one byte per item (1 = valid).
const workerSource = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const crypto = require('node:crypto');
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');
const keyCacheSizeMax = workerData.keyCacheSizeMax;
const cache = new Map();
function keyObject(raw) {
  const cacheKey = raw.toString('base64');
  let key = cache.get(cacheKey);
  if (key !== undefined) {
    cache.delete(cacheKey);
    cache.set(cacheKey, key);
    return key;
  }
  key = crypto.createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
  if (keyCacheSizeMax > 0) {
    if (cache.size >= keyCacheSizeMax) cache.delete(cache.keys().next().value);
    cache.set(cacheKey, key);
  }
  return key;
}
parentPort.on('message', ({ id, chunk }) => {
  const bytes = Buffer.from(chunk);
  const count = bytes.readUInt32BE(0);
  const results = new Uint8Array(count);
  let offset = 4;
  for (let i = 0; i < count; i++) {
    const messageLength = bytes.readUInt32BE(offset);
    const signature = bytes.subarray(offset + 4, offset + 68);
    const publicKey = bytes.subarray(offset + 68, offset + 100);
    const message = bytes.subarray(offset + 100, offset + 100 + messageLength);
    offset += 100 + messageLength;
    try {
      results[i] = crypto.verify(null, message, keyObject(publicKey), signature) ? 1 : 0;
    } catch {
      results[i] = 0;
    }
  }
  parentPort.postMessage({ id, results }, [results.buffer]);
});
`;

interface Chunk {
  id: number;
  buffer: ArrayBuffer;
  /** Input positions of the chunk's items, in chunk order. */
  positions: number[];
  resolve: (results: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, Chunk>;
}

export class VerifyPool {
  readonly size: number;
  private readonly chunkItemsMax: number;
  private readonly keyCacheSizeMax: number;
  private readonly queuedChunksMax: number;
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Chunk[] = [];
  private nextChunkId = 1;
  private closed = false;
  private restarts = 0;

  constructor(options: VerifyPoolOptions = {}) {
    this.size = options.size ?? verifyPoolSizeDefault();
    this.chunkItemsMax = options.chunkItemsMax ?? verifyChunkItemsMaxDefault;
    this.keyCacheSizeMax = options.keyCacheSizeMax ?? keyCacheSizeMaxDefault;
    this.queuedChunksMax = options.queuedChunksMax ?? verifyQueuedChunksMaxDefault;
    assertPositiveInteger(this.size, 'size');
    assertPositiveInteger(this.chunkItemsMax, 'chunkItemsMax');
    assertPositiveInteger(this.queuedChunksMax, 'queuedChunksMax');
    for (let i = 0; i < this.size; i++) this.workers.push(this.startWorker());
  }

  /** One boolean per item, in input order: whether the signature is valid. */
  async verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
    if (this.closed) throw new Error('verify pool is closed');
    const results = new Array<boolean>(items.length).fill(false);
    const wellFormed: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.signature?.length === ed25519SignatureBytes && item.publicKey?.length === ed25519PublicKeyBytes && item.message instanceof Uint8Array) {
        wellFormed.push(i);
      }
    }
    if (wellFormed.length === 0) return results;
    // Even chunks across the workers, so a batch of a few hundred still uses every core.
    const chunkItems = Math.min(this.chunkItemsMax, Math.ceil(wellFormed.length / this.size));
    const chunkCount = Math.ceil(wellFormed.length / chunkItems);
    if (this.queue.length + chunkCount > this.queuedChunksMax) {
      throw new Error(`verify pool queue is full (${this.queue.length} chunks waiting, ${this.queuedChunksMax} at most)`);
    }
    const pending: Promise<void>[] = [];
    for (let start = 0; start < wellFormed.length; start += chunkItems) {
      const positions = wellFormed.slice(start, start + chunkItems);
      const buffer = packChunk(items, positions);
      pending.push(
        new Promise<Uint8Array>((resolve, reject) => {
          this.queue.push({ id: this.nextChunkId++, buffer, positions, resolve, reject });
        }).then((answers) => {
          for (let j = 0; j < positions.length; j++) results[positions[j]] = answers[j] === 1;
        }),
      );
    }
    this.dispatch();
    await Promise.all(pending);
    return results;
  }

  /** Stops the workers; chunks not yet answered are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('verify pool is closed');
    for (const chunk of this.queue.splice(0)) chunk.reject(error);
    await Promise.all(
      this.workers.map(async ({ worker, inFlight }) => {
        for (const chunk of inFlight.values()) chunk.reject(error);
        inFlight.clear();
        await worker.terminate();
      }),
    );
  }

  private startWorker(): PoolWorker {
    const worker = new Worker(workerSource, { eval: true, workerData: { keyCacheSizeMax: this.keyCacheSizeMax } });
    const poolWorker: PoolWorker = { worker, inFlight: new Map() };
    worker.unref();
    worker.on('message', ({ id, results }: { id: number; results: Uint8Array }) => {
      const chunk = poolWorker.inFlight.get(id);
      if (chunk === undefined) return;
      poolWorker.inFlight.delete(id);
      if (poolWorker.inFlight.size === 0) worker.unref();
      chunk.resolve(results);
      this.dispatch();
    });
    const fail = (error: Error): void => {
      if (this.closed) return;
      for (const chunk of poolWorker.inFlight.values()) chunk.reject(error);
      poolWorker.inFlight.clear();
      const index = this.workers.indexOf(poolWorker);
      if (index < 0) return; // already replaced ('error' is followed by 'exit')
      if (this.restarts >= verifyWorkerRestartsMax) {
        // Something kills every worker: stop, so callers see errors rather than a respawn loop.
        void this.close();
        return;
      }
      // Replace the dead worker so one crash does not shrink the pool for good.
      this.restarts++;
      this.workers[index] = this.startWorker();
      this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`verify worker exited with code ${code}`)));
    return poolWorker;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let target: PoolWorker | undefined;
      for (const candidate of this.workers) {
        if (candidate.inFlight.size < chunksInFlightPerWorkerMax && (target === undefined || candidate.inFlight.size < target.inFlight.size)) {
          target = candidate;
        }
      }
      if (target === undefined) return;
      const chunk = this.queue.shift() as Chunk;
      if (target.inFlight.size === 0) target.worker.ref();
      target.inFlight.set(chunk.id, chunk);
      target.worker.postMessage({ id: chunk.id, chunk: chunk.buffer }, [chunk.buffer]);
    }
  }
}

/** A pool of verification workers; call `close()` when done (an idle pool does not block exit). */
export function createVerifyPool(options: VerifyPoolOptions = {}): VerifyPool {
  return new VerifyPool(options);
}

function packChunk(items: readonly VerifyItem[], positions: readonly number[]): ArrayBuffer {
  let length = 4;
  for (const position of positions) length += itemHeaderBytes + items[position].message.length;
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, positions.length);
  let offset = 4;
  for (const position of positions) {
    const { signature, publicKey, message } = items[position];
    view.setUint32(offset, message.length);
    bytes.set(signature, offset + 4);
    bytes.set(publicKey, offset + 4 + ed25519SignatureBytes);
    bytes.set(message, offset + itemHeaderBytes);
    offset += itemHeaderBytes + message.length;
  }
  return bytes.buffer;
}

function assertPositiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}
