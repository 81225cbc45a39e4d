/** The validated settings of this process, for providers that need more than the platform's. */
export const COMMERCIAL_BANK_SETTINGS = Symbol('COMMERCIAL_BANK_SETTINGS');
