// Elastic Beanstalk's stack config keys and what they allow (instance types, deployment policies,
// EB's own log retention list). Light on purpose (zod only): infra/config/schema.ts adds these keys.
import { z } from "zod";
import { key } from "../../config/keys";
import type { EnvironmentConfig } from "../../config/schema";
import { TIER_DEFAULTS, type Tier, type TierDefaults } from "../../config/tiers";

export type BeanstalkEnvironmentType = (typeof BEANSTALK_ENVIRONMENT_TYPES)[number];
export type BeanstalkDeploymentPolicy = (typeof BEANSTALK_DEPLOYMENT_POLICIES)[number];

/** Elastic Beanstalk sizing and rollout, with the tier-dependent defaults already applied. */
export interface BeanstalkSettings {
    instanceTypes: string[];
    environmentType: BeanstalkEnvironmentType;
    minInstances: number;
    maxInstances: number;
    deploymentPolicy: BeanstalkDeploymentPolicy;
    batchSizePercent: number;
    /** TrafficSplitting: the share of traffic the new instances get first (NewVersionPercent), percent. */
    trafficPercent: number;
    /** TrafficSplitting: minutes EB watches the new instances before moving the rest of the traffic (EvaluationTime). */
    evaluationMinutes: number;
    solutionStackRegex: string;
    /** `Day:HH:MM` UTC start of the weekly managed-update window. */
    maintenanceWindow: string;
}

/**
 * EC2 families accepted for Beanstalk instances: current x86_64 general-purpose, compute- and memory-
 * optimised families (EC2 "Instance types" naming: family, then size). Graviton (`…g`) families are
 * left out on purpose: the pipeline builds x86_64 images (CodeBuild amazonlinux-x86_64), and an
 * environment's InstanceTypes must share one architecture.
 */
export const BEANSTALK_INSTANCE_FAMILIES = [
    "t3", "t3a", "m5", "m5a", "m6i", "m6a", "m7i", "m7a", "c5", "c5a", "c6i", "c6a", "c7i", "c7a", "r5", "r5a", "r6i", "r6a", "r7i", "r7a",
];
/** Burstable (t) families come from nano up; the others start at large (EC2 instance type tables). */
const BURSTABLE_SIZES = ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge"];
const FIXED_SIZES = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"];

/** True when `name` is `<family>.<size>` with a family and size from the lists above. */
export function isBeanstalkInstanceType(name: string): boolean {
    const [family, size, extra] = name.split(".");
    if (extra !== undefined || !BEANSTALK_INSTANCE_FAMILIES.includes(family)) return false;
    return (family.startsWith("t") ? BURSTABLE_SIZES : FIXED_SIZES).includes(size);
}

/** RetentionInDays values of `aws:elasticbeanstalk:cloudwatch:logs` (EB "General options for all environments"). */
export const BEANSTALK_LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653];

/** `aws:elasticbeanstalk:command` DeploymentPolicy values (EB "General options for all environments"). */
export const BEANSTALK_DEPLOYMENT_POLICIES = ["AllAtOnce", "Rolling", "RollingWithAdditionalBatch", "Immutable", "TrafficSplitting"] as const;
/**
 * `aws:elasticbeanstalk:trafficsplitting` (EB Developer Guide, "General options for all environments"):
 * NewVersionPercent 1–100 (default 10), EvaluationTime 3–600 minutes (default 5).
 */
export const BEANSTALK_TRAFFIC_PERCENT = { min: 1, max: 100, default: 10 } as const;
export const BEANSTALK_EVALUATION_MINUTES = { min: 3, max: 600, default: 5 } as const;

/**
 * The pipeline's Elastic Beanstalk deploy action times out after an hour: CodePipeline User Guide,
 * "Quotas in AWS CodePipeline", length of time before an action times out, "All other actions: 1 hour"
 * (only the CloudFormation, CodeDeploy, Lambda, S3, manual approval and ECS actions are listed apart).
 */
export const BEANSTALK_ACTION_TIMEOUT_MINUTES = 60;
/**
 * Of that hour, what a traffic-splitting deployment needs besides its evaluation: launching the full new
 * set of instances and passing health checks, bounded by EB's command timeout (aws:elasticbeanstalk:command
 * Timeout, default 600 s, "Elastic Beanstalk internally adds 240 seconds": 14 minutes), then moving the
 * rest of the traffic, moving the instances into the environment's group and terminating the old ones
 * (no published figure: 6 minutes kept).
 */
export const BEANSTALK_TRAFFIC_SPLIT_OVERHEAD_MINUTES = 14 + 6;
/** The longest evaluation the pipeline's deploy action can wait through. */
export const MAX_PIPELINE_EVALUATION_MINUTES = BEANSTALK_ACTION_TIMEOUT_MINUTES - BEANSTALK_TRAFFIC_SPLIT_OVERHEAD_MINUTES;

