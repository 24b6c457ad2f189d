import { formatDateTime } from "@meterline/api-schema";
import type { Meter } from "@meterline/core";

export function serializeMeter(meter: Meter) {
  return {
    metadata: meter.metadata,
    created_at: formatDateTime(meter.createdAt),
    modified_at: meter.modifiedAt === null ? null : formatDateTime(meter.modifiedAt),
    id: meter.id,
    name: meter.name,
    filter: meter.filter,
    aggregation: meter.aggregation,
    organization_id: meter.organizationId,
  };
}
