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
//! every other file. Both build sequences through [`SeqBuilder`], which keeps
//! a host list compactly ([`HostSeq`]): at a million hosts, a node per name and
//! per host var cost more memory than everything else read. Where the fast
//! reader gives up on an error, [`first_error`] finds it from the entry it gave
//! up on, as [`parse`] finds it in the whole file.

use crate::error::Location;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

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

/// Texts kept beside the source, as long as it: the values of a host list's
/// names that are not their text as written (`"web\x2d1"`, a name over lines),
/// decoded once while the list is read, one text per list. The names read from
/// the tree borrow them, as the others borrow the source, so a million such
/// names cost no string each. Only added to; the caller keeps it as long as
/// the source.
#[derive(Debug, Default)]
pub struct Texts {
    text: OnceCell<String>,
    next: OnceCell<Box<Texts>>,
}

impl Texts {
    /// Keeps `text` as long as `self`, in the first free place from `self`
    /// on; gives that place too, to keep the next text from there (one step
    /// for each text kept before it, else).
    pub fn keep(&self, mut text: String) -> (&Texts, &str) {
        let mut at = self;
        loop {
            match at.text.set(text) {
                Ok(()) => return (at, at.text.get().expect("just kept")),
                Err(back) => text = back,
            }
            at = at.next.get_or_init(Box::default);
        }
    }
}

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
    /// A sequence of host names and host entries (`name: {var: value}`) kept
    /// compactly, by their spans (see [`HostSeq`]).
    HostSeq(Arc<HostSeq<'s>>),
    Map(Vec<(Node<'s>, Node<'s>)>),
    /// An anchored node (`&name value`), or an alias of one (`*name`): the node
    /// itself, shared.
    Alias(Arc<Node<'s>>),
    /// A collection with a tag (`!unsafe [a, "{{ b }}"]`, `!!set {a, b}`): the
    /// tag as the parser resolved it, and the collection. Boxed: such tags are
    /// rare. [`Node::resolved`] sees through it; vars read the tag
    /// ([`Node::collection_tag`]).
    Tagged(Box<(String, Node<'s>)>),
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
}

/// A scalar: its value (escapes and folding applied, otherwise the text as
/// written), its style, and its tag if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar<'s> {
    pub value: Cow<'s, str>,
    pub style: Style,
    /// The tag as the parser resolved it (`tag:yaml.org,2002:str`, `!unsafe`).
    /// Boxed once more, to keep a node at 48 bytes: tags are rare, nodes
    /// are many and moved often.
    pub tag: Option<Box<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A sequence kept compactly: a host list. Its items are nodes as any
/// sequence's ([`Node::items`] gives each one as a node), but held by their
/// spans into the source:
///
/// - a one-line plain scalar as written (`- web1`), or one quoted without
///   escapes (`- "web1"`, a list written as JSON), the list's scalars all of
///   one style and one tag (`- !!str web1`): its span, 8 bytes rather than a
///   node's 48 (and a tag's string);
/// - a scalar of that style and tag whose value is not its text as written
///   (`- "web\x2d1"`, a plain name over lines): its span, and its value in
///   one text shared by the list (`decoded`), rather than a node and a
///   string; [`Node::keep_decoded`] moves that text into a [`Texts`], and the
///   names read from the list borrow it;
/// - a host entry, a mapping of one plain name to a mapping of scalars as
///   written, plain or quoted without escapes (`- web1: {zone: a}`, or the
///   same in block style), or literal or folded whose value is the text
///   from where they start (`motd: |+` then `hi` and a blank line), or
///   plain or quoted after a local tag as written (`cmd: !unsafe 'x1'`): the
///   spans of the name, the vars mapping and each key and value, 36 bytes
///   for one var rather than about 240 in nodes (a value written otherwise,
///   `[a, b]`, as its node, see `values`: one of the last few such nodes
///   moved on when written alike, or, when of the same shape with scalars
///   of its own, `ports: [http: 8080]` then `[http: 8081]`, that node's
///   index and its own spans, 2 bytes a node; see [`Value`]);
/// - a host entry of a plain name whose vars are an alias (`- web2: *v`):
///   the name's span and an [`AliasedEntry`], 20 bytes rather than about
///   200 in nodes, the anchored node shared;
/// - any other item: the node.
///
/// Built by [`SeqBuilder`], which both tree builders use; the validator reads
/// the host entries through [`HostSeq::items`] without making nodes of them.
#[derive(Debug, Clone, PartialEq)]
pub struct HostSeq<'s> {
    pub src: &'s str,
    /// Each item's span: a plain scalar's, or a host entry's name's (a kept
    /// node's own span, for an item kept as a node).
    spans: Vec<Span>,
    /// The host entries, in item order.
    entries: Vec<HostEntry>,
    /// The vars of the host entries, one after another.
    pairs: Vec<Pair>,
    /// The values of vars that are no scalar as written (`[a, b]`), in var
    /// order, each the node of `value_trees` it is written as, moved on, or
    /// of its shape with spans of its own (see [`Value`]).
    values: Vec<Value>,
    /// The nodes of `values`: a value that is one of the last
    /// [`SHARED_WINDOW`] kept here, written alike further on (the same nodes, values and styles, each as many
    /// bytes further on), is that node and how far on, not a node of its own
    /// (a million hosts that each write the same list: 16 bytes each rather
    /// than about 370 in nodes).
    value_trees: Vec<Node<'s>>,
    /// The spans of the values kept by their shape (see [`Value`]), each
    /// value's one after another, its nodes in [`same_shape`]'s order: each
    /// span two bytes (where it starts after the value's start, its length)
    /// when they all fit a byte, else four (two `u16`s, little-endian).
    shape_spans: Vec<u8>,
    /// The values of the scalars of values kept by their shape that are not
    /// their text as written (`[http 80,` then `https` then `443]`: `https
    /// 443`), each once where values of one shape repeat them (see
    /// [`Decoded`]); moved into a [`Texts`] with the names' `decoded`, and
    /// borrowed from there.
    shape_texts: Cow<'s, str>,
    /// The items kept as nodes, in item order, and the index of each.
    nodes: Vec<Node<'s>>,
    node_at: Vec<u32>,
    /// The host entries whose vars are an alias (`- web2: *v`), in item
    /// order, and the anchored nodes they are aliases of (see
    /// [`AliasedEntry`]).
    aliased: Vec<AliasedEntry>,
    targets: Vec<Arc<Node<'s>>>,
    /// The style of the scalar items kept by their spans: plain, or quoted
    /// (a host list written as JSON), and their tag, if they have one.
    names: Style,
    names_tag: Option<String>,
    /// The values of the scalar items that are not their text as written,
    /// one after another, and for each such item its index and where its
    /// value ends in `decoded`, in item order. Borrowed from the [`Texts`]
    /// the list was read with, if any (the names then borrow it too).
    decoded: Cow<'s, str>,
    decoded_at: Vec<(u32, u32)>,
}

/// A host entry of a [`HostSeq`]: 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct HostEntry {
    item: u32,
    /// Where its vars end in `pairs`, and its values kept as nodes in
    /// `values`.
    pairs_end: u32,
    values_end: u32,
    /// Its vars mapping starts this many bytes before its first key (`{ `)
    /// and ends this many after its last value (` }`).
    open: u8,
    close: u8,
}

/// A host entry of a [`HostSeq`] whose vars are an alias of an anchored
/// node (`- web2: *v`), kept by the span of its name (a plain scalar as
/// written, in `spans`), where the alias is written and which node it
/// names: 12 bytes rather than a mapping's node, its list and the alias's
/// node (about 200 bytes). Its node is the one the builders make (see
/// [`HostItem::into_node`]); the validator renders the anchored vars once
/// for all the hosts that name them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct AliasedEntry {
    item: u32,
    /// Where the alias (`*v`) starts, and its length.
    alias: u32,
    alias_len: u16,
    /// Its node in `targets`.
    target: u16,
}

impl AliasedEntry {
    fn alias(&self) -> Span {
        Span {
            start: self.alias,
            end: self.alias + u32::from(self.alias_len),
        }
    }
}

/// How many of the last anchored nodes of a [`HostSeq`]'s `targets` an
/// alias is looked for among before its node is added (an anchor
/// redefined on every few hosts adds one each time).
const TARGET_WINDOW: usize = 4;

/// One var of a host entry: key and value, scalars whose value is their text
/// in the source (inside the quotes, for a quoted one; for a block scalar,
/// the text from where its span starts; after its tag, for a tagged one),
/// by where each starts and its length: 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Pair {
    key: u32,
    value: u32,
    key_len: u16,
    value_len: u16,
    /// For a literal or folded value, the length of its text, which its
    /// span does not give: it ends after its last line's break, which strip
    /// chomping takes off and after which keep chomping keeps the blank
    /// lines' (`|+` then `hi` and a blank line: `hi\n\n`). For a plain or
    /// quoted value with a tag (`!unsafe 'x1'`, a local tag that is its
    /// text as written: see [`value_as_written`]), the length of that tag,
    /// which its span starts with; its value is the text after the tag and
    /// a space ([`after_tag`]). 0 for any other value.
    extra_len: u16,
    key_style: Style,
    /// `None`: the value is no scalar as written, and is kept as its node
    /// in `values`.
    value_style: Option<Style>,
}

/// How many of the last value nodes kept a value written alike may share.
const SHARED_WINDOW: usize = 8;

/// A var's value kept as a node in a [`HostSeq`]: 12 bytes. Either
///
/// - written alike: the node `node` of `value_trees`, every span `shift`
///   bytes further on (`spans` is [`NO_SPANS`]); or
/// - of the same shape (see [`same_shape`]: the same kinds, styles, tags and
///   lengths, every scalar plain or quoted, tagged as the model's is) but with scalars of
///   its own (`ports: [http: 8080]` on one host, `[http: 8081]` on the
///   next): its spans, one per node, from `spans` on in `shape_spans`, each
///   from `shift` on, where the value starts (a host entry added as one
///   written alike shares them, at its own `shift`). Its node is `node`'s
///   with these spans, each scalar's value its text there
///   ([`KeptValue::node`]): 2 bytes a node (4 for a value longer than 255
///   bytes) rather than a node's 48 and its lists'. Where a scalar's value
///   is not its text as written (folded over lines, escaped), the value is
///   kept in `shape_texts` and the spans say where ([`DECODED`]).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Value {
    /// Its node (or its shape's) in `value_trees`, and how many bytes
    /// further on it is (its spans are).
    node: u32,
    shift: u32,
    /// Where its spans start in `shape_spans`, and [`WIDE`] if they take
    /// four bytes each; [`NO_SPANS`] for a value written alike.
    spans: u32,
}

/// [`Value::spans`] of a value written alike.
const NO_SPANS: u32 = u32::MAX;

/// Set in [`Value::spans`] when each span takes four bytes.
const WIDE: u32 = 1 << 31;

/// Set in [`Value::spans`] when a scalar of the value is not its text as
/// written (`[http 80,` then `https` then `443]`: `https 443`). Then, in
/// `shape_spans`, the span of each scalar is followed by a byte, 0 (its
/// value is its text as written) or 1, then where its value starts in
/// `shape_texts` and its length (two `u32`s, little-endian); the span of a
/// host list (names, kept by their spans) by a byte, 0 (no name decoded) or
/// 1, then where the text of its decoded names (its `decoded`) is in
/// `shape_texts` as for a scalar; and in a list with decoded names, the
/// span of each name by a byte, 0 (its text as written) or 1, then where
/// its value ends in that text (a `u32`). Without it, none of these bytes
/// are there.
const DECODED: u32 = 1 << 30;

/// Where a value's spans start in `shape_spans` and how they are written,
/// from its [`Value::spans`].
fn shape_bytes(shape_spans: &[u8], spans: u32) -> Option<ShapeBytes<'_>> {
    (spans != NO_SPANS).then(|| ShapeBytes {
        bytes: &shape_spans[(spans & !(WIDE | DECODED)) as usize..],
        wide: spans & WIDE != 0,
        decoded: spans & DECODED != 0,
    })
}

/// The spans of a value kept by its shape in `shape_spans` (and more after
/// them), from where they start: whether each takes four bytes, and whether
/// scalars' values not their text as written follow them ([`DECODED`]).
#[derive(Debug, Clone, Copy)]
struct ShapeBytes<'a> {
    bytes: &'a [u8],
    wide: bool,
    decoded: bool,
}

/// The spans of a value kept by its shape, as `shape_spans` holds them
/// (see [`HostSeq`]), from where they start.
#[derive(Debug, Clone)]
struct ShapeSpans<'a> {
    bytes: std::slice::Iter<'a, u8>,
    wide: bool,
    decoded: bool,
}

impl<'a> ShapeSpans<'a> {
    fn new(spans: ShapeBytes<'a>) -> ShapeSpans<'a> {
        ShapeSpans {
            bytes: spans.bytes.iter(),
            wide: spans.wide,
            decoded: spans.decoded,
        }
    }

    #[inline]
    fn byte(&mut self) -> u8 {
        *self.bytes.next().expect("written with the spans")
    }

    /// Four bytes, little-endian, in one load.
    #[inline]
    fn word(&mut self) -> u32 {
        let bytes = self.bytes.as_slice();
        let word = u32::from_le_bytes(bytes[..4].try_into().expect("written with the spans"));
        self.bytes = bytes[4..].iter();
        word
    }

    /// After a scalar's span, or a host list's: where its value (the text
    /// of its decoded names) is in `shape_texts`, if it is not its text as
    /// written (see [`DECODED`]).
    #[inline]
    fn text(&mut self) -> Option<(u32, u32)> {
        (self.decoded && self.byte() == 1).then(|| (self.word(), self.word()))
    }

    /// After the span of a name of a host list whose names' text is
    /// `listed`: where its value ends in that text, if it is decoded.
    #[inline]
    fn name_end(&mut self, listed: bool) -> Option<u32> {
        (listed && self.byte() == 1).then(|| self.word())
    }

    /// The next span, of a value that starts at `base`.
    fn next_at(&mut self, base: u32) -> Span {
        let span = self.next().expect("a span per node");
        let start = base + u32::from(span.at);
        Span {
            start,
            end: start + u32::from(span.len),
        }
    }
}

impl Iterator for ShapeSpans<'_> {
    type Item = ShapeSpan;
    fn next(&mut self) -> Option<ShapeSpan> {
        let mut byte = || self.bytes.next().map(|&b| u16::from(b));
        let (at, len) = match self.wide {
            false => (byte()?, byte()?),
            true => (byte()? | byte()? << 8, byte()? | byte()? << 8),
        };
        Some(ShapeSpan {
            at,
            len,
            value: Decoded::Node,
        })
    }
}

/// The span of a node of a value kept by its shape (see [`Value`]): where it
/// starts after the value's start, and its length; and where its value is,
/// when that is not its text as written.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ShapeSpan {
    at: u16,
    len: u16,
    value: Decoded,
}

/// What a node of a value kept by its shape holds besides its span (see
/// [`DECODED`]): each text where it is in a text its builder keeps (the
/// scratch of [`same_shape`], then `shape_texts`), as its start and length.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Decoded {
    /// A collection but a host list: nothing.
    Node,
    /// A scalar: its value, if it is not its text as written.
    Scalar(Option<(u32, u32)>),
    /// A host list: the text of its decoded names, if it has any.
    Names(Option<(u32, u32)>),
    /// A name of a host list, whether that list has decoded names, and if
    /// it is one of them, where its value ends in their text.
    Name { listed: bool, end: Option<u32> },
}

impl Pair {
    fn key(&self) -> Span {
        Span {
            start: self.key,
            end: self.key + u32::from(self.key_len),
        }
    }

    fn value(&self) -> Span {
        Span {
            start: self.value,
            end: self.value + u32::from(self.value_len),
        }
    }

    /// Its key as written.
    fn written_key<'s>(&self, src: &'s str) -> Written<'s> {
        let (span, style) = (self.key(), self.key_style);
        Written {
            span,
            style,
            value: text_at(src, span, style),
            tag_len: 0,
        }
    }

    /// Its value as written, a scalar of `style`.
    fn written_value<'s>(&self, src: &'s str, style: Style) -> Written<'s> {
        Written {
            span: self.value(),
            style,
            value: self.value_text(src, style),
            tag_len: self.tag_len(style),
        }
    }

    /// The length of its value's tag, for a value kept as a scalar of
    /// `style` (0: none).
    fn tag_len(&self, style: Style) -> u16 {
        match style {
            Style::Literal | Style::Folded => 0,
            _ => self.extra_len,
        }
    }

    /// The value's text, for a value kept as a scalar of `style`.
    fn value_text<'s>(&self, src: &'s str, style: Style) -> &'s str {
        match style {
            Style::Literal | Style::Folded => {
                let start = self.value as usize;
                &src[start..start + usize::from(self.extra_len)]
            }
            _ if self.extra_len != 0 => text_at(src, tagged_text(src, self.value()), style),
            _ => text_at(src, self.value(), style),
        }
    }

    /// Where its texts lie (see [`VarSpans`]).
    // Inlined into each loop over an entry's vars: read once a var, at
    // every host, so told with few branches.
    #[inline(always)]
    fn spans(&self) -> VarSpans {
        let value_style = match self.value_style {
            Some(style @ (Style::Plain | Style::SingleQuoted | Style::DoubleQuoted))
                if self.extra_len == 0 =>
            {
                Some(style)
            }
            _ => None,
        };
        // Inside the quotes of a quoted one (as `inside`).
        let quoted = |quoted: bool| u32::from(quoted);
        let (key, value) = (self.key(), self.value());
        let (in_key, in_value) = (
            quoted(self.key_style != Style::Plain),
            quoted(value_style.is_some_and(|style| style != Style::Plain)),
        );
        VarSpans {
            key: Span {
                start: key.start + in_key,
                end: key.end - in_key,
            },
            value: Span {
                start: value.start + in_value,
                end: value.end - in_value,
            },
            value_style,
        }
    }

    /// Its value as a node, a scalar of `style`.
    fn value_node<'s>(&self, src: &'s str, style: Style) -> Node<'s> {
        let mut node = scalar(self.value(), style, self.value_text(src, style));
        let tag_len = usize::from(self.tag_len(style));
        if let (Kind::Scalar(scalar), 1..) = (&mut node.kind, tag_len) {
            let start = self.value as usize;
            scalar.tag = Some(Box::new(src[start..start + tag_len].to_string()));
        }
        node
    }
}

impl HostEntry {
    /// The span of the vars mapping of `pairs`, its vars.
    fn vars(&self, pairs: &[Pair]) -> Span {
        let (first, last) = (pairs[0].key, pairs[pairs.len() - 1].value());
        Span {
            start: first - u32::from(self.open),
            end: last.end + u32::from(self.close),
        }
    }
}

/// One item of a [`HostSeq`], as [`HostSeq::items`] gives it.
pub enum HostItem<'a, 's> {
    /// A scalar: a node made on the spot, without its tag (the list's, if
    /// its names have one: `!!str`), which [`HostItem::into_node`] adds. It
    /// holds an allocation only for a value that is not its text as written,
    /// in a list not kept in a [`Texts`].
    Scalar {
        name: Node<'s>,
        tag: Option<&'a str>,
    },
    /// A host entry: its name, and its vars (scalar nodes made on the spot).
    Entry {
        name: Node<'s>,
        vars: Span,
        pairs: HostPairs<'a, 's>,
    },
    Node(&'a Node<'s>),
    /// A host entry whose vars are an alias (`- web2: *v`): its name (a
    /// plain scalar), where the alias is written, and the anchored node
    /// it names.
    Aliased {
        name: Node<'s>,
        alias: Span,
        target: &'a Arc<Node<'s>>,
    },
}

/// The vars of a host entry, as pairs of scalar nodes.
#[derive(Clone)]
pub struct HostPairs<'a, 's> {
    src: &'s str,
    pairs: std::slice::Iter<'a, Pair>,
    /// The values kept as nodes, in order, their nodes and the spans of
    /// those kept by their shape.
    values: std::slice::Iter<'a, Value>,
    nodes: &'a [Node<'s>],
    shape_spans: &'a [u8],
    shape_texts: &'a Cow<'s, str>,
}

impl<'s> Iterator for HostPairs<'_, 's> {
    type Item = (Node<'s>, Node<'s>);
    fn next(&mut self) -> Option<Self::Item> {
        let pair = self.pairs.next()?;
        let value = match pair.value_style {
            Some(style) => pair.value_node(self.src, style),
            None => {
                let value = self.values.next().expect("a value per var");
                self.kept(value).node().into_owned()
            }
        };
        let key = pair.key();
        Some((
            scalar(key, pair.key_style, text_at(self.src, key, pair.key_style)),
            value,
        ))
    }
}

impl<'a, 's> HostPairs<'a, 's> {
    /// The value kept as a node that `value` is.
    fn kept(&self, value: &Value) -> KeptValue<'a, 's> {
        KeptValue {
            src: self.src,
            model: &self.nodes[value.node as usize],
            shift: value.shift,
            spans: shape_bytes(self.shape_spans, value.spans),
            texts: self.shape_texts,
        }
    }

    /// How many vars.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.len() == 0
    }

    /// The vars as they are written: scalars without nodes, other values as
    /// the nodes kept.
    pub fn written(
        &self,
    ) -> impl Iterator<Item = (Written<'s>, WrittenValue<'a, 's>)> + use<'a, 's> {
        let src = self.src;
        (self.pairs.clone().map(move |p| p.written_key(src))).zip(self.values())
    }

    /// The values of [`HostPairs::written`], without their keys.
    pub fn values(&self) -> impl Iterator<Item = WrittenValue<'a, 's>> + use<'a, 's> {
        let src = self.src;
        let mut values = self.values.clone();
        let this = self.clone();
        (self.pairs.clone()).map(move |p| match p.value_style {
            Some(style) => WrittenValue::Scalar(p.written_value(src, style)),
            None => WrittenValue::Node(this.kept(values.next().expect("a value per var"))),
        })
    }

    /// Where the texts of the keys lie (see [`VarSpans::key`]), in order.
    pub fn keys(&self) -> impl Iterator<Item = Span> + use<'a> {
        (self.pairs.clone()).map(|p| inside(p.key(), p.key_style))
    }

    /// The vars by where their texts lie, `None` if a value is kept as a
    /// node: what [`HostPairs::scalars`] gives, without a text sliced (each
    /// slice of the source is checked to fall between characters).
    pub fn spans(&self) -> Option<impl Iterator<Item = VarSpans> + use<'a>> {
        (self.values.len() == 0).then(|| self.pairs.clone().map(Pair::spans))
    }

    /// The vars by where their texts lie ([`HostPairs::spans`]), each with
    /// its value kept as a node where it is one (its `value_style` is then
    /// `None`).
    pub fn spans_kept(&self) -> impl Iterator<Item = (VarSpans, Option<KeptValue<'a, 's>>)> {
        let mut values = self.values.clone();
        let this = self.clone();
        (self.pairs.clone()).map(move |p| {
            let kept = (p.value_style.is_none())
                .then(|| this.kept(values.next().expect("a value per var")));
            (p.spans(), kept)
        })
    }

    /// [`HostPairs::written`] of vars whose values are all scalars as
    /// written, `None` if one is kept as a node: items with no node to carry
    /// are a quarter the size, and moved without a stall (at 1M host entries
    /// of one address each, moving `written`'s items was a fifth of writing
    /// the inventory).
    pub fn scalars(
        &self,
    ) -> Option<impl Iterator<Item = (Written<'s>, Written<'s>)> + use<'a, 's>> {
        let src = self.src;
        (self.values.len() == 0).then(|| {
            (self.pairs.clone()).map(move |p| {
                let style = p.value_style.expect("no value kept as a node");
                (p.written_key(src), p.written_value(src, style))
            })
        })
    }
}

/// A var of a host entry by where its texts lie in the source, for what
/// reads many entries and needs no more (see [`HostPairs::spans`]).
#[derive(Debug, Clone, Copy)]
pub struct VarSpans {
    /// The key's text (inside the quotes, for a quoted key).
    pub key: Span,
    /// The value's text, where `value_style` is set: the style of a value
    /// that is an untagged plain or quoted scalar (inside the quotes). `None`
    /// for any other value (`value` is then its span): a block scalar, a
    /// tagged one.
    pub value: Span,
    pub value_style: Option<Style>,
}

