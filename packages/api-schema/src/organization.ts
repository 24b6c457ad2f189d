import { z } from "zod";
import { DateTimeString } from "./date-time-string.js";

export const ORGANIZATION_SOCIAL_PLATFORMS = [
  "x",
  "github",
  "facebook",
  "instagram",
  "youtube",
  "tiktok",
  "linkedin",
  "other",
] as const;
export const OrganizationSocialPlatform = z.enum(ORGANIZATION_SOCIAL_PLATFORMS);
export type OrganizationSocialPlatform = z.infer<typeof OrganizationSocialPlatform>;

export const SUBSCRIPTION_PRORATION_BEHAVIORS = ["invoice", "prorate"] as const;
export const SubscriptionProrationBehavior = z.enum(SUBSCRIPTION_PRORATION_BEHAVIORS);
export type SubscriptionProrationBehavior = z.infer<typeof SubscriptionProrationBehavior>;

export const OrganizationSocialLink = z.object({ platform: OrganizationSocialPlatform, url: z.string() });
export type OrganizationSocialLink = z.infer<typeof OrganizationSocialLink>;

export const OrganizationFeatureSettings = z.object({
  issue_funding_enabled: z.boolean(),
  usage_based_billing_enabled: z.boolean(),
});
export type OrganizationFeatureSettings = z.infer<typeof OrganizationFeatureSettings>;

export const OrganizationSubscriptionSettings = z.object({
  allow_multiple_subscriptions: z.boolean(),
  allow_customer_updates: z.boolean(),
  proration_behavior: SubscriptionProrationBehavior,
});
export type OrganizationSubscriptionSettings = z.infer<typeof OrganizationSubscriptionSettings>;

export const Organization = z.object({
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  avatar_url: z.string().nullable(),
  email: z.string().nullable(),
  website: z.string().nullable(),
  socials: z.array(OrganizationSocialLink),
  details_submitted_at: DateTimeString.nullable(),
  feature_settings: OrganizationFeatureSettings.nullable(),
  subscription_settings: OrganizationSubscriptionSettings,
});
export type Organization = z.infer<typeof Organization>;
