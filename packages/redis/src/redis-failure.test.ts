import { DomainError, UnavailableError } from "@meterline/core";
import { ReplyError } from "ioredis";
import { describe, expect, it } from "vitest";
import { DeadlineExceededError, RedisQueueError, redisFailure, withDeadline } from "./redis-failure.js";

describe("redisFailure", () => {
  it("makes connection trouble retryable, keeping the cause and naming no address", () => {
    for (const cause of [
      new Error("connect ECONNREFUSED 127.0.0.1:1"),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new DeadlineExceededError(5000),
      new ReplyError("OOM command not allowed when used memory > 'maxmemory'."),
    ]) {
      const error = redisFailure(cause, "enqueue a job");
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error.message).toBe("Redis is unavailable: could not enqueue a job");
      expect(error.cause).toBe(cause);
    }
  });

  it("does not retry what Redis refused or a programming error", () => {
    for (const cause of [new ReplyError("WRONGTYPE Operation against a key"), new TypeError("x is undefined")]) {
      expect(redisFailure(cause, "read a job")).toBeInstanceOf(RedisQueueError);
    }
  });

  it("passes domain errors through", () => {
    const error = new DomainError("JOB_INVALID", "invalid", "bad");
    expect(redisFailure(error, "enqueue a job")).toBe(error);
  });
});

describe("withDeadline", () => {
  it("returns the operation's result in time", async () => {
    expect(await withDeadline(1000, async () => 7)).toBe(7);
  });

  it("gives up on an operation that does not answer", async () => {
    await expect(withDeadline(20, () => new Promise(() => {}))).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it("lets a late failure go without an unhandled rejection", async () => {
    const late = () => new Promise<never>((_, reject) => setTimeout(() => reject(new Error("late")), 30));
    await expect(withDeadline(5, late)).rejects.toBeInstanceOf(DeadlineExceededError);
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});
