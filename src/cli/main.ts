/**
 * `nimbus start` and `nimbus --help`. Every flag has a NIMBUS_* environment variable; the
 * README carries the same table (`nimbus --help` prints it).
 */
import { parseArgs } from "node:util";
import { DEFAULT_ROOT_SECRET_ACCESS_KEY } from "../auth/enforcement.js";
import { join, resolve } from "node:path";
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, startNimbus, type NimbusOptions } from "../server/server.js";
import { createLogger, failureFields, LOG_LEVELS, type Logger, type LogLevel } from "../server/logger.js";
import { VERSION } from "../server/version.js";
import { DataDirInUseError } from "../state/data-dir-lock.js";
import { DataDirUnwritableError } from "../state/database.js";
import { DEFAULT_ACCOUNT_CONCURRENCY, DEFAULT_MAX_ENVIRONMENTS, DEFAULT_MAX_ENVIRONMENTS_PER_FUNCTION } from "../services/lambda/limits.js";

interface Flag {
  readonly name: string;
  readonly env: string;
  readonly type: "string" | "boolean";
  readonly default: string;
  readonly help: string;
}

export const FLAGS: readonly Flag[] = [
  { name: "port", env: "NIMBUS_PORT", type: "string", default: String(DEFAULT_PORT), help: "Port for every service (HTTP/1.1 and h2c)." },
  { name: "host", env: "NIMBUS_HOST", type: "string", default: "0.0.0.0", help: "Address to listen on." },
  { name: "hostname", env: "NIMBUS_HOSTNAME", type: "string", default: "localhost", help: "Host name Nimbus calls itself: `<bucket>.<hostname>` addresses a bucket, and URLs Nimbus makes use it (S3 upload Locations, SNS subscribe and signing-certificate URLs, functions' endpoint), except queue URLs: they follow the Host a request was sent to, so a container reaching Nimbus as `nimbus:4566` gets `http://nimbus:4566/...` queue URLs." },
  { name: "data-dir", env: "NIMBUS_DATA_DIR", type: "string", default: ".nimbus", help: "Directory holding persistent state (SQLite database and blobs), one Nimbus at a time: while one runs on it (its process id is in `nimbus.pid`), another refuses to start there." },
  { name: "in-memory", env: "NIMBUS_IN_MEMORY", type: "boolean", default: "false", help: "Keep all state in memory; nothing survives a restart." },
  { name: "log-level", env: "NIMBUS_LOG_LEVEL", type: "string", default: "info", help: "debug | info | warn | error | silent (info logs one line per request)." },
  { name: "max-body-size", env: "NIMBUS_MAX_BODY_SIZE", type: "string", default: String(DEFAULT_MAX_BODY_BYTES), help: "Largest non-streaming request body in bytes (streamed uploads are not limited by it)." },
  // Nimbus's caps, not AWS's: every Lambda environment is a process here (a Node.js one ~45 MB).
  { name: "enforce-signatures", env: "NIMBUS_ENFORCE_SIGNATURES", type: "boolean", default: "false", help: "Verify every request's SigV4 signature, time and session token as AWS does, and refuse unsigned requests to services other than S3. Keys Nimbus issued (STS) are checked with their own secret, every other access key with --root-secret-access-key." },
  { name: "enforce-policies", env: "NIMBUS_ENFORCE_POLICIES", type: "boolean", default: "false", help: "Let resource policies decide who may do what, as AWS does: S3 bucket policies (with ACLs and Block Public Access), DynamoDB table and stream, SQS queue, SNS topic and Lambda function policies admit other accounts, anonymous (unsigned) callers and services (SNS, S3 notifications), and an explicit Deny refuses anyone. Off, each account reaches only its own buckets and unsigned requests act as the default account." },
  { name: "root-secret-access-key", env: "NIMBUS_ROOT_SECRET_ACCESS_KEY", type: "string", default: DEFAULT_ROOT_SECRET_ACCESS_KEY, help: "With --enforce-signatures: the secret access key of every access key Nimbus did not issue (each acts as the root user of its account)." },
  { name: "lambda-max-environments", env: "NIMBUS_LAMBDA_MAX_ENVIRONMENTS", type: "string", default: String(DEFAULT_MAX_ENVIRONMENTS), help: "Lambda execution environments (each a process) in all; past it, starting one first ends the least recently used idle one (busy ones keep running). A Nimbus cap; AWS has none." },
  { name: "lambda-max-environments-per-function", env: "NIMBUS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION", type: "string", default: String(DEFAULT_MAX_ENVIRONMENTS_PER_FUNCTION), help: "Concurrent Lambda execution environments per function version; invocations past it wait for one (a warning is logged), where AWS would start more. Reserved concurrency, where set, is used instead. A Nimbus cap; AWS has none." },
  { name: "lambda-account-concurrency", env: "NIMBUS_LAMBDA_ACCOUNT_CONCURRENCY", type: "string", default: String(DEFAULT_ACCOUNT_CONCURRENCY), help: "Lambda concurrent executions per account and region (AWS's default quota); past it, invocations are throttled with 429 TooManyRequestsException." },
  { name: "dynamodb-status-delay", env: "NIMBUS_DYNAMODB_STATUS_DELAY", type: "string", default: "0", help: "Milliseconds a DynamoDB table stays CREATING after CreateTable (and a restore), UPDATING after UpdateTable (throughput, billing mode, stream, table class or index change; a warm throughput increase leaves the table ACTIVE with WarmThroughput UPDATING) and DELETING after DeleteTable, as AWS's take seconds; meanwhile AWS's ResourceInUseException refusals apply. 0 finishes all three at once." },
  { name: "dynamodb-throttling", env: "NIMBUS_DYNAMODB_THROTTLING", type: "boolean", default: "false", help: "Throttle DynamoDB reads and writes as AWS does: each table and GSI has read and write capacity buckets (its provisioned units, or an on-demand table's MaxReadRequestUnits and MaxWriteRequestUnits, per second) holding up to 300 seconds of unused capacity and drawn by what ReturnConsumedCapacity reports. Past them a request fails with ProvisionedThroughputExceededException (ThrottlingException for an on-demand maximum), a transaction is cancelled and BatchGetItem and BatchWriteItem hand back what they could not do. The buckets live in memory and start full." },
];

