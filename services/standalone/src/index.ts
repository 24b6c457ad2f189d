export * from "./config.js";
export * from "./engine.js";
