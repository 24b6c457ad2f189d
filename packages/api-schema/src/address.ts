import { z } from "zod";

/** A billing address as responses carry it: every key present, blanks as null. */
export const Address = z.object({
  line1: z.string().nullable(),
  line2: z.string().nullable(),
  postal_code: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  country: z.string(),
});
export type Address = z.infer<typeof Address>;
