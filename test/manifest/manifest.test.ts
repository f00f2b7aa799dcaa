import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { buildManifest, DEFAULT_BASE_URL, MANIFEST_PATH, normalizeBaseUrl } from '../../scripts/build-manifest';
import { crc32, encodePng, ICON_SIZES, renderIcon } from '../../scripts/make-icons';
import { manualSteps } from '../../scripts/sideload';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ASSETS = path.join(ROOT, 'addin', 'assets');

// ---------------------------------------------------------------------------------------
// A minimal strict XML 1.0 parser: well-formedness (declaration, names, attributes,
// quoting, references, comments, PIs, CDATA, tag matching, one root, legal characters)
// plus namespace well-formedness (every prefix declared). No DTDs: a manifest has none.
// ---------------------------------------------------------------------------------------

const NS = {
  office: 'http://schemas.microsoft.com/office/appforoffice/1.1',
  vo: 'http://schemas.microsoft.com/office/taskpaneappversionoverrides',
  bt: 'http://schemas.microsoft.com/office/officeappbasictypes/1.0',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xml: 'http://www.w3.org/XML/1998/namespace',
};

interface Attr {
  qname: string;
  prefix: string | null;
  local: string;
  ns: string | null;
  value: string;
}

interface XmlElement {
  qname: string;
  local: string;
  ns: string | null;
  attrs: Attr[];
  children: XmlElement[];
  text: string;
  parent: XmlElement | null;
}

class XmlError extends Error {}

