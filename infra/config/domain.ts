// Managed domains: the stack config keys and checks, and the names both sides derive. An environment
// given a Route 53 hosted zone (slipway:domainZoneId) and a name (slipway:domainName) makes its own ACM
// certificate, validates it with DNS records in that zone, and points the name at its ingress; the
// delivery stack reads the same two keys from the environment's stack file and lets that stack's deploy
// role write exactly those names in that zone (infra/delivery/domain-policy.ts).
import { z } from "zod";
import { key, optional } from "./keys";

/**
 * Route 53 hosted zone ids: Route 53's ResourceId type, at most 32 characters (Route 53 API Reference,
 * "HostedZone": Id, Length Constraints: Maximum length of 32); ids are upper-case letters and digits
 * (`Z0123456789ABCDEFGHIJ`). The console and the API's HostedZone.Id show them as `/hostedzone/<id>`.
 */
export const HOSTED_ZONE_ID = /^[A-Z0-9]{1,32}$/;

/**
 * ACM: "the length of the domain name (technically, the Common Name) that you provide cannot exceed 64
 * octets (characters), including periods" (ACM API Reference, RequestCertificate: DomainName, RFC 5280).
 */
export const ACM_COMMON_NAME_MAX = 64;

/** A review stack's name label: review-pr-<N> serves pr-<N>.<domainName>. Room is kept for six-digit PR numbers. */
export const REVIEW_LABEL_ROOM = "pr-999999.".length;

/**
 * ACM's DNS validation record for a name is `_<token>.<name>`; every token in AWS's ACM documentation
 * (User Guide, "DNS validation") is 32 hexadecimal characters, e.g. `_a79865eb4cd1a6ab990a45779b4e0b96`.
 * A deploy role may write `_` + 32 characters + `.<its name>` only, so it cannot reach the validation
 * record of a longer name below its own (`_x.pr-7.<name>`). If ACM ever issued another length, the
 * deploy would be refused by IAM (never widened).
 */
export const ACM_VALIDATION_LABEL = `_${"?".repeat(32)}`;

export const DOMAIN_KEYS = [
    key({
        key: "domainZoneId",
        roles: ["environment"],
        type: "string",
        description:
            "Route 53 hosted zone id (e.g. Z0123456789ABCDEFGHIJ) holding slipway:domainName: the stack then creates its ACM certificate, validates it with DNS records in the zone and points the name at its ingress (ALB or HTTP API alias, Beanstalk CNAME). Its deploy role may write only those records. On a review-tier stack domainName is the parent: review-pr-<N> serves pr-<N>.<domainName>. Excludes certificateArn. Empty: no managed domain.",
        default: "",
        schema: optional(
            z
                .string()
                .refine((v) => !v.startsWith("/hostedzone/"), "must be the zone id alone, without the /hostedzone/ prefix")
                .refine((v) => HOSTED_ZONE_ID.test(v), "must be a Route 53 hosted zone id: 1–32 upper-case letters and digits, like Z0123456789ABCDEFGHIJ"),
        ),
        example: "Z0123456789ABCDEFGHIJ",
    }),
] as const;

/** The review template stack (infra/delivery/state-backend.ts REVIEW_TEMPLATE_STACK, repeated so config parsing loads without Pulumi). */
export const REVIEW_TEMPLATE_FILE_STACK = "review";

/** A managed domain: the zone and the name the stack serves. */
export interface ManagedDomain {
    zoneId: string;
    /** The name this stack serves (review stacks: pr-<N>.<domainName>). */
    name: string;
}

/** The name a review-tier stack serves under `parent`: review-pr-<N> → pr-<N>.<parent>; the template `review` plans as pr-0. */
export function reviewDomainName(stack: string, parent: string): string {
    const label = stack === "review" ? "pr-0" : stack.replace(/^review-/, "");
    return `${label}.${parent}`;
}

/** What a deploy role may write: the certificate names it requests and the record names it changes (Route 53's normalized form). */
export interface DomainGrant {
    zoneId: string;
    /** acm:DomainNames patterns. */
    certificateNames: string[];
    /** route53:ChangeResourceRecordSetsNormalizedRecordNames patterns. */
    recordNames: string[];
}

