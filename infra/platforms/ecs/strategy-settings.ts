// How an ECS web service moves to a new image: ECS's own deployment strategies (deploymentConfiguration
// .strategy; no CodeDeploy). Light on purpose (zod only): infra/config/schema.ts adds these keys to the table.
// - rolling: replace tasks in waves (minimum healthy 100 %, maximum 200 %), judged by the circuit breaker;
// - blue-green: start a full new set of tasks in the alternate target group, move all traffic at once, keep
//   the old set for the bake time, then stop it;
// - canary: the same, moving `deployTrafficPercent` % of traffic first and the rest after `deployStepMinutes`;
// - linear: moving `deployTrafficPercent` % every `deployStepMinutes` until all traffic has moved.
// ECS API Reference, DeploymentConfiguration / CanaryConfiguration / LinearConfiguration; "Amazon ECS
// blue/green deployments", "Amazon ECS canary deployments", "Amazon ECS linear deployments".
// Traffic shifting needs Elastic Load Balancing, Service Connect or VPC Lattice ("Required resources for
// Amazon ECS blue/green deployments"): the HTTP API ingress reaches tasks through Cloud Map only, so these
// strategies need slipway:ingress alb.
import { z } from "zod";
import { key, optional } from "../../config/keys";
import { TIER_DEFAULTS, type Tier } from "../../config/tiers";

export const DEPLOY_STRATEGIES = ["rolling", "blue-green", "canary", "linear"] as const;
export type DeployStrategy = (typeof DEPLOY_STRATEGIES)[number];

/** The service's deploymentConfiguration.strategy for each of slipway's names. */
export const ECS_STRATEGY: Record<DeployStrategy, "ROLLING" | "BLUE_GREEN" | "CANARY" | "LINEAR"> = {
    rolling: "ROLLING",
    "blue-green": "BLUE_GREEN",
    canary: "CANARY",
    linear: "LINEAR",
};

/**
 * The pipeline's ECS deploy action's wait for a service's deployment, in minutes (its DeploymentTimeout), at
 * least: a rolling deployment's. At most ECS_DEPLOYMENT_TIMEOUT_MAX_MINUTES ("Quotas in AWS CodePipeline": "The
 * Amazon ECS deployment action timeout is configurable up to one hour"; CDK's EcsDeployAction "1-60").
 */
export const ECS_DEPLOYMENT_TIMEOUT_MINUTES = 15;
export const ECS_DEPLOYMENT_TIMEOUT_MAX_MINUTES = 60;

/** The deploy action's DeploymentTimeout for a service whose deployments deliberately wait `waitMinutes`. */
export function deployActionTimeoutMinutes(waitMinutes: number): number {
    return Math.min(ECS_DEPLOYMENT_TIMEOUT_MAX_MINUTES, Math.max(ECS_DEPLOYMENT_TIMEOUT_MINUTES, waitMinutes + DEPLOY_ACTION_HEADROOM_MINUTES));
}

/** ECS API Reference: bakeTimeInMinutes, canaryBakeTimeInMinutes and stepBakeTimeInMinutes are 0–1440. */
export const MAX_BAKE_MINUTES = 1440;
/** LinearConfiguration.stepPercent: 3.0–100.0 (CanaryConfiguration.canaryPercent: 0.1–100.0). */
export const MIN_LINEAR_STEP_PERCENT = 3;

/**
 * Minutes of the pipeline's ECS deploy action (deployActionTimeoutMinutes) left for what is not a
 * deliberate wait: starting the new tasks, their health checks, draining the old ones (the lead-time model's
 * ECS floor is about a minute at slipway's target-group settings; this leaves room for a slow image pull).
 */
export const DEPLOY_ACTION_HEADROOM_MINUTES = 5;

