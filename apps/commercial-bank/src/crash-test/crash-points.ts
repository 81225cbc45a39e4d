/**
 * Test-only crash points for the load/unload crash tests (load-unload-crash.int.spec.ts). When the
 * process starts with `CBDC_TEST_CRASH_AT=<kind>:<step>` (kind `load` or `unload`), it kills
 * itself with SIGKILL, as `kill -9` would, the first time that step of a load or unload is
 * reached. The variable is read once, at start; without it nothing here is installed, so a
 * production process runs none of this code. The hooks wrap the existing objects (the Kafka
 * producer, the ledger events service, the pool's connections) instead of adding test code to
 * the services themselves.
 *
 * Steps, in the order a load or unload goes through them:
 * - `request-before-commit`: the request's transaction is written but not committed;
 * - `before-publish`: committed, the outbox relay is about to send the command;
 * - `after-publish`: the broker acknowledged the command, the outbox row is not marked sent;
 * - `before-result`: the ledger's result arrived, nothing of it applied;
 * - `while-applying-result`: the result's transaction is written but not committed;
 * - `after-applying-result`: committed, the Kafka offset not yet.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Producer, ProducerBatch } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { KAFKA_PRODUCER, LOGGER, PG_POOL, type Logger } from '@cbdc/platform';
import { LedgerEventsService, type LedgerEvent } from '../wallets/ledger-events.service';
import { WalletsService } from '../wallets/wallets.service';

export const crashAtVariable = 'CBDC_TEST_CRASH_AT';
export const crashKinds = ['load', 'unload'] as const;
export const crashSteps = ['request-before-commit', 'before-publish', 'after-publish', 'before-result', 'while-applying-result', 'after-applying-result'] as const;

type CrashKind = (typeof crashKinds)[number];
type CrashStep = (typeof crashSteps)[number];

export interface CrashPoint {
  kind: CrashKind;
  step: CrashStep;
}

/** The crash point named by the variable, or null; an unknown name is a configuration error. */
export function parseCrashPoint(value: string | undefined): CrashPoint | null {
  if (value === undefined || value.trim() === '') return null;
  const [kind, step] = value.trim().split(':') as [string, string | undefined];
  if (!(crashKinds as readonly string[]).includes(kind) || !(crashSteps as readonly string[]).includes(step ?? '')) {
    throw new Error(`${crashAtVariable} must be <${crashKinds.join('|')}>:<${crashSteps.join('|')}>, got ${JSON.stringify(value)}`);
  }
  return { kind: kind as CrashKind, step: step as CrashStep };
}

// Read once at start.
const crashPoint = parseCrashPoint(process.env[crashAtVariable]);

@Injectable()
export class CrashPoints implements OnModuleInit {
  private readonly commitCrash = new AsyncLocalStorage<boolean>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(LedgerEventsService) private readonly ledgerEvents: LedgerEventsService,
    @Inject(WalletsService) private readonly wallets: WalletsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    if (!crashPoint) return;
    this.logger.warn({ crashPoint }, `${crashAtVariable} is set: this process will kill itself at that step (tests only)`);
    const { kind, step } = crashPoint;
    const commandType = `ledger.${kind}`;
    switch (step) {
      case 'request-before-commit': {
        this.crashOnCommits();
        const original = this.wallets[kind].bind(this.wallets) as (...args: unknown[]) => Promise<unknown>;
        (this.wallets as unknown as Record<string, unknown>)[kind] = (...args: unknown[]) => this.commitCrash.run(true, () => original(...args));
        return;
      }
      case 'before-publish':
      case 'after-publish': {
        const original = this.producer.sendBatch.bind(this.producer);
        this.producer.sendBatch = async (batch: ProducerBatch) => {
          const carries = (batch.topicMessages ?? []).some((t) => t.messages.some((m) => typeof m.value === 'string' && m.value.includes(`"type":"${commandType}"`)));
          if (carries && step === 'before-publish') crash(crashPoint);
          const sent = await original(batch);
          if (carries) crash(crashPoint);
          return sent;
        };
        return;
      }
      case 'before-result':
      case 'while-applying-result':
      case 'after-applying-result': {
        if (step === 'while-applying-result') this.crashOnCommits();
        const original = this.ledgerEvents.applyEvents.bind(this.ledgerEvents);
        this.ledgerEvents.applyEvents = async (events: readonly LedgerEvent[]) => {
          const carries = events.some((event) => event.type === 'results' && event.body.results.some((r) => r.commandType === commandType));
          if (!carries) return original(events);
          if (step === 'before-result') crash(crashPoint);
          if (step === 'while-applying-result') return this.commitCrash.run(true, () => original(events));
          await original(events);
          crash(crashPoint);
        };
        return;
      }
    }
  }

  /**
   * Connections taken inside a crash context die at their COMMIT, with the transaction written.
   * `pool.query` takes its connection through the callback form of `connect`, which is left as it
   * is: a one-statement query has no COMMIT.
   */
  private crashOnCommits(): void {
    const pool = this.pool as unknown as { connect: (callback?: unknown) => unknown };
    const connect = pool.connect.bind(pool);
    const commitCrash = this.commitCrash;
    pool.connect = (callback?: unknown) => {
      if (typeof callback === 'function' || !commitCrash.getStore()) return connect(callback);
      return (connect() as Promise<PoolClient>).then((client) => {
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        const patched = client as unknown as { query: (...args: unknown[]) => unknown };
        patched.query = (...args: unknown[]) => {
          if (typeof args[0] === 'string' && /^\s*commit\s*$/i.test(args[0])) crash(crashPoint!);
          return query(...args);
        };
        return client;
      });
    };
  }
}

function crash(point: CrashPoint): never {
  process.stderr.write(`crash point ${point.kind}:${point.step} reached: SIGKILL\n`);
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is not delivered synchronously on every platform; never run past the point.
  throw new Error('unreachable after SIGKILL');
}
