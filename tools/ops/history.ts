// The pipeline's execution history as CodePipeline records it: ListPipelineExecutions (newest first,
// 12 months kept) and, per execution, ListActionExecutions, each followed through nextToken.
// CodePipeline API Reference: ListPipelineExecutions, ListActionExecutions, PipelineExecutionSummary,
// ActionExecutionDetail.
import {
    ListActionExecutionsCommand,
    ListPipelineExecutionsCommand,
    type ActionExecutionDetail,
    type PipelineExecutionFilter,
    type PipelineExecutionSummary,
} from "@aws-sdk/client-codepipeline";
import { call, type Clients } from "./aws";

export type ExecutionStatus = "Cancelled" | "Failed" | "InProgress" | "Stopped" | "Stopping" | "Succeeded" | "Superseded";

/** One action's run in one execution (a retried action has several). */
export interface ActionRun {
    stage: string;
    action: string;
    status: "Abandoned" | "Failed" | "InProgress" | "Succeeded";
    start: Date;
    /** lastUpdateTime: when a finished action finished. */
    end: Date;
    pipelineVersion?: number;
}

export interface Revision {
    /** The commit sha for a GitHub source (SourceRevision.revisionId). */
    id: string;
    summary?: string;
    url?: string;
}

export interface Execution {
    id: string;
    status: ExecutionStatus;
    /** STANDARD, or ROLLBACK (a stage rollback's new execution, CodePipeline User Guide "Configuring stage rollback"). */
    type: "STANDARD" | "ROLLBACK";
    start: Date;
    end: Date;
    trigger?: string;
    /** The Source action's revision; a rollback carries its target's (the target "is used to retrieve source revisions"). */
    revision?: Revision;
    /** A rollback's target: rollbackMetadata.rollbackTargetPipelineExecutionId. */
    rollbackTarget?: string;
    /** Filled by withActions. */
    actions: ActionRun[];
}

export function toExecution(s: PipelineExecutionSummary): Execution | undefined {
    if (!s.pipelineExecutionId || !s.startTime) return undefined;
    const source = s.sourceRevisions?.find((r) => r.revisionId);
    return {
        id: s.pipelineExecutionId,
        status: (s.status ?? "InProgress") as ExecutionStatus,
        type: s.executionType === "ROLLBACK" ? "ROLLBACK" : "STANDARD",
        start: new Date(s.startTime),
        end: new Date(s.lastUpdateTime ?? s.startTime),
        trigger: s.trigger?.triggerType,
        revision: source ? { id: source.revisionId!, summary: source.revisionSummary, url: source.revisionUrl } : undefined,
        rollbackTarget: s.rollbackMetadata?.rollbackTargetPipelineExecutionId,
        actions: [],
    };
}

function toRun(d: ActionExecutionDetail): ActionRun | undefined {
    if (!d.stageName || !d.actionName || !d.startTime) return undefined;
    return {
        stage: d.stageName,
        action: d.actionName,
        status: (d.status ?? "InProgress") as ActionRun["status"],
        start: new Date(d.startTime),
        end: new Date(d.lastUpdateTime ?? d.startTime),
        pipelineVersion: d.pipelineVersion,
    };
}

export interface ListOptions {
    /** Only executions started at or after this. */
    since?: Date;
    /** Stop after this many executions. */
    limit?: number;
    filter?: PipelineExecutionFilter;
}

/** The pipeline's executions, newest first, through every page until `since` or `limit`. */
export async function listExecutions(c: Clients, pipelineName: string, opts: ListOptions = {}): Promise<Execution[]> {
    const out: Execution[] = [];
    let nextToken: string | undefined;
    do {
        const page = await call(c.codepipeline, "ListPipelineExecutions", c.region, () => c.codepipeline.send(new ListPipelineExecutionsCommand({ pipelineName, maxResults: Math.min(100, opts.limit ?? 100), nextToken, filter: opts.filter })));
        const executions = (page.pipelineExecutionSummaries ?? []).map(toExecution).filter((e): e is Execution => Boolean(e));
        const inWindow = executions.filter((e) => !opts.since || e.start >= opts.since);
        out.push(...inWindow);
        if (opts.limit !== undefined && out.length >= opts.limit) return out.slice(0, opts.limit);
        // Newest first: a page with executions older than the window ends the walk.
        if (opts.since && inWindow.length < executions.length) break;
        nextToken = page.nextToken;
    } while (nextToken);
    return out;
}

/** Every action execution of one pipeline execution, through every page. */
export async function listActions(c: Clients, pipelineName: string, executionId: string): Promise<ActionRun[]> {
    const out: ActionRun[] = [];
    let nextToken: string | undefined;
    do {
        const page = await call(c.codepipeline, "ListActionExecutions", c.region, () => c.codepipeline.send(new ListActionExecutionsCommand({ pipelineName, filter: { pipelineExecutionId: executionId }, maxResults: 100, nextToken })));
        out.push(...(page.actionExecutionDetails ?? []).map(toRun).filter((r): r is ActionRun => Boolean(r)));
        nextToken = page.nextToken;
    } while (nextToken);
    return out;
}

/** Fills each execution's actions, a few calls at a time (CodePipeline's API rate limits are per account and region). */
export async function withActions(c: Clients, pipelineName: string, executions: Execution[], concurrency = 4): Promise<Execution[]> {
    let next = 0;
    const worker = async () => {
        while (next < executions.length) {
            const e = executions[next++];
            e.actions = await listActions(c, pipelineName, e.id);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, executions.length) }, worker));
    // A rollback execution's revision is its target's.
    const byId = new Map(executions.map((e) => [e.id, e]));
    for (const e of executions) if (!e.revision && e.rollbackTarget) e.revision = byId.get(e.rollbackTarget)?.revision;
    return executions;
}

export type StageOutcome = "Succeeded" | "Failed" | "InProgress" | "Stopped";

export interface StageRun {
    outcome: StageOutcome;
    start: Date;
    end: Date;
}

/**
 * How a stage ended in one execution, from its actions' latest runs (a retried action counts by its
 * last run): undefined when no action of it ran (not reached, or skipped by its entry condition).
 */
export function stageRun(e: Execution, stage: string): StageRun | undefined {
    const runs = e.actions.filter((a) => a.stage === stage);
    if (!runs.length) return undefined;
    const latest = new Map<string, ActionRun>();
    for (const r of runs) {
        const seen = latest.get(r.action);
        if (!seen || r.start > seen.start) latest.set(r.action, r);
    }
    const statuses = [...latest.values()].map((r) => r.status);
    const outcome: StageOutcome = statuses.includes("InProgress")
        ? "InProgress"
        : statuses.includes("Failed")
          ? "Failed"
          : statuses.includes("Abandoned")
            ? "Stopped"
            : "Succeeded";
    return {
        outcome,
        start: new Date(Math.min(...runs.map((r) => r.start.getTime()))),
        end: new Date(Math.max(...runs.map((r) => r.end.getTime()))),
    };
}

/** The short form of a commit sha. */
export function short(sha: string | undefined): string {
    return sha ? sha.slice(0, 7) : "-";
}
