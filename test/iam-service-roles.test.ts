// The roles AWS services assume (the pipeline's, the CodeBuild projects', the workloads', Elastic
// Beanstalk's), evaluated like the GitHub deploy roles (tools/check/iam-sim.ts): what AWS documents each one
// needs (policy/data/service-role-needs.json), as requests with the ARNs the plans give and the context
// keys AWS sends, is allowed; the same job against another stack or another app is denied. Every
// documented action is simulated or excused with a reason here. A missing or widened permission fails,
// naming role, action and resource.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { MOCK_ACCOUNT, Plan, PlannedResource } from "../tools/plan/mock-engine";
import { decide, decideAll, Doc, physicalName, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { attackRequests, beanstalkOperationRequests, beanstalkStorageAttackRequests, ebArn, ownArns, StackView, tagContext } from "../tools/check/iam-requests";
import { iamPolicySize } from "../tools/check/aws-limits";
import { denials as deniedOf } from "../tools/check/iam-check";
import { BEANSTALK_MANAGED_POLICIES } from "../infra/platforms/beanstalk/environment";
import { SECRET_ARN_PROPERTY, COMPOSE_FILE } from "../infra/platforms/beanstalk/bundle";
import { ENVIRONMENT_SECRETS_NAMESPACE } from "../infra/platforms/beanstalk/database";
import { DATABASE_IAM_USER_VARIABLE, STACK_TAG } from "../infra/contract";
import { all, one, planStack, ROOT } from "./helpers";
import { view } from "./iam-helpers";

const R = "us-east-1";
const A = MOCK_ACCOUNT;
const hex = (s: string, n: number) => createHash("sha256").update(s).digest("hex").slice(0, n);

// ---------------------------------------------------------------------------------------------------
// What AWS documents

interface Need {
    source: string;
    actions: string[];
}
const NEEDS = (JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "data", "service-role-needs.json"), "utf8")) as { needs: Record<string, Need> }).needs;
function need(key: string): Need {
    const n = NEEDS[key];
    if (!n) throw new Error(`no ${key} in policy/data/service-role-needs.json`);
    return n;
}
/** Does an IAM action pattern (`s3:Get*`, `ec2:*`) cover `action`? */
const covers = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(action);
const documented = (key: string, action: string) => need(key).actions.some((p) => covers(p, action));

/**
 * AWS managed policies, approximated from their action lists in service-role-needs.json as
 * `{Allow, Action: <list>, Resource: "*"}`. The real documents (the MAMIP copies the entries' notes
 * cite) scope several statements to EB's names and buckets and condition PassRole, so these are
 * broader than AWS's: a request they allow may still be denied by the real policy. They cannot hide
 * the permissions boundary, and what slipway's own runtime policy must grant is checked without them.
 */
const approximated = (key: string): Doc => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: need(key).actions, Resource: "*" }] });
const AWS_MANAGED: Record<string, Doc> = {
    [BEANSTALK_MANAGED_POLICIES.webTier]: approximated("elasticbeanstalk:instance-profile-web-tier"),
    [BEANSTALK_MANAGED_POLICIES.enhancedHealth]: approximated("elasticbeanstalk:service-role-enhanced-health"),
    [BEANSTALK_MANAGED_POLICIES.managedUpdates]: approximated("elasticbeanstalk:service-role-managed-updates"),
};

// ---------------------------------------------------------------------------------------------------
// Plans, views, principals

/**
 * Key policies, by the ARN the mock engine gives a key (`key/<sha256 of its logical name, 8>-0000-4000-8000-000000000000`):
 * KMS counts identity policies only when the key policy trusts the account, and iam-simulate models that.
 */
const KEY_POLICIES = new Map<string, Doc>();
const resourcePolicyOf = (r: Request) => KEY_POLICIES.get(r.resource);

const plans = new Map<string, Promise<Plan>>();
function plan(stack: string, as?: string, app?: string, set: Record<string, string> = {}): Promise<Plan> {
    const key = `${stack}/${as ?? ""}/${app ?? ""}/${JSON.stringify(set)}`;
    if (!plans.has(key)) {
        const planned = planStack(stack, { ...(as ? { stackName: as } : {}), set: { ...set, ...(app ? { "slipway:appName": app } : {}) } }).then((p) => {
            for (const k of all(p, "aws:kms/key:Key")) if (typeof k.inputs.policy === "string") KEY_POLICIES.set(`arn:aws:kms:${R}:${A}:key/${hex(k.name, 8)}-0000-4000-8000-000000000000`, JSON.parse(k.inputs.policy) as Doc);
            return p;
        });
        plans.set(key, planned);
    }
    return plans.get(key) as Promise<Plan>;
}

/** The pipelines of the fixtures, and the environment stacks each deploys (its slipway:pipelineStacks). */
const PIPELINES: Record<string, string[]> = { delivery: ["staging", "production"], "beanstalk-delivery": ["beanstalk-staging", "beanstalk-production"], "apps-delivery": ["apps-staging", "apps-production"] };
/** The delivery fixture deploying Beanstalk staging, then ECS production: both deploy actions in one role. */
const MIXED = { "slipway:pipelineStacks": JSON.stringify(["beanstalk-staging", "production"]), "slipway:ciSecrets": "{}" };

/** A delivery-stack role (tagged with the delivery stack), its policies' mock ARNs replaced by AWS's. */
async function deliveryRole(delivery: string, role: string, set?: Record<string, string>): Promise<Principal> {
    const d = await plan(delivery, undefined, undefined, set);
    return principalOf(d, role, [d], {}, { [STACK_TAG]: `shop/${delivery}` });
}

/** An environment's role with its attachments (the delivery stack's runtime policies, AWS's approximated) and boundary. */
async function environmentRole(stack: string, role: string, delivery: string, as?: string, app?: string): Promise<Principal> {
    const env = await plan(stack, as, app);
    const d = await plan(delivery, undefined, app);
    return principalOf(env, role, [env, d], AWS_MANAGED, { [STACK_TAG]: `${app ?? "shop"}/${as ?? stack}` });
}

const withoutBoundary = (p: Principal): Principal => ({ ...p, name: `${p.name} (identity policies only)`, boundary: undefined });
const onlyPolicies = (p: Principal, match: RegExp): Principal => ({ ...p, name: `${p.name} (${match.source} only)`, policies: p.policies.filter((x) => match.test(x.name)) });

/** Requests `principal` is not allowed, as "role: action on resource is … (why)", with the fixtures' key policies. */
const denials = (principal: Principal, requests: Request[]): Promise<string[]> => deniedOf(principal, requests, resourcePolicyOf);

/**
 * Requests the role's job makes that reach every stack by AWS's design, so containment cannot deny
 * them: each with why. Everything else of another stack's job must be denied.
 */
