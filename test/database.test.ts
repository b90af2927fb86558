// slipway:database: config checks (each broken on purpose), the inputs per tier, the secret path from RDS
// to every task definition (no plaintext), and the ECS agent's right to read its own cluster's password only.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { databaseSettings, DatabaseContext } from "../infra/config/database";
import { DATABASE_SECRET_NAMES } from "../infra/environment/database";
import { STACK_TAG } from "../infra/contract";
import { RDS_CLUSTER_TAG } from "../infra/delivery/stack-access";
import { decide, principalOf, Request } from "../tools/check/iam-sim";
import { tagContext } from "../tools/check/iam-requests";
import type { Plan } from "../tools/plan/mock-engine";
import { all, one, planStack } from "./helpers";
import { problemsOf as configProblems, rawConfig, rejects as rejectsConfig } from "./config-helpers";

const ctx = (over: Partial<DatabaseContext> = {}): DatabaseContext => ({ platform: "ecs", tier: "staging", environmentName: "shop-staging", ...over });
const problemsOf = (value: Record<string, unknown>, c = ctx()) => {
    const problems: string[] = [];
    const s = databaseSettings(value, c, "staging", problems);
    return { s, problems };
};

test("no slipway:database declares no database", () => {
    assert.equal(problemsOf({}).s, undefined);
    assert.deepEqual(problemsOf({}).problems, []);
});

test("the tier picks the capacity and backups: staging pauses at 0 ACU, production keeps 0.5 and 14 days", () => {
    const staging = problemsOf({ name: "shop" }).s;
    assert.deepEqual([staging?.minCapacity, staging?.maxCapacity, staging?.secondsUntilAutoPause, staging?.backupRetentionDays], [0, 2, 300, 1]);
    const production = problemsOf({ name: "shop" }, ctx({ tier: "production", environmentName: "shop-production" })).s;
    assert.deepEqual([production?.minCapacity, production?.maxCapacity, production?.secondsUntilAutoPause, production?.backupRetentionDays], [0.5, 4, undefined, 14]);
});

