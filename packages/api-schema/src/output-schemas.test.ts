import { Customer$inboundSchema } from "@polar-sh/sdk/models/components/customer.js";
import { CustomerMeter$inboundSchema } from "@polar-sh/sdk/models/components/customermeter.js";
import { CustomerState$inboundSchema } from "@polar-sh/sdk/models/components/customerstate.js";
import { CustomerStateBenefitGrant$inboundSchema } from "@polar-sh/sdk/models/components/customerstatebenefitgrant.js";
import { CustomerStateMeter$inboundSchema } from "@polar-sh/sdk/models/components/customerstatemeter.js";
import { CustomerStateSubscription$inboundSchema } from "@polar-sh/sdk/models/components/customerstatesubscription.js";
import { Event$inboundSchema } from "@polar-sh/sdk/models/components/event.js";
import { EventName$inboundSchema } from "@polar-sh/sdk/models/components/eventname.js";
import { EventsIngestResponse$inboundSchema } from "@polar-sh/sdk/models/components/eventsingestresponse.js";
import { ListResourceCustomer$inboundSchema } from "@polar-sh/sdk/models/components/listresourcecustomer.js";
import { ListResourceCustomerMeter$inboundSchema } from "@polar-sh/sdk/models/components/listresourcecustomermeter.js";
import { ListResourceEvent$inboundSchema } from "@polar-sh/sdk/models/components/listresourceevent.js";
import { ListResourceEventName$inboundSchema } from "@polar-sh/sdk/models/components/listresourceeventname.js";
import { ListResourceMeter$inboundSchema } from "@polar-sh/sdk/models/components/listresourcemeter.js";
import { ListResourceOrganization$inboundSchema } from "@polar-sh/sdk/models/components/listresourceorganization.js";
import { Meter$inboundSchema } from "@polar-sh/sdk/models/components/meter.js";
import { MeterCreditEvent$inboundSchema } from "@polar-sh/sdk/models/components/metercreditevent.js";
import { MeterQuantities$inboundSchema } from "@polar-sh/sdk/models/components/meterquantities.js";
import { MeterResetEvent$inboundSchema } from "@polar-sh/sdk/models/components/meterresetevent.js";
import { Organization$inboundSchema } from "@polar-sh/sdk/models/components/organization.js";
import { Pagination$inboundSchema } from "@polar-sh/sdk/models/components/pagination.js";
import { UserEvent$inboundSchema } from "@polar-sh/sdk/models/components/userevent.js";
import { HTTPValidationError$inboundSchema } from "@polar-sh/sdk/models/errors/httpvalidationerror.js";
import { NotPermitted$inboundSchema } from "@polar-sh/sdk/models/errors/notpermitted.js";
import { ResourceNotFound$inboundSchema } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { Unauthorized$inboundSchema } from "@polar-sh/sdk/models/errors/unauthorized.js";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { Customer } from "./customer.js";
import { CustomerMeter } from "./customer-meter.js";
import { CustomerState } from "./customer-state.js";
import { CustomerStateBenefitGrant } from "./customer-state-benefit-grant.js";
import { CustomerStateMeter } from "./customer-state-meter.js";
import { CustomerStateSubscription } from "./customer-state-subscription.js";
import {
  BenefitCycledEvent,
  BenefitGrantedEvent,
  BenefitRevokedEvent,
  BenefitUpdatedEvent,
  Event,
  MeterCreditEvent,
  MeterResetEvent,
  UserEvent,
} from "./event.js";
import { EventName } from "./event-name.js";
import { EventsIngestResponse } from "./events-ingest-response.js";
import { formatDateTime } from "./format-date-time.js";
import { HTTPValidationError } from "./http-validation-error.js";
import { listResource } from "./list-resource.js";
import { Meter } from "./meter.js";
import { MeterQuantities } from "./meter-quantities.js";
import { InsufficientScopeError, InvalidTokenError } from "./oauth-error.js";
import { Organization } from "./organization.js";
import { Pagination } from "./pagination.js";
import { NotPermitted, ResourceNotFound, Unauthorized } from "./polar-error.js";

