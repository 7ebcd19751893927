// Names for the 2011-12-05 model's shapes (the generated types name them by the model's keys, S6, S15...).
import type { DescribeTableOutput, GetItemInput } from "../../../generated/dynamodb-2011-12-05.js";
import type { DescribeTableOutput as CurrentDescribeTableOutput, GetItemOutput as CurrentGetItemOutput } from "../../../generated/dynamodb.js";

export type * from "../../../generated/dynamodb-2011-12-05.js";

/** `{HashKeyElement, RangeKeyElement}` */
export type Key = GetItemInput["Key"];
export type TableDescription = NonNullable<DescribeTableOutput["Table"]>;
export type CurrentTable = NonNullable<CurrentDescribeTableOutput["Table"]>;
export type CurrentCapacity = NonNullable<CurrentGetItemOutput["ConsumedCapacity"]>;
