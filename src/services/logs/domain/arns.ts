import type { Scope } from "../store.js";

/** DescribeLogGroups `arn` ends in `:*` (it covers the streams); `logGroupArn` does not. */
export function groupArn(s: Scope, name: string): string {
  return `arn:aws:logs:${s.region}:${s.account}:log-group:${name}`;
}

export function streamArn(s: Scope, group: string, stream: string): string {
  return `${groupArn(s, group)}:log-stream:${stream}`;
}

/** A log group ARN (with or without the trailing `:*`) to its scope and name. */
export function parseGroupArn(arn: string): (Scope & { name: string }) | undefined {
  const m = /^arn:aws[\w-]*:logs:([\w-]+):(\d{12}):log-group:([^:]+)(?::\*)?$/.exec(arn);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return undefined;
  return { region: m[1], account: m[2], name: m[3] };
}
