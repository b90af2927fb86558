// Runs the real slipway program under Pulumi's mock engine and records what the engine would receive:
// every resource's type, name, parent, inputs (secrets as "[secret]"), protect and dependsOn. The
// offline plan and the tests both use this, so what the tests assert is what the plan shows.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import { assertWithinLimits } from "../check/aws-limits";
import { idIsArn, MOCK_ACCOUNT, mockArn, mockId, physicalNameOf } from "./identities";
import { beanstalkApplicationName, DELIVERY_OUTPUTS, repositoryName } from "../../infra/contract";

export { MOCK_ACCOUNT, mockArn, mockId } from "./identities";

/** The offline plan's JSON contract (documented in README "Plan JSON format"). */
export interface Plan {
    project: string;
    stack: string;
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
}

export interface PlannedResource {
    urn: string;
    /** Pulumi type token, e.g. `aws:ecr/repository:Repository`. */
    type: string;
    name: string;
    /** URN of the parent resource, or null at the top. */
    parent: string | null;
    /** What the provider would receive; every secret is the string "[secret]". */
    inputs: Record<string, unknown>;
    protect: boolean;
    /** URNs of explicit `dependsOn` resources (input-derived dependencies are not listed). */
    dependsOn: string[];
    /** Added compatibly: true for provider-backed resources, false for components. */
    custom: boolean;
    /** Added compatibly: `ignoreChanges` paths, `retainOnDelete`, `deleteBeforeReplace`. */
    ignoreChanges: string[];
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
}

export const SECRET = "[secret]";
export const UNKNOWN = "[unknown]";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Turns serialized engine values into plain JSON: secrets → "[secret]", resource refs → URN.
 * `reveal` (tests only) keeps secret values, to prove a rotated value reaches its consumer.
 */
export function plainValue(v: unknown, reveal = false): unknown {
    if (v === UNKNOWN_VALUE) return UNKNOWN;
    if (Array.isArray(v)) return v.map((x) => plainValue(x, reveal));
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o[SIG_KEY] === SECRET_SIG) return reveal ? plainValue(o.value, reveal) : SECRET;
        if (o[SIG_KEY] === RESOURCE_SIG) return o.urn;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(o)) out[k] = plainValue(x, reveal);
        return out;
    }
    return v;
}

/** Unwraps a mock-engine input that may be a secret envelope (the mocks see secrets wrapped). */
function unwrap(v: unknown): unknown {
    if (v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) {
        return (v as Record<string, unknown>).value;
    }
    return v;
}

const hash = (s: string) => createHash("sha256").update(s).digest("hex");

interface EngineContext {
    region: string;
    appName: string;
}

