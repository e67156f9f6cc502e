//! What a plain (unquoted) YAML scalar means to ansible-core.
//!
//! ansible-core 2.19 reads YAML with PyYAML's YAML 1.1 resolver (`yaml.resolver.Resolver`) and
//! constructs the resolved types with PyYAML's `SafeConstructor` (Ansible's constructor only tags
//! the results with their origin). A var in a static YAML inventory therefore means what this
//! module says, and `ansible-inventory --list` prints it as [`resolve_plain`] returns it;
//! `tests/yaml11_ansible.rs` checks that against a real `ansible-inventory --list`, spelling by
//! spelling.
//!
//! `text` is the scalar's value as YAML reads it (a plain scalar spread over several lines is
//! already folded into one), and only plain scalars resolve: a quoted or block scalar, or one
//! with an explicit tag, is always a string to ansible-core and never comes here.
//!
//! The rules, exactly as PyYAML 6 writes them (first match wins; the resolver looks only at
//! spellings whose first character can start the type):
//!
//! | spelling | result |
//! |---|---|
//! | empty, `~`, `null`, `Null`, `NULL` | `null` |
//! | `yes Yes YES on On ON true True TRUE` / `no No NO off Off OFF false False FALSE` | `true` / `false` (`y`, `n`, `yEs` stay strings) |
//! | `[-+]?` then decimal `0` or `[1-9][0-9_]*` | int; `_` is dropped (`1_000` is 1000), `-0` is `0` |
//! | `[-+]?0b[01_]+`, `[-+]?0x[0-9a-fA-F_]+` | binary, hex int (`0B1`, `0X1F`, `0o17` stay strings) |
//! | `[-+]?0[0-7_]+` | octal int: `010` is 8 (`08`, `09` stay strings) |
//! | `[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+` | base 60 int: `1:30` is 90, `1:30:00` is 5400 (`0:30`, `1:60` stay strings) |
//! | `[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?`, `\.[0-9][0-9_]*([eE][-+][0-9]+)?` | float; it needs a dot and an exponent needs a sign: `1.0e+3` is 1000.0, `1e3`, `1.0e3`, `-.5` stay strings |
//! | `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*` | base 60 float: `1:30.5` is 90.5 |
//! | `[-+]?\.(inf\|Inf\|INF)`, `\.(nan\|NaN\|NAN)` | ±infinity, NaN (`-.nan`, `inf` stay strings) |
//! | `YYYY-MM-DD` | a date, printed as `"2001-12-14"` |
//! | `YYYY-M-D` + `T`/`t`/blanks + `H:MM:SS[.frac]` + optional blanks and `Z`/`±H[:MM]` | a datetime, printed as Python's `isoformat()`: `"2001-12-14T21:59:43.100000-05:00"` |
//! | `<<`, `=` | refused: PyYAML resolves them to merge/value tags it cannot construct as a value |
//! | anything else | the string itself |
//!
//! What is returned, and how it differs from what `ansible-inventory --list` prints:
//! - Ints are JSON integers and floats JSON floats (`1.0` stays `1.0`, never `1`), so Ansible,
//!   reading regal-inventory's JSON, sees the same Python type and value. A float is written in
//!   serde_json's shortest form, which differs from Python's `repr` only in how an exponent is
//!   spelled (`1e16` against `1e+16`, `3e-5` against `3e-05`): the same number.
//! - A date or datetime is printed by ansible-inventory as its ISO text; here it is that string.
//!   (Inside a play on a static YAML inventory the var is a Python date object; through any
//!   JSON inventory, regal-inventory's included, it is this string.)
//! - `.inf`, `-.inf`, `.nan`, a float literal beyond the f64 range (`2.0e+308` is infinity) and
//!   an int outside −2⁶³…2⁶⁴−1 are values ansible-core reads but that `serde_json::Value` cannot
//!   hold (ansible-inventory prints `Infinity`, `NaN` and every digit — not JSON). They are
//!   [`NotResolved::NotJson`], never a silent `null` or a rounded float; its message gives the
//!   var that carries the value anyway (`"{{ 'inf' | float }}"`, `"{{ 123456789012345678901 }}"`:
//!   a template, which ansible-core evaluates to the float or int).
//! - Spellings that PyYAML resolves to a type and then fails to build (`2001-02-30`, `0x_`,
//!   `2001-12-14 24:00:00`, `<<`, `=`) make ansible-core refuse the whole inventory; they are
//!   [`NotResolved::Refused`] with PyYAML's reason.
//!
//! A plain scalar used as a mapping key resolves the same way; [`resolve_plain_key`] gives the
//! JSON key ansible-inventory prints for it (Python's `json.dumps` of the resolved key: `on` is
//! `"true"`, `1.0e+16` is `"1e+16"`, `.inf` is `"Infinity"`).

use serde_json::{Number, Value};
use std::fmt;

/// Why a plain scalar has no JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotResolved {
    /// ansible-core refuses the file: the spelling resolves to a YAML type whose value cannot be
    /// built. Holds PyYAML's reason, e.g. `day is out of range for month`.
    Refused(String),
    /// ansible-core reads a value that JSON cannot carry.
    NotJson {
        /// What it is, e.g. `the float infinity`.
        what: String,
        /// A var that gives ansible-core the same value, e.g. `"{{ 'inf' | float }}"`.
        template: String,
    },
}

