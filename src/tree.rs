//! The YAML tree every strategy is read into: one positioned, lossless tree.
//!
//! Every node keeps its byte span in the source; a scalar keeps its value
//! exactly as YAML gives it (never resolved to a number or a boolean), its
//! style (plain, quoted, block) and its tag, so that the validator can take a
//! host name as written and resolve a var as ansible-core would. Positions
//! shown to people come from byte offsets through one [`LineIndex`].
//!
//! Two builders make this tree: the fast reader for plain block YAML
//! ([`crate::strategy::block_yaml`]) and [`parse`] here, which builds it from
//! the events of saphyr-parser (chosen by measurement, see docs/READER.md) for
//! every other file.

use crate::error::Location;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

/// Where a node lies in the source: byte offsets, `start..end`. A source is at
/// most 4 GiB (see [`MAX_SOURCE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }
}

/// The largest source the tree can hold.
pub const MAX_SOURCE: usize = u32::MAX as usize;

/// One node of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'s> {
    pub span: Span,
    pub kind: Kind<'s>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'s> {
    Scalar(Scalar<'s>),
    Seq(Vec<Node<'s>>),
    /// A sequence whose items are all one-line plain scalars (a host list),
    /// kept as their spans: 8 bytes an item rather than a node's 48.
    PlainSeq(Box<PlainSeq<'s>>),
    Map(Vec<(Node<'s>, Node<'s>)>),
    /// An anchored node (`&name value`), or an alias of one (`*name`): the node
    /// itself, shared.
    Alias(Rc<Node<'s>>),
}

impl<'s> Kind<'s> {
    /// A sequence, its list cut to its length: a list grown push by push
    /// keeps room for at least four (a million one-entry host mappings).
    pub fn seq(mut items: Vec<Node<'s>>) -> Kind<'s> {
        items.shrink_to_fit();
        Kind::Seq(items)
    }

    /// A mapping, its list cut to its length (see [`Kind::seq`]).
    pub fn map(mut entries: Vec<(Node<'s>, Node<'s>)>) -> Kind<'s> {
        entries.shrink_to_fit();
        Kind::Map(entries)
    }

    /// A sequence of scalars of one `style` by their spans (see [`PlainSeq`]).
    pub fn plain_seq(src: &'s str, style: Style, mut spans: Vec<Span>) -> Kind<'s> {
        spans.shrink_to_fit();
        Kind::PlainSeq(Box::new(PlainSeq { src, spans, style }))
    }
}

/// A scalar: its value (escapes and folding applied, otherwise the text as
/// written), its style, and its tag if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar<'s> {
    pub value: Cow<'s, str>,
    pub style: Style,
    /// The tag as the parser resolved it (`tag:yaml.org,2002:str`, `!unsafe`).
    pub tag: Option<Box<str>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// The items of a [`Kind::PlainSeq`], as spans into the source: untagged
/// plain scalars, or quoted ones whose value is the text between their quotes
/// (a host list written as JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct PlainSeq<'s> {
    pub src: &'s str,
    pub spans: Vec<Span>,
    pub style: Style,
}

impl<'s> PlainSeq<'s> {
    /// Item `span` as a node.
    pub fn item(&self, span: Span) -> Node<'s> {
        let quotes = usize::from(self.style != Style::Plain);
        let text = span.start() + quotes..span.end as usize - quotes;
        Node {
            span,
            kind: Kind::Scalar(Scalar {
                value: Cow::Borrowed(&self.src[text]),
                style: self.style,
                tag: None,
            }),
        }
    }
}

impl<'s> Scalar<'s> {
    pub fn plain(value: Cow<'s, str>) -> Scalar<'s> {
        Scalar {
            value,
            style: Style::Plain,
            tag: None,
        }
    }

    /// A plain, untagged scalar that YAML reads as null (`~`, `null`, nothing).
    pub fn is_null(&self) -> bool {
        self.style == Style::Plain
            && self.tag.is_none()
            && matches!(&*self.value, "" | "~" | "null" | "Null" | "NULL")
    }

    /// Whether it is plain and untagged: YAML resolves its type from its text.
    pub fn is_plain(&self) -> bool {
        self.style == Style::Plain && self.tag.is_none()
    }
}

impl<'s> Node<'s> {
    /// The node itself, or the one it is an alias of.
    pub fn resolved(&self) -> &Node<'s> {
        match &self.kind {
            Kind::Alias(node) => node.resolved(),
            _ => self,
        }
    }

    /// The scalar, if the node (resolved) is one.
    pub fn scalar(&self) -> Option<&Scalar<'s>> {
        match &self.resolved().kind {
            Kind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// Whether the node is a plain null.
    pub fn is_null(&self) -> bool {
        self.scalar().is_some_and(Scalar::is_null)
    }

    /// The entries, if the node (resolved) is a mapping.
    pub fn entries(&self) -> Option<&[(Node<'s>, Node<'s>)]> {
        match &self.resolved().kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, if the node (resolved) is a sequence.
    pub fn items(&self) -> Option<Items<'_, 's>> {
        match &self.resolved().kind {
            Kind::Seq(items) => Some(Items::Nodes(items.iter())),
            Kind::PlainSeq(plain) => Some(Items::Plain(plain, plain.spans.iter())),
            _ => None,
        }
    }

    /// What the node is, for a message: "sequence", "map", or the scalar.
    pub fn describe(&self) -> String {
        match &self.resolved().kind {
            Kind::Seq(_) | Kind::PlainSeq(_) => "sequence".to_string(),
            Kind::Map(_) => "map".to_string(),
            Kind::Scalar(s) if s.is_null() => "null".to_string(),
            Kind::Scalar(s) => format!("string {:?}", crate::error::excerpt(&s.value)),
            Kind::Alias(_) => unreachable!("resolved"),
        }
    }

    /// How many nodes it holds, aliases counted as often as they are used.
    pub fn size(&self) -> usize {
        match &self.kind {
            Kind::Scalar(_) => 1,
            Kind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Kind::PlainSeq(plain) => 1 + plain.spans.len(),
            Kind::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
            Kind::Alias(node) => node.size(),
        }
    }
}

/// The items of a sequence node.
pub enum Items<'a, 's> {
    Nodes(std::slice::Iter<'a, Node<'s>>),
    Plain(&'a PlainSeq<'s>, std::slice::Iter<'a, Span>),
}

impl<'a, 's> Iterator for Items<'a, 's> {
    type Item = Cow<'a, Node<'s>>;
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Items::Nodes(iter) => iter.next().map(Cow::Borrowed),
            Items::Plain(plain, iter) => iter.next().map(|&span| Cow::Owned(plain.item(span))),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Items::Nodes(iter) => iter.size_hint(),
            Items::Plain(_, iter) => iter.size_hint(),
        }
    }
}

/// Deeper documents are refused, as every YAML reader must to bound its stack.
pub const MAX_DEPTH: usize = 128;

/// Nodes that aliases may repeat in all ("billion laughs").
pub const MAX_ALIASED: usize = 100_000;

/// Why the source is not one YAML document, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset.
    pub at: usize,
    pub message: String,
}

/// The length of a leading byte order mark, which YAML allows and skips.
pub fn bom_len(src: &str) -> usize {
    if src.starts_with('\u{FEFF}') { 3 } else { 0 }
}

/// The document in `src`, built from saphyr-parser's events; `None` when it
/// holds no node (only comments).
pub fn parse(src: &str) -> Result<Option<Node<'_>>, SyntaxError> {
    let base = bom_len(src);
    let body = &src[base..];
    let mut builder = Builder {
        offsets: Offsets::new(src, base),
        stack: Vec::new(),
        anchors: HashMap::new(),
        aliased: 0,
        root: None,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(body);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| builder.scan_error(&e))?;
        let span = Span::new(
            builder.offsets.byte(span.start.index()),
            builder.offsets.byte(span.end.index()),
        );
        if builder.event(event, span)? {
            break;
        }
    }
    Ok(builder.root)
}

/// Turns saphyr's character indices into byte offsets, walking a cursor along
/// the source (events come nearly in order).
struct Offsets<'s> {
    /// The whole source, byte order mark included.
    whole: &'s str,
    src: &'s str,
    base: usize,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl<'s> Offsets<'s> {
    fn new(whole: &'s str, base: usize) -> Offsets<'s> {
        let src = &whole[base..];
        Offsets {
            whole,
            src,
            base,
            ascii: src.is_ascii(),
            chars: 0,
            bytes: 0,
        }
    }

    fn byte(&mut self, chars: usize) -> usize {
        if self.ascii {
            return self.base + chars.min(self.src.len());
        }
        while self.chars < chars && self.bytes < self.src.len() {
            let c = self.src[self.bytes..]
                .chars()
                .next()
                .expect("in the source");
            self.bytes += c.len_utf8();
            self.chars += 1;
        }
        while self.chars > chars {
            let c = self.src[..self.bytes]
                .chars()
                .next_back()
                .expect("in the source");
            self.bytes -= c.len_utf8();
            self.chars -= 1;
        }
        self.base + self.bytes
    }
}

enum Frame<'s> {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node<'s>>,
        /// While every item is a one-line plain scalar: only their spans
        /// (a million hosts in one list).
        plain: Option<Vec<Span>>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Node<'s>, Node<'s>)>,
        key: Option<Node<'s>>,
    },
}

