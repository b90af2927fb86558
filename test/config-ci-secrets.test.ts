// Item 4: CI secrets per GitHub environment (slipway:ciSecrets.<environment>.<NAME>).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { DeliverySettings, githubSecretNameProblem, parseSettings, RawConfig } from "../infra/config/settings";
import { problemsOf, rawConfig, rejects } from "./config-helpers";
import { planStack, rejection } from "./helpers";

const SECURE = { secure: "v1:r5QkkhTR3KJhM4bH:KUnUbjl1zSpscDl+tpW1n8YquVZHJiPUBEXwm4ialeE=" };

/** The delivery fixture with ciSecrets replaced; every leaf is written as a secure value. */
function withCiSecrets(map: Record<string, unknown>, changes: Record<string, string> = {}): RawConfig {
    const r = rawConfig("delivery", changes);
    const written = (v: unknown): unknown => (typeof v === "string" ? SECURE : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, written(x)])) : v);
    r.stackFile = { ...r.stackFile, "slipway:ciSecrets": written(map) };
    r.values["slipway:ciSecrets"] = JSON.stringify(map);
    r.secretKeys = new Set([...r.secretKeys, "slipway:ciSecrets"]);
    return r;
}

test("each GitHub environment gets its own CI secrets", () => {
    const s = parseSettings(rawConfig("delivery")) as DeliverySettings;
    assert.deepEqual(Object.keys(s.ciSecrets).sort(), ["preview", "production", "review", "staging"]);
    for (const [environment, secrets] of Object.entries(s.ciSecrets)) {
        assert.deepEqual(Object.keys(secrets), ["PULUMI_ACCESS_TOKEN"], environment);
        assert.equal(secrets.PULUMI_ACCESS_TOKEN.secret, true);
        assert.match(secrets.PULUMI_ACCESS_TOKEN.value, /^PLACEHOLDER-SECRET-/);
    }
    assert.notEqual(s.ciSecrets.staging.PULUMI_ACCESS_TOKEN.value, s.ciSecrets.production.PULUMI_ACCESS_TOKEN.value, "distinct tokens per environment");
});

test("the old flat form is refused with the move to an environment", () => {
    rejects(
        withCiSecrets({ PULUMI_ACCESS_TOKEN: "pul-1" }),
        "slipway:ciSecrets.PULUMI_ACCESS_TOKEN",
        "the old flat form",
        "staging, production, review, preview",
        "pulumi config rm --path 'slipway:ciSecrets.PULUMI_ACCESS_TOKEN' --stack delivery && pulumi config set --secret --path 'slipway:ciSecrets.production.PULUMI_ACCESS_TOKEN' <value> --stack delivery",
    );
});

test("the old flat form set without a stack file (an override) is refused the same way", async () => {
    const message = await rejection(() => planStack("delivery", { secret: { "slipway:ciSecrets": JSON.stringify({ PULUMI_ACCESS_TOKEN: "pul-new-token" }) } }));
    assert.match(message, /slipway:ciSecrets\.PULUMI_ACCESS_TOKEN is a repository-wide CI secret/);
});

test("an environment the delivery stack does not create is refused with a did-you-mean", () => {
    rejects(withCiSecrets({ prod: { PULUMI_ACCESS_TOKEN: "pul-1" } }), "slipway:ciSecrets.prod", "not a GitHub environment this delivery stack creates", "did you mean production?");
});

test("the allowed environments follow pipelineStacks, plus review and preview", () => {
    const map = { staging: { T: "1" }, review: { T: "2" }, preview: { T: "3" } };
    assert.deepEqual(problemsOf(withCiSecrets(map, { "slipway:pipelineStacks": '["staging"]', "slipway:productionReviewers": "[]" })), []);
    rejects(withCiSecrets({ ...map, production: { T: "4" } }, { "slipway:pipelineStacks": '["staging"]' }), "slipway:ciSecrets.production", "its environments: staging, review, preview");
});

test("secret names GitHub refuses are refused, naming the leaf", () => {
    for (const [name, why] of [
        ["1TOKEN", "not start with a digit"],
        ["MY-TOKEN", "only letters, digits and '_'"],
        ["GITHUB_TOKEN", "must not start with GITHUB_"],
        ["github_pat", "must not start with GITHUB_"],
        ["T".repeat(256), "at most 255 characters"],
    ]) {
        rejects(withCiSecrets({ production: { [name]: "v" } }), `slipway:ciSecrets.production.${name}`, "is not a GitHub secret name", why);
    }
    assert.deepEqual(problemsOf(withCiSecrets({ production: { ["T".repeat(255)]: "v", _private: "v", lower_case_ok: "v" } })), []);
});

test("githubSecretNameProblem follows GitHub's secret naming rules", () => {
    assert.equal(githubSecretNameProblem("PULUMI_ACCESS_TOKEN"), undefined);
    assert.equal(githubSecretNameProblem("_X9"), undefined);
    assert.ok(githubSecretNameProblem(""));
    assert.ok(githubSecretNameProblem("A B"));
    assert.ok(githubSecretNameProblem("Github_X"));
});

test("two names that differ only in case are one GitHub secret", () => {
    rejects(withCiSecrets({ production: { TOKEN: "a", token: "b" } }), "slipway:ciSecrets.production.token", "case-insensitive");
});

test("more than GitHub's 100 secrets in one environment is refused", () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`S${i}`, "v"]));
    rejects(withCiSecrets({ production: many }), "slipway:ciSecrets.production", "GitHub allows 100 per environment");
});

test("an environment entry that is not a map of names is refused", () => {
    rejects(withCiSecrets({ production: ["PULUMI_ACCESS_TOKEN"] }), "slipway:ciSecrets.production", "must be a map of NAME: secure value");
});
