/**
 * Pagination tokens. GetLogEvents tokens look like AWS's (`f/<digits>/s`, `b/<digits>/s`): a
 * direction and a place in the stream's (timestamp, id) order; the other operations hand out
 * opaque base64 tokens naming the last item returned. Tokens carry no secrets, only places.
 */
import type { Position } from "../store.js";

const DIGITS = 20;

export function eventToken(direction: "f" | "b", pos: Position): string {
  return `${direction}/${String(pos.ts).padStart(DIGITS, "0")}${String(pos.id).padStart(DIGITS, "0")}/s`;
}

export function parseEventToken(token: string): { direction: "f" | "b"; pos: Position } | undefined {
  const m = /^([fb])\/(\d{20})(\d{20})\/s$/.exec(token);
  if (!m || (m[1] !== "f" && m[1] !== "b")) return undefined;
  return { direction: m[1], pos: { ts: Number(m[2]), id: Number(m[3]) } };
}

/** AWS event ids are 56-digit strings; ours are the insertion sequence, padded. */
export function eventId(id: number): string {
  return String(id).padStart(56, "0");
}

export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

export function decodeToken<T>(token: string, valid: (v: unknown) => v is T): T | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    return valid(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Sequence tokens: accepted and ignored by PutLogEvents now, still handed out. */
export function sequenceToken(n: number): string {
  return String(n).padStart(56, "0");
}