/** Computed outputs a real provider would return, shaped like AWS's so the program's string work holds. */
function mockState(type: string, name: string, inputs: Record<string, unknown>, ctx: EngineContext): { id: string; state: Record<string, unknown> } {
    const { region } = ctx;
    const [pkg] = type.split(":");
    const physical = physicalNameOf(name, { name: unwrap(inputs.name), namePrefix: unwrap(inputs.namePrefix), bucketPrefix: unwrap(inputs.bucketPrefix) });
    let id = mockId(type, name, physical);
    const state: Record<string, unknown> = { ...inputs };
    if (pkg === "aws") {
        const arn = mockArn(type, name, physical, id, Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, unwrap(v)])), region);
        if (arn) state.arn = arn;
        if (arn && idIsArn(type)) id = arn;
        if (inputs.name === undefined) state.name = physical;
    }
    state.id = id;
    switch (type) {
        case "aws:ecr/repository:Repository":
            state.repositoryUrl = `${MOCK_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${physical}`;
            state.registryId = MOCK_ACCOUNT;
            break;
        case "aws:s3/bucket:Bucket":
            state.bucket = physical;
            break;
        case "aws:lb/loadBalancer:LoadBalancer":
            state.dnsName = `${physical}-1234567890.${region}.elb.amazonaws.com`;
            state.arnSuffix = `app/${physical}/${hash(name).slice(0, 16)}`;
            state.zoneId = "Z35SXDOTRQ7X7K";
            break;
        case "aws:lb/targetGroup:TargetGroup":
            state.arnSuffix = `targetgroup/${physical}/${hash(name).slice(0, 16)}`;
            break;
        case "aws:secretsmanager/secretVersion:SecretVersion":
            // AWS mints a new version id whenever the value changes; model that deterministically so
            // saved plans compare. The offline plan never holds a real secret: its secret values are
            // placeholders derived from the committed ciphertext (tools/plan/stack-config.ts), so a rotation
            // shows as a new version while the id reveals nothing.
            state.versionId = hash(JSON.stringify(unwrap(inputs.secretString) ?? "")).slice(0, 32);
            break;
        case "aws:apigatewayv2/api:Api":
            state.apiEndpoint = `https://${id}.execute-api.${region}.amazonaws.com`;
            break;
        case "aws:ecs/taskDefinition:TaskDefinition":
            state.revision = 1;
            break;
        case "aws:cloudwatch/dashboard:Dashboard":
            // The provider names it dashboardArn, not arn.
            state.dashboardArn = `arn:aws:cloudwatch::${MOCK_ACCOUNT}:dashboard/${String(unwrap(inputs.dashboardName) ?? physical)}`;
            break;
        case "aws:elasticbeanstalk/environment:Environment":
            state.cname = `${physical}.${region}.elasticbeanstalk.com`;
            state.endpointUrl = state.cname;
            break;
        case "pulumi:pulumi:StackReference":
            state.outputs = stackReferenceOutputs(String(inputs.name), ctx);
            break;
    }
    return { id, state };
}

/** Stack references resolve to placeholders shaped like the delivery stack's real outputs. */
function stackReferenceOutputs(stackName: string, ctx: EngineContext): Record<string, unknown> {
    return {
        [DELIVERY_OUTPUTS.repositoryUrl]: `${MOCK_ACCOUNT}.dkr.ecr.${ctx.region}.amazonaws.com/${repositoryName(ctx.appName)}`,
        [DELIVERY_OUTPUTS.repositoryArn]: `arn:aws:ecr:${ctx.region}:${MOCK_ACCOUNT}:repository/${repositoryName(ctx.appName)}`,
        [DELIVERY_OUTPUTS.beanstalkApplicationName]: beanstalkApplicationName(ctx.appName),
        placeholderFrom: stackName,
    };
}

