// Proves the vegeta formats: a JSON target line with its base64 body and headers, a result line parsed back, and failures named by kind.
import { errorKindOf, parseVegetaResultLine, vegetaTargetLine } from './vegeta-targets';

describe('vegetaTargetLine', () => {
  it('writes a POST with a base64 JSON body, its content type and extra headers', () => {
    const body = JSON.stringify({ paymentId: 'p-1', amount: '5' });
    const line = JSON.parse(vegetaTargetLine({ method: 'POST', url: 'http://127.0.0.1:7101/v1/payments', body, headers: { authorization: 'Bearer k' } })) as Record<string, unknown>;
    expect(line).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:7101/v1/payments',
      body: Buffer.from(body).toString('base64'),
      header: { 'Content-Type': ['application/json'], authorization: ['Bearer k'] },
    });
    expect(Buffer.from(line.body as string, 'base64').toString()).toBe(body);
  });

  it('writes a GET with neither body nor header', () => {
    expect(JSON.parse(vegetaTargetLine({ method: 'GET', url: 'http://x/health' }))).toEqual({ method: 'GET', url: 'http://x/health' });
  });

  it('is one line', () => {
    expect(vegetaTargetLine({ method: 'POST', url: 'http://x', body: '{\n"a": 1\n}' })).not.toContain('\n');
  });
});

describe('parseVegetaResultLine', () => {
  it('reads the code, the send time, the latency in ms and the decoded body', () => {
    const body = '{"paymentId":"p-1","status":"settled"}';
    const line = JSON.stringify({
      attack: '',
      seq: 3,
      code: 200,
      timestamp: '2026-11-29T16:00:00.250000000Z',
      latency: 12_345_678,
      bytes_out: 10,
      bytes_in: 40,
      error: '',
      body: Buffer.from(body).toString('base64'),
      method: 'POST',
      url: 'http://x',
      headers: {},
    });
    expect(parseVegetaResultLine(line)).toEqual({ timestampMs: Date.parse('2026-11-29T16:00:00.250Z'), latencyMs: 12.345678, code: 200, error: '', body });
  });

  it('reads a failed request with no answer', () => {
    const result = parseVegetaResultLine(JSON.stringify({ code: 0, timestamp: '2026-11-29T16:00:00Z', latency: 5e9, error: 'Post "http://x": context deadline exceeded', body: null }));
    expect(result).toMatchObject({ code: 0, body: '', error: 'Post "http://x": context deadline exceeded' });
  });

  it('refuses a line that is not a result', () => {
    expect(() => parseVegetaResultLine('{"hello":1}')).toThrow(/not a vegeta result/);
    expect(() => parseVegetaResultLine(JSON.stringify({ code: 200, timestamp: 'yesterday', latency: 1 }))).toThrow(/bad timestamp/);
  });
});

describe('errorKindOf', () => {
  it('names a rejection by its status and stable code', () => {
    expect(errorKindOf(422, '{"code":"INSUFFICIENT_FUNDS","status":"rejected"}', '')).toBe('HTTP 422 INSUFFICIENT_FUNDS');
    expect(errorKindOf(202, '{"paymentId":"p","status":"pending"}', '')).toBe('HTTP 202 pending');
    expect(errorKindOf(502, 'Bad Gateway', '')).toBe('HTTP 502');
  });

  it('names transport failures', () => {
    expect(errorKindOf(0, '', 'Post "http://x": context deadline exceeded (Client.Timeout exceeded)')).toBe('timeout');
    expect(errorKindOf(0, '', 'Post "http://x": dial tcp: connection refused')).toBe('transport: dial tcp: connection refused');
  });
});
