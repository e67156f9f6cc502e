//! Ansible's host range syntax: `web[01:20].example.com`, `10.1.1.[1:50:2]`, `db-[a:f]`.
//!
//! Follows `ansible.inventory.helpers.expand_hostname_range`: numeric bounds keep the
//! zero padding of the start (both bounds must then have the same width), letters
//! are single ASCII letters, the optional third part is a step, several ranges in one
//! name expand left to right.

/// Whether `entry` contains a range that [`expand`] would expand.
pub fn has_range(entry: &str) -> bool {
    matches!(find_range(entry), Ok(Some(_)))
}

/// Expands every range in `entry`, in order. A name without a range expands to itself.
pub fn expand(entry: &str) -> Result<Vec<String>, String> {
    Ok(names(entry)?.collect())
}

/// The names `entry` stands for, in order, made one at a time: `h[0:9999999]`
/// is ten million names, which a list of them all, as well as of the ten
/// million numbers, would hold twice over while the hosts are read.
///
/// Works left to right without recursion, so a name with thousands of ranges
/// cannot overflow the stack, and bounds the product of all its ranges (not only
/// each range), so `h[0:999][0:999][0:999]` is refused before any name is made.
pub fn names(entry: &str) -> Result<Names, String> {
    if bar_and_bracket(entry) {
        return Err(
            "contains `|` next to a range, which Ansible cannot read; remove the `|`".into(),
        );
    }
    let mut parts = Vec::new();
    let mut count: u64 = 1;
    let mut rest = entry;
    while let Some((open, close)) = find_range(rest)? {
        let bounds = bounds(&rest[open + 1..close])?;
        count = count.saturating_mul(bounds.len());
        if count > MAX_EXPANSION {
            return Err(too_many());
        }
        parts.push(Part::Text(rest[..open].to_string()));
        parts.push(Part::Range(bounds));
        rest = &rest[close + 1..];
    }
    parts.push(Part::Text(rest.to_string()));
    Ok(Names {
        at: vec![0; parts.len()],
        starts: vec![0; parts.len()],
        parts,
        name: String::new(),
        left: count,
        started: false,
    })
}

/// The names of one entry with ranges, as [`names`] makes them: an odometer
/// over its ranges, the last one turning fastest. Each name is the one before
/// with only the parts from the range that turned on made again.
#[derive(Debug)]
pub struct Names {
    parts: Vec<Part>,
    /// Which value of each part the current name has (0 for text).
    at: Vec<u64>,
    /// Where each part starts in `name`.
    starts: Vec<usize>,
    /// The current name.
    name: String,
    /// Names not yet given.
    left: u64,
    started: bool,
}

/// A stretch of a name: text as written, or a range's values.
#[derive(Debug)]
enum Part {
    Text(String),
    Range(Bounds),
}

impl Part {
    fn len(&self) -> u64 {
        match self {
            Part::Text(_) => 1,
            Part::Range(bounds) => bounds.len(),
        }
    }
}

impl Names {
    /// Writes the parts from `from` on at their current values.
    fn write_from(&mut self, from: usize) {
        self.name.truncate(self.starts[from]);
        for (i, part) in self.parts.iter().enumerate().skip(from) {
            self.starts[i] = self.name.len();
            match part {
                Part::Text(text) => self.name.push_str(text),
                Part::Range(bounds) => bounds.write(self.at[i], &mut self.name),
            }
        }
    }
}

impl Iterator for Names {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        if !std::mem::replace(&mut self.started, true) {
            self.write_from(0);
            return Some(self.name.clone());
        }
        // The last part that has a value left turns; every part after it
        // starts again. There is one, as a name is left.
        let turned = (0..self.parts.len())
            .rev()
            .find(|&i| self.at[i] + 1 < self.parts[i].len())
            .expect("a name is left");
        self.at[turned] += 1;
        self.at[turned + 1..].fill(0);
        self.write_from(turned);
        Some(self.name.clone())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.left).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Names {}

fn too_many() -> String {
    format!("expands to more than {MAX_EXPANSION} hosts; split it or check the bounds")
}

