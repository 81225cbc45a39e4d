/**
 * Errors the bank's HTTP API answers with: a status and a stable code in a JSON body
 * `{ code, message }`. Services throw these for bad input and refusals; the exception filter
 * writes them. Status codes exist only here, in the HTTP layer (STYLE.md).
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

/** Parses a request body with a contracts parser; a failure is a 400 VALIDATION_FAILED naming the field. */
export function parseInput<T>(parser: Parser<T>, value: unknown): T {
  try {
    return parser(value ?? {}, '');
  } catch (error) {
    if (error instanceof ContractError) throw new ApiError(400, 'VALIDATION_FAILED', error.message, { field: error.path || '<body>' });
    throw error;
  }
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
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}
