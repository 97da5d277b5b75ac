import { expect } from "vitest";

import type { ActionResult } from "@/lib/actions/authorized-action";
import { type Actor, authenticated } from "@/lib/auth/session";
import type { Role } from "@/lib/auth/roles";
import type { Warehouse } from "@/lib/warehouse/types";

import { writtenRows } from "./console-warehouse";

/** An actor as the server builds it from a verified session (what `runAs` accepts). */
export function actorWith(role: Role, name = `${role}.demo`): Actor {
  return authenticated({ name, role, via: role === "pipeline" ? "token" : "session" });
}

/** Runs `write` and holds it to a refusal with `code` that wrote no row anywhere. */
export async function expectRefusedWritingNothing<T>(wh: Warehouse, write: () => Promise<ActionResult<T>>, code: string): Promise<ActionResult<T>> {
  const before = await writtenRows(wh);
  const result = await write();
  expect(result).toMatchObject({ ok: false, code });
  expect(await writtenRows(wh)).toEqual(before);
  return result;
}

/** Invalid input: refused with the field named in `fieldErrors`, nothing written. */
export async function expectInvalidField<T>(wh: Warehouse, write: () => Promise<ActionResult<T>>, field: string): Promise<void> {
  const result = await expectRefusedWritingNothing(wh, write, "invalid");
  expect(result.ok ? {} : result.fieldErrors).toHaveProperty([field]);
}

/** The same request again: answered as a replay, and no row is written twice. */
export async function expectReplayWritesNothing<T>(wh: Warehouse, write: () => Promise<ActionResult<T>>): Promise<void> {
  const before = await writtenRows(wh);
  expect(await write()).toMatchObject({ ok: true, replay: true });
  expect(await writtenRows(wh)).toEqual(before);
}

/** The audit records of `action`, oldest first: who wrote it, with which role. */
export async function auditOf(wh: Warehouse, action: string): Promise<{ actor: string; actor_role: string }[]> {
  return wh.query<{ actor: string; actor_role: string }>(
    `SELECT actor, actor_role FROM nba_orchestration.breaker_audit_log WHERE action = '${action.replace(/[^a-z_]/g, "")}' ORDER BY created_at`,
  );
}
