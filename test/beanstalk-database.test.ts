// slipway:database on Elastic Beanstalk (infra/platforms/beanstalk/database.ts): the same Database component as on
// ECS; the instances carry its clients group and get PG* as environment secrets (ARNs, never properties); after each
// rotation a state machine restarts the environment's app servers (RestartAppServer), which re-reads them. Simulated
// with the roles' real policies: the instance profile reads exactly its own cluster's password and connection, the
// restart role restarts exactly its own environment, and staging's roles (deploy, instances, restart) reach nothing
// of production's database. Each rule is broken on purpose here or in test/policy-rules.test.ts.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { MOCK_ACCOUNT, Plan } from "../tools/plan/mock-engine";
import { decide, Principal, principalOf, Request } from "../tools/check/iam-sim";
import { attackRequests, ownArns, StackView, tagContext } from "../tools/check/iam-requests";
import { DATABASE_IAM_USER_VARIABLE, STACK_TAG } from "../infra/contract";
import { RDS_CLUSTER_TAG } from "../infra/delivery/stack-access";
import { databaseSettings, DATABASE_SECRET_NAMES } from "../infra/config/database";
import { ENVIRONMENT_SECRETS_NAMESPACE, refreshDefinition } from "../infra/platforms/beanstalk/database";
import { rotationEventPattern } from "../infra/platforms/ecs/rotation-restart";
import { BEANSTALK_MANAGED_POLICIES } from "../infra/platforms/beanstalk/environment";
import { evaluate } from "../policy/evaluate";
import { RULES } from "../policy/rules";
import { one, planStack } from "./helpers";
import { rawConfig } from "./config-helpers";
import { DeliverySettings, parseSettings } from "../infra/config/settings";
import { decisions, plan, view } from "./iam-helpers";

const R = "us-east-1";
const A = MOCK_ACCOUNT;
const DELIVERY = "ebdb-delivery";
const STAGING = "ebdb-staging";
const PRODUCTION = "ebdb-production";
interface Setting {
    namespace: string;
    name: string;
    value: string;
}
const settingsOf = (p: Plan) => one(p, "aws:elasticbeanstalk/environment:Environment").inputs.settings as Setting[];
const clusterArn = (stack: string) => `arn:aws:rds:${R}:${A}:cluster:shop-${stack}`;

/** AWS's web-tier policy as granting nothing: what the instances read must come from slipway's own runtime policy. */
const NOTHING = { [BEANSTALK_MANAGED_POLICIES.webTier]: { Version: "2012-10-17", Statement: [] } };
async function role(stack: string, name: string): Promise<Principal> {
    const env = await plan(stack);
    return principalOf(env, name, [env, await plan(DELIVERY)], NOTHING, { [STACK_TAG]: `shop/${stack}` });
}

/** What EB does at instance bootstrap with the instance profile: GetSecretValue of each environment secret's secret. */
function bootstrapRequests(p: Plan, secretOf: (v: string) => { arn: string; context: Record<string, string | string[]> }): Request[] {
    return settingsOf(p)
        .filter((s) => s.namespace === ENVIRONMENT_SECRETS_NAMESPACE)
        .map((s) => {
            const { arn, context } = secretOf(s.value);
            return { action: "secretsmanager:GetSecretValue", resource: arn, context: { "aws:RequestedRegion": R, ...context }, why: `${p.stack}'s instance bootstrap resolves ${s.name}` };
        });
}
/** The secret ARN of an environment secret's value (`<arn>:<key>`), with the tags AWS sends for it. */
const secretOfStack = (stack: string) => (value: string) => {
    const arn = value.replace(/:[A-Za-z0-9_]+$/, "");
    // RDS's own secret carries RDS's tags; the connection secret the stack's.
    const context = arn.includes(":secret:rds!cluster-")
        ? { [`aws:ResourceTag/${RDS_CLUSTER_TAG}`]: clusterArn(stack), "aws:ResourceTag/aws:secretsmanager:owningService": "rds" }
        : tagContext(`shop/${stack}`, true, false);
    return { arn, context };
};
/** The call Step Functions makes with the restart role: RestartAppServer of the environment its definition names. */
function restartRequests(v: StackView): Request[] {
    const def = JSON.parse(String(one(v.plan, "aws:sfn/stateMachine:StateMachine").inputs.definition)) as { States: Record<string, { Parameters: { EnvironmentName: string } }> };
    return Object.values(def.States).map((s) => ({
        action: "elasticbeanstalk:RestartAppServer",
        resource: `arn:aws:elasticbeanstalk:${R}:${A}:environment/shop/${s.Parameters.EnvironmentName}`,
        context: { "aws:RequestedRegion": R, ...tagContext(v.tag, true, false) },
        why: `${v.plan.stack}'s restart of ${s.Parameters.EnvironmentName}`,
    }));
}

