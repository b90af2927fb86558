// The one place that reads stack config. It validates every key against infra/config/schema.ts and
// returns typed settings; a bad value stops the program before any resource is declared.
import {
    ALL_AWS_REGIONS,
    ALL_KEYS,
    AWS_REGIONS_CHECKED,
    CI_SECRET_EXTRA_ENVIRONMENTS,
    CONFIG_NAMESPACE,
    DELIVERY_CONFIG,
    DeliveryConfig,
    ENVIRONMENT_CONFIG,
    EnvironmentConfig,
    GITHUB_ENVIRONMENT_SECRETS_MAX,
    GITHUB_SECRET_NAME,
    GITHUB_SECRET_NAME_MAX,
    KeySpec,
    PLATFORMS,
    PRODUCTION_GATES,
    REVIEW_STACK_GATES,
    Role,
    ROLES,
    specFor,
    VPC_PREFIX,
} from "./schema";
import { PULUMI_VALUE } from "./keys";
import { readStackFile, readStackFileConfig } from "./stack-files";
import { isProductionName, Tier, TIER_DEFAULTS, tierForStack } from "./tiers";
import type { BeanstalkSettings } from "../platforms/beanstalk/settings";
import { AlarmSettings, alarmSettings } from "./alarm-keys";
import { releaseProblems } from "../platforms/ecs/release-settings";
import { maintenanceProblems } from "../platforms/ecs/maintenance";
import { DeploySettings, deploySettings } from "../platforms/ecs/strategy-settings";
import { workerNamesOfStackFile, workerSettings, WorkerSettings } from "../platforms/ecs/worker-settings";
import { sharedQueueProblems } from "../platforms/ecs/queue-access";
import { serviceImageProblems, type ServiceImage } from "../platforms/ecs/service-images";

import { PLATFORM_CONFIG, type Serving } from "../platforms/config";
import { ownImagesOf, queuesOf, secretChoicesOf } from "../platforms/ecs/target-facts";
import { jobSettings, JobSettings } from "../platforms/ecs/job-settings";
import { DATABASE_PLATFORMS, databaseIamAuthOfStackFile, databaseKindOfStackFile, databaseNameProblems, databaseOfStackFile, databaseSettings, DatabaseSettings } from "./database";
import { REVIEW_STAGING_DATA_WAIVER, restoreSourceOfStackFile } from "./database-restore";
import { domainProblems, ManagedDomain, managedDomainOfStackFile, REVIEW_TEMPLATE_FILE_STACK, reviewDomainName } from "./domain";
import { packageSettings, PackageSettings, runtimeReadOf } from "../packages/settings";
import { ChatChannel, chatSettings } from "../delivery/chat-settings";
import type { OpsSettings } from "../delivery/ops-settings";
import { GitHubStatusSettings, githubStatusSettings } from "../delivery/github-status-settings";

export { configText, readStackFile, readStackFileConfig } from "./stack-files";
export { isProductionName, isReviewName, tierForStack } from "./tiers";
export type { Tier } from "./tiers";
export type { BeanstalkSettings } from "../platforms/beanstalk/settings";
export type { AlarmSettings } from "./alarm-keys";

export type Platform = (typeof PLATFORMS)[number];
export type ProductionGate = (typeof PRODUCTION_GATES)[number];
export type ReviewStackGate = (typeof REVIEW_STACK_GATES)[number];

/** A config value that must stay secret; `value` is only ever wrapped with pulumi.secret by the caller. */
export interface SecretValue {
    readonly secret: true;
    readonly value: string;
}

interface CommonSettings {
    project: string;
    stack: string;
    appName: string;
    region: string;
    /** Policy rule id → the written reason it is waived for this stack. */
    policyWaivers: Record<string, string>;
}

export interface DeployTarget {
    /** Environment stack name, e.g. `staging`. */
    stack: string;
    tier: Tier;
    platform: Platform;
    /** The target's stack file sets slipway:releaseCommand (ECS): its stage runs the release action first. */
    release: boolean;
    /** Its stack file sets slipway:maintenancePage with its release command (ECS, ALB): the Release action switches the 503 page. */
    maintenance?: boolean;
    /** The workers its stack file declares (slipway:workers, ECS): the stage deploys each with the web service. */
    workers: string[];
    /** The scheduled jobs its stack file declares (slipway:jobs, ECS): the stage registers each job's family with the new image. */
    jobs: string[];
    /** The managed domain its stack file sets (slipway:domainZoneId and domainName): its deploy role may write those records. */
    domain?: { zoneId: string; name: string };
    /**
     * Minutes its deployments deliberately wait (ECS blue/green, canary, linear; Beanstalk TrafficSplitting's
     * evaluation, in its stack file): the smoke test waits them out.
     */
    settleMinutes?: number;
    /** Its stack file sets slipway:database: its deploy role may manage its Aurora cluster (infra/delivery/database-policy.ts). */
    database?: boolean;
    /** Its stack file sets slipway:database.kind instance: one RDS for PostgreSQL DB instance, not an Aurora cluster (unset: serverless). */
    databaseKind?: "instance";
    /** Its stack file sets slipway:database.iamAuthentication true: its database processes (ECS task roles, the Beanstalk instance role) get the `db-connect` runtime policy. */
    databaseIam?: boolean;
    /** The workers of its stack file that build their own image (slipway:workers.<name>.dockerfile/target, ECS); unset: none. */
    images?: ServiceImage[];
    /** Worker → SQS queue of its stack file's queue workers (slipway:workers.<name>.queue, ECS): each gets a `queue-<worker>` runtime policy. Unset: none. */
    queues?: Record<string, string>;
    /** Process → { database } of its stack file's workers and jobs that choose their secrets (ECS): each gets an `execution-<process>` runtime policy. Unset: none. */
    secretChoices?: Record<string, { database: boolean }>;
}

