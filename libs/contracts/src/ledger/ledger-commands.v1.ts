/**
 * Ledger commands, version 1: the messages on `ledger.commands.v1`, keyed by the debited account.
 *
 * Who signs what (ARCHITECTURE.md §5, invariant 4): a payment and an unload carry the payer
 * wallet's Ed25519 signature over their canonical encoding (libs/crypto), so no operator can forge
 * or replay a customer's instruction; every operator command carries the operator's signature;
 * commands the central bank makes itself (issue, recall, reserve credits, operator registration)
 * carry the central bank's signature. `commandId` is chosen by the client and unique forever.
 */
import { defineMessage, MessageOf } from '../message';
import { amount, decimal, hex, id, integer, oneOf, optional, text } from '../schema';

const signature = hex(64);
const publicKey = hex(32);
/** The escrow of a holder's identity, sealed to the regulator: opaque to the ledger. */
const escrow = optional(hex(undefined, 2048));

export const paymentV1 = defineMessage(
  'ledger.payment',
  1,
  {
    commandId: id(),
    operatorId: id(),
    payerWalletId: id(),
    payeeWalletId: id(),
    amount: amount(),
    counter: decimal({ min: 1n }),
    signature,
  },
  [
    {
      type: 'ledger.payment',
      version: 1,
      commandId: 'pay-0001',
      operatorId: 'bank-a',
      payerWalletId: 'w3f9a0c1d2e4b5a6978f0e1d2c3b4a5968778695a',
      payeeWalletId: 'w1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
      amount: '12345',
      counter: '1',
      signature: 'ab'.repeat(64),
    },
  ],
);

export const unloadV1 = defineMessage(
  'ledger.unload',
  1,
  {
    commandId: id(),
    operatorId: id(),
    walletId: id(),
    amount: amount(),
    counter: decimal({ min: 1n }),
    walletSignature: signature,
    signature,
  },
  [
    {
      type: 'ledger.unload',
      version: 1,
      commandId: 'unload-0001',
      operatorId: 'bank-a',
      walletId: 'w3f9a0c1d2e4b5a6978f0e1d2c3b4a5968778695a',
      amount: '5000',
      counter: '2',
      walletSignature: 'cd'.repeat(64),
      signature: 'ef'.repeat(64),
    },
  ],
);

export const loadV1 = defineMessage(
  'ledger.load',
  1,
  { commandId: id(), operatorId: id(), walletId: id(), amount: amount(), signature },
  [
    {
      type: 'ledger.load',
      version: 1,
      commandId: 'load-0001',
      operatorId: 'bank-a',
      walletId: 'w3f9a0c1d2e4b5a6978f0e1d2c3b4a5968778695a',
      amount: '100000',
      signature: 'ab'.repeat(64),
    },
  ],
);

export const registerWalletV1 = defineMessage(
  'ledger.register-wallet',
  1,
  { commandId: id(), operatorId: id(), walletId: id(), walletClass: integer(1, 4), publicKey, escrow, signature },
  [
    {
      type: 'ledger.register-wallet',
      version: 1,
      commandId: 'open-0001',
      operatorId: 'bank-a',
      walletId: 'w3f9a0c1d2e4b5a6978f0e1d2c3b4a5968778695a',
      walletClass: 4,
      publicKey: '11'.repeat(32),
      signature: 'ab'.repeat(64),
    },
  ],
);

export const changeWalletClassV1 = defineMessage(
  'ledger.change-wallet-class',
  1,
  { commandId: id(), operatorId: id(), walletId: id(), walletClass: integer(1, 4), signature },
  [
    {
      type: 'ledger.change-wallet-class',
      version: 1,
      commandId: 'upgrade-0001',
      operatorId: 'bank-a',
      walletId: 'w3f9a0c1d2e4b5a6978f0e1d2c3b4a5968778695a',
      walletClass: 2,
      signature: 'ab'.repeat(64),
    },
  ],
);

