/**
 * Which account a request acts in. Nimbus has no key store to look access keys up in: a client
 * that wants a particular account uses its 12-digit id as the access key id (the convention other
 * local emulators follow); any other key lands in the default account.
 */
export const DEFAULT_ACCOUNT_ID = "000000000000";

export function accountFromAccessKey(accessKeyId: string): string {
  if (accessKeyId.length !== 12) return DEFAULT_ACCOUNT_ID;
  for (let i = 0; i < 12; i++) {
    const c = accessKeyId.charCodeAt(i);
    if (c < 48 || c > 57) return DEFAULT_ACCOUNT_ID;
  }
  return accessKeyId;
}
