// Monthly cost estimate of a stack, read from its offline plan and priced with the dated us-east-1
// table in tools/estimates/prices.ts. Usage that the plan cannot know (builds per month, log volume, load
// balancer traffic, stored images) comes from stated assumptions, printed with the estimate.
//
//   npm run cost -- --stack staging [--builds 100] [--task-hours 1.0] [--set key=value ...] [--json]
//
// --set prices a what-if: the stack's config with `key` (e.g. slipway:cpu, or
// 'slipway:beanstalkInstanceTypes=["t3.micro"]') changed, planned under the mock engine as usual.
import { RunError } from "@pulumi/pulumi/errors";
import { STAGE_ACTIONS } from "../../infra/contract";
import { buildStage, DEFAULT_APP, releaseStage, smokeStage, snapshotStage, trafficShiftWaits } from "./lead-time";
import { Plan, PlannedResource } from "../plan/mock-engine";
import { HOURS_PER_MONTH, PRICE_DATE, PRICE_REGION, PRICES } from "./prices";
import { JOB_RUN_MINUTES, jobCostLines } from "./job-cost";
import { StackNotFoundError } from "../plan/stack-config";
import { numberFlag, parseFlags } from "../flags";

export interface CostAssumptions {
    /** Pipeline executions (= image builds) per month: about 5 merges per working day. */
    buildsPerMonth: number;
    /** Share of the month tasks run: 1 = always on; e.g. 0.36 for a weekday 08:00–20:00 schedule. */
    taskHoursFraction: number;
    /** Requests a month through an HTTP API ingress, millions. */
    apiMillionRequests: { production: number; other: number };
    /** Average load balancer capacity units: light test traffic outside production. */
    lcu: { production: number; other: number };
    /** App log volume ingested per environment per month, GB. */
    appLogsGb: { production: number; other: number };
    /** Each other log group's volume per month (build projects, API access logs), GB. */
    buildLogsGb: number;
    /** Images kept in ECR (lifecycle: last N plus untagged for a few days), GB stored after layer sharing. */
    ecrStoredGb: number;
    /** Pipeline artifacts and Beanstalk bundles in S3 (lifecycle-expired), GB. */
    s3StoredGb: number;
    /** Root volume of each Beanstalk instance, GB of gp3 (the Amazon Linux 2023 AMI's default size). */
    ebRootVolumeGb: number;
    /** Package index: GB stored (private versions plus cached public ones, deduplicated per domain). */
    packageStoredGb: number;
    /** Package index requests per build (every install resolves an index page and downloads each file). */
    packageRequestsPerBuild: number;
    /** Tag-triggered publishes a month, and the minutes each publish job runs. */
    publishesPerMonth: number;
    publishMinutes: number;
    /** Database: GB stored in the cluster volume. */
    databaseStoredGb: { production: number; other: number };
    /** Database: hours a month a cluster that pauses (minimum 0 ACU) is awake, at 0.5 ACU. */
    databaseAwakeHours: number;
    /** Database: storage I/O, million requests a month. */
    databaseMillionIo: { production: number; other: number };
    /** Database: share of the volume that changes a day (what automated backups keep beyond the first copy). */
    databaseDailyChange: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
    buildsPerMonth: 100,
    taskHoursFraction: 1,
    apiMillionRequests: { production: 10, other: 0.1 },
    lcu: { production: 1, other: 0.05 },
    appLogsGb: { production: 2, other: 0.5 },
    buildLogsGb: 0.05,
    ecrStoredGb: 1,
    s3StoredGb: 0.5,
    ebRootVolumeGb: 8,
    packageStoredGb: 2,
    packageRequestsPerBuild: 300,
    publishesPerMonth: 4,
    publishMinutes: 4,
    databaseStoredGb: { production: 10, other: 1 },
    databaseAwakeHours: 60,
    databaseMillionIo: { production: 20, other: 0.5 },
    databaseDailyChange: 0.02,
};

export interface CostLine {
    /** `type name` of the priced resource. */
    resource: string;
    item: string;
    quantity: number;
    unit: string;
    unitPrice: number;
    monthly: number;
}

export interface CostEstimate {
    stack: string;
    lines: CostLine[];
    total: number;
    /** Resources whose type the model has no price for (or usage it does not estimate). */
    notPriced: string[];
    assumptions: string[];
}

