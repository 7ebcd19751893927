/**
 * SMS: account-level SMS settings (SetSMSAttributes), the opted-out phone numbers, and the
 * rules a phone number must follow. Texts themselves go to the outbox: nothing reaches a
 * carrier from one machine. A number opts out on AWS when its owner replies STOP; Nimbus takes
 * that reply through its internal endpoint (see internal-endpoints.ts). The SMS sandbox's
 * destination numbers live here too; their one-time passwords are texts like any other.
 */
import type { PreparedStatements } from "../../state/database.js";
import { invalidParameter } from "./errors.js";
import type { SnsMessageAttributes } from "./domain/messages.js";

/** E.164: a "+", then up to 15 digits, the first not 0 ("+" optional, as AWS accepts it). */
const E164 = /^\+?[1-9]\d{1,14}$/;

export function isE164(phoneNumber: string): boolean {
  return E164.test(phoneNumber);
}

/**
 * Subscribe's sms endpoint: an E.164 number whose digits may be split by single ".", "-" or "/"
 * (and spaces or parentheses). Recorded against AWS (Oct 2025, LocalStack's
 * test_subscribe_sms_obscure_phone_number): "+12/34-567.890" is subscribed; its AWS-validated
 * test_subscribe_invalid_sms has "+15--551234567", "+15551234567." and "/+15551234567" refused.
 */
export function isSmsEndpoint(endpoint: string): boolean {
  const compact = endpoint.replace(/[\s()]/g, "");
  return /^\+?\d+(?:[./-]\d+)*$/.test(compact) && isE164(compact.replace(/[./-]/g, ""));
}

/** Publish's PhoneNumber rule, with the message AWS sends. */
export function checkPublishPhoneNumber(phoneNumber: string): void {
  if (!isE164(phoneNumber)) throw invalidParameter(`Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`);
}

const INCORRECTLY_FORMATTED = "Invalid parameter: PhoneNumber Reason: input incorrectly formatted";

/** CheckIfPhoneNumberIsOptedOut / OptInPhoneNumber rule. */
export function checkPhoneNumberFormat(phoneNumber: string): void {
  if (!isE164(phoneNumber)) throw invalidParameter(INCORRECTLY_FORMATTED);
}

/** The SMS sandbox operations' PhoneNumber: the model's pattern and length (20), with the opt-out operations' refusal. */
const SANDBOX_NUMBER = /^(\+[0-9]{8,}|[0-9]{0,9})$/;

export function checkSandboxPhoneNumber(phoneNumber: string): void {
  if (phoneNumber.length > 20 || !SANDBOX_NUMBER.test(phoneNumber)) throw invalidParameter(INCORRECTLY_FORMATTED);
}

export const SMS_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set([
  "MonthlySpendLimit",
  "DeliveryStatusIAMRole",
  "DeliveryStatusSuccessSamplingRate",
  "DefaultSenderID",
  "DefaultSMSType",
  "UsageReportS3Bucket",
]);
const SMS_TYPES = new Set(["Promotional", "Transactional"]);
/** "The sender ID can be 1 - 11 alphanumeric characters, and it must contain at least one letter." */
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/;

/** A new account's settings: the spend limit starts at 1 USD. */
const DEFAULT_SMS_ATTRIBUTES: Readonly<Record<string, string>> = { MonthlySpendLimit: "1" };

export function checkSmsAttributes(attributes: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!SMS_ATTRIBUTE_NAMES.has(name)) throw invalidParameter(`${name} is not a valid attribute`);
    switch (name) {
      case "DefaultSMSType":
        if (!SMS_TYPES.has(value)) throw invalidParameter("DefaultSMSType is invalid");
        break;
      case "DefaultSenderID":
        if (!SENDER_ID.test(value)) throw invalidParameter("DefaultSenderID is invalid");
        break;
      case "MonthlySpendLimit":
        if (!/^\d+$/.test(value)) throw invalidParameter("MonthlySpendLimit is invalid");
        break;
      case "DeliveryStatusSuccessSamplingRate":
        if (!/^\d+$/.test(value) || Number(value) > 100) throw invalidParameter("DeliveryStatusSuccessSamplingRate is invalid");
        break;
      default:
        break;
    }
  }
}

/**
 * The SMS type and sender ID a text goes out with: the message's AWS.SNS.SMS.* attributes
 * override the account defaults; Promotional when neither says.
 */
export function smsDeliveryOptions(settings: Readonly<Record<string, string>>, attributes: SnsMessageAttributes | undefined): { SMSType: string; SenderID?: string } {
  const type = attributes?.["AWS.SNS.SMS.SMSType"]?.StringValue ?? settings.DefaultSMSType ?? "Promotional";
  const sender = attributes?.["AWS.SNS.SMS.SenderID"]?.StringValue ?? settings.DefaultSenderID;
  return sender === undefined ? { SMSType: type } : { SMSType: type, SenderID: sender };
}

