// The one reader of Pulumi's stack files (Pulumi.<stack>.yaml): the program reads other stacks' config
// (the pipeline's targets) and its own file as written, and the offline plan builds the config map the
// CLI would hand the program (tools/plan/stack-config.ts) from the same parse.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, parseDocument } from "yaml";

/** A stack file as written: its config block, and where its secrets are encrypted. */
export interface StackFile {
    config?: Record<string, unknown>;
    /** `awskms://…`, `azurekeyvault://…`, …; absent: a passphrase (encryptionsalt) or Pulumi Cloud. */
    secretsprovider?: string;
    encryptionsalt?: string;
    encryptedkey?: string;
}

/** The path of `Pulumi.<stack>.yaml` in `dir`, or undefined when the name is not a stack name or the file is missing. */
export function stackFilePath(dir: string, stack: string): string | undefined {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    return /^[A-Za-z0-9._-]+$/.test(stack) && fs.existsSync(file) ? file : undefined;
}

/** Parses of file texts seen in this process, newest last (a run of `--all` reads Pulumi.yaml once per stack). */
const parsed = new Map<string, unknown>();
const PARSES_KEPT = 64;

/**
 * Parses kept between processes: the offline plan's (tools/plan/parse-store.ts); none under `pulumi up`.
 * It is handed only texts that parse with no error and no warning, so a hit is what the parser would return.
 */
export interface ParseStore {
    get(text: string): { value: unknown } | undefined;
    set(text: string, value: unknown): void;
}
let store: ParseStore | undefined;

/** Installs (or, with undefined, removes) the store readYamlFile consults for `keep` reads; returns the one it replaces. */
export function useParseStore(s: ParseStore | undefined): ParseStore | undefined {
    const previous = store;
    store = s;
    return previous;
}

/**
 * A YAML file's document (Pulumi.yaml, a stack file). The same text is parsed once per process; each
 * caller gets its own copy. A text that does not parse throws the parser's error every time. With `keep`,
 * a clean parse is also kept in the installed ParseStore: only for the project file, never a stack file,
 * whose text may hold a value a user set in plain text by mistake (the plan refuses it; a cache would keep it).
 */
export function readYamlFile(file: string, opts: { keep?: boolean } = {}): unknown {
    const text = fs.readFileSync(file, "utf8");
    if (!parsed.has(text)) {
        parsed.set(text, opts.keep && store ? keptParse(store, text) : parseYaml(text));
        if (parsed.size > PARSES_KEPT) parsed.delete(parsed.keys().next().value as string);
    }
    return structuredClone(parsed.get(text));
}

/** The store's parse of `text`, or a parse kept in it when clean; otherwise the parser's own result, warnings and error. */
function keptParse(kept: ParseStore, text: string): unknown {
    const hit = kept.get(text);
    if (hit) return hit.value;
    const doc = parseDocument(text);
    if (!doc || doc.errors.length || doc.warnings.length) return parseYaml(text);
    // What parse() returns for a document with no error or warning.
    const value: unknown = doc.toJS();
    kept.set(text, value);
    return value;
}

/** The parsed `Pulumi.<stack>.yaml`, or undefined when there is no such file. */
export function readStackFileDoc(dir: string, stack: string): StackFile | undefined {
    const file = stackFilePath(dir, stack);
    if (!file) return undefined;
    return ((readYamlFile(file) as StackFile | null) ?? {});
}

/**
 * Reads a stack file's `config:` block as Pulumi would hand it to a program: scalars as strings, lists
 * and maps as JSON. `secure:` leaves are returned as the string "[secure]" (this reader never decrypts).
 */
export function readStackFile(dir: string, stack: string): Record<string, string> | undefined {
    const doc = readStackFileDoc(dir, stack);
    if (!doc) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(doc?.config ?? {})) out[k] = configText(v, () => "[secure]");
    return out;
}

/**
 * The `config:` block of `Pulumi.<stack>.yaml` as written, keys namespaced (a bare key belongs to the
 * project), `secure:` leaves kept as `{ secure }`; undefined when there is no such file.
 */
export function readStackFileConfig(dir: string, stack: string, project: string): Record<string, unknown> | undefined {
    const doc = readStackFileDoc(dir, stack);
    if (!doc) return undefined;
    return Object.fromEntries(Object.entries(doc?.config ?? {}).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
}

/** Pulumi's string form of a config value; `onSecure` decides what a `secure:` leaf becomes. */
export function configText(value: unknown, onSecure: (ciphertext: string) => string): string {
    const plain = (v: unknown): unknown => {
        if (v && typeof v === "object" && !Array.isArray(v)) {
            const o = v as Record<string, unknown>;
            if (Object.keys(o).length === 1 && typeof o.secure === "string") return onSecure(o.secure);
            return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
        }
        return Array.isArray(v) ? v.map(plain) : v;
    };
    const p = plain(value);
    return typeof p === "string" ? p : JSON.stringify(p);
}

