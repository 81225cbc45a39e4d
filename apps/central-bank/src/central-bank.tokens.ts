/** The validated settings of this process, for providers that need more than the platform's. */
export const CENTRAL_BANK_SETTINGS = Symbol('CENTRAL_BANK_SETTINGS');
