/**
 * Money of the ledger: `bigint` fen (1 yuan = 100 fen) everywhere, never a float.
 *
 * Invariants kept:
 * - Every amount that moves is a `bigint` strictly greater than zero.
 * - Conversions from yuan are exact integer multiplications.
 * - No balance, limit or window total exceeds `balanceMax` in size, so the ledger can keep them in
 *   64-bit columns (see ledger-state.ts).
 */

export const fenPerYuan = 100n;

/** Fen in `amountYuan` whole yuan: the presets are published in yuan. */
export function yuan(amountYuan: bigint): bigint {
  return amountYuan * fenPerYuan;
}

/** True for a `bigint` amount that may move between accounts (strictly positive). */
export function isPositiveAmount(amount: unknown): amount is bigint {
  return typeof amount === 'bigint' && amount > 0n;
}

/**
 * The largest balance, limit or window total the ledger holds: a signed 64-bit integer of fen,
 * about 92 trillion yuan, thousands of times all cash in circulation. Balances stay inside it
 * because only `credit-reserve` adds money and it refuses to take `rtgs` below `-balanceMax - 1`.
 */
export const balanceMax = 2n ** 63n - 1n;
/** The largest wallet counter: a signed 64-bit integer, so it shares the wallet's 64-bit row. */
export const counterMax = 2n ** 63n - 1n;
