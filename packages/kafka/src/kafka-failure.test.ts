import { DomainError, UnavailableError } from "@meterline/core";
import { describe, expect, it } from "vitest";
import { KafkaLogError, kafkaFailure } from "./kafka-failure.js";
import { kafkajs } from "./kafkajs-module.js";

/** What kafkajs throws for a broker error code (its `createErrorFromCode`). */
function protocolError(type: string, code: number, retriable: boolean): Error {
  return new kafkajs.KafkaJSProtocolError(Object.assign(new Error(type), { type, code, retriable }));
}

describe("kafkaFailure", () => {
  it.each([
    [
      "a refused connection after retries",
      new kafkajs.KafkaJSNumberOfRetriesExceeded(new kafkajs.KafkaJSConnectionError("connect ECONNREFUSED"), {
        retryCount: 3,
        retryTime: 800,
      }),
    ],
    ["a request timeout", new kafkajs.KafkaJSRequestTimeoutError("Request Produce(key: 0, version: 7) timed out")],
    ["a broker that never answered", new Error("Broker not connected")],
    ["a retriable protocol error", protocolError("NOT_LEADER_FOR_PARTITION", 6, true)],
  ])("is retryable (503) for %s, without the cause in its message", (_, error) => {
    const wrapped = kafkaFailure(error, "append records");
    expect(wrapped).toBeInstanceOf(UnavailableError);
    expect((wrapped as UnavailableError).kind).toBe("unavailable");
    expect(wrapped.message).toBe("Kafka is unavailable: could not append records");
    expect(wrapped.cause).toBe(error);
  });

  it.each([
    ["a record the broker refuses", protocolError("MESSAGE_TOO_LARGE", 10, false)],
    [
      "missing rights, nested as kafkajs's retrier nests it",
      ((cause: Error) => Object.assign(new kafkajs.KafkaJSNonRetriableError(cause), { cause }))(
        protocolError("TOPIC_AUTHORIZATION_FAILED", 29, false),
      ),
    ],
    ["a programming error", new TypeError("undefined is not a function")],
  ])("is not retryable for %s", (_, error) => {
    const wrapped = kafkaFailure(error, "append records");
    expect(wrapped).toBeInstanceOf(KafkaLogError);
    expect(wrapped).not.toBeInstanceOf(DomainError);
  });

  it("passes our own errors through", () => {
    const invalid = new DomainError("EVENT_TOO_LARGE", "invalid", "too large");
    expect(kafkaFailure(invalid, "append records")).toBe(invalid);
  });
});
