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
  const meter = createMeteredRateLimit(points, windowSeconds);
  return async function consumeRateLimit(key) {
    const state = await meter(key);
    if (state.limited) throw new ParleyError('rate_limited', message.replace('{seconds}', String(state.resetSeconds)));
  };
}

/** Where a key stands against a metered limit after one request, for the `RateLimit-*` answer headers. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window restarts. */
  resetSeconds: number;
  /** Whether this request was over the limit. */
  limited: boolean;
}

/**
 * A per-key limiter like {@link createRateLimit} that reports where the key stands instead of throwing, so the caller
 * can answer with `RateLimit-*` headers (an API client paces itself by them).
 */
export function createMeteredRateLimit(points: number, windowSeconds: number): (key: string) => Promise<RateLimitState> {
  const limiter = new RateLimiterMemory({ points, duration: windowSeconds });
  const state = (limited: boolean, result: RateLimiterRes): RateLimitState => ({
    limit: points,
    remaining: Math.max(0, result.remainingPoints),
    resetSeconds: Math.ceil(result.msBeforeNext / 1000),
    limited,
  });
  return async function meterRateLimit(key) {
    try {
      return state(false, await limiter.consume(key));
    } catch (error) {
      if (error instanceof RateLimiterRes) return state(true, error);
      throw error;
    }
  };
}
