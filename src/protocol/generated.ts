import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Reads a codegen output (src/generated/), from the compiled tree or the source tree. */
export function readGenerated<T>(name: string): T | undefined {
  // dist/src/protocol -> src/generated: codegen output is read from the source tree, not copied.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "..", "generated", name), join(here, "..", "..", "..", "src", "generated", name)]) {
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, "utf8")) as T;
  }
  return undefined;
}