const SHARED: { test: (r: Request, victim: StackView) => boolean; why: string }[] = [
    { test: (r) => r.resource === "*" && !r.context["ecs:cluster"], why: "actions without a resource type (Describe*, CreateStorageLocation, ValidateTemplate) answer for the whole account" },
    {
        // Reads only, and the instances' log uploads (keyed by environment id, which no policy knows before EB makes it).
        test: (r) =>
            /^arn:aws:s3:::elasticbeanstalk-[a-z0-9-]+-\d{12}(\/|$)/.test(r.resource) &&
            (/^s3:(Get|List)/.test(r.action) || r.action === "s3:CreateBucket" || (r.action === "s3:PutObject" && /^arn:aws:s3:::[^/]+\/resources\/environments\/logs\//.test(r.resource))),
        why: "EB's per-region storage bucket is shared by every environment (EB's design): reading it, and writing instance logs under resources/environments/logs/",
    },
    { test: (r) => /^arn:aws:ec2:[a-z0-9-]+::image\//.test(r.resource), why: "public AMIs are AWS's" },
    {
        test: (r, victim) => victim.app === "shop" && /^elasticbeanstalk:(CreateApplicationVersion|DescribeApplicationVersions|DescribeApplications)$/.test(r.action),
        why: "the app's one EB application holds every environment's versions: a version record deploys nothing",
    },
];

/** The requests of `requests` that `principal` gets through, as "role: action on resource is allowed (why)". */
async function breaches(principal: Principal, requests: Request[], victim: StackView): Promise<string[]> {
    const asked = requests.filter((r) => !SHARED.some((s) => s.test(r, victim)));
    const decided = await decideAll(principal, asked, resourcePolicyOf);
    return asked.flatMap((r, i) => (decided[i] === "Allowed" ? [`${principal.name}: ${r.action} on ${r.resource} is allowed (${r.why})`] : []));
}

/** The requests `principal` is allowed, with nothing excused. */
async function allowedOf(principal: Principal, requests: Request[]): Promise<string[]> {
    const decided = await decideAll(principal, requests, resourcePolicyOf);
    return requests.flatMap((r, i) => (decided[i] === "Allowed" ? [`${principal.name}: ${r.action} on ${r.resource} is allowed (${r.why})`] : []));
}

/** Documented actions neither simulated nor excused. */
function uncovered(keys: string[], requests: Request[], excused: Record<string, string>): string[] {
    const out: string[] = [];
    for (const key of keys) {
        for (const action of need(key).actions) {
            if (excused[action]) continue;
            // A service wildcard (`ec2:*`) counts as simulated when its service is.
            if (!requests.some((r) => covers(action, r.action))) out.push(`${key}: ${action}`);
        }
    }
    return out;
}

const region = { "aws:RequestedRegion": R };
/** Context of a request about an existing resource of `v`'s stack (it carries the stack tag). */
const owned = (v: StackView) => ({ ...region, ...tagContext(v.tag, true, false) });

// ---------------------------------------------------------------------------------------------------
// The pipeline's jobs

interface StageAction {
    name: string;
    category: string;
    provider: string;
    inputArtifacts?: string[];
    outputArtifacts?: string[];
    configuration: Record<string, string>;
}
interface Pipeline {
    resource: PlannedResource;
    name: string;
    actions: StageAction[];
    bucket: string;
    keyArn: string;
}
function pipelineOf(d: Plan): Pipeline {
    // The app pipeline (a delivery stack with a package index also has the tag pipeline, simulated apart).
    const resource = one(d, "aws:codepipeline/pipeline:Pipeline", "pipeline-pipeline");
    const stages = resource.inputs.stages as { actions: StageAction[] }[];
    const store = (resource.inputs.artifactStores as { location: string; encryptionKey: { id: string } }[])[0];
    return { resource, name: physicalName(resource), actions: stages.flatMap((s) => s.actions), bucket: store.location, keyArn: store.encryptionKey.id };
}

/** The CodeBuild project a pipeline action runs, by its physical name. */
function projectNamed(d: Plan, name: string): PlannedResource {
    const found = all(d, "aws:codebuild/project:Project").find((r) => physicalName(r) === name);
    if (!found) throw new Error(`no CodeBuild project ${name} in ${d.stack}`);
    return found;
}

/** An artifact object of the pipeline's store: `<bucket>/<pipeline>/<artifact>/<id>` (how CodePipeline keys them). */
const artifactObject = (p: Pipeline, artifact: string) => `arn:aws:s3:::${p.bucket}/${p.name.slice(0, 20)}/${artifact.slice(0, 20)}/${hex(artifact, 7)}`;

/** The connection's ARN under both service prefixes: each UseConnection is authorized against its own prefix's ARN. */
const connectionAliases = (arn: string) => [arn, arn.includes(":codeconnections:") ? arn.replace(":codeconnections:", ":codestar-connections:") : arn.replace(":codestar-connections:", ":codeconnections:")];

/** What CodePipeline does with its role for source, builds, artifacts and approvals. */
function pipelineCoreRequests(d: Plan, p: Pipeline): Request[] {
    const dv = view(d);
    const out: Request[] = [];
    const key = (why: string, via: string): Request[] =>
        ["kms:Decrypt", "kms:GenerateDataKey"].map((action) => ({ action, resource: p.keyArn, context: { ...region, "kms:ViaService": `${via}.${R}.amazonaws.com` }, why }));
    for (const a of p.actions) {
        const why = `${d.stack} pipeline action ${a.name} (${a.provider})`;
        if (a.provider === "CodeStarSourceConnection") {
            for (const arn of connectionAliases(a.configuration.ConnectionArn)) {
                const service = arn.split(":")[2];
                out.push({ action: `${service}:UseConnection`, resource: arn, context: { ...region, [`${service}:FullRepositoryId`]: a.configuration.FullRepositoryId, [`${service}:BranchName`]: a.configuration.BranchName }, why: `${why}, codepipeline:codestar-source-action` });
            }
        }
        if (a.provider === "CodeBuild") {
            const project = ownArns(projectNamed(d, a.configuration.ProjectName), dv)[0].arn;
            for (const action of ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]) out.push({ action, resource: project, context: owned(dv), why: `${why}, codepipeline:codebuild-action` });
        }
        if (a.provider === "Manual") {
            const topic = ownArns(one(d, "aws:sns/topic:Topic"), dv)[0].arn;
            out.push({ action: "sns:Publish", resource: topic, context: owned(dv), why: `${why}, codepipeline:manual-approval-sns` });
            // The topic is encrypted with the artifact key: a publisher needs GenerateDataKey and Decrypt on it (SNS encryption at rest).
            if (one(d, "aws:sns/topic:Topic").inputs.kmsMasterKeyId) out.push(...key(`${why}: the topic's key`, "sns"));
        }
        // CodePipeline moves every input and output artifact through its store with the pipeline's role.
        for (const artifact of a.inputArtifacts ?? []) {
            for (const action of ["s3:GetObject", "s3:GetObjectVersion"]) out.push({ action, resource: artifactObject(p, artifact), context: owned(dv), why: `${why} reads artifact ${artifact}` });
            out.push(...key(`${why} reads artifact ${artifact}`, "s3"));
        }
        for (const artifact of a.outputArtifacts ?? []) {
            out.push({ action: "s3:PutObject", resource: artifactObject(p, artifact), context: owned(dv), why: `${why} writes artifact ${artifact}` });
            out.push(...key(`${why} writes artifact ${artifact}`, "s3"));
        }
    }
    out.push({ action: "s3:GetBucketVersioning", resource: `arn:aws:s3:::${p.bucket}`, context: owned(dv), why: `${d.stack} pipeline checks its artifact store` });
    return out;
}

/**
 * The ECS standard deploy action against one of `ev`'s services (codepipeline:ecs-deploy-action): the
 * web service (`app`), or a worker's (`worker-<name>`), by its component's name.
 */
function ecsDeployRequests(ev: StackView, component = "app"): Request[] {
    const why = `deploy ${ev.plan.stack}'s ${component} service with the ECS action, codepipeline:ecs-deploy-action`;
    const service = one(ev.plan, "aws:ecs/service:Service", `${component}-service`);
    const cluster = one(ev.plan, "aws:ecs/cluster:Cluster");
    const taskDefinition = one(ev.plan, "aws:ecs/taskDefinition:TaskDefinition", `${component}-task`);
    const family = String(taskDefinition.inputs.family);
    const clusterArn = ownArns(cluster, ev)[0].arn;
    const serviceArn = ownArns(service, ev)[0].arn;
    // The action registers the family's next revision (copying its tags) and points the service at it.
    const revision = `arn:aws:ecs:${R}:${A}:task-definition/${family}:2`;
    const task = `arn:aws:ecs:${R}:${A}:task/${String(cluster.inputs.name)}/${hex(`${ev.plan.stack}/task`, 32)}`;
    const inCluster = { ...owned(ev), "ecs:cluster": clusterArn };
    const newTags = { ...region, [`aws:RequestTag/${STACK_TAG}`]: ev.tag, "aws:TagKeys": [STACK_TAG] };
    return [
        { action: "ecs:DescribeServices", resource: serviceArn, context: inCluster, why },
        { action: "ecs:UpdateService", resource: serviceArn, context: { ...inCluster, "ecs:task-definition": revision }, why },
        { action: "ecs:DescribeTaskDefinition", resource: "*", context: region, why },
        { action: "ecs:RegisterTaskDefinition", resource: revision, context: newTags, why },
        { action: "ecs:TagResource", resource: revision, context: { ...newTags, "ecs:CreateAction": "RegisterTaskDefinition" }, why },
        { action: "ecs:ListTasks", resource: "*", context: { ...region, "ecs:cluster": clusterArn }, why },
        { action: "ecs:DescribeTasks", resource: task, context: inCluster, why },
        ...[taskDefinition.inputs.executionRoleArn, taskDefinition.inputs.taskRoleArn].map((role) => ({
            action: "iam:PassRole",
            resource: String(role),
            context: { ...owned(ev), "iam:PassedToService": "ecs-tasks.amazonaws.com" },
            why: `${why}: the task definition's roles`,
        })),
    ];
}

/** The environment resource of an EB plan, and whether it runs behind a load balancer. */
function beanstalkEnvironmentOf(ev: StackView): { env: PlannedResource; arn: string; loadBalanced: boolean; settings: Record<string, string> } {
    const env = one(ev.plan, "aws:elasticbeanstalk/environment:Environment");
    const settings = Object.fromEntries((env.inputs.settings as { namespace: string; name: string; value: string }[]).map((s) => [`${s.namespace}:${s.name}`, s.value]));
    return { env, arn: ownArns(env, ev)[0].arn, loadBalanced: settings["aws:elasticbeanstalk:environment:EnvironmentType"] === "LoadBalanced", settings };
}
const storageBucket = `arn:aws:s3:::elasticbeanstalk-${R}-${A}`;
/** The app's one EB application (the delivery stack's). */
const applicationOf = (ev: StackView) => `arn:aws:elasticbeanstalk:${R}:${A}:application/${ev.app}`;
/** A version the pipeline's deploy action creates (a label of CodePipeline's own under the app). */
const pipelineVersionLabel = (ev: StackView) => `code-pipeline-${hex(`${ev.plan.stack}/version`, 12)}`;

/**
 * What a deployment does: of EB_OPERATIONS.creates, the ones a deployment makes. Immutable deploys
 * launch a temporary Auto Scaling group "outside of your environment" (EB Developer Guide,
 * "Configuration changes"; "Immutable environment updates") with its launch template and instances;
 * a deployment never allocates the environment's address or makes its security group (its stack has them).
 */
const DEPLOY_CREATES = ["cloudformation:CreateStack", "autoscaling:CreateAutoScalingGroup", "autoscaling:CreateOrUpdateTags", "ec2:RunInstances", "ec2:CreateLaunchTemplate"];

/** The Elastic Beanstalk deploy action against `ev`'s environment, with the pipeline role's credentials. */
function beanstalkDeployRequests(ev: StackView): Request[] {
    const why = `deploy ${ev.plan.stack} with the ElasticBeanstalk action, codepipeline:beanstalk-deploy-action`;
    const { arn: envArn, loadBalanced } = beanstalkEnvironmentOf(ev);
    const label = pipelineVersionLabel(ev);
    const version = `arn:aws:elasticbeanstalk:${R}:${A}:applicationversion/${ev.app}/${label}`;
    const application = applicationOf(ev);
    const bundle = `${storageBucket}/${ev.app}/${label}.zip`;
    const instanceRole = ownArns(one(ev.plan, "aws:iam/role:Role", "app-instance"), ev)[0].arn;
    const group = ebArn("autoscaling/autoScalingGroup", ev, "autoscaling/autoScalingGroup");
    const out: Request[] = [
        // The action uploads the input artifact as the version's source bundle to EB's storage bucket.
        { action: "elasticbeanstalk:CreateStorageLocation", resource: "*", context: region, why },
        ...["s3:CreateBucket", "s3:GetBucketLocation", "s3:ListBucket"].map((action) => ({ action, resource: storageBucket, context: region, why: `${why}: EB's storage bucket` })),
        ...["s3:PutObject", "s3:GetObject"].map((action) => ({ action, resource: bundle, context: region, why: `${why}: the source bundle` })),
        { action: "elasticbeanstalk:CreateApplicationVersion", resource: version, context: region, why },
        { action: "elasticbeanstalk:CreateApplicationVersion", resource: application, context: region, why },
        { action: "elasticbeanstalk:DescribeApplicationVersions", resource: version, context: region, why },
        { action: "elasticbeanstalk:DescribeApplications", resource: application, context: region, why },
        ...["elasticbeanstalk:UpdateEnvironment", "elasticbeanstalk:DescribeEnvironments", "elasticbeanstalk:DescribeEvents"].map((action) => ({
            action,
            resource: envArn,
            context: { ...owned(ev), ...(action === "elasticbeanstalk:UpdateEnvironment" ? { "elasticbeanstalk:FromApplicationVersion": version } : {}) },
            why,
        })),
        // EB then changes the environment's CloudFormation stack with the same credentials.
        ...beanstalkOperationRequests(ev, { creates: DEPLOY_CREATES, why: "a deployment" }),
        // Immutable deploys move the new instances into the environment's group, and drop the temporary group's.
        ...["autoscaling:AttachInstances", "autoscaling:DetachInstances"].map((action) => ({ action, resource: group, context: owned(ev), why: `${why}: immutable promotion` })),
        // New instances launch with the environment's instance profile.
        { action: "iam:PassRole", resource: instanceRole, context: { ...owned(ev), "iam:PassedToService": "ec2.amazonaws.com" }, why: `${why}: the instance profile's role` },
    ];
    if (loadBalanced) {
        const targets = ebArn("elasticloadbalancing/targetgroup", ev, "elasticloadbalancing/targetgroup");
        for (const action of ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"]) out.push({ action, resource: targets, context: owned(ev), why: `${why}: batches leave and rejoin the load balancer` });
    }
    // A TrafficSplitting environment's load balancer calls come with beanstalkOperationRequests above (tools/check/iam-requests.ts beanstalkTrafficSplitRequests).
    return out;
}

interface PipelineJob {
    principal: Principal;
    core: Request[];
    deploys: Request[];
    targets: StackView[];
}
async function pipelineJob(delivery: string, set?: typeof MIXED): Promise<PipelineJob> {
    const d = await plan(delivery, undefined, undefined, set);
    const p = pipelineOf(d);
    const stacks = set ? (JSON.parse(set["slipway:pipelineStacks"]) as string[]) : PIPELINES[delivery];
    const targets = await Promise.all(stacks.map(async (s) => view(await plan(s))));
    const deploys: Request[] = [];
    for (const a of p.actions.filter((x) => x.provider === "ECS" || x.provider === "ElasticBeanstalk")) {
        const serviceOf = (t: StackView) => t.plan.resources.find((r) => r.type === "aws:ecs/service:Service" && r.inputs.name === a.configuration.ServiceName);
        const target =
            a.provider === "ECS"
                ? targets.find((t) => serviceOf(t))
                : targets.find((t) => t.plan.resources.some((r) => r.type === "aws:elasticbeanstalk/environment:Environment" && r.inputs.name === a.configuration.EnvironmentName));
        if (!target) throw new Error(`${delivery}: deploy action ${JSON.stringify(a.configuration)} names nothing its target stacks declare`);
        deploys.push(...(a.provider === "ECS" ? ecsDeployRequests(target, serviceOf(target)?.name.replace(/-service$/, "")) : beanstalkDeployRequests(target)));
    }
    // One deploy action per service: each target's web service (or Beanstalk environment) and each of its workers.
    const services = targets.reduce((n, t) => n + Math.max(1, t.plan.resources.filter((r) => r.type === "aws:ecs/service:Service").length), 0);
    assert.equal(p.actions.filter((a) => a.category === "Deploy").length, services, "one deploy action per service");
    return { principal: await deliveryRole(delivery, "pipeline-role", set), core: pipelineCoreRequests(d, p), deploys, targets };
}

const PIPELINE_NEEDS = ["codepipeline:codestar-source-action", "codepipeline:codebuild-action", "codepipeline:manual-approval-sns"];
const PIPELINE_EXCUSED: Record<string, Record<string, string>> = {
    beanstalk: {
        "ecs:*": "EB's Docker platform on Amazon Linux 2023 runs Compose on its instances: no ECS resource in the environment's stack",
        "rds:*": "no database is part of slipway's Beanstalk environments",
        "sns:*": "no EB notification topic is configured (no Notification Endpoint); the approval topic is simulated apart",
        "sqs:*": "web-server tier only: no worker queue",
    },
};

const PIPELINE_CASES: { name: string; delivery: string; set?: typeof MIXED; needs: string[] }[] = [
    { name: "delivery", delivery: "delivery", needs: ["codepipeline:ecs-deploy-action"] },
    { name: "beanstalk-delivery", delivery: "beanstalk-delivery", needs: ["codepipeline:beanstalk-deploy-action"] },
    // Release phases: a Release action (CodeBuild) before each ECS deploy.
    { name: "apps-delivery", delivery: "apps-delivery", needs: ["codepipeline:ecs-deploy-action"] },
    { name: "mixed (Beanstalk staging, ECS production)", delivery: "delivery", set: MIXED, needs: ["codepipeline:ecs-deploy-action", "codepipeline:beanstalk-deploy-action"] },
];
for (const c of PIPELINE_CASES) {
    test(`the ${c.name} pipeline role can run every action of its pipeline, as AWS documents them`, async (t) => {
        const job = await pipelineJob(c.delivery, c.set);
        const requests = [...job.core, ...job.deploys];
        t.diagnostic(`${requests.length} requests (${job.core.length} source/build/artifact/approval, ${job.deploys.length} deploy)`);
        assert.ok(requests.length > (c.needs.includes("codepipeline:beanstalk-deploy-action") ? 100 : 40), `only ${requests.length} requests simulated`);
        assert.deepEqual(await denials(job.principal, requests), []);
        const beanstalkTargets = job.targets.filter((x) => x.plan.resources.some((r) => r.type === "aws:elasticbeanstalk/environment:Environment"));
        const excused = {
            ...(beanstalkTargets.length ? PIPELINE_EXCUSED.beanstalk : {}),
            ...(beanstalkTargets.some((x) => beanstalkEnvironmentOf(x).loadBalanced) ? {} : { "elasticloadbalancing:*": "no Beanstalk target runs behind a load balancer" }),
        };
        assert.deepEqual(uncovered([...PIPELINE_NEEDS, ...c.needs], requests, excused), []);
        // The excuses hold: web-server tier, no database, no EB notifications.
        for (const ev of beanstalkTargets) {
            const { env, settings } = beanstalkEnvironmentOf(ev);
            assert.equal(env.inputs.tier, "WebServer");
            assert.ok(!Object.keys(settings).some((k) => /^aws:rds:|Notification Endpoint$/.test(k)), `${ev.plan.stack}: a database or notification setting appeared`);
        }
    });
}

/** Stacks and apps a pipeline must not reach: `[stack, planned as, app]`. */
const PIPELINE_VICTIMS: Record<string, [string, string?, string?][]> = {
    delivery: [["staging", "review-pr-7"], ["beanstalk-staging"], ["staging", undefined, "other"]],
    // Workers: another stack's (a review stack of the same file) and another app's worker services and families.
    "apps-delivery": [["apps-staging", "review-pr-9"], ["apps-production", undefined, "other"]],
    "beanstalk-delivery": [["beanstalk-staging", "review-pr-8"], ["staging"], ["beanstalk-staging", undefined, "other"], ["beanstalk-production", undefined, "other"]],
};
/**
 * The one write into EB's storage bucket that reaches beyond the pipeline's own stacks: CodePipeline's
 * Elastic Beanstalk action uploads the bundle there with the pipeline role, under a key of its own
 * choosing (AWS documents no layout), so the role may write any key of it (docs/credentials.md).
 */
const pipelineUpload = (r: Request) => /^s3:PutObject(Acl)?$/.test(r.action) && r.resource.startsWith(`${storageBucket}/`);
/**
 * TrafficSplitting's reach, which its stack accepts with the beanstalk-listener-reach waiver: EB's listeners and
 * rules cannot be tagged (CloudFormation) and EB names the load balancer, so re-weighting reaches every EB-made
 * ALB's listeners and rules. Only for a pipeline with such a target; the test after the loop measures it.
 */
const listenerReach = (r: Request) => /^elasticloadbalancing:Modify(Listener|Rule)$/.test(r.action) && /:listener(-rule)?\/app\/awseb-/.test(r.resource);
const SPLITTING_PIPELINES = new Set(["beanstalk-delivery"]);

for (const [delivery, victims] of Object.entries(PIPELINE_VICTIMS)) {
    for (const [stack, as, app] of victims) {
        const name = `${app ? `${app}'s ` : ""}${as ?? stack}`;
        test(`the ${delivery} pipeline role cannot deploy to, change or read the secrets of ${name}`, async (t) => {
            const job = await pipelineJob(delivery);
            const victim = view(await plan(stack, as, app), app);
            const isBeanstalk = victim.plan.resources.some((r) => r.type === "aws:elasticbeanstalk/environment:Environment");
            // An ECS victim's every service: the web's and each worker's (another stack's workers are never the pipeline's to deploy).
            const ecsComponents = ["app", ...all(victim.plan, "aws:ecs/service:Service").filter((r) => r.name.startsWith("worker-")).map((r) => r.name.replace(/-service$/, ""))];
            const deploys = isBeanstalk ? beanstalkDeployRequests(victim) : ecsComponents.flatMap((c) => ecsDeployRequests(victim, c));
            const requests = [...deploys, ...(await attackRequests(victim, `shop/${delivery}`))].filter((r) => !pipelineUpload(r) && !(SPLITTING_PIPELINES.has(delivery) && listenerReach(r)));
            assert.ok(requests.length > 50, `only ${requests.length} requests`);
            t.diagnostic(`${requests.length} requests, ${requests.filter((r) => !SHARED.some((x) => x.test(r, victim))).length} of them must be denied`);
            assert.deepEqual(await breaches(job.principal, requests, victim), []);
        });
    }
}

test("TrafficSplitting's waived reach is exactly re-weighting EB-made listeners and rules, and only a pipeline with such a target has it", async () => {
    const victim = view(await plan("beanstalk-production", undefined, "other"), "other");
    const split = beanstalkDeployRequests(victim).filter(listenerReach);
    assert.deepEqual(split.map((r) => r.action).sort(), ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"]);
    // The beanstalk pipeline (a TrafficSplitting production) reaches another app's EB listener: the waived reach.
    const splitting = await pipelineJob("beanstalk-delivery");
    assert.deepEqual((await breaches(splitting.principal, split, victim)).length, 2);
    // Without a TrafficSplitting target, the same pipeline shape has no such right.
    const immutable = await pipelineJob("delivery");
    assert.deepEqual(await breaches(immutable.principal, split, victim), []);
    // And nothing else of the reach: other load balancer calls on that listener stay denied.
    const other = split.map((r) => ({ ...r, action: "elasticloadbalancing:DeleteListener" }));
    assert.deepEqual(await breaches(splitting.principal, other, victim), []);
});

test("a pipeline role without a worker's service and family is caught: the stage could not move the worker", async () => {
    const job = await pipelineJob("apps-delivery");
    const mailer = /-mailer$|_mailer:\*$/;
    const weakened: Principal = {
        ...job.principal,
        policies: job.principal.policies.map((p) => ({
            ...p,
            doc: { ...p.doc, Statement: p.doc.Statement.map((s) => { const r = (s as { Resource?: unknown }).Resource; return Array.isArray(r) ? { ...(s as object), Resource: r.filter((x) => !mailer.test(String(x))) } : s; }) },
        })),
    };
    const found = await denials(weakened, job.deploys);
    const staging = "arn:aws:ecs:us-east-1:123456789012";
    for (const expected of [
        `ecs:UpdateService on ${staging}:service/shop-apps-staging/shop-apps-staging-mailer is ImplicitlyDenied`,
        `ecs:RegisterTaskDefinition on ${staging}:task-definition/shop-apps-staging_mailer:2 is ImplicitlyDenied`,
        `ecs:UpdateService on ${staging}:service/shop-apps-production/shop-apps-production-mailer is ImplicitlyDenied`,
    ]) assert.ok(found.some((d) => d.includes(expected)), `${expected}\n${found.join("\n")}`);
    // The web services' own deploys are untouched.
    assert.ok(!found.some((d) => d.includes("service/shop-apps-staging/shop-apps-staging is")), found.join("\n"));
});

test("a pipeline role that lost a statement is caught, naming the role, the action and the resource", async () => {
    const job = await pipelineJob("delivery");
    const weakened: Principal = {
        ...job.principal,
        policies: job.principal.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => (s as { Sid?: string }).Sid !== "DeployEcsServices") } })),
    };
    const found = await denials(weakened, job.deploys);
    assert.ok(
        found.some((d) => d === "delivery/pipeline-role: ecs:UpdateService on arn:aws:ecs:us-east-1:123456789012:service/shop-production/shop-production is ImplicitlyDenied (deploy production's app service with the ECS action, codepipeline:ecs-deploy-action)"),
        found.join("\n"),
    );
    // The same for a Beanstalk target: without its stacks' statement, EB cannot update the environment's stack.
    const eb = await pipelineJob("beanstalk-delivery");
    const withoutStacks: Principal = {
        ...eb.principal,
        policies: eb.principal.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => (s as { Sid?: string }).Sid !== "BeanstalkEnvironmentStacks") } })),
    };
    const lost = await denials(withoutStacks, eb.deploys);
    // And for a TrafficSplitting target (the beanstalk-production fixture): without the split statements EB cannot re-weight its listener.
    const withoutSplit: Principal = {
        ...eb.principal,
        policies: eb.principal.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => !/^BeanstalkSplit/.test((s as { Sid?: string }).Sid ?? "")) } })),
    };
    const unsplit = await denials(withoutSplit, eb.deploys);
    assert.ok(unsplit.some((d) => /^beanstalk-delivery\/pipeline-role: elasticloadbalancing:ModifyListener on arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\/awseb-[\w-]+\/\w+\/\w+ is ImplicitlyDenied \(.*traffic splitting\)$/.test(d)), unsplit.join("\n"));
    assert.ok(unsplit.some((d) => /elasticloadbalancing:CreateTargetGroup .* is ImplicitlyDenied/.test(d)), unsplit.join("\n"));
    assert.ok(lost.some((d) => /^beanstalk-delivery\/pipeline-role: cloudformation:UpdateStack on arn:aws:cloudformation:us-east-1:123456789012:stack\/awseb-e-\w+-stack\/[\w-]+ is ImplicitlyDenied \(beanstalk-production Elastic Beanstalk's own stack for app-environment \(a deployment\)\)$/.test(d)), lost.join("\n"));
});

test("the pipeline role's inline policy stays within IAM's 10,240 characters on either platform and both at once", async (t) => {
    const mixed = await plan("delivery", undefined, undefined, MIXED);
    const beanstalkOnly = await plan("beanstalk-delivery");
    for (const [name, d] of [["delivery", await plan("delivery")], ["beanstalk-delivery", beanstalkOnly], ["mixed", mixed]] as [string, Plan][]) {
        const role = physicalName(one(d, "aws:iam/role:Role", "pipeline-role"));
        const size = all(d, "aws:iam/rolePolicy:RolePolicy").filter((r) => r.inputs.role === role).reduce((n, r) => n + iamPolicySize(String(r.inputs.policy)), 0);
        t.diagnostic(`${name}: ${size} characters`);
        assert.ok(size <= 10240, `${name}: ${size} characters`);
    }
});

// ---------------------------------------------------------------------------------------------------
// CodeBuild: the image build and the smoke test

interface Variable {
    name: string;
    value: string;
    type: string;
}
/** The CodeBuild project of a BuildProject component, the pipeline actions that run it, and their variables. */
function buildJob(d: Plan, component: "build" | "smoke-test") {
    const project = one(d, "aws:codebuild/project:Project", `${component}-project`);
    const p = pipelineOf(d);
    const actions = p.actions.filter((a) => a.provider === "CodeBuild" && a.configuration.ProjectName === physicalName(project));
    const env = project.inputs.environment as { environmentVariables?: Variable[] };
    const variables = [...(env.environmentVariables ?? []), ...actions.flatMap((a) => JSON.parse(a.configuration.EnvironmentVariables ?? "[]") as Variable[])];
    const logGroup = String((project.inputs.logsConfig as { cloudwatchLogs: { groupName: string } }).cloudwatchLogs.groupName);
    return { project, actions, variables, logGroup, pipeline: p };
}

/** What CodeBuild does with a project's role for every build (codebuild:service-role-basics), and its variables. */
function codebuildBasics(d: Plan, component: "build" | "smoke-test"): Request[] {
    const dv = view(d);
    const { actions, variables, logGroup, pipeline } = buildJob(d, component);
    const why = `${d.stack} ${component} build, codebuild:service-role-basics`;
    const group = `arn:aws:logs:${R}:${A}:log-group:${logGroup}`;
    const stream = `${group}:log-stream:${hex(`${component}/build`, 8)}-0000-4000-8000-000000000000`;
    const out: Request[] = [
        { action: "logs:CreateLogGroup", resource: group, context: owned(dv), why },
        { action: "logs:CreateLogStream", resource: stream, context: owned(dv), why },
        { action: "logs:PutLogEvents", resource: stream, context: owned(dv), why },
        ...["s3:GetBucketAcl", "s3:GetBucketLocation"].map((action) => ({ action, resource: `arn:aws:s3:::${pipeline.bucket}`, context: owned(dv), why })),
    ];
    for (const a of actions) {
        for (const artifact of a.inputArtifacts ?? []) {
            for (const action of ["s3:GetObject", "s3:GetObjectVersion"]) out.push({ action, resource: artifactObject(pipeline, artifact), context: owned(dv), why: `${why}: input ${artifact}` });
        }
        for (const artifact of a.outputArtifacts ?? []) out.push({ action: "s3:PutObject", resource: artifactObject(pipeline, artifact), context: owned(dv), why: `${why}: output ${artifact}` });
    }
    for (const action of ["kms:Decrypt", "kms:GenerateDataKey"]) out.push({ action, resource: pipeline.keyArn, context: { ...region, "kms:ViaService": `s3.${R}.amazonaws.com` }, why: `${why}: the artifact key` });
    // PARAMETER_STORE and SECRETS_MANAGER variables are resolved with the project's role when a build starts.
    for (const v of variables.filter((x) => x.type === "PARAMETER_STORE")) {
        const parameter = `arn:aws:ssm:${R}:${A}:parameter${v.value}`;
        out.push({ action: "ssm:GetParameters", resource: parameter, context: region, why: `${d.stack} ${component} variable ${v.name}, codebuild:parameter-store-env` });
    }
    for (const v of variables.filter((x) => x.type === "SECRETS_MANAGER")) {
        out.push({ action: "secretsmanager:GetSecretValue", resource: v.value, context: region, why: `${d.stack} ${component} variable ${v.name}, codebuild:secrets-manager-env` });
    }
    return out;
}

/** The app's registry (the delivery stack's `registry`; workers' own images have repositories of their own). */
const registryOf = (d: Plan) => ({ arn: ownArns(one(d, "aws:ecr/repository:Repository", "registry-repository"), view(d))[0].arn, context: owned(view(d)) });

function imageBuildRequests(d: Plan): Request[] {
    const registry = registryOf(d);
    const why = `${d.stack} image build: login, cache pull, describe, push; codebuild:docker-ecr-push`;
    return [
        ...codebuildBasics(d, "build"),
        { action: "ecr:GetAuthorizationToken", resource: "*", context: region, why },
        ...[
            "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:DescribeImages",
            "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
        ].map((action) => ({ action, resource: registry.arn, context: registry.context, why })),
    ];
}

/** Every call smokeTestScript (infra/delivery/build.ts) makes, for every target of the pipeline. */
async function smokeTestRequests(delivery: string): Promise<Request[]> {
    const d = await plan(delivery);
    const registry = registryOf(d);
    const out: Request[] = [...codebuildBasics(d, "smoke-test")];
    const { actions } = buildJob(d, "smoke-test");
    for (const a of actions) {
        const vars = Object.fromEntries((JSON.parse(a.configuration.EnvironmentVariables) as Variable[]).map((v) => [v.name, v.value]));
        const why = `${delivery} smoke test of ${vars.STACK}`;
        assert.equal(`${A}.dkr.ecr.${R}.amazonaws.com/${registry.arn.split("/").pop()}`, vars.REPOSITORY_URL, "the smoke test is told the registry the delivery stack declares");
        out.push(
            ...["ecr:BatchGetImage", "ecr:PutImage"].map((action) => ({ action, resource: registry.arn, context: registry.context, why: `${why}: retag as ${vars.VERIFIED_TAG_PREFIX}<sha>` })),
            // Workers' own images (IMAGE_REPOSITORIES): each must be a repository the delivery stack declares, retagged the same way.
            ...(vars.IMAGE_REPOSITORIES ?? "").split(" ").filter(Boolean).flatMap((name) => {
                const repository = all(d, "aws:ecr/repository:Repository").find((r) => r.inputs.name === name);
                assert.ok(repository, `${why}: image repository ${name} is not declared by ${delivery}`);
                return ["ecr:BatchGetImage", "ecr:PutImage"].map((action) => ({ action, resource: ownArns(repository, view(d))[0].arn, context: owned(view(d)), why: `${why}: retag ${name} as ${vars.VERIFIED_TAG_PREFIX}<sha>` }));
            }),
            { action: "ssm:PutParameter", resource: `arn:aws:ssm:${R}:${A}:parameter${vars.IMAGE_TAG_PARAMETER}`, context: { ...owned(view(d)), "ssm:Overwrite": "true" }, why: `${why}: record the verified sha` },
        );
        const target = view(await plan(vars.STACK));
        if (vars.PLATFORM === "ecs") {
            const cluster = one(target.plan, "aws:ecs/cluster:Cluster");
            const clusterArn = ownArns(cluster, target)[0].arn;
            assert.equal(vars.CLUSTER_NAME, cluster.inputs.name);
            const inCluster = { ...owned(target), "ecs:cluster": clusterArn };
            out.push(
                { action: "ecs:DescribeServices", resource: ownArns(one(target.plan, "aws:ecs/service:Service", "app-service"), target)[0].arn, context: inCluster, why },
                // Each worker the smoke test is told of must be one the stack declares, and readable.
                ...(vars.WORKER_SERVICE_NAMES ?? "").split(" ").filter(Boolean).map((name) => {
                    const worker = all(target.plan, "aws:ecs/service:Service").find((r) => r.inputs.name === name);
                    assert.ok(worker, `${why}: worker service ${name} is not declared by ${vars.STACK}`);
                    return { action: "ecs:DescribeServices", resource: ownArns(worker, target)[0].arn, context: inCluster, why: `${why}: worker ${name}` };
                }),
                { action: "ecs:DescribeTaskDefinition", resource: "*", context: region, why },
                { action: "ecs:ListTasks", resource: "*", context: { ...region, "ecs:cluster": clusterArn }, why },
                { action: "ecs:DescribeTasks", resource: `arn:aws:ecs:${R}:${A}:task/${vars.CLUSTER_NAME}/${hex(`${vars.STACK}/task`, 32)}`, context: inCluster, why },
            );
        } else {
            const { arn, env } = beanstalkEnvironmentOf(target);
            assert.equal(vars.EB_ENVIRONMENT, env.inputs.name);
            const label = pipelineVersionLabel(target);
            out.push(
                { action: "elasticbeanstalk:DescribeEnvironments", resource: arn, context: owned(target), why },
                { action: "elasticbeanstalk:DescribeApplicationVersions", resource: `arn:aws:elasticbeanstalk:${R}:${A}:applicationversion/${vars.EB_APPLICATION}/${label}`, context: region, why },
                { action: "s3:GetObject", resource: `${storageBucket}/${vars.EB_APPLICATION}/${label}.zip`, context: region, why: `${why}: the running version's bundle` },
            );
        }
    }
    return out;
}

/** Documented CodeBuild needs a project does not have, by role. */
const CODEBUILD_EXCUSED: Record<"build" | "smoke-test", Record<string, string>> = {
    build: {
        "secretsmanager:GetSecretValue": "the build project has no SECRETS_MANAGER variables (checked: none are simulated)",
        "ssm:GetParameters": "the build project has no PARAMETER_STORE variables (checked: none are simulated)",
    },
    "smoke-test": {
        // codebuild:service-role-basics pulls a custom build image from ECR; both projects run CodeBuild's curated image.
        "ecr:BatchCheckLayerAvailability": "the project runs CodeBuild's own image (imagePullCredentialsType CODEBUILD); the script reads manifests only",
        "ecr:GetDownloadUrlForLayer": "the project runs CodeBuild's own image; the script pulls no layers",
        "ecr:GetAuthorizationToken": "the script calls the ECR API (batch-get-image, put-image), never docker login",
        "s3:PutObject": "the smoke-test action has no output artifact",
        "secretsmanager:GetSecretValue": "the smoke-test project has no SECRETS_MANAGER variables",
    },
};

test("the build role can log, move artifacts, log in to ECR and push the app's image", async (t) => {
    const d = await plan("delivery");
    const requests = imageBuildRequests(d);
    t.diagnostic(`${requests.length} requests`);
    assert.deepEqual(await denials(await deliveryRole("delivery", "build-role"), requests), []);
    assert.deepEqual(uncovered(["codebuild:service-role-basics", "codebuild:docker-ecr-push", "codebuild:parameter-store-env", "codebuild:secrets-manager-env"], requests, CODEBUILD_EXCUSED.build), []);
    assert.ok(!buildJob(d, "build").variables.some((v) => v.type !== "PLAINTEXT"), "a secret or parameter variable was added: simulate it");
});

for (const delivery of Object.keys(PIPELINES)) {
    test(`the ${delivery} smoke-test role can make every call its script makes, on every target`, async (t) => {
        const requests = await smokeTestRequests(delivery);
        t.diagnostic(`${requests.length} requests`);
        // The excuses hold: CodeBuild's own image, no output artifact, no secret variables.
        const job = buildJob(await plan(delivery), "smoke-test");
        const env = job.project.inputs.environment as { image: string; imagePullCredentialsType: string };
        assert.ok(env.image.startsWith("aws/codebuild/") && env.imagePullCredentialsType === "CODEBUILD", env.image);
        assert.ok(job.actions.every((a) => !a.outputArtifacts?.length) && !job.variables.some((v) => v.type === "SECRETS_MANAGER"));
        assert.ok(requests.length > 20, `only ${requests.length} requests`);
        assert.deepEqual(await denials(await deliveryRole(delivery, "smoke-test-role"), requests), []);
        assert.deepEqual(uncovered(["codebuild:service-role-basics", "codebuild:parameter-store-env", "codebuild:secrets-manager-env"], requests, CODEBUILD_EXCUSED["smoke-test"]), []);
    });
}

test("the CodeBuild roles cannot push to another app's registry, record another stack's image or read another stack's URLs", async () => {
    const build = await deliveryRole("delivery", "build-role");
    const smoke = await deliveryRole("delivery", "smoke-test-role");
    const other = (service: string, resource: string) => `arn:aws:${service}:${R}:${A}:${resource}`;
    const attempts: [Principal, Request][] = [
        [build, { action: "ecr:PutImage", resource: other("ecr", "repository/other"), context: region, why: "another app's registry" }],
        [build, { action: "ecr:InitiateLayerUpload", resource: other("ecr", "repository/other"), context: region, why: "another app's registry" }],
        [build, { action: "s3:PutObject", resource: "arn:aws:s3:::shop-staging-bundles/x.zip", context: region, why: "a bucket outside the artifact store" }],
        [build, { action: "logs:PutLogEvents", resource: other("logs", "log-group:/slipway/shop/staging/app:log-stream:x"), context: region, why: "an environment's log group" }],
        [smoke, { action: "ssm:PutParameter", resource: other("ssm", "parameter/slipway/shop/review-pr-7/image-tag"), context: region, why: "a review stack's verified tag" }],
        [smoke, { action: "ssm:PutParameter", resource: other("ssm", "parameter/slipway/other/staging/image-tag"), context: region, why: "another app's verified tag" }],
        [smoke, { action: "ssm:GetParameters", resource: other("ssm", "parameter/slipway/shop/review-pr-7/health-url"), context: region, why: "a review stack's health URL" }],
        [smoke, { action: "ecr:PutImage", resource: other("ecr", "repository/other"), context: region, why: "another app's registry" }],
        [smoke, { action: "ecs:DescribeServices", resource: other("ecs", "service/shop-review-pr-7/shop-review-pr-7"), context: region, why: "a review stack's service" }],
    ];
    const allowed = await Promise.all(attempts.map(([p, r]) => allowedOf(p, [r])));
    assert.deepEqual(allowed.flat(), []);
});

// ---------------------------------------------------------------------------------------------------
// Workloads: the ECS task execution role and the Beanstalk instance role

/** Requests against a resource of the delivery stack (the registry, the EB application), which its boundary is asked to let through. */
const ofDelivery = (r: Request) => String(r.context[`aws:ResourceTag/${STACK_TAG}`] ?? "").match(/^shop\/(beanstalk-)?delivery$/) !== null;

/** ECR pull of `image` (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`) from the delivery stack's registry. */
function pullRequests(image: string, delivery: string, why: string): Request[] {
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(image);
    if (!m) throw new Error(`${why}: ${image} is not an ECR image`);
    const repository = `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}`;
    const tagged = { ...region, ...tagContext(`shop/${delivery}`, true, false) };
    return [
        { action: "ecr:GetAuthorizationToken", resource: "*", context: region, why },
        ...["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"].map((action) => ({ action, resource: repository, context: tagged, why })),
    ];
}

interface ContainerDefinition {
    image: string;
    secrets?: { valueFrom: string }[];
    logConfiguration?: { options: Record<string, string> };
}

/** What the ECS agent does with the execution role when a task of `ev` starts and runs (ecs:task-execution-role, -secrets). */
function taskExecutionRequests(ev: StackView, delivery: string): Request[] {
    const task = one(ev.plan, "aws:ecs/taskDefinition:TaskDefinition");
    const out: Request[] = [];
    for (const c of JSON.parse(String(task.inputs.containerDefinitions)) as ContainerDefinition[]) {
        const why = `${ev.plan.stack} task start, ecs:task-execution-role`;
        out.push(...pullRequests(c.image, delivery, `${why}: pull ${c.image}`));
        const group = c.logConfiguration?.options["awslogs-group"];
        if (group) {
            assert.ok(all(ev.plan, "aws:cloudwatch/logGroup:LogGroup").some((r) => r.inputs.name === group), `${group} is declared by ${ev.plan.stack}`);
            const stream = `arn:aws:logs:${R}:${A}:log-group:${group}:log-stream:${c.logConfiguration?.options["awslogs-stream-prefix"]}/app/${hex(ev.plan.stack, 32)}`;
            for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) out.push({ action, resource: stream, context: owned(ev), why: `${why}: awslogs` });
        }
        // valueFrom is `<secret ARN>:<json key>::`; the secret is the stack's own.
        for (const s of c.secrets ?? []) {
            const secret = s.valueFrom.split(":").slice(0, 7).join(":");
            out.push({ action: "secretsmanager:GetSecretValue", resource: secret, context: owned(ev), why: `${ev.plan.stack} task start, ecs:task-execution-secrets` });
        }
    }
    return out;
}

