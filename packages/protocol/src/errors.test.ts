import { describe, expect, it } from 'vitest';
import { errorCodes, errorTable, ParleyError } from './errors.js';

describe('ParleyError', () => {
  it('carries the code, the status of the table and a default message', () => {
    const error = new ParleyError('rate_limited');
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, message: errorTable.rate_limited.message });
    expect(error.toBody()).toEqual({ code: 'rate_limited', message: errorTable.rate_limited.message });
  });

  it('is recognised across copies of the package by its Symbol.for marker', () => {
    const foreign = Object.assign(Object.create(null), { [Symbol.for('parley.error')]: true });
    expect(ParleyError.isInstance(foreign)).toBe(true);
    expect(ParleyError.isInstance(new Error('x'))).toBe(false);
    expect(ParleyError.isInstance(null)).toBe(false);
  });

  it('rebuilds errors from bodies and maps unknown codes to internal_error', () => {
    expect(ParleyError.fromBody({ code: 'not_found', message: 'gone' })).toMatchObject({ code: 'not_found', message: 'gone' });
    expect(ParleyError.fromBody({ code: 'made_up' }).code).toBe('internal_error');
  });

  it('lists every code of the table', () => {
    expect(errorCodes).toEqual(Object.keys(errorTable));
  });
});
