import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ApiErrorDto } from './api-dtos';

const statusDescriptions: Readonly<Record<number, string>> = {
  400: 'VALIDATION_FAILED: a field is missing or malformed (an amount must be a decimal string of fen)',
  401: 'UNAUTHORIZED: no API key, or an unknown one',
  403: 'FORBIDDEN: the key\'s role may not do this (auditors only read)',
  404: 'NOT_FOUND (or the ledger\'s UNKNOWN_OPERATOR)',
  409: 'a conflict with what exists (OPERATOR_EXISTS, CREDIT_ID_CONFLICT, NOT_PENDING_APPROVAL)',
  422: 'the ledger rejected the command (INSUFFICIENT_RESERVES, INSUFFICIENT_FUNDS, ...)',
  504: 'LEDGER_TIMEOUT: the ledger did not decide in time; the command keeps its id and may still be decided',
};

/** A route that needs an API key, with the `{ code, message }` answers it may give. */
export function ApiGuarded(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: statusDescriptions[401], type: ApiErrorDto }),
    ...statuses.map((status) => ApiResponse({ status, description: statusDescriptions[status] ?? 'error', type: ApiErrorDto })),
  );
}

/** A write: auditors get 403. */
export function ApiStaffOnly(...statuses: number[]): MethodDecorator & ClassDecorator {
  return ApiGuarded(403, ...statuses);
}
