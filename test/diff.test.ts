// The plan diff on real plan pairs: the program run twice under the mock engine with different config.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import { Plan, runUnderMocks } from "../tools/plan/mock-engine";
import {
    COMMENT_MARKER,
    REPLACE_ON,
    ResourceChange,
    diffCommand,
    diffPlans,
    hasChanges,
    renderMarkdown,
    renderText,
    secureConfigChanges,
} from "../tools/plan/diff";
import { listStacks } from "../tools/plan/stack-config";
import { FIXTURES, Overrides, planStack as planShipped, runCli, runMain } from "./helpers";

/**
 * These tests exercise the diff on the load-balanced shape (ALB, target group, listeners), whose
 * resources cover most replacement rules; shipped staging defaults to the HTTP API ingress.
 */
const planStack = (stack: string, o: Overrides = {}): Promise<Plan> =>
    planShipped(stack, stack === "staging" ? { ...o, set: { "slipway:ingress": "alb", ...o.set } } : o);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-diff-"));
const writePlan = (name: string, plan: Plan) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, JSON.stringify(plan, null, 2));
    return file;
};

/** Plans of the shipped stacks as they are, made once for the file (callers clone before editing). */
const shipped = new Map<string, Promise<Plan>>();
const asShipped = (stack: string): Promise<Plan> => {
    if (!shipped.has(stack)) shipped.set(stack, planStack(stack));
    return shipped.get(stack) as Promise<Plan>;
};
const clone = (p: Plan): Plan => JSON.parse(JSON.stringify(p)) as Plan;

const find = (changes: ResourceChange[], type: string, name?: string) => {
    const found = changes.filter((r) => r.type === type && (name === undefined || r.name === name));
    assert.equal(found.length, 1, `expected one change of ${type} ${name ?? ""}, found ${found.length}: ${changes.map((r) => `${r.kind} ${r.type} ${r.name}`).join("; ")}`);
    return found[0];
};

test("a plan compared with itself has no changes and main() exits 0", async () => {
    // main() plans the shipped config, so compare with the shipped plan itself.
    const base = writePlan("same.json", await planShipped("staging"));
    const { code, out } = await runMain(["--stack", "staging", "--diff", base]);
    assert.equal(code, 0);
    assert.match(out, /Plan diff for stack staging: no changes/);
});

test("a changed setting is an in-place update with the input path and old → new values, and main() exits 2", async () => {
    const base = writePlan("retention.json", await planShipped("staging", { set: { "slipway:logRetentionDays": "7" } }));
    const { code, out } = await runMain(["--stack", "staging", "--diff", base]);
    assert.equal(code, 2);
    assert.match(out, /~ +update +aws:cloudwatch\/logGroup:LogGroup app-logs/);
    assert.match(out, /retentionInDays: 7 → 14/);
    assert.doesNotMatch(out, /replace/);
});

test("adding a certificate creates the HTTPS listener and turns the port-80 listener into a redirect in place", async () => {
    const base = await asShipped("staging");
    const head = await planStack("staging", {
        set: {
            "slipway:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            "slipway:domainName": "staging.acme.example",
        },
    });
    const d = diffPlans(base, head);
    const created = d.resources.filter((r) => r.kind === "create" && r.type === "aws:lb/listener:Listener");
    assert.deepEqual(created.map((r) => r.name), ["web-https"], renderText(d));
    // Same logical name, so Pulumi updates it: AWS would refuse a second listener on port 80.
    const http = find(d.resources, "aws:lb/listener:Listener", "web-http");
    assert.equal(http.kind, "update");
    assert.ok(d.resources.every((r) => r.kind !== "delete"));
    assert.equal(find(d.resources, "aws:ssm/parameter:Parameter", "health-url").kind, "update");
    assert.ok(d.outputs.some((o) => o.path === "url" && o.new === "https://staging.acme.example"));
});

test("a new container port replaces the target group and registers a new task definition revision", async () => {
    const base = await asShipped("staging");
    const head = await planStack("staging", { set: { "slipway:containerPort": "9090" } });
    const d = diffPlans(base, head);
    const tg = find(d.resources, "aws:lb/targetGroup:TargetGroup");
    assert.equal(tg.kind, "replace");
    assert.deepEqual(tg.changes.find((c) => c.path === "port"), { path: "port", old: 8080, new: 9090, replaces: true, ignored: false });
    const task = find(d.resources, "aws:ecs/taskDefinition:TaskDefinition");
    assert.equal(task.kind, "replace");
    assert.ok(task.changes.some((c) => c.path === "containerDefinitions{json}[name=app].portMappings[0].containerPort" && c.new === 9090));
    assert.ok(task.notes.some((n) => /new revision/.test(n)));
    // The service only updates: its load balancer port changes in place.
    assert.equal(find(d.resources, "aws:ecs/service:Service").kind, "update");
    assert.match(renderText(d), /\+- replace aws:lb\/targetGroup:TargetGroup web-app/);
});

