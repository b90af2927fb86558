// slipway:database on Elastic Beanstalk: the same Database component as on ECS (infra/environment/database.ts),
// reached by the environment's instances, which carry its clients group, with the connection as environment
// secrets; and, after each rotation of the master password, a restart of the environment's app servers so the
// instances read the new one.
//
// AWS facts this depends on (EB Developer Guide):
// - "General options for all environments" (command-options-general): aws:elasticbeanstalk:application:environmentsecrets,
//   OptionName "the name of the environment variable to hold the secret store or parameter store value", Value "the
//   ARN for the value stored in AWS Secrets Manager or AWS Systems Manager Parameter Store. During instance
//   bootstrapping Elastic Beanstalk initiates the environment variable to the value stored in this ARN resource."
//   aws:autoscaling:launchconfiguration SecurityGroups: "the Amazon EC2 security group IDs to assign to the EC2
//   instances in the Auto Scaling group" (beside EB's own instance group unless DisableDefaultEC2SecurityGroup).
// - "Fetching secrets and parameters to Elastic Beanstalk environment variables": platform versions released on
//   or after 2025-03-26 resolve environment secrets; "Extracting JSON keys from Secrets Manager secrets": versions
//   released on or after 2026-01-13 take `<secret arn>:<top-level key>`; "When secret values are updated or rotated
//   […] you must manually refresh your environment variables"; "To trigger your Elastic Beanstalk environment to
//   refetch the latest values of the secrets from their secret stores, we recommend that you run either the
//   UpdateEnvironment or RestartAppServer operation."
// - "Required IAM permissions for Elastic Beanstalk to access secrets and parameters": the instance profile needs
//   secretsmanager:GetSecretValue, and kms:Decrypt "only required if your secret uses a customer managed key".
//   RDS's secret here uses Secrets Manager's AWS-managed key (the cluster sets no masterUserSecretKmsKeyId: "If not
//   specified, the default KMS key for your Amazon Web Services account is used", rds/cluster.d.ts), and the
//   connection secret sets no kmsKeyId: no kms:Decrypt is granted (a customer key would need kms:Decrypt on it
//   with kms:ViaService secretsmanager.<region>.amazonaws.com; without it the bootstrap fails, closed).
// - RestartAppServer (EB API Reference): "Causes the environment to restart the application container server
//   running on each Amazon EC2 instance"; EnvironmentName 4–40 characters. Step Functions calls it through the AWS
//   SDK integration `arn:aws:states:::aws-sdk:elasticbeanstalk:restartAppServer` (Step Functions Developer Guide,
//   "Integrating other services with AWS SDK service integrations": Elastic Beanstalk,
//   `arn:aws:states:::aws-sdk:elasticbeanstalk:[apiAction]`).
//
// RestartAppServer, not UpdateEnvironment: both refetch, but UpdateEnvironment needs a change to apply (a new
// option value, which Pulumi would then report as drift), while RestartAppServer changes nothing of the
// environment's configuration or version.
import * as pulumi from "@pulumi/pulumi";
import { arnOf, AwsContext } from "../../shared/aws-context";
import type { Statement } from "../../shared/iam";
import { beanstalkApplicationName, environmentName, OWN_STACK, STACK_TAG } from "../../contract";
import { DATABASE_SECRET_NAMES } from "../../config/database";
import type { BeanstalkSetting } from "./environment";
import type { DeployerScope } from "../../delivery/deployer-policy";

/** The namespace of EB's environment secrets (its option names are variable names, like environment properties'). */
export const ENVIRONMENT_SECRETS_NAMESPACE = "aws:elasticbeanstalk:application:environmentsecrets" as const;

/** The first platform release whose instances resolve `<secret arn>:<json key>` (EB Developer Guide, "Extracting JSON keys from Secrets Manager secrets"). */
export const JSON_KEY_PLATFORMS_FROM = "2026-01-13";

