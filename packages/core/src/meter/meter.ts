import type { Metadata } from "../event/event.js";
import type { Aggregation, Filter } from "../filter/filter.js";

export interface Meter {
  id: string;
  organizationId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  name: string;
  filter: Filter;
  aggregation: Aggregation;
  metadata: Metadata;
  /** Set once a stored event matched the meter; filter and aggregation are frozen from then on. */
  lockedAt: Date | null;
}
