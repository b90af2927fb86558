// The pipeline side of a Beanstalk environment: the deploy action and what the pipeline's role needs
// to run it. CodePipeline's Elastic Beanstalk action (provider "ElasticBeanstalk", configuration
// ApplicationName + EnvironmentName, one input artifact: the source bundle) creates an application
// version and calls UpdateEnvironment with the pipeline role's credentials. EB then changes the
// environment through its CloudFormation stack (`awseb-e-…`) as that caller, which is why a deploy
// needs CloudFormation, Auto Scaling, EC2, ELB and S3 rights: AWS documents `elasticbeanstalk:*`,
// `ec2:*`, `autoscaling:*`, `cloudformation:*`, `s3:*` … as the minimum ("Elastic Beanstalk deploy
// action reference", service role permissions). Below, every right EB's resources can be named for
// is pinned to the `awseb-` names EB gives them; only calls AWS cannot scope use "*", limited to the
// stack's region.
import * as pulumi from "@pulumi/pulumi";
import * as inputs from "@pulumi/aws/types/input";
import { arnOf, AwsContext } from "./aws-context";
import { Statement } from "./iam";

export interface BeanstalkTarget {
    applicationName: string;
    environmentName: string;
}

/** The stage's deploy action for a Beanstalk environment; `artifact` holds the source bundle at its root. */
export function beanstalkDeployAction(target: BeanstalkTarget, artifact: string): inputs.codepipeline.PipelineStageAction {
    return {
        name: "Deploy",
        category: "Deploy",
        owner: "AWS",
        provider: "ElasticBeanstalk",
        version: "1",
        runOrder: 1,
        inputArtifacts: [artifact],
        configuration: { ApplicationName: target.applicationName, EnvironmentName: target.environmentName },
    };
}

