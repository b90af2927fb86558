// What each tier gets when a stack leaves a by-tier key empty (KeySpec.byTier), in one place.
// production: a load balancer with HTTPS, immutable deploys, canary releases on ECS, protected data,
// Container Insights; staging and review: the cheapest and fastest shapes (an HTTP API instead of an
// ALB, a single Beanstalk instance, all-at-once and rolling deploys) and nothing kept on destroy. Review stacks run staging's image.
export type Tier = "production" | "staging" | "review";

export interface TierDefaults {
    /** slipway:ingress (ECS): `alb` or `api`. */
    ingress: "alb" | "api";
    beanstalkEnvironmentType: "SingleInstance" | "LoadBalanced";
    /** slipway:beanstalkDeploymentPolicy (a tier may default to any policy its environment type allows). */
    beanstalkDeploymentPolicy: "AllAtOnce" | "Immutable" | "TrafficSplitting";
    /**
     * slipway:deployStrategy (ECS behind an ALB; infra/platforms/ecs/strategy-settings.ts). Without a load
     * balancer (the HTTP API) ECS cannot shift traffic, so an empty key means `rolling` there whatever the tier.
     */
    deployStrategy: "rolling" | "blue-green" | "canary" | "linear";
    /** slipway:imageStack: whose last verified image the stack runs; undefined: its own. */
    imageStack?: string;
    /** Keep secrets, logs and data through a destroy (Pulumi protect, deletion protection). */
    protect: boolean;
    /** ECS Container Insights (per-task metrics; billed as custom metrics). */
    containerInsights: boolean;
    /** ECS workers run their minimum (desiredCount = minCount), whatever the stack file's desiredCount. */
    workersAtMinimum: boolean;
}

export const TIER_DEFAULTS: Record<Tier, TierDefaults> = {
    production: { ingress: "alb", beanstalkEnvironmentType: "LoadBalanced", beanstalkDeploymentPolicy: "Immutable", deployStrategy: "canary", protect: true, containerInsights: true, workersAtMinimum: false },
    staging: { ingress: "api", beanstalkEnvironmentType: "SingleInstance", beanstalkDeploymentPolicy: "AllAtOnce", deployStrategy: "rolling", protect: false, containerInsights: false, workersAtMinimum: false },
    review: { ingress: "api", beanstalkEnvironmentType: "SingleInstance", beanstalkDeploymentPolicy: "AllAtOnce", deployStrategy: "rolling", imageStack: "staging", protect: false, containerInsights: false, workersAtMinimum: true },
};

/** `production`, `prod`, or a name ending in `-production` / `-prod`. */
export function isProductionName(stack: string): boolean {
    return /^(.+-)?(production|prod)$/.test(stack);
}

/** `review` (the review template stack) or `review-*` (a pull request's stack). */
export function isReviewName(stack: string): boolean {
    return stack === "review" || stack.startsWith("review-");
}

/** The tier a stack name implies when slipway:tier is empty. */
export function tierForStack(stack: string): Tier {
    if (isProductionName(stack)) return "production";
    if (isReviewName(stack)) return "review";
    return "staging";
}
