/**
 * For the contracts' specs: the stable code of the ContractError that `fn` throws. Anything else
 * it throws passes through, and a call that throws nothing fails the test. Not exported from the
 * library's index: only its specs use it.
 */
import { ContractError } from '../schema';

export function contractErrorCodeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractError) return error.code;
    throw error;
  }
  throw new Error('expected a ContractError');
}
