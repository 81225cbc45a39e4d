/**
 * The holder's payment counter. The ledger accepts a payment or unload only with a counter above
 * the wallet's last accepted one (gaps allowed), so a captured instruction can never be replayed.
 *
 * Invariants: `nextCounter()` returns a value strictly above every value it returned before, for
 * the life of the store; the file store writes the new value to disk (written, fsynced, renamed
 * into place) before returning it, so a crash can skip a counter but never hand one out twice;
 * `advancePast` never moves a counter back; no counter exceeds 2^63-1.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WalletSdkError } from './wallet-sdk-error';

/** Largest counter the ledger stores (a signed 64-bit column). */
export const counterMax = 2n ** 63n - 1n;
/** How long the file store waits for another process's lock before giving up. */
export const counterLockWaitMsDefault = 5_000;
/** Pause between attempts to take the lock. */
const lockRetryMs = 10;
/** Largest counter file we read. */
const counterFileBytesMax = 1024;
const counterFileFormat = 'cbdc-wallet-counter';
const counterFileVersion = 1;

export interface CounterStore {
  /** The counter for the next instruction, stored before it is returned. */
  nextCounter(): Promise<bigint>;
  /** The last counter handed out or advanced past; 0n before the first. */
  lastCounter(): Promise<bigint>;
  /** Moves the store so the next counter is above `counter` (one used on another device, or the ledger's last accepted); never moves back. */
  advancePast(counter: bigint): Promise<void>;
}

/** A counter in memory: for tests and load generators that own their wallets for one run. */
export class InMemoryCounterStore implements CounterStore {
  private last: bigint;

  constructor(lastCounter = 0n) {
    checkCounter(lastCounter);
    this.last = lastCounter;
  }

  async nextCounter(): Promise<bigint> {
    this.last = incremented(this.last);
    return this.last;
  }

  async lastCounter(): Promise<bigint> {
    return this.last;
  }

  async advancePast(counter: bigint): Promise<void> {
    checkCounter(counter);
    if (counter > this.last) this.last = counter;
  }
}

export interface FileCounterStoreOptions {
  lockWaitMs?: number;
}

/**
 * A counter in a small JSON file next to the key file. Calls in one process are queued; calls from
 * several processes are serialized by an exclusive lock file (`<path>.lock`). A lock left behind
 * by a killed process makes later calls fail with COUNTER_LOCKED naming the file to remove.
 */
export class FileCounterStore implements CounterStore {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lockWaitMs: number;

  constructor(
    readonly path: string,
    options: FileCounterStoreOptions = {},
  ) {
    this.lockWaitMs = options.lockWaitMs ?? counterLockWaitMsDefault;
  }

  nextCounter(): Promise<bigint> {
    return this.locked(async () => {
      const next = incremented(await this.read());
      await this.write(next);
      return next;
    });
  }

  lastCounter(): Promise<bigint> {
    return this.locked(() => this.read());
  }

  advancePast(counter: bigint): Promise<void> {
    checkCounter(counter);
    return this.locked(async () => {
      if (counter > (await this.read())) await this.write(counter);
    });
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const lockPath = `${this.path}.lock`;
      const lock = await this.acquire(lockPath);
      try {
        return await work();
      } finally {
        await lock.close();
        await unlink(lockPath);
      }
    });
    // The queue only orders calls; each caller sees its own failure.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async acquire(lockPath: string) {
    const deadline = Date.now() + this.lockWaitMs;
    for (;;) {
      try {
        return await open(lockPath, 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (Date.now() >= deadline) {
          throw new WalletSdkError('COUNTER_LOCKED', `the counter file is locked by ${lockPath}; if no other cbdc process is running, remove that file`);
        }
        await new Promise((resolve) => setTimeout(resolve, lockRetryMs));
      }
    }
  }

  private async read(): Promise<bigint> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0n;
      throw error;
    }
    const fail = (): never => {
      throw new WalletSdkError('COUNTER_FILE_MALFORMED', `${this.path} is not a counter file; restore it, or advance past the ledger's last counter`);
    };
    if (text.length > counterFileBytesMax) fail();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      fail();
    }
    const file = value as { format?: unknown; version?: unknown; lastCounter?: unknown };
    if (typeof value !== 'object' || value === null || file.format !== counterFileFormat || file.version !== counterFileVersion) fail();
    if (typeof file.lastCounter !== 'string' || !/^(0|[1-9][0-9]{0,18})$/.test(file.lastCounter)) fail();
    const last = BigInt(file.lastCounter as string);
    if (last > counterMax) fail();
    return last;
  }

  private async write(counter: bigint): Promise<void> {
    const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ format: counterFileFormat, version: counterFileVersion, lastCounter: counter.toString() })}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.path);
    // The rename is durable only once the directory entry is on disk too.
    const directory = await open(dirname(this.path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}

function incremented(last: bigint): bigint {
  if (last >= counterMax) throw new WalletSdkError('COUNTER_EXHAUSTED', 'the wallet counter reached 2^63-1; open a new wallet');
  return last + 1n;
}

function checkCounter(counter: bigint): void {
  if (typeof counter !== 'bigint' || counter < 0n || counter > counterMax) throw new RangeError(`a counter is a bigint in 0..2^63-1, got ${String(counter)}`);
}
