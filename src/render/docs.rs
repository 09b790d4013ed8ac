//! Module READMEs: the block between `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->`, in
//! exactly the form terraform-docs v0.24.0 writes it with its default settings
//! (`terraform-docs markdown table --output-file README.md --output-mode inject .`).
//!
//! Why a port and not our own table: generated repositories run the pre-commit-terraform
//! `terraform_docs` hook, which rewrites that block. If our text differed by one byte, every
//! commit in a fresh repository would show a README diff the user did not make, and mobi-tui's next
//! `generate` would see a hand-edited file. So the rules below follow terraform-docs' Go source
//! (`terraform/load.go`, `terraform-config-inspect`'s `load_hcl.go`, `template/sanitizer.go`,
//! `template/anchor.go`, `format/util.go`, `format/templates/markdown_table_*.tmpl`), limited to
//! what our modules use: variables, outputs, resources and data sources, `required_version` and
//! `required_providers`, module calls, a `/** … */` header at the top of `main.tf`, and comments
//! as descriptions / `terraform-docs-ignore`. No lock file is read (module folders have none in
//! the generated tree, and the shipped pre-commit hook passes `--lockfile=false` so one left by
//! `terraform init` does not change the Providers table).
//!
//! The HCL reader is deliberately small: it finds top-level blocks and their attributes with the
//! raw source of each expression (terraform-docs prints a variable's `type` as written), and
//! evaluates literal expressions (defaults, descriptions, provider requirements) itself.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

/// A regex compiled once per process. Why: the README of every module runs these per line and
/// per cell; compiling them at each call was most of `render::generate`'s time (regex
/// compilation, ~0.2 s per tree), which the wizard pays before every impact plan.
macro_rules! static_regex {
    ($ty:ty, $pat:expr) => {{
        static RE: LazyLock<$ty> = LazyLock::new(|| <$ty>::new(&$pat).expect("static regex"));
        &*RE
    }};
}

pub const BEGIN: &str = "<!-- BEGIN_TF_DOCS -->";
pub const END: &str = "<!-- END_TF_DOCS -->";

// ---------------------------------------------------------------------------------------------
// A small HCL reader: blocks, attributes with their raw expression text, literal values.
// ---------------------------------------------------------------------------------------------

/// One block (`variable "x" { … }`) with its attributes and nested blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    /// 1-based line of the block header (terraform-docs' `Pos.Line`).
    pub line: usize,
    /// Attributes in source order: name and the expression's source text, trimmed.
    pub attrs: Vec<(String, String)>,
    pub blocks: Vec<Block>,
}

impl Block {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Index just past the string literal whose opening quote is at `i`.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                if b.get(i.wrapping_sub(1)) == Some(&b[i]) {
                    i += 2; // `$${` / `%%{`: an escaped, literal `${`
                } else {
                    i = skip_until_close(b, i + 2, b'}');
                }
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// Index just past the heredoc starting at `i` (`<<EOT` or `<<-EOT`), if it is one.
fn skip_heredoc(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 2;
    if b.get(j) == Some(&b'-') {
        j += 1;
    }
    let start = j;
    while j < b.len() && is_ident(b[j]) {
        j += 1;
    }
    if j == start || b.get(j) != Some(&b'\n') {
        return None;
    }
    let marker = &b[start..j];
    let mut line_start = j + 1;
    while line_start < b.len() {
        let end = b[line_start..]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| line_start + p);
        if b[line_start..end].trim_ascii() == marker {
            return Some(end);
        }
        line_start = end + 1;
    }
    Some(b.len())
}

/// Index of the byte past a comment starting at `i`, or `None` when no comment starts there.
fn skip_comment(b: &[u8], i: usize) -> Option<usize> {
    match (b[i], b.get(i + 1)) {
        (b'#', _) | (b'/', Some(b'/')) => Some(
            b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p),
        ),
        (b'/', Some(b'*')) => Some(
            b[i + 2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(b.len(), |p| i + 2 + p + 2),
        ),
        _ => None,
    }
}

