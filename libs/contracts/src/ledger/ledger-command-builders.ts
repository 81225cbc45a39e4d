/**
 * Builds signed ledger-command messages, ready for the ledger-command topic: the one place where
 * senders (banks, the central bank's own services, the SDK, tests, load generators) produce the
 * exact bytes the engine verifies. Each builder returns the Kafka key (the debited account, so one
 * engine worker sees every debit of an account, in order) and the JSON value.
 */
import { encodePaymentForSigning, encodeUnloadForSigning, signFast, toHex } from '@cbdc/crypto';
import { encodeMessage, MessageDefinition } from '../message';
import { commandSigningPayload } from '../signing';
import {
  auditRecordV1,
  changeWalletClassV1,
  creditReserveV1,
  issueV1,
  loadV1,
  paymentV1,
  recallV1,
  registerOperatorV1,
  registerWalletV1,
  unloadV1,
  type AuditRecordV1,
  type ChangeWalletClassV1,
  type CreditReserveV1,
  type IssueV1,
  type LoadV1,
  type PaymentV1,
  type RecallV1,
  type RegisterOperatorV1,
  type RegisterWalletV1,
  type UnloadV1,
} from './ledger-commands.v1';

export interface KeyedMessage {
  readonly key: string;
  readonly value: string;
}

/**
 * A raw Ed25519 private key, or a function that signs with one (a load generator keeps OpenSSL key
 * objects and passes `(message) => crypto.sign(null, message, keyObject)`, which saves parsing the
 * key again for every message).
 */
export type SigningKey = Uint8Array | ((message: Uint8Array) => Uint8Array);

function signWith(key: SigningKey, message: Uint8Array): Uint8Array {
  return typeof key === 'function' ? key(message) : signFast(message, key);
}

type Unsigned<T> = Omit<T, 'signature'>;

function signCommand<T extends { signature: string }>(definition: MessageDefinition<T>, body: Unsigned<T>, privateKey: SigningKey): T {
  const signature = toHex(signWith(privateKey, commandSigningPayload(definition.type, body)));
  return { ...body, signature } as T;
}

export function paymentMessage(body: Unsigned<PaymentV1>, payerPrivateKey: SigningKey): KeyedMessage {
  const signature = toHex(
    signWith(
      payerPrivateKey,
      encodePaymentForSigning({
        paymentId: body.commandId,
        payerWalletId: body.payerWalletId,
        payeeWalletId: body.payeeWalletId,
        amount: body.amount,
        counter: body.counter,
      }),
    ),
  );
  return { key: `wallet:${body.payerWalletId}`, value: encodeMessage(paymentV1, { ...body, signature }) };
}

export function unloadMessage(
  body: Omit<UnloadV1, 'signature' | 'walletSignature'>,
  walletPrivateKey: SigningKey,
  operatorPrivateKey: SigningKey,
): KeyedMessage {
  const walletSignature = toHex(
    signWith(
      walletPrivateKey,
      encodeUnloadForSigning({ operatorId: body.operatorId, walletId: body.walletId, amount: body.amount, counter: body.counter, commandId: body.commandId }),
    ),
  );
  const signed = signCommand(unloadV1, { ...body, walletSignature }, operatorPrivateKey);
  return { key: `wallet:${body.walletId}`, value: encodeMessage(unloadV1, signed) };
}

export function loadMessage(body: Unsigned<LoadV1>, operatorPrivateKey: SigningKey): KeyedMessage {
  return { key: `vault:${body.operatorId}`, value: encodeMessage(loadV1, signCommand(loadV1, body, operatorPrivateKey)) };
}

export function registerWalletMessage(body: Unsigned<RegisterWalletV1>, operatorPrivateKey: SigningKey): KeyedMessage {
  return { key: `wallet:${body.walletId}`, value: encodeMessage(registerWalletV1, signCommand(registerWalletV1, body, operatorPrivateKey)) };
}

export function changeWalletClassMessage(body: Unsigned<ChangeWalletClassV1>, operatorPrivateKey: SigningKey): KeyedMessage {
  return { key: `wallet:${body.walletId}`, value: encodeMessage(changeWalletClassV1, signCommand(changeWalletClassV1, body, operatorPrivateKey)) };
}

export function registerOperatorMessage(body: Unsigned<RegisterOperatorV1>, centralBankPrivateKey: SigningKey): KeyedMessage {
  return { key: `reserve:${body.operatorId}`, value: encodeMessage(registerOperatorV1, signCommand(registerOperatorV1, body, centralBankPrivateKey)) };
}

export function creditReserveMessage(body: Unsigned<CreditReserveV1>, centralBankPrivateKey: SigningKey): KeyedMessage {
  return { key: 'rtgs', value: encodeMessage(creditReserveV1, signCommand(creditReserveV1, body, centralBankPrivateKey)) };
}

export function issueMessage(body: Unsigned<IssueV1>, centralBankPrivateKey: SigningKey): KeyedMessage {
  return { key: `reserve:${body.operatorId}`, value: encodeMessage(issueV1, signCommand(issueV1, body, centralBankPrivateKey)) };
}

export function recallMessage(body: Unsigned<RecallV1>, centralBankPrivateKey: SigningKey): KeyedMessage {
  return { key: `vault:${body.operatorId}`, value: encodeMessage(recallV1, signCommand(recallV1, body, centralBankPrivateKey)) };
}

/** The key of every audit-record command: one engine worker sees them in the regulator's order. */
export const auditRecordMessageKey = 'audit:regulator';

export function auditRecordMessage(body: Unsigned<AuditRecordV1>, regulatorPrivateKey: SigningKey): KeyedMessage {
  return { key: auditRecordMessageKey, value: encodeMessage(auditRecordV1, signCommand(auditRecordV1, body, regulatorPrivateKey)) };
}
