import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AccountEntriesPageV1, AccountViewV1 } from '@cbdc/contracts';
import { ApiGuarded } from '../http/api-docs';
import { AccountDto, AccountEntriesPageDto } from '../http/api-dtos';
import { AccountsService } from './accounts.service';

@ApiTags('accounts')
@Controller('v1/accounts')
export class AccountsController {
  constructor(@Inject(AccountsService) private readonly accounts: AccountsService) {}

  @Get(':accountId')
  @ApiOperation({ summary: 'The balance of a ledger account (reserve:<op>, vault:<op>, wallet:<id>, rtgs)' })
  @ApiOkResponse({ type: AccountDto })
  @ApiGuarded(404)
  get(@Param('accountId') accountId: string): Promise<AccountViewV1> {
    return this.accounts.get(accountId);
  }

  @Get(':accountId/entries')
  @ApiOperation({ summary: 'The accepted entries that moved the account, by sequence (keyset pagination)' })
  @ApiQuery({ name: 'after', required: false, description: 'a sequence; entries after it (default 0)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..500, default 100' })
  @ApiOkResponse({ type: AccountEntriesPageDto })
  @ApiGuarded(400, 404)
  entries(@Param('accountId') accountId: string, @Query() query: unknown): Promise<AccountEntriesPageV1> {
    return this.accounts.entries(accountId, query);
  }
}
