"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

/** Demo credentials and/or Google; next-auth posts with its CSRF token and redirects back. */
export function SignInForm({ callbackUrl, demo, google }: { callbackUrl: string; demo: boolean; google: boolean }) {
  const [busy, setBusy] = useState(false);
  return (
    <div className="panel">
      {demo && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            setBusy(true);
            void signIn("demo", { username: data.get("username"), password: data.get("password"), callbackUrl });
          }}
        >
          <p>
            <label htmlFor="username">Username</label>
            <input id="username" name="username" autoComplete="username" required />
          </p>
          <p>
            <label htmlFor="password">Password</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required />
          </p>
          <button type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      )}
      {google && (
        <button type="button" onClick={() => void signIn("google", { callbackUrl })}>
          Sign in with Google
        </button>
      )}
      {!demo && !google && <p>No sign-in method is configured. Set GOOGLE_CLIENT_ID (see .env.example).</p>}
    </div>
  );
}
