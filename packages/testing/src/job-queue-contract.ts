import { randomUUID } from "node:crypto";
import type { Clock, Job, JobQueue } from "@meterline/core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { type ContractOptions, contractTest } from "./contract-test.js";
import { registerJobQueueWorkerTests } from "./job-queue-worker-tests.js";
import { jobName, passOver, startRecordingWorker, waitForStatus } from "./recording-worker.js";
import { createGate, waitFor } from "./wait-for.js";

/** A clock a test moves by hand, e.g. `FixedClock`. */
export interface ControllableClock extends Clock {
  advance(milliseconds: number): void;
}

export interface JobQueueContractContext {
  /** A queue the suite shares; tests isolate by fresh job names and ids. */
  queue: JobQueue;
  /** The clock the queue reads due times from. The suite only moves it forward. */
  clock: ControllableClock;
  /** Stops workers, closes the queue and drops what the factory created. */
  cleanup(): Promise<void>;
}

export type JobQueueContractFactory = () => Promise<JobQueueContractContext>;

/**
 * The JobQueue port's contract (ARCHITECTURE §3.7, §4): deterministic ids, delayed, retried and
 * repeatable jobs on an injected clock. Waits are bounded polls of `get()`; "did not run" is
 * proven by a later due job of the same name completing first (`passOver`), not by sleeping.
 */
