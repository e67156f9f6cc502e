//! A fast reader for the plain block YAML that strategy files are written in.
//!
//! A measured fast path (see docs/READER.md): a general YAML parser scans every
//! character through a state machine and hands out an event per node; at a
//! million hosts that is most of the run time. Strategy files are nearly always
//! plain block YAML: mappings, sequences, one-line plain or quoted scalars,
//! one-line flow collections and comments. This reader takes exactly that
//! subset and builds the same [`tree`](crate::tree) the event parser builds,
//! spans included; it gives up (`None`) on anything else (tags, block scalars,
//! scalars or flow collections over several lines, escapes, tabs, carriage
//! returns, document markers other than a leading `---`) and on every error, so
//! that [`crate::tree::parse`] then reads the file and gives its own result or
//! its own message. Tests and the fuzz targets compare the two builders, and
//! both with serde_yaml. A host entry in a list (`- name: {var: value}`) is read
//! straight into the list's compact form, without nodes (`Parser::host_entry`).

use crate::tree::{Kind, Node, Scalar, SeqBuilder, Span, Style};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

/// The document in `source` as a tree, or `None` when it is not plain block
/// YAML that this reader takes.
pub fn read(source: &str) -> Option<Node<'_>> {
    if source.len() > crate::tree::MAX_SOURCE {
        return None;
    }
    Parser::new(source)?.document()
}

/// Deeper documents are left to the event parser, which has its own limit.
const MAX_DEPTH: usize = 64;

/// libyaml's longest simple key.
const MAX_KEY: usize = 1000;

/// Nodes that aliases may repeat in all; past this, the event parser reads the file.
const MAX_ALIASED: usize = 100_000;

/// A line with content: not blank and not only a comment.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    /// Leading spaces.
    indent: usize,
    /// Where its content ends: its line break (`\n`, or the `\r` of `\r\n`),
    /// or the end of the source.
    end: usize,
    /// Where the next line starts.
    next: usize,
}

struct Parser<'s> {
    src: &'s str,
    bytes: &'s [u8],
    /// Where the first line not yet read starts.
    pos: usize,
    /// `next_line()` at a `pos`.
    peeked: Cell<Option<(usize, Option<Line>)>>,
    depth: usize,
    /// The anchors so far, each with its node, unless that holds an alias: an
    /// alias of it is left to the event parser, whose limits guard against
    /// "billion laughs".
    anchors: HashMap<&'s str, Option<Rc<Node<'s>>>>,
    /// Aliases read so far, and the nodes they repeat.
    aliases: usize,
    aliased: usize,
    /// The vars of the host entry being read (see [`Parser::host_entry`]).
    pairs: Vec<(Node<'s>, Node<'s>)>,
}

impl<'s> Parser<'s> {
    /// A parser, or `None` if the source has a character this reader leaves to
    /// the event parser: a tab, a carriage return outside CRLF, another control character,
    /// a byte order mark past the start, a non-printable character or a
    /// Unicode line break.
    fn new(src: &'s str) -> Option<Parser<'s>> {
        let bom = crate::tree::bom_len(src);
        let body = &src[bom..];
        // Without an early exit the loop runs over whole vectors of bytes.
        let controls = body.bytes().fold(false, |seen, b| {
            seen | (b < b' ' && b != b'\n' && b != b'\r') | (b == 0x7F)
        });
        // A carriage return only as the first half of a CRLF line break.
        if body.contains('\r') && body.matches('\r').count() != body.matches("\r\n").count() {
            return None;
        }
        let printable = |c: char| {
            c.is_ascii()
                || matches!(c, '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
                    && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
        };
        if controls || (!body.is_ascii() && !body.chars().all(printable)) {
            return None;
        }
        Some(Parser {
            src,
            bytes: src.as_bytes(),
            pos: bom,
            peeked: Cell::new(None),
            depth: 0,
            anchors: HashMap::new(),
            aliases: 0,
            aliased: 0,
            pairs: Vec::new(),
        })
    }

    /// The whole document: one block node, optionally after `---`.
    fn document(mut self) -> Option<Node<'s>> {
        let mut first = self.next_line()?;
        let content = &self.src[first.start + first.indent..first.end];
        if content.starts_with('%') {
            return None;
        }
        if first.indent == 0 && content.starts_with("---") {
            let rest = content[3..].trim_start_matches(' ');
            if !(rest.is_empty() || rest.starts_with('#') && content.as_bytes()[3] == b' ') {
                return None;
            }
            self.pos = first.next;
            first = self.next_line()?;
        }
        let root = self.block(first)?;
        if self.next_line().is_some() {
            return None;
        }
        Some(root)
    }

    /// The next line with content, from `self.pos`, without reading it.
    /// Blocks look at it before their items do: the last answer is kept, so a
    /// long line is scanned once.
    fn next_line(&self) -> Option<Line> {
        if let Some((pos, line)) = self.peeked.get()
            && pos == self.pos
        {
            return line;
        }
        let line = self.line_from(self.pos);
        self.peeked.set(Some((self.pos, line)));
        line
    }

    fn line_from(&self, mut start: usize) -> Option<Line> {
        while start < self.bytes.len() {
            // Most lines are short, where a plain loop beats memchr's setup; a
            // long one (a comma string) is left to memchr.
            let head = &self.bytes[start..self.bytes.len().min(start + 128)];
            let end = match head.iter().position(|&b| b == b'\n') {
                Some(i) => start + i,
                None if head.len() < 128 => self.bytes.len(),
                None => self.src[start..]
                    .find('\n')
                    .map_or(self.bytes.len(), |i| start + i),
            };
            let next = end + 1;
            let end = match end > start && self.bytes[end - 1] == b'\r' {
                true => end - 1,
                false => end,
            };
            let line = &self.bytes[start..end];
            let indent = line.iter().take_while(|&&b| b == b' ').count();
            if indent < line.len() && line[indent] != b'#' {
                return Some(Line {
                    start,
                    indent,
                    end,
                    next,
                });
            }
            start = next;
        }
        None
    }

    /// Marks `line` read.
    fn finish(&mut self, line: Line) {
        self.pos = line.next;
    }

    /// Whether a block sequence entry (`-` then a space or the line's end) is at `at`.
    fn is_entry(&self, line: Line, at: usize) -> bool {
        self.bytes[at] == b'-' && (at + 1 == line.end || self.bytes[at + 1] == b' ')
    }

    /// The block node whose first line is `line`, at its indent.
    fn block(&mut self, line: Line) -> Option<Node<'s>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let at = line.start + line.indent;
        let node = if self.is_entry(line, at) {
            self.seq(line.indent)
        } else {
            self.map(line.indent, None)
        };
        self.depth -= 1;
        node
    }

