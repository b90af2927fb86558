// npm run metrics -- --stack delivery [--days 30] [--json] [--html <file>] [--pipeline <name>]
//
// Reads the pipeline's execution history from AWS (read-only: codepipeline:GetPipeline,
// ListPipelineExecutions, ListActionExecutions; ListPipelines and ListTagsForResource to find the
// pipeline without --pipeline/PIPELINE_NAME) and reports measured stage and action durations and the
// four DORA metrics of the production stage: as a table, as JSON (--json), and as a picture (--html).
import * as fs from "node:fs";
import { numberFlag, parseFlags } from "../flags";
import { clients, OpsError } from "./aws";
import { metricsHtml } from "./chart";
import { defaultIo, run, table, usage, type Io } from "./command";
import { listExecutions, withActions } from "./history";
import { dora, durations, humanDuration, type Dora, type Durations } from "./metrics";
import { opsStack, pipelineDeclaration, pipelineName, STACK_FLAGS } from "./stack";

const USAGE = "Usage: npm run metrics -- --stack <delivery stack> [--days 30] [--json] [--html <file>] [--pipeline <name>]";
const OPTIONS = { ...STACK_FLAGS, days: { type: "string" }, json: { type: "boolean" }, html: { type: "string" } } as const;
/** CodePipeline keeps 12 months of history (ListPipelineExecutions' maxResults documentation). */
export const MAX_DAYS = 365;

export interface MetricsReport {
    pipeline: string;
    productionStage: string;
    generatedAt: string;
    days: number;
    executions: number;
    dora: Omit<Dora, "failures" | "daily"> & { failures: { execution: string; kind: string; since: string; restoredAt?: string; restoredBy?: string }[]; daily: Dora["daily"] };
    durations: Durations[];
}

function render(r: MetricsReport): string {
    const d = r.dora;
    const rows: string[][] = [["stage / action", "runs", "median", "p90", "slowest", "failed", "slowest in"]];
    for (const s of r.durations) {
        rows.push([s.stage, String(s.stats?.count ?? 0), humanDuration(s.stats?.median), humanDuration(s.stats?.p90), humanDuration(s.stats?.slowest), "", s.stats?.slowestExecution ?? ""]);
        for (const a of s.actions) {
            rows.push([`  ${a.action}`, String(a.stats?.count ?? 0), humanDuration(a.stats?.median), humanDuration(a.stats?.p90), humanDuration(a.stats?.slowest), String(a.failed), a.stats?.slowestExecution ?? ""]);
        }
    }
    const cfr = d.changeFailureRate === undefined ? "-" : `${(d.changeFailureRate * 100).toFixed(1)}%`;
    const dora = table([
        ["DORA metric", "value", "from"],
        ["deployment frequency", `${d.deploymentsPerWeek.toFixed(1)}/week (${d.deploymentsPerDay.toFixed(2)}/day)`, `${d.deployments} deployments to ${r.productionStage}`],
        ["lead time for changes", `median ${humanDuration(d.leadTime?.median)}, p90 ${humanDuration(d.leadTime?.p90)}`, `${d.leadTime?.count ?? 0} commits delivered, ${d.undelivered} not yet`],
        ["change failure rate", cfr, `${d.failedChanges} of ${d.changes} production changes`],
        ["time to restore", `median ${humanDuration(d.timeToRestore?.median)}, p90 ${humanDuration(d.timeToRestore?.p90)}`, `${d.timeToRestore?.count ?? 0} restored, ${d.unrestored} not yet; ${d.rollbacks} rollbacks`],
    ]);
    const head = `${r.pipeline}: ${r.executions} executions in the last ${r.days} days (to ${r.generatedAt})\n\n`;
    if (!r.executions) return `${head}No executions in this window: nothing to measure. Try --days ${Math.min(MAX_DAYS, r.days * 3)}.\n`;
    return `${head}${table(rows)}\n${dora}`;
}

export async function metrics(argv: string[], io: Io): Promise<number> {
    const flags = parseFlags(argv, OPTIONS, USAGE, usage);
    if (!flags.stack) throw usage(`--stack is required. ${USAGE}`);
    const days = flags.days === undefined ? 30 : numberFlag("--days", flags.days, { min: 1, max: MAX_DAYS, integer: true }, usage);
    const s = opsStack(io.dir, flags.stack);
    const c = clients(s.region);
    const name = await pipelineName(c, s, flags.pipeline, io.env);
    const declared = await pipelineDeclaration(c, s, name);
    const now = io.now();
    const executions = await withActions(c, name, await listExecutions(c, name, { since: new Date(now.getTime() - days * 86_400_000) }));
    const stages = (declared.stages ?? []).map((st) => ({ name: st.name!, actions: (st.actions ?? []).map((a) => a.name!) }));
    const d = dora(executions, s.production.stage, now, days);
    const report: MetricsReport = {
        pipeline: name,
        productionStage: s.production.stage,
        generatedAt: now.toISOString(),
        days,
        executions: executions.length,
        dora: { ...d, failures: d.failures.map((f) => ({ ...f, since: f.since.toISOString(), restoredAt: f.restoredAt?.toISOString() })) },
        durations: durations(executions, stages),
    };
    if (flags.html) {
        try {
            fs.writeFileSync(flags.html, metricsHtml({ pipeline: name, productionStage: s.production.stage, generatedAt: now, dora: d, durations: report.durations }));
        } catch (e) {
            throw new OpsError(`could not write --html ${flags.html}: ${e instanceof Error ? e.message : String(e)}`);
        }
        io.err(`wrote ${flags.html}\n`);
    }
    io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
    return 0;
}

export function cli(argv: string[], io: Io = defaultIo()): Promise<number> {
    return run(io, () => metrics(argv, io));
}

if (require.main === module) cli(process.argv.slice(2)).then((code) => process.exit(code));
