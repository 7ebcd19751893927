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

export default defineService<StsOperations, Identities>({
  createStore: (env) => env.identities,
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
