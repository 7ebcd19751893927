/**
 * Members AWS added after the frozen aws-sdk v2 models were published. The models are the
 * wire contract (parsers drop what they do not declare), so a member the current SDKs send
 * but the model lacks would silently vanish. Each patch adds members to a structure reached
 * from an operation's input or output; a shared shape gains them everywhere it is used.
 *
 * Two sources: the codegen's `<model file>.v3-members.json`, every member of the current v3
 * client's schema that the v2 model lacks (S3's newer checksums and CreateBucket tags, Lambda's
 * event source mapping MetricsConfig...), nested ones with their XML names and flattening, and
 * MODEL_PATCHES below, written by hand for what no schema declares. Whole operations the v2
 * model lacks come from the codegen's `<model file>.v3-operations.json`.
 */
import { readGenerated } from "./generated.js";
import type { RawRef } from "./model.js";

export interface MemberPatch {
  readonly operation: string;
  readonly side: "input" | "output";
  /**
   * Steps from the operation's input/output to the structure to extend: member names, "[]"
   * for a list's member and "{}" for a map's value.
   */
  readonly path: readonly string[];
  readonly members: Readonly<Record<string, RawRef>>;
}

/**
 * The headers that frame an aws-chunked upload. S3 reads them on every PutObject and UploadPart,
 * but the models leave them to the signer, so they are declared here for the body decoder.
 */
const S3_UPLOAD_FRAMING: Readonly<Record<string, RawRef>> = {
  ContentSha256: { location: "header", locationName: "x-amz-content-sha256" },
  DecodedContentLength: { location: "header", locationName: "x-amz-decoded-content-length" },
  Trailer: { location: "header", locationName: "x-amz-trailer" },
  // HTTP's own chunked framing, which S3 refuses (services/s3/ingest.ts).
  TransferEncoding: { location: "header", locationName: "Transfer-Encoding" },
};

/**
 * UploadPart's Content-Encoding, which its model leaves out (PutObject has it): the v3 SDK sends
 * a stream body of a part (fs.createReadStream, as s3-sync-client does) as
 * `Content-Encoding: aws-chunked` with a trailing checksum, and the decoder is chosen by it.
 * Without it the framing was stored as the part's data.
 */
const S3_PART_CONTENT_ENCODING: Readonly<Record<string, RawRef>> = {
  ContentEncoding: { location: "header", locationName: "Content-Encoding" },
};

/**
 * GetObjectTorrent's response headers in S3's documented sample ("Content-Disposition:
 * attachment; filename=Nelson.torrent; Content-Type: application/x-bittorrent"); the model's
 * output has only the body and x-amz-request-charged.
 */
const S3_TORRENT_HEADERS: Readonly<Record<string, RawRef>> = {
  ContentType: { location: "header", locationName: "Content-Type" },
  ContentDisposition: { location: "header", locationName: "Content-Disposition" },
};

/**
 * S3's Expires, kept as the text it was sent as. S3 takes any value of the Expires header on a
 * write and answers it back verbatim on GetObject and HeadObject: the v3 SDK's own e2e test
 * against S3 (middleware-sdk-s3 s3-expires-middleware.e2e.spec.ts) writes
 * "undefined, NaN undefined NaN NaN:NaN:NaN GMT" and reads it back as ExpiresString, the raw
 * header the SDKs added because S3 answers values that are no date (aws/aws-sdk-ruby#1184:
 * "Expires: 5d"). The models type Expires as a timestamp, which refused such a write; this
 * string member is bound to the same header and, declared after it, is the one a request's
 * header is read into and a response's header is written from. On the outputs it replaces the
 * v2 model's ExpiresString, bound to a header of that name.
 */
const S3_EXPIRES_TEXT: Readonly<Record<string, RawRef>> = {
  ExpiresString: { location: "header", locationName: "Expires" },
};

/**
 * GetObject's and HeadObject's response-expires, kept as the text it was sent as: S3 answers it
 * back as the Expires header verbatim, an ISO 8601 value included (aws/aws-sdk-ruby#2415: a
 * presigned URL's response-expires=2015-10-21T07:28:00Z came back as
 * "Expires: 2015-10-21T07:28:00Z"). Declared after the model's timestamp member bound to the
 * same parameter, as S3_EXPIRES_TEXT is, it is the one the parameter is read into.
 */
const S3_RESPONSE_EXPIRES_TEXT: Readonly<Record<string, RawRef>> = {
  ResponseExpiresString: { location: "querystring", locationName: "response-expires" },
};