export const DEPLOY_STRATEGY_KEYS = [
    key({
        key: "deployStrategy",
        byTier: true,
        roles: ["environment"],
        type: "string",
        description:
            "How ECS moves the web service to a new image: `rolling` (replace tasks in waves), `blue-green` (a full new set of tasks, all traffic at once, the old set kept for deployBakeMinutes), `canary` (deployTrafficPercent % of traffic first, the rest after deployStepMinutes) or `linear` (deployTrafficPercent % every deployStepMinutes). ECS's own strategies: the pipeline's ECS deploy action starts them, and a release alarm firing rolls the deployment back. All but `rolling` need the ALB ingress. Empty: `canary` for production behind an ALB, `rolling` otherwise.",
        default: "",
        schema: optional(z.enum(DEPLOY_STRATEGIES)),
        example: "blue-green",
    }),
    key({
        key: "deployBakeMinutes",
        roles: ["environment"],
        type: "integer",
        description:
            "blue-green, canary, linear: minutes ECS keeps the old tasks running after all traffic has moved, watching the release alarms, before it stops them (a rollback within this time is instant). Both sets of tasks run (and bill) meanwhile.",
        default: 5,
        schema: z.number().int().min(0, `must be 0–${MAX_BAKE_MINUTES}`).max(MAX_BAKE_MINUTES, `must be 0–${MAX_BAKE_MINUTES} (ECS's bakeTimeInMinutes)`),
        example: "10",
    }),
    key({
        key: "deployTrafficPercent",
        roles: ["environment"],
        type: "integer",
        description: `canary: the percentage of traffic the new tasks get first; linear: the percentage moved at each step (at least ${MIN_LINEAR_STEP_PERCENT}).`,
        default: 10,
        schema: z.number().int().min(1, "must be 1–100").max(100, "must be 1–100"),
        example: "20",
    }),
    key({
        key: "deployStepMinutes",
        roles: ["environment"],
        type: "integer",
        description: "canary: minutes at deployTrafficPercent before the rest of the traffic moves; linear: minutes between steps.",
        default: 2,
        schema: z.number().int().min(0, `must be 0–${MAX_BAKE_MINUTES}`).max(MAX_BAKE_MINUTES, `must be 0–${MAX_BAKE_MINUTES}`),
        example: "5",
    }),
] as const;

/** How the web service deploys (resolved: the tier's default applied). */
export interface DeploySettings {
    strategy: DeployStrategy;
    /** Minutes ECS keeps the old tasks after the last traffic shift (not with rolling). */
    bakeMinutes: number;
    /** canary: traffic first; linear: traffic per step (percent). */
    trafficPercent: number;
    /** canary: minutes before the rest moves; linear: minutes between steps. */
    stepMinutes: number;
}

export interface DeployConfig {
    deployStrategy: DeployStrategy | "";
    deployBakeMinutes: number;
    deployTrafficPercent: number;
    deployStepMinutes: number;
}

/** Traffic steps of a linear deployment: ceil(100 / step). */
export function linearSteps(percent: number): number {
    return Math.ceil(100 / percent);
}

/**
 * Minutes a deployment deliberately waits: the bake time, plus the canary's wait, or a wait after each linear
 * step (ECS docs: "shifts traffic in equal percentage increments with a bake time between each step"; counted
 * after every step, the last included, so this is an upper bound if ECS skips the last one).
 */
export function strategyWaitMinutes(d: DeploySettings): number {
    switch (d.strategy) {
        case "rolling":
            return 0;
        case "blue-green":
            return d.bakeMinutes;
        case "canary":
            return d.stepMinutes + d.bakeMinutes;
        case "linear":
            return linearSteps(d.trafficPercent) * d.stepMinutes + d.bakeMinutes;
    }
}

