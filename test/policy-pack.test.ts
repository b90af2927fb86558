// The CrossGuard pack folder: what `pulumi preview --policy-pack policy` loads must stand on its own.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import { isBuiltin } from "module";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { packPolicies, WAIVERS_RULE } from "../policy/pack";
import { RULES } from "../policy/rules";
import { ROOT } from "./helpers";

const POLICY = path.join(ROOT, "policy");

/** Relative imports reachable from a policy/ module. */
function importGraph(file: string, seen = new Set<string>()): Set<string> {
    if (seen.has(file)) return seen;
    seen.add(file);
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/from "(\.{1,2}\/[^"]+)"/g)) importGraph(path.resolve(path.dirname(file), `${m[1]}.ts`), seen);
    return seen;
}

test("the pack entry imports nothing outside policy/, and its packages are the pack's own dependencies", () => {
    const files = [...importGraph(path.join(POLICY, "index.ts"))];
    for (const f of files) assert.ok(f.startsWith(POLICY + path.sep), `${path.relative(ROOT, f)} is outside policy/`);
    const deps = Object.keys((JSON.parse(fs.readFileSync(path.join(POLICY, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies);
    for (const f of files) {
        for (const m of fs.readFileSync(f, "utf8").matchAll(/from "(@[^/"]+\/[^/"]+|[^./"][^/"]*)/g)) {
            if (isBuiltin(m[1])) continue; // Node's own modules (fs, path) come with the runtime
            assert.ok(deps.includes(m[1]), `${path.relative(ROOT, f)} imports ${m[1]}, not in policy/package.json`);
        }
    }
});

test("the pack's pinned versions match the root lockfile", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
    const pack = JSON.parse(fs.readFileSync(path.join(POLICY, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };
    assert.ok(pack.version, "PolicyPack reads the pack's version from policy/package.json");
    for (const [name, version] of Object.entries(pack.dependencies)) assert.equal(version, lock.packages[`node_modules/${name}`]?.version, name);
});

test("PulumiPolicy.yaml declares the nodejs runtime and the entry file", () => {
    const project = parseYaml(fs.readFileSync(path.join(POLICY, "PulumiPolicy.yaml"), "utf8")) as { runtime: { name: string }; main: string };
    assert.equal(project.runtime.name, "nodejs");
    assert.ok(fs.existsSync(path.join(POLICY, project.main)));
});

test("the pack's policies have unique names CrossGuard accepts, one per rule plus the waiver check", () => {
    const policies = packPolicies(RULES);
    const names = policies.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    assert.ok(!names.includes("all"), '"all" is reserved by CrossGuard');
    assert.deepEqual(names, [WAIVERS_RULE, ...RULES.map((r) => r.name)]);
    for (const p of policies) assert.ok(p.enforcementLevel === "mandatory" || p.enforcementLevel === "advisory", p.name);
});