const EXECUTION_CASES: { stack: string; as?: string }[] = [{ stack: "staging" }, { stack: "production" }, { stack: "staging", as: "review-pr-7" }];
const EXECUTION_EXCUSED: Record<string, string> = {
    "kms:Decrypt": "the app secret is encrypted with Secrets Manager's AWS managed key (no kmsKeyId), which needs no grant",
    "ssm:GetParameters": "no container reads a Parameter Store parameter",
};

for (const c of EXECUTION_CASES) {
    const stack = c.as ?? c.stack;
    test(`${stack}'s ECS execution role can pull its image, write its logs and read its own secret, under its boundary`, async (t) => {
        const ev = view(await plan(c.stack, c.as));
        const requests = taskExecutionRequests(ev, "delivery");
        t.diagnostic(`${requests.length} requests`);
        // The excuses hold: the secret has no customer managed key, no container reads Parameter Store.
        assert.ok(all(ev.plan, "aws:secretsmanager/secret:Secret").every((x) => x.inputs.kmsKeyId === undefined));
        assert.ok(!String(one(ev.plan, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions).includes(":ssm:"));
        const role = await environmentRole(c.stack, "app-execution", "delivery", c.as);
        assert.ok(role.boundary, "the role carries its stack's boundary");
        assert.ok(requests.filter((r) => r.action === "secretsmanager:GetSecretValue").length >= 1);
        assert.deepEqual(await denials(role, requests.filter((r) => !ofDelivery(r))), []);
        // The delivery stack's registry: granted by the runtime policy (its boundary: see the to-do below).
        assert.deepEqual(await denials(withoutBoundary(role), requests.filter(ofDelivery)), []);
        assert.deepEqual(uncovered(["ecs:task-execution-role", "ecs:task-execution-secrets"], requests, EXECUTION_EXCUSED), []);
    });
}

// To do: the registry is the delivery stack's and carries its tag (shop/delivery); ECR sends
// aws:ResourceTag for repository actions, and every environment role's boundary denies "*" on resources
// tagged for another stack (boundaryStatements, NothingOfOtherStacks), so on AWS no task could pull its
// image. The same holds for the app's EB application (PutInstanceStatistics, below). A fix that passes
// these and every containment test: NothingOfOtherStacks with NotResource [the registry, the EB
// application], plus a Deny of the application's own changes (Delete/UpdateApplication, tag edits); the
// boundary's WorkloadServices already keeps ECR read-only.
for (const c of EXECUTION_CASES) {
    const stack = c.as ?? c.stack;
    test(`${stack}'s ECS execution role can pull from the delivery stack's registry under its boundary`, async () => {
        const ev = view(await plan(c.stack, c.as));
        const role = await environmentRole(c.stack, "app-execution", "delivery", c.as);
        assert.deepEqual(await denials(role, taskExecutionRequests(ev, "delivery").filter(ofDelivery)), []);
    });
}

test("an execution role reads no other stack's or app's secret and writes no other stack's logs", async (t) => {
    const review = await environmentRole("staging", "app-execution", "delivery", "review-pr-7");
    const staging = await environmentRole("staging", "app-execution", "delivery");
    const victims = [view(await plan("staging")), view(await plan("production")), view(await plan("staging", "review-pr-8")), view(await plan("staging", undefined, "other"), "other")];
    for (const [role, own] of [[review, "review-pr-7"], [staging, "staging"]] as [Principal, string][]) {
        for (const vv of victims) {
            if (vv.tag === `shop/${own}`) continue;
            const requests = taskExecutionRequests(vv, "delivery").filter((r) => !r.action.startsWith("ecr:"));
            assert.ok(requests.length >= 3);
            t.diagnostic(`${own} against ${vv.tag}: ${requests.length} requests`);
            assert.deepEqual(await breaches(role, requests, vv), [], `${own} against ${vv.tag}`);
        }
    }
});

/** The Beanstalk instance's own calls: image pull, the app secret (the bundle's hook), bundles, log streaming, enhanced health. */
function instanceRequests(ev: StackView, delivery: string): Request[] {
    const { arn: envArn, env, settings } = beanstalkEnvironmentOf(ev);
    const name = String(env.inputs.name);
    const bundle = one(ev.plan, "aws:s3/bucketObjectv2:BucketObjectv2");
    const compose = String(((bundle.inputs.source as { assets: Record<string, { text: string }> }).assets[COMPOSE_FILE]).text);
    const image = /image:\s*"?([^"\s]+)"?/.exec(compose)?.[1] ?? "";
    const why = `${ev.plan.stack} instance`;
    const instance = `i-${hex(`${ev.plan.stack}/instance`, 17)}`;
    const out: Request[] = [
        ...pullRequests(image, delivery, `${why}: docker compose pulls ${image}, elasticbeanstalk:instance-profile-ecr-pull`),
        { action: "secretsmanager:GetSecretValue", resource: settings[`aws:elasticbeanstalk:application:environment:${SECRET_ARN_PROPERTY}`], context: owned(ev), why: `${why}: the prebuild hook reads the app secret` },
        // The stack's first version's bundle, in its own bundle bucket; the pipeline's, in EB's storage bucket.
        { action: "s3:GetObject", resource: `arn:aws:s3:::${String(bundle.inputs.bucket)}/${String(bundle.inputs.key)}`, context: owned(ev), why: `${why}: downloads its version's bundle` },
        { action: "s3:GetObject", resource: `${storageBucket}/${ev.app}/${pipelineVersionLabel(ev)}.zip`, context: region, why: `${why}: downloads a pipeline version's bundle, elasticbeanstalk:instance-profile-web-tier` },
        { action: "s3:ListBucket", resource: storageBucket, context: region, why: `${why}: EB's storage bucket, elasticbeanstalk:instance-profile-web-tier` },
        { action: "s3:PutObject", resource: `${storageBucket}/resources/environments/logs/tail/${name}/${instance}/tail.zip`, context: region, why: `${why}: uploads requested logs, elasticbeanstalk:instance-profile-web-tier` },
        ...[applicationOf(ev), envArn].map((resource) => ({
            action: "elasticbeanstalk:PutInstanceStatistics",
            resource,
            context: { ...region, ...tagContext(resource === envArn ? ev.tag : `shop/${delivery}`, true, false) },
            why: `${why}: enhanced health reports, elasticbeanstalk:instance-profile-web-tier`,
        })),
    ];
    if (settings["aws:elasticbeanstalk:cloudwatch:logs:StreamLogs"] === "true") {
        for (const file of ["var/log/eb-engine.log", "var/log/eb-docker/containers/eb-current-app/stdouterr.log"]) {
            const group = `arn:aws:logs:${R}:${A}:log-group:/aws/elasticbeanstalk/${name}/${file}`;
            const w = `${why}: streams ${file}, elasticbeanstalk:instance-profile-web-tier`;
            out.push(
                { action: "logs:CreateLogStream", resource: `${group}:log-stream:${instance}`, context: owned(ev), why: w },
                { action: "logs:PutLogEvents", resource: `${group}:log-stream:${instance}`, context: owned(ev), why: w },
                { action: "logs:DescribeLogStreams", resource: group, context: owned(ev), why: w },
            );
        }
        out.push({ action: "logs:DescribeLogGroups", resource: "*", context: region, why: `${why}: log streaming` });
    }
    // slipway:database: at bootstrap EB resolves each environment secret (<secret arn>:<json key>) with the instance profile.
    const clusters = all(ev.plan, "aws:rds/cluster:Cluster");
    for (const s of env.inputs.settings as { namespace: string; name: string; value: string }[]) {
        if (s.namespace !== ENVIRONMENT_SECRETS_NAMESPACE) continue;
        const secret = s.value.replace(/:[A-Za-z0-9_]+$/, "");
        // RDS's own secret carries RDS's tags (its cluster's ARN), not the stack's; the connection secret the stack's.
        const context = secret.includes(":secret:rds!cluster-")
            ? { ...region, "aws:ResourceTag/aws:rds:primaryDBClusterArn": ownArns(clusters[0], ev)[0].arn, "aws:ResourceTag/aws:secretsmanager:owningService": "rds" }
            : owned(ev);
        out.push({ action: "secretsmanager:GetSecretValue", resource: secret, context, why: `${why}: bootstrap resolves ${s.name}, elasticbeanstalk:instance-profile-environment-secrets` });
    }
    // slipway:database.iamAuthentication: the app's container signs its auth token with the instance profile and
    // connects as the user PGUSER_IAM names (any cluster resource id: the grant names the user; test/beanstalk-database-iam.test.ts).
    const iamUser = settings[`aws:elasticbeanstalk:application:environment:${DATABASE_IAM_USER_VARIABLE}`];
    if (iamUser) out.push({ action: "rds-db:connect", resource: `arn:aws:rds-db:${R}:${A}:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0/${iamUser}`, context: region, why: `${why}: the app connects as ${iamUser} (IAM database authentication)` });
    return out;
}