/**
 * The version GetObjectAcl and PutObjectAcl read or set, as their API reference sample responses
 * show it (x-amz-version-id); their models' outputs have no member for it.
 */
const S3_ACL_VERSION_ID: Readonly<Record<string, RawRef>> = {
  VersionId: { location: "header", locationName: "x-amz-version-id" },
};

/**
 * A versionId sent to UploadPart, which S3 refuses whatever its value and the model does not
 * declare (services/s3/handlers/multipart.ts).
 */
const S3_PART_VERSION_ID: Readonly<Record<string, RawRef>> = {
  VersionId: { location: "querystring", locationName: "versionId" },
};

/**
 * HeadBucket's Content-Type: S3 answers a HEAD of a bucket with "Content-Type: application/xml"
 * (services/s3/handlers/buckets.ts), which its model's output does not declare.
 */
const S3_HEAD_BUCKET_CONTENT_TYPE: Readonly<Record<string, RawRef>> = {
  ContentType: { location: "header", locationName: "Content-Type" },
};

/**
 * The SSE-C headers S3 answers a CompleteMultipartUpload of an SSE-C upload with: the algorithm
 * always, the key's MD5 when the request gave the key (dyus/meeseeks-s3,
 * tests/complete_multipart_upload_sse_c/golden, TestSSECCompleteMultipartUploadHeaders:
 * test_complete_ssec_upload_with_valid_sse_c_headers against
 * test_complete_ssec_upload_without_sse_c_headers and test_sse_c_only_algorithm); the model's
 * output has no member for them.
 */
const S3_COMPLETE_CUSTOMER_KEY: Readonly<Record<string, RawRef>> = {
  SSECustomerAlgorithm: { location: "header", locationName: "x-amz-server-side-encryption-customer-algorithm" },
  SSECustomerKeyMD5: { location: "header", locationName: "x-amz-server-side-encryption-customer-key-MD5" },
};

/**
 * The SSE-C customer keys, kept as the text sent: S3 decodes their base64 its own way
 * (services/s3/encryption.ts) and names the text in its refusal of a key that decodes to nothing,
 * so the blob the models declare, decoded here already, would lose what S3 judges.
 */
const S3_CUSTOMER_KEY_TEXT: Readonly<Record<string, RawRef>> = {
  SSECustomerKey: { location: "header", locationName: "x-amz-server-side-encryption-customer-key", sensitive: true },
};
const S3_COPY_SOURCE_CUSTOMER_KEY_TEXT: Readonly<Record<string, RawRef>> = {
  CopySourceSSECustomerKey: { location: "header", locationName: "x-amz-copy-source-server-side-encryption-customer-key", sensitive: true },
};

export const MODEL_PATCHES: Readonly<Record<string, readonly MemberPatch[]>> = {
  "s3-2006-03-01": [
    { operation: "PutObject", side: "input", path: [], members: S3_UPLOAD_FRAMING },
    { operation: "UploadPart", side: "input", path: [], members: S3_UPLOAD_FRAMING },
    { operation: "UploadPart", side: "input", path: [], members: S3_PART_CONTENT_ENCODING },
    { operation: "UploadPart", side: "input", path: [], members: S3_PART_VERSION_ID },
    { operation: "GetObjectTorrent", side: "output", path: [], members: S3_TORRENT_HEADERS },
    { operation: "HeadBucket", side: "output", path: [], members: S3_HEAD_BUCKET_CONTENT_TYPE },
    { operation: "CompleteMultipartUpload", side: "output", path: [], members: S3_COMPLETE_CUSTOMER_KEY },
    ...["PutObject", "GetObject", "HeadObject", "CopyObject", "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "ListParts", "GetObjectAttributes", "SelectObjectContent"].map(
      (operation) => ({ operation, side: "input" as const, path: [], members: S3_CUSTOMER_KEY_TEXT }),
    ),
    ...["CopyObject", "UploadPartCopy"].map((operation) => ({ operation, side: "input" as const, path: [], members: S3_COPY_SOURCE_CUSTOMER_KEY_TEXT })),
    ...["PutObject", "CopyObject", "CreateMultipartUpload"].map((operation) => ({ operation, side: "input" as const, path: [], members: S3_EXPIRES_TEXT })),
    ...["GetObject", "HeadObject"].map((operation) => ({ operation, side: "output" as const, path: [], members: S3_EXPIRES_TEXT })),
    ...["GetObject", "HeadObject"].map((operation) => ({ operation, side: "input" as const, path: [], members: S3_RESPONSE_EXPIRES_TEXT })),
    ...["GetObjectAcl", "PutObjectAcl"].map((operation) => ({ operation, side: "output" as const, path: [], members: S3_ACL_VERSION_ID })),
  ],
};

