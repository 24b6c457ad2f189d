import type { Clock, EventLog, EventStore, IdGenerator, JobQueue } from "@meterline/core";
import {
  AccessTokenRepository,
  CustomerMeterRepository,
  CustomerRepository,
  MeterRepository,
  OrganizationRepository,
  type SqlClient,
  UserRepository,
} from "@meterline/postgres";

export interface Repositories {
  organizations: OrganizationRepository;
  users: UserRepository;
  tokens: AccessTokenRepository;
  customers: CustomerRepository;
  meters: MeterRepository;
  customerMeters: CustomerMeterRepository;
}

export function createRepositories(db: SqlClient): Repositories {
  return {
    organizations: new OrganizationRepository(db),
    users: new UserRepository(db),
    tokens: new AccessTokenRepository(db),
    customers: new CustomerRepository(db),
    meters: new MeterRepository(db),
    customerMeters: new CustomerMeterRepository(db),
  };
}

/** Everything the API needs, built by `main.ts` (the only place that reads configuration). */
export interface ApiDeps extends Repositories {
  db: SqlClient;
  log: EventLog;
  store: EventStore;
  jobs: JobQueue;
  clock: Clock;
  ids: IdGenerator;
}
