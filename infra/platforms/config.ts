// What the config layer asks of each platform, one entry per platform. The config layer loads before the
// platforms' runtime modules (infra/platforms/index.ts imports @pulumi/aws), so this registry holds only what
// reads config: a new platform adds its entry here beside its runtime entry there.
import type { EnvironmentConfig } from "../config/schema";
import type { DeployTarget, EnvironmentSettings, Platform } from "../config/settings";
import type { Tier, TierDefaults } from "../config/tiers";
import { beanstalkReleaseProblems } from "./beanstalk/release";
import { beanstalkHighAvailabilityProblems, beanstalkSettings, LISTENER_REACH_WAIVER } from "./beanstalk/settings";
import { beanstalkTargetFacts } from "./beanstalk/target-facts";
import { ecsHighAvailabilityProblems, ecsSizingProblems } from "./ecs/settings";
import { ecsTargetFacts } from "./ecs/target-facts";

/** What a platform's reader fills in of a target (the rest, stack, tier, platform, domain and database, every platform shares). */
export type TargetFacts = Pick<DeployTarget, "release" | "maintenance" | "workers" | "jobs" | "settleMinutes" | "databaseIam" | "images" | "queues" | "secretChoices">;

/** What a platform's own environment settings are read from: the stack's config and its tier's defaults. */
export interface EnvironmentInput {
    d: EnvironmentConfig;
    byTier: TierDefaults;
    tier: Tier;
    stack: string;
    ingress: "alb" | "api";
    /** Whether the stack's slipway:policyWaivers holds `id`, and the hint that tells how to write it. */
    waived(id: string): boolean;
    waiverHint(id: string): string;
}

/** The settings section a platform owns (Beanstalk's `beanstalk`; ECS reads the shared keys only). */
export type OwnSettings = Pick<EnvironmentSettings, "beanstalk">;

/** How an environment serves traffic: what the checks every platform shares need to know of it. */
export interface Serving {
    /** Behind a load balancer: an ALB, which needs subnets in two zones and holds the certificate on its listener. */
    loadBalanced: boolean;
    /** Its endpoint is HTTPS with no certificate of ours (an HTTP API's execute-api). */
    httpsBuiltIn: boolean;
    /** What would serve plain HTTP without a certificate, in messages. */
    frontDoor: string;
    /** One instance with no load balancer, so nothing can hold a certificate: the key that chose it and its fix. */
    singleInstance?: { chosenBy: string; fix: string };
}

export interface PlatformConfig {
    /** What the delivery stack reads of a target's stack file on this platform (it sees only stack files). */
    targetFacts(file: Record<string, string> | undefined, tier: Tier): TargetFacts;
    /** The platform's checks of an environment's sizing (e.g. Fargate's cpu/memory pairs). */
    sizingProblems(d: EnvironmentConfig, stack: string): string[];
    /** What slipway:highAvailability needs on this platform: [what is missing, the fix] pairs. */
    highAvailabilityProblems(d: EnvironmentConfig, byTier: TierDefaults): [string, string][];
    /** Whether its release alarms count a target group's unhealthy targets behind this ingress (slipway:alarmUnhealthyTargets applies). */
    countsUnhealthyTargets(ingress: "alb" | "api"): boolean;
    /** The platform's own settings of an environment, with their problems, and how it serves traffic. */
    environment(input: EnvironmentInput, problems: string[]): { own: OwnSettings; serving: Serving };
}

export const PLATFORM_CONFIG: Record<Platform, PlatformConfig> = {
    ecs: {
        targetFacts: ecsTargetFacts,
        sizingProblems: ecsSizingProblems,
        highAvailabilityProblems: (d) => ecsHighAvailabilityProblems(d),
        // An HTTP API has no unhealthy-target metric (infra/platforms/ecs/alarms.ts).
        countsUnhealthyTargets: (ingress) => ingress === "alb",
        environment: ({ ingress }) => ({ own: {}, serving: { loadBalanced: ingress === "alb", httpsBuiltIn: ingress === "api", frontDoor: "the load balancer" } }),
    },
    beanstalk: {
        targetFacts: beanstalkTargetFacts,
        // Beanstalk sizes by instance type (its own keys' checks, beanstalkSettings).
        sizingProblems: () => [],
        highAvailabilityProblems: beanstalkHighAvailabilityProblems,
        // Its release alarm watches enhanced health, not targets (infra/platforms/beanstalk/alarms.ts).
        countsUnhealthyTargets: () => false,
        environment: (input, problems) => {
            const reach = { waived: input.waived(LISTENER_REACH_WAIVER), waiverHint: input.waiverHint(LISTENER_REACH_WAIVER), review: input.tier === "review" };
            const beanstalk = beanstalkSettings(input.byTier, input.d, input.stack, problems, reach);
            problems.push(...beanstalkReleaseProblems(input.d.releaseCommand, beanstalk, input.stack));
            const single = beanstalk.environmentType === "SingleInstance";
            return {
                own: { beanstalk },
                serving: {
                    loadBalanced: beanstalk.environmentType === "LoadBalanced",
                    httpsBuiltIn: false,
                    frontDoor: "the Beanstalk load balancer",
                    ...(single ? { singleInstance: { chosenBy: "slipway:beanstalkEnvironmentType is SingleInstance", fix: `pulumi config set slipway:beanstalkEnvironmentType LoadBalanced --stack ${input.stack}` } } : {}),
                },
            };
        },
    },
};
