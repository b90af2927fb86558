// A copy of some of the app's secrets for one process (a worker or a scheduled job narrowed with `secrets`,
// infra/platforms/ecs/process-secrets.ts): one Secrets Manager secret holding only those names, as a JSON object
// like the app's. The process's task definition references this copy, and its `slipway.secrets-version` label is
// this copy's version, which changes only when one of its own values changes: a rotation of another secret leaves
// the process's definition, and so its running tasks, alone.
import * as pulumi from "@pulumi/pulumi";
import * as secretsmanager from "@pulumi/aws/secretsmanager";

export interface ProcessSecretArgs {
    /** Secret name prefix: `slipway/<app>/<stack>/<process>/` (under the stack's prefix, which its runtime policy reads and its deploy role writes). */
    namePrefix: string;
    /** The process, for the description. */
    process: string;
    /** NAME → value of the names the process reads; every value must already be a secret Output. */
    values: Record<string, pulumi.Output<string>>;
    /**
     * Production: protected with a 30-day recovery window, as the app's secret (the policy pack's
     * stateful-resources-protected). Un-narrowing such a process then needs `pulumi state unprotect` first. @default false
     */
    protect?: boolean;
}

/** One process's own secret: `<arn>:<NAME>::` for each of its names, and the version its tasks roll on. */
export class ProcessSecret extends pulumi.ComponentResource {
    readonly secret: secretsmanager.Secret;
    readonly arn: pulumi.Output<string>;
    /** Changes only when one of this process's values changes. */
    readonly versionId: pulumi.Output<string>;
    readonly names: string[];

    constructor(name: string, args: ProcessSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:ProcessSecret", name, {}, opts);
        this.names = Object.keys(args.values).sort();
        this.secret = new secretsmanager.Secret(
            `${name}-secret`,
            { namePrefix: args.namePrefix, description: `The app secrets ${args.process} reads: ${this.names.join(", ")}`, recoveryWindowInDays: args.protect ? 30 : 0 },
            { parent: this, protect: args.protect ?? false },
        );
        const json = pulumi.secret(pulumi.all(args.values).apply((v) => JSON.stringify(Object.fromEntries(this.names.map((n) => [n, v[n]])))));
        // Not protected, as the app's: a new value replaces the version (secretString, force-new.json), and AWSCURRENT moves.
        const version = new secretsmanager.SecretVersion(`${name}-current`, { secretId: this.secret.id, secretString: json }, { parent: this });
        this.arn = this.secret.arn;
        this.versionId = version.versionId;
        this.registerOutputs({ arn: this.arn, versionId: this.versionId });
    }
}