const INSTANCE_EXCUSED: Record<string, string> = {
    "ecr:DescribeRepositories": "docker pull never calls it (AWS offers AmazonEC2ContainerRegistryReadOnly, which has it, as the alternative)",
    "ecr:GetRepositoryPolicy": "docker pull never calls it",
    "ecr:ListImages": "docker pull never calls it",
    "xray:GetSamplingRules": "no X-Ray daemon is enabled on slipway's environments",
    "xray:GetSamplingStatisticSummaries": "no X-Ray daemon",
    "xray:GetSamplingTargets": "no X-Ray daemon",
    "xray:PutTelemetryRecords": "no X-Ray daemon",
    "xray:PutTraceSegments": "no X-Ray daemon",
};

const BEANSTALK_CASES: { stack: string; as?: string; delivery?: string }[] = [
    { stack: "beanstalk-staging" }, { stack: "beanstalk-production" }, { stack: "beanstalk-staging", as: "review-pr-8" },
    // slipway:database on Beanstalk: the instances also resolve the database's environment secrets at bootstrap.
    { stack: "ebdb-staging", delivery: "ebdb-delivery" }, { stack: "ebdb-production", delivery: "ebdb-delivery" },
];
for (const c of BEANSTALK_CASES) {
    const stack = c.as ?? c.stack;
    const delivery = c.delivery ?? "beanstalk-delivery";
    test(`${stack}'s Beanstalk instance role can pull, read its secret and bundles, stream logs and report health, under its boundary`, async (t) => {
        const ev = view(await plan(c.stack, c.as));
        const requests = instanceRequests(ev, delivery);
        t.diagnostic(`${requests.length} requests`);
        assert.ok(!Object.keys(beanstalkEnvironmentOf(ev).settings).some((k) => k.startsWith("aws:elasticbeanstalk:xray:")), "X-Ray was enabled: simulate its calls");
        const role = await environmentRole(c.stack, "app-instance", delivery, c.as);
        assert.ok(role.boundary && role.policies.some((p) => p.name === BEANSTALK_MANAGED_POLICIES.webTier));
        assert.deepEqual(await denials(role, requests.filter((r) => !ofDelivery(r))), []);
        assert.deepEqual(await denials(withoutBoundary(role), requests.filter(ofDelivery)), []);
        // The runtime policy alone grants the image, the secret and the stack's own bundle (the web-tier approximation is broad).
        const runtime = onlyPolicies(withoutBoundary(role), /beanstalk-instance$/);
        assert.deepEqual(await denials(runtime, requests.filter((r) => /^(ecr|secretsmanager):/.test(r.action) || (r.action === "s3:GetObject" && !r.resource.startsWith(storageBucket)))), []);
        const secrets = requests.some((r) => r.why.includes("instance-profile-environment-secrets"));
        assert.equal(secrets, c.delivery === "ebdb-delivery", "environment secrets exactly where there is a database");
        assert.equal(requests.some((r) => r.action === "rds-db:connect"), stack === "ebdb-production", "an IAM database connection exactly where iamAuthentication is on");
        assert.deepEqual(uncovered(["elasticbeanstalk:instance-profile-web-tier", "elasticbeanstalk:instance-profile-ecr-pull", ...(secrets ? ["elasticbeanstalk:instance-profile-environment-secrets"] : [])], requests, INSTANCE_EXCUSED), []);
    });
    // The registry and the EB application are the delivery stack's, tagged so; the boundary denies both (see above).
    test(`${stack}'s Beanstalk instance role can pull from the registry and report to the app's EB application under its boundary`, async () => {
        const ev = view(await plan(c.stack, c.as));
        const role = await environmentRole(c.stack, "app-instance", delivery, c.as);
        assert.deepEqual(await denials(role, instanceRequests(ev, delivery).filter(ofDelivery)), []);
    });
}

