// Runs the real slipway program under Pulumi's mock engine and records what the engine would receive:
// every resource's type, name, parent, inputs (secrets as "[secret]"), protect and dependsOn. The
// offline plan and the tests both use this, so what the tests assert is what the plan shows.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { assertWithinLimits } from "../check/aws-limits";
import { idIsArn, MOCK_ACCOUNT, mockArn, mockId, physicalNameOf } from "./identities";
import { beanstalkApplicationName, DELIVERY_OUTPUTS, repositoryName } from "../../infra/contract";
import { readStackFile } from "../../infra/config/stack-files";

export { MOCK_ACCOUNT, mockArn, mockId } from "./identities";

/** The offline plan's JSON contract (documented in docs/plan-format.md). */
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
    /**
     * Added compatibly, only when there are any: the URNs this resource answers to besides its own (its `aliases`,
     * and those its parents' aliases give it, as the engine derives them), so a diff pairs a renamed resource with its
     * old URN instead of reporting a delete and a create.
     */
    aliases?: string[];
}

export const SECRET = "[secret]";
export const UNKNOWN = "[unknown]";

// The wire format's markers, as @pulumi/pulumi exports them (runtime/rpc, re-exported by pulumi.runtime).
const { specialSigKey: SIG_KEY, specialSecretSig: SECRET_SIG, specialResourceSig: RESOURCE_SIG, unknownValue: UNKNOWN_VALUE } = pulumi.runtime;

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
const unwrap = (v: unknown): unknown => pulumi.runtime.unwrapRpcSecret(v);

const hash = (s: string) => createHash("sha256").update(s).digest("hex");

