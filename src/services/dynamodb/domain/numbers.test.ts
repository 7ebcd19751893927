import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import {
  addNumbers,
  compareNumbers,
  normalizeNumber,
  numberProblem,
  numberSize,
  numberSortKey,
  numbersEqual,
  subtractNumbers,
  wrapsInOlderLayer,
} from "./numbers.js";

function throwsValidation(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AwsError);
    assert.equal(err.code, "ValidationException");
    assert.equal(err.status, 400);
    assert.equal(err.message, message);
    return true;
  });
}

describe("DynamoDB numbers: parsing and canonical form", () => {
  test("returns the normalized form AWS stores: no exponent, no leading/trailing zeros", () => {
    assert.equal(normalizeNumber("12.50"), "12.5");
    assert.equal(normalizeNumber("1e2"), "100");
    assert.equal(normalizeNumber("1E+2"), "100");
    assert.equal(normalizeNumber("007"), "7");
    assert.equal(normalizeNumber("-0"), "0");
    assert.equal(normalizeNumber("0.000"), "0");
    assert.equal(normalizeNumber("+5"), "5");
    assert.equal(normalizeNumber(".5"), "0.5");
    assert.equal(normalizeNumber("5."), "5");
    assert.equal(normalizeNumber("-1.23e-3"), "-0.00123");
  });

  test("accepts the extremes of the documented range", () => {
    const max = "9.9999999999999999999999999999999999999E+125";
    assert.equal(normalizeNumber(max), "99999999999999999999999999999999999999" + "0".repeat(88));
    assert.equal(normalizeNumber("-" + max).startsWith("-9999"), true);
    assert.equal(normalizeNumber("1E-130"), "0." + "0".repeat(129) + "1");
    assert.equal(normalizeNumber("-1E-130"), "-0." + "0".repeat(129) + "1");
  });

  test("refuses magnitudes above 9.99E+125 with AWS's overflow message", () => {
    throwsValidation(() => normalizeNumber("1E+126"), "Number overflow. Attempting to store a number with magnitude larger than supported range");
    throwsValidation(() => normalizeNumber("-1E+126"), "Number overflow. Attempting to store a number with magnitude larger than supported range");
  });

  test("refuses magnitudes below 1E-130 with AWS's underflow message", () => {
    throwsValidation(() => normalizeNumber("1E-131"), "Number underflow. Attempting to store a number with magnitude smaller than supported range");
    throwsValidation(() => normalizeNumber("0.5e-130"), "Number underflow. Attempting to store a number with magnitude smaller than supported range");
  });

  test("counts significant digits without leading and trailing zeros (38 allowed, 39 refused)", () => {
    assert.equal(normalizeNumber("1".repeat(38)), "1".repeat(38));
    assert.equal(normalizeNumber("0.000" + "1".repeat(38) + "000"), "0.000" + "1".repeat(38));
    assert.equal(normalizeNumber("1" + "0".repeat(100)), "1" + "0".repeat(100));
    throwsValidation(() => normalizeNumber("1".repeat(39)), "Attempting to store more than 38 significant digits in a Number");
    throwsValidation(() => normalizeNumber("1." + "1".repeat(38)), "Attempting to store more than 38 significant digits in a Number");
  });

  test("refuses text that is not a number, naming it, and empty text without a name", () => {
    throwsValidation(() => normalizeNumber("abc"), "The parameter cannot be converted to a numeric value: abc");
    throwsValidation(() => normalizeNumber(""), "The parameter cannot be converted to a numeric value");
    for (const bad of ["Infinity", "NaN", "0x10", "1e", "1.2.3", " 1", "1 ", "--1", "e5", "."]) {
      assert.equal(numberProblem(bad), `The parameter cannot be converted to a numeric value: ${bad}`, bad);
    }
  });
});