test("a Beanstalk instance role reads no other stack's secret or bundles and reports no other environment's health", async (t) => {
    const role = await environmentRole("beanstalk-staging", "app-instance", "beanstalk-delivery", "review-pr-8");
    for (const [stack, as, app] of [["beanstalk-staging"], ["beanstalk-production"], ["beanstalk-staging", "review-pr-9"], ["beanstalk-staging", undefined, "other"]] as [string, string?, string?][]) {
        const ev = view(await plan(stack, as, app), app);
        const requests = instanceRequests(ev, "beanstalk-delivery").filter((r) => !r.action.startsWith("ecr:") && !ofDelivery(r));
        t.diagnostic(`against ${ev.tag}: ${requests.length} requests, ${requests.filter((r) => !SHARED.some((x) => x.test(r, ev))).length} of them must be denied`);
        assert.deepEqual(await breaches(role, requests, ev), [], `against ${ev.tag}`);
    }
});

test("no Beanstalk instance or service role writes another stack's bundles in EB's storage bucket or sets its policy, even when a bucket policy grants it", async (t) => {
    // The bucket is untagged, so NothingOfOtherStacks cannot tell its objects apart; AWS's managed policies
    // grant s3:PutObject on elasticbeanstalk-*/* (and the service role s3:PutBucketPolicy). A review stack's
    // instance runs hooks its pull request wrote, as root: its credentials are the attacker's.
    for (const [stack, as] of [["beanstalk-staging"], ["beanstalk-staging", "review-pr-8"]] as [string, string?][]) {
        for (const roleName of ["app-instance", "app-service"]) {
            const role = await environmentRole(stack, roleName, "beanstalk-delivery", as);
            assert.ok(role.boundary, `${roleName} carries its stack's boundary`);
            const granting: Doc = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: role.arn }, Action: "s3:*", Resource: [storageBucket, `${storageBucket}/*`] }] };
            for (const [victim, victimAs] of [["beanstalk-production"], ["beanstalk-staging", "review-pr-9"]] as [string, string?][]) {
                if ((victimAs ?? victim) === (as ?? stack)) continue;
                const ev = view(await plan(victim, victimAs));
                const requests = beanstalkStorageAttackRequests(ev);
                assert.ok(requests.length >= 9, `only ${requests.length} attacks against ${ev.tag}`);
                t.diagnostic(`${role.name} against ${ev.tag}: ${requests.length} requests`);
                assert.deepEqual(await breaches(role, requests, ev), [], `${role.name} against ${ev.tag}`);
                for (const r of requests) assert.notEqual(await decide(role, r, granting), "Allowed", `${role.name}: ${r.action} on ${r.resource} with a bucket policy granting it`);
            }
        }
    }
});

