//! The independent references the YAML tree is compared with, shared by the
//! unit tests, the integration tests and the fuzz targets (each includes this
//! file by path).
//!
//! - The fast reader against the event parser: where the fast reader builds a
//!   tree, the event parser builds the same one (values, styles, tags, where
//!   each scalar starts); where it finds an error, the event parser finds the
//!   same one in the whole file (message and offset).
//! - The event parser against serde_yaml (archived, kept only as this
//!   reference): where both read the source, the same structure, and every
//!   scalar serde_yaml reads as a string has the same text.

use regal_inventory::strategy::block_yaml;
use regal_inventory::tree::{self, Kind, Node};

/// Whether the two tree builders and serde_yaml agree on `source` (see the
/// module doc). Sources with a character YAML 1.1 and 1.2 break lines at
/// differently, a control character or a byte order mark past the start are
/// refused before any reader sees them, and skipped here.
pub fn agrees(source: &str) -> bool {
    let body = &source[tree::bom_len(source)..];
    if body.contains(['\u{85}', '\u{2028}', '\u{2029}', '\u{FEFF}'])
        || body.bytes().any(|b| b < b' ' && !b"\t\n\r".contains(&b))
    {
        return true;
    }
    let events = tree::parse(source);
    // An error the fast reader found where it gave up (read by the event
    // parser from the entry it gave up on) is the whole file's, message and
    // place; where it reads the file, it is read.
    match block_yaml::read_or_error(source) {
        Ok(_) if block_yaml::read(source).is_none() => return false,
        Err(Some(found)) if events.as_ref().err() != Some(&found) => return false,
        _ => {}
    }
    // In a flow collection, libyaml (YAML 1.1) takes `?` as a key indicator
    // even before a non-blank (`{?k: v}` has the key `k`), YAML 1.2 as the
    // start of a plain scalar (`?k`): serde_yaml is no reference there.
    let flow_question = source.contains(['[', '{'])
        && source
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'?' && !w[1].is_ascii_whitespace());
    // Likewise a `:` after a blank or flow indicator and before a non-blank
    // (`{!t :b}`): a value indicator to libyaml, the start of a plain scalar
    // `:b` to YAML 1.2 (found by fuzzing).
    let flow_colon = source.contains(['[', '{'])
        && source
            .as_bytes()
            .windows(3)
            .any(|w| b" \t\r\n[{,".contains(&w[0]) && w[1] == b':' && !w[2].is_ascii_whitespace());
    // libyaml ends an anchor's name at any character but `[A-Za-z0-9_-]`,
    // YAML 1.2 only at a blank or flow indicator (`&a: x` anchors `x` as `a:`).
    let odd_anchor = source.split(['&', '*']).skip(1).any(|rest| {
        let name = rest
            .split([' ', '\n', '\r', '\t', ',', '[', ']', '{', '}'])
            .next();
        name.is_some_and(|n| {
            !n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        })
    });
    // serde_yaml 0.9 may resolve an alias of a redefined anchor to the
    // earlier node; YAML takes the latest.
    let mut defined = std::collections::HashSet::new();
    let redefined = !source.split('&').skip(1).all(|rest| {
        defined.insert(
            rest.split([' ', '\n', '\r', '\t', ',', '[', ']', '{', '}'])
                .next(),
        )
    });
    // A block scalar as the whole document may start its text in column 0 in
    // YAML 1.2, not in libyaml; a strategy is a mapping, so no reader's
    // result matters there.
    let root_block = matches!(&events, Ok(Some(node)) if node.scalar().is_some_and(|s| {
        matches!(s.style, tree::Style::Literal | tree::Style::Folded)
    }));
    // A block scalar with an explicit indentation (`|2`, `>+1`) whose last
    // lines hold only blanks and tabs: saphyr-parser and libyaml count its
    // line breaks and spaces differently (found by fuzzing; not corrected).
    let explicit_indent = source.as_bytes().windows(3).any(|w| {
        matches!(w[0], b'|' | b'>')
            && (w[1].is_ascii_digit() || matches!(w[1], b'+' | b'-') && w[2].is_ascii_digit())
    }) && source
        .trim_end_matches(['\n', '\r'])
        .ends_with([' ', '\t', '\n', '\r']);
    // serde_yaml's libyaml counts a leading byte order mark as a column
    // (`\u{FEFF}a:\n b: c` is two keys to it); PyYAML, ansible-core's
    // reader, and YAML 1.2 do not (found by fuzzing).
    let bom = tree::bom_len(source) > 0;
    if let Some(fast) = block_yaml::read(source) {
        match &events {
            Ok(Some(node)) if same_tree(&fast, node, true) => {
                // Every entry the fast reader handed over to the event parser
                // is in the whole file's tree, exactly: spans and all.
                if !handed_over_as_in(source, node) {
                    return false;
                }
            }
            Ok(_) => return false,
            // saphyr-parser refuses a few plain scalars YAML allows (`[web -,
            // x]`): the fast reader's tree must then be serde_yaml's.
            // (serde_yaml refuses duplicate keys, which the tree keeps for the
            // validator to report: no reference then.)
            // Nor where YAML 1.1 and 1.2 read the file differently (the
            // cases above; found by fuzzing).
            Err(_)
                if flow_question
                    || flow_colon
                    || odd_anchor
                    || redefined
                    || explicit_indent
                    || bom =>
            {
                return true;
            }
            Err(_) => {
                return match serde_yaml::from_str::<serde_yaml::Value>(source) {
                    Ok(theirs) => same_structure(&fast, &theirs),
                    Err(_) => true,
                };
            }
        }
    }
    if flow_question
        || flow_colon
        || odd_anchor
        || redefined
        || root_block
        || explicit_indent
        || bom
    {
        return true;
    }
    match (events, serde_yaml::from_str::<serde_yaml::Value>(source)) {
        (Ok(Some(ours)), Ok(theirs)) => same_structure(&ours, &theirs),
        _ => true,
    }
}

