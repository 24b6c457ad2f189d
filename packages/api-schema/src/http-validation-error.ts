import { z } from "zod";
import { ValidationErrorItem } from "./validation-error-item.js";

/**
 * A 422 body. `RequestValidationError` is for schema failures, `PolarRequestValidationError` for
 * business rules checked by our code (Polar's two exception classes).
 */
export const HTTPValidationError = z.object({
  error: z.enum(["RequestValidationError", "PolarRequestValidationError"]),
  detail: z.array(ValidationErrorItem),
});
export type HTTPValidationError = z.infer<typeof HTTPValidationError>;
