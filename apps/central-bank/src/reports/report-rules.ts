/**
 * The rules that turn committed payments into reports to the regulator, as pure functions: the
 * tailer (report-tailer.ts) loads the data and writes the outcome.
 *
 * - Large value: every payment the ledger marked `largeValue` (amount >= the policy's threshold).
 * - Structuring: one wallet makes at least `paymentsMin` payments, each in
 *   [threshold * shareBps / 10,000, threshold), within `windowHours`; reported once per window per
 *   wallet (a payment after a reported run starts counting again only after the window passed).
 */
export interface StructuringRule {
  readonly paymentsMin: number;
  /** The share of the threshold a payment must reach to count, in basis points. */
  readonly shareBps: number;
  readonly windowHours: number;
}

const basisPoints = 10_000n;
export const hourMs = 3_600_000;

/** The smallest amount (fen) that counts as "just under" the threshold; rounded up. */
export function structuringFloor(threshold: bigint, shareBps: number): bigint {
  return (threshold * BigInt(shareBps) + basisPoints - 1n) / basisPoints;
}

/** True when the amount is just under the threshold: it counts towards structuring. */
export function isJustUnder(amount: bigint, threshold: bigint, rule: StructuringRule): boolean {
  return amount < threshold && amount >= structuringFloor(threshold, rule.shareBps);
}

export function largeValueReportId(paymentId: string): string {
  return `large-value:${paymentId}`;
}

export function structuringReportId(paymentId: string): string {
  return `structuring:${paymentId}`;
}

/**
 * Whether the run of just-under payments ending with this one (inclusive, within the window) fires
 * a report: enough of them, and no structuring report of this wallet already inside the window.
 */
export function structuringFires(justUnderInWindow: number, reportedInWindow: boolean, rule: StructuringRule): boolean {
  return justUnderInWindow >= rule.paymentsMin && !reportedInWindow;
}
