#!/usr/bin/python3
"""Machine checks of a tagged PDF, after the Matterhorn Protocol's machine-checkable points that our
documents can fail. Reads the PDF with pikepdf (qpdf), an independent, well-kept library, so nothing
here parses PDF by hand.

Usage: check.py FILE.pdf ... ; prints one JSON object per file:
  {"file", "failures": [{"rule", "detail"}], "facts": {...}}
The facts (bookmarks, contents links, headings, lists) let the TypeScript test compare the PDF with
the meeting it was made from.
"""

import json
import sys

import pikepdf
from pikepdf import Array, Dictionary, Name

# Operators that put something on the page: text, paths that are painted, images and forms, shadings.
MARKS = {'Tj', 'TJ', "'", '"', 'S', 's', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'Do', 'sh', 'BI', 'INLINE IMAGE'}


def kids(element):
    k = element.get('/K')
    if k is None:
        return []
    return list(k) if isinstance(k, Array) else [k]


def is_element(obj):
    return isinstance(obj, Dictionary) and '/S' in obj


def role(element, role_map):
    """The standard structure type of an element: its own, or what the RoleMap maps it to."""
    s = str(element.get('/S'))
    seen = set()
    while role_map is not None and s in role_map and s not in seen:
        seen.add(s)
        s = str(role_map[s])
    return s


def text_of(obj):
    try:
        return str(obj)
    except Exception:  # noqa: BLE001 - a non-text value
        return ''


def check_content(pdf, failures):
    """Every text, path and image is inside marked content with an MCID, or inside an Artifact."""
    untagged = 0
    examples = []
    for number, page in enumerate(pdf.pages, start=1):
        stack = []  # per open marked-content sequence: 'tagged', 'artifact' or 'other'
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == 'BMC':
                stack.append('artifact' if operands[0] == Name.Artifact else 'other')
            elif op == 'BDC':
                props = operands[1] if len(operands) > 1 else None
                if operands[0] == Name.Artifact:
                    stack.append('artifact')
                elif isinstance(props, Dictionary) and '/MCID' in props:
                    stack.append('tagged')
                else:
                    stack.append('other')
            elif op == 'EMC':
                if stack:
                    stack.pop()
            elif op in MARKS and not any(s in ('tagged', 'artifact') for s in stack):
                untagged += 1
                if len(examples) < 5:
                    examples.append(f'side {number}: {op}')
    if untagged:
        failures.append({'rule': 'untagged-content', 'detail': f'{untagged} operationer uden tag eller Artifact, fx {", ".join(examples)}'})


def walk(root, role_map):
    """The structure elements in document order, with their depth and parent chain of roles."""
    out = []

    def visit(element, parents):
        r = role(element, role_map)
        out.append((element, r, parents))
        for child in kids(element):
            if is_element(child):
                visit(child, parents + [r])

    for child in kids(root):
        if is_element(child):
            visit(child, [])
    return out


def check_structure(pdf, failures, facts):
    root = pdf.Root.get('/StructTreeRoot')
    if root is None:
        failures.append({'rule': 'structure', 'detail': 'ingen StructTreeRoot'})
        return
    role_map = root.get('/RoleMap')
    elements = walk(root, role_map)

    # Headings never skip a level.
    headings = []
    for element, r, _ in elements:
        if len(r) == 3 and r.startswith('/H') and r[2].isdigit():
            headings.append(int(r[2]))
    facts['headings'] = headings
    previous = 0
    for level in headings:
        if level > previous + 1:
            failures.append({'rule': 'heading-order', 'detail': f'H{previous} efterfølges af H{level}'})
        previous = level

    # Lists: every L holds LI, and a list nested in another sits inside the other's LI (LBody).
    nested = 0
    for element, r, parents in elements:
        if r == '/L':
            if parents and parents[-1] == '/L':
                failures.append({'rule': 'list-nesting', 'detail': 'en liste er lagt direkte i en anden liste i stedet for i et listepunkt'})
            if '/LI' in parents or '/LBody' in parents:
                nested += 1
            for child in kids(element):
                if is_element(child) and role(child, role_map) not in ('/LI', '/Caption'):
                    failures.append({'rule': 'list-nesting', 'detail': f'L indeholder {role(child, role_map)}'})
    facts['nestedLists'] = nested
    facts['lists'] = sum(1 for _, r, _ in elements if r == '/L')

    # Tables have header cells, and each header cell says what it heads.
    tables = [e for e, r, _ in elements if r == '/Table']
    facts['tables'] = len(tables)
    for table in tables:
        cells = [e for e, r, _ in walk(table, role_map) if r == '/TH']
        if not cells:
            failures.append({'rule': 'table-headers', 'detail': 'en tabel uden TH'})
        for th in cells:
            attributes = th.get('/A')
            attributes = list(attributes) if isinstance(attributes, Array) else [attributes] if attributes is not None else []
            if not any(isinstance(a, Dictionary) and a.get('/O') == Name.Table and '/Scope' in a for a in attributes):
                failures.append({'rule': 'table-headers', 'detail': 'TH uden Scope'})
                break

    # Figures say what they show.
    for element, r, _ in elements:
        if r == '/Figure' and not text_of(element.get('/Alt', '')).strip():
            failures.append({'rule': 'structure', 'detail': 'Figure uden Alt-tekst'})

    # Links: every Link element has its annotation (OBJR).
    link_elements = [e for e, r, _ in elements if r == '/Link']
    facts['linkElements'] = len(link_elements)
    for element, r, _ in elements:
        links = [c for c in kids(element) if is_element(c) and role(c, role_map) == '/Link']
        uris = [uri_of(link) for link in links]
        for a, b in zip(uris, uris[1:]):
            if a is not None and a == b:
                failures.append({'rule': 'links', 'detail': f'ét link er blevet til to Link-elementer: {a}'})
    for element in link_elements:
        if not any(isinstance(c, Dictionary) and c.get('/Type') == Name.OBJR for c in kids(element)):
            failures.append({'rule': 'links', 'detail': 'Link-element uden sin annotation (OBJR)'})