test("a new VPC range replaces the VPC and its subnets", async () => {
    const d = diffPlans(await asShipped("staging"), await planStack("staging", { set: { "slipway:vpcCidr": "10.40.0.0/16" } }));
    assert.equal(find(d.resources, "aws:ec2/vpc:Vpc").kind, "replace");
    const subnets = d.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet");
    assert.equal(subnets.length, 2);
    assert.ok(subnets.every((s) => s.kind === "replace" && s.changes.some((c) => c.path === "cidrBlock" && c.replaces)));
});

test("fewer availability zones delete the third subnet and its route table association", async () => {
    const d = diffPlans(await planStack("staging", { set: { "slipway:azCount": "3" } }), await asShipped("staging"));
    const deleted = d.resources.filter((r) => r.kind === "delete").map((r) => `${r.type} ${r.name}`);
    assert.ok(deleted.includes("aws:ec2/subnet:Subnet network-public-2"), deleted.join(", "));
    assert.ok(deleted.includes("aws:ec2/routeTableAssociation:RouteTableAssociation network-public-2"));
    assert.match(renderText(d), /- +delete +aws:ec2\/subnet:Subnet network-public-2/);
});

test("deleting or replacing a protected resource is flagged: pulumi up would refuse", async () => {
    const base = await asShipped("delivery");
    const head = clone(base);
    const repoUrn = head.resources.find((r) => r.type === "aws:ecr/repository:Repository")?.urn;
    assert.ok(base.resources.find((r) => r.urn === repoUrn)?.protect, "the delivery registry is protected");
    // The registry renamed (replace) and the artifact bucket gone (delete), on the same real plan.
    head.resources = head.resources
        .filter((r) => r.type !== "aws:s3/bucket:Bucket")
        .map((r) => (r.urn === repoUrn ? { ...r, inputs: { ...r.inputs, name: "shop-v2" } } : r));
    const d = diffPlans(base, head);
    const repo = find(d.resources, "aws:ecr/repository:Repository");
    assert.equal(repo.kind, "replace");
    assert.ok(repo.notes.some((n) => /PROTECTED/.test(n)));
    const bucket = find(d.resources, "aws:s3/bucket:Bucket");
    assert.equal(bucket.kind, "delete");
    assert.ok(bucket.notes.some((n) => /PROTECTED/.test(n)));
});

test("protect changes are shown even when no input changes", async () => {
    const d = diffPlans(await asShipped("staging"), await planStack("staging", { set: { "slipway:tier": "production", "slipway:policyWaivers": JSON.stringify({ "production-https": "a production-tier copy of staging, planned offline only" }) } }));
    const logs = find(d.resources, "aws:cloudwatch/logGroup:LogGroup");
    assert.deepEqual(logs.protect, { old: false, new: true });
    assert.match(renderText(d), /\[protect false → true\]/);
});

test("a change covered by ignoreChanges is no change (desiredCount is owned by autoscaling)", async () => {
    const d = diffPlans(await asShipped("staging"), await planStack("staging", { set: { "slipway:desiredCount": "2" } }));
    assert.equal(hasChanges(d), false, renderText(d));
    assert.deepEqual(d.ignored, [{ resource: "aws:ecs/service:Service app-service", paths: ["desiredCount"] }]);
    assert.match(renderText(d), /Unchanged \(ignoreChanges\): aws:ecs\/service:Service app-service: desiredCount/);
});

