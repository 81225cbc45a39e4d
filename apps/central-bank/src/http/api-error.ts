/**
 * The central bank's HTTP errors: the shared ApiError, parsing and status codes of every app
 * (libs/platform), plus the statuses of the ledger's rejections, which only this API answers with.
 */
import { ApiError } from '@cbdc/platform';

export { ApiError, codeForStatus, parseInput, validationFailed } from '@cbdc/platform';

export function notFound(what: string): ApiError {
  return new ApiError(404, 'NOT_FOUND', `${what} does not exist`);
}

/** HTTP status of each ledger rejection code; a code not listed is a 422 (the request was understood, the ledger refused it). */
const ledgerCodeStatus: Readonly<Record<string, number>> = {
  OPERATOR_EXISTS: 409,
  WALLET_EXISTS: 409,
  UNKNOWN_OPERATOR: 404,
  UNKNOWN_WALLET: 404,
  UNKNOWN_PAYEE: 404,
};

export function ledgerRejectionStatus(code: string): number {
  return ledgerCodeStatus[code] ?? 422;
}

export function ledgerRejected(code: string, detail: string | null, details: Record<string, unknown> = {}): ApiError {
  return new ApiError(ledgerRejectionStatus(code), code, detail ?? `the ledger rejected the command: ${code}`, details);
}

/** The engine did not decide in time; the command may still be decided later (its id is kept). */
export function ledgerTimeout(commandId: string, timeoutMs: number): ApiError {
  return new ApiError(504, 'LEDGER_TIMEOUT', `the ledger did not decide command ${commandId} within ${timeoutMs} ms; ask again later`, { commandId });
}
