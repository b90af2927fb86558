// The GitHub reporter's two roles (infra/delivery/github-status.ts), evaluated with AWS's policy logic
// (tools/check/iam-sim.ts): each can make exactly the calls its job makes, and nothing of the same kind
// elsewhere; and no other role of the app (deploy roles, the preview role, the pipeline, the build and
// the smoke test) can read the GitHub token, start the reporter (StartBuild takes a buildspec override,
// which would read the token), change it or re-point its rule.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MOCK_ACCOUNT, Plan } from "../tools/plan/mock-engine";
import { decide, Doc, principalOf, Principal, Request } from "../tools/check/iam-sim";
import { attackRequests, ownArns } from "../tools/check/iam-requests";
import { STACK_TAG } from "../infra/contract";
import { one, planStack } from "./helpers";
import { view } from "./iam-helpers";

const R = "us-east-1";
const A = MOCK_ACCOUNT;
const region = { "aws:RequestedRegion": R };

let planned: Promise<Plan> | undefined;
const plan = () => (planned ??= planStack("status-delivery"));
const arnOf = (p: Plan, type: string, name: string) => ownArns(one(p, type, name), view(p))[0].arn;
const role = async (name: string): Promise<Principal> => {
    const p = await plan();
    return principalOf(p, name, [p], {}, { [STACK_TAG]: "shop/status-delivery" });
};
const keyPolicy = (p: Plan): Doc => JSON.parse(String(one(p, "aws:kms/key:Key", "artifacts-key").inputs.policy)) as Doc;

async function decisions(principal: Principal, requests: Request[], policy?: Doc): Promise<string[]> {
    const out: string[] = [];
    for (const r of requests) out.push(`${r.action} on ${r.resource} (${r.why}): ${await decide(principal, r, r.action.startsWith("kms:") ? policy : undefined)}`);
    return out;
}
const allowed = (lines: string[]) => lines.filter((l) => l.endsWith(": Allowed"));
const notAllowed = (lines: string[]) => lines.filter((l) => !l.endsWith(": Allowed"));

async function reporterJob(): Promise<Request[]> {
    const p = await plan();
    const logs = arnOf(p, "aws:cloudwatch/logGroup:LogGroup", "github-status-logs");
    return [
        { action: "logs:CreateLogStream", resource: `${logs}:log-stream:${"b".repeat(36)}`, context: region, why: "the build's log stream" },
        { action: "logs:PutLogEvents", resource: `${logs}:log-stream:${"b".repeat(36)}`, context: region, why: "the build's log lines" },
        { action: "codepipeline:GetPipelineExecution", resource: arnOf(p, "aws:codepipeline/pipeline:Pipeline", "pipeline-pipeline"), context: region, why: "the execution's source commit" },
        { action: "secretsmanager:GetSecretValue", resource: arnOf(p, "aws:secretsmanager/secret:Secret", "github-status-token"), context: region, why: "the GitHub token" },
        { action: "kms:Decrypt", resource: arnOf(p, "aws:kms/key:Key", "artifacts-key"), context: { ...region, "kms:ViaService": `secretsmanager.${R}.amazonaws.com` }, why: "the token's key, through Secrets Manager" },
    ];
}

test("the reporter role can make every call githubStatusScript makes", async () => {
    const p = await plan();
    assert.deepEqual(notAllowed(await decisions(await role("github-status-role"), await reporterJob(), keyPolicy(p))), []);
});

test("EventBridge's role can start the reporter and no other project", async () => {
    const p = await plan();
    const events = await role("github-status-events-role");
    const start = (name: string): Request => ({ action: "codebuild:StartBuild", resource: arnOf(p, "aws:codebuild/project:Project", name), context: region, why: name });
    assert.deepEqual(notAllowed(await decisions(events, [start("github-status-project")])), []);
    assert.deepEqual(allowed(await decisions(events, [start("build-project"), start("smoke-test-project"), { action: "codebuild:UpdateProject", resource: start("github-status-project").resource, context: region, why: "changing the reporter" }])), []);
});

