import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Plan, PlannedResource } from "../tools/plan/mock-engine";
import { COMPOSE_FILE, PREBUILD_HOOK, CONFIG_PREBUILD_HOOK, SECRETS_ENV_FILE } from "../infra/platforms/beanstalk/bundle";
import { RELEASE_EXTENSION, RELEASE_SCRIPT } from "../infra/platforms/beanstalk/release";
import { all, json, one, planStack } from "./helpers";

interface Setting {
    namespace: string;
    name: string;
    value: string;
}
interface PolicyDoc {
    Statement: { Sid?: string; Action: string[]; Resource: string[] | string; Condition?: unknown }[];
}

const ENV = "aws:elasticbeanstalk/environment:Environment";
const settingsOf = (plan: Plan) => one(plan, ENV).inputs.settings as Setting[];
const option = (settings: Setting[], namespace: string, name: string) => settings.find((s) => s.namespace === namespace && s.name === name)?.value;
const properties = (settings: Setting[]) =>
    Object.fromEntries(settings.filter((s) => s.namespace === "aws:elasticbeanstalk:application:environment").map((s) => [s.name, s.value]));

test("a Beanstalk staging stack declares a single-instance environment with no load balancer options", async () => {
    const settings = settingsOf(await planStack("beanstalk-staging"));
    assert.equal(option(settings, "aws:elasticbeanstalk:environment", "EnvironmentType"), "SingleInstance");
    assert.equal(option(settings, "aws:elasticbeanstalk:command", "DeploymentPolicy"), "AllAtOnce");
    assert.ok(!settings.some((s) => /^aws:elbv2|process:default|aws:autoscaling:asg/.test(s.namespace)), "load balancer or scaling options on a single instance");
    // Without a load balancer, the instance is checked on the health path directly.
    assert.equal(option(settings, "aws:elasticbeanstalk:application", "Application Healthcheck URL"), "/health");
});

