import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as lb from "@pulumi/aws/lb";
import * as inputs from "@pulumi/aws/types/input";
import { renamedFrom } from "../../contract";
import { HEALTH, TLS_POLICY } from "../../shared/health";
import { MAINTENANCE_CONTENT_TYPE, MAINTENANCE_HEADER, MAINTENANCE_RULE_PRIORITY, MAINTENANCE_STATUS, MAINTENANCE_TAG } from "./maintenance";


export interface WebLoadBalancerArgs {
    vpcId: pulumi.Input<string>;
    vpcCidr: string;
    subnetIds: pulumi.Input<string>[];
    /** Port the targets listen on. */
    targetPort: number;
    /** Health check path; must answer 2xx. */
    healthPath: string;
    /** ACM certificate: adds an HTTPS listener and turns port 80 into a redirect. */
    certificateArn?: pulumi.Input<string>;
    /** Refuse deletion (production). @default false */
    deletionProtection?: boolean;
    /**
     * ECS blue/green, canary or linear deployments ("Application Load Balancer resources for blue/green,
     * linear, and canary deployments"): a second, alternate target group and a production listener rule
     * forwarding to both, whose weights ECS moves during each deployment. @default false
     */
    trafficShifting?: boolean;
    /**
     * Maintenance mode (infra/platforms/ecs/maintenance.ts): a listener rule answering this HTML with a 503, off as
     * declared (it matches only MAINTENANCE_HEADER), switched on by the pipeline's Release action. @default none
     */
    maintenancePage?: string;
}

/**
 * The production listener rule's priority: it matches every request before the default action, after the
 * maintenance rule (MAINTENANCE_RULE_PRIORITY, which it must never outrank). Always the one after it, page or
 * not: ELB refuses two rules of one priority, and Pulumi deletes a removed rule only at the end of an update, so
 * a rule that moved up when the page was switched off would collide with the page's rule still holding it.
 */
export const PRODUCTION_RULE_PRIORITY = MAINTENANCE_RULE_PRIORITY + 1;

/** The target group's checks and draining (infra/shared/health.ts). */
export const TARGET_HEALTH = HEALTH.target;

/** Egress rule of an ingress (ALB or VPC link): only the tasks' port, only inside the VPC. */
export function toTasksOnly(port: number, vpcCidr: string): inputs.ec2.SecurityGroupEgress {
    return { protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: [vpcCidr], description: "To the app tasks only" };
}

/** A public Application Load Balancer forwarding to one IP target group, HTTPS when a certificate is given. */
export class WebLoadBalancer extends pulumi.ComponentResource {
    readonly loadBalancer: lb.LoadBalancer;
    readonly targetGroup: lb.TargetGroup;
    readonly securityGroup: ec2.SecurityGroup;
    readonly listener: lb.Listener;
    /** With trafficShifting: the target group ECS starts each new set of tasks in (the pair swaps roles every deployment). */
    readonly alternateTargetGroup?: lb.TargetGroup;
    /** With trafficShifting: the listener rule whose forward weights ECS moves between the two target groups. */
    readonly productionRule?: lb.ListenerRule;
    /** With maintenancePage: the fixed-response 503 rule the Release action switches on and off. */
    readonly maintenanceRule?: lb.ListenerRule;

