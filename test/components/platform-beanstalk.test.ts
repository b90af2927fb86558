// The Beanstalk platform's components built from their Args: BeanstalkApplication (the delivery stack's
// one EB application and its version lifecycle) and BeanstalkEnvironment (roles, bundle bucket, the first
// application version carrying bundle.ts's files, and the environment's option settings). What reaches AWS
// on the real path: roles EB assumes only with its documented external id, carrying the stack's boundary;
// a private, TLS-only, encrypted, versioned bundle bucket; app secrets that never become environment
// properties (only the secret's ARN and version id do); IMDSv2 only; HTTPS on slipway's TLS policy; the
// load balancer's checks from infra/shared/health.ts; and `protect` (default false, true for the
// application) on the environment, bucket, version and streamed logs.
import * as assert from "node:assert/strict";
import { beanstalkLogGroupPrefix, environmentRolePath, rolePath } from "../../infra/contract";
import { BeanstalkApplication } from "../../infra/platforms/beanstalk/application";
import { beanstalkBundleFiles, SECRET_ARN_PROPERTY, SECRETS_VERSION_PROPERTY } from "../../infra/platforms/beanstalk/bundle";
import { BEANSTALK_MANAGED_POLICIES, BeanstalkEnvironment, BeanstalkEnvironmentArgs } from "../../infra/platforms/beanstalk/environment";
import { RELEASE_COMMAND_PROPERTY } from "../../infra/platforms/beanstalk/release";
import { BeanstalkSettings } from "../../infra/platforms/beanstalk/settings";
import { HEALTH, TLS_POLICY } from "../../infra/shared/health";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, MOCK_ACCOUNT, ofType, REGION, registeredOutputs, res, sid, statements } from "./harness";

const test = componentTests(__filename);

const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";

// --- BeanstalkApplication ----------------------------------------------------------------------------------

const APPLICATION = "slipway:delivery:BeanstalkApplication";
const EB_APP = "aws:elasticbeanstalk/application:Application";
const application = (protect?: boolean, name = "beanstalk") =>
    build((ctx) => {
        const a = new BeanstalkApplication(name, { app: "shop", protect, ctx });
        return { applicationName: a.application.name };
    });

test("a BeanstalkApplication owns its application and versions role and policy, all named after it", async () => {
    const [a, b] = [await application(undefined, "beanstalk"), await application(undefined, "other")];
    assertOwnsItsChildren(a, APPLICATION, "beanstalk");
    assertDisjoint(a, b);
});

test("by default the application is protected; protect: false releases it", async () => {
    assert.equal(res(await application(), EB_APP, "beanstalk-app").protect, true);
    assert.equal(res(await application(false), EB_APP, "beanstalk-app").protect, false);
});

test("the application keeps the newest 200 versions, deleting the rest's records (not their bundles) with its own role", async () => {
    const p = await application();
    const app = res(p, EB_APP, "beanstalk-app").inputs;
    assert.equal(app.name, "shop");
    const role = res(p, ROLE, "beanstalk-versions");
    const lifecycle = app.appversionLifecycle as { serviceRole: string; maxCount: number; deleteSourceFromS3: boolean };
    assert.deepEqual([lifecycle.maxCount, lifecycle.deleteSourceFromS3], [200, false]);
    // The versions role of this component (auto-named from its logical name, under the app's path).
    assert.match(lifecycle.serviceRole, new RegExp(`^arn:aws:iam::${MOCK_ACCOUNT}:role${rolePath("shop")}beanstalk-versions-[0-9a-f]{7}$`));
    assert.equal(role.inputs.path, "/slipway/shop/");
    const [trust] = statements(role, "assumeRolePolicy");
    assert.deepEqual(trust.Principal, { Service: "elasticbeanstalk.amazonaws.com" });
    assert.deepEqual(trust.Condition, { StringEquals: { "sts:ExternalId": "elasticbeanstalk" } });
    const policy = res(p, "aws:iam/rolePolicy:RolePolicy", "beanstalk-versions-policy");
    assert.deepEqual(statements(policy).map((s) => s.Sid), ["ExpireOldVersions"]);
    const expire = sid(policy, "ExpireOldVersions");
    assert.deepEqual(expire.Action, ["elasticbeanstalk:DescribeApplicationVersions", "elasticbeanstalk:DeleteApplicationVersion"]);
    assert.deepEqual(expire.Resource, [`arn:aws:elasticbeanstalk:${REGION}:${MOCK_ACCOUNT}:application/shop`, `arn:aws:elasticbeanstalk:${REGION}:${MOCK_ACCOUNT}:applicationversion/shop/*`]);
});
test("a BeanstalkApplication registers its application name", async () => {
    const p = await application();
    assert.deepEqual(registeredOutputs(p, res(p, APPLICATION, "beanstalk")), { applicationName: "shop" });
});

