// Item 3: config that would weaken security is refused, naming the key (or the leaf) and the fix.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { DeliverySettings, EnvironmentSettings, isProductionName, parseSettings, RawConfig } from "../infra/config/settings";
import { CONFIG_WAIVERS } from "../infra/config/schema";
import { problemsOf, rawConfig as raw, rejects } from "./config-helpers";
import { planStack, rejection } from "./helpers";

const SECURE = { secure: "v1:r5QkkhTR3KJhM4bH:KUnUbjl1zSpscDl+tpW1n8YquVZHJiPUBEXwm4ialeE=" };
const waivers = (w: Record<string, string>) => ({ "slipway:policyWaivers": JSON.stringify(w) });

/** Sets `key` in the stack file as written (secure leaves as { secure }), and the value Pulumi would hand the program. */
function inFile(r: RawConfig, key: string, written: unknown, value: unknown, secret: boolean): RawConfig {
    r.stackFile = { ...r.stackFile, [key]: written };
    r.values[key] = typeof value === "string" ? value : JSON.stringify(value);
    const keys = new Set(r.secretKeys);
    if (secret) keys.add(key);
    else keys.delete(key);
    r.secretKeys = keys;
    return r;
}

// --- secret maps hold only secure values ---------------------------------------------------------------

test("a plain value next to a secure one in appSecrets is refused, naming the leaf", () => {
    // Pulumi marks the whole key secret when any leaf is: before this check the plain API_KEY passed.
    const r = inFile(raw("staging"), "slipway:appSecrets", { DATABASE_URL: SECURE, API_KEY: "sk-live-in-clear" }, { DATABASE_URL: "PLACEHOLDER-SECRET-1", API_KEY: "sk-live-in-clear" }, true);
    rejects(r, "slipway:appSecrets.API_KEY is plain text", "Pulumi.staging.yaml", "pulumi config set --secret --path 'slipway:appSecrets.API_KEY' <value> --stack staging");
});

test("a plain value next to a secure one in ciSecrets is refused, naming the leaf", () => {
    const written = { staging: { PULUMI_ACCESS_TOKEN: SECURE }, production: { PULUMI_ACCESS_TOKEN: "pul-in-clear" } };
    const r = inFile(raw("delivery"), "slipway:ciSecrets", written, { staging: { PULUMI_ACCESS_TOKEN: "PLACEHOLDER-SECRET-1" }, production: { PULUMI_ACCESS_TOKEN: "pul-in-clear" } }, true);
    rejects(r, "slipway:ciSecrets.production.PULUMI_ACCESS_TOKEN is plain text", "pulumi config set --secret --path 'slipway:ciSecrets.production.PULUMI_ACCESS_TOKEN' <value> --stack delivery");
});

// --- secure values only under secret keys -------------------------------------------------------------

test("a secure value in appSettings is refused: it would reach the task definition's environment in clear", () => {
    const r = inFile(raw("staging"), "slipway:appSettings", { APP_ENV: "staging", STRIPE_KEY: SECURE }, { APP_ENV: "staging", STRIPE_KEY: "PLACEHOLDER-SECRET-2" }, true);
    rejects(
        r,
        "slipway:appSettings.STRIPE_KEY is a secure: value",
        "in clear (the task definition's environment)",
        "pulumi config rm --path 'slipway:appSettings.STRIPE_KEY' --stack staging && pulumi config set --secret --path 'slipway:appSecrets.STRIPE_KEY' <value> --stack staging",
    );
});

test("a secure value under any other key that is not a secret is refused, saying where secrets belong", () => {
    const r = inFile(raw("staging"), "slipway:containerHealthCheck", SECURE, "PLACEHOLDER-SECRET-3", true);
    rejects(r, "slipway:containerHealthCheck is a secure: value", "not a secret setting", "pulumi config set slipway:containerHealthCheck '<value>' --stack staging", "slipway:appSecrets");
    const d = inFile(raw("delivery"), "slipway:testCommand", SECURE, "PLACEHOLDER-SECRET-4", true);
    rejects(d, "slipway:testCommand is a secure: value", "slipway:ciSecrets");
});

test("without a stack file, a non-secret key marked secret is still refused", () => {
    const r = raw("staging");
    r.stackFile = undefined;
    r.values["slipway:containerHealthCheck"] = "PLACEHOLDER-SECRET-3";
    r.secretKeys = new Set([...r.secretKeys, "slipway:containerHealthCheck"]);
    rejects(r, "slipway:containerHealthCheck is a secure: value");
});

test("secure values outside slipway's namespace (provider credentials) are left alone", () => {
    const r = inFile(raw("staging"), "aws:secretKey", SECURE, "PLACEHOLDER-SECRET-5", true);
    assert.deepEqual(problemsOf(r), []);
});

