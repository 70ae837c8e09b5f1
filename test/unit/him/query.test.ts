import * as z from 'zod';
import { Instant, Limit, parseInput, Until } from '../../../functions/him-api/query.js';
import { AppError } from '../../../shared/domain/errors.js';

describe('Instant and Until', () => {
  it('read a date-only value: from its first instant, to the first instant of the next day', () => {
    expect(Instant.parse('2026-11-30').toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(Until.parse('2026-11-30').toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('read a date-time with a zone as given', () => {
    expect(Until.parse('2026-11-30T09:15:00+01:00').toISOString()).toBe('2026-11-30T08:15:00.000Z');
  });

  it.each(['yesterday', '2026-11-31', '2026-11-30T09:15:00', '30/11/2026'])('refuse %s', (value) => {
    expect(Instant.safeParse(value).success).toBe(false);
  });
});

describe('Limit', () => {
  it('allows pages up to 1000', () => {
    expect(Limit.parse('1000')).toBe(1000);
    expect(Limit.safeParse('1001').success).toBe(false);
  });
});

describe('parseInput', () => {
  const Body = z.object({ from: Instant, to: Until, dryRun: z.boolean() });

  it('names body fields as body.<field> and lists each problem in the detail', () => {
    let error: unknown;
    try {
      parseInput(Body, { from: 'soon', to: '2026-11-30', dryRun: 'yes' }, 'body');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.code).toBe('invalid-query');
    expect(e.extensions.errors).toEqual([
      { path: 'body.from', message: expect.stringContaining('must be a date') },
      { path: 'body.dryRun', message: expect.any(String) },
    ]);
    expect(e.detail).toMatch(/^2 body field\(s\) not valid: body\.from: must be a date/);
  });

  it('names query parameters by their own name', () => {
    expect(() => parseInput(z.object({ to: Until }), { to: 'later' })).toThrow(
      /query parameter\(s\) not valid: to:/,
    );
  });
});