test("the delivery stack reads each target's and the review template's database platform", () => {
    const d = parseSettings(rawConfig(DELIVERY)) as DeliverySettings;
    assert.deepEqual(d.targets.map((t) => [t.stack, t.platform, t.database]), [[STAGING, "beanstalk", true], [PRODUCTION, "beanstalk", true]]);
    assert.equal(d.reviewDatabasePlatform, undefined, "the fixtures' review template has no database");
    const review = parseSettings(rawConfig(DELIVERY, {}, { review: { "slipway:role": "environment", "slipway:platform": "beanstalk", "slipway:database": JSON.stringify({ name: "shop" }) } })) as DeliverySettings;
    assert.deepEqual([review.reviewDatabase, review.reviewDatabasePlatform], [true, "beanstalk"]);
    const ecsReview = parseSettings(rawConfig(DELIVERY, {}, { review: { "slipway:role": "environment", "slipway:database": JSON.stringify({ name: "shop" }) } })) as DeliverySettings;
    assert.equal(ecsReview.reviewDatabasePlatform, "ecs");
});

test("an app setting or secret named like a database variable is refused before any resource, naming the key and the fix", async () => {
    const { rejects } = await import("./config-helpers");
    rejects(rawConfig(STAGING, { "slipway:appSettings": JSON.stringify({ APP_ENV: "staging", PGHOST: "db.example" }) }), "slipway:appSettings.PGHOST collides with slipway:database", "pulumi config rm --path 'slipway:appSettings.PGHOST' --stack ebdb-staging");
    // Without a database the name is the app's own.
    const s = parseSettings(rawConfig(STAGING, { "slipway:database": null, "slipway:appSettings": JSON.stringify({ PGHOST: "db.example" }) }));
    assert.equal((s as { appSettings: Record<string, string> }).appSettings.PGHOST, "db.example");
});

test("slipway:database is accepted on Beanstalk, with the same checks and tier defaults as on ECS", () => {
    const problems: string[] = [];
    const s = databaseSettings({ name: "shop" }, { platform: "beanstalk", tier: "staging", environmentName: "shop-ebdb-staging" }, STAGING, problems);
    assert.deepEqual(problems, []);
    assert.deepEqual([s?.minCapacity, s?.maxCapacity, s?.backupRetentionDays, s?.rotationDays], [0, 2, 1, 7]);
    const bad: string[] = [];
    assert.equal(databaseSettings({ maxCapacity: 300 }, { platform: "beanstalk", tier: "staging", environmentName: "shop-ebdb-staging" }, STAGING, bad), undefined);
    assert.ok(bad.some((p) => /slipway:database\.maxCapacity = 300 .*Fix: pulumi config set --path 'slipway:database\.maxCapacity'/.test(p)), bad.join("\n"));
});

