// The workers' config key (`slipway:workers`, environment stacks on ECS) and its checks: one message per
// problem, naming the key path and the fix. Light on purpose (zod only): infra/config/schema.ts adds the
// key, infra/config/settings.ts calls workerSettings() for the deep checks.
import { z } from "zod";
import { key } from "../../config/keys";
import { FARGATE_SIZES } from "./settings";
import { RELEASE_PROCESS } from "../../contract";
import { IMAGE_FIELDS, imageBuildOf, type ImageBuild } from "./service-images";
import { SECRET_FIELDS, secretChoiceOf, type SecretChoice, type SecretChoiceContext } from "./process-secrets";

/**
 * A worker's name: it names the ECS service `<app>-<stack>-<name>` (ECS: up to 255 letters, digits, '-'
 * and '_'), the task family `<app>-<stack>_<name>` (same rule), the log group `/slipway/<app>/<stack>/worker/<name>`
 * (up to 512 of `[.\-_/#A-Za-z0-9]`) and the Pulumi name of its task role, `worker-<name>-task` plus
 * Pulumi's 8-character suffix, which IAM limits to 64 characters. No '_': the family's separator (contract.ts).
 */
export const WORKER_NAME = /^[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
export const WORKER_NAME_MAX = 32;

/** The process names a worker may not take: the web service's, and the release phase's task family. */
export const RESERVED_PROCESS_NAMES = ["web", RELEASE_PROCESS] as const;

/** Fields of a worker. */
export const WORKER_FIELDS = ["command", "cpu", "memory", "desiredCount", "minCount", "maxCount", "cpuTargetPercent", "healthCheck", ...IMAGE_FIELDS, "queue", "messagesPerTask", ...SECRET_FIELDS] as const;

/**
 * An SQS queue name (SQS CreateQueue, QueueName): up to 80 characters of letters, digits, '-' and '_'; a FIFO
 * queue's name ends in `.fifo`, within the 80.
 */
export const SQS_QUEUE_NAME = /^(?=.{1,80}$)[A-Za-z0-9_-]+(\.fifo)?$/;
/** messagesPerTask's range: at least one message per task; 100000 is slipway's sanity bound, not AWS's. */
export const MESSAGES_PER_TASK_MAX = 100000;
export const MESSAGES_PER_TASK_DEFAULT = 10;

/**
 * Settings that would give a worker ingress. Only the web process is reachable (its load balancer or HTTP
 * API); a worker's service has no load balancer, no service registry and a security group with no ingress.
 */
export const INGRESS_FIELDS = ["containerPort", "port", "ports", "healthPath", "ingress", "domainName", "certificateArn", "loadBalancer", "public", "path"] as const;

export const WORKER_KEYS = [
    key({
        key: "workers",
        roles: ["environment"],
        type: "map",
        description:
            "Background workers (ECS only, docs/services.md): name → { command (required: run with `sh -c` in the app's image), cpu and memory (a Fargate pair; default: slipway:cpu/memory), desiredCount, minCount, maxCount (defaults: desiredCount = minCount, minCount 1, maxCount 2 or minCount if higher; review stacks run desiredCount = minCount), cpuTargetPercent (CPU autoscaling target, default slipway:cpuTargetPercent), queue (an SQS queue name in the stack's account and region: scale on its backlog per task instead of CPU, which turns on Container Insights for the cluster), messagesPerTask (with queue: the visible messages per running task to keep, default 10), healthCheck (container health-check command; default none), dockerfile and target (the worker's own image: its Dockerfile, default slipway:dockerfile, and build stage, default the last; the build pushes it to the repository <app>/<worker> with the commit's sha; default: the app's image), secrets (a list of slipway:appSecrets names the worker receives; default all, [] none), database (false: none of slipway:database's PG* secrets and no path to the database; default true) }. Each worker is its own ECS service in the environment's cluster, without ingress, with the app's secrets unless narrowed; the pipeline deploys it with the web service. Empty: no workers.",
        schema: z.record(z.string(), z.unknown()),
        example: "mailer.command",
    }),
] as const;

export interface WorkerSettings extends SecretChoice {
    name: string;
    command: string;
    cpu: number;
    memory: number;
    desiredCount: number;
    minCount: number;
    maxCount: number;
    cpuTargetPercent: number;
    /** Container health-check command (CMD-SHELL); undefined: none (ECS counts a task healthy 40 s after RUNNING). */
    healthCheck?: string;
    /** The worker's own image (dockerfile and/or target), built into `<app>/<name>`; undefined: the app's image. */
    image?: ImageBuild;
    /** The SQS queue whose backlog per task the worker scales on (instead of CPU); undefined: CPU. */
    queue?: string;
    /** With queue: the visible messages per running task target tracking keeps. */
    messagesPerTask?: number;
}

/** What the workers default to from the stack's own settings, and where they may run. */
export interface WorkerContext extends Partial<SecretChoiceContext> {
    platform: string;
    cpu: number;
    memory: number;
    cpuTargetPercent: number;
    /** Review stacks: every worker runs its minimum (desiredCount = minCount). */
    atMinimum: boolean;
    /** `<app>-<stack>`: the longest names derived from it are checked against AWS's limits. */
    environmentName: string;
}

/** Elastic Beanstalk has no second process beside the app's container in slipway's single-container environments. */
export const BEANSTALK_WORKER_GAP =
    "slipway's Elastic Beanstalk environments run one container (Docker on Amazon Linux 2023, web-server tier); Beanstalk's own worker tier is a separate environment fed by an SQS daemon posting to port 80, not a long-running command beside the web process";

export const int = (v: unknown) => typeof v === "number" && Number.isInteger(v);

/**
 * What every map of ECS processes (slipway:workers, slipway:jobs) checks first: empty is nothing to do,
 * another platform is one problem naming why it cannot run them. Otherwise its names, sorted, and the
 * commands that fix one entry (`set`, `rm`), for its messages.
 */
export function processMap(
    at: string,
    value: Record<string, unknown>,
    c: { platform: string; what: string; gap: string },
    stack: string,
    problems: string[],
): { names: string[]; set: (path: string, example: string) => string; rm: (path: string) => string } | undefined {
    const names = Object.keys(value);
    if (!names.length) return undefined;
    if (c.platform !== "ecs") {
        problems.push(
            `${at} is set, but slipway:platform is ${c.platform}: ${c.gap}. Fix: run this environment on ECS (pulumi config set slipway:platform ecs --stack ${stack}), or remove the ${c.what}: pulumi config rm ${at} --stack ${stack}`,
        );
        return undefined;
    }
    return {
        names: names.sort(),
        set: (path, example) => `pulumi config set --path '${at}.${path}' ${example} --stack ${stack}`,
        rm: (path) => `pulumi config rm --path '${at}.${path}' --stack ${stack}`,
    };
}

/** The validated workers (sorted by name), or [] with problems pushed, one per mistake. */
export function workerSettings(value: Record<string, unknown>, c: WorkerContext, stack: string, problems: string[]): WorkerSettings[] {
    const at = "slipway:workers";
    const map = processMap(at, value, { platform: c.platform, what: "workers", gap: BEANSTALK_WORKER_GAP }, stack, problems);
    if (!map) return [];
    const { names, set, rm } = map;
    const before = problems.length;
    const out: WorkerSettings[] = [];
    for (const name of names) {
        const w = `${at}.${name}`;
        if ((RESERVED_PROCESS_NAMES as readonly string[]).includes(name)) {
            problems.push(
                `${w}: "${name}" is taken: ${name === "web" ? "the web process is the environment's own service (slipway:cpu, memory and the counts configure it)" : `${name} is the release phase's task family (slipway:releaseCommand)`}. Rename the worker: ${rm(name)} && ${set(`${name}-worker.command`, "'<command>'")}`,
            );
            continue;
        }
        if (!WORKER_NAME.test(name)) {
            problems.push(
                `${w}: "${name}" is not a worker name: it must be 1–${WORKER_NAME_MAX} characters of a–z, 0–9 and '-', starting with a letter and not ending with '-' (it names the ECS service ${c.environmentName}-${name}, the task family ${c.environmentName}_${name}, its log group and its IAM role; '_' separates the family's process). Fix: ${rm(name)} && ${set("mailer.command", "'<command>'")}`,
            );
            continue;
        }
        const raw = value[name];
        if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
            problems.push(`${w} must be a map with at least a command. Fix: ${rm(name)} && ${set(`${name}.command`, "'<command>'")}`);
            continue;
        }
        const r = raw as Record<string, unknown>;
        const mine = problems.length;
        for (const field of Object.keys(r)) {
            if ((INGRESS_FIELDS as readonly string[]).includes(field)) {
                problems.push(
                    `${w}.${field}: a worker has no ingress: only the web process is reachable (its load balancer or HTTP API); a worker's ECS service has no load balancer, no service registry and no inbound rule. Fix: ${rm(`${name}.${field}`)} (serve HTTP from the web process${field === "healthPath" ? "; a worker's health is its healthCheck command" : ""})`,
                );
            } else if (!(WORKER_FIELDS as readonly string[]).includes(field)) {
                problems.push(`${w}.${field} is not a worker setting (a worker takes ${WORKER_FIELDS.join(", ")}). Fix: ${rm(`${name}.${field}`)}`);
            }
        }
        const command = r.command;
        if (typeof command !== "string" || command.trim() === "") {
            problems.push(`${w}.command is required: the shell command the worker runs (sh -c, in the app's image). Fix: ${set(`${name}.command`, "'celery -A app worker'")}`);
        } else if (command.length > 1000) {
            problems.push(`${w}.command must be at most 1000 characters. Fix: ${set(`${name}.command`, "'./worker.sh'")}`);
        }
        const healthCheck = r.healthCheck;
        if (healthCheck !== undefined && (typeof healthCheck !== "string" || healthCheck.trim() === "" || healthCheck.length > 1000)) {
            problems.push(`${w}.healthCheck must be a non-empty shell command of at most 1000 characters (run with CMD-SHELL in the container). Fix: ${set(`${name}.healthCheck`, "'celery inspect ping'")} (or ${rm(`${name}.healthCheck`)})`);
        }
        const num = (field: string, fallback: number, lo: number, hi: number, example: number): number => {
            const v = r[field];
            if (v === undefined) return fallback;
            if (!int(v) || (v as number) < lo || (v as number) > hi) {
                problems.push(`${w}.${field} = ${JSON.stringify(v)} must be an integer from ${lo} to ${hi}. Fix: ${set(`${name}.${field}`, String(example))}`);
                return fallback;
            }
            return v as number;
        };
        const cpu = num("cpu", c.cpu, 256, 16384, 256);
        const memory = num("memory", c.memory, 512, 122880, 512);
        if (r.cpu !== undefined && int(r.cpu) && !(cpu in FARGATE_SIZES)) {
            problems.push(`${w}.cpu = ${cpu} is not a Fargate size: it must be one of ${Object.keys(FARGATE_SIZES).join(", ")}. Fix: ${set(`${name}.cpu`, "256")}`);
        } else if (cpu in FARGATE_SIZES && !FARGATE_SIZES[cpu].includes(memory)) {
            problems.push(
                `${w}.memory = ${memory} does not pair with cpu = ${cpu}${r.cpu === undefined ? " (slipway:cpu)" : ""}: Fargate allows ${FARGATE_SIZES[cpu].join(", ")} MiB for ${cpu} cpu units. Fix: ${set(`${name}.memory`, String(FARGATE_SIZES[cpu][0]))}`,
            );
        }
        const minCount = num("minCount", 1, 0, 100, 1);
        const maxCount = num("maxCount", Math.max(2, minCount), 1, 100, 2);
        let desiredCount = num("desiredCount", minCount, 0, 100, 1);
        const cpuTargetPercent = num("cpuTargetPercent", c.cpuTargetPercent, 10, 90, 60);
        if (minCount > maxCount) {
            problems.push(`${w}.minCount = ${minCount} is greater than maxCount = ${maxCount}. Fix: ${set(`${name}.maxCount`, String(minCount))}`);
        } else if (desiredCount < minCount || desiredCount > maxCount) {
            problems.push(`${w}.desiredCount = ${desiredCount} is outside minCount..maxCount (${minCount}..${maxCount}). Fix: ${set(`${name}.desiredCount`, String(minCount))}`);
        }
        const queue = r.queue;
        let messagesPerTask: number | undefined;
        if (queue === undefined) {
            if (r.messagesPerTask !== undefined) {
                problems.push(`${w}.messagesPerTask is set without ${w}.queue: it is the backlog per task of a queue the worker scales on. Fix: ${set(`${name}.queue`, "<sqs-queue-name>")} (or ${rm(`${name}.messagesPerTask`)})`);
            }
        } else if (typeof queue !== "string" || !SQS_QUEUE_NAME.test(queue)) {
            problems.push(
                `${w}.queue = ${JSON.stringify(queue)} is not an SQS queue name: up to 80 characters of letters, digits, '-' and '_', a FIFO queue's ending in .fifo (SQS CreateQueue). Give the name, not the URL or ARN. Fix: ${set(`${name}.queue`, "shop-mail")}`,
            );
        } else {
            messagesPerTask = num("messagesPerTask", MESSAGES_PER_TASK_DEFAULT, 1, MESSAGES_PER_TASK_MAX, MESSAGES_PER_TASK_DEFAULT);
            if (r.cpuTargetPercent !== undefined) {
                problems.push(`${w}.cpuTargetPercent is set, but ${w}.queue makes the worker scale on the queue's backlog per task, not CPU. Fix: ${rm(`${name}.cpuTargetPercent`)} (or ${rm(`${name}.queue`)} to scale on CPU)`);
            }
            if (minCount === 0) {
                problems.push(
                    `${w}.minCount = 0 with ${w}.queue: target tracking on backlog per task (visible messages / running tasks) has no value with no task running, so it would never start the first one. Fix: ${set(`${name}.minCount`, "1")} (or ${rm(`${name}.queue`)})`,
                );
            }
        }
        if (c.atMinimum) desiredCount = minCount;
        const image = imageBuildOf(w, r, set, rm, name, problems);
        const choice = secretChoiceOf(w, r, { secretNames: c.secretNames ?? [], database: c.database ?? false }, set, rm, name, problems);
        if (problems.length > mine || typeof command !== "string") continue;
        out.push({
            name, command, cpu, memory, desiredCount, minCount, maxCount, cpuTargetPercent,
            healthCheck: typeof healthCheck === "string" ? healthCheck : undefined,
            ...(typeof queue === "string" ? { queue, messagesPerTask } : {}),
            ...(image ? { image } : {}),
            ...choice,
        });
    }
    return problems.length > before ? [] : out;
}

/** The worker names a stack file declares (the delivery stack reads them, as it reads slipway:releaseCommand). */
export function workerNamesOfStackFile(config: Record<string, string> | undefined): string[] {
    const text = config?.["slipway:workers"];
    if (!text) return [];
    try {
        const parsed = JSON.parse(text) as unknown;
        return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? Object.keys(parsed).filter((n) => WORKER_NAME.test(n) && !(RESERVED_PROCESS_NAMES as readonly string[]).includes(n)).sort() : [];
    } catch {
        return [];
    }
}
