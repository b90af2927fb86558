// Database built from its Args: an Aurora PostgreSQL Serverless v2 cluster and its writer in isolated
// subnets, admitted from the clients group only, encrypted with its own key, the master password RDS's.
// Production (protect) keeps it; otherwise it deletes cleanly. Its task secrets reference, never hold.
import * as assert from "node:assert/strict";
import { Database, DatabaseArgs, DATABASE_SECRET_NAMES } from "../../infra/environment/database";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, ofType, registeredOutputs, res } from "./harness";

const test = componentTests(__filename);

const TYPE = "slipway:environment:Database";
const CLUSTER = "aws:rds/cluster:Cluster";
const ARGS: DatabaseArgs = {
    identifier: "shop-staging",
    engineVersion: "16.6",
    minCapacity: 0,
    maxCapacity: 2,
    backupRetentionDays: 1,
    vpcId: "vpc-0123456789abcdef0",
    subnets: [
        { cidr: "10.20.192.0/20", availabilityZone: "eu-west-1a" },
        { cidr: "10.20.208.0/20", availabilityZone: "eu-west-1b" },
    ],
    secretNamePrefix: "slipway/shop/staging/",
    accountRootArn: "arn:aws:iam::123456789012:root",
};
const database = (args: Partial<DatabaseArgs> = {}, name = "database") =>
    build(() => {
        const d = new Database(name, { ...ARGS, ...args });
        return { taskSecrets: d.taskSecrets, masterSecretArn: d.masterSecretArn };
    });

test("a Database owns its key, subnets, groups, cluster, writer and connection secret, each named after it", async () => {
    const [a, b] = [await database(), await database({}, "orders-db")];
    const component = assertOwnsItsChildren(a, TYPE, "database");
    assertDisjoint(a, b);
    const outputs = registeredOutputs(a, component);
    assert.ok(outputs.endpoint && outputs.masterSecretArn && outputs.connectionSecretArn);
});

test("with no Args beyond the required: database and user 'app', 300 s auto-pause at 0 ACU, deleted cleanly", async () => {
    const p = await database();
    const c = res(p, CLUSTER, "database-cluster");
    assert.deepEqual([c.inputs.databaseName, c.inputs.masterUsername, c.inputs.iamDatabaseAuthenticationEnabled], ["app", "app", false]);
    assert.deepEqual(c.inputs.serverlessv2ScalingConfiguration, { minCapacity: 0, maxCapacity: 2, secondsUntilAutoPause: 300 });
    assert.deepEqual([c.inputs.deletionProtection, c.inputs.skipFinalSnapshot, c.inputs.applyImmediately, c.protect], [false, true, true, false]);
    assert.ok(p.resources.every((r) => !r.protect));
    assert.equal(res(p, "aws:secretsmanager/secret:Secret", "database-connection").inputs.recoveryWindowInDays, 0);
});

test("protect keeps it: deletion protection, the named final snapshot, protect on cluster, writer, key and secret", async () => {
    const p = await database({ protect: true, minCapacity: 0.5, maxCapacity: 4, backupRetentionDays: 14 });
    const c = res(p, CLUSTER, "database-cluster");
    assert.deepEqual([c.inputs.deletionProtection, c.inputs.skipFinalSnapshot, c.inputs.finalSnapshotIdentifier, c.inputs.applyImmediately], [true, false, "shop-staging-final", false]);
    assert.deepEqual(c.inputs.serverlessv2ScalingConfiguration, { minCapacity: 0.5, maxCapacity: 4 });
    for (const [type, name] of [[CLUSTER, "database-cluster"], ["aws:rds/clusterInstance:ClusterInstance", "database-writer"], ["aws:kms/key:Key", "database-key"], ["aws:secretsmanager/secret:Secret", "database-connection"]]) {
        assert.equal(res(p, type, name).protect, true, name);
    }
    assert.equal(res(p, "aws:kms/key:Key", "database-key").inputs.deletionWindowInDays, 30);
});

test("the key policy lets the account administer the key, so IAM policies decide who uses it", async () => {
    const key = res(await database(), "aws:kms/key:Key", "database-key");
    const doc = JSON.parse(String(key.inputs.policy)) as { Statement: { Principal: { AWS: string }; Action: string }[] };
    assert.deepEqual(doc.Statement.map((s) => [s.Principal.AWS, s.Action]), [["arn:aws:iam::123456789012:root", "kms:*"]]);
    assert.equal(key.inputs.enableKeyRotation, true);
});