/// Whether `entry` has both `[` and `|`: Ansible expands a range by splitting
/// the name at `|` after putting `|` for the brackets, and fails.
fn bar_and_bracket(entry: &str) -> bool {
    entry.contains('[') && entry.contains('|')
}

/// The first `[...]` of `rest`, which must be a range: Ansible's YAML and INI
/// inventories read every `[` in a host name as the start of one (its
/// `detect_range` is `'[' in line`), and `--limit` reads `[` as a subscript,
/// so a name with a stray `[` (`w[1:]`, `w[1:3`, `[::1]`) is refused, not
/// taken as a literal name. A `]` with no `[` after it (`w1]`) is a plain
/// character, as in Ansible.
fn find_range(rest: &str) -> Result<Option<(usize, usize)>, String> {
    let Some(open) = rest.find('[') else {
        return Ok(None);
    };
    const WHAT: &str = "Ansible reads `[` in a host name as the start of a range: write a range (`web[1:3]`, `db-[a:f]`) or leave the brackets out";
    let Some(close) = rest.find(']') else {
        return Err(format!("opens `[` without a closing `]`; {WHAT}"));
    };
    if close < open {
        return Err(format!("has `]` before `[`; {WHAT}"));
    }
    let inner = &rest[open + 1..close];
    let whole_name = open == 0 && (rest.len() == close + 1 || rest[close + 1..].starts_with(':'));
    if whole_name && inner.parse::<std::net::Ipv6Addr>().is_ok() {
        return Err(format!(
            "is an IPv6 address in brackets, which Ansible reads as a range; write the address without brackets (`{inner}`), and a port as the host var `ansible_port`"
        ));
    }
    let parts = inner.split(':').count();
    if parts != 2 && parts != 3 {
        return Err(format!(
            "has `[{inner}]`, not `[begin:end]` or `[begin:end:step]`; {WHAT}"
        ));
    }
    Ok(Some((open, close)))
}

/// Upper bound on what one entry may expand to, so a typo cannot exhaust memory.
/// Lower under the fuzzer (`cargo fuzz` sets `--cfg fuzzing`), so that inputs of
/// a few bytes do not spend its memory and time limits on fleets of millions of
/// hosts; tests/bad_strategies checks the real bound.
pub const MAX_EXPANSION: u64 = if cfg!(fuzzing) { 10_000 } else { 10_000_000 };

/// One checked `[begin:end]` or `[begin:end:step]`.
#[derive(Debug)]
enum Bounds {
    Numbers {
        first: u64,
        last: u64,
        step: u64,
        /// Zero padding, from the start bound.
        width: usize,
    },
    Letters {
        first: u8,
        last: u8,
        step: u64,
    },
}

impl Bounds {
    fn len(&self) -> u64 {
        match *self {
            Bounds::Numbers {
                first, last, step, ..
            } => (last - first) / step + 1,
            Bounds::Letters { first, last, step } => u64::from(last - first) / step + 1,
        }
    }

    /// Writes value `k` (from 0) to `name`.
    fn write(&self, k: u64, name: &mut String) {
        use std::fmt::Write;
        match *self {
            Bounds::Numbers {
                first, step, width, ..
            } => {
                let _ = write!(name, "{:0width$}", first + k * step);
            }
            Bounds::Letters { first, step, .. } => {
                // Below `last`, a letter: k * step fits in a byte.
                name.push(char::from(first + (k * step) as u8));
            }
        }
    }
}

/// How many names `entry` stands for (saturating), without building them. A
/// bad range counts as none: [`expand`] reports it.
pub fn count(entry: &str) -> u64 {
    if bar_and_bracket(entry) {
        return 0;
    }
    let mut count: u64 = 1;
    let mut rest = entry;
    while let Some((open, close)) = find_range(rest).unwrap_or(Some((0, 0))) {
        if close == 0 {
            return 0;
        }
        count = count.saturating_mul(bounds(&rest[open + 1..close]).map_or(0, |b| b.len()));
        rest = &rest[close + 1..];
    }
    count
}

