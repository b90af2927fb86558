import * as pulumi from "@pulumi/pulumi";
import * as elasticbeanstalk from "@pulumi/aws/elasticbeanstalk";
import * as iam from "@pulumi/aws/iam";
import * as s3 from "@pulumi/aws/s3";
import { beanstalkBundleFiles, SECRET_ARN_PROPERTY, SECRETS_VERSION_PROPERTY } from "./bundle";
import { encodeReleaseCommand, RELEASE_COMMAND_PROPERTY } from "./release";
import { BeanstalkSettings } from "../../config/settings";
import { policyDocument, serviceRole } from "../../shared/iam";
import { HEALTH, TLS_POLICY } from "../../shared/health";

const TARGET_HEALTH = HEALTH.target;
import { beanstalkLogGroupPrefix, bundleBucketPrefix, renamedFrom } from "../../contract";
import { BeanstalkDatabaseAccess, beanstalkDatabaseOptions } from "./database";

/**
 * Every EB namespace and option slipway sets, and nothing else: `setting()` only accepts these, and
 * test/beanstalk-options.test.ts checks each against AWS's "General options for all environments".
 * Environment properties (`aws:elasticbeanstalk:application:environment`) take any variable name.
 */
export const BEANSTALK_OPTIONS = {
    "aws:autoscaling:asg": ["MinSize", "MaxSize"],
    "aws:autoscaling:launchconfiguration": ["IamInstanceProfile", "DisableIMDSv1", "SecurityGroups"],
    "aws:autoscaling:updatepolicy:rollingupdate": ["RollingUpdateEnabled", "RollingUpdateType"],
    "aws:ec2:instances": ["InstanceTypes"],
    "aws:ec2:vpc": ["VPCId", "Subnets", "ELBSubnets", "ELBScheme", "AssociatePublicIpAddress"],
    "aws:elasticbeanstalk:application": ["Application Healthcheck URL"],
    "aws:elasticbeanstalk:application:environment": [],
    // Environment secrets (slipway:database): option names are variable names, values secret ARNs (./database.ts).
    "aws:elasticbeanstalk:application:environmentsecrets": [],
    "aws:elasticbeanstalk:cloudwatch:logs": ["StreamLogs", "DeleteOnTerminate", "RetentionInDays"],
    "aws:elasticbeanstalk:cloudwatch:logs:health": ["HealthStreamingEnabled", "DeleteOnTerminate", "RetentionInDays"],
    "aws:elasticbeanstalk:command": ["DeploymentPolicy", "BatchSizeType", "BatchSize"],
    "aws:elasticbeanstalk:environment": ["EnvironmentType", "ServiceRole", "LoadBalancerType"],
    "aws:elasticbeanstalk:environment:process:default": [
        "HealthCheckPath", "MatcherHTTPCode", "Port", "Protocol", "HealthCheckInterval", "HealthCheckTimeout",
        "HealthyThresholdCount", "UnhealthyThresholdCount", "DeregistrationDelay",
    ],
    "aws:elasticbeanstalk:healthreporting:system": ["SystemType"],
    "aws:elasticbeanstalk:managedactions": ["ManagedActionsEnabled", "PreferredStartTime", "ServiceRoleForManagedUpdates"],
    "aws:elasticbeanstalk:managedactions:platformupdate": ["UpdateLevel", "InstanceRefreshEnabled"],
    "aws:elasticbeanstalk:trafficsplitting": ["NewVersionPercent", "EvaluationTime"],
    // Documented as aws:elbv2:listener:listener_port; 443 is the HTTPS listener.
    "aws:elbv2:listener:443": ["ListenerEnabled", "Protocol", "SSLCertificateArns", "SSLPolicy"],
} as const;

type Namespace = keyof typeof BEANSTALK_OPTIONS;
type OptionName<N extends Namespace> = (typeof BEANSTALK_OPTIONS)[N][number];

export interface BeanstalkSetting {
    namespace: Namespace;
    name: string;
    value: pulumi.Input<string>;
}

function setting<N extends Namespace>(namespace: N, name: OptionName<N>, value: pulumi.Input<string>): BeanstalkSetting {
    return { namespace, name, value };
}

