/**
 * Kinesis Data Streams as a destination of a table's changes. DynamoDB accepts any well-formed
 * stream ARN (200 ENABLING) and checks the stream afterwards: a stream it cannot use leaves an
 * ENABLE_FAILED entry with a description, never a synchronous error. Nimbus asks the Kinesis
 * service in-process at Enable time and settles at once, so Describe already shows ACTIVE or
 * ENABLE_FAILED. Without a Kinesis provider every stream is one DynamoDB cannot use. Nimbus
 * records the destination; it does not deliver records to it.
 */
import type {
  DescribeKinesisStreamingDestinationInput,
  DescribeKinesisStreamingDestinationOutput,
  DisableKinesisStreamingDestinationInput,
  DisableKinesisStreamingDestinationOutput,
  EnableKinesisStreamingDestinationInput,
  EnableKinesisStreamingDestinationOutput,
  UpdateKinesisStreamingDestinationInput,
  UpdateKinesisStreamingDestinationOutput,
} from "../../../generated/dynamodb.js";
import { parseArn } from "../../../core/arn.js";
import { AwsError } from "../../../core/errors.js";
import { validationException } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { requireTable } from "../items.js";
import type { KinesisDestinationMeta, TableMeta } from "../table.js";
import { check, oneOf } from "../validation.js";

const PRECISIONS = ["MILLISECOND", "MICROSECOND"];
/** What a destination without ApproximateCreationDateTimePrecision uses. */
const DEFAULT_PRECISION = "MILLISECOND";

// DestinationStatusDescription of an ENABLE_FAILED entry: a missing stream reads as a permission problem.
const NO_PERMISSION = "User does not have a permission to use kinesis stream";
const NOT_ACTIVE = "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in Active state";
const OTHER_REGION = "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in the current region";

function invalidState(detail: string): AwsError {
  return validationException(`Table is not in a valid state to enable Kinesis Streaming Destination: ${detail}`);
}

/** One destination at a time may be ENABLING, ACTIVE, UPDATING or DISABLING; Nimbus only ever holds ACTIVE. */
function refuseWhileActive(meta: TableMeta): void {
  if (meta.kinesisDestinations?.some((d) => d.status === "ACTIVE")) {
    throw invalidState("EnableKinesisStreamingDestination must be DISABLED or ENABLE_FAILED to perform ENABLE operation.");
  }
}

/** Why DynamoDB could not use the stream, or undefined when it can (the stream exists and is ACTIVE). */
async function streamFailure(ctx: DynamoContext, arn: string): Promise<string | undefined> {
  const parsed = parseArn(arn);
  if (parsed === undefined || (parsed.service !== "kinesis" && parsed.service !== "firehose")) return NO_PERMISSION;
  if (parsed.region !== ctx.region) return OTHER_REGION;
  if (parsed.service === "firehose" || parsed.account !== ctx.account) return NOT_ACTIVE;
  // A consumer ARN (stream/x/consumer/y) is not a stream.
  if (!/^stream\/[^/]+$/.test(parsed.resource)) return NO_PERMISSION;
  try {
    const out = await ctx.invoke<{ StreamDescriptionSummary?: { StreamStatus?: string } }>(
      "kinesis",
      "DescribeStreamSummary",
      { StreamARN: arn },
      { account: ctx.account, region: ctx.region },
    );
    const status = out.StreamDescriptionSummary?.StreamStatus;
    return status === "ACTIVE" || status === "UPDATING" ? undefined : NO_PERMISSION;
  } catch (err) {
    // No such stream, or no Kinesis in this Nimbus (NotImplemented): the stream cannot be used.
    if (err instanceof AwsError) return NO_PERMISSION;
    throw err;
  }
}

function describeDestination(d: KinesisDestinationMeta) {
  return {
    StreamArn: d.streamArn,
    DestinationStatus: d.status,
    ...(d.description !== undefined ? { DestinationStatusDescription: d.description } : {}),
    ...(d.precision !== undefined ? { ApproximateCreationDateTimePrecision: d.precision } : {}),
  };
}

export function describeKinesisStreamingDestination(input: DescribeKinesisStreamingDestinationInput, ctx: DynamoContext): DescribeKinesisStreamingDestinationOutput {
  const meta = requireTable(ctx.store, ctx, input.TableName, "table");
  return { TableName: meta.name, KinesisDataStreamDestinations: (meta.kinesisDestinations ?? []).map(describeDestination) };
}

