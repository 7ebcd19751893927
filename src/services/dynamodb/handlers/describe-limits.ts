import type { DescribeEndpointsInput, DescribeEndpointsOutput, DescribeLimitsInput, DescribeLimitsOutput } from "../../../generated/dynamodb.js";
import { ACCOUNT_MAX_UNITS, TABLE_MAX_UNITS } from "../capacity-limits.js";
import type { DynamoContext } from "../context.js";

// DynamoDB's default account quotas for provisioned capacity (per region), which CreateTable and UpdateTable enforce (capacity-limits.ts).
export function describeLimits(_input: DescribeLimitsInput, _ctx: DynamoContext): DescribeLimitsOutput {
  return {
    AccountMaxReadCapacityUnits: ACCOUNT_MAX_UNITS,
    AccountMaxWriteCapacityUnits: ACCOUNT_MAX_UNITS,
    TableMaxReadCapacityUnits: TABLE_MAX_UNITS,
    TableMaxWriteCapacityUnits: TABLE_MAX_UNITS,
  };
}

/** Endpoint discovery: this Nimbus is the endpoint; 1440 minutes is what DynamoDB answers. */
export function describeEndpoints(_input: DescribeEndpointsInput, ctx: DynamoContext): DescribeEndpointsOutput {
  return { Endpoints: [{ Address: new URL(ctx.config.endpoint).host, CachePeriodInMinutes: 1440 }] };
}
