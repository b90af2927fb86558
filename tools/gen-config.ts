// Writes Pulumi.yaml's `config:` block from infra/config-schema.ts (npm run gen:config). The test
// suite fails when Pulumi.yaml and the schema disagree.
import * as fs from "fs";
import { stringify } from "yaml";
import { CONFIG_KEYS } from "../infra/config-schema";

export function projectFileText(): string {
    const config: Record<string, unknown> = {};
    for (const spec of CONFIG_KEYS) {
        // Pulumi declares string, integer, boolean and array types; maps (appSettings, appSecrets,
        // ciSecrets) cannot be declared and are validated by the program alone.
        if (spec.type === "map") continue;
        const decl: Record<string, unknown> = { type: spec.type, description: spec.description };
        if (spec.type === "array") decl.items = { type: "string" };
        if (spec.default !== undefined) decl.default = spec.default;
        config[spec.key] = decl;
    }
    const header = [
        "# Generated from infra/config-schema.ts by `npm run gen:config`: edit the schema, not this block.",
        "# Map-valued keys (appSettings, appSecrets, ciSecrets) are set per stack with --path; Pulumi cannot",
        "# declare object types, so the program validates them (see README, Configuration).",
    ].join("\n");
    const body = stringify(
        {
            name: "slipway",
            description: "A team's whole container CI/CD pipeline on AWS: registry, CodePipeline, ECS or Beanstalk environments",
            runtime: { name: "nodejs", options: { typescript: true, packagemanager: "npm" } },
            main: "index.ts",
            config,
        },
        { lineWidth: 0 },
    );
    return `${header}\n${body}`;
}

if (require.main === module) {
    fs.writeFileSync("Pulumi.yaml", projectFileText());
    process.stdout.write("wrote Pulumi.yaml\n");
}
