//! A fast reader for the plain YAML that strategy files are written in.
//!
//! A measured fast path (see docs/READER.md): a general YAML parser scans every
//! character through a state machine and hands out an event per node; at a
//! million hosts that is most of the run time. Strategy files are nearly always
//! plain YAML: block mappings and sequences, compact nested sequences (`- - a`,
//! at any depth) and mappings in sequences (`- - k: v`), simple explicit keys
//! (`? k` then `: v`), plain and quoted scalars on one line or over several
//! (double-quoted ones with their escapes, an escaped line break among them),
//! literal and folded block scalars (keep chomping and indentation indicators
//! too), `!!str`-like tags on scalars (the value on the tag's line or the
//! next) and on flow collections, flow collections on one line or over
//! several (a host list, a whole file written as JSON; a key without a value,
//! `{zone: }` or `{a, b}`; single-pair mappings in sequences, `[http: 80]`;
//! `:` and `#` inside plain scalars, `{url: http://x:80/}`; plain scalars
//! over lines, `[http 80,\n  https\n  443]`),
//! anchors, aliases and comments, with LF, CRLF or CR line breaks. This
//! reader takes exactly that subset and builds the same
//! [`tree`](crate::tree) the event parser builds, spans included (but for the
//! ends of block scalars and flow collections, which each builder draws its
//! own way).
//!
//! An entry of a block sequence or mapping that it does not take (a `?` key
//! that is a collection or has no `:` line, a key over several lines, a
//! collection as a key in a flow sequence (`[[a]: b]`), a verbatim tag,
//! keep chomping on a
//! block scalar that ends the file, ...) is handed over to the event
//! parser alone: its lines, from the line's start, read by
//! [`crate::tree::parse_region`] into nodes with the whole file's spans;
//! after a few such entries in one collection, the rest of the collection at
//! once (`Parser::hand_over`). A tab inside a plain scalar hands its entry
//! over too; a tab in a comment or after a value at a line's end (where YAML
//! 1.1 and 1.2 agree that a tab changes nothing) is read here, and a line of
//! blanks after a tab, maybe with a comment, where the event parser (YAML
//! 1.2) reads it as a blank line and nothing after it may go on with what
//! came before (YAML 1.1 refuses it). Wherever a
//! hand-over could differ from reading the whole file (an anchor or alias in
//! the entry, a tab in indentation, an error, ...) and on what it does not
//! take outside such entries (other tabs, document markers other than a
//! leading `---` and an ending `...`) it gives up (`None`), so that
//! [`crate::tree::parse`] then reads the whole file and gives its own result
//! or its own message. Where it gives up on an entry (or on what follows the
//! root, or the flow collection that is the whole document), [`read_or_error`]
//! has the event parser read from that entry's line (or the entry before or
//! around it, where the line before ends with an empty value) on, after a
//! skeleton of the collections open there and the anchors defined before
//! ([`crate::tree::first_error`]): the error it finds is the whole file's,
//! found without reading all before again (a syntax error in the last of a
//! million hosts). Tests and the fuzz targets compare the two builders
//! (every node handed over with the whole file's, spans included; every
//! error found so with the whole file's), and both with serde_yaml.
//!
//! A host entry in a list (`- name: {var: value}`) is read straight into the
//! list's compact form, without nodes (`Parser::host_entry`); one written as
//! one of the entries before it but for its name (the same text from the
//! name's `:` to the next entry) is added as that entry moved on, without
//! reading it again (`Parser::entry_like`), also when that entry needed a
//! hand-over (`Parser::like`).
//! The usual one, vars that are names (`{zone: eu}`, `ansible_host:
//! 10.0.0.1`) or block scalars whose value is their text, is read without a
//! node for any var either (`Parser::plain_host_entry`,
//! `Parser::written_block_entry`); where the text before each value (its
//! line's end, indent and key, or `, ` and key) and after the last is the
//! same as at that place in an entry before, it is compared with that text
//! at once rather than read byte by byte (`VarModel`, `Parser::entry_end`).

use crate::tree::{
    EntryModel, Kind, Node, Open, Scalar, SeqBuilder, Span, Style, SyntaxError, WrittenPair, alike,
};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// The document in `source` as a tree, or `None` when it is not plain block
/// YAML that this reader takes.
pub fn read(source: &str) -> Option<Node<'_>> {
    if source.len() > crate::tree::MAX_SOURCE {
        return None;
    }
    Parser::new(source)?.document()
}

/// [`read`], or where it gives up on an error, that error when it is known
/// to be the event parser's for the whole file ([`crate::tree::parse`]'s,
/// message and offset): `Err(None)` when the event parser must read the
/// whole file. The error is read by the event parser from the start of the
/// entry the fast reader gave up on, after a skeleton of the collections
/// open there ([`crate::tree::first_error`]), so that an error late in a big
/// file costs no second reading of all before it.
pub fn read_or_error(source: &str) -> Result<Node<'_>, Option<SyntaxError>> {
    read_or_error_as(source, false)
}

/// [`read_or_error`] of a source already found to hold none of the
/// characters this reader leaves to the event parser (see `Parser::new`:
/// `strategy::parse_as` refuses a source with any of them first), which it
/// then does not look for again: two passes over the source fewer (at 1M
/// host entries of 130 bytes each, a twentieth of `check`).
pub fn read_or_error_of_checked(source: &str) -> Result<Node<'_>, Option<SyntaxError>> {
    read_or_error_as(source, true)
}

fn read_or_error_as(source: &str, checked: bool) -> Result<Node<'_>, Option<SyntaxError>> {
    if source.len() > crate::tree::MAX_SOURCE {
        return Err(None);
    }
    let mut parser = Parser::new_as(source, checked).ok_or(None)?;
    parser.find_error = true;
    match parser.document() {
        Some(root) => Ok(root),
        None => Err(match parser.found.take() {
            Some(error) if !parser.lenient.get() => Some(error),
            _ => (parser.search.take().into_iter())
                .filter(|at| parser.reads_as_before(at))
                .find_map(|at| parser.first_error(at)),
        }),
    }
}

/// Where [`read_or_error`] has the event parser look for the error: a
/// [`crate::tree::Resume`] but for the anchors and aliases read before
/// `from`, among the first `anchors` and `aliases` this reader noted.
/// Kept where this reader gives up, and as it gives up on the collections
/// around, where each entry holding that starts (the event parser then
/// reads past the place inside, where that ends: a tab-led line after a
/// flow collection that goes on). Read by the event parser once this reader
/// gave up for good, the place furthest in first (a line or an entry read,
/// rather than the collections around), its error the whole file's; the
/// next if it finds none. A place after a tab right after an indicator
/// alone on its line is not read (see [`Parser::reads_as_before`]). A hand-over to the event
/// parser that then reads the entry given up on (`[a,` then `-1]`) drops
/// it (see [`Parser::hand_over`]), and an error after it is looked for
/// where this reader gives up next.
struct Search {
    open: Vec<Open>,
    more: bool,
    flows: Vec<crate::tree::FlowOpen>,
    plain: bool,
    flow_column: Option<usize>,
    closed: Option<crate::tree::Closed>,
    from: usize,
    stop: usize,
    anchors: usize,
    aliases: usize,
}

/// [`read`], and a copy of each node it took from the event parser for the
/// entries it handed over (see `Parser::hand_over`): for the tests and
/// fuzz targets, which compare those with the event parser's whole tree.
pub fn read_recording(source: &str) -> Option<(Node<'_>, Vec<Node<'_>>)> {
    if source.len() > crate::tree::MAX_SOURCE {
        return None;
    }
    let mut parser = Parser::new(source)?;
    let record = Rc::new(RefCell::new(Vec::new()));
    parser.recorded = Some(Rc::clone(&record));
    let root = parser.document()?;
    let handed = record.take();
    Some((root, handed))
}

/// [`read`] without handing any entry over to the event parser: what this
/// reader takes by itself (for tests).
#[cfg(test)]
pub(crate) fn read_alone(source: &str) -> Option<Node<'_>> {
    let mut parser = Parser::new(source)?;
    parser.no_hand_over = true;
    parser.document()
}

/// How many host entries of a list are kept as models for the next ones
/// (vars that take turns among a few values: 3 zones and 4 racks, each
/// host entry written as the one 12 entries before it), and after how many
/// host entries in a row that matched none of them only one in so many is
/// kept, and only the latest [`LIKE_RECENT`] are compared (so that entries
/// with vars of their own on every host are compared with no more models
/// than before there were 16).
const LIKE_MODELS: usize = 16;
const LIKE_MISSES: usize = 64;
const LIKE_RECENT: usize = 4;

/// The host entries of a block sequence kept as models for the next ones
/// (see [`Parser::entry_like`]), the latest last, and how many host entries
/// in a row were read without one.
#[derive(Default)]
struct Likes {
    models: Vec<Like>,
    misses: usize,
    /// Whether a model takes edits ([`EntryModel::takes_edits`]): else
    /// [`Parser::entry_shaped`] is not tried.
    shaped: bool,
    /// Whether the last host entry was read by [`Parser::entry_shaped`]:
    /// entries with words of their own (a port of its own on every host)
    /// come in a row, so the next one is not compared whole with the models
    /// first ([`Parser::entry_like`], which would fail: about 45
    /// instructions a host entry). One written as a model after such
    /// entries is read the usual way.
    last_shaped: bool,
}

impl Likes {
    /// Keeps the host entry just read, the list's `entry`th, if it can be a
    /// model (`like`, see [`Parser::like`]), in place of the oldest of
    /// [`LIKE_MODELS`]; after many misses in a row (vars of their own on
    /// every host), only one entry in [`LIKE_MISSES`].
    fn keep(&mut self, entry: usize, like: impl FnOnce() -> Option<Like>) {
        if self.misses >= LIKE_MISSES && !entry.is_multiple_of(LIKE_MISSES) {
            return;
        }
        if let Some(like) = like() {
            if self.models.len() == LIKE_MODELS {
                self.models.remove(0);
            }
            self.models.push(like);
            self.misses += 1;
            self.shaped = self.models.iter().any(|like| like.entry.takes_edits());
        }
    }

    /// The models a host entry is compared with whole: all, but after many
    /// misses in a row only the latest few, and none after an entry read
    /// with words of its own (see [`Likes::last_shaped`]).
    fn compared(&self) -> &[Like] {
        if self.last_shaped {
            return &[];
        }
        match self.misses >= LIKE_MISSES {
            true => &self.models[self.models.len().saturating_sub(LIKE_RECENT)..],
            false => &self.models,
        }
    }
}

/// A host entry of a block sequence that the next ones may be written like
/// (see [`Parser::entry_like`]): its index among the list's host entries, its
/// name's column, its `:`, and how far from there the next entry starts.
#[derive(Debug, Clone)]
struct Like {
    entry: EntryModel,
    column: usize,
    colon: usize,
    len: usize,
    /// Whether its text from the `:` may take words of its own
    /// ([`Parser::entry_shaped`]): no longer than an implicit key, none of
    /// [`SHAPE_STOP`]'s bytes.
    words: bool,
    /// The runs of words of its text, `(start, len)` in the source, where
    /// the last entry read as it but for some words had words of its own
    /// (see [`word_edits_at`]); none before one was.
    places: Vec<(u32, u32)>,
}

/// The bytes that could make a run of letters, digits and `_` read
/// otherwise (see [`Parser::entry_shaped`]): quotes, escapes, tags,
/// anchors, aliases, comments, block scalar headers, `?`, reserved
/// indicators, tabs and carriage returns; as a table looked up once a byte.
const SHAPE_STOP: [bool; 256] = byte_table(b"\\\"'!&*#|>?%@`\t\r", true);

/// A table of every byte: `marked` for those in `bytes`, the opposite for
/// the rest.
const fn byte_table(bytes: &[u8], marked: bool) -> [bool; 256] {
    let mut table = [!marked; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = marked;
        i += 1;
    }
    table
}

/// Whether `b` goes in a run of words (see [`Parser::entry_shaped`]):
/// looked up in [`WORD_BYTES`], for the runs of a host entry's own words
/// are scanned at every host (three ranges and `_` compared a byte were
/// about 10 instructions a byte of them: 70 of a host entry's own port).
#[inline]
fn is_word(b: u8) -> bool {
    WORD_BYTES[usize::from(b)]
}

/// ASCII letters, digits and `_` (see [`is_word`]).
const WORD_BYTES: [bool; 256] = alphanumeric_and(b"_");

