// What the GitHub deploy role additionally needs to `pulumi up` / `pulumi destroy` a Beanstalk
// environment stack (infra/deployer-policy.ts covers the network, secret, logs and parameters both
// platforms share). Creating or terminating an environment makes EB build its CloudFormation stack
// (`awseb-e-…`) with the caller's credentials, so the role needs the Auto Scaling, EC2 and ELB calls
// that stack makes; ELB and security-group calls are already in the shared statements.
import * as pulumi from "@pulumi/pulumi";
import { arnOf, AwsContext } from "./aws-context";
import { BEANSTALK_MANAGED_POLICIES, bundleBucketPrefix } from "./beanstalk-environment";
import { beanstalkApplicationName } from "./beanstalk-pipeline";
import { Statement } from "./iam";
import { environmentName, environmentRolePath } from "./names";

/**
 * Rights for the stacks a deploy role may `pulumi up` (`stacks` may hold a pattern like `review-*`),
 * scoped like infra/deployer-policy.ts: each stack's own environment, log groups, roles and instance
 * profiles. Bundle buckets share one per-app prefix (S3 bucket prefixes are too short for stack names).
 */
/** The tag EB puts on the resources it creates for an environment (its CloudFormation stack, groups, instances). */
export const EB_ENVIRONMENT_TAG = "elasticbeanstalk:environment-name";

