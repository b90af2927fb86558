// What the config layer asks of each platform, one entry per platform. The config layer loads before the
// platforms' runtime modules (infra/platforms/index.ts imports @pulumi/aws), so this registry holds only what
// reads config: a new platform adds its entry here beside its runtime entry there.
import type { EnvironmentConfig } from "../config/schema";
import type { DeployTarget, Platform } from "../config/settings";
import type { Tier, TierDefaults } from "../config/tiers";
import { beanstalkHighAvailabilityProblems } from "./beanstalk/settings";
import { beanstalkTargetFacts } from "./beanstalk/target-facts";
import { ecsHighAvailabilityProblems, ecsSizingProblems } from "./ecs/settings";
import { ecsTargetFacts } from "./ecs/target-facts";

/** What a platform's reader fills in of a target (the rest, stack, tier, platform, domain and database, every platform shares). */
export type TargetFacts = Pick<DeployTarget, "release" | "maintenance" | "workers" | "jobs" | "settleMinutes" | "databaseIam" | "images" | "queues" | "secretChoices">;

export interface PlatformConfig {
    /** What the delivery stack reads of a target's stack file on this platform (it sees only stack files). */
    targetFacts(file: Record<string, string> | undefined, tier: Tier): TargetFacts;
    /** The platform's checks of an environment's sizing (e.g. Fargate's cpu/memory pairs). */
    sizingProblems(d: EnvironmentConfig, stack: string): string[];
    /** What slipway:highAvailability needs on this platform: [what is missing, the fix] pairs. */
    highAvailabilityProblems(d: EnvironmentConfig, byTier: TierDefaults): [string, string][];
    /** Whether its release alarms count a target group's unhealthy targets behind this ingress (slipway:alarmUnhealthyTargets applies). */
    countsUnhealthyTargets(ingress: "alb" | "api"): boolean;
}

export const PLATFORM_CONFIG: Record<Platform, PlatformConfig> = {
    // An HTTP API has no unhealthy-target metric (infra/platforms/ecs/alarms.ts).
    ecs: { targetFacts: ecsTargetFacts, sizingProblems: ecsSizingProblems, highAvailabilityProblems: (d) => ecsHighAvailabilityProblems(d), countsUnhealthyTargets: (ingress) => ingress === "alb" },
    // Beanstalk sizes by instance type (its own keys' checks, beanstalkSettings); its release alarm watches
    // enhanced health, not targets (infra/platforms/beanstalk/alarms.ts).
    beanstalk: { targetFacts: beanstalkTargetFacts, sizingProblems: () => [], highAvailabilityProblems: beanstalkHighAvailabilityProblems, countsUnhealthyTargets: () => false },
};