function mockCall(token: string, inputs: Record<string, unknown>, ctx: EngineContext): Record<string, unknown> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {
                names: ["a", "b", "c"].map((z) => `${ctx.region}${z}`),
                zoneIds: [1, 2, 3].map((n) => `use1-az${n}`),
                state: "available",
                id: ctx.region,
            };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/plan`, userId: "AIDAPLAN", id: MOCK_ACCOUNT };
        case "aws:index/getRegion:getRegion":
            return { name: ctx.region, region: ctx.region, id: ctx.region, endpoint: `ec2.${ctx.region}.amazonaws.com` };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
                authorizationToken: "QVdTOnBsYW4=",
                userName: "AWS",
                password: "plan-registry-password",
                proxyEndpoint: `https://${MOCK_ACCOUNT}.dkr.ecr.${ctx.region}.amazonaws.com`,
                expiresAt: "2099-01-01T00:00:00Z",
                id: ctx.region,
            };
        case "github:index/getUser:getUser": {
            const login = String(inputs.username);
            // GitHub user ids are numbers; derive a stable one from the login.
            return { login, id: String(parseInt(hash(login).slice(0, 7), 16)), nodeId: `U_${login}`, name: login };
        }
        case "aws:ssm/getParameter:getParameter": {
            // The last verified image tag: a value seeded with the config key mock:ssmParameters (a JSON
            // map of parameter name → value, tests only), else "latest", as before the pipeline's first run.
            const stored = JSON.parse(pulumi.runtime.getConfig("mock:ssmParameters") ?? "{}") as Record<string, string>;
            const value = stored[String(inputs.name)] ?? "latest";
            return { name: inputs.name, value, insecureValue: value, type: "String", arn: `arn:aws:ssm:${ctx.region}:${MOCK_ACCOUNT}:parameter${inputs.name}`, id: inputs.name };
        }
        case "aws:ssm/getParametersByPath:getParametersByPath": {
            // Like GetParametersByPath: the parameters under the path (only its direct children unless
            // recursive), none — not an error — when there are none, as the provider's parallel lists.
            // Stored parameters come from mock:ssmParameters (tests only); the plan has none.
            const stored = JSON.parse(pulumi.runtime.getConfig("mock:ssmParameters") ?? "{}") as Record<string, string>;
            const base = String(inputs.path).replace(/\/$/, "");
            const names = Object.keys(stored)
                .filter((n) => n.startsWith(`${base}/`) && (inputs.recursive === true || !n.slice(base.length + 1).includes("/")))
                .sort();
            return {
                path: inputs.path,
                recursive: inputs.recursive,
                withDecryption: inputs.withDecryption,
                names,
                values: names.map((n) => stored[n]),
                types: names.map(() => "String"),
                arns: names.map((n) => `arn:aws:ssm:${ctx.region}:${MOCK_ACCOUNT}:parameter${n}`),
                region: ctx.region,
                id: inputs.path,
            };
        }
        case "aws:elasticbeanstalk/getSolutionStack:getSolutionStack":
            return { name: "64bit Amazon Linux 2023 v4.5.2 running Docker", nameRegex: inputs.nameRegex, mostRecent: inputs.mostRecent, id: "solution-stack" };
        default:
            throw new Error(`the offline plan has no mock for the invoke ${token}; add one in tools/plan/mock-engine.ts`);
    }
}

