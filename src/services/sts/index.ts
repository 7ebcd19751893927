import type { Identities } from "../../auth/credentials.js";
import { defineService, type HandlerContext } from "../../core/service.js";
import type { StsOperations } from "../../generated/sts.js";
import { assumeRole } from "./handlers/assume-role.js";
import { assumeRoleWithWebIdentity } from "./handlers/assume-role-with-web-identity.js";
import { getAccessKeyInfo } from "./handlers/get-access-key-info.js";
import { getCallerIdentity } from "./handlers/get-caller-identity.js";
import { getSessionToken } from "./handlers/get-session-token.js";

/** STS's state is the shared identity store: the keys it issues authenticate every service. */
export type StsContext = HandlerContext<Identities>;

/**
 * How often the rows of expired sessions are purged: the shortest session STS issues (900 s),
 * so a row outlives its session by at most that. Their tokens stay refused (ExpiredToken).
 */
export const EXPIRED_SESSION_PURGE_MS = 900_000;

export default defineService<StsOperations, Identities>({
  createStore: (env) => env.identities,
  start: (env, store) => env.scheduler.every(EXPIRED_SESSION_PURGE_MS, () => void store.purgeExpired(), "sts expired sessions"),
  // Callers of these prove who they are with a web identity or SAML token, not a signature.
  unsignedOperations: ["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"],
  handlers: {
    GetCallerIdentity: getCallerIdentity,
    GetSessionToken: getSessionToken,
    AssumeRole: assumeRole,
    AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
    GetAccessKeyInfo: getAccessKeyInfo,
  },
});
