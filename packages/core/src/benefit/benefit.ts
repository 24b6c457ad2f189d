import type { Metadata } from "../event/event.js";

export type BenefitProperties =
  | { type: "meter_credit"; meterId: string; units: number; rollover: boolean }
  | { type: "custom"; note: string | null };

export interface Benefit {
  id: string;
  organizationId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  description: string;
  metadata: Metadata;
  properties: BenefitProperties;
  deletedAt: Date | null;
}

/** What a meter_credit grant remembers of its last credit (Polar's grant properties). */
export interface MeterCreditGrantProperties {
  lastCreditedMeterId?: string;
  lastCreditedUnits?: number;
  lastCreditedAt?: string;
}

export interface BenefitGrant {
  id: string;
  organizationId: string;
  createdAt: Date;
  modifiedAt: Date | null;
  customerId: string;
  benefitId: string;
  subscriptionId: string | null;
  orderId: string | null;
  grantedAt: Date | null;
  revokedAt: Date | null;
  properties: MeterCreditGrantProperties;
}
