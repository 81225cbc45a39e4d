/**
 * Business rejections of ledger commands: values with stable codes, never exceptions.
 *
 * Invariants kept:
 * - A code, once published, keeps its meaning forever: clients and the HTTP layer map on it.
 * - A rejected command changes nothing on the ledger (apply-batch.ts checks everything before it
 *   moves anything).
 * - A repeat of a command id is not a rejection: it is reported as a duplicate so the engine
 *   answers with the stored first result.
 */

export const rejectionCodes = [
  'UNKNOWN_OPERATOR',
  'OPERATOR_EXISTS',
  'INVALID_RESERVE_RATIO',
  'UNKNOWN_WALLET',
  'UNKNOWN_PAYEE',
  'WALLET_EXISTS',
  'WALLET_NOT_OF_OPERATOR',
  'SAME_WALLET',
  'INVALID_AMOUNT',
  'INVALID_CLASS',
  'INSUFFICIENT_FUNDS',
  'INSUFFICIENT_RESERVES',
  'BAD_SIGNATURE',
  'STALE_COUNTER',
  'CLASS_LIMIT_SINGLE',
  'CLASS_LIMIT_DAILY',
  'CLASS_LIMIT_ANNUAL',
  'CLASS_LIMIT_BALANCE',
] as const;

export type RejectionCode = (typeof rejectionCodes)[number];

const rejectionCodeSet: ReadonlySet<string> = new Set(rejectionCodes);

export function isRejectionCode(value: unknown): value is RejectionCode {
  return typeof value === 'string' && rejectionCodeSet.has(value);
}
