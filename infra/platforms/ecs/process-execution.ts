// The execution role of a worker or a job that chooses its secrets (`secrets`, `database: false`;
// process-secrets.ts): the ECS agent's identity for that process's tasks only. It carries the delivery stack's
// `execution-<process>` runtime policy (infra/delivery/stack-access.ts processExecutionStatements): pull the stack's
// images, write the stack's logs, and read only the process's own copy of the app's secrets (and the database's
// secrets, unless `database: false`). So IAM, not only the task definition, keeps the other values from it.
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { AwsContext } from "../../shared/aws-context";
import { serviceRole } from "../../shared/iam";

export interface ProcessExecutionRoleArgs {
    /** The process's family (`<app>-<stack>_<process>`), for the description. */
    family: string;
    /** The delivery stack's `execution-<process>` runtime policy (contract.ts runtimePolicyArn, processExecutionKind). */
    policyArn: pulumi.Input<string>;
    /** The stack's permissions boundary and role path, as every role of the stack. */
    permissionsBoundary: pulumi.Input<string>;
    rolePath: string;
    ctx: AwsContext;
}

/** One process's execution role, with its runtime policy attached. */
export class ProcessExecutionRole extends pulumi.ComponentResource {
    readonly role: iam.Role;

    constructor(name: string, args: ProcessExecutionRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:ProcessExecutionRole", name, {}, opts);
        this.role = serviceRole(
            `${name}-role`,
            { service: "ecs-tasks.amazonaws.com", description: `ECS agent for ${args.family}: pull its image, write its logs, read only its own secrets`, path: args.rolePath, accountId: args.ctx.accountId, permissionsBoundary: args.permissionsBoundary },
            { parent: this },
        );
        // The delivery stack owns the policy: the deploy role only attaches it.
        new iam.RolePolicyAttachment(`${name}-policy`, { role: this.role.name, policyArn: args.policyArn }, { parent: this });
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
