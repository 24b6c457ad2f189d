import type { Metadata } from "@meterline/core";
import { z } from "zod";
import { awareDateTime } from "./aware-date-time.js";
import { MetadataInput } from "./metadata-input.js";
import { parseInput } from "./parse-input.js";
import { INT32_MAX, priceCurrency } from "./product-price-create-input.js";
import { pyLiteral } from "./py-enum.js";
import { type PyError, pyError } from "./py-error.js";
import { pyInt } from "./py-int.js";
import { INVALID, pyScalar, pySchema } from "./py-schema.js";
import { checkPyString, pyString } from "./py-string.js";
import { inputJsonSchema, pyTaggedUnion, pythonText } from "./py-tagged-union.js";
import { uuid4 } from "./uuid4.js";

export const DISCOUNT_CODE_MIN_LENGTH = 3;
export const DISCOUNT_CODE_MAX_LENGTH = 256;
export const BASIS_POINTS_MAX = 10_000;
/** Later Polar's bound; 999 months is over 83 years. */
export const DURATION_IN_MONTHS_MAX = 999;

/** Python's `str.isalnum()`: letters and numbers of any script. */
const ALPHANUMERIC = /^[\p{L}\p{N}]+$/u;

function validationError(message: string, input: unknown): { ok: false; error: PyError } {
  return { ok: false, error: pyError.valueError(message, input) };
}

/**
 * Trimmed, blank → null, then 3–256 alphanumeric characters (Polar's `EmptyStrToNone` and code
 * validator). Uniqueness per organization, case-insensitively, is checked later.
 */
export const discountCode = pyScalar(
  (input) => {
    if (input === null) return { ok: true, value: null };
    const text = checkPyString(input);
    if (!text.ok) return text;
    const code = text.value.trim();
    if (code === "") return { ok: true, value: null };
    if (!ALPHANUMERIC.test(code)) return validationError("Code must contain only alphanumeric characters.", code);
    const length = [...code].length;
    if (length < DISCOUNT_CODE_MIN_LENGTH || length > DISCOUNT_CODE_MAX_LENGTH)
      return validationError("Code must be between 3 and 256 characters long.", code);
    return { ok: true, value: code };
  },
  { type: ["string", "null"], pattern: "^[\\p{L}\\p{N}]*$", maxLength: DISCOUNT_CODE_MAX_LENGTH },
);

export const discountName = pyString({ minLength: 1 });
export const maxRedemptions = pyInt({ ge: 1 });
export const durationInMonths = pyInt({ ge: 1, le: DURATION_IN_MONTHS_MAX });
export const discountAmount = pyInt({ ge: 0, le: INT32_MAX });
export const basisPoints = pyInt({ ge: 1, le: BASIS_POINTS_MAX });

/** Redeemability bounds; `starts_at` must be before `ends_at` when both are set. */
export function startsBeforeEnds(startsAt: Date | null | undefined, endsAt: Date | null | undefined): boolean {
  return startsAt === null || startsAt === undefined || endsAt === null || endsAt === undefined || startsAt < endsAt;
}
export const STARTS_BEFORE_ENDS_MESSAGE = "starts_at must be before ends_at";

/** `Literal[DiscountDuration.repeating]`: pydantic prints the enum member's repr. */
const repeatingDuration = pyScalar(
  (input) => {
    if (input === "repeating") return { ok: true, value: "repeating" as const };
    const expected = "<DiscountDuration.repeating: 'repeating'>";
    return {
      ok: false,
      error: { type: "literal_error", msg: `Input should be ${expected}`, input, ctx: { expected } },
    };
  },
  { const: "repeating" },
);

interface DiscountCreateFields {
  name: string;
  code: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  maxRedemptions: number | null;
  /** Empty = every product. */
  products: string[];
  metadata: Metadata;
  organizationId: string | null;
}

export type DiscountCreateInput = DiscountCreateFields &
  ({ type: "fixed"; amount: number; currency: "usd" } | { type: "percentage"; basisPoints: number }) &
  ({ duration: "once" | "forever" } | { duration: "repeating"; durationInMonths: number });