/** Types that cost nothing by themselves (IAM, networking plumbing, config, components). */
const FREE_TYPES = new Set([
    // A DB subnet group is configuration (Aurora pricing bills instances, storage, I/O and backups).
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/policy:Policy",
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ssm/parameter:Parameter", // standard tier parameters are free
    "aws:ecs/cluster:Cluster", // ECS charges for the compute only (Container Insights: see below)
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    "aws:ecs/taskDefinition:TaskDefinition", // priced through the service that runs it
    "aws:appautoscaling/target:Target",
    "aws:lb/listener:Listener", // included in the load balancer's hours
    // Elastic Load Balancing pricing (aws.amazon.com/elasticloadbalancing/pricing, read 2026-12-02): an ALB bills
    // its hours and LCUs only, so the second target group and the one listener rule of a blue/green, canary or
    // linear deployment, and the maintenance rule (slipway:maintenancePage), cost nothing (rule evaluations count toward LCUs beyond the first 10 rules processed).
    "aws:lb/targetGroup:TargetGroup",
    "aws:lb/listenerRule:ListenerRule",
    "aws:secretsmanager/secretVersion:SecretVersion", // priced per secret
    // EventBridge pricing (aws.amazon.com/eventbridge/pricing): events AWS services publish to the default bus,
    // with their rules and targets, are free (third-party summaries read 2026-12-02; the page itself not offline).
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketObjectv2:BucketObjectv2", // a few KB inside the bucket's stored GB
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sns/topicSubscription:TopicSubscription", // email: first 1,000 notifications a month are free
    "aws:sns/topic:Topic",
    "aws:codestarnotifications/notificationRule:NotificationRule", // no charge for notification rules
    "aws:elasticbeanstalk/application:Application", // Beanstalk charges for the resources it creates
    "aws:elasticbeanstalk/applicationVersion:ApplicationVersion",
    "pulumi:pulumi:StackReference",
    "pulumi:providers:github",
    "pulumi:providers:aws",
    "github:index/actionsVariable:ActionsVariable",
    "github:index/actionsSecret:ActionsSecret",
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
    "aws:kms/alias:Alias", // aliases are free; the key they name is priced
    "aws:apigatewayv2/vpcLink:VpcLink", // no charge for HTTP API VPC links
    "aws:apigatewayv2/integration:Integration", // API Gateway bills the API's requests only
    "aws:apigatewayv2/route:Route",
    "aws:apigatewayv2/stage:Stage",
    "aws:apigatewayv2/domainName:DomainName",
    "aws:apigatewayv2/apiMapping:ApiMapping",
    // A managed domain (checked 2026-12-01): public ACM certificates are free (aws.amazon.com/certificate-manager/pricing/);
    // Route 53 bills the user's existing hosted zone, not its records, and answers alias queries to ELB and API Gateway
    // at no charge; the CNAMEs (ACM validation, Beanstalk) are standard queries, $0.40 per million
    // (aws.amazon.com/route53/pricing/), traffic the model does not estimate.
    "aws:acm/certificate:Certificate",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:route53/record:Record",
    // CodeArtifact bills the domain's storage and requests (priced on the domain), not repositories or policies.
    "aws:codeartifact/repository:Repository",
    "aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy",
    "aws:codeartifact/domainPermissions:DomainPermissions",
    // Scheduled jobs: a schedule group has no charge of its own (its schedules' invocations are priced, job-cost.ts).
    "aws:scheduler/scheduleGroup:ScheduleGroup",
    // The database password's rotation (infra/platforms/ecs/rotation-restart.ts): RDS's managed rotation runs no
    // Lambda; the rule and its target have no charge of their own (EventBridge bills custom and partner events
    // and deliveries to some targets, not state changes of AWS services: unverified here, a few events a month);
    // the state machine's transitions are priced on it.
    "aws:secretsmanager/secretRotation:SecretRotation",
]);

/** The tag pipeline and its publish job (infra/packages/publishing.ts): priced per publish, not per build. */
const isPublishing = (r: PlannedResource) => r.urn.includes("slipway:packages:PackagePublishing");

const label = (r: PlannedResource) => `${r.type.split(":").pop()} ${r.name}`;
const num = (v: unknown, d: number) => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : d);

/** `Plan.outputs.tier` of an environment stack; the delivery stack has none. */
function isProduction(plan: Plan): boolean {
    return plan.outputs.tier === "production";
}

function ebSetting(env: PlannedResource, namespace: string, name: string): string | undefined {
    const settings = (env.inputs.settings ?? []) as { namespace: string; name: string; value: string }[];
    return settings.find((s) => s.namespace === namespace && s.name === name)?.value;
}

