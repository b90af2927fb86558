// Typed IAM policy builders: documents are built from data (jsonOutput, pulumi.jsonStringify's text), never hand-written JSON.
import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { jsonOutput } from "./json";

export interface Statement {
    Sid?: string;
    Effect?: "Allow" | "Deny";
    /** Only for resource policies (bucket, topic, key policies). */
    Principal?: "*" | Record<string, pulumi.Input<string | string[]>>;
    Action: string[];
    /** One of Resource and NotResource (NotResource only in Deny statements). */
    Resource?: pulumi.Input<string>[] | pulumi.Input<string>;
    NotResource?: pulumi.Input<string>[];
    Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

/** A policy document as a JSON string Output. */
export function policyDocument(statements: Statement[]): pulumi.Output<string> {
    return jsonOutput({
        Version: "2012-10-17",
        Statement: statements.map((s) => ({ Effect: "Allow", ...s })),
    });
}

/**
 * Trust policy letting an AWS service assume a role. With `accountId`, only calls on behalf of this
 * account may (confused-deputy guard); `condition` replaces that where the service documents another.
 */
export function serviceTrustPolicy(service: string, accountId?: pulumi.Input<string>, condition?: Statement["Condition"]): pulumi.Output<string> {
    const guard = condition ?? (accountId ? { StringEquals: { "aws:SourceAccount": accountId } } : undefined);
    return jsonOutput({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...(guard ? { Condition: guard } : {}) }],
    });
}

export interface ServiceRoleArgs {
    /** Service principal, e.g. `codebuild.amazonaws.com`. */
    service: string;
    description: pulumi.Input<string>;
    /** IAM path (the app's, or an environment's inside it). */
    path: string;
    /** Limit assumption to calls on behalf of this account (aws:SourceAccount). */
    accountId?: pulumi.Input<string>;
    /** A documented trust condition instead of aws:SourceAccount (e.g. Beanstalk's sts:ExternalId). */
    condition?: Statement["Condition"];
    /** Permissions boundary (environment roles carry their stack's: its deploy role may create no other). */
    permissionsBoundary?: pulumi.Input<string>;
}

/** A role an AWS service assumes: one-hour sessions, trust guarded as above. */
export function serviceRole(name: string, args: ServiceRoleArgs, opts?: pulumi.CustomResourceOptions): iam.Role {
    return new iam.Role(
        name,
        {
            path: args.path,
            description: args.description,
            assumeRolePolicy: serviceTrustPolicy(args.service, args.accountId, args.condition),
            maxSessionDuration: 3600,
            permissionsBoundary: args.permissionsBoundary,
        },
        opts,
    );
}
