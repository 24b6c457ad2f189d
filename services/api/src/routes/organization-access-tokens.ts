import { formatDateTime, parseMultiUuid, parsePagination, type QueryInput, uuid4 } from "@meterline/api-schema";
import { isScope } from "@meterline/core";
import type { AccessTokenRecord } from "@meterline/postgres";
import { z } from "zod";
import { issueAccessToken } from "../admin/organizations.js";
import type { ApiDeps } from "../deps.js";
import { defineRoute, type RouteDefinition } from "../http/route.js";
import { ValidationFailure } from "../http/validation-failure.js";
import { bodyOf, idParam, listResponse, notFound, organizationForCreate, readableOrganizations } from "./shared.js";

const READ = ["organization_access_tokens:read", "organization_access_tokens:write"];
const WRITE = ["organization_access_tokens:write"];

/** ISO 8601 duration (`P30D`, `PT12H`) or whole seconds, as later Polar accepts for `expires_in`. */
function parseDuration(value: unknown): number | null {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  if (typeof value !== "string") return null;
  if (/^\d+$/.test(value)) return Number(value) > 0 ? Number(value) : null;
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
  if (match === null || value === "P" || value.endsWith("T")) return null;
  const [, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  const total =
    (weeks ?? 0) * 604800 + (days ?? 0) * 86400 + (hours ?? 0) * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0);
  return total > 0 ? total : null;
}

const TokenCreateInput = z.object({
  organization_id: uuid4.nullable().optional(),
  comment: z.string().max(500).optional().default(""),
  expires_in: z.union([z.string(), z.number()]).nullable().optional(),
  scopes: z.array(z.string()).min(1),
});

function serializeToken(token: AccessTokenRecord) {
  return {
    id: token.id,
    created_at: formatDateTime(token.createdAt),
    modified_at: null,
    scopes: token.scopes,
    expires_at: token.expiresAt === null ? null : formatDateTime(token.expiresAt),
    comment: token.comment,
    last_used_at: null,
    organization_id: token.organizationId,
  };
}

const createBody = bodyOf(TokenCreateInput);

/**
 * Organization access tokens (later Polar's `/v1/organization-access-tokens/`): how operators
 * mint tokens for applications without touching the database.
 */
export function organizationAccessTokenRoutes(deps: ApiDeps): RouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      url: "/v1/organization-access-tokens/",
      operationId: "organization_access_tokens:create",
      summary: "Create organization access token",
      tag: "organization_access_tokens",
      auth: { scopes: WRITE },
      body: createBody,
      status: 201,
      docs: { body: TokenCreateInput },
      handler: async ({ subject, body }) => {
        const organizationId = organizationForCreate(subject, body.organization_id);
        const issues = body.scopes.flatMap((scope, index) =>
          isScope(scope)
            ? []
            : [{ type: "enum", loc: ["body", "scopes", index], msg: "Input should be a valid scope", input: scope }],
        );
        const seconds = body.expires_in == null ? null : parseDuration(body.expires_in);
        if (body.expires_in != null && seconds === null) {
          issues.push({
            type: "value_error",
            loc: ["body", "expires_in"],
            msg: "Value error, Invalid duration.",
            input: body.expires_in as string,
          });
        }
        if (issues.length > 0) throw new ValidationFailure(issues);
        const now = deps.clock.now();
        const issued = await issueAccessToken(deps, {
          kind: "organization",
          organizationId,
          scopes: body.scopes,
          comment: body.comment,
          expiresAt: seconds === null ? null : new Date(now.getTime() + seconds * 1000),
        });
        return {
          organization_access_token: serializeToken({
            id: issued.id,
            createdAt: now,
            kind: "organization",
            organizationId,
            userId: null,
            scopes: issued.scopes,
            comment: body.comment,
            expiresAt: issued.expiresAt,
            revokedAt: null,
          }),
          token: issued.token,
        };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/v1/organization-access-tokens/",
      operationId: "organization_access_tokens:list",
      summary: "List organization access tokens",
      tag: "organization_access_tokens",
      auth: { scopes: READ },
      query: (raw, issues) => {
        const query = raw as QueryInput;
        return {
          organizationIds: parseMultiUuid(query, "organization_id", issues),
          page: parsePagination(query, issues),
        };
      },
      status: 200,
      handler: async ({ subject, query }) => {
        const tokens = (
          await Promise.all(
            readableOrganizations(subject, query.organizationIds).map((id) => deps.tokens.listForOrganization(id)),
          )
        ).flat();
        const offset = (query.page.page - 1) * query.page.limit;
        return listResponse(
          tokens.slice(offset, offset + query.page.limit).map(serializeToken),
          tokens.length,
          query.page,
        );
      },
    }),
    defineRoute({
      method: "DELETE",
      url: "/v1/organization-access-tokens/:id",
      operationId: "organization_access_tokens:delete",
      summary: "Revoke organization access token",
      tag: "organization_access_tokens",
      auth: { scopes: WRITE },
      params: idParam,
      status: 204,
      handler: async ({ subject, params }) => {
        for (const organizationId of subject.organizationIds) {
          if (await deps.tokens.revoke(params.id, organizationId, deps.clock.now())) {
            deps.authenticator.forget();
            return;
          }
        }
        throw notFound();
      },
    }),
  ];
}
