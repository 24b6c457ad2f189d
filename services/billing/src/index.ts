export * from "./job-catalog.js";
export * from "./worker.js";
