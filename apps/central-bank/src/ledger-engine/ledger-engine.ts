/**
 * The ledger engine: one writer per partition of the ledger-command topic.
 *
 * Per batch (up to `batchSizeMax` commands: what arrived while the previous batch committed):
 *   parse -> authenticate (signatures verified on a worker pool, off this thread) and look up
 *   already-answered ids, concurrently -> decide the whole batch in memory (libs/ledger) ->
 *   commit it in ONE PostgreSQL transaction with set-based SQL, the consumer position and the
 *   outbox included -> publish the outbox -> move the Kafka offset.
 *
 * Invariants kept:
 * - A command is applied at most once: the stored position skips what was committed, the
 *   primary key on command_id refuses a second application, and a repeat gets the first answer.
 * - The in-memory state equals the committed database state between batches: if a commit fails,
 *   the state (which already holds the failed batch) is dropped and loaded again before the batch
 *   is retried.
 * - Nothing is published before its commit; a bad message never stops the engine (dead letter).
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import {
  commandResultsV1,
  encodeMessage,
  ledgerDeadLetterTopic,
  operatorEventsTopic,
  walletCreditsV1,
  type CommandResultsV1,
  type WalletCreditsV1,
} from '@cbdc/contracts';
import type { VerifyItem } from '@cbdc/crypto';
import {
  applyBatch,
  LedgerCommand,
  LedgerPolicy,
  LedgerState,
  reserveAccount,
  rtgsAccount,
  vaultAccount,
  walletAccount,
  type BatchOutcome,
} from '@cbdc/ledger';
import { named, type Logger } from '@cbdc/platform';
import { authenticate, DeadLetter, IntakeItem, parseCommandMessage, ParsedCommand, regulatorResultOperatorId } from './ledger-command-intake';
import { loadLedgerSnapshot, loadMissing, lockAndRefresh } from './ledger-state-loader';
import { AccountRow, BatchWrite, claimPosition, CommandRow, OperatorRow, OutboxRow, writeBatch } from './ledger-store';
import { OutboxPublisher } from './outbox-publisher';

export interface LedgerEngineSettings {
  readonly topic: string;
  readonly consumerGroup: string;
  /** Partitions of the topic; above 1, every batch locks and re-reads what it touches. */
  readonly partitions: number;
  /** Commands decided and committed together, at most. */
  readonly batchSizeMax: number;
  /**
   * How long an idle fetch waits at the broker. The broker answers as soon as one command is
   * there, so this adds no latency: it only sets how often an idle engine asks (decision 0017).
   */
  readonly fetchWaitMs: number;
  /** Bytes one fetch may bring per partition (bounds memory per batch). */
  readonly fetchBytesMax: number;
  readonly centralBankPublicKey: Uint8Array;
  /** Verifies the regulator's audit-record commands; absent: they are refused (UNKNOWN_OPERATOR). */
  readonly regulatorPublicKey?: Uint8Array | null;
}

export const ledgerEngineSettingsDefault = {
  batchSizeMax: 2_000,
  fetchWaitMs: 500,
  fetchBytesMax: 4 * 1024 * 1024,
} as const;

/**
 * A crashed engine's partitions move to its successor only after the group gives up on it, so the
 * session is short: a restarted engine resumes within about this long. A batch heartbeats after
 * every chunk, far more often.
 */
export const engineSessionTimeoutMs = 10_000;
export const engineHeartbeatIntervalMs = 1_000;
/**
 * Kafka offsets are committed at most this often: the position that counts is the one each
 * batch stores in PostgreSQL, so an older Kafka offset only means a restarted engine skips a few
 * more messages it already applied. One broker round trip per batch saved.
 */
export const engineOffsetCommitIntervalMs = 1_000;

export interface BatchStats {
  readonly partition: number;
  readonly commands: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly deadLetters: number;
  /** Parsing the messages and computing what each signature covers. */
  readonly parseMs: number;
  /** Verifying signatures (worker pool) and looking up repeated ids, concurrently. */
  readonly authenticateMs: number;
  /** Deciding the batch in memory. */
  readonly decideMs: number;
  /** From `begin` to the end of `commit`, deciding included. */
  readonly commitMs: number;
  readonly totalMs: number;
}

