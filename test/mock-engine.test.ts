// The offline plan must refuse what Pulumi's engine refuses at registration. Each invariant gets a tiny
// program that breaks it on purpose, and every fixture stack must plan without any violation.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { EngineViolation, runUnderMocks } from "../tools/plan/mock-engine";
import { listStacks } from "../tools/plan/stack-config";
import { FIXTURES, planStack, rejection } from "./helpers";

const opts = { project: "slipway", stack: "engine", config: { "aws:region": "us-east-1" }, secretKeys: [] };
const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });

class Box extends pulumi.ComponentResource {
    constructor(name: string, childName: string, o?: pulumi.ComponentResourceOptions) {
        super("test:index:Box", name, {}, o);
        new iam.Role(childName, { assumeRolePolicy: trust }, { parent: this });
        this.registerOutputs({});
    }
}

test("two components whose children share a name collide on one URN, and the plan refuses it as the engine does", async () => {
    const message = await rejection(() =>
        runUnderMocks(opts, () => {
            new Box("build", "role");
            new Box("smoke-test", "role");
            return {};
        }),
    );
    assert.match(message, /Duplicate resource URN 'urn:pulumi:engine::slipway::test:index:Box\$aws:iam\/role:Role::role'/);
    assert.match(message, /try giving it a unique name/);
});

test("children named from their component's name do not collide", async () => {
    const plan = await runUnderMocks(opts, () => {
        new Box("build", "build-role");
        new Box("smoke-test", "smoke-test-role");
        return {};
    });
    assert.equal(new Set(plan.resources.map((r) => r.urn)).size, plan.resources.length);
});

test("URNs carry the whole chain of parent types, as the engine builds them", async () => {
    class Outer extends pulumi.ComponentResource {
        constructor(name: string) {
            super("test:index:Outer", name, {});
            new Box(`${name}-box`, `${name}-role`, { parent: this });
            this.registerOutputs({});
        }
    }
    const plan = await runUnderMocks(opts, () => {
        new Outer("o");
        return {};
    });
    const role = plan.resources.find((r) => r.type === "aws:iam/role:Role");
    assert.equal(role?.urn, "urn:pulumi:engine::slipway::test:index:Outer$test:index:Box$aws:iam/role:Role::o-role");
});

test("two resources aliased to the same URN are refused", async () => {
    const message = await rejection(() =>
        runUnderMocks(opts, () => {
            new iam.Role("a", { assumeRolePolicy: trust }, { aliases: [{ name: "old" }] });
            new iam.Role("b", { assumeRolePolicy: trust }, { aliases: [{ name: "old" }] });
            return {};
        }),
    );
    assert.match(message, /Two resources \('.*::a' and '.*::b'\) aliased to the same: '.*::old'/);
});

test("an alias that is another resource's URN is refused", async () => {
    const message = await rejection(() =>
        runUnderMocks(opts, () => {
            new iam.Role("a", { assumeRolePolicy: trust });
            new iam.Role("b", { assumeRolePolicy: trust }, { aliases: [{ name: "a" }] });
            return {};
        }),
    );
    assert.match(message, /alias .*::a of .*::b is the URN of another resource/);
});

test("a malformed ignoreChanges path is refused", async () => {
    const message = await rejection(() =>
        runUnderMocks(opts, () => {
            new iam.Role("a", { assumeRolePolicy: trust }, { ignoreChanges: ["tags[", "description"] });
            return {};
        }),
    );
    assert.match(message, /ignoreChanges path "tags\[" of .*::a does not parse/);
});

test("violations are reported together, as one EngineViolation", async () => {
    await assert.rejects(
        runUnderMocks(opts, () => {
            new Box("x", "role");
            new Box("y", "role");
            new Box("z", "role");
            return {};
        }),
        (e: unknown) => e instanceof EngineViolation && e.problems.length === 2,
    );
});

test("every fixture stack plans without an engine violation", async () => {
    for (const stack of listStacks(FIXTURES)) {
        const plan = await planStack(stack);
        assert.equal(new Set(plan.resources.map((r) => r.urn)).size, plan.resources.length, stack);
    }
});
