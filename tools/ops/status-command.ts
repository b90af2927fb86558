// npm run status -- --stack <delivery or environment stack> [--json] [--pipeline <name>] [--last 5]
//
// Which commit runs in each environment the pipeline deploys (the verified sha the smoke test records
// in /slipway/<app>/<stack>/image-tag, and the stage's last successful execution), the pipeline's last
// executions, and every release alarm in ALARM. Read-only: codepipeline:GetPipeline, GetPipelineState,
// ListPipelineExecutions; ssm:GetParameters; cloudwatch:DescribeAlarms.
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetPipelineStateCommand } from "@aws-sdk/client-codepipeline";
import { GetParametersCommand } from "@aws-sdk/client-ssm";
import { numberFlag, parseFlags } from "../flags";
import { call, clients, type Clients } from "./aws";
import { defaultIo, run, table, usage, type Io } from "./command";
import { listExecutions, short, type Execution } from "./history";
import { opsStack, pipelineDeclaration, pipelineName, STACK_FLAGS, type OpsTarget } from "./stack";

const USAGE = "Usage: npm run status -- --stack <stack> [--last 5] [--json] [--pipeline <name>]";
const OPTIONS = { ...STACK_FLAGS, json: { type: "boolean" }, last: { type: "string" } } as const;

export interface EnvironmentStatus {
    stack: string;
    stage: string;
    /** The commit the smoke test last verified there (its image-tag parameter). */
    verified?: { sha: string; parameter: string; recordedAt?: string };
    /** The stage's latest execution (GetPipelineState). */
    latest?: { execution: string; status: string; type?: string };
    /** The last execution that succeeded in the stage, and its commit. */
    lastSuccess?: { execution: string; type: string; sha?: string; summary?: string; finishedAt: string };
}

export interface StatusReport {
    pipeline: string;
    environments: EnvironmentStatus[];
    executions: { execution: string; status: string; type: string; sha?: string; summary?: string; trigger?: string; start: string; end: string }[];
    alarms: { name: string; stack: string; reason?: string; since?: string }[];
}

/** GetParameters takes at most 10 names a call (SSM API Reference, GetParameters). */
async function verifiedShas(c: Clients, targets: OpsTarget[]): Promise<Map<string, { sha: string; recordedAt?: string }>> {
    const out = new Map<string, { sha: string; recordedAt?: string }>();
    for (let i = 0; i < targets.length; i += 10) {
        const names = targets.slice(i, i + 10).map((t) => t.imageTagParameter);
        const page = await call(c.ssm, "GetParameters", c.region, () => c.ssm.send(new GetParametersCommand({ Names: names })));
        for (const p of page.Parameters ?? []) if (p.Name && p.Value) out.set(p.Name, { sha: p.Value, recordedAt: p.LastModifiedDate ? new Date(p.LastModifiedDate).toISOString() : undefined });
    }
    return out;
}

/**
 * Metric alarms under `prefix` in ALARM, through every page. The release alarms are metric alarms;
 * asking for composite alarms too would need cloudwatch:DescribeAlarms on `*` (DescribeAlarms, CloudWatch
 * API Reference), where metric alarms alone allow a permission scoped to the app's alarm names.
 */
async function alarmsInAlarm(c: Clients, prefix: string): Promise<{ name: string; reason?: string; since?: string }[]> {
    const out: { name: string; reason?: string; since?: string }[] = [];
    let NextToken: string | undefined;
    do {
        const page = await call(c.cloudwatch, "DescribeAlarms", c.region, () => c.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, StateValue: "ALARM", AlarmTypes: ["MetricAlarm"], NextToken })));
        for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
            if (a.AlarmName) out.push({ name: a.AlarmName, reason: a.StateReason, since: a.StateUpdatedTimestamp ? new Date(a.StateUpdatedTimestamp).toISOString() : undefined });
        }
        NextToken = page.NextToken;
    } while (NextToken);
    return out;
}

/** The commit of a stage's last success: its own revision, or a rollback's target's (listed, or looked up). */
function revisionOf(e: Execution, known: Execution[]): Execution["revision"] {
    return e.revision ?? (e.rollbackTarget ? known.find((k) => k.id === e.rollbackTarget)?.revision : undefined);
}

