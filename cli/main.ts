/**
 * `npx completeness …`: the five original helper scripts' jobs over the console's
 * API, plus the admins' token commands. Commands, flags and exit codes: docs/cli.md.
 *
 * Exit codes: 0 ok · 1 refused or cancelled · 2 bad usage (unknown flag, bad value) · 3 server
 * or network error. Prompts read stdin; when stdin is not a terminal nothing is asked and a
 * write needs its skip flag (`--yes`, or `--i-understand-this-is-destructive` for reset).
 */
import { randomUUID } from "node:crypto";
import { createInterface, type Interface } from "node:readline";

import { Command, CommanderError, Option } from "commander";
import type { z } from "zod";

import { ROLES } from "@/lib/auth/roles";
import { configEntry, generateToken, hashToken, tokenCreateInput, tokenRevokeInput } from "@/lib/auth/token-format";
import { bulkFilter, overrideInput, REASON_CODES, reasonField, resetInput, resetRefInput, restoreInput } from "@/lib/breakers/schemas";
import { PROCESSOR_NAMES, resolveProcessorName } from "@/lib/completeness/processors";

import { type ApiClient, CliError, createApiClient, EXIT, type ExitCode } from "./api";
import { renderBulkPreview, renderCheck, renderKeyState, renderStatus, renderTimeline, statusReport, table } from "./render";
import { activeBreakersAll, breakerHistoryAll } from "./lists";
import type { BulkPreviewBody, EntityBody, ProcessorSectionBody, RestorePreviewBody } from "./types";

export interface CliIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

const DEFAULT_URL = "http://localhost:3000";

/** Flag names for the API's field names, so a bad value is reported as the flag the user typed. */
const FLAG_OF: Record<string, string> = {
  processor: "--processor",
  processors: "--processor",
  entity_id: "--entity",
  analysis_date: "--date",
  reason: "--reason",
  reason_code: "--reason-code",
  date_from: "--date-from",
  date_to: "--date-to",
  skip_reasons: "--skip-reason",
  name: "--name",
  role: "--role",
  audit_id: "--audit-id",
  reset_request_id: "--reset-request-id",
  request_id: "--request-id",
};

function usageError(error: z.ZodError): CliError {
  const issue = error.issues[0]!;
  const field = String(issue.path[0] ?? "");
  const flag = FLAG_OF[field] ?? field;
  return new CliError(`${flag}: ${issue.message}`, EXIT.usage);
}

function parseOrExit<S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw usageError(parsed.error);
  return parsed.data;
}

/** A confirmed entity check: the id's form is validated before anything is sent. */
function processorOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = resolveProcessorName(value);
  if (!name) throw new CliError(`--processor: "${value}" is not a processor; one of ${PROCESSOR_NAMES.join(", ")}`, EXIT.usage);
  return name;
}

class Prompter {
  private rl: Interface | null = null;
  private lines: AsyncIterator<string> | null = null;
  constructor(private readonly io: CliIO) {}

  get interactive(): boolean {
    return Boolean(this.io.stdin.isTTY);
  }

  async ask(question: string): Promise<string> {
    if (!this.rl) {
      this.rl = createInterface({ input: this.io.stdin, terminal: false });
      this.lines = this.rl[Symbol.asyncIterator]();
    }
    this.io.stderr.write(question);
    const next = await this.lines!.next();
    return next.done ? "" : next.value.trim();
  }

  close(): void {
    this.rl?.close();
  }
}

interface Context {
  io: CliIO;
  json: boolean;
  prompt: Prompter;
  api(): ApiClient;
  out(text: string): void;
  result(human: string, data: unknown): void;
}

/** Asks for exactly `word`; anything else cancels (exit 1). Without a terminal, the skip flag is required. */
async function confirm(ctx: Context, question: string, word: string, skipFlag: string, skipped: boolean): Promise<void> {
  if (skipped) return;
  if (!ctx.prompt.interactive) {
    throw new CliError(`stdin is not a terminal, so nothing can be confirmed: pass ${skipFlag} to apply without a prompt (or --dry-run to look first)`, EXIT.usage);
  }
  const answer = await ctx.prompt.ask(`${question} Type ${word} to confirm: `);
  if (answer !== word) throw new CliError(`Cancelled: the answer was not "${word}". Nothing was changed.`, EXIT.refused);
}