/** `aws:elasticbeanstalk:environment` EnvironmentType values. */
export const BEANSTALK_ENVIRONMENT_TYPES = ["SingleInstance", "LoadBalanced"] as const;

/** Beanstalk's keys (environment stacks on slipway:platform beanstalk; docs/beanstalk.md). */
export const BEANSTALK_KEYS = [
    key({
        key: "beanstalkInstanceTypes",
        roles: ["environment"],
        type: "array",
        description: "Beanstalk: EC2 instance types, first preferred (x86_64 families such as t3, m6i, c7i).",
        default: ["t3.small"],
        schema: z
            .array(
                z.string().refine(isBeanstalkInstanceType, {
                    error: `must be x86_64 EC2 instance type names like t3.small or m6i.large (families: ${BEANSTALK_INSTANCE_FAMILIES.join(", ")})`,
                }),
            )
            .min(1, "must list at least one instance type")
            .max(10, "must list at most 10 instance types")
            .refine((a) => new Set(a).size === a.length, "must not repeat an instance type"),
        example: '["t3.small"]',
    }),
    key({
        key: "beanstalkEnvironmentType",
        byTier: true,
        roles: ["environment"],
        type: "string",
        description: "Beanstalk: `SingleInstance` (no load balancer) or `LoadBalanced` (ALB, autoscaling). Empty: LoadBalanced for the production tier, SingleInstance otherwise.",
        default: "",
        schema: z.enum(["", ...BEANSTALK_ENVIRONMENT_TYPES], { error: `must be one of ${BEANSTALK_ENVIRONMENT_TYPES.join(", ")} (or empty: by tier)` }),
        example: "LoadBalanced",
    }),
    key({
        key: "beanstalkMinInstances",
        roles: ["environment"],
        type: "integer",
        description: "Beanstalk, load-balanced: autoscaling floor (instances).",
        default: 2,
        schema: z.number().int().min(1, "must be at least 1").max(100, "must be at most 100"),
        example: "2",
    }),
    key({
        key: "beanstalkMaxInstances",
        roles: ["environment"],
        type: "integer",
        description: "Beanstalk, load-balanced: autoscaling ceiling (instances).",
        default: 4,
        schema: z.number().int().min(1, "must be at least 1").max(100, "must be at most 100"),
        example: "4",
    }),
    key({
        key: "beanstalkDeploymentPolicy",
        byTier: true,
        roles: ["environment"],
        type: "string",
        description: "Beanstalk: how a new version rolls out (AllAtOnce, Rolling, RollingWithAdditionalBatch, Immutable, TrafficSplitting). Empty: Immutable for the production tier, AllAtOnce otherwise.",
        default: "",
        schema: z.enum(["", ...BEANSTALK_DEPLOYMENT_POLICIES], { error: `must be one of ${BEANSTALK_DEPLOYMENT_POLICIES.join(", ")} (or empty: by tier)` }),
        example: "Immutable",
    }),
    key({
        key: "beanstalkBatchSizePercent",
        roles: ["environment"],
        type: "integer",
        description: "Beanstalk: share of instances updated per batch in Rolling deployments, in percent.",
        default: 50,
        schema: z.number().int().min(1, "must be 1–100").max(100, "must be 1–100"),
        example: "30",
    }),
    key({
        key: "beanstalkTrafficPercent",
        roles: ["environment"],
        type: "integer",
        description: "Beanstalk, TrafficSplitting: the percentage of traffic the new version's instances get first, for beanstalkEvaluationMinutes (EB's NewVersionPercent).",
        default: BEANSTALK_TRAFFIC_PERCENT.default,
        schema: z
            .number()
            .int()
            .min(BEANSTALK_TRAFFIC_PERCENT.min, `must be ${BEANSTALK_TRAFFIC_PERCENT.min}–${BEANSTALK_TRAFFIC_PERCENT.max} (EB's NewVersionPercent)`)
            .max(BEANSTALK_TRAFFIC_PERCENT.max, `must be ${BEANSTALK_TRAFFIC_PERCENT.min}–${BEANSTALK_TRAFFIC_PERCENT.max} (EB's NewVersionPercent)`),
        example: "20",
    }),
    key({
        key: "beanstalkEvaluationMinutes",
        roles: ["environment"],
        type: "integer",
        description: `Beanstalk, TrafficSplitting: minutes EB watches the new instances' health at beanstalkTrafficPercent before it moves all traffic to them (EB's EvaluationTime; at most ${MAX_PIPELINE_EVALUATION_MINUTES} for the pipeline's one-hour deploy action).`,
        default: BEANSTALK_EVALUATION_MINUTES.default,
        schema: z
            .number()
            .int()
            .min(BEANSTALK_EVALUATION_MINUTES.min, `must be ${BEANSTALK_EVALUATION_MINUTES.min}–${BEANSTALK_EVALUATION_MINUTES.max} (EB's EvaluationTime, minutes)`)
            .max(BEANSTALK_EVALUATION_MINUTES.max, `must be ${BEANSTALK_EVALUATION_MINUTES.min}–${BEANSTALK_EVALUATION_MINUTES.max} (EB's EvaluationTime, minutes)`),
        example: "10",
    }),
    key({
        key: "beanstalkSolutionStackRegex",
        roles: ["environment"],
        type: "string",
        description: "Beanstalk: regular expression picking the newest matching platform (solution stack) name.",
        default: "^64bit Amazon Linux 2023 (.*) running Docker$",
        schema: z
            .string()
            .refine((v) => {
                try {
                    new RegExp(v);
                    return true;
                } catch {
                    return false;
                }
            }, "must be a valid regular expression")
            .refine((v) => /Amazon Linux 2023/.test(v) && /running Docker/.test(v), "must select the Docker platform on Amazon Linux 2023 (mention 'Amazon Linux 2023' and 'running Docker')"),
        example: "^64bit Amazon Linux 2023 (.*) running Docker$",
    }),
    key({
        key: "beanstalkMaintenanceWindow",
        roles: ["environment"],
        type: "string",
        description: "Beanstalk: weekly start of the managed platform update window, `Day:HH:MM` in UTC (e.g. Sun:03:00).",
        default: "Sun:03:00",
        schema: z
            .string()
            .regex(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d$/, "must be Day:HH:MM in UTC, with Day one of Mon Tue Wed Thu Fri Sat Sun (e.g. Sun:03:00)"),
        example: "Sun:03:00",
    }),
] as const;