test("the reporter role reads no other secret, no other pipeline, and the key only through Secrets Manager", async () => {
    const p = await plan();
    const key = arnOf(p, "aws:kms/key:Key", "artifacts-key");
    const requests: Request[] = [
        { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:${R}:${A}:secret:slipway/shop/production/app-abc-AbCdEf`, context: region, why: "production's app secret" },
        { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:${R}:${A}:secret:slipway/other/delivery/github-status-token-AbCdEf`, context: region, why: "another app's token" },
        { action: "secretsmanager:PutSecretValue", resource: arnOf(p, "aws:secretsmanager/secret:Secret", "github-status-token"), context: region, why: "overwriting its own token" },
        { action: "codepipeline:GetPipelineExecution", resource: `arn:aws:codepipeline:${R}:${A}:other-pipeline`, context: region, why: "another pipeline" },
        { action: "codepipeline:StartPipelineExecution", resource: arnOf(p, "aws:codepipeline/pipeline:Pipeline", "pipeline-pipeline"), context: region, why: "starting the pipeline" },
        { action: "kms:Decrypt", resource: key, context: region, why: "the artifact key directly (artifacts)" },
        { action: "kms:Decrypt", resource: key, context: { ...region, "kms:ViaService": `s3.${R}.amazonaws.com` }, why: "the artifact key through S3" },
    ];
    assert.deepEqual(allowed(await decisions(await role("github-status-role"), requests, keyPolicy(p))), []);
});

test("no other role of the app can read the token, start or change the reporter, or re-point its rule", async () => {
    const p = await plan();
    // Every update and delete of the reporter's resources (their CloudFormation handlers), StartBuild and GetSecretValue.
    const attacks = (await attackRequests(view(p), "shop/staging")).filter((r) => r.why.includes(" github-status"));
    // Replacing the token (a version of one's own the reporter would send to GitHub) is no handler's call.
    attacks.push({ action: "secretsmanager:PutSecretValue", resource: arnOf(p, "aws:secretsmanager/secret:Secret", "github-status-token"), context: { ...region, "aws:ResourceTag/slipway:stack": "shop/status-delivery" }, why: "status-delivery github-status-token: a new value" });
    for (const want of ["secretsmanager:GetSecretValue", "codebuild:StartBuild", "codebuild:UpdateProject", "events:PutTargets", "events:PutRule", "events:DeleteRule", "secretsmanager:PutSecretValue", "iam:PutRolePolicy"]) {
        assert.ok(attacks.some((r) => r.action === want), `no attack makes ${want}`);
    }
    const roles = [
        "github-oidc-deploy-staging", "github-oidc-deploy-production", "github-oidc-deploy-review", "github-oidc-preview",
        "pipeline-role", "build-role", "smoke-test-role", "github-status-events-role",
    ];
    for (const name of roles) {
        const found = allowed(await decisions(await role(name), attacks.filter((r) => !(name === "github-status-events-role" && r.action === "codebuild:StartBuild" && r.why.includes("github-status-project"))), keyPolicy(p)));
        assert.deepEqual(found, [], name);
    }
});

test("a reporter role that lost its token statement is caught, naming the call", async () => {
    const reporter = await role("github-status-role");
    const cut: Principal = { ...reporter, policies: reporter.policies.map((x) => ({ ...x, doc: { ...x.doc, Statement: x.doc.Statement.filter((s) => (s as { Sid?: string }).Sid !== "ReadGitHubToken") } })) };
    const denied = notAllowed(await decisions(cut, await reporterJob(), keyPolicy(await plan())));
    assert.equal(denied.length, 1);
    assert.match(denied[0], /^secretsmanager:GetSecretValue on arn:aws:secretsmanager:\S+github-status-token-AbCdEf \(the GitHub token\): ImplicitlyDenied$/);
});
