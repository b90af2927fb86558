// Item 1: every stack file declares its role; keys of the other role in a stack file are refused.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { parseSettings, readStackFileConfig } from "../infra/config/settings";
import { listStacks } from "../tools/plan/stack-config";
import { problemsOf, rawConfig as raw, rejects } from "./config-helpers";
import { FIXTURES, planStack, rejection } from "./helpers";

test("every fixture stack file sets slipway:role itself", () => {
    for (const stack of listStacks(FIXTURES)) {
        const own = readStackFileConfig(FIXTURES, stack, "slipway");
        assert.ok(own && ["delivery", "environment"].includes(String(own["slipway:role"])), `Pulumi.${stack}.yaml lacks slipway:role`);
    }
});

test("a stack file without slipway:role is refused with both ways to set it", () => {
    // Pulumi.yaml's default is "", which is what a stack without the key sees.
    for (const role of [null, ""]) {
        rejects(
            raw("staging", { "slipway:role": role }),
            "slipway:role",
            "is not set in Pulumi.staging.yaml",
            "pulumi config set slipway:role environment --stack staging",
            "pulumi config set slipway:role delivery --stack staging",
        );
    }
});

test("a stack named shop-delivery is not guessed to be an environment: without a role it is refused, with one it is a delivery stack", () => {
    const missing = raw("delivery", { "slipway:role": null });
    missing.stack = "shop-delivery";
    rejects(missing, "slipway:role", "no longer guesses", "pulumi config set slipway:role delivery --stack shop-delivery (the registry");
    const declared = raw("delivery");
    declared.stack = "shop-delivery";
    assert.equal(parseSettings(declared).role, "delivery");
});

test("a role that is neither delivery nor environment is refused with the allowed values", () => {
    rejects(raw("staging", { "slipway:role": "env" }), "slipway:role", '"env"', "must be one of delivery, environment", "--stack staging");
});

test("a stack without a stack file (config from elsewhere) is told to set the role for the stack", () => {
    const r = raw("staging", { "slipway:role": null });
    r.stackFile = undefined;
    rejects(r, "slipway:role", "is not set for stack staging");
});

test("an environment key in the delivery stack file is refused, naming the key", () => {
    rejects(raw("delivery", { "slipway:tier": "production" }), "slipway:tier", "is an environment setting", "Pulumi.delivery.yaml declares a delivery stack", "pulumi config rm slipway:tier --stack delivery");
    rejects(raw("delivery", { "slipway:appSettings": '{"LOG_LEVEL":"info"}' }), "slipway:appSettings", "pulumi config rm slipway:appSettings --stack delivery");
});

test("a delivery key in an environment stack file is refused, naming the key", () => {
    rejects(raw("staging", { "slipway:githubOwner": "acme" }), "slipway:githubOwner", "is a delivery setting", "declares an environment stack", "pulumi config rm slipway:githubOwner --stack staging");
});

test("Pulumi.yaml's defaults for the other role are not mistaken for keys the stack file sets", () => {
    const r = raw("staging");
    assert.equal(r.values["slipway:githubBranch"], "main", "the project default reaches the environment stack");
    // A value set outside the stack file (an ESC environment, say) is not the file's either.
    r.values["slipway:connectionArn"] = "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
    assert.deepEqual(problemsOf(r), []);
});

test("a stack file without a role stops the plan before any resource is declared", async () => {
    const message = await rejection(() => planStack("staging", { set: { "slipway:role": "" } }));
    assert.match(message, /slipway:role is not set in Pulumi\.staging\.yaml/);
});
