export * from "./bullmq-job-queue.js";
export * from "./redis-failure.js";
