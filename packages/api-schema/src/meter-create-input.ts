import type { Aggregation, Filter, Metadata } from "@meterline/core";
import { z } from "zod";
import { AggregationInput } from "./aggregation-input.js";
import { FilterInput } from "./filter-input.js";
import { MetadataInput } from "./metadata-input.js";
import { pyString } from "./py-string.js";
import { uuid4 } from "./uuid4.js";

export const METER_NAME_MIN_LENGTH = 3;

export interface MeterCreateInput {
  name: string;
  filter: Filter;
  aggregation: Aggregation;
  metadata: Metadata;
  /** Null when absent or null; whether it may or must be set depends on the token (spec §2.1). */
  organizationId: string | null;
}

/** `POST /v1/meters/`, fields in Polar's order so errors come out in its order. */
export const MeterCreateInput = z
  .object({
    metadata: MetadataInput.optional(),
    name: pyString({ minLength: METER_NAME_MIN_LENGTH }),
    filter: FilterInput,
    aggregation: AggregationInput,
    organization_id: uuid4.nullable().optional(),
  })
  .transform(
    (body): MeterCreateInput => ({
      name: body.name,
      filter: body.filter,
      aggregation: body.aggregation,
      metadata: body.metadata ?? {},
      organizationId: body.organization_id ?? null,
    }),
  );
