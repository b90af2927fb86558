// What an environment's workloads may do at run time (the ECS agent's execution role, the Beanstalk
// instance role), as managed policies the delivery stack owns. Environment stacks only attach them,
// so a GitHub deploy role never writes a permission: it may attach exactly these policies to its own
// stacks' roles, and nothing else (no iam:PutRolePolicy anywhere in the deploy roles).
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { arnOf, AwsContext } from "./aws-context";
import { policyDocument, Statement } from "./iam";
import { bundleBucketPrefix } from "./beanstalk-environment";
import { rolePath, renamedFrom } from "./names";

export type RuntimeKind = "task-execution" | "beanstalk-instance";
export const RUNTIME_KINDS: RuntimeKind[] = ["task-execution", "beanstalk-instance"];

/** Review stacks share one set of runtime policies; every other stack has its own. */
export function runtimePolicyStack(stack: string, tier: string): string {
    return tier === "review" ? "review" : stack;
}

/** The stack-name pattern a policy set covers: `review` covers every `review-*` stack. */
export function stackPattern(policyStack: string): string {
    return policyStack === "review" ? "review-*" : policyStack;
}

export function runtimePolicyName(app: string, policyStack: string, kind: RuntimeKind): string {
    return `${app}-${policyStack}-${kind}`;
}

/** The policy's ARN, known without a stack reference (IAM policy ARNs are path + name). */
export function runtimePolicyArn(ctx: AwsContext, app: string, policyStack: string, kind: RuntimeKind): pulumi.Output<string> {
    return pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:policy${rolePath(app)}${runtimePolicyName(app, policyStack, kind)}`;
}

/** The runtime permissions of one kind of workload role for the stacks matching `pattern`. */
export function runtimeStatements(app: string, pattern: string, kind: RuntimeKind, repositoryArn: pulumi.Input<string>, ctx: AwsContext): Statement[] {
    const statements: Statement[] = [
        // GetAuthorizationToken has no resource type: AWS requires "*".
        { Sid: "RegistryLogin", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
        { Sid: "PullAppImage", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: [repositoryArn] },
        // One JSON secret per environment, named slipway/<app>/<stack>/…
        { Sid: "ReadAppSecrets", Action: ["secretsmanager:GetSecretValue"], Resource: [arnOf(ctx, "secretsmanager", `secret:slipway/${app}/${pattern}/*`)] },
    ];
    if (kind === "task-execution") {
        statements.push({
            Sid: "WriteAppLogs",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [arnOf(ctx, "logs", `log-group:/slipway/${app}/${pattern}/*`)],
        });
    } else {
        // The instance fetches its application version's bundle (EB's own log streaming is in the managed web-tier policy).
        statements.push({ Sid: "ReadBundles", Action: ["s3:GetObject"], Resource: [pulumi.interpolate`arn:${ctx.partition}:s3:::${bundleBucketPrefix(app)}*/*`] });
    }
    return statements;
}

export interface RuntimePoliciesArgs {
    app: string;
    /** Policy stacks: each pipeline environment, plus `review` for every review stack. */
    stacks: string[];
    repositoryArn: pulumi.Input<string>;
    ctx: AwsContext;
}

/** Both kinds of runtime policy for every environment stack (free: IAM policies cost nothing). */
export class RuntimePolicies extends pulumi.ComponentResource {
    constructor(name: string, args: RuntimePoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:RuntimePolicies", name, {}, opts);
        for (const stack of args.stacks) {
            for (const kind of RUNTIME_KINDS) {
                new iam.Policy(
                    `${name}-${stack}-${kind}`,
                    {
                        name: runtimePolicyName(args.app, stack, kind),
                        path: rolePath(args.app),
                        description: `${kind} permissions of ${args.app}'s ${stackPattern(stack)} stack(s)`,
                        policy: policyDocument(runtimeStatements(args.app, stackPattern(stack), kind, args.repositoryArn, args.ctx)),
                    },
                    { parent: this, aliases: renamedFrom(`${stack}-${kind}`) },
                );
            }
        }
        this.registerOutputs({});
    }
}
