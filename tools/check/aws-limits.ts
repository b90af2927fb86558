// AWS's documented hard limits and quotas, and a pure check of an offline plan against them: anything
// AWS's quotas and validation would refuse, the offline plan refuses first. Each limit is a data entry
// citing the page it comes from and the date it was checked; `checkLimits(plan)` only reads the Plan
// (docs/limits.md), so it knows nothing of the program that produced it.
//
// Numbers and patterns were read on the cited pages and, where an API model carries them, cross-checked
// against the models the AWS SDKs are generated from (botocore 1.43.11 `service-2.json`: the
// `min`/`max`/`pattern` of each request member), on 2026-12-01. docs/limits.md says what is left out.
import type { Plan, PlannedResource } from "../plan/mock-engine";
import { idIsArn, mockArn, mockId, physicalNameOf } from "../plan/identities";
import { INSTANCE_CLASS } from "../../infra/config/rds-shapes";

/** When every limit below was last read on its source page. */
export const CHECKED = "2026-12-01";

// The Plan JSON contract's placeholders (tools/plan/mock-engine.ts SECRET / UNKNOWN), repeated so this module
// loads without the Pulumi runtime. A value that is one of them cannot be checked offline.
const SECRET = "[secret]";
const UNKNOWN = "[unknown]";

export interface LimitSource {
    title: string;
    url: string;
    /** Date the page was read for this limit. */
    checked: string;
}

const source = (title: string, url: string): LimitSource => ({ title, url, checked: CHECKED });