    /// A block sequence whose entries are at `indent`.
    fn seq(&mut self, indent: usize) -> Option<Node<'s>> {
        let start = self
            .next_line()
            .map_or(self.pos, |line| line.start + indent);
        // Plain scalars and host entries kept by their spans.
        let mut items = SeqBuilder::new(self.src);
        while let Some(line) = self.next_line() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let dash = line.start + indent;
            if !self.is_entry(line, dash) {
                // A key at this indent: the sequence was a mapping value.
                break;
            }
            let at = self.skip_spaces(dash + 1, line.end);
            let item = if at == line.end || self.bytes[at] == b'#' {
                self.finish(line);
                self.nested(indent, false, dash + 1)?
            } else if self.is_entry(line, at) {
                return None;
            } else if matches!(self.bytes[at], b'&' | b'*') {
                self.anchored(line, at, indent, false)?
            } else if self.bytes[at..line.end].contains(&b':')
                && self.host_entry(line, at, &mut items)
            {
                continue;
            } else {
                self.inline(line, at)?
            };
            items.push(item);
        }
        let end = self.last_end(start);
        Some(Node {
            span: Span::new(start, end),
            kind: items.finish(),
        })
    }

    /// A host entry after a sequence entry's `- ` at `at`: a mapping of one
    /// key to a mapping, `name: {k: v}` or `name:` then `k: v` lines of
    /// one-line values. Read into `items` without a node made for the entry
    /// or its mapping (at a million hosts, the nodes took most of the reading);
    /// the result is the tree [`Parser::inline`] builds. False, with nothing
    /// read, for anything else (which `inline` then reads).
    fn host_entry(&mut self, line: Line, at: usize, items: &mut SeqBuilder<'s>) -> bool {
        // As `inline`, then `map` at the key's column, then the value.
        let depth = self.depth + 2;
        if depth > MAX_DEPTH {
            return false;
        }
        let Some((name, colon)) = self.key(line, at) else {
            return false;
        };
        let column = at - line.start;
        let mut pairs = std::mem::take(&mut self.pairs);
        pairs.clear();
        let value = self.skip_spaces(colon + 1, line.end);
        let vars = if value < line.end && self.bytes[value] == b'{' {
            let mut none = Vec::new();
            let end = self.flow_items(line, value, depth, &mut none, &mut pairs);
            end.filter(|&end| self.ends_line(line, end))
                .map(|end| (Span::new(value, end), line.next))
        } else if value == line.end || self.bytes[value] == b'#' {
            self.block_vars(line.next, column, depth, &mut pairs)
        } else {
            None
        };
        // The mapping ends here: no second key at its column.
        let ends = |p: &Self, next: usize| match p.line_at(next) {
            Some(n) if n.indent > column => false,
            Some(n) if n.indent == column => p.is_entry(n, n.start + column),
            _ => true,
        };
        let read = match vars {
            Some((vars, next)) if !pairs.is_empty() && ends(self, next) => {
                items.push_entry(name, vars, &mut pairs);
                self.pos = next;
                true
            }
            _ => false,
        };
        self.pairs = pairs;
        read
    }

    /// The `k: v` lines of one-line values, more indented than `column`,
    /// starting with the line after `from`, into `pairs`: the span of the
    /// mapping and where the line after it starts. None for anything else.
    fn block_vars(
        &self,
        from: usize,
        column: usize,
        depth: usize,
        pairs: &mut Vec<(Node<'s>, Node<'s>)>,
    ) -> Option<(Span, usize)> {
        let first = self.line_at(from)?;
        let indent = first.indent;
        if indent <= column || self.is_entry(first, first.start + indent) {
            return None;
        }
        let mut next = from;
        while let Some(line) = self.line_at(next) {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || self.is_entry(line, line.start + indent) {
                return None;
            }
            let (key, colon) = self.key(line, line.start + indent)?;
            let at = self.skip_spaces(colon + 1, line.end);
            if at == line.end || matches!(self.bytes[at], b'#' | b'&' | b'*') {
                return None;
            }
            let (value, after) = match self.bytes[at] {
                b'[' | b'{' => self.flow(line, at, depth + 1)?,
                _ => self.scalar(line, at)?,
            };
            let plain = matches!(&value.kind, Kind::Scalar(s) if s.style == Style::Plain);
            if plain && after < line.end && self.bytes[after] == b':'
                || !self.ends_line(line, after)
            {
                return None;
            }
            pairs.push((key, value));
            next = line.next;
        }
        let start = first.start + indent;
        let end = pairs.last()?.1.span.end as usize;
        Some((Span::new(start, end), next))
    }

    /// Whether only spaces, then the line's end or a comment, follow `after`
    /// (as [`Parser::end_of_value`], without reading the line).
    fn ends_line(&self, line: Line, after: usize) -> bool {
        let at = self.skip_spaces(after, line.end);
        at == line.end || self.bytes[at] == b'#' && at > after
    }

    /// The next line with content from `pos` on (kept as [`Parser::next_line`]
    /// keeps its answer).
    fn line_at(&self, pos: usize) -> Option<Line> {
        if let Some((at, line)) = self.peeked.get()
            && at == pos
        {
            return line;
        }
        let line = self.line_from(pos);
        self.peeked.set(Some((pos, line)));
        line
    }

    /// The end of the last line read, for the span of a block that started at
    /// `start`: its line break, or the end of the source.
    fn last_end(&self, start: usize) -> usize {
        self.pos.saturating_sub(1).min(self.bytes.len()).max(start)
    }

    /// A plain scalar that is the slice `text` of the source.
    fn plain(&self, text: &'s str) -> Node<'s> {
        let start = text.as_ptr() as usize - self.src.as_ptr() as usize;
        Node {
            span: Span::new(start, start + text.len()),
            kind: Kind::Scalar(Scalar::plain(Cow::Borrowed(text))),
        }
    }

    /// A missing value (`key:` with nothing after it), at `at`.
    fn missing(&self, at: usize) -> Node<'s> {
        Node {
            span: Span::new(at, at),
            kind: Kind::Scalar(Scalar::plain(Cow::Borrowed(""))),
        }
    }

    /// The value on the lines after a key or entry with nothing after it: a
    /// block more indented than `indent` or, for a key (`same_indent_seq`), a
    /// sequence at the key's own indent; else a missing value.
    /// A missing value is placed at `missing_at` (after a `-`, or the `:`).
    fn nested(
        &mut self,
        indent: usize,
        same_indent_seq: bool,
        missing_at: usize,
    ) -> Option<Node<'s>> {
        match self.next_line() {
            Some(next) if next.indent > indent => self.block(next),
            Some(next)
                if same_indent_seq
                    && next.indent == indent
                    && self.is_entry(next, next.start + indent) =>
            {
                self.depth += 1;
                let seq = self.seq(indent);
                self.depth -= 1;
                seq
            }
            _ => Some(self.missing(missing_at)),
        }
    }

    /// A node starting at `at`, inside `line`, after a sequence entry's `- `:
    /// a scalar, or a mapping whose first key is here.
    fn inline(&mut self, line: Line, at: usize) -> Option<Node<'s>> {
        let (scalar, after) = self.scalar(line, at)?;
        let next = self.skip_spaces(after, line.end);
        if next < line.end && self.bytes[next] == b':' {
            self.depth += 1;
            let map = self.map(at - line.start, Some((line, at)));
            self.depth -= 1;
            return map;
        }
        self.end_of_value(line, after)?;
        Some(scalar)
    }

    /// A block mapping whose keys are at `indent`; `first` is a key that starts
    /// inside a line (after a sequence entry's `- `).
    fn map(&mut self, indent: usize, mut first: Option<(Line, usize)>) -> Option<Node<'s>> {
        let start = match first {
            Some((_, at)) => at,
            None => self
                .next_line()
                .map_or(self.pos, |line| line.start + indent),
        };
        // A mapping that starts after `- ` is nearly always a host entry, of
        // one key: room for one (a list grown from empty has room for four,
        // cut back when the mapping ends).
        let mut entries = Vec::with_capacity(usize::from(first.is_some()));
        loop {
            let (line, at) = match first.take() {
                Some(first) => first,
                None => match self.next_line() {
                    Some(line) if line.indent < indent => break,
                    Some(line) if line.indent > indent => return None,
                    Some(line) if self.is_entry(line, line.start + indent) => break,
                    Some(line) => (line, line.start + indent),
                    None => break,
                },
            };
            let (key, colon) = self.key(line, at)?;
            let at = self.skip_spaces(colon + 1, line.end);
            let value = if at == line.end || self.bytes[at] == b'#' {
                self.finish(line);
                self.nested(indent, true, colon)?
            } else if matches!(self.bytes[at], b'&' | b'*') {
                self.anchored(line, at, indent, true)?
            } else {
                let (value, after) = self.scalar(line, at)?;
                let plain = matches!(&value.kind, Kind::Scalar(s) if s.style == Style::Plain);
                if plain && after < line.end && self.bytes[after] == b':' {
                    return None; // `a: b: c`
                }
                self.end_of_value(line, after)?;
                value
            };
            entries.push((key, value));
        }
        let end = entries
            .last()
            .map_or(start, |(_, value): &(Node, Node)| value.span.end as usize);
        Some(Node {
            span: Span::new(start, end.max(start)),
            kind: Kind::map(entries),
        })
    }

    /// A value that starts with an anchor (`&name`) or is an alias (`*name`),
    /// after a key or a sequence entry at `indent` (`is_value`: after a key).
    /// An anchored value is a one-line scalar or flow collection, or a block
    /// on the next lines; one whose first key is on its line (`- &a k: v`,
    /// where the anchor names the key) is left to the event parser.
    fn anchored(
        &mut self,
        line: Line,
        at: usize,
        indent: usize,
        is_value: bool,
    ) -> Option<Node<'s>> {
        // libyaml's anchor names: letters, digits, `-` and `_`.
        let name_end = at
            + 1
            + self.bytes[at + 1..line.end]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
                .count();
        let name = &self.src[at + 1..name_end];
        if name.is_empty() || !(name_end == line.end || self.bytes[name_end] == b' ') {
            return None;
        }
        if self.bytes[at] == b'*' {
            let node = Rc::clone(self.anchors.get(name)?.as_ref()?);
            self.aliases += 1;
            self.aliased += node.size();
            if self.aliased > MAX_ALIASED {
                return None;
            }
            self.end_of_value(line, name_end)?;
            return Some(Node {
                span: Span::new(at, name_end),
                kind: Kind::Alias(node),
            });
        }
        // An alias of a redefined anchor: left to the event parser.
        if self.anchors.contains_key(name) {
            return None;
        }
        let aliases_before = self.aliases;
        let value_at = self.skip_spaces(name_end, line.end);
        let node = if value_at == line.end || self.bytes[value_at] == b'#' {
            self.finish(line);
            self.nested(indent, is_value, name_end)?
        } else if matches!(self.bytes[value_at], b'&' | b'*' | b'-') {
            return None;
        } else {
            let (node, after) = self.scalar(line, value_at)?;
            let next = self.skip_spaces(after, line.end);
            if next < line.end && self.bytes[next] == b':' {
                return None; // `- &a k: v` anchors the key
            }
            self.end_of_value(line, after)?;
            node
        };
        // Also defined inside its own node, which readers count differently.
        if self.anchors.contains_key(name) {
            return None;
        }
        let span = Span::new(at, (node.span.end as usize).max(name_end));
        let node = Rc::new(node);
        let holds_alias = self.aliases != aliases_before;
        (self.anchors).insert(name, (!holds_alias).then(|| Rc::clone(&node)));
        Some(Node {
            span,
            kind: Kind::Alias(node),
        })
    }

    /// A mapping key at `at` and the index of its `:`.
    fn key(&self, line: Line, at: usize) -> Option<(Node<'s>, usize)> {
        if matches!(self.bytes[at], b'-' | b'.' | b'[' | b'{') {
            return None; // document markers, and keys this reader leaves alone
        }
        let (key, after) = self.scalar(line, at)?;
        let colon = self.skip_spaces(after, line.end);
        let key_ends = colon < line.end
            && self.bytes[colon] == b':'
            && (colon + 1 == line.end || self.bytes[colon + 1] == b' ');
        (key_ends && colon - at <= MAX_KEY).then_some((key, colon))
    }

    /// After a value at `after`: only spaces, then the line's end or a comment.
    /// Marks the line read. (A more indented line after it, which would continue
    /// a plain scalar, is refused by the block that reads the next line.)
    fn end_of_value(&mut self, line: Line, after: usize) -> Option<()> {
        let at = self.skip_spaces(after, line.end);
        let comment = at < line.end && self.bytes[at] == b'#' && at > after;
        if at != line.end && !comment {
            return None;
        }
        self.finish(line);
        Some(())
    }

    fn skip_spaces(&self, mut at: usize, end: usize) -> usize {
        while at < end && self.bytes[at] == b' ' {
            at += 1;
        }
        at
    }

    /// The one-line scalar at `at` and the index just after it (a plain
    /// scalar's trailing spaces not included).
    fn scalar(&self, line: Line, at: usize) -> Option<(Node<'s>, usize)> {
        match self.bytes[at] {
            b'\'' => {
                let quote = at + 1 + self.src[at + 1..line.end].find('\'')?;
                if self.bytes.get(quote + 1) != Some(&b'\'') || quote + 1 == line.end {
                    let text = Cow::Borrowed(&self.src[at + 1..quote]);
                    return Some((quoted(text, Style::SingleQuoted, at, quote + 1), quote + 1));
                }
                // `''` is a quote.
                let mut value = String::new();
                let mut from = at + 1;
                loop {
                    let quote = from + self.src[from..line.end].find('\'')?;
                    value.push_str(&self.src[from..quote]);
                    if self.bytes.get(quote + 1) == Some(&b'\'') && quote + 1 < line.end {
                        value.push('\'');
                        from = quote + 2;
                    } else {
                        let node = quoted(Cow::Owned(value), Style::SingleQuoted, at, quote + 1);
                        return Some((node, quote + 1));
                    }
                }
            }
            b'"' => {
                // Two memchr passes: far faster than one search for either byte
                // on a long comma string.
                let end = at + 1 + self.src[at + 1..line.end].find('"')?;
                let text = &self.src[at + 1..end];
                let node = quoted(Cow::Borrowed(text), Style::DoubleQuoted, at, end + 1);
                (!text.contains('\\')).then_some((node, end + 1))
            }
            b'[' | b'{' => self.flow(line, at, self.depth + 1),
            b']' | b'}' | b',' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`'
            | b'?' | b':' => None,
            b'-' if self.is_entry(line, at) => None,
            _ => {
                // Ends at `: `, a `:` ending the line, or ` #`.
                let bytes = &self.bytes[..line.end];
                let mut end = at;
                loop {
                    let Some(i) = bytes[end..].iter().position(|&b| b == b':' || b == b'#') else {
                        end = line.end;
                        break;
                    };
                    end += i;
                    match bytes[end] {
                        b':' if end + 1 == line.end || bytes[end + 1] == b' ' => break,
                        b'#' if bytes[end - 1] == b' ' => break,
                        _ => end += 1,
                    }
                }
                let text = self.src[at..end].trim_end_matches(' ');
                Some((self.plain(text), at + text.len()))
            }
        }
    }
}

