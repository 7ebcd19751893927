/**
 * What a service is to the rest of Nimbus: a map of protocol-free handlers keyed by exact AWS
 * operation names, a store built on the state layer, and optional start-up wiring (event
 * subscriptions, scheduled work). Handlers are typed by the generated operation types.
 */
import type { Clock } from "./clock.js";
import type { AwsError } from "./errors.js";
import type { EventBus, NimbusEventMap } from "./events.js";
import type { Scheduler } from "./scheduler.js";
import type { StateLayer } from "../state/database.js";
import type { Identities, Principal } from "../auth/credentials.js";
import type { AuthConfig, VerifiedSignature } from "../auth/enforcement.js";
import type { SigV2Authorization } from "../auth/sigv2.js";
import type { Operation } from "../protocol/model.js";
import type { CredentialScope } from "../protocol/routing.js";
import type { Violation } from "../protocol/validate.js";
import type { WireRequest, WireResponse } from "../protocol/wire.js";
import type { Logger } from "../server/logger.js";

export interface Scope {
  readonly account: string;
  readonly region: string;
}

/** Calls another service's operation in-process: validation plus handler, no HTTP. `as` is the service principal the call acts as, where AWS's would act as one. */
export type Invoke = <T = Record<string, unknown>>(
  service: string,
  operation: string,
  input: Record<string, unknown>,
  scope: Scope,
  as?: ServiceCaller,
) => Promise<T>;

/** An AWS service acting for one of its resources, as resource policies see it (sns.amazonaws.com delivering for a topic). */
export interface ServiceCaller {
  /** The service principal, e.g. `sns.amazonaws.com`. */
  readonly service: string;
  /** aws:SourceArn and aws:SourceAccount: the resource the service acts for, and its account. */
  readonly sourceArn: string;
  readonly sourceAccount: string;
}

export interface NimbusConfig {
  /** The base URL clients use to reach this Nimbus, e.g. http://localhost:4566. */
  readonly endpoint: string;
  /** Host name clients use (for URLs Nimbus hands out: queue URLs, presigned URLs...). */
  readonly hostname: string;
  readonly port: number;
  /** `nimbus start --lambda-*`: unset members keep their defaults (services/lambda/limits.ts). */
  readonly lambda?: LambdaLimits;
  /** `nimbus start --enforce-signatures` / `--enforce-policies` (auth/enforcement.ts); absent, neither is enforced. */
  readonly auth?: AuthConfig;
  /** `nimbus start --dynamodb-status-delay` / `--dynamodb-throttling`: unset members keep their defaults. */
  readonly dynamodb?: DynamoDbSettings;
}

export interface DynamoDbSettings {
  /**
   * Milliseconds a table stays CREATING after CreateTable, UPDATING after an UpdateTable that AWS
   * runs asynchronously, and DELETING after DeleteTable, before it is ACTIVE or gone. 0 (the
   * default) finishes all three at once: test suites make and drop thousands of tables.
   */
  readonly statusDelayMs?: number;
  /**
   * Reads and writes are throttled by each table's and GSI's capacity (services/dynamodb/
   * throttling.ts). Off (the default), capacity is reported but never enforced.
   */
  readonly throttling?: boolean;
}

export interface LambdaLimits {
  /** Nimbus's cap on execution environments in all (AWS has none). */
  readonly maxEnvironments?: number;
  /** Nimbus's cap on concurrent environments per function version (AWS has none). */
  readonly maxEnvironmentsPerFunction?: number;
  /** The account's regional concurrency quota, as AWS sets it per account. */
  readonly accountConcurrency?: number;
}

/** What a service gets once at start: shared infrastructure, never another service's internals. */
export interface ServiceEnvironment {
  readonly state: StateLayer;
  /** Issued access keys and the principals behind them (STS, IAM). */
  readonly identities: Identities;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly events: EventBus;
  readonly invoke: Invoke;
  readonly config: NimbusConfig;
  /** Nimbus's log (JSON lines, filtered by --log-level): for what a user should know, not per request. */
  readonly logger: Logger;
}

