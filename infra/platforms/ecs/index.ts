// ECS Fargate as a slipway platform. The environment stack gets the app on Fargate behind an ALB
// (production's default) or an API Gateway HTTP API reaching the tasks through Cloud Map, with an
// optional CloudWatch dashboard; the delivery stack gets the ECS deploy action, the smoke test's ECS
// check and the ECS parts of the deploy and runtime policies.
import { ownImage } from "./service-images";
import * as pulumi from "@pulumi/pulumi";
import * as ssm from "@pulumi/aws/ssm";
import type { EnvironmentSettings } from "../../config/settings";
import { databaseIamUser, databaseIdentifier, DATABASE_IAM_USER_VARIABLE, DB_CONNECT_KIND, rotationRestartName, ROTATION_RESTART_ALARM, ROTATION_RESTART_KIND, ROTATION_TRIGGER_KIND } from "../../contract";
import { alarmNamePrefix, appLogGroupName, boundaryArn, DELIVERY_OUTPUTS, ECS_LB_INFRASTRUCTURE_KIND, ecsInfrastructureRoleName, environmentRolePath, JOB_SCHEDULER_KIND, jobDeadLetterQueueName, jobFamily, jobLogGroupName, jobScheduleGroupName, logGroupPrefix, maintenanceRuleParameter, logGroupPrefixOfTag, OWN_STACK, PACKAGES_READ_KIND, processFamily, RELEASE_PROCESS, runtimePolicyArn, workerFamily, workerLogGroupName, workerServiceName } from "../../contract";
import { ReleaseAlarms } from "../../environment/release-alarms";
import { ecsAlarmSpecs } from "./alarms";
import { arnOf } from "../../shared/aws-context";
import type { AppFront, EnvironmentBase, Platform } from "../platform";
import { apiIngressStatements, computeStatements } from "./deployer";
import { ECS_SMOKE_TEST_CHECK, ecsSmokeTestCheck, ecsDeployStatements, ecsSmokeTestStatements, EcsTarget, ecsTarget } from "./pipeline";
import { HttpApiIngress } from "./api-ingress";
import { DomainRecord } from "../../environment/domain";
import type { ServiceDashboard as Dashboard, ServiceDashboardArgs } from "./dashboard";
import { WebLoadBalancer } from "./load-balancer";
import { FargateApp } from "./service";
import { ReleaseTask } from "./release-task";
import { releaseActionVariables, releaseBuildSpec, RELEASE_PROJECT_TIMEOUT_MINUTES, releaseStatements, releaseTarget } from "./release-action";
import { jobBoundaryStatements, jobSchedulerStatements } from "./job-access";
import { jobRevisionActionVariables, jobRevisionBuildSpec, JOB_REVISIONS_TIMEOUT_MINUTES, jobRevisionStatements, jobRevisionTarget } from "./job-action";
import { WorkerService } from "./worker";
import { queueKind } from "./queue-access";
import { ProcessSecret } from "../../environment/process-secret";
import { choosesSecrets, ownSecretNames, processExecutionKind, secretNamesOf, type SecretChoice } from "./process-secrets";
import { ProcessExecutionRole } from "./process-execution";
import { secretNamePrefix } from "../../contract";
import { RotationRestart, rotationRestartStatements } from "./rotation-restart";
import { ScheduledJobs } from "./job";
import { jobDeployStatements } from "./job-access";
import { LoadBalancerInfrastructureRole, loadBalancerRuntime } from "./traffic-shift";
import { ECS_STRATEGY } from "./strategy-settings";
import type { TrafficShift } from "./service";

/** The runtime policy kind of ECS tasks' execution role (`<app>-<stack>-task-execution`). */
export const ECS_RUNTIME_KIND = "task-execution";

