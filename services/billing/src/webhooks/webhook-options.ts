import type { ApiDeps } from "@meterline/api";
import { type Clock, systemClock } from "@meterline/core";

/** How webhooks are sent. Defaults follow Polar (spec api-conventions §8.5) except the retry base. */
export interface WebhookOptions {
  /** One attempt's limit (default 20 s). */
  timeoutMs?: number;
  /** Base of the retry backoff (default 4 s; see `webhookRetryDelayMs`). */
  retryBaseMs?: number;
  /**
   * How long a claimed attempt is reserved for the worker that claimed it (default 5 min). It
   * covers the wait in the queue plus the attempt; a worker that dies mid-attempt delays that
   * lane by this much, then the attempt is claimed again.
   */
  leaseMs?: number;
  /** How often the outbox is fanned out and due attempts are claimed (default 1 s). */
  dispatchEveryMs?: number;
  /** Attempts sent at the same time by one worker (default 8). */
  concurrency?: number;
  /** How much of a response body a delivery record keeps (default 2,048 characters). */
  maxResponseChars?: number;
  /** Largest body sent (default 1 MiB); a bigger event fails without a request. */
  maxPayloadBytes?: number;
  /** The `webhook-timestamp` clock: real time even when billing runs on a sandbox clock. */
  wallClock?: Clock;
  /** Jitter source in [0, 1) (tests fix it). */
  random?: () => number;
}

export type ResolvedWebhookOptions = Required<WebhookOptions>;

export function resolveWebhookOptions(given: WebhookOptions = {}): ResolvedWebhookOptions {
  // An option set to undefined (unset in the environment) takes its default.
  const options = Object.fromEntries(
    Object.entries(given).filter(([, value]) => value !== undefined),
  ) as WebhookOptions;
  return {
    timeoutMs: options.timeoutMs ?? 20_000,
    retryBaseMs: options.retryBaseMs ?? 4_000,
    leaseMs: options.leaseMs ?? 5 * 60_000,
    dispatchEveryMs: options.dispatchEveryMs ?? 1_000,
    concurrency: options.concurrency ?? 8,
    maxResponseChars: options.maxResponseChars ?? 2_048,
    maxPayloadBytes: options.maxPayloadBytes ?? 1024 * 1024,
    wallClock: options.wallClock ?? systemClock,
    random: options.random ?? Math.random,
  };
}

/** What sending webhooks needs from the engine: the repositories, the queue, the clock and ids. */
export type WebhookDeps = Pick<
  ApiDeps,
  "db" | "jobs" | "clock" | "ids" | "webhookUrlPolicy" | "webhookEndpoints" | "webhookEvents" | "outbox"
>;

function positiveInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/**
 * Timing from the environment (milliseconds): METERLINE_WEBHOOK_TIMEOUT_MS,
 * METERLINE_WEBHOOK_RETRY_BASE_MS, METERLINE_WEBHOOK_LEASE_MS, METERLINE_WEBHOOK_DISPATCH_EVERY_MS.
 */
export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv): WebhookOptions {
  return {
    timeoutMs: positiveInteger(env, "METERLINE_WEBHOOK_TIMEOUT_MS"),
    retryBaseMs: positiveInteger(env, "METERLINE_WEBHOOK_RETRY_BASE_MS"),
    leaseMs: positiveInteger(env, "METERLINE_WEBHOOK_LEASE_MS"),
    dispatchEveryMs: positiveInteger(env, "METERLINE_WEBHOOK_DISPATCH_EVERY_MS"),
  };
}
