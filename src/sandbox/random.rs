//! The `random` provider (hashicorp/random 3.9.1) done for real: Create draws values from the OS
//! CSPRNG and honours every argument the way the real provider does, and the provider's
//! config-time validators are reproduced with its wording.
//!
//! Behaviour followed (hashicorp/terraform-provider-random v3.9.0, `internal/random/string.go`
//! and `internal/provider/resource_*.go`):
//! - `random_string` / `random_password`: each `min_*` is drawn first from its own class (even
//!   when that class's flag is false, as the real provider does), the rest from the enabled
//!   classes, then the characters are shuffled; the special set is `!@#$%&*()-_=+[]{}<>:?` unless
//!   `override_special` is non-empty; lengths count characters, not bytes. An empty enabled set
//!   fails with "the character set specified is empty". `random_password` adds a cost-10 `$2a$`
//!   bcrypt hash of the first 72 bytes of the result and `id = "none"`; `random_string` has
//!   `id = result`.
//! - Optional+computed arguments left unset reach Create as unknowns, because the stand-in's plan
//!   knows no schema defaults; they get the provider's defaults here (`true` flags, `0` minimums,
//!   `number`/`numeric` kept in sync, pet `length = 2` and `separator = "-"`).
//! - `random_integer` and `random_shuffle` with a non-empty `seed` are deterministic per seed
//!   (SHA-256 counter stream), though not the same numbers as Go's `math/rand`.
//!
//! Everything already known in the planned state (keepers, configuration) is kept as it is.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use rmpv::Value;
use sha2::{Digest, Sha256};

use super::value::is_unknown;

const NUMERIC_CHARS: &str = "0123456789";
const LOWER_CHARS: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER_CHARS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DEFAULT_SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";

const RETRY_MSG: &str = "Retry the Terraform operation. If the error still occurs or happens regularly, please contact the provider developer with hardware and operating system information.\n\n";

/// The provider's `RandomReadError` diagnostic, flattened to one string.
fn random_read_error(err: &str) -> String {
    format!(
        "Random Read Error: While attempting to generate a random value for this resource, a read \
         error was generated.\n\n{RETRY_MSG}Original Error: {err}"
    )
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// Where random bytes come from: the OS CSPRNG, or a deterministic stream for a `seed`.
enum Rng {
    Os,
    Seeded {
        key: [u8; 32],
        counter: u64,
        buf: [u8; 32],
        pos: usize,
    },
}

impl Rng {
    /// The OS CSPRNG, or a stream derived from `seed` when one is given (non-empty).
    fn for_seed(seed: Option<&str>) -> Rng {
        match seed {
            Some(s) if !s.is_empty() => {
                let key: [u8; 32] = Sha256::new()
                    .chain_update(b"mobi-tui random seed\0")
                    .chain_update(s.as_bytes())
                    .finalize()
                    .into();
                Rng::Seeded {
                    key,
                    counter: 0,
                    buf: [0; 32],
                    pos: 32,
                }
            }
            _ => Rng::Os,
        }
    }

    fn fill(&mut self, out: &mut [u8]) -> Result<(), String> {
        match self {
            Rng::Os => getrandom::fill(out).map_err(|e| random_read_error(&e.to_string())),
            Rng::Seeded {
                key,
                counter,
                buf,
                pos,
            } => {
                for b in out {
                    if *pos == buf.len() {
                        *buf = Sha256::new()
                            .chain_update(*key)
                            .chain_update(counter.to_le_bytes())
                            .finalize()
                            .into();
                        *counter += 1;
                        *pos = 0;
                    }
                    *b = buf[*pos];
                    *pos += 1;
                }
                Ok(())
            }
        }
    }

    fn next_u64(&mut self) -> Result<u64, String> {
        let mut b = [0u8; 8];
        self.fill(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Uniform in `0..n` (n > 0), by rejection sampling.
    fn below(&mut self, n: u64) -> Result<u64, String> {
        debug_assert!(n > 0);
        let limit = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64()?;
            if x < limit {
                return Ok(x % n);
            }
        }
    }

    fn index(&mut self, len: usize) -> Result<usize, String> {
        Ok(self.below(len as u64)? as usize)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) -> Result<(), String> {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1)?;
            items.swap(i, j);
        }
        Ok(())
    }

    fn bytes(&mut self, n: usize) -> Result<Vec<u8>, String> {
        let mut v = vec![0u8; n];
        self.fill(&mut v)?;
        Ok(v)
    }
}

// ---------------------------------------------------------------------------------------------
// Planned-state access

/// A number as cty msgpack carries it (integer, whole float, or decimal string).
fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => i.as_i64(),
        Value::F64(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
        Value::F32(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
        Value::String(s) => s.as_str().and_then(|s| s.parse().ok()),
        _ => None,
    }
}

/// The planned state object being turned into the new state.
struct State<'a> {
    type_name: &'a str,
    entries: Vec<(Value, Value)>,
}