/**
 * Beanstalk settings with the tier's defaults applied (infra/config/tiers.ts: production gets a
 * load-balanced environment with immutable deployments; staging and review a single instance, the
 * cheapest shape, with all-at-once deployments), and the checks across Beanstalk's keys.
 */
/**
 * TrafficSplitting's reach: EB re-weights its load balancer's listener and rules through CloudFormation with the
 * caller's credentials, and CloudFormation can tag neither (AWS::ElasticLoadBalancingV2::Listener and
 * ::ListenerRule: `taggable: false` in CloudFormation's resource schemas), while EB names the load balancer itself
 * (`awseb-AWSEB-…`). The rights can only name every EB-made ALB's listeners and rules in the account and region,
 * so the policy needs the stack's written waiver, and review stacks (one deploy role for all) may not use it.
 */
export const LISTENER_REACH_WAIVER = "beanstalk-listener-reach";

export function beanstalkSettings(
    byTier: TierDefaults,
    d: EnvironmentConfig,
    stack: string,
    problems: string[],
    reach: { waived: boolean; waiverHint: string; review: boolean } = { waived: false, waiverHint: "", review: false },
): BeanstalkSettings {
    const environmentType = d.beanstalkEnvironmentType || byTier.beanstalkEnvironmentType;
    const deploymentPolicy = d.beanstalkDeploymentPolicy || byTier.beanstalkDeploymentPolicy;
    const min = d.beanstalkMinInstances;
    const max = d.beanstalkMaxInstances;
    // EB "Deployment policies and settings": a single-instance environment supports AllAtOnce and Immutable
    // only; "Traffic-splitting deployments require an Application Load Balancer" (slipway's load-balanced
    // environments always have one: LoadBalancerType application).
    if (environmentType === "SingleInstance" && deploymentPolicy === "TrafficSplitting") {
        problems.push(
            `slipway:beanstalkDeploymentPolicy = "TrafficSplitting" needs an Application Load Balancer to split traffic between the old and new instances; a SingleInstance environment has none. Fix: pulumi config set slipway:beanstalkEnvironmentType LoadBalanced --stack ${stack} (an ALB and at least beanstalkMinInstances instances), or pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack ${stack}`,
        );
    } else if (environmentType === "SingleInstance" && !["AllAtOnce", "Immutable"].includes(deploymentPolicy)) {
        problems.push(
            `slipway:beanstalkDeploymentPolicy = "${deploymentPolicy}" needs a load balancer; a SingleInstance environment allows AllAtOnce or Immutable. Fix: pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack ${stack} (or pulumi config set slipway:beanstalkEnvironmentType LoadBalanced --stack ${stack})`,
        );
    }
    if (deploymentPolicy === "TrafficSplitting" && environmentType === "LoadBalanced" && reach.review) {
        problems.push(
            `slipway:beanstalkDeploymentPolicy = "TrafficSplitting" on a review stack: review stacks share one deploy role, and TrafficSplitting's load-balancer rights cannot be held to one stack (CloudFormation cannot tag EB's listeners and rules). Fix: pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack ${stack}`,
        );
    } else if (deploymentPolicy === "TrafficSplitting" && environmentType === "LoadBalanced" && !reach.waived) {
        problems.push(
            `slipway:beanstalkDeploymentPolicy = "TrafficSplitting" lets this stack's deploy role and the pipeline role re-weight the listeners and rules of every load balancer Elastic Beanstalk made in the account and region: EB changes them through CloudFormation, which cannot tag them, so no IAM condition can hold the rights to this environment's. Fix: pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack ${stack} (a full new set of instances, no traffic split), or accept the reach with a written reason: ${reach.waiverHint}`,
        );
    }
    // EB streams logs with its own RetentionInDays list, shorter than CloudWatch's (aws:elasticbeanstalk:cloudwatch:logs).
    const days = d.logRetentionDays;
    if (!BEANSTALK_LOG_RETENTION_DAYS.includes(days)) {
        problems.push(
            `slipway:logRetentionDays = ${days} is not one Elastic Beanstalk accepts: it must be one of ${BEANSTALK_LOG_RETENTION_DAYS.join(", ")}. Fix: pulumi config set slipway:logRetentionDays 30 --stack ${stack}`,
        );
    }
    // The pipeline's deploy action waits for the whole deployment, evaluation included, for an hour at most.
    if (deploymentPolicy === "TrafficSplitting" && d.beanstalkEvaluationMinutes > MAX_PIPELINE_EVALUATION_MINUTES) {
        problems.push(
            `slipway:beanstalkEvaluationMinutes = ${d.beanstalkEvaluationMinutes} is longer than the pipeline can wait: its Elastic Beanstalk deploy action times out after ${BEANSTALK_ACTION_TIMEOUT_MINUTES} minutes (CodePipeline's quota), and launching the new instances and moving the rest of the traffic need ${BEANSTALK_TRAFFIC_SPLIT_OVERHEAD_MINUTES} of them, so the stage would fail while EB is still evaluating. Fix: pulumi config set slipway:beanstalkEvaluationMinutes ${MAX_PIPELINE_EVALUATION_MINUTES} --stack ${stack}`,
        );
    }
    if (environmentType === "LoadBalanced" && min > max) {
        problems.push(
            `slipway:beanstalkMinInstances = ${min} is greater than slipway:beanstalkMaxInstances = ${max}. Fix: pulumi config set slipway:beanstalkMaxInstances ${min} --stack ${stack}`,
        );
    }
    return {
        instanceTypes: d.beanstalkInstanceTypes,
        environmentType,
        minInstances: min,
        maxInstances: max,
        deploymentPolicy,
        batchSizePercent: d.beanstalkBatchSizePercent,
        trafficPercent: d.beanstalkTrafficPercent,
        evaluationMinutes: d.beanstalkEvaluationMinutes,
        solutionStackRegex: d.beanstalkSolutionStackRegex,
        maintenanceWindow: d.beanstalkMaintenanceWindow,
    };
}

