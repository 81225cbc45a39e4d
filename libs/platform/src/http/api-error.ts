/**
 * Errors the apps' HTTP APIs answer with: a status and a stable code in a JSON body
 * `{ code, message }`. Services throw these for bad input and refusals; the exception filter
 * writes them. Status codes exist only here, in the HTTP layer (STYLE.md): the ledger speaks codes.
 * Each app adds its own mappings (the central bank's ledger rejections) on top of these.
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

/** Parses a request body (or query) with a contracts parser; a failure is a 400 naming the field. */
export function parseInput<T>(parser: Parser<T>, value: unknown, root = ''): T {
  try {
    return parser(value, root);
  } catch (error) {
    if (error instanceof ContractError) throw validationFailed(error.path || '<body>', error.message);
    throw error;
  }
}

/**
 * Like parseInput, but an absent body reads as an empty object, so the 400 names the first
 * missing field rather than the body as a whole (the banks' and the regulator's choice).
 */
export function parseBody<T>(parser: Parser<T>, value: unknown): T {
  return parseInput(parser, value ?? {});
}

/** Stable codes for the statuses Nest or fastify answer with by themselves. */
const statusCodes: Readonly<Record<number, string>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  504: 'TIMEOUT',
};

export function codeForStatus(status: number): string {
  return statusCodes[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}