// ---------------------------------------------------------------------------------------------------
// Elastic Beanstalk's service role and the version-lifecycle role

/** What EB does with the service role: managed platform updates (a deployment with the new platform) and enhanced health. */
function serviceRoleRequests(ev: StackView): Request[] {
    const { arn: envArn, env, settings } = beanstalkEnvironmentOf(ev);
    const why = `${ev.plan.stack} managed platform update, elasticbeanstalk:service-role-managed-updates`;
    const health = `${ev.plan.stack} enhanced health, elasticbeanstalk:service-role-enhanced-health`;
    const instanceRole = ownArns(one(ev.plan, "aws:iam/role:Role", "app-instance"), ev)[0].arn;
    const out: Request[] = [
        ...["elasticbeanstalk:UpdateEnvironment", "elasticbeanstalk:DescribeEnvironments", "elasticbeanstalk:DescribeEnvironmentResources", "elasticbeanstalk:DescribeEvents"].map((action) => ({
            action,
            resource: envArn,
            context: owned(ev),
            why,
        })),
        // The managed update's calls of EB's own stack, as far as the managed policy lists them.
        ...beanstalkOperationRequests(ev, { why: "managed platform update" }).filter((r) => documented("elasticbeanstalk:service-role-managed-updates", r.action)),
        { action: "iam:PassRole", resource: instanceRole, context: { ...owned(ev), "iam:PassedToService": "ec2.amazonaws.com" }, why: `${why}: new instances' profile` },
        ...["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeNotificationConfigurations", "autoscaling:DescribeScalingActivities",
            "ec2:DescribeAddresses", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus", "ec2:DescribeSecurityGroups",
            "elasticloadbalancing:DescribeInstanceHealth", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetHealth"].map((action) => ({ action, resource: "*", context: region, why: health })),
        { action: "ec2:GetConsoleOutput", resource: ebArn("ec2/instance", ev, "ec2/instance"), context: owned(ev), why: health },
        { action: "ec2:AssociateAddress", resource: ebArn("ec2/elastic-ip", ev, "ec2/elastic-ip"), context: owned(ev), why: health },
    ];
    if (settings["aws:elasticbeanstalk:cloudwatch:logs:health:HealthStreamingEnabled"] === "true") {
        const group = `arn:aws:logs:${R}:${A}:log-group:/aws/elasticbeanstalk/${String(env.inputs.name)}/environment-health.log`;
        out.push(
            ...["logs:CreateLogStream", "logs:PutLogEvents"].map((action) => ({ action, resource: `${group}:log-stream:${hex(ev.plan.stack, 12)}`, context: owned(ev), why: `${health}: health streaming` })),
            { action: "logs:DescribeLogStreams", resource: group, context: owned(ev), why: `${health}: health streaming` },
        );
    }
    return out;
}

const SERVICE_EXCUSED: Record<string, string> = {
    "sns:Publish": "no EB notification topic is configured",
    "sqs:GetQueueAttributes": "web-server tier: no worker queue",
    "sqs:GetQueueUrl": "web-server tier: no worker queue",
};

for (const c of BEANSTALK_CASES) {
    const stack = c.as ?? c.stack;
    test(`${stack}'s Beanstalk service role can run managed updates and enhanced health on its own environment, under its boundary`, async (t) => {
        const ev = view(await plan(c.stack, c.as));
        const requests = serviceRoleRequests(ev);
        t.diagnostic(`${requests.length} requests`);
        const role = await environmentRole(c.stack, "app-service", c.delivery ?? "beanstalk-delivery", c.as);
        assert.ok(role.boundary);
        assert.ok(requests.length > 40, `only ${requests.length} requests`);
        assert.deepEqual(await denials(role, requests), []);
        assert.deepEqual(uncovered(["elasticbeanstalk:service-role-enhanced-health"], requests, SERVICE_EXCUSED), []);
    });
}

test("the boundary holds a Beanstalk service role to its own environment: the same managed-update calls on another stack's resources are denied", async (t) => {
    const role = await environmentRole("beanstalk-staging", "app-service", "beanstalk-delivery");
    for (const [stack, as, app] of [["beanstalk-production"], ["beanstalk-staging", "review-pr-8"], ["beanstalk-staging", undefined, "other"]] as [string, string?, string?][]) {
        const ev = view(await plan(stack, as, app), app);
        // Creations carry the new resource's tags, not an owner's: only what already exists is another stack's.
        const requests = serviceRoleRequests(ev).filter((r) => r.context[`aws:ResourceTag/${STACK_TAG}`] || r.action === "iam:PassRole");
        assert.ok(requests.length > 25, `only ${requests.length} requests against ${ev.tag}`);
        t.diagnostic(`against ${ev.tag}: ${requests.length} requests`);
        assert.deepEqual(await breaches(role, requests, ev), [], `against ${ev.tag}`);
    }
});

test("the beanstalk-versions role can list and expire the app's versions, and nothing of another app or any environment", async () => {
    const role = await deliveryRole("beanstalk-delivery", "beanstalk-versions");
    const labels: string[] = [];
    for (const stack of PIPELINES["beanstalk-delivery"]) {
        const ev = view(await plan(stack));
        labels.push(String(one(ev.plan, "aws:elasticbeanstalk/applicationVersion:ApplicationVersion").inputs.name), pipelineVersionLabel(ev));
    }
    const version = (app: string, label: string) => `arn:aws:elasticbeanstalk:${R}:${A}:applicationversion/${app}/${label}`;
    const requests = labels.flatMap((label) =>
        ["elasticbeanstalk:DescribeApplicationVersions", "elasticbeanstalk:DeleteApplicationVersion"].map((action) => ({ action, resource: version("shop", label), context: region, why: `the app's version lifecycle (maxCount) expires ${label}` })),
    );
    assert.equal(requests.length, 8);
    assert.deepEqual(await denials(role, requests), []);
    const staging = beanstalkEnvironmentOf(view(await plan("beanstalk-staging"))).arn;
    const forbidden: Request[] = [
        { action: "elasticbeanstalk:DeleteApplicationVersion", resource: version("other", "v1"), context: region, why: "another app's version" },
        { action: "elasticbeanstalk:UpdateEnvironment", resource: staging, context: region, why: "an environment" },
        { action: "elasticbeanstalk:TerminateEnvironment", resource: staging, context: region, why: "an environment" },
        { action: "s3:DeleteObject", resource: `${storageBucket}/shop/v1.zip`, context: region, why: "bundles stay (deleteSourceFromS3: false)" },
    ];
    assert.deepEqual(await allowedOf(role, forbidden), []);
});

// ---------------------------------------------------------------------------------------------------
// The package index (infra/packages): the build reads, the publish job publishes, nobody else does

/** A CodeArtifact resource policy of the packages-delivery plan: repository → its policy, or the domain's. */
function codeartifactPolicies(d: Plan): { repository: Record<string, Doc>; domain: Doc } {
    const repository: Record<string, Doc> = {};
    for (const p of all(d, "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy")) repository[String(p.inputs.repository)] = JSON.parse(String(p.inputs.policyDocument)) as Doc;
    return { repository, domain: JSON.parse(String(one(d, "aws:codeartifact/domainPermissions:DomainPermissions").inputs.policyDocument)) as Doc };
}
const CA = (resource: string) => `arn:aws:codeartifact:${R}:${A}:${resource}`;
/** Requests about the index, each with the resource policy AWS evaluates beside the caller's own. */
function indexRequest(d: Plan, action: string, resource: string, why: string, context: Record<string, string> = {}): Request {
    const policies = codeartifactPolicies(d);
    const [, kind, domain, repo] = resource.split(":").pop()?.match(/^(domain|repository|package)\/([^/]+)\/?([^/]*)/) ?? [];
    // Only the acme domain's own resources carry its policies.
    const resourcePolicy = domain !== "acme" ? undefined : kind === "domain" ? policies.domain : policies.repository[repo];
    return { action, resource, context: { ...region, ...context }, why, resourcePolicy };
}
/** Every call the build's index commands make (packageIndexCommands: the token, then pip/npm installs). */
function indexReadRequests(d: Plan, who: string): Request[] {
    const why = `${who}: packageIndexCommands, codeartifact:codebuild-read`;
    return [
        indexRequest(d, "codeartifact:GetAuthorizationToken", CA("domain/acme"), why),
        { action: "sts:GetServiceBearerToken", resource: "*", context: { ...region, "sts:AWSServiceName": "codeartifact.amazonaws.com" }, why },
        ...["shop-pypi", "shop-npm"].flatMap((repo) => ["codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository"].map((action) => indexRequest(d, action, CA(`repository/acme/${repo}`), `${why} from ${repo}`))),
    ];
}
/** Publishing a package version (npm/twine/mvn go through PublishPackageVersion; Maven adds PutPackageMetadata). */
const publishRequests = (d: Plan, repo: string, format: string, why: string): Request[] =>
    ["codeartifact:PublishPackageVersion", "codeartifact:PutPackageMetadata"].map((action) => indexRequest(d, action, CA(`package/acme/${repo}/${format}//shop-lib`), why));

test("the build role can get a token and install from every private repository, and from nothing else", async (t) => {
    const d = await plan("packages-delivery");
    const build = await deliveryRole("packages-delivery", "build-role");
    const requests = [...imageBuildRequests(d), ...indexReadRequests(d, "packages-delivery image build")];
    t.diagnostic(`${requests.length} requests`);
    assert.deepEqual(await denials(build, requests), []);
    const forbidden: Request[] = [
        // The upstreams are reached only through the private repositories.
        indexRequest(d, "codeartifact:ReadFromRepository", CA("repository/acme/shop-pypi-public"), "the public upstream, directly"),
        indexRequest(d, "codeartifact:ReadFromRepository", CA("repository/other/shop-pypi"), "another domain's repository"),
        indexRequest(d, "codeartifact:GetAuthorizationToken", CA("domain/other"), "another domain's token"),
        { action: "sts:GetServiceBearerToken", resource: "*", context: { ...region, "sts:AWSServiceName": "other.amazonaws.com" }, why: "a bearer token for another service" },
    ];
    assert.deepEqual(await allowedOf(build, forbidden), []);
    // A role that lost its bearer-token statement is caught: the token call fails without it.
    const weakened: Principal = { ...build, policies: build.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((x) => (x as { Sid?: string }).Sid !== "PackageIndexBearerToken") } })) };
    assert.deepEqual((await denials(weakened, requests)).map((x) => x.split(" is ")[0]), ["packages-delivery/build-role: sts:GetServiceBearerToken on *"]);
});