impl State<'_> {
    fn raw(&self, name: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .map(|(_, v)| v)
    }

    fn is_unknown(&self, name: &str) -> bool {
        self.raw(name).is_some_and(is_unknown)
    }

    /// A known value: `Ok(None)` for null or absent, an error for an unknown (a configuration
    /// value Terraform should have resolved before apply).
    fn known(&self, name: &str) -> Result<Option<&Value>, String> {
        match self.raw(name) {
            None | Some(Value::Nil) => Ok(None),
            Some(v) if is_unknown(v) => Err(format!(
                "{}: attribute {name:?} is still unknown at apply time",
                self.type_name
            )),
            Some(v) => Ok(Some(v)),
        }
    }

    fn int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.known(name)? {
            None => Ok(None),
            Some(v) => as_i64(v).map(Some).ok_or_else(|| {
                format!(
                    "{}: attribute {name:?} is not a whole number: {v}",
                    self.type_name
                )
            }),
        }
    }

    fn required_int(&self, name: &str) -> Result<i64, String> {
        self.int(name)?
            .ok_or_else(|| format!("{}: required attribute {name:?} is null", self.type_name))
    }

    fn bool(&self, name: &str) -> Result<Option<bool>, String> {
        Ok(self.known(name)?.and_then(Value::as_bool))
    }

    fn string(&self, name: &str) -> Result<Option<String>, String> {
        Ok(self
            .known(name)?
            .and_then(|v| v.as_str().map(str::to_owned)))
    }

    /// Sets `name` when it is unknown (or absent); known values are never overwritten.
    fn fill(&mut self, name: &str, v: impl Into<Value>) {
        match self
            .entries
            .iter_mut()
            .find(|(k, _)| k.as_str() == Some(name))
        {
            Some((_, slot)) if is_unknown(slot) => *slot = v.into(),
            Some(_) => {}
            None => self.entries.push((Value::from(name), v.into())),
        }
    }

    /// A flag argument: its known value, else `default` (also written into the state if unknown).
    fn flag(&mut self, name: &str, default: bool) -> Result<bool, String> {
        if self.is_unknown(name) {
            self.fill(name, default);
            return Ok(default);
        }
        Ok(self.bool(name)?.unwrap_or(default))
    }

    /// A count argument: its known value, else `default` (also written into the state if unknown).
    fn count(&mut self, name: &str, default: i64) -> Result<i64, String> {
        if self.is_unknown(name) {
            self.fill(name, default);
            return Ok(default);
        }
        Ok(self.int(name)?.unwrap_or(default))
    }
}

// ---------------------------------------------------------------------------------------------
// Create

/// The new state for a resource of the `random` provider at Create: every unknown in `planned`
/// replaced by a real value, everything known kept. `Err` carries the provider's diagnostic
/// ("Summary: detail") where the real provider would fail.
pub fn apply_create(type_name: &str, planned: Value) -> Result<Value, String> {
    let Value::Map(entries) = planned else {
        return Err(format!(
            "{type_name}: planned state is not an object: {planned}"
        ));
    };
    let mut st = State { type_name, entries };
    match type_name {
        "random_password" => create_string_resource(&mut st, true)?,
        "random_string" => create_string_resource(&mut st, false)?,
        "random_id" => create_id(&mut st)?,
        "random_bytes" => create_bytes(&mut st)?,
        "random_integer" => create_integer(&mut st)?,
        "random_uuid" => create_uuid(&mut st, UuidKind::HashicorpGoUuid)?,
        "random_uuid4" => create_uuid(&mut st, UuidKind::V4)?,
        "random_uuid7" => create_uuid(&mut st, UuidKind::V7)?,
        "random_pet" => create_pet(&mut st)?,
        "random_shuffle" => create_shuffle(&mut st)?,
        other => {
            return Err(format!(
                "the random provider has no resource type {other:?}"
            ))
        }
    }
    if let Some((k, _)) = st.entries.iter().find(|(_, v)| is_unknown(v)) {
        return Err(format!(
            "{type_name}: attribute {} is still unknown after create",
            k.as_str().unwrap_or("?")
        ));
    }
    Ok(Value::Map(st.entries))
}

/// The arguments of `random_string` / `random_password` once defaults are applied.
#[derive(Debug, Clone)]
struct StringParams {
    length: i64,
    upper: bool,
    min_upper: i64,
    lower: bool,
    min_lower: i64,
    numeric: bool,
    min_numeric: i64,
    special: bool,
    min_special: i64,
    override_special: String,
}

impl Default for StringParams {
    fn default() -> Self {
        StringParams {
            length: 16,
            upper: true,
            min_upper: 0,
            lower: true,
            min_lower: 0,
            numeric: true,
            min_numeric: 0,
            special: true,
            min_special: 0,
            override_special: String::new(),
        }
    }
}

/// The real provider's `CreateString`: minimums first, then the remainder from the enabled
/// classes, then a shuffle. Lengths are in characters.
fn create_string(p: &StringParams, rng: &mut Rng) -> Result<String, String> {
    let special: Vec<char> = if p.override_special.is_empty() {
        DEFAULT_SPECIAL.chars().collect()
    } else {
        p.override_special.chars().collect()
    };
    let class = |s: &str| s.chars().collect::<Vec<char>>();
    let mut chars = Vec::new();
    if p.upper {
        chars.extend(class(UPPER_CHARS));
    }
    if p.lower {
        chars.extend(class(LOWER_CHARS));
    }
    if p.numeric {
        chars.extend(class(NUMERIC_CHARS));
    }
    if p.special {
        chars.extend(special.iter().copied());
    }
    if chars.is_empty() {
        return Err(random_read_error("the character set specified is empty"));
    }
    let mins = [p.min_numeric, p.min_lower, p.min_upper, p.min_special];
    if mins.iter().any(|&m| m < 0) || p.length < 0 {
        return Err(random_read_error(
            "length and minimum character counts must not be negative",
        ));
    }
    let total_min: i64 = mins.iter().sum();
    if total_min > p.length {
        return Err(random_read_error(&format!(
            "length {} is less than the sum of the minimum character counts ({total_min})",
            p.length
        )));
    }
    let mut result: Vec<char> = Vec::with_capacity(p.length as usize);
    let numeric = class(NUMERIC_CHARS);
    let lower = class(LOWER_CHARS);
    let upper = class(UPPER_CHARS);
    for (set, n) in [
        (&numeric, p.min_numeric),
        (&lower, p.min_lower),
        (&upper, p.min_upper),
        (&special, p.min_special),
    ] {
        for _ in 0..n {
            result.push(set[rng.index(set.len())?]);
        }
    }
    while (result.len() as i64) < p.length {
        result.push(chars[rng.index(chars.len())?]);
    }
    rng.shuffle(&mut result)?;
    Ok(result.into_iter().collect())
}

