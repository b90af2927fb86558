// The CrossGuard entry point: `pulumi preview --policy-pack policy` / `pulumi up --policy-pack policy`.
// Constructing a PolicyPack starts the policy gRPC server and waits for the engine, so nothing but the
// Pulumi CLI imports this file; tests and the offline plan import ./rules and ./offline.
import { PolicyPack } from "@pulumi/policy";
import { packPolicies } from "./pack";
import { RULES } from "./rules";

new PolicyPack("slipway", {
    description: "slipway: security and reliability rules mirrored from Checkov, cdk-nag, tfsec and awsguard (see docs/security.md)",
    policies: packPolicies(RULES),
});