export interface Caller {
  readonly accessKeyId: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  /** The request's X-Amzn-Trace-Id header (X-Ray), which SNS carries into the SQS messages it delivers. */
  readonly traceHeader?: string;
  /**
   * The Host the request was sent to: the endpoint as the caller reaches Nimbus (`nimbus:4566`
   * from another container), on which URLs handed back are built, as AWS builds them on the
   * endpoint called. Empty for an in-process call and a request without a Host.
   */
  readonly host?: string;
  /**
   * Set when the request itself names its Region (a SigV4 credential scope, or a regional host
   * name), as a request to an AWS endpoint always does; unset when Nimbus assumed its default
   * Region (unsigned and SigV2 requests to a plain host), so nothing may be refused for it.
   */
  readonly regionNamed?: true;
  /** Set when signatures are enforced and the request's was verified: what its streamed body must match. */
  readonly signature?: VerifiedSignature;
  /** `1.1` or `2.0`, as the request line said; unset for an in-process call. */
  readonly httpVersion?: string;
  /** An in-process call from another service (ctx.invoke): it acts as its scope's account, or as `service`. */
  readonly internal?: boolean;
  readonly service?: ServiceCaller;
}

export interface HandlerContext<Store = unknown> extends Scope {
  readonly service: string;
  readonly operation: string;
  readonly requestId: string;
  readonly caller: Caller;
  readonly store: Store;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly config: NimbusConfig;
  readonly invoke: Invoke;
  /** Issued access keys and the principals behind them: who the caller is (access-denied messages name it). */
  readonly identities: Identities;
  /**
   * Emits an event on the bus; delivered only after this operation succeeded. `scope` defaults to
   * the request's; an operation that changes another region (DynamoDB global tables) names it.
   */
  emit<K extends keyof NimbusEventMap>(type: K, detail: NimbusEventMap[K], scope?: Scope): void;
}

/** A Host header that can stand in a URL: a name or IPv4 address, or a bracketed IPv6 one, and a port. */
const URL_HOST = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The base URL a request reached Nimbus at (`http://nimbus:4566` from another container), for
 * the URLs an answer hands back (SQS queue URLs), as AWS builds them on the endpoint called;
 * the configured endpoint for in-process calls and requests without a usable Host.
 */
export function requestEndpoint(ctx: { readonly caller: Caller; readonly config: NimbusConfig }): string {
  const host = ctx.caller.host;
  return host && URL_HOST.test(host) ? `http://${host}` : ctx.config.endpoint;
}

/** Operation types produced by codegen: `{ [Operation]: { input: I; output: O } }`. */
export type OperationTypes<Ops = Record<string, unknown>> = { [K in keyof Ops]: { input: unknown; output: unknown } };

export type Handler<I, O, Store = unknown> = (input: I, ctx: HandlerContext<Store>) => O | Promise<O>;

export type Handlers<Ops extends OperationTypes<Ops>, Store = unknown> = {
  [K in keyof Ops]?: Handler<Ops[K]["input"], Ops[K]["output"], Store>;
};

/** Loosely typed view the dispatcher uses; providers are typed by `Handlers<Ops>`. */
export type AnyHandler = (input: never, ctx: HandlerContext<never>) => unknown;

/** The facts of a request that cross-origin rules look at. */
export interface CorsRequestFacts {
  /** Path-style path (an S3 virtual-hosted bucket is put in front). */
  readonly path: string;
  readonly method: string;
  readonly origin?: string;
  readonly accessControlRequestMethod?: string;
  readonly accessControlRequestHeaders?: string;
}

/**
 * Cross-origin resource sharing for services that serve browsers (S3 buckets): the preflight
 * `OPTIONS` answer (headers, or a thrown AwsError), and the headers added to other responses.
 */
export interface CorsHooks<Store = unknown> {
  preflight(store: Store, request: CorsRequestFacts): Record<string, string>;
  headers(store: Store, request: CorsRequestFacts): Record<string, string>;
}

/**
 * A request a service answers in plain HTTP because its model has no operation for it (S3's
 * browser-form POST uploads and website endpoints). `handle` gets the raw request, its
 * path-style path and a handler context; an AwsError it throws is serialized in the service's
 * protocol, like a handler's.
 */
export interface HttpRoute<Store = unknown> {
  /** The name the request log shows (PostObject, WebsiteGet...). */
  readonly operation: string;
  handle(request: WireRequest, ctx: HttpRouteContext<Store>): Promise<WireResponse>;
}

export interface HttpRouteContext<Store = unknown> extends HandlerContext<Store> {
  /** The request path with an S3 virtual-hosted bucket put in front. */
  readonly path: string;
}

/**
 * A query service whose resources a request may address by its path, which the model binds to
 * nothing (SQS's queue URLs). The hooks run on the service's requests, so they stay cheap; a
 * service without them costs the dispatcher one property read.
 */