impl fmt::Display for NotResolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotResolved::Refused(reason) => write!(
                f,
                "ansible-core cannot read this unquoted value ({reason}); quote it to make it a string"
            ),
            NotResolved::NotJson { what, template } => write!(
                f,
                "ansible-core reads this unquoted value as {what}, which an inventory's JSON cannot \
                 carry; quote it to make it a string, or write {template} for the same value"
            ),
        }
    }
}

impl std::error::Error for NotResolved {}

/// The JSON value ansible-core gives the plain scalar `text` (see the module doc).
pub fn resolve_plain(text: &str) -> Result<Value, NotResolved> {
    construct(text, resolve(text))
}

/// The JSON value of the plain scalar `text`, which PyYAML resolves to `tag`.
fn construct(text: &str, tag: Tag) -> Result<Value, NotResolved> {
    match tag {
        Tag::Null => Ok(Value::Null),
        Tag::Bool(b) => Ok(Value::Bool(b)),
        Tag::Int => construct_int(text),
        Tag::Float => construct_float(text),
        Tag::Timestamp => construct_timestamp(text).map(Value::String),
        Tag::Merge | Tag::ValueKey => Err(not_a_value(text)),
        Tag::Str => Ok(Value::String(text.to_owned())),
    }
}

/// [`resolve_plain`], `None` for a string (`text` itself): one resolution,
/// and no copy of the text (a var value of its own on every host).
pub fn resolve_plain_unless_str(text: &str) -> Result<Option<Value>, NotResolved> {
    match resolve(text) {
        Tag::Str => Ok(None),
        tag => construct(text, tag).map(Some),
    }
}

/// Whether the plain scalar `text` is a string to ansible-core: what
/// [`resolve_plain`] gives as `Value::String` of `text` itself.
pub fn is_str(text: &str) -> bool {
    resolve(text) == Tag::Str
}

/// What [`classify`] finds a plain scalar to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plain {
    /// A string: [`resolve_plain`] gives `text` itself.
    Str,
    /// A value whose JSON text is `text` itself, as written: the usual int
    /// (`1`, `8080`: decimal digits, no sign, `_` or leading zero, below
    /// 2⁶⁴), `true`, `false`, `null`.
    Verbatim,
    /// Any other type: [`Typed::construct`] builds its value.
    Typed(Typed),
}

/// A type a plain scalar resolves to, other than a string or a
/// [`Plain::Verbatim`] value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Typed(Tag);

impl Typed {
    /// [`resolve_plain`] of `text`, the scalar [`classify`] gave this for.
    pub fn construct(self, text: &str) -> Result<Value, NotResolved> {
        construct(text, self.0)
    }
}

/// The plain scalar `text` resolved once, its value built only where its
/// JSON text is not `text` itself: a host var's value on every host (a
/// port, a zone) is checked and written without a `Value` made for it, and
/// without being resolved again (a property test holds it to
/// [`resolve_plain`]).
// Inlined: the usual value (`z1`, `web`, `8080`) is told by its first byte
// or its digits where it is read, without a call.
#[inline]
pub fn classify(text: &str) -> Plain {
    classify_usual(text.as_bytes()).unwrap_or_else(|| classify_typed(text))
}

/// [`classify`] of the text of `src` in `range`, the usual scalars told by
/// their bytes before the text is sliced (no check of char boundaries on the
/// way most scalars take).
#[inline]
pub fn classify_in(src: &str, range: std::ops::Range<usize>) -> Plain {
    classify_usual(&src.as_bytes()[range.clone()]).unwrap_or_else(|| classify_typed(&src[range]))
}

/// [`classify`] of the usual plain scalars, told by their bytes alone: a
/// string by a first byte no typed scalar starts with, the usual int by its
/// digits. `None` for any other text, which `classify` resolves.
#[inline]
pub fn classify_usual(b: &[u8]) -> Option<Plain> {
    match b.first() {
        Some(&first) if !TYPED_START[usize::from(first)] => Some(Plain::Str),
        _ if plain_decimal_digits(b) => Some(Plain::Verbatim),
        _ => None,
    }
}

/// The bytes a plain scalar other than a string may start with: PyYAML
/// looks its implicit resolvers up by the first character (bool:
/// `yYnNtTfFoO`, float and int: `-+0-9.`, merge `<`, null `~nN`, timestamp
/// `0-9`, value `=`).
const TYPED_START: [bool; 256] = {
    let mut table = [false; 256];
    let starts = b"yYnNtTfFoO-+0123456789.<~=";
    let mut i = 0;
    while i < starts.len() {
        table[starts[i] as usize] = true;
        i += 1;
    }
    table
};

/// [`classify`] of text that may be typed (not the usual int).
fn classify_typed(text: &str) -> Plain {
    match resolve_not_decimal(text) {
        Tag::Str => Plain::Str,
        Tag::Null | Tag::Bool(_) if matches!(text, "null" | "true" | "false") => Plain::Verbatim,
        tag => Plain::Typed(Typed(tag)),
    }
}

/// Whether ansible-core reads the plain scalar `text` as a value JSON can
/// carry: [`resolve_plain`] is `Ok`, found without a `Value` built for the
/// usual spellings.
#[inline]
pub fn is_readable(text: &str) -> bool {
    match classify(text) {
        Plain::Str | Plain::Verbatim => true,
        Plain::Typed(typed) => typed.construct(text).is_ok(),
    }
}

/// `<<` and `=`, which PyYAML resolves to tags it has no constructor for.
fn not_a_value(text: &str) -> NotResolved {
    let what = if text == "=" {
        "YAML 1.1's value key"
    } else {
        "YAML's merge key"
    };
    NotResolved::Refused(format!("`{text}` is {what}, not a value"))
}

