import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { OperatorInfoV1 } from '@cbdc/contracts';
import { OPERATOR_KEY } from '../commercial-bank.tokens';
import { OperatorInfoDto } from '../http/api-dtos';
import type { OperatorKey } from '../keys/operator-key';

/** Public facts: who this operator is and the key the central bank must register for it. */
@ApiTags('operator')
@Controller('v1/operator')
export class OperatorController {
  constructor(@Inject(OPERATOR_KEY) private readonly key: OperatorKey) {}

  @Get()
  @ApiOkResponse({ type: OperatorInfoDto })
  info(): OperatorInfoV1 {
    return { operatorId: this.key.operatorId, publicKey: this.key.publicKeyHex };
  }
}
