/**
 * DynamoDB answers browsers from any origin (ScyllaDB Alternator's test_cors.py, which passes on
 * DynamoDB): a request with Origin gets Access-Control-Allow-Origin "*" and Expose-Headers; the
 * OPTIONS preflight also allows back the method and headers it asks for, and a Max-Age. A
 * request without Origin gets none of them. The Expose-Headers list is the one DynamoDB sends,
 * as Alternator's server.cc quotes it. The Max-Age value is not recorded for DynamoDB: 172800 is
 * what AWS's Lambda API sends (as LambCI's docker-lambda reproduces it).
 */
import type { CorsHooks, CorsRequestFacts } from "../../core/service.js";

const EXPOSE_HEADERS = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
const MAX_AGE = "172800";

function headers(request: CorsRequestFacts): Record<string, string> {
  if (request.origin === undefined) return {};
  return { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": EXPOSE_HEADERS };
}

function preflight(request: CorsRequestFacts): Record<string, string> {
  const out = headers(request);
  if (request.origin === undefined) return out;
  out["Access-Control-Max-Age"] = MAX_AGE;
  if (request.accessControlRequestMethod !== undefined) out["Access-Control-Allow-Methods"] = request.accessControlRequestMethod;
  if (request.accessControlRequestHeaders !== undefined) out["Access-Control-Allow-Headers"] = request.accessControlRequestHeaders;
  return out;
}

export const dynamodbCors: CorsHooks = {
  preflight: (_store, request) => preflight(request),
  headers: (_store, request) => headers(request),
};
