import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  booleanLiteral,
  databaseIdentifier,
  float64Literal,
  inList,
  inTuples,
  integerLiteral,
  literal,
  millisecondsLiteral,
  quoteString,
  wellFormed,
} from "./sql-literal.js";

/**
 * Reads a quoted literal back the way ClickHouse's parser does for the escapes quoteString emits
 * (`\\`, `\'`, `\xHH`); any other backslash sequence or a bare quote means the literal is broken.
 */
function unquote(sql: string): string {
  expect(sql.startsWith("'") && sql.endsWith("'")).toBe(true);
  const body = sql.slice(1, -1);
  let text = "";
  for (let i = 0; i < body.length; i++) {
    const character = body[i] as string;
    if (character === "'") throw new Error(`bare quote at ${i}`);
    if (character !== "\\") {
      text += character;
      continue;
    }
    const next = body[i + 1];
    if (next === "\\" || next === "'") {
      text += next;
      i += 1;
    } else if (next === "x" && /^[0-9A-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      text += String.fromCharCode(Number.parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      throw new Error(`unexpected escape \\${next} at ${i}`);
    }
  }
  return text;
}

describe("quoteString", () => {
  it.each<[string, string, string]>([
    ["plain text", "gold", "'gold'"],
    ["empty", "", "''"],
    ["a quote", "it's", "'it\\'s'"],
    ["a backslash", "a\\b", "'a\\\\b'"],
    ["backslash then quote", "\\'", "'\\\\\\''"],
    ["\\N stays two characters (only TSV reads it as NULL)", "\\N", "'\\\\N'"],
    ["NUL", "x\u0000y", "'x\\x00y'"],
    ["newline, carriage return and tab", "a\nb\rc\td", "'a\\x0Ab\\x0Dc\\x09d'"],
    ["the other C0 controls and DEL", "\u0001\u001f\u007f", "'\\x01\\x1F\\x7F'"],
    ["double quotes and SQL comments stay as they are", '"; -- /*', "'\"; -- /*'"],
    ["hostile SQL", "'; DROP TABLE events_v1; --", "'\\'; DROP TABLE events_v1; --'"],
    [
      "unicode, astral characters included",
      "é e\u0301 😀 \uFFFF \u{10FFFF} 世界",
      "'é e\u0301 😀 \uFFFF \u{10FFFF} 世界'",
    ],
    ["U+0080..U+009F are not escaped (not single bytes in UTF-8)", "\u0085\u009f", "'\u0085\u009f'"],
    ["a lone high surrogate becomes U+FFFD", "a\uD800b", "'a\uFFFDb'"],
    ["a lone low surrogate becomes U+FFFD", "\uDC00x", "'\uFFFDx'"],
    ["reversed surrogates become two U+FFFD", "\uDC00\uD800", "'\uFFFD\uFFFD'"],
  ])("%s", (_name, value, sql) => {
    expect(quoteString(value)).toBe(sql);
    expect(unquote(sql)).toBe(wellFormed(value));
  });

  it("keeps very long strings whole", () => {
    const long = `${"a'\\\u0000😀".repeat(50_000)}end`;
    const sql = quoteString(long);
    expect(unquote(sql)).toBe(long);
    expect(sql.endsWith("end'")).toBe(true);
  });

  it("reads back as the well-formed value for any string, and never leaves a bare quote or control", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("'", "\\", "x", "N", "\u0000", "\n", "😀", "\uD800", "\uDC00") }),
        (value) => {
          const sql = quoteString(value);
          expect(unquote(sql)).toBe(wellFormed(value));
          // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that no control character is left
          expect(sql).not.toMatch(/[\u0000-\u001f\u007f]/);
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        expect(unquote(quoteString(value))).toBe(wellFormed(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("wellFormed", () => {
  it("keeps valid pairs and replaces only lone surrogates", () => {
    expect(wellFormed("😀")).toBe("😀");
    expect(wellFormed("\uD83D\uDE00\uD83D")).toBe("😀\uFFFD");
    expect(Buffer.from(wellFormed("\uD800")).toString()).toBe(Buffer.from("\uD800").toString());
  });
});

describe("float64Literal", () => {
  it.each<[number, string]>([
    [0, "0.0"],
    [-0, "0.0"],
    [1, "1.0"],
    [-5, "-5.0"],
    [12.5, "12.5"],
    [0.1, "0.1"],
    [1e-7, "1e-7"],
    [1.5e-7, "1.5e-7"],
    [1e21, "1e+21"],
    [-1e21, "-1e+21"],
    [2 ** 53 + 2, "9007199254740994.0"],
    [1748736000, "1748736000.0"],
    [Number.MAX_VALUE, "1.7976931348623157e+308"],
    // The smallest normal double is still parsed; below it the parser (strtod) gives up, so bytes are used.
    [2.2250738585072014e-308, "2.2250738585072014e-308"],
    [5e-324, "reinterpretAsFloat64(unhex('0100000000000000'))"],
    [-5e-324, "reinterpretAsFloat64(unhex('0100000000000080'))"],
    [2.225073858507201e-308, "reinterpretAsFloat64(unhex('FFFFFFFFFFFF0F00'))"],
  ])("writes %s as %s", (value, sql) => {
    expect(float64Literal(value)).toBe(sql);
    expect(literal(value)).toBe(sql);
  });

  it("always writes a Float64 (a point, an exponent or bytes) that reads back exactly", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const sql = float64Literal(value);
        const bytes = /^reinterpretAsFloat64\(unhex\('([0-9A-F]{16})'\)\)$/.exec(sql);
        if (bytes !== null) {
          expect(Buffer.from(bytes[1] as string, "hex").readDoubleLE()).toBe(value);
        } else {
          expect(sql).toMatch(/^-?\d+(\.\d+)?(e[+-]\d+)?$/);
          expect(sql).toMatch(/[.e]/);
          expect(Number(sql)).toBe(value + 0);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("refuses %s", (value) => {
    expect(() => float64Literal(value)).toThrow(RangeError);
  });
});

describe("integer, boolean and date literals", () => {
  it("writes safe integers and refuses the rest", () => {
    expect(integerLiteral(0)).toBe("0");
    expect(integerLiteral(-0)).toBe("0");
    expect(integerLiteral(-42)).toBe("-42");
    expect(integerLiteral(Number.MAX_SAFE_INTEGER)).toBe("9007199254740991");
    expect(() => integerLiteral(1.5)).toThrow(RangeError);
    expect(() => integerLiteral(2 ** 53)).toThrow(RangeError);
    expect(() => integerLiteral(Number.NaN)).toThrow(RangeError);
  });

  it("writes booleans as UInt8", () => {
    expect(booleanLiteral(true)).toBe("1");
    expect(booleanLiteral(false)).toBe("0");
    expect(literal(true)).toBe("1");
  });

  it.each<[string, string]>([
    ["2025-06-01T12:34:56.789Z", "toInt64(1748781296789)"],
    ["1970-01-01T00:00:00.000Z", "toInt64(0)"],
    ["1969-12-31T23:59:59.999Z", "toInt64(-1)"],
    ["1900-01-01T00:00:00.000Z", "toInt64(-2208988800000)"],
    ["2106-02-07T06:28:16.000Z", "toInt64(4294967296000)"],
  ])("writes %s as Int64 epoch milliseconds", (iso, sql) => {
    expect(millisecondsLiteral(new Date(iso))).toBe(sql);
    expect(literal(new Date(iso))).toBe(sql);
  });

  it("refuses an Invalid Date", () => {
    expect(() => millisecondsLiteral(new Date("nope"))).toThrow(RangeError);
  });
});

describe("lists and identifiers", () => {
  it("builds IN lists and tuple lists from literals; empty ones are false", () => {
    expect(inList("name", ["a", "b'c"])).toBe("name IN ('a', 'b\\'c')");
    expect(inList("name", [])).toBe("0");
    expect(inTuples(["organization_id", "external_id"], [["o", "x"]])).toBe(
      "(organization_id, external_id) IN (('o', 'x'))",
    );
    expect(inTuples(["a", "b"], [])).toBe("0");
    expect(() => inTuples(["a", "b"], [["only one"]])).toThrow(RangeError);
  });

  it("accepts only plain database names", () => {
    expect(databaseIdentifier("meterline")).toBe("meterline");
    expect(databaseIdentifier("meterline_test_0a1b")).toBe("meterline_test_0a1b");
    for (const name of ["", "1abc", "a-b", "a b", "a;DROP", "`x`", "x".repeat(64)]) {
      expect(() => databaseIdentifier(name)).toThrow();
    }
  });
});
