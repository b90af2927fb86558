import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { ADOPTED_TAG, ADOPTED_VALUE, renamedFrom } from "../contract";

export interface NetworkArgs {
    /** IPv4 CIDR of the VPC, /16 to /24. @default "10.20.0.0/16" */
    cidr?: string;
    /** Availability zones to span (an ALB needs two). @default 2 */
    azCount?: number;
}

/** Splits `cidr` into `count` equal subnets, each 2 bits longer (up to 4 fit). */
export function subnetCidrs(cidr: string, count: number): string[] {
    const [base, bitsText] = cidr.split("/");
    const bits = Number(bitsText);
    const start = base.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - bits - 2);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
        const n = start + i * size;
        out.push(`${[24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".")}/${bits + 2}`);
    }
    return out;
}

/**
 * A VPC with one public subnet per zone and an internet gateway, and no NAT gateways: tasks get
 * public IPs but their security group admits only the load balancer, so nothing costs $32+/month per
 * zone just to reach ECR, Secrets Manager and CloudWatch.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpc: ec2.Vpc;
    readonly publicSubnetIds: pulumi.Output<string>[];

    constructor(name: string, args: NetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:Network", name, {}, opts);
        const cidr = args.cidr ?? "10.20.0.0/16";
        const count = args.azCount ?? 2;
        this.vpc = new ec2.Vpc(`${name}-vpc`, { cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true }, { parent: this, aliases: renamedFrom("vpc") });
        // Nothing may use the default security group: it would allow all traffic between its members.
        // Adopted with no rules, and marked so: deploy roles may never open a marked group (deployer-policy.ts).
        new ec2.DefaultSecurityGroup(
            `${name}-default-sg`,
            { vpcId: this.vpc.id, ingress: [], egress: [], tags: { [ADOPTED_TAG]: ADOPTED_VALUE } },
            { parent: this, aliases: renamedFrom("default-sg") },
        );
        const gateway = new ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id }, { parent: this, aliases: renamedFrom("igw") });
        const routes = new ec2.RouteTable(
            `${name}-public`,
            { vpcId: this.vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }] },
            { parent: this, aliases: renamedFrom("public") },
        );
        const zones = getAvailabilityZonesOutput({ state: "available" }, { parent: this });
        this.publicSubnetIds = subnetCidrs(cidr, count).map((subnetCidr, i) => {
            const subnet = new ec2.Subnet(
                `${name}-public-${i}`,
                {
                    vpcId: this.vpc.id,
                    cidrBlock: subnetCidr,
                    availabilityZone: zones.names[i],
                    // Instances launched here get no public IP unless a service asks for one.
                    mapPublicIpOnLaunch: false,
                },
                { parent: this, aliases: renamedFrom(`public-${i}`) },
            );
            new ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, { parent: this, aliases: renamedFrom(`public-${i}`) });
            return subnet.id;
        });
        this.registerOutputs({ vpcId: this.vpc.id, publicSubnetIds: this.publicSubnetIds });
    }
}
