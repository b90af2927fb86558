// Every role's needs, simulated as allowed (tools/check/iam-sim.ts): a deploy role must be able to create,
// read, update and delete every resource of the stacks it deploys, as AWS's CloudFormation handlers and
// the provider call them, with realistic ARNs and tag context. A missing permission fails here, naming
// role, action and resource.
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { Plan } from "../tools/plan/mock-engine";
import { decide, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { deployRequests, handlers, PROVIDER_CALLS_LESS } from "../tools/check/iam-requests";
import { denials } from "../tools/check/iam-check";
import { mockArn, mockId, physicalNameOf } from "../tools/plan/identities";
import { kmsDeployRequests } from "../tools/check/kms-requests";
import { secretsProviderUrl } from "../infra/contract";
import { actionFacts, physicalName } from "../tools/check/iam-sim";
import { jobRequests, JobFacts } from "../tools/check/job-requests";
import { stateRequests, StateJob } from "../tools/check/state-requests";
import { planStack } from "./helpers";

interface Case {
    /** Fixture stack file planned. */
    stack: string;
    /** Stack name it is planned as (review stacks). */
    as?: string;
    /** Delivery-stack role that deploys it. */
    role: string;
    /** The delivery stack that deploys it. @default "delivery" */
    delivery?: string;
    /** Config set on the environment stack. */
    set?: Record<string, string>;
}

const CASES: Case[] = [
    { stack: "staging", role: "github-oidc-deploy-staging" },
    { stack: "production", role: "github-oidc-deploy-production" },
    // The review template (its managed domain: pr-<N>.review.shop.acme.example) as a pull request's stack.
    { stack: "review", as: "review-pr-7", role: "github-oidc-deploy-review" },
    { stack: "beanstalk-staging", as: "review-pr-8", role: "github-oidc-deploy-review" },
    { stack: "beanstalk-staging", role: "github-oidc-deploy-beanstalk-staging", delivery: "beanstalk-delivery" },
    { stack: "beanstalk-production", role: "github-oidc-deploy-beanstalk-production", delivery: "beanstalk-delivery" },
    // A release phase: the release task family (<app>-<stack>_release) beside the web's.
    { stack: "apps-staging", role: "github-oidc-deploy-apps-staging", delivery: "apps-delivery" },
    { stack: "apps-production", role: "github-oidc-deploy-apps-production", delivery: "apps-delivery" },
    { stack: "apps-staging", as: "review-pr-9", role: "github-oidc-deploy-review" },
    // Workers and a job narrowed to some of the app's secrets (their own copies and execution roles, process-secrets.ts),
    // workers scaled on their SQS queues' backlog per task (the metric-math policy, Container Insights on the cluster) and
    // consuming them: each task role gets the delivery stack's queue-<worker> runtime policy attached, which the delivery
    // stack declares only from the stack file (so the queue is in queue-staging's file, not a config override).
    { stack: "queue-staging", role: "github-oidc-deploy-queue-staging", delivery: "queue-delivery" },
    // Managed domains: the HTTP API's custom domain and the ALB, each with its certificate and records.
    { stack: "domains-staging", role: "github-oidc-deploy-domains-staging", delivery: "domains-delivery" },
    { stack: "domains-production", role: "github-oidc-deploy-domains-production", delivery: "domains-delivery" },
    // ECS's linear strategy: the alternate target group, the production listener rule and the infrastructure role it passes to ECS.
    { stack: "linear-production", role: "github-oidc-deploy-linear-production", delivery: "linear-delivery" },
    // slipway:database: an Aurora cluster, its writer, subnet group, storage key and RDS-made master secret.
    { stack: "database-staging", role: "github-oidc-deploy-database-staging", delivery: "database-delivery" },
    { stack: "database-production", role: "github-oidc-deploy-database-production", delivery: "database-delivery" },
    // slipway:database.kind instance: one RDS for PostgreSQL DB instance, its subnet group, storage key and RDS-made master secret.
    { stack: "dbi-staging", role: "github-oidc-deploy-dbi-staging", delivery: "dbi-delivery" },
    { stack: "dbi-production", role: "github-oidc-deploy-dbi-production", delivery: "dbi-delivery" },
    // slipway:database on Elastic Beanstalk: the same cluster, the instances in its clients group, the app servers' restart.
    { stack: "ebdb-staging", role: "github-oidc-deploy-ebdb-staging", delivery: "ebdb-delivery" },
    { stack: "ebdb-production", role: "github-oidc-deploy-ebdb-production", delivery: "ebdb-delivery" },
    // slipway:packages.runtimeRead: the task and instance roles get the delivery stack's packages-read policy.
    { stack: "staging", role: "github-oidc-deploy-staging", delivery: "packages-runtime-delivery", set: { "slipway:deliveryStack": "packages-runtime-delivery" } },
    { stack: "beanstalk-staging", as: "review-pr-8", role: "github-oidc-deploy-review", delivery: "packages-runtime-delivery", set: { "slipway:deliveryStack": "packages-runtime-delivery" } },
];

const deliveries = new Map<string, Promise<Plan>>();
const deliveryFor = (stack = "delivery") => {
    if (!deliveries.has(stack)) deliveries.set(stack, planStack(stack));
    return deliveries.get(stack) as Promise<Plan>;
};

async function jobOf(c: Case): Promise<{ principal: Principal; requests: Request[] }> {
    const delivery = await deliveryFor(c.delivery);
    const plan = await planStack(c.stack, { ...(c.as ? { stackName: c.as } : {}), ...(c.set ? { set: c.set } : {}) });
    const view = { plan, region: "us-east-1", tag: `shop/${c.as ?? c.stack}`, app: "shop" };
    // The fixtures use the example passphrase; the shipped stack files use their policy stack's key (stack-secrets-provider).
    const secretsProvider = secretsProviderUrl("shop", c.role.replace(/^github-oidc-deploy-/, ""), "us-east-1");
    const ownKey = kmsDeployRequests(view, { plan: delivery, region: "us-east-1" }, secretsProvider, { createsStack: c.as !== undefined });
    assert.ok(ownKey.some((r) => r.action === "kms:Decrypt" && r.resourcePolicy), `${secretsProvider} is not a key of ${delivery.stack}`);
    return { principal: principalOf(delivery, c.role), requests: [...(await deployRequests(view)), ...ownKey] };
}

for (const c of CASES) {
    test(`${c.role} can create, read, update and delete everything ${c.as ?? c.stack} declares`, async () => {
        const { principal, requests } = await jobOf(c);
        assert.ok(requests.length > 100, `only ${requests.length} requests simulated`);
        assert.deepEqual(await denials(principal, requests), []);
    });
}

test("a deploy role that lost a statement is caught, naming the role, the action and the resource", async () => {
    const { principal, requests } = await jobOf(CASES[0]);
    const weakened: Principal = {
        ...principal,
        policies: principal.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => (s as { Sid?: string }).Sid !== "ChangeOwnEcs") } })),
    };
    const found = await denials(weakened, requests);
    assert.ok(found.some((d) => /github-oidc-deploy-staging: ecs:UpdateService on arn:aws:ecs:us-east-1:123456789012:service\/shop-staging\/shop-staging is ImplicitlyDenied \(staging aws:ecs\/service:Service app-service update\)/.test(d)), found.join("\n"));
});