    constructor(name: string, args: WebLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:WebLoadBalancer", name, {}, opts);
        const https = args.certificateArn !== undefined;
        const open = (port: number, description: string) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: ["0.0.0.0/0"], description });
        this.securityGroup = new ec2.SecurityGroup(
            `${name}-alb`,
            {
                vpcId: args.vpcId,
                description: "Public web traffic to the load balancer",
                ingress: https ? [open(80, "HTTP, redirected to HTTPS"), open(443, "HTTPS")] : [open(80, "HTTP")],
                egress: [toTasksOnly(args.targetPort, args.vpcCidr)],
            },
            { parent: this, aliases: renamedFrom("alb") },
        );
        this.loadBalancer = new lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal: false,
                securityGroups: [this.securityGroup.id],
                subnets: args.subnetIds,
                dropInvalidHeaderFields: true,
                enableDeletionProtection: args.deletionProtection ?? false,
            },
            { parent: this, aliases: renamedFrom("alb") },
        );
        const targetGroupArgs: lb.TargetGroupArgs = {
            vpcId: args.vpcId,
            port: args.targetPort,
            protocol: "HTTP",
            // Fargate tasks use awsvpc networking: targets are IPs, not instances.
            targetType: "ip",
            deregistrationDelay: TARGET_HEALTH.deregistrationDelaySeconds,
            healthCheck: {
                path: args.healthPath,
                matcher: "200-299",
                interval: TARGET_HEALTH.intervalSeconds,
                healthyThreshold: TARGET_HEALTH.healthyThreshold,
                unhealthyThreshold: TARGET_HEALTH.unhealthyThreshold,
                timeout: TARGET_HEALTH.timeoutSeconds,
            },
        };
        this.targetGroup = new lb.TargetGroup(`${name}-app`, targetGroupArgs, { parent: this, aliases: renamedFrom("app") });
        // The same checks and draining: whichever group holds the new tasks judges them alike. Target groups
        // cost nothing of their own (Elastic Load Balancing pricing bills load-balancer hours and LCUs).
        if (args.trafficShifting) this.alternateTargetGroup = new lb.TargetGroup(`${name}-app-alt`, targetGroupArgs, { parent: this });
        const forward = [{ type: "forward", targetGroupArn: this.targetGroup.arn }];
        if (https) {
            this.listener = new lb.Listener(
                `${name}-https`,
                {
                    loadBalancerArn: this.loadBalancer.arn,
                    port: 443,
                    protocol: "HTTPS",
                    sslPolicy: TLS_POLICY,
                    certificateArn: args.certificateArn,
                    defaultActions: forward,
                },
                { parent: this, aliases: renamedFrom("https") },
            );
            // Same logical name as the HTTP-only listener: adding a certificate later updates the
            // port-80 listener in place (AWS refuses a second listener on one port).
            new lb.Listener(
                `${name}-http`,
                {
                    loadBalancerArn: this.loadBalancer.arn,
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                },
                { parent: this, aliases: renamedFrom("http") },
            );
        } else {
            this.listener = new lb.Listener(
                `${name}-http`,
                { loadBalancerArn: this.loadBalancer.arn, port: 80, protocol: "HTTP", defaultActions: forward },
                { parent: this, aliases: renamedFrom("http") },
            );
        }
        if (this.alternateTargetGroup) {
            // ECS needs a listener rule (its ARN, not the listener's) naming both groups; without a test listener
            // "both target groups must be associated with the production listener rule" (ECS docs, "Migrating from
            // a CodeDeploy blue/green to an Amazon ECS blue/green service deployment"). Forward actions only: rules
            // mixing forward with redirect or fixed-response actions fail the deployment (the ALB resources page).
            this.productionRule = new lb.ListenerRule(
                `${name}-production`,
                {
                    listenerArn: this.listener.arn,
                    priority: PRODUCTION_RULE_PRIORITY,
                    conditions: [{ pathPattern: { values: ["/*"] } }],
                    actions: [
                        {
                            type: "forward",
                            forward: {
                                targetGroups: [
                                    { arn: this.targetGroup.arn, weight: 100 },
                                    { arn: this.alternateTargetGroup.arn, weight: 0 },
                                ],
                            },
                        },
                    ],
                },
                // ECS owns the weights: each deployment moves them (and leaves the pair swapped). A `pulumi up`
                // restoring 100/0 would send traffic back to the tasks ECS has just stopped.
                { parent: this, ignoreChanges: ["actions"] },
            );
        }
        if (args.maintenancePage !== undefined) {
            // A rule of its own, never an action of the production rule: ECS moves that rule's forward weights, and
            // a rule mixing forward with fixed-response actions fails ECS's deployment (ECS, "Application Load
            // Balancer resources for blue/green, linear, and canary deployments"). The ECS service names the
            // production rule only, so ECS never touches this one. Declared off: the Release action's ModifyRule
            // sets its conditions to every path and back; a `pulumi up --refresh` restores the declared (off) state.
            this.maintenanceRule = new lb.ListenerRule(
                `${name}-maintenance`,
                {
                    listenerArn: this.listener.arn,
                    priority: MAINTENANCE_RULE_PRIORITY,
                    conditions: [{ httpHeader: { httpHeaderName: MAINTENANCE_HEADER, values: ["on"] } }],
                    actions: [{ type: "fixed-response", fixedResponse: { statusCode: MAINTENANCE_STATUS, contentType: MAINTENANCE_CONTENT_TYPE, messageBody: args.maintenancePage } }],
                    // The release project's ModifyRule needs this tag as well as the stack's (maintenanceStatements).
                    tags: { [MAINTENANCE_TAG]: "on-release" },
                },
                // A stack whose production rule was deployed at priority 1 (before PRODUCTION_RULE_PRIORITY) moves it
                // first (dependsOn), then this rule takes 1.
                { parent: this, dependsOn: this.productionRule ? [this.productionRule] : [] },
            );
        }
        this.registerOutputs({ dnsName: this.loadBalancer.dnsName });
    }
}
