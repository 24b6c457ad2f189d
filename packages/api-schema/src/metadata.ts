import { z } from "zod";

/** A metadata value on the wire: flat, typed, never null. */
export const MetadataValue = z.union([z.string(), z.number(), z.boolean()]);
export type MetadataValue = z.infer<typeof MetadataValue>;

export const Metadata = z.record(z.string(), MetadataValue);
export type Metadata = z.infer<typeof Metadata>;