/** The strategy a stack gets: its own, or its tier's behind an ALB; `rolling` without a load balancer. */
export function deploySettings(d: DeployConfig, tier: Tier, ingress: "alb" | "api", platform: string, stack: string, problems: string[]): DeploySettings {
    const strategy: DeployStrategy = d.deployStrategy || (ingress === "alb" ? TIER_DEFAULTS[tier].deployStrategy : "rolling");
    const s: DeploySettings = { strategy, bakeMinutes: d.deployBakeMinutes, trafficPercent: d.deployTrafficPercent, stepMinutes: d.deployStepMinutes };
    if (platform !== "ecs") {
        if (d.deployStrategy && d.deployStrategy !== "rolling") {
            problems.push(
                `slipway:deployStrategy = ${d.deployStrategy} is ECS's; a ${platform} environment deploys by its own policy. Fix: pulumi config rm slipway:deployStrategy --stack ${stack} and set slipway:beanstalkDeploymentPolicy (e.g. Immutable) instead`,
            );
        }
        return { ...s, strategy: "rolling" };
    }
    if (strategy === "rolling") return s;
    if (ingress !== "alb") {
        problems.push(
            `slipway:deployStrategy = ${strategy} needs a load balancer: ECS shifts traffic between old and new tasks only through Elastic Load Balancing, Service Connect or VPC Lattice, and slipway:ingress api reaches the tasks through Cloud Map. Fix: pulumi config set slipway:ingress alb --stack ${stack} (an ALB, about $16 a month more), or pulumi config set slipway:deployStrategy rolling --stack ${stack} (the container health check and the release alarms still roll a bad deployment back)`,
        );
        return s;
    }
    if (strategy === "linear" && s.trafficPercent < MIN_LINEAR_STEP_PERCENT) {
        problems.push(
            `slipway:deployTrafficPercent = ${s.trafficPercent} is below ECS's smallest linear step (${MIN_LINEAR_STEP_PERCENT} %). Fix: pulumi config set slipway:deployTrafficPercent ${MIN_LINEAR_STEP_PERCENT} --stack ${stack}`,
        );
    }
    const wait = strategyWaitMinutes(s);
    const budget = ECS_DEPLOYMENT_TIMEOUT_MAX_MINUTES - DEPLOY_ACTION_HEADROOM_MINUTES;
    if (wait > budget) {
        const how = strategy === "blue-green" ? "slipway:deployBakeMinutes" : strategy === "canary" ? "slipway:deployStepMinutes + slipway:deployBakeMinutes" : `${linearSteps(s.trafficPercent)} steps × slipway:deployStepMinutes + slipway:deployBakeMinutes`;
        problems.push(
            `slipway:deployStrategy = ${strategy} waits ${wait} minutes (${how}), but the pipeline's ECS deploy action waits at most ${ECS_DEPLOYMENT_TIMEOUT_MAX_MINUTES} minutes for the whole deployment (CodePipeline's quota), ${DEPLOY_ACTION_HEADROOM_MINUTES} of them kept for starting and draining tasks: the stage would fail and roll back while ECS is still baking. Fix: keep the waits within ${budget} minutes, e.g. pulumi config set slipway:deployBakeMinutes ${Math.max(0, budget - (wait - s.bakeMinutes))} --stack ${stack}${strategy === "linear" ? ` or pulumi config set slipway:deployTrafficPercent 50 --stack ${stack}` : ""}`,
        );
    }
    return s;
}

/**
 * The deliberate waits of an environment's deployments, read from its stack file by the delivery stack (which
 * sees only stack files): its strategy as the environment resolves it (the tier's default behind an ALB), its
 * minutes or the keys' defaults. 0 for rolling or an unreadable file. Values the environment would refuse are
 * refused there.
 */
export function deployWaitOfStackFile(config: Record<string, string> | undefined, tier: Tier): number {
    if (!config) return 0;
    const get = (k: string) => config[`slipway:${k}`]?.trim() ?? "";
    const t: Tier = (["production", "staging", "review"] as const).find((x) => x === get("tier")) ?? tier;
    const ingress = get("ingress") === "api" || get("ingress") === "alb" ? (get("ingress") as "alb" | "api") : TIER_DEFAULTS[t].ingress;
    const named = DEPLOY_STRATEGIES.find((x) => x === get("deployStrategy"));
    const strategy: DeployStrategy = named ?? (ingress === "alb" ? TIER_DEFAULTS[t].deployStrategy : "rolling");
    if (strategy === "rolling" || ingress !== "alb") return 0;
    const int = (k: (typeof DEPLOY_STRATEGY_KEYS)[number]["key"]) => {
        const v = Number(get(k));
        const fallback = Number(DEPLOY_STRATEGY_KEYS.find((x) => x.key === k)?.default ?? 0);
        return get(k) !== "" && Number.isInteger(v) && v >= 0 ? v : fallback;
    };
    return strategyWaitMinutes({ strategy, bakeMinutes: int("deployBakeMinutes"), trafficPercent: Math.max(1, int("deployTrafficPercent")), stepMinutes: int("deployStepMinutes") });
}
