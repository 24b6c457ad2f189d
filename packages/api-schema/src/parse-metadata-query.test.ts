import { describe, expect, it } from "vitest";
import { parseMetadataQuery } from "./parse-metadata-query.js";

describe("parseMetadataQuery (checklist item 33)", () => {
  it("groups repeated values by key", () => {
    expect(parseMetadataQuery({ "metadata[plan]": ["pro", "team"], "metadata[tier]": "1", page: "1" })).toEqual({
      plan: ["pro", "team"],
      tier: ["1"],
    });
  });

  it("ignores keys that are not metadata[<key>]", () => {
    expect(
      parseMetadataQuery({ metadata: "x", "metadata[]": "x", "metadata[a][b]": "x", "xmetadata[a]": "x" }),
    ).toEqual({});
  });

  it("keeps dots and spaces in keys and values as text", () => {
    expect(parseMetadataQuery({ "metadata[a.b c]": "1.0" })).toEqual({ "a.b c": ["1.0"] });
  });
});
