// The decisions the workflows delegate to .github/scripts/ci.ts, and the stage lock
// (.github/scripts/stage-lock.sh) run against a stand-in AWS CLI.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import {
    affectedStacks,
    ConfigDoc,
    isPreviewable,
    previewStacks,
    rotationTarget,
    reviewCheckpointPrefix,
    reviewStacksFromObjects,
    appSecretNames,
    stackPlatform,
    stackTier,
    stageName,
    staleReviewStacks,
} from "../.github/scripts/ci";
import { tierForStack } from "../infra/config/settings";
import { stageName as pipelineStageName } from "../infra/contract";
import { FIXTURES, packagesLoaded, ROOT } from "./helpers";

const STACKS = ["delivery", "production", "staging"];

test("a change to the program or its dependencies affects every stack", () => {
    for (const f of ["infra/environment/network.ts", "stacks/environment.ts", "Pulumi.yaml", "package-lock.json", "index.ts"]) {
        assert.deepEqual(affectedStacks(["README.md", f], STACKS), STACKS, f);
    }
});

test("a change to the policy pack affects every stack: pulumi preview and up run it", () => {
    assert.deepEqual(affectedStacks(["policy/rules-identity.ts"], STACKS), STACKS);
});

test("a stack file change affects that stack only; docs, tests and workflows affect none", () => {
    assert.deepEqual(affectedStacks(["Pulumi.production.yaml", "docs/day-to-day.md"], STACKS), ["production"]);
    assert.deepEqual(affectedStacks(["README.md", "test/diff.test.ts", ".github/workflows/deploy.yml", "tools/diff.ts", ""], STACKS), []);
    assert.deepEqual(affectedStacks(["Pulumi.gone.yaml"], STACKS), []);
});

test("review stacks of closed, merged or missing pull requests are torn down", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    const fresh = "2026-11-25T08:00:00Z";
    const out = staleReviewStacks(
        [
            { name: "review-pr-1", lastUpdate: fresh },
            { name: "acme/slipway/review-pr-2", lastUpdate: fresh },
            { name: "review-pr-3", lastUpdate: fresh },
            { name: "review-pr-4", lastUpdate: fresh },
            { name: "staging", lastUpdate: "2020-01-01T00:00:00Z" },
        ],
        [
            { number: 1, state: "CLOSED", updatedAt: fresh },
            { number: 2, state: "MERGED", updatedAt: fresh },
            { number: 4, state: "OPEN", updatedAt: fresh },
        ],
        now,
        3,
    );
    assert.deepEqual(out, [
        { stack: "review-pr-1", pr: 1, reason: "pull request #1 is closed" },
        { stack: "review-pr-2", pr: 2, reason: "pull request #2 is merged" },
        { stack: "review-pr-3", pr: 3, reason: "pull request #3 not found" },
    ]);
});

test("an open pull request's review stack goes only when both it and the stack are idle for N days", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    const old = "2026-11-20T12:00:00Z";
    const recent = "2026-11-24T12:00:00Z";
    const stacks = [{ name: "review-pr-7", lastUpdate: old }, { name: "review-pr-8", lastUpdate: recent }, { name: "review-pr-9" }];
    const prs = [
        { number: 7, state: "OPEN" as const, updatedAt: old },
        { number: 8, state: "OPEN" as const, updatedAt: old },
        { number: 9, state: "OPEN" as const, updatedAt: recent },
    ];
    assert.deepEqual(staleReviewStacks(stacks, prs, now, 3), [{ stack: "review-pr-7", pr: 7, reason: "idle for more than 3 days" }]);
    assert.deepEqual(staleReviewStacks(stacks, prs, now, 7), []);
});

// ---------------------------------------------------------------------------------------------------
// Previewable stacks

const doc = (config: Record<string, unknown> = {}): ConfigDoc => ({ config });
/** slipway's own fixtures (the shipped examples are the user's to rewrite). */
const shipped = (stack: string) => parse(fs.readFileSync(path.join(FIXTURES, `Pulumi.${stack}.yaml`), "utf8")) as ConfigDoc;
const project = parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as ConfigDoc;

