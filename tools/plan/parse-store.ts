// The offline plan's YAML parses, kept between runs in node_modules/.cache/slipway/parses: the `yaml`
// package takes about 17 ms and 7 MB of allocations to parse the 18 KB Pulumi.yaml in a fresh process,
// and every `npm run plan` parsed it again (2026-12-04). A parse is keyed by the text, the parser's version
// and Node's, and stored with V8's serializer; infra/config/stack-files.ts hands it only texts that parse
// cleanly, so a hit returns what the parser would. A missing, unreadable or corrupt entry is parsed again.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as v8 from "v8";
import type { ParseStore } from "../../infra/config/stack-files";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The store in `dir` (@default this checkout's node_modules/.cache/slipway/parses), holding the `kept`
 * newest parses (@default 64: a project's Pulumi.yaml and stack files, and the suite's fixtures, many times over).
 */
export function parseStore(dir = path.join(ROOT, "node_modules", ".cache", "slipway", "parses"), kept = 64): ParseStore {
    let parser = "";
    try {
        parser = (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "yaml", "package.json"), "utf8")) as { version: string }).version;
    } catch {
        // no version to key on: the text and Node's version still are
    }
    const fileOf = (text: string) => path.join(dir, createHash("sha256").update(`${parser}\0${process.version}\0`).update(text).digest("hex"));
    return {
        get(text) {
            try {
                return { value: v8.deserialize(fs.readFileSync(fileOf(text))) };
            } catch {
                return undefined;
            }
        },
        set(text, value) {
            try {
                fs.mkdirSync(dir, { recursive: true });
                const file = fileOf(text);
                // Written whole, then renamed: another run may be reading it.
                const tmp = `${file}.${process.pid}.tmp`;
                fs.writeFileSync(tmp, v8.serialize(value));
                fs.renameSync(tmp, file);
                prune(dir, kept);
            } catch {
                // a read-only cache only costs the parse
            }
        },
    };
}

/** Removes all but the `kept` newest entries of `dir`. */
function prune(dir: string, kept: number): void {
    const entries = fs.readdirSync(dir).filter((f) => !f.endsWith(".tmp"));
    if (entries.length <= kept) return;
    const byAge = entries.map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const { f } of byAge.slice(kept)) fs.rmSync(path.join(dir, f), { force: true });
}
