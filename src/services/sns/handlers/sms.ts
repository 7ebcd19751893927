/**
 * SMS settings and opt-outs. Publishing a text (Publish with PhoneNumber, or to a topic with
 * sms subscriptions) is in publish.ts / delivery.ts; texts are recorded in the outbox.
 */
import type {
  CheckIfPhoneNumberIsOptedOutInput,
  CheckIfPhoneNumberIsOptedOutOutput,
  GetSMSAttributesInput,
  GetSMSAttributesOutput,
  ListPhoneNumbersOptedOutInput,
  ListPhoneNumbersOptedOutOutput,
  OptInPhoneNumberInput,
  OptInPhoneNumberOutput,
  SetSMSAttributesInput,
  SetSMSAttributesOutput,
} from "../../../generated/sns.js";
import { checkPhoneNumberFormat, checkSmsAttributes } from "../sms.js";
import { pageOf, type SnsContext } from "../topics.js";

// ListPhoneNumbersOptedOut "returns up to 100 phone numbers" a page.
const PAGE = 100;

export function setSMSAttributes(input: SetSMSAttributesInput, ctx: SnsContext): SetSMSAttributesOutput {
  checkSmsAttributes(input.attributes);
  ctx.store.sms.setAttributes(ctx.account, ctx.region, input.attributes);
  return {};
}

/** All settings, or only those named (names that are not set are left out). */
export function getSMSAttributes(input: GetSMSAttributesInput, ctx: SnsContext): GetSMSAttributesOutput {
  const all = ctx.store.sms.attributes(ctx.account, ctx.region);
  const wanted = input.attributes;
  if (wanted === undefined || wanted.length === 0) return { attributes: all };
  const out: Record<string, string> = {};
  for (const name of wanted) if (all[name] !== undefined) out[name] = all[name];
  return { attributes: out };
}

export function checkIfPhoneNumberIsOptedOut(input: CheckIfPhoneNumberIsOptedOutInput, ctx: SnsContext): CheckIfPhoneNumberIsOptedOutOutput {
  checkPhoneNumberFormat(input.phoneNumber);
  return { isOptedOut: ctx.store.sms.isOptedOut(ctx.account, ctx.region, input.phoneNumber) };
}

export function listPhoneNumbersOptedOut(input: ListPhoneNumbersOptedOutInput, ctx: SnsContext): ListPhoneNumbersOptedOutOutput {
  const page = pageOf(ctx.store.sms.listOptedOut(ctx.account, ctx.region), input.nextToken, PAGE, (n) => n.seq);
  return { phoneNumbers: page.items.map((n) => n.phoneNumber), ...(page.next !== undefined ? { nextToken: page.next } : {}) };
}

export function optInPhoneNumber(input: OptInPhoneNumberInput, ctx: SnsContext): OptInPhoneNumberOutput {
  checkPhoneNumberFormat(input.phoneNumber);
  ctx.store.sms.optIn(ctx.account, ctx.region, input.phoneNumber);
  return {};
}
