/**
 * Large transfers timed with curl, a client whose own cost stays far below a server's. Node's
 * http client tops out at a few hundred MB/s here (it hands every 64 KiB read to the HTTP
 * parser and an event), so it would measure itself, not the server.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";

export interface CurlResult {
  readonly status: number;
  /** Body bytes received (GET) or sent (PUT). */
  readonly bytes: number;
  /** curl's own total time, in ms. */
  readonly ms: number;
}

const CURL = ["/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl"].find((p) => existsSync(p));

/** Whether curl is installed; without it the large-object figures fall back to Node's client. */
export const hasCurl = CURL !== undefined;

function run(args: readonly string[], sent: boolean): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    if (!CURL) return reject(new Error("bench: curl is not installed"));
    const format = sent ? "%{http_code} %{size_upload} %{time_total}" : "%{http_code} %{size_download} %{time_total}";
    execFile(CURL, ["-s", "-S", "-o", "/dev/null", "-w", format, ...args], (err, stdout, stderr) => {
      if (err) return reject(new Error(`bench: curl failed: ${stderr || err.message}`));
      const [status, bytes, seconds] = stdout.trim().split(" ").map(Number);
      resolve({ status: status ?? 0, bytes: bytes ?? 0, ms: (seconds ?? 0) * 1000 });
    });
  });
}

const headerArgs = (headers: Readonly<Record<string, string>>): string[] => Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);

/** GET of `url`, the body counted and dropped. */
export function curlGet(url: string, headers: Readonly<Record<string, string>> = {}): Promise<CurlResult> {
  return run([...headerArgs(headers), url], false);
}

/** PUT of a file's bytes to `url` (curl -T streams it, no Expect: 100-continue wait). */
export function curlPut(url: string, file: string, headers: Readonly<Record<string, string>> = {}): Promise<CurlResult> {
  return run([...headerArgs({ Expect: "", ...headers }), "-T", file, url], true);
}
