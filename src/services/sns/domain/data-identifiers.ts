/**
 * Managed data identifiers of SNS message data protection: which names a data protection
 * policy may use (AWS's published ARN lists, credentials / devices / financial / PHI / PII),
 * and, for the subset Nimbus detects, how a message is scanned.
 *
 * Detected by Nimbus: AwsSecretKey, CreditCardNumber, EmailAddress, IpAddress (IPv4),
 * OpenSshPrivateKey, PgpPrivateKey, PkcsPrivateKey, PhoneNumber-US, Ssn-US, ZipCode-US.
 * The other names AWS lists are accepted in a policy (AWS accepts them) but never match:
 * AWS finds them with machine learning (Name, Address) or rules Nimbus does not carry.
 *
 * Keywords: where AWS requires a keyword "in proximity" of the data, Nimbus looks for one in
 * the KEYWORD_WINDOW characters before the match (the window is Nimbus's choice; AWS does not
 * publish its distance). As AWS documents, keywords are case-insensitive and a keyword with a
 * space also matches with no space, an underscore or a hyphen in its place.
 */

export const DATA_IDENTIFIER_ARN_PREFIX = "arn:aws:dataprotection::aws:data-identifier/";

/** Every managed data identifier AWS lists for SNS (the developer guide's ARN tables). */
const MANAGED_NAMES: readonly string[] = [
  // Credentials
  "AwsSecretKey", "OpenSshPrivateKey", "PgpPrivateKey", "PkcsPrivateKey", "PuttyPrivateKey",
  // Devices
  "IpAddress",
  // Financial
  "BankAccountNumber-DE", "BankAccountNumber-ES", "BankAccountNumber-FR", "BankAccountNumber-GB", "BankAccountNumber-IT", "BankAccountNumber-US",
  "CreditCardExpiration", "CreditCardNumber", "CreditCardSecurityCode",
  // Protected health information
  "DrugEnforcementAgencyNumber-US", "HealthcareProcedureCode-US", "HealthInsuranceCardNumber-EU", "HealthInsuranceClaimNumber-US",
  "HealthInsuranceNumber-FR", "MedicareBeneficiaryNumber-US", "NationalDrugCode-US", "NationalInsuranceNumber-GB", "NationalProviderId-US",
  "NhsNumber-GB", "PersonalHealthNumber-CA",
  // Personally identifiable information
  "Address", "CepCode-BR", "Cnpj-BR", "CpfCode-BR",
  ...["AT", "AU", "BE", "BG", "CA", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "US"].map(
    (country) => `DriversLicense-${country}`,
  ),
  "ElectoralRollNumber-GB", "EmailAddress", "IndividualTaxIdentificationNumber-US", "InseeCode-FR", "LatLong", "Name",
  "NationalIdentificationNumber-DE", "NationalIdentificationNumber-ES", "NationalIdentificationNumber-IT", "NieNumber-ES", "NifNumber-ES",
  ...["CA", "DE", "ES", "FR", "GB", "IT", "US"].map((country) => `PassportNumber-${country}`),
  "PermanentResidenceNumber-CA",
  "PhoneNumber", ...["BR", "DE", "ES", "FR", "GB", "IT", "US"].map((country) => `PhoneNumber-${country}`),
  "PostalCode-CA", "RgNumber-BR", "SocialInsuranceNumber-CA", "Ssn-ES", "Ssn-US", "TaxId-DE", "TaxId-ES", "TaxId-FR", "TaxId-GB",
  "VehicleIdentificationNumber", "ZipCode-US",
];
const MANAGED = new Set(MANAGED_NAMES);

/** The managed identifier an ARN names, or undefined when the ARN names none AWS knows. */
export function managedIdentifierName(arn: string): string | undefined {
  if (!arn.startsWith(DATA_IDENTIFIER_ARN_PREFIX)) return undefined;
  const name = arn.slice(DATA_IDENTIFIER_ARN_PREFIX.length);
  return MANAGED.has(name) ? name : undefined;
}

/** One finding: where in the message a data identifier matched ([start, end) in UTF-16 units). */
export interface Detection {
  readonly start: number;
  readonly end: number;
}

interface Detector {
  /** Candidates; must be global. */
  readonly pattern: RegExp;
  /** Keywords of which one must be near the candidate (see `required`). */
  readonly keywords?: readonly string[];
  /** Whether a candidate counts, given the text matched and whether a keyword is near. */
  readonly accept: (text: string, keywordNear: boolean) => boolean;
}

/** How far before a candidate a keyword is looked for (Nimbus's choice, see the header). */
export const KEYWORD_WINDOW = 50;

/** The Luhn checksum card numbers carry: every second digit from the right doubled. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The card number prefixes of the networks AWS names (American Express, Dankort, Diners Club,
 * Discover, Electron, JCB, Mastercard, UnionPay, Visa).
 */
