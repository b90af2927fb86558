// The offline plan's parses of the project file, kept between runs in node_modules/.cache/slipway/parses:
// the `yaml` package takes about 17 ms and 7 MB of allocations to parse the 18 KB Pulumi.yaml in a fresh
// process, and every `npm run plan` parsed it again (2026-12-04). A parse is keyed by the text, the store's
// format, the parser's version and Node's, and stored with V8's serializer; infra/config/stack-files.ts hands
// it only the project file's texts, and only those that parse cleanly, so a hit returns what the parser would.
// A missing, unreadable or corrupt entry is parsed again.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as v8 from "v8";
import type { ParseStore } from "../../infra/config/stack-files";

const ROOT = path.resolve(__dirname, "..", "..");
/** Bump when what is stored for a text changes (readYamlFile's parse options, the value's shape). */
const STORE_FORMAT = 1;

/**
 * The store in `dir` (@default this checkout's node_modules/.cache/slipway/parses), holding the `kept`
 * most recently used parses (@default 64: the project files of a checkout and the suite's fixtures, many times over).
 */
export function parseStore(dir = path.join(ROOT, "node_modules", ".cache", "slipway", "parses"), kept = 64): ParseStore {
    let parser = "";
    try {
        parser = (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "yaml", "package.json"), "utf8")) as { version: string }).version;
    } catch {
        // no version to key on: the text and Node's version still are
    }
    const fileOf = (text: string) => path.join(dir, createHash("sha256").update(`${STORE_FORMAT}\0${parser}\0${process.version}\0`).update(text).digest("hex"));
    return {
        get(text) {
            const file = fileOf(text);
            try {
                const value: unknown = v8.deserialize(fs.readFileSync(file));
                // Used now: the pruning below keeps the most recently used.
                const now = new Date();
                fs.utimesSync(file, now, now);
                return { value };
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
                prune(dir, kept, path.basename(file));
            } catch {
                // a read-only cache only costs the parse
            }
        },
    };
}

/** Removes all but the `kept` most recently used entries of `dir`; `newest` (just written) is always kept. */
function prune(dir: string, kept: number, newest: string): void {
    const entries = fs.readdirSync(dir).filter((f) => !f.endsWith(".tmp"));
    if (entries.length <= kept) return;
    const byUse = entries
        .map((f) => ({ f, t: f === newest ? Infinity : fs.statSync(path.join(dir, f)).mtimeMs }))
        // Most recent first; a tie (a coarse clock) falls to the name, so the order is the same on every run.
        .sort((a, b) => b.t - a.t || (a.f < b.f ? -1 : 1));
    for (const { f } of byUse.slice(kept)) fs.rmSync(path.join(dir, f), { force: true });
}