export interface LedgerEngineDependencies {
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly verify: (items: readonly VerifyItem[]) => Promise<boolean[]>;
  readonly policy: () => LedgerPolicy;
  readonly ensureTopic: (topic: string) => Promise<void>;
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly onBatch?: (stats: BatchStats) => void;
}

interface PreparedChunk {
  readonly messages: KafkaMessage[];
  readonly began: number;
  readonly parsedAt: number;
  readonly parsed: ParsedCommand[];
  readonly deadLetters: DeadLetter[];
  readonly intake: Promise<IntakeItem[]>;
}

interface StoredAnswer {
  commandType: string;
  status: 'accepted' | 'rejected';
  code: string | null;
  detail: string | null;
  sequence: string | null;
}

type Result = CommandResultsV1['results'][number];

export class LedgerEngine {
  private state: LedgerState | null = null;
  private consumer: Consumer | null = null;
  private readonly publisher: OutboxPublisher;
  private readonly positions = new Map<number, bigint>();
  private lastOffsetCommitMs = 0;
  private readonly clock: () => number;

  constructor(
    private readonly settings: LedgerEngineSettings,
    private readonly deps: LedgerEngineDependencies,
  ) {
    this.publisher = new OutboxPublisher(deps.producer, deps.ensureTopic);
    this.clock = deps.clock ?? Date.now;
  }

  /** The committed state, for read-only reports (supply, invariants). */
  get ledgerState(): LedgerState | null {
    return this.state;
  }

  async start(): Promise<void> {
    await this.loadSnapshot();
    const flushed = await this.publisher.flushLeftovers(this.deps.pool);
    if (flushed > 0) this.deps.logger.info({ flushed }, 'published outbox rows left by the previous run');
    const consumer = this.deps.kafka.consumer({
      groupId: this.settings.consumerGroup,
      sessionTimeout: engineSessionTimeoutMs,
      rebalanceTimeout: engineSessionTimeoutMs,
      heartbeatInterval: engineHeartbeatIntervalMs,
      maxWaitTimeInMs: this.settings.fetchWaitMs,
      maxBytesPerPartition: this.settings.fetchBytesMax,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.settings.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitions,
      eachBatch: (payload) => this.onKafkaBatch(payload),
    });
    this.deps.logger.info(
      { topic: this.settings.topic, partitions: this.settings.partitions, wallets: this.state!.wallets.size },
      'ledger engine started',
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
    await this.publisher.drain().catch(() => undefined);
  }

  private async onKafkaBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const partition = batch.partition;
    let position = this.positions.get(partition);
    if (position === undefined) {
      // A partition the last snapshot did not cover (the topic grew past the setting): give it a
      // stored position and read state and positions again.
      await this.loadSnapshot(partition + 1);
      position = this.positions.get(partition)!;
    }
    const messages = batch.messages;
    const chunks: { messages: KafkaMessage[]; last: KafkaMessage }[] = [];
    for (let start = 0; start < messages.length; start += this.settings.batchSizeMax) {
      const slice = messages.slice(start, start + this.settings.batchSizeMax);
      chunks.push({ messages: slice.filter((m) => BigInt(m.offset) >= position!), last: slice[slice.length - 1]! });
    }
    // Verification of chunk i+1 (worker threads) runs while chunk i commits (PostgreSQL), so the
    // two cores of a small machine both work; see `prepare` for what that means for keys.
    let next: Promise<PreparedChunk> | null = chunks.length > 0 ? this.prepare(chunks[0]!.messages) : null;
    try {
      for (let index = 0; index < chunks.length; index++) {
        const prepared = await next!;
        next = index + 1 < chunks.length ? this.prepare(chunks[index + 1]!.messages) : null;
        if (!payload.isRunning() || payload.isStale()) return;
        if (prepared.messages.length > 0) {
          await this.commitPrepared(partition, prepared);
          position = BigInt(prepared.messages[prepared.messages.length - 1]!.offset) + 1n;
          this.positions.set(partition, position);
        }
        payload.resolveOffset(chunks[index]!.last.offset);
        // Wall-clock time, not the ledger's clock (which tests may hold still).
        if (Date.now() - this.lastOffsetCommitMs >= engineOffsetCommitIntervalMs) {
          this.lastOffsetCommitMs = Date.now();
          await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
        }
        await payload.heartbeat();
      }
    } finally {
      // A chunk prepared ahead of a failure is dropped; Kafka delivers it again.
      next?.catch(() => undefined);
    }
  }

