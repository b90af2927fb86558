// Typed IAM policy builders: documents are built from data with pulumi.jsonStringify, never hand-written JSON.
import * as pulumi from "@pulumi/pulumi";

export interface Statement {
    Sid?: string;
    Effect?: "Allow" | "Deny";
    /** Only for resource policies (bucket, topic, key policies). */
    Principal?: "*" | Record<string, pulumi.Input<string | string[]>>;
    Action: string[];
    Resource: pulumi.Input<string>[] | pulumi.Input<string>;
    Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

/** A policy document as a JSON string Output. */
export function policyDocument(statements: Statement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: statements.map((s) => ({ Effect: "Allow", ...s })),
    });
}

/** Trust policy letting an AWS service assume a role, limited to this account where AWS supports it. */
export function serviceTrustPolicy(service: string, accountId?: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                // Confused-deputy guard: only calls on behalf of this account may assume the role.
                ...(accountId ? { Condition: { StringEquals: { "aws:SourceAccount": accountId } } } : {}),
            },
        ],
    });
}
