// Google's published contract for the four APIs dagsorden uses, checked on every request the
// stand-in receives and on every JSON answer it gives. The contract is Google's own discovery
// documents (vendored in ./discovery, see the README there), so a request the stand-in would accept
// but Google would refuse (an unknown field, a missing parameter, a wrong enum value, a `fields`
// mask naming nothing) is refused here too, with Google's error text.
//
// Requests are checked the way Google's front end does: the method and path exist, required
// parameters are there, every query parameter is one the method or the API declares and has the
// declared type, and the JSON body (or the metadata part of a multipart upload) has only the fields
// of the method's request schema, with the declared types and enum values. Answers are checked
// against the method's response schema; a mismatch is a fault of the stand-in, recorded for the
// test to see (see `contract-setup.ts`).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ApiError, parseFieldMask, parseMultipart, type Mask, type StandinRequest } from './http.js';

interface DiscoveryParameter {
  readonly type?: string;
  readonly format?: string;
  readonly location?: string;
  readonly required?: boolean;
  readonly repeated?: boolean;
  readonly enum?: readonly string[];
}

interface DiscoverySchema {
  readonly id?: string;
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly string[];
  readonly properties?: Record<string, DiscoverySchema>;
  readonly additionalProperties?: DiscoverySchema;
  readonly items?: DiscoverySchema;
}

interface DiscoveryMethod {
  readonly id: string;
  readonly path: string;
  readonly flatPath?: string;
  readonly httpMethod: string;
  readonly parameters?: Record<string, DiscoveryParameter>;
  readonly request?: { readonly $ref: string };
  readonly response?: { readonly $ref: string };
  readonly mediaUpload?: { readonly protocols?: { readonly simple?: { readonly path: string } } };
}

interface DiscoveryResource {
  readonly methods?: Record<string, DiscoveryMethod>;
  readonly resources?: Record<string, DiscoveryResource>;
}

interface DiscoveryDocument {
  readonly name: string;
  readonly version: string;
  readonly revision: string;
  readonly servicePath: string;
  readonly parameters: Record<string, DiscoveryParameter>;
  readonly resources: Record<string, DiscoveryResource>;
  readonly schemas: Record<string, DiscoverySchema>;
}

/** One method of one API, with what is needed to check a call of it. */
export interface ContractMethod {
  readonly api: DiscoveryDocument;
  readonly method: DiscoveryMethod;
  /** The method's path and (for uploads) its upload path, as regular expressions on the raw path. */
  readonly paths: readonly RegExp[];
}

const DOCUMENTS = ['sheets-v4', 'drive-v3', 'gmail-v1', 'storage-v1'] as const;

function loadDocument(name: string): DiscoveryDocument {
  // NOTE: from the package root, so the compiled stand-in (dist/, for the benches) reads the same vendored files.
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test', 'standin', 'discovery', `${name}.json`), 'utf8')) as DiscoveryDocument;
}

/** `v4/spreadsheets/{spreadsheetId}/values/{range}:append` → a RegExp on the raw (encoded) path. */
function pathPattern(template: string): RegExp {
  const source = template
    .split(/(\{\+?[^}]+\})/)
    .map((part) => (part.startsWith('{+') ? '(.+)' : part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

function* methodsOf(resources: Record<string, DiscoveryResource>): Generator<DiscoveryMethod> {
  for (const r of Object.values(resources)) {
    yield* Object.values(r.methods ?? {});
    yield* methodsOf(r.resources ?? {});
  }
}

/** A discovery schema as JSON Schema. Requests may carry 64-bit integers as numbers or strings (Google's JSON parser takes both); answers carry them as strings only, as Google sends them. */
function toJsonSchema(s: DiscoverySchema, mode: 'request' | 'response'): Record<string, unknown> {
  if (s.$ref) return { $ref: `#/definitions/${s.$ref}` };
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = { type: 'object' };
      if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toJsonSchema(v, mode)]));
      out.additionalProperties = s.additionalProperties ? toJsonSchema(s.additionalProperties, mode) : false;
      return out;
    }
    case 'array':
      return { type: 'array', items: s.items ? toJsonSchema(s.items, mode) : {} };
    case 'string':
      if (s.enum) return { type: 'string', enum: s.enum };
      if (s.format === 'int64' || s.format === 'uint64') return mode === 'request' ? { type: ['string', 'integer'], pattern: '^-?[0-9]+$' } : { type: 'string', pattern: '^-?[0-9]+$' };
      return { type: 'string' };
    case 'integer':
      return { type: 'integer', ...(s.format === 'uint32' ? { minimum: 0 } : {}) };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    default:
      return {};
  }
}