/// The value of a var of a host entry: a scalar as written, or a node.
pub enum WrittenValue<'a, 's> {
    Scalar(Written<'s>),
    Node(KeptValue<'a, 's>),
}

/// A var's value kept as a node in a host list (see [`Value`]), made a node
/// when asked for: [`KeptValue::node`], or [`KeptValue::node_in`], which
/// reuses the node made for the last value of the same shape.
#[derive(Clone, Copy)]
pub struct KeptValue<'a, 's> {
    src: &'s str,
    /// The node, or the one of its shape.
    model: &'a Node<'s>,
    shift: u32,
    /// Its own spans (and more after them), for a value kept by its shape,
    /// from `shift` on.
    /// (see [`ShapeSpans`]).
    spans: Option<ShapeBytes<'a>>,
    /// The list's `shape_texts`: the values of its scalars that are not
    /// their text as written.
    texts: &'a Cow<'s, str>,
}

impl<'a, 's> KeptValue<'a, 's> {
    /// Whether the value holds no tag and no alias ([`Node::is_untagged`]):
    /// a value kept by its shape is untagged when its shape's node is.
    pub fn is_untagged(&self) -> bool {
        self.model.is_untagged()
    }

    /// Its node, or the node of its shape: for a value written alike or kept
    /// by its shape, the first value written so.
    pub fn model(&self) -> &'a Node<'s> {
        self.model
    }

    /// Whether it is [`KeptValue::model`] itself, where it was first
    /// written (no other value written alike, or of its shape, read yet).
    pub fn is_model(&self) -> bool {
        self.spans.is_none() && self.shift == 0
    }

    /// Whether it is kept by its shape and a scalar of it is not its text
    /// as written (folded over lines, escaped: see [`DECODED`]).
    pub fn has_decoded(&self) -> bool {
        self.spans.is_some_and(|spans| spans.decoded)
    }

    /// The source it is written in.
    pub fn src(&self) -> &'s str {
        self.src
    }

    /// For a value kept by its shape, the spans of its own nodes, one for
    /// each node of [`KeptValue::model`] in [`same_shape`]'s order (a node
    /// before those inside it: a sequence's items as [`Node::items`] gives
    /// them, a mapping's keys and values in turn); `None` for any other
    /// value (written as its model is). For a value with
    /// [`KeptValue::has_decoded`], more follows some spans (see
    /// [`DECODED`]): each scalar's and host list's span is to be followed by
    /// [`OwnSpans::decoded`], and each name's of a host list by
    /// [`OwnSpans::name_end`].
    pub fn own_spans(&self) -> Option<OwnSpans<'a>> {
        self.spans.map(|spans| OwnSpans {
            spans: ShapeSpans::new(spans),
            base: self.shift,
            texts: self.texts,
        })
    }

    /// The value as a node.
    pub fn node(&self) -> Cow<'a, Node<'s>> {
        match (self.spans, self.shift) {
            (None, 0) => Cow::Borrowed(self.model),
            (None, shift) => Cow::Owned(shifted(self.src, self.model, shift)),
            (Some(spans), shift) => {
                let mut node = self.model.clone();
                let spans = &mut ShapeSpans::new(spans);
                fill((self.src, self.texts), &mut node, spans, shift);
                Cow::Owned(node)
            }
        }
    }

    /// [`KeptValue::node`], made in `scratch` for a value kept by its shape:
    /// the node made there for the last value of that shape, its spans and
    /// values set anew, so that reading a million values of one shape
    /// allocates nothing.
    pub fn node_in<'n>(&self, scratch: &'n mut ValueScratch<'s>) -> Cow<'n, Node<'s>>
    where
        'a: 'n,
    {
        let Some(spans) = self.spans else {
            return self.node();
        };
        let model = self.model as *const Node<'s> as usize;
        if scratch.model != model || scratch.node.is_none() {
            scratch.model = model;
            scratch.node = Some(self.model.clone());
        }
        let node = scratch.node.as_mut().expect("made above");
        fill(
            (self.src, self.texts),
            node,
            &mut ShapeSpans::new(spans),
            self.shift,
        );
        Cow::Borrowed(node)
    }
}

/// The spans of the nodes of a value kept by its shape ([`KeptValue::own_spans`]).
#[derive(Clone)]
pub struct OwnSpans<'a> {
    spans: ShapeSpans<'a>,
    base: u32,
    /// The list's `shape_texts` (see [`OwnSpans::decoded`]).
    texts: &'a str,
}

impl<'a> OwnSpans<'a> {
    /// Right after a scalar's span: its value, when it is not its text as
    /// written (folded over lines, escaped: see [`DECODED`]); `None` when
    /// it is (then [`shaped_scalar`] gives it), and for every scalar of a
    /// value without [`KeptValue::has_decoded`].
    // Inlined into the walks of a plan (`shaped::Walk`: a call cost more
    // than the read).
    #[inline(always)]
    pub fn decoded(&mut self) -> Option<&'a str> {
        let texts = self.texts;
        (self.spans.text()).map(|(start, len)| &texts[start as usize..(start + len) as usize])
    }

    /// Right after the span of a name of a host list, `listed` when
    /// [`OwnSpans::decoded`] gave that list's decoded names: where the
    /// name's value ends in them, if it is one of them (it starts where the
    /// one before ends, or at 0).
    #[inline(always)]
    pub fn name_end(&mut self, listed: bool) -> Option<u32> {
        self.spans.name_end(listed)
    }

    /// The spans, to be read by index ([`SpansByIndex::at`]), when nothing
    /// but spans follows them ([`DECODED`]): each then takes as many bytes.
    #[inline]
    pub fn by_index(&self) -> Option<SpansByIndex<'a>> {
        (!self.spans.decoded).then_some(SpansByIndex {
            bytes: self.spans.bytes.as_slice(),
            wide: self.spans.wide,
            base: self.base,
        })
    }

    /// The spans of a value with [`KeptValue::has_decoded`], and what
    /// follows them, to be read by their places ([`SpansAt`]) rather than
    /// in turn.
    #[inline]
    pub fn at_places(&self) -> SpansAt<'a> {
        SpansAt {
            bytes: self.spans.bytes.as_slice(),
            wide: self.spans.wide,
            base: self.base,
            texts: self.texts,
        }
    }
}

/// The spans of a value kept by its shape with nothing but spans
/// ([`OwnSpans::by_index`]): where the value starts, and its spans as the
/// list holds them, two bytes each or four ([`WIDE`]; the list's bytes
/// after them follow).
#[derive(Clone, Copy)]
pub struct SpansByIndex<'a> {
    bytes: &'a [u8],
    wide: bool,
    base: u32,
}

impl SpansByIndex<'_> {
    /// The span of the value's `k`th node (in [`same_shape`]'s order),
    /// without reading those before it.
    #[inline(always)]
    pub fn at(&self, k: u32) -> Span {
        let k = k as usize;
        let (at, len) = match self.wide {
            false => (
                u32::from(self.bytes[2 * k]),
                u32::from(self.bytes[2 * k + 1]),
            ),
            true => {
                let half =
                    |i: usize| u32::from(u16::from_le_bytes([self.bytes[i], self.bytes[i + 1]]));
                (half(4 * k), half(4 * k + 2))
            }
        };
        let start = self.base + at;
        Span {
            start,
            end: start + len,
        }
    }
}

/// A place among the bytes of a value's own spans, in a value with
/// [`KeptValue::has_decoded`]: after the first `spans` spans and `extra`
/// bytes of what follows some of them (see [`DECODED`]). A reader that
/// knows how such a value is laid out (which of its scalars are decoded)
/// knows the place of each span, and of what follows it, without reading
/// those before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanPlace {
    pub spans: u32,
    pub extra: u32,
}

/// The spans of a value kept by its shape with [`KeptValue::has_decoded`]
/// ([`OwnSpans::at_places`]), read by their places: where the value
/// starts, its spans as the list holds them, two bytes each or four
/// ([`WIDE`]), and what follows them ([`DECODED`]; the list's bytes after
/// them follow).
#[derive(Clone, Copy)]
pub struct SpansAt<'a> {
    bytes: &'a [u8],
    wide: bool,
    base: u32,
    /// The list's `shape_texts`.
    texts: &'a str,
}

impl<'a> SpansAt<'a> {
    /// Where `place` is in the bytes.
    #[inline(always)]
    fn offset(&self, place: SpanPlace) -> usize {
        let span = if self.wide { 4 } else { 2 };
        place.spans as usize * span + place.extra as usize
    }

    /// The span at `place`, the start of a span the value has.
    #[inline(always)]
    pub fn span(&self, place: SpanPlace) -> Span {
        let i = self.offset(place);
        let (at, len) = match self.wide {
            false => (u32::from(self.bytes[i]), u32::from(self.bytes[i + 1])),
            true => {
                let half =
                    |i: usize| u32::from(u16::from_le_bytes([self.bytes[i], self.bytes[i + 1]]));
                (half(i), half(i + 2))
            }
        };
        let start = self.base + at;
        Span {
            start,
            end: start + len,
        }
    }

    /// The byte at `place`, if the list holds one there.
    #[inline(always)]
    pub fn byte(&self, place: SpanPlace) -> Option<u8> {
        self.bytes.get(self.offset(place)).copied()
    }

    /// The four bytes at `place`, little-endian: where a decoded name
    /// ends in its list's names ([`OwnSpans::name_end`]).
    #[inline(always)]
    pub fn word(&self, place: SpanPlace) -> u32 {
        let i = self.offset(place);
        let word = self.bytes[i..i + 4]
            .try_into()
            .expect("written with the spans");
        u32::from_le_bytes(word)
    }

    /// The text whose start and length are the two words at `place`: a
    /// decoded scalar's value, or a host list's decoded names
    /// ([`OwnSpans::decoded`]).
    #[inline(always)]
    pub fn text(&self, place: SpanPlace) -> &'a str {
        let start = self.word(place) as usize;
        let len = self.word(SpanPlace {
            extra: place.extra + 4,
            ..place
        }) as usize;
        &self.texts[start..start + len]
    }
}

impl Iterator for OwnSpans<'_> {
    type Item = Span;
    #[inline]
    fn next(&mut self) -> Option<Span> {
        let span = self.spans.next()?;
        let start = self.base + u32::from(span.at);
        Some(Span {
            start,
            end: start + u32::from(span.len),
        })
    }
}

/// The value of a scalar of `style` of a value kept by its shape (see
/// [`KeptValue::own_spans`]), written at `span`: what [`KeptValue::node`]
/// makes its value.
pub fn shaped_scalar(src: &str, span: Span, style: Style) -> &str {
    text_at(src, span, style)
}

/// Where [`KeptValue::node_in`] makes its nodes.
#[derive(Debug, Default)]
pub struct ValueScratch<'s> {
    /// The address of the node `node` was made from.
    model: usize,
    node: Option<Node<'s>>,
}

/// A scalar of a host entry's vars: where it is written, its style, and its
/// value (its text).
#[derive(Debug, Clone, Copy)]
pub struct Written<'s> {
    pub span: Span,
    pub style: Style,
    pub value: &'s str,
    /// The length of its tag, which its span starts with (a local tag as
    /// written, `!unsafe 'x1'`; see [`Written::tag`]); 0 for none.
    pub tag_len: u16,
}

impl<'s> Written<'s> {
    /// Its tag as written in `src` (`!unsafe`), which is also the tag
    /// the parser resolved, if it has one.
    pub fn tag(&self, src: &'s str) -> Option<&'s str> {
        let start = self.span.start();
        (self.tag_len != 0).then(|| &src[start..start + usize::from(self.tag_len)])
    }
}

/// The value of the scalar of `style` written at `span`: its text (inside the
/// quotes, for a quoted one).
fn text_at(src: &str, span: Span, style: Style) -> &str {
    let (start, end) = (span.start(), span.end as usize);
    match style {
        Style::Plain => &src[start..end],
        _ => &src[start + 1..end - 1],
    }
}

/// The span of [`text_at`]: inside the quotes of a scalar not plain.
pub fn inside(span: Span, style: Style) -> Span {
    match style {
        Style::Plain => span,
        _ => Span {
            start: span.start + 1,
            end: span.end - 1,
        },
    }
}

/// The scalar of `style` written at `span` (see [`text_at`]).
fn scalar_at(src: &str, span: Span, style: Style) -> Node<'_> {
    scalar(span, style, text_at(src, span, style))
}

/// The untagged scalar of `style` at `span` whose value is `text`.
fn scalar<'s>(span: Span, style: Style, text: &'s str) -> Node<'s> {
    Node {
        span,
        kind: Kind::Scalar(Scalar {
            value: Cow::Borrowed(text),
            style,
            tag: None,
        }),
    }
}

/// Whether `b` is `a` written `shift` bytes further on in `src`: the same
/// nodes, each `shift` bytes on, with the same values (borrowed from the
/// source `shift` bytes on), styles and tags; no alias, no names kept decoded.
fn same_shifted(src: &str, a: &Node, b: &Node, shift: u32) -> bool {
    let text = |span: Span| src.get(span.start()..span.end as usize);
    let span = |a: Span, b: Span| {
        a.start + shift == b.start
            && a.end + shift == b.end
            && text(a).is_some()
            && text(a) == text(b)
    };
    if !span(a.span, b.span) {
        return false;
    }
    let all = |a: &[Node], b: &[Node]| {
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_shifted(src, a, b, shift))
    };
    match (&a.kind, &b.kind) {
        (Kind::Scalar(a), Kind::Scalar(b)) => {
            let value = match (&a.value, &b.value) {
                (Cow::Borrowed(x), Cow::Borrowed(y)) => {
                    x == y
                        && in_source(src, x)
                            .is_some_and(|at| in_source(src, y) == Some(at + shift as usize))
                }
                (Cow::Owned(x), Cow::Owned(y)) => x == y,
                _ => false,
            };
            value && a.style == b.style && a.tag == b.tag
        }
        (Kind::Seq(a), Kind::Seq(b)) => all(a, b),
        (Kind::Map(a), Kind::Map(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|((ak, av), (bk, bv))| {
                    same_shifted(src, ak, bk, shift) && same_shifted(src, av, bv, shift)
                })
        }
        (Kind::Tagged(a), Kind::Tagged(b)) => a.0 == b.0 && same_shifted(src, &a.1, &b.1, shift),
        (Kind::HostSeq(a), Kind::HostSeq(b)) => {
            let pair = |a: &Pair, b: &Pair| {
                let block = |p: &Pair| Span {
                    start: p.value,
                    end: p.value + u32::from(p.extra_len),
                };
                span(a.key(), b.key())
                    && span(a.value(), b.value())
                    && span(block(a), block(b))
                    && (
                        a.key_len,
                        a.value_len,
                        a.extra_len,
                        a.key_style,
                        a.value_style,
                    ) == (
                        b.key_len,
                        b.value_len,
                        b.extra_len,
                        b.key_style,
                        b.value_style,
                    )
            };
            // An alias is no value written alike (as when its entry was
            // a node).
            a.decoded.is_empty()
                && b.decoded.is_empty()
                && a.aliased.is_empty()
                && b.aliased.is_empty()
                && a.spans.len() == b.spans.len()
                && a.spans.iter().zip(&b.spans).all(|(x, y)| span(*x, *y))
                && same_slices(&a.entries, &b.entries)
                && a.pairs.len() == b.pairs.len()
                && a.pairs.iter().zip(&b.pairs).all(|(x, y)| pair(x, y))
                && a.values.len() == b.values.len()
                && a.values.iter().zip(&b.values).all(|(x, y)| {
                    // A value kept by its shape starts `shift` bytes on.
                    let moved = if x.spans == NO_SPANS { 0 } else { shift };
                    *x == Value {
                        shift: y.shift.wrapping_sub(moved),
                        ..*y
                    }
                })
                && all(&a.value_trees, &b.value_trees)
                && same_slices(&a.shape_spans, &b.shape_spans)
                && a.shape_texts == b.shape_texts
                && all(&a.nodes, &b.nodes)
                && same_slices(&a.node_at, &b.node_at)
                && a.names == b.names
                && a.names_tag == b.names_tag
                && same_slices(&a.decoded_at, &b.decoded_at)
        }
        _ => false,
    }
}

/// `a == b`, without comparing the memory of empty lists: their pointer
/// is no address, and the vector loads of `memcmp` at it, masked out,
/// cost a fault each (a million host entries: a tenth of the run).
fn same_slices<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len() && (a.is_empty() || a == b)
}

/// Where `text` starts in `src`, if it is a slice of it.
fn in_source(src: &str, text: &str) -> Option<usize> {
    let at = (text.as_ptr() as usize).checked_sub(src.as_ptr() as usize)?;
    (at + text.len() <= src.len()).then_some(at)
}

/// A copy of `node` written `shift` bytes further on in `src` (see
/// [`same_shifted`]).
fn shifted<'s>(src: &'s str, node: &Node<'s>, shift: u32) -> Node<'s> {
    let mut node = node.clone();
    if shift != 0 {
        shift_by(src, &mut node, shift);
    }
    node
}

fn shift_by<'s>(src: &'s str, node: &mut Node<'s>, shift: u32) {
    let span = |span: &mut Span| {
        span.start += shift;
        span.end += shift;
    };
    span(&mut node.span);
    match &mut node.kind {
        Kind::Scalar(scalar) => {
            if let Cow::Borrowed(text) = scalar.value
                && let Some(at) = in_source(src, text)
            {
                let at = at + shift as usize;
                scalar.value = Cow::Borrowed(&src[at..at + text.len()]);
            }
        }
        Kind::Seq(items) => items.iter_mut().for_each(|item| shift_by(src, item, shift)),
        Kind::Map(entries) => entries.iter_mut().for_each(|(key, value)| {
            shift_by(src, key, shift);
            shift_by(src, value, shift);
        }),
        Kind::Tagged(tagged) => shift_by(src, &mut tagged.1, shift),
        Kind::HostSeq(seq) => {
            let seq = Arc::make_mut(seq);
            seq.spans.iter_mut().for_each(span);
            seq.pairs.iter_mut().for_each(|pair| {
                pair.key += shift;
                pair.value += shift;
            });
            (seq.value_trees.iter_mut()).for_each(|node| shift_by(src, node, shift));
            // Values kept by their shape start `shift` bytes on.
            (seq.values.iter_mut())
                .filter(|value| value.spans != NO_SPANS)
                .for_each(|value| value.shift += shift);
            (seq.nodes.iter_mut()).for_each(|node| shift_by(src, node, shift));
            (seq.aliased.iter_mut()).for_each(|aliased| aliased.alias += shift);
        }
        Kind::Alias(_) => {}
    }
}

/// Whether `node` has the shape of `model`: the same kinds of node, as many
/// items and entries, the same collection tags, scalar styles and scalar
/// tags, every scalar of `node` plain or quoted (a tagged one's text after
/// its tag and a space, `!unsafe 'x1'`: a var of its own tagged on every
/// host is kept by its shape, not as a node of its own), every host list in it names
/// only, kept by their spans (no host entry) and as many as `model`'s, of
/// the same style and tag; no alias; every node within 64 KiB of where the
/// value starts, at `base`. Pushes the spans of `node`'s nodes onto `spans`
/// as it goes, from `base` on, each node's before those inside it (a host
/// list's own, then its items'), keys before values, each with where its
/// value is in `texts` (pushed there) if it is not its text as written (see
/// [`Decoded`]): with them, `model` is made into `node` again by [`fill`].
/// Leaves what it pushed when false.
fn same_shape(
    src: &str,
    model: &Node,
    node: &Node,
    base: u32,
    (spans, texts): (&mut Vec<ShapeSpan>, &mut String),
) -> bool {
    let shape_span = |span: Span, value: Decoded| {
        let at = u16::try_from(span.start.checked_sub(base)?).ok()?;
        let len = u16::try_from(span.end - span.start).ok()?;
        Some(ShapeSpan { at, len, value })
    };
    // Where `text`, pushed onto `texts`, is there.
    let keep = |texts: &mut String, text: &str| {
        let start = u32::try_from(texts.len()).ok()?;
        texts.push_str(text);
        Some((start, u32::try_from(text.len()).ok()?))
    };
    let Some(span) = shape_span(node.span, Decoded::Node) else {
        return false;
    };
    spans.push(span);
    let here = spans.len() - 1;
    match (&model.kind, &node.kind) {
        (Kind::Scalar(a), Kind::Scalar(b)) => {
            // A tagged scalar's text is after its tag (`!unsafe 'x1'`).
            let text_span = match b.tag {
                Some(_) => after_tag(src, node.span),
                None => Some(node.span),
            };
            let Some(text_span) = text_span else {
                return false;
            };
            let (start, end) = (text_span.start(), text_span.end as usize);
            let text = match b.style {
                Style::Plain => src.get(start..end),
                Style::SingleQuoted | Style::DoubleQuoted if end >= start + 2 => {
                    src.get(start + 1..end - 1)
                }
                _ => None,
            };
            let Some(text) = text else {
                return false;
            };
            let value = match text == b.value {
                true => None,
                false => match keep(texts, &b.value) {
                    Some(at) => Some(at),
                    None => return false,
                },
            };
            spans[here].value = Decoded::Scalar(value);
            a.style == b.style && a.tag == b.tag
        }
        (Kind::Seq(a), Kind::Seq(b)) => {
            a.len() == b.len()
                && (a.iter().zip(b)).all(|(a, b)| same_shape(src, a, b, base, (spans, texts)))
        }
        (Kind::Map(a), Kind::Map(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|((ak, av), (bk, bv))| {
                    same_shape(src, ak, bk, base, (spans, texts))
                        && same_shape(src, av, bv, base, (spans, texts))
                })
        }
        (Kind::Tagged(a), Kind::Tagged(b)) => {
            a.0 == b.0 && same_shape(src, &a.1, &b.1, base, (spans, texts))
        }
        (Kind::HostSeq(a), Kind::HostSeq(b)) => {
            let same = a.entries.is_empty()
                && b.entries.is_empty()
                && a.aliased.is_empty()
                && b.aliased.is_empty()
                && a.spans.len() == b.spans.len()
                && same_slices(&a.node_at, &b.node_at)
                && (a.names, &a.names_tag) == (b.names, &b.names_tag);
            if !same {
                return false;
            }
            let listed = !b.decoded_at.is_empty();
            let names = match listed {
                true => match keep(texts, &b.decoded) {
                    Some(at) => Some(at),
                    None => return false,
                },
                false => None,
            };
            spans[here].value = Decoded::Names(names);
            let mut nodes = a.nodes.iter().zip(&b.nodes);
            let mut node_at = a.node_at.iter().peekable();
            let mut decoded = b.decoded_at.iter().peekable();
            (0..b.spans.len()).all(|index| {
                if node_at.next_if_eq(&&(index as u32)).is_some() {
                    let (a, b) = nodes.next().expect("a node per index");
                    return same_shape(src, a, b, base, (spans, texts));
                }
                let end = decoded.next_if(|&&(item, _)| item == index as u32);
                let value = Decoded::Name {
                    listed,
                    end: end.map(|&(_, end)| end),
                };
                shape_span(b.spans[index], value)
                    .map(|span| spans.push(span))
                    .is_some()
            })
        }
        _ => false,
    }
}