fn create_string_resource(st: &mut State, password: bool) -> Result<(), String> {
    let number = if st.is_unknown("number") {
        None
    } else {
        st.bool("number")?
    };
    let numeric = if st.is_unknown("numeric") {
        None
    } else {
        st.bool("numeric")?
    };
    if let (Some(a), Some(b)) = (number, numeric) {
        if a != b {
            return Err(
                "Number and numeric are both configured with different values: Number \
                        is deprecated, use numeric instead"
                    .to_owned(),
            );
        }
    }
    let numeric = numeric.or(number).unwrap_or(true);
    st.fill("numeric", numeric);
    st.fill("number", numeric);

    let p = StringParams {
        length: st.required_int("length")?,
        upper: st.flag("upper", true)?,
        min_upper: st.count("min_upper", 0)?,
        lower: st.flag("lower", true)?,
        min_lower: st.count("min_lower", 0)?,
        numeric,
        min_numeric: st.count("min_numeric", 0)?,
        special: st.flag("special", true)?,
        min_special: st.count("min_special", 0)?,
        override_special: st.string("override_special")?.unwrap_or_default(),
    };
    let result = create_string(&p, &mut Rng::Os)?;
    if password {
        let bytes = result.as_bytes();
        let hashed = &bytes[..bytes.len().min(72)];
        let hash = bcrypt::hash_with_result(hashed, 10)
            .map(|h| h.format_for_version(bcrypt::Version::TwoA))
            .map_err(|e| {
                format!(
                    "Hash Generation Error: While attempting to generate a hash from the \
                     password an error occurred.\n\nVerify that the state contains a populated \
                     'result' field, using 'terraform state show', and retry the \
                     operation\n\nOriginal Error: {e}"
                )
            })?;
        st.fill("bcrypt_hash", hash);
        st.fill("id", "none");
    } else {
        st.fill("id", result.clone());
    }
    st.fill("result", result);
    Ok(())
}

/// Big-endian unsigned bytes as a decimal string (Go's `big.Int.SetBytes(..).String()`).
fn to_decimal(bytes: &[u8]) -> String {
    let mut num: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    if num.is_empty() {
        return "0".to_owned();
    }
    let mut digits = Vec::new();
    while !num.is_empty() {
        let mut rem = 0u32;
        let mut quotient = Vec::with_capacity(num.len());
        for &b in &num {
            let cur = rem * 256 + u32::from(b);
            let q = cur / 10;
            rem = cur % 10;
            if !(quotient.is_empty() && q == 0) {
                quotient.push(q as u8);
            }
        }
        digits.push(b'0' + rem as u8);
        num = quotient;
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

fn byte_count(st: &State, name: &str) -> Result<usize, String> {
    let n = st.required_int(name)?;
    usize::try_from(n)
        .map_err(|_| random_read_error(&format!("{name} must not be negative, got: {n}")))
}

fn create_id(st: &mut State) -> Result<(), String> {
    let bytes = Rng::Os.bytes(byte_count(st, "byte_length")?)?;
    let prefix = st.string("prefix")?.unwrap_or_default();
    let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
    let std = base64::engine::general_purpose::STANDARD.encode(&bytes);
    st.fill("b64_url", format!("{prefix}{id}"));
    st.fill("b64_std", format!("{prefix}{std}"));
    st.fill("hex", format!("{prefix}{}", hex::encode(&bytes)));
    st.fill("dec", format!("{prefix}{}", to_decimal(&bytes)));
    st.fill("id", id);
    Ok(())
}

fn create_bytes(st: &mut State) -> Result<(), String> {
    let bytes = Rng::Os.bytes(byte_count(st, "length")?)?;
    st.fill(
        "base64",
        base64::engine::general_purpose::STANDARD.encode(&bytes),
    );
    st.fill("hex", hex::encode(&bytes));
    Ok(())
}

fn create_integer(st: &mut State) -> Result<(), String> {
    let min = st.required_int("min")?;
    let max = st.required_int("max")?;
    if max < min {
        return Err(
            "Create Random Integer Error: The minimum (minVal) value needs to be smaller \
                    than or equal to maximum (maxVal) value."
                .to_owned(),
        );
    }
    let seed = st.string("seed")?;
    let mut rng = Rng::for_seed(seed.as_deref());
    let span = (i128::from(max) - i128::from(min) + 1) as u128;
    let offset = if span > u128::from(u64::MAX) {
        rng.next_u64()?
    } else {
        rng.below(span as u64)?
    };
    let n = (i128::from(min) + i128::from(offset)) as i64;
    st.fill("result", n);
    st.fill("id", n.to_string());
    Ok(())
}

enum UuidKind {
    /// hashicorp/go-uuid `GenerateUUID`: 16 random bytes, no version or variant bits.
    HashicorpGoUuid,
    V4,
    V7,
}

fn create_uuid(st: &mut State, kind: UuidKind) -> Result<(), String> {
    let mut b = [0u8; 16];
    Rng::Os.fill(&mut b)?;
    match kind {
        UuidKind::HashicorpGoUuid => {}
        UuidKind::V4 => {
            b[6] = (b[6] & 0x0f) | 0x40;
            b[8] = (b[8] & 0x3f) | 0x80;
        }
        UuidKind::V7 => {
            let ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0);
            b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
            b[6] = (b[6] & 0x0f) | 0x70;
            b[8] = (b[8] & 0x3f) | 0x80;
        }
    }
    let h = hex::encode(b);
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    );
    st.fill("result", uuid.clone());
    st.fill("id", uuid);
    Ok(())
}