interface EngineContext {
    region: string;
    appName: string;
    stackDir: string;
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
        case "aws:codeartifact/domain:Domain":
            state.owner = MOCK_ACCOUNT;
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
        case "aws:apigatewayv2/domainName:DomainName": {
            // A regional custom domain's own endpoint; Z1UJRXOUMOOFQ8 is API Gateway's us-east-1 zone (AWS
            // General Reference, "Amazon API Gateway endpoints and quotas"), a placeholder in other regions.
            const config = (unwrap(inputs.domainNameConfiguration) ?? {}) as Record<string, unknown>;
            state.domainNameConfiguration = { ...config, targetDomainName: `d-${hash(name).slice(0, 10)}.execute-api.${region}.amazonaws.com`, hostedZoneId: "Z1UJRXOUMOOFQ8" };
            break;
        }
        case "aws:acm/certificate:Certificate": {
            // ACM's DNS validation: one CNAME per name, `_<32 hex>.<name>.` → `_<32 hex>.<10>.acm-validations.aws.`
            // (ACM User Guide, "DNS validation"; names end with the root dot, as ACM returns them).
            const domain = String(unwrap(inputs.domainName));
            state.domainValidationOptions = [
                {
                    domainName: domain,
                    resourceRecordName: `_${hash(`${domain}/name`).slice(0, 32)}.${domain}.`,
                    resourceRecordType: "CNAME",
                    resourceRecordValue: `_${hash(`${domain}/value`).slice(0, 32)}.${hash(domain).slice(0, 10)}.acm-validations.aws.`,
                },
            ];
            state.status = "PENDING_VALIDATION";
            break;
        }
        case "aws:route53/record:Record": {
            // The provider's fqdn: the record name, lower-case, without the root dot.
            const recordName = String(unwrap(inputs.name) ?? "");
            state.fqdn = recordName.replace(/\.$/, "").toLowerCase();
            id = `${String(unwrap(inputs.zoneId))}_${state.fqdn}_${String(unwrap(inputs.type))}`;
            state.id = id;
            break;
        }
        case "aws:ecs/taskDefinition:TaskDefinition":
            state.revision = 1;
            break;
        case "aws:rds/cluster:Cluster": {
            // An Aurora cluster's endpoints (<id>.cluster-<hash>.<region>.rds.amazonaws.com) and, with
            // manageMasterUserPassword, the secret RDS makes: rds!cluster-<uuid>, six random characters in its ARN.
            const identifier = String(unwrap(inputs.clusterIdentifier) ?? physical);
            state.endpoint = `${identifier}.cluster-${hash(name).slice(0, 12)}.${region}.rds.amazonaws.com`;
            state.readerEndpoint = `${identifier}.cluster-ro-${hash(name).slice(0, 12)}.${region}.rds.amazonaws.com`;
            state.port = unwrap(inputs.port) ?? 5432;
            // The provider's id of a cluster is its identifier.
            id = identifier;
            state.id = id;
            state.clusterResourceId = `cluster-${hash(`${name}/resource`).slice(0, 26).toUpperCase()}`;
            if (unwrap(inputs.manageMasterUserPassword) === true) {
                const uuid = `${hash(`${name}/secret`).slice(0, 8)}-0000-4000-8000-${hash(`${name}/secret`).slice(8, 20)}`;
                state.masterUserSecrets = [{ secretArn: `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT}:secret:rds!cluster-${uuid}-AbCdEf`, secretStatus: "active", kmsKeyId: unwrap(inputs.masterUserSecretKmsKeyId) ?? "" }];
            }
            break;
        }
        case "aws:rds/instance:Instance": {
            // slipway:database kind instance: a DB instance's address (<id>.<hash>.<region>.rds.amazonaws.com), its
            // endpoint (address:port) and, with manageMasterUserPassword, the secret RDS makes: rds!db-<uuid>.
            const identifier = String(unwrap(inputs.identifier) ?? physical);
            state.address = `${identifier}.${hash(name).slice(0, 12)}.${region}.rds.amazonaws.com`;
            state.port = unwrap(inputs.port) ?? 5432;
            state.endpoint = `${state.address}:${String(state.port)}`;
            // The provider's id of an instance is its identifier; its DbiResourceId is db-<26 characters>.
            id = identifier;
            state.id = id;
            state.resourceId = `db-${hash(`${name}/resource`).slice(0, 26).toUpperCase()}`;
            if (unwrap(inputs.manageMasterUserPassword) === true) {
                const uuid = `${hash(`${name}/secret`).slice(0, 8)}-0000-4000-8000-${hash(`${name}/secret`).slice(8, 20)}`;
                state.masterUserSecrets = [{ secretArn: `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT}:secret:rds!db-${uuid}-AbCdEf`, secretStatus: "active", kmsKeyId: unwrap(inputs.masterUserSecretKmsKeyId) ?? "" }];
            }
            break;
        }
        case "aws:cloudwatch/dashboard:Dashboard":
            // The provider names it dashboardArn, not arn.
            state.dashboardArn = `arn:aws:cloudwatch::${MOCK_ACCOUNT}:dashboard/${String(unwrap(inputs.dashboardName) ?? physical)}`;
            break;
        case "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration":
        case "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration":
            // Chatbot is global (no region in the ARN): chat-configuration/<type>/<name> (service authorization reference).
            state.chatConfigurationArn = `arn:aws:chatbot::${MOCK_ACCOUNT}:chat-configuration/${type.includes("slack") ? "slack-channel" : "teams-channel"}/${String(unwrap(inputs.configurationName) ?? physical)}`;
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

/** Logical name of the delivery stack's SNS topic (test/contract.test.ts checks the two plans agree on its ARN). */
export const DELIVERY_TOPIC_LOGICAL_NAME = "notifications-topic";

/** Stack references resolve to placeholders shaped like the delivery stack's real outputs. */
function stackReferenceOutputs(stackName: string, ctx: EngineContext): Record<string, unknown> {
    return {
        [DELIVERY_OUTPUTS.repositoryUrl]: `${MOCK_ACCOUNT}.dkr.ecr.${ctx.region}.amazonaws.com/${repositoryName(ctx.appName)}`,
        [DELIVERY_OUTPUTS.repositoryArn]: `arn:aws:ecr:${ctx.region}:${MOCK_ACCOUNT}:repository/${repositoryName(ctx.appName)}`,
        [DELIVERY_OUTPUTS.beanstalkApplicationName]: beanstalkApplicationName(ctx.appName),
        // The delivery stack's topic is auto-named from its logical name (stacks/delivery.ts "notifications",
        // infra/delivery/notifications.ts "-topic"): the same ARN its own plan mints.
        [DELIVERY_OUTPUTS.notificationTopicArn]: `arn:aws:sns:${ctx.region}:${MOCK_ACCOUNT}:${physicalNameOf(DELIVERY_TOPIC_LOGICAL_NAME, {})}`,
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
        case "aws:rds/getClusterSnapshot:getClusterSnapshot":
            return clusterSnapshot(inputs, ctx);
        case "aws:elasticbeanstalk/getSolutionStack:getSolutionStack":
            return { name: "64bit Amazon Linux 2023 v4.5.2 running Docker", nameRegex: inputs.nameRegex, mostRecent: inputs.mostRecent, id: "solution-stack" };
        default:
            throw new Error(`the offline plan has no mock for the invoke ${token}; add one in tools/plan/mock-engine.ts`);
    }
}

/** The offline plan's one automated snapshot per cluster: its time is fixed, so plans stay byte-identical run to run. */
export const MOCK_SNAPSHOT_TIME = { id: "2026-01-01-03-00", iso: "2026-01-01T03:00:00Z" } as const;

/**
 * rds.getClusterSnapshot, as DescribeDBClusterSnapshots answers it for a cluster identifier: the cluster is the
 * stack file's `<app>-<stack>` with slipway:database (its engine version, the snapshot encrypted as slipway's clusters
 * are), else no snapshot, and the provider's own error ("Your query returned no results", cluster_snapshot_data_source.go).
 * Tests may state the answer per cluster with the config key mock:clusterSnapshots (JSON: identifier → fields to
 * override, or null for none). Only the lookups slipway makes are answered: by cluster, automated, most recent.
 */
function clusterSnapshot(inputs: Record<string, unknown>, ctx: EngineContext): Record<string, unknown> {
    const cluster = String(inputs.dbClusterIdentifier ?? "");
    if (!cluster || inputs.dbClusterSnapshotIdentifier !== undefined || inputs.snapshotType !== "automated" || inputs.mostRecent !== true) {
        throw new Error(`the offline plan's getClusterSnapshot answers dbClusterIdentifier + snapshotType automated + mostRecent only, not ${JSON.stringify(inputs)}`);
    }
    const none = new Error(`reading RDS Cluster Snapshots for ${cluster}: Your query returned no results. Please change your search criteria and try again.`);
    const stated = JSON.parse(pulumi.runtime.getConfig("mock:clusterSnapshots") ?? "{}") as Record<string, Record<string, unknown> | null>;
    if (stated[cluster] === null) throw none;
    const prefix = `${ctx.appName}-`;
    const stack = cluster.startsWith(prefix) ? cluster.slice(prefix.length) : undefined;
    const file = stack ? readStackFile(ctx.stackDir, stack) : undefined;
    const database = file?.["slipway:database"] ? (JSON.parse(file["slipway:database"]) as Record<string, unknown>) : undefined;
    if (!stated[cluster] && (!database || !Object.keys(database).length || file?.["aws:region"] !== ctx.region)) throw none;
    const id = `rds:${cluster}-${MOCK_SNAPSHOT_TIME.id}`;
    return {
        id,
        dbClusterIdentifier: cluster,
        dbClusterSnapshotIdentifier: id,
        dbClusterSnapshotArn: `arn:aws:rds:${ctx.region}:${MOCK_ACCOUNT}:cluster-snapshot:${id}`,
        engine: "aurora-postgresql",
        engineVersion: String(database?.engineVersion ?? "16.6"),
        kmsKeyId: `arn:aws:kms:${ctx.region}:${MOCK_ACCOUNT}:key/${hash(`${cluster}/key`).slice(0, 8)}-0000-4000-8000-${hash(`${cluster}/key`).slice(8, 20)}`,
        port: 5432,
        snapshotCreateTime: MOCK_SNAPSHOT_TIME.iso,
        snapshotType: "automated",
        status: "available",
        storageEncrypted: true,
        mostRecent: true,
        includePublic: false,
        includeShared: false,
        tags: {},
        ...(stated[cluster] ?? {}),
    };
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
const ROOT_STACK_TYPE = pulumi.runtime.rootPulumiStackTypeName;

/** `pkg:module:Type`, as the engine parses type tokens. */
const TYPE_TOKEN = /^[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_.\/-]*:[A-Za-z0-9_.-]+$/;

/**
 * A URN as the engine builds it: the parent's whole qualified type chain, then the child's type
 * (`urn:pulumi:<stack>::<project>::<parentType>$<childType>::<name>`). Pulumi's MockMonitor keeps only
 * the immediate parent's type, which would hide or invent collisions two levels down.
 */
export function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    // The root stack's type is left out of its children's URNs.
    const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * A registration the monitor accepted: the request as the SDK sent it, the URN it got, and its properties as
 * the Struct's plain JavaScript (converted once, for the mock and the plan).
 */
export type Registration = ({ read: false; req: resproto.RegisterResourceRequest } | { read: true; req: resproto.ReadResourceRequest }) & { urn: string; properties: Record<string, unknown> };

type Callback<T> = (err: unknown, resp?: T) => void;

/** A value a protobuf Struct holds. */
type StructValue = Parameters<typeof Struct.fromJavaScript>[0][string];

/**
 * What `pulumi.runtime.deserializeProperties(struct)` returns, from the Struct's plain JavaScript (runtime/rpc.js:
 * each property but an undefined one, through the public deserializeProperty), so a request's Struct is converted
 * once for both the mock and the plan.
 */
function deserializedProperties(properties: Record<string, unknown>): Record<string, unknown> {
    const props: Record<string, unknown> = {};
    for (const k of Object.keys(properties)) if (properties[k] !== undefined) props[k] = pulumi.runtime.deserializeProperty(properties[k]);
    return props;
}

/**
 * The resource monitor the SDK talks to under the offline plan, installed with the public
 * `pulumi.runtime.setMockOptions`. It answers as Pulumi's own MockMonitor (what `setMocks` installs)
 * does, with two differences that `setMocks` cannot carry: URNs are built as the engine builds them
 * (engineUrn), and every accepted request reaches `accepted` whole (parent, protect, dependsOn,
 * aliases, provider, ignoreChanges ...), where `Mocks.newResource` sees only type, name and inputs.
 * Requests and responses are the resource monitor protocol's own messages (@pulumi/pulumi/proto).
 */
class PlanMonitor {
    /** URN → what a `pulumi:pulumi:getResource` invoke returns, as MockMonitor keeps it. */
    private readonly registered = new Map<string, { urn: string; id: string | null; state: StructValue }>();
    private closed = false;

    constructor(
        private readonly mocks: pulumi.runtime.Mocks,
        private readonly urnOf: (parent: string, type: string, name: string) => string,
        private readonly accepted: (r: Registration) => void,
    ) {}

    /** After `pulumi.runtime.disconnect()`, as the real monitor's connection is gone: a late request fails loudly. */
    close(): void {
        this.closed = true;
    }

    private open(what: string): void {
        if (this.closed) throw new Error(`${what} reached the offline plan after the program finished`);
    }

    async invoke(req: resproto.ResourceInvokeRequest, callback: Callback<provproto.InvokeResponse>): Promise<void> {
        try {
            this.open(`invoke ${req.getTok()}`);
            const tok = req.getTok();
            const inputs = pulumi.runtime.deserializeProperties(req.getArgs() ?? new Struct());
            const response = new provproto.InvokeResponse();
            if (tok === "pulumi:pulumi:getResource") {
                const known = this.registered.get(String(inputs.urn));
                if (!known) throw new Error(`unknown resource ${inputs.urn}`);
                response.setReturn(Struct.fromJavaScript(known));
            } else {
                const result = await this.mocks.call({ token: tok, inputs, provider: req.getProvider() });
                response.setReturn(Struct.fromJavaScript(await pulumi.runtime.serializeProperties("", result)));
            }
            callback(null, response);
        } catch (err) {
            callback(err, undefined);
        }
    }

    async readResource(req: resproto.ReadResourceRequest, callback: Callback<resproto.ReadResourceResponse>): Promise<void> {
        try {
            this.open(`reading ${req.getType()} ${req.getName()}`);
            const properties = req.getProperties()?.toJavaScript() ?? {};
            const result = await this.mocks.newResource({
                type: req.getType(),
                name: req.getName(),
                inputs: deserializedProperties(properties),
                provider: req.getProvider(),
                custom: true,
                id: req.getId(),
            });
            const urn = this.urnOf(req.getParent(), req.getType(), req.getName());
            const state = await pulumi.runtime.serializeProperties("", result.state);
            this.registered.set(urn, { urn, id: result.id ?? null, state });
            const response = new resproto.ReadResourceResponse();
            response.setUrn(urn);
            response.setProperties(Struct.fromJavaScript(state));
            this.accepted({ read: true, req, urn, properties });
            callback(null, response);
        } catch (err) {
            callback(err, undefined);
        }
    }

    async registerResource(req: resproto.RegisterResourceRequest, callback: Callback<resproto.RegisterResourceResponse>): Promise<void> {
        try {
            this.open(`registering ${req.getType()} ${req.getName()}`);
            const properties = req.getObject()?.toJavaScript() ?? {};
            const result = await this.mocks.newResource({
                type: req.getType(),
                name: req.getName(),
                inputs: deserializedProperties(properties),
                provider: req.getProvider(),
                custom: req.getCustom(),
                id: req.getImportid(),
            });
            const urn = this.urnOf(req.getParent(), req.getType(), req.getName());
            const state = await pulumi.runtime.serializeProperties("", result.state);
            this.registered.set(urn, { urn, id: result.id ?? null, state });
            const response = new resproto.RegisterResourceResponse();
            response.setUrn(urn);
            response.setId(result.id || "");
            response.setObject(Struct.fromJavaScript(state));
            this.accepted({ read: false, req, urn, properties });
            callback(null, response);
        } catch (err) {
            callback(err, undefined);
        }
    }

    registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, callback: Callback<Empty>): void {
        try {
            this.open(`outputs of ${req.getUrn()}`);
            const known = this.registered.get(req.getUrn());
            if (!known) throw new Error(`unknown resource ${req.getUrn()}`);
            known.state = req.getOutputs()?.toJavaScript() ?? {};
            callback(null, new Empty());
        } catch (err) {
            callback(err, undefined);
        }
    }

    /** As MockMonitor: every feature but outputValues, so inputs arrive as plain values, not Output envelopes. */
    supportsFeature(req: resproto.SupportsFeatureRequest, callback: Callback<resproto.SupportsFeatureResponse>): void {
        callback(null, new resproto.SupportsFeatureResponse().setHassupport(req.getId() !== "outputValues"));
    }

    registerPackage(_req: resproto.RegisterPackageRequest, callback: Callback<resproto.RegisterPackageResponse>): void {
        callback(null, new resproto.RegisterPackageResponse().setRef("mock-uuid"));
    }
}

export interface RunOptions {
    project: string;
    stack: string;
    /** Full config map (`namespace:key` → string) as Pulumi would pass it. */
    config: Record<string, string>;
    secretKeys: string[];
    /** Tests only: record secret inputs in clear instead of "[secret]". Never set by the plan tool. */
    revealSecrets?: boolean;
    /**
     * Where the project's stack files are (the program's stackDir): the mock answers an RDS snapshot lookup from the
     * source stack's file, as AWS answers from the cluster that file declares. @default process.cwd()
     */
    stackDir?: string;
    /**
     * Run a failed plan again with stack traces, so its error carries the program's frames (runUntraced).
     * The test suite's plan thread, which only ever reads an error's message, turns it off. @default true
     */
    retraceFailures?: boolean;
}

/** The Pulumi runtime is process-global: runs queue here so two plans never interleave. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `program` as stack `stack` under the mock engine and returns the recorded plan. Safe to call
 * repeatedly, and concurrently, in one process (runs are serialized; each installs a fresh mock
 * monitor and config).
 */
export function runUnderMocks(opts: RunOptions, program: () => Record<string, unknown> | Promise<Record<string, unknown>>): Promise<Plan> {
    const run = queue.then(() => runUntraced(opts, program));
    queue = run.catch(() => undefined);
    return run;
}

/**
 * A run with Error.stackTraceLimit at 0, no stack formatted (Error.prepareStackTrace: the first line only) and source maps off. @pulumi/pulumi captures a stack trace for every promise it makes
 * (runtime/debuggable.js: `new Error().stack`) and every resource it registers; no plan reads them, and
 * under a source-mapping loader (tsx, --enable-source-maps) formatting them was most of a plan's time.
 * Runs are one at a time (the queue above), so the process-wide limit is ours while the run lasts. The
 * program is deterministic: a run that fails is made again with traces, so its error carries the stack.
 */
/** An error's stack while a run is untraced: its first line only, so no frame's position is ever looked up. */
const unformattedStack = (error: Error): string => `${error.name}: ${error.message}`;

async function runUntraced(opts: RunOptions, program: () => Record<string, unknown> | Promise<Record<string, unknown>>): Promise<Plan> {
    const limit = Error.stackTraceLimit;
    // Resource.callsites() raises the limit for its own trace of every resource (its source position,
    // which no plan records): with no frame formatted, no position in the bundle is ever looked up.
    const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true;
    Error.stackTraceLimit = 0;
    if (sourceMaps) process.setSourceMapsEnabled(false);
    const prepare = Error.prepareStackTrace;
    Error.prepareStackTrace = unformattedStack;
    let failed: unknown;
    try {
        return await runOnce(opts, program);
    } catch (error) {
        failed = error;
    } finally {
        Error.stackTraceLimit = limit;
        Error.prepareStackTrace = prepare;
        if (sourceMaps) process.setSourceMapsEnabled(true);
    }
    if (opts.retraceFailures === false) throw failed;
    await runOnce(opts, program);
    throw failed; // the traced run did not fail: keep the first run's error
}

async function runOnce(opts: RunOptions, program: () => Record<string, unknown> | Promise<Record<string, unknown>>): Promise<Plan> {
    const ctx: EngineContext = {
        region: opts.config["aws:region"] ?? "us-east-1",
        appName: opts.config["slipway:appName"] ?? "app",
        stackDir: opts.stackDir ?? process.cwd(),
    };
    const resources: PlannedResource[] = [];
    /** The URN the engine gives a resource: the monitor's at registration, recordConstructionOrder's at construction. */
    const urnOf = (parent: string, type: string, name: string) => engineUrn(opts.stack, opts.project, parent, type, name);
    /** URN → when the program constructed it (the plan's order; see recordConstructionOrder). */
    const constructed = new Map<string, number>();
    const violations: string[] = [];
    const urns = new Set<string>();
    /** alias URN → the resource that claims it */
    const aliased = new Map<string, string>();
    const aliasUrns = (req: resproto.RegisterResourceRequest): string[] =>
        req.getAliasesList().map((a) => {
            if (a.hasUrn()) return a.getUrn();
            const spec = a.getSpec();
            const parent = spec?.getNoparent() ? "" : spec?.getParenturn() || req.getParent();
            return engineUrn(spec?.getStack() || opts.stack, spec?.getProject() || opts.project, parent, spec?.getType() || req.getType(), spec?.getName() || req.getName());
        });
    /**
     * Each resource's alias URNs: its own, and one per alias of its parent, as the engine's inheritedChildAlias
     * derives them (pkg/resource/deploy/step_generator.go): the child under the parent's old URN, its name's
     * parent-name prefix swapped for the old parent's name. So a component renamed with an alias keeps its children.
     */
    const aliasesByUrn = new Map<string, string[]>();
    const aliasesOf = (req: resproto.RegisterResourceRequest, urn: string): string[] => {
        const own = aliasUrns(req).filter((a) => a !== urn);
        const parent = req.getParent();
        const parentName = parent ? parent.split("::").pop() ?? "" : "";
        const inherited = (parent ? aliasesByUrn.get(parent) ?? [] : []).map((old) => {
            const [head, project, qualifiedType, oldName] = old.split("::");
            const name = req.getName().startsWith(parentName) ? oldName + req.getName().slice(parentName.length) : req.getName();
            return `${head}::${project}::${qualifiedType}$${req.getType()}::${name}`;
        });
        const all = [...new Set([...own, ...inherited])];
        aliasesByUrn.set(urn, all);
        return all;
    };
    /** The engine's registration checks (pulumi/pulumi pkg/resource/deploy: step generator, resource monitor). */
    const check = ({ req, urn, read }: Registration, propertyDeps: ReadonlySet<string>) => {
        if (!TYPE_TOKEN.test(req.getType())) violations.push(`resource type "${req.getType()}" is not a pkg:module:Type token`);
        if (!req.getName()) violations.push(`a ${req.getType()} has an empty name`);
        if (urns.has(urn)) violations.push(`Duplicate resource URN '${urn}'; try giving it a unique name`);
        urns.add(urn);
        // The engine resolves a parent and every dependency among the resources of this deployment.
        const parent = req.getParent();
        if (parent && !urns.has(parent)) violations.push(`${urn} names parent '${parent}', which this deployment never registered`);
        if (read) return;
        const dependencies = new Set([...req.getDependenciesList(), ...propertyDeps]);
        for (const dep of dependencies) if (!urns.has(dep)) violations.push(`${urn} depends on '${dep}', which this deployment never registered`);
        // A resource may list one alias twice (the provider's type alias and the SDK's copy of it).
        for (const alias of aliasesOf(req, urn)) {
            if (alias === urn) continue;
            const other = aliased.get(alias);
            if (other && other !== urn) violations.push(`Two resources ('${other}' and '${urn}') aliased to the same: '${alias}'`);
            aliased.set(alias, urn);
        }
        for (const path of req.getIgnorechangesList()) {
            if (!parsesAsPropertyPath(path)) violations.push(`ignoreChanges path "${path}" of ${urn} does not parse as a property path`);
        }
        // A provider reference is `<provider URN>::<provider id>`; a provider inside a component has a qualified type.
        const provider = req.getProvider();
        if (provider && req.getCustom()) {
            const providerUrn = provider.slice(0, provider.lastIndexOf("::"));
            const pkg = req.getType().split(":")[0];
            if (providerUrn.split("::")[2]?.split("$").pop() !== `pulumi:providers:${pkg}`) violations.push(`${urn} uses provider ${providerUrn}, which is not a ${pkg} provider`);
        }
    };
    const plannedOf = (r: Registration, propertyDeps: ReadonlySet<string>): PlannedResource => {
        const common = { urn: r.urn, type: r.req.getType(), name: r.req.getName(), parent: r.req.getParent() || null };
        if (r.read) {
            const inputs = plainValue(r.properties, opts.revealSecrets) as Record<string, unknown>;
            return { ...common, inputs, protect: false, dependsOn: [], custom: true, ignoreChanges: [], retainOnDelete: false, deleteBeforeReplace: false };
        }
        const req = r.req;
        return {
            ...common,
            inputs: plainValue(r.properties, opts.revealSecrets) as Record<string, unknown>,
            protect: req.getProtect() === true,
            dependsOn: req.getDependenciesList().filter((u) => !propertyDeps.has(u)),
            custom: req.getCustom(),
            ignoreChanges: req.getIgnorechangesList(),
            retainOnDelete: req.getRetainondelete() === true,
            deleteBeforeReplace: req.getDeletebeforereplace(),
            ...(aliasesByUrn.get(r.urn)?.length ? { aliases: aliasesByUrn.get(r.urn) } : {}),
        };
    };
    const monitor = new PlanMonitor(
        {
            newResource: (args) => mockState(args.type, args.name, args.inputs, ctx),
            call: (args) => mockCall(args.token, args.inputs, ctx),
        },
        urnOf,
        (r) => {
            // The URNs the request's inputs depend on (its propertyDependencies map), read once for both.
            const propertyDeps = new Set<string>();
            if (!r.read) r.req.getPropertydependenciesMap().forEach((v) => v.getUrnsList().forEach((u) => propertyDeps.add(u)));
            check(r, propertyDeps);
            resources.push(plannedOf(r, propertyDeps));
        },
    );
    // Public API (runtime/settings): installs our monitor as `setMocks` installs MockMonitor. The SDK
    // asks it which features it supports when the root stack registers, as it asks the real engine.
    pulumi.runtime.setMockOptions(monitor, opts.project, opts.stack, false);
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);