/** What `highAvailability: true` needs of a Beanstalk environment: [what is wrong, the command that fixes it]. */
export function beanstalkHighAvailabilityProblems(d: EnvironmentConfig, byTier: TierDefaults): [string, string][] {
    const found: [string, string][] = [];
    if ((d.beanstalkEnvironmentType || byTier.beanstalkEnvironmentType) === "SingleInstance") found.push(["the Beanstalk environment is SingleInstance", "pulumi config set slipway:beanstalkEnvironmentType LoadBalanced"]);
    if (d.beanstalkMinInstances < 2) found.push([`slipway:beanstalkMinInstances is ${d.beanstalkMinInstances}`, "pulumi config set slipway:beanstalkMinInstances 2"]);
    return found;
}

/**
 * The minutes a Beanstalk environment's deployments deliberately wait, read from its stack file by the
 * delivery stack (which sees only stack files): its TrafficSplitting evaluation time (the key or its
 * default), 0 for any other policy or an unreadable file. Values the environment would refuse are
 * refused there.
 */
export function beanstalkEvaluationOfStackFile(config: Record<string, string> | undefined, tier: Tier): number {
    if (!config) return 0;
    const get = (k: string) => config[`slipway:${k}`]?.trim() ?? "";
    const t: Tier = (["production", "staging", "review"] as const).find((x) => x === get("tier")) ?? tier;
    const policy = get("beanstalkDeploymentPolicy") || TIER_DEFAULTS[t].beanstalkDeploymentPolicy;
    if (policy !== "TrafficSplitting") return 0;
    const v = Number(get("beanstalkEvaluationMinutes"));
    return get("beanstalkEvaluationMinutes") !== "" && Number.isInteger(v) && v > 0 ? v : BEANSTALK_EVALUATION_MINUTES.default;
}