// --- BeanstalkEnvironment ----------------------------------------------------------------------------------

const ENVIRONMENT = "slipway:environment:BeanstalkEnvironment";
const EB_ENV = "aws:elasticbeanstalk/environment:Environment";
const BUCKET = "aws:s3/bucket:Bucket";
const IMAGE = `${MOCK_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop:abc1234`;
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${MOCK_ACCOUNT}:secret:slipway/shop/staging/app-AbCdEf`;
const CERT = `arn:aws:acm:${REGION}:${MOCK_ACCOUNT}:certificate/0123abcd-0000-4000-8000-000000000000`;
const SUBNETS = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"];
const SINGLE: BeanstalkSettings = {
    instanceTypes: ["t3.small"],
    environmentType: "SingleInstance",
    minInstances: 1,
    maxInstances: 1,
    deploymentPolicy: "AllAtOnce",
    batchSizePercent: 30,
    trafficPercent: 10,
    evaluationMinutes: 5,
    solutionStackRegex: "^64bit Amazon Linux 2023 (.*) running Docker$",
    maintenanceWindow: "Sun:03:00",
};
const BALANCED: BeanstalkSettings = { ...SINGLE, instanceTypes: ["m6i.large", "m7i.large"], environmentType: "LoadBalanced", minInstances: 2, maxInstances: 6, deploymentPolicy: "Immutable" };
const envArgs = (over: Partial<BeanstalkEnvironmentArgs> = {}): BeanstalkEnvironmentArgs => ({
    appName: "shop",
    name: "shop-staging",
    applicationName: "shop",
    image: IMAGE,
    instancePolicyArn: `arn:aws:iam::${MOCK_ACCOUNT}:policy/shop-staging-beanstalk-instance`,
    permissionsBoundary: `arn:aws:iam::${MOCK_ACCOUNT}:policy/shop-staging-boundary`,
    stack: "staging",
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: SUBNETS,
    containerPort: 8080,
    healthPath: "/health",
    environment: { LOG_LEVEL: "info" },
    secrets: { arn: SECRET_ARN, names: ["DATABASE_URL"], versionId: "v-1" },
    settings: SINGLE,
    logRetentionDays: 14,
    rolePath: environmentRolePath("shop", "staging"),
    ...over,
});
const environment = (over: Partial<BeanstalkEnvironmentArgs> = {}, name = "beanstalk") =>
    build(() => {
        const e = new BeanstalkEnvironment(name, envArgs(over));
        return {
            environmentName: e.environment.name,
            cname: e.environment.cname,
            url: e.url,
            solutionStackName: e.solutionStackName,
            serviceRoleArn: e.serviceRole.arn,
            serviceRoleName: e.serviceRole.name,
            instanceRoleName: e.instanceRole.name,
            instanceProfileName: e.instanceProfile.name,
            bucket: e.bundleBucket.bucket,
            bucketArn: e.bundleBucket.arn,
            logGroupPrefix: e.logGroupPrefix,
        };
    });
interface Setting {
    namespace: string;
    name: string;
    value: string;
}
const settingsOf = (p: Awaited<ReturnType<typeof environment>>) => res(p, EB_ENV, "beanstalk-environment").inputs.settings as Setting[];
const option = (settings: Setting[], namespace: string, name: string) => {
    const found = settings.filter((s) => s.namespace === namespace && s.name === name);
    assert.ok(found.length <= 1, `${namespace} ${name} is set ${found.length} times`);
    return found[0]?.value;
};
const properties = (settings: Setting[]) => Object.fromEntries(settings.filter((s) => s.namespace === "aws:elasticbeanstalk:application:environment").map((s) => [s.name, s.value]));

test("a BeanstalkEnvironment owns its roles, bundle bucket, version and environment, all named after it", async () => {
    for (const settings of [SINGLE, BALANCED]) {
        const [a, b] = [await environment({ settings }, "beanstalk"), await environment({ settings }, "other")];
        assertOwnsItsChildren(a, ENVIRONMENT, "beanstalk");
        assertDisjoint(a, b);
    }
});

test("by default (protect false) the environment, bucket and version delete on destroy and streamed logs go with the environment", async () => {
    const p = await environment();
    assert.equal(res(p, EB_ENV, "beanstalk-environment").protect, false);
    const bucket = res(p, BUCKET, "beanstalk-bundles");
    assert.deepEqual([bucket.protect, bucket.inputs.forceDestroy], [false, true]);
    assert.equal(res(p, "aws:elasticbeanstalk/applicationVersion:ApplicationVersion", "beanstalk-version").inputs.forceDelete, true);
    const s = settingsOf(p);
    assert.equal(option(s, "aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate"), "true");
    assert.equal(option(s, "aws:elasticbeanstalk:cloudwatch:logs:health", "DeleteOnTerminate"), "true");
    for (const r of p.resources) assert.equal(r.protect, false, r.name);
});

test("protect: true protects the environment and bucket, keeps the bucket's objects and the streamed logs", async () => {
    const p = await environment({ protect: true });
    assert.equal(res(p, EB_ENV, "beanstalk-environment").protect, true);
    const bucket = res(p, BUCKET, "beanstalk-bundles");
    assert.deepEqual([bucket.protect, bucket.inputs.forceDestroy], [true, false]);
    assert.equal(res(p, "aws:elasticbeanstalk/applicationVersion:ApplicationVersion", "beanstalk-version").inputs.forceDelete, false);
    const s = settingsOf(p);
    assert.equal(option(s, "aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate"), "false");
    assert.equal(option(s, "aws:elasticbeanstalk:cloudwatch:logs:health", "DeleteOnTerminate"), "false");
});

test("the service role: EB only with its external id, the boundary, the stack's path, health and managed-update policies", async () => {
    const p = await environment();
    const role = res(p, ROLE, "beanstalk-service");
    assert.deepEqual([role.inputs.path, role.inputs.permissionsBoundary], ["/slipway/shop/staging/", envArgs().permissionsBoundary]);
    const [trust] = statements(role, "assumeRolePolicy");
    assert.deepEqual(trust.Principal, { Service: "elasticbeanstalk.amazonaws.com" });
    assert.deepEqual(trust.Condition, { StringEquals: { "sts:ExternalId": "elasticbeanstalk" } });
    const attached = (roleName: unknown) => ofType(p, ATTACHMENT).filter((a) => a.inputs.role === roleName).map((a) => a.inputs.policyArn).sort();
    assert.deepEqual(attached(p.outputs.serviceRoleName), [BEANSTALK_MANAGED_POLICIES.managedUpdates, BEANSTALK_MANAGED_POLICIES.enhancedHealth].sort());
});

test("the instance role: EC2 only, the boundary, web-tier basics plus the delivery stack's instance policy, through an instance profile", async () => {
    const p = await environment();
    const role = res(p, ROLE, "beanstalk-instance");
    assert.deepEqual([role.inputs.path, role.inputs.permissionsBoundary], ["/slipway/shop/staging/", envArgs().permissionsBoundary]);
    assert.deepEqual(statements(role, "assumeRolePolicy")[0].Principal, { Service: "ec2.amazonaws.com" });
    const attached = ofType(p, ATTACHMENT).filter((a) => a.inputs.role === p.outputs.instanceRoleName).map((a) => a.inputs.policyArn).sort();
    assert.deepEqual(attached, [BEANSTALK_MANAGED_POLICIES.webTier, envArgs().instancePolicyArn].sort());
    const profile = res(p, "aws:iam/instanceProfile:InstanceProfile", "beanstalk-instance").inputs;
    assert.deepEqual([profile.role, profile.path], [p.outputs.instanceRoleName, "/slipway/shop/staging/"]);
    assert.deepEqual(ofType(p, "aws:iam/rolePolicy:RolePolicy"), []);
    // The environment waits for the instance policy: the first instances must pull and read secrets.
    const instancePolicy = ofType(p, ATTACHMENT).find((a) => a.name === "beanstalk-instance-policy");
    assert.deepEqual(res(p, EB_ENV, "beanstalk-environment").dependsOn, [instancePolicy?.urn]);
});

test("the bundle bucket is per stack, private, SSE-encrypted, versioned, TLS-only, and expires replaced bundles after 30 days", async () => {
    const p = await environment();
    const bucket = res(p, BUCKET, "beanstalk-bundles").inputs;
    assert.equal(bucket.bucketPrefix, "shop-staging-");
    const id = p.outputs.bucket;
    const block = res(p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "beanstalk-bundles-public-access-block").inputs;
    assert.deepEqual([block.bucket, block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [id, true, true, true, true]);
    assert.deepEqual(res(p, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "beanstalk-bundles-encryption").inputs.rules, [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    assert.deepEqual(res(p, "aws:s3/bucketVersioning:BucketVersioning", "beanstalk-bundles-versioning").inputs.versioningConfiguration, { status: "Enabled" });
    const [rule] = res(p, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "beanstalk-bundles-lifecycle").inputs.rules as Record<string, unknown>[];
    assert.deepEqual([rule.status, rule.noncurrentVersionExpiration, rule.abortIncompleteMultipartUpload], ["Enabled", { noncurrentDays: 30 }, { daysAfterInitiation: 1 }]);
    const policy = res(p, "aws:s3/bucketPolicy:BucketPolicy", "beanstalk-bundles-tls-only");
    const deny = sid(policy, "DenyInsecureTransport");
    assert.deepEqual([deny.Effect, deny.Principal, deny.Action], ["Deny", "*", ["s3:*"]]);
    assert.deepEqual(deny.Resource, [p.outputs.bucketArn, `${p.outputs.bucketArn}/*`]);
    assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.equal(statements(policy).length, 1);
});

test("the first version is the image's bundle (bundle.ts's files with this image) under <env>/<tag>.zip, labelled by environment and tag", async () => {
    const p = await environment();
    const object = res(p, "aws:s3/bucketObjectv2:BucketObjectv2", "beanstalk-bundle").inputs;
    assert.deepEqual([object.bucket, object.key, object.contentType], [p.outputs.bucket, "shop-staging/abc1234.zip", "application/zip"]);
    assert.deepEqual(archiveFiles(object.source), beanstalkBundleFiles(IMAGE));
    assert.match(beanstalkBundleFiles(IMAGE)["docker-compose.yml"], new RegExp(`image: "${IMAGE}"`));
    const version = res(p, "aws:elasticbeanstalk/applicationVersion:ApplicationVersion", "beanstalk-version").inputs;
    assert.deepEqual([version.application, version.name, version.bucket, version.key], ["shop", "shop-staging-abc1234", p.outputs.bucket, "shop-staging/abc1234.zip"]);
    const env = res(p, EB_ENV, "beanstalk-environment").inputs;
    assert.deepEqual([env.name, env.application, env.tier, env.version, env.solutionStackName], ["shop-staging", "shop", "WebServer", "shop-staging-abc1234", p.outputs.solutionStackName]);
    assert.match(String(p.outputs.solutionStackName), /Amazon Linux 2023 .* running Docker$/);
});
/** The files of an AssetArchive of StringAssets as the mock engine records it: path → text. */
function archiveFiles(source: unknown): Record<string, string> {
    const assets = (source as { assets?: Record<string, { text?: string }> }).assets;
    assert.ok(assets, `not an archive: ${JSON.stringify(source)?.slice(0, 200)}`);
    return Object.fromEntries(Object.entries(assets).map(([path, a]) => [path, String(a.text)]));
}

