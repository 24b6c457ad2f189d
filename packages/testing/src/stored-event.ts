import { randomUUID } from "node:crypto";
import type { StoredEvent } from "@meterline/core";

export type StoredEventFields = Partial<Omit<StoredEvent, "position">> & Pick<StoredEvent, "organizationId">;

/**
 * Builds stored events as the materializer would hand them to a store, with explicit log
 * positions: partition 0 and strictly increasing offsets in creation order, so a store test states
 * log order by the order it builds events, without a log.
 */
export class StoredEventSequence {
  private offset: number;

  constructor(
    private readonly partition = 0,
    startOffset = 1,
  ) {
    this.offset = startOffset - 1;
  }

  next(fields: StoredEventFields): StoredEvent {
    this.offset += 1;
    return makeStoredEvent({ ...fields, position: { partition: this.partition, offset: this.offset } });
  }
}

/** One stored user event; `ingestedAt` defaults to its `timestamp`. */
export function makeStoredEvent(fields: StoredEventFields & Pick<StoredEvent, "position">): StoredEvent {
  const timestamp = fields.timestamp ?? new Date("2025-06-01T12:00:00.000Z");
  return {
    id: randomUUID(),
    name: "api.call",
    source: "user",
    customerId: null,
    externalCustomerId: null,
    externalId: null,
    metadata: {},
    ingestedAt: timestamp,
    ...fields,
    timestamp,
  };
}