  /** State and positions from one snapshot (see loadLedgerSnapshot): at start and after a failed batch. */
  private async loadSnapshot(partitionsAtLeast = 0): Promise<void> {
    // Rows of partitions created earlier stay in the table, and the snapshot reads every row.
    const partitions = Math.max(this.settings.partitions, partitionsAtLeast);
    const snapshot = await loadLedgerSnapshot(this.deps.pool, this.settings.consumerGroup, this.settings.topic, partitions);
    this.state = snapshot.state;
    this.positions.clear();
    for (const [partition, position] of snapshot.positions) this.positions.set(partition, position);
  }

  /**
   * Parses a chunk and starts verifying its signatures, without waiting. Keys are looked up now:
   * when chunks are prepared ahead, a wallet registered in the chunk still committing is not yet
   * known, and a payment from it is answered UNKNOWN_WALLET without being stored (its sender sent
   * it before the registration's result was out, and may send it again).
   */
  private async prepare(messages: KafkaMessage[]): Promise<PreparedChunk> {
    const began = this.clock();
    const state = this.state!;
    const parsed: ParsedCommand[] = [];
    const deadLetters: DeadLetter[] = [];
    for (const message of messages) {
      const outcome = parseCommandMessage({ offset: message.offset, value: message.value });
      if ('needs' in outcome) parsed.push(outcome);
      else deadLetters.push(outcome);
    }
    if (this.settings.partitions > 1) await this.loadReferenced(state, parsed);
    const parsedAt = this.clock();
    const intake = authenticate(parsed, { state, centralBankPublicKey: this.settings.centralBankPublicKey, regulatorPublicKey: this.settings.regulatorPublicKey ?? null }, this.deps.verify);
    intake.catch(() => undefined);
    return { messages, began, parsedAt, parsed, deadLetters, intake };
  }

  /** Decides and commits one batch; on failure, reloads the state and rethrows (Kafka redelivers). */
  private async commitPrepared(partition: number, prepared: PreparedChunk): Promise<void> {
    const { messages, began, parsedAt, parsed, deadLetters } = prepared;
    await this.publisher.recoverIfFailed(this.deps.pool);
    const state = this.state!;
    // Looked up only now, after the previous chunk committed, so a repeat of anything it applied is seen.
    const [intake, stored] = await Promise.all([prepared.intake, this.storedAnswers(parsed.map((p) => p.commandId))]);

    const authenticatedAt = this.clock();
    const client = await this.deps.pool.connect();
    let committed = false;
    try {
      const commitBegan = this.clock();
      await client.query('begin');
      const expected = this.positions.get(partition)!;
      const nextOffset = BigInt(messages[messages.length - 1]!.offset) + 1n;
      await claimPosition(client, { consumer: this.settings.consumerGroup, topic: this.settings.topic, partition, nextOffset }, expected);
      const toApply: { item: Extract<IntakeItem, { kind: 'command' }> }[] = [];
      for (const item of intake) if (item.kind === 'command') toApply.push({ item });
      if (this.settings.partitions > 1) await this.lockTouched(client, state, toApply.map((t) => t.item.command));
      const outcome = applyBatch(
        state,
        toApply.map((t) => t.item.command),
        { nowMs: this.clock(), policy: this.deps.policy(), seenCommandIds: stored },
      );
      const decidedMs = this.clock() - commitBegan;
      const write = this.buildWrite(partition, intake, toApply.map((t) => t.item), outcome, stored, deadLetters);
      const result = await writeBatch(client, write);
      await client.query('commit');
      committed = true;
      this.publisher.enqueue(result.outboxIds, result.outbox);
      this.deps.onBatch?.({
        partition,
        commands: messages.length,
        accepted: outcome.acceptedCount,
        rejected: outcome.rejectedCount + (intake.length - toApply.length),
        duplicates: outcome.duplicateCount,
        deadLetters: deadLetters.length,
        parseMs: parsedAt - began,
        authenticateMs: authenticatedAt - parsedAt,
        decideMs: decidedMs,
        commitMs: this.clock() - commitBegan,
        totalMs: this.clock() - began,
      });
    } catch (error) {
      if (!committed) {
        await client.query('rollback').catch(() => undefined);
        this.deps.logger.error({ err: error, partition, firstOffset: messages[0]?.offset }, 'batch failed; reloading the ledger state');
        await this.loadSnapshot();
      }
      throw error;
    } finally {
      client.release();
    }
  }

