import { createRepositories } from "@meterline/api";
import type { Benefit, BenefitGrant, LogRecord, Subscription } from "@meterline/core";
import { announce } from "./announce.js";
import type { BillingDeps } from "./billing-deps.js";
import { systemKeys, systemRecord } from "./system-records.js";

/** Internal bookkeeping kept in the grant's properties (never serialized): the last period it was credited for. */
interface GrantBookkeeping {
  lastCreditedMeterId?: string;
  lastCreditedUnits?: number;
  lastCreditedAt?: string;
  periodIndex?: number;
}

function bookkeeping(grant: BenefitGrant): GrantBookkeeping {
  return grant.properties as GrantBookkeeping;
}

/** New grant rows for each benefit of the product (inside the caller's transaction). */
export function newGrants(
  deps: Pick<BillingDeps, "ids">,
  subscription: Subscription,
  benefitIds: readonly string[],
  now: Date,
): BenefitGrant[] {
  return benefitIds.map((benefitId) => ({
    id: deps.ids.uuid(),
    organizationId: subscription.organizationId,
    createdAt: now,
    modifiedAt: null,
    customerId: subscription.customerId,
    benefitId,
    subscriptionId: subscription.id,
    orderId: null,
    grantedAt: now,
    revokedAt: null,
    properties: {},
  }));
}

function benefitEvent(
  deps: BillingDeps,
  grant: BenefitGrant,
  benefit: Benefit,
  name: string,
  periodIndex: number,
): LogRecord {
  return systemRecord(deps, {
    organizationId: grant.organizationId,
    customerId: grant.customerId,
    name,
    metadata: { benefit_id: benefit.id, benefit_grant_id: grant.id, benefit_type: benefit.properties.type },
    externalId: systemKeys.benefitEvent(name, grant.id, periodIndex),
  });
}

/**
 * Credits the subscription's granted benefits for `periodIndex`: a `meter.credited` of the
 * benefit's units for meter_credit benefits, and the `benefit.granted`/`benefit.cycled` record.
 * Idempotent: the records carry deterministic external ids, and a grant already credited for the
 * period is left alone (so `benefit_grant.cycled` is announced once).
 */
export async function creditGrants(deps: BillingDeps, subscription: Subscription, periodIndex: number): Promise<void> {
  const grants = (await deps.benefits.grantsOfSubscription(subscription.id)).filter(
    (grant) =>
      grant.grantedAt !== null && grant.revokedAt === null && (bookkeeping(grant).periodIndex ?? -1) < periodIndex,
  );
  if (grants.length === 0) return;
  const benefits = await deps.benefits.getMany(
    [subscription.organizationId],
    grants.map((grant) => grant.benefitId),
    {
      includeDeleted: true,
    },
  );
  const now = deps.clock.now();
  const records: LogRecord[] = [];
  const updated: BenefitGrant[] = [];
  for (const grant of grants) {
    const benefit = benefits.find((candidate) => candidate.id === grant.benefitId);
    if (benefit === undefined) continue;
    const properties: GrantBookkeeping = { ...bookkeeping(grant), periodIndex };
    if (benefit.properties.type === "meter_credit") {
      records.push(
        systemRecord(deps, {
          organizationId: grant.organizationId,
          customerId: grant.customerId,
          name: "meter.credited",
          metadata: {
            meter_id: benefit.properties.meterId,
            units: benefit.properties.units,
            rollover: benefit.properties.rollover,
          },
          externalId: systemKeys.credit(grant.id, periodIndex),
        }),
      );
      Object.assign(properties, {
        lastCreditedMeterId: benefit.properties.meterId,
        lastCreditedUnits: benefit.properties.units,
        lastCreditedAt: now.toISOString(),
      });
    }
    records.push(
      benefitEvent(deps, grant, benefit, periodIndex === 0 ? "benefit.granted" : "benefit.cycled", periodIndex),
    );
    updated.push({ ...grant, modifiedAt: now, properties });
  }
  await deps.log.append(records);
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    for (const grant of updated) await repositories.benefits.updateGrant(grant);
    await announce(
      repositories,
      { ids: deps.ids, now },
      updated.map((grant) => ({
        type: periodIndex === 0 ? ("benefit_grant.created" as const) : ("benefit_grant.cycled" as const),
        grant,
      })),
    );
  });
}

/**
 * Revokes the subscription's grants: each meter_credit grant takes back its last credit
 * (`meter.credited` with −units; spec metering §7.4), and `benefit_grant.revoked` is announced.
 */
export async function revokeGrants(deps: BillingDeps, subscription: Subscription): Promise<void> {
  const grants = (await deps.benefits.grantsOfSubscription(subscription.id)).filter(
    (grant) => grant.revokedAt === null,
  );
  if (grants.length === 0) return;
  const benefits = await deps.benefits.getMany(
    [subscription.organizationId],
    grants.map((grant) => grant.benefitId),
    {
      includeDeleted: true,
    },
  );
  const now = deps.clock.now();
  const records: LogRecord[] = [];
  const revoked: BenefitGrant[] = [];
  for (const grant of grants) {
    const benefit = benefits.find((candidate) => candidate.id === grant.benefitId);
    const book = bookkeeping(grant);
    if (benefit !== undefined && book.lastCreditedMeterId !== undefined && (book.lastCreditedUnits ?? 0) > 0) {
      records.push(
        systemRecord(deps, {
          organizationId: grant.organizationId,
          customerId: grant.customerId,
          name: "meter.credited",
          metadata: {
            meter_id: book.lastCreditedMeterId,
            units: -(book.lastCreditedUnits ?? 0),
            rollover: benefit.properties.type === "meter_credit" ? benefit.properties.rollover : false,
          },
          externalId: systemKeys.revoke(grant.id),
        }),
      );
    }
    if (benefit !== undefined) records.push(benefitEvent(deps, grant, benefit, "benefit.revoked", -1));
    revoked.push({
      ...grant,
      modifiedAt: now,
      revokedAt: now,
      properties:
        book.lastCreditedUnits === undefined ? book : { ...book, lastCreditedUnits: -(book.lastCreditedUnits ?? 0) },
    });
  }
  await deps.log.append(records);
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    for (const grant of revoked) await repositories.benefits.updateGrant(grant);
    await announce(
      repositories,
      { ids: deps.ids, now },
      revoked.map((grant) => ({ type: "benefit_grant.revoked" as const, grant })),
    );
  });
}
