// The delivery stack's readers of its targets' stack files, one per platform. The config layer loads before the
// platforms' runtime modules (infra/platforms/index.ts imports @pulumi/aws), so this registry holds only the
// stack-file readers; a new platform adds its reader here beside its entry there.
import type { DeployTarget, Platform } from "../config/settings";
import type { Tier } from "../config/tiers";
import { beanstalkTargetFacts } from "./beanstalk/target-facts";
import { ecsTargetFacts } from "./ecs/target-facts";

/** What a platform's reader fills in of a target (the rest, stack, tier, platform, domain and database, every platform shares). */
export type TargetFacts = Pick<DeployTarget, "release" | "maintenance" | "workers" | "jobs" | "settleMinutes" | "databaseIam" | "images" | "queues" | "secretChoices">;

export const TARGET_FACTS: Record<Platform, (file: Record<string, string> | undefined, tier: Tier) => TargetFacts> = {
    ecs: ecsTargetFacts,
    beanstalk: beanstalkTargetFacts,
};
