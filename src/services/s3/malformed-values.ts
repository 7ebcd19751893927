/**
 * S3's answer to a header or query value that is not of its type. S3 has no
 * SerializationException: it answers InvalidArgument, naming the argument and its value, with
 * the same message it gives a value out of range where it has one.
 */
import type { AwsError } from "../../core/errors.js";
import { invalidArgument } from "./errors.js";
import { partNumberError } from "./ingest.js";
import { versionsMaxKeysError } from "./domain/listing.js";

/** Parameter -> [ArgumentName S3 reports, message]. */
const KNOWN: Readonly<Record<string, readonly [string, string]>> = {
  "max-keys": ["maxKeys", "Argument maxKeys must be an integer between 0 and 2147483647"],
  "max-uploads": ["max-uploads", "Argument max-uploads must be an integer between 0 and 2147483647"],
  "max-parts": ["max-parts", "Argument max-parts must be an integer between 0 and 2147483647"],
};

export function malformedValue(name: string, text: string, operation?: string): AwsError {
  if (name === "partNumber") return partNumberError(text);
  if (name === "max-keys" && operation === "ListObjectVersions") return versionsMaxKeysError(text);
  const known = KNOWN[name];
  if (known) return invalidArgument(known[1], known[0], text);
  // Nimbus's wording: S3's message for an arbitrary malformed value is not documented.
  return invalidArgument(`Invalid value for ${name}: ${text}`, name, text);
}
