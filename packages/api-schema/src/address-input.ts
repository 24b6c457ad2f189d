import { z } from "zod";
import { COUNTRY_CODES, SUBDIVISION_CODES } from "./country-codes.js";
import { pyError } from "./py-error.js";
import { INVALID, pyScalar, pyTransform } from "./py-schema.js";
import { checkPyString } from "./py-string.js";

/** Optional address lines: an empty string means "not given" and becomes null. */
const addressLine = pyScalar(
  (input) => {
    if (input === null) return { ok: true, value: null };
    const text = checkPyString(input);
    if (!text.ok) return text;
    return { ok: true, value: text.value === "" ? null : text.value };
  },
  { type: ["string", "null"] },
).optional();

const country = pyScalar(
  (input) => {
    if (typeof input === "string" && COUNTRY_CODES.includes(input)) return { ok: true, value: input };
    return { ok: false, error: pyError.literal(COUNTRY_CODES, input) };
  },
  { type: "string", enum: COUNTRY_CODES, description: "ISO 3166-1 alpha-2 country code" },
);

const AddressFields = z.object({
  line1: addressLine,
  line2: addressLine,
  postal_code: addressLine,
  city: addressLine,
  state: addressLine,
  country,
});

export interface AddressInput {
  line1: string | null;
  line2: string | null;
  postalCode: string | null;
  city: string | null;
  state: string | null;
  country: string;
}

/**
 * A billing address in a body. For US and CA the state is normalized to its ISO 3166-2 form
 * (`CA` → `US-CA`) so stored addresses compare and print the same whatever the client sent.
 */
export const AddressInput = AddressFields.pipe(
  pyTransform((fields: z.output<typeof AddressFields>, report): AddressInput | typeof INVALID => {
    let state = fields.state ?? null;
    const subdivisions = SUBDIVISION_CODES[fields.country];
    if (subdivisions !== undefined && state !== null) {
      const upper = state.toUpperCase();
      const code = upper.startsWith(`${fields.country}-`) ? upper.slice(fields.country.length + 1) : upper;
      if (!subdivisions.has(code)) {
        report(pyError.valueError("Invalid state.", fields.state), ["state"]);
        return INVALID;
      }
      state = `${fields.country}-${code}`;
    }
    return {
      line1: fields.line1 ?? null,
      line2: fields.line2 ?? null,
      postalCode: fields.postal_code ?? null,
      city: fields.city ?? null,
      state,
      country: fields.country,
    };
  }),
);
