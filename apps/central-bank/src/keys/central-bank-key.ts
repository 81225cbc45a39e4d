/**
 * The central bank's Ed25519 signing key: every command it puts on the ledger topic (operator
 * registrations, reserve credits, issues, recalls) carries its signature, and the ledger engine
 * accepts those commands only under this public key.
 *
 * Made at first start and kept in the central bank's own database (`central_bank_keys`), never in
 * the repository. Production would keep the private key in an HSM and sign through it; the
 * database would then hold only the public key.
 */
import type { Pool } from 'pg';
import { bytesEqual, generateKeyPair, publicKeyFromPrivateKey, toHex } from '@cbdc/crypto';

export interface CentralBankKey {
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
  readonly publicKeyHex: string;
  readonly createdAt: Date;
}

/**
 * Loads the key, making it first if there is none. Two processes starting at once both try to
 * insert; the primary key lets one win and both read the winner's key.
 */
export async function loadOrCreateCentralBankKey(pool: Pool): Promise<CentralBankKey> {
  const fresh = generateKeyPair();
  await pool.query('insert into central_bank_keys (id, public_key, private_key) values (1, $1, $2) on conflict (id) do nothing', [
    Buffer.from(fresh.publicKey),
    Buffer.from(fresh.privateKey),
  ]);
  const result = await pool.query<{ public_key: Buffer; private_key: Buffer; created_at: Date }>(
    'select public_key, private_key, created_at from central_bank_keys where id = 1',
  );
  const row = result.rows[0];
  if (!row) throw new Error('central_bank_keys holds no key after inserting one');
  const privateKey = new Uint8Array(row.private_key);
  const publicKey = new Uint8Array(row.public_key);
  // A stored pair that does not match would make the ledger refuse every command we sign.
  if (!bytesEqual(publicKeyFromPrivateKey(privateKey), publicKey)) throw new Error('central_bank_keys: the public key is not that of the private key');
  return { publicKey, privateKey, publicKeyHex: toHex(publicKey), createdAt: row.created_at };
}