test("the publish role can publish its format's package and run its job, and nothing more", async (t) => {
    const d = await plan("packages-delivery");
    const publisher = await deliveryRole("packages-delivery", "package-publishing-job-role");
    const project = one(d, "aws:codebuild/project:Project", "package-publishing-job-project");
    const logGroup = String((project.inputs.logsConfig as { cloudwatchLogs: { groupName: string } }).cloudwatchLogs.groupName);
    const tagPipeline = one(d, "aws:codepipeline/pipeline:Pipeline", "package-publishing-pipeline");
    const store = (tagPipeline.inputs.artifactStores as { location: string; encryptionKey: { id: string } }[])[0];
    const source = (tagPipeline.inputs.stages as { actions: StageAction[] }[])[0].actions[0];
    const why = "packages-delivery publish job";
    const stream = `arn:aws:logs:${R}:${A}:log-group:${logGroup}:log-stream:${hex("publish/build", 8)}`;
    const requests: Request[] = [
        ...indexReadRequests(d, why),
        ...publishRequests(d, "shop-pypi", "pypi", `${why}: twine upload`),
        indexRequest(d, "codeartifact:DescribePackageVersion", CA("package/acme/shop-pypi/pypi//shop-lib"), `${why}: already published?`),
        { action: "logs:CreateLogStream", resource: stream, context: owned(view(d)), why: `${why}, codebuild:service-role-basics` },
        { action: "logs:PutLogEvents", resource: stream, context: owned(view(d)), why: `${why}, codebuild:service-role-basics` },
        { action: "s3:GetObject", resource: `arn:aws:s3:::${store.location}/${hex("source", 7)}`, context: owned(view(d)), why: `${why}: the source artifact` },
        { action: "kms:Decrypt", resource: store.encryptionKey.id, context: { ...region, "kms:ViaService": `s3.${R}.amazonaws.com` }, why: `${why}: the artifact key` },
        // CODEBUILD_CLONE_REF: CodeBuild clones through the connection with the project's role.
        ...connectionAliases(source.configuration.ConnectionArn).map((arn) => ({ action: `${arn.split(":")[2]}:UseConnection`, resource: arn, context: region, why: `${why}: git clone of the tag's commit` })),
    ];
    t.diagnostic(`${requests.length} requests`);
    assert.deepEqual(await denials(publisher, requests), []);
    const registry = registryOf(d);
    const forbidden: Request[] = [
        ...publishRequests(d, "shop-npm", "npm", "the npm repository (the job publishes pypi)"),
        ...publishRequests(d, "shop-pypi-public", "pypi", "the public upstream"),
        indexRequest(d, "codeartifact:DeletePackageVersions", CA("package/acme/shop-pypi/pypi//shop-lib"), "deleting a published version"),
        { action: "ecr:PutImage", resource: registry.arn, context: registry.context, why: "the app's registry" },
        { action: "codepipeline:StartPipelineExecution", resource: `arn:aws:codepipeline:${R}:${A}:${physicalName(one(d, "aws:codepipeline/pipeline:Pipeline", "pipeline-pipeline"))}`, context: region, why: "the app pipeline (a tag never deploys)" },
    ];
    assert.deepEqual(await allowedOf(publisher, forbidden), []);
});

test("the tag pipeline's role runs only the publish job, from its connection", async () => {
    const d = await plan("packages-delivery");
    const role = await deliveryRole("packages-delivery", "package-publishing-role");
    const job = `arn:aws:codebuild:${R}:${A}:project/${physicalName(one(d, "aws:codebuild/project:Project", "package-publishing-job-project"))}`;
    const image = `arn:aws:codebuild:${R}:${A}:project/${physicalName(one(d, "aws:codebuild/project:Project", "build-project"))}`;
    const source = (one(d, "aws:codepipeline/pipeline:Pipeline", "package-publishing-pipeline").inputs.stages as { actions: StageAction[] }[])[0].actions[0];
    const allowed: Request[] = [
        ...["codebuild:StartBuild", "codebuild:BatchGetBuilds"].map((action) => ({ action, resource: job, context: owned(view(d)), why: "the publish action, codepipeline:codebuild-action" })),
        ...connectionAliases(source.configuration.ConnectionArn).map((arn) => ({ action: `${arn.split(":")[2]}:UseConnection`, resource: arn, context: region, why: "the tag source, codepipeline:codestar-source-action" })),
    ];
    assert.deepEqual(await denials(role, allowed), []);
    assert.deepEqual(await allowedOf(role, [{ action: "codebuild:StartBuild", resource: image, context: owned(view(d)), why: "the image build" }]), []);
});

test("the build role, the app pipeline and the app's task roles can never publish, even with an identity grant to", async () => {
    const d = await plan("packages-delivery");
    const widened = (p: Principal): Principal => ({ ...p, name: `${p.name} (+ codeartifact:*)`, policies: [...p.policies, { name: "widened", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "codeartifact:*", Resource: "*" }] } }] });
    const build = await deliveryRole("packages-delivery", "build-role");
    const pipelineRole = await deliveryRole("packages-delivery", "pipeline-role");
    const execution = await environmentRole("staging", "app-execution", "delivery");
    const task = await environmentRole("staging", "app-task", "delivery");
    const attempts = [...publishRequests(d, "shop-pypi", "pypi", "publishing shop-pypi"), ...publishRequests(d, "shop-npm", "npm", "publishing shop-npm")];
    for (const p of [build, pipelineRole, execution, task]) assert.deepEqual(await allowedOf(p, attempts), [], p.name);
    // The repository policies' deny holds against any identity policy of the account but the publish role's.
    for (const p of [build, pipelineRole]) assert.deepEqual(await allowedOf(widened(p), attempts), [], widened(p).name);
    // …while the same grant without that policy would have published: the deny is what stops it.
    const unguarded = attempts.map((r) => ({ ...r, resourcePolicy: undefined }));
    assert.equal((await allowedOf(widened(build), unguarded)).length, unguarded.length);
});

test("the environment deploy roles cannot change, publish to or delete the package index", async (t) => {
    const d = await plan("packages-delivery");
    const attacks = (await attackRequests(view(d), "shop/staging")).filter((r) => r.action.startsWith("codeartifact:"));
    assert.ok(attacks.some((r) => r.action === "codeartifact:PublishPackageVersion") && attacks.some((r) => r.action === "codeartifact:DeleteDomain"), attacks.map((r) => r.action).join(" "));
    t.diagnostic(`${attacks.length} requests`);
    for (const role of ["github-oidc-deploy-staging", "github-oidc-deploy-production", "github-oidc-deploy-review", "github-oidc-preview"]) {
        const principal = principalOf(d, role);
        assert.deepEqual(await allowedOf(principal, attacks), [], role);
    }
});

// ---------------------------------------------------------------------------------------------------
// slipway:packages.runtimeRead: the environments' workloads read the index, and never publish

const RUNTIME = "packages-runtime-delivery";
/** An environment planned against the runtime-read delivery stack (its file says runtimeRead: true). */
const runtimeEnv = (stack: string, as?: string, app?: string) => plan(stack, as, app, { "slipway:deliveryStack": RUNTIME });
/** A workload role of such an environment, with the delivery stack's runtime policies and boundary. */
async function runtimeRole(stack: string, role: string, as?: string, app?: string, delivery = RUNTIME): Promise<Principal> {
    const env = await (delivery === RUNTIME ? runtimeEnv(stack, as, app) : plan(stack, as, app));
    return principalOf(env, role, [env, await plan(delivery, undefined, app)], AWS_MANAGED, { [STACK_TAG]: `${app ?? "shop"}/${as ?? stack}` });
}
/** The index calls of an app fetching a token and installing at run time; the index is the delivery stack's (its tag). */
function runtimeReadRequests(d: Plan, who: string): Request[] {
    const tagged = tagContext(`shop/${RUNTIME}`, true, false) as Record<string, string>;
    return indexReadRequests(d, who).map((r) => (r.action.startsWith("codeartifact:") ? { ...r, context: { ...r.context, ...tagged } } : r));
}
const withCodeartifactStar = (p: Principal): Principal => ({ ...p, name: `${p.name} (+ codeartifact:*)`, policies: [...p.policies, { name: "widened", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "codeartifact:*", Resource: "*" }] } }] });