/// Makes `node`, of the shape of a value kept by its shape (see
/// [`same_shape`]), that value: its spans from `spans`, from `base` on, each
/// scalar's value its text there, or where [`DECODED`] says in `texts` (the
/// list's `shape_texts`).
fn fill<'s>(
    (src, texts): (&'s str, &Cow<'s, str>),
    node: &mut Node<'s>,
    spans: &mut ShapeSpans,
    base: u32,
) {
    node.span = spans.next_at(base);
    let fill = |node: &mut Node<'s>, spans: &mut ShapeSpans| fill((src, texts), node, spans, base);
    match &mut node.kind {
        Kind::Scalar(scalar) => {
            scalar.value = match spans.text() {
                Some(at) => text_in(texts, at),
                None => Cow::Borrowed(name_at(src, node.span, scalar.style, scalar.tag.is_some())),
            }
        }
        Kind::Seq(items) => (items.iter_mut()).for_each(|item| fill(item, spans)),
        Kind::Map(entries) => entries.iter_mut().for_each(|(key, value)| {
            fill(key, spans);
            fill(value, spans);
        }),
        Kind::Tagged(tagged) => fill(&mut tagged.1, spans),
        Kind::HostSeq(seq) => {
            let seq = Arc::make_mut(seq);
            let names = spans.text();
            seq.decoded = names.map_or(Cow::Borrowed(""), |at| text_in(texts, at));
            seq.decoded_at.clear();
            let mut nodes = seq.nodes.iter_mut();
            let mut node_at = seq.node_at.iter().peekable();
            for (index, span) in seq.spans.iter_mut().enumerate() {
                if node_at.next_if_eq(&&(index as u32)).is_some() {
                    let node = nodes.next().expect("a node per index");
                    fill(node, spans);
                    *span = node.span;
                } else {
                    *span = spans.next_at(base);
                    if let Some(end) = spans.name_end(names.is_some()) {
                        seq.decoded_at.push((index as u32, end));
                    }
                }
            }
        }
        Kind::Alias(_) => unreachable!("no alias in a value kept by its shape"),
    }
}

/// The text at `(start, len)` in `texts`, borrowed where `texts` is.
fn text_in<'s>(texts: &Cow<'s, str>, (start, len): (u32, u32)) -> Cow<'s, str> {
    let range = start as usize..(start + len) as usize;
    match texts {
        Cow::Borrowed(texts) => Cow::Borrowed(&texts[range]),
        Cow::Owned(texts) => Cow::Owned(texts[range].to_string()),
    }
}

/// How a scalar node can be kept in a [`HostSeq`]: its style, when its value
/// is its text as written and it has no tag.
fn as_written(src: &str, node: &Node) -> Option<Style> {
    match &node.kind {
        Kind::Scalar(scalar) if scalar.tag.is_none() => as_written_tagged(src, node),
        _ => None,
    }
}

/// [`as_written`], a tag allowed: the value is then the text after the tag
/// and a space (see [`name_at`]).
fn as_written_tagged(src: &str, node: &Node) -> Option<Style> {
    let Kind::Scalar(scalar) = &node.kind else {
        return None;
    };
    let span = match scalar.tag {
        Some(_) => after_tag(src, node.span)?,
        None => node.span,
    };
    let (start, end) = (span.start(), span.end as usize);
    let (start, end) = match scalar.style {
        Style::Plain => (start, end),
        Style::SingleQuoted | Style::DoubleQuoted if end >= start + 2 => (start + 1, end - 1),
        _ => return None,
    };
    // Borrowed from that very text (as the fast reader's scalars are): no
    // need to compare the bytes.
    let value = scalar.value.as_bytes();
    if std::ptr::eq(value.as_ptr(), src.as_ptr().wrapping_add(start)) && value.len() == end - start
    {
        return Some(scalar.style);
    }
    (src.get(start..end)? == scalar.value).then_some(scalar.style)
}

/// How a var's value can be kept in a host entry of a [`HostSeq`]: as
/// [`as_written`], or a literal or folded block scalar whose value is the
/// source's text from where its span starts (one line, its line break and
/// any blank lines kept as written: `|+` then `hi` and a blank line), with
/// the length of that text.
fn value_as_written(src: &str, node: &Node) -> Option<(Style, u16)> {
    let Kind::Scalar(scalar) = &node.kind else {
        return None;
    };
    match scalar.style {
        Style::Literal | Style::Folded if scalar.tag.is_none() => {
            let len = u16::try_from(scalar.value.len()).ok()?;
            let start = node.span.start();
            let text = src.get(start..start + usize::from(len))?;
            // Borrowed from that very text (as the fast reader's may be): no
            // need to compare the bytes.
            let value = scalar.value.as_bytes();
            let here = std::ptr::eq(value.as_ptr(), text.as_ptr());
            (here || text == scalar.value).then_some((scalar.style, len))
        }
        _ if scalar.tag.is_some() => {
            let tag = scalar.tag.as_deref()?;
            let len = u16::try_from(tag.len()).ok()?;
            let start = node.span.start();
            // A local tag as written (`!unsafe`, not `!!str`), then a space.
            let written = src.get(start..start + tag.len() + 1)?;
            let local = tag.starts_with('!') && !tag.starts_with("!!");
            let kept = local && written.strip_suffix(' ') == Some(tag.as_str());
            kept.then(|| Some((as_written_tagged(src, node)?, len)))?
        }
        _ => Some((as_written(src, node)?, 0)),
    }
}

/// The span of the text of a scalar whose span `span` starts with a tag,
/// after it and a space (see [`after_tag`]).
fn tagged_text(src: &str, span: Span) -> Span {
    after_tag(src, span).expect("checked when kept")
}

/// The span of a tagged scalar's text after its tag (`!!str web1`): after
/// the first space and the spaces after it.
fn after_tag(src: &str, span: Span) -> Option<Span> {
    // Bytes, not `split_once`: a million `!!str` names come here twice.
    let text = src.as_bytes().get(span.start()..span.end as usize)?;
    let space = text.iter().position(|&b| b == b' ')?;
    let spaces = text[space..].iter().take_while(|&&b| b == b' ').count();
    Some(Span::new(span.start() + space + spaces, span.end as usize))
}

/// The value of a scalar item of a [`HostSeq`] kept by its span: its text
/// as written, after its tag if `tagged`.
fn name_at(src: &str, span: Span, style: Style, tagged: bool) -> &str {
    match tagged {
        true => text_at(src, after_tag(src, span).expect("checked when kept"), style),
        false => text_at(src, span, style),
    }
}

/// The character a double-quoted scalar's escape stands for, and the
/// escape's length; `text` starts at its backslash. `None` for an escape
/// this does not take (an escaped line break, an unknown one).
pub fn escape(text: &str) -> Option<(char, usize)> {
    let hex = |digits: usize| {
        let hex = text.get(2..2 + digits)?;
        let hex_digits = hex.bytes().all(|b| b.is_ascii_hexdigit());
        char::from_u32(u32::from_str_radix(hex, 16).ok().filter(|_| hex_digits)?)
    };
    Some(match text.as_bytes().get(1)? {
        b'0' => ('\0', 2),
        b'a' => ('\u{7}', 2),
        b'b' => ('\u{8}', 2),
        b't' => ('\t', 2),
        b'n' => ('\n', 2),
        b'v' => ('\u{B}', 2),
        b'f' => ('\u{C}', 2),
        b'r' => ('\r', 2),
        b'e' => ('\u{1B}', 2),
        b' ' => (' ', 2),
        b'"' => ('"', 2),
        b'/' => ('/', 2),
        b'\\' => ('\\', 2),
        b'N' => ('\u{85}', 2),
        b'_' => ('\u{A0}', 2),
        b'L' => ('\u{2028}', 2),
        b'P' => ('\u{2029}', 2),
        b'x' => (hex(2)?, 4),
        b'u' => (hex(4)?, 6),
        b'U' => (hex(8)?, 10),
        _ => return None,
    })
}

impl<'s> HostSeq<'s> {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Where the item whose value `name` is written, if `name` is (a slice
    /// of) the value of an item that is not its text as written, as the list
    /// keeps it in a [`Texts`]: names borrowed from there are placed by it.
    pub fn decoded_place(&self, name: &str) -> Option<usize> {
        let offset = self.decoded_offset(name)?;
        let at = self
            .decoded_at
            .partition_point(|&(_, end)| end as usize <= offset);
        let &(item, _) = self.decoded_at.get(at)?;
        Some(self.spans[item as usize].start())
    }

    /// Where `name` starts in the decoded names kept in a [`Texts`], if it
    /// is a non-empty slice of them.
    pub fn decoded_offset(&self, name: &str) -> Option<usize> {
        let Cow::Borrowed(decoded) = self.decoded else {
            return None;
        };
        let offset = (name.as_ptr() as usize).checked_sub(decoded.as_ptr() as usize)?;
        (!name.is_empty() && offset + name.len() <= decoded.len()).then_some(offset)
    }

    /// How many items are host entries, and about how long their vars are
    /// as JSON: the text of their vars mappings, with room for quotes around
    /// every key and value and for braces, and around every node inside a
    /// value kept as a node (`[http: 80]`: `[{"http":80}]`).
    pub fn vars_size(&self) -> (usize, usize) {
        let mut from = 0;
        let text: usize = (self.entries.iter())
            .map(|e| {
                let vars = e.vars(&self.pairs[from..e.pairs_end as usize]);
                from = e.pairs_end as usize;
                (vars.end - vars.start) as usize + 2
            })
            .sum();
        let sizes: Vec<usize> = self.value_trees.iter().map(Node::size).collect();
        let values: usize = (self.values.iter()).map(|v| sizes[v.node as usize]).sum();
        (self.entries.len(), text + 3 * (self.pairs.len() + values))
    }

    /// The vars of host entry `k` (the `k`th [`HostItem::Entry`] of
    /// [`HostSeq::items`]): the strategy keeps the list (an `Arc`) and
    /// writes them as JSON from here, rather than a copy of them as JSON
    /// text (see `strategy::HostVarsText`).
    pub fn entry_vars(&self, k: usize) -> Option<HostPairs<'_, 's>> {
        let host = self.entries.get(k)?;
        Some(self.pairs_of(self.vars_from(k), host).1)
    }

    /// The host entries `range` (by their number, as in
    /// [`HostSeq::entry_vars`]), in order: the span of each one's vars
    /// mapping and its vars, as [`HostItem::Entry`] gives them, without the
    /// items between made nor the entries' names (for what reads the vars of
    /// many entries and nothing else). None past the last entry.
    pub fn entries(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (Span, HostPairs<'_, 's>)> + use<'_, 's> {
        let mut from = self.vars_from(range.start);
        let end = range.end.min(self.entries.len());
        let hosts = self.entries.get(range.start..end).unwrap_or_default();
        hosts.iter().map(move |host| {
            let (vars, pairs) = self.pairs_of(from, host);
            from = (host.pairs_end, host.values_end);
            (vars, pairs)
        })
    }

    /// Where the vars of host entry `k` start in `pairs`, and its values
    /// kept as nodes in `values`: where those of the entry before end.
    #[inline]
    fn vars_from(&self, k: usize) -> (u32, u32) {
        let before = k.checked_sub(1).and_then(|before| self.entries.get(before));
        before.map_or((0, 0), |e| (e.pairs_end, e.values_end))
    }

    /// The span of the vars mapping of host entry `host`, and its vars,
    /// which start at `from` (see [`HostSeq::vars_from`]). Inlined, as
    /// [`HostItems::next`] is.
    #[inline]
    fn pairs_of(&self, (from, values): (u32, u32), host: &HostEntry) -> (Span, HostPairs<'_, 's>) {
        let pairs = &self.pairs[from as usize..host.pairs_end as usize];
        let vars = HostPairs {
            src: self.src,
            pairs: pairs.iter(),
            values: self.values[values as usize..host.values_end as usize].iter(),
            nodes: &self.value_trees,
            shape_spans: &self.shape_spans,
            shape_texts: &self.shape_texts,
        };
        (host.vars(pairs), vars)
    }

    /// [`HostPairs::spans`] of host entry `k` ([`HostSeq::entry_vars`]),
    /// read without the rest of its vars: `None` when it has a value kept
    /// as a node, or there is no such entry. (Writing a million entries of
    /// scalars, making the whole [`HostPairs`] of each cost about a tenth
    /// of writing its vars.)
    pub fn entry_spans(&self, k: usize) -> Option<impl Iterator<Item = VarSpans> + use<'_>> {
        let host = self.entries.get(k)?;
        let before = k.checked_sub(1).map(|before| self.entries[before]);
        let (from, values) = before.map_or((0, 0), |e| (e.pairs_end, e.values_end));
        let pairs = self.pairs.get(from as usize..host.pairs_end as usize)?;
        (host.values_end == values).then(|| pairs.iter().map(Pair::spans))
    }

    /// How many of its items are host entries ([`HostItem::Entry`]).
    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// Whether its items are names, their values their text as written,
    /// and nodes (no host entry).
    pub fn names_as_written(&self) -> bool {
        self.entries.is_empty() && self.decoded_at.is_empty()
    }

    /// The items in order, as [`HostItem`]s.
    pub fn items(&self) -> HostItems<'_, 's> {
        self.items_from(0)
    }

    /// The items from item `index` on, as [`HostSeq::items`] gives them.
    pub fn items_from(&self, index: usize) -> HostItems<'_, 's> {
        HostItems {
            seq: self,
            index,
            entry: self.entries_before(index),
            node: before(&self.node_at, |&item| item, index),
            decoded: before(&self.decoded_at, |&(item, _)| item, index),
            aliased: before(&self.aliased, |aliased| aliased.item, index),
        }
    }

    /// How many of the items before item `index` are host entries: the
    /// number of the first entry from there on.
    pub fn entries_before(&self, index: usize) -> usize {
        before(&self.entries, |entry| entry.item, index)
    }

    /// The names of the items from item `from` on, as long as each is a
    /// plain untagged scalar that is its text as written, or a host entry
    /// (whose name is one): each name, and whether its item is a host entry.
    /// For what reads many names and nothing else of them: no node made for
    /// each, as [`HostSeq::items`] makes.
    pub fn plain_names(&self, from: usize) -> impl Iterator<Item = (&'s str, bool)> + use<'_, 's> {
        // The first item from `from` on kept otherwise.
        let stop = [
            self.node_at.get(before(&self.node_at, |&i| i, from)),
            (self.aliased.get(before(&self.aliased, |a| a.item, from))).map(|a| &a.item),
            (self
                .decoded_at
                .get(before(&self.decoded_at, |&(i, _)| i, from)))
            .map(|(i, _)| i),
        ];
        let stop = (stop.into_iter().flatten()).fold(self.len(), |stop, &i| stop.min(i as usize));
        let names = self.names == Style::Plain && self.names_tag.is_none();
        let mut entries = self.entries[self.entries_before(from)..].iter().peekable();
        (from..stop).map_while(move |index| {
            let entry = entries.next_if(|e| e.item as usize == index).is_some();
            let name = text_at(self.src, self.spans[index], Style::Plain);
            (entry || names).then_some((name, entry))
        })
    }

    /// How many nodes it holds, as [`Node::size`] counts.
    fn size(&self) -> usize {
        let entries = self.entries.len() * 3 + self.pairs.len() * 2;
        let scalars = self.spans.len() - self.entries.len() - self.nodes.len() - self.aliased.len();
        let values: usize = (self.values.iter())
            .map(|v| self.value_trees[v.node as usize].size() - 1)
            .sum();
        // An aliased entry: its mapping, its name and the node it repeats.
        let targets: Vec<usize> = self.targets.iter().map(|t| t.size()).collect();
        let aliased: usize = (self.aliased.iter())
            .map(|a| 2 + targets[usize::from(a.target)])
            .sum();
        1 + scalars + entries + values + aliased + self.nodes.iter().map(Node::size).sum::<usize>()
    }
}

/// How many of `list`'s elements, in item order, are of items before item
/// `index` (`item` gives an element's item).
fn before<T>(list: &[T], item: impl Fn(&T) -> u32, index: usize) -> usize {
    list.partition_point(|element| (item(element) as usize) < index)
}

/// The items of a [`HostSeq`], in order.
pub struct HostItems<'a, 's> {
    seq: &'a HostSeq<'s>,
    index: usize,
    /// The host entries, kept nodes, decoded names and aliased entries
    /// before `index`.
    entry: usize,
    node: usize,
    decoded: usize,
    aliased: usize,
}

impl<'a, 's> Iterator for HostItems<'a, 's> {
    type Item = HostItem<'a, 's>;
    // Inlined: its item is large, and moved out of a call through memory
    // it stalled the validator's loop over a million hosts.
    #[inline]
    fn next(&mut self) -> Option<HostItem<'a, 's>> {
        let seq = self.seq;
        let index = self.index;
        let span = *seq.spans.get(index)?;
        self.index += 1;
        if seq.node_at.get(self.node) == Some(&(index as u32)) {
            self.node += 1;
            return Some(HostItem::Node(&seq.nodes[self.node - 1]));
        }
        if let Some(aliased) = seq.aliased.get(self.aliased)
            && aliased.item == index as u32
        {
            self.aliased += 1;
            return Some(HostItem::Aliased {
                name: scalar_at(seq.src, span, Style::Plain),
                alias: aliased.alias(),
                target: &seq.targets[usize::from(aliased.target)],
            });
        }
        let entry = (seq.entries.get(self.entry)).is_some_and(|host| host.item == index as u32);
        let mut name = scalar_at(seq.src, span, if entry { Style::Plain } else { seq.names });
        if !entry && let Kind::Scalar(scalar) = &mut name.kind {
            let tagged = seq.names_tag.is_some();
            if let Some(&(item, end)) = seq.decoded_at.get(self.decoded)
                && item == index as u32
            {
                let start = (self.decoded.checked_sub(1)).map_or(0, |d| seq.decoded_at[d].1);
                self.decoded += 1;
                let range = start as usize..end as usize;
                scalar.value = match &seq.decoded {
                    Cow::Borrowed(decoded) => Cow::Borrowed(&decoded[range]),
                    Cow::Owned(decoded) => Cow::Owned(decoded[range].to_string()),
                };
            } else if tagged {
                scalar.value = Cow::Borrowed(name_at(seq.src, span, seq.names, tagged));
            }
        }
        match seq.entries.get(self.entry) {
            Some(host) if host.item == index as u32 => {
                let (vars, pairs) = seq.pairs_of(seq.vars_from(self.entry), host);
                self.entry += 1;
                Some(HostItem::Entry { name, vars, pairs })
            }
            _ => Some(HostItem::Scalar {
                name,
                tag: seq.names_tag.as_deref(),
            }),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.seq.spans.len() - self.index;
        (left, Some(left))
    }
}

impl<'a, 's> HostItem<'a, 's> {
    /// The item as a node.
    pub fn into_node(self) -> Cow<'a, Node<'s>> {
        match self {
            HostItem::Scalar { mut name, tag } => {
                if let (Kind::Scalar(scalar), Some(tag)) = (&mut name.kind, tag) {
                    scalar.tag = Some(Box::new(tag.to_string()));
                }
                Cow::Owned(name)
            }
            HostItem::Node(node) => Cow::Borrowed(node),
            HostItem::Aliased {
                name,
                alias,
                target,
            } => {
                let vars = Node {
                    span: alias,
                    kind: Kind::Alias(Arc::clone(target)),
                };
                Cow::Owned(Node {
                    span: Span {
                        start: name.span.start,
                        end: alias.end,
                    },
                    kind: Kind::Map(vec![(name, vars)]),
                })
            }
            HostItem::Entry { name, vars, pairs } => {
                let value = Node {
                    span: vars,
                    kind: Kind::Map(pairs.collect()),
                };
                Cow::Owned(Node {
                    span: Span {
                        start: name.span.start,
                        end: vars.end,
                    },
                    kind: Kind::Map(vec![(name, value)]),
                })
            }
        }
    }
}

/// A var of a host entry read without nodes, for
/// [`SeqBuilder::push_written_var`]: its key, a plain scalar that is the
/// text at its span, and its value, a scalar of `style` that is the text at
/// its span, or for a literal or folded one, the `extra_len` bytes from
/// where its span starts, or for a plain or quoted one with `extra_len`
/// set, the text after the tag of that length its span starts with, a
/// local tag as written (`!unsafe 'x1'`; see [`Pair`]).
#[derive(Debug, Clone, Copy)]
pub struct WrittenPair {
    pub key: Span,
    pub value: Span,
    pub style: Style,
    pub extra_len: u16,
}

impl WrittenPair {
    /// A key and value that are plain scalars.
    pub fn plain(key: Span, value: Span) -> WrittenPair {
        WrittenPair {
            key,
            value,
            style: Style::Plain,
            extra_len: 0,
        }
    }
}

/// A host entry of a [`SeqBuilder`] that later ones are written like (see
/// [`SeqBuilder::push_entry_like`]): the entry, and where its vars and its
/// values kept as nodes are.
#[derive(Debug, Clone)]
pub struct EntryModel {
    host: HostEntry,
    pairs: std::ops::Range<usize>,
    values: std::ops::Range<usize>,
    /// Its values kept as nodes as [`SeqBuilder::push_entry_shaped`] reads
    /// them, made on its first call.
    shape: std::cell::OnceCell<Rc<[ValueShape]>>,
    /// Whether a value kept as a node holds an untagged plain scalar
    /// outside any tag (see [`EntryModel::takes_edits`]).
    editable: bool,
}

impl EntryModel {
    /// Whether [`SeqBuilder::push_entry_shaped`] may add an entry written
    /// as this one but for some words: only if it has values kept as nodes
    /// with an untagged plain scalar outside any tag in them, the only
    /// places where it takes them (a var of its own tagged `!unsafe` on
    /// every host is not tried against every model).
    pub fn takes_edits(&self) -> bool {
        self.editable
    }
}

/// Whether `node` holds an untagged plain scalar outside any tag (`tagged`:
/// `node` is inside one): a place [`SeqBuilder::push_entry_shaped`] may take
/// an edit (see [`shape_order`]).
fn has_editable(node: &Node, tagged: bool) -> bool {
    match &node.kind {
        Kind::Scalar(scalar) => !tagged && scalar.tag.is_none() && scalar.style == Style::Plain,
        Kind::Seq(items) => items.iter().any(|item| has_editable(item, tagged)),
        Kind::Map(entries) => entries
            .iter()
            .any(|(key, value)| has_editable(key, tagged) || has_editable(value, tagged)),
        Kind::Tagged(inner) => has_editable(&inner.1, true),
        Kind::HostSeq(seq) => {
            let names = !tagged
                && seq.names == Style::Plain
                && seq.names_tag.is_none()
                && seq.entries.is_empty()
                && seq.nodes.len() + seq.aliased.len() < seq.spans.len();
            // An aliased entry's name is a plain scalar.
            let aliased = !tagged && !seq.aliased.is_empty();
            names || aliased || seq.nodes.iter().any(|node| has_editable(node, tagged))
        }
        Kind::Alias(_) => false,
    }
}

/// A value kept as a node of an [`EntryModel`], as
/// [`SeqBuilder::push_entry_shaped`] reads it: the spans of its nodes in
/// [`same_shape`]'s order, where the model has them, each with whether it
/// is an untagged plain scalar outside any tag (which another entry may
/// write with a text of its own, or with words of its own inside: see
/// [`fold_plain`] for one over lines), and whether the value can be kept by
/// its shape at all (its node of the shape of itself); then, for each node,
/// what [`same_shape`] gives for the value as the model writes it (the
/// values of its scalars that are not their text as written in `text`).
#[derive(Debug)]
struct ValueShape {
    spans: Vec<(Span, bool, u32)>,
    shapely: bool,
    shape: Vec<ShapeSpan>,
    text: String,
}

/// A host entry that [`SeqBuilder::push_entry_shaped`] added the general
/// way, kept to add the next ones written as the same model with words of
/// their own at the same places (`[http 80,` then `https` then `443]`, then
/// `[http 81,` …) at less cost: each of their spans is the model's moved on
/// by the edits before it, and the bytes of their values' spans are the
/// model's but for those spans and where the texts are kept (every text the
/// model's: not where a scalar or name with a value not its text as written
/// takes words of its own, which is folded anew).
#[derive(Debug)]
struct Stamp {
    /// The model (its item) and the edits' places in it, `(start, len)`.
    item: u32,
    places: Vec<(u32, u32)>,
    /// For each var of the model: the var, and where its key and value
    /// start and end.
    pairs: Vec<(Pair, [Place; 4])>,
    /// Where the model's vars end.
    vars_end: Place,
    values: Vec<StampValue>,
    /// The bytes of the values with edits as [`push_shape`] writes them for
    /// the model, each value's one after another, two bytes a span (all fit
    /// a byte in the model), with the places of texts left to fill.
    bytes: Vec<u8>,
    /// The bytes of those spans that the edits move, each value's one after
    /// another.
    patches: Vec<Patch>,
    /// The texts those values' nodes hold, each value's one after another,
    /// and their bytes.
    node_texts: Vec<StampText>,
    texts: String,
}

/// A position of a model (see [`Stamp`]), and how many edits are before it
/// (at most [`STAMP_EDITS`]).
type Place = (u32, u32);

/// How many edits a [`Stamp`] takes at most: how far on each number of them
/// moves what follows is looked up in an array of [`Moves`] on the stack.
const STAMP_EDITS: usize = 15;

/// How far on what follows each number of edits of an entry being stamped
/// is (wrapping: see [`SeqBuilder::push_stamped`]), at [`Moves::of`].
struct Moves([u32; STAMP_EDITS + 1]);

impl Moves {
    /// Where the model's position `place` is in the entry being stamped.
    fn of(&self, (p, before): Place) -> u32 {
        // `before` is at most `STAMP_EDITS`: the remainder only spares a
        // bounds check at each of the many positions of every entry.
        p.wrapping_add(self.0[before as usize % self.0.len()])
    }