const ORGANIZATION_ID = "1dbfc517-0bbf-4301-9ba8-555ca42b9737";
const CUSTOMER_ID = "8e5ac3b4-6ec4-4c3a-9ed7-3ea2a8c2f0e1";
const METER_ID = "0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const CREATED = formatDateTime(new Date("2025-06-01T00:00:00Z"));
const MODIFIED = formatDateTime(new Date("2025-06-19T13:49:27.123Z"));

/** Parses as the SDK does with a body it received: after a JSON round trip. */
function sdkAccepts(
  schema: { safeParse(value: unknown): { success: boolean; error?: unknown } },
  value: unknown,
): void {
  const result = schema.safeParse(JSON.parse(JSON.stringify(value)));
  expect(result.error).toBeUndefined();
  expect(result.success).toBe(true);
}

/** The SDK's object keys (under its snake_case → camelCase transform). */
function sdkKeys(schema: unknown): string[] {
  let current = schema as { _zod: { def: { type: string; in?: unknown; shape?: Record<string, unknown> } } };
  while (current._zod.def.type === "pipe") current = current._zod.def.in as typeof current;
  return Object.keys(current._zod.def.shape ?? {});
}

function ourKeys(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}

function expectSameFieldsAsSdk(ours: z.ZodObject, sdk: unknown, ourExtras: string[] = []): void {
  expect(ourKeys(ours).sort()).toEqual([...sdkKeys(sdk), ...ourExtras].sort());
}

function sampleCustomer(overrides: Partial<Customer> = {}): Customer {
  return {
    id: CUSTOMER_ID,
    created_at: CREATED,
    modified_at: null,
    metadata: { plan: "pro", seats: 3, ratio: 1.5, beta: true },
    external_id: null,
    email: "ada@example.com",
    email_verified: false,
    name: null,
    billing_address: null,
    tax_id: null,
    organization_id: ORGANIZATION_ID,
    deleted_at: null,
    avatar_url: "https://www.gravatar.com/avatar/0?d=404",
    ...overrides,
  };
}

function sampleMeter(overrides: Partial<Meter> = {}): Meter {
  return {
    metadata: {},
    created_at: CREATED,
    modified_at: null,
    id: METER_ID,
    name: "AI tokens",
    filter: {
      conjunction: "and",
      clauses: [
        { property: "name", operator: "eq", value: "ai_usage" },
        { conjunction: "or", clauses: [{ property: "tier", operator: "gte", value: 10 }] },
        { property: "beta", operator: "ne", value: false },
      ],
    },
    aggregation: { func: "sum", property: "tokens" },
    organization_id: ORGANIZATION_ID,
    ...overrides,
  };
}

const fullCustomer = sampleCustomer({
  modified_at: MODIFIED,
  external_id: "u1",
  email_verified: true,
  name: "Ada",
  billing_address: { line1: "1 Main St", line2: null, postal_code: "94107", city: "SF", state: "US-CA", country: "US" },
  tax_id: ["DE123456789", "eu_vat"],
});

const eventBase = {
  timestamp: MODIFIED,
  organization_id: ORGANIZATION_ID,
  customer_id: CUSTOMER_ID,
  customer: sampleCustomer(),
  external_customer_id: null,
};

const grantMetadata = { benefit_id: METER_ID, benefit_grant_id: CUSTOMER_ID, benefit_type: "meter_credit" as const };

const stateMeter: CustomerStateMeter = {
  id: "5a0f7d52-4f1c-4d7a-9a55-27c1c8f10a1e",
  created_at: CREATED,
  modified_at: MODIFIED,
  meter_id: METER_ID,
  consumed_units: 2,
  credited_units: 10,
  balance: 8,
};

