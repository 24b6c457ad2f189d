import { createRepositories } from "@meterline/api";
import type { Benefit, BenefitGrant, LogRecord, Subscription } from "@meterline/core";
import { type Announcement, announce, customerStateChanged } from "./announce.js";
import type { BillingDeps } from "./billing-deps.js";
import { systemKeys, systemRecord } from "./system-records.js";

/** Internal bookkeeping kept in the grant's properties (never serialized): the last period it was credited for. */
interface GrantBookkeeping {
  lastCreditedMeterId?: string;
  lastCreditedUnits?: number;
  lastCreditedAt?: string;
  periodIndex?: number;
  /** How often the grant was granted again after a revoke (a product change back and forth). */
  generation?: number;
}

function bookkeeping(grant: BenefitGrant): GrantBookkeeping {
  return grant.properties as GrantBookkeeping;
}

/** The grant's identity in record keys: a grant granted again credits and revokes under new keys. */
function grantKey(grant: BenefitGrant): string {
  const generation = bookkeeping(grant).generation ?? 0;
  return generation === 0 ? grant.id : `${grant.id}:g${generation}`;
}

/**
 * New grant rows for each benefit of the product (inside the caller's transaction). They are
 * granted by their first credit, once the period they start in is paid (`creditGrants`).
 */
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
    grantedAt: null,
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
    externalId: systemKeys.benefitEvent(name, grantKey(grant), periodIndex),
  });
}

function needsCredit(grant: BenefitGrant, periodIndex: number, only?: ReadonlySet<string>): boolean {
  return (
    grant.revokedAt === null && (bookkeeping(grant).periodIndex ?? -1) < periodIndex && (only?.has(grant.id) ?? true)
  );
}

/**
 * Credits the subscription's live grants for `periodIndex`: a `meter.credited` of the benefit's
 * units for meter_credit benefits, and the `benefit.granted`/`benefit.cycled` record. A grant's
 * first credit grants it (`benefit_grant.created`), later ones cycle it (`benefit_grant.cycled`).
 * Idempotent, also when two runs overlap: the records carry deterministic external ids, and the
 * grants are re-read under the subscription's row lock, so each is announced once per period.
 * `only` limits the credit to some grants (benefits added mid-period by a product change).
 */
export async function creditGrants(
  deps: BillingDeps,
  subscription: Subscription,
  periodIndex: number,
  only?: ReadonlySet<string>,
): Promise<void> {
  const grants = (await deps.benefits.grantsOfSubscription(subscription.id)).filter((grant) =>
    needsCredit(grant, periodIndex, only),
  );
  if (grants.length === 0) return;
  const benefits = await deps.benefits.getMany(
    [subscription.organizationId],
    grants.map((grant) => grant.benefitId),
    { includeDeleted: true },
  );
  const now = deps.clock.now();
  const records: LogRecord[] = [];
  const updated: Array<{ grant: BenefitGrant; first: boolean }> = [];
  for (const grant of grants) {
    const benefit = benefits.find((candidate) => candidate.id === grant.benefitId);
    if (benefit === undefined) continue;
    const first = bookkeeping(grant).periodIndex === undefined;
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
          externalId: systemKeys.credit(grantKey(grant), periodIndex),
        }),
      );
      Object.assign(properties, {
        lastCreditedMeterId: benefit.properties.meterId,
        lastCreditedUnits: benefit.properties.units,
        lastCreditedAt: now.toISOString(),
      });
    }
    records.push(benefitEvent(deps, grant, benefit, first ? "benefit.granted" : "benefit.cycled", periodIndex));
    updated.push({ grant: { ...grant, grantedAt: grant.grantedAt ?? now, modifiedAt: now, properties }, first });
  }
  await deps.log.append(records);
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    await repositories.subscriptions.getForUpdate(subscription.id);
    const current = await repositories.benefits.grantsOfSubscription(subscription.id);
    const due = updated.filter(({ grant }) => {
      const stored = current.find((candidate) => candidate.id === grant.id);
      return stored !== undefined && needsCredit(stored, periodIndex);
    });
    for (const { grant } of due) await repositories.benefits.updateGrant(grant);
    if (due.length === 0) return;
    await announce(repositories, { ids: deps.ids, now }, [
      ...due.map(
        ({ grant, first }): Announcement => ({
          type: first ? "benefit_grant.created" : "benefit_grant.cycled",
          grant,
        }),
      ),
      customerStateChanged(subscription),
    ]);
  });
}

