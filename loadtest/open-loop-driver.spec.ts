// Proves the own driver is open loop: requests go out at the arrival rate while earlier ones are still unanswered, and latency counts from when each was due.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestOutcome } from './latency-stats';
import { runOpenLoop, type OpenLoopRequest } from './open-loop-driver';

const answerDelayMs = 300;
let server: Server;
let url: string;
const arrivals: number[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    arrivals.push(performance.now());
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      setTimeout(() => {
        response.writeHead(body.includes('"fail"') ? 422 : 200, { 'content-type': 'application/json' });
        response.end(body.includes('"fail"') ? '{"code":"INSUFFICIENT_FUNDS"}' : '{"status":"settled"}');
      }, answerDelayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

it('sends at the rate without waiting for answers, and judges each answer', async () => {
  const rate = 100;
  const requests: OpenLoopRequest[] = Array.from({ length: 40 }, (_, index) => ({
    method: 'POST',
    url,
    body: JSON.stringify({ index, kind: index === 7 ? 'fail' : 'pay' }),
    isOk: (status, body) => status === 200 && body.includes('settled'),
  }));
  const outcomes: RequestOutcome[] = [];
  const began = performance.now();
  arrivals.length = 0;
  await runOpenLoop({ requests, rate, timeoutSeconds: 5, onOutcome: (outcome) => outcomes.push(outcome) });
  // 40 requests at 100/s take 0.39 s to send; answered one by one (closed loop) they would take 12 s.
  expect(Math.max(...arrivals) - began).toBeLessThan(390 + answerDelayMs);
  expect(performance.now() - began).toBeLessThan(2_000);
  expect(outcomes).toHaveLength(40);
  expect(outcomes.filter((o) => !o.ok)).toEqual([expect.objectContaining({ ok: false, errorKind: 'HTTP 422 INSUFFICIENT_FUNDS' })]);
  for (const outcome of outcomes) expect(outcome.latencyMs).toBeGreaterThanOrEqual(answerDelayMs - 5);
  expect([...new Set(outcomes.map((o) => o.sentAtMs))]).toHaveLength(40);
});

it('counts an answer that never comes as a timeout', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const outcomes: RequestOutcome[] = [];
  await runOpenLoop({
    requests: [{ method: 'GET', url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, isOk: () => true }],
    rate: 10,
    timeoutSeconds: 0.3,
    onOutcome: (outcome) => outcomes.push(outcome),
  });
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
  expect(outcomes).toEqual([expect.objectContaining({ ok: false, errorKind: 'timeout' })]);
});
