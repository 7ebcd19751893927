import { decodeJwt, type JWTPayload } from "jose";
import type { AssumeRoleWithWebIdentityInput, AssumeRoleWithWebIdentityOutput } from "../../../generated/sts.js";
import { errors } from "../errors.js";
import type { StsContext } from "../index.js";
import { checkSessionPolicy, issueRoleSession, ROLE_SESSION_SECONDS, roleOf, type Role } from "../domain/roles.js";
import { packedPolicySize } from "../domain/sessions.js";
import { check, constraints } from "../validation.js";

/** The claim an identity provider sets the source identity in (IAM User Guide, "Passing session tags using AssumeRoleWithWebIdentity"). */
const SOURCE_IDENTITY_CLAIM = "https://aws.amazon.com/source_identity";

/**
 * The call an SDK's web-identity credential provider makes (AWS_WEB_IDENTITY_TOKEN_FILE and
 * AWS_ROLE_ARN: EKS IRSA, GitHub Actions OIDC), unsigned: the token is the caller's proof.
 *
 * An OpenID Connect ID token is read as a JWT: the session's subject and audience are its `sub`
 * and `aud` claims, its provider the IAM OIDC provider its `iss` names, and a token past its
 * `exp` is refused as STS refuses it.
 * Nimbus keeps no IAM OIDC identity providers, so nothing can check the token's signature
 * against its issuer's keys, nor the role's trust policy: any well-formed, unexpired token
 * assumes any role. An OAuth 2.0 access token (opaque, with ProviderId naming Login with Amazon
 * or Facebook) would need the provider itself to be asked; it is refused as a token AWS could
 * not validate.
 */
export function assumeRoleWithWebIdentity(input: AssumeRoleWithWebIdentityInput, ctx: StsContext): AssumeRoleWithWebIdentityOutput {
  check(
    constraints.roleArn(input.RoleArn),
    ...constraints.roleSessionName(input.RoleSessionName),
    constraints.webIdentityToken(input.WebIdentityToken),
    constraints.providerId(input.ProviderId),
    ...constraints.policyArns(input.PolicyArns),
    constraints.durationSeconds(input.DurationSeconds, ROLE_SESSION_SECONDS.min, ROLE_SESSION_SECONDS.max),
    ...constraints.policy(input.Policy),
  );
  const role = roleOf(input.RoleArn);
  checkSessionPolicy(input.Policy);
  const claims = tokenClaims(input.WebIdentityToken);
  const nowSeconds = Math.floor(ctx.clock.now() / 1000);
  if (typeof claims.exp === "number" && claims.exp <= nowSeconds) {
    throw errors.ExpiredToken({ now: nowSeconds, expiration: claims.exp });
  }
  const session = issueRoleSession(ctx, role, input.RoleSessionName, input.DurationSeconds ?? ROLE_SESSION_SECONDS.default);
  const size = packedPolicySize(input);
  const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  const sourceIdentity = claims[SOURCE_IDENTITY_CLAIM];
  const provider = input.ProviderId ?? (typeof claims.iss === "string" ? oidcProviderArn(role, claims.iss) : undefined);
  return {
    Credentials: session.Credentials,
    ...(typeof claims.sub === "string" ? { SubjectFromWebIdentityToken: claims.sub } : {}),
    AssumedRoleUser: session.AssumedRoleUser,
    ...(size !== undefined ? { PackedPolicySize: size } : {}),
    ...(provider !== undefined ? { Provider: provider } : {}),
    ...(typeof audience === "string" ? { Audience: audience } : {}),
    ...(typeof sourceIdentity === "string" ? { SourceIdentity: sourceIdentity } : {}),
  };
}

/**
 * The IAM OIDC provider an issuer names in the role's account, as AWS answers Provider for an OIDC
 * token: "Provider": "arn:aws:iam::012345678901:oidc-provider/spire-oidc.example.org" (an AWS CLI
 * answer quoted in spiffe/spiffe.io#110), where the API reference says only "the value of the iss
 * field". With ProviderId (an OAuth 2.0 token) it is that value (API reference).
 */
function oidcProviderArn(role: Role, issuer: string): string {
  return `arn:${role.partition}:iam::${role.account}:oidc-provider/${issuer.replace(/^https:\/\//, "")}`;
}

function tokenClaims(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    throw errors.InvalidIdentityToken();
  }
}