/// The JSON key ansible-core prints for the plain scalar `text` used as a mapping key: the
/// resolved value as Python's `json.dumps` writes a key (`yes` is `"true"`, `010` is `"8"`,
/// `~` is `"null"`, `1.0e+16` is `"1e+16"`, `.inf` is `"Infinity"`, ints of any size). A
/// date is refused: ansible-inventory cannot print one as a key. Distinct spellings can
/// name one Python key (`1`, `1.0`, `true`, `yes`, `on`; `0`, `-0.0`, `off`), which
/// ansible-core then treats as a duplicate; checking for that is the caller's job. `<<` as
/// a key is YAML's merge, which the parser handles, and never comes here.
pub fn resolve_plain_key(text: &str) -> Result<String, NotResolved> {
    match resolve(text) {
        Tag::Null => Ok("null".into()),
        Tag::Bool(b) => Ok(b.to_string()),
        Tag::Int => construct_int_decimal(text),
        Tag::Float => Ok(python_float_key(construct_float_f64(text))),
        Tag::Timestamp => construct_timestamp(text).and(Err(NotResolved::Refused(
            "a date as a mapping key cannot be printed as JSON".into(),
        ))),
        Tag::Merge | Tag::ValueKey => Err(not_a_value(text)),
        Tag::Str => Ok(text.to_owned()),
    }
}

/// The implicit tags of PyYAML's `Resolver`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Null,
    Bool(bool),
    Int,
    Float,
    Timestamp,
    Merge,
    ValueKey,
    Str,
}

/// PyYAML's `Resolver.resolve` for a plain scalar. Its regexes never overlap, so the order in
/// which it tries them does not matter.
fn resolve(text: &str) -> Tag {
    // The usual int (a port, a count on every host): decimal digits, no
    // sign, `_` or leading zero; PyYAML's int regex, and none other, takes
    // it (no float without a dot, no timestamp without a `-`).
    if plain_decimal_digits(text.as_bytes()) {
        return Tag::Int;
    }
    resolve_not_decimal(text)
}

/// [`resolve`] of text that is not the usual int.
#[inline]
fn resolve_not_decimal(text: &str) -> Tag {
    // PyYAML looks its implicit resolvers up by the first character (bool:
    // `yYnNtTfFoO`, float and int: `-+0-9.`, merge `<`, null `~nN`, timestamp
    // `0-9`, value `=`): text starting with any other is a string. A letter
    // starts only the bool and null words (no number or timestamp): a name
    // such as `node1` or `on-call` is compared with those alone.
    match text.as_bytes().first() {
        None => Tag::Null,
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O') => word(text),
        Some(b'~') if text.len() == 1 => Tag::Null,
        Some(b'<') if text == "<<" => Tag::Merge,
        Some(b'=') if text.len() == 1 => Tag::ValueKey,
        Some(b'-' | b'+' | b'0'..=b'9' | b'.') => number(text.as_bytes()),
        Some(_) => Tag::Str,
    }
}

/// [`resolve`] of text starting with `-+0-9.`: a float, an int, a
/// timestamp, or a string.
fn number(b: &[u8]) -> Tag {
    // Every number and timestamp has at most one dot: an address such as
    // `10.0.0.1` is text, without trying each regex (found at its second
    // dot).
    let mut dots = b.iter().filter(|&&c| c == b'.');
    if dots.next().is_some() && dots.next().is_some() {
        return Tag::Str;
    }
    number_by_the_regexes(b)
}

/// PyYAML's float, int and timestamp regexes, tried in its order; text none
/// of them match is a string.
fn number_by_the_regexes(b: &[u8]) -> Tag {
    if is_float(b) {
        Tag::Float
    } else if is_int(b) {
        Tag::Int
    } else if is_timestamp(b) {
        Tag::Timestamp
    } else {
        Tag::Str
    }
}

/// The null and bool words of PyYAML's resolver (`null`, `yes`, `Off`, …);
/// any other text is a string.
fn word(text: &str) -> Tag {
    match text {
        "null" | "Null" | "NULL" => Tag::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Tag::Bool(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Tag::Bool(false)
        }
        _ => Tag::Str,
    }
}

/// A cursor over ASCII bytes, for the resolver's regexes written out by hand.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn new(b: &'a [u8]) -> Self {
        Cursor { b, i: 0 }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn at_end(&self) -> bool {
        self.i == self.b.len()
    }
    fn eat(&mut self, c: u8) -> bool {
        self.eat_if(|x| x == c)
    }
    fn eat_if(&mut self, f: impl Fn(u8) -> bool) -> bool {
        match self.peek() {
            Some(c) if f(c) => {
                self.i += 1;
                true
            }
            _ => false,
        }
    }
    /// Eats a run of bytes matching `f`; how many.
    fn eat_while(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let start = self.i;
        while self.eat_if(&f) {}
        self.i - start
    }
    fn eat_sign(&mut self) -> bool {
        self.eat_if(|c| c == b'-' || c == b'+')
    }
}

fn digit(c: u8) -> bool {
    c.is_ascii_digit()
}
fn digit_(c: u8) -> bool {
    c.is_ascii_digit() || c == b'_'
}

