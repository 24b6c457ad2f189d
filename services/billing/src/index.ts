export * from "./engine/billing-deps.js";
export * from "./engine/order-service.js";
export * from "./engine/scheduler.js";
export * from "./engine/subscription-cycle.js";
export * from "./engine/subscription-service.js";
export * from "./job-catalog.js";
export * from "./routes/index.js";
export * from "./worker.js";