test("the tier is slipway:tier when set, else production for production/prod, review for review…, else staging", () => {
    assert.equal(stackTier("production", doc()), "production");
    assert.equal(stackTier("prod", doc()), "production");
    assert.equal(stackTier("review-pr-7", doc()), "review");
    assert.equal(stackTier("review", doc()), "review");
    assert.equal(stackTier("staging", doc()), "staging");
    assert.equal(stackTier("eu-live", doc({ "slipway:tier": "production" })), "production");
    assert.equal(stackTier("production", doc({ "slipway:tier": "staging" })), "staging");
    // Where the names agree with the program's own rule (infra/config/settings.ts), the tiers do too.
    for (const s of ["production", "prod", "staging", "review-pr-3", "beanstalk-staging", "qa"]) assert.equal(stackTier(s, doc()), tierForStack(s), s);
});

test("the workflows' tier rule is the program's for every name: eu-production is production, reviewer is staging", () => {
    for (const s of ["eu-production", "shop-prod", "beanstalk-production", "reviewer", "review-pr-3", "preproduction", "production-eu"]) assert.equal(stackTier(s, doc()), tierForStack(s), s);
    assert.ok(!isPreviewable("eu-production", doc({ "slipway:role": "environment" })), "a production-named stack is never previewed");
});

test("only environment stacks of the staging tier are previewable", () => {
    assert.ok(isPreviewable("staging", doc()));
    assert.ok(isPreviewable("qa", doc({ "slipway:role": "environment" })));
    assert.ok(!isPreviewable("delivery", doc()), "delivery is the delivery role by name");
    assert.ok(!isPreviewable("tools", doc({ "slipway:role": "delivery" })));
    assert.ok(!isPreviewable("production", doc()));
    assert.ok(!isPreviewable("eu", doc({ "slipway:tier": "production" })), "a production tier set explicitly");
    assert.ok(!isPreviewable("review", doc()), "the review template");
    assert.ok(!isPreviewable("review-pr-4", doc()));
});

test("the fixture stacks: staging and beanstalk-staging are previewed, production, beanstalk-production and delivery never", () => {
    const stacks = ["beanstalk-production", "beanstalk-staging", "delivery", "production", "staging"];
    const docs = Object.fromEntries(stacks.map((s) => [s, shipped(s)]));
    assert.deepEqual(previewStacks(stacks, docs, project), ["beanstalk-staging", "staging"]);
    assert.deepEqual(previewStacks(["production", "delivery"], docs, project), []);
    assert.deepEqual(previewStacks(["staging", "gone"], docs, project), ["staging"], "a stack without a file is not previewed");
});

test("the platform comes from the stack file, else Pulumi.yaml's default (ecs)", () => {
    assert.equal(stackPlatform(shipped("staging"), project), "ecs");
    assert.equal(stackPlatform(shipped("beanstalk-staging"), project), "beanstalk");
    assert.equal(stackPlatform(doc(), { config: { platform: { type: "string", default: "beanstalk" } } }), "beanstalk");
});

test("stage names are the pipeline's: each - separated part capitalised", () => {
    for (const s of ["staging", "production", "beanstalk-staging", "eu-prod-2"]) assert.equal(stageName(s), pipelineStageName(s), s);
    assert.equal(stageName("staging"), "Staging");
    assert.equal(stageName("beanstalk-production"), "Beanstalk-Production");
});

// ---------------------------------------------------------------------------------------------------
// Rotation keys

test("rotation accepts appSecrets.<NAME> of staging or production and gives the config path", () => {
    assert.deepEqual(rotationTarget("production", "appSecrets.API_KEY"), { stack: "production", configPath: "slipway:appSecrets.API_KEY", name: "API_KEY" });
    assert.equal(rotationTarget("staging", "appSecrets._X1").configPath, "slipway:appSecrets._X1");
});

test("rotation refuses other stacks, other keys and names that are not upper-case identifiers, without echoing the key", () => {
    assert.throws(() => rotationTarget("delivery", "appSecrets.API_KEY"), /stack must be one of staging, production/);
    assert.throws(() => rotationTarget("review-pr-1", "appSecrets.API_KEY"), /stack must be one of/);
    for (const key of ["appSecrets.api_key", "appSecrets.1KEY", "appSecrets.API-KEY", "appSecrets.A.B", "appSecrets.", "slipway:appSecrets.API_KEY", "appSettings.LOG_LEVEL", "aws:region"]) {
        assert.throws(() => rotationTarget("staging", key), /appSecrets/, key);
    }
    // A value pasted into the key field must not reach the log through the error.
    for (const pasted of ["s3cr3t-Pa55word", "appSecrets.s3cr3t-Pa55word"]) {
        assert.throws(() => rotationTarget("staging", pasted), (e: Error) => !e.message.includes("s3cr3t-Pa55word"), pasted);
    }
});

