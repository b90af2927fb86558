// Backup before every production release (infra/delivery/database-snapshot.ts): the Backup action runs
// first in the production stage of a pipeline whose production has a database, its script (run for real
// against a stub `aws`) snapshots, waits, records the id and prunes, and fails the stage when it cannot;
// its role snapshots production's cluster only and deletes nothing but old pre-release snapshots.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SNAPSHOT_TAG, SNAPSHOT_WAIT_MINUTES, snapshotBuildSpec } from "../infra/delivery/database-snapshot";
import { decide, principalOf, Request } from "../tools/check/iam-sim";
import { ownArns, tagContext } from "../tools/check/iam-requests";
import type { Plan } from "../tools/plan/mock-engine";
import { Rule, stubAws } from "./aws-stub";
import { all, one, planStack } from "./helpers";

const R = "us-east-1";
const A = "123456789012";
const SHA = "0123456789abcdef0123456789abcdef01234567";
let delivery: Promise<Plan> | undefined;
const plan = () => (delivery ??= planStack("database-delivery"));

interface Action {
    name: string;
    runOrder?: number;
    namespace?: string;
    configuration?: Record<string, string>;
}
const stagesOf = async () => (one(await plan(), "aws:codepipeline/pipeline:Pipeline").inputs.stages as { name: string; actions: Action[] }[]);

test("production's stage takes the snapshot first, then the release phase, the deploy and the smoke test", async () => {
    const stages = await stagesOf();
    const production = stages.find((s) => s.actions.some((a) => a.name === "Backup"));
    assert.ok(production, "a stage has a Backup action");
    const order = production.actions.map((a) => [a.name, a.runOrder ?? 1]);
    const backup = production.actions.find((a) => a.name === "Backup") as Action;
    assert.equal(backup.runOrder, 1);
    assert.equal(backup.namespace, `Backup-${production.name}`);
    const variables = JSON.parse(String(backup.configuration?.EnvironmentVariables)) as { name: string; value: string }[];
    assert.deepEqual(Object.fromEntries(variables.map((v) => [v.name, v.value])), { STACK: "database-production", CLUSTER_ID: "shop-database-production", KEEP_DAYS: "14" });
    const at = (name: string) => order.filter(([n]) => String(n).startsWith(name)).map(([, o]) => o);
    assert.deepEqual(at("Release"), [2]);
    assert.ok(at("Deploy").every((o) => o === 3), JSON.stringify(order));
    assert.deepEqual(at("SmokeTest"), [4]);
    // Staging has no Backup: only production's data is snapshotted before a release.
    const withBackup = stages.filter((s) => s.actions.some((a) => a.name === "Backup"));
    assert.equal(withBackup.length, 1);
});

test("a pipeline whose production has no database has no Backup action and no snapshot project", async () => {
    const p = await planStack("domains-delivery");
    const stages = one(p, "aws:codepipeline/pipeline:Pipeline").inputs.stages as { actions: Action[] }[];
    assert.ok(!stages.some((s) => s.actions.some((a) => a.name === "Backup")));
    assert.ok(!all(p, "aws:codebuild/project:Project").some((x) => x.name.startsWith("db-snapshot")));
});

test("the snapshot project exports SNAPSHOT_ID and outlasts the waiter", async () => {
    const project = one(await plan(), "aws:codebuild/project:Project", "db-snapshot-project");
    assert.ok(Number(project.inputs.buildTimeout) > SNAPSHOT_WAIT_MINUTES);
    const spec = snapshotBuildSpec() as { env: Record<string, unknown> };
    assert.deepEqual(spec.env["exported-variables"], ["SNAPSHOT_ID"]);
});

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
    aws: string[];
}

