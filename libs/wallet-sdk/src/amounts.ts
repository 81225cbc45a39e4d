/**
 * Amounts as people write them (yuan, "12.34") and as the system keeps them (fen, 1234n).
 *
 * Invariants: parsing reads the decimal digits of the text and never goes through a float, so
 * every accepted text maps to exactly one bigint and back (`formatYuan(parseYuan(t)) === t` for
 * any text with two decimals); a text with more than two decimals, a sign, an exponent, spaces,
 * leading zeros or a bare point is refused rather than rounded or guessed; every accepted value
 * fits the ledger's signed 64-bit columns (0 .. 2^63-1 fen).
 */
import { WalletSdkError } from './wallet-sdk-error';

/** Largest amount in fen the ledger stores: a signed 64-bit column. */
export const fenMax = 2n ** 63n - 1n;
/** Fen per yuan. */
export const fenPerYuan = 100n;

// At most 17 integer digits: fenMax is 92,233,720,368,547,758.07 yuan. Length is bounded by the
// pattern before BigInt ever sees the text.
const yuanPattern = /^(0|[1-9][0-9]{0,16})(?:\.([0-9]{1,2}))?$/;
// At most 19 digits: fenMax has 19.
const fenPattern = /^(0|[1-9][0-9]{0,18})$/;

/** Fen of a yuan text such as "12.34", "0.1" or "7": at most two decimals, 0 .. fenMax. */
export function parseYuan(text: string): bigint {
  if (typeof text !== 'string') throw new WalletSdkError('BAD_AMOUNT', 'an amount must be given as text');
  const match = yuanPattern.exec(text);
  if (match === null) {
    throw new WalletSdkError(
      'BAD_AMOUNT',
      `${JSON.stringify(truncate(text))} is not an amount in yuan: use digits with at most two decimals, like 12.34`,
    );
  }
  const whole = BigInt(match[1]!);
  const decimals = (match[2] ?? '').padEnd(2, '0');
  const fen = whole * fenPerYuan + BigInt(decimals);
  if (fen > fenMax) throw new WalletSdkError('BAD_AMOUNT', `${text} yuan is more than the largest amount the ledger holds (${formatYuan(fenMax)})`);
  return fen;
}

/** Yuan text with exactly two decimals ("12.34", "0.05", "-3.00") of an amount in fen. */
export function formatYuan(fen: bigint): string {
  if (typeof fen !== 'bigint') throw new TypeError('formatYuan takes a bigint amount in fen');
  const negative = fen < 0n;
  const magnitude = negative ? -fen : fen;
  const whole = magnitude / fenPerYuan;
  const cents = (magnitude % fenPerYuan).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${cents}`;
}

/** Fen of a decimal fen text ("1234"), as amounts travel in JSON and URIs: 0 .. fenMax, no leading zeros. */
export function parseFen(text: string): bigint {
  if (typeof text !== 'string' || !fenPattern.test(text)) {
    throw new WalletSdkError('BAD_AMOUNT', `${JSON.stringify(truncate(String(text)))} is not an amount in fen: use whole digits without leading zeros`);
  }
  const fen = BigInt(text);
  if (fen > fenMax) throw new WalletSdkError('BAD_AMOUNT', `${text} fen is more than the largest amount the ledger holds (${fenMax})`);
  return fen;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
