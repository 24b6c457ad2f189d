import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { ContractTest } from "./contract-test.js";
import type { JobQueueContractContext } from "./job-queue-contract.js";
import { jobName, passOver, startRecordingWorker, waitForStatus } from "./recording-worker.js";
import { createGate, hasSettled, sleep, waitFor } from "./wait-for.js";

/** work(): name filters, concurrency, repeatable jobs and stopping. */
export function registerJobQueueWorkerTests(ctx: () => JobQueueContractContext, test: ContractTest): void {
  test("a worker takes only the job names it was given, or every name when given none", async () => {
    const { queue } = ctx();
    const [nameA, nameB] = [jobName(), jobName()];
    const workerA = await startRecordingWorker(queue, { names: [nameA] });
    const b = await queue.enqueue(nameB, {});
    const a = await queue.enqueue(nameA, {});
    await waitForStatus(queue, a.id, "completed");
    await passOver(queue, nameA);
    expect((await queue.get(b.id))?.status).toBe("waiting");
    expect(workerA.jobs.map((job) => job.id)).toEqual([a.id]);
    await workerA.stop();

    const everything = await startRecordingWorker(queue);
    const c = await queue.enqueue(jobName(), {});
    await waitForStatus(queue, b.id, "completed");
    await waitForStatus(queue, c.id, "completed");
    await everything.stop();
    expect(everything.runsOf(b.id)).toHaveLength(1);
    expect(everything.runsOf(c.id)).toHaveLength(1);
  });

  test("a worker runs up to `concurrency` jobs at once", async () => {
    const { queue } = ctx();
    const name = jobName();
    const ids = [];
    for (let n = 0; n < 3; n++) ids.push((await queue.enqueue(name, { n })).id);
    const gate = createGate();
    let running = 0;
    const worker = await startRecordingWorker(queue, {
      names: [name],
      concurrency: 3,
      handle: async () => {
        running += 1;
        await gate.promise;
        running -= 1;
      },
    });
    await waitFor("three jobs running at once", () => running === 3);
    gate.open();
    for (const id of ids) await waitForStatus(queue, id, "completed");
    await worker.stop();
  });

  test("a running job does not hold back due jobs while the worker is below its concurrency", async () => {
    const { queue } = ctx();
    const name = jobName();
    const gate = createGate();
    let running = 0;
    const worker = await startRecordingWorker(queue, {
      names: [name],
      concurrency: 2,
      handle: async (job) => {
        running += 1;
        if ((job.payload as { slow?: boolean }).slow === true) await gate.promise;
        running -= 1;
      },
    });
    const slow = await queue.enqueue(name, { slow: true });
    await waitForStatus(queue, slow.id, "active");
    // The slow job takes one slot; the other slot must keep working.
    const quick = await queue.enqueue(name, { slow: false });
    try {
      await waitForStatus(queue, quick.id, "completed");
      expect(running).toBe(1);
    } finally {
      gate.open();
    }
    await waitForStatus(queue, slow.id, "completed");
    await worker.stop();
  });

  test("a worker with concurrency 1 runs one job at a time", async () => {
    const { queue } = ctx();
    const name = jobName();
    const ids = [];
    for (let n = 0; n < 3; n++) ids.push((await queue.enqueue(name, { n })).id);
    let running = 0;
    let most = 0;
    const worker = await startRecordingWorker(queue, {
      names: [name],
      concurrency: 1,
      handle: async () => {
        running += 1;
        most = Math.max(most, running);
        await sleep(30);
        running -= 1;
      },
    });
    for (const id of ids) await waitForStatus(queue, id, "completed");
    await worker.stop();
    expect(most).toBe(1);
    expect(worker.jobs).toHaveLength(3);
  });

  test("a repeatable job runs again every everyMs by the clock; registering again replaces it", async () => {
    const { queue, clock } = ctx();
    const name = jobName();
    const id = `contract-repeat-${randomUUID()}`;
    const worker = await startRecordingWorker(queue, { names: [name] });
    await queue.repeat(id, name, { version: 1 }, 60_000);
    // Whether the first run is at registration or one interval later, one is due now.
    clock.advance(60_000);
    const runs = () => worker.jobs.filter((job) => job.name === name);
    await waitFor("the first run", () => runs().length >= 1);
    const first = runs().length;
    await passOver(queue, name);
    clock.advance(59_999);
    await passOver(queue, name);
    expect(runs()).toHaveLength(first);
    clock.advance(1);
    await waitFor("the run one interval later", () => runs().length === first + 1);
    expect(runs().every((job) => (job.payload as { version: number }).version === 1)).toBe(true);

    await passOver(queue, name);
    await queue.repeat(id, name, { version: 2 }, 10_000);
    const beforeReplacement = runs().length;
    clock.advance(60_000);
    await waitFor("a run of the new schedule", () => runs().length > beforeReplacement);
    await passOver(queue, name);
    const afterJump = runs().length;
    clock.advance(10_000);
    await waitFor("the run one new interval later", () => runs().length === afterJump + 1);
    await worker.stop();
    expect(
      runs()
        .slice(beforeReplacement)
        .map((job) => job.payload),
    ).toEqual(Array.from({ length: afterJump + 1 - beforeReplacement }, () => ({ version: 2 })));
  });

  test("stop lets the running job finish and takes no new ones", async () => {
    const { queue } = ctx();
    const name = jobName();
    const gate = createGate();
    let entered = false;
    const worker = await startRecordingWorker(queue, {
      names: [name],
      handle: async () => {
        entered = true;
        await gate.promise;
      },
    });
    const running = await queue.enqueue(name, {});
    await waitFor("the job to start", () => entered);
    const stopping = worker.stop();
    await sleep(50);
    expect(await hasSettled(stopping), "stop must wait for the running job").toBe(false);
    gate.open();
    await stopping;
    expect((await queue.get(running.id))?.status).toBe("completed");

    const later = await queue.enqueue(name, {});
    await sleep(100);
    expect((await queue.get(later.id))?.status).toBe("waiting");
    expect(worker.jobs).toHaveLength(1);
    const next = await startRecordingWorker(queue, { names: [name] });
    await waitForStatus(queue, later.id, "completed");
    await next.stop();
  });
}
