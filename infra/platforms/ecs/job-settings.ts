// The scheduled jobs' config key (`slipway:jobs`, environment stacks on ECS) and its checks: one message per
// problem, naming the key path and the fix. infra/config/schema.ts adds the key, infra/config/settings.ts
// calls jobSettings() for the deep checks.
//
// Schedule expressions are checked as EventBridge Scheduler's User Guide, "Schedule types in EventBridge
// Scheduler" (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html), defines them:
// `rate(value unit)`, a positive integer and minute|minutes|hour|hours|day|days; `cron(minutes hours
// day-of-month month day-of-week year)`, six fields, with a `?` in exactly one of day-of-month and
// day-of-week. One-time `at(...)` schedules are refused: a job recurs. The singular unit is required for 1
// and the plural above (EventBridge rules' rule; stricter than Scheduler may be, never looser).
import { IMAGE_FIELDS } from "./service-images";
import { z } from "zod";
import { key } from "../../config/keys";
import { FARGATE_SIZES } from "./settings";
import { SECRET_FIELDS, secretChoiceOf, type SecretChoice, type SecretChoiceContext } from "./process-secrets";
import { int, processMap, RESERVED_PROCESS_NAMES, WORKER_NAME, WORKER_NAME_MAX } from "./worker-settings";

/** A job's name: the same rule as a worker's (it names the family `<app>-<stack>_<job>`, its log group, role and schedule). */
export const JOB_NAME = WORKER_NAME;

/** Fields of a job. */
export const JOB_FIELDS = ["command", "schedule", "timezone", "cpu", "memory", "retries", "maxEventAgeSeconds", ...SECRET_FIELDS] as const;

/** Scheduler's RetryPolicy bounds (API Reference, RetryPolicy): MaximumRetryAttempts 0–185, MaximumEventAgeInSeconds 60–86400. */
export const RETRIES_MAX = 185;
export const RETRIES_DEFAULT = 2;
export const EVENT_AGE_MIN = 60;
export const EVENT_AGE_MAX = 86400;

export const JOB_KEYS = [
    key({
        key: "jobs",
        roles: ["environment"],
        type: "map",
        description:
            "Scheduled jobs (ECS only, docs/services.md): name → { command (required: run with `sh -c` in the app's image), schedule (required: `rate(N unit)` or `cron(min hour day-of-month month day-of-week year)` as EventBridge Scheduler accepts them; `at(...)` one-time schedules are refused), timezone (IANA name, default UTC), cpu and memory (a Fargate pair; default: slipway:cpu/memory), retries (0–185, default 2), maxEventAgeSeconds (60–86400, default 86400), secrets (a list of slipway:appSecrets names the job receives; default all, [] none), database (false: none of slipway:database's PG* secrets and no path to the database; default true) }. Each job is its own task family, log group and task role with the app's secrets unless narrowed, run by an EventBridge Scheduler schedule in the environment's cluster; failed invocations land in the environment's dead-letter queue. Review stacks declare their schedules DISABLED. Empty: no jobs.",
        schema: z.record(z.string(), z.unknown()),
        example: "nightly.schedule",
    }),
] as const;

export interface JobSettings extends SecretChoice {
    name: string;
    command: string;
    /** The schedule expression, as given (checked). */
    schedule: string;
    timezone: string;
    cpu: number;
    memory: number;
    retries: number;
    maxEventAgeSeconds: number;
}

export interface JobContext extends Partial<SecretChoiceContext> {
    platform: string;
    cpu: number;
    memory: number;
    /** The stack's workers: a job may not take a worker's name (they share the task-family namespace). */
    workerNames: string[];
    environmentName: string;
}

export const BEANSTALK_JOB_GAP =
    "slipway's Elastic Beanstalk environments are the web-server tier with one container; Beanstalk runs periodic tasks only in a worker-tier environment (cron.yaml, posting to the app on port 80), which slipway does not declare";

const RATE_UNITS = ["minute", "minutes", "hour", "hours", "day", "days"];
const MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC";
const DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT";

interface CronField {
    name: string;
    lo: number;
    hi: number;
    names?: string;
    /** Wildcards beyond `, - * /`. */
    extra: string;
}
const CRON_FIELDS: CronField[] = [
    { name: "minutes", lo: 0, hi: 59, extra: "" },
    { name: "hours", lo: 0, hi: 23, extra: "" },
    { name: "day-of-month", lo: 1, hi: 31, extra: "?LW" },
    { name: "month", lo: 1, hi: 12, names: MONTHS, extra: "" },
    { name: "day-of-week", lo: 1, hi: 7, names: DAYS, extra: "?L#" },
    { name: "year", lo: 1970, hi: 2199, extra: "" },
];

