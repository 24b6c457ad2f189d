import { describe, expect, it } from "vitest";
import { validateIngestBody } from "./validate-ingest-body.js";

const NOW = new Date("2025-06-19T12:00:00Z");
const CUSTOMER_ID = "8e5ac3b4-6ec4-4c3a-9ed7-3ea2a8c2f0e1";

function detailOf(body: unknown) {
  const result = validateIngestBody(body, NOW);
  if (result.ok) throw new Error("expected a validation failure");
  return result.detail;
}

function eventsOf(body: unknown) {
  const result = validateIngestBody(body, NOW);
  if (!result.ok) throw new Error(JSON.stringify(result.detail));
  return result.events;
}

describe("validateIngestBody", () => {
  it("reproduces TV-18's detail list exactly", () => {
    const body = {
      events: [
        { name: "ok", external_customer_id: "u1" },
        { name: "x", external_customer_id: "u1", timestamp: "2999-01-01T00:00:00Z" },
      ],
    };
    expect(validateIngestBody(body, NOW)).toEqual({
      ok: false,
      detail: [
        {
          type: "value_error",
          loc: ["body", "events", 1, "EventCreateCustomer", "timestamp"],
          msg: "Value error, Timestamp must be in the past.",
          input: "2999-01-01T00:00:00Z",
          ctx: { error: {} },
        },
        {
          type: "missing",
          loc: ["body", "events", 1, "EventCreateCustomer", "customer_id"],
          msg: "Field required",
          input: body.events[1],
        },
        {
          type: "value_error",
          loc: ["body", "events", 1, "EventCreateExternalCustomer", "timestamp"],
          msg: "Value error, Timestamp must be in the past.",
          input: "2999-01-01T00:00:00Z",
          ctx: { error: {} },
        },
      ],
    });
  });

  it("returns typed events with defaults", () => {
    expect(eventsOf({ events: [{ name: "api_call", external_customer_id: "u42", color: "ignored" }] })).toEqual([
      {
        name: "api_call",
        metadata: {},
        organizationId: null,
        customerId: null,
        externalCustomerId: "u42",
        externalId: null,
      },
    ]);
  });

  it("prefers a valid customer_id and drops external_customer_id", () => {
    const [event] = eventsOf({
      events: [{ name: "a", customer_id: CUSTOMER_ID.toUpperCase(), external_customer_id: "u1" }],
    });
    expect(event).toMatchObject({ customerId: CUSTOMER_ID, externalCustomerId: null });
  });

  it("falls back to the external customer when customer_id is invalid", () => {
    const [event] = eventsOf({ events: [{ name: "a", customer_id: "nope", external_customer_id: "u1" }] });
    expect(event).toMatchObject({ customerId: null, externalCustomerId: "u1" });
  });

  it("reports both members when neither id is given", () => {
    expect(detailOf({ events: [{ name: "a" }] }).map((item) => [item.type, item.loc.slice(3).join(".")])).toEqual([
      ["missing", "EventCreateCustomer.customer_id"],
      ["missing", "EventCreateExternalCustomer.external_customer_id"],
    ]);
  });

  it("reports an invalid customer_id under the customer member only", () => {
    expect(
      detailOf({ events: [{ name: "a", customer_id: "a8098c1a-f86e-11da-bd1a-00112444be1e" }] }).map(
        (item) => item.type,
      ),
    ).toEqual(["uuid_version", "missing"]);
  });

  it("accepts timestamps up to five minutes ahead, as Unix time too", () => {
    const at = (timestamp: unknown) =>
      validateIngestBody({ events: [{ name: "a", external_customer_id: "u", timestamp }] }, NOW);
    expect(at("2025-06-19T12:05:00Z")).toMatchObject({
      ok: true,
      events: [{ timestamp: new Date("2025-06-19T12:05:00Z") }],
    });
    expect(at("2025-06-19T12:05:00.001Z")).toMatchObject({
      ok: false,
      detail: [{ type: "value_error" }, { type: "missing" }, { type: "value_error" }],
    });
    expect(at(1750334400)).toMatchObject({ ok: true, events: [{ timestamp: new Date("2025-06-19T12:00:00Z") }] });
    expect(at(1750334400000)).toMatchObject({ ok: true, events: [{ timestamp: new Date("2025-06-19T12:00:00Z") }] });
    expect(at("1990-01-01T00:00:00+02:00")).toMatchObject({
      ok: true,
      events: [{ timestamp: new Date("1989-12-31T22:00:00Z") }],
    });
  });

  it("rejects naive timestamps with timezone_aware", () => {
    const detail = detailOf({ events: [{ name: "a", external_customer_id: "u", timestamp: "2025-06-01T00:00:00" }] });
    expect(detail.map((item) => item.type)).toEqual(["timezone_aware", "missing", "timezone_aware"]);
  });

  it("limits names to 128 characters", () => {
    expect(eventsOf({ events: [{ name: "n".repeat(128), external_customer_id: "u" }] })).toHaveLength(1);
    expect(detailOf({ events: [{ name: "n".repeat(129), external_customer_id: "u" }] })[0]).toMatchObject({
      type: "string_too_long",
      loc: ["body", "events", 0, "EventCreateCustomer", "name"],
      ctx: { max_length: 128 },
    });
  });

  it("accepts an empty name and an empty external customer id, as Polar does", () => {
    expect(eventsOf({ events: [{ name: "", external_customer_id: "" }] })).toHaveLength(1);
  });

  it("validates external_id, organization_id and metadata", () => {
    const [event] = eventsOf({
      events: [
        {
          name: "a",
          external_customer_id: "u",
          external_id: "evt-1",
          organization_id: "1DBFC517-0BBF-4301-9BA8-555CA42B9737",
          metadata: { tokens: 12, model: "gpt", cached: false, ratio: 0.5 },
        },
      ],
    });
    expect(event).toMatchObject({
      externalId: "evt-1",
      organizationId: "1dbfc517-0bbf-4301-9ba8-555ca42b9737",
      metadata: { tokens: 12, model: "gpt", cached: false, ratio: 0.5 },
    });
    const detail = detailOf({
      events: [{ name: "a", external_customer_id: "u", external_id: "", organization_id: "x" }],
    });
    expect(
      detail.filter((item) => item.loc[3] === "EventCreateExternalCustomer").map((item) => [item.type, item.loc[4]]),
    ).toEqual([
      ["uuid_parsing", "organization_id"],
      ["string_too_short", "external_id"],
    ]);
    expect(
      detailOf({ events: [{ name: "a", external_customer_id: "u", external_id: "e".repeat(257) }] })[0],
    ).toMatchObject({
      type: "string_too_long",
    });
  });

  it("reports a 51-key metadata in both members (TV-18 table)", () => {
    const metadata = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, index]));
    const detail = detailOf({ events: [{ name: "a", external_customer_id: "u", metadata }] });
    expect(detail.filter((item) => item.type === "too_long").map((item) => item.loc)).toEqual([
      ["body", "events", 0, "EventCreateCustomer", "metadata"],
      ["body", "events", 0, "EventCreateExternalCustomer", "metadata"],
    ]);
  });

  it("checks every event of the batch", () => {
    const detail = detailOf({
      events: [{ name: 1, external_customer_id: "u" }, { name: "ok", external_customer_id: "u" }, "x"],
    });
    expect(detail.map((item) => [item.loc[2], item.type])).toEqual([
      [0, "string_type"],
      [0, "missing"],
      [0, "string_type"],
      [2, "model_attributes_type"],
      [2, "model_attributes_type"],
    ]);
  });

  it("validates the envelope", () => {
    expect(detailOf(null)).toEqual([{ type: "missing", loc: ["body"], msg: "Field required", input: null }]);
    expect(detailOf([])).toMatchObject([{ type: "model_attributes_type", loc: ["body"] }]);
    expect(detailOf({})).toEqual([{ type: "missing", loc: ["body", "events"], msg: "Field required", input: {} }]);
    expect(detailOf({ events: {} })).toMatchObject([{ type: "list_type", loc: ["body", "events"] }]);
    expect(eventsOf({ events: [] })).toEqual([]);
  });
});
