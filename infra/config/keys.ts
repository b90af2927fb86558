// The shape of one stack config key and the helpers its schemas are written with. The key table is
// infra/config/schema.ts (every stack role's keys) plus each platform's own (infra/platforms/*/settings.ts);
// Pulumi.yaml's config block, docs/config.md and the validator are all derived from it.
import { z } from "zod";

export const ROLES = ["delivery", "environment"] as const;
export type Role = (typeof ROLES)[number];
export type ValueType = "string" | "integer" | "boolean" | "array" | "map";

export interface KeySpec<K extends string = string, S extends z.ZodType = z.ZodType, R extends readonly Role[] = readonly Role[]> {
    /** Key name without the `slipway:` namespace. */
    key: K;
    /** Stack roles that read the key. */
    roles: R;
    type: ValueType;
    description: string;
    /** Default written to Pulumi.yaml. Undefined: the key must be set in every stack. */
    default?: string | number | boolean | readonly string[];
    /** True when the default is an empty placeholder and the role(s) that read it need a real value. */
    requiredFor?: readonly Role[];
    /** Empty means "the stack's tier decides" (infra/config/tiers.ts TIER_DEFAULTS). */
    byTier?: true;
    /** Validates the decoded value. Its message says what is allowed. */
    schema: S;
    /** Example value used in "how to set it" hints. */
    example: string;
    /** Map of `secure:` values (set with `pulumi config set --secret --path`). */
    secretValues?: boolean;
}

/** Declares a key, keeping its name, roles and schema in the type (so each role's settings are z.infer of its keys). */
export function key<const K extends string, S extends z.ZodType, const R extends readonly Role[]>(spec: KeySpec<K, S, R>): KeySpec<K, S, R> {
    return spec;
}

/** The keys of `Keys` that stack role `R` reads. */
export type KeysOf<Keys extends readonly KeySpec[], R extends Role> = Keys[number] extends infer K ? (K extends KeySpec<string, z.ZodType, infer Rs> ? (R extends Rs[number] ? K : never) : never) : never;

/** The zod object of role `R`'s keys: key → its schema. */
export type RoleShape<Keys extends readonly KeySpec[], R extends Role> = { [K in KeysOf<Keys, R> as K["key"]]: K["schema"] };

/** The zod object validating every key role `role` reads, typed key by key. */
export function roleObject<const Keys extends readonly KeySpec[], R extends Role>(keys: Keys, role: R): z.ZodObject<RoleShape<Keys, R>> {
    return z.object(Object.fromEntries(keys.filter((k) => k.roles.includes(role)).map((k) => [k.key, k.schema]))) as unknown as z.ZodObject<RoleShape<Keys, R>>;
}

/**
 * How Pulumi hands each value type to a program (strings; lists and maps as JSON), decoded with zod.
 * The message after "is not" says what the value had to be.
 */
export const PULUMI_VALUE: Record<ValueType, { schema: z.ZodType<unknown>; is: string }> = {
    string: { schema: z.string(), is: "a string" },
    integer: { schema: z.string().trim().regex(/^-?\d+$/).transform(Number), is: "an integer" },
    boolean: { schema: z.enum(["true", "false"]).transform((v) => v === "true"), is: "true or false" },
    array: { schema: json(z.array(z.unknown())), is: "a list" },
    map: { schema: json(z.record(z.string(), z.unknown())), is: "a map of NAME: value" },
};

function json<T extends z.ZodType>(shape: T) {
    return z
        .string()
        .transform((text, ctx) => {
            try {
                return JSON.parse(text) as unknown;
            } catch {
                ctx.addIssue({ code: "custom", message: "not JSON" });
                return z.NEVER;
            }
        })
        .pipe(shape);
}

// --- schema helpers ---------------------------------------------------------------------------------

export const lowerName = (max: number) =>
    z
        .string()
        .regex(
            new RegExp(`^[a-z][a-z0-9-]{0,${max - 2}}[a-z0-9]$`),
            `must be 2–${max} characters of a–z, 0–9 and '-', starting with a letter and not ending with '-'`,
        );

export const envVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "names must be UPPER_SNAKE_CASE environment variable names");

/** ARN of `service` whose resource part matches `resource`; `example` is what the message shows. IAM ARNs have no region. */
export const arn = (service: string, resource: string, example: string) =>
    z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:\\d{12}:${resource}`), `must be an ARN like ${example}`);

/** "" (unset) or a value `schema` accepts. */
export const optional = <S extends z.ZodType>(schema: S) =>
    z.union([z.literal(""), schema], {
        // A union's own message is "Invalid input"; the value was not empty, so say what the schema wants.
        error: (issue) => (issue as unknown as { errors?: { message: string }[][] }).errors?.[1]?.[0]?.message,
    });

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
