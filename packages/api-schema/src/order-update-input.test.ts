import { describe, expect, it } from "vitest";
import { OrderUpdateInput } from "./order-update-input.js";
import { parseInput } from "./parse-input.js";
import { SandboxClockInput } from "./sandbox-clock-input.js";

describe("OrderUpdateInput", () => {
  it("takes the invoice's name and address, normalizing the address", () => {
    expect(
      parseInput(
        OrderUpdateInput,
        { billing_name: "Acme Inc.", billing_address: { line1: "1 Main St", country: "US", state: "ca" } },
        ["body"],
      ),
    ).toEqual({
      ok: true,
      value: {
        billingName: "Acme Inc.",
        billingAddress: {
          line1: "1 Main St",
          line2: null,
          postalCode: null,
          city: null,
          state: "US-CA",
          country: "US",
        },
      },
    });
    expect(parseInput(OrderUpdateInput, { billing_name: null, billing_address: null }, ["body"])).toEqual({
      ok: true,
      value: { billingName: null, billingAddress: null },
    });
  });

  it("requires both keys, as Polar declares them without a default", () => {
    expect(parseInput(OrderUpdateInput, {}, ["body"])).toEqual({
      ok: false,
      detail: [
        { type: "missing", loc: ["body", "billing_name"], msg: "Field required", input: {} },
        { type: "missing", loc: ["body", "billing_address"], msg: "Field required", input: {} },
      ],
    });
    expect(
      parseInput(OrderUpdateInput, { billing_name: 1, billing_address: { country: "ZZ" } }, ["body"]),
    ).toMatchObject({
      ok: false,
      detail: [
        { type: "string_type", loc: ["body", "billing_name"] },
        { type: "literal_error", loc: ["body", "billing_address", "country"] },
      ],
    });
  });
});

describe("SandboxClockInput", () => {
  it("advances by seconds or moves to an instant", () => {
    expect(parseInput(SandboxClockInput, { advance_seconds: 86_400 }, ["body"])).toEqual({
      ok: true,
      value: { advanceSeconds: 86_400 },
    });
    expect(parseInput(SandboxClockInput, { to: "2025-07-01T00:00:00+02:00" }, ["body"])).toEqual({
      ok: true,
      value: { to: new Date("2025-06-30T22:00:00Z") },
    });
  });

  it.each([
    [{ advance_seconds: 0 }, "greater_than", ["SandboxClockAdvance", "advance_seconds"]],
    [{ advance_seconds: 1.5 }, "int_from_float", ["SandboxClockAdvance", "advance_seconds"]],
    [{ advance_seconds: 4e9 }, "less_than_equal", ["SandboxClockAdvance", "advance_seconds"]],
    [{ to: "2025-07-01T00:00:00" }, "timezone_aware", ["SandboxClockSet", "to"]],
    [{ to: "soon" }, "datetime_from_date_parsing", ["SandboxClockSet", "to"]],
  ])("refuses %j", (body, type, loc) => {
    const result = parseInput(SandboxClockInput, body, ["body"]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail).toContainEqual(expect.objectContaining({ type, loc: ["body", ...loc] }));
  });

  it("names both forms when neither is sent, and refuses both at once", () => {
    expect(parseInput(SandboxClockInput, {}, ["body"])).toMatchObject({
      ok: false,
      detail: [
        { type: "missing", loc: ["body", "SandboxClockAdvance", "advance_seconds"] },
        { type: "missing", loc: ["body", "SandboxClockSet", "to"] },
      ],
    });
    expect(parseInput(SandboxClockInput, { advance_seconds: 60, to: "2025-07-01T00:00:00Z" }, ["body"])).toMatchObject({
      ok: false,
      detail: [
        { type: "value_error", loc: ["body"], msg: "Value error, Send either advance_seconds or to, not both." },
      ],
    });
  });
});