test("a changed secret value never appears: secret inputs stay [secret] and the limitation is stated", async () => {
    const oldSecret = "postgres://old-password@db";
    const newSecret = "postgres://new-password@db";
    const base = await planStack("staging", { secret: { "slipway:appSecrets": JSON.stringify({ DATABASE_URL: oldSecret, API_KEY: "k1" }) } });
    const head = await planStack("staging", { secret: { "slipway:appSecrets": JSON.stringify({ DATABASE_URL: newSecret, API_KEY: "k1" }) } });
    const d = diffPlans(base, head);
    // Both plans hold "[secret]" for the value: the SecretVersion itself shows no visible change…
    assert.equal(d.resources.filter((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion").length, 0);
    assert.ok(d.secretInputs.includes("aws:secretsmanager/secretVersion:SecretVersion secrets-current"));
    const text = renderText(d) + renderMarkdown(d);
    for (const s of [oldSecret, newSecret, "old-password", "new-password"]) assert.ok(!text.includes(s), `leaked ${s}`);
    assert.match(text, /a changed secret value cannot be seen here/);
});

test("an input that becomes secret shows its old plain value and [secret], never a new value", async () => {
    const base = await asShipped("staging");
    const head = clone(base);
    const param = head.resources.find((r) => r.type === "aws:ssm/parameter:Parameter");
    assert.ok(param);
    param.inputs.insecureValue = "[secret]";
    const d = diffPlans(base, head);
    const change = find(d.resources, "aws:ssm/parameter:Parameter").changes[0];
    assert.equal(change.path, "insecureValue");
    assert.equal(change.new, "[secret]");
    assert.match(String(change.old), /^http:\/\/.*\/health$/);
});

test("secure config keys whose ciphertext changed are named, without the ciphertext", () => {
    const base = "config:\n  slipway:appSecrets:\n    API_KEY:\n      secure: v1:aaa\n    DATABASE_URL:\n      secure: v1:bbb\n  slipway:cpu: 256\n";
    const head = "config:\n  slipway:appSecrets:\n    API_KEY:\n      secure: v1:ccc\n    DATABASE_URL:\n      secure: v1:bbb\n    NEW_ONE:\n      secure: v1:ddd\n  slipway:cpu: 512\n";
    assert.deepEqual(secureConfigChanges(base, head), ["slipway:appSecrets.API_KEY", "slipway:appSecrets.NEW_ONE"]);
    assert.deepEqual(secureConfigChanges(base, base), []);
});

test("a rotated secret in the stack file makes the diff report it and exit 2, though the plans are equal", async () => {
    const plan = await asShipped("staging");
    const dir = fs.mkdtempSync(path.join(tmp, "base-"));
    const stackFile = fs.readFileSync(path.join(FIXTURES, "Pulumi.staging.yaml"), "utf8");
    const rotated = stackFile.replace(/(API_KEY:\n\s+secure: )(\S+)/, "$1v1:rotatedCiphertextXYZ");
    assert.notEqual(rotated, stackFile);
    fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), rotated);
    const basePath = path.join(dir, "staging.json");
    fs.writeFileSync(basePath, JSON.stringify(plan));
    let out = "";
    const code = diffCommand(plan, basePath, { markdown: true, write: (s) => (out += s), headDir: FIXTURES });
    assert.equal(code, 2);
    assert.match(out, /Secret config set again \(values not shown\): `slipway:appSecrets.API_KEY`/);
    assert.ok(!out.includes("rotatedCiphertextXYZ"));
});

test("the Markdown is one compact section: marker, summary, replacements in view, details folded", async () => {
    const d = diffPlans(await asShipped("staging"), await planStack("staging", { set: { "slipway:containerPort": "9090", "slipway:logRetentionDays": "30" } }));
    const text = renderMarkdown(d);
    assert.ok(text.startsWith("<!-- slipway-plan-diff stack=staging -->\n### "));
    assert.ok(!text.includes(COMMENT_MARKER), "the comment marker is the workflow's, one per comment");
    assert.match(text, /\| \+- replace \| `aws:lb\/targetGroup:TargetGroup` \| `web-app` \| `port` \(replaces\)/);
    assert.match(text, /<details><summary>\d+ created or updated<\/summary>/);
    assert.match(text, /<details><summary>Changed values \(old → new\)<\/summary>/);
});

test("the Markdown stays within its budget on a large diff (staging against production)", async () => {
    const d = diffPlans(await asShipped("production"), await asShipped("staging"));
    assert.ok(d.resources.length > 10);
    assert.match(renderMarkdown(d), /against stack production/);
    for (const budget of [20_000, 4_000, 1_500]) assert.ok(renderMarkdown(d, budget).length <= budget, `over ${budget}`);
    assert.match(renderMarkdown(d, 1_500), /not listed \(comment size\)|more lines/);
});

test("no changes render as a one-line Markdown section", async () => {
    const plan = await asShipped("staging");
    assert.equal(renderMarkdown(diffPlans(plan, plan)), "<!-- slipway-plan-diff stack=staging -->\n### ✅ `staging`: no changes\n");
});

test("every provider resource type the shipped stacks declare has a replacement rule", async () => {
    const types = new Set<string>();
    for (const stack of listStacks(FIXTURES)) {
        for (const r of (await planShipped(stack)).resources) if (r.custom && /^(aws|github):/.test(r.type)) types.add(r.type);
    }
    const missing = [...types].filter((t) => !REPLACE_ON[t]);
    assert.deepEqual(missing, [], "add these to REPLACE_ON in tools/plan/diff.ts, citing the provider's ForceNew arguments");
});

test("a missing or malformed base plan is an error, and the CLI exits 1", async () => {
    await assert.rejects(runMain(["--stack", "staging", "--diff", path.join(tmp, "nope.json")]), /no such file/);
    const bad = path.join(tmp, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ hello: 1 }));
    await assert.rejects(runMain(["--stack", "staging", "--diff", bad]), /not a plan/);
    const run = await runCli(["--stack", "staging", "--diff", bad]);
    assert.equal(run.code, 1, run.err);
    assert.match(run.err, /not a plan/);
});

