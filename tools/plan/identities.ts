// The names, ids and ARNs AWS gives the resources slipway declares, as the offline plan mints them:
// one place for the mock engine, the limits checks and the IAM simulation, so all three refer to a
// resource the way AWS would.
import { createHash } from "crypto";

export const MOCK_ACCOUNT = "123456789012";

/** sha256 hex of each name, once per process (a plan mints and checks the same names many times). */
const hashes = new Map<string, string>();
const hash = (s: string) => {
    let h = hashes.get(s);
    if (h === undefined) hashes.set(s, (h = createHash("sha256").update(s).digest("hex")));
    return h;
};

/**
 * A resource's physical name as the provider would choose it: its `name` input, else its name prefix
 * (`namePrefix`, S3's `bucketPrefix`) and 7 characters, else `<logical name>-<7 characters>` (Pulumi's
 * auto-naming adds random ones).
 */
export function physicalNameOf(logicalName: string, inputs: { name?: unknown; namePrefix?: unknown; bucketPrefix?: unknown }): string {
    if (typeof inputs.name === "string") return inputs.name;
    const prefix = typeof inputs.namePrefix === "string" ? inputs.namePrefix : typeof inputs.bucketPrefix === "string" ? inputs.bucketPrefix : undefined;
    return prefix ? `${prefix}${hash(logicalName).slice(0, 7)}` : `${logicalName}-${hash(logicalName).slice(0, 7)}`;
}

/** Whether the provider's id of `type` is its ARN. */
export function idIsArn(type: string): boolean {
    return ID_IS_ARN.has(type);
}

/** EC2's id prefix for each resource type slipway declares (AWS ids are the prefix and 17 hex digits). */
const EC2_IDS: Record<string, [sarType: string, prefix: string]> = {
    "aws:ec2/vpc:Vpc": ["vpc", "vpc"],
    "aws:ec2/subnet:Subnet": ["subnet", "subnet"],
    "aws:ec2/securityGroup:SecurityGroup": ["security-group", "sg"],
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ["security-group", "sg"],
    "aws:ec2/routeTable:RouteTable": ["route-table", "rtb"],
    "aws:ec2/internetGateway:InternetGateway": ["internet-gateway", "igw"],
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ["", "rtbassoc"],
};

/**
 * The ARN AWS gives a resource of `type`, in the shape its service authorization reference documents,
 * so a policy that names a planned resource's `arn` is simulated against what AWS would store. Types
 * not listed get no ARN from the mock (a test checks every declared type whose provider class has an
 * `arn` output is listed, and that each ARN matches one of the service's documented ARN formats).
 */
