/**
 * The SMS sandbox. On AWS a new account starts in the sandbox and may text only destination
 * numbers it verified with a one-time password; support moves it out. Nimbus accounts are out
 * of the sandbox (IsInSandbox false) so that publishing to any number keeps working, and Nimbus
 * has no per-account switch to put one back in: the sandbox numbers are kept and verified as on
 * AWS, but Publish does not consult them. The one-time password is a text like any other,
 * recorded in the outbox and read on /_aws/sns/sms-messages.
 */
import { randomInt, randomUUID } from "node:crypto";
import type {
  CreateSMSSandboxPhoneNumberInput,
  CreateSMSSandboxPhoneNumberOutput,
  DeleteSMSSandboxPhoneNumberInput,
  DeleteSMSSandboxPhoneNumberOutput,
  GetSMSSandboxAccountStatusInput,
  GetSMSSandboxAccountStatusOutput,
  ListOriginationNumbersInput,
  ListOriginationNumbersOutput,
  ListSMSSandboxPhoneNumbersInput,
  ListSMSSandboxPhoneNumbersOutput,
  VerifySMSSandboxPhoneNumberInput,
  VerifySMSSandboxPhoneNumberOutput,
} from "../../../generated/sns.js";
import { recordSms } from "../delivery.js";
import { errors, invalidParameter } from "../errors.js";
import { checkSandboxPhoneNumber } from "../sms.js";
import { pageOf, type SnsContext } from "../topics.js";

/** CreateSMSSandboxPhoneNumber's LanguageCode values (the model's enum); en-US when absent. */
const LANGUAGE_CODES = new Set(["en-US", "en-GB", "es-419", "es-ES", "de-DE", "fr-CA", "fr-FR", "it-IT", "ja-JP", "pt-BR", "kr-KR", "zh-CN", "zh-TW"]);
/** ListSMSSandboxPhoneNumbers MaxResults: 1-100; ListOriginationNumbers: 1-30. */
const SANDBOX_PAGE = 100;
const ORIGINATION_PAGE = 30;

function pageSize(maxResults: number | undefined, max: number): number {
  if (maxResults === undefined) return max;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > max) throw invalidParameter("Invalid parameter: MaxResults");
  return maxResults;
}

export function getSMSSandboxAccountStatus(_input: GetSMSSandboxAccountStatusInput, _ctx: SnsContext): GetSMSSandboxAccountStatusOutput {
  return { IsInSandbox: false };
}

export function createSMSSandboxPhoneNumber(input: CreateSMSSandboxPhoneNumberInput, ctx: SnsContext): CreateSMSSandboxPhoneNumberOutput {
  checkSandboxPhoneNumber(input.PhoneNumber);
  if (input.LanguageCode !== undefined && !LANGUAGE_CODES.has(input.LanguageCode)) throw invalidParameter("Invalid parameter: LanguageCode");
  if (ctx.store.sms.isOptedOut(ctx.account, ctx.region, input.PhoneNumber)) throw errors.OptedOut();
  const existing = ctx.store.sms.sandboxNumber(ctx.account, ctx.region, input.PhoneNumber);
  // A verified number stays verified; a pending one gets a new password (the console's "resend").
  if (existing?.status === "Verified") return {};
  const otp = String(randomInt(0, 1_000_000)).padStart(6, "0");
  ctx.store.sms.putSandboxNumber(ctx.account, ctx.region, { phoneNumber: input.PhoneNumber, status: "Pending", otp }, ctx.clock.now());
  recordSms(ctx, ctx, input.PhoneNumber, { messageId: randomUUID(), message: `Your verification code is ${otp}` });
  return {};
}

export function verifySMSSandboxPhoneNumber(input: VerifySMSSandboxPhoneNumberInput, ctx: SnsContext): VerifySMSSandboxPhoneNumberOutput {
  checkSandboxPhoneNumber(input.PhoneNumber);
  if (!/^[0-9]{5,8}$/.test(input.OneTimePassword)) throw invalidParameter("Invalid parameter: OneTimePassword");
  const number = ctx.store.sms.sandboxNumber(ctx.account, ctx.region, input.PhoneNumber);
  if (number === undefined) throw errors.ResourceNotFound();
  if (number.otp !== input.OneTimePassword) throw errors.Verification({}, { fields: { Status: number.status } });
  if (number.status !== "Verified") ctx.store.sms.putSandboxNumber(ctx.account, ctx.region, { ...{}, ...number, status: "Verified" }, ctx.clock.now());
  return {};
}

export function deleteSMSSandboxPhoneNumber(input: DeleteSMSSandboxPhoneNumberInput, ctx: SnsContext): DeleteSMSSandboxPhoneNumberOutput {
  checkSandboxPhoneNumber(input.PhoneNumber);
  if (!ctx.store.sms.deleteSandboxNumber(ctx.account, ctx.region, input.PhoneNumber)) throw errors.ResourceNotFound();
  return {};
}

export function listSMSSandboxPhoneNumbers(input: ListSMSSandboxPhoneNumbersInput, ctx: SnsContext): ListSMSSandboxPhoneNumbersOutput {
  const page = pageOf(ctx.store.sms.listSandboxNumbers(ctx.account, ctx.region), input.NextToken, pageSize(input.MaxResults, SANDBOX_PAGE), (n) => n.seq);
  return { PhoneNumbers: page.items.map((n) => ({ PhoneNumber: n.phoneNumber, Status: n.status })), ...(page.next !== undefined ? { NextToken: page.next } : {}) };
}

/** Nimbus has no origination numbers (nothing leaves the machine to need one): always an empty page. */
export function listOriginationNumbers(input: ListOriginationNumbersInput, _ctx: SnsContext): ListOriginationNumbersOutput {
  const page = pageOf([], input.NextToken, pageSize(input.MaxResults, ORIGINATION_PAGE), () => 0);
  return { PhoneNumbers: page.items };
}
