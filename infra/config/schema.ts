// The one table of slipway's stack config keys. Pulumi.yaml's `config:` block, the README's key table
// and the validator in config.ts are all derived from it, so a key cannot be declared in one place and
// forgotten in another (test/config.test.ts checks Pulumi.yaml is in sync).
import { z } from "zod";
import { STACK_FILE_CHECKS } from "../../policy/kit";
import { PLATFORM_NAMES } from "../platforms/platform";

export type Role = (typeof ROLES)[number];
export type ValueType = "string" | "integer" | "boolean" | "array" | "map";

export interface KeySpec {
    /** Key name without the `slipway:` namespace. */
    key: string;
    /** Stack roles that read the key. */
    roles: Role[];
    type: ValueType;
    description: string;
    /** Default written to Pulumi.yaml. Undefined: the key must be set in every stack. */
    default?: string | number | boolean | string[];
    /** True when the default is an empty placeholder and the role(s) that read it need a real value. */
    requiredFor?: Role[];
    /** Validates the decoded value. Its message says what is allowed. */
    schema: z.ZodType;
    /** Example value used in "how to set it" hints. */
    example: string;
    /** Map of `secure:` values (set with `pulumi config set --secret --path`). */
    secretValues?: boolean;
}

const lowerName = (max: number) =>
    z
        .string()
        .regex(
            new RegExp(`^[a-z][a-z0-9-]{0,${max - 2}}[a-z0-9]$`),
            `must be 2–${max} characters of a–z, 0–9 and '-', starting with a letter and not ending with '-'`,
        );

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

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** CodeBuild compute types for Linux containers (on-demand, non-ARM). */
export const CODEBUILD_COMPUTE_TYPES = ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"];

/** Where an environment runs its container (infra/platforms): ECS Fargate or Elastic Beanstalk's Docker platform. */
export const PLATFORMS = PLATFORM_NAMES;

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
/** `aws:elasticbeanstalk:environment` EnvironmentType values. */
export const BEANSTALK_ENVIRONMENT_TYPES = ["SingleInstance", "LoadBalanced"] as const;

const envVarName = z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, "names must be UPPER_SNAKE_CASE environment variable names");

