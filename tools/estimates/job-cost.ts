// The cost of an environment's scheduled jobs (infra/platforms/ecs/job.ts), for tools/estimates/cost.ts:
// each schedule's invocations a month (from its expression), the Fargate task each invocation runs
// (on-demand, per second with a one-minute minimum, for JOB_RUN_MINUTES, an assumption) with its public
// IPv4 address, EventBridge Scheduler's per-invocation charge, and the dead-letter queue (SQS requests
// only for failed invocations: none assumed). A DISABLED schedule (review stacks) fires never.
import { Plan, PlannedResource } from "../plan/mock-engine";
import { PRICES } from "./prices";

/** How long a job's task runs, in minutes (assumed: the plan cannot know). */
export const JOB_RUN_MINUTES = 5;
/** Days in the average month (365 / 12). */
const DAYS_PER_MONTH = 365 / 12;

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** How many values a cron field takes (`*`, lists, ranges, steps; month and day names as their numbers). */
function cronCount(raw: string, lo: number, hi: number, names: string[] = []): number {
    const field = raw.toUpperCase().replace(/[A-Z]{3}/g, (n) => (names.includes(n) ? String(names.indexOf(n) + 1) : n));
    if (field === "*" || field === "?") return hi - lo + 1;
    let n = 0;
    for (const part of field.split(",")) {
        const [range, step] = part.split("/");
        const stepN = step ? Math.max(1, Number(step)) : 1;
        if (range === "*") n += Math.floor((hi - lo) / stepN) + 1;
        else if (/^\d+-\d+$/.test(range)) {
            const [a, b] = range.split("-").map(Number);
            n += Math.floor((b - a) / stepN) + 1;
        } else if (step && /^\d+$/.test(range)) n += Math.floor((hi - Number(range)) / stepN) + 1;
        else n += 1; // a value, a name, L, 15W, 6#3, 2L
    }
    return Math.max(1, n);
}

/**
 * Invocations a month of a schedule expression EventBridge Scheduler accepts (infra/platforms/ecs/job-settings.ts):
 * `rate(N unit)` exactly; `cron(...)` as the product of its fields' counts (minutes × hours per day, days a
 * month from day-of-month or day-of-week, the share of months that match). Years are ignored.
 */
export function invocationsPerMonth(expression: string): number {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
    if (rate) {
        const minutes = Number(rate[1]) * (rate[2].startsWith("minute") ? 1 : rate[2].startsWith("hour") ? 60 : 1440);
        return (DAYS_PER_MONTH * 1440) / minutes;
    }
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (!cron) return 0;
    const [min, hour, dom, month, dow] = cron[1].trim().split(/\s+/);
    const perDay = cronCount(min, 0, 59) * cronCount(hour, 0, 23);
    // One of day-of-month and day-of-week is `?`: the other decides the days.
    const days = dom !== "?" ? (dom === "*" ? DAYS_PER_MONTH : Math.min(DAYS_PER_MONTH, cronCount(dom, 1, 31))) : dow === "*" || dow === "?" ? DAYS_PER_MONTH : /[L#]/.test(dow) ? cronCount(dow, 1, 7, DAY_NAMES) : (cronCount(dow, 1, 7, DAY_NAMES) * DAYS_PER_MONTH) / 7;
    const months = month === "*" ? 1 : cronCount(month, 1, 12, MONTH_NAMES) / 12;
    return perDay * days * months;
}

type Add = (r: PlannedResource, item: string, quantity: number, unit: string, unitPrice: number) => void;

/** The cost lines of `plan`'s schedules (and their dead-letter queue), through `add`. */
export function jobCostLines(plan: Plan, add: Add): void {
    for (const s of plan.resources.filter((r) => r.type === "aws:scheduler/schedule:Schedule")) {
        const expression = String(s.inputs.scheduleExpression ?? "");
        const fires = s.inputs.state === "DISABLED" ? 0 : invocationsPerMonth(expression);
        const target = s.inputs.target as { ecsParameters?: { taskDefinitionArn?: string; taskCount?: number } } | undefined;
        const family = String(target?.ecsParameters?.taskDefinitionArn ?? "").split("/").pop();
        const td = plan.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.inputs.family === family);
        const tasks = fires * (target?.ecsParameters?.taskCount ?? 1);
        const what = `${+fires.toFixed(1)} runs (${expression}${s.inputs.state === "DISABLED" ? ", DISABLED" : ""})`;
        add(s, `Scheduler invocations: ${what}`, fires / 1e6, "million", PRICES.scheduler.perMillionInvocations);
        // Fargate bills per second with a one-minute minimum; each task takes one public IPv4 address (no NAT).
        const hours = (tasks * Math.max(1, JOB_RUN_MINUTES)) / 60;
        const vcpu = Number(td?.inputs.cpu ?? 256) / 1024;
        const gb = Number(td?.inputs.memory ?? 512) / 1024;
        add(s, `job task: ${what} × ${JOB_RUN_MINUTES} min (assumed) × ${vcpu} vCPU`, hours * vcpu, "vCPU-h", PRICES.fargate.vcpuHour);
        add(s, `job task: ${what} × ${JOB_RUN_MINUTES} min (assumed) × ${gb} GB`, hours * gb, "GB-h", PRICES.fargate.gbHour);
        add(s, `job task public IPv4: ${what}`, hours, "IP-h", PRICES.publicIpv4Hour);
    }
    for (const q of plan.resources.filter((r) => r.type === "aws:sqs/queue:Queue")) {
        add(q, "dead-letter messages: only failed invocations (none assumed)", 0, "million requests", PRICES.sqs.standardPerMillionRequests);
    }
}