const BROKEN: [string, Record<string, unknown>, RegExp, Partial<DatabaseContext>?][] = [
    ["an engine version that does not exist", { engineVersion: "12.4" }, /slipway:database\.engineVersion = "12\.4" is not an Aurora PostgreSQL version.*Fix: pulumi config set --path 'slipway:database\.engineVersion' 16\.6/],
    ["a version that is not <major>.<minor>", { engineVersion: "sixteen" }, /slipway:database\.engineVersion = "sixteen"/],
    ["0 ACU on a version without auto-pause", { engineVersion: "15.4", minCapacity: 0 }, /slipway:database\.minCapacity = 0 needs an engine version with auto-pause; 15\.4 allows 0\.5.*engineVersion' 15\.7/],
    ["a capacity off the half-step grid", { maxCapacity: 2.3 }, /slipway:database\.maxCapacity = 2\.3 is not an Aurora Serverless v2 capacity: 0 to 256 ACUs in steps of 0\.5/],
    ["a capacity above 256", { maxCapacity: 300 }, /slipway:database\.maxCapacity = 300 is not an Aurora Serverless v2 capacity/],
    ["a maximum below 1 ACU", { maxCapacity: 0.5, minCapacity: 0 }, /slipway:database\.maxCapacity = 0\.5: Aurora Serverless v2's maximum capacity is at least 1 ACU/],
    ["min above max", { minCapacity: 4, maxCapacity: 2 }, /slipway:database\.minCapacity = 4 is greater than maxCapacity = 2/],
    ["a retention of 0 days", { backupRetentionDays: 0 }, /slipway:database\.backupRetentionDays = 0 must be an integer from 1 to 35/],
    ["a retention of 36 days", { backupRetentionDays: 36 }, /slipway:database\.backupRetentionDays = 36 must be an integer from 1 to 35/],
    ["an auto-pause delay below 300 s", { secondsUntilAutoPause: 60 }, /slipway:database\.secondsUntilAutoPause = 60 must be an integer from 300 to 86400/],
    ["an auto-pause delay on a cluster that never pauses", { minCapacity: 0.5, secondsUntilAutoPause: 600 }, /slipway:database\.secondsUntilAutoPause applies only with minCapacity 0/],
    ["a database name RDS refuses", { name: "my-db" }, /slipway:database\.name = "my-db" is not a database name RDS accepts/],
    ["a reserved database name", { name: "postgres" }, /slipway:database\.name = "postgres"/],
    ["a reserved master user", { username: "rdsadmin" }, /slipway:database\.username = "rdsadmin" is not a master username RDS accepts/],
    ["a master user longer than 16 characters", { username: "application_owner" }, /slipway:database\.username = "application_owner" is not a master username RDS accepts: 1–16/],
    ["an unknown field", { size: "large" }, /slipway:database\.size is not a database setting/],
    ["IAM authentication that is not a boolean", { iamAuthentication: "yes" }, /slipway:database\.iamAuthentication must be true or false/],
    ["a platform without database support", { name: "shop" }, /slipway:database is set, but slipway:platform is lambda: slipway.s database reaches ecs and beanstalk environments only.*Fix: pulumi config set slipway:platform ecs/, { platform: "lambda" }],
    ["an identifier too long for its writer", { name: "shop" }, /the cluster identifier .* is not one RDS accepts with room for its writer and pre-release snapshots \(<id>-writer, <id>-pre-<time>\): 1–44/, { environmentName: `shop-${"x".repeat(40)}` }],
];
for (const [what, value, message, over] of BROKEN) {
    test(`slipway:database refuses ${what}, naming the key and the fix`, () => {
        const { s, problems } = problemsOf(value, ctx(over));
        assert.equal(s, undefined);
        assert.ok(problems.some((p) => message.test(p)), problems.join("\n"));
    });
}

const plans = new Map<string, Promise<Plan>>();
const planOf = (stack: string) => {
    if (!plans.has(stack)) plans.set(stack, planStack(stack));
    return plans.get(stack) as Promise<Plan>;
};

test("staging's cluster is encrypted with its own key, private, pauses at 0 ACU and destroys without a snapshot", async () => {
    const p = await planOf("database-staging");
    const c = one(p, "aws:rds/cluster:Cluster");
    assert.equal(c.inputs.clusterIdentifier, "shop-database-staging");
    assert.equal(c.inputs.engine, "aurora-postgresql");
    assert.equal(c.inputs.engineMode, "provisioned");
    assert.equal(c.inputs.storageEncrypted, true);
    assert.match(String(c.inputs.kmsKeyId), /^arn:aws:kms:us-east-1:123456789012:key\//);
    assert.equal(c.inputs.manageMasterUserPassword, true);
    assert.equal(c.inputs.masterPassword, undefined);
    assert.deepEqual(c.inputs.serverlessv2ScalingConfiguration, { minCapacity: 0, maxCapacity: 2, secondsUntilAutoPause: 300 });
    assert.deepEqual([c.inputs.deletionProtection, c.inputs.skipFinalSnapshot, c.inputs.finalSnapshotIdentifier, c.protect], [false, true, undefined, false]);
    assert.deepEqual(c.inputs.enabledCloudwatchLogsExports, ["postgresql"]);
    const w = one(p, "aws:rds/clusterInstance:ClusterInstance");
    assert.deepEqual([w.inputs.instanceClass, w.inputs.publiclyAccessible, w.inputs.identifier], ["db.serverless", false, "shop-database-staging-writer"]);
});

test("production's cluster is protected: deletion protection, a final snapshot, Pulumi protect, 14 days of backups", async () => {
    const p = await planOf("database-production");
    const c = one(p, "aws:rds/cluster:Cluster");
    assert.deepEqual([c.inputs.deletionProtection, c.inputs.skipFinalSnapshot, c.inputs.finalSnapshotIdentifier, c.protect], [true, false, "shop-database-production-final", true]);
    assert.equal(c.inputs.backupRetentionPeriod, 14);
    assert.equal(c.inputs.iamDatabaseAuthenticationEnabled, true);
    assert.deepEqual(c.inputs.serverlessv2ScalingConfiguration, { minCapacity: 0.5, maxCapacity: 8 });
    for (const t of ["aws:rds/clusterInstance:ClusterInstance", "aws:kms/key:Key"]) assert.equal(one(p, t).protect, true, t);
});

test("the database lives in isolated subnets: their route table has no route out", async () => {
    const p = await planOf("database-staging");
    const table = one(p, "aws:ec2/routeTable:RouteTable", "database-isolated");
    assert.equal(table.inputs.routes, undefined);
    const subnets = all(p, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("database-isolated-"));
    assert.deepEqual(subnets.map((s) => s.inputs.cidrBlock), ["10.20.192.0/20", "10.20.208.0/20"]);
    assert.ok(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false));
});

test("only the clients group reaches PostgreSQL, and web, workers, scheduled jobs and the release task carry it", async () => {
    const p = await planOf("database-staging");
    const sg = one(p, "aws:ec2/securityGroup:SecurityGroup", "database-sg");
    const clients = one(p, "aws:ec2/securityGroup:SecurityGroup", "database-clients");
    const ingress = sg.inputs.ingress as { fromPort: number; securityGroups: string[]; cidrBlocks?: string[] }[];
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0].fromPort, 5432);
    assert.equal(ingress[0].cidrBlocks, undefined);
    assert.deepEqual(sg.inputs.egress, []);
    assert.deepEqual(clients.inputs.ingress, []);
    for (const service of all(p, "aws:ecs/service:Service")) {
        const groups = (service.inputs.networkConfiguration as { securityGroups: string[] }).securityGroups;
        assert.equal(groups.length, 2, `${service.name} carries its own group and the clients group`);
    }
    // A scheduled job's task, started by EventBridge Scheduler, too.
    const schedule = one(p, "aws:scheduler/schedule:Schedule");
    const jobGroups = (schedule.inputs.target as { ecsParameters: { networkConfiguration: { securityGroups: string[] } } }).ecsParameters.networkConfiguration.securityGroups;
    assert.equal(jobGroups.length, 2, "the job's task carries its own group and the clients group");
});