/** What the Pulumi engine refuses at registration, found by the offline plan first. */
export class EngineViolation extends Error {
    constructor(readonly problems: string[]) {
        super(`the Pulumi engine would refuse this program:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "EngineViolation";
    }
}

/** Pulumi's property-path syntax (ignoreChanges, replaceOnChanges): `a.b[0]["k.ey"].c`, `a[*]`. */
export function parsesAsPropertyPath(path: string): boolean {
    let i = 0;
    const key = /^[A-Za-z0-9_$-]+/;
    if (!path) return false;
    let first = true;
    while (i < path.length) {
        if (path[i] === "[") {
            const close = path.indexOf("]", i);
            if (close < 0) return false;
            const inner = path.slice(i + 1, close);
            if (!/^(\d+|\*|"(?:[^"\\]|\\.)*")$/.test(inner)) return false;
            i = close + 1;
        } else {
            if (!first) {
                if (path[i] !== ".") return false;
                i++;
            }
            const m = key.exec(path.slice(i)) ?? (path[i] === "*" ? ["*"] : null);
            if (!m) return false;
            i += m[0].length;
        }
        first = false;
    }
    return true;
}

/** The root resource every program runs in (registered by the runtime, as `pulumi up` does). */
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** `pkg:module:Type`, as the engine parses type tokens. */
const TYPE_TOKEN = /^[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_.\/-]*:[A-Za-z0-9_.-]+$/;

interface AliasSpecMessage {
    getName(): string;
    getType(): string;
    getStack(): string;
    getProject(): string;
    getParenturn(): string;
    getNoparent(): boolean;
}

interface AliasMessage {
    hasUrn(): boolean;
    getUrn(): string;
    getSpec(): AliasSpecMessage | undefined;
}

interface MonitorRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProtect(): boolean | undefined;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getIgnorechangesList(): string[];
    getRetainondelete(): boolean | undefined;
    getDeletebeforereplace(): boolean;
    getAliasesList?(): AliasMessage[];
    getProvider?(): string;
}

type Callback = (err: unknown, resp?: { getUrn(): string }) => void;

interface PatchableMonitor {
    registerResource(req: MonitorRequest, cb: Callback): void;
    readResource(req: MonitorRequest, cb: Callback): void;
    newUrn(parent: string, type: string, name: string): string;
}

/**
 * A URN as the engine builds it: the parent's whole qualified type chain, then the child's type
 * (`urn:pulumi:<stack>::<project>::<parentType>$<childType>::<name>`). The mock monitor keeps only the
 * immediate parent's type, which would hide or invent collisions two levels down.
 */
export function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    // The root stack's type is left out of its children's URNs.
    const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

export interface RunOptions {
    project: string;
    stack: string;
    /** Full config map (`namespace:key` → string) as Pulumi would pass it. */
    config: Record<string, string>;
    secretKeys: string[];
    /** Tests only: record secret inputs in clear instead of "[secret]". Never set by the plan tool. */
    revealSecrets?: boolean;
}

/** The Pulumi runtime is process-global: runs queue here so two plans never interleave. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `program` as stack `stack` under the mock engine and returns the recorded plan. Safe to call
 * repeatedly, and concurrently, in one process (runs are serialized; each installs a fresh mock
 * monitor and config).
 */
export function runUnderMocks(opts: RunOptions, program: () => Record<string, unknown> | Promise<Record<string, unknown>>): Promise<Plan> {
    const run = queue.then(() => runOnce(opts, program));
    queue = run.catch(() => undefined);
    return run;
}

async function runOnce(opts: RunOptions, program: () => Record<string, unknown> | Promise<Record<string, unknown>>): Promise<Plan> {
    const ctx: EngineContext = {
        region: opts.config["aws:region"] ?? "us-east-1",
        appName: opts.config["slipway:appName"] ?? "app",
    };
    const resources: PlannedResource[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => mockState(args.type, args.name, args.inputs, ctx),
            call: (args) => mockCall(args.token, args.inputs, ctx),
        },
        opts.project,
        opts.stack,
        false,
    );
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as {
        getMonitor(): PatchableMonitor;
        waitForRPCs(): Promise<void>;
    };
    const monitor = settings.getMonitor();
    monitor.newUrn = (parent, type, name) => engineUrn(opts.stack, opts.project, parent, type, name);
    const violations: string[] = [];
    const urns = new Set<string>();
    /** alias URN → the resource that claims it */
    const aliased = new Map<string, string>();
    const aliasUrns = (req: MonitorRequest): string[] =>
        (req.getAliasesList?.() ?? []).map((a) => {
            if (a.hasUrn()) return a.getUrn();
            const spec = a.getSpec();
            const parent = spec?.getNoparent() ? "" : spec?.getParenturn() || req.getParent();
            return engineUrn(spec?.getStack() || opts.stack, spec?.getProject() || opts.project, parent, spec?.getType() || req.getType(), spec?.getName() || req.getName());
        });
    /** The engine's registration checks (pulumi/pulumi pkg/resource/deploy: step generator, resource monitor). */
    const check = (req: MonitorRequest, urn: string, read: boolean) => {
        if (!TYPE_TOKEN.test(req.getType())) violations.push(`resource type "${req.getType()}" is not a pkg:module:Type token`);
        if (!req.getName()) violations.push(`a ${req.getType()} has an empty name`);
        if (urns.has(urn)) violations.push(`Duplicate resource URN '${urn}'; try giving it a unique name`);
        urns.add(urn);
        if (read) return;
        // A resource may list one alias twice (the provider's type alias and the SDK's copy of it).
        for (const alias of new Set(aliasUrns(req))) {
            if (alias === urn) continue;
            const other = aliased.get(alias);
            if (other && other !== urn) violations.push(`Two resources ('${other}' and '${urn}') aliased to the same: '${alias}'`);
            aliased.set(alias, urn);
        }
        for (const path of req.getIgnorechangesList()) {
            if (!parsesAsPropertyPath(path)) violations.push(`ignoreChanges path "${path}" of ${urn} does not parse as a property path`);
        }
        const provider = req.getProvider?.() ?? "";
        if (provider && req.getCustom()) {
            const providerType = provider.split("::")[2] ?? "";
            const pkg = req.getType().split(":")[0];
            if (providerType !== `pulumi:providers:${pkg}`) violations.push(`${urn} uses provider ${provider.split("::")[0]}, which is not a ${pkg} provider`);
        }
    };
    const record = (req: MonitorRequest, read: boolean): Callback => {
        const propertyDeps = new Set<string>();
        if (!read) req.getPropertydependenciesMap().forEach((v) => v.getUrnsList().forEach((u) => propertyDeps.add(u)));
        const rawInputs = (read ? req.getProperties?.() : req.getObject())?.toJavaScript() ?? {};
        const entry: PlannedResource = {
            urn: "",
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() || null,
            inputs: plainValue(rawInputs, opts.revealSecrets) as Record<string, unknown>,
            protect: !read && req.getProtect() === true,
            dependsOn: read ? [] : req.getDependenciesList().filter((u) => !propertyDeps.has(u)),
            custom: read ? true : req.getCustom(),
            ignoreChanges: read ? [] : req.getIgnorechangesList(),
            retainOnDelete: !read && req.getRetainondelete() === true,
            deleteBeforeReplace: !read && req.getDeletebeforereplace(),
        };
        return (err, resp) => {
            if (!err && resp) {
                entry.urn = resp.getUrn();
                check(req, entry.urn, read);
                resources.push(entry);
            }
        };
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const done = record(req, false);
        register(req, (err, resp) => {
            done(err, resp);
            cb(err, resp);
        });
    };
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (req, cb) => {
        const done = record(req, true);
        read(req, (err, resp) => {
            done(err, resp);
            cb(err, resp);
        });
    };

    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        // As the language host runs a program: inside the root stack resource, so stack transformations
        // and stack-level defaults behave as under `pulumi up`.
        let exported: Record<string, unknown> | undefined;
        let thrown: { error: unknown } | undefined;
        await runInPulumiStack(async () => {
            // A program that throws (bad config) must fail this run, not leave the stack's own promises rejected.
            try {
                exported = await program();
            } catch (error) {
                thrown = { error };
            }
            return thrown ? {} : exported;
        });
        // The root stack registers its outputs asynchronously: let that reach this run's monitor, not the next one's.
        await settings.waitForRPCs();
        if (thrown) throw thrown.error;
        const outputs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(exported ?? {})) outputs[k] = await resolveOutput(v);
        await settings.waitForRPCs();
        if (failures.length) throw failures[0];
        // An alias may only name a resource that is gone from the program (its old name).
        for (const [alias, owner] of aliased) {
            if (urns.has(alias)) violations.push(`alias ${alias} of ${owner} is the URN of another resource in this program`);
        }
        if (violations.length) throw new EngineViolation(violations);
        // The plan lists the program's resources; the root stack is implicit (its children have no parent).
        const root = resources.find((r) => r.type === ROOT_STACK_TYPE)?.urn;
        resources.splice(0, resources.length, ...resources.filter((r) => r.type !== ROOT_STACK_TYPE).map((r) => (r.parent === root ? { ...r, parent: null } : r)));
        const order = new Map(resources.map((r, i) => [r.urn, i]));
        resources.sort((a, b) => (order.get(a.urn) ?? 0) - (order.get(b.urn) ?? 0));
        const plan = { project: opts.project, stack: opts.stack, resources, outputs };
        // What AWS's quotas and validation would refuse, the plan refuses first (tools/check/aws-limits.ts).
        assertWithinLimits(plan);
        return plan;
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}

/** Resolves a stack output to plain JSON, keeping secrets hidden. */
async function resolveOutput(v: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(v)) {
        const out = v as pulumi.Output<unknown>;
        const secret = await (out as unknown as { isSecret: Promise<boolean> }).isSecret;
        const value = await new Promise<unknown>((resolve) => out.apply((x) => resolve(x)));
        return secret ? SECRET : resolveOutput(value);
    }
    if (Array.isArray(v)) return Promise.all(v.map(resolveOutput));
    if (v && typeof v === "object" && !pulumi.Resource.isInstance(v)) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = await resolveOutput(x);
        return out;
    }
    return v;
}