def uri_of(link):
    for c in kids(link):
        if isinstance(c, Dictionary) and c.get('/Type') == Name.OBJR:
            action = c.Obj.get('/A')
            if isinstance(action, Dictionary) and '/URI' in action:
                return text_of(action.URI)
    return None


def check_parent_tree(pdf, failures):
    """Every MCID on a page leads through the ParentTree to the element that holds it."""
    root = pdf.Root.get('/StructTreeRoot')
    if root is None:
        return
    nums = {}

    def read(node):
        if '/Nums' in node:
            pairs = list(node.Nums)
            for i in range(0, len(pairs) - 1, 2):
                nums[int(pairs[i])] = pairs[i + 1]
        for kid in node.get('/Kids', []):
            read(kid)

    read(root.ParentTree)
    broken = 0
    for page in pdf.pages:
        key = page.obj.get('/StructParents')
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) != 'BDC' or len(operands) < 2 or not isinstance(operands[1], Dictionary) or '/MCID' not in operands[1]:
                continue
            mcid = int(operands[1].MCID)
            array = nums.get(int(key)) if key is not None else None
            element = array[mcid] if isinstance(array, Array) and mcid < len(array) else None
            held = False
            if isinstance(element, Dictionary):
                for c in kids(element):
                    if (isinstance(c, int) and int(c) == mcid) or (isinstance(c, Dictionary) and c.get('/Type') == Name.MCR and int(c.MCID) == mcid and c.Pg.objgen == page.obj.objgen):
                        held = True
            if not held:
                broken += 1
    if broken:
        failures.append({'rule': 'structure', 'detail': f'{broken} MCID uden element i ParentTree'})


def page_index(pdf, dest):
    if isinstance(dest, Array) and len(dest) > 0:
        target = dest[0]
        for i, page in enumerate(pdf.pages):
            if page.obj.objgen == target.objgen:
                return i + 1
    return None


def check_annotations(pdf, failures, facts):
    links = []
    for number, page in enumerate(pdf.pages, start=1):
        annots = page.obj.get('/Annots')
        if not annots:
            continue
        if page.obj.get('/Tabs') != Name.S:
            failures.append({'rule': 'links', 'detail': f'side {number}: /Tabs er {page.obj.get("/Tabs")!r}, ikke navnet /S'})
        for annot in annots:
            if annot.get('/Subtype') != Name.Link:
                continue
            if '/StructParent' not in annot:
                failures.append({'rule': 'links', 'detail': f'side {number}: link uden StructParent'})
            if not text_of(annot.get('/Contents', '')).strip():
                failures.append({'rule': 'links', 'detail': f'side {number}: link uden Contents'})
            action = annot.get('/A')
            dest = annot.get('/Dest')
            if isinstance(action, Dictionary) and action.get('/S') == Name.GoTo:
                dest = action.get('/D')
            rect = [float(x) for x in annot.get('/Rect')]
            links.append({
                'page': number,
                'contents': text_of(annot.get('/Contents', '')),
                'uri': text_of(action.get('/URI')) if isinstance(action, Dictionary) and '/URI' in action else None,
                'target': page_index(pdf, dest),
                'width': abs(rect[2] - rect[0]),
                'height': abs(rect[3] - rect[1]),
            })
    facts['links'] = links


