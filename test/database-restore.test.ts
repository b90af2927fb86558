// slipway:database.restoreFrom: a review stack's database starts from staging's newest automated snapshot
// (infra/config/database-restore.ts, infra/environment/database.ts, infra/delivery/database-restore-policy.ts). The
// review template that sets it is test/fixtures/review-restore/Pulumi.review.yaml (its other stack files link to the
// fixtures beside it): the delivery stack reads the review template from its own directory.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { FIXTURES, planStack } from "./helpers";
import { decisions, plan, view } from "./iam-helpers";
import { problemsOf, rawConfig, rejects } from "./config-helpers";
import { parseSettings } from "../infra/config/settings";
import { principalOf } from "../tools/check/iam-sim";
import { deployRequests } from "../tools/check/iam-requests";
import { restoreAttackRequests, restoreSourceRequests } from "../tools/check/restore-requests";
import type { Plan } from "../tools/plan/mock-engine";
import { automatedSnapshotPattern } from "../infra/delivery/database-restore-policy";

const DIR = path.join(FIXTURES, "review-restore");
const STAGING = "database-staging";
const FIXTURE_WAIVER = { "stack-secrets-provider": "A test fixture of slipway itself: encrypted with the example passphrase." };
const WAIVER = { "review-staging-data": "The fixture's staging data is test data.", ...FIXTURE_WAIVER };
const RESTORE = { name: "shop", restoreFrom: STAGING };

/** The review template (the main fixtures' Pulumi.review.yaml) with a database and the waivers changed. */
const review = (database: Record<string, unknown>, waivers: Record<string, string> | null = WAIVER) =>
    rawConfig("review", { "slipway:database": JSON.stringify(database), "slipway:appSecrets": "{}", ...(waivers ? { "slipway:policyWaivers": JSON.stringify(waivers) } : {}) });

/** Plans a stack of test/fixtures/review-restore (as `stackName`: a review stack made from the template). */
const planHere = (stack: string, stackName = stack, set: Record<string, string> = {}): Promise<Plan> => planStack(stack, { dir: DIR, stackName, set });

const cluster = (p: Plan) => {
    const c = p.resources.find((r) => r.type === "aws:rds/cluster:Cluster");
    assert.ok(c, `${p.stack} has no cluster`);
    return c;
};

// --- config: before any resource ----------------------------------------------------------------------------

test("restoreFrom on the review template, with the waiver and staging's name, user and version: the cluster to restore", () => {
    assert.deepEqual(problemsOf(review(RESTORE)), []);
    const s = parseSettings(review(RESTORE));
    assert.ok(s.role === "environment");
    assert.deepEqual(s.database?.restoreFrom, { stack: STAGING, clusterIdentifier: "shop-database-staging" });
    // Without it: an empty database, as before.
    assert.equal((parseSettings(review({ name: "shop" })) as { database?: { restoreFrom?: unknown } }).database?.restoreFrom, undefined);
});

test("restoreFrom needs the written review-staging-data waiver: pull-request code would run against staging's data", () => {
    rejects(review(RESTORE, FIXTURE_WAIVER), "slipway:database.restoreFrom", "pull-request code would run against it", "slipway:policyWaivers.review-staging-data");
    // An empty reason is no waiver (the schema's own check names it).
    rejects(review(RESTORE, { ...FIXTURE_WAIVER, "review-staging-data": "  " }), "slipway:policyWaivers", "(at review-staging-data)", "written reason");
});

test("only the review template may set restoreFrom: staging and production are refused", () => {
    for (const stack of ["database-staging", "database-production"]) {
        const r = rawConfig(stack, { "slipway:database": JSON.stringify({ name: "shop", restoreFrom: STAGING }) });
        const problems = problemsOf(r).filter((p) => p.includes("restoreFrom"));
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /only the review template \(Pulumi\.review\.yaml/);
        assert.match(problems[0], new RegExp(`pulumi config rm --path 'slipway:database.restoreFrom' --stack ${stack}`));
    }
});

