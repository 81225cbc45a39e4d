/**
 * Authenticates officials: every request to the regulator's API (but the platform's health,
 * metrics and docs routes) carries the official's id, the time, and an Ed25519 signature over
 * method, path, time and body (libs/contracts regulator.v1.ts), checked against the registry.
 * The verified official's id is put on the request for the controllers.
 */
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  officialIdHeader,
  regulatorRequestBodyText,
  signatureHeader,
  signedAtHeader,
  signedRequestSkewMsMax,
  verifyRegulatorRequest,
} from '@cbdc/contracts';
import { fromHex } from '@cbdc/crypto';
import { ApiError } from '../http/api-error';
import { OfficialsRegistry } from './officials.registry';

export interface OfficialRequest extends FastifyRequest {
  officialId?: string;
}

const signaturePattern = /^[0-9a-f]{128}$/;

@Injectable()
export class OfficialAuthGuard implements CanActivate {
  constructor(@Inject(OfficialsRegistry) private readonly officials: OfficialsRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<OfficialRequest>();
    const header = (name: string): string | undefined => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const officialId = header(officialIdHeader);
    const signedAt = header(signedAtHeader);
    const signature = header(signatureHeader);
    if (!officialId || !signedAt || !signature) throw new ApiError(401, 'UNAUTHORIZED', 'a signed request is required (x-official-id, x-signed-at, x-signature)');
    const signingKey = this.officials.signingKeyOf(officialId);
    if (!signingKey) throw new ApiError(401, 'UNAUTHORIZED', 'unknown official');
    const signedAtMs = /^[0-9]{1,15}$/.test(signedAt) ? Number(signedAt) : NaN;
    if (!Number.isSafeInteger(signedAtMs) || Math.abs(Date.now() - signedAtMs) > signedRequestSkewMsMax) {
      throw new ApiError(401, 'UNAUTHORIZED', 'the request is too old or from the future');
    }
    if (!signaturePattern.test(signature)) throw new ApiError(401, 'UNAUTHORIZED', 'the signature is not 64 bytes of hex');
    const ok = verifyRegulatorRequest(fromHex(signature), signingKey, request.method, request.url, regulatorRequestBodyText(request.body), signedAtMs);
    if (!ok) throw new ApiError(401, 'UNAUTHORIZED', 'the signature does not verify');
    request.officialId = officialId;
    return true;
  }
}
