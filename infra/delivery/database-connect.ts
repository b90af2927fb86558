// IAM database authentication (slipway:database.iamAuthentication, ECS and Elastic Beanstalk): the `db-connect`
// runtime policy of a policy stack, and the boundary's allowance of exactly that. Written by the delivery stack (a
// deploy role never writes a permission); the environment attaches it to the task roles of the processes that use
// the database (ECS) or to the instance role (Beanstalk: infra/platforms/beanstalk/index.ts).
//
// The grant names the database user, not the cluster: `rds-db:connect` takes the resource
// `arn:${Partition}:rds-db:${Region}:${Account}:dbuser:${DbiResourceId}/${DbUserName}` (Service Authorization
// Reference, "Actions, resources, and condition keys for Amazon RDS IAM Authentication"), and the cluster's
// DbiResourceId (`cluster-XXXX`) exists only after the environment's first `pulumi up`, while this policy is written
// before it. So the resource id is `*` (the RDS User Guide's "Creating and using an IAM policy for IAM database
// access" shows `dbuser:*/…` patterns) and the user is the stack's own, databaseIamUser(app, stack): another
// stack's user is another name, and another stack's tasks cannot reach this cluster's security group (database-sg
// admits only the stack's own database-clients group). Both hold; neither alone would.
import { arnOf, AwsContext } from "../shared/aws-context";
import type { Statement } from "../shared/iam";
import { databaseIamUser } from "../contract";

/** `arn:<partition>:rds-db:<region>:<account>:dbuser:*` + `/<user>`, for the stacks matching `pattern` (review: `<app>__review_*`). */
export function databaseUserArn(app: string, pattern: string, ctx: AwsContext) {
    return arnOf(ctx, "rds-db", `dbuser:*/${databaseIamUser(app, pattern)}`);
}

/** The `db-connect` runtime policy: connect as the stack's own database user, on any cluster of the region (the user is the scope). */
export function databaseConnectStatements(app: string, pattern: string, ctx: AwsContext): Statement[] {
    return [{ Sid: "ConnectAsOwnDatabaseUser", Action: ["rds-db:connect"], Resource: [databaseUserArn(app, pattern, ctx)] }];
}

/** The boundary's allowance: exactly that (the boundary's WorkloadServices has no rds-db action, so nothing else connects). */
export function databaseConnectBoundaryStatements(app: string, pattern: string, ctx: AwsContext): Statement[] {
    return [{ Sid: "DatabaseConnectOwnUser", Action: ["rds-db:connect"], Resource: [databaseUserArn(app, pattern, ctx)] }];
}
