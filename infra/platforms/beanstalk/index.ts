// Elastic Beanstalk as a slipway platform. The environment stack gets a Docker environment in its
// own VPC (its own load balancer when load-balanced) joining the app's EB application; the delivery
// stack holds that application, the EB deploy action, the smoke test's Beanstalk check, the Beanstalk
// parts of the deploy and runtime policies, and the bundle the build emits for EB.
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentSettings } from "../../config/settings";
import { alarmNamePrefix, boundaryArn, bundleBucketPrefix, databaseIamUser, databaseIdentifier, DATABASE_IAM_USER_VARIABLE, DB_CONNECT_KIND, DELIVERY_OUTPUTS, environmentRolePath, PACKAGES_READ_KIND, rotationRestartName, ROTATION_RESTART_ALARM, ROTATION_RESTART_KIND, ROTATION_TRIGGER_KIND, runtimePolicyArn } from "../../contract";
import { RotationRestart } from "../ecs/rotation-restart";
import { beanstalkDatabaseDeployStatements, beanstalkRefreshStatements, refreshDefinition } from "./database";
import { ReleaseAlarms } from "../../environment/release-alarms";
import { beanstalkAlarmSpecs } from "./alarms";
import type { AppFront, EnvironmentBase, Platform } from "../platform";
import { BeanstalkApplication } from "./application";
import { beanstalkBundleFiles, bundleBuildCommands } from "./bundle";
import { beanstalkEnvironmentStatements, beanstalkResourceStatements } from "./deployer";
import { BEANSTALK_MANAGED_POLICIES, BeanstalkEnvironment } from "./environment";
import { DomainRecord } from "../../environment/domain";
import { BEANSTALK_SMOKE_TEST_CHECK, beanstalkDeployStatements, beanstalkSmokeTestStatements, BeanstalkTarget, beanstalkTarget } from "./pipeline";

/** The runtime policy kind of Beanstalk instances (`<app>-<stack>-beanstalk-instance`). */
export const BEANSTALK_RUNTIME_KIND = "beanstalk-instance";

export const beanstalk: Platform<BeanstalkTarget> = {
    name: "beanstalk",
    environment: (s, base) => beanstalkEnvironment(s, base),
    target: beanstalkTarget,
    pipelineStatements: beanstalkDeployStatements,
    smokeTestStatements: (ctx, targets) => beanstalkSmokeTestStatements(ctx, targets),
    smokeTestCheck: BEANSTALK_SMOKE_TEST_CHECK,
    // The EB source bundle (docker-compose.yml naming the sha-tagged image, plus the secrets hooks) at the artifact's root.
    buildArtifacts: { commands: bundleBuildCommands(), files: Object.keys(beanstalkBundleFiles()) },
    delivery: ({ app, ctx, protect }) => {
        // Free; protected because every Beanstalk environment of the app lives in it.
        const application = new BeanstalkApplication("beanstalk", { app, ctx, protect });
        return { [DELIVERY_OUTPUTS.beanstalkApplicationName]: application.application.name };
    },
    // No Beanstalk statement lists log groups (ECS' access-log statement does): the provider reads the database's
    // log group with DescribeLogGroups, an action on no one log group ("*" in the region).
    databaseDeployStatements: beanstalkDatabaseDeployStatements,
    deployConcerns: (scope) => [
        { concern: "deploy-beanstalk", what: "Elastic Beanstalk environments and the stacks and groups EB creates", statements: beanstalkEnvironmentStatements(scope) },
        { concern: "deploy-beanstalk-resources", what: "the instances, addresses, alarms and buckets of its Beanstalk environments", statements: beanstalkResourceStatements(scope) },
    ],
    runtime: {
        kind: BEANSTALK_RUNTIME_KIND,
        description: "the stack's Beanstalk instances: pull the image, read the secret and the stack's own bundles",
        // The instance fetches its application version's bundle (EB's own log streaming is in the managed web-tier policy).
        statements: (app, pattern, ctx) => [{ Sid: "ReadBundles", Action: ["s3:GetObject"], Resource: [`arn:${ctx.partition}:s3:::${bundleBucketPrefix(app, pattern)}*/*`] }],
    },
    awsManagedPolicies: Object.values(BEANSTALK_MANAGED_POLICIES),
    // The instances carry the database's clients group (infra/platforms/beanstalk/database.ts).
    databaseClients: "the Beanstalk instances",
    // After a rotation the app servers restart to read the new password (RestartAppServer).
    rotationRestartStatements: beanstalkRefreshStatements,
};

/**
 * The app on Elastic Beanstalk (its own load balancer when load-balanced). Outputs keep the ECS
 * names where they apply (url, logGroup).
 */
