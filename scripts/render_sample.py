#!/usr/bin/env python3
"""Approximate the renderer for template work: render templates/ for one preset into a directory.

Not the real renderer (that is Rust + tera); this uses jinja2, whose syntax covers the subset the
templates use (`{{ x | json_encode() }}`, `{% if %}`, `{%- ... %}`, `{% for k, v in map %}`).
Files ending in .tera under infra/terraform/envs/ are rendered to envs/<env>/ without the suffix;
other .tera files are rendered in place; everything else is copied verbatim.

Usage: render_sample.py PRESET.toml OUTDIR [--set dotted.key=json ...]
"""

import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

# serde defaults of src/preset/model.rs (keep in sync by hand; only for this sketch).
DEFAULTS = {
    "project": {"create_project": False},
    "state": {"key": "terraform.tfstate"},
    "object_storage": {"versioning": True, "noncurrent_version_days": 30, "force_destroy": False},
    "postgres": {"ha": False, "volume_type": "sbs_5k", "volume_size_gb": 10, "backup_retention_days": 7},
    "redis": {"cluster_size": 1, "user_name": "mobi"},
    "kubernetes": {"cni": "cilium", "autoscaling": True, "root_volume_size_gb": 40},
    "backend": {"port": 8000, "health_path": "/healthz", "cpu": "250m", "memory": "512Mi"},
    "frontend": {"cdn": False},
    "ingress": {"acme_email": "ops@example.com", "traefik_version": "37.1.1", "cert_manager_version": "v1.18.2"},
    "observability": {"enabled": True, "metrics_retention_days": 31, "logs_retention_days": 31},
}
WORKER_DEFAULTS = {"external_apis": False, "cpu": "250m", "memory": "512Mi"}


def load(path, sets):
    p = tomllib.loads(Path(path).read_text())
    for table, d in DEFAULTS.items():
        p.setdefault(table, {})
        for k, v in d.items():
            p[table].setdefault(k, v)
    for w in p["workers"].values():
        for k, v in WORKER_DEFAULTS.items():
            w.setdefault(k, v)
    for s in sets:
        key, val = s.split("=", 1)
        *parents, last = key.split(".")
        cur = p
        for k in parents:
            cur = cur.setdefault(k, {})
        v = json.loads(val)
        if v is None:
            cur.pop(last, None)
        else:
            cur[last] = v
    return p


def tera_to_jinja(src: str) -> str:
    return re.sub(r"\{%(-?)\s*for (\w+), (\w+) in ([\w.]+)\s*(-?)%\}", r"{%\1 for \2, \3 in \4.items() \5%}", src)


def main():
    preset_path, out = sys.argv[1], Path(sys.argv[2])
    sets = [a.split("--set=", 1)[1] for a in sys.argv[3:] if a.startswith("--set=")]
    preset = load(preset_path, sets)
    env = jinja2.Environment(
        keep_trailing_newline=True,
        undefined=jinja2.ChainableUndefined,  # tera: a missing key in `{% if %}` is falsy
        finalize=lambda v: str(v).lower() if isinstance(v, bool) else v,  # tera prints true/false
    )
    env.filters["json_encode"] = lambda v: json.dumps(v)
    ctx = {"preset": preset, "zone": preset["project"]["region"] + "-1"}
    if out.exists():
        shutil.rmtree(out)
    for f in sorted(TEMPLATES.rglob("*")):
        if f.is_dir():
            continue
        rel = f.relative_to(TEMPLATES)
        if f.suffix == ".tera":
            rel = rel.with_suffix("")
            if rel.parts[:3] == ("infra", "terraform", "envs"):
                rel = Path("infra/terraform/envs") / preset["project"]["env"] / rel.name
            text = env.from_string(tera_to_jinja(f.read_text())).render(**ctx)
            dest = out / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text)
        else:
            dest = out / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
    print(f"rendered {preset_path} -> {out}")


if __name__ == "__main__":
    main()
