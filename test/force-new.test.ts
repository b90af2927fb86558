// REPLACE_ON (tools/plan/diff.ts) against the providers' own schemas, vendored in
// tools/plan/data/force-new.json (source and date in its README).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { REPLACE_ON, REPLACE_ON_EVERY, replaces } from "../tools/plan/diff";
import { listStacks } from "../tools/plan/stack-config";
import { FIXTURES, planStack, ROOT } from "./helpers";

interface ForceNewRecord {
    terraform: string;
    schema: string;
    forceNew: string[];
    conditional?: Record<string, string>;
    nested?: Record<string, string>;
}
interface ForceNewData {
    sources: Record<string, string>;
    providerWide: Record<string, Record<string, string>>;
    types: Record<string, ForceNewRecord>;
}
type Table = Record<string, { inputs: readonly string[]; except?: readonly string[] }>;

const DATA_DIR = path.join(ROOT, "tools", "plan", "data");
const data = JSON.parse(fs.readFileSync(path.join(DATA_DIR, "force-new.json"), "utf8")) as ForceNewData;

/** The input names of a type's `…Args` interface in the installed SDK. */
function argsOf(type: string): string[] {
    const [pkg, mod, cls] = type.split(":");
    const [dir, file] = mod.split("/");
    const dts = path.join(ROOT, "node_modules", "@pulumi", pkg, dir === "index" ? "" : dir, `${file}.d.ts`);
    const src = fs.readFileSync(dts, "utf8");
    const start = src.indexOf(`export interface ${cls}Args {`);
    if (start < 0) throw new Error(`${dts} has no ${cls}Args`);
    const body = src.slice(start, src.indexOf("\n}", start));
    return [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]);
}

/** Where a replacement table disagrees with the vendored provider schemas. */
function replaceRuleProblems(table: Table, facts: ForceNewData, inputsOf: (type: string) => string[]): string[] {
    const problems: string[] = [];
    for (const [type, rule] of Object.entries(table)) {
        const rec = facts.types[type];
        if (!rec) {
            problems.push(`${type}: no record in tools/plan/data/force-new.json`);
            continue;
        }
        const wide = Object.keys(facts.providerWide[type.split(":")[0]] ?? {});
        const forcing = new Set([...rec.forceNew, ...Object.keys(rec.conditional ?? {}), ...Object.keys(rec.nested ?? {}), ...wide]);
        if (rule.inputs.includes("*")) {
            // Every input but the exceptions: the exceptions are exactly the inputs that update in place.
            const inPlace = inputsOf(type).filter((i) => !forcing.has(i));
            for (const i of inPlace) if (!rule.except?.includes(i)) problems.push(`${type}: ${i} updates in place (${rec.schema}), add it to except`);
            for (const i of rule.except ?? []) if (forcing.has(i)) problems.push(`${type}: ${i} forces a new resource (${rec.schema}), drop it from except`);
            continue;
        }
        for (const i of rule.inputs) if (!forcing.has(i)) problems.push(`${type}: ${i} does not force a new resource in ${rec.schema}`);
        for (const i of rec.forceNew) if (!rule.inputs.includes(i)) problems.push(`${type}: ${i} is ForceNew in ${rec.schema}, missing from REPLACE_ON`);
    }
    return problems;
}

test("every REPLACE_ON input forces a new resource in the provider's schema, and no ForceNew input is missing", () => {
    assert.deepEqual(replaceRuleProblems(REPLACE_ON, data, argsOf), []);
});

test("every vendored argument is an input of the installed SDK", () => {
    const problems: string[] = [];
    for (const [type, rec] of Object.entries(data.types)) {
        const inputs = new Set(argsOf(type));
        for (const i of [...rec.forceNew, ...Object.keys(rec.conditional ?? {}), ...Object.keys(rec.nested ?? {})]) {
            if (!inputs.has(i)) problems.push(`${type}: ${i} (from ${rec.terraform}) is not an input of the installed SDK`);
        }
    }
    assert.deepEqual(problems, []);
});

test("every provider resource type the fixture stacks declare has a vendored schema record", async () => {
    const types = new Set<string>();
    for (const stack of listStacks(FIXTURES)) {
        for (const r of (await planStack(stack)).resources) if (r.custom && /^(aws|github):/.test(r.type)) types.add(r.type);
    }
    assert.deepEqual([...types].filter((t) => !data.types[t]).sort(), []);
});

test("the check refuses a non-ForceNew entry, a missing ForceNew input and a wrong exception", () => {
    const broken: Table = {
        ...REPLACE_ON,
        "aws:codestarnotifications/notificationRule:NotificationRule": { inputs: ["name", "resource"] },
        "aws:ecr/lifecyclePolicy:LifecyclePolicy": { inputs: ["repository"] },
        "aws:ecs/taskDefinition:TaskDefinition": { inputs: ["*"], except: ["tags", "skipDestroy", "trackLatest", "cpu"] },
        "aws:new/thing:Thing": { inputs: ["name"] },
    };
    assert.deepEqual(replaceRuleProblems(broken, data, argsOf).sort(), [
        "aws:codestarnotifications/notificationRule:NotificationRule: name does not force a new resource in internal/service/codestarnotifications resourceNotificationRule()",
        "aws:ecr/lifecyclePolicy:LifecyclePolicy: policy is ForceNew in internal/service/ecr resourceLifecyclePolicy(), missing from REPLACE_ON",
        "aws:ecs/taskDefinition:TaskDefinition: cpu forces a new resource (internal/service/ecs resourceTaskDefinition()), drop it from except",
        "aws:new/thing:Thing: no record in tools/plan/data/force-new.json",
    ]);
});

test("an exception list missing an in-place input is refused", () => {
    const broken: Table = { "aws:ecs/taskDefinition:TaskDefinition": { inputs: ["*"], except: ["tags", "skipDestroy"] } };
    assert.deepEqual(replaceRuleProblems(broken, data, argsOf), [
        "aws:ecs/taskDefinition:TaskDefinition: trackLatest updates in place (internal/service/ecs resourceTaskDefinition()), add it to except",
    ]);
});

test("a change of an AWS resource's own region replaces it, as the provider forces for every regional resource", () => {
    assert.deepEqual(Object.keys(data.providerWide.aws), ["region"]);
    assert.deepEqual(REPLACE_ON_EVERY.aws, ["region"]);
    assert.equal(replaces("aws:ecr/repository:Repository", "region"), true);
    assert.equal(replaces("aws:ecr/repository:Repository", "imageTagMutability"), false);
    assert.equal(replaces("github:index/actionsVariable:ActionsVariable", "region"), false);
});

test("the vendored data names its sources, and the README gives them with the date read", () => {
    const readme = fs.readFileSync(path.join(DATA_DIR, "README.md"), "utf8");
    assert.match(data.sources.aws, /^hashicorp\/terraform-provider-aws v6\.58\.0 /);
    assert.match(data.sources.github, /^integrations\/terraform-provider-github v6\.13\.0 /);
    assert.match(readme, /terraform-provider-aws \*\*v6\.58\.0\*\*/);
    assert.match(readme, /terraform-provider-github \*\*v6\.13\.0\*\*/);
    assert.match(readme, /Read on \d{4}-\d{2}-\d{2}/);
});
