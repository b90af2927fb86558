// The one place that reads stack config. It validates every key against infra/config-schema.ts and
// returns typed settings; a bad value stops the program before any resource is declared.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { BEANSTALK_LOG_RETENTION_DAYS, CONFIG_KEYS, CONFIG_NAMESPACE, FARGATE_SIZES, KeySpec, PLATFORMS, Role } from "./config-schema";

export type Tier = "production" | "staging" | "review";
export type Platform = (typeof PLATFORMS)[number];
export type BeanstalkEnvironmentType = "SingleInstance" | "LoadBalanced";
export type BeanstalkDeploymentPolicy = "AllAtOnce" | "Rolling" | "RollingWithAdditionalBatch" | "Immutable" | "TrafficSplitting";

/** Elastic Beanstalk sizing and rollout, with the tier-dependent defaults already applied. */
export interface BeanstalkSettings {
    instanceTypes: string[];
    environmentType: BeanstalkEnvironmentType;
    minInstances: number;
    maxInstances: number;
    deploymentPolicy: BeanstalkDeploymentPolicy;
    batchSizePercent: number;
    solutionStackRegex: string;
    /** `Day:HH:MM` UTC start of the weekly managed-update window. */
    maintenanceWindow: string;
}

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
}

export interface DeliverySettings extends CommonSettings {
    role: "delivery";
    github: { owner: string; repo: string; branch: string };
    /** Repository of this program and its workflows (defaults to the app repository). */
    infraRepository: { owner: string; repo: string };
    productionReviewers: string[];
    /** `s3://bucket[/prefix]` or a Pulumi Cloud URL; undefined: Pulumi Cloud. */
    pulumiBackendUrl?: string;
    connectionArn: string;
    targets: DeployTarget[];
    notificationEmails: string[];
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
    ciSecrets: Record<string, SecretValue>;
    /** Registry, artifact bucket and logs are protected: production images live here. */
    protect: boolean;
}

export interface EnvironmentSettings extends CommonSettings {
    role: "environment";
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
    dashboard: boolean;
    certificateArn?: string;
    /** Public DNS name of the app; required with a certificate (the health URL uses it). */
    domainName?: string;
    logRetentionDays: number;
    vpcCidr: string;
    azCount: number;
    /** Elastic Beanstalk settings; present when platform is `beanstalk`. */
    beanstalk?: BeanstalkSettings;
    appSettings: Record<string, string>;
    appSecrets: Record<string, SecretValue>;
    /** Production keeps its secrets, logs and data through a destroy; other tiers delete cleanly. */
    protect: boolean;
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
}

