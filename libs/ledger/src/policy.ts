/**
 * Monetary policy the ledger enforces: wallet-class limits as data, the large-value threshold,
 * and the calendar that daily and annual limits count in (ARCHITECTURE.md §7).
 *
 * Invariants kept:
 * - Every policy handed to the ledger passes `validatePolicy`: for each class 1..4 all four
 *   limits are positive `bigint` fen no larger than `balanceMax`, and
 *   `singlePayment <= daily <= annual`.
 * - Limits apply to a wallet's outgoing payments (single, daily, annual) and to any credit to a
 *   wallet (balance cap). Unload is not a payment: it returns DC to the holder's own deposit
 *   account at its operator, as in e-CNY where the limits are payment limits, so unload counts
 *   toward no limit and is bounded only by the balance.
 * - The daily and annual windows are the calendar day and year of the BATCH clock (not of the
 *   client) in the policy's fixed UTC offset (China: +08:00, no daylight saving), so every
 *   command of one batch falls in the same window and replaying a batch gives the same answer.
 */
import { balanceMax, yuan } from './money';

export type WalletClass = 1 | 2 | 3 | 4;
export const walletClasses: readonly WalletClass[] = [1, 2, 3, 4];

export function isWalletClass(value: unknown): value is WalletClass {
  return value === 1 || value === 2 || value === 3 || value === 4;
}

/** Limits of one wallet class, in fen. */
export interface ClassLimits {
  /** The most a wallet of the class may hold after any credit. */
  readonly balanceCap: bigint;
  /** The most one outgoing payment may move. */
  readonly singlePayment: bigint;
  /** The most the outgoing payments of one calendar day may add up to. */
  readonly daily: bigint;
  /** The most the outgoing payments of one calendar year may add up to. */
  readonly annual: bigint;
}

export type ClassLimitTable = Readonly<Record<WalletClass, ClassLimits>>;

export type PolicyPresetName = 'ccb-2020' | 'pboc-2021';
export const policyPresetNames: readonly PolicyPresetName[] = ['ccb-2020', 'pboc-2021'];

export interface PolicyPreset {
  readonly name: PolicyPresetName;
  readonly source: string;
  readonly classLimits: ClassLimitTable;
  /** Where the published scheme has no figure, which figure the preset uses and why. */
  readonly notes: readonly string[];
}

export interface LedgerPolicy {
  /** The preset it was built from, or `custom` when class limits were overridden. */
  readonly name: string;
  readonly classLimits: ClassLimitTable;
  /** Accepted payments of at least this many fen are marked `largeValue` for the regulator. */
  readonly largeValueThreshold: bigint;
  /** Offset from UTC of the calendar that daily and annual limits count in. */
  readonly calendarUtcOffsetMinutes: number;
  readonly notes: readonly string[];
}

/** 50,000 yuan, the large-value reporting threshold for individuals. */
export const largeValueThresholdDefault = yuan(50_000n);
/** China Standard Time, +08:00, all year. */
export const calendarUtcOffsetMinutesDefault = 480;
export const calendarUtcOffsetMinutesMin = -720;
export const calendarUtcOffsetMinutesMax = 840;
export const policyPresetDefault: PolicyPresetName = 'ccb-2020';

const millisecondsPerMinute = 60_000;
const millisecondsPerDay = 86_400_000;

function limitsInYuan(balanceCap: bigint, singlePayment: bigint, daily: bigint, annual: bigint): ClassLimits {
  return Object.freeze({ balanceCap: yuan(balanceCap), singlePayment: yuan(singlePayment), daily: yuan(daily), annual: yuan(annual) });
}

const ccb2020: PolicyPreset = Object.freeze({
  name: 'ccb-2020',
  source: 'China Construction Bank digital RMB wallet service agreement, 2020 (balance / single / daily / annual, yuan)',
  classLimits: Object.freeze({
    1: limitsInYuan(500_000n, 50_000n, 100_000n, 500_000n),
    2: limitsInYuan(10_000n, 5_000n, 10_000n, 300_000n),
    3: limitsInYuan(2_000n, 2_000n, 2_000n, 50_000n),
    4: limitsInYuan(1_000n, 500n, 1_000n, 10_000n),
  }),
  notes: Object.freeze(['Every figure is published; nothing is defaulted.']),
});

const pboc2021AnonymousTier = limitsInYuan(10_000n, 2_000n, 5_000n, 50_000n);

const pboc2021: PolicyPreset = Object.freeze({
  name: 'pboc-2021',
  source: "People's Bank of China statements, 2021: anonymous (phone only) wallet; wallet with ID and a linked bank account",
  classLimits: Object.freeze({
    1: limitsInYuan(500_000n, 50_000n, 100_000n, 500_000n),
    2: limitsInYuan(500_000n, 50_000n, 100_000n, 500_000n),
    3: pboc2021AnonymousTier,
    4: pboc2021AnonymousTier,
  }),
  notes: Object.freeze([
    'Classes 1 and 2 are the published "wallet with ID and a linked bank account" tier (500,000 / 50,000 / 100,000 yuan).',
    "That tier has no published annual figure: classes 1 and 2 take ccb-2020 class 1's annual limit, 500,000 yuan, so the tier stays one tier.",
    "Class 3 has no published figure at all: it takes the anonymous tier's figures (class 4), because a class-3 wallet has at least an anonymous wallet's KYC and ccb-2020's class-3 figures (2,000 yuan cap) would put it below the anonymous tier.",
    'Class 4 is the published anonymous (phone only) tier: 10,000 / 2,000 / 5,000 / 50,000 yuan.',
  ]),
});