export const ecs: Platform<EcsTarget> = {
    name: "ecs",
    environment: (s, base) => ecsEnvironment(s, base),
    target: ecsTarget,
    pipelineStatements: ecsDeployStatements,
    smokeTestStatements: ecsSmokeTestStatements,
    smokeTestCheck: ECS_SMOKE_TEST_CHECK,
    smokeTestCheckFor: (o) => ecsSmokeTestCheck(o),
    stageProjects: {
        release: {
            projectName: "release",
            timeoutMinutes: RELEASE_PROJECT_TIMEOUT_MINUTES,
            description: (app, stack) => `Run ${app}'s release command before each deploy${stack ? ` to ${stack}` : ""}`,
            // Each target's own project and role: staging's release cannot register, run or switch the page of production.
            perTarget: true,
            target: (app, t) => (t.release ? releaseTarget(app, t.stack, Boolean(t.maintenance)) : undefined),
            actionVariables: releaseActionVariables,
            statements: releaseStatements,
            buildSpec: releaseBuildSpec,
        },
        jobRevisions: {
            projectName: "job-revisions",
            timeoutMinutes: JOB_REVISIONS_TIMEOUT_MINUTES,
            description: (app) => `Move ${app}'s scheduled jobs to the new image on each deploy`,
            target: (app, t) => (t.jobs.length ? jobRevisionTarget(app, t.stack, t.jobs) : undefined),
            actionVariables: jobRevisionActionVariables,
            statements: jobRevisionStatements,
            buildSpec: jobRevisionBuildSpec,
        },
    },
    deployConcerns: (scope) => [
        { concern: "deploy-compute", what: "the ECS cluster, service, task family and autoscaling", statements: computeStatements(scope) },
        { concern: "deploy-jobs", what: "scheduled jobs: the EventBridge Scheduler group and schedules, the dead-letter queue", statements: jobDeployStatements(scope) },
        { concern: "deploy-api-ingress", what: "the HTTP API ingress: API Gateway, VPC link, access logs and Cloud Map", statements: apiIngressStatements(scope) },
    ],
    runtime: {
        kind: ECS_RUNTIME_KIND,
        description: "the ECS agent of the stack's tasks: pull the image, read the secret, write the logs",
        // Log groups are /slipway/<app>/<stack>/…: the tag value fills <app>/<stack>.
        statements: (_app, _pattern, ctx) => [
            { Sid: "WriteAppLogs", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [arnOf(ctx, "logs", `log-group:${logGroupPrefixOfTag(OWN_STACK)}*`)] },
        ],
    },
    // Roles AWS services assume: ECS's infrastructure role for load balancers (blue/green, canary, linear
    // deployments) and EventBridge Scheduler's for the scheduled jobs.
    serviceRuntimes: [
        { kind: ECS_LB_INFRASTRUCTURE_KIND, ...loadBalancerRuntime },
        { kind: JOB_SCHEDULER_KIND, description: "EventBridge Scheduler running the stack's scheduled jobs", statements: jobSchedulerStatements },
    ],
    boundaryStatements: jobBoundaryStatements,
    awsManagedPolicies: [],
    rotationRestartStatements,
    ownImages: true,
    processSecrets: true,
};

/** What the Fargate service needs from its ingress, whichever kind it is. */
interface Ingress {
    url: pulumi.Output<string>;
    securityGroupId: pulumi.Output<string>;
    targetGroupArn?: pulumi.Output<string>;
    /** With a traffic-shifting strategy: the alternate target group and the production listener rule. */
    shifting?: { alternateTargetGroupArn: pulumi.Output<string>; alternateTargetGroupArnSuffix: pulumi.Output<string>; productionListenerRuleArn: pulumi.Output<string> };
    serviceRegistryArn?: pulumi.Output<string>;
    dependsOn: pulumi.Resource[];
    traffic: ServiceDashboardArgs["traffic"];
    outputs: Record<string, unknown>;
}

