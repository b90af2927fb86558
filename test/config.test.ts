import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parseSettings, RawConfig, Settings } from "../infra/config/settings";
import { CONFIG_KEYS } from "../infra/config/schema";
import { CONFIG_DOC, configDocWithTables, projectFileText } from "../tools/docs/gen-config";
import { problemsOf, rawConfig, rejects } from "./config-helpers";
import { FIXTURES, planStack, rejection, ROOT } from "./helpers";

/** A shipped stack's raw config with keys changed; `secret` marks extra keys as secret. */
function raw(stack: string, changes: Record<string, string | null> = {}, secret: string[] = []): RawConfig {
    const r = rawConfig(stack, changes);
    r.secretKeys = new Set([...r.secretKeys, ...secret]);
    return r;
}

test("every shipped stack file passes validation", () => {
    const stacks = fs.readdirSync(FIXTURES).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice(7, -5));
    assert.ok(stacks.length >= 3);
    for (const stack of stacks) assert.deepEqual(problemsOf(raw(stack)), [], stack);
});

test("Pulumi.yaml declares every config key the schema defines, with the same defaults", () => {
    assert.equal(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"), projectFileText(), "run npm run gen:config");
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    for (const spec of CONFIG_KEYS.filter((s) => s.type !== "map")) assert.match(text, new RegExp(`\\n  ${spec.key}:\\n    type: ${spec.type}`));
});

test("a Fargate cpu value AWS does not offer is rejected with the allowed values", () => {
    rejects(raw("staging", { "slipway:cpu": "300" }), "slipway:cpu", "300", "256, 512, 1024", "pulumi config set slipway:cpu");
});

test("a memory size that does not pair with the cpu is rejected with the valid sizes", () => {
    rejects(raw("staging", { "slipway:cpu": "256", "slipway:memory": "4096" }), "slipway:memory", "4096", "512, 1024, 2048");
});

test("a non-integer where an integer is declared is rejected, with a fix for this stack", () => {
    rejects(raw("staging", { "slipway:desiredCount": "two" }), "slipway:desiredCount", "not an integer", "pulumi config set slipway:desiredCount '2' --stack staging");
});

test("a non-boolean where a boolean is declared is rejected", () => {
    rejects(raw("staging", { "slipway:fargateSpot": "yes" }), "slipway:fargateSpot", "true or false");
});

test("minCount above maxCount is rejected", () => {
    rejects(raw("staging", { "slipway:minCount": "3", "slipway:maxCount": "2", "slipway:desiredCount": "3" }), "slipway:minCount", "greater than slipway:maxCount");
});

test("desiredCount outside min..max is rejected", () => {
    rejects(raw("staging", { "slipway:desiredCount": "5" }), "slipway:desiredCount", "outside minCount..maxCount");
});

test("a missing required key says how to set it", () => {
    rejects(raw("staging", { "slipway:appName": null }), "slipway:appName", "is required", "pulumi config set slipway:appName");
});

test("the delivery stack needs a GitHub repository and a connection", () => {
    rejects(raw("delivery", { "slipway:connectionArn": "" }), "slipway:connectionArn", "required for a delivery stack");
    rejects(raw("delivery", { "slipway:connectionArn": "arn:aws:s3:::bucket" }), "slipway:connectionArn", "connection ARN");
    rejects(raw("delivery", { "slipway:githubOwner": "-acme" }), "slipway:githubOwner", "GitHub user or organisation");
    rejects(raw("delivery", { "slipway:githubRepo": "shop app" }), "slipway:githubRepo", "GitHub repository name");
});

test("a branch name git would refuse is rejected", () => {
    rejects(raw("delivery", { "slipway:githubBranch": "feature..x" }), "slipway:githubBranch", "valid git branch name");
});

test("an app name that AWS resource names cannot carry is rejected", () => {
    rejects(raw("staging", { "slipway:appName": "Shop_App" }), "slipway:appName", "a–z, 0–9");
    rejects(raw("staging", { "slipway:appName": "a-very-long-application-name" }), "slipway:appName", "2–20 characters");
});

test("an invalid region is rejected", () => {
    rejects(raw("staging", { "aws:region": "mars-1" }), "aws:region", "AWS region code");
    rejects(raw("staging", { "aws:region": null }), "aws:region", "is required");
});

test("an unknown key is reported with a did-you-mean", () => {
    rejects(raw("staging", { "slipway:desiredCont": "2" }), "slipway:desiredCont", "did you mean slipway:desiredCount", "pulumi config rm");
});

test("HTTPS without a domain name is rejected", () => {
    rejects(raw("production", { "slipway:domainName": "" }), "slipway:certificateArn", "slipway:domainName");
});

test("a malformed certificate ARN is rejected", () => {
    rejects(raw("production", { "slipway:certificateArn": "arn:aws:acm:us-east-1:12:certificate/x" }), "slipway:certificateArn", "arn:aws:acm");
});

test("a log retention CloudWatch does not offer is rejected", () => {
    rejects(raw("staging", { "slipway:logRetentionDays": "10" }), "slipway:logRetentionDays", "1, 3, 5, 7, 14");
});

test("a malformed VPC CIDR is rejected", () => {
    rejects(raw("staging", { "slipway:vpcCidr": "10.0.0.0/8" }), "slipway:vpcCidr", "/16 to /28");
    rejects(raw("staging", { "slipway:vpcCidr": "10.0.0/16" }), "slipway:vpcCidr", "IPv4 CIDR like 10.20.0.0/16");
    rejects(raw("staging", { "slipway:vpcCidr": "300.0.0.0/16" }), "slipway:vpcCidr", "octets 0–255");
});

test("notification emails must be addresses", () => {
    rejects(raw("delivery", { "slipway:notificationEmails": '["not-an-email"]' }), "slipway:notificationEmails", "email address");
});

test("a list key given a scalar is rejected, with a fix that sets a list (item by item, as Pulumi.yaml types it)", () => {
    rejects(
        raw("delivery", { "slipway:pipelineStacks": "staging" }),
        "slipway:pipelineStacks",
        "not a list",
        "pulumi config rm slipway:pipelineStacks --stack delivery && pulumi config set --path 'slipway:pipelineStacks[0]' staging --stack delivery && pulumi config set --path 'slipway:pipelineStacks[1]' production --stack delivery",
    );
    rejects(raw("delivery", { "slipway:productionReviewers": '["not a user"]' }), "slipway:productionReviewers", "pulumi config set --path 'slipway:productionReviewers[0]' alice --stack delivery");
});

test("app secrets set without --secret are refused", () => {
    const r = raw("staging", { "slipway:appSecrets": '{"API_KEY":"plain"}' });
    r.secretKeys = new Set();
    rejects(r, "slipway:appSecrets.API_KEY", "plain text", "pulumi config set --secret --path 'slipway:appSecrets.API_KEY' <value> --stack staging");
});

test("app secret and setting names must be environment variable names", () => {
    rejects(raw("staging", { "slipway:appSettings": '{"log-level":"debug"}' }), "slipway:appSettings", "UPPER_SNAKE_CASE");
});

test("a name in both appSettings and appSecrets is rejected", () => {
    rejects(raw("staging", { "slipway:appSettings": '{"API_KEY":"x"}' }), "API_KEY", "appSecrets only");
});

test("a stack name that cannot name AWS resources is rejected", () => {
    const r = raw("staging");
    r.stack = "Staging_EU";
    assert.ok(problemsOf(r).some((p) => p.includes("stack name") && p.includes("Staging_EU")));
});

test("a policy waiver needs a written reason", () => {
    rejects(raw("staging", { "slipway:policyWaivers": '{"ecr-tags-immutable":"ok"}' }), "slipway:policyWaivers", "written reason");
});

test("the tier follows the stack name unless set", () => {
    const https = {
        "slipway:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        "slipway:domainName": "shop.acme.example",
    };
    // Pipeline stacks other than staging must be listed by the delivery stack.
    const delivery = { "slipway:role": "delivery", "slipway:pipelineStacks": JSON.stringify(["staging", "prod", "eu-production", "reproduction", "eu-live", "production"]) };
    const tierOf = (stack: string, set: Record<string, string> = {}) => {
        const r = raw("staging", set);
        r.readStackConfig = (s) => (s === "delivery" ? delivery : undefined);
        r.stack = stack;
        const s = parseSettings(r) as Extract<Settings, { role: "environment" }>;
        return [s.tier, s.protect, s.imageStack];
    };
    assert.deepEqual(tierOf("staging"), ["staging", false, "staging"]);
    assert.deepEqual(tierOf("production", https), ["production", true, "production"]);
    assert.deepEqual(tierOf("prod", https), ["production", true, "prod"]);
    assert.deepEqual(tierOf("eu-production", https), ["production", true, "eu-production"]);
    assert.deepEqual(tierOf("review-pr-42"), ["review", false, "staging"]);
    assert.deepEqual(tierOf("review"), ["review", false, "staging"]);
    assert.deepEqual(tierOf("reproduction"), ["staging", false, "reproduction"]);
    assert.deepEqual(tierOf("eu-live", { ...https, "slipway:tier": "production" }), ["production", true, "eu-live"]);
});

test("all problems are reported together, one line each", () => {
    const problems = problemsOf(raw("staging", { "slipway:cpu": "300", "slipway:healthPath": "health", "slipway:containerPort": "70000" }));
    assert.equal(problems.length, 3);
    // A bad region or a stray key does not hide the checks that relate keys to each other or to other stacks.
    const mixed = problemsOf(raw("delivery", { "aws:region": "us-east-9", "slipway:tier": "production", "slipway:pipelineStacks": '["staging","qa","production"]' }));
    assert.deepEqual(mixed.map((p) => p.split(" ")[0]), ["aws:region", "slipway:tier", "slipway:pipelineStacks"]);
});

test("a bad config stops the program before any resource is declared", async () => {
    const message = await rejection(() => planStack("staging", { set: { "slipway:memory": "3000" } }));
    assert.match(message, /slipway:memory = 3000/);
});

test("docs/config.md's key and tier tables are generated from the schema and the tier defaults", () => {
    const doc = fs.readFileSync(CONFIG_DOC, "utf8");
    assert.equal(doc, configDocWithTables(doc), "run npm run gen:config");
    for (const spec of CONFIG_KEYS) assert.ok(doc.includes(`| \`slipway:${spec.key}\` |`), spec.key);
    // Every by-tier key but the tier itself (which comes from the stack name) has a row of tier defaults.
    const tiers = doc.slice(doc.indexOf("<!-- tier-table:start"), doc.indexOf("<!-- tier-table:end"));
    for (const spec of CONFIG_KEYS.filter((s) => s.byTier && s.key !== "tier")) assert.ok(tiers.includes(`| \`slipway:${spec.key}\``), spec.key);
});

test("a domain name without a certificate is a conflict", () => {
    rejects(raw("staging", { "slipway:domainName": "staging.shop.example" }), "slipway:domainName", "certificateArn and slipway:domainZoneId are empty", "pulumi config set slipway:domainZoneId");
});

test("high availability refuses a single task, a single desired task and Spot capacity", () => {
    rejects(raw("production", { "slipway:minCount": "1" }), "slipway:highAvailability", "minCount is 1", "pulumi config set slipway:minCount 2");
    rejects(raw("production", { "slipway:fargateSpot": "true" }), "slipway:highAvailability", "fargateSpot is true");
    assert.equal(problemsOf(raw("staging", { "slipway:highAvailability": "true" })).length, 3, "staging's single Spot task breaks all three");
});

test("high availability on Beanstalk needs a load-balanced environment of two instances", () => {
    // The production-https waiver keeps this to the availability problem (a single instance also serves plain HTTP).
    const waiver = JSON.stringify({ "production-https": "availability is what this test breaks" });
    rejects(
        raw("beanstalk-production", { "slipway:beanstalkEnvironmentType": "SingleInstance", "slipway:beanstalkDeploymentPolicy": "Immutable", "slipway:policyWaivers": waiver }),
        "slipway:highAvailability",
        "SingleInstance",
    );
    rejects(raw("beanstalk-production", { "slipway:beanstalkMinInstances": "1" }), "slipway:highAvailability", "beanstalkMinInstances is 1");
});

test("an app and stack name too long for AWS's 40-character names is rejected", () => {
    const r = raw("staging", { "slipway:appName": "inventory-service-xx" });
    r.stack = "review-pr-1234567890123";
    assert.ok(problemsOf(r).some((p) => p.includes("inventory-service-xx-review-pr-1234567890123") && p.includes("40-character")));
});
