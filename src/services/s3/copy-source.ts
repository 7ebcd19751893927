import { invalidArgument } from "./errors.js";

/** x-amz-copy-source: `bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=`. */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const q = value.indexOf("?");
  const path = q === -1 ? value : value.slice(0, q);
  const query = q === -1 ? undefined : new URLSearchParams(value.slice(q + 1));
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw invalidArgument("Invalid copy source encoding", "x-amz-copy-source", value);
  }
  if (decoded.startsWith("/")) decoded = decoded.slice(1);
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1) {
    throw invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", value);
  }
  const versionId = query?.get("versionId") ?? undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), ...(versionId !== undefined ? { versionId } : {}) };
}
