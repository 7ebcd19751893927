/**
 * HTTP/S delivery policies: validation of the DeliveryPolicy JSON a topic or subscription
 * carries, the form AWS stores it in, the effective policy it answers with, and the retry
 * schedule a policy defines.
 *
 * A topic's policy: `{"http": {"defaultHealthyRetryPolicy": {...}, "disableSubscriptionOverrides":
 * bool, "defaultThrottlePolicy": {...}, "defaultRequestPolicy": {"headerContentType": ...}}}`.
 * A subscription's: `{"healthyRetryPolicy": {...}, "throttlePolicy": {...}, "requestPolicy": {...}}`.
 *
 * Recorded AWS behaviour reproduced here: fields left out of a retry policy take the defaults
 * (20 s delays, 3 retries, linear); a topic policy is stored with `disableSubscriptionOverrides`
 * filled in and null members dropped; a subscription policy is stored with every member present
 * (null when not given) and `"guaranteed": false`; the effective subscription policy takes the
 * topic's defaults for what the subscription does not set. Messages whose wording AWS has been
 * seen to send: "http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100",
 * "http.defaultHealthyRetryPolicy: Total policy retry time cannot be greater than 3600 seconds",
 * "Unexpected JSON member: throttlePolicy". The other range messages follow the same pattern.
 */
import { invalidParameter } from "./errors.js";

export type BackoffFunction = "linear" | "arithmetic" | "geometric" | "exponential";

export interface RetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numMaxDelayRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  backoffFunction: BackoffFunction;
}

export interface ThrottlePolicy {
  maxReceivesPerSecond: number;
}

export interface RequestPolicy {
  headerContentType: string;
}

/** AWS's HTTP/S default: 3 retries, 20 seconds apart (key order as GetTopicAttributes shows it). */
export const DEFAULT_HTTP_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numMaxDelayRetries: 0,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  backoffFunction: "linear",
});

export const DEFAULT_HTTP_CONTENT_TYPE = "text/plain; charset=UTF-8";

/** "The total policy retry time for an HTTP/S endpoint cannot be greater than 3,600 seconds." */
const MAX_TOTAL_RETRY_SECONDS = 3600;
const MAX_RETRIES = 100;
const BACKOFF_FUNCTIONS: readonly BackoffFunction[] = ["linear", "arithmetic", "geometric", "exponential"];
const RETRY_KEYS = new Set(Object.keys(DEFAULT_HTTP_RETRY_POLICY));

type Json = Record<string, unknown>;

class PolicyError extends Error {}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parse(text: string): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PolicyError("failed to parse JSON.");
  }
  if (!isObject(parsed)) throw new PolicyError("failed to parse JSON.");
  return parsed;
}

function onlyKeys(value: Json, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(value)) if (!allowed.has(key)) throw new PolicyError(`Unexpected JSON member: ${key}`);
}

function integer(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new PolicyError(`${path} must be an integer`);
  return value;
}