export function mockArn(type: string, name: string, physical: string, id: string, inputs: Record<string, unknown>, region: string): string | undefined {
    const A = MOCK_ACCOUNT;
    const R = region;
    const path = ((inputs.path) as string | undefined) ?? "/";
    const suffix = hash(name).slice(0, 16);
    const ec2 = EC2_IDS[type];
    if (ec2) return ec2[0] ? `arn:aws:ec2:${R}:${A}:${ec2[0]}/${id}` : undefined;
    switch (type) {
        case "aws:ecr/repository:Repository":
            return `arn:aws:ecr:${R}:${A}:repository/${physical}`;
        case "aws:iam/role:Role":
            return `arn:aws:iam::${A}:role${path}${physical}`;
        case "aws:iam/policy:Policy":
            return `arn:aws:iam::${A}:policy${path}${physical}`;
        case "aws:iam/instanceProfile:InstanceProfile":
            return `arn:aws:iam::${A}:instance-profile${path}${physical}`;
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            return `arn:aws:iam::${A}:oidc-provider/token.actions.githubusercontent.com`;
        case "aws:s3/bucket:Bucket":
            return `arn:aws:s3:::${physical}`;
        case "aws:s3/bucketObjectv2:BucketObjectv2":
            return `arn:aws:s3:::${String((inputs.bucket))}/${String((inputs.key))}`;
        case "aws:secretsmanager/secret:Secret":
            // Secrets Manager appends six random characters to the name in the ARN.
            return `arn:aws:secretsmanager:${R}:${A}:secret:${physical}-AbCdEf`;
        case "aws:ecs/cluster:Cluster":
            return `arn:aws:ecs:${R}:${A}:cluster/${physical}`;
        case "aws:ecs/service:Service":
            return `arn:aws:ecs:${R}:${A}:service/${String((inputs.cluster) ?? "").split("/").pop()}/${physical}`;
        case "aws:ecs/taskDefinition:TaskDefinition":
            return `arn:aws:ecs:${R}:${A}:task-definition/${String((inputs.family))}:1`;
        case "aws:cloudwatch/logGroup:LogGroup":
            return `arn:aws:logs:${R}:${A}:log-group:${physical}`;
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return `arn:aws:cloudwatch:${R}:${A}:alarm:${physical}`;
        case "aws:sns/topicPolicy:TopicPolicy":
            return String((inputs.arn));
        case "aws:secretsmanager/secretVersion:SecretVersion":
            return String((inputs.secretId));
        case "aws:kms/key:Key":
            return `arn:aws:kms:${R}:${A}:key/${id}`;
        case "aws:kms/alias:Alias":
            return `arn:aws:kms:${R}:${A}:${physical}`;
        case "aws:ssm/parameter:Parameter":
            return `arn:aws:ssm:${R}:${A}:parameter${physical.startsWith("/") ? "" : "/"}${physical}`;
        case "aws:sns/topic:Topic":
            return `arn:aws:sns:${R}:${A}:${physical}`;
        case "aws:sns/topicSubscription:TopicSubscription":
            return `${String((inputs.topic))}:${hash(name).slice(0, 8)}-0000-4000-8000-000000000000`;
        // Service authorization reference: schedule/${GroupName}/${ScheduleName}, schedule-group/${GroupName}; SQS ${QueueName}.
        // Rules on the default bus: rule/<name>; a target's `arn` is the ARN of what it calls (an input).
        case "aws:cloudwatch/eventRule:EventRule":
            return `arn:aws:events:${R}:${A}:rule/${physical}`;
        case "aws:cloudwatch/eventTarget:EventTarget":
            return typeof inputs.arn === "string" ? inputs.arn : undefined;
        case "aws:sfn/stateMachine:StateMachine":
            return `arn:aws:states:${R}:${A}:stateMachine:${physical}`;
        case "aws:scheduler/schedule:Schedule":
            return `arn:aws:scheduler:${R}:${A}:schedule/${String(inputs.groupName ?? "default")}/${physical}`;
        case "aws:scheduler/scheduleGroup:ScheduleGroup":
            return `arn:aws:scheduler:${R}:${A}:schedule-group/${physical}`;
        case "aws:sqs/queue:Queue":
            return `arn:aws:sqs:${R}:${A}:${physical}`;
        case "aws:codebuild/project:Project":
            return `arn:aws:codebuild:${R}:${A}:project/${physical}`;
        case "aws:codeartifact/domain:Domain":
            return `arn:aws:codeartifact:${R}:${A}:domain/${String(inputs.domain)}`;
        case "aws:codeartifact/repository:Repository":
            return `arn:aws:codeartifact:${R}:${A}:repository/${String(inputs.domain)}/${String(inputs.repository)}`;
        case "aws:codepipeline/pipeline:Pipeline":
            return `arn:aws:codepipeline:${R}:${A}:${physical}`;
        case "aws:codestarnotifications/notificationRule:NotificationRule":
            return `arn:aws:codestar-notifications:${R}:${A}:notificationrule/${hash(name).slice(0, 40)}`;
        case "aws:lb/loadBalancer:LoadBalancer":
            return `arn:aws:elasticloadbalancing:${R}:${A}:loadbalancer/app/${physical}/${suffix}`;
        case "aws:lb/targetGroup:TargetGroup":
            return `arn:aws:elasticloadbalancing:${R}:${A}:targetgroup/${physical}/${suffix}`;
        case "aws:lb/listener:Listener": {
            const lb = String((inputs.loadBalancerArn) ?? "").split(":loadbalancer/")[1] ?? `app/lb/${suffix}`;
            return `arn:aws:elasticloadbalancing:${R}:${A}:listener/${lb}/${suffix}`;
        }
        case "aws:lb/listenerRule:ListenerRule": {
            // listener-rule/app/<lb name>/<lb id>/<listener id>/<rule id>
            const listener = String((inputs.listenerArn) ?? "").split(":listener/")[1] ?? `app/lb/${suffix}/${suffix}`;
            return `arn:aws:elasticloadbalancing:${R}:${A}:listener-rule/${listener}/${suffix}`;
        }
        case "aws:appautoscaling/target:Target":
            return `arn:aws:application-autoscaling:${R}:${A}:scalable-target/${hash(name).slice(0, 28)}`;
        case "aws:appautoscaling/policy:Policy":
            return `arn:aws:autoscaling:${R}:${A}:scalingPolicy:${hash(name).slice(0, 8)}-0000-4000-8000-000000000000:resource/${String((inputs.serviceNamespace))}/${String((inputs.resourceId))}:policyName/${physical}`;
        case "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
            return `arn:aws:servicediscovery:${R}:${A}:namespace/${id}`;
        case "aws:servicediscovery/service:Service":
            return `arn:aws:servicediscovery:${R}:${A}:service/${id}`;
        case "aws:apigatewayv2/api:Api":
            return `arn:aws:apigateway:${R}::/apis/${id}`;
        case "aws:apigatewayv2/vpcLink:VpcLink":
            return `arn:aws:apigateway:${R}::/vpclinks/${id}`;
        case "aws:apigatewayv2/stage:Stage":
            return `arn:aws:apigateway:${R}::/apis/${String((inputs.apiId))}/stages/${physical}`;
        case "aws:apigatewayv2/domainName:DomainName":
            return `arn:aws:apigateway:${R}::/domainnames/${String(inputs.domainName)}`;
        case "aws:acm/certificate:Certificate":
            return `arn:aws:acm:${R}:${A}:certificate/${id}`;
        case "aws:rds/cluster:Cluster":
            return `arn:aws:rds:${R}:${A}:cluster:${String(inputs.clusterIdentifier ?? physical)}`;
        case "aws:rds/clusterInstance:ClusterInstance":
        case "aws:rds/instance:Instance":
            return `arn:aws:rds:${R}:${A}:db:${String(inputs.identifier ?? physical)}`;
        case "aws:rds/subnetGroup:SubnetGroup":
            return `arn:aws:rds:${R}:${A}:subgrp:${physical}`;
        case "aws:elasticbeanstalk/application:Application":
            return `arn:aws:elasticbeanstalk:${R}:${A}:application/${physical}`;
        case "aws:elasticbeanstalk/environment:Environment":
            return `arn:aws:elasticbeanstalk:${R}:${A}:environment/${String((inputs.application))}/${physical}`;
        case "aws:elasticbeanstalk/applicationVersion:ApplicationVersion":
            return `arn:aws:elasticbeanstalk:${R}:${A}:applicationversion/${String((inputs.application))}/${physical}`;
        default:
            return undefined;
    }
}

