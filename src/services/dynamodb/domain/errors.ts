import { AwsError } from "../../../core/errors.js";

/**
 * Every rule in this domain module fails the same way on AWS: HTTP 400 with
 * `ValidationException` and a message that names the broken rule. The exact messages are
 * quoted where they are raised, next to the rule they belong to.
 */
export function validationException(message: string): AwsError {
  return new AwsError("ValidationException", message, 400);
}

export function isValidationException(err: unknown): err is AwsError {
  return err instanceof AwsError && err.code === "ValidationException";
}