/** Pipeline role statements for deploying to `targets` (empty when there are none). */
export function beanstalkDeployStatements(ctx: AwsContext, targets: BeanstalkTarget[], environmentRolePaths: string[]): Statement[] {
    if (!targets.length) return [];
    const eb = (resource: string) => arnOf(ctx, "elasticbeanstalk", resource);
    const apps = [...new Set(targets.map((t) => t.applicationName))];
    const regionOnly = { StringEquals: { "aws:RequestedRegion": ctx.region } };
    // EB's per-region storage bucket, where application versions and bundles are kept.
    const storage = pulumi.interpolate`arn:${ctx.partition}:s3:::elasticbeanstalk-${ctx.region}-${ctx.accountId}`;
    return [
        {
            Sid: "DeployBeanstalkEnvironments",
            Action: [
                "elasticbeanstalk:CreateApplicationVersion", "elasticbeanstalk:DescribeApplicationVersions", "elasticbeanstalk:DescribeApplications",
                "elasticbeanstalk:DescribeEnvironments", "elasticbeanstalk:DescribeEvents", "elasticbeanstalk:UpdateEnvironment",
            ],
            Resource: [
                ...apps.map((a) => eb(`application/${a}`)),
                ...apps.map((a) => eb(`applicationversion/${a}/*`)),
                ...targets.map((t) => eb(`environment/${t.applicationName}/${t.environmentName}`)),
                // UpdateEnvironment also authorizes the environment's platform; solution stacks are AWS-owned (no account).
                pulumi.interpolate`arn:${ctx.partition}:elasticbeanstalk:${ctx.region}::solutionstack/*`,
            ],
        },
        {
            Sid: "BeanstalkStorageBucket",
            Action: ["s3:CreateBucket", "s3:GetBucketLocation", "s3:ListBucket", "s3:GetBucketPolicy", "s3:GetObject", "s3:GetObjectAcl", "s3:PutObject", "s3:PutObjectAcl"],
            Resource: [storage, pulumi.interpolate`${storage}/*`],
        },
        {
            Sid: "BeanstalkEnvironmentStacks",
            Action: [
                "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResource", "cloudformation:DescribeStackResources",
                "cloudformation:GetTemplate", "cloudformation:ListStackResources", "cloudformation:UpdateStack", "cloudformation:CancelUpdateStack",
            ],
            Resource: [arnOf(ctx, "cloudformation", "stack/awseb-e-*")],
        },
        {
            // Rolling and immutable deploys suspend, resize and (immutable) create and delete EB's groups.
            Sid: "BeanstalkAutoScalingGroups",
            Action: [
                "autoscaling:CreateAutoScalingGroup", "autoscaling:DeleteAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup",
                "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses", "autoscaling:SetDesiredCapacity",
                "autoscaling:TerminateInstanceInAutoScalingGroup", "autoscaling:AttachInstances", "autoscaling:DetachInstances",
                "autoscaling:CreateOrUpdateTags", "autoscaling:PutNotificationConfiguration", "autoscaling:PutScalingPolicy",
            ],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:autoscaling:${ctx.region}:${ctx.accountId}:autoScalingGroup:*:autoScalingGroupName/awseb-e-*`],
        },
        {
            Sid: "BeanstalkTargetRegistration",
            Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            Resource: [arnOf(ctx, "elasticloadbalancing", "targetgroup/awseb-*/*")],
        },
        {
            Sid: "BeanstalkAlarms",
            Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
            Resource: [arnOf(ctx, "cloudwatch", "alarm:awseb-e-*")],
        },
        {
            // Describe calls have no resource types (DescribeAlarms lists all alarms), and RunInstances
            // authorizes against generated ids (instance, volume, network interface) and AMIs it cannot name.
            Sid: "BeanstalkUnscopableCalls",
            Action: [
                "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities", "autoscaling:DescribeScheduledActions", "autoscaling:DescribePolicies",
                "ec2:DescribeInstances", "ec2:DescribeImages", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeSecurityGroups",
                "ec2:DescribeAccountAttributes", "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions", "ec2:RunInstances",
                "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules",
                "cloudwatch:DescribeAlarms", "cloudwatch:GetMetricStatistics",
            ],
            Resource: ["*"],
            Condition: regionOnly,
        },
        {
            Sid: "BeanstalkLaunchTemplates",
            Action: ["ec2:CreateLaunchTemplate", "ec2:CreateLaunchTemplateVersion", "ec2:DeleteLaunchTemplate"],
            Resource: [arnOf(ctx, "ec2", "launch-template/*")],
            Condition: regionOnly,
        },
        {
            // Tags only while creating (EB tags what it launches); never re-tagging existing resources.
            Sid: "BeanstalkTagOnCreate",
            Action: ["ec2:CreateTags"],
            Resource: [arnOf(ctx, "ec2", "instance/*"), arnOf(ctx, "ec2", "volume/*"), arnOf(ctx, "ec2", "network-interface/*"), arnOf(ctx, "ec2", "launch-template/*")],
            Condition: { StringEquals: { "ec2:CreateAction": ["RunInstances", "CreateLaunchTemplate", "CreateLaunchTemplateVersion"] } },
        },
        {
            // EB tags its instances with the environment's name: only those can be terminated.
            Sid: "BeanstalkTerminateOwnInstances",
            Action: ["ec2:TerminateInstances"],
            Resource: [arnOf(ctx, "ec2", "instance/*")],
            Condition: { StringEquals: { "aws:ResourceTag/elasticbeanstalk:environment-name": targets.map((t) => t.environmentName) } },
        },
        {
            // Immutable deploys launch instances with the environment's instance profile.
            Sid: "PassInstanceRoles",
            Action: ["iam:PassRole"],
            Resource: environmentRolePaths.map((p) => pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:role${p}*`),
            Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
        },
    ];
}

/**
 * Smoke-test role statements for reading what `targets` run (empty when there are none): the
 * environment's status and version label, the version's source bundle location, and the bundle
 * itself. Elastic Beanstalk keeps application versions in its per-region storage bucket
 * `elasticbeanstalk-<region>-<account>` ("Using Elastic Beanstalk with Amazon S3", EB Developer Guide);
 * that is where the pipeline's deploy action versions live. A version from elsewhere stays unreadable
 * to the smoke test, which then refuses to record it.
 */
export function beanstalkSmokeTestStatements(ctx: AwsContext, targets: BeanstalkTarget[]): Statement[] {
    if (!targets.length) return [];
    const eb = (resource: string) => arnOf(ctx, "elasticbeanstalk", resource);
    const apps = [...new Set(targets.map((t) => t.applicationName))];
    return [
        {
            Sid: "ReadBeanstalkEnvironments",
            Action: ["elasticbeanstalk:DescribeEnvironments", "elasticbeanstalk:DescribeApplicationVersions"],
            Resource: [
                ...apps.map((a) => eb(`application/${a}`)),
                ...targets.map((t) => eb(`environment/${t.applicationName}/${t.environmentName}`)),
                ...apps.map((a) => eb(`applicationversion/${a}/*`)),
            ],
        },
        {
            Sid: "ReadBeanstalkBundles",
            Action: ["s3:GetObject"],
            Resource: [pulumi.interpolate`arn:${ctx.partition}:s3:::elasticbeanstalk-${ctx.region}-${ctx.accountId}/*`],
        },
    ];
}

/** The app's one Elastic Beanstalk application (declared in the delivery stack; environments join it). */
export function beanstalkApplicationName(app: string): string {
    return app;
}
