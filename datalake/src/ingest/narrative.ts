/**
 * Safe narrative: FHIR's XHTML rules (R4 Narrative, invariants txt-1 and txt-2). The div is well-formed XML
 * with one root `div` in the XHTML namespace; only the basic formatting elements of HTML 4.0 chapters 7-11
 * and 15, `a` and `img` are allowed, with their ordinary attributes; no script, forms, frames, objects,
 * base/link, event attributes (on*), styles that load anything, links with a scheme other than http(s) or
 * mailto, or images from outside the record (an external image would tell a third party who reads it when);
 * and some non-whitespace content.
 */
const ELEMENTS = new Set(
  (
    'a abbr acronym address b bdo big blockquote br caption cite code col colgroup dd dfn div dl dt em ' +
    'h1 h2 h3 h4 h5 h6 hr i img kbd li ol p pre q samp small span strong sub sup table tbody td tfoot th ' +
    'thead tr tt ul var'
  ).split(' '),
);
const COMMON_ATTRIBUTES = new Set(['title', 'style', 'class', 'id', 'lang', 'xml:lang', 'dir']);
const ELEMENT_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  div: ['xmlns'],
  a: ['href', 'name'],
  img: ['src', 'alt', 'width', 'height'],
  table: ['border', 'cellpadding', 'cellspacing', 'summary', 'width', 'frame', 'rules'],
  td: ['colspan', 'rowspan', 'headers', 'abbr', 'scope', 'align', 'valign', 'char', 'charoff', 'axis'],
  th: ['colspan', 'rowspan', 'headers', 'abbr', 'scope', 'align', 'valign', 'char', 'charoff', 'axis'],
  col: ['span', 'width', 'align', 'valign', 'char', 'charoff'],
  colgroup: ['span', 'width', 'align', 'valign', 'char', 'charoff'],
  tr: ['align', 'valign', 'char', 'charoff'],
  thead: ['align', 'valign', 'char', 'charoff'],
  tbody: ['align', 'valign', 'char', 'charoff'],
  tfoot: ['align', 'valign', 'char', 'charoff'],
  ol: ['start', 'type'],
  ul: ['type'],
  li: ['value', 'type'],
  q: ['cite'],
  blockquote: ['cite'],
};
const XHTML_NS = 'http://www.w3.org/1999/xhtml';
const LINK_SCHEMES = new Set(['http', 'https', 'mailto']);
const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Why the div is not acceptable narrative, or undefined when it is. */
export function narrativeProblem(div: string): string | undefined {
  const stack: string[] = [];
  let roots = 0;
  let content = false;
  let position = 0;
  const token =
    /<!--[\s\S]*?-->|<!\[CDATA\[|<!|<\?|<\/([A-Za-z][\w:.-]*)\s*>|<([A-Za-z][\w:.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<|([^<]+)/g;
  for (let match = token.exec(div); match !== null; match = token.exec(div)) {
    if (match.index !== position) return 'narrative is not well-formed XHTML';
    position = token.lastIndex;
    const [whole, closing, opening, attributes = '', selfClosing, text] = match;
    if (text !== undefined) {
      const decoded = decodeEntities(text);
      if (decoded === undefined) return 'narrative uses an entity XML does not define';
      if (decoded.trim() !== '') {
        if (stack.length === 0) return 'narrative has text outside its div';
        content = true;
      }
    } else if (whole.startsWith('<!--')) continue;
    else if (closing !== undefined) {
      if (stack.pop() !== closing) return 'narrative is not well-formed XHTML';
    } else if (opening !== undefined) {
      if (stack.length === 0 && (roots += 1) > 1) return 'narrative must be a single div';
      const problem = elementProblem(opening, attributes, stack.length === 0);
      if (problem !== undefined) return problem;
      if (opening === 'img') content = true;
      if (selfClosing !== '/') stack.push(opening);
    } else if (whole === '<') return 'narrative is not well-formed XHTML';
    else return 'narrative holds a construct FHIR does not allow (CDATA, DOCTYPE, processing instruction)';
  }
  if (position !== div.length || stack.length > 0 || roots !== 1) return 'narrative is not well-formed XHTML';
  if (!content) return 'narrative must have some non-whitespace content (txt-2)';
  return undefined;
}

function elementProblem(name: string, attributes: string, root: boolean): string | undefined {
  if (root && name !== 'div') return 'narrative must be a div';
  if (!ELEMENTS.has(name)) return `narrative element ${name} is not allowed (txt-1)`;
  const attribute = /([^\s=/>]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
  let namespace: string | undefined;
  for (let match = attribute.exec(attributes); match !== null; match = attribute.exec(attributes)) {
    const attributeName = match[1] as string;
    const value = decodeEntities(match[2] ?? match[3] ?? '');
    if (value === undefined) return 'narrative uses an entity XML does not define';
    if (/^on/i.test(attributeName)) return 'narrative has an event attribute (txt-1)';
    if (!COMMON_ATTRIBUTES.has(attributeName) && !(ELEMENT_ATTRIBUTES[name] ?? []).includes(attributeName))
      return `narrative attribute ${attributeName} on ${name} is not allowed (txt-1)`;
    if (attributeName === 'xmlns') namespace = value;
    if (attributeName === 'href' && !safeLink(value))
      return 'narrative links with a scheme FHIR does not allow';
    if (attributeName === 'src' && !internalImage(value))
      return 'narrative images must come from the record itself';
    if (
      attributeName === 'style' &&
      /url\(|expression\(|@import|behavior:|-moz-binding/i.test(value.replace(/[\s\\]/g, ''))
    )
      return 'narrative styles may not load anything';
  }
  if (root && namespace !== XHTML_NS) return 'narrative div must be in the XHTML namespace';
  return undefined;
}

function scheme(value: string): string | undefined {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  const compact = [...value]
    .filter((char) => (char.codePointAt(0) ?? 0) > 0x20 && !/\p{Cc}/u.test(char))
    .join('');
  return /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(compact)?.[1]?.toLowerCase();
}

function safeLink(value: string): boolean {
  const found = scheme(value);
  return found === undefined || LINK_SCHEMES.has(found);
}

function internalImage(value: string): boolean {
  const found = scheme(value);
  if (found === undefined) return !value.trim().startsWith('//');
  return found === 'data' && /^\s*data:image\/(png|gif|jpeg|webp);base64,/i.test(value);
}

function decodeEntities(text: string): string | undefined {
  let invalid = false;
  const decoded = text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);|&/g, (whole, entity?: string) => {
    if (entity === undefined) {
      invalid = true;
      return whole;
    }
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16) % 0x110000);
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10) % 0x110000);
    const named = XML_ENTITIES[entity];
    if (named === undefined) invalid = true;
    return named ?? whole;
  });
  return invalid ? undefined : decoded;
}