/** Members of a structure to be written before its others, in this order, where AWS writes them so and the model lists them later. */
export interface MemberOrderPatch {
  readonly operation: string;
  readonly side: "input" | "output";
  /** As MemberPatch's path. */
  readonly path: readonly string[];
  readonly first: readonly string[];
}

/**
 * The object listings open with the bucket's Name and the request's echoes, then the entries: S3's
 * sample responses (the developer guide's "Common List Response Elements" and ListBucket: "<Name>
 * quotes</Name><Prefix>N</Prefix><Marker>Ned</Marker><MaxKeys>40</MaxKeys><IsTruncated>false
 * </IsTruncated><Contents>..."; GET Bucket Object versions: "<Name>bucket</Name><Prefix>my</Prefix>
 * <KeyMarker/><VersionIdMarker/><MaxKeys>5</MaxKeys><IsTruncated>false</IsTruncated><Version>") and
 * answers of S3 itself kept in other projects' fixtures (public buckets landsat-pds and 1000genomes:
 * "<Name>..</Name><Prefix></Prefix><NextContinuationToken>..</NextContinuationToken><KeyCount>2
 * </KeyCount><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><EncodingType>url</EncodingType>
 * <IsTruncated>true</IsTruncated><Contents>"; StartAfter after Prefix). The AWS SDK for Java v1 gives
 * each S3ObjectSummary and S3VersionSummary the bucket name read before its element
 * (XmlResponsesSaxParser's ListBucketHandler, ListObjectsV2Handler and ListVersionsHandler), so with
 * the model's order (Contents before Name) every summary's getBucketName() was null.
 */
const LISTING_HEADS: readonly MemberOrderPatch[] = [
  { operation: "ListObjects", side: "output", path: [], first: ["Name", "Prefix", "Marker", "NextMarker", "MaxKeys", "Delimiter", "IsTruncated"] },
  {
    operation: "ListObjectsV2",
    side: "output",
    path: [],
    first: ["Name", "Prefix", "StartAfter", "ContinuationToken", "NextContinuationToken", "KeyCount", "MaxKeys", "Delimiter", "EncodingType", "IsTruncated"],
  },
  {
    operation: "ListObjectVersions",
    side: "output",
    path: [],
    first: ["Name", "Prefix", "KeyMarker", "VersionIdMarker", "NextKeyMarker", "NextVersionIdMarker", "MaxKeys", "Delimiter", "IsTruncated"],
  },
  // Each Version and DeleteMarker opens with its Key, VersionId, IsLatest and LastModified; a
  // Version's Owner comes between Size and StorageClass (AWS's answer recorded in dyus/meeseeks-s3,
  // tests/list_object_versions/golden/TestListObjectVersionsEmptyParams.test_empty_max_keys_treated_as_default).
  {
    operation: "ListObjectVersions",
    side: "output",
    path: ["Versions", "[]"],
    first: ["Key", "VersionId", "IsLatest", "LastModified", "ETag", "ChecksumAlgorithm", "ChecksumType", "Size", "Owner", "StorageClass"],
  },
  { operation: "ListObjectVersions", side: "output", path: ["DeleteMarkers", "[]"], first: ["Key", "VersionId", "IsLatest", "LastModified", "Owner"] },
];

/**
 * ListAllMyBucketsResult opens with its Owner, then the Buckets: S3's GET Service sample response
 * ("<ListAllMyBucketsResult xmlns=...><Owner><ID>bcaf1ffd86f461ca5fb16fd081034f</ID>
 * <DisplayName>webfile</DisplayName></Owner><Buckets><Bucket><Name>quotes</Name>..."), copied by
 * the S3-compatible stores and SDK tests since (scality/cloudserver's listBuckets, the AWS SDK
 * for Java v2's tests). Streaming parsers written against S3 depend on it: the AWS SDK for Java
 * v1 (XmlResponsesSaxParser.ListAllMyBucketsHandler) and JetS3t give each Bucket the Owner read
 * before it, and libs3 hands the owner to its per-bucket callback, so with the model's order
 * (Buckets first) every bucket came back without its owner.
 */