function runSnapshot(rules: Rule[], imageTag = SHA): Run {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-snapshot-"));
    const bin = path.join(dir, "bin");
    const work = path.join(dir, "work");
    fs.mkdirSync(bin);
    fs.mkdirSync(work);
    stubAws(bin, rules);
    fs.writeFileSync(path.join(work, "image-tag.txt"), imageTag);
    const spec = snapshotBuildSpec() as { env: { shell: string }; phases: { build: { commands: string[] } } };
    assert.equal(spec.env.shell, "bash");
    const r = spawnSync("/bin/bash", ["--noprofile", "--norc", "-c", `${spec.phases.build.commands.join("\n")}\necho "SNAPSHOT_ID=$SNAPSHOT_ID"`], {
        cwd: work,
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, AWS_REGION: R, STACK: "database-production", CLUSTER_ID: "shop-database-production", KEEP_DAYS: "14" },
        encoding: "utf8",
        timeout: 60_000,
    });
    const log = path.join(bin, "aws.log");
    const run = { status: r.status, stdout: r.stdout, stderr: r.stderr, aws: fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [] };
    fs.rmSync(dir, { recursive: true, force: true });
    return run;
}
const explain = (r: Run) => `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\naws calls:\n${r.aws.join("\n")}`;

const OK: Rule[] = [
    { cmd: "rds create-db-cluster-snapshot", replies: [{ out: "creating\n" }] },
    { cmd: "rds wait db-cluster-snapshot-available", replies: [{ out: "" }] },
    { cmd: "rds describe-db-cluster-snapshots", replies: [{ out: "shop-database-production-pre-20261101000000\tshop-database-production-pre-20261102000000\n" }] },
    { cmd: "rds delete-db-cluster-snapshot", replies: [{ out: "{}" }] },
];

test("the Backup action snapshots the cluster tagged with the commit, waits until it is available, records its id and prunes old ones", () => {
    const r = runSnapshot(OK);
    assert.equal(r.status, 0, explain(r));
    const create = r.aws.find((c) => c.startsWith("rds create-db-cluster-snapshot")) as string;
    const id = /--db-cluster-snapshot-identifier (shop-database-production-pre-\d{14}) /.exec(create)?.[1];
    assert.ok(id, create);
    assert.ok(id.length <= 63, `${id} fits RDS's 63 characters`);
    assert.ok(create.includes("--db-cluster-identifier shop-database-production"));
    assert.ok(create.includes(`Key=${SNAPSHOT_TAG},Value=${SHA}`), create);
    assert.ok(r.aws.some((c) => c === `rds wait db-cluster-snapshot-available --db-cluster-snapshot-identifier ${id}`), explain(r));
    assert.match(r.stdout, new RegExp(`SNAPSHOT_ID=${id}$`, "m"));
    const deletes = r.aws.filter((c) => c.startsWith("rds delete-db-cluster-snapshot"));
    assert.deepEqual(deletes, ["20261101000000", "20261102000000"].map((t) => `rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier shop-database-production-pre-${t}`));
    // The create comes first: nothing is pruned before the new snapshot is available.
    assert.ok(r.aws.findIndex((c) => c.startsWith("rds wait")) < r.aws.findIndex((c) => c.startsWith("rds delete")));
});

test("a snapshot RDS refuses fails the action, saying nothing was released", () => {
    const r = runSnapshot([{ cmd: "rds create-db-cluster-snapshot", replies: [{ err: "An error occurred (InvalidDBClusterStateFault): cluster is not available", rc: 254 }] }]);
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /pre-release snapshot of shop-database-production \(database-production\): aws rds create-db-cluster-snapshot failed: .*InvalidDBClusterStateFault.* Nothing was released or deployed/);
    assert.ok(!r.aws.some((c) => c.startsWith("rds delete")));
});

test("a snapshot that never becomes available fails the action (the waiter gave up or it failed)", () => {
    const r = runSnapshot([OK[0], { cmd: "rds wait db-cluster-snapshot-available", replies: [{ err: "Waiter DBClusterSnapshotAvailable failed: Max attempts exceeded", rc: 255 }] }]);
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /did not become available: Waiter DBClusterSnapshotAvailable failed/);
    assert.ok(!/SNAPSHOT_ID=shop/.test(r.stdout));
});

test("an image-tag.txt that is not a commit sha fails before any snapshot", () => {
    const r = runSnapshot(OK, "latest");
    assert.equal(r.status, 1, explain(r));
    assert.deepEqual(r.aws, []);
});

