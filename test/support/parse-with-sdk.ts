import type { Json } from "./api-client.js";

/** An inbound schema of `@polar-sh/sdk`: zod 3 code that zod 4's types see as returning `unknown`. */
interface SdkSchema {
  parse(value: unknown): unknown;
}

/**
 * Parses a response body the way the official SDK does and returns its camelCase result. A body
 * the SDK rejects throws (an `SDKValidationError` for a real client), which is a server bug.
 */
export function parseWithSdk(schema: SdkSchema, body: unknown): Json {
  return schema.parse(body);
}
