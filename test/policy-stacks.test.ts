// The policy pack on the shipped stacks: every stack passes its mandatory rules, waivers need a reason,
// show in the plan with it, and reach the CrossGuard pack through the program's Waivers component.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { resourceArgs, runRule, stackArgs, toPolicyResource } from "../policy/evaluate";
import { CONTEXT_TYPE } from "../policy/kit";
import { evaluatePlan, policyReport, WAIVERS_KEY } from "../tools/check/policy-report";
import { packPolicies, WAIVERS_RULE } from "../policy/pack";
import { RULES } from "../policy/rules";
import { Plan } from "../tools/plan/mock-engine";
import { listStacks, loadStackConfig } from "../tools/plan/stack-config";
import { FIXTURES, one, planStack, rejection, ROOT, runMain } from "./helpers";

const STACKS = listStacks(FIXTURES);
const plans = new Map<string, Promise<Plan>>();
const plan = (stack: string) => {
    if (!plans.has(stack)) plans.set(stack, planStack(stack));
    return plans.get(stack) as Promise<Plan>;
};

test("there are shipped stacks to check", () => {
    assert.ok(STACKS.includes("delivery") && STACKS.includes("staging") && STACKS.includes("production"), STACKS.join(", "));
});

for (const stack of STACKS) {
    test(`the ${stack} stack violates no mandatory rule and keeps no unused waiver`, async () => {
        const report = await policyReport(await plan(stack), loadStackConfig(FIXTURES, stack));
        assert.equal(report.mandatoryViolations, 0, report.text);
        for (const [id, hidden] of Object.entries(report.evaluation.hidden)) assert.ok(hidden > 0, `${stack}: the waiver for ${id} is unused; remove it`);
    });
}

test("the program registers the stack's waivers and tier on the Waivers component", async () => {
    const delivery = one(await plan("delivery"), CONTEXT_TYPE);
    assert.equal(delivery.inputs.tier, "delivery");
    assert.deepEqual(Object.keys(delivery.inputs.waivers as object).sort(), Object.keys(JSON.parse(loadStackConfig(FIXTURES, "delivery").config[WAIVERS_KEY])).sort());
    assert.equal(one(await plan("production"), CONTEXT_TYPE).inputs.tier, "production");
    assert.equal(one(await plan("staging"), CONTEXT_TYPE).inputs.tier, "staging");
});

test("a waived rule shows in the plan's policy section with its reason", async () => {
    const cfg = loadStackConfig(FIXTURES, "delivery");
    const reason = JSON.parse(cfg.config[WAIVERS_KEY])["ecr-tags-immutable"] as string;
    const report = await policyReport(await plan("delivery"), cfg);
    assert.ok(report.text.includes(`waived [ecr-tags-immutable] ${reason}`), report.text);
});

