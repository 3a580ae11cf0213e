/**
 * FHIR narrative rules txt-1 and txt-2 (R4 narrative.html#xhtml), which HL7's FHIRPath engine cannot evaluate
 * (`htmlChecks()`): the div is well-formed XHTML in the XHTML namespace, uses only the basic HTML elements FHIR
 * allows, no scripts, forms, event handlers or javascript: URLs, and has some non-whitespace content. Written from
 * the specification, independently of the code that generates narrative.
 */

/** R4 narrative.html: the elements of HTML 4.0 chapters 7–11 and 12 (no forms, frames, scripts, objects). */
const ALLOWED_ELEMENTS = new Set(
  (
    'a abbr acronym address b big blockquote br caption cite code col colgroup dd del dfn div dl dt em ' +
    'h1 h2 h3 h4 h5 h6 hr i img ins kbd li ol p pre q samp small span strong sub sup table tbody td tfoot th ' +
    'thead tr tt ul var'
  ).split(' '),
);
const ALLOWED_ATTRIBUTES = new Set(
  'xmlns xml:lang lang class id title style dir href name src alt colspan rowspan span align valign width border cellpadding cellspacing summary headers scope abbr axis'.split(
    ' ',
  ),
);
const XHTML = 'http://www.w3.org/1999/xhtml';

export interface NarrativeIssue {
  readonly key: 'txt-1' | 'txt-2';
  readonly reason: string;
}

const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')/g;
const ENTITY = /^&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);/;

/** The issues of one `Narrative.div` value (empty: it conforms). */
export function narrativeIssues(div: string): NarrativeIssue[] {
  const issues: NarrativeIssue[] = [];
  const stack: string[] = [];
  let text = '';
  let at = 0;
  let first = true;
  while (at < div.length) {
    const char = div[at];
    if (char === '<') {
      TAG.lastIndex = at;
      const match = TAG.exec(div);
      if (match === null) return [{ key: 'txt-1', reason: `malformed markup at ${at}` }];
      const [whole, closing, name = '', attributes = '', selfClosing] = match;
      if (!ALLOWED_ELEMENTS.has(name))
        issues.push({ key: 'txt-1', reason: `element <${name}> is not allowed` });
      for (const [, attribute = '', quoted = ''] of attributes.matchAll(ATTRIBUTE)) {
        if (!ALLOWED_ATTRIBUTES.has(attribute) || attribute.startsWith('on'))
          issues.push({ key: 'txt-1', reason: `attribute ${attribute} is not allowed` });
        if (/^\s*["']?\s*javascript:/i.test(quoted))
          issues.push({ key: 'txt-1', reason: 'javascript: URLs are not allowed' });
      }
      if (first) {
        if (name !== 'div' || !new RegExp(`xmlns\\s*=\\s*"${XHTML}"`).test(attributes))
          issues.push({ key: 'txt-1', reason: 'the narrative is not a <div> in the XHTML namespace' });
        first = false;
      }
      if (closing === '/') {
        if (stack.pop() !== name) return [...issues, { key: 'txt-1', reason: `</${name}> does not close` }];
      } else if (selfClosing !== '/') stack.push(name);
      at += whole.length;
      if (stack.length === 0 && at < div.length && div.slice(at).trim() !== '')
        issues.push({ key: 'txt-1', reason: 'content after the root div' });
    } else if (char === '&') {
      const entity = ENTITY.exec(div.slice(at));
      if (entity === null) return [...issues, { key: 'txt-1', reason: `bare & at ${at}` }];
      text += 'x';
      at += entity[0].length;
    } else {
      if (first && char !== undefined && char.trim() !== '')
        issues.push({ key: 'txt-1', reason: 'text before the root div' });
      text += char;
      at += 1;
    }
  }
  if (stack.length > 0) issues.push({ key: 'txt-1', reason: `unclosed <${stack.join('>, <')}>` });
  if (text.trim() === '') issues.push({ key: 'txt-2', reason: 'the narrative has no text content' });
  return issues;
}
