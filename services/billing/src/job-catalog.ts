import { z } from "zod";

/**
 * Every job the worker runs, by name, with its payload schema. Payloads are parsed on the way
 * out of the queue, so a malformed job fails loudly instead of doing half its work.
 */
export const JOB_CATALOG = {
  "maintenance.pruneEventLog": z.object({}),
} as const;

export type JobName = keyof typeof JOB_CATALOG;
export type JobPayload<Name extends JobName> = z.infer<(typeof JOB_CATALOG)[Name]>;