test("Beanstalk production is load-balanced: ALB, health check path, instance range, traffic-splitting deploys, HTTPS", async () => {
    const settings = settingsOf(await planStack("beanstalk-production"));
    assert.equal(option(settings, "aws:elasticbeanstalk:environment", "EnvironmentType"), "LoadBalanced");
    assert.equal(option(settings, "aws:elasticbeanstalk:environment", "LoadBalancerType"), "application");
    assert.equal(option(settings, "aws:elasticbeanstalk:environment:process:default", "HealthCheckPath"), "/health");
    assert.equal(option(settings, "aws:autoscaling:asg", "MinSize"), "2");
    assert.equal(option(settings, "aws:autoscaling:asg", "MaxSize"), "6");
    // The fixture's canary: 20 % for 10 minutes (slipway:beanstalkTrafficPercent, beanstalkEvaluationMinutes).
    assert.equal(option(settings, "aws:elasticbeanstalk:command", "DeploymentPolicy"), "TrafficSplitting");
    assert.equal(option(settings, "aws:elasticbeanstalk:trafficsplitting", "NewVersionPercent"), "20");
    assert.equal(option(settings, "aws:elasticbeanstalk:trafficsplitting", "EvaluationTime"), "10");
    assert.equal(option(settings, "aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType"), "Immutable");
    assert.equal(option(settings, "aws:elbv2:listener:443", "Protocol"), "HTTPS");
    assert.equal(option(settings, "aws:elbv2:listener:443", "SSLPolicy"), "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert.equal(option(settings, "aws:ec2:instances", "InstanceTypes"), "t3.medium,t3a.medium");
});

test("an immutable deployment sets no traffic splitting, and rolls configuration changes immutably too", async () => {
    const settings = settingsOf(await planStack("beanstalk-production", { set: { "slipway:beanstalkDeploymentPolicy": "Immutable" } }));
    assert.equal(option(settings, "aws:elasticbeanstalk:command", "DeploymentPolicy"), "Immutable");
    assert.equal(option(settings, "aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType"), "Immutable");
    assert.ok(!settings.some((s) => s.namespace === "aws:elasticbeanstalk:trafficsplitting"));
});

test("a rolling deployment sets a percentage batch size", async () => {
    const settings = settingsOf(
        await planStack("beanstalk-production", { set: { "slipway:beanstalkDeploymentPolicy": "Rolling", "slipway:beanstalkBatchSizePercent": "25" } }),
    );
    assert.equal(option(settings, "aws:elasticbeanstalk:command", "DeploymentPolicy"), "Rolling");
    assert.equal(option(settings, "aws:elasticbeanstalk:command", "BatchSizeType"), "Percentage");
    assert.equal(option(settings, "aws:elasticbeanstalk:command", "BatchSize"), "25");
    assert.equal(option(settings, "aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType"), "Health");
});

test("enhanced health, managed updates in the maintenance window and log streaming with retention are on", async () => {
    const settings = settingsOf(await planStack("beanstalk-staging"));
    assert.equal(option(settings, "aws:elasticbeanstalk:healthreporting:system", "SystemType"), "enhanced");
    assert.equal(option(settings, "aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"), "true");
    assert.equal(option(settings, "aws:elasticbeanstalk:managedactions", "PreferredStartTime"), "Sun:03:00");
    assert.equal(option(settings, "aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel"), "minor");
    assert.equal(option(settings, "aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs"), "true");
    assert.equal(option(settings, "aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays"), "14");
    assert.equal(option(settings, "aws:elasticbeanstalk:cloudwatch:logs:health", "HealthStreamingEnabled"), "true");
    assert.equal(option(settings, "aws:autoscaling:launchconfiguration", "DisableIMDSv1"), "true");
});

test("the environment runs in its own VPC's subnets on the newest AL2023 Docker platform the lookup finds", async () => {
    const plan = await planStack("beanstalk-staging");
    const env = one(plan, ENV);
    const settings = env.inputs.settings as Setting[];
    // The network component's subnets and route associations carry the VPC and subnet ids.
    assert.equal(option(settings, "aws:ec2:vpc", "VPCId"), one(plan, "aws:ec2/subnet:Subnet", "network-public-0").inputs.vpcId);
    const subnets = all(plan, "aws:ec2/routeTableAssociation:RouteTableAssociation").map((r) => r.inputs.subnetId).sort();
    assert.deepEqual(option(settings, "aws:ec2:vpc", "Subnets")?.split(",").sort(), subnets);
    assert.equal(env.inputs.solutionStackName, "64bit Amazon Linux 2023 v4.5.2 running Docker");
    assert.equal(env.inputs.application, "shop", "joins the delivery stack's EB application");
    assert.equal(env.inputs.name, "shop-beanstalk-staging", "named as the pipeline expects");
});

test("app secrets never become environment properties: only the secret's ARN and version id do", async () => {
    const plan = await planStack("beanstalk-staging", { revealSecrets: true });
    const props = properties(settingsOf(plan));
    assert.deepEqual(Object.keys(props).sort(), ["APP_ENV", "LOG_LEVEL", "PORT", "SLIPWAY_SECRETS_VERSION", "SLIPWAY_SECRET_ARN"]);
    assert.equal(props.PORT, "8080");
    assert.match(props.SLIPWAY_SECRET_ARN, /^arn:aws:secretsmanager:/);
    // With secrets revealed, the secret's own version holds the values; the environment must not.
    assert.ok(String(one(plan, "aws:secretsmanager/secretVersion:SecretVersion").inputs.secretString).includes("PLACEHOLDER-SECRET"));
    assert.ok(!JSON.stringify(one(plan, ENV).inputs).includes("PLACEHOLDER-SECRET"), "a secret value reached the environment's inputs");
});

test("rotating a secret changes the version property, so EB redeploys the running instances", async () => {
    const before = properties(settingsOf(await planStack("beanstalk-staging")));
    const after = properties(
        settingsOf(await planStack("beanstalk-staging", { secret: { "slipway:appSecrets": JSON.stringify({ DATABASE_URL: "postgres://rotated", API_KEY: "k2" }) } })),
    );
    assert.notEqual(after.SLIPWAY_SECRETS_VERSION, before.SLIPWAY_SECRETS_VERSION);
    assert.equal(after.SLIPWAY_SECRET_ARN, before.SLIPWAY_SECRET_ARN, "same secret, new version");
});

test("the instance role gets the stack's runtime policy: the app image, this stack's secrets and the bundles", async () => {
    const plan = await planStack("beanstalk-staging");
    const attachment = one(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-instance-policy");
    assert.equal(attachment.inputs.policyArn, "arn:aws:iam::123456789012:policy/slipway/shop/shop-beanstalk-staging-beanstalk-instance");
    // The delivery stack writes it for every stack its pipeline deploys.
    const delivery = await planStack("delivery", { set: { "slipway:pipelineStacks": '["beanstalk-staging","production"]', "slipway:ciSecrets": "{}" } });
    const doc = json<PolicyDoc>(one(delivery, "aws:iam/policy:Policy", "runtime-policies-beanstalk-staging-beanstalk-instance"), "policy");
    const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    assert.deepEqual(bySid.PullAppImage.Resource, ["arn:aws:ecr:us-east-1:123456789012:repository/shop"]);
    assert.deepEqual(bySid.ReadAppSecrets.Action, ["secretsmanager:GetSecretValue"]);
    // The environment's secret lives under the prefix the policy grants.
    assert.match(properties(settingsOf(plan)).SLIPWAY_SECRET_ARN, /:secret:slipway\/shop\/beanstalk-staging\//);
    // Only GetAuthorizationToken (no resource type in ECR) may use "*".
    for (const s of doc.Statement) {
        if ([s.Resource].flat().includes("*")) assert.deepEqual(s.Action, ["ecr:GetAuthorizationToken"]);
        for (const a of s.Action) assert.ok(!a.includes("*"), `wildcard action ${a}`);
    }
});

test("the service role and instance profile attach only the documented EB managed policies", async () => {
    const plan = await planStack("beanstalk-staging");
    const attached = all(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => r.inputs.policyArn).sort();
    assert.deepEqual(attached, [
        "arn:aws:iam::123456789012:policy/slipway/shop/shop-beanstalk-staging-beanstalk-instance",
        "arn:aws:iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy",
        "arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier",
        "arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth",
    ]);
    const trust = json<{ Statement: { Principal: { Service: string }; Condition?: unknown }[] }>(one(plan, "aws:iam/role:Role", "app-service"), "assumeRolePolicy");
    assert.equal(trust.Statement[0].Principal.Service, "elasticbeanstalk.amazonaws.com");
    assert.deepEqual(trust.Statement[0].Condition, { StringEquals: { "sts:ExternalId": "elasticbeanstalk" } });
    // The profile wraps the role the runtime policy is attached to.
    const profile = one(plan, "aws:iam/instanceProfile:InstanceProfile");
    assert.equal(profile.inputs.role, one(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "app-instance-policy").inputs.role);
    const settings = settingsOf(plan);
    assert.match(option(settings, "aws:autoscaling:launchconfiguration", "IamInstanceProfile") ?? "", /^app-instance-/);
    assert.match(option(settings, "aws:elasticbeanstalk:environment", "ServiceRole") ?? "", /^arn:aws:iam::123456789012:role\/slipway\/shop\//);
});

const protectedTypes = (plan: Plan) => plan.resources.filter((r: PlannedResource) => r.protect).map((r) => r.type).sort();

test("Beanstalk production is protected and keeps its logs; staging destroys cleanly", async () => {
    const production = await planStack("beanstalk-production");
    assert.ok(one(production, ENV).protect);
    assert.ok(one(production, "aws:s3/bucket:Bucket").protect);
    assert.equal(option(settingsOf(production), "aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate"), "false");

    const staging = await planStack("beanstalk-staging");
    assert.deepEqual(protectedTypes(staging), []);
    assert.equal(one(staging, "aws:s3/bucket:Bucket").inputs.forceDestroy, true);
    assert.equal(one(staging, "aws:elasticbeanstalk/applicationVersion:ApplicationVersion").inputs.forceDelete, true);
    assert.equal(option(settingsOf(staging), "aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate"), "true");
    assert.equal(one(staging, "aws:secretsmanager/secret:Secret").inputs.recoveryWindowInDays, 0);
});

test("the first application version is the bundle naming the image the pipeline last verified", async () => {
    const plan = await planStack("beanstalk-staging");
    const object = one(plan, "aws:s3/bucketObjectv2:BucketObjectv2");
    const assets = (object.inputs.source as { assets: Record<string, { text: string }> }).assets;
    assert.deepEqual(Object.keys(assets).sort(), [CONFIG_PREBUILD_HOOK, PREBUILD_HOOK, COMPOSE_FILE, RELEASE_EXTENSION, RELEASE_SCRIPT].sort());
    // The mock's SSM lookup answers "latest" until the smoke test records a sha.
    assert.match(assets[COMPOSE_FILE].text, /image: "123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/shop:latest"/);
    assert.ok(assets[COMPOSE_FILE].text.includes(SECRETS_ENV_FILE));
    const version = one(plan, "aws:elasticbeanstalk/applicationVersion:ApplicationVersion");
    assert.equal(version.inputs.key, object.inputs.key);
    assert.equal(one(plan, ENV).inputs.version, version.inputs.name);
});

test("the Beanstalk stack keeps the ECS output names where they apply and adds its own", async () => {
    const plan = await planStack("beanstalk-staging");
    assert.equal(plan.outputs.url, "http://shop-beanstalk-staging.us-east-1.elasticbeanstalk.com");
    assert.equal(plan.outputs.logGroup, "/aws/elasticbeanstalk/shop-beanstalk-staging/");
    assert.equal(plan.outputs.platform, "beanstalk");
    assert.equal(plan.outputs.beanstalkEnvironmentType, "SingleInstance");
    const health = one(plan, "aws:ssm/parameter:Parameter", "health-url");
    assert.equal(health.inputs.insecureValue, "http://shop-beanstalk-staging.us-east-1.elasticbeanstalk.com/health");
    assert.equal(all(plan, "aws:lb/loadBalancer:LoadBalancer").length, 0, "EB brings its own load balancer");
    assert.equal(all(plan, "aws:ecs/service:Service").length, 0);
});

test("production's smoke test requests the HTTPS domain, not the EB CNAME", async () => {
    const plan = await planStack("beanstalk-production");
    assert.equal(one(plan, "aws:ssm/parameter:Parameter", "health-url").inputs.insecureValue, "https://shop.acme.example/health");
});

test("a review stack on Beanstalk is a single instance named after the review, and destroys cleanly", async () => {
    const plan = await planStack("beanstalk-staging", { stackName: "review-pr-7" });
    assert.equal(plan.outputs.tier, "review");
    assert.equal(option(settingsOf(plan), "aws:elasticbeanstalk:environment", "EnvironmentType"), "SingleInstance");
    assert.equal(one(plan, ENV).inputs.name, "shop-review-pr-7");
    assert.deepEqual(protectedTypes(plan), []);
    assert.match(String(one(plan, "aws:elasticbeanstalk/applicationVersion:ApplicationVersion").inputs.name), /^shop-review-pr-7-/);
});
