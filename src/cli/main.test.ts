import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FLAGS, flagsMarkdown, helpText, main, startOptions } from "./main.js";

/** The repository root, from src/cli or from its compiled copy under dist/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("no package.json above the test");
    dir = up;
  }
  return dir;
}

/** Runs main() with stderr captured; main returns before starting anything on a usage error. */
async function usageError(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe("nimbus start options", () => {
  test("the Lambda settings default to 100 environments, 50 per function version, account concurrency 1000", () => {
    const options = startOptions({}, {});
    assert.deepEqual(options.lambda, { maxEnvironments: 100, maxEnvironmentsPerFunction: 50, accountConcurrency: 1000 });
  });

  test("each Lambda setting comes from its environment variable, and a flag wins over it", () => {
    const env = { NIMBUS_LAMBDA_MAX_ENVIRONMENTS: "300", NIMBUS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION: "250", NIMBUS_LAMBDA_ACCOUNT_CONCURRENCY: "3000" };
    assert.deepEqual(startOptions({}, env).lambda, { maxEnvironments: 300, maxEnvironmentsPerFunction: 250, accountConcurrency: 3000 });
    const flags = { "lambda-max-environments": "7", "lambda-max-environments-per-function": "2", "lambda-account-concurrency": "10" };
    assert.deepEqual(startOptions(flags, env).lambda, { maxEnvironments: 7, maxEnvironmentsPerFunction: 2, accountConcurrency: 10 });
  });

  test("a Lambda setting that is not a whole number of 1 or more is refused", () => {
    for (const bad of ["0", "-1", "1.5", "abc", "", "1e3"]) {
      assert.throws(() => startOptions({ "lambda-max-environments-per-function": bad }, {}), {
        message: `--lambda-max-environments-per-function must be a whole number of 1 or more, not "${bad}"`,
      });
    }
    assert.throws(() => startOptions({}, { NIMBUS_LAMBDA_ACCOUNT_CONCURRENCY: "lots" }), {
      message: `--lambda-account-concurrency must be a whole number of 1 or more, not "lots"`,
    });
  });

  test("the command line takes the Lambda flags; a bad value exits 2 before anything starts", async () => {
    assert.deepEqual(await usageError(["start", "--lambda-max-environments", "0"]), {
      code: 2,
      stderr: `--lambda-max-environments must be a whole number of 1 or more, not "0"\n`,
    });
    assert.deepEqual(await usageError(["start", "--lambda-max-environments-per-function", "x", "--lambda-max-environments", "5"]), {
      code: 2,
      stderr: `--lambda-max-environments-per-function must be a whole number of 1 or more, not "x"\n`,
    });
    assert.deepEqual(await usageError(["start", "--lambda-account-concurrency=-3"]), {
      code: 2,
      stderr: `--lambda-account-concurrency must be a whole number of 1 or more, not "-3"\n`,
    });
    const unknown = await usageError(["start", "--lambda-max-environment", "5"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^Unknown option '--lambda-max-environment'/);
  });

  test("--dynamodb-status-delay is a whole number of milliseconds; 0, the default, sets nothing", () => {
    assert.equal(startOptions({}, {}).dynamodb, undefined);
    assert.deepEqual(startOptions({}, { NIMBUS_DYNAMODB_STATUS_DELAY: "5000" }).dynamodb, { statusDelayMs: 5000 });
    assert.deepEqual(startOptions({ "dynamodb-status-delay": "250" }, { NIMBUS_DYNAMODB_STATUS_DELAY: "5000" }).dynamodb, { statusDelayMs: 250 });
    for (const bad of ["-1", "1.5", "5s", "", "01"]) {
      assert.throws(() => startOptions({ "dynamodb-status-delay": bad }, {}), { message: `--dynamodb-status-delay must be a whole number of milliseconds, not "${bad}"` });
    }
  });

  test("--dynamodb-throttling is off unless its flag or variable turns it on; it goes with the status delay", () => {
    assert.equal(startOptions({}, { NIMBUS_DYNAMODB_THROTTLING: "false" }).dynamodb, undefined);
    assert.deepEqual(startOptions({ "dynamodb-throttling": true }, {}).dynamodb, { throttling: true });
    assert.deepEqual(startOptions({}, { NIMBUS_DYNAMODB_THROTTLING: "true" }).dynamodb, { throttling: true });
    assert.deepEqual(startOptions({ "dynamodb-throttling": true, "dynamodb-status-delay": "100" }, {}).dynamodb, { statusDelayMs: 100, throttling: true });
  });

  test("the other settings keep their meaning", () => {
    const options = startOptions({ port: "0", "in-memory": true, "log-level": "warn" }, { NIMBUS_HOST: "127.0.0.1" });
    assert.equal(options.port, 0);
    assert.equal(options.host, "127.0.0.1");
    assert.equal(options.inMemory, true);
    assert.equal(options.dataDir, undefined);
    assert.equal(options.logLevel, "warn");
    assert.equal(startOptions({ "data-dir": "state" }, {}).dataDir, resolve("state"));
    assert.throws(() => startOptions({ "log-level": "loud" }, {}), { message: "--log-level must be one of debug, info, warn, error, silent" });
  });

  test("--enforce-signatures and --enforce-policies turn enforcement on, with the root secret from its flag or variable", () => {
    assert.equal(startOptions({}, {}).auth, undefined);
    assert.deepEqual(startOptions({ "enforce-signatures": true }, {}).auth, { enforceSignatures: true, enforcePolicies: false, rootSecretAccessKey: "test" });
    assert.deepEqual(startOptions({}, { NIMBUS_ENFORCE_SIGNATURES: "true", NIMBUS_ROOT_SECRET_ACCESS_KEY: "s3cr3t" }).auth, { enforceSignatures: true, enforcePolicies: false, rootSecretAccessKey: "s3cr3t" });
    assert.deepEqual(startOptions({ "enforce-policies": true }, {}).auth, { enforceSignatures: false, enforcePolicies: true, rootSecretAccessKey: "test" });
  });
});

describe("nimbus --help and the README", () => {
  test("--help lists every flag with its variable and default, the Lambda ones included", () => {
    const help = helpText();
    for (const [flag, env, dflt] of [
      ["--lambda-max-environments", "NIMBUS_LAMBDA_MAX_ENVIRONMENTS", "100"],
      ["--lambda-max-environments-per-function", "NIMBUS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION", "50"],
      ["--lambda-account-concurrency", "NIMBUS_LAMBDA_ACCOUNT_CONCURRENCY", "1000"],
    ] as const) {
      assert.ok(help.includes(`\n  ${flag}  ${env}  (default: ${dflt})\n`), `${flag} missing from:\n${help}`);
    }
    for (const f of FLAGS) assert.ok(help.includes(`  --${f.name}  ${f.env}  (default: ${f.default})\n`), f.name);
    // Each description is there word for word, wrapped under its flag within 80 columns.
    for (const line of help.split("\n")) assert.ok(line.length <= 80 || line.startsWith("  --"), `too wide: ${line}`);
    const words = help.replace(/\s+/g, " ");
    for (const f of FLAGS) assert.ok(words.includes(f.help), f.help);
  });

  test("the README's flag table is the one --help prints", () => {
    const readme = readFileSync(join(repoRoot(), "README.md"), "utf8");
    const start = readme.indexOf("| flag | variable | default | meaning |");
    assert.ok(start >= 0, "README has no flag table");
    const end = readme.indexOf("\n\n", start);
    assert.equal(readme.slice(start, end + 1), flagsMarkdown());
  });
});

describe("the process nimbus start owns", () => {
  test("a promise that fails with nothing to hear it is logged, and the process goes on", () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const script = [
      `import { logUnhandledRejections } from ${JSON.stringify(pathToFileURL(join(here, "main.js")).href)};`,
      `import { createLogger } from ${JSON.stringify(pathToFileURL(join(here, "..", "server", "logger.js")).href)};`,
      `logUnhandledRejections(createLogger("info"));`,
      `Promise.reject(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }));`,
      `setTimeout(() => process.stdout.write("still here\\n"), 50);`,
    ].join("\n");
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const [logged, after] = run.stdout.trim().split("\n");
    const line = JSON.parse(logged ?? "{}") as Record<string, unknown>;
    assert.equal(line["level"], "error");
    assert.equal(line["msg"], "a failure nothing in Nimbus handled (a bug: please report it); Nimbus goes on");
    assert.equal(line["error"], "ENOSPC: no space left on device, write");
    assert.match(String(line["hostFault"]), /^the disk of Nimbus's data dir is full/);
    assert.equal(after, "still here");
  });
});
