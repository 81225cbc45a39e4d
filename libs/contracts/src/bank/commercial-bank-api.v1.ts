/**
 * A commercial bank's HTTP API, version 1: the request bodies its staff API accepts (parsed with
 * the same toolkit as the Kafka messages, so an amount is a decimal string of fen and a JSON
 * number for money is refused) and the shapes it answers with. Every error answer is
 * `{ code, message }` with a stable code (plus `field` for a validation failure).
 *
 * What the bank knows and the central bank never sees: names, ID numbers and phones stay in
 * the bank's own database (encrypted at rest); only wallet ids, classes and public keys go to
 * the central ledger.
 */
import { signFast, toHex } from '@cbdc/crypto';
import { encodeMessage } from '../message';
import { amount, ContractError, decimal, hex, id, integer, object, optional, type Parsed, type Parser } from '../schema';
import { commandSigningPayload } from '../signing';
import { unloadV1, type UnloadV1 } from '../ledger/ledger-commands.v1';
import type { KeyedMessage } from '../ledger/ledger-command-builders';

/**
 * Ids the bank's clients choose (customer, deposit, request, load and unload ids). Shorter than a
 * ledger command id: the bank prefixes them with its operator id and the command's kind.
 */
export const bankClientIdLengthMax = 64;
/** Wallet history entries answered with a wallet, newest first, at most. */
export const walletHistoryEntriesMax = 100;
/** The wallet classes a bank opens in this version: 4 (phone only) and 3 (with an ID number). */
export const openableWalletClasses = [3, 4] as const;

function filledText(lengthMax: number): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || value.trim() === '' || value.length > lengthMax) {
      throw new ContractError('MALFORMED', path, `expected a non-empty string of at most ${lengthMax} characters`);
    }
    return value;
  };
}

const phonePattern = /^\+?[0-9][0-9 -]{4,30}$/;

function phoneNumber(): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || !phonePattern.test(value)) throw new ContractError('MALFORMED', path, 'expected a phone number of digits, spaces and dashes');
    return value;
  };
}

/** A raw Ed25519 public key: 32 bytes of hex, either case, returned lower-case. */
function walletPublicKey(): Parser<string> {
  const lower = hex(32);
  return (value, path) => lower(typeof value === 'string' ? value.toLowerCase() : value, path);
}

const clientId = () => id(bankClientIdLengthMax);

export const openCustomerRequestV1 = object({
  /** Chosen by the bank's own systems; generated when absent. */
  customerId: optional(clientId()),
  name: filledText(200),
  idNumber: optional(filledText(64)),
  phone: phoneNumber(),
});

export const depositRequestV1 = object({ depositId: clientId(), amount: amount() });

export const openWalletRequestV1 = object({
  customerId: clientId(),
  publicKey: walletPublicKey(),
  walletClass: integer(3, 4),
  requestId: clientId(),
});

export const loadRequestV1 = object({ loadId: clientId(), amount: amount() });

export const unloadRequestV1 = object({
  unloadId: clientId(),
  amount: amount(),
  /** The wallet's payment counter, one above its last, as the holder's SDK signed it. */
  counter: decimal({ min: 1n }),
  /** The holder's Ed25519 signature over `encodeUnloadForSigning` (libs/crypto). */
  walletSignature: hex(64),
});

export type OpenCustomerRequestV1 = Parsed<typeof openCustomerRequestV1>;
export type DepositRequestV1 = Parsed<typeof depositRequestV1>;
export type OpenWalletRequestV1 = Parsed<typeof openWalletRequestV1>;
export type LoadRequestV1 = Parsed<typeof loadRequestV1>;
export type UnloadRequestV1 = Parsed<typeof unloadRequestV1>;

export type WalletStatusV1 = 'pending' | 'open' | 'rejected';
export type LedgerRequestStatusV1 = 'pending' | 'accepted' | 'rejected';

/** Answers, as JSON: amounts are decimal strings of fen. */
export interface OperatorInfoV1 {
  readonly operatorId: string;
  readonly publicKey: string;
}

export interface CustomerV1 {
  readonly customerId: string;
  readonly name: string;
  readonly idNumber: string | null;
  readonly phone: string;
  readonly createdAt: string;
  readonly depositBalance: string;
  readonly wallets: readonly { walletId: string; walletClass: number; status: WalletStatusV1; balance: string }[];
}

export interface DepositV1 {
  readonly depositId: string;
  readonly customerId: string;
  readonly amount: string;
  readonly depositBalance: string;
}

export interface WalletV1 {
  readonly walletId: string;
  readonly customerId: string;
  readonly walletClass: number;
  readonly status: WalletStatusV1;
  readonly rejectionCode: string | null;
  readonly balance: string;
  readonly history: readonly { kind: string; reference: string; amount: string; sequence: string | null; at: string }[];
}

export interface LedgerRequestV1 {
  /** The load id or unload id the client chose. */
  readonly requestId: string;
  readonly walletId: string;
  readonly amount: string;
  readonly status: LedgerRequestStatusV1;
  readonly code: string | null;
}

/**
 * An unload whose wallet signature the holder made elsewhere (its SDK): the bank adds its own
 * operator signature over the same canonical payload the engine checks, without ever holding
 * the wallet's private key.
 */
export function unloadMessageFromSignature(body: Omit<UnloadV1, 'signature'>, operatorPrivateKey: Uint8Array): KeyedMessage {
  const signature = toHex(signFast(commandSigningPayload(unloadV1.type, body), operatorPrivateKey));
  return { key: `wallet:${body.walletId}`, value: encodeMessage(unloadV1, { ...body, signature }) };
}