test("on an S3 backend the teardown lists review checkpoints under their prefix, as pulumi stack ls would name them", () => {
    assert.deepEqual(reviewCheckpointPrefix("s3://acme-pulumi-state/shop?region=eu-west-1", "slipway"), { bucket: "acme-pulumi-state", prefix: "shop/.pulumi/stacks/slipway/review-pr-" });
    assert.deepEqual(reviewCheckpointPrefix("s3://acme-pulumi-state", "slipway"), { bucket: "acme-pulumi-state", prefix: ".pulumi/stacks/slipway/review-pr-" });
    assert.throws(() => reviewCheckpointPrefix("https://api.pulumi.com", "slipway"), /not an s3:\/\/ backend/);
    assert.throws(() => reviewCheckpointPrefix("s3://b", "a b"), /not a Pulumi project name/);
    const listing = {
        Contents: [
            { Key: "shop/.pulumi/stacks/slipway/review-pr-7.json", LastModified: "2026-11-30T10:00:00.000Z" },
            { Key: "shop/.pulumi/stacks/slipway/review-pr-7.json.bak", LastModified: "2026-11-30T09:00:00.000Z" },
            { Key: "shop/.pulumi/stacks/slipway/review-pr-12.json.gz", LastModified: "2026-11-29T10:00:00+00:00" },
            { Key: "shop/.pulumi/stacks/slipway/review-pr-12.pulumi-tags", LastModified: "2026-11-29T10:00:00Z" },
        ],
    };
    assert.deepEqual(reviewStacksFromObjects(listing), [
        { name: "review-pr-7", lastUpdate: "2026-11-30T10:00:00.000Z" },
        { name: "review-pr-12", lastUpdate: "2026-11-29T10:00:00.000Z" },
    ]);
    assert.deepEqual(reviewStacksFromObjects({}), [], "an empty prefix lists no Contents");
});

test("rotation replaces an existing secret only; a new name is refused with the pull-request command", () => {
    const doc = { config: { "slipway:appSecrets": { API_KEY: { secure: "v1:x:y" }, DATABASE_URL: { secure: "v1:x:y" } } } };
    assert.deepEqual(appSecretNames(doc), ["API_KEY", "DATABASE_URL"]);
    assert.equal(rotationTarget("staging", "appSecrets.API_KEY", appSecretNames(doc)).name, "API_KEY");
    assert.throws(
        () => rotationTarget("staging", "appSecrets.NEW_TOKEN", appSecretNames(doc)),
        /staging has no secret NEW_TOKEN to rotate \(it has API_KEY, DATABASE_URL\)\. To add one, open a pull request with: pulumi config set --secret --path 'slipway:appSecrets.NEW_TOKEN' <value> -s staging/,
    );
    assert.throws(() => rotationTarget("production", "appSecrets.API_KEY", appSecretNames({ config: {} })), /it has none/);
});

test("the workflows' helper loads no Pulumi package: every pull-request job runs it through npx tsx, twice", () => {
    assert.deepEqual(packagesLoaded(path.join(ROOT, ".github", "scripts", "ci.ts")).filter((p) => p.startsWith("@pulumi")), []);
});

test("the rotation-key command reads the stack file's secret names", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-rotate-"));
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), "config:\n  slipway:appSecrets:\n    API_KEY:\n      secure: v1:x:y\n");
    const run = (key: string) => spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, ".github", "scripts", "ci.ts"), "rotation-key", "staging", key], { cwd: dir, encoding: "utf8" });
    const ok = run("appSecrets.API_KEY");
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), "slipway:appSecrets.API_KEY");
    // Its refusal (a secret the file does not have) is rotationTarget's, tested above without a process.
});

test("ciSecrets are refused: they belong to the delivery stack, which CI never deploys, and the message says what to run", () => {
    assert.throws(() => rotationTarget("production", "ciSecrets.production.PULUMI_ACCESS_TOKEN"), /delivery stack.*pulumi config set --secret --path 'slipway:ciSecrets.production.PULUMI_ACCESS_TOKEN' -s delivery.*pulumi up -s delivery/);
    assert.throws(() => rotationTarget("staging", "ciSecrets.whatever"), /slipway:ciSecrets.<environment>.<NAME>/);
});

// ---------------------------------------------------------------------------------------------------
// The stage lock, against a stand-in `aws`. Hermetic: bash without profile or rc files, an explicit
// environment (no BASH_ENV, no inherited PATH), so a real AWS CLI on this machine is never reached.

const LOCK = path.join(ROOT, ".github", "scripts", "stage-lock.sh");

