/**
 * Runs the AWS CLI v2 and boto3 from Debian's packages (`awscli`, `python3-boto3`) against a
 * Nimbus. Absolute paths on purpose: a pyenv or pip `aws` earlier on PATH may be CLI v1.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

export const AWS_CLI = process.env["NIMBUS_AWS_CLI"] ?? (existsSync("/usr/bin/aws") ? "/usr/bin/aws" : "aws");
export const PYTHON = process.env["NIMBUS_PYTHON"] ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** The whole environment: nothing is inherited. */
  readonly env: Record<string, string>;
  readonly cwd?: string;
  /** Written to the process's stdin, which is then closed. */
  readonly input?: string;
}

/** Runs a client process to its end, its output collected (test/compat and test/clients). */
export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** Runs a client script that prints what it saw as one JSON object; a run that fails is an error with its stderr. */
export async function scriptJson(command: string, args: readonly string[], env: Record<string, string>): Promise<Record<string, unknown>> {
  const r = await runProcess(command, args, { env });
  if (r.code !== 0) throw new Error(`${[command, ...args].join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function run(command: string, args: string[], env: Record<string, string>, input?: string): Promise<RunResult> {
  return runProcess(command, args, { env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...env }, ...(input === undefined ? {} : { input }) });
}

const credentials = {
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_PAGER: "",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
};

export function aws(endpoint: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run(AWS_CLI, ["--endpoint-url", endpoint, "--output", "json", ...args], { ...credentials, ...env });
}

/** Runs a Python snippet with boto3; `ENDPOINT` is defined for it. */
export function boto3(endpoint: string, script: string, env: Record<string, string> = {}): Promise<RunResult> {
  const prelude = `import boto3, json, sys\nENDPOINT = ${JSON.stringify(endpoint)}\n`;
  return run(PYTHON, ["-c", prelude + script], { ...credentials, ...env });
}
