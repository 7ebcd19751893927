// The harness library in one import for benchmark files: `import { ... } from "./lib/index.js"`.
export * from "./aws-request.js";
export * from "./benchmark.js";
export * from "./ceiling.js";
export * from "./http-client.js";
export * from "./load.js";
export * from "./memory.js";
export * from "./nimbus.js";
export * from "./peers.js";
export * from "./process.js";
export * from "./repo.js";
export * from "./report.js";
export * from "./stats.js";
export * from "./curl.js";
