// slipway:database.kind instance: one RDS for PostgreSQL DB instance instead of the Aurora cluster, with the
// same guarantees. Its config checks (each broken on purpose), the instance's inputs per tier, the secret path
// to every task, the deploy role's rights (simulated: sufficient, and denied without its statements), the
// containment between staging and production, the pre-release DB snapshot (its script run against a stub `aws`,
// its role simulated), the diff's call-out, the cost lines and the policy rules.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { databaseKindOfStackFile, databaseSettings, DatabaseContext, DEFAULT_INSTANCE_CLASS, DEFAULT_INSTANCE_ENGINE_VERSION } from "../infra/config/database";
import { rdsLogGroupName, STACK_TAG } from "../infra/contract";
import { snapshotBuildSpec, snapshotTarget, SNAPSHOT_TAG } from "../infra/delivery/database-snapshot";
import { decide, principalOf, Principal, Request } from "../tools/check/iam-sim";
import { breaches } from "../tools/check/iam-check";
import { attackRequests, deployRequests, tagContext } from "../tools/check/iam-requests";
import type { Plan } from "../tools/plan/mock-engine";
import { Rule, stubAws } from "./aws-stub";
import { all, one, planStack } from "./helpers";

const R = "us-east-1";
const A = "123456789012";
const INSTANCE = "aws:rds/instance:Instance";
const plans = new Map<string, Promise<Plan>>();
const planOf = (stack: string) => {
    if (!plans.has(stack)) plans.set(stack, planStack(stack));
    return plans.get(stack) as Promise<Plan>;
};

// --- config ------------------------------------------------------------------------------------------

const ctx = (over: Partial<DatabaseContext> = {}): DatabaseContext => ({ platform: "ecs", tier: "staging", environmentName: "shop-staging", ...over });
const settingsOf = (value: Record<string, unknown>, c = ctx()) => {
    const problems: string[] = [];
    return { s: databaseSettings(value, c, "staging", problems), problems };
};

test("kind instance takes the instance defaults: db.t4g.micro, 20 GiB gp3, one zone outside production, Multi-AZ in production", () => {
    const staging = settingsOf({ kind: "instance" });
    assert.deepEqual(staging.problems, []);
    assert.deepEqual(
        [staging.s?.kind, staging.s?.engine, staging.s?.engineVersion, staging.s?.instanceClass, staging.s?.allocatedStorage, staging.s?.multiAz, staging.s?.minCapacity, staging.s?.backupRetentionDays],
        ["instance", "postgres", DEFAULT_INSTANCE_ENGINE_VERSION, DEFAULT_INSTANCE_CLASS, 20, false, undefined, 1],
    );
    const production = settingsOf({ kind: "instance" }, ctx({ tier: "production", environmentName: "shop-production" })).s;
    assert.deepEqual([production?.multiAz, production?.backupRetentionDays], [true, 14]);
    assert.equal(settingsOf({ kind: "instance", multiAz: "false" }, ctx({ tier: "production" })).s?.multiAz, false);
});

test("no kind is serverless, exactly as before", () => {
    const { s, problems } = settingsOf({ name: "shop" });
    assert.deepEqual(problems, []);
    assert.deepEqual([s?.kind, s?.engine, s?.minCapacity, s?.instanceClass], ["serverless", "aurora-postgresql", 0, undefined]);
});

