// ECS's stack config keys and the checks across them (Fargate's cpu/memory pairs, the task counts).
// Light on purpose (zod only): infra/config/schema.ts adds these keys to the table.
import { z } from "zod";
import { key, optional } from "../../config/keys";
import type { EnvironmentConfig } from "../../config/schema";

/** Fargate task sizes: cpu units → allowed memory (MiB). AWS "Task CPU and memory" table, Fargate Linux. */
export const FARGATE_SIZES: Record<number, number[]> = {
    256: [512, 1024, 2048],
    512: [1024, 2048, 3072, 4096],
    1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/** ECS's keys (environment stacks on slipway:platform ecs; Pulumi.yaml declares them for every stack). */
export const ECS_KEYS = [
    key({
        key: "cpu",
        roles: ["environment"],
        type: "integer",
        description: "Fargate task CPU units (256 = 0.25 vCPU).",
        default: 256,
        schema: z
            .number()
            .int()
            .refine((v) => v in FARGATE_SIZES, `must be one of ${Object.keys(FARGATE_SIZES).join(", ")}`),
        example: "512",
    }),
    key({
        key: "memory",
        roles: ["environment"],
        type: "integer",
        description: "Fargate task memory in MiB; must pair with cpu (e.g. 256 → 512/1024/2048).",
        default: 512,
        schema: z.number().int().min(512, "must be at least 512"),
        example: "1024",
    }),
    key({
        key: "desiredCount",
        roles: ["environment"],
        type: "integer",
        description: "Tasks to run initially; autoscaling then moves between minCount and maxCount.",
        default: 1,
        schema: z.number().int().min(0, "must be at least 0").max(100, "must be at most 100"),
        example: "2",
    }),
    key({
        key: "minCount",
        roles: ["environment"],
        type: "integer",
        description: "Autoscaling floor.",
        default: 1,
        schema: z.number().int().min(0, "must be at least 0").max(100, "must be at most 100"),
        example: "2",
    }),
    key({
        key: "maxCount",
        roles: ["environment"],
        type: "integer",
        description: "Autoscaling ceiling.",
        default: 2,
        schema: z.number().int().min(1, "must be at least 1").max(100, "must be at most 100"),
        example: "4",
    }),
    key({
        key: "cpuTargetPercent",
        roles: ["environment"],
        type: "integer",
        description: "Autoscaling target: average service CPU utilisation in percent.",
        default: 60,
        schema: z.number().int().min(10, "must be 10–90").max(90, "must be 10–90"),
        example: "50",
    }),
    key({
        key: "fargateSpot",
        roles: ["environment"],
        type: "boolean",
        description: "Run tasks on Fargate Spot (about 70% cheaper, may be interrupted). Suits staging and review stacks.",
        default: false,
        schema: z.boolean(),
        example: "true",
    }),
    key({
        key: "ingress",
        byTier: true,
        roles: ["environment"],
        type: "string",
        description: "How requests reach ECS tasks: `alb` (Application Load Balancer) or `api` (API Gateway HTTP API + Cloud Map: billed per request, no hourly charge). Empty: `alb` for production, `api` otherwise.",
        default: "",
        schema: optional(z.enum(["alb", "api"])),
        example: "api",
    }),
    key({
        key: "containerHealthCheck",
        roles: ["environment"],
        type: "string",
        description: "Shell command run inside the container to judge its health (e.g. `curl -fsS http://localhost:8080/health`); the image must contain the tool. Gates rolling deploys where no load balancer checks health. Empty: none.",
        default: "",
        schema: z.string().max(1000, "must be at most 1000 characters"),
        example: "curl -fsS http://localhost:8080/health || exit 1",
    }),
    key({
        key: "dashboard",
        roles: ["environment"],
        type: "boolean",
        description: "Create a CloudWatch dashboard for the environment ($3/month beyond an account's first three).",
        default: false,
        schema: z.boolean(),
        example: "true",
    }),
] as const;

/** Fargate's cpu/memory pairs and the task counts' order, one message each. */
export function ecsSizingProblems(d: EnvironmentConfig, stack: string): string[] {
    const problems: string[] = [];
    const allowed = FARGATE_SIZES[d.cpu];
    if (!allowed.includes(d.memory)) {
        problems.push(
            `slipway:memory = ${d.memory} does not pair with slipway:cpu = ${d.cpu}: Fargate allows ${allowed.join(", ")} MiB for ${d.cpu} cpu units. Fix: pulumi config set slipway:memory ${allowed[0]} --stack ${stack}`,
        );
    }
    const { minCount: min, maxCount: max, desiredCount: desired } = d;
    if (min > max) {
        problems.push(`slipway:minCount = ${min} is greater than slipway:maxCount = ${max}. Fix: pulumi config set slipway:maxCount ${min} --stack ${stack}`);
    } else if (desired < min || desired > max) {
        problems.push(`slipway:desiredCount = ${desired} is outside minCount..maxCount (${min}..${max}). Fix: pulumi config set slipway:desiredCount ${min} --stack ${stack}`);
    }
    return problems;
}

/** What `highAvailability: true` needs of an ECS service: [what is wrong, the command that fixes it]. */
export function ecsHighAvailabilityProblems(d: EnvironmentConfig): [string, string][] {
    const found: [string, string][] = [];
    if (d.minCount < 2) found.push([`slipway:minCount is ${d.minCount}: one task is a single point of failure`, "pulumi config set slipway:minCount 2"]);
    if (d.desiredCount < 2) found.push([`slipway:desiredCount is ${d.desiredCount}`, "pulumi config set slipway:desiredCount 2"]);
    if (d.fargateSpot) found.push(["slipway:fargateSpot is true: Spot tasks can all be reclaimed at once", "pulumi config set slipway:fargateSpot false"]);
    return found;
}
