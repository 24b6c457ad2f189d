import type { CustomerMatch } from "@meterline/core";
import type { ApiDeps } from "../deps.js";

/**
 * The `customer_id` / `external_customer_id` event filters (spec §3.3): a customer id also
 * matches events sent with that customer's external id, and an external id also matches events
 * sent with the id of the customer holding it. Both given → both must hold; events carry exactly
 * one of the two identifiers, so that is the intersection computed here.
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
  const idMatch: CustomerMatch = {
    customerIds: [...customerIds],
    externalCustomerIds: byId
      .filter((c) => c.deletedAt === null && c.externalId !== null)
      .map((c) => c.externalId as string),
  };
  const externalMatch: CustomerMatch = {
    customerIds: byExternal.map((c) => c.id),
    externalCustomerIds: [...externalCustomerIds],
  };
  if (externalCustomerIds.length === 0) return idMatch;
  if (customerIds.length === 0) return externalMatch;
  return {
    customerIds: idMatch.customerIds.filter((id) => externalMatch.customerIds.includes(id)),
    externalCustomerIds: idMatch.externalCustomerIds.filter((id) => externalMatch.externalCustomerIds.includes(id)),
  };
}