export const MEMBER_ORDER_PATCHES: Readonly<Record<string, readonly MemberOrderPatch[]>> = {
  "s3-2006-03-01": [
    { operation: "ListBuckets", side: "output", path: [], first: ["Owner"] },
    ...LISTING_HEADS,
  ],
};

/** A structure's required members in the order AWS names them missing ("Value null at ..."), where the model lists them otherwise. */
export interface RequiredOrderPatch {
  readonly operation: string;
  readonly side: "input" | "output";
  /** As MemberPatch's path; a shared shape is reordered everywhere it is used. */
  readonly path: readonly string[];
  readonly required: readonly string[];
}

/**
 * DynamoDB names a ProvisionedThroughput's missing WriteCapacityUnits before its missing
 * ReadCapacityUnits, the other way round from the model: RestoreTableFromBackup's
 * ProvisionedThroughputOverride {} and UpdateTable's GlobalSecondaryIndexUpdates Update with
 * ProvisionedThroughput {} both answer "2 validation errors detected: Value null at
 * '...writeCapacityUnits' ...; Value null at '...readCapacityUnits' ..." (ack-api-quirks
 * DDB-TABLE-457, rst_pt_override_empty and gsi_update_pt_empty_real, measured against AWS 2026-10-09).
 */
export const REQUIRED_ORDER_PATCHES: Readonly<Record<string, readonly RequiredOrderPatch[]>> = {
  "dynamodb-2012-08-10": [
    { operation: "RestoreTableFromBackup", side: "input", path: ["ProvisionedThroughputOverride"], required: ["WriteCapacityUnits", "ReadCapacityUnits"] },
  ],
};

interface PatchableModel {
  operations: Record<string, { input?: RawRef; output?: RawRef }>;
  shapes: Record<string, RawRef>;
}

/** Applies the patches for one model file to its raw JSON, in place. Throws when a path no longer exists. */
export function applyModelPatches(file: string, raw: PatchableModel): void {
  // Whole operations the v2 model lacks (codegen's v3-operations), before members are added to any.
  const added = readGenerated<{ operations: PatchableModel["operations"]; shapes: PatchableModel["shapes"] }>(`${file}.v3-operations.json`);
  if (added !== undefined) {
    Object.assign(raw.operations, added.operations);
    for (const [name, shape] of Object.entries(added.shapes)) raw.shapes[name] ??= shape;
  }
  const generated = readGenerated<MemberPatch[]>(`${file}.v3-members.json`) ?? [];
  for (const patch of [...generated, ...(MODEL_PATCHES[file] ?? [])]) {
    const target = patchTarget(file, raw, patch);
    target.members = { ...{}, ...target.members, ...patch.members };
  }
  for (const patch of MEMBER_ORDER_PATCHES[file] ?? []) {
    const target = patchTarget(file, raw, patch);
    const members = target.members ?? {};
    const first: Record<string, RawRef> = {};
    for (const name of patch.first) {
      const member = members[name];
      if (!member) throw new Error(`model patch ${file} ${patch.operation}.${patch.side}: no member ${name} to put first`);
      first[name] = member;
    }
    // Assigning the others after keeps the first ones where they were put: at the front.
    target.members = Object.assign(first, members);
  }
  for (const patch of REQUIRED_ORDER_PATCHES[file] ?? []) {
    const target = patchTarget(file, raw, patch) as { required?: string[] };
    const current = [...(target.required ?? [])].sort().join();
    if (current !== [...patch.required].sort().join()) throw new Error(`model patch ${file} ${patch.operation}.${patch.side}: required members are not ${patch.required.join(", ")}`);
    target.required = [...patch.required];
  }
}

/** The structure a patch's path leads to. Throws when the path no longer exists. */
function patchTarget(file: string, raw: PatchableModel, patch: Pick<MemberPatch, "operation" | "side" | "path">): { members?: Record<string, RawRef> } {
  let ref = raw.operations[patch.operation]?.[patch.side];
  for (const step of patch.path) {
    if (!ref) break;
    const shape = structureOf(raw, ref);
    ref = step === "[]" ? shape.member : step === "{}" ? shape.value : shape.members?.[step];
  }
  if (!ref) throw new Error(`model patch ${file} ${patch.operation}.${patch.side}.${patch.path.join(".")}: no such member`);
  return structureOf(raw, ref) as { members?: Record<string, RawRef> };
}

function structureOf(raw: PatchableModel, ref: RawRef): RawRef {
  return ref.shape !== undefined ? (raw.shapes[ref.shape] ?? ref) : ref;
}
