// Network built from its Args: the VPC every environment's ingress and tasks live in. What matters on the
// real path is what the component promises in its doc comments: public subnets only, no NAT gateway,
// subnets that hand out no public IP by themselves, a default security group adopted with no rules (and
// tagged so no deploy role may open it), and the documented defaults (10.20.0.0/16 over two zones).
import * as assert from "node:assert/strict";
import { ADOPTED_TAG, ADOPTED_VALUE } from "../../infra/contract";
import { Network, NetworkArgs } from "../../infra/environment/network";
import { mockId } from "../../tools/plan/identities";
import { assertDisjoint, assertOwnsItsChildren, build, componentTests, ofType, REGION, registeredOutputs, res } from "./harness";

const test = componentTests(__filename);

const NETWORK = "slipway:environment:Network";
const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTES = "aws:ec2/routeTable:RouteTable";
const ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const IGW = "aws:ec2/internetGateway:InternetGateway";
const DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";

const network = (args: NetworkArgs = {}, name = "network") =>
    build(() => {
        const n = new Network(name, args);
        return { vpcId: n.vpc.id, subnetIds: n.publicSubnetIds };
    });

test("a Network owns its VPC, gateway, route table, subnets and default group, all named after it", async () => {
    const [a, b] = [await network({}, "network"), await network({}, "other")];
    assertOwnsItsChildren(a, NETWORK, "network");
    assertOwnsItsChildren(b, NETWORK, "other");
    assertDisjoint(a, b);
});

test("by default the VPC is 10.20.0.0/16 with DNS, split into two /18 subnets in the region's first two zones", async () => {
    const p = await network();
    const vpc = res(p, VPC, "network-vpc").inputs;
    assert.deepEqual([vpc.cidrBlock, vpc.enableDnsHostnames, vpc.enableDnsSupport], ["10.20.0.0/16", true, true]);
    const subnets = ofType(p, SUBNET);
    assert.deepEqual(
        subnets.map((s) => [s.name, s.inputs.cidrBlock, s.inputs.availabilityZone, s.inputs.vpcId]),
        [
            ["network-public-0", "10.20.0.0/18", `${REGION}a`, p.outputs.vpcId],
            ["network-public-1", "10.20.64.0/18", `${REGION}b`, p.outputs.vpcId],
        ],
    );
});

test("cidr and azCount reach the VPC and its subnets", async () => {
    const p = await network({ cidr: "10.1.0.0/20", azCount: 3 });
    assert.equal(res(p, VPC, "network-vpc").inputs.cidrBlock, "10.1.0.0/20");
    assert.deepEqual(
        ofType(p, SUBNET).map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone]),
        [
            ["10.1.0.0/22", `${REGION}a`],
            ["10.1.4.0/22", `${REGION}b`],
            ["10.1.8.0/22", `${REGION}c`],
        ],
    );
    assert.equal(ofType(p, ASSOCIATION).length, 3);
});

test("every subnet routes to the internet gateway, hands out no public IP on its own, and there is no NAT gateway", async () => {
    const p = await network();
    const igw = res(p, IGW, "network-igw");
    assert.equal(igw.inputs.vpcId, p.outputs.vpcId);
    // The one default route goes to this Network's own gateway (its id as the mock mints it).
    assert.deepEqual(res(p, ROUTES, "network-public").inputs.routes, [{ cidrBlock: "0.0.0.0/0", gatewayId: mockId(IGW, "network-igw", "") }]);
    for (const s of ofType(p, SUBNET)) assert.equal(s.inputs.mapPublicIpOnLaunch, false, s.name);
    const associations = ofType(p, ASSOCIATION);
    assert.deepEqual(associations.map((a) => a.inputs.subnetId), p.outputs.subnetIds);
    for (const a of associations) assert.equal(a.inputs.routeTableId, associations[0].inputs.routeTableId);
    assert.deepEqual(ofType(p, "aws:ec2/natGateway:NatGateway"), []);
    assert.deepEqual(ofType(p, "aws:ec2/eip:Eip"), []);
});

test("the default security group is adopted with no rules at all and tagged as adopted", async () => {
    const sg = res(await network(), DEFAULT_SG, "network-default-sg").inputs;
    assert.deepEqual(sg.ingress, []);
    assert.deepEqual(sg.egress, []);
    assert.deepEqual(sg.tags, { [ADOPTED_TAG]: ADOPTED_VALUE });
});

test("nothing in a Network is protected: an environment's network is recreated with its stack", async () => {
    const p = await network();
    for (const r of p.resources) assert.equal(r.protect, false, r.name);
});

test("a Network registers its VPC id and subnet ids", async () => {
    const p = await network();
    assert.deepEqual(registeredOutputs(p, res(p, NETWORK, "network")), { vpcId: p.outputs.vpcId, publicSubnetIds: p.outputs.subnetIds });
    assert.equal((p.outputs.subnetIds as string[]).length, 2);
});