/** An ALB (production's default) or an API Gateway HTTP API reaching the tasks through Cloud Map. */
function ecsIngress(s: EnvironmentSettings, shared: EnvironmentBase): Ingress {
    const { name, network, https } = shared;
    if (s.ingress === "alb") {
        const web = new WebLoadBalancer("web", {
            vpcId: network.vpc.id,
            vpcCidr: s.vpcCidr,
            subnetIds: network.publicSubnetIds,
            targetPort: s.containerPort,
            healthPath: s.healthPath,
            certificateArn: https?.certificateArn,
            deletionProtection: s.protect,
            trafficShifting: s.deploy.strategy !== "rolling",
            maintenancePage: s.maintenancePage,
        });
        if (web.maintenanceRule) {
            // The Release action finds the rule here (a PARAMETER_STORE variable CodeBuild resolves at build start).
            new ssm.Parameter("maintenance-rule", {
                name: maintenanceRuleParameter(s.appName, s.stack),
                type: "String",
                insecureValue: web.maintenanceRule.arn,
                description: `The maintenance listener rule of ${name}, switched on and off by the pipeline's Release action`,
            });
        }
        if (https?.zoneId) {
            new DomainRecord("dns", { zoneId: https.zoneId, domainName: https.domainName, target: { kind: "alias", dnsName: web.loadBalancer.dnsName, zoneId: web.loadBalancer.zoneId } });
        }
        return {
            url: https ? pulumi.output(`https://${https.domainName}`) : pulumi.interpolate`http://${web.loadBalancer.dnsName}`,
            securityGroupId: web.securityGroup.id,
            targetGroupArn: web.targetGroup.arn,
            shifting:
                web.alternateTargetGroup && web.productionRule
                    ? { alternateTargetGroupArn: web.alternateTargetGroup.arn, alternateTargetGroupArnSuffix: web.alternateTargetGroup.arnSuffix, productionListenerRuleArn: web.productionRule.arn }
                    : undefined,
            // ECS checks the rule names both groups when the service is created.
            dependsOn: [web.listener, ...(web.productionRule ? [web.productionRule] : [])],
            traffic: { kind: "alb", loadBalancerArnSuffix: web.loadBalancer.arnSuffix, targetGroupArnSuffix: web.targetGroup.arnSuffix },
            outputs: { loadBalancerDnsName: web.loadBalancer.dnsName, ...(web.maintenanceRule ? { maintenanceRuleArn: web.maintenanceRule.arn } : {}) },
        };
    }
    const api = new HttpApiIngress("web", {
        name,
        vpcId: network.vpc.id,
        vpcCidr: s.vpcCidr,
        subnetIds: network.publicSubnetIds,
        targetPort: s.containerPort,
        certificateArn: https?.certificateArn,
        domainName: https?.domainName,
        logRetentionDays: s.logRetentionDays,
        logGroupName: `${logGroupPrefix(s.appName, s.stack)}api-access`,
    });
    if (https?.zoneId && api.domain) {
        // A regional custom domain answers on its own endpoint (API Gateway's, per region): the alias targets it.
        const endpoint = api.domain.domainNameConfiguration;
        new DomainRecord("dns", { zoneId: https.zoneId, domainName: https.domainName, target: { kind: "alias", dnsName: endpoint.targetDomainName, zoneId: endpoint.hostedZoneId } });
    }
    return {
        url: api.url,
        securityGroupId: api.securityGroup.id,
        serviceRegistryArn: api.discoveryService.arn,
        dependsOn: [],
        traffic: { kind: "api", apiId: api.api.id },
        outputs: { apiEndpoint: api.api.apiEndpoint },
    };
}

