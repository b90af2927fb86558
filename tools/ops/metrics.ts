// Measured delivery metrics from the pipeline's recorded history (history.ts): stage and action
// durations, and the four DORA metrics, each defined from what CodePipeline records. The definitions
// are the ones docs/day-to-day.md states ("Measuring delivery"); test/ops-metrics.test.ts checks
// each on a hand-computed history.
import { stageRun, type Execution, type StageRun } from "./history";

export interface Stats {
    count: number;
    /** Seconds. The median (mean of the two middle values for an even count). */
    median: number;
    /** Seconds. Nearest-rank 90th percentile: the ⌈0.9·n⌉-th smallest. */
    p90: number;
    /** Seconds, and the execution it was measured in. */
    slowest: number;
    slowestExecution: string;
}

/** Stats of `samples` (seconds, with the execution each came from); undefined when there are none. */
export function stats(samples: { seconds: number; execution: string }[]): Stats | undefined {
    if (!samples.length) return undefined;
    const sorted = [...samples].sort((a, b) => a.seconds - b.seconds);
    const n = sorted.length;
    const median = n % 2 ? sorted[(n - 1) / 2].seconds : (sorted[n / 2 - 1].seconds + sorted[n / 2].seconds) / 2;
    const p90 = sorted[Math.ceil(0.9 * n) - 1].seconds;
    const last = sorted[n - 1];
    return { count: n, median, p90, slowest: last.seconds, slowestExecution: last.execution };
}

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

export interface Durations {
    stage: string;
    stats?: Stats;
    actions: { action: string; stats?: Stats; failed: number }[];
}

/**
 * Per stage (in the pipeline's order) and per action: how long the succeeded runs of standard
 * executions took. A stage's time is its first action's start to its last action's last update, in
 * executions where the stage succeeded; an action's is its start to its last update, for runs that
 * succeeded (failed runs are counted, not timed). Rollback executions are left out: they re-run one
 * stage with an older artifact.
 */
export function durations(executions: Execution[], stages: { name: string; actions: string[] }[]): Durations[] {
    const standard = executions.filter((e) => e.type === "STANDARD");
    return stages.map((st) => ({
        stage: st.name,
        stats: stats(
            standard.flatMap((e) => {
                const r = stageRun(e, st.name);
                return r?.outcome === "Succeeded" ? [{ seconds: seconds(r.start, r.end), execution: e.id }] : [];
            }),
        ),
        actions: st.actions.map((action) => {
            const runs = standard.flatMap((e) => e.actions.filter((a) => a.stage === st.name && a.action === action).map((a) => ({ a, e })));
            return {
                action,
                stats: stats(runs.filter((x) => x.a.status === "Succeeded").map((x) => ({ seconds: seconds(x.a.start, x.a.end), execution: x.e.id }))),
                failed: runs.filter((x) => x.a.status === "Failed").length,
            };
        }),
    }));
}

/** One execution's run of the production stage. */
export interface ProductionEvent {
    execution: Execution;
    run: StageRun;
}

export interface Dora {
    days: number;
    /** Standard executions whose production stage succeeded. */
    deployments: number;
    deploymentsPerDay: number;
    deploymentsPerWeek: number;
    /** Commit → production, per commit that reached production in the window. */
    leadTime?: Stats;
    /** Commits whose execution started in the window that no production success has delivered yet. */
    undelivered: number;
    /** Production attempts (standard executions whose production stage succeeded or failed). */
    changes: number;
    /** Failed attempts plus successful deployments a rollback undid before the next attempt. */
    failedChanges: number;
    /** failedChanges / changes; undefined without changes. */
    changeFailureRate?: number;
    timeToRestore?: Stats;
    /** Failures no later production success has restored yet. */
    unrestored: number;
    /** Rollback executions of the production stage. */
    rollbacks: number;
    failures: { execution: string; kind: "failed" | "rolled-back"; since: Date; restoredAt?: Date; restoredBy?: string }[];
    /** Production events per calendar day (UTC), oldest first: for the chart. */
    daily: { day: string; deployed: number; failed: number; rolledBack: number }[];
}

/**
 * The four DORA metrics of the production stage over `days` days ending at `now`, from executions
 * whose actions are filled (history.ts withActions). Definitions: docs/day-to-day.md.
 */
