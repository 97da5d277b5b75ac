import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { getEnv } from "@/lib/env";
import { buildProgressView, readBuildStatus } from "@/lib/warehouse/build-status";

export const metadata: Metadata = { title: "Starting" };
export const dynamic = "force-dynamic";

/** Seconds between the page's reloads while the build runs (no script: a meta refresh). */
const REFRESH_S = 2;

/** `42 s`, `1 min 05 s`: as the terminal prints it. */
function seconds(total: number): string {
  if (total < 60) return `${total} s`;
  return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, "0")} s`;
}

/**
 * The console while `npm start` builds its demo database (the proxy shows this page at every
 * page's URL until then): nights done of the total, the time elapsed, what the build is doing —
 * the figures the terminal prints, read from the builder's status file. It reloads itself every
 * two seconds; the first reload after the build gets the page that was asked for. Public: it
 * says nothing but counts and times.
 */
export default async function StartingPage() {
  const env = getEnv();
  const build = env.WAREHOUSE === "embedded" ? readBuildStatus(env.EMBEDDED_DB_PATH) : null;
  if (!build) redirect("/");
  const view = buildProgressView(build);
  const failed = view.state === "failed";
  const left =
    view.nightsDone && view.nightsTotal && view.nightsDone < view.nightsTotal
      ? Math.round((view.elapsedSeconds / view.nightsDone) * (view.nightsTotal - view.nightsDone))
      : null;
  return (
    <main id="main" className="login" data-testid="starting">
      <meta httpEquiv="refresh" content={String(failed ? REFRESH_S * 5 : REFRESH_S)} />
      <h1>Completeness Console is starting</h1>
      {failed ? (
        <p className="form-error" role="status" data-testid="starting-failed">
          ✕ The demo database could not be built. The terminal running <code>npm start</code> says why: stop it (Ctrl-C), fix the cause
          and start it again.
        </p>
      ) : (
        <>
          <p className="lede">
            The first start builds a demo season: the pipeline&rsquo;s nights, simulated one by one through the console&rsquo;s own
            engine. This page reloads itself and shows the console when the season is ready.
          </p>
          {view.nightsTotal !== null && view.nightsDone !== null ? (
            <p role="status" data-testid="starting-progress">
              <progress value={view.nightsDone} max={view.nightsTotal} aria-label="Nights simulated" /> Night {view.nightsDone} of{" "}
              {view.nightsTotal} ({view.percent}%)
            </p>
          ) : (
            <p role="status" data-testid="starting-progress">
              Preparing…
            </p>
          )}
          <table>
            <tbody>
              <tr>
                <th scope="row">Now</th>
                <td data-testid="starting-step">
                  {view.step}
                  {view.date ? ` (simulated ${view.date})` : ""}
                </td>
              </tr>
              <tr>
                <th scope="row">Elapsed</th>
                <td data-testid="starting-elapsed">{seconds(view.elapsedSeconds)}</td>
              </tr>
              {left !== null && (
                <tr>
                  <th scope="row">Left</th>
                  <td>about {seconds(left)}</td>
                </tr>
              )}
            </tbody>
          </table>
          <p>
            Meanwhile you can <Link href="/login">sign in</Link>.
          </p>
        </>
      )}
    </main>
  );
}
