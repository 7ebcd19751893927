/** The execution engine's public shapes, shared by the engine, its environments and callers. */

export interface FunctionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Everything the engine needs to run one version of a function. */
export interface FunctionSpec {
  name: string;
  /** Unqualified function ARN; environments are shared per ARN and version. */
  arn: string;
  /** The version that runs: "$LATEST" or "1", "2"... (aliases resolve to one before this). */
  version: string;
  runtime: string;
  handler: string;
  /** Extracted deployment package (zip.ts `extractZip`): the function's `/var/task`. */
  codeDir: string;
  /** Extracted layers, in the function's layer order. */
  layerDirs?: readonly string[];
  environment?: Readonly<Record<string, string>>;
  /** Seconds, 1-900. */
  timeout: number;
  /** MB, 128-10240. */
  memorySize: number;
  /** MB of `/tmp` (EphemeralStorage); default 512. Checked by sampling (environment.ts). */
  ephemeralStorage?: number;
  /** The execution role's credentials, given to the function as AWS_ACCESS_KEY_ID etc. */
  credentials?: FunctionCredentials;
  region: string;
  /** Defaults to `/aws/lambda/<name>` (LoggingConfig.LogGroup overrides it on Lambda). */
  logGroupName?: string;
  /** LoggingConfig.LogFormat: "Text" (default) or "JSON" application logs. */
  logFormat?: "Text" | "JSON";
  /** LoggingConfig.ApplicationLogLevel, used with JSON logs. */
  applicationLogLevel?: string;
}

export interface InvokeOptions {
  requestId?: string;
  /** The ARN the caller invoked (qualified with a version or alias); defaults to `arn`. */
  invokedFunctionArn?: string;
  /** JSON text of the client context (Invoke's base64 `ClientContext`, decoded). */
  clientContext?: string;
  /** JSON text of the Cognito identity. */
  cognitoIdentity?: string;
  /** X-Ray trace header; generated when absent. */
  traceId?: string;
  /** Most environments this function version may run at once (reserved concurrency, say). */
  concurrencyLimit?: number;
}

export interface LogEvent {
  /** Epoch milliseconds. */
  timestamp: number;
  /** One CloudWatch Logs event, ending in "\n" as Lambda's do. */
  message: string;
}

export interface InvokeResult {
  requestId: string;
  payload: Buffer;
  /**
   * Set when the function failed. Current runtimes report every error as "Unhandled" (the
   * "Handled" of the old callback(err) model is never produced, but callers may meet it).
   */
  functionError?: "Unhandled" | "Handled";
  /** This invocation's log from START to REPORT: what `LogType: Tail` returns the end of. */
  logs: string;
  /** Everything to append to the log stream for this invocation, init output included. */
  logEvents: LogEvent[];
  logGroupName: string;
  logStreamName: string;
  durationMs: number;
  billedMs: number;
  /** Set on the cold start that initialized the environment. */
  initDurationMs?: number;
  maxMemoryUsedMb: number;
  executedVersion: string;
  coldStart: boolean;
  environmentId: string;
}

/** `fields`: structured detail for Nimbus's JSON log (function, cap, limit...). */
export type EngineLog = (level: "debug" | "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) => void;

/** Timeouts, reaping and memory sampling go through Nimbus's one scheduler. */
export type { Scheduler } from "../../../core/scheduler.js";
