import { DomainError, UnavailableError } from "@meterline/core";

/**
 * A ClickHouse failure that retrying will not cure: the server refused the statement itself, or
 * answered rows that do not match their schema. The API answers 500 for it; a retryable failure
 * is an `UnavailableError` (503), and the materializer simply redelivers.
 */
export class ClickHouseStoreError extends Error {
  readonly retryable = false;
  /** The server's error code, when the server answered with one. */
  readonly code: number | undefined;

  constructor(message: string, options?: { cause?: unknown; code?: number }) {
    super(message, options);
    this.name = "ClickHouseStoreError";
    this.code = options?.code;
  }
}

/** Server codes that describe the server's state (load, limits, shutdown), not the statement. */
const RETRYABLE_SERVER_CODES = new Set([
  159, // TIMEOUT_EXCEEDED
  160, // TOO_SLOW
  164, // READONLY (a replica that lost its coordination)
  202, // TOO_MANY_SIMULTANEOUS_QUERIES
  203, // NO_FREE_CONNECTION
  209, // SOCKET_TIMEOUT
  210, // NETWORK_ERROR
  241, // MEMORY_LIMIT_EXCEEDED
  242, // TABLE_IS_READ_ONLY
  252, // TOO_MANY_PARTS
  319, // UNKNOWN_STATUS_OF_INSERT
  394, // QUERY_WAS_CANCELLED
]);

/**
 * The server error code in a driver error. 18.16 writes `Code: 62, e.displayText() = …`, current
 * releases `Code: 62. DB::Exception: …`; the driver only parses the latter into `ClickHouseError`.
 */
export function serverErrorCode(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^\d+$/.test(code)) return Number(code);
  const match = /^Code: (\d+)[.,]/.exec(error.message);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Wraps a driver failure for the port's callers: a server refusal → `ClickHouseStoreError`;
 * anything else (refused or dropped connections, client timeouts, the server's load codes) →
 * `UnavailableError`. The message names no address; the cause keeps the details for the log.
 */
export function clickhouseFailure(error: unknown, action: string): Error {
  if (error instanceof DomainError || error instanceof ClickHouseStoreError) return error;
  const code = serverErrorCode(error);
  if (code !== undefined && !RETRYABLE_SERVER_CODES.has(code)) {
    return new ClickHouseStoreError(`ClickHouse refused to ${action} (code ${code})`, { cause: error, code });
  }
  return new UnavailableError(`ClickHouse is unavailable: could not ${action}`, { cause: error });
}