    const failures: unknown[] = [];
    // An output that rejects (an invoke's error, a check in an apply) never calls resolveOutput's apply: the first
    // unhandled rejection ends the wait for the outputs, as the engine fails the update on it.
    let failNow: (reason: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (failNow = reject));
    failed.catch(() => undefined);
    const onRejection = (reason: unknown) => {
        failures.push(reason);
        failNow(reason);
    };
    process.on("unhandledRejection", onRejection);
    try {
        // As the language host runs a program: inside the root stack resource, so stack transformations
        // and stack-level defaults behave as under `pulumi up`.
        let exported: Record<string, unknown> | undefined;
        let thrown: { error: unknown } | undefined;
        // The root stack waits for its outputs, which never settle when one depends on a registration that failed.
        const stack = pulumi.runtime.runInPulumiStack(async () => {
            recordConstructionOrder(constructed, urnOf);
            // A program that throws (bad config) must fail this run, not leave the stack's own promises rejected.
            try {
                exported = await program();
            } catch (error) {
                thrown = { error };
            }
            return thrown ? {} : exported;
        });
        await Promise.race([stack, failed]);
        // The root stack registers its outputs asynchronously: let that reach this run's monitor, not the
        // next one's. disconnect() waits for every outstanding request, then closes the monitor, as the
        // language host does when a program ends.
        await pulumi.runtime.disconnect();
        if (thrown) throw thrown.error;
        // A registration whose input rejected (runtime/resource.js runAsyncResourceOp re-raises it as an unhandled
        // rejection, which fails a real update) is reported after the current microtasks: let it arrive.
        await new Promise((resolve) => setImmediate(resolve));
        if (failures.length) throw failures[0];
        const outputs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(exported ?? {})) outputs[k] = await Promise.race([resolveOutput(v), failed]);
        await pulumi.runtime.disconnect();
        if (failures.length) throw failures[0];
        // An alias may only name a resource that is gone from the program (its old name).
        for (const [alias, owner] of aliased) {
            if (urns.has(alias)) violations.push(`alias ${alias} of ${owner} is the URN of another resource in this program`);
        }
        if (violations.length) throw new EngineViolation(violations);
        // The plan lists the program's resources; the root stack is implicit (its children have no parent).
        const root = resources.find((r) => r.type === ROOT_STACK_TYPE)?.urn;
        const listed = resources.filter((r) => r.type !== ROOT_STACK_TYPE).map((r) => (r.parent === root ? { ...r, parent: null } : r));
        // The program's order, not the order registrations arrived in (a stable sort: a URN registered twice was refused above).
        const at = (r: PlannedResource) => constructed.get(r.urn) ?? Number.MAX_SAFE_INTEGER;
        resources.splice(0, resources.length, ...listed.sort((a, b) => at(a) - at(b)));
        const plan = { project: opts.project, stack: opts.stack, resources, outputs };
        // What AWS's quotas and validation would refuse, the plan refuses first (tools/check/aws-limits.ts).
        assertWithinLimits(plan);
        return plan;
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}

/**
 * Records, in `constructed`, each resource's URN in the order the program constructs it. The engine receives
 * a registration only once all its inputs have resolved, so the order registrations arrive in depends on
 * how many promise turns each input takes: an Output helper that resolves in fewer turns would reorder the
 * plan, and an input waiting on I/O could reorder it from run to run. The constructor order is the
 * program's own, and a parent and every resource passed as an input come before the resources using them.
 * A stack transformation (public API, runtime/stack) runs synchronously in every resource's constructor
 * under the root stack and changes nothing; the URN is derived from the parent's, as the engine derives it.
 */
function recordConstructionOrder(constructed: Map<string, number>, urnOf: (parent: string, type: string, name: string) => string): void {
    const urns = new WeakMap<pulumi.Resource, string>();
    pulumi.runtime.registerStackTransformation((args) => {
        const parent = args.opts.parent ? urns.get(args.opts.parent) ?? "" : "";
        const urn = urnOf(parent, args.type, args.name);
        urns.set(args.resource, urn);
        if (!constructed.has(urn)) constructed.set(urn, constructed.size);
        return undefined;
    });
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