/// A table of every byte: true for ASCII letters and digits and those in
/// `extra`.
const fn alphanumeric_and(extra: &[u8]) -> [bool; 256] {
    let mut table = byte_table(extra, true);
    let mut b = 0;
    while b < 256 {
        table[b] |= (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
}

/// The runs of words in which the text `bytes[from..]` differs from
/// `model`, the text at `model_at` in the source (see
/// [`Parser::entry_shaped`]): the bytes alike, then at each that differs the
/// runs of words around it (the bytes before it alike, so its run starts as
/// far back in both), each at least a byte; any other byte that differs
/// (the model has none of `SHAPE_STOP`'s) and there are none. As edits in
/// `edits` (`(start, len, new_len)`, `start` in the source, `len` the
/// model's, `new_len` this text's), and where this text ends; `None` also
/// for a text longer than an implicit key may be.
fn word_edits(
    model: &[u8],
    model_at: usize,
    bytes: &[u8],
    from: usize,
    edits: &mut Vec<(u32, u32, u32)>,
) -> Option<usize> {
    edits.clear();
    let (mut i, mut j) = (0, from);
    loop {
        let same = common_prefix(&model[i..], &bytes[j..]);
        (i, j) = (i + same, j + same);
        if i == model.len() {
            break;
        }
        let back = model[..i].iter().rev().take_while(|&&b| is_word(b)).count();
        let (i_from, j_from) = (i - back, j - back);
        let i_end = i + model[i..].iter().position(|&b| !is_word(b))?;
        let j_end = j + bytes.get(j..)?.iter().position(|&b| !is_word(b))?;
        // No run of words, or one in neither (other bytes differ).
        if i_end == i_from || j_end == j_from || (i_end, j_end) == (i, j) {
            return None;
        }
        let start = (model_at + i_from) as u32;
        edits.push((start, (i_end - i_from) as u32, (j_end - j_from) as u32));
        (i, j) = (i_end, j_end);
        if j - from > MAX_KEY {
            return None;
        }
    }
    (!edits.is_empty() && j - from <= MAX_KEY).then_some(j)
}

/// [`word_edits`] of a text that differs from the model at the runs of
/// words `places` (`(start, len)`, as [`word_edits`] last found them for
/// the model) and nowhere else, found by looking there only: the bytes
/// between them alike, and at each a run of words of its own, at least a
/// byte, not the model's. `None` (and `edits` of no use) for any other
/// text, which [`word_edits`] then reads.
///
/// The same edits: each place is a whole run of the model's words (a byte
/// that is none before it, the text's `:` first, and after it) with bytes
/// alike before it, so the first byte that differs after the bytes alike
/// before a place is inside or right after the runs there, which are all
/// [`word_edits`] takes; and the next place starts after the byte that is
/// no word after this one.
fn word_edits_at(
    places: &[(u32, u32)],
    model: &[u8],
    model_at: usize,
    bytes: &[u8],
    from: usize,
    edits: &mut Vec<(u32, u32, u32)>,
) -> Option<usize> {
    edits.clear();
    let (mut i, mut j) = (0, from);
    for &(start, len) in places {
        let (at, len) = (start as usize - model_at, len as usize);
        let before = bytes.get(j..j + (at - i))?;
        if !alike(&model[i..at], before) {
            return None;
        }
        j += at - i;
        let new_len = bytes.get(j..)?.iter().position(|&b| !is_word(b))?;
        if new_len == 0 || bytes[j..j + new_len] == model[at..at + len] {
            return None;
        }
        edits.push((start, len as u32, new_len as u32));
        (i, j) = (at + len, j + new_len);
    }
    let rest = bytes.get(j..j + (model.len() - i))?;
    j += rest.len();
    (!edits.is_empty() && alike(&model[i..], rest) && j - from <= MAX_KEY).then_some(j)
}

/// How many bytes `a` and `b` start with alike, eight at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let word = |s: &[u8]| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
        let differ = word(a) ^ word(b);
        if differ != 0 {
            return i + (differ.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + (a[i..n].iter().zip(&b[i..n]))
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
thread_local! {
    /// Host entries read as one before them (see [`Parser::entry_like`]).
    static ENTRIES_LIKE: Cell<usize> = const { Cell::new(0) };
    /// Host entries read as one before them but for some words (see
    /// [`Parser::entry_shaped`]).
    static ENTRIES_SHAPED: Cell<usize> = const { Cell::new(0) };
    /// Whether [`Parser::entry_shaped`] is off, to compare with the reading
    /// without it.
    static NO_SHAPED: Cell<bool> = const { Cell::new(false) };
    /// Host entries whose words [`word_edits_at`] found.
    static ENTRIES_PLACED: Cell<usize> = const { Cell::new(0) };
    /// Whether [`word_edits_at`] is off, to compare with the reading without
    /// it.
    static NO_PLACES: Cell<bool> = const { Cell::new(false) };
}

/// The block indent of a flow collection that is the whole document: its
/// lines may start anywhere.
const ROOT: usize = usize::MAX;

/// Deeper documents are left to the event parser, which has its own limit.
const MAX_DEPTH: usize = 64;

/// A scalar over lines this long (a comma string over many lines) gets room
/// for the rest of the source at once, rather than copies into fresh memory
/// as it doubles; room never written costs no memory.
const LONG: usize = 1 << 16;

/// The bytes that end a plain scalar in a flow collection (or are checked
/// there): `,[]{}:#`, as a table looked up once a byte.
const FLOW_STOP: [bool; 256] = byte_table(b",[]{}:#", true);

/// The bytes that may start a line that goes on a plain scalar in a flow
/// collection (see [`Parser::flow_plain`]): any but a space, a tab and the
/// indicators (`-?:,[]{}#&*!|>'"%@` and the backquote).
const GOES_ON_PLAIN: [bool; 256] = byte_table(b" \t-?:,[]{}#&*!|>'\"%@`", false);

/// The bytes of a name as [`Parser::key`] and [`Parser::plain_host_entry`]
/// take it without the general scan: letters, digits and `_.-`, as a table
/// looked up once a byte.
const NAME_BYTES: [bool; 256] = alphanumeric_and(b"_.-");

/// Whether every byte of `bytes` is a name byte ([`NAME_BYTES`]): eight
/// at a time, each looked up without a branch between (the last eight
/// overlapping those before), rather than one lookup and branch a byte
/// (about 5 instructions a byte of a host's name, at every host entry).
fn all_name_bytes(bytes: &[u8]) -> bool {
    let other = |eight: [u8; 8]| {
        eight
            .iter()
            .fold(false, |o, &b| o | !NAME_BYTES[usize::from(b)])
    };
    let eight = |at: usize| <[u8; 8]>::try_from(&bytes[at..at + 8]).expect("eight bytes");
    let n = bytes.len();
    if n < 8 {
        return bytes.iter().all(|&b| NAME_BYTES[usize::from(b)]);
    }
    // A plain loop: `step_by` cost more than the lookups (a host's name).
    let mut at = 0;
    while at + 8 < n {
        if other(eight(at)) {
            return false;
        }
        at += 8;
    }
    !other(eight(n - 8))
}

/// Whether every byte of `bytes` is a name byte ([`NAME_BYTES`]), where
/// `known`, as long and at least eight bytes, is all name bytes: the two
/// compared eight bytes at a time (the last eight overlapping those
/// before), and only the bytes that differ looked up. Host names of a list
/// differ from the last one's in a digit or two (`web-0000041.example.com`
/// after `web-0000040.example.com`): a few instructions a word and a
/// lookup or two, where [`all_name_bytes`] looks up every byte (about 100
/// instructions for such a name, at every host entry).
fn name_bytes_beside(known: &[u8], bytes: &[u8]) -> bool {
    let n = bytes.len();
    debug_assert!(n == known.len() && n >= 8);
    let word = |s: &[u8], at: usize| {
        u64::from_le_bytes(<[u8; 8]>::try_from(&s[at..at + 8]).expect("eight bytes"))
    };
    // The bytes of the eight at `at` that differ from the known ones'.
    let fine = |at: usize| {
        let eight = word(bytes, at);
        let mut differ = eight ^ word(known, at);
        while differ != 0 {
            let shift = differ.trailing_zeros() & !7;
            if !NAME_BYTES[usize::from((eight >> shift) as u8)] {
                return false;
            }
            differ &= !(0xff << shift);
        }
        true
    };
    let mut at = 0;
    while at + 8 < n {
        if !fine(at) {
            return false;
        }
        at += 8;
    }
    fine(n - 8)
}

/// libyaml's longest simple key.
const MAX_KEY: usize = 1000;

/// Whether the `len` bytes from `a` and from `b` are the same (both in
/// `bytes`): fewer than eight in one masked word where eight bytes follow
/// both, up to sixteen as two words of eight (the last eight overlapping
/// the first), else by the library's compare.
#[inline(always)]
fn same_bytes(bytes: &[u8], a: usize, b: usize, len: usize) -> bool {
    let word = |at: usize| {
        bytes
            .get(at..at + 8)
            .map(|w| u64::from_le_bytes(w.try_into().expect("eight bytes")))
    };
    if len < 8 {
        return match (word(a), word(b)) {
            (Some(x), Some(y)) => (x ^ y) & !(u64::MAX << (8 * len)) == 0,
            _ => bytes[a..a + len] == bytes[b..b + len],
        };
    }
    let (x, y) = (&bytes[a..a + len], &bytes[b..b + len]);
    let word =
        |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("eight bytes"));
    match len {
        ..=16 => word(x, 0) == word(y, 0) && word(x, len - 8) == word(y, len - 8),
        _ => x == y,
    }
}

/// Keeps `read` as the model of the `var`th var of host entries (see
/// [`VarModel`]) in `models`, if it is one of the first [`MODEL_VARS`]
/// and those before have one.
#[inline]
fn keep_model(models: &mut Vec<VarModel>, var: usize, read: VarModel) {
    if var < models.len() {
        models[var] = read;
    } else if var == models.len() && var < MODEL_VARS {
        models.push(read);
    }
}

/// How many vars of a host entry have a model (see [`VarModel`]): those
/// after are read byte by byte.
const MODEL_VARS: usize = 32;

/// The text before a var read in one pass ([`Parser::plain_var_line`],
/// [`Parser::plain_flow_vars`]), kept as the model of the text before the
/// var at its place in the host entries after it, which are most often
/// written alike but for their values: from `start` (the var line's start
/// for an entry's first var line, a flow mapping's `{`, or where the var
/// before ends) to its value. Its key is `key` bytes from `start`, its `:`
/// `colon` bytes and its value `value` bytes (after which a byte that is no
/// space follows in the model). As the text checked before the key (the
/// line break after the var before, the indent, or for a flow mapping, the
/// `,` and spaces) and the key (a name, then `: `) were the same, it reads
/// the same where the same text is found: its key, `:` and value as many
/// bytes from where it starts, found by comparing it eight bytes at a time
/// rather than by looking at each of its bytes (see [`Parser::written_as`]).
#[derive(Debug, Clone, Copy)]
struct VarModel {
    start: usize,
    key: u32,
    colon: u32,
    value: u32,
}

#[cfg(test)]
thread_local! {
    /// Vars read by their models (see [`VarModel`]).
    static VARS_BY_MODEL: Cell<usize> = const { Cell::new(0) };
    /// Whether the models of vars and of an entry's end are off, to compare
    /// with the reading without them.
    static NO_VAR_MODELS: Cell<bool> = const { Cell::new(false) };
}

/// Where [`Parser::written_block_vars`] is in a host entry's vars: at the
/// line at `next`, which starts with `spaces` spaces; where the last value
/// read ends, and how many vars were read; where the text before the next
/// var starts if it may be kept as its model (see [`VarModel`]): the line's
/// start for the first var, or the end of the var before, read in one pass.
#[derive(Debug, Clone, Copy)]
struct VarsAt {
    next: usize,
    spaces: usize,
    end: Option<u32>,
    var: usize,
    before: Option<usize>,
    /// Whether the line at `next` is known to end the vars and their
    /// entry (see [`Parser::entry_end`]).
    entry_ends: bool,
}

impl VarsAt {
    #[inline]
    fn new(
        next: usize,
        spaces: usize,
        end: Option<u32>,
        var: usize,
        before: Option<usize>,
    ) -> VarsAt {
        VarsAt {
            next,
            spaces,
            end,
            var,
            before,
            entry_ends: false,
        }
    }
}

impl VarModel {
    /// The model of the text from `start` to `pair`'s value.
    #[inline]
    fn read(start: usize, pair: WrittenPair) -> VarModel {
        let start32 = start as u32;
        VarModel {
            start,
            key: pair.key.start - start32,
            colon: pair.key.end - start32,
            value: pair.value.start - start32,
        }
    }

    /// The key's `:` and the value (maybe after more spaces) where the same
    /// text starts at `at`.
    #[inline]
    fn colon_value(self, at: usize) -> (usize, usize) {
        (at + self.colon as usize, at + self.value as usize)
    }
}

/// After this many entries of one collection needed a hand-over to the
/// event parser (and at least one in four), the next one hands over the rest
/// of the collection (one parser for many entries rather than one each).
const HAND_OVER_REST_AFTER: usize = if cfg!(any(test, fuzzing)) { 2 } else { 8 };

/// Over how many bytes a region to hand over has the error looked for
/// first where this reader gave up in it (see
/// [`Parser::search_before_hand_over`]); every region in tests and fuzzing.
const SEARCH_BEFORE_HAND_OVER: usize = if cfg!(any(test, fuzzing)) {
    0
} else {
    64 * 1024
};

/// Where the line that holds `at` starts.
fn line_start(src: &str, at: usize) -> usize {
    (src[..at].rfind(['\n', '\r'])).map_or(crate::tree::bom_len(src), |i| i + 1)
}

/// A line with content: not blank and not only a comment.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    /// Leading spaces.
    indent: usize,
    /// Where its content ends: its line break (`\n`, `\r\n` or a lone
    /// `\r`), or the end of the source.
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
    anchors: HashMap<&'s str, Option<Arc<Node<'s>>>>,
    /// The anchor the last host entry read as [`Parser::aliased_entry`]
    /// named, its node and how many nodes that holds: the next one most
    /// often names it too (an anchor is never defined again here: see
    /// [`Parser::anchored`]), found without a lookup and a count.
    last_alias: Option<(&'s str, Arc<Node<'s>>, usize)>,
    /// Aliases read so far, and the nodes they repeat.
    aliases: usize,
    aliased: usize,
    /// Where each anchor was defined, its name and how many nodes its node
    /// holds, and where each alias was read and how many nodes it repeats:
    /// for the skeleton of [`crate::tree::first_error`] (see
    /// [`crate::tree::Resume::anchors`]).
    anchors_at: Vec<(usize, &'s str, usize)>,
    aliases_at: Vec<(usize, usize)>,
    /// Where each anchored node being read starts (its `&`): the skeleton
    /// of [`crate::tree::first_error`] cannot stand for such an anchor (an
    /// alias of it inside it is an error of the event builder's), so an
    /// error is looked for from the entry holding the first of them (see
    /// [`Parser::anchored_from`]).
    anchoring: Vec<usize>,
    /// The last tag read, as written and as the tree holds it: a list of
    /// `!!str` names builds it once.
    last_tag: Cell<Option<(&'s str, String)>>,
    /// The vars of the host entry being read the general way (see
    /// [`Parser::host_entry`]).
    pairs: Vec<(Node<'s>, Node<'s>)>,
    /// The models of the first [`MODEL_VARS`] var lines of a host entry, and
    /// of the first vars of a one-line flow mapping of one, each the last
    /// read in one pass at its place (see [`VarModel`]).
    line_models: Vec<VarModel>,
    flow_models: Vec<VarModel>,
    /// Where the text from the end of a host entry's vars (a block entry's
    /// last value, a flow mapping's `}`) to the next entry was last read the
    /// general way (see [`Parser::keep_entry_end`]), and how many spaces
    /// the next entry's line starts with: a line feed, those spaces, `-` and
    /// a space. The same text after vars read by their models (or a flow
    /// mapping), at as many spaces or fewer than the entry's name, ends the
    /// vars and the entry as it did there (see [`Parser::entry_end_at`]):
    /// the next line is not read for it.
    entry_end: Option<(usize, usize)>,
    /// The words of a host entry read by [`Parser::entry_shaped`].
    edits: Vec<(u32, u32, u32)>,
    /// Where the last name [`Parser::name_key_to`] took starts and how long
    /// it is: all name bytes, the next name is compared with it (see
    /// [`name_bytes_beside`]).
    last_name: Cell<(usize, usize)>,
    /// Whether the source holds a tab: then the places where this reader
    /// took one (in a comment, or after a value at a line's end, where YAML
    /// 1.1 and 1.2 agree a tab changes nothing) are kept in `tabs_taken`, and
    /// a tab anywhere else gives up (see [`Parser::tabs_all_taken`]).
    tabs: bool,
    tabs_taken: RefCell<Vec<(usize, usize)>>,
    /// Whether the source holds a carriage return outside a CRLF, a line
    /// break of its own (see [`Parser::raw_line`]).
    lone_cr: bool,
    /// Set when a hand-over to the event parser failed: the whole file is
    /// read by it (see [`Parser::hand_over`]).
    no_hand_over: bool,
    /// Hand-overs so far, and for each collection being read, how many
    /// entries it has had and how many of them needed one (see
    /// [`Parser::hand_over`]).
    handed: usize,
    frames: Vec<Frame>,
    /// For [`read_recording`]: where the nodes handed over go too.
    recorded: Option<Rc<RefCell<Vec<Node<'s>>>>>,
    /// Whether the document starts with `---`.
    explicit: bool,
    /// For [`read_or_error`]: whether to look for the error where it gives
    /// up (once: see [`Parser::find_error_from`]), and where to look, kept
    /// until it gives up for good (see [`Search`]).
    find_error: bool,
    search: RefCell<Vec<Search>>,
    /// The error found where to look was kept before a big hand-over (see
    /// [`Parser::search_before_hand_over`]): the whole file's.
    found: Option<SyntaxError>,
    /// The flow collections being read in a flow collection that is the
    /// whole document (for [`read_or_error`], see [`Parser::flow_items`]).
    flows: RefCell<Vec<FlowFrame>>,
    /// Whether a plain scalar was read in them (see [`crate::tree::Resume`]).
    flow_plain: Cell<bool>,
    /// Where a flow collection about to be read opens, when it is the
    /// value of the entry being read of the innermost block collection, on
    /// the line after that entry's line (`key:` then `[`; see
    /// [`Parser::nested`]).
    own_line: Cell<Option<usize>>,
    /// Whether it read something the event parser refuses and serde_yaml
    /// (YAML 1.1) reads (see [`Parser::lenient`]): the event parser's error
    /// for the whole file is then that, not one it finds further on.
    lenient: Cell<bool>,
    /// The document's block collection as it was when its last entry was
    /// read (for what follows it: see [`Parser::after_root`]).
    root_frame: Option<Frame>,
}

/// A flow collection being read (see [`Parser::flow_items`]).
#[derive(Debug, Clone, Copy)]
struct FlowFrame {
    map: bool,
    /// How many entries it has had before the one being read.
    entries: usize,
    /// Where the line of the entry being read starts, if that entry starts
    /// the line (after spaces), after a `,` or the opening bracket.
    entry: Option<usize>,
    /// Whether a plain scalar was read in the flow collections around
    /// before that entry (see [`crate::tree::Resume::plain`]).
    plain: bool,
    /// Whether a mapping's key is being read: a flow collection there is a
    /// simple key the event parser reads ahead of (to its `:`), as the
    /// skeleton's is (see [`crate::tree::FlowOpen::key`]).
    key: bool,
    /// Whether the value of a single-pair mapping of a sequence is being
    /// read (`[a, k: [`): the event parser is then inside a mapping the
    /// skeleton has no place for, and reads a closing bracket or a `,`
    /// there otherwise (found by fuzzing), so no error is looked for from
    /// inside that value (see [`Parser::flow_failed`]).
    pair: bool,
    /// For the outermost, the column it opens at if that is on the line
    /// after its entry's (see [`Parser::own_line`]).
    column: Option<usize>,
}

/// A block collection being read (see [`Parser::hand_over`] and
/// [`Parser::find_error_from`]).
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// How many entries it has had, and how many of them needed a hand-over.
    entries: usize,
    handed: usize,
    /// Its kind and column.
    open: Open,
    /// Where the line of its entry being read (or last read) starts, if
    /// that entry starts the line (after spaces), and the same for the
    /// entry before that one.
    entry: Option<usize>,
    prev: Option<usize>,
}

impl<'s> Parser<'s> {
    /// A parser, or `None` if the source has a character this reader leaves to
    /// the event parser: a control character other than a tab, a byte order
    /// mark past the start, a non-printable character or a Unicode line
    /// break.
    fn new(src: &'s str) -> Option<Parser<'s>> {
        Parser::new_as(src, false)
    }

    /// [`Parser::new`]; `checked`: the source is known to hold none of the
    /// characters looked for here (but for line breaks and tabs), which are
    /// then not looked for.
    fn new_as(src: &'s str, checked: bool) -> Option<Parser<'s>> {
        let bom = crate::tree::bom_len(src);
        let body = &src[bom..];
        // Without an early exit the loop runs over whole vectors of bytes.
        let controls = !checked
            && body.bytes().fold(false, |seen, b| {
                seen | (b < b' ' && b != b'\n' && b != b'\r' && b != b'\t') | (b == 0x7F)
            });
        // A carriage return outside a CRLF line break is a line break too
        // (in YAML 1.1 and 1.2): lines are then found by a slower search.
        // The memchr crate's vector search over the whole source: an eighth
        // of the instructions of `str::contains`'s (callgrind).
        let has = |byte| memchr::memchr(byte, body.as_bytes()).is_some();
        let lone_cr = has(b'\r') && body.matches('\r').count() != body.matches("\r\n").count();
        let printable = |c: char| {
            c.is_ascii()
                || matches!(c, '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
                    && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
        };
        if controls || (!checked && !body.is_ascii() && !body.chars().all(printable)) {
            return None;
        }
        Some(Parser {
            src,
            bytes: src.as_bytes(),
            pos: bom,
            peeked: Cell::new(None),
            depth: 0,
            anchors: HashMap::new(),
            last_alias: None,
            aliases: 0,
            aliased: 0,
            anchors_at: Vec::new(),
            aliases_at: Vec::new(),
            anchoring: Vec::new(),
            last_tag: Cell::new(None),
            pairs: Vec::new(),
            line_models: Vec::new(),
            flow_models: Vec::new(),
            entry_end: None,
            edits: Vec::new(),
            last_name: Cell::new((0, 0)),
            tabs: has(b'\t'),
            lone_cr,
            tabs_taken: RefCell::new(Vec::new()),
            no_hand_over: false,
            handed: 0,
            frames: Vec::new(),
            recorded: None,
            explicit: false,
            find_error: false,
            search: RefCell::new(Vec::new()),
            found: None,
            flows: RefCell::new(Vec::new()),
            flow_plain: Cell::new(false),
            own_line: Cell::new(None),
            lenient: Cell::new(false),
            root_frame: None,
        })
    }

    /// The whole document: one block node, optionally after `---`.
    fn document(&mut self) -> Option<Node<'s>> {
        self.skip_tab_blanks(ROOT);
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
            self.take_tabs(first.start + 3 + content[3..].len() - rest.len(), first.end);
            self.pos = first.next;
            self.explicit = true;
            self.skip_tab_blanks(ROOT);
            first = self.next_line()?;
        }
        let at = first.start + first.indent;
        if first.indent == 0 && self.src[at..first.end].starts_with("...") {
            return None; // no document
        }
        let mut flow = matches!(self.bytes[at], b'[' | b'{');
        let mut closed = None;
        let root = if flow {
            // A flow collection, JSON among them.
            let mut line = first;
            let (root, after) = self.flow(&mut line, at, 1, ROOT)?;
            if self.end_of_value(line, after).is_none() {
                return self.after_flow_root(at, after);
            }
            closed = Some(after);
            root
        } else {
            self.block(first)?
        };
        // What follows a block collection's last entry (a second document,
        // a line less indented than the first): the error is looked for from
        // that line on, after an entry of the collection (none if it has
        // none: the line that ended it was its first).
        let entries = root.entries().map(<[_]>::len);
        let items = || {
            root.items()
                .map_or(0, |mut items| usize::from(items.next().is_some()))
        };
        flow |= entries.unwrap_or_else(items) == 0;
        // What follows the root, if anything: the error looked for there.
        let after_root = |parser: &mut Self, line| match closed {
            Some(after) => parser.after_flow_root(at, after),
            None => parser.after_root(flow, line),
        };
        // A document end marker (`...`), then nothing but comments.
        self.skip_tab_blanks(ROOT);
        let trailing = self.next_line();
        if let Some(end) = trailing
            && end.indent == 0
            && self.src[end.start..end.end].starts_with("...")
        {
            let rest = &self.src[end.start + 3..end.end];
            let after = rest.trim_start_matches(' ');
            if !(after.is_empty() || after.starts_with('#') && rest.starts_with(' ')) {
                return after_root(self, end);
            }
            self.take_tabs(end.end - after.len(), end.end);
            self.pos = end.next;
            self.skip_tab_blanks(ROOT);
        }
        if let (Some(_), Some(line)) = (self.next_line(), trailing) {
            return after_root(self, line);
        }
        if !self.tabs_all_taken() {
            return None;
        }
        Some(root)
    }

    /// Marks the tabs in `start..end` (a comment, or the spaces and tabs
    /// after a value that end a line) as taken.
    fn take_tabs(&self, start: usize, end: usize) {
        if self.tabs && self.bytes[start..end].contains(&b'\t') {
            self.tabs_taken.borrow_mut().push((start, end));
        }
    }

    /// Whether every tab in the source is in a place marked by
    /// [`Parser::take_tabs`].
    fn tabs_all_taken(&self) -> bool {
        self.tabs_taken_before(self.bytes.len())
    }

    /// Whether every tab before `end` is in a place marked by
    /// [`Parser::take_tabs`].
    fn tabs_taken_before(&self, end: usize) -> bool {
        if !self.tabs {
            return true;
        }
        let mut taken = self.tabs_taken.borrow_mut();
        taken.sort_unstable();
        let mut places = taken.iter().peekable();
        // A search for a character: memchr's, far faster than a loop over bytes.
        self.src[..end].match_indices('\t').all(|(i, _)| {
            while places.next_if(|&&(_, end)| end <= i).is_some() {}
            places.peek().is_some_and(|&&(start, _)| start <= i)
        })
    }

    /// Whether `line`, which starts with a tab after its spaces, holds only
    /// spaces and tabs, and maybe a comment after them: a line the event
    /// parser takes as blank or a comment (YAML 1.2; see
    /// [`Parser::skip_tab_blanks`]).
    fn tab_blank(&self, line: Line) -> bool {
        let rest = self.src[line.start..line.end].trim_start_matches([' ', '\t']);
        rest.is_empty() || rest.starts_with('#')
    }

    /// Past the lines from `self.pos` that start with a tab and hold
    /// nothing else but spaces, tabs and a comment (`\t# c`, a line of
    /// tabs), when the line with content after them is indented no more
    /// than `indent` (a block's entries; [`ROOT`]: wherever it is, where
    /// nothing before may go on, as at the document's start or end, or
    /// before a value on the lines after its key), or there is none; their
    /// tabs taken. The event parser (YAML 1.2) reads
    /// them as blank lines, or in a tab-led line's indentation (before
    /// the column the block's entries are at) skips them and a comment as it
    /// skips a blank line's spaces, also inside a plain scalar that may go
    /// on (`a` then such a line, then a line indented more: `a b` to it, not
    /// to a comment line); after a block's entry, the next line is not one
    /// that goes on. (YAML 1.1 refuses such lines: the file then reads as
    /// the event parser reads it, whoever reads it.) Whether any were passed.
    fn skip_tab_blanks(&mut self, indent: usize) -> bool {
        let mut line = match self.next_line() {
            Some(line) if self.tab_led(line) && self.tab_blank(line) => line,
            _ => return false,
        };
        let mut lines = vec![line];
        let next = loop {
            match self.line_from(line.next) {
                Some(next) if self.tab_led(next) && self.tab_blank(next) => {
                    lines.push(next);
                    line = next;
                }
                next => break next,
            }
        };
        let placed = next
            .is_none_or(|next| !self.tab_led(next) && (indent == ROOT || next.indent <= indent));
        if !placed {
            return false;
        }
        for line in lines {
            self.take_tabs(line.start, line.end);
        }
        self.pos = line.next;
        true
    }

    /// `None` if `start..end`, read as text, holds a tab (which a comment
    /// line inside it may have marked as taken).
    fn no_tabs(&self, start: usize, end: usize) -> Option<()> {
        (!self.tabs || !self.bytes[start..end.min(self.bytes.len())].contains(&b'\t')).then_some(())
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

    /// [`Parser::line_from`] after a token that nothing on the lines after
    /// can go on (a tag, a one-line explicit key before its `:` line): past
    /// lines of blanks after a tab, which the event parser reads as blank
    /// there (see [`Parser::skip_tab_blanks`]), their tabs taken.
    fn line_after(&self, start: usize) -> Option<Line> {
        // Kept as `next_line` keeps it: the line after a tag is looked at
        // again when read (`- !!str web1` on each of a million lines).
        let mut line = self.line_at(start)?;
        while self.tab_led(line) && self.tab_blank(line) {
            self.take_tabs(line.start, line.end);
            line = self.line_from(line.next)?;
        }
        Some(line)
    }

    /// The first line with content from `start` on.
    fn line_from(&self, mut start: usize) -> Option<Line> {
        while let Some(line) = self.raw_line(start) {
            let at = line.start + line.indent;
            if at < line.end && self.bytes[at] != b'#' {
                return Some(line);
            }
            if at < line.end {
                self.take_tabs(at, line.end);
            }
            start = line.next;
        }
        None
    }

    /// The line that starts at `start`, blank or not (`None` past the source).
    fn raw_line(&self, start: usize) -> Option<Line> {
        if start >= self.bytes.len() {
            return None;
        }
        // The memchr crate's search, which reads a short line in one or two
        // vector loads: a loop over bytes was an eighth of reading a list.
        let (end, next) = match self.lone_cr {
            true => self.cr_line_end(start),
            false => {
                let end = memchr::memchr(b'\n', &self.bytes[start..])
                    .map_or(self.bytes.len(), |i| start + i);
                match end > start && self.bytes[end - 1] == b'\r' {
                    true => (end - 1, end + 1),
                    false => (end, end + 1),
                }
            }
        };
        let indent = self.bytes[start..end]
            .iter()
            .take_while(|&&b| b == b' ')
            .count();
        Some(Line {
            start,
            indent,
            end,
            next,
        })
    }

    /// Where the line that starts at `start` ends and the next one starts,
    /// in a source with carriage returns outside CRLF: LF, CRLF or CR, as
    /// YAML breaks lines (apart from [`Parser::raw_line`], which every line
    /// goes through, so that reading other files stays as fast).
    #[cold]
    fn cr_line_end(&self, start: usize) -> (usize, usize) {
        let end = memchr::memchr2(b'\n', b'\r', &self.bytes[start..])
            .map_or(self.bytes.len(), |i| start + i);
        let crlf = self.bytes.get(end..end + 2) == Some(b"\r\n");
        (end, end + 1 + usize::from(crlf))
    }

    /// Marks `line` read.
    fn finish(&mut self, line: Line) {
        self.pos = line.next;
    }

    /// Whether a block sequence entry (`-` then a space, a tab or the line's
    /// end) is at `at`.
    fn is_entry(&self, line: Line, at: usize) -> bool {
        self.bytes[at] == b'-' && (at + 1 == line.end || matches!(self.bytes[at + 1], b' ' | b'\t'))
    }

    /// Whether a plain or quoted scalar starts at `at`, inside `line`.
    fn starts_scalar(&self, line: Line, at: usize) -> bool {
        !b"?:,[]{}#&*!|>%@`.".contains(&self.bytes[at]) && !self.is_entry(line, at)
    }

    /// The block node whose first line is `line`, at its indent.
    fn block(&mut self, line: Line) -> Option<Node<'s>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let at = line.start + line.indent;
        let node = if self.is_entry(line, at) {
            self.seq(line.indent, None)
        } else {
            self.map(line.indent, None)
        };
        self.depth -= 1;
        node
    }

    /// A block sequence whose entries are at `indent`; `first` is a line
    /// whose first entry is further into it (`- - a`, a compact nested
    /// sequence, whose entries are at the inner `-`'s column).
    fn seq(&mut self, indent: usize, mut first: Option<Line>) -> Option<Node<'s>> {
        let start = match first {
            Some(line) => line.start + indent,
            None => self
                .next_line()
                .map_or(self.pos, |line| line.start + indent),
        };
        // Plain scalars and host entries kept by their spans.
        let mut items = SeqBuilder::new(self.src);
        let frame = self.open(true, indent);
        // Models for host entries written alike (see `entry_like`).
        let mut likes = Likes::default();
        loop {
            let line = match first.take() {
                Some(line) => line,
                None => match self.next_line() {
                    Some(line) if self.tab_led(line) && self.skip_tab_blanks(indent) => continue,
                    Some(line) if line.indent > indent || self.tab_led(line) => {
                        return self.stuck(frame, line);
                    }
                    Some(line) if line.indent < indent => break,
                    Some(line) => line,
                    None => break,
                },
            };
            let dash = line.start + indent;
            if !self.is_entry(line, dash) {
                // A key at this indent: the sequence was a mapping value.
                break;
            }
            self.entry_starts(frame, line, dash);
            let at = self.skip_spaces(dash + 1, line.end);
            let colon = memchr::memchr(b':', &self.bytes[at..line.end]).map(|i| at + i);
            // No tab before the name's `:` (a model's text after it has
            // none): an entry read as a model takes no tab.
            if let Some(colon) = colon
                && !likes.models.is_empty()
                && !(self.tabs && self.bytes[line.start..colon].contains(&b'\t'))
                && (self.entry_like(line, at, colon, indent, likes.compared(), &mut items)
                    || likes.shaped && {
                        likes.last_shaped = self.entry_shaped(
                            line,
                            at,
                            colon,
                            indent,
                            &mut likes.models,
                            &mut items,
                        );
                        likes.last_shaped
                    })
            {
                self.frames[frame].entries += 1;
                likes.misses = 0;
                continue;
            }
            likes.last_shaped = false;
            let (depth, handed) = (self.depth, self.handed);
            let item = if at == line.end || self.bytes[at] == b'#' {
                self.take_tabs(at, line.end);
                self.finish(line);
                self.nested(indent, false, dash + 1)
            } else if self.is_entry(line, at) {
                // A compact nested sequence (`- - a`).
                self.compact_seq(line, at)
            } else if matches!(self.bytes[at], b'&' | b'*') {
                self.anchored(line, at, indent, false)
            } else if let Some(node) = self.tagged_block(line, at, indent) {
                node
            } else if let Some(colon) = colon
                && self.host_entry(line, at, colon, &mut items)
            {
                let entry = self.frames[frame].entries;
                self.frames[frame].entries += 1;
                likes.keep(entry, || self.like(line, at, indent, &items));
                continue;
            } else {
                self.inline(line, at, indent)
            };
            match item {
                Some(item) => {
                    let map = matches!(item.kind, Kind::Map(_));
                    items.push(item);
                    if map {
                        let entry = self.frames[frame].entries;
                        likes.keep(entry, || self.like(line, at, indent, &items));
                    }
                }
                // An entry that starts inside its line (after an outer `- `):
                // the outer entry is handed over.
                None if dash != line.start + line.indent => return None,
                None => {
                    self.depth = depth;
                    self.hand_over(frame, line, indent, Some(&mut items))?;
                    let entry = self.frames[frame].entries;
                    likes.keep(entry, || self.like(line, at, indent, &items));
                }
            }
            self.entry_read(frame, handed);
        }
        self.keep_root(frame);
        // As the event parser ends it: where its last item ends.
        let end = items.last_end().unwrap_or(start).max(start);
        Some(Node {
            span: Span::new(start, end),
            kind: items.finish(),
        })
    }

    /// The host entry just read, whose first line is `line` and name at
    /// `at`, as a model for the next ones (see [`Parser::entry_like`]): if
    /// it is kept by its spans in `items`, its name is a key on its line
    /// (the key this reader reads there, also where the event parser read
    /// the entry), the next line with content is the list's next entry, and
    /// reading it changed nothing outside it: no anchor or alias (no `&` or
    /// `*` in its text), no tab in its text (whose places are noted as they
    /// are read: an entry read as it takes none; see [`Parser::entry_like`]).
    ///
    /// An entry that needed a hand-over (of itself, or of entries inside
    /// it) can be a model: each region handed over ends at the latest where
    /// the next entry starts (a line no more indented than the list), the
    /// event parser read it from its text, its indentation and that of the
    /// line after it alone, and built it with spans in the whole file; an
    /// entry with the same text after its name, at the same column, before
    /// another entry, reads the same, those spans shifted as the rest. A
    /// hand-over that would have failed for it instead sends the whole file
    /// to the event parser, which builds the same tree.
    fn like(&self, line: Line, at: usize, indent: usize, items: &SeqBuilder<'s>) -> Option<Like> {
        if line.indent != indent {
            return None;
        }
        let entry = items.last_entry()?;
        let (name, colon) = self.key(line, at)?;
        if items.last_span() != Some(name.span) {
            return None;
        }
        let next = self.next_line()?;
        let entry_next = next.indent == indent && self.is_entry(next, next.start + indent);
        let text = &self.bytes[line.start..next.start];
        let properties = memchr::memchr2(b'&', b'*', text).is_some();
        let tab = self.tabs && text.contains(&b'\t');
        let len = next.start - colon;
        let words = len <= MAX_KEY
            && !(self.bytes[colon..next.start].iter()).any(|&b| SHAPE_STOP[usize::from(b)]);
        (entry_next && !properties && !tab).then_some(Like {
            entry,
            column: at - line.start,
            colon,
            len,
            words,
            places: Vec::new(),
        })
    }

    /// A host entry at `at` in `line` (whose first `:` is `colon`) written
    /// as one of the entries `likes` is, but for its name (a plain scalar
    /// on its line): the same text from the name's `:` to the next entry,
    /// at the same column. Then reading it would give that entry's tree with
    /// a name of its own and everything after the name as many bytes further
    /// on, for all that reading an entry looks at is its text, its name's
    /// column and the next line's being an entry of the list: added to
    /// `items` that way without reading it (1M hosts with a nested list each:
    /// the list was read a million times). False, with nothing read,
    /// otherwise.
    fn entry_like(
        &mut self,
        line: Line,
        at: usize,
        colon: usize,
        indent: usize,
        likes: &[Like],
        items: &mut SeqBuilder<'s>,
    ) -> bool {
        if line.indent != indent {
            return false;
        }
        // The text from the first `:` of the line, then the name before it.
        let column = at - line.start;
        // Their last 8 bytes first, in one load each (vars of their own on
        // every host differ there), and those at the model's first place
        // of words of their own (see `word_edits_at`: entries with words of
        // their own differ there), then all.
        let last = |end: usize| <[u8; 8]>::try_from(&self.bytes[end - 8..end]).ok();
        let Some((like, end)) = likes.iter().rev().find_map(|like| {
            let (end, model) = (colon + like.len, like.colon..like.colon + like.len);
            let placed = |&(start, _): &(u32, u32)| {
                let at = (start as usize - like.colon).min(like.len - 8);
                last(colon + at + 8) == last(like.colon + at + 8)
            };
            let alike = like.column == column
                && end <= self.bytes.len()
                && (like.len < 8
                    || last(end) == last(model.end) && like.places.first().is_none_or(placed))
                && self.bytes[colon..end] == self.bytes[model];
            alike.then_some((like, end))
        }) else {
            return false;
        };
        let Some((name, key_colon)) = self.key_to(line, at, colon) else {
            return false;
        };
        if key_colon != colon {
            return false;
        }
        let next_entry = self.line_at(end).is_some_and(|next| {
            next.start == end && next.indent == indent && self.is_entry(next, end + indent)
        });
        if !next_entry || !items.push_entry_like(&like.entry, &name, (colon - like.colon) as u32) {
            return false;
        }
        self.pos = end;
        #[cfg(test)]
        ENTRIES_LIKE.with(|n| n.set(n.get() + 1));
        true
    }

    /// A host entry at `at` in `line` (whose first `:` is `colon`) written
    /// as one of the entries `likes` is (see [`Parser::entry_like`]) but for
    /// its name and some words: the same text from the name's `:` to the
    /// next entry, at the same column, but for runs of ASCII letters, digits
    /// and `_` (inside a plain scalar of a value kept as a node, in the
    /// model: `ports: [http: 8081]` after `ports: [http: 8080]`, `[http
    /// 81,` then `https` then `443]` after `[http 80,` …; each run at least
    /// a byte: `[a, ]` after `[a, b]` is another list), in a text
    /// with none of the bytes that could make such a run read otherwise
    /// (no quote, escape, tag, anchor, alias, comment, block scalar, `?`,
    /// tab or carriage return) and shorter than an implicit key may be. A
    /// plain scalar's end, and all else a reader sees, is decided by the
    /// bytes around it and not by those letters, so reading it would give
    /// the model's tree with those scalars' texts and every span after them
    /// moved on: added to `items` that way, its values kept by their shape
    /// ([`SeqBuilder::push_entry_shaped`], which checks each run is such a
    /// scalar), without reading it. False, with nothing read, otherwise.
    /// The runs are found by [`word_edits`], or at once at the places where
    /// the last entry read as the same model had its own
    /// ([`word_edits_at`]).
    fn entry_shaped(
        &mut self,
        line: Line,
        at: usize,
        colon: usize,
        indent: usize,
        likes: &mut [Like],
        items: &mut SeqBuilder<'s>,
    ) -> bool {
        #[cfg(test)]
        if NO_SHAPED.with(Cell::get) {
            return false;
        }
        if line.indent != indent {
            return false;
        }
        let column = at - line.start;
        let bytes = self.bytes;
        let mut edits = std::mem::take(&mut self.edits);
        let found = likes.iter_mut().rev().find_map(|like| {
            // A model without values kept as nodes takes no edit: not
            // scanned (a var of its own on every host, `{ansible_host:
            // 10.0.0.1}`, read the usual way at once).
            if like.column != column || !like.words || !like.entry.takes_edits() {
                return None;
            }
            let model = &bytes[like.colon..like.colon + like.len];
            // At the places of the last entry read as it, at once (the same
            // places at every host); else found, and kept for the next.
            #[cfg(test)]
            let places = match NO_PLACES.with(Cell::get) {
                true => &[][..],
                false => &like.places[..],
            };
            #[cfg(not(test))]
            let places = &like.places[..];
            let placed = (!places.is_empty())
                .then(|| word_edits_at(places, model, like.colon, bytes, colon, &mut edits))
                .flatten();
            #[cfg(test)]
            if placed.is_some() {
                ENTRIES_PLACED.with(|n| n.set(n.get() + 1));
            }
            let end = match placed {
                Some(end) => end,
                None => {
                    let end = word_edits(model, like.colon, bytes, colon, &mut edits)?;
                    like.places.clear();
                    (like.places).extend(edits.iter().map(|&(start, len, _)| (start, len)));
                    end
                }
            };
            Some((&*like, end))
        });
        let read = found.is_some_and(|(like, end)| {
            let next_entry = self.line_at(end).is_some_and(|next| {
                next.start == end && next.indent == indent && self.is_entry(next, end + indent)
            });
            if !next_entry {
                return false;
            }
            let shift = (colon - like.colon) as u32;
            // The usual name, by its span (no node made and dropped, nor
            // looked at again, at every host); else the key the general
            // way reads.
            if let Some(name) = self.name_key_to(line, at, colon) {
                return items.push_entry_shaped_at(&like.entry, name, shift, &edits);
            }
            let Some((name, key_colon)) = self.key(line, at) else {
                return false;
            };
            key_colon == colon && items.push_entry_shaped(&like.entry, &name, shift, &edits)
        });
        self.edits = edits;
        if read {
            self.pos = found.map_or(self.pos, |(_, end)| end);
            #[cfg(test)]
            ENTRIES_SHAPED.with(|n| n.set(n.get() + 1));
        }
        read
    }

    /// A compact nested sequence whose first `-` is at `at` in `line`, after
    /// an outer entry's `- ` (`- - a`): its entries are at `at`'s column.
    fn compact_seq(&mut self, line: Line, at: usize) -> Option<Node<'s>> {
        // A tab after the inner `-` (before its value, or as the line's
        // end): libyaml refuses it there, YAML 1.2 does not.
        let blanks = &self.bytes[at + 1..self.skip_blanks(at + 1, line.end)];
        if blanks.contains(&b'\t') {
            return None;
        }
        self.depth += 1;
        let seq = match self.depth > MAX_DEPTH {
            true => None,
            false => self.seq(at - line.start, Some(line)),
        };
        self.depth -= 1;
        seq
    }

    /// A host entry after a sequence entry's `- ` at `at`: a mapping of one
    /// key to a mapping, `name: {k: v}` or `name:` then `k: v` lines of
    /// one-line values. Read into `items` without a node made for the entry
    /// or its mapping (at a million hosts, the nodes took most of the reading);
    /// the result is the tree [`Parser::inline`] builds. False, with nothing
    /// read, for anything else (which `inline` then reads). `first_colon`:
    /// the line's first `:` from `at` on.
    fn host_entry(
        &mut self,
        line: Line,
        at: usize,
        first_colon: usize,
        items: &mut SeqBuilder<'s>,
    ) -> bool {
        // As `inline`, then `map` at the key's column, then the value.
        let depth = self.depth + 2;
        if depth > MAX_DEPTH {
            return false;
        }
        // The usual name, by its span (a node made for it only to read the
        // entry the general way); else the key the general way reads.
        let (node, colon) = match self.name_key_to(line, at, first_colon) {
            Some(_) => (None, first_colon),
            None => match self.key(line, at) {
                Some((node, colon)) => (Some(node), colon),
                None => return false,
            },
        };
        // Where the entry may be kept by its spans: its name's.
        let written = match &node {
            None => Some(Span::new(at, colon)),
            Some(node) => items.is_plain_name(node).then_some(node.span),
        };
        let column = at - line.start;
        let value = self.skip_spaces(colon + 1, line.end);
        let first = self.bytes[..line.end].get(value).copied();
        let block = matches!(first, None | Some(b'#'));
        if block {
            self.take_tabs(value, line.end);
        }
        if let Some(name) = written
            && (first == Some(b'{') && self.plain_host_entry(line, name, value, column, items)
                || block && self.written_block_entry(line, name, column, items))
        {
            return true;
        }
        let name = node.unwrap_or_else(|| self.plain(&self.src[at..colon]));
        if first == Some(b'*') {
            return self.aliased_entry(line, name, value, column, items);
        }
        let mut pairs = std::mem::take(&mut self.pairs);
        pairs.clear();
        let vars = if first == Some(b'{') {
            let mut last = line;
            let end = self.flow_items(&mut last, value, depth, column, None, &mut pairs);
            end.filter(|&end| self.ends_line(last, end))
                .map(|end| (Span::new(value, end), last.next))
        } else if block {
            self.block_vars(line.next, column, depth, &mut pairs)
        } else {
            None
        };
        let read = match vars {
            Some((vars, next)) if !pairs.is_empty() && self.entry_ends(next, column) => {
                items.push_entry(name, vars, &mut pairs);
                self.pos = next;
                true
            }
            _ => false,
        };
        self.pairs = pairs;
        read
    }

    /// Whether a host entry's mapping, its key at `column`, ends before
    /// `next`: no second key at its column.
    fn entry_ends(&self, next: usize, column: usize) -> bool {
        match self.line_at(next) {
            Some(n) if n.indent > column => false,
            Some(n) if n.indent == column => self.is_entry(n, n.start + column),
            _ => true,
        }
    }

    /// [`Parser::host_entry`] of the usual host entry, vars written
    /// `{key: value, ...}` on the name's line, keys and values of letters,
    /// digits and `._-` (not first) only (`- web1: {ansible_host:
    /// 10.0.0.1}`), named at `name` (a plain scalar as written, not
    /// empty): read into `items` by their spans, without nodes, as the
    /// general way reads them. False, with nothing read, for anything else.
    fn plain_host_entry(
        &mut self,
        line: Line,
        name: Span,
        at: usize,
        column: usize,
        items: &mut SeqBuilder<'s>,
    ) -> bool {
        let from = items.written_from();
        let end = self.plain_flow_vars(line, at, items);
        let read = end.is_some_and(|end| {
            // The line's and the entry's end written as where they were
            // last read, or read (and then kept as that).
            let ends = self.entry_end_at(end, column).is_some() || {
                let ends = self.ends_line(line, end) && self.entry_ends(line.next, column);
                if let Some(next) = self.line_at(line.next).filter(|_| ends) {
                    self.keep_entry_end(Some(end as u32), next, column);
                }
                ends
            };
            ends && items.push_written_entry(name, Span::new(at, end), from)
        });
        match read {
            true => self.pos = line.next,
            false => items.take_back_vars(from),
        }
        read
    }

    /// The keys and values of the flow mapping at `at` written as
    /// [`Parser::plain_host_entry`] takes it, added to `items` by their
    /// spans as read ([`SeqBuilder::push_written_var`]), and the index after
    /// it.
    fn plain_flow_vars(
        &mut self,
        line: Line,
        at: usize,
        items: &mut SeqBuilder<'s>,
    ) -> Option<usize> {
        // One pass over the line: a name ends at its line's end anyway
        // (no line break is a name's byte), and spaces are looked for one
        // at a time (most often one, or none).
        let bytes = &self.bytes[..line.end];
        let spaces = |mut i: usize| {
            while bytes.get(i) == Some(&b' ') {
                i += 1;
            }
            i
        };
        // Where the text before the next var starts (the `{`, or the end of
        // the var before), and how many vars were read.
        let (mut from, mut var) = (at, 0);
        loop {
            // The text up to its value written as its model's (see
            // `VarModel`), or read byte by byte (and then kept as the model).
            let model = self.flow_models.get(var).copied();
            #[cfg(test)]
            let model = model.filter(|_| !NO_VAR_MODELS.with(Cell::get));
            let (i, colon, value, read) = match model {
                Some(model) if self.written_as(model, from, line.end) => {
                    #[cfg(test)]
                    VARS_BY_MODEL.with(|n| n.set(n.get() + 1));
                    let (colon, value) = model.colon_value(from);
                    (from + model.key as usize, colon, value, false)
                }
                _ => {
                    let i = match var {
                        0 => spaces(from + 1),
                        _ => {
                            let next = spaces(from);
                            match bytes.get(next) {
                                Some(b',') => spaces(next + 1),
                                Some(b'}') => return Some(next + 1),
                                _ => return None,
                            }
                        }
                    };
                    let colon = self.name_end(i)?;
                    if bytes.get(colon..colon + 2) != Some(b": ") || colon - i > MAX_KEY {
                        return None;
                    }
                    (i, colon, colon + 2, true)
                }
            };
            let at = spaces(value);
            let key = Span::new(i, colon);
            let pair = match bytes.get(at) {
                Some(b'!') => self.tagged_flow_value(line, at, key)?,
                _ => WrittenPair::plain(key, Span::new(at, self.name_end(at)?)),
            };
            if !items.push_written_var(pair) {
                return None;
            }
            if read {
                keep_model(&mut self.flow_models, var, VarModel::read(from, pair));
            }
            (from, var) = (pair.value.end as usize, var + 1);
        }
    }

    /// A var's value at `at` in a flow mapping of [`Parser::plain_flow_vars`]
    /// with a local tag (`!unsafe`, whose text is the tag the event parser
    /// gives: not `!!str`), then spaces and a name, or a quoted scalar on
    /// the line without escapes and tabs (`!unsafe 'x1'`): the var of `key`
    /// by its spans, its value's span from the tag on (as `tagged` places
    /// it), as the general way reads it, without the tag made a string.
    fn tagged_flow_value(&self, line: Line, at: usize, key: Span) -> Option<WrittenPair> {
        let (from, end) = self.tag_span(line, at)?;
        let value = self.skip_spaces(end, line.end);
        if from != at + 1 || value == end || value == line.end {
            return None;
        }
        let (style, value_end) = match self.bytes[value] {
            quote @ (b'\'' | b'"') => {
                let text = &self.bytes[value + 1..line.end];
                let close = memchr::memchr(quote, text)?;
                let odd = |b: &u8| matches!(b, b'\\' | b'\t' | b'\r' | b'\'' | b'"');
                if text[..close].iter().any(odd) || text.get(close + 1) == Some(&quote) {
                    return None;
                }
                let style = match quote {
                    b'\'' => Style::SingleQuoted,
                    _ => Style::DoubleQuoted,
                };
                (style, value + close + 2)
            }
            _ => (Style::Plain, self.name_at(line, value)?.end as usize),
        };
        Some(WrittenPair {
            key,
            value: Span::new(at, value_end),
            style,
            extra_len: u16::try_from(end - at).ok()?,
        })
    }

    /// [`Parser::host_entry`] of a host entry whose vars are `key: value`
    /// lines after the name's, keys of letters, digits and `._-` (not
    /// first) only, values such a word ending its line or a block scalar
    /// whose value is its text (`- web1:` then `zone: eu`, or `motd: |+`
    /// and its line), named at `name` (a plain scalar as written, not
    /// empty): read into `items` by their spans, without nodes, as the
    /// general way reads them. False, with nothing read, for anything else.
    fn written_block_entry(
        &mut self,
        line: Line,
        name: Span,
        column: usize,
        items: &mut SeqBuilder<'s>,
    ) -> bool {
        let from = items.written_from();
        let vars = self.written_block_vars(line.next, column, items);
        let read = vars.is_some_and(|(vars, next, ends)| {
            let ends = ends || self.entry_ends(next, column);
            let read = ends && items.push_written_entry(name, vars, from);
            if read {
                self.pos = next;
            }
            read
        });
        if !read {
            items.take_back_vars(from);
        }
        read
    }

    /// The vars of [`Parser::written_block_entry`] from the line at `from`
    /// on, more indented than `column`, added to `items` by their spans as
    /// read ([`SeqBuilder::push_written_var`]): their mapping's span and
    /// where the line after it starts (as [`Parser::block_vars`]), and
    /// whether that line is known to end their entry
    /// ([`Parser::entry_ends`], see [`Parser::entry_end`]).
    fn written_block_vars(
        &mut self,
        from: usize,
        column: usize,
        items: &mut SeqBuilder<'s>,
    ) -> Option<(Span, usize, bool)> {
        // The first var's line: its indent counted here when it starts
        // with a key (as `line_at` would count it), without finding its end,
        // or known without counting it when it is written as the first var
        // line's model up to its value (see `VarModel`).
        let model = (self.line_models.first().copied())
            .filter(|&model| self.written_as(model, from, self.bytes.len()));
        #[cfg(test)]
        let model = model.filter(|_| !NO_VAR_MODELS.with(Cell::get));
        let spaces = model.map_or_else(|| self.spaces(from), |model| model.key as usize);
        let (first, indent) = match self.bytes.get(from + spaces) {
            Some(&b) if is_word(b) => (from, spaces),
            _ => self.line_at(from).map(|line| (line.start, line.indent))?,
        };
        if indent <= column {
            return None;
        }
        // Where the vars are read from: at once by their models if the first
        // var line is written as its model (see `VarModel`), and on from
        // where they differ from them.
        let mut vars = match model {
            Some(_) => self.vars_as_models(from, indent, column, items)?,
            None => VarsAt::new(from, spaces, None, 0, Some(from)),
        };
        let start = first + indent;
        if vars.entry_ends {
            return Some((Span::new(start, vars.end? as usize), vars.next, true));
        }
        loop {
            let VarsAt { next, spaces, .. } = vars;
            if spaces == indent
                && let Some((pair, after, after_spaces)) = self.plain_var_line(next, indent)
            {
                if !items.push_written_var(pair) {
                    return None;
                }
                if let Some(before) = vars.before {
                    keep_model(
                        &mut self.line_models,
                        vars.var,
                        VarModel::read(before, pair),
                    );
                }
                let end = pair.value.end;
                vars = VarsAt::new(
                    after,
                    after_spaces,
                    Some(end),
                    vars.var + 1,
                    Some(end as usize),
                );
                continue;
            }
            let Some(line) = self.line_at(next) else {
                break;
            };
            if line.indent < indent {
                self.keep_entry_end(vars.end, line, column);
                break;
            }
            let at = line.start + indent;
            if line.indent > indent {
                return None;
            }
            let colon = self.name_key(line, at)?;
            let key = Span::new(at, colon);
            let value = self.skip_spaces(colon + 1, line.end);
            let mut on = line;
            let pair = match self.bytes[..line.end].get(value) {
                Some(b'|' | b'>') => {
                    let (node, after) = self.block_scalar(&mut on, value, indent)?;
                    let scalar = node.scalar()?;
                    let text = &self.src[node.span.start()..];
                    // Its value its text, borrowed from there.
                    let written = std::ptr::eq(scalar.value.as_ptr(), text.as_ptr());
                    if !written || !self.ends_line(on, after) {
                        return None;
                    }
                    WrittenPair {
                        key,
                        value: node.span,
                        style: scalar.style,
                        extra_len: u16::try_from(scalar.value.len()).ok()?,
                    }
                }
                _ => {
                    let value = self.name_at(line, value)?;
                    // A plain scalar the line after may go on with is left
                    // to the general way.
                    let end = value.end as usize;
                    if !self.ends_line(line, end) || self.goes_on(line, indent) {
                        return None;
                    }
                    WrittenPair::plain(key, value)
                }
            };
            if !items.push_written_var(pair) {
                return None;
            }
            let spaces = self.spaces(on.next);
            vars = VarsAt::new(on.next, spaces, Some(pair.value.end), vars.var + 1, None);
        }
        Some((Span::new(start, vars.end? as usize), vars.next, false))
    }

    /// Whether the text from `end`, where a host entry's vars end, is the
    /// same as the text [`Parser::entry_end`] was last read as, for an
    /// entry whose name is at `column`: the next entry's line's spaces if
    /// so. Then that line ends the vars and the entry (a line feed, then
    /// the next entry's `- `, no deeper than the name).
    #[inline]
    fn entry_end_at(&self, end: usize, column: usize) -> Option<usize> {
        #[cfg(test)]
        if NO_VAR_MODELS.with(Cell::get) {
            return None;
        }
        let (start, spaces) = self.entry_end?;
        let same = spaces <= column
            && end + spaces + 3 <= self.bytes.len()
            && same_bytes(self.bytes, start, end, spaces + 3);
        same.then_some(spaces)
    }

    /// Keeps the text from `end`, where a host entry's last var ends, to
    /// `line`, the line after it, as [`Parser::entry_end`], if it is a line
    /// feed, then the next entry's `- ` at most at `column`, the entry's
    /// name's (where [`Parser::entry_ends`] finds the entry ends).
    fn keep_entry_end(&mut self, end: Option<u32>, line: Line, column: usize) {
        let Some(end) = end.map(|end| end as usize) else {
            return;
        };
        let dash = line.start + line.indent;
        let next_entry = self.bytes.get(dash..dash + 2) == Some(b"- ");
        if line.start == end + 1 && self.bytes[end] == b'\n' && next_entry && line.indent <= column
        {
            self.entry_end = Some((end, line.indent));
        }
    }

    /// The vars of [`Parser::written_block_vars`] from the line at `from`,
    /// written as its model, to the first that is not (see [`VarModel`]):
    /// each var as many bytes after where its text starts as its model's,
    /// the text from its value's end to the next var's value compared with
    /// the next model at once (the line feed, the next line's indent and
    /// its key), added to `items` by their spans as
    /// [`Parser::plain_var_line`] reads them; and where the general loop
    /// goes on, where that would have read the next line: after the last
    /// var whose line ends as `plain_var_line` takes it, or at the line of
    /// the first var read no further (then read the general way).
    fn vars_as_models(
        &self,
        from: usize,
        indent: usize,
        column: usize,
        items: &mut SeqBuilder<'s>,
    ) -> Option<VarsAt> {
        let (bytes, models) = (self.bytes, &self.line_models[..]);
        // Where the text of the var at `var` starts, written as its model's;
        // where the value before ends.
        let (mut at, mut var, mut end) = (from, 0, None);
        loop {
            let model = models[var];
            let (colon, value) = model.colon_value(at);
            let key = at + model.key as usize;
            let value = self.skip_spaces(value, bytes.len());
            // A value that is no name: its line read the general way.
            let Some(value_end) = self.name_end(value) else {
                return Some(VarsAt::new(key - indent, indent, end, var, Some(at)));
            };
            let pair = WrittenPair::plain(Span::new(key, colon), Span::new(value, value_end));
            if !items.push_written_var(pair) {
                return None;
            }
            #[cfg(test)]
            VARS_BY_MODEL.with(|n| n.set(n.get() + 1));
            match models.get(var + 1) {
                Some(&next)
                    if next.key as usize == indent + 1
                        && self.written_as(next, value_end, bytes.len()) =>
                {
                    (at, var, end) = (value_end, var + 1, Some(pair.value.end));
                }
                _ => {
                    let read = Some(pair.value.end);
                    // The entry's end written as where it was last read (no
                    // deeper than the name, so less than the vars).
                    if let Some(spaces) = self.entry_end_at(value_end, column) {
                        let mut vars = VarsAt::new(value_end + 1, spaces, read, var + 1, None);
                        vars.entry_ends = true;
                        return Some(vars);
                    }
                    if let Some((next, spaces)) = self.var_line_end(value_end, indent) {
                        return Some(VarsAt::new(next, spaces, read, var + 1, Some(value_end)));
                    }
                    // A line `plain_var_line` does not take: read the general way.
                    items.take_back_vars(items.written_from() - 1);
                    return Some(VarsAt::new(key - indent, indent, end, var, None));
                }
            }
        }
    }

    /// The usual var line of [`Parser::written_block_vars`] at `start`, which
    /// starts with `indent` spaces (counted by the caller), read in one pass:
    /// a key that is a name, `: `, spaces, a value that is a name, then at
    /// once a line feed (no CR, blanks or comment), and a next line that no
    /// plain scalar goes on over (see [`Parser::var_line_end`]). The var,
    /// where the next line starts and how many spaces it starts with, as
    /// the general loop reads the line; `None` for any other line, which
    /// the general loop then reads.
    #[inline]
    fn plain_var_line(&self, start: usize, indent: usize) -> Option<(WrittenPair, usize, usize)> {
        let bytes = self.bytes;
        let at = start + indent;
        let colon = self.name_end(at)?;
        if bytes.get(colon..colon + 2) != Some(b": ") || colon - at > MAX_KEY {
            return None;
        }
        let value = self.skip_spaces(colon + 2, bytes.len());
        let end = self.name_end(value)?;
        let (next, spaces) = self.var_line_end(end, indent)?;
        Some((
            WrittenPair::plain(Span::new(at, colon), Span::new(value, end)),
            next,
            spaces,
        ))
    }

    /// After a var line's value that ends at `end`, as
    /// [`Parser::plain_var_line`] takes it: a line feed at once, and a next
    /// line that no plain scalar goes on over (see [`Parser::goes_on`]):
    /// where that line starts and how many spaces it starts with.
    #[inline]
    fn var_line_end(&self, end: usize, indent: usize) -> Option<(usize, usize)> {
        let bytes = self.bytes;
        if bytes.get(end) != Some(&b'\n') {
            return None;
        }
        let next = end + 1;
        let spaces = self.spaces(next);
        let goes_on = next < bytes.len()
            && (spaces > indent
                || matches!(bytes.get(next + spaces), None | Some(b'\n' | b'\r' | b'\t')));
        (!goes_on).then_some((next, spaces))
    }

    /// Where the name at `at` ends (see [`Parser::name_at`]), if one starts
    /// there; not bounded by a line, as it ends at a line break.
    #[inline]
    fn name_end(&self, at: usize) -> Option<usize> {
        let name = self.bytes.get(at..)?;
        if !is_word(*name.first()?) {
            return None;
        }
        let length = name.iter().position(|&b| !NAME_BYTES[usize::from(b)]);
        Some(at + length.unwrap_or(name.len()))
    }

    /// Whether the text at `at` is the same as `model`'s from its start to
    /// its value (see [`VarModel`]), and ends before `end`.
    #[inline]
    fn written_as(&self, model: VarModel, at: usize, end: usize) -> bool {
        let len = model.value as usize;
        at + len <= end && same_bytes(self.bytes, model.start, at, len)
    }

    /// How many spaces there are from `at` on, eight at a time (an
    /// indentation).
    #[inline]
    fn spaces(&self, at: usize) -> usize {
        let mut n = 0;
        while let Some(chunk) = self.bytes.get(at + n..at + n + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            let other = word ^ u64::from_le_bytes([b' '; 8]);
            if other != 0 {
                return n + (other.trailing_zeros() / 8) as usize;
            }
            n += 8;
        }
        let rest = self.bytes.get(at + n..).unwrap_or_default();
        n + rest.iter().take_while(|&&b| b == b' ').count()
    }

    /// The name at `at` in `line`: a run of letters, digits and `._-`,
    /// not starting with `.` or `-`.
    #[inline]
    fn name_at(&self, line: Line, at: usize) -> Option<Span> {
        let name = self.bytes.get(at..line.end)?;
        let first = *name.first()?;
        if !(first.is_ascii_alphanumeric() || first == b'_') {
            return None;
        }
        let length = name
            .iter()
            .take_while(|&&b| NAME_BYTES[usize::from(b)])
            .count();
        Some(Span::new(at, at + length))
    }

    /// Where the `:` is after a key at `at` that is a name (see
    /// [`Parser::name_at`]) followed by `:` and a space or the line's end.
    #[inline]
    fn name_key(&self, line: Line, at: usize) -> Option<usize> {
        let colon = self.name_at(line, at)?.end as usize;
        let after = self.bytes.get(colon..line.end)?;
        let key_ends = matches!(after, [b':'] | [b':', b' ', ..]);
        (key_ends && colon - at <= MAX_KEY).then_some(colon)
    }

    /// The `k: v` lines of one-line values (or block scalars), more indented than `column`,
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
            let mut on = line;
            let (value, after) = match self.bytes[at] {
                b'[' | b'{' => self.flow(&mut on, at, depth + 1, indent)?,
                // Borrowed where it can be: the compact entry then keeps it
                // by its span, as a plain value.
                b'|' | b'>' => self.block_scalar(&mut on, at, indent)?,
                _ => self.scalar(&mut on, at, indent)?,
            };
            // One-line values, or a literal or folded block scalar (kept by
            // its span in the compact entry, or as its node).
            let block = matches!(&value.kind, Kind::Scalar(s) if matches!(s.style, Style::Literal | Style::Folded));
            if on.start != line.start && !block {
                return None;
            }
            let plain = matches!(&value.kind, Kind::Scalar(s) if s.style == Style::Plain);
            if plain && after < on.end && self.bytes[after] == b':' || !self.ends_line(on, after) {
                return None;
            }
            pairs.push((key, value));
            next = on.next;
        }
        let start = first.start + indent;
        let end = pairs.last()?.1.span.end as usize;
        Some((Span::new(start, end), next))
    }

    /// Whether only spaces, then the line's end or a comment, follow `after`
    /// (as [`Parser::end_of_value`], without reading the line).
    fn ends_line(&self, line: Line, after: usize) -> bool {
        let at = self.skip_blanks(after, line.end);
        let ends = at == line.end || self.bytes[at] == b'#' && at > after;
        if ends {
            self.take_tabs(after, line.end);
        }
        ends
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
        // Nothing before that the line could go on: blank to the event parser.
        self.skip_tab_blanks(ROOT);
        match self.next_line() {
            Some(next) if next.indent > indent => {
                // A scalar or flow collection on the lines after its key or
                // `-` (a comma string over many lines, a host list), not a
                // key: its lines go on past `indent`.
                let at = next.start + next.indent;
                let flow = matches!(self.bytes[at], b'[' | b'{');
                if self.starts_scalar(next, at) || flow {
                    if flow && self.after_entry_line(missing_at) {
                        self.own_line.set(Some(at));
                    }
                    let mut line = next;
                    let read = self.scalar(&mut line, at, indent);
                    self.own_line.set(None);
                    let (node, after) = read?;
                    let colon = self.skip_spaces(after, line.end);
                    if line.start != next.start || colon == line.end || self.bytes[colon] != b':' {
                        self.end_of_value(line, after)?;
                        return Some(node);
                    }
                }
                self.block(next)
            }
            Some(next)
                if same_indent_seq
                    && next.indent == indent
                    && self.is_entry(next, next.start + indent) =>
            {
                self.depth += 1;
                let seq = self.seq(indent, None);
                self.depth -= 1;
                // A sequence at its key's indent starts, as the event parser
                // places it, after its first `-` and the blanks after it (at
                // the line's end, if only a comment follows).
                let at = self.skip_blanks(next.start + indent + 1, next.end);
                let start = match at < next.end && self.bytes[at] != b'#' {
                    true => at,
                    false => next.end,
                };
                seq.map(|mut seq| {
                    seq.span.start = start as u32;
                    seq.span.end = seq.span.end.max(seq.span.start);
                    seq
                })
            }
            _ => Some(self.missing(missing_at)),
        }
    }

    /// Whether `missing_at`, where [`Parser::nested`] places an empty value,
    /// is the `:` of the key that starts the line of the entry being read
    /// of the innermost block collection, or just after its `-`: the value
    /// on the next lines is that entry's (see [`Parser::own_line`]).
    fn after_entry_line(&self, missing_at: usize) -> bool {
        let Some(Frame {
            entry: Some(entry),
            open,
            ..
        }) = self.frames.last().copied()
        else {
            return false;
        };
        let Some(line) = self.raw_line(entry) else {
            return false;
        };
        let dash = line.start + open.column;
        let own = match open.seq {
            true => missing_at == dash + 1 && self.bytes[dash] == b'-',
            false => {
                (dash..line.end).contains(&missing_at)
                    && self.bytes[missing_at] == b':'
                    && !matches!(self.bytes[dash], b'?' | b':')
            }
        };
        line.indent == open.column && own
    }

    /// A node starting at `at`, inside `line`, after a sequence entry's `- `
    /// at `indent`: a scalar, or a mapping whose first key is here.
    fn inline(&mut self, first: Line, at: usize, indent: usize) -> Option<Node<'s>> {
        if self.bytes[at] == b'?' {
            // An explicit key (`- ? k`): a mapping.
            self.depth += 1;
            let map = self.map(at - first.start, Some((first, at)));
            self.depth -= 1;
            return map;
        }
        let mut line = first;
        let (scalar, after) = self.scalar(&mut line, at, indent)?;
        let next = self.skip_spaces(after, line.end);
        if next < line.end && self.bytes[next] == b':' {
            if line.start != first.start {
                return None; // a key over several lines
            }
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
        let frame = self.open(false, indent);
        loop {
            let (line, at) = match first.take() {
                Some(first) => first,
                None => match self.next_line() {
                    Some(line) if self.tab_led(line) && self.skip_tab_blanks(indent) => continue,
                    Some(line) if line.indent > indent || self.tab_led(line) => {
                        return self.stuck(frame, line);
                    }
                    Some(line) if line.indent < indent => break,
                    // `...` (a document end marker) or a key this reader
                    // leaves: see `document`.
                    Some(line) if line.indent == 0 && self.bytes[line.start] == b'.' => break,
                    Some(line) if self.is_entry(line, line.start + indent) => break,
                    Some(line) => (line, line.start + indent),
                    None => break,
                },
            };
            self.entry_starts(frame, line, at);
            let (depth, handed) = (self.depth, self.handed);
            match self.map_entry(line, at, indent) {
                Some(entry) => entries.push(entry),
                // A key that starts after `- `: the sequence entry is handed over.
                None if at != line.start + line.indent => return None,
                None => {
                    self.depth = depth;
                    entries.extend(self.hand_over(frame, line, indent, None)?);
                }
            }
            self.entry_read(frame, handed);
        }
        self.keep_root(frame);
        let end = entries
            .last()
            .map_or(start, |(_, value): &(Node, Node)| value.span.end as usize);
        Some(Node {
            span: Span::new(start, end.max(start)),
            kind: Kind::map(entries),
        })
    }

    /// One entry of a block mapping whose keys are at `indent`: the key at
    /// `at` in `line`, and its value.
    fn map_entry(&mut self, line: Line, at: usize, indent: usize) -> Option<(Node<'s>, Node<'s>)> {
        if self.bytes[at] == b'?' {
            return self.explicit_entry(line, at, indent);
        }
        let (key, colon) = self.key(line, at)?;
        let at = self.skip_spaces(colon + 1, line.end);
        let value = if at == line.end || self.bytes[at] == b'#' {
            self.take_tabs(at, line.end);
            self.finish(line);
            self.nested(indent, true, colon)?
        } else if matches!(self.bytes[at], b'&' | b'*') {
            self.anchored(line, at, indent, true)?
        } else if let Some(node) = self.tagged_block(line, at, indent) {
            node?
        } else {
            self.value_on_line(line, at, indent)?
        };
        Some((key, value))
    }

    /// The value of a mapping entry that starts at `at` in `line` after its
    /// `:`: a scalar or flow collection ending its line (over lines too).
    /// Not taken: a plain scalar followed by `:` (`a: b: c`).
    fn value_on_line(&mut self, line: Line, at: usize, indent: usize) -> Option<Node<'s>> {
        let mut on = line;
        let (value, after) = self.scalar(&mut on, at, indent)?;
        let plain = matches!(&value.kind, Kind::Scalar(s) if s.style == Style::Plain);
        if plain && after < on.end && self.bytes[after] == b':' {
            return None;
        }
        self.end_of_value(on, after)?;
        Some(value)
    }

    /// An entry of a block mapping whose keys are at `indent`, with an
    /// explicit key at `at` in `line`: `? k`, a one-line scalar ending its
    /// line, then on the next line with content, at `indent`, `:` and the
    /// value (a scalar or flow collection on that line, or a block on the
    /// lines after it). Not taken: a key that is no such scalar, no `:`
    /// line (an empty value, placed by what follows), a value with
    /// properties or a compact sequence (`: - a`).
    fn explicit_entry(
        &mut self,
        line: Line,
        at: usize,
        indent: usize,
    ) -> Option<(Node<'s>, Node<'s>)> {
        // `?` then a space: a tab there libyaml refuses.
        let key_at = self.skip_spaces(at + 1, line.end);
        if key_at == at + 1 || key_at == line.end || !self.starts_scalar(line, key_at) {
            return None;
        }
        let mut on = line;
        let (key, after) = self.scalar(&mut on, key_at, indent)?;
        let plain = matches!(&key.kind, Kind::Scalar(s) if s.style == Style::Plain);
        let colon_after = after < line.end && self.bytes[after] == b':';
        if on.start != line.start || plain && colon_after || !self.ends_line(line, after) {
            return None; // a key over lines, or a mapping (`? k: v`)
        }
        let next = self.line_after(line.next)?;
        let colon = next.start + indent;
        let value_line = next.indent == indent
            && self.bytes[colon] == b':'
            && (colon + 1 == next.end || self.bytes[colon + 1] == b' ');
        if !value_line {
            return None;
        }
        let at = self.skip_spaces(colon + 1, next.end);
        let value = if at == next.end || self.bytes[at] == b'#' {
            self.take_tabs(at, next.end);
            self.finish(next);
            self.nested(indent, true, colon)?
        } else if !matches!(self.bytes[at], b'[' | b'{' | b'|' | b'>')
            && !self.starts_scalar(next, at)
        {
            return None;
        } else {
            self.value_on_line(next, at, indent)?
        };
        Some((key, value))
    }

    /// Hands the entry of a block collection whose first line is `line` (a
    /// sequence's `-`, or a mapping's key, at `indent`), which this reader
    /// gave up on, to the event parser; with `rest`, that entry and the rest
    /// of the collection. The region handed over is its lines, from the
    /// line's start (so that columns stay the same), up to the next line with
    /// content at `indent` or less (for a mapping, but a `-` there, which
    /// goes on with a sequence value at the key's indent; with `rest`, up to
    /// a line at less than `indent`, or at it and not a `-` of a sequence).
    /// Its items, or its keys and values in turn, with the spans they have in
    /// the whole file; reading goes on after them.
    ///
    /// `None`, and the whole file goes to the event parser, wherever the
    /// result could differ from reading the whole file: a tab in a line's
    /// indentation, an anchor or alias in the region, a collection that is
    /// not one block collection at `line`'s indent, or an error. An earlier
    /// hand-over that failed is not tried again by an enclosing collection.
    fn hand_over(
        &mut self,
        frame: usize,
        line: Line,
        indent: usize,
        items: Option<&mut SeqBuilder<'s>>,
    ) -> Option<Vec<(Node<'s>, Node<'s>)>> {
        let seq = items.is_some();
        self.frames.truncate(frame + 1);
        // A collection around this one whose entries needed hand-overs
        // often (8 times, and one entry in four): it hands over the rest of
        // itself (one parser for many entries, rather than one for each
        // entry inside them).
        let often = |f: &Frame| f.handed >= HAND_OVER_REST_AFTER && f.handed * 4 >= f.entries;
        if self.no_hand_over || self.frames[..frame].iter().any(often) {
            return None;
        }
        let rest = often(&self.frames[frame]);
        // Not tried again by the collections around this one.
        self.no_hand_over = true;
        let first = line.start + indent;
        // An explicit value (`: v` after `? k`) belongs to the key before it.
        let value = |at: usize| {
            self.bytes[at] == b':'
                && matches!(
                    self.bytes.get(at + 1),
                    None | Some(b' ' | b'\t' | b'\r' | b'\n')
                )
        };
        // A tab at the entry's start: its indentation is not known by spaces.
        if value(first) || self.bytes[first] == b'\t' {
            return None;
        }
        let (mut end, mut last, mut after) = (self.bytes.len(), line.next, 0);
        let mut row = line;
        let mut tab = false;
        while let Some(next) = self.raw_line(row.next) {
            row = next;
            let at = next.start + next.indent;
            if at == next.end {
                continue; // blank
            }
            // Spaces, then a tab: the indentation is not known by spaces
            // (the entry is taken to go on, for where an error is looked for),
            // but on a line of blanks and maybe a comment after the tab,
            // which the event parser reads as blank (or, before the
            // column of a plain scalar that goes on after it, skips).
            tab |= self.bytes[at] == b'\t' && !self.tab_blank(next);
            if matches!(self.bytes[at], b'#' | b'\t') {
                continue;
            }
            let stops = match next.indent.cmp(&indent) {
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Equal if value(at) => false,
                std::cmp::Ordering::Equal => {
                    let entry = self.is_entry(next, at);
                    match (seq, rest) {
                        (true, false) => true,
                        (true, true) => !entry,
                        (false, _) => !entry,
                    }
                }
                std::cmp::Ordering::Greater => false,
            };
            if stops {
                (end, after) = (next.start, next.indent);
                break;
            }
            last = next.next;
        }
        let max_depth = crate::tree::MAX_DEPTH.checked_sub(self.depth + 2);
        let Some(max_depth) = max_depth.filter(|_| !tab) else {
            return self.failed(frame, line, end);
        };
        if self.search_before_hand_over(line.start, end) {
            return None;
        }
        let at = crate::tree::RegionAt {
            start: line.start,
            end,
            first,
            indent: after,
            max_depth,
        };
        let recorded = self.recorded.clone();
        let mut recorded = recorded.as_ref().map(|r| r.borrow_mut());
        let record = recorded.as_deref_mut();
        let mut none = SeqBuilder::new(self.src);
        let entries = match (
            crate::tree::parse_region(self.src, at, items.unwrap_or(&mut none), record),
            seq,
        ) {
            (Some(crate::tree::Region::Seq(count)), true) if rest || count == 1 => Vec::new(),
            (Some(crate::tree::Region::Map(entries)), false) if rest || entries.len() == 1 => {
                entries
            }
            _ => {
                drop(recorded);
                return self.failed(frame, line, end);
            }
        };
        // The event parser took every tab in the region as the whole file's
        // reading would.
        self.take_tabs(line.start, end);
        self.pos = last;
        self.no_hand_over = false;
        self.handed += 1;
        // Where this reader gave up inside the region (on what it leaves
        // to the event parser, `[a,` then `-1]`), or before it in the
        // entry, nothing is to be looked for: the event parser read the
        // region as in the whole file, and an error after it is looked for
        // where this reader gives up next.
        self.search.borrow_mut().clear();
        Some(entries)
    }

    /// Before a hand-over of the region from `start` to `end` of more than
    /// [`SEARCH_BEFORE_HAND_OVER`] bytes, where this reader gave up inside
    /// it and kept where to look for an error, each place up to a place in
    /// the region (see [`Search`]): looks there at once, the place furthest
    /// in first, reading a line or an entry rather than the region. Whether
    /// an error was found, kept in
    /// `found`: it is the whole file's (this reader read all before it as
    /// the event parser does), and the region is not handed over (a 1M-host
    /// flow list with an unclosed quote in its last host: 0.2 s rather
    /// than 1 s). Else those places are dropped, as a hand-over that reads
    /// the region drops them, and the hand-over goes on: the error, if any,
    /// is after it, looked for where this reader gives up next.
    fn search_before_hand_over(&mut self, start: usize, end: usize) -> bool {
        let big = end - start > SEARCH_BEFORE_HAND_OVER;
        let inside = |at: &Search| start <= at.from && at.stop <= end;
        let kept = self.search.get_mut();
        if !big || kept.is_empty() || !kept.iter().all(inside) {
            return false;
        }
        let kept = self.search.take();
        self.found = (kept.into_iter())
            .filter(|at| self.reads_as_before(at))
            .find_map(|at| self.first_error(at));
        self.found.is_some()
    }

    /// Whether the event parser read all before `at` without an error,
    /// as this reader did: unless a tab comes before it right after
    /// indicators alone on its line (`?`, `- ?`), which this reader may have taken where
    /// the event parser refuses it (`?` then a tab and a comment, found by
    /// the property test
    /// `host_entries_written_alike_read_as_the_event_parser_reads_them`).
    /// Only then is the error found reading from `at` the whole file's;
    /// else the event parser reads the whole file.
    fn reads_as_before(&self, at: &Search) -> bool {
        if !self.tabs {
            return true;
        }
        let before = &self.bytes[..at.from];
        !memchr::memchr_iter(b'\t', before).any(|tab| {
            let line = memchr::memrchr2(b'\n', b'\r', &before[..tab]).map_or(0, |i| i + 1);
            // Indicators alone, one or several (`? \t`, `- ? \t`: found by
            // fuzzing).
            let text = self.src[line..tab].trim_matches(' ');
            !text.is_empty()
                && (text.split(' ').filter(|w| !w.is_empty())).all(|w| matches!(w, "?" | "-" | ":"))
        })
    }

    /// A hand-over of the entry of the collection at `frame` that starts in
    /// `line` failed (see [`Parser::hand_over`]): the error, if any, is
    /// looked for from that line (`None`, as this reader gives up there).
    fn failed<T>(&mut self, frame: usize, line: Line, stop: usize) -> Option<T> {
        let Frame { entries, prev, .. } = self.frames[frame];
        self.find_error_from(&self.frames, frame, (line, entries, [prev, None]), stop);
        None
    }

    /// A new collection (a sequence or mapping whose entries are at
    /// `column`) and its count of entries that needed a hand-over (see
    /// [`Parser::hand_over`]): its index in `frames`.
    fn open(&mut self, seq: bool, column: usize) -> usize {
        self.frames.push(Frame {
            entries: 0,
            handed: 0,
            open: Open { seq, column },
            entry: None,
            prev: None,
        });
        self.frames.len() - 1
    }

    /// An entry of the collection at `frame` starts in `line`, at `at`.
    fn entry_starts(&mut self, frame: usize, line: Line, at: usize) {
        let frame = &mut self.frames[frame];
        frame.prev = frame.entry;
        frame.entry = (at == line.start + line.indent).then_some(line.start);
    }

    /// After an entry of the collection at `frame` was read: counts it if a
    /// hand-over (`handed` was the count before it) was needed in it.
    fn entry_read(&mut self, frame: usize, handed: usize) {
        self.frames.truncate(frame + 1);
        let frame = &mut self.frames[frame];
        frame.entries += 1;
        frame.handed += usize::from(self.handed != handed);
    }

    /// Whether `line`'s first character (after spaces) is a tab: its
    /// indentation is not known by spaces.
    fn tab_led(&self, line: Line) -> bool {
        self.tabs && self.bytes.get(line.start + line.indent) == Some(&b'\t')
    }

    /// Where the entry that goes on after `line` ends, for a block whose
    /// entries are at `indent`: the start of the next line with content
    /// at `indent` or less (a tab after spaces there not counted as
    /// indentation), or the source's end.
    fn entry_end(&self, line: Line, indent: usize) -> usize {
        let mut next = line.next;
        while let Some(row) = self.raw_line(next) {
            let at = row.start + row.indent;
            if at < row.end && !matches!(self.bytes[at], b'#' | b'\t') && row.indent <= indent {
                return row.start;
            }
            next = row.next;
        }
        self.bytes.len()
    }

    /// For [`read_or_error`], where this reader gives up: the error the
    /// event parser finds reading from `from`, a line that starts an entry
    /// of the collection `frames[frame]` or follows its last (`before`
    /// entries of it come before that line, the last two of them starting
    /// at `previous`, the latest first, where known), after the collections
    /// open there, up to
    /// `stop`: the whole file's (see [`crate::tree::first_error`]). Kept
    /// until this reader gives up for good, and looked for then, once (see
    /// [`Search`]).
    ///
    /// Where the line before `from` may end with a value not read yet (an
    /// empty one: `-` or `key:` ending it), which the skeleton has not, it
    /// reads from the entry that line is in instead: the entry before (at
    /// `previous`, or further back the line before if it starts one, over
    /// the lines of an entry over lines), or for a collection's first
    /// entry, the entry of the collection around that holds it; this reader
    /// took each whole, as the event parser reads it. Inside an anchored
    /// node being read that starts before `from`, it reads from the entry
    /// holding that node (see [`Parser::anchored_from`]).
    fn find_error_from(
        &self,
        frames: &[Frame],
        mut frame: usize,
        (mut from, mut before, mut previous): (Line, usize, [Option<usize>; 2]),
        stop: usize,
    ) {
        if !self.searching() {
            return;
        }
        // `frame`'s entry at `from` holds no anchored node being read that
        // starts before it: only an outer collection's entry can.
        let Some((at, start)) = self.anchored_from(frames, frame, (from, before, previous)) else {
            return;
        };
        if start.0.start != from.start {
            (frame, (from, before, previous)) = (at, start);
        }
        while self.pending_before(from.start) {
            let start = match before {
                0 => loop {
                    // The collection's first entry: the one around it
                    // (whose entry holding it is not counted yet).
                    let Some(around) = frame.checked_sub(1) else {
                        return;
                    };
                    frame = around;
                    let Frame {
                        entries,
                        entry,
                        prev,
                        ..
                    } = frames[frame];
                    (before, previous) = (entries, [prev, None]);
                    if let Some(entry) = entry {
                        break entry;
                    }
                },
                _ => {
                    let open = frames[frame].open;
                    let known = previous[0];
                    previous = [previous[1].filter(|_| known.is_some()), None];
                    let Some(start) = known.or_else(|| self.entry_before(open, from)) else {
                        return;
                    };
                    before -= 1;
                    start
                }
            };
            let Some(line) = self.raw_line(start) else {
                return;
            };
            from = line;
        }
        let open: Vec<Open> = frames[..=frame].iter().map(|f| f.open).collect();
        self.find_error_in(&open, before > 0, (&[], false, None), from, stop);
    }

    /// Whether an error is still to be looked for (see [`read_or_error`]),
    /// and can be.
    fn searching(&self) -> bool {
        self.find_error && !self.lenient.get()
    }

    /// Where an error is looked for instead of a line at `from` inside an
    /// anchored node being read that starts before it (see
    /// [`Parser::anchoring`]): the entry of the innermost collection of
    /// `frames[..below]` being read that starts a line at or before that
    /// node's anchor (the entry holds the anchored node, which the event
    /// parser then reads whole, anchor and all), as the collection's index,
    /// that line, the entries before it and the one before those. `Some`
    /// with nothing changed if no such node starts before `from`; `None`
    /// where no such entry is known.
    #[allow(clippy::type_complexity)] // `find_error_from`'s `from`, given back
    fn anchored_from(
        &self,
        frames: &[Frame],
        below: usize,
        from: (Line, usize, [Option<usize>; 2]),
    ) -> Option<(usize, (Line, usize, [Option<usize>; 2]))> {
        let Some(&anchor) = self.anchoring.iter().min().filter(|&&a| a < from.0.start) else {
            return Some((below, from));
        };
        let k = (0..below)
            .rev()
            .find(|&k| frames[k].entry.is_some_and(|e| e <= anchor))?;
        let Frame {
            entries,
            entry,
            prev,
            ..
        } = frames[k];
        // The entry being read there, not counted yet.
        Some((k, (self.raw_line(entry?)?, entries, [prev, None])))
    }

    /// Where the entry of a block collection whose entries are at `open`
    /// that comes before the one at `from` starts, when the last line with
    /// content before `from` that is indented no more than that column
    /// starts it: a line at that column (a sequence's `-`; a mapping's key,
    /// not a `-` of a sequence that is a key's value nor an explicit `?` or
    /// `:`), as the lines of an entry after its first are indented more (an
    /// entry over lines, whose last may end with an empty value: `- web:`
    /// then `zone:`). This reader read them all, as the event parser does,
    /// which refuses a line of a quoted scalar or flow collection indented
    /// no more than the block (the closing bracket it refuses there is
    /// [`Parser::lenient`]).
    fn entry_before(&self, open: Open, from: Line) -> Option<usize> {
        let mut end = from.start;
        let line = loop {
            let start = self.src[..end.checked_sub(1)?]
                .rfind(['\n', '\r'])
                .map_or(crate::tree::bom_len(self.src), |i| i + 1);
            let line = self.raw_line(start)?;
            let at = line.start + line.indent;
            let blank = at == line.end || self.bytes[at] == b'#' || self.tab_blank(line);
            if !blank && line.indent <= open.column {
                break line;
            }
            end = start;
        };
        let at = line.start + line.indent;
        let first = self.bytes[at];
        let entry = match open.seq {
            true => self.is_entry(line, at),
            false => !self.is_entry(line, at) && !matches!(first, b'?' | b':' | b'\t'),
        };
        (line.indent == open.column && entry).then_some(line.start)
    }

    /// [`Parser::find_error_from`] at `from` itself, inside the flow
    /// collections `flows` (`plain`: after a plain scalar in them; the
    /// column the first opens at if on the line after its entry's; see
    /// [`crate::tree::Resume`]).
    fn find_error_in(
        &self,
        open: &[Open],
        more: bool,
        flows: (&[crate::tree::FlowOpen], bool, Option<usize>),
        from: Line,
        stop: usize,
    ) {
        if !self.searching() || self.tab_led(from) || self.pending_before(from.start) {
            return;
        }
        self.search(open, more, flows, None, from.start, stop);
    }

    /// Keeps where the event parser is to read from `from` (see
    /// [`Search`] and [`crate::tree::Resume`]), after the places kept
    /// further in, unless the last kept is further back already (which
    /// reads past `from` too); instead of it if it is at `from`.
    fn search(
        &self,
        open: &[Open],
        more: bool,
        (flows, plain, flow_column): (&[crate::tree::FlowOpen], bool, Option<usize>),
        closed: Option<crate::tree::Closed>,
        from: usize,
        stop: usize,
    ) {
        let mut kept = self.search.borrow_mut();
        match kept.last() {
            Some(last) if last.from < from => return,
            Some(last) if last.from == from => drop(kept.pop()),
            _ => {}
        }
        kept.push(Search {
            open: open.to_vec(),
            more,
            flows: flows.to_vec(),
            plain,
            flow_column,
            closed,
            from,
            stop,
            anchors: self.anchors_at.len(),
            aliases: self.aliases_at.len(),
        });
    }

    /// The error the event parser finds reading from `at.from` on, after
    /// the anchors and aliases read before it (see
    /// [`crate::tree::first_error`]).
    fn first_error(&self, at: Search) -> Option<SyntaxError> {
        let from = at.from;
        let anchors: Vec<(&str, usize)> = (self.anchors_at[..at.anchors].iter())
            .filter(|&&(at, ..)| at < from)
            .map(|&(_, name, size)| (name, size))
            .collect();
        let aliased = (self.aliases_at[..at.aliases].iter())
            .filter(|&&(at, _)| at < from)
            .map(|&(_, size)| size)
            .sum();
        let resume = crate::tree::Resume {
            explicit: self.explicit,
            open: &at.open,
            more: at.more,
            flows: &at.flows,
            plain: at.plain,
            flow_column: at.flow_column,
            anchors: &anchors,
            aliased,
            closed: at.closed,
            from,
            stop: at.stop,
        };
        crate::tree::first_error(self.src, resume)
    }

    /// Whether the last line with content before the line at `start` may
    /// end with a value the event parser has not read yet: a missing value
    /// (`-`, `key:`, `? k` or an anchor or tag with nothing after it, which
    /// it reads as empty at the next token, or refuses what comes there).
    /// The skeleton of [`crate::tree::first_error`] has no such value. Told
    /// from the text, with a comment cut at each place one may start (a `#`
    /// after a blank, maybe inside quotes), so that no such line is missed.
    fn pending_before(&self, start: usize) -> bool {
        let (mut end, bom) = (start, crate::tree::bom_len(self.src));
        let line = loop {
            if end <= bom {
                return false;
            }
            let line_start = self.src[..end - 1]
                .rfind(['\n', '\r'])
                .map_or(bom, |i| i + 1);
            let text = self.src[line_start..end].trim_matches([' ', '\t', '\r', '\n']);
            if !text.is_empty() && !text.starts_with('#') {
                break text;
            }
            end = line_start;
        };
        let pending = |body: &str| {
            let last = body
                .trim_end_matches([' ', '\t'])
                .rsplit([' ', '\t'])
                .next();
            last.is_some_and(|w| {
                w.ends_with(':') || w == "-" || w == "?" || w.starts_with(['&', '!'])
            })
        };
        pending(line)
            || (line.match_indices('#'))
                .any(|(i, _)| line[..i].ends_with([' ', '\t']) && pending(&line[..i]))
    }

    /// Notes that it read something the event parser (YAML 1.2) refuses and
    /// serde_yaml, like PyYAML and so ansible-core, reads (a flow
    /// collection's closing bracket at its block's column, `[web -, x]`):
    /// where this reader then gives up, the whole file goes to the event
    /// parser, whose error is there. True.
    fn lenient(&self) -> bool {
        self.lenient.set(true);
        true
    }

    /// The collections open at the collection of `frame` (included).
    fn opened(&self, frame: usize) -> Vec<Open> {
        self.frames[..=frame].iter().map(|f| f.open).collect()
    }

    /// `line`, after an entry of the collection at `frame`, is one this
    /// reader leaves: a tab before its first character, or more indented
    /// than the collection's entries. The error, if any, is looked for from
    /// the start of that entry (`None`, as this reader gives up there).
    fn stuck(&mut self, frame: usize, line: Line) -> Option<Node<'s>> {
        let Frame {
            entries,
            open,
            entry,
            prev,
            ..
        } = self.frames[frame];
        if let Some(from) = entry.and_then(|entry| self.raw_line(entry)) {
            let stop = self.entry_end(line, open.column);
            self.find_error_from(&self.frames, frame, (from, entries - 1, [prev, None]), stop);
        }
        None
    }

    /// `line` follows the document's root (a block collection with entries,
    /// as `root` tells, or anything else, `flow`): a second document, a document end
    /// marker with more after it, a line less indented than the root. The
    /// error, if any, is looked for from that line on.
    fn after_root(&mut self, flow: bool, line: Line) -> Option<Node<'s>> {
        if let (false, Some(root)) = (flow, self.root_frame) {
            let Frame {
                entries,
                entry,
                prev,
                ..
            } = root;
            let len = self.bytes.len();
            self.find_error_from(&[root], 0, (line, entries, [entry, prev]), len);
        }
        None
    }

    /// What follows the flow collection that is the whole document (JSON),
    /// which opens at `open` and ends just before `after`, on its last line
    /// or the lines after: the error, if any, is looked for from there,
    /// after a skeleton of that collection, empty (see
    /// [`crate::tree::Closed`]), if every tab before was one this reader
    /// takes (a tab it left may be the event parser's error).
    fn after_flow_root(&self, open: usize, after: usize) -> Option<Node<'s>> {
        if self.searching() && self.tabs_taken_before(after) {
            let closed = crate::tree::Closed {
                map: self.bytes[open] == b'{',
                open,
            };
            let len = self.bytes.len();
            self.search(&[], false, (&[], false, None), Some(closed), after, len);
        }
        None
    }

    /// The collection at `frame` ended: it is closed, and kept if it is
    /// the document's (see [`Parser::after_root`]).
    fn keep_root(&mut self, frame: usize) {
        if frame == 0 {
            self.root_frame = self.frames.first().copied();
        }
        self.frames.truncate(frame);
    }

    /// A tag at `at` that ends its line (`!!map`, `!unsafe`), before a block
    /// collection on the lines after it, more indented than `indent`: the
    /// collection in a [`Kind::Tagged`], placed at the tag, as the event
    /// parser builds it (`Some(None)` if it cannot be read). `None`, with
    /// nothing read, for anything else.
    fn tagged_block(&mut self, line: Line, at: usize, indent: usize) -> Option<Option<Node<'s>>> {
        if self.bytes[at] != b'!' {
            return None;
        }
        // The tag made only for a block (`- !!str web1` on each of a
        // million lines is none).
        let (from, end) = self.tag_span(line, at)?;
        let next = self.line_after(line.next)?;
        let first = next.start + next.indent;
        let block = self.is_entry(next, first) || self.key(next, first).is_some();
        if self.skip_spaces(end, line.end) != line.end || next.indent <= indent || !block {
            return None;
        }
        self.finish(line);
        let tag = self.tag_text(at, from, end);
        Some(self.block(next).map(|node| tagged(node, tag, at)))
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
        let (name, name_end) = self.anchor_name(line, at)?;
        if self.bytes[at] == b'*' {
            let node = Arc::clone(self.anchors.get(name)?.as_ref()?);
            let size = node.size();
            let alias = self.alias(at, name_end, node, size);
            if self.aliased > crate::tree::max_aliased(self.src.len()) {
                return None;
            }
            self.end_of_value(line, name_end)?;
            return Some(alias);
        }
        // An alias of a redefined anchor: left to the event parser.
        if self.anchors.contains_key(name) {
            return None;
        }
        let aliases_before = self.aliases;
        let value_at = self.skip_spaces(name_end, line.end);
        // Not ended on a return without it (this reader then gives up).
        self.anchoring.push(at);
        let node = if value_at == line.end || self.bytes[value_at] == b'#' {
            self.take_tabs(value_at, line.end);
            self.finish(line);
            self.nested(indent, is_value, name_end)?
        } else if matches!(self.bytes[value_at], b'&' | b'*' | b'-' | b'!') {
            return None;
        } else {
            let mut line = line;
            let (node, after) = self.scalar(&mut line, value_at, indent)?;
            let next = self.skip_spaces(after, line.end);
            if next < line.end && self.bytes[next] == b':' {
                return None; // `- &a k: v` anchors the key
            }
            self.end_of_value(line, after)?;
            node
        };
        self.anchoring.pop();
        // Also defined inside its own node, which readers count differently.
        if self.anchors.contains_key(name) {
            return None;
        }
        let span = Span::new(at, (node.span.end as usize).max(name_end));
        let node = Arc::new(node);
        let holds_alias = self.aliases != aliases_before;
        (self.anchors).insert(name, (!holds_alias).then(|| Arc::clone(&node)));
        self.anchors_at.push((at, name, node.size()));
        Some(Node {
            span,
            kind: Kind::Alias(node),
        })
    }

    /// The name of the anchor or alias at `at` (`&name`, `*name`), and
    /// where it ends: libyaml's anchor names, letters, digits, `-` and `_`,
    /// then a space or the line's end.
    fn anchor_name(&self, line: Line, at: usize) -> Option<(&'s str, usize)> {
        let name_end = at
            + 1
            + self.bytes[at + 1..line.end]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
                .count();
        let name = &self.src[at + 1..name_end];
        let ends = name_end == line.end || self.bytes[name_end] == b' ';
        (!name.is_empty() && ends).then_some((name, name_end))
    }

    /// The alias written from `at` to `name_end` of `node`, of `size`
    /// nodes ([`Node::size`]), counted as repeating them.
    fn alias(&mut self, at: usize, name_end: usize, node: Arc<Node<'s>>, size: usize) -> Node<'s> {
        self.aliases += 1;
        self.aliased += size;
        self.aliases_at.push((at, size));
        Node {
            span: Span::new(at, name_end),
            kind: Kind::Alias(node),
        }
    }

    /// [`Parser::host_entry`] of a host entry whose vars are an alias
    /// ending its line (`- web2: *v`), its `*` at `at`: read into `items`
    /// as `inline` reads it (see [`Parser::anchored`]), without the
    /// mapping's node ([`SeqBuilder::push_aliased`]). False, with nothing
    /// read, for anything else, and where `anchored` would not take the
    /// alias (then read as before).
    fn aliased_entry(
        &mut self,
        line: Line,
        name: Node<'s>,
        at: usize,
        column: usize,
        items: &mut SeqBuilder<'s>,
    ) -> bool {
        let Some((alias, name_end)) = self.anchor_name(line, at) else {
            return false;
        };
        let (node, size) = match &self.last_alias {
            Some((last, node, size)) if *last == alias => (Arc::clone(node), *size),
            _ => {
                let Some(Some(node)) = self.anchors.get(alias) else {
                    return false;
                };
                let size = node.size();
                self.last_alias = Some((alias, Arc::clone(node), size));
                (Arc::clone(node), size)
            }
        };
        let within = self.aliased + size <= crate::tree::max_aliased(self.src.len());
        if !within || !self.entry_ends(line.next, column) || !self.ends_line(line, name_end) {
            return false;
        }
        let alias = self.alias(at, name_end, node, size);
        self.finish(line);
        items.push_aliased(name, alias);
        true
    }

    /// [`Parser::key`] at `at` in `line`, whose first `:` from `at` on is
    /// `colon`: where every byte before it is a name byte and the name
    /// starts as one ([`Parser::name_at`]), the name ends there, and the
    /// key is that name if a space or the line's end follows (what
    /// [`Parser::name_key`] finds, its bytes looked at by [`all_name_bytes`]
    /// rather than one by one: a host's name, at every host entry); else
    /// the general way.
    #[inline]
    fn key_to(&self, line: Line, at: usize, colon: usize) -> Option<(Node<'s>, usize)> {
        match self.name_key_to(line, at, colon) {
            Some(name) => Some((self.plain(&self.src[name.start()..colon]), colon)),
            None => self.key(line, at),
        }
    }

    /// The span of the key [`Parser::key_to`] finds without the general
    /// way: a name, so a plain scalar as written and not empty (`None`
    /// where it is no such name, whatever the general way finds).
    #[inline(always)]
    fn name_key_to(&self, line: Line, at: usize, colon: usize) -> Option<Span> {
        let name = &self.bytes[at..colon];
        let key_ends = matches!(&self.bytes[colon..line.end], [b':'] | [b':', b' ', ..]);
        let is_name = key_ends
            && name.first().is_some_and(|&b| is_word(b))
            && colon - at <= MAX_KEY
            && self.name_bytes(at, colon);
        is_name.then(|| Span::new(at, colon))
    }

    /// Whether the bytes from `at` to `end` are all name bytes: compared
    /// with the last name taken, where it is as long (see
    /// [`name_bytes_beside`]); else [`all_name_bytes`]. Those taken are the
    /// next one's known name.
    #[inline(always)]
    fn name_bytes(&self, at: usize, end: usize) -> bool {
        let (name, (last, last_len)) = (&self.bytes[at..end], self.last_name.get());
        let fine = match name.len() == last_len && last_len >= 8 {
            true => name_bytes_beside(&self.bytes[last..last + last_len], name),
            false => all_name_bytes(name),
        };
        if fine {
            self.last_name.set((at, name.len()));
        }
        fine
    }

    /// A mapping key at `at` and the index of its `:`.
    fn key(&self, line: Line, at: usize) -> Option<(Node<'s>, usize)> {
        // Nearly every key: a name (letters, digits and `_.-`, not first),
        // then `:` and a space or the line's end; read without the general
        // scan of a plain scalar, which gives the same.
        if let Some(colon) = self.name_key(line, at) {
            return Some((self.plain(&self.src[at..colon]), colon));
        }
        if matches!(
            self.bytes[at],
            b'-' | b'.' | b'[' | b'{' | b'!' | b'|' | b'>'
        ) {
            return None; // document markers, and keys this reader leaves alone
        }
        let mut on = line;
        let (key, after) = self.scalar(&mut on, at, 0)?;
        if on.start != line.start {
            return None; // a key over several lines
        }
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
        self.ends_line(line, after).then_some(())?;
        self.finish(line);
        Some(())
    }

    /// Past spaces and, if the source has them, tabs (after a value, where
    /// YAML takes both as white space).
    fn skip_blanks(&self, at: usize, end: usize) -> usize {
        match self.tabs {
            false => self.skip_spaces(at, end),
            true => {
                let rest = &self.bytes[at..end];
                at + rest
                    .iter()
                    .take_while(|&&b| b == b' ' || b == b'\t')
                    .count()
            }
        }
    }

    fn skip_spaces(&self, mut at: usize, end: usize) -> usize {
        while at < end && self.bytes[at] == b' ' {
            at += 1;
        }
        at
    }

    /// The scalar at `at` (one line) or flow collection (one line or more,
    /// `line` then becomes the line it ends on) and the index just after it
    /// (a plain scalar's trailing spaces not included). `indent` is the
    /// block's, which the lines of a flow collection must pass.
    fn scalar(&self, line: &mut Line, at: usize, indent: usize) -> Option<(Node<'s>, usize)> {
        match self.bytes[at] {
            b'\'' => self.single_quoted(line, at, indent),
            b'"' => self.double_quoted(line, at, indent),
            b'[' | b'{' => self.flow(line, at, self.depth + 1, indent),
            // Its value a copy, as the event parser gives it: the validator
            // places the entries of a host string or `exclude` written so by
            // searching its source, not by where a borrowed value lies.
            b'|' | b'>' => self
                .block_scalar(line, at, indent)
                .map(|(mut node, after)| {
                    if let Kind::Scalar(scalar) = &mut node.kind {
                        scalar.value = Cow::Owned(std::mem::take(&mut scalar.value).into_owned());
                    }
                    (node, after)
                }),
            b'!' => {
                let (tag, value_at) = self.tag(line, at, Some(indent))?;
                let (node, after) = self.scalar(line, value_at, indent)?;
                Some((tagged(node, tag, at), after))
            }
            b']' | b'}' | b',' | b'#' | b'&' | b'*' | b'%' | b'@' | b'`' | b'?' | b':' => None,
            b'-' if self.is_entry(*line, at) => None,
            _ => {
                // Ends at `: `, a `:` ending the line, or ` #`.
                let bytes = &self.bytes[..line.end];
                let mut end = at;
                loop {
                    let Some(i) = memchr::memchr2(b':', b'#', &bytes[end..]) else {
                        end = line.end;
                        break;
                    };
                    end += i;
                    match bytes[end] {
                        b':' if end + 1 == line.end || matches!(bytes[end + 1], b' ' | b'\t') => {
                            break;
                        }
                        b'#' if matches!(bytes[end - 1], b' ' | b'\t') => break,
                        _ => end += 1,
                    }
                }
                let text = self.src[at..end].trim_end_matches([' ', '\t']);
                if end == line.end && self.goes_on(*line, indent) {
                    return self.plain_lines(line, text, indent);
                }
                // A tab inside: the entry is handed over (see `hand_over`).
                self.no_tabs(at, at + text.len())?;
                Some((self.plain(text), at + text.len()))
            }
        }
    }

    /// Whether the line after `line` may go on with a plain scalar that ends
    /// `line`: it is blank, indented past the block's `indent`, or starts
    /// with a tab after its spaces (a line of blanks and a comment after a
    /// tab, which the event parser may skip as blank: see
    /// [`Parser::plain_lines`]). (Most often it is the block's next entry:
    /// only its indent is counted.)
    fn goes_on(&self, line: Line, indent: usize) -> bool {
        let rest = self.bytes.get(line.next..).unwrap_or_default();
        let spaces = rest.iter().take_while(|&&b| b == b' ').count();
        indent != ROOT
            && !rest.is_empty()
            && (spaces > indent || matches!(rest.get(spaces), None | Some(b'\n' | b'\r' | b'\t')))
    }

    /// Whether the next line with content after `line` (past blank lines
    /// and lines of blanks after a tab, maybe with a comment) is indented
    /// past `indent` or starts with a tab after its spaces.
    fn goes_on_after_tabs(&self, line: Line, indent: usize) -> bool {
        let mut next = self.raw_line(line.next);
        while let Some(row) = next {
            let at = row.start + row.indent;
            if at < row.end && !(self.tab_led(row) && self.tab_blank(row)) {
                return row.indent > indent || self.tab_led(row);
            }
            next = self.raw_line(row.next);
        }
        false
    }

    /// A plain scalar `first` ending `line` and going on over the lines after
    /// it that are indented past the block's `indent`, folded as YAML folds
    /// them (a line break is a space, blank lines are line breaks), and the
    /// index after it; `line` becomes its last line. Not taken: a line that
    /// goes on with an indicator, or holds `: ` or ` #`.
    fn plain_lines(
        &self,
        line: &mut Line,
        first: &'s str,
        indent: usize,
    ) -> Option<(Node<'s>, usize)> {
        let start = first.as_ptr() as usize - self.src.as_ptr() as usize;
        let (mut value, mut end, mut blanks) = (Cow::Borrowed(first), start + first.len(), 0);
        let mut row = *line;
        while let Some(next) = self.raw_line(row.next) {
            let at = next.start + next.indent;
            row = next;
            // Blank, also with tabs (which the event parser skips here
            // before the scalar's column or after); a comment after a tab
            // past the block's indent ends the scalar, as one after spaces.
            let tabbed = at < next.end && self.tab_led(next) && self.tab_blank(next);
            if at == next.end || tabbed && !self.src[at..next.end].contains('#') {
                blanks += 1;
                continue;
            }
            // A comment after a tab, then a line that may go on (indented
            // past the block's indent, or after a tab): the event parser
            // skips that comment as blank where it is before the block's
            // column, and the scalar goes on; the entry is handed over
            // (see `Parser::hand_over`), or its error looked for.
            if tabbed && self.goes_on_after_tabs(next, indent) {
                return None;
            }
            if next.indent <= indent || self.bytes[at] == b'#' || tabbed {
                break;
            }
            let text = self.src[at..next.end].trim_end_matches(' ');
            let indicator = b"-?:,[]{}#&*!|>'\"%@`".contains(&self.bytes[at]);
            if indicator || text.contains(": ") || text.ends_with(':') || text.contains(" #") {
                return None;
            }
            self.fold(value.to_mut(), text, blanks);
            (blanks, end, *line) = (0, at + text.len(), next);
        }
        // No tab but on blank lines (whose tabs are taken).
        if self.tabs && self.bytes[start..end].contains(&b'\t') {
            let mut next = self.raw_line(line_start(self.src, start));
            while let Some(row) = next.filter(|row| row.start < end) {
                let text = &self.src[row.start.max(start)..row.end.min(end)];
                if text.contains('\t') {
                    let blank = row.start >= start && text.trim_matches([' ', '\t']).is_empty();
                    blank.then_some(())?;
                    self.take_tabs(row.start, row.end);
                }
                next = self.raw_line(row.next);
            }
        }
        let node = Node {
            span: Span::new(start, end),
            kind: Kind::Scalar(Scalar::plain(value)),
        };
        Some((node, end))
    }

    /// Adds `text`, the next line of a plain scalar over lines after
    /// `blanks` blank lines, to its `value` as YAML folds it: a line break
    /// is a space, each blank line a line break.
    fn fold(&self, value: &mut String, text: &str, blanks: usize) {
        if value.len() >= LONG && value.capacity() - value.len() < text.len() + blanks + 1 {
            let at = text.as_ptr() as usize - self.src.as_ptr() as usize;
            value.reserve_exact(self.src.len() - at);
        }
        match blanks {
            0 => value.push(' '),
            n => value.extend(std::iter::repeat_n('\n', n)),
        }
        value.push_str(text);
    }

    /// A literal or folded block scalar whose header (`|`, `>`, then maybe
    /// a chomping indicator `-` or `+` and an indentation indicator `1`-`9`,
    /// in either order) is at `at`, and the end of its last line, which
    /// `line` becomes; its lines are indented past the block's `indent` (with
    /// an indentation indicator, by exactly that much). Not taken: blank lines
    /// before the first line or holding more spaces than the text's
    /// indentation, an empty scalar, and with keep chomping or an indentation indicator, a scalar
    /// that ends the file (where readers differ, see `tree::clip_at_end`) or a
    /// first line indented more than the indicator says. Its value is
    /// borrowed from the source where it is the text there (one line, then
    /// bare line breaks as chomping keeps them).
    fn block_scalar(&self, line: &mut Line, at: usize, indent: usize) -> Option<(Node<'s>, usize)> {
        let folded = self.bytes[at] == b'>';
        let (mut chomping, mut explicit, mut header_end) = (None, None, at + 1);
        while header_end < line.end {
            match self.bytes[header_end] {
                b @ (b'-' | b'+') if chomping.is_none() => chomping = Some(b),
                b @ b'1'..=b'9' if explicit.is_none() => explicit = Some(usize::from(b - b'0')),
                _ => break,
            }
            header_end += 1;
        }
        let (strip, keep) = (chomping == Some(b'-'), chomping == Some(b'+'));
        let after = self.skip_spaces(header_end, line.end);
        let comment =
            after < line.end && self.bytes[at..after].ends_with(b" ") && self.bytes[after] == b'#';
        if after < line.end && !comment {
            return None;
        }
        let first = self.raw_line(line.next)?;
        if indent == ROOT {
            return None;
        }
        let text_indent = explicit.map_or(first.indent, |m| indent + m);
        if first.start + first.indent == first.end
            || text_indent <= indent
            || first.indent != text_indent
        {
            return None;
        }
        let mut value = Cow::Borrowed("");
        let (mut last, mut blanks, mut last_more) = (first, 0, false);
        let mut next = Some(first);
        while let Some(row) = next {
            if row.start + row.indent == row.end {
                if row.end - row.start > text_indent {
                    return None;
                }
                blanks += 1;
            } else if row.indent < text_indent {
                break;
            } else {
                // Between lines: literal, their line breaks; folded, a space,
                // or the blank lines' breaks, but next to a line indented
                // more than the text, which is not folded, the line breaks.
                let more = row.indent > text_indent;
                let text = &self.src[row.start + text_indent..row.end];
                if row.start == first.start {
                    value = Cow::Borrowed(text);
                } else {
                    let value = value.to_mut();
                    if value.len() >= LONG
                        && value.capacity() - value.len() < row.end - row.start + blanks + 1
                    {
                        value.reserve_exact(self.src.len() - row.start);
                    }
                    match (folded && !more && !last_more, blanks) {
                        (true, 0) => value.push(' '),
                        (true, n) => value.extend(std::iter::repeat_n('\n', n)),
                        (false, n) => value.extend(std::iter::repeat_n('\n', n + 1)),
                    }
                    value.push_str(text);
                }
                (last, blanks, last_more) = (row, 0, more);
            }
            next = self.raw_line(row.next);
        }
        if (keep || explicit.is_some()) && next.is_none() {
            return None;
        }
        // The line after it, kept for the block it is in (only blank lines
        // come between): as `line_at(last.next)` finds it, unless a comment.
        if next.is_none_or(|row| self.bytes[row.start + row.indent] != b'#') {
            self.peeked.set(Some((last.next, next)));
        }
        // Clip chomping keeps the line break after the last line, if there
        // is one; keep chomping, the blank lines' too.
        let breaks =
            usize::from(!strip && last.end < self.bytes.len()) + if keep { blanks } else { 0 };
        let start = first.start + text_indent;
        let after = self.bytes.get(last.end..last.end + breaks);
        match &mut value {
            Cow::Borrowed(text) if after.is_some_and(|after| after.iter().all(|&b| b == b'\n')) => {
                *text = &self.src[start..last.end + breaks];
            }
            value => value.to_mut().extend(std::iter::repeat_n('\n', breaks)),
        }
        self.no_tabs(at, last.end)?;
        let node = Node {
            span: Span::new(start, last.next.min(self.bytes.len())),
            kind: Kind::Scalar(Scalar {
                value,
                style: if folded {
                    Style::Folded
                } else {
                    Style::Literal
                },
                tag: None,
            }),
        };
        *line = last;
        Some((node, last.end))
    }

    /// A single-quoted scalar at `at`, and the index after it; over several
    /// lines (see [`Self::fold_quoted`]), `line` becomes its last.
    fn single_quoted(
        &self,
        line: &mut Line,
        at: usize,
        indent: usize,
    ) -> Option<(Node<'s>, usize)> {
        if let Some(i) = self.src[at + 1..line.end].find('\'') {
            let quote = at + 1 + i;
            if quote + 1 == line.end || self.bytes[quote + 1] != b'\'' {
                let text = Cow::Borrowed(&self.src[at + 1..quote]);
                return Some((quoted(text, Style::SingleQuoted, at, quote + 1), quote + 1));
            }
        }
        // `''` is a quote.
        let mut value = String::with_capacity(line.end - at);
        let mut from = at + 1;
        loop {
            let Some(i) = self.src[from..line.end].find('\'') else {
                from = self.fold_quoted(line, from, &mut value, indent)?;
                continue;
            };
            let quote = from + i;
            value.push_str(&self.src[from..quote]);
            if quote + 1 < line.end && self.bytes[quote + 1] == b'\'' {
                value.push('\'');
                from = quote + 2;
            } else {
                self.no_tabs(at, quote)?;
                let node = quoted(Cow::Owned(value), Style::SingleQuoted, at, quote + 1);
                return Some((node, quote + 1));
            }
        }
    }

    /// The text of a quoted scalar's line from `from` to the line's end, then
    /// the fold to the next line with text: `value` gets the text without its
    /// trailing spaces, and a space, or a line break for each blank line
    /// between. `line` becomes that next line, which must be indented past
    /// the block's `indent`; where its text starts.
    fn fold_quoted(
        &self,
        line: &mut Line,
        from: usize,
        value: &mut String,
        indent: usize,
    ) -> Option<usize> {
        value.push_str(self.src[from..line.end].trim_end_matches(' '));
        let mut next = self.raw_line(line.next)?;
        let mut blanks = 0;
        while next.start + next.indent == next.end {
            blanks += 1;
            next = self.raw_line(next.next)?;
        }
        if indent == ROOT || next.indent <= indent {
            return None;
        }
        match blanks {
            0 => value.push(' '),
            n => value.extend(std::iter::repeat_n('\n', n)),
        }
        *line = next;
        Some(next.start + next.indent)
    }

    /// After an escaped line break (`\` ending the line) in a double-quoted
    /// scalar: no space for it, a line break for each blank line after it;
    /// `line` becomes the next line with text, which must be indented past
    /// the block's `indent`; where its text starts.
    fn escaped_break(&self, line: &mut Line, value: &mut String, indent: usize) -> Option<usize> {
        let mut next = self.raw_line(line.next)?;
        let mut blanks = 0;
        while next.start + next.indent == next.end {
            blanks += 1;
            next = self.raw_line(next.next)?;
        }
        if indent == ROOT || next.indent <= indent {
            return None;
        }
        value.extend(std::iter::repeat_n('\n', blanks));
        *line = next;
        Some(next.start + next.indent)
    }

    /// A double-quoted scalar at `at`, its escapes applied, and the index
    /// after it; over several lines (see [`Self::fold_quoted`]), `line`
    /// becomes its last. Not taken: an escaped line break, an escape YAML
    /// does not know, a code point that is no character.
    fn double_quoted(
        &self,
        line: &mut Line,
        at: usize,
        indent: usize,
    ) -> Option<(Node<'s>, usize)> {
        // One search for either byte, the memchr crate's (vector loads, also
        // on a long comma string): a closing quote first, the value is the
        // text before it.
        if let Some(i) = memchr::memchr2(b'"', b'\\', &self.bytes[at + 1..line.end])
            && self.bytes[at + 1 + i] == b'"'
        {
            let end = at + 1 + i;
            let text = &self.src[at + 1..end];
            let node = quoted(Cow::Borrowed(text), Style::DoubleQuoted, at, end + 1);
            return Some((node, end + 1));
        }
        // Room for the rest of the line: a name with an escape in a list of a
        // million is not grown by doubling.
        let mut value = String::with_capacity(line.end - at);
        let mut from = at + 1;
        loop {
            let stop = memchr::memchr2(b'"', b'\\', &self.bytes[from..line.end]);
            let Some(i) = stop else {
                from = self.fold_quoted(line, from, &mut value, indent)?;
                continue;
            };
            let next = from + i;
            value.push_str(&self.src[from..next]);
            if self.bytes[next] == b'"' {
                self.no_tabs(at, next)?;
                let node = quoted(Cow::Owned(value), Style::DoubleQuoted, at, next + 1);
                return Some((node, next + 1));
            }
            if next + 1 == line.end {
                from = self.escaped_break(line, &mut value, indent)?;
                continue;
            }
            let (c, len) = crate::tree::escape(&self.src[next..line.end])?;
            value.push(c);
            from = next + len;
        }
    }

    /// A tag at `at` (`!!str`, `!name`: letters, digits, `-` and `_`) before
    /// a scalar or a flow collection on its line or, in a block (`indent`
    /// given), a scalar on the next line with content, which `line` then
    /// becomes (indented past the block's `indent`): the tag as the event
    /// parser gives it, and where the value starts. Other tags, and tags on
    /// block collections, are left to the event parser.
    fn tag(&self, line: &mut Line, at: usize, indent: Option<usize>) -> Option<(String, usize)> {
        let (tag, end) = self.tag_name(*line, at)?;
        let mut value_at = self.skip_spaces(end, line.end);
        if value_at == line.end {
            let indent = indent.filter(|&indent| indent != ROOT)?;
            let next = self.line_after(line.next)?;
            value_at = next.start + next.indent;
            let flow_or_entry =
                matches!(self.bytes[value_at], b'[' | b'{') || self.is_entry(next, value_at);
            if next.indent <= indent || flow_or_entry {
                return None;
            }
            *line = next;
        }
        let value = self.bytes[value_at];
        if matches!(value, b'!' | b'&' | b'*' | b'#' | b'|' | b'>') {
            return None;
        }
        Some((tag, value_at))
    }

    /// The tag at `at` (`!!str`, `!name`: letters, digits, `-` and `_`),
    /// followed by a space or its line's end: as the event parser gives it,
    /// and where it ends.
    fn tag_name(&self, line: Line, at: usize) -> Option<(String, usize)> {
        let (from, end) = self.tag_span(line, at)?;
        Some((self.tag_text(at, from, end), end))
    }

    /// Where the suffix of the tag at `at` (as [`Parser::tag_name`] takes
    /// it) starts and where the tag ends.
    fn tag_span(&self, line: Line, at: usize) -> Option<(usize, usize)> {
        let secondary = self.bytes.get(at + 1) == Some(&b'!');
        let from = at + 1 + usize::from(secondary);
        let end = from
            + self.bytes[from.min(line.end)..line.end]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
                .count();
        if end == from || end < line.end && self.bytes[end] != b' ' {
            return None;
        }
        Some((from, end))
    }

    /// The tag written from `at` to `end`, its suffix from `from` (see
    /// [`Parser::tag_span`]), as the event parser shows it.
    fn tag_text(&self, at: usize, from: usize, end: usize) -> String {
        let secondary = from == at + 2;
        let written = &self.src[at..end];
        let tag = match self.last_tag.take() {
            Some((last, tag)) if last == written => tag,
            _ => {
                let tag = saphyr_parser::Tag {
                    handle: (if secondary { "tag:yaml.org,2002:" } else { "!" }).to_string(),
                    suffix: self.src[from..end].to_string(),
                };
                tag.to_string()
            }
        };
        self.last_tag.set(Some((written, tag.clone())));
        tag
    }
}

