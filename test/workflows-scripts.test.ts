// The decisions the workflows delegate to .github/scripts/ci.ts.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { affectedStacks, staleReviewStacks } from "../.github/scripts/ci";

const STACKS = ["delivery", "production", "staging"];

test("a change to the program or its dependencies affects every stack", () => {
    for (const f of ["infra/network.ts", "stacks/environment.ts", "Pulumi.yaml", "package-lock.json", "index.ts"]) {
        assert.deepEqual(affectedStacks(["README.md", f], STACKS), STACKS, f);
    }
});

test("a stack file change affects that stack only; docs, tests and workflows affect none", () => {
    assert.deepEqual(affectedStacks(["Pulumi.production.yaml", "docs/day-to-day.md"], STACKS), ["production"]);
    assert.deepEqual(affectedStacks(["README.md", "test/diff.test.ts", ".github/workflows/deploy.yml", "tools/diff.ts", ""], STACKS), []);
    assert.deepEqual(affectedStacks(["Pulumi.gone.yaml"], STACKS), []);
});

test("review stacks of closed, merged or missing pull requests are torn down", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    const fresh = "2026-11-25T08:00:00Z";
    const out = staleReviewStacks(
        [
            { name: "review-pr-1", lastUpdate: fresh },
            { name: "acme/slipway/review-pr-2", lastUpdate: fresh },
            { name: "review-pr-3", lastUpdate: fresh },
            { name: "review-pr-4", lastUpdate: fresh },
            { name: "staging", lastUpdate: "2020-01-01T00:00:00Z" },
        ],
        [
            { number: 1, state: "CLOSED", updatedAt: fresh },
            { number: 2, state: "MERGED", updatedAt: fresh },
            { number: 4, state: "OPEN", updatedAt: fresh },
        ],
        now,
        3,
    );
    assert.deepEqual(out, [
        { stack: "review-pr-1", pr: 1, reason: "pull request #1 is closed" },
        { stack: "review-pr-2", pr: 2, reason: "pull request #2 is merged" },
        { stack: "review-pr-3", pr: 3, reason: "pull request #3 not found" },
    ]);
});

test("an open pull request's review stack goes only when both it and the stack are idle for N days", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    const old = "2026-11-20T12:00:00Z";
    const recent = "2026-11-24T12:00:00Z";
    const stacks = [{ name: "review-pr-7", lastUpdate: old }, { name: "review-pr-8", lastUpdate: recent }, { name: "review-pr-9" }];
    const prs = [
        { number: 7, state: "OPEN" as const, updatedAt: old },
        { number: 8, state: "OPEN" as const, updatedAt: old },
        { number: 9, state: "OPEN" as const, updatedAt: recent },
    ];
    assert.deepEqual(staleReviewStacks(stacks, prs, now, 3), [{ stack: "review-pr-7", pr: 7, reason: "idle for more than 3 days" }]);
    assert.deepEqual(staleReviewStacks(stacks, prs, now, 7), []);
});