for (const stack of [STAGING, PRODUCTION]) {
    test(`${stack}: the instances carry the clients group, the database admits only it, and PG* are environment secrets by ARN`, async () => {
        const p = await plan(stack);
        const settings = settingsOf(p);
        const clients = one(p, "aws:ec2/securityGroup:SecurityGroup", "database-clients");
        assert.deepEqual(clients.inputs.ingress, [], "a marker group: no rules of its own");
        const groups = settings.filter((s) => s.namespace === "aws:autoscaling:launchconfiguration" && s.name === "SecurityGroups");
        assert.equal(groups.length, 1, "the instances' launch template gets one more group");
        assert.match(String(clients.inputs.description), /the Beanstalk instances/);
        const dbGroup = one(p, "aws:ec2/securityGroup:SecurityGroup", "database-sg");
        const ingress = dbGroup.inputs.ingress as { fromPort: number; securityGroups: string[]; cidrBlocks?: string[] }[];
        // The database's only source is the group the instances carry (the Database component's clients group).
        assert.deepEqual(ingress.map((i) => [i.fromPort, i.securityGroups, i.cidrBlocks ?? []]), [[5432, [groups[0].value], []]], "PostgreSQL from the instances' clients group only");
        const secrets = Object.fromEntries(settings.filter((s) => s.namespace === ENVIRONMENT_SECRETS_NAMESPACE).map((s) => [s.name, s.value]));
        assert.deepEqual(Object.keys(secrets).sort(), Object.values(DATABASE_SECRET_NAMES).sort());
        const connection = `arn:aws:secretsmanager:${R}:${A}:secret:slipway/shop/${stack}/database-`;
        for (const [name, key] of [["PGHOST", "host"], ["PGPORT", "port"], ["PGDATABASE", "dbname"], ["PGUSER", "username"]]) {
            assert.ok(secrets[name].startsWith(connection) && secrets[name].endsWith(`:${key}`), `${name} = ${secrets[name]}`);
        }
        // RDS's own secret of this cluster, its password key (EB's <arn>:<key> form, not ECS' <arn>:<key>::).
        const master = String(p.outputs.databaseSecretArn);
        assert.equal(secrets.PGPASSWORD, `${master}:password`);
        // Nothing of the database's connection in plain properties (PGUSER_IAM, a user name, is production's with
        // iamAuthentication: test/beanstalk-database-iam.test.ts), and no password anywhere in the plan.
        const properties = settings.filter((s) => s.namespace === "aws:elasticbeanstalk:application:environment");
        assert.deepEqual(properties.filter((s) => (/^PG/.test(s.name) && s.name !== DATABASE_IAM_USER_VARIABLE) || s.value.includes("rds!cluster")), []);
        assert.ok(!/masterPassword/.test(JSON.stringify(p.resources)));
    });

    test(`${stack}: after RDS rotates its own secret, a state machine restarts the environment's app servers`, async () => {
        const p = await plan(stack);
        const env = one(p, "aws:elasticbeanstalk/environment:Environment");
        const machine = one(p, "aws:sfn/stateMachine:StateMachine");
        assert.equal(machine.inputs.definition, refreshDefinition("aws", String(env.inputs.name)));
        const def = JSON.parse(String(machine.inputs.definition)) as { States: Record<string, { Resource: string; Parameters: Record<string, string>; Retry: unknown[] }> };
        const states = Object.values(def.States);
        assert.deepEqual(states.map((s) => [s.Resource, s.Parameters]), [["arn:aws:states:::aws-sdk:elasticbeanstalk:restartAppServer", { EnvironmentName: `shop-${stack}` }]]);
        // The definition names the environment's name output: the machine follows the environment (an input dependency).
        const master = String(p.outputs.databaseSecretArn);
        assert.deepEqual(JSON.parse(String(one(p, "aws:cloudwatch/eventRule:EventRule").inputs.eventPattern)), rotationEventPattern(master));
        assert.equal(one(p, "aws:cloudwatch/eventTarget:EventTarget").inputs.arn, ownArns(machine, view(p))[0].arn);
        const rotation = one(p, "aws:secretsmanager/secretRotation:SecretRotation");
        assert.equal(rotation.inputs.secretId, master);
        assert.deepEqual(rotation.inputs.rotationRules, { automaticallyAfterDays: stack === PRODUCTION ? 30 : 7 });
        assert.equal(p.outputs.databaseRotationRestart, `shop-${stack}-db-rotation`);
    });

    test(`${stack}'s instance profile reads exactly its own cluster's password and connection, under its boundary, with no KMS grant`, async () => {
        const p = await plan(stack);
        const instance = await role(stack, "app-instance");
        assert.ok(instance.boundary);
        const own = bootstrapRequests(p, secretOfStack(stack));
        assert.equal(own.length, 5);
        assert.deepEqual(await decisions(instance, own, "Allowed"), []);
        // The same ARNs tagged as another cluster's (production's password, if staging named it), or untagged: refused.
        const other = stack === STAGING ? PRODUCTION : STAGING;
        const foreign = bootstrapRequests(p, (v) => {
            const s = secretOfStack(stack)(v);
            return s.arn.includes("rds!cluster-") ? { arn: s.arn, context: { ...s.context, [`aws:ResourceTag/${RDS_CLUSTER_TAG}`]: clusterArn(other) } } : s;
        }).filter((r) => r.resource.includes("rds!cluster-"));
        assert.deepEqual(await decisions(instance, foreign, "denied"), []);
        // Secrets Manager's AWS-managed key encrypts both secrets: EB needs kms:Decrypt only for a customer key.
        const policy = JSON.parse(String(one(await plan(DELIVERY), "aws:iam/policy:Policy", `runtime-policies-${stack}-beanstalk-instance`).inputs.policy)) as { Statement: { Sid: string; Action: string[] }[] };
        assert.ok(!policy.Statement.some((s) => [s.Action].flat().some((a) => a.startsWith("kms:"))), "no KMS action in the instance policy");
        assert.ok(policy.Statement.some((s) => s.Sid === "ReadOwnDatabasePassword"));
        // …and the stack's ECS agent policy (unused on Beanstalk) gets no database read.
        assert.ok(!String(one(await plan(DELIVERY), "aws:iam/policy:Policy", `runtime-policies-${stack}-task-execution`).inputs.policy).includes("rds!cluster"));
        assert.ok(one(p, "aws:rds/cluster:Cluster").inputs.masterUserSecretKmsKeyId === undefined, "RDS keeps the password under the AWS-managed key");
    });

    test(`${stack}'s restart role restarts exactly its own environment; the trigger role starts exactly its own restart`, async () => {
        const v = view(await plan(stack));
        const restart = await role(stack, "db-rotation-restart-role");
        assert.ok(restart.boundary);
        assert.deepEqual(await decisions(restart, restartRequests(v), "Allowed"), []);
        const other = view(await plan(stack === STAGING ? PRODUCTION : STAGING));
        assert.deepEqual(await decisions(restart, restartRequests(other), "denied"), [], "not the other stack's environment");
        // Even granted RestartAppServer on everything, the boundary keeps it from another stack's environment.
        const wide: Principal = { ...restart, policies: [{ name: "everything", doc: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["elasticbeanstalk:RestartAppServer"], Resource: "*" }] } }] };
        assert.deepEqual(await decisions(wide, restartRequests(other).map((r) => ({ ...r, context: { ...r.context, ...tagContext(other.tag, true, false) } })), "denied"), []);
        // Exactly what AWS documents each role needs (policy/data/service-role-needs.json), no more: no ECS restart here.
        const granted = (x: Principal) => x.policies.flatMap((d) => (d.doc.Statement as { Action: string | string[] }[]).flatMap((st) => [st.Action].flat()));
        assert.deepEqual(granted(restart), ["elasticbeanstalk:RestartAppServer"]);
        const trigger = await role(stack, "db-rotation-trigger-role");
        assert.deepEqual(granted(trigger), ["states:StartExecution"]);
        const machine = one(v.plan, "aws:sfn/stateMachine:StateMachine");
        const start: Request = { action: "states:StartExecution", resource: ownArns(machine, v)[0].arn, context: { "aws:RequestedRegion": R, ...tagContext(v.tag, true, false) }, why: "RotationSucceeded" };
        assert.equal(await decide(trigger, start), "Allowed");
        assert.notEqual(await decide(trigger, restartRequests(v)[0]), "Allowed");
    });
}