    /// How much further apart two positions of the model's are in the
    /// entry being stamped, with `from` and `to` edits before them
    /// (wrapping: negative where they come closer).
    fn between(&self, from: u8, to: u8) -> u32 {
        let len = self.0.len();
        self.0[usize::from(to) % len].wrapping_sub(self.0[usize::from(from) % len])
    }
}

/// A byte of a span of a value kept by its shape in a [`Stamp`] that the
/// edits move: at `to` in its value's bytes, the model's start or length,
/// which is as much more in an entry stamped as its positions at `to_edits`
/// and `from_edits` edits (the span's and the value's start, or the span's
/// end and start) are further apart ([`Moves::between`]); a byte that no
/// edit moves is the model's as it is.
#[derive(Debug)]
struct Patch {
    to: u32,
    from_edits: u8,
    to_edits: u8,
}

/// A value kept as a node of a [`Stamp`]'s model: with no edit inside,
/// moved on as a whole (the model's value, and where it starts); else kept
/// by its shape: its node's index in `value_trees`, where it starts, its
/// bytes in [`Stamp::bytes`], their patches in [`Stamp::patches`] and its
/// texts in [`Stamp::node_texts`], and whether its spans hold texts
/// ([`DECODED`]).
#[derive(Debug)]
enum StampValue {
    Moved(Value, Place),
    Shaped {
        node: u32,
        start: Place,
        bytes: std::ops::Range<usize>,
        patches: std::ops::Range<usize>,
        texts: std::ops::Range<usize>,
        decoded: bool,
    },
}

/// The text of a scalar or host list of a value kept by its shape in a
/// [`Stamp`], whose value is a text kept: where it is in [`Stamp::texts`],
/// its slot (see [`text_slot`]), and where the place it is kept at goes in
/// its value's bytes.
#[derive(Debug)]
struct StampText {
    from: u32,
    len: u32,
    slot: usize,
    to: u32,
}

/// How many [`Stamp`]s a [`SeqBuilder`] keeps.
const STAMPS: usize = 4;

#[cfg(test)]
thread_local! {
    /// Whether [`Stamp`]s are off, to compare with the general way.
    pub(crate) static NO_STAMPS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Host entries added by a [`Stamp`].
    pub(crate) static STAMPED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Whether [`SeqBuilder::push_moved`] is off, to compare with the stamps'
    /// way.
    pub(crate) static NO_MOVED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Host entries added by [`SeqBuilder::push_moved`].
    pub(crate) static MOVED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Stamp {
    /// The stamp of a host entry just added the general way from `model`
    /// with `edits` (see [`SeqBuilder::push_entry_shaped`]), its values'
    /// shapes `shapes`; `None` where an edit is inside a scalar or name
    /// whose value is not its text as written.
    fn new(
        seq: &HostSeq<'_>,
        model: &EntryModel,
        shapes: &[ValueShape],
        edits: &[(u32, u32, u32)],
    ) -> Option<Stamp> {
        if edits.len() > STAMP_EDITS {
            return None;
        }
        // The general way took the entry: no position is inside an edit.
        let place = |p: u32| -> Place {
            let before = edits
                .iter()
                .take_while(|&&(start, len, _)| p >= start + len);
            (p, before.count() as u32)
        };
        let within =
            |span: Span, (start, len): (u32, u32)| span.start <= start && start + len <= span.end;
        let pairs = &seq.pairs[model.pairs.clone()];
        let mut stamp = Stamp {
            item: model.host.item,
            places: edits.iter().map(|&(start, len, _)| (start, len)).collect(),
            pairs: (pairs.iter())
                .map(|&pair| {
                    let (key, value) = (pair.key(), pair.value());
                    let places = [key.start, key.end, value.start, value.end].map(place);
                    (pair, places)
                })
                .collect(),
            vars_end: place(model.host.vars(pairs).end),
            values: Vec::new(),
            bytes: Vec::new(),
            patches: Vec::new(),
            node_texts: Vec::new(),
            texts: String::new(),
        };
        for (i, shape) in model.values.clone().zip(shapes) {
            let value = seq.values[i];
            let whole = shape.spans[0].0;
            if !(edits.iter()).any(|&(start, len, _)| within(whole, (start, len))) {
                stamp
                    .values
                    .push(StampValue::Moved(value, place(whole.start)));
                continue;
            }
            // What `push_shape` writes after each span, when the value's
            // spans hold texts: nothing, a 0, a text kept, or a name's end.
            enum Extra {
                None,
                Zero,
                Text(u32, u32),
                End(u32),
            }
            let mut extras = Vec::new();
            for (&(span, plain, _), model) in shape.spans.iter().zip(&shape.shape) {
                let edited = plain && (edits.iter()).any(|&(at, len, _)| within(span, (at, len)));
                extras.push(match model.value {
                    Decoded::Scalar(Some(_)) | Decoded::Name { end: Some(_), .. } if edited => {
                        return None;
                    }
                    Decoded::Node | Decoded::Name { listed: false, .. } => Extra::None,
                    Decoded::Scalar(None) | Decoded::Names(None) => Extra::Zero,
                    Decoded::Scalar(Some((at, len))) | Decoded::Names(Some((at, len))) => {
                        let text = shape.text.get(at as usize..(at + len) as usize)?;
                        let (at, len) = push_text(&mut stamp.texts, text)?;
                        Extra::Text(at, len)
                    }
                    Decoded::Name { end: None, .. } => Extra::Zero,
                    Decoded::Name { end: Some(end), .. } => Extra::End(end),
                });
            }
            let decoded = extras.iter().any(|extra| matches!(extra, Extra::Text(..)));
            let (bytes_from, patches_from) = (stamp.bytes.len(), stamp.patches.len());
            let texts_from = stamp.node_texts.len();
            let (base, base_edits) = place(whole.start);
            for (&(span, ..), extra) in shape.spans.iter().zip(&extras) {
                let bytes = &mut stamp.bytes;
                let at = u32::try_from(bytes.len() - bytes_from).ok()?;
                // The model's span, and which of its bytes the edits move.
                let ((start, start_edits), (end, end_edits)) = (place(span.start), place(span.end));
                let (Ok(start), Ok(len)) = (
                    u8::try_from(start.wrapping_sub(base)),
                    u8::try_from(end.wrapping_sub(start)),
                ) else {
                    return None;
                };
                bytes.extend_from_slice(&[start, len]);
                let moved = [
                    (at, base_edits, start_edits),
                    (at + 1, start_edits, end_edits),
                ];
                for (to, from_edits, to_edits) in moved {
                    if from_edits != to_edits {
                        let (from_edits, to_edits) = (from_edits as u8, to_edits as u8);
                        stamp.patches.push(Patch {
                            to,
                            from_edits,
                            to_edits,
                        });
                    }
                }
                match extra {
                    _ if !decoded => {}
                    Extra::None => {}
                    Extra::Zero => bytes.push(0),
                    &Extra::Text(from, len) => {
                        let kept = &stamp.texts[from as usize..(from + len) as usize];
                        let to = u32::try_from(bytes.len() + 1 - bytes_from).ok()?;
                        let slot = text_slot(kept);
                        (stamp.node_texts).push(StampText {
                            from,
                            len,
                            slot,
                            to,
                        });
                        bytes.extend_from_slice(&[1; 9]);
                    }
                    Extra::End(end) => {
                        bytes.push(1);
                        bytes.extend_from_slice(&end.to_le_bytes());
                    }
                }
            }
            stamp.values.push(StampValue::Shaped {
                node: value.node,
                start: (base, base_edits),
                bytes: bytes_from..stamp.bytes.len(),
                patches: patches_from..stamp.patches.len(),
                texts: texts_from..stamp.node_texts.len(),
                decoded,
            });
        }
        Some(stamp)
    }

    /// Whether it stamps entries of `model` with `edits`.
    fn fits(&self, model: &EntryModel, edits: &[(u32, u32, u32)]) -> bool {
        self.item == model.host.item
            && self.places.len() == edits.len()
            && (self.places.iter().zip(edits))
                .all(|(&(start, len), &(at, old, _))| (start, len) == (at, old))
    }
}

/// The value of a plain scalar written `text` (from its first character to
/// its last) over lines, as YAML folds them (a line break is a space, each
/// blank line a line break; spaces around a line go); `None` for a text
/// with a tab or a carriage return, which this does not take.
fn fold_plain(text: &str) -> Option<String> {
    if text.contains(['\t', '\r']) {
        return None;
    }
    let mut value = String::with_capacity(text.len());
    // Blank lines since the last line with text, `None` before the first.
    let mut blanks = None;
    for line in text.split('\n').map(|line| line.trim_matches(' ')) {
        if line.is_empty() {
            if let Some(n) = &mut blanks {
                *n += 1;
            }
            continue;
        }
        match blanks {
            Some(0) => value.push(' '),
            Some(n) => value.extend(std::iter::repeat_n('\n', n)),
            None => {}
        }
        value.push_str(line);
        blanks = Some(0);
    }
    Some(value)
}

/// The spans of `node`'s nodes in [`same_shape`]'s order onto `out`, each
/// with whether it is an untagged plain scalar (and `node` outside a tag),
/// and for a name of a host list, the index in `out` of that list's own.
fn shape_order(node: &Node, tagged: bool, out: &mut Vec<(Span, bool, u32)>) {
    let mut push = |span: Span, plain: bool| out.push((span, plain, NO_LIST));
    match &node.kind {
        Kind::Scalar(scalar) => push(
            node.span,
            !tagged && scalar.tag.is_none() && scalar.style == Style::Plain,
        ),
        Kind::Seq(items) => {
            push(node.span, false);
            items.iter().for_each(|item| shape_order(item, tagged, out));
        }
        Kind::Map(entries) => {
            push(node.span, false);
            entries.iter().for_each(|(key, value)| {
                shape_order(key, tagged, out);
                shape_order(value, tagged, out);
            });
        }
        Kind::Tagged(inner) => {
            push(node.span, false);
            shape_order(&inner.1, true, out);
        }
        Kind::HostSeq(seq) => {
            let list = out.len() as u32;
            out.push((node.span, false, NO_LIST));
            let plain = !tagged
                && seq.names == Style::Plain
                && seq.names_tag.is_none()
                && seq.entries.is_empty();
            let mut nodes = seq.nodes.iter();
            let mut node_at = seq.node_at.iter().peekable();
            let mut aliased = seq.aliased.iter().peekable();
            for (index, span) in seq.spans.iter().enumerate() {
                if node_at.next_if_eq(&&(index as u32)).is_some() {
                    shape_order(nodes.next().expect("a node per index"), tagged, out);
                } else if let Some(entry) = aliased.next_if(|a| a.item == index as u32) {
                    // As its node: the mapping, its name, the alias.
                    let alias = entry.alias();
                    let whole = Span {
                        start: span.start,
                        end: alias.end,
                    };
                    out.push((whole, false, NO_LIST));
                    out.push((*span, !tagged, NO_LIST));
                    out.push((alias, false, NO_LIST));
                } else {
                    out.push((*span, plain, list));
                }
            }
        }
        Kind::Alias(_) => push(node.span, false),
    }
}

/// The room of a host entry's vars mapping written at `vars` before its
/// first key at `first` and after its last value at `last`, if each fits
/// in a byte (see [`HostEntry`]).
fn room(vars: Span, first: Span, last: Span) -> Option<(u8, u8)> {
    let open = u8::try_from(first.start.wrapping_sub(vars.start)).ok();
    let close = u8::try_from(vars.end.wrapping_sub(last.end)).ok();
    open.zip(close)
}

/// No host list (see [`shape_order`]).
const NO_LIST: u32 = u32::MAX;

/// After this many items, a sequence makes room for the rest at once.
const RESERVE_AT: u32 = 4096;

/// Builds the items of a sequence one by one, keeping what it can
/// compactly (see [`HostSeq`]); both tree builders use it.
pub struct SeqBuilder<'s> {
    seq: HostSeq<'s>,
    /// Where the last item ends.
    end: Option<u32>,
    /// Whether a scalar item is kept by its span (and so `seq.names` set).
    named: bool,
    /// The spans of the last value compared with a shape, and the texts
    /// they hold (see [`same_shape`]).
    shape: Vec<ShapeSpan>,
    shape_text: String,
    /// The last texts kept in `shape_texts` (where each starts, its
    /// length): values of one shape repeat them (`https 443` on every host).
    recent_texts: Vec<(u32, u32)>,
    /// The last [`Stamp`]s made, and the model and edits' places of the
    /// last host entry added the general way (a stamp is made the second
    /// time in a row: not for entries whose words of their own move).
    stamps: Vec<Stamp>,
    unstamped: Option<(u32, Vec<(u32, u32)>)>,
    /// The last item, if it is a host entry a stamp added (see
    /// [`SeqBuilder::push_moved`]).
    last_stamped: Option<LastStamped>,
}

/// A host entry a [`Stamp`] added, while it is the last item of its
/// [`SeqBuilder`]: the next one stamped alike, with words of its own as long
/// as its, is it moved on (see [`SeqBuilder::push_moved`]).
struct LastStamped {
    /// The stamp (its index in [`SeqBuilder::stamps`]).
    stamp: usize,
    /// How many items there were once it was added.
    items: usize,
    /// How far on its text was from the model's, and where its vars end.
    shift: u32,
    vars_end: u32,
    /// The length of each of its words of its own (as many as the stamp's
    /// edits).
    new_lens: [u32; STAMP_EDITS],
}

impl<'s> SeqBuilder<'s> {
    pub fn new(src: &'s str) -> SeqBuilder<'s> {
        SeqBuilder {
            seq: HostSeq {
                src,
                spans: Vec::new(),
                entries: Vec::new(),
                pairs: Vec::new(),
                values: Vec::new(),
                value_trees: Vec::new(),
                shape_spans: Vec::new(),
                shape_texts: Cow::Borrowed(""),
                nodes: Vec::new(),
                node_at: Vec::new(),
                aliased: Vec::new(),
                targets: Vec::new(),
                names: Style::Plain,
                names_tag: None,
                decoded: Cow::Borrowed(""),
                decoded_at: Vec::new(),
            },
            end: None,
            named: false,
            shape: Vec::new(),
            shape_text: String::new(),
            recent_texts: Vec::new(),
            stamps: Vec::new(),
            unstamped: None,
            last_stamped: None,
        }
    }

    /// Where the last item ends, if there is one.
    pub fn last_end(&self) -> Option<usize> {
        self.end.map(|end| end as usize)
    }

    /// The span of the last item (a host entry's: its name's), if there is one.
    pub fn last_span(&self) -> Option<Span> {
        self.seq.spans.last().copied()
    }

    pub fn push(&mut self, mut node: Node<'s>) {
        self.end = Some(node.span.end);
        if self.seq.spans.len() as u32 == RESERVE_AT {
            self.reserve(node.span.end as usize);
        }
        // Scalar items of one style and tag: plain, or quoted alike.
        if let Some((style, decoded)) = self.name_style(&node)
            && let Kind::Scalar(scalar) = &mut node.kind
            && (!self.named
                || style == self.seq.names
                    && scalar.tag.as_deref().map(String::as_str) == self.seq.names_tag.as_deref())
        {
            if !self.named {
                (self.seq.names, self.named) = (style, true);
                self.seq.names_tag = scalar.tag.take().map(|tag| *tag);
            }
            if decoded {
                let seq = &mut self.seq;
                seq.decoded.to_mut().push_str(&scalar.value);
                let end = u32::try_from(seq.decoded.len()).expect("a source is at most 4 GiB");
                seq.decoded_at.push((seq.spans.len() as u32, end));
            }
            self.seq.spans.push(node.span);
            return;
        }
        let span = node.span;
        if let Kind::Map(entries) = &mut node.kind
            && let [(name, vars)] = &mut entries[..]
            && span.start == name.span.start
            && span.end == vars.span.end
        {
            let kept = match &mut vars.kind {
                Kind::Map(pairs) => self.compact_entry(name, vars.span, pairs),
                Kind::Alias(_) => self.aliased_entry(name, vars),
                _ => false,
            };
            if kept {
                return;
            }
        }
        self.keep(node);
    }

    /// Adds a host entry read without a node for it: `name` mapped to
    /// `alias`, an alias (`- web2: *v`). The same as [`SeqBuilder::push`]
    /// of that mapping.
    pub fn push_aliased(&mut self, name: Node<'s>, alias: Node<'s>) {
        if self.seq.spans.len() as u32 == RESERVE_AT {
            self.reserve(alias.span.end as usize);
        }
        self.end = Some(alias.span.end);
        if !self.aliased_entry(&name, &alias) {
            self.keep(Node {
                span: Span {
                    start: name.span.start,
                    end: alias.span.end,
                },
                kind: Kind::map(vec![(name, alias)]),
            });
        }
    }

    /// Keeps the host entry of `name` whose vars are `alias` as an
    /// [`AliasedEntry`], if it can be: a plain name as written, and an
    /// alias (`*v`, not the anchored node itself, `&v {zone: a}`).
    fn aliased_entry(&mut self, name: &Node<'s>, alias: &Node<'s>) -> bool {
        let Kind::Alias(target) = &alias.kind else {
            return false;
        };
        let span = alias.span;
        let is_alias = self.seq.src.as_bytes().get(span.start()) == Some(&b'*');
        let Ok(alias_len) = u16::try_from(span.end - span.start) else {
            return false;
        };
        if !is_alias || !self.is_plain_name(name) {
            return false;
        }
        let seq = &mut self.seq;
        let recent = seq.targets.len().saturating_sub(TARGET_WINDOW)..seq.targets.len();
        let found = recent
            .rev()
            .find(|&at| Arc::ptr_eq(&seq.targets[at], target));
        let Some(at) = found.or_else(|| {
            let at = seq.targets.len();
            (at <= usize::from(u16::MAX)).then(|| {
                seq.targets.push(Arc::clone(target));
                at
            })
        }) else {
            return false;
        };
        seq.aliased.push(AliasedEntry {
            item: seq.spans.len() as u32,
            alias: span.start,
            alias_len,
            target: at as u16,
        });
        seq.spans.push(name.span);
        true
    }

    /// How a scalar item can be kept by its span: its style, and whether its
    /// value is not its text as written (and so goes into `decoded`). Not an
    /// empty plain scalar (null), nor a block scalar.
    fn name_style(&self, node: &Node<'s>) -> Option<(Style, bool)> {
        let scalar = node.scalar()?;
        match (as_written_tagged(self.seq.src, node), scalar.style) {
            (_, Style::Plain) if scalar.value.is_empty() => None,
            (Some(style), _) => Some((style, false)),
            (None, style @ (Style::Plain | Style::SingleQuoted | Style::DoubleQuoted)) => {
                Some((style, true))
            }
            _ => None,
        }
    }

    /// Adds a host entry read without nodes for it and its mapping: `name`
    /// mapped to the mapping of `pairs` written at `vars`. The same as
    /// [`SeqBuilder::push`] of that node.
    pub fn push_entry(&mut self, name: Node<'s>, vars: Span, pairs: &mut [(Node<'s>, Node<'s>)]) {
        if self.seq.spans.len() as u32 == RESERVE_AT {
            self.reserve(vars.end as usize);
        }
        self.end = Some(vars.end);
        if !self.compact_entry(&name, vars, pairs) {
            let vars = Node {
                span: vars,
                kind: Kind::map(pairs.to_vec()),
            };
            self.keep(Node {
                span: Span {
                    start: name.span.start,
                    end: vars.span.end,
                },
                kind: Kind::map(vec![(name, vars)]),
            });
        }
    }

    /// Where the vars of a host entry read without nodes for them start:
    /// they are added one by one as read ([`SeqBuilder::push_written_var`]),
    /// then the entry ([`SeqBuilder::push_written_entry`]), or taken back
    /// ([`SeqBuilder::take_back_vars`]).
    pub fn written_from(&self) -> usize {
        self.seq.pairs.len()
    }

    /// Adds a var of a host entry read without nodes (see
    /// [`SeqBuilder::written_from`]): kept by its spans, as `push_entry`
    /// keeps it. False, with nothing added, if a length does not fit.
    #[inline]
    pub fn push_written_var(&mut self, var: WrittenPair) -> bool {
        let (key_len, value_len) = (var.key.end - var.key.start, var.value.end - var.value.start);
        let (Ok(key_len), Ok(value_len)) = (u16::try_from(key_len), u16::try_from(value_len))
        else {
            return false;
        };
        self.seq.pairs.push(Pair {
            key: var.key.start,
            value: var.value.start,
            key_len,
            value_len,
            extra_len: var.extra_len,
            key_style: Style::Plain,
            value_style: Some(var.style),
        });
        true
    }

    /// Takes back the vars added from `from` on (see
    /// [`SeqBuilder::written_from`]).
    pub fn take_back_vars(&mut self, from: usize) {
        self.seq.pairs.truncate(from);
    }

    /// [`SeqBuilder::push_entry`] of a host entry whose vars were read
    /// without nodes for them and added from `from` on (see
    /// [`SeqBuilder::written_from`]), written at `vars`, and whose name, at
    /// `name`, is a plain scalar as written and not empty (the reader's
    /// usual name, read by its span; see [`SeqBuilder::is_plain_name`]):
    /// kept by their spans, as `push_entry` keeps them. False, with nothing
    /// added (its vars left for the caller to take back), when it cannot be
    /// kept so (the caller then reads it the general way).
    pub fn push_written_entry(&mut self, name: Span, vars: Span, from: usize) -> bool {
        let pairs = self.seq.pairs.get(from..).unwrap_or_default();
        let (Some(first), Some(last)) = (pairs.first(), pairs.last()) else {
            return false;
        };
        let Some((open, close)) = room(vars, first.key(), last.value()) else {
            return false;
        };
        if self.seq.spans.len() as u32 == RESERVE_AT {
            self.reserve(vars.end as usize);
        }
        self.end = Some(vars.end);
        self.add_entry(name, open, close);
        true
    }

    /// How a host entry of `name` whose vars mapping is written at `vars`,
    /// from its first key at `first` to its last value at `last`, is kept
    /// (see [`HostEntry`]): the room before its first key and after its
    /// last value. `None` when it cannot be kept by spans: a name that is
    /// not plain as written, or too much room.
    fn entry_bounds(
        &self,
        name: &Node<'s>,
        vars: Span,
        first: Span,
        last: Span,
    ) -> Option<(u8, u8)> {
        room(vars, first, last).filter(|_| self.is_plain_name(name))
    }

    /// Whether `name`, a host entry's name, is a plain scalar as written and
    /// not empty: such entries are kept by their spans.
    pub fn is_plain_name(&self, name: &Node<'s>) -> bool {
        as_written(self.seq.src, name) == Some(Style::Plain)
            && name.scalar().is_some_and(|s| !s.value.is_empty())
    }

    /// Adds the host entry named at `name` whose vars are the pairs added
    /// since the last entry.
    fn add_entry(&mut self, name: Span, open: u8, close: u8) {
        self.seq.entries.push(HostEntry {
            item: self.seq.spans.len() as u32,
            pairs_end: self.seq.pairs.len() as u32,
            values_end: self.seq.values.len() as u32,
            open,
            close,
        });
        self.seq.spans.push(name);
    }

    /// The host entry kept by its spans that the last item pushed is, if it
    /// is one: a model for [`SeqBuilder::push_entry_like`].
    pub fn last_entry(&self) -> Option<EntryModel> {
        let seq = &self.seq;
        let host = *seq.entries.last()?;
        if host.item as usize + 1 != seq.spans.len() {
            return None;
        }
        let before = seq.entries.len().checked_sub(2).map(|e| seq.entries[e]);
        let (pairs, values) = before.map_or((0, 0), |e| (e.pairs_end, e.values_end));
        let values = values as usize..seq.values.len();
        let editable = seq.values[values.clone()]
            .iter()
            .any(|value| has_editable(&seq.value_trees[value.node as usize], false));
        Some(EntryModel {
            host,
            pairs: pairs as usize..seq.pairs.len(),
            values,
            shape: std::cell::OnceCell::new(),
            editable,
        })
    }

    /// Adds a host entry named `name`, written as the `model` entry (see
    /// [`SeqBuilder::last_entry`]) is, everything after its name `shift`
    /// bytes further on: the same as [`SeqBuilder::push`] of that entry's
    /// node, its values kept as nodes shared with the model's. False, with
    /// nothing added, if `name` is not a plain scalar as written.
    pub fn push_entry_like(&mut self, model: &EntryModel, name: &Node<'s>, shift: u32) -> bool {
        let plain_name = self.is_plain_name(name);
        if !plain_name {
            return false;
        }
        let vars = model.host.vars(&self.seq.pairs[model.pairs.clone()]);
        if self.seq.spans.len() as u32 == RESERVE_AT {
            self.reserve((vars.end + shift) as usize);
        }
        self.push_parts_moved(model.pairs.clone(), model.values.clone(), shift);
        self.add_entry(name.span, model.host.open, model.host.close);
        self.end = Some(vars.end + shift);
        true
    }

    /// Adds the vars `pairs` and values `values` of an entry before again,
    /// `by` bytes further on (wrapping): those of an entry written as that
    /// one, everything after its name as many bytes on. A value kept as a
    /// node or by its shape shares that one's node or spans.
    fn push_parts_moved(
        &mut self,
        pairs: std::ops::Range<usize>,
        values: std::ops::Range<usize>,
        by: u32,
    ) {
        let seq = &mut self.seq;
        for i in pairs {
            let pair = seq.pairs[i];
            seq.pairs.push(Pair {
                key: pair.key.wrapping_add(by),
                value: pair.value.wrapping_add(by),
                ..pair
            });
        }
        for i in values {
            let value = seq.values[i];
            seq.values.push(Value {
                shift: value.shift.wrapping_add(by),
                ..value
            });
        }
    }

    /// The values kept as nodes of `model`, as [`ValueShape`]s.
    fn value_shapes(&self, model: &EntryModel) -> Rc<[ValueShape]> {
        let seq = &self.seq;
        (model.values.clone())
            .map(|i| {
                let value = &seq.values[i];
                let kept = KeptValue {
                    src: seq.src,
                    model: &seq.value_trees[value.node as usize],
                    shift: value.shift,
                    spans: shape_bytes(&seq.shape_spans, value.spans),
                    texts: &seq.shape_texts,
                };
                let node = kept.node();
                let (mut shape, mut text) = (Vec::new(), String::new());
                let base = node.span.start;
                let shapely = same_shape(seq.src, &node, &node, base, (&mut shape, &mut text));
                let mut spans = Vec::new();
                shape_order(&node, false, &mut spans);
                // A plain scalar or name over lines is taken with words of
                // its own where its value is its text folded as `fold_plain`
                // folds it.
                let mut name_starts = vec![0; spans.len()];
                for k in 0..spans.len().min(shape.len()) {
                    let (span, plain, list) = spans[k];
                    let value = match shape[k].value {
                        Decoded::Scalar(Some((at, len))) => (at, at + len),
                        Decoded::Name { end: Some(end), .. } => {
                            let Decoded::Names(Some((at, _))) = shape[list as usize].value else {
                                spans[k].1 = false;
                                continue;
                            };
                            let from = std::mem::replace(&mut name_starts[list as usize], end);
                            (at + from, at + end)
                        }
                        _ => continue,
                    };
                    let value = &text[value.0 as usize..value.1 as usize];
                    let written = &seq.src[span.start()..span.end as usize];
                    spans[k].1 = plain && fold_plain(written).is_some_and(|folded| folded == value);
                }
                ValueShape {
                    shapely: shapely && shape.len() == spans.len(),
                    spans,
                    shape,
                    text,
                }
            })
            .collect()
    }

    /// Adds a host entry named `name`, written as the `model` entry is (see
    /// [`SeqBuilder::push_entry_like`], everything after its name `shift`
    /// bytes further on) but for `edits`: each `(start, len, new_len)`, in
    /// order, a text of the model's at `start` (where the model has it) of
    /// `len` bytes that this entry writes in `new_len` bytes (at least one).
    /// Each must lie inside an untagged plain scalar (see [`ValueShape`]) of
    /// one of the model's values kept as nodes, which is then kept by its
    /// shape with the spans of this entry, each such scalar's value its new
    /// text (folded, for one over lines): the same as [`SeqBuilder::push`]
    /// of that entry's node (the reader checks the texts are words, which
    /// change nothing else a reader sees).
    /// False, with nothing added, otherwise, or if `name` is not a plain
    /// scalar as written.
    pub fn push_entry_shaped(
        &mut self,
        model: &EntryModel,
        name: &Node<'s>,
        shift: u32,
        edits: &[(u32, u32, u32)],
    ) -> bool {
        self.is_plain_name(name) && self.push_entry_shaped_at(model, name.span, shift, edits)
    }

    /// [`SeqBuilder::push_entry_shaped`] of a host entry whose name, at
    /// `name`, is a plain scalar as written and not empty (the reader's
    /// usual name, read by its span: no node made for it at every host).
    pub fn push_entry_shaped_at(
        &mut self,
        model: &EntryModel,
        name: Span,
        shift: u32,
        edits: &[(u32, u32, u32)],
    ) -> bool {
        if edits.is_empty() || edits.iter().any(|&(_, _, new_len)| new_len == 0) {
            return false;
        }
        if self.push_stamped(model, name, shift, edits) {
            return true;
        }
        let shapes = model.shape.get_or_init(|| self.value_shapes(model)).clone();
        // Where a position of the model's is in this entry: none inside an edit.
        let map = |p: u32| -> Option<u32> {
            let mut to = i64::from(p) + i64::from(shift);
            for &(start, len, new_len) in edits {
                if p >= start + len {
                    to += i64::from(new_len) - i64::from(len);
                } else if p > start {
                    return None;
                } else {
                    break;
                }
            }
            u32::try_from(to).ok()
        };
        let map_span = |span: Span| {
            Some(Span::new(
                map(span.start)? as usize,
                map(span.end)? as usize,
            ))
        };
        let vars = model.host.vars(&self.seq.pairs[model.pairs.clone()]);
        let Some(vars_end) = map(vars.end) else {
            return false;
        };
        if self.seq.spans.len() as u32 == RESERVE_AT {
            self.reserve(vars_end as usize);
        }
        let ends = PartEnds::of(&self.seq);
        let undo = |seq: &mut HostSeq<'s>, recent: &mut [(u32, u32)]| ends.undo(seq, recent);
        let seq = &mut self.seq;
        for i in model.pairs.clone() {
            let pair = seq.pairs[i];
            let (Some(key), Some(value)) = (map_span(pair.key()), map_span(pair.value())) else {
                return undo(seq, &mut self.recent_texts);
            };
            let (Ok(key_len), Ok(value_len)) = (
                u16::try_from(key.end - key.start),
                u16::try_from(value.end - value.start),
            ) else {
                return undo(seq, &mut self.recent_texts);
            };
            seq.pairs.push(Pair {
                key: key.start,
                value: value.start,
                key_len,
                value_len,
                ..pair
            });
        }
        let mut matched = 0;
        for (i, shape) in model.values.clone().zip(shapes.iter()) {
            let value = seq.values[i];
            let whole = shape.spans[0].0;
            let inside = edits
                .iter()
                .filter(|&&(start, len, _)| start >= whole.start && start + len <= whole.end)
                .count();
            if inside == 0 {
                let Some(start) = map(whole.start) else {
                    return undo(seq, &mut self.recent_texts);
                };
                seq.values.push(Value {
                    shift: value.shift + (start - whole.start),
                    ..value
                });
                continue;
            }
            // Every edit inside one of its plain scalars.
            let within = |span: Span, (start, len): (u32, u32)| {
                span.start <= start && start + len <= span.end
            };
            let placed = edits.iter().all(|&(start, len, _)| {
                !within(whole, (start, len))
                    || (shape.spans.iter())
                        .any(|&(span, plain, _)| plain && within(span, (start, len)))
            });
            let Some(base) = map(whole.start).filter(|_| shape.shapely && placed) else {
                return undo(seq, &mut self.recent_texts);
            };
            matched += inside;
            self.shape.clear();
            self.shape_text.clear();
            let from_model = |(at, len): (u32, u32)| &shape.text[at as usize..(at + len) as usize];
            // The values of decoded names with words of their own.
            let mut names = Vec::new();
            for (k, (&(span, plain, _), model)) in shape.spans.iter().zip(&shape.shape).enumerate()
            {
                let edited = plain && edits.iter().any(|&(at, len, _)| within(span, (at, len)));
                let Some(span) = map_span(span) else {
                    return undo(seq, &mut self.recent_texts);
                };
                let (Some(at), Ok(len)) = (
                    span.start
                        .checked_sub(base)
                        .and_then(|at| u16::try_from(at).ok()),
                    u16::try_from(span.end - span.start),
                ) else {
                    return undo(seq, &mut self.recent_texts);
                };
                // The texts of the model's value, or of a plain scalar over
                // lines with words of its own, folded.
                let text = &mut self.shape_text;
                let written = &seq.src[span.start()..span.end as usize];
                let value = match model.value {
                    Decoded::Scalar(Some(_)) if edited => fold_plain(written)
                        .and_then(|value| push_text(text, &value))
                        .map(|at| Decoded::Scalar(Some(at))),
                    Decoded::Scalar(Some(at)) => {
                        push_text(text, from_model(at)).map(|at| Decoded::Scalar(Some(at)))
                    }
                    Decoded::Names(Some(at)) => {
                        push_text(text, from_model(at)).map(|at| Decoded::Names(Some(at)))
                    }
                    value @ Decoded::Name { end: Some(_), .. } if edited => fold_plain(written)
                        .map(|folded| names.push((k, folded)))
                        .map(|()| value),
                    value => Some(value),
                };
                let Some(value) = value else {
                    return undo(seq, &mut self.recent_texts);
                };
                self.shape.push(ShapeSpan { at, len, value });
            }
            // The text of each list holding such a name, anew.
            for list in 0..self.shape.len() * usize::from(!names.is_empty()) {
                let Decoded::Names(Some(model)) = shape.shape[list].value else {
                    continue;
                };
                let (mut text, mut from) = (String::new(), 0);
                for k in list + 1..self.shape.len() {
                    let Decoded::Name { end: Some(end), .. } = shape.shape[k].value else {
                        continue;
                    };
                    if shape.spans[k].2 != list as u32 {
                        continue;
                    }
                    let own = names.iter().find(|(at, _)| *at == k);
                    let model = &from_model(model)[from as usize..end as usize];
                    text.push_str(own.map_or(model, |(_, value)| value));
                    from = end;
                    let end = Some(u32::try_from(text.len()).unwrap_or(u32::MAX));
                    self.shape[k].value = Decoded::Name { listed: true, end };
                }
                let Some(at) = push_text(&mut self.shape_text, &text) else {
                    return undo(seq, &mut self.recent_texts);
                };
                self.shape[list].value = Decoded::Names(Some(at));
            }
            let Some(spans) =
                push_shape(seq, &mut self.recent_texts, &self.shape, &self.shape_text)
            else {
                return undo(seq, &mut self.recent_texts);
            };
            seq.values.push(Value {
                node: value.node,
                shift: base,
                spans,
            });
        }
        if matched != edits.len() {
            return undo(seq, &mut self.recent_texts);
        }
        self.add_entry(name, model.host.open, model.host.close);
        self.end = Some(vars_end);
        self.keep_stamp(model, &shapes, edits);
        true
    }

    /// After a host entry added the general way from `model` with `edits`:
    /// a [`Stamp`] of it if the last one was added with edits at the same
    /// places of the same model.
    fn keep_stamp(&mut self, model: &EntryModel, shapes: &[ValueShape], edits: &[(u32, u32, u32)]) {
        let places = edits.iter().map(|&(start, len, _)| (start, len));
        let again = (self.unstamped.as_ref()).is_some_and(|(item, last)| {
            *item == model.host.item && last.iter().copied().eq(places.clone())
        });
        if !again {
            self.unstamped = Some((model.host.item, places.collect()));
            return;
        }
        self.unstamped = None;
        if let Some(stamp) = Stamp::new(&self.seq, model, shapes, edits) {
            // The stamps' indices move on.
            self.last_stamped = None;
            if self.stamps.len() == STAMPS {
                self.stamps.remove(0);
            }
            self.stamps.push(stamp);
        }
    }

    /// [`SeqBuilder::push_entry_shaped`] by a [`Stamp`] of `model` with
    /// edits at the places of `edits`, if there is one: the same entry
    /// added. False, with nothing added, if there is none or a span does not
    /// fit (the general way then finds why).
    fn push_stamped(
        &mut self,
        model: &EntryModel,
        name: Span,
        shift: u32,
        edits: &[(u32, u32, u32)],
    ) -> bool {
        #[cfg(test)]
        if NO_STAMPS.with(std::cell::Cell::get) {
            return false;
        }
        if self.push_moved(model, name, shift, edits) {
            return true;
        }
        let Some(at) = self
            .stamps
            .iter()
            .position(|stamp| stamp.fits(model, edits))
        else {
            return false;
        };
        // How far on a position is after each number of edits, wrapping:
        // every position of the model's entry is one of this entry's, in
        // the source, so the sum is that position exactly.
        // (A stamp takes no more edits than `Moves` holds.)
        let (mut moves, mut moved) = (Moves([shift; STAMP_EDITS + 1]), shift);
        for (to, &(_, len, new_len)) in moves.0[1..].iter_mut().zip(edits) {
            moved = moved.wrapping_add(new_len).wrapping_sub(len);
            *to = moved;
        }
        let vars_end = moves.of(self.stamps[at].vars_end);
        if self.seq.spans.len() as u32 == RESERVE_AT {
            self.reserve(vars_end as usize);
        }
        let ends = PartEnds::of(&self.seq);
        let SeqBuilder {
            seq,
            stamps,
            recent_texts,
            ..
        } = self;
        let stamp = &stamps[at];
        let map = |place: Place| moves.of(place);
        let pushed = (|| {
            for &(pair, [key, key_end, value, value_end]) in &stamp.pairs {
                let (key, value) = (map(key), map(value));
                seq.pairs.push(Pair {
                    key,
                    value,
                    key_len: u16::try_from(map(key_end).wrapping_sub(key)).ok()?,
                    value_len: u16::try_from(map(value_end).wrapping_sub(value)).ok()?,
                    ..pair
                });
            }
            for value in &stamp.values {
                let (node, start, bytes, patches, texts, decoded) = match value {
                    StampValue::Moved(value, (p, before)) => {
                        let start = map((*p, *before));
                        seq.values.push(Value {
                            shift: value.shift.wrapping_add(start.wrapping_sub(*p)),
                            ..*value
                        });
                        continue;
                    }
                    StampValue::Shaped {
                        node,
                        start,
                        bytes,
                        patches,
                        texts,
                        decoded,
                    } => (*node, *start, bytes, patches, texts, *decoded),
                };
                let base = map(start);
                let spans = u32::try_from(seq.shape_spans.len()).ok()?;
                if spans >= DECODED {
                    return None;
                }
                // The model's bytes, each byte the edits move moved on (a
                // span that does not fit a byte: the general way writes them
                // all in four).
                seq.shape_spans
                    .extend_from_slice(&stamp.bytes[bytes.clone()]);
                let out = &mut seq.shape_spans[spans as usize..];
                for patch in &stamp.patches[patches.clone()] {
                    let byte = &mut out[patch.to as usize];
                    let moved = moves.between(patch.from_edits, patch.to_edits);
                    *byte = u8::try_from(u32::from(*byte).wrapping_add(moved)).ok()?;
                }
                // Then the texts, in order (none kept where a span did not
                // fit).
                for text in &stamp.node_texts[texts.clone()] {
                    let kept = &stamp.texts[text.from as usize..(text.from + text.len) as usize];
                    let (at, len) = keep_shape_text_in(seq, recent_texts, kept, text.slot)?;
                    let to = spans as usize + text.to as usize;
                    seq.shape_spans[to..to + 4].copy_from_slice(&at.to_le_bytes());
                    seq.shape_spans[to + 4..to + 8].copy_from_slice(&len.to_le_bytes());
                }
                let flags = if decoded { DECODED } else { 0 };
                seq.values.push(Value {
                    node,
                    shift: base,
                    spans: spans | flags,
                });
            }
            Some(())
        })();
        if pushed.is_none() {
            return ends.undo(seq, recent_texts);
        }
        self.add_entry(name, model.host.open, model.host.close);
        self.end = Some(vars_end);
        let mut new_lens = [0; STAMP_EDITS];
        for (to, &(_, _, new_len)) in new_lens.iter_mut().zip(edits) {
            *to = new_len;
        }
        self.last_stamped = Some(LastStamped {
            stamp: at,
            items: self.seq.spans.len(),
            shift,
            vars_end,
            new_lens,
        });
        #[cfg(test)]
        STAMPED.with(|n| n.set(n.get() + 1));
        true
    }

    /// [`SeqBuilder::push_stamped`] of a host entry stamped as the last
    /// item was (the same model, edits at the same places), with words of
    /// its own as long as that entry's: every position of it after the name
    /// is that entry's as many bytes further on as their texts are apart
    /// (each is the model's moved on by the same edits' lengths), its spans
    /// as far from its values' starts and its values' texts the same (a
    /// stamp's words of their own are in scalars whose value is their text
    /// as written, read at their spans). So it is added as that entry
    /// moved on, as [`SeqBuilder::push_entry_like`] adds an entry written
    /// alike: its vars moved on, its values kept by their shape sharing
    /// that entry's spans. The same entry as the stamp adds, read the same
    /// (at every host of a list where each has a port of its own, but
    /// where the port's number of digits changes), for a few instructions
    /// a var and value rather than each span and text anew, and no bytes
    /// of spans of its own. False, with nothing added, otherwise.
    fn push_moved(
        &mut self,
        model: &EntryModel,
        name: Span,
        shift: u32,
        edits: &[(u32, u32, u32)],
    ) -> bool {
        #[cfg(test)]
        if NO_MOVED.with(std::cell::Cell::get) {
            return false;
        }
        let Some(last) = &self.last_stamped else {
            return false;
        };
        let (seq, stamp) = (&self.seq, &self.stamps[last.stamp]);
        let as_long = edits.len() <= STAMP_EDITS
            && (edits.iter().zip(&last.new_lens)).all(|(&(_, _, new_len), &last)| new_len == last);
        let Some(&entry) = seq.entries.last() else {
            return false;
        };
        // Its vars and values the last ones of the list (none taken since).
        let (pairs_end, values_end) = (entry.pairs_end as usize, entry.values_end as usize);
        if last.items != seq.spans.len()
            || !as_long
            || !stamp.fits(model, edits)
            || (pairs_end, values_end) != (seq.pairs.len(), seq.values.len())
        {
            return false;
        }
        let (pairs, values) = (stamp.pairs.len(), stamp.values.len());
        let moved = shift.wrapping_sub(last.shift);
        let vars_end = last.vars_end.wrapping_add(moved);
        if seq.spans.len() as u32 == RESERVE_AT {
            self.reserve(vars_end as usize);
        }
        self.push_parts_moved(
            pairs_end - pairs..pairs_end,
            values_end - values..values_end,
            moved,
        );
        self.add_entry(name, model.host.open, model.host.close);
        self.end = Some(vars_end);
        let last = self.last_stamped.as_mut().expect("the last entry stamped");
        (last.items, last.shift, last.vars_end) = (self.seq.spans.len(), shift, vars_end);
        #[cfg(test)]
        MOVED.with(|n| n.set(n.get() + 1));
        true
    }

    /// Keeps the host entry of `name` and the mapping of `pairs` written at
    /// `vars` by their spans, if it can be (see [`HostSeq`]).
    fn compact_entry(
        &mut self,
        name: &Node<'s>,
        vars: Span,
        pairs: &mut [(Node<'s>, Node<'s>)],
    ) -> bool {
        let src = self.seq.src;
        let (Some((first, _)), Some((_, last))) = (pairs.first(), pairs.last()) else {
            return false;
        };
        let Some((open, close)) = self.entry_bounds(name, vars, first.span, last.span) else {
            return false;
        };
        let length = |span: Span| u16::try_from(span.end - span.start).ok();
        // Every key a scalar as written; a value that is none is kept as its
        // node. The vars are added as read, and taken back if one does not fit.
        let from = self.seq.pairs.len();
        let mut nodes = false;
        for (key, value) in pairs.iter() {
            let lengths = (length(key.span), length(value.span));
            let (Some(key_style), (Some(key_len), Some(value_len))) =
                (as_written(src, key), lengths)
            else {
                self.seq.pairs.truncate(from);
                return false;
            };
            let written = value_as_written(src, value);
            nodes |= written.is_none();
            self.seq.pairs.push(Pair {
                key: key.span.start,
                value: value.span.start,
                key_len,
                value_len,
                extra_len: written.map_or(0, |(_, len)| len),
                key_style,
                value_style: written.map(|(style, _)| style),
            });
        }
        if nodes {
            for (index, (_, value)) in pairs.iter_mut().enumerate() {
                if self.seq.pairs[from + index].value_style.is_none() {
                    let placeholder = Node {
                        span: value.span,
                        kind: Kind::Scalar(Scalar::plain(Cow::Borrowed(""))),
                    };
                    let node = std::mem::replace(value, placeholder);
                    let seq = &mut self.seq;
                    // One of the last few kept (a host's vars, written
                    // alike by the next host, hold several such values),
                    // else the shape of one.
                    let kept = seq.value_trees.len();
                    let window = kept.saturating_sub(SHARED_WINDOW)..kept;
                    let found = (window.clone().rev()).find_map(|at| {
                        let last = &seq.value_trees[at];
                        let shift = node.span.start.checked_sub(last.span.start)?;
                        same_shifted(src, last, &node, shift).then_some((at, shift, NO_SPANS))
                    });
                    let (shape, text) = (&mut self.shape, &mut self.shape_text);
                    let found = found.or_else(|| {
                        let base = node.span.start;
                        let at = window.rev().find(|&at| {
                            shape.clear();
                            text.clear();
                            same_shape(src, &seq.value_trees[at], &node, base, (shape, text))
                        })?;
                        let spans = push_shape(seq, &mut self.recent_texts, shape, text)?;
                        Some((at, base, spans))
                    });
                    let (at, shift, spans) = found.unwrap_or_else(|| {
                        seq.value_trees.push(node);
                        (kept, 0, NO_SPANS)
                    });
                    seq.values.push(Value {
                        node: at as u32,
                        shift,
                        spans,
                    });
                }
            }
        }
        self.add_entry(name.span, open, close);
        true
    }

    /// Makes room for the items the rest of the source may hold, at the
    /// rate of those so far (and a quarter more), so that a long list is not
    /// copied as it grows: each copy touches fresh memory, and at a million
    /// hosts the copies of the lists cost as much memory as the lists. Room
    /// never written costs no memory; what is left over is given back by
    /// [`SeqBuilder::finish`].
    fn reserve(&mut self, at: usize) {
        let seq = &mut self.seq;
        let Some(first) = seq.spans.first() else {
            return;
        };
        let (read, left) = (at.saturating_sub(first.start()).max(1), seq.src.len() - at);
        // Each part grows as the items do, for at most `MAX_HOSTS` more
        // items: a part of several bytes an item (`shape_spans`) gets room
        // for as many (capped at `MAX_HOSTS` bytes, 1M host entries of 21
        // bytes of spans each were copied twice as they grew).
        let items = seq.spans.len() as f64;
        let rate =
            (left as f64 / read as f64 * 1.25).min(crate::strategy::file::MAX_HOSTS as f64 / items);
        let more = |count: usize| (count as f64 * rate) as usize;
        // Too little room only grows as before.
        let _ = seq.spans.try_reserve_exact(more(seq.spans.len()));
        let _ = seq.entries.try_reserve_exact(more(seq.entries.len()));
        let _ = seq.pairs.try_reserve_exact(more(seq.pairs.len()));
        let _ = seq.values.try_reserve_exact(more(seq.values.len()));
        let _ = seq
            .shape_spans
            .try_reserve_exact(more(seq.shape_spans.len()));
        if let Cow::Owned(texts) = &mut seq.shape_texts {
            let _ = texts.try_reserve_exact(more(texts.len()));
        }
        if let Cow::Owned(decoded) = &mut seq.decoded {
            let _ = decoded.try_reserve_exact(more(decoded.len()));
        }
        let _ = seq.decoded_at.try_reserve_exact(more(seq.decoded_at.len()));
        let _ = seq.aliased.try_reserve_exact(more(seq.aliased.len()));
    }

    fn keep(&mut self, node: Node<'s>) {
        self.seq.node_at.push(self.seq.spans.len() as u32);
        self.seq.spans.push(node.span);
        self.seq.nodes.push(node);
    }

    /// The sequence: a [`Kind::Seq`] when every item is kept as a node (or
    /// there is none), else a [`Kind::HostSeq`].
    pub fn finish(self) -> Kind<'s> {
        let mut seq = self.seq;
        if seq.nodes.len() == seq.spans.len() {
            return Kind::seq(seq.nodes);
        }
        seq.spans.shrink_to_fit();
        seq.entries.shrink_to_fit();
        seq.pairs.shrink_to_fit();
        seq.values.shrink_to_fit();
        seq.value_trees.shrink_to_fit();
        seq.shape_spans.shrink_to_fit();
        if let Cow::Owned(texts) = &mut seq.shape_texts {
            texts.shrink_to_fit();
        }
        seq.nodes.shrink_to_fit();
        seq.node_at.shrink_to_fit();
        seq.aliased.shrink_to_fit();
        seq.targets.shrink_to_fit();
        if let Cow::Owned(decoded) = &mut seq.decoded {
            decoded.shrink_to_fit();
        }
        seq.decoded_at.shrink_to_fit();
        Kind::HostSeq(Arc::new(seq))
    }
}

/// Adds the spans `shape` of a value kept by its shape to `seq`'s
/// `shape_spans`, the texts it holds (in `text`, see [`Decoded`]) to its
/// `shape_texts` (where they are not among the `recent` ones kept): the
/// value's [`Value::spans`]. `None`, with nothing added, where the list
/// cannot hold them.
fn push_shape(
    seq: &mut HostSeq<'_>,
    recent: &mut Vec<(u32, u32)>,
    shape: &[ShapeSpan],
    text: &str,
) -> Option<u32> {
    let start = u32::try_from(seq.shape_spans.len()).ok()?;
    if start >= DECODED {
        return None;
    }
    let texts_from = seq.shape_texts.len();
    let wide = shape.iter().any(|s| s.at > 255 || s.len > 255);
    let decoded = (shape.iter())
        .any(|s| matches!(s.value, Decoded::Scalar(Some(_)) | Decoded::Names(Some(_))));
    let written = (|| {
        for span in shape {
            let (at, len) = (span.at.to_le_bytes(), span.len.to_le_bytes());
            let bytes = &mut seq.shape_spans;
            match wide {
                false => bytes.extend_from_slice(&[at[0], len[0]]),
                true => bytes.extend_from_slice(&[at[0], at[1], len[0], len[1]]),
            }
            if !decoded {
                continue;
            }
            match span.value {
                Decoded::Node | Decoded::Name { listed: false, .. } => {}
                Decoded::Scalar(None) | Decoded::Names(None) => seq.shape_spans.push(0),
                Decoded::Scalar(Some((at, len))) | Decoded::Names(Some((at, len))) => {
                    let value = text.get(at as usize..(at + len) as usize)?;
                    let (at, len) = keep_shape_text(seq, recent, value)?;
                    seq.shape_spans.push(1);
                    seq.shape_spans.extend_from_slice(&at.to_le_bytes());
                    seq.shape_spans.extend_from_slice(&len.to_le_bytes());
                }
                Decoded::Name { end: None, .. } => seq.shape_spans.push(0),
                Decoded::Name { end: Some(end), .. } => {
                    seq.shape_spans.push(1);
                    seq.shape_spans.extend_from_slice(&end.to_le_bytes());
                }
            }
        }
        Some(())
    })();
    if written.is_none() {
        seq.shape_spans.truncate(start as usize);
        forget_shape_texts(seq, recent, texts_from);
        return None;
    }
    Some(start | if wide { WIDE } else { 0 } | if decoded { DECODED } else { 0 })
}

/// Where `text` is in `seq`'s `shape_texts`: one of the texts kept there
/// that `recent` knows (a table of [`RECENT_TEXTS`] by a hash of their
/// bytes, the last kept of each hash), else added.
fn keep_shape_text(
    seq: &mut HostSeq<'_>,
    recent: &mut Vec<(u32, u32)>,
    text: &str,
) -> Option<(u32, u32)> {
    keep_shape_text_in(seq, recent, text, text_slot(text))
}

/// The slot of `text` in the table of [`keep_shape_text`]: a hash of its
/// bytes (FNV-1a: the texts are short).
fn text_slot(text: &str) -> usize {
    let hash = (text.bytes()).fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % RECENT_TEXTS as u64) as usize
}

/// Whether `a` and `b` are alike: eight bytes at a time, the last eight
/// overlapping those before, for the short texts compared at every host
/// entry (between a model's words, kept again by their shape, and the keys
/// and scalars a shape's plan checks and writes: a call to compare them
/// cost as much as the rest of adding the entry).
#[inline]
pub(crate) fn alike(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let eight = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
    let four = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().expect("4 bytes"));
    match n {
        8.. => {
            let mut i = 0;
            while i + 8 < n {
                if eight(a, i) != eight(b, i) {
                    return false;
                }
                i += 8;
            }
            eight(a, n - 8) == eight(b, n - 8)
        }
        4.. => four(a, 0) == four(b, 0) && four(a, n - 4) == four(b, n - 4),
        _ => a.iter().zip(b).all(|(x, y)| x == y),
    }
}