export const policyPresets: Readonly<Record<PolicyPresetName, PolicyPreset>> = Object.freeze({
  'ccb-2020': ccb2020,
  'pboc-2021': pboc2021,
});

export interface PolicyOptions {
  readonly preset?: PolicyPresetName;
  /** Replaces the preset's limits of the given classes; the policy is then named `custom`. */
  readonly classLimits?: Partial<Record<WalletClass, ClassLimits>>;
  readonly largeValueThreshold?: bigint;
  readonly calendarUtcOffsetMinutes?: number;
}

export class InvalidPolicyError extends Error {
  override readonly name = 'InvalidPolicyError';
  constructor(readonly failures: readonly string[]) {
    super(`invalid ledger policy: ${failures.join('; ')}`);
  }
}

/** Every reason why `limits` cannot be a class's limits; empty when they can. */
export function validateClassLimits(walletClass: WalletClass, limits: ClassLimits | undefined): string[] {
  if (limits === undefined) return [`class ${walletClass}: limits missing`];
  const failures: string[] = [];
  for (const field of ['balanceCap', 'singlePayment', 'daily', 'annual'] as const) {
    const value: unknown = limits[field];
    if (typeof value !== 'bigint') failures.push(`class ${walletClass}: ${field} must be a bigint amount in fen`);
    else if (value <= 0n || value > balanceMax) failures.push(`class ${walletClass}: ${field} must be positive and at most ${balanceMax}`);
  }
  if (failures.length > 0) return failures;
  if (limits.singlePayment > limits.daily) failures.push(`class ${walletClass}: singlePayment exceeds daily`);
  if (limits.daily > limits.annual) failures.push(`class ${walletClass}: daily exceeds annual`);
  return failures;
}

/** Every reason why `policy` cannot be used; empty when it can. */
export function validatePolicy(policy: LedgerPolicy): string[] {
  const failures: string[] = [];
  for (const walletClass of walletClasses) failures.push(...validateClassLimits(walletClass, policy.classLimits[walletClass]));
  if (typeof policy.largeValueThreshold !== 'bigint' || policy.largeValueThreshold <= 0n || policy.largeValueThreshold > balanceMax) {
    failures.push('largeValueThreshold must be a positive bigint amount in fen');
  }
  const offset = policy.calendarUtcOffsetMinutes;
  if (!Number.isInteger(offset) || offset < calendarUtcOffsetMinutesMin || offset > calendarUtcOffsetMinutesMax) {
    failures.push(`calendarUtcOffsetMinutes must be an integer in [${calendarUtcOffsetMinutesMin}, ${calendarUtcOffsetMinutesMax}]`);
  }
  return failures;
}

/** Builds a frozen, validated policy; throws `InvalidPolicyError` listing every failure. */
export function createPolicy(options: PolicyOptions = {}): LedgerPolicy {
  const preset = policyPresets[options.preset ?? policyPresetDefault];
  if (preset === undefined) throw new InvalidPolicyError([`unknown preset ${String(options.preset)}`]);
  const overrides = options.classLimits ?? {};
  const overridden = walletClasses.filter((walletClass) => overrides[walletClass] !== undefined);
  const classLimits: ClassLimitTable = Object.freeze({
    1: Object.freeze({ ...(overrides[1] ?? preset.classLimits[1]) }),
    2: Object.freeze({ ...(overrides[2] ?? preset.classLimits[2]) }),
    3: Object.freeze({ ...(overrides[3] ?? preset.classLimits[3]) }),
    4: Object.freeze({ ...(overrides[4] ?? preset.classLimits[4]) }),
  });
  const notes = overridden.length === 0
    ? preset.notes
    : [...preset.notes, `Custom limits for class ${overridden.join(', ')} replace ${preset.name}'s.`];
  const policy: LedgerPolicy = Object.freeze({
    name: overridden.length === 0 ? preset.name : 'custom',
    classLimits,
    largeValueThreshold: options.largeValueThreshold ?? largeValueThresholdDefault,
    calendarUtcOffsetMinutes: options.calendarUtcOffsetMinutes ?? calendarUtcOffsetMinutesDefault,
    notes: Object.freeze([...notes]),
  });
  const failures = validatePolicy(policy);
  if (failures.length > 0) throw new InvalidPolicyError(failures);
  return policy;
}

/** The calendar windows of an instant: days since 1970-01-01 and the year, in the given offset. */
export interface CalendarKeys {
  readonly dayKey: number;
  readonly yearKey: number;
}

export function calendarKeys(nowMs: number, utcOffsetMinutes: number): CalendarKeys {
  const localMs = nowMs + utcOffsetMinutes * millisecondsPerMinute;
  return { dayKey: Math.floor(localMs / millisecondsPerDay), yearKey: new Date(localMs).getUTCFullYear() };
}