const BROKEN: [string, Record<string, unknown>, RegExp][] = [
    ["a kind that is neither", { kind: "cluster" }, /slipway:database\.kind = "cluster" is not a database kind: serverless .* or instance .*Fix: pulumi config set --path 'slipway:database\.kind' instance/],
    ["an ACU range with kind instance", { kind: "instance", minCapacity: 0.5 }, /slipway:database\.minCapacity applies only with kind serverless; this database is kind instance .*Fix: pulumi config rm --path 'slipway:database\.minCapacity'/],
    ["an auto-pause delay with kind instance", { kind: "instance", secondsUntilAutoPause: 600 }, /slipway:database\.secondsUntilAutoPause applies only with kind serverless/],
    ["an instance class on a serverless database", { instanceClass: "db.t4g.micro" }, /slipway:database\.instanceClass applies only with kind instance; this database is kind serverless .*Fix: pulumi config rm --path 'slipway:database\.instanceClass' .* or pulumi config set --path 'slipway:database\.kind' instance/],
    ["allocated storage on a serverless database", { allocatedStorage: 50 }, /slipway:database\.allocatedStorage applies only with kind instance/],
    ["multiAz on a serverless database", { multiAz: true }, /slipway:database\.multiAz applies only with kind instance/],
    ["a class that is not db.<family>.<size>", { kind: "instance", instanceClass: "t4g.micro" }, /slipway:database\.instanceClass = "t4g\.micro" is not a DB instance class RDS for PostgreSQL takes: db\.<family>\.<size>.*Fix: pulumi config set --path 'slipway:database\.instanceClass' db\.t4g\.micro/],
    ["Aurora's db.serverless as an instance class", { kind: "instance", instanceClass: "db.serverless" }, /"db\.serverless" is not a DB instance class .*db\.serverless is Aurora's: use kind serverless/],
    ["storage below 20 GiB", { kind: "instance", allocatedStorage: 10 }, /slipway:database\.allocatedStorage = 10 must be a whole number of GiB from 20 to 65536.*allocatedStorage' 20/],
    ["storage above 65,536 GiB", { kind: "instance", allocatedStorage: 70000 }, /slipway:database\.allocatedStorage = 70000 must be a whole number of GiB from 20 to 65536/],
    ["fractional storage", { kind: "instance", allocatedStorage: 20.5 }, /slipway:database\.allocatedStorage = 20\.5/],
    ["multiAz that is not a boolean", { kind: "instance", multiAz: "yes" }, /slipway:database\.multiAz must be true or false/],
    ["an RDS for PostgreSQL major out of range", { kind: "instance", engineVersion: "13.20" }, /slipway:database\.engineVersion = "13\.20" is not an RDS for PostgreSQL version slipway offers: <major>\.<minor> with major 14, 15, 16, 17, 18.*engineVersion' 16\.11/],
    ["an engine version that is not <major>.<minor>", { kind: "instance", engineVersion: "16" }, /slipway:database\.engineVersion = "16" is not an RDS for PostgreSQL version/],
];
for (const [what, value, message] of BROKEN) {
    test(`slipway:database refuses ${what}, naming the key and the fix`, () => {
        const { s, problems } = settingsOf(value);
        assert.equal(s, undefined);
        assert.ok(problems.some((p) => message.test(p)), problems.join("\n"));
    });
}

test("an Aurora-only version is still checked against Aurora for serverless, and RDS for PostgreSQL 18 is an instance's", () => {
    assert.ok(settingsOf({ kind: "instance", engineVersion: "18.1" }).s);
    assert.ok(settingsOf({ engineVersion: "18.1" }).problems.some((p) => /is not an Aurora PostgreSQL version/.test(p)));
});

test("the delivery stack reads the kind from the environment's stack file", () => {
    assert.equal(databaseKindOfStackFile({ "slipway:database": JSON.stringify({ kind: "instance" }) }), "instance");
    assert.equal(databaseKindOfStackFile({ "slipway:database": JSON.stringify({ name: "shop" }) }), "serverless");
    assert.equal(databaseKindOfStackFile({}), undefined);
});

test("a bad kind stops the plan before any resource, naming the key", async () => {
    await assert.rejects(planStack("dbi-staging", { set: { "slipway:database": JSON.stringify({ kind: "instance", minCapacity: 1 }) } }), /slipway:database\.minCapacity applies only with kind serverless/);
});

// --- the instance -----------------------------------------------------------------------------------

test("staging's instance: isolated, encrypted with its own key, RDS's password, logs exported, destroyed cleanly", async () => {
    const p = await planOf("dbi-staging");
    assert.equal(all(p, "aws:rds/cluster:Cluster").length, 0);
    assert.equal(all(p, "aws:rds/clusterInstance:ClusterInstance").length, 0);
    const db = one(p, INSTANCE);
    const i = db.inputs;
    assert.deepEqual(
        [i.identifier, i.engine, i.engineVersion, i.instanceClass, i.storageType, i.allocatedStorage, i.multiAz, i.dbName, i.username, i.port],
        ["shop-dbi-staging", "postgres", "16.11", "db.t4g.micro", "gp3", 20, false, "shop", "app", 5432],
    );
    assert.deepEqual([i.storageEncrypted, i.manageMasterUserPassword, i.publiclyAccessible, i.autoMinorVersionUpgrade, i.allowMajorVersionUpgrade, i.iamDatabaseAuthenticationEnabled], [true, true, false, true, false, false]);
    assert.match(String(i.kmsKeyId), /^arn:aws:kms:us-east-1:123456789012:key\//);
    assert.equal(i.password, undefined);
    assert.deepEqual([i.deletionProtection, i.skipFinalSnapshot, i.finalSnapshotIdentifier, i.applyImmediately, i.backupRetentionPeriod], [false, true, undefined, true, 1]);
    assert.deepEqual(i.enabledCloudwatchLogsExports, ["postgresql"]);
    assert.equal(db.protect, false);
    assert.equal(db.deleteBeforeReplace, true);
    // The log group RDS exports to, declared (so it keeps a retention and goes with the stack).
    const logs = one(p, "aws:cloudwatch/logGroup:LogGroup", "database-postgresql-logs");
    assert.equal(logs.inputs.name, "/aws/rds/instance/shop-dbi-staging/postgresql");
    assert.equal(logs.inputs.name, rdsLogGroupName("shop-dbi-staging", "postgresql", "instance"));
    // In the isolated subnets' group, behind the group that admits only the clients marker.
    const subnets = one(p, "aws:rds/subnetGroup:SubnetGroup");
    assert.equal(i.dbSubnetGroupName, subnets.inputs.name);
    const sg = one(p, "aws:ec2/securityGroup:SecurityGroup", "database-sg");
    const ingress = sg.inputs.ingress as { fromPort: number; securityGroups: string[]; cidrBlocks?: string[] }[];
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0].fromPort, 5432);
    assert.equal(ingress[0].cidrBlocks, undefined);
    assert.equal((i.vpcSecurityGroupIds as string[]).length, 1);
    assert.ok(!all(p, "aws:ec2/securityGroup:SecurityGroup").some((g) => (g.inputs.ingress as { cidrBlocks?: string[] }[] | undefined)?.some((r) => r.cidrBlocks?.length) && /PostgreSQL/.test(String(g.inputs.description))));
});

test("production's instance: Multi-AZ by default, deletion protection, a final snapshot, protect, 14 days of backups, IAM auth as asked", async () => {
    const i = one(await planOf("dbi-production"), INSTANCE);
    assert.deepEqual([i.inputs.multiAz, i.inputs.instanceClass, i.inputs.allocatedStorage, i.inputs.backupRetentionPeriod], [true, "db.t4g.small", 50, 14]);
    assert.deepEqual([i.inputs.deletionProtection, i.inputs.skipFinalSnapshot, i.inputs.finalSnapshotIdentifier, i.inputs.applyImmediately], [true, false, "shop-dbi-production-final", false]);
    assert.equal(i.inputs.iamDatabaseAuthenticationEnabled, true);
    assert.equal(i.protect, true);
});

test("every process gets PG* from the connection secret and RDS's rds!db- secret, the host being the instance's address", async () => {
    const p = await planOf("dbi-staging");
    const version = all(p, "aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.name === "database-connection");
    assert.ok(version);
    const db = one(p, INSTANCE);
    assert.equal(db.inputs.password, undefined, "no password input");
    assert.ok(!/"password"/.test(JSON.stringify(p.resources.map((r) => r.inputs))), "no password anywhere in the plan's inputs");
    for (const td of all(p, "aws:ecs/taskDefinition:TaskDefinition")) {
        const defs = JSON.parse(String(td.inputs.containerDefinitions)) as { secrets?: { name: string; valueFrom: string }[]; environment?: { name: string; value: string }[] }[];
        const secrets = defs[0].secrets ?? [];
        const pw = secrets.find((s) => s.name === "PGPASSWORD");
        assert.match(pw?.valueFrom ?? "", /:secret:rds!db-[0-9a-f-]+-AbCdEf:password::$/, String(td.inputs.family));
        assert.ok(secrets.some((s) => s.name === "PGHOST" && /:secret:slipway\/shop\/dbi-staging\/database-.*:host::$/.test(s.valueFrom)));
        assert.ok(!(defs[0].environment ?? []).some((e) => e.name.startsWith("PG") && e.name !== "PGUSER_IAM"), "no PG* in plain environment");
    }
    // The rotation schedule is set on RDS's own secret of the instance, and the services restart after it.
    const rotation = one(p, "aws:secretsmanager/secretRotation:SecretRotation");
    assert.match(String(rotation.inputs.secretId), /:secret:rds!db-/);
    assert.ok(all(p, "aws:sfn/stateMachine:StateMachine").length === 1);
});

// --- the deploy role, simulated ----------------------------------------------------------------------

const viewOf = (p: Plan) => ({ plan: p, region: R, tag: `shop/${p.stack}`, app: "shop" });

test("the deploy role's instance policy is what lets it create the instance: without it CreateDBInstance is denied", async () => {
    const delivery = await planOf("dbi-delivery");
    const principal = principalOf(delivery, "github-oidc-deploy-dbi-staging");
    const requests = await deployRequests(viewOf(await planOf("dbi-staging")));
    const create = requests.find((q) => q.action === "rds:CreateDBInstance" && q.resource === `arn:aws:rds:${R}:${A}:db:shop-dbi-staging`);
    assert.ok(create, "CreateDBInstance on db:shop-dbi-staging is simulated");
    assert.equal(create.context["rds:StorageEncrypted"], "true");
    assert.equal(await decide(principal, create), "Allowed");
    const weakened: Principal = {
        ...principal,
        policies: principal.policies.map((p) => ({ ...p, doc: { ...p.doc, Statement: p.doc.Statement.filter((s) => (s as { Sid?: string }).Sid !== "CreateOwnEncryptedInstance") } })),
    };
    assert.notEqual(await decide(weakened, create), "Allowed");
    // An unencrypted instance, or one with a password in the request, is refused even by name.
    assert.notEqual(await decide(principal, { ...create, context: { ...create.context, "rds:StorageEncrypted": "false" } }), "Allowed");
    assert.notEqual(await decide(principal, { ...create, context: { ...create.context, "rds:ManageMasterUserPassword": "false" } }), "Allowed");
    // The rotation schedule on RDS's secret of this instance (rds!db-*, tagged with the instance's ARN).
    const rotate = requests.find((q) => q.action === "secretsmanager:RotateSecret");
    assert.ok(rotate && /:secret:rds!db-/.test(rotate.resource));
    assert.equal(rotate.context["aws:ResourceTag/aws:rds:primaryDBInstanceArn"], `arn:aws:rds:${R}:${A}:db:shop-dbi-staging`);
    assert.equal(await decide(principal, rotate), "Allowed");
});

test("the serverless policy grants nothing on an instance and the instance policy nothing on a cluster", async () => {
    const delivery = await planOf("dbi-delivery");
    const principal = principalOf(delivery, "github-oidc-deploy-dbi-staging");
    const own = tagContext("shop/dbi-staging", true, false);
    const req = (action: string, resource: string): Request => ({ action, resource: `arn:aws:rds:${R}:${A}:${resource}`, context: { "aws:RequestedRegion": R, ...own }, why: action });
    assert.equal(await decide(principal, req("rds:ModifyDBInstance", "db:shop-dbi-staging")), "Allowed");
    assert.notEqual(await decide(principal, req("rds:ModifyDBCluster", "cluster:shop-dbi-staging")), "Allowed");
    assert.notEqual(await decide(principal, req("rds:ModifyDBInstance", "db:shop-dbi-staging-writer")), "Allowed");
});

test("dbi-staging's deploy role can change nothing of dbi-production's instance, its snapshots and its secret", async () => {
    const delivery = await planOf("dbi-delivery");
    const requests = await attackRequests(viewOf(await planOf("dbi-production")), "shop/dbi-staging");
    const db = `arn:aws:rds:${R}:${A}:db:shop-dbi-production`;
    for (const action of ["rds:DeleteDBInstance", "rds:ModifyDBInstance", "rds:RebootDBInstance", "rds:AddTagsToResource"]) assert.ok(requests.some((r) => r.action === action && r.resource === db), `no attack ${action} on ${db}`);
    assert.ok(requests.some((r) => r.resource === `arn:aws:rds:${R}:${A}:snapshot:shop-dbi-production-final`), "the final snapshot is attacked");
    assert.deepEqual(await breaches(principalOf(delivery, "github-oidc-deploy-dbi-staging"), requests), []);
    // …and the other way round.
    const back = await attackRequests(viewOf(await planOf("dbi-staging")), "shop/dbi-production");
    assert.deepEqual(await breaches(principalOf(delivery, "github-oidc-deploy-dbi-production"), back), []);
    // Production's pre-release snapshots, by name: staging's role may neither take nor delete them.
    const staging = principalOf(delivery, "github-oidc-deploy-dbi-staging");
    const snap = `arn:aws:rds:${R}:${A}:snapshot:shop-dbi-production-pre-20261202043000`;
    for (const [action, resource] of [["rds:CreateDBSnapshot", db], ["rds:CreateDBSnapshot", snap], ["rds:DeleteDBSnapshot", snap], ["rds:RestoreDBInstanceFromDBSnapshot", db]]) {
        assert.notEqual(await decide(staging, { action, resource, context: { "aws:RequestedRegion": R, ...tagContext("shop/dbi-production", true, false) }, why: action }), "Allowed", `${action} on ${resource}`);
    }
});

test("a staging instance policy widened to every instance is caught deleting production's", async () => {
    const delivery = await planOf("dbi-delivery");
    const principal = principalOf(delivery, "github-oidc-deploy-dbi-staging");
    const widened: Principal = {
        ...principal,
        policies: principal.policies.map((p) => ({
            ...p,
            doc: { ...p.doc, Statement: p.doc.Statement.map((s) => ((s as { Sid?: string }).Sid === "ChangeOwnDatabase" ? { ...(s as object), Resource: [`arn:aws:rds:${R}:${A}:db:*`], Condition: undefined } : s)) },
        })),
    };
    const found = await breaches(widened, await attackRequests(viewOf(await planOf("dbi-production")), "shop/dbi-staging"));
    assert.ok(found.some((b) => b.includes(`rds:DeleteDBInstance on arn:aws:rds:${R}:${A}:db:shop-dbi-production is allowed`)), found.join("\n"));
});

test("the ECS agent reads its own instance's password (rds!db-, tagged with its ARN) and never another's", async () => {
    const env = await planOf("dbi-staging");
    const delivery = await planOf("dbi-delivery");
    const role = principalOf(env, "app-execution", [env, delivery], {}, { [STACK_TAG]: "shop/dbi-staging" });
    const read = (instance: string): Request => ({
        action: "secretsmanager:GetSecretValue",
        resource: `arn:aws:secretsmanager:${R}:${A}:secret:rds!db-0a1b2c3d-0000-4000-8000-000000000000-AbCdEf`,
        context: { "aws:RequestedRegion": R, "aws:ResourceTag/aws:rds:primaryDBInstanceArn": `arn:aws:rds:${R}:${A}:db:${instance}`, "aws:ResourceTag/aws:secretsmanager:owningService": "rds", ...tagContext("shop/dbi-staging", false, false) },
        why: "task start reads the password",
    });
    assert.equal(await decide(role, read("shop-dbi-staging")), "Allowed");
    assert.notEqual(await decide(role, read("shop-dbi-production")), "Allowed");
    const untagged = read("shop-dbi-staging");
    delete untagged.context["aws:ResourceTag/aws:rds:primaryDBInstanceArn"];
    assert.notEqual(await decide(role, untagged), "Allowed");
});

test("the two sides agree: a Backup action naming another instance, or a reader of another instance's password, is caught", async () => {
    const { contractProblems } = await import("../tools/check/contract");
    const input = async () => ({ delivery: await planOf("dbi-delivery"), environments: [await planOf("dbi-staging"), await planOf("dbi-production")], region: R, app: "shop" });
    assert.deepEqual(contractProblems(await input()), []);
    const bad = await input();
    const delivery = JSON.parse(JSON.stringify(bad.delivery)) as Plan;
    const pipeline = one(delivery, "aws:codepipeline/pipeline:Pipeline");
    for (const stage of pipeline.inputs.stages as { actions: { name: string; configuration: Record<string, string> }[] }[]) {
        for (const a of stage.actions) if (a.name === "Backup") a.configuration.EnvironmentVariables = a.configuration.EnvironmentVariables.replace("shop-dbi-production", "shop-other");
    }
    const reader = all(delivery, "aws:iam/policy:Policy").find((x) => x.inputs.name === "shop-dbi-staging-task-execution");
    assert.ok(reader, "the staging ECS agent's runtime policy");
    reader.inputs.policy = String(reader.inputs.policy).replace("db:shop-dbi-staging", "db:shop-other");
    const found = contractProblems({ ...bad, delivery }).join("\n");
    assert.match(found, /Backup action snapshots instance shop-other; the stack's instance is shop-dbi-production/);
    assert.match(found, /reads no password of instance shop-dbi-staging \(RDS's secret tagged aws:rds:primaryDBInstanceArn/);
});

// --- the pre-release DB snapshot ---------------------------------------------------------------------

interface Action {
    name: string;
    runOrder?: number;
    configuration?: Record<string, string>;
}

test("production's Backup action names the DB instance, and the project runs the instance's script", async () => {
    const delivery = await planOf("dbi-delivery");
    const stages = one(delivery, "aws:codepipeline/pipeline:Pipeline").inputs.stages as { name: string; actions: Action[] }[];
    const backup = stages.flatMap((s) => s.actions).find((a) => a.name === "Backup") as Action;
    assert.ok(backup);
    assert.equal(backup.runOrder, 1);
    const variables = JSON.parse(String(backup.configuration?.EnvironmentVariables)) as { name: string; value: string }[];
    assert.deepEqual(Object.fromEntries(variables.map((v) => [v.name, v.value])), { STACK: "dbi-production", DB_INSTANCE_ID: "shop-dbi-production", KEEP_DAYS: "14" });
    const project = one(delivery, "aws:codebuild/project:Project", "db-snapshot-project");
    const spec = String((project.inputs.source as { buildspec?: string }).buildspec);
    assert.match(spec, /create-db-snapshot/);
    assert.doesNotMatch(spec, /create-db-cluster-snapshot/);
});

function runSnapshot(rules: Rule[], kinds: ("instance" | undefined)[] = ["instance"], env: Record<string, string> = { STACK: "dbi-production", DB_INSTANCE_ID: "shop-dbi-production", KEEP_DAYS: "14" }) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-dbsnapshot-"));
    const bin = path.join(dir, "bin");
    const work = path.join(dir, "work");
    fs.mkdirSync(bin);
    fs.mkdirSync(work);
    stubAws(bin, rules);
    fs.writeFileSync(path.join(work, "image-tag.txt"), "0123456789abcdef0123456789abcdef01234567");
    const spec = snapshotBuildSpec(kinds.map((k, i) => snapshotTarget("shop", `s${i}`, k))) as { phases: { build: { commands: string[] } } };
    const r = spawnSync("/bin/bash", ["--noprofile", "--norc", "-c", `${spec.phases.build.commands.join("\n")}\necho "SNAPSHOT_ID=$SNAPSHOT_ID"`], {
        cwd: work,
        env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, AWS_REGION: R, ...env },
        encoding: "utf8",
        timeout: 60_000,
    });
    const log = path.join(bin, "aws.log");
    const aws = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, aws };
}

const OK: Rule[] = [
    { cmd: "rds create-db-snapshot", replies: [{ out: "creating\n" }] },
    { cmd: "rds wait db-snapshot-available", replies: [{ out: "" }] },
    { cmd: "rds describe-db-snapshots", replies: [{ out: "shop-dbi-production-pre-20261101000000\tshop-dbi-production-pre-20261102000000\n" }] },
    { cmd: "rds delete-db-snapshot", replies: [{ out: "{}" }] },
];

test("the Backup action takes a DB snapshot tagged with the commit, waits for it, records it and prunes old ones", () => {
    const r = runSnapshot(OK);
    const why = JSON.stringify(r, null, 1);
    assert.equal(r.status, 0, why);
    const create = r.aws.find((c) => c.startsWith("rds create-db-snapshot")) as string;
    const id = /--db-snapshot-identifier (shop-dbi-production-pre-\d{14}) /.exec(create)?.[1];
    assert.ok(id, create);
    assert.ok(create.includes("--db-instance-identifier shop-dbi-production"));
    assert.ok(create.includes(`Key=${SNAPSHOT_TAG},Value=0123456789abcdef0123456789abcdef01234567`));
    assert.ok(r.aws.includes(`rds wait db-snapshot-available --db-snapshot-identifier ${id}`), why);
    assert.match(r.stdout, new RegExp(`SNAPSHOT_ID=${id}$`, "m"));
    assert.deepEqual(r.aws.filter((c) => c.startsWith("rds delete-db-snapshot")), ["20261101000000", "20261102000000"].map((t) => `rds delete-db-snapshot --db-snapshot-identifier shop-dbi-production-pre-${t}`));
    assert.ok(!r.aws.some((c) => c.includes("cluster")), why);
});

test("a DB snapshot that fails stops the stage, saying nothing was released", () => {
    const r = runSnapshot([{ cmd: "rds create-db-snapshot", replies: [{ err: "An error occurred (InvalidDBInstanceState): not available", rc: 254 }] }]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /pre-release snapshot of shop-dbi-production \(dbi-production\): aws rds create-db-snapshot failed: .*InvalidDBInstanceState.* Nothing was released or deployed/);
    const wait = runSnapshot([OK[0], { cmd: "rds wait db-snapshot-available", replies: [{ err: "Waiter DBSnapshotAvailable failed: Max attempts exceeded", rc: 255 }] }]);
    assert.equal(wait.status, 1);
    assert.match(wait.stderr, /did not become available/);
});

test("one project serves a cluster and an instance: each action runs its own kind's script", () => {
    const instance = runSnapshot(OK, ["instance", undefined]);
    assert.equal(instance.status, 0, JSON.stringify(instance));
    assert.ok(instance.aws.some((c) => c.startsWith("rds create-db-snapshot")));
    const cluster = runSnapshot(
        [
            { cmd: "rds create-db-cluster-snapshot", replies: [{ out: "creating\n" }] },
            { cmd: "rds wait db-cluster-snapshot-available", replies: [{ out: "" }] },
            { cmd: "rds describe-db-cluster-snapshots", replies: [{ out: "" }] },
        ],
        ["instance", undefined],
        { STACK: "production", CLUSTER_ID: "shop-production", KEEP_DAYS: "14" },
    );
    assert.equal(cluster.status, 0, JSON.stringify(cluster));
    assert.ok(cluster.aws.some((c) => c.startsWith("rds create-db-cluster-snapshot --db-cluster-identifier shop-production")));
    // With clusters only, the buildspec is the cluster's script alone, as before.
    assert.deepEqual(snapshotBuildSpec([snapshotTarget("shop", "production")]), snapshotBuildSpec());
});

const rdsReq = (action: string, resource: string): Request => ({ action, resource: `arn:aws:rds:${R}:${A}:${resource}`, context: { "aws:RequestedRegion": R }, why: action });

test("the snapshot role snapshots production's instance and prunes its pre-release DB snapshots, and nothing else", async () => {
    const role = principalOf(await planOf("dbi-delivery"), "db-snapshot-role");
    const allowed = async (q: Request) => (await decide(role, q)) === "Allowed";
    const snap = "snapshot:shop-dbi-production-pre-20261202043000";
    for (const q of [rdsReq("rds:CreateDBSnapshot", "db:shop-dbi-production"), rdsReq("rds:CreateDBSnapshot", snap), rdsReq("rds:AddTagsToResource", snap), rdsReq("rds:DescribeDBSnapshots", snap), rdsReq("rds:DescribeDBSnapshots", "db:shop-dbi-production"), rdsReq("rds:DeleteDBSnapshot", snap)]) {
        assert.ok(await allowed(q), `${q.action} on ${q.resource}`);
    }
    for (const q of [
        rdsReq("rds:CreateDBSnapshot", "db:shop-dbi-staging"),
        rdsReq("rds:DeleteDBSnapshot", "snapshot:shop-dbi-production-final"),
        rdsReq("rds:DeleteDBSnapshot", "snapshot:shop-dbi-staging-pre-20261202043000"),
        rdsReq("rds:DeleteDBInstance", "db:shop-dbi-production"),
        rdsReq("rds:ModifyDBInstance", "db:shop-dbi-production"),
        rdsReq("rds:RestoreDBInstanceFromDBSnapshot", "db:shop-dbi-production"),
        rdsReq("rds:CreateDBClusterSnapshot", "cluster:shop-dbi-production"),
    ]) {
        assert.equal(await allowed(q), false, `${q.action} on ${q.resource} must be denied`);
    }
});

// --- diff, cost, policy --------------------------------------------------------------------------------

test("a change that replaces the instance is called out loudly in the diff; a bigger class or disk updates in place", async () => {
    const { diffPlans, renderText } = await import("../tools/plan/diff");
    const base = await planOf("dbi-staging");
    const renamed = diffPlans(base, await planStack("dbi-staging", { set: { "slipway:database": JSON.stringify({ kind: "instance", name: "orders" }) } }));
    const db = renamed.resources.find((r) => r.type === INSTANCE);
    assert.equal(db?.kind, "replace");
    assert.ok(db?.changes.some((c) => c.path === "dbName" && c.replaces));
    assert.match(renderText(renamed), /! DATABASE REPLACED: the new instance starts empty/);
    const bigger = diffPlans(base, await planStack("dbi-staging", { set: { "slipway:database": JSON.stringify({ kind: "instance", name: "shop", instanceClass: "db.t4g.medium", allocatedStorage: 40 }) } }));
    assert.equal(bigger.resources.find((r) => r.type === INSTANCE)?.kind, "update");
});

test("the cost model bills instance hours (twice with Multi-AZ), gp3 storage and backups; an unknown class is named as not priced", async () => {
    const { estimateCost } = await import("../tools/estimates/cost").then((m) => m as unknown as { estimateCost: (p: Plan) => { lines: { resource: string; item: string; quantity: number; unitPrice: number; monthly: number }[]; notPriced: string[] } });
    const production = estimateCost(await planOf("dbi-production"));
    const hours = production.lines.find((l) => /RDS for PostgreSQL db\.t4g\.small, Multi-AZ/.test(l.item));
    assert.ok(hours);
    assert.equal(hours.quantity, 1460);
    assert.equal(hours.unitPrice, 0.032);
    assert.ok(production.lines.some((l) => /gp3 storage, 50 GB provisioned × 2/.test(l.item) && l.quantity === 100));
    const staging = estimateCost(await planOf("dbi-staging"));
    assert.ok(staging.lines.some((l) => /db\.t4g\.micro, Single-AZ/.test(l.item) && Math.abs(l.monthly - 11.68) < 0.01));
    const big = estimateCost(await planStack("dbi-staging", { set: { "slipway:database": JSON.stringify({ kind: "instance", name: "shop", instanceClass: "db.r7g.xlarge" }) } }));
    assert.ok(big.notPriced.some((n) => /db\.r7g\.xlarge instance hours/.test(n)), big.notPriced.join("\n"));
});

const ruleViolations = async (id: string, props: Record<string, unknown>, tier: string, protect = tier === "production"): Promise<string[]> => {
    const { evaluate } = await import("../policy/evaluate");
    const { CONTEXT_TYPE } = await import("../policy/kit");
    const { RULES } = await import("../policy/rules");
    const rule = RULES.find((x) => x.name === id);
    assert.ok(rule, id);
    const { violations } = await evaluate(
        [rule],
        [
            { type: CONTEXT_TYPE, name: "policy-waivers", urn: `urn:pulumi:test::slipway::${CONTEXT_TYPE}::policy-waivers`, props: { tier, waivers: {} }, protect: false },
            { type: INSTANCE, name: "database-instance", urn: `urn:pulumi:test::slipway::${INSTANCE}::database-instance`, props, protect },
        ],
        {},
    );
    return violations.map((v) => v.message);
};

test("the policy pack holds an instance to the cluster's rules: the planned instances pass, each rule broken on purpose is caught", async () => {
    const staging = one(await planOf("dbi-staging"), INSTANCE).inputs as Record<string, unknown>;
    const production = one(await planOf("dbi-production"), INSTANCE).inputs as Record<string, unknown>;
    const CASES: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
        ["rds-storage-encrypted", staging, "staging", { storageEncrypted: false }],
        ["rds-storage-encrypted", staging, "staging", { kmsKeyId: undefined }],
        ["rds-not-public", staging, "staging", { publiclyAccessible: true }],
        ["rds-backups-retained", staging, "staging", { backupRetentionPeriod: 0 }],
        ["rds-minor-version-upgrades", staging, "staging", { autoMinorVersionUpgrade: false }],
        ["rds-logs-exported", staging, "staging", { enabledCloudwatchLogsExports: [] }],
        ["rds-production-kept", production, "production", { deletionProtection: false }],
        ["rds-production-kept", production, "production", { skipFinalSnapshot: true, finalSnapshotIdentifier: undefined }],
        ["rds-production-kept", staging, "staging", { deletionProtection: true }],
        ["rds-production-kept", staging, "staging", { skipFinalSnapshot: false }],
        ["rds-iam-authentication", production, "production", { iamDatabaseAuthenticationEnabled: false }],
    ];
    for (const [id, props, tier, broken] of CASES) {
        assert.deepEqual(await ruleViolations(id, props, tier), [], `${id} passes the planned ${tier} instance`);
        assert.ok((await ruleViolations(id, { ...props, ...broken }, tier)).length > 0, `${id} catches ${JSON.stringify(broken)}`);
    }
    // Production's instance is a stateful resource: unprotected, it is caught.
    assert.deepEqual(await ruleViolations("stateful-resources-protected", production, "production"), []);
    assert.ok((await ruleViolations("stateful-resources-protected", production, "production", false)).length > 0);
});
