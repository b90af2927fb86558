// The roles the ops commands run with (npm run metrics, status, rollback; tools/ops/): read-only access to
// this app's pipeline, its environments' verified image tags and release alarms, and a second role that
// may also roll back the production stage. Every action below is one tools/ops/ calls (test/ops-role.test.ts
// runs the commands against recorded responses and simulates each call they make against these roles).
//
// Who may assume them: the principals named in slipway:opsPrincipals, or, when none are, the account
// itself (arn:…:root) with aws:MultiFactorAuthPresent: a principal of the account then still needs its own
// identity policy allowing sts:AssumeRole on the role (IAM User Guide, "How IAM roles differ from
// resource-based policies": a role trusting its account delegates the decision to the account's
// identity policies), and a session signed in with MFA. Named principals get no MFA condition: IAM
// Identity Center (SSO) sessions carry no aws:MultiFactorAuthPresent (their MFA happens at sign-in), so
// the condition would lock them out; naming them is the restriction.
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { accountRootArn, arnOf, AwsContext } from "../shared/aws-context";
import { policyDocument, Statement } from "../shared/iam";
import { alarmNamePrefix, imageTagParameter, stageName } from "../contract";
import { jsonOutput } from "../shared/json";

/** What the read-only ops role may call, by what tools/ops/ calls it for. */
export const OPS_READ_ACTIONS = {
    /** history.ts (executions, actions), stack.ts (the declaration, the tag lookup), status/rollback (stage states). */
    pipeline: ["codepipeline:GetPipeline", "codepipeline:GetPipelineState", "codepipeline:ListPipelineExecutions", "codepipeline:ListActionExecutions", "codepipeline:ListTagsForResource"],
    /** stack.ts pipelineName without --pipeline: ListPipelines has no resource type (service authorization reference). */
    list: ["codepipeline:ListPipelines"],
    /** status-command.ts: each environment's verified commit. */
    parameters: ["ssm:GetParameters"],
    /** status-command.ts: release alarms in ALARM (metric alarms only, so the alarm names scope it). */
    alarms: ["cloudwatch:DescribeAlarms"],
} as const;

export interface OpsAccessArgs {
    app: string;
    /** The pipeline the commands read. */
    pipelineArn: pulumi.Input<string>;
    /** The environment stacks the pipeline deploys, and which are production-tier (their stages may be rolled back). */
    targets: { stack: string; production: boolean }[];
    /** IAM principal ARNs that may assume the roles; empty: the account's own principals, with MFA. @default [] */
    principals?: string[];
    /** Declare the rollback role (RollbackStage on the production stages). @default true */
    rollback?: boolean;
    /** The app's delivery role path. */
    rolePath: string;
    ctx: AwsContext;
}

/** The ops roles' trust policy: the named principals, or the account with MFA. */
export function opsTrustPolicy(ctx: AwsContext, principals: string[]): pulumi.Output<string> {
    const statement = principals.length
        ? { Sid: "NamedOpsPrincipals", Effect: "Allow", Principal: { AWS: principals }, Action: "sts:AssumeRole" }
        : {
              Sid: "AccountPrincipalsWithMfa",
              Effect: "Allow",
              Principal: { AWS: accountRootArn(ctx) },
              Action: "sts:AssumeRole",
              Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
          };
    return jsonOutput({ Version: "2012-10-17", Statement: [statement] });
}

/** The read-only ops role's statements. */
export function opsReadStatements(a: Pick<OpsAccessArgs, "app" | "pipelineArn" | "targets" | "ctx">): Statement[] {
    const { ctx } = a;
    return [
        { Sid: "ReadPipeline", Action: [...OPS_READ_ACTIONS.pipeline], Resource: [a.pipelineArn] },
        { Sid: "ListPipelines", Action: [...OPS_READ_ACTIONS.list], Resource: ["*"] },
        {
            Sid: "ReadVerifiedImageTags",
            Action: [...OPS_READ_ACTIONS.parameters],
            // Parameter ARNs drop the name's leading slash (service authorization reference, parameter).
            Resource: a.targets.map((t) => arnOf(ctx, "ssm", `parameter${imageTagParameter(a.app, t.stack)}`)),
        },
        {
            Sid: "ReadReleaseAlarms",
            Action: [...OPS_READ_ACTIONS.alarms],
            Resource: a.targets.map((t) => arnOf(ctx, "cloudwatch", `alarm:${alarmNamePrefix(a.app, t.stack)}*`)),
        },
    ];
}

/** The rollback role's extra statement: RollbackStage on the production stages only (the action's resource is the stage). */
export function opsRollbackStatement(a: Pick<OpsAccessArgs, "pipelineArn" | "targets">): Statement | undefined {
    const stages = a.targets.filter((t) => t.production).map((t) => pulumi.interpolate`${a.pipelineArn}/${stageName(t.stack)}`);
    return stages.length ? { Sid: "RollBackProduction", Action: ["codepipeline:RollbackStage"], Resource: stages } : undefined;
}

/**
 * The ops roles: `<name>-read` (metrics and status) and, unless `rollback` is false or no stage is
 * production-tier, `<name>-rollback` (the same reads plus RollbackStage on the production stages).
 * Sessions last at most an hour.
 */
export class OpsAccess extends pulumi.ComponentResource {
    readonly readRole: iam.Role;
    readonly rollbackRole?: iam.Role;

    constructor(name: string, args: OpsAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:OpsAccess", name, {}, opts);
        const trust = opsTrustPolicy(args.ctx, args.principals ?? []);
        const reads = opsReadStatements(args);
        this.readRole = new iam.Role(
            `${name}-read`,
            { path: args.rolePath, description: `${args.app}'s ops commands (npm run metrics, status): read the pipeline, image tags and release alarms`, assumeRolePolicy: trust, maxSessionDuration: 3600 },
            { parent: this },
        );
        new iam.RolePolicy(`${name}-read-policy`, { role: this.readRole.id, policy: policyDocument(reads) }, { parent: this });
        const rollback = opsRollbackStatement(args);
        if ((args.rollback ?? true) && rollback) {
            this.rollbackRole = new iam.Role(
                `${name}-rollback`,
                { path: args.rolePath, description: `${args.app}'s npm run rollback: the ops reads, and RollbackStage on the production stage`, assumeRolePolicy: trust, maxSessionDuration: 3600 },
                { parent: this },
            );
            new iam.RolePolicy(`${name}-rollback-policy`, { role: this.rollbackRole.id, policy: policyDocument([...reads, rollback]) }, { parent: this });
        }
        this.registerOutputs({ readRoleArn: this.readRole.arn, rollbackRoleArn: this.rollbackRole?.arn });
    }
}
