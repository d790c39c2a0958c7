import { ParleyError } from '@parley/protocol';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SharedRedis } from './io.js';

/** Consumes one point for `key`, or throws `rate_limited`. */
export type RateLimit = (key: string) => Promise<void>;

/**
 * Where a limit keeps its counts. By default in the process: with several processes behind a load balancer each gets
 * its own budget, which bounds abuse without a shared store. A limit that is a promise to a caller (an API token's
 * requests a minute, sign-in attempts per account) is `shared` in the processes' Redis when there is one
 * (`PARLEY_REDIS_URL`), under `name`; while Redis can't answer, each process counts on its own again.
 */
export interface RateLimitStore {
  shared: { redis: SharedRedis | null; name: string };
}

function limiterOf(points: number, duration: number, store: RateLimitStore | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ points, duration });
  const redis = store?.shared.redis;
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: true,
    keyPrefix: `parley:limit:${store.shared.name}`,
    points,
    duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

/** A per-key limiter (`points` per `windowSeconds`), in the process unless `store` says otherwise. */
export function createRateLimit(
  points: number,
  windowSeconds: number,
  /** The refusal's message; `{seconds}` becomes the wait. */
  message = 'Too many messages; try again in {seconds} s.',
  store?: RateLimitStore,
): RateLimit {
  const meter = createMeteredRateLimit(points, windowSeconds, store);
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
export function createMeteredRateLimit(
  points: number,
  windowSeconds: number,
  store?: RateLimitStore,
): (key: string) => Promise<RateLimitState> {
  const limiter = limiterOf(points, windowSeconds, store);
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
