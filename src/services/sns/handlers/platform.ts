/**
 * Mobile push API: platform applications and their endpoints (device tokens). Publishing to an
 * endpoint is in publish.ts; the push is recorded in the outbox (see platform.ts).
 */
import { randomUUID } from "node:crypto";
import type {
  CreatePlatformApplicationInput,
  CreatePlatformApplicationOutput,
  CreatePlatformEndpointInput,
  CreatePlatformEndpointOutput,
  DeleteEndpointInput,
  DeleteEndpointOutput,
  DeletePlatformApplicationInput,
  DeletePlatformApplicationOutput,
  GetEndpointAttributesInput,
  GetEndpointAttributesOutput,
  GetPlatformApplicationAttributesInput,
  GetPlatformApplicationAttributesOutput,
  ListEndpointsByPlatformApplicationInput,
  ListEndpointsByPlatformApplicationOutput,
  ListPlatformApplicationsInput,
  ListPlatformApplicationsOutput,
  SetEndpointAttributesInput,
  SetEndpointAttributesOutput,
  SetPlatformApplicationAttributesInput,
  SetPlatformApplicationAttributesOutput,
} from "../../../generated/sns.js";
import { errors, invalidParameter } from "../errors.js";
import {
  PLATFORMS,
  applicationArn,
  checkApplicationAttributes,
  checkApplicationName,
  checkEndpointAttributes,
  endpointArn,
  parseApplicationArn,
  parseEndpointArn,
  splitApplicationAttributes,
  type PlatformApplication,
  type PlatformEndpoint,
} from "../platform.js";
import { pageOf, type SnsContext } from "../topics.js";

// ListPlatformApplications and ListEndpointsByPlatformApplication pages hold up to 100 items.
const PAGE = 100;

/** The application an ARN names, in the caller's account and region. */
function resolveApplication(ctx: SnsContext, arn: string): PlatformApplication {
  const ref = parseApplicationArn(arn);
  if (ref === undefined) throw invalidParameter("Invalid parameter: PlatformApplicationArn");
  const app = ctx.store.platform.getApplication(ref);
  if (app === undefined) throw errors.PlatformApplicationNotFound();
  return app;
}

function resolveEndpoint(ctx: SnsContext, arn: string): PlatformEndpoint {
  const ref = parseEndpointArn(arn);
  if (ref === undefined) throw invalidParameter("Invalid parameter: EndpointArn");
  const endpoint = ctx.store.platform.getEndpoint(ref.account, ref.region, ref.id);
  if (endpoint === undefined) throw errors.EndpointNotFound();
  return endpoint;
}

/** Endpoint attributes in AWS's order: Enabled, Token, CustomUserData. */
function endpointAttributes(current: Readonly<Record<string, string>>, changes: Readonly<Record<string, string>>): Record<string, string> {
  const merged: Readonly<Record<string, string>> = { ...{}, ...current, ...changes };
  const out: Record<string, string> = { Enabled: merged.Enabled ?? "true", Token: merged.Token ?? "" };
  if (merged.CustomUserData !== undefined) out.CustomUserData = merged.CustomUserData;
  return out;
}

