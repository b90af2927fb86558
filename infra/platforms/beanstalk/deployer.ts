// What a GitHub deploy role additionally needs to `pulumi up` / `pulumi destroy` a Beanstalk
// environment stack (infra/delivery/deployer-policy.ts covers what both platforms share). Creating, updating or
// terminating an environment makes EB build its CloudFormation stack (`awseb-e-…`) with the caller's
// credentials, so the role needs the CloudFormation, Auto Scaling, EC2 and ELB calls that stack makes.
// EB applies an environment's tags (the program's defaultTags, `slipway:stack`) to that
// CloudFormation stack, which propagates them to the groups, instances and load balancer it creates
// (EB "Tagging resources in your environments"): the same tag conditions scope all of them.
import { arnOf } from "../../shared/aws-context";
import { DeployerScope } from "../../delivery/deployer-policy";
import { Statement } from "../../shared/iam";
import { beanstalkApplicationName, beanstalkGroupsArn, beanstalkStorageArn, bundleBucketPrefix, environmentName, stackPattern, stackTag, STACK_TAG } from "../../contract";

/** EB environments and versions, and the CloudFormation stacks and Auto Scaling groups EB makes. */
export function beanstalkEnvironmentStatements(scope: DeployerScope): Statement[] {
    return beanstalkDeployerStatements(scope).filter((st) => st.Action.every((a) => /^(elasticbeanstalk|cloudformation|autoscaling):/.test(a)));
}

/** The instances, launch templates, addresses, alarms and buckets of a Beanstalk environment. */
export function beanstalkResourceStatements(scope: DeployerScope): Statement[] {
    return beanstalkDeployerStatements(scope).filter((st) => !st.Action.every((a) => /^(elasticbeanstalk|cloudformation|autoscaling):/.test(a)));
}

function beanstalkDeployerStatements(scope: DeployerScope): Statement[] {
    // A Beanstalk stack settles only when it deploys by TrafficSplitting (its evaluation time: beanstalkEvaluationOfStackFile).
    return [...beanstalkDeployerBase(scope), ...(scope.settles ? [trafficSplitStatement(scope)] : [])];
}

/**
 * A TrafficSplitting deployment that `pulumi up` starts (a newly verified image) re-weights EB's listener and
 * rules through CloudFormation with this role's credentials. CloudFormation cannot tag them
 * (AWS::ElasticLoadBalancingV2::Listener and ::ListenerRule are `taggable: false` in its resource schemas) and EB
 * names the load balancer, so the grant reaches every EB-made ALB's listeners and rules in the account and region:
 * only for a stack that accepts it with the beanstalk-listener-reach waiver (infra/platforms/beanstalk/settings.ts).
 */
function trafficSplitStatement(scope: DeployerScope): Statement {
    const elb = (resource: string) => arnOf(scope.ctx, "elasticloadbalancing", resource);
    return {
        Sid: "SplitTrafficOnBeanstalkListeners",
        Action: ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"],
        Resource: [elb("listener/app/awseb-*/*/*"), elb("listener-rule/app/awseb-*/*/*/*")],
    };
}

