// Proves that Nest's own log calls come out as one JSON object per line, with the Nest context, the error stack and the app's name as fields.
import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { PinoNestLogger } from './nest-logger';

function capture(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('PinoNestLogger', () => {
  it('writes Nest messages as JSON with their context', () => {
    const out = capture();
    const nest = new PinoNestLogger(createLogger({ app: 'central-bank', operatorId: 'bank-a', destination: out.stream, level: 'trace' }));
    nest.log('Mapped {/health, GET} route', 'RouterExplorer');
    nest.warn('slow start');
    nest.verbose('details', 'InstanceLoader');
    expect(out.lines().map(({ level, app, operatorId, context, msg }) => ({ level, app, operatorId, context, msg }))).toEqual([
      { level: 'info', app: 'central-bank', operatorId: 'bank-a', context: 'RouterExplorer', msg: 'Mapped {/health, GET} route' },
      { level: 'warn', app: 'central-bank', operatorId: 'bank-a', context: undefined, msg: 'slow start' },
      { level: 'trace', app: 'central-bank', operatorId: 'bank-a', context: 'InstanceLoader', msg: 'details' },
    ]);
  });

  it('keeps the stack of an error that Nest logs', () => {
    const out = capture();
    const nest = new PinoNestLogger(createLogger({ app: 'regulator', destination: out.stream }));
    const failure = new Error('boom');
    nest.error('Unhandled failure', failure.stack, 'ExceptionsHandler');
    nest.error(failure);
    const [first, second] = out.lines();
    expect(first).toMatchObject({ level: 'error', msg: 'Unhandled failure', context: 'ExceptionsHandler' });
    expect(String(first!.stack)).toContain('Error: boom');
    expect(second).toMatchObject({ level: 'error', msg: 'boom' });
    expect((second!.err as { stack: string }).stack).toContain('Error: boom');
  });
});
