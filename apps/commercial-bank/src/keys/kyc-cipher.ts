/**
 * Encryption of customers' KYC fields at rest: AES-256-GCM (node's OpenSSL), a fresh 96-bit
 * nonce per value, and the customer id and field name as associated data, so a ciphertext copied
 * into another customer's row or another column does not decrypt.
 *
 * The key is made at first start and kept in the bank's database (`kyc_keys`). Production would
 * keep it in a KMS and store only data keys wrapped by it (envelope encryption).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

export const kycKeyBytes = 32;
export const kycNonceBytes = 12;
export const kycTagBytes = 16;
/** The longest KYC value sealed; the HTTP schema bounds each field well below it. */
export const kycPlaintextBytesMax = 4096;

export class KycCipher {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== kycKeyBytes) throw new Error(`a KYC key is ${kycKeyBytes} bytes`);
  }

  /** nonce || ciphertext || tag. */
  seal(plaintext: string, context: string): Buffer {
    const bytes = Buffer.from(plaintext, 'utf8');
    if (bytes.length > kycPlaintextBytesMax) throw new Error(`a KYC value is at most ${kycPlaintextBytesMax} bytes`);
    const nonce = randomBytes(kycNonceBytes);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]);
  }

  /** Throws when the value was changed or sealed under another context or key. */
  open(sealed: Uint8Array, context: string): string {
    if (sealed.length < kycNonceBytes + kycTagBytes) throw new Error('a sealed KYC value is too short');
    const nonce = sealed.subarray(0, kycNonceBytes);
    const tag = sealed.subarray(sealed.length - kycTagBytes);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(kycNonceBytes, sealed.length - kycTagBytes)), decipher.final()]).toString('utf8');
  }
}

/** The KYC key of this bank, made at first start (the primary key lets one of two racing starts win). */
export async function loadOrCreateKycCipher(pool: Pool): Promise<KycCipher> {
  await pool.query('insert into kyc_keys (id, key) values (1, $1) on conflict (id) do nothing', [randomBytes(kycKeyBytes)]);
  const result = await pool.query<{ key: Buffer }>('select key from kyc_keys where id = 1');
  const row = result.rows[0];
  if (!row) throw new Error('kyc_keys holds no key after inserting one');
  return new KycCipher(new Uint8Array(row.key));
}