/** ARN of `service` whose resource part matches `resource`; `example` is what the message shows. IAM ARNs have no region. */
const arn = (service: string, resource: string, example: string) =>
    z
        .string()
        .regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:\\d{12}:${resource}`), `must be an ARN like ${example}`);

const optional = (schema: z.ZodType) => z.union([z.literal(""), schema]);

export const ROLES = ["delivery", "environment"] as const;

/** Who approves a production deploy (see productionGate). */
export const PRODUCTION_GATES = ["github-reviewers", "pipeline-approval"] as const;

/**
 * Checks config.ts makes before any resource exists that a stack may waive in slipway:policyWaivers,
 * like a policy rule, with a written reason. No policy rule carries these ids.
 */
/** The config checks a stack may waive (ids and what each means: policy/kit.ts, beside the pack's rules). */
export const CONFIG_WAIVERS: Record<string, string> = Object.fromEntries(
    Object.entries(STACK_FILE_CHECKS).filter(([id]) => id !== "stack-secrets-provider"),
);

/**
 * VPC CIDR sizes: AWS allows /16 to /28 for a VPC ("VPC CIDR blocks", Amazon VPC User Guide) and /28
 * as the smallest subnet; an Application Load Balancer's subnets need /27 or larger with 8 free
 * addresses (ELB "Subnets for your load balancer"). Network splits the VPC into subnets two bits longer.
 */
export const VPC_PREFIX = { min: 16, max: 28, smallestSubnet: 28, smallestLoadBalancerSubnet: 27, subnetExtraBits: 2 };

/**
 * AWS Regions slipway accepts for aws:region. Source: AWS "Regions and Availability Zones"
 * (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html), checked on
 * AWS_REGIONS_CHECKED against the Region values AWS's own APIs list (AWS Security Incident Response
 * ImpactedAwsRegion, docs.aws.amazon.com/security-ir/latest/APIReference/API_ImpactedAwsRegion.html) and
 * @pulumi/aws 7.48.0's Region enum. Opt-in regions (launched after 2019-03-20) must be enabled in the
 * account first. Isolated (ISO) regions are not public and are left out. When AWS opens a region, add it.
 */
export const AWS_REGIONS_CHECKED = "2026-12-01";
export const AWS_REGIONS = {
    commercial: [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        "af-south-1",
        "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
        "ca-central-1", "ca-west-1",
        "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
    ],
    /** AWS GovCloud (US): a separate partition (arn:aws-us-gov) and account. */
    govCloud: ["us-gov-east-1", "us-gov-west-1"],
    /** China, operated by Sinnet (Beijing) and NWCD (Ningxia): partition arn:aws-cn. */
    china: ["cn-north-1", "cn-northwest-1"],
    /** AWS European Sovereign Cloud (Brandenburg, opened 2026-01-15): partition arn:aws-eusc. */
    europeanSovereignCloud: ["eusc-de-east-1"],
};
export const ALL_AWS_REGIONS: string[] = Object.values(AWS_REGIONS).flat();

/**
 * GitHub Actions secret names (GitHub "Secrets reference", docs.github.com/en/actions/reference/security/secrets,
 * checked 2026-12-01): letters, digits and `_`, not starting with a digit or with `GITHUB_`; case-insensitive
 * (GitHub stores them upper-cased), unique per environment, at most 100 per environment. The page states no
 * length limit; 255 characters is slipway's own bound.
 */
export const GITHUB_SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const GITHUB_SECRET_NAME_MAX = 255;
export const GITHUB_ENVIRONMENT_SECRETS_MAX = 100;
/** GitHub environments the delivery stack may hold CI secrets for, besides each pipeline stack. */
export const CI_SECRET_EXTRA_ENVIRONMENTS = ["review", "preview"];

export const CONFIG_KEYS: KeySpec[] = [
    // --- every stack ---------------------------------------------------------------------------------
    {
        key: "appName",
        roles: ["delivery", "environment"],
        type: "string",
        description: "Short name of the app; prefixes every named resource (2–20 chars, a-z 0-9 -).",
        schema: lowerName(20),
        example: "shop",
    },
    {
        key: "role",
        roles: ["delivery", "environment"],
        type: "string",
        description: "What this stack declares: `delivery` (registry, build, pipeline and GitHub settings, once per app) or `environment` (staging, production, review stacks). Required in every stack file: slipway does not guess it from the stack name.",
        default: "",
        requiredFor: ["delivery", "environment"],
        schema: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
        example: "environment",
    },
    {
        key: "policyWaivers",
        roles: ["delivery", "environment"],
        type: "map",
        description: `Policy rules (and config checks: ${Object.keys(CONFIG_WAIVERS).join(", ")}) this stack waives, each with the written reason: RULE_ID: why (see README, Security). An empty reason is not a waiver.`,
        schema: z.record(
            z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "rule ids are lower-case words joined by '-'"),
            z.string().trim().min(10, "each waiver needs a written reason of at least 10 characters"),
        ),
        example: "ecr-tags-immutable",
    },
    // --- delivery ------------------------------------------------------------------------------------
    {
        key: "githubOwner",
        roles: ["delivery"],
        type: "string",
        description: "GitHub user or organisation that owns the app repository.",
        default: "",
        requiredFor: ["delivery"],
        schema: z
            .string()
            .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, "must be a GitHub user or organisation name (1–39 letters, digits, single hyphens)"),
        example: "acme",
    },
    {
        key: "githubRepo",
        roles: ["delivery"],
        type: "string",
        description: "Name of the app repository (without the owner).",
        default: "",
        requiredFor: ["delivery"],
        schema: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "must be a GitHub repository name (letters, digits, '.', '_', '-')").refine((v) => v !== "." && v !== "..", "must not be '.' or '..'"),
        example: "shop",
    },
    {
        key: "infraRepository",
        roles: ["delivery"],
        type: "string",
        description: "`owner/repo` holding this Pulumi program and its workflows, when it is not the app repository: the OIDC roles trust it and its Actions get the role variables and ciSecrets. Empty: the app repository.",
        default: "",
        schema: optional(
            z
                .string()
                .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9._-]{1,100}$/, "must be owner/repo"),
        ),
        example: "acme/platform",
    },
    {
        key: "productionReviewers",
        roles: ["delivery"],
        type: "array",
        description: "GitHub users who must approve a production deployment (the `production` environment of the infra repository; no self-review, no admin bypass). Required while productionGate is `github-reviewers`.",
        default: [],
        schema: z
            .array(z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, "must list GitHub user names"))
            .max(6, "must list at most 6 reviewers (GitHub's limit per environment)"),
        example: '["alice","bob"]',
    },
    {
        key: "productionGate",
        roles: ["delivery"],
        type: "string",
        // GitHub "Managing environments for deployment" (docs.github.com/en/actions/how-tos/deploy/
        // configure-and-manage-deployments/manage-environments, checked 2026-12-01): environments and
        // environment secrets in private repositories need GitHub Pro, Team or Enterprise; on Free, Pro
        // and Team, required reviewers (and wait timers) work only in public repositories.
        description:
            "What stops an unreviewed `pulumi up` of production. `github-reviewers`: the production GitHub environment's required reviewers (productionReviewers) approve each deploy; needs a public repository, or GitHub Enterprise for a private one. `pipeline-approval`: for private repositories on GitHub Free, Pro or Team, where required reviewers are unavailable: CodePipeline's manual approval stays the gate and productionReviewers may be empty (GitHub Free has no environments at all in private repositories).",
        default: "github-reviewers",
        schema: z.enum(PRODUCTION_GATES, { error: `must be one of ${PRODUCTION_GATES.join(", ")}` }),
        example: "pipeline-approval",
    },
    {
        key: "pulumiBackendUrl",
        roles: ["delivery"],
        type: "string",
        description: "State backend the workflows log in to. Empty: Pulumi Cloud (PULUMI_ACCESS_TOKEN). `s3://bucket[/prefix]`: the CI roles get read/write on that bucket prefix.",
        default: "",
        schema: optional(z.string().regex(/^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._\/-]*)?(\?[A-Za-z0-9=&_.-]*)?|https:\/\/[A-Za-z0-9.-]+(\/.*)?)$/, "must be s3://bucket[/prefix] or an https:// Pulumi Cloud URL")),
        example: "s3://acme-pulumi-state/shop",
    },
    {
        key: "githubBranch",
        roles: ["delivery"],
        type: "string",
        description: "Release branch: only pushes to it start the pipeline and publish an image.",
        default: "main",
        schema: z
            .string()
            .regex(/^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/$)[A-Za-z0-9._\/-]{1,200}$/, "must be a valid git branch name (no spaces, '..', '//', leading or trailing '/')"),
        example: "main",
    },
    {
        key: "connectionArn",
        roles: ["delivery"],
        type: "string",
        description: "ARN of the AWS CodeConnections (CodeStar) connection to GitHub; approve it once in the console.",
        default: "",
        requiredFor: ["delivery"],
        schema: z
            .string()
            .regex(
                /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/,
                "must be a connection ARN like arn:aws:codeconnections:<region>:<account>:connection/<uuid>",
            ),
        example: "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    },
    {
        key: "pipelineStacks",
        roles: ["delivery"],
        type: "array",
        description: "Environment stacks the pipeline deploys, in order; the last is production and is gated by a manual approval.",
        default: ["staging", "production"],
        schema: z
            .array(lowerName(20))
            .min(1, "must list at least one environment stack")
            .max(4, "must list at most 4 environment stacks")
            .refine((a) => new Set(a).size === a.length, "must not repeat a stack"),
        example: '["staging","production"]',
    },
    {
        key: "notificationEmails",
        roles: ["delivery"],
        type: "array",
        description: "Email addresses subscribed to pipeline events and approval requests (each confirms once).",
        default: [],
        schema: z.array(z.email("must be an email address")).max(10, "must list at most 10 addresses"),
        example: '["oncall@example.com"]',
    },
    {
        key: "testCommand",
        roles: ["delivery"],
        type: "string",
        description: "Shell command that runs the app's tests in the build stage, before the image is built. Empty: no tests.",
        default: "npm ci && npm test",
        schema: z.string().max(1000, "must be at most 1000 characters"),
        example: "npm ci && npm test",
    },
    {
        key: "buildCommand",
        roles: ["delivery"],
        type: "string",
        description: "Shell command run after the tests and before `docker build` (e.g. an asset build). Empty: none.",
        default: "",
        schema: z.string().max(1000, "must be at most 1000 characters"),
        example: "npm run build",
    },
    {
        key: "dockerfile",
        roles: ["delivery"],
        type: "string",
        description: "Path of the Dockerfile in the app repository.",
        default: "Dockerfile",
        schema: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._\/-]{1,200}$/, "must be a relative path inside the repository"),
        example: "Dockerfile",
    },
    {
        key: "dockerContext",
        roles: ["delivery"],
        type: "string",
        description: "Docker build context directory in the app repository.",
        default: ".",
        schema: z.string().regex(/^(\.|(?!\/)(?!.*\.\.)[A-Za-z0-9._\/-]{1,200})$/, "must be '.' or a relative path inside the repository"),
        example: ".",
    },
    {
        key: "buildComputeType",
        roles: ["delivery"],
        type: "string",
        description: "CodeBuild compute type of the build project.",
        default: "BUILD_GENERAL1_SMALL",
        schema: z.enum(CODEBUILD_COMPUTE_TYPES as [string, ...string[]]),
        example: "BUILD_GENERAL1_MEDIUM",
    },
    {
        key: "buildTimeoutMinutes",
        roles: ["delivery"],
        type: "integer",
        description: "Build project timeout in minutes (CodeBuild allows 5–2160).",
        default: 20,
        schema: z.number().int().min(5, "must be at least 5").max(2160, "must be at most 2160"),
        example: "30",
    },
    {
        key: "keepImages",
        roles: ["delivery"],
        type: "integer",
        description: "Registry lifecycle: keep this many most recent images.",
        default: 50,
        schema: z.number().int().min(5, "must be at least 5 (rollbacks need old images)").max(1000, "must be at most 1000"),
        example: "50",
    },
    {
        key: "untaggedImageDays",
        roles: ["delivery"],
        type: "integer",
        description: "Registry lifecycle: expire untagged images after this many days.",
        default: 7,
        schema: z.number().int().min(1, "must be at least 1").max(365, "must be at most 365"),
        example: "7",
    },
    {
        key: "smokeTestAttempts",
        roles: ["delivery"],
        type: "integer",
        description: "Smoke test: requests to the health URL before the stage fails (10 s apart).",
        default: 12,
        schema: z.number().int().min(1, "must be at least 1").max(60, "must be at most 60"),
        example: "12",
    },
    {
        key: "seedImageContext",
        roles: ["delivery"],
        type: "string",
        description: "Optional path to a local app checkout: `pulumi up` builds it once with your Docker engine and pushes it as `<repo>:seed`, so environments can start before the pipeline's first run.",
        default: "",
        schema: z.string().regex(/^$|^[A-Za-z0-9._\/~-]{1,300}$/, "must be a local directory path"),
        example: "../shop",
    },
    {
        key: "githubOidcProviderArn",
        roles: ["delivery"],
        type: "string",
        description: "ARN of an existing GitHub OIDC provider in the account (an account holds one). Empty: create it.",
        default: "",
        schema: optional(arn("iam", "oidc-provider/token\\.actions\\.githubusercontent\\.com$", "arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com")),
        example: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
    },
    {
        key: "ciSecrets",
        roles: ["delivery"],
        type: "map",
        secretValues: true,
        description:
            "GitHub Actions *environment* secrets for the infra repository's workflows: GitHub environment → NAME → `secure:` value, so each environment's jobs get only their own (e.g. `ciSecrets.production.PULUMI_ACCESS_TOKEN`). Environments: each pipelineStacks entry, `review` and `preview`. NAME: letters, digits and `_`, not starting with a digit or `GITHUB_`. Private repositories need GitHub Pro, Team or Enterprise for environment secrets.",
        // The structure (environment → NAME → value) is checked in config.ts, leaf by leaf.
        schema: z.record(z.string(), z.unknown()),
        example: "production.PULUMI_ACCESS_TOKEN",
    },
    // --- environment ---------------------------------------------------------------------------------
    {
        key: "tier",
        roles: ["environment"],
        type: "string",
        description: "`production`, `staging` or `review`. Empty: from the stack name (production, prod, *-production, *-prod: production; review, review-*: review; else staging). A production-named stack with a lower tier needs the production-tier waiver. Production is protected and serves HTTPS.",
        default: "",
        schema: optional(z.enum(["production", "staging", "review"])),
        example: "staging",
    },
    {
        key: "deliveryStack",
        roles: ["environment"],
        type: "string",
        description: "Stack reference to the delivery stack (`delivery`, or `org/project/delivery` on Pulumi Cloud). Its stack file (Pulumi.<last part>.yaml, next to this one) must list this stack in pipelineStacks, unless this is a review stack.",
        default: "delivery",
        schema: z.string().regex(/^([A-Za-z0-9._-]+\/){0,2}[A-Za-z0-9._-]+$/, "must be a stack name or org/project/stack"),
        example: "acme/slipway/delivery",
    },
    {
        key: "imageStack",
        roles: ["environment"],
        type: "string",
        description: "Whose last verified image this environment runs. Empty: its own (pipeline stacks); review stacks use staging's.",
        default: "",
        schema: optional(lowerName(20)),
        example: "staging",
    },
    {
        key: "containerPort",
        roles: ["environment"],
        type: "integer",
        description: "Port the app listens on inside the container.",
        default: 8080,
        schema: z.number().int().min(1, "must be 1–65535").max(65535, "must be 1–65535"),
        example: "8080",
    },
    {
        key: "healthPath",
        roles: ["environment"],
        type: "string",
        description: "HTTP path that answers 2xx when the app is healthy (load balancer check and smoke test).",
        default: "/health",
        schema: z.string().regex(/^\/[A-Za-z0-9._~\/-]{0,1023}$/, "must start with '/' and contain only URL path characters"),
        example: "/healthz",
    },
    {
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
    },
    {
        key: "memory",
        roles: ["environment"],
        type: "integer",
        description: "Fargate task memory in MiB; must pair with cpu (e.g. 256 → 512/1024/2048).",
        default: 512,
        schema: z.number().int().min(512, "must be at least 512"),
        example: "1024",
    },
    {
        key: "desiredCount",
        roles: ["environment"],
        type: "integer",
        description: "Tasks to run initially; autoscaling then moves between minCount and maxCount.",
        default: 1,
        schema: z.number().int().min(0, "must be at least 0").max(100, "must be at most 100"),
        example: "2",
    },
    {
        key: "minCount",
        roles: ["environment"],
        type: "integer",
        description: "Autoscaling floor.",
        default: 1,
        schema: z.number().int().min(0, "must be at least 0").max(100, "must be at most 100"),
        example: "2",
    },
    {
        key: "maxCount",
        roles: ["environment"],
        type: "integer",
        description: "Autoscaling ceiling.",
        default: 2,
        schema: z.number().int().min(1, "must be at least 1").max(100, "must be at most 100"),
        example: "4",
    },
    {
        key: "cpuTargetPercent",
        roles: ["environment"],
        type: "integer",
        description: "Autoscaling target: average service CPU utilisation in percent.",
        default: 60,
        schema: z.number().int().min(10, "must be 10–90").max(90, "must be 10–90"),
        example: "50",
    },
    {
        key: "fargateSpot",
        roles: ["environment"],
        type: "boolean",
        description: "Run tasks on Fargate Spot (about 70% cheaper, may be interrupted). Suits staging and review stacks.",
        default: false,
        schema: z.boolean(),
        example: "true",
    },
    {
        key: "ingress",
        roles: ["environment"],
        type: "string",
        description: "How requests reach ECS tasks: `alb` (Application Load Balancer) or `api` (API Gateway HTTP API + Cloud Map: billed per request, no hourly charge). Empty: `alb` for production, `api` otherwise.",
        default: "",
        schema: optional(z.enum(["alb", "api"])),
        example: "api",
    },
    {
        key: "containerHealthCheck",
        roles: ["environment"],
        type: "string",
        description: "Shell command run inside the container to judge its health (e.g. `curl -fsS http://localhost:8080/health`); the image must contain the tool. Gates rolling deploys where no load balancer checks health. Empty: none.",
        default: "",
        schema: z.string().max(1000, "must be at most 1000 characters"),
        example: "curl -fsS http://localhost:8080/health || exit 1",
    },
    {
        key: "dashboard",
        roles: ["environment"],
        type: "boolean",
        description: "Create a CloudWatch dashboard for the environment ($3/month beyond an account's first three).",
        default: false,
        schema: z.boolean(),
        example: "true",
    },
    {
        key: "highAvailability",
        roles: ["environment"],
        type: "boolean",
        description: "The environment must survive losing a task, instance or zone: requires at least 2 tasks (or Beanstalk instances behind a load balancer) on on-demand capacity.",
        default: false,
        schema: z.boolean(),
        example: "true",
    },
    {
        key: "certificateArn",
        roles: ["environment"],
        type: "string",
        description: "ACM certificate ARN for the HTTPS listener. Empty: HTTP only (a production-tier stack behind a load balancer then needs the production-https waiver).",
        default: "",
        schema: optional(arn("acm", "certificate/[0-9a-f-]{36}$", "arn:aws:acm:<region>:<account>:certificate/<uuid>")),
        example: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    },
    {
        key: "domainName",
        roles: ["environment"],
        type: "string",
        description: "DNS name the certificate covers and that points at the load balancer (you manage the record). Required with certificateArn.",
        default: "",
        schema: optional(
            z
                .string()
                .max(253, "must be at most 253 characters")
                .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lower-case DNS name like app.example.com"),
        ),
        example: "staging.shop.example.com",
    },
    {
        key: "logRetentionDays",
        roles: ["environment"],
        type: "integer",
        description: "CloudWatch Logs retention in days.",
        default: 30,
        schema: z
            .number()
            .int()
            .refine((v) => LOG_RETENTION_DAYS.includes(v), `must be one of ${LOG_RETENTION_DAYS.join(", ")}`),
        example: "90",
    },
    {
        key: "vpcCidr",
        roles: ["environment"],
        type: "string",
        description: "IPv4 network of the environment's VPC, /16–/26 (host bits zero): each zone gets a public subnet two bits longer, and AWS's smallest subnet is /28 (/27 behind a load balancer).",
        default: "10.20.0.0/16",
        schema: z
            .string()
            .regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d{1,2}$/, "must be an IPv4 CIDR like 10.20.0.0/16")
            .refine((v) => v.split("/")[0].split(".").every((o) => Number(o) <= 255), "must have octets 0–255")
            .refine((v) => {
                const bits = Number(v.split("/")[1]);
                return bits >= VPC_PREFIX.min && bits <= VPC_PREFIX.max;
            }, `must have a prefix from /${VPC_PREFIX.min} to /${VPC_PREFIX.max} (the VPC sizes AWS allows)`),
        example: "10.30.0.0/16",
    },
    {
        key: "azCount",
        roles: ["environment"],
        type: "integer",
        description: "Availability zones to spread subnets and tasks over (an ALB needs 2).",
        default: 2,
        schema: z.number().int().min(2, "must be 2 or 3 (an ALB needs two zones)").max(3, "must be 2 or 3"),
        example: "3",
    },
    // --- environment: platform and Elastic Beanstalk sizing (docs/beanstalk.md) ----------------------
    {
        key: "platform",
        roles: ["environment"],
        type: "string",
        description: "Where the app runs: `ecs` (Fargate) or `beanstalk` (Elastic Beanstalk, Docker on Amazon Linux 2023). The delivery stack reads it from this stack file to pick the deploy action.",
        default: "ecs",
        schema: z.enum(PLATFORMS, { error: `must be one of ${PLATFORMS.join(", ")}` }),
        example: "beanstalk",
    },
    {
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
    },
    {
        key: "beanstalkEnvironmentType",
        roles: ["environment"],
        type: "string",
        description: "Beanstalk: `SingleInstance` (no load balancer) or `LoadBalanced` (ALB, autoscaling). Empty: LoadBalanced for the production tier, SingleInstance otherwise.",
        default: "",
        schema: z.enum(["", ...BEANSTALK_ENVIRONMENT_TYPES], { error: `must be one of ${BEANSTALK_ENVIRONMENT_TYPES.join(", ")} (or empty: by tier)` }),
        example: "LoadBalanced",
    },
    {
        key: "beanstalkMinInstances",
        roles: ["environment"],
        type: "integer",
        description: "Beanstalk, load-balanced: autoscaling floor (instances).",
        default: 2,
        schema: z.number().int().min(1, "must be at least 1").max(100, "must be at most 100"),
        example: "2",
    },
    {
        key: "beanstalkMaxInstances",
        roles: ["environment"],
        type: "integer",
        description: "Beanstalk, load-balanced: autoscaling ceiling (instances).",
        default: 4,
        schema: z.number().int().min(1, "must be at least 1").max(100, "must be at most 100"),
        example: "4",
    },
    {
        key: "beanstalkDeploymentPolicy",
        roles: ["environment"],
        type: "string",
        description: "Beanstalk: how a new version rolls out (AllAtOnce, Rolling, RollingWithAdditionalBatch, Immutable, TrafficSplitting). Empty: Immutable for the production tier, AllAtOnce otherwise.",
        default: "",
        schema: z.enum(["", ...BEANSTALK_DEPLOYMENT_POLICIES], { error: `must be one of ${BEANSTALK_DEPLOYMENT_POLICIES.join(", ")} (or empty: by tier)` }),
        example: "Immutable",
    },
    {
        key: "beanstalkBatchSizePercent",
        roles: ["environment"],
        type: "integer",
        description: "Beanstalk: share of instances updated per batch in Rolling deployments, in percent.",
        default: 50,
        schema: z.number().int().min(1, "must be 1–100").max(100, "must be 1–100"),
        example: "30",
    },
    {
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
    },
    {
        key: "beanstalkMaintenanceWindow",
        roles: ["environment"],
        type: "string",
        description: "Beanstalk: weekly start of the managed platform update window, `Day:HH:MM` in UTC (e.g. Sun:03:00).",
        default: "Sun:03:00",
        schema: z
            .string()
            .regex(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d$/, "must be Day:HH:MM in UTC, with Day one of Mon Tue Wed Thu Fri Sat Sun (e.g. Sun:03:00)"),
        example: "Sun:03:00",
    },
    {
        key: "appSettings",
        roles: ["environment"],
        type: "map",
        description: "Plain app settings, passed as environment variables.",
        schema: z.record(envVarName, z.string()),
        example: "LOG_LEVEL",
    },
    {
        key: "appSecrets",
        roles: ["environment"],
        type: "map",
        secretValues: true,
        description:
            "App secrets, each a `secure:` value; stored in Secrets Manager and injected at task start. `npm run plan` checks every `secure:` value's ciphertext and, for a passphrase stack with PULUMI_CONFIG_PASSPHRASE set, decrypts it; cloud KMS and Pulumi Cloud stacks get the form check only (their keys live in the key service).",
        schema: z.record(envVarName, z.string().min(1, "values must not be empty")),
        example: "DATABASE_URL",
    },
];

export const CONFIG_NAMESPACE = "slipway";

export function specFor(key: string): KeySpec | undefined {
    return CONFIG_KEYS.find((s) => s.key === key);
}
