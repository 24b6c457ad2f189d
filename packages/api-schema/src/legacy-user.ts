import { z } from "zod";

/**
 * The deprecated `user` object Polar still serialises on orders and subscriptions: the customer
 * seen as a pre-2025 user (`public_name` is the customer's name, else their email). Absent from
 * the SDK's schemas, which ignore it.
 */
export const LegacyUser = z.object({
  id: z.string(),
  email: z.string(),
  public_name: z.string(),
  avatar_url: z.string().nullable(),
  github_username: z.string().nullable(),
});
export type LegacyUser = z.infer<typeof LegacyUser>;
