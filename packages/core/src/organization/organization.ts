export interface OrganizationSocialLink {
  platform: string;
  url: string;
}

export interface OrganizationFeatureSettings {
  issueFundingEnabled: boolean;
  usageBasedBillingEnabled: boolean;
}

export interface OrganizationSubscriptionSettings {
  allowMultipleSubscriptions: boolean;
  allowCustomerUpdates: boolean;
  prorationBehavior: "invoice" | "prorate";
}

export interface Organization {
  id: string;
  createdAt: Date;
  modifiedAt: Date | null;
  name: string;
  slug: string;
  avatarUrl: string | null;
  email: string | null;
  website: string | null;
  socials: OrganizationSocialLink[];
  details: Record<string, unknown> | null;
  detailsSubmittedAt: Date | null;
  featureSettings: OrganizationFeatureSettings;
  subscriptionSettings: OrganizationSubscriptionSettings;
  blockedAt: Date | null;
}

/** A self-hosted engine exists to bill usage, so usage-based billing is on by default. */
export const DEFAULT_FEATURE_SETTINGS: OrganizationFeatureSettings = {
  issueFundingEnabled: false,
  usageBasedBillingEnabled: true,
};

export const DEFAULT_SUBSCRIPTION_SETTINGS: OrganizationSubscriptionSettings = {
  allowMultipleSubscriptions: false,
  allowCustomerUpdates: true,
  prorationBehavior: "prorate",
};
