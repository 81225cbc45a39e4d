import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../http/api-error';
import { requestApiKey } from './api-key';
import { ApiKeysService, type ApiCaller } from './api-keys.service';

export type RequestWithCaller = FastifyRequest & { apiCaller?: ApiCaller };

/**
 * Guards the staff API: `x-api-key: <key>` or `authorization: Bearer <key>` of a staff key.
 * Probes (`/health`, `/metrics`) and the operator's public facts stay open.
 */
@Injectable()
export class StaffApiKeyGuard implements CanActivate {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const key = requestApiKey(request.headers);
    if (key === null) throw new ApiError(401, 'UNAUTHORIZED', 'a staff API key is required: x-api-key: <key> or authorization: Bearer <key>');
    const caller = await this.keys.authenticate(key);
    if (!caller) throw new ApiError(401, 'UNAUTHORIZED', 'the API key is unknown or revoked');
    if (caller.role !== 'staff') throw new ApiError(403, 'FORBIDDEN', 'this route needs a staff key');
    request.apiCaller = caller;
    return true;
  }
}
