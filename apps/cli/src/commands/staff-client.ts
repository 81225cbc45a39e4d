/**
 * A plain client of the bank's staff API for the commands that have no method on BankApi yet
 * (wallet class changes, merchants, treasury): same URL and API key rules as bank-session.ts.
 */
import { randomBytes } from 'node:crypto';
import { BankClient } from '@cbdc/wallet-sdk';
import { optionalOption, UsageError, type CliIo, type OptionValues } from '../cli-command';
import { apiKeyEnv, bankUrlDefault, bankUrlEnv } from './bank-session';

export function staffClient(options: OptionValues, io: CliIo): BankClient {
  const baseUrl = optionalOption(options, 'bank') ?? io.env[bankUrlEnv] ?? bankUrlDefault;
  const apiKey = optionalOption(options, 'api-key') ?? io.env[apiKeyEnv];
  if (apiKey === undefined || apiKey === '') throw new UsageError(`this is a bank staff call: give the staff API key in ${apiKeyEnv} (or --api-key)`);
  try {
    return new BankClient({ baseUrl, apiKey });
  } catch (error) {
    throw new UsageError(`--bank must be an http(s) URL: ${(error as Error).message}`);
  }
}

/** A fresh client-chosen id when none is given: a retry of the command should pass the printed one. */
export function freshId(prefix: string): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}
