// Component tests: build one ComponentResource from its Args under the offline mock engine (no stack,
// no config) and look at what its children would send the engine. The plan is the same one the stack
// tests and `npm run plan` read (tools/plan/mock-engine.ts), so what these tests assert is what a stack
// built from the component shows.
import * as assert from "node:assert/strict";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MOCK_ACCOUNT, Plan, PlannedResource, runUnderMocks } from "../../tools/plan/mock-engine";
import { AwsContext, awsContext } from "../../infra/shared/aws-context";
import { appLogGroupName, environmentRolePath } from "../../infra/contract";
import type { FargateAppArgs } from "../../infra/platforms/ecs/service";

export { MOCK_ACCOUNT };
export { json, rejection } from "../helpers";

type TestBody = () => unknown;

/** The component tests of each file loaded in the plan thread, by file (`delivery-github`) and name. */
export const registeredTests = new Map<string, Map<string, TestBody>>();
let inPlanThread = false;
/** Called by the plan thread (test/plan-worker-main.ts) before it loads a component test file. */
export function runningInPlanThread(): void {
    inPlanThread = true;
}

/**
 * The `test` of a component test file (`const test = componentTests(__filename)`). Under the test runner,
 * each test is registered as usual, and runs in the plan thread (test/plan-worker-main.ts, through
 * helpers.runComponentTest): its builds are whole Pulumi runs, which cost about half as much again in the
 * runner's own thread, where node:test's async hook sees every promise they make. In the plan thread the
 * file's tests are only kept, by name, for the runner's requests. SLIPWAY_TEST_IN_THREAD=1 runs them in the
 * runner's thread, where a failure's stack shows the file's own lines (`node --import tsx --test <file>`).
 */
export function componentTests(filename: string): (name: string, body: TestBody) => void {
    const file = path.basename(filename).replace(/\.test\.ts$/, "");
    if (inPlanThread) {
        const tests = new Map<string, TestBody>();
        registeredTests.set(file, tests);
        return (name, body) => {
            if (tests.has(name)) throw new Error(`test/components/${file}.test.ts has two tests named ${JSON.stringify(name)}`);
            tests.set(name, body);
        };
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { test } = require("node:test") as typeof import("node:test");
    if (process.env.SLIPWAY_TEST_IN_THREAD === "1") return (name, body) => void test(name, body as () => Promise<void>);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runComponentTest } = require("../helpers") as typeof import("../helpers");
    return (name) => void test(name, () => runComponentTest(file, name));
}

/** Not us-east-1 (the mock's default), so a component that ignores its context's region shows. */
export const REGION = "eu-west-1";

export interface Built extends Plan {
    /** What each component passed to registerOutputs, resolved (secrets "[secret]"), by component URN. */
    registered: Record<string, Record<string, unknown>>;
}

type RegisterOutputs = (this: pulumi.ComponentResource, outputs?: pulumi.Inputs | Promise<pulumi.Inputs> | pulumi.Output<pulumi.Inputs>) => void;
const proto = pulumi.ComponentResource.prototype as unknown as { registerOutputs: RegisterOutputs };

/**
 * Runs `program` (which constructs components) as a one-off stack and returns its plan. `program`
 * gets the AwsContext the mock's invokes answer; what it returns becomes the plan's outputs (so
 * a component's public fields can be resolved). registerOutputs calls are recorded while it runs.
 */
export async function build(
    program: (ctx: AwsContext) => Record<string, unknown> | void,
    opts: { region?: string; revealSecrets?: boolean; stack?: string } = {},
): Promise<Built> {
    const region = opts.region ?? REGION;
    const calls: { urn: pulumi.Output<string>; outputs: unknown }[] = [];
    const plan = await runUnderMocks(
        { project: "slipway", stack: opts.stack ?? "components", config: { "aws:region": region }, secretKeys: [], revealSecrets: opts.revealSecrets },
        async () => {
            const ctx = await awsContext(region);
            const original = proto.registerOutputs;
            proto.registerOutputs = function (outputs) {
                calls.push({ urn: this.urn, outputs: outputs ?? {} });
                return original.call(this, outputs);
            };
            // Only while the components are constructed: the SDK's own later registerOutputs() of each (with no
            // outputs, after its initialize) must not replace what the component registered.
            try {
                const exported = program(ctx) ?? {};
                return { ...exported, __registered: calls.map((c) => ({ urn: c.urn, outputs: c.outputs })) };
            } finally {
                proto.registerOutputs = original;
            }
        },
    );
    const { __registered, ...outputs } = plan.outputs as { __registered: { urn: string; outputs: Record<string, unknown> }[] } & Record<string, unknown>;
    const registered = Object.fromEntries(__registered.map((r) => [r.urn, r.outputs]));
    return { ...plan, outputs, registered };
}