/** The Step Functions task that makes every instance re-read its environment secrets. */
export const RESTART_APP_SERVER = "aws-sdk:elasticbeanstalk:restartAppServer";

/**
 * The state machine: one RestartAppServer of the environment, retried with backoff (EB refuses operations while
 * the environment is updating, e.g. during a pipeline deploy, with an error the retry outlasts).
 */
export function refreshDefinition(partition: string, environment: string): string {
    // A state name has at most 80 characters and no white space (StateEnteredEventDetails).
    const state = "RestartAppServer";
    return JSON.stringify({
        Comment: `Restart ${environment}'s app servers after RDS rotates the database password (Elastic Beanstalk reads environment secrets at instance bootstrap and at this restart)`,
        StartAt: state,
        States: {
            [state]: {
                Type: "Task",
                Resource: `arn:${partition}:states:::${RESTART_APP_SERVER}`,
                Parameters: { EnvironmentName: environment },
                // An environment mid-deployment answers InvalidParameterValue ("…is in an invalid state…"): wait it out.
                Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 60, MaxAttempts: 6, BackoffRate: 2 }],
                End: true,
            },
        },
    });
}

/** The Beanstalk environment of the stacks matching `pattern`, by ARN (`environment/<application>/<app>-<stack>`). */
export const beanstalkEnvironmentArn = (ctx: AwsContext, app: string, pattern: string) =>
    arnOf(ctx, "elasticbeanstalk", `environment/${beanstalkApplicationName(app)}/${environmentName(app, pattern)}`);

/**
 * The restart role's right on Beanstalk (the `db-rotation-restart` runtime policy of a policy stack whose
 * environment runs on Beanstalk with a database): RestartAppServer of its own environment, tagged for its stack.
 */
export function beanstalkRefreshStatements(app: string, pattern: string, ctx: AwsContext): Statement[] {
    return [
        {
            Sid: "RestartOwnBeanstalkAppServers",
            Action: ["elasticbeanstalk:RestartAppServer"],
            Resource: [beanstalkEnvironmentArn(ctx, app, pattern)],
            Condition: { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: OWN_STACK } },
        },
    ];
}

/**
 * What a Beanstalk database stack's deploy role needs beyond the database policies both platforms share
 * (infra/delivery/database-policy.ts): reading the database's log group (the provider finds it with
 * DescribeLogGroups and a name prefix). On ECS the platform's access-log statement already grants it.
 */
export function beanstalkDatabaseDeployStatements(scope: Pick<DeployerScope, "ctx">): Statement[] {
    return [{ Sid: "FindDatabaseLogGroup", Action: ["logs:DescribeLogGroups"], Resource: ["*"], Condition: { StringEquals: { "aws:RequestedRegion": scope.ctx.region } } }];
}

/** What the environment's instances get: the clients group and the PG* variables as environment secrets. */
export interface BeanstalkDatabaseAccess {
    /** Database.environmentSecrets: `<arn>:<key>` per variable. */
    environmentSecrets: pulumi.Input<{ name: string; valueFrom: string }[]>;
    /** Database.clientSecurityGroup.id: the database admits this group only. */
    clientSecurityGroupId: pulumi.Input<string>;
}

/** The option settings of the database (namespace, name, value), in DATABASE_SECRET_NAMES order after the group. */
export function beanstalkDatabaseOptions(d: BeanstalkDatabaseAccess): BeanstalkSetting[] {
    const secrets = pulumi.output(d.environmentSecrets);
    return [
        { namespace: "aws:autoscaling:launchconfiguration", name: "SecurityGroups", value: d.clientSecurityGroupId },
        ...Object.values(DATABASE_SECRET_NAMES).map((name) => ({
            namespace: ENVIRONMENT_SECRETS_NAMESPACE,
            name,
            value: secrets.apply((list) => {
                const found = list.find((s) => s.name === name);
                if (!found) throw new Error(`the database gives no ${name}`);
                return found.valueFrom;
            }),
        })),
    ];
}
