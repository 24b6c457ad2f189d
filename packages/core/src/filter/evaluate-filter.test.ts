import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { finalizeAggregate } from "../meter/aggregate-state.js";
import { compareCodePoints } from "./compare-code-points.js";
import {
  aggregateEvents,
  aggregationValue,
  type EvaluableEvent,
  evaluateClause,
  evaluateFilter,
  isEligible,
  matchesMeter,
} from "./evaluate-filter.js";
import type { Aggregation, AggregationFunction, Filter, FilterClause, FilterOperator, FilterValue } from "./filter.js";
import { canonicalMetadataJson, formatNumberPlain, textForm } from "./text-form.js";

const DEVIATION = "Meterline deviation (ARCHITECTURE §7)";
const JUNE_1 = "2025-06-01T00:00:00Z";

function event(metadata: Record<string, unknown> = {}, overrides: Partial<EvaluableEvent> = {}): EvaluableEvent {
  return { name: "ai_usage", source: "user", timestamp: new Date(JUNE_1), metadata, ...overrides };
}

function clause(property: string, operator: FilterOperator, value: FilterValue): FilterClause {
  return { property, operator, value };
}

const and = (...clauses: Filter["clauses"]): Filter => ({ conjunction: "and", clauses });
const or = (...clauses: Filter["clauses"]): Filter => ({ conjunction: "or", clauses });

/** 1-based positions of the events a filter selects, as the spec's test vectors list them. */
function matches(events: EvaluableEvent[], filter: Filter | FilterClause): number[] {
  const selected =
    "conjunction" in filter
      ? (e: EvaluableEvent) => evaluateFilter(filter, e)
      : (e: EvaluableEvent) => evaluateClause(filter, e);
  return events.flatMap((e, index) => (selected(e) ? [index + 1] : []));
}

function meterResult(filter: Filter, aggregation: Aggregation, events: EvaluableEvent[]): number {
  const selected = events.filter((e) => evaluateFilter(filter, e));
  return finalizeAggregate(aggregation.func, aggregateEvents(aggregation, selected));
}

