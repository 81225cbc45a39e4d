/**
 * The one error type of the wallet SDK: a stable code a program can branch on, and a message a
 * person can act on. Codes are part of the SDK's contract (the CLI prints them, tests assert them),
 * so a code is never renamed or reused for another meaning.
 */
export type WalletSdkErrorCode =
  // Amounts.
  | 'BAD_AMOUNT'
  // Key files.
  | 'BAD_PASSPHRASE'
  | 'KEY_FILE_MALFORMED'
  | 'KEY_FILE_UNSUPPORTED_VERSION'
  | 'KEY_FILE_DECRYPT_FAILED'
  | 'KEY_FILE_MISMATCH'
  // Signed instructions.
  | 'BAD_INSTRUCTION'
  // Counters.
  | 'COUNTER_EXHAUSTED'
  | 'COUNTER_FILE_MALFORMED'
  | 'COUNTER_LOCKED'
  // Payment request URIs.
  | 'BAD_URI'
  | 'UNSUPPORTED_URI_VERSION'
  | 'BAD_WALLET_ID'
  | 'BAD_REFERENCE'
  | 'BAD_OPERATOR_ID'
  | 'BAD_EXPIRY'
  | 'EXPIRED_REQUEST';

export class WalletSdkError extends Error {
  override readonly name = 'WalletSdkError';
  constructor(
    readonly code: WalletSdkErrorCode,
    message: string,
  ) {
    super(message);
  }
}
