import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { CAN } from "@/lib/auth/roles";
import { AuthError, getSessionActor } from "@/lib/auth/session";
import { Pagination } from "@/components/ui/pagination";
import { AUDIT_ACTIONS, type AuditAction, type AuditListParams, type AuditSort, auditListParams } from "@/lib/breakers/schemas";
import { PROCESSOR_NAMES } from "@/lib/completeness/processors";
import { outcomeSummary } from "@/lib/breakers/outcomes";
import { type AuditEntry, listAuditPage } from "@/lib/data/audit";
import { listRestoreStatuses } from "@/lib/data/restores";
import type { KeyChange } from "@/lib/breakers/changes";
import { formatCode, formatCount, formatUtc } from "@/lib/format";
import { hrefFor, hrefWith } from "@/lib/href";

import { ACTION_LABEL, OutcomeOf, keyName, transition } from "./_components/audit-view";
import { ResetRestore } from "./_components/reset-restore";
import styles from "./audit.module.css";

export const metadata: Metadata = { title: "Audit" };
export const dynamic = "force-dynamic";

/** Records per page: each lists its first 20 keys (auditKeysShown), every key is on the record's own page. */
const AUDIT_PAGE_SIZE = 50;

/**
 * A pipeline record's keys by the event appended (`4 success, 1 trip`): what a run did, at a
 * glance. An operator's write appends one kind of event, which its action already names.
 */
function eventCounts(keys: readonly KeyChange[]): string {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k.after.lastEvent ?? "none", (counts.get(k.after.lastEvent ?? "none") ?? 0) + 1);
  return [...counts].map(([event, n]) => `${n} ${event}`).join(", ");
}

/**
 * The keys a record changed: its first keys, and a link to the record's page with all of them
 * (a bulk override or a pipeline run can change thousands). A pipeline record may change none
 * (every entity it reported was a skip that is not an attempt, such as a breaker skip): it is
 * kept all the same, and says so.
 */
function AuditKeys({ entry }: { entry: AuditEntry }) {
  const { keys } = entry;
  if (entry.key_count === 0) return <span className="muted">No attempt rows</span>;
  if (entry.key_count === 1 && keys.length === 1) {
    const k = keys[0]!;
    return (
      <>
        <Link href={`/entities/${encodeURIComponent(k.entity_id)}?date=${k.analysis_date}`}>{keyName(k)}</Link>
        <span className="muted"> ({transition(k)})</span>
        {entry.rows_removed !== null && (
          <span data-testid="audit-rows-removed" data-rows={entry.rows_removed}>
            {" "}
            · <strong>{entry.rows_removed}</strong> {entry.rows_removed === 1 ? "row" : "rows"} removed
          </span>
        )}
        <OutcomeOf k={k} />
      </>
    );
  }
  const allKeys = `/audit/${encodeURIComponent(entry.audit_id)}`;
  return (
    <details>
      <summary>
        {formatCount(entry.key_count)} keys
        {!entry.keys_truncated && (entry.action.startsWith("pipeline_") || entry.action === "demo_advance") && <span className="muted">: {eventCounts(keys)}</span>}
        {entry.outcome_counts && (
          <span data-testid="audit-outcome-counts">
            {" "}
            — led to: {outcomeSummary(entry.outcome_counts)}
          </span>
        )}
      </summary>
      <ul>
        {keys.map((k) => (
          <li key={`${k.processor}|${k.entity_id}|${k.analysis_date}`}>
            {keyName(k)}: {transition(k)}
            <OutcomeOf k={k} />
          </li>
        ))}
      </ul>
      {entry.keys_truncated ? (
        <p>
          <Link href={allKeys} data-testid="audit-all-keys">
            All {formatCount(entry.key_count)} keys →
          </Link>{" "}
          <span className="muted">(the first {keys.length} are above)</span>
        </p>
      ) : (
        <p>
          <Link href={allKeys}>The record&apos;s page →</Link>
        </p>
      )}
    </details>
  );
}

/** A column header that sorts the audit by its column: descending first, the other way when it already sorts by it. */
function SortHeader({ label, sort, current, raw }: { label: string; sort: AuditSort; current: { sort: AuditSort; dir: "asc" | "desc" }; raw: Record<string, string> }) {
  const active = current.sort === sort;
  const dir = active && current.dir === "desc" ? "asc" : "desc";
  return (
    <th scope="col" aria-sort={active ? (current.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={hrefWith("/audit", raw, { sort: sort === "created_at" && dir === "desc" ? null : sort, dir: sort === "created_at" && dir === "desc" ? null : dir })} scroll={false}>
        {label}
        {active ? (current.dir === "asc" ? " ↑" : " ↓") : ""}
      </Link>
    </th>
  );
}

/**
 * The page's list parameters from its search params: a field that is invalid (a mistyped date,
 * an unknown sort, a stale page) or unknown is ignored and named, the others kept.
 */
function parseAuditSearch(raw: Record<string, string>): { params: AuditListParams; issue: string | null } {
  const withSize = (fields: Record<string, string>) => ({ page_size: String(AUDIT_PAGE_SIZE), ...fields });
  const first = auditListParams.safeParse(withSize(raw));
  if (first.success) return { params: first.data, issue: null };
  const bad = new Set(first.error.issues.flatMap((i) => (i.path.length ? [String(i.path[0])] : i.code === "unrecognized_keys" ? i.keys : [])));
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k)));
  const second = auditListParams.safeParse(withSize(kept));
  const issue = first.error.issues[0]!;
  return { params: second.success ? second.data : auditListParams.parse(withSize({})), issue: `${issue.path.join(".")} ${issue.message}`.trim() };
}