describe("DynamoDB numbers: arithmetic and ordering", () => {
  test("adds exactly: 0.1 + 0.2 is 0.3", () => {
    assert.equal(addNumbers("0.1", "0.2"), "0.3");
    assert.equal(subtractNumbers("0.3", "0.1"), "0.2");
    assert.equal(addNumbers("-5", "5"), "0");
    assert.equal(addNumbers("99999999999999999999999999999999999998", "1"), "99999999999999999999999999999999999999");
  });

  test("arithmetic whose result leaves the range or needs 39 digits is refused", () => {
    throwsValidation(
      () => addNumbers("9.9999999999999999999999999999999999999E+125", "9.9999999999999999999999999999999999999E+125"),
      "Number overflow. Attempting to store a number with magnitude larger than supported range",
    );
    throwsValidation(() => addNumbers("1E+20", "1E-20"), "Number overflow. Attempting to store a number with magnitude larger than supported range");
    throwsValidation(() => subtractNumbers("1E+50", "1"), "Number overflow. Attempting to store a number with magnitude larger than supported range");
    throwsValidation(() => addNumbers("x", "1"), "The parameter cannot be converted to a numeric value: x");
  });

  test("compares numerically, not as text", () => {
    assert.equal(compareNumbers("10", "9"), 1);
    assert.equal(compareNumbers("-10", "-9"), -1);
    assert.equal(compareNumbers("1.50", "1.5"), 0);
    assert.equal(compareNumbers("1e3", "999.999"), 1);
    assert.equal(compareNumbers("123456789012345678901234567890", "123456789012345678901234567891"), -1);
    assert.ok(numbersEqual("100", "1E2"));
    assert.ok(!numbersEqual("100", "101"));
  });

  test("sort keys order like the numbers they encode", () => {
    const values = ["-1E+10", "-100", "-1.5", "-1", "-0.001", "0", "0.001", "0.5", "1", "1.5", "2", "10", "100", "1E+100"];
    const keys = values.map(numberSortKey);
    const sorted = [...keys].sort();
    assert.deepEqual(sorted, keys);
  });

  test("size follows the base-100 layout: 1 exponent byte, digit pairs, +1 for negatives", () => {
    assert.equal(numberSize("0"), 1);
    assert.equal(numberSize("1"), 2);
    assert.equal(numberSize("10"), 2);
    assert.equal(numberSize("100"), 2);
    assert.equal(numberSize("12345"), 4);
    assert.equal(numberSize("1.5"), 3);
    assert.equal(numberSize("1234"), 3);
    assert.equal(numberSize("-1"), 3);
    assert.equal(numberSize("1".repeat(38)), 20);
  });

  test("a number written plainly is read from its text as decimal.js reads it: validity, stored text, size and sort key", () => {
    // The same number with an exponent ("12.50" as "1250e-2") takes the decimal route: the oracle.
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const digits = (length: number): string => Array.from({ length }, () => String(random(10))).join("");
    const integers = ["1", "9", "10", "99", "100", "101", "1200", "12000", "120000", "1234", "100000000000000", "999999999999999", "123456789012340"];
    const samples = ["0", "-0", "00", "0.0", "-0.000", "0.5", "-0.05", "10.50", "100.0", "007", "1.000001", `0.${"0".repeat(30)}1`, "9".repeat(38), "9".repeat(39), `${"1".repeat(20)}.${"2".repeat(19)}`];
    samples.push(...integers, ...integers.map((i) => `-${i}`));
    for (let k = 0; k < 3000; k++) {
      const whole = "0".repeat(random(3)) + digits(1 + random(20));
      const fraction = random(2) === 0 ? "" : digits(random(20)) + "0".repeat(random(3));
      samples.push(`${random(2) === 0 ? "" : "-"}${whole}${fraction === "" ? "" : `.${fraction}`}`);
    }
    for (const text of samples) {
      const [whole = "", fraction = ""] = text.replace("-", "").split(".");
      const oracle = `${text.startsWith("-") ? "-" : ""}${whole}${fraction}e-${fraction.length}`;
      assert.equal(numberProblem(text), numberProblem(oracle), text);
      if (numberProblem(text) !== undefined) continue;
      assert.equal(normalizeNumber(text), normalizeNumber(oracle), text);
      assert.equal(numberSize(text), numberSize(oracle), text);
      assert.equal(numberSortKey(text), numberSortKey(oracle), text);
    }
  });

  test("the older layer's BigDecimal reading wraps a magnitude past a 32-bit int", () => {
    assert.equal(wrapsInOlderLayer("1e2147483647"), true);
    assert.equal(wrapsInOlderLayer("-1e2147483647"), true);
    assert.equal(wrapsInOlderLayer("1e2147483646"), false);
    assert.equal(wrapsInOlderLayer("1e2147483648"), false);
    assert.equal(wrapsInOlderLayer("1e126"), false);
    assert.equal(wrapsInOlderLayer("0e2147483647"), false);
  });
});
