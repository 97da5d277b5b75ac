import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { Pagination } from "@/components/ui/pagination";
import { AuthError } from "@/lib/auth/session";
import { type AuditAction, auditIdField, auditKeysParams } from "@/lib/breakers/schemas";
import { getAuditKeys } from "@/lib/data/audit";
import { formatCode, formatCount, formatUtc } from "@/lib/format";

import { ACTION_LABEL, OutcomeOf, keyName, transition } from "../_components/audit-view";
import styles from "../audit.module.css";

export const metadata: Metadata = { title: "Audit record" };
export const dynamic = "force-dynamic";

/** Keys per page of a record. */
const KEYS_PAGE_SIZE = 100;

interface Props {
  params: Promise<{ auditId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function NotFound({ id }: { id: string }) {
  return (
    <>
      <p className="small">
        <Link href="/audit">← Audit</Link>
      </p>
      <h1>Audit record not found</h1>
      <p data-testid="audit-record-unknown">No audit record “{id}”.</p>
    </>
  );
}

/**
 * One audit record and every key it changed, a page at a time in the order the write listed
 * them: before → after, and for an override what it led to. The Audit list shows a record's
 * first keys and links here for all of them. Read-only.
 */
export default async function AuditRecordPage({ params, searchParams }: Props) {
  const rawId = (await params).auditId;
  const id = auditIdField.safeParse(rawId);
  if (!id.success) return <NotFound id={rawId} />;
  const search = await searchParams;
  const page = typeof search.page === "string" ? search.page : undefined;
  // A stale or hand-edited page number shows the first page.
  const paging = auditKeysParams.safeParse({ page, page_size: String(KEYS_PAGE_SIZE) });
  const paged = paging.success ? paging.data : { page: 1, page_size: KEYS_PAGE_SIZE };
  let found;
  try {
    found = await getAuditKeys(id.data, paged);
  } catch (error) {
    if (error instanceof AuthError && error.status === 401) redirect(`/login?callbackUrl=${encodeURIComponent(`/audit/${id.data}`)}`);
    throw error;
  }
  if (!found) return <NotFound id={id.data} />;
  const { record, rows, total } = found;
  return (
    <>
      <p className="small">
        <Link href="/audit">← Audit</Link>
      </p>
      <h1>
        {ACTION_LABEL[record.action as AuditAction] ?? record.action}: {formatCount(record.key_count)} {record.key_count === 1 ? "key" : "keys"}
      </h1>
      <section className="panel" aria-labelledby="record-heading">
        <h2 id="record-heading" className="visually-hidden">
          The record
        </h2>
        <dl data-testid="audit-record">
          <dt>When (UTC)</dt>
          <dd>{formatUtc(record.created_at)}</dd>
          <dt>Who</dt>
          <dd>
            {record.actor} <span className="muted">({record.actor_role})</span>
          </dd>
          <dt>Reason</dt>
          <dd>
            {record.reason_code && <strong>{formatCode(record.reason_code)}: </strong>}
            {record.reason}
          </dd>
          <dt>Request id</dt>
          <dd>
            <code>{record.request_id}</code>
          </dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="keys-heading">
        <h2 id="keys-heading">Keys</h2>
        {rows.length === 0 ? (
          <p>{total === 0 ? "This record changed no key (no attempt rows)." : "No key on this page."}</p>
        ) : (
          <div className="table-wrap">
            <table className={`data ${styles.audit}`} data-testid="audit-record-keys">
              <caption className="visually-hidden">The keys the record changed, in the order the write listed them</caption>
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Before → after</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((k) => (
                  <tr key={`${k.processor}|${k.entity_id}|${k.analysis_date}`}>
                    <td>
                      <Link href={`/entities/${encodeURIComponent(k.entity_id)}?date=${k.analysis_date}`}>{keyName(k)}</Link>
                    </td>
                    <td>
                      {transition(k)}
                      <OutcomeOf k={k} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={found.page} pageSize={found.page_size} total={total} noun="keys" />
      </section>
    </>
  );
}
