// AWS's limits, broken and kept: for every limit a tiny plan that breaks it (and is caught) and one that
// keeps it (and passes), then every fixture stack's plan, whose current violations are reported as
// diagnostics rather than asserted away.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "path";
import { Plan, PlannedResource, SECRET, UNKNOWN } from "../tools/plan/mock-engine";
import { listStacks } from "../tools/plan/stack-config";
import {
    AUTO_NAME_SUFFIX_LENGTH,
    CHECKED,
    checkLimits,
    formatViolation,
    iamPolicySize,
    LimitError,
    LimitId,
    LIMITS,
    assertWithinLimits,
    parseCidr,
    planIdentifiers,
    thousands,
} from "../tools/check/aws-limits";
import { FIXTURES, packagesLoaded, planStack, ROOT } from "./helpers";

type Inputs = Record<string, unknown>;

const RDSI = "aws:rds/instance:Instance";
const res = (type: string, name: string, inputs: Inputs = {}): PlannedResource => ({
    urn: `urn:pulumi:test::slipway::${type}::${name}`,
    type,
    name,
    parent: null,
    inputs,
    protect: false,
    dependsOn: [],
    custom: true,
    ignoreChanges: [],
    retainOnDelete: false,
    deleteBeforeReplace: false,
});
const plan = (...resources: PlannedResource[]): Plan => ({ project: "slipway", stack: "test", resources, outputs: {} });
const ids = (...resources: PlannedResource[]) => checkLimits(plan(...resources)).map((v) => v.limit);

const T = {
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    profile: "aws:iam/instanceProfile:InstanceProfile",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    vpc: "aws:ec2/vpc:Vpc",
    vpcCidr: "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
    subnet: "aws:ec2/subnet:Subnet",
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    cluster: "aws:ecs/cluster:Cluster",
    service: "aws:ecs/service:Service",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    bucket: "aws:s3/bucket:Bucket",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    parameter: "aws:ssm/parameter:Parameter",
    secret: "aws:secretsmanager/secret:Secret",
    project: "aws:codebuild/project:Project",
    pipeline: "aws:codepipeline/pipeline:Pipeline",
    topic: "aws:sns/topic:Topic",
    alias: "aws:kms/alias:Alias",
    ebEnv: "aws:elasticbeanstalk/environment:Environment",
    ebApp: "aws:elasticbeanstalk/application:Application",
    ebVersion: "aws:elasticbeanstalk/applicationVersion:ApplicationVersion",
    namespace: "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    discovery: "aws:servicediscovery/service:Service",
    api: "aws:apigatewayv2/api:Api",
    stage: "aws:apigatewayv2/stage:Stage",
    vpcLink: "aws:apigatewayv2/vpcLink:VpcLink",
    repo: "aws:ecr/repository:Repository",
    lifecycle: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    rule: "aws:codestarnotifications/notificationRule:NotificationRule",
    scaling: "aws:appautoscaling/policy:Policy",
    ghSecret: "github:index/actionsSecret:ActionsSecret",
    ghEnvSecret: "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    ghVariable: "github:index/actionsVariable:ActionsVariable",
    ghEnv: "github:index/repositoryEnvironment:RepositoryEnvironment",
};

