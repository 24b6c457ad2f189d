import { createRequire } from "node:module";

/**
 * kafkajs is CommonJS, and Node's ESM loader detects only its first few exports by name (not
 * `ConfigResourceTypes`, nor the error classes), so it is loaded whole through `require`.
 */
export const kafkajs: typeof import("kafkajs") = createRequire(import.meta.url)("kafkajs");
