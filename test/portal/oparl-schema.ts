// JSON Schemas for the OParl 1.1 object types the portal emits, written for these tests from the
// OParl 1.1 specification's property tables (each type's mandatory properties as "required", the
// types and formats of the properties we use). No npm package ships the official 1.1 schema.

const V = 'https://schema.oparl.org/1.1/';
const uri = { type: 'string', format: 'uri' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

function object(name: string, required: string[], properties: Record<string, unknown>) {
  return {
    $id: `${V}${name}`,
    type: 'object',
    required: ['id', 'type', ...required],
    properties: { id: uri, type: { const: `${V}${name}` }, created: dateTime, modified: dateTime, web: uri, deleted: { type: 'boolean' }, keyword: { type: 'array', items: { type: 'string' } }, ...properties },
  };
}

export const FILE = object('File', ['accessUrl'], {
  name: { type: 'string' },
  fileName: { type: 'string' },
  mimeType: { type: 'string', pattern: '^[a-z]+/[a-z0-9.+-]+$' },
  accessUrl: uri,
  downloadUrl: uri,
  size: { type: 'integer', minimum: 0 },
  meeting: { type: 'array', items: uri },
  agendaItem: { type: 'array', items: uri },
});

export const AGENDA_ITEM = object('AgendaItem', ['order'], {
  meeting: uri,
  number: { type: 'string' },
  order: { type: 'integer', minimum: 0 },
  name: { type: 'string' },
  public: { type: 'boolean' },
  consultation: uri,
  result: { type: 'string' },
  resolutionText: { type: 'string' },
  auxiliaryFile: { type: 'array', items: { $ref: `${V}File` } },
});

export const CONSULTATION = object('Consultation', [], { paper: uri, agendaItem: uri, meeting: uri, organization: { type: 'array', items: uri }, authoritative: { type: 'boolean' }, role: { type: 'string' } });

export const SCHEMAS = [
  object('System', ['oparlVersion', 'body'], { oparlVersion: { const: V }, body: uri, name: { type: 'string' }, website: uri, product: uri, otherOparlVersions: { type: 'array', items: uri } }),
  object('Body', ['name', 'organization', 'person', 'meeting', 'paper', 'legislativeTerm'], {
    system: uri,
    name: { type: 'string', minLength: 1 },
    shortName: { type: 'string' },
    website: uri,
    organization: uri,
    person: uri,
    meeting: uri,
    paper: uri,
    agendaItem: uri,
    file: uri,
    consultation: uri,
    legislativeTerm: { type: 'array' },
  }),
  object('Organization', [], { body: uri, name: { type: 'string' }, organizationType: { type: 'string' }, classification: { type: 'string' }, meeting: uri }),
  object('Meeting', [], {
    name: { type: 'string' },
    meetingState: { type: 'string' },
    cancelled: { type: 'boolean' },
    start: dateTime,
    end: dateTime,
    organization: { type: 'array', items: uri },
    invitation: { $ref: `${V}File` },
    resultsProtocol: { $ref: `${V}File` },
    verbatimProtocol: { $ref: `${V}File` },
    auxiliaryFile: { type: 'array', items: { $ref: `${V}File` } },
    agendaItem: { type: 'array', items: { $ref: `${V}AgendaItem` } },
  }),
  AGENDA_ITEM,
  FILE,
  CONSULTATION,
  object('Paper', [], {
    body: uri,
    name: { type: 'string' },
    reference: { type: 'string' },
    date: { type: 'string', format: 'date' },
    paperType: { type: 'string' },
    consultation: { type: 'array', items: { $ref: `${V}Consultation` } },
  }),
];

/** An object list (OParl 1.1, "Objektlisten und Paginierung"). */
export const LIST = {
  $id: `${V}_list`,
  type: 'object',
  required: ['data', 'pagination', 'links'],
  properties: {
    data: { type: 'array', items: { type: 'object', required: ['id', 'type'] } },
    pagination: {
      type: 'object',
      properties: { totalElements: { type: 'integer', minimum: 0 }, elementsPerPage: { type: 'integer', minimum: 1 }, currentPage: { type: 'integer', minimum: 1 }, totalPages: { type: 'integer', minimum: 1 } },
    },
    links: { type: 'object', properties: { first: uri, prev: uri, next: uri, last: uri } },
  },
};
