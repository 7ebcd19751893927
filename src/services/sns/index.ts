import { defineService } from "../../core/service.js";
import { errors } from "./errors.js";
import type { SnsOperations } from "../../generated/sns.js";
import { getDataProtectionPolicy, putDataProtectionPolicy } from "./handlers/data-protection.js";
import { addPermission, removePermission } from "./handlers/permissions.js";
import {
  createPlatformApplication,
  createPlatformEndpoint,
  deleteEndpoint,
  deletePlatformApplication,
  getEndpointAttributes,
  getPlatformApplicationAttributes,
  listEndpointsByPlatformApplication,
  listPlatformApplications,
  setEndpointAttributes,
  setPlatformApplicationAttributes,
} from "./handlers/platform.js";
import { publish, publishBatch } from "./handlers/publish.js";
import { checkIfPhoneNumberIsOptedOut, getSMSAttributes, listPhoneNumbersOptedOut, optInPhoneNumber, setSMSAttributes } from "./handlers/sms.js";
import {
  confirmSubscription,
  getSubscriptionAttributes,
  PENDING_CONFIRMATION_MS,
  listSubscriptions,
  listSubscriptionsByTopic,
  setSubscriptionAttributes,
  subscribe,
  unsubscribe,
} from "./handlers/subscriptions.js";
import {
  createSMSSandboxPhoneNumber,
  deleteSMSSandboxPhoneNumber,
  getSMSSandboxAccountStatus,
  listOriginationNumbers,
  listSMSSandboxPhoneNumbers,
  verifySMSSandboxPhoneNumber,
} from "./handlers/sms-sandbox.js";
import { listTagsForResource, tagResource, untagResource } from "./handlers/tags.js";
import { createTopic, deleteTopic, getTopicAttributes, listTopics, setTopicAttributes } from "./handlers/topics.js";
import { resumeReplays } from "./replay.js";
import { resumeHttpRetries } from "./retry.js";
import { SnsStore } from "./store.js";

export type { SnsContext } from "./topics.js";

// FIFO publish deduplication records live 5 minutes, pending subscriptions and the tokens that
// restore an unsubscribed one 48 hours, archived messages their topic's retention period, a
// throttled subscription's slot history a second; a sweep reclaims the expired ones (Subscribe
// and ConfirmSubscription also drop a topic's pending subscriptions at once, and ConfirmSubscription
// ignores an expired restore token; replays skip archived messages past their retention before
// the sweep has deleted them).
const SWEEP_MS = 5 * 60_000;

export default defineService<SnsOperations, SnsStore>({
  createStore: (env) => new SnsStore(env.state, env.logger),
  internalError: () => errors.InternalError(),
  // The SubscribeURL and UnsubscribeURL in SNS's messages are followed unsigned: their token or ARN is the authority.
  unsignedOperations: ["ConfirmSubscription", "Unsubscribe"],
  start(env, store) {
    const stopSweep = env.scheduler.every(
      SWEEP_MS,
      () => {
        const now = env.clock.now();
        store.pruneDedup(now);
        store.dropUnconfirmed(now - PENDING_CONFIRMATION_MS);
        store.dropUnsubscribed(now - PENDING_CONFIRMATION_MS);
        store.throttle.prune(now);
        store.archive.prune(now);
      },
      "sns:sweep",
    );
    // HTTP/S retries a previous run left pending (a persistent data dir) go on where they were.
    resumeHttpRetries({ clock: env.clock, scheduler: env.scheduler, invoke: env.invoke, store });
    // So do message replays that were running.
    resumeReplays({ store, clock: env.clock, scheduler: env.scheduler, invoke: env.invoke, config: env.config });
    return () => {
      store.closing = true;
      stopSweep();
    };
  },
  handlers: {
    CreateTopic: createTopic,
    DeleteTopic: deleteTopic,
    ListTopics: listTopics,
    GetTopicAttributes: getTopicAttributes,
    SetTopicAttributes: setTopicAttributes,
    Subscribe: subscribe,
    ConfirmSubscription: confirmSubscription,
    Unsubscribe: unsubscribe,
    ListSubscriptions: listSubscriptions,
    ListSubscriptionsByTopic: listSubscriptionsByTopic,
    GetSubscriptionAttributes: getSubscriptionAttributes,
    SetSubscriptionAttributes: setSubscriptionAttributes,
    Publish: publish,
    PublishBatch: publishBatch,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
    AddPermission: addPermission,
    RemovePermission: removePermission,
    CreatePlatformApplication: createPlatformApplication,
    GetPlatformApplicationAttributes: getPlatformApplicationAttributes,
    SetPlatformApplicationAttributes: setPlatformApplicationAttributes,
    ListPlatformApplications: listPlatformApplications,
    DeletePlatformApplication: deletePlatformApplication,
    CreatePlatformEndpoint: createPlatformEndpoint,
    GetEndpointAttributes: getEndpointAttributes,
    SetEndpointAttributes: setEndpointAttributes,
    ListEndpointsByPlatformApplication: listEndpointsByPlatformApplication,
    DeleteEndpoint: deleteEndpoint,
    SetSMSAttributes: setSMSAttributes,
    GetSMSAttributes: getSMSAttributes,
    CheckIfPhoneNumberIsOptedOut: checkIfPhoneNumberIsOptedOut,
    ListPhoneNumbersOptedOut: listPhoneNumbersOptedOut,
    OptInPhoneNumber: optInPhoneNumber,
    GetSMSSandboxAccountStatus: getSMSSandboxAccountStatus,
    CreateSMSSandboxPhoneNumber: createSMSSandboxPhoneNumber,
    VerifySMSSandboxPhoneNumber: verifySMSSandboxPhoneNumber,
    DeleteSMSSandboxPhoneNumber: deleteSMSSandboxPhoneNumber,
    ListSMSSandboxPhoneNumbers: listSMSSandboxPhoneNumbers,
    ListOriginationNumbers: listOriginationNumbers,
    PutDataProtectionPolicy: putDataProtectionPolicy,
    GetDataProtectionPolicy: getDataProtectionPolicy,
  },
});