fn create_pet(st: &mut State) -> Result<(), String> {
    let length = st.count("length", 2)?;
    let separator = if st.is_unknown("separator") {
        st.fill("separator", "-");
        "-".to_owned()
    } else {
        st.string("separator")?.unwrap_or_else(|| "-".to_owned())
    };
    let prefix = st.string("prefix")?.unwrap_or_default();
    let mut rng = Rng::Os;
    // golang-petname's Generate: 1 word is a name; otherwise (words-2) adverbs, an adjective and
    // a name.
    let mut words: Vec<&str> = Vec::new();
    if length != 1 {
        for _ in 2..length.max(2) {
            words.push(ADVERBS[rng.index(ADVERBS.len())?]);
        }
        words.push(ADJECTIVES[rng.index(ADJECTIVES.len())?]);
    }
    words.push(NAMES[rng.index(NAMES.len())?]);
    let mut pet = words.join(&separator).to_lowercase();
    if !prefix.is_empty() {
        pet = format!("{prefix}{separator}{pet}");
    }
    st.fill("id", pet);
    Ok(())
}

fn create_shuffle(st: &mut State) -> Result<(), String> {
    st.fill("id", "-");
    let input: Vec<Value> = match st.known("input")? {
        Some(Value::Array(items)) => items.clone(),
        Some(other) => return Err(format!("random_shuffle: input is not a list: {other}")),
        None => Vec::new(),
    };
    let count = match st.int("result_count")? {
        Some(n) => usize::try_from(n)
            .map_err(|_| format!("random_shuffle: result_count must not be negative, got: {n}"))?,
        None => input.len(),
    };
    let mut result = Vec::with_capacity(count);
    if count > 0 && !input.is_empty() {
        let seed = st.string("seed")?;
        let mut rng = Rng::for_seed(seed.as_deref());
        'batches: loop {
            let mut perm: Vec<usize> = (0..input.len()).collect();
            rng.shuffle(&mut perm)?;
            for i in perm {
                result.push(input[i].clone());
                if result.len() >= count {
                    break 'batches;
                }
            }
        }
    }
    st.fill("result", Value::Array(result));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Validate

/// The provider's config-time validators for `type_name`: `(attribute path, summary, detail)`
/// per failure, worded as the provider words them. Unknown values are never judged.
pub fn validate(type_name: &str, config: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let get = |name: &str| super::value::get(config, name);
    match type_name {
        "random_password" | "random_string" => {
            at_least(&mut out, "length", get("length"), 1);
            if let Some(length) = get("length").and_then(as_i64) {
                let mins = ["min_upper", "min_lower", "min_numeric", "min_special"];
                let mut sum = 0i64;
                let mut judged = true;
                for m in mins {
                    match get(m) {
                        None | Some(Value::Nil) => {}
                        Some(v) if is_unknown(v) => judged = false,
                        Some(v) => sum = sum.saturating_add(as_i64(v).unwrap_or(0)),
                    }
                }
                if judged && length < sum {
                    out.push((
                        "length".to_owned(),
                        "Invalid Attribute Value".to_owned(),
                        format!(
                            "Attribute length value must be at least sum of {}, got: {length}",
                            mins.join(" + ")
                        ),
                    ));
                }
            }
            for flag in ["number", "numeric"] {
                if get(flag).and_then(Value::as_bool) != Some(false) {
                    continue;
                }
                let others = ["special", "upper", "lower"];
                let some_not_false = others
                    .iter()
                    .any(|o| get(o).and_then(Value::as_bool) != Some(false));
                if !some_not_false {
                    out.push((
                        flag.to_owned(),
                        "Invalid Attribute Combination".to_owned(),
                        format!(
                            "At least one attribute out of [special,upper,lower,{flag}] must be \
                             specified as true"
                        ),
                    ));
                }
            }
        }
        "random_bytes" => at_least(&mut out, "length", get("length"), 1),
        _ => {}
    }
    out
}

