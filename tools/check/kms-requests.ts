// KMS requests as AWS evaluates them: against the ARN the mock engine gives each key
// (tools/plan/identities.ts, the ARN the roles' policies name) and with the key's own policy (its
// `policy` input) as the resource policy. KMS decides on the key policy first: IAM policies count only
// where the key policy allows the account (or names the principal), and without a key policy nothing is
// allowed. A KMS request simulated without the key policy, or on an ARN no policy names, is denied
// whatever the roles say, so it proves nothing.
//
// Own-key use (sufficiency): a stack whose secrets provider is `awskms://<key>` has Pulumi decrypt its
// data key with that key on every command (`pulumi config cp` from the review template too) and encrypt
// a new one when a workflow creates the stack (`pulumi stack init --secrets-provider`: review stacks).
// Nothing else of the program uses a key with the deploy role's credentials: app secrets are encrypted
// with Secrets Manager's AWS managed key (no kmsKeyId), which needs no grant.
import { STACK_TAG } from "../../infra/contract";
import { mockArn, mockId, physicalNameOf } from "../plan/identities";
import type { Plan, PlannedResource } from "../plan/mock-engine";
import type { Doc, Request } from "./iam-sim";
import handlerPermissions from "../../policy/data/cfn-handler-permissions.json";

export const KEY_TYPE = "aws:kms/key:Key";
const ALIAS_TYPE = "aws:kms/alias:Alias";

/** Where a plan lives (a StackView's part these requests need). */
interface Where {
    plan: Plan;
    region: string;
    /** The plan's stack tag (`<app>/<stack>`), which the provider's defaultTags put on every resource. */
    tag?: string;
}

/** A key of a plan as AWS holds it. */
export interface PlannedKey {
    resource: PlannedResource;
    /** The ARN the mock engine gives it (its `arn` output, what policies name). */
    arn: string;
    /** Its key policy; undefined when the plan leaves it to AWS's default. */
    policy?: Doc;
    /** Its stack tag: a stack's `<app>/<stack>` or a pattern (`shop/review-*`). */
    stackTag?: string;
    /** Its aliases' names (`alias/slipway/shop/staging`). */
    aliases: string[];
}

/** The ARN the mock engine gives a key resource. */
export function keyArnOf(r: PlannedResource, region: string): string {
    const physical = physicalNameOf(r.name, r.inputs);
    return mockArn(KEY_TYPE, r.name, physical, mockId(KEY_TYPE, r.name, physical), r.inputs, region) as string;
}

/** Every key `plan` declares, with its ARN, key policy, stack tag (its own, else `defaultTag`) and aliases. */
export function keysOf(plan: Plan, region: string, defaultTag?: string): PlannedKey[] {
    const keys = plan.resources.filter((r) => r.type === KEY_TYPE);
    const aliases = plan.resources.filter((r) => r.type === ALIAS_TYPE);
    return keys.map((k) => {
        const arn = keyArnOf(k, region);
        const keyId = arn.split("/").pop();
        // The alias's targetKeyId is the key's id output (unknown in a plan): match it when known, else by the
        // alias's logical name (`<key>-alias`, infra/delivery/stack-access.ts).
        const mine = aliases.filter((a) => {
            const target = a.inputs.targetKeyId;
            if (typeof target === "string" && target !== "[unknown]") return target === keyId || target === arn || target === k.urn;
            return a.name === `${k.name}-alias` && a.parent === k.parent;
        });
        const tags = k.inputs.tags as Record<string, unknown> | undefined;
        return {
            resource: k,
            arn,
            policy: typeof k.inputs.policy === "string" ? (JSON.parse(k.inputs.policy) as Doc) : undefined,
            stackTag: typeof tags?.[STACK_TAG] === "string" ? (tags[STACK_TAG] as string) : defaultTag,
            aliases: mine.map((a) => String(a.inputs.name)),
        };
    });
}

