/**
 * Which service a request is for, the way the SDKs address AWS: the X-Amz-Target header,
 * the SigV4 credential scope (header or presigned query), the host name, and for unsigned
 * requests the Action parameter or the path. Pure functions over the service index.
 */
import { parseSigV2, type SigV2Authorization } from "../auth/sigv2.js";
import { parseAuthorization, type ParsedAuthorization } from "../auth/sigv4.js";
import { RowCache } from "../state/row-cache.js";
import type { ServiceIndexEntry } from "./codec.js";
import type { WireRequest } from "./wire.js";

export interface CredentialScope {
  /** The parsed SigV4 authorization (absent for legacy SigV2 requests). */
  readonly sigv4?: ParsedAuthorization;
  /** A legacy SigV2 header or presigned URL (S3's clients). */
  readonly sigv2?: SigV2Authorization;
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/**
 * The credential scope of a request, from a SigV4 Authorization header or presigned query
 * (parsed by the SigV4 module, which throws AWS's error for a malformed one), or the access
 * key of a legacy SigV2 header or presigned URL, which S3 clients still send.
 */
export function credentialScope(req: Pick<WireRequest, "headers" | "query">): CredentialScope | undefined {
  const parsed = parseAuthorization(req.headers, req.query);
  if (parsed) return { sigv4: parsed, accessKeyId: parsed.accessKeyId, date: parsed.date, region: parsed.region, service: parsed.service };
  const v2 = parseSigV2(req.headers, req.query);
  return v2 ? { sigv2: v2, accessKeyId: v2.accessKeyId, date: "", region: "", service: "" } : undefined;
}

export class ServiceDirectory {
  private readonly byTarget = new Map<string, string>();
  private readonly byPreviousTarget = new Map<string, string>();
  private readonly bySigningName = new Map<string, string[]>();
  private readonly byEndpointPrefix = new Map<string, string>();

  constructor(readonly index: Readonly<Record<string, ServiceIndexEntry>>) {
    for (const [id, entry] of Object.entries(index)) {
      if (entry.targetPrefix) this.byTarget.set(entry.targetPrefix, id);
      if (entry.previous) this.byPreviousTarget.set(entry.previous.targetPrefix, id);
      const list = this.bySigningName.get(entry.signingName) ?? [];
      list.push(id);
      this.bySigningName.set(entry.signingName, list);
      this.byEndpointPrefix.set(entry.endpointPrefix, id);
    }
  }

  fromTarget(target: string): { service: string; operation: string } | undefined {
    const dot = target.lastIndexOf(".");
    if (dot === -1) return undefined;
    const service = this.byTarget.get(target.slice(0, dot));
    return service ? { service, operation: target.slice(dot + 1) } : undefined;
  }

  /** The service whose previous API version a target names (DynamoDB_20111205.GetItem), asked only of a target fromTarget does not know. */
  fromPreviousTarget(target: string): { service: string; operation: string } | undefined {
    const dot = target.lastIndexOf(".");
    const service = dot === -1 ? undefined : this.byPreviousTarget.get(target.slice(0, dot));
    return service ? { service, operation: target.slice(dot + 1) } : undefined;
  }

  /** Services signing with this name; the first is the one that owns the name (dynamodb before its streams). */
  fromSigningName(name: string): readonly string[] {
    return this.bySigningName.get(name) ?? [];
  }

  fromEndpointPrefix(prefix: string): string | undefined {
    return this.byEndpointPrefix.get(prefix);
  }
}

/**
 * An S3 virtual-hosted-style bucket from the Host header: `<bucket>.s3.<anything>` or
 * `<bucket>.localhost` (and `<bucket>.<configured host>`). Undefined for path-style hosts.
 */
export function virtualHostBucket(host: string, configuredHostname: string): string | undefined {
  const hostname = stripPort(host).toLowerCase();
  if (!hostname || /^[\d.]+$/.test(hostname) || hostname.startsWith("[")) return undefined;
  const s3 = hostname.indexOf(".s3.");
  if (s3 > 0) return hostname.slice(0, s3);
  const dashed = /^(.+)\.s3-[a-z0-9-]+\./.exec(hostname);
  if (dashed && !hostname.startsWith("s3-")) return dashed[1];
  for (const base of ["localhost", configuredHostname.toLowerCase()]) {
    if (base && hostname.endsWith(`.${base}`) && !hostname.startsWith("s3.")) {
      const bucket = hostname.slice(0, -(base.length + 1));
      // `sqs.us-east-1.localhost` style hosts name a service, not a bucket.
      if (!/^[a-z0-9-]+\.[a-z]{2}(-gov)?-[a-z]+-\d/.test(bucket)) return bucket;
    }
  }
  return undefined;
}

/**
 * An S3 static-website endpoint: `<bucket>.s3-website.<region>.<domain>` or
 * `<bucket>.s3-website-<region>.<domain>` (AWS uses both spellings). Undefined for other hosts.
 */
export function websiteEndpoint(host: string): { bucket: string; region?: string } | undefined {
  const hostname = stripPort(host).toLowerCase();
  const at = hostname.indexOf(".s3-website");
  if (at <= 0) return undefined;
  const match = /^\.s3-website(?:[.-]([a-z]{2}(?:-gov)?-[a-z]+-\d+))?\./.exec(hostname.slice(at));
  return match ? { bucket: hostname.slice(0, at), ...(match[1] ? { region: match[1] } : {}) } : undefined;
}

export type HostService = Readonly<{ prefix: string; region?: string }>;

/** Hosts seen lately and what they name, nothing included; a client sends the same few every time. */
const hostServices = new RowCache<HostService>(1024, true);

/** A service and region named by the host: `sqs.us-east-1.localhost.localstack.cloud`. */
export function hostService(host: string): HostService | undefined {
  return hostServices.get(host, () => serviceOfHost(host));
}

function serviceOfHost(host: string): { prefix: string; region?: string } | undefined {
  // A website host names S3 (and its region) after the bucket's own labels.
  const website = websiteEndpoint(host);
  if (website) return { prefix: "s3", ...(website.region ? { region: website.region } : {}) };
  const labels = stripPort(host).toLowerCase().split(".");
  if (labels.length < 2 || /^\d+$/.test(labels[0] ?? "")) return undefined;
  const region = labels[1] && /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(labels[1]) ? labels[1] : undefined;
  return { prefix: labels[0] ?? "", ...(region ? { region } : {}) };
}

export function stripPort(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}
