import { describe, expect, it } from "vitest";
import { checkPyString } from "./py-string.js";
import { validateIngestBody } from "./validate-ingest-body.js";

describe("checkPyString", () => {
  it("counts code points, as Python does", () => {
    expect(checkPyString("😀", { maxLength: 1 })).toEqual({ ok: true, value: "😀" });
  });

  it.each([
    ["a NUL character", "a\u0000b"],
    ["an unpaired high surrogate", "a\ud800b"],
    ["an unpaired low surrogate", "\udc00"],
  ])("rejects %s with string_unicode: PostgreSQL cannot store it", (_, input) => {
    const result = checkPyString(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.type).toBe("string_unicode");
  });

  it("rejects such strings anywhere in an ingest batch, naming the field", () => {
    const result = validateIngestBody(
      { events: [{ name: "ok", external_customer_id: "u1", metadata: { model: "x\u0000y" } }] },
      new Date("2025-06-01T00:00:00Z"),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.detail.map((item) => [item.type, item.loc])).toContainEqual([
        "string_unicode",
        ["body", "events", 0, "EventCreateExternalCustomer", "metadata", "model", "constrained-str"],
      ]);
    }
  });
});