const stateSubscription: CustomerStateSubscription = {
  id: "3f0c1d4e-2b5a-4c6d-8e7f-9a0b1c2d3e4f",
  created_at: CREATED,
  modified_at: null,
  custom_field_data: {},
  metadata: {},
  status: "active",
  amount: 2000,
  currency: "usd",
  recurring_interval: "month",
  current_period_start: CREATED,
  current_period_end: "2025-07-01T00:00:00Z",
  cancel_at_period_end: false,
  canceled_at: null,
  started_at: CREATED,
  ends_at: null,
  product_id: "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e",
  discount_id: null,
  meters: [
    {
      created_at: CREATED,
      modified_at: null,
      id: "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
      consumed_units: 12.5,
      credited_units: 0,
      amount: 63,
      meter_id: METER_ID,
    },
  ],
};

const stateGrant: CustomerStateBenefitGrant = {
  id: "9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b",
  created_at: CREATED,
  modified_at: null,
  granted_at: CREATED,
  benefit_id: METER_ID,
  benefit_type: "meter_credit",
  benefit_metadata: {},
  properties: { last_credited_meter_id: METER_ID, last_credited_units: 10, last_credited_at: CREATED },
};

const organization: Organization = {
  created_at: CREATED,
  modified_at: null,
  id: ORGANIZATION_ID,
  name: "Acme",
  slug: "acme",
  avatar_url: null,
  email: null,
  website: "https://acme.example/",
  socials: [{ platform: "github", url: "https://github.com/acme" }],
  details_submitted_at: null,
  feature_settings: { issue_funding_enabled: false, usage_based_billing_enabled: true },
  subscription_settings: {
    allow_multiple_subscriptions: false,
    allow_customer_updates: true,
    proration_behavior: "prorate",
  },
};

interface Case {
  name: string;
  ours: z.ZodType;
  sdk: { safeParse(value: unknown): { success: boolean } };
  samples: unknown[];
}

