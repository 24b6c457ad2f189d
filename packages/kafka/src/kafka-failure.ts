import { DomainError, UnavailableError } from "@meterline/core";

/**
 * A Kafka failure that retrying will not cure (a refused record, missing rights, a broken
 * invariant). The API answers 500 for it; a retryable failure is an `UnavailableError` (503).
 */
export class KafkaLogError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KafkaLogError";
  }
}

/** Broker answers that mean the request itself is wrong, whatever the broker's health. */
const PERMANENT_PROTOCOL_ERRORS = new Set([
  "CORRUPT_MESSAGE",
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_RECORD",
  "INVALID_TOPIC_EXCEPTION",
  "INVALID_REQUIRED_ACKS",
  "INVALID_CONFIG",
  "INVALID_PARTITIONS",
  "INVALID_REPLICATION_FACTOR",
  "UNSUPPORTED_VERSION",
  "UNSUPPORTED_FOR_MESSAGE_FORMAT",
  "TOPIC_AUTHORIZATION_FAILED",
  "GROUP_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
  "SASL_AUTHENTICATION_FAILED",
]);

/** kafkajs errors that are misconfiguration or protocol bugs, not an unreachable broker. */
const PERMANENT_ERROR_NAMES = new Set([
  "KafkaJSSASLAuthenticationError",
  "KafkaJSServerDoesNotSupportApiKey",
  "KafkaJSUnsupportedMagicByteInMessageSet",
  "KafkaJSInvalidVarIntError",
  "KafkaJSInvalidLongError",
  "KafkaJSInvariantViolation",
  // Programming errors surfacing through the driver.
  "TypeError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
]);

/**
 * Wraps a driver failure for the port's callers: retryable → `UnavailableError` (the API answers
 * 503 and the caller may retry), anything known to be permanent → `KafkaLogError`. Unknown
 * failures count as retryable: what kafkajs throws when a broker is down or hangs ranges from
 * `KafkaJSNumberOfRetriesExceeded` to a bare `Error("Broker not connected")`. The message names
 * no broker address (5xx bodies never leak internals); the cause keeps the details for the log.
 */
export function kafkaFailure(error: unknown, action: string): Error {
  if (error instanceof DomainError || error instanceof KafkaLogError) return error;
  if (isPermanent(error)) return new KafkaLogError(`Kafka refused to ${action}`, { cause: error });
  return new UnavailableError(`Kafka is unavailable: could not ${action}`, { cause: error });
}

function isPermanent(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  // kafkajs nests the original failure in `cause` (and `originalError` on retries exceeded).
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const { name, type } = current as { name?: unknown; type?: unknown };
    if (typeof name === "string" && PERMANENT_ERROR_NAMES.has(name)) return true;
    if (typeof type === "string" && PERMANENT_PROTOCOL_ERRORS.has(type)) return true;
    const next = current as { cause?: unknown; originalError?: unknown };
    current = next.cause ?? next.originalError;
  }
  return false;
}
