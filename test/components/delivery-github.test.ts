// GitHubOidc, DeploymentEnvironments and RepoSettings built from their Args: what GitHub Actions may
// assume in AWS, which environments gate it, and what the workflows read.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DeploymentEnvironments, DeploymentEnvironmentSpec } from "../../infra/delivery/github-environments";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, GitHubOidc, GitHubRoleSpec } from "../../infra/delivery/github-oidc";
import { RepoSettings } from "../../infra/delivery/repo-settings";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, MOCK_ACCOUNT, registeredOutputs, rejection, res, statements } from "./harness";

const test = componentTests(__filename);

// --- GitHubOidc --------------------------------------------------------------------------------------------

const OIDC = "slipway:delivery:GitHubOidc";
const ROLE = "aws:iam/role:Role";
const PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const EXISTING = `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${GITHUB_OIDC_HOST}`;
const ROLES: GitHubRoleSpec[] = [
    { name: "preview", description: "GitHub Actions: pulumi preview", subjects: ["pull_request"], statements: [{ Sid: "Read", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::state/*"] }] },
    {
        name: "deploy-production",
        description: "GitHub Actions: pulumi up of production",
        subjects: ["environment:production"],
        policies: [
            { name: "shop-production-deploy-a", description: "a", statements: [{ Sid: "A", Action: ["ecs:UpdateService"], Resource: ["arn:aws:ecs:eu-west-1:123456789012:service/x/y"] }] },
            { name: "shop-production-deploy-b", description: "b", statements: [{ Sid: "B", Action: ["ecs:DescribeServices"], Resource: ["arn:aws:ecs:eu-west-1:123456789012:service/x/y"] }] },
        ],
    },
];
const oidc = (over: { existingProviderArn?: string; roles?: GitHubRoleSpec[] } = {}, name = "github-oidc") =>
    build((ctx) => {
        const o = new GitHubOidc(name, { owner: "acme", repo: "shop-infra", roles: ROLES, rolePath: "/slipway/shop/", ctx, ...over });
        return {
            providerArn: o.providerArn,
            roleArns: Object.fromEntries(Object.entries(o.roles).map(([k, r]) => [k, r.arn])),
            roleIds: Object.fromEntries(Object.entries(o.roles).map(([k, r]) => [k, r.id])),
        };
    });
const trustOf = (p: Awaited<ReturnType<typeof oidc>>, role: string) => statements(res(p, ROLE, role), "assumeRolePolicy")[0];

test("a GitHubOidc owns its provider, roles and policies, all named after it", async () => {
    const [a, b] = [await oidc({}, "github-oidc"), await oidc({}, "other-oidc")];
    assertOwnsItsChildren(a, OIDC, "github-oidc");
    assertDisjoint(a, b);
});

test("without an existing provider it creates GitHub's, for STS's audience, and every role trusts it", async () => {
    const p = await oidc();
    const provider = res(p, PROVIDER, "github-oidc-github");
    assert.deepEqual([provider.inputs.url, provider.inputs.clientIdLists], [`https://${GITHUB_OIDC_HOST}`, [GITHUB_OIDC_AUDIENCE]]);
    assert.match(String(p.outputs.providerArn), /^arn:aws:iam::\d{12}:oidc-provider\//);
    for (const role of ["github-oidc-preview", "github-oidc-deploy-production"]) assert.deepEqual(trustOf(p, role).Principal, { Federated: p.outputs.providerArn });
});

test("with an existing provider it creates none and the roles trust the one given", async () => {
    const p = await oidc({ existingProviderArn: EXISTING });
    assert.equal(p.resources.filter((r) => r.type === PROVIDER).length, 0);
    assert.equal(p.outputs.providerArn, EXISTING);
    assert.deepEqual(trustOf(p, "github-oidc-preview").Principal, { Federated: EXISTING });
});

test("each role trusts only its own subjects of this repository, with STS's audience pinned", async () => {
    const p = await oidc();
    const trust = trustOf(p, "github-oidc-deploy-production");
    assert.equal(trust.Action, "sts:AssumeRoleWithWebIdentity");
    assert.deepEqual(trust.Condition, {
        StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: ["repo:acme/shop-infra:environment:production"] },
    });
    assert.deepEqual(trustOf(p, "github-oidc-preview").Condition?.StringEquals[`${GITHUB_OIDC_HOST}:sub`], ["repo:acme/shop-infra:pull_request"]);
    const role = res(p, ROLE, "github-oidc-preview");
    assert.deepEqual([role.inputs.path, role.inputs.maxSessionDuration, role.inputs.description], ["/slipway/shop/", 3600, "GitHub Actions: pulumi preview"]);
});

test("a wildcard or empty subject is refused at construction", async () => {
    for (const subject of ["*", "ref:refs/heads/*", ""]) {
        const message = await rejection(() => oidc({ roles: [{ name: "any", description: "x", subjects: [subject] }] }));
        assert.match(message, new RegExp(`GitHub OIDC subject "${subject.replace(/\*/g, "\\*")}" must name one pull_request, environment or ref, without wildcards`));
    }
});

