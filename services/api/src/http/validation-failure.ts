import type { ValidationErrorItem } from "@meterline/api-schema";

/** One entry of a Polar 422 `detail` list (pydantic's shape). */
export type ValidationIssue = ValidationErrorItem;

/**
 * A request that fails validation: answered 422 with every issue at once. `RequestValidationError`
 * is for schema failures, `PolarRequestValidationError` for business rules (Polar's two classes).
 */
export class ValidationFailure extends Error {
  constructor(
    readonly detail: ValidationIssue[],
    readonly errorClass: "RequestValidationError" | "PolarRequestValidationError" = "RequestValidationError",
  ) {
    super(detail.map((issue) => `${issue.loc.join(".")}: ${issue.msg}`).join("; "));
    this.name = "ValidationFailure";
  }

  static business(issue: ValidationIssue): ValidationFailure {
    return new ValidationFailure([issue], "PolarRequestValidationError");
  }
}
