import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CustomerCreateInput } from "./customer-create-input.js";
import { eventCreateCustomerInput } from "./event-create.js";
import { Meter } from "./meter.js";
import { MeterCreateInput } from "./meter-create-input.js";

type Json = { properties: Record<string, Record<string, unknown>>; required?: string[] };

function inputJsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as unknown as Json;
}

describe("JSON Schema for the OpenAPI document", () => {
  it("describes hand-checked input fields", () => {
    const meterCreate = inputJsonSchema(MeterCreateInput);
    expect(meterCreate.required).toEqual(["name", "filter", "aggregation"]);
    expect(meterCreate.properties.name).toEqual({ type: "string", minLength: 3 });
    expect(meterCreate.properties.metadata).toMatchObject({ type: "object", maxProperties: 50 });
    expect(meterCreate.properties.organization_id).toEqual({
      anyOf: [{ type: "string", format: "uuid4" }, { type: "null" }],
    });
    expect(inputJsonSchema(CustomerCreateInput).properties.email).toEqual({ type: "string", format: "email" });
    const event = inputJsonSchema(eventCreateCustomerInput(new Date()));
    expect(event.properties.timestamp).toEqual({ type: "string", format: "date-time" });
    expect(event.properties.name).toEqual({ type: "string", maxLength: 128 });
  });

  it("renders the recursive output filter", () => {
    const meter = z.toJSONSchema(Meter) as unknown as Json;
    expect(meter.required).toContain("modified_at");
    expect(JSON.stringify(meter.properties.filter)).toContain("$ref");
  });
});
