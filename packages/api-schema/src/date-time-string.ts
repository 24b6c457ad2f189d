import { z } from "zod";

/** A response timestamp: ISO 8601 with seconds and `Z` or an offset, as `formatDateTime` writes it. */
export const DateTimeString = z.iso.datetime({ offset: true });
export type DateTimeString = z.infer<typeof DateTimeString>;
