/**
 * The operator's Ed25519 signing key: every command the bank puts on the ledger topic (wallet
 * registrations, loads, unloads) carries its signature, and the central ledger accepts them only
 * under the public key the central bank's staff registered for this operator
 * (`GET /v1/operator` shows it).
 *
 * Made at first start and kept in the bank's own database (`operator_keys`), never in the
 * repository. Production would keep the private key in an HSM and sign through it; the database
 * would then hold only the public key.
 */
import type { Pool } from 'pg';
import { bytesEqual, generateKeyPair, publicKeyFromPrivateKey, toHex } from '@cbdc/crypto';

export interface OperatorKey {
  readonly operatorId: string;
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
  readonly publicKeyHex: string;
}

/**
 * Loads the key, making it first if there is none. Two processes starting at once both try to
 * insert; the primary key lets one win and both read the winner's key.
 */
export async function loadOrCreateOperatorKey(pool: Pool, operatorId: string): Promise<OperatorKey> {
  const fresh = generateKeyPair();
  await pool.query('insert into operator_keys (id, public_key, private_key) values (1, $1, $2) on conflict (id) do nothing', [
    Buffer.from(fresh.publicKey),
    Buffer.from(fresh.privateKey),
  ]);
  const result = await pool.query<{ public_key: Buffer; private_key: Buffer }>('select public_key, private_key from operator_keys where id = 1');
  const row = result.rows[0];
  if (!row) throw new Error('operator_keys holds no key after inserting one');
  const privateKey = new Uint8Array(row.private_key);
  const publicKey = new Uint8Array(row.public_key);
  // A stored pair that does not match would make the ledger refuse every command we sign.
  if (!bytesEqual(publicKeyFromPrivateKey(privateKey), publicKey)) throw new Error('operator_keys: the public key is not that of the private key');
  return { operatorId, publicKey, privateKey, publicKeyHex: toHex(publicKey) };
}
