/** The range of a 32-bit signed integer: the models' `integer` and S3's xs:int. */
export const INT32_MAX = 2 ** 31 - 1;

/** Whether `value` is an integer a 32-bit signed integer holds. */
export function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= -INT32_MAX - 1 && value <= INT32_MAX;
}
