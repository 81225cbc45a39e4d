/**
 * Errors the HTTP API answers with: a status and a stable code in a JSON body `{ code, message }`.
 * Services throw these for bad input and for ledger rejections; the exception filter writes them.
 * Status codes exist only here, in the HTTP layer (STYLE.md): the ledger speaks codes.
 */
import { ContractError, type Parser } from '@cbdc/contracts';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}

export function validationFailed(field: string, message: string): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', message, { field });
}

export function notFound(what: string): ApiError {
  return new ApiError(404, 'NOT_FOUND', `${what} does not exist`);
}

/** Parses a request body (or query) with a contracts parser; a failure is a 400 naming the field. */
export function parseInput<T>(parser: Parser<T>, value: unknown, root = ''): T {
  try {
    return parser(value, root);
  } catch (error) {
    if (error instanceof ContractError) throw validationFailed(error.path || '<body>', error.message);
    throw error;
  }
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

/** Stable codes for the statuses Nest or fastify answer with by themselves. */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'VALIDATION_FAILED';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'TOO_MANY_REQUESTS';
    case 504:
      return 'TIMEOUT';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}
