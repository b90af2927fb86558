// The registry's lifecycle policy, checked against a small evaluator of ECR's documented semantics
// ("Lifecycle policy evaluation rules", Amazon ECR User Guide, LifecyclePolicies.html#lp_evaluation_rules):
//   - all rules are evaluated, then applied in priority order (lowest rulePriority first);
//   - an image is expired by exactly one or zero rules;
//   - an image that matches the tagging requirements of a rule cannot be expired by a rule with a lower priority;
//   - rules never mark images marked by higher-priority rules, but still count them as if not expired;
//   - imageCountMoreThan sorts by pushed_at_time, youngest first, and expires everything past the count;
//   - sinceImagePushed expires images pushed more than countNumber days ago;
//   - tagPatternList (wildcard `*`): an image is selected only if every pattern matches one of its tags
//     ("If you specify multiple tags, only the images with all specified tags are selected").
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { LifecycleRule, lifecycleRules, verifiedTag } from "../infra/delivery/registry";

interface Image {
    digest: string;
    /** ms since epoch */
    pushedAt: number;
    tags: string[];
}

const DAY = 24 * 60 * 60 * 1000;

function wildcard(pattern: string): RegExp {
    return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/** Whether an image meets a rule's tagging requirements (tagStatus and tag patterns). */
function selects(rule: LifecycleRule, image: Image): boolean {
    const s = rule.selection;
    if (s.tagStatus === "any") return true;
    if (s.tagStatus === "untagged") return image.tags.length === 0;
    const patterns = (s.tagPatternList ?? []).map(wildcard);
    return image.tags.length > 0 && patterns.every((p) => image.tags.some((t) => p.test(t)));
}

/** The digests ECR would expire. */
function evaluate(rules: LifecycleRule[], images: Image[], now: number): Set<string> {
    const ordered = [...rules].sort((a, b) => a.rulePriority - b.rulePriority);
    const expired = new Set<string>();
    ordered.forEach((rule, i) => {
        const selected = images.filter((img) => selects(rule, img));
        const s = rule.selection;
        const candidates =
            s.countType === "imageCountMoreThan"
                ? // Images already marked by a higher-priority rule still take their place in the count.
                  [...selected].sort((a, b) => b.pushedAt - a.pushedAt).slice(s.countNumber)
                : selected.filter((img) => img.pushedAt < now - s.countNumber * DAY);
        for (const img of candidates) {
            if (expired.has(img.digest)) continue;
            if (ordered.slice(0, i).some((higher) => selects(higher, img))) continue;
            expired.add(img.digest);
        }
    });
    return expired;
}

const sha = (n: number) => n.toString(16).padStart(40, "0");
const settings = { verifiedStacks: ["staging", "production"], keepVerifiedImages: 10, untaggedImageDays: 7, keepImages: 50 };

/**
 * A registry history: `builds` release builds an hour apart, each verified on staging; production
 * promoted build `promoted` and nothing after it (its approvals are pending). Plus the seed image,
 * pushed before everything, and two untagged leftovers.
 */
function history(builds: number, promoted: number) {
    const hour = 60 * 60 * 1000;
    const start = Date.UTC(2026, 0, 1);
    const images: Image[] = [{ digest: "seed", pushedAt: start - hour, tags: ["seed"] }];
    for (let n = 1; n <= builds; n++) {
        const tags = [sha(n), verifiedTag("staging", sha(n))];
        if (n <= promoted) tags.push(verifiedTag("production", sha(n)));
        images.push({ digest: `d${n}`, pushedAt: start + n * hour, tags });
    }
    images[images.length - 1].tags.push("latest");
    images.push({ digest: "untagged-old", pushedAt: start, tags: [] }, { digest: "untagged-new", pushedAt: start + builds * hour, tags: [] });
    return { images, now: start + (builds + 1) * hour };
}

test("production's running image survives 200 newer builds that staging verified", () => {
    const promoted = 10;
    const { images, now } = history(promoted + 200, promoted);
    const expired = evaluate(lifecycleRules(settings), images, now);
    assert.ok(!expired.has(`d${promoted}`), "the image production runs and last verified expired");
    // Production keeps its newest 10 verified images: everything it could roll back to.
    for (let n = 1; n <= promoted; n++) assert.ok(!expired.has(`d${n}`), `production-verified d${n} expired`);
    // Staging's newest verified images (what it runs) stay; older staging-only ones go.
    for (let n = 201; n <= 210; n++) assert.ok(!expired.has(`d${n}`), `staging-verified d${n} expired`);
    assert.ok(expired.has("d100"), "an old image verified only on staging is kept forever");
    assert.ok(!expired.has("seed"), "the seed image expired");
    assert.ok(expired.has("untagged-old"), "untagged images older than the limit stay");
    assert.ok(!expired.has("untagged-new"), "a fresh untagged image expired before its days");
});

test("the policy still bounds the registry: at most keepImages plus each stack's verified images plus the seed", () => {
    const { images, now } = history(400, 10);
    const kept = images.length - evaluate(lifecycleRules(settings), images, now).size;
    assert.ok(kept <= settings.keepImages + settings.keepVerifiedImages * settings.verifiedStacks.length + 1 + 1, `kept ${kept} images`);
});

test("unverified images beyond the newest keepImages expire", () => {
    const hour = 60 * 60 * 1000;
    const images: Image[] = Array.from({ length: 80 }, (_, i) => ({ digest: `d${i}`, pushedAt: i * hour, tags: [sha(i)] }));
    const expired = evaluate(lifecycleRules(settings), images, 100 * hour);
    assert.equal(expired.size, 30);
    for (let i = 0; i < 30; i++) assert.ok(expired.has(`d${i}`));
});

test("the keep-newest-50 policy this replaces expires production's image; so would verified rules ordered upstream first", () => {
    const promoted = 10;
    const { images, now } = history(promoted + 200, promoted);
    const old: LifecycleRule[] = [
        { rulePriority: 1, description: "untagged", selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }, action: { type: "expire" } },
        { rulePriority: 2, description: "keep 50", selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 }, action: { type: "expire" } },
    ];
    assert.ok(evaluate(old, images, now).has(`d${promoted}`), "the evaluator would not catch the defect");
    // Staging's rule first: production's image is one of staging's old verified images, expired by
    // the higher-priority staging rule before production's rule can keep it.
    const upstreamFirst = lifecycleRules(settings).map((r) => {
        const pattern = r.selection.tagPatternList?.[0];
        if (pattern === "verified-staging-*") return { ...r, rulePriority: 1 };
        if (pattern === "verified-production-*") return { ...r, rulePriority: 2 };
        return r;
    });
    assert.ok(evaluate(upstreamFirst, images, now).has(`d${promoted}`));
    assert.ok(!evaluate(lifecycleRules(settings), images, now).has(`d${promoted}`));
});