/** A retry policy with the defaults filled in, checked as AWS checks it. */
function retryPolicy(value: unknown, path: string): RetryPolicy {
  if (!isObject(value)) throw new PolicyError(`${path} must be a JSON object`);
  onlyKeys(value, RETRY_KEYS);
  const policy: RetryPolicy = { ...DEFAULT_HTTP_RETRY_POLICY };
  for (const key of ["minDelayTarget", "maxDelayTarget", "numRetries", "numMaxDelayRetries", "numNoDelayRetries", "numMinDelayRetries"] as const) {
    if (value[key] !== undefined && value[key] !== null) policy[key] = integer(value[key], `${path}.${key}`);
  }
  if (value.backoffFunction !== undefined && value.backoffFunction !== null) {
    const fn = value.backoffFunction;
    if (typeof fn !== "string" || !(BACKOFF_FUNCTIONS as readonly string[]).includes(fn)) {
      throw new PolicyError(`${path}.backoffFunction must be one of: ${BACKOFF_FUNCTIONS.join(", ")}`);
    }
    policy.backoffFunction = fn as BackoffFunction;
  }
  if (policy.numRetries > MAX_RETRIES) throw new PolicyError(`${path}.numRetries must be less than or equal to ${MAX_RETRIES}`);
  for (const key of ["numRetries", "numMaxDelayRetries", "numNoDelayRetries", "numMinDelayRetries"] as const) {
    if (policy[key] < 0) throw new PolicyError(`${path}.${key} must be greater than or equal to 0`);
  }
  if (policy.minDelayTarget < 1) throw new PolicyError(`${path}.minDelayTarget must be greater than or equal to 1`);
  if (policy.maxDelayTarget > MAX_TOTAL_RETRY_SECONDS) throw new PolicyError(`${path}.maxDelayTarget must be less than or equal to ${MAX_TOTAL_RETRY_SECONDS}`);
  if (policy.maxDelayTarget < policy.minDelayTarget) throw new PolicyError(`${path}.maxDelayTarget must be greater than or equal to minDelayTarget`);
  if (policy.numNoDelayRetries + policy.numMinDelayRetries + policy.numMaxDelayRetries > policy.numRetries) {
    throw new PolicyError(`${path}: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must be less than or equal to numRetries`);
  }
  if (retryDelays(policy).reduce((a, b) => a + b, 0) > MAX_TOTAL_RETRY_SECONDS) {
    throw new PolicyError(`${path}: Total policy retry time cannot be greater than ${MAX_TOTAL_RETRY_SECONDS} seconds`);
  }
  return policy;
}

function throttlePolicy(value: unknown, path: string): ThrottlePolicy {
  if (!isObject(value)) throw new PolicyError(`${path} must be a JSON object`);
  onlyKeys(value, new Set(["maxReceivesPerSecond"]));
  const rate = integer(value.maxReceivesPerSecond, `${path}.maxReceivesPerSecond`);
  if (rate < 1) throw new PolicyError(`${path}.maxReceivesPerSecond must be greater than or equal to 1`);
  return { maxReceivesPerSecond: rate };
}

function requestPolicy(value: unknown, path: string): RequestPolicy {
  if (!isObject(value)) throw new PolicyError(`${path} must be a JSON object`);
  onlyKeys(value, new Set(["headerContentType"]));
  if (typeof value.headerContentType !== "string" || value.headerContentType === "") throw new PolicyError(`${path}.headerContentType must be a string`);
  return { headerContentType: value.headerContentType };
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Turns a PolicyError into SNS's InvalidParameter (`${prefix}DeliveryPolicy: <reason>`). */
function checked<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PolicyError) throw invalidParameter(`${prefix}DeliveryPolicy: ${err.message}`);
    throw err;
  }
}

const TOPIC_HTTP_KEYS = new Set(["defaultHealthyRetryPolicy", "defaultSicklyRetryPolicy", "defaultThrottlePolicy", "disableSubscriptionOverrides", "defaultRequestPolicy"]);

/**
 * Validates a topic DeliveryPolicy and answers the text to store ("" clears it). `prefix` is the
 * calling operation's ("Invalid parameter: " or "Invalid parameter: Attributes Reason: ").
 */
export function normalizeTopicDeliveryPolicy(text: string, prefix: string): string {
  if (text === "") return "";
  return checked(prefix, () => {
    const doc = parse(text);
    onlyKeys(doc, new Set(["http"]));
    const out: Json = {};
    if (present(doc.http)) {
      const http = doc.http;
      if (!isObject(http)) throw new PolicyError("http must be a JSON object");
      onlyKeys(http, TOPIC_HTTP_KEYS);
      if (present(http.defaultHealthyRetryPolicy)) retryPolicy(http.defaultHealthyRetryPolicy, "http.defaultHealthyRetryPolicy");
      if (present(http.defaultSicklyRetryPolicy)) retryPolicy(http.defaultSicklyRetryPolicy, "http.defaultSicklyRetryPolicy");
      if (present(http.defaultThrottlePolicy)) throttlePolicy(http.defaultThrottlePolicy, "http.defaultThrottlePolicy");
      if (present(http.defaultRequestPolicy)) requestPolicy(http.defaultRequestPolicy, "http.defaultRequestPolicy");
      if (present(http.disableSubscriptionOverrides) && typeof http.disableSubscriptionOverrides !== "boolean") {
        throw new PolicyError("http.disableSubscriptionOverrides must be a boolean");
      }
      // Stored as given, null members dropped, disableSubscriptionOverrides filled in (AWS's order).
      const stored: Json = {};
      for (const key of ["defaultHealthyRetryPolicy", "defaultSicklyRetryPolicy", "defaultThrottlePolicy"]) if (present(http[key])) stored[key] = http[key];
      stored.disableSubscriptionOverrides = http.disableSubscriptionOverrides === true;
      if (present(http.defaultRequestPolicy)) stored.defaultRequestPolicy = http.defaultRequestPolicy;
      out.http = stored;
    }
    return JSON.stringify(out);
  });
}

