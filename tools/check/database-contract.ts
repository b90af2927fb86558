// The database's part of the contract between a delivery stack and an environment with slipway:database
// (docs/database.md): the cluster, the rotation restart and, on Beanstalk, the environment the restart names are
// the ones the delivery stack's policies and pipeline name. A rename on one side would leave the deploy role
// unable to manage the cluster, the pre-release backup snapshotting nothing, the instances or tasks without
// their password, or the restart restarting nothing. Called by contractProblems (./contract.ts).
import type { Plan, PlannedResource } from "../plan/mock-engine";
import { physicalNameOf } from "../plan/identities";
import { managedPolicyName, ROTATION_RESTART_KIND, STAGE_ACTIONS } from "../../infra/contract";

/**
 * The runtime policy kinds of the workloads that read the password: ECS_RUNTIME_KIND (infra/platforms/ecs/index.ts)
 * and BEANSTALK_RUNTIME_KIND (infra/platforms/beanstalk/index.ts), written out: those modules load @pulumi/aws,
 * which the checks keep out (test/aws-limits.test.ts).
 */
export const PASSWORD_READER_KINDS = { ecs: "task-execution", beanstalk: "beanstalk-instance" } as const;

type Statement = { Effect?: string; Action?: string | string[]; Resource?: string | string[]; Condition?: Record<string, Record<string, string | string[]>> };
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.custom && r.type === type);
const statementsOf = (r: PlannedResource | undefined): Statement[] => (r && typeof r.inputs.policy === "string" ? ((JSON.parse(r.inputs.policy) as { Statement: Statement[] }).Statement ?? []) : []);

export interface DatabaseContractInput {
    delivery: Plan;
    env: Plan;
    region: string;
    app: string;
    /** The account the plans' ARNs use (the mock engine's). */
    account: string;
    /** The pipeline's actions of the delivery plan (stage, name, configuration). */
    actions: { stage: string; name: string; provider: string; configuration: Record<string, string> }[];
    iamMatch: (pattern: string, value: string) => boolean;
}

/** The disagreements about `env`'s database, each naming both sides. */
export function databaseContractProblems({ delivery, env, region, app, account, actions, iamMatch }: DatabaseContractInput): string[] {
    // Kind serverless declares an Aurora cluster; kind instance one RDS DB instance (the same identifier, db:<id>).
    const instance = ofType(env, "aws:rds/instance:Instance")[0];
    const cluster = ofType(env, "aws:rds/cluster:Cluster")[0] ?? instance;
    if (!cluster) return [];
    const noun = instance ? "instance" : "cluster";
    const problems: string[] = [];
    const stack = env.stack;
    const policyStack = stack.startsWith("review") ? "review" : stack;
    const where = (what: string) => `${delivery.stack} ↔ ${stack}: ${what}`;
    const policy = (concern: string) => ofType(delivery, "aws:iam/policy:Policy").find((p) => p.inputs.name === managedPolicyName(app, policyStack, concern));
    const allows = (p: PlannedResource | undefined, action: string, arn: string) =>
        statementsOf(p).some((st) => (st.Effect ?? "Allow") === "Allow" && list(st.Action).some((a) => iamMatch(a, action)) && list(st.Resource).some((r) => iamMatch(r, arn)));
    const id = String(instance ? instance.inputs.identifier : cluster.inputs.clusterIdentifier);
    const clusterArn = `arn:aws:rds:${region}:${account}:${instance ? "db" : "cluster"}:${id}`;
    const secretTag = instance ? "aws:ResourceTag/aws:rds:primaryDBInstanceArn" : "aws:ResourceTag/aws:rds:primaryDBClusterArn";

    // The deploy role manages exactly this cluster (database-policy.ts names it by ARN).
    const deploy = policy("deploy-database");
    if (!deploy) problems.push(where(`the stack declares ${noun} ${id}, but the delivery stack gives its deploy role no ${managedPolicyName(app, policyStack, "deploy-database")} policy (does Pulumi.${stack}.yaml set slipway:database?)`));
    else if (!allows(deploy, instance ? "rds:ModifyDBInstance" : "rds:ModifyDBCluster", clusterArn)) problems.push(where(`the deploy role's database policy does not name ${noun} ${id} (${clusterArn})`));

    // The pre-release backup snapshots this cluster.
    const backup = actions.find((a) => a.name === STAGE_ACTIONS.backup && a.stage.toLowerCase() === stack.toLowerCase());
    if (backup) {
        const variables = JSON.parse(backup.configuration.EnvironmentVariables ?? "[]") as { name: string; value: string }[];
        const target = variables.find((v) => v.name === (instance ? "DB_INSTANCE_ID" : "CLUSTER_ID"))?.value;
        if (target !== id) problems.push(where(`the pipeline's Backup action snapshots ${noun} ${target ?? "(none)"}; the stack's ${noun} is ${id}`));
    }

    // The workload that reads the password (ECS agent or Beanstalk instances) reads this cluster's, by RDS's tag.
    const runtimeKind = ofType(env, "aws:elasticbeanstalk/environment:Environment").length ? PASSWORD_READER_KINDS.beanstalk : PASSWORD_READER_KINDS.ecs;
    const reads = statementsOf(policy(runtimeKind)).some(
        (st) => list(st.Action).includes("secretsmanager:GetSecretValue") && Object.values(st.Condition ?? {}).some((c) => list(c[secretTag]).some((v) => iamMatch(v, clusterArn))),
    );
    if (!reads) problems.push(where(`the ${managedPolicyName(app, policyStack, runtimeKind)} policy reads no password of ${noun} ${id} (RDS's secret tagged ${secretTag.replace("aws:ResourceTag/", "")} = ${clusterArn})`));

    // The restart: the deploy role may change the state machine the stack declares; on Beanstalk it restarts the stack's environment.
    for (const machine of ofType(env, "aws:sfn/stateMachine:StateMachine")) {
        const name = physicalNameOf(machine.name, machine.inputs);
        const arn = `arn:aws:states:${region}:${account}:stateMachine:${name}`;
        if (!allows(policy("deploy-database-support"), "states:UpdateStateMachine", arn)) problems.push(where(`the stack's rotation restart ${name} is not the state machine the deploy role may change`));
        const definition = typeof machine.inputs.definition === "string" ? (JSON.parse(machine.inputs.definition) as { States?: Record<string, { Resource?: string; Parameters?: Record<string, unknown> }> }) : {};
        for (const st of Object.values(definition.States ?? {})) {
            if (!/:aws-sdk:elasticbeanstalk:restartAppServer$/.test(String(st.Resource))) continue;
            const environment = String(st.Parameters?.EnvironmentName);
            const eb = ofType(env, "aws:elasticbeanstalk/environment:Environment").find((e) => e.inputs.name === environment);
            if (!eb) {
                problems.push(where(`the rotation restart restarts Beanstalk environment ${environment}, which the stack does not declare`));
                continue;
            }
            const envArn = `arn:aws:elasticbeanstalk:${region}:${account}:environment/${String(eb.inputs.application)}/${environment}`;
            if (!allows(policy(ROTATION_RESTART_KIND), "elasticbeanstalk:RestartAppServer", envArn)) problems.push(where(`the ${managedPolicyName(app, policyStack, ROTATION_RESTART_KIND)} policy may not restart ${envArn}`));
        }
    }
    return problems;
}
