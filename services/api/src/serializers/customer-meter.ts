import { formatDateTime } from "@meterline/api-schema";
import type { Customer, Meter } from "@meterline/core";
import type { CustomerMeter } from "@meterline/postgres";
import { serializeCustomer } from "./customer.js";
import { serializeMeter } from "./meter.js";

function figures(customerMeter: CustomerMeter) {
  return {
    consumed_units: customerMeter.consumedUnits,
    credited_units: customerMeter.creditedUnits,
    balance: customerMeter.balance,
  };
}

export function serializeCustomerMeter(customerMeter: CustomerMeter, customer: Customer, meter: Meter) {
  return {
    id: customerMeter.id,
    created_at: formatDateTime(customerMeter.createdAt),
    modified_at: customerMeter.modifiedAt === null ? null : formatDateTime(customerMeter.modifiedAt),
    customer_id: customerMeter.customerId,
    meter_id: customerMeter.meterId,
    ...figures(customerMeter),
    customer: serializeCustomer(customer),
    meter: serializeMeter(meter),
  };
}

/** The `active_meters` entry of customer state. */
export function serializeCustomerStateMeter(customerMeter: CustomerMeter) {
  return {
    id: customerMeter.id,
    created_at: formatDateTime(customerMeter.createdAt),
    modified_at: customerMeter.modifiedAt === null ? null : formatDateTime(customerMeter.modifiedAt),
    meter_id: customerMeter.meterId,
    ...figures(customerMeter),
  };
}
