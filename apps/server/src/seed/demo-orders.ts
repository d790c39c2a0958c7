/**
 * The demo shop's order system, small and fictional: `GET /demo/orders/:orderNumber` finds an order and
 * `POST /demo/orders/:orderNumber/refund` refunds part of it (nothing is kept: every refund answers as the first). The
 * demo's `lookup_order` and `refund_order` actions call it, so that "where is my order 1001?" works in the demo as it
 * would against a shop's own API. Served only while the demo is seeded (`PARLEY_SEED_DEMO`).
 * @module
 */
import { ParleyError } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** An order of the demo shop. */
interface DemoOrder {
  orderNumber: string;
  status: 'processing' | 'shipped' | 'delivered';
  items: string[];
  total: number;
  currency: 'USD';
  placedOn: string;
  carrier?: string;
  trackingNumber?: string;
  estimatedDelivery?: string;
  deliveredOn?: string;
}

/** The demo's orders, the same for every visitor (the demo has no accounts). */
const DEMO_ORDERS: readonly DemoOrder[] = [
  {
    orderNumber: '1001',
    status: 'shipped',
    items: ['Ridgeline 2-person tent', 'Trail stakes (8)'],
    total: 289,
    currency: 'USD',
    placedOn: '2026-11-24',
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    estimatedDelivery: '2026-12-02',
  },
  { orderNumber: '1002', status: 'processing', items: ['Cascade rain shell (M)'], total: 149, currency: 'USD', placedOn: '2026-11-29' },
  {
    orderNumber: '1003',
    status: 'delivered',
    items: ['Summit 45 L pack'],
    total: 179,
    currency: 'USD',
    placedOn: '2026-11-10',
    carrier: 'USPS',
    trackingNumber: '9400111202555842761234',
    deliveredOn: '2026-11-15',
  },
];

const paramsSchema = z.object({ orderNumber: z.string().regex(/^[0-9]{3,10}$/, 'An order number is 3 to 10 digits.') });
const refundSchema = z.object({ amount: z.number().positive().max(10_000), reason: z.string().max(500).optional() });

function findOrder(orderNumber: string): DemoOrder {
  const order = DEMO_ORDERS.find((candidate) => candidate.orderNumber === orderNumber);
  if (!order) throw new ParleyError('not_found', `The demo shop has no order ${orderNumber} (its orders are 1001, 1002 and 1003).`);
  return order;
}

/** Registers the demo shop's order endpoints. */
export function registerDemoOrders(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/demo/orders/:orderNumber', { schema: { params: paramsSchema, hide: true } }, async function getDemoOrder(request) {
    return findOrder(request.params.orderNumber);
  });
  api.post(
    '/demo/orders/:orderNumber/refund',
    { schema: { params: paramsSchema, body: refundSchema, hide: true } },
    async function refundDemoOrder(request) {
      const order = findOrder(request.params.orderNumber);
      if (request.body.amount > order.total) {
        throw new ParleyError(
          'invalid_payload',
          `Order ${order.orderNumber} totals ${order.total} ${order.currency}; a refund can't exceed it.`,
        );
      }
      return {
        orderNumber: order.orderNumber,
        refunded: request.body.amount,
        currency: order.currency,
        reference: `RF-${order.orderNumber}-${Math.round(request.body.amount * 100)}`,
      };
    },
  );
}