// --- production-named stacks are the production tier -----------------------------------------------------

test("production-named stacks are production, prod, *-production and *-prod", () => {
    for (const name of ["production", "prod", "eu-production", "shop-prod"]) assert.ok(isProductionName(name), name);
    for (const name of ["staging", "reproduction", "prod-eu", "product", "review-pr-1"]) assert.ok(!isProductionName(name), name);
});

test("a production-named stack with a lower tier is refused unless waived", () => {
    rejects(raw("production", { "slipway:tier": "staging" }), "slipway:tier", '"staging" on stack production', "pulumi config set slipway:tier production --stack production", "slipway:policyWaivers.production-tier");
    const waived = raw("production", { "slipway:tier": "staging", ...waivers({ "production-tier": "a rehearsal copy of production, torn down every night" }) });
    assert.equal((parseSettings(waived) as EnvironmentSettings).tier, "staging");
});

test("an empty waiver reason is not a waiver", () => {
    rejects(raw("production", { "slipway:tier": "staging", ...waivers({ "production-tier": "" }) }), "slipway:policyWaivers", "written reason");
    rejects(raw("production", { "slipway:tier": "staging", ...waivers({ "production-tier": "          " }) }), "slipway:policyWaivers", "written reason");
});

// --- production reviewers and the production gate --------------------------------------------------------

test("an empty productionReviewers under the github-reviewers gate is refused unless waived", () => {
    rejects(
        raw("delivery", { "slipway:productionReviewers": "[]" }),
        "slipway:productionReviewers",
        "slipway:productionGate is github-reviewers",
        "pulumi config set --path 'slipway:productionReviewers[0]' <github-user> --stack delivery",
        "pulumi config set slipway:productionGate pipeline-approval --stack delivery",
        "slipway:policyWaivers.production-reviewers",
    );
    assert.deepEqual(problemsOf(raw("delivery", { "slipway:productionReviewers": "[]", ...waivers({ "production-reviewers": "a public demo app: anyone may deploy it" }) })), []);
});

test("the pipeline-approval gate needs no GitHub reviewers", () => {
    const s = parseSettings(raw("delivery", { "slipway:productionReviewers": "[]", "slipway:productionGate": "pipeline-approval" })) as DeliverySettings;
    assert.equal(s.productionGate, "pipeline-approval");
    assert.deepEqual(s.productionReviewers, []);
});

test("the production gate defaults to the production environment's GitHub reviewers", () => {
    assert.equal((parseSettings(raw("delivery")) as DeliverySettings).productionGate, "github-reviewers");
});

test("an unknown production gate is refused with the allowed values", () => {
    rejects(raw("delivery", { "slipway:productionGate": "manual" }), "slipway:productionGate", '"manual"', "github-reviewers, pipeline-approval", "--stack delivery");
});

test("a pipeline without a production stage needs no reviewers", () => {
    const r = raw("delivery", { "slipway:pipelineStacks": '["staging"]', "slipway:productionReviewers": "[]", "slipway:ciSecrets": '{"staging":{"PULUMI_ACCESS_TOKEN":"PLACEHOLDER-SECRET-1"}}' });
    r.stackFile = { ...r.stackFile, "slipway:ciSecrets": { staging: { PULUMI_ACCESS_TOKEN: SECURE } } };
    assert.deepEqual(problemsOf(r), []);
});

// --- production serves HTTPS ---------------------------------------------------------------------------------

test("a production-tier environment behind a load balancer without HTTPS is refused unless waived", () => {
    const http = { "slipway:certificateArn": "", "slipway:domainName": "" };
    rejects(raw("production", http), "slipway:certificateArn", "plain HTTP", "pulumi config set slipway:certificateArn <acm-certificate-arn> --stack production", "slipway:policyWaivers.production-https");
    rejects(raw("beanstalk-production", http), "slipway:certificateArn", "Beanstalk load balancer");
    assert.deepEqual(problemsOf(raw("production", { ...http, ...waivers({ "production-https": "an internal tool reached only through the company VPN" }) })), []);
});

test("production on the HTTP API is HTTPS without a certificate (the execute-api endpoint)", () => {
    assert.deepEqual(problemsOf(raw("production", { "slipway:certificateArn": "", "slipway:domainName": "", "slipway:ingress": "api" })), []);
});

test("a single-instance Beanstalk production serves HTTP whatever certificate is set", () => {
    rejects(
        // Immutable: the fixture's TrafficSplitting needs the load balancer too, a second problem.
        raw("beanstalk-production", { "slipway:beanstalkEnvironmentType": "SingleInstance", "slipway:highAvailability": "false", "slipway:beanstalkDeploymentPolicy": "Immutable" }),
        "slipway:beanstalkEnvironmentType is SingleInstance on the production tier",
        "pulumi config set slipway:beanstalkEnvironmentType LoadBalanced --stack beanstalk-production",
    );
});