function sameAttributes(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/**
 * Creating an application that exists (same platform and name) replaces its attributes and
 * answers the same ARN. The credentials are kept but never shown.
 */
export function createPlatformApplication(input: CreatePlatformApplicationInput, ctx: SnsContext): CreatePlatformApplicationOutput {
  checkApplicationName(input.Name);
  if (!PLATFORMS.has(input.Platform)) throw invalidParameter(`Invalid parameter: Platform Reason: ${input.Platform} is not supported`);
  const attributes = input.Attributes ?? {};
  checkApplicationAttributes(input.Platform, attributes, true);
  const { shown, secrets } = splitApplicationAttributes(attributes);
  const app: PlatformApplication = {
    account: ctx.account,
    region: ctx.region,
    platform: input.Platform,
    name: input.Name,
    attributes: { Enabled: "true", ...shown },
    secrets,
  };
  ctx.store.platform.putApplication(app, ctx.clock.now());
  return { PlatformApplicationArn: applicationArn(app) };
}

export function getPlatformApplicationAttributes(input: GetPlatformApplicationAttributesInput, ctx: SnsContext): GetPlatformApplicationAttributesOutput {
  return { Attributes: { ...resolveApplication(ctx, input.PlatformApplicationArn).attributes } };
}

export function setPlatformApplicationAttributes(input: SetPlatformApplicationAttributesInput, ctx: SnsContext): SetPlatformApplicationAttributesOutput {
  const app = resolveApplication(ctx, input.PlatformApplicationArn);
  checkApplicationAttributes(app.platform, input.Attributes, false);
  const { shown, secrets } = splitApplicationAttributes(input.Attributes);
  ctx.store.platform.putApplication({ ...{}, ...app, attributes: { ...{}, ...app.attributes, ...shown }, secrets: { ...{}, ...app.secrets, ...secrets } }, ctx.clock.now());
  return {};
}

export function listPlatformApplications(input: ListPlatformApplicationsInput, ctx: SnsContext): ListPlatformApplicationsOutput {
  const page = pageOf(ctx.store.platform.listApplications(ctx.account, ctx.region), input.NextToken, PAGE, (app) => `${app.platform}\u0000${app.name}`);
  return {
    PlatformApplications: page.items.map((app) => ({ PlatformApplicationArn: applicationArn(app), Attributes: { ...app.attributes } })),
    ...(page.next !== undefined ? { NextToken: page.next } : {}),
  };
}

/** Idempotent: deleting an application that does not exist succeeds. Its endpoints go with it. */
export function deletePlatformApplication(input: DeletePlatformApplicationInput, ctx: SnsContext): DeletePlatformApplicationOutput {
  const ref = parseApplicationArn(input.PlatformApplicationArn);
  if (ref === undefined) throw invalidParameter("Invalid parameter: PlatformApplicationArn");
  ctx.store.transaction(() => ctx.store.platform.deleteApplication(ref));
  return {};
}

/**
 * Idempotent per token: the same token with the same attributes answers the existing endpoint;
 * with different attributes it is refused, naming the endpoint (AWS's wording).
 */
export function createPlatformEndpoint(input: CreatePlatformEndpointInput, ctx: SnsContext): CreatePlatformEndpointOutput {
  const app = resolveApplication(ctx, input.PlatformApplicationArn);
  if (input.Token === "") throw invalidParameter("Invalid parameter: Token Reason: cannot be empty");
  const given = { ...(input.Attributes ?? {}) };
  // CustomUserData may come as a parameter or as an attribute; the attribute wins.
  if (input.CustomUserData !== undefined && given.CustomUserData === undefined) given.CustomUserData = input.CustomUserData;
  checkEndpointAttributes(given);
  const attributes = endpointAttributes({}, { ...{}, ...given, Token: input.Token });
  return ctx.store.transaction(() => {
    const existing = ctx.store.platform.findEndpointByToken(app, input.Token);
    if (existing !== undefined) {
      if (!sameAttributes(existing.attributes, attributes)) {
        throw invalidParameter(`Invalid parameter: Token Reason: Endpoint ${endpointArn(existing)} already exists with the same Token, but different attributes.`);
      }
      return { EndpointArn: endpointArn(existing) };
    }
    const endpoint: PlatformEndpoint = { account: app.account, region: app.region, id: randomUUID(), platform: app.platform, appName: app.name, attributes };
    ctx.store.platform.insertEndpoint(endpoint);
    return { EndpointArn: endpointArn(endpoint) };
  });
}

export function getEndpointAttributes(input: GetEndpointAttributesInput, ctx: SnsContext): GetEndpointAttributesOutput {
  return { Attributes: { ...resolveEndpoint(ctx, input.EndpointArn).attributes } };
}

export function setEndpointAttributes(input: SetEndpointAttributesInput, ctx: SnsContext): SetEndpointAttributesOutput {
  const endpoint = resolveEndpoint(ctx, input.EndpointArn);
  checkEndpointAttributes(input.Attributes);
  ctx.store.platform.updateEndpoint({ ...{}, ...endpoint, attributes: endpointAttributes(endpoint.attributes, input.Attributes) });
  return {};
}

export function listEndpointsByPlatformApplication(input: ListEndpointsByPlatformApplicationInput, ctx: SnsContext): ListEndpointsByPlatformApplicationOutput {
  const app = resolveApplication(ctx, input.PlatformApplicationArn);
  const page = pageOf(ctx.store.platform.listEndpoints(app), input.NextToken, PAGE, (listed) => listed.seq);
  return {
    Endpoints: page.items.map(({ endpoint: ep }) => ({ EndpointArn: endpointArn(ep), Attributes: { ...ep.attributes } })),
    ...(page.next !== undefined ? { NextToken: page.next } : {}),
  };
}

/** Idempotent: deleting an endpoint that does not exist succeeds. */
export function deleteEndpoint(input: DeleteEndpointInput, ctx: SnsContext): DeleteEndpointOutput {
  const ref = parseEndpointArn(input.EndpointArn);
  if (ref === undefined) throw invalidParameter("Invalid parameter: EndpointArn");
  ctx.store.platform.deleteEndpoint(ref.account, ref.region, ref.id);
  return {};
}
