// The ops roles' config keys (delivery stacks; infra/delivery/ops-access.ts): who may assume them, and
// whether the production rollback role exists. Light on purpose (zod only): schema.ts adds these keys.
import { z } from "zod";
import { key } from "../config/keys";

/** An IAM role or user ARN of one account (no wildcard: a trust policy names principals, it does not match them). */
export const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@\/-]+$/;

export const OPS_KEYS = [
    key({
        key: "opsPrincipals",
        roles: ["delivery"],
        type: "array",
        description:
            "IAM roles or users (ARNs) that may assume the ops roles `npm run metrics`, `status` and `rollback` use (docs/day-to-day.md, Credentials for the ops commands). Empty: any principal of the delivery stack's account whose own policy allows sts:AssumeRole on them, signed in with MFA.",
        default: [],
        schema: z
            .array(z.string().regex(IAM_PRINCIPAL_ARN, "must be IAM role or user ARNs like arn:aws:iam::123456789012:role/ops (no wildcards)"))
            .max(20, "must list at most 20 principals")
            .refine((a) => new Set(a).size === a.length, "must not repeat a principal"),
        example: '["arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Ops_0123456789abcdef"]',
    }),
    key({
        key: "opsRollback",
        roles: ["delivery"],
        type: "boolean",
        description:
            "Declare the ops rollback role: the read-only ops role's rights plus codepipeline:RollbackStage on the production stage only (npm run rollback -- --stack <production>). false: no role may roll back through slipway's ops roles.",
        default: true,
        schema: z.boolean(),
        example: "false",
    }),
] as const;

/** The ops roles' settings. */
export interface OpsSettings {
    /** Who may assume the ops roles; empty: the account's principals, with MFA. */
    principals: string[];
    /** Whether the production rollback role exists. */
    rollback: boolean;
}
