// Plan diff: compares the offline plan of a stack with a saved plan (e.g. the base branch's) and tells a
// reviewer what `pulumi up` would create, update, replace and delete, without cloud credentials.
//
//   npm run plan -- --stack staging --diff base/staging.json [--markdown]
//   exit 0: no changes · 2: changes · 1: error (bad base file, program error)
//
// Secrets: the plan JSON holds every secret as "[secret]", so a changed secret VALUE is invisible when
// both plans hold "[secret]". The diff never tries to reconstruct one (no hashes, no fingerprints). It
// reports what it can see without learning anything about a value: an input that became or stopped
// being secret, and, when both stack files are at hand, which `secure:` config keys have a different
// ciphertext (ciphertexts are committed in the repository already, so naming the key leaks nothing).
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { Plan, PlannedResource, SECRET, UNKNOWN } from "./mock-engine";

/** First line of the PR comment; a workflow finds and updates the one comment that carries it. */
export const COMMENT_MARKER = "<!-- slipway-plan-diff -->";

/** GitHub rejects issue comments over 65,536 characters; each stack's section stays well below. */
export const MARKDOWN_BUDGET = 20_000;

/**
 * Inputs whose change makes the provider REPLACE the resource instead of updating it in place. These
 * are the Terraform AWS/GitHub providers' `ForceNew` arguments, which pulumi-aws and pulumi-github
 * bridge unchanged; `pulumi preview` shows them as `replace`. test/force-new.test.ts checks every
 * entry against tools/plan/data/force-new.json (read from the providers' schema code, source and
 * date in its README): each listed input forces a new resource there, unconditionally or under a
 * condition, and no unconditional one is missing. Only types this program declares (and their
 * closest kin) are listed; a type missing here is diffed as an update, and the report says so.
 *
 * `"*"` means every input forces replacement except those in `except`: ECS has no
 * UpdateTaskDefinition API, task definition revisions are immutable, so the provider marks every
 * argument but tags ForceNew (hashicorp/terraform#3924). Pulumi then registers a NEW REVISION of the
 * same family (create-before-delete), points the service at it (the service updates and rolls its
 * tasks), and deregisters the old revision (INACTIVE) unless `skipDestroy` is set.
 */