/// Index just past the `close` that matches an opening already consumed before `i`.
fn skip_until_close(b: &[u8], mut i: usize, close: u8) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        if let Some(j) = skip_comment(b, i) {
            i = j;
            continue;
        }
        match b[i] {
            b'"' => i = skip_string(b, i),
            b'<' if b.get(i + 1) == Some(&b'<') => i = skip_heredoc(b, i).unwrap_or(i + 2),
            b'{' | b'[' | b'(' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' | b')' => {
                if depth == 0 && b[i] == close {
                    return i + 1;
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// End of the expression starting at `i`: a newline or comment outside brackets, or the `}` that
/// closes the enclosing one-line block.
fn expr_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'\n' => return i,
            b'#' => return i,
            b'/' if matches!(b.get(i + 1), Some(b'/') | Some(b'*')) => return i,
            b'"' => i = skip_string(b, i),
            b'<' if b.get(i + 1) == Some(&b'<') => i = skip_heredoc(b, i).unwrap_or(i + 2),
            b'{' => i = skip_until_close(b, i + 1, b'}'),
            b'[' => i = skip_until_close(b, i + 1, b']'),
            b'(' => i = skip_until_close(b, i + 1, b')'),
            b'}' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

fn line_of(src: &[u8], at: usize) -> usize {
    1 + src[..at].iter().filter(|&&c| c == b'\n').count()
}

/// The blocks and attributes of the body `src[start..end]`.
fn parse_body(src: &[u8], start: usize, end: usize) -> (Vec<(String, String)>, Vec<Block>) {
    let b = &src[..end];
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    let mut i = start;
    while i < end {
        let c = b[i];
        if c.is_ascii_whitespace() || c == b',' {
            i += 1;
            continue;
        }
        if let Some(j) = skip_comment(b, i) {
            i = j;
            continue;
        }
        if !is_ident_start(c) {
            i += 1;
            continue;
        }
        let name_start = i;
        while i < end && is_ident(b[i]) {
            i += 1;
        }
        let name = String::from_utf8_lossy(&b[name_start..i]).into_owned();
        while i < end && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i < end && b[i] == b'=' && b.get(i + 1) != Some(&b'=') {
            let e = expr_end(b, i + 1);
            let raw = String::from_utf8_lossy(&b[i + 1..e]).trim().to_string();
            attrs.push((name, raw));
            i = e;
            continue;
        }
        let mut labels = Vec::new();
        loop {
            while i < end && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            if i >= end {
                break;
            }
            if b[i] == b'"' {
                let e = skip_string(b, i);
                labels.push(String::from_utf8_lossy(&b[i + 1..e - 1]).into_owned());
                i = e;
            } else if is_ident_start(b[i]) {
                let s = i;
                while i < end && is_ident(b[i]) {
                    i += 1;
                }
                labels.push(String::from_utf8_lossy(&b[s..i]).into_owned());
            } else {
                break;
            }
        }
        if i < end && b[i] == b'{' {
            let close = skip_until_close(b, i + 1, b'}');
            let (a, nested) = parse_body(src, i + 1, close.saturating_sub(1).max(i + 1));
            blocks.push(Block {
                kind: name,
                labels,
                line: line_of(src, name_start),
                attrs: a,
                blocks: nested,
            });
            i = close;
        } else {
            i += 1;
        }
    }
    (attrs, blocks)
}

/// The top-level blocks of one `.tf` file.
pub fn parse_file(src: &str) -> Vec<Block> {
    parse_body(src.as_bytes(), 0, src.len()).1
}

/// One top-level block by its first label, with its first-level attributes (the form the tree's
/// own tests read variables and outputs in; multi-line values are joined by single spaces).
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

/// Top-level blocks of the given kinds (`variable`, `output`) in source order.
pub fn parse_blocks(src: &str, kinds: &[&str]) -> Vec<HclBlock> {
    parse_file(src)
        .into_iter()
        .filter(|b| kinds.contains(&b.kind.as_str()))
        .map(|b| HclBlock {
            name: b.labels.first().cloned().unwrap_or_default(),
            kind: b.kind,
            attrs: b
                .attrs
                .into_iter()
                .map(|(k, v)| (k, v.split_whitespace().collect::<Vec<_>>().join(" ")))
                .collect(),
        })
        .collect()
}

/// A literal HCL value, as terraform-config-inspect hands defaults on: through cty's JSON form
/// into Go's `interface{}` (numbers become float64, objects maps with sorted keys).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
}

struct ValueParser<'a> {
    b: &'a [u8],
    i: usize,
}