/** A blue/green, canary or linear deployment of the web service: the ALB's second group and rule, and ECS's infrastructure role. */
function trafficShift(s: EnvironmentSettings, shared: EnvironmentBase, lb: NonNullable<Ingress["shifting"]>): TrafficShift {
    const d = s.deploy;
    const infrastructure = new LoadBalancerInfrastructureRole("ecs-lb", {
        roleName: ecsInfrastructureRoleName(s.appName, s.stack),
        path: environmentRolePath(s.appName, s.stack),
        permissionsBoundary: boundaryArn(shared.ctx, s.appName, shared.policyStack),
        policyArn: runtimePolicyArn(shared.ctx, s.appName, shared.policyStack, ECS_LB_INFRASTRUCTURE_KIND),
    });
    const strategy = ECS_STRATEGY[d.strategy];
    if (strategy === "ROLLING") throw new Error("a rolling deployment shifts no traffic");
    return {
        strategy,
        bakeMinutes: d.bakeMinutes,
        step: strategy === "BLUE_GREEN" ? undefined : { percent: d.trafficPercent, minutes: d.stepMinutes },
        alternateTargetGroupArn: lb.alternateTargetGroupArn,
        productionListenerRuleArn: lb.productionListenerRuleArn,
        infrastructureRoleArn: infrastructure.role.arn,
        // A service switched to this strategy must not move traffic with a role that has no policy yet.
        dependsOn: [infrastructure],
    };
}

