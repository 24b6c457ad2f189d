import {
  type AppendedRecord,
  applyToCustomerMeter,
  type Clock,
  type Customer,
  type CustomerMeterState,
  comparePositions,
  customerMeterFigures,
  customerMeterStateFromWindow,
  type EventStore,
  emptyCustomerMeterState,
  type IdGenerator,
  type LogPosition,
  type Meter,
} from "@meterline/core";
import type {
  CustomerMeterRecord,
  CustomerMeterRepository,
  CustomerRepository,
  MeterRepository,
} from "@meterline/postgres";

export interface CustomerMeterProjectorDeps {
  meters: MeterRepository;
  customers: CustomerRepository;
  customerMeters: CustomerMeterRepository;
  store: EventStore;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * Keeps customer meters current as records are materialized: each record of a known customer is
 * folded into that customer's state for every meter of the organization, in log order. A row that
 * does not exist yet (new customer, new meter) or was marked stale is rebuilt once from the stored
 * window. Rows remember the last position they reflect, so a redelivered batch changes nothing.
 */
export class CustomerMeterProjector {
  constructor(private readonly deps: CustomerMeterProjectorDeps) {}

  /** `batch` must already be in the EventStore. */
  async project(batch: readonly AppendedRecord[]): Promise<void> {
    const byOrganization = new Map<string, AppendedRecord[]>();
    for (const record of batch) {
      const list = byOrganization.get(record.organizationId);
      if (list === undefined) byOrganization.set(record.organizationId, [record]);
      else list.push(record);
    }
    for (const [organizationId, records] of byOrganization) await this.projectOrganization(organizationId, records);
  }

  private async projectOrganization(organizationId: string, records: AppendedRecord[]): Promise<void> {
    const meters = await this.deps.meters.listForOrganization(organizationId);
    if (meters.length === 0) return;
    const recordsByCustomer = await this.groupByCustomer(organizationId, records);
    if (recordsByCustomer.size === 0) return;
    const existing = await this.deps.customerMeters.loadRecords(
      organizationId,
      [...recordsByCustomer.keys()].map((customer) => customer.id),
    );
    const rows = new Map(existing.map((row) => [`${row.customerId}:${row.meterId}`, row]));
    const withHistory = await this.customersWithHistory(organizationId, records, recordsByCustomer, meters, rows);
    const now = this.deps.clock.now();
    const changed: CustomerMeterRecord[] = [];
    for (const [customer, customerRecords] of recordsByCustomer) {
      const last = customerRecords[customerRecords.length - 1] as AppendedRecord;
      // A missing row is rebuilt from the store only when the customer has events before this
      // batch; otherwise its window is exactly this batch's records, folded from empty below.
      const rebuild = meters.filter((meter) => {
        const row = rows.get(`${customer.id}:${meter.id}`);
        return row === undefined ? withHistory.has(customer.id) : row.stale;
      });
      const rebuilt = await this.rebuild(organizationId, customer, rebuild, last.position);
      for (const meter of meters) {
        const row = rows.get(`${customer.id}:${meter.id}`);
        const fresh = rebuilt.get(meter.id);
        let state: CustomerMeterState = fresh ?? row?.state ?? emptyCustomerMeterState();
        // A rebuilt window already holds everything stored, this batch included.
        const appliedThrough: LogPosition | null = fresh !== undefined ? last.position : (row?.appliedThrough ?? null);
        let folded = false;
        if (fresh === undefined) {
          for (const record of customerRecords) {
            if (appliedThrough !== null && comparePositions(record.position, appliedThrough) <= 0) continue;
            const next = applyToCustomerMeter(state, meter, record);
            if (next !== state) folded = true;
            state = next;
          }
        }
        const next = this.toRecord(organizationId, customer, meter, row, state, last.position, now, {
          windowChanged: folded || (fresh !== undefined && stateDiffers(row?.state, fresh)),
        });
        if (next !== undefined) changed.push(next);
      }
    }
    await this.deps.customerMeters.save(changed);
  }