export const SMS_MIGRATION = `CREATE TABLE sns_sms_settings (
    account_id TEXT NOT NULL,
    region     TEXT NOT NULL,
    attributes TEXT NOT NULL,
    PRIMARY KEY (account_id, region)
  ) WITHOUT ROWID;
  CREATE TABLE sns_opted_out (
    account_id   TEXT    NOT NULL,
    region       TEXT    NOT NULL,
    phone_number TEXT    NOT NULL,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, phone_number)
  ) WITHOUT ROWID;`;

/** Destination numbers added to the SMS sandbox, with the one-time password last sent to each. */
export const SMS_SANDBOX_MIGRATION = `CREATE TABLE sns_sms_sandbox_numbers (
    account_id   TEXT    NOT NULL,
    region       TEXT    NOT NULL,
    phone_number TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    otp          TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, phone_number)
  ) WITHOUT ROWID;`;

export type SandboxNumberStatus = "Pending" | "Verified";

export interface SandboxNumber {
  readonly phoneNumber: string;
  readonly status: SandboxNumberStatus;
  readonly otp: string;
}

export class SmsStore {
  constructor(private readonly db: PreparedStatements) {}

  attributes(account: string, region: string): Record<string, string> {
    const row = this.db.prepare<[string, string], { attributes: string }>("SELECT attributes FROM sns_sms_settings WHERE account_id = ? AND region = ?").get(account, region);
    return { ...{}, ...DEFAULT_SMS_ATTRIBUTES, ...(row === undefined ? {} : (JSON.parse(row.attributes) as Record<string, string>)) };
  }

  setAttributes(account: string, region: string, attributes: Readonly<Record<string, string>>): void {
    const merged = { ...{}, ...this.attributes(account, region), ...attributes };
    this.db
      .prepare("INSERT INTO sns_sms_settings (account_id, region, attributes) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET attributes = excluded.attributes")
      .run(account, region, JSON.stringify(merged));
  }

  isOptedOut(account: string, region: string, phoneNumber: string): boolean {
    return (
      this.db.prepare<[string, string, string], { n: number }>("SELECT 1 AS n FROM sns_opted_out WHERE account_id = ? AND region = ? AND phone_number = ?").get(account, region, phoneNumber) !==
      undefined
    );
  }

  /** Opt-outs are listed in the order they happened. */
  optOut(account: string, region: string, phoneNumber: string): void {
    this.db
      .prepare(
        `INSERT INTO sns_opted_out (account_id, region, phone_number, seq)
         VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM sns_opted_out)) ON CONFLICT DO NOTHING`,
      )
      .run(account, region, phoneNumber);
  }

  optIn(account: string, region: string, phoneNumber: string): void {
    this.db.prepare("DELETE FROM sns_opted_out WHERE account_id = ? AND region = ? AND phone_number = ?").run(account, region, phoneNumber);
  }

  sandboxNumber(account: string, region: string, phoneNumber: string): SandboxNumber | undefined {
    const row = this.db
      .prepare<[string, string, string], { status: SandboxNumberStatus; otp: string }>("SELECT status, otp FROM sns_sms_sandbox_numbers WHERE account_id = ? AND region = ? AND phone_number = ?")
      .get(account, region, phoneNumber);
    return row === undefined ? undefined : { phoneNumber, status: row.status, otp: row.otp };
  }

  /** Adds the number (Pending) or keeps its place in the list with a new password and status. */
  putSandboxNumber(account: string, region: string, number: SandboxNumber, createdAt: number): void {
    this.db
      .prepare(
        `INSERT INTO sns_sms_sandbox_numbers (account_id, region, phone_number, status, otp, created_at, seq)
         VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM sns_sms_sandbox_numbers))
         ON CONFLICT DO UPDATE SET status = excluded.status, otp = excluded.otp`,
      )
      .run(account, region, number.phoneNumber, number.status, number.otp, createdAt);
  }

  deleteSandboxNumber(account: string, region: string, phoneNumber: string): boolean {
    return this.db.prepare("DELETE FROM sns_sms_sandbox_numbers WHERE account_id = ? AND region = ? AND phone_number = ?").run(account, region, phoneNumber).changes > 0;
  }

  /** In the order they were added, with their place in it (the list pages by it). */
  listSandboxNumbers(account: string, region: string): { seq: number; phoneNumber: string; status: SandboxNumberStatus }[] {
    return this.db
      .prepare<[string, string], { seq: number; phone_number: string; status: SandboxNumberStatus }>(
        "SELECT seq, phone_number, status FROM sns_sms_sandbox_numbers WHERE account_id = ? AND region = ? ORDER BY seq",
      )
      .all(account, region)
      .map((r) => ({ seq: r.seq, phoneNumber: r.phone_number, status: r.status }));
  }

  /** In the order they opted out, with their place in it (the list pages by it). */
  listOptedOut(account: string, region: string): { seq: number; phoneNumber: string }[] {
    return this.db
      .prepare<[string, string], { seq: number; phone_number: string }>("SELECT seq, phone_number FROM sns_opted_out WHERE account_id = ? AND region = ? ORDER BY seq")
      .all(account, region)
      .map((r) => ({ seq: r.seq, phoneNumber: r.phone_number }));
  }
}