export function estimateCost(plan: Plan, a: CostAssumptions = DEFAULT_ASSUMPTIONS): CostEstimate {
    const lines: CostLine[] = [];
    const notPriced: string[] = [];
    const prod = isProduction(plan);
    const add = (r: PlannedResource | string, item: string, quantity: number, unit: string, unitPrice: number) =>
        lines.push({ resource: typeof r === "string" ? r : label(r), item, quantity, unit, unitPrice, monthly: quantity * unitPrice });
    const ipv4 = (r: PlannedResource, count: number, why: string) => add(r, `public IPv4 × ${count} (${why})`, count * HOURS_PER_MONTH, "IP-h", PRICES.publicIpv4Hour);
    const albHours = (r: PlannedResource, subnets: number) => {
        add(r, "ALB hours", HOURS_PER_MONTH, "h", PRICES.alb.hour);
        const lcu = prod ? a.lcu.production : a.lcu.other;
        add(r, `LCU, ${lcu} average (assumed)`, lcu * HOURS_PER_MONTH, "LCU-h", PRICES.alb.lcuHour);
        // An internet-facing ALB holds at least one public IPv4 per enabled zone.
        ipv4(r, subnets, "one per load balancer zone");
    };
    const logs = (r: PlannedResource | string, gb: number, retentionDays: number) => {
        add(r, `log ingestion, ${gb} GB (assumed)`, gb, "GB", PRICES.cloudwatch.logsIngestGb);
        // Stored volume at steady state: a month's ingestion kept for the retention period (raw size; CloudWatch compresses).
        add(r, `log storage, ${retentionDays} d retention`, gb * Math.max(1, retentionDays / 30), "GB-mo", PRICES.cloudwatch.logsStoreGbMonth);
    };

    const pipeline = plan.resources.find((r) => r.type === "aws:codepipeline/pipeline:Pipeline" && !isPublishing(r));
    const stages = (pipeline?.inputs.stages ?? []) as { actions: { category: string }[] }[];
    const imageProject = plan.resources.find((r) => r.type === "aws:codebuild/project:Project" && (r.inputs.environment as { privilegedMode?: boolean } | undefined)?.privilegedMode === true);
    const smokeRunsPerExecution = stages.filter((s) => s.actions.some((x) => x.category === "Deploy") && s.actions.some((x) => x.category === "Build")).length;
    // Release phases: one Release action (a CodeBuild run of the release project) per stage that has one.
    const releaseRunsPerExecution = stages.filter((s) => s.actions.some((x) => (x as { name?: string }).name === STAGE_ACTIONS.release)).length;
    // Scheduled jobs: one JobRevisions action (a CodeBuild run, a minute rounded up) per stage that has one.
    const jobRevisionRunsPerExecution = stages.filter((s) => s.actions.some((x) => (x as { name?: string }).name === STAGE_ACTIONS.jobRevisions)).length;
    const backupRunsPerExecution = stages.filter((s) => s.actions.some((x) => (x as { name?: string }).name === STAGE_ACTIONS.backup)).length;

    for (const r of plan.resources) {
        // GitHub settings and Pulumi's own resources are not AWS bills.
        if (!r.custom || FREE_TYPES.has(r.type) || r.type.startsWith("github:") || r.type.startsWith("pulumi:")) continue;
        switch (r.type) {
            case "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration":
            case "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration": {
                add(r, "AWS Chatbot channel configuration (no charge of its own; notification rules are free)", 1, "channel-mo", PRICES.chatbotChannelMonth);
                // A channel subscribed to the pipeline's topic (alarms) gets every message on it: each execution's
                // succeeded or failed (chat-settings.ts TOPIC_EVENTS), one per build, plus the alarms (rare: not counted).
                if (((r.inputs.snsTopicArns ?? []) as unknown[]).length) {
                    add(r, `SNS deliveries to the channel: ${a.buildsPerMonth} pipeline executions' outcome messages (one per build, assumed; alarms not counted)`, a.buildsPerMonth / 1e6, "M deliveries", PRICES.sns.httpDeliveryPerMillion);
                }
                break;
            }
            case "aws:ecs/service:Service": {
                // The service's own family (an environment may also declare its release task's and its
                // workers', each `<component>-task` beside its `<component>-service`), and its own scalable target.
                const tds = plan.resources.filter((x) => x.type === "aws:ecs/taskDefinition:TaskDefinition");
                const td = tds.find((x) => x.inputs.family === r.inputs.name) ?? tds.find((x) => x.name === r.name.replace(/-service$/, "-task"));
                const targets = plan.resources.filter((x) => x.type === "aws:appautoscaling/target:Target");
                const scaling = targets.find((x) => String(x.inputs.resourceId ?? "").endsWith(`/${String(r.inputs.name)}`)) ?? (targets.length === 1 ? targets[0] : undefined);
                const tasks = Math.max(num(r.inputs.desiredCount, 1), num(scaling?.inputs.minCapacity, 0));
                const vcpu = num(td?.inputs.cpu, 256) / 1024;
                const gb = num(td?.inputs.memory, 512) / 1024;
                const strategies = (r.inputs.capacityProviderStrategies ?? []) as { capacityProvider: string }[];
                const spot = strategies.length > 0 && strategies.every((s) => s.capacityProvider === "FARGATE_SPOT");
                const rates = spot ? PRICES.fargateSpot : PRICES.fargate;
                const hours = tasks * HOURS_PER_MONTH * a.taskHoursFraction;
                const kind = spot ? "Fargate Spot" : "Fargate";
                add(r, `${kind} vCPU: ${tasks} task(s) × ${vcpu} vCPU`, hours * vcpu, "vCPU-h", rates.vcpuHour);
                add(r, `${kind} memory: ${tasks} task(s) × ${gb} GB`, hours * gb, "GB-h", rates.gbHour);
                const net = (r.inputs.networkConfiguration ?? {}) as { assignPublicIp?: boolean };
                if (net.assignPublicIp) add(r, `public IPv4 × ${tasks} (one per task, no NAT)`, hours, "IP-h", PRICES.publicIpv4Hour);
                // Blue/green, canary, linear: the old set of tasks keeps running through the traffic steps and the
                // bake time (ECS stops it after), so each deployment bills a second set for those minutes.
                const shift = trafficShiftWaits(r);
                if (shift) {
                    const extra = (tasks * (shift.stepSeconds + shift.bakeSeconds) * a.buildsPerMonth) / 3600;
                    const what = `second set of ${tasks} task(s) for ${((shift.stepSeconds + shift.bakeSeconds) / 60).toFixed(0)} min a deployment (steps + bake), ${a.buildsPerMonth} deployments (one per build, assumed)`;
                    add(r, `${kind} vCPU, ${what}`, extra * vcpu, "vCPU-h", rates.vcpuHour);
                    add(r, `${kind} memory, ${what}`, extra * gb, "GB-h", rates.gbHour);
                }
                break;
            }
            case "aws:lb/loadBalancer:LoadBalancer": {
                if (r.inputs.loadBalancerType !== undefined && r.inputs.loadBalancerType !== "application") {
                    notPriced.push(`${label(r)}: ${String(r.inputs.loadBalancerType)} load balancer`);
                    break;
                }
                const subnets = Array.isArray(r.inputs.subnets) ? r.inputs.subnets.length : 2;
                if (r.inputs.internal === true) {
                    add(r, "ALB hours", HOURS_PER_MONTH, "h", PRICES.alb.hour);
                    add(r, `LCU, ${prod ? a.lcu.production : a.lcu.other} average (assumed)`, (prod ? a.lcu.production : a.lcu.other) * HOURS_PER_MONTH, "LCU-h", PRICES.alb.lcuHour);
                } else albHours(r, subnets);
                break;
            }
            case "aws:elasticbeanstalk/environment:Environment": {
                const types = (ebSetting(r, "aws:ec2:instances", "InstanceTypes") ?? "t3.micro").split(",").map((t) => t.trim());
                const type = types[0];
                const single = ebSetting(r, "aws:elasticbeanstalk:environment", "EnvironmentType") === "SingleInstance";
                const count = single ? 1 : num(ebSetting(r, "aws:autoscaling:asg", "MinSize"), 1);
                const rate = PRICES.ec2Hour[type];
                if (rate === undefined) notPriced.push(`${label(r)}: EC2 ${type} (not in the price table)`);
                else add(r, `EC2 ${type} × ${count}${types.length > 1 ? ` (first of ${types.join(", ")})` : ""}`, count * HOURS_PER_MONTH * a.taskHoursFraction, "h", rate);
                add(r, `EBS gp3 root volume × ${count} (${a.ebRootVolumeGb} GB, assumed)`, count * a.ebRootVolumeGb, "GB-mo", PRICES.ebsGp3GbMonth);
                if (single) ipv4(r, 1, "the instance's Elastic IP");
                else {
                    const elbSubnets = (ebSetting(r, "aws:ec2:vpc", "ELBSubnets") ?? "a,b").split(",").length;
                    albHours(r, elbSubnets);
                    if (ebSetting(r, "aws:ec2:vpc", "AssociatePublicIpAddress") === "true") ipv4(r, count, "one per instance in a public subnet");
                }
                if (ebSetting(r, "aws:elasticbeanstalk:cloudwatch:logs", "StreamLogs") === "true") {
                    logs(r, prod ? a.appLogsGb.production : a.appLogsGb.other, num(ebSetting(r, "aws:elasticbeanstalk:cloudwatch:logs", "RetentionInDays"), 7));
                }
                break;
            }
            case "aws:codebuild/project:Project": {
                if (isPublishing(r)) {
                    const computeType = String((r.inputs.environment as { computeType?: string } | undefined)?.computeType ?? "BUILD_GENERAL1_SMALL");
                    add(r, `package publishes: ${a.publishesPerMonth} × ${a.publishMinutes} min (${computeType}, assumed)`, a.publishesPerMonth * a.publishMinutes, "min", PRICES.codebuildMinute[computeType] ?? PRICES.codebuildMinute.BUILD_GENERAL1_SMALL);
                    break;
                }
                const env = (r.inputs.environment ?? {}) as { computeType?: string; privilegedMode?: boolean };
                const computeType = env.computeType ?? "BUILD_GENERAL1_SMALL";
                const rate = PRICES.codebuildMinute[computeType];
                if (rate === undefined) {
                    notPriced.push(`${label(r)}: CodeBuild compute type ${computeType}`);
                    break;
                }
                // CodeBuild bills on-demand builds per minute, rounded up; durations from the lead-time model.
                const image = env.privilegedMode === true;
                if (r.name === "job-revisions-project") {
                    const runs = a.buildsPerMonth * jobRevisionRunsPerExecution;
                    add(r, `job revisions: ${runs} × 1 min (${computeType}, a describe and a register per job)`, runs, "min", rate);
                    break;
                }
                if (r.name === "github-status-project") {
                    // The GitHub reporter (infra/delivery/github-status.ts): one build per reported stage start and end,
                    // the Build stage and each environment's, a minute each (rounded up; a few API calls).
                    const runs = a.buildsPerMonth * 2 * (1 + smokeRunsPerExecution);
                    add(r, `GitHub reports: ${runs} × 1 min (${computeType}, a stage's start or end each)`, runs, "min", rate);
                    break;
                }
                                if (r.name === "db-snapshot-project") {
                    // The pre-release backup: one run per execution per stage with a Backup action (production with a database).
                    const minutes = Math.ceil(snapshotStage("backup").seconds / 60);
                    const runs = a.buildsPerMonth * backupRunsPerExecution;
                    add(r, `pre-release snapshots: ${runs} × ${minutes} min (${computeType})`, runs * minutes, "min", rate);
                    break;
                }
                // The release phase: one project per target (`release-<stack>-project`, run by its own stage's Release action once
                // per execution), or the one shared project of earlier plans (`release-project`, run by every stage's).
                if (r.name === "release-project" || /^release-.+-project$/.test(r.name)) {
                    const minutes = Math.ceil(releaseStage("release").seconds / 60);
                    const runs = a.buildsPerMonth * (r.name === "release-project" ? releaseRunsPerExecution : 1);
                    add(r, `release phases: ${runs} × ${minutes} min (${computeType})`, runs * minutes, "min", rate);
                    break;
                }
                const minutesPerRun = Math.ceil((image ? buildStage(r, DEFAULT_APP) : smokeStage("smoke")).seconds / 60);
                const runs = a.buildsPerMonth * (image ? 1 : Math.max(1, smokeRunsPerExecution));
                add(r, `${image ? "image builds" : "smoke tests"}: ${runs} × ${minutesPerRun} min (${computeType})`, runs * minutesPerRun, "min", rate);
                break;
            }
            case "aws:codepipeline/pipeline:Pipeline": {
                if (isPublishing(r)) {
                    // Source 1 minute and the publish job, per tag.
                    add(r, `V2 action minutes: ${a.publishesPerMonth} tags × ${1 + a.publishMinutes} min`, a.publishesPerMonth * (1 + a.publishMinutes), "action-min", PRICES.codepipeline.v2ActionMinute);
                    break;
                }
                if (r.inputs.pipelineType === "V2") {
                    // Each action execution billed by the minute, rounded up (assumed): source 1, build, and per
                    // environment deploy 1 + smoke test 1; the manual approval is not counted.
                    const buildMinutes = imageProject ? Math.ceil(buildStage(imageProject, DEFAULT_APP).seconds / 60) : 3;
                    const perRun = 1 + buildMinutes + 2 * smokeRunsPerExecution + releaseRunsPerExecution * Math.ceil(releaseStage("release").seconds / 60) + jobRevisionRunsPerExecution + backupRunsPerExecution * Math.ceil(snapshotStage("backup").seconds / 60);
                    add(r, `V2 action minutes: ${a.buildsPerMonth} runs × ${perRun} min`, a.buildsPerMonth * perRun, "action-min", PRICES.codepipeline.v2ActionMinute);
                } else add(r, "V1 active pipeline", 1, "pipeline-mo", PRICES.codepipeline.v1PipelineMonth);
                break;
            }
            case "aws:codeartifact/domain:Domain": {
                add(r, `package storage, ${a.packageStoredGb} GB (assumed)`, a.packageStoredGb, "GB-mo", PRICES.codeartifact.storageGbMonth);
                const requests = a.buildsPerMonth * a.packageRequestsPerBuild + a.publishesPerMonth * a.packageRequestsPerBuild;
                add(r, `package requests: ${a.buildsPerMonth} builds + ${a.publishesPerMonth} publishes × ${a.packageRequestsPerBuild} (assumed)`, requests / 10000, "10k requests", PRICES.codeartifact.per10kRequests);
                break;
            }
            case "aws:ecr/repository:Repository":
                add(r, `image storage, ${a.ecrStoredGb} GB (assumed)`, a.ecrStoredGb, "GB-mo", PRICES.ecrGbMonth);
                break;
            case "aws:secretsmanager/secret:Secret":
                add(r, "secret", 1, "secret-mo", PRICES.secretsManager.secretMonth);
                break;
            case "aws:kms/key:Key":
                add(r, "customer managed key", 1, "key-mo", PRICES.kmsKeyMonth);
                break;
            case "aws:cloudwatch/logGroup:LogGroup": {
                // The web's and each worker's (`…/worker/<name>`): each assumed to log as much as an app does.
                const app = plan.resources.some((x) => x.type === "aws:ecs/service:Service") && /\/app$|\/worker\/[^/]+$/.test(String(r.inputs.name ?? ""));
                logs(r, app ? (prod ? a.appLogsGb.production : a.appLogsGb.other) : a.buildLogsGb, num(r.inputs.retentionInDays, 30));
                break;
            }
            case "aws:cloudwatch/dashboard:Dashboard":
                // The first 3 dashboards of an account are free; not deducted.
                add(r, "dashboard", 1, "dashboard-mo", PRICES.cloudwatch.dashboardMonth);
                break;
            case "aws:cloudwatch/metricAlarm:MetricAlarm": {
                // Billed per alarm metric: a metric-math alarm counts each metric in it, not the expression.
                const queries = (r.inputs.metricQueries ?? []) as { metric?: unknown }[];
                const metrics = queries.length ? queries.filter((q) => q.metric).length : 1;
                add(r, `alarm, ${metrics} metric${metrics > 1 ? "s" : ""}`, metrics, "alarm-metric-mo", PRICES.cloudwatch.alarmMonth);
                break;
            }
            case "aws:appautoscaling/policy:Policy":
                // Target tracking creates and manages two CloudWatch alarms (scale out, scale in). With metric math (a
                // worker's backlog per task) each alarm is billed per metric in it (prices.ts), here its metricStat queries.
                if (r.inputs.policyType === "TargetTrackingScaling") {
                    const config = r.inputs.targetTrackingScalingPolicyConfiguration as { customizedMetricSpecification?: { metrics?: { metricStat?: unknown }[] } } | undefined;
                    const metrics = (config?.customizedMetricSpecification?.metrics ?? []).filter((m) => m.metricStat).length;
                    if (metrics > 1) add(r, `2 target-tracking alarms, ${metrics} metrics each`, 2 * metrics, "alarm-metric-mo", PRICES.cloudwatch.alarmMonth);
                    else add(r, "2 target-tracking alarms", 2, "alarm-mo", PRICES.cloudwatch.alarmMonth);
                }
                break;
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2":
                add(r, `storage, ${a.s3StoredGb} GB (assumed)`, a.s3StoredGb, "GB-mo", PRICES.s3GbMonth);
                break;
            case "aws:apigatewayv2/api:Api": {
                if (r.inputs.protocolType !== "HTTP") {
                    notPriced.push(`${label(r)}: ${String(r.inputs.protocolType)} API`);
                    break;
                }
                const m = prod ? a.apiMillionRequests.production : a.apiMillionRequests.other;
                add(r, `HTTP API requests, ${m} million (assumed)`, m, "M requests", PRICES.httpApiPerMillionRequests);
                break;
            }
            case "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
            case "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace":
                add(r, "Route 53 hosted zone of the namespace", 1, "zone-mo", PRICES.route53HostedZoneMonth);
                break;
            case "aws:servicediscovery/httpNamespace:HttpNamespace":
                break;
            case "aws:servicediscovery/service:Service": {
                // The service registered in it: the web's (workers have no registry).
                const ecsService = plan.resources.find((x) => x.type === "aws:ecs/service:Service" && x.inputs.serviceRegistries) ?? plan.resources.find((x) => x.type === "aws:ecs/service:Service");
                const instances = Math.max(1, num(ecsService?.inputs.desiredCount, 1));
                add(r, `Cloud Map registered instances × ${instances} (one per task)`, instances, "instance-mo", PRICES.cloudMapInstanceMonth);
                break;
            }
            case "aws:ec2/natGateway:NatGateway":
                add(r, "NAT gateway hours (data processing extra)", HOURS_PER_MONTH, "h", PRICES.natGateway.hour);
                ipv4(r, 1, "the NAT gateway's Elastic IP");
                break;
            case "aws:scheduler/schedule:Schedule":
            case "aws:sqs/queue:Queue":
                break; // jobCostLines, below
            case "aws:sfn/stateMachine:StateMachine": {
                // One execution per rotation: a transition per task (per service) plus the start and the end.
                const states = Object.keys((JSON.parse(typeof r.inputs.definition === "string" ? r.inputs.definition : "{}") as { States?: object }).States ?? {}).length;
                const rotation = plan.resources.find((x) => x.type === "aws:secretsmanager/secretRotation:SecretRotation");
                const days = num((rotation?.inputs.rotationRules as { automaticallyAfterDays?: number } | undefined)?.automaticallyAfterDays, 7);
                const runs = 30 / days;
                add(r, `${runs.toFixed(1)} restarts a month (a rotation every ${days} d) × ${states + 2} state transitions`, (runs * (states + 2)) / 1000, "1k transitions", PRICES.stepFunctions.per1kTransitions);
                break;
            }
            case "aws:rds/clusterInstance:ClusterInstance": {
                // Serverless v2 bills ACU-hours per instance: at its floor all month, or (floor 0) only while awake.
                const cluster = plan.resources.find((x) => x.type === "aws:rds/cluster:Cluster");
                const scaling = (cluster?.inputs.serverlessv2ScalingConfiguration ?? {}) as { minCapacity?: number };
                const floor = num(scaling.minCapacity, 0.5);
                if (floor > 0) add(r, `Aurora Serverless v2 at its ${floor} ACU floor, all month`, floor * HOURS_PER_MONTH, "ACU-h", PRICES.aurora.acuHour);
                else add(r, `Aurora Serverless v2 awake ${a.databaseAwakeHours} h at 0.5 ACU (assumed; paused at 0 ACU otherwise)`, 0.5 * a.databaseAwakeHours, "ACU-h", PRICES.aurora.acuHour);
                break;
            }
            case "aws:rds/cluster:Cluster": {
                const gb = prod ? a.databaseStoredGb.production : a.databaseStoredGb.other;
                add(r, `Aurora storage, ${gb} GB (assumed)`, gb, "GB-mo", PRICES.aurora.storageGbMonth);
                const io = prod ? a.databaseMillionIo.production : a.databaseMillionIo.other;
                add(r, `Aurora I/O, ${io} million requests (assumed)`, io, "M requests", PRICES.aurora.perMillionIo);
                // Automated backups up to the volume's size are free; beyond it, each retained day's changes.
                const days = num(r.inputs.backupRetentionPeriod, 1);
                const backupGb = gb + gb * a.databaseDailyChange * days;
                add(r, `backup storage beyond the free ${gb} GB: ${days} d × ${a.databaseDailyChange * 100} % daily change (assumed)`, Math.max(0, backupGb - gb), "GB-mo", PRICES.aurora.backupGbMonth);
                break;
            }
            case "aws:rds/instance:Instance": {
                // slipway:database.kind instance: billed every hour it exists (an instance never pauses), twice with Multi-AZ.
                const copies = r.inputs.multiAz === true ? 2 : 1;
                const az = copies === 2 ? "Multi-AZ (primary and standby)" : "Single-AZ";
                const cls = String(r.inputs.instanceClass);
                const rate = PRICES.rdsPostgres.singleAzHour[cls];
                if (rate === undefined) notPriced.push(`${label(r)}: RDS for PostgreSQL ${cls} instance hours (not in the price table)`);
                else add(r, `RDS for PostgreSQL ${cls}, ${az}, all month`, HOURS_PER_MONTH * copies, "instance-h", rate);
                const allocated = num(r.inputs.allocatedStorage, 20);
                add(r, `gp3 storage, ${allocated} GB provisioned${copies === 2 ? " × 2 (standby)" : ""}`, allocated * copies, "GB-mo", PRICES.rdsPostgres.gp3GbMonth);
                // Automated backups up to the provisioned size are free; beyond it, each retained day's changes of the data stored.
                const gb = prod ? a.databaseStoredGb.production : a.databaseStoredGb.other;
                const days = num(r.inputs.backupRetentionPeriod, 1);
                const backupGb = gb + gb * a.databaseDailyChange * days;
                add(r, `backup storage beyond the free ${allocated} GB: ${gb} GB stored, ${days} d × ${a.databaseDailyChange * 100} % daily change (assumed)`, Math.max(0, backupGb - allocated), "GB-mo", PRICES.rdsPostgres.backupGbMonth);
                break;
            }
            case "aws:ec2/eip:Eip":
                ipv4(r, 1, "Elastic IP");
                break;
            default:
                notPriced.push(`${label(r)} (${r.type})`);
        }
    }
    // The release task: one Fargate run per pipeline execution (on-demand; Fargate bills per second, one-minute minimum).
    for (const td of plan.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && String(r.inputs.family).endsWith("_release"))) {
        const minutes = Math.max(60, releaseStage("release").parts.filter((p) => /Fargate task start|release command/.test(p.label)).reduce((n, p) => n + p.seconds, 0)) / 60;
        const hours = (a.buildsPerMonth * minutes) / 60;
        const vcpu = num(td.inputs.cpu, 256) / 1024;
        const gb = num(td.inputs.memory, 512) / 1024;
        add(td, `release task: ${a.buildsPerMonth} runs × ${+minutes.toFixed(2)} min × ${vcpu} vCPU`, hours * vcpu, "vCPU-h", PRICES.fargate.vcpuHour);
        add(td, `release task: ${a.buildsPerMonth} runs × ${+minutes.toFixed(2)} min × ${gb} GB`, hours * gb, "GB-h", PRICES.fargate.gbHour);
        add(td, `release task public IPv4: ${a.buildsPerMonth} runs`, hours, "IP-h", PRICES.publicIpv4Hour);
    }
    // Scheduled jobs: their invocations, the task each runs, the dead-letter queue.
    jobCostLines(plan, add);
    const cluster = plan.resources.find((r) => r.type === "aws:ecs/cluster:Cluster");
    const insights = ((cluster?.inputs.settings ?? []) as { name: string; value: string }[]).some((s) => s.name === "containerInsights" && s.value !== "disabled");
    if (cluster && insights) notPriced.push(`${label(cluster)}: Container Insights metrics and performance logs (billed per metric and GB; not estimated)`);

    const total = lines.reduce((s, l) => s + l.monthly, 0);
    const assumptions = [
        `prices: ${PRICE_REGION} on-demand list prices read ${PRICE_DATE} (tools/estimates/prices.ts); free tiers not deducted; ${HOURS_PER_MONTH} h a month`,
        `tasks and instances run ${Math.round(a.taskHoursFraction * 100)} % of the month at their minimum count (autoscaling adds more under load)`,
        `Fargate Spot at 70 % off on-demand (AWS: "up to 70 %")`,
        `${a.buildsPerMonth} pipeline runs a month, each approved to production; CodeBuild minutes from the lead-time model, rounded up per build`,
        `load balancer capacity: ${a.lcu.other} LCU average outside production, ${a.lcu.production} in production; HTTP API requests: ${a.apiMillionRequests.other} million a month outside production, ${a.apiMillionRequests.production} million in production`,
        `logs ingested a month: app ${a.appLogsGb.other} GB (${a.appLogsGb.production} GB production), each other log group (builds, API access) ${a.buildLogsGb} GB`,
        `stored: ECR ${a.ecrStoredGb} GB, S3 ${a.s3StoredGb} GB per bucket; data transfer out not included`,
        ...(plan.resources.some((r) => r.type === "aws:scheduler/schedule:Schedule")
            ? [`scheduled jobs: each run's task ${JOB_RUN_MINUTES} min on on-demand Fargate; cron schedules counted field by field (years ignored); no failed invocations reach the dead-letter queue`]
            : []),
        ...(plan.resources.some((r) => r.type === "aws:rds/cluster:Cluster")
            ? [`database: ${a.databaseStoredGb.other} GB stored outside production (${a.databaseStoredGb.production} GB production), ${a.databaseMillionIo.other} million I/O (${a.databaseMillionIo.production} million), a cluster that pauses awake ${a.databaseAwakeHours} h a month; manual snapshots not included`]
            : []),
        ...(plan.resources.some((r) => r.type === "aws:rds/instance:Instance")
            ? [`database instance: runs all month; ${a.databaseStoredGb.other} GB of data outside production (${a.databaseStoredGb.production} GB production) for its backups; storage is the provisioned size, used or not; manual snapshots not included`]
            : []),
        ...(plan.resources.some((r) => r.type === "aws:codeartifact/domain:Domain")
            ? [`package index: ${a.packageStoredGb} GB stored, ${a.packageRequestsPerBuild} requests per build or publish, ${a.publishesPerMonth} tag publishes a month of ${a.publishMinutes} min`]
            : []),
    ];
    return { stack: plan.stack, lines, total, notPriced, assumptions };
}

