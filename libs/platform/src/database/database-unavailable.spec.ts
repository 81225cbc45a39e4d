// Proves which database errors count as "cannot serve now" (a 503 to retry) and which stay programming errors (a 500).
import { isDatabaseUnavailable } from './pool';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['no pool connection in time (overload)', new Error('timeout exceeded when trying to connect')],
    ['a connection dropped', new Error('Connection terminated unexpectedly')],
    ['the server refusing connections', withCode('connect ECONNREFUSED 127.0.0.1:55432', 'ECONNREFUSED')],
    ['the server shutting down', withCode('terminating connection due to administrator command', '57P01')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a constraint violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', withCode('syntax error at or near "selec"', '42601')],
    ['a plain programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['something that is not an error', 'timeout exceeded when trying to connect'],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