/** The app on ECS Fargate, behind an ALB or an API Gateway HTTP API. */
export function ecsEnvironment(s: EnvironmentSettings, shared: EnvironmentBase): AppFront {
    const app = s.appName;
    const { name, network } = shared;
    const ingress = ecsIngress(s, shared);
    // Declared before the service, which names them (fixed names) in its deployment alarms.
    const alarms = s.alarms.enabled
        ? new ReleaseAlarms("release-alarms", {
              namePrefix: alarmNamePrefix(app, s.stack),
              specs: ecsAlarmSpecs(
                  ingress.traffic.kind === "alb"
                      ? {
                            kind: "alb",
                            loadBalancerArnSuffix: ingress.traffic.loadBalancerArnSuffix,
                            // Either group holds the live tasks after a deployment: both are watched.
                            targetGroupArnSuffixes: [ingress.traffic.targetGroupArnSuffix, ...(ingress.shifting ? [ingress.shifting.alternateTargetGroupArnSuffix] : [])],
                            maintenancePage: s.maintenancePage !== undefined,
                        }
                      : ingress.traffic,
                  s.alarms,
                  s.containerInsights ? { clusterName: name, serviceName: name, minCount: s.minCount } : undefined,
              ),
              topicArn: shared.delivery.requireOutput(DELIVERY_OUTPUTS.notificationTopicArn) as pulumi.Output<string>,
              minutes: s.alarms.minutes,
          })
        : undefined;
    // The app's processes read the private package index only under slipway:packages.runtimeRead.
    // slipway:database: every process of the app (web, workers, release, scheduled jobs) carries its clients group and its secrets.
    const database = shared.database ? { databaseSecrets: shared.database.taskSecrets, extraSecurityGroupIds: [shared.database.clientSecurityGroup.id] } : {};
    const packagesRead = s.packagesRead ? { taskPolicyArns: [runtimePolicyArn(shared.ctx, app, shared.policyStack, PACKAGES_READ_KIND)] } : {};
    // slipway:database.iamAuthentication: each process that uses the database may connect as the stack's own user (the delivery
    // stack's db-connect policy, infra/delivery/database-connect.ts) and is told its name; `database: false` processes get neither.
    const iamAuth = Boolean(shared.database && s.database?.iamAuthentication);
    const connectPolicyArns = iamAuth ? [runtimePolicyArn(shared.ctx, app, shared.policyStack, DB_CONNECT_KIND)] : [];
    const iamUserEnvironment: Record<string, string> = iamAuth ? { [DATABASE_IAM_USER_VARIABLE]: databaseIamUser(app, s.stack) } : {};
    /** The task policies of a process: the package index's, then (using the database) db-connect. */
    const taskPoliciesOf = (usesDatabase: boolean) => {
        const arns = [...(packagesRead.taskPolicyArns ?? []), ...(usesDatabase ? connectPolicyArns : [])];
        return arns.length ? { taskPolicyArns: arns } : {};
    };
    const shift = ingress.shifting && s.deploy.strategy !== "rolling" ? trafficShift(s, shared, ingress.shifting) : undefined;
    const appSecrets = { arn: shared.secrets.arn, names: shared.secrets.names, versionId: shared.secrets.versionId };
    // A worker's or a job's `secrets` and `database` (process-secrets.ts): all of the app's (its secret and the stack's
    // execution role, as the web's), or, when it chooses, a copy of its own holding only the names it reads (so only a
    // rotation of those rolls its tasks) and an execution role of its own that may read only that copy.
    const processSecrets = (process: string, choice: SecretChoice) => {
        const names = secretNamesOf(choice, shared.secrets.names);
        if (!choosesSecrets(choice)) return { secrets: { ...appSecrets, names }, executionRoleArn: fargate.executionRole.arn as pulumi.Input<string> };
        const own = ownSecretNames(choice, shared.secrets.names);
        const copy = own
            ? new ProcessSecret(`secrets-${process}`, {
                  namePrefix: `${secretNamePrefix(app, s.stack)}${process}/`,
                  process: `${app}-${s.stack}_${process}`,
                  values: Object.fromEntries(own.map((n) => [n, shared.secrets.values[n]])),
                  protect: s.protect,
              })
            : undefined;
        const execution = new ProcessExecutionRole(`execution-${process}`, {
            family: `${app}-${s.stack}_${process}`,
            policyArn: runtimePolicyArn(shared.ctx, app, shared.policyStack, processExecutionKind(process)),
            permissionsBoundary: boundaryArn(shared.ctx, app, shared.policyStack),
            rolePath: environmentRolePath(app, s.stack),
            ctx: shared.ctx,
        });
        return { secrets: copy ? { arn: copy.arn, names: copy.names, versionId: copy.versionId } : { ...appSecrets, names: [] }, executionRoleArn: execution.role.arn as pulumi.Input<string> };
    };
    // `database: false`: no PG* secrets and not in the database's clients group.
    const databaseOf = (choice: SecretChoice) => (choice.database === false ? {} : database);
    const fargate = new FargateApp("app", {
        name,
        image: shared.image,
        executionPolicyArn: runtimePolicyArn(shared.ctx, app, shared.policyStack, ECS_RUNTIME_KIND),
        // slipway:packages.runtimeRead (delivery stack): the app installs from the private package index; iamAuthentication: db-connect.
        ...taskPoliciesOf(true),
        permissionsBoundary: boundaryArn(shared.ctx, app, shared.policyStack),
        cpu: s.cpu,
        memory: s.memory,
        containerPort: s.containerPort,
        vpcId: network.vpc.id,
        subnetIds: network.publicSubnetIds,
        ingressSecurityGroupId: ingress.securityGroupId,
        targetGroupArn: ingress.targetGroupArn,
        serviceRegistryArn: ingress.serviceRegistryArn,
        dependsOn: ingress.dependsOn,
        environment: { ...s.appSettings, PORT: String(s.containerPort), ...iamUserEnvironment },
        healthCheckCommand: s.containerHealthCheck,
        secrets: { arn: shared.secrets.arn, names: shared.secrets.names, versionId: shared.secrets.versionId },
        ...database,
        desiredCount: s.desiredCount,
        minCount: s.minCount,
        maxCount: s.maxCount,
        cpuTargetPercent: s.cpuTargetPercent,
        spot: s.fargateSpot,
        // A worker scaling on its queue divides by Container Insights' RunningTaskCount (queue-scaling.ts): on for its cluster.
        containerInsights: s.containerInsights || s.workers.some((w) => w.queue),
        deploymentAlarmNames: alarms?.alarmNames,
        trafficShift: shift,
        logRetentionDays: s.logRetentionDays,
        logGroupName: appLogGroupName(app, s.stack),
        rolePath: environmentRolePath(app, s.stack),
        protect: s.protect,
        ctx: shared.ctx,
    });
    const outputs: Record<string, unknown> = {
        clusterName: fargate.cluster.name,
        serviceName: fargate.service.name,
        logGroup: fargate.logGroup.name,
        ingress: s.ingress,
        ...(s.deploy.strategy !== "rolling" ? { deployStrategy: s.deploy.strategy } : {}),
        ...ingress.outputs,
        ...(alarms ? { releaseAlarms: alarms.alarmNames } : {}),
    };
    if (s.releaseCommand) {
        // The release phase: the pipeline runs this family with the new image before it updates the service.
        const release = new ReleaseTask("release", {
            family: processFamily(app, s.stack, RELEASE_PROCESS),
            command: s.releaseCommand,
            image: shared.image,
            cpu: s.cpu,
            memory: s.memory,
            executionRoleArn: fargate.executionRole.arn,
            taskRoleArn: fargate.taskRole.arn,
            // The web's task role (and so its db-connect policy): the release command creates the IAM user (docs/database.md).
            environment: { ...s.appSettings, ...iamUserEnvironment },
            secrets: { arn: shared.secrets.arn, names: shared.secrets.names, versionId: shared.secrets.versionId },
            ...(shared.database ? { databaseSecrets: shared.database.taskSecrets } : {}),
            logGroupName: fargate.logGroup.name,
            region: shared.ctx.region,
        });
        outputs.releaseTaskFamily = release.taskDefinition.family;
    }
    let workers: WorkerService[] = [];
    if (s.workers.length) {
        // Background workers: each its own service in the cluster, deployed by the pipeline with the web service.
        workers = s.workers.map((w) => {
            const chosen = processSecrets(w.name, w);
            return new WorkerService(`worker-${w.name}`, {
                    serviceName: workerServiceName(app, s.stack, w.name),
                    family: workerFamily(app, s.stack, w.name),
                    clusterArn: fargate.cluster.arn,
                    clusterName: fargate.cluster.name,
                    command: w.command,
                    // A worker with its own image runs the same sha from its own repository (service-images.ts).
                    image: w.image ? ownImage(shared.image, w.name) : shared.image,
                    cpu: w.cpu,
                    memory: w.memory,
                    executionRoleArn: chosen.executionRoleArn,
                    ...taskPoliciesOf(w.database !== false),
                    permissionsBoundary: boundaryArn(shared.ctx, app, shared.policyStack),
                    rolePath: environmentRolePath(app, s.stack),
                    vpcId: network.vpc.id,
                    subnetIds: network.publicSubnetIds,
                    environment: { ...s.appSettings, ...(w.database !== false ? iamUserEnvironment : {}) },
                    secrets: chosen.secrets,
                    ...databaseOf(w),
                    healthCheckCommand: w.healthCheck,
                    desiredCount: w.desiredCount,
                    minCount: w.minCount,
                    maxCount: w.maxCount,
                    cpuTargetPercent: w.cpuTargetPercent,
                    ...(w.queue ? { queue: { name: w.queue, messagesPerTask: w.messagesPerTask ?? 0 }, queuePolicyArn: runtimePolicyArn(shared.ctx, app, shared.policyStack, queueKind(w.name)) } : {}),
                    spot: s.fargateSpot,
                    deploymentAlarmNames: alarms?.alarmNames,
                    logGroupName: workerLogGroupName(app, s.stack, w.name),
                    logRetentionDays: s.logRetentionDays,
                    dependsOn: [fargate.capacity],
                    protect: s.protect,
                    ctx: shared.ctx,
                });
        });
        // staging-hours.yml scales these with the web service (serviceName).
        outputs.workerServiceNames = workers.map((w) => w.service.name);
    }
    if (shared.database) {
        // RDS rotates the master password on the database's schedule; running tasks keep the one they started with.
        const restart = new RotationRestart("db-rotation", {
            name: rotationRestartName(databaseIdentifier(app, s.stack)),
            secretArn: shared.database.masterSecretArn,
            clusterName: fargate.cluster.name,
            // Not the workers that go without the database (`database: false`): they never read its password.
            serviceNames: [fargate.service.name, ...workers.filter((_, i) => s.workers[i].database !== false).map((w) => w.service.name)],
            rolePath: environmentRolePath(app, s.stack),
            permissionsBoundary: boundaryArn(shared.ctx, app, shared.policyStack),
            restartPolicyArn: runtimePolicyArn(shared.ctx, app, shared.policyStack, ROTATION_RESTART_KIND),
            triggerPolicyArn: runtimePolicyArn(shared.ctx, app, shared.policyStack, ROTATION_TRIGGER_KIND),
            ctx: shared.ctx,
            dependsOn: [fargate.service, ...workers.filter((_, i) => s.workers[i].database !== false).map((w) => w.service)],
            failureAlarm: { alarmName: `${alarmNamePrefix(app, s.stack)}${ROTATION_RESTART_ALARM}`, topicArn: shared.delivery.requireOutput(DELIVERY_OUTPUTS.notificationTopicArn) as pulumi.Output<string> },
        });
        outputs.databaseRotationRestart = restart.stateMachine.name;
    }
    const jobSecrets = (j: (typeof s.jobs)[number]) => {
        const chosen = processSecrets(j.name, j);
        return { taskSecrets: chosen.secrets, executionRoleArn: chosen.executionRoleArn };
    };
    if (s.jobs.length) {
        // Scheduled jobs: EventBridge Scheduler runs each job's family (its latest ACTIVE revision) in the cluster.
        const jobs = new ScheduledJobs("jobs", {
            jobs: s.jobs.map((j) => ({ ...j, family: jobFamily(app, s.stack, j.name), logGroupName: jobLogGroupName(app, s.stack, j.name), ...jobSecrets(j) })),
            groupName: jobScheduleGroupName(app, s.stack),
            deadLetterQueueName: jobDeadLetterQueueName(app, s.stack),
            // An invocation Scheduler gave up on notifies the pipeline's topic, like the release alarms.
            deadLetterAlarm: { alarmName: `${alarmNamePrefix(app, s.stack)}jobs-dead-letters`, topicArn: shared.delivery.requireOutput(DELIVERY_OUTPUTS.notificationTopicArn) as pulumi.Output<string> },
            clusterArn: fargate.cluster.arn,
            image: shared.image,
            executionRoleArn: fargate.executionRole.arn,
            ...packagesRead,
            ...(iamAuth ? { databaseTaskPolicyArns: connectPolicyArns, databaseEnvironment: iamUserEnvironment } : {}),
            ...database,
            schedulerPolicyArn: runtimePolicyArn(shared.ctx, app, shared.policyStack, JOB_SCHEDULER_KIND),
            permissionsBoundary: boundaryArn(shared.ctx, app, shared.policyStack),
            rolePath: environmentRolePath(app, s.stack),
            vpcId: network.vpc.id,
            subnetIds: network.publicSubnetIds,
            // The web's tasks take a public IP (no NAT gateway): so do the jobs', to reach ECR and Secrets Manager.
            assignPublicIp: true,
            environment: { ...s.appSettings },
            secrets: { arn: shared.secrets.arn, names: shared.secrets.names, versionId: shared.secrets.versionId },
            disabled: s.tier === "review",
            logRetentionDays: s.logRetentionDays,
            protect: s.protect,
            ctx: shared.ctx,
        });
        outputs.jobScheduleGroup = jobs.group.name;
        outputs.jobDeadLetterQueue = jobs.deadLetterQueue.name;
        if (jobs.deadLetterAlarm) outputs.jobDeadLetterAlarm = jobs.deadLetterAlarm.name;
    }
    if (s.dashboard) {
        // Loaded only when asked for: awsx's CloudWatch widgets pull in the whole @pulumi/aws index.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { ServiceDashboard } = require("./dashboard") as { ServiceDashboard: typeof Dashboard };
        const dashboard = new ServiceDashboard("dashboard", {
            name,
            region: s.region,
            clusterName: fargate.cluster.name,
            serviceName: fargate.service.name,
            traffic: ingress.traffic,
        });
        outputs.dashboardUrl = dashboard.dashboard.url;
    }
    return { url: ingress.url, outputs };
}