export interface TopicHttpPolicy {
  defaultHealthyRetryPolicy: RetryPolicy;
  defaultSicklyRetryPolicy?: RetryPolicy;
  defaultThrottlePolicy?: ThrottlePolicy;
  disableSubscriptionOverrides: boolean;
  defaultRequestPolicy: RequestPolicy;
}

/** The EffectiveDeliveryPolicy of a topic: its stored policy over AWS's defaults, in AWS's key order. */
export function effectiveTopicDeliveryPolicy(stored: string | undefined): { http: TopicHttpPolicy } {
  const http = stored ? ((parse(stored).http as Json | undefined) ?? {}) : {};
  const out: TopicHttpPolicy = {
    defaultHealthyRetryPolicy: present(http.defaultHealthyRetryPolicy) ? retryPolicy(http.defaultHealthyRetryPolicy, "") : { ...DEFAULT_HTTP_RETRY_POLICY },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: DEFAULT_HTTP_CONTENT_TYPE },
  };
  if (present(http.defaultSicklyRetryPolicy)) out.defaultSicklyRetryPolicy = retryPolicy(http.defaultSicklyRetryPolicy, "");
  if (present(http.defaultThrottlePolicy)) out.defaultThrottlePolicy = throttlePolicy(http.defaultThrottlePolicy, "");
  // Re-inserted so they serialize after the optional members, as AWS orders them.
  delete (out as Partial<TopicHttpPolicy>).disableSubscriptionOverrides;
  out.disableSubscriptionOverrides = http.disableSubscriptionOverrides === true;
  delete (out as Partial<TopicHttpPolicy>).defaultRequestPolicy;
  out.defaultRequestPolicy = present(http.defaultRequestPolicy) ? requestPolicy(http.defaultRequestPolicy, "") : { headerContentType: DEFAULT_HTTP_CONTENT_TYPE };
  return { http: out };
}

/**
 * A subscription's retry policy as AWS stores it: checked, then every member in AWS's order
 * (the defaults' order), null where the policy leaves it out. GetSubscriptionAttributes answers
 * `{"minDelayTarget":5,"maxDelayTarget":20,"numRetries":5,"numMaxDelayRetries":null,...,
 * "backoffFunction":null}` for `{"maxDelayTarget":20,"minDelayTarget":5,"numRetries":5}` (the
 * Terraform AWS provider's TestSuppressEquivalentTopicSubscriptionDeliveryPolicy, which exists
 * to ignore that rewrite), and reorders a full policy the same way (LocalStack's AWS-recorded
 * test_subscribe_external_http_endpoint_content_type[False] snapshot, Oct 2024). A topic's
 * retry policy is stored as given (test_topic_delivery_policy_crud).
 */
function storedRetryPolicy(value: unknown, path: string): Json {
  retryPolicy(value, path);
  const given = value as Json;
  const stored: Json = {};
  for (const key of RETRY_KEYS) stored[key] = present(given[key]) ? given[key] : null;
  return stored;
}

const SUBSCRIPTION_KEYS = new Set(["healthyRetryPolicy", "sicklyRetryPolicy", "throttlePolicy", "requestPolicy", "guaranteed"]);

