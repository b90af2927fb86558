// The one table of slipway's stack config keys: every role's, then each platform's own
// (infra/platforms/*/settings.ts). Pulumi.yaml's `config:` block, the key reference and the validator
// (settings.ts) are all derived from it, so a key cannot be declared in one place and forgotten in
// another (test/config.test.ts checks Pulumi.yaml is in sync). Each role's keys are one zod object, and
// its config type is z.infer of that object.
import { z } from "zod";
import { STACK_FILE_CHECKS } from "../../policy/kit";
import { BEANSTALK_KEYS } from "../platforms/beanstalk/settings";
import { ALARM_KEYS } from "./alarm-keys";
import { ECS_KEYS } from "../platforms/ecs/settings";
import { DEPLOY_STRATEGY_KEYS } from "../platforms/ecs/strategy-settings";
import { RELEASE_KEYS } from "../platforms/ecs/release-settings";
import { MAINTENANCE_KEYS } from "../platforms/ecs/maintenance";
import { WORKER_KEYS } from "../platforms/ecs/worker-settings";
import { JOB_KEYS } from "../platforms/ecs/job-settings";
import { DOMAIN_KEYS } from "./domain";
import { DATABASE_KEYS } from "./database";
import { PACKAGE_KEYS } from "../packages/settings";
import { CHAT_KEYS } from "../delivery/chat-settings";
import { OPS_KEYS } from "../delivery/ops-settings";
import { GITHUB_STATUS_KEYS } from "../delivery/github-status-settings";
import { PLATFORM_NAMES } from "../platforms/platform";
import { arn, envVarName, key, KeySpec, LOG_RETENTION_DAYS, lowerName, optional, Role, roleObject, ROLES } from "./keys";

export { LOG_RETENTION_DAYS, ROLES };
export type { KeySpec, Role };
export { FARGATE_SIZES } from "../platforms/ecs/settings";
export { BEANSTALK_LOG_RETENTION_DAYS, BEANSTALK_DEPLOYMENT_POLICIES, BEANSTALK_ENVIRONMENT_TYPES, isBeanstalkInstanceType } from "../platforms/beanstalk/settings";

/** CodeBuild compute types for Linux containers (on-demand, non-ARM). */
export const CODEBUILD_COMPUTE_TYPES = ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE"];

/** Where an environment runs its container (infra/platforms): ECS Fargate or Elastic Beanstalk's Docker platform. */
export const PLATFORMS = PLATFORM_NAMES;

/** Who approves a production deploy (see productionGate). */
export const PRODUCTION_GATES = ["github-reviewers", "pipeline-approval"] as const;

/** Who lets a pull request's code into a review stack (see reviewStackGate). */
export const REVIEW_STACK_GATES = ["github-reviewers", "label"] as const;

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