for (const c of [
    { stack: "staging", role: "app-task" },
    { stack: "production", role: "app-task" },
    { stack: "staging", as: "review-pr-7", role: "app-task" },
    { stack: "beanstalk-staging", as: "review-pr-9", role: "app-instance" },
]) {
    const name = `${c.as ?? c.stack}'s ${c.role}`;
    test(`with runtimeRead, ${name} gets a token and installs from every private repository, under its boundary`, async (t) => {
        const d = await plan(RUNTIME);
        const role = await runtimeRole(c.stack, c.role, c.as);
        assert.ok(role.boundary, "the role carries its stack's boundary");
        const requests = runtimeReadRequests(d, `${name} at run time`);
        t.diagnostic(`${requests.length} requests`);
        assert.deepEqual(await denials(role, requests), []);
        // Not the upstreams, not another domain, no bearer token for another service.
        const forbidden: Request[] = [
            indexRequest(d, "codeartifact:ReadFromRepository", CA("repository/acme/shop-pypi-public"), "the public upstream, directly"),
            indexRequest(d, "codeartifact:ReadFromRepository", CA("repository/other/shop-pypi"), "another domain's repository"),
            indexRequest(d, "codeartifact:GetAuthorizationToken", CA("domain/other"), "another domain's token"),
            { action: "sts:GetServiceBearerToken", resource: "*", context: { ...region, "sts:AWSServiceName": "other.amazonaws.com" }, why: "a bearer token for another service" },
        ];
        assert.deepEqual(await allowedOf(role, forbidden), []);
        // …and never publishes, even given codeartifact:* (the boundary and the repository policies both deny it).
        const attempts = [...publishRequests(d, "shop-pypi", "pypi", "publishing shop-pypi"), ...publishRequests(d, "shop-npm", "npm", "publishing shop-npm")];
        assert.deepEqual(await allowedOf(withCodeartifactStar(role), attempts), []);
        assert.deepEqual(await allowedOf(withCodeartifactStar(withoutBoundary(role)), attempts), [], "the repository policy's deny alone");
        const unguarded = attempts.map((r) => ({ ...r, resourcePolicy: undefined }));
        assert.deepEqual(await allowedOf(withCodeartifactStar(role), unguarded), [], "the boundary's deny alone");
    });
}

test("with runtimeRead, a role that lost a statement is caught: the boundary, the runtime policy and the resource policies each matter", async () => {
    const d = await plan(RUNTIME);
    const role = await runtimeRole("staging", "app-task");
    const requests = runtimeReadRequests(d, "staging's app at run time");
    const dropSid = (doc: Doc, sid: string): Doc => ({ ...doc, Statement: doc.Statement.filter((x) => (x as { Sid?: string }).Sid !== sid) });
    // The boundary without its bearer-token statement: the token call fails.
    const boundaryLost: Principal = { ...role, boundary: dropSid(role.boundary as Doc, "PackageIndexBearerToken") };
    assert.deepEqual((await denials(boundaryLost, requests)).map((x) => x.split(" is ")[0]), ["staging/app-task: sts:GetServiceBearerToken on *"]);
    // The boundary's NothingOfOtherStacks without the index's exception: the delivery stack's tag stops every index call.
    const noException: Principal = {
        ...role,
        boundary: { ...(role.boundary as Doc), Statement: (role.boundary as Doc).Statement.map((x) => ((x as { Sid?: string }).Sid === "NothingOfOtherStacks" ? { ...(x as object), NotResource: ((x as { NotResource: string[] }).NotResource).filter((r) => !r.includes(":codeartifact:")) } : x)) },
    };
    assert.equal((await denials(noException, requests)).filter((x) => x.includes("codeartifact:")).length, requests.filter((r) => r.action.startsWith("codeartifact:")).length);
    // Without the packages-read policy the task role has nothing.
    const bare: Principal = { ...role, policies: role.policies.filter((p) => !p.name.includes("packages-read")) };
    assert.equal((await denials(bare, requests)).length, requests.length);
});

test("with runtimeRead, other apps' and the delivery-less stacks' roles cannot read the index", async () => {
    const d = await plan(RUNTIME);
    const requests = runtimeReadRequests(d, "another app's task");
    // Another app's task role, even granted codeartifact:* and the bearer token: the index's policies do not name it.
    const other = await runtimeRole("staging", "app-task", undefined, "other", "delivery");
    const widened: Principal = {
        ...withCodeartifactStar(withoutBoundary(other)),
        policies: [...withCodeartifactStar(other).policies, { name: "bearer", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:GetServiceBearerToken", Resource: "*" }] } }],
    };
    const allowed = await allowedOf(widened, requests.filter((r) => r.action.startsWith("codeartifact:")).map((r) => ({ ...r, context: { ...r.context } })));
    // Same account: an identity grant alone reaches a resource whose policy does not deny it (IAM's evaluation);
    // what keeps another app out is its boundary, which names only its own index.
    assert.ok(allowed.length > 0, "an unbounded role with codeartifact:* of the same account would read: the boundary is what holds");
    assert.deepEqual(await allowedOf(withCodeartifactStar(other), requests), [], "other's bounded task role");
    // A task of a stack whose delivery stack has no runtimeRead gets nothing of the index.
    const plain = await runtimeRole("staging", "app-task", undefined, undefined, "delivery");
    assert.deepEqual(await allowedOf(plain, requests), []);
    assert.deepEqual(await allowedOf(await runtimeRole("staging", "app-execution"), requests), [], "the ECS agent's role is not the app's");
});

test("with runtimeRead, the repository and domain policies name the environment role paths, never a bare account", async () => {
    const d = await plan(RUNTIME);
    const { repository, domain } = codeartifactPolicies(d);
    const patterns = ["staging", "production", "review-*"].map((s) => `arn:aws:iam::${A}:role/slipway/shop/${s}/*`);
    for (const [name, doc] of [...Object.entries(repository).filter(([r]) => !r.endsWith("-public")), ["domain", domain] as [string, Doc]]) {
        const s = doc.Statement.find((x) => /^Environments/.test(String((x as { Sid?: string }).Sid))) as { Principal: { AWS: string }; Condition: { ArnLike: Record<string, string[]> } } | undefined;
        assert.ok(s, `${name}: an Environments statement`);
        assert.equal(s.Principal.AWS, `arn:aws:iam::${A}:root`);
        assert.deepEqual(s.Condition.ArnLike["aws:PrincipalArn"], patterns, name);
    }
    // Without runtimeRead the policies are as before.
    const before = codeartifactPolicies(await plan("packages-delivery"));
    assert.ok(![...Object.values(before.repository), before.domain].some((doc) => doc.Statement.some((x) => /^Environments/.test(String((x as { Sid?: string }).Sid)))));
});

test("the app repository's CI role reads the private index, never publishes, and reaches no stack", async () => {
    const d = await plan("packages-delivery");
    const ci = await deliveryRole("packages-delivery", "github-oidc-packages-read");
    const requests = indexReadRequests(d, "the app repository's CI");
    assert.deepEqual(await denials(ci, requests), []);
    const forbidden: Request[] = [
        ...publishRequests(d, "shop-pypi", "pypi", "publishing from the app's CI"),
        indexRequest(d, "codeartifact:ReadFromRepository", CA("repository/acme/shop-pypi-public"), "the public upstream, directly"),
    ];
    assert.deepEqual(await allowedOf(ci, forbidden), []);
    // Even granted codeartifact:*, the repository policy's deny keeps it from publishing.
    const widened: Principal = { ...ci, policies: [...ci.policies, { name: "oops", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["codeartifact:*"], Resource: ["*"] }] } }] };
    assert.deepEqual(await allowedOf(widened, publishRequests(d, "shop-pypi", "pypi", "publishing with codeartifact:*")), []);
    // The repository policies name it as a reader: without that statement it cannot read.
    const policies = codeartifactPolicies(d);
    const readers = (policies.repository["shop-pypi"].Statement as { Sid?: string; Principal?: { AWS?: string[] } }[]).find((st) => st.Sid === "ReadPackages");
    assert.ok(readers?.Principal?.AWS?.includes(ci.arn), JSON.stringify(readers));
    // Every other stack's resources are out of its reach.
    for (const victim of ["staging", "production"]) {
        const target = view(await plan(victim));
        assert.deepEqual(await breaches(ci, await attackRequests(target, "shop/packages-read"), target), [], victim);
    }
});

// ---------------------------------------------------------------------------------------------------
// ECS's infrastructure role for load balancers (blue/green, canary and linear deployments)

/**
 * What ECS does with the infrastructure role during a traffic-shifting deployment of `ev`
 * (ecs:infrastructure-role-load-balancers): read the listeners, rules, groups and target health, register
 * the new tasks in one group and deregister the old from the other, move the production rule's weights.
 */
function infrastructureRequests(ev: StackView): Request[] {
    const why = `${ev.plan.stack} deployment, ecs:infrastructure-role-load-balancers`;
    const arnsOf = (type: string) => all(ev.plan, type).map((r) => ownArns(r, ev)[0].arn);
    const groups = arnsOf("aws:lb/targetGroup:TargetGroup");
    assert.equal(groups.length, 2, `${ev.plan.stack}: the primary and the alternate target group`);
    const rules = arnsOf("aws:lb/listenerRule:ListenerRule");
    assert.equal(rules.length, 1, `${ev.plan.stack}: one production listener rule`);
    return [
        ...["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"].map((action) => ({ action, resource: "*", context: region, why })),
        ...groups.flatMap((g) => ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"].map((action) => ({ action, resource: g, context: owned(ev), why }))),
        ...rules.map((rule) => ({ action: "elasticloadbalancing:ModifyRule", resource: rule, context: owned(ev), why })),
        ...arnsOf("aws:lb/listener:Listener").map((l) => ({ action: "elasticloadbalancing:ModifyListener", resource: l, context: owned(ev), why })),
    ];
}

const INFRASTRUCTURE_EXCUSED: Record<string, string> = {};

for (const stack of ["production", "linear-production"]) {
    test(`${stack}'s ECS infrastructure role can shift its traffic, under its boundary, and trusts ECS alone`, async (t) => {
        const ev = view(await plan(stack));
        const requests = infrastructureRequests(ev);
        t.diagnostic(`${requests.length} requests`);
        const role = await environmentRole(stack, "ecs-lb-role", stack === "production" ? "delivery" : "linear-delivery");
        assert.ok(role.boundary, "the role carries its stack's boundary");
        assert.deepEqual(await denials(role, requests), []);
        assert.deepEqual(uncovered(["ecs:infrastructure-role-load-balancers"], requests, INFRASTRUCTURE_EXCUSED), []);
        // Its only policy is the delivery stack's ecs-lb-infrastructure runtime policy; the trust is AWS's documented one.
        assert.deepEqual(role.policies.map((p) => p.name), [`runtime-policies-${stack}-ecs-lb-infrastructure`]);
        const r = all(ev.plan, "aws:iam/role:Role").find((x) => x.name === "ecs-lb-role");
        assert.deepEqual(JSON.parse(String(r?.inputs.assumeRolePolicy)).Statement, [{ Effect: "Allow", Principal: { Service: "ecs.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    });
}

test("an ECS infrastructure role shifts no other stack's traffic, even granted elasticloadbalancing:* (its boundary holds)", async () => {
    const victims = { production: view(await plan("linear-production")), "linear-production": view(await plan("production")) };
    for (const [stack, victim] of Object.entries(victims)) {
        const role = await environmentRole(stack, "ecs-lb-role", stack === "production" ? "delivery" : "linear-delivery");
        const attempts = infrastructureRequests(victim).filter((r) => r.resource !== "*");
        assert.deepEqual(await breaches(role, attempts, victim), [], `${stack} against ${victim.plan.stack}`);
        const widened: Principal = { ...role, name: `${role.name} (+ elasticloadbalancing:*)`, policies: [...role.policies, { name: "widened", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "elasticloadbalancing:*", Resource: "*" }] } }] };
        assert.deepEqual(await breaches(widened, attempts, victim), [], `${stack} widened, against ${victim.plan.stack}`);
        // …which is the boundary's work: without it the widened role would reach them.
        assert.equal((await allowedOf(withoutBoundary(widened), attempts)).length, attempts.length);
    }
});

test("an ECS infrastructure role that lost its rule statement is caught: ECS could not move the weights", async () => {
    const ev = view(await plan("production"));
    const role = await environmentRole("production", "ecs-lb-role", "delivery");
    const lost: Principal = {
        ...role,
        policies: role.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((x) => (x as { Sid?: string }).Sid !== "OwnListenerRules") } })),
    };
    assert.deepEqual(
        (await denials(lost, infrastructureRequests(ev))).map((x) => x.split(" is ")[0].split(": ")[1].split(" on ")[0]),
        ["elasticloadbalancing:ModifyRule"],
    );
});