struct Builder<'s> {
    offsets: Offsets<'s>,
    stack: Vec<Frame<'s>>,
    anchors: HashMap<usize, Rc<Node<'s>>>,
    aliased: usize,
    root: Option<Node<'s>>,
    documents: usize,
}

impl<'s> Builder<'s> {
    fn scan_error(&mut self, error: &ScanError) -> SyntaxError {
        SyntaxError {
            at: self.offsets.byte(error.marker().index()),
            message: error.info().to_string(),
        }
    }

    /// Takes one event; true at the end of the stream.
    fn event(&mut self, event: Event<'s>, span: Span) -> Result<bool, SyntaxError> {
        let error = |message: &str| SyntaxError {
            at: span.start(),
            message: message.to_string(),
        };
        match event {
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(error(
                        "the file holds more than one YAML document; keep one (a `---` line starts another)",
                    ));
                }
            }
            Event::Scalar(mut value, style, anchor, tag) => {
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    let properties = anchor != 0 || tag.is_some();
                    clip_at_end(&mut value, self.offsets.whole, span, properties);
                }
                let node = Node {
                    span,
                    kind: Kind::Scalar(Scalar {
                        value,
                        style: match style {
                            ScalarStyle::Plain => Style::Plain,
                            ScalarStyle::SingleQuoted => Style::SingleQuoted,
                            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                            ScalarStyle::Literal => Style::Literal,
                            ScalarStyle::Folded => Style::Folded,
                        },
                        tag: tag.map(|t| t.to_string().into_boxed_str()),
                    }),
                };
                self.add(node, anchor);
            }
            Event::Alias(anchor) => {
                let Some(node) = self.anchors.get(&anchor) else {
                    return Err(error("unknown anchor"));
                };
                self.aliased += node.size();
                if self.aliased > MAX_ALIASED {
                    return Err(error(
                        "repetition limit exceeded: aliases repeat too many nodes",
                    ));
                }
                let node = Node {
                    span,
                    kind: Kind::Alias(Rc::clone(node)),
                };
                self.add(node, 0);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(error(
                        "recursion limit exceeded: the document nests too deep",
                    ));
                }
                let start = span.start();
                self.stack.push(match event {
                    Event::SequenceStart(..) => Frame::Seq {
                        start,
                        anchor,
                        items: Vec::new(),
                        plain: Some(Vec::new()),
                    },
                    _ => Frame::Map {
                        start,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    },
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match self.stack.pop().expect("an open collection") {
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                        plain,
                    } => {
                        let last = plain.as_ref().and_then(|p| p.last().copied());
                        let last = last.or_else(|| items.last().map(|n| n.span));
                        let end = last.map_or(span.start(), |s| s.end as usize);
                        let kind = match plain {
                            Some(spans) if !spans.is_empty() => {
                                Kind::plain_seq(self.offsets.whole, Style::Plain, spans)
                            }
                            _ => Kind::seq(items),
                        };
                        let span = Span::new(start, end.max(start));
                        (Node { span, kind }, anchor)
                    }
                    Frame::Map {
                        start,
                        anchor,
                        entries,
                        ..
                    } => {
                        let end = entries
                            .last()
                            .map_or(span.start(), |(_, v)| v.span.end as usize);
                        (
                            Node {
                                span: Span::new(start, end.max(start)),
                                kind: Kind::map(entries),
                            },
                            anchor,
                        )
                    }
                };
                self.add(node, anchor);
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
        }
        Ok(false)
    }

    /// Adds a finished node to the collection being built (or as the root),
    /// first keeping it for aliases if it is anchored.
    fn add(&mut self, node: Node<'s>, anchor: usize) {
        let node = if anchor == 0 {
            node
        } else {
            let span = node.span;
            let shared = Rc::new(node);
            self.anchors.insert(anchor, Rc::clone(&shared));
            Node {
                span,
                kind: Kind::Alias(shared),
            }
        };
        let whole = self.offsets.whole;
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, plain, .. }) => {
                let compact = match (&node.kind, plain.as_ref()) {
                    (Kind::Scalar(s), Some(_)) => {
                        s.is_plain()
                            && !s.value.is_empty()
                            && whole.get(node.span.start()..node.span.end as usize)
                                == Some(s.value.as_ref())
                    }
                    _ => false,
                };
                match plain {
                    Some(spans) if compact => spans.push(node.span),
                    _ => {
                        if let Some(spans) = plain.take() {
                            let seq = PlainSeq {
                                src: whole,
                                spans,
                                style: Style::Plain,
                            };
                            items.extend(seq.spans.iter().map(|&span| seq.item(span)));
                        }
                        items.push(node);
                    }
                }
            }
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

