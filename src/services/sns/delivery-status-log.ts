/**
 * Writes delivery status records (domain/delivery-status.ts) to CloudWatch Logs through the
 * Logs service in-process, creating the group and stream on first use, as SNS does with the
 * feedback role's logs:CreateLogGroup / CreateLogStream / PutLogEvents.
 * A record that cannot be written is lost and noted in Nimbus's log: it never fails or
 * delays the delivery it describes beyond the in-process calls themselves.
 */
import type { Clock } from "../../core/clock.js";
import { putLogEvents } from "../../core/log-events.js";
import type { Invoke } from "../../core/service.js";
import type { Logger } from "../../server/logger.js";
import { deliveryStatusEvent, shouldLog, statusLogGroup, statusLogStream, type DeliveryOutcome, type StatusNotification } from "./domain/delivery-status.js";
import type { Topic } from "./store.js";

export interface StatusLogEnv {
  readonly invoke: Invoke;
  readonly clock: Clock;
  readonly store: { readonly logger?: Logger | undefined };
}

/** Logs one delivery's outcome when the topic asks for it (protocol, role, sample rate). Never rejects. */
export async function logDeliveryStatus(env: StatusLogEnv, topic: Topic, protocol: string, notification: StatusNotification, outcome: DeliveryOutcome): Promise<void> {
  if (!shouldLog(topic.attributes, protocol, outcome)) return;
  const scope = { account: topic.account, region: topic.region };
  const logGroupName = statusLogGroup(notification.topicArn, outcome.status);
  const logStreamName = statusLogStream(logGroupName, protocol);
  const logEvents = [{ timestamp: env.clock.now(), message: deliveryStatusEvent(notification, outcome) }];
  try {
    await putLogEvents(env.invoke, scope, logGroupName, logStreamName, logEvents);
  } catch (err) {
    env.store.logger?.warn({ msg: "SNS could not write a delivery status log", service: "sns", logGroupName, error: err instanceof Error ? err.message : String(err) });
  }
}
