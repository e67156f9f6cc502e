//! Finds where a node of the strategy file is, for messages about problems found
//! after parsing (a host listed twice, a priority naming no version, ...).
//!
//! serde_yaml keeps no positions in the values it returns, but it does attach the
//! position of the node being read to any error raised while reading it. So to
//! locate a node we read the document again along the node's path and raise an
//! error exactly there. This only runs when there is something to report.

use crate::error::Location;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// One step of a path from the document root to a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// The value under this key of a mapping.
    Key(String),
    /// This key of a mapping itself (for "unknown key"/"duplicate" messages).
    KeyItself(String),
    /// The n-th item of a sequence.
    Index(usize),
}

const FOUND: &str = "\u{0}regal-locate-found";

/// The position of the node at `path` in `source`, if there is one.
pub fn locate(source: &str, path: &[Seg]) -> Option<Location> {
    let deserializer = serde_yaml::Deserializer::from_str(source);
    match (Locator { path }).deserialize(deserializer) {
        Err(error) if error.to_string().contains(FOUND) => error.location().map(|l| Location {
            line: l.line(),
            column: l.column(),
        }),
        _ => None,
    }
}

/// The raw text of the plain scalar that starts at `location` (a host name YAML read as a number).
pub fn plain_scalar_at(source: &str, location: Location) -> Option<&str> {
    let line = source.lines().nth(location.line.checked_sub(1)?)?;
    let start = line
        .char_indices()
        .nth(location.column.checked_sub(1)?)
        .map(|(i, _)| i)?;
    let rest = &line[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || "._+-:".contains(c)))
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|s| !s.is_empty())
}

struct Locator<'p> {
    path: &'p [Seg],
}

fn found<E: de::Error>() -> E {
    E::custom(FOUND)
}

impl<'de> DeserializeSeed<'de> for Locator<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.path.first() {
            None => deserializer.deserialize_any(Here),
            Some(Seg::Index(_)) => deserializer.deserialize_seq(self),
            Some(_) => deserializer.deserialize_map(self),
        }
    }
}

impl<'de> Visitor<'de> for Locator<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the path being located")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (wanted, itself) = match &self.path[0] {
            Seg::Key(k) => (k, false),
            Seg::KeyItself(k) => (k, true),
            Seg::Index(_) => return Ok(()),
        };
        while let Some(key) = map.next_key_seed(KeySeed {
            wanted,
            raise: itself,
        })? {
            if key {
                return map.next_value_seed(Locator {
                    path: &self.path[1..],
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Seg::Index(wanted) = self.path[0] else {
            return Ok(());
        };
        for _ in 0..wanted {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        seq.next_element_seed(Locator {
            path: &self.path[1..],
        })?;
        Ok(())
    }
}

/// Reads a key; says whether it is the wanted one, or raises there if asked to.
struct KeySeed<'w> {
    wanted: &'w str,
    raise: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        match (key == self.wanted, self.raise) {
            (true, true) => Err(found()),
            (is_wanted, _) => Ok(is_wanted),
        }
    }
}

/// Raises at whatever node it is asked to read.
struct Here;

impl<'de> Visitor<'de> for Here {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any node")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(found())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(found())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(found())
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        Err(found())
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        Err(found())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(found())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(found())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(found())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(found())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(found())
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(found())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "schedule: 1\nversions:\n  app:\n    hosts: [a, 1.10]\n  web: x,y\n";

    fn at(path: &[Seg]) -> Option<(usize, usize)> {
        locate(DOC, path).map(|l| (l.line, l.column))
    }

    #[test]
    fn finds_values_keys_and_items() {
        let key = |k: &str| Seg::Key(k.to_string());
        assert_eq!(at(&[key("schedule")]), Some((1, 11)));
        assert_eq!(at(&[Seg::KeyItself("versions".into())]), Some((2, 1)));
        assert_eq!(at(&[key("versions"), key("web")]), Some((5, 8)));
        assert_eq!(
            at(&[key("versions"), key("app"), key("hosts"), Seg::Index(1)]),
            Some((4, 16))
        );
        assert_eq!(at(&[key("versions"), key("nope")]), None);
    }

    #[test]
    fn reads_a_plain_scalar_back() {
        let location = locate(
            DOC,
            &[
                Seg::Key("versions".into()),
                Seg::Key("app".into()),
                Seg::Key("hosts".into()),
                Seg::Index(1),
            ],
        )
        .unwrap();
        assert_eq!(plain_scalar_at(DOC, location), Some("1.10"));
    }
}
