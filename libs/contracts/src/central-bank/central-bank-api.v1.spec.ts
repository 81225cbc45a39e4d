// Proves the central bank's HTTP request bodies parse with the same rules as the wire messages: money only as decimal strings, operator ids as the ledger stores them, keys as 32 bytes of hex, unknown fields refused.
import { ContractError } from '../schema';
import { issueRecallRejectRequestV1, policyUpdateRequestV1, registerOperatorRequestV1, reserveCreditRequestV1 } from './central-bank-api.v1';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error.path;
    throw error;
  }
  throw new Error('expected a ContractError');
}

const operator = { operatorId: 'bank-a', name: 'Bank A', kind: 'bank', publicKey: 'AB'.repeat(32), issueQuotaAuto: '100' };

describe('central bank API v1 requests', () => {
  it('parses an operator registration, lower-casing its key and reading the quota as bigint', () => {
    expect(registerOperatorRequestV1(operator, '')).toEqual({ ...operator, publicKey: 'ab'.repeat(32), issueQuotaAuto: 100n });
  });

  it.each([
    [{ ...operator, issueQuotaAuto: 100 }, 'issueQuotaAuto'],
    [{ ...operator, publicKey: 'ab'.repeat(33) }, 'publicKey'],
    [{ ...operator, publicKey: 'xy'.repeat(32) }, 'publicKey'],
    [{ ...operator, operatorId: '-bank' }, 'operatorId'],
    [{ ...operator, operatorId: 'a'.repeat(64) }, 'operatorId'],
    [{ ...operator, name: '   ' }, 'name'],
    [{ ...operator, reserveRatioBps: 9_999 }, 'reserveRatioBps'],
    [{ ...operator, surprise: 1 }, 'surprise'],
  ])('refuses a bad registration field (%#)', (body, field) => {
    expect(fieldOf(() => registerOperatorRequestV1(body, ''))).toBe(field);
  });

  it('refuses money as a JSON number, a fraction or zero', () => {
    const credit = { creditId: 'c-1', amount: '1', reference: 'RTGS 1' };
    expect(reserveCreditRequestV1(credit, '')).toEqual({ ...credit, amount: 1n });
    for (const amount of [1, '1.5', '0', '-1', '1e3']) expect(fieldOf(() => reserveCreditRequestV1({ ...credit, amount }, ''))).toBe('amount');
  });

  it('parses a partial policy and names the nested field at fault', () => {
    expect(policyUpdateRequestV1({ preset: 'pboc-2021' }, '')).toEqual({ preset: 'pboc-2021' });
    const limits = { balanceCap: '1', singlePayment: '1', daily: '1', annual: 1 };
    expect(fieldOf(() => policyUpdateRequestV1({ classLimits: { 3: limits } }, ''))).toBe('classLimits.3.annual');
    expect(fieldOf(() => policyUpdateRequestV1({ classLimits: { 5: limits } }, ''))).toBe('classLimits.5');
    expect(fieldOf(() => policyUpdateRequestV1({ preset: 'ecb-2030' }, ''))).toBe('preset');
  });

  it('requires a reason to reject a request', () => {
    expect(issueRecallRejectRequestV1({ reason: 'over plan' }, '')).toEqual({ reason: 'over plan' });
    expect(fieldOf(() => issueRecallRejectRequestV1({ reason: '' }, ''))).toBe('reason');
  });
});
