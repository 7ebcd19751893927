/**
 * The tag condition keys of S3 bucket policies, looked up only when a statement asks for one
 * (policy.ts's RequestContext.lookup), so a request reads no tags while no policy names them.
 *
 * - `s3:ExistingObjectTag/<key>`: a tag of the object the request names ("Tagging and access
 *   control policies", S3 User Guide), present only for the actions the Service Authorization
 *   Reference lists the key for. It is not for PutObject or DeleteObject: "you cannot create a
 *   policy to grant or deny a user permissions to delete or overwrite an object based on its
 *   existing tags".
 * - `s3:RequestObjectTag/<key>` and `s3:RequestObjectTagKeys` (multivalued): the tags the request
 *   sets, x-amz-tagging on PutObject, CopyObject, CreateMultipartUpload and form uploads (all
 *   s3:PutObject), or PutObjectTagging's TagSet.
 * - `aws:ResourceTag/<key>` and `s3:BucketTag/<key>`: the bucket's tags, for the bucket and its
 *   objects, only while the bucket has ABAC enabled: "S3 evaluates this condition key only after
 *   you enable ABAC on your bucket" ("Using tags with S3 general purpose buckets"); "tag-based
 *   conditions using aws:ResourceTag and s3:BucketTag condition keys are applicable only after
 *   ABAC is enabled on the bucket" (CreateBucketConfiguration's Tags, S3 API Reference).
 *
 * A key's prefix reads case-insensitively, as IAM reads condition key names; the tag key after
 * the slash is matched exactly, as tag keys are case-sensitive.
 */
import type { ConditionValue } from "../../auth/policy.js";
import type { Tag } from "./store.js";

/** The actions whose request context holds s3:ExistingObjectTag (Service Authorization Reference, Amazon S3). */
const EXISTING_OBJECT_TAG_ACTIONS = new Set([
  "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging",
  "s3:GetObject", "s3:GetObjectVersion",
  "s3:GetObjectAcl", "s3:GetObjectVersionAcl",
  "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes",
  "s3:GetObjectTagging", "s3:GetObjectVersionTagging",
  "s3:PutObjectAcl", "s3:PutObjectVersionAcl",
  "s3:PutObjectTagging", "s3:PutObjectVersionTagging",
]);

/** The actions whose request context holds s3:RequestObjectTag and s3:RequestObjectTagKeys (same reference). */
const REQUEST_OBJECT_TAG_ACTIONS = new Set(["s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectVersionTagging", "s3:BypassGovernanceRetention"]);

/** Where a request's tags come from; each is read at most once, and only when a key needs it. */
export interface TagSources {
  /** The tags of the object (version) the request names; undefined when there is none. */
  readonly object: () => readonly Tag[] | undefined;
  /** The tags the request sets; undefined when it sets none. */
  readonly request: () => readonly Tag[] | undefined;
  /** The bucket's tags while ABAC is enabled on it; undefined while it is not. */
  readonly bucket: () => readonly Tag[] | undefined;
}

function once<T>(read: () => T): () => T {
  let cached: { value: T } | undefined;
  return () => (cached ??= { value: read() }).value;
}

/** The tags x-amz-tagging sets (URL-encoded, as PutObject and a form's tagging field carry them), or a TagSet's. */
export function requestTags(tagging: string | { readonly TagSet?: readonly Tag[] } | undefined): readonly Tag[] | undefined {
  if (tagging === undefined) return undefined;
  if (typeof tagging !== "string") return tagging.TagSet ?? [];
  // Unchecked: a malformed header is the handler's InvalidTag, after the access decision.
  return [...new URLSearchParams(tagging)].map(([Key, Value]) => ({ Key, Value }));
}

/** The tag keys' values for a request performing `action`, as policy.ts's lookup. */
export function tagConditionLookup(action: string, sources: TagSources): (key: string) => ConditionValue {
  const object = once(sources.object);
  const request = once(sources.request);
  const bucket = once(sources.bucket);
  return (key) => {
    const slash = key.indexOf("/");
    const name = (slash < 0 ? key : key.slice(0, slash)).toLowerCase();
    if (slash < 0) return name === "s3:requestobjecttagkeys" && REQUEST_OBJECT_TAG_ACTIONS.has(action) ? request()?.map((t) => t.Key) : undefined;
    let tags: readonly Tag[] | undefined;
    if (name === "s3:existingobjecttag") tags = EXISTING_OBJECT_TAG_ACTIONS.has(action) ? object() : undefined;
    else if (name === "s3:requestobjecttag") tags = REQUEST_OBJECT_TAG_ACTIONS.has(action) ? request() : undefined;
    else if (name === "aws:resourcetag" || name === "s3:buckettag") tags = bucket();
    const tagKey = key.slice(slash + 1);
    return tags?.find((t) => t.Key === tagKey)?.Value;
  };
}
