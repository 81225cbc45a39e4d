/**
 * The key ceremony's files the regulator service reads at start: the public material (escrow
 * public key, threshold, officials' public keys and sealed shares) and the service's own Ed25519
 * signing key, which signs the audit records it anchors in the ledger. The escrow private key is
 * not among them: it exists only as shares sealed to the officials.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  MessageRegistry,
  regulatorPublicMaterialV1,
  regulatorServiceKeyV1,
  type MessageDefinition,
  type RegulatorPublicMaterialV1,
  type RegulatorServiceKeyV1,
} from '@cbdc/contracts';
import { bytesEqual, fromHex, publicKeyFromPrivateKey } from '@cbdc/crypto';
import { regulatorPublicFileName, regulatorServiceKeyFileName } from '../regulator.settings';

export interface RegulatorKeys {
  readonly material: RegulatorPublicMaterialV1;
  readonly escrowPublicKey: Uint8Array;
  readonly signingPrivateKey: Uint8Array;
  readonly signingPublicKey: Uint8Array;
}

const registry = new MessageRegistry([regulatorPublicMaterialV1, regulatorServiceKeyV1] as unknown as MessageDefinition<unknown>[]);

/** Reads the ceremony's files from `folder`; null when the public material is not there. */
export function loadRegulatorKeys(folder: string): RegulatorKeys | null {
  const publicFile = path.join(folder, regulatorPublicFileName);
  if (!existsSync(publicFile)) return null;
  const material = registry.decode(readFileSync(publicFile, 'utf8'));
  const service = registry.decode(readFileSync(path.join(folder, regulatorServiceKeyFileName), 'utf8'));
  if (material.type !== regulatorPublicMaterialV1.type || service.type !== regulatorServiceKeyV1.type) {
    throw new Error(`the regulator key files in ${folder} are not the public material and the service key`);
  }
  const m = material.body as RegulatorPublicMaterialV1;
  const s = service.body as RegulatorServiceKeyV1;
  const signingPrivateKey = fromHex(s.signingPrivateKey);
  const signingPublicKey = fromHex(m.signingPublicKey);
  // A mismatched pair would make the ledger refuse every audit record: fail at start instead.
  if (s.ceremonyId !== m.ceremonyId || !bytesEqual(publicKeyFromPrivateKey(signingPrivateKey), signingPublicKey)) {
    throw new Error(`the regulator service key in ${folder} does not belong to its public material`);
  }
  return { material: m, escrowPublicKey: fromHex(m.escrowPublicKey), signingPrivateKey, signingPublicKey };
}