const cases: Case[] = [
  { name: "Pagination", ours: Pagination, sdk: Pagination$inboundSchema, samples: [{ total_count: 0, max_page: 0 }] },
  {
    name: "Organization",
    ours: Organization,
    sdk: Organization$inboundSchema,
    samples: [
      organization,
      { ...organization, feature_settings: null, modified_at: MODIFIED, email: "billing@acme.example" },
    ],
  },
  { name: "Customer", ours: Customer, sdk: Customer$inboundSchema, samples: [sampleCustomer(), fullCustomer] },
  {
    name: "CustomerStateMeter",
    ours: CustomerStateMeter,
    sdk: CustomerStateMeter$inboundSchema,
    samples: [stateMeter],
  },
  {
    name: "CustomerStateSubscription",
    ours: CustomerStateSubscription,
    sdk: CustomerStateSubscription$inboundSchema,
    samples: [stateSubscription],
  },
  {
    name: "CustomerStateBenefitGrant",
    ours: CustomerStateBenefitGrant,
    sdk: CustomerStateBenefitGrant$inboundSchema,
    samples: [stateGrant, { ...stateGrant, benefit_type: "custom", properties: {} }],
  },
  {
    name: "CustomerState",
    ours: CustomerState,
    sdk: CustomerState$inboundSchema,
    samples: [
      { ...sampleCustomer(), active_subscriptions: [], granted_benefits: [], active_meters: [] },
      {
        ...fullCustomer,
        active_subscriptions: [stateSubscription],
        granted_benefits: [stateGrant],
        active_meters: [stateMeter],
      },
    ],
  },
  {
    name: "Event",
    ours: Event,
    sdk: Event$inboundSchema,
    samples: [
      { ...eventBase, id: "a1", source: "user", name: "ai_usage", metadata: { tokens: 12, model: "gpt" } },
      {
        ...eventBase,
        id: "a2",
        customer_id: null,
        customer: null,
        external_customer_id: "u1",
        source: "user",
        name: "x",
        metadata: {},
      },
      {
        ...eventBase,
        id: "a3",
        source: "system",
        name: "meter.credited",
        metadata: { meter_id: METER_ID, units: -10, rollover: false },
      },
      { ...eventBase, id: "a4", source: "system", name: "meter.reset", metadata: { meter_id: METER_ID } },
      { ...eventBase, id: "a5", source: "system", name: "benefit.granted", metadata: grantMetadata },
      { ...eventBase, id: "a6", source: "system", name: "benefit.cycled", metadata: grantMetadata },
      { ...eventBase, id: "a7", source: "system", name: "benefit.updated", metadata: grantMetadata },
      { ...eventBase, id: "a8", source: "system", name: "benefit.revoked", metadata: grantMetadata },
    ],
  },
  {
    name: "EventName",
    ours: EventName,
    sdk: EventName$inboundSchema,
    samples: [{ name: "ai_usage", source: "user", occurrences: 3, first_seen: CREATED, last_seen: MODIFIED }],
  },
  {
    name: "EventsIngestResponse",
    ours: EventsIngestResponse,
    sdk: EventsIngestResponse$inboundSchema,
    samples: [{ inserted: 2, duplicates: 1 }],
  },
  {
    name: "Meter",
    ours: Meter,
    sdk: Meter$inboundSchema,
    samples: [
      sampleMeter(),
      sampleMeter({
        modified_at: MODIFIED,
        aggregation: { func: "count" },
        filter: { conjunction: "or", clauses: [] },
      }),
      ...(["avg", "min", "max"] as const).map((func) => sampleMeter({ aggregation: { func, property: "latency" } })),
    ],
  },
  {
    name: "MeterQuantities",
    ours: MeterQuantities,
    sdk: MeterQuantities$inboundSchema,
    samples: [
      { quantities: [], total: 0 },
      {
        quantities: [
          { timestamp: "2025-06-01T12:00:00Z", quantity: 4 },
          { timestamp: "2025-06-02T12:00:00Z", quantity: 0.5 },
        ],
        total: 4.5,
      },
    ],
  },
  {
    name: "CustomerMeter",
    ours: CustomerMeter,
    sdk: CustomerMeter$inboundSchema,
    samples: [
      {
        id: "5a0f7d52-4f1c-4d7a-9a55-27c1c8f10a1e",
        created_at: CREATED,
        modified_at: null,
        customer_id: CUSTOMER_ID,
        meter_id: METER_ID,
        consumed_units: 4,
        credited_units: 0,
        balance: -4,
        customer: fullCustomer,
        meter: sampleMeter(),
      },
    ],
  },
  {
    name: "HTTPValidationError",
    ours: HTTPValidationError,
    sdk: HTTPValidationError$inboundSchema,
    samples: [
      {
        error: "RequestValidationError",
        detail: [
          {
            type: "greater_than",
            loc: ["query", "limit"],
            msg: "Input should be greater than 0",
            input: "0",
            ctx: { gt: 0 },
          },
        ],
      },
      {
        error: "PolarRequestValidationError",
        detail: [
          {
            type: "customer_id",
            loc: ["body", "events", 0, "customer_id"],
            msg: "Customer not found.",
            input: CUSTOMER_ID,
          },
        ],
      },
    ],
  },
  {
    name: "ResourceNotFound",
    ours: ResourceNotFound,
    sdk: ResourceNotFound$inboundSchema,
    samples: [{ error: "ResourceNotFound", detail: "Not found" }],
  },
  {
    name: "Unauthorized",
    ours: Unauthorized,
    sdk: Unauthorized$inboundSchema,
    samples: [{ error: "Unauthorized", detail: "Unauthorized" }],
  },
  {
    name: "NotPermitted",
    ours: NotPermitted,
    sdk: NotPermitted$inboundSchema,
    samples: [{ error: "NotPermitted", detail: "Not permitted" }],
  },
];

