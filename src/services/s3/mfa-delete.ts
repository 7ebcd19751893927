/**
 * MFA delete (S3 User Guide, "Configuring MFA delete" and "Deleting an object from an MFA
 * delete-enabled bucket"): once a bucket's versioning configuration has MFADelete Enabled, "the
 * bucket owner must include the x-amz-mfa request header in requests to permanently delete an
 * object version or change the versioning state of the bucket"; turning it on takes the header
 * too. DeleteObjects fails whole when any entry names a version ("the entire request will fail,
 * even if there are non-versioned objects you are trying to delete", API Reference).
 *
 * Nimbus has no MFA devices, so any value of the header ("<device serial> <code>") is taken, and
 * over plain HTTP, where AWS takes x-amz-mfa over HTTPS only.
 */
import { errors } from "./errors.js";
import type { BucketRow, S3Store } from "./store.js";

function requireMfa(mfa: string | undefined): void {
  if (mfa === undefined || mfa.trim() === "") throw errors.MfaRequired();
}

/** PutBucketVersioning: enabling MFA delete, or any change once it is on. */
export function checkVersioningMfa(bucket: BucketRow, mfaDelete: string | undefined, mfa: string | undefined): void {
  if (mfaDelete === "Enabled" || bucket.mfa_delete === "Enabled") requireMfa(mfa);
}

/** PutBucketVersioning: MFA delete cannot be enabled while the bucket has a lifecycle configuration. */
export function checkMfaDeleteBesideLifecycle(store: S3Store, bucket: BucketRow, mfaDelete: string | undefined): void {
  if (mfaDelete === "Enabled" && store.config(bucket.name, "lifecycle") !== undefined) throw errors.MfaDeleteWithLifecycle();
}

/** DeleteObject and DeleteObjects: a request that removes a version for good. */
export function checkVersionDeleteMfa(bucket: BucketRow, namesVersion: boolean, mfa: string | undefined): void {
  if (namesVersion && bucket.mfa_delete === "Enabled") requireMfa(mfa);
}