export interface DeliverySettings extends CommonSettings {
    role: "delivery";
    github: { owner: string; repo: string; branch: string };
    /** Repository of this program and its workflows (defaults to the app repository). */
    infraRepository: { owner: string; repo: string };
    productionReviewers: string[];
    /**
     * What gates `pulumi up` of production. `github-reviewers`: the production GitHub environment's
     * required reviewers (productionReviewers, never empty unless waived). `pipeline-approval`: GitHub
     * plans without required reviewers for private repositories; CodePipeline's manual approval is the
     * gate, and productionReviewers may be empty (do not configure GitHub reviewers then: the API refuses them).
     */
    productionGate: ProductionGate;
    /**
     * What lets pull-request code into a review stack. `github-reviewers`: the `review` environment's
     * required reviewers (productionReviewers) approve each deploy; `label`: review-stack.yml's label check only.
     */
    reviewStackGate: ReviewStackGate;
    /** `s3://bucket[/prefix]` or a Pulumi Cloud URL; undefined: Pulumi Cloud. */
    pulumiBackendUrl?: string;
    connectionArn: string;
    targets: DeployTarget[];
    /** The review template's managed domain (Pulumi.review.yaml): review stacks serve pr-<N>.<name>. */
    reviewDomain?: { zoneId: string; name: string };
    /** The review template (Pulumi.review.yaml) sets slipway:database: every review stack gets its own empty database. */
    reviewDatabase?: boolean;
    /** The review template's slipway:platform, when it sets slipway:database (its restart and its agents' read differ per platform). */
    reviewDatabasePlatform?: string;
    /** The review template sets slipway:database.kind instance: every review stack's database is one DB instance. */
    reviewDatabaseKind?: "instance";
    /** The review template sets slipway:database.iamAuthentication true (ECS or Beanstalk): review stacks get the `db-connect` runtime policy. */
    reviewDatabaseIam?: boolean;
    /**
     * The review template sets slipway:database.restoreFrom with the review-staging-data waiver: the staging stack whose
     * automated snapshots review stacks restore (the review deploy role then gets infra/delivery/database-restore-policy.ts).
     */
    reviewDatabaseRestore?: { stack: string };
    /** The review template's workers with their own image (each must be one a pipeline stack builds); unset: none. */
    reviewImages?: ServiceImage[];
    /** Worker → SQS queue of the review template's queue workers; unset: none. */
    reviewQueues?: Record<string, string>;
    /** The review template's workers and jobs that choose their secrets; unset: none. */
    reviewSecretChoices?: Record<string, { database: boolean }>;
    notificationEmails: string[];
    /** Chat channels (slipway:chat) that get pipeline events and alarms through AWS Chatbot. */
    chat: ChatChannel[];
    /** The ops commands' roles (slipway:opsPrincipals, opsRollback; infra/delivery/ops-access.ts). */
    ops: OpsSettings;
    /** slipway:githubStatus: report each stage to GitHub as deployments and commit statuses; undefined: no reporting. */
    githubStatus?: GitHubStatusSettings;
    build: {
        testCommand: string;
        buildCommand: string;
        dockerfile: string;
        dockerContext: string;
        computeType: string;
        timeoutMinutes: number;
    };
    registry: { keepImages: number; untaggedImageDays: number };
    smokeTestAttempts: number;
    githubOidcProviderArn?: string;
    /** Local app checkout to build and push once as the `seed` image (opt-in bootstrap). */
    seedImageContext?: string;
    /**
     * GitHub *environment* secrets of the infra repository: environment (a target stack, `review` or
     * `preview`) → secret NAME → value. Each environment's jobs get only their own, so a staging job never
     * sees production's token. Private repositories need GitHub Pro, Team or Enterprise for them.
     */
    ciSecrets: Record<string /* environment */, Record<string, SecretValue>>;
    /** The private package index (CodeArtifact) and its tag-triggered publishing; undefined: none. */
    packages?: PackageSettings;
    /** Registry, artifact bucket and logs are protected: production images live here. */
    protect: boolean;
}

export interface EnvironmentSettings extends CommonSettings {
    role: "environment";
    /** The delivery stack's package index, when its slipway:packages.runtimeRead lets this stack's workloads read it. */
    packagesRead?: Pick<PackageSettings, "domain" | "formats">;
    tier: Tier;
    platform: Platform;
    deliveryStack: string;
    /** Stack whose last verified image this environment runs. */
    imageStack: string;
    containerPort: number;
    healthPath: string;
    cpu: number;
    memory: number;
    desiredCount: number;
    minCount: number;
    maxCount: number;
    cpuTargetPercent: number;
    fargateSpot: boolean;
    /** How requests reach ECS tasks (tier default applied). */
    ingress: "alb" | "api";
    /** Command ECS runs in the container to judge health; undefined: none. */
    containerHealthCheck?: string;
    /** Release phase: the command the pipeline runs once per deploy before the services move (ECS); undefined: none. */
    releaseCommand?: string;
    /** Maintenance mode (ECS, ALB): the 503 page the load balancer answers while the release command runs; undefined: none. */
    maintenancePage?: string;
    /** Background workers (ECS): each its own service in the environment's cluster, sorted by name. */
    workers: WorkerSettings[];
    /** Scheduled jobs (ECS): each its own task family, run by an EventBridge Scheduler schedule, sorted by name. */
    jobs: JobSettings[];
    dashboard: boolean;
    certificateArn?: string;
    /** Public DNS name of the app; required with a certificate (the health URL uses it). Review stacks with a managed domain: pr-<N>.<slipway:domainName>. */
    domainName?: string;
    /** A managed domain (slipway:domainZoneId): the stack makes its certificate and points domainName at its ingress. */
    managedDomain?: ManagedDomain;
    /** slipway:database (ECS): the stack's own Aurora PostgreSQL Serverless v2 cluster. */
    database?: DatabaseSettings;
    logRetentionDays: number;
    vpcCidr: string;
    azCount: number;
    /** Elastic Beanstalk settings; present when platform is `beanstalk`. */
    beanstalk?: BeanstalkSettings;
    appSettings: Record<string, string>;
    appSecrets: Record<string, SecretValue>;
    /** Production keeps its secrets, logs and data through a destroy; other tiers delete cleanly. */
    protect: boolean;
    /** ECS Container Insights (by tier). */
    containerInsights: boolean;
    /** How the ECS web service deploys (slipway:deployStrategy, tier default applied; `rolling` on Beanstalk). */
    deploy: DeploySettings;
    /** The release alarms (infra/config/alarm-keys.ts). */
    alarms: AlarmSettings;
}

export type Settings = DeliverySettings | EnvironmentSettings;

/** Raw config as Pulumi hands it to a program: `namespace:key` → string, plus which keys are secret. */
export interface RawConfig {
    project: string;
    stack: string;
    values: Record<string, string>;
    secretKeys: ReadonlySet<string>;
    /** Reads another stack's config (for the pipeline's targets); undefined when it has no stack file. */
    readStackConfig?: (stack: string) => Record<string, string> | undefined;
    /**
     * The `config:` block of this stack's own file, as written: keys namespaced (`slipway:appSecrets`),
     * `secure:` leaves kept as `{ secure }`. It says what the stack file itself sets: Pulumi.yaml's
     * defaults reach every stack, so `values` cannot. Undefined when the stack has no file here (its
     * config then comes from Pulumi.yaml, an ESC environment or the service); the checks that need the
     * file are then skipped.
     */
    stackFile?: Record<string, unknown>;
}

/**
 * How each config value is validated: without zod's compiled fast path (jitless), which builds a parser
 * with `new Function` for each object schema on its first use. A process validates a handful of stacks'
 * config at most (`--all`: four), so compiling cost more than it saved (about 4 ms of `npm run plan -- --all`, 2026-12-04).
 */
const ONCE = { jitless: true } as const;

