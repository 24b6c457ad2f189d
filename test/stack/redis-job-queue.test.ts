import { randomUUID } from "node:crypto";
import { FixedClock, type Job, randomIdGenerator, UnavailableError } from "@meterline/core";
import { BullMqJobQueue, type BullMqJobQueueOptions } from "@meterline/redis";
import { describeStack, sleep, stackAvailable, waitFor } from "@meterline/testing";
import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";

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

/** Queues of the running test and the random prefix they share, dropped after each test. */
let opened: BullMqJobQueue[] = [];
let prefix = "";
const clock = new FixedClock("2025-06-01T00:00:00.000Z");

function openQueue(options: BullMqJobQueueOptions = {}): BullMqJobQueue {
  const queue = new BullMqJobQueue(REDIS_URL, clock, randomIdGenerator, { prefix, pollIntervalMs: 20, ...options });
  opened.push(queue);
  return queue;
}

async function dropPrefix(): Promise<void> {
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

describeStack(`BullMqJobQueue on Redis at ${new URL(REDIS_URL).host}`, status, () => {
  afterEach(async () => {
    await Promise.all(opened.map((queue) => queue.close()));
    opened = [];
    await dropPrefix();
    prefix = `redis-test-${randomUUID()}`;
  });
  prefix = `redis-test-${randomUUID()}`;

  it("two queue instances on one prefix create and run each deterministic id once", async () => {
    const [first, second] = [openQueue(), openQueue()];
    const name = `test.${randomUUID()}`;
    const runs: Array<{ worker: string; job: Job }> = [];
    const handle = (worker: string) => async (job: Job) => {
      runs.push({ worker, job });
      await sleep(2);
    };
    const workers = [
      await first.work({ names: [name], concurrency: 4, handler: handle("first") }),
      await second.work({ names: [name], concurrency: 4, handler: handle("second") }),
    ];
    const ids = Array.from({ length: 40 }, (_, n) => `billing:${randomUUID()}:${n}`);
    // Every id enqueued by both instances at once: one enqueue creates it, the other is a no-op.
    const results = await Promise.all(
      ids.flatMap((id) => [first.enqueue(name, { id }, { id }), second.enqueue(name, { id }, { id })]),
    );
    for (const id of ids) {
      expect(results.filter((result) => result.id === id && result.created)).toHaveLength(1);
    }
    for (const id of ids) {
      await waitFor(`${id} to complete`, async () => (await first.get(id))?.status === "completed");
    }
    // Enqueuing a completed id again, from either instance, does not run it again.
    for (const id of ids.slice(0, 5)) {
      expect(await second.enqueue(name, { again: true }, { id })).toEqual({ id, created: false });
    }
    await sleep(200);
    await Promise.all(workers.map((worker) => worker.stop()));
    expect(runs.map((run) => run.job.id).sort()).toEqual([...ids].sort());
    expect(runs.every((run) => run.job.attempt === 1)).toBe(true);
  });

  it("runs a job again on another worker when its worker dies mid-run", async () => {
    const timings = { lockDurationMs: 1000, stalledIntervalMs: 300 };
    const crashing = openQueue(timings);
    const survivor = openQueue(timings);
    const name = `test.${randomUUID()}`;
    const started: Job[] = [];
    await crashing.work({
      names: [name],
      handler: (job) => {
        started.push(job);
        return new Promise(() => {});
      },
    });
    const { id } = await crashing.enqueue(name, { step: 1 });
    await waitFor("the first attempt to start", () => started.length === 1);
    // Abandon the running job as a crashed process would: no lock renewal, no result.
    await crashing.close({ force: true });

    const finished: Job[] = [];
    const startedAt = Date.now();
    const worker = await survivor.work({ names: [name], handler: async (job) => void finished.push(job) });
    await waitFor("the job to run again", () => finished.length === 1, 10_000);
    expect(Date.now() - startedAt).toBeLessThan(5000);
    await waitFor("the job to complete", async () => (await survivor.get(id))?.status === "completed");
    expect(finished).toEqual([{ id, name, payload: { step: 1 }, attempt: 2, maxAttempts: 5 }]);
    expect(await survivor.get(id)).toMatchObject({ status: "completed", attempts: 2 });
    await worker.stop();
  });

  it("fails an enqueue with UnavailableError within seconds when Redis is unreachable", async () => {
    const unreachable = new BullMqJobQueue("redis://127.0.0.1:1", clock, randomIdGenerator, {
      prefix,
      operationTimeoutMs: 3000,
    });
    try {
      for (const operation of [
        () => unreachable.enqueue("test.unreachable", {}, { id: "billing:1" }),
        () => unreachable.get("billing:1"),
        () => unreachable.repeat("repeat:1", "test.unreachable", {}, 1000),
      ]) {
        const startedAt = Date.now();
        const error = await operation().then(
          () => null,
          (failure: unknown) => failure,
        );
        expect(error).toBeInstanceOf(UnavailableError);
        expect((error as UnavailableError).code).toBe("DEPENDENCY_UNAVAILABLE");
        expect(Date.now() - startedAt).toBeLessThan(4000);
      }
    } finally {
      const closing = Date.now();
      await unreachable.close();
      expect(Date.now() - closing).toBeLessThan(1000);
    }
  });

  it("keeps a delayed job back until the injected clock is due, whatever the wall clock says", async () => {
    const queue = openQueue();
    const name = `test.${randomUUID()}`;
    const runs: Job[] = [];
    await queue.work({ names: [name], handler: async (job) => void runs.push(job) });
    const runAt = new Date(clock.now().getTime() + 50);
    const { id } = await queue.enqueue(name, {}, { runAt });
    // BullMQ's wall-clock delay (50 ms) runs out; the worker must send the job back, uncounted.
    await sleep(400);
    expect(runs).toEqual([]);
    expect(await queue.get(id)).toMatchObject({ status: "waiting", attempts: 0, runAt });
    clock.advance(50);
    await waitFor("the job to complete", async () => (await queue.get(id))?.status === "completed");
    expect(runs.map((job) => job.attempt)).toEqual([1]);
    expect(await queue.get(id)).toMatchObject({ attempts: 1 });
  });

  it("keeps a deterministic id used after BullMQ has dropped the finished job", async () => {
    const queue = openQueue({ keepCompletedMs: 0 });
    const name = `test.${randomUUID()}`;
    const runs: Job[] = [];
    const worker = await queue.work({ names: [name], handler: async (job) => void runs.push(job) });
    const id = `billing:${randomUUID()}`;
    await queue.enqueue(name, {}, { id });
    await waitFor("the job to run and be dropped", async () => runs.length === 1 && (await queue.get(id)) === null);
    expect(await queue.enqueue(name, {}, { id })).toEqual({ id, created: false });
    const later = await queue.enqueue(name, {});
    await waitFor("a later job to run", () => runs.some((job) => job.id === later.id));
    await worker.stop();
    expect(runs.filter((job) => job.id === id)).toHaveLength(1);
  });

  it("adds the job of an enqueue that died after claiming its id", async () => {
    const queue = openQueue();
    const name = `test.${randomUUID()}`;
    const id = `billing:${randomUUID()}`;
    // What an enqueue leaves behind when its process dies between claiming the id and adding the job.
    const redis = new Redis(REDIS_URL);
    await redis.set(`${prefix}:jobs:id:${id}`, `claimed|${name}`, "PX", 60_000);
    redis.disconnect();
    expect(await queue.get(id)).toBeNull();
    // The caller's retry reports the id as taken, yet the job exists and runs.
    expect(await queue.enqueue(name, { retry: true }, { id })).toEqual({ id, created: false });
    const runs: Job[] = [];
    const worker = await queue.work({ names: [name], handler: async (job) => void runs.push(job) });
    await waitFor("the job to complete", async () => (await queue.get(id))?.status === "completed");
    await worker.stop();
    expect(runs.map((job) => job.payload)).toEqual([{ retry: true }]);
  });

  it("moves a repeatable job to the name it is registered under again", async () => {
    const queue = openQueue();
    const [oldName, newName] = [`test.${randomUUID()}`, `test.${randomUUID()}`];
    const runs: Job[] = [];
    const worker = await queue.work({ handler: async (job) => void runs.push(job) });
    const id = `repeat:${randomUUID()}`;
    await queue.repeat(id, oldName, { version: 1 }, 60_000);
    await waitFor("the first run", () => runs.length === 1);
    await queue.repeat(id, newName, { version: 2 }, 60_000);
    clock.advance(60_000);
    await waitFor("the run under the new name", () => runs.length === 2);
    clock.advance(60_000);
    await waitFor("the next run under the new name", () => runs.length === 3);
    await sleep(100);
    await worker.stop();
    expect(runs.map((job) => [job.id, job.name, job.payload])).toEqual([
      [id, oldName, { version: 1 }],
      [id, newName, { version: 2 }],
      [id, newName, { version: 2 }],
    ]);
  });
});
