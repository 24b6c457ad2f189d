import { z } from "zod";

/** Polar's envelope for domain errors: `error` is the exact Python exception class name. */
export const PolarError = z.object({ error: z.string(), detail: z.string() });
export type PolarError = z.infer<typeof PolarError>;

/** The SDK matches `error` literally, so each typed error gets its own literal schema. */
function polarError<const Name extends string>(name: Name) {
  return z.object({ error: z.literal(name), detail: z.string() });
}

export const ResourceNotFound = polarError("ResourceNotFound");
export type ResourceNotFound = z.infer<typeof ResourceNotFound>;

export const Unauthorized = polarError("Unauthorized");
export type Unauthorized = z.infer<typeof Unauthorized>;

export const NotPermitted = polarError("NotPermitted");
export type NotPermitted = z.infer<typeof NotPermitted>;