/// `(?::[0-5]?[0-9])+`: at least one base 60 group.
fn base60_groups(c: &mut Cursor) -> bool {
    let mut groups = 0;
    while c.eat(b':') {
        let start = c.i;
        let n = c.eat_while(digit);
        let ok = n == 1 || (n == 2 && c.b[start] <= b'5');
        if !ok {
            return false;
        }
        groups += 1;
    }
    groups > 0
}

/// `(?:[eE][-+][0-9]+)?` then the end.
fn exponent_then_end(c: &mut Cursor) -> bool {
    if c.eat_if(|x| x == b'e' || x == b'E') && !(c.eat_sign() && c.eat_while(digit) > 0) {
        return false;
    }
    c.at_end()
}

/// `[-+]?[0-9][0-9_]*`, the start of a decimal float.
fn signed_digits(c: &mut Cursor) -> bool {
    c.eat_sign();
    if !c.eat_if(digit) {
        return false;
    }
    c.eat_while(digit_);
    true
}

/// `[0-9_]*` then what `tail` matches.
fn digits_then(c: &mut Cursor, tail: impl Fn(&mut Cursor) -> bool) -> bool {
    c.eat_while(digit_);
    tail(c)
}

/// PyYAML's float regex.
fn is_float(b: &[u8]) -> bool {
    let special = matches!(
        b,
        b".inf"
            | b".Inf"
            | b".INF"
            | b"-.inf"
            | b"-.Inf"
            | b"-.INF"
            | b"+.inf"
            | b"+.Inf"
            | b"+.INF"
            | b".nan"
            | b".NaN"
            | b".NAN"
    );
    // [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    let decimal = || {
        let mut c = Cursor::new(b);
        signed_digits(&mut c) && c.eat(b'.') && digits_then(&mut c, exponent_then_end)
    };
    // \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    let fraction = || {
        let mut c = Cursor::new(b);
        c.eat(b'.') && c.eat_if(digit) && digits_then(&mut c, exponent_then_end)
    };
    // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    let base60 = || {
        let mut c = Cursor::new(b);
        signed_digits(&mut c)
            && base60_groups(&mut c)
            && c.eat(b'.')
            && digits_then(&mut c, |c| c.at_end())
    };
    special || decimal() || fraction() || base60()
}

/// PyYAML's int regex.
fn is_int(b: &[u8]) -> bool {
    let mut c = Cursor::new(b);
    c.eat_sign();
    let rest = &b[c.i..];
    // 0b[0-1_]+ | 0x[0-9a-fA-F_]+ | 0[0-7_]+ | 0
    if let Some(bits) = rest.strip_prefix(b"0b") {
        return !bits.is_empty() && bits.iter().all(|&x| matches!(x, b'0' | b'1' | b'_'));
    }
    if let Some(hex) = rest.strip_prefix(b"0x") {
        return !hex.is_empty() && hex.iter().all(|&x| x.is_ascii_hexdigit() || x == b'_');
    }
    if let Some(oct) = rest.strip_prefix(b"0") {
        return oct.iter().all(|&x| matches!(x, b'0'..=b'7' | b'_'));
    }
    // [1-9][0-9_]* (?::[0-5]?[0-9])*
    c.eat_if(|x| matches!(x, b'1'..=b'9'))
        && digits_then(&mut c, |c| c.at_end() || (base60_groups(c) && c.at_end()))
}

/// The parts of a timestamp, as PyYAML's constructor regex names them.
struct Timestamp<'a> {
    year: &'a str,
    month: &'a str,
    day: &'a str,
    time: Option<Time<'a>>,
}

struct Time<'a> {
    hour: &'a str,
    minute: &'a str,
    second: &'a str,
    fraction: &'a str,
    /// `Some("")` for `Z`; `Some("+5:30")` for an offset.
    tz: Option<&'a str>,
}

/// PyYAML's timestamp regex; the date-only form needs two-digit month and day.
fn is_timestamp(b: &[u8]) -> bool {
    parse_timestamp(b).is_some_and(|t| t.time.is_some() || b.len() == 10)
}

/// PyYAML's constructor regex for timestamps (looser than the resolver's for dates).
fn parse_timestamp(b: &[u8]) -> Option<Timestamp<'_>> {
    let s = |from: usize, to: usize| std::str::from_utf8(&b[from..to]).expect("ASCII");
    let mut c = Cursor::new(b);
    let digits = |c: &mut Cursor, min: usize, max: usize| {
        let start = c.i;
        let n = c.eat_while(digit);
        (min..=max).contains(&n).then_some((start, c.i))
    };
    let year = digits(&mut c, 4, 4)?;
    c.eat(b'-').then_some(())?;
    let month = digits(&mut c, 1, 2)?;
    c.eat(b'-').then_some(())?;
    let day = digits(&mut c, 1, 2)?;
    let mut stamp = Timestamp {
        year: s(year.0, year.1),
        month: s(month.0, month.1),
        day: s(day.0, day.1),
        time: None,
    };
    if c.at_end() {
        return Some(stamp);
    }
    // (?:[Tt]|[ \t]+)
    let blank = |x| x == b' ' || x == b'\t';
    if !c.eat_if(|x| x == b'T' || x == b't') && c.eat_while(blank) == 0 {
        return None;
    }
    let hour = digits(&mut c, 1, 2)?;
    c.eat(b':').then_some(())?;
    let minute = digits(&mut c, 2, 2)?;
    c.eat(b':').then_some(())?;
    let second = digits(&mut c, 2, 2)?;
    let mut fraction = "";
    if c.eat(b'.') {
        let start = c.i;
        c.eat_while(digit);
        fraction = s(start, c.i);
    }
    let mut tz = None;
    if !c.at_end() {
        c.eat_while(blank);
        if c.eat(b'Z') {
            tz = Some("");
        } else {
            let start = c.i;
            c.eat_sign().then_some(())?;
            digits(&mut c, 1, 2)?;
            if c.eat(b':') {
                digits(&mut c, 2, 2)?;
            }
            tz = Some(s(start, c.i));
        }
        c.at_end().then_some(())?;
    }
    stamp.time = Some(Time {
        hour: s(hour.0, hour.1),
        minute: s(minute.0, minute.1),
        second: s(second.0, second.1),
        fraction,
        tz,
    });
    Some(stamp)
}

