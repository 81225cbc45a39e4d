/**
 * What the bank commands share: the bank's URL, the staff API key, the holder's key file (opened
 * with the passphrase from the environment) and its counter file beside it, and waiting for the
 * ledger's decision of a request. The API key is taken from `--api-key` or, better (a key on the
 * command line sits in shell history and `ps`), from the environment variable CBDC_API_KEY.
 */
import { resolve } from 'node:path';
import { BankApi, FileCounterStore, openWalletKeyFile, readKeyFile, type WalletKeys } from '@cbdc/wallet-sdk';
import { CliFailure, optionalOption, passphraseFrom, requiredOption, UsageError, type CliIo, type OptionValues } from '../cli-command';
import { readTextFile } from '../cli-files';

export const bankUrlDefault = 'http://127.0.0.1:7101';
export const bankUrlEnv = 'CBDC_BANK_URL';
export const apiKeyEnv = 'CBDC_API_KEY';
/** `--wait` gives the ledger this long to decide, then reports the request as still pending. */
export const decisionWaitMsMax = 30_000;
const decisionPollMs = 200;

export const bankOption = { bank: { type: 'string' } } as const;
export const apiKeyOption = { 'api-key': { type: 'string' } } as const;
export const keyOption = { key: { type: 'string' }, 'passphrase-env': { type: 'string' } } as const;

/** A client of the bank: with the staff key when `staff` is true (it must then be given). */
export function bankApi(options: OptionValues, io: CliIo, staff: boolean): BankApi {
  const baseUrl = optionalOption(options, 'bank') ?? io.env[bankUrlEnv] ?? bankUrlDefault;
  const apiKey = optionalOption(options, 'api-key') ?? io.env[apiKeyEnv];
  if (staff && (apiKey === undefined || apiKey === '')) throw new UsageError(`this is a bank staff call: give the staff API key in ${apiKeyEnv} (or --api-key)`);
  try {
    return new BankApi({ baseUrl, ...(staff && apiKey ? { apiKey } : {}) });
  } catch (error) {
    throw new UsageError(`--bank must be an http(s) URL: ${(error as Error).message}`);
  }
}

/** The wallet id of a key file, without opening it. */
export async function walletIdOf(options: OptionValues, io: CliIo): Promise<string> {
  return readKeyFile(await readTextFile(io, requiredOption(options, 'key'))).walletId;
}

/** The holder's keys (opened with the passphrase) and its counter store (`<key file>.counter`). */
export async function holderOf(options: OptionValues, io: CliIo): Promise<{ keys: WalletKeys; counters: FileCounterStore }> {
  const file = requiredOption(options, 'key');
  const keys = await openWalletKeyFile(await readTextFile(io, file), passphraseFrom(options, io.env));
  return { keys, counters: new FileCounterStore(`${resolve(io.cwd, file)}.counter`) };
}

/** Polls a load or unload until the ledger decided it, or the wait is over (then it is returned pending). */
export async function decided<T extends { status: string }>(read: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + decisionWaitMsMax;
  for (;;) {
    const request = await read();
    if (request.status !== 'pending' || Date.now() >= deadline) return request;
    await new Promise((resolve) => setTimeout(resolve, decisionPollMs));
  }
}

/** A rejected load or unload is a failure of the command (exit code 1, with the ledger's code). */
export function failIfRejected(request: { status: string; code: string | null }, what: string): void {
  if (request.status === 'rejected') throw new CliFailure(request.code ?? 'REJECTED', `the central ledger rejected the ${what}`);
}
