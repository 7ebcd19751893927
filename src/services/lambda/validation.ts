/**
 * Lambda's constraints that the (frozen v2) model does not carry, with Lambda's wording:
 * Coral-style ValidationException for member constraints, InvalidParameterValueException for
 * Lambda's own rules (runtimes, environment size, reserved variables).
 */
import { constraintMessage, count, eachOneOf, length, oneOf, pattern, range, type Check } from "../../protocol/constraints.js";
import { errors } from "./errors.js";

export { length, oneOf, pattern, range } from "../../protocol/constraints.js";

/** Throws ValidationException listing every failed constraint, as Lambda does. */
export function check(...checks: Check[]): void {
  const message = constraintMessage(checks);
  if (message !== undefined) throw errors.Validation({ message });
}

// Runtimes Lambda accepts for new functions (and the Nimbus engine can run: node, python, provided).
export const RUNTIMES = [
  "nodejs18.x",
  "nodejs20.x",
  "nodejs22.x",
  "python3.9",
  "python3.10",
  "python3.11",
  "python3.12",
  "python3.13",
  "provided.al2",
  "provided.al2023",
] as const;

// Deprecated on Lambda: create/update is refused with a pointer to the current runtime.
const DEPRECATED: Readonly<Record<string, string>> = {
  "nodejs10.x": "nodejs20.x",
  "nodejs12.x": "nodejs20.x",
  "nodejs14.x": "nodejs20.x",
  "nodejs16.x": "nodejs20.x",
  "python2.7": "python3.12",
  "python3.6": "python3.12",
  "python3.7": "python3.12",
  "python3.8": "python3.12",
  provided: "provided.al2023",
};

const ALL_RUNTIMES = [...RUNTIMES, ...Object.keys(DEPRECATED), "java21", "java17", "java11", "java8.al2", "dotnet8", "ruby3.3", "ruby3.2"];

export const FUNCTION_NAME_PATTERN = /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
export const FUNCTION_NAME_SOURCE =
  "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
const ROLE_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ROLE_SOURCE = "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";
const HANDLER_PATTERN = /^[^\s]+$/;

export const constraints = {
  functionName: (v: string) => [length("functionName", v, 1, 140), pattern("functionName", v, FUNCTION_NAME_PATTERN, FUNCTION_NAME_SOURCE)],
  role: (v: string | undefined) => pattern("role", v, ROLE_PATTERN, ROLE_SOURCE),
  handler: (v: string | undefined) => [length("handler", v, 0, 128), pattern("handler", v, HANDLER_PATTERN, "[^\\s]+")],
  runtime: (v: string | undefined) => oneOf("runtime", v, ALL_RUNTIMES),
  timeout: (v: number | undefined) => range("timeout", v, 1, 900),
  memorySize: (v: number | undefined) => range("memorySize", v, 128, 10240),
  ephemeralStorage: (v: number | undefined) => range("ephemeralStorage.size", v, 512, 10240),
  description: (v: string | undefined) => length("description", v, 0, 256),
  maxItems: (v: number | undefined) => range("maxItems", v, 1, 10000),
  // Members newer than the v2 model (API Reference: EventSourceMappingMetricsConfig,
  // EventSourceMappingLoggingConfig, ProvisionedPollerConfig, DurableConfig, TenancyConfig).
  eventSourceMappingMetrics: (v: string[] | undefined) => [
    count("metricsConfig.metrics", v, 0, 3),
    eachOneOf("metricsConfig.metrics", v, ["EventCount", "ErrorCount", "KafkaMetrics"]),
  ],
  eventSourceMappingLogLevel: (v: string | undefined) => oneOf("loggingConfig.systemLogLevel", v, ["DEBUG", "INFO", "WARN"]),
  provisionedPollers: (v: { MinimumPollers?: number; MaximumPollers?: number } | undefined) => [
    range("provisionedPollerConfig.minimumPollers", v?.MinimumPollers, 1, 200),
    range("provisionedPollerConfig.maximumPollers", v?.MaximumPollers, 1, 10000),
  ],
  durable: (v: { RetentionPeriodInDays?: number; ExecutionTimeout?: number } | undefined) => [
    range("durableConfig.retentionPeriodInDays", v?.RetentionPeriodInDays, 1, 90),
    range("durableConfig.executionTimeout", v?.ExecutionTimeout, 1, 31622400),
  ],
  tenantIsolationMode: (v: string | undefined) => oneOf("tenancyConfig.tenantIsolationMode", v, ["PER_TENANT"]),
};

/** Lambda's own rules on the runtime, checked after the enum. */
export function checkRuntime(runtime: string): void {
  const replacement = DEPRECATED[runtime];
  if (replacement) {
    throw errors.InvalidParameterValue({
      message: `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${replacement}) while creating or updating functions.`,
    });
  }
  if (!(RUNTIMES as readonly string[]).includes(runtime)) {
    throw errors.InvalidParameterValue({ message: `The runtime parameter of ${runtime} is not supported by the Nimbus execution engine.` });
  }
}

// Variables the Lambda runtime sets itself; a function may not override them.
const RESERVED_VARIABLES = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
]);

// The 4 KB limit counts the variables as Lambda serializes them: a JSON object of names and values.
const ENVIRONMENT_LIMIT = 4096;

export function checkEnvironment(variables: Readonly<Record<string, string>> | undefined): void {
  if (!variables) return;
  const reserved = Object.keys(variables).filter((k) => RESERVED_VARIABLES.has(k));
  if (reserved.length) {
    throw errors.InvalidParameterValue({
      message: `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(", ")}`,
    });
  }
  for (const key of Object.keys(variables)) {
    if (!/^[a-zA-Z]([a-zA-Z0-9_])+$/.test(key)) {
      throw errors.Validation({
        message: `1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]`,
      });
    }
  }
  const measured = JSON.stringify(variables);
  if (Buffer.byteLength(measured) > ENVIRONMENT_LIMIT) {
    throw errors.InvalidParameterValue({
      message: `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    });
  }
}