interface AwsStub {
    /** Answers to `--query …inboundTransitionState.enabled` and, in turn, to `…latestExecution.status`. */
    enabled: string;
    statuses: string[];
}

function runLock(mode: string, stub: AwsStub, env: Record<string, string> = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-stage-lock-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(dir, "statuses"), stub.statuses.join("\n") + "\n");
    fs.writeFileSync(
        path.join(bin, "aws"),
        [
            "#!/bin/bash",
            'd="$(dirname "$0")/.."',
            'echo "$*" >> "$d/calls"',
            'case "$*" in',
            `  *inboundTransitionState.enabled*) echo "${stub.enabled}" ;;`,
            '  *latestExecution.status*) head -n1 "$d/statuses"; if [ "$(wc -l < "$d/statuses")" -gt 1 ]; then sed -i 1d "$d/statuses"; fi ;;',
            "esac",
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    const output = path.join(dir, "github-output");
    fs.writeFileSync(output, "");
    const run = spawnSync("bash", ["--noprofile", "--norc", LOCK, mode], {
        encoding: "utf8",
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, PIPELINE_NAME: "shop-pipeline", STAGE: "Staging", GITHUB_OUTPUT: output, GITHUB_RUN_ID: "42", STAGE_LOCK_POLL: "0", ...env },
    });
    const calls = fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n") : [];
    const result = { status: run.status, out: run.stdout + run.stderr, calls, githubOutput: fs.readFileSync(output, "utf8") };
    fs.rmSync(dir, { recursive: true, force: true });
    return result;
}

test("lock disables the inbound transition, waits while the stage runs, then reports locked", () => {
    const r = runLock("lock", { enabled: "True", statuses: ["InProgress", "InProgress", "Succeeded"] });
    assert.equal(r.status, 0, r.out);
    const disable = r.calls.find((c) => c.startsWith("codepipeline disable-stage-transition"));
    assert.equal(disable, "codepipeline disable-stage-transition --pipeline-name shop-pipeline --stage-name Staging --transition-type Inbound --reason GitHub Actions run 42 is running pulumi up for this environment");
    assert.match(disable ?? "", /--reason [A-Za-z0-9 !@().*?-]{1,300}$/, "CodePipeline's allowed reason characters");
    assert.equal(r.calls.filter((c) => c.includes("latestExecution.status")).length, 3, "polled until the stage was no longer InProgress");
    assert.equal(r.githubOutput, "locked=true\n");
    assert.match(r.out, /Staging is idle \(last execution: Succeeded\)/);
});

test("lock leaves a transition someone else disabled alone (unlock will not run) and still waits", () => {
    const r = runLock("lock", { enabled: "False", statuses: ["Stopping", "Stopped"] });
    assert.equal(r.status, 0, r.out);
    assert.ok(!r.calls.some((c) => c.includes("disable-stage-transition")));
    assert.equal(r.githubOutput, "");
    assert.match(r.out, /already disabled/);
});

test("lock fails when the stage stays busy past the timeout, after saying it locked (so unlock runs)", () => {
    const r = runLock("lock", { enabled: "True", statuses: ["InProgress"] }, { STAGE_LOCK_TIMEOUT: "0" });
    assert.equal(r.status, 1);
    assert.match(r.out, /still InProgress after 0s/);
    assert.equal(r.githubOutput, "locked=true\n");
});

test("lock fails on a missing stage, a missing PIPELINE_NAME or a stage name that is not one", () => {
    const missing = runLock("lock", { enabled: "None", statuses: ["None"] });
    assert.equal(missing.status, 1);
    assert.match(missing.out, /has no stage Staging/);
    const noPipeline = runLock("lock", { enabled: "True", statuses: ["Succeeded"] }, { PIPELINE_NAME: "" });
    assert.equal(noPipeline.status, 1);
    assert.match(noPipeline.out, /PIPELINE_NAME is not set/);
    assert.deepEqual(noPipeline.calls, []);
    const injected = runLock("lock", { enabled: "True", statuses: ["Succeeded"] }, { STAGE: "Staging'] | [0]" });
    assert.equal(injected.status, 1);
    assert.deepEqual(injected.calls, []);
});

test("unlock enables the inbound transition again", () => {
    const r = runLock("unlock", { enabled: "False", statuses: [] });
    assert.equal(r.status, 0, r.out);
    assert.deepEqual(r.calls, ["codepipeline enable-stage-transition --pipeline-name shop-pipeline --stage-name Staging --transition-type Inbound"]);
});
