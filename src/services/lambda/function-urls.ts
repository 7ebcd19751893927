/**
 * Function URLs on Nimbus's own port. AWS serves `https://<url-id>.lambda-url.<region>.on.aws/`;
 * Nimbus hands out `http://<url-id>.lambda-url.<region>.localhost.localstack.cloud:<port>/`
 * (that name resolves to 127.0.0.1, as LocalStack's does), and the server sends every request
 * whose Host names a function URL here before its AWS API dispatch. Any host of the form
 * `<32-character id>.lambda-url.<region>.<anything>` is taken, so a client that maps the AWS
 * name to Nimbus itself is served too.
 *
 * The catalog imports this module at start-up to match hosts, so it stays small; the request
 * handling (function-url-server.ts) loads with the Lambda service, on the first such request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { LambdaStore } from "./store.js";

const URL_HOST = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\./;

/** The URL id and region a Host header names, when it names a function URL. */
export function functionUrlHost(host: string | undefined): { urlId: string; region: string } | undefined {
  if (host === undefined || host.length < 45) return undefined;
  const match = URL_HOST.exec(host.toLowerCase());
  return match?.[1] && match[2] ? { urlId: match[1], region: match[2] } : undefined;
}

export function isFunctionUrlHost(host: string | undefined): boolean {
  return functionUrlHost(host) !== undefined;
}

/** What serving needs from the server's service registry: the Lambda service, loaded on first use. */
export interface LambdaServiceSource {
  get(id: "lambda"): { readonly store: unknown } | Promise<{ readonly store: unknown }>;
}

/** Answers one request to a function URL (the catalog matched its host with `isFunctionUrlHost`). */
export async function serveFunctionUrl(
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
  services: LambdaServiceSource,
): Promise<void> {
  const [service, server] = await Promise.all([services.get("lambda"), import("./function-url-server.js")]);
  await server.handleFunctionUrlRequest(service.store as LambdaStore, req, res);
}

/** The catalog's plainHttp handler for this service. */
export default serveFunctionUrl;
