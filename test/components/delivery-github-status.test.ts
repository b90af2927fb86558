// GitHubStatus built from its Args: the token secret, the reporter project and its role, and the
// EventBridge rule, target and role that start it on the pipeline's stage events.
import * as assert from "node:assert/strict";
import { GitHubStatus, GitHubStatusArgs } from "../../infra/delivery/github-status";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, json, MOCK_ACCOUNT, REGION, registeredOutputs, res, sid, statements } from "./harness";

const test = componentTests(__filename);

const TYPE = "slipway:delivery:GitHubStatus";
const KEY = `arn:aws:kms:${REGION}:${MOCK_ACCOUNT}:key/0a1b2c3d-0000-4000-8000-000000000000`;
const PIPELINE = `arn:aws:codepipeline:${REGION}:${MOCK_ACCOUNT}:shop-pipeline`;

const status = (over: Partial<GitHubStatusArgs> = {}, name = "github-status", revealSecrets = false) =>
    build(
        (ctx) => {
            new GitHubStatus(name, {
                app: "shop",
                repository: "acme/shop",
                settings: { token: { secret: true, value: "github_pat_component0test" } },
                pipelineName: "shop-pipeline",
                pipelineArn: PIPELINE,
                stages: [{ stage: "Build" }, { stage: "Staging", environment: "staging" }, { stage: "Production", environment: "production", production: true }],
                secretName: "slipway/shop/delivery/github-status-token",
                kmsKeyArn: KEY,
                rolePath: "/slipway/shop/",
                ctx,
                ...over,
            });
        },
        { revealSecrets },
    );

test("a GitHubStatus owns its secret, project, roles, rule and target, all named after it", async () => {
    const [a, b] = [await status({}, "github-status"), await status({}, "other-status")];
    const component = assertOwnsItsChildren(a, TYPE, "github-status");
    assertDisjoint(a, b);
    assert.deepEqual(Object.keys(registeredOutputs(a, component)).sort(), ["projectName", "ruleName", "secretArn"]);
});

test("the token is a secret input of the secret version only, and the secret uses the given key and its context's region", async () => {
    const p = await status({}, "github-status", true);
    const holders = p.resources.filter((r) => JSON.stringify(r.inputs).includes("github_pat_component0test")).map((r) => r.name);
    assert.deepEqual(holders, ["github-status-token-version"]);
    const secret = res(p, "aws:secretsmanager/secret:Secret", "github-status-token");
    assert.deepEqual([secret.inputs.name, secret.inputs.kmsKeyId, secret.protect], ["slipway/shop/delivery/github-status-token", KEY, false]);
    assert.equal(sid(res(p, "aws:iam/rolePolicy:RolePolicy", "github-status-policy"), "DecryptGitHubToken").Condition?.StringEquals?.["kms:ViaService"], `secretsmanager.${REGION}.amazonaws.com`);
});

test("protect keeps the secret and the logs through a destroy; without it the secret goes at once", async () => {
    assert.equal(res(await status(), "aws:secretsmanager/secret:Secret", "github-status-token").inputs.recoveryWindowInDays, 0);
    const p = await status({ protect: true });
    assert.equal(res(p, "aws:secretsmanager/secret:Secret", "github-status-token").protect, true);
    assert.equal(res(p, "aws:secretsmanager/secret:Secret", "github-status-token").inputs.recoveryWindowInDays, undefined);
    assert.equal(res(p, "aws:cloudwatch/logGroup:LogGroup", "github-status-logs").protect, true);
});

test("the reporter's role reads the given pipeline and its token only; EventBridge's starts the reporter only", async () => {
    const p = await status();
    const policy = res(p, "aws:iam/rolePolicy:RolePolicy", "github-status-policy");
    assert.deepEqual(statements(policy).map((s) => s.Sid), ["WriteOwnLogs", "ReadExecutionCommit", "ReadGitHubToken", "DecryptGitHubToken"]);
    assert.deepEqual(sid(policy, "ReadExecutionCommit").Resource, [PIPELINE]);
    const events = statements(res(p, "aws:iam/rolePolicy:RolePolicy", "github-status-events-policy"));
    assert.deepEqual(events.map((s) => [s.Sid, s.Action]), [["StartReporter", ["codebuild:StartBuild"]]]);
    assert.match(String(events[0].Resource), /:project\/github-status-project-/);
    const trust = statements(res(p, "aws:iam/role:Role", "github-status-events-role"), "assumeRolePolicy")[0];
    assert.deepEqual(trust.Principal, { Service: "events.amazonaws.com" });
});

test("the rule matches the given stages of the given pipeline, and the project runs without a source or artifacts", async () => {
    const p = await status({ stages: [{ stage: "Build" }, { stage: "Prod-Eu", environment: "prod-eu", production: true }] });
    const pattern = json<{ detail: { pipeline: string[]; stage: string[] } }>(res(p, "aws:cloudwatch/eventRule:EventRule", "github-status-rule"), "eventPattern");
    assert.deepEqual([pattern.detail.pipeline, pattern.detail.stage], [["shop-pipeline"], ["Build", "Prod-Eu"]]);
    const project = res(p, "aws:codebuild/project:Project", "github-status-project");
    assert.deepEqual([(project.inputs.source as { type: string }).type, (project.inputs.artifacts as { type: string }).type], ["NO_SOURCE", "NO_ARTIFACTS"]);
    const vars = (project.inputs.environment as { environmentVariables: { name: string; value: string }[] }).environmentVariables;
    assert.equal(vars.find((v) => v.name === "STAGES")?.value, "Build==false Prod-Eu=prod-eu=true");
    assert.equal(vars.find((v) => v.name === "CONSOLE_URL")?.value, `https://${REGION}.console.aws.amazon.com/codesuite/codepipeline/pipelines/shop-pipeline/executions`);
});