/// A block scalar with the default ("clip") chomping that ends the file keeps
/// one final line break exactly when the file has one after its last line,
/// and with "keep" chomping no line break the file does not have (libyaml and
/// PyYAML agree; saphyr-parser does not at the end of a file).
fn clip_at_end(value: &mut Cow<'_, str>, whole: &str, span: Span, properties: bool) {
    let tail = &whole[span.start().min(whole.len())..];
    let content = tail.trim_end_matches([' ', '\t', '\n', '\r']);
    let after = whole.get(span.end as usize..).unwrap_or_default();
    if !after.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
        return; // not the end of the file
    }
    // The span starts at the content, the header (`|`, `>-`, `|+2`) before
    // it; or at the node's `properties`, its tag or anchor, the header after
    // them (`!t &a |`); or, with no text, at the header.
    let start = span.start().min(whole.len());
    let no_text = value.bytes().all(|b| b == b'\n');
    let indicator = match properties {
        false if no_text && whole[start..].starts_with(['|', '>']) => Some(start),
        true => {
            let line = whole[start..]
                .split(['\n', '\r'])
                .next()
                .unwrap_or_default();
            let mut at = start;
            line.split([' ', '\t']).find_map(|token| {
                let found = token.starts_with(['|', '>']).then_some(at);
                at += token.len() + 1;
                found
            })
        }
        false => whole[..start].rfind(['|', '>']),
    };
    let Some(indicator) = indicator else {
        return;
    };
    let header = whole[indicator + 1..]
        .split(['\n', '\r'])
        .next()
        .unwrap_or_default();
    let chomping = header.split([' ', '#']).next().unwrap_or_default();
    if chomping.contains('-') {
        return;
    }
    // The file's last line is content when it holds text, or more blanks than
    // the block's indentation; only then does no line break follow the content.
    let body = &whole[indicator..];
    let last_line = &whole[whole.rfind(['\n', '\r']).map_or(0, |i| i + 1)..];
    let keep = chomping.contains('+');
    let Some(indent) = body
        .split(['\n', '\r'])
        .skip(1)
        .find(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches(' ').len())
    else {
        // No text: kept, the line breaks after the header's.
        if keep {
            let breaks = body.replace("\r\n", "\n").matches(['\n', '\r']).count();
            let kept = "\n".repeat(breaks.saturating_sub(1));
            if kept != **value {
                *value = Cow::Owned(kept);
            }
        }
        return;
    };
    let has_text = !last_line.trim().is_empty();
    let explicit = header
        .trim_start_matches(['+', '-'])
        .starts_with(|c: char| c.is_ascii_digit());
    if explicit && !has_text && !last_line.is_empty() {
        return; // blanks whose indentation decides: left as parsed
    }
    if keep {
        // Keep: nor is a line break kept that the file does not have after a
        // last line in the block (saphyr-parser adds one; found by fuzzing).
        let in_block = has_text || last_line.len() >= indent;
        if !last_line.is_empty() && in_block && value.ends_with('\n') {
            value.to_mut().pop();
        }
        return;
    }
    let last_is_content = !last_line.is_empty() && (has_text || last_line.len() > indent);
    let has_break = !last_is_content && !content.is_empty();
    let text = value.trim_end_matches('\n');
    let clipped = match (text.is_empty(), has_break) {
        (true, _) => String::new(),
        (false, true) => format!("{text}\n"),
        (false, false) => text.to_string(),
    };
    if clipped != **value {
        *value = Cow::Owned(clipped);
    }
}

