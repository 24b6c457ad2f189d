import type { Kafka, LogEntry, RetryOptions } from "kafkajs";
import { kafkajs } from "./kafkajs-module.js";

export type KafkaLogLevel = "nothing" | "error" | "warn" | "info" | "debug";

export interface KafkaRetry {
  /** Attempts after the first. */
  retries: number;
  initialRetryTimeMs: number;
  maxRetryTimeMs: number;
}

/** How to reach the brokers and how long to insist before a call fails. */
export interface KafkaConnectionOptions {
  /** `host:port` bootstrap brokers (`KAFKA_BROKERS`, comma-separated). */
  brokers: string[];
  clientId?: string;
  /** Per TCP connect, and for the broker's first answer on it. Default 1000. */
  connectionTimeoutMs?: number;
  /**
   * Per request on the wire. Default 3000: an append on a healthy cluster takes milliseconds,
   * and a broker that hangs after the connection was made fails an append within about
   * (retries + 1) × this (~13 s with the defaults) instead of kafkajs's 30 s per attempt.
   */
  requestTimeoutMs?: number;
  /**
   * Retries of the producer, admin and connection attempts. The default (3 retries, 100 ms
   * doubling, capped at 1 s) rides out a leader move's blips but fails an ingest against a down
   * broker within about a second (connection refused) or five (no answer), so the API answers
   * 503 with Retry-After instead of holding the request.
   */
  retry?: KafkaRetry;
  /** kafkajs's own logging, to stdout as JSON. Default "error". */
  logLevel?: KafkaLogLevel;
}

export const DEFAULT_RETRY: KafkaRetry = { retries: 3, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 };

const LOG_LEVELS = {
  nothing: kafkajs.logLevel.NOTHING,
  error: kafkajs.logLevel.ERROR,
  warn: kafkajs.logLevel.WARN,
  info: kafkajs.logLevel.INFO,
  debug: kafkajs.logLevel.DEBUG,
} satisfies Record<KafkaLogLevel, number>;

/**
 * Every field set: kafkajs swaps in other defaults when NODE_ENV=test (15 retries), and a
 * partial object would inherit them.
 */
export function kafkaRetryOptions(retry: KafkaRetry): RetryOptions {
  return {
    retries: retry.retries,
    initialRetryTime: retry.initialRetryTimeMs,
    maxRetryTime: retry.maxRetryTimeMs,
    factor: 0.2,
    multiplier: 2,
  };
}

export function createKafka(options: KafkaConnectionOptions): Kafka {
  if (options.brokers.length === 0) throw new RangeError("at least one Kafka broker is required");
  return new kafkajs.Kafka({
    clientId: options.clientId ?? "meterline",
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 1000,
    requestTimeout: options.requestTimeoutMs ?? 3000,
    enforceRequestTimeout: true,
    retry: kafkaRetryOptions(options.retry ?? DEFAULT_RETRY),
    // kafkajs filters by this level before the log creator sees an entry; WARN lets demoted
    // entries through to the creator, which applies the level asked for.
    logLevel: Math.max(LOG_LEVELS[options.logLevel ?? "error"], kafkajs.logLevel.WARN),
    logCreator: () => writeLogEntry(LOG_LEVELS[options.logLevel ?? "error"]),
  });
}

/**
 * kafkajs's own JSON lines, except that it logs every error *response* as an ERROR
 * ("[Connection] Response Heartbeat ... The group is rebalancing"), although it handles them
 * (rejoins, retries) and throws what it cannot handle. Those are demoted to WARN so that an ERROR
 * line means a failure someone should look at.
 */
function writeLogEntry(level: number): (entry: LogEntry) => void {
  return ({ namespace, level: entryLevel, label, log }) => {
    const demoted =
      entryLevel === kafkajs.logLevel.ERROR && namespace === "Connection" && log.message.startsWith("Response ");
    const effective = demoted ? kafkajs.logLevel.WARN : entryLevel;
    if (effective > level) return;
    const line = JSON.stringify({ level: demoted ? "WARN" : label, namespace, ...log });
    if (effective <= kafkajs.logLevel.WARN) process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  };
}
