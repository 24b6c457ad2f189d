import type { Aggregation, Filter, Metadata } from "@meterline/core";
import { z } from "zod";
import { AggregationInput } from "./aggregation-input.js";
import { FilterInput } from "./filter-input.js";
import { MetadataInput } from "./metadata-input.js";
import { METER_NAME_MIN_LENGTH } from "./meter-create-input.js";
import { presentKeys } from "./present-keys.js";
import { pyString } from "./py-string.js";

export const METER_UPDATE_KEYS = ["metadata", "name", "filter", "aggregation"] as const;
export type MeterUpdateKey = (typeof METER_UPDATE_KEYS)[number];

export interface MeterUpdateInput {
  /** Replaces the whole metadata object when present. */
  metadata?: Metadata;
  /** `null` (like absence) leaves the value unchanged. */
  name?: string | null;
  filter?: Filter | null;
  aggregation?: Aggregation | null;
  /**
   * Keys the body carried, explicit nulls included: a locked meter rejects any body in which
   * `filter` or `aggregation` is present, even as null.
   */
  presentKeys: MeterUpdateKey[];
}

/** `PATCH /v1/meters/{id}`: every field optional. */
export const MeterUpdateInput = z
  .object({
    metadata: MetadataInput.optional(),
    name: pyString({ minLength: METER_NAME_MIN_LENGTH }).nullable().optional(),
    filter: FilterInput.nullable().optional(),
    aggregation: AggregationInput.nullable().optional(),
  })
  .transform((body): MeterUpdateInput => ({ ...body, presentKeys: presentKeys(body, METER_UPDATE_KEYS) }));
