// Every credential reaches only its own stack, proven by simulation (tools/check/iam-sim.ts): each role's
// destructive and secret-reading requests against every stack it does not own are evaluated and must be
// denied, including re-tagging a resource into the role's own stack, and a role of its own with a broad
// managed policy attached. A widened policy fails here, naming role, action and resource.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Plan } from "../tools/plan/mock-engine";
import { actionFacts, decide, Doc, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { ACCOUNT_WIDE, breaches } from "../tools/check/iam-check";
import { attackRequests, StackView } from "../tools/check/iam-requests";
import { stateAttacks } from "../tools/check/state-requests";
import { planStack } from "./helpers";

const view = (plan: Plan, stack = plan.stack): StackView => ({ plan, region: "us-east-1", tag: `shop/${stack}`, app: "shop" });

const plans = new Map<string, Promise<Plan>>();
const plan = (stack: string, as?: string, set?: Record<string, string>) => {
    const key = `${stack}/${as ?? ""}/${JSON.stringify(set ?? {})}`;
    if (!plans.has(key)) plans.set(key, planStack(stack, { ...(as ? { stackName: as } : {}), ...(set ? { set } : {}) }));
    return plans.get(key) as Promise<Plan>;
};

const CASES: { role: string; own: string; victims: [string, string?][] }[] = [
    { role: "github-oidc-deploy-review", own: "review-pr-7", victims: [["staging"], ["production"], ["delivery"], ["beanstalk-staging"]] },
    { role: "github-oidc-deploy-staging", own: "staging", victims: [["production"], ["delivery"], ["staging", "review-pr-8"], ["beanstalk-production"]] },
    { role: "github-oidc-deploy-production", own: "production", victims: [["staging"], ["delivery"], ["staging", "review-pr-8"]] },
    { role: "github-oidc-preview", own: "preview", victims: [["staging"], ["production"], ["delivery"]] },
];

for (const c of CASES) {
    for (const [victim, as] of c.victims) {
        test(`${c.role} can change nothing of ${as ?? victim} and read none of its secrets`, async () => {
            const delivery = await plan("delivery");
            const requests = await attackRequests(view(await plan(victim, as), as ?? victim), `shop/${c.own}`);
            assert.ok(requests.length > 50, `only ${requests.length} attacks`);
            assert.deepEqual(await breaches(principalOf(delivery, c.role), requests), []);
        });
    }
}

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
        assert.deepEqual(await breaches(role, requests.filter((r) => !r.action.startsWith("iam:"))), [], `against ${as ?? victim}`);
    }
    const secret: Request = { action: "secretsmanager:GetSecretValue", resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:slipway/shop/review-pr-8/app-abc-AbCdEf", context: {}, why: "review-pr-8's secret" };
    assert.equal(await decide(role, secret), "ExplicitlyDenied");
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

test("review stacks share one runtime policy, yet review-pr-7's tasks read only review-pr-7's secrets", async () => {
    const delivery = await plan("delivery");
    const env = await plan("staging", "review-pr-7");
    const execution = principalOf(env, "app-execution", [env, delivery], {}, { "slipway:stack": "shop/review-pr-7" });
    const secretOf = (stack: string): Request => ({ action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:us-east-1:123456789012:secret:slipway/shop/${stack}/app-abc-AbCdEf`, context: {}, why: `${stack}'s secret` });
    assert.equal(await decide(execution, secretOf("review-pr-7")), "Allowed");
    assert.notEqual(await decide(execution, secretOf("review-pr-8")), "Allowed");
    assert.notEqual(await decide(execution, secretOf("staging")), "Allowed");
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
    ]) {
        assert.notEqual(await decide(review, r), "Allowed", `${r.action} on ${r.resource}`);
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
    // Those environments' roles cannot decrypt production's key (the key its stack file must use: stack-secrets-provider).
    const delivery = await plan("delivery");
    const productionKey = delivery.resources.find((r) => r.type === "aws:kms/key:Key" && r.name === "runtime-policies-production-secrets-key");
    assert.ok(productionKey, "the delivery stack creates production's secrets-provider key");
    const keyArn = `arn:aws:kms:us-east-1:123456789012:key/production-secrets-key`;
    for (const role of ["github-oidc-preview", "github-oidc-deploy-review"]) {
        for (const action of ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]) {
            assert.notEqual(await decide(principalOf(delivery, role), { action, resource: keyArn, context: {}, why: "production's config" }), "Allowed", `${role} ${action}`);
        }
    }
    // …while production's own deploy role can (its policy names the key the delivery stack made).
    const production = principalOf(delivery, "github-oidc-deploy-production");
    const granted = production.policies.flatMap((p) => p.doc.Statement as { Sid?: string; Resource?: unknown }[]).find((s) => s.Sid === "OwnSecretsProviderKey");
    assert.ok(granted, "production's deploy role is granted its own key");
});