export interface PathAddressing {
  /**
   * The error for an action sent to `path` that the service does not answer there; undefined
   * answers it. `operation` is the action's operation, undefined when the model has none.
   */
  refuseAction(path: string, action: string, operation: Operation | undefined): AwsError | undefined;
  /** Sets in `input` the members `path` stands for that the request left out (`endpoint`: Nimbus's URL). */
  fillInput(path: string, operation: Operation, input: Record<string, unknown>, endpoint: string): void;
}

/**
 * How a service departs from the request conventions the other AWS services share. S3 predates
 * them and keeps its own: request ids of 16 hex digits in x-amz-request-id / x-amz-id-2, buckets
 * addressed by host, presigned URLs, SigV2, anonymous requests for policies and ACLs to judge,
 * and its own errors for a request no operation answers. A service without one follows the
 * shared conventions; the dispatcher asks the dialect, never the service's name.
 */
export interface RequestDialect {
  /** A new request id in the service's form. */
  newRequestId(): string;
  /** Sets the headers that carry the request id, and any the service puts on every answer, on a response (success or error). */
  requestIdHeaders(response: WireResponse, requestId: string): void;
  /** The path as the service routes it, the host taken into account (`hostname`: Nimbus's own host name). */
  addressedPath(request: WireRequest, hostname: string): string;
  /** The refusal of a presigned URL past its expiry: checked whether or not signatures are enforced. */
  expiredPresignedUrl(scope: CredentialScope, now: number): AwsError | undefined;
  /** The request as its operation reads it (a presigned URL's parameters that stand for headers). */
  asRead(request: WireRequest, scope: CredentialScope | undefined): WireRequest;
  /** Requests without a signature are the service's to judge (bucket policies, ACLs), even when signatures are enforced. */
  readonly anonymousRequests: boolean;
  /**
   * Checks a legacy SigV2 signature against the secret `secretOf` gives for its key and session
   * token (`path`: the addressed path); absent, SigV2 requests are not checked.
   */
  verifySigV2?(request: WireRequest, path: string, sigv2: SigV2Authorization, secretOf: (accessKeyId: string, sessionToken: string | undefined) => string, now: number): void;
  /** The payload's hash is signed in a header and checked as the body is stored: authentication reads no body. */
  readonly payloadHashSigned: boolean;
  /** No operation is bound to the request's method and path (`path` as addressedPath gives it). */
  unroutable(request: WireRequest, path: string): AwsError;
  /** The request path's %-escapes are no UTF-8. */
  undecodablePath(request: WireRequest): AwsError;
  /** How a path segment is decoded, where not by decodeURIComponent alone (S3: `+` is a space). */
  readonly decodePathPart?: (text: string) => string;
  /** Session credentials past their expiration (the request carries their token). */
  expiredToken(request: WireRequest): AwsError;
  /**
   * The answer to a request whose body stopped coming for the idle timeout (a `StalledBody`
   * raised on its stream); without one, the connection is closed unanswered.
   */
  stalledBody?(): AwsError;
  /**
   * The refusal of a request whose request line and headers take `bytes` bytes, checked as soon
   * as the request is known to be the service's; undefined when the service takes it.
   */
  headerSectionRefused?(bytes: number): AwsError | undefined;
}

/**
 * A request a service answered, once its response has been sent: what an access log records
 * (S3 server access logging). Timings are measured, not read from the clock.
 */
export interface CompletedRequest {
  readonly request: WireRequest & { readonly sourceIp: string; readonly httpVersion?: string };
  /** The request path with an S3 virtual-hosted bucket put in front. */
  readonly path: string;
  /** Epoch ms (the injectable clock) at which the request was received. */
  readonly receivedAt: number;
  readonly requestId: string;
  /** Who signed the request; undefined for an unsigned (anonymous) request. */
  readonly principal: Principal | undefined;
  readonly signatureVersion: "SigV4" | "SigV2" | undefined;
  /** The operation (or plain-HTTP route) the request was routed to; undefined when routing failed. */
  readonly operation: string | undefined;
  readonly status: number;
  /** The AWS error code of a failed request. */
  readonly errorCode: string | undefined;
  readonly responseHeaders: Readonly<Record<string, string>>;
  /** Response body bytes sent (the declared length for a streamed body). */
  readonly bytesSent: number;
  /** Milliseconds from the request's arrival to the last byte of the response. */
  readonly totalMs: number;
  /** Milliseconds from the request's arrival to the response being ready to send. */
  readonly turnAroundMs: number;
}

