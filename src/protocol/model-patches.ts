/**
 * Members AWS added after the frozen aws-sdk v2 models were published. The models are the
 * wire contract (parsers drop what they do not declare), so a member the current SDKs send
 * but the model lacks would silently vanish. Each patch adds members to a structure reached
 * from an operation's input or output; a shared shape gains them everywhere it is used.
 */
import type { RawRef } from "./model.js";

export interface MemberPatch {
  readonly operation: string;
  readonly side: "input" | "output";
  /** Member names leading from the operation's input/output to the structure to extend. */
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
};

export const MODEL_PATCHES: Readonly<Record<string, readonly MemberPatch[]>> = {
  "s3-2006-03-01": [
    { operation: "PutObject", side: "input", path: [], members: S3_UPLOAD_FRAMING },
    { operation: "UploadPart", side: "input", path: [], members: S3_UPLOAD_FRAMING },
  ],
  // PITR recovery period (1-35 days), added to DynamoDB in 2025.
  "dynamodb-2012-08-10": [
    { operation: "UpdateContinuousBackups", side: "input", path: ["PointInTimeRecoverySpecification"], members: { RecoveryPeriodInDays: { type: "integer" } } },
    {
      operation: "DescribeContinuousBackups",
      side: "output",
      path: ["ContinuousBackupsDescription", "PointInTimeRecoveryDescription"],
      members: { RecoveryPeriodInDays: { type: "integer" } },
    },
  ],
};

interface PatchableModel {
  operations: Record<string, { input?: RawRef; output?: RawRef }>;
  shapes: Record<string, RawRef>;
}

/** Applies the patches for one model file to its raw JSON, in place. Throws when a path no longer exists. */
export function applyModelPatches(file: string, raw: PatchableModel): void {
  for (const patch of MODEL_PATCHES[file] ?? []) {
    let ref = raw.operations[patch.operation]?.[patch.side];
    for (const name of patch.path) ref = ref && structureOf(raw, ref).members?.[name];
    if (!ref) throw new Error(`model patch ${file} ${patch.operation}.${patch.side}.${patch.path.join(".")}: no such member`);
    const target = structureOf(raw, ref) as { members?: Record<string, RawRef> };
    target.members = { ...{}, ...target.members, ...patch.members };
  }
}

function structureOf(raw: PatchableModel, ref: RawRef): RawRef {
  return ref.shape !== undefined ? (raw.shapes[ref.shape] ?? ref) : ref;
}
