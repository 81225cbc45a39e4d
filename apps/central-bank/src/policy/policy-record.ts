/**
 * The ledger policy as the central bank stores it (a preset, custom class limits, the
 * large-value threshold, the calendar offset) and its conversions: to the `LedgerPolicy` the
 * engine enforces, to the JSON view of the API, and from a PUT body. Pure; the service does I/O.
 */
import type { ClassLimitsViewV1, PolicyUpdateRequestV1, PolicyViewV1 } from '@cbdc/contracts';
import {
  calendarUtcOffsetMinutesDefault,
  createPolicy,
  largeValueThresholdDefault,
  policyPresetDefault,
  walletClasses,
  type ClassLimits,
  type LedgerPolicy,
  type PolicyOptions,
  type PolicyPresetName,
  type WalletClass,
} from '@cbdc/ledger';

export interface PolicyRecord {
  readonly version: string;
  readonly preset: PolicyPresetName;
  /** Only the classes whose limits replace the preset's. */
  readonly classLimits: Partial<Record<WalletClass, ClassLimits>>;
  readonly largeValueThreshold: bigint;
  readonly calendarUtcOffsetMinutes: number;
  readonly createdAt: Date;
  readonly createdBy: string | null;
}

export type StoredClassLimits = Partial<Record<'1' | '2' | '3' | '4', Record<keyof ClassLimits, string>>>;

/** What is stored for a fresh database: the default preset, nothing custom. */
export function defaultPolicyOptions(): Required<Omit<PolicyOptions, 'classLimits'>> & { classLimits: Partial<Record<WalletClass, ClassLimits>> } {
  return {
    preset: policyPresetDefault,
    classLimits: {},
    largeValueThreshold: largeValueThresholdDefault,
    calendarUtcOffsetMinutes: calendarUtcOffsetMinutesDefault,
  };
}

export function policyOf(record: Pick<PolicyRecord, 'preset' | 'classLimits' | 'largeValueThreshold' | 'calendarUtcOffsetMinutes'>): LedgerPolicy {
  return createPolicy({
    preset: record.preset,
    classLimits: record.classLimits,
    largeValueThreshold: record.largeValueThreshold,
    calendarUtcOffsetMinutes: record.calendarUtcOffsetMinutes,
  });
}

/** A PUT replaces the whole policy: what the body leaves out takes its default. */
export function optionsFromUpdate(update: PolicyUpdateRequestV1): Pick<PolicyRecord, 'preset' | 'classLimits' | 'largeValueThreshold' | 'calendarUtcOffsetMinutes'> {
  const defaults = defaultPolicyOptions();
  const classLimits: Partial<Record<WalletClass, ClassLimits>> = {};
  for (const walletClass of walletClasses) {
    const limits = update.classLimits?.[walletClass];
    if (limits) classLimits[walletClass] = { ...limits };
  }
  return {
    preset: update.preset ?? defaults.preset,
    classLimits,
    largeValueThreshold: update.largeValueThreshold ?? defaults.largeValueThreshold,
    calendarUtcOffsetMinutes: update.calendarUtcOffsetMinutes ?? defaults.calendarUtcOffsetMinutes,
  };
}

export function storedClassLimits(classLimits: Partial<Record<WalletClass, ClassLimits>>): StoredClassLimits | null {
  const stored: StoredClassLimits = {};
  for (const walletClass of walletClasses) {
    const limits = classLimits[walletClass];
    if (limits) stored[String(walletClass) as '1'] = limitsView(limits);
  }
  return Object.keys(stored).length > 0 ? stored : null;
}

export function classLimitsFromStored(stored: StoredClassLimits | null): Partial<Record<WalletClass, ClassLimits>> {
  const out: Partial<Record<WalletClass, ClassLimits>> = {};
  if (!stored) return out;
  for (const walletClass of walletClasses) {
    const limits = stored[String(walletClass) as '1'];
    if (!limits) continue;
    out[walletClass] = {
      balanceCap: BigInt(limits.balanceCap),
      singlePayment: BigInt(limits.singlePayment),
      daily: BigInt(limits.daily),
      annual: BigInt(limits.annual),
    };
  }
  return out;
}

function limitsView(limits: ClassLimits): ClassLimitsViewV1 {
  return {
    balanceCap: limits.balanceCap.toString(),
    singlePayment: limits.singlePayment.toString(),
    daily: limits.daily.toString(),
    annual: limits.annual.toString(),
  };
}

export function policyView(record: PolicyRecord, policy: LedgerPolicy): PolicyViewV1 {
  return {
    version: record.version,
    name: policy.name,
    preset: record.preset,
    classLimits: {
      1: limitsView(policy.classLimits[1]),
      2: limitsView(policy.classLimits[2]),
      3: limitsView(policy.classLimits[3]),
      4: limitsView(policy.classLimits[4]),
    },
    customClasses: walletClasses.filter((walletClass) => record.classLimits[walletClass] !== undefined),
    largeValueThreshold: policy.largeValueThreshold.toString(),
    calendarUtcOffsetMinutes: policy.calendarUtcOffsetMinutes,
    notes: [...policy.notes],
    createdAt: record.createdAt.toISOString(),
    createdBy: record.createdBy,
  };
}
