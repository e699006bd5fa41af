// The documents step: what the other steps use to build, convert and fingerprint dagsordener and referater.

export { buildAgenda, buildDocx, buildMinutes, documentNames, itemHeading, itemTitle, type BuildOptions, type DocumentNames } from './docx.js';
export { DOCUMENT_KINDS, EDITIONS, editionView, isRedacted, type DocumentKind, type Edition, type MeetingView, type ViewItem } from './edition.js';
export { documentPath, documentRenderer, writeDocuments, type DocumentRequest, type RenderedDocument, type WrittenDocuments } from './files.js';
export { contentHash, LAYOUT_VERSION } from './hash.js';
export { convertToPdf, convertToPdfFiles, findSoffice, LIBREOFFICE_HINT, readPdfLayout } from './pdf.js';
export { bundledTemplateSync, loadTemplate, type Template } from './template.js';
