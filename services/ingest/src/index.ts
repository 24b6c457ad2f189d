export * from "./ingest-events.js";
export * from "./ingest-routes.js";
