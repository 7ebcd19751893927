/** Names for the generated shapes Lambda code passes around (codegen names them by model id only). */
import type { GetFunctionConfigurationOutput, GetAliasOutput, GetEventSourceMappingOutput } from "../../generated/lambda.js";

export type FunctionConfiguration = GetFunctionConfigurationOutput;
export type AliasConfiguration = GetAliasOutput;
export type EventSourceMappingConfiguration = GetEventSourceMappingOutput;
