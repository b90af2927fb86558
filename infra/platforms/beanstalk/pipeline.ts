// The pipeline side of a Beanstalk environment: the deploy action and what the pipeline's role needs
// to run it. CodePipeline's Elastic Beanstalk action (provider "ElasticBeanstalk", configuration
// ApplicationName + EnvironmentName, one input artifact: the source bundle) uploads the bundle to EB's
// storage bucket, creates an application version and calls UpdateEnvironment with the pipeline role's
// credentials. EB then changes the environment through its CloudFormation stack (`awseb-e-…`) as that
// caller — and an immutable deploy launches a temporary Auto Scaling group outside the environment's
// own ("Configuration changes", EB Developer Guide) — which is why a deploy needs CloudFormation, Auto
// Scaling, EC2, ELB and S3 rights: AWS documents `elasticbeanstalk:*`, `ec2:*`, `autoscaling:*`,
// `cloudformation:*`, `s3:*` … as the minimum (CodePipeline User Guide, "Add permissions to the
// CodePipeline service role"; policy/data/service-role-needs.json). Below, scoped like the GitHub
// deploy roles (beanstalk-deployer.ts): EB's own resources by name, everything EB's stacks create by
// the targets' stack tags (EB applies an environment's tags to its stack, which propagates them), so
// the pipeline can change no other stack's groups, instances or alarms; only calls AWS cannot scope use
// "*", limited to the stack's region. test/iam-service-roles.test.ts simulates every call.
import { arnOf, AwsContext } from "../../shared/aws-context";
import { Statement } from "../../shared/iam";
import { beanstalkApplicationName, beanstalkGroupsArn, beanstalkStorageArn, environmentName, stackRolesArn, stackTag, STACK_TAG } from "../../contract";
import type { PlatformTarget } from "../platform";
import { COMPOSE_FILE } from "./bundle";

export interface BeanstalkTarget extends PlatformTarget {
    applicationName: string;
    environmentName: string;
    /** The environment stack's tag (`<app>/<stack>`), which EB's stack and everything it creates carry. */
    stackTag: string;
}

/**
 * The pipeline's target for Beanstalk environment stack `stack`: the app's application, the stack's
 * environment. `settleMinutes` is its TrafficSplitting evaluation time (infra/config/settings.ts reads it
 * from the stack file; beanstalkEvaluationOfStackFile), absent for every other policy.
 */
export function beanstalkTarget(app: string, stack: string, options?: { settleMinutes?: number }): BeanstalkTarget {
    const applicationName = beanstalkApplicationName(app);
    const environment = environmentName(app, stack);
    return {
        stack,
        applicationName,
        environmentName: environment,
        stackTag: stackTag(app, stack),
        // The build artifact's root is also the EB source bundle (docker-compose.yml, hooks).
        deployAction: (artifact) => ({
            name: "Deploy",
            category: "Deploy",
            owner: "AWS",
            provider: "ElasticBeanstalk",
            version: "1",
            runOrder: 1,
            inputArtifacts: [artifact],
            configuration: { ApplicationName: applicationName, EnvironmentName: environment },
        }),
        // The deploy action waits through the evaluation; should EB still be shifting when it returns, the
        // smoke test sees the environment Updating (pending) and polls that much longer.
        ...(options?.settleMinutes ? { settleMinutes: options.settleMinutes } : {}),
        smokeTestVariables: [
            { name: "PLATFORM", value: "beanstalk" },
            { name: "EB_APPLICATION", value: applicationName },
            { name: "EB_ENVIRONMENT", value: environment },
        ],
    };
}