test("the restart role's Beanstalk right is what lets it run: without it RestartAppServer is denied, and ECS database stacks get none", async () => {
    const d = await plan(DELIVERY);
    const env = await plan(STAGING);
    const name = `runtime-policies-${STAGING}-db-rotation-restart`;
    const dropped: Plan = {
        ...d,
        resources: d.resources.map((r) => {
            if (r.type !== "aws:iam/policy:Policy" || r.name !== name) return r;
            const doc = JSON.parse(String(r.inputs.policy)) as { Statement: { Sid?: string }[] };
            const before = doc.Statement.length;
            doc.Statement = doc.Statement.filter((s) => s.Sid !== "RestartOwnBeanstalkAppServers");
            assert.equal(before - doc.Statement.length, 1);
            return { ...r, inputs: { ...r.inputs, policy: JSON.stringify(doc) } };
        }),
    };
    const restart = principalOf(env, "db-rotation-restart-role", [env, dropped], {}, { [STACK_TAG]: `shop/${STAGING}` });
    const denied = await decisions(restart, restartRequests(view(env)), "Allowed");
    assert.match(denied.join("\n"), /elasticbeanstalk:RestartAppServer .* is ImplicitlyDenied/);
    // The ECS database pipeline's policies are as before: no Beanstalk restart, no instance read of RDS's secret.
    const ecs = await planStack("database-delivery");
    const text = (n: string) => String(one(ecs, "aws:iam/policy:Policy", n).inputs.policy);
    assert.ok(!text("runtime-policies-database-staging-db-rotation-restart").includes("RestartAppServer"));
    assert.ok(!text("runtime-policies-database-staging-beanstalk-instance").includes("rds!cluster"));
});