export function beanstalkDeployerStatements(app: string, stacks: string[], ctx: AwsContext): Statement[] {
    const application = beanstalkApplicationName(app);
    const each = <T>(f: (stack: string) => T) => stacks.map(f);
    const names = each((st) => environmentName(app, st));
    const asg = pulumi.interpolate`arn:${ctx.partition}:autoscaling:${ctx.region}:${ctx.accountId}:autoScalingGroup:*:autoScalingGroupName/awseb-e-*`;
    const eb = (resource: string) => arnOf(ctx, "elasticbeanstalk", resource);
    const regionOnly = { StringEquals: { "aws:RequestedRegion": ctx.region } };
    const bundles = pulumi.interpolate`arn:${ctx.partition}:s3:::${bundleBucketPrefix(app)}*`;
    const storage = pulumi.interpolate`arn:${ctx.partition}:s3:::elasticbeanstalk-${ctx.region}-${ctx.accountId}`;
    return [
        {
            Sid: "BeanstalkEnvironments",
            Action: [
                "elasticbeanstalk:CreateEnvironment", "elasticbeanstalk:UpdateEnvironment", "elasticbeanstalk:TerminateEnvironment",
                "elasticbeanstalk:DescribeEnvironments", "elasticbeanstalk:DescribeEnvironmentResources", "elasticbeanstalk:DescribeEvents",
                "elasticbeanstalk:DescribeConfigurationSettings", "elasticbeanstalk:DescribeConfigurationOptions", "elasticbeanstalk:ValidateConfigurationSettings",
                "elasticbeanstalk:CreateApplicationVersion", "elasticbeanstalk:DeleteApplicationVersion", "elasticbeanstalk:UpdateApplicationVersion",
                "elasticbeanstalk:DescribeApplicationVersions", "elasticbeanstalk:DescribeApplications",
                "elasticbeanstalk:AddTags", "elasticbeanstalk:ListTagsForResource", "elasticbeanstalk:UpdateTagsForResource",
            ],
            Resource: [
                eb(`application/${application}`),
                eb(`applicationversion/${application}/*`),
                ...each((st) => eb(`environment/${application}/${environmentName(app, st)}`)),
                // Platforms are AWS-owned resources without an account.
                pulumi.interpolate`arn:${ctx.partition}:elasticbeanstalk:${ctx.region}::solutionstack/*`,
                pulumi.interpolate`arn:${ctx.partition}:elasticbeanstalk:${ctx.region}::platform/*`,
            ],
        },
        {
            // No resource types: EB's storage bucket setup and CNAME check (the platform lookup is in ProgramLookups).
            Sid: "BeanstalkAccountCalls",
            Action: ["elasticbeanstalk:CreateStorageLocation", "elasticbeanstalk:CheckDNSAvailability"],
            Resource: ["*"],
            Condition: regionOnly,
        },
        {
            Sid: "ReadBeanstalkEnvironmentStacks",
            Action: [
                "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResource",
                "cloudformation:DescribeStackResources", "cloudformation:GetTemplate", "cloudformation:ListStackResources",
            ],
            Resource: [arnOf(ctx, "cloudformation", "stack/awseb-e-*")],
        },
        // EB's stacks and groups are named after a random environment id (awseb-e-…), so names cannot tell
        // one stack's environment from another's; EB's elasticbeanstalk:environment-name tag can.
        {
            Sid: "CreateOwnBeanstalkStacks",
            Action: ["cloudformation:CreateStack", "cloudformation:TagResource"],
            Resource: [arnOf(ctx, "cloudformation", "stack/awseb-e-*")],
            Condition: { StringLike: { [`aws:RequestTag/${EB_ENVIRONMENT_TAG}`]: names } },
        },
        {
            Sid: "ChangeOwnBeanstalkStacks",
            Action: ["cloudformation:UpdateStack"],
            Resource: [arnOf(ctx, "cloudformation", "stack/awseb-e-*")],
            Condition: { StringLike: { [`aws:ResourceTag/${EB_ENVIRONMENT_TAG}`]: names } },
        },
        {
            // DeleteStack and CancelUpdateStack take no tag condition keys (service authorization
            // reference): only the awseb-e- name pins them. Terminating an environment needs DeleteStack.
            Sid: "DeleteBeanstalkStacks",
            Action: ["cloudformation:DeleteStack", "cloudformation:CancelUpdateStack"],
            Resource: [arnOf(ctx, "cloudformation", "stack/awseb-e-*")],
        },
        {
            Sid: "CreateOwnBeanstalkGroups",
            Action: ["autoscaling:CreateAutoScalingGroup", "autoscaling:CreateOrUpdateTags"],
            Resource: [asg],
            Condition: { StringLike: { [`aws:RequestTag/${EB_ENVIRONMENT_TAG}`]: names } },
        },
        {
            Sid: "ChangeOwnBeanstalkGroups",
            Action: [
                "autoscaling:DeleteAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup",
                "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses", "autoscaling:SetDesiredCapacity",
                "autoscaling:TerminateInstanceInAutoScalingGroup", "autoscaling:DeleteTags",
                "autoscaling:PutNotificationConfiguration", "autoscaling:DeleteNotificationConfiguration",
                "autoscaling:PutScalingPolicy", "autoscaling:DeletePolicy", "autoscaling:PutScheduledUpdateGroupAction", "autoscaling:DeleteScheduledAction",
            ],
            Resource: [asg],
            Condition: { StringLike: { [`aws:ResourceTag/${EB_ENVIRONMENT_TAG}`]: names } },
        },
        {
            Sid: "BeanstalkInstances",
            Action: [
                "ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:DeleteLaunchTemplate", "ec2:ModifyLaunchTemplate",
            ],
            Resource: [arnOf(ctx, "ec2", "launch-template/*")],
            Condition: regionOnly,
        },
        {
            // EB tags its instances with the environment's name: only the app's can be terminated.
            Sid: "BeanstalkTerminateOwnInstances",
            Action: ["ec2:TerminateInstances"],
            Resource: [arnOf(ctx, "ec2", "instance/*")],
            Condition: { StringLike: { [`aws:ResourceTag/${EB_ENVIRONMENT_TAG}`]: names } },
        },
        {
            // RunInstances authorizes against generated ids and AWS-owned AMIs; Describe calls and
            // Elastic IPs (a single instance gets one) have no useful resource scoping.
            Sid: "BeanstalkUnscopableCalls",
            Action: [
                "ec2:RunInstances", "ec2:DescribeInstances", "ec2:DescribeImages", "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions",
                "ec2:DescribeKeyPairs", "ec2:AllocateAddress", "ec2:AssociateAddress", "ec2:DisassociateAddress", "ec2:ReleaseAddress", "ec2:DescribeAddresses",
                "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities", "autoscaling:DescribeScheduledActions", "autoscaling:DescribePolicies",
                "autoscaling:DescribeNotificationConfigurations", "cloudwatch:DescribeAlarms", "cloudformation:ValidateTemplate",
            ],
            Resource: ["*"],
            Condition: regionOnly,
        },
        {
            Sid: "BeanstalkAlarms",
            Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
            Resource: [arnOf(ctx, "cloudwatch", "alarm:awseb-e-*")],
        },
        {
            // EB streams instance and health logs to /aws/elasticbeanstalk/<environment>/….
            Sid: "BeanstalkLogGroups",
            Action: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:TagResource", "logs:ListTagsForResource"],
            Resource: each((st) => arnOf(ctx, "logs", `log-group:/aws/elasticbeanstalk/${environmentName(app, st)}/*`)),
        },
        {
            Sid: "BeanstalkBuckets",
            Action: [
                "s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation", "s3:GetBucketPolicy", "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy", "s3:GetBucketVersioning", "s3:PutBucketVersioning", "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration",
                "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock",
                "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion",
            ],
            Resource: [bundles, pulumi.interpolate`${bundles}/*`, storage, pulumi.interpolate`${storage}/*`],
        },
        {
            Sid: "BeanstalkInstanceProfiles",
            Action: [
                "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:GetInstanceProfile", "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile",
            ],
            Resource: each((st) => pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:instance-profile${environmentRolePath(app, st)}*`),
        },
        {
            // Only EB's three documented managed policies, only onto the app's roles.
            Sid: "AttachBeanstalkManagedPolicies",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: each((st) => pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:role${environmentRolePath(app, st)}*`),
            Condition: { ArnEquals: { "iam:PolicyARN": Object.values(BEANSTALK_MANAGED_POLICIES) } },
        },
    ];
}