describe("textForm / formatNumberPlain", () => {
  it.each([
    [1e21, "1000000000000000000000"],
    [1e-7, "0.0000001"],
    [1.5e-7, "0.00000015"],
    [-1.5e-7, "-0.00000015"],
    [-0, "0"],
    [0, "0"],
    [12.5, "12.5"],
    [10, "10"],
    [-3000000000, "-3000000000"],
    [1.2345e25, "12345000000000000000000000"],
    [0.1, "0.1"],
    [2 ** 53 + 2, "9007199254740994"],
  ])("writes %s as %s", (value, text) => {
    expect(formatNumberPlain(value)).toBe(text);
    expect(textForm(value)).toBe(text);
  });

  it("writes strings as-is and booleans as true/false", () => {
    expect(textForm("Gold 10")).toBe("Gold 10");
    expect(textForm(true)).toBe("true");
    expect(textForm(false)).toBe("false");
  });

  it("refuses numbers JSON cannot hold", () => {
    expect(() => formatNumberPlain(Number.NaN)).toThrow(RangeError);
    expect(() => formatNumberPlain(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("round-trips every double with the shortest digits and no exponent", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = formatNumberPlain(value);
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Number(text)).toBe(value === 0 ? 0 : value);
        const significant = (s: string) =>
          s.replace(/^-/, "").replace(/e.*$/, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
        expect(significant(text)).toBe(significant(String(value)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("canonicalMetadataJson", () => {
  it("writes numbers positionally at every depth and keeps the rest as JSON", () => {
    const metadata = { a: 1e21, b: 1.5e-7, c: 'x"y\\😀', d: true, e: null, f: [1e-7, -0], g: { h: -0 }, i: undefined };
    expect(canonicalMetadataJson(metadata)).toBe(
      '{"a":1000000000000000000000,"b":0.00000015,"c":"x\\"y\\\\😀","d":true,"e":null,"f":[0.0000001,0],"g":{"h":0}}',
    );
  });

  it("parses back to the same values", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ noUnicodeString: false })), (metadata) => {
        expect(JSON.parse(canonicalMetadataJson(metadata))).toEqual(JSON.parse(JSON.stringify(metadata)));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps an own __proto__ key as data", () => {
    const metadata = JSON.parse('{"__proto__":1}') as Record<string, unknown>;
    expect(canonicalMetadataJson(metadata)).toBe('{"__proto__":1}');
  });

  it("refuses values that are not JSON", () => {
    expect(() => canonicalMetadataJson({ n: Number.NaN })).toThrow(RangeError);
    expect(() => canonicalMetadataJson({ n: 1n })).toThrow(TypeError);
  });
});

describe("compareCodePoints", () => {
  it.each([
    ["a", "b", -1],
    ["b", "a", 1],
    ["abc", "abc", 0],
    ["ab", "abc", -1],
    ["", "a", -1],
    ["B", "a", -1],
    ["10", "5", -1],
    ["gold", "7", 1],
    // UTF-16 order says the opposite for these: surrogates (D800–DFFF) sort below U+E000–U+FFFF.
    ["\uFFFF", "😀", -1],
    ["\uE000", "\u{10000}", -1],
    ["x\uFFFFy", "x😀", -1],
    ["😀", "😁", -1],
    ["\u{10FFFF}", "\uFFFF", 1],
  ])("orders %j against %j as %i", (a, b, sign) => {
    expect(Math.sign(compareCodePoints(a, b))).toBe(sign);
  });

  it("agrees with UTF-8 byte order on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("property resolution", () => {
  const e = event({ name: "meta-name", source: "meta-source", timestamp: 5, "a.b": 1, a: { b: 1 }, customer_id: "x" });

  it.each([
    ["metadata.name reads the name column", clause("metadata.name", "eq", "ai_usage"), true],
    ["metadata.source reads the source column", clause("metadata.source", "eq", "user"), true],
    ["metadata.timestamp reads the timestamp column", clause("metadata.timestamp", "eq", 1748736000), true],
    [
      "the prefix is stripped once: metadata.metadata.x is the key metadata.x",
      clause("metadata.metadata.x", "eq", 1),
      false,
    ],
    ["a.b is the single key a.b, not a path", clause("a.b", "eq", 1), true],
    ["customer_id is just a metadata key", clause("customer_id", "eq", "x"), true],
    ["metadata. alone is the empty key", clause("metadata.", "eq", 1), false],
  ])("%s", (_name, c, expected) => {
    expect(evaluateClause(c, e)).toBe(expected);
  });

  it("reads only own keys: inherited names like toString are missing", () => {
    expect(evaluateClause(clause("toString", "not_like", "zzz"), event({}))).toBe(false);
    expect(evaluateClause(clause("constructor", "ne", "x"), event({}))).toBe(false);
    expect(evaluateClause(clause("metadata.x", "eq", 1), event({ "metadata.x": 1 }))).toBe(false);
    expect(evaluateClause(clause("metadata.metadata.x", "eq", 1), event({ "metadata.x": 1 }))).toBe(true);
    expect(evaluateClause(clause("__proto__", "eq", 1), event(JSON.parse('{"__proto__":1}')))).toBe(true);
    expect(evaluateClause(clause("", "eq", "e"), event({ "": "e" }))).toBe(true);
  });
});

describe("name and source clauses", () => {
  const named = (name: string) => event({}, { name });

  it.each([
    ["eq", "ai_usage", true],
    ["ne", "ai_usage", false],
    ["gt", "ai", true],
    ["gte", "ai_usage", true],
    ["lt", "ai_usagf", true],
    ["lte", "ai_usage", true],
    ["like", "usage", true],
    ["like", "USAGE", false],
    ["like", "", true],
    ["not_like", "usage", false],
    ["not_like", "tokens", true],
  ] as const)("name %s %j → %s", (operator, value, expected) => {
    expect(evaluateClause(clause("name", operator, value), named("ai_usage"))).toBe(expected);
  });

  it.each(["eq", "ne", "like", "not_like", "gt"] as const)("a non-string value is false for %s", (operator) => {
    expect(evaluateClause(clause("name", operator, 1), named("1"))).toBe(false);
    expect(evaluateClause(clause("source", operator, true), event({}, { source: "user" }))).toBe(false);
  });

  it("orders by code point, not UTF-16", () => {
    expect(evaluateClause(clause("name", "lt", "😀"), named("\uFFFF"))).toBe(true);
    expect(evaluateClause(clause("name", "gt", "\uFFFF"), named("😀"))).toBe(true);
  });

  it(`% and _ are literal characters in like — ${DEVIATION}`, () => {
    expect(evaluateClause(clause("name", "like", "a_c"), named("aXc"))).toBe(false);
    expect(evaluateClause(clause("name", "like", "a_c"), named("a_c"))).toBe(true);
    expect(evaluateClause(clause("name", "like", "%"), named("ai_usage"))).toBe(false);
    expect(evaluateClause(clause("name", "like", "100%"), named("usage 100%"))).toBe(true);
    expect(evaluateClause(clause("name", "not_like", "%"), named("ai_usage"))).toBe(true);
  });

  it("source compares like name", () => {
    expect(evaluateClause(clause("source", "eq", "system"), event({}, { source: "system" }))).toBe(true);
    expect(evaluateClause(clause("source", "like", "ys"), event({}, { source: "system" }))).toBe(true);
    expect(evaluateClause(clause("source", "lt", "system"), event({}, { source: "user" }))).toBe(false);
  });
});

describe("timestamp clauses", () => {
  const at = (iso: string) => event({}, { timestamp: new Date(iso) });

  it.each([
    ["2025-06-01T00:00:00.600Z", 1748736001],
    ["2025-06-01T00:00:00.500Z", 1748736001],
    ["2025-06-01T00:00:00.499Z", 1748736000],
    ["1970-01-01T00:00:00.400Z", 0],
    ["1969-12-31T23:59:59.600Z", 0],
    ["1969-12-31T23:59:59.500Z", -1],
    ["1969-12-31T23:59:58.501Z", -1],
    ["1960-01-01T00:00:00.500Z", -315619200],
    ["1959-12-31T23:59:59.500Z", -315619201],
  ])("%s rounds half away from zero to %i", (iso, seconds) => {
    expect(evaluateClause(clause("timestamp", "eq", seconds), at(iso))).toBe(true);
    expect(evaluateClause(clause("timestamp", "ne", seconds), at(iso))).toBe(false);
  });

  it.each([
    ["gt", 1748736000, true],
    ["gte", 1748736001, true],
    ["lt", 1748736001, false],
    ["lte", 1748736001, true],
    ["gt", 1748736000.5, true],
    ["lt", 1748736001.5, true],
  ] as const)("numeric %s %s → %s", (operator, value, expected) => {
    expect(evaluateClause(clause("timestamp", operator, value), at("2025-06-01T00:00:00.600Z"))).toBe(expected);
  });

  it(`like matches the decimal string of the seconds (June: HTTP 500) — ${DEVIATION}`, () => {
    expect(evaluateClause(clause("timestamp", "like", 1748), at(JUNE_1))).toBe(true);
    expect(evaluateClause(clause("timestamp", "like", 6001), at("2025-06-01T00:00:00.600Z"))).toBe(true);
    expect(evaluateClause(clause("timestamp", "not_like", 1748), at(JUNE_1))).toBe(false);
    expect(evaluateClause(clause("timestamp", "like", -1), at("1969-12-31T23:59:59Z"))).toBe(true);
  });

  it("a string value is false", () => {
    expect(evaluateClause(clause("timestamp", "eq", "1748736000"), at(JUNE_1))).toBe(false);
    expect(evaluateClause(clause("timestamp", "like", "1748"), at(JUNE_1))).toBe(false);
  });

  it(`a boolean value is false (June compared it as 0/1) — ${DEVIATION}`, () => {
    expect(evaluateClause(clause("timestamp", "eq", true), at("1970-01-01T00:00:01Z"))).toBe(false);
    expect(evaluateClause(clause("timestamp", "gte", false), at(JUNE_1))).toBe(false);
  });
});

describe("metadata clauses", () => {
  type Row = [string, Record<string, unknown>, FilterClause, boolean];
  const rows: Row[] = [
    ["string eq string", { k: "gold" }, clause("k", "eq", "gold"), true],
    ["string eq is case-sensitive", { k: "Gold" }, clause("k", "eq", "gold"), false],
    ["string ne string", { k: "gold" }, clause("k", "ne", "silver"), true],
    ['string eq integer compares text: "10" eq 10', { k: "10" }, clause("k", "eq", 10), true],
    ['string gt integer is lexicographic: "gold" gt 7', { k: "gold" }, clause("k", "gt", 7), true],
    ['string lt string is lexicographic: "10" lt "5"', { k: "10" }, clause("k", "lt", "5"), true],
    ["string compared with a fraction uses its text", { k: "12.5" }, clause("k", "eq", 12.5), true],
    ["string compared with a tiny number uses positional text", { k: "0.0000001" }, clause("k", "eq", 1e-7), true],
    ["string ordering is by code point", { k: "\uFFFF" }, clause("k", "lt", "😀"), true],
    ["number eq string is false", { k: 10 }, clause("k", "eq", "10"), false],
    ["number ne string is false", { k: 10 }, clause("k", "ne", "gold"), false],
    ["number eq number", { k: 10 }, clause("k", "eq", 10), true],
    ["number ne number", { k: 5 }, clause("k", "ne", 10), true],
    ["number gte number", { k: -3 }, clause("k", "gte", -3), true],
    ["boolean eq string is false", { k: true }, clause("k", "eq", "true"), false],
    ["boolean eq number is false", { k: true }, clause("k", "eq", 1), false],
    ["boolean eq boolean", { k: false }, clause("k", "eq", false), true],
    ["boolean gt: true > false", { k: true }, clause("k", "gt", false), true],
    ["boolean lt: false < true", { k: false }, clause("k", "lt", true), true],
    ["boolean lte boolean", { k: true }, clause("k", "lte", false), false],
    ["like on a string is a case-sensitive substring", { k: "gpt-pro" }, clause("k", "like", "pro"), true],
    ["like on a string, other case", { k: "PRO" }, clause("k", "like", "pro"), false],
    ["like with an empty value matches any present value", { k: "" }, clause("k", "like", ""), true],
    ["like integer on a number reads its text", { k: 1234 }, clause("k", "like", 23), true],
    ["like string on a number reads its text", { k: 12.5 }, clause("k", "like", "2.5"), true],
    ["like integer on a string", { k: "v1234" }, clause("k", "like", 123), true],
    ["like string on a boolean reads its text", { k: true }, clause("k", "like", "ru"), true],
    ["like on a large number reads positional text", { k: 1e21 }, clause("k", "like", "00000000"), true],
    ["like on a tiny number reads positional text", { k: 1.5e-7 }, clause("k", "like", "0.000"), true],
    ["not_like on a string", { k: "PRO" }, clause("k", "not_like", "pro"), true],
    ["not_like on a number", { k: 1234 }, clause("k", "not_like", 23), false],
  ];
  it.each(rows)("%s", (_name, metadata, c, expected) => {
    expect(evaluateClause(c, event(metadata))).toBe(expected);
  });

  const deviations: Row[] = [
    ["% is literal in like", { k: "abc" }, clause("k", "like", "a%c"), false],
    ["_ is literal in like", { k: "abc" }, clause("k", "like", "a_c"), false],
    ["_ matches itself in like", { k: "a_c" }, clause("k", "like", "a_c"), true],
    ["_ is literal in not_like", { k: "abc" }, clause("k", "not_like", "a_c"), true],
    ['like true needs a stored boolean (June: contains "t")', { k: "other_value" }, clause("k", "like", true), false],
    ["like true on true", { k: true }, clause("k", "like", true), true],
    ["like true on false", { k: false }, clause("k", "like", true), false],
    ["not_like true on false", { k: false }, clause("k", "not_like", true), true],
    ['not_like false on a string (June: does not contain "f")', { k: "abc" }, clause("k", "not_like", false), false],
    ['eq true on the string "t" (June: TRUE)', { k: "t" }, clause("k", "eq", true), false],
    ["eq true on the number 1 (June: TRUE)", { k: 1 }, clause("k", "eq", true), false],
    ['ne true on the string "true" (June: TRUE)', { k: "true" }, clause("k", "ne", true), false],
    ["numbers compare as doubles: 12.5 gt 10 (June: HTTP 500)", { k: 12.5 }, clause("k", "gt", 10), true],
    ["numbers compare as doubles: 12.5 lt 13", { k: 12.5 }, clause("k", "lt", 13), true],
    [
      "numbers beyond int32 compare as doubles (June: HTTP 500)",
      { k: 3000000000 },
      clause("k", "gt", 2147483647),
      true,
    ],
    ["clause values beyond int32", { k: 3000000000 }, clause("k", "eq", 3000000000), true],
    ["fractional clause values compare as doubles", { k: 1e-7 }, clause("k", "lt", 1.5e-7), true],
    ["like on an array value is false (June: matched its JSON text)", { k: [1, 2] }, clause("k", "like", 1), false],
    [
      "not_like on an object value is false (June: tested its JSON text)",
      { k: { a: 1 } },
      clause("k", "not_like", "z"),
      false,
    ],
  ];
  it.each(deviations)(`%s — ${DEVIATION}`, (_name, metadata, c, expected) => {
    expect(evaluateClause(c, event(metadata))).toBe(expected);
  });

  const nothing: Array<[string, Record<string, unknown>]> = [
    ["a missing key", {}],
    ["a null value", { k: null }],
    ["an array value", { k: ["x"] }],
    ["an object value", { k: { x: "x" } }],
    ["an undefined value", { k: undefined }],
  ];
  const everyClause: FilterClause[] = (["eq", "ne", "gt", "gte", "lt", "lte", "like", "not_like"] as const).flatMap(
    (operator) => (["x", "", 1, 0, true, false] as const).map((value) => clause("k", operator, value)),
  );
  it.each(nothing)(`%s satisfies no clause, not even not_like or ne — ${DEVIATION}`, (_name, metadata) => {
    for (const c of everyClause) expect(evaluateClause(c, event(metadata)), JSON.stringify(c)).toBe(false);
  });
});

describe("conjunctions", () => {
  const e = event({ model: "gpt-4", tokens: 50 });
  const yes = clause("model", "eq", "gpt-4");
  const no = clause("tokens", "gt", 100);

  it.each([
    ["and of trues", and(yes, yes), true],
    ["and with a false", and(yes, no), false],
    ["or with a true", or(no, yes), true],
    ["or of falses", or(no, no), false],
    ["empty and", and(), true],
    ["empty or", or(), true],
    ["nested empty or inside and", and(yes, or()), true],
    ["nested empty or cannot rescue a false", and(no, or()), false],
    ["or of an empty and", or(no, and()), true],
    ["depth three", and(or(no, and(yes, or(yes, no))), yes), true],
    ["a missing key in one branch of or", or(clause("absent", "ne", "x"), yes), true],
  ])("%s", (_name, filter, expected) => {
    expect(evaluateFilter(filter, e)).toBe(expected);
  });
});

describe("aggregation", () => {
  const sum = (property: string): Aggregation => ({ func: "sum", property });

  it("count is eligible for every event and carries no value", () => {
    expect(isEligible({ func: "count" }, event({}))).toBe(true);
    expect(aggregationValue({ func: "count" }, event({ tokens: 5 }))).toBeUndefined();
  });

  it.each([
    ["a number", { tokens: 10 }, true, 10],
    ["a fraction", { tokens: 5.5 }, true, 5.5],
    ["a negative number", { tokens: -2 }, true, -2],
    ["a numeric string", { tokens: "42" }, false, undefined],
    ["a boolean", { tokens: true }, false, undefined],
    ["null", { tokens: null }, false, undefined],
    ["a missing key", {}, false, undefined],
    ["an array", { tokens: [1] }, false, undefined],
  ])("a property aggregation over %s: eligible %s, value %s", (_name, metadata, eligible, value) => {
    expect(isEligible(sum("tokens"), event(metadata))).toBe(eligible);
    expect(aggregationValue(sum("tokens"), event(metadata))).toBe(value);
  });

  it("strips the metadata. prefix of the property", () => {
    expect(isEligible(sum("metadata.tokens"), event({ tokens: 3 }))).toBe(true);
    expect(aggregationValue(sum("metadata.tokens"), event({ tokens: 3 }))).toBe(3);
  });

  it("name and source are never eligible", () => {
    expect(isEligible(sum("name"), event({ name: 1 }))).toBe(false);
    expect(isEligible(sum("metadata.source"), event({ source: 1 }))).toBe(false);
  });

  it("timestamp is always eligible but reads the metadata key timestamp (Polar quirk)", () => {
    expect(isEligible(sum("timestamp"), event({}))).toBe(true);
    expect(aggregationValue(sum("timestamp"), event({}))).toBeUndefined();
    expect(aggregationValue(sum("timestamp"), event({ timestamp: "5" }))).toBeUndefined();
    expect(aggregationValue(sum("metadata.timestamp"), event({ timestamp: 5 }))).toBe(5);
    const state = aggregateEvents(sum("timestamp"), [event({}), event({ timestamp: 7 }), event({ timestamp: 2 })]);
    expect(state).toEqual({ count: 3, valueCount: 2, sum: 9, min: 2, max: 7 });
    expect(finalizeAggregate("avg", state)).toBe(4.5);
  });

  it("matchesMeter is filter AND eligibility", () => {
    const filter = and(clause("name", "eq", "ai_usage"));
    expect(matchesMeter(filter, sum("tokens"), event({ tokens: 1 }))).toBe(true);
    expect(matchesMeter(filter, sum("tokens"), event({ tokens: "1" }))).toBe(false);
    expect(matchesMeter(filter, sum("tokens"), event({ tokens: 1 }, { name: "other" }))).toBe(false);
  });

  it.each(["count", "sum", "avg", "min", "max"] as const)(
    "an empty set gives 0 for %s",
    (func: AggregationFunction) => {
      const aggregation: Aggregation = func === "count" ? { func } : { func, property: "tokens" };
      expect(finalizeAggregate(func, aggregateEvents(aggregation, []))).toBe(0);
    },
  );

  it.each(["sum", "avg", "min", "max"] as const)("a set without eligible events gives 0 for %s", (func) => {
    const events = [event({ tokens: "7" }), event({})];
    expect(finalizeAggregate(func, aggregateEvents({ func, property: "tokens" }, events))).toBe(0);
  });
});

describe("spec test vectors", () => {
  const nameIsAiUsage = and(clause("name", "eq", "ai_usage"));

  describe("TV-02 missing and non-numeric properties", () => {
    const events = [{ tokens: 10 }, { tokens: "abc" }, {}, { tokens: 5.5 }, { tokens: true }].map((m) => event(m));
    it.each([
      ["sum", 15.5],
      ["avg", 7.75],
      ["min", 5.5],
      ["max", 10],
    ] as const)("%s tokens = %d over events 1 and 4", (func, expected) => {
      const aggregation: Aggregation = { func, property: "tokens" };
      expect(meterResult(nameIsAiUsage, aggregation, events)).toBe(expected);
      expect(events.flatMap((e, i) => (matchesMeter(nameIsAiUsage, aggregation, e) ? [i + 1] : []))).toEqual([1, 4]);
    });
    it("count = 5", () => {
      expect(meterResult(nameIsAiUsage, { func: "count" }, events)).toBe(5);
    });
  });

  describe("TV-03 string/number asymmetry and ne", () => {
    const events = [{ tier: "10" }, { tier: 10 }, { tier: "gold" }, { tier: true }, {}, { tier: 5 }].map((m) =>
      event(m),
    );
    it.each([
      [clause("tier", "eq", 10), [1, 2]],
      [clause("tier", "eq", "10"), [1]],
      [clause("tier", "ne", 10), [3, 6]],
      [clause("tier", "ne", "gold"), [1]],
      [clause("tier", "gt", 7), [2, 3]],
      [clause("tier", "gt", "7"), [3]],
      [clause("tier", "lt", "5"), [1]],
    ])("%j matches %j", (c, expected) => {
      expect(matches(events, c)).toEqual(expected);
    });
  });

  describe("TV-04 boolean coercions", () => {
    const events = [
      { premium: true },
      { premium: "t" },
      { premium: 1 },
      { premium: "true" },
      { premium: false },
      { premium: 0 },
    ].map((m) => event(m));
    it.each([
      [clause("premium", "eq", 1), [3]],
      [clause("premium", "eq", "true"), [4]],
    ])("%j matches %j", (c, expected) => {
      expect(matches(events, c)).toEqual(expected);
    });
    it.each([
      [clause("premium", "eq", true), [1], "June: 1, 2, 3"],
      [clause("premium", "ne", true), [5], "June: 4, 5, 6"],
      [clause("premium", "gt", false), [1], "June: 1, 2, 3, 4"],
    ])(`%j matches %j (%s) — ${DEVIATION}`, (c, expected) => {
      expect(matches(events, c)).toEqual(expected);
    });
  });

  describe("TV-05 like / not_like", () => {
    const models: unknown[] = ["gpt-pro", "PRO", "abc", 1234, true, "True", "other_value", undefined, "a_c"];
    const events = models.map((model, i) =>
      event(model === undefined ? {} : { model }, i === 8 ? { name: "aXc" } : {}),
    );
    it.each([
      [clause("model", "like", "pro"), [1]],
      [clause("model", "like", 23), [4]],
      [clause("model", "not_like", "pro"), [2, 3, 4, 5, 6, 7, 9]],
      [clause("name", "not_like", "usage"), [9]],
    ])("%j matches %j", (c, expected) => {
      expect(matches(events, c)).toEqual(expected);
    });
    it.each([
      [clause("model", "like", "a_c"), [9], "June: 3, 9 with _ as a wildcard"],
      [clause("model", "like", true), [5], "June: 1, 5, 7 by pattern %t%"],
      [clause("name", "like", "a_c"), [], "June: 9 with _ as a wildcard"],
    ])(`%j matches %j (%s) — ${DEVIATION}`, (c, expected) => {
      expect(matches(events, c)).toEqual(expected);
    });
  });

  describe("TV-06 nested conjunctions and empty filters", () => {
    const events = [
      event({ model: "gpt-4", tokens: 50 }),
      event({ model: "gpt-3", tokens: 150 }),
      event({ model: "gpt-3", tokens: 50 }),
      event({ model: "gpt-4", tokens: 500 }, { name: "other" }),
      event({ model: "gpt-4" }),
    ];
    const filter = and(
      clause("name", "eq", "ai_usage"),
      or(clause("model", "eq", "gpt-4"), clause("tokens", "gt", 100)),
    );
    it("count meter matches 1, 2, 5 with total 3", () => {
      expect(matches(events, filter)).toEqual([1, 2, 5]);
      expect(meterResult(filter, { func: "count" }, events)).toBe(3);
    });
    it("sum tokens meter is eligible for 1, 2 with total 200", () => {
      const aggregation: Aggregation = { func: "sum", property: "tokens" };
      expect(events.flatMap((e, i) => (matchesMeter(filter, aggregation, e) ? [i + 1] : []))).toEqual([1, 2]);
      expect(meterResult(filter, aggregation, events)).toBe(200);
    });
    it.each([
      [and(), [1, 2, 3, 4, 5]],
      [or(), [1, 2, 3, 4, 5]],
      [and(clause("name", "eq", "other"), or()), [4]],
    ])("%j matches %j", (f, expected) => {
      expect(matches(events, f)).toEqual(expected);
    });
  });

  describe("TV-07 built-in properties and prefix stripping", () => {
    const events = [
      event({}, { timestamp: new Date("2025-06-01T00:00:00Z") }),
      event({}, { timestamp: new Date("2025-06-01T00:00:00.6Z") }),
      event({}, { timestamp: new Date("2025-06-01T00:00:01Z"), source: "system", name: "meter.credited" }),
    ];
    it.each([
      [clause("timestamp", "lt", 1748736001), [1]],
      [clause("timestamp", "eq", 1748736001), [2, 3]],
      [clause("name", "eq", 1), []],
      [clause("source", "eq", "system"), [3]],
      [clause("metadata.name", "eq", "ai_usage"), [1, 2]],
      [clause("customer_id", "eq", "x"), []],
    ])("%j matches %j", (c, expected) => {
      expect(matches(events, c)).toEqual(expected);
    });
    it(`timestamp like 1748 matches all three (June: HTTP 500) — ${DEVIATION}`, () => {
      expect(matches(events, clause("timestamp", "like", 1748))).toEqual([1, 2, 3]);
    });
  });

  describe("TV-08 non-integer numbers", () => {
    const events = [event({ latency: 12 }), event({ latency: 12.5 })];
    it(`latency gt 10 matches 1, 2 (June: HTTP 500) — ${DEVIATION}`, () => {
      expect(matches(events, clause("latency", "gt", 10))).toEqual([1, 2]);
    });
    it(`values beyond int32 and 1.0 compare as doubles (June: HTTP 500) — ${DEVIATION}`, () => {
      expect(matches([event({ latency: 3000000000 }), event({ latency: 1.0 })], clause("latency", "gt", 10))).toEqual([
        1,
      ]);
      expect(matches([event({ latency: 1.0 })], clause("latency", "eq", 1))).toEqual([1]);
    });
    it('latency eq "12.5" matches nothing', () => {
      expect(matches(events, clause("latency", "eq", "12.5"))).toEqual([]);
    });
    it('latency like "12.5" matches 2', () => {
      expect(matches(events, clause("latency", "like", "12.5"))).toEqual([2]);
    });
  });
});
