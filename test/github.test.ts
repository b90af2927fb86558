import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { Plan } from "../tools/plan/mock-engine";
import { all, json, one, planStack } from "./helpers";

interface Doc {
    Statement: { Sid?: string; Action: string[] | string; Resource: string[] | string; Condition?: Record<string, Record<string, string | string[]>> }[];
}

let delivery: Plan;
before(async () => {
    delivery = await planStack("delivery");
});

const environment = (plan: Plan, name: string) =>
    all(plan, "github:index/repositoryEnvironment:RepositoryEnvironment").find((e) => e.inputs.environment === name) ?? assert.fail(`no ${name} environment`);

test("production deploys need a reviewer who is not the author, and admins cannot bypass", () => {
    const production = environment(delivery, "production");
    const reviewers = production.inputs.reviewers as { users: number[] }[];
    assert.equal(reviewers.length, 1);
    assert.equal(reviewers[0].users.length, 1);
    assert.ok(Number.isInteger(reviewers[0].users[0]), "GitHub wants numeric user ids");
    assert.equal(production.inputs.preventSelfReview, true);
    assert.equal(production.inputs.canAdminsBypass, false);
});

test("pipeline environments accept deployments from the release branch only; review accepts any branch", () => {
    for (const name of ["staging", "production"]) {
        assert.deepEqual(environment(delivery, name).inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
        const policy = all(delivery, "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy").find(
            (p) => p.inputs.environment === name,
        );
        assert.equal(policy?.inputs.branchPattern, "main");
    }
    assert.equal(environment(delivery, "review").inputs.deploymentBranchPolicy, undefined);
});

test("with a separate infra repository the roles trust it and only it gets the role variables and CI secrets", async () => {
    const plan = await planStack("delivery", { set: { "slipway:infraRepository": "acme/platform" } });
    for (const role of all(plan, "aws:iam/role:Role").filter((r) => String(r.inputs.assumeRolePolicy).includes("AssumeRoleWithWebIdentity"))) {
        const sub = json<Doc>(role, "assumeRolePolicy").Statement[0].Condition?.StringEquals?.["token.actions.githubusercontent.com:sub"];
        for (const s of [sub].flat()) assert.match(String(s), /^repo:acme\/platform:/);
    }
    const byRepo = (repo: string) =>
        all(plan, "github:index/actionsVariable:ActionsVariable")
            .filter((v) => v.inputs.repository === repo)
            .map((v) => v.inputs.variableName)
            .sort();
    assert.deepEqual(byRepo("shop"), ["AWS_REGION", "ECR_REPOSITORY_URL", "PIPELINE_NAME"]);
    assert.deepEqual(byRepo("platform"), [
        "AWS_DEPLOY_ROLE_ARN_PRODUCTION", "AWS_DEPLOY_ROLE_ARN_REVIEW", "AWS_DEPLOY_ROLE_ARN_STAGING", "AWS_PREVIEW_ROLE_ARN", "AWS_REGION",
        "PIPELINE_NAME", "PRODUCTION_GATE", "REVIEW_STACKS_KMS_URL",
    ]);
    const secrets = all(plan, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
    assert.ok(secrets.length > 0 && secrets.every((s) => s.inputs.repository === "platform"));
    assert.ok(all(plan, "github:index/repositoryEnvironment:RepositoryEnvironment").every((e) => e.inputs.repository === "platform"));
    assert.deepEqual(all(plan, "pulumi:providers:github").map((p) => p.inputs.owner).sort(), ["acme"]);
});

test("an S3 state backend is published to the workflows and each CI role reaches only its own stacks' state", async () => {
    const plan = await planStack("delivery", { set: { "slipway:pulumiBackendUrl": "s3://acme-pulumi-state/shop" } });
    const variable = all(plan, "github:index/actionsVariable:ActionsVariable").find((v) => v.inputs.variableName === "PULUMI_BACKEND_URL");
    assert.equal(variable?.inputs.value, "s3://acme-pulumi-state/shop");
    const statementsOf = (policyName: string) => json<Doc>(all(plan, "aws:iam/policy:Policy").find((r) => r.inputs.name === policyName) ?? one(plan, "aws:iam/rolePolicy:RolePolicy", policyName), "policy").Statement;
    const staging = statementsOf("shop-staging-deploy-data");
    assert.deepEqual(staging.find((s) => s.Sid === "StateWrite")?.Resource, [
        "arn:aws:s3:::acme-pulumi-state/shop/.pulumi/stacks/slipway/staging.json*",
        "arn:aws:s3:::acme-pulumi-state/shop/.pulumi/stacks/slipway/staging.pulumi-tags",
        "arn:aws:s3:::acme-pulumi-state/shop/.pulumi/history/slipway/staging/*",
        "arn:aws:s3:::acme-pulumi-state/shop/.pulumi/backups/slipway/staging/*",
        "arn:aws:s3:::acme-pulumi-state/shop/.pulumi/journal/slipway/staging/*",
    ]);
    assert.deepEqual(staging.find((s) => s.Sid === "StateBucketList")?.Condition, { StringLike: { "s3:prefix": ["shop/.pulumi", "shop/.pulumi/*"] } });
    const preview = statementsOf("github-oidc-preview-policy");
    assert.ok(!preview.some((s) => s.Sid === "StateWrite"), "a preview never writes a checkpoint");
    const cloud = json<Doc>(one(delivery, "aws:iam/rolePolicy:RolePolicy", "github-oidc-preview-policy"), "policy").Statement;
    assert.ok(!cloud.some((s) => /^State/.test(s.Sid ?? "")), "no S3 rights with Pulumi Cloud");
});

test("a malformed infra repository or backend URL is rejected before anything is declared", async () => {
    const { rejection } = await import("./helpers");
    assert.match(await rejection(() => planStack("delivery", { set: { "slipway:infraRepository": "platform" } })), /slipway:infraRepository = "platform" is not valid: it must be owner\/repo/);
    assert.match(await rejection(() => planStack("delivery", { set: { "slipway:pulumiBackendUrl": "file:///tmp" } })), /slipway:pulumiBackendUrl .* s3:\/\/bucket/);
    assert.match(await rejection(() => planStack("delivery", { set: { "slipway:productionReviewers": '["not a user"]' } })), /GitHub user names/);
});

// --- who lets pull-request code into a review stack (slipway:reviewStackGate) ------------------------------

const trustedSubjects = (plan: Plan, role: string): string[] => {
    const doc = json<{ Statement: { Condition: Record<string, Record<string, string[]>> }[] }>(one(plan, "aws:iam/role:Role", role), "assumeRolePolicy");
    return doc.Statement.flatMap((s) => s.Condition.StringEquals?.["token.actions.githubusercontent.com:sub"] ?? []);
};

test("review-stack deploys wait for a production reviewer, not the pull request's author", () => {
    const review = environment(delivery, "review");
    const production = environment(delivery, "production");
    assert.deepEqual(review.inputs.reviewers, production.inputs.reviewers);
    assert.equal((review.inputs.reviewers as { users: number[] }[])[0].users.length, 1);
    assert.equal(review.inputs.preventSelfReview, true);
    assert.equal(review.inputs.canAdminsBypass, false);
});

test("the teardown environment has no reviewers but admits only the release branch, and the review role trusts both", () => {
    const teardown = environment(delivery, "review-teardown");
    assert.deepEqual(teardown.inputs.reviewers, []);
    assert.deepEqual(teardown.inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
    const policy = all(delivery, "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy").find((p) => p.inputs.environment === "review-teardown");
    assert.equal(policy?.inputs.branchPattern, "main");
    const secrets = (env: string) => all(delivery, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret").filter((s) => s.inputs.environment === env).map((s) => s.inputs.secretName).sort();
    assert.deepEqual(secrets("review-teardown"), secrets("review"));
    assert.ok(secrets("review").length > 0, "the review environment has its own secrets");
    assert.deepEqual(trustedSubjects(delivery, "github-oidc-deploy-review").sort(), ["repo:acme/shop:environment:review", "repo:acme/shop:environment:review-teardown"]);
});

test("under the pipeline-approval gate, or reviewStackGate label, review stacks need no reviewer", async () => {
    for (const set of <Record<string, string>[]>[
        { "slipway:productionGate": "pipeline-approval", "slipway:productionReviewers": "[]" },
        { "slipway:reviewStackGate": "label" },
    ]) {
        const plan = await planStack("delivery", { set });
        assert.deepEqual(environment(plan, "review").inputs.reviewers, [], JSON.stringify(set));
        assert.equal(environment(plan, "review").inputs.preventSelfReview, false);
    }
});

test("with a package index the app repository's CI gets a read-only role for its release branch and pull requests, and the index's coordinates", async () => {
    const plan = await planStack("packages-delivery");
    assert.deepEqual(trustedSubjects(plan, "github-oidc-packages-read").sort(), ["repo:acme/shop:pull_request", "repo:acme/shop:ref:refs/heads/main"]);
    const vars = Object.fromEntries(all(plan, "github:index/actionsVariable:ActionsVariable").map((v) => [v.inputs.variableName, v.inputs.value]));
    assert.match(String(vars.AWS_PACKAGES_READ_ROLE_ARN), /^arn:aws:iam::123456789012:role\/slipway\/shop\/github-oidc-packages-read-/);
    assert.equal(vars.CODEARTIFACT_DOMAIN, "acme");
    assert.equal(vars.CODEARTIFACT_DOMAIN_OWNER, "123456789012");
    assert.match(String(vars.CODEARTIFACT_PYPI_URL), /^https:\/\/acme-123456789012\.d\.codeartifact\.us-east-1\.amazonaws\.com\/pypi\/shop-pypi\/$/);
    // Without a package index there is no such role and no such variable.
    assert.equal(delivery.resources.filter((r) => r.name === "github-oidc-packages-read").length, 0);
    assert.ok(!all(delivery, "github:index/actionsVariable:ActionsVariable").some((v) => String(v.inputs.variableName).startsWith("CODEARTIFACT_") || v.inputs.variableName === "AWS_PACKAGES_READ_ROLE_ARN"));
});
