/**
 * STS constraints the model does not carry, with AWS's Coral wording
 * ("1 validation error detected: Value '...' at 'durationSeconds' failed to satisfy constraint: ...").
 */
import { constraintMessage, count, length, pattern, range, type Check } from "../../protocol/constraints.js";
import { errors } from "./errors.js";

/** Throws ValidationError listing every failed constraint, as STS does. */
export function check(...checks: Check[]): void {
  const message = constraintMessage(checks);
  if (message !== undefined) throw errors.ValidationError({ message });
}

const SESSION_NAME = /^[\w+=,.@-]*$/;
// Session tags' keys and values (tagKeyType, tagValueType in the STS model), shown as IAM's
// Coral answer quotes them: "Value '...' at 'tags.6.member.value' failed to satisfy constraint:
// Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*" (SWO-GS/auto-tag#90).
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const SESSION_POLICY = /^[\u0009\u000A\u000D\u0020-\u00FF]+$/;

export const constraints = {
  durationSeconds: (v: number | undefined, min: number, max: number) => range("durationSeconds", v, min, max),
  roleArn: (v: string) => length("roleArn", v, 20, 2048),
  roleSessionName: (v: string) => [length("roleSessionName", v, 2, 64), pattern("roleSessionName", v, SESSION_NAME, "[\\w+=,.@-]*")],
  policy: (v: string | undefined) => [length("policy", v, 1, 2048), pattern("policy", v, SESSION_POLICY, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+")],
  /** Each managed policy ARN (policyDescriptorListType of arnType, 20 to 2,048 characters). */
  policyArns: (v: readonly { arn?: string }[] | undefined) => (v ?? []).map((p, i) => length(`policyArns.${i + 1}.member.arn`, p.arn, 20, 2048)),
  /** Up to 50 session tags (tagListType); the list's count is shown as the other lists Coral counts. */
  tags: (v: readonly { Key: string; Value: string }[] | undefined) => [
    count("tags", v, 0, 50),
    ...(v ?? []).flatMap((t, i) => [
      length(`tags.${i + 1}.member.key`, t.Key, 1, 128),
      pattern(`tags.${i + 1}.member.key`, t.Key, TAG_KEY, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"),
      length(`tags.${i + 1}.member.value`, t.Value, 0, 256),
      pattern(`tags.${i + 1}.member.value`, t.Value, TAG_VALUE, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"),
    ]),
  ],
  transitiveTagKeys: (v: readonly string[] | undefined) => [
    count("transitiveTagKeys", v, 0, 50),
    ...(v ?? []).flatMap((k, i) => [length(`transitiveTagKeys.${i + 1}.member`, k, 1, 128), pattern(`transitiveTagKeys.${i + 1}.member`, k, TAG_KEY, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+")]),
  ],
  sourceIdentity: (v: string | undefined) => [length("sourceIdentity", v, 2, 64), pattern("sourceIdentity", v, SESSION_NAME, "[\\w+=,.@-]*")],
  externalId: (v: string | undefined) => [length("externalId", v, 2, 1224), pattern("externalId", v, /^[\w+=,.@:/-]*$/, "[\\w+=,.@:\\/-]*")],
  accessKeyId: (v: string) => [length("accessKeyId", v, 16, 128), pattern("accessKeyId", v, /^[\w]*$/, "[\\w]*")],
  serialNumber: (v: string | undefined) => [length("serialNumber", v, 9, 256), pattern("serialNumber", v, /^[\w+=/:,.@-]*$/, "[\\w+=/:,.@-]*")],
  webIdentityToken: (v: string) => length("webIdentityToken", v, 4, 20_000),
  providerId: (v: string | undefined) => length("providerId", v, 4, 2048),
  tokenCode: (v: string | undefined) => [length("tokenCode", v, 6, 6), pattern("tokenCode", v, /^\d*$/, "[\\d]*")],
};
