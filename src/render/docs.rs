//! Module documentation generated from the module's own `variables.tf` and `outputs.tf`.
//!
//! The README's inputs/outputs table is never written by hand: it is produced from the same
//! definitions Terraform reads, so the two cannot drift. The parser is deliberately small: it
//! understands top-level `variable "x" { … }` / `output "y" { … }` blocks and their first-level
//! `key = value` attributes, which is all the table needs.

/// One top-level block with its first-level attributes (values as written, trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HclBlock {
    pub kind: String,
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl HclBlock {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Net change of nesting depth on a line, ignoring brackets inside string literals and comments.
fn depth_delta(line: &str) -> i32 {
    let mut delta = 0;
    let mut in_str = false;
    let mut escaped = false;
    let mut interp = 0; // depth of ${ } inside a string
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '$' && chars.get(i + 1) == Some(&'{') {
                interp += 1;
                i += 1;
            } else if c == '}' && interp > 0 {
                interp -= 1;
            } else if c == '"' && interp == 0 {
                in_str = false;
            }
        } else {
            match c {
                '"' => in_str = true,
                '#' => break,
                '/' if chars.get(i + 1) == Some(&'/') => break,
                '{' | '[' | '(' => delta += 1,
                '}' | ']' | ')' => delta -= 1,
                _ => {}
            }
        }
        i += 1;
    }
    delta
}

/// Top-level blocks of the given kinds (`variable`, `output`) in source order.
pub fn parse_blocks(src: &str, kinds: &[&str]) -> Vec<HclBlock> {
    let lines: Vec<&str> = src.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let header = kinds.iter().find_map(|k| {
            let rest = line.strip_prefix(k)?.trim_start();
            let rest = rest.strip_prefix('"')?;
            let (name, tail) = rest.split_once('"')?;
            tail.trim()
                .starts_with('{')
                .then(|| (k.to_string(), name.to_string()))
        });
        let Some((kind, name)) = header else {
            i += 1;
            continue;
        };
        let mut depth = depth_delta(lines[i]);
        let mut attrs = Vec::new();
        i += 1;
        while i < lines.len() && depth > 0 {
            let l = lines[i];
            let d = depth_delta(l);
            if depth == 1 {
                if let Some((key, value)) = l.trim().split_once('=') {
                    let key = key.trim();
                    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    {
                        let mut value = value.trim().to_string();
                        let mut inner = d;
                        while inner > 0 && i + 1 < lines.len() {
                            i += 1;
                            value.push(' ');
                            value.push_str(lines[i].trim());
                            inner += depth_delta(lines[i]);
                        }
                        attrs.push((key.to_string(), value));
                        i += 1;
                        continue;
                    }
                }
            }
            depth += d;
            i += 1;
        }
        blocks.push(HclBlock { kind, name, attrs });
    }
    blocks
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        v[1..v.len() - 1].replace("\\\"", "\"")
    } else {
        v.to_string()
    }
}

fn cell(v: &str) -> String {
    v.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn code(v: &str) -> String {
    format!("`{}`", cell(v))
}

/// The markdown tables of a module's inputs and outputs.
pub fn tables(variables_tf: &str, outputs_tf: &str) -> String {
    let mut md = String::from("## Inputs\n\n| Name | Description | Type | Default | Required |\n|------|-------------|------|---------|:--------:|\n");
    for v in parse_blocks(variables_tf, &["variable"]) {
        let default = v.attr("default");
        let sensitive = v.attr("sensitive") == Some("true");
        md.push_str(&format!(
            "| {} | {}{} | {} | {} | {} |\n",
            code(&v.name),
            cell(&unquote(v.attr("description").unwrap_or(""))),
            if sensitive { " (sensitive)" } else { "" },
            code(v.attr("type").unwrap_or("any")),
            default.map(code).unwrap_or_else(|| "n/a".into()),
            if default.is_none() { "yes" } else { "no" },
        ));
    }
    md.push_str(
        "\n## Outputs\n\n| Name | Description | Sensitive |\n|------|-------------|:---------:|\n",
    );
    for o in parse_blocks(outputs_tf, &["output"]) {
        md.push_str(&format!(
            "| {} | {} | {} |\n",
            code(&o.name),
            cell(&unquote(o.attr("description").unwrap_or(""))),
            if o.attr("sensitive") == Some("true") {
                "yes"
            } else {
                "no"
            },
        ));
    }
    md
}

pub const BEGIN: &str = "<!-- BEGIN_TF_DOCS -->";
pub const END: &str = "<!-- END_TF_DOCS -->";

/// Puts `tables` between the README's markers (appending a section when it has none).
pub fn fill_readme(readme: &str, tables: &str) -> String {
    match (readme.find(BEGIN), readme.find(END)) {
        (Some(b), Some(e)) if b < e => {
            format!("{}{BEGIN}\n{tables}{}", &readme[..b], &readme[e..])
        }
        _ => format!("{}\n{BEGIN}\n{tables}{END}\n", readme.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VARS: &str = r#"
variable "region" {
  type        = string
  description = "Scaleway region, e.g. \"fr-par\"."

  validation {
    condition     = contains(["fr-par"], var.region)
    error_message = "Region must be fr-par."
  }
}

variable "workers" {
  type = map(object({
    image = string
    tag   = string
  }))
  description = "Workers | by name."
  default     = {}
}

variable "password" {
  type        = string
  description = "Secret."
  sensitive   = true
}
"#;

    #[test]
    fn parses_variables_with_nested_types_and_validation() {
        let blocks = parse_blocks(VARS, &["variable"]);
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0].attr("type"), Some("string"));
        assert_eq!(
            blocks[0].attr("condition"),
            None,
            "validation internals are not attributes"
        );
        assert_eq!(
            cell(blocks[1].attr("type").unwrap()),
            "map(object({ image = string tag = string }))"
        );
        assert_eq!(blocks[1].attr("default"), Some("{}"));
        assert_eq!(blocks[2].attr("sensitive"), Some("true"));
    }

    #[test]
    fn table_marks_required_and_escapes_pipes() {
        let t = tables(
            VARS,
            "output \"id\" {\n  description = \"The id.\"\n  value = x.id\n}\n",
        );
        assert!(
            t.contains("| `region` | Scaleway region, e.g. \"fr-par\". | `string` | n/a | yes |"),
            "{t}"
        );
        assert!(t.contains("Workers \\| by name."), "{t}");
        assert!(t.contains("| `password` | Secret. (sensitive) |"), "{t}");
        assert!(t.contains("| `id` | The id. | no |"), "{t}");
    }

    #[test]
    fn readme_markers_are_replaced_not_duplicated() {
        let r = format!("# m\n\n{BEGIN}\nold\n{END}\n\nmore\n");
        let once = fill_readme(&r, "T\n");
        assert_eq!(once, format!("# m\n\n{BEGIN}\nT\n{END}\n\nmore\n"));
        assert_eq!(fill_readme(&once, "T\n"), once);
    }
}
