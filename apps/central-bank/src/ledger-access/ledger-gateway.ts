import { Inject, Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import type { KeyedMessage } from '@cbdc/contracts';
import { KAFKA_PRODUCER, PG_POOL } from '@cbdc/platform';
import { CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import type { CentralBankSettings } from '../central-bank.settings';

/** How the engine decided one command, as stored in `ledger_commands`. */
export interface LedgerDecision {
  readonly commandId: string;
  readonly commandType: string;
  readonly operatorId: string | null;
  readonly status: 'accepted' | 'rejected';
  readonly code: string | null;
  readonly detail: string | null;
  readonly sequence: string | null;
  readonly amount: string | null;
  readonly facts: Record<string, unknown> | null;
}

/** Polling for a decision starts fast (the engine commits within milliseconds) and backs off. */
export const decisionPollIntervalMsMin = 5;
export const decisionPollIntervalMsMax = 100;
/** Command ids looked up in one query, at most. */
export const decisionLookupIdsMax = 1_000;

export class LedgerTimeoutError extends Error {
  override readonly name = 'LedgerTimeoutError';
  constructor(
    readonly commandIds: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(`the ledger did not decide ${commandIds.join(', ')} within ${timeoutMs} ms`);
  }
}

/**
 * The central bank's own way onto the ledger: it produces signed commands to the ledger topic
 * (acks from every in-sync replica) and reads the engine's decisions from `ledger_commands`,
 * where the engine stores the first answer to every command id it accepted or rejected.
 *
 * Only commands signed by the central bank go through here, so none is refused before the ledger
 * sees it (the engine never stores a refusal of a bad signature); waiting is still bounded.
 */
@Injectable()
export class LedgerGateway {
  readonly answerTimeoutMs: number;
  private readonly topic: string;

  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CENTRAL_BANK_SETTINGS) settings: CentralBankSettings,
  ) {
    this.topic = settings.LEDGER_COMMANDS_TOPIC;
    this.answerTimeoutMs = settings.LEDGER_ANSWER_TIMEOUT_MS;
  }

  async submit(messages: readonly KeyedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send({ topic: this.topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
  }

  /** The decisions already stored for these ids; ids not yet decided are absent. */
  async decisions(commandIds: readonly string[]): Promise<Map<string, LedgerDecision>> {
    const out = new Map<string, LedgerDecision>();
    for (let start = 0; start < commandIds.length; start += decisionLookupIdsMax) {
      const ids = commandIds.slice(start, start + decisionLookupIdsMax);
      const result = await this.pool.query<{
        command_id: string;
        command_type: string;
        operator_id: string | null;
        status: 'accepted' | 'rejected';
        code: string | null;
        detail: string | null;
        sequence: string | null;
        amount: string | null;
        facts: Record<string, unknown> | null;
      }>(
        `select command_id, command_type, operator_id, status, code, detail, sequence, amount, facts
         from ledger_commands where command_id = any($1)`,
        [ids],
      );
      for (const row of result.rows) {
        out.set(row.command_id, {
          commandId: row.command_id,
          commandType: row.command_type,
          operatorId: row.operator_id,
          status: row.status,
          code: row.code,
          detail: row.detail,
          sequence: row.sequence,
          amount: row.amount,
          facts: row.facts,
        });
      }
    }
    return out;
  }

  /** Waits until every id is decided or `timeoutMs` passed; returns what was decided by then. */
  async awaitDecisions(commandIds: readonly string[], timeoutMs: number = this.answerTimeoutMs): Promise<Map<string, LedgerDecision>> {
    const deadline = Date.now() + timeoutMs;
    let interval = decisionPollIntervalMsMin;
    for (;;) {
      const decided = await this.decisions(commandIds);
      if (decided.size === new Set(commandIds).size || Date.now() >= deadline) return decided;
      await new Promise((resolve) => setTimeout(resolve, Math.min(interval, Math.max(0, deadline - Date.now()))));
      interval = Math.min(decisionPollIntervalMsMax, Math.ceil(interval * 1.5));
    }
  }

  /** Submits one command and waits for its decision; throws LedgerTimeoutError when none came in time. */
  async submitAndAwait(message: KeyedMessage, commandId: string): Promise<LedgerDecision> {
    await this.submit([message]);
    const decision = (await this.awaitDecisions([commandId])).get(commandId);
    if (!decision) throw new LedgerTimeoutError([commandId], this.answerTimeoutMs);
    return decision;
  }
}