  /**
   * Of the customers with a missing row, those with stored events before this batch (one query
   * for the batch). A new customer's first events then need no per-customer window rebuild,
   * which made a first batch over thousands of new customers take minutes on ClickHouse.
   */
  private async customersWithHistory(
    organizationId: string,
    records: readonly AppendedRecord[],
    recordsByCustomer: Map<Customer, AppendedRecord[]>,
    meters: readonly Meter[],
    rows: Map<string, CustomerMeterRecord>,
  ): Promise<Set<string>> {
    const missing = [...recordsByCustomer.keys()].filter((customer) =>
      meters.some((meter) => !rows.has(`${customer.id}:${meter.id}`)),
    );
    // The batch holds every record of the organization from its first one on, in log order.
    const first = records[0];
    if (missing.length === 0 || first === undefined) return new Set();
    return this.deps.store.customersWithEventsBefore(
      organizationId,
      missing.map((customer) => ({ id: customer.id, externalId: customer.externalId })),
      first.position,
    );
  }

  /**
   * The windows as stored up to `through`, the position the rebuilt row will say it reflects. Not
   * open-ended: after a crash, a previous delivery may already have stored records beyond this
   * batch (the redelivery can be cut into smaller batches); counting them here and folding them
   * again when their own batch comes would count them twice.
   */
  private async rebuild(
    organizationId: string,
    customer: Customer,
    meters: Meter[],
    through: LogPosition,
  ): Promise<Map<string, CustomerMeterState>> {
    if (meters.length === 0) return new Map();
    const windows = await this.deps.store.customerWindows({
      organizationId,
      customer: { id: customer.id, externalId: customer.externalId },
      meters: meters.map((meter) => ({ id: meter.id, filter: meter.filter, aggregation: meter.aggregation })),
      until: { partition: through.partition, offset: through.offset + 1 },
    });
    return new Map(windows.map((window) => [window.meterId, customerMeterStateFromWindow(window)]));
  }

  private toRecord(
    organizationId: string,
    customer: Customer,
    meter: Meter,
    row: CustomerMeterRecord | undefined,
    state: CustomerMeterState,
    position: LogPosition,
    now: Date,
    change: { windowChanged: boolean },
  ): CustomerMeterRecord | undefined {
    // A record that changes nothing need not be remembered: folding it again after a redelivery
    // changes nothing either.
    if (row !== undefined && !row.stale && !change.windowChanged) return undefined;
    const figures = customerMeterFigures(meter, state);
    const becameVisible = state.visible && row?.state.visible !== true;
    return {
      id: row?.id ?? this.deps.ids.uuid(),
      organizationId,
      customerId: customer.id,
      meterId: meter.id,
      // A customer meter exists from the moment its window first holds an event (spec §6.2).
      createdAt: becameVisible || row === undefined ? now : row.createdAt,
      modifiedAt: change.windowChanged ? now : (row?.modifiedAt ?? null),
      ...figures,
      state,
      appliedThrough: position,
      stale: false,
      generation: row?.generation ?? 0,
    };
  }

  /** Records per live customer, in log order; records of unknown customers wait for the customer. */
  private async groupByCustomer(
    organizationId: string,
    records: AppendedRecord[],
  ): Promise<Map<Customer, AppendedRecord[]>> {
    const ids = new Set<string>();
    const externalIds = new Set<string>();
    for (const record of records) {
      if (record.customerId !== null) ids.add(record.customerId);
      else if (record.externalCustomerId !== null) externalIds.add(record.externalCustomerId);
    }
    const customers = await this.deps.customers.resolve(organizationId, [...ids], [...externalIds]);
    const byId = new Map(customers.map((customer) => [customer.id, customer]));
    const byExternalId = new Map(
      customers
        .filter((customer) => customer.externalId !== null)
        .map((customer) => [customer.externalId as string, customer]),
    );
    const grouped = new Map<Customer, AppendedRecord[]>();
    for (const record of records) {
      const customer =
        record.customerId !== null
          ? byId.get(record.customerId)
          : record.externalCustomerId !== null
            ? byExternalId.get(record.externalCustomerId)
            : undefined;
      if (customer === undefined) continue;
      const list = grouped.get(customer);
      if (list === undefined) grouped.set(customer, [record]);
      else list.push(record);
    }
    return grouped;
  }
}

function stateDiffers(before: CustomerMeterState | undefined, after: CustomerMeterState): boolean {
  if (before === undefined) return after.visible;
  return (
    before.visible !== after.visible ||
    before.lastEventId !== after.lastEventId ||
    before.credited !== after.credited ||
    before.usage.count !== after.usage.count ||
    before.usage.sum !== after.usage.sum
  );
}