/** Every problem found in the config, one per line, each naming the key and the fix. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

export function tierForStack(stack: string): Tier {
    if (stack === "production" || stack === "prod") return "production";
    if (stack.startsWith("review-")) return "review";
    return "staging";
}

export function parseSettings(raw: RawConfig): Settings {
    const problems: string[] = [];
    const setHint = (key: string, example: string, secret = false) => {
        const spec = CONFIG_KEYS.find((s) => `${CONFIG_NAMESPACE}:${s.key}` === key);
        if (secret) return `pulumi config set --secret --path '${key}.${example}' <value> --stack ${raw.stack}`;
        if (spec?.type === "map") return `pulumi config set --path '${key}.${example}' <value> --stack ${raw.stack}`;
        return `pulumi config set ${key} '${example}' --stack ${raw.stack}`;
    };

    // Unknown keys in our namespace are almost always typos.
    for (const full of Object.keys(raw.values)) {
        if (!full.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
        const key = full.slice(CONFIG_NAMESPACE.length + 1);
        if (!CONFIG_KEYS.some((s) => s.key === key)) {
            const guess = closest(key, CONFIG_KEYS.map((s) => s.key));
            problems.push(
                `${full} is not a slipway setting${guess ? `; did you mean ${CONFIG_NAMESPACE}:${guess}?` : ""} Remove it with: pulumi config rm ${full} --stack ${raw.stack}`,
            );
        }
    }

    const roleRaw = raw.values[`${CONFIG_NAMESPACE}:role`] ?? "";
    const role: Role =
        roleRaw === "delivery" || roleRaw === "environment" ? roleRaw : raw.stack === "delivery" ? "delivery" : "environment";

    const decoded: Record<string, unknown> = {};
    for (const spec of CONFIG_KEYS) {
        const full = `${CONFIG_NAMESPACE}:${spec.key}`;
        // Pulumi.yaml's defaults reach every stack; only the keys this role reads are checked.
        if (!spec.roles.includes(role)) continue;
        const text = raw.values[full];
        const value = text === undefined ? spec.default : decode(spec, full, text, problems);
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
        const result = spec.schema.safeParse(value);
        if (!result.success) {
            let issue = result.error.issues[0];
            // A bad map key is reported as a nested issue; its own message says what a key must be.
            const nested = (issue as { issues?: typeof issue[] }).issues;
            if (nested?.length) issue = { ...nested[0], path: [...issue.path, ...nested[0].path] };
            const where = issue.path.length ? ` (at ${issue.path.join(".")})` : "";
            problems.push(
                `${full} = ${JSON.stringify(value)} is not valid${where}: it ${issue.message}. Fix: ${setHint(full, spec.example, spec.secretValues)}`,
            );
            continue;
        }
        if (spec.secretValues && Object.keys(value as object).length > 0 && !raw.secretKeys.has(full)) {
            problems.push(
                `${full} holds plain-text values; app secrets must be encrypted. Re-set each with: ${setHint(full, spec.example, true)}`,
            );
            continue;
        }
        decoded[spec.key] = value;
    }

    const region = raw.values["aws:region"];
    if (!region) {
        problems.push(`aws:region is required. Set it with: pulumi config set aws:region us-east-1 --stack ${raw.stack}`);
    } else if (!REGION.test(region)) {
        problems.push(
            `aws:region = ${JSON.stringify(region)} is not an AWS region code (like us-east-1). Fix: pulumi config set aws:region us-east-1 --stack ${raw.stack}`,
        );
    }

    if (problems.length) throw new ConfigError(problems);

    const common: CommonSettings = {
        project: raw.project,
        stack: raw.stack,
        appName: decoded.appName as string,
        region: region as string,
        policyWaivers: decoded.policyWaivers as Record<string, string>,
    };
    const settings = role === "delivery" ? deliverySettings(common, decoded, raw, problems) : environmentSettings(common, decoded, raw, problems);
    if (problems.length) throw new ConfigError(problems);
    return settings;
}

function deliverySettings(common: CommonSettings, d: Record<string, unknown>, raw: RawConfig, problems: string[]): DeliverySettings {
    const stacks = d.pipelineStacks as string[];
    const targets: DeployTarget[] = stacks.map((stack, i) => {
        if (stack === raw.stack) {
            problems.push(`slipway:pipelineStacks lists ${stack}, the delivery stack itself; list environment stacks only.`);
        }
        const isLast = i === stacks.length - 1;
        return { stack, tier: isLast && stacks.length > 1 ? "production" : tierForStack(stack), platform: targetPlatform(stack, raw, problems) };
    });
    checkNameLengths(common.appName, stacks, problems);
    return {
        ...common,
        role: "delivery",
        github: { owner: d.githubOwner as string, repo: d.githubRepo as string, branch: d.githubBranch as string },
        infraRepository: d.infraRepository
            ? { owner: (d.infraRepository as string).split("/")[0], repo: (d.infraRepository as string).split("/")[1] }
            : { owner: d.githubOwner as string, repo: d.githubRepo as string },
        productionReviewers: d.productionReviewers as string[],
        pulumiBackendUrl: (d.pulumiBackendUrl as string) || undefined,
        connectionArn: d.connectionArn as string,
        targets,
        notificationEmails: d.notificationEmails as string[],
        build: {
            testCommand: d.testCommand as string,
            buildCommand: d.buildCommand as string,
            dockerfile: d.dockerfile as string,
            dockerContext: d.dockerContext as string,
            computeType: d.buildComputeType as string,
            timeoutMinutes: d.buildTimeoutMinutes as number,
        },
        registry: { keepImages: d.keepImages as number, untaggedImageDays: d.untaggedImageDays as number },
        smokeTestAttempts: d.smokeTestAttempts as number,
        githubOidcProviderArn: (d.githubOidcProviderArn as string) || undefined,
        seedImageContext: (d.seedImageContext as string) || undefined,
        ciSecrets: secretValues(d.ciSecrets as Record<string, string>),
        protect: true,
    };
}

function environmentSettings(common: CommonSettings, d: Record<string, unknown>, raw: RawConfig, problems: string[]): EnvironmentSettings {
    const tier = ((d.tier as string) || tierForStack(raw.stack)) as Tier;
    const cpu = d.cpu as number;
    const memory = d.memory as number;
    const allowed = FARGATE_SIZES[cpu];
    if (!allowed.includes(memory)) {
        problems.push(
            `slipway:memory = ${memory} does not pair with slipway:cpu = ${cpu}: Fargate allows ${allowed.join(", ")} MiB for ${cpu} cpu units. Fix: pulumi config set slipway:memory ${allowed[0]} --stack ${raw.stack}`,
        );
    }
    const min = d.minCount as number;
    const max = d.maxCount as number;
    const desired = d.desiredCount as number;
    if (min > max) {
        problems.push(`slipway:minCount = ${min} is greater than slipway:maxCount = ${max}. Fix: pulumi config set slipway:maxCount ${min} --stack ${raw.stack}`);
    } else if (desired < min || desired > max) {
        problems.push(
            `slipway:desiredCount = ${desired} is outside minCount..maxCount (${min}..${max}). Fix: pulumi config set slipway:desiredCount ${min} --stack ${raw.stack}`,
        );
    }
    if (d.certificateArn && !d.domainName) {
        problems.push(
            `slipway:certificateArn is set but slipway:domainName is empty: HTTPS needs the name the certificate covers. Fix: pulumi config set slipway:domainName app.example.com --stack ${raw.stack}`,
        );
    }
    if (d.domainName && !d.certificateArn) {
        problems.push(
            `slipway:domainName is set but slipway:certificateArn is empty: the domain is only used for HTTPS. Fix: pulumi config set slipway:certificateArn <acm-certificate-arn> --stack ${raw.stack} (or pulumi config rm slipway:domainName --stack ${raw.stack})`,
        );
    }
    if (d.highAvailability) checkHighAvailability(d, tier, raw.stack, problems);
    checkNameLengths(common.appName, [raw.stack], problems);
    const settings = { ...d.appSettings as Record<string, string> };
    for (const name of Object.keys(d.appSecrets as object)) {
        if (name in settings) {
            problems.push(`${name} is both in slipway:appSettings and slipway:appSecrets; keep it in appSecrets only. Fix: pulumi config rm --path 'slipway:appSettings.${name}' --stack ${raw.stack}`);
        }
    }
    return {
        ...common,
        role: "environment",
        tier,
        platform: d.platform as Platform,
        deliveryStack: d.deliveryStack as string,
        imageStack: (d.imageStack as string) || (tier === "review" ? "staging" : raw.stack),
        containerPort: d.containerPort as number,
        healthPath: d.healthPath as string,
        cpu,
        memory,
        desiredCount: desired,
        minCount: min,
        maxCount: max,
        cpuTargetPercent: d.cpuTargetPercent as number,
        fargateSpot: d.fargateSpot as boolean,
        ingress: ((d.ingress as string) || (tier === "production" ? "alb" : "api")) as "alb" | "api",
        dashboard: d.dashboard as boolean,
        containerHealthCheck: (d.containerHealthCheck as string) || undefined,
        certificateArn: (d.certificateArn as string) || undefined,
        domainName: (d.domainName as string) || undefined,
        logRetentionDays: d.logRetentionDays as number,
        vpcCidr: d.vpcCidr as string,
        azCount: d.azCount as number,
        beanstalk: d.platform === "beanstalk" ? beanstalkSettings(tier, d, raw, problems) : undefined,
        appSettings: settings,
        appSecrets: secretValues(d.appSecrets as Record<string, string>),
        protect: tier === "production",
    };
}

/** `highAvailability: true` is a promise the sizing must keep: two of everything, no Spot interruptions. */
function checkHighAvailability(d: Record<string, unknown>, tier: Tier, stack: string, problems: string[]) {
    const need = (what: string, fix: string) =>
        problems.push(`slipway:highAvailability is true but ${what}. Fix: ${fix} --stack ${stack} (or pulumi config set slipway:highAvailability false --stack ${stack})`);
    if (d.platform === "beanstalk") {
        const type = (d.beanstalkEnvironmentType as string) || (tier === "production" ? "LoadBalanced" : "SingleInstance");
        if (type === "SingleInstance") need("the Beanstalk environment is SingleInstance", "pulumi config set slipway:beanstalkEnvironmentType LoadBalanced");
        if ((d.beanstalkMinInstances as number) < 2) need(`slipway:beanstalkMinInstances is ${d.beanstalkMinInstances}`, "pulumi config set slipway:beanstalkMinInstances 2");
        return;
    }
    if ((d.minCount as number) < 2) need(`slipway:minCount is ${d.minCount}: one task is a single point of failure`, "pulumi config set slipway:minCount 2");
    if ((d.desiredCount as number) < 2) need(`slipway:desiredCount is ${d.desiredCount}`, "pulumi config set slipway:desiredCount 2");
    if (d.fargateSpot) need("slipway:fargateSpot is true: Spot tasks can all be reclaimed at once", "pulumi config set slipway:fargateSpot false");
}