test("secrets never become environment properties: only the secret's ARN and version id do, beside the plain settings and PORT", async () => {
    const props = properties(settingsOf(await environment()));
    assert.deepEqual(props, { LOG_LEVEL: "info", PORT: "8080", [SECRET_ARN_PROPERTY]: SECRET_ARN, [SECRETS_VERSION_PROPERTY]: "v-1" });
    assert.ok(!Object.keys(props).includes("DATABASE_URL"));
    const none = properties(settingsOf(await environment({ secrets: { arn: SECRET_ARN, names: [], versionId: "v-1" } })));
    assert.deepEqual(none, { LOG_LEVEL: "info", PORT: "8080" });
});

test("releaseCommand (default none) becomes the base64 release property the bundle's leader-only script reads", async () => {
    const command = "bin/rails db:migrate && bin/rails db:seed";
    const props = properties(settingsOf(await environment({ settings: BALANCED, releaseCommand: command })));
    assert.equal(props[RELEASE_COMMAND_PROPERTY], Buffer.from(command).toString("base64"));
    assert.equal(properties(settingsOf(await environment()))[RELEASE_COMMAND_PROPERTY], undefined);
});

test("every environment: its roles, IMDSv2 only, the VPC, enhanced health, weekly minor managed updates and log streaming", async () => {
    const p = await environment();
    const s = settingsOf(p);
    assert.equal(option(s, "aws:elasticbeanstalk:environment", "ServiceRole"), p.outputs.serviceRoleArn);
    assert.equal(option(s, "aws:autoscaling:launchconfiguration", "IamInstanceProfile"), p.outputs.instanceProfileName);
    assert.equal(option(s, "aws:autoscaling:launchconfiguration", "DisableIMDSv1"), "true");
    assert.equal(option(s, "aws:ec2:instances", "InstanceTypes"), "t3.small");
    assert.equal(option(s, "aws:ec2:vpc", "VPCId"), "vpc-0123456789abcdef0");
    assert.equal(option(s, "aws:ec2:vpc", "Subnets"), SUBNETS.join(","));
    assert.equal(option(s, "aws:elasticbeanstalk:healthreporting:system", "SystemType"), "enhanced");
    assert.equal(option(s, "aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"), "true");
    assert.equal(option(s, "aws:elasticbeanstalk:managedactions", "PreferredStartTime"), "Sun:03:00");
    assert.equal(option(s, "aws:elasticbeanstalk:managedactions", "ServiceRoleForManagedUpdates"), p.outputs.serviceRoleArn);
    assert.equal(option(s, "aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel"), "minor");
    assert.equal(option(s, "aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs"), "true");
    assert.equal(option(s, "aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays"), "14");
    assert.equal(option(s, "aws:elasticbeanstalk:cloudwatch:logs:health", "HealthStreamingEnabled"), "true");
    assert.equal(option(s, "aws:elasticbeanstalk:application", "Application Healthcheck URL"), "/health");
});