/** Commands the central bank makes itself, signed by the central bank's key. */
export const registerOperatorV1 = defineMessage(
  'ledger.register-operator',
  1,
  {
    commandId: id(),
    operatorId: id(64),
    name: text(200),
    operatorKind: oneOf(['bank', 'payment-firm'] as const),
    publicKey,
    reserveRatioBps: integer(10_000, 100_000),
    /** Issue requests above this many fen wait for staff approval. */
    issueQuotaAuto: decimal(),
    signature,
  },
  [
    {
      type: 'ledger.register-operator',
      version: 1,
      commandId: 'operator-bank-a',
      operatorId: 'bank-a',
      name: 'Bank A',
      operatorKind: 'bank',
      publicKey: '22'.repeat(32),
      reserveRatioBps: 10000,
      issueQuotaAuto: '100000000',
      signature: 'ab'.repeat(64),
    },
  ],
);

export const creditReserveV1 = defineMessage(
  'ledger.credit-reserve',
  1,
  { commandId: id(), operatorId: id(), amount: amount(), reference: text(200), signature },
  [
    {
      type: 'ledger.credit-reserve',
      version: 1,
      commandId: 'rtgs-0001',
      operatorId: 'bank-a',
      amount: '1000000000',
      reference: 'RTGS 2026-11-29 #1',
      signature: 'ab'.repeat(64),
    },
  ],
);

export const issueV1 = defineMessage(
  'ledger.issue',
  1,
  { commandId: id(), operatorId: id(), amount: amount(), requestId: id(), signature },
  [
    {
      type: 'ledger.issue',
      version: 1,
      commandId: 'issue-req-0001',
      operatorId: 'bank-a',
      amount: '50000000',
      requestId: 'req-0001',
      signature: 'ab'.repeat(64),
    },
  ],
);

export const recallV1 = defineMessage(
  'ledger.recall',
  1,
  { commandId: id(), operatorId: id(), amount: amount(), requestId: id(), signature },
  [
    {
      type: 'ledger.recall',
      version: 1,
      commandId: 'recall-req-0002',
      operatorId: 'bank-a',
      amount: '20000000',
      requestId: 'req-0002',
      signature: 'ab'.repeat(64),
    },
  ],
);

/**
 * The regulator anchors an audit record (an unmasking) in the ledger: the record stays with the
 * regulator, its SHA-256 digest becomes a ledger entry and so part of the sealed blocks. Signed by
 * the regulator's Ed25519 key, which the central bank is configured with.
 */
export const auditRecordV1 = defineMessage(
  'ledger.audit-record',
  1,
  { commandId: id(), recordId: id(), digest: hex(32), signature },
  [
    {
      type: 'ledger.audit-record',
      version: 1,
      commandId: 'audit-unmasking-0001',
      recordId: 'unmasking-0001',
      digest: '5a'.repeat(32),
      signature: 'ab'.repeat(64),
    },
  ],
);

export type PaymentV1 = MessageOf<typeof paymentV1>;
export type UnloadV1 = MessageOf<typeof unloadV1>;
export type LoadV1 = MessageOf<typeof loadV1>;
export type RegisterWalletV1 = MessageOf<typeof registerWalletV1>;
export type ChangeWalletClassV1 = MessageOf<typeof changeWalletClassV1>;
export type RegisterOperatorV1 = MessageOf<typeof registerOperatorV1>;
export type CreditReserveV1 = MessageOf<typeof creditReserveV1>;
export type IssueV1 = MessageOf<typeof issueV1>;
export type RecallV1 = MessageOf<typeof recallV1>;
export type AuditRecordV1 = MessageOf<typeof auditRecordV1>;

export const ledgerCommandMessages = [
  paymentV1,
  unloadV1,
  loadV1,
  registerWalletV1,
  changeWalletClassV1,
  registerOperatorV1,
  creditReserveV1,
  issueV1,
  recallV1,
  auditRecordV1,
] as const;