function requestId(given: string | undefined): string {
  return given ?? `cli-${randomUUID()}`;
}

async function entitySection(ctx: Context, entity: string, date: string, processor: string): Promise<{ detail: EntityBody; section: ProcessorSectionBody }> {
  const detail = await ctx.api().get<EntityBody>(`/api/v1/entities/${encodeURIComponent(entity)}`, { date, processor });
  const section = detail.processors[0];
  if (!section) throw new CliError(`${processor} has no section for ${entity}`, EXIT.usage);
  return { detail, section };
}

function buildProgram(ctx: Context, setExit: (code: ExitCode) => void): Command {
  const program = new Command("completeness")
    .description("Completeness Console from the command line: breaker status, entity checks, overrides and resets, through the console's API")
    .option("--url <url>", `the console's address (default: $COMPLETENESS_URL or ${DEFAULT_URL})`)
    .option("--json", "print JSON for scripts instead of tables")
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", "\nAuthentication: an API token in $COMPLETENESS_TOKEN (see `completeness tokens --help`).\nExit codes: 0 ok, 1 refused or cancelled, 2 bad usage, 3 server or network error.");

  const breakers = program.command("breakers").description("circuit breakers");
  breakers
    .command("status")
    .description("breaker rows of the last 30 days (newest 50) and a per-processor summary, or the active breakers only; each key's latest override and what it led to")
    .option("--processor <name>", "only this processor")
    .option("--entity <id>", "only this entity id")
    .option("--active-only", "only breakers active now (with each key's verdict: safe to override now, or what is missing)")
    .option("--safe", "only active breakers safe to override now (their data has recovered; implies --active-only)")
    .action(async (opts: { processor?: string; entity?: string; activeOnly?: boolean; safe?: boolean }) => {
      const processor = processorOption(opts.processor);
      const api = ctx.api();
      const safe = Boolean(opts.safe);
      const activeOnly = safe || Boolean(opts.activeOnly);
      // Each listed key's latest override and what it led to come with the rows (outcomes=latest),
      // and each active key's verdict; safe=yes has the server keep only the safe ones.
      // Both lists are paged by the server: every page is read (500 rows or keys each), all at the
      // first page's evaluation point, and the server filters by processor and entity too.
      const [active, history] = await Promise.all([
        activeBreakersAll(api, { outcomes: "latest", processor, q: opts.entity, ...(safe ? { safe: "yes" } : {}) }),
        activeOnly ? Promise.resolve(null) : breakerHistoryAll(api, { outcomes: "latest", processor, entity: opts.entity }),
      ]);
      const report = statusReport({ processor, entity: opts.entity, activeOnly, safe }, active, history);
      ctx.result(renderStatus(report), report);
    });

  program
    .command("check")
    .description("an entity's stored columns, windows with missing games named, breaker timeline and live recheck")
    .requiredOption("--entity <id>", "lebronjames, LAL or LAL_2024-12-15")
    .option("--date <YYYY-MM-DD>", "the analysis date (default: the latest date with output)")
    .option("--processor <name>", "only this processor")
    .action(async (opts: { entity: string; date?: string; processor?: string }) => {
      const processor = processorOption(opts.processor);
      const detail = await ctx.api().get<EntityBody>(`/api/v1/entities/${encodeURIComponent(opts.entity)}`, { date: opts.date, processor });
      ctx.result(renderCheck(detail), detail);
    });

  program
    .command("override")
    .description("override one active breaker: shows the key, asks yes, applies (audited), shows the result")
    .requiredOption("--processor <name>", "the breaker's processor")
    .requiredOption("--entity <id>", "the breaker's entity id")
    .requiredOption("--date <YYYY-MM-DD>", "the breaker's analysis date")
    .requiredOption("--reason <text>", "why (at least 10 characters: say what you checked)")
    .addOption(new Option("--reason-code <code>", "reason code").choices([...REASON_CODES]).default("data_now_available"))
    .option("--request-id <id>", "idempotency key: a retried command with the same id is applied once")
    .option("--dry-run", "show the key and what would happen; change nothing")
    .option("--yes", "apply without asking (needed when stdin is not a terminal)")
    .action(async (opts: { processor: string; entity: string; date: string; reason: string; reasonCode: string; requestId?: string; dryRun?: boolean; yes?: boolean }) => {
      const input = parseOrExit(overrideInput, {
        processor: opts.processor,
        entity_id: opts.entity,
        analysis_date: opts.date,
        reason_code: opts.reasonCode,
        reason: opts.reason,
        request_id: requestId(opts.requestId),
      });
      const { section } = await entitySection(ctx, input.entity_id, input.analysis_date, input.processor);
      const key = { processor: input.processor, entity_id: section.entityId, analysis_date: input.analysis_date };
      if (!ctx.json) ctx.out(`${renderKeyState(key, section)}What an override does here: ${section.overrideConsequence}\n`);
      if (opts.dryRun) {
        ctx.result("Dry run: nothing was changed. Without --dry-run this appends one override row and one audit record.", {
          dry_run: true,
          key,
          section,
          consequence: section.overrideConsequence,
        });
        return;
      }
      await confirm(ctx, `Apply a manual override to ${key.processor} / ${key.entity_id} / ${key.analysis_date}?`, "yes", "--yes", Boolean(opts.yes));
      const body = await ctx.api().post<{ replay: boolean; change: unknown; consequence: string }>("/api/v1/breakers/override", { ...input, entity_id: key.entity_id });
      ctx.result(
        `${body.replay ? "Already applied by this request id (nothing new written)." : "Override applied and audited."}\n` +
          `${body.consequence}\n` +
          "It does not reprocess the entity: the processor's next run retries it (or trigger that run now).",
        body,
      );
    });

  program
    .command("bulk-override")
    .description("override every active breaker a filter selects: preview per processor, ask yes, apply exactly the previewed set")
    .requiredOption("--date-from <YYYY-MM-DD>", "first analysis date")
    .requiredOption("--date-to <YYYY-MM-DD>", "last analysis date (at most 62 days after --date-from)")
    .requiredOption("--reason <text>", "why (at least 10 characters)")
    .option("--processor <name>", "only this processor")
    .option("--skip-reason <reason>", "only breakers whose skip reason is this (e.g. incomplete_upstream_data)")
    .option("--only-recovered", "only keys whose upstream data is complete now (live recheck)")
    .addOption(new Option("--reason-code <code>", "reason code").choices([...REASON_CODES]).default("scraper_outage_backfilled"))
    .option("--request-id <id>", "idempotency key: a retried command with the same id is applied once")
    .option("--dry-run", "show the preview; change nothing")
    .option("--yes", "apply without asking (needed when stdin is not a terminal)")
    .action(
      async (opts: {
        dateFrom: string;
        dateTo: string;
        reason: string;
        processor?: string;
        skipReason?: string;
        onlyRecovered?: boolean;
        reasonCode: string;
        requestId?: string;
        dryRun?: boolean;
        yes?: boolean;
      }) => {
        const processor = processorOption(opts.processor);
        const filter = parseOrExit(bulkFilter, {
          date_from: opts.dateFrom,
          date_to: opts.dateTo,
          ...(processor ? { processors: [processor] } : {}),
          ...(opts.skipReason ? { skip_reasons: [opts.skipReason] } : {}),
          ...(opts.onlyRecovered ? { only_recovered: true } : {}),
        });
        const reason = parseOrExit(reasonField, opts.reason);
        const id = requestId(opts.requestId);
        const preview = await ctx.api().post<BulkPreviewBody>("/api/v1/breakers/bulk-override/preview", filter);
        if (preview.changes.length === 0) {
          ctx.result("No active breakers match. Nothing to do.", { dry_run: Boolean(opts.dryRun), preview });
          return;
        }
        if (!ctx.json) ctx.out(renderBulkPreview(preview));
        if (opts.dryRun) {
          ctx.result(`Dry run: nothing was changed. Without --dry-run these ${preview.changes.length} breakers are overridden together.`, { dry_run: true, preview });
          return;
        }
        await confirm(ctx, `⚠  Override these ${preview.changes.length} breakers?`, "yes", "--yes", Boolean(opts.yes));
        const body = await ctx.api().post<{ replay: boolean; changes: unknown[]; batchId: string; consequence: string }>("/api/v1/breakers/bulk-override", {
          filter,
          token: preview.token,
          reason_code: opts.reasonCode,
          reason,
          request_id: id,
        });
        ctx.result(
          `${body.replay ? "Already applied by this request id (nothing new written):" : "Applied:"} ${body.changes.length} breakers overridden (batch ${body.batchId}).\n` +
            `${body.consequence}\n` +
            "Nothing is reprocessed automatically: trigger the processors for the date range.",
          body,
        );
      },
    );

  program
    .command("reset")
    .description("delete every row of one breaker key (admins; destructive): lists the rows, asks for the entity id, DELETE, then yes")
    .requiredOption("--processor <name>", "the key's processor")
    .requiredOption("--entity <id>", "the key's entity id")
    .requiredOption("--date <YYYY-MM-DD>", "the key's analysis date")
    .requiredOption("--reason <text>", "why (at least 10 characters)")
    .option("--request-id <id>", "idempotency key: a retried command with the same id is applied once")
    .option("--dry-run", "list the rows that would go; change nothing")
    .option("--i-understand-this-is-destructive", "skip the three prompts (automation)")
    .action(
      async (opts: { processor: string; entity: string; date: string; reason: string; requestId?: string; dryRun?: boolean; iUnderstandThisIsDestructive?: boolean }) => {
        const input = parseOrExit(resetInput, {
          processor: opts.processor,
          entity_id: opts.entity,
          analysis_date: opts.date,
          reason: opts.reason,
          request_id: requestId(opts.requestId),
          confirm: opts.entity,
        });
        const { section } = await entitySection(ctx, input.entity_id, input.analysis_date, input.processor);
        if (!section.breaker.ok) throw new CliError(`The breaker rows could not be read: ${section.breaker.message}`, EXIT.server);
        const events = section.breaker.value.events;
        const key = { processor: input.processor, entity_id: section.entityId, analysis_date: input.analysis_date };
        if (events.length === 0) {
          ctx.result(`Nothing to delete: ${key.processor} / ${key.entity_id} / ${key.analysis_date} has no breaker rows.`, { dry_run: Boolean(opts.dryRun), key, rows: 0 });
          return;
        }
        if (!ctx.json) ctx.out(`${renderTimeline(events)}\n${events.length} row(s) for ${key.processor} / ${key.entity_id} / ${key.analysis_date}.\n`);
        if (opts.dryRun) {
          ctx.result(`Dry run: nothing was changed. Without --dry-run these ${events.length} rows are deleted and one RESET row records who and why.`, {
            dry_run: true,
            key,
            rows: events.length,
            events,
          });
          return;
        }
        const skip = Boolean(opts.iUnderstandThisIsDestructive);
        const flag = "--i-understand-this-is-destructive";
        await confirm(ctx, `This deletes ${events.length} rows. Type the entity id (${key.entity_id}) to continue.`, key.entity_id, flag, skip);
        await confirm(ctx, "Second confirmation.", "DELETE", flag, skip);
        await confirm(ctx, "Last confirmation: reset this breaker?", "yes", flag, skip);
        const body = await ctx.api().post<{ replay: boolean; rowsRemoved: number }>("/api/v1/breakers/reset", {
          ...input,
          entity_id: key.entity_id,
          confirm: key.entity_id,
        });
        ctx.result(`Reset: ${body.rowsRemoved} rows deleted; one RESET row and an audit record say who and why.`, body);
      },
    );

  program
    .command("restore")
    .description("put back the rows a reset deleted (admins; once, within 30 days, refused when the key changed since): lists them, then asks yes")
    .option("--audit-id <id>", "the reset's audit record (the audit page and `GET /api/v1/audit` show it)")
    .option("--reset-request-id <id>", "or the request id the reset was applied with")
    .requiredOption("--reason <text>", "why (at least 10 characters)")
    .option("--request-id <id>", "idempotency key: a retried command with the same id is applied once")
    .option("--dry-run", "list the rows that would come back and whether they can; change nothing")
    .option("--yes", "skip the prompt (automation)")
    .action(async (opts: { auditId?: string; resetRequestId?: string; reason: string; requestId?: string; dryRun?: boolean; yes?: boolean }) => {
      // Everything checked before anything is read; the confirmation (the key's entity id) is
      // filled from the reset's record once it is read.
      const input = parseOrExit(restoreInput, {
        audit_id: opts.auditId,
        reset_request_id: opts.resetRequestId,
        reason: opts.reason,
        request_id: requestId(opts.requestId),
        confirm: "",
      });
      const ref = parseOrExit(resetRefInput, { audit_id: input.audit_id, reset_request_id: input.reset_request_id });
      const preview = await ctx.api().get<RestorePreviewBody>("/api/v1/breakers/restore", ref);
      const name = `${preview.key.processor} / ${preview.key.entity_id} / ${preview.key.analysis_date}`;
      if (!ctx.json) {
        ctx.out(
          `Reset of ${name} by ${preview.reset.actor} at ${preview.reset.created_at}: "${preview.reset.reason}".\n` +
            (preview.rows.length
              ? `${table(
                  ["attempt", "attempted at", "written as", "event", "tripped", "until"],
                  preview.rows.map((r) => [r.attempt_number, r.attempted_at, r.processor_name, r.event_type ?? r.skip_reason ?? "", r.circuit_breaker_tripped ? "yes" : "no", r.circuit_breaker_until ?? ""]),
                )}\n`
              : "") +
            `${preview.rowCount} row(s) kept by the reset.\n`,
        );
      }
      if (!preview.available) throw new CliError(`Cannot restore: ${preview.message}`, EXIT.refused);
      if (opts.dryRun) {
        ctx.result(`Dry run: nothing was changed. Without --dry-run the RESET row goes and these ${preview.rowCount} rows come back as they were.`, { dry_run: true, ...preview });
        return;
      }
      await confirm(ctx, `Restore these ${preview.rowCount} rows of ${name} (its breaker returns to the state it had before the reset)?`, "yes", "--yes", Boolean(opts.yes));
      const body = await ctx.api().post<{ replay: boolean; rowsRestored: number; resetAuditId: string }>("/api/v1/breakers/restore", { ...input, confirm: preview.key.entity_id });
      ctx.result(`${body.replay ? "Already applied" : "Restored"}: ${body.rowsRestored} rows are back and the RESET row is gone; an audit record says who and why.`, body);
    });

  const tokens = program.command("tokens").description("API tokens (admins)");
  tokens
    .command("create")
    .description("create a token with a role through the console (needs an admin token); prints the token once")
    .requiredOption("--name <name>", "the name the audit will show (as token:<name>)")
    .addOption(new Option("--role <role>", "what it may do (pipeline: check and report for processor runs, nothing else)").choices([...ROLES]).makeOptionMandatory())
    .option("--processor <name>", "pipeline tokens only: the one processor it may check for (default: any)")
    .action(async (opts: { name: string; role: string; processor?: string }) => {
      const input = parseOrExit(tokenCreateInput, opts);
      const body = await ctx.api().post<{ name: string; role: string; processor: string | null; token: string; created_at: string }>("/api/v1/tokens", input);
      ctx.result(
        `Created ${body.role} token "${body.name}"${body.processor ? ` for ${body.processor}` : ""}. Store it now: it is not shown again.\n\n  ${body.token}\n\nUse it as COMPLETENESS_TOKEN (CLI) or "Authorization: Bearer <token>".`,
        body,
      );
    });
  tokens
    .command("list")
    .description("every token: name, role, where it is kept, created and revoked (never the secrets)")
    .action(async () => {
      const body = await ctx.api().get<{ rows: { name: string; role: string; processor: string | null; source: string; created_by: string | null; created_at: string | null; revoked_at: string | null }[] }>(
        "/api/v1/tokens",
      );
      const rows = body.rows.map((r) => [r.name, r.processor ? `${r.role} (${r.processor})` : r.role, r.source, r.created_by ?? "", r.created_at ?? "", r.revoked_at ? `revoked ${r.revoked_at}` : "valid"]);
      ctx.result(rows.length ? table(["name", "role", "kept in", "created by", "created at", "state"], rows) : "No API tokens.", body);
    });
  tokens
    .command("revoke")
    .description("revoke a token: requests with it get 401 from now on")
    .requiredOption("--name <name>", "the token's name")
    .action(async (opts: { name: string }) => {
      const input = parseOrExit(tokenRevokeInput, opts);
      const body = await ctx.api().post<{ replay: boolean; name: string; revoked_at: string }>("/api/v1/tokens/revoke", input);
      ctx.result(`${body.replay ? "Already revoked" : "Revoked"}: "${body.name}" (at ${body.revoked_at}).`, body);
    });
  tokens
    .command("hash")
    .description("offline: make a new token and its API_TOKENS entry (the first admin token, before any exists)")
    .requiredOption("--name <name>", "the token's name")
    .addOption(new Option("--role <role>", "what it may do").choices([...ROLES]).makeOptionMandatory())
    .action((opts: { name: string; role: string }) => {
      const input = parseOrExit(tokenCreateInput, opts);
      const token = generateToken();
      const entry = configEntry({ name: input.name, role: input.role, sha256: hashToken(token) });
      ctx.result(
        `Token (store it now; only its hash goes into the configuration):\n\n  ${token}\n\nAdd to API_TOKENS (comma-separated entries) and restart the console:\n\n  API_TOKENS=${entry}`,
        { name: input.name, role: input.role, token, api_tokens_entry: entry },
      );
    });

  program.hook("preAction", () => setExit(EXIT.ok));
  return program;
}

