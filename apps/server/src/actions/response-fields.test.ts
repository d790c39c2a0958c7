import { describe, expect, it } from 'vitest';
import { forModel, MODEL_OUTPUT_MAX_CHARS, pickFields } from './response-fields.js';

const order = {
  id: 1001,
  status: 'shipped',
  customer: { email: 'ada@example.com', address: '1 Main St' },
  shipment: { carrier: 'UPS', tracking: '1Z999' },
  items: [
    { name: 'Tent', price: 199 },
    { name: 'Stakes', price: 9 },
  ],
};

describe('response fields', () => {
  it('keep only the listed paths, mapping over arrays, and skip the absent ones', () => {
    expect(pickFields(order, ['status', 'shipment.carrier', 'items.name', 'refund.amount'])).toEqual({
      status: 'shipped',
      'shipment.carrier': 'UPS',
      'items.name': ['Tent', 'Stakes'],
    });
  });

  it('give the whole response when no path is listed, and never read inherited properties', () => {
    expect(pickFields(order, [])).toBe(order);
    expect(pickFields({}, ['constructor.name', '__proto__'])).toEqual({});
  });

  it('cut what the model sees at its limit, saying so', () => {
    expect(forModel({ ok: true })).toEqual({ ok: true });
    const long = forModel({ text: 'x'.repeat(MODEL_OUTPUT_MAX_CHARS * 2) }) as { truncated: boolean; partial: string };
    expect(long.truncated).toBe(true);
    expect(long.partial).toHaveLength(MODEL_OUTPUT_MAX_CHARS);
  });
});