/// [`keep_shape_text`] of a text whose slot is `slot` ([`text_slot`]).
/// Inlined: a stamp keeps a text at every host entry.
#[inline]
fn keep_shape_text_in(
    seq: &mut HostSeq<'_>,
    recent: &mut Vec<(u32, u32)>,
    text: &str,
    slot: usize,
) -> Option<(u32, u32)> {
    if recent.is_empty() {
        recent.resize(RECENT_TEXTS, (u32::MAX, 0));
    }
    let slot = &mut recent[slot];
    let texts = &seq.shape_texts;
    let (at, len) = *slot;
    let found = texts.as_bytes().get(at as usize..(at + len) as usize);
    if at != u32::MAX && found.is_some_and(|found| alike(found, text.as_bytes())) {
        return Some((at, len));
    }
    let kept = (
        u32::try_from(texts.len()).ok()?,
        u32::try_from(text.len()).ok()?,
    );
    kept.0.checked_add(kept.1)?;
    seq.shape_texts.to_mut().push_str(text);
    *slot = kept;
    Some(kept)
}

/// Where `value`, pushed onto `text`, is there.
fn push_text(text: &mut String, value: &str) -> Option<(u32, u32)> {
    let at = u32::try_from(text.len()).ok()?;
    text.push_str(value);
    Some((at, u32::try_from(value.len()).ok()?))
}

