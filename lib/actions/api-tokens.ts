import "server-only";

import { createToken, revokeToken, type TokenWrite } from "@/lib/auth/api-tokens";
import { tokenCreateInput, tokenRevokeInput } from "@/lib/auth/token-format";
import { refusal } from "@/lib/errors";

import { type ActionResult, defineAction } from "./authorized-action";

function fromTokenWrite<T>(write: TokenWrite<T>): ActionResult<T> {
  if (write.ok) return write;
  return refusal(write.error, write.message);
}

/** Create an API token (admins): the secret is in the result, once, and stored only as a hash. */
export const createApiToken = defineAction({
  name: "create_api_token",
  permission: "manageTokens",
  input: tokenCreateInput,
  run: async (input, actor) => fromTokenWrite(await createToken(input, actor.name)),
});

/** Revoke an API token (admins): requests with it get 401 from then on. */
export const revokeApiToken = defineAction({
  name: "revoke_api_token",
  permission: "manageTokens",
  input: tokenRevokeInput,
  run: async (input, actor) => fromTokenWrite(await revokeToken(input.name, actor.name)),
});