impl ValueParser<'_> {
    /// Skips whitespace (newlines too when `newlines`) and comments.
    fn ws(&mut self, newlines: bool) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if c == b' ' || c == b'\t' || c == b'\r' || (newlines && c == b'\n') {
                self.i += 1;
            } else if let Some(j) = skip_comment(self.b, self.i) {
                self.i = j;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.ws(true);
        let Some(&c) = self.b.get(self.i) else {
            return Err("expression expected".into());
        };
        match c {
            b'"' => self.string().map(Value::String),
            b'<' if self.b.get(self.i + 1) == Some(&b'<') => self.heredoc().map(Value::String),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws(true);
                    match self.b.get(self.i) {
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::List(items));
                        }
                        Some(b',') => self.i += 1,
                        Some(_) => items.push(self.value()?),
                        None => return Err("unclosed [".into()),
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut map = BTreeMap::new();
                loop {
                    self.ws(true);
                    match self.b.get(self.i) {
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Value::Map(map));
                        }
                        Some(b',') => self.i += 1,
                        Some(b'"') => {
                            let k = self.string()?;
                            self.key_value(k, &mut map)?;
                        }
                        Some(&k) if is_ident_start(k) => {
                            let s = self.i;
                            while self.i < self.b.len() && is_ident(self.b[self.i]) {
                                self.i += 1;
                            }
                            let k = String::from_utf8_lossy(&self.b[s..self.i]).into_owned();
                            self.key_value(k, &mut map)?;
                        }
                        _ => return Err("object key expected".into()),
                    }
                }
            }
            b'-' | b'0'..=b'9' => {
                let s = self.i;
                self.i += 1;
                while self.i < self.b.len()
                    && (self.b[self.i].is_ascii_digit()
                        || matches!(self.b[self.i], b'.' | b'e' | b'E')
                        || (matches!(self.b[self.i], b'+' | b'-')
                            && matches!(self.b[self.i - 1], b'e' | b'E')))
                {
                    self.i += 1;
                }
                let text = String::from_utf8_lossy(&self.b[s..self.i]).replace(' ', "");
                text.parse::<f64>()
                    .map(Value::Number)
                    .map_err(|_| format!("bad number {text}"))
            }
            _ => {
                let s = self.i;
                while self.i < self.b.len() && is_ident(self.b[self.i]) {
                    self.i += 1;
                }
                match &self.b[s..self.i] {
                    b"true" => Ok(Value::Bool(true)),
                    b"false" => Ok(Value::Bool(false)),
                    b"null" => Ok(Value::Null),
                    other => Err(format!("not a literal: {}", String::from_utf8_lossy(other))),
                }
            }
        }
    }

    fn key_value(&mut self, k: String, map: &mut BTreeMap<String, Value>) -> Result<(), String> {
        self.ws(false);
        match self.b.get(self.i) {
            Some(b'=') | Some(b':') => self.i += 1,
            _ => return Err(format!("= expected after {k}")),
        }
        let v = self.value()?;
        map.insert(k, v);
        Ok(())
    }

    /// A quoted template with no interpolation, its escapes decoded.
    fn string(&mut self) -> Result<String, String> {
        let end = skip_string(self.b, self.i);
        let raw = String::from_utf8_lossy(&self.b[self.i + 1..end.saturating_sub(1)]).into_owned();
        self.i = end;
        let mut out = String::new();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some(u @ ('u' | 'U')) => {
                        let n = if u == 'u' { 4 } else { 8 };
                        let hex: String = (0..n).filter_map(|_| chars.next()).collect();
                        let ch = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| format!("bad escape \\{u}{hex}"))?;
                        out.push(ch);
                    }
                    other => return Err(format!("bad escape \\{other:?}")),
                },
                '$' | '%' if chars.peek() == Some(&c) => {
                    chars.next();
                    if chars.peek() == Some(&'{') {
                        out.push(c); // `$${` is a literal `${`
                    } else {
                        out.push(c);
                        out.push(c);
                    }
                }
                '$' | '%' if chars.peek() == Some(&'{') => {
                    return Err("interpolation is not a literal".into())
                }
                c => out.push(c),
            }
        }
        Ok(out)
    }

    fn heredoc(&mut self) -> Result<String, String> {
        let end = skip_heredoc(self.b, self.i).ok_or("bad heredoc")?;
        let text = String::from_utf8_lossy(&self.b[self.i..end]).into_owned();
        self.i = end;
        let indented = text.starts_with("<<-");
        let mut lines: Vec<&str> = text.lines().skip(1).collect();
        lines.pop(); // the closing marker
        if indented {
            let strip = lines
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            Ok(lines
                .iter()
                .map(|l| format!("{}\n", l.get(strip..).unwrap_or("")))
                .collect())
        } else {
            Ok(lines.iter().map(|l| format!("{l}\n")).collect())
        }
    }
}

/// Evaluates a literal expression (the only kind a default or description can be).
pub fn literal(src: &str) -> Result<Value, String> {
    let mut p = ValueParser {
        b: src.as_bytes(),
        i: 0,
    };
    let v = p.value()?;
    p.ws(true);
    if p.i < p.b.len() {
        return Err(format!("trailing text in {src}"));
    }
    Ok(v)
}