test("staging's deploy role can change nothing of the Beanstalk production database, its restart or its environment (and the reverse)", async () => {
    const d = await plan(DELIVERY);
    for (const [attacker, victim] of [[STAGING, PRODUCTION], [PRODUCTION, STAGING]]) {
        const deployer = principalOf(d, `github-oidc-deploy-${attacker}`, [d], {}, { [STACK_TAG]: `shop/${DELIVERY}` });
        const requests = await attackRequests(view(await plan(victim)), `shop/${attacker}`);
        for (const [action, resource] of [
            ["rds:DeleteDBCluster", clusterArn(victim)],
            ["rds:ModifyDBCluster", clusterArn(victim)],
            ["rds:CreateDBClusterSnapshot", clusterArn(victim)],
            ["states:UpdateStateMachine", `arn:aws:states:${R}:${A}:stateMachine:shop-${victim}-db-rotation`],
            ["elasticbeanstalk:UpdateEnvironment", `arn:aws:elasticbeanstalk:${R}:${A}:environment/shop/shop-${victim}`],
        ]) {
            assert.ok(requests.some((r) => r.action === action && r.resource === resource), `an attack with ${action} on ${resource} is simulated`);
        }
        assert.deepEqual(await decisions(deployer, requests, "denied"), [], `${attacker}'s deploy role against ${victim}`);
    }
});

