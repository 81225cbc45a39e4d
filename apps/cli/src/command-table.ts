/**
 * Every `cbdc` subcommand, in the order `cbdc help` lists them. A new subcommand (open, load, pay,
 * unload, history, balance, audit verify, proof) is one module in commands/ and one line here.
 */
import type { CliCommand } from './cli-command';
import { amountFormatCommand, amountParseCommand } from './commands/amount.command';
import { keysCreateCommand } from './commands/keys-create.command';
import { keysShowCommand } from './commands/keys-show.command';
import { payRequestCreateCommand } from './commands/pay-request-create.command';
import { payRequestShowCommand } from './commands/pay-request-show.command';

export const commandTable: readonly CliCommand[] = [
  keysCreateCommand,
  keysShowCommand,
  payRequestCreateCommand,
  payRequestShowCommand,
  amountParseCommand,
  amountFormatCommand,
];
