import { describe, expect, it } from "vitest";
import { checkUuid4, describeUuidError } from "./uuid4.js";

const V4 = "8e5ac3b4-6ec4-4c3a-9ed7-3ea2a8c2f0e1";

describe("checkUuid4", () => {
  it("accepts every notation and returns the canonical form", () => {
    for (const text of [V4, V4.toUpperCase(), V4.replaceAll("-", ""), `{${V4}}`, `urn:uuid:${V4}`]) {
      expect(checkUuid4(text)).toEqual({ ok: true, value: V4 });
    }
  });

  it("rejects another version with uuid_version (checklist item 36)", () => {
    expect(checkUuid4("a8098c1a-f86e-11da-bd1a-00112444be1e")).toEqual({
      ok: false,
      error: {
        type: "uuid_version",
        msg: "UUID version 4 expected",
        input: "a8098c1a-f86e-11da-bd1a-00112444be1e",
        ctx: { expected_version: 4 },
      },
    });
    expect(checkUuid4("00000000-0000-0000-0000-000000000000")).toMatchObject({
      ok: false,
      error: { type: "uuid_version" },
    });
  });

  it("rejects malformed text with uuid_parsing (checklist item 35)", () => {
    expect(checkUuid4("not-a-uuid")).toEqual({
      ok: false,
      error: {
        type: "uuid_parsing",
        msg: "Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1",
        input: "not-a-uuid",
        ctx: {
          error:
            "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1",
        },
      },
    });
  });

  it("treats comma-joined ids as one invalid UUID (checklist item 32)", () => {
    expect(checkUuid4(`${V4},${V4}`)).toMatchObject({ ok: false, error: { type: "uuid_parsing" } });
  });

  it("rejects non-strings with uuid_type", () => {
    expect(checkUuid4(42)).toMatchObject({
      ok: false,
      error: { type: "uuid_type", msg: "UUID input should be a string, bytes or UUID object" },
    });
  });
});

describe("describeUuidError", () => {
  it("explains the failure like the uuid crate", () => {
    expect(describeUuidError("abc")).toBe("invalid length: expected length 32 for simple format, found 3");
    expect(describeUuidError("")).toBe("invalid length: expected length 32 for simple format, found 0");
    expect(describeUuidError("abcd-ef")).toBe("invalid group count: expected 5, found 2");
    expect(describeUuidError("8e5ac3b4-6ec4-4c3a-9ed7-3ea2a8c2f0e1a")).toBe(
      "invalid group length in group 4: expected 12, found 13",
    );
    expect(describeUuidError("8e5ac3b-46ec4-4c3a-9ed7-3ea2a8c2f0e1")).toBe(
      "invalid group length in group 0: expected 8, found 7",
    );
    expect(describeUuidError("{8e5ac3b4}")).toBe("invalid group count: expected 5, found 1");
    expect(describeUuidError("8e5ac3b4-6ec4-4c3a-9ed7-3ea2a8c2f0eé")).toMatch(/found `é` at 36$/);
  });
});