test("production keeps its database and backs it up before each release; staging destroys cleanly", async () => {
    const prod = await plan(PRODUCTION);
    const cluster = one(prod, "aws:rds/cluster:Cluster");
    assert.equal(cluster.inputs.deletionProtection, true);
    assert.equal(cluster.inputs.skipFinalSnapshot, false);
    assert.equal(cluster.inputs.finalSnapshotIdentifier, "shop-ebdb-production-final");
    for (const n of ["database-cluster", "database-writer", "database-key", "database-connection"]) assert.equal(prod.resources.find((r) => r.name === n && r.custom)?.protect, true, n);
    const staging = one(await plan(STAGING), "aws:rds/cluster:Cluster");
    assert.deepEqual([staging.inputs.deletionProtection, staging.inputs.skipFinalSnapshot], [false, true]);
    // The pipeline's production stage opens with the Backup action, before the Beanstalk deploy; staging's takes none.
    const pipeline = one(await plan(DELIVERY), "aws:codepipeline/pipeline:Pipeline");
    const stages = pipeline.inputs.stages as { name: string; actions: { name: string; runOrder?: number; provider: string; configuration: Record<string, string> }[] }[];
    const production = stages.find((s) => s.actions.some((a) => a.provider === "ElasticBeanstalk" && a.configuration.EnvironmentName === "shop-ebdb-production"));
    assert.ok(production, "the production stage deploys the Beanstalk environment");
    const backup = production.actions.find((a) => a.name === "Backup");
    const deploy = production.actions.find((a) => a.provider === "ElasticBeanstalk");
    assert.ok(backup && deploy && (backup.runOrder ?? 1) < (deploy.runOrder ?? 1), "Backup runs before the deploy");
    assert.match(backup.configuration.EnvironmentVariables, /"CLUSTER_ID","value":"shop-ebdb-production"|"value":"shop-ebdb-production","name":"CLUSTER_ID"|shop-ebdb-production/);
    const staged = stages.find((s) => s.actions.some((a) => a.provider === "ElasticBeanstalk" && a.configuration.EnvironmentName === "shop-ebdb-staging"));
    assert.ok(staged && !staged.actions.some((a) => a.name === "Backup"));
});

test("the Backup action's role snapshots the Beanstalk production's cluster and its pre-release snapshots, nothing of staging's", async () => {
    const snapshotRole = principalOf(await plan(DELIVERY), "db-snapshot-role");
    const rds = (action: string, resource: string): Request => ({ action, resource: `arn:aws:rds:${R}:${A}:${resource}`, context: { "aws:RequestedRegion": R }, why: action });
    const snap = "cluster-snapshot:shop-ebdb-production-pre-20261202043000";
    for (const q of [rds("rds:CreateDBClusterSnapshot", "cluster:shop-ebdb-production"), rds("rds:CreateDBClusterSnapshot", snap), rds("rds:AddTagsToResource", snap), rds("rds:DeleteDBClusterSnapshot", snap)]) {
        assert.equal(await decide(snapshotRole, q), "Allowed", `${q.action} on ${q.resource}`);
    }
    for (const q of [rds("rds:CreateDBClusterSnapshot", "cluster:shop-ebdb-staging"), rds("rds:DeleteDBCluster", "cluster:shop-ebdb-production"), rds("rds:DeleteDBClusterSnapshot", "cluster-snapshot:shop-ebdb-production-final")]) {
        assert.notEqual(await decide(snapshotRole, q), "Allowed", `${q.action} on ${q.resource} must be denied`);
    }
});

test("the policy pack catches a Beanstalk database stack whose password is a plain property or whose app servers are never restarted", async () => {
    const p = await plan(STAGING);
    const run = async (resources: Plan["resources"]) =>
        (await evaluate(RULES.filter((x) => x.name.startsWith("eb-database-")), resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, protect: r.protect ?? false })), {})).violations;
    assert.deepEqual(await run(p.resources), []);
    const leaked = p.resources.map((r) =>
        r.type === "aws:elasticbeanstalk/environment:Environment"
            ? { ...r, inputs: { ...r.inputs, settings: [...(r.inputs.settings as Setting[]), { namespace: "aws:elasticbeanstalk:application:environment", name: "PGPASSWORD", value: "hunter2" }] } }
            : r,
    );
    assert.match(JSON.stringify(await run(leaked)), /eb-database-secrets-by-reference/);
    const unrestarted = p.resources.filter((r) => r.type !== "aws:sfn/stateMachine:StateMachine");
    assert.match(JSON.stringify(await run(unrestarted)), /eb-database-rotation-refreshes-instances/);
});
