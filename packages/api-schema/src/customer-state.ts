import { z } from "zod";
import { customerFields } from "./customer.js";
import { CustomerStateBenefitGrant } from "./customer-state-benefit-grant.js";
import { CustomerStateMeter } from "./customer-state-meter.js";
import { CustomerStateSubscription } from "./customer-state-subscription.js";

/** `GET /v1/customers/{id}/state` and the `customer.state_changed` webhook payload. */
export const CustomerState = z.object({
  ...customerFields,
  active_subscriptions: z.array(CustomerStateSubscription),
  granted_benefits: z.array(CustomerStateBenefitGrant),
  active_meters: z.array(CustomerStateMeter),
});
export type CustomerState = z.infer<typeof CustomerState>;