/** A service's log of the requests it answered (S3 server access logging). */
export interface RequestLog<Store = unknown> {
  /**
   * Whether this request is logged. It runs on every request the service answers, so it must
   * be one cheap check; `path` computes the path-style path, only when the check needs it;
   * `headers` are the request's (S3 logs a copy in its source bucket as well).
   */
  wants(store: Store, path: () => string, headers: WireRequest["headers"]): boolean;
  /** Called after the response was sent, for a request `wants` took. */
  record(store: Store, request: CompletedRequest): void;
}

export interface ServiceDefinition<Store = unknown> {
  readonly handlers: Readonly<Record<string, AnyHandler | undefined>>;
  /** rest-xml response root element names that the models do not carry (an S3 quirk). */
  readonly xmlRootNames?: Readonly<Record<string, string>>;
  /** rest-xml outputs whose root element's text is one member (S3's GetBucketLocation): operation -> member. */
  readonly xmlTextRoots?: Readonly<Record<string, string>>;
  /** rest-xml outputs whose element text writes `"` as `&quot;` (S3's listings). */
  readonly xmlQuotedText?: ReadonlySet<string>;
  /**
   * The service's own error for a missing required member, where it is not the protocol's usual
   * one; `missing` lists every missing member, `operation` names the operation, and undefined
   * leaves the protocol's usual error.
   */
  readonly missingParameter?: (member: string, missing: readonly Violation[], operation: string) => AwsError | undefined;
  /**
   * A required list that the request's XML wraps in an element of its own (not flattened) may
   * be left out of the body, as an empty one could be sent (S3's <Tagging> without <TagSet>).
   */
  readonly wrappedListsOptional?: boolean;
  /**
   * The service's own answer when a request fails for a reason of Nimbus's own (a bug), where it
   * is not the common InternalFailure (S3's InternalError, DynamoDB's InternalServerError).
   */
  readonly internalError?: () => AwsError;
  /**
   * The service's own error for a header, query or path value that is not of its member's type
   * (`name` is the header or parameter name as sent, `operation` the operation it was sent to),
   * where it is not the protocol's usual one.
   */
  readonly malformedValue?: (name: string, text: string, operation: string) => AwsError;
  /**
   * Query parameters that, sent empty, count as not sent (S3 ListParts' max-parts,
   * part-number-marker): a name for every operation, or "Operation name" for one.
   */
  readonly emptyQueryUnsent?: ReadonlySet<string>;
  /**
   * The `__type` of a JSON-protocol error whose code is `code`, where it is not the usual
   * com.amazonaws.<endpoint prefix>#code (DynamoDB's com.amazonaws.dynamodb.v20120810#...);
   * undefined keeps the usual one.
   */
  readonly jsonErrorType?: (code: string) => string | undefined;
  /**
   * Query-protocol errors carry an empty <Detail/> after <Message> (SQS: boto3 reads "Detail": None
   * from every query error LocalStack recorded against AWS, e.g. test_send_empty_message[sqs_query]).
   */
  readonly queryErrorDetail?: boolean;
  /** JSON values of the wrong type are answered in Coral's texts (see CodecService.coralJson). */
  readonly coralJson?: boolean;
  /**
   * An HTTP status that follows from an output the model gives no status member
   * (S3 GetObject of a range answers 206). Undefined keeps the model's status.
   */
  readonly responseStatus?: (operation: string, output: Readonly<Record<string, unknown>>) => number | undefined;
  readonly cors?: CorsHooks<Store>;
  /** Picks the unsigned requests the service answers outside its model (see HttpRoute). */
  readonly httpRoute?: (request: WireRequest, path: string) => HttpRoute<Store> | undefined;
  readonly pathAddressing?: PathAddressing;
  readonly dialect?: RequestDialect;
  /**
   * A request id in the service's own form, where it is neither a UUID nor its dialect's
   * (DynamoDB's 52 characters).
   */
  readonly newRequestId?: () => string;
  /** Operations AWS serves without a signature (STS AssumeRoleWithWebIdentity), when signatures are enforced. */
  readonly unsignedOperations?: readonly string[];
  readonly requestLog?: RequestLog<Store>;
  /**
   * What the service does to each of its answers, errors too, once the body is final: DynamoDB
   * compresses large ones when the request allows it and adds x-amz-crc32.
   */
  readonly finishResponse?: (response: WireResponse, request: WireRequest) => void;
  /**
   * What the service checks of a request body read whole, before it is parsed (S3 holds a
   * DeleteObjects or a bucket configuration to the Content-MD5 and x-amz-checksum-* sent with
   * it). Not called for a payload the operation streams to its handler.
   */
  readonly checkBody?: (operation: string, body: Buffer, request: WireRequest) => void | Promise<void>;
  /**
   * What the service checks of the query string as sent, beyond its operation's members (S3
   * refuses a GetObject's `response-*` parameter it cannot override). Called before the input is parsed.
   */
  readonly checkQuery?: (operation: string, query: URLSearchParams) => void;
  /**
   * The largest request body the service reads whole, where it is smaller than the server's
   * limit (`--max-body-size`); past it the request is answered 413 RequestEntityTooLarge.
   */
  readonly maxRequestBytes?: number;
  /**
   * The previous API version of the service (the catalog's previousModel, routed by its own
   * X-Amz-Target prefix), answered over this service's store: DynamoDB's 2011-12-05. Its
   * createStore and start are not called.
   */
  readonly previousVersion?: ServiceDefinition<Store>;
  /** Builds the service's store: runs its migrations. Called once, on first use. */
  createStore?(env: ServiceEnvironment): Store;
  /** Subscriptions and scheduled work; the returned function undoes them at shutdown. */
  start?(env: ServiceEnvironment, store: Store): void | (() => void);
}

