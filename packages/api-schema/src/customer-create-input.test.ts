import { describe, expect, it } from "vitest";
import { AddressInput } from "./address-input.js";
import { CustomerCreateInput } from "./customer-create-input.js";
import { CustomerUpdateInput } from "./customer-update-input.js";
import { parseInput } from "./parse-input.js";
import { TaxIdInput } from "./tax-id-input.js";

describe("CustomerCreateInput", () => {
  it("requires only an email and fills the rest with defaults", () => {
    expect(parseInput(CustomerCreateInput, { email: "Ada@Example.COM" }, ["body"])).toEqual({
      ok: true,
      value: {
        metadata: {},
        externalId: null,
        email: "Ada@example.com",
        name: null,
        billingAddress: null,
        taxId: null,
        organizationId: null,
      },
    });
    expect(parseInput(CustomerCreateInput, {}, ["body"])).toEqual({
      ok: false,
      detail: [{ type: "missing", loc: ["body", "email"], msg: "Field required", input: {} }],
    });
  });

  it("validates the email's syntax", () => {
    for (const email of ["ada", "ada@", "@example.com", "a@b@c.com", "ada@localhost", "a b@example.com"]) {
      const result = parseInput(CustomerCreateInput, { email }, ["body"]);
      expect(result).toMatchObject({ ok: false, detail: [{ type: "value_error", loc: ["body", "email"] }] });
    }
    expect(parseInput(CustomerCreateInput, { email: "ada" }, ["body"])).toMatchObject({
      ok: false,
      detail: [{ msg: "value is not a valid email address: An email address must have an @-sign." }],
    });
  });

  it("parses every optional field", () => {
    const body = {
      email: "ada@example.com",
      external_id: "u1",
      name: "Ada",
      metadata: { plan: "pro" },
      billing_address: { line1: "1 Main St", line2: "", postal_code: "94107", city: "SF", state: "ca", country: "US" },
      tax_id: ["DE123456789", "eu_vat"],
      organization_id: "1dbfc517-0bbf-4301-9ba8-555ca42b9737",
    };
    expect(parseInput(CustomerCreateInput, body, ["body"])).toEqual({
      ok: true,
      value: {
        metadata: { plan: "pro" },
        externalId: "u1",
        email: "ada@example.com",
        name: "Ada",
        billingAddress: {
          line1: "1 Main St",
          line2: null,
          postalCode: "94107",
          city: "SF",
          state: "US-CA",
          country: "US",
        },
        taxId: ["DE123456789", "eu_vat"],
        organizationId: "1dbfc517-0bbf-4301-9ba8-555ca42b9737",
      },
    });
  });
});

describe("CustomerUpdateInput", () => {
  it("keeps only the keys sent, with their presence", () => {
    expect(parseInput(CustomerUpdateInput, { name: null, external_id: "u2" }, ["body"])).toEqual({
      ok: true,
      value: { name: null, externalId: "u2", presentKeys: ["name", "externalId"] },
    });
    expect(parseInput(CustomerUpdateInput, { billing_address: null }, ["body"])).toEqual({
      ok: true,
      value: { billingAddress: null, presentKeys: ["billingAddress"] },
    });
  });
});

describe("AddressInput", () => {
  it("requires a known country", () => {
    expect(parseInput(AddressInput, { line1: "x" }, ["body", "billing_address"])).toEqual({
      ok: false,
      detail: [
        { type: "missing", loc: ["body", "billing_address", "country"], msg: "Field required", input: { line1: "x" } },
      ],
    });
    expect(parseInput(AddressInput, { country: "XX" }, [])).toMatchObject({
      ok: false,
      detail: [{ type: "literal_error", loc: ["country"] }],
    });
  });

  it("normalizes US and CA states and rejects unknown ones", () => {
    expect(parseInput(AddressInput, { country: "CA", state: "CA-QC" }, [])).toMatchObject({
      ok: true,
      value: { state: "CA-QC" },
    });
    expect(parseInput(AddressInput, { country: "US", state: "ZZ" }, [])).toMatchObject({
      ok: false,
      detail: [{ type: "value_error", loc: ["state"], msg: "Value error, Invalid state." }],
    });
    expect(parseInput(AddressInput, { country: "FR", state: "Île-de-France" }, [])).toMatchObject({
      ok: true,
      value: { state: "Île-de-France" },
    });
  });
});

describe("TaxIdInput", () => {
  it("is a [id, format] pair with a known format", () => {
    expect(parseInput(TaxIdInput, ["123", "us_ein"], [])).toEqual({ ok: true, value: ["123", "us_ein"] });
    expect(parseInput(TaxIdInput, ["123", "xx_vat"], ["tax_id"])).toMatchObject({
      ok: false,
      detail: [{ type: "enum", loc: ["tax_id", 1], input: "xx_vat" }],
    });
    expect(parseInput(TaxIdInput, ["123"], [])).toMatchObject({ ok: false, detail: [{ type: "missing", loc: [1] }] });
    expect(parseInput(TaxIdInput, ["1", "us_ein", "x"], [])).toMatchObject({
      ok: false,
      detail: [{ type: "too_long" }],
    });
    expect(parseInput(TaxIdInput, "123", [])).toMatchObject({ ok: false, detail: [{ type: "tuple_type" }] });
  });
});