test("a tag condition on an action AWS gives no tag keys does not count as satisfied", async () => {
    // iam-simulate accepts aws:ResourceTag on every action; AWS sends it only where the reference lists it.
    const principal: Principal = {
        name: "probe",
        arn: "arn:aws:iam::123456789012:role/probe",
        policies: [{ name: "p", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "route53:ChangeResourceRecordSets", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/slipway:stack": "shop/staging" } } }] } }],
    };
    const request: Request = { action: "route53:ChangeResourceRecordSets", resource: "arn:aws:route53:::hostedzone/Z1", context: { "aws:ResourceTag/slipway:stack": "shop/staging" }, why: "probe" };
    assert.equal(await decide(principal, request), "ImplicitlyDenied");
});

let allActions: string[];
before(() => {
    const data = handlers();
    allActions = [...new Set(Object.values(data.types).flatMap((t) => [...(t.create ?? []), ...(t.read ?? []), ...(t.update ?? []), ...(t.delete ?? [])]))];
});

test("every provider exception names a type and actions of its CloudFormation handler, with a reason", async () => {
    const data = handlers();
    for (const e of PROVIDER_CALLS_LESS) {
        const h = data.types[e.type];
        assert.ok(h, `no handler data for ${e.type}`);
        const extra = data.providerExtras?.[e.type] ?? {};
        const listed = new Set([h, extra].flatMap((x) => [...(x.create ?? []), ...(x.read ?? []), ...(x.update ?? []), ...(x.delete ?? [])]));
        for (const a of e.actions) assert.ok(listed.has(a), `${e.type}: ${a} is not in its handler permissions, so the exception excuses nothing`);
        assert.ok(e.why.length > 20, `${e.type}: say why the provider never calls ${e.actions.join(", ")}`);
    }
    assert.ok(allActions.length > 300);
});

test("the vendored handler data is dated and its actions exist in AWS's service authorization reference", async () => {
    const data = handlers();
    assert.match(data.retrieved, /^\d{4}-\d{2}-\d{2}$/);
    const unknown: string[] = [];
    for (const a of allActions) if (!(await actionFacts(a))) unknown.push(a);
    // The data file lists the ones AWS's reference lacks under unknownActions; none may be simulated silently.
    const listedUnknown = new Set(Object.values(data.types as Record<string, { unknownActions?: string[] }>).flatMap((t) => t.unknownActions ?? []));
    assert.deepEqual(unknown.filter((a) => !listedUnknown.has(a)), []);
});

test("npm run check's IAM simulation reports a deploy role that cannot do its stack's job, and one that reaches another stack", async () => {
    const { deployRoleProblems } = await import("../tools/check/iam-check");
    const delivery = structuredClone(await deliveryFor());
    const stacks = async (d: Plan) => [
        { plan: d, region: "us-east-1", app: "shop", tier: "delivery", role: "delivery" as const },
        { plan: await planStack("staging"), region: "us-east-1", app: "shop", tier: "staging", role: "environment" as const, deliveryStack: "delivery" },
        { plan: await planStack("production"), region: "us-east-1", app: "shop", tier: "production", role: "environment" as const, deliveryStack: "delivery" },
    ];
    assert.deepEqual(await deployRoleProblems(await stacks(delivery)), []);
    const compute = delivery.resources.find((r) => r.inputs.name === "shop-staging-deploy-compute");
    assert.ok(compute);
    const doc = JSON.parse(String(compute.inputs.policy)) as { Statement: { Sid?: string; Effect?: string; Action: string[]; Resource: unknown; Condition?: unknown }[] };
    doc.Statement = doc.Statement.filter((s) => s.Sid !== "ChangeOwnEcs");
    doc.Statement.push({ Sid: "Oops", Effect: "Allow", Action: ["ecs:UpdateService"], Resource: "*" });
    compute.inputs.policy = JSON.stringify(doc);
    const problems = await deployRoleProblems(await stacks(delivery));
    assert.ok(problems.some((p) => /github-oidc-deploy-staging: ecs:DeleteService on arn:aws:ecs:us-east-1:123456789012:service\/shop-staging\/shop-staging is ImplicitlyDenied/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /github-oidc-deploy-staging: ecs:UpdateService on arn:aws:ecs:us-east-1:123456789012:service\/shop-production\/shop-production is allowed/.test(p)), problems.join("\n"));
});

/** `delivery` with one managed policy's statements changed (`edit` gets and returns them). */
function editPolicy(delivery: Plan, policyName: string, edit: (statements: Record<string, unknown>[]) => Record<string, unknown>[]): void {
    const policy = delivery.resources.find((r) => r.type === "aws:iam/policy:Policy" && r.inputs.name === policyName);
    assert.ok(policy, `no policy ${policyName}`);
    const doc = JSON.parse(String(policy.inputs.policy)) as { Statement: Record<string, unknown>[] };
    doc.Statement = edit(doc.Statement);
    policy.inputs.policy = JSON.stringify(doc);
}

/** The ARN the mock engine gives one of the delivery stack's keys (the ARN the roles' policies name). */
function keyArnOf(delivery: Plan, name: string): string {
    const key = delivery.resources.find((r) => r.type === "aws:kms/key:Key" && r.name === name);
    assert.ok(key, `no key ${name}`);
    const physical = physicalNameOf(key.name, key.inputs);
    return String(mockArn(key.type, key.name, physical, mockId(key.type, key.name, physical), key.inputs, "us-east-1"));
}

const REVIEW_SECRETS = "awskms://alias/slipway/shop/review?region=us-east-1";
/** What `npm run check` gets for the project's stacks: delivery, staging, production (KMS secrets providers) and the review template. */
async function checkedStacks(d: Plan) {
    const env = async (stack: string, tier: string, secretsProvider: string, as?: string) => ({
        plan: await planStack(stack, as ? { stackName: as } : {}),
        region: "us-east-1",
        app: "shop",
        tier,
        role: "environment" as const,
        deliveryStack: "delivery",
        secretsProvider,
        // The review template is never deployed: the check plans it as a review stack would be.
        planAs: (stackName: string) => planStack(stack, { stackName }),
    });
    return [
        { plan: d, region: "us-east-1", app: "shop", tier: "delivery", role: "delivery" as const },
        await env("staging", "staging", "awskms://alias/slipway/shop/staging?region=us-east-1"),
        await env("production", "production", "awskms://alias/slipway/shop/production?region=us-east-1"),
        await env("review", "review", REVIEW_SECRETS),
    ];
}

test("npm run check simulates the review deploy role on the review template planned as a review stack, and reports it when it cannot do its job", async () => {
    const { deployRoleProblems } = await import("../tools/check/iam-check");
    const delivery = structuredClone(await deliveryFor());
    assert.deepEqual(await deployRoleProblems(await checkedStacks(delivery)), []);
    editPolicy(delivery, "shop-review-deploy-compute", (st) => st.filter((s) => s.Sid !== "ChangeOwnEcs"));
    const problems = await deployRoleProblems(await checkedStacks(delivery));
    assert.ok(problems.some((p) => /^delivery\/github-oidc-deploy-review: ecs:UpdateService on arn:aws:ecs:us-east-1:123456789012:service\/[\w-]*review-pr-0[\w-]*\/[\w-]+ is ImplicitlyDenied \(review-pr-0 /.test(p)), problems.join("\n"));
});

test("npm run check reports a deploy role that cannot use its own stack's secrets-provider key, and one that can decrypt production's", async () => {
    const { deployRoleProblems } = await import("../tools/check/iam-check");
    const delivery = structuredClone(await deliveryFor());
    const staging = keyArnOf(delivery, "runtime-policies-staging-secrets-key");
    const review = keyArnOf(delivery, "runtime-policies-review-secrets-key");
    const production = keyArnOf(delivery, "runtime-policies-production-secrets-key");
    for (const policy of ["shop-staging-deploy-data", "shop-review-deploy-data"]) editPolicy(delivery, policy, (st) => st.filter((s) => s.Sid !== "OwnSecretsProviderKey"));
    editPolicy(delivery, "shop-staging-deploy-data", (st) => [...st, { Sid: "Oops", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [production] }]);
    const problems = await deployRoleProblems(await checkedStacks(delivery));
    const reported = (re: RegExp) => assert.ok(problems.some((p) => re.test(p)), `${re.source}\n${problems.join("\n")}`);
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    reported(new RegExp(`^delivery/github-oidc-deploy-staging: kms:Decrypt on ${esc(staging)} is ImplicitlyDenied`));
    reported(new RegExp(`^delivery/github-oidc-deploy-review: kms:Decrypt on ${esc(review)} is ImplicitlyDenied`));
    reported(new RegExp(`^delivery/github-oidc-deploy-staging: kms:Decrypt on ${esc(production)} is allowed`));
});

// An S3 state backend: Pulumi's DIY layout (tools/check/state-requests.ts) with the roles' real pulumi runs.
const BACKEND = "s3://acme-pulumi-state/shop";
const STATE_JOBS: { role: string; job: StateJob }[] = [
    { role: "github-oidc-deploy-staging", job: { backendUrl: BACKEND, project: "slipway", stack: "staging", kind: "up", reads: ["delivery"] } },
    { role: "github-oidc-deploy-production", job: { backendUrl: BACKEND, project: "slipway", stack: "production", kind: "up", reads: ["delivery"] } },
    // review-stack.yml: stack init, `pulumi config cp --stack review`, up, destroy, stack rm.
    { role: "github-oidc-deploy-review", job: { backendUrl: BACKEND, project: "slipway", stack: "review-pr-7", kind: "up", reads: ["delivery", "review"] } },
    { role: "github-oidc-preview", job: { backendUrl: BACKEND, project: "slipway", stack: "staging", kind: "preview", reads: ["delivery"] } },
];

for (const { role, job } of STATE_JOBS) {
    test(`with an S3 state backend ${role} can ${job.kind} ${job.stack}: its own state${job.kind === "up" ? " and lock" : ""}, and ${job.reads.join(" and ")}'s checkpoint read-only`, async () => {
        const delivery = await planStack("delivery", { set: { "slipway:pulumiBackendUrl": BACKEND } });
        const requests = stateRequests(job);
        assert.ok(requests.length >= 7);
        assert.deepEqual(await denials(principalOf(delivery, role), requests), []);
    });
}

test("npm run check simulates the state backend: a deploy role denied delivery's checkpoint is reported", async () => {
    const { deployRoleProblems } = await import("../tools/check/iam-check");
    const set = { "slipway:pulumiBackendUrl": BACKEND };
    const delivery = await planStack("delivery", { set });
    const stacks = (d: Plan) => [
        { plan: d, region: "us-east-1", app: "shop", tier: "delivery", role: "delivery" as const, backendUrl: BACKEND, project: "slipway" },
        { plan: staging, region: "us-east-1", app: "shop", tier: "staging", role: "environment" as const, deliveryStack: "delivery" },
    ];
    const staging = await planStack("staging");
    assert.deepEqual((await deployRoleProblems(stacks(delivery))).filter((p) => p.includes("s3:")), []);
    const data = delivery.resources.find((r) => r.inputs.name === "shop-staging-deploy-data");
    assert.ok(data);
    const doc = JSON.parse(String(data.inputs.policy)) as { Statement: { Sid?: string }[] };
    doc.Statement = doc.Statement.filter((s) => s.Sid !== "StateReadReferenced");
    data.inputs.policy = JSON.stringify(doc);
    const problems = await deployRoleProblems(stacks(delivery));
    assert.ok(problems.some((p) => /github-oidc-deploy-staging: s3:GetObject on arn:aws:s3:::acme-pulumi-state\/shop\/\.pulumi\/stacks\/slipway\/delivery\.json is ImplicitlyDenied/.test(p)), problems.join("\n"));
});

test("outside us-east-1 the deploy role can still create its Cloud Map namespace: Route 53 requests carry us-east-1", async () => {
    // IAM User Guide, "Denies access to AWS based on the requested Region": Route 53 is a global service
    // whose single endpoint is in us-east-1, so every Route 53 request's aws:RequestedRegion is us-east-1.
    const region = "eu-west-1";
    const delivery = await planStack("delivery", { set: { "aws:region": region } });
    const plan = await planStack("staging", { set: { "aws:region": region } });
    assert.ok(plan.resources.some((r) => r.type === "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace"), "the fixture declares a Cloud Map namespace");
    const requests = await deployRequests({ plan, region, tag: "shop/staging", app: "shop" });
    const route53 = requests.filter((r) => r.action.startsWith("route53:"));
    assert.ok(route53.some((r) => r.action === "route53:CreateHostedZone"));
    for (const r of route53) assert.equal(r.context["aws:RequestedRegion"], "us-east-1", `${r.action} is sent to Route 53's global endpoint`);
    assert.ok(requests.some((r) => r.action.startsWith("ecs:") && r.context["aws:RequestedRegion"] === region));
    assert.deepEqual(await denials(principalOf(delivery, "github-oidc-deploy-staging"), requests), []);
});

const JOB_CASES: { c: Case; job: (pipelineName: string) => JobFacts }[] = [
    { c: CASES[0], job: (p) => ({ imageStack: "staging", pipelineName: p, stagingHours: true }) },
    { c: CASES[1], job: (p) => ({ imageStack: "production", pipelineName: p }) },
    { c: CASES[2], job: () => ({ imageStack: "staging" }) },
    { c: CASES[4], job: (p) => ({ imageStack: "beanstalk-staging", pipelineName: p }) },
];

for (const { c, job } of JOB_CASES) {
    test(`${c.role} can make ${c.as ?? c.stack}'s program lookups${job("x").pipelineName ? ", hold its pipeline stage" : ""}${job("x").stagingHours ? " and scale it to zero after hours" : ""}`, async () => {
        const delivery = await deliveryFor(c.delivery);
        const plan = await planStack(c.stack, c.as ? { stackName: c.as } : {});
        const pipeline = delivery.resources.find((r) => r.type === "aws:codepipeline/pipeline:Pipeline");
        assert.ok(pipeline);
        const requests = jobRequests({ plan, region: "us-east-1", tag: `shop/${c.as ?? c.stack}`, app: "shop" }, job(physicalName(pipeline)));
        assert.ok(requests.some((r) => r.action === "ssm:GetParameter"));
        assert.deepEqual(await denials(principalOf(delivery, c.role), requests), []);
    });
}

test("the stage lock and scale-to-zero are each stack's own: the review role cannot hold staging's stage nor scale it", async () => {
    const delivery = await deliveryFor();
    const pipeline = delivery.resources.find((r) => r.type === "aws:codepipeline/pipeline:Pipeline");
    assert.ok(pipeline);
    const staging = jobRequests({ plan: await planStack("staging"), region: "us-east-1", tag: "shop/staging", app: "shop" }, { imageStack: "staging", pipelineName: physicalName(pipeline), stagingHours: true });
    const writes = staging.filter((r) => !/:(Get|Describe|List)/.test(r.action));
    assert.ok(writes.length >= 4);
    const review = principalOf(delivery, "github-oidc-deploy-review");
    for (const r of writes) assert.notEqual(await decide(review, r), "Allowed", `${r.action} on ${r.resource}`);
});

test("with an S3 state backend the teardown's review role may list the review checkpoints' prefix, and no other stack's", async () => {
    const delivery = await planStack("delivery", { set: { "slipway:pulumiBackendUrl": "s3://acme-pulumi-state/shop" } });
    const review = principalOf(delivery, "github-oidc-deploy-review");
    const list = (prefix: string): Request => ({ action: "s3:ListBucket", resource: "arn:aws:s3:::acme-pulumi-state", context: { "s3:prefix": prefix }, why: "teardown lists review stacks" });
    assert.equal(await decide(review, list("shop/.pulumi/stacks/slipway/review-pr-")), "Allowed");
    assert.notEqual(await decide(review, list("other-team/")), "Allowed");
});

test("the deploy role's release-alarm statements are what lets it manage its alarms: without them each alarm request is denied", async () => {
    const { principal, requests } = await jobOf(CASES[1]);
    const alarmRequests = requests.filter((r) => r.why.includes("aws:cloudwatch/metricAlarm:MetricAlarm"));
    assert.ok(alarmRequests.some((r) => r.action === "cloudwatch:PutMetricAlarm" && r.resource === "arn:aws:cloudwatch:us-east-1:123456789012:alarm:slipway/shop/production/error-rate"), "production's error-rate alarm is simulated");
    assert.deepEqual(await denials(principal, alarmRequests), []);
    const weakened: Principal = {
        ...principal,
        policies: principal.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => !/ReleaseAlarms$/.test((s as { Sid?: string }).Sid ?? "")) } })),
    };
    const found = await denials(weakened, alarmRequests);
    for (const action of ["cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms"]) {
        assert.ok(found.some((d) => d.includes(`${action} on arn:aws:cloudwatch:us-east-1:123456789012:alarm:slipway/shop/production/`)), `${action}:\n${found.join("\n")}`);
    }
});