/** Every problem found in the config, one per line, each naming the key and the fix. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

export function parseSettings(raw: RawConfig): Settings {
    const problems: string[] = [];
    const setHint = (key: string, example: string, secret = false) => fixHint(key, example, raw.stack, secret);

    // Unknown keys in our namespace are almost always typos.
    for (const full of Object.keys(raw.values)) {
        if (!full.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
        const key = full.slice(CONFIG_NAMESPACE.length + 1);
        if (!ALL_KEYS.some((s) => s.key === key)) {
            const guess = closest(key, ALL_KEYS.map((s) => s.key));
            problems.push(
                `${full} is not a slipway setting${guess ? `; did you mean ${CONFIG_NAMESPACE}:${guess}?` : ""} Remove it with: pulumi config rm ${full} --stack ${raw.stack}`,
            );
        }
    }

    const role = roleOf(raw, problems);
    checkRegion(raw, problems);
    if (!role) throw new ConfigError(problems);

    const misplaced = checkStackFileKeys(raw, role, problems);

    const decoded: Record<string, unknown> = {};
    const beforeDecoding = problems.length;
    for (const spec of ALL_KEYS) {
        const full = `${CONFIG_NAMESPACE}:${spec.key}`;
        // Pulumi.yaml's defaults reach every stack; only the keys this role reads are checked.
        if (!spec.roles.includes(role) || spec.key === "role" || misplaced.has(full)) continue;
        const text = raw.values[full];
        // A secret's value never appears in a message (CI logs keep them): only its shape does.
        const secret = Boolean(spec.secretValues) || raw.secretKeys.has(full);
        const value = text === undefined ? spec.default : decode(spec, full, text, raw.stack, secret, problems);
        if (value === INVALID) continue;
        if (value === undefined) {
            if (spec.type === "map") {
                decoded[spec.key] = {};
                continue;
            }
            problems.push(`${full} is required. Set it with: ${setHint(full, spec.example)}`);
            continue;
        }
        if (value === "" && spec.requiredFor?.includes(role)) {
            problems.push(`${full} is required for a ${role} stack. Set it with: ${setHint(full, spec.example)}`);
            continue;
        }
        const result = spec.schema.safeParse(value, ONCE);
        if (!result.success) {
            let issue = result.error.issues[0];
            // A bad map key is reported as a nested issue; its own message says what a key must be.
            const nested = (issue as { issues?: typeof issue[] }).issues;
            if (nested?.length) issue = { ...nested[0], path: [...issue.path, ...nested[0].path] };
            const where = issue.path.length ? ` (at ${issue.path.join(".")})` : "";
            problems.push(
                `${full} = ${shown(value, secret)} is not valid${where}: it ${issue.message}. Fix: ${setHint(full, spec.example, spec.secretValues)}`,
            );
            continue;
        }
        // Without the stack file (or for a value set elsewhere) only the whole key's secrecy is known.
        const leafChecked = raw.stackFile !== undefined && full in raw.stackFile;
        if (spec.secretValues && !leafChecked && Object.keys(value as object).length > 0 && !raw.secretKeys.has(full)) {
            problems.push(
                `${full} holds plain-text values; secrets must be encrypted. Re-set each with: ${setHint(full, spec.example, true)}`,
            );
            continue;
        }
        decoded[spec.key] = value;
    }

    // The cross-key checks below need every value decoded; the problems so far (an unknown key, the
    // region, a key of the other role) do not stop them, so they are all reported together.
    if (problems.length > beforeDecoding || misplaced.size > 0) throw new ConfigError(problems);

    // Every key the role reads is decoded and valid by now: the role's zod object types them all at once.
    decoded.role = role;
    const common = (d: { appName: string; policyWaivers: Record<string, string> }): CommonSettings => ({
        project: raw.project,
        stack: raw.stack,
        appName: d.appName,
        region: raw.values["aws:region"],
        policyWaivers: d.policyWaivers,
    });
    let settings: Settings;
    if (role === "delivery") {
        const d = DELIVERY_CONFIG.parse(decoded, ONCE);
        settings = deliverySettings(common(d), d, raw, problems);
    } else {
        const d = ENVIRONMENT_CONFIG.parse(decoded, ONCE);
        settings = environmentSettings(common(d), d, raw, problems);
    }
    if (problems.length) throw new ConfigError(problems);
    return settings;
}

/** The stack's declared role, or undefined (reported) when it is missing or not a role. */
function roleOf(raw: RawConfig, problems: string[]): Role | undefined {
    const full = `${CONFIG_NAMESPACE}:role`;
    const value = raw.values[full] ?? "";
    if ((ROLES as readonly string[]).includes(value)) return value as Role;
    const where = raw.stackFile ? `in Pulumi.${raw.stack}.yaml` : `for stack ${raw.stack}`;
    const guess: Role = raw.stack === "delivery" || raw.stack.endsWith("-delivery") ? "delivery" : "environment";
    const other: Role = guess === "delivery" ? "environment" : "delivery";
    const what = { delivery: "the registry, build, pipeline and GitHub settings, once per app", environment: "an app environment: staging, production, review-*" };
    const fix = `pulumi config set ${full} ${guess} --stack ${raw.stack} (${what[guess]}) or pulumi config set ${full} ${other} --stack ${raw.stack} (${what[other]})`;
    problems.push(
        value === ""
            ? `${full} is not set ${where}: every stack file says what the stack declares (slipway no longer guesses it from the stack name). Set it with: ${fix}`
            : `${full} = ${JSON.stringify(value)} is not valid: it must be one of ${ROLES.join(", ")}. Fix: ${fix}`,
    );
    return undefined;
}

function checkRegion(raw: RawConfig, problems: string[]) {
    const region = raw.values["aws:region"];
    if (!region) {
        problems.push(`aws:region is required. Set it with: pulumi config set aws:region us-east-1 --stack ${raw.stack}`);
        return;
    }
    if (ALL_AWS_REGIONS.includes(region)) return;
    const guess = closest(region, ALL_AWS_REGIONS);
    problems.push(
        `aws:region = ${JSON.stringify(region)} is not an AWS region code (slipway's list of AWS's commercial, GovCloud, China and European Sovereign Cloud regions, from AWS "Regions and Availability Zones", checked ${AWS_REGIONS_CHECKED})${guess ? `; did you mean ${guess}?` : ""} Fix: pulumi config set aws:region ${guess ?? "us-east-1"} --stack ${raw.stack} (if AWS opened this region since, add it to AWS_REGIONS in infra/config/schema.ts)`,
    );
}

/**
 * What the stack file itself sets, judged leaf by leaf: keys of the other role (Pulumi.yaml's defaults
 * reach every stack, so only the file tells), plain text inside a secret map, and `secure:` values under
 * keys that are not secrets (they would be used in clear, e.g. in a task definition's `environment`).
 */
