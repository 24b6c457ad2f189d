import { type PyError, pyError } from "./py-error.js";
import { type CheckResult, pyScalar } from "./py-schema.js";

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function invalid(reason: string, input: string): PyError {
  return pyError.custom("value_error", `value is not a valid email address: ${reason}`, input, { reason });
}

/**
 * The syntax half of pydantic's `EmailStr` (email-validator), with its reasons. Polar also checks
 * the domain's DNS; validation here does no I/O, so a well-formed address on a dead domain passes.
 */
export function checkEmailAddress(input: unknown): CheckResult<string> {
  if (typeof input !== "string") return { ok: false, error: pyError.stringType(input) };
  const text = input.trim();
  const parts = text.split("@");
  if (parts.length === 1) return { ok: false, error: invalid("An email address must have an @-sign.", input) };
  if (parts.length > 2)
    return { ok: false, error: invalid("The email address is not valid. It must have exactly one @-sign.", input) };
  const [local = "", domain = ""] = parts;
  if (local === "") return { ok: false, error: invalid("There must be something before the @-sign.", input) };
  if (domain === "") return { ok: false, error: invalid("There must be something after the @-sign.", input) };
  if (!LOCAL_PART.test(local) || local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    return { ok: false, error: invalid("The email address contains invalid characters before the @-sign.", input) };
  }
  const labels = domain.split(".");
  if (labels.length < 2) {
    return { ok: false, error: invalid("The part after the @-sign is not valid. It should have a period.", input) };
  }
  if (!labels.every((label) => DOMAIN_LABEL.test(label)) || /^\d+$/.test(labels[labels.length - 1] ?? "")) {
    return { ok: false, error: invalid("The part after the @-sign is not valid.", input) };
  }
  return { ok: true, value: `${local}@${domain.toLowerCase()}` };
}

export const emailAddress = pyScalar(checkEmailAddress, { type: "string", format: "email" });