/** Compiles each schema the first time a call needs it: there are some 700 schemas and a test meets a few dozen. */
class SchemaValidators {
  private readonly ajv = new Ajv({ allErrors: false, strict: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly definitions: Record<string, unknown>;

  constructor(doc: DiscoveryDocument, mode: 'request' | 'response') {
    this.definitions = Object.fromEntries(Object.entries(doc.schemas).map(([k, v]) => [k, toJsonSchema(v, mode)]));
  }

  get(name: string): ValidateFunction {
    let v = this.compiled.get(name);
    if (!v) {
      v = this.ajv.compile({ definitions: this.definitions, $ref: `#/definitions/${name}` });
      this.compiled.set(name, v);
    }
    return v;
  }
}

interface Api {
  readonly doc: DiscoveryDocument;
  readonly methods: Map<string, ContractMethod>;
  readonly requests: SchemaValidators;
  readonly responses: SchemaValidators;
}

function loadApi(name: string): Api {
  const doc = loadDocument(name);
  const methods = new Map<string, ContractMethod>();
  for (const m of methodsOf(doc.resources)) {
    const paths = [pathPattern(`/${doc.servicePath}${m.flatPath ?? m.path}`)];
    const upload = m.mediaUpload?.protocols?.simple?.path;
    if (upload) paths.push(pathPattern(upload));
    methods.set(m.id, { api: doc, method: m, paths });
  }
  return { doc, methods, requests: new SchemaValidators(doc, 'request'), responses: new SchemaValidators(doc, 'response') };
}

let apis: Map<string, Api> | undefined;

/** The four APIs, loaded once (the documents are about 1 MB together). */
function allApis(): Map<string, Api> {
  apis ??= new Map(DOCUMENTS.map((d) => [d.split('-')[0]!, loadApi(d)]));
  return apis;
}

/** The revisions of the vendored documents, e.g. `{ sheets: '20260527', ... }`. */
export function contractRevisions(): Record<string, string> {
  return Object.fromEntries([...allApis()].map(([k, a]) => [k, a.doc.revision]));
}

export function contractMethod(id: string): ContractMethod | undefined {
  return allApis().get(id.split('.')[0]!)?.methods.get(id);
}

/** `addSheet.properties` → `add_sheet.properties`: Google names a field's location in the proto's snake case. */
function protoPath(instancePath: string): string {
  let out = '';
  for (const seg of instancePath.split('/').slice(1)) {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += (out ? '.' : '') + s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  }
  return out;
}

function bodyError(e: ErrorObject, data: unknown): ApiError {
  const at = protoPath(e.instancePath);
  if (e.keyword === 'additionalProperties') {
    const name = String((e.params as { additionalProperty: string }).additionalProperty);
    return new ApiError(400, `Invalid JSON payload received. Unknown name "${name}"${at ? ` at '${at}'` : ''}: Cannot find field.`, 'invalidArgument');
  }
  let value: unknown = data;
  for (const seg of e.instancePath.split('/').slice(1)) value = (value as Record<string, unknown> | undefined)?.[seg];
  return new ApiError(400, `Invalid value at '${at}' (${e.keyword === 'enum' ? 'enum' : String((e.params as { type?: string }).type ?? e.keyword)}), ${JSON.stringify(value)}`, 'invalidArgument');
}

/** Google's JSON parser takes `null` as "not set": drop such fields before checking the rest. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([, x]) => x !== null)
      .map(([k, x]) => [k, withoutNulls(x)]),
  );
}

function checkQuery(req: StandinRequest, m: ContractMethod): void {
  const declared = { ...m.api.parameters, ...m.method.parameters };
  const names = new Set(req.query.keys());
  for (const name of names) {
    const p = declared[name];
    if (!p || p.location === 'path')
      throw new ApiError(400, `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`, 'invalidArgument');
    const values = req.query.getAll(name);
    if (values.length > 1 && !p.repeated) throw new ApiError(400, `Invalid JSON payload received. Repeated values for non-repeated parameter "${name}".`, 'invalidArgument');
    for (const v of values) {
      const bad =
        (p.type === 'integer' && !/^-?\d+$/.test(v)) ||
        (p.type === 'boolean' && v !== 'true' && v !== 'false') ||
        (p.type === 'string' && (p.format === 'int64' || p.format === 'uint64') && !/^-?\d+$/.test(v)) ||
        (p.enum !== undefined && !p.enum.includes(v));
      if (bad) throw new ApiError(400, `Invalid value at '${protoPath(`/${name}`)}' (${p.enum ? 'enum' : p.type ?? 'string'}), "${v}"`, 'invalidParameter', { location: name, locationType: 'parameter' });
    }
  }
  for (const [name, p] of Object.entries(m.method.parameters ?? {})) {
    if (p.required && p.location === 'query' && !names.has(name)) throw new ApiError(400, `'${name}' is required but not specified`, 'required', { location: name, locationType: 'parameter' });
  }
}

/** The JSON the request carries against the method's request schema: a plain JSON body, or a multipart upload's metadata part. */
function checkBody(req: StandinRequest, m: ContractMethod, api: Api): void {
  const ref = m.method.request?.$ref;
  const type = String(req.headers['content-type'] ?? '');
  let json: Buffer | undefined;
  if (/^multipart\/related/i.test(type)) json = parseMultipart(type, req.body)[0]?.body;
  else if (req.body.length > 0 && /json/i.test(type)) json = req.body;
  if (json === undefined || json.length === 0) return;
  let data: unknown;
  try {
    data = JSON.parse(json.toString('utf8'));
  } catch {
    throw new ApiError(400, 'Invalid JSON payload received. Unexpected token.', 'parseError');
  }
  if (!ref) {
    if (data !== null && typeof data === 'object' && Object.keys(data).length > 0)
      throw new ApiError(400, `Invalid JSON payload received. Unknown name "${Object.keys(data)[0]!}": Cannot find field.`, 'invalidArgument');
    return;
  }
  const validate = api.requests.get(ref);
  const clean = withoutNulls(data);
  if (!validate(clean)) throw bodyError(validate.errors![0]!, clean);
  if (ref === 'BatchUpdateSpreadsheetRequest') checkUpdateMasks(clean as { requests?: Record<string, { fields?: string }>[] }, api.doc);
}

/** What the `fields` mask of a Sheets update request is a mask of (the sibling object it updates). */
const MASK_TARGETS: Record<string, string> = {
  repeatCell: 'CellData',
  updateCells: 'CellData',
  appendCells: 'CellData',
  updateSheetProperties: 'SheetProperties',
  updateSpreadsheetProperties: 'SpreadsheetProperties',
  updateDimensionProperties: 'DimensionProperties',
  updateProtectedRange: 'ProtectedRange',
  updateNamedRange: 'NamedRange',
};

/** The field masks inside a Sheets batchUpdate (`repeatCell.fields` and the like) must name real fields too. */
function checkUpdateMasks(body: { requests?: Record<string, { fields?: string }>[] }, doc: DiscoveryDocument): void {
  (body.requests ?? []).forEach((request, n) => {
    for (const [kind, r] of Object.entries(request)) {
      const target = MASK_TARGETS[kind];
      if (!target || typeof r.fields !== 'string' || r.fields === '*') continue;
      try {
        checkFields(parseFieldMask(r.fields), { $ref: target }, doc);
      } catch (e) {
        if (e instanceof ApiError) throw new ApiError(400, `Invalid requests[${n}].${kind}: ${e.message}`, 'invalidArgument');
        throw e;
      }
    }
  });
}

/** Every name in a `fields` mask must be a field of the answer's schema (Google: 400 "Invalid field selection"). */
function checkFields(mask: Mask, schema: DiscoverySchema, doc: DiscoveryDocument): void {
  const resolve = (s: DiscoverySchema): DiscoverySchema => {
    let cur = s;
    for (;;) {
      if (cur.$ref) cur = doc.schemas[cur.$ref]!;
      else if (cur.type === 'array' && cur.items) cur = cur.items;
      else return cur;
    }
  };
  const here = resolve(schema);
  for (const [name, sub] of mask) {
    if (name === '*') continue;
    const field = here.properties?.[name] ?? here.additionalProperties;
    if (!field) throw new ApiError(400, `Invalid field selection ${name}`, 'invalidParameter', { location: 'fields', locationType: 'parameter' });
    if (sub instanceof Map) checkFields(sub, field, doc);
  }
}

/** The discovery method a stand-in route stands for: `storage.objects.get.media` is `storage.objects.get` with `alt=media`. */
function methodId(route: string): string {
  return route.replace(/\.media$/, '');
}

/**
 * Checks one request against the contract of the method the stand-in routed it to. Throws the
 * `ApiError` Google would answer with; returns quietly when Google would accept it.
 */
export function checkRequest(req: StandinRequest, route: string): void {
  const routeName = methodId(route);
  const api = allApis().get(routeName.split('.')[0]!);
  if (!api) return; // OAuth: no discovery document, checked by its own handler
  const m = api.methods.get(routeName);
  if (!m) throw new ApiError(404, `Method not found: the stand-in answers ${routeName}, which Google's ${api.doc.name} ${api.doc.version} does not have.`, 'notFound');
  if (m.method.httpMethod !== req.method || !m.paths.some((p) => p.test(req.rawPath)))
    throw new ApiError(404, `Method not found: ${req.method} ${req.rawPath} is not ${routeName} (${m.method.httpMethod} /${api.doc.servicePath}${m.method.flatPath ?? m.method.path}).`, 'notFound');
  checkQuery(req, m);
  const fields = req.query.get('fields');
  if (fields && req.query.get('alt') !== 'media' && m.method.response) checkFields(parseFieldMask(fields), { $ref: m.method.response.$ref }, api.doc);
  checkBody(req, m, api);
}

/**
 * The breaches of a JSON answer against the method's response schema (empty when it conforms).
 * Media downloads and error answers are not checked here.
 */
export function checkResponse(route: string, body: unknown): string[] {
  const routeName = methodId(route);
  const api = allApis().get(routeName.split('.')[0]!);
  const ref = api?.methods.get(routeName)?.method.response?.$ref;
  if (!api || !ref || body === undefined || Buffer.isBuffer(body) || typeof body !== 'object' || body === null) return [];
  const validate = api.responses.get(ref);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${routeName} answer${e.instancePath || ''}: ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` "${String((e.params as { additionalProperty: string }).additionalProperty)}"` : ''}`);
}