/// A quoted scalar from `start` to `end` (its quotes included).
fn quoted(value: Cow<'_, str>, style: Style, start: usize, end: usize) -> Node<'_> {
    Node {
        span: Span::new(start, end),
        kind: Kind::Scalar(Scalar {
            value,
            style,
            tag: None,
        }),
    }
}

impl<'s> Parser<'s> {
    /// A flow sequence or mapping (`[a, b]`, `{zone: a}`) at `at`, on one line,
    /// and the index just after it. Not taken: an entry spread over lines, a
    /// comma before the closing bracket, a `key: value` pair in a sequence, a
    /// key without a value, and `:` or `#` inside a plain scalar.
    fn flow(&self, line: Line, at: usize, depth: usize) -> Option<(Node<'s>, usize)> {
        let (mut items, mut entries) = (Vec::new(), Vec::new());
        let end = self.flow_items(line, at, depth, &mut items, &mut entries)?;
        let kind = if self.bytes[at] == b'{' {
            Kind::map(entries)
        } else {
            Kind::seq(items)
        };
        let node = Node {
            span: Span::new(at, end),
            kind,
        };
        Some((node, end))
    }

    /// The items of the flow sequence or the entries of the flow mapping at
    /// `at` (see [`Parser::flow`]), appended to `items` or `entries` (empty),
    /// and the index just after it.
    fn flow_items(
        &self,
        line: Line,
        at: usize,
        depth: usize,
        items: &mut Vec<Node<'s>>,
        entries: &mut Vec<(Node<'s>, Node<'s>)>,
    ) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        let is_map = self.bytes[at] == b'{';
        let close = if is_map { b'}' } else { b']' };
        let mut i = self.skip_spaces(at + 1, line.end);
        loop {
            if i < line.end && self.bytes[i] == close && items.is_empty() && entries.is_empty() {
                break;
            }
            let (node, after) = self.flow_node(line, i, depth)?;
            i = self.skip_spaces(after, line.end);
            if is_map {
                let colon = i + 1 < line.end && self.bytes[i] == b':' && self.bytes[i + 1] == b' ';
                if !colon || !matches!(node.kind, Kind::Scalar(_)) {
                    return None;
                }
                let at = self.skip_spaces(i + 1, line.end);
                let (value, after) = self.flow_node(line, at, depth)?;
                entries.push((node, value));
                i = self.skip_spaces(after, line.end);
            } else {
                items.push(node);
            }
            match self.bytes[..line.end].get(i) {
                Some(b',') => {
                    i = self.skip_spaces(i + 1, line.end);
                    if i >= line.end || self.bytes[i] == close {
                        return None;
                    }
                }
                Some(&b) if b == close => break,
                _ => return None,
            }
        }
        Some(i + 1)
    }

    /// One entry of a flow collection: a nested one, a quoted scalar, or a
    /// plain scalar, which ends before `,`, a bracket, or `: `.
    fn flow_node(&self, line: Line, at: usize, depth: usize) -> Option<(Node<'s>, usize)> {
        match *self.bytes[..line.end].get(at)? {
            b'[' | b'{' => self.flow(line, at, depth + 1),
            b'\'' | b'"' => self.scalar(line, at),
            b'-' if matches!(self.bytes.get(at + 1), Some(b' ' | b',' | b']' | b'}')) => None,
            b']' | b'}' | b',' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`'
            | b'?' | b':' => None,
            _ => {
                let rest = &self.bytes[at..line.end];
                // A `match`, not `contains` on a list: that is a call per byte.
                let stop = (rest.iter())
                    .position(|b| matches!(b, b',' | b'[' | b']' | b'{' | b'}' | b':' | b'#'))?;
                match rest[stop] {
                    b'#' => return None,
                    b':' if rest.get(stop + 1) != Some(&b' ') => return None,
                    _ => {}
                }
                let text = self.src[at..at + stop].trim_end_matches(' ');
                Some((self.plain(text), at + text.len()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference;

    /// Read by this reader, as the event parser and serde_yaml read it.
    fn same_as_serde_yaml(source: &str) {
        assert!(read(source).is_some(), "{source:?}");
        assert!(reference::agrees(source), "{source:?}");
    }

    #[test]
    fn reads_block_mappings_sequences_and_scalars_like_serde_yaml() {
        for source in [
            "a: 1\nb: web1\nc:\n  - x\n  - 'y'\n  - \"z\"\n",
            "---\nversions:\n  app-v1.0:\n  - web-01.example.com  # first\n  - 10.1.1.9\n",
            "# head\n\nvars:\n  k: v w\n  n: ~\n  t: true\n  e:\n  q: 'it''s'\nlast: x # c\n",
            "versions:\n  a:\n    hosts:\n      - web1:\n          zone: eu\n        other: 2\n      - web2\n",
            "k: a:b\nurl: http://x/y#z\n",
            "x: 007\ny: 0\nz: 1844674407370955161\n",
            "- a: 1\n  b:\n  - x\n- c\n",
            "k:\n- x\ny: 1\n",
            "a: [x, 'y', \"z\", [1, ~], {k: v}]\nb: {}\nc: []\n",
            "hosts:\n- web1: {zone: eu-1a, rack: 7}\n- web2: {zone: 'eu-1b'}\n",
            "a: &x 1\nb: *x\nc: &y\n  k: [v]\nd: *y\ne: &z\nf: *z\n",
            "l:\n- &h web1\n- *h\n- &m\n  k: v\n- *m\nx: &x 1\ny: *x\n",
            "a: 1.5\nb: -1\nc: 0x10\nd: 1e3\ne: .inf\nz: 18446744073709551616\nf: 1.10\n",
            "a: 1\r\nb:\r\n  - x  \r\n  - 'y' # c\r\n\r\nc: [d, e]\r\n",
        ] {
            same_as_serde_yaml(source);
        }
    }

    /// Host entries read without nodes (`Parser::host_entry`) give the tree
    /// the event parser builds, and everything near them is read as before.
    #[test]
    fn reads_host_entries_like_serde_yaml() {
        for source in [
            "h:\n- w1: {zone: a}\n- w2: {zone: 'b', \"k\": v}  # c\n- w3\n",
            "h:\n  - w1:\n      zone: a\n      n: 1 # c\n\n  - w2:\n      # c\n      k: ''\n",
            "h:\n- w1:\n    z: [a, b]\n    y: {c: d}\n- 'w2': {z: 1}\n- w3: {z: {y: x}}\n",
            "h:\n- w1: {a: 1}\n  w2: {b: 2}\n- w3:\n    a: 1\n  w4: x\n",
            "h:\n- w1: {}\n- w2:\n- w3: x\n- w4:\n  - a\n- w5: {a: b:c}\n",
            "h:\n- w1:\n    a: 1\n- w2:\n    a:\n- w3:\n    a: &x 1\n- w4:\n    a: *x\n",
            "h:\n- w1:\n    a: 1\nk: v\n",
            "h:\n  - w1: {a: 1}\n  - w2:\n      a: 1\n  - w3:\n      - x\n",
            "- w1:\n    a: 1\n    b:\n      c: d\n- w2: {a: 1}\n",
            "- w1: {a: 1}\n- w2:\n    a: x y\n    b: 'p: q'\n",
        ] {
            if read(source).is_some() {
                assert!(reference::agrees(source), "{source:?}");
            } else {
                assert!(crate::tree::parse(source).is_err() || reference::agrees(source));
            }
        }
        // The host lists are read by this reader.
        for source in [
            "h:\n- w1: {zone: a}\n- w2: {zone: 'b', \"k\": v}  # c\n- w3\n",
            "h:\n  - w1:\n      zone: a\n      n: 1 # c\n\n  - w2:\n      # c\n      k: ''\n",
            "h:\n- w1:\n    z: [a, b]\n    y: {c: d}\n- 'w2': {z: 1}\n- w3: {z: {y: x}}\n",
        ] {
            same_as_serde_yaml(source);
        }
    }

    #[test]
    fn leaves_everything_else_to_serde_yaml() {
        for source in [
            "a: [x, y,]\n",
            "a: [x: 1]\n",
            "a: {x}\n",
            "a: [x,\n  y]\n",
            "a: {x: 1}}\n",
            "[a]: 1\n",
            "a: *x\n",
            "a: &x 1\nb: *y\n",
            "- &a k: v\n",
            "a: &x [*x]\n",
            "a: &x\n  b: *y\n",
            "a: &x\n  - 1\nb: &y [*x, *x]\nc: *y\n",
            "&a k: v\n",
            "a: &x#c 1\n",
            "a: &x 1\nb: &x 2\nc: *x\n",
            "a: &x\n  b: &x 1\nc: *x\n",
            "a: &x *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: multi\n  line\n",
            "a: \"esc\\n\"\n",
            "a:\tb\n",
            "a: b\r\n\rc: d\n",
            "---\na: 1\n---\nb: 2\n",
            "a: 1\n...\n",
            "? a\n: b\n",
            "a: b: c\n",
            "  a: 1\n b: 2\n",
            "a: - b\n",
            "l:\n- - x\n",
            "a: -\n",
            "a:\n    b: 1\n  c: 2\n",
        ] {
            assert_eq!(read(source), None, "{source:?}");
        }
    }

    /// A random document: nested block mappings and sequences of scalars and
    /// keys picked to hit the edges of the subset, then maybe damaged.
    mod differential {
        use crate::reference::agrees;
        use proptest::prelude::*;

        /// Scalars the fast reader takes, then (from `SCALARS_READ` on) others.
        #[rustfmt::skip]
        const SCALARS: &[&str] = &[
            "web1", "web-01.example.com", "10.1.1.9", "007", "0", "42", "true", "False", "yes",
            "~", "null", "Null", "", "'quoted'", "'it''s'", "\"dq\"", "a b", "x #c", "x#c", "-x",
            "web[1:3]", "a,b, c", "10%", "50%", "http://x", "inf", "infinity", "nan", "1web",
            "1844674407370955161", "<<", "\u{e9}t\u{e9}", "a:b", "'a: b'", "input", "hash",
            "sorted", "a'b", "a\"b", "00", "'' ", "1.2.3", "1_000", "[x, y]", "{a: 1}", "[]",
            "{}", "[a, 'b', \"c\"]", "{zone: eu-1a}", "{a: [1, 2], b: {c: d}}", "[ a , b ]",
            "[a,b]", "{a: 1,b: 2}", "[web1, 10.1.1.9, 007, ~, true, 'x, y']", "{k: ''}",
            "[[a], [b, [c]]]", "{'q': \"v\"}", "[a b, c-d]", "{a: 1} # c", "&a x", "*a",
            "&b [1, 2]", "*b", "&a", "&c {k: v}", "*c", "*d",
            // From here on, left to the event parser.
            "1.10", "-1", "+1", "1e3", "0x1F", "0o7", ".inf", "-.inf", ".nan", "0.5", "1.", "0b101",
            "18446744073709551616", "\"\\n\"", "[a, b,]", "[a: 1]", "{a}", "{a: }", "[a, # c",
            "[a", "{a: 1}}", "[a:b]", "[-, a]", "[- a]", "{[a]: b}", "[a]b", "!t x",
            "|", ">-", "'a''", "\"a", "%x", "@x", "`x", "? x", ": x", "-", "- x", "a: b", "*z",
            "&a *b", "&a &b x", "& x", "*", "&a- x", "!t &a x",
        ];
        const SCALARS_READ: usize = 67;
        /// Put before a mapping, defines the anchors the scalars use.
        const ANCHORS: &str = "p1: &a x\np2: &b [1, 2]\np3: &c {k: v}\np4: &d\n  k: [v]\n";
        /// Keys the fast reader takes, then (from `KEYS_READ` on) others.
        const KEYS: &[&str] = &[
            "versions",
            "hosts",
            "schedule",
            "combine",
            "batches",
            "order",
            "vars",
            "app-v1",
            "1.10",
            "priority",
            "exclude",
            "zone",
            "'q k'",
            "\"k\"",
            "salt",
            "a b",
            "true",
            "group",
            "hosts_from",
            "canary_vars",
            "pause_after_canary",
            "confirm_after_canary",
            "spread",
            "1",
            "~",
            "k ",
            "app-v2",
            // From here on, left to the event parser.
            "-k",
            "k #",
            ".k",
            "[k]",
            "&k",
        ];
        const KEYS_READ: usize = 27;

        #[derive(Debug, Clone)]
        enum Doc {
            Scalar(usize),
            Seq(Vec<Doc>),
            Map(Vec<(usize, Doc)>),
        }

        fn doc() -> impl Strategy<Value = Doc> {
            let leaf = prop_oneof![
                20 => (0..SCALARS_READ).prop_map(Doc::Scalar),
                1 => (0..SCALARS.len()).prop_map(Doc::Scalar),
            ];
            let key = prop_oneof![20 => 0..KEYS_READ, 1 => 0..KEYS.len()];
            leaf.prop_recursive(5, 64, 6, move |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Doc::Seq),
                    prop::collection::vec((key.clone(), inner), 0..6).prop_map(Doc::Map),
                ]
            })
        }

        /// Block YAML for `doc` at `indent`; `step` is the nesting indent and
        /// `same` puts a mapping's sequences at the key's own indent.
        fn render(doc: &Doc, indent: usize, step: usize, same: bool, out: &mut String) {
            let pad = " ".repeat(indent);
            match doc {
                Doc::Scalar(s) => out.push_str(&format!("{pad}{}\n", SCALARS[*s])),
                Doc::Seq(items) => {
                    for item in items {
                        match item {
                            Doc::Scalar(s) => out.push_str(&format!("{pad}- {}\n", SCALARS[*s])),
                            nested => {
                                let mut inner = String::new();
                                render(nested, indent + 2, step, same, &mut inner);
                                match inner.strip_prefix(&format!("{pad}  ")) {
                                    Some(rest) => out.push_str(&format!("{pad}- {rest}")),
                                    None => out.push_str(&format!("{pad}-\n{inner}")),
                                }
                            }
                        }
                    }
                }
                Doc::Map(entries) => {
                    for (key, value) in entries {
                        out.push_str(&format!("{pad}{}:", KEYS[*key]));
                        match value {
                            Doc::Scalar(s) => out.push_str(&format!(" {}\n", SCALARS[*s])),
                            Doc::Seq(_) if same => {
                                out.push('\n');
                                render(value, indent, step, same, out);
                            }
                            nested => {
                                out.push('\n');
                                render(nested, indent + step, step, same, out);
                            }
                        }
                    }
                }
            }
        }

        /// Damage: insert, delete or repeat something at `at`.
        fn damage(mut text: String, kind: u8, at: usize, what: usize) -> String {
            const INSERT: &[&str] = &[
                " ", "  ", "-", ":", ": ", "#", " #", "'", "\"", "\n", "\t", "[", "{", "&", "*",
                "!", "|", "?", ".", "---\n", "...\n", "\r", "\\", "%", "- ", "1", "\r\n",
            ];
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match kind % 4 {
                0 => text.insert_str(at, INSERT[what % INSERT.len()]),
                1 if at < text.len() => {
                    text.remove(at);
                }
                2 => {
                    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                    let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                    let line = text[start..end].to_string();
                    text.insert_str(start, &line);
                }
                _ => {}
            }
            text
        }

        /// The documents reach the fast reader's paths, not only its refusals.
        #[test]
        fn most_undamaged_documents_are_read_by_the_fast_reader() {
            use proptest::strategy::ValueTree;
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            let (mut read, mut maps, mut aliases) = (0, 0, 0);
            for _ in 0..1000 {
                let doc = doc().new_tree(&mut runner).unwrap().current();
                let mut text = String::from(ANCHORS);
                render(&doc, 0, 2, false, &mut text);
                read += usize::from(super::super::read(&text).is_some());
                maps += usize::from(
                    super::super::read(&text)
                        .is_some_and(|v| v.entries().is_some_and(|m| m.len() > 1)),
                );
                aliases += usize::from(text.contains(" *") && super::super::read(&text).is_some());
            }
            assert!(
                read > 300 && maps > 100 && aliases > 10,
                "read {read}, of which maps {maps}, with aliases {aliases}"
            );
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]
            #[test]
            fn where_the_fast_reader_reads_serde_yaml_reads_the_same(
                doc in doc(),
                step in 1usize..5,
                same: bool,
                anchors: bool,
                damages in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 0..3),
            ) {
                let mut text = if anchors { String::from(ANCHORS) } else { String::new() };
                render(&doc, 0, step, same, &mut text);
                for (kind, at, what) in damages {
                    text = damage(text, kind, at, what);
                }
                prop_assert!(agrees(&text), "{text:?}");
            }
        }
    }
}