test("inline statements become one role policy; a role without them gets none", async () => {
    const p = await oidc();
    const inline = p.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
    assert.deepEqual(inline.map((r) => r.name), ["github-oidc-preview-policy"]);
    assert.deepEqual(statements(inline[0]).map((s) => s.Sid), ["Read"]);
    assert.equal(inline[0].inputs.role, (p.outputs.roleIds as Record<string, string>).preview);
});

test("each managed policy is created under its own IAM name on the role path and attached to its role", async () => {
    const p = await oidc();
    const policies = p.resources.filter((r) => r.type === "aws:iam/policy:Policy");
    assert.deepEqual(policies.map((r) => [r.name, r.inputs.name, r.inputs.path]), [
        ["github-oidc-shop-production-deploy-a", "shop-production-deploy-a", "/slipway/shop/"],
        ["github-oidc-shop-production-deploy-b", "shop-production-deploy-b", "/slipway/shop/"],
    ]);
    const attachments = p.resources.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.equal(attachments.length, 2);
    const roleName = (p.outputs.roleArns as Record<string, string>)["deploy-production"].split("/").at(-1);
    for (const a of attachments) assert.equal(a.inputs.role, roleName);
    assert.deepEqual(attachments.map((a) => String(a.inputs.policyArn).split("/").at(-1)), ["shop-production-deploy-a", "shop-production-deploy-b"]);
});

test("a GitHubOidc registers the provider ARN and exposes a role per spec", async () => {
    const p = await oidc({ existingProviderArn: EXISTING });
    assert.deepEqual(registeredOutputs(p, res(p, OIDC, "github-oidc")), { providerArn: EXISTING });
    assert.deepEqual(Object.keys(p.outputs.roleArns as object), ["preview", "deploy-production"]);
});

// --- DeploymentEnvironments --------------------------------------------------------------------------------

const ENVIRONMENTS = "slipway:delivery:DeploymentEnvironments";
const ENVIRONMENT = "github:index/repositoryEnvironment:RepositoryEnvironment";
const BRANCH_POLICY = "github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy";
const ENV_SECRET = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";
const environments = (specs: DeploymentEnvironmentSpec[], opts: { revealSecrets?: boolean; name?: string } = {}) =>
    build(
        () => {
            new DeploymentEnvironments(opts.name ?? "deployment-environments", { repository: "shop-infra", environments: specs });
        },
        { revealSecrets: opts.revealSecrets },
    );
const PRODUCTION: DeploymentEnvironmentSpec = { name: "production", reviewers: ["alice", "bob"], branch: "main", secrets: { SLACK_WEBHOOK: pulumi.secret("https://hooks.example/p") } };
const REVIEW: DeploymentEnvironmentSpec = { name: "review" };

test("DeploymentEnvironments own each environment, its branch policy and its secrets, all named after them", async () => {
    const [a, b] = [await environments([PRODUCTION, REVIEW]), await environments([PRODUCTION, REVIEW], { name: "app-environments" })];
    assertOwnsItsChildren(a, ENVIRONMENTS, "deployment-environments");
    assertDisjoint(a, b);
});

test("an environment with reviewers requires them by user id, forbids self-review, and admins cannot bypass it", async () => {
    const env = res(await environments([PRODUCTION]), ENVIRONMENT, "deployment-environments-production").inputs;
    assert.deepEqual([env.repository, env.environment, env.preventSelfReview, env.canAdminsBypass], ["shop-infra", "production", true, false]);
    const [{ users }] = env.reviewers as { users: number[] }[];
    assert.equal(users.length, 2);
    for (const id of users) assert.ok(Number.isInteger(id) && id > 0, `GitHub user ids are numbers, got ${id}`);
    assert.notEqual(users[0], users[1]);
});

test("an environment without reviewers needs no approval, and admins still cannot bypass its rules", async () => {
    const env = res(await environments([REVIEW]), ENVIRONMENT, "deployment-environments-review").inputs;
    assert.deepEqual([env.reviewers, env.preventSelfReview, env.canAdminsBypass], [[], false, false]);
});

