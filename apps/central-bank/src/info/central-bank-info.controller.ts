import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CentralBankInfoV1 } from '@cbdc/contracts';
import { OpenEndpoint } from '../auth/api-key.guard';
import { CENTRAL_BANK_KEY, CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import type { CentralBankSettings } from '../central-bank.settings';
import { CentralBankInfoDto } from '../http/api-dtos';
import type { CentralBankKey } from '../keys/central-bank-key';

/** Public facts about the central bank; open, since operators and auditors need the key to verify its signatures. */
@ApiTags('central bank')
@OpenEndpoint()
@Controller('v1/central-bank')
export class CentralBankInfoController {
  constructor(
    @Inject(CENTRAL_BANK_KEY) private readonly key: CentralBankKey,
    @Inject(CENTRAL_BANK_SETTINGS) private readonly settings: CentralBankSettings,
  ) {}

  @Get()
  @ApiOperation({ summary: "The central bank's public key and where its ledger listens" })
  @ApiOkResponse({ type: CentralBankInfoDto })
  info(): CentralBankInfoV1 {
    return {
      publicKey: this.key.publicKeyHex,
      keyCreatedAt: this.key.createdAt.toISOString(),
      ledgerCommandsTopic: this.settings.LEDGER_COMMANDS_TOPIC,
      controlTopic: this.settings.CONTROL_TOPIC,
      ledgerPartitions: this.settings.LEDGER_PARTITIONS,
    };
  }
}