const INTEGER_FLAGS = ["lambda-max-environments", "lambda-max-environments-per-function", "lambda-account-concurrency"] as const;

export function helpText(): string {
  // The flag and its variable on one line, what it does wrapped under it: the Lambda names are too long for columns.
  const rows = FLAGS.flatMap((f) => [`  --${f.name}  ${f.env}  (default: ${f.default})`, ...wrap(f.help, 80 - HELP_INDENT.length).map((line) => HELP_INDENT + line)]);
  return [
    `Nimbus ${VERSION}: the AWS cloud on one machine.`,
    ``,
    `Usage: nimbus start [flags]`,
    `       nimbus --help | --version`,
    ``,
    `Flags (each can also be set by its environment variable; a flag wins):`,
    ...rows,
    ``,
  ].join("\n");
}

const HELP_INDENT = "      ";

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The README's flag table: the same list `nimbus --help` prints (a test keeps the README equal to it). */
export function flagsMarkdown(): string {
  const cell = (text: string): string => text.replaceAll("|", "\\|");
  return [
    "| flag | variable | default | meaning |",
    "|---|---|---|---|",
    ...FLAGS.map((f) => `| \`--${f.name}\` | \`${f.env}\` | \`${f.default}\` | ${cell(f.help)} |`),
    "",
  ].join("\n");
}

function option(values: Record<string, string | boolean | undefined>, flag: Flag, env: NodeJS.ProcessEnv): string {
  const v = values[flag.name];
  if (v !== undefined) return String(v);
  return env[flag.env] ?? flag.default;
}

/**
 * What `nimbus start` passes to startNimbus: each flag, else its environment variable, else its
 * default. Throws an Error whose message is the usage error to print for a bad value.
 */
