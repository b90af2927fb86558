// A managed domain's two halves: the certificate (ACM, validated by a DNS record in the stack's hosted
// zone) that the ingress serves HTTPS with, and the record that points the name at the ingress. The
// deploy role may write exactly these records (infra/delivery/domain-policy.ts).
import * as pulumi from "@pulumi/pulumi";
import * as acm from "@pulumi/aws/acm";
import * as route53 from "@pulumi/aws/route53";

export interface DomainCertificateArgs {
    /** Route 53 hosted zone id holding `domainName`. */
    zoneId: string;
    /** The one name the certificate covers (ACM: at most 64 characters as the Common Name). */
    domainName: string;
    /** TTL of the validation record, seconds. @default 300 */
    validationTtl?: number;
}

/**
 * An ACM certificate for one name, validated through DNS in the given Route 53 zone: the certificate,
 * the CNAME ACM asks for, and the wait for issuance. `certificateArn` resolves only once ACM has issued
 * it, so a listener or custom domain that uses it waits too. ACM renews it for as long as the
 * validation record stays (ACM User Guide, "Managed certificate renewal").
 */
export class DomainCertificate extends pulumi.ComponentResource {
    readonly certificate: acm.Certificate;
    readonly validationRecord: route53.Record;
    /** The issued certificate's ARN. */
    readonly certificateArn: pulumi.Output<string>;

    constructor(name: string, args: DomainCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:DomainCertificate", name, {}, opts);
        this.certificate = new acm.Certificate(
            `${name}-certificate`,
            {
                domainName: args.domainName,
                validationMethod: "DNS",
                // ACM's default key; a newer algorithm would exclude older clients.
                keyAlgorithm: "RSA_2048",
            },
            // A replacement is issued and validated before the old one is released from the listener.
            { parent: this, deleteBeforeReplace: false },
        );
        // One name, so exactly one validation option. Declared outside an apply so previews and the
        // offline plan show the record; only its name and value come from ACM.
        const option = this.certificate.domainValidationOptions.apply((o) => {
            const found = o.find((x) => x.domainName === args.domainName) ?? o[0];
            if (!found) throw new Error(`ACM returned no DNS validation option for ${args.domainName}`);
            return found;
        });
        this.validationRecord = new route53.Record(
            `${name}-validation`,
            {
                zoneId: args.zoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: args.validationTtl ?? 300,
                // Never take over a record someone else made: Route 53 refuses the CREATE instead.
                allowOverwrite: false,
            },
            { parent: this },
        );
        const validation = new acm.CertificateValidation(
            `${name}-validated`,
            { certificateArn: this.certificate.arn, validationRecordFqdns: [this.validationRecord.fqdn] },
            { parent: this },
        );
        this.certificateArn = validation.certificateArn;
        this.registerOutputs({ certificateArn: this.certificateArn, domainName: args.domainName });
    }
}

/** Where the name points: an alias to an AWS endpoint (ALB, API Gateway regional domain), or a CNAME. */
export type DomainTarget = { kind: "alias"; dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> } | { kind: "cname"; value: pulumi.Input<string> };

export interface DomainRecordArgs {
    zoneId: string;
    /** The name the app serves. */
    domainName: string;
    target: DomainTarget;
    /** TTL of a CNAME, seconds (aliases take their target's). @default 60 */
    ttl?: number;
}

/**
 * The record that sends the app's name to its ingress: an A alias (answered by Route 53 at no query
 * charge for AWS resources, and valid at a zone apex) or a CNAME (Beanstalk's environment name; not at
 * an apex, DNS forbids it).
 */
export class DomainRecord extends pulumi.ComponentResource {
    readonly record: route53.Record;

    constructor(name: string, args: DomainRecordArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:DomainRecord", name, {}, opts);
        const t = args.target;
        this.record = new route53.Record(
            `${name}-record`,
            t.kind === "alias"
                ? { zoneId: args.zoneId, name: args.domainName, type: "A", aliases: [{ name: t.dnsName, zoneId: t.zoneId, evaluateTargetHealth: false }], allowOverwrite: false }
                : { zoneId: args.zoneId, name: args.domainName, type: "CNAME", records: [t.value], ttl: args.ttl ?? 60, allowOverwrite: false },
            { parent: this },
        );
        this.registerOutputs({ fqdn: this.record.fqdn });
    }
}