/**
 * Revokes the subscription's live grants (only those of `benefitIds` when given): each
 * meter_credit grant takes back its last credit (`meter.credited` with −units; spec metering
 * §7.4), and `benefit_grant.revoked` is announced for the grants that had been granted. Safe when
 * two runs overlap, like `creditGrants`.
 */
export async function revokeGrants(
  deps: BillingDeps,
  subscription: Subscription,
  options: { benefitIds?: readonly string[] } = {},
): Promise<void> {
  const isLive = (grant: BenefitGrant) =>
    grant.revokedAt === null && (options.benefitIds?.includes(grant.benefitId) ?? true);
  const grants = (await deps.benefits.grantsOfSubscription(subscription.id)).filter(isLive);
  if (grants.length === 0) return;
  const benefits = await deps.benefits.getMany(
    [subscription.organizationId],
    grants.map((grant) => grant.benefitId),
    { includeDeleted: true },
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
          externalId: systemKeys.revoke(grantKey(grant)),
        }),
      );
    }
    if (benefit !== undefined && grant.grantedAt !== null)
      records.push(benefitEvent(deps, grant, benefit, "benefit.revoked", -1));
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
    await repositories.subscriptions.getForUpdate(subscription.id);
    const current = await repositories.benefits.grantsOfSubscription(subscription.id);
    const due = revoked.filter((grant) => current.some((stored) => stored.id === grant.id && isLive(stored)));
    for (const grant of due) await repositories.benefits.updateGrant(grant);
    // A grant never granted is revoked silently: the customer's state never showed it.
    const announced = due.filter((grant) => grant.grantedAt !== null);
    if (announced.length === 0) return;
    await announce(repositories, { ids: deps.ids, now }, [
      ...announced.map((grant) => ({ type: "benefit_grant.revoked" as const, grant })),
      customerStateChanged(subscription),
    ]);
  });
}

/**
 * Makes the subscription's live grants match `benefitIds` (a product change, or the product's
 * benefits replaced): grants of benefits no longer there are revoked; new benefits get a grant (a
 * revoked one is granted again) credited at once for the current period.
 */
export async function syncGrants(
  deps: BillingDeps,
  subscription: Subscription,
  benefitIds: readonly string[],
): Promise<void> {
  const grants = await deps.benefits.grantsOfSubscription(subscription.id);
  const removed = grants.filter((grant) => grant.revokedAt === null && !benefitIds.includes(grant.benefitId));
  if (removed.length > 0) {
    await revokeGrants(deps, subscription, { benefitIds: removed.map((grant) => grant.benefitId) });
  }
  const now = deps.clock.now();
  const added: string[] = [];
  await deps.db.transaction(async (tx) => {
    const repositories = createRepositories(tx);
    await repositories.subscriptions.getForUpdate(subscription.id);
    const current = await repositories.benefits.grantsOfSubscription(subscription.id);
    for (const benefitId of benefitIds) {
      const existing = current.find((grant) => grant.benefitId === benefitId);
      if (existing === undefined) {
        const [grant] = newGrants(deps, subscription, [benefitId], now);
        if (grant === undefined) continue;
        await repositories.benefits.insertGrant(grant);
        added.push(grant.id);
      } else if (existing.revokedAt !== null) {
        const generation = (bookkeeping(existing).generation ?? 0) + 1;
        await repositories.benefits.updateGrant({
          ...existing,
          modifiedAt: now,
          grantedAt: null,
          revokedAt: null,
          properties: { generation } as GrantBookkeeping,
        });
        added.push(existing.id);
      }
    }
  });
  if (added.length > 0) await creditGrants(deps, subscription, subscription.periodIndex, new Set(added));
}
