export * from "./health-server.js";
export * from "./lifecycle.js";
export * from "./open-adapters.js";
export * from "./runtime-config.js";
