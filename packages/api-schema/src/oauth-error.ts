import { z } from "zod";

/** RFC 6750 bodies for bad or insufficient bearer tokens (no Polar envelope). */
export const InvalidTokenError = z.object({ error: z.literal("invalid_token"), error_description: z.string() });
export type InvalidTokenError = z.infer<typeof InvalidTokenError>;

export const InsufficientScopeError = z.object({
  error: z.literal("insufficient_scope"),
  error_description: z.string(),
});
export type InsufficientScopeError = z.infer<typeof InsufficientScopeError>;