/// How many texts of `shape_texts` [`keep_shape_text`] finds again.
const RECENT_TEXTS: usize = 64;

/// Where each part of a host list ends, to take it back there when an entry
/// being added by its shape turns out not to fit (see
/// [`SeqBuilder::push_entry_shaped`]).
#[derive(Clone, Copy)]
struct PartEnds {
    pairs: usize,
    values: usize,
    shape_spans: usize,
    shape_texts: usize,
}

impl PartEnds {
    fn of(seq: &HostSeq<'_>) -> PartEnds {
        PartEnds {
            pairs: seq.pairs.len(),
            values: seq.values.len(),
            shape_spans: seq.shape_spans.len(),
            shape_texts: seq.shape_texts.len(),
        }
    }

    /// Takes `seq` back to these ends (`recent`: its recent texts); false,
    /// for no entry added.
    fn undo(self, seq: &mut HostSeq<'_>, recent: &mut [(u32, u32)]) -> bool {
        seq.pairs.truncate(self.pairs);
        seq.values.truncate(self.values);
        seq.shape_spans.truncate(self.shape_spans);
        forget_shape_texts(seq, recent, self.shape_texts);
        false
    }
}

/// Takes `seq`'s `shape_texts` back to its first `len` bytes.
fn forget_shape_texts(seq: &mut HostSeq<'_>, recent: &mut [(u32, u32)], len: usize) {
    if seq.shape_texts.len() > len {
        seq.shape_texts.to_mut().truncate(len);
    }
    for slot in recent.iter_mut() {
        if slot.0 != u32::MAX && (slot.0 + slot.1) as usize > len {
            *slot = (u32::MAX, 0);
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
    /// Whether `f` holds for this node or a scalar inside it.
    pub fn any_scalar(&self, f: &mut dyn FnMut(&Node<'s>, &Scalar<'s>) -> bool) -> bool {
        match &self.kind {
            Kind::Scalar(scalar) => f(self, scalar),
            Kind::Map(entries) => entries
                .iter()
                .any(|(k, v)| k.any_scalar(f) || v.any_scalar(f)),
            Kind::Seq(_) | Kind::HostSeq(_) => self
                .items()
                .is_some_and(|mut items| items.any(|item| item.any_scalar(f))),
            Kind::Alias(node) => node.any_scalar(f),
            Kind::Tagged(tagged) => tagged.1.any_scalar(f),
        }
    }

    /// The node itself, or the one it is an alias of.
    pub fn resolved(&self) -> &Node<'s> {
        match &self.kind {
            Kind::Alias(node) => node.resolved(),
            Kind::Tagged(tagged) => tagged.1.resolved(),
            _ => self,
        }
    }

    /// The tag of a collection (through aliases), as the parser resolved it.
    pub fn collection_tag(&self) -> Option<&str> {
        match &self.kind {
            Kind::Alias(node) => node.collection_tag(),
            Kind::Tagged(tagged) => Some(&tagged.0),
            _ => None,
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
            Kind::HostSeq(seq) => Some(Items::Host(seq.items())),
            _ => None,
        }
    }

    /// What the node is, for a message: "sequence", "map", or the scalar.
    pub fn describe(&self) -> String {
        match &self.resolved().kind {
            Kind::Seq(_) | Kind::HostSeq(_) => "sequence".to_string(),
            Kind::Map(_) => "map".to_string(),
            Kind::Scalar(s) if s.is_null() => "null".to_string(),
            Kind::Scalar(s) => format!("string {:?}", crate::error::excerpt(&s.value)),
            Kind::Alias(_) | Kind::Tagged(_) => unreachable!("resolved"),
        }
    }

    /// Moves the decoded names of its host lists into `texts` (see
    /// [`Texts`]), so that the names read from them borrow it. A list shared
    /// by an alias keeps its own (its names are then copied as they are read).
    pub fn keep_decoded(&mut self, texts: &'s Texts) {
        self.keep_decoded_from(&mut { texts });
    }

    /// [`Node::keep_decoded`], each text kept from where the last one was.
    fn keep_decoded_from(&mut self, texts: &mut &'s Texts) {
        match &mut self.kind {
            Kind::Scalar(_) => {}
            Kind::Seq(items) => (items.iter_mut()).for_each(|item| item.keep_decoded_from(texts)),
            Kind::HostSeq(seq) => {
                // Not shared yet (the strategy takes its share after this).
                let Some(seq) = Arc::get_mut(seq) else {
                    return;
                };
                if let Cow::Owned(decoded) = &mut seq.decoded {
                    let (at, kept) = texts.keep(std::mem::take(decoded));
                    (*texts, seq.decoded) = (at, Cow::Borrowed(kept));
                }
                if let Cow::Owned(decoded) = &mut seq.shape_texts {
                    let (at, kept) = texts.keep(std::mem::take(decoded));
                    (*texts, seq.shape_texts) = (at, Cow::Borrowed(kept));
                }
                (seq.nodes.iter_mut()).for_each(|node| node.keep_decoded_from(texts));
                // As for an alias's node (below): nodes shared are not.
                for target in &mut seq.targets {
                    if let Some(node) = Arc::get_mut(target) {
                        node.keep_decoded_from(texts);
                    }
                }
            }
            Kind::Map(entries) => entries.iter_mut().for_each(|(key, value)| {
                key.keep_decoded_from(texts);
                value.keep_decoded_from(texts);
            }),
            Kind::Alias(node) => {
                if let Some(node) = Arc::get_mut(node) {
                    node.keep_decoded_from(texts);
                }
            }
            Kind::Tagged(tagged) => tagged.1.keep_decoded_from(texts),
        }
    }

    /// Whether it holds no tag (on a scalar or a collection) and no alias.
    pub fn is_untagged(&self) -> bool {
        match &self.kind {
            Kind::Scalar(scalar) => scalar.tag.is_none(),
            Kind::Seq(items) => items.iter().all(Node::is_untagged),
            Kind::Map(entries) => (entries.iter()).all(|(k, v)| k.is_untagged() && v.is_untagged()),
            // Host entries' keys and values kept by their spans are untagged.
            Kind::HostSeq(seq) => {
                seq.names_tag.is_none()
                    && seq.aliased.is_empty()
                    && seq.nodes.iter().all(Node::is_untagged)
                    && seq.value_trees.iter().all(Node::is_untagged)
            }
            Kind::Alias(_) | Kind::Tagged(_) => false,
        }
    }

    /// How many nodes it holds, aliases counted as often as they are used.
    pub fn size(&self) -> usize {
        match &self.kind {
            Kind::Scalar(_) => 1,
            Kind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Kind::HostSeq(seq) => seq.size(),
            Kind::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
            Kind::Alias(node) => node.size(),
            Kind::Tagged(tagged) => tagged.1.size(),
        }
    }
}

/// The items of a sequence node.
pub enum Items<'a, 's> {
    Nodes(std::slice::Iter<'a, Node<'s>>),
    Host(HostItems<'a, 's>),
}

impl<'a, 's> Iterator for Items<'a, 's> {
    type Item = Cow<'a, Node<'s>>;
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Items::Nodes(iter) => iter.next().map(Cow::Borrowed),
            Items::Host(iter) => iter.next().map(HostItem::into_node),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Items::Nodes(iter) => iter.size_hint(),
            Items::Host(iter) => iter.size_hint(),
        }
    }
}

/// Deeper documents are refused, as every YAML reader must to bound its stack.
pub const MAX_DEPTH: usize = 128;

/// Nodes that aliases may repeat in all ("billion laughs"), at least: see
/// [`max_aliased`].
pub const MAX_ALIASED: usize = 100_000;

/// Nodes that aliases may repeat in all in a source of `len` bytes:
/// [`MAX_ALIASED`], or one a byte of the source where that is more. The
/// bound grows with the file, as serde_yaml's (100 alias jumps an event)
/// and as a fleet needs that gives each host its vars by an alias
/// (`- web1: *defaults` on 1M hosts, 3M nodes in 34 MB), so that what the
/// inventory prints stays linear in the file, while a few bytes cannot
/// make an exponential one.
pub fn max_aliased(len: usize) -> usize {
    MAX_ALIASED.max(len)
}

/// The event builder's own errors, besides the event parser's.
const MORE_THAN_ONE_DOCUMENT: &str =
    "the file holds more than one YAML document; keep one (a `---` line starts another)";
const TOO_DEEP: &str = "recursion limit exceeded: the document nests too deep";
const UNKNOWN_ANCHOR: &str = "unknown anchor";
const ALIASED_TOO_MUCH: &str = "repetition limit exceeded: aliases repeat too many nodes";

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
    let mut builder = Builder::new(src, base, src.len(), MAX_DEPTH);
    builder.run()?;
    Ok(builder.root)
}

/// The items or entries of a block collection read from part of a source:
/// what [`parse_region`] gives.
#[derive(Debug)]
pub enum Region<'s> {
    /// A block sequence whose first `-` is at the region's expected place:
    /// how many items it had, added to the [`SeqBuilder`] given.
    Seq(usize),
    /// A block mapping whose first key is at the region's expected place.
    Map(Vec<(Node<'s>, Node<'s>)>),
}

/// Part of a source for [`parse_region`]: `whole[start..end]`, whose block
/// collection starts at `first` (its first `-` or key); what the event
/// parser places at the region's end (a block scalar's end, an empty value)
/// goes, as in the whole file, after the `indent` spaces that start the
/// line after the region.
#[derive(Debug, Clone, Copy)]
pub struct RegionAt {
    pub start: usize,
    pub end: usize,
    pub first: usize,
    pub indent: usize,
    /// Collections may nest this deep in the region.
    pub max_depth: usize,
}

/// The block collection in a region of `whole` ([`RegionAt`]), read by the
/// event parser as if that text were the whole file, its spans those of
/// `whole` (the region starts at a line's start, so columns are the same):
/// a sequence's items added to `items` (a host list stays compact), a
/// mapping's entries. For the fast reader's hand-over of the entries it does
/// not take (see `block_yaml`). `None` (the whole file must be read) unless
/// the region is one block collection starting at `first`, no deeper than
/// allowed, without anchors or a literal or folded scalar without text
/// (placed at what follows it), and the event parser reads it without an
/// error. With `record`, a copy of each node taken is added to it too.
pub fn parse_region<'s>(
    whole: &'s str,
    at: RegionAt,
    items: &mut SeqBuilder<'s>,
    record: Option<&mut Vec<Node<'s>>>,
) -> Option<Region<'s>> {
    let mut builder = Builder::new(whole, at.start, at.end, at.max_depth);
    builder.region = Some(RegionItems {
        seq: std::mem::replace(items, SeqBuilder::new(whole)),
        nodes: Vec::new(),
        count: 0,
        record: record.is_some(),
        end: at.end,
        empty: false,
    });
    builder.at_end = (at.end < whole.len()).then_some((at.end, at.indent));
    builder.run().ok()?;
    let root = builder.root?;
    let region = builder.region?;
    if root.span.start() != at.first
        || !builder.anchors.is_empty()
        || builder.aliased != 0
        || region.empty
    {
        return None;
    }
    if let Some(record) = record {
        record.extend(region.nodes.iter().cloned());
    }
    match (root.kind, whole.as_bytes()[at.first]) {
        (Kind::Seq(_) | Kind::HostSeq(_), b'-') => {
            *items = region.seq;
            Some(Region::Seq(region.count))
        }
        (Kind::Map(_), b) if b != b'[' && b != b'{' => {
            let mut entries = Vec::with_capacity(region.nodes.len() / 2);
            let mut nodes = region.nodes.into_iter();
            while let (Some(key), Some(value)) = (nodes.next(), nodes.next()) {
                entries.push((key, value));
            }
            Some(Region::Map(entries))
        }
        _ => None,
    }
}

/// A block collection open at the line where [`first_error`] starts reading:
/// a sequence (its `-` at `column`) or a mapping (its keys at `column`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Open {
    pub seq: bool,
    pub column: usize,
}

/// A flow collection open at the line where [`first_error`] starts reading:
/// a mapping or a sequence, and whether it had entries before the one that
/// holds that line (the next flow collection's, or for the last one, the
/// entry that starts the line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowOpen {
    pub map: bool,
    pub more: bool,
    /// Whether it is the key of an entry of the flow mapping before it
    /// (`{a: b, [c, d]: e}`): the event parser then holds its tokens until
    /// it knows (a later scan error comes first), and so does the
    /// skeleton's, which places it at a key too.
    pub key: bool,
}

/// The flow collection that is the whole document, ended just before
/// [`Resume::from`] (for what follows it: see [`first_error`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed {
    /// A mapping (`{`) or a sequence (`[`).
    pub map: bool,
    /// Where its opening bracket is.
    pub open: usize,
}

/// Where [`first_error`] reads a source from, and what is open there.
#[derive(Debug, Clone, Copy)]
pub struct Resume<'a> {
    /// Whether the document starts with `---`.
    pub explicit: bool,
    /// The block collections open at `from`, outermost first, each the
    /// value or item of the one before; `from` starts an entry of the last.
    pub open: &'a [Open],
    /// Whether the last one had entries before the one at `from`.
    pub more: bool,
    /// Flow collections open at `from`, outermost first: the whole document,
    /// or the value of a new entry of the last block collection, on that
    /// entry's line (`key: [` or `- [`) or the next ([`Resume::flow_column`];
    /// `more` is then about the entries before that one); each in the one
    /// before at an item, a value or a key ([`FlowOpen::key`]).
    /// `from` starts an entry of the last flow collection, after a `,` or its
    /// opening bracket.
    pub flows: &'a [FlowOpen],
    /// Whether a plain scalar was read in them before `from`: the event
    /// parser's indentation inside flow collections in a block one then
    /// lost the column it gained at the first bracket (after a `:` or `-`),
    /// which a plain scalar in the skeleton loses the same way.
    pub plain: bool,
    /// The column the first of `flows` opens at, when that is on a line of
    /// its own after its entry's (`key:` then `[` on the next line), where
    /// the skeleton's opens too.
    pub flow_column: Option<usize>,
    /// Every anchor defined before `from`, in order, each with how many
    /// nodes its node holds ([`Node::size`]): the skeleton defines them as
    /// entries of the root collection before the open one, so that an
    /// alias after `from` is read as in the file.
    pub anchors: &'a [(&'a str, usize)],
    /// How many nodes the aliases before `from` repeat ([`max_aliased`]).
    pub aliased: usize,
    /// Instead of `open` and `flows` (then empty): the document is a flow
    /// collection that ended just before `from`.
    pub closed: Option<Closed>,
    /// A line's start; its first character (after spaces, no tab) starts
    /// the entry. With `closed`, just after the closing bracket.
    pub from: usize,
    /// Reading stops, no error found, at an event past the line that
    /// starts here (the line that ends the entry, where the event parser may
    /// place what ends it), unless that line ends the source.
    pub stop: usize,
}

