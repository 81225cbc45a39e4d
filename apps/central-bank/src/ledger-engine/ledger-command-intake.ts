/**
 * From Kafka messages to ledger commands the pure ledger can apply: parse each message against
 * its versioned schema, work out whose signatures it needs, verify them all off the engine's
 * thread (worker pool on OpenSSL), and turn it into a `LedgerCommand`.
 *
 * Authentication comes before anything is remembered: a command whose signature does not verify
 * under a registered key is answered (BAD_SIGNATURE, UNKNOWN_WALLET, ...) but never stored, so a
 * forger cannot burn somebody else's command id. What cannot be parsed goes to the dead-letter
 * topic with its reason.
 */
import {
  auditRecordV1,
  ContractError,
  changeWalletClassV1,
  commandSigningPayload,
  creditReserveV1,
  issueV1,
  ledgerCommandMessages,
  loadV1,
  MessageDefinition,
  MessageRegistry,
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
} from '@cbdc/contracts';
import { encodePaymentForSigning, encodeUnloadForSigning, fromHex, VerifyItem, walletIdFromPublicKey } from '@cbdc/crypto';
import type { LedgerCommand, LedgerState } from '@cbdc/ledger';

export const ledgerCommandRegistry = new MessageRegistry(ledgerCommandMessages as unknown as MessageDefinition<unknown>[]);

/** Rejections the engine makes before the ledger sees a command; never stored (see above). */
export type IntakeRejectionCode = 'BAD_SIGNATURE' | 'UNKNOWN_WALLET' | 'UNKNOWN_OPERATOR' | 'WALLET_NOT_OF_OPERATOR' | 'WALLET_ID_MISMATCH';

export interface RawCommandMessage {
  readonly offset: string;
  readonly value: Buffer | null;
}

/**
 * The results of the regulator's audit-record commands go to this pseudo-operator's events topic
 * (`operator.regulator.events.v1`), which only the regulator reads.
 */
export const regulatorResultOperatorId = 'regulator';

