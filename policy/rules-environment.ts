// Rules for an environment: ECS, the load balancer, security groups, the VPC, logs, secrets and Beanstalk.
import { asArray, asRecords, get, ofType, parseJson, Props, resourceRule, SENSITIVE_NAME, SlipwayRule, stackRule } from "./kit";

const TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE_TYPES = ["aws:ec2/securityGroupRule:SecurityGroupRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"];
const EB_ENV = "aws:elasticbeanstalk/environment:Environment";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/** Container definitions of a task definition (a JSON string input). */
function containers(p: Props): Props[] {
    return asRecords(parseJson(p.containerDefinitions));
}

/** Current TLS policies (TLS 1.2 floor, forward secrecy), per the ELB docs' security policy table. */
const MODERN_TLS = /^ELBSecurityPolicy-(TLS13-1-[23]-|FS-1-2-|TLS-1-2-)/;
const WEB_PORTS = [80, 443];

interface Ingress {
    fromPort: number;
    toPort: number;
    cidrs: string[];
    sourceGroups: boolean;
}

function ingressRules(type: string, p: Props): Ingress[] {
    if (type === SG) {
        return asRecords(p.ingress).map((r) => ({
            fromPort: Number(r.fromPort),
            toPort: Number(r.toPort),
            cidrs: [...asArray(r.cidrBlocks), ...asArray(r.ipv6CidrBlocks)].map(String),
            sourceGroups: asArray(r.securityGroups).length > 0 || r.self === true,
        }));
    }
    if (type === "aws:ec2/securityGroupRule:SecurityGroupRule" && p.type !== "ingress") return [];
    const cidrs = [...asArray(p.cidrBlocks), ...asArray(p.ipv6CidrBlocks), ...asArray(p.cidrIpv4), ...asArray(p.cidrIpv6)].map(String);
    return [
        {
            fromPort: Number(p.fromPort ?? -1),
            toPort: Number(p.toPort ?? -1),
            cidrs,
            sourceGroups: Boolean(p.sourceSecurityGroupId ?? p.referencedSecurityGroupId ?? p.self),
        },
    ];
}

const isWorld = (cidr: string) => cidr === "0.0.0.0/0" || cidr === "::/0";
const onlyWebPorts = (r: Ingress) => r.fromPort === r.toPort && WEB_PORTS.includes(r.fromPort);

/** Beanstalk option settings as `namespace/name` → value. */
function ebSettings(p: Props): Map<string, string> {
    return new Map(asRecords(p.settings).map((s) => [`${s.namespace}/${s.name}`, String(s.value)]));
}

