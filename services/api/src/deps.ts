import type { Clock, EventLog, EventStore, IdGenerator, JobQueue } from "@meterline/core";
import {
  AccessTokenRepository,
  BenefitRepository,
  CustomerMeterRepository,
  CustomerRepository,
  DiscountRepository,
  MeterRepository,
  OrderRepository,
  OrganizationRepository,
  OutboxRepository,
  ProductRepository,
  type SqlClient,
  SubscriptionRepository,
  UserRepository,
  WebhookEndpointRepository,
  WebhookEventRepository,
} from "@meterline/postgres";
import { Authenticator } from "./auth/authenticator.js";
import type { WebhookUrlPolicy } from "./webhooks/webhook-url-policy.js";

export interface Repositories {
  organizations: OrganizationRepository;
  users: UserRepository;
  tokens: AccessTokenRepository;
  customers: CustomerRepository;
  meters: MeterRepository;
  customerMeters: CustomerMeterRepository;
  products: ProductRepository;
  benefits: BenefitRepository;
  discounts: DiscountRepository;
  subscriptions: SubscriptionRepository;
  orders: OrderRepository;
  outbox: OutboxRepository;
  webhookEndpoints: WebhookEndpointRepository;
  webhookEvents: WebhookEventRepository;
}

export function createRepositories(db: SqlClient): Repositories {
  return {
    organizations: new OrganizationRepository(db),
    users: new UserRepository(db),
    tokens: new AccessTokenRepository(db),
    customers: new CustomerRepository(db),
    meters: new MeterRepository(db),
    customerMeters: new CustomerMeterRepository(db),
    products: new ProductRepository(db),
    benefits: new BenefitRepository(db),
    discounts: new DiscountRepository(db),
    subscriptions: new SubscriptionRepository(db),
    orders: new OrderRepository(db),
    outbox: new OutboxRepository(db),
    webhookEndpoints: new WebhookEndpointRepository(db),
    webhookEvents: new WebhookEventRepository(db),
  };
}

export interface ApiAdapters {
  db: SqlClient;
  log: EventLog;
  store: EventStore;
  jobs: JobQueue;
  clock: Clock;
  ids: IdGenerator;
  /** Which webhook URLs endpoints may use and deliveries may reach (default: any). */
  webhookUrlPolicy?: WebhookUrlPolicy;
}

/** Everything the API needs, built by `main.ts` (the only place that reads configuration). */
export interface ApiDeps extends Repositories, ApiAdapters {
  /** One per process: its token cache is dropped when a token is revoked here. */
  authenticator: Authenticator;
  webhookUrlPolicy: WebhookUrlPolicy;
}

/** The API's dependencies over a set of adapters: repositories on `db`, and the authenticator. */
export function createApiDeps(adapters: ApiAdapters): ApiDeps {
  const repositories = createRepositories(adapters.db);
  const authenticator = new Authenticator({ ...repositories, clock: adapters.clock });
  const webhookUrlPolicy = adapters.webhookUrlPolicy ?? { allowPrivateNetworks: true, allowedHosts: [] };
  return { ...adapters, ...repositories, authenticator, webhookUrlPolicy };
}
