import { test } from "node:test";
import * as assert from "node:assert/strict";
import { BEANSTALK_OPTIONS } from "../infra/platforms/beanstalk/environment";
import { one, planStack } from "./helpers";

/**
 * Option names per namespace as AWS documents them in the Elastic Beanstalk Developer Guide, "General
 * options for all environments" (command-options-general), written out independently of the code.
 * Only the namespaces slipway could use are listed; `listener_port` stands for a port number.
 */
const DOCUMENTED: Record<string, string[]> = {
    "aws:autoscaling:asg": ["Availability Zones", "Cooldown", "Custom Availability Zones", "MinSize", "MaxSize"],
    "aws:autoscaling:launchconfiguration": [
        "DisableIMDSv1", "EC2KeyName", "IamInstanceProfile", "ImageId", "InstanceType", "MonitoringInterval", "SecurityGroups",
        "SSHSourceRestriction", "BlockDeviceMappings", "RootVolumeType", "RootVolumeSize", "RootVolumeIOPS",
    ],
    "aws:autoscaling:updatepolicy:rollingupdate": ["MaxBatchSize", "MinInstancesInService", "RollingUpdateEnabled", "RollingUpdateType", "PauseTime", "Timeout"],
    "aws:ec2:instances": ["EnableSpot", "InstanceTypes", "SpotFleetOnDemandBase", "SpotFleetOnDemandAboveBasePercentage", "SpotMaxPrice"],
    "aws:ec2:vpc": ["VPCId", "Subnets", "ELBSubnets", "ELBScheme", "DBSubnets", "AssociatePublicIpAddress"],
    "aws:elasticbeanstalk:application": ["Application Healthcheck URL"],
    "aws:elasticbeanstalk:cloudwatch:logs": ["StreamLogs", "DeleteOnTerminate", "RetentionInDays"],
    "aws:elasticbeanstalk:cloudwatch:logs:health": ["HealthStreamingEnabled", "DeleteOnTerminate", "RetentionInDays"],
    "aws:elasticbeanstalk:command": ["DeploymentPolicy", "Timeout", "BatchSizeType", "BatchSize", "IgnoreHealthCheck"],
    "aws:elasticbeanstalk:environment": ["EnvironmentType", "ServiceRole", "LoadBalancerType"],
    "aws:elasticbeanstalk:environment:process:default": [
        "DeregistrationDelay", "HealthCheckInterval", "HealthCheckPath", "HealthCheckTimeout", "HealthyThresholdCount", "MatcherHTTPCode",
        "Port", "Protocol", "StickinessEnabled", "StickinessLBCookieDuration", "StickinessType", "UnhealthyThresholdCount",
    ],
    "aws:elasticbeanstalk:healthreporting:system": ["SystemType", "ConfigDocument", "HealthCheckSuccessThreshold"],
    "aws:elasticbeanstalk:managedactions": ["ManagedActionsEnabled", "PreferredStartTime", "ServiceRoleForManagedUpdates"],
    "aws:elasticbeanstalk:managedactions:platformupdate": ["UpdateLevel", "InstanceRefreshEnabled"],
    "aws:elasticbeanstalk:trafficsplitting": ["NewVersionPercent", "EvaluationTime"],
    "aws:elbv2:listener:listener_port": ["DefaultProcess", "ListenerEnabled", "Protocol", "Rules", "SSLCertificateArns", "SSLPolicy"],
    "aws:elbv2:loadbalancer": ["AccessLogsS3Bucket", "AccessLogsS3Enabled", "AccessLogsS3Prefix", "IdleTimeout", "ManagedSecurityGroup", "SecurityGroups"],
};
/** Environment properties: "Any environment variable name" (aws:elasticbeanstalk:application:environment). */
const PROPERTIES = "aws:elasticbeanstalk:application:environment";
/** Environment secrets: OptionName "the name of the environment variable to hold the secret store or parameter store value". */
const SECRETS = "aws:elasticbeanstalk:application:environmentsecrets";

function documented(namespace: string, name: string): boolean {
    if (namespace === PROPERTIES || namespace === SECRETS) return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
    const key = namespace.replace(/^aws:elbv2:listener:\d+$/, "aws:elbv2:listener:listener_port");
    return DOCUMENTED[key]?.includes(name) ?? false;
}

interface Setting {
    namespace: string;
    name: string;
    value: string;
}

test("every namespace and option in slipway's Beanstalk option table is one AWS documents", () => {
    const undocumented = Object.entries(BEANSTALK_OPTIONS).flatMap(([ns, names]) =>
        ns === PROPERTIES || ns === SECRETS ? [] : (names as readonly string[]).filter((n) => !documented(ns, n)).map((n) => `${ns} ${n}`),
    );
    assert.deepEqual(undocumented, []);
});

test("every option setting the shipped Beanstalk stacks plan is in the table and documented", async () => {
    // …and the Beanstalk database fixtures (environment secrets, the instances' extra security group).
    for (const stack of ["beanstalk-staging", "beanstalk-production", "ebdb-staging", "ebdb-production"]) {
        const env = one(await planStack(stack), "aws:elasticbeanstalk/environment:Environment");
        const settings = env.inputs.settings as Setting[];
        assert.ok(settings.length > 20, `${stack}: only ${settings.length} settings`);
        for (const s of settings) {
            assert.ok(s.namespace in BEANSTALK_OPTIONS, `${stack}: ${s.namespace} is not in BEANSTALK_OPTIONS`);
            assert.ok(documented(s.namespace, s.name), `${stack}: ${s.namespace} ${s.name} is not a documented option`);
        }
        // EB reads one value per option: a repeat would silently drop one of them.
        const keys = settings.map((s) => `${s.namespace}|${s.name}`);
        assert.equal(new Set(keys).size, keys.length, `${stack}: an option is set twice`);
    }
});

test("the traffic-splitting and rolling options are documented too", async () => {
    for (const policy of ["TrafficSplitting", "RollingWithAdditionalBatch"]) {
        const env = one(await planStack("beanstalk-production", { set: { "slipway:beanstalkDeploymentPolicy": policy } }), "aws:elasticbeanstalk/environment:Environment");
        for (const s of env.inputs.settings as Setting[]) assert.ok(documented(s.namespace, s.name), `${s.namespace} ${s.name}`);
    }
});
