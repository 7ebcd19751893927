import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { newSessionToken, sessionTokenExpiration } from "./session-tokens.js";

test("a session token is shaped as before (AWS's prefix, 320 base64 characters) and carries its expiration", () => {
  const expiration = Date.parse("2026-01-15T12:15:00.000Z");
  const token = newSessionToken(expiration);
  assert.match(token, /^IQoJb3JpZ2luX2Vj[A-Za-z0-9+/]{320}$/);
  assert.equal(sessionTokenExpiration(token), expiration);
  assert.notEqual(newSessionToken(expiration), token);
});

test("tokens Nimbus did not issue carry no expiration", () => {
  // The shape of the tokens issued before they carried one, and of AWS's own.
  for (let i = 0; i < 200; i++) assert.equal(sessionTokenExpiration(`IQoJb3JpZ2luX2Vj${randomBytes(240).toString("base64")}`), undefined);
  assert.equal(sessionTokenExpiration(""), undefined);
  assert.equal(sessionTokenExpiration("IQoJb3JpZ2luX2Vj"), undefined);
  assert.equal(sessionTokenExpiration(newSessionToken(0).slice(0, -4)), undefined);
});