function beanstalkDeployerBase(scope: DeployerScope): Statement[] {
    const { ctx, app } = scope;
    const pattern = stackPattern(scope.policyStack);
    const value = stackTag(app, pattern);
    const owned = { StringLike: { [`aws:ResourceTag/${STACK_TAG}`]: value } };
    const creating = { StringLike: { [`aws:RequestTag/${STACK_TAG}`]: value } };
    const retagging = { StringLike: { [`aws:ResourceTag/${STACK_TAG}`]: value }, StringLikeIfExists: { [`aws:RequestTag/${STACK_TAG}`]: value } };
    const regionOnly = { StringEquals: { "aws:RequestedRegion": ctx.region } };
    const application = beanstalkApplicationName(app);
    const env = environmentName(app, pattern);
    const eb = (resource: string) => arnOf(ctx, "elasticbeanstalk", resource);
    const stacks = arnOf(ctx, "cloudformation", "stack/awseb-e-*");
    const asg = beanstalkGroupsArn(ctx);
    const bundles = `arn:${ctx.partition}:s3:::${bundleBucketPrefix(app, pattern)}*`;
    // EB's own storage bucket: EB reads and writes it for the environment (templates, logs); the
    // pipeline's deploy action uploads bundles there, so deploy roles only read it, and never set its policy.
    const storage = beanstalkStorageArn(ctx);
    const ec2 = (type: string) => arnOf(ctx, "ec2", `${type}/*`);
    return [
        {
            // Environments and their application versions are named after the stack (versions `<env>-<tag>`).
            Sid: "OwnBeanstalkEnvironments",
            Action: [
                "elasticbeanstalk:CreateEnvironment", "elasticbeanstalk:UpdateEnvironment", "elasticbeanstalk:TerminateEnvironment",
                "elasticbeanstalk:DescribeEnvironments", "elasticbeanstalk:DescribeEnvironmentResources", "elasticbeanstalk:DescribeEvents",
                "elasticbeanstalk:DescribeConfigurationSettings", "elasticbeanstalk:DescribeConfigurationOptions", "elasticbeanstalk:ValidateConfigurationSettings",
                "elasticbeanstalk:CreateApplicationVersion", "elasticbeanstalk:DeleteApplicationVersion", "elasticbeanstalk:UpdateApplicationVersion",
                "elasticbeanstalk:DescribeApplicationVersions", "elasticbeanstalk:DescribeApplications", "elasticbeanstalk:ListTagsForResource",
            ],
            Resource: [
                eb(`application/${application}`),
                eb(`applicationversion/${application}/${env}-*`),
                eb(`environment/${application}/${env}`),
                // Platforms are AWS-owned resources without an account.
                `arn:${ctx.partition}:elasticbeanstalk:${ctx.region}::solutionstack/*`,
                `arn:${ctx.partition}:elasticbeanstalk:${ctx.region}::platform/*`,
            ],
        },
        {
            // The stack's own environment and versions only: the application is the delivery stack's, shared by
            // every environment. A new one (no stack tag yet) or an own one, never into another stack
            // (AddTags, UpdateTagsForResource: aws:RequestTag/${TagKey}; environment, applicationversion:
            // aws:ResourceTag/${TagKey}, service authorization reference).
            Sid: "TagOwnBeanstalkEnvironments",
            Action: ["elasticbeanstalk:AddTags", "elasticbeanstalk:UpdateTagsForResource"],
            Resource: [eb(`applicationversion/${application}/${env}-*`), eb(`environment/${application}/${env}`)],
            Condition: { StringLikeIfExists: { [`aws:ResourceTag/${STACK_TAG}`]: value, [`aws:RequestTag/${STACK_TAG}`]: value } },
        },
        {
            Sid: "UntagOwnBeanstalkEnvironments",
            Action: ["elasticbeanstalk:RemoveTags", "elasticbeanstalk:UpdateTagsForResource"],
            Resource: [eb(`applicationversion/${application}/${env}-*`), eb(`environment/${application}/${env}`)],
            Condition: { ...owned, "ForAllValues:StringNotEqualsIgnoreCase": { "aws:TagKeys": [STACK_TAG] }, Null: { "aws:TagKeys": "false" } },
        },
        {
            // No resource types: EB's storage-bucket setup and CNAME check (the platform lookup is in ProgramLookups).
            Sid: "BeanstalkAccountCalls",
            Action: ["elasticbeanstalk:CreateStorageLocation", "elasticbeanstalk:CheckDNSAvailability"],
            Resource: ["*"],
            Condition: regionOnly,
        },
        {
            // EB's stacks are named after a generated environment id (awseb-e-…): the stack tag tells them apart.
            Sid: "CreateOwnBeanstalkStacks",
            Action: ["cloudformation:CreateStack"],
            Resource: [stacks],
            Condition: creating,
        },
        {
            Sid: "ChangeOwnBeanstalkStacks",
            Action: [
                "cloudformation:UpdateStack", "cloudformation:DeleteStack", "cloudformation:CancelUpdateStack", "cloudformation:DescribeStacks",
                "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResource", "cloudformation:DescribeStackResources",
                "cloudformation:GetTemplate", "cloudformation:ListStackResources", "cloudformation:UntagResource",
            ],
            Resource: [stacks],
            Condition: owned,
        },
        { Sid: "RetagOwnBeanstalkStacks", Action: ["cloudformation:TagResource"], Resource: [stacks], Condition: retagging },
        { Sid: "CreateOwnBeanstalkGroups", Action: ["autoscaling:CreateAutoScalingGroup"], Resource: [asg], Condition: creating },
        {
            // Tagging a group while it is created needs CreateOrUpdateTags too; only a group that carries no
            // stack tag yet (a new one) may be tagged into this stack.
            Sid: "TagNewBeanstalkGroups",
            Action: ["autoscaling:CreateOrUpdateTags"],
            Resource: [asg],
            Condition: { Null: { [`aws:ResourceTag/${STACK_TAG}`]: "true" }, ...creating },
        },
        { Sid: "RetagOwnBeanstalkGroups", Action: ["autoscaling:CreateOrUpdateTags"], Resource: [asg], Condition: retagging },
        {
            Sid: "ChangeOwnBeanstalkGroups",
            Action: [
                "autoscaling:DeleteAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup",
                "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses", "autoscaling:SetDesiredCapacity",
                "autoscaling:TerminateInstanceInAutoScalingGroup", "autoscaling:AttachInstances", "autoscaling:DetachInstances",
                "autoscaling:PutNotificationConfiguration", "autoscaling:DeleteNotificationConfiguration",
                "autoscaling:PutScalingPolicy", "autoscaling:DeletePolicy", "autoscaling:PutScheduledUpdateGroupAction", "autoscaling:DeleteScheduledAction",
            ],
            Resource: [asg],
            Condition: owned,
        },
        {
            // Instances, their volumes and interfaces, launch templates and the single instance's Elastic IP.
            Sid: "CreateOwnBeanstalkInstances",
            Action: ["ec2:RunInstances", "ec2:CreateLaunchTemplate", "ec2:AllocateAddress"],
            Resource: [ec2("instance"), ec2("volume"), ec2("network-interface"), ec2("launch-template"), ec2("elastic-ip")],
            Condition: creating,
        },
        {
            // Tags only while creating; an existing resource is re-tagged only if it is already this stack's (below).
            Sid: "BeanstalkTagOnCreate",
            Action: ["ec2:CreateTags"],
            Resource: [ec2("instance"), ec2("volume"), ec2("network-interface"), ec2("launch-template"), ec2("elastic-ip")],
            Condition: { StringEquals: { "ec2:CreateAction": ["RunInstances", "CreateLaunchTemplate", "AllocateAddress"] }, ...creating },
        },
        {
            // RunInstances also authorizes the AMI (AWS-owned, untaggable by us), the subnet and the group it uses.
            Sid: "LaunchFromOwnNetwork",
            Action: ["ec2:RunInstances"],
            Resource: [ec2("subnet"), ec2("security-group")],
            Condition: owned,
        },
        { Sid: "LaunchPublicImages", Action: ["ec2:RunInstances"], Resource: [`arn:${ctx.partition}:ec2:${ctx.region}::image/*`] },
        {
            Sid: "ChangeOwnBeanstalkInstances",
            Action: [
                "ec2:TerminateInstances", "ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate", "ec2:DeleteLaunchTemplate",
                "ec2:AssociateAddress", "ec2:DisassociateAddress", "ec2:ReleaseAddress", "ec2:CreateTags",
            ],
            Resource: [ec2("instance"), ec2("launch-template"), ec2("elastic-ip"), ec2("network-interface"), ec2("volume")],
            Condition: retagging,
        },
        {
            Sid: "UntagOwnBeanstalkInstances",
            Action: ["ec2:DeleteTags"],
            Resource: [ec2("instance"), ec2("launch-template"), ec2("elastic-ip"), ec2("network-interface"), ec2("volume")],
            Condition: { ...owned, "ForAllValues:StringNotEquals": { "aws:TagKeys": [STACK_TAG] } },
        },
        {
            // Describe calls have no resource types (service authorization reference).
            Sid: "BeanstalkReads",
            Action: [
                "ec2:DescribeInstances", "ec2:DescribeImages", "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions",
                "ec2:DescribeKeyPairs", "ec2:DescribeAddresses", "ec2:DescribeInstanceTypes",
                "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities", "autoscaling:DescribeScheduledActions", "autoscaling:DescribePolicies",
                "autoscaling:DescribeNotificationConfigurations", "cloudwatch:DescribeAlarms", "cloudformation:ValidateTemplate",
            ],
            Resource: ["*"],
            Condition: regionOnly,
        },
        {
            Sid: "OwnBeanstalkAlarms",
            Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource"],
            Resource: [arnOf(ctx, "cloudwatch", "alarm:awseb-e-*")],
            Condition: owned,
        },
        {
            Sid: "OwnBundleBuckets",
            Action: [
                "s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation", "s3:GetBucketPolicy", "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy", "s3:GetBucketVersioning", "s3:PutBucketVersioning", "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration",
                "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock",
                "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:GetBucketAcl", "s3:GetAccelerateConfiguration", "s3:GetBucketCORS", "s3:GetBucketWebsite",
                "s3:GetBucketLogging", "s3:GetReplicationConfiguration", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketRequestPayment",
                "s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls",
                "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:DeleteObjectVersion",
            ],
            Resource: [bundles, `${bundles}/*`],
        },
        {
            // EB's per-region storage bucket is shared by every environment of the account (EB's design) and
            // untagged: the pipeline's bundles of every stack live there, and their hooks run as root. Read only.
            // No s3:PutBucketPolicy, although CloudFormation's Environment update handler lists it: a same-account
            // bucket policy naming a role grants it writes outright, so any deploy role could grant itself every
            // stack's bundles. What EB writes there (statements letting the instance role upload logs and read
            // resources/environments/*) AWSElasticBeanstalkWebTier already grants the instance role, and the
            // pipeline role deploys every release (UpdateEnvironment) without it. docs/credentials.md.
            Sid: "BeanstalkStorage",
            Action: ["s3:CreateBucket", "s3:GetBucketLocation", "s3:ListBucket", "s3:GetBucketPolicy", "s3:GetObject"],
            Resource: [storage, `${storage}/*`],
        },
    ];
}
