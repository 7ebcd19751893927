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

/** A session tag key, in the tags and in TransitiveTagKeys alike (tagKeyType). */
const tagKey = (name: string, v: string): Check[] => [length(name, v, 1, 128), pattern(name, v, TAG_KEY, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+")];
/** A role session name and a source identity share one type's bounds: 2 to 64 of [\w+=,.@-]. */
const sessionNameLike = (name: string, v: string | undefined): Check[] => [length(name, v, 2, 64), pattern(name, v, SESSION_NAME, "[\\w+=,.@-]*")];

export const constraints = {
  durationSeconds: (v: number | undefined, min: number, max: number) => range("durationSeconds", v, min, max),
  roleArn: (v: string) => length("roleArn", v, 20, 2048),
  roleSessionName: (v: string) => sessionNameLike("roleSessionName", v),
  policy: (v: string | undefined) => [length("policy", v, 1, 2048), pattern("policy", v, SESSION_POLICY, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+")],
  /** Each managed policy ARN (policyDescriptorListType of arnType, 20 to 2,048 characters). */
  policyArns: (v: readonly { arn?: string }[] | undefined) => (v ?? []).map((p, i) => length(`policyArns.${i + 1}.member.arn`, p.arn, 20, 2048)),
  /** Up to 50 session tags (tagListType); the list's count is shown as the other lists Coral counts. */
  tags: (v: readonly { Key: string; Value: string }[] | undefined) => [
    count("tags", v, 0, 50),
    ...(v ?? []).flatMap((t, i) => [
      ...tagKey(`tags.${i + 1}.member.key`, t.Key),
      length(`tags.${i + 1}.member.value`, t.Value, 0, 256),
      pattern(`tags.${i + 1}.member.value`, t.Value, TAG_VALUE, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"),
    ]),
  ],
  transitiveTagKeys: (v: readonly string[] | undefined) => [
    count("transitiveTagKeys", v, 0, 50),
    ...(v ?? []).flatMap((k, i) => tagKey(`transitiveTagKeys.${i + 1}.member`, k)),
  ],
  sourceIdentity: (v: string | undefined) => sessionNameLike("sourceIdentity", v),
  externalId: (v: string | undefined) => [length("externalId", v, 2, 1224), pattern("externalId", v, /^[\w+=,.@:/-]*$/, "[\\w+=,.@:\\/-]*")],
  accessKeyId: (v: string) => [length("accessKeyId", v, 16, 128), pattern("accessKeyId", v, /^[\w]*$/, "[\\w]*")],
  serialNumber: (v: string | undefined) => [length("serialNumber", v, 9, 256), pattern("serialNumber", v, /^[\w+=/:,.@-]*$/, "[\\w+=/:,.@-]*")],
  webIdentityToken: (v: string) => length("webIdentityToken", v, 4, 20_000),
  providerId: (v: string | undefined) => length("providerId", v, 4, 2048),
  tokenCode: (v: string | undefined) => [length("tokenCode", v, 6, 6), pattern("tokenCode", v, /^\d*$/, "[\\d]*")],
};
