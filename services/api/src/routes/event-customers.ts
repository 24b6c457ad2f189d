import type { Customer, StoredEvent } from "@meterline/core";
import type { ApiDeps } from "../deps.js";

/**
 * The `customer` of each event, resolved at read time (spec §3.3): by the stored customer id, or
 * by an external id held by a live customer of the event's own organization (never another's).
 */
export async function resolveEventCustomers(
  deps: ApiDeps,
  events: readonly StoredEvent[],
): Promise<Map<string, Customer>> {
  const organizations = [...new Set(events.map((event) => event.organizationId))];
  const ids = [...new Set(events.flatMap((event) => (event.customerId === null ? [] : [event.customerId])))];
  const externalIds = [
    ...new Set(
      events.flatMap((event) =>
        event.customerId === null && event.externalCustomerId !== null ? [event.externalCustomerId] : [],
      ),
    ),
  ];
  const [byIdList, byExternalList] = await Promise.all([
    deps.customers.getMany(organizations, ids),
    deps.customers.getManyByExternalId(organizations, externalIds),
  ]);
  const byId = new Map(byIdList.map((customer) => [customer.id, customer]));
  const byExternal = new Map(
    byExternalList.map((customer) => [`${customer.organizationId}\u0000${customer.externalId}`, customer]),
  );
  const resolved = new Map<string, Customer>();
  for (const event of events) {
    const customer =
      event.customerId !== null
        ? byId.get(event.customerId)
        : event.externalCustomerId !== null
          ? byExternal.get(`${event.organizationId}\u0000${event.externalCustomerId}`)
          : undefined;
    if (customer !== undefined && customer.organizationId === event.organizationId) resolved.set(event.id, customer);
  }
  return resolved;
}
