/**
 * Escrow of a wallet holder's identity at opening (ARCHITECTURE.md §7): the bank opens the
 * customer's KYC data (sealed at rest under its own key), and seals name, ID number, phone, class
 * and customer id to the regulator's escrow public key (X25519 + HKDF + XChaCha20-Poly1305,
 * libs/crypto sealed-box), with the wallet id as associated data. The central ledger stores only
 * that ciphertext beside the pseudonymous wallet; only k officials together can open it.
 *
 * The regulator's escrow public key comes from the key ceremony's public material file
 * (REGULATOR_PUBLIC_FILE; default `$STACK_DIR/regulator/regulator-public.json`). Without it the
 * bank opens wallets without escrow and says so at start: a deployment would refuse to start.
 * The escrow is written once, at opening; a class change does not re-seal it (the ledger knows
 * the current class, and the holder's identity does not change with the class).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { encodeMessage, escrowedIdentityV1, MessageRegistry, regulatorPublicMaterialV1, type MessageDefinition, type RegulatorPublicMaterialV1 } from '@cbdc/contracts';
import { fromHex, sealToPublicKey, toHex } from '@cbdc/crypto';
import { LOGGER, type Logger } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS, KYC_CIPHER } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import type { KycCipher } from '../keys/kyc-cipher';

const registry = new MessageRegistry([regulatorPublicMaterialV1 as unknown as MessageDefinition<unknown>]);

export function regulatorPublicFileOf(settings: Pick<CommercialBankSettings, 'REGULATOR_PUBLIC_FILE'>, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return settings.REGULATOR_PUBLIC_FILE ?? path.join(env.STACK_DIR ?? '.stack', 'regulator', 'regulator-public.json');
}

/** The escrow public key from the public material file, or null when there is no file. */
export function loadEscrowPublicKey(file: string): Uint8Array | null {
  if (!existsSync(file)) return null;
  return fromHex((registry.decode(readFileSync(file, 'utf8')).body as RegulatorPublicMaterialV1).escrowPublicKey);
}

@Injectable()
export class IdentityEscrow {
  private readonly escrowPublicKey: Uint8Array | null;

  constructor(
    @Inject(KYC_CIPHER) private readonly kyc: KycCipher,
    @Inject(COMMERCIAL_BANK_SETTINGS) private readonly settings: CommercialBankSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    const file = regulatorPublicFileOf(settings);
    this.escrowPublicKey = loadEscrowPublicKey(file);
    if (this.escrowPublicKey) logger.info({ file }, 'wallet holders are escrowed to the regulator');
    else logger.warn({ file }, 'no regulator public material: wallets open WITHOUT identity escrow');
  }

  /** The sealed identity (hex) for the ledger's register-wallet command, or undefined without a regulator key. */
  async seal(client: PoolClient, customerId: string, walletId: string, walletClass: number): Promise<string | undefined> {
    if (!this.escrowPublicKey) return undefined;
    const result = await client.query<{ name_sealed: Buffer; id_number_sealed: Buffer | null; phone_sealed: Buffer }>(
      'select name_sealed, id_number_sealed, phone_sealed from customers where id = $1',
      [customerId],
    );
    const row = result.rows[0];
    if (!row) throw new Error(`customer ${customerId} vanished inside the opening transaction`);
    const open = (field: string, sealed: Buffer) => this.kyc.open(sealed, `${customerId}:${field}`);
    const identity = encodeMessage(escrowedIdentityV1, {
      operatorId: this.settings.BANK_ID,
      walletId,
      walletClass,
      customerId,
      name: open('name', row.name_sealed),
      ...(row.id_number_sealed ? { idNumber: open('idNumber', row.id_number_sealed) } : {}),
      phone: open('phone', row.phone_sealed),
    });
    return toHex(sealToPublicKey(new TextEncoder().encode(identity), this.escrowPublicKey, new TextEncoder().encode(walletId)));
  }
}