  private async loadReferenced(state: LedgerState, parsed: readonly ParsedCommand[]): Promise<void> {
    const wallets: string[] = [];
    const operators: string[] = [];
    for (const command of parsed) {
      operators.push(command.resultOperatorId);
      for (const need of command.needs) if (need.signer === 'wallet') wallets.push(need.signerId);
      const ledgerCommand = command.toCommand(null);
      if (ledgerCommand.kind === 'payment') wallets.push(ledgerCommand.payeeWalletId);
      if ('walletId' in ledgerCommand) wallets.push(ledgerCommand.walletId);
    }
    await loadMissing(this.deps.pool, state, wallets, operators);
  }

  private async lockTouched(client: PoolClient, state: LedgerState, commands: readonly LedgerCommand[]): Promise<void> {
    const accounts: string[] = [];
    const wallets: string[] = [];
    for (const command of commands) {
      switch (command.kind) {
        case 'payment':
          accounts.push(walletAccount(command.payerWalletId), walletAccount(command.payeeWalletId));
          wallets.push(command.payeeWalletId);
          break;
        case 'load':
        case 'unload':
          accounts.push(walletAccount(command.walletId), vaultAccount(command.operatorId));
          wallets.push(command.walletId);
          break;
        case 'issue':
        case 'recall':
          accounts.push(reserveAccount(command.operatorId), vaultAccount(command.operatorId));
          break;
        case 'credit-reserve':
          accounts.push(rtgsAccount, reserveAccount(command.operatorId));
          break;
        default:
          break;
      }
    }
    await lockAndRefresh(client, state, accounts, wallets);
  }

  /** The first answers of ids this batch repeats, from earlier batches. */
  private async storedAnswers(commandIds: readonly string[]): Promise<Map<string, StoredAnswer>> {
    const answers = new Map<string, StoredAnswer>();
    if (commandIds.length === 0) return answers;
    const result = await this.deps.pool.query<{ command_id: string; command_type: string; status: 'accepted' | 'rejected'; code: string | null; detail: string | null; sequence: string | null }>(named(
      // A join on unnest probes the primary key once per id; `= any($1)` with thousands of ids
      // may be planned as a scan of the whole table.
      `select c.command_id, c.command_type, c.status, c.code, c.detail, c.sequence
       from unnest($1::text[]) as i(id) join ledger_commands c on c.command_id = i.id`,
      [commandIds],
    ));
    for (const row of result.rows) {
      answers.set(row.command_id, { commandType: row.command_type, status: row.status, code: row.code, detail: row.detail, sequence: row.sequence });
    }
    return answers;
  }

