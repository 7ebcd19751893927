import { defineService, type HandlerContext } from "../../core/service.js";
import type { LambdaOperations } from "../../generated/lambda.js";
import { createAlias, deleteAlias, getAlias, listAliases, updateAlias } from "./handlers/aliases.js";
import { deleteFunctionConcurrency, getFunctionConcurrency, putFunctionConcurrency } from "./handlers/concurrency.js";
import { createFunction } from "./handlers/create-function.js";
import {
  createEventSourceMapping,
  deleteEventSourceMapping,
  getEventSourceMapping,
  listEventSourceMappings,
  updateEventSourceMapping,
} from "./handlers/event-source-mappings.js";
import {
  deleteFunctionEventInvokeConfig,
  getFunctionEventInvokeConfig,
  listFunctionEventInvokeConfigs,
  putFunctionEventInvokeConfig,
  updateFunctionEventInvokeConfig,
} from "./handlers/event-invoke-configs.js";
import { deleteFunction, getAccountSettings, getFunction, getFunctionConfiguration, listFunctions } from "./handlers/functions.js";
import {
  createFunctionUrlConfig,
  deleteFunctionUrlConfig,
  getFunctionUrlConfig,
  listFunctionUrlConfigs,
  updateFunctionUrlConfig,
} from "./handlers/function-urls.js";
import {
  deleteProvisionedConcurrencyConfig,
  getProvisionedConcurrencyConfig,
  listProvisionedConcurrencyConfigs,
  putProvisionedConcurrencyConfig,
} from "./handlers/provisioned-concurrency.js";
import { invoke, invokeAsync, invokeWithResponseStream } from "./handlers/invoke.js";
import { addPermission, getPolicy, removePermission } from "./handlers/permissions.js";
import { deleteLayerVersion, getLayerVersion, getLayerVersionByArn, listLayers, listLayerVersions, publishLayerVersion } from "./handlers/layers.js";
import { listTags, tagResource, untagResource } from "./handlers/tags.js";
import { updateFunctionCode, updateFunctionConfiguration } from "./handlers/update-function.js";
import { listVersionsByFunction, publishVersion } from "./handlers/versions.js";
import { resumeAsyncEvents } from "./domain/invoker.js";
import { errors } from "./errors.js";
import { startProvisionedMaintenance } from "./provisioned.js";
import { startPollers } from "./sqs-poller.js";
import { LambdaStore } from "./store.js";

export type LambdaContext = HandlerContext<LambdaStore>;

/**
 * How often extracted code no version holds is looked for (LambdaStore.pruneCode): what a
 * retired environment still ran from when its function was deleted or updated goes then.
 */
export const CODE_PRUNE_MS = 60_000;

export default defineService<LambdaOperations, LambdaStore>({
  createStore: (env) => new LambdaStore(env),
  // An unexpected failure (a full disk, no descriptors left) is Lambda's own, retryable 500.
  internalError: () => errors.ServiceException(undefined, { fields: { Type: "Service" } }),
  start: (env, store) => {
    startPollers(store);
    resumeAsyncEvents(store);
    store.sweepCode();
    const stopPruning = env.scheduler.every(CODE_PRUNE_MS, () => store.pruneCode(), "lambda code prune");
    const stopProvisioning = startProvisionedMaintenance(store);
    // Registry shutdown is synchronous; the engine kills its process groups as it starts
    // shutting down, and its exit hook covers a Nimbus that exits before that finishes.
    return () => {
      stopPruning();
      stopProvisioning();
      void store.shutdown();
    };
  },
  handlers: {
    CreateFunction: createFunction,
    GetFunction: getFunction,
    GetFunctionConfiguration: getFunctionConfiguration,
    ListFunctions: listFunctions,
    DeleteFunction: deleteFunction,
    UpdateFunctionCode: updateFunctionCode,
    UpdateFunctionConfiguration: updateFunctionConfiguration,
    GetAccountSettings: getAccountSettings,
    Invoke: invoke,
    InvokeAsync: invokeAsync,
    InvokeWithResponseStream: invokeWithResponseStream,
    PublishVersion: publishVersion,
    ListVersionsByFunction: listVersionsByFunction,
    CreateAlias: createAlias,
    GetAlias: getAlias,
    ListAliases: listAliases,
    UpdateAlias: updateAlias,
    DeleteAlias: deleteAlias,
    AddPermission: addPermission,
    RemovePermission: removePermission,
    GetPolicy: getPolicy,
    PutFunctionConcurrency: putFunctionConcurrency,
    GetFunctionConcurrency: getFunctionConcurrency,
    DeleteFunctionConcurrency: deleteFunctionConcurrency,
    PublishLayerVersion: publishLayerVersion,
    GetLayerVersion: getLayerVersion,
    GetLayerVersionByArn: getLayerVersionByArn,
    ListLayerVersions: listLayerVersions,
    ListLayers: listLayers,
    DeleteLayerVersion: deleteLayerVersion,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTags: listTags,
    PutFunctionEventInvokeConfig: putFunctionEventInvokeConfig,
    UpdateFunctionEventInvokeConfig: updateFunctionEventInvokeConfig,
    GetFunctionEventInvokeConfig: getFunctionEventInvokeConfig,
    DeleteFunctionEventInvokeConfig: deleteFunctionEventInvokeConfig,
    ListFunctionEventInvokeConfigs: listFunctionEventInvokeConfigs,
    CreateEventSourceMapping: createEventSourceMapping,
    GetEventSourceMapping: getEventSourceMapping,
    ListEventSourceMappings: listEventSourceMappings,
    UpdateEventSourceMapping: updateEventSourceMapping,
    DeleteEventSourceMapping: deleteEventSourceMapping,
    CreateFunctionUrlConfig: createFunctionUrlConfig,
    GetFunctionUrlConfig: getFunctionUrlConfig,
    UpdateFunctionUrlConfig: updateFunctionUrlConfig,
    DeleteFunctionUrlConfig: deleteFunctionUrlConfig,
    ListFunctionUrlConfigs: listFunctionUrlConfigs,
    PutProvisionedConcurrencyConfig: putProvisionedConcurrencyConfig,
    GetProvisionedConcurrencyConfig: getProvisionedConcurrencyConfig,
    DeleteProvisionedConcurrencyConfig: deleteProvisionedConcurrencyConfig,
    ListProvisionedConcurrencyConfigs: listProvisionedConcurrencyConfigs,
  },
});
