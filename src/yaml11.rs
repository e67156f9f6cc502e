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
//!   [`NotResolved::NotJson`], never a silent `null` or a rounded float.
//! - Spellings that PyYAML resolves to a type and then fails to build (`2001-02-30`, `0x_`,
//!   `2001-12-14 24:00:00`, `<<`, `=`) make ansible-core refuse the whole inventory; they are
//!   [`NotResolved::Refused`] with PyYAML's reason.

use serde_json::{Number, Value};
use std::fmt;

/// Why a plain scalar has no JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotResolved {
    /// ansible-core refuses the file: the spelling resolves to a YAML type whose value cannot be
    /// built. Holds PyYAML's reason, e.g. `day is out of range for month`.
    Refused(String),
    /// ansible-core reads a value that JSON cannot carry. Holds what it is, e.g.
    /// `the float infinity`.
    NotJson(String),
}

impl fmt::Display for NotResolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotResolved::Refused(reason) => write!(
                f,
                "ansible-core cannot read this unquoted value ({reason}); quote it to make it a string"
            ),
            NotResolved::NotJson(what) => write!(
                f,
                "ansible-core reads this unquoted value as {what}, which an inventory's JSON cannot \
                 carry; quote it to make it a string, or compute it in a template (e.g. \"{{{{ '.inf' | float }}}}\")"
            ),
        }
    }
}

impl std::error::Error for NotResolved {}

/// The JSON value ansible-core gives the plain scalar `text` (see the module doc).
pub fn resolve_plain(text: &str) -> Result<Value, NotResolved> {
    match resolve(text) {
        Tag::Null => Ok(Value::Null),
        Tag::Bool(b) => Ok(Value::Bool(b)),
        Tag::Int => construct_int(text),
        Tag::Float => construct_float(text),
        Tag::Timestamp => construct_timestamp(text).map(Value::String),
        Tag::Merge => Err(NotResolved::Refused(
            "`<<` is YAML's merge key, not a value".into(),
        )),
        Tag::ValueKey => Err(NotResolved::Refused(
            "`=` is YAML 1.1's value key, not a value".into(),
        )),
        Tag::Str => Ok(Value::String(text.to_owned())),
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
    let b = text.as_bytes();
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
    let mut c = Cursor::new(b);
    let decimal = signed_digits(&mut c) && c.eat(b'.') && digits_then(&mut c, exponent_then_end);
    // \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    let mut c = Cursor::new(b);
    let fraction = c.eat(b'.') && c.eat_if(digit) && digits_then(&mut c, exponent_then_end);
    // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    let mut c = Cursor::new(b);
    let base60 = signed_digits(&mut c)
        && base60_groups(&mut c)
        && c.eat(b'.')
        && digits_then(&mut c, |c| c.at_end());
    special || decimal || fraction || base60
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

fn not_json_int() -> NotResolved {
    NotResolved::NotJson("an integer beyond 64 bits".into())
}

/// PyYAML's `construct_yaml_int`, in i128 (wider than any JSON integer it may return).
fn construct_int(text: &str) -> Result<Value, NotResolved> {
    let value: String = text.chars().filter(|&c| c != '_').collect();
    let (sign, digits) = match value.as_bytes()[0] {
        b'-' => (-1, &value[1..]),
        b'+' => (1, &value[1..]),
        _ => (1, &value[..]),
    };
    let radix = |digits: &str, radix: u32| {
        if digits.is_empty() {
            return Err(NotResolved::Refused(format!(
                "invalid literal for int() with base {radix}: ''"
            )));
        }
        i128::from_str_radix(digits, radix).map_err(|_| not_json_int())
    };
    let magnitude: i128 = if digits == "0" {
        0
    } else if let Some(bits) = digits.strip_prefix("0b") {
        radix(bits, 2)?
    } else if let Some(hex) = digits.strip_prefix("0x") {
        radix(hex, 16)?
    } else if digits.starts_with('0') {
        radix(digits, 8)?
    } else if digits.contains(':') {
        let mut total: i128 = 0;
        for part in digits.split(':') {
            let part: i128 = part.parse().map_err(|_| not_json_int())?;
            total = total
                .checked_mul(60)
                .and_then(|t| t.checked_add(part))
                .ok_or_else(not_json_int)?;
        }
        total
    } else {
        radix(digits, 10)?
    };
    let n = sign * magnitude;
    if let Ok(n) = u64::try_from(n) {
        Ok(Value::Number(n.into()))
    } else if let Ok(n) = i64::try_from(n) {
        Ok(Value::Number(n.into()))
    } else {
        Err(not_json_int())
    }
}

/// PyYAML's `construct_yaml_float`, with the same f64 operations in the same order.
fn construct_float(text: &str) -> Result<Value, NotResolved> {
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
    let f: f64 = if rest == ".inf" {
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
    };
    Number::from_f64(f).map(Value::Number).ok_or_else(|| {
        NotResolved::NotJson(
            if f.is_nan() {
                "the float NaN"
            } else if f > 0.0 {
                "the float infinity"
            } else {
                "the float minus infinity"
            }
            .into(),
        )
    })
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
    use super::*;
    use serde_json::json;

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
    fn not_json_and_refused() {
        assert!(matches!(
            resolve_plain(".inf"),
            Err(NotResolved::NotJson(_))
        ));
        assert!(matches!(
            resolve_plain("-9223372036854775809"),
            Err(NotResolved::NotJson(_))
        ));
        assert!(matches!(
            resolve_plain("99999999999999999999999999999999999999999:00"),
            Err(NotResolved::NotJson(_))
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
