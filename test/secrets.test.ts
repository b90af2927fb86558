import { test } from "node:test";
import * as assert from "node:assert/strict";
import { renderTree } from "../tools/plan/render";
import { SECRET_PLACEHOLDER } from "../tools/plan/stack-config";
import { one, planStack } from "./helpers";

const label = (containerDefinitions: string) =>
    (JSON.parse(containerDefinitions) as { dockerLabels: Record<string, string> }[])[0].dockerLabels["slipway.secrets-version"];

test("secret config values appear nowhere in the plan JSON, the tree or the outputs", async () => {
    for (const stack of ["delivery", "staging", "production"]) {
        const plan = await planStack(stack);
        const text = JSON.stringify(plan) + renderTree(plan);
        assert.ok(!text.includes(SECRET_PLACEHOLDER), `${stack} leaks a secret value`);
        assert.ok(text.includes("[secret]"), `${stack} shows its secrets as [secret]`);
    }
});

test("the secret's JSON value reaches Secrets Manager intact (seen only with secrets revealed)", async () => {
    const plan = await planStack("staging", {
        secret: { "slipway:appSecrets": JSON.stringify({ API_KEY: "k-1", DATABASE_URL: "postgres://x" }) },
        revealSecrets: true,
    });
    const version = one(plan, "aws:secretsmanager/secretVersion:SecretVersion");
    assert.deepEqual(JSON.parse(String(version.inputs.secretString)), { API_KEY: "k-1", DATABASE_URL: "postgres://x" });
});

test("rotating an app secret changes the task definition, so ECS starts tasks that read the new value", async () => {
    const before = await planStack("staging", { secret: { "slipway:appSecrets": JSON.stringify({ API_KEY: "old", DATABASE_URL: "db" }) } });
    const after = await planStack("staging", { secret: { "slipway:appSecrets": JSON.stringify({ API_KEY: "new", DATABASE_URL: "db" }) } });
    const defBefore = String(one(before, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
    const defAfter = String(one(after, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
    assert.ok(label(defBefore), "the definition carries the secret version");
    assert.notEqual(label(defBefore), label(defAfter));
    // Only the version label moves: no secret material enters the definition.
    assert.ok(!defAfter.includes("new") && !defBefore.includes("old"));
    const unchanged = await planStack("staging", { secret: { "slipway:appSecrets": JSON.stringify({ API_KEY: "old", DATABASE_URL: "db" }) } });
    assert.equal(label(String(one(unchanged, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)), label(defBefore));
});

test("rotating a CI secret updates that GitHub environment's secret with the new value, and only that environment's", async () => {
    const rotated = await planStack("delivery", {
        secret: { "slipway:ciSecrets": JSON.stringify({ production: { PULUMI_ACCESS_TOKEN: "pul-new-token" } }) },
        revealSecrets: true,
    });
    const secret = one(rotated, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret");
    assert.equal(secret.inputs.secretName, "PULUMI_ACCESS_TOKEN");
    assert.equal(secret.inputs.environment, "production");
    assert.equal(secret.inputs.value, "pul-new-token");
    assert.equal(secret.inputs.plaintextValue, undefined, "the deprecated plaintext input is not used");
    const hidden = await planStack("delivery", { secret: { "slipway:ciSecrets": JSON.stringify({ production: { PULUMI_ACCESS_TOKEN: "pul-new-token" } }) } });
    assert.equal(one(hidden, "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret").inputs.value, "[secret]");
});

test("non-sensitive CI values are GitHub variables, not secrets", async () => {
    const plan = await planStack("delivery");
    const variables = plan.resources.filter((r) => r.type === "github:index/actionsVariable:ActionsVariable").map((r) => r.inputs.variableName);
    assert.deepEqual(
        [...variables].sort(),
        [
            "AWS_DEPLOY_ROLE_ARN_PRODUCTION", "AWS_DEPLOY_ROLE_ARN_REVIEW", "AWS_DEPLOY_ROLE_ARN_STAGING", "AWS_PREVIEW_ROLE_ARN", "AWS_REGION", "ECR_REPOSITORY_URL",
            "PIPELINE_NAME", "PRODUCTION_GATE", "REVIEW_STACKS_KMS_URL",
        ],
    );
});

test("secret values never reach a CodeBuild environment variable in plain text", async () => {
    const plan = await planStack("delivery");
    for (const p of plan.resources.filter((r) => r.type === "aws:codebuild/project:Project")) {
        const vars = (p.inputs.environment as { environmentVariables: { name: string; type: string }[] }).environmentVariables;
        for (const v of vars) assert.equal(v.type, "PLAINTEXT", v.name);
        assert.ok(!vars.some((v) => /TOKEN|SECRET|PASSWORD/.test(v.name)));
    }
    const secretVersion = one(await planStack("staging"), "aws:secretsmanager/secretVersion:SecretVersion");
    assert.equal(secretVersion.inputs.secretString, "[secret]");
});

test("re-encrypting a secret in the stack file shows as a new secret version in the offline plan", async () => {
    const { loadStackConfig } = await import("../tools/plan/stack-config");
    const fs = await import("fs");
    const os = await import("os");
    const path = await import("path");
    const { FIXTURES, ROOT } = await import("./helpers");
    const { runUnderMocks } = await import("../tools/plan/mock-engine");
    const { program } = await import("../stacks/program");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rotate-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    // The delivery stack that deploys staging (an environment stack needs one).
    fs.copyFileSync(path.join(FIXTURES, "Pulumi.delivery.yaml"), path.join(dir, "Pulumi.delivery.yaml"));
    const original = fs.readFileSync(path.join(FIXTURES, "Pulumi.staging.yaml"), "utf8");
    const labelOf = async (text: string) => {
        fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), text);
        const cfg = loadStackConfig(dir, "staging");
        const plan = await runUnderMocks({ project: cfg.project, stack: "staging", config: cfg.config, secretKeys: cfg.secretKeys }, () => program({ stackDir: dir }));
        return label(String(one(plan, "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions));
    };
    const before = await labelOf(original);
    assert.equal(await labelOf(original), before, "same ciphertext, same version");
    const rotated = original.replace(/(API_KEY:\n\s+secure: )v1:[^\n]+/, "$1v1:cm90YXRlZG5vbmNl:bmV3LWNpcGhlcnRleHQtd2l0aC10YWc=");
    assert.notEqual(rotated, original);
    assert.notEqual(await labelOf(rotated), before);
});
