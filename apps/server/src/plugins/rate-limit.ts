import { ParleyError } from '@parley/protocol';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Consumes one point for `key`, or throws `rate_limited`. */
export type RateLimit = (key: string) => Promise<void>;

/**
 * A per-key limiter (`points` per `windowSeconds`). It is per process: with several processes behind a load balancer
 * each gets its own budget, which bounds abuse without a shared store.
 */
export function createRateLimit(
  points: number,
  windowSeconds: number,
  /** The refusal's message; `{seconds}` becomes the wait. */
  message = 'Too many messages; try again in {seconds} s.',
): RateLimit {
  const limiter = new RateLimiterMemory({ points, duration: windowSeconds });
  return async function consumeRateLimit(key) {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        const seconds = Math.ceil(error.msBeforeNext / 1000);
        throw new ParleyError('rate_limited', message.replace('{seconds}', String(seconds)));
      }
      throw error;
    }
  };
}