test("a single instance has no load balancer, scaling or listener options, and no public IP setting", async () => {
    const s = settingsOf(await environment());
    assert.equal(option(s, "aws:elasticbeanstalk:environment", "EnvironmentType"), "SingleInstance");
    assert.deepEqual(s.filter((x) => /^aws:elbv2|process:default|aws:autoscaling:asg|rollingupdate/.test(x.namespace) || x.name === "AssociatePublicIpAddress" || x.name === "LoadBalancerType"), []);
});

test("load-balanced: a public ALB over the subnets, the instance range, immutable rolls and HEALTH.target's checks on port 80", async () => {
    const s = settingsOf(await environment({ settings: BALANCED }));
    const process = (name: string) => option(s, "aws:elasticbeanstalk:environment:process:default", name);
    assert.equal(option(s, "aws:elasticbeanstalk:environment", "LoadBalancerType"), "application");
    assert.equal(option(s, "aws:ec2:vpc", "ELBScheme"), "public");
    assert.equal(option(s, "aws:ec2:vpc", "ELBSubnets"), SUBNETS.join(","));
    assert.equal(option(s, "aws:ec2:vpc", "AssociatePublicIpAddress"), "true");
    assert.deepEqual([option(s, "aws:autoscaling:asg", "MinSize"), option(s, "aws:autoscaling:asg", "MaxSize")], ["2", "6"]);
    assert.equal(option(s, "aws:ec2:instances", "InstanceTypes"), "m6i.large,m7i.large");
    assert.equal(option(s, "aws:elasticbeanstalk:command", "DeploymentPolicy"), "Immutable");
    assert.equal(option(s, "aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType"), "Immutable");
    assert.deepEqual(
        ["Port", "Protocol", "HealthCheckPath", "MatcherHTTPCode", "HealthCheckInterval", "HealthCheckTimeout", "HealthyThresholdCount", "UnhealthyThresholdCount", "DeregistrationDelay"].map(process),
        ["80", "HTTP", "/health", "200", ...[HEALTH.target.intervalSeconds, HEALTH.target.timeoutSeconds, HEALTH.target.healthyThreshold, HEALTH.target.unhealthyThreshold, HEALTH.target.deregistrationDelaySeconds].map(String)],
    );
    // No certificate: no HTTPS listener.
    assert.deepEqual(s.filter((x) => x.namespace === "aws:elbv2:listener:443"), []);
});