test("a waiver the stack no longer needs is flagged as unused", async () => {
    const cfg = loadStackConfig(FIXTURES, "staging");
    const own = JSON.parse(cfg.config[WAIVERS_KEY]) as Record<string, string>;
    const report = await policyReport(await plan("staging"), { ...cfg, config: { ...cfg.config, [WAIVERS_KEY]: JSON.stringify({ ...own, "kms-key-rotation": "staging declares no KMS key" }) } });
    assert.match(report.text, /waived \[kms-key-rotation\] staging declares no KMS key \(unused: /);
    assert.equal(report.mandatoryViolations, 0);
});

test("an environment stack whose config is not encrypted with its own KMS key fails stack-secrets-provider, with the command that fixes it", async () => {
    const cfg = loadStackConfig(FIXTURES, "staging");
    const unwaived = { ...cfg, config: { ...cfg.config, [WAIVERS_KEY]: "{}" } };
    const failing = await policyReport(await plan("staging"), unwaived);
    assert.equal(failing.mandatoryViolations, 1);
    assert.match(failing.text, /\[stack-secrets-provider, critical\] stack: .*pulumi stack change-secrets-provider "awskms:\/\/alias\/slipway\/shop\/staging\?region=us-east-1" --stack staging/);
    const kms = await policyReport(await plan("staging"), { ...unwaived, secretsProvider: "awskms://alias/slipway/shop/staging?region=us-east-1" });
    assert.equal(kms.mandatoryViolations, 0, kms.text);
    // Another stack's key is not this stack's: review stacks share the review key, nobody else.
    const other = await policyReport(await plan("staging"), { ...unwaived, secretsProvider: "awskms://alias/slipway/shop/production?region=us-east-1" });
    assert.equal(other.mandatoryViolations, 1);
    const review = await policyReport(await planStack("staging", { stackName: "review-pr-4" }), { ...unwaived, stack: "review-pr-4", secretsProvider: "awskms://alias/slipway/shop/review?region=us-east-1" });
    assert.equal(review.mandatoryViolations, 0, review.text);
});

test("without its waiver the delivery stack fails ecr-tags-immutable", async () => {
    const evaluation = await evaluatePlan(await plan("delivery"), {});
    assert.ok(evaluation.violations.some((v) => v.rule === "ecr-tags-immutable" && v.enforcementLevel === "mandatory"));
});

test("a waiver naming no rule is an error", async () => {
    const cfg = loadStackConfig(FIXTURES, "staging");
    const report = await policyReport(await plan("staging"), { ...cfg, config: { ...cfg.config, [WAIVERS_KEY]: JSON.stringify({ "ecr-scan-on-pushh": "a typo in the rule id" }) } });
    assert.ok(report.mandatoryViolations > 0);
    assert.match(report.text, /ERROR {2}slipway:policyWaivers\.ecr-scan-on-pushh: no policy rule is named/);
});

test("a waiver without a written reason is rejected before anything is declared", async () => {
    const message = await rejection(() => planStack("staging", { set: { [WAIVERS_KEY]: JSON.stringify({ "ecs-no-public-ip": "ok" }) } }));
    assert.match(message, /slipway:policyWaivers/);
    assert.match(message, /reason of at least 10 characters/);
});

test("npm run check exits 3 on a mandatory violation and 0 when every stack passes, reporting the IAM simulation and the contract", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-check-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    // The project's workflows, which the contract checks against the delivery stack.
    fs.symlinkSync(path.join(ROOT, ".github"), path.join(dir, ".github"));
    // staging needs the delivery stack that deploys it, and that one its other pipeline stack.
    for (const f of ["Pulumi.delivery.yaml", "Pulumi.production.yaml"]) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
    const staging = fs.readFileSync(path.join(FIXTURES, "Pulumi.staging.yaml"), "utf8");
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), staging);
    try {
        const passed = await runMain(["--all", "--check", "--quiet"], dir);
        assert.equal(passed.code, 0, passed.out);
        assert.match(passed.out, /IAM simulation of the deploy roles \(every needed request allowed, every other stack's resource denied\): 0 problem\(s\)/);
        assert.match(passed.out, /Contract between the delivery stack, its environments and the workflows: 0 problem\(s\)/);
        fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), `${staging}    no-such-rule: "a waiver for a rule that does not exist"\n`);
        assert.equal((await runMain(["--all", "--check", "--quiet"], dir)).code, 3);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

// --- the CrossGuard path, simulated with the plan's resources --------------------------------------------

async function runPack(p: Plan, name: string): Promise<{ violations: string[]; notApplicable?: string }> {
    const policy = packPolicies(RULES).find((x) => x.name === name);
    assert.ok(policy, name);
    const violations: string[] = [];
    try {
        await policy.validateStack(stackArgs(p.resources.map((r) => toPolicyResource({ ...r, props: r.inputs }))), (m) => violations.push(m));
    } catch (e) {
        return { violations, notApplicable: (e as Error).message };
    }
    return { violations };
}

test("the CrossGuard pack skips a rule the stack waives, naming the reason", async () => {
    const result = await runPack(await plan("delivery"), "ecr-tags-immutable");
    assert.match(result.notApplicable ?? "", /^waived for this stack: Commit-sha tags are immutable/);
});

test("the CrossGuard pack reports what the offline plan reports for an unwaived rule", async () => {
    const p = await plan("staging");
    const offline = (await evaluatePlan(p, {})).violations.filter((v) => v.rule === "ecs-no-public-ip").map((v) => v.message);
    const pack = await runPack(p, "ecs-no-public-ip");
    assert.ok(offline.length > 0);
    assert.deepEqual(pack.violations, offline);
});

test("the CrossGuard pack's waiver check catches a waiver for an unknown rule", async () => {
    const p = await plan("staging");
    const resources = p.resources.map((r) =>
        r.type === CONTEXT_TYPE ? { ...r, inputs: { ...r.inputs, waivers: { "no-such-rule": "reason enough" } } } : r,
    );
    const result = await runPack({ ...p, resources }, WAIVERS_RULE);
    assert.equal(result.violations.length, 1);
});

test("a resource rule sees a resource as CrossGuard describes it (type, props, protect)", async () => {
    const p = await plan("production");
    const logs = p.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup");
    assert.ok(logs);
    const args = resourceArgs(toPolicyResource({ ...logs, props: logs.inputs }));
    assert.equal(args.type, "aws:cloudwatch/logGroup:LogGroup");
    assert.equal(args.opts.protect, true);
    assert.equal(args.props.retentionInDays, logs.inputs.retentionInDays);
});

test("a value unknown during preview skips that resource only, as CrossGuard does for a resource policy", async () => {
    class UnknownValueError extends Error {}
    const unknownProps = new Proxy({} as Record<string, unknown>, {
        get: () => {
            throw new UnknownValueError("string value at .encryptionKey can't be known during preview");
        },
    });
    const resources = [
        toPolicyResource({ type: "aws:codebuild/project:Project", name: "a", urn: "urn:pulumi:s::p::aws:codebuild/project:Project::a", props: unknownProps, protect: false }),
        toPolicyResource({ type: "aws:codebuild/project:Project", name: "b", urn: "urn:pulumi:s::p::aws:codebuild/project:Project::b", props: {}, protect: false }),
    ];
    const violations: string[] = [];
    const rule = RULES.find((x) => x.name === "codebuild-kms-encryption");
    assert.ok(rule);
    await runRule(rule, resources, (_m, urn) => violations.push(String(urn)));
    assert.deepEqual(violations, ["urn:pulumi:s::p::aws:codebuild/project:Project::b"]);
});
