import { defineErrors } from "../../../core/errors.js";

/**
 * Errors the execution engine can raise to the API layer (CreateFunction, PublishLayerVersion,
 * Invoke). Function errors (a handler that throws, a timeout) are not thrown: they come back as
 * an InvokeResult with `functionError`, exactly as Lambda answers 200 with X-Amz-Function-Error.
 */
export const runtimeErrors = defineErrors({
  // CreateFunction / UpdateFunctionCode / PublishLayerVersion with a package over 250 MB unzipped.
  UnzippedTooLarge: {
    code: "InvalidParameterValueException",
    status: 400,
    message: "Unzipped size must be smaller than {limit} bytes",
  },
  // Function code plus all its layers over 250 MB (CreateFunction with Layers).
  CombinedTooLarge: {
    code: "InvalidParameterValueException",
    status: 400,
    message:
      "Function code combined with layers exceeds the maximum allowed size of {limit} bytes. The actual size is {size} bytes.",
  },
  // Bytes that are not a readable zip archive (also: entries that escape the archive root).
  CorruptZip: {
    code: "InvalidParameterValueException",
    status: 400,
    message: "Could not unzip uploaded file. Please check your file, then try to upload again.",
  },
  // The machine lacks what a runtime needs (no python3 on PATH): a Nimbus limitation, not the
  // function's fault, so it is a service error rather than a function error.
  RuntimeUnavailable: {
    code: "ServiceException",
    status: 500,
    message: "Nimbus cannot run runtime {runtime} on this machine: {detail}",
  },
  UnsupportedRuntime: {
    code: "InvalidParameterValueException",
    status: 400,
    message: "The runtime parameter of {runtime} is not supported by the Nimbus execution engine.",
  },
  // The host refused what an environment needs (EMFILE, ENFILE, EAGAIN, ENOMEM: no descriptors,
  // processes or memory left): not the function's fault, and gone once the load is.
  HostRefused: {
    code: "ServiceException",
    status: 500,
    message: "Nimbus could not start an execution environment, the machine refused it: {detail}",
  },
  EngineShutDown: {
    code: "ServiceException",
    status: 500,
    message: "The Lambda execution engine is shutting down.",
  },
});
