import { z } from "zod";
import { emailAddress } from "./email-address.js";
import { httpUrl } from "./http-url.js";
import {
  OrganizationDetailsInput,
  OrganizationFeatureSettingsInput,
  OrganizationSocialLinkInput,
  OrganizationSubscriptionSettingsInput,
} from "./organization-settings-input.js";
import { pyString } from "./py-string.js";

export const ORGANIZATION_NAME_MIN_LENGTH = 3;
export const ORGANIZATION_SLUG_MIN_LENGTH = 3;
const SLUG_PATTERN = /^[a-zA-Z0-9-]+$/;

export const organizationName = pyString({ minLength: ORGANIZATION_NAME_MIN_LENGTH });

/** Slugs appear in portal URLs and are unique, so they are stored lowercase. */
const organizationSlug = pyString({ minLength: ORGANIZATION_SLUG_MIN_LENGTH, pattern: SLUG_PATTERN }).transform(
  (slug) => slug.toLowerCase(),
);

/** The optional fields shared by create and update. */
export const organizationProfileFields = {
  avatar_url: httpUrl.nullable().optional(),
  email: emailAddress.nullable().optional(),
  website: httpUrl.nullable().optional(),
  socials: z.array(OrganizationSocialLinkInput).nullable().optional(),
  details: OrganizationDetailsInput.nullable().optional(),
  feature_settings: OrganizationFeatureSettingsInput.nullable().optional(),
  subscription_settings: OrganizationSubscriptionSettingsInput.nullable().optional(),
};

export interface OrganizationCreateInput {
  name: string;
  slug: string;
  avatarUrl: string | null;
  email: string | null;
  website: string | null;
  socials: OrganizationSocialLinkInput[];
  details: OrganizationDetailsInput | null;
  featureSettings: OrganizationFeatureSettingsInput | null;
  subscriptionSettings: OrganizationSubscriptionSettingsInput | null;
}

/** `POST /v1/organizations/` (user tokens only). */
export const OrganizationCreateInput = z
  .object({ name: organizationName, slug: organizationSlug, ...organizationProfileFields })
  .transform(
    (body): OrganizationCreateInput => ({
      name: body.name,
      slug: body.slug,
      avatarUrl: body.avatar_url ?? null,
      email: body.email ?? null,
      website: body.website ?? null,
      socials: body.socials ?? [],
      details: body.details ?? null,
      featureSettings: body.feature_settings ?? null,
      subscriptionSettings: body.subscription_settings ?? null,
    }),
  );