function beanstalkEnvironment(s: EnvironmentSettings, shared: EnvironmentBase): AppFront {
    const app = s.appName;
    const eb = s.beanstalk;
    if (!eb) throw new Error("platform beanstalk without beanstalk settings (config/settings.ts always sets them)");
    // slipway:database.iamAuthentication: the instance role is the only role the app's container can use on EB's
    // Docker platform (no task role: "Amazon EC2 instances assume the instance profile role to sign requests to AWS
    // and access APIs […] You can add permissions to this profile to provide your instances access to other AWS
    // services", EB DG "Configuring environment security"), so it gets the delivery stack's db-connect policy
    // (infra/delivery/database-connect.ts), and the app is told its user as a plain environment property. That the
    // container reaches IMDSv2 (hop limit ≥ 2) is under docs/database.md "Not verified".
    const iamAuth = Boolean(shared.database && s.database?.iamAuthentication);
    const extraInstancePolicyArns = [
        // slipway:packages.runtimeRead (delivery stack): the app installs from the private package index.
        ...(s.packagesRead ? [runtimePolicyArn(shared.ctx, app, shared.policyStack, PACKAGES_READ_KIND)] : []),
        ...(iamAuth ? [runtimePolicyArn(shared.ctx, app, shared.policyStack, DB_CONNECT_KIND)] : []),
    ];
    const env = new BeanstalkEnvironment("app", {
        appName: app,
        stack: s.stack,
        name: shared.name,
        // The EB application is per app and lives in the delivery stack.
        applicationName: shared.delivery.requireOutput(DELIVERY_OUTPUTS.beanstalkApplicationName) as pulumi.Output<string>,
        image: shared.image,
        instancePolicyArn: runtimePolicyArn(shared.ctx, app, shared.policyStack, BEANSTALK_RUNTIME_KIND),
        ...(extraInstancePolicyArns.length ? { extraInstancePolicyArns } : {}),
        permissionsBoundary: boundaryArn(shared.ctx, app, shared.policyStack),
        vpcId: shared.network.vpc.id,
        subnetIds: shared.network.publicSubnetIds,
        containerPort: s.containerPort,
        healthPath: s.healthPath,
        // PGUSER_IAM names the user, not a secret (an app setting of that name is refused: databaseNameProblems).
        environment: iamAuth ? { ...s.appSettings, [DATABASE_IAM_USER_VARIABLE]: databaseIamUser(app, s.stack) } : s.appSettings,
        secrets: { arn: shared.secrets.arn, names: shared.secrets.names, versionId: shared.secrets.versionId },
        releaseCommand: s.releaseCommand,
        // slipway:database: the instances carry its clients group; PG* are environment secrets (./database.ts).
        ...(shared.database ? { database: { environmentSecrets: shared.database.environmentSecrets, clientSecurityGroupId: shared.database.clientSecurityGroup.id } } : {}),
        settings: eb,
        certificateArn: shared.https?.certificateArn,
        logRetentionDays: s.logRetentionDays,
        rolePath: environmentRolePath(app, s.stack),
        protect: s.protect,
    });
    const https = shared.https;
    if (https?.zoneId) {
        // EB's environment name (<name>.<region>.elasticbeanstalk.com) fronts its load balancer: a CNAME to it.
        new DomainRecord("dns", { zoneId: https.zoneId, domainName: https.domainName, target: { kind: "cname", value: env.environment.cname } });
    }
    const url = https && eb.environmentType === "LoadBalanced" ? pulumi.output(`https://${https.domainName}`) : env.url;
    const alarms = s.alarms.enabled
        ? new ReleaseAlarms("release-alarms", {
              namePrefix: alarmNamePrefix(app, s.stack),
              specs: beanstalkAlarmSpecs(shared.name, s.alarms),
              topicArn: shared.delivery.requireOutput(DELIVERY_OUTPUTS.notificationTopicArn) as pulumi.Output<string>,
              minutes: s.alarms.minutes,
          })
        : undefined;
    // After each rotation of the database password the app servers restart: EB reads environment secrets at
    // instance bootstrap and on RestartAppServer only (./database.ts). The same rule, roles and names as ECS' restart.
    const restart = shared.database
        ? new RotationRestart("db-rotation", {
              name: rotationRestartName(databaseIdentifier(app, s.stack)),
              secretArn: shared.database.masterSecretArn,
              definition: pulumi.all([shared.ctx.partition, env.environment.name]).apply(([partition, name]) => refreshDefinition(partition, name)),
              rolePath: environmentRolePath(app, s.stack),
              permissionsBoundary: boundaryArn(shared.ctx, app, shared.policyStack),
              restartPolicyArn: runtimePolicyArn(shared.ctx, app, shared.policyStack, ROTATION_RESTART_KIND),
              triggerPolicyArn: runtimePolicyArn(shared.ctx, app, shared.policyStack, ROTATION_TRIGGER_KIND),
              ctx: shared.ctx,
              dependsOn: [env.environment],
              failureAlarm: { alarmName: `${alarmNamePrefix(app, s.stack)}${ROTATION_RESTART_ALARM}`, topicArn: shared.delivery.requireOutput(DELIVERY_OUTPUTS.notificationTopicArn) as pulumi.Output<string> },
          })
        : undefined;
    return {
        url,
        outputs: {
            ...(restart ? { databaseRotationRestart: restart.stateMachine.name } : {}),
            logGroup: env.logGroupPrefix,
            beanstalkEnvironmentName: env.environment.name,
            beanstalkEnvironmentType: eb.environmentType,
            beanstalkSolutionStack: env.solutionStackName,
            beanstalkCname: env.environment.cname,
            ...(alarms ? { releaseAlarms: alarms.alarmNames } : {}),
        },
    };
}
