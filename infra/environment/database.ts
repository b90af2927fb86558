// An environment's own PostgreSQL database (slipway:database): an Aurora PostgreSQL Serverless v2 cluster
// with one db.serverless writer, in isolated subnets of the stack's VPC (no route out), behind a security
// group that admits only the app's tasks (web, workers and the release task carry the clients group),
// encrypted with the stack's own KMS key, its master password made, stored and rotated by RDS in Secrets
// Manager (manageMasterUserPassword: never in config or state). The tasks get the connection as task
// secrets: host, port, name and user from a connection secret under the stack's prefix, the password by
// reference to RDS's own secret.
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as kms from "@pulumi/aws/kms";
import * as rds from "@pulumi/aws/rds";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import { finalSnapshotIdentifier, rdsLogGroupName, writerIdentifier } from "../contract";
import type { DatabaseKind } from "../config/database";

/** Aurora PostgreSQL's port. */
export const POSTGRES_PORT = 5432;

import { DATABASE_SECRET_NAMES } from "../config/database";
import { jsonOutput } from "../shared/json";
export { DATABASE_SECRET_NAMES };

/**
 * Log types Aurora PostgreSQL exports to CloudWatch (CreateDBCluster EnableCloudwatchLogsExports: Aurora
 * PostgreSQL takes `instance`, `postgresql` and `iam-db-auth-error`).
 */
export const AURORA_POSTGRES_LOG_EXPORTS = ["postgresql"] as const;
/**
 * Log types RDS for PostgreSQL exports (CreateDBInstance EnableCloudwatchLogsExports: RDS for PostgreSQL takes
 * `postgresql`, `upgrade` and `iam-db-auth-error`): the same PostgreSQL log as the cluster's.
 */
export const RDS_POSTGRES_LOG_EXPORTS = ["postgresql"] as const;
/** Kind instance: gp3, RDS's current general-purpose SSD (baseline 3,000 IOPS and 125 MiB/s below 400 GiB for PostgreSQL). */
export const INSTANCE_STORAGE_TYPE = "gp3";

export interface DatabaseArgs {
    /** Cluster (or, kind instance, DB instance) identifier (contract.ts databaseIdentifier): `<app>-<stack>`. */
    identifier: string;
    /**
     * `serverless`: an Aurora PostgreSQL Serverless v2 cluster and its db.serverless writer; `instance`: one RDS for
     * PostgreSQL DB instance (gp3 storage). Every other guarantee is the same. @default "serverless"
     */
    kind?: DatabaseKind;
    /** Aurora PostgreSQL version, e.g. "16.6", or with kind instance an RDS for PostgreSQL version, e.g. "16.11" (checked in config). */
    engineVersion: string;
    /** Database created in the cluster. @default "app" */
    databaseName?: string;
    /** Master user. @default "app" */
    username?: string;
    /** ACUs: 0 pauses an idle writer (versions with auto-pause), up to 256. Kind serverless: required. */
    minCapacity?: number;
    maxCapacity?: number;
    /** Kind instance: the DB instance class. @default "db.t4g.micro" */
    instanceClass?: string;
    /** Kind instance: GiB of gp3 storage (20–65536). @default 20 */
    allocatedStorage?: number;
    /** Kind instance: a synchronous standby in a second zone, with automatic failover. @default false */
    multiAz?: boolean;
    /** Idle seconds before a 0-ACU cluster pauses (300–86400). @default 300 when minCapacity is 0 */
    secondsUntilAutoPause?: number;
    /** Automated backups, days (1–35). */
    backupRetentionDays: number;
    /** IAM database authentication (rds-db:connect) beside the password. @default false */
    iamAuthentication?: boolean;
    vpcId: pulumi.Input<string>;
    /** One isolated subnet per zone (a DB subnet group needs two zones). */
    subnets: { cidr: string; availabilityZone: pulumi.Input<string> }[];
    /** The stack's secret-name prefix (contract.ts secretNamePrefix): the connection secret is `<prefix>database`. */
    secretNamePrefix: string;
    /**
     * The account's root principal (aws-context.ts accountRootArn): the key policy lets it administer the key, so
     * IAM policies (the deploy role's, tag-scoped) decide.
     */
    accountRootArn: pulumi.Input<string>;
    /**
     * Production: deletion protection, a final snapshot on delete, Pulumi `protect`, changes held to the
     * maintenance window. Otherwise the stack destroys cleanly (no final snapshot). @default false
     */
    protect?: boolean;
    /** Days RDS's exported PostgreSQL log is kept (slipway:logRetentionDays). @default 30 */
    logRetentionDays?: number;
    /**
     * Days between rotations of the master password (1–1000; Secrets Manager RotationRulesType). RDS's own
     * schedule is 7 days; stating it makes it config. The services restart after each rotation
     * (infra/platforms/ecs/rotation-restart.ts). @default 7
     */
    rotationDays?: number;
    /** Who carries the clients group, in its and the database group's descriptions. @default "the app tasks" (ECS) */
    clients?: string;
    /**
     * Start from the most recent automated snapshot of this cluster instead of empty (the review template's
     * slipway:database.restoreFrom, checked in infra/config/database-restore.ts). Found at plan time; a later, newer
     * snapshot never replaces the live cluster (ignoreChanges on snapshotIdentifier). @default undefined (empty)
     */
    restoreFrom?: { clusterIdentifier: string };
}

