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
