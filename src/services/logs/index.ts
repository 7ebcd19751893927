import { defineService } from "../../core/service.js";
import type { LogsOperations } from "../../generated/logs.js";
import { filterLogEvents } from "./handlers/filter-log-events.js";
import { getLogEvents } from "./handlers/get-log-events.js";
import { createLogGroup, deleteLogGroup, describeLogGroups } from "./handlers/log-groups.js";
import { createLogStream, deleteLogStream, describeLogStreams } from "./handlers/log-streams.js";
import { deleteMetricFilter, describeMetricFilters, putMetricFilter, testMetricFilter } from "./handlers/metric-filters.js";
import { putLogEvents } from "./handlers/put-log-events.js";
import { startLiveTail } from "./handlers/start-live-tail.js";
import { deleteRetentionPolicy, putRetentionPolicy } from "./handlers/retention.js";
import { listTagsForResource, listTagsLogGroup, tagLogGroup, tagResource, untagLogGroup, untagResource } from "./handlers/tags.js";
import { RETENTION_SWEEP_MS, sweepRetention } from "./retention-sweep.js";
import { errors } from "./errors.js";
import { LogsStore } from "./store.js";

export type { LogsContext } from "./resolve.js";

export default defineService<LogsOperations, LogsStore>({
  createStore: (env) => new LogsStore(env.state),
  // An unexpected failure (a full disk, no descriptors left) is the service's own, retryable 500.
  internalError: () => errors.ServiceUnavailable(),
  start(env, store) {
    const cancelSweep = env.scheduler.every(RETENTION_SWEEP_MS, () => void sweepRetention(store, env.clock), "logs:retention-sweep");
    return () => {
      cancelSweep();
      store.liveTail.closeAll();
    };
  },
  handlers: {
    CreateLogGroup: createLogGroup,
    DeleteLogGroup: deleteLogGroup,
    DescribeLogGroups: describeLogGroups,
    CreateLogStream: createLogStream,
    DeleteLogStream: deleteLogStream,
    DescribeLogStreams: describeLogStreams,
    PutRetentionPolicy: putRetentionPolicy,
    DeleteRetentionPolicy: deleteRetentionPolicy,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
    TagLogGroup: tagLogGroup,
    UntagLogGroup: untagLogGroup,
    ListTagsLogGroup: listTagsLogGroup,
    PutLogEvents: putLogEvents,
    GetLogEvents: getLogEvents,
    FilterLogEvents: filterLogEvents,
    StartLiveTail: startLiveTail,
    PutMetricFilter: putMetricFilter,
    DeleteMetricFilter: deleteMetricFilter,
    DescribeMetricFilters: describeMetricFilters,
    TestMetricFilter: testMetricFilter,
  },
});
