import { checkPyEnum } from "./py-enum.js";
import { pyError } from "./py-error.js";
import { INVALID, pySchema } from "./py-schema.js";
import { checkPyString } from "./py-string.js";
import { TAX_ID_FORMATS, type TaxIdFormat } from "./tax-id-format.js";

export type TaxIdInput = [id: string, format: TaxIdFormat];

/** Polar's `TaxID`, a `tuple[str, TaxIDFormat]`: sent as `["DE123456789", "eu_vat"]`. */
export const TaxIdInput = pySchema(
  (input, report): TaxIdInput | typeof INVALID => {
    if (input === undefined) {
      report(pyError.missing());
      return INVALID;
    }
    if (!Array.isArray(input)) {
      report(pyError.tupleType(input));
      return INVALID;
    }
    if (input.length > 2) {
      report(pyError.tooLong("Tuple", 2, input.length, input));
      return INVALID;
    }
    let id: string | undefined;
    if (input.length < 1) report(pyError.missing(input), [0]);
    else {
      const result = checkPyString(input[0]);
      if (result.ok) id = result.value;
      else report(result.error, [0]);
    }
    let format: TaxIdFormat | undefined;
    if (input.length < 2) report(pyError.missing(input), [1]);
    else {
      const result = checkPyEnum(TAX_ID_FORMATS, input[1]);
      if (result.ok) format = result.value;
      else report(result.error, [1]);
    }
    return id === undefined || format === undefined ? INVALID : [id, format];
  },
  {
    type: "array",
    prefixItems: [{ type: "string" }, { type: "string", enum: [...TAX_ID_FORMATS] }],
    minItems: 2,
    maxItems: 2,
  },
);
