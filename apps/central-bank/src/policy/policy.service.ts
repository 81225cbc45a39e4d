import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { policyUpdateRequestV1, type PolicyViewV1 } from '@cbdc/contracts';
import { InvalidPolicyError, type LedgerPolicy, type PolicyPresetName } from '@cbdc/ledger';
import { LOGGER, PG_POOL, type Logger } from '@cbdc/platform';
import { ApiError, parseInput } from '../http/api-error';
import {
  classLimitsFromStored,
  defaultPolicyOptions,
  optionsFromUpdate,
  policyOf,
  policyView,
  storedClassLimits,
  type PolicyRecord,
  type StoredClassLimits,
} from './policy-record';

interface PolicyRow {
  version: string;
  preset: PolicyPresetName;
  class_limits: StoredClassLimits | null;
  large_value_threshold: string;
  calendar_utc_offset_minutes: number;
  created_at: Date;
  created_by: string | null;
}

/**
 * Holds the policy the ledger engine enforces. The engine reads it through `current()` once per
 * batch; the HTTP API writes a new version to PostgreSQL and swaps the held one after the commit.
 *
 * An in-memory holder is enough because the API and the engine run in the same process. A
 * deployment with the API and the engine in separate processes (or several engine processes)
 * would have each engine reload the newest version, on a PostgreSQL NOTIFY or every few seconds,
 * so a change applies to every partition within that delay.
 */
@Injectable()
export class PolicyService {
  private record!: PolicyRecord;
  private policy!: LedgerPolicy;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Reads the newest version, writing the default first on a fresh database. */
  async load(): Promise<void> {
    const defaults = defaultPolicyOptions();
    await this.pool.query(
      `insert into ledger_policy_versions (preset, class_limits, large_value_threshold, calendar_utc_offset_minutes)
       select $1, null, $2, $3 where not exists (select 1 from ledger_policy_versions)`,
      [defaults.preset, defaults.largeValueThreshold.toString(), defaults.calendarUtcOffsetMinutes],
    );
    const result = await this.pool.query<PolicyRow>('select * from ledger_policy_versions order by version desc limit 1');
    this.hold(recordOf(result.rows[0]!));
    this.logger.info({ version: this.record.version, policy: this.policy.name }, 'ledger policy loaded');
  }

  current(): LedgerPolicy {
    return this.policy;
  }

  view(): PolicyViewV1 {
    return policyView(this.record, this.policy);
  }

  async update(body: unknown, apiKeyId: string | null): Promise<PolicyViewV1> {
    const options = optionsFromUpdate(parseInput(policyUpdateRequestV1, body));
    let policy: LedgerPolicy;
    try {
      policy = policyOf(options);
    } catch (error) {
      if (error instanceof InvalidPolicyError) {
        throw new ApiError(400, 'VALIDATION_FAILED', error.message, { field: 'classLimits', failures: error.failures });
      }
      throw error;
    }
    const result = await this.pool.query<PolicyRow>(
      `insert into ledger_policy_versions (preset, class_limits, large_value_threshold, calendar_utc_offset_minutes, created_by)
       values ($1, $2, $3, $4, $5) returning *`,
      [options.preset, storedClassLimits(options.classLimits), options.largeValueThreshold.toString(), options.calendarUtcOffsetMinutes, apiKeyId],
    );
    const record = recordOf(result.rows[0]!);
    // Versions only grow; a slower writer never swaps in an older version than the one held.
    if (BigInt(record.version) > BigInt(this.record.version)) this.hold(record, policy);
    this.logger.info({ version: record.version, policy: policy.name, by: apiKeyId }, 'ledger policy changed');
    return policyView(record, policy);
  }

  private hold(record: PolicyRecord, policy: LedgerPolicy = policyOf(record)): void {
    this.record = record;
    this.policy = policy;
  }
}

function recordOf(row: PolicyRow): PolicyRecord {
  return {
    version: row.version,
    preset: row.preset,
    classLimits: classLimitsFromStored(row.class_limits),
    largeValueThreshold: BigInt(row.large_value_threshold),
    calendarUtcOffsetMinutes: row.calendar_utc_offset_minutes,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
