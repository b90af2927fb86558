import { test } from "node:test";
import * as assert from "node:assert/strict";
import { lifecyclePolicy } from "../infra/registry";
import { json, one, planStack } from "./helpers";

interface LifecycleRule {
    rulePriority: number;
    selection: { tagStatus: string; countType: string; countNumber: number; countUnit?: string };
    action: { type: string };
}

test("the registry scans on push, keeps sha tags immutable and lets only latest move", async () => {
    const plan = await planStack("delivery");
    const repo = one(plan, "aws:ecr/repository:Repository");
    assert.equal(repo.inputs.name, "shop");
    assert.deepEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
    assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
    assert.deepEqual(repo.inputs.imageTagMutabilityExclusionFilters, [{ filter: "latest", filterType: "WILDCARD" }]);
    assert.deepEqual(repo.inputs.encryptionConfigurations, [{ encryptionType: "KMS" }]);
    assert.equal(repo.protect, true, "production images live here");
    assert.equal(repo.inputs.forceDelete, false);
});

test("the lifecycle policy expires untagged images after N days and keeps the newest N", async () => {
    const plan = await planStack("delivery", { set: { "slipway:keepImages": "25", "slipway:untaggedImageDays": "3" } });
    const rules = json<{ rules: LifecycleRule[] }>(one(plan, "aws:ecr/lifecyclePolicy:LifecyclePolicy"), "policy").rules;
    assert.deepEqual(rules[0].selection, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 });
    assert.deepEqual(rules[1].selection, { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 25 });
    // ECR requires the `any` rule to have the highest priority number.
    assert.ok(rules[1].rulePriority > rules[0].rulePriority);
    assert.ok(rules.every((r) => r.action.type === "expire"));
});

test("lifecycle rules are built from the settings alone", () => {
    const rules = (JSON.parse(lifecyclePolicy(1, 5)) as { rules: LifecycleRule[] }).rules;
    assert.deepEqual(rules.map((r) => r.selection.countNumber), [1, 5]);
});