/** The pages the limits come from. */
export const SOURCES = {
    iamQuotas: source("IAM and AWS STS quotas, name requirements, and character limits", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"),
    iamCreateRole: source("CreateRole - AWS Identity and Access Management API Reference", "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"),
    iamPutRolePolicy: source("PutRolePolicy - AWS Identity and Access Management API Reference", "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html"),
    iamCreatePolicy: source("CreatePolicy - AWS Identity and Access Management API Reference", "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html"),
    iamCreateInstanceProfile: source(
        "CreateInstanceProfile - AWS Identity and Access Management API Reference",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html",
    ),
    vpcQuotas: source("Amazon VPC quotas", "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html"),
    ec2CreateSecurityGroup: source("CreateSecurityGroup - Amazon Elastic Compute Cloud API Reference", "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"),
    ec2IpRange: source("IpRange - Amazon Elastic Compute Cloud API Reference", "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html"),
    vpcCidrBlocks: source("VPC CIDR blocks - Amazon Virtual Private Cloud", "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html"),
    ec2CreateSubnet: source("CreateSubnet - Amazon Elastic Compute Cloud API Reference", "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html"),
    ecsQuotas: source("Amazon ECS service quotas", "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html"),
    ecsRegisterTaskDefinition: source(
        "RegisterTaskDefinition - Amazon Elastic Container Service API Reference",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html",
    ),
    rdsCreateDbCluster: source("CreateDBCluster - Amazon Relational Database Service API Reference", "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html"),
    rdsCreateDbInstance: source("CreateDBInstance - Amazon Relational Database Service API Reference", "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html"),
    rdsCreateDbSubnetGroup: source("CreateDBSubnetGroup - Amazon Relational Database Service API Reference", "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html"),
    ecsCreateCluster: source("CreateCluster - Amazon Elastic Container Service API Reference", "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html"),
    ecsCreateService: source("CreateService - Amazon Elastic Container Service API Reference", "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"),
    ecsContainerDefinition: source("ContainerDefinition - Amazon Elastic Container Service API Reference", "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html"),
    elbCreateLoadBalancer: source("CreateLoadBalancer - Elastic Load Balancing API Reference", "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html"),
    elbCreateTargetGroup: source("CreateTargetGroup - Elastic Load Balancing API Reference", "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html"),
    pulumiTargetGroup: source("aws.lb.TargetGroup | Pulumi Registry (namePrefix)", "https://www.pulumi.com/registry/packages/aws/api-docs/lb/targetgroup/"),
    s3BucketNaming: source("General purpose bucket naming rules - Amazon Simple Storage Service", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"),
    pulumiBucket: source("aws.s3.Bucket | Pulumi Registry (bucketPrefix)", "https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucket/"),
    logsCreateLogGroup: source("CreateLogGroup - Amazon CloudWatch Logs API Reference", "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"),
    ssmPutParameter: source("PutParameter - AWS Systems Manager API Reference", "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html"),
    secretsCreateSecret: source("CreateSecret - AWS Secrets Manager API Reference", "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html"),
    codebuildCreateProject: source("CreateProject - AWS CodeBuild API Reference", "https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html"),
    // Read 2026-12-02 in @pulumi/aws 7.48 (cloudwatch/eventRule.d.ts, types/input.d.ts EventTargetInputTransformer)
    // and terraform-provider-aws internal/service/events rule.go, target.go (validateRuleName, StringLenBetween(1, 8192)),
    // which cite these pages; the pages themselves were not read offline.
    // awsdocs/aws-cloudformation-user-guide#54 (AWS's docs team added the note), aws/aws-cdk#1749 and #2242, awsdocs/aws-codebuild-user-guide#51.
    codebuildBadge: source("AWS::CodeBuild::Project BadgeEnabled (\"build badges aren't supported for source CODEPIPELINE\"); CodeBuild build badges sample", "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-codebuild-project.html"),
    sfnStateName: source("AWS Step Functions API Reference, StateEnteredEventDetails name (1–80 characters; no white space, brackets, wildcards or special characters)", "https://docs.aws.amazon.com/step-functions/latest/apireference/API_StateEnteredEventDetails.html"),
    eventsQuotas: source("Amazon EventBridge quotas (event pattern 2,048 characters by default, 4,096 on request)", "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html"),
    eventsPutRule: source("PutRule - Amazon EventBridge API Reference", "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html"),
    eventsInputTransformer: source("InputTransformer - Amazon EventBridge API Reference", "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html"),
    codepipelineDeclaration: source("PipelineDeclaration - AWS CodePipeline API Reference", "https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineDeclaration.html"),
    codepipelineAction: source("ActionDeclaration - AWS CodePipeline API Reference", "https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ActionDeclaration.html"),
    codepipelineStructure: source("CodePipeline pipeline structure reference", "https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html"),
    snsCreateTopic: source("CreateTopic - Amazon Simple Notification Service API Reference", "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"),
    kmsCreateAlias: source("CreateAlias - AWS Key Management Service API Reference", "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"),
    ebCreateEnvironment: source("CreateEnvironment - AWS Elastic Beanstalk API Reference", "https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_CreateEnvironment.html"),
    ebCreateApplication: source("CreateApplication - AWS Elastic Beanstalk API Reference", "https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_CreateApplication.html"),
    ebCreateApplicationVersion: source(
        "CreateApplicationVersion - AWS Elastic Beanstalk API Reference",
        "https://docs.aws.amazon.com/elasticbeanstalk/latest/api/API_CreateApplicationVersion.html",
    ),
    ebEnvironmentProperties: source("eb clone (--envvars constraints) - AWS Elastic Beanstalk", "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/eb3-clone.html"),
    ebSetenv: source("eb setenv - AWS Elastic Beanstalk", "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/eb3-setenv.html"),
    ebTagging: source("Tagging Elastic Beanstalk environments", "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/using-features.tagging.html"),
    cloudMapNamespace: source("CreatePrivateDnsNamespace - AWS Cloud Map API Reference", "https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html"),
    cloudMapService: source("CreateService - AWS Cloud Map API Reference", "https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html"),
    apigwApis: source("Apis - Amazon API Gateway Version 2 API Reference", "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html"),
    apigwStages: source("Stages - Amazon API Gateway Version 2 API Reference", "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-stages.html"),
    apigwVpcLinks: source("VpcLinks - Amazon API Gateway Version 2 API Reference", "https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/vpclinks.html"),
    ecrCreateRepository: source("CreateRepository - Amazon Elastic Container Registry API Reference", "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html"),
    ecrPutLifecyclePolicy: source("PutLifecyclePolicy - Amazon Elastic Container Registry API Reference", "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html"),
    cloudwatchPutDashboard: source("PutDashboard - Amazon CloudWatch API Reference", "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html"),
    notificationsCreateRule: source(
        "CreateNotificationRule - AWS CodeStar Notifications API Reference",
        "https://docs.aws.amazon.com/codestar-notifications/latest/APIReference/API_CreateNotificationRule.html",
    ),
    elbFixedResponse: source("FixedResponseActionConfig - Elastic Load Balancing API Reference", "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_FixedResponseActionConfig.html"),
    autoscalingMetricMath: source(
        "Create a target tracking scaling policy for Application Auto Scaling using metric math",
        "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html",
    ),
    autoscalingPutScalingPolicy: source(
        "PutScalingPolicy - Application Auto Scaling API Reference",
        "https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html",
    ),
    tagging: source("Tagging your AWS resources: tag naming limits and requirements", "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html"),
    githubSecrets: source("Using secrets in GitHub Actions", "https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions"),
    githubVariables: source("Store information in variables - GitHub Docs", "https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/store-information-in-variables"),
    githubEnvironments: source(
        "Managing environments for deployment - GitHub Docs",
        "https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment",
    ),
} satisfies Record<string, LimitSource>;

/** A name rule as AWS validates it. */
export interface NameSpec {
    min?: number;
    max: number;
    /** One allowed character (tested per character, to name the offending ones). */
    chars?: RegExp;
    /** The whole name's shape, beyond its characters. */
    pattern?: RegExp;
    /** The allowed characters and shape, as the source says them. */
    allowed?: string;
    notStartWith?: string[];
    notEndWith?: string[];
    /** Prefixes compared case-insensitively. */
    caseInsensitive?: boolean;
    /** Shapes AWS refuses, with how to say so. */
    forbid?: { re: RegExp; says: string }[];
}

export interface Limit {
    /** Stable id, e.g. `iam.role.inline-policies-size`. */
    id: string;
    /** What AWS limits. */
    what: string;
    /** The bound, as a reader checks it: "≤ 10,240 characters in total, whitespace not counted". */
    bound: string;
    /** How to get back within it. */
    fix: string;
    source: LimitSource;
    /** A default quota an account may raise in Service Quotas; offline the plan enforces the default. */
    adjustable?: boolean;
    min?: number;
    max?: number;
    name?: NameSpec;
}

type LimitDef = Omit<Limit, "id">;

const IAM_NAME: NameSpec = { min: 1, max: 64, chars: /[\w+=,.@-]/, allowed: "letters, digits and _+=,.@-" };
const IAM_PATH_CHARS = /^(\/|\/[\u0021-\u007E]+\/)$/;
/** RDS identifiers (CreateDBCluster DBClusterIdentifier, CreateDBInstance DBInstanceIdentifier): stored lower-case. */
const RDS_IDENTIFIER: NameSpec = { min: 1, max: 63, chars: /[A-Za-z0-9-]/, pattern: /^[A-Za-z](?!.*--)(?!.*-$)/, allowed: "letters, digits and hyphens, first a letter, no '--', no trailing '-'" };
const SG_TEXT = /[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]/;
const SG_TEXT_ALLOWED = "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*";
const ECS_NAME: NameSpec = { min: 1, max: 255, chars: /[A-Za-z0-9_-]/, allowed: "letters, digits, underscores and hyphens" };
const ELB_NAME: NameSpec = {
    min: 1,
    max: 32,
    chars: /[A-Za-z0-9-]/,
    allowed: "letters, digits and hyphens, not starting or ending with a hyphen",
    notStartWith: ["-"],
    notEndWith: ["-"],
};
const PIPELINE_NAME: NameSpec = { min: 1, max: 100, chars: /[A-Za-z0-9.@_-]/, allowed: "letters, digits and .@_-" };
const GITHUB_NAME: NameSpec = {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    chars: /[A-Za-z0-9_]/,
    pattern: /^[A-Za-z_]/,
    allowed: "letters, digits and underscores, not starting with a digit",
    notStartWith: ["GITHUB_"],
    caseInsensitive: true,
};

const DEFS = {
    // ---- IAM ----
    "iam.role.inline-policies-size": {
        what: "total size of a role's inline policies",
        bound: "≤ 10,240 characters in total per role, whitespace not counted",
        max: 10240,
        fix: "move statements into customer managed policies (each ≤ 6,144 characters) attached with RolePolicyAttachment, or split the role",
        source: SOURCES.iamQuotas,
    },
    "iam.policy.size": {
        what: "size of a managed policy document",
        bound: "≤ 6,144 characters, whitespace not counted",
        max: 6144,
        fix: "split the statements over several managed policies",
        source: SOURCES.iamQuotas,
    },
    "iam.role.trust-policy-size": {
        what: "size of a role trust (assume-role) policy",
        bound: "≤ 2,048 characters, whitespace not counted (default quota)",
        max: 2048,
        adjustable: true,
        fix: "merge conditions (one statement with a list of subjects), or raise the quota in Service Quotas and record it here",
        source: SOURCES.iamQuotas,
    },
    "iam.role.managed-policies": {
        what: "managed policies attached to a role",
        bound: "≤ 10 per role (default quota)",
        max: 10,
        adjustable: true,
        fix: "merge managed policies, or raise the quota in Service Quotas and record it here",
        source: SOURCES.iamQuotas,
    },
    "iam.policy-document.characters": {
        what: "characters of a policy document",
        bound: "only tab, line feed, carriage return and U+0020–U+00FF",
        fix: "replace the other characters (typographic dashes and quotes, emoji) with ASCII",
        source: SOURCES.iamQuotas,
    },
    "iam.role.name": {
        what: "role name",
        bound: "1–64 characters: letters, digits and _+=,.@-",
        name: IAM_NAME,
        fix: "shorten the name (or the logical name, when the role is auto-named)",
        source: SOURCES.iamCreateRole,
    },
    "iam.role.path": {
        what: "role path",
        bound: "1–512 characters, `/` or `/…/` of printable ASCII",
        name: { min: 1, max: 512, pattern: IAM_PATH_CHARS, allowed: "`/` alone, or printable ASCII starting and ending with `/`" },
        fix: "start and end the path with `/` and keep it within 512 characters",
        source: SOURCES.iamCreateRole,
    },
    "iam.role.description": {
        what: "role description",
        bound: "≤ 1,000 characters of tab, LF, CR, U+0020–U+007E and U+00A1–U+00FF",
        name: { min: 0, max: 1000, chars: /[\t\n\r\u0020-\u007E\u00A1-\u00FF]/, allowed: "tab, LF, CR, printable ASCII and U+00A1–U+00FF" },
        fix: "shorten the description and use plain ASCII punctuation",
        source: SOURCES.iamCreateRole,
    },
    "iam.role.max-session-duration": {
        what: "role maximum session duration",
        bound: "3,600–43,200 seconds",
        min: 3600,
        max: 43200,
        fix: "set maxSessionDuration between 1 and 12 hours",
        source: SOURCES.iamCreateRole,
    },
    "iam.policy.name": {
        what: "managed policy name",
        bound: "1–128 characters: letters, digits and _+=,.@-",
        name: { ...IAM_NAME, max: 128 },
        fix: "shorten the policy name",
        source: SOURCES.iamCreatePolicy,
    },
    "iam.policy.path": {
        what: "managed policy path",
        bound: "≤ 512 characters: `/` or `/segment/…/` of letters, digits and .,+@=_-",
        name: { min: 1, max: 512, pattern: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/, allowed: "`/`-separated segments of letters, digits and .,+@=_-, ending with `/`" },
        fix: "start and end the path with `/`, with segments of letters, digits and .,+@=_-",
        source: SOURCES.iamCreatePolicy,
    },
    "iam.policy.description": {
        what: "managed policy description",
        bound: "≤ 1,000 characters",
        name: { min: 0, max: 1000 },
        fix: "shorten the description",
        source: SOURCES.iamCreatePolicy,
    },
    "iam.inline-policy.name": {
        what: "inline policy name",
        bound: "1–128 characters: letters, digits and _+=,.@-",
        name: { ...IAM_NAME, max: 128 },
        fix: "shorten the policy name (or the logical name, when it is auto-named)",
        source: SOURCES.iamPutRolePolicy,
    },
    "iam.instance-profile.name": {
        what: "instance profile name",
        bound: "1–128 characters: letters, digits and _+=,.@-",
        name: { ...IAM_NAME, max: 128 },
        fix: "shorten the instance profile name (or its logical name)",
        source: SOURCES.iamCreateInstanceProfile,
    },
    "iam.instance-profile.path": {
        what: "instance profile path",
        bound: "1–512 characters, `/` or `/…/` of printable ASCII",
        name: { min: 1, max: 512, pattern: IAM_PATH_CHARS, allowed: "`/` alone, or printable ASCII starting and ending with `/`" },
        fix: "start and end the path with `/` and keep it within 512 characters",
        source: SOURCES.iamCreateInstanceProfile,
    },

    // ---- Security groups (VPC) ----
    "ec2.security-group.inbound-rules": {
        what: "inbound rules per security group",
        bound: "≤ 60 per IP family (default quota; each CIDR, security group or prefix list in a rule counts as one rule)",
        max: 60,
        adjustable: true,
        fix: "group sources into a managed prefix list or a source security group, or split the group",
        source: SOURCES.vpcQuotas,
    },
    "ec2.security-group.outbound-rules": {
        what: "outbound rules per security group",
        bound: "≤ 60 per IP family (default quota; each CIDR, security group or prefix list in a rule counts as one rule)",
        max: 60,
        adjustable: true,
        fix: "group destinations into a managed prefix list or a security group, or split the group",
        source: SOURCES.vpcQuotas,
    },
    "ec2.security-group.description": {
        what: "security group description",
        bound: `≤ 255 characters of ${SG_TEXT_ALLOWED}`,
        name: { min: 0, max: 255, chars: SG_TEXT, allowed: SG_TEXT_ALLOWED },
        fix: "rephrase with those characters only: no apostrophes, typographic dashes or accented letters",
        source: SOURCES.ec2CreateSecurityGroup,
    },
    "ec2.security-group.name": {
        what: "security group name",
        bound: `≤ 255 characters of ${SG_TEXT_ALLOWED}, not starting with sg-`,
        name: { min: 1, max: 255, chars: SG_TEXT, allowed: SG_TEXT_ALLOWED, notStartWith: ["sg-"] },
        fix: "rename the group",
        source: SOURCES.ec2CreateSecurityGroup,
    },
    "ec2.security-group-rule.description": {
        what: "security group rule description",
        bound: `≤ 255 characters of ${SG_TEXT_ALLOWED}`,
        name: { min: 0, max: 255, chars: SG_TEXT, allowed: SG_TEXT_ALLOWED },
        fix: "rephrase with those characters only: no apostrophes, typographic dashes or accented letters",
        source: SOURCES.ec2IpRange,
    },

    // ---- VPC and subnets ----
    "vpc.cidr.syntax": {
        what: "IPv4 CIDR block",
        bound: "a.b.c.d/n with octets 0–255 and n 0–32, at its network address (no host bits set)",
        fix: "write the block at its network address, e.g. 10.0.0.0/16 rather than 10.0.0.1/16",
        source: SOURCES.vpcCidrBlocks,
    },
    "vpc.cidr.size": {
        what: "VPC IPv4 block size",
        bound: "between /16 and /28",
        min: 16,
        max: 28,
        fix: "choose a VPC block between /16 (65,536 addresses) and /28 (16 addresses)",
        source: SOURCES.vpcCidrBlocks,
    },
    "subnet.cidr.size": {
        what: "subnet IPv4 block size",
        bound: "between /16 and /28",
        min: 16,
        max: 28,
        fix: "choose a subnet block between /16 and /28",
        source: SOURCES.ec2CreateSubnet,
    },
    "subnet.cidr.inside-vpc": {
        what: "subnet IPv4 block",
        bound: "inside one of its VPC's IPv4 blocks",
        fix: "carve the subnet out of the VPC's block (or associate a secondary block with the VPC)",
        source: SOURCES.ec2CreateSubnet,
    },
    "subnet.cidr.no-overlap": {
        what: "subnet IPv4 blocks of one VPC",
        bound: "must not overlap",
        fix: "give each subnet its own range",
        source: SOURCES.ec2CreateSubnet,
    },

    // ---- ECS ----
    "ecs.task-definition.size": {
        what: "task definition size",
        bound: "≤ 64 KiB (65,536 bytes)",
        max: 65536,
        fix: "move large values (environment, labels, commands) to secrets, SSM parameters or environment files",
        source: SOURCES.ecsQuotas,
    },
    "ecs.task-definition.containers": {
        what: "containers per task definition",
        bound: "≤ 10",
        max: 10,
        fix: "split the containers over several task definitions",
        source: SOURCES.ecsQuotas,
    },
    "ecs.task-definition.container-definitions": {
        what: "containerDefinitions",
        bound: "a JSON array of container definitions",
        fix: "pass a JSON array (JSON.stringify of the definitions)",
        source: SOURCES.ecsRegisterTaskDefinition,
    },
    "ecs.task-definition.family": {
        what: "task definition family",
        bound: "1–255 letters, digits, underscores and hyphens",
        name: ECS_NAME,
        fix: "rename the family",
        source: SOURCES.ecsRegisterTaskDefinition,
    },
    "ecs.container.name": {
        what: "container name",
        bound: "1–255 letters, digits, underscores and hyphens",
        name: ECS_NAME,
        fix: "rename the container",
        source: SOURCES.ecsContainerDefinition,
    },
    // ---- RDS ----
    "rds.cluster.identifier": {
        what: "DB cluster identifier",
        bound: "1–63 letters, digits or hyphens; first a letter; no two consecutive hyphens; not ending with a hyphen",
        name: RDS_IDENTIFIER,
        fix: "shorten slipway:appName or the stack name (the identifier is <app>-<stack>)",
        source: SOURCES.rdsCreateDbCluster,
    },
    "rds.cluster.final-snapshot": {
        what: "final DB cluster snapshot identifier",
        bound: "1–255 letters, digits or hyphens; first a letter; no two consecutive hyphens; not ending with a hyphen",
        name: { ...RDS_IDENTIFIER, max: 255 },
        fix: "shorten the cluster identifier (the snapshot is <cluster>-final)",
        source: SOURCES.rdsCreateDbCluster,
    },
    "rds.cluster.database-name": {
        what: "Aurora PostgreSQL database name",
        bound: "1–63 letters, digits and underscores, first a letter",
        name: { min: 1, max: 63, chars: /[A-Za-z0-9_]/, pattern: /^[A-Za-z]/, allowed: "letters, digits and _, first a letter" },
        fix: "pulumi config set --path 'slipway:database.name' app",
        source: SOURCES.rdsCreateDbCluster,
    },
    "rds.cluster.master-username": {
        what: "master username",
        bound: "1–16 letters or digits (slipway also allows _, which PostgreSQL user names take), first a letter",
        name: { min: 1, max: 16, chars: /[A-Za-z0-9_]/, pattern: /^[A-Za-z]/, allowed: "letters, digits and _, first a letter" },
        fix: "pulumi config set --path 'slipway:database.username' app",
        source: SOURCES.rdsCreateDbCluster,
    },
    "rds.instance.identifier": {
        what: "DB instance identifier",
        bound: "1–63 letters, digits or hyphens; first a letter; no two consecutive hyphens; not ending with a hyphen",
        name: RDS_IDENTIFIER,
        fix: "shorten the cluster identifier (the writer is <cluster>-writer)",
        source: SOURCES.rdsCreateDbInstance,
    },
    // slipway:database.kind instance: one RDS for PostgreSQL DB instance (aws.rds.Instance).
    "rds.instance.final-snapshot": {
        what: "final DB snapshot identifier",
        bound: "1–255 letters, digits or hyphens; first a letter; no two consecutive hyphens; not ending with a hyphen",
        name: { ...RDS_IDENTIFIER, max: 255 },
        fix: "shorten the instance identifier (the snapshot is <id>-final)",
        source: SOURCES.rdsCreateDbInstance,
    },
    "rds.instance.database-name": {
        what: "RDS for PostgreSQL database name (DBName)",
        bound: "1–63 letters, digits and underscores, first a letter",
        name: { min: 1, max: 63, chars: /[A-Za-z0-9_]/, pattern: /^[A-Za-z]/, allowed: "letters, digits and _, first a letter" },
        fix: "pulumi config set --path 'slipway:database.name' app",
        source: SOURCES.rdsCreateDbInstance,
    },
    "rds.instance.master-username": {
        what: "master username",
        bound: "1–63 letters or digits for RDS for PostgreSQL (slipway allows 16, and also _), first a letter",
        name: { min: 1, max: 63, chars: /[A-Za-z0-9_]/, pattern: /^[A-Za-z]/, allowed: "letters, digits and _, first a letter" },
        fix: "pulumi config set --path 'slipway:database.username' app",
        source: SOURCES.rdsCreateDbInstance,
    },
    "rds.instance.allocated-storage": {
        what: "allocated storage of an RDS for PostgreSQL instance on gp3 (AllocatedStorage, GiB)",
        bound: "an integer from 20 to 65,536 GiB (General Purpose SSD, gp2 and gp3)",
        min: 20,
        max: 65536,
        fix: "pulumi config set --path 'slipway:database.allocatedStorage' 20",
        source: SOURCES.rdsCreateDbInstance,
    },
    "rds.instance.class": {
        what: "DB instance class (DBInstanceClass)",
        bound: "db.<family>.<size>, e.g. db.t4g.micro; db.serverless only in an Aurora cluster",
        fix: "pulumi config set --path 'slipway:database.instanceClass' db.t4g.micro",
        source: SOURCES.rdsCreateDbInstance,
    },
    "rds.subnet-group.name": {
        what: "DB subnet group name",
        bound: "1–255 letters, digits, periods, underscores, spaces or hyphens; not default",
        name: { min: 1, max: 255, chars: /[A-Za-z0-9._ -]/, allowed: "letters, digits, periods, underscores, spaces and hyphens", pattern: /^(?!default$)/i },
        fix: "rename the subnet group",
        source: SOURCES.rdsCreateDbSubnetGroup,
    },
    "ecs.cluster.name": {
        what: "cluster name",
        bound: "1–255 letters, digits, underscores and hyphens",
        name: ECS_NAME,
        fix: "rename the cluster",
        source: SOURCES.ecsCreateCluster,
    },
    "ecs.service.name": {
        what: "service name",
        bound: "1–255 letters, digits, underscores and hyphens",
        name: ECS_NAME,
        fix: "rename the service",
        source: SOURCES.ecsCreateService,
    },

    // ---- Load balancing ----
    "elb.load-balancer.name": {
        what: "load balancer name",
        bound: "1–32 letters, digits and hyphens, not starting or ending with a hyphen, not starting with internal-",
        name: { ...ELB_NAME, notStartWith: ["-", "internal-"] },
        fix: "give an explicit name of at most 32 characters (an auto-name adds 8 to the logical name)",
        source: SOURCES.elbCreateLoadBalancer,
    },
    "elb.target-group.name": {
        what: "target group name",
        bound: "1–32 letters, digits and hyphens, not starting or ending with a hyphen",
        name: ELB_NAME,
        fix: "give an explicit name of at most 32 characters (an auto-name adds 8 to the logical name)",
        source: SOURCES.elbCreateTargetGroup,
    },
    "elb.target-group.name-prefix": {
        what: "target group namePrefix",
        bound: "≤ 6 characters",
        name: { min: 1, max: 6 },
        fix: "shorten namePrefix to 6 characters, or give a full name",
        source: SOURCES.pulumiTargetGroup,
    },

    // ---- S3 ----
    "s3.bucket.name": {
        what: "bucket name",
        bound: "3–63 lowercase letters, digits, dots and hyphens; starts and ends with a letter or digit; no `..`; not an IP address; reserved prefixes and suffixes refused",
        name: {
            min: 3,
            max: 63,
            chars: /[a-z0-9.-]/,
            pattern: /^[a-z0-9](?:.*[a-z0-9])?$/,
            allowed: "lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
            notStartWith: ["xn--", "sthree-", "amzn-s3-demo-"],
            notEndWith: ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"],
            forbid: [
                { re: /\.\./, says: "has two adjacent periods" },
                { re: /^\d{1,3}(\.\d{1,3}){3}$/, says: "is formatted as an IP address" },
            ],
        },
        fix: "rename the bucket (lowercase, no `..`, within 63 characters)",
        source: SOURCES.s3BucketNaming,
    },
    "s3.bucket.prefix": {
        what: "bucketPrefix",
        bound: "≤ 37 characters, lowercase (the provider appends 26 characters)",
        name: { min: 1, max: 37, chars: /[a-z0-9.-]/, allowed: "lowercase letters, digits, dots and hyphens" },
        fix: "shorten bucketPrefix to 37 characters",
        source: SOURCES.pulumiBucket,
    },

    // ---- Names of the other resources slipway declares ----
    "logs.log-group.name": {
        what: "log group name",
        bound: "1–512 characters of a-z, A-Z, 0-9, _-/.#, not starting with aws/",
        name: { min: 1, max: 512, chars: /[.\-_/#A-Za-z0-9]/, allowed: "a-z, A-Z, 0-9 and _-/.#", notStartWith: ["aws/"] },
        fix: "rename the log group",
        source: SOURCES.logsCreateLogGroup,
    },
    "ssm.parameter.name": {
        what: "parameter name",
        bound: "a-zA-Z0-9_.- and `/`; a path starts with `/`; not prefixed aws or ssm; ≤ 15 levels; ≤ 1,011 characters counting the ARN before the name",
        name: { min: 1, max: 2048, chars: /[A-Za-z0-9_.\-/]/, allowed: "a-zA-Z0-9_.- and `/` between hierarchy levels" },
        fix: "rename the parameter: fewer levels, a shorter path, no aws/ssm prefix",
        source: SOURCES.ssmPutParameter,
    },
    "ssm.parameter.value": {
        what: "parameter value",
        bound: "≤ 4 KB (Standard tier), ≤ 8 KB (Advanced)",
        max: 4096,
        fix: "store large values in S3 or Secrets Manager, or use the Advanced tier",
        source: SOURCES.ssmPutParameter,
    },
    "ssm.parameter.description": {
        what: "parameter description",
        bound: "≤ 1,024 characters",
        name: { min: 0, max: 1024 },
        fix: "shorten the description",
        source: SOURCES.ssmPutParameter,
    },
    "secretsmanager.secret.name": {
        what: "secret name",
        bound: "1–512 ASCII letters, digits and /_+=.@- (a namePrefix gets 26 characters appended)",
        name: { min: 1, max: 512, chars: /[A-Za-z0-9/_+=.@-]/, allowed: "ASCII letters, digits and /_+=.@-" },
        fix: "shorten the name or namePrefix",
        source: SOURCES.secretsCreateSecret,
    },
    "secretsmanager.secret.description": {
        what: "secret description",
        bound: "≤ 2,048 characters",
        name: { min: 0, max: 2048 },
        fix: "shorten the description",
        source: SOURCES.secretsCreateSecret,
    },
    "codebuild.project.name": {
        what: "build project name",
        bound: "2–150 characters: a letter or digit, then letters, digits, hyphens and underscores",
        name: { min: 2, max: 150, chars: /[A-Za-z0-9_-]/, pattern: /^[A-Za-z0-9]/, allowed: "letters, digits, hyphens and underscores, starting with a letter or digit" },
        fix: "rename the project",
        source: SOURCES.codebuildCreateProject,
    },
    "codebuild.project.description": {
        what: "build project description",
        bound: "≤ 255 characters",
        name: { min: 0, max: 255 },
        fix: "shorten the description",
        source: SOURCES.codebuildCreateProject,
    },
    "codebuild.project.badge": {
        what: "build badge",
        bound: "only for projects with a repository source (GitHub, GitHub Enterprise, Bitbucket, CodeCommit): CodeBuild answers InvalidInputException \"Build badges are not supported for CodePipeline source\"",
        fix: "drop badgeEnabled; for a pipeline's status use slipway:githubStatus and its githubBadges output (docs/releases.md)",
        source: SOURCES.codebuildBadge,
    },
    "codebuild.project.timeouts": {
        what: "build project timeouts",
        bound: "buildTimeout 5–2,160 minutes, queuedTimeout 5–480 minutes",
        fix: "set the timeouts within range",
        source: SOURCES.codebuildCreateProject,
    },
    "events.rule.name": {
        what: "EventBridge rule name",
        bound: "1–64 characters: letters, digits, '.', '-' and '_'",
        name: { min: 1, max: 64, chars: /[A-Za-z0-9._-]/, allowed: "letters, digits, '.', '-' and '_'" },
        fix: "rename the rule",
        source: SOURCES.eventsPutRule,
    },
    "events.rule.description": {
        what: "EventBridge rule description",
        bound: "≤ 512 characters",
        name: { min: 0, max: 512 },
        fix: "shorten the description",
        source: SOURCES.eventsPutRule,
    },
    "states.definition.state-name": {
        what: "Step Functions state name",
        bound: "1–80 characters, none of white space, < > { } [ ] ? * \" # % \\ ^ | ~ ` $ & , ; : /",
        max: 80,
        fix: "name the state shorter, without spaces or special characters (e.g. Restart-1, with the service in its Comment)",
        source: SOURCES.sfnStateName,
    },
    "events.rule.pattern": {
        what: "EventBridge event pattern",
        bound: "≤ 2,048 characters (the default quota; 4,096 after a quota increase)",
        max: 2048,
        fix: "match fewer values (or raise the account's quota and say so)",
        source: SOURCES.eventsQuotas,
    },
    "events.target.input-transformer": {
        what: "EventBridge input transformer",
        bound: "template 1–8,192 characters; ≤ 100 input paths, none named AWS…",
        min: 1,
        max: 8192,
        fix: "shorten the template or pass fewer paths",
        source: SOURCES.eventsInputTransformer,
    },
    "codepipeline.pipeline.name": {
        what: "pipeline name",
        bound: "1–100 characters: letters, digits and .@_-",
        name: PIPELINE_NAME,
        fix: "rename the pipeline",
        source: SOURCES.codepipelineDeclaration,
    },
    "codepipeline.stage.name": {
        what: "stage name",
        bound: "1–100 characters: letters, digits and .@_-; unique in the pipeline",
        name: PIPELINE_NAME,
        fix: "rename the stage",
        source: SOURCES.codepipelineStructure,
    },
    "codepipeline.action.name": {
        what: "action name",
        bound: "1–100 characters: letters, digits and .@_-; unique in its stage",
        name: PIPELINE_NAME,
        fix: "rename the action",
        source: SOURCES.codepipelineStructure,
    },
    "codepipeline.action.namespace": {
        what: "action variable namespace",
        // ActionDeclaration.namespace: 1–100 of [A-Za-z0-9@\-_]; CodePipeline refuses a pipeline whose
        // actions share one (InvalidActionDeclarationException: namespaces must be unique in the pipeline).
        bound: "1–100 characters: letters, digits and @_-; unique in the pipeline",
        name: { min: 1, max: 100, chars: /[A-Za-z0-9@_-]/, allowed: "letters, digits and @_-" },
        fix: "give each action its own namespace",
        source: SOURCES.codepipelineAction,
    },
    "sns.topic.name": {
        what: "topic name",
        bound: "1–256 ASCII letters, digits, underscores and hyphens (a FIFO topic ends with .fifo)",
        name: { min: 1, max: 256, chars: /[A-Za-z0-9_.-]/, pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/, allowed: "ASCII letters, digits, underscores and hyphens (and a final .fifo)" },
        fix: "rename the topic",
        source: SOURCES.snsCreateTopic,
    },
    "kms.alias.name": {
        what: "KMS alias name",
        bound: "1–256 characters: alias/ then letters, digits and /_-; not alias/aws/",
        name: { min: 1, max: 256, chars: /[A-Za-z0-9:/_-]/, pattern: /^alias\/[A-Za-z0-9/_-]+$/, allowed: "alias/ followed by letters, digits and /_-", notStartWith: ["alias/aws/"] },
        fix: "name the alias alias/<name> outside alias/aws/",
        source: SOURCES.kmsCreateAlias,
    },
    "elasticbeanstalk.environment.name": {
        what: "Elastic Beanstalk environment name",
        bound: "4–40 letters, digits and hyphens, not starting or ending with a hyphen",
        name: { min: 4, max: 40, chars: /[A-Za-z0-9-]/, allowed: "letters, digits and hyphens", notStartWith: ["-"], notEndWith: ["-"] },
        fix: "rename the environment (an auto-name adds 8 to the logical name)",
        source: SOURCES.ebCreateEnvironment,
    },
    "elasticbeanstalk.environment.cname-prefix": {
        what: "Elastic Beanstalk CNAME prefix",
        bound: "4–63 characters",
        name: { min: 4, max: 63 },
        fix: "shorten the CNAME prefix",
        source: SOURCES.ebCreateEnvironment,
    },
    "elasticbeanstalk.application.name": {
        what: "Elastic Beanstalk application name",
        bound: "1–100 characters",
        name: { min: 1, max: 100 },
        fix: "shorten the application name",
        source: SOURCES.ebCreateApplication,
    },
    "elasticbeanstalk.version.label": {
        what: "Elastic Beanstalk version label",
        bound: "1–100 characters",
        name: { min: 1, max: 100 },
        fix: "shorten the version label",
        source: SOURCES.ebCreateApplicationVersion,
    },
    "elasticbeanstalk.description": {
        what: "Elastic Beanstalk description",
        bound: "≤ 200 characters",
        name: { min: 0, max: 200 },
        fix: "shorten the description",
        source: SOURCES.ebCreateApplication,
    },
    "elasticbeanstalk.environment-property": {
        what: "Elastic Beanstalk environment property",
        bound: "key ≤ 128 characters, value ≤ 256 characters",
        fix: "pass longer values through Secrets Manager or SSM and keep only their name or ARN in the property",
        source: SOURCES.ebEnvironmentProperties,
    },
    "elasticbeanstalk.environment-properties-size": {
        what: "combined size of an environment's properties",
        bound: "≤ 4,096 bytes as key=value strings",
        max: 4096,
        fix: "move values to Secrets Manager or SSM parameters",
        source: SOURCES.ebSetenv,
    },
    "servicediscovery.namespace.name": {
        what: "Cloud Map DNS namespace name",
        bound: "1–253 printable ASCII characters, not starting with arn:",
        name: { min: 1, max: 253, chars: /[!-~]/, allowed: "printable ASCII without spaces", notStartWith: ["arn:"] },
        fix: "rename the namespace",
        source: SOURCES.cloudMapNamespace,
    },
    "servicediscovery.service.name": {
        what: "Cloud Map service name",
        bound: "≤ 127 characters of dot-separated labels (letters, digits, _ and inner hyphens, ≤ 63 each)",
        name: {
            min: 1,
            max: 127,
            pattern: /^(([a-zA-Z0-9_][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(\.([a-zA-Z0-9_][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))*|\.)$/,
            allowed: "dot-separated labels of letters, digits, underscores and inner hyphens",
        },
        fix: "rename the service",
        source: SOURCES.cloudMapService,
    },
    "apigatewayv2.api.name": {
        what: "HTTP API name",
        bound: "1–128 characters",
        name: { min: 1, max: 128 },
        fix: "shorten the API name",
        source: SOURCES.apigwApis,
    },
    "apigatewayv2.stage.name": {
        what: "API stage name",
        bound: "1–128 letters, digits, hyphens and underscores, or $default",
        name: { min: 1, max: 128, pattern: /^(\$default|[A-Za-z0-9_-]+)$/, allowed: "letters, digits, hyphens and underscores, or $default" },
        fix: "rename the stage",
        source: SOURCES.apigwStages,
    },
    "apigatewayv2.vpc-link.name": {
        what: "VPC link name",
        bound: "1–128 characters",
        name: { min: 1, max: 128 },
        fix: "shorten the VPC link name",
        source: SOURCES.apigwVpcLinks,
    },
    "ecr.repository.name": {
        what: "ECR repository name",
        bound: "2–256 characters: lowercase letters and digits, separated by . _ __ or hyphens, namespaces by /",
        name: {
            min: 2,
            max: 256,
            chars: /[a-z0-9._/-]/,
            pattern: /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/,
            allowed: "lowercase letters and digits separated by . _ __ or hyphens, namespaces separated by /",
        },
        fix: "rename the repository in lowercase",
        source: SOURCES.ecrCreateRepository,
    },
    "ecr.lifecycle-policy.size": {
        what: "ECR lifecycle policy text",
        bound: "100–30,720 characters",
        min: 100,
        max: 30720,
        fix: "merge rules to fit",
        source: SOURCES.ecrPutLifecyclePolicy,
    },
    "cloudwatch.dashboard.name": {
        what: "dashboard name",
        bound: "≤ 255 characters: A-Z, a-z, 0-9, - and _",
        name: { min: 1, max: 255, chars: /[A-Za-z0-9_-]/, allowed: "A-Z, a-z, 0-9, - and _" },
        fix: "rename the dashboard",
        source: SOURCES.cloudwatchPutDashboard,
    },
    "codestarnotifications.rule.name": {
        what: "notification rule name",
        bound: "1–64 characters: letters, digits, hyphens, underscores and spaces",
        name: { min: 1, max: 64, chars: /[A-Za-z0-9\-_ ]/, allowed: "letters, digits, hyphens, underscores and spaces" },
        fix: "rename the rule (an auto-name adds 8 to the logical name)",
        source: SOURCES.notificationsCreateRule,
    },
    "appautoscaling.policy.name": {
        what: "scaling policy name",
        bound: "1–256 printable characters",
        name: { min: 1, max: 256, chars: /[^\p{Cc}]/u, allowed: "printable characters" },
        fix: "rename the policy",
        source: SOURCES.autoscalingPutScalingPolicy,
    },

    "appautoscaling.policy.metric-math": {
        what: "a target-tracking policy's metric math (customizedMetricSpecification.metrics)",
        bound: "each query has an id and exactly one of expression and metricStat; exactly one query returns data (\"must eventually return a single time series\")",
        fix: "give every query an id and either an expression or a metricStat, and set returnData true on the one expression the policy tracks only",
        source: SOURCES.autoscalingMetricMath,
    },
    "elb.rule.fixed-response": {
        what: "an ALB listener rule's fixed-response action",
        bound: "StatusCode 2XX, 4XX or 5XX; ContentType text/plain, text/css, text/html, application/javascript or application/json; MessageBody ≤ 1,024 characters",
        max: 1024,
        fix: "shorten the body (slipway:maintenancePage: at most 1024 characters), or use one of the five content types",
        source: SOURCES.elbFixedResponse,
    },

    // ---- Tags ----
    "tags.count": {
        what: "tags per resource",
        bound: "≤ 50",
        max: 50,
        fix: "drop tags, or carry them on fewer, wider keys",
        source: SOURCES.tagging,
    },
    "tags.key": {
        what: "tag key",
        bound: "1–128 characters, not starting with aws:",
        name: { min: 1, max: 128, notStartWith: ["aws:"], caseInsensitive: true },
        fix: "shorten the key; the aws: prefix is reserved for AWS",
        source: SOURCES.tagging,
    },
    "elasticbeanstalk.environment.tags": {
        what: "tags of an Elastic Beanstalk environment",
        bound: "≤ 47 (Elastic Beanstalk adds 3 of its own), keys not starting with elasticbeanstalk:",
        max: 47,
        fix: "drop tags; leave the elasticbeanstalk: keys to Elastic Beanstalk",
        source: SOURCES.ebTagging,
    },
    "tags.value": {
        what: "tag value",
        bound: "≤ 256 characters",
        name: { min: 0, max: 256 },
        fix: "shorten the value",
        source: SOURCES.tagging,
    },

    // ---- GitHub ----
    "github.secret.name": {
        what: "GitHub Actions secret name",
        bound: "letters, digits and underscores, not starting with a digit nor GITHUB_; unique (case-insensitively) where it is created",
        name: GITHUB_NAME,
        fix: "rename the secret",
        source: SOURCES.githubSecrets,
    },
    "github.secret.count": {
        what: "GitHub Actions secrets",
        bound: "≤ 100 per repository, ≤ 100 per environment",
        max: 100,
        fix: "combine secrets (one JSON secret) or move some to the organization",
        source: SOURCES.githubSecrets,
    },
    "github.variable.name": {
        what: "GitHub Actions variable name",
        bound: "letters, digits and underscores, not starting with a digit nor GITHUB_; unique (case-insensitively) where it is created",
        name: GITHUB_NAME,
        fix: "rename the variable",
        source: SOURCES.githubVariables,
    },
    "github.variable.count": {
        what: "GitHub Actions variables",
        bound: "≤ 500 per repository, ≤ 100 per environment",
        max: 500,
        fix: "combine variables or move some to the organization",
        source: SOURCES.githubVariables,
    },
    "github.variable.value": {
        what: "GitHub Actions variable value",
        bound: "≤ 48 KB",
        max: 48 * 1024,
        fix: "store large values in a file in the repository",
        source: SOURCES.githubVariables,
    },
    "github.environment.name": {
        what: "GitHub environment name",
        bound: "1–255 characters, unique in the repository (names are not case sensitive)",
        name: { min: 1, max: 255 },
        fix: "rename the environment",
        source: SOURCES.githubEnvironments,
    },
} satisfies Record<string, LimitDef>;

export type LimitId = keyof typeof DEFS;

/** Every limit the plan is checked against, by id. */
export const LIMITS: Record<LimitId, Limit> = Object.fromEntries(Object.entries(DEFS).map(([id, d]) => [id, { id, ...d }])) as Record<LimitId, Limit>;

export interface LimitViolation {
    limit: LimitId;
    type: string;
    /** Logical name. */
    name: string;
    urn: string;
    /** Where the value is: an input, or a sum such as `inline policies`. */
    property: string;
    /** The offending value or measure, e.g. `14,164 characters`. */
    value: string;
    /** The limit's bound. */
    bound: string;
    fix: string;
    source: LimitSource;
}

/** One line: resource type, logical name, the value, the limit and the fix. */
export function formatViolation(v: LimitViolation): string {
    return `${v.type} ${v.name}: ${v.property} ${v.value}; AWS allows ${v.bound} (${v.source.title}). Fix: ${v.fix}`;
}

/** What AWS would refuse in a plan, found offline. */
export class LimitError extends Error {
    constructor(readonly violations: LimitViolation[]) {
        super(violations.map(formatViolation).join("\n"));
        this.name = "LimitError";
    }
}

/** Throws a LimitError when the plan breaks any limit. */
export function assertWithinLimits(plan: Plan): void {
    const violations = checkLimits(plan);
    if (violations.length) throw new LimitError(violations);
}

// ---------------------------------------------------------------------------------------------------
// Reading the plan

/**
 * `n` with thousands separators, as `toLocaleString("en-US")` writes an integer ("1,011"). Not ICU's: its
 * first number format costs about 25 ms of a plan's start (2026-12-03), for messages most plans never print.
 */
export function thousands(n: number): string {
    if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US");
    return String(n).replace(/\B(?=(\d{3})+$)/g, ",");
}
const fmt = thousands;
const chars = (s: string) => [...s].length;
const bytes = (s: string) => Buffer.byteLength(s, "utf8");
/** IAM counts a policy's size without white space. */
export const iamPolicySize = (doc: string) => doc.replace(/\s/g, "").length;

/** A string input the plan knows (not a secret, not computed at deploy time). */
function known(v: unknown): v is string {
    return typeof v === "string" && v !== SECRET && v !== UNKNOWN;
}

function list(v: unknown): unknown[] {
    return Array.isArray(v) ? v : [];
}

function record(v: unknown): Record<string, unknown> | undefined {
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}


/**
 * The physical name and id the offline plan gives a resource (tools/plan/identities.ts, as the mock
 * engine mints them). Other resources' inputs refer to a resource by these (a role policy's `role` is
 * the role's name, a subnet's `vpcId` the VPC's id, a secret version's `secretId` the secret's ARN).
 */
export function planIdentifiers(r: PlannedResource): { physical: string; id: string } {
    const physical = physicalNameOf(r.name, r.inputs);
    let id = mockId(r.type, r.name, physical);
    if (idIsArn(r.type)) id = mockArn(r.type, r.name, physical, id, r.inputs, String(r.inputs.region ?? "us-east-1")) ?? id;
    return { physical, id };
}

class Resolver {
    private readonly index = new Map<string, PlannedResource[]>();
    constructor(plan: Plan) {
        for (const r of plan.resources) {
            if (!r.custom) continue;
            const { physical, id } = planIdentifiers(r);
            for (const key of new Set([physical, id, r.urn])) this.index.set(key, [...(this.index.get(key) ?? []), r]);
        }
    }
    /** The resource of `type` an input refers to, by name, id, URN or ARN. */
    resolve(ref: unknown, type: string): PlannedResource | undefined {
        if (!known(ref)) return undefined;
        const keys = [ref];
        // arn:aws:iam::123456789012:role/path/name → name
        if (ref.startsWith("arn:")) keys.push(ref.slice(ref.lastIndexOf("/") + 1), ref.slice(ref.lastIndexOf(":") + 1));
        for (const k of keys) {
            const found = this.index.get(k)?.find((r) => r.type === type);
            if (found) return found;
        }
        return undefined;
    }
}

class Collector {
    readonly violations: LimitViolation[] = [];
    add(limit: LimitId, r: PlannedResource, property: string, value: string, fix?: string): void {
        const l = LIMITS[limit];
        this.violations.push({ limit, type: r.type, name: r.name, urn: r.urn, property, value, bound: l.bound, fix: fix ?? l.fix, source: l.source });
    }
}

/** Why a name breaks a name rule; empty when it complies. */
export function nameProblems(spec: NameSpec, name: string): string[] {
    const problems: string[] = [];
    const n = chars(name);
    if (spec.min !== undefined && n < spec.min) problems.push(`is ${fmt(n)} characters, fewer than ${fmt(spec.min)}`);
    if (n > spec.max) problems.push(`is ${fmt(n)} characters, more than ${fmt(spec.max)}`);
    if (spec.chars) {
        const allowed = spec.chars;
        const bad = [...new Set([...name].filter((ch) => !allowed.test(ch)))];
        if (bad.length) problems.push(`has ${bad.map((c) => JSON.stringify(c)).join(", ")}, outside ${spec.allowed ?? "the allowed characters"}`);
    }
    if (spec.pattern && !spec.pattern.test(name) && !problems.some((p) => p.startsWith("has "))) problems.push(`is not of the form ${spec.allowed ?? spec.pattern.source}`);
    const cmp = (s: string) => (spec.caseInsensitive ? s.toLowerCase() : s);
    for (const p of spec.notStartWith ?? []) if (cmp(name).startsWith(cmp(p))) problems.push(`starts with ${JSON.stringify(p)}`);
    for (const p of spec.notEndWith ?? []) if (cmp(name).endsWith(cmp(p))) problems.push(`ends with ${JSON.stringify(p)}`);
    for (const f of spec.forbid ?? []) if (f.re.test(name)) problems.push(f.says);
    return problems;
}

/** Pulumi's auto-name: the logical name, a hyphen and 7 random characters (hex). */
export const AUTO_NAME_SUFFIX_LENGTH = 8;
/** terraform's PrefixedUniqueId, behind every `*Prefix` input: prefix + 26 characters (timestamp and counter). */
export const PREFIX_SUFFIX_LENGTH = 26;

interface NameTarget {
    types: string[];
    property: string;
    limit: LimitId;
    /** Pulumi names the property from the logical name when the program leaves it out. */
    auto?: "as-is" | "lowercase";
    /** The `*Prefix` input the provider completes with 26 unique characters. */
    prefix?: string;
    /** A limit on the prefix itself. */
    prefixLimit?: LimitId;
}

/**
 * Which input holds which name, per resource type. `auto` marks the ones pulumi-aws auto-names (every
 * resource with a `name` input; S3 buckets lowercased, pulumi-aws resources.go AutoNameTransform).
 */
const NAME_TARGETS: NameTarget[] = [
    { types: ["aws:iam/role:Role"], property: "name", limit: "iam.role.name", auto: "as-is", prefix: "namePrefix" },
    { types: ["aws:iam/role:Role"], property: "path", limit: "iam.role.path" },
    { types: ["aws:iam/role:Role"], property: "description", limit: "iam.role.description" },
    { types: ["aws:iam/rolePolicy:RolePolicy"], property: "name", limit: "iam.inline-policy.name", auto: "as-is", prefix: "namePrefix" },
    { types: ["aws:iam/policy:Policy"], property: "name", limit: "iam.policy.name", auto: "as-is", prefix: "namePrefix" },
    { types: ["aws:iam/policy:Policy"], property: "path", limit: "iam.policy.path" },
    { types: ["aws:iam/policy:Policy"], property: "description", limit: "iam.policy.description" },
    { types: ["aws:iam/instanceProfile:InstanceProfile"], property: "name", limit: "iam.instance-profile.name", auto: "as-is", prefix: "namePrefix" },
    { types: ["aws:iam/instanceProfile:InstanceProfile"], property: "path", limit: "iam.instance-profile.path" },
    { types: ["aws:ec2/securityGroup:SecurityGroup"], property: "name", limit: "ec2.security-group.name", auto: "as-is", prefix: "namePrefix" },
    { types: ["aws:ec2/securityGroup:SecurityGroup"], property: "description", limit: "ec2.security-group.description" },
    { types: ["aws:ecs/cluster:Cluster"], property: "name", limit: "ecs.cluster.name", auto: "as-is" },
    { types: ["aws:ecs/service:Service"], property: "name", limit: "ecs.service.name", auto: "as-is" },
    { types: ["aws:ecs/taskDefinition:TaskDefinition"], property: "family", limit: "ecs.task-definition.family" },
    { types: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"], property: "name", limit: "elb.load-balancer.name", auto: "as-is" },
    {
        types: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
        property: "name",
        limit: "elb.target-group.name",
        auto: "as-is",
        prefix: "namePrefix",
        prefixLimit: "elb.target-group.name-prefix",
    },
    { types: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"], property: "bucket", limit: "s3.bucket.name", auto: "lowercase", prefix: "bucketPrefix", prefixLimit: "s3.bucket.prefix" },
    { types: ["aws:cloudwatch/logGroup:LogGroup"], property: "name", limit: "logs.log-group.name", auto: "as-is", prefix: "namePrefix" },
    { types: ["aws:ssm/parameter:Parameter"], property: "description", limit: "ssm.parameter.description" },
    { types: ["aws:secretsmanager/secret:Secret"], property: "name", limit: "secretsmanager.secret.name", auto: "as-is", prefix: "namePrefix" },
    { types: ["aws:secretsmanager/secret:Secret"], property: "description", limit: "secretsmanager.secret.description" },
    { types: ["aws:codebuild/project:Project"], property: "name", limit: "codebuild.project.name", auto: "as-is" },
    { types: ["aws:codebuild/project:Project"], property: "description", limit: "codebuild.project.description" },
    { types: ["aws:codepipeline/pipeline:Pipeline"], property: "name", limit: "codepipeline.pipeline.name", auto: "as-is" },
    { types: ["aws:cloudwatch/eventRule:EventRule"], property: "name", limit: "events.rule.name", auto: "as-is", prefix: "namePrefix" },
    { types: ["aws:cloudwatch/eventRule:EventRule"], property: "description", limit: "events.rule.description" },
    { types: ["aws:sns/topic:Topic"], property: "name", limit: "sns.topic.name", auto: "as-is", prefix: "namePrefix" },
    // An auto-named alias is not checked: whether pulumi-aws prefixes it with alias/ was not verified.
    { types: ["aws:kms/alias:Alias"], property: "name", limit: "kms.alias.name", prefix: "namePrefix" },
    { types: ["aws:elasticbeanstalk/environment:Environment"], property: "name", limit: "elasticbeanstalk.environment.name", auto: "as-is" },
    { types: ["aws:elasticbeanstalk/environment:Environment"], property: "cnamePrefix", limit: "elasticbeanstalk.environment.cname-prefix" },
    { types: ["aws:elasticbeanstalk/environment:Environment"], property: "description", limit: "elasticbeanstalk.description" },
    { types: ["aws:elasticbeanstalk/application:Application"], property: "name", limit: "elasticbeanstalk.application.name", auto: "as-is" },
    { types: ["aws:elasticbeanstalk/application:Application"], property: "description", limit: "elasticbeanstalk.description" },
    { types: ["aws:elasticbeanstalk/applicationVersion:ApplicationVersion"], property: "name", limit: "elasticbeanstalk.version.label", auto: "as-is" },
    { types: ["aws:elasticbeanstalk/applicationVersion:ApplicationVersion"], property: "description", limit: "elasticbeanstalk.description" },
    {
        types: ["aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace"],
        property: "name",
        limit: "servicediscovery.namespace.name",
        auto: "as-is",
    },
    { types: ["aws:servicediscovery/service:Service"], property: "name", limit: "servicediscovery.service.name", auto: "as-is" },
    { types: ["aws:apigatewayv2/api:Api"], property: "name", limit: "apigatewayv2.api.name", auto: "as-is" },
    { types: ["aws:apigatewayv2/stage:Stage"], property: "name", limit: "apigatewayv2.stage.name", auto: "as-is" },
    { types: ["aws:apigatewayv2/vpcLink:VpcLink"], property: "name", limit: "apigatewayv2.vpc-link.name", auto: "as-is" },
    // Lowercased like a bucket: whether pulumi-aws lowercases an auto-named repository was not verified,
    // so an upper-case logical name alone is not reported.
    { types: ["aws:ecr/repository:Repository"], property: "name", limit: "ecr.repository.name", auto: "lowercase" },
    { types: ["aws:cloudwatch/dashboard:Dashboard"], property: "dashboardName", limit: "cloudwatch.dashboard.name" },
    { types: ["aws:codestarnotifications/notificationRule:NotificationRule"], property: "name", limit: "codestarnotifications.rule.name", auto: "as-is" },
    { types: ["aws:appautoscaling/policy:Policy"], property: "name", limit: "appautoscaling.policy.name", auto: "as-is" },
    { types: ["aws:rds/cluster:Cluster"], property: "clusterIdentifier", limit: "rds.cluster.identifier", auto: "lowercase" },
    { types: ["aws:rds/cluster:Cluster"], property: "finalSnapshotIdentifier", limit: "rds.cluster.final-snapshot" },
    { types: ["aws:rds/cluster:Cluster"], property: "databaseName", limit: "rds.cluster.database-name" },
    { types: ["aws:rds/cluster:Cluster"], property: "masterUsername", limit: "rds.cluster.master-username" },
    { types: ["aws:rds/clusterInstance:ClusterInstance"], property: "identifier", limit: "rds.instance.identifier", auto: "lowercase" },
    { types: ["aws:rds/subnetGroup:SubnetGroup"], property: "name", limit: "rds.subnet-group.name", auto: "lowercase" },
    { types: ["aws:rds/instance:Instance"], property: "identifier", limit: "rds.instance.identifier", auto: "lowercase" },
    { types: ["aws:rds/instance:Instance"], property: "finalSnapshotIdentifier", limit: "rds.instance.final-snapshot" },
    { types: ["aws:rds/instance:Instance"], property: "dbName", limit: "rds.instance.database-name" },
    { types: ["aws:rds/instance:Instance"], property: "username", limit: "rds.instance.master-username" },
];

/** The name a resource will have at deploy time, as far as the plan can tell. */
function plannedName(r: PlannedResource, t: NameTarget): { candidate: string; property: string; shown: string; kind: "explicit" | "prefix" | "auto" } | undefined {
    const v = r.inputs[t.property];
    if (known(v)) return { candidate: v, property: t.property, shown: JSON.stringify(v), kind: "explicit" };
    if (v !== undefined) return undefined;
    const prefix = t.prefix ? r.inputs[t.prefix] : undefined;
    if (t.prefix && known(prefix)) {
        // The unique suffix is digits and lowercase hex: valid in every pattern here.
        return { candidate: prefix + "0".repeat(PREFIX_SUFFIX_LENGTH), property: t.prefix, shown: `${JSON.stringify(prefix)} + ${PREFIX_SUFFIX_LENGTH} unique characters`, kind: "prefix" };
    }
    // A prefix this table does not model (e.g. a load balancer's namePrefix) is the provider's to complete.
    if (prefix !== undefined || r.inputs.namePrefix !== undefined || !t.auto) return undefined;
    const base = t.auto === "lowercase" ? r.name.toLowerCase() : r.name;
    return { candidate: `${base}-a1b2c3d`, property: `${t.property} (auto-named)`, shown: `"${base}-" + 7 random characters`, kind: "auto" };
}

function checkName(c: Collector, r: PlannedResource, limit: LimitId, candidate: string, property: string, shown: string, fix?: () => string | undefined): void {
    const spec = LIMITS[limit].name;
    if (!spec) return;
    const problems = nameProblems(spec, candidate);
    const how = problems.length ? fix?.() : undefined;
    for (const problem of problems) c.add(limit, r, property, `${shown} ${problem}`, how);
}

function checkNames(c: Collector, plan: Plan): void {
    const byType = new Map<string, PlannedResource[]>();
    for (const r of plan.resources) {
        const same = byType.get(r.type);
        if (same) same.push(r);
        else byType.set(r.type, [r]);
    }
    for (const t of NAME_TARGETS) {
        // In plan order, as the violations are reported.
        for (const r of t.types.length === 1 ? (byType.get(t.types[0]) ?? []) : plan.resources.filter((x) => t.types.includes(x.type))) {
            const planned = plannedName(r, t);
            if (!planned) continue;
            const spec = LIMITS[t.limit].name;
            // Written only for a name that breaks the limit.
            const fix = () => {
                if (planned.kind === "auto" && spec) return `give it an explicit ${t.property}, or a logical name of at most ${fmt(spec.max - AUTO_NAME_SUFFIX_LENGTH)} characters (Pulumi adds "-" and 7 random characters)`;
                if (planned.kind === "prefix" && spec) return `shorten ${t.prefix} to at most ${fmt(spec.max - PREFIX_SUFFIX_LENGTH)} characters (the provider appends ${PREFIX_SUFFIX_LENGTH})`;
                return undefined;
            };
            checkName(c, r, t.limit, planned.candidate, planned.property, planned.shown, fix);
            if (planned.kind === "prefix" && t.prefixLimit && t.prefix) {
                const prefix = r.inputs[t.prefix] as string;
                checkName(c, r, t.prefixLimit, prefix, t.prefix, JSON.stringify(prefix));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// IAM

const ROLE = "aws:iam/role:Role";
const POLICY_CHARS = /^[\t\n\r\u0020-\u00FF]*$/;

function checkPolicyCharacters(c: Collector, r: PlannedResource, property: string, doc: string): void {
    if (POLICY_CHARS.test(doc)) return;
    const bad = [...new Set([...doc].filter((ch) => !POLICY_CHARS.test(ch)))];
    c.add("iam.policy-document.characters", r, property, `has ${bad.map((ch) => JSON.stringify(ch)).join(", ")}`);
}

function checkIam(c: Collector, plan: Plan, resolver: Resolver): void {
    const roles = plan.resources.filter((r) => r.type === ROLE);
    /** A role reference → the role's physical name (or the reference itself for a role outside the plan). */
    const roleKey = (ref: unknown): string | undefined => {
        if (!known(ref)) return undefined;
        const role = resolver.resolve(ref, ROLE);
        return role ? planIdentifiers(role).physical : ref.startsWith("arn:") ? ref.slice(ref.lastIndexOf("/") + 1) : ref;
    };
    const roleByKey = new Map(roles.map((r) => [planIdentifiers(r).physical, r]));

    const inline = new Map<string, { size: number; from: PlannedResource[] }>();
    const addInline = (key: string, size: number, from: PlannedResource) => {
        const entry = inline.get(key) ?? { size: 0, from: [] };
        entry.size += size;
        if (!entry.from.includes(from)) entry.from.push(from);
        inline.set(key, entry);
    };
    const managed = new Map<string, { arns: Set<string>; from: PlannedResource[] }>();
    const addManaged = (key: string, arn: unknown, from: PlannedResource) => {
        const entry = managed.get(key) ?? { arns: new Set<string>(), from: [] };
        // An ARN the plan cannot know still takes a slot; identical ARNs attach once.
        entry.arns.add(known(arn) ? arn : `${from.urn}#${entry.arns.size}`);
        if (!entry.from.includes(from)) entry.from.push(from);
        managed.set(key, entry);
    };

    for (const role of roles) {
        const key = planIdentifiers(role).physical;
        const trust = role.inputs.assumeRolePolicy;
        if (known(trust)) {
            const size = iamPolicySize(trust);
            if (size > LIMITS["iam.role.trust-policy-size"].max!) c.add("iam.role.trust-policy-size", role, "assumeRolePolicy", `is ${fmt(size)} characters`);
            checkPolicyCharacters(c, role, "assumeRolePolicy", trust);
        }
        const duration = role.inputs.maxSessionDuration;
        const d = LIMITS["iam.role.max-session-duration"];
        if (typeof duration === "number" && (duration < d.min! || duration > d.max!)) c.add("iam.role.max-session-duration", role, "maxSessionDuration", `is ${fmt(duration)} seconds`);
        for (const p of list(role.inputs.inlinePolicies)) {
            const policy = record(p)?.policy;
            if (!known(policy)) continue;
            addInline(key, iamPolicySize(policy), role);
            checkPolicyCharacters(c, role, "inlinePolicies", policy);
            const name = record(p)?.name;
            if (known(name)) checkName(c, role, "iam.inline-policy.name", name, "inlinePolicies[].name", JSON.stringify(name));
        }
        for (const arn of list(role.inputs.managedPolicyArns)) addManaged(key, arn, role);
    }

    for (const r of plan.resources) {
        switch (r.type) {
            case "aws:iam/rolePolicy:RolePolicy": {
                const key = roleKey(r.inputs.role);
                const policy = r.inputs.policy;
                if (!known(policy)) break;
                checkPolicyCharacters(c, r, "policy", policy);
                if (key) addInline(key, iamPolicySize(policy), r);
                break;
            }
            case "aws:iam/policy:Policy": {
                const policy = r.inputs.policy;
                if (!known(policy)) break;
                const size = iamPolicySize(policy);
                if (size > LIMITS["iam.policy.size"].max!) c.add("iam.policy.size", r, "policy", `is ${fmt(size)} characters`);
                checkPolicyCharacters(c, r, "policy", policy);
                break;
            }
            case "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
                const key = roleKey(r.inputs.role);
                if (key) addManaged(key, r.inputs.policyArn, r);
                break;
            }
            case "aws:iam/policyAttachment:PolicyAttachment":
                for (const role of list(r.inputs.roles)) {
                    const key = roleKey(role);
                    if (key) addManaged(key, r.inputs.policyArn, r);
                }
                break;
            case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": {
                const key = roleKey(r.inputs.roleName);
                if (key) for (const arn of list(r.inputs.policyArns)) addManaged(key, arn, r);
                break;
            }
        }
    }

    const inlineMax = LIMITS["iam.role.inline-policies-size"].max!;
    for (const [key, { size, from }] of inline) {
        if (size <= inlineMax) continue;
        const role = roleByKey.get(key);
        const parts = from.filter((r) => r !== role).map((r) => r.name);
        const detail = `${fmt(size)} characters${parts.length ? ` (${parts.join(", ")})` : ""}`;
        c.add("iam.role.inline-policies-size", role ?? from[0], role ? "inline policies total" : `inline policies of role ${key} total`, detail);
    }
    const managedMax = LIMITS["iam.role.managed-policies"].max!;
    for (const [key, { arns, from }] of managed) {
        if (arns.size <= managedMax) continue;
        const role = roleByKey.get(key);
        c.add("iam.role.managed-policies", role ?? from[0], role ? "managed policies attached" : `managed policies attached to role ${key}`, `number ${arns.size}`);
    }
}

// ---------------------------------------------------------------------------------------------------
// Security groups

interface RuleCount {
    v4: number;
    v6: number;
}

/** Rules a rule entry takes against the quota: one per CIDR; a security group or prefix list counts in both families. */
function ruleCount(rule: Record<string, unknown>): RuleCount {
    const refs = list(rule.securityGroups).length + list(rule.prefixListIds).length + (rule.self === true ? 1 : 0);
    return { v4: list(rule.cidrBlocks).length + refs, v6: list(rule.ipv6CidrBlocks).length + refs };
}

function checkRuleDescription(c: Collector, owner: PlannedResource, property: string, description: unknown): void {
    if (known(description)) checkName(c, owner, "ec2.security-group-rule.description", description, property, JSON.stringify(description));
}

function checkSecurityGroups(c: Collector, plan: Plan, resolver: Resolver): void {
    const SG = "aws:ec2/securityGroup:SecurityGroup";
    const groups = plan.resources.filter((r) => r.type === SG || r.type === "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
    const counts = new Map<PlannedResource, { ingress: RuleCount; egress: RuleCount }>(groups.map((g) => [g, { ingress: { v4: 0, v6: 0 }, egress: { v4: 0, v6: 0 } }]));
    const add = (g: PlannedResource | undefined, direction: "ingress" | "egress", n: RuleCount) => {
        const entry = g && counts.get(g);
        if (!entry) return;
        entry[direction].v4 += n.v4;
        entry[direction].v6 += n.v6;
    };
    for (const g of groups) {
        for (const direction of ["ingress", "egress"] as const) {
            list(g.inputs[direction]).forEach((rule, i) => {
                const rr = record(rule);
                if (!rr) return;
                add(g, direction, ruleCount(rr));
                checkRuleDescription(c, g, `${direction}[${i}].description`, rr.description);
            });
        }
    }
    for (const r of plan.resources) {
        if (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
            const direction = r.inputs.type === "egress" ? "egress" : "ingress";
            const n = ruleCount(r.inputs);
            if (known(r.inputs.sourceSecurityGroupId)) {
                n.v4++;
                n.v6++;
            }
            add(resolver.resolve(r.inputs.securityGroupId, SG), direction, n);
            checkRuleDescription(c, r, "description", r.inputs.description);
        } else if (r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" || r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
            const direction = r.type.includes("Ingress") ? "ingress" : "egress";
            const both = r.inputs.referencedSecurityGroupId !== undefined || r.inputs.prefixListId !== undefined ? 1 : 0;
            const n = { v4: (r.inputs.cidrIpv4 !== undefined ? 1 : 0) + both, v6: (r.inputs.cidrIpv6 !== undefined ? 1 : 0) + both };
            add(resolver.resolve(r.inputs.securityGroupId, SG), direction, n);
            checkRuleDescription(c, r, "description", r.inputs.description);
        }
    }
    for (const [g, { ingress, egress }] of counts) {
        for (const [direction, n, limit] of [
            ["ingress", ingress, "ec2.security-group.inbound-rules"],
            ["egress", egress, "ec2.security-group.outbound-rules"],
        ] as const) {
            const max = LIMITS[limit].max!;
            if (n.v4 > max) c.add(limit, g, `${direction} rules (IPv4)`, `number ${n.v4}`);
            if (n.v6 > max) c.add(limit, g, `${direction} rules (IPv6)`, `number ${n.v6}`);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// VPC and subnets

export interface Cidr {
    network: number;
    prefix: number;
}

/** An IPv4 CIDR, or why it is not one AWS takes (syntax, or host bits set). */
export function parseCidr(text: string): Cidr | string {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!m) return "is not an IPv4 CIDR block (a.b.c.d/n)";
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return "is not an IPv4 CIDR block (octets 0–255, prefix 0–32)";
    const address = octets.reduce((a, o) => a * 256 + o, 0);
    const size = 2 ** (32 - prefix);
    const network = Math.floor(address / size) * size;
    if (network !== address) {
        const n = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".");
        return `has host bits set (its network address is ${n}/${prefix})`;
    }
    return { network, prefix };
}

const contains = (outer: Cidr, inner: Cidr) => inner.prefix >= outer.prefix && Math.floor(inner.network / 2 ** (32 - outer.prefix)) === outer.network / 2 ** (32 - outer.prefix);
const overlaps = (a: Cidr, b: Cidr) => contains(a, b) || contains(b, a);

function checkNetworks(c: Collector, plan: Plan, resolver: Resolver): void {
    const VPC = "aws:ec2/vpc:Vpc";
    const vpcBlocks = new Map<PlannedResource, Cidr[]>();
    const parsed = (r: PlannedResource, property: string, sizeLimit: "vpc.cidr.size" | "subnet.cidr.size" | undefined): Cidr | undefined => {
        const text = r.inputs[property];
        if (!known(text)) return undefined;
        const cidr = parseCidr(text);
        if (typeof cidr === "string") {
            c.add("vpc.cidr.syntax", r, property, `${JSON.stringify(text)} ${cidr}`);
            return undefined;
        }
        if (sizeLimit) {
            const l = LIMITS[sizeLimit];
            if (cidr.prefix < l.min! || cidr.prefix > l.max!) c.add(sizeLimit, r, property, `${JSON.stringify(text)} is a /${cidr.prefix}`);
        }
        return cidr;
    };
    for (const vpc of plan.resources.filter((r) => r.type === VPC)) {
        const block = parsed(vpc, "cidrBlock", "vpc.cidr.size");
        vpcBlocks.set(vpc, block ? [block] : []);
    }
    for (const assoc of plan.resources.filter((r) => r.type === "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation")) {
        const block = parsed(assoc, "cidrBlock", "vpc.cidr.size");
        const vpc = resolver.resolve(assoc.inputs.vpcId, VPC);
        if (block && vpc) vpcBlocks.get(vpc)?.push(block);
    }
    const subnetsByVpc = new Map<string, { subnet: PlannedResource; cidr: Cidr }[]>();
    for (const subnet of plan.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet")) {
        const cidr = parsed(subnet, "cidrBlock", "subnet.cidr.size");
        if (!cidr) continue;
        const vpc = resolver.resolve(subnet.inputs.vpcId, VPC);
        const blocks = vpc ? vpcBlocks.get(vpc) : undefined;
        // Only a VPC in the plan, whose blocks are all known, is compared.
        if (vpc && blocks && blocks.length && !blocks.some((b) => contains(b, cidr))) {
            c.add("subnet.cidr.inside-vpc", subnet, "cidrBlock", `${JSON.stringify(subnet.inputs.cidrBlock)} is outside VPC ${vpc.name} (${JSON.stringify(vpc.inputs.cidrBlock)})`);
        }
        const key = vpc ? vpc.urn : String(subnet.inputs.vpcId);
        const siblings = subnetsByVpc.get(key) ?? [];
        for (const other of siblings) {
            if (overlaps(other.cidr, cidr)) c.add("subnet.cidr.no-overlap", subnet, "cidrBlock", `${JSON.stringify(subnet.inputs.cidrBlock)} overlaps subnet ${other.subnet.name} (${JSON.stringify(other.subnet.inputs.cidrBlock)})`);
        }
        siblings.push({ subnet, cidr });
        subnetsByVpc.set(key, siblings);
    }
}

// ---------------------------------------------------------------------------------------------------
// ECS

function checkTaskDefinitions(c: Collector, plan: Plan): void {
    for (const td of plan.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")) {
        const text = td.inputs.containerDefinitions;
        if (!known(text)) continue;
        let containers: unknown;
        try {
            containers = JSON.parse(text);
        } catch {
            c.add("ecs.task-definition.container-definitions", td, "containerDefinitions", "is not JSON");
            continue;
        }
        if (!Array.isArray(containers)) {
            c.add("ecs.task-definition.container-definitions", td, "containerDefinitions", "is not a JSON array");
            continue;
        }
        // The request as the plan records it, container definitions parsed: what RegisterTaskDefinition receives.
        const size = bytes(JSON.stringify({ ...td.inputs, containerDefinitions: containers }));
        if (size > LIMITS["ecs.task-definition.size"].max!) c.add("ecs.task-definition.size", td, "task definition", `is ${fmt(size)} bytes`);
        if (containers.length > LIMITS["ecs.task-definition.containers"].max!) c.add("ecs.task-definition.containers", td, "containerDefinitions", `has ${containers.length} containers`);
        containers.forEach((container, i) => {
            const name = record(container)?.name;
            if (known(name)) checkName(c, td, "ecs.container.name", name, `containerDefinitions[${i}].name`, JSON.stringify(name));
        });
    }
}

// ---------------------------------------------------------------------------------------------------
// SSM, CodeBuild, CodePipeline, ECR, SNS

/** The Region in the plan's ARNs (an SSM parameter name's budget includes its ARN), else a 14-character one (as long as any). */
function planRegion(plan: Plan): string {
    // The first regional ARN in plan order (one never spans two resources' inputs): each resource's inputs
    // serialized in turn, not the whole plan at once.
    for (const r of plan.resources) {
        const m = REGIONAL_ARN.exec(JSON.stringify(r.inputs));
        if (m) return m[1];
    }
    return "ap-southeast-1";
}
const REGIONAL_ARN = /arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d):\d{12}:/;

function checkSsm(c: Collector, plan: Plan): void {
    const region = planRegion(plan);
    for (const p of plan.resources.filter((r) => r.type === "aws:ssm/parameter:Parameter")) {
        const explicit = p.inputs.name;
        let name: string;
        let property = "name";
        let shown: string;
        if (known(explicit)) {
            name = explicit;
            shown = JSON.stringify(name);
        } else if (explicit === undefined) {
            name = `${p.name}-a1b2c3d`;
            property = "name (auto-named)";
            shown = `"${p.name}-" + 7 random characters`;
        } else continue;
        const problems = nameProblems(LIMITS["ssm.parameter.name"].name!, name);
        const path = name.startsWith("/") ? name.slice(1) : name;
        if (name.includes("/") && !name.startsWith("/")) problems.push("is a path that does not start with /");
        if (/^(aws|ssm)/i.test(path)) problems.push(`is prefixed ${JSON.stringify(path.slice(0, 3))}`);
        const levels = path.split("/").length;
        if (levels > 15) problems.push(`has ${levels} hierarchy levels, more than 15`);
        // "The maximum length for a parameter name that you specify is 1011 characters", counting the ARN before it.
        const arnPrefix = `arn:aws:ssm:${region}:123456789012:parameter/`;
        const counted = arnPrefix.length + path.length;
        if (counted > 1011) problems.push(`counts ${fmt(counted)} characters with its ARN prefix, more than 1,011`);
        for (const problem of problems) c.add("ssm.parameter.name", p, property, `${shown} ${problem}`);
        const value = p.inputs.insecureValue ?? p.inputs.value;
        if (known(value)) {
            const tier = p.inputs.tier;
            const max = tier === "Advanced" || tier === "Intelligent-Tiering" ? 8192 : LIMITS["ssm.parameter.value"].max!;
            const size = bytes(value);
            if (size > max) c.add("ssm.parameter.value", p, p.inputs.insecureValue !== undefined ? "insecureValue" : "value", `is ${fmt(size)} bytes (${tier ?? "Standard"} tier)`);
        }
    }
}

function checkCodeBuild(c: Collector, plan: Plan): void {
    for (const p of plan.resources.filter((r) => r.type === "aws:codebuild/project:Project")) {
        for (const [property, min, max] of [
            ["buildTimeout", 5, 2160],
            ["queuedTimeout", 5, 480],
        ] as const) {
            const v = p.inputs[property];
            if (typeof v === "number" && (v < min || v > max)) c.add("codebuild.project.timeouts", p, property, `is ${v} minutes`);
        }
        const sourceType = record(p.inputs.source)?.type;
        if (p.inputs.badgeEnabled === true && known(sourceType) && !["GITHUB", "GITHUB_ENTERPRISE", "BITBUCKET", "CODECOMMIT"].includes(sourceType)) {
            c.add("codebuild.project.badge", p, "badgeEnabled", `is true with source ${sourceType}`);
        }
    }
}

function checkPipelines(c: Collector, plan: Plan): void {
    for (const p of plan.resources.filter((r) => r.type === "aws:codepipeline/pipeline:Pipeline")) {
        const stageNames = new Set<string>();
        const namespaces = new Set<string>();
        list(p.inputs.stages).forEach((stage, i) => {
            const s = record(stage);
            if (!s) return;
            if (known(s.name)) {
                checkName(c, p, "codepipeline.stage.name", s.name, `stages[${i}].name`, JSON.stringify(s.name));
                if (stageNames.has(s.name)) c.add("codepipeline.stage.name", p, `stages[${i}].name`, `${JSON.stringify(s.name)} is used by another stage`);
                stageNames.add(s.name);
            }
            const actionNames = new Set<string>();
            list(s.actions).forEach((action, j) => {
                const name = record(action)?.name;
                if (!known(name)) return;
                checkName(c, p, "codepipeline.action.name", name, `stages[${i}].actions[${j}].name`, JSON.stringify(name));
                if (actionNames.has(name)) c.add("codepipeline.action.name", p, `stages[${i}].actions[${j}].name`, `${JSON.stringify(name)} is used by another action of stage ${String(s.name)}`);
                actionNames.add(name);
                const namespace = record(action)?.namespace;
                if (!known(namespace)) return;
                checkName(c, p, "codepipeline.action.namespace", namespace, `stages[${i}].actions[${j}].namespace`, JSON.stringify(namespace));
                if (namespaces.has(namespace)) c.add("codepipeline.action.namespace", p, `stages[${i}].actions[${j}].namespace`, `${JSON.stringify(namespace)} is the namespace of another action of the pipeline`);
                namespaces.add(namespace);
            });
        });
    }
}

function checkMisc(c: Collector, plan: Plan): void {
    for (const r of plan.resources) {
        if (r.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy" && known(r.inputs.policy)) {
            const n = chars(r.inputs.policy);
            const l = LIMITS["ecr.lifecycle-policy.size"];
            if (n < l.min! || n > l.max!) c.add("ecr.lifecycle-policy.size", r, "policy", `is ${fmt(n)} characters`);
        }
        if (r.type === "aws:sfn/stateMachine:StateMachine" && known(r.inputs.definition)) {
            let states: Record<string, unknown> = {};
            try {
                states = record(record(JSON.parse(r.inputs.definition))?.States) ?? {};
            } catch {
                // not JSON: Step Functions' own validation names it (ValidateStateMachineDefinition)
            }
            for (const name of Object.keys(states)) {
                const bad = name.length < 1 || name.length > LIMITS["states.definition.state-name"].max! || /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/.test(name);
                if (bad) c.add("states.definition.state-name", r, "definition", `has a state named ${JSON.stringify(name)} (${fmt(name.length)} characters)`);
            }
        }
        if (r.type === "aws:cloudwatch/eventRule:EventRule" && known(r.inputs.eventPattern)) {
            const n = r.inputs.eventPattern.length;
            if (n > LIMITS["events.rule.pattern"].max!) c.add("events.rule.pattern", r, "eventPattern", `is ${fmt(n)} characters`);
        }
        const transformer = r.type === "aws:cloudwatch/eventTarget:EventTarget" ? record(r.inputs.inputTransformer) : undefined;
        if (transformer && known(transformer.inputTemplate)) {
            const l = LIMITS["events.target.input-transformer"];
            const n = transformer.inputTemplate.length;
            if (n < l.min! || n > l.max!) c.add("events.target.input-transformer", r, "inputTransformer.inputTemplate", `is ${fmt(n)} characters`);
            const paths = Object.keys(record(transformer.inputPaths) ?? {});
            if (paths.length > 100) c.add("events.target.input-transformer", r, "inputTransformer.inputPaths", `has ${paths.length} paths`);
            for (const p of paths.filter((k) => /^AWS/.test(k))) c.add("events.target.input-transformer", r, `inputTransformer.inputPaths.${p}`, "starts with AWS");
        }
        if (r.type === "aws:lb/listenerRule:ListenerRule" || r.type === "aws:lb/listener:Listener") {
            const property = r.type === "aws:lb/listener:Listener" ? "defaultActions" : "actions";
            for (const [i, a] of list(r.inputs[property]).entries()) {
                const f = record(record(a)?.fixedResponse);
                if (!f) continue;
                const at = `${property}[${i}].fixedResponse`;
                if (known(f.statusCode) && !/^(2|4|5)\d\d$/.test(f.statusCode)) c.add("elb.rule.fixed-response", r, `${at}.statusCode`, `${JSON.stringify(f.statusCode)} is not 2XX, 4XX or 5XX`);
                if (known(f.contentType) && !["text/plain", "text/css", "text/html", "application/javascript", "application/json"].includes(f.contentType)) {
                    c.add("elb.rule.fixed-response", r, `${at}.contentType`, `${JSON.stringify(f.contentType)} is not a content type ELB answers with`);
                }
                if (known(f.messageBody) && chars(f.messageBody) > LIMITS["elb.rule.fixed-response"].max!) c.add("elb.rule.fixed-response", r, `${at}.messageBody`, `is ${fmt(chars(f.messageBody))} characters`);
            }
        }
        if (r.type === "aws:appautoscaling/policy:Policy") {
            const metrics = list(record(record(r.inputs.targetTrackingScalingPolicyConfiguration)?.customizedMetricSpecification)?.metrics).map((m) => record(m) ?? {});
            if (metrics.length) {
                const at = "targetTrackingScalingPolicyConfiguration.customizedMetricSpecification.metrics";
                for (const [i, m] of metrics.entries()) {
                    if (!m.id) c.add("appautoscaling.policy.metric-math", r, `${at}[${i}].id`, "is missing");
                    if ((m.expression === undefined) === (m.metricStat === undefined)) c.add("appautoscaling.policy.metric-math", r, `${at}[${i}]`, m.expression === undefined ? "has neither an expression nor a metricStat" : "has both an expression and a metricStat");
                }
                const returning = metrics.filter((m) => m.returnData !== false).length;
                if (returning !== 1) c.add("appautoscaling.policy.metric-math", r, at, `${returning} queries return data (returnData defaults to true)`);
            }
        }
        if (r.type === "aws:rds/instance:Instance") checkDbInstance(c, r);
        if (r.type === "aws:sns/topic:Topic" && r.inputs.fifoTopic === true && known(r.inputs.name) && !r.inputs.name.endsWith(".fifo")) {
            c.add("sns.topic.name", r, "name", `${JSON.stringify(r.inputs.name)} is a FIFO topic without the .fifo suffix`);
        }
    }
}

/**
 * A DB instance's storage and class (CreateDBInstance): gp2/gp3 AllocatedStorage "Must be an integer from 20 to 65536"
 * for RDS for PostgreSQL; DBInstanceClass `db.<family>.<size>` (config/database.ts INSTANCE_CLASS: the same shape the
 * config refuses first), and db.serverless is an Aurora cluster member's class only.
 */
function checkDbInstance(c: Collector, r: PlannedResource): void {
    const storage = r.inputs.allocatedStorage;
    const l = LIMITS["rds.instance.allocated-storage"];
    if (["gp2", "gp3", undefined].includes(r.inputs.storageType as string | undefined) && typeof storage === "number" && (!Number.isInteger(storage) || storage < l.min! || storage > l.max!)) {
        c.add("rds.instance.allocated-storage", r, "allocatedStorage", `is ${fmt(storage)} GiB`);
    }
    const cls = r.inputs.instanceClass;
    if (known(cls) && (!INSTANCE_CLASS.test(cls) || cls === "db.serverless")) c.add("rds.instance.class", r, "instanceClass", `${JSON.stringify(cls)} is not db.<family>.<size> of an RDS DB instance`);
}

// ---------------------------------------------------------------------------------------------------
// Elastic Beanstalk option settings

function checkBeanstalkSettings(c: Collector, plan: Plan): void {
    for (const env of plan.resources.filter((r) => r.type === "aws:elasticbeanstalk/environment:Environment")) {
        let total = 0;
        let unknown = false;
        list(env.inputs.settings).forEach((setting, i) => {
            const s = record(setting);
            if (!s || s.namespace !== "aws:elasticbeanstalk:application:environment") return;
            const key = s.name;
            const value = s.value;
            if (!known(key) || !known(value)) {
                unknown = true;
                return;
            }
            if (chars(key) > 128) c.add("elasticbeanstalk.environment-property", env, `settings[${i}] key`, `${JSON.stringify(key)} is ${fmt(chars(key))} characters`);
            if (chars(value) > 256) c.add("elasticbeanstalk.environment-property", env, `settings[${i}] (${key}) value`, `is ${fmt(chars(value))} characters`);
            total += bytes(`${key}=${value}`);
        });
        if (!unknown && total > LIMITS["elasticbeanstalk.environment-properties-size"].max!) {
            c.add("elasticbeanstalk.environment-properties-size", env, "environment properties", `total ${fmt(total)} bytes`);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Tags

function checkTags(c: Collector, plan: Plan): void {
    for (const r of plan.resources) {
        if (!r.type.startsWith("aws:")) continue;
        const tags = record(r.inputs.tags);
        if (!tags) continue;
        const beanstalk = r.type === "aws:elasticbeanstalk/environment:Environment";
        const countLimit = beanstalk ? "elasticbeanstalk.environment.tags" : "tags.count";
        const keys = Object.keys(tags);
        if (keys.length > LIMITS[countLimit].max!) c.add(countLimit, r, "tags", `number ${keys.length}`);
        for (const key of keys) {
            checkName(c, r, "tags.key", key, "tags", `key ${JSON.stringify(key)}`);
            if (beanstalk && key.toLowerCase().startsWith("elasticbeanstalk:")) c.add("elasticbeanstalk.environment.tags", r, "tags", `key ${JSON.stringify(key)} starts with "elasticbeanstalk:"`);
            const value = tags[key];
            if (known(value)) checkName(c, r, "tags.value", value, `tags.${key}`, "value");
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// GitHub

function checkGitHub(c: Collector, plan: Plan): void {
    const KINDS: Record<string, { property: string; kind: "secret" | "variable"; scope: "repository" | "environment" | "organization" }> = {
        "github:index/actionsSecret:ActionsSecret": { property: "secretName", kind: "secret", scope: "repository" },
        "github:index/actionsVariable:ActionsVariable": { property: "variableName", kind: "variable", scope: "repository" },
        "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret": { property: "secretName", kind: "secret", scope: "environment" },
        "github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable": { property: "variableName", kind: "variable", scope: "environment" },
        "github:index/actionsOrganizationSecret:ActionsOrganizationSecret": { property: "secretName", kind: "secret", scope: "organization" },
        "github:index/actionsOrganizationVariable:ActionsOrganizationVariable": { property: "variableName", kind: "variable", scope: "organization" },
    };
    const seen = new Map<string, PlannedResource[]>();
    for (const r of plan.resources) {
        const k = KINDS[r.type];
        if (!k) continue;
        const name = r.inputs[k.property];
        const nameLimit = k.kind === "secret" ? "github.secret.name" : "github.variable.name";
        if (known(name)) {
            checkName(c, r, nameLimit, name, k.property, JSON.stringify(name));
            // GitHub names are not case sensitive: one per name where they are created.
            const where = k.scope === "organization" ? "organization" : `${String(r.inputs.repository)}${k.scope === "environment" ? `/${String(r.inputs.environment)}` : ""}`;
            const key = `${k.kind}|${k.scope}|${where}`;
            const group = seen.get(key) ?? [];
            const twin = group.find((o) => String(o.inputs[k.property]).toUpperCase() === name.toUpperCase());
            if (twin) c.add(nameLimit, r, k.property, `${JSON.stringify(name)} is already ${JSON.stringify(twin.inputs[k.property])} (${twin.name}) in ${where}`);
            group.push(r);
            seen.set(key, group);
        }
        if (k.kind === "variable" && known(r.inputs.value) && bytes(r.inputs.value) > LIMITS["github.variable.value"].max!) {
            c.add("github.variable.value", r, "value", `is ${fmt(bytes(r.inputs.value))} bytes`);
        }
    }
    for (const [key, group] of seen) {
        const [kind, scope, where] = key.split("|");
        if (scope === "organization") continue;
        const limit = kind === "secret" ? "github.secret.count" : "github.variable.count";
        const max = scope === "environment" ? 100 : LIMITS[limit].max!;
        if (group.length > max) c.add(limit, group[max], `${kind}s of ${scope} ${where}`, `number ${group.length}, more than ${max}`);
    }
    const environments = new Map<string, PlannedResource[]>();
    for (const r of plan.resources.filter((x) => x.type === "github:index/repositoryEnvironment:RepositoryEnvironment")) {
        const name = r.inputs.environment;
        if (!known(name)) continue;
        checkName(c, r, "github.environment.name", name, "environment", JSON.stringify(name));
        const repo = String(r.inputs.repository);
        const group = environments.get(repo) ?? [];
        const twin = group.find((o) => String(o.inputs.environment).toLowerCase() === name.toLowerCase());
        if (twin) c.add("github.environment.name", r, "environment", `${JSON.stringify(name)} is already ${JSON.stringify(twin.inputs.environment)} (${twin.name}) in ${repo}`);
        group.push(r);
        environments.set(repo, group);
    }
}

// ---------------------------------------------------------------------------------------------------

/** Every AWS (and GitHub) limit the plan breaks, in plan order per check. Pure: reads only the plan. */
export function checkLimits(plan: Plan): LimitViolation[] {
    const c = new Collector();
    const resolver = new Resolver(plan);
    checkNames(c, plan);
    checkIam(c, plan, resolver);
    checkSecurityGroups(c, plan, resolver);
    checkNetworks(c, plan, resolver);
    checkTaskDefinitions(c, plan);
    checkSsm(c, plan);
    checkCodeBuild(c, plan);
    checkPipelines(c, plan);
    checkMisc(c, plan);
    checkBeanstalkSettings(c, plan);
    checkTags(c, plan);
    checkGitHub(c, plan);
    // In plan order, so a resource's violations read together.
    const order = new Map(plan.resources.map((r, i) => [r.urn, i]));
    return c.violations.map((v, i) => ({ v, i })).sort((a, b) => (order.get(a.v.urn) ?? 0) - (order.get(b.v.urn) ?? 0) || a.i - b.i).map(({ v }) => v);
}
