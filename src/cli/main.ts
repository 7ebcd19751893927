/**
 * `nimbus start` and `nimbus --help`. Every flag has a NIMBUS_* environment variable; the
 * README carries the same table (`nimbus --help` prints it).
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, startNimbus } from "../server/server.js";
import { LOG_LEVELS, type LogLevel } from "../server/logger.js";
import { VERSION } from "../server/version.js";

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
  { name: "hostname", env: "NIMBUS_HOSTNAME", type: "string", default: "localhost", help: "Host name used in URLs Nimbus returns (queue URLs, presigned URLs)." },
  { name: "data-dir", env: "NIMBUS_DATA_DIR", type: "string", default: ".nimbus", help: "Directory holding persistent state (SQLite database and blobs)." },
  { name: "in-memory", env: "NIMBUS_IN_MEMORY", type: "boolean", default: "false", help: "Keep all state in memory; nothing survives a restart." },
  { name: "log-level", env: "NIMBUS_LOG_LEVEL", type: "string", default: "info", help: "debug | info | warn | error | silent (info logs one line per request)." },
  { name: "max-body-size", env: "NIMBUS_MAX_BODY_SIZE", type: "string", default: String(DEFAULT_MAX_BODY_BYTES), help: "Largest non-streaming request body in bytes (streamed uploads are not limited by it)." },
];

export function helpText(): string {
  const rows = FLAGS.map((f) => `  --${f.name.padEnd(15)} ${f.env.padEnd(22)} ${f.help} (default: ${f.default})`);
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

function option(values: Record<string, string | boolean | undefined>, flag: Flag): string {
  const v = values[flag.name];
  if (v !== undefined) return String(v);
  return process.env[flag.env] ?? flag.default;
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
  const get = (name: string): string => option(values as Record<string, string | boolean | undefined>, FLAGS.find((f) => f.name === name) as Flag);
  const logLevel = get("log-level") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    process.stderr.write(`--log-level must be one of ${LOG_LEVELS.join(", ")}\n`);
    return 2;
  }
  const port = Number(get("port"));
  const inMemory = get("in-memory") === "true";
  const dataDir = resolve(get("data-dir"));
  const started = performance.now();
  const nimbus = await startNimbus({
    port,
    host: get("host"),
    hostname: get("hostname"),
    inMemory,
    ...(inMemory ? {} : { dataDir }),
    logLevel,
    maxBodyBytes: Number(get("max-body-size")),
  });
  const ready = Math.round(performance.now() - started);
  process.stdout.write(
    [
      `Nimbus ${VERSION} ready in ${ready} ms`,
      `  endpoint:  ${nimbus.url}`,
      `  data dir:  ${inMemory ? "(in memory)" : dataDir}`,
      `  services:  ${nimbus.registry.ids.filter((id) => nimbus.registry.state(id) !== "not implemented").join(", ")}`,
      `  modeled, answering 501 NotImplemented: ${nimbus.registry.ids.filter((id) => nimbus.registry.state(id) === "not implemented").length} more services`,
      ``,
    ].join("\n"),
  );
  await new Promise<void>((resolveStop) => {
    const stop = (signal: string): void => {
      process.stdout.write(`${signal}: shutting down\n`);
      resolveStop();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await nimbus.close();
  return 0;
}
