import { randomUUID } from "node:crypto";
import { createRepositories } from "@meterline/api";
import {
  type AppendedRecord,
  DEFAULT_FEATURE_SETTINGS,
  DEFAULT_SUBSCRIPTION_SETTINGS,
  FixedClock,
  randomIdGenerator,
} from "@meterline/core";
import { migrate, PgliteClient, PostgresEventStore } from "@meterline/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerMeterProjector } from "./customer-meter-projector.js";

const NOW = new Date("2025-06-01T12:00:00.000Z");

describe("CustomerMeterProjector on a redelivery", () => {
  let db: PgliteClient;
  let repositories: ReturnType<typeof createRepositories>;
  let store: PostgresEventStore;
  let projector: CustomerMeterProjector;
  const organizationId = randomUUID();
  const customerId = randomUUID();
  const meterId = randomUUID();

  beforeAll(async () => {
    db = await PgliteClient.open();
    await migrate(db);
    repositories = createRepositories(db);
    store = new PostgresEventStore(db);
    await repositories.organizations.insert({
      id: organizationId,
      createdAt: NOW,
      modifiedAt: null,
      name: "Redelivery",
      slug: "redelivery",
      avatarUrl: null,
      email: null,
      website: null,
      socials: [],
      details: null,
      detailsSubmittedAt: null,
      featureSettings: DEFAULT_FEATURE_SETTINGS,
      subscriptionSettings: DEFAULT_SUBSCRIPTION_SETTINGS,
      blockedAt: null,
    });
    await repositories.customers.insert({
      id: customerId,
      organizationId,
      createdAt: NOW,
      modifiedAt: null,
      deletedAt: null,
      email: "redelivery@example.com",
      emailVerified: false,
      name: null,
      externalId: "redelivery",
      billingAddress: null,
      taxId: null,
      metadata: {},
    });
    await repositories.meters.insert({
      id: meterId,
      organizationId,
      createdAt: NOW,
      modifiedAt: null,
      name: "Calls",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "call" }] },
      aggregation: { func: "count" },
      metadata: {},
      lockedAt: null,
    });
    projector = new CustomerMeterProjector({
      ...repositories,
      store,
      clock: new FixedClock(NOW.toISOString()),
      ids: randomIdGenerator,
    });
  });

  afterAll(async () => {
    await db?.close();
  });

  it("counts each record once when the store already holds records beyond the redelivered batch", async () => {
    const records: AppendedRecord[] = [1, 2, 3, 4].map((offset) => ({
      id: randomUUID(),
      organizationId,
      name: "call",
      source: "user",
      timestamp: NOW,
      customerId: null,
      externalCustomerId: "redelivery",
      externalId: null,
      metadata: {},
      position: { partition: 0, offset },
      ingestedAt: NOW,
    }));
    // A first delivery stored all four, then its process died before projecting and committing.
    await store.insert(records);
    // The group delivers them again, in smaller batches (a lower maxBatchSize after a restart, or
    // other fetch boundaries): the customer's row is new, so the first batch rebuilds it from the
    // store, where records 3 and 4 already are; the second batch must not count them again.
    await projector.project(records.slice(0, 2));
    await projector.project(records.slice(2));
    const [row] = await repositories.customerMeters.loadRecords(organizationId, [customerId]);
    expect(row?.meterId).toBe(meterId);
    expect(row?.consumedUnits).toBe(4);
    expect(row?.appliedThrough).toEqual({ partition: 0, offset: 4 });
  });
});