/// `decimal`, an int beyond 64 bits.
fn not_json_int(decimal: &str) -> NotResolved {
    NotResolved::NotJson {
        what: format!("the integer {decimal}, beyond 64 bits"),
        template: format!("\"{{{{ {decimal} }}}}\""),
    }
}

/// PyYAML's `construct_yaml_int` as a JSON value.
fn construct_int(text: &str) -> Result<Value, NotResolved> {
    if let Some(n) = plain_decimal(text) {
        return Ok(Value::Number(n.into()));
    }
    let decimal = construct_int_decimal(text)?;
    if let Ok(n) = decimal.parse::<u64>() {
        Ok(Value::Number(n.into()))
    } else if let Ok(n) = decimal.parse::<i64>() {
        Ok(Value::Number(n.into()))
    } else {
        Err(not_json_int(&decimal))
    }
}

/// The usual int (`2`, `4096`): decimal digits only, no sign, `_` or
/// leading zero, at most 19 of them (below 2^64), read at once; what
/// [`construct_int_decimal`] gives for it, without a big int and two texts.
fn plain_decimal(text: &str) -> Option<u64> {
    plain_decimal_digits(text.as_bytes()).then(|| text.parse().expect("at most 19 digits"))
}

/// Whether `b` is the usual int of [`plain_decimal`]: 1 to 19 decimal
/// digits, not starting with `0` unless it is `0`.
#[inline]
fn plain_decimal_digits(b: &[u8]) -> bool {
    (1..=19).contains(&b.len())
        && b.iter().all(u8::is_ascii_digit)
        && (b[0] != b'0' || b.len() == 1)
}

/// PyYAML's `construct_yaml_int`, as Python's `str()` of the int it builds: of any size,
/// as Python's ints are.
fn construct_int_decimal(text: &str) -> Result<String, NotResolved> {
    let value: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match value.as_bytes()[0] {
        b'-' => (true, &value[1..]),
        b'+' => (false, &value[1..]),
        _ => (false, &value[..]),
    };
    let mut n = BigUint::default();
    let in_radix = |n: &mut BigUint, digits: &str, radix: u32| {
        if digits.is_empty() {
            return Err(NotResolved::Refused(format!(
                "invalid literal for int() with base {radix}: ''"
            )));
        }
        for c in digits.chars() {
            n.mul_add(
                radix,
                c.to_digit(radix).expect("the int regex admits only digits"),
            );
        }
        Ok(())
    };
    if digits == "0" {
        // Zero, whatever its sign.
    } else if let Some(bits) = digits.strip_prefix("0b") {
        in_radix(&mut n, bits, 2)?;
    } else if let Some(hex) = digits.strip_prefix("0x") {
        in_radix(&mut n, hex, 16)?;
    } else if digits.starts_with('0') {
        in_radix(&mut n, digits, 8)?;
    } else if let Some((first, rest)) = digits.split_once(':') {
        in_radix(&mut n, first, 10)?;
        for part in rest.split(':') {
            n.mul_add(60, part.parse().expect("the int regex admits 0 to 59"));
        }
    } else {
        in_radix(&mut n, digits, 10)?;
    }
    let decimal = n.to_decimal();
    Ok(if negative && decimal != "0" {
        format!("-{decimal}")
    } else {
        decimal
    })
}

/// An unsigned int of any size, in base 10⁹ limbs, least significant first: just enough
/// for Python's ints as YAML writes them.
#[derive(Default)]
struct BigUint(Vec<u32>);

impl BigUint {
    const BASE: u64 = 1_000_000_000;

    /// `self = self * m + a`.
    fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            let x = u64::from(*limb) * u64::from(m) + carry;
            *limb = (x % Self::BASE) as u32;
            carry = x / Self::BASE;
        }
        while carry > 0 {
            self.0.push((carry % Self::BASE) as u32);
            carry /= Self::BASE;
        }
    }

    fn to_decimal(&self) -> String {
        let mut limbs = self.0.iter().rev().skip_while(|&&l| l == 0);
        let Some(first) = limbs.next() else {
            return "0".into();
        };
        let mut out = first.to_string();
        for limb in limbs {
            out.push_str(&format!("{limb:09}"));
        }
        out
    }
}

/// PyYAML's `construct_yaml_float` as a JSON value.
fn construct_float(text: &str) -> Result<Value, NotResolved> {
    let f = construct_float_f64(text);
    Number::from_f64(f).map(Value::Number).ok_or_else(|| {
        let (what, python) = if f.is_nan() {
            ("the float NaN", "nan")
        } else if f > 0.0 {
            ("the float infinity", "inf")
        } else {
            ("the float minus infinity", "-inf")
        };
        NotResolved::NotJson {
            what: what.into(),
            template: format!("\"{{{{ '{python}' | float }}}}\""),
        }
    })
}

