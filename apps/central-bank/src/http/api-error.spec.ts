// Proves the HTTP layer's error mapping: a contract parse failure is a 400 naming the field, ledger codes map to stable statuses, and Nest's own statuses get stable codes.
import { amount, object } from '@cbdc/contracts';
import { ApiError, codeForStatus, ledgerRejected, ledgerRejectionStatus, ledgerTimeout, parseInput } from './api-error';

describe('API errors', () => {
  it('turn a parse failure into 400 VALIDATION_FAILED with the field', () => {
    const parser = object({ amount: amount() });
    expect(parseInput(parser, { amount: '5' })).toEqual({ amount: 5n });
    try {
      parseInput(parser, { amount: 5 });
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(400);
      expect((error as ApiError).body()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'amount' });
    }
  });

  it('map ledger rejections to statuses by meaning', () => {
    expect(ledgerRejectionStatus('OPERATOR_EXISTS')).toBe(409);
    expect(ledgerRejectionStatus('UNKNOWN_OPERATOR')).toBe(404);
    expect(ledgerRejectionStatus('INSUFFICIENT_RESERVES')).toBe(422);
    expect(ledgerRejectionStatus('INSUFFICIENT_FUNDS')).toBe(422);
    expect(ledgerRejected('INSUFFICIENT_RESERVES', null).body()).toMatchObject({ code: 'INSUFFICIENT_RESERVES' });
    expect(ledgerTimeout('cb:issue:r', 10)).toMatchObject({ status: 504, code: 'LEDGER_TIMEOUT' });
  });

  it('give every status Nest or fastify answer by themselves a stable code', () => {
    expect(codeForStatus(404)).toBe('NOT_FOUND');
    expect(codeForStatus(400)).toBe('VALIDATION_FAILED');
    expect(codeForStatus(415)).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(codeForStatus(503)).toBe('INTERNAL');
  });
});
