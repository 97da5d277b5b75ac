import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { AuthError } from "@/lib/auth/session";
import { auditFilter } from "@/lib/breakers/schemas";
import { PROCESSOR_NAMES } from "@/lib/completeness/processors";
import { listAudit } from "@/lib/data/audit";
import { formatUtc } from "@/lib/format";

export const metadata: Metadata = { title: "Audit" };
export const dynamic = "force-dynamic";

const ACTION_LABEL: Record<string, string> = { override: "Override", bulk_override: "Bulk override", reset: "Reset" };

/** Every override, bulk override and reset: who, when, role, why, the keys before → after. Read-only. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = Object.fromEntries(Object.entries(await searchParams).flatMap(([k, v]) => (typeof v === "string" && v !== "" ? [[k, v]] : [])));
  const parsed = auditFilter.safeParse(raw);
  const filter = parsed.success ? parsed.data : {};
  let entries;
  try {
    entries = await listAudit(filter);
  } catch (error) {
    if (error instanceof AuthError && error.status === 401) redirect("/login?callbackUrl=/audit");
    throw error;
  }
  const query = new URLSearchParams({ ...(raw as Record<string, string>), format: "csv" }).toString();
  return (
    <>
      <h1>Audit</h1>
      <p className="lede">Every override, bulk override and reset made through the console, the API or the CLI. Nobody can edit or delete these records from the console.</p>
      {!parsed.success && (
        <p className="form-error" data-testid="audit-filter-error">
          ✕ Ignored an invalid filter: {parsed.error.issues[0]?.path.join(".")} {parsed.error.issues[0]?.message}
        </p>
      )}
      <form className="panel filters" method="get" aria-label="Filter the audit">
        <p>
          <label htmlFor="audit-actor">Actor</label>
          <input id="audit-actor" name="actor" defaultValue={filter.actor ?? ""} />
        </p>
        <p>
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" name="action" defaultValue={filter.action ?? ""}>
            <option value="">Any</option>
            <option value="override">Override</option>
            <option value="bulk_override">Bulk override</option>
            <option value="reset">Reset</option>
          </select>
        </p>
        <p>
          <label htmlFor="audit-processor">Processor</label>
          <select id="audit-processor" name="processor" defaultValue={filter.processor ?? ""}>
            <option value="">Any</option>
            {PROCESSOR_NAMES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" name="date_from" type="date" defaultValue={filter.date_from ?? ""} />
        </p>
        <p>
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" name="date_to" type="date" defaultValue={filter.date_to ?? ""} />
        </p>
        <p>
          <button type="submit">Filter</button> <Link href="/audit">Clear</Link>
        </p>
      </form>
      <section className="panel" aria-labelledby="audit-heading">
        <h2 id="audit-heading">
          {entries.length} {entries.length === 1 ? "record" : "records"}
        </h2>
        <p>
          <a href={`/api/v1/audit?${query}`} download>
            Export CSV
          </a>
        </p>
        {entries.length === 0 ? (
          <p>No override or reset matches. Writes appear here the moment they are applied.</p>
        ) : (
          <div className="table-scroll">
            <table data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">When (UTC)</th>
                  <th scope="col">Action</th>
                  <th scope="col">Who</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Keys</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.audit_id}>
                    <td>{formatUtc(e.created_at)}</td>
                    <td>{ACTION_LABEL[e.action] ?? e.action}</td>
                    <td>
                      {e.actor} <span className="muted">({e.actor_role})</span>
                    </td>
                    <td>
                      {e.reason_code && <strong>{e.reason_code.replaceAll("_", " ")}: </strong>}
                      {e.reason}
                    </td>
                    <td>
                      {e.key_count === 1 && e.keys[0] ? (
                        <Link href={`/entities/${encodeURIComponent(e.keys[0].entity_id)}?date=${e.keys[0].analysis_date}`}>
                          {e.keys[0].processor} · {e.keys[0].entity_id} · {e.keys[0].analysis_date}
                        </Link>
                      ) : (
                        <details>
                          <summary>{e.key_count} keys</summary>
                          <ul>
                            {e.keys.slice(0, 200).map((k) => (
                              <li key={`${k.processor}|${k.entity_id}|${k.analysis_date}`}>
                                {k.processor} · {k.entity_id} · {k.analysis_date}: {k.before.status} → {k.after.status}
                              </li>
                            ))}
                          </ul>
                        </details>
                      )}
                      {e.key_count === 1 && e.keys[0] && (
                        <span className="muted">
                          {" "}
                          ({e.keys[0].before.status} → {e.keys[0].after.status})
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
