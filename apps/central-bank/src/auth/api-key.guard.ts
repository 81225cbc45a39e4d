import { createParamDecorator, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppInfoController, HealthController, MetricsController } from '@cbdc/platform';
import { ApiError } from '../http/api-error';
import { bearerKey, roleMayCall } from './api-key';
import { ApiKeysService, type ApiCaller } from './api-keys.service';

const openEndpointKey = 'central-bank:open-endpoint';

/** Marks a controller or handler that answers without an API key (public facts, probes). */
export const OpenEndpoint = (): ClassDecorator & MethodDecorator => SetMetadata(openEndpointKey, true);

/** The platform's own controllers: `/`, `/health` and `/metrics` stay open for probes and scrapers. */
const platformOpenControllers: ReadonlySet<unknown> = new Set([AppInfoController, HealthController, MetricsController]);

export type RequestWithCaller = FastifyRequest & { apiCaller?: ApiCaller };

/**
 * Every route needs `authorization: Bearer <key>`: staff may call everything, auditors only read
 * (GET). The caller is attached to the request for the handler and for the audit trail, before the
 * role check, so a refused write is audited with the key that tried it.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (platformOpenControllers.has(context.getClass())) return true;
    if (this.reflector.getAllAndOverride<boolean>(openEndpointKey, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const key = bearerKey(request.headers.authorization);
    if (key === null) throw new ApiError(401, 'UNAUTHORIZED', 'an API key is required: authorization: Bearer <key>');
    const caller = await this.keys.authenticate(key);
    if (!caller) throw new ApiError(401, 'UNAUTHORIZED', 'the API key is unknown or revoked');
    request.apiCaller = caller;
    if (!roleMayCall(caller.role, request.method)) {
      throw new ApiError(403, 'FORBIDDEN', `the ${caller.role} role may only read; ${request.method} needs a staff key`);
    }
    return true;
  }
}

/** The authenticated caller of a guarded route. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): ApiCaller => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>().apiCaller;
  if (!caller) throw new Error('Caller used on a route the API key guard does not protect');
  return caller;
});
