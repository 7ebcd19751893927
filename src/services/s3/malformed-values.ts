/**
 * S3's answer to a header or query value that is not of its type. S3 has no
 * SerializationException: it answers InvalidArgument, naming the argument and its value, with
 * the same message it gives a value out of range where it has one.
 */
import type { AwsError } from "../../core/errors.js";
import { invalidArgument, s3DomainErrors } from "./errors.js";
import { partNumberError } from "./ingest.js";
import { notAnIntegerError } from "./domain/listing.js";

/** The paging parameters S3 refuses as "not an integer" when their value does not parse. */
const PAGING = new Set(["max-keys", "max-uploads", "max-parts"]);

export function malformedValue(name: string, text: string): AwsError {
  if (name === "partNumber") return partNumberError(text);
  if (PAGING.has(name)) return notAnIntegerError(name, text);
  if (name === "x-amz-mp-object-size") return s3DomainErrors.ObjectSizeNotANumber({ value: text });
  // Nimbus's wording: S3's message for an arbitrary malformed value is not documented.
  return invalidArgument(`Invalid value for ${name}: ${text}`, name, text);
}