// XML's NameStartChar and NameChar sets. The order inside a class does not matter; the zero-width
// joiners end it and the combining marks open it, so no range reads as one joined character.
const NAME_START = 'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u200C\\u200D';
const NAME_CHAR = `\\u0300-\\u036F\\-.0-9\\u00B7\\u203F-\\u2040${NAME_START}`;
const NCNAME = `[${NAME_START}][${NAME_CHAR}]*`;
const QNAME_RE = new RegExp(`^(?:(${NCNAME}):)?(${NCNAME})`);
const ILLEGAL_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (message: string): never => {
    const line = xml.slice(0, i).split('\n').length;
    throw new XmlError(`${message} (line ${line}, offset ${i})`);
  };
  const bad = ILLEGAL_CHAR.exec(xml);
  if (bad) {
    i = bad.index;
    fail(`illegal character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  const skipSpace = () => {
    while (i < xml.length && ' \t\r\n'.includes(xml[i]!)) i++;
  };
  const decode = (raw: string, where: string): string =>
    raw.replace(/&([^;&<]*);?/g, (whole, body: string) => {
      if (!whole.endsWith(';')) fail(`unterminated reference in ${where}`);
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (body in named) return named[body]!;
      const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
      if (!m) return fail(`unknown entity &${body}; in ${where}`);
      const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
      const ch = code <= 0x10ffff ? String.fromCodePoint(code) : '\u0000';
      if (ILLEGAL_CHAR.test(ch)) fail(`character reference to an illegal character in ${where}`);
      return ch;
    });
  const readName = (what: string): { qname: string; prefix: string | null; local: string } => {
    const m = QNAME_RE.exec(xml.slice(i, i + 300));
    if (!m) return fail(`expected ${what} name`);
    i += m[0].length;
    if (xml[i] === ':') fail(`bad ${what} name ${m[0]}:`);
    return { qname: m[0], prefix: m[1] ?? null, local: m[2]! };
  };
  const readComment = () => {
    const end = xml.indexOf('-->', i + 4);
    if (end < 0) fail('unterminated comment');
    const body = xml.slice(i + 4, end);
    if (body.includes('--') || body.endsWith('-')) fail('"--" inside a comment');
    i = end + 3;
  };
  const readPI = () => {
    i += 2;
    const target = readName('processing instruction target');
    if (target.qname.toLowerCase() === 'xml') fail('XML declaration not at the start of the document');
    const end = xml.indexOf('?>', i);
    if (end < 0) fail('unterminated processing instruction');
    if (end > i && !' \t\r\n'.includes(xml[i]!)) fail('processing instruction target not followed by space');
    i = end + 2;
  };
  const readMisc = () => {
    for (;;) {
      skipSpace();
      if (xml.startsWith('<!--', i)) readComment();
      else if (xml.startsWith('<?', i)) readPI();
      else if (xml.startsWith('<!DOCTYPE', i)) fail('DOCTYPE not supported in a manifest');
      else return;
    }
  };

  const decl = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*\?>/;
  if (xml.startsWith('<?xml')) {
    const m = decl.exec(xml);
    if (!m) fail('malformed XML declaration');
    i = m![0].length;
  }
  readMisc();
  if (xml[i] !== '<') fail('expected the root element');

  const resolve = (scopes: Array<Map<string, string>>, prefix: string | null, isAttr: boolean): string | null => {
    if (prefix === 'xml') return NS.xml;
    const key = prefix ?? '';
    if (prefix === null && isAttr) return null;
    for (let s = scopes.length - 1; s >= 0; s--) {
      const uri = scopes[s]!.get(key);
      if (uri !== undefined) return uri === '' ? null : uri;
    }
    if (prefix !== null) fail(`undeclared namespace prefix ${prefix}:`);
    return null;
  };

  const scopes: Array<Map<string, string>> = [];
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;

  const readStartTag = () => {
    i++;
    const name = readName('element');
    const raw: Array<{ qname: string; prefix: string | null; local: string; value: string }> = [];
    for (;;) {
      const before = i;
      skipSpace();
      if (xml.startsWith('/>', i) || xml[i] === '>') break;
      if (i === before) fail('attributes must be separated by white space');
      const an = readName('attribute');
      skipSpace();
      if (xml[i] !== '=') fail(`expected = after attribute ${an.qname}`);
      i++;
      skipSpace();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") return fail(`attribute ${an.qname} value must be quoted`);
      const end = xml.indexOf(quote, i + 1);
      if (end < 0) fail(`unterminated value of attribute ${an.qname}`);
      const rawValue = xml.slice(i + 1, end);
      if (rawValue.includes('<')) fail(`"<" in the value of attribute ${an.qname}`);
      if (raw.some((a) => a.qname === an.qname)) fail(`duplicate attribute ${an.qname}`);
      raw.push({ ...an, value: decode(rawValue, `attribute ${an.qname}`).replace(/[\t\n\r]/g, ' ') });
      i = end + 1;
    }
    const empty = xml.startsWith('/>', i);
    i += empty ? 2 : 1;
    const scope = new Map<string, string>();
    for (const a of raw) {
      if (a.prefix === null && a.local === 'xmlns') scope.set('', a.value);
      else if (a.prefix === 'xmlns') {
        if (a.value === '') fail(`empty namespace for prefix ${a.local}`);
        scope.set(a.local, a.value);
      }
    }
    scopes.push(scope);
    const parent = stack[stack.length - 1] ?? null;
    const element: XmlElement = {
      qname: name.qname,
      local: name.local,
      ns: resolve(scopes, name.prefix, false),
      attrs: raw
        .filter((a) => !(a.prefix === 'xmlns' || (a.prefix === null && a.local === 'xmlns')))
        .map((a) => ({ ...a, ns: resolve(scopes, a.prefix, true) })),
      children: [],
      text: '',
      parent,
    };
    const expanded = new Set<string>();
    for (const a of element.attrs) {
      const key = `${a.ns ?? ''} ${a.local}`;
      if (expanded.has(key)) fail(`duplicate attribute {${a.ns}}${a.local}`);
      expanded.add(key);
    }
    if (parent) parent.children.push(element);
    else if (root) fail('more than one root element');
    else root = element;
    if (empty) scopes.pop();
    else stack.push(element);
  };

  const readEndTag = () => {
    i += 2;
    const name = readName('end tag');
    skipSpace();
    if (xml[i] !== '>') fail(`malformed end tag </${name.qname}`);
    i++;
    const open = stack.pop();
    if (!open) return fail(`end tag </${name.qname}> without a start tag`);
    if (open.qname !== name.qname) fail(`end tag </${name.qname}> does not match <${open.qname}>`);
    scopes.pop();
  };

  readStartTag();
  while (stack.length > 0) {
    if (i >= xml.length) fail(`unclosed element <${stack[stack.length - 1]!.qname}>`);
    const current = stack[stack.length - 1]!;
    if (xml.startsWith('</', i)) readEndTag();
    else if (xml.startsWith('<!--', i)) readComment();
    else if (xml.startsWith('<![CDATA[', i)) {
      const end = xml.indexOf(']]>', i);
      if (end < 0) fail('unterminated CDATA section');
      current.text += xml.slice(i + 9, end);
      i = end + 3;
    } else if (xml.startsWith('<?', i)) readPI();
    else if (xml.startsWith('<!', i)) fail('markup declaration inside an element');
    else if (xml[i] === '<') readStartTag();
    else {
      const end = xml.indexOf('<', i);
      const raw = xml.slice(i, end < 0 ? xml.length : end);
      if (raw.includes(']]>')) fail('"]]>" in text');
      current.text += decode(raw, `text of <${current.qname}>`);
      i += raw.length;
    }
  }
  readMisc();
  if (i !== xml.length) fail('content after the root element');
  return root!;
}

// ---------------------------------------------------------------------------------------
// The manifest's schema, as far as this manifest uses it: for each element (namespace
// label : local name) the child sequence in XSD order and the required children.
// Sources: OfficeAppManifestV1_1.xsd (OfficeApp + TaskPaneApp extension),
// TaskPaneAppVersionOverridesV1_0.xsd, OfficeAppBasicTypesV1_0.xsd.
// ---------------------------------------------------------------------------------------

type Label = 'o' | 'v' | 'b';
const LABEL_NS: Record<Label, string> = { o: NS.office, v: NS.vo, b: NS.bt };
const keyOf = (el: XmlElement): string => {
  const label = (Object.keys(LABEL_NS) as Label[]).find((l) => LABEL_NS[l] === el.ns);
  return `${label ?? `{${el.ns}}`}:${el.local}`;
};

interface Rule {
  seq: string[];
  required?: string[];
}
const LEAF: Rule = { seq: [] };
const localized: Rule = { seq: ['o:Override'] };

/** OfficeApp base sequence followed by the TaskPaneApp extension. */
const OFFICE_APP_ORDER = [
  'Id', 'AlternateId', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description',
  'IconUrl', 'HighResolutionIconUrl', 'SupportUrl', 'AppDomains', 'Hosts',
  'Requirements', 'DefaultSettings', 'Permissions', 'Dictionary', 'VersionOverrides',
];

const SCHEMA: Record<string, Rule> = {
  'o:OfficeApp': {
    seq: OFFICE_APP_ORDER.map((n) => (n === 'VersionOverrides' ? 'v:VersionOverrides' : `o:${n}`)),
    required: ['o:Id', 'o:Version', 'o:ProviderName', 'o:DefaultLocale', 'o:DisplayName', 'o:Description', 'o:DefaultSettings', 'o:Permissions'],
  },
  'o:Id': LEAF,
  'o:Version': LEAF,
  'o:ProviderName': LEAF,
  'o:DefaultLocale': LEAF,
  'o:DisplayName': localized,
  'o:Description': localized,
  'o:IconUrl': localized,
  'o:HighResolutionIconUrl': localized,
  'o:SupportUrl': localized,
  'o:Override': LEAF,
  'o:AppDomains': { seq: ['o:AppDomain'], required: ['o:AppDomain'] },
  'o:AppDomain': LEAF,
  'o:Hosts': { seq: ['o:Host'], required: ['o:Host'] },
  'o:Host': LEAF,
  'o:Requirements': { seq: ['o:Sets', 'o:Methods'] },
  'o:Sets': { seq: ['o:Set'], required: ['o:Set'] },
  'o:Set': LEAF,
  'o:DefaultSettings': { seq: ['o:SourceLocation'], required: ['o:SourceLocation'] },
  'o:SourceLocation': localized,
  'o:Permissions': LEAF,
  'v:VersionOverrides': { seq: ['v:Description', 'v:Requirements', 'v:Hosts', 'v:Resources', 'v:WebApplicationInfo', 'v:EquivalentAddins'] },
  'v:Hosts': { seq: ['v:Host'], required: ['v:Host'] },
  'v:Host': { seq: ['v:AllFormFactors', 'v:DesktopFormFactor'] },
  'v:DesktopFormFactor': { seq: ['v:GetStarted', 'v:FunctionFile', 'v:ExtensionPoint'], required: ['v:ExtensionPoint'] },
  'v:GetStarted': { seq: ['v:Title', 'v:Description', 'v:LearnMoreUrl'], required: ['v:Title', 'v:Description', 'v:LearnMoreUrl'] },
  'v:FunctionFile': LEAF,
  'v:ExtensionPoint': { seq: ['v:OfficeTab', 'v:CustomTab'] },
  'v:OfficeTab': { seq: ['v:Group'], required: ['v:Group'] },
  'v:Group': { seq: ['v:Label', 'v:Icon', 'v:Control'], required: ['v:Label', 'v:Icon', 'v:Control'] },
  'v:Control': { seq: ['v:Label', 'v:Supertip', 'v:Icon', 'v:Action'], required: ['v:Label', 'v:Supertip', 'v:Icon', 'v:Action'] },
  'v:Supertip': { seq: ['v:Title', 'v:Description'], required: ['v:Title', 'v:Description'] },
  'v:Icon': { seq: ['b:Image'], required: ['b:Image'] },
  'v:Action': { seq: ['v:TaskpaneId', 'v:SourceLocation', 'v:Title'], required: ['v:SourceLocation'] },
  'v:TaskpaneId': LEAF,
  'v:SourceLocation': LEAF,
  'v:Label': LEAF,
  'v:Title': LEAF,
  'v:Description': LEAF,
  'v:LearnMoreUrl': LEAF,
  'v:Resources': { seq: ['b:Images', 'b:Urls', 'b:ShortStrings', 'b:LongStrings'] },
  'b:Images': { seq: ['b:Image'] },
  'b:Urls': { seq: ['b:Url'] },
  'b:ShortStrings': { seq: ['b:String'] },
  'b:LongStrings': { seq: ['b:String'] },
  'b:Image': { seq: ['b:Override'] },
  'b:Url': { seq: ['b:Override'] },
  'b:String': { seq: ['b:Override'] },
  'b:Override': LEAF,
};

function* walk(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) yield* walk(c);
}

const attr = (el: XmlElement, local: string, ns: string | null = null): string | undefined =>
  el.attrs.find((a) => a.local === local && a.ns === ns)?.value;
const xsiType = (el: XmlElement) => attr(el, 'type', NS.xsi);
const child = (el: XmlElement, local: string): XmlElement => {
  const found = el.children.filter((c) => c.local === local);
  assert.equal(found.length, 1, `<${el.qname}> should have exactly one <${local}>, has ${found.length}`);
  return found[0]!;
};
const pathOf = (el: XmlElement): string => (el.parent ? `${pathOf(el.parent)}/${el.qname}` : el.qname);

/** Problems with element order, unknown or missing children, or mixed content. */
function schemaProblems(root: XmlElement): string[] {
  const problems: string[] = [];
  for (const el of walk(root)) {
    const rule = SCHEMA[keyOf(el)];
    if (!rule) {
      problems.push(`${pathOf(el)}: element not in the manifest schema table (${keyOf(el)})`);
      continue;
    }
    let at = 0;
    for (const c of el.children) {
      const k = keyOf(c);
      const p = rule.seq.indexOf(k, at);
      if (p < 0) {
        problems.push(
          rule.seq.includes(k)
            ? `${pathOf(c)}: out of order (expected order ${rule.seq.join(', ')})`
            : `${pathOf(c)}: not a valid child of ${keyOf(el)}`,
        );
      } else at = p;
    }
    for (const r of rule.required ?? []) if (!el.children.some((c) => keyOf(c) === r)) problems.push(`${pathOf(el)}: missing required ${r}`);
    if (el.children.length > 0 && el.text.trim() !== '') problems.push(`${pathOf(el)}: text mixed with elements`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------
// PNG reading: signature, chunk CRCs, IHDR, and the decoded RGBA pixels.
// ---------------------------------------------------------------------------------------

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  rgba: Uint8Array;
}

function readPng(bytes: Buffer): Png {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let o = 8;
  const chunks: Array<{ type: string; data: Buffer }> = [];
  while (o < bytes.length) {
    const length = bytes.readUInt32BE(o);
    const type = bytes.toString('latin1', o + 4, o + 8);
    const data = bytes.subarray(o + 8, o + 8 + length);
    const stored = bytes.readUInt32BE(o + 8 + length);
    assert.equal(stored, zlibCrc32(bytes.subarray(o + 4, o + 8 + length)), `CRC of ${type}`);
    chunks.push({ type, data });
    o += 12 + length;
  }
  assert.equal(o, bytes.length, 'PNG chunks end exactly at the end of the file');
  assert.equal(chunks[0]?.type, 'IHDR', 'IHDR first');
  assert.equal(chunks[chunks.length - 1]?.type, 'IEND', 'IEND last');
  const ihdr = chunks[0].data;
  assert.equal(ihdr.length, 13);
  const png = { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), bitDepth: ihdr[8]!, colorType: ihdr[9]!, interlace: ihdr[12]! };
  assert.equal(png.bitDepth, 8, 'bit depth');
  assert.equal(png.colorType, 6, 'RGBA');
  assert.equal(png.interlace, 0, 'not interlaced');
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = png.width * 4;
  assert.equal(raw.length, (stride + 1) * png.height, 'decompressed image size');
  const rgba = new Uint8Array(stride * png.height);
  for (let y = 0; y < png.height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? rgba[y * stride + x - 4]! : 0;
      const b = y > 0 ? rgba[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4]! : 0;
      const paeth = () => {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      };
      const predictor = [0, a, b, (a + b) >> 1, filter === 4 ? paeth() : 0][filter];
      assert.ok(predictor !== undefined, `unknown PNG filter ${filter}`);
      rgba[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  return { ...png, rgba };
}

// ---------------------------------------------------------------------------------------

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CUSTOM = 'https://asr.example.gov.vn';
const BASES = [DEFAULT_BASE_URL, CUSTOM, 'https://portal.example.gov.vn/an-sinh'];

/** Every value in the manifest that is a URL (attribute values and text; namespace declarations excluded). */
function urlsIn(root: XmlElement): Array<{ where: string; url: string }> {
  const out: Array<{ where: string; url: string }> = [];
  for (const el of walk(root)) {
    for (const a of el.attrs) if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a.value) || a.value.includes('://')) out.push({ where: `${pathOf(el)}@${a.qname}`, url: a.value });
    const text = el.text.trim();
    if (text.includes('://') || /^(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?$/i.test(text) || /^localhost(?::\d+)?$/.test(text)) out.push({ where: pathOf(el), url: text });
  }
  return out;
}

function resources(root: XmlElement): Map<string, { kind: string; el: XmlElement }> {
  const res = child(child(root, 'VersionOverrides'), 'Resources');
  const map = new Map<string, { kind: string; el: XmlElement }>();
  for (const group of res.children) {
    for (const r of group.children) {
      const id = attr(r, 'id');
      assert.ok(id, `${pathOf(r)} has an id`);
      assert.ok(id.length <= 32, `resource id ${id} is at most 32 characters`);
      assert.ok(!map.has(id), `resource id ${id} is unique`);
      map.set(id, { kind: group.local, el: r });
    }
  }
  return map;
}

describe('Office add-in manifest', () => {
  for (const base of BASES) {
    describe(`built for ${base}`, () => {
      const xml = buildManifest(base);
      const root = parseXml(xml);

      it('is well-formed XML with an OfficeApp TaskPaneApp root and a V1_0 VersionOverrides', () => {
        assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"'), 'XML declaration first, UTF-8, no BOM');
        assert.equal(root.local, 'OfficeApp');
        assert.equal(root.ns, NS.office);
        assert.equal(xsiType(root), 'TaskPaneApp');
        const vo = child(root, 'VersionOverrides');
        assert.equal(vo.ns, NS.vo);
        assert.equal(xsiType(vo), 'VersionOverridesV1_0');
        assert.ok(!xml.includes('{{') && !xml.includes('}}'), 'no placeholder left');
      });

      it('lists the top-level OfficeApp children in the schema order', () => {
        assert.deepEqual(
          root.children.map((c) => c.local),
          ['Id', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description', 'IconUrl', 'HighResolutionIconUrl', 'SupportUrl', 'AppDomains', 'Hosts', 'Requirements', 'DefaultSettings', 'Permissions', 'VersionOverrides'],
        );
        // …which is the schema's sequence with the optional elements this add-in leaves out removed.
        assert.deepEqual(root.children.map((c) => c.local), OFFICE_APP_ORDER.filter((n) => root.children.some((c) => c.local === n)));
      });

      it('orders and nests every element as the XSDs require, with only known elements', () => {
        assert.deepEqual(schemaProblems(root), []);
      });

      it('uses https URLs that all start with the base URL', () => {
        const { base: normalized, origin } = normalizeBaseUrl(base);
        const urls = urlsIn(root);
        assert.ok(urls.length >= 10, `found ${urls.length} URLs`);
        for (const { where, url } of urls) {
          assert.ok(url.startsWith('https://'), `${where}: ${url} is https`);
          if (where.endsWith('/AppDomain')) assert.equal(url, origin, `${where} is the base URL's origin`);
          else assert.ok(url.startsWith(`${normalized}/`), `${where}: ${url} starts with ${normalized}/`);
        }
        const taskpane = `${normalized}/addin/taskpane.html`;
        assert.equal(attr(child(child(root, 'DefaultSettings'), 'SourceLocation'), 'DefaultValue'), taskpane);
        assert.equal(attr(resources(root).get('Taskpane.Url')!.el, 'DefaultValue'), taskpane);
      });

      it('has a GUID Id, a version, Vietnamese defaults with en-US overrides and ReadWriteDocument', () => {
        assert.match(child(root, 'Id').text, GUID);
        assert.match(child(root, 'Version').text, /^\d{1,5}(\.\d{1,5}){0,3}$/);
        assert.equal(child(root, 'DefaultLocale').text, 'vi-VN');
        assert.equal(child(root, 'Permissions').text, 'ReadWriteDocument');
        const name = child(root, 'DisplayName');
        assert.equal(attr(name, 'DefaultValue'), 'An sinh — báo cáo chỉ tiêu');
        assert.equal(attr(child(name, 'Override'), 'Locale'), 'en-US');
        assert.equal(attr(child(name, 'Override'), 'Value'), 'Social welfare plan reporting');
        const description = child(root, 'Description');
        assert.ok(attr(description, 'DefaultValue')!.length <= 250, 'Description at most 250 characters');
        assert.equal(attr(child(description, 'Override'), 'Locale'), 'en-US');
        assert.ok(attr(child(description, 'Override'), 'Value')!.length <= 250);
        assert.ok(child(root, 'ProviderName').text.length <= 125);
      });

      it('activates in Excel (Workbook) and requires ExcelApi 1.8', () => {
        assert.deepEqual(child(root, 'Hosts').children.map((h) => attr(h, 'Name')), ['Workbook']);
        const sets = child(child(root, 'Requirements'), 'Sets');
        assert.deepEqual(
          sets.children.map((s) => [attr(s, 'Name'), attr(s, 'MinVersion')]),
          [['ExcelApi', '1.8']],
        );
        const voHosts = child(child(root, 'VersionOverrides'), 'Hosts');
        assert.deepEqual(voHosts.children.map(xsiType), ['Workbook']);
      });

      it('puts a button on the Home tab that shows the task pane', () => {
        const dff = child(child(child(child(root, 'VersionOverrides'), 'Hosts'), 'Host'), 'DesktopFormFactor');
        const point = child(dff, 'ExtensionPoint');
        assert.equal(xsiType(point), 'PrimaryCommandSurface');
        const tab = child(point, 'OfficeTab');
        assert.equal(attr(tab, 'id'), 'TabHome');
        const control = child(child(tab, 'Group'), 'Control');
        assert.equal(xsiType(control), 'Button');
        const action = child(control, 'Action');
        assert.equal(xsiType(action), 'ShowTaskpane');
        assert.ok(child(action, 'TaskpaneId').text.trim().length > 0);
        assert.equal(attr(child(action, 'SourceLocation'), 'resid'), 'Taskpane.Url');
        const ids = [...walk(root)].map((e) => (e.local === 'Group' || e.local === 'Control' ? attr(e, 'id') : undefined)).filter(Boolean);
        assert.equal(new Set(ids).size, ids.length, 'group and control ids are unique');
      });

      it('resolves every resid to a resource of the right kind, with en-US overrides for strings', () => {
        const res = resources(root);
        const kindFor = (el: XmlElement): string => {
          if (el.local === 'Image') return 'Images';
          if (['SourceLocation', 'LearnMoreUrl', 'FunctionFile'].includes(el.local)) return 'Urls';
          if (el.local === 'Description') return 'LongStrings';
          return 'ShortStrings'; // Label, Title
        };
        const referenced = new Set<string>();
        for (const el of walk(root)) {
          const resid = attr(el, 'resid');
          if (resid === undefined) continue;
          const target = res.get(resid);
          assert.ok(target, `${pathOf(el)}: resid ${resid} exists in Resources`);
          assert.equal(target.kind, kindFor(el), `${pathOf(el)}: resid ${resid} is in bt:${kindFor(el)}`);
          referenced.add(resid);
        }
        for (const id of res.keys()) assert.ok(referenced.has(id), `resource ${id} is used`);
        for (const [id, { kind, el }] of res) {
          const value = attr(el, 'DefaultValue');
          assert.ok(value, `${id} has a DefaultValue`);
          if (kind === 'ShortStrings' || kind === 'LongStrings') {
            const max = kind === 'ShortStrings' ? 125 : 250;
            assert.ok(value.length <= max, `${id} at most ${max} characters`);
            const override = child(el, 'Override');
            assert.equal(attr(override, 'Locale'), 'en-US', `${id} has an en-US override`);
            assert.ok(attr(override, 'Value')!.length <= max);
          }
        }
      });

      it('declares icons that exist in addin/assets with the declared pixel size', () => {
        const res = resources(root);
        const declared: Array<{ where: string; url: string; size: number }> = [
          { where: 'IconUrl', url: attr(child(root, 'IconUrl'), 'DefaultValue')!, size: 32 },
          { where: 'HighResolutionIconUrl', url: attr(child(root, 'HighResolutionIconUrl'), 'DefaultValue')!, size: 64 },
        ];
        for (const icon of [...walk(root)].filter((e) => e.local === 'Icon')) {
          const sizes = icon.children.map((img) => Number(attr(img, 'size')));
          for (const mandatory of [16, 32, 80]) assert.ok(sizes.includes(mandatory), `${pathOf(icon)} has a ${mandatory}px image`);
          for (const img of icon.children) {
            const resid = attr(img, 'resid')!;
            declared.push({ where: `${pathOf(icon)}[${resid}]`, url: attr(res.get(resid)!.el, 'DefaultValue')!, size: Number(attr(img, 'size')) });
          }
        }
        const prefix = `${normalizeBaseUrl(base).base}/addin/assets/`;
        const imageUrls = [...res.values()].filter((r) => r.kind === 'Images').map((r) => attr(r.el, 'DefaultValue')!);
        for (const url of imageUrls) assert.ok(declared.some((d) => d.url === url), `${url} is used by an Icon`);
        for (const { where, url, size } of declared) {
          assert.ok(url.startsWith(prefix), `${where}: ${url} is under ${prefix}`);
          const file = path.join(ASSETS, url.slice(prefix.length));
          assert.ok(existsSync(file), `${where}: ${file} exists`);
          const png = readPng(readFileSync(file));
          assert.deepEqual([png.width, png.height], [size, size], `${where}: ${path.basename(file)} is ${size}×${size}`);
        }
      });
    });
  }

  it('is committed as manifest/manifest.xml for https://localhost:3000, up to date', () => {
    assert.equal(readFileSync(MANIFEST_PATH, 'utf8'), buildManifest('https://localhost:3000'));
  });

  it('normalizes the base URL and refuses anything but plain https', () => {
    assert.equal(buildManifest(`${CUSTOM}/`), buildManifest(CUSTOM));
    assert.equal(normalizeBaseUrl('https://portal.example.gov.vn/an-sinh//').base, 'https://portal.example.gov.vn/an-sinh');
    for (const bad of ['http://localhost:3000', 'localhost:3000', 'https://u:p@host', 'https://host/?x=1', 'https://host/#top', 'ftp://host']) {
      assert.throws(() => buildManifest(bad), Error, bad);
    }
  });

  it('escapes the base URL for XML', () => {
    const xml = buildManifest("https://host/a&b'c");
    parseXml(xml);
    assert.ok(xml.includes('https://host/a&amp;b&apos;c/addin/taskpane.html'));
  });

  it('the order check catches misplaced, unknown and missing elements', () => {
    const xml = buildManifest(DEFAULT_BASE_URL);
    const swap = (text: string, a: RegExp, b: RegExp): string => {
      const ma = a.exec(text);
      const mb = b.exec(text);
      assert.ok(ma && mb && ma.index < mb.index, `${a} before ${b}`);
      return text.slice(0, ma.index) + mb[0] + text.slice(ma.index + ma[0].length, mb.index) + ma[0] + text.slice(mb.index + mb[0].length);
    };
    const mutants: Record<string, string> = {
      'IconUrl after HighResolutionIconUrl': swap(xml, /<IconUrl [^>]*\/>/, /<HighResolutionIconUrl [^>]*\/>/),
      'Permissions before DefaultSettings': swap(xml, /<DefaultSettings>[\s\S]*?<\/DefaultSettings>/, /<Permissions>[^<]*<\/Permissions>/),
      'Requirements before Hosts': swap(xml, /<Hosts>\s*<Host Name[^>]*\/>\s*<\/Hosts>/, /<Requirements>[\s\S]*?<\/Requirements>/),
      'Icon before Supertip in the button': swap(xml, /<Supertip>[\s\S]*?<\/Supertip>/, /<Icon>(?:(?!<\/Icon>)[\s\S])*<\/Icon>(?=\s*<Action)/),
      'bt:Urls before bt:Images': swap(xml, /<bt:Images>[\s\S]*?<\/bt:Images>/, /<bt:Urls>[\s\S]*?<\/bt:Urls>/),
      'Permissions missing': xml.replace(/<Permissions>[^<]*<\/Permissions>/, ''),
      'unknown element': xml.replace('<Permissions>', '<AllowSnapshot>true</AllowSnapshot><Permissions>'),
      'Group label missing': xml.replace(/<Label resid="Group.Label"\/>/, ''),
    };
    for (const [name, mutant] of Object.entries(mutants)) {
      assert.notEqual(mutant, xml, name);
      assert.ok(schemaProblems(parseXml(mutant)).length > 0, `${name} is reported`);
    }
  });

  it('the XML checker rejects malformed documents', () => {
    const bad = [
      '<a><b></a></b>',
      '<a>',
      '<a></a><b/>',
      '<a x="1" x="2"/>',
      '<a x=1/>',
      '<a>&nbsp;</a>',
      '<a>&amp</a>',
      '<a x="<"/>',
      '<a><!-- -- --></a>',
      '<p:a/>',
      '<a p:x="1"/>',
      ' <?xml version="1.0"?><a/>',
      '<a>\u0001</a>',
      '<a>]]></a>',
      '<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>',
      'text<a/>',
    ];
    for (const doc of bad) assert.throws(() => parseXml(doc), XmlError, JSON.stringify(doc));
    const ok = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><a xmlns="u" xmlns:p="v" p:x="&lt;&#233;&#x20AC;"><![CDATA[<x>]]><b/></a>\n');
    assert.equal(ok.ns, 'u');
    assert.equal(ok.attrs[0]!.value, '<é€');
    assert.equal(ok.text, '<x>');
  });
});

