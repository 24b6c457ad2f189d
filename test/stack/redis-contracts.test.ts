import { randomUUID } from "node:crypto";
import { FixedClock, randomIdGenerator } from "@meterline/core";
import { BullMqJobQueue } from "@meterline/redis";
import { describeJobQueueContract, describeStack, stackAvailable } from "@meterline/testing";
import { Redis } from "ioredis";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const status = await stackAvailable(async () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
});

/** Deletes every key under `prefix`: each suite runs on a random prefix of its own. */
async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

describeStack(`Redis at ${new URL(REDIS_URL).host}`, status, () => {
  describeJobQueueContract("BullMqJobQueue on Redis", async () => {
    const prefix = `contract-${randomUUID()}`;
    const clock = new FixedClock("2025-06-01T00:00:00.000Z");
    const queue = new BullMqJobQueue(REDIS_URL, clock, randomIdGenerator, { prefix, pollIntervalMs: 20 });
    return {
      queue,
      clock,
      cleanup: async () => {
        await queue.close();
        await dropPrefix(prefix);
      },
    };
  });
});