test("a failed prune only warns: the snapshot is taken and the stage goes on", () => {
    const r = runSnapshot([OK[0], OK[1], { cmd: "rds describe-db-cluster-snapshots", replies: [{ err: "AccessDenied", rc: 254 }] }]);
    assert.equal(r.status, 0, explain(r));
    assert.match(r.stderr, /warning: could not list old pre-release snapshots/);
});

// --- the project role, simulated ---------------------------------------------------------------------

const rds = (action: string, resource: string): Request => ({ action, resource: `arn:aws:rds:${R}:${A}:${resource}`, context: { "aws:RequestedRegion": R }, why: action });

test("the snapshot role snapshots production's cluster and prunes its pre-release snapshots, and nothing else", async () => {
    const role = principalOf(await plan(), "db-snapshot-role");
    const allowed = async (q: Request) => (await decide(role, q)) === "Allowed";
    const snap = "cluster-snapshot:shop-database-production-pre-20261202043000";
    for (const q of [
        rds("rds:CreateDBClusterSnapshot", "cluster:shop-database-production"),
        rds("rds:CreateDBClusterSnapshot", snap),
        rds("rds:AddTagsToResource", snap),
        rds("rds:DescribeDBClusterSnapshots", snap),
        rds("rds:DeleteDBClusterSnapshot", snap),
    ]) {
        assert.ok(await allowed(q), `${q.action} on ${q.resource}`);
    }
    for (const q of [
        rds("rds:CreateDBClusterSnapshot", "cluster:shop-database-staging"),
        rds("rds:CreateDBClusterSnapshot", "cluster-snapshot:shop-database-staging-pre-20261202043000"),
        rds("rds:DeleteDBClusterSnapshot", "cluster-snapshot:shop-database-production-final"),
        rds("rds:DeleteDBCluster", "cluster:shop-database-production"),
        rds("rds:ModifyDBCluster", "cluster:shop-database-production"),
        rds("rds:RestoreDBClusterFromSnapshot", "cluster:shop-database-production"),
    ]) {
        assert.equal(await allowed(q), false, `${q.action} on ${q.resource} must be denied`);
    }
});

test("a snapshot role missing its create statement is caught", async () => {
    const role = principalOf(await plan(), "db-snapshot-role");
    const weakened = { ...role, policies: role.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => !String((s as { Sid?: string }).Sid).startsWith("SnapshotBefore")) } })) };
    assert.notEqual(await decide(weakened, rds("rds:CreateDBClusterSnapshot", "cluster:shop-database-production")), "Allowed");
});

test("lead time and cost count the Backup action: its own stage estimate, CodeBuild minutes and action minutes", async () => {
    const { estimateCost } = await import("../tools/estimates/cost");
    const { snapshotStage } = await import("../tools/estimates/lead-time");
    const minutes = Math.ceil(snapshotStage("backup").seconds / 60);
    assert.ok(snapshotStage("backup").parts.some((p) => /snapshot until available/.test(p.label)));
    const line = estimateCost(await plan()).lines.find((l) => l.resource === "Project db-snapshot-project");
    assert.ok(line, "the snapshot project is priced");
    assert.equal(line.quantity, 100 * minutes);
    assert.match(line.item, /pre-release snapshots/);
});

test("the pipeline role starts the snapshot project (and the execution records SNAPSHOT_ID in the Backup namespace)", async () => {
    const p = await plan();
    const role = p.resources.find((r) => r.type === "aws:iam/role:Role" && /^pipeline-/.test(r.name) && String(r.inputs.assumeRolePolicy ?? "").includes("codepipeline"));
    assert.ok(role, "the pipeline's role");
    const project = one(p, "aws:codebuild/project:Project", "db-snapshot-project");
    const arn = ownArns(project, { plan: p, region: R, tag: "shop/database-delivery", app: "shop" })[0].arn;
    const principal = principalOf(p, role.name);
    for (const action of ["codebuild:StartBuild", "codebuild:BatchGetBuilds"]) {
        assert.equal(await decide(principal, { action, resource: arn, context: { "aws:RequestedRegion": R, ...tagContext("shop/database-delivery", true, false) }, why: action }), "Allowed", `${action} on ${arn}`);
    }
});