export const CONFIG_KEYS = [
    // --- every stack ---------------------------------------------------------------------------------
    key({
        key: "appName",
        roles: ["delivery", "environment"],
        type: "string",
        description: "Short name of the app; prefixes every named resource (2–20 chars, a-z 0-9 -).",
        schema: lowerName(20),
        example: "shop",
    }),
    key({
        key: "role",
        roles: ["delivery", "environment"],
        type: "string",
        description: "What this stack declares: `delivery` (registry, build, pipeline and GitHub settings, once per app) or `environment` (staging, production, review stacks). Required in every stack file: slipway does not guess it from the stack name.",
        default: "",
        requiredFor: ["delivery", "environment"],
        schema: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }),
        example: "environment",
    }),
    key({
        key: "policyWaivers",
        roles: ["delivery", "environment"],
        type: "map",
        description: `Policy rules (and config checks: ${Object.keys(CONFIG_WAIVERS).join(", ")}) this stack waives, each with the written reason: RULE_ID: why (see docs/security.md). An empty reason is not a waiver.`,
        schema: z.record(
            z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "rule ids are lower-case words joined by '-'"),
            z.string().trim().min(10, "each waiver needs a written reason of at least 10 characters"),
        ),
        example: "ecr-tags-immutable",
    }),
    // --- delivery ------------------------------------------------------------------------------------
    key({
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
    }),
    key({
        key: "githubRepo",
        roles: ["delivery"],
        type: "string",
        description: "Name of the app repository (without the owner).",
        default: "",
        requiredFor: ["delivery"],
        schema: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, "must be a GitHub repository name (letters, digits, '.', '_', '-')").refine((v) => v !== "." && v !== "..", "must not be '.' or '..'"),
        example: "shop",
    }),
    key({
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
    }),
    key({
        key: "productionReviewers",
        roles: ["delivery"],
        type: "array",
        description: "GitHub users who must approve a production deployment (the `production` environment of the infra repository; no self-review, no admin bypass). Required while productionGate is `github-reviewers`.",
        default: [],
        schema: z
            .array(z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, "must list GitHub user names"))
            .max(6, "must list at most 6 reviewers (GitHub's limit per environment)"),
        example: '["alice","bob"]',
    }),
    key({
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
    }),
    key({
        key: "reviewStackGate",
        roles: ["delivery"],
        type: "string",
        // GitHub enforces an environment's required reviewers whatever the job's workflow file says; the
        // label check runs in review-stack.yml as the pull request has it, so the pull request can change it.
        description:
            "What stops a pull request's code from deploying a review stack. `github-reviewers`: every review-stack deploy waits in the `review` GitHub environment for one of productionReviewers (GitHub enforces it; a pull request cannot edit it away). `label`: only review-stack.yml's label check, which runs from the pull request's own workflow file, so any writer can deploy a review stack (its role still reaches review stacks only). Empty: `github-reviewers` when productionGate is github-reviewers and productionReviewers lists someone, else `label` (pipeline-approval: no required reviewers on that GitHub plan).",
        default: "",
        schema: optional(z.enum(REVIEW_STACK_GATES, { error: `must be one of ${REVIEW_STACK_GATES.join(", ")}` })),
        example: "label",
    }),
    key({
        key: "pulumiBackendUrl",
        roles: ["delivery"],
        type: "string",
        description: "State backend the workflows log in to. Empty: Pulumi Cloud (PULUMI_ACCESS_TOKEN). `s3://bucket[/prefix]`: the CI roles get read/write on that bucket prefix.",
        default: "",
        schema: optional(z.string().regex(/^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._\/-]*)?(\?[A-Za-z0-9=&_.-]*)?|https:\/\/[A-Za-z0-9.-]+(\/.*)?)$/, "must be s3://bucket[/prefix] or an https:// Pulumi Cloud URL")),
        example: "s3://acme-pulumi-state/shop",
    }),
    key({
        key: "githubBranch",
        roles: ["delivery"],
        type: "string",
        description: "Release branch: only pushes to it start the pipeline and publish an image.",
        default: "main",
        schema: z
            .string()
            .regex(/^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/$)[A-Za-z0-9._\/-]{1,200}$/, "must be a valid git branch name (no spaces, '..', '//', leading or trailing '/')"),
        example: "main",
    }),
    key({
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
    }),
    key({
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
    }),
    key({
        key: "notificationEmails",
        roles: ["delivery"],
        type: "array",
        description: "Email addresses subscribed to pipeline events and approval requests (each confirms once).",
        default: [],
        schema: z.array(z.email("must be an email address")).max(10, "must list at most 10 addresses"),
        example: '["oncall@example.com"]',
    }),
    key({
        key: "testCommand",
        roles: ["delivery"],
        type: "string",
        description: "Shell command that runs the app's tests in the build stage, before the image is built. Empty: no tests.",
        default: "npm ci && npm test",
        schema: z.string().max(1000, "must be at most 1000 characters"),
        example: "npm ci && npm test",
    }),
    key({
        key: "buildCommand",
        roles: ["delivery"],
        type: "string",
        description: "Shell command run after the tests and before `docker build` (e.g. an asset build). Empty: none.",
        default: "",
        schema: z.string().max(1000, "must be at most 1000 characters"),
        example: "npm run build",
    }),
    key({
        key: "dockerfile",
        roles: ["delivery"],
        type: "string",
        description: "Path of the Dockerfile in the app repository.",
        default: "Dockerfile",
        schema: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._\/-]{1,200}$/, "must be a relative path inside the repository"),
        example: "Dockerfile",
    }),
    key({
        key: "dockerContext",
        roles: ["delivery"],
        type: "string",
        description: "Docker build context directory in the app repository.",
        default: ".",
        schema: z.string().regex(/^(\.|(?!\/)(?!.*\.\.)[A-Za-z0-9._\/-]{1,200})$/, "must be '.' or a relative path inside the repository"),
        example: ".",
    }),
    key({
        key: "buildComputeType",
        roles: ["delivery"],
        type: "string",
        description: "CodeBuild compute type of the build project.",
        default: "BUILD_GENERAL1_SMALL",
        schema: z.enum(CODEBUILD_COMPUTE_TYPES as [string, ...string[]]),
        example: "BUILD_GENERAL1_MEDIUM",
    }),
    key({
        key: "buildTimeoutMinutes",
        roles: ["delivery"],
        type: "integer",
        description: "Build project timeout in minutes (CodeBuild allows 5–2160).",
        default: 20,
        schema: z.number().int().min(5, "must be at least 5").max(2160, "must be at most 2160"),
        example: "30",
    }),
    key({
        key: "keepImages",
        roles: ["delivery"],
        type: "integer",
        description: "Registry lifecycle: keep this many most recent images.",
        default: 50,
        schema: z.number().int().min(5, "must be at least 5 (rollbacks need old images)").max(1000, "must be at most 1000"),
        example: "50",
    }),
    key({
        key: "untaggedImageDays",
        roles: ["delivery"],
        type: "integer",
        description: "Registry lifecycle: expire untagged images after this many days.",
        default: 7,
        schema: z.number().int().min(1, "must be at least 1").max(365, "must be at most 365"),
        example: "7",
    }),
    key({
        key: "smokeTestAttempts",
        roles: ["delivery"],
        type: "integer",
        description: "Smoke test: requests to the health URL before the stage fails (10 s apart).",
        default: 12,
        schema: z.number().int().min(1, "must be at least 1").max(60, "must be at most 60"),
        example: "12",
    }),
    key({
        key: "seedImageContext",
        roles: ["delivery"],
        type: "string",
        description: "Optional path to a local app checkout: `pulumi up` builds it once with your Docker engine and pushes it as `<repo>:seed`, so environments can start before the pipeline's first run.",
        default: "",
        schema: z.string().regex(/^$|^[A-Za-z0-9._\/~-]{1,300}$/, "must be a local directory path"),
        example: "../shop",
    }),
    key({
        key: "githubOidcProviderArn",
        roles: ["delivery"],
        type: "string",
        description: "ARN of an existing GitHub OIDC provider in the account (an account holds one). Empty: create it.",
        default: "",
        schema: optional(arn("iam", "oidc-provider/token\\.actions\\.githubusercontent\\.com$", "arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com")),
        example: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
    }),
    key({
        key: "ciSecrets",
        roles: ["delivery"],
        type: "map",
        secretValues: true,
        description:
            "GitHub Actions *environment* secrets for the infra repository's workflows: GitHub environment → NAME → `secure:` value, so each environment's jobs get only their own (e.g. `ciSecrets.production.PULUMI_ACCESS_TOKEN`). Environments: each pipelineStacks entry, `review` and `preview`. NAME: letters, digits and `_`, not starting with a digit or `GITHUB_`. Private repositories need GitHub Pro, Team or Enterprise for environment secrets.",
        // The structure (environment → NAME → value) is checked in config.ts, leaf by leaf.
        schema: z.record(z.string(), z.unknown()),
        example: "production.PULUMI_ACCESS_TOKEN",
    }),
    // --- environment ---------------------------------------------------------------------------------
    key({
        key: "tier",
        byTier: true,
        roles: ["environment"],
        type: "string",
        description: "`production`, `staging` or `review`. Empty: from the stack name (production, prod, *-production, *-prod: production; review, review-*: review; else staging). A production-named stack with a lower tier needs the production-tier waiver. Production is protected and serves HTTPS.",
        default: "",
        schema: optional(z.enum(["production", "staging", "review"])),
        example: "staging",
    }),
    key({
        key: "deliveryStack",
        roles: ["environment"],
        type: "string",
        description: "Stack reference to the delivery stack (`delivery`, or `org/project/delivery` on Pulumi Cloud). Its stack file (Pulumi.<last part>.yaml, next to this one) must list this stack in pipelineStacks, unless this is a review stack.",
        default: "delivery",
        schema: z.string().regex(/^([A-Za-z0-9._-]+\/){0,2}[A-Za-z0-9._-]+$/, "must be a stack name or org/project/stack"),
        example: "acme/slipway/delivery",
    }),
    key({
        key: "imageStack",
        byTier: true,
        roles: ["environment"],
        type: "string",
        description: "Whose last verified image this environment runs. Empty: its own (pipeline stacks); review stacks use staging's.",
        default: "",
        schema: optional(lowerName(20)),
        example: "staging",
    }),
    key({
        key: "containerPort",
        roles: ["environment"],
        type: "integer",
        description: "Port the app listens on inside the container.",
        default: 8080,
        schema: z.number().int().min(1, "must be 1–65535").max(65535, "must be 1–65535"),
        example: "8080",
    }),
    key({
        key: "healthPath",
        roles: ["environment"],
        type: "string",
        description: "HTTP path that answers 2xx when the app is healthy (load balancer check and smoke test).",
        default: "/health",
        schema: z.string().regex(/^\/[A-Za-z0-9._~\/-]{0,1023}$/, "must start with '/' and contain only URL path characters"),
        example: "/healthz",
    }),
    key({
        key: "highAvailability",
        roles: ["environment"],
        type: "boolean",
        description: "The environment must survive losing a task, instance or zone: requires at least 2 tasks (or Beanstalk instances behind a load balancer) on on-demand capacity.",
        default: false,
        schema: z.boolean(),
        example: "true",
    }),
    key({
        key: "certificateArn",
        roles: ["environment"],
        type: "string",
        description: "ACM certificate ARN for the HTTPS listener. Empty: HTTP only (a production-tier stack behind a load balancer then needs the production-https waiver).",
        default: "",
        schema: optional(arn("acm", "certificate/[0-9a-f-]{36}$", "arn:aws:acm:<region>:<account>:certificate/<uuid>")),
        example: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    }),
    key({
        key: "domainName",
        roles: ["environment"],
        type: "string",
        description: "DNS name the app serves over HTTPS. With certificateArn: the name it covers, pointed at the ingress by you. With domainZoneId: a name in that zone, certificate and record made by the stack (a review-tier stack: the parent of its pr-<N> names). Required with either.",
        default: "",
        schema: optional(
            z
                .string()
                .max(253, "must be at most 253 characters")
                .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a lower-case DNS name like app.example.com"),
        ),
        example: "staging.shop.example.com",
    }),
    key({
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
    }),
    key({
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
    }),
    key({
        key: "azCount",
        roles: ["environment"],
        type: "integer",
        description: "Availability zones to spread subnets and tasks over (an ALB needs 2).",
        default: 2,
        schema: z.number().int().min(2, "must be 2 or 3 (an ALB needs two zones)").max(3, "must be 2 or 3"),
        example: "3",
    }),
    // --- environment: where it runs (each platform's own keys follow) --------------------------------
    key({
        key: "platform",
        roles: ["environment"],
        type: "string",
        description: "Where the app runs: `ecs` (Fargate) or `beanstalk` (Elastic Beanstalk, Docker on Amazon Linux 2023). The delivery stack reads it from this stack file to pick the deploy action.",
        default: "ecs",
        schema: z.enum(PLATFORMS, { error: `must be one of ${PLATFORMS.join(", ")}` }),
        example: "beanstalk",
    }),
    key({
        key: "appSettings",
        roles: ["environment"],
        type: "map",
        description: "Plain app settings, passed as environment variables.",
        schema: z.record(envVarName, z.string()),
        example: "LOG_LEVEL",
    }),
    key({
        key: "appSecrets",
        roles: ["environment"],
        type: "map",
        secretValues: true,
        description:
            "App secrets, each a `secure:` value; stored in Secrets Manager and injected at task start. `npm run plan` checks every `secure:` value's ciphertext and, for a passphrase stack with PULUMI_CONFIG_PASSPHRASE set, decrypts it; cloud KMS and Pulumi Cloud stacks get the form check only (their keys live in the key service).",
        schema: z.record(envVarName, z.string().min(1, "values must not be empty")),
        example: "DATABASE_URL",
    }),
    ...ALARM_KEYS,
    ...DOMAIN_KEYS,
    ...ECS_KEYS,
    ...DEPLOY_STRATEGY_KEYS,
    ...RELEASE_KEYS,
    ...MAINTENANCE_KEYS,
    ...WORKER_KEYS,
    ...JOB_KEYS,
    ...DATABASE_KEYS,
    ...BEANSTALK_KEYS,
    // --- delivery: the private package index (infra/packages) -------------------------------------
    ...PACKAGE_KEYS,
    // --- delivery: chat channels through AWS Chatbot (infra/delivery/chat.ts) ---------------------
    ...CHAT_KEYS,
    // --- delivery: the ops commands' roles (infra/delivery/ops-access.ts) ---------------------------
    ...OPS_KEYS,
    // --- delivery: GitHub deployments and commit statuses (infra/delivery/github-status.ts) ----------
    ...GITHUB_STATUS_KEYS,
] as const;

export const CONFIG_NAMESPACE = "slipway";

/** Every key, as the untyped spec the generators and the key-by-key validation read. */
export const ALL_KEYS: readonly KeySpec[] = CONFIG_KEYS;

export function specFor(name: string): KeySpec | undefined {
    return ALL_KEYS.find((s) => s.key === name);
}

/** Each role's keys as one zod object; a role's config is z.infer of it (infra/config/settings.ts). */
export const DELIVERY_CONFIG = roleObject(CONFIG_KEYS, "delivery");
export const ENVIRONMENT_CONFIG = roleObject(CONFIG_KEYS, "environment");
export type DeliveryConfig = z.infer<typeof DELIVERY_CONFIG>;
export type EnvironmentConfig = z.infer<typeof ENVIRONMENT_CONFIG>;