/** The one resource of `type` named `name`. */
export function res(plan: Plan, type: string, name: string): PlannedResource {
    const found = plan.resources.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `expected one ${type} named ${name}, found ${found.length}; the plan has ${plan.resources.map((r) => `${r.type} ${r.name}`).join(", ")}`);
    return found[0];
}

/** Every resource of `type`. */
export function ofType(plan: Plan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

/** The direct children of `parent`. */
export function childrenOf(plan: Plan, parent: PlannedResource): PlannedResource[] {
    return plan.resources.filter((r) => r.parent === parent.urn);
}

/**
 * The component of `type` named `name` owns everything else in the plan: each resource is its
 * child (or a descendant through a child component), named `${name}-…`, so a second instance under
 * another name never shares a URN with it. Returns the component.
 */
export function assertOwnsItsChildren(plan: Plan, type: string, name: string): PlannedResource {
    const component = res(plan, type, name);
    assert.equal(component.custom, false, `${type} is a component`);
    const inside = new Set([component.urn]);
    for (const r of plan.resources) {
        if (r === component) continue;
        assert.ok(r.parent && inside.has(r.parent), `${r.type} ${r.name} is not parented to ${type} ${name}`);
        assert.ok(r.name.startsWith(`${name}-`), `${r.type} ${r.name} is not named after its component ${name}`);
        inside.add(r.urn);
    }
    assert.ok(plan.resources.length > 1, `${type} ${name} declares no children`);
    return component;
}

/** The URNs of two plans of one component under two names share nothing. */
export function assertDisjoint(a: Plan, b: Plan): void {
    const urns = new Set(a.resources.map((r) => r.urn));
    const shared = b.resources.filter((r) => urns.has(r.urn)).map((r) => r.urn);
    assert.deepEqual(shared, []);
    assert.equal(a.resources.length, b.resources.length, "the same Args give the same children whatever the name");
}

/** What the component passed to registerOutputs (asserting it called it). */
export function registeredOutputs(plan: Built, component: PlannedResource): Record<string, unknown> {
    const outputs = plan.registered[component.urn];
    assert.ok(outputs, `${component.type} ${component.name} never called registerOutputs`);
    return outputs;
}

/** A policy document input, parsed. */
export interface PolicyStatement {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource?: string | string[];
    NotResource?: string[];
    Condition?: Record<string, Record<string, unknown>>;
}
export function statements(r: PlannedResource, input = "policy"): PolicyStatement[] {
    const v = r.inputs[input];
    assert.equal(typeof v, "string", `${r.type} ${r.name}.${input} is not a policy document`);
    return (JSON.parse(v as string) as { Statement: PolicyStatement[] }).Statement;
}

/** The statement with `sid`. */
export function sid(r: PlannedResource, id: string, input = "policy"): PolicyStatement {
    const found = statements(r, input).find((s) => s.Sid === id);
    assert.ok(found, `${r.type} ${r.name} has no statement ${id}`);
    return found;
}

// --- the ECS web service's Args, shared by the component tests that build a FargateApp ----------------------

export const VPC = "vpc-0123456789abcdef0";
export const SUBNETS = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"];
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${MOCK_ACCOUNT}:secret:slipway/shop/staging/app-AbCdEf`;
export const TARGET_GROUP_ARN = `arn:aws:elasticloadbalancing:${REGION}:${MOCK_ACCOUNT}:targetgroup/web-app/0123456789abcdef`;

/** A staging web service behind a target group, with two secrets; `over` changes any of it. */
export const fargateArgs = (ctx: AwsContext, over: Partial<FargateAppArgs> = {}): FargateAppArgs => ({
    name: "shop-staging",
    image: `${MOCK_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop:abc1234`,
    executionPolicyArn: `arn:aws:iam::${MOCK_ACCOUNT}:policy/shop-staging-task-execution`,
    permissionsBoundary: `arn:aws:iam::${MOCK_ACCOUNT}:policy/shop-staging-boundary`,
    cpu: 256,
    memory: 512,
    containerPort: 8080,
    vpcId: VPC,
    subnetIds: SUBNETS,
    ingressSecurityGroupId: "sg-0ingress000000000",
    targetGroupArn: TARGET_GROUP_ARN,
    environment: { PORT: "8080", LOG_LEVEL: "info" },
    secrets: { arn: SECRET_ARN, names: ["DATABASE_URL", "STRIPE_KEY"], versionId: "v-1" },
    desiredCount: 2,
    minCount: 1,
    maxCount: 4,
    cpuTargetPercent: 60,
    logRetentionDays: 14,
    logGroupName: appLogGroupName("shop", "staging"),
    rolePath: environmentRolePath("shop", "staging"),
    ctx,
    ...over,
});