fn literal_string(src: &str) -> Option<String> {
    match literal(src) {
        Ok(Value::String(s)) => Some(s),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Go's encoding/json, as terraform-docs prints defaults (`SetIndent("", "  ")`, no HTML escape).
// ---------------------------------------------------------------------------------------------

fn go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `strconv.FormatFloat` as encoding/json uses it: plain decimals, exponent outside [1e-6, 1e21).
fn go_json_number(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
        let digits = if digits.len() < 2 {
            format!("0{digits}")
        } else {
            digits.to_string()
        };
        format!("{mant}e{sign}{digits}")
    } else {
        format!("{f}")
    }
}

fn go_json(v: &Value, indent: usize, out: &mut String) {
    let pad = |n: usize| "  ".repeat(n);
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_json_number(*n)),
        Value::String(s) => go_json_string(s, out),
        Value::List(items) if items.is_empty() => out.push_str("[]"),
        Value::List(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                go_json(item, indent + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        Value::Map(m) if m.is_empty() => out.push_str("{}"),
        Value::Map(m) => {
            out.push_str("{\n");
            for (i, (k, item)) in m.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                go_json_string(k, out);
                out.push_str(": ");
                go_json(item, indent + 1, out);
                out.push_str(if i + 1 < m.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
    }
}

// ---------------------------------------------------------------------------------------------
// terraform-docs' sanitizers (template/sanitizer.go, template/anchor.go, format/util.go).
// ---------------------------------------------------------------------------------------------

/// Splits `s` on `prefix` and hands alternate segments to `normal` / `code`, with Go's quirk:
/// empty segments are dropped without flipping the in-code state.
fn process_segments(
    s: &str,
    prefix: &str,
    normal: &dyn Fn(&str, bool, bool) -> String,
    code: &dyn Fn(&str, bool, bool) -> String,
) -> String {
    let mut in_code = s.starts_with(prefix);
    let segments: Vec<&str> = s.split(prefix).collect();
    let mut out = String::new();
    for (i, seg) in segments.iter().enumerate() {
        if seg.is_empty() {
            continue;
        }
        let first = i == 0 || segments[i - 1].trim().is_empty();
        let last = i == segments.len() - 1 || segments[i + 1].trim().is_empty();
        out.push_str(&if in_code {
            code(seg, first, last)
        } else {
            normal(seg, first, last)
        });
        in_code = !in_code;
    }
    out
}

const DONT_ESCAPE: &str = "‡‡‡DONTESCAPE‡‡‡";

/// Escapes `_` in one line, except list markers and `_emphasis_` (Go's byte-index splicing,
/// stale indices included, is reproduced as is).
fn escape_underscores(line: &str) -> String {
    type Bytes = regex::bytes::Regex;
    let cases: [(&Bytes, &[usize]); 2] = [
        (
            static_regex!(Bytes, r"^([\t\n\f\r ]*)(_+)([\t\n\f\r ]+)(.*)"),
            &[2],
        ),
        (
            static_regex!(
                Bytes,
                r"([\t\n\f\r ]+)(_+)([^\t\n\f\r _])(.*)([^\t\n\f\r _])(_+)([\t\n\f\r ]+)"
            ),
            &[6, 2],
        ),
    ];
    let mut line = line.as_bytes().to_vec();
    for (re, groups) in cases {
        let snapshot = line.clone();
        let matches: Vec<_> = re.captures_iter(&snapshot).collect();
        for m in &matches {
            for &k in groups {
                let g = m.get(k).expect("group participates");
                let (s, e) = (g.start(), g.end());
                if e > line.len() || s > e {
                    continue;
                }
                let replaced = String::from_utf8_lossy(g.as_bytes()).replace('_', DONT_ESCAPE);
                let mut next = line[..s].to_vec();
                next.extend_from_slice(replaced.as_bytes());
                next.extend_from_slice(&line[e..]);
                line = next;
            }
        }
    }
    String::from_utf8_lossy(&line)
        .replace('_', "\\_")
        .replace(DONT_ESCAPE, "_")
}

fn escape_characters(s: &str, escape: bool, escape_pipe: bool) -> String {
    let wrap = |seg: &str, _: bool, _: bool| format!("`{seg}`");
    let mut s = s.to_string();
    if escape_pipe {
        s = process_segments(&s, "`", &|seg, _, _| seg.replace('|', "\\|"), &wrap);
    }
    if escape {
        s = process_segments(
            &s,
            "`",
            &|seg, _, _| {
                seg.split('\n')
                    .map(escape_underscores)
                    .collect::<Vec<_>>()
                    .join("\n")
            },
            &wrap,
        );
    }
    s
}

fn convert_multiline_text(s: &str, is_table: bool, is_header: bool, html: bool) -> String {
    let mut s = if is_table {
        s.trim().to_string()
    } else {
        s.to_string()
    };
    if !is_header {
        let re = static_regex!(
            Regex,
            r"([^\t\n\f\r ]*)(\r?\n)([\t\n\f\r ]*)([0-9A-Za-z_]+)"
        );
        s = re.replace_all(&s, "$1  $2$3$4").into_owned();
        s = s.replace("    \n", "  \n");
        s = s.replace("  \n\n", "\n\n");
        s = s.replace("\n  \n", "\n\n");
    }
    if !is_table {
        return s;
    }
    let br = if html { "<br/>" } else { " " };
    s.replace("  \n", br).replace('\n', br)
}

/// Removes the escaping backslashes from URLs (xurls' strict matcher, approximated by
/// `scheme://` followed by non-space text).
fn normalize_urls(s: &str, escape: bool) -> String {
    if !escape {
        return s.to_string();
    }
    let re = static_regex!(Regex, r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>`]+");
    re.replace_all(s, |c: &regex::Captures| c[0].replace('\\', ""))
        .into_owned()
}

/// `sanitizeMarkdownTbl` with the default settings (escape, html).
fn sanitize_table(s: &str) -> String {
    if s.is_empty() {
        return "n/a".into();
    }
    process_segments(
        s,
        "```",
        &|seg, _, _| {
            let seg = escape_characters(seg, true, true);
            let seg = convert_multiline_text(&seg, true, false, true);
            normalize_urls(&seg, true)
        },
        &|seg, _, _| {
            let seg = seg.trim().replace('\n', "<br/>").replace('\r', "");
            format!("<pre>{seg}</pre>")
        },
    )
}

/// `sanitizeSection` with the default settings, for the header.
fn sanitize_section(s: &str) -> String {
    if s.is_empty() {
        return "n/a".into();
    }
    process_segments(
        s,
        "```",
        &|seg, _, _| {
            let seg = escape_characters(seg, true, false);
            let seg = convert_multiline_text(&seg, false, true, true);
            normalize_urls(&seg, true)
        },
        &|seg, _, _| {
            let last_line_blank = seg.rsplit('\n').next().is_some_and(|l| l.trim().is_empty());
            let lastbreak = if seg.ends_with('\n') || last_line_blank {
                ""
            } else {
                "\n"
            };
            format!("```{seg}{lastbreak}```")
        },
    )
}

/// `PrintFencedCodeBlock`: one line in backticks, several in a fence the table turns into `<pre>`.
fn fenced(code: &str) -> String {
    if code.contains('\n') {
        format!("\n\n```\n{code}\n```\n")
    } else {
        format!("`{code}`")
    }
}

fn anchor(prefix: &str, name: &str) -> String {
    let a = format!("{prefix}_{name}");
    format!(
        "<a name=\"{a}\"></a> [{}](#{})",
        name.replace('_', "\\_"),
        a.replace('_', "\\_")
    )
}

/// format/util.go `sanitize`: trailing spaces go (a double space before a newline stays), runs of
/// blank lines become one, trailing blank lines go.
fn sanitize_document(s: &str) -> String {
    const KEEP: &str = "‡‡‡DOUBLESPACES‡‡‡";
    let mut s = static_regex!(Regex, r" {2}(\r?\n)")
        .replace_all(s, format!("{KEEP}$1").as_str())
        .into_owned();
    s = static_regex!(Regex, r" +(\r?\n)")
        .replace_all(&s, "$1")
        .into_owned();
    s = static_regex!(Regex, r" +$")
        .replace_all(&s, "")
        .into_owned();
    s = static_regex!(Regex, format!(r"{KEEP}(\r?\n)"))
        .replace_all(&s, "  $1")
        .into_owned();
    s = static_regex!(Regex, r"(\r?\n)  (\r?\n)")
        .replace_all(&s, "$1")
        .into_owned();
    s = static_regex!(Regex, r"(\r?\n){3,}")
        .replace_all(&s, "$1$1")
        .into_owned();
    static_regex!(Regex, r"(\r?\n){2,}$")
        .replace_all(&s, "")
        .into_owned()
}

// ---------------------------------------------------------------------------------------------
// The module as terraform-docs loads it (terraform/load.go).
// ---------------------------------------------------------------------------------------------

/// The comment lines right above `line` (1-based), each trimmed of `#`/`//`, joined by spaces.
fn leading_comments(src: &str, line: usize) -> String {
    let mut run: Vec<String> = Vec::new();
    for l in src.split_inclusive('\n').take(line.saturating_sub(1)) {
        if l.starts_with('#') || l.starts_with("//") {
            let t = l.trim();
            let t = t.strip_prefix('#').unwrap_or(t);
            let t = t.strip_prefix("//").unwrap_or(t);
            run.push(t.trim().to_string());
        } else {
            run.clear();
        }
    }
    run.join(" ")
}

/// The `/** … */` comment that opens `main.tf` (terraform-docs' default `header-from`).
fn header(main_tf: &str) -> String {
    let mut lines = Vec::new();
    for l in main_tf.split_inclusive('\n') {
        let t = l.trim();
        if !(t.starts_with("/*") || t.starts_with('*') || t.starts_with("*/")) {
            break;
        }
        if t.starts_with("/*") || t.starts_with("*/") {
            continue;
        }
        if t == "*" {
            lines.push(String::new());
            continue;
        }
        let l = l.trim_start_matches(' ').trim_end_matches(['\r', '\n']);
        lines.push(l.strip_prefix("* ").unwrap_or(l).to_string());
    }
    lines.join("\n")
}

struct Input {
    name: String,
    ty: String,
    description: String,
    default: Option<Value>,
    required: bool,
}

impl Input {
    /// `Input.GetValue`: the default as indented JSON, "" when required and unset.
    fn value(&self) -> String {
        let mut out = String::new();
        go_json(self.default.as_ref().unwrap_or(&Value::Null), 0, &mut out);
        if out == "null" && self.required {
            return String::new();
        }
        out
    }
}

struct Resource {
    provider: String,
    source: String,
    version: String,
    ty: String,
    name: String,
    managed: bool,
}

impl Resource {
    fn spec(&self) -> String {
        format!("{}_{}.{}", self.provider, self.ty, self.name)
    }

    fn url(&self) -> String {
        if self.source.matches('/').count() > 1 {
            return String::new();
        }
        format!(
            "https://registry.terraform.io/providers/{}/{}/docs/{}/{}",
            self.source,
            self.version,
            if self.managed {
                "resources"
            } else {
                "data-sources"
            },
            self.ty
        )
    }
}

/// `resourceVersion`: only an exact pin links to a version; anything else links to `latest`.
fn resource_version(constraints: &[String]) -> String {
    let Some(last) = constraints.last() else {
        return "latest".into();
    };
    let parts: Vec<&str> = last.split(' ').collect();
    match parts.as_slice() {
        [one] if one.starts_with(|c: char| c.is_ascii_digit()) => one.to_string(),
        [one] if one.starts_with('=') => one[1..].to_string(),
        ["=", v] => v.to_string(),
        _ => "latest".into(),
    }
}

#[derive(Default)]
struct ProviderRequirement {
    source: String,
    versions: Vec<String>,
}

/// The README block's content (what terraform-docs puts between the markers) for a module made
/// of `files`: (file name, text) of every `.tf` file directly in the module folder.
pub fn module_docs(files: &[(String, String)]) -> String {
    let mut files: Vec<&(String, String)> = files.iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));

    let mut inputs: Vec<Input> = Vec::new();
    let mut outputs: Vec<(String, String)> = Vec::new();
    let mut required_core: Vec<String> = Vec::new();
    let mut required: BTreeMap<String, ProviderRequirement> = BTreeMap::new();
    // (type, name, managed, provider, provider alias)
    let mut raw_resources: Vec<(String, String, bool, String, String)> = Vec::new();
    let mut module_calls: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut head = String::new();

    for (fname, src) in &files {
        if fname == "main.tf" {
            head = header(src);
        }
        let ignored = |line: usize| leading_comments(src, line).contains("terraform-docs-ignore");
        for b in parse_file(src) {
            let label = |n: usize| b.labels.get(n).cloned().unwrap_or_default();
            match b.kind.as_str() {
                "terraform" => {
                    if let Some(v) = b.attr("required_version").and_then(literal_string) {
                        required_core.push(v);
                    }
                    for rp in b.blocks.iter().filter(|x| x.kind == "required_providers") {
                        for (name, expr) in &rp.attrs {
                            let entry = required.entry(name.clone()).or_default();
                            match literal(expr) {
                                Ok(Value::String(v)) => entry.versions.push(v),
                                Ok(Value::Map(m)) => {
                                    if let Some(Value::String(s)) = m.get("source") {
                                        entry.source = s.clone();
                                    }
                                    if let Some(Value::String(v)) = m.get("version") {
                                        entry.versions.push(v.clone());
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                "provider" => {
                    let entry = required.entry(label(0)).or_default();
                    if let Some(v) = b.attr("version").and_then(literal_string) {
                        entry.versions.push(v);
                    }
                }
                "variable" => {
                    let comments = leading_comments(src, b.line);
                    if comments.contains("terraform-docs-ignore") {
                        continue;
                    }
                    let mut description = b
                        .attr("description")
                        .and_then(literal_string)
                        .unwrap_or_default()
                        .replace("\r\n", "\n");
                    if description.is_empty() {
                        description = comments;
                    }
                    let default = b.attr("default").map(|d| literal(d).unwrap_or(Value::Null));
                    let ty = match b.attr("type") {
                        Some(t) => literal_string(t).unwrap_or_else(|| t.to_string()),
                        None => match &default {
                            Some(Value::String(_)) => "string".into(),
                            Some(Value::Number(_)) => "number".into(),
                            Some(Value::Bool(_)) => "bool".into(),
                            Some(Value::List(_)) => "list".into(),
                            Some(Value::Map(_)) => "map".into(),
                            _ => "any".into(),
                        },
                    };
                    inputs.retain(|i| i.name != label(0));
                    inputs.push(Input {
                        name: label(0),
                        ty,
                        description,
                        required: default.is_none(),
                        default,
                    });
                }
                "output" => {
                    let comments = leading_comments(src, b.line);
                    if comments.contains("terraform-docs-ignore") {
                        continue;
                    }
                    let mut description = b
                        .attr("description")
                        .and_then(literal_string)
                        .unwrap_or_default()
                        .replace("\r\n", "\n");
                    if description.is_empty() {
                        description = comments;
                    }
                    outputs.retain(|o| o.0 != label(0));
                    outputs.push((label(0), description));
                }
                kind @ ("resource" | "data") => {
                    if ignored(b.line) {
                        continue;
                    }
                    let ty = label(0);
                    // `provider = aws.ident` (or the legacy quoted form) names provider and alias;
                    // without it the provider is the type's prefix up to the first `_`.
                    let (provider, alias) = match b.attr("provider") {
                        Some(p) => {
                            let p = literal_string(p).unwrap_or_else(|| p.to_string());
                            let (n, a) = p.split_once('.').unwrap_or((&p, ""));
                            (n.to_string(), a.to_string())
                        }
                        None => (
                            ty.split('_').next().unwrap_or_default().to_string(),
                            String::new(),
                        ),
                    };
                    raw_resources.push((ty, label(1), kind == "resource", provider, alias));
                }
                "module" => {
                    if ignored(b.line) {
                        continue;
                    }
                    let source = b
                        .attr("source")
                        .and_then(literal_string)
                        .unwrap_or_default();
                    let version = b
                        .attr("version")
                        .and_then(literal_string)
                        .unwrap_or_default();
                    let (source, version) = match source.rfind("?ref=") {
                        Some(p) if version.is_empty() && p + 5 < source.len() => {
                            (source[..p].to_string(), source[p + 5..].to_string())
                        }
                        _ => (source, version),
                    };
                    module_calls.insert(label(0), (source, version));
                }
                _ => {}
            }
        }
    }

    // Resources and the providers they use (a provider no resource uses is not listed).
    let mut resources: BTreeMap<String, Resource> = BTreeMap::new();
    let mut providers: BTreeMap<(String, String), String> = BTreeMap::new();
    for (ty, name, managed, provider, alias) in raw_resources {
        let req = required.get(&provider);
        let constraints = req.map(|r| r.versions.clone()).unwrap_or_default();
        providers
            .entry((provider.clone(), alias))
            .or_insert_with(|| constraints.join(" "));
        let source = match req {
            Some(r) if !r.source.is_empty() => r.source.clone(),
            _ => format!("hashicorp/{provider}"),
        };
        let short = ty
            .strip_prefix(&format!("{provider}_"))
            .unwrap_or(&ty)
            .to_string();
        let mode = if managed { "managed" } else { "data" };
        resources.insert(
            format!("{provider}.{mode}.{short}.{name}"),
            Resource {
                // terraform-config-inspect gives every provider a resource uses a requirement
                // (empty when undeclared), so an undeclared one links to `latest` too.
                version: resource_version(&constraints),
                provider,
                source,
                ty: short,
                name,
                managed,
            },
        );
    }
    let mut resources: Vec<Resource> = resources.into_values().collect();
    resources.sort_by(|a, b| {
        b.managed
            .cmp(&a.managed)
            .then_with(|| a.spec().cmp(&b.spec()))
            .then_with(|| a.name.cmp(&b.name))
    });
    inputs.sort_by(|a, b| a.name.cmp(&b.name));
    outputs.sort_by(|a, b| a.0.cmp(&b.0));

    let mut sections: Vec<String> = Vec::new();
    if !head.is_empty() {
        sections.push(sanitize_section(&head));
    }
    let table = |title: &str, empty: &str, header: &str, rows: Vec<String>| {
        if rows.is_empty() {
            format!("## {title}\n\n{empty}")
        } else {
            format!("## {title}\n\n{header}\n{}", rows.join("\n"))
        }
    };
    let or_na = |v: &str| {
        if v.is_empty() {
            "n/a".to_string()
        } else {
            v.to_string()
        }
    };

    let mut reqs: Vec<String> = required_core
        .iter()
        .map(|v| format!("| {} | {} |", anchor("requirement", "terraform"), or_na(v)))
        .collect();
    for (name, r) in &required {
        for v in &r.versions {
            reqs.push(format!(
                "| {} | {} |",
                anchor("requirement", name),
                or_na(v)
            ));
        }
    }
    sections.push(table(
        "Requirements",
        "No requirements.",
        "| Name | Version |\n| ---- | ------- |",
        reqs,
    ));
    sections.push(table(
        "Providers",
        "No providers.",
        "| Name | Version |\n| ---- | ------- |",
        providers
            .iter()
            .map(|((n, alias), v)| {
                let full = if alias.is_empty() {
                    n.clone()
                } else {
                    format!("{n}.{alias}")
                };
                format!("| {} | {} |", anchor("provider", &full), or_na(v))
            })
            .collect(),
    ));
    sections.push(table(
        "Modules",
        "No modules.",
        "| Name | Source | Version |\n| ---- | ------ | ------- |",
        module_calls
            .iter()
            .map(|(n, (s, v))| format!("| {} | {s} | {} |", anchor("module", n), or_na(v)))
            .collect(),
    ));
    sections.push(table(
        "Resources",
        "No resources.",
        "| Name | Type |\n| ---- | ---- |",
        resources
            .iter()
            .map(|r| {
                let url = r.url();
                let spec = if url.is_empty() {
                    r.spec()
                } else {
                    format!("[{}]({url})", r.spec())
                };
                let mode = if r.managed { "resource" } else { "data source" };
                format!("| {spec} | {mode} |")
            })
            .collect(),
    ));
    sections.push(table(
        "Inputs",
        "No inputs.",
        "| Name | Description | Type | Default | Required |\n| ---- | ----------- | ---- | ------- | :------: |",
        inputs
            .iter()
            .map(|i| {
                let value = i.value();
                let default = if value.is_empty() {
                    "n/a".to_string()
                } else {
                    fenced(&value)
                };
                format!(
                    "| {} | {} | {} | {} | {} |",
                    anchor("input", &i.name),
                    sanitize_table(&i.description),
                    sanitize_table(&fenced(&i.ty)),
                    sanitize_table(&default),
                    if i.required { "yes" } else { "no" },
                )
            })
            .collect(),
    ));
    sections.push(table(
        "Outputs",
        "No outputs.",
        "| Name | Description |\n| ---- | ----------- |",
        outputs
            .iter()
            .map(|(n, d)| format!("| {} | {} |", anchor("output", n), sanitize_table(d)))
            .collect(),
    ));
    sanitize_document(&sections.join("\n\n"))
}

/// What `--output-mode inject` leaves in the README: the text before the begin marker, the
/// markers around `content`, the text after the end marker; without markers, the block appended
/// after one newline (terraform-docs' own fallback).
pub fn fill_readme(readme: &str, content: &str) -> String {
    let block = format!("{BEGIN}\n{content}\n{END}");
    match (readme.find(BEGIN), readme.find(END)) {
        (Some(b), Some(e)) if b < e => {
            format!("{}{block}{}", &readme[..b], &readme[e + END.len()..])
        }
        _ if readme.is_empty() => block,
        _ => format!("{readme}\n{block}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_raw_multiline_types_and_skip_validation_internals() {
        let src = "variable \"w\" {\n  type = map(object({\n    image = string\n  }))\n  default = {}\n\n  validation {\n    condition     = length(var.w) > 0\n    error_message = \"x { y\"\n  }\n}\nresource \"a_b\" \"c\" {}\n";
        let blocks = parse_file(src);
        assert_eq!(blocks.len(), 2);
        assert_eq!(
            blocks[0].attr("type"),
            Some("map(object({\n    image = string\n  }))")
        );
        assert_eq!(blocks[0].attr("condition"), None);
        assert_eq!(
            blocks[0].blocks[0].attr("condition"),
            Some("length(var.w) > 0")
        );
        assert_eq!(blocks[1].labels, vec!["a_b", "c"]);
        assert_eq!(blocks[1].line, 12);
    }

    #[test]
    fn literals_evaluate_like_cty_and_print_like_go_json() {
        let v =
            literal("{\n  b = [1, 2.5]\n  \"a\" = { x = \"q\\\"$${v}\" }\n  c = null\n}").unwrap();
        let mut s = String::new();
        go_json(&v, 0, &mut s);
        assert_eq!(
            s,
            "{\n  \"a\": {\n    \"x\": \"q\\\"${v}\"\n  },\n  \"b\": [\n    1,\n    2.5\n  ],\n  \"c\": null\n}"
        );
        assert!(
            literal("\"${var.x}\"").is_err(),
            "interpolation is not a default"
        );
        assert_eq!(go_json_number(15.75), "15.75");
        assert_eq!(go_json_number(1e21), "1e+21");
    }

    #[test]
    fn underscores_are_escaped_outside_code_and_emphasis() {
        // Emphasis needs two characters between the underscores (Go's pattern), so `_e_` is
        // escaped while `_ef_` is kept.
        assert_eq!(
            escape_characters("a_b `c_d` _ef_ g", true, true),
            "a\\_b `c_d` _ef_ g"
        );
        assert_eq!(escape_characters("x _e_ y", true, true), "x \\_e\\_ y");
        assert_eq!(escape_characters("x | `y|z`", true, true), "x \\| `y|z`");
        assert_eq!(
            sanitize_table("see https://x.io/a_b for c_d"),
            "see https://x.io/a_b for c\\_d"
        );
    }

    #[test]
    fn readme_inject_replaces_between_markers_only() {
        let r = format!("# m\n\n{BEGIN}\nold\n{END}\n\nmore\n");
        let once = fill_readme(&r, "T");
        assert_eq!(once, format!("# m\n\n{BEGIN}\nT\n{END}\n\nmore\n"));
        assert_eq!(fill_readme(&once, "T"), once);
        assert_eq!(
            fill_readme("# m\n", "T"),
            format!("# m\n\n{BEGIN}\nT\n{END}")
        );
    }
}