interface SignatureNeed {
  readonly signer: 'wallet' | 'operator' | 'central-bank' | 'regulator';
  /** The wallet or operator whose registered key must verify it. */
  readonly signerId: string;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

export interface ParsedCommand {
  readonly offset: string;
  readonly type: string;
  readonly commandId: string;
  /** The operator that receives the result (the debited party's operator). */
  readonly resultOperatorId: string;
  readonly needs: readonly SignatureNeed[];
  /** Builds the ledger command once the wallet signature's verdict is known. */
  readonly toCommand: (verifiedWalletKey: Uint8Array | null) => LedgerCommand;
  /** Extra data stored beside the entry (registrations), as JSON. */
  readonly facts: Record<string, unknown> | null;
}

export interface DeadLetter {
  readonly offset: string;
  readonly code: string;
  readonly reason: string;
  readonly value: string;
}

export interface IntakeRejection {
  readonly offset: string;
  readonly type: string;
  readonly commandId: string;
  readonly resultOperatorId: string;
  readonly code: IntakeRejectionCode;
  readonly detail: string;
}

export type IntakeItem =
  | { readonly kind: 'command'; readonly parsed: ParsedCommand; readonly command: LedgerCommand }
  | { readonly kind: 'rejected'; readonly rejection: IntakeRejection }
  | { readonly kind: 'dead-letter'; readonly deadLetter: DeadLetter };

/** The bytes of a dead-lettered message kept with its reason; beyond it the value is cut. */
export const deadLetterValueBytesMax = 16 * 1024;

export function parseCommandMessage(message: RawCommandMessage): ParsedCommand | DeadLetter {
  if (message.value === null) return { offset: message.offset, code: 'MALFORMED', reason: 'empty message (tombstone)', value: '' };
  try {
    const envelope = ledgerCommandRegistry.decode(message.value);
    return toParsedCommand(message.offset, envelope.type, envelope.body);
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    return {
      offset: message.offset,
      code: error.code,
      reason: error.message,
      value: message.value.subarray(0, deadLetterValueBytesMax).toString('utf8'),
    };
  }
}

function toParsedCommand(offset: string, type: string, body: unknown): ParsedCommand {
  switch (type) {
    case paymentV1.type: {
      const m = body as PaymentV1;
      return {
        offset,
        type,
        commandId: m.commandId,
        resultOperatorId: m.operatorId,
        needs: [
          {
            signer: 'wallet',
            signerId: m.payerWalletId,
            message: encodePaymentForSigning({
              paymentId: m.commandId,
              payerWalletId: m.payerWalletId,
              payeeWalletId: m.payeeWalletId,
              amount: m.amount,
              counter: m.counter,
            }),
            signature: fromHex(m.signature),
          },
        ],
        toCommand: (key) => ({
          kind: 'payment',
          commandId: m.commandId,
          payerWalletId: m.payerWalletId,
          payeeWalletId: m.payeeWalletId,
          amount: m.amount,
          counter: m.counter,
          verifiedSignerKey: key,
        }),
        facts: null,
      };
    }
    case unloadV1.type: {
      const m = body as UnloadV1;
      return {
        offset,
        type,
        commandId: m.commandId,
        resultOperatorId: m.operatorId,
        needs: [
          {
            signer: 'wallet',
            signerId: m.walletId,
            message: encodeUnloadForSigning({ operatorId: m.operatorId, walletId: m.walletId, amount: m.amount, counter: m.counter, commandId: m.commandId }),
            signature: fromHex(m.walletSignature),
          },
          operatorNeed(type, m),
        ],
        toCommand: (key) => ({
          kind: 'unload',
          commandId: m.commandId,
          operatorId: m.operatorId,
          walletId: m.walletId,
          amount: m.amount,
          counter: m.counter,
          verifiedSignerKey: key,
        }),
        facts: null,
      };
    }
    case loadV1.type: {
      const m = body as LoadV1;
      return operatorCommand(offset, type, m, () => ({ kind: 'load', commandId: m.commandId, operatorId: m.operatorId, walletId: m.walletId, amount: m.amount }));
    }
    case registerWalletV1.type: {
      const m = body as RegisterWalletV1;
      const publicKey = fromHex(m.publicKey);
      return {
        ...operatorCommand(offset, type, m, () => ({
          kind: 'register-wallet',
          commandId: m.commandId,
          walletId: m.walletId,
          operatorId: m.operatorId,
          walletClass: m.walletClass,
          publicKey,
          ...(m.escrow ? { escrow: fromHex(m.escrow) } : {}),
        })),
        facts: { walletId: m.walletId, walletClass: m.walletClass, publicKey: m.publicKey, escrow: m.escrow ?? null },
      };
    }
    case changeWalletClassV1.type: {
      const m = body as ChangeWalletClassV1;
      return {
        ...operatorCommand(offset, type, m, () => ({
          kind: 'change-wallet-class',
          commandId: m.commandId,
          operatorId: m.operatorId,
          walletId: m.walletId,
          walletClass: m.walletClass,
        })),
        facts: { walletId: m.walletId, walletClass: m.walletClass },
      };
    }
    case registerOperatorV1.type: {
      const m = body as RegisterOperatorV1;
      return {
        ...centralBankCommand(offset, type, m, () => ({
          kind: 'register-operator',
          commandId: m.commandId,
          operatorId: m.operatorId,
          name: m.name,
          operatorKind: m.operatorKind,
          publicKey: fromHex(m.publicKey),
          reserveRatioBps: m.reserveRatioBps,
          issueQuotaAuto: m.issueQuotaAuto,
        })),
        facts: { operatorId: m.operatorId, name: m.name, operatorKind: m.operatorKind, publicKey: m.publicKey, reserveRatioBps: m.reserveRatioBps },
      };
    }
    case creditReserveV1.type: {
      const m = body as CreditReserveV1;
      return {
        ...centralBankCommand(offset, type, m, () => ({ kind: 'credit-reserve', commandId: m.commandId, operatorId: m.operatorId, amount: m.amount })),
        facts: { reference: m.reference },
      };
    }
    case issueV1.type: {
      const m = body as IssueV1;
      return {
        ...centralBankCommand(offset, type, m, () => ({ kind: 'issue', commandId: m.commandId, operatorId: m.operatorId, amount: m.amount })),
        facts: { requestId: m.requestId },
      };
    }
    case recallV1.type: {
      const m = body as RecallV1;
      return {
        ...centralBankCommand(offset, type, m, () => ({ kind: 'recall', commandId: m.commandId, operatorId: m.operatorId, amount: m.amount })),
        facts: { requestId: m.requestId },
      };
    }
    case auditRecordV1.type: {
      const m = body as AuditRecordV1;
      return {
        offset,
        type,
        commandId: m.commandId,
        resultOperatorId: regulatorResultOperatorId,
        needs: [{ signer: 'regulator', signerId: regulatorResultOperatorId, message: commandSigningPayload(type, m), signature: fromHex(m.signature) }],
        toCommand: () => ({ kind: 'audit-record', commandId: m.commandId, digest: fromHex(m.digest) }),
        facts: { recordId: m.recordId, digest: m.digest },
      };
    }
    default:
      throw new Error(`ledger command type ${type} is registered but not handled`);
  }
}

function operatorNeed(type: string, m: { operatorId: string; signature: string }): SignatureNeed {
  return { signer: 'operator', signerId: m.operatorId, message: commandSigningPayload(type, m), signature: fromHex(m.signature) };
}

function operatorCommand(
  offset: string,
  type: string,
  m: { commandId: string; operatorId: string; signature: string },
  toCommand: () => LedgerCommand,
): ParsedCommand {
  return { offset, type, commandId: m.commandId, resultOperatorId: m.operatorId, needs: [operatorNeed(type, m)], toCommand, facts: null };
}

function centralBankCommand(
  offset: string,
  type: string,
  m: { commandId: string; operatorId: string; signature: string },
  toCommand: () => LedgerCommand,
): ParsedCommand {
  return {
    offset,
    type,
    commandId: m.commandId,
    resultOperatorId: m.operatorId,
    needs: [{ signer: 'central-bank', signerId: 'central-bank', message: commandSigningPayload(type, m), signature: fromHex(m.signature) }],
    toCommand,
    facts: null,
  };
}

export interface KeyDirectory {
  readonly centralBankPublicKey: Uint8Array;
  /** The regulator's Ed25519 key for audit records; without it every audit record is refused. */
  readonly regulatorPublicKey?: Uint8Array | null;
  readonly state: LedgerState;
}

/**
 * Resolves every signature need to a registered key, verifies them all in one call to the pool,
 * and decides per command: on to the ledger (with the wallet key that verified), or rejected
 * here. Only keys committed before the batch count: a wallet registered in this batch can pay
 * from the next one (its bank waits for the registration's result anyway), so no command is ever
 * authenticated by a registration that might itself fail.
 */
export async function authenticate(
  parsed: readonly ParsedCommand[],
  keys: KeyDirectory,
  verify: (items: readonly VerifyItem[]) => Promise<boolean[]>,
): Promise<IntakeItem[]> {
  const items: VerifyItem[] = [];
  const plans: { parsed: ParsedCommand; firstItem: number; missing: IntakeRejection | null; walletKey: Uint8Array | null }[] = [];

  for (const command of parsed) {
    let missing: IntakeRejection | null = null;
    let walletKey: Uint8Array | null = null;
    const firstItem = items.length;
    for (const need of command.needs) {
      let key: Uint8Array | undefined;
      if (need.signer === 'central-bank') key = keys.centralBankPublicKey;
      else if (need.signer === 'regulator') key = keys.regulatorPublicKey ?? undefined;
      else if (need.signer === 'operator') key = keys.state.operators.get(need.signerId)?.publicKey;
      else {
        const wallet = keys.state.wallets.get(need.signerId);
        key = wallet?.publicKey;
        if (wallet && wallet.operatorId !== command.resultOperatorId) {
          missing = reject(command, 'WALLET_NOT_OF_OPERATOR', `wallet ${need.signerId} is not a wallet of ${command.resultOperatorId}`);
        }
        walletKey = key ?? null;
      }
      if (!key) {
        missing ??= reject(
          command,
          need.signer === 'wallet' ? 'UNKNOWN_WALLET' : 'UNKNOWN_OPERATOR',
          `${need.signer} ${need.signerId} has no registered key`,
        );
        continue;
      }
      items.push({ signature: need.signature, message: need.message, publicKey: key });
    }
    // Only a registration needs its command built here; payments, the hot path, skip it.
    if (!missing && command.type === registerWalletV1.type) {
      const ledgerCommand = command.toCommand(null);
      if (ledgerCommand.kind === 'register-wallet') {
        if (walletIdFromPublicKey(ledgerCommand.publicKey) !== ledgerCommand.walletId) {
          missing = reject(command, 'WALLET_ID_MISMATCH', 'the wallet id is not the one derived from its public key');
        }
      }
    }
    plans.push({ parsed: command, firstItem, missing, walletKey });
  }

  const verdicts = items.length > 0 ? await verify(items) : [];
  const out: IntakeItem[] = [];
  for (let index = 0; index < plans.length; index++) {
    const plan = plans[index]!;
    if (plan.missing) {
      out.push({ kind: 'rejected', rejection: plan.missing });
      continue;
    }
    const next = index + 1 < plans.length ? plans[index + 1]!.firstItem : items.length;
    let valid = true;
    for (let item = plan.firstItem; item < next; item++) valid &&= verdicts[item] === true;
    if (!valid) {
      out.push({ kind: 'rejected', rejection: reject(plan.parsed, 'BAD_SIGNATURE', 'a signature does not verify under the registered key') });
      continue;
    }
    out.push({ kind: 'command', parsed: plan.parsed, command: plan.parsed.toCommand(plan.walletKey) });
  }
  return out;
}

function reject(command: ParsedCommand, code: IntakeRejectionCode, detail: string): IntakeRejection {
  return { offset: command.offset, type: command.type, commandId: command.commandId, resultOperatorId: command.resultOperatorId, code, detail };
}
