import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DATA_IDENTIFIER_ARN_PREFIX, DETECTED_IDENTIFIERS, detectCustom, detectManaged, isCardNumber, luhnValid, managedIdentifierName } from "./data-identifiers.js";

/** The matched texts, for readable assertions. */
function found(name: string, text: string): string[] {
  return detectManaged(name, text).map((d) => text.slice(d.start, d.end));
}

describe("Luhn check", () => {
  test("accepts numbers whose checksum is right and refuses one digit off", () => {
    assert.equal(luhnValid("4532015112830366"), true);
    assert.equal(luhnValid("4532015112830367"), false);
    assert.equal(luhnValid("374245455400126"), true);
    assert.equal(luhnValid("79927398713"), true);
    assert.equal(luhnValid("79927398710"), false);
  });
  test("refuses what is not all digits", () => {
    assert.equal(luhnValid("4532-0151"), false);
    assert.equal(luhnValid(""), false);
  });
});

describe("card numbers", () => {
  test("need 13 to 19 digits, a network prefix and the Luhn checksum", () => {
    assert.equal(isCardNumber("4532015112830366"), true); // Visa
    assert.equal(isCardNumber("5425233430109903"), true); // Mastercard
    assert.equal(isCardNumber("374245455400126"), true); // American Express
    assert.equal(isCardNumber("4532 0151 1283 0366"), true);
    assert.equal(isCardNumber("1234567812345670"), false, "Luhn-valid, but no network starts with 1");
    assert.equal(isCardNumber("4532015112830367"), false, "checksum wrong");
    assert.equal(isCardNumber("453201511283"), false, "12 digits");
  });
  test("the numbers issuers reserve for testing are not reported, as AWS documents", () => {
    assert.equal(luhnValid("4111111111111111"), true);
    assert.equal(isCardNumber("4111111111111111"), false);
    assert.equal(isCardNumber("5555555555554444"), false);
  });
  test("CreditCardNumber needs a keyword before the number", () => {
    assert.deepEqual(found("CreditCardNumber", "my visa: 4532 0151 1283 0366, thanks"), ["4532 0151 1283 0366"]);
    assert.deepEqual(found("CreditCardNumber", "Credit-Card#4532015112830366"), ["4532015112830366"]);
    assert.deepEqual(found("CreditCardNumber", "order 4532015112830366 shipped"), []);
    assert.deepEqual(found("CreditCardNumber", "card 4111111111111111"), []);
  });
});

describe("managed identifiers", () => {
  test("EmailAddress", () => {
    assert.deepEqual(found("EmailAddress", "write to jane.doe+news@mail.example.com today"), ["jane.doe+news@mail.example.com"]);
    assert.deepEqual(found("EmailAddress", "not@an address"), []);
  });
  test("Ssn-US: the keyword is required; 000, 666 and 9xx areas are not numbers", () => {
    assert.deepEqual(found("Ssn-US", "SSN: 123-45-6789"), ["123-45-6789"]);
    assert.deepEqual(found("Ssn-US", "social_security 123456789"), ["123456789"]);
    assert.deepEqual(found("Ssn-US", "ticket 123-45-6789"), []);
    assert.deepEqual(found("Ssn-US", "ssn 666-45-6789 or 000-12-3456"), []);
  });
  test("IpAddress: IPv4 with octets up to 255", () => {
    assert.deepEqual(found("IpAddress", "from 10.0.0.1 to 192.168.1.254"), ["10.0.0.1", "192.168.1.254"]);
    assert.deepEqual(found("IpAddress", "999.1.1.1 and 1.2.3.4.5 and v1.2.3"), []);
  });
  test("PhoneNumber-US: without a keyword only with the +1 country code", () => {
    assert.deepEqual(found("PhoneNumber-US", "call +1 206-555-0100 or 206-555-0199"), ["+1 206-555-0100"]);
    assert.deepEqual(found("PhoneNumber-US", "phone: (206) 555-0100"), ["(206) 555-0100"]);
  });
  test("AwsSecretKey: 40 characters near a keyword", () => {
    assert.deepEqual(found("AwsSecretKey", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]);
    assert.deepEqual(found("AwsSecretKey", "hash wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), []);
  });
  test("ZipCode-US needs its keyword", () => {
    assert.deepEqual(found("ZipCode-US", "zip code 98101-1234"), ["98101-1234"]);
    assert.deepEqual(found("ZipCode-US", "room 98101"), []);
  });
  test("private keys: the whole PEM block", () => {
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
    assert.deepEqual(found("OpenSshPrivateKey", `key:\n${key}\n`), [key]);
    const rsa = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----";
    assert.deepEqual(found("PkcsPrivateKey", rsa), [rsa]);
    assert.deepEqual(found("PkcsPrivateKey", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END EC PRIVATE KEY-----"), []);
  });
  test("names AWS lists but Nimbus does not detect match nothing", () => {
    assert.equal(DETECTED_IDENTIFIERS.includes("Name"), false);
    assert.deepEqual(found("Name", "Jane Doe"), []);
  });
  test("custom identifiers match their regular expression", () => {
    assert.deepEqual(detectCustom(/EMP-\d{4}/g, "EMP-1234 and EMP-99 and EMP-5678"), [
      { start: 0, end: 8 },
      { start: 24, end: 32 },
    ]);
  });
});

describe("data identifier ARNs", () => {
  test("a managed ARN names its identifier; an unknown or misspelt one names none", () => {
    assert.equal(managedIdentifierName(`${DATA_IDENTIFIER_ARN_PREFIX}CreditCardNumber`), "CreditCardNumber");
    assert.equal(managedIdentifierName(`${DATA_IDENTIFIER_ARN_PREFIX}PhoneNumber-US`), "PhoneNumber-US");
    assert.equal(managedIdentifierName(`${DATA_IDENTIFIER_ARN_PREFIX}Name`), "Name");
    assert.equal(managedIdentifierName(`${DATA_IDENTIFIER_ARN_PREFIX}CreditCard`), undefined);
    assert.equal(managedIdentifierName(`${DATA_IDENTIFIER_ARN_PREFIX}PhoneNumber-XX`), undefined);
    assert.equal(managedIdentifierName("arn:aws:dataprotection::aws:data-identifier"), undefined);
  });
});
