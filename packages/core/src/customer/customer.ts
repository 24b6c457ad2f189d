import type { Metadata } from "../event/event.js";

export interface Address {
  line1: string | null;
  line2: string | null;
  postalCode: string | null;
  city: string | null;
  state: string | null;
  country: string;
}

export interface Customer {
  id: string;
  organizationId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  deletedAt: Date | null;
  email: string;
  emailVerified: boolean;
  name: string | null;
  externalId: string | null;
  billingAddress: Address | null;
  /** `[value, format]` as Polar's API carries it, or null. */
  taxId: Array<string | null> | null;
  metadata: Metadata;
}