describe("output schemas against SDK 0.32.16", () => {
  describe.each(cases)("$name", ({ ours, sdk, samples }) => {
    it.each(samples.map((sample, index) => [index, sample]))(
      "sample %i is accepted by our schema and the SDK",
      (_, sample) => {
        expect(ours.parse(sample)).toEqual(sample);
        sdkAccepts(sdk, sample);
      },
    );
  });

  it("list envelopes parse with the SDK's ListResource schemas", () => {
    const pagination = { total_count: 21, max_page: 3 };
    const lists: [z.ZodType, { safeParse(value: unknown): { success: boolean } }, unknown][] = [
      [listResource(Meter), ListResourceMeter$inboundSchema, sampleMeter()],
      [listResource(Customer), ListResourceCustomer$inboundSchema, fullCustomer],
      [listResource(Organization), ListResourceOrganization$inboundSchema, organization],
      [
        listResource(EventName),
        ListResourceEventName$inboundSchema,
        { name: "x", source: "system", occurrences: 1, first_seen: CREATED, last_seen: CREATED },
      ],
      [
        listResource(Event),
        ListResourceEvent$inboundSchema,
        { ...eventBase, id: "a4", source: "system", name: "meter.reset", metadata: { meter_id: METER_ID } },
      ],
    ];
    for (const [ours, sdk, item] of lists) {
      const body = { items: [item], pagination };
      expect(ours.parse(body)).toEqual(body);
      sdkAccepts(sdk, body);
      sdkAccepts(sdk, { items: [], pagination: { total_count: 0, max_page: 0 } });
    }
    const customerMeters = listResource(CustomerMeter);
    expect(customerMeters.safeParse({ items: [], pagination }).success).toBe(true);
    sdkAccepts(ListResourceCustomerMeter$inboundSchema, { items: [], pagination });
  });

  it("declares every field of the SDK's schemas (nullable ones included)", () => {
    expectSameFieldsAsSdk(Pagination, Pagination$inboundSchema);
    expectSameFieldsAsSdk(Organization, Organization$inboundSchema);
    expectSameFieldsAsSdk(Customer, Customer$inboundSchema);
    expectSameFieldsAsSdk(CustomerStateMeter, CustomerStateMeter$inboundSchema, ["id"]);
    expectSameFieldsAsSdk(CustomerStateSubscription, CustomerStateSubscription$inboundSchema);
    expectSameFieldsAsSdk(CustomerStateBenefitGrant, CustomerStateBenefitGrant$inboundSchema, ["benefit_metadata"]);
    expectSameFieldsAsSdk(CustomerState, CustomerState$inboundSchema);
    expectSameFieldsAsSdk(UserEvent, UserEvent$inboundSchema);
    expectSameFieldsAsSdk(MeterCreditEvent, MeterCreditEvent$inboundSchema);
    expectSameFieldsAsSdk(MeterResetEvent, MeterResetEvent$inboundSchema);
    expectSameFieldsAsSdk(EventName, EventName$inboundSchema);
    expectSameFieldsAsSdk(EventsIngestResponse, EventsIngestResponse$inboundSchema, ["duplicates"]);
    expectSameFieldsAsSdk(Meter, Meter$inboundSchema);
    expectSameFieldsAsSdk(MeterQuantities, MeterQuantities$inboundSchema);
    expectSameFieldsAsSdk(CustomerMeter, CustomerMeter$inboundSchema);
    for (const grantEvent of [BenefitGrantedEvent, BenefitCycledEvent, BenefitUpdatedEvent, BenefitRevokedEvent]) {
      expect(ourKeys(grantEvent).sort()).toEqual(ourKeys(MeterResetEvent).sort());
    }
  });

  it("rejects a missing nullable field, as the SDK does", () => {
    const { modified_at: _, ...withoutModifiedAt } = sampleMeter();
    expect(Meter.safeParse(withoutModifiedAt).success).toBe(false);
    expect(Meter$inboundSchema.safeParse(withoutModifiedAt).success).toBe(false);
  });

  it("rejects a metadata value on a system event that the SDK would reject", () => {
    const bad = {
      ...eventBase,
      id: "a3",
      source: "system",
      name: "meter.credited",
      metadata: { meter_id: METER_ID, units: 1.5, rollover: false },
    };
    expect(Event.safeParse(bad).success).toBe(false);
  });

  it("describes the OAuth error bodies", () => {
    const description = "The access token provided is expired, revoked, malformed, or invalid for other reasons.";
    expect(InvalidTokenError.parse({ error: "invalid_token", error_description: description })).toBeTruthy();
    expect(InsufficientScopeError.safeParse({ error: "invalid_token", error_description: description }).success).toBe(
      false,
    );
  });
});