test("a branch limits deployments to it through a custom branch policy; without one any branch may deploy", async () => {
    const p = await environments([PRODUCTION, REVIEW]);
    assert.deepEqual(res(p, ENVIRONMENT, "deployment-environments-production").inputs.deploymentBranchPolicy, { protectedBranches: false, customBranchPolicies: true });
    const policies = p.resources.filter((r) => r.type === BRANCH_POLICY);
    assert.deepEqual(policies.map((r) => [r.name, r.inputs.environment, r.inputs.branchPattern]), [["deployment-environments-production-branch", "production", "main"]]);
    assert.equal(res(p, ENVIRONMENT, "deployment-environments-review").inputs.deploymentBranchPolicy, undefined);
});

test("environment secrets are stored as secrets of their own environment, never in plain text in the plan", async () => {
    const p = await environments([PRODUCTION, { name: "staging", secrets: { SLACK_WEBHOOK: pulumi.output("not-marked-secret") } }]);
    // Registration order follows when each environment resolves (reviewers are looked up first): compare by name.
    const secrets = p.resources.filter((r) => r.type === ENV_SECRET).sort((x, y) => x.name.localeCompare(y.name));
    assert.deepEqual(secrets.map((s) => [s.name, s.inputs.environment, s.inputs.secretName, s.inputs.value]), [
        ["deployment-environments-production-slack_webhook", "production", "SLACK_WEBHOOK", "[secret]"],
        // The component marks the value secret itself, even when the caller forgot to.
        ["deployment-environments-staging-slack_webhook", "staging", "SLACK_WEBHOOK", "[secret]"],
    ]);
    assert.ok(!JSON.stringify(p).includes("hooks.example") && !JSON.stringify(p).includes("not-marked-secret"));
    // The deprecated inputs stay unused: `value` only.
    for (const s of secrets) assert.deepEqual([s.inputs.plaintextValue, s.inputs.encryptedValue], [undefined, undefined]);
});

test("the secret's value reaches GitHub unchanged", async () => {
    const p = await environments([PRODUCTION], { revealSecrets: true });
    assert.equal(res(p, ENV_SECRET, "deployment-environments-production-slack_webhook").inputs.value, "https://hooks.example/p");
});

test("DeploymentEnvironments register (empty) outputs", async () => {
    const p = await environments([REVIEW]);
    assert.deepEqual(registeredOutputs(p, res(p, ENVIRONMENTS, "deployment-environments")), {});
});

// --- RepoSettings ------------------------------------------------------------------------------------------

const SETTINGS = "slipway:delivery:RepoSettings";
const VARIABLE = "github:index/actionsVariable:ActionsVariable";
const VARIABLES = { AWS_REGION: "eu-west-1", ECR_REPOSITORY_URL: pulumi.output(`${MOCK_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop`) };

test("RepoSettings own one Actions variable per entry, named after them and the variable", async () => {
    const [a, b] = [
        await build(() => void new RepoSettings("repo-settings", { repository: "shop", variables: VARIABLES })),
        await build(() => void new RepoSettings("app-repo-settings", { repository: "shop", variables: VARIABLES })),
    ];
    assertOwnsItsChildren(a, SETTINGS, "repo-settings");
    assertDisjoint(a, b);
    assert.deepEqual(a.resources.filter((r) => r.type === VARIABLE).map((r) => [r.name, r.inputs.repository, r.inputs.variableName, r.inputs.value]), [
        ["repo-settings-aws_region", "shop", "AWS_REGION", "eu-west-1"],
        ["repo-settings-ecr_repository_url", "shop", "ECR_REPOSITORY_URL", `${MOCK_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/shop`],
    ]);
    assert.deepEqual(registeredOutputs(a, res(a, SETTINGS, "repo-settings")), {});
});

test("two RepoSettings in one stack collide on their legacy aliases unless the second opts out with aliasLegacyNames: false", async () => {
    const message = await rejection(() =>
        build(() => {
            new RepoSettings("app-repo-settings", { repository: "shop", variables: VARIABLES });
            new RepoSettings("infra-repo-settings", { repository: "shop-infra", variables: VARIABLES });
        }),
    );
    assert.match(message, /aliased to the same: '.*RepoSettings\$github:index\/actionsVariable:ActionsVariable::aws_region'/);
    const p = await build(() => {
        new RepoSettings("app-repo-settings", { repository: "shop", variables: VARIABLES });
        new RepoSettings("infra-repo-settings", { repository: "shop-infra", variables: VARIABLES, aliasLegacyNames: false });
    });
    assert.equal(p.resources.filter((r) => r.type === VARIABLE).length, 4);
});

test("no variables, no Actions variables", async () => {
    const p = await build(() => void new RepoSettings("repo-settings", { repository: "shop", variables: {} }));
    assert.equal(p.resources.filter((r) => r.type === VARIABLE).length, 0);
});