/** A filter of the audit form: a plain GET field, "Any" (empty) first. */
function FilterSelect({ name, label, value, options }: { name: string; label: string; value: string | undefined; options: { value: string; label: string }[] }) {
  return (
    <p>
      <label htmlFor={`audit-${name}`}>{label}</label>
      <select id={`audit-${name}`} name={name} defaultValue={value ?? ""}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </p>
  );
}

/**
 * Every override, bulk override and reset, and every attempt row a pipeline token's check or
 * outcomes report appended: who, when, role, why, the keys before → after. Read-only.
 */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = Object.fromEntries(Object.entries(await searchParams).flatMap(([k, v]) => (typeof v === "string" && v !== "" ? [[k, v]] : [])));
  const { params: filter, issue } = parseAuditSearch(raw);
  let list;
  let restores;
  try {
    list = await listAuditPage(filter);
    // Whether each listed reset can be restored (two queries however many are listed).
    restores = new Map((await listRestoreStatuses(list.rows.filter((e) => e.action === "reset").map((e) => e.audit_id))).map((s) => [s.audit_id, s]));
  } catch (error) {
    if (error instanceof AuthError && error.status === 401) redirect("/login?callbackUrl=/audit");
    throw error;
  }
  const actor = await getSessionActor();
  const canRestore = actor !== null && CAN.restore(actor.role);
  const entries = list.rows;
  // The export: the filters and order in force (an ignored one is not sent), every page.
  const csvHref = hrefFor("/api/v1/audit", {
    actor: filter.actor,
    action: filter.action,
    processor: filter.processor,
    date_from: filter.date_from,
    date_to: filter.date_to,
    sort: raw.sort && filter.sort,
    dir: raw.dir && filter.dir,
    format: "csv",
  });
  return (
    <>
      <h1>Audit</h1>
      <p className="lede">
        Every override, bulk override, reset and restore made through the console, the API or the CLI, and every attempt row a pipeline run&apos;s check or
        outcomes report appended. Nobody can edit or delete these records from the console. Each override says what it led to: the key&apos;s next
        attempt after it (processed, failed again, re-tripped) or its output written as processed, pending while the key has not run since, and
        removed once a reset deleted the override&apos;s row.
      </p>
      {issue && (
        <p className="form-error" data-testid="audit-filter-error">
          ✕ Ignored an invalid filter: {issue}
        </p>
      )}
      <form className="panel filters" method="get" aria-label="Filter the audit">
        {/* A new filter keeps the order and starts at the first page. */}
        {raw.sort && <input type="hidden" name="sort" value={filter.sort} />}
        {raw.dir && <input type="hidden" name="dir" value={filter.dir} />}
        <p>
          <label htmlFor="audit-actor">Actor</label>
          <input id="audit-actor" name="actor" defaultValue={filter.actor ?? ""} />
        </p>
        <FilterSelect name="action" label="Action" value={filter.action} options={AUDIT_ACTIONS.map((a) => ({ value: a, label: ACTION_LABEL[a] }))} />
        <FilterSelect name="processor" label="Processor" value={filter.processor} options={PROCESSOR_NAMES.map((p) => ({ value: p, label: p }))} />
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
          {formatCount(list.total)} {list.total === 1 ? "record" : "records"}
        </h2>
        <p>
          <a href={csvHref} download>
            Export CSV
          </a>
        </p>
        {entries.length === 0 ? (
          <p>No record matches. Writes appear here the moment they are applied.</p>
        ) : (
          // Fixed column widths: the table fits its panel on a desktop, and the Keys column (the
          // widest content) wraps instead of pushing the table past it. On a phone it scrolls in
          // its panel with the When column pinned.
          <div className="table-wrap">
            <table className={`data ${styles.audit}`} data-testid="audit-table">
              <caption className="visually-hidden">Audit records, {filter.sort === "created_at" && filter.dir === "desc" ? "newest first" : `by ${filter.sort} ${filter.dir === "asc" ? "ascending" : "descending"}`}</caption>
              <colgroup>
                <col className={styles.when} />
                <col className={styles.action} />
                <col className={styles.who} />
                <col className={styles.reasonCol} />
                <col />
              </colgroup>
              <thead>
                <tr>
                  <SortHeader label="When (UTC)" sort="created_at" current={filter} raw={raw} />
                  <SortHeader label="Action" sort="action" current={filter} raw={raw} />
                  <SortHeader label="Who" sort="actor" current={filter} raw={raw} />
                  <th scope="col">Reason</th>
                  <SortHeader label="Keys" sort="key_count" current={filter} raw={raw} />
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.audit_id}>
                    <td>{formatUtc(e.created_at)}</td>
                    <td>{ACTION_LABEL[e.action as AuditAction] ?? e.action}</td>
                    <td>
                      {e.actor} <span className="muted">({e.actor_role})</span>
                    </td>
                    <td>
                      {e.reason_code && <strong>{formatCode(e.reason_code)}: </strong>}
                      {e.reason}
                    </td>
                    <td>
                      <AuditKeys entry={e} />
                      {e.action === "reset" && <ResetRestore status={restores.get(e.audit_id)} canRestore={canRestore} />}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={list.page} pageSize={list.page_size} total={list.total} noun="records" />
      </section>
    </>
  );
}
