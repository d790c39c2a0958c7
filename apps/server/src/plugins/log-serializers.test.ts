import { describe, expect, it } from 'vitest';
import { serializeError } from './log-serializers.js';

describe('serializeError', () => {
  it('withholds query parameters, keeps the SQL, and follows causes', () => {
    const cause = Object.assign(new Error('duplicate key value'), { code: '23505' });
    const error = new Error('Failed query: insert into "contacts" ("email") values ($1)\nparams: ada@example.com', { cause });
    const serialized = serializeError(error);
    expect(serialized.message).toBe('Failed query: insert into "contacts" ("email") values ($1)\nparams: [withheld]');
    expect(String(serialized.stack)).not.toContain('ada@example.com');
    expect(serialized.cause).toMatchObject({ message: 'duplicate key value', code: '23505' });
  });
});
