/**
 * Errors the regulator's HTTP API answers with: a status and a stable code in `{ code, message }`.
 * Status codes exist only in the HTTP layer (STYLE.md).
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

/** Parses a request body with a contracts parser; a failure is a 400 naming the field. */
export function parseInput<T>(parser: Parser<T>, value: unknown): T {
  try {
    return parser(value ?? {}, '');
  } catch (error) {
    if (error instanceof ContractError) throw new ApiError(400, 'VALIDATION_FAILED', error.message, { field: error.path || '<body>' });
    throw error;
  }
}

const statusCodes: Readonly<Record<number, string>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

export function codeForStatus(status: number): string {
  return statusCodes[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}