export async function status(argv: string[], io: Io): Promise<number> {
    const flags = parseFlags(argv, OPTIONS, USAGE, usage);
    if (!flags.stack) throw usage(`--stack is required. ${USAGE}`);
    const last = flags.last === undefined ? 5 : numberFlag("--last", flags.last, { min: 1, max: 100, integer: true }, usage);
    const s = opsStack(io.dir, flags.stack);
    const c = clients(s.region);
    const name = await pipelineName(c, s, flags.pipeline, io.env);
    await pipelineDeclaration(c, s, name);
    const targets = s.target ? [s.target] : s.targets;
    const [state, verified, recent] = await Promise.all([
        call(c.codepipeline, "GetPipelineState", c.region, () => c.codepipeline.send(new GetPipelineStateCommand({ name }))),
        verifiedShas(c, targets),
        listExecutions(c, name, { limit: last }),
    ]);
    const environments: EnvironmentStatus[] = [];
    for (const t of targets) {
        const st = state.stageStates?.find((x) => x.stageName === t.stage)?.latestExecution;
        const [success] = await listExecutions(c, name, { limit: 1, filter: { succeededInStage: { stageName: t.stage } } });
        let rev = success ? revisionOf(success, recent) : undefined;
        if (success && !rev && success.rollbackTarget) {
            // The target is older than the listed executions: look for it among the stage's successes.
            const older = await listExecutions(c, name, { limit: 100, filter: { succeededInStage: { stageName: t.stage } } });
            rev = revisionOf(success, older);
        }
        const v = verified.get(t.imageTagParameter);
        environments.push({
            stack: t.stack,
            stage: t.stage,
            verified: v ? { sha: v.sha, parameter: t.imageTagParameter, recordedAt: v.recordedAt } : undefined,
            latest: st?.pipelineExecutionId ? { execution: st.pipelineExecutionId, status: st.status ?? "?", type: st.type } : undefined,
            lastSuccess: success ? { execution: success.id, type: success.type, sha: rev?.id, summary: rev?.summary, finishedAt: success.end.toISOString() } : undefined,
        });
    }
    const alarms = (await Promise.all(targets.map(async (t) => (await alarmsInAlarm(c, t.alarmPrefix)).map((a) => ({ ...a, stack: t.stack }))))).flat();
    const report: StatusReport = {
        pipeline: name,
        environments,
        executions: recent.map((e) => ({
            execution: e.id,
            status: e.status,
            type: e.type,
            sha: revisionOf(e, recent)?.id,
            summary: revisionOf(e, recent)?.summary,
            trigger: e.trigger,
            start: e.start.toISOString(),
            end: e.end.toISOString(),
        })),
        alarms,
    };
    io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
    return 0;
}

function render(r: StatusReport): string {
    const envRows = [["environment", "stage", "verified commit", "recorded", "last success", "latest in stage"]];
    for (const e of r.environments) {
        const mismatch = e.verified && e.lastSuccess?.sha && e.verified.sha !== e.lastSuccess.sha ? " (differs from the parameter)" : "";
        envRows.push([
            e.stack,
            e.stage,
            e.verified ? short(e.verified.sha) : "(no parameter)",
            e.verified?.recordedAt ?? "-",
            e.lastSuccess ? `${short(e.lastSuccess.sha)} ${e.lastSuccess.type === "ROLLBACK" ? "rollback " : ""}${e.lastSuccess.execution}${mismatch}` : "never",
            e.latest ? `${e.latest.status}${e.latest.type === "ROLLBACK" ? " (rollback)" : ""} ${e.latest.execution}` : "-",
        ]);
    }
    const exRows = [["execution", "status", "type", "commit", "started", "trigger", "message"]];
    for (const e of r.executions) exRows.push([e.execution, e.status, e.type, short(e.sha), e.start, e.trigger ?? "-", (e.summary ?? "").split("\n")[0].slice(0, 60)]);
    const alarms = r.alarms.length
        ? table([["alarm in ALARM", "stack", "since", "reason"], ...r.alarms.map((a) => [a.name, a.stack, a.since ?? "-", (a.reason ?? "").slice(0, 100)])])
        : "No alarm in ALARM.\n";
    return `${r.pipeline}\n\n${table(envRows)}\nLast executions:\n${r.executions.length ? table(exRows) : "none\n"}\n${alarms}`;
}

export function cli(argv: string[], io: Io = defaultIo()): Promise<number> {
    return run(io, () => status(argv, io));
}

if (require.main === module) cli(process.argv.slice(2)).then((code) => process.exit(code));
