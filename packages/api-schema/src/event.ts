import { z } from "zod";
import { BenefitType } from "./benefit-type.js";
import { Customer } from "./customer.js";
import { DateTimeString } from "./date-time-string.js";
import { Metadata } from "./metadata.js";

/**
 * Fields every event carries. `customer_id` is the stored value (null for events sent with an
 * external customer id); `customer` is resolved when read.
 */
const eventFields = {
  id: z.string(),
  timestamp: DateTimeString,
  organization_id: z.string(),
  customer_id: z.string().nullable(),
  customer: Customer.nullable(),
  external_customer_id: z.string().nullable(),
};

export const UserEvent = z.object({ ...eventFields, source: z.literal("user"), name: z.string(), metadata: Metadata });
export type UserEvent = z.infer<typeof UserEvent>;

export const MeterCreditedMetadata = z.object({ meter_id: z.string(), units: z.number().int(), rollover: z.boolean() });
export type MeterCreditedMetadata = z.infer<typeof MeterCreditedMetadata>;

export const MeterResetMetadata = z.object({ meter_id: z.string() });
export type MeterResetMetadata = z.infer<typeof MeterResetMetadata>;

export const BenefitGrantMetadata = z.object({
  benefit_id: z.string(),
  benefit_grant_id: z.string(),
  benefit_type: BenefitType,
});
export type BenefitGrantMetadata = z.infer<typeof BenefitGrantMetadata>;

function systemEvent<const Name extends string, Shape extends z.ZodType>(name: Name, metadata: Shape) {
  return z.object({ ...eventFields, source: z.literal("system"), name: z.literal(name), metadata });
}

export const MeterCreditEvent = systemEvent("meter.credited", MeterCreditedMetadata);
export type MeterCreditEvent = z.infer<typeof MeterCreditEvent>;
export const MeterResetEvent = systemEvent("meter.reset", MeterResetMetadata);
export type MeterResetEvent = z.infer<typeof MeterResetEvent>;
export const BenefitGrantedEvent = systemEvent("benefit.granted", BenefitGrantMetadata);
export type BenefitGrantedEvent = z.infer<typeof BenefitGrantedEvent>;
export const BenefitCycledEvent = systemEvent("benefit.cycled", BenefitGrantMetadata);
export type BenefitCycledEvent = z.infer<typeof BenefitCycledEvent>;
export const BenefitUpdatedEvent = systemEvent("benefit.updated", BenefitGrantMetadata);
export type BenefitUpdatedEvent = z.infer<typeof BenefitUpdatedEvent>;
export const BenefitRevokedEvent = systemEvent("benefit.revoked", BenefitGrantMetadata);
export type BenefitRevokedEvent = z.infer<typeof BenefitRevokedEvent>;

export const SystemEvent = z.discriminatedUnion("name", [
  MeterCreditEvent,
  MeterResetEvent,
  BenefitGrantedEvent,
  BenefitCycledEvent,
  BenefitUpdatedEvent,
  BenefitRevokedEvent,
]);
export type SystemEvent = z.infer<typeof SystemEvent>;

/** An event as `GET /v1/events/` returns it: `source` first tells user from system events. */
export const Event = z.union([UserEvent, SystemEvent]);
export type Event = z.infer<typeof Event>;