  private buildWrite(
    partition: number,
    intake: readonly IntakeItem[],
    applied: readonly Extract<IntakeItem, { kind: 'command' }>[],
    outcome: BatchOutcome,
    stored: ReadonlyMap<string, StoredAnswer>,
    deadLetters: readonly DeadLetter[],
  ): BatchWrite {
    const state = this.state!;
    const commands: CommandRow[] = [];
    /** Per applied command: its index in `commands`, or -1 when it was a duplicate. */
    const rowIndex: number[] = [];
    const newOperatorIds = new Set<string>();
    const newWalletIds = new Set<string>();
    for (let index = 0; index < applied.length; index++) {
      const result = outcome.results[index]!;
      const parsed = applied[index]!.parsed;
      if (result.status === 'duplicate') {
        rowIndex.push(-1);
        continue;
      }
      const transfer = result.status === 'accepted' ? result.transfers[0] : undefined;
      if (result.status === 'accepted' && result.transfers.length > 1) throw new Error(`command ${result.commandId} made more than one transfer`);
      const command = applied[index]!.command;
      if (result.status === 'accepted' && command.kind === 'register-operator') newOperatorIds.add(command.operatorId);
      if (result.status === 'accepted' && command.kind === 'register-wallet') newWalletIds.add(command.walletId);
      rowIndex.push(commands.length);
      commands.push({
        commandId: result.commandId,
        commandType: parsed.type,
        operatorId: parsed.resultOperatorId,
        status: result.status,
        code: result.status === 'rejected' ? result.code : null,
        detail: result.status === 'rejected' ? result.detail : null,
        debitAccount: transfer?.debit ?? null,
        creditAccount: transfer?.credit ?? null,
        amount: transfer?.amount ?? null,
        largeValue: result.status === 'accepted' && result.largeValue,
        facts: parsed.facts ? JSON.stringify(parsed.facts) : null,
      });
    }

    const operatorRow = (id: string): OperatorRow => {
      const o = state.operators.get(id)!;
      return {
        operatorId: o.operatorId,
        name: o.name,
        kind: o.operatorKind,
        publicKey: o.publicKey,
        reserveRatioBps: o.reserveRatioBps,
        issueQuotaAuto: o.issueQuotaAuto,
        reserveCredited: o.reserveCredited,
        issued: o.issued,
        recalled: o.recalled,
        crossOperatorNet: o.crossOperatorNet,
      };
    };

    // The outcome's records are live: read every value now, before anything else runs.
    const usageOf = new Map<string, AccountRow['usage']>();
    for (const w of outcome.wallets) {
      usageOf.set(walletAccount(w.walletId), { lastCounter: w.lastCounter, dayKey: w.dayKey, dayTotal: w.dayTotal, yearKey: w.yearKey, yearTotal: w.yearTotal });
    }
    const newAccountIds = new Set<string>();
    for (const id of newOperatorIds) newAccountIds.add(reserveAccount(id)).add(vaultAccount(id));
    for (const id of newWalletIds) newAccountIds.add(walletAccount(id));
    const newAccounts: AccountRow[] = [];
    const changedAccounts: AccountRow[] = [];
    for (const account of outcome.accounts) {
      const row = { accountId: account.accountId, balance: account.balance, usage: usageOf.get(account.accountId) ?? null };
      (newAccountIds.has(account.accountId) ? newAccounts : changedAccounts).push(row);
      usageOf.delete(account.accountId);
    }
    // A registration creates accounts at zero that no transfer touched yet.
    for (const id of newAccountIds) {
      if (!newAccounts.some((a) => a.accountId === id)) newAccounts.push({ accountId: id, balance: state.accounts.get(id as never)!.balance, usage: null });
    }
    // A wallet debited by nothing but re-classed appears with its usage only.
    for (const [accountId, usage] of usageOf) {
      if (!newAccountIds.has(accountId)) changedAccounts.push({ accountId, balance: state.accounts.get(accountId as never)!.balance, usage });
    }
    const classChanges: { walletId: string; walletClass: number }[] = [];
    for (let index = 0; index < applied.length; index++) {
      const command = applied[index]!.command;
      if (command.kind === 'change-wallet-class' && outcome.results[index]!.status === 'accepted') {
        classChanges.push({ walletId: command.walletId, walletClass: command.walletClass });
      }
    }
    const newWallets = [...newWalletIds].map((id) => {
      const w = state.wallets.get(id)!;
      return { walletId: w.walletId, operatorId: w.operatorId, walletClass: w.walletClass, publicKey: w.publicKey, escrow: w.escrow };
    });

    const committedAt = new Date(this.clock());
    return {
      partition,
      committedAt,
      commands,
      newOperators: [...newOperatorIds].map(operatorRow),
      changedOperators: outcome.operators.filter((o) => !newOperatorIds.has(o.operatorId)).map((o) => operatorRow(o.operatorId)),
      newWallets,
      classChanges,
      newAccounts,
      changedAccounts,
      publishedThroughId: this.publisher.publishedThroughId,
      outbox: (batchId, sequences) =>
        this.buildOutbox(batchId, committedAt, intake, applied, outcome, rowIndex, sequences, stored, deadLetters, partition),
    };
  }