/** Pipeline role statements for deploying to `targets` (empty when there are none). */
export function beanstalkDeployStatements(ctx: AwsContext, targets: BeanstalkTarget[], app: string): Statement[] {
    if (!targets.length) return [];
    const eb = (resource: string) => arnOf(ctx, "elasticbeanstalk", resource);
    const apps = [...new Set(targets.map((t) => t.applicationName))];
    const tags = targets.map((t) => t.stackTag);
    const owned = { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: tags } };
    const creating = { StringEquals: { [`aws:RequestTag/${STACK_TAG}`]: tags } };
    const regionOnly = { StringEquals: { "aws:RequestedRegion": ctx.region } };
    // EB's per-region storage bucket, where application versions and bundles are kept.
    const storage = beanstalkStorageArn(ctx);
    const stacks = arnOf(ctx, "cloudformation", "stack/awseb-e-*");
    const groups = beanstalkGroupsArn(ctx);
    const ec2 = (type: string) => arnOf(ctx, "ec2", `${type}/*`);
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
                `arn:${ctx.partition}:elasticbeanstalk:${ctx.region}::solutionstack/*`,
            ],
        },
        {
            Sid: "BeanstalkStorageBucket",
            Action: ["s3:CreateBucket", "s3:GetBucketLocation", "s3:ListBucket", "s3:GetBucketPolicy", "s3:GetObject", "s3:GetObjectAcl", "s3:PutObject", "s3:PutObjectAcl"],
            Resource: [storage, `${storage}/*`],
        },
        // An immutable deploy's temporary stack; EB's stacks are named after generated ids, told apart by the tag.
        { Sid: "CreateBeanstalkStacks", Action: ["cloudformation:CreateStack"], Resource: [stacks], Condition: creating },
        {
            Sid: "BeanstalkEnvironmentStacks",
            Action: [
                "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResource", "cloudformation:DescribeStackResources",
                "cloudformation:GetTemplate", "cloudformation:ListStackResources", "cloudformation:UpdateStack", "cloudformation:CancelUpdateStack", "cloudformation:DeleteStack",
            ],
            Resource: [stacks],
            Condition: owned,
        },
        {
            // Tagging a group while it is created needs CreateOrUpdateTags too: only on a group that has no stack tag yet.
            Sid: "CreateBeanstalkGroups",
            Action: ["autoscaling:CreateAutoScalingGroup", "autoscaling:CreateOrUpdateTags"],
            Resource: [groups],
            Condition: { Null: { [`aws:ResourceTag/${STACK_TAG}`]: "true" }, ...creating },
        },
        {
            // Rolling and immutable deploys suspend, resize, move instances between and delete EB's groups.
            Sid: "BeanstalkAutoScalingGroups",
            Action: [
                "autoscaling:DeleteAutoScalingGroup", "autoscaling:UpdateAutoScalingGroup", "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses",
                "autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup", "autoscaling:AttachInstances", "autoscaling:DetachInstances",
                "autoscaling:PutNotificationConfiguration", "autoscaling:PutScalingPolicy",
            ],
            Resource: [groups],
            Condition: owned,
        },
        {
            Sid: "BeanstalkTargetRegistration",
            Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            Resource: [arnOf(ctx, "elasticloadbalancing", "targetgroup/awseb-*/*")],
            Condition: owned,
        },
        { Sid: "BeanstalkAlarms", Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"], Resource: [arnOf(ctx, "cloudwatch", "alarm:awseb-e-*")], Condition: owned },
        ...trafficSplittingStatements(ctx, targets),
        {
            // New instances, their volumes and interfaces, and launch templates carry the target's tag from the start.
            Sid: "LaunchBeanstalkInstances",
            Action: ["ec2:RunInstances", "ec2:CreateLaunchTemplate"],
            Resource: [ec2("instance"), ec2("volume"), ec2("network-interface"), ec2("launch-template")],
            Condition: creating,
        },
        {
            // RunInstances also authorizes the subnet, security group and launch template it uses: the target's own.
            Sid: "LaunchFromOwnNetwork",
            Action: ["ec2:RunInstances"],
            Resource: [ec2("subnet"), ec2("security-group"), ec2("launch-template")],
            Condition: owned,
        },
        // Public AMIs are AWS's: no tag of ours.
        { Sid: "LaunchPublicImages", Action: ["ec2:RunInstances"], Resource: [`arn:${ctx.partition}:ec2:${ctx.region}::image/*`] },
        {
            // Tags only while creating; never re-tagging an existing resource.
            Sid: "BeanstalkTagOnCreate",
            Action: ["ec2:CreateTags"],
            Resource: [ec2("instance"), ec2("volume"), ec2("network-interface"), ec2("launch-template")],
            Condition: { StringEquals: { "ec2:CreateAction": ["RunInstances", "CreateLaunchTemplate"], [`aws:RequestTag/${STACK_TAG}`]: tags } },
        },
        {
            Sid: "ChangeBeanstalkInstances",
            Action: [
                "ec2:TerminateInstances", "ec2:CreateLaunchTemplateVersion", "ec2:DeleteLaunchTemplate", "ec2:AssociateAddress", "ec2:ReleaseAddress",
                "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:DeleteSecurityGroup",
            ],
            Resource: [ec2("instance"), ec2("launch-template"), ec2("elastic-ip"), ec2("security-group")],
            Condition: owned,
        },
        {
            // Describe calls have no resource types (DescribeAlarms lists all alarms), nor have EB's storage
            // setup and CloudFormation's template check.
            Sid: "BeanstalkUnscopableCalls",
            Action: [
                "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities", "autoscaling:DescribeScheduledActions", "autoscaling:DescribePolicies",
                "ec2:DescribeInstances", "ec2:DescribeImages", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeSecurityGroups", "ec2:DescribeAddresses",
                "ec2:DescribeAccountAttributes", "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions",
                "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules",
                "cloudwatch:DescribeAlarms", "cloudwatch:GetMetricStatistics", "cloudformation:ValidateTemplate", "elasticbeanstalk:CreateStorageLocation",
            ],
            Resource: ["*"],
            Condition: regionOnly,
        },
        {
            // New instances launch with the environment's instance profile.
            Sid: "PassInstanceRoles",
            Action: ["iam:PassRole"],
            Resource: targets.map((t) => stackRolesArn(ctx, app, t.stack)),
            Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
        },
    ];
}

