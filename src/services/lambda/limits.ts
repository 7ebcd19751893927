/**
 * Lambda's concurrency settings that `nimbus start` exposes (`--lambda-*` flags, NimbusConfig
 * `lambda`): the account's concurrency quota, which AWS has too, and Nimbus's own caps on
 * execution environments, which AWS does not have. The caps exist because every environment
 * is a real process on the developer's machine (a Node.js one is about 45 MB); on AWS, a
 * function scales up to the account's unreserved concurrency.
 */
import type { NimbusConfig } from "../../core/service.js";

/** AWS's default regional quota of concurrent executions per account (GetAccountSettings `ConcurrentExecutions`). */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;
/** Nimbus's cap on environments in all; past it, starting one first ends the least recently used idle one. */
export const DEFAULT_MAX_ENVIRONMENTS = 100;
/** Nimbus's cap on concurrent environments per function version; invocations past it wait for one. */
export const DEFAULT_MAX_ENVIRONMENTS_PER_FUNCTION = 50;

/** The `nimbus start` flag and environment variable of each setting, for messages that tell a user how to raise it. */
export const LIMIT_SETTINGS = {
  maxEnvironments: { flag: "--lambda-max-environments", env: "NIMBUS_LAMBDA_MAX_ENVIRONMENTS" },
  maxEnvironmentsPerFunction: { flag: "--lambda-max-environments-per-function", env: "NIMBUS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION" },
  accountConcurrency: { flag: "--lambda-account-concurrency", env: "NIMBUS_LAMBDA_ACCOUNT_CONCURRENCY" },
} as const;

export function accountConcurrency(config: NimbusConfig): number {
  return config.lambda?.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY;
}

/**
 * What reserved and provisioned concurrency must leave unreserved: 100 at AWS's default quota;
 * an account whose quota is lower (new accounts get 10 or 50) must leave all of it, which is why
 * AWS answers such accounts "...below its minimum value of [10]".
 */
export function minUnreserved(quota: number): number {
  return Math.min(100, quota);
}
