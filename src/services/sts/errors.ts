import { defineErrors } from "../../core/errors.js";

// Messages as STS sends them (AWS STS API reference, Common Errors and per-operation errors).
export const errors = defineErrors({
  ValidationError: { code: "ValidationError", status: 400, message: "{message}" },
  AccessDenied: { code: "AccessDenied", status: 403, message: "{message}" },
  SessionTokenWithSessionCredentials: {
    code: "AccessDenied",
    status: 403,
    message: "Cannot call GetSessionToken with session credentials",
  },
  InvalidParameterValue: { code: "InvalidParameterValue", status: 400, message: "{message}" },
  MalformedPolicyDocument: {
    code: "MalformedPolicyDocument",
    status: 400,
    message: "The request was rejected because the policy document was malformed.",
  },
  // AssumeRoleWithWebIdentity (API reference, Errors): the documented text for a token that is no JWT.
  InvalidIdentityToken: {
    code: "InvalidIdentityToken",
    status: 400,
    message: "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.",
  },
  // An expired JWT, as STS words it (aws/aws-sdk-java-v2#5709: "Token expired: current date/time
  // 1731098245 must be before the expiration date/time 1731095240"); both are epoch seconds.
  ExpiredToken: {
    code: "ExpiredTokenException",
    status: 400,
    message: "Token expired: current date/time {now} must be before the expiration date/time {expiration}",
  },
  PackedPolicyTooLarge: {
    code: "PackedPolicyTooLarge",
    status: 400,
    message: "Packed size of consumed session policies exceeds the limit of 2048 characters.",
  },
});
