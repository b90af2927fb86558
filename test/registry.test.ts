import { test } from "node:test";
import * as assert from "node:assert/strict";
import { LifecycleRule, lifecyclePolicy, lifecycleRules, verifiedTag, verifiedTagPrefix } from "../infra/delivery/registry";
import { json, one, planStack } from "./helpers";

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

test("the lifecycle policy keeps each pipeline stack's verified images first, then expires untagged images, then keeps the newest N", async () => {
    const plan = await planStack("delivery", { set: { "slipway:keepImages": "25", "slipway:untaggedImageDays": "3" } });
    const rules = json<{ rules: LifecycleRule[] }>(one(plan, "aws:ecr/lifecyclePolicy:LifecyclePolicy"), "policy").rules;
    assert.deepEqual(
        rules.map((r) => [r.rulePriority, r.selection]),
        [
            // Downstream first: production's verified images are a subset of staging's, so the rule that
            // decides an image's fate (the highest-priority one matching it) never expires what staging keeps.
            [1, { tagStatus: "tagged", tagPatternList: ["verified-production-*"], countType: "imageCountMoreThan", countNumber: 10 }],
            [2, { tagStatus: "tagged", tagPatternList: ["verified-staging-*"], countType: "imageCountMoreThan", countNumber: 10 }],
            [3, { tagStatus: "tagged", tagPatternList: ["seed"], countType: "imageCountMoreThan", countNumber: 1 }],
            [4, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 }],
            [5, { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 25 }],
        ],
    );
    assert.ok(rules.every((r) => r.action.type === "expire"));
});

test("the lifecycle policy stays within ECR's documented limits", () => {
    const stacks = ["staging", "qa", "production"];
    const text = lifecyclePolicy({ verifiedStacks: stacks, keepVerifiedImages: 10, untaggedImageDays: 7, keepImages: 50 });
    const rules = (JSON.parse(text) as { rules: LifecycleRule[] }).rules;
    const priorities = rules.map((r) => r.rulePriority);
    assert.equal(new Set(priorities).size, priorities.length, "rulePriority must be unique");
    // "A rule with a tagStatus value of any must have the highest value for rulePriority."
    const any = rules.filter((r) => r.selection.tagStatus === "any");
    assert.equal(any.length, 1);
    assert.equal(any[0].rulePriority, Math.max(...priorities));
    // "Only one rule is allowed to select untagged images."
    assert.equal(rules.filter((r) => r.selection.tagStatus === "untagged").length, 1);
    for (const r of rules) {
        const patterns = r.selection.tagPatternList ?? [];
        // tagPatternList selects images carrying ALL patterns: one pattern per rule, or nothing matches.
        assert.ok(r.selection.tagStatus !== "tagged" || patterns.length === 1, JSON.stringify(r));
        for (const p of patterns) assert.ok((p.match(/\*/g) ?? []).length <= 4, `${p}: more than four wildcards`);
        assert.ok(r.selection.countNumber >= 1, "countNumber must be a positive integer");
    }
    // PutLifecyclePolicy: lifecyclePolicyText is 100 to 30,720 characters.
    assert.ok(text.length >= 100 && text.length <= 30720, `${text.length} characters`);
    assert.equal(new Set(rules.flatMap((r) => r.selection.tagPatternList ?? [])).size, stacks.length + 1, "tag patterns must be unique");
});

test("verified tags fit Docker's 128-character tag limit and name their stack", () => {
    const tag = verifiedTag("review-pr-123", "0123456789abcdef0123456789abcdef01234567");
    assert.equal(tag, "verified-review-pr-123-0123456789abcdef0123456789abcdef01234567");
    assert.match(tag, /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
    assert.equal(verifiedTagPrefix("staging"), "verified-staging-");
});

test("a pipeline stack whose verified tags another stack's pattern would also match is refused", () => {
    const base = { keepVerifiedImages: 10, untaggedImageDays: 7, keepImages: 50 };
    // verified-staging-* also matches verified-staging-eu-<sha>: staging's rule would count and expire staging-eu's images.
    assert.throws(() => lifecycleRules({ ...base, verifiedStacks: ["staging", "staging-eu", "production"] }), /verifiedStacks.*staging-eu.*verified-staging-\*/);
    assert.throws(() => lifecycleRules({ ...base, verifiedStacks: ["staging", "staging"] }), /verifiedStacks.*twice/);
    assert.throws(() => lifecycleRules({ ...base, verifiedStacks: ["x".repeat(80)] }), /128/);
    assert.throws(() => lifecycleRules({ ...base, verifiedStacks: ["staging"], keepVerifiedImages: 0 }), /keepVerifiedImages/);
});

test("lifecycle rules are built from the settings alone", () => {
    const rules = lifecycleRules({ verifiedStacks: ["staging"], keepVerifiedImages: 3, untaggedImageDays: 1, keepImages: 5 });
    assert.deepEqual(rules.map((r) => r.selection.countNumber), [3, 1, 1, 5]);
});