/** Validates a subscription DeliveryPolicy and answers the text to store ("" clears it). */
export function normalizeSubscriptionDeliveryPolicy(text: string, prefix: string): string {
  if (text === "") return "";
  return checked(prefix, () => {
    const doc = parse(text);
    onlyKeys(doc, SUBSCRIPTION_KEYS);
    const healthy = present(doc.healthyRetryPolicy) ? storedRetryPolicy(doc.healthyRetryPolicy, "healthyRetryPolicy") : null;
    const sickly = present(doc.sicklyRetryPolicy) ? storedRetryPolicy(doc.sicklyRetryPolicy, "sicklyRetryPolicy") : null;
    const throttle = present(doc.throttlePolicy) ? throttlePolicy(doc.throttlePolicy, "throttlePolicy") : null;
    const request = present(doc.requestPolicy) ? requestPolicy(doc.requestPolicy, "requestPolicy") : null;
    if (present(doc.guaranteed) && typeof doc.guaranteed !== "boolean") throw new PolicyError("guaranteed must be a boolean");
    return JSON.stringify({ healthyRetryPolicy: healthy, sicklyRetryPolicy: sickly, throttlePolicy: throttle, requestPolicy: request, guaranteed: doc.guaranteed === true });
  });
}

export interface SubscriptionDeliveryPolicy {
  healthyRetryPolicy: RetryPolicy;
  sicklyRetryPolicy: RetryPolicy | null;
  throttlePolicy: ThrottlePolicy | null;
  requestPolicy: RequestPolicy;
  guaranteed: boolean;
}

/**
 * What an HTTP/S subscription is delivered with: its own policy where it sets one, the topic's
 * defaults elsewhere, and only the topic's when the topic sets disableSubscriptionOverrides.
 */
export function effectiveSubscriptionDeliveryPolicy(subscriptionPolicy: string | undefined, topicPolicy: string | undefined): SubscriptionDeliveryPolicy {
  const topic = effectiveTopicDeliveryPolicy(topicPolicy).http;
  const own = subscriptionPolicy && !topic.disableSubscriptionOverrides ? parse(subscriptionPolicy) : {};
  return {
    healthyRetryPolicy: present(own.healthyRetryPolicy) ? retryPolicy(own.healthyRetryPolicy, "") : topic.defaultHealthyRetryPolicy,
    sicklyRetryPolicy: present(own.sicklyRetryPolicy) ? retryPolicy(own.sicklyRetryPolicy, "") : (topic.defaultSicklyRetryPolicy ?? null),
    throttlePolicy: present(own.throttlePolicy) ? throttlePolicy(own.throttlePolicy, "") : (topic.defaultThrottlePolicy ?? null),
    requestPolicy: present(own.requestPolicy) ? requestPolicy(own.requestPolicy, "") : topic.defaultRequestPolicy,
    guaranteed: own.guaranteed === true,
  };
}

/**
 * The delay in seconds before each retry, in order: the immediate phase (no delay), the
 * pre-backoff phase (minDelayTarget apart), the backoff phase (from minDelayTarget up to
 * maxDelayTarget along backoffFunction) and the post-backoff phase (maxDelayTarget apart).
 * AWS does not publish its backoff curves; Nimbus uses t, t², t³ and a geometric progression
 * for linear, arithmetic, geometric and exponential, each going from the minimum to the maximum
 * delay, rounded to whole seconds (AWS's delays are whole seconds). AWS's jitter is left out so
 * tests can name the times.
 */
export function retryDelays(policy: RetryPolicy): number[] {
  const { minDelayTarget: min, maxDelayTarget: max } = policy;
  const backoff = Math.max(0, policy.numRetries - policy.numNoDelayRetries - policy.numMinDelayRetries - policy.numMaxDelayRetries);
  const delays: number[] = [];
  for (let i = 0; i < policy.numNoDelayRetries; i++) delays.push(0);
  for (let i = 0; i < policy.numMinDelayRetries; i++) delays.push(min);
  for (let i = 0; i < backoff; i++) {
    const t = backoff === 1 ? 0 : i / (backoff - 1);
    let delay: number;
    switch (policy.backoffFunction) {
      case "arithmetic":
        delay = min + (max - min) * t * t;
        break;
      case "geometric":
        delay = min + (max - min) * t * t * t;
        break;
      case "exponential":
        delay = min * Math.pow(max / min, t);
        break;
      default:
        delay = min + (max - min) * t;
    }
    delays.push(Math.round(delay));
  }
  for (let i = 0; i < policy.numMaxDelayRetries; i++) delays.push(max);
  return delays;
}