/// The error [`parse`] gives for `whole`, found by reading it from a line in
/// the middle (`at`), without the text before: for a syntax error late in a
/// big file, which the fast reader meets in an entry it hands over
/// (`block_yaml`). `None` where that is not known from there.
///
/// The event parser reads a skeleton of what is open at `at.from`, then the
/// text from there on as it is in the file: `---` if the document starts
/// with it; the anchors defined before, as entries `k: &a x` or `- &a x` of
/// the root collection (before the one open there); for each open
/// collection but the last, a line `k:` or `-` at its column (its value or
/// item on the next lines); for the last, an entry `k: x` or `- x` at its
/// column if it had entries before (a line at its column then goes on with
/// it, and a key there is a key the event parser requires, as in the file),
/// nothing if not (the line then starts it, as in the file). Inside flow
/// collections (the whole document, or the value of an entry on its line or
/// the next), that entry (`k: ` or `- `, or `k:` then the next line's
/// indentation) and their brackets (`{'': '', '': [x,`, a key's without the
/// `'': ` before it: see [`Resume::flows`] and [`Resume::plain`]), and the
/// reading stops where the innermost one ends. After a flow collection that
/// is the whole document ([`Resume::closed`]), that collection, empty, its
/// brackets at their columns (and on one line as far apart, or on two).
///
/// At the start of a line the event parser's state is what is open there,
/// at which columns: indentation, simple keys, the parser's states, all
/// compared by column and line, never by offset, and the anchors defined.
/// So it reads the text from `from` on as it does in the whole file, and its
/// first error there, message and offset (taken back to the file's), is the
/// whole file's, provided that the whole file's reading gets to `from`
/// without an error and with `open` open (the fast reader read all before,
/// with the event parser's result), that every anchor defined before is in
/// `anchors`, and that `from`'s line has no tab before its first character
/// (the event parser checks a tab in indentation against the line before,
/// which the skeleton does not have). The event builder's own errors are
/// found the same way: a second document, nesting too deep, an alias of a
/// node not yet ended, and aliases that repeat too many nodes, counted from
/// [`Resume::aliased`] with the size of each anchor's node (those defined
/// before as `anchors` gives them, the others as read). `None` at an event
/// past the line at `at.stop` (the caller's bound on what it reads), without
/// an error, or where the anchors cannot be placed (before the root's first
/// entry, or with `closed`).
///
/// The text from `from` is copied behind the skeleton (the event parser
/// reads one `&str`, and its other input reads some characters its own way).
/// The fuzz targets compare this error with the whole file's wherever the
/// fast reader finds one (`fuzz/reference.rs`).
pub fn first_error(whole: &str, at: Resume) -> Option<SyntaxError> {
    let text = skeleton(whole, &at)?;
    let skeleton = text.len();
    let text = text + &whole[at.from..];
    // Offsets in `whole` of the event parser's character indices past the
    // skeleton (ASCII: one character a byte).
    let mut offsets = Offsets::new(whole, at.from, whole.len());
    let mut byte = |index: usize| index.checked_sub(skeleton).map(|i| offsets.byte(i));
    let stop = (whole.get(at.stop..))
        .and_then(|rest| rest.find(['\n', '\r']))
        .map_or(usize::MAX, |end| at.stop + end + 1);
    let mut parser = Parser::new_from_str(&text);
    let mut documents = 0;
    // Inside a flow collection, the reading stops where the last one ends:
    // what comes after it may depend on how far its start lies back (a
    // flow collection is a key only within 1024 characters).
    let floor = match at.flows.is_empty() {
        true => 0,
        false => at.open.len() + at.flows.len(),
    };
    // The nodes each anchor's node holds, and for each collection open, its
    // anchor and the nodes read in it so far, as the event builder counts
    // them for aliases ([`Node::size`]); the skeleton's anchors stand for
    // those defined before `from`.
    let (mut sizes, mut open) = (HashMap::new(), Vec::<(usize, usize)>::new());
    let (mut defined, mut aliased) = (at.anchors.iter(), at.aliased);
    while let Some(event) = parser.next_event() {
        let (event, span) = match event {
            Ok(event) => event,
            Err(error) => {
                return Some(SyntaxError {
                    at: byte(error.marker().index())?,
                    message: error.info().to_string(),
                });
            }
        };
        let start = byte(span.start.index());
        if start.is_some_and(|start| start >= stop) {
            return None;
        }
        // The event builder's own errors (see `Builder::event`), at the event.
        let error = |message: &str| {
            Some(SyntaxError {
                at: start?,
                message: message.to_string(),
            })
        };
        // A node read: its anchor, if any, and the nodes it holds.
        let node = match event {
            Event::StreamEnd => return None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return error(MORE_THAN_ONE_DOCUMENT);
                }
                None
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() >= MAX_DEPTH {
                    return error(TOO_DEEP);
                }
                open.push((anchor, 1));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = open.pop()?;
                if open.len() < floor {
                    return None;
                }
                Some(node)
            }
            Event::Scalar(_, _, anchor, _) => match (anchor, start) {
                (0, _) | (_, Some(_)) => Some((anchor, 1)),
                (_, None) => Some((anchor, defined.next()?.1)),
            },
            Event::Alias(anchor) => {
                let Some(&size) = sizes.get(&anchor) else {
                    return error(UNKNOWN_ANCHOR);
                };
                aliased += size;
                if aliased > max_aliased(whole.len()) {
                    return error(ALIASED_TOO_MUCH);
                }
                Some((0, size))
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => None,
        };
        if let Some((anchor, size)) = node {
            if anchor != 0 {
                sizes.insert(anchor, size);
            }
            if let Some((_, count)) = open.last_mut() {
                *count += size;
            }
        }
    }
    None
}

/// The text [`first_error`] reads before `whole[at.from..]` (see there):
/// `None` where the anchors defined before cannot be placed in it, or a
/// plain scalar it would need cannot be.
fn skeleton(whole: &str, at: &Resume) -> Option<String> {
    let mut text = String::new();
    if at.explicit {
        text.push_str("---\n");
    }
    if let Some(closed) = at.closed {
        // The document's flow collection, empty, its brackets where they
        // are: on one line as far apart (a key at most 1024 characters
        // long), or on two lines.
        let line_start = |i: usize| {
            let before = whole[..i].rfind(['\n', '\r']);
            before.map_or(bom_len(whole), |b| b + 1)
        };
        let column = |i: usize| whole[line_start(i)..i].chars().count();
        let (close, brackets) = (at.from - 1, if closed.map { "{}" } else { "[]" });
        text.extend(std::iter::repeat_n(' ', column(closed.open)));
        text.push_str(&brackets[..1]);
        let between = &whole[closed.open + 1..close];
        match between.contains(['\n', '\r']) {
            true => {
                text.push('\n');
                text.extend(std::iter::repeat_n(' ', column(close)));
            }
            false => text.extend(std::iter::repeat_n(' ', between.chars().count())),
        }
        text.push_str(&brackets[1..]);
        return (at.anchors.is_empty() && at.open.is_empty() && at.flows.is_empty())
            .then_some(text);
    }
    // The anchors defined before: entries of the root collection before
    // the one open (which the collections open at `from` are in).
    if !at.anchors.is_empty() {
        let root = at.open.first()?;
        if at.open.len() == 1 && !at.more {
            return None;
        }
        for (name, _) in at.anchors {
            text.extend(std::iter::repeat_n(' ', root.column));
            text.push_str(if root.seq { "- &" } else { "k: &" });
            text.push_str(name);
            text.push_str(" x\n");
        }
    }
    for (i, open) in at.open.iter().enumerate() {
        let last = i + 1 == at.open.len();
        if last && !at.more {
            break;
        }
        text.extend(std::iter::repeat_n(' ', open.column));
        text.push_str(match (open.seq, last) {
            (true, false) => "-\n",
            (false, false) => "k:\n",
            (true, true) => "- x\n",
            (false, true) => "k: x\n",
        });
    }
    // Flow collections: on the line of a new entry of the last block
    // collection (`k: ` or `- `), if any, or on the line after it (`k:`),
    // `[` or `{`, each after `x, ` or
    // `k: x, ` if it had entries before, and a mapping's `k: ` before the
    // next one unless that is a key; the last one's line ends after its
    // opening bracket or a `,`.
    if let (Some(open), false) = (at.open.last(), at.flows.is_empty()) {
        text.extend(std::iter::repeat_n(' ', open.column));
        text.push_str(if open.seq { "-" } else { "k:" });
        match at.flow_column {
            Some(column) => {
                text.push('\n');
                text.extend(std::iter::repeat_n(' ', column));
            }
            None => text.push(' '),
        }
    }
    // Scalars quoted, but the first if a plain scalar was read before `from`.
    let mut plain = at.plain;
    let mut scalar = || match std::mem::take(&mut plain) {
        true => "x",
        false => "''",
    };
    for (i, flow) in at.flows.iter().enumerate() {
        let last = i + 1 == at.flows.len();
        let keyed = at.flows.get(i + 1).is_some_and(|next| next.key);
        text.push(if flow.map { '{' } else { '[' });
        if flow.more && flow.map {
            text.push_str(scalar());
            text.push_str(": ");
        }
        if flow.more {
            text.push_str(scalar());
            text.push_str(", ");
        }
        if flow.map && !last && !keyed {
            text.push_str(scalar());
            text.push_str(": ");
        }
        if last {
            text.truncate(text.trim_end().len());
            text.push('\n');
        }
    }
    (!plain).then_some(text)
}

/// What a region's root collection holds, while it is read (see
/// [`parse_region`]).
struct RegionItems<'s> {
    /// A sequence's items.
    seq: SeqBuilder<'s>,
    /// A mapping's keys and values in turn; a sequence's items too when
    /// recorded.
    nodes: Vec<Node<'s>>,
    count: usize,
    record: bool,
    /// Where the region ends.
    end: usize,
    /// Whether a scalar placed by what follows it was read: a literal or
    /// folded one without text, or an empty one at the region's end.
    empty: bool,
}

impl<'s> RegionItems<'s> {
    fn add(&mut self, node: Node<'s>, in_seq: bool) {
        let end = self.end;
        self.empty |= node.any_scalar(&mut |node, scalar| match scalar.style {
            Style::Literal | Style::Folded => scalar.value.bytes().all(|b| b == b'\n'),
            _ => scalar.value.is_empty() && node.span.end as usize >= end,
        });
        self.count += 1;
        if !in_seq {
            return self.nodes.push(node);
        }
        if self.record {
            self.nodes.push(node.clone());
        }
        self.seq.push(node);
    }
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
    fn new(whole: &'s str, base: usize, end: usize) -> Offsets<'s> {
        let src = &whole[base..end];
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
        tag: Option<String>,
        /// Plain scalars and host entries kept by their spans (a million
        /// hosts in one list). Boxed: a frame is moved as collections open
        /// and close, and a builder is some 300 bytes.
        items: Box<SeqBuilder<'s>>,
    },
    Map {
        start: usize,
        anchor: usize,
        tag: Option<String>,
        entries: Vec<(Node<'s>, Node<'s>)>,
        key: Option<Node<'s>>,
    },
}

struct Builder<'s> {
    offsets: Offsets<'s>,
    stack: Vec<Frame<'s>>,
    anchors: HashMap<usize, Arc<Node<'s>>>,
    aliased: usize,
    root: Option<Node<'s>>,
    documents: usize,
    /// Collections may nest this deep.
    max_depth: usize,
    /// Reading a region ([`parse_region`]): the root collection's items, or
    /// its keys and values in turn, kept here rather than in it.
    region: Option<RegionItems<'s>>,
    /// Reading a region: its end, and how far past it the event parser
    /// would have placed what it places there when reading the whole file
    /// (after the next line's indentation).
    at_end: Option<(usize, usize)>,
}