/** One cron field's problem, or undefined when it is one EventBridge Scheduler accepts. */
function cronFieldProblem(value: string, f: CronField): string | undefined {
    const bad = `${f.name} "${value}" must be ${f.lo}–${f.hi}${f.names ? ` or ${f.names.split("|")[0]}–${f.names.split("|").pop()}` : ""} with the wildcards , - * /${f.extra ? ` ${f.extra.split("").join(" ")}` : ""}`;
    if (value === "*" || (value === "?" && f.extra.includes("?"))) return undefined;
    const atom = (a: string): boolean => {
        if (f.names && new RegExp(`^(${f.names})$`, "i").test(a)) return true;
        if (!/^\d+$/.test(a)) return false;
        const n = Number(a);
        return n >= f.lo && n <= f.hi;
    };
    for (const part of value.split(",")) {
        if (f.extra.includes("L") && (part === "L" || (f.name === "day-of-week" && /^[^L]+L$/.test(part) && atom(part.slice(0, -1))))) continue;
        if (f.extra.includes("W") && /^\d+W$/.test(part) && atom(part.slice(0, -1))) continue;
        if (f.extra.includes("#")) {
            const m = /^(.+)#([1-5])$/.exec(part);
            if (m && atom(m[1])) continue;
        }
        const [range, step, more] = part.split("/");
        if (more !== undefined) return bad;
        if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1)) return bad;
        if (range === "*") continue;
        const ends = range.split("-");
        if (ends.length > 2 || !ends.every(atom)) return bad;
    }
    return undefined;
}

/** What is wrong with a schedule expression (as Scheduler's User Guide defines them), or undefined. */
export function scheduleProblem(expression: string): string | undefined {
    if (/^at\(/.test(expression)) return "at(...) is a one-time schedule: a job recurs, so give a rate(...) or cron(...) expression (run a one-off task with aws ecs run-task)";
    const rate = /^rate\((\S+) (\S+)\)$/.exec(expression);
    if (rate) {
        const [, value, unit] = rate;
        if (!/^[1-9]\d*$/.test(value)) return `the rate's value "${value}" must be a positive integer`;
        if (!RATE_UNITS.includes(unit)) return `the rate's unit "${unit}" must be one of ${RATE_UNITS.join(", ")}`;
        if (value === "1" && unit.endsWith("s")) return `a rate of 1 takes the singular unit: rate(1 ${unit.slice(0, -1)})`;
        if (value !== "1" && !unit.endsWith("s")) return `a rate above 1 takes the plural unit: rate(${value} ${unit}s)`;
        return undefined;
    }
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (cron) {
        const fields = cron[1].trim().split(/\s+/);
        if (fields.length !== 6) return `a cron expression has six fields (minutes hours day-of-month month day-of-week year), not ${fields.length}`;
        for (let i = 0; i < 6; i++) {
            const p = cronFieldProblem(fields[i], CRON_FIELDS[i]);
            if (p) return p;
        }
        if ((fields[2] === "?") === (fields[4] === "?")) return "exactly one of day-of-month and day-of-week must be ? (Scheduler cannot take both, nor neither)";
        return undefined;
    }
    return "it must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year)";
}

/** Whether `tz` is an IANA time zone name this runtime knows (Scheduler takes IANA names; max 50 characters). */
export function isTimeZone(tz: string): boolean {
    if (tz.length > 50 || !/^[A-Za-z0-9_+\-/]+$/.test(tz)) return false;
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
    } catch {
        return false;
    }
}

