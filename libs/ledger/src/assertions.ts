/**
 * Assertions of the ledger domain: programming errors, not business outcomes.
 *
 * Invariants kept:
 * - A business rule that fails is a rejection value (see rejections.ts), never an exception.
 * - Anything that throws `LedgerAssertionError` means a caller broke the contract (a command that
 *   should have been stopped by schema validation, or internal state that can no longer be
 *   trusted); the engine must stop and not commit the batch.
 */

export class LedgerAssertionError extends Error {
  override readonly name = 'LedgerAssertionError';
}

/** Throws `LedgerAssertionError` when `condition` is false. Keep `message` a constant on hot paths. */
export function assertLedger(condition: boolean, message: string): asserts condition {
  if (!condition) throw new LedgerAssertionError(message);
}
