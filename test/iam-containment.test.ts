// Every credential reaches only its own stack, proven by simulation (tools/check/iam-sim.ts): each role's
// destructive and secret-reading requests against every stack it does not own are evaluated and must be
// denied, including re-tagging a resource into the role's own stack, and a role of its own with a broad
// managed policy attached. A widened policy fails here, naming role, action and resource.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Plan } from "../tools/plan/mock-engine";
import { actionFacts, decide, Doc, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { ACCOUNT_WIDE, breaches } from "../tools/check/iam-check";
import { attackRequests, beanstalkStorageAttackRequests, StackView, unscopableAttacks } from "../tools/check/iam-requests";
import { mockArn, mockId, physicalNameOf } from "../tools/plan/identities";
import { stateAttacks } from "../tools/check/state-requests";
import { planStack } from "./helpers";

const view = (plan: Plan, stack = plan.stack): StackView => ({ plan, region: "us-east-1", tag: `shop/${stack}`, app: "shop" });

const plans = new Map<string, Promise<Plan>>();
const plan = (stack: string, as?: string, set?: Record<string, string>) => {
    const key = `${stack}/${as ?? ""}/${JSON.stringify(set ?? {})}`;
    if (!plans.has(key)) plans.set(key, planStack(stack, { ...(as ? { stackName: as } : {}), ...(set ? { set } : {}) }));
    return plans.get(key) as Promise<Plan>;
};

/** The ARN the mock engine gives a key of the delivery plan (what the roles' policies name), and its key policy. */
function keyOf(delivery: Plan, name: string): { arn: string; policy: Doc } {
    const key = delivery.resources.find((r) => r.type === "aws:kms/key:Key" && r.name === name);
    assert.ok(key, `the delivery stack declares ${name}`);
    const physical = physicalNameOf(key.name, key.inputs);
    const arn = mockArn(key.type, key.name, physical, mockId(key.type, key.name, physical), key.inputs, "us-east-1");
    assert.ok(arn);
    return { arn, policy: JSON.parse(String(key.inputs.policy)) as Doc };
}

/**
 * `mayDecrypt`: policy stacks whose secrets-provider key the role decrypts by design (previews of
 * staging-tier stacks decrypt their config); every other use of any other stack's key is an attack.
 */
const CASES: { role: string; own: string; victims: [string, string?][]; mayDecrypt?: string[] }[] = [
    // ebdb-production: a Beanstalk production with its own database (cluster, RDS's secret, restart, environment).
    { role: "github-oidc-deploy-review", own: "review-pr-7", victims: [["staging"], ["production"], ["delivery"], ["beanstalk-staging"], ["apps-production"], ["ebdb-production"]] },
    { role: "github-oidc-deploy-staging", own: "staging", victims: [["production"], ["delivery"], ["staging", "review-pr-8"], ["beanstalk-production"], ["apps-staging"], ["apps-staging", "review-pr-9"], ["ebdb-production"], ["queue-staging"]] },
    // linear-production: another stack's infrastructure role for load balancers, listener rule and alternate target group.
    { role: "github-oidc-deploy-production", own: "production", victims: [["staging"], ["delivery"], ["staging", "review-pr-8"], ["linear-production"]] },
    { role: "github-oidc-preview", own: "preview", victims: [["staging"], ["production"], ["delivery"]], mayDecrypt: ["staging"] },
];

for (const c of CASES) {
    for (const [victim, as] of c.victims) {
        test(`${c.role} can change nothing of ${as ?? victim} and read none of its secrets`, async () => {
            const delivery = await plan("delivery");
            const requests = await attackRequests(view(await plan(victim, as), as ?? victim), `shop/${c.own}`);
            assert.ok(requests.length > 50, `only ${requests.length} attacks`);
            const byDesign = (c.mayDecrypt ?? []).map((st) => `kms:Decrypt on ${keyOf(delivery, `runtime-policies-${st}-secrets-key`).arn} is allowed`);
            const found = await breaches(principalOf(delivery, c.role), requests);
            assert.deepEqual(found.filter((b) => !byDesign.some((d) => b.includes(d))), []);
        });
    }
}

test("a pull-request or other-stack role given kms:Decrypt on production's real key is caught, naming role, action and key", async () => {
    const delivery = await plan("delivery");
    const key = keyOf(delivery, "runtime-policies-production-secrets-key");
    const attacks = await attackRequests(view(delivery), "shop/review-pr-7");
    assert.ok(attacks.some((r) => r.action === "kms:Decrypt" && r.resource === key.arn), `no attack decrypts production's key ${key.arn}`);
    for (const [role, own] of [["github-oidc-preview", "preview"], ["github-oidc-deploy-review", "review-pr-7"], ["github-oidc-deploy-staging", "staging"]]) {
        const principal = principalOf(delivery, role);
        const requests = await attackRequests(view(delivery), `shop/${own}`);
        const before = await breaches(principal, requests);
        assert.ok(!before.some((b) => b.includes(key.arn)), before.join("\n"));
        const widened: Principal = { ...principal, policies: [...principal.policies, { name: "oops", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Decrypt"], Resource: [key.arn] }] } }] };
        const found = await breaches(widened, requests);
        assert.ok(found.some((b) => b.startsWith(`delivery/${role}: kms:Decrypt on ${key.arn} is allowed (delivery aws:kms/key:Key runtime-policies-production-secrets-key`)), `${role}:\n${found.join("\n")}`);
    }
});

/** Whose state each role's runs may not write (and, unless marked readable, not read). Delivery's checkpoint is every program's StackReference: readable, never writable. */
const STATE_VICTIMS: { role: string; victims: [string, "readable"?][] }[] = [
    { role: "github-oidc-preview", victims: [["production"], ["delivery", "readable"], ["staging", "readable"], ["review"], ["review-pr-7"]] },
    { role: "github-oidc-deploy-review", victims: [["production"], ["staging"], ["delivery", "readable"], ["review", "readable"]] },
    { role: "github-oidc-deploy-staging", victims: [["production"], ["delivery", "readable"], ["review"], ["review-pr-7"]] },
    { role: "github-oidc-deploy-production", victims: [["staging"], ["delivery", "readable"], ["review"], ["review-pr-7"]] },
];

for (const { role, victims } of STATE_VICTIMS) {
    test(`with an S3 state backend ${role} cannot write ${victims.map(([v]) => v).join(", ")}'s state or lock, nor read ${victims.filter(([, r]) => !r).map(([v]) => v).join(", ")}'s`, async () => {
        const backend = "s3://acme-pulumi-state/shop";
        const principal = principalOf(await plan("delivery", undefined, { "slipway:pulumiBackendUrl": backend }), role);
        const attacks = victims.flatMap(([v, readable]) => stateAttacks(backend, "slipway", v, readable === "readable"));
        assert.ok(attacks.length > 40);
        assert.deepEqual(await breaches(principal, attacks), []);
    });
}

test("a deploy role cannot mint itself more rights: no unbounded role, no broad policy, no inline policy, no boundary removal", async () => {
    const delivery = await plan("delivery");
    const review = principalOf(delivery, "github-oidc-deploy-review");
    const ownRole = "arn:aws:iam::123456789012:role/slipway/shop/review-pr-7/app-task-abc1234";
    const requests: Request[] = [
        { action: "iam:CreateRole", resource: ownRole, context: {}, why: "a role without the boundary" },
        { action: "iam:CreateRole", resource: ownRole, context: { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" }, why: "a role with a broad boundary" },
        { action: "iam:AttachRolePolicy", resource: ownRole, context: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" }, why: "AdministratorAccess on its own role" },
        { action: "iam:PutRolePolicy", resource: ownRole, context: {}, why: "an inline policy on its own role" },
        { action: "iam:DeleteRolePermissionsBoundary", resource: ownRole, context: {}, why: "dropping the boundary" },
        { action: "iam:CreatePolicyVersion", resource: "arn:aws:iam::123456789012:policy/slipway/shop/shop-review-boundary", context: {}, why: "rewriting its boundary" },
        { action: "iam:CreatePolicyVersion", resource: "arn:aws:iam::123456789012:policy/slipway/shop/shop-review-deploy-data", context: {}, why: "rewriting its own policy" },
        { action: "iam:PassRole", resource: "arn:aws:iam::123456789012:role/slipway/shop/production/app-task-abc1234", context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" }, why: "passing production's role" },
    ];
    assert.deepEqual(await breaches(review, requests), []);
});

/** A role of `stack` with AdministratorAccess attached, under its stack's boundary. */
async function unleashed(stack: string, as: string, roleName: string): Promise<Principal> {
    const delivery = await plan("delivery");
    const env = await plan(stack, as);
    const role = principalOf(env, roleName, [env, delivery], {}, { "slipway:stack": `shop/${as}` });
    const admin: Doc = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
    return { ...role, policies: [...role.policies, { name: "AdministratorAccess", doc: admin }] };
}

test("the permissions boundary holds a review stack's role to its stack even with AdministratorAccess attached", async () => {
    const role = await unleashed("staging", "review-pr-7", "app-task");
    assert.ok(role.boundary, "environment roles carry the boundary");
    for (const [victim, as] of [["staging"], ["production"], ["staging", "review-pr-8"]] as [string, string?][]) {
        const requests = await attackRequests(view(await plan(victim, as), as ?? victim), "shop/review-pr-7");
        // The boundary confines what carries a stack tag; a group no stack has tagged is no stack's.
        const confined = requests.filter((r) => !r.action.startsWith("iam:") && !/an untagged security group/.test(r.why));
        assert.deepEqual(await breaches(role, confined), [], `against ${as ?? victim}`);
    }
    const secret: Request = { action: "secretsmanager:GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:slipway/shop/review-pr-8/app-abc-AbCdEf", context: {}, why: "review-pr-8's secret" };
    assert.equal(await decide(role, secret), "ExplicitlyDenied");
});

test("the permissions boundary keeps a stack's role with AdministratorAccess off every other stack's keys, and review stacks' roles off the shared review key", async () => {
    const delivery = await plan("delivery");
    const key = (st: string) => keyOf(delivery, `runtime-policies-${st}-secrets-key`);
    const others: Record<string, string[]> = { "review-pr-7": ["staging", "production"], staging: ["production", "review"], production: ["staging", "review"] };
    for (const [stack, as] of [["staging", "review-pr-7"], ["staging", "staging"], ["production", "production"]]) {
        const role = await unleashed(stack, as, "app-task");
        const requests = (await attackRequests(view(delivery), `shop/${as}`)).filter((r) => r.action.startsWith("kms:"));
        for (const st of others[as]) assert.ok(requests.some((r) => r.action === "kms:Decrypt" && r.resource === key(st).arn), `${as}: no attack decrypts ${st}'s key`);
        assert.deepEqual(await breaches(role, requests), [], `${as}'s app-task role`);
    }
    // Review stacks share one key for their config (their deploy role's); their workloads never need it.
    const review = key("review");
    const decrypt: Request = { action: "kms:Decrypt", resource: review.arn, context: { "aws:RequestedRegion": "us-east-1", "aws:ResourceTag/slipway:stack": "shop/review-*" }, why: "the review stacks' key" };
    assert.notEqual(await decide(await unleashed("staging", "review-pr-7", "app-task"), decrypt, review.policy), "Allowed");
});

test("the boundary lets a review stack's role read the shared registry and EB application, never change them", async () => {
    const role = await unleashed("staging", "review-pr-7", "app-task");
    // Both belong to the delivery stack and carry its tag; the boundary exempts them from
    // NothingOfOtherStacks so tasks and instances can pull and report health, so these must stay denied.
    const delivery = { "aws:ResourceTag/slipway:stack": "shop/delivery" };
    const repo = "arn:aws:ecr:us-east-1:123456789012:repository/shop";
    const app = "arn:aws:elasticbeanstalk:us-east-1:123456789012:application/shop";
    const writes: Request[] = [
        ...["ecr:PutImage", "ecr:BatchDeleteImage", "ecr:DeleteRepository", "ecr:SetRepositoryPolicy", "ecr:PutLifecyclePolicy", "ecr:TagResource", "ecr:InitiateLayerUpload"].map((action) => ({ action, resource: repo, context: delivery, why: "change the shared registry" })),
        ...["elasticbeanstalk:DeleteApplication", "elasticbeanstalk:UpdateApplication", "elasticbeanstalk:UpdateApplicationResourceLifecycle", "elasticbeanstalk:AddTags", "elasticbeanstalk:RemoveTags", "elasticbeanstalk:UpdateTagsForResource"].map((action) => ({ action, resource: app, context: delivery, why: "change the shared application" })),
    ];
    for (const r of writes) assert.notEqual(await decide(role, r), "Allowed", `${r.action} on ${r.resource}`);
    const pull: Request = { action: "ecr:BatchGetImage", resource: repo, context: delivery, why: "pull the image" };
    assert.equal(await decide(role, pull), "Allowed");
});

test("review stacks share one runtime policy, yet review-pr-7's tasks read only review-pr-7's secrets, and no deploy role can tag a role into another policy stack", async () => {
    const delivery = await plan("delivery");
    const env = await plan("staging", "review-pr-7");
    // The role's tags as AWS stores them: the provider's defaultTags (every resource of the stack), then its own.
    const provider = env.resources.find((r) => r.type === "pulumi:providers:aws");
    const defaults = (JSON.parse(String(provider?.inputs.defaultTags ?? "{}")) as { tags?: Record<string, string> }).tags ?? {};
    const roleResource = env.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "app-execution");
    const tags = { ...defaults, ...((roleResource?.inputs.tags as Record<string, string> | undefined) ?? {}) };
    assert.equal(tags["slipway:stack"], "shop/review-pr-7", "the plan tags the role for its own stack");
    const execution = principalOf(env, "app-execution", [env, delivery], {}, tags);
    const secretOf = (stack: string): Request => ({ action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:us-east-1:123456789012:secret:slipway/shop/${stack}/app-abc-AbCdEf`, context: {}, why: `${stack}'s secret` });
    assert.equal(await decide(execution, secretOf("review-pr-7")), "Allowed");
    assert.notEqual(await decide(execution, secretOf("review-pr-8")), "Allowed");
    assert.notEqual(await decide(execution, secretOf("staging")), "Allowed");
    // The tag is the role's identity: no deploy role may create or re-tag its roles with another policy stack's tag…
    const role = "arn:aws:iam::123456789012:role/slipway/shop/review-pr-7/app-execution-abc1234";
    const review = principalOf(delivery, "github-oidc-deploy-review");
    for (const forged of ["shop/staging", "shop/production", "shop/delivery"]) {
        const tag = { "aws:RequestTag/slipway:stack": forged, "aws:TagKeys": ["slipway:stack"] };
        const boundary = { "iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/slipway/shop/shop-review-boundary" };
        assert.notEqual(await decide(review, { action: "iam:CreateRole", resource: role, context: { ...boundary, ...tag }, why: `created as ${forged}` }), "Allowed", forged);
        assert.notEqual(await decide(review, { action: "iam:TagRole", resource: role, context: { "aws:ResourceTag/slipway:stack": "shop/review-pr-7", ...tag }, why: `re-tagged ${forged}` }), "Allowed", forged);
    }
    // …while a tag of another review stack gains nothing: the one review deploy role reads every review stack's secrets itself.
    assert.equal(await decide(review, secretOf("review-pr-8")), "Allowed");
});

test("what AWS gives no condition key to deny is recorded, not hidden: a Cloud Map namespace in another stack's VPC", async () => {
    const namespace = await actionFacts("servicediscovery:CreatePrivateDnsNamespace");
    assert.ok(namespace);
    assert.deepEqual(namespace.resourceTypes, [], "CreatePrivateDnsNamespace has a resource type now: scope CreateOwnNamespaces by it");
    assert.deepEqual([...namespace.conditionKeys].sort(), ["aws:RequestTag/${TagKey}", "aws:TagKeys"], "CreatePrivateDnsNamespace has a new condition key: use it");
    const zone = await actionFacts("route53:CreateHostedZone");
    assert.deepEqual(zone?.conditionKeys, ["route53:VPCs"], "CreateHostedZone has a new condition key: use it");
    const delivery = await plan("delivery");
    const requests = unscopableAttacks(view(await plan("production")), "shop/review-pr-7");
    assert.equal(requests.length, 2);
    // The one reach left (documented in infra/platforms/ecs/deployer.ts CreateOwnNamespaces and docs/credentials.md).
    for (const r of requests) assert.equal(await decide(principalOf(delivery, "github-oidc-deploy-review"), r), "Allowed", `${r.action}: denied now; move it into attackRequests`);
});

test("a widened deploy policy is caught, naming the role, the action and the resource", async () => {
    const delivery = await plan("delivery");
    const review = principalOf(delivery, "github-oidc-deploy-review");
    const widened: Principal = { ...review, policies: [...review.policies, { name: "oops", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ec2:DeleteVpc"], Resource: "*" }] } }] };
    const found = await breaches(widened, await attackRequests(view(await plan("production")), "shop/review-pr-7"));
    assert.ok(found.some((b) => /^delivery\/github-oidc-deploy-review: ec2:DeleteVpc on arn:aws:ec2:us-east-1:123456789012:vpc\/vpc-\w+ is allowed \(production aws:ec2\/vpc:Vpc network-vpc\)$/.test(b)), found.join("\n"));
});

test("a re-tag into the attacker's stack is denied before anything could follow it", async () => {
    const delivery = await plan("delivery");
    const review = principalOf(delivery, "github-oidc-deploy-review");
    const retag = (resource: string, action = "ec2:CreateTags"): Request => ({
        action,
        resource,
        context: { "aws:ResourceTag/slipway:stack": "shop/production", "ec2:ResourceTag/slipway:stack": "shop/production", "aws:RequestTag/slipway:stack": "shop/review-pr-7", "aws:TagKeys": ["slipway:stack"] },
        why: "re-tag production's resource into review-pr-7",
    });
    for (const r of [
        retag("arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0"),
        retag("arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"),
        retag("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/prod/0123456789abcdef", "elasticloadbalancing:AddTags"),
        retag("arn:aws:cloudformation:us-east-1:123456789012:stack/awseb-e-abc-stack/0000", "cloudformation:TagResource"),
        retag("arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0000:autoScalingGroupName/awseb-e-abc-stack-AWSEBAutoScalingGroup-x", "autoscaling:CreateOrUpdateTags"),
        retag("*", "servicediscovery:TagResource"),
        retag("arn:aws:apigateway:us-east-1::/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Fapis%2Fabc123", "apigateway:POST"),
        retag("arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec1a2b3c4d5e6f7a8b9c0d1e2f3", "application-autoscaling:TagResource"),
        retag("arn:aws:elasticbeanstalk:us-east-1:123456789012:application/shop", "elasticbeanstalk:AddTags"),
    ]) {
        assert.notEqual(await decide(review, r), "Allowed", `${r.action} on ${r.resource}`);
    }
});

test("no deploy role can take over EB's storage bucket or write, delete or re-ACL another stack's bundles in it", async () => {
    // The bucket (elasticbeanstalk-<region>-<account>) is untagged and shared by every environment of the
    // account: its policy is the only guard, and a same-account bucket policy naming a role grants it
    // writes outright. So no deploy role may set that policy, and none may write the bundles there.
    const delivery = await plan("delivery");
    const beanstalkDelivery = await plan("beanstalk-delivery");
    const cases: [Plan, string, [string, string?][]][] = [
        [delivery, "github-oidc-deploy-review", [["beanstalk-staging"], ["beanstalk-production"], ["beanstalk-staging", "review-pr-8"]]],
        [delivery, "github-oidc-deploy-staging", [["beanstalk-production"], ["beanstalk-staging", "review-pr-8"]]],
        [beanstalkDelivery, "github-oidc-deploy-beanstalk-staging", [["beanstalk-production"]]],
        [beanstalkDelivery, "github-oidc-deploy-beanstalk-production", [["beanstalk-staging"], ["beanstalk-staging", "review-pr-8"]]],
    ];
    for (const [d, role, victims] of cases) {
        const principal = principalOf(d, role);
        for (const [victim, as] of victims) {
            const requests = beanstalkStorageAttackRequests(view(await plan(victim, as), as ?? victim));
            assert.ok(requests.length >= 9, `only ${requests.length} attacks against ${as ?? victim}`);
            assert.deepEqual(await breaches(principal, requests), [], `${role} against ${as ?? victim}`);
        }
    }
});

test("every account-wide action really has no resource type in AWS's service authorization reference", async () => {
    for (const [action, why] of Object.entries(ACCOUNT_WIDE)) {
        const facts = await actionFacts(action);
        assert.ok(facts, `${action} does not exist`);
        assert.equal(facts.resourceTypes.length, 0, `${action} has resource types: scope it instead of listing it (${why})`);
    }
});

test("no pull-request job can decrypt production's config or read its state: the workflows' environments and the roles they get", async () => {
    const fs = await import("fs");
    const path = await import("path");
    const { parse } = await import("yaml");
    const { ROOT } = await import("./helpers");
    type Job = { environment?: string | { name: string }; steps?: { with?: Record<string, unknown>; env?: Record<string, unknown> }[]; env?: Record<string, unknown> };
    // Workflows that run a pull request's code: the jobs' environments decide which secrets and roles they get.
    const prEnvironments = new Set<string>();
    for (const file of ["pull-request.yml", "review-stack.yml"]) {
        const wf = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", file), "utf8")) as { jobs: Record<string, Job> };
        for (const [id, job] of Object.entries(wf.jobs)) {
            const env = typeof job.environment === "string" ? job.environment : job.environment?.name;
            if (env) prEnvironments.add(env);
            const text = JSON.stringify(job);
            assert.ok(!/AWS_DEPLOY_ROLE_ARN_(PRODUCTION|STAGING)|secrets\.PULUMI_CONFIG_PASSPHRASE/.test(text), `${file} ${id} names a production or staging credential`);
            if (!env) assert.ok(!/\$\{\{\s*secrets\.(?!GITHUB_TOKEN)/.test(text), `${file} ${id} reads a secret without naming an environment`);
        }
    }
    assert.deepEqual([...prEnvironments].sort(), ["preview", "review"]);
    // Those environments' roles cannot use production's key (the key its stack file must use: stack-secrets-provider),
    // simulated on the key's ARN with its key policy (KMS honours IAM policies only where the key policy lets it).
    const delivery = await plan("delivery");
    const key = keyOf(delivery, "runtime-policies-production-secrets-key");
    const use = (action: string): Request => ({ action, resource: key.arn, context: { "aws:RequestedRegion": "us-east-1" }, why: "production's config" });
    for (const role of ["github-oidc-preview", "github-oidc-deploy-review", "github-oidc-deploy-staging"]) {
        for (const action of ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]) {
            assert.notEqual(await decide(principalOf(delivery, role), use(action), key.policy), "Allowed", `${role} ${action}`);
        }
    }
    // …while production's own deploy role can, through the very same simulation: the denials above are not the simulator's default.
    const production = principalOf(delivery, "github-oidc-deploy-production");
    for (const action of ["kms:Decrypt", "kms:Encrypt"]) assert.equal(await decide(production, use(action), key.policy), "Allowed", `production ${action}`);
});

test("another stack's deploy role cannot rewrite, retarget or delete production's release alarms", async () => {
    const delivery = await plan("delivery");
    const requests = (await attackRequests(view(await plan("production")), "shop/staging")).filter((r) => r.resource.includes(":alarm:slipway/"));
    for (const action of ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"]) {
        assert.ok(requests.some((r) => r.action === action), `no ${action} attack on production's alarms`);
    }
    assert.deepEqual(await breaches(principalOf(delivery, "github-oidc-deploy-staging"), requests), []);
    // A name prefix without the trailing '/' would let staging reach a stack named staging-eu: the prefix is exact.
    const lookalike = requests.map((r) => ({ ...r, resource: r.resource.replace("slipway/shop/production/", "slipway/shop/staging-eu/") }));
    assert.deepEqual(await breaches(principalOf(delivery, "github-oidc-deploy-staging"), lookalike), []);
});

// slipway:database: staging's deploy role cannot snapshot, modify or delete production's cluster (nor its
// writer, subnet group, storage key or final snapshot), whatever else attackRequests tries.
const DATABASE_ATTACKS = ["rds:CreateDBClusterSnapshot", "rds:ModifyDBCluster", "rds:DeleteDBCluster", "rds:RemoveTagsFromResource", "rds:AddTagsToResource", "rds:RebootDBInstance", "rds:DeleteDBInstance"];

test("database-staging's deploy role can change nothing of database-production, its cluster above all", async () => {
    const delivery = await plan("database-delivery");
    const requests = await attackRequests(view(await plan("database-production"), "database-production"), "shop/database-staging");
    const cluster = "arn:aws:rds:us-east-1:123456789012:cluster:shop-database-production";
    for (const action of DATABASE_ATTACKS.slice(0, 3)) assert.ok(requests.some((r) => r.action === action && r.resource === cluster), `no attack ${action} on ${cluster}`);
    assert.deepEqual(await breaches(principalOf(delivery, "github-oidc-deploy-database-staging"), requests), []);
});

test("database-production's deploy role can change nothing of database-staging's database", async () => {
    const delivery = await plan("database-delivery");
    const requests = await attackRequests(view(await plan("database-staging"), "database-staging"), "shop/database-production");
    assert.ok(requests.some((r) => r.resource === "arn:aws:rds:us-east-1:123456789012:cluster:shop-database-staging"));
    assert.deepEqual(await breaches(principalOf(delivery, "github-oidc-deploy-database-production"), requests), []);
});

test("a staging deploy role whose database policy names clusters by wildcard is caught snapshotting production's", async () => {
    const delivery = await plan("database-delivery");
    const principal = principalOf(delivery, "github-oidc-deploy-database-staging");
    const widened: Principal = {
        ...principal,
        policies: principal.policies.map((p) => ({
            ...p,
            doc: { ...p.doc, Statement: p.doc.Statement.map((s) => ((s as { Sid?: string }).Sid === "ChangeOwnDatabase" ? { ...(s as object), Resource: ["arn:aws:rds:us-east-1:123456789012:cluster:*"], Condition: undefined } : s)) },
        })),
    };
    const requests = await attackRequests(view(await plan("database-production"), "database-production"), "shop/database-staging");
    const found = await breaches(widened, requests);
    assert.ok(found.some((b) => b.includes("rds:CreateDBClusterSnapshot on arn:aws:rds:us-east-1:123456789012:cluster:shop-database-production is allowed")), found.join("\n"));
});