/** Whether a key tagged `keyTag` (a stack or a `*` pattern) belongs to the stack tagged `stackTag`. */
export function keyBelongsTo(keyTag: string | undefined, stackTag: string): boolean {
    if (!keyTag) return false;
    const re = new RegExp(`^${keyTag.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    return re.test(stackTag);
}

/** The key of `plan` a secrets-provider URL names (`awskms://alias/…`, `awskms://<key id or ARN>`), if it is one of the plan's. */
export function secretsProviderKey(secretsProvider: string | undefined, where: Where): PlannedKey | undefined {
    const m = secretsProvider ? /^awskms:\/\/([^?]+)/.exec(secretsProvider) : null;
    if (!m) return undefined;
    const ref = decodeURIComponent(m[1]);
    return keysOf(where.plan, where.region).find((k) => k.arn === ref || k.arn.endsWith(`/${ref}`) || k.aliases.includes(ref) || k.aliases.some((a) => ref.endsWith(`:${a}`)));
}

/** Using a key's material: what another stack's role must never do with its key. */
const USE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant"];
/** Taking it away or opening it up. */
const CONTROL = ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey"];
const READ_ONLY = /^kms:(Describe|Get|List)/;

/**
 * Attacks on every key of `target` that does not belong to the stack tagged `ownTag`: using it (decrypt,
 * encrypt, data keys, re-encryption, grants), disabling, deleting or re-policying it, every other change
 * its CloudFormation handler lists, and re-tagging it into the attacker's stack. Each request carries the
 * key's tag and the key policy.
 */
export function kmsAttackRequests(target: Where, ownTag: string): Request[] {
    const h = (handlerPermissions as unknown as { types: Record<string, { update?: string[]; delete?: string[] }> }).types[KEY_TYPE] ?? {};
    const actions = [...new Set([...USE, ...CONTROL, ...(h.update ?? []), ...(h.delete ?? [])].filter((a) => !READ_ONLY.test(a)))];
    const out: Request[] = [];
    for (const key of keysOf(target.plan, target.region, target.tag)) {
        if (keyBelongsTo(key.stackTag, ownTag)) continue;
        const resourceTag: Record<string, string> = key.stackTag ? { [`aws:ResourceTag/${STACK_TAG}`]: key.stackTag } : {};
        for (const action of actions) {
            const context: Record<string, string | string[]> = { "aws:RequestedRegion": target.region, ...resourceTag };
            if (action === "kms:TagResource") Object.assign(context, { [`aws:RequestTag/${STACK_TAG}`]: ownTag, "aws:TagKeys": [STACK_TAG] });
            if (action === "kms:UntagResource") context["aws:TagKeys"] = [STACK_TAG];
            out.push({ action, resource: key.arn, context, why: `${target.plan.stack} ${KEY_TYPE} ${key.resource.name}`, resourcePolicy: key.policy });
        }
    }
    return out;
}

/**
 * What the deploy role of `stack` does with its own secrets-provider key, declared in `delivery`'s plan:
 * decrypt the stack's data key (every command), and encrypt a new one when the workflow creates the stack
 * (`createsStack`: review stacks). None for a passphrase or Pulumi Cloud stack, or a key slipway does not
 * declare (its policy is not in any plan).
 */
export function kmsDeployRequests(stack: Where, delivery: Where, secretsProvider: string | undefined, opts: { createsStack?: boolean } = {}): Request[] {
    const key = secretsProviderKey(secretsProvider, delivery);
    if (!key) return [];
    const context = { "aws:RequestedRegion": delivery.region };
    const why = (what: string) => `${stack.plan.stack} secrets provider ${secretsProvider}: ${what}`;
    const out: Request[] = [{ action: "kms:Decrypt", resource: key.arn, context, why: why("the stack's data key, on every pulumi command"), resourcePolicy: key.policy }];
    if (opts.createsStack) out.push({ action: "kms:Encrypt", resource: key.arn, context, why: why("a new stack's data key (pulumi stack init)"), resourcePolicy: key.policy });
    return out;
}
