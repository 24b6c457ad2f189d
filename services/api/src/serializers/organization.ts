import { formatDateTime } from "@meterline/api-schema";
import type { Organization } from "@meterline/core";

export function serializeOrganization(organization: Organization) {
  return {
    created_at: formatDateTime(organization.createdAt),
    modified_at: organization.modifiedAt === null ? null : formatDateTime(organization.modifiedAt),
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    avatar_url: organization.avatarUrl,
    email: organization.email,
    website: organization.website,
    socials: organization.socials.map((social) => ({ platform: social.platform, url: social.url })),
    details_submitted_at:
      organization.detailsSubmittedAt === null ? null : formatDateTime(organization.detailsSubmittedAt),
    feature_settings: {
      issue_funding_enabled: organization.featureSettings.issueFundingEnabled,
      usage_based_billing_enabled: organization.featureSettings.usageBasedBillingEnabled,
    },
    subscription_settings: {
      allow_multiple_subscriptions: organization.subscriptionSettings.allowMultipleSubscriptions,
      allow_customer_updates: organization.subscriptionSettings.allowCustomerUpdates,
      proration_behavior: organization.subscriptionSettings.prorationBehavior,
    },
  };
}