export async function enableKinesisStreamingDestination(input: EnableKinesisStreamingDestinationInput, ctx: DynamoContext): Promise<EnableKinesisStreamingDestinationOutput> {
  const precision = input.EnableKinesisStreamingConfiguration?.ApproximateCreationDateTimePrecision;
  check(oneOf("enableKinesisStreamingConfiguration.approximateCreationDateTimePrecision", precision, PRECISIONS));
  refuseWhileActive(requireTable(ctx.store, ctx, input.TableName, "table"));
  const failure = await streamFailure(ctx, input.StreamArn);
  const name = ctx.store.transaction(() => {
    // Read again: the table may have changed while Kinesis was asked.
    const meta = requireTable(ctx.store, ctx, input.TableName, "table");
    refuseWhileActive(meta);
    const entry: KinesisDestinationMeta = {
      streamArn: input.StreamArn,
      status: failure === undefined ? "ACTIVE" : "ENABLE_FAILED",
      ...(failure !== undefined ? { description: failure } : {}),
      ...(precision !== undefined ? { precision } : {}),
    };
    const list = meta.kinesisDestinations ?? [];
    // Enabling a stream again reuses its entry (DISABLED or ENABLE_FAILED); a new stream goes first.
    meta.kinesisDestinations = list.some((d) => d.streamArn === entry.streamArn)
      ? list.map((d) => (d.streamArn === entry.streamArn ? entry : d))
      : [entry, ...list];
    ctx.store.saveTable(ctx, meta);
    return meta.name;
  });
  return {
    TableName: name,
    StreamArn: input.StreamArn,
    DestinationStatus: "ENABLING",
    EnableKinesisStreamingConfiguration: input.EnableKinesisStreamingConfiguration ?? {},
  };
}

export function disableKinesisStreamingDestination(input: DisableKinesisStreamingDestinationInput, ctx: DynamoContext): DisableKinesisStreamingDestinationOutput {
  return ctx.store.transaction(() => {
    const meta = requireTable(ctx.store, ctx, input.TableName, "table");
    const entry = meta.kinesisDestinations?.find((d) => d.streamArn === input.StreamArn && d.status === "ACTIVE");
    // Never enabled, unknown or malformed ARNs all get the state message, never ResourceNotFound.
    if (entry === undefined) throw invalidState("KinesisStreamingDestination must be ACTIVE to perform DISABLE operation.");
    entry.status = "DISABLED";
    // Enabled again later, the destination starts from the default precision.
    delete entry.precision;
    ctx.store.saveTable(ctx, meta);
    return {
      TableName: meta.name,
      StreamArn: input.StreamArn,
      DestinationStatus: "DISABLING",
      ...(input.EnableKinesisStreamingConfiguration !== undefined ? { EnableKinesisStreamingConfiguration: input.EnableKinesisStreamingConfiguration } : {}),
    };
  });
}

export function updateKinesisStreamingDestination(input: UpdateKinesisStreamingDestinationInput, ctx: DynamoContext): UpdateKinesisStreamingDestinationOutput {
  const precision = input.UpdateKinesisStreamingConfiguration?.ApproximateCreationDateTimePrecision;
  check(oneOf("updateKinesisStreamingConfiguration.approximateCreationDateTimePrecision", precision, PRECISIONS));
  return ctx.store.transaction(() => {
    const meta = requireTable(ctx.store, ctx, input.TableName, "table");
    if (precision === undefined) {
      throw validationException(
        "Streaming destination cannot be updated with given parameters: UpdateKinesisStreamingConfiguration cannot be null or contain only null values",
      );
    }
    const entry = meta.kinesisDestinations?.find((d) => d.streamArn === input.StreamArn);
    if (entry === undefined) throw invalidState(`No streaming destination with streamArn: ${input.StreamArn} found for table with tableName: ${meta.name}`);
    if (entry.status !== "ACTIVE") {
      throw invalidState(`Kinesis streaming is not in ACTIVE state. Updates are only allowed in ACTIVE state. TableName: ${meta.name}, kdsArn: ${input.StreamArn}`);
    }
    if ((entry.precision ?? DEFAULT_PRECISION) === precision) {
      throw validationException(`Invalid Request: Precision is already set to the desired value of ${precision} for tableId: ${meta.id}, kdsArn: ${input.StreamArn}`);
    }
    entry.precision = precision;
    ctx.store.saveTable(ctx, meta);
    return { TableName: meta.name, StreamArn: input.StreamArn, DestinationStatus: "UPDATING", UpdateKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: precision } };
  });
}