function checkStackFileKeys(raw: RawConfig, role: Role, problems: string[]): Set<string> {
    const file = `Pulumi.${raw.stack}.yaml`;
    /** Keys holding a secure: value they must not: their values are not decoded (one problem per mistake). */
    const misplaced = new Set<string>();
    for (const [full, value] of Object.entries(raw.stackFile ?? {})) {
        if (!full.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
        const spec = specFor(full.slice(CONFIG_NAMESPACE.length + 1));
        if (!spec) continue; // reported as an unknown key
        if (!spec.roles.includes(role)) {
            const owner = spec.roles.join(" and ");
            problems.push(
                `${full} is ${owner === "environment" ? "an" : "a"} ${owner} setting, but ${file} declares ${role === "environment" ? "an" : "a"} ${role} stack (slipway:role ${role}), which never reads it. Remove it with: pulumi config rm ${full} --stack ${raw.stack}`,
            );
            continue;
        }
        for (const leaf of leavesOf(value)) {
            const at = full + leaf.suffix;
            if (spec.secretValues) {
                // ciSecrets: environment → NAME → value; a depth-1 leaf is the old flat form, reported with its own fix.
                const depth = spec.key === "ciSecrets" ? 2 : 1;
                if (leaf.secure || leaf.depth !== depth) continue;
                problems.push(
                    `${at} is plain text in ${file}: every value in ${full} must be a secure: value (one secure entry makes Pulumi treat the whole key as secret, so a plain one would pass unnoticed). Fix: pulumi config set --secret --path '${at}' <value> --stack ${raw.stack}`,
                );
            } else if (leaf.secure) {
                problems.push(secureUnderPlainKey(at, spec, role, raw.stack));
                misplaced.add(full);
            }
        }
    }
    // Keys marked secret that were not set in the stack file (or without one): only the whole key is known.
    for (const full of raw.secretKeys) {
        if (!full.startsWith(`${CONFIG_NAMESPACE}:`) || (raw.stackFile && full in raw.stackFile)) continue;
        const spec = specFor(full.slice(CONFIG_NAMESPACE.length + 1));
        if (spec && !spec.secretValues && spec.roles.includes(role)) {
            problems.push(secureUnderPlainKey(full, spec, role, raw.stack));
            misplaced.add(full);
        }
    }
    return misplaced;
}

function secureUnderPlainKey(at: string, spec: KeySpec, role: Role, stack: string): string {
    if (spec.key === "appSettings") {
        const name = at.slice("slipway:appSettings.".length);
        return `${at} is a secure: value, but slipway:appSettings reaches the container in clear (the task definition's environment); secrets belong in slipway:appSecrets. Fix: pulumi config rm --path '${at}' --stack ${stack} && pulumi config set --secret --path 'slipway:appSecrets.${name}' <value> --stack ${stack}`;
    }
    const home = role === "environment" ? "slipway:appSecrets (injected from Secrets Manager)" : "slipway:ciSecrets (GitHub environment secrets)";
    const set = at === `${CONFIG_NAMESPACE}:${spec.key}` ? `pulumi config set ${at} '<value>' --stack ${stack}` : `pulumi config set --path '${at}' <value> --stack ${stack}`;
    return `${at} is a secure: value, but ${CONFIG_NAMESPACE}:${spec.key} is not a secret setting: slipway would use it in clear (in resource inputs such as a task definition). Set it in plain text: ${set}; a secret belongs in ${home}.`;
}

interface Leaf {
    /** Path below the key in `--path` syntax: `.API_KEY`, `.production.TOKEN`, `[0]`. */
    suffix: string;
    depth: number;
    secure: boolean;
}

/** Every scalar of a stack-file value with its path; a `{ secure }` object is one (secure) leaf. */
function leavesOf(value: unknown, suffix = "", depth = 0): Leaf[] {
    if (value === null || value === undefined) return [];
    if (Array.isArray(value)) return value.flatMap((v, i) => leavesOf(v, `${suffix}[${i}]`, depth + 1));
    if (typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (Object.keys(o).length === 1 && typeof o.secure === "string") return [{ suffix, depth, secure: true }];
        return Object.entries(o).flatMap(([k, v]) => leavesOf(v, `${suffix}.${k}`, depth + 1));
    }
    return [{ suffix, depth, secure: false }];
}

function deliverySettings(common: CommonSettings, d: DeliveryConfig, raw: RawConfig, problems: string[]): DeliverySettings {
    const stacks = d.pipelineStacks;
    const targets: DeployTarget[] = stacks.map((stack, i) => {
        if (stack === raw.stack) {
            problems.push(`slipway:pipelineStacks lists ${stack}, the delivery stack itself; list environment stacks only.`);
        }
        const isLast = i === stacks.length - 1;
        const platform = targetPlatform(stack, i, raw, problems);
        const tier: Tier = isLast && stacks.length > 1 ? "production" : tierForStack(stack);
        const file = raw.readStackConfig?.(stack);
        return {
            stack,
            tier,
            platform,
            domain: managedDomainOfStackFile(file),
            database: databaseOfStackFile(file) || undefined,
            ...(databaseKindOfStackFile(file) === "instance" ? { databaseKind: "instance" as const } : {}),
            // The release phase, workers, jobs, waits and the rest: what this target's platform reads of its file.
            ...PLATFORM_CONFIG[platform].targetFacts(file, tier),
        };
    });
    const reviewTemplate = raw.readStackConfig?.(REVIEW_TEMPLATE_FILE_STACK);
    const reviewImages = ownImagesOf(reviewTemplate).images;
    serviceImageProblems(targets, reviewImages ? { workers: workerNamesOfStackFile(reviewTemplate), images: reviewImages } : undefined, problems);
    sharedQueueProblems(targets, queuesOf(reviewTemplate).queues, problems);
    checkNameLengths(common.appName, stacks, problems);
    // The review template's restoreFrom widens the review deploy role into staging's snapshots and key: only with its written waiver.
    const reviewRestore = databaseOfStackFile(reviewTemplate) ? restoreSourceOfStackFile(reviewTemplate) : undefined;
    if (reviewRestore && !reviewRestore.waived) {
        problems.push(
            `Pulumi.review.yaml sets slipway:database.restoreFrom = ${reviewRestore.stack} without slipway:policyWaivers.${REVIEW_STAGING_DATA_WAIVER}: the review deploy role would get read rights on ${reviewRestore.stack}'s snapshots and its database key. Fix: pulumi config set --path 'slipway:policyWaivers.${REVIEW_STAGING_DATA_WAIVER}' '<why review stacks may hold staging data>' --stack review, or pulumi config rm --path 'slipway:database.restoreFrom' --stack review`,
        );
    }
    const productionGate = d.productionGate;
    const reviewers = d.productionReviewers;
    if (productionGate === "github-reviewers" && reviewers.length === 0 && targets.some((t) => t.tier === "production") && !waived(common, "production-reviewers")) {
        const production = targets.filter((t) => t.tier === "production").map((t) => t.stack).join(", ");
        problems.push(
            `slipway:productionReviewers is empty while slipway:productionGate is github-reviewers: nobody would have to approve a pulumi up of ${production}. Fix: pulumi config set --path 'slipway:productionReviewers[0]' <github-user> --stack ${raw.stack} (or, for a private repository on GitHub Free, Pro or Team, where required reviewers are unavailable: pulumi config set slipway:productionGate pipeline-approval --stack ${raw.stack}; or waive it with a written reason: ${waiverHint("production-reviewers", raw.stack)})`,
        );
    }
    // Empty: the production reviewers gate review stacks too, when there are any to ask.
    const reviewStackGate = d.reviewStackGate || (productionGate === "github-reviewers" && reviewers.length > 0 ? "github-reviewers" : "label");
    if (reviewStackGate === "github-reviewers" && productionGate === "pipeline-approval") {
        problems.push(
            `slipway:reviewStackGate = "github-reviewers" needs required reviewers on GitHub environments, which slipway:productionGate pipeline-approval says this repository's GitHub plan lacks. Fix: pulumi config set slipway:reviewStackGate label --stack ${raw.stack} (or pulumi config set slipway:productionGate github-reviewers --stack ${raw.stack} if the plan has required reviewers)`,
        );
    } else if (reviewStackGate === "github-reviewers" && reviewers.length === 0) {
        problems.push(
            `slipway:reviewStackGate is github-reviewers but slipway:productionReviewers is empty: nobody could approve a review stack. Fix: pulumi config set --path 'slipway:productionReviewers[0]' <github-user> --stack ${raw.stack} (or pulumi config set slipway:reviewStackGate label --stack ${raw.stack})`,
        );
    }
    return {
        ...common,
        role: "delivery",
        github: { owner: d.githubOwner, repo: d.githubRepo, branch: d.githubBranch },
        infraRepository: d.infraRepository
            ? { owner: d.infraRepository.split("/")[0], repo: d.infraRepository.split("/")[1] }
            : { owner: d.githubOwner, repo: d.githubRepo },
        productionReviewers: reviewers,
        productionGate,
        reviewStackGate,
        pulumiBackendUrl: d.pulumiBackendUrl || undefined,
        connectionArn: d.connectionArn,
        targets,
        reviewDomain: managedDomainOfStackFile(raw.readStackConfig?.(REVIEW_TEMPLATE_FILE_STACK)),
        reviewDatabase: databaseOfStackFile(raw.readStackConfig?.(REVIEW_TEMPLATE_FILE_STACK)) || undefined,
        ...((DATABASE_PLATFORMS as readonly string[]).includes(reviewTemplate?.[`${CONFIG_NAMESPACE}:platform`] ?? "ecs") && databaseIamAuthOfStackFile(reviewTemplate) ? { reviewDatabaseIam: true } : {}),
        ...(databaseKindOfStackFile(reviewTemplate) === "instance" ? { reviewDatabaseKind: "instance" as const } : {}),
        ...(reviewRestore?.waived ? { reviewDatabaseRestore: { stack: reviewRestore.stack } } : {}),
        ...(databaseOfStackFile(reviewTemplate) ? { reviewDatabasePlatform: reviewTemplate?.[`${CONFIG_NAMESPACE}:platform`] ?? "ecs" } : {}),
        ...(reviewImages ? { reviewImages } : {}),
        ...(queuesOf(reviewTemplate).queues ? { reviewQueues: queuesOf(reviewTemplate).queues } : {}),
        ...(secretChoicesOf(reviewTemplate).secretChoices ? { reviewSecretChoices: secretChoicesOf(reviewTemplate).secretChoices } : {}),
        notificationEmails: d.notificationEmails,
        chat: chatSettings(d.chat, raw.stack, problems),
        ops: { principals: d.opsPrincipals, rollback: d.opsRollback },
        githubStatus: githubStatusSettings(d.githubStatus, raw.stack, problems),
        build: {
            testCommand: d.testCommand,
            buildCommand: d.buildCommand,
            dockerfile: d.dockerfile,
            dockerContext: d.dockerContext,
            computeType: d.buildComputeType,
            timeoutMinutes: d.buildTimeoutMinutes,
        },
        registry: { keepImages: d.keepImages, untaggedImageDays: d.untaggedImageDays },
        smokeTestAttempts: d.smokeTestAttempts,
        githubOidcProviderArn: d.githubOidcProviderArn || undefined,
        seedImageContext: d.seedImageContext || undefined,
        ciSecrets: ciSecretsOf(d.ciSecrets, [...stacks, ...CI_SECRET_EXTRA_ENVIRONMENTS], raw.stack, problems),
        packages: packageSettings(d.packages, common.appName, raw.stack, problems),
        protect: true,
    };
}

/** True when the stack waives a config check (slipway:policyWaivers), with a reason (the schema refuses empty ones). */
function waived(common: CommonSettings, id: string): boolean {
    return Boolean(common.policyWaivers[id]?.trim());
}

function waiverHint(id: string, stack: string): string {
    return `pulumi config set --path 'slipway:policyWaivers.${id}' '<why this stack is an exception>' --stack ${stack}`;
}

/**
 * `slipway:ciSecrets`: GitHub environment → secret NAME → value. The old flat form (NAME → value, one
 * repository-wide secret every workflow could read) is refused with the move that replaces it.
 */
function ciSecretsOf(map: Record<string, unknown>, environments: string[], stack: string, problems: string[]): Record<string, Record<string, SecretValue>> {
    const out: Record<string, Record<string, SecretValue>> = {};
    const key = `${CONFIG_NAMESPACE}:ciSecrets`;
    const list = environments.join(", ");
    for (const [environment, secrets] of Object.entries(map)) {
        const at = `${key}.${environment}`;
        if (typeof secrets === "string") {
            problems.push(
                `${at} is a repository-wide CI secret (the old flat form): CI secrets are now GitHub environment secrets, so each environment's workflows get only their own. Move it under each environment that needs it (${list}): pulumi config rm --path '${at}' --stack ${stack} && pulumi config set --secret --path '${key}.${environments.includes("production") ? "production" : environments[0]}.${environment}' <value> --stack ${stack}`,
            );
            continue;
        }
        if (!environments.includes(environment)) {
            const guess = closest(environment, environments);
            problems.push(
                `${at}: "${environment}" is not a GitHub environment this delivery stack creates (its environments: ${list})${guess ? `; did you mean ${guess}?` : ""} Fix: pulumi config rm --path '${at}' --stack ${stack} and set each secret under one of those: pulumi config set --secret --path '${key}.${guess ?? environments[0]}.NAME' <value> --stack ${stack}`,
            );
            continue;
        }
        if (!secrets || typeof secrets !== "object" || Array.isArray(secrets)) {
            problems.push(`${at} must be a map of NAME: secure value. Fix: pulumi config rm --path '${at}' --stack ${stack} && pulumi config set --secret --path '${at}.PULUMI_ACCESS_TOKEN' <value> --stack ${stack}`);
            continue;
        }
        const seen = new Map<string, string>();
        const names = Object.entries(secrets as Record<string, unknown>);
        if (names.length > GITHUB_ENVIRONMENT_SECRETS_MAX) {
            problems.push(`${at} holds ${names.length} secrets; GitHub allows ${GITHUB_ENVIRONMENT_SECRETS_MAX} per environment. Remove some with: pulumi config rm --path '${at}.NAME' --stack ${stack}`);
        }
        out[environment] = {};
        for (const [name, value] of names) {
            const leaf = `${at}.${name}`;
            const problem = githubSecretNameProblem(name);
            if (problem) {
                problems.push(`${leaf}: "${name}" is not a GitHub secret name: it ${problem}. Fix: pulumi config rm --path '${leaf}' --stack ${stack} && pulumi config set --secret --path '${at}.PULUMI_ACCESS_TOKEN' <value> --stack ${stack}`);
                continue;
            }
            // GitHub stores secret names upper-cased: two names differing in case are one secret.
            const upper = name.toUpperCase();
            if (seen.has(upper)) {
                problems.push(`${leaf} and ${at}.${seen.get(upper)} are one GitHub secret (names are case-insensitive). Remove one: pulumi config rm --path '${leaf}' --stack ${stack}`);
                continue;
            }
            seen.set(upper, name);
            if (typeof value !== "string" || value === "") {
                problems.push(`${leaf} must be a non-empty secure value. Fix: pulumi config set --secret --path '${leaf}' <value> --stack ${stack}`);
                continue;
            }
            out[environment][name] = { secret: true, value };
        }
    }
    return out;
}

/** Why `name` cannot be a GitHub Actions secret name, or undefined when it can. */
export function githubSecretNameProblem(name: string): string | undefined {
    if (!GITHUB_SECRET_NAME.test(name)) return "must contain only letters, digits and '_', and not start with a digit";
    if (name.toUpperCase().startsWith("GITHUB_")) return "must not start with GITHUB_ (GitHub reserves the prefix)";
    if (name.length > GITHUB_SECRET_NAME_MAX) return `must be at most ${GITHUB_SECRET_NAME_MAX} characters`;
    return undefined;
}

function environmentSettings(common: CommonSettings, d: EnvironmentConfig, raw: RawConfig, problems: string[]): EnvironmentSettings {
    const tier: Tier = d.tier || tierForStack(raw.stack);
    const byTier = TIER_DEFAULTS[tier];
    problems.push(...PLATFORM_CONFIG[d.platform].sizingProblems(d, raw.stack));
    problems.push(...releaseProblems(d, raw.stack));
    if (d.certificateArn && !d.domainName && !d.domainZoneId) {
        problems.push(
            `slipway:certificateArn is set but slipway:domainName is empty: HTTPS needs the name the certificate covers. Fix: pulumi config set slipway:domainName app.example.com --stack ${raw.stack}`,
        );
    }
    if (d.domainName && !d.certificateArn && !d.domainZoneId) {
        problems.push(
            `slipway:domainName is set but slipway:certificateArn and slipway:domainZoneId are empty: the domain is only used for HTTPS. Fix: pulumi config set slipway:domainZoneId <route53-hosted-zone-id> --stack ${raw.stack} (the stack makes the certificate and the record) or pulumi config set slipway:certificateArn <acm-certificate-arn> --stack ${raw.stack} (or pulumi config rm slipway:domainName --stack ${raw.stack})`,
        );
    }
    if (d.highAvailability) {
        const found = PLATFORM_CONFIG[d.platform].highAvailabilityProblems(d, byTier);
        for (const [what, fix] of found) {
            problems.push(`slipway:highAvailability is true but ${what}. Fix: ${fix} --stack ${raw.stack} (or pulumi config set slipway:highAvailability false --stack ${raw.stack})`);
        }
    }
    checkNameLengths(common.appName, [raw.stack], problems);
    if (isProductionName(raw.stack) && tier !== "production" && !waived(common, "production-tier")) {
        problems.push(
            `slipway:tier = "${tier}" on stack ${raw.stack}: a production-named stack (production, prod, *-production, *-prod) must be the production tier, which protects its data, serves HTTPS and is deployed through the reviewed pipeline. Fix: pulumi config set slipway:tier production --stack ${raw.stack} (or rename the stack, or waive it with a written reason: ${waiverHint("production-tier", raw.stack)})`,
        );
    }
    checkDeployedByDelivery(d.deliveryStack, tier, raw, problems);
    const ingress = d.ingress || byTier.ingress;
    problems.push(...maintenanceProblems(d, ingress, raw.stack));
    const { own, serving } = PLATFORM_CONFIG[d.platform].environment(
        { d, byTier, tier, stack: raw.stack, ingress, waived: (id) => waived(common, id), waiverHint: (id) => waiverHint(id, raw.stack) },
        problems,
    );
    checkVpcCidr(d.vpcCidr, d.azCount, serving.loadBalanced, raw.stack, problems, Object.keys(d.database ?? {}).length > 0);
    if (tier === "production" && !waived(common, "production-https")) checkProductionHttps(d, serving, raw.stack, problems);
    problems.push(...domainProblems(d, { stack: raw.stack, review: tier === "review", singleInstance: serving.singleInstance !== undefined }));
    const managedDomain = d.domainZoneId && d.domainName && !d.certificateArn
        ? { zoneId: d.domainZoneId, name: tier === "review" ? reviewDomainName(raw.stack, d.domainName) : d.domainName }
        : undefined;
    const settings = { ...d.appSettings };
    // What a worker's or a job's `secrets` and `database` may name (infra/platforms/ecs/process-secrets.ts).
    const processSecretContext = { secretNames: Object.keys(d.appSecrets).sort(), database: Object.keys(d.database ?? {}).length > 0 };
    for (const name of Object.keys(d.appSecrets)) {
        if (name in settings) {
            problems.push(`${name} is both in slipway:appSettings and slipway:appSecrets; keep it in appSecrets only. Fix: pulumi config rm --path 'slipway:appSettings.${name}' --stack ${raw.stack}`);
        }
    }
    problems.push(...databaseNameProblems(d.database, d.appSettings, d.appSecrets, raw.stack));
    return {
        ...common,
        role: "environment",
        tier,
        platform: d.platform,
        deliveryStack: d.deliveryStack,
        imageStack: d.imageStack || byTier.imageStack || raw.stack,
        containerPort: d.containerPort,
        healthPath: d.healthPath,
        cpu: d.cpu,
        memory: d.memory,
        desiredCount: d.desiredCount,
        minCount: d.minCount,
        maxCount: d.maxCount,
        cpuTargetPercent: d.cpuTargetPercent,
        fargateSpot: d.fargateSpot,
        ingress,
        dashboard: d.dashboard,
        containerHealthCheck: d.containerHealthCheck || undefined,
        releaseCommand: d.releaseCommand || undefined,
        maintenancePage: d.maintenancePage || undefined,
        workers: workerSettings(
            d.workers,
            { platform: d.platform, cpu: d.cpu, memory: d.memory, cpuTargetPercent: d.cpuTargetPercent, atMinimum: byTier.workersAtMinimum, environmentName: `${common.appName}-${raw.stack}`, ...processSecretContext },
            raw.stack,
            problems,
        ),
        jobs: jobSettings(d.jobs, { platform: d.platform, cpu: d.cpu, memory: d.memory, workerNames: Object.keys(d.workers), environmentName: `${common.appName}-${raw.stack}`, ...processSecretContext }, raw.stack, problems),
        database: databaseSettings(
            d.database,
            { platform: d.platform, tier, environmentName: `${common.appName}-${raw.stack}`, restore: { appName: common.appName, region: common.region, waived: waived(common, REVIEW_STAGING_DATA_WAIVER), readStackConfig: raw.readStackConfig } },
            raw.stack,
            problems,
        ),
        certificateArn: d.certificateArn || undefined,
        domainName: managedDomain?.name ?? (d.domainName || undefined),
        managedDomain,
        // The delivery stack's slipway:packages.runtimeRead: this stack's workloads may read its package index.
        ...packagesReadOf(runtimeReadOf(raw.readStackConfig?.(d.deliveryStack.split("/").pop() as string), common.appName)),
        logRetentionDays: d.logRetentionDays,
        vpcCidr: d.vpcCidr,
        azCount: d.azCount,
        ...own,
        appSettings: settings,
        appSecrets: secretValues(d.appSecrets),
        protect: byTier.protect,
        containerInsights: byTier.containerInsights,
        alarms: alarmSettings(d, PLATFORM_CONFIG[d.platform].countsUnhealthyTargets(ingress), raw.stack, problems),
        deploy: deploySettings(d, tier, ingress, d.platform, raw.stack, problems),
    };
}

/**
 * A production-tier environment serves HTTPS. Behind a load balancer (ECS `alb` ingress, or a
 * load-balanced Beanstalk environment) that needs the certificate and the name; the HTTP API's own
 * execute-api endpoint is HTTPS already. A single instance (Beanstalk's SingleInstance) has no load
 * balancer to hold a certificate, so it serves HTTP whatever is set.
 */
function checkProductionHttps(d: Record<string, unknown>, serving: Serving, stack: string, problems: string[]) {
    const fix = `pulumi config set slipway:domainZoneId <route53-hosted-zone-id> --stack ${stack} && pulumi config set slipway:domainName app.example.com --stack ${stack} (the stack makes and renews the certificate), or pulumi config set slipway:certificateArn <acm-certificate-arn> --stack ${stack} with the same domainName`;
    const waive = `or waive it with a written reason: ${waiverHint("production-https", stack)}`;
    if (serving.singleInstance) {
        problems.push(
            `${serving.singleInstance.chosenBy} on the production tier: a single instance has no load balancer to hold slipway:certificateArn, so production would serve plain HTTP. Fix: ${serving.singleInstance.fix} (${waive})`,
        );
        return;
    }
    if (d.certificateArn || d.domainZoneId || serving.httpsBuiltIn) return;
    problems.push(`slipway:certificateArn and slipway:domainName are empty on the production tier: ${serving.frontDoor} would serve production over plain HTTP. Fix: ${fix} (${waive})`);
}

/** The CIDR's network address (host bits cleared), e.g. 10.20.0.0/16 for 10.20.1.0/16. */
export function cidrNetwork(cidr: string): string {
    const [base, bitsText] = cidr.split("/");
    const bits = Number(bitsText);
    const address = base.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - bits);
    const network = Math.floor(address / size) * size;
    return `${[24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".")}/${bits}`;
}