test("TrafficSplitting: the canary's share and evaluation time from the settings, immutable configuration changes; no trafficsplitting options otherwise", async () => {
    const s = settingsOf(await environment({ settings: { ...BALANCED, deploymentPolicy: "TrafficSplitting", trafficPercent: 25, evaluationMinutes: 12 } }));
    assert.equal(option(s, "aws:elasticbeanstalk:command", "DeploymentPolicy"), "TrafficSplitting");
    assert.equal(option(s, "aws:elasticbeanstalk:trafficsplitting", "NewVersionPercent"), "25");
    assert.equal(option(s, "aws:elasticbeanstalk:trafficsplitting", "EvaluationTime"), "12");
    assert.equal(option(s, "aws:elasticbeanstalk:environment", "LoadBalancerType"), "application");
    assert.equal(option(s, "aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType"), "Immutable");
    assert.deepEqual(settingsOf(await environment({ settings: BALANCED })).filter((x) => x.namespace === "aws:elasticbeanstalk:trafficsplitting"), []);
});

test("a certificate on a load-balanced environment adds the HTTPS listener on slipway's TLS policy; a single instance ignores it", async () => {
    const s = settingsOf(await environment({ settings: BALANCED, certificateArn: CERT }));
    const listener = (name: string) => option(s, "aws:elbv2:listener:443", name);
    assert.deepEqual(["ListenerEnabled", "Protocol", "SSLCertificateArns", "SSLPolicy"].map(listener), ["true", "HTTPS", CERT, TLS_POLICY]);
    assert.deepEqual(settingsOf(await environment({ certificateArn: CERT })).filter((x) => x.namespace === "aws:elbv2:listener:443"), []);
});

test("a BeanstalkEnvironment registers its name, CNAME and platform, and streams logs under the contract's prefix", async () => {
    const p = await environment();
    assert.deepEqual(registeredOutputs(p, res(p, ENVIRONMENT, "beanstalk")), { environmentName: "shop-staging", cname: p.outputs.cname, solutionStackName: p.outputs.solutionStackName });
    assert.equal(p.outputs.url, `http://${p.outputs.cname}`);
    assert.equal(p.outputs.logGroupPrefix, beanstalkLogGroupPrefix("shop", "staging"));
    assert.equal(p.outputs.logGroupPrefix, "/aws/elasticbeanstalk/shop-staging/");
});