export const REPLACE_ON: Readonly<Record<string, { inputs: readonly string[]; except?: readonly string[]; note?: string }>> = {
    "aws:ecr/repository:Repository": { inputs: ["name", "encryptionConfigurations"], note: "a new, empty repository: images are not copied" },
    "aws:ecs/taskDefinition:TaskDefinition": {
        inputs: ["*"],
        except: ["tags", "skipDestroy", "trackLatest"],
        note: "new revision registered; the old one is deregistered (INACTIVE) and the service rolls to the new one",
    },
    "aws:ecs/cluster:Cluster": { inputs: ["name"] },
    // The provider has no update for a lifecycle policy: a new policy text replaces it.
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": { inputs: ["repository", "policy"] },
    "aws:ecs/service:Service": { inputs: ["name", "cluster", "schedulingStrategy", "iamRole", "launchType"] },
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": { inputs: ["clusterName"] },
    "aws:s3/bucket:Bucket": { inputs: ["bucket", "bucketPrefix", "bucketNamespace", "objectLockEnabled"], note: "a new, empty bucket" },
    "aws:s3/bucketV2:BucketV2": { inputs: ["bucket", "bucketPrefix", "bucketNamespace", "objectLockEnabled"], note: "a new, empty bucket" },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": { inputs: ["bucket", "expectedBucketOwner"] },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { inputs: ["bucket"] },
    "aws:s3/bucketPolicy:BucketPolicy": { inputs: ["bucket"] },
    "aws:s3/bucketObjectv2:BucketObjectv2": { inputs: ["bucket", "key"] },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { inputs: ["bucket"] },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": { inputs: ["bucket", "expectedBucketOwner"] },
    "aws:s3/bucketVersioning:BucketVersioning": { inputs: ["bucket", "expectedBucketOwner"] },
    "aws:lb/loadBalancer:LoadBalancer": { inputs: ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"], note: "a new DNS name" },
    "aws:lb/targetGroup:TargetGroup": {
        inputs: ["name", "namePrefix", "port", "protocol", "protocolVersion", "vpcId", "targetType", "ipAddressType", "targetControlPort"],
    },
    "aws:lb/listener:Listener": { inputs: ["loadBalancerArn"] },
    "aws:lb/listenerRule:ListenerRule": { inputs: ["listenerArn"] },
    // Elastic Beanstalk (terraform-provider-aws ForceNew: application name; environment name, cname
    // prefix and tier; every identifying argument of an application version).
    "aws:elasticbeanstalk/application:Application": { inputs: ["name"], note: "a new application: the environments in the old one must be recreated in it" },
    "aws:elasticbeanstalk/environment:Environment": { inputs: ["name", "cnamePrefix", "tier"], note: "a new environment: new instances and a new CNAME" },
    "aws:elasticbeanstalk/applicationVersion:ApplicationVersion": { inputs: ["name", "application", "bucket", "key"] },
    "aws:iam/role:Role": { inputs: ["name", "namePrefix", "path"], note: "a new ARN: trust policies and GitHub variables that name it change too" },
    "aws:iam/rolePolicy:RolePolicy": { inputs: ["name", "namePrefix", "role"] },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { inputs: ["role", "policyArn"] },
    // IAM cannot change a managed policy's description.
    "aws:iam/policy:Policy": { inputs: ["name", "namePrefix", "path", "description"] },
    "aws:iam/instanceProfile:InstanceProfile": { inputs: ["name", "namePrefix", "path"] },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { inputs: ["url"] },
    "aws:ec2/vpc:Vpc": { inputs: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"], note: "everything in the VPC is replaced with it" },
    "aws:ec2/subnet:Subnet": {
        inputs: ["cidrBlock", "vpcId", "availabilityZone", "availabilityZoneId", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6NetmaskLength", "ipv6Native", "outpostArn"],
    },
    "aws:ec2/securityGroup:SecurityGroup": { inputs: ["name", "namePrefix", "description", "vpcId"] },
    "aws:ec2/routeTable:RouteTable": { inputs: ["vpcId"] },
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { inputs: ["vpcId"] },
    // Attaching an internet gateway to another VPC is an in-place detach/attach.
    "aws:ec2/internetGateway:InternetGateway": { inputs: [] },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": { inputs: ["subnetId", "gatewayId"] },
    "aws:secretsmanager/secret:Secret": { inputs: ["name", "namePrefix", "type"], note: "the old secret is scheduled for deletion (recovery window)" },
    // A new value is a new version (AWSCURRENT moves to it): secret_binary is ForceNew, secret_string
    // forced new by the provider's CustomizeDiff whenever the value changes.
    "aws:secretsmanager/secretVersion:SecretVersion": { inputs: ["secretId", "secretString", "secretBinary"] },
    "aws:cloudwatch/logGroup:LogGroup": { inputs: ["name", "namePrefix", "logGroupClass"], note: "the old group and its logs are deleted" },
    // slipway:database's password rotation and the services' restart after it (infra/platforms/ecs/rotation-restart.ts).
    "aws:secretsmanager/secretRotation:SecretRotation": { inputs: ["secretId"] },
    "aws:cloudwatch/eventRule:EventRule": { inputs: ["name", "namePrefix", "eventBusName"] },
    "aws:cloudwatch/eventTarget:EventTarget": { inputs: ["rule", "targetId", "eventBusName"] },
    "aws:sfn/stateMachine:StateMachine": { inputs: ["name", "namePrefix", "type"], note: "the old state machine's execution history goes with it" },
    "aws:ssm/parameter:Parameter": { inputs: ["name", "dataType"] },
    "aws:cloudwatch/dashboard:Dashboard": { inputs: ["dashboardName"] },
    // alarm_name is ForceNew: a renamed alarm is a new alarm (ECS services naming it are updated with it).
    "aws:cloudwatch/metricAlarm:MetricAlarm": { inputs: ["name"] },
    "aws:codebuild/project:Project": { inputs: ["name"] },
    "aws:codepipeline/pipeline:Pipeline": { inputs: ["name"] },
    "aws:codeartifact/domain:Domain": { inputs: ["domain", "encryptionKey"], note: "a new domain: every package published to the old one is deleted with it" },
    "aws:codeartifact/repository:Repository": { inputs: ["domain", "domainOwner", "repository"], note: "a new repository: its published packages are deleted with the old one" },
    "aws:codeartifact/domainPermissions:DomainPermissions": { inputs: ["domain", "domainOwner"] },
    "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy": { inputs: ["domain", "domainOwner", "repository"] },
    "aws:sns/topic:Topic": { inputs: ["name", "namePrefix", "fifoTopic"] },
    "aws:sns/topicPolicy:TopicPolicy": { inputs: ["arn"] },
    "aws:sns/topicSubscription:TopicSubscription": { inputs: ["topic", "protocol", "endpoint"], note: "an email endpoint must confirm the new subscription" },
    // A notification rule is renamed in place.
    "aws:codestarnotifications/notificationRule:NotificationRule": { inputs: ["resource"] },
    "aws:kms/key:Key": { inputs: ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"] },
    "aws:appautoscaling/target:Target": { inputs: ["resourceId", "scalableDimension", "serviceNamespace"] },
    "aws:appautoscaling/policy:Policy": { inputs: ["name", "resourceId", "scalableDimension", "serviceNamespace"] },
    // terraform-provider-github: `repository` forces a new resource unless the change is a rename of the
    // same repository (diffRepository compares repository_id), which the offline plan cannot tell.
    "github:index/actionsVariable:ActionsVariable": { inputs: ["repository", "variableName"] },
    "github:index/actionsSecret:ActionsSecret": { inputs: ["repository", "secretName"] },
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": { inputs: ["repository", "environment", "secretName"] },
    // target_key_id updates in place.
    "aws:kms/alias:Alias": { inputs: ["name", "namePrefix"] },
    // routeKey, target and credentialsArn are quick-create arguments: AWS only takes them at creation.
    "aws:apigatewayv2/api:Api": { inputs: ["protocolType", "routeKey", "target", "credentialsArn"] },
    "aws:apigatewayv2/vpcLink:VpcLink": { inputs: ["subnetIds", "securityGroupIds"] },
    "aws:apigatewayv2/integration:Integration": { inputs: ["apiId", "integrationType", "integrationSubtype"] },
    "aws:apigatewayv2/route:Route": { inputs: ["apiId"] },
    "aws:apigatewayv2/stage:Stage": { inputs: ["apiId", "name"] },
    "aws:apigatewayv2/domainName:DomainName": { inputs: ["domainName"] },
    "aws:apigatewayv2/apiMapping:ApiMapping": { inputs: ["domainName", "apiId"] },
    // A managed domain: a new name or key is a new certificate (validated again); a record moves by delete and create.
    // Scheduled jobs: a schedule or group is found by its name (and group); a FIFO queue cannot become standard.
    "aws:scheduler/schedule:Schedule": { inputs: ["groupName", "name", "namePrefix"] },
    "aws:scheduler/scheduleGroup:ScheduleGroup": { inputs: ["name", "namePrefix"] },
    "aws:sqs/queue:Queue": { inputs: ["fifoQueue", "name", "namePrefix"] },
    // Chat channels (terraform-provider-aws internal/service/chatbot): no argument forces a new configuration.
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": { inputs: [] },
    "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration": { inputs: [] },
    "aws:acm/certificate:Certificate": { inputs: ["domainName", "subjectAlternativeNames", "validationMethod", "keyAlgorithm", "certificateAuthorityArn", "validationOptions"] },
    "aws:acm/certificateValidation:CertificateValidation": { inputs: ["certificateArn", "validationRecordFqdns"] },
    "aws:route53/record:Record": { inputs: ["name", "zoneId"] },
    // slipway:database: a new cluster is an EMPTY database. The old one is deleted (production: refused by
    // deletion protection and protect; elsewhere its data is gone). A new writer only moves compute.
    "aws:rds/cluster:Cluster": {
        inputs: ["availabilityZones", "clusterIdentifier", "clusterIdentifierPrefix", "clusterScalabilityType", "databaseName", "dbSubnetGroupName", "dbSystemId", "engine", "engineMode", "kmsKeyId", "masterUsername", "restoreToPointInTime", "s3Import", "snapshotIdentifier", "sourceRegion", "storageEncrypted"],
        note: "DATABASE REPLACED: the new cluster starts empty and the old one, with every row, is deleted (restore from a snapshot first; production refuses: deletion protection)",
    },
    "aws:rds/subnetGroup:SubnetGroup": { inputs: ["name", "namePrefix"] },
    // slipway:database.kind instance: the DB instance holds the data itself; a new one is an EMPTY database.
    "aws:rds/instance:Instance": {
        inputs: ["availabilityZone", "backupTarget", "characterSetName", "customIamInstanceProfile", "dbName", "engine", "kmsKeyId", "ncharCharacterSetName", "restoreToPointInTime", "s3Import", "snapshotIdentifier", "storageEncrypted", "timezone", "username"],
        note: "DATABASE REPLACED: the new instance starts empty and the old one, with every row, is deleted (restore from a snapshot first; production refuses: deletion protection)",
    },
    "aws:rds/clusterInstance:ClusterInstance": { inputs: ["availabilityZone", "clusterIdentifier", "customIamInstanceProfile", "dbSubnetGroupName", "engine", "identifier", "identifierPrefix"], note: "the writer is replaced: connections drop until the new one is available (the data stays in the cluster)" },
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": { inputs: ["name", "vpc"] },
    "aws:servicediscovery/service:Service": { inputs: ["name", "namespaceId", "healthCheckCustomConfig", "type"] },
    "github:index/repositoryEnvironment:RepositoryEnvironment": { inputs: ["repository", "environment"] },
    "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy": { inputs: ["repository", "environment"] },
};

export type ChangeKind = "create" | "update" | "replace" | "delete";

export interface PropertyChange {
    /** Input path, e.g. `healthCheck.path`; inside a JSON-string input: `containerDefinitions{json}[0].image`. */
    path: string;
    /** Absent on one side: undefined. Secrets stay "[secret]". */
    old: unknown;
    new: unknown;
    /** This input forces replacement (see REPLACE_ON). */
    replaces: boolean;
    /** Listed in the resource's `ignoreChanges`: `pulumi up` leaves it as it is. */
    ignored: boolean;
}

export interface ResourceChange {
    kind: ChangeKind;
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** Changed inputs (update and replace only). */
    changes: PropertyChange[];
    /** `protect` before → after, when it changes (shown even with no input change). */
    protect?: { old: boolean; new: boolean };
    /** Things a reviewer must know: protected deletes that will fail, retained deletes, replacement order. */
    notes: string[];
}

export interface PlanDiff {
    project: string;
    stack: string;
    baseStack: string;
    resources: ResourceChange[];
    /** Stack outputs whose value changes (path = output name). */
    outputs: PropertyChange[];
    /** `secure:` config keys whose ciphertext differs between the stack files (values never shown). */
    secretConfig: string[];
    /** Resources whose inputs hold secrets on both sides: a changed value there cannot be seen. */
    secretInputs: string[];
    /** Resources whose only changed inputs are in `ignoreChanges`: `pulumi up` leaves them alone. */
    ignored: { resource: string; paths: string[] }[];
    /** Replace-capable types the REPLACE_ON table does not know (their changes are shown as updates). */
    unknownTypes: string[];
}

/** True when there is anything `pulumi up` would do. */
export function hasChanges(d: PlanDiff): boolean {
    return d.resources.length > 0 || d.outputs.length > 0 || d.secretConfig.length > 0;
}

// ---------------------------------------------------------------------------------------------------
// Comparing

/** URNs embed the stack name; comparing two stacks (staging vs a review stack) matches on the rest. */
function urnKey(urn: string): string {
    return urn.replace(/^urn:pulumi:[^:]+::/, "urn:pulumi:*::");
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const join = (base: string, key: string) => (IDENT.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`);

/** Parses a string that holds a JSON object or array (policies, container definitions); else undefined. */
function jsonDocument(v: unknown): unknown {
    if (typeof v !== "string") return undefined;
    const t = v.trim();
    if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
    try {
        const parsed: unknown = JSON.parse(t);
        return parsed && typeof parsed === "object" ? parsed : undefined;
    } catch {
        return undefined;
    }
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === "object" && !Array.isArray(v);

/** Leaf-level differences between two input values; secrets compare equal (they cannot be compared). */
export function valueChanges(old: unknown, now: unknown, at = ""): { path: string; old: unknown; new: unknown }[] {
    if (old === now) return [];
    if (old === SECRET && now === SECRET) return [];
    const oldDoc = jsonDocument(old);
    const newDoc = jsonDocument(now);
    if (oldDoc !== undefined && newDoc !== undefined) return valueChanges(oldDoc, newDoc, `${at}{json}`);
    if (Array.isArray(old) && Array.isArray(now)) {
        const out: { path: string; old: unknown; new: unknown }[] = [];
        // Lists of named entries (environment variables, container definitions): match by name, so
        // one added variable reads as one change, not as every later index shifting.
        const named = (a: unknown[]) => a.every((x) => isObject(x) && typeof x.name === "string") && new Set(a.map((x) => (x as { name: string }).name)).size === a.length;
        if (named(old) && named(now) && (old.length || now.length)) {
            const byName = (a: unknown[]) => new Map(a.map((x) => [(x as { name: string }).name, x]));
            const a = byName(old);
            const b = byName(now);
            for (const n of [...new Set([...a.keys(), ...b.keys()])]) out.push(...valueChanges(a.get(n), b.get(n), `${at}[name=${n}]`));
            return out;
        }
        for (let i = 0; i < Math.max(old.length, now.length); i++) out.push(...valueChanges(old[i], now[i], `${at}[${i}]`));
        return out;
    }
    if (isObject(old) && isObject(now)) {
        const out: { path: string; old: unknown; new: unknown }[] = [];
        for (const k of [...new Set([...Object.keys(old), ...Object.keys(now)])].sort()) out.push(...valueChanges(old[k], now[k], join(at, k)));
        return out;
    }
    if (JSON.stringify(old) === JSON.stringify(now)) return [];
    return [{ path: at, old, new: now }];
}

/** The top-level input a change path belongs to. */
function topInput(p: string): string {
    const m = /^([^.[{]+)/.exec(p);
    return m ? m[1] : p;
}

/** Pulumi `ignoreChanges` paths (`a.b`, `a[0]`, `a[*]`) cover the path itself and everything under it. */
function isIgnored(p: string, ignoreChanges: string[]): boolean {
    const norm = (s: string) => s.replace(/\{json\}/g, "");
    const target = norm(p);
    return ignoreChanges.some((ig) => {
        const rx = new RegExp(
            "^" + ig.split("[*]").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\[[^\\]]+\\]") + "(?=$|[.[])",
        );
        return rx.test(target);
    });
}

/**
 * Inputs that replace any resource of a provider: terraform-provider-aws v6 forces a new resource when
 * a resource's own `region` changes (forceNewIfRegionChanges, for SDK and framework resources alike).
 */
export const REPLACE_ON_EVERY: Readonly<Record<string, readonly string[]>> = { aws: ["region"] };

export function replaces(type: string, input: string): boolean {
    if (REPLACE_ON_EVERY[type.split(":")[0]]?.includes(input)) return true;
    const rule = REPLACE_ON[type];
    if (!rule) return false;
    if (rule.inputs.includes("*")) return !(rule.except ?? []).includes(input);
    return rule.inputs.includes(input);
}

function containsSecret(v: unknown): boolean {
    if (v === SECRET) return true;
    if (Array.isArray(v)) return v.some(containsSecret);
    if (isObject(v)) return Object.values(v).some(containsSecret);
    return false;
}

const label = (r: PlannedResource) => `${r.type} ${r.name}`;

/** Compares two plans of one project. Resources are matched by URN (with the stack name set aside). */
/** ECS's strategies that move traffic between two target groups (deploymentConfiguration.strategy). */
const TRAFFIC_SHIFT = new Set(["BLUE_GREEN", "CANARY", "LINEAR"]);
const strategyOf = (r: PlannedResource) => String((r.inputs.deploymentConfiguration as { strategy?: unknown } | undefined)?.strategy ?? "ROLLING");
const leavesTrafficShift = (was: PlannedResource, now: PlannedResource) => TRAFFIC_SHIFT.has(strategyOf(was)) && !TRAFFIC_SHIFT.has(strategyOf(now));

/**
 * Under blue/green, canary and linear ECS alternates the two target groups: after a finished deployment
 * production traffic may be on the alternate one. ECS keeps a service's load balancer configuration when
 * its strategy goes back to rolling ("Update the deployment strategy from Amazon ECS blue/green to rolling
 * update"), but this `up` also deletes the alternate group and the production listener rule, and the
 * listener then forwards to the primary group, which may hold no tasks until the rolling deployment lands.
 */
export const BACK_TO_ROLLING =
    "back to rolling from a traffic-shifting strategy: this up deletes the alternate target group and the production listener rule, and production traffic may be on the alternate target group now (ECS alternates the two). Before pulumi up: aws elbv2 describe-rules --listener-arn <the HTTPS listener> must show the production listener rule (web-production, priority 2) forwarding weight 100 to the primary target group (the one in loadBalancers[0].targetGroupArn); if it forwards to the alternate, release once more through the pipeline so ECS moves traffic back, then check again. With no deployment in progress (ECS refuses the change during one), pulumi up.";

/** The environment's parameter naming its maintenance rule (infra/platforms/ecs/index.ts), which the Release action reads. */
const MAINTENANCE_PARAMETER = "maintenance-rule";
/**
 * CodeBuild resolves the Release action's PARAMETER_STORE variable when the build starts, and fails it when the
 * parameter is gone: the delivery stack, which reads the page from this stack's file, must stop asking first.
 */
export const MAINTENANCE_OFF_ORDER =
    "the maintenance page is switched off: run pulumi up -s <delivery stack> first (its Release action stops reading this parameter), then this stack's up; the other way round, every release of this stage fails at build start until the delivery stack is updated";

export function diffPlans(base: Plan, head: Plan): PlanDiff {
    if (base.project !== head.project) {
        throw new Error(`the base plan is of project "${base.project}", this plan of "${head.project}": compare plans of one project`);
    }
    const before = new Map(base.resources.map((r) => [urnKey(r.urn), r]));
    const after = new Map(head.resources.map((r) => [urnKey(r.urn), r]));
    const resources: ResourceChange[] = [];
    const secretInputs: string[] = [];
    const unknownTypes = new Set<string>();
    const ignored: { resource: string; paths: string[] }[] = [];

    // A resource renamed with an alias is the old one under a new URN (Pulumi updates it in place): pair them.
    const renamed = new Set<string>();
    for (const [key, now] of after) {
        const oldKey = before.has(key) ? undefined : (now.aliases ?? []).map(urnKey).find((k) => before.has(k) && !after.has(k));
        if (oldKey) renamed.add(oldKey);
        const was = before.get(oldKey ?? key);
        const common = { urn: now.urn, type: now.type, name: now.name, custom: now.custom };
        if (!was) {
            resources.push({ ...common, kind: "create", changes: [], notes: now.protect ? ["created protected"] : [] });
            continue;
        }
        const notes: string[] = oldKey ? [`renamed from "${was.name}" by an alias: the same resource, updated in place`] : [];
        const protect = was.protect !== now.protect ? { old: was.protect, new: now.protect } : undefined;
        // Component inputs are not sent to any provider: only their children can change.
        const changes: PropertyChange[] = now.custom
            ? valueChanges(was.inputs, now.inputs).map((c) => ({
                  ...c,
                  replaces: replaces(now.type, topInput(c.path)),
                  ignored: isIgnored(c.path, now.ignoreChanges),
              }))
            : [];
        if (now.custom && Object.entries(now.inputs).some(([k, v]) => containsSecret(v) && containsSecret(was.inputs[k]))) {
            secretInputs.push(label(now));
        }
        const effective = changes.filter((c) => !c.ignored);
        const kind: ChangeKind | undefined = effective.some((c) => c.replaces) ? "replace" : effective.length ? "update" : undefined;
        if (kind && !REPLACE_ON[now.type] && /^(aws|github):/.test(now.type)) unknownTypes.add(now.type);
        if (kind === "replace") {
            const rule = REPLACE_ON[now.type];
            if (rule?.note) notes.push(rule.note);
            if (now.deleteBeforeReplace) notes.push("deletes the old one first (deleteBeforeReplace): a gap while it is recreated");
            else if (typeof now.inputs.name === "string" && now.inputs.name === was.inputs.name) {
                // Pulumi creates the replacement first; with the same fixed name the create fails.
                notes.push(`fixed name "${now.inputs.name}" is kept: creating the replacement first will conflict unless deleteBeforeReplace is set`);
            } else notes.push("creates the new one before deleting the old");
            // Pulumi refuses to replace a resource its state marks protected; unprotect first.
            if (was.protect && now.protect) notes.push("PROTECTED: `pulumi up` fails until it is unprotected (`pulumi state unprotect`)");
            else if (was.protect) notes.push("protected until now: if `pulumi up` refuses, run it once with protect removed, or `pulumi state unprotect`");
        }
        if (kind && now.type === "aws:ecs/service:Service" && leavesTrafficShift(was, now)) notes.push(BACK_TO_ROLLING);
        if (kind || protect || oldKey) resources.push({ ...common, kind: kind ?? "update", changes, protect, notes });
        else if (changes.length) ignored.push({ resource: label(now), paths: changes.map((c) => c.path) });
    }
    for (const [key, was] of before) {
        if (after.has(key) || renamed.has(key)) continue;
        const notes: string[] = [];
        if (was.protect) notes.push("PROTECTED: `pulumi up` fails until it is unprotected (`pulumi state unprotect`)");
        if (was.retainOnDelete) notes.push("retainOnDelete: stays in AWS, only leaves the stack");
        if (was.type === "aws:ssm/parameter:Parameter" && was.name === MAINTENANCE_PARAMETER) notes.push(MAINTENANCE_OFF_ORDER);
        resources.push({ kind: "delete", urn: was.urn, type: was.type, name: was.name, custom: was.custom, changes: [], notes });
    }

    // A delete and a create of one type under one parent is often a renamed resource: Pulumi creates
    // the new one first, which fails where AWS allows one of a kind (a listener per port, a fixed name).
    for (const c of resources.filter((r) => r.kind === "create" && r.custom)) {
        const parent = after.get(urnKey(c.urn))?.parent ?? null;
        for (const del of resources.filter((r) => r.kind === "delete" && r.type === c.type)) {
            const delParent = before.get(urnKey(del.urn))?.parent ?? null;
            if ((parent && urnKey(parent)) === (delParent && urnKey(delParent))) {
                c.notes.push(`created before "${del.name}" is deleted: if it takes the same port or name, add \`aliases\` or deleteBeforeReplace`);
            }
        }
    }
    const outputs = valueChanges(base.outputs, head.outputs).map((c) => ({ ...c, replaces: false, ignored: false }));
    return {
        project: head.project,
        stack: head.stack,
        baseStack: base.stack,
        resources: sortChanges(resources),
        ignored,
        outputs,
        secretConfig: [],
        secretInputs: [...new Set(secretInputs)],
        unknownTypes: [...unknownTypes].sort(),
    };
}

const ORDER: Record<ChangeKind, number> = { replace: 0, delete: 1, create: 2, update: 3 };
function sortChanges(rs: ResourceChange[]): ResourceChange[] {
    return [...rs].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
}

/**
 * `secure:` config keys (as `namespace:key` or `namespace:key.sub` paths) whose ciphertext differs
 * between two stack files, or that exist on one side only. Ciphertexts are already in the repository;
 * comparing them reveals only that a value was set again, never anything about the value.
 */
export function secureConfigChanges(baseText: string, headText: string): string[] {
    const collect = (text: string) => {
        const out = new Map<string, string>();
        const doc = (parseYaml(text) ?? {}) as { config?: Record<string, unknown> };
        const walk = (v: unknown, at: string) => {
            if (isObject(v)) {
                if (typeof v.secure === "string" && Object.keys(v).length === 1) out.set(at, v.secure);
                else for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
            } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
        };
        walk(doc.config ?? {}, "");
        return out;
    };
    const a = collect(baseText);
    const b = collect(headText);
    return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}

// ---------------------------------------------------------------------------------------------------
// Rendering

const SYMBOL: Record<ChangeKind, string> = { create: "+", update: "~", replace: "+-", delete: "-" };

/** One value, short: strings unquoted when plain, long values cut with an ellipsis. */
export function show(v: unknown, max = 80): string {
    if (v === undefined) return "(none)";
    if (v === UNKNOWN) return "(known after apply)";
    const s = typeof v === "string" ? (v === SECRET ? SECRET : JSON.stringify(v)) : JSON.stringify(v);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function counts(d: PlanDiff): Record<ChangeKind, number> {
    const c: Record<ChangeKind, number> = { create: 0, update: 0, replace: 0, delete: 0 };
    for (const r of d.resources) c[r.kind]++;
    return c;
}

function summaryLine(d: PlanDiff): string {
    const c = counts(d);
    const parts = (["create", "update", "replace", "delete"] as ChangeKind[]).filter((k) => c[k]).map((k) => `${c[k]} to ${k}`);
    if (d.outputs.length) parts.push(`${d.outputs.length} output${d.outputs.length > 1 ? "s" : ""} changed`);
    if (d.secretConfig.length) parts.push(`${d.secretConfig.length} secret config value${d.secretConfig.length > 1 ? "s" : ""} changed`);
    return parts.length ? parts.join(", ") : "no changes";
}

const against = (d: PlanDiff) => (d.baseStack === d.stack ? "" : ` (against stack ${d.baseStack})`);

const SECRET_NOTE =
    "Secret values are \"[secret]\" in both plans, so a changed secret value cannot be seen here; " +
    "secret config keys whose ciphertext changed are listed above when both stack files were available.";

const REPLACE_NOTE =
    "A replaced resource gets a new ID/ARN; resources that reference it update too, which the offline plan may not show (its mock IDs stay stable).";

const SECRET_CONFIG_NOTE =
    "The offline plan uses placeholders for secure values, so the resources they feed show no change above; " +
    "`pulumi up` writes the new values (app secrets: a new Secrets Manager version, a new task definition revision, the service rolls; CI secrets: the GitHub secret is updated).";

export function renderText(d: PlanDiff): string {
    const lines = [`Plan diff for stack ${d.stack}${against(d)}: ${summaryLine(d)}`];
    for (const r of d.resources) {
        const protect = r.protect ? `  [protect ${r.protect.old} → ${r.protect.new}]` : "";
        lines.push(`  ${SYMBOL[r.kind].padEnd(2)} ${r.kind.padEnd(7)} ${r.type} ${r.name}${protect}`);
        for (const c of r.changes) {
            const tag = c.ignored ? "  (ignoreChanges: left as is)" : c.replaces ? "  (forces replacement)" : "";
            lines.push(`        ${c.path}: ${show(c.old)} → ${show(c.new)}${tag}`);
        }
        for (const n of r.notes) lines.push(`        ! ${n}`);
    }
    if (d.outputs.length) {
        lines.push("  Outputs:");
        for (const o of d.outputs) lines.push(`     ${o.path}: ${show(o.old)} → ${show(o.new)}`);
    }
    if (d.secretConfig.length) lines.push(`  Secret config set again (values not shown): ${d.secretConfig.join(", ")}. ${SECRET_CONFIG_NOTE}`);
    for (const i of d.ignored) lines.push(`  Unchanged (ignoreChanges): ${i.resource}: ${i.paths.join(", ")}`);
    if (d.unknownTypes.length) lines.push(`  Replacement rules unknown for: ${d.unknownTypes.join(", ")} (shown as updates; check \`pulumi preview\`)`);
    if (d.resources.some((r) => r.kind === "replace")) lines.push(`  Note: ${REPLACE_NOTE}`);
    if (d.secretInputs.length) lines.push(`  Note: ${SECRET_NOTE}`);
    return lines.join("\n") + "\n";
}

const md = (s: string) => s.replace(/[|<>]/g, (ch) => `\\${ch}`);
const code = (s: string) => "`" + s.replace(/`/g, "'") + "`";

/**
 * A compact Markdown section for one stack: a one-line summary, replacements and deletions always in
 * view (they are what hurts), updates and details folded away. `budget` caps its length.
 */
export function renderMarkdown(d: PlanDiff, budget = MARKDOWN_BUDGET): string {
    const c = counts(d);
    const icon = c.replace || c.delete ? "⚠️" : hasChanges(d) ? "📝" : "✅";
    const head = [`<!-- slipway-plan-diff stack=${d.stack} -->`, `### ${icon} \`${d.stack}\`${md(against(d))}: ${summaryLine(d)}`];
    if (!hasChanges(d)) return head.join("\n") + "\n";

    const row = (r: ResourceChange) => {
        // One entry per top-level input; the folded value listing has the full paths.
        const inputs = new Map<string, { n: number; replaces: boolean }>();
        for (const ch of r.changes.filter((x) => !x.ignored)) {
            const e = inputs.get(topInput(ch.path)) ?? { n: 0, replaces: false };
            inputs.set(topInput(ch.path), { n: e.n + 1, replaces: e.replaces || ch.replaces });
        }
        const what = [...inputs].slice(0, 8).map(([k, e]) => code(k) + (e.n > 1 ? ` ×${e.n}` : "") + (e.replaces ? " (replaces)" : ""));
        const more = inputs.size > 8 ? ` +${inputs.size - 8} more` : "";
        const protect = r.protect ? `${what.length ? " · " : ""}protect ${r.protect.old} → ${r.protect.new}` : "";
        const notes = r.notes.length ? `<br>${r.notes.map(md).join("<br>")}` : "";
        return `| ${SYMBOL[r.kind]} ${r.kind} | ${code(r.type)} | ${code(r.name)} | ${what.join(", ")}${more}${protect}${notes} |`;
    };
    const table = (rs: ResourceChange[]) => ["| | type | name | changed inputs |", "|---|---|---|---|", ...rs.map(row)];
    const severe = d.resources.filter((r) => r.kind === "replace" || r.kind === "delete");
    const mild = d.resources.filter((r) => r.kind === "create" || r.kind === "update");

    const body: string[] = [];
    if (severe.length) body.push("", ...table(severe));
    if (mild.length) {
        body.push("", `<details><summary>${mild.length} created or updated</summary>`, "", ...table(mild), "", "</details>");
    }
    const detail: string[] = [];
    for (const r of d.resources.filter((x) => x.changes.length)) {
        detail.push(`${SYMBOL[r.kind]} ${r.type} ${r.name}`);
        for (const ch of r.changes) {
            detail.push(`    ${ch.path}: ${show(ch.old, 120)} → ${show(ch.new, 120)}${ch.ignored ? "  (ignoreChanges)" : ch.replaces ? "  (forces replacement)" : ""}`);
        }
    }
    for (const o of d.outputs) detail.push(`output ${o.path}: ${show(o.old, 120)} → ${show(o.new, 120)}`);
    const tail: string[] = [];
    if (d.secretConfig.length) tail.push("", `🔑 Secret config set again (values not shown): ${d.secretConfig.map(code).join(", ")}. ${md(SECRET_CONFIG_NOTE)}`);
    if (d.unknownTypes.length) tail.push("", `Replacement rules unknown for ${d.unknownTypes.map(code).join(", ")}: shown as updates, check \`pulumi preview\`.`);
    if (c.replace) tail.push("", `<sub>${md(REPLACE_NOTE)}</sub>`);
    if (d.secretInputs.length) tail.push("", `<sub>${md(SECRET_NOTE)}</sub>`);

    // Values come from pull request code: a fence inside one must not end the code block early.
    const fence = (l: string) => l.replace(/`{3,}/g, (m) => "ˋ".repeat(m.length));
    const fold = (lines: string[]) => ["", "<details><summary>Changed values (old → new)</summary>", "", "```", ...lines.map(fence), "```", "", "</details>"];
    let text = [...head, ...body, ...(detail.length ? fold(detail) : []), ...tail].join("\n") + "\n";
    if (text.length > budget) {
        // Keep the tables and notes; cut the value listing first, then the update table.
        const room = budget - [...head, ...body, ...tail].join("\n").length - 200;
        const kept: string[] = [];
        let used = 0;
        for (const l of detail) {
            if (used + l.length + 1 > room) break;
            kept.push(l);
            used += l.length + 1;
        }
        const cut = detail.length - kept.length;
        const folded = kept.length ? fold([...kept, `… ${cut} more lines: run the plan diff locally`]) : [];
        text = [...head, ...body, ...folded, ...tail].join("\n") + "\n";
        if (text.length > budget) {
            // Last resort: the summary, then as many replace/delete rows as fit.
            const lines = [...head, ""];
            const rows = severe.length ? table(severe) : [];
            const end = `… resources not listed (comment size): run \`npm run plan -- --stack ${d.stack} --diff <base.json>\``;
            let size = lines.join("\n").length + end.length + 4;
            for (const r of rows) {
                if (size + r.length + 1 > budget) break;
                lines.push(r);
                size += r.length + 1;
            }
            text = [...lines, "", end].join("\n") + "\n";
        }
    }
    return text;
}

// ---------------------------------------------------------------------------------------------------
// Command

export interface DiffOutput {
    markdown: boolean;
    write: (text: string) => void;
    /** Where the head stack files are (Pulumi.<stack>.yaml); default the working directory. */
    headDir?: string;
}

function readPlan(file: string): Plan {
    if (!fs.existsSync(file)) throw new Error(`--diff ${file}: no such file. Write a base plan first: npm run plan -- --stack <name> --json ${file}`);
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`--diff ${file}: not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const p = parsed as Partial<Plan>;
    if (!p || typeof p.project !== "string" || typeof p.stack !== "string" || !Array.isArray(p.resources) || typeof p.outputs !== "object") {
        throw new Error(`--diff ${file}: not a plan (expected { project, stack, resources, outputs } from npm run plan -- --json)`);
    }
    return p as Plan;
}

/**
 * Prints the difference between `plan` and the plan saved at `basePath`; returns the exit code
 * (0 no changes, 2 changes). When the base plan sits next to its stack file (a base-branch checkout)
 * and the head stack file is in `headDir`, changed `secure:` config keys are reported too.
 */
export function diffCommand(plan: Plan, basePath: string, out: DiffOutput): number {
    const base = readPlan(basePath);
    const d = diffPlans(base, plan);
    const baseFile = path.join(path.dirname(path.resolve(basePath)), `Pulumi.${base.stack}.yaml`);
    const headFile = path.join(out.headDir ?? process.cwd(), `Pulumi.${plan.stack}.yaml`);
    if (fs.existsSync(baseFile) && fs.existsSync(headFile) && path.resolve(baseFile) !== path.resolve(headFile)) {
        d.secretConfig = secureConfigChanges(fs.readFileSync(baseFile, "utf8"), fs.readFileSync(headFile, "utf8"));
    }
    out.write(out.markdown ? renderMarkdown(d) : renderText(d));
    return hasChanges(d) ? 2 : 0;
}