/** Identity helper so a provider file keeps its precise types while exporting the loose view. */
export function defineService<Ops extends OperationTypes<Ops>, Store>(def: {
  handlers: Handlers<Ops, Store>;
  xmlRootNames?: Readonly<Record<string, string>>;
  xmlTextRoots?: Readonly<Record<string, string>>;
  xmlQuotedText?: ReadonlySet<string>;
  missingParameter?: (member: string, missing: readonly Violation[], operation: string) => AwsError | undefined;
  wrappedListsOptional?: boolean;
  internalError?: () => AwsError;
  malformedValue?: (name: string, text: string, operation: string) => AwsError;
  emptyQueryUnsent?: ReadonlySet<string>;
  jsonErrorType?: (code: string) => string | undefined;
  queryErrorDetail?: boolean;
  coralJson?: boolean;
  responseStatus?: (operation: string, output: Readonly<Record<string, unknown>>) => number | undefined;
  cors?: CorsHooks<Store>;
  httpRoute?: (request: WireRequest, path: string) => HttpRoute<Store> | undefined;
  pathAddressing?: PathAddressing;
  dialect?: RequestDialect;
  newRequestId?: () => string;
  unsignedOperations?: readonly string[];
  requestLog?: RequestLog<Store>;
  finishResponse?: (response: WireResponse, request: WireRequest) => void;
  checkBody?: (operation: string, body: Buffer, request: WireRequest) => void | Promise<void>;
  checkQuery?: (operation: string, query: URLSearchParams) => void;
  maxRequestBytes?: number;
  previousVersion?: ServiceDefinition<Store>;
  createStore?(env: ServiceEnvironment): Store;
  start?(env: ServiceEnvironment, store: Store): void | (() => void);
}): ServiceDefinition<Store> {
  return def as unknown as ServiceDefinition<Store>;
}

type HandlerOf<C> = (input: never, ctx: C) => unknown;

/**
 * Every handler of a map passed through `wrap`, which is told the operation's name: for what a
 * service does before each of its operations (S3's access checks, DynamoDB's table account).
 */
/**
 * For a handler wrapper: calls `run` (a handler, which may or may not be async) and hands its
 * answer to `onValue` and its failure to `onError`, staying synchronous for a synchronous handler.
 */
export function settle(run: () => unknown, onValue: (out: unknown) => unknown, onError: (err: unknown) => never): unknown {
  let out: unknown;
  try {
    out = run();
  } catch (err) {
    return onError(err);
  }
  return out instanceof Promise ? out.then(onValue, onError) : onValue(out);
}

export function wrapHandlers<C, T extends Record<string, HandlerOf<C> | undefined>>(handlers: T, wrap: (operation: string, handler: HandlerOf<C>) => HandlerOf<C>): T {
  const out: Record<string, HandlerOf<C>> = {};
  for (const [name, handler] of Object.entries(handlers)) if (handler) out[name] = wrap(name, handler as HandlerOf<C>);
  return out as T;
}
