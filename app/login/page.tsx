import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { demoPasswordsToShow } from "@/lib/auth/demo-accounts";
import { getSessionActor } from "@/lib/auth/session";
import { demoAccountsEnabled, getEnv } from "@/lib/env";

import { safeCallbackPath } from "@/lib/security/callback-url";

import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  CredentialsSignin: "Wrong username or password.",
  TooManyAttempts: "Too many failed sign-ins for this account from your address. Wait 15 minutes and try again.",
  AccessDenied: "This Google account is not allowed to use the console. Ask an admin to add your domain.",
  SessionExpired: "Your session ended (8 hours, or 30 minutes without activity). Sign in again.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  // Only same-origin paths are followed after sign-in (lib/security/callback-url.ts).
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await getSessionActor()) redirect(callbackUrl);
  const env = getEnv();
  const demoOn = demoAccountsEnabled(env);
  const demo = demoPasswordsToShow(env);
  const error = params.error ? (ERRORS[params.error] ?? "Sign-in failed. Try again.") : null;
  return (
    <main id="main" className="login">
      <h1>Completeness Console</h1>
      <p className="lede">Sign in to see the pipeline&rsquo;s completeness and circuit breakers.</p>
      {error && (
        <p className="form-error" data-testid="login-error">
          ✕ {error}
        </p>
      )}
      <SignInForm callbackUrl={callbackUrl} demo={demoOn} google={Boolean(env.GOOGLE_CLIENT_ID)} />
      {demo && (
        <section className="panel" aria-labelledby="demo-accounts">
          <h2 id="demo-accounts">Demo accounts</h2>
          <p>This console runs on demo data. Sign in as:</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Password</th>
                <th scope="col">Can</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>viewer</td>
                <td>
                  <code>{demo.viewer}</code>
                </td>
                <td>read everything</td>
              </tr>
              <tr>
                <td>operator</td>
                <td>
                  <code>{demo.operator}</code>
                </td>
                <td>also override and bulk-override breakers</td>
              </tr>
              <tr>
                <td>admin</td>
                <td>
                  <code>{demo.admin}</code>
                </td>
                <td>also reset breakers</td>
              </tr>
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}