/**
 * Types whose provider id is their ARN (the Terraform provider's import ids, in the provider docs'
 * "Import" sections): a program reading `.id` of one gets the ARN on AWS, so it gets it here too.
 */
const ID_IS_ARN = new Set([
    "aws:secretsmanager/secret:Secret",
    "aws:iam/policy:Policy",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:sns/topic:Topic",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:ecs/cluster:Cluster",
    "aws:ecs/service:Service",
    "aws:codebuild/project:Project",
    "aws:codeartifact/domain:Domain",
    "aws:codeartifact/repository:Repository",
    "aws:codestarnotifications/notificationRule:NotificationRule",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:acm/certificate:Certificate",
]);

/** The id AWS gives a resource of `type` (EC2's prefixed hex ids, Cloud Map's and API Gateway's short ids). */
export function mockId(type: string, name: string, physical: string): string {
    const ec2 = EC2_IDS[type];
    if (ec2) return `${ec2[1]}-${hash(name).slice(0, 17)}`;
    switch (type) {
        case "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
            return `ns-${hash(name).slice(0, 16)}`;
        case "aws:servicediscovery/service:Service":
            return `srv-${hash(name).slice(0, 16)}`;
        case "aws:apigatewayv2/api:Api":
            return hash(name).slice(0, 10);
        case "aws:apigatewayv2/vpcLink:VpcLink":
            return hash(name).slice(0, 6);
        case "aws:kms/key:Key":
            return `${hash(name).slice(0, 8)}-0000-4000-8000-000000000000`;
        case "aws:acm/certificate:Certificate":
            return `${hash(name).slice(0, 8)}-0000-4000-8000-${hash(name).slice(8, 20)}`;
        case "aws:elasticbeanstalk/environment:Environment":
            return `e-${hash(name).slice(0, 10)}`;
        default:
            return physical;
    }
}