const CARD_PREFIX = /^(?:4|5[1-5]|2(?:2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|30[0-5]|3[689]|6011|64[4-9]|65|35(?:2[89]|[3-8]\d)|62|5019)/;

/** Numbers card issuers reserve for public testing: AWS does not report them. */
const TEST_CARD_NUMBERS = new Set(
  (
    "122000000000003 2222405343248877 2222990905257051 2223007648726984 2223577120017656 30569309025904 34343434343434 3528000700000000 " +
    "3530111333300000 3566002020360505 36148900647913 36700102000000 371449635398431 378282246310005 378734493671000 38520000023237 " +
    "4012888888881881 4111111111111111 4222222222222 4444333322221111 4462030000000000 4484070000000000 4911830000000 4917300800000000 " +
    "4917610000000000 4917610000000000003 5019717010103742 5105105105105100 5111010030175156 5185540810000019 5200828282828210 " +
    "5204230080000017 5204740009900014 5420923878724339 5454545454545454 5455330760000018 5506900490000436 5506900490000444 " +
    "5506900510000234 5506920809243667 5506922400634930 5506927427317625 5553042241984105 5555553753048194 5555555555554444 " +
    "5610591081018250 6011000990139424 6011000400000000 6011111111111117 630490017740292441 630495060000000000 6331101999990016 " +
    "6759649826438453 6799990100000000019 76009244561"
  ).split(" "),
);

export function isCardNumber(text: string): boolean {
  const digits = text.replace(/[ -]/g, "");
  return digits.length >= 13 && digits.length <= 19 && CARD_PREFIX.test(digits) && luhnValid(digits) && !TEST_CARD_NUMBERS.has(digits);
}

function validIpv4(text: string): boolean {
  return text.split(".").every((octet) => Number(octet) <= 255 && !(octet.length > 1 && octet.startsWith("0")));
}

const always = () => true;
const keywordNeeded = (_text: string, keywordNear: boolean) => keywordNear;

function pemBlock(label: string): RegExp {
  return new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, "g");
}

/** The identifiers Nimbus detects, keyed by managed identifier name. */
const DETECTORS: Readonly<Record<string, Detector>> = {
  EmailAddress: { pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, accept: always },
  CreditCardNumber: {
    pattern: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g,
    keywords: [
      "account number", "american express", "amex", "bank card", "card", "card num", "card number", "cc #", "ccn", "check card", "credit",
      "credit card#", "dankort", "debit", "debit card", "diners club", "discover", "electron", "elo verification code", "japanese card bureau",
      "jcb", "mastercard", "mc", "pan", "payment account number", "payment card number", "pcn", "union pay", "visa",
    ],
    accept: (text, keywordNear) => keywordNear && isCardNumber(text),
  },
  AwsSecretKey: {
    pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    keywords: ["aws_secret_access_key", "credentials", "secret access key", "secret key", "set-awscredential"],
    accept: keywordNeeded,
  },
  "Ssn-US": {
    pattern: /(?<!\d)(?!000|666|9\d\d)\d{3}([- ]?)(?!00)\d{2}\1(?!0000)\d{4}(?!\d)/g,
    keywords: ["social security", "ss#", "ssn"],
    accept: keywordNeeded,
  },
  IpAddress: { pattern: /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g, accept: validIpv4 },
  // With a keyword near, the number need not carry the country code; without one, it must.
  "PhoneNumber-US": {
    pattern: /(?<![\d+])(?:\+1[ .-]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ .-]?[2-9]\d{2}[ .-]?\d{4}(?!\d)/g,
    keywords: ["cell", "contact", "fax", "fax number", "mobile", "phone", "phone number", "tel", "telephone", "telephone number"],
    accept: (text, keywordNear) => keywordNear || text.startsWith("+1"),
  },
  "ZipCode-US": { pattern: /(?<!\d)\d{5}(?:-\d{4})?(?!\d)/g, keywords: ["zip code", "zip+4"], accept: keywordNeeded },
  OpenSshPrivateKey: { pattern: pemBlock("OPENSSH PRIVATE KEY"), accept: always },
  PgpPrivateKey: { pattern: pemBlock("PGP PRIVATE KEY BLOCK"), accept: always },
  PkcsPrivateKey: { pattern: /-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END \1-----/g, accept: always },
};

/** The managed identifiers Nimbus detects (the others never match). */
export const DETECTED_IDENTIFIERS: readonly string[] = Object.keys(DETECTORS);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A keyword as AWS matches it: any case; a space may also be absent, "_" or "-". */
function keywordPattern(keywords: readonly string[]): RegExp {
  const alternatives = keywords.map((k) => k.split(" ").map(escapeRegExp).join("[ _-]?"));
  return new RegExp(`(?:^|[^A-Za-z0-9])(?:${alternatives.join("|")})(?![A-Za-z0-9])`, "i");
}

const KEYWORD_PATTERNS = new Map<string, RegExp>();
for (const [name, detector] of Object.entries(DETECTORS)) {
  if (detector.keywords !== undefined) KEYWORD_PATTERNS.set(name, keywordPattern(detector.keywords));
}

/** Where a managed identifier matches in the text (none for identifiers Nimbus does not detect). */
export function detectManaged(name: string, text: string): Detection[] {
  const detector = DETECTORS[name];
  if (detector === undefined) return [];
  const keywords = KEYWORD_PATTERNS.get(name);
  const found: Detection[] = [];
  for (const match of text.matchAll(detector.pattern)) {
    const start = match.index;
    const end = start + match[0].length;
    const near = keywords !== undefined && keywords.test(text.slice(Math.max(0, start - KEYWORD_WINDOW), start));
    if (detector.accept(match[0], near)) found.push({ start, end });
  }
  return found;
}

/** Where a custom data identifier's regular expression matches. */
export function detectCustom(pattern: RegExp, text: string): Detection[] {
  const found: Detection[] = [];
  for (const match of text.matchAll(pattern)) {
    if (match[0].length > 0) found.push({ start: match.index, end: match.index + match[0].length });
  }
  return found;
}