/** The fields after the variant's own, in Polar's order. */
const commonFields = {
  metadata: MetadataInput.optional(),
  name: discountName,
  code: discountCode.optional(),
  starts_at: awareDateTime.nullable().optional(),
  ends_at: awareDateTime.nullable().optional(),
  max_redemptions: maxRedemptions.nullable().optional(),
  products: z.array(uuid4).nullable().optional(),
  organization_id: uuid4.nullable().optional(),
};

const durationFields = {
  once_forever: { duration: pyLiteral(["once", "forever"]) },
  repeat: { duration: repeatingDuration, duration_in_months: durationInMonths },
};
const typeFields = {
  fixed: { type: pyLiteral(["fixed"]), amount: discountAmount, currency: priceCurrency.optional() },
  percentage: { type: pyLiteral(["percentage"]), basis_points: basisPoints },
};

/** A variant's fields as parsed, before renaming. */
type ParsedDiscount = {
  metadata?: Metadata;
  name: string;
  code?: string | null;
  starts_at?: Date | null;
  ends_at?: Date | null;
  max_redemptions?: number | null;
  products?: string[] | null;
  organization_id?: string | null;
} & ({ type: "fixed"; amount: number } | { type: "percentage"; basis_points: number }) &
  ({ duration: "once" | "forever" } | { duration: "repeating"; duration_in_months: number });

function toInput(body: ParsedDiscount): DiscountCreateInput {
  const terms =
    body.type === "fixed"
      ? { type: "fixed" as const, amount: body.amount, currency: "usd" as const }
      : { type: "percentage" as const, basisPoints: body.basis_points };
  const duration =
    body.duration === "repeating"
      ? { duration: "repeating" as const, durationInMonths: body.duration_in_months }
      : { duration: body.duration };
  return {
    ...terms,
    ...duration,
    name: body.name,
    code: body.code ?? null,
    startsAt: body.starts_at ?? null,
    endsAt: body.ends_at ?? null,
    maxRedemptions: body.max_redemptions ?? null,
    products: body.products ?? [],
    metadata: body.metadata ?? {},
    organizationId: body.organization_id ?? null,
  };
}

function member(type: keyof typeof typeFields, duration: keyof typeof durationFields) {
  const fields = z.object({ ...durationFields[duration], ...typeFields[type], ...commonFields });
  return pySchema((input, report): DiscountCreateInput | typeof INVALID => {
    const parsed = parseInput(fields, input, []);
    if (!parsed.ok) {
      for (const { loc, ...error } of parsed.detail) report(error, loc);
      return INVALID;
    }
    if (!startsBeforeEnds(parsed.value.starts_at, parsed.value.ends_at)) {
      // A model validator: pydantic reports it on the member as a whole, with the body as input.
      report(pyError.valueError(STARTS_BEFORE_ENDS_MESSAGE, input));
      return INVALID;
    }
    return toInput(parsed.value);
  }, inputJsonSchema(fields));
}

/** Polar's `get_discriminator_value`: `"{type}.once_forever"` or `"{type}.repeat"`, null without both keys. */
function discountTag(input: Record<string, unknown>): string | null {
  const { type, duration } = input;
  if (type === undefined || type === null || duration === undefined || duration === null) return null;
  return `${pythonText(type)}.${duration === "once" || duration === "forever" ? "once_forever" : "repeat"}`;
}

/**
 * `POST /v1/discounts/`: four variants, fixed or percentage × once/forever or repeating, chosen
 * by Polar's callable discriminator (errors under `"percentage.repeat"` and the like). `products`
 * absent or null means every product. The redemption bounds only decide redeemability.
 */
export const DiscountCreateInput: z.ZodType<DiscountCreateInput, unknown> = pyTaggedUnion(
  { function: "get_discriminator_value", tagOf: discountTag },
  {
    "fixed.once_forever": member("fixed", "once_forever"),
    "fixed.repeat": member("fixed", "repeat"),
    "percentage.once_forever": member("percentage", "once_forever"),
    "percentage.repeat": member("percentage", "repeat"),
  },
);
