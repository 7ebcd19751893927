/**
 * Queue URLs and ARNs.
 *
 * The SDKs send back whatever QueueUrl we gave them, and users paste URLs from real AWS or from
 * LocalStack into their config, so every form in circulation is accepted:
 *   http://localhost:4566/000000000000/name                                  (LocalStack "path" default)
 *   http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/name   (LocalStack "standard")
 *   https://sqs.us-east-1.amazonaws.com/000000000000/name                    (AWS today)
 *   https://us-east-1.queue.amazonaws.com/000000000000/name                  (AWS legacy)
 *   https://queue.amazonaws.com/000000000000/name                            (AWS legacy, us-east-1)
 *   http://localhost:4566/queue/us-east-1/000000000000/name                  (LocalStack "path" strategy)
 * The JS v3 SDK sends requests to the QueueUrl's host when it differs from the endpoint
 * (its queueUrlMiddleware), so the URLs we build must point at Nimbus itself.
 */
import { parseArn } from "../../../core/arn.js";

export interface ParsedQueueUrl {
  account: string;
  name: string;
  /** Present when the host or path names a region. */
  region?: string;
}

export interface QueueArnParts {
  partition: string;
  region: string;
  account: string;
  name: string;
}

const ACCOUNT_RE = /^\d{12}$/;
// Names are validated elsewhere; here we only need to recognise the shape, .fifo included.
const NAME_RE = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function regionFromHost(host: string): string | undefined {
  const labels = host.toLowerCase().split(".");
  // sqs.<region>.amazonaws.com, sqs.<region>.localhost.localstack.cloud
  if (labels[0] === "sqs" && labels[1] !== undefined && REGION_RE.test(labels[1])) return labels[1];
  // <region>.queue.amazonaws.com
  if (labels[1] === "queue" && labels[0] !== undefined && REGION_RE.test(labels[0])) return labels[0];
  // queue.amazonaws.com is us-east-1
  if (labels[0] === "queue" && labels[1] === "amazonaws") return "us-east-1";
  return undefined;
}

/** Whether a QueueUrl is a bare queue name (`orders`, `orders.fifo`) rather than a URL. */
export function isQueueName(queueUrl: string): boolean {
  return NAME_RE.test(queueUrl);
}

/** Parses a queue URL; returns undefined when it is not one (the handler answers QueueDoesNotExist). */
export function parseQueueUrl(queueUrl: string): ParsedQueueUrl | undefined {
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch {
    return undefined;
  }
  let segments: string[];
  try {
    segments = url.pathname.split("/").filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
  let region = regionFromHost(url.hostname);
  let rest = segments;
  if (segments.length === 4 && segments[0] === "queue" && REGION_RE.test(segments[1] ?? "")) {
    region = segments[1];
    rest = segments.slice(2);
  }
  if (rest.length !== 2) return undefined;
  const [account, name] = rest as [string, string];
  if (!ACCOUNT_RE.test(account) || !NAME_RE.test(name)) return undefined;
  return region === undefined ? { account, name } : { account, name, region };
}

export interface BuildQueueUrlOptions {
  /** Where Nimbus answers, as the client reached it: `http://localhost:4566`. */
  endpoint: string;
  account: string;
  name: string;
  /**
   * "path" gives `<endpoint>/<account>/<name>`; "standard" gives the regional host form
   * `sqs.<region>.localhost.localstack.cloud`, which resolves to 127.0.0.1 through public DNS.
   */
  style?: "path" | "standard";
  region?: string;
}

export function buildQueueUrl(options: BuildQueueUrlOptions): string {
  const base = new URL(options.endpoint);
  if (options.style === "standard") {
    if (options.region === undefined) throw new Error("buildQueueUrl: the standard style needs a region");
    base.hostname = `sqs.${options.region}.localhost.localstack.cloud`;
  }
  const origin = base.origin;
  return `${origin}/${options.account}/${encodeURIComponent(options.name)}`;
}

export function queueArn(parts: { region: string; account: string; name: string; partition?: string }): string {
  return `arn:${parts.partition ?? "aws"}:sqs:${parts.region}:${parts.account}:${parts.name}`;
}

/** Parses `arn:aws:sqs:us-east-1:000000000000:name`; undefined when it is not an SQS queue ARN. */
export function parseQueueArn(arn: string): QueueArnParts | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== "sqs" || parsed.partition.length === 0 || parsed.region.length === 0) return undefined;
  const { partition, region, account, resource: name } = parsed;
  if (!ACCOUNT_RE.test(account) || !NAME_RE.test(name)) return undefined;
  return { partition, region, account, name };
}
