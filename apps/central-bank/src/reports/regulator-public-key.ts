/**
 * The regulator's Ed25519 signing key, read from the key ceremony's public material file. The
 * ledger engine accepts `ledger.audit-record` commands only under this key; without the file the
 * central bank runs as before and refuses every audit record (UNKNOWN_OPERATOR).
 */
import { existsSync, readFileSync } from 'node:fs';
import { MessageRegistry, regulatorPublicMaterialV1, type MessageDefinition, type RegulatorPublicMaterialV1 } from '@cbdc/contracts';
import { fromHex } from '@cbdc/crypto';
import type { Logger } from '@cbdc/platform';

const registry = new MessageRegistry([regulatorPublicMaterialV1 as unknown as MessageDefinition<unknown>]);

/** Parses the file's text; throws a ContractError when it is not version-1 public material. */
export function parseRegulatorPublicMaterial(text: string): RegulatorPublicMaterialV1 {
  return registry.decode(text).body as RegulatorPublicMaterialV1;
}

export function loadRegulatorSigningKey(file: string, logger: Logger): Uint8Array | null {
  if (!existsSync(file)) {
    logger.warn({ file }, 'no regulator public material: audit records from the regulator will be refused');
    return null;
  }
  const material = parseRegulatorPublicMaterial(readFileSync(file, 'utf8'));
  logger.info({ file, ceremonyId: material.ceremonyId }, 'regulator signing key loaded');
  return fromHex(material.signingPublicKey);
}