export function dora(executions: Execution[], productionStage: string, now: Date, days: number): Dora {
    const since = new Date(now.getTime() - days * 86_400_000);
    const inWindow = executions.filter((e) => e.start >= since && e.start <= now);
    const events: ProductionEvent[] = inWindow
        .map((execution) => ({ execution, run: stageRun(execution, productionStage) }))
        .filter((x): x is ProductionEvent => Boolean(x.run) && (x.run!.outcome === "Succeeded" || x.run!.outcome === "Failed"))
        .sort((a, b) => a.run.start.getTime() - b.run.start.getTime());
    const attempts = events.filter((x) => x.execution.type === "STANDARD");
    const deployments = attempts.filter((x) => x.run.outcome === "Succeeded");
    const rollbacks = events.filter((x) => x.execution.type === "ROLLBACK");
    const successes = events.filter((x) => x.run.outcome === "Succeeded");

    // Lead time: each commit (its first standard execution in the window) to the first production
    // success of a standard execution started at or after it.
    const firstBySha = new Map<string, Execution>();
    for (const e of [...inWindow].sort((a, b) => a.start.getTime() - b.start.getTime())) {
        if (e.type === "STANDARD" && e.revision && !firstBySha.has(e.revision.id)) firstBySha.set(e.revision.id, e);
    }
    const lead: { seconds: number; execution: string }[] = [];
    let undelivered = 0;
    for (const e of firstBySha.values()) {
        const delivered = deployments.filter((d) => d.execution.start >= e.start).sort((a, b) => a.run.end.getTime() - b.run.end.getTime())[0];
        if (delivered) lead.push({ seconds: seconds(e.start, delivered.run.end), execution: e.id });
        else undelivered++;
    }

    // Failures: every failed attempt (since its stage started), and every deployment whose next
    // production event is a rollback (since it went live).
    const failures: Dora["failures"] = [];
    for (const a of attempts) {
        if (a.run.outcome === "Failed") failures.push({ execution: a.execution.id, kind: "failed", since: a.run.start });
        else {
            const next = events.find((x) => x !== a && x.run.start >= a.run.end);
            if (next?.execution.type === "ROLLBACK" && next.execution.rollbackTarget !== a.execution.id) failures.push({ execution: a.execution.id, kind: "rolled-back", since: a.run.end });
        }
    }
    const restore: { seconds: number; execution: string }[] = [];
    for (const f of failures) {
        const by = successes.filter((x) => x.execution.id !== f.execution && x.run.end > f.since).sort((a, b) => a.run.end.getTime() - b.run.end.getTime())[0];
        if (by) {
            f.restoredAt = by.run.end;
            f.restoredBy = by.execution.id;
            restore.push({ seconds: seconds(f.since, by.run.end), execution: f.execution });
        }
    }

    const daily = new Map<string, Dora["daily"][number]>();
    for (let t = since.getTime(); t <= now.getTime(); t += 86_400_000) {
        const day = new Date(t).toISOString().slice(0, 10);
        daily.set(day, { day, deployed: 0, failed: 0, rolledBack: 0 });
    }
    const dayOf = (d: Date) => daily.get(d.toISOString().slice(0, 10));
    for (const d of deployments) dayOf(d.run.end) && dayOf(d.run.end)!.deployed++;
    for (const a of attempts) if (a.run.outcome === "Failed" && dayOf(a.run.end)) dayOf(a.run.end)!.failed++;
    for (const r of rollbacks) if (dayOf(r.run.end)) dayOf(r.run.end)!.rolledBack++;

    return {
        days,
        deployments: deployments.length,
        deploymentsPerDay: deployments.length / days,
        deploymentsPerWeek: (deployments.length / days) * 7,
        leadTime: stats(lead),
        undelivered,
        changes: attempts.length,
        failedChanges: failures.length,
        changeFailureRate: attempts.length ? failures.length / attempts.length : undefined,
        timeToRestore: stats(restore),
        unrestored: failures.length - restore.length,
        rollbacks: rollbacks.length,
        failures,
        daily: [...daily.values()],
    };
}

/** `1h 02m`, `3m 05s`, `42s`. */
export function humanDuration(s: number | undefined): string {
    if (s === undefined) return "-";
    const total = Math.round(s);
    const d = Math.floor(total / 86_400);
    const h = Math.floor((total % 86_400) / 3600);
    const m = Math.floor((total % 3600) / 60);
    const sec = total % 60;
    if (d) return `${d}d ${String(h).padStart(2, "0")}h`;
    if (h) return `${h}h ${String(m).padStart(2, "0")}m`;
    if (m) return `${m}m ${String(sec).padStart(2, "0")}s`;
    return `${sec}s`;
}