const usd = (n: number) => `$${n.toFixed(2)}`;

export function renderCost(e: CostEstimate): string {
    const rows = e.lines.map((l) => [l.resource, l.item, `${+l.quantity.toFixed(3)} ${l.unit} × $${l.unitPrice}`, usd(l.monthly)]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), 8));
    const out = [`Monthly cost estimate, stack ${e.stack} (USD, ${PRICE_REGION}, prices of ${PRICE_DATE})`, ""];
    for (const r of rows) out.push(`${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3].padStart(8)}`);
    out.push("", `Total: ${usd(e.total)} / month`);
    if (e.notPriced.length) out.push("", "Not priced:", ...e.notPriced.map((n) => `  - ${n}`));
    out.push("", "Assumptions:", ...e.assumptions.map((x) => `  - ${x}`));
    return out.join("\n");
}

interface Options {
    stack?: string;
    assumptions: CostAssumptions;
    json: boolean;
    /** Config overrides, `namespace:key` → value as `pulumi config set` would store it. */
    set: Record<string, string>;
}

export class CostUsageError extends Error {}

const COST_USAGE = "usage: npm run cost -- --stack <name> [--builds N] [--task-hours 0..1] [--set key=value ...] [--json]";

const COST_FLAGS = {
    stack: { type: "string", short: "s" },
    builds: { type: "string" },
    "task-hours": { type: "string" },
    set: { type: "string", multiple: true },
    json: { type: "boolean" },
} as const;

