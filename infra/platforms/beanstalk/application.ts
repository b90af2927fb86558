// The app's one Elastic Beanstalk application, held by the delivery stack: every Beanstalk environment
// of the app (any stack may choose slipway:platform beanstalk, review stacks included) lives in it.
import * as pulumi from "@pulumi/pulumi";
import * as elasticbeanstalk from "@pulumi/aws/elasticbeanstalk";
import * as iam from "@pulumi/aws/iam";
import { arnOf, AwsContext } from "../../shared/aws-context";
import { policyDocument, serviceRole } from "../../shared/iam";
import { beanstalkApplicationName, rolePath } from "../../contract";

export interface BeanstalkApplicationArgs {
    app: string;
    /** Keep the application through a destroy: every Beanstalk environment of the app lives in it. @default true */
    protect?: boolean;
    ctx: AwsContext;
}

/**
 * The application (free), with a version lifecycle: every deploy adds an application version and an
 * account holds at most 1,000, so EB keeps the newest 200, assuming its own role to delete the rest.
 * Bundles stay in S3 (the environments' buckets expire them); only the version records go.
 */
export class BeanstalkApplication extends pulumi.ComponentResource {
    readonly application: elasticbeanstalk.Application;

    constructor(name: string, args: BeanstalkApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:delivery:BeanstalkApplication", name, {}, opts);
        const { app, ctx } = args;
        const applicationName = beanstalkApplicationName(app);
        // These were the delivery stack's own resources before this component held them.
        const movedHere = (legacyName: string): pulumi.Alias[] => [{ name: legacyName, parent: pulumi.rootStackResource }];
        const versionsRole = serviceRole(
            `${name}-versions`,
            {
                service: "elasticbeanstalk.amazonaws.com",
                description: `Elastic Beanstalk: expire old application versions of ${app}`,
                path: rolePath(app),
                condition: { StringEquals: { "sts:ExternalId": "elasticbeanstalk" } },
            },
            { parent: this, aliases: movedHere("beanstalk-versions") },
        );
        new iam.RolePolicy(
            `${name}-versions-policy`,
            {
                role: versionsRole.id,
                policy: policyDocument([
                    {
                        Sid: "ExpireOldVersions",
                        Action: ["elasticbeanstalk:DescribeApplicationVersions", "elasticbeanstalk:DeleteApplicationVersion"],
                        Resource: [arnOf(ctx, "elasticbeanstalk", `application/${applicationName}`), arnOf(ctx, "elasticbeanstalk", `applicationversion/${applicationName}/*`)],
                    },
                ]),
            },
            { parent: this, aliases: movedHere("beanstalk-versions-policy") },
        );
        this.application = new elasticbeanstalk.Application(
            `${name}-app`,
            {
                name: applicationName,
                description: `${app}: environments on Elastic Beanstalk (slipway)`,
                appversionLifecycle: { serviceRole: versionsRole.arn, maxCount: 200, deleteSourceFromS3: false },
            },
            // EB refuses to delete an application with running environments unless forced to terminate them.
            { parent: this, aliases: movedHere("beanstalk-app"), protect: args.protect ?? true },
        );
        this.registerOutputs({ applicationName: this.application.name });
    }
}