/** Host bits must be zero, and azCount subnets two bits longer must fit and be subnets AWS allows. */
function checkVpcCidr(cidr: string, count: number, behindLoadBalancer: boolean, stack: string, problems: string[], database = false) {
    const network = cidrNetwork(cidr);
    if (network !== cidr) {
        problems.push(`slipway:vpcCidr = "${cidr}" has host bits set: AWS takes a VPC's network address, which for ${cidr} is ${network}. Fix: pulumi config set slipway:vpcCidr ${network} --stack ${stack}`);
        return;
    }
    const bits = Number(cidr.split("/")[1]);
    const subnetBits = bits + VPC_PREFIX.subnetExtraBits;
    const smallest = behindLoadBalancer ? VPC_PREFIX.smallestLoadBalancerSubnet : VPC_PREFIX.smallestSubnet;
    const largestVpc = smallest - VPC_PREFIX.subnetExtraBits;
    if (count > 2 ** VPC_PREFIX.subnetExtraBits || subnetBits > smallest) {
        const example = `${network.split("/")[0]}/${Math.min(bits, largestVpc)}`;
        problems.push(
            `slipway:vpcCidr = "${cidr}" is too small for slipway:azCount = ${count} subnets: each zone's subnet is two bits longer (/${subnetBits}), and AWS's smallest subnet is /${VPC_PREFIX.smallestSubnet}${behindLoadBalancer ? ` (/${VPC_PREFIX.smallestLoadBalancerSubnet} for a load balancer's subnets)` : ""}. Fix: pulumi config set slipway:vpcCidr ${example} --stack ${stack} (a /${largestVpc} or larger network)`,
        );
        return;
    }
    // slipway:database: its subnets split the network's spare quarter once more, one per zone (stacks/environment.ts).
    const databaseBits = subnetBits + VPC_PREFIX.subnetExtraBits;
    if (database && databaseBits > VPC_PREFIX.smallestSubnet) {
        const largest = VPC_PREFIX.smallestSubnet - 2 * VPC_PREFIX.subnetExtraBits;
        problems.push(
            `slipway:vpcCidr = "${cidr}" is too small for slipway:database: the database's subnets take the network's last quarter, split once more per zone (/${databaseBits}), and AWS's smallest subnet is /${VPC_PREFIX.smallestSubnet}. Fix: pulumi config set slipway:vpcCidr ${network.split("/")[0]}/${largest} --stack ${stack} (a /${largest} or larger network)`,
        );
    }
}

const packagesReadOf = (p: EnvironmentSettings["packagesRead"]) => (p ? { packagesRead: p } : {});

/**
 * An environment stack must be deployed by its delivery stack: listed in the delivery stack file's
 * slipway:pipelineStacks, unless it is a review stack (deployed per pull request by the review workflow).
 */
function checkDeployedByDelivery(reference: string, tier: Tier, raw: RawConfig, problems: string[]) {
    if (tier === "review") return;
    const name = reference.split("/").pop() as string;
    const delivery = raw.readStackConfig?.(name);
    if (!delivery) {
        problems.push(
            `slipway:deliveryStack = "${reference}", but there is no Pulumi.${name}.yaml next to Pulumi.${raw.stack}.yaml, so nothing shows that the delivery stack deploys ${raw.stack}. Create the delivery stack (pulumi stack init ${name} && pulumi config set slipway:role delivery --stack ${name}) or point at the one that exists: pulumi config set slipway:deliveryStack <delivery-stack> --stack ${raw.stack}`,
        );
        return;
    }
    if (delivery[`${CONFIG_NAMESPACE}:role`] === "environment") {
        problems.push(`slipway:deliveryStack = "${reference}" names Pulumi.${name}.yaml, an environment stack (slipway:role environment). Fix: pulumi config set slipway:deliveryStack <delivery-stack> --stack ${raw.stack}`);
        return;
    }
    const stacks = pipelineStacksOf(delivery);
    if (!stacks || stacks.includes(raw.stack)) return;
    problems.push(
        `stack ${raw.stack} is not deployed by its delivery stack: slipway:pipelineStacks in Pulumi.${name}.yaml lists ${stacks.join(", ")}, and only review stacks (review, review-*) are deployed outside the pipeline. Fix: pulumi config set --path 'slipway:pipelineStacks[${stacks.length}]' ${raw.stack} --stack ${name} (or pulumi config set slipway:deliveryStack <the delivery stack that deploys it> --stack ${raw.stack})`,
    );
}

/** The delivery stack file's pipelineStacks (Pulumi.yaml's default when the file does not set it); undefined when unreadable. */
function pipelineStacksOf(delivery: Record<string, string>): string[] | undefined {
    const text = delivery[`${CONFIG_NAMESPACE}:pipelineStacks`];
    if (text === undefined) return specFor("pipelineStacks")?.default as string[];
    try {
        const parsed: unknown = JSON.parse(text);
        return Array.isArray(parsed) && parsed.every((s) => typeof s === "string") ? parsed : undefined;
    } catch {
        return undefined;
    }
}

/**
 * A pipeline target's platform, from the target's own stack file (`slipway:platform`, default `ecs`):
 * the environment's stack file is the single source of truth, the delivery stack only reads it. A
 * target without a stack file is a stack that does not exist (or a typo), not an ECS stack.
 */
function targetPlatform(stack: string, index: number, raw: RawConfig, problems: string[]): Platform {
    const target = raw.readStackConfig?.(stack);
    if (!target) {
        problems.push(
            `slipway:pipelineStacks lists "${stack}", but there is no Pulumi.${stack}.yaml next to Pulumi.${raw.stack}.yaml: the pipeline would deploy a stack that does not exist. Create it (pulumi stack init ${stack} && pulumi config set slipway:role environment --stack ${stack}) or fix the entry: pulumi config set --path 'slipway:pipelineStacks[${index}]' <stack> --stack ${raw.stack}`,
        );
        return "ecs";
    }
    if (target[`${CONFIG_NAMESPACE}:role`] === "delivery") {
        problems.push(`slipway:pipelineStacks lists "${stack}", a delivery stack (slipway:role delivery in Pulumi.${stack}.yaml); list environment stacks only. Fix: pulumi config set --path 'slipway:pipelineStacks[${index}]' <environment-stack> --stack ${raw.stack}`);
        return "ecs";
    }
    const value = target[`${CONFIG_NAMESPACE}:platform`] ?? "ecs";
    if ((PLATFORMS as readonly string[]).includes(value)) return value as Platform;
    problems.push(
        `${CONFIG_NAMESPACE}:platform = ${JSON.stringify(value)} in Pulumi.${stack}.yaml is not valid: it must be one of ${PLATFORMS.join(", ")}. Fix: pulumi config set ${CONFIG_NAMESPACE}:platform ecs --stack ${stack}`,
    );
    return "ecs";
}

/** `<app>-<stack>` names the cluster, service and Beanstalk environment (EB allows 4–40 characters). */
function checkNameLengths(app: string, stacks: string[], problems: string[]) {
    for (const stack of stacks) {
        if (`${app}-${stack}`.length > 40) {
            problems.push(
                `slipway:appName "${app}" with stack "${stack}" gives the name "${app}-${stack}", over AWS's 40-character limit; shorten the app name or the stack name.`,
            );
        }
        if (!/^[a-z][a-z0-9-]*$/.test(stack)) {
            problems.push(`stack name "${stack}" must be lower-case letters, digits and '-' (it names AWS resources); rename the stack.`);
        }
    }
}

function secretValues(map: Record<string, string>): Record<string, SecretValue> {
    const out: Record<string, SecretValue> = {};
    for (const [k, v] of Object.entries(map)) out[k] = { secret: true, value: v };
    return out;
}

/** decode() result for a value of the wrong type (already reported). */
const INVALID = Symbol("invalid");

/** A value as a message may show it: JSON, with a secret's scalars replaced by [secret] (map keys stay). */
function shown(value: unknown, secret: boolean): string {
    if (!secret) return JSON.stringify(value);
    const mask = (v: unknown): unknown =>
        v && typeof v === "object" ? (Array.isArray(v) ? v.map(mask) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]))) : "[secret]";
    return JSON.stringify(mask(value));
}

