#!/usr/bin/env python3
"""Rough static check of Terraform files against provider schemas.

Parses .tf files (not a real HCL parser: a brace-tracking line scanner that is good enough for
`terraform fmt`-formatted code) and checks, for every `resource`, `data`, `ephemeral` and
`provider` block:

  * the resource / data source / provider type exists in one of the schemas;
  * every argument (`name = ...`) exists as an attribute of the enclosing (nested) block, is not
    computed-only, and is not deprecated;
  * every nested block (`name {`, `dynamic "name" {`) exists as a block type, not an attribute
    (catches `kubernetes { }` vs `kubernetes = { }` in helm v3);
  * object literals assigned to nested-type attributes (`kubernetes = { host = ... }`,
    `set = [{ name = ..., value = ... }]`) only use known keys;
  * required attributes and blocks with min_items > 0 are present (unless a `dynamic` block or
    an unknown construct makes that undecidable);
  * per directory: var./local./module.<m>.<output> references resolve, and every local module
    call passes only declared variables and all variables without a default.

Usage: check_schema_names.py [--schemas DIR] PATH...   (files or directories, recursive)
Exit code 1 when anything is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

META_ARGS = {"count", "for_each", "depends_on", "provider", "providers"}
META_BLOCKS = {"lifecycle", "connection", "provisioner"}
BUILTIN = {
    "terraform_data": {
        "attributes": {
            "input": {"optional": True},
            "triggers_replace": {"optional": True},
            "id": {"computed": True},
            "output": {"computed": True},
        },
        "block_types": {},
    }
}

DEFAULT_SCHEMAS = Path(os.environ.get("SCHEMA_DIR", "/work/shared/schemas"))


def load_schemas(d: Path):
    res, data, eph, prov = {}, {}, {}, {}
    for f in sorted(d.glob("*.json")):
        doc = json.loads(f.read_text())
        for pname, ps in doc.get("provider_schemas", {}).items():
            short = pname.rsplit("/", 1)[-1]
            prov[short] = ps["provider"]["block"]
            for k, v in (ps.get("resource_schemas") or {}).items():
                res[k] = v["block"]
            for k, v in (ps.get("data_source_schemas") or {}).items():
                data[k] = v["block"]
            for k, v in (ps.get("ephemeral_resource_schemas") or {}).items():
                eph[k] = v["block"]
    for k, v in BUILTIN.items():
        res[k] = v
    return res, data, eph, prov


STR_RE = re.compile(r'"(?:[^"\\]|\\.)*"')


def strip_line(line: str) -> str:
    """Remove comments and string contents (keeping empty quotes)."""
    out = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == '"':
            j = i + 1
            depth = 0
            while j < n:
                if line[j] == "\\":
                    j += 2
                    continue
                if line[j:j + 2] in ("${", "%{"):
                    depth += 1
                    j += 2
                    continue
                if line[j] == "}" and depth:
                    depth -= 1
                elif line[j] == '"' and not depth:
                    break
                j += 1
            out.append('""')
            i = j + 1
            continue
        if c == "#" or line[i:i + 2] == "//":
            break
        out.append(c)
        i += 1
    return "".join(out)


class Frame:
    def __init__(self, kind, schema, label, line):
        self.kind = kind  # "block", "value", "object"
        self.schema = schema  # block schema dict, or nested_type dict for objects, or None
        self.label = label
        self.line = line
        self.seen_attrs = set()
        self.seen_blocks = set()
        self.undecidable = False


def nested_of(attr):
    nt = attr.get("nested_type")
    if nt:
        return {"attributes": nt.get("attributes", {}), "block_types": {}}
    return None


def check_file(path: Path, schemas, problems):
    res, data, eph, prov = schemas
    text = path.read_text()
    lines = text.splitlines()
    stack: list[Frame] = []
    heredoc = None
    for ln, raw in enumerate(lines, 1):
        if heredoc:
            if raw.strip() == heredoc:
                heredoc = None
            continue
        m = re.search(r"<<-?([A-Z_]+)\s*$", raw)
        line = strip_line(raw)
        if m:
            heredoc = m.group(1)
        s = line.strip()
        if not s:
            continue
        top = stack[-1] if stack else None

        def report(msg):
            problems.append(f"{path}:{ln}: {msg}")

        in_value = top is not None and top.kind == "value"
        if not in_value:
            # top-level constructs
            mt = re.match(r'^(resource|data|ephemeral)\s+""\s+""\s*\{$', s)
            if mt and not stack:
                q = re.findall(r'"([^"]*)"', raw)
                typ = q[0]
                table = {"resource": res, "data": data, "ephemeral": eph}[mt.group(1)]
                sch = table.get(typ)
                if sch is None:
                    report(f"unknown {mt.group(1)} type {typ}")
                stack.append(Frame("block", sch, f"{mt.group(1)}.{typ}", ln))
                continue
            mt = re.match(r'^provider\s+""\s*\{$', s)
            if mt and not stack:
                typ = re.findall(r'"([^"]*)"', raw)[0]
                sch = prov.get(typ)
                if sch is None:
                    report(f"unknown provider {typ}")
                f = Frame("block", sch, f"provider.{typ}", ln)
                stack.append(f)
                continue
            if not stack and re.match(r'^(variable|output|locals|module|terraform|moved|import|check|removed)\b.*\{$', s):
                stack.append(Frame("block", None, s.split()[0], ln))
                continue
            # labelled nested block with no schema of its own (backend "s3" {, provisioner "x" {)
            if top is not None and re.match(r'^[A-Za-z_][A-Za-z0-9_]*(\s+"")+\s*\{$', s) and not s.startswith("dynamic"):
                stack.append(Frame("block", None, f"{top.label}.{s.split()[0]}", ln))
                continue
            # nested block
            mb = re.match(r'^([A-Za-z_][A-Za-z0-9_]*)\s*\{$', s)
            md = re.match(r'^dynamic\s+""\s*\{$', s)
            if top is not None and (mb or md):
                if md:
                    name = re.findall(r'"([^"]*)"', raw)[0]
                    sch = None
                    if top.schema is not None:
                        bt = top.schema.get("block_types", {}).get(name)
                        if bt is None:
                            report(f"{top.label}: unknown dynamic block '{name}'")
                        else:
                            sch = bt["block"]
                        top.seen_blocks.add(name)
                    # the dynamic frame: allow for_each/iterator/labels + content {}
                    f = Frame("block", {"attributes": {"for_each": {"optional": True}, "iterator": {"optional": True}, "labels": {"optional": True}}, "block_types": {"content": {"block": sch or {}, "nesting_mode": "single"}}, "_dynamic": sch is None}, f"{top.label}.dynamic.{name}", ln)
                    f.undecidable = True
                    stack.append(f)
                    continue
                name = mb.group(1)
                sch = None
                if top.schema is not None and not top.schema.get("_dynamic"):
                    if name in META_BLOCKS and top.label.count(".") == 1:
                        sch = None
                    elif name in top.schema.get("block_types", {}):
                        sch = top.schema["block_types"][name]["block"]
                    elif name in top.schema.get("attributes", {}):
                        report(f"{top.label}: '{name}' is an attribute, write '{name} = ...' not a block")
                    elif top.kind == "block" and top.label.split(".")[0] in ("resource", "data", "ephemeral", "provider"):
                        report(f"{top.label}: unknown block '{name}'")
                    top.seen_blocks.add(name)
                stack.append(Frame("block", sch, f"{top.label}.{name}", ln))
                continue
            # attribute
            ma = re.match(r'^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$', s)
            if top is not None and ma and top.kind in ("block", "object"):
                name, rest = ma.group(1), ma.group(2)
                attr = None
                if top.schema is not None and not top.schema.get("_dynamic"):
                    attrs = top.schema.get("attributes", {})
                    is_meta = top.kind == "block" and top.label.count(".") == 1 and name in META_ARGS
                    if is_meta:
                        pass
                    elif name in attrs:
                        attr = attrs[name]
                        if attr.get("computed") and not attr.get("optional") and not attr.get("required"):
                            report(f"{top.label}: '{name}' is computed-only")
                        if attr.get("deprecated"):
                            report(f"{top.label}: '{name}' is deprecated")
                    elif name in top.schema.get("block_types", {}):
                        report(f"{top.label}: '{name}' is a block, write '{name} {{' not '{name} ='")
                    elif top.label.split(".")[0] in ("resource", "data", "ephemeral", "provider"):
                        report(f"{top.label}: unknown argument '{name}'")
                    top.seen_attrs.add(name)
                opens = rest.count("{") + rest.count("[") + rest.count("(")
                closes = rest.count("}") + rest.count("]") + rest.count(")")
                if opens > closes:
                    sub = nested_of(attr) if attr else None
                    if rest.rstrip().endswith("{") and sub is not None and opens - closes == 1:
                        stack.append(Frame("object", sub, f"{top.label}.{name}", ln))
                    elif rest.rstrip() in ("[", "[{") or rest.rstrip().endswith("[{"):
                        if sub is not None and rest.rstrip().endswith("[{"):
                            stack.append(Frame("value", None, f"{top.label}.{name}", ln))
                            stack[-1].depth = opens - closes - 1
                            stack.append(Frame("object", sub, f"{top.label}.{name}[]", ln))
                        else:
                            f = Frame("value", sub, f"{top.label}.{name}", ln)
                            f.depth = opens - closes
                            stack.append(f)
                    else:
                        f = Frame("value", None, f"{top.label}.{name}", ln)
                        f.depth = opens - closes
                        stack.append(f)
                continue
            if s in ("}", "})", "},"):
                if top is None:
                    report("unbalanced }")
                    continue
                finish(stack.pop(), path, problems)
                continue
            if top is not None and top.kind == "object" and s.startswith("}"):
                finish(stack.pop(), path, problems)
                parent = stack[-1] if stack else None
                if parent is not None and parent.kind == "value":
                    opens = s.count("{") + s.count("[") + s.count("(")
                    closes = s.count("}") + s.count("]") + s.count(")") - 1
                    parent.depth += opens - closes
                    if s.rstrip().endswith("{") and parent.schema is not None:
                        pass
                    if parent.depth <= 0:
                        stack.pop()
                continue
            continue
        else:
            # inside a multi-line value: track depth; list of objects for nested types
            opens = s.count("{") + s.count("[") + s.count("(")
            closes = s.count("}") + s.count("]") + s.count(")")
            if s == "{" and top.schema is not None and top.depth == 1:
                top.depth += 1
                stack.append(Frame("object", top.schema, f"{top.label}[]", ln))
                top.depth -= 1
                continue
            top.depth += opens - closes
            if top.depth <= 0:
                stack.pop()
            continue
    if stack:
        problems.append(f"{path}: unclosed block {stack[-1].label} from line {stack[-1].line}")


def finish(frame: Frame, path, problems):
    sch = frame.schema
    if sch is None or frame.undecidable or sch.get("_dynamic"):
        return
    if frame.label.split(".")[0] not in ("resource", "data", "ephemeral", "provider"):
        return
    for name, a in sch.get("attributes", {}).items():
        if a.get("required") and name not in frame.seen_attrs:
            problems.append(f"{path}:{frame.line}: {frame.label}: missing required argument '{name}'")
    for name, b in sch.get("block_types", {}).items():
        if b.get("min_items", 0) > 0 and name not in frame.seen_blocks:
            problems.append(f"{path}:{frame.line}: {frame.label}: missing required block '{name}'")


def _blocks(text, kind):
    """Names of top-level `kind "name" {` blocks."""
    return re.findall(r'^%s\s+"([^"]+)"\s*\{' % kind, text, re.M)


def _locals(text):
    names = set()
    for m in re.finditer(r"^locals\s*\{\n(.*?)^\}", text, re.M | re.S):
        names |= set(re.findall(r"^  ([A-Za-z_][A-Za-z0-9_]*)\s*=", m.group(1), re.M))
    return names


def _no_strings_or_comments(text):
    return "\n".join(strip_line(l) if not l.lstrip().startswith("#") else "" for l in text.splitlines())


def _module_calls(text):
    """(name, source, {arg: line}) for every module block (flat scan, fmt-formatted code)."""
    calls = []
    for m in re.finditer(r'^module\s+"([^"]+)"\s*\{\n(.*?)^\}', text, re.M | re.S):
        body = m.group(2)
        src = re.search(r'^  source\s*=\s*"([^"]+)"', body, re.M)
        args = set(re.findall(r"^  ([A-Za-z_][A-Za-z0-9_]*)\s*=", body, re.M))
        calls.append((m.group(1), src.group(1) if src else None, args))
    return calls


def check_references(directory: Path, problems):
    """Cross-file checks inside one Terraform directory (a module or an env root):
    var./local./module. references resolve, module calls pass known and all required inputs."""
    files = sorted(directory.glob("*.tf"))
    if not files:
        return
    texts = {f: f.read_text() for f in files}
    alltext = "\n".join(texts.values())
    variables = set(_blocks(alltext, "variable"))
    locals_ = _locals(alltext)
    calls = {name: (src, args) for name, src, args in _module_calls(alltext)}
    for f, t in texts.items():
        code = _no_strings_or_comments(t)
        # references inside "${...}" were blanked with the strings; scan raw interpolations too
        interp = " ".join(re.findall(r"\$\{([^}]*)\}", t))
        for src_text in (code, interp):
            for v in set(re.findall(r"\bvar\.([A-Za-z_][A-Za-z0-9_]*)", src_text)):
                if v not in variables:
                    problems.append(f"{f}: reference to undeclared variable var.{v}")
            for v in set(re.findall(r"\blocal\.([A-Za-z_][A-Za-z0-9_]*)", src_text)):
                if v not in locals_:
                    problems.append(f"{f}: reference to undeclared local.{v}")
            for m, o in set(re.findall(r"\bmodule\.([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)", src_text)):
                if m not in calls:
                    problems.append(f"{f}: reference to undeclared module.{m}")
                    continue
                src = calls[m][0]
                mdir = (directory / src).resolve() if src else None
                if mdir and mdir.is_dir():
                    outs = set(_blocks("\n".join(x.read_text() for x in mdir.glob("*.tf")), "output"))
                    if o not in outs:
                        problems.append(f"{f}: module.{m} has no output '{o}'")
    for name, (src, args) in calls.items():
        if not src or not src.startswith("."):
            continue
        mdir = (directory / src).resolve()
        if not mdir.is_dir():
            problems.append(f"{directory}: module.{name} source {src} does not exist")
            continue
        mtext = "\n".join(x.read_text() for x in mdir.glob("*.tf"))
        declared = {}
        for vm in re.finditer(r'^variable\s+"([^"]+)"\s*\{\n(.*?)^\}', mtext, re.M | re.S):
            declared[vm.group(1)] = re.search(r"^  default\s*=", vm.group(2), re.M) is not None
        for a in args - {"source", "version", "providers", "count", "for_each", "depends_on"}:
            if a not in declared:
                problems.append(f"{directory}: module.{name} has no variable '{a}'")
        for v, has_default in declared.items():
            if not has_default and v not in args:
                problems.append(f"{directory}: module.{name} misses required variable '{v}'")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schemas", type=Path, default=DEFAULT_SCHEMAS)
    ap.add_argument("paths", nargs="+", type=Path)
    args = ap.parse_args()
    schemas = load_schemas(args.schemas)
    files = []
    for p in args.paths:
        if p.is_dir():
            files += sorted(x for x in p.rglob("*") if x.suffix == ".tf" or x.name.endswith(".tf.tera"))
        else:
            files.append(p)
    problems: list[str] = []
    for f in files:
        check_file(f, schemas, problems)
    for d in sorted({f.parent for f in files if f.suffix == ".tf"}):
        check_references(d, problems)
    for p in problems:
        print(p)
    print(f"checked {len(files)} files: {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
