import { fileURLToPath } from "node:url";
import { startProcess, type RunningProcess } from "./process.js";

/** Default body size: Nimbus's GetCallerIdentity answer for the default account. */
export const CEILING_BODY_BYTES = 391;

/**
 * Starts the bare node:http ceiling in its own process. Pass the body size of the operation it
 * is compared with, so both move the same bytes.
 */
export function startCeiling(bodyBytes: number = CEILING_BODY_BYTES): Promise<RunningProcess> {
  return startServer("ceiling", "ceiling-server", [String(bodyBytes)]);
}

/**
 * Starts the large-object ceiling (`stream-ceiling-server`): PUT hashes the body with MD5 into
 * a file under `dir`, GET streams the file back.
 */
export function startStreamCeiling(dir: string): Promise<RunningProcess> {
  return startServer("stream ceiling", "stream-ceiling-server", [dir]);
}

function startServer(name: string, module: string, args: readonly string[]): Promise<RunningProcess> {
  const self = fileURLToPath(import.meta.url);
  // Under tsx (bench/lib/*.ts) the child needs tsx too; compiled, it is plain JS.
  const underTsx = self.endsWith(".ts");
  const server = fileURLToPath(new URL(`./${module}.${underTsx ? "ts" : "js"}`, import.meta.url));
  return startProcess({
    name,
    args: (port) => [...(underTsx ? ["--import", "tsx"] : []), server, String(port), ...args],
  });
}
