import { WEBHOOK_DELIVER_JOB, WEBHOOK_DISPATCH_JOB } from "@meterline/core";
import { z } from "zod";

const SubscriptionPeriod = z.object({ subscriptionId: z.uuid(), periodIndex: z.number().int().min(0) });

/**
 * Every job the worker runs, by name, with its payload schema. Payloads are parsed on the way
 * out of the queue, so a malformed job fails loudly instead of doing half its work.
 */
export const JOB_CATALOG = {
  "maintenance.pruneEventLog": z.object({}),
  "billing.scheduleDue": z.object({}),
  "billing.cycleSubscription": SubscriptionPeriod,
  "billing.settlePeriod": SubscriptionPeriod,
  "billing.finalizeSubscription": z.object({ subscriptionId: z.uuid() }),
  "billing.announceUsage": z.object({}),
  [WEBHOOK_DISPATCH_JOB]: z.object({}),
  [WEBHOOK_DELIVER_JOB]: z.object({ eventId: z.uuid(), leaseId: z.uuid() }),
} as const;

export type JobName = keyof typeof JOB_CATALOG;
export type JobPayload<Name extends JobName> = z.infer<(typeof JOB_CATALOG)[Name]>;
