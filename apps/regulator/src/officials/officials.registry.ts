/**
 * The officials of the key ceremony: written to the `officials` table at start from the public
 * material (the registry), and held in memory for the request guard. Without the ceremony's files
 * the registry is empty and every signed request is refused.
 */
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { bytesEqual, fromHex } from '@cbdc/crypto';
import { LOGGER, PG_POOL, type Logger } from '@cbdc/platform';
import type { RegulatorKeys } from '../keys/regulator-keys';
import { REGULATOR_KEYS } from '../regulator.tokens';

interface Official {
  readonly signingPublicKey: Uint8Array;
  readonly shareDigest: Uint8Array;
}

@Injectable()
export class OfficialsRegistry implements OnModuleInit {
  private readonly officials = new Map<string, Official>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REGULATOR_KEYS) private readonly keys: RegulatorKeys | null,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.keys) {
      this.logger.warn('no regulator key ceremony files: reports are stored, but no official can sign in or unmask');
      return;
    }
    const { material } = this.keys;
    for (const official of material.officials) {
      await this.pool.query(
        `insert into officials (official_id, ceremony_id, signing_public_key, encryption_public_key, share_digest) values ($1, $2, $3, $4, $5)
         on conflict (official_id) do update set ceremony_id = excluded.ceremony_id, signing_public_key = excluded.signing_public_key,
           encryption_public_key = excluded.encryption_public_key, share_digest = excluded.share_digest`,
        [official.officialId, material.ceremonyId, Buffer.from(fromHex(official.signingPublicKey)), Buffer.from(fromHex(official.encryptionPublicKey)), Buffer.from(fromHex(official.shareDigest))],
      );
      this.officials.set(official.officialId, { signingPublicKey: fromHex(official.signingPublicKey), shareDigest: fromHex(official.shareDigest) });
    }
    this.logger.info({ ceremonyId: material.ceremonyId, officials: material.officials.length, threshold: material.threshold }, 'officials registered');
  }

  signingKeyOf(officialId: string): Uint8Array | undefined {
    return this.officials.get(officialId)?.signingPublicKey;
  }

  /** True when `digest` is the SHA-256 of this official's share (recorded at the ceremony). */
  isShareOf(officialId: string, digest: Uint8Array): boolean {
    const official = this.officials.get(officialId);
    return official !== undefined && bytesEqual(official.shareDigest, digest);
  }

  get threshold(): number | null {
    return this.keys?.material.threshold ?? null;
  }
}
