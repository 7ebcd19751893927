/**
 * The SNS errors the domain modules raise. SNS speaks the query protocol, where clients see the
 * awsQueryError code (`InvalidParameter`); `code` carries the model's shape name, as for SQS.
 * SNS puts the whole explanation in the message ("Invalid parameter: ..."), so the template
 * is free text and callers pass AWS's sentence.
 */
import { defineErrors } from "../../../core/errors.js";

export const snsErrors = defineErrors({
  InvalidParameter: {
    code: "InvalidParameterException",
    queryCode: "InvalidParameter",
    status: 400,
    message: "{message}",
  },
  ParameterValueInvalid: {
    code: "InvalidParameterValueException",
    queryCode: "ParameterValueInvalid",
    status: 400,
    message: "{message}",
  },
});

/** Shorthand for the common case: `invalidParameter("Invalid parameter: ...")`. */
export function invalidParameter(message: string) {
  return snsErrors.InvalidParameter({ message });
}

// ---------------------------------------------------------------------------------------------
// Message archiving and replay (FIFO topics). The rules are AWS's: ArchivePolicy holds a single
// value, MessageRetentionPeriod, "Messages can be archived for a minimum of one day to a maximum
// of 365 days", `{}` deactivates it (developer guide, "Amazon SNS message archiving for FIFO topic
// owners"); ReplayPolicy takes PointType (required, "Currently, the supported value for PointType
// is Timestamp"), StartingPoint (required) and EndingPoint (optional), and the start "should be
// later than the beginning of the approximated archive time" (developer guide, "Amazon SNS message
// replay for FIFO topic subscribers"). AWS's wording of these refusals is not documented anywhere
// found (developer guide, API reference, SDK models, LocalStack's and moto's recorded suites,
// public issues): every reason below is Nimbus's, written after the two reasons AWS is recorded
// giving for a subscription's RedrivePolicy ("RedrivePolicy: failed to parse JSON." and
// "RedrivePolicy: invalid JSON. Attribute maxReceiveCount is unknown.").

/** Reasons an ArchivePolicy or a ReplayPolicy is refused, after `Invalid parameter: [Attributes Reason: ]`. */
export const archiveReasons = {
  unparsable: (policy: "ArchivePolicy" | "ReplayPolicy") => `${policy}: failed to parse JSON.`,
  notAnObject: (policy: "ArchivePolicy" | "ReplayPolicy") => `${policy}: invalid JSON. The policy must be a JSON object.`,
  unknownKey: (policy: "ArchivePolicy" | "ReplayPolicy", key: string) => `${policy}: invalid JSON. Attribute ${key} is unknown.`,
  retentionPeriod: (min: number, max: number) => `ArchivePolicy: MessageRetentionPeriod must be an integer number of days from ${min} to ${max}.`,
  pointType: () => "ReplayPolicy: PointType must be Timestamp.",
  missingStartingPoint: () => "ReplayPolicy: StartingPoint is required.",
  timestamp: (point: "StartingPoint" | "EndingPoint") => `ReplayPolicy: ${point} must be an ISO 8601 timestamp.`,
  noArchive: () => "ReplayPolicy: the topic has no ArchivePolicy, so it has no archive to replay.",
  beforeArchive: (beginning: string) => `ReplayPolicy: StartingPoint is before the topic's BeginningArchiveTime, ${beginning}.`,
  future: () => "ReplayPolicy: StartingPoint is in the future.",
  endBeforeStart: () => "ReplayPolicy: EndingPoint is before StartingPoint.",
} as const;