/** A policy stack's grant: the exact name (pipeline stacks) or every pr-* name under the parent (review). */
export function domainGrant(zoneId: string, name: string, review: boolean): DomainGrant {
    const served = review ? `pr-*.${name}` : name;
    return { zoneId, certificateNames: [served], recordNames: [served, `${ACM_VALIDATION_LABEL}.${served}`] };
}

/**
 * The managed domain a stack file sets (its raw `slipway:` config, as the delivery stack reads it), or
 * undefined. The environment's own validation has already refused a zone with a certificate ARN.
 */
export function managedDomainOfStackFile(config: Record<string, string> | undefined): { zoneId: string; name: string } | undefined {
    const zoneId = config?.["slipway:domainZoneId"] ?? "";
    const name = config?.["slipway:domainName"] ?? "";
    return zoneId && name && HOSTED_ZONE_ID.test(zoneId) ? { zoneId, name } : undefined;
}

/** The managed domain's config problems, each naming the key and the fix. */
export function domainProblems(
    d: { domainZoneId: string; domainName: string; certificateArn: string },
    ctx: { stack: string; review: boolean; singleInstance: boolean },
): string[] {
    const { stack } = ctx;
    const problems: string[] = [];
    if (!d.domainZoneId) return problems;
    if (d.certificateArn) {
        problems.push(
            `slipway:domainZoneId and slipway:certificateArn are both set: a managed domain creates its own certificate, so choose one. Fix: pulumi config rm slipway:certificateArn --stack ${stack} (managed domain) or pulumi config rm slipway:domainZoneId --stack ${stack} (your certificate)`,
        );
        return problems;
    }
    if (!d.domainName) {
        problems.push(
            `slipway:domainZoneId is set but slipway:domainName is empty: the managed domain needs the name to serve (${ctx.review ? "on a review stack, the parent name: review-pr-<N> serves pr-<N>.<name>" : "a name in the zone"}). Fix: pulumi config set slipway:domainName ${ctx.review ? "review.shop.example.com" : "app.example.com"} --stack ${stack}`,
        );
        return problems;
    }
    if (ctx.singleInstance) {
        problems.push(
            `slipway:domainZoneId is set on a SingleInstance Beanstalk environment: it has no load balancer to hold the certificate, so the name would serve plain HTTP. Fix: pulumi config set slipway:beanstalkEnvironmentType LoadBalanced --stack ${stack} (or pulumi config rm slipway:domainZoneId --stack ${stack})`,
        );
    }
    if (ctx.review) {
        if (stack !== "review" && !/^review-pr-\d+$/.test(stack)) {
            problems.push(
                `stack ${stack} is a review-tier stack with slipway:domainZoneId, but its name is not review-pr-<N>: review stacks serve pr-<N>.<domainName>, the only names the review deploy role may write. Fix: name the stack review-pr-<N> (or pulumi config rm slipway:domainZoneId --stack ${stack})`,
            );
        }
        const max = ACM_COMMON_NAME_MAX - REVIEW_LABEL_ROOM;
        if (d.domainName.length > max) {
            problems.push(
                `slipway:domainName = "${d.domainName}" is ${d.domainName.length} characters: review stacks serve pr-<N>.${d.domainName}, and ACM refuses a certificate name over ${ACM_COMMON_NAME_MAX} characters (room is kept for pr-<6 digits>.). Fix: pulumi config set slipway:domainName <a parent of at most ${max} characters> --stack ${stack}`,
            );
        }
    } else if (d.domainName.length > ACM_COMMON_NAME_MAX) {
        problems.push(
            `slipway:domainName = "${d.domainName}" is ${d.domainName.length} characters: ACM refuses a certificate name (its Common Name) over ${ACM_COMMON_NAME_MAX} characters. Fix: pulumi config set slipway:domainName <a name of at most ${ACM_COMMON_NAME_MAX} characters> --stack ${stack}`,
        );
    }
    return problems;
}