function property(name: string, value: pulumi.Input<string>): BeanstalkSetting {
    return { namespace: "aws:elasticbeanstalk:application:environment", name, value };
}

/** AWS managed policies Elastic Beanstalk needs (cdk-nag AwsSolutions-IAM4: each one documented). */
export const BEANSTALK_MANAGED_POLICIES = {
    /** Service role: EB reads instance, ELB and ASG state to compute enhanced health ("Service roles"). */
    enhancedHealth: "arn:aws:iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth",
    /** Service role: lets EB run managed platform updates with this role ("Managed platform updates"). */
    managedUpdates: "arn:aws:iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy",
    /**
     * Instance profile: the web-tier basics every instance needs: EB's storage bucket (bundle download,
     * log upload), CloudWatch Logs streaming under /aws/elasticbeanstalk, and enhanced-health reporting
     * (elasticbeanstalk:PutInstanceStatistics) ("Instance profiles").
     */
    webTier: "arn:aws:iam::aws:policy/AWSElasticBeanstalkWebTier",
} as const;

export interface BeanstalkOptionArgs {
    settings: BeanstalkSettings;
    serviceRoleArn: pulumi.Input<string>;
    instanceProfileName: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    subnetIds: pulumi.Input<string>[];
    healthPath: string;
    containerPort: number;
    /** Plain app settings, as environment properties. */
    environment: Record<string, string>;
    secrets?: { arn: pulumi.Input<string>; versionId: pulumi.Input<string> };
    /** slipway:releaseCommand: the bundle's leader-only container command runs it (./release.ts). @default none */
    releaseCommand?: string;
    certificateArn?: pulumi.Input<string>;
    logRetentionDays: number;
    /** Keep streamed logs when the environment is terminated (production). */
    keepLogs: boolean;
    /** slipway:database: the instances carry its clients group and get PG* as environment secrets. @default none */
    database?: BeanstalkDatabaseAccess;
}

const joined = (ids: pulumi.Input<string>[]) => pulumi.all(ids).apply((v) => v.join(","));