test("every task definition (web, worker, release, scheduled job) gets the connection as secrets by reference, never as environment", async () => {
    const p = await planOf("database-staging");
    const defs = all(p, "aws:ecs/taskDefinition:TaskDefinition");
    assert.deepEqual(defs.map((d) => d.inputs.family).sort(), ["shop-database-staging", "shop-database-staging_mailer", "shop-database-staging_nightly", "shop-database-staging_release"]);
    for (const d of defs) {
        const [c] = JSON.parse(String(d.inputs.containerDefinitions)) as { environment: { name: string }[]; secrets: { name: string; valueFrom: string }[] }[];
        const byName = Object.fromEntries(c.secrets.map((s) => [s.name, s.valueFrom]));
        assert.match(byName[DATABASE_SECRET_NAMES.password], /^arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!cluster-[0-9a-f-]+-AbCdEf:password::$/, d.name);
        for (const name of [DATABASE_SECRET_NAMES.host, DATABASE_SECRET_NAMES.port, DATABASE_SECRET_NAMES.dbname, DATABASE_SECRET_NAMES.username]) {
            assert.match(byName[name], /:secret:slipway\/shop\/database-staging\/database-AbCdEf:[a-z]+::$/, `${d.name} ${name}`);
        }
        assert.ok(!c.environment.some((e) => e.name.startsWith("PG")), `${d.name} has no PG* environment variable`);
    }
});

test("no password reaches the plan: RDS makes it, and the connection secret holds none", async () => {
    for (const stack of ["database-staging", "database-production"]) {
        const p = await planOf(stack);
        const text = JSON.stringify(p.resources);
        assert.ok(!/masterPassword/.test(text), stack);
        const version = all(p, "aws:secretsmanager/secretVersion:SecretVersion").find((v) => v.name === "database-connection");
        assert.ok(version, stack);
    }
});