/// Line and column of byte offsets, counting line breaks as YAML 1.1 (and so
/// ansible-core's reader) does: LF, CR, CRLF, NEL (U+0085), and U+2028/U+2029.
/// A leading byte order mark takes no column. Built only when a problem is
/// reported.
pub struct LineIndex<'s> {
    src: &'s str,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(src: &'s str) -> LineIndex<'s> {
        let bytes = src.as_bytes();
        let mut starts = vec![bom_len(src)];
        // Nearly every file: only LF breaks, found by memchr.
        if src.is_ascii() && !src.contains('\r') {
            starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
            return LineIndex { src, starts };
        }
        let mut i = 0;
        while i < bytes.len() {
            let next = match bytes[i] {
                b'\n' => i + 1,
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => i + 2,
                b'\r' => i + 1,
                0xC2 if bytes.get(i + 1) == Some(&0x85) => i + 2,
                0xE2 if bytes.get(i + 1) == Some(&0x80)
                    && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
                {
                    i + 3
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            starts.push(next);
            i = next;
        }
        LineIndex { src, starts }
    }

    /// The 1-based line and column (in characters) of byte offset `at`.
    pub fn location(&self, at: usize) -> Location {
        let at = at.min(self.src.len());
        let line = self.starts.partition_point(|&start| start <= at).max(1);
        let start = self.starts[line - 1].min(at);
        let mut from = start;
        while !self.src.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = at;
        while !self.src.is_char_boundary(to) {
            to -= 1;
        }
        Location {
            line,
            column: self.src[from..to].chars().count() + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_as_yaml_breaks_them() {
        let src = "a\r\nb\rc\u{85}d\u{2028}e\u{2029}f\ng";
        let index = LineIndex::new(src);
        let at = |c: char| index.location(src.find(c).unwrap());
        for (c, line) in [
            ('a', 1),
            ('b', 2),
            ('c', 3),
            ('d', 4),
            ('e', 5),
            ('f', 6),
            ('g', 7),
        ] {
            assert_eq!(at(c), Location { line, column: 1 }, "{c}");
        }
        let src = "\u{FEFF}ab: é x";
        let index = LineIndex::new(src);
        assert_eq!(index.location(3), Location { line: 1, column: 1 });
        assert_eq!(
            index.location(src.find('x').unwrap()),
            Location { line: 1, column: 7 }
        );
        let src = "# c\r\r\nversions:\n";
        assert_eq!(LineIndex::new(src).location(src.find('v').unwrap()).line, 3);
    }

    /// At the end of a file without a final line break, as libyaml and
    /// PyYAML read them (found by fuzzing against serde_yaml).
    #[test]
    fn block_scalars_at_the_end_keep_only_the_line_breaks_written() {
        for (src, value) in [
            ("a: |+\n  x", "x"),
            ("a: |+\n  x\n  ", "x\n"),
            ("a: |+\n  x\n ", "x\n"),
            ("a: >+\n\n    -x", "\n-x"),
            ("a: !t |\n  x", "x"),
            ("a: &x |\n  x", "x"),
            ("a: !t &y |+\n  x\n", "x\n"),
            ("a: |\n  !x\n    t", "!x\n  t"),
            ("a: &z |\n  &x\n    t", "&x\n  t"),
            ("a: >1\n v:\n n", "v: n"),
            ("a: |2-\n   x", " x"),
            ("a: >+\n ", ""),
            ("a: |+\n\n ", "\n"),
        ] {
            let root = parse(src).unwrap().unwrap();
            let scalar = root.entries().unwrap()[0].1.scalar().cloned().unwrap();
            assert_eq!(scalar.value, value, "{src:?}");
        }
    }

    #[test]
    fn the_event_tree_keeps_text_style_and_byte_spans() {
        let src = "\u{FEFF}é: &h 1.10\nb: [!!float 1.10, 'x''y', *h]\n";
        let root = parse(src).unwrap().unwrap();
        let entries = root.entries().unwrap();
        let (key, value) = &entries[0];
        assert_eq!(key.span.start(), 3);
        assert_eq!(value.scalar().unwrap().value, "1.10");
        assert_eq!(&src[value.span.start()..value.span.end as usize], "&h 1.10");
        let items: Vec<_> = entries[1].1.items().unwrap().collect();
        let scalar = items[0].scalar().unwrap();
        assert_eq!(
            (scalar.value.as_ref(), scalar.tag.is_some()),
            ("1.10", true)
        );
        assert_eq!(items[1].scalar().unwrap().value, "x'y");
        assert_eq!(items[1].scalar().unwrap().style, Style::SingleQuoted);
        assert_eq!(items[2].scalar().unwrap().value, "1.10");
        assert_eq!(src[items[2].span.start()..].chars().next(), Some('*'));
    }
}