/** The environment's option settings: a pure function of the typed settings, testable on its own. */
export function beanstalkOptionSettings(a: BeanstalkOptionArgs): BeanstalkSetting[] {
    const s = a.settings;
    const loadBalanced = s.environmentType === "LoadBalanced";
    const out: BeanstalkSetting[] = [
        setting("aws:elasticbeanstalk:environment", "EnvironmentType", s.environmentType),
        setting("aws:elasticbeanstalk:environment", "ServiceRole", a.serviceRoleArn),
        setting("aws:autoscaling:launchconfiguration", "IamInstanceProfile", a.instanceProfileName),
        // IMDSv2 only: instance credentials cannot be read through a plain GET (SSRF hardening).
        setting("aws:autoscaling:launchconfiguration", "DisableIMDSv1", "true"),
        // Without Spot only the first type is used; the rest are ready for EnableSpot (aws:ec2:instances).
        setting("aws:ec2:instances", "InstanceTypes", s.instanceTypes.join(",")),
        setting("aws:ec2:vpc", "VPCId", a.vpcId),
        setting("aws:ec2:vpc", "Subnets", joined(a.subnetIds)),
        setting("aws:elasticbeanstalk:command", "DeploymentPolicy", s.deploymentPolicy),
        setting("aws:elasticbeanstalk:healthreporting:system", "SystemType", "enhanced"),
        // Managed updates need enhanced health, a PreferredStartTime and an UpdateLevel (aws:elasticbeanstalk:managedactions).
        setting("aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "true"),
        setting("aws:elasticbeanstalk:managedactions", "PreferredStartTime", s.maintenanceWindow),
        setting("aws:elasticbeanstalk:managedactions", "ServiceRoleForManagedUpdates", a.serviceRoleArn),
        // Minor and patch updates stay on the AL2023 Docker branch; branch changes are never automatic.
        setting("aws:elasticbeanstalk:managedactions:platformupdate", "UpdateLevel", "minor"),
        setting("aws:elasticbeanstalk:managedactions:platformupdate", "InstanceRefreshEnabled", "false"),
        setting("aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs", "true"),
        setting("aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays", String(a.logRetentionDays)),
        setting("aws:elasticbeanstalk:cloudwatch:logs", "DeleteOnTerminate", String(!a.keepLogs)),
        setting("aws:elasticbeanstalk:cloudwatch:logs:health", "HealthStreamingEnabled", "true"),
        setting("aws:elasticbeanstalk:cloudwatch:logs:health", "RetentionInDays", String(a.logRetentionDays)),
        setting("aws:elasticbeanstalk:cloudwatch:logs:health", "DeleteOnTerminate", String(!a.keepLogs)),
        // Health requests go to this path (a single instance has no load balancer health check).
        setting("aws:elasticbeanstalk:application", "Application Healthcheck URL", a.healthPath),
    ];
    if (s.deploymentPolicy === "Rolling" || s.deploymentPolicy === "RollingWithAdditionalBatch") {
        out.push(
            setting("aws:elasticbeanstalk:command", "BatchSizeType", "Percentage"),
            setting("aws:elasticbeanstalk:command", "BatchSize", String(s.batchSizePercent)),
        );
    }
    if (s.deploymentPolicy === "TrafficSplitting") {
        // The canary: NewVersionPercent % of traffic on the new instances for EvaluationTime minutes, then
        // all of it (or, if they fail their health checks, back to the old instances).
        out.push(
            setting("aws:elasticbeanstalk:trafficsplitting", "NewVersionPercent", String(s.trafficPercent)),
            setting("aws:elasticbeanstalk:trafficsplitting", "EvaluationTime", String(s.evaluationMinutes)),
        );
    }
    if (loadBalanced) {
        out.push(
            setting("aws:elasticbeanstalk:environment", "LoadBalancerType", "application"),
            setting("aws:ec2:vpc", "ELBSubnets", joined(a.subnetIds)),
            setting("aws:ec2:vpc", "ELBScheme", "public"),
            // No NAT gateway: instances reach ECR and Secrets Manager through a public IP; EB's
            // instance security group admits only the load balancer's.
            setting("aws:ec2:vpc", "AssociatePublicIpAddress", "true"),
            setting("aws:autoscaling:asg", "MinSize", String(s.minInstances)),
            setting("aws:autoscaling:asg", "MaxSize", String(s.maxInstances)),
            // Configuration changes (instance type, AMI) replace instances without downtime too.
            setting("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateEnabled", "true"),
            // Immutable and TrafficSplitting deploy to new instances; configuration changes do the same.
            setting("aws:autoscaling:updatepolicy:rollingupdate", "RollingUpdateType", s.deploymentPolicy === "Immutable" || s.deploymentPolicy === "TrafficSplitting" ? "Immutable" : "Health"),
            // The Compose service publishes host port 80; checks tuned like the ECS target group.
            setting("aws:elasticbeanstalk:environment:process:default", "Port", "80"),
            setting("aws:elasticbeanstalk:environment:process:default", "Protocol", "HTTP"),
            setting("aws:elasticbeanstalk:environment:process:default", "HealthCheckPath", a.healthPath),
            setting("aws:elasticbeanstalk:environment:process:default", "MatcherHTTPCode", "200"),
            setting("aws:elasticbeanstalk:environment:process:default", "HealthCheckInterval", String(TARGET_HEALTH.intervalSeconds)),
            setting("aws:elasticbeanstalk:environment:process:default", "HealthCheckTimeout", String(TARGET_HEALTH.timeoutSeconds)),
            setting("aws:elasticbeanstalk:environment:process:default", "HealthyThresholdCount", String(TARGET_HEALTH.healthyThreshold)),
            setting("aws:elasticbeanstalk:environment:process:default", "UnhealthyThresholdCount", String(TARGET_HEALTH.unhealthyThreshold)),
            setting("aws:elasticbeanstalk:environment:process:default", "DeregistrationDelay", String(TARGET_HEALTH.deregistrationDelaySeconds)),
        );
        if (a.certificateArn) {
            out.push(
                setting("aws:elbv2:listener:443", "ListenerEnabled", "true"),
                setting("aws:elbv2:listener:443", "Protocol", "HTTPS"),
                setting("aws:elbv2:listener:443", "SSLCertificateArns", a.certificateArn),
                setting("aws:elbv2:listener:443", "SSLPolicy", TLS_POLICY),
            );
        }
    }
    // App settings are plain environment properties; secrets never are: only the secret's ARN and
    // version id go here, and the bundle's prebuild hook fetches the values on the instance.
    const props: Record<string, pulumi.Input<string>> = { ...a.environment, PORT: String(a.containerPort) };
    if (a.secrets) {
        props[SECRET_ARN_PROPERTY] = a.secrets.arn;
        // A rotated secret gets a new version id: EB runs a configuration deployment, whose confighook
        // rewrites the env file and restarts the container with the new values.
        props[SECRETS_VERSION_PROPERTY] = a.secrets.versionId;
    }
    // Base64: EB property values allow few symbols (no ';', '&', '|', '$'); the command is not a secret.
    if (a.releaseCommand) props[RELEASE_COMMAND_PROPERTY] = encodeReleaseCommand(a.releaseCommand);
    for (const name of Object.keys(props).sort()) out.push(property(name, props[name]));
    // The database's connection: environment secrets (secret ARNs, resolved on the instance), never properties.
    if (a.database) out.push(...beanstalkDatabaseOptions(a.database));
    return out;
}


export interface BeanstalkEnvironmentArgs {
    /** The app's name: prefixes the bundle bucket. */
    appName: string;
    /** Environment name (the pipeline deploys to it by name): 4–40 letters, digits and '-'. */
    name: string;
    /** The app's EB application, declared once in the delivery stack. */
    applicationName: pulumi.Input<string>;
    /** Image to run, `<repository>:<tag>` (the tag the pipeline last verified). */
    image: pulumi.Input<string>;
    /** The stack's `beanstalk-instance` runtime policy (delivery stack): image pull, secret read, bundles. */
    instancePolicyArn: pulumi.Input<string>;
    /** More runtime policies of the instances (delivery stack): `packages-read` with slipway:packages.runtimeRead. @default none */
    extraInstancePolicyArns?: pulumi.Input<string>[];
    /** The stack's permissions boundary (delivery stack): every role here carries it. */
    permissionsBoundary: pulumi.Input<string>;
    /** Stack name: names the bundle bucket (one per stack, so no other stack's deploy role can write it). */
    stack: string;
    vpcId: pulumi.Input<string>;
    /** Public subnets for instances and, when load-balanced, the ALB. */
    subnetIds: pulumi.Input<string>[];
    containerPort: number;
    healthPath: string;
    /** Plain settings, as environment properties. */
    environment: Record<string, string>;
    /** The environment's JSON app secret; read on the instance by the bundle's hook, never a property. */
    secrets?: { arn: pulumi.Input<string>; names: string[]; versionId: pulumi.Input<string> };
    /**
     * Release phase: run once per deployment in the new image before it serves (Immutable deployments
     * only; config refuses it otherwise). An environment property, base64-encoded.
     * @default none
     */
    releaseCommand?: string;
    /** slipway:database: its clients group on the instances and its connection as environment secrets. @default none */
    database?: BeanstalkDatabaseAccess;
    settings: BeanstalkSettings;
    /** ACM certificate for an HTTPS listener (load-balanced only). */
    certificateArn?: pulumi.Input<string>;
    /** Days EB keeps streamed instance and health logs (one of EB's RetentionInDays values). */
    logRetentionDays: number;
    rolePath: string;
    /**
     * Production: protect the environment and bundle bucket, keep streamed logs on terminate. When
     * false everything deletes on `pulumi destroy`.
     * @default false
     */
    protect?: boolean;
}

/**
 * The app on Elastic Beanstalk's Docker platform (Amazon Linux 2023): service role, instance profile,
 * a bucket holding the environment's first application version, and the environment itself in the
 * given VPC with enhanced health, managed updates and log streaming. After creation the pipeline's
 * Elastic Beanstalk action deploys new versions; `pulumi up` redeploys the last verified image.
 */
export class BeanstalkEnvironment extends pulumi.ComponentResource {
    readonly environment: elasticbeanstalk.Environment;
    readonly serviceRole: iam.Role;
    readonly instanceRole: iam.Role;
    readonly instanceProfile: iam.InstanceProfile;
    readonly bundleBucket: s3.Bucket;
    readonly solutionStackName: pulumi.Output<string>;
    readonly url: pulumi.Output<string>;
    /** Prefix of the log groups EB streams to (one per log file). */
    readonly logGroupPrefix: string;

    constructor(name: string, args: BeanstalkEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:BeanstalkEnvironment", name, {}, opts);
        const protect = args.protect ?? false;

        this.serviceRole = serviceRole(
            `${name}-service`,
            {
                service: "elasticbeanstalk.amazonaws.com",
                description: `Elastic Beanstalk service role of ${args.name}: health and managed updates`,
                path: args.rolePath,
                // EB assumes its service role with the external id "elasticbeanstalk" ("Service roles").
                condition: { StringEquals: { "sts:ExternalId": "elasticbeanstalk" } },
                permissionsBoundary: args.permissionsBoundary,
            },
            { parent: this, aliases: renamedFrom("service") },
        );
        new iam.RolePolicyAttachment(`${name}-service-health`, { role: this.serviceRole.name, policyArn: BEANSTALK_MANAGED_POLICIES.enhancedHealth }, { parent: this, aliases: renamedFrom("service-health") });
        new iam.RolePolicyAttachment(`${name}-service-updates`, { role: this.serviceRole.name, policyArn: BEANSTALK_MANAGED_POLICIES.managedUpdates }, { parent: this, aliases: renamedFrom("service-updates") });

        // A per-stack prefix scopes each GitHub deploy role to its own stack's bundles: their hooks run as root.
        this.bundleBucket = new s3.Bucket(`${name}-bundles`, { bucketPrefix: bundleBucketPrefix(args.appName, args.stack), forceDestroy: !protect }, { parent: this, aliases: renamedFrom("bundles"), protect });
        new s3.BucketPublicAccessBlock(
            `${name}-bundles-public-access-block`,
            { bucket: this.bundleBucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this, aliases: renamedFrom("bundles-public-access-block") },
        );
        new s3.BucketServerSideEncryptionConfiguration(
            `${name}-bundles-encryption`,
            { bucket: this.bundleBucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            { parent: this, aliases: renamedFrom("bundles-encryption") },
        );
        new s3.BucketVersioning(`${name}-bundles-versioning`, { bucket: this.bundleBucket.id, versioningConfiguration: { status: "Enabled" } }, { parent: this, aliases: renamedFrom("bundles-versioning") });
        // A new image tag writes a new key and Pulumi deletes the old object: only replaced versions pile up.
        new s3.BucketLifecycleConfiguration(
            `${name}-bundles-lifecycle`,
            {
                bucket: this.bundleBucket.id,
                rules: [
                    {
                        id: "expire-replaced-bundles",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays: 30 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                    },
                ],
            },
            { parent: this, aliases: renamedFrom("bundles-lifecycle") },
        );
        new s3.BucketPolicy(
            `${name}-bundles-tls-only`,
            {
                bucket: this.bundleBucket.id,
                policy: policyDocument([
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        // s3:* is the point of a deny-all-insecure-requests statement.
                        Action: ["s3:*"],
                        Resource: [this.bundleBucket.arn, pulumi.interpolate`${this.bundleBucket.arn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ]),
            },
            { parent: this, aliases: renamedFrom("bundles-tls-only") },
        );

        this.instanceRole = serviceRole(
            `${name}-instance`,
            {
                service: "ec2.amazonaws.com",
                description: `EC2 instances of ${args.name}: pull the image, read the app's secret, stream logs`,
                path: args.rolePath,
                permissionsBoundary: args.permissionsBoundary,
            },
            { parent: this, aliases: renamedFrom("instance") },
        );
        new iam.RolePolicyAttachment(`${name}-instance-web-tier`, { role: this.instanceRole.name, policyArn: BEANSTALK_MANAGED_POLICIES.webTier }, { parent: this, aliases: renamedFrom("instance-web-tier") });
        const secrets = args.secrets && args.secrets.names.length ? args.secrets : undefined;
        // The delivery stack owns this policy (infra/delivery/stack-access.ts): the deploy role only attaches it.
        const instancePolicy = new iam.RolePolicyAttachment(`${name}-instance-policy`, { role: this.instanceRole.name, policyArn: args.instancePolicyArn }, { parent: this, aliases: renamedFrom("instance-policy") });
        const extraInstancePolicies = (args.extraInstancePolicyArns ?? []).map((policyArn, i) => new iam.RolePolicyAttachment(`${name}-instance-policy-${i + 1}`, { role: this.instanceRole.name, policyArn }, { parent: this }));
        this.instanceProfile = new iam.InstanceProfile(`${name}-instance`, { path: args.rolePath, role: this.instanceRole.name }, { parent: this, aliases: renamedFrom("instance") });

        // The newest platform version matching the pattern, so platform releases are picked up on `pulumi up`.
        this.solutionStackName = elasticbeanstalk
            .getSolutionStackOutput({ nameRegex: args.settings.solutionStackRegex, mostRecent: true }, { parent: this })
            .apply((r) => r.name);

        const tag = pulumi.output(args.image).apply((image) => image.slice(image.lastIndexOf(":") + 1).replace(/[^A-Za-z0-9._-]/g, "-"));
        const bundle = new s3.BucketObjectv2(
            `${name}-bundle`,
            {
                bucket: this.bundleBucket.id,
                key: pulumi.interpolate`${args.name}/${tag}.zip`,
                contentType: "application/zip",
                source: pulumi.output(args.image).apply(
                    (image) =>
                        new pulumi.asset.AssetArchive(
                            Object.fromEntries(Object.entries(beanstalkBundleFiles(image)).map(([file, content]) => [file, new pulumi.asset.StringAsset(content)])),
                        ),
                ),
            },
            { parent: this, aliases: renamedFrom("bundle") },
        );
        const version = new elasticbeanstalk.ApplicationVersion(
            `${name}-version`,
            {
                application: args.applicationName,
                // Labels are unique per application: environment and image tag.
                name: pulumi.interpolate`${args.name}-${tag}`,
                description: pulumi.interpolate`${args.name}: ${args.image}`,
                bucket: this.bundleBucket.id,
                key: bundle.key,
                // A replaced version may still be the deployed one until the environment moves on.
                forceDelete: !protect,
            },
            { parent: this, aliases: renamedFrom("version") },
        );

        this.environment = new elasticbeanstalk.Environment(
            `${name}-environment`,
            {
                name: args.name,
                application: args.applicationName,
                tier: "WebServer",
                solutionStackName: this.solutionStackName,
                version: version.name,
                settings: beanstalkOptionSettings({
                    settings: args.settings,
                    serviceRoleArn: this.serviceRole.arn,
                    instanceProfileName: this.instanceProfile.name,
                    vpcId: args.vpcId,
                    subnetIds: args.subnetIds,
                    healthPath: args.healthPath,
                    containerPort: args.containerPort,
                    environment: args.environment,
                    secrets: secrets ? { arn: secrets.arn, versionId: secrets.versionId } : undefined,
                    releaseCommand: args.releaseCommand,
                    certificateArn: args.certificateArn,
                    logRetentionDays: args.logRetentionDays,
                    keepLogs: protect,
                    database: args.database,
                }),
            },
            // Instances must be able to pull and read secrets before EB's first health check.
            { parent: this, aliases: renamedFrom("environment"), protect, dependsOn: [instancePolicy, ...extraInstancePolicies] },
        );
        this.url = pulumi.interpolate`http://${this.environment.cname}`;
        this.logGroupPrefix = beanstalkLogGroupPrefix(args.appName, args.stack);
        this.registerOutputs({ environmentName: this.environment.name, cname: this.environment.cname, solutionStackName: this.solutionStackName });
    }
}
