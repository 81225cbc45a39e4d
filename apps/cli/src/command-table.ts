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
import { regulatorKeygenCommand } from './commands/regulator-keygen.command';
import { regulatorApproveCommand, regulatorOpenCommand, regulatorReportsCommand, regulatorRequestCommand } from './commands/regulator-unmask.command';
import { balanceCommand } from './commands/balance.command';
import { historyCommand } from './commands/history.command';
import { loadCommand } from './commands/load.command';
import { payRequestPayCommand } from './commands/pay-request-pay.command';
import { payCommand } from './commands/pay.command';
import { unloadCommand } from './commands/unload.command';
import { walletOpenCommand } from './commands/wallet-open.command';
import { auditVerifyCommand } from './commands/audit-verify.command';
import { proofCommand } from './commands/proof.command';
import { walletUpgradeCommand } from './commands/wallet-upgrade.command';
import { merchantRegisterCommand, merchantRequestCommand } from './commands/merchant-request.command';
import { treasuryIssueCommand, treasuryRecallCommand, treasuryShowCommand } from './commands/treasury.command';

export const commandTable: readonly CliCommand[] = [
  keysCreateCommand,
  keysShowCommand,
  payRequestCreateCommand,
  payRequestShowCommand,
  walletOpenCommand,
  loadCommand,
  payCommand,
  payRequestPayCommand,
  unloadCommand,
  balanceCommand,
  historyCommand,
  amountParseCommand,
  amountFormatCommand,
  auditVerifyCommand,
  proofCommand,
  walletUpgradeCommand,
  merchantRegisterCommand,
  merchantRequestCommand,
  treasuryShowCommand,
  treasuryIssueCommand,
  treasuryRecallCommand,
  regulatorKeygenCommand,
  regulatorRequestCommand,
  regulatorApproveCommand,
  regulatorOpenCommand,
  regulatorReportsCommand,
];