/** Runs one command line; returns its exit code (never calls process.exit: tests run it in-process). */
export async function main(argv: string[], io: CliIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let exit: ExitCode = EXIT.ok;
  // Known before parsing: errors of the parse itself are reported in the format asked for.
  const json = argv.includes("--json");
  const prompt = new Prompter(io);
  let client: ApiClient | null = null;
  const ctx: Context = {
    io,
    get json() {
      return json;
    },
    prompt,
    api() {
      if (client) return client;
      const opts = program.opts<{ url?: string }>();
      const url = opts.url ?? io.env.COMPLETENESS_URL ?? DEFAULT_URL;
      if (!/^https?:\/\/[^\s/]+/.test(url)) throw new CliError(`--url: "${url}" is not an http(s) address`, EXIT.usage);
      const token = io.env.COMPLETENESS_TOKEN?.trim();
      if (!token) throw new CliError("Set COMPLETENESS_TOKEN to an API token (an admin creates one with `completeness tokens create`)", EXIT.usage);
      return (client = createApiClient(url, token, io.fetch));
    },
    out: (text) => io.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    result: (human, data) => ctx.out(json ? JSON.stringify(data, null, 2) : human),
  };
  const program = buildProgram(ctx, (code) => (exit = code));
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  for (const sub of program.commands.flatMap((c) => [c, ...c.commands])) {
    sub.exitOverride();
    sub.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  }
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; everything else commander refuses is bad usage.
      exit = error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help" ? EXIT.ok : EXIT.usage;
      if (error.code === "commander.executeSubCommandAsync") exit = EXIT.usage;
    } else if (error instanceof CliError) {
      exit = error.exitCode;
      io.stderr.write(json ? `${JSON.stringify({ error: error.message, exit_code: error.exitCode })}\n` : `completeness: ${error.message}\n`);
    } else {
      exit = EXIT.server;
      io.stderr.write(`completeness: unexpected error: ${(error as Error).message}\n`);
    }
  } finally {
    prompt.close();
  }
  return exit;
}