const R = "us-east-1";
const clusterArn = (stack: string) => `arn:aws:rds:${R}:123456789012:cluster:shop-${stack}`;
const secretRequest = (cluster: string, stack: string): Request => ({
    action: "secretsmanager:GetSecretValue",
    resource: `arn:aws:secretsmanager:${R}:123456789012:secret:rds!cluster-0a1b2c3d-0000-4000-8000-000000000000-AbCdEf`,
    context: { "aws:RequestedRegion": R, [`aws:ResourceTag/${RDS_CLUSTER_TAG}`]: cluster, "aws:ResourceTag/aws:secretsmanager:owningService": "rds", ...tagContext(`shop/${stack}`, false, false) },
    why: `task start reads the password of ${cluster}`,
});

async function executionRole(stack: string) {
    const env = await planOf(stack);
    const delivery = await planOf("database-delivery");
    return principalOf(env, "app-execution", [env, delivery], {}, { [STACK_TAG]: `shop/${stack}` });
}

test("staging's ECS agent reads its own cluster's password, under its boundary, and never production's", async () => {
    const role = await executionRole("database-staging");
    assert.ok(role.boundary);
    assert.equal(await decide(role, secretRequest(clusterArn("database-staging"), "database-staging")), "Allowed");
    // …and the connection secret (host, port, database, user) under the stack's own prefix.
    const connection: Request = {
        action: "secretsmanager:GetSecretValue",
        resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:slipway/shop/database-staging/database-AbCdEf",
        context: { "aws:RequestedRegion": R, ...tagContext("shop/database-staging", true, false) },
        why: "task start reads the connection secret",
    };
    assert.equal(await decide(role, connection), "Allowed");
    assert.notEqual(await decide(role, secretRequest(clusterArn("database-production"), "database-staging")), "Allowed");
    // A secret RDS did not tag (or anyone else's rds! secret) is refused too.
    const untagged = secretRequest(clusterArn("database-staging"), "database-staging");
    delete untagged.context[`aws:ResourceTag/${RDS_CLUSTER_TAG}`];
    assert.notEqual(await decide(role, untagged), "Allowed");
});

test("an environment without a database gets no right to any RDS secret", async () => {
    const env = await planStack("domains-staging");
    const delivery = await planStack("domains-delivery");
    const role = principalOf(env, "app-execution", [env, delivery], {}, { [STACK_TAG]: "shop/domains-staging" });
    assert.notEqual(await decide(role, secretRequest("arn:aws:rds:us-east-1:123456789012:cluster:shop-domains-staging", "domains-staging")), "Allowed");
});

test("a change that replaces the cluster is called out loudly in the diff: a new, empty database", async () => {
    const { diffPlans, renderText } = await import("../tools/plan/diff");
    const base = await planOf("database-staging");
    const head = await planStack("database-staging", { set: { "slipway:database": JSON.stringify({ name: "orders" }) } });
    const d = diffPlans(base, head);
    const cluster = d.resources.find((r) => r.type === "aws:rds/cluster:Cluster");
    assert.equal(cluster?.kind, "replace");
    assert.ok(cluster?.changes.some((c) => c.path === "databaseName" && c.replaces));
    assert.ok(cluster?.notes.some((n) => n.startsWith("DATABASE REPLACED")), cluster?.notes.join("\n"));
    assert.match(renderText(d), /! DATABASE REPLACED: the new cluster starts empty/);
});

test("a wider capacity range updates the cluster in place", async () => {
    const { diffPlans } = await import("../tools/plan/diff");
    const head = await planStack("database-staging", { set: { "slipway:database": JSON.stringify({ name: "shop", maxCapacity: 4 }) } });
    const cluster = diffPlans(await planOf("database-staging"), head).resources.find((r) => r.type === "aws:rds/cluster:Cluster");
    assert.equal(cluster?.kind, "update");
});

