#!/usr/bin/env node
import { setFlagsFromString } from "node:v8";

// Full garbage collections in one pause, not incrementally. Once a service's model is loaded,
// Nimbus's heap is past V8's 8 MB threshold for incremental marking, and V8 counts the buffers
// of a streamed request body as external memory allocated since the last full collection: a
// 1 GiB upload started one about every 20 MB, some fifty, each with marking work on other
// threads, about a core-second in all. Without incremental marking a full collection comes
// when the heap or the external memory reaches its limit: 4 in two 1 GiB PUTs, which took
// 1.95 s instead of 2.7-2.9 s; DynamoDB and SQS request costs did not move. Set before
// anything is loaded, in the process Nimbus owns (startNimbus embedded in another program
// leaves that program's V8 alone).
setFlagsFromString("--no-incremental-marking");

const { main } = await import("../dist/src/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
