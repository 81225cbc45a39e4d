/** The validated settings of this process, for providers that need more than the platform's. */
export const CENTRAL_BANK_SETTINGS = Symbol('CENTRAL_BANK_SETTINGS');
/** The central bank's signing key (keys/central-bank-key.ts). */
export const CENTRAL_BANK_KEY = Symbol('CENTRAL_BANK_KEY');
