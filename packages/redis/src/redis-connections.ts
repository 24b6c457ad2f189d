import { Redis } from "ioredis";

/**
 * The connection for commands the port's callers wait on (enqueue, get, repeat) and for the
 * workers' own bookkeeping. With the offline queue off and one retry per command, a Redis outage
 * fails a command at once instead of queueing it until Redis returns; `untilReady` bounds the wait
 * for the first connection.
 */
export function commandConnection(url: string, onError: (error: unknown) => void): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2000),
  });
  redis.on("error", onError);
  return redis;
}

/**
 * The template BullMQ duplicates for each worker's connections. BullMQ requires
 * `maxRetriesPerRequest: null` there: a worker waits out an outage and carries on.
 */
export function workerConnection(url: string, onError: (error: unknown) => void): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  redis.on("error", onError);
  return redis;
}

/** Resolves once `redis` is connected; rejects on its first connection error or after `timeoutMs`. */
export async function untilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return;
  if (redis.status === "end") throw new Error("Connection is closed.");
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("error", onFailure);
      redis.off("end", onEnd);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onReady = () => settle();
    const onFailure = (error: unknown) => settle(error);
    const onEnd = () => settle(new Error("Connection is closed."));
    const timer = setTimeout(() => settle(new Error(`not connected within ${timeoutMs} ms`)), timeoutMs);
    redis.once("ready", onReady);
    redis.once("error", onFailure);
    redis.once("end", onEnd);
  });
}