test("review stacks' database policy reaches only review clusters (<app>-review-*), a pipeline stack's only its own", async () => {
    const { databaseArns } = await import("../infra/delivery/database-policy");
    const ctx = { region: "us-east-1", accountId: "123456789012", partition: "aws" };
    const review = databaseArns({ app: "shop", policyStack: "review", ctx });
    assert.equal(review.cluster, "arn:aws:rds:us-east-1:123456789012:cluster:shop-review-*");
    assert.equal(review.writer, "arn:aws:rds:us-east-1:123456789012:db:shop-review-*-writer");
    const staging = databaseArns({ app: "shop", policyStack: "staging", ctx });
    assert.equal(staging.cluster, "arn:aws:rds:us-east-1:123456789012:cluster:shop-staging");
    assert.equal(staging.finalSnapshot, "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:shop-staging-final");
});

test("a deploy role gets the database policy only when its stack file sets slipway:database", async () => {
    const withDb = await planOf("database-delivery");
    const names = (p: Plan) => all(p, "aws:iam/policy:Policy").map((x) => String(x.inputs.name));
    assert.ok(names(withDb).some((n) => n.endsWith("database-staging-deploy-database")), names(withDb).join("\n"));
    assert.ok(names(withDb).some((n) => n.endsWith("database-production-deploy-database")));
    const without = await planStack("domains-delivery");
    assert.ok(!names(without).some((n) => n.endsWith("-deploy-database")), "no stack of the domains pipeline has a database");
});

test("the deploy role may create only an encrypted cluster whose password RDS keeps", async () => {
    const delivery = await planOf("database-delivery");
    const role = principalOf(delivery, "github-oidc-deploy-database-staging");
    const create = (encrypted: string, managed: string): Request => ({
        action: "rds:CreateDBCluster",
        resource: "arn:aws:rds:us-east-1:123456789012:cluster:shop-database-staging",
        context: { "aws:RequestedRegion": R, [`aws:RequestTag/${STACK_TAG}`]: "shop/database-staging", "aws:TagKeys": [STACK_TAG], "rds:StorageEncrypted": encrypted, "rds:ManageMasterUserPassword": managed },
        why: "create the cluster",
    });
    assert.equal(await decide(role, create("true", "true")), "Allowed");
    assert.notEqual(await decide(role, create("false", "true")), "Allowed");
    assert.notEqual(await decide(role, create("true", "false")), "Allowed");
});

test("the stack owns the log group RDS exports PostgreSQL's log to: kept for the stack's retention, made before the cluster, gone with a staging stack", async () => {
    const p = await planOf("database-staging");
    const logs = one(p, "aws:cloudwatch/logGroup:LogGroup", "database-postgresql-logs");
    assert.equal(logs.inputs.name, "/aws/rds/cluster/shop-database-staging/postgresql");
    assert.equal(typeof logs.inputs.retentionInDays, "number");
    assert.equal(logs.protect, false);
    assert.ok(one(p, "aws:rds/cluster:Cluster").dependsOn.includes(logs.urn), "RDS would make the group itself if the cluster came first");
    assert.equal(one(await planOf("database-production"), "aws:cloudwatch/logGroup:LogGroup", "database-postgresql-logs").protect, true);
});

test("a network too small for the database's subnets is one config problem naming slipway:vpcCidr and the size that fits", () => {
    // /25: the app's subnets (/27) fit, the database's (/29) would not: AWS's smallest subnet is /28.
    rejectsConfig(rawConfig("database-staging", { "slipway:vpcCidr": "10.20.0.0/25" }), "slipway:vpcCidr", "too small for slipway:database", "/29", "10.20.0.0/24");
    assert.deepEqual(configProblems(rawConfig("database-staging", { "slipway:vpcCidr": "10.20.0.0/24" })), []);
    // Without a database the same network is fine.
    assert.deepEqual(configProblems(rawConfig("staging", { "slipway:vpcCidr": "10.20.0.0/25" })), []);
});