function decode(spec: KeySpec, full: string, text: string, stack: string, secret: boolean, problems: string[]): unknown {
    const { schema, is } = PULUMI_VALUE[spec.type];
    const result = schema.safeParse(text, ONCE);
    if (result.success) return result.data;
    problems.push(`${full} = ${secret ? '"[secret]"' : JSON.stringify(text)} is not ${is}. Fix: ${fixHint(full, spec.example, stack, spec.secretValues)}`);
    return INVALID;
}

/**
 * The command that sets `key` to `example` on `stack`. Lists are set item by item with --path (a list
 * typed in Pulumi.yaml refuses a JSON string), maps one NAME at a time, secrets with --secret.
 */
export function fixHint(key: string, example: string, stack: string, secret = false): string {
    const spec = ALL_KEYS.find((s) => `${CONFIG_NAMESPACE}:${s.key}` === key);
    if (secret) return `pulumi config set --secret --path '${key}.${example}' <value> --stack ${stack}`;
    if (spec?.type === "map") return `pulumi config set --path '${key}.${example}' <value> --stack ${stack}`;
    if (spec?.type === "array") {
        const items = JSON.parse(example) as string[];
        return [`pulumi config rm ${key} --stack ${stack}`, ...items.map((v, i) => `pulumi config set --path '${key}[${i}]' ${v} --stack ${stack}`)].join(" && ");
    }
    return `pulumi config set ${key} '${example}' --stack ${stack}`;
}

