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
  PackedPolicyTooLarge: {
    code: "PackedPolicyTooLarge",
    status: 400,
    message: "Packed size of consumed session policies exceeds the limit of 2048 characters.",
  },
});
