import type {
  DeleteFunctionConcurrencyInput,
  DeleteFunctionConcurrencyOutput,
  GetFunctionConcurrencyInput,
  GetFunctionConcurrencyOutput,
  PutFunctionConcurrencyInput,
  PutFunctionConcurrencyOutput,
} from "../../../generated/lambda.js";
import { requireFunction } from "../domain/functions.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import { accountConcurrency, minUnreserved } from "../limits.js";
import { check, range } from "../validation.js";

export function putFunctionConcurrency(input: PutFunctionConcurrencyInput, ctx: LambdaContext): PutFunctionConcurrencyOutput {
  check(range("reservedConcurrentExecutions", input.ReservedConcurrentExecutions, 0, Number.MAX_SAFE_INTEGER));
  const fn = requireFunction(ctx.store, ctx, input.FunctionName);
  const quota = accountConcurrency(ctx.config);
  if (quota - ctx.store.reservedTotal(ctx, fn.name) - input.ReservedConcurrentExecutions < minUnreserved(quota)) {
    throw errors.InvalidParameterValue({
      message: `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minUnreserved(quota)}].`,
    });
  }
  ctx.store.setReservedConcurrency(ctx, fn.name, input.ReservedConcurrentExecutions);
  return { ReservedConcurrentExecutions: input.ReservedConcurrentExecutions };
}

export function getFunctionConcurrency(input: GetFunctionConcurrencyInput, ctx: LambdaContext): GetFunctionConcurrencyOutput {
  const fn = requireFunction(ctx.store, ctx, input.FunctionName);
  return fn.reservedConcurrency !== undefined ? { ReservedConcurrentExecutions: fn.reservedConcurrency } : {};
}

export function deleteFunctionConcurrency(input: DeleteFunctionConcurrencyInput, ctx: LambdaContext): DeleteFunctionConcurrencyOutput {
  const fn = requireFunction(ctx.store, ctx, input.FunctionName);
  ctx.store.setReservedConcurrency(ctx, fn.name, undefined);
  return {};
}
