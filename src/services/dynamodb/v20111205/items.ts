// PutItem, GetItem, UpdateItem and DeleteItem of the 2011-12-05 API: the current operations with the
// old key form. Expected ({Value, Exists}) and AttributeUpdates are the current API's legacy parameters
// as they are, so their checks and wording are the current ones.
import type * as Old from "./types.js";
import type { DynamoContext } from "../context.js";
import { deleteItem } from "../handlers/delete-item.js";
import { getItem } from "../handlers/get-item.js";
import { putItem } from "../handlers/put-item.js";
import { updateItem } from "../handlers/update-item.js";
import { capacityUnits, currentKey, keyNames } from "./keys.js";

/** Every answer of the old API carries its capacity; TOTAL is what the current API sums it as. */
const TOTAL = "TOTAL";

export function putItemV20111205(input: Old.PutItemInput, ctx: DynamoContext): Old.PutItemOutput {
  const out = putItem({ TableName: input.TableName, Item: input.Item, Expected: input.Expected, ReturnValues: input.ReturnValues, ReturnConsumedCapacity: TOTAL }, ctx);
  return written(out);
}

export function getItemV20111205(input: Old.GetItemInput, ctx: DynamoContext): Old.GetItemOutput {
  const out = getItem(
    {
      TableName: input.TableName,
      Key: keyOf(input, ctx),
      AttributesToGet: input.AttributesToGet,
      ConsistentRead: input.ConsistentRead,
      ReturnConsumedCapacity: TOTAL,
    },
    ctx,
  );
  const answer: Old.GetItemOutput = { ConsumedCapacityUnits: capacityUnits(out.ConsumedCapacity) };
  if (out.Item !== undefined) answer.Item = out.Item;
  return answer;
}

export function updateItemV20111205(input: Old.UpdateItemInput, ctx: DynamoContext): Old.UpdateItemOutput {
  const out = updateItem(
    {
      TableName: input.TableName,
      Key: keyOf(input, ctx),
      AttributeUpdates: input.AttributeUpdates,
      Expected: input.Expected,
      ReturnValues: input.ReturnValues,
      ReturnConsumedCapacity: TOTAL,
    },
    ctx,
  );
  return written(out);
}

export function deleteItemV20111205(input: Old.DeleteItemInput, ctx: DynamoContext): Old.DeleteItemOutput {
  const out = deleteItem(
    { TableName: input.TableName, Key: keyOf(input, ctx), Expected: input.Expected, ReturnValues: input.ReturnValues, ReturnConsumedCapacity: TOTAL },
    ctx,
  );
  return written(out);
}

/** The request's old-form key, by the table's key names. */
function keyOf(input: { readonly TableName: string; readonly Key: Parameters<typeof currentKey>[1] }, ctx: DynamoContext): ReturnType<typeof currentKey> {
  return currentKey(keyNames(ctx, input.TableName), input.Key);
}

function written(out: { Attributes?: Old.PutItemOutput["Attributes"]; ConsumedCapacity?: Parameters<typeof capacityUnits>[0] }): Old.PutItemOutput {
  const answer: Old.PutItemOutput = { ConsumedCapacityUnits: capacityUnits(out.ConsumedCapacity) };
  if (out.Attributes !== undefined) answer.Attributes = out.Attributes;
  return answer;
}
