/**
 * The regulator's key ceremony, as a pure function (no files): makes the escrow X25519 key pair,
 * splits its private key k-of-n (audited Shamir, libs/crypto), gives each official an Ed25519
 * signing key and an X25519 key, seals each share to its official's X25519 key, and makes the
 * regulator service's Ed25519 signing key. It returns the documents to write; the escrow private
 * key is wiped before it returns and is in none of them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { fromHex, generateKeyPair, generateX25519KeyPair, openWithPrivateKey, sealToPublicKey, splitSecret, toHex } from '@cbdc/crypto';
import {
  officialsCountMax,
  type RegulatorOfficialKeyV1,
  type RegulatorOfficialPublicV1,
  type RegulatorPublicMaterialV1,
  type RegulatorServiceKeyV1,
} from './regulator.v1';

export interface KeyCeremony {
  readonly material: RegulatorPublicMaterialV1;
  readonly serviceKey: RegulatorServiceKeyV1;
  readonly officialKeys: readonly RegulatorOfficialKeyV1[];
}

/** Associated data of a sealed share: a share cannot be passed off as another ceremony's or official's. */
export function shareAssociatedData(ceremonyId: string, officialId: string): Uint8Array {
  return new TextEncoder().encode(`cbdc/regulator-share/v1:${ceremonyId}:${officialId}`);
}

export async function runKeyCeremony(officials: number, threshold: number, now: Date = new Date()): Promise<KeyCeremony> {
  if (!Number.isInteger(officials) || officials < 2 || officials > officialsCountMax) throw new RangeError(`officials must be 2..${officialsCountMax}`);
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > officials) throw new RangeError('threshold must be 2..officials');
  const ceremonyId = `ceremony-${randomUUID()}`;
  const escrow = generateX25519KeyPair();
  const service = generateKeyPair();
  const shares = await splitSecret(escrow.privateKey, officials, threshold);
  escrow.privateKey.fill(0);
  const publicOfficials: RegulatorOfficialPublicV1[] = [];
  const officialKeys: RegulatorOfficialKeyV1[] = [];
  shares.forEach((share, index) => {
    const officialId = `official-${index + 1}`;
    const signing = generateKeyPair();
    const encryption = generateX25519KeyPair();
    const sealed = sealToPublicKey(share, encryption.publicKey, shareAssociatedData(ceremonyId, officialId));
    publicOfficials.push({
      officialId,
      signingPublicKey: toHex(signing.publicKey),
      encryptionPublicKey: toHex(encryption.publicKey),
      sealedShare: toHex(sealed),
      shareDigest: createHash('sha256').update(share).digest('hex'),
    });
    officialKeys.push({
      ceremonyId,
      officialId,
      signingPrivateKey: toHex(signing.privateKey),
      signingPublicKey: toHex(signing.publicKey),
      encryptionPrivateKey: toHex(encryption.privateKey),
      encryptionPublicKey: toHex(encryption.publicKey),
    });
    share.fill(0);
  });
  return {
    material: {
      ceremonyId,
      createdAt: now.toISOString(),
      threshold,
      escrowPublicKey: toHex(escrow.publicKey),
      signingPublicKey: toHex(service.publicKey),
      officials: publicOfficials,
    },
    serviceKey: { ceremonyId, signingPrivateKey: toHex(service.privateKey), signingPublicKey: toHex(service.publicKey) },
    officialKeys,
  };
}

/** An official opens its own share, locally, with its X25519 private key. */
export function openOfficialShare(material: RegulatorPublicMaterialV1, official: RegulatorOfficialKeyV1): Uint8Array {
  const entry = material.officials.find((o) => o.officialId === official.officialId);
  if (!entry) throw new Error(`${official.officialId} is not an official of ceremony ${material.ceremonyId}`);
  return openWithPrivateKey(fromHex(entry.sealedShare), fromHex(official.encryptionPrivateKey), shareAssociatedData(material.ceremonyId, official.officialId));
}