/**
 * The snapshot a restoring cluster starts from: the newest automated snapshot of the source cluster, checked as RDS
 * would refuse it, before anything is created. The data source (rds/getClusterSnapshot.d.ts; terraform-provider-aws
 * cluster_snapshot_data_source.go) calls DescribeDBClusterSnapshots, fails with "Your query returned no results" when
 * there is none, and with mostRecent takes the latest SnapshotCreateTime whatever its status: a snapshot still being
 * made is refused here. Automated only: their names (`rds:<cluster>-<YYYY-MM-DD-HH-MM>`) are RDS's, which the review
 * deploy role's rights pin (infra/delivery/database-restore-policy.ts); a manual snapshot could be named anything.
 */
export function sourceSnapshotIdentifier(source: { clusterIdentifier: string }, engineVersion: string, opts: pulumi.InvokeOptions): pulumi.Output<string> {
    const snapshot = rds.getClusterSnapshotOutput({ dbClusterIdentifier: source.clusterIdentifier, snapshotType: "automated", mostRecent: true }, opts);
    return snapshot.apply((s) => {
        const at = `the newest automated snapshot of ${source.clusterIdentifier} (${s.id})`;
        if (s.dbClusterIdentifier !== undefined && s.dbClusterIdentifier !== source.clusterIdentifier) throw new Error(`${at} is of another cluster, ${s.dbClusterIdentifier}`);
        if (s.status !== "available") throw new Error(`${at} is ${s.status}, not available: RDS restores only an available snapshot. Run pulumi up again when it is`);
        if (s.engine !== "aurora-postgresql") throw new Error(`${at} is ${s.engine}, not aurora-postgresql`);
        if (!s.storageEncrypted) throw new Error(`${at} is not encrypted: slipway restores only encrypted snapshots (into this stack's own key)`);
        const [mine, theirs] = [engineVersion, s.engineVersion].map((v) => v.split(".").map(Number));
        // The running staging cluster may have taken a minor upgrade past its config (autoMinorVersionUpgrade).
        if (mine[0] !== theirs[0] || mine[1] < theirs[1]) {
            throw new Error(`${at} is Aurora PostgreSQL ${s.engineVersion}, newer than this stack's ${engineVersion} (or another major): a cluster restores at the snapshot's version or later. Fix: pulumi config set --path 'slipway:database.engineVersion' ${s.engineVersion}`);
        }
        return s.id;
    });
}

/** The PostgreSQL database of one environment. */
export class Database extends pulumi.ComponentResource {
    readonly key: kms.Key;
    /** Kind serverless: the Aurora cluster and its writer. */
    readonly cluster?: rds.Cluster;
    readonly writer?: rds.ClusterInstance;
    /** Kind instance: the RDS for PostgreSQL DB instance. */
    readonly instance?: rds.Instance;
    /** The host the processes connect to: the cluster's writer endpoint, or the instance's address. */
    readonly host: pulumi.Output<string>;
    readonly securityGroup: ec2.SecurityGroup;
    /** Attach to every task that may connect (web, workers, release): the database admits this group only. */
    readonly clientSecurityGroup: ec2.SecurityGroup;
    readonly connectionSecret: secretsmanager.Secret;
    /** RDS's own secret holding the master user's password (rotated by RDS). */
    readonly masterSecretArn: pulumi.Output<string>;
    /** The master password's rotation schedule (Secrets Manager, on RDS's own secret). */
    readonly rotation: secretsmanager.SecretRotation;
    /** ECS task secrets (name, valueFrom): no value is in the task definition. */
    readonly taskSecrets: pulumi.Output<{ name: string; valueFrom: string }[]>;
    /**
     * Elastic Beanstalk environment secrets (aws:elasticbeanstalk:application:environmentsecrets): the option
     * name is the variable, the value a secret ARN with a top-level JSON key appended, `<arn>:<key>` (EB Developer
     * Guide, "Fetching secrets and parameters to Elastic Beanstalk environment variables", "Extracting JSON keys
     * from Secrets Manager secrets": platform versions released on or after 2026-01-13). No value is in the
     * environment's configuration.
     */
    readonly environmentSecrets: pulumi.Output<{ name: string; valueFrom: string }[]>;

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:Database", name, {}, opts);
        const protect = args.protect ?? false;
        const databaseName = args.databaseName ?? "app";
        const username = args.username ?? "app";
        const kept = { parent: this, protect };
        const instance = args.kind === "instance";