/**
 * A pipeline target's platform, from the target's own stack file (`slipway:platform`, default `ecs`):
 * the environment's stack file is the single source of truth, the delivery stack only reads it.
 */
function targetPlatform(stack: string, raw: RawConfig, problems: string[]): Platform {
    const value = raw.readStackConfig?.(stack)?.[`${CONFIG_NAMESPACE}:platform`] ?? "ecs";
    if ((PLATFORMS as readonly string[]).includes(value)) return value as Platform;
    problems.push(
        `${CONFIG_NAMESPACE}:platform = ${JSON.stringify(value)} in Pulumi.${stack}.yaml is not valid: it must be one of ${PLATFORMS.join(", ")}. Fix: pulumi config set ${CONFIG_NAMESPACE}:platform ecs --stack ${stack}`,
    );
    return "ecs";
}

/**
 * Beanstalk settings with tier defaults: production gets a load-balanced environment with immutable
 * deployments; staging and review tiers a single instance (no load balancer: the cheapest shape) with
 * all-at-once deployments. Pulumi.yaml defaults reach every stack alike, so "by tier" is "" there.
 */
function beanstalkSettings(tier: Tier, d: Record<string, unknown>, raw: RawConfig, problems: string[]): BeanstalkSettings {
    const environmentType = ((d.beanstalkEnvironmentType as string) || (tier === "production" ? "LoadBalanced" : "SingleInstance")) as BeanstalkEnvironmentType;
    const deploymentPolicy = ((d.beanstalkDeploymentPolicy as string) || (tier === "production" ? "Immutable" : "AllAtOnce")) as BeanstalkDeploymentPolicy;
    const min = d.beanstalkMinInstances as number;
    const max = d.beanstalkMaxInstances as number;
    // EB "Deployment policies and settings": a single-instance environment supports AllAtOnce and Immutable only.
    if (environmentType === "SingleInstance" && !["AllAtOnce", "Immutable"].includes(deploymentPolicy)) {
        problems.push(
            `slipway:beanstalkDeploymentPolicy = "${deploymentPolicy}" needs a load balancer; a SingleInstance environment allows AllAtOnce or Immutable. Fix: pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack ${raw.stack} (or pulumi config set slipway:beanstalkEnvironmentType LoadBalanced --stack ${raw.stack})`,
        );
    }
    // EB streams logs with its own RetentionInDays list, shorter than CloudWatch's (aws:elasticbeanstalk:cloudwatch:logs).
    const days = d.logRetentionDays as number;
    if (!BEANSTALK_LOG_RETENTION_DAYS.includes(days)) {
        problems.push(
            `slipway:logRetentionDays = ${days} is not one Elastic Beanstalk accepts: it must be one of ${BEANSTALK_LOG_RETENTION_DAYS.join(", ")}. Fix: pulumi config set slipway:logRetentionDays 30 --stack ${raw.stack}`,
        );
    }
    if (environmentType === "LoadBalanced" && min > max) {
        problems.push(
            `slipway:beanstalkMinInstances = ${min} is greater than slipway:beanstalkMaxInstances = ${max}. Fix: pulumi config set slipway:beanstalkMaxInstances ${min} --stack ${raw.stack}`,
        );
    }
    return {
        instanceTypes: d.beanstalkInstanceTypes as string[],
        environmentType,
        minInstances: min,
        maxInstances: max,
        deploymentPolicy,
        batchSizePercent: d.beanstalkBatchSizePercent as number,
        solutionStackRegex: d.beanstalkSolutionStackRegex as string,
        maintenanceWindow: d.beanstalkMaintenanceWindow as string,
    };
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

function decode(spec: KeySpec, full: string, text: string, problems: string[]): unknown {
    const bad = (what: string) => {
        problems.push(`${full} = ${JSON.stringify(text)} is not ${what}. Fix: pulumi config set ${full} '${spec.example}'`);
        return INVALID;
    };
    switch (spec.type) {
        case "string":
            return text;
        case "integer":
            return /^-?\d+$/.test(text.trim()) ? Number(text) : bad("an integer");
        case "boolean":
            return text === "true" ? true : text === "false" ? false : bad("true or false");
        case "array":
        case "map": {
            let parsed: unknown;
            try {
                parsed = JSON.parse(text);
            } catch {
                return bad(spec.type === "array" ? "a list" : "a map of NAME: value");
            }
            if (spec.type === "array" ? !Array.isArray(parsed) : typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
                return bad(spec.type === "array" ? "a list" : "a map of NAME: value");
            }
            return parsed;
        }
    }
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
    return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
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
 * Reads a stack file's `config:` block as Pulumi would hand it to a program: scalars as strings, lists
 * and maps as JSON. `secure:` leaves are returned as the string "[secure]" (this reader never decrypts).
 */
export function readStackFile(dir: string, stack: string): Record<string, string> | undefined {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) return undefined;
    const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(doc?.config ?? {})) out[k] = configText(v, () => "[secure]");
    return out;
}

/** Pulumi's string form of a config value; `onSecure` decides what a `secure:` leaf becomes. */
export function configText(value: unknown, onSecure: (ciphertext: string) => string): string {
    const plain = (v: unknown): unknown => {
        if (v && typeof v === "object" && !Array.isArray(v)) {
            const o = v as Record<string, unknown>;
            if (Object.keys(o).length === 1 && typeof o.secure === "string") return onSecure(o.secure);
            return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
        }
        return Array.isArray(v) ? v.map(plain) : v;
    };
    const p = plain(value);
    return typeof p === "string" ? p : JSON.stringify(p);
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
    // isConfigSecret is exported by the runtime but missing from its type declarations.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };
    const values = pulumi.runtime.allConfig();
    const secretKeys = new Set(Object.keys(values).filter((k) => runtimeConfig.isConfigSecret(k)));
    return parseSettings({
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        values,
        secretKeys,
        readStackConfig: (stack) => readStackFile(stackDir, stack),
    });
}
