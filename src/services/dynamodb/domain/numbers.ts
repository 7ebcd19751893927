import { Decimal } from "decimal.js";
import { validationException } from "./errors.js";

/**
 * DynamoDB numbers are exact decimals: up to 38 significant digits, magnitude between
 * 1E-130 and 9.9999999999999999999999999999999999999E+125, positive or negative.
 * They travel as strings and come back normalized (no exponent, no leading or trailing zeros:
 * "1.50" is returned as "1.5", "1e2" as "100", "-0" as "0").
 *
 * A private Decimal clone keeps our settings away from anyone else using decimal.js. The
 * precision is high enough that adding two in-range numbers is exact (exponents span
 * -130..125, so a sum never needs more than ~260 digits); range and digit limits are then
 * checked on the result, as DynamoDB does for ADD and SET arithmetic.
 */
const Dec = Decimal.clone({
  precision: 400,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
type Dec = InstanceType<typeof Dec>;

export const MAX_NUMBER_DIGITS = 38;
export const MAX_NUMBER_EXPONENT = 125;
export const MIN_NUMBER_EXPONENT = -130;

export const NUMBER_MESSAGES = {
  notNumeric: "The parameter cannot be converted to a numeric value",
  overflow: "Number overflow. Attempting to store a number with magnitude larger than supported range",
  underflow: "Number underflow. Attempting to store a number with magnitude smaller than supported range",
  tooManyDigits: "Attempting to store more than 38 significant digits in a Number",
} as const;

/**
 * Checks the lexical form DynamoDB accepts: optional sign, digits with an optional point,
 * optional exponent. decimal.js would also take "Infinity", "NaN" and hex; DynamoDB does not.
 * Returns whether any digit of the mantissa is non-zero (to tell an underflow from a zero).
 */
function scanNumber(text: string): { ok: boolean; nonZero: boolean } {
  let i = 0;
  const n = text.length;
  let c = text.charCodeAt(0);
  if (c === 43 /* + */ || c === 45 /* - */) i++;
  let digits = 0;
  let nonZero = false;
  let point = false;
  for (; i < n; i++) {
    c = text.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      if (c !== 48) nonZero = true;
    } else if (c === 46 /* . */ && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits === 0) return { ok: false, nonZero };
  if (i < n) {
    c = text.charCodeAt(i);
    if (c !== 101 && c !== 69 /* e E */) return { ok: false, nonZero };
    i++;
    c = text.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    const expStart = i;
    for (; i < n; i++) {
      c = text.charCodeAt(i);
      if (!isDigit(c)) return { ok: false, nonZero };
    }
    if (i === expStart) return { ok: false, nonZero };
  }
  return { ok: true, nonZero };
}

/** The reason DynamoDB refuses `text` as a number, or undefined when it is valid. */
export function numberProblem(text: string): string | undefined {
  if (plainNumber(text) !== undefined) return undefined;
  const result = tryParse(text);
  return typeof result === "string" ? result : undefined;
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;

/** The exponent written after `e` (at `at`) and the scale it leaves, as Java's BigDecimal reads them. */
function exponentAndScale(text: string, at: number): { exponent: bigint; scale: bigint } {
  const exponent = BigInt(text.slice(at + 1));
  const point = text.indexOf(".");
  return { exponent, scale: BigInt(point < 0 || point > at ? 0 : at - point - 1) - exponent };
}

const fitsInt = (n: bigint): boolean => n >= INT_MIN && n <= INT_MAX;

/**
 * Whether Java's BigDecimal can read `text` (digits, an optional fraction and exponent) at all:
 * its exponent, and the scale that leaves, must fit a 32-bit int. A PartiQL literal or parameter
 * past that "cannot be converted" (partiql/lexer.ts, parameterNumberProblem).
 */
export function fitsBigDecimal(text: string): boolean {
  const at = text.search(/[eE]/);
  if (at < 0) return true;
  const { exponent, scale } = exponentAndScale(text, at);
  return fitsInt(exponent) && fitsInt(scale);
}

/**
 * How Java's BigDecimal reads `text`, a valid number written with an exponent: whether the
 * exponent and scale fit, and precision minus scale (the magnitude's exponent plus one), which
 * DynamoDB's range check computes in 32-bit arithmetic, so it wraps. Undefined without an exponent.
 */
function bigDecimalReading(text: string): { exponentFits: boolean; scaleFits: boolean; magnitude: bigint; nonZero: boolean } | undefined {
  const scan = scanNumber(text);
  const at = text.search(/[eE]/);
  if (!scan.ok || at < 0) return undefined;
  const { exponent, scale } = exponentAndScale(text, at);
  const precision = BigInt(text.slice(0, at).replace(/[^0-9]/g, "").replace(/^0+/, "").length);
  return { exponentFits: fitsInt(exponent), scaleFits: fitsInt(scale), magnitude: precision - scale, nonZero: scan.nonZero };
}

/**
 * Whether DynamoDB's older validation layer (BatchWriteItem, the transactions in us-east-1, Scan)
 * calls `text`, an overflow, an underflow instead: its precision minus scale wraps past a 32-bit
 * int, so "1e2147483647" is refused "Number underflow. ..." there and "Number overflow. ..." by the
 * newer layer (paritysuite/dynamodb-conformance tests/tier3/error-messages/valueLayers.test.ts
 * "Number values", OLDER; us-east-1, eu-west-1, us-west-2, 2026-10-09). An exponent written past a
 * 32-bit int, which BigDecimal would not parse, is not on record for that layer and keeps the overflow.
 */
export function wrapsInOlderLayer(text: string): boolean {
  const read = bigDecimalReading(text);
  return read !== undefined && read.exponentFits && read.nonZero && read.magnitude > INT_MAX;
}

/**
 * The reason DynamoDB refuses `text` as a PartiQL parameter, which it reads as Java's BigDecimal
 * reads a string: an exponent, or the scale it gives, outside a 32-bit integer cannot be converted
 * at all ("...: 1e99999999999", "...: 1e-2147483648"), and the magnitude check wraps in 32 bits
 * (bigDecimalReading): 1e2147483647 is refused as an underflow.
 * paritysuite/dynamodb-conformance tests/tier3/error-messages/partiqlParameterNumbers.test.ts
 * (eu-west-2, us-east-1, October 2026). Within those bounds a parameter is any other number.
 */
export function parameterNumberProblem(text: string): string | undefined {
  const read = bigDecimalReading(text);
  if (read === undefined) return numberProblem(text);
  if (!read.exponentFits || !read.scaleFits) return `${NUMBER_MESSAGES.notNumeric}: ${text}`;
  if (!read.nonZero) return numberProblem(text);
  if (read.magnitude > INT_MAX) return NUMBER_MESSAGES.underflow;
  if (read.magnitude < INT_MIN) return NUMBER_MESSAGES.overflow;
  return numberProblem(text);
}

/** A number's sign, exponent (of its first significant digit) and significant digits, as decimal.js has them. */
interface NumberParts {
  readonly negative: boolean;
  readonly exponent: number;
  readonly digits: string;
}

const ZERO = "zero";

/**
 * A number written plainly (an optional minus, digits, and an optional point followed by digits;
 * no exponent; at most 40 characters, so always in range) read from its text: its parts and its
 * canonical text, as decimal.js would give them, or ZERO. Undefined for anything else (an
 * exponent, a plus sign, a bare point, more than 38 significant digits, not a number at all),
 * which takes the decimal route. Most numbers are written so (counts, timestamps, prices), and
 * each took up to three Decimal parses per write (validation, the stored text, the item size).
 */
function plainNumber(text: string): (NumberParts & { readonly canonical: string }) | typeof ZERO | undefined {
  const n = text.length;
  if (n === 0 || n > 40) return undefined;
  const negative = text.charCodeAt(0) === 45; /* - */
  let i = negative ? 1 : 0;
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  if (intEnd === intStart) return undefined;
  let fracStart = n;
  if (i < n) {
    if (text.charCodeAt(i) !== 46 /* . */) return undefined;
    fracStart = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i < n || i === fracStart) return undefined;
  }
  let first = intStart;
  while (first < intEnd && text.charCodeAt(first) === 48) first++;
  let fracEnd = n;
  while (fracEnd > fracStart && text.charCodeAt(fracEnd - 1) === 48) fracEnd--;
  const whole = text.slice(first, intEnd);
  const fraction = text.slice(fracStart, fracEnd);
  if (whole === "" && fraction === "") return ZERO;
  let exponent: number;
  let digits: string;
  if (whole !== "") {
    exponent = whole.length - 1;
    if (fraction !== "") digits = whole + fraction;
    else {
      let end = whole.length;
      while (whole.charCodeAt(end - 1) === 48) end--;
      digits = whole.slice(0, end);
    }
  } else {
    let zeros = 0;
    while (fraction.charCodeAt(zeros) === 48) zeros++;
    exponent = -(zeros + 1);
    digits = fraction.slice(zeros);
  }
  if (digits.length > MAX_NUMBER_DIGITS) return undefined;
  const canonical = `${negative ? "-" : ""}${whole === "" ? "0" : whole}${fraction === "" ? "" : `.${fraction}`}`;
  return { negative, exponent, digits, canonical: canonical === text ? text : canonical };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function tryParse(text: string): Dec | string {
  if (text.length === 0) return NUMBER_MESSAGES.notNumeric;
  const scan = scanNumber(text);
  if (!scan.ok) return `${NUMBER_MESSAGES.notNumeric}: ${text}`;
  const at = text.search(/[eE]/);
  if (at >= 0) {
    // DynamoDB reads the exponent in full: past a 64-bit integer it cannot be converted at all
    // (paritysuite/dynamodb-conformance tests/tier3/limits/numberExponent.test.ts, 1e9223372036854775808).
    const { exponent, scale } = exponentAndScale(text, at);
    if (exponent > LONG_MAX || exponent < LONG_MIN) return `${NUMBER_MESSAGES.notNumeric}: ${text}`;
    if (!scan.nonZero) return zeroInRange(-Number(scale));
  }
  const d = new Dec(text);
  return checkRange(d, scan.nonZero);
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/**
 * A zero written with an exponent is range-checked by the exponent its scale gives it, as Java's
 * BigDecimal reads it: 0e126 overflows, 0e-131 underflows and 0e125 is stored as 0
 * (tests/tier3/limits/numberExponent.test.ts, "zero with an exponent ...").
 */
function zeroInRange(exponent: number): Dec | string {
  if (exponent > MAX_NUMBER_EXPONENT) return NUMBER_MESSAGES.overflow;
  if (exponent < MIN_NUMBER_EXPONENT) return NUMBER_MESSAGES.underflow;
  return new Dec(0);
}

function checkRange(d: Dec, nonZero: boolean): Dec | string {
  if (!d.isFinite()) return NUMBER_MESSAGES.overflow;
  if (d.isZero()) return nonZero ? NUMBER_MESSAGES.underflow : d;
  if (d.e > MAX_NUMBER_EXPONENT) return NUMBER_MESSAGES.overflow;
  if (d.e < MIN_NUMBER_EXPONENT) return NUMBER_MESSAGES.underflow;
  if (d.sd() > MAX_NUMBER_DIGITS) return NUMBER_MESSAGES.tooManyDigits;
  return d;
}

function parseOrThrow(text: string): Dec {
  const result = tryParse(text);
  if (typeof result === "string") throw validationException(result);
  return result;
}

function canonical(d: Dec): string {
  // toFixed() never uses an exponent and already drops "-" from zero.
  return d.toFixed();
}

/** Validates and returns the string DynamoDB would store and return for `text`. */
export function normalizeNumber(text: string): string {
  const plain = plainNumber(text);
  if (plain === ZERO) return "0";
  if (plain !== undefined) return plain.canonical;
  return canonical(parseOrThrow(text));
}

function arithmetic(a: string, b: string, sign: 1 | -1): string {
  const x = parseOrThrow(a);
  const y = parseOrThrow(b);
  const result = sign === 1 ? x.plus(y) : x.minus(y);
  const checked = checkRange(result, false);
  // A result that needs more than 38 digits (1e50 - 1) is refused with the overflow message, not
  // the one a literal of 39 digits gets (ScyllaDB Alternator's test_number.py::
  // test_update_expression_plus_imprecise, which passes on AWS and quotes its message).
  if (checked === NUMBER_MESSAGES.tooManyDigits) throw validationException(NUMBER_MESSAGES.overflow);
  if (typeof checked === "string") throw validationException(checked);
  return canonical(checked);
}

/** a + b, exactly, as `ADD n :x` and `SET n = n + :x` compute it. */
export function addNumbers(a: string, b: string): string {
  return arithmetic(a, b, 1);
}

/** a - b, exactly, as `SET n = n - :x` computes it. */
export function subtractNumbers(a: string, b: string): string {
  return arithmetic(a, b, -1);
}

/** Small integers (the common case in keys and counters) compare without building decimals. */
function isSmallInteger(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 15) return false;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

export function compareNumbers(a: string, b: string): number {
  if (a === b) return 0;
  if (isSmallInteger(a) && isSmallInteger(b)) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return new Dec(a).cmp(new Dec(b));
}

export function numbersEqual(a: string, b: string): boolean {
  return compareNumbers(a, b) === 0;
}

/** Significant digits without leading/trailing zeros, e.g. "-0.0120" -> "12". */
function significantDigits(d: Dec): string {
  const exp = d.abs().toExponential();
  const mantissa = exp.slice(0, exp.indexOf("e"));
  return mantissa.replace(".", "");
}

/**
 * Bytes a number occupies in an item. AWS documents "1 byte per two significant digits + 1";
 * the exact figure follows the base-100 encoding underneath: one exponent byte, the digits
 * grouped in pairs aligned on the decimal point, and one terminator byte for negatives.
 */
export function numberSize(text: string): number {
  const n = nonZeroParts(text);
  if (n === undefined) return 1;
  const padded = n.digits.length + (n.exponent % 2 === 0 ? 1 : 0);
  return 1 + Math.ceil(padded / 2) + (n.negative ? 1 : 0);
}

/** The parts of a valid number (plainNumber's when it is written plainly), undefined for zero. */
function nonZeroParts(text: string): NumberParts | undefined {
  const plain = plainNumber(text);
  if (plain === ZERO) return undefined;
  if (plain !== undefined) return plain;
  const d = new Dec(text);
  return d.isZero() ? undefined : { negative: d.isNeg(), exponent: d.e, digits: significantDigits(d) };
}

/**
 * A string whose plain (byte) ordering is the numeric ordering, for storage layers that sort
 * keys as text: sign class, biased exponent, then the digits (nines-complemented for negatives,
 * with a terminator so that -1.5 sorts before -1).
 */
export function numberSortKey(text: string): string {
  const n = nonZeroParts(text);
  if (n === undefined) return "1";
  const biased = n.exponent + 200;
  if (!n.negative) return `2${String(biased).padStart(3, "0")}${n.digits}`;
  let complement = "";
  for (let i = 0; i < n.digits.length; i++) complement += String(9 - (n.digits.charCodeAt(i) - 48));
  return `0${String(999 - biased).padStart(3, "0")}${complement}~`;
}