/// PyYAML's `construct_yaml_float`, with the same f64 operations in the same order.
fn construct_float_f64(text: &str) -> f64 {
    let value: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let (sign, rest) = match value.as_bytes()[0] {
        b'-' => (-1.0, &value[1..]),
        b'+' => (1.0, &value[1..]),
        _ => (1.0, &value[..]),
    };
    let parse = |s: &str| -> f64 { s.parse().expect("the float regex admits only valid floats") };
    if rest == ".inf" {
        sign * f64::INFINITY
    } else if rest == ".nan" {
        f64::NAN
    } else if rest.contains(':') {
        let mut total = 0.0;
        let mut base = 1.0;
        for part in rest.rsplit(':') {
            total += parse(part) * base;
            base *= 60.0;
        }
        sign * total
    } else {
        sign * parse(rest)
    }
}

/// The shortest digits that read back as `f` (finite, not negative) and the decimal exponent
/// of the first, as Python's `repr` picks them: Rust's `{:e}` does the same, but for an exact
/// tie between two candidates, which Python (David Gay's dtoa) breaks to the even digit and
/// Rust rounds up: 1867488084645087.25 is `...087.2` in Python, `...087.3` in Rust.
fn shortest_digits(f: f64) -> (String, i32) {
    let split = |sci: &str| -> (String, i32) {
        let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
        let digits = mantissa.chars().filter(|&c| c != '.').collect();
        (digits, exp.parse().expect("{:e} has an integer exponent"))
    };
    let (digits, exp) = split(&format!("{f:e}"));
    // Every f64 is exactly a decimal of at most 767 significant digits.
    let (exact, exact_exp) = split(&format!("{f:.800e}"));
    if exact_exp == exp && exact.len() > digits.len() {
        let (head, tail) = exact.split_at(digits.len());
        let tie = tail.starts_with('5') && tail[1..].bytes().all(|b| b == b'0');
        let even = head.ends_with(['0', '2', '4', '6', '8']);
        if tie && even && head != digits {
            let back: f64 = format!("{}.{}e{exp}", &head[..1], &head[1..])
                .parse()
                .expect("digits and an exponent");
            if back == f {
                return (head.to_owned(), exp);
            }
        }
    }
    (digits, exp)
}

/// Python's `json.dumps` of a float used as a mapping key: its `repr()`, or `Infinity`,
/// `-Infinity`, `NaN`.
fn python_float_key(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let (digits, exp) = shortest_digits(f.abs());
    // Where the decimal point goes in `digits`; Python writes an exponent when it is
    // far off (float_repr_style 'short', mode 'r').
    let point = exp + 1;
    let body = if point <= -4 || point > 16 {
        let rest = &digits[1..];
        let dot = if rest.is_empty() { "" } else { "." };
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}{dot}{rest}e{sign}{:02}", &digits[..1], exp.abs())
    } else if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    };
    if f.is_sign_negative() {
        format!("-{body}")
    } else {
        body
    }
}