test("a release alarm whose action is not the pipeline's topic (an EC2 terminate, another topic) is denied", async () => {
    const { principal, requests } = await jobOf(CASES[1]);
    const put = requests.find((r) => r.action === "cloudwatch:PutMetricAlarm" && r.why.includes("metricAlarm"));
    assert.ok(put);
    assert.deepEqual(await denials(principal, [put]), []);
    for (const action of ["arn:aws:automate:us-east-1:ec2:terminate", "arn:aws:sns:us-east-1:123456789012:someone-elses-topic"]) {
        const found = await denials(principal, [{ ...put, context: { ...put.context, "cloudwatch:AlarmActions": [...(put.context["cloudwatch:AlarmActions"] as string[]), action] } }]);
        assert.equal(found.length, 1, `${action}: ${found.join("\n")}`);
    }
});

test("every action a handler lists is an IAM action or a documented non-action, and an unknown one stops the simulation", async () => {
    const data = handlers();
    const { NOT_IAM_ACTIONS } = await import("../tools/check/iam-requests");
    const listed = new Set(Object.values(data.types).flatMap((h) => Object.values(h as Record<string, unknown>).filter(Array.isArray).flat() as string[]));
    for (const a of NOT_IAM_ACTIONS) assert.ok(listed.has(a), `${a} is in NOT_IAM_ACTIONS but no handler lists it: drop it`);
    for (const a of NOT_IAM_ACTIONS) assert.equal(await actionFacts(a), undefined, `${a} is an IAM action after all`);
    const { plan } = { plan: await planStack("staging") };
    const role = plan.resources.find((r) => r.type === "aws:iam/role:Role");
    assert.ok(role);
    const h = data.types["aws:iam/role:Role"] as { create: string[] };
    h.create.push("iam:CreateRoleTypo");
    try {
        await assert.rejects(deployRequests({ plan, region: "us-east-1", tag: "shop/staging", app: "shop" }), /iam:CreateRoleTypo is not an action of the service authorization reference data/);
    } finally {
        h.create.pop();
    }
});

test("a traffic-splitting Beanstalk stack's deploy role needs its own load balancer rights: without them the traffic split is denied", async () => {
    const { principal, requests } = await jobOf({ stack: "beanstalk-production", role: "github-oidc-deploy-beanstalk-production", delivery: "beanstalk-delivery" });
    const split = requests.filter((r) => r.why.endsWith("traffic splitting"));
    assert.deepEqual(split.map((r) => r.action).sort(), [
        "elasticloadbalancing:AddTags", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:DeregisterTargets",
        "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:RegisterTargets",
    ]);
    assert.deepEqual(await denials(principal, split), []);
    const weakened: Principal = { ...principal, policies: principal.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => (s as { Sid?: string }).Sid !== "SplitTrafficOnBeanstalkListeners") } })) };
    const lost = await denials(weakened, split);
    assert.ok(lost.some((d) => /elasticloadbalancing:ModifyListener on arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\/app\/awseb-/.test(d)), lost.join("\n"));
});