/**
 * What a TrafficSplitting deployment adds, for the targets that use it (settleMinutes set) only: EB "creates a
 * new set of instances in a separate temporary Auto Scaling group", then "instructs the load balancer to direct
 * a certain percentage of your environment's incoming traffic to the new instances", shifts the rest after the
 * evaluation and cleans up (EB Developer Guide, "Deployment policies and settings", How traffic-splitting
 * deployments work). Which ELB calls that instruction makes with the caller's credentials AWS does not list:
 * these are CloudFormation's handler permissions (policy/data/cfn-handler-permissions.json) for a temporary
 * target group (create, delete) and for re-weighting the environment's listener and its rules (update), on
 * EB's own `awseb-*` load balancer resources carrying the target's stack tag. Not verified against a real
 * deployment (docs/beanstalk.md, "Not verified").
 */
function trafficSplittingStatements(ctx: AwsContext, targets: BeanstalkTarget[]): Statement[] {
    const tags = targets.filter((t) => t.settleMinutes).map((t) => t.stackTag);
    if (!tags.length) return [];
    const elb = (resource: string) => arnOf(ctx, "elasticloadbalancing", resource);
    return [
        {
            Sid: "BeanstalkSplitTargetGroups",
            Action: ["elasticloadbalancing:CreateTargetGroup"],
            Resource: [elb("targetgroup/awseb-*/*")],
            Condition: { StringEquals: { [`aws:RequestTag/${STACK_TAG}`]: tags } },
        },
        {
            // Tags only while creating: re-tagging another stack's group into a target's would hand it over.
            Sid: "BeanstalkSplitTagOnCreate",
            Action: ["elasticloadbalancing:AddTags"],
            Resource: [elb("targetgroup/awseb-*/*")],
            Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup"], [`aws:RequestTag/${STACK_TAG}`]: tags } },
        },
        {
            Sid: "BeanstalkSplitTargetGroupsOwned",
            Action: ["elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup"],
            Resource: [elb("targetgroup/awseb-*/*")],
            Condition: { StringEquals: { [`aws:ResourceTag/${STACK_TAG}`]: tags } },
        },
        {
            // EB's listener and rules carry no tag (CloudFormation cannot tag AWS::ElasticLoadBalancingV2::Listener or
            // ::ListenerRule) and sit on a load balancer EB names: this reaches every EB-made ALB's listeners and rules
            // in the account and region, which the target's stack accepts with the beanstalk-listener-reach waiver.
            Sid: "BeanstalkSplitTraffic",
            Action: ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"],
            Resource: [elb("listener/app/awseb-*/*/*"), elb("listener-rule/app/awseb-*/*/*/*")],
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
            Resource: [beanstalkStorageArn(ctx, "/*")],
        },
    ];
}