test("a value holding a code fence cannot end the Markdown code block early", async () => {
    const base = await asShipped("staging");
    const head = clone(base);
    const param = head.resources.find((r) => r.type === "aws:ssm/parameter:Parameter");
    assert.ok(param);
    param.inputs.description = "```\n</details>\n# injected";
    const text = renderMarkdown(diffPlans(base, head));
    assert.equal(text.split("```").length, 3, text);
});

test("moving a service from a traffic-shifting strategy back to rolling is called out with the safe order", async () => {
    // Production's fixture deploys by canary behind its ALB (the tier's default).
    const canary = await asShipped("production");
    const rolling = await planStack("production", { set: { "slipway:deployStrategy": "rolling" } });
    const back = diffPlans(canary, rolling);
    const service = find(back.resources, "aws:ecs/service:Service", "app-service");
    assert.equal(service.kind, "update");
    const note = service.notes.find((n) => /back to rolling/.test(n));
    assert.ok(note, service.notes.join("\n"));
    assert.match(note, /alternate target group/);
    assert.match(note, /describe-rules/);
    // The alternate group and the production listener rule go in the same `up`: the note is what warns.
    assert.ok(back.resources.some((r) => r.kind === "delete" && r.type === "aws:lb/targetGroup:TargetGroup"));
    // The other way round is an ordinary change: ECS moves the traffic itself.
    const forward = find(diffPlans(rolling, canary).resources, "aws:ecs/service:Service", "app-service");
    assert.ok(!forward.notes.some((n) => /back to rolling/.test(n)), forward.notes.join("\n"));
});

test("switching a maintenance page off names the order: the delivery stack first, whose Release action still asks for the page's parameter", async () => {
    const withPage = await planShipped("apps-production");
    const without = await planShipped("apps-production", { set: { "slipway:maintenancePage": null } });
    const gone = find(diffPlans(withPage, without).resources, "aws:ssm/parameter:Parameter", "maintenance-rule");
    assert.equal(gone.kind, "delete");
    assert.ok(gone.notes.some((n) => /pulumi up -s <delivery stack> first/.test(n)), gone.notes.join("\n"));
});

test("a component renamed with an alias keeps its children: the diff pairs them with their old URNs instead of deleting them (found in review: the per-target release projects)", async () => {
    class Project extends pulumi.ComponentResource {
        constructor(name: string, o?: pulumi.ComponentResourceOptions) {
            super("test:index:Project", name, {}, o);
            new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: 30 }, { parent: this, protect: true });
            this.registerOutputs({});
        }
    }
    const opts = { project: "slipway", stack: "delivery", config: { "aws:region": "us-east-1" }, secretKeys: [] };
    const base = await runUnderMocks(opts, () => {
        new Project("release");
        return {};
    });
    const head = await runUnderMocks(opts, () => {
        new Project("release-staging", { aliases: [{ name: "release" }] });
        return {};
    });
    const logs = head.resources.find((r) => r.name === "release-staging-logs");
    assert.deepEqual(logs?.aliases, ["urn:pulumi:delivery::slipway::test:index:Project$aws:cloudwatch/logGroup:LogGroup::release-logs"], "the engine's inherited child alias");
    const d = diffPlans(base, head);
    assert.deepEqual(d.resources.filter((r) => r.kind === "delete" || r.kind === "create").map((r) => `${r.kind} ${r.name}`), []);
    const renamed = find(d.resources, "aws:cloudwatch/logGroup:LogGroup", "release-staging-logs");
    assert.equal(renamed.kind, "update");
    assert.match(renamed.notes.join("\n"), /renamed from "release-logs" by an alias/);
    // Without the alias, the protected log group would be deleted: the diff says so.
    const unaliased = await runUnderMocks(opts, () => {
        new Project("release-staging");
        return {};
    });
    assert.ok(diffPlans(base, unaliased).resources.some((r) => r.kind === "delete" && r.name === "release-logs" && r.notes.some((n) => /PROTECTED/.test(n))));
});
