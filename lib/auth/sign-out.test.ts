/** Sign-out ends the session: the same cookie, copied before, is refused afterwards. */
import { encode } from "next-auth/jwt";
import type { JWT } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";

const SECRET = "test-secret-test-secret-test-secret-0123456789";
let options: import("next-auth").NextAuthOptions;
let actorFromCookies: typeof import("./session").actorFromCookies;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  ({ actorFromCookies } = await import("./session"));
  options = (await import("./options")).buildAuthOptions();
});

async function signIn(): Promise<JWT> {
  const user = { id: "operator", name: "operator", email: null, role: "operator" };
  return (await options.callbacks!.jwt!({ token: {}, user, account: null, trigger: "signIn" } as never)) as JWT;
}

const jar = (cookie: string) => (name: string) => (name === "next-auth.session-token" ? cookie : undefined);

describe("sign-out", () => {
  it("revokes the session: a copy of its cookie no longer authenticates", async () => {
    const token = await signIn();
    const cookie = await encode({ token, secret: SECRET });
    expect(await actorFromCookies(jar(cookie))).toMatchObject({ name: "operator", role: "operator" });
    await options.events!.signOut!({ token, session: undefined as never });
    expect(await actorFromCookies(jar(cookie))).toBeNull();
  });

  it("leaves the user's other sessions alone", async () => {
    const kept = await signIn();
    const ended = await signIn();
    await options.events!.signOut!({ token: ended, session: undefined as never });
    expect(await actorFromCookies(jar(await encode({ token: kept, secret: SECRET })))).not.toBeNull();
  });
});