test("the source must be this app's staging-tier stack with a database, in this region", () => {
    rejects(review({ name: "shop", restoreFrom: "database-production" }), "slipway:database.restoreFrom", "not a staging-tier environment stack", "never production's");
    rejects(review({ name: "shop", restoreFrom: "database-delivery" }), "slipway:database.restoreFrom", "a delivery stack");
    rejects(review({ name: "shop", restoreFrom: "nowhere" }), "slipway:database.restoreFrom", "no Pulumi.nowhere.yaml");
    // The fixtures' staging has no slipway:database: no cluster, no snapshot.
    rejects(review({ name: "shop", restoreFrom: "staging" }), "slipway:database.restoreFrom", "staging has no slipway:database", "shop-staging");
    rejects(review({ name: "shop", restoreFrom: "../x" }), "slipway:database.restoreFrom", "must name a staging stack");
    const elsewhere = rawConfig("review", { "slipway:database": JSON.stringify(RESTORE), "slipway:appSecrets": "{}", "slipway:policyWaivers": JSON.stringify(WAIVER) }, {
        [STAGING]: { "aws:region": "eu-west-1", "slipway:appName": "shop", "slipway:role": "environment", "slipway:database": JSON.stringify({ name: "shop" }) },
    });
    rejects(elsewhere, "slipway:database.restoreFrom", "in eu-west-1", "restored in its own region");
});

test("name, username and engineVersion come from the snapshot: a review config that disagrees is refused", () => {
    rejects(review({ restoreFrom: STAGING }), "slipway:database.name", "but the database in database-staging's snapshot is shop", "'slipway:database.name' shop");
    rejects(review({ ...RESTORE, username: "reviewer" }), "slipway:database.username", "master user is app", "masterUsername is ForceNew");
    rejects(review({ ...RESTORE, engineVersion: "16.3" }), "slipway:database.engineVersion", "(Aurora PostgreSQL 16.6)", "'slipway:database.engineVersion' 16.6");
    rejects(review({ ...RESTORE, engineVersion: "17.4" }), "slipway:database.engineVersion", "same major version");
    // A later minor of the same major restores.
    assert.deepEqual(problemsOf(review({ ...RESTORE, engineVersion: "16.8" })), []);
    rejects(review({ ...RESTORE, iamAuthentication: true }), "slipway:database.iamAuthentication", "sends no EnableIAMDatabaseAuthentication");
});

test("the delivery stack widens the review role only for a template with the waiver, and refuses one without", () => {
    const template = (waivers: Record<string, string>) => ({
        "aws:region": "us-east-1",
        "slipway:appName": "shop",
        "slipway:tier": "review",
        "slipway:database": JSON.stringify(RESTORE),
        "slipway:policyWaivers": JSON.stringify(waivers),
    });
    const d = parseSettings(rawConfig("database-delivery", {}, { review: template(WAIVER) }));
    assert.deepEqual(d.role === "delivery" && d.reviewDatabaseRestore, { stack: STAGING });
    rejects(rawConfig("database-delivery", {}, { review: template({}) }), "slipway:database.restoreFrom = database-staging without slipway:policyWaivers.review-staging-data", "--stack review");
});

// --- the plan --------------------------------------------------------------------------------------------------

test("a review stack's cluster restores staging's newest automated snapshot into its own key, and a newer one never replaces it", async () => {
    const p = await planHere("review", "review-pr-7");
    const c = cluster(p);
    assert.equal(c.inputs.clusterIdentifier, "shop-review-pr-7");
    assert.equal(c.inputs.snapshotIdentifier, "rds:shop-database-staging-2026-01-01-03-00");
    assert.deepEqual(c.ignoreChanges, ["snapshotIdentifier"]);
    const key = p.resources.find((r) => r.type === "aws:kms/key:Key" && r.name === "database-key");
    assert.ok(key && typeof c.inputs.kmsKeyId === "string" && c.inputs.kmsKeyId.startsWith("arn:aws:kms:"), "the review stack's own key (RestoreDBClusterFromSnapshot KmsKeyId)");
    assert.equal(c.inputs.manageMasterUserPassword, true, "RDS makes the review stack's own password (ModifyDBCluster after the restore)");
    assert.equal(c.inputs.masterUsername, "app");
    assert.equal(c.inputs.databaseName, "shop");
    assert.equal(c.inputs.skipFinalSnapshot, true, "a review stack destroys cleanly");
    assert.equal(c.inputs.deletionProtection, false);
});