        this.key = new kms.Key(
            `${name}-key`,
            {
                description: `Storage of the ${args.identifier} ${instance ? "RDS instance" : "Aurora cluster"}`,
                enableKeyRotation: true,
                // 30 days (KMS's maximum) in production: a scheduled deletion can still be cancelled.
                deletionWindowInDays: protect ? 30 : 7,
                // KMS's default key policy, stated: the account administers the key, so access is what IAM
                // policies grant (KMS Developer Guide, "Default key policy"). RDS uses it through a grant.
                policy: jsonOutput({
                    Version: "2012-10-17",
                    Statement: [{ Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: args.accountRootArn }, Action: "kms:*", Resource: "*" }],
                }),
            },
            kept,
        );

        // Isolated: the route table has only the VPC's local route, so nothing in these subnets reaches out.
        const routes = new ec2.RouteTable(`${name}-isolated`, { vpcId: args.vpcId }, { parent: this });
        const subnets = args.subnets.map((s, i) => {
            const subnet = new ec2.Subnet(`${name}-isolated-${i}`, { vpcId: args.vpcId, cidrBlock: s.cidr, availabilityZone: s.availabilityZone, mapPublicIpOnLaunch: false }, { parent: this });
            new ec2.RouteTableAssociation(`${name}-isolated-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, { parent: this });
            return subnet;
        });
        // Named like the cluster, so the deploy policies name it by ARN (a new one must replace the old: delete first).
        const subnetGroup = new rds.SubnetGroup(
            `${name}-subnets`,
            { name: args.identifier, subnetIds: subnets.map((s) => s.id), description: `Isolated subnets of ${args.identifier}` },
            { parent: this, deleteBeforeReplace: true },
        );

        // A marker group with no rules: the tasks' own groups carry their egress; the database admits this one.
        this.clientSecurityGroup = new ec2.SecurityGroup(
            `${name}-clients`,
            { vpcId: args.vpcId, description: `Clients of ${args.identifier}: ${args.clients ?? "the app tasks"}`, ingress: [], egress: [] },
            { parent: this },
        );
        this.securityGroup = new ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: `${args.identifier}: PostgreSQL from ${args.clients ?? "the app tasks"} only`,
                ingress: [{ protocol: "tcp", fromPort: POSTGRES_PORT, toPort: POSTGRES_PORT, securityGroups: [this.clientSecurityGroup.id], description: `PostgreSQL from ${args.clients ?? "the app tasks"}` }],
                egress: [],
            },
            { parent: this },
        );

        // RDS exports the PostgreSQL log to /aws/rds/cluster/<id>/postgresql, making the group itself (no
        // retention, left behind on delete) unless it exists: declared first, it is kept for the stack's
        // retention and destroyed with a staging or review stack ("Publishing Aurora PostgreSQL logs to
        // Amazon CloudWatch Logs", Aurora User Guide).
        // A DB instance's goes to /aws/rds/instance/<id>/postgresql (contract.ts rdsLogGroupName), declared the same way.
        const logGroups = (instance ? RDS_POSTGRES_LOG_EXPORTS : AURORA_POSTGRES_LOG_EXPORTS).map(
            (log) => new cloudwatch.LogGroup(`${name}-${log}-logs`, { name: rdsLogGroupName(args.identifier, log, instance ? "instance" : "serverless"), retentionInDays: args.logRetentionDays ?? 30 }, kept),
        );
        let masterUserSecrets: pulumi.Output<{ secretArn?: string }[] | undefined>;
        let primary: pulumi.Resource;
        if (instance) {
            this.instance = new rds.Instance(
                `${name}-instance`,
                {
                    identifier: args.identifier,
                    engine: "postgres",
                    engineVersion: args.engineVersion,
                    instanceClass: args.instanceClass ?? "db.t4g.micro",
                    storageType: INSTANCE_STORAGE_TYPE,
                    allocatedStorage: args.allocatedStorage ?? 20,
                    dbName: databaseName,
                    username,
                    // RDS makes the password and keeps it in Secrets Manager (rds!db-<uuid>); Pulumi never sees it.
                    manageMasterUserPassword: true,
                    port: POSTGRES_PORT,
                    // storageEncrypted defaults to false (rds/instance.d.ts); kmsKeyId needs it.
                    storageEncrypted: true,
                    kmsKeyId: this.key.arn,
                    dbSubnetGroupName: subnetGroup.name,
                    vpcSecurityGroupIds: [this.securityGroup.id],
                    publiclyAccessible: false,
                    multiAz: args.multiAz ?? false,
                    backupRetentionPeriod: args.backupRetentionDays,
                    copyTagsToSnapshot: true,
                    iamDatabaseAuthenticationEnabled: args.iamAuthentication ?? false,
                    enabledCloudwatchLogsExports: [...RDS_POSTGRES_LOG_EXPORTS],
                    autoMinorVersionUpgrade: true,
                    allowMajorVersionUpgrade: false,
                    deletionProtection: protect,
                    // Without skipFinalSnapshot a delete needs a snapshot name (DeleteDBInstance FinalDBSnapshotIdentifier):
                    // production keeps one, other tiers delete cleanly.
                    skipFinalSnapshot: !protect,
                    finalSnapshotIdentifier: protect ? finalSnapshotIdentifier(args.identifier) : undefined,
                    applyImmediately: !protect,
                },
                // The identifier is fixed: a replacement cannot exist beside the old one (production refuses it: protect).
                { ...kept, dependsOn: logGroups, deleteBeforeReplace: true },
            );
            masterUserSecrets = this.instance.masterUserSecrets;
            primary = this.instance;
            this.host = this.instance.address;
        } else {
            if (args.minCapacity === undefined || args.maxCapacity === undefined) throw new Error(`${args.identifier}: a serverless database needs minCapacity and maxCapacity`);
            const pauses = args.minCapacity === 0;
            const snapshotIdentifier = args.restoreFrom ? sourceSnapshotIdentifier(args.restoreFrom, args.engineVersion, { parent: this }) : undefined;
            this.cluster = new rds.Cluster(
                `${name}-cluster`,
                {
                    clusterIdentifier: args.identifier,
                    engine: "aurora-postgresql",
                    // Serverless v2 is the provisioned engine mode with db.serverless instances ("serverless" is v1).
                    engineMode: "provisioned",
                    engineVersion: args.engineVersion,
                    databaseName,
                    masterUsername: username,
                    // RDS makes the password and keeps it in Secrets Manager; Pulumi never sees it.
                    manageMasterUserPassword: true,
                    port: POSTGRES_PORT,
                    // storageEncrypted defaults to false for the provisioned engine mode (provider docs).
                    storageEncrypted: true,
                    kmsKeyId: this.key.arn,
                    dbSubnetGroupName: subnetGroup.name,
                    vpcSecurityGroupIds: [this.securityGroup.id],
                    serverlessv2ScalingConfiguration: {
                        minCapacity: args.minCapacity,
                        maxCapacity: args.maxCapacity,
                        ...(pauses ? { secondsUntilAutoPause: args.secondsUntilAutoPause ?? 300 } : {}),
                    },
                    backupRetentionPeriod: args.backupRetentionDays,
                    copyTagsToSnapshot: true,
                    iamDatabaseAuthenticationEnabled: args.iamAuthentication ?? false,
                    enabledCloudwatchLogsExports: [...AURORA_POSTGRES_LOG_EXPORTS],
                    allowMajorVersionUpgrade: false,
                    deletionProtection: protect,
                    // Without skipFinalSnapshot a delete needs a snapshot name (DeleteDBCluster): production keeps
                    // one, other tiers delete cleanly.
                    skipFinalSnapshot: !protect,
                    finalSnapshotIdentifier: protect ? finalSnapshotIdentifier(args.identifier) : undefined,
                    // Production's changes wait for the maintenance window; elsewhere they apply at once.
                    applyImmediately: !protect,
                    // restoreFrom: RestoreDBClusterFromSnapshot instead of CreateDBCluster. The provider sends kmsKeyId as the
                    // restore's KmsKeyId, so staging's data is re-encrypted into this stack's key; manageMasterUserPassword, the
                    // scaling and backups follow in one ModifyDBCluster (cluster.go resourceClusterCreate): RDS makes this
                    // stack's own password and secret, and staging's master password does not carry over.
                    ...(snapshotIdentifier ? { snapshotIdentifier } : {}),
                },
                // snapshotIdentifier is ForceNew: the snapshot found at the next pulumi up is newer, and must not replace a live database.
                { ...kept, dependsOn: logGroups, ...(snapshotIdentifier ? { ignoreChanges: ["snapshotIdentifier"] } : {}) },
            );
            this.writer = new rds.ClusterInstance(
                `${name}-writer`,
                {
                    identifier: writerIdentifier(args.identifier),
                    clusterIdentifier: this.cluster.id,
                    instanceClass: "db.serverless",
                    engine: "aurora-postgresql",
                    engineVersion: this.cluster.engineVersion,
                    dbSubnetGroupName: subnetGroup.name,
                    publiclyAccessible: false,
                    autoMinorVersionUpgrade: true,
                    applyImmediately: !protect,
                },
                { ...kept, deleteBeforeReplace: true },
            );
            masterUserSecrets = this.cluster.masterUserSecrets;
            primary = this.writer;
            this.host = this.cluster.endpoint;
        }
        this.masterSecretArn = masterUserSecrets.apply((s) => {
            const arn = s?.[0]?.secretArn;
            if (!arn) throw new Error(`${args.identifier}: RDS returned no master user secret (manageMasterUserPassword)`);
            return arn;
        });

        // The schedule of RDS's managed rotation, on RDS's own secret: no Lambda (rotationLambdaArn "Must be supplied
        // if the secret is not managed by AWS"; secretsmanager/secretRotation.d.ts), only rotationRules (RotateSecret
        // RotationRules). After the writer: "AWS re-enables rotation once the instance finishes provisioning" otherwise
        // (rds/cluster.d.ts, "Disabling Master Password Rotation"). rotateImmediately false: a changed schedule waits
        // for its next window instead of rotating (and restarting the services) on every `pulumi up` that changes it.
        this.rotation = new secretsmanager.SecretRotation(
            `${name}-rotation`,
            { secretId: this.masterSecretArn, rotationRules: { automaticallyAfterDays: args.rotationDays ?? 7 }, rotateImmediately: false },
            { parent: this, dependsOn: [primary] },
        );

        // Not secret (no password): kept as a secret so that every connection detail reaches the tasks the same way.
        this.connectionSecret = new secretsmanager.Secret(
            `${name}-connection`,
            { name: `${args.secretNamePrefix}database`, description: `Connection to ${args.identifier} (no password: that is RDS's own secret)`, recoveryWindowInDays: protect ? 30 : 0 },
            kept,
        );
        const version = new secretsmanager.SecretVersion(
            `${name}-connection`,
            {
                secretId: this.connectionSecret.id,
                secretString: jsonOutput({ host: this.host, port: String(POSTGRES_PORT), dbname: databaseName, username }),
            },
            { parent: this },
        );
        const n = DATABASE_SECRET_NAMES;
        // Each variable: the secret holding it and its top-level JSON key. RDS's secret holds {"username", "password"}.
        const references = pulumi.all([this.connectionSecret.arn, this.masterSecretArn, version.versionId]).apply(([connection, master]) => [
            { name: n.host, arn: connection, key: "host" },
            { name: n.port, arn: connection, key: "port" },
            { name: n.dbname, arn: connection, key: "dbname" },
            { name: n.username, arn: connection, key: "username" },
            { name: n.password, arn: master, key: "password" },
        ]);
        // ECS takes one JSON key as <arn>:<key>:<version stage>:<version id> (empty: the current version).
        this.taskSecrets = references.apply((refs) => refs.map((r) => ({ name: r.name, valueFrom: `${r.arn}:${r.key}::` })));
        // Beanstalk takes <arn>:<key> (no version fields).
        this.environmentSecrets = references.apply((refs) => refs.map((r) => ({ name: r.name, valueFrom: `${r.arn}:${r.key}` })));
        this.registerOutputs({ endpoint: this.host, masterSecretArn: this.masterSecretArn, connectionSecretArn: this.connectionSecret.arn });
    }
}
