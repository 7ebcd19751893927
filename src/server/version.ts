import { readFileSync } from "node:fs";

function readVersion(): string {
  // From dist/src/server or src/server, the package root is a few levels up.
  for (const up of ["../../../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "nimbus" && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return "0.0.0";
}

export const VERSION: string = readVersion();
