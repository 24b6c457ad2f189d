import { z } from "zod";
import { httpUrl } from "./http-url.js";
import { ORGANIZATION_SOCIAL_PLATFORMS, SUBSCRIPTION_PRORATION_BEHAVIORS } from "./organization.js";
import { pyBool } from "./py-bool.js";
import { pyEnum } from "./py-enum.js";
import { pyInt } from "./py-int.js";
import { pyString } from "./py-string.js";

export const SWITCHING_FROM = ["paddle", "lemon_squeezy", "gumroad", "stripe", "other"] as const;

export const OrganizationSocialLinkInput = z.object({
  platform: pyEnum(ORGANIZATION_SOCIAL_PLATFORMS),
  url: httpUrl,
});
export type OrganizationSocialLinkInput = z.output<typeof OrganizationSocialLinkInput>;

/** Business details a merchant submits once; only stored (and timestamped) by Meterline. */
export const OrganizationDetailsInput = z
  .object({
    about: pyString(),
    product_description: pyString(),
    intended_use: pyString(),
    customer_acquisition: z.array(pyString()),
    future_annual_revenue: pyInt({ ge: 0 }),
    switching: pyBool().optional(),
    switching_from: pyEnum(SWITCHING_FROM).nullable().optional(),
    previous_annual_revenue: pyInt({ ge: 0 }).optional(),
  })
  .transform((details) => ({
    about: details.about,
    productDescription: details.product_description,
    intendedUse: details.intended_use,
    customerAcquisition: details.customer_acquisition,
    futureAnnualRevenue: details.future_annual_revenue,
    switching: details.switching ?? true,
    switchingFrom: details.switching_from ?? null,
    previousAnnualRevenue: details.previous_annual_revenue ?? 0,
  }));
export type OrganizationDetailsInput = z.output<typeof OrganizationDetailsInput>;

export const OrganizationFeatureSettingsInput = z
  .object({
    issue_funding_enabled: pyBool().optional(),
    usage_based_billing_enabled: pyBool().optional(),
  })
  .transform((settings) => ({
    issueFundingEnabled: settings.issue_funding_enabled ?? false,
    usageBasedBillingEnabled: settings.usage_based_billing_enabled ?? false,
  }));
export type OrganizationFeatureSettingsInput = z.output<typeof OrganizationFeatureSettingsInput>;

export const OrganizationSubscriptionSettingsInput = z
  .object({
    allow_multiple_subscriptions: pyBool(),
    allow_customer_updates: pyBool(),
    proration_behavior: pyEnum(SUBSCRIPTION_PRORATION_BEHAVIORS),
  })
  .transform((settings) => ({
    allowMultipleSubscriptions: settings.allow_multiple_subscriptions,
    allowCustomerUpdates: settings.allow_customer_updates,
    prorationBehavior: settings.proration_behavior,
  }));
export type OrganizationSubscriptionSettingsInput = z.output<typeof OrganizationSubscriptionSettingsInput>;