export function startOptions(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv = process.env): NimbusOptions {
  const get = (name: string): string => option(values, FLAGS.find((f) => f.name === name) as Flag, env);
  const logLevel = get("log-level") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(", ")}`);
  const integers: Partial<Record<(typeof INTEGER_FLAGS)[number], number>> = {};
  for (const name of INTEGER_FLAGS) {
    const text = get(name);
    if (!/^[1-9][0-9]*$/.test(text)) throw new Error(`--${name} must be a whole number of 1 or more, not "${text}"`);
    integers[name] = Number(text);
  }
  const statusDelay = get("dynamodb-status-delay");
  if (!/^(0|[1-9][0-9]*)$/.test(statusDelay)) throw new Error(`--dynamodb-status-delay must be a whole number of milliseconds, not "${statusDelay}"`);
  const throttling = get("dynamodb-throttling") === "true";
  const inMemory = get("in-memory") === "true";
  const enforceSignatures = get("enforce-signatures") === "true";
  const enforcePolicies = get("enforce-policies") === "true";
  return {
    port: Number(get("port")),
    host: get("host"),
    hostname: get("hostname"),
    inMemory,
    ...(inMemory ? {} : { dataDir: resolve(get("data-dir")) }),
    logLevel,
    maxBodyBytes: Number(get("max-body-size")),
    ...(enforceSignatures || enforcePolicies ? { auth: { enforceSignatures, enforcePolicies, rootSecretAccessKey: get("root-secret-access-key") } } : {}),
    ...(statusDelay !== "0" || throttling
      ? { dynamodb: { ...{}, ...(statusDelay !== "0" ? { statusDelayMs: Number(statusDelay) } : {}), ...(throttling ? { throttling } : {}) } }
      : {}),
    lambda: {
      maxEnvironments: integers["lambda-max-environments"],
      maxEnvironmentsPerFunction: integers["lambda-max-environments-per-function"],
      accountConcurrency: integers["lambda-account-concurrency"],
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  const options = Object.fromEntries(FLAGS.map((f) => [f.name, { type: f.type }])) as Record<string, { type: "string" | "boolean" }>;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...{}, ...options, help: { type: "boolean", short: "h" }, version: { type: "boolean" } }, allowPositionals: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${helpText()}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(helpText());
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = positionals[0] ?? "start";
  if (command !== "start") {
    process.stderr.write(`Unknown command: ${command}\n\n${helpText()}`);
    return 2;
  }
  let startWith: NimbusOptions;
  try {
    startWith = startOptions(values as Record<string, string | boolean | undefined>);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  // Listening for the stop signals before anything else: a supervisor (a test harness, a
  // container runtime) may send SIGTERM as soon as it reads the banner, or while Nimbus starts.
  // Installed after the banner, they left a window in which SIGTERM killed the process unclosed.
  const stopping = new Promise<string>((resolveStop) => {
    process.once("SIGINT", () => resolveStop("SIGINT"));
    process.once("SIGTERM", () => resolveStop("SIGTERM"));
  });
  logUnhandledRejections(createLogger(startWith.logLevel ?? "info"));
  const started = performance.now();
  let nimbus;
  try {
    nimbus = await startNimbus(startWith);
  } catch (err) {
    process.stderr.write(`nimbus: ${startFailure(err, startWith)}\n`);
    return 1;
  }
  const ready = Math.round(performance.now() - started);
  const lambda = startWith.lambda;
  process.stdout.write(
    [
      `Nimbus ${VERSION} ready in ${ready} ms`,
      `  endpoint:  ${nimbus.url}`,
      `  data dir:  ${startWith.dataDir ?? "(in memory)"}`,
      `  lambda:    at most ${lambda?.maxEnvironmentsPerFunction} environments per function version, ${lambda?.maxEnvironments} in all; account concurrency ${lambda?.accountConcurrency}`,
      `  services:  ${nimbus.registry.ids.filter((id) => nimbus.registry.state(id) !== "not implemented").join(", ")}`,
      `  modeled, answering 501 NotImplemented: ${nimbus.registry.ids.filter((id) => nimbus.registry.state(id) === "not implemented").length} more services`,
      ``,
    ].join("\n"),
  );
  process.stdout.write(`${await stopping}: shutting down\n`);
  await nimbus.close();
  return 0;
}

/**
 * Why `nimbus start` could not start, in words that say what to do: the common causes are
 * the machine's (a port in use, a data dir that cannot be written or is not Nimbus's), not bugs.
 */
export function startFailure(err: unknown, options: NimbusOptions): string {
  if (err instanceof DataDirInUseError || err instanceof DataDirUnwritableError) return err.message;
  const error = err as NodeJS.ErrnoException & { syscall?: string };
  const where = `${options.host ?? "0.0.0.0"}:${options.port ?? DEFAULT_PORT}`;
  if (error.syscall === "listen") {
    if (error.code === "EADDRINUSE") return `cannot listen on ${where}: the port is in use by another program (another Nimbus?). Stop it, or choose another port with --port.`;
    if (error.code === "EACCES") return `cannot listen on ${where}: not permitted (ports below 1024 need privileges). Choose another port with --port.`;
    if (error.code === "EADDRNOTAVAIL") return `cannot listen on ${where}: this machine has no such address. Choose another with --host.`;
    return `cannot listen on ${where}: ${error.message}`;
  }
  const dir = options.dataDir;
  const code = error.code ?? "";
  if (dir !== undefined) {
    if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
      return `${join(dir, "nimbus.db")} is not a Nimbus database or is damaged (${error.message}). Move it away to start on an empty data dir, or choose another --data-dir.`;
    }
    if (code === "ENOENT" && error.syscall === "mkdir") return `the data dir ${dir} cannot be made (${error.message}). Choose another --data-dir.`;
    if (code === "EEXIST" || code === "ENOTDIR") return `the data dir ${dir} is not a directory (${error.message}). Choose another --data-dir.`;
  }
  return `could not start: ${error.stack ?? String(err)}`;
}

/**
 * The last resort of the process `nimbus start` owns (a program embedding startNimbus keeps its
 * own): a promise that failed with nothing to hear it is logged, and Nimbus goes on, where node
 * would end the process, and every request, function and long poll in it. Each is a bug (two,
 * found when the disk filled up, ended Nimbus before they were fixed); the tests, which start
 * Nimbus in their own process, still fail on one.
 */
export function logUnhandledRejections(logger: Logger): void {
  process.on("unhandledRejection", (reason) => {
    logger.error({ msg: "a failure nothing in Nimbus handled (a bug: please report it); Nimbus goes on", ...failureFields(reason) });
  });
}
