import type { CustomerMatch } from "@meterline/core";
import { inList, inTuples } from "./sql-literal.js";

/**
 * Events of the matched customers (port `CustomerMatch`): the exact columns decide, and a
 * `customer_key` condition restricts the read to those customers' granules (the second key
 * column). It never drops a match: an event's key is its customer id, else its external customer
 * id, and the rare event carrying both is filed under its customer id with its external id in
 * `external_customer_aliases_v1`, which the condition consults for external ids.
 */
export function compileCustomerMatch(match: CustomerMatch): string {
  const scoped = match.organizationExternalIds ?? [];
  const parts: string[] = [];
  if (match.customerIds.length > 0) parts.push(inList("customer_id", match.customerIds));
  if (match.externalCustomerIds.length > 0) parts.push(inList("external_customer_id", match.externalCustomerIds));
  if (scoped.length > 0) {
    parts.push(
      inTuples(
        ["organization_id", "external_customer_id"],
        scoped.map((pair) => [pair.organizationId, pair.externalId]),
      ),
    );
  }
  if (parts.length === 0) return "0";
  const externalIds = [...new Set([...match.externalCustomerIds, ...scoped.map((pair) => pair.externalId)])];
  const keys = inList("customer_key", [...new Set([...match.customerIds, ...externalIds])]);
  const aliases =
    externalIds.length === 0
      ? ""
      : ` OR customer_key IN (SELECT customer_key FROM external_customer_aliases_v1 WHERE ${inList("external_customer_id", externalIds)})`;
  return `((${keys}${aliases}) AND ${parts.length === 1 ? parts[0] : `(${parts.join(" OR ")})`})`;
}
