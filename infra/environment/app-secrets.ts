import * as pulumi from "@pulumi/pulumi";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import { renamedFrom } from "../contract";

export interface AppSecretsArgs {
    /** Secret name prefix, e.g. `slipway/shop/staging/`. */
    namePrefix: string;
    /** NAME → secret value; every value must already be a secret Output. */
    values: Record<string, pulumi.Output<string>>;
    /**
     * Keep the secret through `pulumi destroy` and a 30-day recovery window (production). When false
     * the secret is deleted at once, so a recreated review stack can reuse the name.
     * @default false
     */
    protect?: boolean;
}

/**
 * The environment's app secrets as one Secrets Manager secret holding a JSON object (one secret per
 * environment: $0.40/month instead of $0.40 per key). Consumers reference `<arn>:<NAME>::`.
 */
export class AppSecrets extends pulumi.ComponentResource {
    readonly secret: secretsmanager.Secret;
    readonly arn: pulumi.Output<string>;
    /** Changes whenever any value changes; consumers roll on it (ECS reads secrets only at task start). */
    readonly versionId: pulumi.Output<string>;
    readonly names: string[];
    /** NAME → value (secret Outputs): a process narrowed to some of them gets its own copy (process-secret.ts). */
    readonly values: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:AppSecrets", name, {}, opts);
        const protect = args.protect ?? false;
        this.names = Object.keys(args.values).sort();
        this.values = args.values;
        this.secret = new secretsmanager.Secret(
            `${name}-app`,
            {
                namePrefix: args.namePrefix,
                description: `App secrets: ${this.names.join(", ") || "(none yet)"}`,
                recoveryWindowInDays: protect ? 30 : 0,
            },
            { parent: this, aliases: renamedFrom("app"), protect },
        );
        const json = pulumi.secret(pulumi.all(args.values).apply((v) => JSON.stringify(Object.fromEntries(this.names.map((n) => [n, v[n]])))));
        // Not protected, unlike the secret: a new value replaces the version resource (the provider's
        // secret_string is ForceNew), and a protected version would make every production rotation
        // fail. Replacing it only moves AWSCURRENT; the secret and its history stay.
        const version = new secretsmanager.SecretVersion(`${name}-current`, { secretId: this.secret.id, secretString: json }, { parent: this, aliases: renamedFrom("current") });
        this.arn = this.secret.arn;
        this.versionId = version.versionId;
        this.registerOutputs({ arn: this.arn, versionId: this.versionId });
    }
}