/// PyYAML's `construct_yaml_timestamp` (a Python `date` or `datetime`), then its
/// `isoformat()`, which is what ansible-inventory prints.
fn construct_timestamp(text: &str) -> Result<String, NotResolved> {
    let t = parse_timestamp(text.as_bytes()).expect("the resolver matched a timestamp");
    let num = |s: &str| -> u32 { s.parse().expect("1 to 6 ASCII digits") };
    let (year, month, day) = (num(t.year), num(t.month), num(t.day));
    let refused = |reason: &str| Err(NotResolved::Refused(reason.into()));
    let check_date = || {
        if year == 0 {
            return refused("year 0 is out of range");
        }
        if !(1..=12).contains(&month) {
            return refused("month must be in 1..12");
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if !(1..=days).contains(&day) {
            return refused("day is out of range for month");
        }
        Ok(format!("{year:04}-{month:02}-{day:02}"))
    };
    let Some(time) = t.time else {
        return check_date();
    };
    let (hour, minute, second) = (num(time.hour), num(time.minute), num(time.second));
    // Python builds the time zone before the datetime, so its error comes first.
    let offset = match time.tz {
        None => None,
        Some("") => Some(0),
        Some(tz) => {
            let negative = tz.starts_with('-');
            let (h, m) = tz[1..].split_once(':').unwrap_or((&tz[1..], "0"));
            let minutes = (num(h) * 60 + num(m)) as i32;
            if minutes >= 24 * 60 {
                return refused(&format!(
                    "offset must be a timedelta strictly between -timedelta(hours=24) and \
                     timedelta(hours=24), not {}.",
                    python_timedelta_repr(if negative { -minutes } else { minutes })
                ));
            }
            Some(if negative { -minutes } else { minutes })
        }
    };
    let date = check_date()?;
    if hour > 23 {
        return refused("hour must be in 0..23");
    }
    if minute > 59 {
        return refused("minute must be in 0..59");
    }
    if second > 59 {
        return refused("second must be in 0..59");
    }
    let mut out = format!("{date}T{hour:02}:{minute:02}:{second:02}");
    let micro = &time.fraction[..time.fraction.len().min(6)];
    if micro.bytes().any(|c| c != b'0') {
        out.push_str(&format!(".{micro:0<6}"));
    }
    if let Some(offset) = offset {
        let sign = if offset < 0 { '-' } else { '+' };
        let abs = offset.unsigned_abs();
        out.push_str(&format!("{sign}{:02}:{:02}", abs / 60, abs % 60));
    }
    Ok(out)
}

/// Python's `repr(datetime.timedelta(minutes=m))` for |m| ≥ 24 h, as its error message shows it.
fn python_timedelta_repr(minutes: i32) -> String {
    let secs = i64::from(minutes) * 60;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    if rest == 0 {
        format!("datetime.timedelta(days={days})")
    } else {
        format!("datetime.timedelta(days={days}, seconds={rest})")
    }
}

#[cfg(test)]
mod tests {
    /// The usual int taken at once is what PyYAML's regexes make of it: an
    /// int, matched by no other; a leading zero, a sign or `_` goes the
    /// general way.
    #[test]
    fn plain_decimals_resolve_as_the_regexes_do() {
        let mut texts: Vec<String> = (0..2000).map(|n: u64| n.to_string()).collect();
        texts.extend(
            [
                "9999999999999999999",
                "18446744073709551615",
                "00",
                "012",
                "08",
            ]
            .map(String::from),
        );
        texts.extend(["-1", "+1", "1_000", "1:30", "1.0", "2001-12-14", ""].map(String::from));
        for text in &texts {
            let b = text.as_bytes();
            if plain_decimal_digits(b) {
                assert!(is_int(b) && !is_float(b) && !is_timestamp(b), "{text}");
                assert_eq!(resolve(text), Tag::Int, "{text}");
                assert_eq!(
                    resolve_plain(text),
                    Ok(Value::Number(text.parse::<u64>().unwrap().into()))
                );
            } else {
                let digits = b.iter().all(u8::is_ascii_digit);
                assert!(b.is_empty() || text.len() > 19 || !digits || b[0] == b'0');
            }
        }
    }

    use super::*;
    use serde_json::json;

    /// The usual decimal ints, read at once, as the general way reads them;
    /// others go that way.
    #[test]
    fn plain_decimals_as_the_general_way_reads_them() {
        for text in [
            "0",
            "7",
            "10",
            "4096",
            "9999999999999999999",
            "1234567890123456789",
        ] {
            let n = plain_decimal(text).expect(text);
            assert_eq!(
                n.to_string(),
                construct_int_decimal(text).unwrap(),
                "{text}"
            );
        }
        for text in [
            "",
            "00",
            "010",
            "-1",
            "+1",
            "1_0",
            "0x1F",
            "1:30",
            "18446744073709551616",
        ] {
            assert_eq!(plain_decimal(text), None, "{text}");
        }
    }

    fn ok(text: &str) -> Value {
        resolve_plain(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn kinds() {
        assert_eq!(ok("no"), json!(false));
        assert_eq!(ok("y"), json!("y"));
        assert_eq!(ok("010"), json!(8));
        assert_eq!(ok("0o17"), json!("0o17"));
        assert_eq!(ok("1:30"), json!(90));
        assert_eq!(ok("1e3"), json!("1e3"));
        assert_eq!(ok("1.0"), json!(1.0));
        assert_eq!(ok("-0.0").to_string(), "-0.0");
        assert_eq!(ok("18446744073709551615"), json!(u64::MAX));
        assert_eq!(ok("-9223372036854775808"), json!(i64::MIN));
        assert_eq!(ok("2001-12-14"), json!("2001-12-14"));
        assert_eq!(ok("2001-1-1"), json!("2001-1-1"));
        assert_eq!(
            ok("2001-12-14 23:00:00 -23:59"),
            json!("2001-12-14T23:00:00-23:59")
        );
        assert_eq!(
            ok("2001-12-14 23:00:00 +5:99"),
            json!("2001-12-14T23:00:00+06:39")
        );
        assert_eq!(
            ok("2001-12-14 23:00:00.1234567"),
            json!("2001-12-14T23:00:00.123456")
        );
    }

    #[test]
    fn keys_as_python_writes_them() {
        let key = |text: &str| resolve_plain_key(text).unwrap();
        assert_eq!(key("yes"), "true");
        assert_eq!(key("~"), "null");
        assert_eq!(key("0x_1_F"), "31");
        assert_eq!(key("-0"), "0");
        assert_eq!(
            key("0x1_0000_0000_0000_0000_0000_0000_0000_0000"),
            "340282366920938463463374607431768211456"
        );
        assert_eq!(key("99999999999999999999:59"), "5999999999999999999999");
        for (float, repr) in [
            (1867488084645087.0 + 0.25, "1867488084645087.2"),
            (1867488084645087.0 + 0.75, "1867488084645087.8"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e15, "1000000000000000.0"),
            (3e-5, "3e-05"),
            (0.0001, "0.0001"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (123.0, "123.0"),
            (0.1, "0.1"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ] {
            assert_eq!(python_float_key(float), repr, "{float:e}");
        }
    }

    /// PyYAML's resolver as its rules read, without a shortcut: every word,
    /// then every regex, for any text.
    fn resolve_by_the_rules(text: &str) -> Tag {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Tag::Null,
            "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
                return Tag::Bool(true);
            }
            "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
                return Tag::Bool(false);
            }
            "<<" => return Tag::Merge,
            "=" => return Tag::ValueKey,
            _ => {}
        }
        number_by_the_regexes(text.as_bytes())
    }

    /// `classify` against `resolve_plain`, and `resolve` against the rules.
    fn check_classify(text: &str) {
        assert_eq!(resolve(text), resolve_by_the_rules(text), "{text:?}");
        let full = resolve_plain(text);
        assert_eq!(is_readable(text), full.is_ok(), "{text:?}");
        assert_eq!(is_str(text), classify(text) == Plain::Str, "{text:?}");
        match classify(text) {
            Plain::Str => assert_eq!(full, Ok(Value::String(text.into())), "{text:?}"),
            Plain::Verbatim => {
                let value = full.unwrap_or_else(|e| panic!("{text:?}: {e}"));
                assert_eq!(value.to_string(), text, "{text:?}");
            }
            Plain::Typed(typed) => {
                assert_eq!(typed.construct(text), full, "{text:?}");
            }
        }
    }

    /// Every spelling of the module doc's table, and near misses, classified
    /// as the full rules read them.
    #[test]
    fn classify_agrees_with_the_rules() {
        let words = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "nULL",
            "nul",
            "yes",
            "Yes",
            "YES",
            "yEs",
            "y",
            "n",
            "no",
            "No",
            "NO",
            "on",
            "On",
            "ON",
            "oN",
            "off",
            "Off",
            "OFF",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "False",
            "FALSE",
            "<<",
            "<",
            "=",
            "==",
            "~~",
            "z1",
            "r7",
            "z123",
            "node1",
            "on-call",
            "yes1",
            "t1",
            "f5",
            "0",
            "00",
            "7",
            "-0",
            "+0",
            "-7",
            "+7",
            "12345",
            "1_000",
            "010",
            "08",
            "0o17",
            "0x1F",
            "0X1F",
            "0x_",
            "0b101",
            "0b",
            "0B1",
            "1:30",
            "1:30:00",
            "0:30",
            "1:60",
            "-1:30",
            "1.0",
            "1.",
            ".5",
            "-.5",
            "1e3",
            "1.0e3",
            "1.0e+3",
            "1.0E-3",
            "1:30.5",
            ".inf",
            "-.Inf",
            "+.INF",
            ".nan",
            ".NaN",
            "-.nan",
            "inf",
            "2.0e+308",
            "2001-12-14",
            "2001-1-1",
            "2001-02-30",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14 24:00:00",
            "10.0.0.1",
            "1.2.3",
            "18446744073709551615",
            "18446744073709551616",
            "9223372036854775807",
            "-9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999",
            "1234567890123456789",
            "٣",
            "1٣",
            "{{ x }}",
            "a b",
            " 1",
            "1 ",
        ];
        for text in words {
            check_classify(text);
        }
        for n in 0..3000u64 {
            check_classify(&n.to_string());
            check_classify(&format!("z{n}"));
            check_classify(&format!("0{n}"));
            check_classify(&format!("-{n}"));
            check_classify(&format!("{n}.{n}"));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// Any text is classified as the full rules read it.
        #[test]
        fn classify_agrees_on_any_text(text in "[-+0-9_:.eExXbBoOnNuUlLyYsStTrRfFaAiI~<= \t٣zZ]{0,12}") {
            check_classify(&text);
        }

        /// Texts near the usual spellings (a word or number, an edit or two).
        #[test]
        fn classify_agrees_near_spellings(
            base in proptest::sample::select(vec![
                "null", "true", "False", "yes", "off", "12345", "0x1F", "010", "1:30", "1.5e+3",
                ".inf", "2001-12-14 21:59:43", "1_000", "z1", "-.5", "0b11",
            ]),
            at in 0usize..20,
            insert in "[-+0-9_:.eExXbBoO tTzZ~a-z]{0,2}",
            cut in 0usize..3,
        ) {
            let mut text = base.to_string();
            let at = at.min(text.len());
            text.insert_str(at, &insert);
            let end = (at + insert.len() + cut).min(text.len());
            text.replace_range(at + insert.len()..end, "");
            check_classify(&text);
        }
    }

    proptest::proptest! {
        /// Any text gets an answer, never a panic; a value and a key agree on what is refused.
        #[test]
        fn every_text_gets_an_answer(text in "[-+0-9_:.eExXbBoO tTzZ~a-z\\t٣]{0,24}") {
            let value = resolve_plain(&text);
            let key = resolve_plain_key(&text);
            if let Err(NotResolved::Refused(reason)) = &value {
                proptest::prop_assert!(matches!(&key, Err(NotResolved::Refused(r)) if r == reason));
            }
            if let Ok(Value::Number(n)) = &value {
                proptest::prop_assert_eq!(serde_json::to_string(n).unwrap().parse::<f64>().ok(),
                    key.as_ref().ok().and_then(|k| k.parse::<f64>().ok()));
            }
        }
    }

    #[test]
    fn not_json_and_refused() {
        assert!(matches!(
            resolve_plain(".inf"),
            Err(NotResolved::NotJson { .. })
        ));
        assert!(matches!(
            resolve_plain("-9223372036854775809"),
            Err(NotResolved::NotJson { .. })
        ));
        assert!(matches!(
            resolve_plain("99999999999999999999999999999999999999999:00"),
            Err(NotResolved::NotJson { .. })
        ));
        assert_eq!(
            resolve_plain("2001-12-14 23:00:00 +23:99"),
            Err(NotResolved::Refused(
                "offset must be a timedelta strictly between -timedelta(hours=24) and \
                 timedelta(hours=24), not datetime.timedelta(days=1, seconds=2340)."
                    .into()
            ))
        );
        assert_eq!(
            resolve_plain("2001-12-14 23:00:00 -24"),
            Err(NotResolved::Refused(
                "offset must be a timedelta strictly between -timedelta(hours=24) and \
                 timedelta(hours=24), not datetime.timedelta(days=-1)."
                    .into()
            ))
        );
    }
}