/** The validated jobs (sorted by name), or [] with problems pushed, one per mistake. */
export function jobSettings(value: Record<string, unknown>, c: JobContext, stack: string, problems: string[]): JobSettings[] {
    const at = "slipway:jobs";
    const map = processMap(at, value, { platform: c.platform, what: "jobs", gap: BEANSTALK_JOB_GAP }, stack, problems);
    if (!map) return [];
    const { names, set, rm } = map;
    const before = problems.length;
    const out: JobSettings[] = [];
    for (const name of names) {
        const j = `${at}.${name}`;
        if ((RESERVED_PROCESS_NAMES as readonly string[]).includes(name) || c.workerNames.includes(name)) {
            problems.push(
                `${j}: "${name}" is taken: ${c.workerNames.includes(name) ? `slipway:workers.${name} is a worker, and jobs and workers share the task-family namespace (${c.environmentName}_${name})` : name === "web" ? "the web process is the environment's own service" : "release is the release phase's task family"}. Rename the job: ${rm(name)} && ${set(`${name}-job.command`, "'<command>'")}`,
            );
            continue;
        }
        if (!JOB_NAME.test(name)) {
            problems.push(
                `${j}: "${name}" is not a job name: it must be 1–${WORKER_NAME_MAX} characters of a–z, 0–9 and '-', starting with a letter and not ending with '-' (it names the task family ${c.environmentName}_${name}, its log group, IAM role and schedule; '_' separates the family's process). Fix: ${rm(name)} && ${set("nightly.command", "'<command>'")}`,
            );
            continue;
        }
        const raw = value[name];
        if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
            problems.push(`${j} must be a map with at least a command and a schedule. Fix: ${rm(name)} && ${set(`${name}.command`, "'<command>'")} && ${set(`${name}.schedule`, "'cron(0 3 * * ? *)'")}`);
            continue;
        }
        const r = raw as Record<string, unknown>;
        const mine = problems.length;
        for (const field of Object.keys(r)) {
            if ((IMAGE_FIELDS as readonly string[]).includes(field)) {
                // The JobRevisions action registers every job family with the app's image (job-action.ts): no job has its own.
                problems.push(`${j}.${field}: a scheduled job runs the app's image (the pipeline's JobRevisions action moves every job's family to it); only a worker may build its own image (slipway:workers.<name>.${field}, docs/services.md). Fix: ${rm(`${name}.${field}`)} (or run the command as a worker)`);
            } else if (!(JOB_FIELDS as readonly string[]).includes(field)) problems.push(`${j}.${field} is not a job setting (a job takes ${JOB_FIELDS.join(", ")}). Fix: ${rm(`${name}.${field}`)}`);
        }
        const command = r.command;
        if (typeof command !== "string" || command.trim() === "") {
            problems.push(`${j}.command is required: the shell command the job runs (sh -c, in the app's image). Fix: ${set(`${name}.command`, "'./manage.py clearsessions'")}`);
        } else if (command.length > 1000) {
            problems.push(`${j}.command must be at most 1000 characters. Fix: ${set(`${name}.command`, "'./job.sh'")}`);
        }
        const schedule = r.schedule;
        if (typeof schedule !== "string" || schedule.trim() === "") {
            problems.push(`${j}.schedule is required: a rate(...) or cron(...) expression (EventBridge Scheduler, "Schedule types"). Fix: ${set(`${name}.schedule`, "'cron(0 3 * * ? *)'")}`);
        } else {
            const p = schedule.length > 256 ? "it must be at most 256 characters" : scheduleProblem(schedule);
            if (p) problems.push(`${j}.schedule = ${JSON.stringify(schedule)} is not a schedule EventBridge Scheduler accepts: ${p}. Fix: ${set(`${name}.schedule`, "'cron(0 3 * * ? *)'")} (or 'rate(6 hours)')`);
        }
        const timezone = r.timezone;
        if (timezone !== undefined && (typeof timezone !== "string" || !isTimeZone(timezone))) {
            problems.push(`${j}.timezone = ${JSON.stringify(timezone)} is not an IANA time zone name. Fix: ${set(`${name}.timezone`, "Europe/Berlin")} (or ${rm(`${name}.timezone`)} for UTC)`);
        }
        const num = (field: string, fallback: number, lo: number, hi: number, example: number): number => {
            const v = r[field];
            if (v === undefined) return fallback;
            if (!int(v) || (v as number) < lo || (v as number) > hi) {
                problems.push(`${j}.${field} = ${JSON.stringify(v)} must be an integer from ${lo} to ${hi}. Fix: ${set(`${name}.${field}`, String(example))}`);
                return fallback;
            }
            return v as number;
        };
        const cpu = num("cpu", c.cpu, 256, 16384, 256);
        const memory = num("memory", c.memory, 512, 122880, 512);
        if (r.cpu !== undefined && int(r.cpu) && !(cpu in FARGATE_SIZES)) {
            problems.push(`${j}.cpu = ${cpu} is not a Fargate size: it must be one of ${Object.keys(FARGATE_SIZES).join(", ")}. Fix: ${set(`${name}.cpu`, "256")}`);
        } else if (cpu in FARGATE_SIZES && !FARGATE_SIZES[cpu].includes(memory)) {
            problems.push(
                `${j}.memory = ${memory} does not pair with cpu = ${cpu}${r.memory === undefined ? " (memory defaults to slipway:memory)" : ""}: Fargate allows ${FARGATE_SIZES[cpu].join(", ")} MiB for ${cpu} cpu units. Fix: ${set(`${name}.memory`, String(FARGATE_SIZES[cpu][0]))}`,
            );
        }
        const retries = num("retries", RETRIES_DEFAULT, 0, RETRIES_MAX, RETRIES_DEFAULT);
        const maxEventAgeSeconds = num("maxEventAgeSeconds", EVENT_AGE_MAX, EVENT_AGE_MIN, EVENT_AGE_MAX, 3600);
        const choice = secretChoiceOf(j, r, { secretNames: c.secretNames ?? [], database: c.database ?? false }, set, rm, name, problems);
        if (problems.length > mine || typeof command !== "string" || typeof schedule !== "string") continue;
        out.push({ name, command, schedule, timezone: typeof timezone === "string" ? timezone : "UTC", cpu, memory, retries, maxEventAgeSeconds, ...choice });
    }
    return problems.length > before ? [] : out;
}

/**
 * The job names a stack file declares (slipway:jobs), for the delivery stack's pipeline: only names the
 * environment stack would accept as jobs (the environment's own checks report the rest when it runs).
 */
export function jobNamesOfStackFile(config: Record<string, string> | undefined): string[] {
    const text = config?.["slipway:jobs"];
    if (!text) return [];
    try {
        const parsed = JSON.parse(text) as unknown;
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return [];
        return Object.keys(parsed).filter((n) => JOB_NAME.test(n) && !(RESERVED_PROCESS_NAMES as readonly string[]).includes(n)).sort();
    } catch {
        return [];
    }
}