export function parseCostArgs(argv: string[]): Options {
    const fail = (m: string) => new CostUsageError(m);
    const v = parseFlags(argv, COST_FLAGS, COST_USAGE, fail);
    const o: Options = { assumptions: structuredClone(DEFAULT_ASSUMPTIONS), json: v.json === true, set: {} };
    if (v.stack !== undefined) o.stack = v.stack;
    if (v.builds !== undefined) o.assumptions.buildsPerMonth = numberFlag("--builds", v.builds, { min: 0 }, fail);
    if (v["task-hours"] !== undefined) o.assumptions.taskHoursFraction = numberFlag("--task-hours", v["task-hours"], { min: 0, max: 1 }, fail);
    for (const kv of v.set ?? []) {
        const m = /^([A-Za-z0-9_-]+(?::[A-Za-z0-9_-]+)?)=(.*)$/s.exec(kv);
        if (!m) throw new CostUsageError(`--set needs key=value, not "${kv}", e.g. --set slipway:desiredCount=2`);
        o.set[m[1].includes(":") ? m[1] : `slipway:${m[1]}`] = m[2];
    }
    if (!o.stack) throw new CostUsageError(`--stack is required. ${COST_USAGE}`);
    return o;
}

/** Plans `stack` as `npm run plan` does, with config overrides applied on top of its stack file. */
async function planWith(dir: string, stack: string, set: Record<string, string>): Promise<Plan> {
    const { loadStackConfig } = await import("../plan/stack-config");
    const { runUnderMocks } = await import("../plan/mock-engine");
    const { program } = await import("../../stacks/program");
    const cfg = loadStackConfig(dir, stack);
    return runUnderMocks({ project: cfg.project, stack: cfg.stack, config: { ...cfg.config, ...set }, secretKeys: cfg.secretKeys }, program);
}

export async function main(argv: string[], dir = process.cwd()): Promise<number> {
    const o = parseCostArgs(argv);
    const e = estimateCost(await planWith(dir, o.stack as string, o.set), o.assumptions);
    if (Object.keys(o.set).length) e.assumptions.unshift(`what-if: ${Object.entries(o.set).map(([k, v]) => `${k}=${v}`).join(", ")} (not the stack file's values)`);
    process.stdout.write((o.json ? JSON.stringify(e, null, 2) : renderCost(e)) + "\n");
    return 0;
}

/** The command line: runs main(), printing a known error as one line (no stack trace); resolves to the exit code. */
export function cli(argv: string[]): Promise<number> {
    return main(argv).catch((err: unknown) => {
        const known = err instanceof CostUsageError || err instanceof StackNotFoundError || RunError.isInstance(err);
        process.stderr.write(`error: ${known ? (err as Error).message : err instanceof Error ? err.stack : String(err)}\n`);
        return 1;
    });
}

if (require.main === module) cli(process.argv.slice(2)).then((code) => process.exit(code));
