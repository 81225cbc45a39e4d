// Proves every app's HTTP errors come out as `{ code, message }` with stable codes: ApiErrors as they are, Nest's and fastify's own with a code for their status, a body of its own unchanged, the database out of reach as 503 SERVICE_UNAVAILABLE with Retry-After, and anything else as a 500 that reveals nothing.
import { BadRequestException, GatewayTimeoutException, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { Writable } from 'node:stream';
import { amount, object } from '@cbdc/contracts';
import { databaseBusyRetryAfterSeconds } from '../database/pool';
import { createLogger } from '../logging/logger';
import { ApiError, codeForStatus, parseBody, parseInput } from './api-error';
import { ApiExceptionFilter } from './api-exception.filter';

interface Answer {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** Runs the filter on one exception and records what it would have written to fastify's reply. */
function answerTo(exception: unknown): Answer {
  const answer: Answer = { headers: {} };
  const reply = {
    header(name: string, value: string) {
      answer.headers[name] = value;
      return reply;
    },
    status(status: number) {
      answer.status = status;
      return reply;
    },
    send(body: unknown) {
      answer.body = body;
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  new ApiExceptionFilter(createLogger({ app: 'test', destination: silent, level: 'fatal' })).catch(exception, host);
  return answer;
}

describe('ApiExceptionFilter', () => {
  it('writes an ApiError with its status, code and details', () => {
    expect(answerTo(new ApiError(409, 'WALLET_EXISTS', 'exists', { walletId: 'w1' }))).toEqual({
      status: 409,
      headers: {},
      body: { code: 'WALLET_EXISTS', message: 'exists', walletId: 'w1' },
    });
  });

  it("gives Nest's own exceptions a code for their status and keeps a body of its own", () => {
    expect(answerTo(new NotFoundException('Cannot GET /nowhere'))).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', message: 'Cannot GET /nowhere' } });
    expect(answerTo(new BadRequestException(['a is wrong', 'b is wrong']))).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', message: 'a is wrong; b is wrong' } });
    expect(answerTo(new GatewayTimeoutException({ code: 'JOB_TIMEOUT', message: 'late' }))).toMatchObject({ status: 504, body: { code: 'JOB_TIMEOUT', message: 'late' } });
  });

  it("gives fastify's client errors a code for their status", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(answerTo(tooLarge)).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } });
  });

  it('answers the database out of reach with 503 SERVICE_UNAVAILABLE and Retry-After', () => {
    expect(answerTo(new Error('timeout exceeded when trying to connect'))).toMatchObject({
      status: 503,
      headers: { 'retry-after': String(databaseBusyRetryAfterSeconds) },
      body: { code: 'SERVICE_UNAVAILABLE' },
    });
  });

  it('answers a programming error with a 500 that reveals nothing', () => {
    expect(answerTo(new TypeError('secret detail'))).toEqual({ status: 500, headers: {}, body: { code: 'INTERNAL', message: 'internal error' } });
  });
});

describe('API error helpers', () => {
  const parser = object({ amount: amount() });

  it('turn a parse failure into 400 VALIDATION_FAILED naming the field', () => {
    expect(parseInput(parser, { amount: '5' })).toEqual({ amount: 5n });
    expect(() => parseInput(parser, { amount: 5 })).toThrow(expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED', details: { field: 'amount' } }));
  });

  it('read an absent body as an empty object in parseBody only', () => {
    expect(() => parseBody(parser, undefined)).toThrow(expect.objectContaining({ details: { field: 'amount' } }));
    expect(() => parseInput(parser, undefined)).toThrow(expect.objectContaining({ details: { field: '<body>' } }));
  });

  it('give every status Nest or fastify answer by themselves a stable code', () => {
    expect(codeForStatus(405)).toBe('METHOD_NOT_ALLOWED');
    expect(codeForStatus(429)).toBe('TOO_MANY_REQUESTS');
    expect(codeForStatus(418)).toBe('BAD_REQUEST');
    expect(codeForStatus(503)).toBe('INTERNAL');
  });
});
