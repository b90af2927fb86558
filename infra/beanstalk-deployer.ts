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

export function beanstalkDeployerStatements(app: string, rolePathPrefix: string, ctx: AwsContext): Statement[] {
    const application = beanstalkApplicationName(app);
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
                eb(`environment/${application}/${app}-*`),
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
            Sid: "BeanstalkEnvironmentStacks",
            Action: [
                "cloudformation:CreateStack", "cloudformation:DeleteStack", "cloudformation:UpdateStack", "cloudformation:CancelUpdateStack",
                "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResource",
                "cloudformation:DescribeStackResources", "cloudformation:GetTemplate", "cloudformation:ListStackResources",
            ],
            Resource: [arnOf(ctx, "cloudformation", "stack/awseb-e-*")],
        },
        {
            Sid: "BeanstalkAutoScalingGroups",
            Action: [
                "autoscaling:CreateAutoScalingGroup", "autoscaling:DeleteAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup",
                "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses", "autoscaling:SetDesiredCapacity",
                "autoscaling:TerminateInstanceInAutoScalingGroup", "autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags",
                "autoscaling:PutNotificationConfiguration", "autoscaling:DeleteNotificationConfiguration",
                "autoscaling:PutScalingPolicy", "autoscaling:DeletePolicy", "autoscaling:PutScheduledUpdateGroupAction", "autoscaling:DeleteScheduledAction",
            ],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:autoscaling:${ctx.region}:${ctx.accountId}:autoScalingGroup:*:autoScalingGroupName/awseb-e-*`],
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
            Condition: { StringLike: { "aws:ResourceTag/elasticbeanstalk:environment-name": `${app}-*` } },
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
            Resource: [arnOf(ctx, "logs", `log-group:/aws/elasticbeanstalk/${app}-*`)],
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
            Resource: [pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:instance-profile${rolePathPrefix}*`],
        },
        {
            // Only EB's three documented managed policies, only onto the app's roles.
            Sid: "AttachBeanstalkManagedPolicies",
            Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:role${rolePathPrefix}*`],
            Condition: { ArnEquals: { "iam:PolicyARN": Object.values(BEANSTALK_MANAGED_POLICIES) } },
        },
    ];
}