  private buildOutbox(
    batchId: bigint,
    committedAt: Date,
    intake: readonly IntakeItem[],
    applied: readonly Extract<IntakeItem, { kind: 'command' }>[],
    outcome: BatchOutcome,
    rowIndex: readonly number[],
    sequences: readonly (bigint | null)[],
    stored: ReadonlyMap<string, StoredAnswer>,
    deadLetters: readonly DeadLetter[],
    partition: number,
  ): OutboxRow[] {
    const state = this.state!;
    const results = new Map<string, Result[]>();
    const credits = new Map<string, WalletCreditsV1['credits']>();
    const push = <T>(map: Map<string, T[]>, operatorId: string, value: T) => {
      // The regulator is not an operator but reads the answers to its audit records.
      if (!state.operators.has(operatorId) && operatorId !== regulatorResultOperatorId) return;
      let list = map.get(operatorId);
      if (!list) map.set(operatorId, (list = []));
      list.push(value);
    };

    const appliedIndex = new Map<IntakeItem, number>();
    applied.forEach((item, index) => appliedIndex.set(item, index));
    const answerOf = new Map<string, Result>();
    for (const item of intake) {
      if (item.kind === 'rejected') {
        const r = item.rejection;
        push(results, r.resultOperatorId, { commandId: r.commandId, commandType: r.type, status: 'rejected', code: r.code, detail: r.detail });
        continue;
      }
      if (item.kind !== 'command') continue;
      const index = appliedIndex.get(item)!;
      const result = outcome.results[index]!;
      const parsed = item.parsed;
      let answer: Result;
      if (result.status === 'duplicate') {
        const first = result.firstIndexInBatch === null ? stored.get(result.commandId) : undefined;
        if (first) {
          answer = {
            commandId: result.commandId,
            commandType: first.commandType,
            status: first.status,
            ...(first.code ? { code: first.code } : {}),
            ...(first.detail ? { detail: first.detail } : {}),
            ...(first.sequence ? { sequence: BigInt(first.sequence) } : {}),
          };
        } else {
          answer = answerOf.get(result.commandId)!;
        }
      } else {
        const sequence = sequences[rowIndex[index]!] ?? null;
        answer =
          result.status === 'accepted'
            ? { commandId: result.commandId, commandType: parsed.type, status: 'accepted', sequence: sequence!, ...(result.largeValue ? { largeValue: true } : {}) }
            : { commandId: result.commandId, commandType: parsed.type, status: 'rejected', code: result.code, detail: result.detail };
        answerOf.set(result.commandId, answer);
        if (result.status === 'accepted' && item.command.kind === 'payment') {
          const payment = item.command;
          const payee = state.wallets.get(payment.payeeWalletId)!;
          push(credits, payee.operatorId, {
            paymentId: payment.commandId,
            payerWalletId: payment.payerWalletId,
            payeeWalletId: payment.payeeWalletId,
            amount: payment.amount,
            sequence: sequence!,
          });
        }
      }
      push(results, parsed.resultOperatorId, answer);
    }

    const rows: OutboxRow[] = [];
    const at = committedAt.getTime();
    for (const [operatorId, list] of results) {
      rows.push({ topic: operatorEventsTopic(operatorId), key: operatorId, payload: encodeMessage(commandResultsV1, { batchId, committedAt: at, results: list }) });
    }
    for (const [operatorId, list] of credits) {
      rows.push({ topic: operatorEventsTopic(operatorId), key: operatorId, payload: encodeMessage(walletCreditsV1, { batchId, committedAt: at, credits: list }) });
    }
    for (const dead of deadLetters) {
      rows.push({
        topic: ledgerDeadLetterTopic,
        key: `${this.settings.topic}:${partition}:${dead.offset}`,
        payload: JSON.stringify({ topic: this.settings.topic, partition, offset: dead.offset, code: dead.code, reason: dead.reason, value: dead.value }),
      });
    }
    return rows;
  }
}
