import { z } from "zod";
import { organizationName, organizationProfileFields } from "./organization-create-input.js";
import type {
  OrganizationDetailsInput,
  OrganizationFeatureSettingsInput,
  OrganizationSocialLinkInput,
  OrganizationSubscriptionSettingsInput,
} from "./organization-settings-input.js";
import { presentKeys } from "./present-keys.js";

export const ORGANIZATION_UPDATE_KEYS = [
  "name",
  "avatarUrl",
  "email",
  "website",
  "socials",
  "details",
  "featureSettings",
  "subscriptionSettings",
] as const;
export type OrganizationUpdateKey = (typeof ORGANIZATION_UPDATE_KEYS)[number];

export interface OrganizationUpdateInput {
  name?: string | null;
  avatarUrl?: string | null;
  email?: string | null;
  website?: string | null;
  socials?: OrganizationSocialLinkInput[] | null;
  details?: OrganizationDetailsInput | null;
  featureSettings?: OrganizationFeatureSettingsInput | null;
  subscriptionSettings?: OrganizationSubscriptionSettingsInput | null;
  presentKeys: OrganizationUpdateKey[];
}

/** `PATCH /v1/organizations/{id}`: the slug cannot change; omitted keys keep their value. */
export const OrganizationUpdateInput = z
  .object({ name: organizationName.nullable().optional(), ...organizationProfileFields })
  .transform((body): OrganizationUpdateInput => {
    const { avatar_url, feature_settings, subscription_settings, ...rest } = body;
    const renamed = {
      ...rest,
      ...(avatar_url !== undefined && { avatarUrl: avatar_url }),
      ...(feature_settings !== undefined && { featureSettings: feature_settings }),
      ...(subscription_settings !== undefined && { subscriptionSettings: subscription_settings }),
    };
    return { ...renamed, presentKeys: presentKeys(renamed, ORGANIZATION_UPDATE_KEYS) };
  });