/// Whether each node the fast reader took from the event parser for an
/// entry it handed over (see `block_yaml::read_recording`) is a node of
/// `whole`, the event parser's tree of the whole file, with the same span,
/// value and everything in it.
pub fn handed_over_as_in(source: &str, whole: &Node) -> bool {
    let Some((_, handed)) = block_yaml::read_recording(source) else {
        return true;
    };
    if handed.is_empty() {
        return true;
    }
    let mut nodes = std::collections::HashMap::new();
    every_node(whole, &mut |node| {
        nodes
            .entry((node.span.start, node.span.end))
            .or_insert_with(Vec::new)
            .push(format!("{node:?}"));
    });
    handed.iter().all(|node| {
        nodes
            .get(&(node.span.start, node.span.end))
            .is_some_and(|found| found.contains(&format!("{node:?}")))
    })
}

/// Calls `f` on `node` and every node inside it (a host list's items as the
/// nodes they stand for).
fn every_node(node: &Node, f: &mut dyn FnMut(&Node)) {
    f(node);
    match &node.kind {
        Kind::Scalar(_) => {}
        Kind::Map(entries) => {
            for (key, value) in entries {
                every_node(key, f);
                every_node(value, f);
            }
        }
        Kind::Seq(_) | Kind::HostSeq(_) => {
            for item in node.items().unwrap() {
                every_node(&item, f);
            }
        }
        Kind::Alias(inner) => every_node(inner, f),
        Kind::Tagged(tagged) => every_node(&tagged.1, f),
    }
}

/// Whether two trees are the same; `span`: whether this node's own start is
/// compared (not inside an anchor, whose span each builder draws its own way).
pub fn same_tree(a: &Node, b: &Node, span: bool) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Alias(x), Kind::Alias(y)) => {
            (!span || a.span.start == b.span.start) && same_tree(x, y, false)
        }
        (Kind::Alias(_), _) | (_, Kind::Alias(_)) => false,
        (Kind::Tagged(x), Kind::Tagged(y)) => x.0 == y.0 && same_tree(&x.1, &y.1, span),
        (Kind::Scalar(x), Kind::Scalar(y)) => {
            let placed = !span || x.value.is_empty() || a.span.start == b.span.start;
            x.value == y.value && x.style == y.style && x.tag == y.tag && placed
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| same_tree(ka, kb, true) && same_tree(va, vb, true))
        }
        (Kind::Seq(_) | Kind::HostSeq(_), Kind::Seq(_) | Kind::HostSeq(_)) => {
            let (x, y): (Vec<_>, Vec<_>) =
                (a.items().unwrap().collect(), b.items().unwrap().collect());
            x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| same_tree(p, q, true))
        }
        _ => false,
    }
}

/// Whether the tree has serde_yaml's structure, scalars that serde_yaml reads
/// as strings holding the same text.
pub fn same_structure(ours: &Node, theirs: &serde_yaml::Value) -> bool {
    use serde_yaml::Value;
    let ours = ours.resolved();
    match theirs {
        Value::Tagged(tagged) => same_structure(ours, &tagged.value),
        Value::String(text) => ours.scalar().is_some_and(|s| s.value == *text),
        Value::Null | Value::Bool(_) | Value::Number(_) => ours.scalar().is_some(),
        Value::Sequence(items) => ours.items().is_some_and(|ours| {
            let ours: Vec<_> = ours.collect();
            ours.len() == items.len() && ours.iter().zip(items).all(|(o, t)| same_structure(o, t))
        }),
        Value::Mapping(map) => ours.entries().is_some_and(|entries| {
            entries.len() == map.len()
                && entries
                    .iter()
                    .zip(map)
                    .all(|((ok, ov), (tk, tv))| same_structure(ok, tk) && same_structure(ov, tv))
        }),
    }
}
