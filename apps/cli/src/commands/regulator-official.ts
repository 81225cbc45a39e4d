/**
 * What the regulator commands share: reading an official's file and the public material, and
 * sending a request signed with the official's key to the regulator's API.
 */
import {
  MessageRegistry,
  regulatorOfficialKeyV1,
  regulatorPublicMaterialV1,
  regulatorRequestBodyText,
  signRegulatorRequest,
  type MessageDefinition,
  type RegulatorOfficialKeyV1,
  type RegulatorPublicMaterialV1,
} from '@cbdc/contracts';
import { fromHex } from '@cbdc/crypto';
import { CliFailure, optionalOption, requiredOption, type CliIo, type OptionValues } from '../cli-command';
import { readTextFile } from '../cli-files';

const registry = new MessageRegistry([regulatorOfficialKeyV1, regulatorPublicMaterialV1] as unknown as MessageDefinition<unknown>[]);
/** How long a call to the regulator may take. */
export const regulatorCallTimeoutMs = 15_000;

export const officialOptions = { official: { type: 'string' }, url: { type: 'string' } } as const;

export async function readOfficial(io: CliIo, options: OptionValues): Promise<RegulatorOfficialKeyV1> {
  const envelope = registry.decode(await readTextFile(io, requiredOption(options, 'official')));
  if (envelope.type !== regulatorOfficialKeyV1.type) throw new CliFailure('NOT_AN_OFFICIAL_FILE', 'the --official file is not an official key file');
  return envelope.body as RegulatorOfficialKeyV1;
}

export async function readPublicMaterial(io: CliIo, file: string): Promise<RegulatorPublicMaterialV1> {
  const envelope = registry.decode(await readTextFile(io, file));
  if (envelope.type !== regulatorPublicMaterialV1.type) throw new CliFailure('NOT_PUBLIC_MATERIAL', `${file} is not the regulator's public material`);
  return envelope.body as RegulatorPublicMaterialV1;
}

function regulatorUrl(io: CliIo, options: OptionValues): string {
  return optionalOption(options, 'url') ?? io.env.REGULATOR_URL ?? 'http://127.0.0.1:7103';
}

/** Sends one signed request; a non-2xx answer is a CliFailure with the API's code. */
export async function callRegulator(io: CliIo, options: OptionValues, official: RegulatorOfficialKeyV1, method: 'GET' | 'POST', path: string, body?: object): Promise<Record<string, unknown>> {
  const text = regulatorRequestBodyText(body);
  const headers: Record<string, string> = signRegulatorRequest(official.officialId, fromHex(official.signingPrivateKey), method, path, text, io.now().getTime());
  if (text !== '') headers['content-type'] = 'application/json';
  const response = await fetch(`${regulatorUrl(io, options)}${path}`, { method, headers, ...(text === '' ? {} : { body: text }), signal: AbortSignal.timeout(regulatorCallTimeoutMs) });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new CliFailure(typeof answer.code === 'string' ? answer.code : `HTTP_${response.status}`, typeof answer.message === 'string' ? answer.message : `HTTP ${response.status}`);
  return answer;
}