/// terraform-plugin-framework-validators' `int64validator.AtLeast`.
fn at_least(out: &mut Vec<(String, String, String)>, name: &str, v: Option<&Value>, min: i64) {
    if let Some(n) = v.and_then(as_i64) {
        if n < min {
            out.push((
                name.to_owned(),
                "Invalid Attribute Value".to_owned(),
                format!("Attribute {name} value must be at least {min}, got: {n}"),
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pet names (own short lists in the spirit of golang-petname)

const ADVERBS: &[&str] = &[
    "ably",
    "actually",
    "amazingly",
    "amply",
    "aptly",
    "badly",
    "barely",
    "boldly",
    "bravely",
    "briefly",
    "brightly",
    "briskly",
    "calmly",
    "carefully",
    "cheaply",
    "clearly",
    "closely",
    "correctly",
    "daily",
    "deeply",
    "deftly",
    "directly",
    "eagerly",
    "easily",
    "equally",
    "evenly",
    "exactly",
    "fairly",
    "firmly",
    "freely",
    "fully",
    "gently",
    "gladly",
    "greatly",
    "happily",
    "highly",
    "honestly",
    "hugely",
    "jointly",
    "justly",
    "kindly",
    "largely",
    "lightly",
    "loudly",
    "mainly",
    "merely",
    "mildly",
    "mostly",
    "neatly",
    "nicely",
    "openly",
    "partly",
    "politely",
    "promptly",
    "properly",
    "quickly",
    "quietly",
    "rapidly",
    "rarely",
    "really",
    "safely",
    "sharply",
    "simply",
    "slowly",
    "smoothly",
    "softly",
    "solely",
    "surely",
    "swiftly",
    "truly",
    "vastly",
    "warmly",
    "wholly",
    "widely",
    "wildly",
    "wisely",
];

const ADJECTIVES: &[&str] = &[
    "able", "active", "adapted", "alert", "amazed", "amused", "apt", "awake", "bold", "brave",
    "brief", "bright", "brisk", "busy", "calm", "capable", "careful", "casual", "charmed",
    "cheerful", "civil", "clean", "clever", "close", "cool", "cosmic", "crack", "crisp", "curious",
    "daring", "dear", "decent", "deep", "direct", "driven", "eager", "easy", "enough", "epic",
    "equal", "exact", "fair", "famous", "fast", "fine", "firm", "fit", "fleet", "fond", "free",
    "fresh", "full", "funny", "game", "gentle", "giving", "glad", "golden", "good", "grand",
    "great", "happy", "hardy", "helped", "heroic", "honest", "humble", "ideal", "immune", "intent",
    "joint", "just", "keen", "kind", "large", "lasting", "legal", "liberal", "light", "literate",
    "live", "lively", "loved", "loyal", "lucky", "magical", "main", "massive", "merry", "mighty",
    "modest", "moral", "native", "neat", "new", "nice", "noble", "normal", "open", "optimal",
    "patient", "perfect", "pleasant", "polite", "precious", "present", "pretty", "prime", "proper",
    "proud", "quick", "quiet", "rapid", "rare", "ready", "real", "regular", "relaxed", "relevant",
    "rich", "robust", "safe", "saving", "secure", "sharp", "shining", "simple", "sincere", "smart",
    "smooth", "social", "solid", "sound", "special", "stable", "steady", "strong", "super", "sure",
    "sweet", "swift", "tender", "tidy", "tough", "true", "trusted", "up", "usable", "valid",
    "vast", "vital", "warm", "welcome", "well", "whole", "willing", "wise", "witty", "worthy",
];

const NAMES: &[&str] = &[
    "aardvark", "albacore", "alpaca", "ant", "antelope", "ape", "badger", "barnacle", "bass",
    "bat", "bear", "beetle", "bird", "bison", "bluebird", "boa", "bobcat", "buck", "buffalo",
    "bull", "bunny", "burro", "buzzard", "calf", "camel", "canary", "cardinal", "cat", "catfish",
    "cheetah", "chicken", "chipmunk", "clam", "cobra", "cod", "colt", "condor", "corgi", "cougar",
    "cow", "coyote", "crab", "crane", "crow", "cub", "deer", "dingo", "dodo", "dog", "dolphin",
    "dove", "dragon", "duck", "eagle", "eel", "egret", "elk", "emu", "falcon", "fawn", "ferret",
    "finch", "fish", "flamingo", "fly", "foal", "fox", "frog", "gannet", "gar", "gazelle", "gecko",
    "gibbon", "giraffe", "gnat", "gnu", "goat", "goose", "gopher", "gorilla", "grizzly", "grouse",
    "gull", "haddock", "halibut", "hamster", "hare", "hawk", "hen", "heron", "herring", "hog",
    "hornet", "horse", "hound", "hyena", "ibex", "iguana", "impala", "jackal", "jaguar", "jay",
    "jennet", "kid", "kingfish", "kite", "kitten", "kiwi", "koala", "krill", "lab", "lamb", "lark",
    "lemming", "lemur", "leopard", "lion", "lizard", "llama", "lobster", "locust", "lynx", "macaw",
    "magpie", "mako", "mallard", "mammal", "manatee", "mantis", "marlin", "marmot", "marten",
    "mastiff", "mayfly", "meerkat", "mink", "minnow", "mole", "mollusk", "monkey", "moose", "moth",
    "mouse", "mule", "mustang", "newt", "ocelot", "octopus", "orca", "osprey", "ostrich", "otter",
    "owl", "ox", "oyster", "panda", "panther", "parrot", "peacock", "pelican", "penguin", "perch",
    "pheasant", "pig", "pigeon", "pika", "pipefish", "platypus", "polecat", "pony", "poodle",
    "porpoise", "possum", "prawn", "puffin", "puma", "pup", "python", "quail", "rabbit", "raccoon",
    "ram", "raptor", "rat", "raven", "ray", "redbird", "reindeer", "rhino", "robin", "rooster",
    "sailfish", "salmon", "sawfly", "seal", "shark", "sheep", "shrew", "shrimp", "skink", "skunk",
    "sloth", "slug", "snail", "snake", "snipe", "sparrow", "spider", "squid", "squirrel", "stag",
    "starfish", "stork", "sturgeon", "swan", "swift", "tadpole", "tahr", "tapir", "tarpon",
    "termite", "tern", "terrier", "tetra", "thrush", "tick", "tiger", "titmouse", "toad",
    "tortoise", "toucan", "trout", "tuna", "turkey", "turtle", "unicorn", "urchin", "viper",
    "vulture", "wahoo", "walrus", "warthog", "wasp", "weasel", "whale", "whippet", "wildcat",
    "wolf", "wombat", "worm", "wren", "yak", "zebra",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::value::{get, unknown};

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (Value::from(*k), v.clone()))
                .collect(),
        )
    }

    fn s<'a>(v: &'a Value, name: &str) -> &'a str {
        get(v, name).and_then(Value::as_str).unwrap_or_else(|| {
            panic!("{name} is not a string in {v}");
        })
    }

    /// A planned `random_string`/`random_password` with everything optional left unset.
    fn planned_string(extra: &[(&str, Value)], password: bool) -> Value {
        let mut pairs: Vec<(&str, Value)> = vec![
            ("keepers", Value::Nil),
            ("length", Value::from(16)),
            ("lower", unknown()),
            ("min_lower", unknown()),
            ("min_numeric", unknown()),
            ("min_special", unknown()),
            ("min_upper", unknown()),
            ("number", unknown()),
            ("numeric", unknown()),
            ("override_special", Value::Nil),
            ("result", unknown()),
            ("special", unknown()),
            ("upper", unknown()),
            ("id", unknown()),
        ];
        if password {
            pairs.push(("bcrypt_hash", unknown()));
        }
        for (k, v) in extra {
            match pairs.iter_mut().find(|(n, _)| n == k) {
                Some(slot) => slot.1 = v.clone(),
                None => pairs.push((k, v.clone())),
            }
        }
        obj(&pairs)
    }

    fn count(s: &str, set: &str) -> usize {
        s.chars().filter(|c| set.contains(*c)).count()
    }

    #[test]
    fn password_constraints_hold_over_many_draws() {
        let p = StringParams {
            length: 32,
            min_upper: 2,
            min_lower: 3,
            min_numeric: 4,
            min_special: 5,
            ..Default::default()
        };
        let allowed = format!("{UPPER_CHARS}{LOWER_CHARS}{NUMERIC_CHARS}{DEFAULT_SPECIAL}");
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let r = create_string(&p, &mut Rng::Os).unwrap();
            assert_eq!(r.chars().count(), 32, "{r}");
            assert!(count(&r, UPPER_CHARS) >= 2, "{r}");
            assert!(count(&r, LOWER_CHARS) >= 3, "{r}");
            assert!(count(&r, NUMERIC_CHARS) >= 4, "{r}");
            assert!(count(&r, DEFAULT_SPECIAL) >= 5, "{r}");
            assert!(r.chars().all(|c| allowed.contains(c)), "{r}");
            seen.insert(r);
        }
        assert_eq!(seen.len(), 200, "draws repeat");
    }

    #[test]
    fn string_uses_only_enabled_classes_and_keeps_known_values() {
        let keepers = obj(&[("rotation", Value::from("2024"))]);
        for _ in 0..200 {
            let planned = planned_string(
                &[
                    ("keepers", keepers.clone()),
                    ("length", Value::from(24)),
                    ("upper", Value::from(false)),
                    ("special", Value::from(false)),
                    ("min_numeric", Value::from(6)),
                ],
                false,
            );
            let st = apply_create("random_string", planned).unwrap();
            let r = s(&st, "result");
            assert_eq!(r.chars().count(), 24);
            assert!(count(r, NUMERIC_CHARS) >= 6, "{r}");
            assert!(
                r.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
                "{r}"
            );
            assert_eq!(s(&st, "id"), r);
            assert_eq!(get(&st, "keepers"), Some(&keepers));
            assert_eq!(get(&st, "upper"), Some(&Value::from(false)));
            assert_eq!(get(&st, "special"), Some(&Value::from(false)));
            assert_eq!(get(&st, "lower"), Some(&Value::from(true)));
            assert_eq!(get(&st, "numeric"), Some(&Value::from(true)));
            assert_eq!(get(&st, "number"), Some(&Value::from(true)));
            assert_eq!(get(&st, "min_numeric"), Some(&Value::from(6)));
            assert_eq!(get(&st, "min_upper"), Some(&Value::from(0)));
            assert_eq!(get(&st, "override_special"), Some(&Value::Nil));
        }
    }

    #[test]
    fn override_special_counts_characters_not_bytes() {
        let p = StringParams {
            length: 12,
            upper: false,
            lower: false,
            numeric: false,
            min_special: 3,
            override_special: "€é_".to_owned(),
            ..Default::default()
        };
        for _ in 0..100 {
            let r = create_string(&p, &mut Rng::Os).unwrap();
            assert_eq!(r.chars().count(), 12, "{r}");
            assert!(r.chars().all(|c| "€é_".contains(c)), "{r}");
        }
    }

    #[test]
    fn empty_character_set_fails_like_the_provider() {
        let planned = planned_string(
            &[
                ("upper", Value::from(false)),
                ("lower", Value::from(false)),
                ("numeric", Value::from(false)),
                ("special", Value::from(false)),
            ],
            false,
        );
        let err = apply_create("random_string", planned).unwrap_err();
        assert!(err.starts_with("Random Read Error: "), "{err}");
        assert!(
            err.ends_with("Original Error: the character set specified is empty"),
            "{err}"
        );
    }

    #[test]
    fn number_and_numeric_follow_each_other_and_conflict() {
        let st = apply_create(
            "random_string",
            planned_string(&[("number", Value::from(false))], false),
        )
        .unwrap();
        assert_eq!(get(&st, "numeric"), Some(&Value::from(false)));
        assert!(!s(&st, "result").chars().any(|c| c.is_ascii_digit()));
        let err = apply_create(
            "random_string",
            planned_string(
                &[
                    ("number", Value::from(false)),
                    ("numeric", Value::from(true)),
                ],
                false,
            ),
        )
        .unwrap_err();
        assert!(
            err.starts_with("Number and numeric are both configured with different values"),
            "{err}"
        );
    }

    #[test]
    fn password_has_real_bcrypt_hash_and_id_none() {
        let planned = planned_string(
            &[("length", Value::from(32)), ("min_upper", Value::from(2))],
            true,
        );
        let st = apply_create("random_password", planned).unwrap();
        let r = s(&st, "result");
        assert_eq!(r.chars().count(), 32);
        assert!(count(r, UPPER_CHARS) >= 2);
        assert_eq!(s(&st, "id"), "none");
        let hash = s(&st, "bcrypt_hash");
        assert!(hash.starts_with("$2a$10$"), "{hash}");
        assert!(bcrypt::verify(r, hash).unwrap());
        assert!(!bcrypt::verify("not the password", hash).unwrap());
    }

    #[test]
    fn two_creates_differ() {
        let a = apply_create("random_string", planned_string(&[], false)).unwrap();
        let b = apply_create("random_string", planned_string(&[], false)).unwrap();
        assert_ne!(s(&a, "result"), s(&b, "result"));
        let id = || {
            let planned = obj(&[
                ("byte_length", Value::from(8)),
                ("prefix", Value::Nil),
                ("keepers", Value::Nil),
                ("b64_std", unknown()),
                ("b64_url", unknown()),
                ("dec", unknown()),
                ("hex", unknown()),
                ("id", unknown()),
            ]);
            apply_create("random_id", planned).unwrap()
        };
        assert_ne!(s(&id(), "hex"), s(&id(), "hex"));
        let uuid = || {
            let planned = obj(&[
                ("id", unknown()),
                ("result", unknown()),
                ("keepers", Value::Nil),
            ]);
            apply_create("random_uuid", planned).unwrap()
        };
        assert_ne!(s(&uuid(), "result"), s(&uuid(), "result"));
    }

    #[test]
    fn random_id_encodings_agree() {
        let planned = obj(&[
            ("byte_length", Value::from(8)),
            ("prefix", Value::from("p-")),
            ("keepers", Value::Nil),
            ("b64_std", unknown()),
            ("b64_url", unknown()),
            ("dec", unknown()),
            ("hex", unknown()),
            ("id", unknown()),
        ]);
        let st = apply_create("random_id", planned).unwrap();
        let hex_str = s(&st, "hex").strip_prefix("p-").unwrap();
        let bytes = hex::decode(hex_str).unwrap();
        assert_eq!(bytes.len(), 8);
        let n = u64::from_be_bytes(bytes.clone().try_into().unwrap());
        assert_eq!(s(&st, "dec"), format!("p-{n}"));
        let id = s(&st, "id");
        assert_eq!(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(id)
                .unwrap(),
            bytes
        );
        assert_eq!(s(&st, "b64_url"), format!("p-{id}"));
        let std = s(&st, "b64_std").strip_prefix("p-").unwrap();
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(std)
                .unwrap(),
            bytes
        );
        assert_eq!(get(&st, "prefix"), Some(&Value::from("p-")));
    }

    #[test]
    fn decimal_of_big_endian_bytes() {
        assert_eq!(to_decimal(&[]), "0");
        assert_eq!(to_decimal(&[0, 0]), "0");
        assert_eq!(to_decimal(&[1, 0]), "256");
        assert_eq!(
            to_decimal(&[0xff; 16]),
            "340282366920938463463374607431768211455"
        );
    }

    #[test]
    fn random_bytes_fills_base64_and_hex() {
        let planned = obj(&[
            ("length", Value::from(32)),
            ("keepers", Value::Nil),
            ("base64", unknown()),
            ("hex", unknown()),
        ]);
        let st = apply_create("random_bytes", planned).unwrap();
        let bytes = hex::decode(s(&st, "hex")).unwrap();
        assert_eq!(bytes.len(), 32);
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(s(&st, "base64"))
                .unwrap(),
            bytes
        );
    }

    fn planned_integer(min: i64, max: i64, seed: Option<&str>) -> Value {
        obj(&[
            ("min", Value::from(min)),
            ("max", Value::from(max)),
            ("seed", seed.map(Value::from).unwrap_or(Value::Nil)),
            ("keepers", Value::Nil),
            ("result", unknown()),
            ("id", unknown()),
        ])
    }

    #[test]
    fn integer_within_bounds_seeded_deterministic_and_min_above_max_fails() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let st = apply_create("random_integer", planned_integer(-3, 3, None)).unwrap();
            let n = get(&st, "result").and_then(Value::as_i64).unwrap();
            assert!((-3..=3).contains(&n));
            assert_eq!(s(&st, "id"), n.to_string());
            seen.insert(n);
        }
        assert_eq!(seen.len(), 7, "every value in range is drawn");
        let full = apply_create("random_integer", planned_integer(i64::MIN, i64::MAX, None));
        assert!(full.is_ok());
        let a = apply_create("random_integer", planned_integer(1, 1_000_000, Some("x"))).unwrap();
        let b = apply_create("random_integer", planned_integer(1, 1_000_000, Some("x"))).unwrap();
        assert_eq!(get(&a, "result"), get(&b, "result"));
        let err = apply_create("random_integer", planned_integer(5, 1, None)).unwrap_err();
        assert!(err.starts_with("Create Random Integer Error"), "{err}");
    }

    fn planned_shuffle(input: &[&str], count: Option<i64>, seed: Option<&str>) -> Value {
        obj(&[
            (
                "input",
                Value::Array(input.iter().map(|s| Value::from(*s)).collect()),
            ),
            ("result_count", count.map(Value::from).unwrap_or(Value::Nil)),
            ("seed", seed.map(Value::from).unwrap_or(Value::Nil)),
            ("keepers", Value::Nil),
            ("result", unknown()),
            ("id", unknown()),
        ])
    }

    fn strings(v: &Value, name: &str) -> Vec<String> {
        get(v, name)
            .and_then(Value::as_array)
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn shuffle_permutes_repeats_and_honours_seed() {
        let input = ["a", "b", "c", "d", "e"];
        let st = apply_create("random_shuffle", planned_shuffle(&input, None, None)).unwrap();
        let mut r = strings(&st, "result");
        r.sort();
        assert_eq!(r, input);
        assert_eq!(s(&st, "id"), "-");
        let st = apply_create("random_shuffle", planned_shuffle(&input, Some(12), None)).unwrap();
        let r = strings(&st, "result");
        assert_eq!(r.len(), 12);
        let mut first = r[..5].to_vec();
        first.sort();
        assert_eq!(first, input, "each batch is a full permutation");
        let seeded = || {
            strings(
                &apply_create(
                    "random_shuffle",
                    planned_shuffle(&input, Some(3), Some("s")),
                )
                .unwrap(),
                "result",
            )
        };
        assert_eq!(seeded(), seeded());
        let st = apply_create("random_shuffle", planned_shuffle(&[], Some(3), None)).unwrap();
        assert!(strings(&st, "result").is_empty());
    }

    #[test]
    fn pet_defaults_words_and_prefix() {
        let planned = obj(&[
            ("keepers", Value::Nil),
            ("length", unknown()),
            ("prefix", Value::Nil),
            ("separator", unknown()),
            ("id", unknown()),
        ]);
        let st = apply_create("random_pet", planned).unwrap();
        assert_eq!(s(&st, "id").split('-').count(), 2, "{}", s(&st, "id"));
        assert_eq!(get(&st, "length"), Some(&Value::from(2)));
        assert_eq!(s(&st, "separator"), "-");
        let planned = obj(&[
            ("keepers", Value::Nil),
            ("length", Value::from(4)),
            ("prefix", Value::from("dev")),
            ("separator", Value::from("_")),
            ("id", unknown()),
        ]);
        let st = apply_create("random_pet", planned).unwrap();
        let id = s(&st, "id");
        let words: Vec<&str> = id.split('_').collect();
        assert_eq!(words.len(), 5, "{id}");
        assert_eq!(words[0], "dev");
        assert!(
            ADVERBS.contains(&words[1]) && ADVERBS.contains(&words[2]),
            "{id}"
        );
        assert!(
            ADJECTIVES.contains(&words[3]) && NAMES.contains(&words[4]),
            "{id}"
        );
    }

    #[test]
    fn uuid_formats() {
        for (ty, version) in [
            ("random_uuid4", Some('4')),
            ("random_uuid7", Some('7')),
            ("random_uuid", None),
        ] {
            let planned = obj(&[
                ("id", unknown()),
                ("result", unknown()),
                ("keepers", Value::Nil),
            ]);
            let st = apply_create(ty, planned).unwrap();
            let u = s(&st, "result");
            assert_eq!(s(&st, "id"), u);
            let groups: Vec<usize> = u.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{u}");
            if let Some(v) = version {
                assert_eq!(u.chars().nth(14), Some(v), "{u}");
                assert!("89ab".contains(u.chars().nth(19).unwrap()), "{u}");
            }
        }
    }

    #[test]
    fn unknown_type_is_an_error() {
        assert!(apply_create("random_nothing", obj(&[])).is_err());
    }

    #[test]
    fn validate_flags_length_below_sum_of_minimums() {
        let config = obj(&[
            ("length", Value::from(5)),
            ("min_upper", Value::from(2)),
            ("min_special", Value::from(4)),
            ("min_lower", Value::Nil),
        ]);
        let found = validate("random_password", &config);
        assert_eq!(
            found,
            vec![(
                "length".to_owned(),
                "Invalid Attribute Value".to_owned(),
                "Attribute length value must be at least sum of min_upper + min_lower + \
                 min_numeric + min_special, got: 5"
                    .to_owned()
            )]
        );
        assert_eq!(validate("random_string", &config), found);
    }

    #[test]
    fn validate_flags_zero_length_and_all_classes_off() {
        let found = validate("random_string", &obj(&[("length", Value::from(0))]));
        assert_eq!(
            found,
            vec![(
                "length".to_owned(),
                "Invalid Attribute Value".to_owned(),
                "Attribute length value must be at least 1, got: 0".to_owned()
            )]
        );
        let config = obj(&[
            ("length", Value::from(8)),
            ("special", Value::from(false)),
            ("upper", Value::from(false)),
            ("lower", Value::from(false)),
            ("numeric", Value::from(false)),
            ("number", Value::from(false)),
        ]);
        let found = validate("random_password", &config);
        let paths: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(paths, ["number", "numeric"]);
        assert_eq!(found[1].1, "Invalid Attribute Combination");
        assert_eq!(
            found[1].2,
            "At least one attribute out of [special,upper,lower,numeric] must be specified as true"
        );
        let bytes = validate("random_bytes", &obj(&[("length", Value::from(0))]));
        assert_eq!(bytes.len(), 1);
    }

    #[test]
    fn validate_passes_valid_config() {
        let config = obj(&[
            ("length", Value::from(32)),
            ("min_upper", Value::from(2)),
            ("min_lower", Value::from(2)),
            ("min_numeric", Value::from(2)),
            ("min_special", Value::from(2)),
            ("special", Value::from(false)),
            ("numeric", Value::from(false)),
        ]);
        assert!(validate("random_password", &config).is_empty());
        assert!(validate("random_id", &obj(&[("byte_length", Value::from(0))])).is_empty());
    }

    #[test]
    fn validate_never_judges_unknowns() {
        let config = obj(&[("length", unknown()), ("min_upper", Value::from(5))]);
        assert!(validate("random_password", &config).is_empty());
        let config = obj(&[
            ("length", Value::from(3)),
            ("min_upper", unknown()),
            ("min_lower", Value::from(9)),
        ]);
        assert!(validate("random_password", &config).is_empty());
        let config = obj(&[
            ("length", Value::from(8)),
            ("special", unknown()),
            ("upper", Value::from(false)),
            ("lower", Value::from(false)),
            ("numeric", Value::from(false)),
        ]);
        assert!(validate("random_string", &config).is_empty());
        let config = obj(&[
            ("length", Value::from(8)),
            ("numeric", unknown()),
            ("special", Value::from(false)),
            ("upper", Value::from(false)),
            ("lower", Value::from(false)),
        ]);
        assert!(validate("random_string", &config).is_empty());
    }
}