fn bounds(inner: &str) -> Result<Bounds, String> {
    let parts: Vec<&str> = inner.split(':').collect();
    let begin = if parts[0].is_empty() { "0" } else { parts[0] };
    let end = parts[1];
    if end.is_empty() {
        return Err(format!(
            "has no end in `[{inner}]`; write both bounds (`[1:9]`, `[a:f]`)"
        ));
    }
    let step: u64 = match parts.get(2) {
        None => 1,
        Some(&"") => {
            return Err(format!(
                "has an empty step in `[{inner}]`; leave out the last `:` or write a whole number >= 1"
            ));
        }
        Some(step) => match step.parse() {
            Ok(0) | Err(_) => return Err(format!("has step `{step}`; use a whole number >= 1")),
            Ok(step) => step,
        },
    };
    if let (Ok(first), Ok(last)) = (begin.parse::<u64>(), end.parse::<u64>()) {
        let width = if begin.len() > 1 && begin.starts_with('0') {
            if begin.len() != end.len() {
                return Err(format!(
                    "pads `{begin}` with zeros but `{end}` has another width; write both bounds with the same number of digits"
                ));
            }
            begin.len()
        } else {
            0
        };
        if first > last {
            return Err(format!(
                "starts at {begin} after its end {end}; swap the bounds"
            ));
        }
        if (last - first) / step >= MAX_EXPANSION {
            return Err(too_many());
        }
        return Ok(Bounds::Numbers {
            first,
            last,
            step,
            width,
        });
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if digits(begin) && digits(end) {
        // Numbers past u64: far more hosts than any fleet.
        return Err(too_many());
    }
    let single_letter = |s: &str| s.len() == 1 && s.as_bytes()[0].is_ascii_alphabetic();
    if single_letter(begin) && single_letter(end) {
        let (first, last) = (begin.as_bytes()[0], end.as_bytes()[0]);
        if first > last || first.is_ascii_lowercase() != last.is_ascii_lowercase() {
            return Err(format!(
                "runs from `{begin}` to `{end}`; letters must be in order and of the same case"
            ));
        }
        return Ok(Bounds::Letters { first, last, step });
    }
    Err(format!(
        "has bounds `{begin}:{end}`; use two numbers (`[1:20]`, `[01:20]`) or two single letters (`[a:f]`)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_range_keeps_padding() {
        assert_eq!(
            expand("web[08:11].example.com").unwrap(),
            [
                "web08.example.com",
                "web09.example.com",
                "web10.example.com",
                "web11.example.com"
            ]
        );
    }

    #[test]
    fn step_and_letters() {
        assert_eq!(
            expand("10.1.1.[1:7:3]").unwrap(),
            ["10.1.1.1", "10.1.1.4", "10.1.1.7"]
        );
        assert_eq!(expand("db-[a:c]").unwrap(), ["db-a", "db-b", "db-c"]);
    }

    #[test]
    fn several_ranges_expand_left_to_right() {
        assert_eq!(
            expand("r[1:2]h[a:b]").unwrap(),
            ["r1ha", "r1hb", "r2ha", "r2hb"]
        );
    }

    #[test]
    fn an_empty_begin_is_zero_as_in_ansible() {
        assert_eq!(expand("w[:2]").unwrap(), ["w0", "w1", "w2"]);
        assert_eq!(expand("w[:4:2]x").unwrap(), ["w0x", "w2x", "w4x"]);
        assert_eq!(count("w[:2]"), 3);
    }

    #[test]
    fn plain_names_and_ipv6_are_not_ranges() {
        assert!(!has_range("web1"));
        assert!(!has_range("[::1]"));
        assert_eq!(expand("web1").unwrap(), ["web1"]);
        assert_eq!(expand("fe80::1").unwrap(), ["fe80::1"]);
        assert_eq!(expand("fe80::[1:2]").unwrap(), ["fe80::1", "fe80::2"]);
        // A `]` with no `[` after it is a plain character, as in Ansible.
        assert_eq!(expand("w1]").unwrap(), ["w1]"]);
        assert_eq!(expand("w[1:2]x]").unwrap(), ["w1x]", "w2x]"]);
    }

    /// Ansible's YAML and INI inventories refuse a `[` that starts no range
    /// (tests/bad_strategies/rule-range-stray-bracket.yml runs them through
    /// the binary; tests/ansible.rs checks that Ansible refuses them too).
    #[test]
    fn a_bracket_that_is_no_range_is_refused() {
        for (entry, why) in [
            ("w[1:]", "has no end in `[1:]`"),
            ("w[a:]", "has no end in `[a:]`"),
            ("w[:]", "has no end"),
            ("w[1:3", "without a closing `]`"),
            ("w[1:2]b[c", "without a closing `]`"),
            ("w[x]", "has `[x]`, not `[begin:end]`"),
            ("w[]", "has `[]`, not `[begin:end]`"),
            ("w[1:2:3:4]", "has `[1:2:3:4]`"),
            ("w[1:2]x[y]", "has `[y]`"),
            ("w[1:2]x]y[1:2]", "has `]` before `[`"),
            ("a]1:2[x", "has `]` before `[`"),
            ("w|x[1:2]", "contains `|`"),
            ("w[1:3:]", "has an empty step"),
            ("[::1]", "write the address without brackets (`::1`)"),
            ("[fe80::1]:22", "without brackets (`fe80::1`)"),
            ("[::1]w[1:2]", "has no end in `[::1]`"),
            ("w[1::3]", "has no end"),
        ] {
            let error = expand(entry).unwrap_err();
            assert!(error.contains(why), "{entry}: {error}");
            assert_eq!(count(entry), 0, "{entry}");
        }
    }

    #[test]
    fn bad_ranges_are_rejected() {
        assert!(expand("w[5:1]").is_err());
        assert!(expand("w[01:100]").is_err());
        assert!(expand("w[1:5:0]").is_err());
        assert!(expand("w[a:5]").is_err());
        assert!(expand("w[0:99999999999]").is_err());
    }

    #[test]
    fn count_is_the_number_of_names() {
        for entry in [
            "web1",
            "w[1:20]",
            "w[01:20:3]x[a:c]",
            "fe80::1",
            "h[0:99][0:99]",
        ] {
            assert_eq!(count(entry), expand(entry).unwrap().len() as u64, "{entry}");
        }
        assert_eq!(count("h[0:9999999][0:9999999]"), 100_000_000_000_000);
        assert_eq!(count("w[5:1]"), 0);
    }

    #[test]
    fn bounds_past_u64_are_too_many_hosts() {
        let error = expand("h[0:99999999999999999999999]").unwrap_err();
        assert!(error.contains("expands to more than"), "{error}");
    }

    #[test]
    fn the_product_of_several_ranges_is_bounded() {
        let error = expand("h[0:999][0:999][0:999]").unwrap_err();
        assert!(error.contains("expands to more than"), "{error}");
        assert_eq!(expand("h[0:99][0:99]").unwrap().len(), 10_000);
    }

    #[test]
    fn thousands_of_ranges_do_not_recurse() {
        let entry = "h[1:1]".repeat(100_000);
        assert_eq!(expand(&entry).unwrap(), ["h1".repeat(100_000)]);
    }

    /// The odometer gives every combination once, the last range turning
    /// fastest, with each range's padding, and counts down what is left.
    #[test]
    fn names_are_made_in_order_one_at_a_time() {
        let mut expected = Vec::new();
        for a in 8..=12 {
            for b in ['x', 'z'] {
                for c in [0, 5, 10] {
                    expected.push(format!("r{a:02}-{b}.{c}:end"));
                }
            }
        }
        let mut made = names("r[08:12]-[x:z:2].[0:10:5]:end").unwrap();
        assert_eq!(made.len(), 30);
        assert_eq!(made.next().unwrap(), "r08-x.0:end");
        assert_eq!(made.len(), 29);
        let rest: Vec<String> = made.collect();
        assert_eq!(rest, expected[1..]);
        assert_eq!(names("web1").unwrap().collect::<Vec<_>>(), ["web1"]);
    }
}