/// `node` with `tag`, its span starting at the tag's `at`: a scalar with its
/// tag, or a collection in a [`Kind::Tagged`], as the event parser builds them.
fn tagged<'s>(mut node: Node<'s>, tag: String, at: usize) -> Node<'s> {
    node.span.start = at as u32;
    match &mut node.kind {
        Kind::Scalar(scalar) => {
            scalar.tag = Some(Box::new(tag));
            node
        }
        _ => Node {
            span: node.span,
            kind: Kind::Tagged(Box::new((tag, node))),
        },
    }
}

/// Where a plain scalar that starts `rest` (a flow collection's line from
/// it) ends, from a `:` or `#` at `stop`: past those inside it (`http://x`,
/// `a#b`) as YAML 1.1 and 1.2 both read them, a `:` before anything but a
/// blank, a flow indicator or `?` (which libyaml ends it at), a `#` after
/// anything but a blank.
#[cold]
fn flow_plain_end(rest: &[u8], mut stop: usize) -> usize {
    loop {
        let inside = match rest.get(stop) {
            Some(b':') => rest.get(stop + 1).is_some_and(|&b| {
                !matches!(b, b' ' | b'\t' | b',' | b'[' | b']' | b'{' | b'}' | b'?')
            }),
            Some(b'#') => !matches!(rest[stop - 1], b' ' | b'\t'),
            _ => return stop,
        };
        if !inside {
            return stop;
        }
        stop += 1;
        stop += (rest[stop..].iter())
            .position(|&b| FLOW_STOP[usize::from(b)])
            .unwrap_or(rest.len() - stop);
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
    /// A flow sequence or mapping (`[a, b]`, `{zone: a}`) at `at`, on one
    /// line or over several, and the index just after it; `line` becomes the
    /// line it ends on. Its lines after the first need more indent than the
    /// block's `indent` (a line starting with a closing bracket: as much), as
    /// the event parser asks. Taken: comments between entries, a trailing
    /// comma, a value on the line after its key's `:`, a key without a value
    /// in a mapping (`{zone: }`, and without `:`, `{a, b}`), a single-pair
    /// mapping in a sequence (`[http: 80]`, a scalar key on one line; from
    /// its key to its value's end, as the event parser draws it), `:` and `#`
    /// inside a plain scalar where YAML 1.1 and 1.2 read them alike
    /// (`http://x:80/#a`), a plain scalar over several lines (see
    /// [`Parser::flow_plain`]). Not taken: a key over several lines or whose `:` is on a later line, a collection
    /// as a key, a `:` right after a quoted key (`["a":b]`), a plain key
    /// holding a `:` without a value (`{x::y}`).
    fn flow(
        &self,
        line: &mut Line,
        at: usize,
        depth: usize,
        indent: usize,
    ) -> Option<(Node<'s>, usize)> {
        let (mut items, mut entries) = (SeqBuilder::new(self.src), Vec::new());
        let end = self.flow_items(line, at, depth, indent, Some(&mut items), &mut entries)?;
        let kind = match self.bytes[at] == b'{' {
            true => Kind::map(entries),
            false => items.finish(),
        };
        let node = Node {
            span: Span::new(at, end),
            kind,
        };
        Some((node, end))
    }

    /// The items of the flow sequence or the entries of the flow mapping at
    /// `at` (see [`Parser::flow`]), added to `items` (for a sequence) or
    /// `entries` (empty), and the index just after it. In a flow collection
    /// that is the whole document or on its entry's line, for
    /// [`read_or_error`], where it gives up the error is looked for from the
    /// innermost entry that starts a line (after a `,` or the opening
    /// bracket), after a skeleton of the flow collections open there.
    fn flow_items(
        &self,
        line: &mut Line,
        at: usize,
        depth: usize,
        indent: usize,
        items: Option<&mut SeqBuilder<'s>>,
        entries: &mut Vec<(Node<'s>, Node<'s>)>,
    ) -> Option<usize> {
        if !self.find_error || !self.flow_tracked(*line, at, indent) {
            return self.flow_entries(line, at, depth, indent, items, entries);
        }
        let outermost = self.flows.borrow().is_empty();
        if outermost {
            self.flow_plain.set(false);
        }
        let own_line = outermost && self.own_line.get() == Some(at);
        self.flows.borrow_mut().push(FlowFrame {
            map: self.bytes[at] == b'{',
            entries: 0,
            entry: None,
            plain: false,
            key: false,
            pair: false,
            column: own_line.then(|| self.src[line.start..at].chars().count()),
        });
        let end = self.flow_entries(line, at, depth, indent, items, entries);
        if end.is_none() {
            self.flow_failed(*line, indent);
        }
        self.flows.borrow_mut().pop();
        end
    }

    /// Whether the flow collection at `at` in `line` is one whose entries
    /// are followed (see [`Parser::flow_items`]): the whole document, one in
    /// a followed one, or the value of the entry of the innermost block
    /// collection that starts `line` (`key: [`, `- [`) or the line before
    /// (see [`Parser::own_line`]).
    fn flow_tracked(&self, line: Line, at: usize, indent: usize) -> bool {
        if indent == ROOT || !self.flows.borrow().is_empty() || self.own_line.get() == Some(at) {
            return true;
        }
        let Some(frame) = self.frames.last() else {
            return false;
        };
        let dash = line.start + frame.open.column;
        frame.entry == Some(line.start)
            && (!frame.open.seq || self.bytes[dash + 1..at].iter().all(|&b| b == b' '))
    }

    /// Where a followed flow collection gave up at `line`: the error is
    /// looked for from the line of its entry being read, if that starts the
    /// line, or else of the one around it (see [`Parser::flow_items`]).
    fn flow_failed(&self, line: Line, indent: usize) {
        let all = self.flows.borrow();
        let Some(last) = all.iter().rposition(|flow| flow.entry.is_some()) else {
            return;
        };
        let flows = &all[..=last];
        // Inside a single-pair mapping of a sequence before that entry,
        // which the skeleton cannot stand for: the error is looked for from
        // further out, or the whole file is read.
        if flows[..last].iter().any(|flow| flow.pair) {
            return;
        }
        let plain = flows[last].plain;
        let Some(from) = flows[last].entry.and_then(|entry| self.raw_line(entry)) else {
            return;
        };
        // Each in the one before at an item or a value, or at a key (a flow
        // collection as a mapping's key, found by fuzzing).
        let keys = std::iter::once(false).chain(flows.iter().map(|flow| flow.key));
        let open: Vec<_> = (flows.iter().zip(keys))
            .map(|(flow, key)| crate::tree::FlowOpen {
                map: flow.map,
                more: flow.entries > 0,
                key,
            })
            .collect();
        let column = flows[0].column;
        drop(all);
        // Inside an anchored node that starts before: from the block entry
        // holding it (see `anchored_from`).
        if self.anchoring.iter().any(|&a| a < from.start) {
            let frames = &self.frames;
            if let Some((k, at)) = self.anchored_from(frames, frames.len(), (from, 0, [None; 2])) {
                self.find_error_from(frames, k, at, line.next);
            }
            return;
        }
        // The block collections around a flow collection on an entry's line.
        let (blocks, more) = match self.frames.last() {
            Some(frame) if indent != ROOT => {
                (self.opened(self.frames.len() - 1), frame.entries > 0)
            }
            _ => (Vec::new(), false),
        };
        self.find_error_in(&blocks, more, (&open, plain, column), from, line.next);
    }

    /// [`Parser::flow_items`] itself.
    fn flow_entries(
        &self,
        line: &mut Line,
        at: usize,
        depth: usize,
        indent: usize,
        mut items: Option<&mut SeqBuilder<'s>>,
        entries: &mut Vec<(Node<'s>, Node<'s>)>,
    ) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        let is_map = self.bytes[at] == b'{';
        let close = if is_map { b'}' } else { b']' };
        let mut i = self.flow_space(line, at + 1, indent)?;
        let mut read = 0;
        while self.bytes[i] != close {
            if let Some(flow) = self.flows.borrow_mut().last_mut() {
                flow.entries = read;
                flow.entry = (i == line.start + line.indent).then_some(line.start);
                flow.plain = self.flow_plain.get();
                flow.key = is_map;
                flow.pair = false;
            }
            read += 1;
            let (key_at, key_line) = (i, line.start);
            let (node, after) = self.flow_node(line, i, depth, indent)?;
            if let Some(flow) = self.flows.borrow_mut().last_mut() {
                flow.key = false;
            }
            if is_map && line.start != key_line {
                return None; // a key over several lines
            }
            i = self.next_token(line, after, indent)?;
            // `:` then a blank, or the end of the value (`{k:}`, `{k:, l: v}`,
            // `[k:]`).
            let colon = self.bytes[i] == b':'
                && (i + 1 == line.end || matches!(self.bytes[i + 1], b' ' | b',' | b']' | b'}'));
            if colon || is_map {
                // A key: a scalar on one line (a simple key, which a `:` on a
                // later line or a key over lines is not).
                if line.start != key_line || !matches!(node.kind, Kind::Scalar(_)) {
                    return None;
                }
            }
            if is_map && !colon {
                // A key without a value (`{a, b}`): an empty one, placed at
                // the `,` or `}` after it as the event parser places it.
                // A plain key holding a `:` (`{x::y}`) is read otherwise by
                // YAML 1.1 and 1.2.
                let plain_colon = self.bytes[key_at..i].contains(&b':')
                    && !matches!(self.bytes[key_at], b'\'' | b'"');
                if !matches!(self.bytes[i], b',' | b'}') || plain_colon {
                    return None;
                }
                entries.push((node, self.missing(i)));
            } else if colon {
                if i - key_at > MAX_KEY {
                    return None;
                }
                let at = self.flow_space(line, i + 1, indent)?;
                let value = if matches!(self.bytes[at], b',' | b']' | b'}') {
                    // No value: an empty one, placed at the `:` as the event
                    // parser places it.
                    let missing = self.missing(i);
                    i = at;
                    missing
                } else {
                    if let (false, Some(flow)) = (is_map, self.flows.borrow_mut().last_mut()) {
                        flow.pair = true;
                    }
                    let (value, after) = self.flow_node(line, at, depth, indent)?;
                    i = self.next_token(line, after, indent)?;
                    value
                };
                if is_map {
                    entries.push((node, value));
                } else {
                    // A single-pair mapping (`[http: 80]`), from its key to
                    // its value's end, as the event parser draws it.
                    let span = Span::new(key_at, (value.span.end as usize).max(key_at));
                    let kind = Kind::map(vec![(node, value)]);
                    items.as_deref_mut()?.push(Node { span, kind });
                }
            } else {
                items.as_deref_mut()?.push(node);
            }
            match self.bytes[i] {
                b',' => i = self.flow_space(line, i + 1, indent)?,
                b if b == close => {}
                _ => return None,
            }
        }
        Some(i + 1)
    }

    /// Past spaces, comments and line breaks inside a flow collection from
    /// `at`: the index of the next token, `line` moved to its line. `None` if
    /// the source ends first, or a line is not indented past the block's
    /// `indent` (a closing bracket: as far), or at the root ([`ROOT`]) starts
    /// like a document marker.
    fn flow_space(&self, line: &mut Line, at: usize, indent: usize) -> Option<usize> {
        let mut at = self.skip_spaces(at, line.end);
        while at == line.end || self.bytes[at] == b'#' && self.bytes[at - 1] == b' ' {
            self.take_tabs(at, line.end);
            let next = self.line_from(line.next)?;
            // A line of blanks and maybe a comment, after a tab (see
            // `skip_tab_blanks`): blank to the event parser here too.
            if self.tab_led(next) && self.tab_blank(next) {
                self.take_tabs(next.start, next.end);
                (*line, at) = (next, next.end);
                continue;
            }
            let first = next.start + next.indent;
            let closes = matches!(self.bytes[first], b']' | b'}');
            let placed = match indent {
                ROOT => !matches!(
                    self.bytes.get(next.start..next.start + 3),
                    Some(b"---" | b"...")
                ),
                _ => next.indent > indent || next.indent == indent && closes && self.lenient(),
            };
            if !placed {
                return None;
            }
            *line = next;
            at = first;
        }
        Some(at)
    }

    /// [`Self::flow_space`] after an entry that ended at `after`: a token on a
    /// later line must be `,` or a closing bracket (anything else would go on
    /// a plain scalar, or put a key's `:` on another line than the key).
    fn next_token(&self, line: &mut Line, after: usize, indent: usize) -> Option<usize> {
        let on = line.start;
        let at = self.flow_space(line, after, indent)?;
        (line.start == on || matches!(self.bytes[at], b',' | b']' | b'}')).then_some(at)
    }

    /// One entry of a flow collection: a nested one, a quoted scalar, or a
    /// plain scalar, which ends before `,`, a bracket, `: `, a `:` ending the
    /// line, ` #` or the line's end.
    fn flow_node(
        &self,
        line: &mut Line,
        at: usize,
        depth: usize,
        indent: usize,
    ) -> Option<(Node<'s>, usize)> {
        match self.bytes[at] {
            b'[' | b'{' => self.flow(line, at, depth + 1, indent),
            b'\'' => self.single_quoted(line, at, indent),
            b'"' => self.double_quoted(line, at, indent),
            b'!' => {
                let (tag, value_at) = self.tag(line, at, None)?;
                let (node, after) = self.flow_node(line, value_at, depth, indent)?;
                Some((tagged(node, tag, at), after))
            }
            b'-' if matches!(
                self.bytes[..line.end].get(at + 1),
                None | Some(b' ' | b',' | b'[' | b']' | b'{' | b'}')
            ) =>
            {
                None
            }
            b']' | b'}' | b',' | b'#' | b'&' | b'*' | b'|' | b'>' | b'%' | b'@' | b'`' | b'?'
            | b':' => None,
            _ => self.flow_plain(line, at, indent),
        }
    }

    /// The part of a plain scalar in a flow collection that is on `line`,
    /// from `at`: its text (trailing spaces not included), whether the
    /// scalar ends on this line before its end (at a flow indicator, `: `
    /// or ` #`), and whether it ends in ` -` right before that (`web -,`,
    /// which the event parser refuses and serde_yaml reads).
    fn flow_plain_part(&self, line: Line, at: usize) -> (&'s str, bool, bool) {
        let rest = &self.bytes[at..line.end];
        // A table, not `contains` on a list (a call per byte) nor a
        // `match` (seven tests a byte).
        let stop = (rest.iter())
            .position(|&b| FLOW_STOP[usize::from(b)])
            .unwrap_or(rest.len());
        let stop = match rest.get(stop) {
            Some(b'#') if rest[stop - 1] != b' ' => flow_plain_end(rest, stop),
            Some(b':') if !matches!(rest.get(stop + 1), None | Some(b' ')) => {
                flow_plain_end(rest, stop)
            }
            _ => stop,
        };
        let text = self.src[at..at + stop].trim_end_matches(' ');
        // `web -` before `,`, `]` or `}`.
        let dash = text.ends_with(" -") && text.len() == stop && self.lenient();
        (text, stop < rest.len(), dash)
    }

    /// Whether a line of a flow collection whose first character is at
    /// `start` may go on a plain scalar of the line before (see
    /// [`Parser::flow_plain`]): it starts with a character that goes on a
    /// plain scalar in YAML 1.1 and 1.2 alike, not an indicator, a tab or a
    /// comment ([`GOES_ON_PLAIN`]), or with `-` before anything but a flow
    /// indicator (`-443`, `- 443`, `-` alone: saphyr-parser, libyaml and
    /// PyYAML all read `https` then `-443` on the next line as `https
    /// -443`; a `-` right before `,`, `]`, `[`, `{` or `}` saphyr-parser
    /// refuses, and libyaml and PyYAML read).
    fn goes_on_plain(&self, line: Line, start: usize) -> bool {
        match self.bytes[start] {
            b'-' => !matches!(
                self.bytes[..line.end].get(start + 1),
                Some(b',' | b'[' | b']' | b'{' | b'}')
            ),
            b => GOES_ON_PLAIN[usize::from(b)],
        }
    }

    /// A plain scalar in a flow collection at `at`, and the index just after
    /// it (its trailing spaces not included). It goes on over the lines
    /// after `line` (which then becomes its last line) as YAML folds them
    /// (a line break is a space, each blank line a line break), while they
    /// are indented past the block's `indent` (or, in a flow collection that
    /// is the whole document, are no document marker) and start with a
    /// character that goes on a plain scalar in YAML 1.1 and 1.2 alike
    /// ([`Parser::goes_on_plain`]); its span is the event
    /// parser's, from its first character to its last. Where a line after
    /// it starts otherwise, the scalar ends before it, and what that line
    /// holds is read (or refused) as before.
    fn flow_plain(&self, line: &mut Line, at: usize, indent: usize) -> Option<(Node<'s>, usize)> {
        let (first, mut ended, _) = self.flow_plain_part(*line, at);
        let (mut value, mut end) = (Cow::Borrowed(first), at + first.len());
        let (mut row, mut blanks) = (*line, 0);
        while !ended && let Some(next) = self.raw_line(row.next) {
            row = next;
            let start = next.start + next.indent;
            if start == next.end {
                blanks += 1;
                continue;
            }
            let placed = match indent {
                ROOT => {
                    !(self.bytes[next.start..]).starts_with(b"---")
                        && !(self.bytes[next.start..]).starts_with(b"...")
                }
                _ => next.indent > indent,
            };
            if !placed || !self.goes_on_plain(next, start) {
                break;
            }
            let (text, stops, dash) = self.flow_plain_part(next, start);
            if dash && stops {
                // Over lines, left to the event parser (which refuses it),
                // as before this reader took plain scalars over lines here.
                return None;
            }
            self.fold(value.to_mut(), text, blanks);
            (blanks, end, ended, *line) = (0, start + text.len(), stops, next);
        }
        self.no_tabs(at, end)?;
        self.flow_plain.set(true);
        let node = Node {
            span: Span::new(at, end),
            kind: Kind::Scalar(Scalar::plain(value)),
        };
        Some((node, end))
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

    /// Not read by this reader alone (left to the event parser, or handed
    /// over), and read alike by the event parser and serde_yaml.
    fn not_read_alone(source: &str) {
        assert_eq!(read_alone(source), None, "{source:?}");
        assert!(reference::agrees(source), "{source:?}");
    }

    /// Whether two trees are the same, every node's span included, but for
    /// the ends each builder draws its own way (see [`spans`]).
    fn same_spans(src: &str, a: &Node, b: &Node) -> bool {
        spans(src, a, b).is_some()
    }

    /// [`same_spans`], and whether the end of `a` is one left uncompared: a
    /// block scalar's (the event parser ends it after the next line's
    /// indentation), a flow collection's (at its last item, not its
    /// bracket), an anchored node's (whose inside each builder draws its own
    /// way), an empty scalar's (placed by what follows it), or a block
    /// collection's that ends with one of those.
    fn spans(src: &str, a: &Node, b: &Node) -> Option<bool> {
        let (start, end) = (a.span.start == b.span.start, a.span.end == b.span.end);
        // Past a tag (`!!seq [a]`), where a tagged node starts.
        let text = &src[a.span.start().min(src.len())..];
        let text = match text.strip_prefix('!') {
            Some(tagged) => tagged.trim_start_matches(|c: char| !c.is_whitespace()),
            None => text,
        };
        let flow = text.trim_start().starts_with(['[', '{']);
        // The collection's start and end, its last entry's end left or not.
        let collection = |last: Option<bool>| {
            let left = flow || last.unwrap_or(true);
            (start && (end || left)).then_some(left)
        };
        match (&a.kind, &b.kind) {
            (Kind::Scalar(x), Kind::Scalar(y)) => {
                if x.value != y.value || x.style != y.style || x.tag != y.tag {
                    return None;
                }
                if x.value.is_empty() && x.style == Style::Plain {
                    return Some(true);
                }
                let block = matches!(x.style, Style::Literal | Style::Folded);
                (start && (end || block)).then_some(block)
            }
            (Kind::Alias(x), Kind::Alias(y)) => {
                (start && reference::same_tree(x, y, false)).then_some(true)
            }
            (Kind::Tagged(x), Kind::Tagged(y)) => {
                let inner = spans(src, &x.1, &y.1)?;
                (x.0 == y.0 && start && (end || inner)).then_some(inner)
            }
            (Kind::Map(x), Kind::Map(y)) => {
                let mut last = None;
                for ((ka, va), (kb, vb)) in x.iter().zip(y) {
                    spans(src, ka, kb)?;
                    last = Some(spans(src, va, vb)?);
                }
                (x.len() == y.len()).then_some(())?;
                collection(last)
            }
            (Kind::Seq(_) | Kind::HostSeq(_), Kind::Seq(_) | Kind::HostSeq(_)) => {
                let (x, y): (Vec<_>, Vec<_>) = (a.items()?.collect(), b.items()?.collect());
                let mut last = None;
                for (p, q) in x.iter().zip(&y) {
                    last = Some(spans(src, p, q)?);
                }
                (x.len() == y.len()).then_some(())?;
                collection(last)
            }
            _ => None,
        }
    }

    /// Read by this reader alone, as the event parser reads it, spans
    /// included (see [`same_spans`]), and as serde_yaml reads it.
    fn read_alone_as_the_event_parser(source: &str) {
        let fast = read_alone(source).unwrap_or_else(|| panic!("not read: {source:?}"));
        let events = crate::tree::parse(source).unwrap().unwrap();
        assert!(
            same_spans(source, &fast, &events),
            "{source:?}\n{fast:?}\n{events:?}"
        );
        same_as_serde_yaml(source);
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
            "a: [x, y,]\nb: {k: v,}\nc: [x,\n  y]\n",
            "versions:\n  app: [\n    web-01,  # first\n\n    # a comment line\n    'web-02',\n    \"web-03\",\n  ]\n",
            "a:\n  - [x,\n    y]\n  - {k:\n      v, l: [1,\n   2]\n    }\n",
            "- [x\n  , y]\n- {k: [a,\n b], l: c}\n- &a [x,\n  y]\n- *a\n",
            "a: [x,\n]\nb: {k: v\n}\nc: [\n]\n",
            "{\n  \"versions\": {\n    \"app\": [\n      \"web1\",\n      \"web2\"\n    ],\n    \"db\": {\"hosts\": \"db1\", \"vars\": {\"n\": 1, \"t\": true, \"z\": null}}\n  }\n}\n",
            "---\n[a,\nb, [c,\nd]] # c\n",
            "a: \"e\\x41\\u00e9\\U0001F600\\t\\\\\\\"\\/\\ \\0\\N\\_\"\nb: [\"x\\\"y\", \"\\\\\"]\n",
            "a: !!str 1\nb: !local x\nc:\n- !!str 1.10\n- !!int '7'\nd: [!!str x, !t \"y\"]\n",
            "a: |\n  x\n   y\n\n  # z\nb: >-\n    x\n    y\n\n\n    z\n  # c\nc:\n- |-\n  w\n- > # c\n  v\n\n",
            "a: |\r\n  x\r\n\r\n  y\r\nb: &a >\n  z\nc: *a\nd: |\n  end",
            "a: multi\n  line\n\n\n   plain  \n  # c\nb:\n- x\n y\n- k: v\n   w\n",
            "a: \"two\n  lines \\x41\"\nb: 'it''s\n\n   three  \n  lines'\nc:\n- \"x\n y\"\n- ['a\n   b', \"c\n\n   d\"]\n",
            // Spaces that end the file after a plain scalar (found by the property test).
            "a: b\n ",
            "- x\n  ",
            "- x\n    # c\n- y\n",
            // A document end marker.
            "a: 1\n...\n",
            "a: 1\n... # c\n# after\n\n",
            "- x\n...\n",
            "[a,\n b]\n...\n",
            "a: |\n  x\n...\n",
            "a: x\n  y\n...\n",
            "a:\n  b:\n  - c\n...\n",
            "--- # c\na:\n...\n",
            "a: 1\n ...\n",
            // Tabs in comments and after values at a line's end.
            "#\ttab in a comment\n--- # c\t\nversions:  # a\tb\n  app: # \t\n  - web1\t\n  - 'web2' \t# c\t\n",
            "hosts:\n- web1: # \t\n    zone: z\t\n- &a web2 # \t\n- *a # \t\n",
            "a: b\t\t\nc: \"d\"\t\n  # \tc\ne: [x, # \t\n  y]\t#\t\nf: |\n  x\n# c\t\n",
            "- x \t# c\n- k: v\t\n  l: w\t # c\n",
            // Keep chomping, indentation indicators, escaped line breaks, a
            // tag then its value on the next line, tags on flow collections.
            "a: |+\n  keep\n\n\nb: >+\n  x\n  y\n \n\nc: 1\n",
            "l:\n- |+\n  k\n- >+2\n  x\n- |2-\n  y\n   z\n- x: |1\n   z\n\n  y: 1\nm: 2\n",
            "a: \"x\\\n  y\"\nb: \"p \\\n\n   q\\\n r\"\nc: [\"s\\\n  t\"]\n",
            "l:\n- !!str\n  web1\n- !!str\n\n  # c\n  'web2'\n- !t\n  x\n  y\nk: !!str\n  v\n",
            "a: !!seq [x]\nb: !t {k: v}\nc: [!!map {}, !x [y]]\nd:\n- !!seq [1]\n- k: !!map {a: b}\n",
            "h:\n- w1: {a: !!seq [x]}\n- w2:\n    a: !t {b: c}\n",
            // Tags on block collections.
            "a: !!map\n  k: v\nb:\n- !t\n  - x\n- !!map\n  k: 1\nc: !unsafe\n  d: \"{{ x }}\"\n",
            // Folded lines indented more than the text are not folded.
            "a: >\n  x\n    more\n  y\n\n  z\n   m\n\n   n\n  w\nb: >-\n  x\n\n    m\n\n\n  y\n",
            // A plain scalar on the lines after its key or `-`.
            "versions:\n  app:\n    web1,\n    web2,\n   web3\n  db:\n    db1\n",
            "a:\n  x # c\nb:\n-\n  y\n\n   z\n- k\nc: &x\n  p\n   q\nd: *x\n",
            "- a:\n    x\n      y\n  b: 1\n-\n x\n",
        ] {
            same_as_serde_yaml(source);
            assert!(read_alone(source).is_some(), "{source:?}");
        }
    }

    /// Compact nested sequences (`- - a`, at any depth) and mappings in
    /// them (`- - k: v`) are read by this reader, with the event parser's
    /// nodes and spans.
    #[test]
    fn reads_compact_nested_sequences_and_mappings() {
        for source in [
            "l:\n- - a\n  - b\n- - - c\n    - d\n  - e\n",
            "l:\n- - k: v\n    k2: v2\n  - - x\n- -\n  - y\n- - # c\n    z\n",
            "- - a\n   b\n- - a # c\n\n  # c\n  - b\n-   - a\n    - b\n",
            "- - >-\n   x\n   y\n- - \"q\n   r\"\n- - !!str x\n- - 'y'\n",
            "- - k: v\n    l: w\n  - m: n\n- - k:\n      v\n- - k:\n    - x\n",
            "k:\n  - - a\n    - b\nj: 1\n",
            "- -\n- b\n- - -\n- - - a\n    - b\n  - c\n- d\n- - a\n  -\n    b\n",
            "- - k: v\n  - l: w\n    m: x\n- -  a\n",
            "l:\r\n- - a\r\n  - b\r\n",
            "- - a\n...\n",
            "- - |\n    text\n  - b\n- - |+\n    k\n\n  - x\n",
            "- - [a, b]\n  - {c: d}\n- - &a x\n- *a\n",
            "- - x\t\n- - y \t# c\t\n",
            "hosts:\n- w1:\n    pairs:\n    - - a\n      - b\n- w2:\n    pairs:\n    - - a\n      - b\n",
        ] {
            read_alone_as_the_event_parser(source);
        }
        // As deep as the event parser nests.
        let deep = format!("k:\n{}a\n", "- ".repeat(63));
        read_alone_as_the_event_parser(&deep);
        // A tab after the inner `-`: libyaml refuses it, YAML 1.2 does not.
        for source in ["- -\t\n", "- - \t\n", "- -\tx\n", "- - \tx\n"] {
            not_read_alone(source);
        }
    }

    /// Explicit keys (`? k`, a scalar on its line) with their value after
    /// `:` on the next line, in block mappings and sequence entries.
    #[test]
    fn reads_explicit_keys() {
        for source in [
            "a:\n  ? k\n  : v\n  l: w\n",
            "? k\n:\n  - v\n? j\n:\n- w\n? l\n:\n  m: n\n  o: p\nq: r\n",
            "? k\n:\nl: 1\n? \"q\"  # c\n# c\n: [a, b] # c\n? l\n: |\n  x\n? 'm'\n: v\n  w\n",
            "- ? k\n  : v\n  ? l\n  : w\n  m: 1\n- x\n- - ? k\n    : v\n- ? k\n  :\n",
            "hosts:\n- ? web1\n  : {zone: a}\n- web2\n",
        ] {
            read_alone_as_the_event_parser(source);
        }
        // An empty value placed by what follows, a key that is a collection
        // or over lines, tabs, properties, a compact sequence after `:`.
        for source in [
            "? k\nx: 1\n",
            "? k\n: - v\n",
            "?\tk\n: v\n",
            "? k\n:\tv\n",
            "? k\n:  &a v\n",
            "? k: v\n: x\n",
            "? k\n  j\n: v\n",
            "? k\n: v: w\n",
            "? - k\n: v\n",
            "? [k]\n: v\n",
            "l:\n- ?\n  : v\n",
        ] {
            not_read_alone(source);
        }
    }

    /// In flow mappings, a key without a value (`{zone: }`, placed at the
    /// `:`); in flow collections, plain scalars holding `:` or `#` (`{url:
    /// http://x:8/#a}`), where YAML 1.1 and 1.2 read them alike.
    #[test]
    fn reads_empty_flow_values_and_colons_in_flow_scalars() {
        for source in [
            "a: {zone: }\nb: {zone:}\nc: {zone: , b: 1}\nd: {zone: # c\n   }\n",
            "a: [x, {k: }]\nb: {k: v, l: }\nc: {k:,l: 1}\n",
            "hosts:\n- web1: {zone: }\n- web2: {zone: eu, rack:}\n",
            "a: {url: http://x:80/y#z, b: a:b}\nb: [http://x, a#b, c:d, 'e:f']\nc: {a:b: c}\n",
            "hosts:\n- web1: {health: http://web1:8080/health}\n- web2: [a:b]\n",
            "a: [x #c\n ]\nb: {k: a#b # c\n }\n",
            "a: [x:\n ]\nb: [x:]\nc: [x: , y]\nd: [x: # c\n  ]\n",
        ] {
            read_alone_as_the_event_parser(source);
        }
        // Read otherwise by YAML 1.1 and 1.2: left to the event parser.
        for source in ["a: [a:?b]\n", "a: {x::y}\n"] {
            not_read_alone(source);
        }
    }

    /// In flow sequences, single-pair mappings (`[http: 80]`), from the
    /// key's start to the value's end, an empty value placed at the `:`; in
    /// flow mappings, keys without values (`{a, b}`), the empty value placed
    /// at the `,` or `}` after the key: the event parser's nodes and spans.
    #[test]
    fn reads_single_pairs_in_flow_sequences_and_keys_without_values() {
        for source in [
            "ports: [http: 80, https: 443]\n",
            "a: [a: 1, b]\nb: ['q': \"v\", k: [1, 2], m: {n: o}]\n",
            "a: [x: [y: z]]\nb: [[x: y], {p: [q: r]}]\n",
            "a: [!!str a: b, c: !!str d]\n",
            "a: [x:\n  1, y: 2 # c\n  ]\nb: [\n  x: 1,\n  y: 2,\n]\n",
            "a: [a : b, 'c' : d]\n",
            "hosts:\n- web1:\n    ports: [http: 80, https: 443]\n- web2: {ports: [http: 80]}\n",
            "app: [web1: {zone: a}, web2]\n",
            "[a: 1, b: [c: d]]\n",
            "a: {a, b}\nb: {a}\nc: {a, b: 1, 'c'}\nd: {x: {y, z}, w}\n",
            "a: {a,\n  b}\nb: [{a, b}]\n",
        ] {
            read_alone_as_the_event_parser(source);
        }
        // A key over lines, a `:` on a later line than its key, a collection
        // as a key, a `:` right after a quoted key, an anchor: left to the
        // event parser.
        for source in [
            "a: [x\n  : y]\n",
            "a: ['x\n  y': z]\n",
            "a: [[x]: y]\n",
            "a: [{x: y}: z]\n",
            "a: ['x':y]\n",
            "a: [&a x: y]\n",
            "a: [x: &a y]\n",
            "a: [x: y: z]\n",
            "a: {x\n  }\n",
            "a: {[x], y}\n",
        ] {
            not_read_alone(source);
        }
    }

    /// A plain scalar over lines in a flow collection, folded as YAML folds
    /// it (a line break a space, a blank line a line break), its span from
    /// its first character to its last: the event parser's tree.
    #[test]
    fn reads_plain_scalars_over_lines_in_flow_collections() {
        let cases = [
            (
                "ports: [http 80,\n  https\n  443]\n",
                vec!["http 80", "https 443"],
            ),
            ("a: [x\n\n\n   y  \n  z, w]\n", vec!["x\n\ny z", "w"]),
            ("a: [x\r\n  y\r\n  ]\r\n", vec!["x y"]),
            ("a: [x\r  y]\r", vec!["x y"]),
            ("a: [x:y\n  z#w\n  ok, 'q']\n", vec!["x:y z#w ok", "q"]),
            ("a: [x\n  y # c\n  ]\n", vec!["x y"]),
            ("a: [x\n  \u{e9}t\u{e9}]\n", vec!["x \u{e9}t\u{e9}"]),
            ("- [a\n  b\n    c]\n", vec!["a b c"]),
            ("a: {k: v\n  w, l: x\n   y}\n", vec!["v w", "x y"]),
            ("[a\nb,\n c\n\nd]\n", vec!["a b", "c\nd"]),
            (
                "hosts:\n- h1:\n    ports: [http 1,\n      https\n      443]\n",
                vec!["https 443"],
            ),
            // A line that starts with `-` but before a flow indicator goes
            // on the scalar, as saphyr-parser, libyaml and PyYAML read it.
            (
                "ports: [http 80,\n  https\n  -443]\n",
                vec!["http 80", "https -443"],
            ),
            ("a: [x\n  -y]\n", vec!["x -y"]),
            (
                "a: [x\n  - y\n  -\n  --z, w\n  -#v]\n",
                vec!["x - y - --z", "w -#v"],
            ),
            ("a: {k: x\n  -1}\n", vec!["x -1"]),
            ("a: [x\n  -\n\n  -y\n  ]\n", vec!["x -\n-y"]),
            ("a: [x\n  - , y\n  -:z]\n", vec!["x -", "y -:z"]),
            ("[x\n- y]\n", vec!["x - y"]),
        ];
        for (source, values) in cases {
            let fast = read_alone(source).unwrap_or_else(|| panic!("not read: {source:?}"));
            let events = crate::tree::parse(source).unwrap().unwrap();
            assert!(
                same_spans(source, &fast, &events),
                "{source:?}\n{fast:?}\n{events:?}"
            );
            same_as_serde_yaml(source);
            for value in values {
                let mut found = false;
                fast.any_scalar(&mut |_, scalar| {
                    found |= scalar.value == value;
                    found
                });
                assert!(found, "{value:?} in {source:?}: {fast:?}");
            }
        }
        // A line that starts with an indicator, a comment, a tab or at the
        // block's indent does not go on the scalar: left to the event parser
        // (which reads some of them as going on, refuses others).
        for source in [
            "a: [x\n  -]\n",
            "a: [x\n  -, y]\n",
            "a: [x\n  -[y]]\n",
            "a: [x\n  -{y}]\n",
            "a: [x\n  -y -]\n",
            "a: [x\n  -: y]\n",
            "a: [x\n  'y']\n",
            "a: [x\n  *y]\n",
            "a: [x\n  !y]\n",
            "a: [x\n  ?y]\n",
            "a: [x\n  :y]\n",
            "a: [x\n  # c\n  y]\n",
            "a: [x\n  \ty]\n",
            "a: [x\t\n  y]\n",
            "b:\n  a: [x\n  y]\n",
            "a: {x\n  y: 1}\n",
            "a: [x\n  y: 1]\n",
            "a: [x\n  y -]\n",
            "a: [x\n  y -, z]\n",
            "a: [x # c\n  y]\n",
        ] {
            assert_eq!(read_alone(source), None, "{source:?}");
            assert!(
                crate::tree::parse(source).is_err() || reference::agrees(source),
                "{source:?}"
            );
        }
    }

    /// A carriage return outside CRLF is a line break (in YAML 1.1 and 1.2
    /// alike), wherever lines break: the event parser's tree, spans included.
    #[test]
    fn reads_lone_carriage_returns_as_line_breaks() {
        for source in [
            "a: b\r\n\rc: d\n",
            "l:\r- a\r- b\r",
            "# c\r\r\nversions:\n  app:\n    - 1.10\n    - 2.20\n  web: [w1]\n",
            "a: |\r  x\r\r  y\rb: >\r  p\r  q\r\rc: \"x\r  y\"\r",
            "a: [x,\r  y]\rb: x\r  y\r\r\n\r  z\rc: 'p\r\r q'\r",
            "- - a\r  - b\r- k: v\r  l:\r  - m\r\r\r",
            "versions:\r  a: web1\r  b: [x, y]\r",
            "a: |+\r  x\r\r\rb: 1",
            "--- # c\ra: 1\r...\r",
        ] {
            read_alone_as_the_event_parser(source);
        }
    }

    /// `node` with every host list made a sequence of its items' nodes.
    fn expanded<'s>(node: &Node<'s>) -> Node<'s> {
        let kind = match &node.kind {
            Kind::HostSeq(seq) => Kind::seq(
                seq.items()
                    .map(|item| expanded(&item.into_node()))
                    .collect(),
            ),
            Kind::Seq(items) => Kind::seq(items.iter().map(expanded).collect()),
            Kind::Map(entries) => Kind::Map(
                entries
                    .iter()
                    .map(|(k, v)| (expanded(k), expanded(v)))
                    .collect(),
            ),
            _ => node.kind.clone(),
        };
        Node {
            span: node.span,
            kind,
        }
    }

    /// Host entries written as one before them but for words that are plain
    /// scalars of their nested values (`Parser::entry_shaped`) are read into
    /// the same tree, every span and value, as without that way, and as the
    /// event parser reads them; entries written otherwise are read the usual
    /// way.
    /// An entry that differs from a model in a byte that is no word, right
    /// after a word (`ab,` then `ab;`, `ab ,`), or by a word left out or
    /// added there, is read the usual way (the search for the runs of words
    /// that differ once went round forever on the first).
    #[test]
    fn entries_differing_but_in_words_are_read_the_usual_way() {
        for (model, other, shaped) in [
            ("[ab, c]", "[ab; c]", false),
            ("[ab, c]", "[ab , c]", false),
            ("[ab, c]", "[abc, c]", true),
            ("[ab, c]", "[a, c]", true),
            ("[ab, c]", "[, c]", false),
            ("[ab c, d]", "[ab, d]", false),
            ("[x, ab]", "[x, ab, c]", false),
            ("[x, a\n      b]", "[x, a\n      b c]", false),
            ("[x, a\n      b]", "[x, a\n      bc]", true),
        ] {
            let source = format!("l:\n- h1:\n    m: {model}\n- h2:\n    m: {other}\n- h3\n");
            ENTRIES_SHAPED.with(|n| n.set(0));
            if crate::tree::parse(&source).is_ok() {
                read_alone_as_the_event_parser(&source);
            }
            assert_eq!(ENTRIES_SHAPED.with(Cell::get) > 0, shaped, "{source:?}");
        }
    }

    /// After an entry read with words of its own, the next is not compared
    /// whole with the models first (`Likes::last_shaped`): one written as a
    /// model there is read the usual way, and becomes a model, the one
    /// after it read as that; the tree the event parser's.
    #[test]
    fn entries_written_alike_after_words_of_their_own_are_read_the_usual_way() {
        let source = "l:\n- h1:\n    m: [1, b]\n- h2:\n    m: [2, b]\n- h3:\n    m: [1, b]\n\
                      - h4:\n    m: [1, b]\n- h5:\n    m: [3, b]\n- h6\n";
        read_alone_as_the_event_parser(source);
        ENTRIES_SHAPED.with(|n| n.set(0));
        ENTRIES_LIKE.with(|n| n.set(0));
        assert!(read_alone(source).is_some());
        assert_eq!(ENTRIES_SHAPED.with(Cell::get), 2);
        assert_eq!(ENTRIES_LIKE.with(Cell::get), 1);
        NO_SHAPED.with(|n| n.set(true));
        let usual = read_alone(source);
        NO_SHAPED.with(|n| n.set(false));
        assert_eq!(
            read_alone(source).as_ref().map(expanded),
            usual.as_ref().map(expanded)
        );
    }

    /// `alike` tells texts of any length apart as `==` does, wherever they
    /// differ.
    #[test]
    fn alike_is_equality() {
        let a: Vec<u8> = (0..40u8).collect();
        for n in 0..a.len() {
            assert!(alike(&a[..n], &a[..n]));
            assert!(!alike(&a[..n], &a[..n + 1]));
            for k in 0..n {
                let mut b = a[..n].to_vec();
                b[k] ^= 0x20;
                assert!(!alike(&a[..n], &b), "{n} {k}");
            }
        }
    }

    /// Host entries whose words are looked for at the places where the
    /// entry before had its own (`word_edits_at`) are read into the same
    /// tree as with the words found by a scan (`word_edits`), and as the
    /// event parser reads them: also where a word there is left out, grows
    /// into an indicator, a comment or another run, changes its type, or is
    /// the model's own, where other bytes differ, and at the end of the file.
    #[test]
    fn words_at_a_models_places_are_read_as_scanned() {
        let model = "- h{i}:\n    ports: [http {i},\n      https\n      -443]\n";
        let others = [
            "- h{i}:\n    ports: [http {i},\n      https\n      -444]\n",
            "- h{i}:\n    ports: [http ,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http {i}:,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http {i}: x,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http {i}-1,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http {i} #,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http {i}#,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http {i} x,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http {i}x,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http true,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http 0x{i},\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http 1_000,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http 0,\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http {i}, \n      https\n      -443]\n",
            "- h{i}:\n    ports: [http {i},\n      https\n      -443]\r\n",
            "- h{i}:\n    ports: [http {i},\n      https\n      -443]\n    k: v\n",
            "- h{i}:\n    ports: [http {i},\n      https\n      -443]",
            "- h{i}:\n    ports: [http {i},\n      https\n      -443",
            "- h{i}:\n    ports: [http {i},\n      https\n      -443]\n  - x\n",
            "- h{i}:\n    ports: [http {i},\n      https\n      -443] # c\n",
            "- h{i}:\n    ports: [http {i},\n      https\n      -443]\n# c\n",
            "- h{i}:\n    ports: [http {i},\n      http\n      -443]\n",
            "- h{i}:\n    ports: [http {i},\n      https\n      -443, x]\n",
            "- h{i}:\n    ports: [http {i},\n      https\n      -{i}]\n",
            "- h{i}:\n    ports: [hxtp {i},\n      https\n      -443]\n",
            "- h{i}:\n    ports: [http {i},\n      https\n      -443]\n- h:\n    m: [a]\n",
        ];
        let numbers = [1, 22, 3, 4444, 5];
        for other in others {
            for (at, last) in [(2, ""), (4, ""), (4, "- x\n"), (2, "m: 1\n")] {
                let mut source = String::from("l:\n");
                for (k, i) in numbers.iter().enumerate() {
                    let entry = if k == at { other } else { model };
                    source.push_str(&entry.replace("{i}", &i.to_string()));
                }
                source.push_str(last);
                NO_PLACES.with(|n| n.set(true));
                let scanned = read_alone(&source);
                NO_PLACES.with(|n| n.set(false));
                ENTRIES_PLACED.with(|n| n.set(0));
                let placed = read_alone(&source);
                assert_eq!(placed, scanned, "{source:?}");
                if at == 4 {
                    assert!(ENTRIES_PLACED.with(Cell::get) > 0, "{source:?}");
                }
                if let Some(placed) = &placed {
                    let events = crate::tree::parse(&source).unwrap().unwrap();
                    assert!(same_spans(&source, placed, &events), "{source:?}");
                    assert_eq!(messages(&source, placed), messages(&source, &events));
                    same_as_serde_yaml(&source);
                }
            }
        }
    }

    #[test]
    fn reads_host_entries_of_a_shape_seen_as_the_usual_way() {
        // A list whose span fits a byte at most words of its own (its
        // start and length written in a byte each), not at 777777.
        let long = format!("- h{{i}}:\n    m: [{{i}}, {}]\n", "x".repeat(248));
        // Entries, and whether those after the first are read by shape.
        let entries = [
            ("- h{i}:\n    ports: [http: {i}, https: 443]\n", true),
            ("- h{i}:\n    pairs:\n      - - a{i}\n        - b\n", true),
            (
                "- h{i}:\n    pairs:\n    - - a{i}\n      - b{i}\n    k: v\n",
                true,
            ),
            (
                "- h{i}: {ports: [http: {i}, x{i}: {{a: y{i}}}], z: 1}\n",
                true,
            ),
            ("- h{i}:\n    m:\n      k{i}: v\n      l: [w{i}]\n", true),
            ("- h{i}:\n    z: 1\n    m: [a, {i}]\n    n: [{i}]\n", true),
            ("- h{i}:\n    m: {{a: {i}}}\n    n: [[{i}], [x]]\n", true),
            ("- h{i}:\n    m:\n    - a_{i}\n    - {i}_b\n", true),
            // Words inside scalars, also scalars over lines (folded).
            ("- h{i}:\n    ports: [http: a{i}b-c, https: 443]\n", true),
            ("- h{i}:\n    ports: [http: a {i}, https: 443]\n", true),
            ("- h{i}:\n    ports: [http: a.{i}]\n", true),
            (
                "- h{i}:\n    ports: [http {i},\n      https\n      443]\n",
                true,
            ),
            (
                "- h{i}:\n    ports: [http {i},\n      https\n      -443]\n",
                true,
            ),
            ("- h{i}:\n    m: {{k: a {i}\n      b}}\n", true),
            (
                "- h{i}:\n    m: {{k: a\n\n\n      b {i}  \n      c}}\n",
                true,
            ),
            ("- h{i}:\n    m: a {i}\n      b\n\n      c {i}\n", true),
            ("- h{i}:\n    m: [x, \"a\\tb\"]\n    n: [{i}]\n", false),
            // Names over lines with words of their own (their list's text
            // made anew).
            ("- h{i}:\n    m: [x, a\n      b {i}]\n", true),
            (
                "- h{i}:\n    m: [a {i}\n      b, c, d\n\n      {i}]\n",
                true,
            ),
            (
                "- h{i}:\n    m: [[x\n      {i}], y\n      z, [p, q {i}\n      r]]\n",
                true,
            ),
            ("- h{i}:\n    m: [x\n      y, a\n      b {i}]\n", true),
            ("- h{i}:\n    m: [a,\n      b {i}]\n", true),
            ("- h{i}:\n    z: {i}\n    m: [a]\n", false),
            ("- h{i}:\n    z{i}: 1\n    m: [a]\n", false),
            ("- h{i}: {{z: {i}, m: [a]}}\n", false),
            // Escapes, quotes, tags, anchors, comments, more lines.
            ("- h{i}:\n    m: [\"a\\t{i}\", b]\n", false),
            ("- h{i}:\n    m: ['a{i}', b]\n", false),
            ("- h{i}:\n    m: [\"a{i}\", b]\n", false),
            ("- h{i}:\n    m: [!!str {i}, b]\n", false),
            ("- h{i}:\n    m: !!seq [{i}, b]\n", false),
            ("- h{i}:\n    m: &x{i} [{i}, b]\n", false),
            ("- h{i}:\n    m: [{i}, b] # c{i}\n", false),
            ("- h{i}:\n    m: [{i}, b #c\n      ]\n", false),
            ("- h{i}:\n    m: [{i}, b\n      #c\n      x]\n", false),
            ("- h{i}:\n    m: [a{i}\n      b, c]\n", true),
            ("- h{i}:\n    m:\n      - a\n        b{i}\n", true),
            ("- h{i}:\n    m: [[a, [{i}]], {{b: [c]}}]\n", true),
            ("- h{i}:\n    m: [a: {i}:b, c]\n", true),
            ("- h{i}:\n    m: [a:{i}, c]\n", true),
            ("- h{i}:\n    m: [a#{i}, c]\n", false),
            ("- h{i}:\n    m: [{i}, c]  \n", true),
            ("- h{i}:\n    m: [{i}, c]\r\n", false),
            ("- h{i}:\n    m: |\n      {i}\n", false),
            ("- h{i}:\n    m: [{i}]\n    ? x\n    : y\n", false),
            ("- h{i}:\n    m: [{i}, *a]\n", false),
            ("- h{i}:\n    m: [{i}, c]\n\t\n", false),
            ("- h{i}:\n    m: [{i}, c]\n  k: 1\n", false),
            ("- h{i}:\n    m:\n    - {i}\n    -\n", true),
            ("- h{i}:\n    m: [{i}, [], {{}}]\n", true),
            ("- h{i}:\n    m: {{k{i}: x, k5: y}}\n", true),
            ("- h{i}:\n    m: {{<<: {{a: {i}}}, b: c}}\n", true),
            ("- h{i}:\n    m: [~, {i}, null, true]\n", true),
            ("- h{i}:\n    m: [{i}\n    ]\n", true),
            // As many words of their own as a stamp takes, and one more.
            (
                "- h{i}:\n    m: [{i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}]\n",
                true,
            ),
            (
                "- h{i}:\n    m: [{i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}]\n",
                true,
            ),
            (long.as_str(), true),
        ];
        let numbers = [1, 22, 3, 4444, 5, 66, 777_777, 0, 12];
        // Words as long as the last entry's, after a stamp is made (the
        // third entry with words of their own at the same places): added
        // as the last one moved on (`SeqBuilder::push_moved`), and a longer
        // one between.
        let as_long = [1, 2, 3, 4, 5, 6, 7, 88, 99, 11, 3, 4];
        let (mut stamped, mut moved) = (Vec::new(), Vec::new());
        for (entry, shaped) in entries {
            for words in [&numbers[..], &[7, 7, 8, 7, 9, 9], &as_long] {
                for last in ["", "m: 1\n", "- x\n", "- h:\n    m: [a, b]\n"] {
                    let mut source = String::from("l:\n");
                    for i in words {
                        source.push_str(&entry.replace("{i}", &i.to_string()));
                    }
                    source.push_str(last);
                    crate::tree::STAMPED.with(|n| n.set(0));
                    NO_SHAPED.with(|n| n.set(true));
                    let usual = read_alone(&source);
                    NO_SHAPED.with(|n| n.set(false));
                    ENTRIES_SHAPED.with(|n| n.set(0));
                    let fast = read_alone(&source);
                    let read = ENTRIES_SHAPED.with(Cell::get);
                    assert_eq!(
                        fast.as_ref().map(expanded),
                        usual.as_ref().map(expanded),
                        "{source:?}"
                    );
                    // Entries added by a stamp are kept as the general way
                    // keeps them, byte for byte; those added as the last one
                    // moved on share its spans, else the same.
                    let before = crate::tree::STAMPED.with(|n| n.replace(0));
                    let as_moved = crate::tree::MOVED.with(|n| n.replace(0));
                    crate::tree::NO_STAMPS.with(|n| n.set(true));
                    let general = read_alone(&source);
                    crate::tree::NO_STAMPS.with(|n| n.set(false));
                    crate::tree::NO_MOVED.with(|n| n.set(true));
                    let unmoved = read_alone(&source);
                    crate::tree::NO_MOVED.with(|n| n.set(false));
                    assert_eq!(unmoved, general, "{source:?}");
                    assert_eq!(
                        fast.as_ref().map(expanded),
                        general.as_ref().map(expanded),
                        "{source:?}"
                    );
                    if as_moved == 0 {
                        assert_eq!(fast, general, "{source:?}");
                    } else {
                        moved.push(entry);
                    }
                    // And those whose words were found at a model's places
                    // as those found by a scan.
                    NO_PLACES.with(|n| n.set(true));
                    let scanned = read_alone(&source);
                    NO_PLACES.with(|n| n.set(false));
                    assert_eq!(fast, scanned, "{source:?}");
                    if before > 0 {
                        stamped.push(entry);
                    }
                    if words.len() == numbers.len() && last.is_empty() && usual.is_some() {
                        assert_eq!(read > 0, shaped, "{source:?}");
                    }
                    if !shaped {
                        assert_eq!(read, 0, "{source:?}");
                    }
                    if let Some(fast) = &fast {
                        let events = crate::tree::parse(&source).unwrap().unwrap();
                        assert!(same_spans(&source, fast, &events), "{source:?}");
                        assert_eq!(messages(&source, fast), messages(&source, &events));
                    }
                    if fast.is_some() {
                        same_as_serde_yaml(&source);
                    }
                }
            }
        }
        // Stamps add entries with words of their own in one-line scalars
        // and in names or scalars over lines besides them, not in those.
        for entry in [
            "- h{i}:\n    ports: [http: {i}, https: 443]\n",
            "- h{i}:\n    pairs:\n      - - a{i}\n        - b\n",
            "- h{i}:\n    ports: [http {i},\n      https\n      443]\n",
            "- h{i}:\n    ports: [http {i},\n      https\n      -443]\n",
            "- h{i}:\n    m: [{i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}]\n",
            &long,
        ] {
            assert!(stamped.contains(&entry), "{entry:?}");
            assert!(moved.contains(&entry), "{entry:?}");
        }
        for entry in [
            "- h{i}:\n    m: [x, a\n      b {i}]\n",
            "- h{i}:\n    m: a {i}\n      b\n\n      c {i}\n",
            "- h{i}:\n    m: [{i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}, {i}]\n",
        ] {
            assert!(!stamped.contains(&entry), "{entry:?}");
        }
    }

    /// Host entries written alike but for their names are read as the first
    /// of them was, moved on (`Parser::entry_like`): the event parser's tree
    /// and the validator's messages all the same.
    #[test]
    fn reads_host_entries_written_alike_as_the_first() {
        let entries = [
            ("- w{i}:\n    pairs:\n    - - a\n      - b\n", 4),
            (
                "  - web-{i}.example.com:  # c\n\n      z: [1, {k: v}]\n      y: |\n        t\n",
                4,
            ),
            ("- w{i}: {zone: a, n: [1]}\n", 4),
            ("- w{i}:\n    k:\n      a: b\n    l:\n    - x\n", 4),
            // Names of other lengths and styles, keys after the name.
            ("- {i}: {z: 1}\n", 4),
            ("- 'w{i}': {z: 1}\n", 0),
            ("- w{i}: {z: 1}\n  k: 1\n", 0),
        ];
        for (entry, alike) in entries {
            let mut source = String::from("l:\n");
            for i in [1, 22, 3, 4444, 5, 66] {
                source.push_str(&entry.replace("{i}", &i.to_string()));
            }
            ENTRIES_LIKE.with(|n| n.set(0));
            assert!(read_alone(&source).is_some(), "{source:?}");
            assert_eq!(ENTRIES_LIKE.with(Cell::get), alike, "{source:?}");
            read_alone_as_the_event_parser(&source);
        }
        // Entries that needed a hand-over, of entries inside them or of
        // themselves, are models too: the entries after the first read alike
        // but the last (before `m:`, not an entry), the nodes handed over
        // (a mapping entry's key and value, a sequence's item) those of two
        // entries, the event parser's tree, spans included.
        let handed = [
            (
                "- w{i}:\n    ports: [http 80,\n      https\n      '443']\n",
                4,
                4,
            ),
            ("- w{i}: {a: [x\n    'y']}\n", 4, 2),
            ("- w{i}:\n    k: [[a]: b]\n    l: 1\n", 4, 4),
            // Not kept as a host entry (a key that is a sequence), or with
            // an anchor: read one by one, then the rest of the list handed
            // over at once.
            ("- w{i}:\n    ? [a]\n    : b\n", 0, 8),
            ("- w{i}:\n    k: &a [x\n      'y']\n", 0, 0),
        ];
        for (entry, alike, hand_overs) in handed {
            let mut source = String::from("l:\n");
            for i in [1, 22, 3, 4444, 5, 66] {
                source.push_str(&entry.replace("{i}", &i.to_string()));
            }
            source.push_str("m: 1\n");
            ENTRIES_LIKE.with(|n| n.set(0));
            let Some((fast, recorded)) = read_recording(&source) else {
                assert_eq!(hand_overs, 0, "{source:?}");
                continue;
            };
            assert_eq!(ENTRIES_LIKE.with(Cell::get), alike, "{source:?}");
            assert_eq!(recorded.len(), hand_overs, "{source:?}");
            let events = crate::tree::parse(&source).unwrap().unwrap();
            assert!(same_spans(&source, &fast, &events), "{source:?}");
            same_as_serde_yaml(&source);
        }
        // Vars taking turns among a few values, a first entry written
        // otherwise: the last few entries read are the models.
        let turns: String = (0..12)
            .map(|i| format!("- w{i}: {{zone: z{}}}\n", i % 3))
            .collect();
        let first = "- w0: {zone: a, x: 1}\n- w1: {zone: a}\n- w2: {zone: a}\n- w3: {zone: a}\n";
        // Vars of their own on 200 hosts, then alike on 100: after 64
        // misses in a row, one entry in 64 is kept as a model (the 256th),
        // and the entries after it but the last are read as it.
        let own: String = (0..300)
            .map(|i| format!("- w{i}: {{zone: z{}}}\n", i.min(200)))
            .collect();
        // Vars taking turns among more values (3 zones and 4 racks, a list
        // among them): each entry written as the one 12 before it, also with
        // plain names in between. Past the first 12, every entry but the
        // list's last is read as a model.
        let twelve = |between: &str| -> String {
            (0..40)
                .map(|i| {
                    let (zone, rack) = (i % 3, i % 4);
                    format!(
                        "- w{i}:
    zone: z{zone}
    rack: r{rack}
    tags: [a, 'b']
{between}"
                    )
                })
                .collect()
        };
        let (twelve, twelve_between) = (twelve(""), twelve("- h\n- g\n"));
        for (source, alike) in [
            (turns.as_str(), 8),
            (first, 1),
            (own.as_str(), 299 - 256 - 1),
            (twelve.as_str(), 40 - 12 - 1),
            (twelve_between.as_str(), 40 - 12),
        ] {
            ENTRIES_LIKE.with(|n| n.set(0));
            assert!(read_alone(source).is_some(), "{source:?}");
            assert_eq!(ENTRIES_LIKE.with(Cell::get), alike, "{source:?}");
            read_alone_as_the_event_parser(source);
        }
        // The validator's messages, in the same places, as the event
        // parser's tree gives them.
        let mut source = String::from("versions:\n  app:\n");
        for name in ["w1", "w2", "w1", "w 3", "w4"] {
            source.push_str(&format!("  - {name}:\n      regal_x: [a]\n      k: 1.10\n"));
        }
        source.push_str("schedul: 2\n");
        let fast = read_alone(&source).unwrap();
        let whole = crate::tree::parse(&source).unwrap().unwrap();
        let ours = messages(&source, &fast);
        assert!(ours.len() > 5, "{ours:?}");
        assert_eq!(ours, messages(&source, &whole));
        // Written otherwise: a longer value, a comment, another column, the
        // end of the list or of the file after it.
        let source = "l:\n- a: [1]\n- b: [1]\n- c: [10]\n- d: [1] # c\n-  e: [1]\n- f: [1]\nm:\n- g: [1]\n- h: [1]\n";
        read_alone_as_the_event_parser(source);
        let source = "- a: [1]\n- b: [1]\n- c: [1]";
        read_alone_as_the_event_parser(source);
    }

    /// Entries this reader does not take are handed to the event parser one
    /// by one (or, after a few in one collection, the rest of it), and the
    /// tree is the one the event parser builds for the whole file.
    #[test]
    fn hands_over_the_entries_it_does_not_take() {
        for source in [
            "l:\n- a\n- |+\n  keep\n\n- b\n",
            "l:\n  - a\n  - x: |+\n      keep\n\n  - b\nm: 1\n",
            "vars:\n  a: 1\n  motd: |+\n    text\n\n  b: 2\nc: 3\n",
            "vars:\n  motd: |+\n    text\n",
            "l:\n- a: |2\n    x\n- !!str\n  b\n- \"x\\\n  y\"\n- c\n",
            "l:\n- !!seq [a]\n- !!map {a: b}\n- c\n",
            "l:\n- ? a\n  : b\n- c\n",
            "k:\n- x: >\n    a\n      b\n  y: 1\n- z\nj: 2\n",
            "a:\n  b: >\n    x\n      y\n  c:\n  - 1\n  - 2\n",
            "l:\n- a\\tb\n- \"c\"\n",
            "l:\n- x: |+\n    a\n\n\n- y: |+\n    b\n  \n",
        ] {
            same_as_serde_yaml(source);
        }
        // Every host entry handed over: one by one, then the rest at once.
        let mut many = String::from("l:\n");
        for i in 0..40 {
            many.push_str(&format!("- w{i}:\n    motd: |+\n      hi\n\n"));
        }
        same_as_serde_yaml(&many);
    }

    /// The validator's messages on `root`, read from `source`.
    fn messages(source: &str, root: &Node) -> Vec<String> {
        use crate::strategy::{HostsFrom, validate};
        match validate::validate(source, root, HostsFrom::Unavailable) {
            Ok(_) => vec![],
            Err(problems) => problems
                .iter()
                .map(|p| p.at(std::path::Path::new("regal.yml")).to_string())
                .collect(),
        }
    }

    /// A file with entries handed over gives the validator's messages, in
    /// the same places, that the whole file read by the event parser gives.
    #[test]
    fn hand_over_keeps_the_messages_of_the_whole_file() {
        for source in [
            "versions:\n  app:\n  - web1\n  - web2:\n      pairs: [a\n        'b']\n  - web1\n  - 'web 3'\nschedul: 2\n",
            "versions:\n  app:\n    hosts:\n    - w1: {regal_x: 1}\n    - w2:\n        k:\n        - !<!t> a\n    - w2\n    ordr: 1\n",
            "versions:\n  a:\n  - w1\n  - ? w2\n    : {z: 1}\n  - w\t3\n  b: [w4, w1]\nvars:\n  x: !!map\n    - 1\n",
        ] {
            let fast = read(source).unwrap_or_else(|| panic!("{source:?}"));
            assert!(read_alone(source).is_none(), "{source:?}");
            let whole = crate::tree::parse(source).unwrap().unwrap();
            let ours = messages(source, &fast);
            assert!(!ours.is_empty(), "{source:?}");
            assert_eq!(ours, messages(source, &whole), "{source:?}");
        }
    }

    /// The fuzz regression input with tabs in comments and at line ends.
    /// Names tagged or double-quoted with escapes on every line, with tab
    /// and comment lines after some, and tags of blocks: read as the event
    /// parser reads them (the tag made only for a block, the line after a
    /// tag looked at once, one search for a quote or an escape).
    #[test]
    fn reads_tagged_and_escaped_names_as_the_event_parser() {
        for source in [
            "l:\n  - !!str a\n  - !!str b\n  - c\n",
            "l:\n  - !!str a\n\t\n  - !x b\n \t \n  - !!str c\n",
            "l:\n  - !!str a\n\t# c\n  - !!str b\n",
            "l:\n  - !!str\n    a\n  - !!null b\n",
            "l: !!seq\n  - a\n  - !!str b\n",
            "l:\n  - !!map\n    a: 1\n  - !!str b\n",
            "l:\n  - \"a\\x41b\"\n  - \"c\\td\"\n  - \"e\\\"f\"\n  - \"g\"\n",
            "l:\n  - \"a\\\\\"\n  - \"\"\n  - \"b\\x2e\\x2ec\"\n",
            "l: \"a, b\\x2c c\"\n",
            "l:\n  - \"a\\x41\n    b\"\n  - c\n",
        ] {
            read_alone_as_the_event_parser(source);
        }
    }

    #[test]
    fn reads_a_strategy_with_tabs_in_comments() {
        same_as_serde_yaml(include_str!(
            "../../tests/fuzz_regressions/reader-tabs-in-comments-and-at-line-ends.yml"
        ));
    }

    /// Lines that start with a tab and hold nothing else but blanks and a
    /// comment (YAML 1.2 reads them as blank lines, YAML 1.1 refuses them)
    /// are read as the event parser reads them, where the next line with
    /// content is a block's next entry or less indented, or there is none,
    /// and (without a comment) inside a plain scalar over lines; not a
    /// comment after a tab before a line that may go on a plain scalar (`a`
    /// then such a line, then `b` indented more: `a b` to the event
    /// parser), whose entry is handed over.
    #[test]
    fn reads_tab_led_blank_lines_as_the_event_parser() {
        for source in [
            "a: 1\n\t\nb: 2\n",
            "- x\n\t\n- y\n",
            "- x\n\t# c\n- y\n",
            "- x\n\t # c\n\t\t\n\n- y\n",
            "\t# c\na: 1\n",
            "---\n\t\na: 1\n",
            "a:\n  - x\n  \t# c\n  - y\n\t\t\nb: |\n  t\n\t# c\nc: d\n",
            "a:\n  b: c\n\t# c\n",
            "a:\n  b: c\n\t#c\n  d: e\n",
            "a:\n- b\n\t\nc: d\n",
            "- x\n  \t # c\n- y\n",
            "- x\n  \t\n- y\n",
            "a: x\n \t\n  y\n",
            "? a\n\t# c\n: b\n",
            "a: !!str\n\t# c\n  b\n",
            "- x\n\t\n  y\n",
            "a:\n  b: x\n\t\n   y\n",
        ] {
            read_alone_as_the_event_parser(source);
        }
        for source in ["a: x\n\t# c\n  y\n", "a:\n  b: x\n\t\n\tc: y\n"] {
            not_read_alone(source);
        }
        // The entry with a comment after a tab beside a plain scalar that
        // goes on is handed over (the file was read whole before).
        for source in [
            "a: 1\nb: x\n\t# c\n  y\nc: 2\n",
            "- w1\n- w2:\n    motd: hello\n\t# c\n      world\n- w3\n",
            "- w1\n- w2:\n    motd: hello\n  \t# c\n\t\n      world\n- w3\n",
        ] {
            assert!(read(source).is_some(), "{source:?}");
            assert!(reference::agrees(source), "{source:?}");
        }
    }

    /// Every error late in a file of the bad-strategy corpus
    /// (`syntax-late-*`) is found from where this reader gives up, and is
    /// the event parser's for the whole file: but where the whole file's
    /// lies early (a closing bracket at its key's column, which this reader
    /// takes as YAML 1.1 does).
    #[test]
    fn finds_the_late_errors_of_the_corpus_where_it_gives_up() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_strategies");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("syntax-late-") || !name.ends_with(".yml") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let whole = crate::tree::parse(&source).unwrap_err();
            match read_or_error(&source) {
                Err(None) if name.contains("bracket-at-key-column") => {}
                found => assert_eq!(found.err(), Some(Some(whole)), "{name}"),
            }
            files += 1;
        }
        assert!(files >= 16, "{files}");
    }

    /// The error of the invalid `source` is found where this reader gives
    /// up, the whole file's (message and place), as the fuzz reference has it.
    fn found_where_it_gives_up(source: &str) {
        let whole = crate::tree::parse(source).unwrap_err();
        assert_eq!(read_or_error(source).err(), Some(Some(whole)), "{source:?}");
        assert!(reference::agrees(source), "{source:?}");
    }

    /// Errors inside an anchored node being read (the anchor on a host's
    /// name, on its vars, on a var's value, an alias of it inside it),
    /// after a run of empty values after an entry over lines, after a
    /// handed-over entry (where this reader gave up first and the event
    /// parser then read the entry), and after a comment after a tab beside a
    /// plain scalar that goes on (its entry handed over): found from where
    /// this reader gives up, each the event parser's for the whole file.
    /// Each went to the event parser whole before.
    #[test]
    fn finds_errors_in_anchored_nodes_after_empty_runs_and_hand_overs() {
        let hosts = "versions:\n  app:\n    - a1\n    - a2\n";
        let handed = "    - h:\n        p: [http 80,\n          https\n          -443]\n";
        for source in [
            format!("{hosts}    - &a w: {{x: [1, }}\n    - a3\n"),
            format!("{hosts}    - w: &a {{x: [1, }}\n"),
            format!("{hosts}    - w: &a\n        x: 1\n        y: [1, }}\n"),
            format!("{hosts}    - w:\n        k: &a [1,\n          *a, }}\n"),
            format!("{hosts}    - w: &a\n        x: 1\n        y: *a\n"),
            format!("{hosts}    - - &a\n        - x: 1\n          y: [1, }}\n"),
            format!("vars: &v\n  a: &a\n    b: &b 1\n    c: *b\n    d: \"\n{hosts}"),
            format!("{hosts}    - w:\n        z:\n    - b:\n    - c:\n    - \"d\n"),
            format!(
                "{hosts}    - w:\n        z: [a,\n          b]\n    - b:\n    - c:\n    - \"d\n"
            ),
            format!("{hosts}{handed}    - \"d\n"),
            format!("{hosts}{handed}\t- d\n"),
            format!("{hosts}{handed}    - a3\n    - d: {{a: 1,\n        b: [}}\n"),
            format!("{hosts}    - w:\n        m: x\n\t# c\n          y\n    - a3\n    - \"d\n"),
            format!("{hosts}    - w:\n        m: x\n\t# c\n          y: z\n    - a3\n"),
            format!("{hosts}    - w:\n        m: x\n\t# c\n          y\n       n: 1\n"),
        ] {
            found_where_it_gives_up(&source);
        }
    }

    /// Errors after an alias (its anchor defined before, as a scalar or a
    /// collection), right after empty values (`-`, `key:`, a key with only
    /// an anchor or a tag, several in a row, a host entry whose last value
    /// is empty, the first entry of a collection), inside a flow collection
    /// on the line after its key or at a flow mapping's key, and after a
    /// flow collection that is the whole document: found from where this
    /// reader gives up, each the event parser's for the whole file.
    #[test]
    fn finds_errors_after_aliases_empty_values_flow_keys_and_json() {
        let hosts = "  app:\n    - a1\n    - a2\n";
        for source in [
            format!(
                "vars:\n  z: &z eu\n  l: &l [a, b]\nversions:\n{hosts}    - w: {{z: *z, r: [1}}\n"
            ),
            format!(
                "vars:\n  z: &z eu\nversions:\n{hosts}    - w:\n        l: *z\n       bad: x\n"
            ),
            format!("vars: &v\n  z: eu\nversions:\n{hosts}    - *v\n    - \"bad\n"),
            format!("versions:\n{hosts}    -\n    - \"bad\n"),
            format!("versions:\n{hosts}    -\n    -\n    -\n    - \"bad\n"),
            format!("versions:\n{hosts}    - w:\n    - \"bad\n"),
            format!("versions:\n{hosts}    - w:\n        z: a\n        r:\n    - \"bad\n"),
            format!("versions:\n{hosts}    - &e\n    - \"bad\n"),
            format!("versions:\n{hosts}    - !!str\n    - \"bad\n"),
            format!("versions:\n{hosts}  web:\n  db: \"bad\n"),
            format!("versions:\n{hosts}  web:\n    - \"bad\n"),
            format!("versions:\n{hosts}  web:\n    [w1,\n     \"bad]\n"),
            format!("versions:\n{hosts}    - w:\n        [a,\n         \"b]\n"),
            format!("versions:\n{hosts}  web: [\n    w1,\n    {{[a, \"b]: c}}\n  ]\n"),
            format!("versions:\n{hosts}  web: [\n    w1, {{[a,\n      \"b]: c}}\n  ]\n"),
            format!("versions:\n{hosts}  web: {{\n    a: b, [x,\n     y, \"z]: c }}\n"),
            "{\n  \"versions\": {\"app\": [\"a\"]},\n  [x,\n   \"bad]: 1\n}\n".to_string(),
            "{\n  \"versions\": {\"app\": [\"a\"]}\n}\nextra: 1\n".to_string(),
            "{\"versions\": {\"app\": [\"a\"]}} x\n".to_string(),
            "[\n  a\n]\n---\nb\n".to_string(),
            "---\n{\n  \"a\": 1\n}\n]\n".to_string(),
            "{\n  \"a\": 1\n}\n...\n\t# c\n- x\n".to_string(),
        ] {
            found_where_it_gives_up(&source);
        }
    }

    /// Tabs anywhere else (indentation, inside a scalar, between a key and
    /// its value, in a comment inside a multi-line scalar) are left to the
    /// event parser: YAML 1.1 and 1.2 read some of them differently.
    #[test]
    fn leaves_other_tabs_to_the_event_parser() {
        for source in [
            "a:\tb\n",
            "a: b\tc\n",
            "\ta: b\n",
            "a:\n\t- b\n",
            "a:\t\n  b: c\n",
            "-\tx\n",
            "---\t# c\na: 1\n",
            "a: |\n  x\t\n",
            "a: |\n  x\n  # \t\n",
            "a: 'x\n  # \ty'\n",
            "a: \"x\n  # \ty\"\n",
            "a: x\t\n  y\n",
            "a: x\n  # \t\n  y\n",
            "a: [x\t, y]\n",
            "a\t: b\n",
            "- &a\t\n  x\n",
            "a: &a\tb\n",
            "a: !!str\tb\n",
            "a: >\t\n  x\n",
            "- -\t\n",
            "- web1:\t\n",
            "a: b:\t\n",
        ] {
            not_read_alone(source);
        }
    }

    /// A host list, block or flow, over lines and with comments, plain or
    /// quoted alike (JSON), is kept compactly (8 bytes a host).
    #[test]
    fn host_lists_are_kept_compactly() {
        for source in [
            "l:\n- x\n    # c\n- y\n",
            "l: [\n  x,  # c\n\n  y,\n]\n",
            "{\"l\": [\n  \"x\",\n  \"y\"\n]}\n",
            "l:\n- 'x'\n- ''\n- 'y'\n",
            // Names that are not their text as written, or tagged, without
            // a node each either.
            "l:\n- \"w\\x41\"\n- \"y\"\n- \"z\\t\\u00e9\"\n- \"it\\\"s\"\n",
            "l:\n- 'it''s'\n- 'b'\n",
            "l:\n- !!str x\n- !!str   1.10\n",
            "l: [!!str 'a', !!str 'b''c']\n",
            "l:\n- over\n  lines\n- x\n",
        ] {
            same_as_serde_yaml(source);
            let root = read(source).unwrap();
            let list = &root.entries().unwrap()[0].1;
            assert!(matches!(list.kind, Kind::HostSeq(_)), "{source:?}");
            assert!(
                format!("{list:?}").contains("nodes: []"),
                "{source:?}: {list:?}"
            );
            let events = crate::tree::parse(source).unwrap().unwrap();
            let theirs = &events.entries().unwrap()[0].1;
            assert!(
                format!("{theirs:?}").contains("nodes: []"),
                "{source:?}: {theirs:?}"
            );
        }
        // Names with escapes, or over lines, are decoded once into one text.
        for source in [
            "l:\n- \"w\\x41\"\n- \"\\u00e9\"\n",
            "l:\n- \"w\\x41\"\n- \"a\n  b\"\n",
        ] {
            same_as_serde_yaml(source);
            let root = read(source).unwrap();
            let list = format!("{:?}", root.entries().unwrap()[0].1);
            assert!(list.contains("decoded: \"wA"), "{source:?}: {list}");
        }
        // Mixed tags or styles: the items that differ from the first are nodes.
        for source in [
            "l:\n- !!str x\n- y\n",
            "l:\n- \"x\"\n- !!str \"y\"\n",
            "l:\n- x\n- 'y'\n",
        ] {
            same_as_serde_yaml(source);
            let root = read(source).unwrap();
            let list = &root.entries().unwrap()[0].1;
            assert!(
                !format!("{list:?}").contains("nodes: []"),
                "{source:?}: {list:?}"
            );
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
        // The host lists are read by this reader (block scalar vars too,
        // kept in the compact entry as their nodes).
        for source in [
            "h:\n- w1:\n    motd: |+\n      hi\n\n    z: 1\n- w2:\n    m: >-\n      a\n      b\n",
            "h:\n- w1: {zone: a}\n- w2: {zone: 'b', \"k\": v}  # c\n- w3\n",
            "h:\n  - w1:\n      zone: a\n      n: 1 # c\n\n  - w2:\n      # c\n      k: ''\n",
            "h:\n- w1:\n    z: [a, b]\n    y: {c: d}\n- 'w2': {z: 1}\n- w3: {z: {y: x}}\n",
        ] {
            same_as_serde_yaml(source);
        }
    }

    /// The usual host entries (`{key: value}` on the name's line, or
    /// `key: value` lines of names and block scalars whose value is their
    /// text) are read by their spans: the same tree as the event parser's,
    /// and a compact list without a node for any var; written otherwise,
    /// the general way gives the same tree.
    #[test]
    fn reads_the_usual_host_entries_by_their_spans() {
        let by_spans = [
            "h:\n- w1: {ansible_host: 10.0.0.1}\n- w2: { a.b: x-1 , c: d }  # c\n- w3\n",
            "h:\n- w1:\n    zone: eu_1\n    n: 10.0.0.1 # c\n\n    # c\n    k: v\n- w2: {z: 1}\n",
            "h:\n- w1:\n    motd: |+\n      hi\n\n- w2:\n    motd: |\n      hi\n    m: >-\n      a\n",
            "h:\n- w1:\n    m: >+\n      a\n\n\n    n: |2-\n       b\n- w2:\n    m: |\n      a",
        ];
        for source in by_spans {
            same_as_serde_yaml(source);
            let root = read(source).unwrap();
            let list = format!("{:?}", root.entries().unwrap()[0].1);
            assert!(
                list.contains("values: []") && list.contains("nodes: []"),
                "{source:?}: {list}"
            );
        }
        for source in [
            // A value that goes on over lines, one with a space, a colon or a
            // quote, a key that is no name, a flow value.
            "h:\n- w1:\n    a: b\n      c\n- w2: {a: b}\n",
            "h:\n- w1:\n    a: b c\n- w2: {a: b c, d: 'e'}\n- w3: {a: b:c}\n",
            "h:\n- w1:\n    'a': b\n    <<: c\n- w2: {\"a\": b}\n- w3: {a: [b]}\n",
            "h:\n- w1: {a: b,}\n- w2:\n    a: 'b'\n",
            // Block scalars whose value is not their text (lines folded,
            // blank lines with spaces, CRLF, indented more).
            "h:\n- w1:\n    a: >\n      b\n      c\n- w2:\n    a: |+\n      b\n  \n",
            "h:\r\n- w1:\r\n    a: |\r\n      b\r\n- w2:\r\n    a: 1\r\n",
            "h:\n- w1:\n    a: |\n      b\n        c\n- w2:\n    a: |1\n      b\n",
        ] {
            same_as_serde_yaml(source);
        }
        // An anchor in a host entry: the event parser reads the file.
        assert!(reference::agrees("h:\n- w1:\n    a: &x b\n- w2: {a: *x}\n"));
    }

    /// The usual var line of a block host entry (`zone: z1` then a line
    /// feed) and flow vars (`{zone: z1}`) are read in one pass over their
    /// line ([`Parser::plain_var_line`], [`Parser::plain_flow_vars`]); every
    /// other line near them (a value that goes on, blanks, tabs, comments,
    /// CR or CRLF, the file's end, another indent) is read the general way,
    /// and the tree is the event parser's and serde_yaml's either way.
    #[test]
    fn reads_the_usual_var_lines_in_one_pass_as_the_general_way() {
        for source in [
            "h:\n- w1:\n    a: b\n    c:   d\n- w2:\n    a: b\n",
            "h:\n- w1:\n    a: b\n- w2:\n    a: b",
            "h:\n- w1:\n    a: b\n\n    # c\n    c: d\n# c\n- w2: {a: b,  c:  d , e: f}\n",
            "h:\n- w1:\n    a: b\n  \n    c: d\n- w2:\n    a: b\t\n    c: d\n",
            "h:\n- w1:\n    a: b\r\n    c: d\r\n- w2: {a: b}\r\n",
            "h:\n- w1:\n    a: b\r    c: d\n- w2:\n    a: b\n",
            "h:\n- w1:\n    a: -1\n    b: c:d\n    e: f # g\n- w2: {a: -1, b: c}\n",
            "h:\n- w1:\n    a_1: b.c-d\n    _e: 9\n- w2: {_a: b.c-d , e: 9}\n",
        ] {
            same_as_serde_yaml(source);
        }
        for source in [
            // A value that goes on, a line indented more or less, a tab.
            "h:\n- w1:\n    a: b\n     c\n- w2:\n    a: b\n",
            "h:\n- w1:\n    a: b\n     c: d\n",
            "h:\n- w1:\n    a: b\n   c: d\n",
            "h:\n- w1:\n    a: b\n\t\n    c: d\n- w2: {a: b,c: d}\n",
            "h:\n- w1:\n    a: b\n    c:\n- w2: {a: b, c:d}\n",
        ] {
            assert!(reference::agrees(source), "{source:?}");
        }
    }

    /// Host entries whose names are read by their spans and whose var lines
    /// are read in one pass (the indent of each line counted once, where
    /// the line before it ends), against the event parser: names of every
    /// kind (a name, a plain scalar that is none, quoted), var lines of
    /// every kind (tabs, comments, CR and CRLF, trailing spaces, keys with
    /// `.` and `-`, YAML 1.1 specials, blank lines), next lines deeper and
    /// shallower, and the file's end with and without a line break.
    #[test]
    fn reads_host_names_and_var_lines_by_their_spans_as_the_event_parser() {
        let names = ["w1", "web-1.example.com", "w@1", "\"w1\"", "'w 1'", "w.-_9"];
        let lines = [
            "a: b",
            "a.b-c: d.e-f",
            "_a: 0x1F",
            "a: yes",
            "a: ~",
            "a: 1_000",
            "a: .inf",
            "a: b  ",
            "a: b\t",
            "a: b # c",
            "a: b\t# c",
            "a:  b",
            "a: b\r",
            "a:\tb",
            "a: b c",
            "a: -b",
            "a:",
            "# c",
            "",
            "   ",
            "\t",
        ];
        let mut count = 0;
        for name in names {
            for first in lines {
                for second in lines {
                    for (indent, next) in
                        [(4, "- w2: {a: b}"), (6, "  c: d"), (4, "  c: d"), (4, "")]
                    {
                        let pad = " ".repeat(indent);
                        let mut source = format!("h:\n- {name}:\n{pad}{first}\n{pad}{second}\n");
                        if !next.is_empty() {
                            source.push_str(next);
                        }
                        assert!(reference::agrees(&source), "{source:?}");
                        count += 1;
                    }
                }
            }
        }
        assert!(count > 10_000);
        // The usual ones are read by this reader alone.
        for source in [
            "h:\n- web-1.example.com:\n    zone: z1\n    rack: r1\n- w2:\n    a: b",
            "h:\n- w@1:\n    a: b\n- w2: {a: b}\n",
            "h:\n- w1:\n    a: b\n    c: d\n",
        ] {
            same_as_serde_yaml(source);
        }
    }

    /// [`read`] of `source` with the models of vars (see [`VarModel`]) and
    /// without them: the same tree, written out whole (how every entry and
    /// var is kept, spans included); how many vars were read by a model.
    fn same_without_var_models(source: &str) -> usize {
        VARS_BY_MODEL.with(|n| n.set(0));
        let with = format!("{:?}", read(source));
        let by_model = VARS_BY_MODEL.with(Cell::get);
        NO_VAR_MODELS.with(|n| n.set(true));
        let without = format!("{:?}", read(source));
        NO_VAR_MODELS.with(|n| n.set(false));
        assert_eq!(with, without, "{source:?}");
        by_model
    }

    /// [`same_without_var_models`] of `source`, of it with CRLF line breaks
    /// and of it without its last line break, each also read as the event
    /// parser reads it; how many vars were read by a model.
    fn agrees_without_var_models_at_any_end(source: String) -> usize {
        let crlf = source.replace('\n', "\r\n");
        let unended = source.trim_end().to_string();
        let mut by_model = 0;
        for source in [source, crlf, unended] {
            by_model += same_without_var_models(&source);
            assert!(reference::agrees(&source), "{source:?}");
        }
        by_model
    }

    /// Host entries whose vars are written as those of an entry before
    /// them up to each value (`zone: z2` after `zone: z1`) are read by
    /// their models (see [`VarModel`]); every entry near them, written
    /// alike or not (a key a byte apart, more or fewer spaces, no space, a
    /// value that is no name or goes on, a comment, a tab, CR, CRLF, the
    /// file's end, another indent, more or fewer vars, a key longer than
    /// an implicit key may be), is read exactly as without the models, and
    /// as the event parser reads it.
    #[test]
    fn reads_vars_written_as_their_models_as_without_them() {
        let long = format!("{}: z1", "k".repeat(MAX_KEY - 1));
        let longer = format!("{}: z1", "k".repeat(MAX_KEY + 1));
        let lines = [
            "zone: z1",
            "zone: z-1.b_2",
            "zonf: z1",
            "zone:  z1",
            "zone:z1",
            "zone: z1 ",
            "zone: z1 # c",
            "zone: z1\t",
            "zone: z1\r",
            "zone:\tz1",
            "zone: 'z1'",
            "zone: a b",
            "zone: a:b",
            "zone: -1",
            "zone: |\n      a",
            "zone:",
            " zone: z1",
            "  zone: z1",
            "# c",
            "",
            "zone: z1\n    rack: r1\n    port: 1",
            "zone: z1\n      more",
            &long,
            &longer,
        ];
        let mut by_model = 0;
        for first in lines {
            for second in lines {
                for pad in ["    ", "      "] {
                    let source = format!(
                        "h:\n- w0:\n    zone: z0\n    rack: r0\n- w1:\n{pad}{first}\n    rack: r1\n\
                         - w2:\n    zone: z2\n{pad}{second}\n- w3:\n    zone: z3\n    rack: r3\n"
                    );
                    by_model += agrees_without_var_models_at_any_end(source);
                }
            }
        }
        // Entries of other indents and numbers of vars one after another:
        // the model at each place is the last read there, whatever entry
        // it was in.
        let bodies = [
            "    zone: z\n    rack: r\n",
            "    zone: z\n",
            "    zone: z\n    rack: r\n    port: p\n",
            "    rack: r\n    zone: z\n",
            "      zone: z\n",
            "      zone: z\n      rack: r\n",
            "      zone: z\n    rack: r\n",
            "    zone: z\n      rack: r\n",
            "    zone: z\n  rack: r\n",
            "  zone: z\n    rack: r\n",
            "    zone: z\n\n",
            "    zone: z\n  # c\n",
            "    zone: z\n-\n",
            "    zone: z\n- - a\n",
        ];
        for a in bodies {
            for b in bodies {
                for c in bodies {
                    let source = format!("h:\n- w0:\n{a}- w1:\n{b}- w2:\n{c}- w3:\n{b}");
                    by_model += same_without_var_models(&source);
                    assert!(reference::agrees(&source), "{source:?}");
                }
            }
        }
        assert!(by_model > 1000, "{by_model}");
        let flows = [
            "{zone: z1, rack: r1}",
            "{zone: z1,rack: r1}",
            "{zone:  z1, rack: r1}",
            "{ zone: z1 , rack: r1 }",
            "{zonf: z1, rack: r1}",
            "{zone: z1}",
            "{zone: z1, rack: r1, port: 1}",
            "{zone: !unsafe 'x1', rack: r1}",
            "{zone: 'x1', rack: r1}",
            "{zone: z1, rack: r1}  # c",
            "{zone: z1, rack: r1}\t",
            "{zone: z1,\track: r1}",
            "{zone: z1, rack: r1",
            "{zone: [a], rack: r1}",
            "{zone:z1, rack: r1}",
            "{}",
        ];
        let mut by_model = 0;
        for first in flows {
            for second in flows {
                let source = format!(
                    "h:\n- w0: {{zone: z0, rack: r0}}\n- w1: {first}\n- w2: {second}\n\
                     - w3: {{zone: z3, rack: r3}}\n- w4:\n    zone: z4\n"
                );
                by_model += agrees_without_var_models_at_any_end(source);
            }
        }
        assert!(by_model > 500, "{by_model}");
        // The end of an entry in a list of another column: the next
        // line's `- ` read as ending the entry only where it does.
        for source in [
            "a:\n    - w0:\n        k: z\n    - w1:\n        k: z\nb:\n- w2:\n        k: z\n    - w3\n",
            "a:\n    - w0:\n        k: z\n    - w1:\n        k: z\nb:\n  - w2:\n        k: z\n    - w3\n",
            "a:\n    - w0:\n        k: z\n    - w1:\n        k: z\nb:\n      - w2:\n          k: z\n    - w3\n",
        ] {
            assert!(same_without_var_models(source) > 0, "{source:?}");
            assert!(reference::agrees(source), "{source:?}");
        }
        // The usual ones, read by this reader alone, mostly by their models.
        for source in [
            "h:\n- w1:\n    zone: z1\n    rack: r1\n- w2:\n    zone: z2\n    rack: r2\n",
            "h:\n- w1: {zone: z1, rack: r1}\n- w2: {zone: z2, rack: r2}\n",
        ] {
            same_as_serde_yaml(source);
            assert_eq!(same_without_var_models(source), 2, "{source:?}");
        }
    }

    /// Host entries whose vars are an alias (`- w1: *v`), and vars tagged
    /// with a local tag before a name or a one-line quoted scalar without
    /// escapes (`{cmd: !unsafe 'x1'}`), are read by their spans, without
    /// nodes, as the event parser reads them; anything near them goes the
    /// general way, which reads the same.
    #[test]
    fn reads_aliased_entries_and_tagged_vars_by_their_spans() {
        let aliased = "h:\n- w0: &v {zone: a}\n- w1: *v\n- w2:  *v  # c\n- w3: {a: 1}\n- w4: *v\n";
        same_as_serde_yaml(aliased);
        let list = format!("{:?}", read(aliased).unwrap().entries().unwrap()[0].1);
        assert_eq!(list.matches("AliasedEntry").count(), 3, "{list}");
        let tagged = concat!(
            "h:\n- w1: {cmd: !unsafe 'x 1', b: !unsafe \"y#\", c: !unsafe z, d: !vault q}\n",
            "- w2: {cmd: !unsafe '', e: !e.x  'a'}\n",
        );
        same_as_serde_yaml(tagged);
        let list = format!("{:?}", read(tagged).unwrap().entries().unwrap()[0].1);
        assert!(
            list.contains("values: []") && list.contains("nodes: []"),
            "{list}"
        );
        for source in [
            // Two keys, an alias then more, an unknown alias, a tab, an
            // alias of a scalar, the name an alias.
            "h:\n- w0: &v {zone: a}\n- w1: *v\n  k: 1\n- w2: *v\n",
            "h:\n- w0: &v {zone: a}\n- w1: *v\t# c\n- w2: *v x\n",
            "h:\n- w0: &v {zone: a}\n- w1: *w\n",
            "h:\n- w0: &v a\n- w1: *v\n- *v\n- *v : *v\n",
            // Tags the general way reads: `!!str`, escapes, a quote inside,
            // a tag on the next line, tagged keys, a tag alone.
            "h:\n- w1: {a: !!str q, b: !unsafe 'it''s', c: !unsafe \"\\t\"}\n",
            "h:\n- w1: {a: !unsafe\n    'x', !unsafe b: c, d: ! e}\n",
            "h:\n- w1: {a: !unsafe 'x':y, b: !unsafe 'x'y}\n",
        ] {
            assert!(reference::agrees(source), "{source:?}");
        }
    }

    /// Scalars longer than [`LONG`] over many lines, after their key: room
    /// for them made once.
    #[test]
    fn reads_long_scalars_over_lines_like_serde_yaml() {
        let names: Vec<String> = (0..10_000)
            .map(|i| format!("web-{i:05}.example.com"))
            .collect();
        let lines = names.join(",\n    ");
        for source in [
            format!("versions:\n  app:\n    {lines}\n  db: x\n"),
            format!("versions:\n  app: >-\n    {lines}\n\n    x\nvars:\n  t: |\n    {lines}\n"),
        ] {
            assert!(source.len() > 2 * LONG);
            same_as_serde_yaml(&source);
        }
    }

    #[test]
    fn leaves_everything_else_to_serde_yaml() {
        for source in [
            "a: [x,\n  y\n  'z']\n",
            "a: [x # c\n  y]\n",
            "a: {x\n  : 1}\n",
            "a:\n  b: [\n  x]\n",
            "a:\n  b: [\n    x,\n ]\n",
            "a: [x,,]\n",
            "[a,\n---\n]\n",
            "[a,\n... ]\n",
            "[a]\n...\n[b]\n",
            "[a]: b\n",
            "{a: b} c\n",
            "a: [,]\n",
            "a: [-\n ]\n",
            "a: \"\\q\"\n",
            "a: \"x\ny\"\n",
            "\"a\n b\": c\n",
            "a: {'k\n  l': v}\n",
            "- \"a\n  b\": c\n",
            "a: 'x\n",
            "a: \"\\uD800\"\n",
            "a: \"\\x+1\"\n",
            "a: !<tag:yaml.org,2002:str> x\n",
            "a: ! x\n",
            "!!str a: x\n",
            "a: &x !!str x\n",
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
            "a: |+\n  text\n",
            "a: |2\n  text\n",
            "a: |\n\n  text\n",
            "a: |\n  text\n   \n",
            "a: |\n",
            "a: |\nb: c\n",
            "a:\n  b: |\n  x\n",
            "a: |#c\n  x\n",
            "a: !!str |\n  x\n",
            "a: multi\n  - line\n",
            "a: multi\n  li: ne\n",
            "a: multi\n  line # c\n",
            "- multi\n  [line]\n",
            "---\na: 1\n---\nb: 2\n",
            "a: 1\n...\nb: 2\n",
            "a: 1\n...\n---\nb: 2\n",
            "a: 1\n...x\n",
            "a: 1\n... x\n",
            "a: 1\n.b: 2\n",
            "a: 1\n...\t\n",
            "a: b: c\n",
            "  a: 1\n b: 2\n",
            "a: - b\n",
            "a: -\n",
            "a:\n    b: 1\n  c: 2\n",
            "a:\n  x\n    y: 1\n",
            "a:\n  x # c\n    y\n",
            "- \n  x\n   - y\n",
        ] {
            not_read_alone(source);
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
            // Block scalars and plain scalars over lines: a line break here goes
            // on at the block's indent and two more.
            "|\nweb1\n web2\n\n# not a comment", ">-\nweb1,\nweb2\n\nweb3", "|-\nx", "> # c\nfolded",
            "!!str x", "\"e\\x41\\t\\\"\"", "!t 'q'", "web1,\nweb2,\nweb3", "multi\nline\n\nplain ",
            "\"quoted \\x41\n two  \n\nlines\"", "'it''s\nquoted'", "[a\nb]",
            "{k: http 80\n\n  https, l: [x\ny # c\n]}", "[http 1,\nhttps\n-443, -\n- x]",
            // From here on, left to the event parser.
            "1.10", "-1", "+1", "1e3", "0x1F", "0o7", ".inf", "-.inf", ".nan", "0.5", "1.", "0b101",
            "18446744073709551616", "\"\\n\"", "[a, b,]", "[a: 1]", "{a}", "{a: }", "[a, # c",
            "[a", "{a: 1}}", "[a:b]", "[-, a]", "[- a]", "{[a]: b}", "[a]b", "!t x",
            "|", ">-", "'a''", "\"a", "%x", "@x", "`x", "? x", ": x", "-", "- x", "a: b", "*z",
            "&a *b", "&a &b x", "& x", "*", "&a- x", "!t &a x",
            // From here on, values an entry is handed to the event parser
            // for (or, with a tab or an anchor, the whole file).
            "|+\nkeep\n", ">+\nfolded\n\n", "|2\n  two", ">-1\n x\n y", "|+2\n  k\n",
            "\"escaped \\\nbreak\"", "!!str\nnext line", "!!seq [a, b]", "!t {k: v}",
            "!!map\nk: v", ">\nfolded\n  more", "x: |+\n  y\n", "a\tb", "|\n\tx", "[x, &e y]",
            "!!str\n'q'", "- |-\n  x", "k: >+\n  v\n\nl: 1", "!!seq\n- a\n- b", "[a\n'b']",
            // Read by the fast reader now (compact nested sequences).
            "- - a\n  - b",
        ];
        const SCALARS_READ: usize = 81;
        /// How many values at the end of `SCALARS` are handed over.
        const HANDED: usize = 21;
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
            /// The document in flow style, laid out over lines by the bytes.
            Flow(Box<Doc>, Vec<u8>),
        }

        /// Scalars in a flow collection: mostly ones the fast reader takes.
        #[rustfmt::skip]
        const FLOW_SCALARS: &[&str] = &[
            "web1", "web-01.example.com", "10.1.1.9", "'q'", "'it''s'", "\"dq\"", "a b", "~",
            "-x", "1.10", "007", "true", "\"e\\x41\\t\\\"\"", "\"\\u00e9\\/\"", "!!str t", "!x y",
            "!!str 'q'", "!!int \"7\"", "{}", "[]", "'a, b'", "web[1:3]", "\u{e9}t\u{e9}", "x ",
            "'two\n          lines'", "\"two\n\n          lines\"", "x#c", "a:b", "http://x:8/#y",
            "x\n          y", "http 80\n\n           https\n          443", "x:y\n          z#w",
            "web1\n          web2 x",
            // Left to the event parser.
            "", "- x", "-", "&a x", "*a", "!!str", "? x", "\"\\q\"", "a: b", "|", "x\n  y", "a:?b",
            "x\n          -y", "x\n          'y'", "x\n          *y", "a: b\n          c",
        ];
        const FLOW_READ: usize = 33;

        fn doc() -> impl Strategy<Value = Doc> {
            let leaf = prop_oneof![
                20 => (0..SCALARS_READ).prop_map(Doc::Scalar),
                1 => (0..SCALARS.len()).prop_map(Doc::Scalar),
                3 => (SCALARS.len() - HANDED..SCALARS.len()).prop_map(Doc::Scalar),
            ];
            let key = prop_oneof![20 => 0..KEYS_READ, 1 => 0..KEYS.len()];
            leaf.prop_recursive(5, 64, 6, move |inner| {
                prop_oneof![
                    2 => prop::collection::vec(inner.clone(), 0..6).prop_map(Doc::Seq),
                    2 => prop::collection::vec((key.clone(), inner.clone()), 0..6).prop_map(Doc::Map),
                    1 => (inner, prop::collection::vec(any::<u8>(), 4..24))
                        .prop_map(|(doc, layout)| Doc::Flow(Box::new(doc), layout)),
                ]
            })
        }

        /// A flow collection over lines as a mapping's value, maybe in a
        /// sequence, maybe in another mapping (`versions:\n  app: [`).
        fn flow_doc() -> impl Strategy<Value = Doc> {
            let key = prop_oneof![20 => 0..KEYS_READ, 1 => 0..KEYS.len()];
            let layout = prop::collection::vec(any::<u8>(), 4..32);
            (doc(), layout, key, any::<bool>(), any::<bool>()).prop_map(
                |(doc, layout, key, in_seq, nested)| {
                    let flow = Doc::Flow(Box::new(doc), layout);
                    let value = if in_seq { Doc::Seq(vec![flow]) } else { flow };
                    let map = Doc::Map(vec![(key, value)]);
                    if nested {
                        Doc::Map(vec![(0, map)])
                    } else {
                        map
                    }
                },
            )
        }

        /// Scalar `s` written at the block indent `pad`.
        fn text(s: usize, pad: &str) -> String {
            SCALARS[s].replace('\n', &format!("\n{pad}  "))
        }

        /// Block YAML for `doc` at `indent`; `step` is the nesting indent and
        /// `same` puts a mapping's sequences at the key's own indent.
        fn render(doc: &Doc, indent: usize, step: usize, same: bool, out: &mut String) {
            let pad = " ".repeat(indent);
            match doc {
                Doc::Scalar(s) => out.push_str(&format!("{pad}{}\n", text(*s, &pad))),
                Doc::Flow(doc, layout) => {
                    out.push_str(&pad);
                    flow(doc, &mut Layout::new(layout, indent), out);
                    out.push('\n');
                }
                Doc::Seq(items) => {
                    for item in items {
                        match item {
                            Doc::Scalar(s) => out.push_str(&format!("{pad}- {}\n", text(*s, &pad))),
                            Doc::Flow(doc, layout) => {
                                out.push_str(&format!("{pad}- "));
                                flow(doc, &mut Layout::new(layout, indent), out);
                                out.push('\n');
                            }
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
                        // Now and then an explicit key (`? k` then `:`).
                        match (key + indent) % 7 == 3 {
                            true => out.push_str(&format!("{pad}? {}\n{pad}:", KEYS[*key])),
                            false => out.push_str(&format!("{pad}{}:", KEYS[*key])),
                        }
                        match value {
                            // Now and then on the next line, one step in
                            // (a block scalar's header stays on the key's).
                            Doc::Scalar(s)
                                if (key + s) % 4 == 0 && !SCALARS[*s].starts_with(['|', '>']) =>
                            {
                                let pad = " ".repeat(indent + step);
                                out.push_str(&format!("\n{pad}{}\n", text(*s, &pad)));
                            }
                            Doc::Scalar(s) => out.push_str(&format!(" {}\n", text(*s, &pad))),
                            Doc::Flow(doc, layout) => {
                                out.push(' ');
                                flow(doc, &mut Layout::new(layout, indent), out);
                                out.push('\n');
                            }
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

        /// Where a flow collection breaks its lines, read from bytes in turn;
        /// `indent` is the block's, which its lines should pass.
        struct Layout<'a> {
            bytes: &'a [u8],
            next: usize,
            indent: usize,
        }

        impl Layout<'_> {
            fn new(bytes: &[u8], indent: usize) -> Layout<'_> {
                Layout {
                    bytes,
                    next: 0,
                    indent,
                }
            }

            fn byte(&mut self) -> u8 {
                let byte = self.bytes.get(self.next).copied().unwrap_or(0);
                self.next += 1;
                byte
            }

            /// Space between tokens: none, spaces, or a line break (after a
            /// comment, before blank or comment lines), mostly to a line
            /// indented past the block, sometimes to one that is not.
            fn space(&mut self) -> String {
                let pad = |n: usize| " ".repeat(n);
                let past = self.indent + 1;
                match self.byte() % 64 {
                    0..=13 => String::new(),
                    14..=23 => " ".to_string(),
                    24..=41 => format!("\n{}", pad(past + 1)),
                    42 | 43 => format!(" #\tc\t\n{}", pad(past)),
                    44..=49 => format!(" # c\n{}", pad(past)),
                    50..=54 => format!("\n\n{}", pad(past + 2)),
                    55..=59 => format!("\n  # line\n{}", pad(past)),
                    60 | 61 => format!("  \n{}", pad(past)),
                    62 => format!("\n{}", pad(self.indent)),
                    _ => "\n".to_string(),
                }
            }
        }

        /// `doc` in flow style.
        fn flow(doc: &Doc, layout: &mut Layout, out: &mut String) {
            let (open, close, len) = match doc {
                Doc::Scalar(s) if *s < SCALARS_READ => {
                    return out.push_str(FLOW_SCALARS[*s % FLOW_READ]);
                }
                Doc::Scalar(s) => return out.push_str(FLOW_SCALARS[*s % FLOW_SCALARS.len()]),
                Doc::Flow(doc, _) => return flow(doc, layout, out),
                Doc::Seq(items) => ('[', ']', items.len()),
                Doc::Map(entries) => ('{', '}', entries.len()),
            };
            out.push(open);
            for i in 0..len {
                out.push_str(&layout.space());
                match doc {
                    // A mapping in a sequence, sometimes as its first entry
                    // alone without braces (`[k: v]`).
                    Doc::Seq(items) => match &items[i] {
                        Doc::Map(pair) if !pair.is_empty() && layout.byte() % 2 == 1 => {
                            out.push_str(KEYS[pair[0].0]);
                            out.push(':');
                            let space = layout.space();
                            out.push_str(if space.is_empty() { " " } else { &space });
                            flow(&pair[0].1, layout, out);
                        }
                        item => flow(item, layout, out),
                    },
                    // A key without a value (`{k, l}`), sometimes.
                    Doc::Map(entries) if layout.byte() % 5 == 4 => {
                        out.push_str(KEYS[entries[i].0]);
                    }
                    Doc::Map(entries) => {
                        out.push_str(KEYS[entries[i].0]);
                        // Mostly right after the key; on the next line, the
                        // event parser's.
                        let space = layout.space();
                        out.push_str(if space.len() > 1 { " " } else { &space });
                        out.push(':');
                        let space = layout.space();
                        out.push_str(if space.is_empty() { " " } else { &space });
                        flow(&entries[i].1, layout, out);
                    }
                    _ => unreachable!(),
                }
                out.push_str(&layout.space());
                // A trailing comma, sometimes.
                if i + 1 < len || layout.byte().is_multiple_of(3) {
                    out.push(',');
                }
            }
            out.push_str(&layout.space());
            out.push(close);
        }

        /// Tabs where they change nothing: `kind` 1 ends each line that does
        /// not end in an indicator with a tab, 2 with a comment after a tab
        /// holding tabs, 3 puts a comment line holding a tab first.
        fn tabbed(text: String, kind: u8) -> String {
            let end = match kind % 4 {
                0 => return text,
                1 => "\t",
                2 => " \t# c\tc\t",
                _ => return format!("#\tc\n{text}"),
            };
            let mut out = String::with_capacity(text.len() * 2);
            for line in text.split_inclusive('\n') {
                let body = line.trim_end_matches('\n');
                out.push_str(body);
                if !body.is_empty() && !body.ends_with([':', '|', '>', '-', '[', '{', ',', ' ']) {
                    out.push_str(end);
                }
                out.push_str(&line[body.len()..]);
            }
            out
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
                // A line of blanks after a tab, maybe with a comment: blank
                // to YAML 1.2 (see `Parser::skip_tab_blanks`).
                _ => {
                    const LINES: &[&str] = &["\t# c\n", "\t\n", "  \t # c\n", "\t#\n", " \t\t\n"];
                    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                    text.insert_str(start, LINES[what % LINES.len()]);
                }
            }
            text
        }

        /// Whether `text`, with `damages` done to it, is read alike by the
        /// fast reader, the event parser and serde_yaml (`agrees`), spans
        /// included but for the ends each builder draws its own way
        /// (`same_spans`); the text read otherwise.
        fn read_alike_damaged(
            mut text: String,
            damages: Vec<(u8, usize, usize)>,
        ) -> Result<(), String> {
            for (kind, at, what) in damages {
                text = damage(text, kind, at, what);
            }
            let spans = match (super::super::read(&text), crate::tree::parse(&text)) {
                (Some(fast), Ok(Some(events))) => super::same_spans(&text, &fast, &events),
                _ => true,
            };
            (agrees(&text) && spans).then_some(()).ok_or(text)
        }

        /// The documents reach the fast reader's paths, not only its refusals.
        /// Host lists of entries written alike whose vars need a hand-over
        /// are read as the first of them, often.
        #[test]
        fn entries_needing_a_hand_over_are_models() {
            use proptest::strategy::ValueTree;
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            let (mut handed, mut alike) = (0, 0);
            for _ in 0..1000 {
                let vars = doc().new_tree(&mut runner).unwrap().current();
                let entries = (0..6)
                    .map(|i| Doc::Map(vec![(7 + i, vars.clone())]))
                    .collect();
                let list = Doc::Map(vec![(1, Doc::Seq(entries)), (0, Doc::Scalar(0))]);
                let mut text = String::new();
                render(&list, 0, 2, false, &mut text);
                super::super::ENTRIES_LIKE.with(|n| n.set(0));
                let Some((_, recorded)) = super::super::read_recording(&text) else {
                    continue;
                };
                if !recorded.is_empty() {
                    handed += 1;
                    alike += usize::from(super::super::ENTRIES_LIKE.with(std::cell::Cell::get) > 0);
                }
                assert_eq!(read_alike_damaged(text, Vec::new()), Ok(()));
            }
            assert!(
                handed > 40 && alike > 20,
                "handed {handed}, of which read alike {alike}"
            );
        }

        /// Whether `node` holds a single pair in a flow sequence (`[k: v]`)
        /// and a key without a value in a flow mapping (`{k, l}`).
        fn flow_forms(src: &str, node: &crate::tree::Node, pair: &mut bool, key_only: &mut bool) {
            let at = |node: &crate::tree::Node| src.as_bytes()[node.span.start()];
            if let Some(entries) = node.entries() {
                for (key, value) in entries {
                    let empty = value.span.start == value.span.end;
                    *key_only |= at(node) == b'{' && empty && matches!(at(value), b',' | b'}');
                    flow_forms(src, key, pair, key_only);
                    flow_forms(src, value, pair, key_only);
                }
            } else if let Some(items) = node.items() {
                for item in items {
                    *pair |= at(node) == b'[' && item.entries().is_some() && at(&item) != b'{';
                    flow_forms(src, &item, pair, key_only);
                }
            }
        }

        #[test]
        fn most_undamaged_documents_are_read_by_the_fast_reader() {
            use proptest::strategy::ValueTree;
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            let (mut read, mut maps, mut aliases, mut blocks, mut tabs) = (0, 0, 0, 0, 0);
            let (mut handed, mut compacts, mut explicit) = (0, 0, 0);
            for i in 0..1000usize {
                let doc = doc().new_tree(&mut runner).unwrap().current();
                let mut text = String::from(ANCHORS);
                render(&doc, 0, 2, false, &mut text);
                read += usize::from(super::super::read(&text).is_some());
                handed += usize::from(
                    super::super::read_recording(&text).is_some_and(|(_, h)| !h.is_empty()),
                );
                let tabbed = tabbed(text.clone(), (i % 3 + 1) as u8);
                tabs += usize::from(super::super::read(&tabbed).is_some());
                maps += usize::from(
                    super::super::read(&text)
                        .is_some_and(|v| v.entries().is_some_and(|m| m.len() > 1)),
                );
                aliases += usize::from(text.contains(" *") && super::super::read(&text).is_some());
                let block = text.contains("|\n") || text.contains(">-\n");
                blocks += usize::from(block && super::super::read(&text).is_some());
                // Compact nested sequences and mappings in them, read alone
                // (without the anchors' mapping before: the document may be
                // a sequence).
                let mut alone = String::new();
                render(&doc, 0, 2, false, &mut alone);
                let compact = alone.contains("- - ");
                compacts += usize::from(compact && super::super::read_alone(&alone).is_some());
                let key = alone.contains("\n? ") || alone.starts_with("? ");
                explicit += usize::from(key && super::super::read_alone(&alone).is_some());
            }
            assert!(
                read > 300
                    && maps > 100
                    && aliases > 10
                    && blocks > 15
                    && tabs > 80
                    && handed > 15
                    && compacts > 40
                    && explicit > 40,
                "read {read}, of which maps {maps}, with aliases {aliases}, block scalars {blocks}, \
                 with entries handed over {handed}, compact nested sequences read \
                 alone {compacts}, explicit keys {explicit}; with tabs {tabs}"
            );
            let (mut read, mut lines, mut nested, mut pairs, mut bare) = (0, 0, 0, 0, 0);
            for _ in 0..1000 {
                let doc = flow_doc().new_tree(&mut runner).unwrap().current();
                let mut text = String::new();
                render(&doc, 0, 2, false, &mut text);
                let Some(tree) = super::super::read(&text) else {
                    continue;
                };
                read += 1;
                lines += usize::from(text.lines().count() > 3);
                nested += usize::from(format!("{tree:?}").matches("Seq(").count() > 1);
                let (mut pair, mut key_only) = (false, false);
                flow_forms(&text, &tree, &mut pair, &mut key_only);
                pairs += usize::from(pair);
                bare += usize::from(key_only);
            }
            assert!(
                read > 500 && lines > 300 && nested > 150 && pairs > 30 && bare > 25,
                "read {read}, of which over 3+ lines {lines}, with nested sequences {nested}, \
                 with pairs in sequences {pairs}, with keys without values {bare}"
            );
        }

        /// Errors in a document's second half: the fast reader finds most of
        /// them from the entry it gives up on (`read_or_error`), and each is
        /// the event parser's for the whole file (checked by `agrees`).
        #[test]
        fn most_late_errors_are_found_where_the_fast_reader_gives_up() {
            use proptest::strategy::ValueTree;
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            let (mut errors, mut found) = (0, 0);
            for i in 0..3000usize {
                let doc = doc().new_tree(&mut runner).unwrap().current();
                let mut text = String::new();
                render(&doc, 0, 2, i % 2 == 0, &mut text);
                if text.len() < 40 || super::super::read(&text).is_none() {
                    continue;
                }
                let at = text.len() / 2 + (i * 7919) % (text.len() / 2);
                let text = damage(text, (i % 3) as u8, at, i / 3);
                assert!(agrees(&text), "{text:?}");
                if crate::tree::parse(&text).is_err() {
                    errors += 1;
                    found +=
                        usize::from(matches!(super::super::read_or_error(&text), Err(Some(_))));
                }
            }
            eprintln!("late errors {errors}, found from where the fast reader gave up {found}");
            assert!(
                errors > 100 && found * 10 > errors * 9,
                "{found} of {errors}"
            );
        }

        /// Lines of blanks after a tab (and maybe a comment) in generated
        /// documents: read as the event parser reads them (by `agrees`), and
        /// by the fast reader where that reads the document without them
        /// (but next to a plain scalar that may go on).
        #[test]
        fn tab_led_blank_lines_are_read_where_the_event_parser_reads_them() {
            use proptest::strategy::ValueTree;
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            let (mut valid, mut read) = (0, 0);
            for i in 0..2000usize {
                let doc = doc().new_tree(&mut runner).unwrap().current();
                let mut text = String::new();
                render(&doc, 0, 2, i % 2 == 0, &mut text);
                if super::super::read(&text).is_none() {
                    continue;
                }
                let text = damage(text, 3, i * 7919, i);
                assert!(agrees(&text), "{text:?}");
                if crate::tree::parse(&text).is_ok() {
                    valid += 1;
                    read += usize::from(super::super::read(&text).is_some());
                }
            }
            eprintln!("with a tab-led blank line {valid}, read by the fast reader {read}");
            assert!(valid > 800 && read * 10 > valid * 9, "{read} of {valid}");
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]
            /// A host list whose entries are written alike but for their
            /// names, in up to three ways (read as one before, moved on:
            /// `Parser::entry_like`),
            /// maybe damaged, maybe followed by more: the event parser's tree,
            /// spans included.
            #[test]
            fn host_entries_written_alike_read_as_the_event_parser_reads_them(
                vars in prop::collection::vec(doc(), 1..4),
                names in prop::collection::vec(
                    (prop_oneof![20 => 0..KEYS_READ, 1 => 0..KEYS.len()], any::<usize>()),
                    2..9,
                ),
                step in 1usize..5,
                same: bool,
                tabs in 0u8..16,
                after in 0..KEYS.len(),
                damages in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 0..2),
            ) {
                let entries = (names.iter())
                    .map(|&(name, which)| Doc::Map(vec![(name, vars[which % vars.len()].clone())]));
                let list = Doc::Map(vec![(1, Doc::Seq(entries.collect())), (after, Doc::Scalar(0))]);
                let mut text = String::new();
                render(&list, 0, step, same, &mut text);
                if tabs < 4 {
                    text = tabbed(text, tabs);
                }
                prop_assert_eq!(read_alike_damaged(text, damages), Ok(()));
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]
            #[test]
            fn where_the_fast_reader_reads_serde_yaml_reads_the_same(
                doc in prop_oneof![doc(), flow_doc()],
                step in 1usize..5,
                same: bool,
                anchors: bool,
                tabs in 0u8..8,
                ended: bool,
                breaks in 0u8..6,
                damages in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 0..3),
            ) {
                let mut text = if anchors { String::from(ANCHORS) } else { String::new() };
                render(&doc, 0, step, same, &mut text);
                text = tabbed(text, tabs);
                if ended {
                    text.push_str("... # end\n");
                }
                // Now and then CR or CRLF line breaks, or some of each.
                text = match breaks {
                    0 => text.replace('\n', "\r"),
                    1 => text.replace('\n', "\r\n"),
                    2 => text.replacen('\n', "\r", 3).replacen('\n', "\r\n", 2),
                    _ => text,
                };
                prop_assert_eq!(read_alike_damaged(text, damages), Ok(()));
            }
        }
    }

    /// `name_bytes_beside` (the bytes that differ from a known name's) against
    /// the table a byte at a time: every byte value in every place, and in
    /// two places, of names of every length from a word to past two, beside
    /// known names of other bytes; and `key_to` of a name after one as long
    /// (compared with it) against `key`.
    #[test]
    fn names_beside_a_known_one_are_checked_as_each_byte() {
        for len in 8..20 {
            for known in [
                b"web-0123.example_Z9",
                b"aaaaaaaaaaaaaaaaaaa",
                b"-._-._-._-._-._-._-",
            ] {
                let known = &known[..len];
                for byte in 0..=255u8 {
                    for place in 0..len {
                        for other in [None, Some((len - 1 - place, b'/')), Some((place / 2, b'q'))]
                        {
                            let mut name = known.to_vec();
                            name[place] = byte;
                            if let Some((at, b)) = other {
                                name[at] = b;
                            }
                            let all = name.iter().all(|&b| NAME_BYTES[usize::from(b)]);
                            assert_eq!(name_bytes_beside(known, &name), all, "{name:?}");
                        }
                    }
                }
            }
        }
        for byte in (0..=255u8).filter(|b| !b"\n\r:#".contains(b) && b.is_ascii()) {
            for place in [0, 3, 7, 8, 15, 22] {
                let mut name = b"web-0000001.example.com".to_vec();
                name[place] = byte;
                let name = String::from_utf8(name).expect("UTF-8");
                let src = format!("- web-0000000.example.com: 1\n- {name}: 2\n");
                let Some(parser) = Parser::new(&src) else {
                    continue;
                };
                let first = parser.raw_line(0).expect("a line");
                let (_, colon) = parser.key_to(first, 2, 25).expect("a name");
                assert_eq!(colon, 25);
                let line = parser.raw_line(first.next).expect("a line");
                let at = line.start + 2;
                let Some(colon) = memchr::memchr(b':', &src.as_bytes()[at..line.end]) else {
                    continue;
                };
                let fast = parser.key_to(line, at, at + colon);
                assert_eq!(fast, parser.key(line, at), "{src:?}");
            }
        }
    }

    /// `all_name_bytes` (eight bytes at a time) against the table a byte at
    /// a time, and `key_to` against `key`: every byte value in every place
    /// of names of every length up to past two words, before a `:` and a
    /// space, the line's end or another byte.
    #[test]
    fn keys_before_the_first_colon_read_as_the_general_way() {
        for len in 0..20 {
            for byte in 0..=255u8 {
                for place in 0..len.max(1) {
                    let mut name: Vec<u8> = (0..len).map(|i| b"aZ09_.-w"[i % 8]).collect();
                    if len > 0 {
                        name[place] = byte;
                    }
                    let all = name.iter().all(|&b| NAME_BYTES[usize::from(b)]);
                    assert_eq!(all_name_bytes(&name), all, "{name:?}");
                    if byte == b':'
                        || byte == b'\n'
                        || byte == b'\r'
                        || std::str::from_utf8(&name).is_err()
                    {
                        continue;
                    }
                    let name = String::from_utf8(name).expect("UTF-8");
                    for after in [": v\n", ":\n", ":x\n", ":", ": "] {
                        let src = format!("- {name}{after}");
                        let Some(parser) = Parser::new(&src) else {
                            continue;
                        };
                        let line = parser.raw_line(0).expect("a line");
                        let Some(colon) = memchr::memchr(b':', &src.as_bytes()[2..line.end]) else {
                            continue;
                        };
                        let fast = parser.key_to(line, 2, colon + 2);
                        let general = parser.key(line, 2);
                        assert_eq!(fast, general, "{src:?}");
                    }
                }
            }
        }
    }
}
