// Module resolve hook for ES module handlers on Node.js before 22.15 (registered by
// node-bootstrap.mjs in a loader thread; newer versions use the same logic in-thread).
// CommonJS `require` searches NODE_PATH; ESM `import` does not. On Lambda the SDK and layer
// packages are still importable from ES modules, so when the normal resolution of a bare
// specifier fails, retry it from each NODE_PATH directory (layers, then the bundled SDK).
import path from "node:path";
import { pathToFileURL } from "node:url";

const dirs = (process.env.NODE_PATH || "").split(path.delimiter).filter(Boolean);
const isBare = (s) => !s.startsWith(".") && !s.startsWith("/") && !/^[a-z][a-z0-9+.-]*:/i.test(s);

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!isBare(specifier) || (error && error.code !== "ERR_MODULE_NOT_FOUND")) throw error;
    for (const dir of dirs) {
      try {
        // A parent inside `dir` makes `dir` itself the first node_modules searched.
        return await nextResolve(specifier, { ...context, parentURL: pathToFileURL(path.join(dir, "noop.mjs")).href });
      } catch {
        // try the next directory
      }
    }
    throw error;
  }
}