test("Beanstalk TrafficSplitting needs the beanstalk-listener-reach waiver (its listener rights cannot be held to the stack), and review stacks may not use it", () => {
    // The fixture carries the waiver: without it, one message naming the reach and both ways out.
    const fixtureWaivers = { "stack-secrets-provider": "A test fixture of slipway itself: encrypted with the example passphrase." };
    rejects(
        raw("beanstalk-production", waivers(fixtureWaivers)),
        'slipway:beanstalkDeploymentPolicy = "TrafficSplitting" lets this stack\'s deploy role and the pipeline role re-weight the listeners and rules of every load balancer Elastic Beanstalk made',
        "pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack beanstalk-production",
        "slipway:policyWaivers.beanstalk-listener-reach",
    );
    assert.deepEqual(problemsOf(raw("beanstalk-production")), []);
    assert.deepEqual(problemsOf(raw("beanstalk-production", { "slipway:beanstalkDeploymentPolicy": "Immutable", ...waivers(fixtureWaivers) })), []);
    rejects(
        { ...raw("beanstalk-production", { "slipway:tier": "review", "slipway:highAvailability": "false" }), stack: "review-pr-5" },
        "TrafficSplitting\" on a review stack",
        "pulumi config set slipway:beanstalkDeploymentPolicy Immutable --stack review-pr-5",
    );
});

test("the config checks a stack may waive are named, and reach the program before any resource", async () => {
    assert.deepEqual(Object.keys(CONFIG_WAIVERS).sort(), ["beanstalk-listener-reach", "production-https", "production-reviewers", "production-tier", "review-staging-data"]);
    const message = await rejection(() => planStack("production", { set: { "slipway:certificateArn": "", "slipway:domainName": "" } }));
    assert.match(message, /slipway:certificateArn and slipway:domainName are empty on the production tier/);
});

// --- secret values never appear in a message -----------------------------------------------------------------

test("a schema problem in a secret map shows its names, never its values", () => {
    const r = inFile(raw("staging"), "slipway:appSecrets", { "api-key": SECURE }, { "api-key": "sk-live-do-not-print" }, true);
    rejects(r, "slipway:appSecrets", '{"api-key":"[secret]"}', "UPPER_SNAKE_CASE");
    assert.ok(!problemsOf(r)[0].includes("sk-live-do-not-print"));
    const text = raw("staging");
    text.values["slipway:appSecrets"] = "sk-live-raw-text";
    rejects(text, "slipway:appSecrets", '"[secret]" is not a map');
    assert.ok(!problemsOf(text)[0].includes("sk-live-raw-text"));
});

test("a secure value under a plain key is one problem, even when its value would fail the key's schema too", () => {
    const r = inFile(raw("production"), "slipway:certificateArn", SECURE, "arn-that-is-secret", true);
    rejects(r, "slipway:certificateArn is a secure: value");
    assert.ok(!problemsOf(r)[0].includes("arn-that-is-secret"));
});

// --- the review stack gate -------------------------------------------------------------------------------

test("the review stack gate follows the production gate unless set", () => {
    assert.equal((parseSettings(raw("delivery")) as DeliverySettings).reviewStackGate, "github-reviewers");
    const approval = parseSettings(raw("delivery", { "slipway:productionReviewers": "[]", "slipway:productionGate": "pipeline-approval" })) as DeliverySettings;
    assert.equal(approval.reviewStackGate, "label");
    assert.equal((parseSettings(raw("delivery", { "slipway:reviewStackGate": "label" })) as DeliverySettings).reviewStackGate, "label");
});

test("a review stack gate of GitHub reviewers without any to ask is refused, naming both fixes", () => {
    rejects(
        raw("delivery", { "slipway:productionReviewers": "[]", "slipway:productionGate": "pipeline-approval", "slipway:reviewStackGate": "github-reviewers" }),
        "slipway:reviewStackGate",
        "pipeline-approval",
        "pulumi config set slipway:reviewStackGate label --stack delivery",
    );
    rejects(
        raw("delivery", { "slipway:productionReviewers": "[]", "slipway:reviewStackGate": "github-reviewers", ...waivers({ "production-reviewers": "a public demo app: anyone may deploy it" }) }),
        "slipway:reviewStackGate is github-reviewers but slipway:productionReviewers is empty",
        "pulumi config set slipway:reviewStackGate label --stack delivery",
    );
    rejects(raw("delivery", { "slipway:reviewStackGate": "maintainers" }), "slipway:reviewStackGate", '"maintainers"', "github-reviewers, label");
});
