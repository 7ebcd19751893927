/**
 * STS constraints the model does not carry, with AWS's Coral wording
 * ("1 validation error detected: Value '...' at 'durationSeconds' failed to satisfy constraint: ...").
 */
import { constraintMessage, length, pattern, range, type Check } from "../../protocol/constraints.js";
import { errors } from "./errors.js";

/** Throws ValidationError listing every failed constraint, as STS does. */
export function check(...checks: Check[]): void {
  const message = constraintMessage(checks);
  if (message !== undefined) throw errors.ValidationError({ message });
}

const SESSION_NAME = /^[\w+=,.@-]*$/;

export const constraints = {
  durationSeconds: (v: number | undefined, min: number, max: number) => range("durationSeconds", v, min, max),
  roleArn: (v: string) => length("roleArn", v, 20, 2048),
  roleSessionName: (v: string) => [length("roleSessionName", v, 2, 64), pattern("roleSessionName", v, SESSION_NAME, "[\\w+=,.@-]*")],
  policy: (v: string | undefined) => length("policy", v, 1, 2048),
  externalId: (v: string | undefined) => [length("externalId", v, 2, 1224), pattern("externalId", v, /^[\w+=,.@:/-]*$/, "[\\w+=,.@:\\/-]*")],
  accessKeyId: (v: string) => [length("accessKeyId", v, 16, 128), pattern("accessKeyId", v, /^[\w]*$/, "[\\w]*")],
  webIdentityToken: (v: string) => length("webIdentityToken", v, 4, 20_000),
  providerId: (v: string | undefined) => length("providerId", v, 4, 2048),
  serialNumber: (v: string | undefined) => length("serialNumber", v, 9, 256),
  tokenCode: (v: string | undefined) => [length("tokenCode", v, 6, 6), pattern("tokenCode", v, /^\d*$/, "[\\d]*")],
};
