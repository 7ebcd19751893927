/**
 * Internal HTTP endpoints that show what SNS "sent" where one machine cannot send (LocalStack's
 * paths and shapes, so existing test helpers work against Nimbus):
 *
 *   GET    /_aws/sns/sms-messages[?phoneNumber=]                 {"sms_messages": {number: [...]}, "region"}
 *   DELETE /_aws/sns/sms-messages[?phoneNumber=]                 204
 *   GET    /_aws/sns/platform-endpoint-messages[?endpointArn=]   {"platform_endpoint_messages": {arn: [...]}, "region"}
 *   DELETE /_aws/sns/platform-endpoint-messages[?endpointArn=]   204
 *   GET    /_aws/sns/subscription-tokens/<subscriptionArn>       {"subscription_token", "subscription_arn"}
 *   GET    /_nimbus/sns/email-messages[?address=]                {"email_messages": {address: [...]}, "region"}
 *   DELETE /_nimbus/sns/email-messages[?address=]                204
 *   POST   /_nimbus/sns/phone-opt-out  {"phoneNumber", ...}      204: the number's owner replied STOP
 *   GET    /SimpleNotificationService-<digest>.pem               the signing certificate (below)
 *
 * Every route takes `accountId` (default 000000000000) and `region` (default us-east-1); an
 * endpoint ARN filter names its own account and region. Messages are listed oldest first.
 */
import type http from "node:http";
import type http2 from "node:http2";
import { readBodyUpTo, sendJson } from "../../server/plain-http.js";
import type { ServiceRegistry } from "../../server/registry.js";
import type { OutboxKind } from "./outbox.js";
import { parseEndpointArn } from "./platform.js";
import { isE164 } from "./sms.js";
import { signingCertFileName } from "./domain/signing.js";
import type { SnsStore } from "./store.js";
import { subscriptionArn } from "./topics.js";

type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

const DEFAULT_ACCOUNT = "000000000000";
const DEFAULT_REGION = "us-east-1";
const MAX_BODY_BYTES = 64 * 1024;

interface Listing {
  readonly kind: OutboxKind;
  readonly key: string;
  readonly filter: string;
}

const LISTINGS: Readonly<Record<string, Listing>> = {
  "/_aws/sns/sms-messages": { kind: "sms", key: "sms_messages", filter: "phoneNumber" },
  "/_aws/sns/platform-endpoint-messages": { kind: "application", key: "platform_endpoint_messages", filter: "endpointArn" },
  "/_nimbus/sns/email-messages": { kind: "email", key: "email_messages", filter: "address" },
};

function sendEmpty(res: AnyResponse, status: number): void {
  res.statusCode = status;
  res.setHeader("content-length", "0");
  res.end();
}


/**
 * The SNS store, loading the service on first use. Only types are imported from the store so
 * that serving these paths does not pull SNS into Nimbus's start-up.
 */
async function snsStore(registry: ServiceRegistry): Promise<SnsStore> {
  const loaded = await registry.get("sns");
  const store = loaded.store as Partial<SnsStore> | undefined;
  if (store?.outbox === undefined || store.sms === undefined) throw new Error("the sns service has no SnsStore");
  return store as SnsStore;
}

/** Serves one request under /_aws/sns/ or /_nimbus/sns/, or for the signing certificate. */
export async function handleSnsInternalRequest(req: AnyRequest, res: AnyResponse, registry: ServiceRegistry): Promise<void> {
  const url = new URL(req.url ?? "/", "http://nimbus.internal");
  const path = url.pathname;
  const method = (req.method ?? "GET").toUpperCase();
  const query = url.searchParams;
  let account = query.get("accountId") ?? DEFAULT_ACCOUNT;
  let region = query.get("region") ?? DEFAULT_REGION;

  const listing = LISTINGS[path];
  if (listing !== undefined) {
    if (method !== "GET" && method !== "DELETE") {
      res.setHeader("allow", "GET, DELETE");
      sendJson(res, 405, { error: `Method ${method} is not allowed on ${path}` });
      return;
    }
    const filter = query.get(listing.filter) ?? undefined;
    if (listing.kind === "application" && filter !== undefined) {
      const ref = parseEndpointArn(filter);
      if (ref !== undefined) {
        account = ref.account;
        region = ref.region;
      }
    }
    const store = await snsStore(registry);
    if (method === "DELETE") {
      store.outbox.clear(account, region, listing.kind, filter);
      sendEmpty(res, 204);
      return;
    }
    sendJson(res, 200, { [listing.key]: store.outbox.list(account, region, listing.kind, filter), region });
    return;
  }

  const token = /^\/_aws\/sns\/subscription-tokens\/(.+)$/.exec(path);
  if (token?.[1] !== undefined && method === "GET") {
    const arn = decodeURIComponent(token[1]);
    const parts = arn.split(":");
    if (parts.length !== 7 || parts[0] !== "arn") {
      sendJson(res, 400, { error: "The provided SubscriptionARN is invalid", subscription_arn: arn });
      return;
    }
    const store = await snsStore(registry);
    const sub = store.getSubscription(parts[4] ?? "", parts[3] ?? "", parts[6] ?? "");
    if (sub === undefined || sub.token === undefined || subscriptionArn(sub) !== arn) {
      sendJson(res, 404, { error: "The provided SubscriptionARN is not found", subscription_arn: arn });
      return;
    }
    sendJson(res, 200, { subscription_token: sub.token, subscription_arn: arn });
    return;
  }

  if (path === "/_nimbus/sns/phone-opt-out" && method === "POST") {
    let body: { phoneNumber?: unknown; accountId?: unknown; region?: unknown };
    try {
      body = JSON.parse((await readBodyUpTo(req, MAX_BODY_BYTES))?.toString("utf8") ?? "") as typeof body;
    } catch {
      sendJson(res, 400, { error: "The body must be a JSON object with a phoneNumber" });
      return;
    }
    if (typeof body.phoneNumber !== "string" || !isE164(body.phoneNumber)) {
      sendJson(res, 400, { error: "phoneNumber must be an E.164 phone number" });
      return;
    }
    const store = await snsStore(registry);
    store.sms.optOut(typeof body.accountId === "string" ? body.accountId : account, typeof body.region === "string" ? body.region : region, body.phoneNumber);
    sendEmpty(res, 204);
    return;
  }

  // Every envelope's SigningCertURL points here, as AWS's points to the certificate on
  // sns.<region>.amazonaws.com: subscribers fetch it to check the Signature (AWS developer
  // guide, "Verifying the signature of an Amazon SNS message"; the Java SDK's
  // SNSIntegrationTest.testCloudcastOperations fetches it and expects 200). Bucket names are
  // lowercase, so this root path is never an S3 bucket's.
  if (path.startsWith("/SimpleNotificationService-") && (method === "GET" || method === "HEAD")) {
    const identity = (await snsStore(registry)).signingIdentity();
    if (path === `/${signingCertFileName(identity.certificate)}`) {
      const pem = Buffer.from(identity.certificatePem, "utf8");
      res.statusCode = 200;
      res.setHeader("content-type", "application/x-x509-ca-cert");
      res.setHeader("content-length", pem.length);
      if (method === "HEAD") res.end();
      else res.end(pem);
      return;
    }
  }

  sendJson(res, 404, { error: `No internal endpoint at ${method} ${path}` });
}

/** The catalog's plainHttp handler for this service. */
export default handleSnsInternalRequest;