export function describeJobQueueContract(
  name: string,
  factory: JobQueueContractFactory,
  options: ContractOptions = {},
): void {
  describe(`JobQueue contract: ${name}`, () => {
    const test = contractTest(options);
    let context: JobQueueContractContext | undefined;
    const ctx = () => {
      if (context === undefined) throw new Error("JobQueue factory did not run");
      return context;
    };
    beforeAll(async () => {
      context = await factory();
    });
    afterAll(async () => {
      await context?.cleanup();
    });

    test("an enqueued job runs once with its payload", async () => {
      const { queue } = ctx();
      const name = jobName();
      const worker = await startRecordingWorker(queue, { names: [name] });
      const payload = {
        subscriptionId: randomUUID(),
        amount: 1250,
        ratio: 0.5,
        flags: [true, false],
        note: "ü 🚀",
        none: null,
      };
      const { id, created } = await queue.enqueue(name, payload);
      expect(created).toBe(true);
      await waitForStatus(queue, id, "completed");
      await passOver(queue, name);
      await worker.stop();
      expect(worker.runsOf(id)).toEqual([{ id, name, payload, attempt: 1, maxAttempts: 5 }]);
      expect(await queue.get(id)).toMatchObject({ id, name, payload, status: "completed", attempts: 1 });
    });

    test("enqueuing a deterministic id again is a no-op, even after the job completed", async () => {
      const { queue } = ctx();
      const name = jobName();
      const id = `contract-job-${randomUUID()}`;
      expect(await queue.enqueue(name, { version: 1 }, { id })).toEqual({ id, created: true });
      expect(await queue.enqueue(name, { version: 2 }, { id })).toEqual({ id, created: false });
      const worker = await startRecordingWorker(queue, { names: [name] });
      await waitForStatus(queue, id, "completed");
      expect(await queue.enqueue(name, { version: 3 }, { id })).toEqual({ id, created: false });
      await passOver(queue, name);
      await worker.stop();
      expect(worker.runsOf(id).map((job) => job.payload)).toEqual([{ version: 1 }]);
      expect(await queue.get(id)).toMatchObject({ status: "completed", payload: { version: 1 } });
      // Without an id every enqueue is a new job.
      const [first, second] = [await queue.enqueue(name, {}), await queue.enqueue(name, {})];
      expect(first.id).not.toBe(second.id);
    });

    test("get reports a job's status as it moves from waiting to active to completed", async () => {
      const { queue, clock } = ctx();
      const name = jobName();
      expect(await queue.get(`missing-${randomUUID()}`)).toBeNull();
      const { id } = await queue.enqueue(name, { step: "one" });
      const waiting = await queue.get(id);
      expect(waiting).toMatchObject({
        id,
        name,
        payload: { step: "one" },
        status: "waiting",
        attempts: 0,
        lastError: null,
      });
      expect(waiting?.runAt.getTime()).toBeLessThanOrEqual(clock.now().getTime());
      const gate = createGate();
      const worker = await startRecordingWorker(queue, { names: [name], handle: () => gate.promise });
      await waitForStatus(queue, id, "active");
      expect(await queue.get(id)).toMatchObject({ status: "active", attempts: 1 });
      gate.open();
      await waitForStatus(queue, id, "completed");
      await worker.stop();
    });

    test("a job due later does not run until the clock reaches its runAt", async () => {
      const { queue, clock } = ctx();
      const name = jobName();
      const runAt = new Date(clock.now().getTime() + 60_000);
      const { id } = await queue.enqueue(name, {}, { runAt });
      expect(await queue.get(id)).toMatchObject({ status: "waiting", runAt });
      const worker = await startRecordingWorker(queue, { names: [name] });
      await passOver(queue, name);
      clock.advance(59_999);
      await passOver(queue, name);
      expect(worker.runsOf(id)).toEqual([]);
      expect((await queue.get(id))?.status).toBe("waiting");
      clock.advance(1);
      await waitForStatus(queue, id, "completed");
      expect(worker.runsOf(id)).toHaveLength(1);
    });

    test("a failing job is retried with exponential backoff, then failed with its last error", async () => {
      const { queue, clock } = ctx();
      const name = jobName();
      const worker = await startRecordingWorker(queue, {
        names: [name],
        handle: (job) => {
          throw new Error(`attempt ${job.attempt} failed`);
        },
      });
      const { id } = await queue.enqueue(name, {}, { maxAttempts: 3, backoffMs: 1000 });
      const afterAttempt = async (attempts: number) => {
        await waitFor(`attempt ${attempts} to be recorded`, async () => {
          const info = await queue.get(id);
          return info?.attempts === attempts && info.status !== "active";
        });
        return queue.get(id);
      };

      // Attempt n fails at clock time t and is due again at t + 1000 × 2^(n-1).
      for (const [attempt, delay] of [
        [1, 1000],
        [2, 2000],
      ] as const) {
        const failedAt = clock.now().getTime();
        expect(await afterAttempt(attempt)).toMatchObject({
          status: "waiting",
          lastError: `attempt ${attempt} failed`,
        });
        expect((await queue.get(id))?.runAt).toEqual(new Date(failedAt + delay));
        clock.advance(delay - 1);
        await passOver(queue, name);
        expect(worker.runsOf(id)).toHaveLength(attempt);
        clock.advance(1);
      }
      expect(await afterAttempt(3)).toMatchObject({ status: "failed", attempts: 3, lastError: "attempt 3 failed" });
      clock.advance(3_600_000);
      await passOver(queue, name);
      await worker.stop();
      expect(worker.runsOf(id).map((job: Job) => [job.attempt, job.maxAttempts])).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      expect(worker.errors).toHaveLength(3);
    });

    test("a job that fails once completes on its retry", async () => {
      const { queue, clock } = ctx();
      const name = jobName();
      const worker = await startRecordingWorker(queue, {
        names: [name],
        handle: (job) => {
          if (job.attempt === 1) throw new Error("transient");
        },
      });
      const { id } = await queue.enqueue(name, {}, { backoffMs: 500 });
      await waitFor("the first attempt to fail", async () => (await queue.get(id))?.lastError === "transient");
      clock.advance(500);
      await waitForStatus(queue, id, "completed");
      expect(await queue.get(id)).toMatchObject({ status: "completed", attempts: 2 });
      expect(worker.runsOf(id).map((job) => job.attempt)).toEqual([1, 2]);
    });

    registerJobQueueWorkerTests(ctx, test);
  });
}