test("isolated subnets: one per zone, no route out, a subnet group of exactly them", async () => {
    const p = await database();
    assert.equal(res(p, "aws:ec2/routeTable:RouteTable", "database-isolated").inputs.routes, undefined);
    assert.deepEqual(ofType(p, "aws:ec2/subnet:Subnet").map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone]), ARGS.subnets.map((s) => [s.cidr, s.availabilityZone]));
    assert.equal(ofType(p, "aws:ec2/routeTableAssociation:RouteTableAssociation").length, 2);
    const group = res(p, "aws:rds/subnetGroup:SubnetGroup", "database-subnets");
    assert.equal(group.inputs.name, "shop-staging");
    assert.equal((group.inputs.subnetIds as unknown[]).length, 2);
});

test("the writer is db.serverless, never public, with minor-version upgrades", async () => {
    const w = res(await database(), "aws:rds/clusterInstance:ClusterInstance", "database-writer");
    assert.deepEqual([w.inputs.identifier, w.inputs.instanceClass, w.inputs.publiclyAccessible, w.inputs.autoMinorVersionUpgrade], ["shop-staging-writer", "db.serverless", false, true]);
});

test("the task secrets reference the connection secret's keys and RDS's password, never a value", async () => {
    const p = await database();
    const secrets = p.outputs.taskSecrets as { name: string; valueFrom: string }[];
    assert.deepEqual(secrets.map((s) => s.name), Object.values(DATABASE_SECRET_NAMES));
    assert.match(secrets.find((s) => s.name === "PGPASSWORD")?.valueFrom ?? "", /:secret:rds!cluster-.*:password::$/);
    for (const s of secrets.filter((x) => x.name !== "PGPASSWORD")) assert.match(s.valueFrom, /:secret:slipway\/shop\/staging\/database-AbCdEf:[a-z]+::$/);
    assert.ok(!JSON.stringify(res(p, CLUSTER, "database-cluster").inputs).includes("masterPassword"));
});

// kind instance: one RDS for PostgreSQL DB instance in place of the cluster and its writer, nothing else changed.
const INSTANCE_ARGS: Partial<DatabaseArgs> = { kind: "instance", engineVersion: "16.11", minCapacity: undefined, maxCapacity: undefined };

test("kind instance declares one DB instance, with the documented defaults, and no cluster or writer", async () => {
    const p = await database(INSTANCE_ARGS);
    assertOwnsItsChildren(p, TYPE, "database");
    assert.equal(ofType(p, CLUSTER).length, 0);
    assert.equal(ofType(p, "aws:rds/clusterInstance:ClusterInstance").length, 0);
    const i = res(p, "aws:rds/instance:Instance", "database-instance");
    assert.deepEqual(
        [i.inputs.identifier, i.inputs.engine, i.inputs.instanceClass, i.inputs.storageType, i.inputs.allocatedStorage, i.inputs.multiAz, i.inputs.dbName, i.inputs.username],
        ["shop-staging", "postgres", "db.t4g.micro", "gp3", 20, false, "app", "app"],
    );
    assert.deepEqual([i.inputs.storageEncrypted, i.inputs.manageMasterUserPassword, i.inputs.publiclyAccessible, i.inputs.deletionProtection, i.inputs.skipFinalSnapshot, i.protect], [true, true, false, false, true, false]);
    assert.equal(res(p, "aws:cloudwatch/logGroup:LogGroup", "database-postgresql-logs").inputs.name, "/aws/rds/instance/shop-staging/postgresql");
    assert.match(String(res(p, "aws:kms/key:Key", "database-key").inputs.description), /RDS instance/);
    const secrets = p.outputs.taskSecrets as { name: string; valueFrom: string }[];
    assert.deepEqual(secrets.map((s) => s.name), Object.values(DATABASE_SECRET_NAMES));
    assert.match(secrets.find((s) => s.name === "PGPASSWORD")?.valueFrom ?? "", /:secret:rds!db-.*:password::$/);
});

test("kind instance with protect: deletion protection, the final DB snapshot, protect; Args set class, disk and Multi-AZ", async () => {
    const p = await database({ ...INSTANCE_ARGS, protect: true, instanceClass: "db.m7g.large", allocatedStorage: 100, multiAz: true });
    const i = res(p, "aws:rds/instance:Instance", "database-instance");
    assert.deepEqual([i.inputs.deletionProtection, i.inputs.skipFinalSnapshot, i.inputs.finalSnapshotIdentifier, i.inputs.applyImmediately, i.protect], [true, false, "shop-staging-final", false, true]);
    assert.deepEqual([i.inputs.instanceClass, i.inputs.allocatedStorage, i.inputs.multiAz], ["db.m7g.large", 100, true]);
});

test("a serverless Database without its capacity is refused", async () => {
    await assert.rejects(database({ minCapacity: undefined }), /a serverless database needs minCapacity and maxCapacity/);
});
