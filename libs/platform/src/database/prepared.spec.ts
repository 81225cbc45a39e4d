// Proves a query text always gets the same statement name, and different texts different names.
import { named } from './prepared';

describe('named', () => {
  it('names one text one way, every time, and carries the values', () => {
    const first = named('select 1 where $1::int > 0', [1]);
    expect(named('select 1 where $1::int > 0', [2]).name).toBe(first.name);
    expect(first).toEqual({ name: first.name, text: 'select 1 where $1::int > 0', values: [1] });
    expect(first.name).toMatch(/^q[0-9a-f]{24}$/);
  });

  it('gives different texts different names', () => {
    expect(named('select 1', []).name).not.toBe(named('select 2', []).name);
  });
});