/** A policy document of exactly `size` characters without white space (plus `spaces` spaces, which IAM does not count). */
function policyOf(size: number, spaces = 0): string {
    const doc = (pad: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::b${pad}` }] });
    const base = doc("").length;
    assert.ok(size >= base, `a policy is at least ${base} characters`);
    const text = doc("a".repeat(size - base));
    return spaces ? text.replace("{", `{${" ".repeat(spaces)}`) : text;
}

const role = (name: string, inputs: Inputs = {}) => res(T.role, name, { name, assumeRolePolicy: policyOf(200), ...inputs });
const inline = (name: string, roleName: string, size: number) => res(T.rolePolicy, name, { role: roleName, policy: policyOf(size) });
const attach = (name: string, roleName: string, arn: string) => res(T.attachment, name, { role: roleName, policyArn: arn });
const arn = (i: number) => `arn:aws:iam::123456789012:policy/p${i}`;
const sg = (name: string, inputs: Inputs = {}) => res(T.sg, name, { name, description: "Tasks of the app", ...inputs });
const cidrs = (n: number) => Array.from({ length: n }, (_, i) => `10.${Math.floor(i / 256)}.${i % 256}.0/24`);
const cidrs6 = (n: number) => Array.from({ length: n }, (_, i) => `2600:1f18:0:${i.toString(16)}::/64`);
const vpc = (name: string, cidr: string) => res(T.vpc, name, { cidrBlock: cidr });
const vpcId = (v: PlannedResource) => planIdentifiers(v).id;
const subnet = (name: string, v: PlannedResource, cidr: string) => res(T.subnet, name, { vpcId: vpcId(v), cidrBlock: cidr });
const container = (name: string, extra: Inputs = {}) => ({ name, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:latest", essential: true, ...extra });
const taskDef = (containers: unknown[], inputs: Inputs = {}) =>
    res(T.taskDef, "app-task", { family: "shop-production", cpu: "256", memory: "512", containerDefinitions: JSON.stringify(containers), ...inputs });
const envProp = (name: string, value: string) => ({ namespace: "aws:elasticbeanstalk:application:environment", name, value });
const ebEnv = (inputs: Inputs) => res(T.ebEnv, "app-environment", { application: "shop", name: "shop-staging", ...inputs });
const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, "v"]));
const x = (n: number, c = "a") => c.repeat(n);

interface Case {
    /** Resource sets that each break the limit. */
    breaks: PlannedResource[][];
    /** Resource sets that keep it: no violation at all. */
    keeps: PlannedResource[][];
    /** Other limits a breaking set may break along the way. */
    also?: LimitId[];
}

const CASES: Record<LimitId, Case> = {
    "iam.role.inline-policies-size": {
        breaks: [
            [role("deploy"), inline("deploy-a", "deploy", 5200), inline("deploy-b", "deploy", 5041)],
            [role("deploy", { inlinePolicies: [{ name: "a", policy: policyOf(10241) }] })],
            // A role outside the plan, referenced by ARN, still gets its policies added up.
            [inline("a", "arn:aws:iam::123456789012:role/path/external", 6000), inline("b", "external", 6000)],
        ],
        keeps: [
            [role("deploy"), inline("deploy-a", "deploy", 5200), inline("deploy-b", "deploy", 5040)],
            // White space does not count: 10,240 characters plus 4,000 spaces still fit.
            [role("deploy"), inline("deploy-a", "deploy", 10240 - 2000), res(T.rolePolicy, "deploy-b", { role: "deploy", policy: policyOf(2000, 4000) })],
            // Two roles' policies are not added together.
            [role("a"), role("b"), inline("a-p", "a", 6000), inline("b-p", "b", 6000)],
        ],
    },
    "iam.policy.size": {
        breaks: [[res(T.policy, "runtime", { name: "runtime", policy: policyOf(6145) })]],
        keeps: [[res(T.policy, "runtime", { name: "runtime", policy: policyOf(6144, 500) })]],
    },
    "iam.role.trust-policy-size": {
        breaks: [[role("deploy", { assumeRolePolicy: policyOf(2049) })]],
        keeps: [[role("deploy", { assumeRolePolicy: policyOf(2048, 100) })]],
    },
    "iam.role.managed-policies": {
        breaks: [
            [role("deploy"), ...Array.from({ length: 11 }, (_, i) => attach(`a${i}`, "deploy", arn(i)))],
            [role("deploy", { managedPolicyArns: [arn(100)] }), ...Array.from({ length: 10 }, (_, i) => attach(`a${i}`, "deploy", arn(i)))],
            [role("deploy"), res(T.policyAttachment, "shared", { roles: ["deploy"], policyArn: arn(50) }), ...Array.from({ length: 10 }, (_, i) => attach(`a${i}`, "deploy", arn(i)))],
        ],
        keeps: [
            [role("deploy"), ...Array.from({ length: 10 }, (_, i) => attach(`a${i}`, "deploy", arn(i)))],
            // The same policy attached twice takes one slot.
            [role("deploy", { managedPolicyArns: [arn(0)] }), ...Array.from({ length: 10 }, (_, i) => attach(`a${i}`, "deploy", arn(i)))],
        ],
    },
    "iam.policy-document.characters": {
        breaks: [[role("deploy"), res(T.rolePolicy, "p", { role: "deploy", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Read—only", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) })]],
        keeps: [[role("deploy"), res(T.rolePolicy, "p", { role: "deploy", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "ReadOnly", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) })]],
    },
    "iam.role.name": {
        breaks: [[role(x(65))], [role("deploy role")], [res(T.role, x(64 - AUTO_NAME_SUFFIX_LENGTH + 1), { assumeRolePolicy: policyOf(200) })]],
        keeps: [[role(x(64))], [res(T.role, x(64 - AUTO_NAME_SUFFIX_LENGTH), { assumeRolePolicy: policyOf(200) })], [role("deploy", { name: SECRET })]],
    },
    "iam.role.path": {
        breaks: [[role("deploy", { path: "slipway/shop/" })], [role("deploy", { path: `/${x(511)}/` })]],
        keeps: [[role("deploy", { path: "/slipway/shop/production/" })], [role("deploy", { path: "/" })]],
    },
    "iam.role.description": {
        breaks: [[role("deploy", { description: x(1001) })], [role("deploy", { description: "Deploys → production" })]],
        keeps: [[role("deploy", { description: `${x(990)} café's` })]],
    },
    "iam.role.max-session-duration": {
        breaks: [[role("deploy", { maxSessionDuration: 900 })], [role("deploy", { maxSessionDuration: 43201 })]],
        keeps: [[role("deploy", { maxSessionDuration: 3600 })], [role("deploy", { maxSessionDuration: 43200 })]],
    },
    "iam.policy.name": {
        breaks: [[res(T.policy, "p", { name: x(129), policy: policyOf(200) })], [res(T.policy, "p", { name: "shop/runtime", policy: policyOf(200) })]],
        keeps: [[res(T.policy, "p", { name: x(128), policy: policyOf(200) })]],
    },
    "iam.policy.path": {
        breaks: [[res(T.policy, "p", { name: "p", path: "/slipway shop/", policy: policyOf(200) })]],
        keeps: [[res(T.policy, "p", { name: "p", path: "/slipway/shop/", policy: policyOf(200) })]],
    },
    "iam.policy.description": {
        breaks: [[res(T.policy, "p", { name: "p", description: x(1001), policy: policyOf(200) })]],
        keeps: [[res(T.policy, "p", { name: "p", description: x(1000), policy: policyOf(200) })]],
    },
    "iam.inline-policy.name": {
        breaks: [[role("r"), res(T.rolePolicy, x(128 - AUTO_NAME_SUFFIX_LENGTH + 1), { role: "r", policy: policyOf(200) })], [role("r", { inlinePolicies: [{ name: "read only", policy: policyOf(200) }] })]],
        keeps: [[role("r"), res(T.rolePolicy, x(128 - AUTO_NAME_SUFFIX_LENGTH), { role: "r", policy: policyOf(200) })]],
    },
    "iam.instance-profile.name": {
        breaks: [[res(T.profile, "p", { name: x(129), role: "r" })], [res(T.profile, x(121), { role: "r" })]],
        keeps: [[res(T.profile, x(120), { role: "r" })]],
    },
    "iam.instance-profile.path": {
        breaks: [[res(T.profile, "p", { role: "r", path: "/no-trailing-slash" })]],
        keeps: [[res(T.profile, "p", { role: "r", path: "/slipway/" })]],
    },
    "ec2.security-group.inbound-rules": {
        breaks: [
            [sg("g", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: cidrs(61) }] })],
            [sg("g", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: cidrs6(60), securityGroups: ["sg-1"] }] })],
            // Standalone rules count against the group they name (by the group's id).
            (() => {
                const g = sg("g", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: cidrs(60) }] });
                return [g, res(T.ingressRule, "extra", { securityGroupId: planIdentifiers(g).id, cidrIpv4: "192.168.0.0/24", ipProtocol: "tcp", fromPort: 80, toPort: 80 })];
            })(),
            (() => {
                const g = sg("g", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: cidrs(60) }] });
                return [g, res(T.sgRule, "extra", { type: "ingress", securityGroupId: planIdentifiers(g).id, sourceSecurityGroupId: "sg-2", protocol: "tcp", fromPort: 80, toPort: 80 })];
            })(),
        ],
        keeps: [
            // 60 IPv4 and 60 IPv6 rules: each family has its own quota.
            [sg("g", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: cidrs(60), ipv6CidrBlocks: cidrs6(60) }] })],
            [sg("g", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: cidrs(59) }, { protocol: "tcp", fromPort: 80, toPort: 80, self: true }] })],
        ],
    },
    "ec2.security-group.outbound-rules": {
        breaks: [[sg("g", { egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: cidrs(30) }, { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: cidrs(31) }] })], [res(T.defaultSg, "d", { egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: cidrs(61) }] })]],
        keeps: [[sg("g", { egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: cidrs(60) }], ingress: [{ protocol: "tcp", fromPort: 1, toPort: 1, cidrBlocks: cidrs(60) }] })]],
    },
    "ec2.security-group.description": {
        breaks: [[sg("g", { description: "The app's tasks" })], [sg("g", { description: x(256) })]],
        keeps: [[sg("g", { description: "Tasks of shop-production: reachable from the ingress only (#1) [tcp/8080] & {more}" })]],
    },
    "ec2.security-group.name": {
        breaks: [[sg("g", { name: "sg-app" })], [sg("g", { name: "app tasks é" })], [res(T.sg, x(248), { description: "d" })]],
        keeps: [[sg("g", { name: "app-tasks" })], [res(T.sg, x(247), { description: "d" })]],
    },
    "ec2.security-group-rule.description": {
        breaks: [
            [sg("g", { egress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.0.0.0/16"], description: "To the app's tasks only" }] })],
            [res(T.ingressRule, "r", { securityGroupId: "sg-1", cidrIpv4: "10.0.0.0/16", description: "HTTPS – public" })],
        ],
        keeps: [[sg("g", { egress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, cidrBlocks: ["10.0.0.0/16"], description: "To the app tasks only" }] })]],
    },
    "vpc.cidr.syntax": {
        breaks: [[vpc("v", "10.0.0.1/16")], [vpc("v", "10.0.0.0/33")], [vpc("v", "10.0.0/16")], [vpc("v", "300.0.0.0/16")]],
        keeps: [[vpc("v", "10.0.0.0/16")]],
    },
    "vpc.cidr.size": {
        breaks: [[vpc("v", "10.0.0.0/15")], [vpc("v", "10.0.0.0/29")]],
        keeps: [[vpc("v", "10.0.0.0/16")], [vpc("v", "10.0.0.0/28")]],
    },
    "subnet.cidr.size": {
        breaks: [(() => [vpc("v", "10.0.0.0/16"), subnet("s", vpc("v", "10.0.0.0/16"), "10.0.0.0/29")])()],
        keeps: [(() => [vpc("v", "10.0.0.0/16"), subnet("s", vpc("v", "10.0.0.0/16"), "10.0.0.0/28")])()],
    },
    "subnet.cidr.inside-vpc": {
        breaks: [(() => [vpc("v", "10.30.0.0/16"), subnet("s", vpc("v", "10.30.0.0/16"), "10.31.0.0/24")])()],
        keeps: [
            (() => [vpc("v", "10.30.0.0/16"), subnet("s", vpc("v", "10.30.0.0/16"), "10.30.255.0/24")])(),
            // A secondary block associated with the VPC takes subnets too.
            (() => {
                const v = vpc("v", "10.30.0.0/16");
                return [v, res(T.vpcCidr, "second", { vpcId: vpcId(v), cidrBlock: "10.31.0.0/16" }), subnet("s", v, "10.31.0.0/24")];
            })(),
        ],
    },
    "subnet.cidr.no-overlap": {
        breaks: [(() => [vpc("v", "10.0.0.0/16"), subnet("a", vpc("v", "10.0.0.0/16"), "10.0.0.0/18"), subnet("b", vpc("v", "10.0.0.0/16"), "10.0.32.0/20")])()],
        keeps: [
            (() => [vpc("v", "10.0.0.0/16"), subnet("a", vpc("v", "10.0.0.0/16"), "10.0.0.0/18"), subnet("b", vpc("v", "10.0.0.0/16"), "10.0.64.0/18")])(),
            // Subnets of different VPCs may share a range.
            [vpc("v", "10.0.0.0/16"), vpc("w", "10.0.0.0/16"), subnet("a", vpc("v", "10.0.0.0/16"), "10.0.0.0/18"), subnet("b", vpc("w", "10.0.0.0/16"), "10.0.0.0/18")],
        ],
    },
    "ecs.task-definition.size": {
        breaks: [[taskDef([container("app", { environment: [{ name: "BLOB", value: x(65536) }] })])]],
        keeps: [[taskDef([container("app", { environment: [{ name: "BLOB", value: x(60000) }] })])]],
    },
    "ecs.task-definition.containers": {
        breaks: [[taskDef(Array.from({ length: 11 }, (_, i) => container(`c${i}`)))]],
        keeps: [[taskDef(Array.from({ length: 10 }, (_, i) => container(`c${i}`)))]],
    },
    "ecs.task-definition.container-definitions": {
        breaks: [[taskDef([], { containerDefinitions: "{not json" })], [taskDef([], { containerDefinitions: JSON.stringify(container("app")) })]],
        keeps: [[taskDef([container("app")])], [taskDef([], { containerDefinitions: UNKNOWN })]],
    },
    "ecs.task-definition.family": {
        breaks: [[taskDef([container("app")], { family: "shop.production" })], [taskDef([container("app")], { family: x(256) })]],
        keeps: [[taskDef([container("app")], { family: `shop_${x(250)}` })]],
    },
    "ecs.container.name": {
        breaks: [[taskDef([container("my app")])]],
        keeps: [[taskDef([container("app_1-a")])]],
    },
    "rds.cluster.identifier": {
        breaks: [[res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop--staging" })], [res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "1shop" })], [res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: x(64) })], [res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop-" })]],
        keeps: [[res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop-staging" })], [res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: x(63) })]],
    },
    "rds.cluster.final-snapshot": {
        breaks: [[res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop", finalSnapshotIdentifier: "shop_final" })]],
        keeps: [[res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop", finalSnapshotIdentifier: "shop-final" })]],
    },
    "rds.cluster.database-name": {
        breaks: [[res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop", databaseName: "my-db" })], [res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop", databaseName: x(64) })]],
        keeps: [[res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop", databaseName: "shop_db" })]],
    },
    "rds.cluster.master-username": {
        breaks: [[res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop", masterUsername: x(17) })], [res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop", masterUsername: "_app" })]],
        keeps: [[res("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "shop", masterUsername: x(16) })]],
    },
    "rds.instance.identifier": {
        breaks: [[res("aws:rds/clusterInstance:ClusterInstance", "w", { identifier: `${x(57)}-writer` })], [res(RDSI, "db", { identifier: x(64) })], [res(RDSI, "db", { identifier: "shop--staging" })]],
        keeps: [[res("aws:rds/clusterInstance:ClusterInstance", "w", { identifier: `${x(56)}-writer` })]],
    },
    // slipway:database.kind instance: the DB instance's own identifiers, storage and class.
    "rds.instance.final-snapshot": {
        breaks: [[res(RDSI, "db", { identifier: "shop", finalSnapshotIdentifier: "shop--final" })], [res(RDSI, "db", { identifier: "shop", finalSnapshotIdentifier: x(256) })]],
        keeps: [[res(RDSI, "db", { identifier: "shop", finalSnapshotIdentifier: "shop-final" })], [res(RDSI, "db", { identifier: "shop", finalSnapshotIdentifier: x(255) })]],
    },
    "rds.instance.database-name": {
        breaks: [[res(RDSI, "db", { identifier: "shop", dbName: "my-db" })], [res(RDSI, "db", { identifier: "shop", dbName: x(64) })]],
        keeps: [[res(RDSI, "db", { identifier: "shop", dbName: "shop_db" })], [res(RDSI, "db", { identifier: "shop", dbName: x(63) })]],
    },
    "rds.instance.master-username": {
        breaks: [[res(RDSI, "db", { identifier: "shop", username: x(64) })], [res(RDSI, "db", { identifier: "shop", username: "_app" })]],
        keeps: [[res(RDSI, "db", { identifier: "shop", username: "app" })]],
    },
    "rds.instance.allocated-storage": {
        breaks: [[res(RDSI, "db", { identifier: "shop", storageType: "gp3", allocatedStorage: 19 })], [res(RDSI, "db", { identifier: "shop", storageType: "gp3", allocatedStorage: 65537 })], [res(RDSI, "db", { identifier: "shop", storageType: "gp3", allocatedStorage: 20.5 })]],
        keeps: [[res(RDSI, "db", { identifier: "shop", storageType: "gp3", allocatedStorage: 20 })], [res(RDSI, "db", { identifier: "shop", storageType: "gp3", allocatedStorage: 65536 })]],
    },
    "rds.instance.class": {
        breaks: [[res(RDSI, "db", { identifier: "shop", instanceClass: "t4g.micro" })], [res(RDSI, "db", { identifier: "shop", instanceClass: "db.serverless" })], [res(RDSI, "db", { identifier: "shop", instanceClass: "db.t4g.huge" })]],
        keeps: [[res(RDSI, "db", { identifier: "shop", instanceClass: "db.t4g.micro" })], [res(RDSI, "db", { identifier: "shop", instanceClass: "db.r6gd.16xlarge" })], [res(RDSI, "db", { identifier: "shop", instanceClass: "db.m6i.metal" })]],
    },
    "rds.subnet-group.name": {
        breaks: [[res("aws:rds/subnetGroup:SubnetGroup", "g", { name: "default" })], [res("aws:rds/subnetGroup:SubnetGroup", "g", { name: "shop/staging" })]],
        keeps: [[res("aws:rds/subnetGroup:SubnetGroup", "g", { name: "shop-staging" })]],
    },
    "ecs.cluster.name": {
        breaks: [[res(T.cluster, "c", { name: "shop/production" })], [res(T.cluster, x(248))]],
        keeps: [[res(T.cluster, "c", { name: "shop-production" })], [res(T.cluster, x(247))]],
    },
    "ecs.service.name": {
        breaks: [[res(T.service, "s", { name: "shop production" })]],
        keeps: [[res(T.service, "s", { name: "shop-production" })]],
    },
    "elb.load-balancer.name": {
        breaks: [[res(T.lb, "lb", { name: x(33) })], [res(T.lb, "lb", { name: "internal-web" })], [res(T.lb, "lb", { name: "web-" })], [res(T.lb, "lb", { name: "web_alb" })], [res(T.lb, x(25))]],
        keeps: [[res(T.lb, "lb", { name: x(32) })], [res(T.lb, x(24))], [res(T.lb, "web-alb")], [res(T.lb, x(40), { namePrefix: "web-" })]],
    },
    "elb.target-group.name": {
        breaks: [[res(T.tg, "tg", { name: "-web" })], [res(T.tg, "name-longer-than-30-characters")]],
        keeps: [[res(T.tg, "tg", { name: "web-app" })], [res(T.tg, "web-app")]],
    },
    "elb.target-group.name-prefix": {
        breaks: [[res(T.tg, "tg", { namePrefix: "webapp1" })]],
        keeps: [[res(T.tg, "tg", { namePrefix: "webapp" })]],
        also: ["elb.target-group.name"],
    },
    "s3.bucket.name": {
        breaks: [
            [res(T.bucket, "b", { bucket: "My_Bucket" })],
            [res(T.bucket, "b", { bucket: "ab" })],
            [res(T.bucket, "b", { bucket: "shop..artifacts" })],
            [res(T.bucket, "b", { bucket: "192.168.5.4" })],
            [res(T.bucket, "b", { bucket: "xn--shop" })],
            [res(T.bucket, "b", { bucket: "shop-s3alias" })],
            [res(T.bucket, "b", { bucket: "shop-" })],
            [res(T.bucket, x(56))],
        ],
        keeps: [[res(T.bucket, "b", { bucket: "shop-artifacts.2026" })], [res(T.bucket, `Artifacts${x(46)}`)], [res(T.bucket, "b", { bucketPrefix: "shop-eb-bundles-" })]],
    },
    "s3.bucket.prefix": {
        breaks: [[res(T.bucket, "b", { bucketPrefix: x(38) })], [res(T.bucket, "b", { bucketPrefix: "Shop-" })]],
        keeps: [[res(T.bucket, "b", { bucketPrefix: x(37) })]],
        also: ["s3.bucket.name"],
    },
    "logs.log-group.name": {
        breaks: [[res(T.logGroup, "l", { name: "aws/codebuild/x" })], [res(T.logGroup, "l", { name: "/slipway/shop app" })], [res(T.logGroup, "l", { name: `/${x(512)}` })], [res(T.logGroup, "l", { namePrefix: `/${x(486)}` })]],
        keeps: [[res(T.logGroup, "l", { name: "/aws/codebuild/shop#1" })], [res(T.logGroup, "build-logs")], [res(T.logGroup, "l", { namePrefix: `/${x(485)}` })]],
    },
    "ssm.parameter.name": {
        breaks: [
            [res(T.parameter, "p", { name: "/slipway/shop app/tag", type: "String", insecureValue: "latest" })],
            [res(T.parameter, "p", { name: "/aws/shop/tag", type: "String", insecureValue: "latest" })],
            [res(T.parameter, "p", { name: "SSM-shop", type: "String", insecureValue: "latest" })],
            [res(T.parameter, "p", { name: "slipway/shop/tag", type: "String", insecureValue: "latest" })],
            [res(T.parameter, "p", { name: `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join("/")}`, type: "String", insecureValue: "latest" })],
            [res(T.parameter, "p", { name: `/${x(1000)}`, type: "String", insecureValue: "latest" })],
        ],
        keeps: [
            [res(T.parameter, "p", { name: "/slipway/shop/production/image-tag", type: "String", insecureValue: "latest" })],
            [res(T.parameter, "p", { name: `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join("/")}`, type: "String", insecureValue: "latest" })],
            [res(T.parameter, "image-tag", { type: "String", insecureValue: "latest" })],
        ],
    },
    "ssm.parameter.value": {
        breaks: [[res(T.parameter, "p", { name: "/p", type: "String", insecureValue: x(4097) })]],
        keeps: [[res(T.parameter, "p", { name: "/p", type: "String", insecureValue: x(4096) })], [res(T.parameter, "p", { name: "/p", type: "String", tier: "Advanced", insecureValue: x(8192) })]],
    },
    "ssm.parameter.description": {
        breaks: [[res(T.parameter, "p", { name: "/p", type: "String", insecureValue: "v", description: x(1025) })]],
        keeps: [[res(T.parameter, "p", { name: "/p", type: "String", insecureValue: "v", description: x(1024) })]],
    },
    "secretsmanager.secret.name": {
        breaks: [[res(T.secret, "s", { name: "slipway/shop app" })], [res(T.secret, "s", { namePrefix: x(487) })], [res(T.secret, "s", { name: x(513) })]],
        keeps: [[res(T.secret, "s", { namePrefix: "slipway/shop/production/" })], [res(T.secret, "s", { namePrefix: x(486) })], [res(T.secret, "s", { name: "a+b=c.d@e_f-g" })]],
    },
    "secretsmanager.secret.description": {
        breaks: [[res(T.secret, "s", { name: "s", description: x(2049) })]],
        keeps: [[res(T.secret, "s", { name: "s", description: x(2048) })]],
    },
    "codebuild.project.name": {
        breaks: [[res(T.project, "p", { name: "a" })], [res(T.project, "p", { name: "-build" })], [res(T.project, "p", { name: x(151) })], [res(T.project, "p", { name: "shop.build" })]],
        keeps: [[res(T.project, "p", { name: x(150) })], [res(T.project, "build-project")]],
    },
    "codebuild.project.description": {
        breaks: [[res(T.project, "p", { name: "p1", description: x(256) })]],
        keeps: [[res(T.project, "p", { name: "p1", description: x(255) })]],
    },
    "events.rule.name": {
        breaks: [[res("aws:cloudwatch/eventRule:EventRule", "r", { name: x(65), eventPattern: "{}" })], [res("aws:cloudwatch/eventRule:EventRule", "r", { name: "shop rule", eventPattern: "{}" })], [res("aws:cloudwatch/eventRule:EventRule", x(57))]],
        keeps: [[res("aws:cloudwatch/eventRule:EventRule", "r", { name: x(64), eventPattern: "{}" })], [res("aws:cloudwatch/eventRule:EventRule", "github-status-rule")]],
    },
    "events.rule.description": {
        breaks: [[res("aws:cloudwatch/eventRule:EventRule", "r", { name: "r1", description: x(513) })]],
        keeps: [[res("aws:cloudwatch/eventRule:EventRule", "r", { name: "r1", description: x(512) })]],
    },
    "states.definition.state-name": {
        breaks: [
            [res("aws:sfn/stateMachine:StateMachine", "m", { name: "m1", definition: JSON.stringify({ StartAt: x(81), States: { [x(81)]: { Type: "Pass", End: true } } }) })],
            [res("aws:sfn/stateMachine:StateMachine", "m", { name: "m1", definition: JSON.stringify({ StartAt: "Restart shop", States: { "Restart shop": { Type: "Pass", End: true } } }) })],
        ],
        keeps: [[res("aws:sfn/stateMachine:StateMachine", "m", { name: "m1", definition: JSON.stringify({ StartAt: x(80), States: { [x(80)]: { Type: "Pass", End: true } } }) })]],
    },
    "events.rule.pattern": {
        breaks: [[res("aws:cloudwatch/eventRule:EventRule", "r", { name: "r1", eventPattern: JSON.stringify({ detail: { stage: [x(2040)] } }) })]],
        keeps: [[res("aws:cloudwatch/eventRule:EventRule", "r", { name: "r1", eventPattern: JSON.stringify({ detail: { stage: [x(2020)] } }) })]],
    },
    "events.target.input-transformer": {
        breaks: [
            [res("aws:cloudwatch/eventTarget:EventTarget", "t", { rule: "r1", arn: "a", inputTransformer: { inputTemplate: x(8193) } })],
            [res("aws:cloudwatch/eventTarget:EventTarget", "t", { rule: "r1", arn: "a", inputTransformer: { inputTemplate: "{}", inputPaths: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, "$.id"])) } })],
            [res("aws:cloudwatch/eventTarget:EventTarget", "t", { rule: "r1", arn: "a", inputTransformer: { inputTemplate: "{}", inputPaths: { AWSid: "$.id" } } })],
        ],
        keeps: [[res("aws:cloudwatch/eventTarget:EventTarget", "t", { rule: "r1", arn: "a", inputTransformer: { inputTemplate: x(8192), inputPaths: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i}`, "$.id"])) } })]],
    },
    "codebuild.project.badge": {
        breaks: [[res(T.project, "p", { name: "p1", badgeEnabled: true, source: { type: "CODEPIPELINE" } })], [res(T.project, "p", { name: "p1", badgeEnabled: true, source: { type: "NO_SOURCE" } })]],
        keeps: [[res(T.project, "p", { name: "p1", badgeEnabled: true, source: { type: "GITHUB" } })], [res(T.project, "p", { name: "p1", source: { type: "CODEPIPELINE" } })]],
    },
    "codebuild.project.timeouts": {
        breaks: [[res(T.project, "p", { name: "p1", buildTimeout: 4 })], [res(T.project, "p", { name: "p1", queuedTimeout: 481 })]],
        keeps: [[res(T.project, "p", { name: "p1", buildTimeout: 2160, queuedTimeout: 480 })]],
    },
    "codepipeline.pipeline.name": {
        breaks: [[res(T.pipeline, "p", { name: "shop pipeline", stages: [] })], [res(T.pipeline, x(93), { stages: [] })]],
        keeps: [[res(T.pipeline, "p", { name: "shop.pipeline@1_a-b", stages: [] })], [res(T.pipeline, x(92), { stages: [] })]],
    },
    "codepipeline.stage.name": {
        breaks: [[res(T.pipeline, "p", { name: "p", stages: [{ name: "Deploy staging", actions: [] }] })], [res(T.pipeline, "p", { name: "p", stages: [{ name: "Deploy", actions: [] }, { name: "Deploy", actions: [] }] })]],
        keeps: [[res(T.pipeline, "p", { name: "p", stages: [{ name: "Source", actions: [] }, { name: "Deploy-staging", actions: [] }] })]],
    },
    "codepipeline.action.name": {
        breaks: [
            [res(T.pipeline, "p", { name: "p", stages: [{ name: "Deploy", actions: [{ name: "Smoke test" }] }] })],
            [res(T.pipeline, "p", { name: "p", stages: [{ name: "Deploy", actions: [{ name: "Smoke" }, { name: "Smoke" }] }] })],
        ],
        keeps: [[res(T.pipeline, "p", { name: "p", stages: [{ name: "A", actions: [{ name: "Smoke" }] }, { name: "B", actions: [{ name: "Smoke" }] }] })]],
    },
    "codepipeline.action.namespace": {
        breaks: [
            [res(T.pipeline, "p", { name: "p", stages: [{ name: "A", actions: [{ name: "Backup", namespace: "Backup.Production" }] }] })],
            // Two stages' actions in one namespace: CodePipeline refuses the pipeline.
            [res(T.pipeline, "p", { name: "p", stages: [{ name: "A", actions: [{ name: "Backup", namespace: "Backup" }] }, { name: "B", actions: [{ name: "Backup", namespace: "Backup" }] }] })],
        ],
        keeps: [[res(T.pipeline, "p", { name: "p", stages: [{ name: "A", actions: [{ name: "Backup", namespace: "Backup-A" }] }, { name: "B", actions: [{ name: "Backup", namespace: "Backup-B" }, { name: "Deploy" }] }] })]],
    },
    "sns.topic.name": {
        breaks: [[res(T.topic, "t", { name: "shop events" })], [res(T.topic, "t", { name: "shop-events", fifoTopic: true })]],
        keeps: [[res(T.topic, "t", { name: "shop_events-1" })], [res(T.topic, "t", { name: "shop-events.fifo", fifoTopic: true })], [res(T.topic, "notifications-topic")]],
    },
    "kms.alias.name": {
        breaks: [[res(T.alias, "a", { name: "alias/aws/shop" })], [res(T.alias, "a", { name: "shop-key" })], [res(T.alias, "a", { name: "alias/shop key" })]],
        keeps: [[res(T.alias, "a", { name: "alias/slipway/shop_key-1" })], [res(T.alias, "a", { namePrefix: "alias/slipway-" })]],
    },
    "elasticbeanstalk.environment.name": {
        breaks: [[ebEnv({ name: "eb1" })], [ebEnv({ name: "shop_staging" })], [ebEnv({ name: "-shop" })], [ebEnv({ name: x(41) })], [res(T.ebEnv, x(33), { application: "shop" })]],
        keeps: [[ebEnv({ name: "shop-beanstalk-production" })], [res(T.ebEnv, x(32), { application: "shop" })]],
    },
    "elasticbeanstalk.environment.cname-prefix": {
        breaks: [[ebEnv({ cnamePrefix: "abc" })]],
        keeps: [[ebEnv({ cnamePrefix: "shop-staging" })]],
    },
    "elasticbeanstalk.application.name": {
        breaks: [[res(T.ebApp, "a", { name: x(101) })]],
        keeps: [[res(T.ebApp, "a", { name: x(100) })]],
    },
    "elasticbeanstalk.version.label": {
        breaks: [[res(T.ebVersion, "v", { name: x(101), application: "shop", bucket: "b", key: "k" })]],
        keeps: [[res(T.ebVersion, "v", { name: x(100), application: "shop", bucket: "b", key: "k" })]],
    },
    "elasticbeanstalk.description": {
        breaks: [[res(T.ebApp, "a", { name: "shop", description: x(201) })], [ebEnv({ description: x(201) })]],
        keeps: [[res(T.ebApp, "a", { name: "shop", description: x(200) })]],
    },
    "elasticbeanstalk.environment-property": {
        breaks: [[ebEnv({ settings: [envProp("API_URL", x(257))] })], [ebEnv({ settings: [envProp(x(129), "v")] })]],
        keeps: [[ebEnv({ settings: [envProp(x(128), x(256)), { namespace: "aws:elasticbeanstalk:environment", name: "ServiceRole", value: x(300) }] })]],
    },
    "elasticbeanstalk.environment-properties-size": {
        breaks: [[ebEnv({ settings: Array.from({ length: 17 }, (_, i) => envProp(`K${i}`, x(250))) })]],
        keeps: [[ebEnv({ settings: Array.from({ length: 16 }, (_, i) => envProp(`K${i}`, x(250))) })], [ebEnv({ settings: [...Array.from({ length: 17 }, (_, i) => envProp(`K${i}`, x(250))).slice(0, 16), envProp("S", SECRET)] })]],
    },
    "servicediscovery.namespace.name": {
        breaks: [[res(T.namespace, "n", { name: "arn:shop", vpc: "vpc-1" })], [res(T.namespace, "n", { name: "shop internal", vpc: "vpc-1" })]],
        keeps: [[res(T.namespace, "n", { name: "shop-staging.slipway.internal", vpc: "vpc-1" })]],
    },
    "servicediscovery.service.name": {
        breaks: [[res(T.discovery, "s", { name: "-app" })], [res(T.discovery, "s", { name: `${x(64)}.b` })]],
        keeps: [[res(T.discovery, "s", { name: "app" })], [res(T.discovery, "s", { name: "_http._tcp.app" })]],
    },
    "apigatewayv2.api.name": {
        breaks: [[res(T.api, "a", { name: x(129), protocolType: "HTTP" })]],
        keeps: [[res(T.api, "a", { name: x(128), protocolType: "HTTP" })]],
    },
    "apigatewayv2.stage.name": {
        breaks: [[res(T.stage, "s", { apiId: "a", name: "prod stage" })]],
        keeps: [[res(T.stage, "s", { apiId: "a", name: "$default" })], [res(T.stage, "s", { apiId: "a", name: "prod_1-a" })]],
    },
    "apigatewayv2.vpc-link.name": {
        breaks: [[res(T.vpcLink, "l", { name: x(129) })]],
        keeps: [[res(T.vpcLink, "l", { name: "shop-staging" })]],
    },
    "ecr.repository.name": {
        breaks: [[res(T.repo, "r", { name: "Shop" })], [res(T.repo, "r", { name: "s" })], [res(T.repo, "r", { name: "shop_" })], [res(T.repo, "r", { name: "team//shop" })]],
        keeps: [[res(T.repo, "r", { name: "team-a/shop__web.app--1" })], [res(T.repo, "Registry")]],
    },
    "ecr.lifecycle-policy.size": {
        breaks: [[res(T.lifecycle, "l", { repository: "shop", policy: JSON.stringify({ rules: [] }) })], [res(T.lifecycle, "l", { repository: "shop", policy: x(30721) })]],
        keeps: [[res(T.lifecycle, "l", { repository: "shop", policy: x(100) })]],
    },
    "cloudwatch.dashboard.name": {
        breaks: [[res(T.dashboard, "d", { dashboardName: "shop production", dashboardBody: "{}" })]],
        keeps: [[res(T.dashboard, "d", { dashboardName: "shop-production_1", dashboardBody: "{}" })]],
    },
    "codestarnotifications.rule.name": {
        breaks: [[res(T.rule, "r", { name: "shop/events" })], [res(T.rule, x(57))]],
        keeps: [[res(T.rule, "r", { name: "shop pipeline events" })], [res(T.rule, x(56))]],
    },
    "appautoscaling.policy.name": {
        breaks: [[res(T.scaling, "p", { name: "cpu\u0007" })], [res(T.scaling, "p", { name: x(257) })]],
        keeps: [[res(T.scaling, "p", { name: "cpu target 60%" })], [res(T.scaling, "app-cpu")]],
    },
    "appautoscaling.policy.metric-math": {
        breaks: [
            [res(T.scaling, "p", { targetTrackingScalingPolicyConfiguration: { customizedMetricSpecification: { metrics: [{ id: "m1", metricStat: {}, returnData: false }, { id: "e1", expression: "m1 * 2" }, { id: "e2", expression: "m1" }] } } })],
            [res(T.scaling, "p", { targetTrackingScalingPolicyConfiguration: { customizedMetricSpecification: { metrics: [{ id: "m1", metricStat: {}, expression: "m1", returnData: true }] } } })],
            [res(T.scaling, "p", { targetTrackingScalingPolicyConfiguration: { customizedMetricSpecification: { metrics: [{ metricStat: {}, returnData: false }, { id: "e1", expression: "1", returnData: true }] } } })],
        ],
        keeps: [
            [res(T.scaling, "p", { targetTrackingScalingPolicyConfiguration: { customizedMetricSpecification: { metrics: [{ id: "m1", metricStat: {}, returnData: false }, { id: "m2", metricStat: {}, returnData: false }, { id: "e1", expression: "m1 / m2", returnData: true }] } } })],
            [res(T.scaling, "cpu", { targetTrackingScalingPolicyConfiguration: { predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" } } })],
        ],
    },
    "elb.rule.fixed-response": {
        breaks: [
            [res("aws:lb/listenerRule:ListenerRule", "r", { actions: [{ type: "fixed-response", fixedResponse: { statusCode: "503", contentType: "text/html", messageBody: x(1025) } }] })],
            [res("aws:lb/listenerRule:ListenerRule", "r", { actions: [{ type: "fixed-response", fixedResponse: { statusCode: "302", contentType: "text/html" } }] })],
            [res("aws:lb/listener:Listener", "l", { defaultActions: [{ type: "fixed-response", fixedResponse: { statusCode: "503", contentType: "text/xml" } }] })],
        ],
        keeps: [
            [res("aws:lb/listenerRule:ListenerRule", "r", { actions: [{ type: "fixed-response", fixedResponse: { statusCode: "503", contentType: "text/html", messageBody: x(1024) } }] })],
            [res("aws:lb/listenerRule:ListenerRule", "r", { actions: [{ type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1" }] })],
        ],
    },
    "tags.count": {
        breaks: [[res(T.bucket, "b", { bucket: "shop-b", tags: tags(51) })]],
        keeps: [[res(T.bucket, "b", { bucket: "shop-b", tags: tags(50) })]],
    },
    "elasticbeanstalk.environment.tags": {
        breaks: [[ebEnv({ tags: tags(48) })], [ebEnv({ tags: { "elasticbeanstalk:env": "x" } })]],
        keeps: [[ebEnv({ tags: tags(47) })]],
    },
    "tags.key": {
        breaks: [[res(T.bucket, "b", { bucket: "shop-b", tags: { "AWS:owner": "x" } })], [res(T.bucket, "b", { bucket: "shop-b", tags: { [x(129)]: "x" } })]],
        keeps: [[res(T.bucket, "b", { bucket: "shop-b", tags: { [x(128)]: "x", owner: "aws:team" } })]],
    },
    "tags.value": {
        breaks: [[res(T.bucket, "b", { bucket: "shop-b", tags: { owner: x(257) } })]],
        keeps: [[res(T.bucket, "b", { bucket: "shop-b", tags: { owner: x(256), empty: "" } })]],
    },
    "github.secret.name": {
        breaks: [
            [res(T.ghSecret, "s", { repository: "shop", secretName: "1PASSWORD" })],
            [res(T.ghSecret, "s", { repository: "shop", secretName: "github_token" })],
            [res(T.ghSecret, "s", { repository: "shop", secretName: "PULUMI-TOKEN" })],
            [res(T.ghSecret, "a", { repository: "shop", secretName: "TOKEN" }), res(T.ghSecret, "b", { repository: "shop", secretName: "token" })],
        ],
        keeps: [
            [res(T.ghSecret, "s", { repository: "shop", secretName: "_PULUMI_ACCESS_TOKEN_2" })],
            // The same name in two repositories, or at repository and environment level, is fine.
            [res(T.ghSecret, "a", { repository: "shop", secretName: "TOKEN" }), res(T.ghSecret, "b", { repository: "infra", secretName: "TOKEN" }), res(T.ghEnvSecret, "c", { repository: "shop", environment: "production", secretName: "TOKEN" })],
        ],
    },
    "github.secret.count": {
        breaks: [Array.from({ length: 101 }, (_, i) => res(T.ghSecret, `s${i}`, { repository: "shop", secretName: `S${i}` })), Array.from({ length: 101 }, (_, i) => res(T.ghEnvSecret, `s${i}`, { repository: "shop", environment: "staging", secretName: `S${i}` }))],
        keeps: [Array.from({ length: 100 }, (_, i) => res(T.ghSecret, `s${i}`, { repository: "shop", secretName: `S${i}` }))],
    },
    "github.variable.name": {
        breaks: [[res(T.ghVariable, "v", { repository: "shop", variableName: "AWS REGION", value: "us-east-1" })], [res(T.ghVariable, "v", { repository: "shop", variableName: "GITHUB_REGION", value: "us-east-1" })]],
        keeps: [[res(T.ghVariable, "v", { repository: "shop", variableName: "AWS_DEPLOY_ROLE_ARN_STAGING", value: "arn" })]],
    },
    "github.variable.count": {
        breaks: [Array.from({ length: 501 }, (_, i) => res(T.ghVariable, `v${i}`, { repository: "shop", variableName: `V${i}`, value: "v" }))],
        keeps: [Array.from({ length: 500 }, (_, i) => res(T.ghVariable, `v${i}`, { repository: "shop", variableName: `V${i}`, value: "v" }))],
    },
    "github.variable.value": {
        breaks: [[res(T.ghVariable, "v", { repository: "shop", variableName: "BIG", value: x(48 * 1024 + 1) })]],
        keeps: [[res(T.ghVariable, "v", { repository: "shop", variableName: "BIG", value: x(48 * 1024) })], [res(T.ghVariable, "v", { repository: "shop", variableName: "ROLE", value: UNKNOWN })]],
    },
    "github.environment.name": {
        breaks: [[res(T.ghEnv, "e", { repository: "shop", environment: x(256) })], [res(T.ghEnv, "a", { repository: "shop", environment: "Production" }), res(T.ghEnv, "b", { repository: "shop", environment: "production" })]],
        keeps: [[res(T.ghEnv, "e", { repository: "shop", environment: x(255) })], [res(T.ghEnv, "a", { repository: "shop", environment: "production" }), res(T.ghEnv, "b", { repository: "infra", environment: "production" })]],
    },
};

test("every limit has a case that breaks it and one that keeps it", () => {
    assert.deepEqual(Object.keys(CASES).sort(), Object.keys(LIMITS).sort());
});

for (const [id, c] of Object.entries(CASES) as [LimitId, Case][]) {
    test(`${id}: a plan that breaks it is refused with that limit`, () => {
        for (const [i, resources] of c.breaks.entries()) {
            const found = ids(...resources);
            assert.ok(found.includes(id), `breaking set ${i} of ${id} was not caught (found: ${found.join(", ") || "nothing"})`);
            const stray = found.filter((f) => f !== id && !(c.also ?? []).includes(f));
            assert.deepEqual(stray, [], `breaking set ${i} of ${id} also reported other limits`);
        }
    });
    test(`${id}: a plan that keeps it passes`, () => {
        for (const [i, resources] of c.keeps.entries()) {
            const found = checkLimits(plan(...resources)).map(formatViolation);
            assert.deepEqual(found, [], `keeping set ${i} of ${id}`);
        }
    });
}

test("every limit names its source page, its title and the date it was checked", () => {
    for (const l of Object.values(LIMITS)) {
        assert.match(l.source.url, /^https:\/\/(docs\.aws\.amazon\.com|docs\.github\.com|www\.pulumi\.com)\//, l.id);
        assert.ok(l.source.title.length > 5, l.id);
        assert.equal(l.source.checked, CHECKED);
        assert.equal(CHECKED, "2026-12-01");
        assert.ok(l.bound && l.fix && l.what, l.id);
    }
});

test("numbers in messages are written as en-US writes them, without ICU's number format", () => {
    for (const n of [0, 7, 56, 999, 1000, 1011, 10240, 131072, 6144000, 1234567890, -1, -1000, -1234567, Number.MAX_SAFE_INTEGER, 1.5, 1234.5678]) {
        assert.equal(thousands(n), n.toLocaleString("en-US"), String(n));
    }
});

test("IAM counts a policy's characters without white space", () => {
    assert.equal(iamPolicySize('{ "Version": "2012-10-17",\n  "Statement": [] }'), '{"Version":"2012-10-17","Statement":[]}'.length);
});

test("an auto-named resource is judged by the name Pulumi would give it: logical name, '-' and 7 random characters", () => {
    const [v] = checkLimits(plan(res(T.tg, "name-longer-than-30-characters")));
    assert.equal(v.limit, "elb.target-group.name");
    assert.equal(v.property, "name (auto-named)");
    assert.match(v.value, /"name-longer-than-30-characters-" \+ 7 random characters is 38 characters, more than 32/);
    assert.match(v.fix, /logical name of at most 24 characters/);
    // The same logical name with an explicit short name is fine.
    assert.deepEqual(ids(res(T.tg, "name-longer-than-30-characters", { name: "web-app" })), []);
});

test("a name prefix is judged with the 26 characters the provider appends", () => {
    const [v] = checkLimits(plan(res(T.secret, "s", { namePrefix: x(500) })));
    assert.equal(v.property, "namePrefix");
    assert.match(v.value, /\+ 26 unique characters is 526 characters, more than 512/);
    assert.match(v.fix, /at most 486 characters/);
});

test("values the plan cannot know (secrets, deploy-time outputs) are not judged", () => {
    assert.deepEqual(ids(role("deploy", { name: SECRET, assumeRolePolicy: UNKNOWN }), res(T.rolePolicy, "p", { role: UNKNOWN, policy: policyOf(20000) }), res(T.rolePolicy, "q", { role: "deploy", policy: SECRET })), []);
    assert.deepEqual(ids(res(T.bucket, "b", { bucket: UNKNOWN }), res(T.ghSecret, "s", { repository: "shop", secretName: SECRET })), []);
});

test("a security group rule counts one rule per CIDR, and a source group in both families", () => {
    const g = sg("g", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: cidrs(40), ipv6CidrBlocks: cidrs6(40), securityGroups: cidrs(21).map((_, i) => `sg-${i}`) }] });
    const found = checkLimits(plan(g));
    assert.deepEqual(
        found.map((v) => [v.property, v.value]),
        [
            ["ingress rules (IPv4)", "number 61"],
            ["ingress rules (IPv6)", "number 61"],
        ],
    );
});

test("CIDR blocks parse as AWS takes them", () => {
    assert.deepEqual(parseCidr("10.30.64.0/18"), { network: (10 * 256 ** 3 + 30 * 256 ** 2 + 64 * 256) >>> 0, prefix: 18 });
    assert.match(String(parseCidr("10.30.64.1/18")), /host bits set \(its network address is 10\.30\.64\.0\/18\)/);
    assert.equal(typeof parseCidr("0.0.0.0/0"), "object");
    assert.equal(typeof parseCidr("10.0.0.0"), "string");
});

test("LimitError's message has one line per violation naming the type, logical name, value, limit and fix", () => {
    const resources = [role("deploy"), inline("deploy-a", "deploy", 6000), inline("deploy-b", "deploy", 6000), res(T.lb, "lb", { name: x(40) })];
    const violations = checkLimits(plan(...resources));
    const err = new LimitError(violations);
    assert.ok(err instanceof Error);
    assert.equal(err.violations, violations);
    const lines = err.message.split("\n");
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^aws:iam\/role:Role deploy: inline policies total 12,000 characters \(deploy-a, deploy-b\); AWS allows ≤ 10,240 characters .*Fix: move statements/);
    assert.match(lines[1], /^aws:lb\/loadBalancer:LoadBalancer lb: name "a{40}" is 40 characters, more than 32; AWS allows 1–32 .*Fix: /);
    assert.throws(() => assertWithinLimits(plan(...resources)), LimitError);
    assert.doesNotThrow(() => assertWithinLimits(plan(role("deploy"))));
});

test("the module reads only the plan: it loads without the Pulumi runtime", () => {
    assert.deepEqual(packagesLoaded(path.join(ROOT, "tools/check/aws-limits.ts")).filter((p) => p.startsWith("@pulumi")), []);
    // The check can fail: it sees the runtime the mock engine loads.
    assert.ok(packagesLoaded(path.join(ROOT, "tools/plan/mock-engine.ts")).includes("@pulumi/pulumi"));
    // Its placeholders are the plan contract's.
    assert.deepEqual(ids(res(T.role, "r", { name: SECRET }), res(T.bucket, "b", { bucket: UNKNOWN })), []);
});

test("references in the fixture plans resolve the way the limits match them (roles by name, VPCs and groups by id)", async () => {
    for (const stack of listStacks(FIXTURES)) {
        const p = await planStack(stack);
        const identified = p.resources.map((r) => ({ r, ids: planIdentifiers(r) }));
        const find = (type: string, ref: unknown, key: "physical" | "id") => identified.filter(({ r, ids }) => r.type === type && ids[key] === ref);
        for (const r of p.resources) {
            if ([T.rolePolicy, T.attachment, T.profile].includes(r.type)) {
                assert.equal(find(T.role, r.inputs.role, "physical").length, 1, `${stack}: ${r.type} ${r.name} role ${String(r.inputs.role)}`);
            }
            if (r.type === T.subnet) assert.equal(find(T.vpc, r.inputs.vpcId, "id").length, 1, `${stack}: subnet ${r.name}`);
            if (r.type === T.sg) {
                for (const rule of [...(r.inputs.ingress as Inputs[]), ...(r.inputs.egress as Inputs[])]) {
                    for (const ref of (rule.securityGroups as string[] | undefined) ?? []) assert.equal(find(T.sg, ref, "id").length, 1, `${stack}: ${r.name} → ${ref}`);
                }
            }
        }
    }
});

test("every fixture stack plans within AWS's limits (the plan itself refuses otherwise)", async () => {
    for (const stack of listStacks(FIXTURES)) {
        const violations = checkLimits(await planStack(stack));
        assert.deepEqual(violations.map(formatViolation), [], stack);
    }
});

test("the offline plan refuses a stack over an AWS limit, with one line naming resource, value and limit", async () => {
    const { runUnderMocks } = await import("../tools/plan/mock-engine");
    const sg = await import("@pulumi/aws/ec2");
    const message = await (async () => {
        try {
            await runUnderMocks({ project: "slipway", stack: "limits", config: { "aws:region": "us-east-1" }, secretKeys: [] }, () => {
                new sg.SecurityGroup("g", { description: "the app's group", vpcId: "vpc-1" });
                return {};
            });
        } catch (e) {
            return e instanceof LimitError ? e.message : `not a LimitError: ${String(e)}`;
        }
        return "no error";
    })();
    assert.match(message, /aws:ec2\/securityGroup:SecurityGroup g: description "the app.s group" has/);
    assert.match(message, /description/);
});
