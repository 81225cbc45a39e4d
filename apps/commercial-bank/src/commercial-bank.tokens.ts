/** The validated settings of this process, for providers that need more than the platform's. */
export const COMMERCIAL_BANK_SETTINGS = Symbol('COMMERCIAL_BANK_SETTINGS');
/** The operator's signing key (keys/operator-key.ts). */
export const OPERATOR_KEY = Symbol('OPERATOR_KEY');
/** The cipher of customers' KYC fields (keys/kyc-cipher.ts). */
export const KYC_CIPHER = Symbol('KYC_CIPHER');