test("the offline plan refuses what the real lookup would: no snapshot, one still being made, a newer engine, unencrypted", async () => {
    const snapshots = (answer: unknown) => ({ "mock:clusterSnapshots": JSON.stringify({ "shop-database-staging": answer }) });
    // The invoke's own message does not cross the mock's gRPC boundary: the failed input is named.
    await assert.rejects(planHere("review", "review-pr-7", snapshots(null)), /error serializing property "snapshotIdentifier"/);
    await assert.rejects(planHere("review", "review-pr-7", snapshots({ status: "creating" })), /is creating, not available/);
    await assert.rejects(planHere("review", "review-pr-7", snapshots({ engineVersion: "16.8" })), /Aurora PostgreSQL 16\.8, newer than this stack's 16\.6/);
    await assert.rejects(planHere("review", "review-pr-7", snapshots({ storageEncrypted: false })), /is not encrypted/);
});

// --- rights, simulated -------------------------------------------------------------------------------------------

const REVIEW_ROLE = "github-oidc-deploy-review";

async function plans() {
    const [delivery, reviewPlan, staging, production] = await Promise.all([planHere("database-delivery"), planHere("review", "review-pr-7"), plan(STAGING), plan("database-production")]);
    return { delivery, review: view(reviewPlan), staging: view(staging), production: view(production) };
}

test("the review deploy role may restore: its own cluster's every call and the source's snapshot, lookup and key through RDS", async () => {
    const p = await plans();
    const role = principalOf(p.delivery, REVIEW_ROLE);
    const requests = [...(await deployRequests(p.review)), ...restoreSourceRequests(p.review, p.staging)];
    assert.ok(requests.some((r) => r.action === "rds:RestoreDBClusterFromSnapshot" && r.resource.endsWith(":cluster-snapshot:rds:shop-database-staging-2026-01-01-03-00")));
    assert.ok(!requests.some((r) => r.action === "rds:CreateDBCluster"), "a restore is no CreateDBCluster (cluster.go)");
    assert.deepEqual(await decisions(role, requests, "Allowed"), []);
});

test("…and still cannot change, delete, copy or share staging's cluster or snapshots, nor read production's snapshots or key", async () => {
    const p = await plans();
    const role = principalOf(p.delivery, REVIEW_ROLE);
    const attacks = restoreAttackRequests(p.review, p.staging, p.production);
    assert.ok(attacks.length > 60);
    assert.deepEqual(await decisions(role, attacks, "denied"), []);
});

/** The delivery plan with the review role's inline policy's statements changed. */
function editInline(delivery: Plan, change: (statements: Record<string, unknown>[]) => Record<string, unknown>[]): Plan {
    const copy = structuredClone(delivery);
    const inline = copy.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.includes("deploy-review"));
    assert.ok(inline, "the review role's inline policy (its database-support and restore concerns)");
    const doc = JSON.parse(String(inline.inputs.policy)) as { Statement: Record<string, unknown>[] };
    inline.inputs.policy = JSON.stringify({ ...doc, Statement: change(doc.Statement) });
    return copy;
}

test("broken on purpose: without the source-snapshot grant the restore is denied; with every snapshot granted production's are reachable", async () => {
    const p = await plans();
    const without = principalOf(editInline(p.delivery, (st) => st.filter((s) => s.Sid !== "RestoreFromSourceSnapshots")), REVIEW_ROLE);
    const denied = await decisions(without, [...(await deployRequests(p.review)), ...restoreSourceRequests(p.review, p.staging)], "Allowed");
    assert.ok(denied.some((d) => /rds:RestoreDBClusterFromSnapshot on \S+:cluster-snapshot:rds:shop-database-staging-/.test(d)), denied.join("\n"));
    const pattern = automatedSnapshotPattern("shop-database-staging");
    const wide = principalOf(editInline(p.delivery, (st) => st.map((s) => (s.Sid === "RestoreFromSourceSnapshots" ? { ...s, Resource: [String((s.Resource as string[])[0]).replace(pattern, "*")] } : s))), REVIEW_ROLE);
    const reached = await decisions(wide, restoreAttackRequests(p.review, p.staging, p.production), "denied");
    assert.ok(reached.some((d) => /rds:RestoreDBClusterFromSnapshot on \S+shop-database-production/.test(d)), reached.join("\n"));
    // A key grant without kms:ViaService would let the role decrypt staging's data itself.
    const direct = principalOf(editInline(p.delivery, (st) => st.map((s) => (s.Sid === "SourceKeyThroughRds" ? { ...s, Condition: { StringEquals: { "aws:ResourceTag/slipway:stack": "shop/database-staging" } } } : s))), REVIEW_ROLE);
    const decrypted = await decisions(direct, restoreAttackRequests(p.review, p.staging, p.production), "denied");
    assert.ok(decrypted.some((d) => /kms:Decrypt on \S+ is Allowed \(review-pr-7 against database-staging: kms:Decrypt on its database key \{\}\)/.test(d)), decrypted.join("\n"));
});

test("restoreFrom restores an Aurora cluster snapshot: a review database or a source of kind instance is refused", () => {
    rejects(review({ ...RESTORE, kind: "instance" }), "slipway:database.restoreFrom", "kind is instance", "cannot restore a cluster snapshot");
    rejects(review({ name: "shop", restoreFrom: "dbi-staging" }), "slipway:database.restoreFrom = dbi-staging", "kind instance", "DB snapshots, not the Aurora cluster snapshots");
});