impl<'s> Builder<'s> {
    /// A builder for `whole[base..end]`, its spans offsets into `whole`.
    fn new(whole: &'s str, base: usize, end: usize, max_depth: usize) -> Builder<'s> {
        Builder {
            offsets: Offsets::new(whole, base, end),
            stack: Vec::new(),
            anchors: HashMap::new(),
            aliased: 0,
            root: None,
            documents: 0,
            max_depth,
            region: None,
            at_end: None,
        }
    }

    /// Reads every event of the text.
    fn run(&mut self) -> Result<(), SyntaxError> {
        let mut parser = Parser::new_from_str(self.offsets.src);
        while let Some(event) = parser.next_event() {
            let (event, span) = event.map_err(|e| self.scan_error(&e))?;
            let (start, end) = (span.start.index(), span.end.index());
            let (start, end) = (self.offsets.byte(start), self.offsets.byte(end));
            let span = match self.at_end {
                Some((at, by)) => Span::new(
                    start + if start == at { by } else { 0 },
                    end + if end == at { by } else { 0 },
                ),
                None => Span::new(start, end),
            };
            if self.event(event, span)? {
                break;
            }
        }
        Ok(())
    }

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
                    return Err(error(MORE_THAN_ONE_DOCUMENT));
                }
            }
            Event::Scalar(mut value, style, anchor, tag) => {
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    let properties = anchor != 0 || tag.is_some();
                    clip_at_end(&mut value, self.offsets.whole, span, properties);
                }
                let mut span = span;
                if let ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted = style
                    && let Some(end) = quoted_end(self.offsets.whole, span)
                {
                    span.end = end as u32;
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
                        tag: tag.map(|t| Box::new(t.to_string())),
                    }),
                };
                self.add(node, anchor);
            }
            Event::Alias(anchor) => {
                let Some(node) = self.anchors.get(&anchor) else {
                    return Err(error(UNKNOWN_ANCHOR));
                };
                self.aliased += node.size();
                if self.aliased > max_aliased(self.offsets.whole.len()) {
                    return Err(error(ALIASED_TOO_MUCH));
                }
                let node = Node {
                    span,
                    kind: Kind::Alias(Arc::clone(node)),
                };
                self.add(node, 0);
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if self.stack.len() >= self.max_depth {
                    return Err(error(TOO_DEEP));
                }
                let start = span.start();
                let tag = tag.as_ref().map(|t| t.to_string());
                self.stack.push(match event {
                    Event::SequenceStart(..) => Frame::Seq {
                        start,
                        anchor,
                        tag,
                        items: Box::new(SeqBuilder::new(self.offsets.whole)),
                    },
                    _ => Frame::Map {
                        start,
                        anchor,
                        tag,
                        entries: Vec::new(),
                        key: None,
                    },
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor, tag) = match self.stack.pop().expect("an open collection") {
                    Frame::Seq {
                        start,
                        anchor,
                        tag,
                        items,
                    } => {
                        let end = items.last_end().unwrap_or(span.start());
                        let span = Span::new(start, end.max(start));
                        let kind = items.finish();
                        (Node { span, kind }, anchor, tag)
                    }
                    Frame::Map {
                        start,
                        anchor,
                        tag,
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
                            tag,
                        )
                    }
                };
                let node = match tag {
                    Some(tag) => Node {
                        span: node.span,
                        kind: Kind::Tagged(Box::new((tag, node))),
                    },
                    None => node,
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
            let shared = Arc::new(node);
            self.anchors.insert(anchor, Arc::clone(&shared));
            Node {
                span,
                kind: Kind::Alias(shared),
            }
        };
        if let (Some(region), [root]) = (&mut self.region, &self.stack[..]) {
            return region.add(node, matches!(root, Frame::Seq { .. }));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
}

/// Just after the closing quote of the quoted scalar whose event has `span`
/// (its properties, if any, first): saphyr-parser ends the span after the
/// blanks and the comment that follow the quote, where a host list's text
/// of the name would take them in (a comment ending in a multi-byte
/// character made that a panic; found by fuzzing). `None` if the scalar is
/// not found as expected.
fn quoted_end(whole: &str, span: Span) -> Option<usize> {
    let bytes = whole.as_bytes();
    let end = (span.end as usize).min(bytes.len());
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut at = span.start();
    // Past the properties (`!tag`, `&anchor`), blanks and comments.
    let quote = loop {
        match *bytes.get(at)? {
            b if blank(b) => at += 1,
            b'#' => {
                while at < end && !matches!(bytes[at], b'\n' | b'\r') {
                    at += 1;
                }
            }
            b'!' | b'&' => {
                while at < end && !blank(bytes[at]) {
                    at += 1;
                }
            }
            q @ (b'\'' | b'"') => break q,
            _ => return None,
        }
        if at >= end {
            return None;
        }
    };
    at += 1;
    while at < end {
        match bytes[at] {
            b'\'' if quote == b'\'' && bytes.get(at + 1) == Some(&b'\'') => at += 2,
            b'\\' if quote == b'"' => {
                at += 1;
                at += whole[at..].chars().next().map_or(1, char::len_utf8);
            }
            b if b == quote => return Some(at + 1),
            _ => at += 1,
        }
    }
    None
}

/// Where a block scalar's header (`|`, `>-`, `|+2`) is in its line: the last
/// `|` or `>` after a blank or at the line's start that reads as a header,
/// chomping and indentation indicators then nothing but blanks and a
/// comment. The last `|` or `>` is that when no comment after the header
/// holds one; where one does (`? > #>- >--4`), the first one that reads as
/// a header outside quoted scalars and before a comment. (A line that
/// starts inside a quoted key over lines is read from the right alone.)
fn block_indicator(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let blank_before = |i: usize| i == 0 || matches!(bytes[i - 1], b' ' | b'\t');
    let header = |i: usize| {
        if !matches!(bytes[i], b'|' | b'>') || !blank_before(i) {
            return false;
        }
        let rest = line[i + 1..].trim_start_matches(|c: char| "+-0123456789".contains(c));
        let after = rest.trim_start_matches([' ', '\t']);
        after.is_empty() || after.starts_with('#') && after.len() < rest.len()
    };
    let (mut i, mut quote) = (0, None);
    while i < bytes.len() {
        match (quote, bytes[i]) {
            (Some(b'"'), b'\\') => i += 1,
            (Some(b'\''), b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 1,
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b @ (b'\'' | b'"')) if blank_before(i) => quote = Some(b),
            (None, b'#') if blank_before(i) => break,
            (None, _) if header(i) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    (0..bytes.len()).rev().find(|&i| header(i))
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
        // Past the properties, comments and line breaks (the header may be
        // on a line after the tag: found by fuzzing).
        true => {
            let (bytes, mut at) = (whole.as_bytes(), start);
            let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
            loop {
                while at < bytes.len() && blank(bytes[at]) {
                    at += 1;
                }
                match bytes.get(at) {
                    Some(b'|' | b'>') => break Some(at),
                    Some(b'#') => {
                        while at < bytes.len() && !matches!(bytes[at], b'\n' | b'\r') {
                            at += 1;
                        }
                    }
                    Some(b'!' | b'&') => {
                        while at < bytes.len() && !blank(bytes[at]) {
                            at += 1;
                        }
                    }
                    _ => break None,
                }
            }
        }
        // On the header line, the last line with content before the text
        // (not a `|` or `>` in a comment there, as in `? > #>-`: found by
        // fuzzing).
        false => {
            let before = whole[..start].trim_end_matches(|c: char| c != '\n' && c != '\r');
            let text = before.trim_end_matches([' ', '\t', '\n', '\r']);
            let line = text.rfind(['\n', '\r']).map_or(bom_len(text), |i| i + 1);
            block_indicator(&text[line..]).map(|at| line + at)
        }
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
    // the block's indentation, that many of them spaces (a tab is never
    // indentation: ` \t` under a block indented 3 ends it; found by
    // fuzzing); only then does no line break follow the content.
    let body = &whole[indicator..];
    let last_line = &whole[whole.rfind(['\n', '\r']).map_or(0, |i| i + 1)..];
    let last_spaces = last_line.len() - last_line.trim_start_matches(' ').len();
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
    // A line of blanks between the text and the last line that has fewer
    // spaces than the indentation, then a tab, ends the block there: the
    // last line is then no part of it (found by fuzzing).
    let ended_before_last = || {
        let lines: Vec<&str> = body.split(['\n', '\r']).skip(1).collect();
        let after_text = lines.iter().rposition(|line| !line.trim().is_empty());
        let between = after_text.and_then(|k| lines.get(k + 1..lines.len().saturating_sub(1)));
        between.unwrap_or_default().iter().any(|line| {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            spaces < indent && spaces < line.len()
        })
    };
    if keep {
        // Keep: nor is a line break kept that the file does not have after a
        // last line in the block (saphyr-parser adds one; found by fuzzing).
        let in_block = has_text || last_spaces >= indent && !ended_before_last();
        if !last_line.is_empty() && in_block && value.ends_with('\n') {
            value.to_mut().pop();
        }
        return;
    }
    let last_is_content = !last_line.is_empty()
        && (has_text || last_spaces >= indent && last_line.len() > indent && !ended_before_last());
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

    /// The header of a block scalar in its line, not a `|` or `>` in a
    /// comment after it, a quoted key or a plain one.
    #[test]
    fn block_indicator_is_the_header_not_a_comment_or_key() {
        for (line, at) in [
            ("a: |", Some(3)),
            ("- >-", Some(2)),
            ("k: |+2 # c", Some(3)),
            ("? > #>- >--[", Some(2)),
            ("? > #>- >--4", Some(2)),
            ("a: | # > ", Some(3)),
            ("'x | #': >", Some(9)),
            ("\"a\\\" | #\": |-", Some(11)),
            ("'it''s | #': |", Some(13)),
            ("a | b: >", Some(7)),
            ("'a > b': |", Some(9)),
            ("\"x # |\": >1-", Some(9)),
            ("|", Some(0)),
            ("\u{e9}: |", Some(4)),
            ("a---'b: >1", Some(8)),
            ("a 'b: |", Some(6)),
            ("&k key: !t |", Some(11)),
            ("- &a |-", Some(5)),
            ("a: |x", None),
        ] {
            assert_eq!(block_indicator(line), at, "{line:?}");
        }
    }

    /// Every text kept stays as it was, however many; a host list shared by
    /// an alias keeps its own.
    #[test]
    fn texts_keep_every_text() {
        let texts = Texts::default();
        let mut at = &texts;
        let kept: Vec<&str> = (0..1000)
            .map(|i| {
                let (next, text) = at.keep(format!("t{i}"));
                at = next;
                text
            })
            .collect();
        assert!(kept.iter().enumerate().all(|(i, t)| *t == format!("t{i}")));
        assert_eq!(texts.keep("again".to_string()).1, "again");
        let src = "a: &l\n- \"w\\x2d1\"\nb: *l\nc:\n- \"v\\x2d1\"\n";
        let mut root = parse(src).unwrap().unwrap();
        let texts = Texts::default();
        root.keep_decoded(&texts);
        let lists: Vec<_> = (root.entries().unwrap().iter())
            .map(|(_, list)| match &list.resolved().kind {
                Kind::HostSeq(seq) => {
                    (matches!(seq.decoded, Cow::Borrowed(_)), seq.items().count())
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(lists, [(false, 1), (false, 1), (true, 1)]);
    }

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

    /// A host list keeps its plain names and host entries by their spans,
    /// anything else as nodes, and gives every item back as the node it was.
    /// `root`, a sequence, built again by keeping each of its items as a
    /// node of its own.
    fn rebuilt_item_by_item<'s>(src: &'s str, root: &Node<'s>) -> Node<'s> {
        let mut items = SeqBuilder::new(src);
        for item in root.items().unwrap() {
            items.keep(item.into_owned());
        }
        Node {
            span: root.span,
            kind: items.finish(),
        }
    }

    /// A host entry whose vars are all scalars as written takes no edit
    /// ([`EntryModel::takes_edits`]): `push_entry_shaped` adds nothing for
    /// any edit of it, so the reader need not try it. One with a value kept
    /// as a node takes them.
    #[test]
    fn only_entries_with_values_kept_as_nodes_take_edits() {
        let src = "- w1: {a: 10.0.0.1, b: x}\n- w2: {a: 10.0.0.2, b: x}\n\
                   - w3: {a: [1], b: x}\n- w4: {a: [2], b: x}\n";
        let root = parse(src).unwrap().unwrap();
        let items: Vec<_> = root.items().unwrap().map(|i| i.into_owned()).collect();
        let name = |item: &Node<'static>| item.entries().unwrap()[0].0.clone();
        let at = |text: &str| src.find(text).unwrap() as u32;
        let mut seq = SeqBuilder::new(src);
        seq.push(items[0].clone());
        let model = seq.last_entry().unwrap();
        assert!(!model.takes_edits());
        // `1` of `10.0.0.1` as `2`, and `x` as `y`: no edit is taken.
        for edits in [[(at("1,"), 1, 1)], [(at("x}"), 1, 1)]] {
            assert!(!seq.push_entry_shaped(&model, &name(&items[1]), 27, &edits));
        }
        assert_eq!(seq.seq.entries.len(), 1);
        seq.push(items[2].clone());
        let model = seq.last_entry().unwrap();
        assert!(model.takes_edits());
        let edits = [(at("1]"), 1, 1)];
        assert!(seq.push_entry_shaped(&model, &name(&items[3]), 22, &edits));
        assert_eq!(seq.seq.entries.len(), 3);
    }

    /// A host entry whose values kept as nodes hold no untagged plain
    /// scalar outside a tag (`!unsafe x1`, `!unsafe [a]`, `'x1'` in a list)
    /// takes no edit either: `push_entry_shaped` adds nothing for it.
    #[test]
    fn entries_with_only_tagged_or_quoted_values_take_no_edits() {
        for (a, b) in [
            ("!unsafe x1", "!unsafe x2"),
            ("!unsafe [x1]", "!unsafe [x2]"),
            ("['x1']", "['x2']"),
        ] {
            let src = format!("- w1: {{a: {a}}}\n- w2: {{a: {b}}}\n");
            let root = parse(&src).unwrap().unwrap();
            let items: Vec<_> = root.items().unwrap().map(|i| i.into_owned()).collect();
            let mut seq = SeqBuilder::new(&src);
            seq.push(items[0].clone());
            let model = seq.last_entry().unwrap();
            assert!(!model.takes_edits(), "{a}");
            let name = items[1].entries().unwrap()[0].0.clone();
            let at = (src.find("x1").unwrap() + 1) as u32;
            let shift = (src.find("w2").unwrap() - src.find("w1").unwrap()) as u32;
            assert!(
                !seq.push_entry_shaped(&model, &name, shift, &[(at, 1, 1)]),
                "{a}"
            );
        }
    }

    #[test]
    fn several_values_written_alike_on_every_host_share_their_nodes() {
        let mut src = String::new();
        for i in 0..20 {
            src.push_str(&format!("- w{i}: {{a: [x, y], b: {{k: v}}, c: 1}}\n"));
        }
        let src = src.as_str();
        for (which, root) in [parse(src).unwrap(), crate::strategy::block_yaml::read(src)]
            .iter()
            .enumerate()
        {
            let Kind::HostSeq(seq) = &root.as_ref().unwrap().kind else {
                panic!("{which}");
            };
            // Two values a host, alternating: each shares the one kept
            // [`SHARED_WINDOW`] back at most, not only the last one.
            assert_eq!(
                (seq.values.len(), seq.value_trees.len()),
                (40, 2),
                "{which}"
            );
        }
    }

    /// Whether `a` and `b` are the same nodes: spans, values, styles, tags
    /// (host lists compared item by item).
    fn same_exactly(a: &Node, b: &Node) -> bool {
        let same = a.span == b.span;
        same && match (&a.kind, &b.kind) {
            (Kind::Scalar(x), Kind::Scalar(y)) => x == y,
            (Kind::Map(x), Kind::Map(y)) => {
                x.len() == y.len()
                    && (x.iter().zip(y))
                        .all(|((ak, av), (bk, bv))| same_exactly(ak, bk) && same_exactly(av, bv))
            }
            (Kind::Seq(_) | Kind::HostSeq(_), Kind::Seq(_) | Kind::HostSeq(_)) => {
                let (x, y): (Vec<_>, Vec<_>) =
                    (a.items().unwrap().collect(), b.items().unwrap().collect());
                x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| same_exactly(p, q))
            }
            (Kind::Tagged(x), Kind::Tagged(y)) => x.0 == y.0 && same_exactly(&x.1, &y.1),
            _ => false,
        }
    }

    /// `src` with every host entry of its top-level list but the one at
    /// `keep` (the byte where its line starts) made a comment of the same
    /// length: that entry then lies where it did, its values the first and
    /// only ones of the list, kept as the nodes the builder made.
    fn only_entry(src: &str, keep: usize) -> String {
        let mut out = String::with_capacity(src.len());
        let mut at = 0;
        let mut kept = false;
        for line in src.split_inclusive('\n') {
            if line.starts_with("- ") {
                kept = at == keep;
            }
            match kept {
                true => out.push_str(line),
                false => {
                    let body = line.trim_end_matches('\n');
                    out.push('#');
                    out.push_str(&" ".repeat(body.len().saturating_sub(1)));
                    out.push_str(&line[body.len().max(1)..]);
                }
            }
            at += line.len();
        }
        out
    }

    #[test]
    fn values_of_one_shape_keep_spans_of_their_own_and_come_back_as_read() {
        let mut src = String::new();
        for i in 0..40 {
            let n = i * 37 % 1000;
            src.push_str(&match i % 8 {
                // Flow pairs, compact nested lists, a mapping: each with
                // scalars of its own.
                0..=2 => format!("- w{i}:\n    ports: [http: {n}, https: 443]\n"),
                3 | 4 => format!("- w{i}:\n    pairs:\n      - - a{n}\n        - 'b{i}'\n"),
                5 => format!("- w{i}: {{x: {{k: \"v{n}\", l: [{n}, z]}}, y: {n}}}\n"),
                // Not of a shape kept: an escape, a tag, a block scalar.
                6 => format!("- w{i}: {{x: {{k: \"v\\t{n}\", l: [{n}, z]}}}}\n"),
                _ => format!("- w{i}:\n    ports: [http: !t {n}, https: 443]\n"),
            });
        }
        src.push_str("- w40:\n    z:\n      - |\n        text\n      - e\n");
        // Longer than 255 bytes: four bytes a span.
        for i in 41..45 {
            src.push_str(&format!("- w{i}: {{z: [{}, {i}]}}\n", "x".repeat(300)));
        }
        let src = src.as_str();
        let starts: Vec<usize> = (src.match_indices("- w").map(|(at, _)| at)).collect();
        for (which, root) in [parse(src).unwrap(), crate::strategy::block_yaml::read(src)]
            .iter()
            .enumerate()
        {
            let root = root.as_ref().unwrap();
            let Kind::HostSeq(seq) = &root.kind else {
                panic!("{which}: {:?}", root.kind);
            };
            // A value a host; most kept by a shape of the last few.
            let by_shape = seq.values.iter().filter(|v| v.spans != NO_SPANS).count();
            assert_eq!(seq.values.len(), 45, "{which}");
            assert!(by_shape >= 28, "{which}: {by_shape}");
            let wide = seq
                .values
                .iter()
                .filter(|v| v.spans != NO_SPANS && v.spans & WIDE != 0);
            assert_eq!(wide.count(), 3, "{which}");
            assert!(
                seq.value_trees.len() <= 20,
                "{which}: {}",
                seq.value_trees.len()
            );
            let whole = rebuilt_item_by_item(src, root);
            assert!(crate::reference::same_tree(root, &whole, true), "{which}");
            assert_eq!(root.size(), whole.size(), "{which}");
            entries_come_back_as_read_alone(src, root, &starts, which);
            for (item, &start) in root.items().unwrap().zip(&starts) {
                assert_eq!(item.span.start(), start + 2, "{which}");
            }
            let entries = seq
                .items()
                .filter(|item| matches!(item, HostItem::Entry { .. }));
            for (k, item) in entries.enumerate() {
                let HostItem::Entry { pairs, .. } = item else {
                    unreachable!()
                };
                let vars = seq.entry_vars(k).unwrap();
                assert!(vars.written().count() == pairs.len(), "{which}");
            }
        }
    }

    /// [`HostSeq::entries`] of any range gives what the items that are
    /// host entries give (their vars mappings' spans, and their vars).
    fn entries_by_number_are_the_items_entries(seq: &HostSeq, which: usize) {
        let items: Vec<(Span, Vec<_>)> = (seq.items())
            .filter_map(|item| match item {
                HostItem::Entry { vars, pairs, .. } => Some((vars, pairs.collect())),
                _ => None,
            })
            .collect();
        let n = items.len();
        assert_eq!(seq.entry_count(), n, "{which}");
        for range in [0..n, 0..0, 1..n, n / 2..n, 1..n / 2, n..n, n - 1..n + 3] {
            let by_number: Vec<(Span, Vec<_>)> = (seq.entries(range.clone()))
                .map(|(vars, pairs)| (vars, pairs.collect()))
                .collect();
            let expected = items.get(range.start..range.end.min(n)).unwrap_or_default();
            assert!(by_number == expected, "{which}: {range:?}");
        }
    }

    /// [`HostSeq::items_from`] any item gives the items from there on, and
    /// [`HostSeq::plain_names`] their names up to the first item that is
    /// neither a plain untagged scalar as written nor a host entry.
    fn items_from_any_item_are_the_items(seq: &HostSeq, which: usize) {
        let shown = |item: HostItem| format!("{:?}", item.into_node());
        let items: Vec<String> = seq.items().map(shown).collect();
        for from in 0..=seq.len() {
            let rest: Vec<String> = seq.items_from(from).map(shown).collect();
            assert_eq!(rest, items[from..], "{which}: {from}");
            let expected: Vec<(&str, bool)> = (seq.items_from(from))
                .map_while(|item| match item {
                    HostItem::Entry { name, .. } => Some((name, true)),
                    HostItem::Scalar { name, tag: None } => Some((name, false)),
                    _ => None,
                })
                .map_while(|(name, entry)| match name.kind {
                    Kind::Scalar(Scalar {
                        value: Cow::Borrowed(value),
                        style: Style::Plain,
                        ..
                    }) if value == &seq.src[name.span.start()..name.span.end as usize] => {
                        Some((value, entry))
                    }
                    _ => None,
                })
                .collect();
            let names: Vec<(&str, bool)> = seq.plain_names(from).collect();
            assert_eq!(names, expected, "{which}: {from}");
        }
    }

    /// Each entry of the host list `root` (the entries of `src` at
    /// `starts`, read by builder `which`: the event parser's, the fast
    /// reader's) is the node that builder makes for it where it is the only
    /// one (spans, values, styles and tags); each value kept as a node is
    /// too, also when made in a scratch node that held the last value of
    /// its shape.
    fn entries_come_back_as_read_alone(src: &str, root: &Node, starts: &[usize], which: usize) {
        for (item, &start) in root.items().unwrap().zip(starts) {
            let alone = only_entry(src, start);
            let alone = match which {
                0 => parse(&alone).unwrap(),
                _ => crate::strategy::block_yaml::read(&alone),
            };
            let alone = alone.unwrap();
            let expected = alone.items().unwrap().next().unwrap();
            assert!(same_exactly(&item, &expected), "{which}: {item:?}");
        }
        let Kind::HostSeq(seq) = &root.kind else {
            panic!("{which}: {:?}", root.kind);
        };
        entries_by_number_are_the_items_entries(seq, which);
        items_from_any_item_are_the_items(seq, which);
        let mut scratch = ValueScratch::default();
        for (k, item) in seq.items().enumerate() {
            let HostItem::Entry { pairs, .. } = item else {
                continue;
            };
            for ((_, value), (_, written)) in pairs.clone().zip(pairs.written()) {
                if let WrittenValue::Node(kept) = written {
                    assert_eq!(*kept.node_in(&mut scratch), value, "{which}: item {k}");
                    assert_eq!(*kept.node(), value, "{which}: item {k}");
                }
            }
        }
    }

    /// Values whose scalars are not their text as written (folded over
    /// lines, escaped), of one shape with scalars of their own: kept by
    /// their shape, those scalars' values in `shape_texts` (each repeated
    /// one once), and given back as the builder made them, in a new node
    /// and in the scratch node, before and after `keep_decoded`.
    #[test]
    fn values_of_one_shape_keep_values_not_as_written_and_come_back_as_read() {
        let mut src = String::new();
        for i in 0..48 {
            let n = i * 37 % 1000;
            src.push_str(&match i % 6 {
                // A folded name the same on every host, one of its own.
                0 => format!("- w{i}:\n    ports: [http {n},\n      https\n      443]\n"),
                1 => format!("- w{i}:\n    ports: [http,\n      https\n\n      {n}]\n"),
                // Escapes, a folded value in a flow mapping and in block
                // style (a plain scalar over lines), a folded name in a
                // compact nested list.
                2 => format!("- w{i}: {{x: {{k: \"v\\t{n}\", l: [{n}, z]}}}}\n"),
                3 => format!("- w{i}: {{x: {{k: a {n}\n      b, l: \"\\u00e9\"}}}}\n"),
                4 => format!("- w{i}:\n    m: a {n}\n      b\n\n      c\n"),
                _ => {
                    format!("- w{i}:\n    pairs:\n      - - a\n          {n}\n        - 'b''{i}'\n")
                }
            });
        }
        let src = src.as_str();
        let starts: Vec<usize> = (src.match_indices("- w").map(|(at, _)| at)).collect();
        for (which, root) in [parse(src).unwrap(), crate::strategy::block_yaml::read(src)]
            .into_iter()
            .enumerate()
        {
            let mut root = root.unwrap();
            let Kind::HostSeq(seq) = &root.kind else {
                panic!("{which}: {:?}", root.kind);
            };
            let decoded = (seq.values.iter())
                .filter(|v| v.spans != NO_SPANS && v.spans & DECODED != 0)
                .count();
            assert_eq!(seq.values.len(), 48, "{which}");
            assert!(decoded >= 40, "{which}: {decoded}");
            assert!(
                seq.value_trees.len() <= 8,
                "{which}: {}",
                seq.value_trees.len()
            );
            // `https 443` and `b` (of `a N\n b`) once, not once a host.
            assert_eq!(seq.shape_texts.matches("https 443").count(), 1, "{which}");
            let whole = rebuilt_item_by_item(src, &root);
            assert!(crate::reference::same_tree(&root, &whole, true), "{which}");
            let texts = Texts::default();
            for kept in [false, true] {
                if kept {
                    root.keep_decoded(&texts);
                    let Kind::HostSeq(seq) = &root.kind else {
                        unreachable!()
                    };
                    assert!(matches!(seq.shape_texts, Cow::Borrowed(_)), "{which}");
                }
                entries_come_back_as_read_alone(src, &root, &starts, which);
            }
        }
    }

    /// A value of a shape kept inside a host list nested in a value, moved
    /// on with it: its spans go with it.
    #[test]
    fn values_kept_by_shape_inside_values_written_alike_move_with_them() {
        let mut src = String::new();
        for i in 0..6 {
            src.push_str(&format!(
                "- w{i}:\n    z:\n      - h1: {{p: [a: 1]}}\n      - h2: {{p: [a: 22]}}\n"
            ));
        }
        let src = src.as_str();
        for (which, root) in [parse(src).unwrap(), crate::strategy::block_yaml::read(src)]
            .iter()
            .enumerate()
        {
            let root = root.as_ref().unwrap();
            let Kind::HostSeq(seq) = &root.kind else {
                panic!("{which}");
            };
            // The list inside is kept once; each host's is it moved on.
            assert_eq!(seq.value_trees.len(), 1, "{which}");
            let Kind::HostSeq(inner) = &seq.value_trees[0].kind else {
                panic!("{which}: {:?}", seq.value_trees[0].kind);
            };
            assert_eq!(
                inner.values.iter().filter(|v| v.spans != NO_SPANS).count(),
                1
            );
            let whole = rebuilt_item_by_item(src, root);
            assert!(crate::reference::same_tree(root, &whole, true), "{which}");
            for (item, start) in root.items().unwrap().zip(src.match_indices("- w")) {
                let alone = only_entry(src, start.0);
                let alone = parse(&alone).unwrap().unwrap();
                let expected = alone.items().unwrap().next().unwrap();
                // The fast reader ends flow collections at their brackets,
                // the event parser at their last items.
                let same = match which {
                    0 => same_exactly(&item, &expected),
                    _ => crate::reference::same_tree(&item, &expected, true),
                };
                assert!(same, "{which}: {item:?}");
            }
        }
    }

    #[test]
    fn values_written_alike_share_one_node_and_come_back_where_written() {
        let alike = "- w{i}:\n    z:\n      - - a\n        - \"b\\tc\"\n      - {k: [v, 'w']}\n";
        let mut src = String::new();
        for i in 0..6 {
            src.push_str(&alike.replace("{i}", &i.to_string()));
        }
        // Written otherwise: a longer name (same shape), another value, a tag.
        src.push_str("- w100:\n    z:\n      - - a\n        - \"b\\tc\"\n      - {k: [v, 'w']}\n");
        src.push_str("- w7:\n    z:\n      - - x\n        - \"b\\tc\"\n      - {k: [v, 'w']}\n");
        src.push_str("- w8:\n    z: !t\n      - - a\n        - \"b\\tc\"\n      - {k: [v, 'w']}\n");
        let src = src.as_str();
        for (which, root) in [parse(src).unwrap(), crate::strategy::block_yaml::read(src)]
            .iter()
            .enumerate()
        {
            let root = root.as_ref().unwrap();
            let Kind::HostSeq(seq) = &root.kind else {
                panic!("{which}: {:?}", root.kind);
            };
            // Both builders share the values written alike (the fast
            // reader reads the compact nested lists itself).
            // (`[v, 'w']` with `x` in place of `a` has the shape of the
            // first: its escaped scalar's value is kept in `shape_texts`.)
            assert_eq!((seq.values.len(), seq.value_trees.len()), (9, 2), "{which}");
            let whole = rebuilt_item_by_item(src, root);
            assert!(crate::reference::same_tree(root, &whole, true), "{which}");
            assert_eq!(root.size(), whole.size(), "{which}");
            // Values borrowed from the source are where they are written.
            for item in root.items().unwrap() {
                item.any_scalar(&mut |node, scalar| {
                    if let Cow::Borrowed(text) = scalar.value {
                        let at = in_source(src, text).unwrap();
                        assert!(at >= node.span.start() && at < node.span.end as usize);
                    }
                    false
                });
            }
        }
    }

    #[test]
    fn a_host_list_gives_back_its_items_as_they_were() {
        let src = concat!(
            "- web1\n- w2: {zone: a, 'k': \"v\", e: }\n- w3:\n    zone: b\n",
            "- ~\n- 'q'\n- w4: {}\n- w5: {z: [1]}\n- w6: {z: !t x}\n- 'w7': {z: a}\n",
            "- w8: {z: 'it''s'}\n- w9: {z: \"e\\t\"}\n- &a w10\n- *a\n- [x]\n- w11: x\n",
            "- w12: {a: 1}\n  w13: {b: 2}\n- w14:\n- w15: {z: [[k]: v]}\n",
        );
        // The fast reader hands a pair with a sequence as its key in a flow
        // sequence over to the event parser.
        let unescaped = (src.replace("- w9: {z: \"e\\t\"}\n", ""))
            .replace("!t x", "x")
            .replace("e: }", "e: ''}")
            .replace("- w15: {z: [[k]: v]}\n", "");
        let read = [
            (src, parse(src).unwrap()),
            (&unescaped, parse(&unescaped).unwrap()),
            (&unescaped, crate::strategy::block_yaml::read(&unescaped)),
            // With the entries it does not take handed over.
            (src, crate::strategy::block_yaml::read(src)),
        ];
        assert!(crate::strategy::block_yaml::read_alone(src).is_none());
        for (which, (src, root)) in read.iter().enumerate() {
            let root = root.as_ref().unwrap();
            let Kind::HostSeq(seq) = &root.kind else {
                panic!("{which}: {:?}", root.kind);
            };
            assert!(
                seq.entries.len() >= 2 && seq.nodes.len() >= 8,
                "{which}: {seq:?}"
            );
            // Each item as the event parser builds it when no item is compact.
            let whole = rebuilt_item_by_item(src, root);
            assert!(matches!(whole.kind, Kind::Seq(_)));
            assert!(crate::reference::same_tree(root, &whole, true), "{which}");
            assert_eq!(root.size(), whole.size(), "{which}");
        }
        // Each item compacted is the node it came from.
        let root = parse(src).unwrap().unwrap();
        for item in root.items().unwrap() {
            let mut one = SeqBuilder::new(src);
            one.push(item.clone().into_owned());
            let Kind::HostSeq(seq) = one.finish() else {
                continue; // kept as a node
            };
            let back = seq.items().next().unwrap().into_node();
            assert_eq!(*back, *item);
        }
    }

    /// A host entry whose vars are an alias (`- w1: *v`) is kept as an
    /// [`AliasedEntry`], and a var tagged with a local tag as written
    /// (`!unsafe 'x1'`) as a [`Pair`]: given back as the nodes the builders
    /// make where they are not in a host list (the values of a mapping),
    /// the alias sharing the anchored node; an anchor redefined on the way
    /// is the one each alias after it names.
    #[test]
    fn aliased_entries_and_tagged_vars_are_kept_compactly_and_come_back_as_read() {
        let src = concat!(
            "a: &v {zone: a}\nb:\n  w1: *v\nc:\n  w2: *v   # c\n",
            "d:\n  w3: {cmd: !unsafe 'x1', b: !unsafe \"y z\", c: !unsafe x, e: !t u}\n",
            "f:\n  w4:\n    cmd: !unsafe 'x#1'\n",
        );
        let read = [parse(src).unwrap(), crate::strategy::block_yaml::read(src)];
        for (which, root) in read.into_iter().enumerate() {
            let root = root.unwrap();
            let entries = root.entries().unwrap();
            let Kind::Alias(anchored) = &entries[0].1.kind else {
                panic!("{which}: {:?}", entries[0].1);
            };
            for (_, entry) in &entries[1..] {
                let mut one = SeqBuilder::new(src);
                one.push(entry.clone());
                let Kind::HostSeq(seq) = one.finish() else {
                    panic!("{which}: kept as a node: {entry:?}");
                };
                assert!(
                    seq.nodes.is_empty() && seq.values.is_empty(),
                    "{which}: {seq:?}"
                );
                let back = seq.items().next().unwrap().into_node();
                assert_eq!(*back, *entry, "{which}");
                assert_eq!(back.size(), entry.size(), "{which}");
                let (_, vars) = &back.entries().unwrap()[0];
                if let Kind::Alias(node) = &vars.kind {
                    assert!(Arc::ptr_eq(node, anchored), "{which}");
                    assert_eq!((seq.aliased.len(), seq.entries.len()), (1, 0));
                } else {
                    let tagged = seq.pairs.iter().filter(|p| p.extra_len != 0).count();
                    assert_eq!(tagged, vars.entries().unwrap().len(), "{which}");
                }
            }
        }
        // In a host list: an anchor on a name, a quoted name and a `!!str`
        // value keep theirs as nodes; a redefined anchor (which the event
        // parser reads) is named by the aliases after it.
        let src = concat!(
            "- w0: &v {zone: a}\n- w1: *v\n- &n w2: *v\n- 'w3': *v\n- w4: *v # c\n",
            "- w5: {d: !!str q, e: !unsafe 'x'}\n- w6: &v {zone: b}\n- w7: *v\n- w8: *v\n",
        );
        let root = parse(src).unwrap().unwrap();
        let Kind::HostSeq(seq) = &root.kind else {
            panic!("{:?}", root.kind);
        };
        assert_eq!((seq.aliased.len(), seq.targets.len()), (4, 2), "{seq:?}");
        assert_eq!(
            (seq.nodes.len(), seq.entries.len(), seq.values.len()),
            (4, 1, 1)
        );
        let whole = rebuilt_item_by_item(src, &root);
        assert!(crate::reference::same_tree(&root, &whole, true));
        assert_eq!(root.size(), whole.size());
        let zones: Vec<String> = (root.items().unwrap())
            .filter_map(|item| {
                let (_, vars) = item.entries()?.first()?.clone();
                let zone = vars
                    .entries()?
                    .iter()
                    .find(|(key, _)| key.scalar().is_some_and(|k| k.value == "zone"))?;
                Some(format!("{:?}", zone.1.scalar()?.value))
            })
            .collect();
        let expected = ["a", "a", "a", "a", "a", "b", "b", "b"];
        assert_eq!(zones, expected.map(|z| format!("{z:?}")));
        assert!(crate::strategy::block_yaml::read(src).is_none());
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

    /// Host lists of items of every kind, read by both builders, give from
    /// any item on what they give from the first ([`HostSeq::items_from`],
    /// [`HostSeq::plain_names`]).
    #[test]
    fn host_lists_are_read_from_any_item_on() {
        let plain = "- &v {zone: a}\n- web1\n- w2: {a: 1}\n- w3: *v\n- a\n  b\n- null\n\
            - w4: {z: [1, 2]}\n- [x, y]\n- web5\n- w6: {a: 6}\n- w-7\n";
        let quoted = "- \"q1\"\n- w2: {a: 1}\n- w2b: {b: 2}\n- \"q\\t3\"\n- w4: {a: 4}\n- \"q5\"\n";
        let tagged = "- !!str t1\n- w2: {a: 1}\n- w2b: {b: 2}\n- !!str t3\n- w4: {a: 4}\n";
        for src in [plain, quoted, tagged] {
            let event = parse(src).unwrap().unwrap();
            let fast = crate::strategy::block_yaml::read(src).unwrap();
            for (which, root) in [event, fast].iter().enumerate() {
                let Kind::HostSeq(seq) = &root.kind else {
                    panic!("{which}: {src}");
                };
                items_from_any_item_are_the_items(seq, which);
                entries_by_number_are_the_items_entries(seq, which);
                // Some names are read, none past an item kept otherwise.
                let names: Vec<usize> = (0..seq.len())
                    .map(|from| seq.plain_names(from).count())
                    .collect();
                assert!(
                    names.iter().any(|&n| n > 1) && names[0] < seq.len(),
                    "{which}: {src}"
                );
            }
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