/**
 * The smoke test's Beanstalk check (bash): the environment is Ready with no abortable operation in
 * progress; the application version it runs (VersionLabel) has a source bundle whose
 * docker-compose.yml image line is the expected image (see bundle.ts). Variables: EB_APPLICATION, EB_ENVIRONMENT.
 */
export const BEANSTALK_SMOKE_TEST_CHECK = [
    "  local out status abortable label bucket key bundle err img",
    '  out="$(aws elasticbeanstalk describe-environments --application-name "$EB_APPLICATION" --environment-names "$EB_ENVIRONMENT" --no-include-deleted --query \'Environments[0].[Status,AbortableOperationInProgress,VersionLabel]\' --output text 2>&1)" || refuse "aws elasticbeanstalk describe-environments failed: $out"',
    "  IFS=$'\\t' read -r status abortable label <<< \"$out\"",
    '  if [ -z "$status" ] || [ "$status" = None ]; then refuse "environment $EB_ENVIRONMENT of application $EB_APPLICATION not found"; fi',
    '  if [ "$status" != Ready ] || [ "$abortable" = True ]; then state=pending; detail="$EB_ENVIRONMENT is $status (operation in progress: $abortable)"; return; fi',
    '  if [ -z "$label" ] || [ "$label" = None ]; then state=wrong; detail="$EB_ENVIRONMENT runs no application version"; return; fi',
    '  out="$(aws elasticbeanstalk describe-application-versions --application-name "$EB_APPLICATION" --version-labels "$label" --query \'ApplicationVersions[0].SourceBundle.[S3Bucket,S3Key]\' --output text 2>&1)" || refuse "aws elasticbeanstalk describe-application-versions failed: $out"',
    "  IFS=$'\\t' read -r bucket key <<< \"$out\"",
    '  if [ -z "$bucket" ] || [ "$bucket" = None ]; then state=wrong; detail="$EB_ENVIRONMENT runs version $label, which has no source bundle"; return; fi',
    '  bundle="$(mktemp)"; err="$(mktemp)"',
    // Only bundles in Elastic Beanstalk's storage bucket (where the pipeline's deploys put them) are readable.
    '  if ! aws s3 cp "s3://$bucket/$key" - > "$bundle" 2> "$err"; then state=wrong; detail="$EB_ENVIRONMENT runs version $label, whose bundle s3://$bucket/$key the smoke test cannot read (not a pipeline deploy?): $(tr \'\\n\' \' \' < "$err")"; rm -f "$bundle" "$err"; return; fi',
    `  img="$(unzip -p "$bundle" ${COMPOSE_FILE} 2>/dev/null | sed -n -E 's/^[[:space:]]+image:[[:space:]]*"?([^"[:space:]]+)"?[[:space:]]*$/\\1/p' | head -n 1)"`,
    '  rm -f "$bundle" "$err"',
    `  if [ -z "$img" ]; then state=wrong; detail="$EB_ENVIRONMENT runs version $label, whose bundle has no ${COMPOSE_FILE} image line"; return; fi`,
    '  if [ "$img" != "$expected" ]; then state=wrong; detail="$EB_ENVIRONMENT runs version $label with image $img, not $expected"; return; fi',
    '  state=ok; detail="$EB_ENVIRONMENT runs version $label with $expected"',
];