def check_settings(pdf, failures, facts):
    root = pdf.Root
    lang = text_of(root.get('/Lang', ''))
    if not lang:
        failures.append({'rule': 'settings', 'detail': 'ingen /Lang'})
    prefs = root.get('/ViewerPreferences')
    if not (isinstance(prefs, Dictionary) and prefs.get('/DisplayDocTitle') is True):
        failures.append({'rule': 'settings', 'detail': 'DisplayDocTitle er ikke true'})
    mark = root.get('/MarkInfo')
    if not (isinstance(mark, Dictionary) and mark.get('/Marked') is True):
        failures.append({'rule': 'settings', 'detail': 'MarkInfo /Marked er ikke true'})
    with pdf.open_metadata() as meta:
        title = meta.get('dc:title')
        facts['xmpTitle'] = title
        facts['pdfuaPart'] = meta.get('{http://www.aiim.org/pdfua/ns/id/}part')
    if not title:
        failures.append({'rule': 'settings', 'detail': 'ingen dc:title i XMP-metadata'})
    facts['lang'] = lang
    facts['title'] = text_of(pdf.docinfo.get('/Title', ''))
    facts['pageMode'] = text_of(root.get('/PageMode', ''))
    if root.get('/PageMode') != Name.UseOutlines:
        failures.append({'rule': 'navigation', 'detail': 'bogmærkepanelet åbner ikke (/PageMode er ikke /UseOutlines)'})


def fonts_of(resources, seen):
    if not isinstance(resources, Dictionary):
        return
    fonts = resources.get('/Font')
    for key in (fonts.keys() if isinstance(fonts, Dictionary) else []):
        font = fonts[key]
        if font.objgen not in seen:
            seen.add(font.objgen)
            yield font
    xobjects = resources.get('/XObject')
    for key in (xobjects.keys() if isinstance(xobjects, Dictionary) else []):
        xobject = xobjects[key]
        if xobject.get('/Subtype') == Name.Form and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            yield from fonts_of(xobject.get('/Resources'), seen)


def check_fonts(pdf, failures, facts):
    seen = set()
    names = []
    for page in pdf.pages:
        for font in fonts_of(page.obj.get('/Resources'), seen):
            name = text_of(font.get('/BaseFont', ''))
            names.append(name)
            if '/ToUnicode' not in font:
                failures.append({'rule': 'fonts', 'detail': f'{name} uden ToUnicode'})
            descendants = font.get('/DescendantFonts')
            descriptor_of = descendants[0] if descendants is not None else font
            descriptor = descriptor_of.get('/FontDescriptor')
            if not (isinstance(descriptor, Dictionary) and any(k in descriptor for k in ('/FontFile', '/FontFile2', '/FontFile3'))):
                failures.append({'rule': 'fonts', 'detail': f'{name} er ikke indlejret'})
    facts['fonts'] = sorted(set(names))


def check_outlines(pdf, facts):
    bookmarks = []

    def visit(item, depth):
        while item is not None:
            dest = item.get('/Dest')
            action = item.get('/A')
            if isinstance(action, Dictionary) and action.get('/S') == Name.GoTo:
                dest = action.get('/D')
            bookmarks.append({'title': text_of(item.get('/Title')), 'depth': depth, 'page': page_index(pdf, dest)})
            if '/First' in item:
                visit(item.First, depth + 1)
            item = item.get('/Next')

    outlines = pdf.Root.get('/Outlines')
    if outlines is not None and '/First' in outlines:
        visit(outlines.First, 0)
    facts['bookmarks'] = bookmarks


def check(path):
    failures = []
    facts = {}
    with pikepdf.open(path) as pdf:
        facts['pages'] = len(pdf.pages)
        check_content(pdf, failures)
        check_structure(pdf, failures, facts)
        check_parent_tree(pdf, failures)
        check_annotations(pdf, failures, facts)
        check_settings(pdf, failures, facts)
        check_fonts(pdf, failures, facts)
        check_outlines(pdf, facts)
    return {'file': path, 'failures': failures, 'facts': facts}


if __name__ == '__main__':
    for arg in sys.argv[1:]:
        print(json.dumps(check(arg), ensure_ascii=False))
