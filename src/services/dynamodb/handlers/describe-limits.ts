import type { DescribeEndpointsInput, DescribeEndpointsOutput, DescribeLimitsInput, DescribeLimitsOutput } from "../../../generated/dynamodb.js";
import type { DynamoContext } from "../context.js";

// DynamoDB's default account quotas for provisioned capacity (per region).
export function describeLimits(_input: DescribeLimitsInput, _ctx: DynamoContext): DescribeLimitsOutput {
  return {
    AccountMaxReadCapacityUnits: 80_000,
    AccountMaxWriteCapacityUnits: 80_000,
    TableMaxReadCapacityUnits: 40_000,
    TableMaxWriteCapacityUnits: 40_000,
  };
}

/** Endpoint discovery: this Nimbus is the endpoint; 1440 minutes is what DynamoDB answers. */
export function describeEndpoints(_input: DescribeEndpointsInput, ctx: DynamoContext): DescribeEndpointsOutput {
  return { Endpoints: [{ Address: new URL(ctx.config.endpoint).host, CachePeriodInMinutes: 1440 }] };
}
