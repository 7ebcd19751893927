/**
 * Log events written to CloudWatch Logs by another service in-process (Lambda's function logs,
 * SNS's delivery status logs), the way AWS services do with logs:CreateLogGroup,
 * logs:CreateLogStream and logs:PutLogEvents.
 */
import { AwsError } from "./errors.js";
import type { Invoke, Scope } from "./service.js";

export interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
}

function codeOf(err: unknown): string | undefined {
  return err instanceof AwsError ? err.code : undefined;
}

/**
 * Puts the events into the stream; a group or stream that does not exist (first use, or deleted
 * since) is created and the put made again. Other errors are the caller's: a service that does
 * not implement CloudWatch Logs answers NotImplemented.
 */
export async function putLogEvents(invoke: Invoke, scope: Scope, logGroupName: string, logStreamName: string, logEvents: readonly LogEvent[]): Promise<void> {
  const put = () => invoke("logs", "PutLogEvents", { logGroupName, logStreamName, logEvents }, scope);
  try {
    await put();
    return;
  } catch (err) {
    if (codeOf(err) !== "ResourceNotFoundException") throw err;
  }
  for (const [operation, input] of [
    ["CreateLogGroup", { logGroupName }],
    ["CreateLogStream", { logGroupName, logStreamName }],
  ] as const) {
    try {
      await invoke("logs", operation, input, scope);
    } catch (err) {
      if (codeOf(err) !== "ResourceAlreadyExistsException") throw err;
    }
  }
  await put();
}
