/**
 * Fixed AWS requests for load runs. Nimbus does not verify signatures unless enforcement is on,
 * so one constant signed-looking request (credential scope naming the service and region, as
 * routing reads it) can be replayed by every connection; signing per request would make the
 * load generator, not the server, the bottleneck on 2 cores.
 */
import type { HttpRequestSpec } from "./load.js";

export const BENCH_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const AMZ_DATE = "20260101T000000Z";

export function signedLookingHeaders(service: string, region = "us-east-1"): Record<string, string> {
  return {
    Authorization:
      `AWS4-HMAC-SHA256 Credential=${BENCH_ACCESS_KEY_ID}/${AMZ_DATE.slice(0, 8)}/${region}/${service}/aws4_request, ` +
      `SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`,
    "X-Amz-Date": AMZ_DATE,
  };
}

interface Common {
  readonly region?: string;
  readonly expect?: HttpRequestSpec["expect"];
}

/** The query protocol (STS, SQS, SNS, IAM, CloudWatch...): a form POST to "/". */
export function queryRequest(service: string, action: string, params: Readonly<Record<string, string>> = {}, options: Common & { version?: string } = {}): HttpRequestSpec {
  const form = new URLSearchParams({ Action: action, ...(options.version !== undefined ? { Version: options.version } : {}), ...params });
  return {
    method: "POST",
    path: "/",
    headers: { ...signedLookingHeaders(service, options.region), "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: form.toString(),
    expect: options.expect ?? { status: 200, bodyIncludes: `<${action}Response` },
  };
}

/** The JSON protocols (DynamoDB 1.0, Kinesis/Logs 1.1...): a POST with X-Amz-Target. */
export function jsonRequest(service: string, target: string, body: unknown, options: Common & { jsonVersion?: "1.0" | "1.1" } = {}): HttpRequestSpec {
  return {
    method: "POST",
    path: "/",
    headers: { ...signedLookingHeaders(service, options.region), "Content-Type": `application/x-amz-json-${options.jsonVersion ?? "1.0"}`, "X-Amz-Target": target },
    body: JSON.stringify(body),
    expect: options.expect ?? { status: 200 },
  };
}

/** REST protocols (S3, Lambda, API Gateway): method and path carry the operation. */
export function restRequest(
  service: string,
  method: string,
  path: string,
  options: Common & { headers?: Readonly<Record<string, string>>; body?: string | Buffer } = {},
): HttpRequestSpec {
  return {
    method,
    path,
    // S3 requires the payload hash header on every signed request, even unverified.
    headers: { ...signedLookingHeaders(service, options.region), "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD", ...options.headers },
    ...(options.body !== undefined ? { body: options.body } : {}),
    expect: options.expect ?? { status: 200 },
  };
}