describe('Add-in icons', () => {
  for (const size of ICON_SIZES) {
    it(`addin/assets/icon-${size}.png is a valid ${size}×${size} RGBA PNG with the pixels make-icons draws`, () => {
      const png = readPng(readFileSync(path.join(ASSETS, `icon-${size}.png`)));
      assert.deepEqual([png.width, png.height], [size, size]);
      const expected = renderIcon(size);
      assert.ok(Buffer.from(png.rgba).equals(Buffer.from(expected)), 'committed pixels match scripts/make-icons.ts (run it to regenerate)');
      // The design: transparent corner, blue square, white bar.
      const at = (x: number, y: number) => [...png.rgba.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
      assert.deepEqual(at(0, 0), [0, 0, 0, 0]);
      assert.deepEqual(at(size / 2, (size * 2) / 16), [0x15, 0x65, 0xc0, 255]);
      assert.deepEqual(at((size * 11) / 16, (size * 10) / 16), [255, 255, 255, 255]);
    });
  }

  it('the encoder round-trips through the reader and its CRC-32 agrees with zlib', () => {
    const rgba = new Uint8Array(3 * 2 * 4).map((_, k) => (k * 37) & 0xff);
    const png = readPng(encodePng(3, 2, rgba));
    assert.deepEqual([...png.rgba], [...rgba]);
    for (const sample of ['', 'IEND', 'The quick brown fox']) assert.equal(crc32(Buffer.from(sample)), zlibCrc32(Buffer.from(sample)));
  });
});

describe('Sideloading help', () => {
  it('names the steps for Windows, Mac, the web and centralized deployment', () => {
    const text = manualSteps('manifest/manifest.xml', DEFAULT_BASE_URL);
    for (const needle of ['Trusted Add-in Catalogs', '~/Library/Containers/com.microsoft.Excel/Data/Documents/wef', 'Upload My Add-in', 'Microsoft 365 admin center', 'npm run start:https', 'https://localhost:3000/addin/taskpane.html']) {
      assert.ok(text.includes(needle), needle);
    }
  });
});