/** Nearest key by edit distance, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    if (bestDistance <= Math.max(2, Math.floor(word.length / 3))) return best;
    // An abbreviation (`prod` for `production`) is far in edits but plain to a reader.
    return word.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(word.toLowerCase())) : undefined;
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = row;
    }
    return prev[b.length];
}

/**
 * Reads the running stack's config from the Pulumi runtime (real engine or the offline plan's mocks).
 * Other stacks' files (the pipeline's targets) are read from `stackDir`: the project directory, where
 * Pulumi runs programs, unless a test points it at its own fixtures.
 */
export function loadSettings(stackDir: string = process.cwd()): Settings {
    // Imported here so config parsing stays usable (and fast to test) without the Pulumi runtime.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    // pulumi.runtime exports isConfigSecret (which keys `pulumi config set --secret` set), though its
    // type declarations leave it out. Without it the secret-value checks could not run: refuse, not skip.
    const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
    const isSecret = runtime.isConfigSecret;
    if (typeof isSecret !== "function") throw new Error("@pulumi/pulumi no longer exports runtime.isConfigSecret: slipway cannot tell secret config from plain; pin the @pulumi/pulumi version in package.json");
    const values = pulumi.runtime.allConfig();
    const secretKeys = new Set(Object.keys(values).filter((k) => isSecret(k)));
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    return parseSettings({
        project,
        stack,
        values,
        secretKeys,
        readStackConfig: (other) => readStackFile(stackDir, other),
        stackFile: readStackFileConfig(stackDir, stack, project),
    });
}
