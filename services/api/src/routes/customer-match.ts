import type { CustomerMatch } from "@meterline/core";
import type { ApiDeps } from "../deps.js";

/**
 * The `customer_id` / `external_customer_id` event filters (spec §3.3): a customer id also
 * matches events sent with that customer's external id, and an external id also matches events
 * sent with the id of the customer holding it. A customer's external id counts only inside its
 * own organization: a personal token reading several organizations must not see another
 * organization's events that happen to carry the same string (ARCHITECTURE §7). Both filters
 * given → both must hold; events carry exactly one of the two identifiers, so that is the
 * intersection computed here.
 */
export async function resolveCustomerMatch(
  deps: ApiDeps,
  scope: readonly string[],
  customerIds: readonly string[],
  externalCustomerIds: readonly string[],
): Promise<CustomerMatch | undefined> {
  if (customerIds.length === 0 && externalCustomerIds.length === 0) return undefined;
  const byId = customerIds.length > 0 ? await deps.customers.getMany(scope, customerIds) : [];
  const byExternal =
    externalCustomerIds.length > 0 ? await deps.customers.getManyByExternalId(scope, externalCustomerIds) : [];
  const ownExternalIds = byId.flatMap((customer) =>
    customer.deletedAt === null && customer.externalId !== null
      ? [{ organizationId: customer.organizationId, externalId: customer.externalId }]
      : [],
  );
  if (externalCustomerIds.length === 0) {
    return { customerIds: [...customerIds], externalCustomerIds: [], organizationExternalIds: ownExternalIds };
  }
  const holders = byExternal.map((customer) => customer.id);
  if (customerIds.length === 0) return { customerIds: holders, externalCustomerIds: [...externalCustomerIds] };
  return {
    customerIds: customerIds.filter((id) => holders.includes(id)),
    externalCustomerIds: [],
    organizationExternalIds: ownExternalIds.filter((pair) => externalCustomerIds.includes(pair.externalId)),
  };
}