export const environmentRules: SlipwayRule[] = [
    // --- ECS task definitions -------------------------------------------------------------------------
    resourceRule(
        {
            name: "ecs-no-plaintext-secrets",
            description: "Container secrets come from `secrets` (valueFrom Secrets Manager/SSM), never from `environment`.",
            sources: ["tfsec aws-ecs-no-plaintext-secrets", "cdk-nag AwsSolutions-ECS2 (which flags every plain variable; slipway keeps non-secret settings there)"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Move the value to Secrets Manager (slipway:appSecrets) so it reaches the container through `secrets`/`valueFrom`.",
        },
        [TASK_DEF],
        (p, report) => {
            for (const c of containers(p)) {
                for (const e of asRecords(c.environment)) {
                    if (SENSITIVE_NAME.test(String(e.name)) || /^(AKIA|ASIA)[A-Z0-9]{16}$/.test(String(e.value))) {
                        report(`container ${c.name} gets ${e.name} as a plain environment variable: make it an app secret (pulumi config set --secret --path 'slipway:appSecrets.${e.name}' ...).`);
                    }
                }
            }
        },
    ),
    resourceRule(
        {
            name: "ecs-container-logging",
            description: "Every container sends its logs somewhere (awslogs or FireLens).",
            sources: ["cdk-nag AwsSolutions-ECS7"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Give each container a logConfiguration with logDriver awslogs (awslogs-group, awslogs-region, awslogs-stream-prefix).",
        },
        [TASK_DEF],
        (p, report) => {
            for (const c of containers(p)) {
                if (!["awslogs", "awsfirelens"].includes(String(get(c, "logConfiguration.logDriver")))) report(`container ${c.name} has no awslogs/awsfirelens logConfiguration.`);
            }
        },
    ),
    resourceRule(
        {
            name: "ecs-task-role-distinct",
            description: "A task definition's task role (the app) is distinct from its execution role (the ECS agent).",
            sources: ["Checkov CKV_AWS_249"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Create a separate task role for the app and set taskRoleArn to it.",
        },
        [TASK_DEF],
        (p, report) => {
            if (!p.taskRoleArn) report("no taskRoleArn: give the app its own role, distinct from the execution role.");
            else if (p.taskRoleArn === p.executionRoleArn) report("taskRoleArn equals executionRoleArn: give the app its own role.");
        },
    ),
    resourceRule(
        {
            name: "ecs-read-only-root-filesystem",
            description: "Containers run with a read-only root filesystem where the app allows (advisory).",
            sources: ["Checkov CKV_AWS_336"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Set readonlyRootFilesystem: true in the container definition once the app writes only to mounted volumes or /tmp volumes.",
        },
        [TASK_DEF],
        (p, report) => {
            for (const c of containers(p)) if (c.readonlyRootFilesystem !== true) report(`container ${c.name} can write to its root filesystem.`);
        },
    ),
    resourceRule(
        {
            name: "ecs-no-privileged-containers",
            description: "No container runs privileged.",
            sources: ["Checkov CKV_AWS_334"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Remove privileged: true from the container definition (Fargate rejects it anyway).",
        },
        [TASK_DEF],
        (p, report) => {
            for (const c of containers(p)) if (c.privileged === true) report(`container ${c.name} is privileged: remove privileged: true.`);
        },
    ),
    resourceRule(
        {
            name: "ecs-non-root-user",
            description: "Containers name a non-root user (advisory: the image's USER may already do so).",
            sources: ["CIS Docker Benchmark 4.1 (run as a non-root user)"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Set user (e.g. \"1000\") in the container definition, or make sure the image's Dockerfile sets a non-root USER.",
        },
        [TASK_DEF],
        (p, report) => {
            for (const c of containers(p)) {
                const user = c.user === undefined ? "" : String(c.user);
                if (!user || user === "root" || user === "0" || user.startsWith("0:")) report(`container ${c.name} does not set a non-root user.`);
            }
        },
    ),

    // --- ECS cluster and service ----------------------------------------------------------------------
    resourceRule(
        {
            name: "ecs-container-insights",
            description: "ECS clusters have Container Insights on (advisory: billed per metric, on in production).",
            sources: ["cdk-nag AwsSolutions-ECS4", "Checkov CKV_AWS_65"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Set settings: [{ name: \"containerInsights\", value: \"enabled\" }] on the cluster.",
        },
        ["aws:ecs/cluster:Cluster"],
        (p, report) => {
            const on = asRecords(p.settings).some((s) => s.name === "containerInsights" && ["enabled", "enhanced"].includes(String(s.value)));
            if (!on) report("Container Insights is off.");
        },
    ),
    resourceRule(
        {
            name: "ecs-circuit-breaker-rollback",
            description: "ECS services use the deployment circuit breaker with rollback.",
            sources: ["AWS ECS reliability guidance (deployment circuit breaker)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Set deploymentCircuitBreaker: { enable: true, rollback: true } on the service.",
        },
        [SERVICE],
        (p, report) => {
            if (get(p, "deploymentCircuitBreaker.enable") !== true || get(p, "deploymentCircuitBreaker.rollback") !== true) {
                report("a failing deployment would not stop and roll back: set deploymentCircuitBreaker { enable: true, rollback: true }.");
            }
        },
    ),
    resourceRule(
        {
            name: "ecs-zero-downtime-roll",
            description: "ECS rolling deploys keep every running task until replacements are healthy (min healthy 100%, max > 100%).",
            sources: ["AWS ECS reliability guidance (rolling update)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set deploymentMinimumHealthyPercent: 100 and deploymentMaximumPercent: 200.",
        },
        [SERVICE],
        (p, report) => {
            const min = typeof p.deploymentMinimumHealthyPercent === "number" ? p.deploymentMinimumHealthyPercent : 100;
            const max = typeof p.deploymentMaximumPercent === "number" ? p.deploymentMaximumPercent : 200;
            if (min < 100 || max <= 100) report(`minimum healthy ${min}% / maximum ${max}% can drop capacity during a deploy: use 100% / 200%.`);
        },
    ),
    resourceRule(
        {
            name: "ecs-no-public-ip",
            description: "ECS tasks get no public IP (advisory: slipway's no-NAT layout gives tasks public IPs, reachable only from the ALB's security group).",
            sources: ["Checkov CKV_AWS_333"],
            severity: "medium",
            enforcementLevel: "advisory",
            remediationSteps: "Run tasks in private subnets with a NAT gateway or VPC endpoints and set assignPublicIp: false, if the cost is justified.",
        },
        [SERVICE],
        (p, report) => {
            if (get(p, "networkConfiguration.assignPublicIp") === true) report("tasks get public IPs (no-NAT design; their security group admits only the load balancer).");
        },
    ),

    // --- Load balancer ---------------------------------------------------------------------------------
    resourceRule(
        {
            name: "alb-modern-tls",
            description: "HTTPS listeners use a TLS policy with a TLS 1.2 floor (TLS13-1-2 or newer).",
            sources: ["Checkov CKV_AWS_103", "tfsec aws-elb-use-secure-tls-policy"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Set sslPolicy: \"ELBSecurityPolicy-TLS13-1-2-2021-06\" (the provider default allows TLS 1.0).",
        },
        [LISTENER],
        (p, report) => {
            if (p.protocol !== "HTTPS" && p.protocol !== "TLS") return;
            if (!MODERN_TLS.test(String(p.sslPolicy ?? ""))) report(`sslPolicy ${JSON.stringify(p.sslPolicy ?? "(default ELBSecurityPolicy-2016-08)")} allows old TLS: set ELBSecurityPolicy-TLS13-1-2-2021-06.`);
        },
    ),
    stackRule(
        {
            name: "alb-http-redirects-to-https",
            description: "When a load balancer has an HTTPS listener, its HTTP listeners only redirect to HTTPS.",
            sources: ["Checkov CKV2_AWS_20", "tfsec aws-elb-http-not-used"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Make the port-80 listener's default action a redirect { protocol: HTTPS, port: 443, statusCode: HTTP_301 }.",
        },
        (resources, _ctx, report) => {
            const listeners = ofType(resources, LISTENER);
            const https = new Set(listeners.filter((l) => (l.props as Props).protocol === "HTTPS").map((l) => String((l.props as Props).loadBalancerArn)));
            for (const l of listeners) {
                const p = l.props as Props;
                if (p.protocol !== "HTTP" || !https.has(String(p.loadBalancerArn))) continue;
                const actions = asRecords(p.defaultActions);
                if (!actions.length || actions.some((a) => a.type !== "redirect" || get(a, "redirect.protocol") !== "HTTPS")) {
                    report("an HTTP listener serves traffic although the load balancer has HTTPS: make it redirect to HTTPS.", l.urn);
                }
            }
        },
    ),
    stackRule(
        {
            name: "alb-https-listener",
            description: "Public load balancers serve HTTPS (advisory: a stack without a certificate serves plain HTTP).",
            sources: ["Checkov CKV_AWS_2"],
            severity: "medium",
            enforcementLevel: "advisory",
            remediationSteps: "Set slipway:certificateArn (and slipway:domainName) so the stack adds an HTTPS listener and redirects HTTP.",
        },
        (resources, _ctx, report) => {
            const listeners = ofType(resources, LISTENER);
            for (const lb of ofType(resources, LB)) {
                if ((lb.props as Props).internal === true) continue;
                if (!listeners.some((l) => (l.props as Props).protocol === "HTTPS")) report("the load balancer serves plain HTTP only: configure a certificate.", lb.urn);
            }
        },
    ),
    resourceRule(
        {
            name: "alb-drop-invalid-headers",
            description: "Application load balancers drop invalid HTTP header fields.",
            sources: ["Checkov CKV_AWS_131", "tfsec aws-elb-drop-invalid-headers"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set dropInvalidHeaderFields: true on the load balancer.",
        },
        [LB],
        (p, report) => {
            if ((p.loadBalancerType ?? "application") === "application" && p.dropInvalidHeaderFields !== true) report("invalid header fields reach the app: set dropInvalidHeaderFields to true.");
        },
    ),
    resourceRule(
        {
            name: "alb-access-logs",
            description: "Load balancers write access logs to S3 (advisory).",
            sources: ["cdk-nag AwsSolutions-ELB2", "Checkov CKV_AWS_91"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Set accessLogs { bucket, enabled: true } with a bucket whose policy lets the ELB service write.",
        },
        [LB],
        (p, report) => {
            if (get(p, "accessLogs.enabled") !== true) report("no access logs.");
        },
    ),
    stackRule(
        {
            name: "alb-deletion-protection-production",
            description: "Production load balancers have deletion protection on.",
            sources: ["Checkov CKV_AWS_150"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set enableDeletionProtection: true on production's load balancer (slipway does so when the stack's tier is production).",
        },
        (resources, ctx, report) => {
            if (ctx.tier !== "production") return;
            for (const lb of ofType(resources, LB)) {
                if ((lb.props as Props).enableDeletionProtection !== true) report("production's load balancer can be deleted: set enableDeletionProtection to true.", lb.urn);
            }
        },
    ),
    resourceRule(
        {
            name: "target-group-fast-health",
            description: "Target groups check a health path, turn healthy within a minute and drain in at most 60 s.",
            sources: ["Checkov CKV_AWS_261", "AWS ELB reliability guidance"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set healthCheck { path, interval ≤ 30, healthyThreshold ≤ 3 } and deregistrationDelay ≤ 60.",
        },
        ["aws:lb/targetGroup:TargetGroup"],
        (p, report) => {
            const path = get(p, "healthCheck.path");
            const interval = Number(get(p, "healthCheck.interval") ?? 30);
            const healthy = Number(get(p, "healthCheck.healthyThreshold") ?? 5);
            const delay = Number(p.deregistrationDelay ?? 300);
            if (!path) report("no health check path: set healthCheck.path to the app's health endpoint.");
            if (interval * healthy > 60) report(`a new target needs ${interval * healthy} s to turn healthy: lower healthCheck.interval/healthyThreshold (e.g. 10 s × 2).`);
            if (delay > 60) report(`deregistrationDelay ${delay} s slows every deploy: set at most 60.`);
        },
    ),

    // --- Security groups and VPC ------------------------------------------------------------------------
    resourceRule(
        {
            name: "sg-no-world-ingress",
            description: "No security group admits 0.0.0.0/0 or ::/0 except on ports 80 and 443.",
            sources: ["cdk-nag AwsSolutions-EC23", "Checkov CKV_AWS_24 / CKV_AWS_25 / CKV_AWS_277"],
            severity: "critical",
            enforcementLevel: "mandatory",
            remediationSteps: "Restrict the rule's source to a security group or a known CIDR; only the load balancer may be open to the world, on 80/443.",
        },
        [SG, ...SG_RULE_TYPES],
        (p, report, args) => {
            for (const r of ingressRules(args.type, p)) {
                if (r.cidrs.some(isWorld) && !onlyWebPorts(r)) report(`ingress ${r.fromPort}-${r.toPort} is open to the internet: only 80/443 may be, on the load balancer.`);
            }
        },
    ),
    resourceRule(
        {
            name: "sg-app-ports-from-groups-only",
            description: "Ports other than 80/443 admit traffic only from security groups (the tasks admit only the load balancer).",
            sources: ["AWS ECS best practice (task security group admits only the ALB)"],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Replace cidrBlocks on the rule with securityGroups: [<load balancer's security group id>].",
        },
        [SG, ...SG_RULE_TYPES],
        (p, report, args) => {
            for (const r of ingressRules(args.type, p)) {
                if (!onlyWebPorts(r) && r.cidrs.length > 0) report(`ingress ${r.fromPort}-${r.toPort} admits CIDR ranges ${r.cidrs.join(", ")}: admit the load balancer's security group instead.`);
            }
        },
    ),
    resourceRule(
        {
            name: "vpc-default-sg-closed",
            description: "The VPC's default security group allows nothing.",
            sources: ["Checkov CKV2_AWS_12"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Manage aws.ec2.DefaultSecurityGroup for the VPC with ingress: [] and egress: [].",
        },
        ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"],
        (p, report) => {
            if (asArray(p.ingress).length || asArray(p.egress).length) report("the default security group has rules: set ingress and egress to [].");
        },
    ),
    resourceRule(
        {
            name: "subnet-no-auto-public-ip",
            description: "Subnets do not hand out public IPs by default; a service that needs one asks for it.",
            sources: ["Checkov CKV_AWS_130"],
            severity: "low",
            enforcementLevel: "mandatory",
            remediationSteps: "Set mapPublicIpOnLaunch: false on the subnet.",
        },
        ["aws:ec2/subnet:Subnet"],
        (p, report) => {
            if (p.mapPublicIpOnLaunch === true) report("every instance launched here gets a public IP: set mapPublicIpOnLaunch to false.");
        },
    ),
    stackRule(
        {
            name: "vpc-flow-logs",
            description: "VPCs have flow logs (advisory).",
            sources: ["cdk-nag AwsSolutions-VPC7", "Checkov CKV2_AWS_11"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Add an aws.ec2.FlowLog for the VPC to a log group with retention, if you need a network audit trail.",
        },
        (resources, _ctx, report) => {
            const flowLogs = ofType(resources, "aws:ec2/flowLog:FlowLog").length;
            const vpcs = ofType(resources, "aws:ec2/vpc:Vpc");
            if (vpcs.length > flowLogs) report("the VPC has no flow log.", vpcs[0].urn);
        },
    ),

    // --- Logs and secrets -----------------------------------------------------------------------------
    resourceRule(
        {
            name: "logs-retention-set",
            description: "Every CloudWatch log group has a retention period.",
            sources: ["Checkov CKV_AWS_66"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set retentionInDays on the log group (slipway:logRetentionDays for the app's logs).",
        },
        [LOG_GROUP],
        (p, report) => {
            if (typeof p.retentionInDays !== "number" || p.retentionInDays <= 0) report("logs are kept forever: set retentionInDays.");
        },
    ),
    resourceRule(
        {
            name: "logs-retention-one-year",
            description: "Log groups keep logs for at least a year (advisory: shorter retention is a cost choice).",
            sources: ["Checkov CKV_AWS_338"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Set retentionInDays to 365 or more where audits need a year of logs.",
        },
        [LOG_GROUP],
        (p, report) => {
            if (typeof p.retentionInDays === "number" && p.retentionInDays < 365) report(`logs are kept ${p.retentionInDays} days.`);
        },
    ),
    resourceRule(
        {
            name: "logs-kms",
            description: "Log groups are encrypted with a customer-managed KMS key (advisory).",
            sources: ["Checkov CKV_AWS_158"],
            severity: "low",
            enforcementLevel: "advisory",
            remediationSteps: "Set kmsKeyId on the log group to a key whose policy lets CloudWatch Logs use it.",
        },
        [LOG_GROUP],
        (p, report) => {
            if (!p.kmsKeyId) report("encrypted with CloudWatch's own key, not a customer-managed key.");
        },
    ),
    resourceRule(
        {
            name: "secrets-customer-managed-key",
            description: "Secrets Manager secrets use a customer-managed KMS key (advisory: the AWS-managed key also encrypts).",
            sources: ["Checkov CKV_AWS_149"],
            severity: "medium",
            enforcementLevel: "advisory",
            remediationSteps: "Set kmsKeyId on the secret, and grant the execution role kms:Decrypt on that key.",
        },
        ["aws:secretsmanager/secret:Secret"],
        (p, report) => {
            if (!p.kmsKeyId) report("encrypted with the AWS-managed key aws/secretsmanager.");
        },
    ),
    stackRule(
        {
            name: "secrets-rotation-path",
            description: "Every secret's value is managed (a SecretVersion fed from encrypted config, or a rotation schedule), so rotating it reaches its consumers.",
            sources: ["cdk-nag AwsSolutions-SMG4", "Checkov CKV2_AWS_57"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Feed the secret from `pulumi config set --secret` through an aws.secretsmanager.SecretVersion (or add a SecretRotation).",
        },
        (resources, _ctx, report) => {
            const managed = ofType(resources, "aws:secretsmanager/secretVersion:SecretVersion").length + ofType(resources, "aws:secretsmanager/secretRotation:SecretRotation").length;
            const secrets = ofType(resources, "aws:secretsmanager/secret:Secret");
            if (secrets.length > managed) report(`${secrets.length - managed} secret(s) have no managed value or rotation: their value could only change by hand.`, secrets[0].urn);
        },
    ),

    // --- Elastic Beanstalk ------------------------------------------------------------------------------
    resourceRule(
        {
            name: "eb-managed-updates",
            description: "Beanstalk environments apply managed platform updates.",
            sources: ["cdk-nag AwsSolutions-EB3", "Checkov CKV_AWS_340"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set aws:elasticbeanstalk:managedactions ManagedActionsEnabled=true, PreferredStartTime, and aws:elasticbeanstalk:managedactions:platformupdate UpdateLevel=minor.",
        },
        [EB_ENV],
        (p, report) => {
            const s = ebSettings(p);
            if (s.get("aws:elasticbeanstalk:managedactions/ManagedActionsEnabled") !== "true") report("managed platform updates are off: set aws:elasticbeanstalk:managedactions ManagedActionsEnabled to true.");
            else if (!s.get("aws:elasticbeanstalk:managedactions:platformupdate/UpdateLevel")) report("no platform UpdateLevel: set aws:elasticbeanstalk:managedactions:platformupdate UpdateLevel to minor or patch.");
        },
    ),
    resourceRule(
        {
            name: "eb-enhanced-health",
            description: "Beanstalk environments use enhanced health reporting.",
            sources: ["Checkov CKV_AWS_312"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set aws:elasticbeanstalk:healthreporting:system SystemType=enhanced.",
        },
        [EB_ENV],
        (p, report) => {
            if (ebSettings(p).get("aws:elasticbeanstalk:healthreporting:system/SystemType") !== "enhanced") report("health reporting is basic: set aws:elasticbeanstalk:healthreporting:system SystemType to enhanced.");
        },
    ),
    resourceRule(
        {
            name: "eb-vpc-and-logs",
            description: "Beanstalk environments run in slipway's VPC and stream logs to CloudWatch with retention.",
            sources: ["cdk-nag AwsSolutions-EB1", "cdk-nag AwsSolutions-EB4 (instance logs kept; EB4 itself asks for S3 upload)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set aws:ec2:vpc VPCId (and Subnets), and aws:elasticbeanstalk:cloudwatch:logs StreamLogs=true with RetentionInDays.",
        },
        [EB_ENV],
        (p, report) => {
            const s = ebSettings(p);
            if (!s.get("aws:ec2:vpc/VPCId")) report("the environment is not placed in a VPC: set aws:ec2:vpc VPCId.");
            if (s.get("aws:elasticbeanstalk:cloudwatch:logs/StreamLogs") !== "true") report("instance logs are not streamed: set aws:elasticbeanstalk:cloudwatch:logs StreamLogs to true.");
            else if (!s.get("aws:elasticbeanstalk:cloudwatch:logs/RetentionInDays")) report("streamed logs have no retention: set aws:elasticbeanstalk:cloudwatch:logs RetentionInDays.");
        },
    ),
];
